"""Word markup back to rich text: the inverse of `ooxml.resolve`, for `propgen pull`.

A field's paragraphs in an edited document (the runs inside its content controls) are read
as a `richtext.RichDoc`: paragraphs, list items (w:numPr: the level, and bullet or number
from the list's w:numFmt), bold and italic (Korean: the emphasis dots, w:em, that the build
sets instead of italics), hyperlinks (the relationship's target) and footnote references
(the footnote's paragraphs). `richtext.serialise` then writes it as the YAML's Markdown.
What the subset cannot say (an image, a page break, a link to a bookmark) is reported,
never dropped: pull leaves such a field to be edited by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from .i18n import N_
from .ooxml import INDENT
from .richtext import Block, RichDoc, Span

W_P, W_R, W_T, W_SDT, W_SDTCONTENT = (qn(f"w:{n}") for n in ("p", "r", "t", "sdt", "sdtContent"))
W_HYPERLINK, W_INS, W_RPR, W_PPR = (qn(f"w:{n}") for n in ("hyperlink", "ins", "rPr", "pPr"))
W_TAB, W_BR, W_CR, W_NOTE_REF = (qn(f"w:{n}") for n in ("tab", "br", "cr", "footnoteReference"))
W_VAL, R_ID = qn("w:val"), qn("r:id")
OFF_VALUES = ("0", "false", "off", "none")  # a toggle property set off
# Run content the Markdown subset has no words for.
_OBJECTS = {qn("w:drawing"): N_("an image"), qn("w:pict"): N_("an image"),
            qn("w:object"): N_("an embedded object"),
            qn("w:endnoteReference"): N_("an endnote"),
            qn("w:fldChar"): N_("a Word field")}
@dataclass
class FieldRead:
    """A field as the edited document shows it, and what of it cannot be pulled."""

    doc: RichDoc
    styles: list[str] = field(default_factory=list)  # each paragraph's style id
    problems: list[str] = field(default_factory=list)  # msgids (N_), one per kind


class Reader:
    """Reads fields of one document: its numbering, hyperlinks and footnotes."""

    def __init__(self, document: Any, korean: bool) -> None:
        self.part = document.part
        self.korean = korean
        self._formats: dict[tuple[str, int], str] | None = None
        self._starts: dict[str, int] = {}
        self._link_parts: list[Any] = [self.part]
        self._notes_part: Any = None
        self._notes: dict[str, Any] | None = None

    def read(self, paragraphs: list[tuple[Any, list[Any]]]) -> FieldRead:
        """`paragraphs`: each of the field's paragraphs with its controls of the field."""
        result = FieldRead(RichDoc(()))
        blocks: list[Block] = []
        notes: list[tuple[Block, ...]] = []
        lists: dict[str, int] = {}  # numId -> list index
        last_item: Block | None = None
        for paragraph, controls in paragraphs:
            ppr = paragraph.find(W_PPR)
            style = ppr.find(qn("w:pStyle")) if ppr is not None else None
            result.styles.append(style.get(W_VAL) if style is not None else "")
            spans = tuple(self._spans([c for s in controls for c in _content(s)], notes,
                                      result.problems))
            num = ppr.find(qn("w:numPr")) if ppr is not None else None
            num_id = num.find(qn("w:numId")) if num is not None else None
            indent = _indent(ppr)
            if num is not None and num_id is not None and num_id.get(W_VAL) not in (None, "0"):
                level_element = num.find(qn("w:ilvl"))
                level = int(level_element.get(W_VAL, "0")) if level_element is not None else 0
                ident = num_id.get(W_VAL, "")
                kind = "bullet" if self._format(ident, level) == "bullet" else "decimal"
                index = lists.setdefault(ident, len(lists))
                last_item = Block(spans, kind, min(level, 1), index, self._start(ident), True)
                blocks.append(last_item)
            elif last_item is not None and indent in (INDENT, 2 * INDENT):
                # A list item's second paragraph: indented to the item's text, no mark.
                level = (indent or INDENT) // INDENT - 1
                blocks.append(Block(spans, last_item.kind, level, last_item.list_index,
                                    last_item.start, False))
            else:
                last_item = None
                blocks.append(Block(spans))
        result.doc = RichDoc(tuple(blocks), tuple(notes))
        return result

    # --- runs ----------------------------------------------------------------------

    def _spans(self, children: list[Any], notes: list[tuple[Block, ...]],
               problems: list[str], link: str | None = None) -> list[Span]:
        out: list[Span] = []
        for child in children:
            tag = child.tag
            if tag == W_R:
                out.extend(self._run(child, notes, problems, link))
            elif tag == W_HYPERLINK:
                target = self._link(child)
                if target is None:
                    report_once(problems, N_("a link to a place in the document"))
                out.extend(self._spans(list(child), notes, problems, target or link))
            elif tag in (W_INS, qn("w:moveTo"), qn("w:smartTag"), qn("w:customXml"),
                         qn("w:fldSimple")):  # tracked insertions and moves as accepted
                out.extend(self._spans(list(child), notes, problems, link))
            elif tag == W_SDT:
                out.extend(self._spans(_content(child), notes, problems, link))
            elif tag in _OBJECTS:
                report_once(problems, _OBJECTS[tag])
        return out

    def _run(self, run: Any, notes: list[tuple[Block, ...]], problems: list[str],
             link: str | None) -> list[Span]:
        bold, italic = self._format_of(run.find(W_RPR))
        out: list[Span] = []
        for child in run:
            tag = child.tag
            if tag == W_T:
                out.append(Span(child.text or "", bold, italic, link))
            elif tag == W_TAB:
                out.append(Span("\t", bold, italic, link))
            elif tag == W_BR and child.get(qn("w:type")) in ("page", "column"):
                report_once(problems, N_("a page break"))
            elif tag in (W_BR, W_CR):
                out.append(Span(brk=True, bold=bold, italic=italic, link=link))
            elif tag == qn("w:noBreakHyphen"):
                # The "-" of an id, which the build makes non-breaking (layout.keep_ids_whole).
                out.append(Span("-", bold, italic, link))
            elif tag == W_NOTE_REF:
                out.append(Span(note=len(notes)))
                notes.append(self._note(child.get(qn("w:id"), ""), problems))
            elif tag in _OBJECTS:
                report_once(problems, _OBJECTS[tag])
            # Anything else in a run (properties, deleted text, proofing and bookmark
            # marks, the footnote's own number) shows no text of its own.
        return out

    def _format_of(self, rpr: Any) -> tuple[bool, bool]:
        if rpr is None:
            return False, False

        def on(name: str) -> bool:
            found = rpr.find(qn(f"w:{name}"))
            return found is not None and found.get(W_VAL, "true") not in OFF_VALUES

        style = rpr.find(qn("w:rStyle"))
        style_id = style.get(W_VAL, "") if style is not None else ""
        if self.korean:
            italic = on("em") or style_id == "Emphasis"
            # The build sets Korean "italic" as dots and bold (LibreOffice draws no dots).
            return (on("b") or style_id == "Strong") and not italic, italic
        return on("b") or style_id == "Strong", on("i") or style_id == "Emphasis"

    def _link(self, hyperlink: Any) -> str | None:
        rid = hyperlink.get(R_ID)
        # In a footnote, the footnotes part's relationships (the document's for a file
        # built before propgen put them there).
        for part in self._link_parts:
            if rid and rid in part.rels:
                rel = part.rels[rid]
                return str(rel.target_ref) if rel.is_external else None
        return None

    def _note(self, note_id: str, problems: list[str]) -> tuple[Block, ...]:
        if self._notes is None:
            self._notes = {}
            for rel in self.part.rels.values():
                if rel.reltype == RT.FOOTNOTES:
                    self._notes_part = rel.target_part
                    for note in part_element(rel.target_part).findall(qn("w:footnote")):
                        self._notes[note.get(qn("w:id"), "")] = note
        note = self._notes.get(note_id)
        if note is None:
            return ()
        blocks = []
        self._link_parts = [self._notes_part, self.part]
        try:
            paragraphs = [self._spans([c for c in p if c.tag != W_PPR], [], problems)
                          for p in note.findall(W_P)]
        finally:
            self._link_parts = [self.part]
        for number, spans in enumerate(paragraphs):
            if number == 0 and spans and spans[0].note is None and spans[0].text[:1] == " ":
                # The space after the footnote's number (ooxml.footnote_mark).
                spans[0] = Span(spans[0].text[1:], spans[0].bold, spans[0].italic,
                                spans[0].link)
            blocks.append(Block(tuple(spans)))
        return tuple(blocks)

    # --- numbering -------------------------------------------------------------------

    def _numbering(self) -> dict[tuple[str, int], str]:
        if self._formats is None:
            self._formats = {}
            try:
                numbering = self.part.numbering_part.element
            except (KeyError, NotImplementedError):
                return self._formats
            abstract = {a.get(qn("w:abstractNumId")): a
                        for a in numbering.findall(qn("w:abstractNum"))}
            for num in numbering.findall(qn("w:num")):
                ident = num.get(qn("w:numId"), "")
                ref = num.find(qn("w:abstractNumId"))
                definition = abstract.get(ref.get(W_VAL) if ref is not None else None)
                for lvl in definition.findall(qn("w:lvl")) if definition is not None else []:
                    fmt = lvl.find(qn("w:numFmt"))
                    self._formats[(ident, int(lvl.get(qn("w:ilvl"), "0")))] = (
                        fmt.get(W_VAL, "decimal") if fmt is not None else "decimal")
                override = num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
                if override is not None:
                    self._starts[ident] = int(override.get(W_VAL, "1"))
        return self._formats

    def _format(self, num_id: str, level: int) -> str:
        return self._numbering().get((num_id, level), "decimal")

    def _start(self, num_id: str) -> int:
        self._numbering()
        return self._starts.get(num_id, 1)


def part_element(part: Any) -> Any:
    """A part's XML: python-docx loads footnotes.xml as a plain part (bytes)."""
    element = getattr(part, "element", None)
    return element if element is not None else parse_xml(part.blob)


def _content(sdt: Any) -> list[Any]:
    content = sdt.find(W_SDTCONTENT)
    return list(content) if content is not None else []


def _indent(ppr: Any) -> int | None:
    ind = ppr.find(qn("w:ind")) if ppr is not None else None
    if ind is None or ppr.find(qn("w:numPr")) is not None:
        return None
    try:
        return int(ind.get(qn("w:left"), ind.get(qn("w:start"), "")))
    except ValueError:
        return None


def report_once(problems: list[str], problem: str) -> None:
    """Add `problem` to the reasons a field is not pulled, once."""
    if problem not in problems:
        problems.append(problem)
