"""Pulling Word edits back into the YAML: `propgen pull EDITED.docx --into FILE.yaml`.

Each field's text sits in a content control tagged with its YAML path (generator/fields.py),
so an edited document says which field each text belongs to. The changed texts are written
into that language of those fields through ruamel's round-trip mode, which keeps comments,
key order, quoting and the folding of every other value. Tracked changes count as accepted
(inserted text in, deleted text out). Edits outside any control cannot be placed in the
YAML: they are found by comparing the document with a fresh build and listed, not pulled.
"""

from __future__ import annotations

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
from .drift import MISSING, read_record
from .errors import UserError
from .fields import paths_of
from .i18n import LANGS, N_
from .language import GAP_END, GAP_START, gap_marker
from .loader import load_profile, load_submission
from .output import write_atomic
from .translate import _Layout, _round_trip, _set_text, parse_path

# Markdown a field may be written in (emphasis, links, footnotes, list items).
_RICH = re.compile(r"\*\*|__|(?<![\w*])[*_](?=\w)|\[[^\]]*\]\(|\^\[|^\s*(?:[-*+]|\d+[.)])\s",
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


@dataclass
class PullPlan:
    """What a pull would change: shown to the user before anything is written."""

    yaml_path: Path
    edits: list[FieldEdit] = field(default_factory=list)
    not_pulled: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    rich: list[str] = field(default_factory=list)  # edited fields written in Markdown
    # (field path, language now stale, whether the review record flags it as DRIFT)
    stale: list[tuple[str, str, bool]] = field(default_factory=list)
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


def field_occurrences(document: Any) -> dict[tuple[str, str], list[str]]:
    """{(language, field path): [text of each place the field is shown]}.

    A field shown twice (a commenter's name in the letterhead and under the signature) has
    two occurrences; a field of several paragraphs is one occurrence of consecutive
    paragraphs, joined with blank lines as in the YAML.
    """
    # Paragraphs in reading order per language: one body, or a column's cells one by one.
    paragraphs: dict[str, list[Any]] = {}
    for lang, container in document_langs(document):
        paragraphs.setdefault(lang, []).extend(container.iter(W_P))
    out: dict[tuple[str, str], list[str]] = {}
    for lang, ordered in paragraphs.items():
        last: dict[str, int] = {}  # field path -> index of the paragraph it was last in
        for index, paragraph in enumerate(ordered):
            for sdt in paragraph.iterchildren(W_SDT):
                tag = sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")
                if tag is None or not tag.get(qn("w:val")):
                    continue
                path, text = tag.get(qn("w:val")), _text(sdt)
                shown = out.setdefault((lang, path), [])
                if last.get(path) == index:
                    shown[-1] += text  # one paragraph, two controls of one field
                elif last.get(path) == index - 1:
                    shown[-1] += "\n\n" + text  # the field's next paragraph
                else:
                    shown.append(text)  # the field shown again, elsewhere
                last[path] = index
    return out


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
    edited = field_occurrences(document)
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
    plan = PullPlan(yaml_path, before=before, after=before,
                    bom=raw.startswith(b"\xef\xbb\xbf"))
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
        changed = sorted({text for text in shown if text != old})
        if changed and _RICH.search(value.get(doc_lang) or ""):
            # Plain text over a Markdown source would drop its emphasis, links, lists and
            # footnotes: such a field is left to be edited by hand.
            plan.rich.append(f"{path}.{doc_lang}")
        elif len(changed) == 1:
            plan.edits.append(FieldEdit(doc_lang, path, old, changed[0]))
        elif changed:  # edited differently in two places: no way to tell which is meant
            plan.conflicts.append(f"{path}.{doc_lang}")
    plan.stale = _stale_languages(yaml_path, plan.edits)
    plan.not_pulled = _outside_edits(document, submission, profile, docx_path, template_dir)
    if plan.edits:
        plan.after = _rewritten(raw, yaml_path, plan.edits)
    return plan


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


def _stale_languages(yaml_path: Path, edits: list[FieldEdit]) -> list[tuple[str, str, bool]]:
    """The other language of each pulled field, which the edit may have left behind; True
    where the review record (drift.py) knows the field, so `propgen check` flags it."""
    record = read_record(yaml_path)
    out = []
    for edit in edits:
        other = next(lang for lang in LANGS if lang != edit.lang)
        recorded = record.get(edit.path)
        out.append((edit.path, other, recorded is not None and MISSING not in recorded))
    return out


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
    for edit in edits:
        node = data
        for step in parse_path(edit.path):
            node = node[step]
        _set_text(node, edit.lang, edit.new)
    stream = io.StringIO()
    yaml.dump(data, stream)
    after = stream.getvalue()
    check = yaml.load(after)
    for edit in edits:
        node = check
        for step in parse_path(edit.path):
            node = node[step]
        if str(node[edit.lang]).strip() != edit.new.strip():
            raise UserError(template=N_("could not write the text of {field} back into the "
                                        "YAML unchanged; copy it in by hand"),
                            ctx={"field": f"{edit.path}.{edit.lang}"})
    return after.replace("\n", newline) if newline != "\n" else after


def _outside_edits(document: Any, submission: Any, profile: Any, docx_path: Path,
                   template_dir: Path | None) -> list[str]:
    """Paragraphs changed, added or removed outside any field, against a fresh build."""

    name = docx_path.name
    public = ".public." in name
    variant = "bilingual" if ".bilingual." in name else None
    langs = document_langs(document)
    if variant is None and len(langs) > 1:
        variant = "bilingual"
    edited = outside_texts(document)
    best: list[str] | None = None
    for draft in (False, True):
        built = build_submission(submission, profile, stem="x", draft=draft, public=public,
                                 template_dir=template_dir)
        names = document_names("x", public=public)
        key = variant or (langs[0][0] if langs else "en")
        fresh = outside_texts(Document(io.BytesIO(built[names[key]])))
        found = _differences(fresh, edited)
        if best is None or len(found) < len(best):
            best = found
        if not found:
            break
    return best or []


def _differences(fresh: list[str], edited: list[str]) -> list[str]:
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


def apply_pull(plan: PullPlan) -> None:
    """Write the plan's YAML (atomically: a complete file or the old one)."""

    write_atomic(plan.yaml_path, (b"\xef\xbb\xbf" if plan.bom else b"")
                 + plan.after.encode("utf-8"))
