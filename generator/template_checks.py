"""The notice's formatting rules, checked against the letter template in use.

A notice may ask for a minimum font size and a page number on every page (the profile's
`min_font_pt` and `page_numbers_required`); both depend on the template, which a user can
replace (`--template-dir`), so they are checked here, once per template, not per file.
"""

from __future__ import annotations

import re
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import Diagnostic
from .i18n import N_, message
from .program import Notice

_BODY_STYLES = re.compile(r'<w:pStyle w:val="([^"]+)"')
_PAGE_FIELD = re.compile(r'w:instr="\s*PAGE\b|<w:instrText[^>]*>\s*PAGE\b')
_SMALL = N_("the template's style '{style}' is {size} pt, smaller than the {minimum} pt the "
            "notice asks for; enlarge it in Word")
_NO_PAGE_NUMBER = N_("the template has no page number in its footer or header, and the "
                     "notice asks for one on each page; add a page number field in Word")


def template_diagnostics(path: Path, notice: Notice, lang: str) -> list[Diagnostic]:
    """Warnings about `path` under the notice's formatting rules, in the reader's language."""
    small, numbered = _template_facts(path.resolve(), path.stat().st_mtime_ns)
    citation = f"FR Doc. {notice.fr_doc}"
    out = []
    if notice.min_font_pt:
        for style, size in small:
            if size < notice.min_font_pt:
                ctx = {"style": style, "size": f"{size:g}", "minimum": notice.min_font_pt}
                out.append(Diagnostic(str(path), 0, 0, "", message("small", _SMALL, ctx, lang),
                                      "warning", "TEMPLATE-FONT", citation, _SMALL, ctx))
    if notice.page_numbers_required and not numbered:
        out.append(Diagnostic(str(path), 0, 0, "", message("page", _NO_PAGE_NUMBER, {}, lang),
                              "warning", "TEMPLATE-PAGE-NUMBERS", citation, _NO_PAGE_NUMBER))
    return out


@lru_cache(maxsize=8)
def _template_facts(path: Path, _mtime: int) -> tuple[tuple[tuple[str, float], ...], bool]:
    """(style name, size in points) of Normal and of every paragraph style the body, the
    headers and the footers use, and whether a header or footer holds a PAGE field."""
    from docx import Document

    with zipfile.ZipFile(path) as package:
        body = package.read("word/document.xml").decode("utf-8")
        parts = [package.read(n).decode("utf-8") for n in package.namelist()
                 if re.fullmatch(r"word/(header|footer)\d*\.xml", n)]
    document = Document(str(path))
    ids = {i for part in (body, *parts) for i in _BODY_STYLES.findall(part)}
    used = {"Normal", *(_style_name(document, i) for i in ids)}
    sizes = []
    for name in sorted(n for n in used if n):
        size = _size(document, name)
        if size is not None:
            sizes.append((name, size))
    return tuple(sizes), any(_PAGE_FIELD.search(part) for part in parts)


def _style_name(document: Any, style_id: str) -> str:
    styles = document.styles
    for style in styles:
        if getattr(style, "style_id", None) == style_id:
            return str(style.name)
    return ""


def _size(document: Any, name: str) -> float | None:
    """A style's font size in points, through its base styles and the document defaults."""
    style = document.styles[name]
    while style is not None:
        if style.font.size is not None:
            return float(style.font.size.pt)
        style = style.base_style
    defaults = document.styles.element.xpath(
        "w:docDefaults/w:rPrDefault/w:rPr/w:sz/@w:val")
    return int(defaults[0]) / 2 if defaults else None
