"""Pulling Word edits back into the YAML: `propgen pull EDITED.docx --into FILE.yaml`.

Each field's text sits in a content control tagged with its YAML path (generator/fields.py),
so an edited document says which field each text belongs to. The changed texts are written
into that language of those fields through ruamel's round-trip mode, which keeps comments,
key order, quoting and the folding of every other value. Tracked changes count as accepted
(inserted text in, deleted text out). A field written in Markdown is read as structure
(generator/readback.py) and written as Markdown again (`richtext.serialise`); what the
subset cannot hold (a table, an image, a heading style) is listed, not pulled. Edits
outside any control cannot be placed in the YAML: they are found by comparing the
document with a fresh build and listed, not pulled.
"""

from __future__ import annotations

import dataclasses
import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx import Document
from docx.oxml.ns import qn

from .build import build_submission, document_identity, document_names
from .context import text as field_text
from .drift import MISSING, fingerprint, merge_reviewed, read_record
from .errors import UserError
from .fields import paths_of
from .i18n import LANGS, N_, language
from .language import GAP_END, GAP_START, gap_marker
from .loader import load_profile, load_submission
from .output import write_atomic
from .readback import Reader, report_once
from .richtext import Block, RichDoc, Span, canonical, parse, reference_labels, serialise
from .translate import _fold_positions, _Layout, _round_trip, _set_text, parse_path

# Markdown a field may be written in (emphasis, links, footnotes, list items).
_RICH = re.compile(r"\*\*|__|(?<![\w*])[*_](?=\w)|\[[^\]]*\]\(|\^\[|\[\^|^\s*(?:[-*+]|\d+[.)])\s",
                   re.MULTILINE)
SIDE_BY_SIDE_LABELS = ("English", "한국어")  # render._side_by_side's header row
W_P, W_T, W_SDT, W_TBL = qn("w:p"), qn("w:t"), qn("w:sdt"), qn("w:tbl")
# An id's non-breaking hyphen (layout.keep_ids_whole) is the "-" the YAML has.
_BREAKS = {qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-"}


@dataclass(frozen=True)
class FieldEdit:
    lang: str
    path: str
    old: str
    new: str
    # Markdown with lists, line breaks or notes, wrapped for a literal (|) block: a
    # folded (>) block would join its lines.
    block: str = ""


@dataclass
class PullPlan:
    """What a pull would change: shown to the user before anything is written."""

    yaml_path: Path
    edits: list[FieldEdit] = field(default_factory=list)
    not_pulled: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    # (field path.language, [what the YAML's Markdown cannot hold (msgids)])
    unsupported: list[tuple[str, list[str]]] = field(default_factory=list)
    # (field path, language now stale, whether the review record flags it as DRIFT)
    stale: list[tuple[str, str, bool]] = field(default_factory=list)
    # {field path: (English, Korean) before the pull}: fields the review record does not
    # know yet, recorded as agreeing when the pull is written, so that the pulled
    # language shows as changed and `propgen check` flags the other one (DRIFT).
    baseline: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    submission: Any = None
    before: str = ""
    after: str = ""
    bom: bool = False  # the file starts with a UTF-8 byte-order mark, and keeps it

    @property
    def diff(self) -> str:
        name = str(self.yaml_path)
        return "".join(difflib.unified_diff(
            self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
            fromfile=name, tofile=name))


# --- reading the document -------------------------------------------------------------


def _text(element: Any) -> str:
    """Visible text with tracked changes accepted: w:delText is not w:t."""
    return "".join(node.text or "" if node.tag == W_T else _BREAKS[node.tag]
                   for node in element.iter(W_T, *_BREAKS))


def document_langs(document: Any) -> list[tuple[str, Any]]:
    """(language, container) pairs: the body of a one-language document, or each column
    of the side-by-side copy's table."""
    body = document.element.body
    blocks = [c for c in body if c.tag in (W_P, W_TBL)]
    first = blocks[0] if len(blocks) == 1 and blocks[0].tag == W_TBL else None
    header = first.find(qn("w:tr")) if first is not None else None
    # The side-by-side copy: one table whose header row labels its columns by language.
    if first is not None and header is not None and [
            _text(c) for c in header.findall(qn("w:tc"))] == list(SIDE_BY_SIDE_LABELS):
        columns: list[tuple[str, Any]] = []
        for row in first.findall(qn("w:tr")):
            cells = row.findall(qn("w:tc"))
            columns.extend(zip(LANGS, cells, strict=False))
        return columns
    lang = (document.core_properties.language or "en")[:2]
    return [(lang if lang in LANGS else "en", body)]


@dataclass
class Occurrence:
    """One place a field is shown: its paragraphs, each with its controls of the field,
    and what was put between them that is no paragraph (a table)."""

    paragraphs: list[tuple[Any, list[Any]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join("".join(_text(sdt) for sdt in sdts) for _p, sdts in self.paragraphs)


def field_places(document: Any) -> dict[tuple[str, str], list[Occurrence]]:
    """{(language, field path): [each place the field is shown]}.

    A field shown twice (a commenter's name in the letterhead and under the signature) has
    two occurrences; a field of several paragraphs is one occurrence of consecutive
    paragraphs (a table inserted between two of them is noted, not a new occurrence).
    """
    # Paragraphs in reading order per language: one body, or a column's cells one by one.
    paragraphs: dict[str, list[Any]] = {}
    for lang, container in document_langs(document):
        paragraphs.setdefault(lang, []).extend(container.iter(W_P))
    out: dict[tuple[str, str], list[Occurrence]] = {}
    for lang, ordered in paragraphs.items():
        last: dict[str, int] = {}  # field path -> index of the paragraph it was last in
        for index, paragraph in enumerate(ordered):
            for sdt in paragraph.iterchildren(W_SDT):
                tag = sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")
                if tag is None or not tag.get(qn("w:val")):
                    continue
                path = tag.get(qn("w:val"))
                shown = out.setdefault((lang, path), [])
                before = last.get(path)
                if before == index:
                    shown[-1].paragraphs[-1][1].append(sdt)  # one paragraph, two controls
                elif before == index - 1:
                    shown[-1].paragraphs.append((paragraph, [sdt]))  # the next paragraph
                elif before is not None and _tables_between(ordered[before], paragraph):
                    shown[-1].paragraphs.append((paragraph, [sdt]))
                    report_once(shown[-1].problems, N_("a table"))
                else:
                    shown.append(Occurrence([(paragraph, [sdt])]))  # shown again, elsewhere
                last[path] = index
    return out


def _tables_between(first: Any, second: Any) -> bool:
    """True when only tables stand between two sibling paragraphs."""
    between = []
    node = first.getnext()
    while node is not None and node is not second:
        between.append(node)
        node = node.getnext()
    return node is second and any(n.tag == W_TBL for n in between) and all(
        n.tag != W_P for n in between)


def field_occurrences(document: Any) -> dict[tuple[str, str], list[str]]:
    """{(language, field path): [text of each place the field is shown]}, paragraphs
    joined with blank lines as in the YAML."""
    return {key: [o.text for o in places] for key, places in field_places(document).items()}


def field_texts(document: Any) -> dict[tuple[str, str], str]:
    """{(language, field path): text}, the first place each field is shown."""
    return {key: texts[0] for key, texts in field_occurrences(document).items()}


def outside_texts(document: Any) -> list[str]:
    """Each paragraph's text with every field replaced by its path: what is not a field."""
    out = []
    for _lang, container in document_langs(document):
        for paragraph in container.iter(W_P):
            parts = []
            for child in paragraph:
                if child.tag == W_SDT:
                    tag = child.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")
                    parts.append(f"⟦{tag.get(qn('w:val')) if tag is not None else ''}⟧")
                elif child.tag != qn("w:pPr"):
                    parts.append(_text(child))
            out.append("".join(parts))
    return out


# --- the YAML ---------------------------------------------------------------------------
# Written back as translation sheets write it (translate.py): ruamel's round-trip dumper,
# set up to reproduce the file exactly before anything changes, and each new text in the
# style (folded, literal, quoted, flow) its old text had.


# --- the plan ---------------------------------------------------------------------------


def plan_pull(docx_path: Path, yaml_path: Path, *, lang: str = "en",
              program_path: Path | None = None, template_dir: Path | None = None) -> PullPlan:
    """Compare an edited document with the YAML it came from; change nothing yet."""

    document = _open(docx_path)
    places = field_places(document)
    edited = {key: [o.text for o in found] for key, found in places.items()}
    if not edited:
        raise UserError(template=N_("{file} has no fields propgen can read back: build it "
                                    "with this version of propgen, edit that copy in Word, "
                                    "then pull it"), ctx={"file": docx_path})
    profile = load_profile(program_path, lang)
    submission, _loaded = load_submission(yaml_path, lang=lang, draft=True, profile=profile)
    _same_submission(document, submission, docx_path, yaml_path)
    values = {path: value for value, path in paths_of(submission)}
    raw = yaml_path.read_bytes()
    before = raw.decode("utf-8-sig")
    plan = PullPlan(yaml_path, before=before, after=before, submission=submission,
                    bom=raw.startswith(b"\xef\xbb\xbf"))
    plan.not_pulled, fresh = _outside_edits(document, submission, profile, docx_path,
                                            template_dir)
    fresh_places = field_places(fresh)
    readers: dict[str, Reader] = {}

    def reader(doc_lang: str) -> Reader:
        if doc_lang not in readers:
            readers[doc_lang] = Reader(document, language(doc_lang).upright_italics)
        return readers[doc_lang]

    def fresh_styles(doc_lang: str, path: str) -> set[str]:
        fresh_reader = Reader(fresh, language(doc_lang).upright_italics)
        return {style for place in fresh_places.get((doc_lang, path), [])
                for style in fresh_reader.read(place.paragraphs).styles}

    for (doc_lang, path), shown in sorted(edited.items()):
        value = values.get(path)
        if value is None:
            plan.unknown.append(path)
            continue
        old = _as_shown(field_text(value, doc_lang))
        if GAP_START in old:
            # A draft's stand-in for a missing translation (the other language's text after
            # a marker): only a text without the marker is a translation to pull.
            old = old.replace(GAP_START, "").replace(GAP_END, "")
            shown = [text for text in shown if not text.startswith(gap_marker(doc_lang))]
        source = value.get(doc_lang) or ""
        if _RICH.search(source) or _formatting_added(places[(doc_lang, path)],
                                                      reader(doc_lang), source, doc_lang):
            # Markdown: read as structure, so that emphasis, links, lists and notes come
            # back, and a reflowed but unedited text is no edit.
            _plan_rich(plan, doc_lang, path, source, places[(doc_lang, path)], reader(doc_lang),
                       fresh_styles(doc_lang, path))
            continue
        changed = sorted({text for text in shown if text != old})
        if len(changed) == 1:
            plan.edits.append(FieldEdit(doc_lang, path, old, changed[0]))
        elif changed:  # edited differently in two places: no way to tell which is meant
            plan.conflicts.append(f"{path}.{doc_lang}")
    plan.stale, plan.baseline = _stale_languages(yaml_path, plan.edits, values)
    if plan.edits:
        plan.after = _rewritten(raw, yaml_path, plan.edits)
    return plan


# Where a Markdown text written into a literal block wraps (the samples' width, less the
# indentation of a value a few levels deep).
MARKDOWN_WIDTH = 80


def _plan_rich(plan: PullPlan, doc_lang: str, path: str, source: str,
               places: list[Occurrence], reader: Reader, styles: set[str]) -> None:
    """A field written in Markdown: each place it is shown read as structure, compared
    with what the YAML's text lays out, and an edited one written as Markdown again."""
    expected = _as_laid_out(parse(source), reader.korean)
    key = f"{path}.{doc_lang}"
    written: set[str] = set()
    problems: list[str] = []
    for place in places:
        if place.text.startswith(gap_marker(doc_lang)):
            continue  # a draft's stand-in text, not a translation
        read = reader.read(place.paragraphs)
        problems += [p for p in place.problems + read.problems if p not in problems]
        if styles and any(style not in styles for style in read.styles):
            report_once(problems, N_("a paragraph style"))
        doc = canonical(_without_base_format(read.doc, expected))
        if doc == expected:
            continue
        labels = _keep_labels(expected, doc, reference_labels(source))
        markdown = serialise(doc, labels)
        if canonical(parse(markdown)) != doc:
            problems.append(N_("other formatting"))
            continue
        written.add(markdown)
    if problems:
        plan.unsupported.append((key, problems))
    elif len(written) == 1:
        markdown = written.pop()
        block = ""
        if any(b.kind is not None for b in parse(markdown).blocks) or "\\\n" in markdown:
            block = _kept_lines(serialise(parse(markdown), reference_labels(markdown),
                                          MARKDOWN_WIDTH), source)
        plan.edits.append(FieldEdit(doc_lang, path, source, markdown, block))
    elif written:
        plan.conflicts.append(key)


_ITEM_START = re.compile(r"\n(?=[ ]*(?:[-*+] |\d{1,9}[.)] ))")


def _kept_lines(markdown: str, source: str) -> str:
    """`markdown` with each paragraph and list item the edit left as it was in the YAML's
    own lines, so that the diff shows the edited ones only; when that would not lay out
    the same, `markdown` as it is."""
    def pieces(text: str) -> list[str]:
        return [piece for chunk in text.strip().split("\n\n")
                for piece in _ITEM_START.split(chunk)]

    def key(piece: str) -> tuple[int, str]:
        return len(piece) - len(piece.lstrip(" ")), " ".join(piece.split())

    old = {key(piece): piece for piece in pieces(source)}
    kept = "\n\n".join("\n".join(old.get(key(piece), piece) for piece in _ITEM_START.split(chunk))
                        for chunk in markdown.split("\n\n"))
    return kept if canonical(parse(kept)) == canonical(parse(markdown)) else markdown


def _formatting_added(places: list[Occurrence], reader: Reader, source: str,
                      doc_lang: str) -> bool:
    """True when a plain text came back edited with emphasis, a link, a list or a note:
    written back as plain text it would lose them, so it is pulled as Markdown."""
    expected = _as_laid_out(parse(source), reader.korean)
    for place in places:
        if place.text.startswith(gap_marker(doc_lang)):
            continue
        doc = canonical(_without_base_format(reader.read(place.paragraphs).doc, expected))
        if doc != expected and (doc.notes or any(
                b.kind is not None or any(s.bold or s.italic or s.link or s.brk
                                          for s in b.spans) for b in doc.blocks)):
            return True
    return False


def _as_laid_out(doc: RichDoc, korean: bool) -> RichDoc:
    """`doc` as a reader of the document can tell it: in Korean, italics are set as bold
    with emphasis dots, so bold italics look as italics do."""
    if not korean:
        return canonical(doc)

    def upright(block: Block) -> Block:
        return dataclasses.replace(block, spans=tuple(
            dataclasses.replace(s, bold=False) if s.bold and s.italic else s
            for s in block.spans))

    return canonical(RichDoc(tuple(upright(b) for b in doc.blocks),
                             tuple(tuple(upright(b) for b in note) for note in doc.notes)))


def _without_base_format(doc: RichDoc, expected: RichDoc) -> RichDoc:
    """`doc` without the bold or italic of the template run a field sits in: when every
    text of the document is bold and the YAML's is not, the bold is the template's."""
    def texts(d: RichDoc) -> list[Span]:
        return [s for b in (*d.blocks, *(n for note in d.notes for n in note))
                for s in b.spans if s.text.strip()]

    drop = {name for name in ("bold", "italic")
            if texts(doc) and all(getattr(s, name) for s in texts(doc))
            and not all(getattr(s, name) for s in texts(expected))}
    if not drop:
        return doc

    def strip(block: Block) -> Block:
        return dataclasses.replace(block, spans=tuple(dataclasses.replace(
            s, bold=s.bold and "bold" not in drop, italic=s.italic and "italic" not in drop)
            for s in block.spans))

    return RichDoc(tuple(strip(b) for b in doc.blocks),
                   tuple(tuple(strip(b) for b in note) for note in doc.notes))


def _keep_labels(expected: RichDoc, doc: RichDoc, labels: list[str]) -> list[str]:
    """The YAML's footnote label for each note of `doc` that is still there (the same
    text, or an edited text in the same place among the notes); new notes get none."""
    def text(note: tuple[Block, ...]) -> str:
        return "\n".join("".join(s.text for s in b.spans) for b in note)

    old, new = [text(n) for n in expected.notes], [text(n) for n in doc.notes]
    out: list[str | None] = [None] * len(new)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("equal", "replace"):
            for i, j in zip(range(i1, i2), range(j1, j2), strict=False):
                if i < len(labels):
                    out[j] = labels[i]
    # serialise numbers what has no label: give it the labels in order, free ones last.
    taken = {label for label in out if label is not None}
    free = (str(n) for n in range(1, 3 * len(new) + 2 + len(taken)) if str(n) not in taken)
    return [label if label is not None else next(free) for label in out]


def _same_submission(document: Any, submission: Any, docx_path: Path, yaml_path: Path) -> None:
    """Refuse a document built from another submission: its text would replace this file's
    (one company's letter pulled into another's). The document's properties name the
    company and the title it was built with; when both differ from the YAML's, it is not
    this file's document. A reviewer who edits the title in the body changes no property."""
    props = document.core_properties
    company, title = document_identity(submission)
    titles = {title.get("en"), title.get("ko"), f"{title.get('en')} / {title.get('ko')}"}
    if (props.author or "") == company or (props.title or "") in titles:
        return
    raise UserError(template=N_(
        "{file} was built from another submission ('{doc_title}', {doc_company}), not from "
        "{yaml} ('{title}', {company}); nothing was changed. Pull it into the YAML file it "
        "was built from"), ctx={
            "file": docx_path, "doc_title": props.title or "", "doc_company":
            props.author or "", "yaml": yaml_path, "title": title.get("en"),
            "company": company})


def _as_shown(rendered: Any) -> str:
    """A field's text as the document shows it: paragraphs apart by a blank line (a rich
    text's `str` is its plain text, joined so)."""
    return rendered.replace("\a", "\n\n") if isinstance(rendered, str) else str(rendered)


def _stale_languages(yaml_path: Path, edits: list[FieldEdit], values: dict[str, Any]
                     ) -> tuple[list[tuple[str, str, bool]],
                                dict[str, tuple[str | None, str | None]]]:
    """The other language of each pulled field, which the edit may have left behind, True
    where `propgen check` will flag it; and the texts before the pull of the fields the
    review record (drift.py) does not know yet, to record as the state the edit left.

    A document sent for review is taken to have had both languages in step: without an
    entry, an edit of one would be invisible to `check`."""
    record = read_record(yaml_path)
    out, baseline = [], {}
    both = {e.path for e in edits if sum(other.path == e.path for other in edits) > 1}
    for edit in edits:
        if edit.path in both:
            continue  # both languages edited (the side-by-side copy): neither is behind
        other = next(lang for lang in LANGS if lang != edit.lang)
        recorded = record.get(edit.path)
        known = recorded is not None and MISSING not in recorded
        if not known:
            value = values[edit.path]
            if MISSING not in (fingerprint(value.en), fingerprint(value.ko)):
                baseline[edit.path] = (value.en, value.ko)
                known = True
        out.append((edit.path, other, known))
    return out, baseline


def _open(docx_path: Path) -> Any:
    try:
        return Document(str(docx_path))
    except FileNotFoundError:
        raise UserError(template=N_("{file}: no such file"), ctx={"file": docx_path}) from None
    except Exception as exc:  # python-docx raises several types for a file that is not DOCX
        raise UserError(template=N_("{file} is not a Word document ({reason})"),
                        ctx={"file": docx_path, "reason": type(exc).__name__}) from None


def _rewritten(raw: bytes, yaml_path: Path, edits: list[FieldEdit]) -> str:
    try:
        yaml, data, newline = _round_trip(raw)
    except _Layout as layout:
        raise UserError(
            template=N_("propgen cannot rewrite {path} without changing other lines "
                        "(line {line} would change); nothing was written"),
            ctx={"path": yaml_path, "line": layout.line}) from None
    def at(root: Any, edit: FieldEdit) -> Any:
        node = root
        for step in parse_path(edit.path):
            node = node[step]
        return node

    for edit in edits:
        node = at(data, edit)
        if edit.block:
            _set_block(node, edit.lang, edit.block)
        else:
            before = node.get(edit.lang)
            _set_text(node, edit.lang, _as_stored(node, edit))
            _keep_folds(before, node[edit.lang])
    stream = io.StringIO()
    yaml.dump(data, stream)
    after = stream.getvalue()
    check = yaml.load(after)
    for edit in edits:
        node = at(check, edit)
        if str(node[edit.lang]).strip() != (edit.block or _as_stored(node, edit)).strip():
            raise UserError(template=N_("could not write the text of {field} back into the "
                                        "YAML unchanged; copy it in by hand"),
                            ctx={"field": f"{edit.path}.{edit.lang}"})
    return after.replace("\n", newline) if newline != "\n" else after


def _as_stored(node: Any, edit: FieldEdit) -> str:
    """The new text as its YAML value holds it: a folded block (>) keeps a paragraph break
    as one blank line, which the loader reads as a new paragraph (scalars.py); writing
    "\\n\\n" there would show as two blank lines."""
    from ruamel.yaml.scalarstring import FoldedScalarString

    old = node.get(edit.lang)
    if isinstance(old, FoldedScalarString) and not node.fa.flow_style():
        return re.sub(r"\n\n+", "\n", edit.new)
    return edit.new


def _keep_folds(old: Any, new: Any) -> None:
    """A folded block's paragraphs the edit left alone keep the line breaks they had (the
    diff then shows the edited paragraph only); the others are folded afresh."""
    from ruamel.yaml.scalarstring import FoldedScalarString

    folds = getattr(old, "fold_pos", None)
    if not (isinstance(old, FoldedScalarString) and isinstance(new, FoldedScalarString)
            and folds):
        return
    kept: dict[str, list[int]] = {}
    start = 0
    for paragraph in str(old).split("\n"):
        end = start + len(paragraph)
        kept.setdefault(paragraph, [p - start for p in folds if start <= p < end])
        start = end + 1
    positions: list[int] = []
    start = 0
    for paragraph in str(new).split("\n"):
        if paragraph in kept:
            positions += [start + p for p in kept[paragraph]]
        else:
            positions += [start + p for p in _fold_positions(paragraph)]
        start += len(paragraph) + 1
    target: Any = new  # ruamel sets the attribute on load; its stubs do not name it
    target.fold_pos = positions


def _set_block(node: Any, lang: str, text: str) -> None:
    """A Markdown text whose lines matter (lists, breaks) as a literal block: a folded
    block (>) would join them; what follows the old value (a comment) stays."""
    from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

    old = node.get(lang)
    keep_newline = isinstance(old, FoldedScalarString | LiteralScalarString) and str(
        old).endswith("\n")
    node[lang] = LiteralScalarString(text.strip() + ("\n" if keep_newline else ""))


def _outside_edits(document: Any, submission: Any, profile: Any, docx_path: Path,
                   template_dir: Path | None) -> tuple[list[str], Any]:
    """Paragraphs changed, added or removed outside any field, against a fresh build; and
    that build (the one closer to the document, draft or not)."""

    name = docx_path.name
    public = ".public." in name
    variant = "bilingual" if ".bilingual." in name else None
    langs = document_langs(document)
    if variant is None and len(langs) > 1:
        variant = "bilingual"
    edited = outside_texts(document)
    best: tuple[list[str], Any] | None = None
    for draft in (False, True):
        built = build_submission(submission, profile, stem="x", draft=draft, public=public,
                                 template_dir=template_dir)
        names = document_names("x", public=public)
        key = variant or (langs[0][0] if langs else "en")
        fresh = Document(io.BytesIO(built[names[key]]))
        found = _differences(outside_texts(fresh), edited)
        if best is None or len(found) < len(best[0]):
            best = (found, fresh)
        if not found:
            break
    assert best is not None
    return best


_FIELDS_ONLY = re.compile(r"(?:⟦[^⟧]*⟧)+")


def _differences(fresh: list[str], edited: list[str]) -> list[str]:
    # A paragraph that is nothing but fields (a list item added inside a field) is the
    # fields' business: their comparison reports it.
    fresh = [text for text in fresh if not _FIELDS_ONLY.fullmatch(text)]
    edited = [text for text in edited if not _FIELDS_ONLY.fullmatch(text)]
    out = []
    matcher = difflib.SequenceMatcher(None, fresh, edited, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        for old, new in zip(fresh[i1:i2], edited[j1:j2], strict=False):
            out.append(f"“{_short(old)}” → “{_short(new)}”")
        for old in fresh[i1 + (j2 - j1):i2]:
            out.append(f"− “{_short(old)}”")
        for new in edited[j1 + (i2 - i1):j2]:
            out.append(f"+ “{_short(new)}”")
    return out


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def apply_pull(plan: PullPlan) -> list[Path]:
    """Write the plan's YAML (atomically: a complete file or the old one), and the review
    record's new entries; the files written."""

    write_atomic(plan.yaml_path, (b"\xef\xbb\xbf" if plan.bom else b"")
                 + plan.after.encode("utf-8"))
    written = [plan.yaml_path]
    if plan.baseline and plan.submission is not None:
        written.append(merge_reviewed(plan.yaml_path, plan.submission, plan.baseline))
    return written
