"""Translation sheets: every bilingual text out to a spreadsheet or XLIFF, and edits back in.

One code path for both formats: `export_rows` reads the YAML files into `Row`s, a writer
turns rows into a file (xlsx through openpyxl, XLIFF 1.2 through lxml), a reader turns the
file back into rows, and `plan_import` checks every row against its YAML before `apply`
writes anything. Each row carries fingerprints of both texts at export, so a row whose field
is gone or whose YAML text changed since is refused, and nothing is written.

XLIFF through lxml rather than translate-toolkit: that library (3.20: 2.6 MB installed, 368
files, and a compiled dependency) reads and writes XLIFF 1.2 and 2.0 for dozens of formats,
where propgen needs one <trans-unit> per text with three attributes of its own; lxml, already
installed with python-docx, writes and parses that (entities and network access off).

YAML is written back by ruamel.yaml's round-trip dumper, which keeps comments, key order,
quoting and block styles; a file is only rewritten when dumping it unchanged reproduces it
byte for byte, so no line but the edited fields' can change.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .drift import LANG_NAMES, bilingual_fields, drift_findings, merge_reviewed
from .errors import InputError, Problem, UserError
from .i18n import N_, Msg, gettext_for, message
from .language import find_placeholder, is_blank, untranslated
from .loader import load_submission
from .models import XML_INVALID
from .output import FIXED_ZIP_TIME, write_atomic
from .richtext import has_list
from .yaml_source import locate

LANGS = ("en", "ko")
XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
PROPGEN_NS = "urn:propgen:translation:1"
XLIFF_SUFFIXES = (".xlf", ".xliff")
LOCALES = {"en": "en-US", "ko": "ko-KR"}

STATUS_LABELS = {
    "missing-en": N_("English missing"),
    "missing-ko": N_("Korean missing"),
    "review": N_("to review"),
    "done": N_("translated"),
}
XLIFF_STATES = {"missing-en": "needs-translation", "missing-ko": "needs-translation",
                "review": "needs-review-translation", "done": "translated"}
HEADINGS = (N_("File"), N_("Field"), N_("Line"), N_("English"), N_("Korean"), N_("Status"),
            N_("Note"))
# Hidden columns: the texts' fingerprints at export, read back by `plan_import`.
KEY_COLUMNS = ("en-fingerprint", "ko-fingerprint")
SHEET_TITLE = N_("Translation")  # the worksheet's name, in the language of the headings
WIDTHS = (26, 32, 6, 60, 60, 16, 30, 14, 14)
EDITABLE = (4, 5, 7)  # English, Korean, Note (1-based columns)
FIXED_STAMP = b"2000-01-01T00:00:00Z"  # the sheet's creation and modification time


@dataclass(frozen=True)
class Row:
    """One bilingual text: where it is, both languages, and fingerprints at export."""

    file: str
    field: str
    en: str
    ko: str
    en_key: str = ""
    ko_key: str = ""
    status: str = "done"
    line: int = 0
    note: str = ""
    where: str = ""  # the row's place in the sheet, for messages: "row 12", "unit 'title'"

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.ko

    def key(self, lang: str) -> str:
        return self.en_key if lang == "en" else self.ko_key


def text_key(text: str | None) -> str:
    """An exact fingerprint (only line endings and surrounding space do not count): what
    a sheet's cell is compared with to tell whether it was edited, and the YAML with to tell
    whether it changed since export."""
    clean = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return hashlib.sha256(clean.encode("utf-8")).hexdigest()[:16]


def _relative(path: Path, base: Path) -> str:
    return Path(os.path.relpath(path.resolve(), base.resolve())).as_posix()


# --- export -------------------------------------------------------------------------------


def export_rows(paths: list[Path], sheet: Path, *, profile: Any = None, lang: str = "en",
                limits: Any = None) -> list[Row]:
    """A row per bilingual text of every file, in file order. Files that do not load are
    input errors: a sheet of half a file would be worse than none."""
    rows: list[Row] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            submission, loaded = load_submission(
                path, lang=lang, draft=True, profile=profile, structural=False, limits=limits)
        except InputError as error:
            problems.extend(error.problems)
            continue
        drifted = {tuple(f.loc[:-1]) for f in drift_findings(submission, path)}
        for key, loc, value in bilingual_fields(submission):
            en, ko = value.en or "", value.ko or ""
            if is_blank(ko):
                status = "missing-ko"
            elif is_blank(en):
                status = "missing-en"
            elif (tuple(loc) in drifted or untranslated(en, ko) or find_placeholder(en)
                  or find_placeholder(ko)):
                status = "review"
            else:
                status = "done"
            rows.append(Row(
                _relative(path, sheet.parent), key, en, ko, text_key(en), text_key(ko),
                status, locate(loaded.tree, loc)[0]))
    if problems:
        raise InputError(problems)
    return rows


def write_sheet(rows: list[Row], sheet: Path, *, lang: str = "en",
                source_lang: str = "en") -> None:
    """Write `rows` as xlsx or XLIFF (by the file's suffix), atomically."""
    if sheet.suffix.lower() in XLIFF_SUFFIXES:
        data = xliff_bytes(rows, source_lang=source_lang)
    elif sheet.suffix.lower() == ".xlsx":
        data = xlsx_bytes(rows, lang=lang)
    else:
        raise UserError(template=N_("a translation sheet ends in .xlsx, .xlf or .xliff"),
                        prefix=f"{sheet}: ")
    write_atomic(sheet, data)


def xlsx_bytes(rows: list[Row], *, lang: str = "en") -> bytes:
    """The spreadsheet: wrapped text in wide columns, a frozen heading row, and the sheet
    protected so that only the English, Korean and Note cells can be edited."""
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.protection import SheetProtection

    _ = gettext_for(lang)
    book = Workbook()
    stamp = dt.datetime(2000, 1, 1)  # FIXED_STAMP
    # The sheet goes to outside translators: it names their work, never the tool.
    book.properties.creator = ""
    book.properties.created = book.properties.modified = stamp
    sheet = book.active
    sheet.title = _(SHEET_TITLE)
    sheet.append([_(h) for h in HEADINGS] + list(KEY_COLUMNS))
    for row in rows:
        sheet.append([row.file, row.field, row.line, row.en, row.ko,
                      _(STATUS_LABELS[row.status]), row.note, row.en_key, row.ko_key])
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    editable = PatternFill("solid", fgColor="FFF8E1")
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for column in (8, 9):
        sheet.column_dimensions[get_column_letter(column)].hidden = True
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            column = int(cell.column)
            cell.alignment = wrap if column in (4, 5, 7) else top
            if column in EDITABLE:
                cell.protection = Protection(locked=False)
                cell.fill = editable
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:G{max(len(rows) + 1, 2)}"
    sheet.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False,
                                       autoFilter=False)
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip_times(buffer.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """The same zip with fixed entry times, so one input gives one sheet, byte for byte."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps the time of saving, whatever the workbook says.
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + FIXED_STAMP,
                                 content)
            target.writestr(entry, content)
    return out.getvalue()


def xliff_bytes(rows: list[Row], *, source_lang: str = "en") -> bytes:
    """XLIFF 1.2, which translation tools (Trados, memoQ, OmegaT, Phrase) read: one <file>
    per YAML file, one <trans-unit> per field, its fingerprints as propgen attributes."""
    from lxml import etree

    target_lang = "ko" if source_lang == "en" else "en"
    nsmap = {None: XLIFF_NS, "propgen": PROPGEN_NS}
    root = etree.Element(f"{{{XLIFF_NS}}}xliff", nsmap=nsmap)
    root.set("version", "1.2")
    files: dict[str, Any] = {}
    for row in rows:
        body = files.get(row.file)
        if body is None:
            file_element = etree.SubElement(root, f"{{{XLIFF_NS}}}file", {
                "original": row.file, "datatype": "plaintext",
                "source-language": LOCALES[source_lang],
                "target-language": LOCALES[target_lang]})
            body = files[row.file] = etree.SubElement(file_element, f"{{{XLIFF_NS}}}body")
        unit = etree.SubElement(body, f"{{{XLIFF_NS}}}trans-unit", {
            "id": row.field, "resname": row.field,
            f"{{{PROPGEN_NS}}}en-fingerprint": row.en_key,
            f"{{{PROPGEN_NS}}}ko-fingerprint": row.ko_key,
            f"{{{PROPGEN_NS}}}line": str(row.line)})
        unit.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        etree.SubElement(unit, f"{{{XLIFF_NS}}}source").text = row.text(source_lang)
        target = etree.SubElement(unit, f"{{{XLIFF_NS}}}target",
                                  {"state": XLIFF_STATES[row.status]})
        target.text = row.text(target_lang)
        if row.note:
            etree.SubElement(unit, f"{{{XLIFF_NS}}}note").text = row.note
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                pretty_print=True))


# --- reading a sheet back ---------------------------------------------------------------


def _not_a_sheet(sheet: Path) -> UserError:
    return UserError(template=N_("this is not a translation sheet written by 'propgen "
                                 "translate export'"), prefix=f"{sheet}: ")


def read_sheet(sheet: Path) -> list[Row]:
    """The rows of an xlsx or XLIFF sheet, as edited."""
    if not sheet.is_file():
        raise UserError(template=N_("no such file"), prefix=f"{sheet}: ")
    if sheet.suffix.lower() in XLIFF_SUFFIXES:
        return read_xliff(sheet)
    if sheet.suffix.lower() == ".xlsx":
        return read_xlsx(sheet)
    raise UserError(template=N_("a translation sheet ends in .xlsx, .xlf or .xliff"),
                    prefix=f"{sheet}: ")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def read_xlsx(sheet: Path) -> list[Row]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(sheet, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise UserError(template=N_("cannot read the sheet: {reason}"),
                        ctx={"reason": str(error)}, prefix=f"{sheet}: ") from None
    try:
        # Found by its hidden fingerprint columns, whatever the worksheet is called: sheets
        # exported before were named "propgen", and a translator may rename it.
        values = next((rows for rows in (list(page.iter_rows(values_only=True))
                                         for page in book.worksheets)
                       if rows and tuple(rows[0][7:9]) == KEY_COLUMNS), None)
    finally:
        book.close()
    if values is None:
        raise _not_a_sheet(sheet)
    rows = []
    for number, cells in enumerate(values[1:], start=2):
        cells = tuple(cells) + (None,) * (9 - len(cells))
        if not any(cells):
            continue
        file, field_path, line, en, ko, _status, note, en_key, ko_key = cells[:9]
        rows.append(Row(_cell(file), _cell(field_path), _cell(en), _cell(ko), _cell(en_key),
                        _cell(ko_key), line=int(line) if isinstance(line, int) else 0,
                        note=_cell(note), where=f"row {number}"))
    return rows


def read_xliff(sheet: Path) -> list[Row]:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.parse(str(sheet), parser).getroot()
    except (OSError, etree.XMLSyntaxError) as error:
        raise UserError(template=N_("cannot read the sheet: {reason}"),
                        ctx={"reason": str(error)}, prefix=f"{sheet}: ") from None
    if root.tag != f"{{{XLIFF_NS}}}xliff":
        raise _not_a_sheet(sheet)
    ns = {"x": XLIFF_NS}
    rows = []
    for file_element in root.iterfind("x:file", ns):
        source_lang = str(file_element.get("source-language", "en"))[:2].lower()
        target_lang = "ko" if source_lang == "en" else "en"
        for unit in file_element.iterfind("x:body//x:trans-unit", ns):
            en_key = unit.get(f"{{{PROPGEN_NS}}}en-fingerprint")
            ko_key = unit.get(f"{{{PROPGEN_NS}}}ko-fingerprint")
            if en_key is None or ko_key is None:
                raise _not_a_sheet(sheet)
            texts = {}
            for lang, tag in ((source_lang, "source"), (target_lang, "target")):
                element = unit.find(f"x:{tag}", ns)
                texts[lang] = "" if element is None else "".join(element.itertext())
            notes = [str(n.text or "") for n in unit.iterfind("x:note", ns)]
            line = unit.get(f"{{{PROPGEN_NS}}}line", "0")
            rows.append(Row(
                str(file_element.get("original", "")), str(unit.get("id", "")),
                _cell(texts["en"]), _cell(texts["ko"]), en_key, ko_key,
                line=int(line) if line.isdigit() else 0, note="\n".join(notes),
                where=f"unit '{unit.get('id', '')}'"))
    return rows


# --- import -------------------------------------------------------------------------------


@dataclass
class Change:
    file: Path
    field: str
    lang: str
    old: str
    new: str


@dataclass
class FilePlan:
    """One YAML file to rewrite: its new text and the fields whose texts now agree."""

    path: Path
    text: str
    reviewed: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    bom: bool = False


@dataclass
class ImportPlan:
    changes: list[Change] = field(default_factory=list)
    files: list[FilePlan] = field(default_factory=list)
    notes: list[tuple[Row, str]] = field(default_factory=list)


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_path(text: str) -> tuple[str | int, ...]:
    """`consortium.members[0].name` -> ("consortium", "members", 0, "name")."""
    return tuple(int(index) if index else name for name, index in _STEP.findall(text))


def plan_import(sheet: Path, rows: list[Row], lang: str = "en") -> ImportPlan:
    """Check every edited row against its YAML and work out each file's new text; raise
    `InputError` naming every refused row, before anything is written."""
    plan = ImportPlan()
    problems: list[Problem] = []
    by_file: dict[str, list[Row]] = {}
    for row in rows:
        by_file.setdefault(row.file, []).append(row)
        if row.note.strip():
            plan.notes.append((row, row.note.strip()))
    for name, file_rows in by_file.items():
        path = (sheet.parent / name) if not Path(name).is_absolute() else Path(name)
        edited = [r for r in file_rows if any(
            text_key(r.text(lang_)) != r.key(lang_) for lang_ in LANGS)]
        if not edited:
            continue
        file_plan, file_problems, changes = _plan_file(sheet, path, edited, lang)
        problems.extend(file_problems)
        if file_plan is not None:
            plan.files.append(file_plan)
            plan.changes.extend(changes)
    if problems:
        raise InputError(problems)
    return plan


def _refusal(sheet: Path, row: Row, template: str, lang: str, **ctx: Any) -> Problem:
    _ = gettext_for(lang)
    where = _(N_("{where} ({file}, {field})")).format(
        where=_localized_where(row.where, lang), file=row.file, field=row.field)
    return Problem(str(sheet), 0, 0, "", f"{where}: {message('import', template, ctx, lang)}")


def _localized_where(where: str, lang: str) -> str:
    _ = gettext_for(lang)
    kind, _space, rest = where.partition(" ")
    if kind == "row":
        return _(N_("row {number}")).format(number=rest)
    return _(N_("unit {id}")).format(id=rest)


def _plan_file(sheet: Path, path: Path, rows: list[Row], lang: str
               ) -> tuple[FilePlan | None, list[Problem], list[Change]]:
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import YAMLError


    problems: list[Problem] = []
    if path.suffix.lower() not in (".yaml", ".yml"):
        # A sheet names the files it writes; it may only name submissions.
        return None, [_refusal(sheet, rows[0], N_("{path} is not a YAML file"), lang,
                               path=path)], []
    try:
        raw = path.read_bytes()
    except OSError:
        return None, [_refusal(sheet, rows[0], N_("the YAML file {path} is not there any "
                                                   "more"), lang, path=path)], []
    try:
        yaml, data, newline = _round_trip(raw)
    except (YAMLError, ValueError):
        return None, [_refusal(sheet, rows[0], N_("{path} is not valid YAML any more; run "
                                                   "'propgen validate' on it"), lang,
                               path=path)], []
    except _Layout as layout:
        return None, [_refusal(
            sheet, rows[0], N_("propgen cannot rewrite {path} without changing other lines "
                               "(line {line} would change); nothing was written"),
            lang, path=path, line=layout.line)], []
    changes: list[Change] = []
    reviewed: dict[str, tuple[str | None, str | None]] = {}
    for row in rows:
        node: Any = data
        for step in parse_path(row.field):
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                node = None
                break
        if not isinstance(node, CommentedMap) or not set(node) <= set(LANGS):
            problems.append(_refusal(sheet, row, N_(
                "this field is no longer in the YAML file (moved or deleted since the sheet "
                "was exported); export a new sheet"), lang))
            continue
        current = {lang_: node.get(lang_) for lang_ in LANGS}
        if all(text_key(_text(current[lang_])) == text_key(row.text(lang_)) for lang_ in LANGS):
            continue  # the YAML already says what the row says (a sheet imported twice)
        if any(text_key(_text(current[lang_])) != row.key(lang_) for lang_ in LANGS):
            problems.append(_refusal(sheet, row, N_(
                "the YAML text of this field changed after the sheet was exported; export a "
                "new sheet, or copy the edit by hand"), lang))
            continue
        emptied = [lang_ for lang_ in LANGS
                   if is_blank(row.text(lang_)) and not is_blank(_text(current[lang_]))]
        if emptied:
            problems.append(_refusal(sheet, row, N_(
                "the {side} cell is empty; a sheet does not delete a text: put the text back, "
                "or delete it in the YAML file"), lang, side=Msg(LANG_NAMES[emptied[0]])))
            continue
        bad = next((m for lang_ in LANGS if (m := XML_INVALID.search(row.text(lang_)))), None)
        if bad is not None:
            problems.append(_refusal(sheet, row, N_(
                "the text contains the character U+{codepoint}, which a Word document cannot "
                "hold; delete it"), lang, codepoint=f"{ord(bad.group()):04X}"))
            continue
        for lang_ in LANGS:
            new = row.text(lang_)
            if text_key(new) == row.key(lang_):
                continue
            old = _text(current[lang_])
            _set_text(node, lang_, new)
            changes.append(Change(path, row.field, lang_, old, new.strip()))
        reviewed[row.field] = (_text(node.get("en")), _text(node.get("ko")))
    if problems or not changes:
        return None, problems, []
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    text = buffer.getvalue()
    if newline != "\n":
        text = text.replace("\n", newline)
    return FilePlan(path, text, reviewed, bom=raw.startswith(b"\xef\xbb\xbf")), [], changes


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class _Layout(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


# (mapping, sequence, offset) indents and line widths tried, most common first.
_INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (2, 4, 0), (4, 4, 0))
_WIDTHS = (4096, 80)


def _round_trip(raw: bytes) -> tuple[Any, Any, str]:
    """A round-trip YAML instance and document that dump back to exactly `raw`.

    Raises `_Layout` (with the first line that would differ) when none does.
    """
    from ruamel.yaml import YAML

    text = raw.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    source = text.replace("\r\n", "\n")
    first_difference = 1
    for indent in _INDENTS:
        for width in _WIDTHS:
            yaml = YAML(typ="rt")
            yaml.preserve_quotes = True
            yaml.width = width
            yaml.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
            data = yaml.load(source)
            buffer = io.StringIO()
            yaml.dump(data, buffer)
            if buffer.getvalue() == source:
                return yaml, yaml.load(source), newline
            first_difference = max(first_difference, _first_difference(
                source, buffer.getvalue()))
    raise _Layout(first_difference)


def _first_difference(a: str, b: str) -> int:
    for number, (x, y) in enumerate(zip(a.splitlines(), b.splitlines(), strict=False), 1):
        if x != y:
            return number
    return min(len(a.splitlines()), len(b.splitlines())) + 1


def _set_text(node: Any, lang: str, new: str) -> None:
    """Set one language of a bilingual mapping, in the scalar style the old text had."""
    from ruamel.yaml.scalarstring import (
        DoubleQuotedScalarString,
        FoldedScalarString,
        LiteralScalarString,
        SingleQuotedScalarString,
    )

    old = node.get(lang)
    new = new.replace("\r\n", "\n").strip()
    flow = node.fa.flow_style()
    value: Any
    if isinstance(old, FoldedScalarString) and not flow and has_list(new):
        # A folded block would join the list's lines; the loader reads it as written, but
        # a literal block keeps them without the blank lines folding would add.
        value = LiteralScalarString(new + ("\n" if str(old).endswith("\n") else ""))
    elif isinstance(old, FoldedScalarString) and not flow:
        value = FoldedScalarString(new + ("\n" if str(old).endswith("\n") else ""))
        value.fold_pos = _fold_positions(str(value))
    elif isinstance(old, LiteralScalarString) and not flow:
        value = LiteralScalarString(new + ("\n" if str(old).endswith("\n") else ""))
    elif "\n" in new:
        value = DoubleQuotedScalarString(new) if flow else LiteralScalarString(new + "\n")
    elif isinstance(old, DoubleQuotedScalarString | SingleQuotedScalarString):
        value = type(old)(new)
    else:
        value = new
    if lang in node:
        node[lang] = value
        return
    keys = list(node)
    if lang == "en" or not keys:
        node.insert(0, lang, value)
        return
    node.insert(len(keys), lang, value)
    # What follows the last value (a blank line, a comment) belongs after the new last one.
    last = keys[-1]
    if last in node.ca.items:
        node.ca.items[lang] = node.ca.items.pop(last)


FOLD_WIDTH = 88


# A word that, first on a line, opens a list item ("- 10 percent", "2. x"): no fold goes
# before it, since the loader reads a `>` block with list lines as written (scalars.py).
_OPENS_LIST = re.compile(r"(?:[-+*]|\d{1,9}[.)])(?: |$)")


def _fold_positions(text: str, width: int = FOLD_WIDTH) -> list[int]:
    """Spaces at which a folded (>) scalar breaks its lines, so that a new text keeps
    lines of about `width` characters as hand-wrapped YAML does (a space next to another
    space cannot be a fold)."""
    positions: list[int] = []
    start, last, column = 0, -1, 0
    for index, char in enumerate(text):
        if char == "\n":
            start, last, column = index + 1, -1, 0
            continue
        # Hangul and other wide characters take two columns in an editor.
        column += 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if (char == " " and index > start and text[index - 1] != " "
                and index + 1 < len(text) and text[index + 1] not in " \n"
                and not _OPENS_LIST.match(text, index + 1)):
            last = index
        if column >= width and last > start:
            positions.append(last)
            start, column = last + 1, _columns(text[last + 1 : index + 1])
            last = -1
    return positions


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def apply_import(plan: ImportPlan, profile: Any = None) -> None:
    """Write every planned file (each atomically, keeping its permissions) and record the
    imported fields as reviewed in each file's drift sidecar."""
    for file_plan in plan.files:
        mode = file_plan.path.stat().st_mode & 0o7777
        data = file_plan.text.encode("utf-8")
        write_atomic(file_plan.path, (b"\xef\xbb\xbf" + data) if file_plan.bom else data)
        os.chmod(file_plan.path, mode)
    for file_plan in plan.files:
        try:
            submission, _loaded = load_submission(
                file_plan.path, draft=True, structural=False, profile=profile)
        except UserError:
            continue  # the file had problems before the import; `check` reports them
        merge_reviewed(file_plan.path, submission, file_plan.reviewed)


def import_sheet(sheet: Path, *, lang: str = "en", profile: Any = None) -> ImportPlan:
    """Read a sheet, check every row, then write the YAML files: all of them or none."""
    plan = plan_import(sheet, read_sheet(sheet), lang)
    apply_import(plan, profile)
    return plan
