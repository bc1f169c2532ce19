"""YAML syntax mistakes in plain words: what character, where, and how to fix it.

A business team types YAML in Word-like editors and Korean IMEs; the parser's own phrases
("while scanning a simple key", "expected <block end>") tell them nothing. `explain` looks
at the text around the parser's marks and names the likely mistake: a tab, a full-width
space or colon, an unquoted colon, a missing "- ", indentation that lines up with nothing
(and the line it should line up with), an unclosed quote (and where it opened). The parser's
phrase is kept only as a last resort, and then inside a sentence that says what to check.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .i18n import N_

FULLWIDTH_SPACE = "\u3000"
FULLWIDTH_COLON = "\uff1a"


@dataclass(frozen=True)
class Hint:
    """One mistake: 1-based position, a catalog template and its placeholders."""

    line: int
    col: int
    kind: str
    template: str
    ctx: dict[str, Any] = field(default_factory=dict)


TAB = N_(
    "a tab character: YAML indents with spaces only; "
    "replace the tab with spaces"
)
SPACE_3000 = N_(
    "a full-width space (U+3000, typed by a Korean input method): YAML needs ordinary "
    "spaces; switch the input method to English and retype the spaces"
)
COLON_FF1A = N_(
    "a full-width colon '：' (U+FF1A, typed by a Korean input method) after '{key}': "
    "write an ordinary colon ':' followed by a space"
)
UNQUOTED_COLON = N_(
    "the text of '{key}' contains ': ', which YAML reads as a new key; put "
    "the whole text in quotes (\"...\") or write it as a block ('{key}: |' and the text "
    "indented on the next lines)"
)
MISSING_DASH = N_(
    "line {line} ('{key}') is lined up with the list that starts on line {list_line} but "
    "does not start with '- '; if it begins another entry of the list, write '- ' before "
    "'{key}'"
)
MISALIGNED = N_(
    "line {line} is indented {indent} spaces, which lines up with no line above it; "
    "line it up with '{other}' on line {other_line} ({other_indent} spaces)"
)
UNCLOSED_QUOTE = N_(
    "the quote {quote} opened at line {line}, column {col} is never closed; end the text "
    "with {quote} (inside the text, write {escape})"
)
UNCLOSED_BRACKET = N_(
    "the '{open}' opened at line {line}, column {col} is not closed with '{close}' before "
    "this point; close it, and put any text with ':' or ',' inside it in quotes"
)
NO_COLON = N_(
    "line {line} ('{text}') is neither 'key: value' nor part of the text above it; add ': ' "
    "after the key, or indent it under the key whose text it continues"
)
FALLBACK = N_(
    "the YAML structure breaks at line {line}, column {col}; check this line and the one "
    "before for indentation, quotes and ': ' (the parser says: {problem})"
)
DUPLICATE_IN_ITEM = N_(
    "'{key}' is written twice in the same entry of a list; if line {line} starts another "
    "entry, write '- ' before '{key}', lined up with the '- ' on line {list_line}; otherwise "
    "delete one of them"
)
COMMENT_CUTS = N_(
    "' #' starts a comment in YAML, so '{key}' keeps only '{kept}' and drops '#{dropped}'; "
    "put the whole value in quotes to keep it"
)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _meaningful(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _key_of(line: str) -> str:
    """The key a line starts with (`- id: a` -> `id`), or its first words."""
    body = line.strip()
    if body.startswith("- "):
        body = body[2:].lstrip()
    for colon in (": ", FULLWIDTH_COLON, ":"):
        if colon in body:
            return body.split(colon, 1)[0].strip()
    return body[:30]


def _levels(lines: list[str], index: int) -> list[tuple[int, int, str]]:
    """The indentation levels open at line `index` (0-based): (indent, line index, key) for
    the line above and each enclosing line, nearest first; a '- ' line also opens the level
    of its entry's keys."""
    levels: list[tuple[int, int, str]] = []
    lowest: int | None = None
    for j in range(index - 1, -1, -1):
        text = lines[j]
        if not _meaningful(text):
            continue
        indent = _indent(text)
        if lowest is not None and indent >= lowest:
            continue
        lowest = indent
        body = text.strip()
        if body.startswith("- "):
            levels.append((indent + 2 + _indent(body[2:]), j, _key_of(text)))
        levels.append((indent, j, _key_of(text)))
        if indent == 0:
            break
    return levels


def _misaligned(lines: list[str], index: int) -> Hint | None:
    """Line `index` indented to no open level (and not a child of a line ending in ':')."""
    text = lines[index]
    if not _meaningful(text):
        return None
    indent = _indent(text)
    levels = _levels(lines, index)
    if not levels:
        return None
    previous = next((lines[j] for j in range(index - 1, -1, -1) if _meaningful(lines[j])), "")
    opens_block = previous.rstrip().endswith(":") or previous.strip() == "-"
    if opens_block and indent > _indent(previous):
        return None
    if any(level == indent for level, _, _ in levels):
        return None
    # The nearest level; on a tie the deeper one (a sibling of the line above).
    level, other_index, key = min(levels, key=lambda item: (abs(item[0] - indent), -item[0]))
    return Hint(index + 1, indent + 1, "yaml_indent", MISALIGNED, {
        "line": index + 1, "indent": indent, "other": key, "other_line": other_index + 1,
        "other_indent": level,
    })


def _special_character(lines: list[str], indexes: list[int]) -> Hint | None:
    """A tab, a full-width space in the indentation, or a full-width colon after a key."""
    for index in indexes:
        if not 0 <= index < len(lines):
            continue
        text = lines[index]
        lead = text[: len(text) - len(text.lstrip(" \t" + FULLWIDTH_SPACE))]
        if "\t" in text:
            col = text.index("\t") + 1
            return Hint(index + 1, col, "yaml_tab", TAB, {"line": index + 1, "col": col})
        if FULLWIDTH_SPACE in lead:
            col = lead.index(FULLWIDTH_SPACE) + 1
            return Hint(index + 1, col, "yaml_u3000", SPACE_3000, {"line": index + 1, "col": col})
        match = re.match(r"\s*(?:- )?([^\s:'\"#][^:'\"#]*?)\s*\uff1a", text)
        if match:
            col = match.end()
            return Hint(index + 1, col, "yaml_uff1a", COLON_FF1A, {
                "key": match.group(1), "line": index + 1, "col": col})
    return None


def _line(lines: list[str], index: int) -> str:
    return lines[index] if 0 <= index < len(lines) else ""


def explain(exc: Any, text: str) -> Hint:
    """The likely mistake behind a ruamel.yaml MarkedYAMLError, located."""
    lines = text.splitlines()
    problem = str(exc.problem or "")
    context = str(exc.context or "")
    mark = exc.problem_mark or exc.context_mark
    line = mark.line if mark else 0
    col = mark.column if mark else 0
    start = exc.context_mark.line if exc.context_mark else line
    around = [line, *range(line - 1, start - 1, -1)]
    special = _special_character(lines, around)
    if special:
        return special
    if "quoted scalar" in context and exc.context_mark is not None:
        opened = exc.context_mark
        # A mark at the end of the stream lies past the last line (found by the fuzz).
        quote = _line(lines, opened.line)[opened.column:opened.column + 1] or '"'
        return Hint(opened.line + 1, opened.column + 1, "yaml_quote", UNCLOSED_QUOTE, {
            "quote": quote, "line": opened.line + 1, "col": opened.column + 1,
            "escape": '\\"' if quote == '"' else "''",
        })
    if "flow" in context and exc.context_mark is not None:
        opened = exc.context_mark
        bracket = _line(lines, opened.line)[opened.column:opened.column + 1] or "{"
        return Hint(line + 1, col + 1, "yaml_flow", UNCLOSED_BRACKET, {
            "open": bracket, "close": "}" if bracket == "{" else "]",
            "line": opened.line + 1, "col": opened.column + 1})
    first = start + 1 if exc.context_mark is not None else line
    for index in range(first, min(line, len(lines) - 1) + 1):
        misaligned = _misaligned(lines, index)
        if misaligned:
            return misaligned
    if "mapping values are not allowed" in problem and line < len(lines):
        return Hint(line + 1, col + 1, "yaml_colon", UNQUOTED_COLON, {
            "key": _key_of(lines[line]), "col": col + 1})
    if "block collection" in context and exc.context_mark is not None:
        list_line = exc.context_mark.line
        list_indent = exc.context_mark.column
        for index in range(list_line + 1, min(line, len(lines) - 1) + 1):
            text_line = lines[index]
            if _meaningful(text_line) and _indent(text_line) == list_indent \
                    and not text_line.strip().startswith("-"):
                return Hint(index + 1, list_indent + 1, "yaml_dash", MISSING_DASH, {
                    "line": index + 1, "key": _key_of(text_line), "list_line": list_line + 1})
    if "could not find expected ':'" in problem and exc.context_mark is not None:
        index = exc.context_mark.line
        if index < len(lines):
            return Hint(index + 1, exc.context_mark.column + 1, "yaml_no_colon", NO_COLON, {
                "line": index + 1, "text": lines[index].strip()[:40]})
    return Hint(line + 1, col + 1, "yaml_syntax", FALLBACK, {
        "line": line + 1, "col": col + 1,
        "problem": " ".join(p for p in (context, problem) if p)})


def fullwidth_indent(text: str) -> Hint | None:
    """A full-width space in a line's indentation: YAML reads it as text, not as indentation,
    so the line silently becomes part of another value; refuse it by name instead."""
    if FULLWIDTH_SPACE not in text:
        return None
    for index, line in enumerate(text.splitlines()):
        lead = line[: len(line) - len(line.lstrip(" \t" + FULLWIDTH_SPACE))]
        if FULLWIDTH_SPACE in lead and line.strip(" \t" + FULLWIDTH_SPACE):
            col = lead.index(FULLWIDTH_SPACE) + 1
            return Hint(index + 1, col, "yaml_u3000", SPACE_3000, {"line": index + 1, "col": col})
    return None


def duplicate_in_item(text: str, line: int, col: int, key: str) -> Hint | None:
    """A key written twice inside one list entry is most often a new entry missing its '- ':
    "keep only one" would delete a member. `line`, `col` are 1-based."""
    lines = text.splitlines()
    for index in range(line - 2, -1, -1):
        above = lines[index]
        if not _meaningful(above) or _indent(above) >= col - 1:
            continue
        if above.strip().startswith("- ") and _indent(above) + 2 + _indent(
            above.strip()[2:]
        ) == col - 1:
            return Hint(line, col, "duplicate_key", DUPLICATE_IN_ITEM, {
                "key": key, "line": line, "list_line": index + 1})
        return None
    return None


_PLAIN_WITH_COMMENT = re.compile(
    r"^(\s*(?:- )?)([^\s#'\"][^:#]*?):[ ]+([^\s'\"|>&*!\[{#][^#]*?)[ \t]+#(\S.*)$"
)


def comment_cuts_text(text: str) -> list[Hint]:
    """`title: Plan #1` keeps 'Plan' and drops '#1' silently; a comment written right against
    its '#' ('#1', '#2') is far more likely part of the text than a note."""
    if "#" not in text:
        return []
    hints = []
    block_indent: int | None = None
    for index, line in enumerate(text.splitlines()):
        if block_indent is not None:
            if not line.strip() or _indent(line) > block_indent:
                continue
            block_indent = None
        if re.search(r":\s*[|>][-+0-9]*\s*(#.*)?$", line):
            block_indent = _indent(line)
            continue
        match = _PLAIN_WITH_COMMENT.match(line)
        if match:
            hints.append(Hint(index + 1, match.end(3) + 2, "yaml_comment", COMMENT_CUTS, {
                "key": match.group(2).strip(), "kept": match.group(3).strip(),
                "dropped": match.group(4).strip()}))
    return hints


# --- a document given where the YAML file is expected -------------------------------------

WORD_BUILT = N_(
    "this is a Word document propgen built, not its YAML file; validate, check and build "
    "read the YAML file it was built from. To bring the edits made in it into that file, "
    "use 'propgen pull {file} --into {yaml}'"
)
WORD_OTHER = N_(
    "this is a Word document (DOCX), not a YAML file; propgen reads a submission written in "
    "YAML: start one with 'propgen init proposal FILE.yaml' (or 'propgen init letter')"
)
PDF = N_(
    "this is a PDF document, not a YAML file; give the YAML file it was built from (edits "
    "made in the Word copy come back with 'propgen pull FILE.docx --into FILE.yaml')"
)
WORKBOOK = N_(
    "this is an Excel workbook (xlsx), not a YAML file; if it is a translation sheet, bring "
    "its texts into the YAML files with 'propgen translate import {file}'"
)
XLIFF = N_(
    "this is an XLIFF translation file, not a YAML file; bring its texts into the YAML "
    "files with 'propgen translate import {file}'"
)
ARCHIVE = N_(
    "this is a ZIP archive or an Office document, not a YAML file; give propgen the YAML "
    "file of a submission"
)
OLD_OFFICE = N_(
    "this is a Microsoft Office file in the old binary format (.doc, .xls), not a YAML file; "
    "give propgen the YAML file of a submission"
)

# Read at most this much of a document's main part to tell whether propgen built it.
_SNIFF_BYTES = 8 * 1024 * 1024


def other_format(head: bytes, path: Path, display: str) -> Hint | None:
    """A Word, PDF, Excel or XLIFF file given where YAML is expected, told by its content
    (the zip signature and the package's parts, %PDF, <xliff), not its name: the one thing
    to say is what the file is and which command takes it. `head` is the file's first bytes
    (all of them when it is small); a zip's directory, at its end, is read from `path`."""
    if head.startswith(b"%PDF-"):
        return Hint(0, 0, "not_yaml", PDF)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return Hint(0, 0, "not_yaml", OLD_OFFICE)
    if head.startswith(b"PK\x03\x04"):
        return _package(head, path, display)
    start = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"<") and re.search(rb"<(?:\w+:)?xliff[\s>]", start):
        return Hint(0, 0, "not_yaml", XLIFF, {"file": display})
    return None


def _package(head: bytes, path: Path, display: str) -> Hint:
    """What an Office package (a zip with [Content_Types].xml) holds: Word or Excel."""
    try:
        try:
            archive = zipfile.ZipFile(io.BytesIO(head))
        except zipfile.BadZipFile:  # only the file's start was read
            archive = zipfile.ZipFile(path)
        with archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                return Hint(0, 0, "not_yaml", ARCHIVE)
            if "xl/workbook.xml" in names:
                return Hint(0, 0, "not_yaml", WORKBOOK, {"file": display})
            if "word/document.xml" not in names:
                return Hint(0, 0, "not_yaml", ARCHIVE)
            with archive.open("word/document.xml") as part:
                body = part.read(_SNIFF_BYTES)
    except (OSError, zipfile.BadZipFile, RuntimeError):  # damaged, or encrypted
        return Hint(0, 0, "not_yaml", ARCHIVE)
    if re.search(rb"<w:sdt[\s>]", body) and re.search(rb"<w:tag\s", body):
        # Its fields sit in content controls tagged with their paths (fields.py).
        return Hint(0, 0, "not_yaml", WORD_BUILT, {"file": display, "yaml": _source_name(path)})
    return Hint(0, 0, "not_yaml", WORD_OTHER)


def _source_name(path: Path) -> str:
    """The YAML file a document was most likely built from: `x.public.en.docx` -> `x.yaml`
    (build names its documents `<stem>[.public][.redline].<en|ko|bilingual>.docx`)."""
    stem = path.name
    for suffix in (".docx", ".en", ".ko", ".bilingual", ".redline", ".public"):
        stem = stem.removesuffix(suffix)
    return f"{stem or 'FILE'}.yaml"
