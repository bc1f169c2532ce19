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
from collections.abc import Callable, Iterator
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


class LocalizedGroup(click.Group):
    """A group that puts its help and click's messages in the user's language before
    parsing, so usage errors and `--help` are worded in it too."""

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
