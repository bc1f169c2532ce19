"""`--help` and click's own messages in the user's language.

Click words its messages ("Usage:", "Error: No such option") through the standard library's
`gettext` with no catalog of its own; propgen keeps Korean for them in
`locales/ko/LC_MESSAGES/click.po` and hands click that catalog's `gettext`. The help texts of
propgen's commands and options are msgids of propgen's catalog, one per paragraph (the
extractor `extract_cli` below puts them in the .pot), translated when a command is shown.

The language is settled before click parses anything (`LocalizedGroup.parse_args`): `--lang`
anywhere on the command line, else the locale, so `LANG=ko_KR.UTF-8 propgen build --help`
and a usage error both come out in Korean.
"""

from __future__ import annotations

import ast
import gettext
import importlib
import inspect
import io
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import IO, Any

import click
from babel.messages.extract import extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from .i18n import detect_lang, gettext_for, resource_dir

# click's modules that bind `_` / `ngettext` from the standard library at import time.
_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types",
                  "utils", "_termui_impl", "shell_completion")
_ORIGINAL: dict[tuple[str, str], Any] = {}


@cache
def click_translations(lang: str) -> gettext.NullTranslations:
    """click's messages in `lang` (`locales/<lang>/LC_MESSAGES/click.po`), compiled in memory."""
    po_path = resource_dir("locales") / lang / "LC_MESSAGES" / "click.po"
    if not po_path.is_file():
        return gettext.NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain="click")
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _patch_click(lang: str) -> None:
    translations = click_translations(lang)
    for name in _CLICK_MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:  # pragma: no cover - a platform-only module
            continue
        for attr, replacement in (("_", translations.gettext), ("ngettext",
                                                                 translations.ngettext)):
            if not hasattr(module, attr):
                continue
            original = _ORIGINAL.setdefault((name, attr), getattr(module, attr))
            setattr(module, attr, original if lang == "en" else replacement)


def help_paragraphs(text: str) -> list[tuple[str, str]]:
    """(click's `\\b` marker or "", paragraph) for each paragraph of a help text."""
    out = []
    for paragraph in text.split("\n\n"):
        marker = "\b\n" if paragraph.startswith("\b\n") else ""
        out.append((marker, paragraph[len(marker):]))
    return out


def translate_help(text: str, translate: Callable[[str], str]) -> str:
    """A help text with each paragraph translated (a paragraph without a translation, such
    as an example command line, stays as it is)."""
    return "\n\n".join(marker + translate(body) for marker, body in help_paragraphs(text))


def _localize_command(command: click.Command, lang: str) -> None:
    own, clicks = gettext_for(lang), click_translations(lang).gettext

    def translate(text: str) -> str:
        # propgen's catalog first; click's for the options click adds (--version).
        translated = own(text)
        return clicks(text) if translated == text else translated

    english = command.__dict__.setdefault("_propgen_en", {
        "help": command.help, "short_help": command.short_help,
        "params": [getattr(p, "help", None) for p in command.params],
    })
    command.help = (translate_help(inspect.cleandoc(english["help"]), translate)
                    if english["help"] else None)
    command.short_help = translate(english["short_help"]) if english["short_help"] else None
    # click builds the --help option once, worded in the language of that first use.
    if hasattr(command, "_help_option"):
        command._help_option = None
    for param, help_text in zip(command.params, english["params"], strict=True):
        if help_text and isinstance(param, click.Option):
            param.help = translate(help_text)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _localize_command(sub, lang)


def localize(command: click.Command, lang: str) -> None:
    """Every help text under `command`, and click's own messages, in `lang`."""
    _patch_click(lang)
    _localize_command(command, lang)


def lang_from_args(args: list[str]) -> str:
    """`--lang ko` / `--lang=ko` anywhere on the command line, else the locale's language."""
    for index, arg in enumerate(args):
        if arg == "--lang" and index + 1 < len(args):
            return detect_lang(args[index + 1])
        if arg.startswith("--lang="):
            return detect_lang(arg.split("=", 1)[1])
    return detect_lang(None)


# --- help wrapped by display width ------------------------------------------------------


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: East Asian wide and full-width characters
    (Hangul, Hanja, ＄) two, combining marks and format characters none, others one."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _fit(word: str, columns: int) -> int:
    """How many characters of `word` fit in `columns` (at least one, so a line advances)."""
    used = 0
    for count, char in enumerate(word):
        used += display_width(char)
        if used > columns:
            return max(count, 1)
    return len(word)


def wrap_words(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """`text` in lines of at most `width` columns, broken between words (Korean breaks
    between 어절 too), `first` before the first line and `rest` before the others; the
    spaces between words are kept (click's "  [default: out]"), a word wider than a line
    is cut."""
    lines: list[str] = []
    line, used, fresh = first, display_width(first), True
    for match in re.finditer(r"(\s*)(\S+)", text.strip()):
        gap, word = match.group(1).replace("\n", " "), match.group(2)
        size = display_width(word)
        if not fresh and used + len(gap) + size > width:
            lines.append(line)
            line, used, fresh = rest, display_width(rest), True
        while fresh and used + size > width and len(word) > 1:
            cut = _fit(word, width - used)
            lines.append(line + word[:cut])
            word = word[cut:]
            size = display_width(word)
            line, used = rest, display_width(rest)
        if not fresh:
            line, used = line + gap, used + len(gap)
        line, used, fresh = line + word, used + size, False
    lines.append(line)
    return lines


def _leading(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _kept_block(lines: list[str], width: int, indent: str) -> list[str]:
    """A `\\b` block's lines as written (example commands, line by line), but a run of
    lines at the block's own indentation is prose: refilled as a whole when one of its
    lines would overflow the terminal. Deeper lines, the example commands, stay whole so
    they can be copied (at 80 columns every one fits)."""
    base = min((_leading(line) for line in lines if line.strip() not in ("", "\b")),
               default=0)
    out: list[str] = []
    index = 0
    while index < len(lines):
        if lines[index].strip() in ("", "\b"):  # a blank line (or `\\b`) stays a blank line
            out.append("")
            index += 1
            continue
        if _leading(lines[index]) > base:  # an example command: kept whole, to copy
            out.append(indent + lines[index])
            index += 1
            continue
        run = [lines[index]]
        while (index + len(run) < len(lines)
               and lines[index + len(run)].strip() not in ("", "\b")
               and _leading(lines[index + len(run)]) == base):
            run.append(lines[index + len(run)])
        if any(display_width(indent + line) > width for line in run):
            lead = indent + " " * base
            out += wrap_words(" ".join(line.strip() for line in run), width, lead, lead)
        else:
            out += [indent + line for line in run]
        index += len(run)
    return out


def wrap_help(text: str, width: int, indent: str = "") -> str:
    """click's `wrap_text(..., preserve_paragraphs=True)`, measured in columns: paragraphs
    apart by an empty line are refilled under their own indentation, and a paragraph
    after a `\\b` line keeps its lines while they fit (`_kept_block`)."""
    out = []
    for block in text.expandtabs().split("\n\n"):
        lines = [line for line in block.split("\n") if line]
        if not lines:
            continue
        if lines[0].strip() == "\b":
            out.append("\n".join(_kept_block(lines[1:], width, indent)))
            continue
        extra = indent + " " * _leading(lines[0])
        out.append("\n".join(wrap_words(" ".join(lines), width, extra, extra)))
    return "\n\n".join(out)


class WideHelpFormatter(click.HelpFormatter):
    """click's help formatter with widths counted in terminal columns, not characters:
    click wraps by `len`, so a Korean help line (each syllable two columns wide) ran to
    twice the terminal's width."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:  # click's own word (its catalog), in the language `localize` set
            clicks_gettext = click.formatting._
            prefix = clicks_gettext("Usage:") + " "
        head = f"{prefix:>{self.current_indent}}{prog} "
        if not args:
            self.write(head.rstrip(" ") + "\n")
            return
        text_width = self.width - self.current_indent
        if text_width >= display_width(head) + 20:
            lines = wrap_words(args, text_width, head, " " * display_width(head))
        else:
            indent = " " * (max(self.current_indent, display_width(prefix)) + 4)
            lines = [head, *wrap_words(args, text_width, indent, indent)]
        self.write("\n".join(lines) + "\n")

    def write_text(self, text: str) -> None:
        self.write(wrap_help(text, self.width, " " * self.current_indent) + "\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30,
                 col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((display_width(term) for term, _ in rows), default=0),
                        col_max) + col_spacing
        for term, definition in rows:
            self.write(f"{'':>{self.current_indent}}{term}")
            if not definition:
                self.write("\n")
                continue
            if display_width(term) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(term)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap_help(definition, max(self.width - first_col - 2, 10)).splitlines()
            pad = " " * (first_col + self.current_indent)
            self.write("\n".join([lines[0] if lines else "",
                                  *(pad + line if line else "" for line in lines[1:])]) + "\n")


class WideContext(click.Context):
    formatter_class = WideHelpFormatter


class WideCommand(click.Command):
    context_class = WideContext


class LocalizedGroup(click.Group):
    """A group that puts its help and click's messages in the user's language before
    parsing, so usage errors and `--help` are worded in it too; its commands' help is
    wrapped by display width (`WideHelpFormatter`)."""

    context_class = WideContext
    command_class = WideCommand
    group_class = type  # subgroups are LocalizedGroups too

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        lang = lang_from_args(list(args))
        localize(self, lang if lang in ("en", "ko") else "en")
        return super().parse_args(ctx, args)


# --- extraction -----------------------------------------------------------------------


def extract_cli(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str, Any, list[str]]]:
    """Babel extractor for cli.py: its `_()` calls, and the help texts click shows (command
    docstrings, paragraph by paragraph, and `help=` of options) as msgids."""
    source = fileobj.read()
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)  # type: ignore[arg-type,misc]
    tree = ast.parse(source.decode("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(
            isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
            and d.func.attr in ("command", "group") for d in node.decorator_list
        ):
            docstring = ast.get_docstring(node, clean=False)
            if docstring:
                for _marker, body in help_paragraphs(inspect.cleandoc(docstring)):
                    if body.strip() and not body.lstrip().startswith("propgen "):
                        yield node.lineno, "", body, []
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "help":
                    value = keyword.value
                    text = _constant_text(value)
                    if text:
                        yield node.lineno, "", text, []


def _constant_text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _constant_text(node.left), _constant_text(node.right)
        return left + right if left is not None and right is not None else None
    return None
