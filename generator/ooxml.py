"""Rich text as WordprocessingML: runs, list numbering, hyperlinks, footnotes, and the
layout of a parsed field (`generator.richtext`) where its placeholder stands.

python-docx has no footnotes and no numbering API, and docxtpl adds none; what rich text
needs is built here, in one place, with every child element in the order ECMA-376's schema
gives (Word refuses a document whose property elements are out of order; LibreOffice is
lenient, so only tests/test_ooxml.py would notice).

Ids are kept apart per language ("slots"): the side-by-side copy is the English document
with the Korean document's content copied in, and `adopt` then brings the Korean footnotes,
numbering and hyperlink relationships along without renumbering anything.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from docx.document import Document as DocumentObject
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from .i18n import language
from .render import RPR_ORDER, insert_ordered, set_child
from .richtext import PLACEHOLDER, Block, RichDoc, RichText, Span

_NUMBERING_ORDER = (qn("w:numPicBullet"), qn("w:abstractNum"), qn("w:num"),
                    qn("w:numIdMacAtCleanup"))

LANG_SLOTS = {"en": 1, "ko": 2}
SLOT_SIZE = 10_000  # ids per language (9,999 lists and footnotes each), small as in Word

# List marks by language and level. Korean ordered lists continue the item hierarchy of
# Korean documents below the document's own "1." and "가.": 1) then 가).
_LEVELS: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "bullet": {"en": (("bullet", "•"), ("bullet", "◦")),
               "ko": (("bullet", "○"), ("bullet", "-"))},
    "decimal": {"en": (("decimal", "%1."), ("lowerLetter", "%2.")),
                "ko": (("decimal", "%1)"), ("ganada", "%2)"))},
}
INDENT = 360  # twips per level, and the hanging indent of the mark
_KINDS = ("bullet", "decimal")

STYLES = {
    "Hyperlink": (
        '<w:style {ns} w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/>'
        '<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/>'
        '<w:unhideWhenUsed/><w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr>'
        '</w:style>'),
    "FootnoteText": (
        '<w:style {ns} w:type="paragraph" w:styleId="FootnoteText">'
        '<w:name w:val="footnote text"/><w:basedOn w:val="Normal"/>'
        '<w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
        '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        '<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>'),
    "FootnoteReference": (
        '<w:style {ns} w:type="character" w:styleId="FootnoteReference">'
        '<w:name w:val="footnote reference"/><w:basedOn w:val="DefaultParagraphFont"/>'
        '<w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
        '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>'),
}

_FOOTNOTES = (
    f'<w:footnotes {nsdecls("w", "r")}>'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing '
    'w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/>'
    '</w:r></w:p></w:footnote></w:footnotes>'
)


def ensure_styles(document: DocumentObject) -> None:
    """The Hyperlink and footnote styles, where a template does not define its own."""
    styles = document.styles.element
    have = {s.get(qn("w:styleId")) for s in styles.findall(qn("w:style"))}
    for style_id, xml in STYLES.items():
        if style_id not in have:
            styles.append(parse_xml(xml.format(ns=nsdecls("w"))))


def rpr(base: Any, *, bold: bool = False, italic: bool = False, korean: bool = False,
        style: str | None = None) -> Any:
    """Run properties: a copy of the template run's, plus bold, italic and a character
    style. Korean has no italics: slanted Hangul is a faux style Korean typography does not
    use, so "italic" is the emphasis Korean does use: dots over the syllables (w:em), and
    bold too, since LibreOffice (so the PDFs) does not draw the dots."""
    props = copy.deepcopy(base) if base is not None else parse_xml(f"<w:rPr {nsdecls('w')}/>")
    if style:
        set_child(props, _el(f'<w:rStyle w:val="{style}"/>'), RPR_ORDER)
    if bold or (italic and korean):
        set_child(props, _el("<w:b/>"), RPR_ORDER)
        set_child(props, _el("<w:bCs/>"), RPR_ORDER)
    if italic:
        if korean:
            set_child(props, _el('<w:em w:val="dot"/>'), RPR_ORDER)
        else:
            set_child(props, _el("<w:i/>"), RPR_ORDER)
            set_child(props, _el("<w:iCs/>"), RPR_ORDER)
    return props


def text_run(text: str, props: Any) -> Any:
    """One w:r: the text, with tabs as w:tab and spaces kept."""
    run = parse_xml(f"<w:r {nsdecls('w')}/>")
    if len(props):
        run.append(copy.deepcopy(props))
    for index, piece in enumerate(text.split("\t")):
        if index:
            run.append(_el("<w:tab/>"))
        if piece:
            t = _el('<w:t xml:space="preserve"/>')
            t.text = piece
            run.append(t)
    return run


def break_run(props: Any) -> Any:
    run = parse_xml(f"<w:r {nsdecls('w')}/>")
    if len(props):
        run.append(copy.deepcopy(props))
    run.append(_el("<w:br/>"))
    return run


def paragraph(props: Any) -> Any:
    """A w:p with `props` (a w:pPr) or none."""
    p = parse_xml(f"<w:p {nsdecls('w')}/>")
    if props is not None:
        p.append(props)
    return p


def style_props(style_id: str) -> Any:
    return _el(f'<w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>')


def paragraph_props(base: Any, *, level: int | None = None, num_id: int | None = None,
                    indent_level: int | None = None) -> Any:
    """A copy of the template paragraph's w:pPr, numbered (w:numPr) or indented to a list
    level (a list item's second paragraph)."""
    props = copy.deepcopy(base) if base is not None else parse_xml(f"<w:pPr {nsdecls('w')}/>")
    if num_id is not None and level is not None:
        set_child(props, _el(f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/>'
                             '</w:numPr>'))
    elif indent_level is not None:
        set_child(props, _el(f'<w:ind w:left="{INDENT * (indent_level + 1)}"/>'))
    return props


class Writer:
    """Adds numbering, hyperlinks and footnotes to one document, with ids in its
    language's slot."""

    def __init__(self, document: DocumentObject, lang: str) -> None:
        self.document = document
        self.lang = lang
        self.base = LANG_SLOTS.get(lang, len(LANG_SLOTS) + 1) * SLOT_SIZE
        self._numbering: Any = None
        self._footnotes: Any = None
        self._lists = 0
        self._links: dict[str, str] = {}
        self._notes = 0
        ensure_styles(document)

    # numbering.xml: two abstract numberings per language, one w:num per list (restarts).
    def new_list(self, kind: str, start: int = 1) -> int:
        numbering = self._numbering_element()
        abstract_id = self.base + _KINDS.index(kind)
        if not any(a.get(qn("w:abstractNumId")) == str(abstract_id)
                   for a in numbering.findall(qn("w:abstractNum"))):
            insert_ordered(numbering, _abstract(abstract_id, kind, self.lang),
                           _NUMBERING_ORDER)
        self._lists += 1
        num_id = self.base + self._lists
        num = _el(f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
                  '<w:lvlOverride w:ilvl="0">'
                  f'<w:startOverride w:val="{start}"/></w:lvlOverride></w:num>')
        insert_ordered(numbering, num, _NUMBERING_ORDER)
        return num_id

    def _numbering_element(self) -> Any:
        if self._numbering is None:
            self._numbering = self.document.part.numbering_part.element
        return self._numbering

    def link(self, url: str, in_note: bool = False) -> str:
        """The id of an external hyperlink relationship to `url`: the document's, or the
        footnotes part's for a link in a footnote (an r:id is looked up in the part that
        holds it; Word and LibreOffice drop a link whose id that part lacks)."""
        part = self.footnotes_part() if in_note else self.document.part
        key = f"{'note' if in_note else 'body'}\0{url}"
        r_id = self._links.get(key)
        if r_id is None:
            r_id = f"rIdLink{self.lang}{'n' if in_note else ''}{len(self._links) + 1}"
            part.rels.add_relationship(RT.HYPERLINK, url, r_id, is_external=True)
            self._links[key] = r_id
        return r_id

    def footnotes_part(self) -> Any:
        self._footnotes_element()
        return next(rel.target_part for rel in self.document.part.rels.values()
                    if rel.reltype == RT.FOOTNOTES)

    def footnote(self, paragraphs: list[Any]) -> int:
        """A footnote holding `paragraphs` (already built), returning its id."""
        footnotes = self._footnotes_element()
        self._notes += 1
        note_id = self.base + self._notes
        note = _el(f'<w:footnote w:id="{note_id}"/>')
        for p in paragraphs:
            note.append(p)
        footnotes.append(note)
        return note_id

    def _footnotes_element(self) -> Any:
        if self._footnotes is None:
            self._footnotes = footnotes_element(self.document)
        return self._footnotes


def footnotes_element(document: DocumentObject) -> Any:
    """The document's footnotes.xml root, made (with the separator footnotes) if missing."""
    part = document.part
    for rel in part.rels.values():
        if rel.reltype == RT.FOOTNOTES:
            return rel.target_part.element
    element = parse_xml(_FOOTNOTES)
    footnotes = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, element, part.package)
    part.relate_to(footnotes, RT.FOOTNOTES)
    # Word names the separator footnotes in the settings too, as its own documents do.
    settings = document.settings.element
    if settings.find(qn("w:footnotePr")) is None:
        note_pr = _el('<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/>'
                      '</w:footnotePr>')
        later = next((child for child in settings if child.tag in _AFTER_FOOTNOTE_PR), None)
        if later is not None:
            later.addprevious(note_pr)
        else:
            settings.append(note_pr)
    return element


# What follows w:footnotePr in w:settings (ECMA-376 Part 1, 17.15.1.78).
_AFTER_NAMES = """
    endnotePr compat docVars rsids attachedSchema themeFontLang clrSchemeMapping
    doNotIncludeSubdocsInStats doNotAutoCompressPictures forceUpgrade captions
    readModeInkLockDown smartTagType shapeDefaults doNotEmbedSmartTags decimalSymbol
    listSeparator
"""
_AFTER_FOOTNOTE_PR = frozenset(qn(f"w:{name}") for name in _AFTER_NAMES.split()) | {
    "{http://schemas.openxmlformats.org/officeDocument/2006/math}mathPr",
    "{http://schemas.openxmlformats.org/schemaLibrary/2006/main}schemaLibrary",
}


def footnote_reference(note_id: int, base: Any) -> Any:
    run = parse_xml(f"<w:r {nsdecls('w')}/>")
    run.append(rpr(base, style="FootnoteReference"))
    run.append(_el(f'<w:footnoteReference w:id="{note_id}"/>'))
    return run


def footnote_mark(base: Any) -> list[Any]:
    """The number at the start of a footnote's text, and the space after it."""
    mark = parse_xml(f"<w:r {nsdecls('w')}/>")
    mark.append(rpr(base, style="FootnoteReference"))
    mark.append(_el("<w:footnoteRef/>"))
    return [mark, text_run(" ", base if base is not None else _el("<w:rPr/>"))]


def hyperlink(r_id: str) -> Any:
    return parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="{r_id}" w:history="1"/>')


def adopt(composed: DocumentObject, other: DocumentObject) -> None:
    """Bring `other`'s footnotes, list numbering and hyperlink relationships into
    `composed`, whose body now holds copies of `other`'s paragraphs. Ids do not clash:
    each language has its own slot."""
    mine = other.part
    links = [(r_id, rel) for r_id, rel in mine.rels.items()
             if rel.reltype == RT.HYPERLINK and r_id.startswith("rIdLink")]
    note_parts = [rel.target_part for rel in mine.rels.values() if rel.reltype == RT.FOOTNOTES]
    notes = [part.element for part in note_parts]
    note_links = [(r_id, rel) for part in note_parts for r_id, rel in part.rels.items()
                  if rel.reltype == RT.HYPERLINK and r_id.startswith("rIdLink")]
    own = [n for root in notes for n in root.findall(qn("w:footnote"))
           if int(n.get(qn("w:id"), "0")) >= SLOT_SIZE]
    numbering = _numbering_of(other)
    abstracts = nums = []
    if numbering is not None:
        abstracts = [a for a in numbering.findall(qn("w:abstractNum"))
                     if int(a.get(qn("w:abstractNumId"), "0")) >= SLOT_SIZE]
        nums = [n for n in numbering.findall(qn("w:num"))
                if int(n.get(qn("w:numId"), "0")) >= SLOT_SIZE]
    if not (links or own or nums):
        return
    ensure_styles(composed)
    existing = composed.part.rels
    for r_id, rel in links:
        if r_id not in existing:
            existing.add_relationship(RT.HYPERLINK, rel.target_ref, r_id, is_external=True)
    if own:
        target = footnotes_element(composed)
        for note in own:
            target.append(copy.deepcopy(note))
        notes_part = next(rel.target_part for rel in composed.part.rels.values()
                          if rel.reltype == RT.FOOTNOTES)
        for r_id, rel in note_links:
            if r_id not in notes_part.rels:
                notes_part.rels.add_relationship(RT.HYPERLINK, rel.target_ref, r_id,
                                                 is_external=True)
    if nums:
        target = composed.part.numbering_part.element
        for abstract in abstracts:
            insert_ordered(target, copy.deepcopy(abstract), _NUMBERING_ORDER)
        for num in nums:
            insert_ordered(target, copy.deepcopy(num), _NUMBERING_ORDER)


def _numbering_of(document: DocumentObject) -> Any:
    for rel in document.part.rels.values():
        if rel.reltype == RT.NUMBERING:
            return rel.target_part.element
    return None


def _abstract(abstract_id: int, kind: str, lang: str) -> Any:
    levels = _LEVELS[kind]["ko" if language(lang).numbering == "korean" else "en"]
    xml = [f'<w:abstractNum w:abstractNumId="{abstract_id}">'
           '<w:multiLevelType w:val="hybridMultilevel"/>']
    for level, (fmt, mark) in enumerate(levels):
        xml.append(
            f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{mark}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{INDENT * (level + 1)}" w:hanging="{INDENT}"/></w:pPr>'
            '</w:lvl>'
        )
    xml.append("</w:abstractNum>")
    return _el("".join(xml))


def _el(xml: str) -> Any:
    """One element from a fragment of propgen's own markup, without namespace declarations."""
    return parse_xml(_TAG.sub(lambda m: f"<{m.group(1)} {_NS}", xml, count=1))


_NS = nsdecls("w", "r")
_TAG = re.compile(r"^<([\w:]+)")



# --- laying out --------------------------------------------------------------------------

W_P, W_PPR, W_RPR = (qn(f"w:{n}") for n in ("p", "pPr", "rPr"))


def resolve(document: DocumentObject, fields: list[RichText], lang: str) -> None:
    """Replace each placeholder with the field's paragraphs, list items, links and notes."""
    if not fields:
        return  # every field was one plain paragraph, printed by the template
    _flatten_in_headers(document, fields)
    found = list(document.element.body.iter(PLACEHOLDER))
    if not found:
        return
    writer = Writer(document, lang)
    lists: dict[tuple[int, int], int] = {}
    for number, placeholder in enumerate(found):
        field_ = fields[int(placeholder.get("n"))]
        _replace(placeholder, field_, writer, lang, lists, number)


def _flatten_in_headers(document: DocumentObject, fields: list[RichText]) -> None:
    """A field a custom template puts in a page header or footer prints as one line of
    plain text there: a header has no room for lists, and Word no footnotes in it."""
    for rel in document.part.rels.values():
        if rel.is_external or rel.reltype not in (RT.HEADER, RT.FOOTER):
            continue
        element = getattr(rel.target_part, "element", None)
        if element is None:
            continue
        for placeholder in list(element.iter(PLACEHOLDER)):
            t = placeholder.getparent()
            flat = " ".join(str(fields[int(placeholder.get("n"))]).split("\n"))
            t.text = (t.text or "") + flat + (placeholder.tail or "")
            t.remove(placeholder)


def _replace(placeholder: Any, rich: RichText, writer: Writer, lang: str,
             lists: dict[tuple[int, int], int], number: int) -> None:
    """The template paragraph keeps what precedes the placeholder and takes the first
    block; each further block is a new paragraph in the template paragraph's style; the
    suffix, the text after the placeholder and the runs after it end the last block."""
    t = placeholder.getparent()
    run = t.getparent()
    container = run.getparent()
    template_p = container if container.tag == W_P else next(run.iterancestors(W_P))
    base_rpr = run.find(W_RPR)
    base_ppr = template_p.find(W_PPR)
    after = placeholder.tail or ""
    t.remove(placeholder)
    following = list(run.itersiblings())
    anchor: Any = run
    if not (t.text or len(t)) and len(run) == (2 if base_rpr is not None else 1):
        container.remove(run)  # nothing typed before the field in this run
        anchor = None
    blocks = rich.doc.blocks or (Block(()),)
    korean = language(lang).upright_italics
    target, current = container, template_p
    for index, block in enumerate(blocks):
        if index:
            new = paragraph(None)
            current.addnext(new)
            target = current = new
        props = _block_ppr(block, base_ppr, writer, lists, number)
        old = current.find(W_PPR)
        if old is not None:
            current.remove(old)
        if props is not None:
            current.insert(0, props)
        runs = _runs(block.spans, rich.doc, base_rpr, writer, korean)
        if index == 0 and rich.prefix:
            runs.insert(0, text_run(rich.prefix, base_rpr if base_rpr is not None else rpr(None)))
        for element in runs:
            if index == 0 and anchor is not None:
                anchor.addnext(element)
                anchor = element
            else:
                target.append(element)
    extra = rich.suffix + after
    if extra:
        target.append(text_run(extra, base_rpr if base_rpr is not None else rpr(None)))
    for element in following:
        target.append(element)


def _block_ppr(block: Block, base: Any, writer: Writer,
               lists: dict[tuple[int, int], int], number: int) -> Any:
    if block.kind is None:
        return copy.deepcopy(base) if base is not None else None
    if not block.item:
        return paragraph_props(base, indent_level=block.level)
    key = (number, block.list_index)
    num_id = lists.get(key)
    if num_id is None:
        num_id = lists[key] = writer.new_list(block.kind, block.start)
    return paragraph_props(base, level=block.level, num_id=num_id)


def _runs(spans: tuple[Span, ...], doc: RichDoc, base: Any, writer: Writer,
          korean: bool, in_note: bool = False) -> list[Any]:
    out: list[Any] = []
    link_element: Any = None
    link_url: str | None = None
    for span in spans:
        if span.note is not None:
            out.append(footnote_reference(_footnote(doc, span.note, base, writer, korean),
                                                base))
            link_element = link_url = None
            continue
        props = rpr(base, bold=span.bold, italic=span.italic, korean=korean,
                          style="Hyperlink" if span.link else None)
        element = break_run(props) if span.brk else text_run(span.text, props)
        if span.link:
            if link_element is None or link_url != span.link:
                link_element = hyperlink(writer.link(span.link, in_note))
                link_url = span.link
                out.append(link_element)
            link_element.append(element)
        else:
            link_element = link_url = None
            out.append(element)
    return out


def _footnote(doc: RichDoc, index: int, base: Any, writer: Writer, korean: bool) -> int:
    """A Word footnote with the note's text, in the footnote style; its id."""
    blocks = doc.notes[index] or (Block(()),)
    note_ppr = style_props("FootnoteText")
    base_rpr = _lang_only(base)
    paragraphs = []
    for number, block in enumerate(blocks):
        p = paragraph(copy.deepcopy(note_ppr))
        if number == 0:
            for mark in footnote_mark(base_rpr):
                p.append(mark)
        for element in _runs(block.spans, doc, base_rpr, writer, korean, in_note=True):
            p.append(element)
        paragraphs.append(p)
    return writer.footnote(paragraphs)


def _lang_only(base: Any) -> Any:
    """A footnote's runs take the footnote style's size, not the template run's."""
    props = rpr(None)
    if base is not None:
        for name in ("w:rFonts", "w:lang"):
            found = base.find(qn(name))
            if found is not None:
                set_child(props, copy.deepcopy(found), RPR_ORDER)
    return props
