"""Redlines: NEW's document with Word tracked changes against OLD's, both built by propgen.

The diff runs over our own rendered documents, not over arbitrary Word files: both sides
come from one template, so paragraphs, tables and rows line up by their text, and difflib's
SequenceMatcher (block level, then word level inside a paragraph) is enough. Every change
is a Word revision (`w:ins` / `w:del` with author and date, `w:delText`, paragraph-mark
revisions for whole paragraphs, `w:trPr/w:ins|w:del` for table rows), in the body, the
page headers and footers and the footnotes, so a reviewer accepting every change gets
NEW's text and rejecting every change gets OLD's. A link is compared by its text and its
target: one pointed elsewhere is deleted and inserted again.
`accept_all` / `reject_all` apply those rules to the XML, for tests and scripts.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from .build import build_submission, document_names
from .errors import UserError
from .fields import unwrap_content_controls
from .i18n import N_
from .keep import back_up, same_bytes
from .loader import load_profile
from .ooxml import footnotes_element
from .output import Manifest, docx_bytes, safe_stem, write_atomic
from .readback import OFF_VALUES
from .revisions import load_version, parse_version

W_P, W_R, W_T, W_TBL, W_TR, W_TC = (qn(f"w:{n}") for n in ("p", "r", "t", "tbl", "tr", "tc"))
W_INS, W_DEL, W_PPR, W_RPR, W_TRPR = (qn(f"w:{n}") for n in ("ins", "del", "pPr", "rPr", "trPr"))
W_DELTEXT, W_INSTR, W_DELINSTR = qn("w:delText"), qn("w:instrText"), qn("w:delInstrText")
W_HYPERLINK, W_FLDSIMPLE = qn("w:hyperlink"), qn("w:fldSimple")
W_NOTE, W_NOTE_REF = qn("w:footnote"), qn("w:footnoteReference")
# Each hyperlink's target, set on both documents' w:hyperlink elements while they are
# compared (an r:id means nothing across two packages) and removed before saving. No
# namespace: one would leave its declaration behind on every link.
LINK_TARGET = "propgen-target"
W_SECTPR, W_TCPR, W_TBLPREX = qn("w:sectPr"), qn("w:tcPr"), qn("w:tblPrEx")
R_ID = qn("r:id")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

# Paragraphs this similar (word-level ratio) are shown as one edited paragraph; below it,
# as one deleted and one inserted paragraph.
PAIR_RATIO = 0.5
# Marks that carry no text and may be dropped from an edited paragraph.
_IGNORED = {qn(f"w:{n}") for n in ("bookmarkStart", "bookmarkEnd", "proofErr",
                                    "lastRenderedPageBreak", "permStart", "permEnd")}
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
# Run formatting a reader sees change (bold, italic, the Korean emphasis dots, underline,
# strike-through, raised or lowered): a word whose formatting changed is a change.
_SEEN = tuple(qn(f"w:{n}") for n in ("b", "i", "em", "u", "strike", "vertAlign"))
# Placeholder keys of run content that is not text.
_SPECIAL = {qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n",
            qn("w:noBreakHyphen"): "\u2011", qn("w:softHyphen"): "\u00ad"}


@dataclass(frozen=True)
class Revision:
    """Who made the changes and when, as Word shows them in the margin."""

    author: str
    date: dt.datetime

    @property
    def stamp(self) -> str:
        moment = self.date if self.date.tzinfo else self.date.replace(tzinfo=dt.timezone.utc)
        return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def redline_bytes(old: bytes, new: bytes, revision: Revision) -> bytes:
    """A DOCX of `new` with tracked changes against `old` (both DOCX bytes from propgen)."""
    old_doc, new_doc = open_document(old), open_document(new)
    redline(old_doc, new_doc, revision)
    return docx_bytes(new_doc)


def open_document(data: bytes) -> Any:
    """A document whose footnotes part is XML (python-docx loads it as bytes otherwise)."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.part import PartFactory, XmlPart

    before = PartFactory.part_type_for.get(CT.WML_FOOTNOTES)
    PartFactory.part_type_for[CT.WML_FOOTNOTES] = XmlPart
    try:
        return Document(io.BytesIO(data))
    finally:
        if before is None:
            del PartFactory.part_type_for[CT.WML_FOOTNOTES]
        else:
            PartFactory.part_type_for[CT.WML_FOOTNOTES] = before


def redline(old_doc: Any, new_doc: Any, revision: Revision) -> None:
    """Turn `new_doc` into NEW with tracked changes against `old_doc` (in place): its body,
    page headers and footers, and footnotes; a link whose target changed is a deleted
    link and an inserted one."""
    old_body, new_body = old_doc.element.body, new_doc.element.body
    for body in (old_body, new_body):
        unwrap_content_controls(body)  # a redline is read, not pulled
    pairs = _header_pairs(old_doc, new_doc)
    for part in (old_doc.part, new_doc.part, *(p for pair in pairs for p in pair if p)):
        _mark_targets(part, part.element)
    old_notes, new_notes = footnotes_of(old_doc), footnotes_of(new_doc)
    old_refs, new_refs = _references(old_body), _references(new_body)
    for notes, document in ((old_notes, old_doc), (new_notes, new_doc)):
        if notes is not None:
            _mark_targets(_footnotes_part(document), notes)
    differ = _Differ(revision, old_doc.part, new_doc.part)
    section = new_body.find(W_SECTPR)
    merged = differ.blocks(_blocks_of(old_body), _blocks_of(new_body))
    for child in list(new_body):
        new_body.remove(child)
    new_body.extend(merged)
    if section is not None:
        new_body.append(section)
    roots = [new_body]
    for old_part, new_part in pairs:
        part_differ = _Differ(revision, old_part or new_part, new_part)
        root = new_part.element
        before = _blocks_of(old_part.element) if old_part is not None else []
        merged = part_differ.blocks(before, _blocks_of(root))
        for child in _blocks_of(root):
            root.remove(child)
        root.extend(merged)
        roots.append(root)
    if old_notes is not None and new_notes is None and _references(new_body):
        # NEW has no footnotes left, but OLD's references stand deleted in its body.
        new_notes = footnotes_element(new_doc)
    if new_notes is not None and old_notes is not None:
        # A footnote's links are relationships of the footnotes part.
        notes_differ = _Differ(revision, _footnotes_part(old_doc), _footnotes_part(new_doc))
        notes_differ.footnotes(old_notes, new_notes, old_refs, new_refs, new_body)
        roots.append(new_notes)
    number = 0
    for root in roots:
        for link in root.iter(W_HYPERLINK):
            link.attrib.pop(LINK_TARGET, None)
        for mark in root.iter(W_INS, W_DEL):
            number += 1
            mark.set(qn("w:id"), str(number))


def footnotes_of(document: Any) -> Any:
    """The footnotes part's root (w:footnotes), or None."""
    for rel in document.part.rels.values():
        if rel.reltype == RT.FOOTNOTES:
            return getattr(rel.target_part, "element", None)
    return None


def _footnotes_part(document: Any) -> Any:
    return next(rel.target_part for rel in document.part.rels.values()
                if rel.reltype == RT.FOOTNOTES)


def _references(body: Any) -> list[str]:
    return [ref.get(qn("w:id"), "") for ref in body.iter(W_NOTE_REF)]


def _header_pairs(old_doc: Any, new_doc: Any) -> list[tuple[Any | None, Any]]:
    """(OLD's part, NEW's part) of each page header and footer, paired by section and
    kind (default, first page, even pages)."""
    def parts(document: Any) -> dict[tuple[int, str, str], Any]:
        out = {}
        for index, sect in enumerate(document.element.body.iter(W_SECTPR)):
            for ref in sect:
                if ref.tag in (qn("w:headerReference"), qn("w:footerReference")):
                    rid = ref.get(R_ID)
                    if rid in document.part.rels:
                        out[(index, ref.tag, ref.get(qn("w:type"), "default"))] = (
                            document.part.related_parts[rid])
        return out

    old, new = parts(old_doc), parts(new_doc)
    # A header NEW has and OLD had not is paired with nothing (None): all of it inserted.
    # One OLD had and NEW has not stays out: NEW's sections name no part to show it in.
    return [(old.get(key), new[key]) for key in new]


def _mark_targets(part: Any, root: Any) -> None:
    for link in root.iter(W_HYPERLINK):
        rid = link.get(R_ID)
        if rid and rid in part.rels and part.rels[rid].is_external:
            link.set(LINK_TARGET, part.rels[rid].target_ref)
        elif link.get(qn("w:anchor")):
            link.set(LINK_TARGET, "#" + link.get(qn("w:anchor")))


def _links(element: Any) -> str:
    """The targets of an element's links and fields, and its footnote marks, in order:
    what a reader sees change that is not text."""
    return "\x02".join(
        link.get(LINK_TARGET, "") if link.tag == W_HYPERLINK else
        "^" if link.tag == W_NOTE_REF else link.get(qn("w:instr"), "")
        for link in element.iter(W_HYPERLINK, W_FLDSIMPLE, W_NOTE_REF))


def _blocks_of(container: Any) -> list[Any]:
    return [c for c in container if c.tag in (W_P, W_TBL)]


def text_of(element: Any, deleted: bool = False) -> str:
    """The text a reader sees in a paragraph (tabs and breaks as \\t and \\n)."""
    parts = []
    text_tag = W_DELTEXT if deleted else W_T
    for node in element.iter(text_tag, *_SPECIAL):
        parts.append(node.text or "" if node.tag == text_tag else _SPECIAL[node.tag])
    return "".join(parts)


def _key(block: Any) -> tuple[str, str]:
    if block.tag == W_TBL:
        grid = block.find(qn("w:tblGrid"))
        return ("tbl", str(len(grid) if grid is not None else 0))
    style = block.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return ("p", f"{style.get(qn('w:val')) if style is not None else ''}\x00{text_of(block)}"
                 f"\x01{_links(block)}\x02{_styled_words(block)}")


def _row_key(row: Any) -> tuple[str, ...]:
    return tuple(text_of(cell) + "\x01" + _links(cell) for cell in row.iter(W_TC))


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, _TOKEN.findall(a), _TOKEN.findall(b), autojunk=False).ratio()


class _Differ:
    def __init__(self, revision: Revision, old_part: Any, new_part: Any) -> None:
        self.revision = revision
        self.old_part, self.new_part = old_part, new_part

    # --- marks ---------------------------------------------------------------------

    def _mark(self, tag: str) -> Any:
        mark = self.new_part.element.makeelement(tag, {})
        mark.set(qn("w:id"), "0")
        mark.set(qn("w:author"), self.revision.author)
        mark.set(qn("w:date"), self.revision.stamp)
        return mark

    def _mark_paragraph_end(self, paragraph: Any, tag: str) -> None:
        """A revision on the paragraph mark: the paragraph itself was added or removed."""
        ppr = paragraph.find(W_PPR)
        if ppr is None:
            ppr = paragraph.makeelement(W_PPR, {})
            paragraph.insert(0, ppr)
        rpr = ppr.find(W_RPR)
        if rpr is None:
            rpr = ppr.makeelement(W_RPR, {})
            # w:rPr comes after every other paragraph property but sectPr and pPrChange.
            tail = [c for c in ppr if c.tag in (W_SECTPR, qn("w:pPrChange"))]
            if tail:
                tail[0].addprevious(rpr)
            else:
                ppr.append(rpr)
        rpr.insert(0, self._mark(tag))  # ins/del come first in a paragraph mark's rPr

    def _mark_content(self, paragraph: Any, tag: str) -> None:
        """Wrap every run of a paragraph in one revision (deleted text becomes delText)."""
        for run in [r for r in paragraph.iter(W_R)
                    if r.getparent().tag not in (W_INS, W_DEL)]:
            if tag == W_DEL:
                _to_deleted(run)
            wrapper = self._mark(tag)
            run.addprevious(wrapper)
            wrapper.append(run)

    def _whole(self, block: Any, tag: str, mark_end: bool = True) -> Any:
        """A whole paragraph or table, inserted or deleted."""
        if block.tag == W_P:
            self._mark_content(block, tag)
            if mark_end:
                self._mark_paragraph_end(block, tag)
            return block
        return self._whole_row(block, tag)

    def _mark_row(self, row: Any, tag: str) -> None:
        trpr = row.find(W_TRPR)
        if trpr is None:
            trpr = row.makeelement(W_TRPR, {})
            prex = row.find(W_TBLPREX)
            row.insert(1 if prex is not None else 0, trpr)
        trpr.append(self._mark(tag))

    def _from_old(self, element: Any) -> Any:
        """A copy of an element of OLD whose hyperlinks point to NEW's relationships."""
        element = copy.deepcopy(element)
        for link in element.iter(W_HYPERLINK):
            rid = link.get(R_ID)
            if rid and rid in self.old_part.rels:
                target = self.old_part.rels[rid].target_ref
                link.set(R_ID, self.new_part.relate_to(target, RT.HYPERLINK, is_external=True))
        return element

    # --- footnotes -----------------------------------------------------------------

    def footnotes(self, old_root: Any, new_root: Any, old_refs: list[str],
                  new_refs: list[str], body: Any) -> None:
        """NEW's footnotes with tracked changes against OLD's, and a deleted copy of OLD's
        footnote for each reference the body now shows deleted."""
        old_by_id = {n.get(qn("w:id")): n for n in old_root.findall(W_NOTE)}
        new_by_id = {n.get(qn("w:id")): n for n in new_root.findall(W_NOTE)}
        olds = [old_by_id[i] for i in old_refs if i in old_by_id]
        news = [new_by_id[i] for i in new_refs if i in new_by_id]
        matcher = SequenceMatcher(None, [text_of(n) + _links(n) for n in olds],
                                  [text_of(n) + _links(n) for n in news], autojunk=False)
        paired: dict[int, Any] = {}  # id(new footnote) -> its OLD footnote
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op in ("equal", "replace"):
                for before, after in zip(olds[i1:i2], news[j1:j2], strict=False):
                    paired[id(after)] = before
        for note in news:
            before = paired.get(id(note))
            if before is None:
                for paragraph in note.findall(W_P):
                    self._mark_content(paragraph, W_INS)
                continue
            merged = self.blocks([self._from_old(p) for p in before.findall(W_P)],
                                 note.findall(W_P))
            for child in note.findall(W_P):
                note.remove(child)
            note.extend(merged)
        # A reference inside a deletion came from OLD: it points at OLD's footnote, which
        # joins NEW's footnotes under a new id, its text deleted with the reference.
        next_id = max([int(i) for i in (*old_by_id, *new_by_id) if i and i.lstrip("-").isdigit()]
                      + [0]) + 1
        for ref in list(body.iter(W_NOTE_REF)):
            if not any(a.tag == W_DEL for a in ref.iterancestors()):
                continue
            before = old_by_id.get(ref.get(qn("w:id")))
            if before is None:
                continue
            copy_ = self._from_old(before)
            copy_.set(qn("w:id"), str(next_id))
            for paragraph in copy_.findall(W_P):
                self._mark_content(paragraph, W_DEL)
            new_root.append(copy_)
            ref.set(qn("w:id"), str(next_id))
            next_id += 1

    # --- blocks --------------------------------------------------------------------

    def blocks(self, old: list[Any], new: list[Any]) -> list[Any]:
        """The merged block list of one container (body or table cell)."""
        matcher = SequenceMatcher(None, [_key(b) for b in old], [_key(b) for b in new],
                                  autojunk=False)
        out: list[Any] = []
        opcodes = matcher.get_opcodes()
        for number, (op, i1, i2, j1, j2) in enumerate(opcodes):
            if op == "equal":
                for before, after in zip(old[i1:i2], new[j1:j2], strict=True):
                    out.append(self._table(before, after) if after.tag == W_TBL else after)
            else:
                at_end = number == len(opcodes) - 1
                out.extend(self._changed(old[i1:i2], new[j1:j2], out, at_end))
        return out

    def _changed(self, old: list[Any], new: list[Any], done: list[Any],
                 at_end: bool) -> list[Any]:
        """Blocks replaced by others: similar ones paired, the rest deleted or inserted."""
        pairs = self._pairs(old, new)
        if at_end and old and new and not any(i == len(old) - 1 and j == len(new) - 1
                                              for i, j in pairs):
            last_old, last_new = old[-1], new[-1]
            if last_old.tag == last_new.tag == W_P:
                # The container's last paragraph mark cannot be added or removed: show its
                # paragraph as one edited paragraph.
                pairs = [(i, j) for i, j in pairs if i < len(old) - 1 and j < len(new) - 1]
                pairs.append((len(old) - 1, len(new) - 1))
        out: list[Any] = []
        i = j = 0
        for pi, pj in [*pairs, (len(old), len(new))]:
            out.extend(self._whole(self._from_old(b), W_DEL) for b in old[i:pi])
            out.extend(self._whole(b, W_INS) for b in new[j:pj])
            if pi < len(old):
                before, after = old[pi], new[pj]
                out.append(self._table(before, after) if after.tag == W_TBL
                           else self._paragraph(before, after))
            i, j = pi + 1, pj + 1
        if at_end and out and out[-1].tag == W_P and _end_marked(out[-1]):
            self._move_end_mark(out, done)
        return out

    def _move_end_mark(self, out: list[Any], done: list[Any]) -> None:
        """Paragraphs added or removed at a container's end: the container's last mark
        stays, so the mark that changes is the one of the paragraph before them."""
        tag = _end_marked(out[-1])
        if tag is None or not all(b.tag == W_P and _end_marked(b) == tag for b in out):
            return
        before = done[-1] if done else None
        if before is None or before.tag != W_P or _end_marked(before):
            return
        rpr = out[-1].find(f"{qn('w:pPr')}/{qn('w:rPr')}")
        for mark in rpr.findall(tag):
            rpr.remove(mark)
        self._mark_paragraph_end(before, tag)

    def _pairs(self, old: list[Any], new: list[Any]) -> list[tuple[int, int]]:
        """Indexes of (old, new) blocks to show as edited rather than replaced, in order."""
        best: tuple[float, int, int] | None = None
        for i, before in enumerate(old):
            for j, after in enumerate(new):
                if before.tag != after.tag:
                    continue
                if before.tag == W_TBL:
                    score = 1.0 if _key(before) == _key(after) else 0.0
                else:
                    score = _ratio(text_of(before), text_of(after))
                if score >= PAIR_RATIO and (best is None or score > best[0]):
                    best = (score, i, j)
        if best is None:
            return []
        _, bi, bj = best
        left = self._pairs(old[:bi], new[:bj])
        right = [(i + bi + 1, j + bj + 1) for i, j in self._pairs(old[bi + 1:], new[bj + 1:])]
        return [*left, (bi, bj), *right]

    # --- tables --------------------------------------------------------------------

    def _table(self, old: Any, new: Any) -> Any:
        """NEW's table with rows added, removed or edited against OLD's."""
        old_rows, new_rows = old.findall(W_TR), new.findall(W_TR)
        matcher = SequenceMatcher(None, [_row_key(r) for r in old_rows],
                                  [_row_key(r) for r in new_rows], autojunk=False)
        merged: list[Any] = []
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                merged.extend(new_rows[j1:j2])
                continue
            olds, news = old_rows[i1:i2], new_rows[j1:j2]
            pairs = self._row_pairs(olds, news)
            i = j = 0
            for pi, pj in [*pairs, (len(olds), len(news))]:
                for row in olds[i:pi]:
                    merged.append(self._whole_row(self._from_old(row), W_DEL))
                for row in news[j:pj]:
                    merged.append(self._whole_row(row, W_INS))
                if pi < len(olds):
                    merged.append(self._row(olds[pi], news[pj]))
                i, j = pi + 1, pj + 1
        for row in new_rows:
            new.remove(row)
        new.extend(merged)
        return new

    def _row_pairs(self, old: list[Any], new: list[Any]) -> list[tuple[int, int]]:
        pairs: list[tuple[int, int]] = []
        start = 0
        for i, before in enumerate(old):
            cells = len(before.findall(W_TC))
            for j in range(start, len(new)):
                after = new[j]
                if len(after.findall(W_TC)) != cells:
                    continue
                same = sum(a == b for a, b in zip(_row_key(before), _row_key(after),
                                                  strict=True))
                if same * 2 >= cells:
                    pairs.append((i, j))
                    start = j + 1
                    break
        return pairs

    def _whole_row(self, row: Any, tag: str) -> Any:
        """A table row (or a whole table: all its rows) inserted or deleted."""
        for each in row.iter(W_TR):
            self._mark_row(each, tag)
        for paragraph in row.iter(W_P):
            self._mark_content(paragraph, tag)
            self._mark_paragraph_end(paragraph, tag)
        return row

    def _row(self, old: Any, new: Any) -> Any:
        for before, after in zip(old.findall(W_TC), new.findall(W_TC), strict=True):
            merged = self.blocks(_blocks_of(before), _blocks_of(after))
            for child in [c for c in after if c.tag != W_TCPR]:
                after.remove(child)
            after.extend(merged)
        return new

    # --- words inside a paragraph ----------------------------------------------------

    def _paragraph(self, old: Any, new: Any) -> Any:
        """NEW's paragraph with the words added and removed against OLD's."""
        if text_of(old) == text_of(new) and _links(old) == _links(new) and \
                _styled_words(old) == _styled_words(new):
            return new
        before, after = list(_tokens(old)), list(_tokens(new))
        matcher = SequenceMatcher(None, [t.match for t in before], [t.match for t in after],
                                  autojunk=False)
        pieces: list[tuple[str, list[_Token]]] = []
        for op, i1, i2, j1, j2 in _readable(matcher.get_opcodes(), after):
            if op == "equal":
                pieces.append(("equal", after[j1:j2]))
                continue
            if i2 > i1:
                pieces.append(("del", before[i1:i2]))
            if j2 > j1:
                pieces.append(("ins", after[j1:j2]))
        for child in [c for c in new if c.tag != W_PPR]:
            new.remove(child)
        for op, tokens in pieces:
            for wrapper, runs in _grouped(tokens, old_side=op == "del"):
                if wrapper is not None:
                    holder = (self._from_old(wrapper) if op == "del" else copy.deepcopy(wrapper))
                    for child in list(holder):
                        holder.remove(child)
                else:
                    holder = None
                for run in runs:
                    element: Any = run
                    if op != "equal":
                        element = self._mark(W_DEL if op == "del" else W_INS)
                        element.append(run)
                    (holder if holder is not None else new).append(element)
                if holder is not None:
                    new.append(holder)
        return new


def _end_marked(paragraph: Any) -> str | None:
    rpr = paragraph.find(f"{qn('w:pPr')}/{qn('w:rPr')}")
    if rpr is None:
        return None
    for tag in (W_INS, W_DEL):
        if rpr.find(tag) is not None:
            return tag
    return None


def _to_deleted(run: Any) -> None:
    for node in run.iter(W_T, W_INSTR):
        node.tag = W_DELTEXT if node.tag == W_T else W_DELINSTR


def _formatting(props: Any) -> str:
    """The formatting of a run's properties that a reader sees, as a comparable string."""
    if props is None:
        return ""
    seen = []
    for tag in _SEEN:
        node = props.find(tag)
        if node is not None:
            value = node.get(qn("w:val"), "1")
            if value not in OFF_VALUES:
                seen.append(f"{tag.rpartition('}')[2]}={value}")
    return " ".join(seen)


def _styled_words(paragraph: Any) -> str:
    """The words of a paragraph set in some formatting, with it: the same however Word
    split the runs, so a paragraph whose formatting alone changed is not 'equal'."""
    return "\x02".join(f"{t.key}\x03{f}" for t in _tokens(paragraph)
                        if (f := _formatting(t.run_props)) and t.key.strip())


@dataclass
class _Token:
    key: str
    run_props: Any  # the w:rPr of the run it came from, or None
    wrapper: Any  # the w:hyperlink (or simple field) it sits in, or None
    node: Any  # a non-text run child (tab, break), or None for text
    source: int  # which run it came from, so formatting boundaries survive

    @property
    def match(self) -> tuple[str, str, str]:
        """What must agree for a token to be unchanged: its text, its link's target and
        the formatting a reader sees."""
        return (self.key, _links(self.wrapper) if self.wrapper is not None else "",
                _formatting(self.run_props) if self.key.strip() else "")


def _tokens(paragraph: Any) -> Iterator[_Token]:
    for index, (run, wrapper) in enumerate(_runs(paragraph)):
        props = run.find(W_RPR)
        for child in run:
            if child.tag == W_RPR or child.tag in _IGNORED:
                continue
            if child.tag in (W_T, W_DELTEXT):
                for piece in _TOKEN.findall(child.text or ""):
                    yield _Token(piece, props, wrapper, None, index)
            else:
                key = _SPECIAL.get(child.tag, f"<{child.tag}>")
                yield _Token(key, props, wrapper, child, index)


def _runs(paragraph: Any) -> Iterator[tuple[Any, Any]]:
    for child in paragraph:
        if child.tag == W_R:
            yield child, None
        elif child.tag in (W_HYPERLINK, W_FLDSIMPLE):
            for run in child.iter(W_R):
                yield run, child


def _readable(opcodes: Iterable[tuple[str, int, int, int, int]],
              after: list[_Token]) -> list[tuple[str, int, int, int, int]]:
    """Fold a lone space or comma kept between two changes into them, so a reader sees
    "one phrase deleted, one inserted" rather than every second word crossed out."""
    ops = list(opcodes)
    out: list[tuple[str, int, int, int, int]] = []
    for index, op in enumerate(ops):
        kind, i1, i2, j1, j2 = op
        trivial = kind == "equal" and all(not t.key.strip() or not t.key.isalnum()
                                          for t in after[j1:j2]) and j2 - j1 <= 2
        if (trivial and 0 < index < len(ops) - 1 and out and out[-1][0] != "equal"):
            kind = "replace"
        if out and kind != "equal" and out[-1][0] != "equal":
            _, a1, _a2, b1, _b2 = out.pop()
            out.append(("replace", a1, i2, b1, j2))
        else:
            out.append((kind, i1, i2, j1, j2))
    return out


def _grouped(tokens: list[_Token], old_side: bool) -> Iterator[tuple[Any, list[Any]]]:
    """Runs rebuilt from tokens, grouped by the hyperlink they sit in."""
    groups: list[tuple[Any, list[Any]]] = []
    current: list[_Token] = []

    def flush() -> None:
        if not current:
            return
        run = _run(current, old_side)
        wrapper = current[0].wrapper
        if groups and groups[-1][0] is wrapper and wrapper is not None:
            groups[-1][1].append(run)
        else:
            groups.append((wrapper, [run]))
        current.clear()

    for token in tokens:
        if current and (token.source != current[0].source
                        or token.wrapper is not current[0].wrapper):
            flush()
        current.append(token)
    flush()
    yield from groups


def _run(tokens: list[_Token], deleted: bool) -> Any:
    sample = tokens[0]
    props = sample.run_props
    run = _new(W_R)
    if props is not None:
        run.append(copy.deepcopy(props))
    text: list[str] = []

    def flush_text() -> None:
        if text:
            node = _new(W_DELTEXT if deleted else W_T)
            node.text = "".join(text)
            node.set(XML_SPACE, "preserve")
            run.append(node)
            text.clear()

    for token in tokens:
        if token.node is None:
            text.append(token.key)
        else:
            flush_text()
            node = copy.deepcopy(token.node)
            if deleted and node.tag == W_INSTR:
                node.tag = W_DELINSTR
            run.append(node)
    flush_text()
    return run


def _new(tag: str) -> Any:
    return OxmlElement("w:" + tag.rsplit("}", 1)[1])


# --- accepting and rejecting --------------------------------------------------------


def accept_all(body: Any) -> Any:
    """The body as Word leaves it after "Accept All Changes" (changed in place)."""
    return _resolve(body, keep=W_INS, drop=W_DEL)


def reject_all(body: Any) -> Any:
    """The body as Word leaves it after "Reject All Changes" (changed in place)."""
    return _resolve(body, keep=W_DEL, drop=W_INS)


def _resolve(body: Any, keep: str, drop: str) -> Any:
    for row in list(body.iter(W_TR)):
        trpr = row.find(W_TRPR)
        if trpr is not None and trpr.find(drop) is not None:
            row.getparent().remove(row)
        elif trpr is not None:
            for mark in trpr.findall(keep):
                trpr.remove(mark)
    for mark in list(body.iter(drop)):
        if mark.getparent().tag != W_RPR:
            mark.getparent().remove(mark)
    for mark in list(body.iter(keep)):
        if mark.getparent().tag == W_RPR:
            continue
        for child in list(mark):
            if keep == W_DEL:
                _undelete(child)
            mark.addprevious(child)
        mark.getparent().remove(mark)
    for paragraph in list(body.iter(W_P)):
        rpr = paragraph.find(f"{qn('w:pPr')}/{qn('w:rPr')}")
        if rpr is None:
            continue
        if rpr.find(drop) is not None:
            _join_with_next(paragraph)
        else:
            for mark in rpr.findall(keep):
                rpr.remove(mark)
    for table in list(body.iter(W_TBL)):
        if table.find(W_TR) is None:
            table.getparent().remove(table)
    return body


def _undelete(element: Any) -> None:
    for node in [element, *element.iter()]:
        if node.tag == W_DELTEXT:
            node.tag = W_T
        elif node.tag == W_DELINSTR:
            node.tag = W_INSTR


def _join_with_next(paragraph: Any) -> None:
    """A paragraph mark removed: its content joins the next paragraph (which keeps its own
    properties, as in Word)."""
    following = paragraph.getnext()
    content = [c for c in paragraph if c.tag != W_PPR]
    parent = paragraph.getparent()
    if following is not None and following.tag == W_P:
        anchor = following.find(W_PPR)
        for offset, child in enumerate(content):
            following.insert((1 if anchor is not None else 0) + offset, child)
        parent.remove(paragraph)
    elif not text_of(paragraph):
        parent.remove(paragraph)


def paragraph_texts(body: Any) -> list[str]:
    """Every paragraph's text in reading order, table cells included (for comparisons)."""
    return [text_of(p) for p in body.iter(W_P)]


# --- the command's pipeline -----------------------------------------------------------

REDLINE_LANGS = ("en", "ko")


def redline_names(stem: str) -> dict[str, str]:
    """Output names of a redline, keyed by language."""
    return {lang: f"{stem}.redline.{lang}.docx" for lang in REDLINE_LANGS}


def redline_versions(
    old_spec: str,
    new_spec: str,
    output_dir: Path,
    *,
    author: str | None = None,
    date: dt.datetime | None = None,
    lang: str = "en",
    program_path: Path | None = None,
    template_dir: Path | None = None,
    force: bool = False,
    draft: bool = False,
) -> Redlines:
    """Build OLD and NEW (files or `FILE@REV`) and write one redline DOCX per language.

    Program-check errors do not stop a redline (it is for review; `propgen check` reports
    them); `draft` allows text in one language only and marks the documents DRAFT. Without
    a date, the changes carry NEW's submission date, so the same inputs give the same bytes.
    """
    profile = load_profile(program_path, lang)
    old_version, new_version = parse_version(old_spec), parse_version(new_spec)
    old = load_version(old_version, lang=lang, draft=draft, profile=profile)
    new = load_version(new_version, lang=lang, draft=draft, profile=profile)
    if old.kind != new.kind:
        raise UserError(
            template=N_("{old} and {new} are different kinds of submission (a proposal and a "
                        "comment letter); a redline compares two versions of one submission"),
            ctx={"old": old_version.display, "new": new_version.display},
        )
    stem = safe_stem(new_version.path.stem)
    built = [build_submission(sub, profile, stem=stem, draft=draft, template_dir=template_dir)
             for sub in (old, new)]
    names = document_names(stem)
    moment = date or dt.datetime(new.date.year, new.date.month, new.date.day,
                                 tzinfo=dt.timezone.utc)
    # Without an author, the one NEW's documents name (the anchor member or the commenter).
    author = author or Document(io.BytesIO(built[1][names["en"]])).core_properties.author
    revision = Revision(author=author or "-", date=moment)
    outputs = {output_dir / name: redline_bytes(built[0][names[doc_lang]],
                                                built[1][names[doc_lang]], revision)
               for doc_lang, name in redline_names(stem).items()}
    manifest = Manifest(output_dir)
    edited = [t for t in manifest.edited_targets(list(outputs), False)
              if not same_bytes(t, outputs[t])]
    if edited and not force:
        raise UserError("\n".join(manifest.edited_message(t, lang) for t in edited))
    result = Redlines(backups=[(t, back_up(t)) for t in edited])
    for target, data in outputs.items():
        write_atomic(target, data)
        manifest.record(target, data)
        result.written.append(target)
        if not has_changes(data):
            result.unchanged.append(target)
    manifest.save()
    return result


@dataclass
class Redlines:
    """The redlines written, and the hand-edited ones `force` kept as backups first."""

    written: list[Path] = field(default_factory=list)
    backups: list[tuple[Path, Path]] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)  # written, but with no change


def has_changes(docx: bytes) -> bool:
    """Whether a redline holds any tracked change, in any part: a redline of two versions
    that read the same says so rather than looking like a review with nothing found."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        parts = (package.read(name) for name in package.namelist()
                 if name.startswith("word/") and name.endswith(".xml"))
        return any(b"<w:ins " in xml or b"<w:del " in xml for xml in parts)
