"""Text rules: how a field's text is written, in the form its reader meets it.

LIST-INDENT: a list item indented under another by less than the other's text (one space
under "- ", one or two under "1. ") is read by CommonMark as an item of the same level, so
the nested list the writer meant prints as more items of the first level.
KOREAN-UNIT-SPACE: in Korean text a Hangul counter or unit follows its number without a
space ("3년", "640명", "8억 달러"), as propgen writes its own figures; "3 년" sits badly
beside them. Units in Latin letters keep their space ("60 MW"). Warnings only: the writer
corrects the text (the units are data, `profiles/language.yaml`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..checks import _bilinguals
from ..i18n import N_
from ..language import spaced_units
from ..program import Profile
from . import Finding, rule

# A list item's line: its indent, its mark and the spaces after it (the text starts there).
_ITEM = re.compile(r"( *)([-+*]|\d{1,9}[.)])( +|$)")


def misindented_items(text: str) -> list[tuple[str, int, int, str]]:
    """Each list item indented under the item before it by less than that item's text, as
    (its line, its indent, the indent a second-level item needs, the item's mark)."""
    from ..richtext import could_have_structure, markdown

    if not could_have_structure(text):
        return []
    lines = text.split("\n")
    found: list[tuple[str, int, int, str]] = []
    previous: list[tuple[int, int, str] | None] = []  # per open list: the last item
    closed: tuple[int, int, str] | None = None  # the last item of a list just ended
    for token in markdown().parse(text, {}):
        # A list right after another (the mark changed, "1." to "-") is its sibling: an
        # item there is compared with the last item of the list before.
        just_closed, closed = closed, None
        if token.type in ("bullet_list_open", "ordered_list_open"):
            previous.append(just_closed)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            closed = previous.pop()
        elif token.type == "list_item_open" and token.map and previous:
            line = lines[token.map[0]]
            item = _ITEM.match(line)
            if item is None:
                continue
            indent = len(item.group(1))
            last = previous[-1]
            if last is not None and indent > last[0]:
                found.append((line.strip(), indent, last[1], last[2]))
            previous[-1] = (indent, item.end() if item.group(3) else item.end() + 1,
                            item.group(2))
    return found


@rule("LIST-INDENT")
def _list_indent(submission: Any, profile: Profile) -> Iterator[Finding]:
    for loc, value in _bilinguals(submission, ()):
        for lang in ("en", "ko"):
            for line, indent, needed, mark in misindented_items(getattr(value, lang) or ""):
                yield Finding(
                    "LIST-INDENT", "warning", (*loc, lang),
                    N_("the list item '{item}' is indented by {indent} space(s) under a "
                       "'{mark}' item, which makes it an item of the same level; to make it "
                       "a second-level item, indent it by {needed} spaces (to where the text "
                       "after '{mark}' starts), or else not at all"),
                    {"item": _short(line), "indent": indent, "needed": needed, "mark": mark},
                    needle=line,
                )


@rule("KOREAN-UNIT-SPACE")
def _korean_unit_space(submission: Any, profile: Profile) -> Iterator[Finding]:
    for loc, value in _bilinguals(submission, ()):
        found = spaced_units(value.ko or "")
        if found:
            typed = list(dict.fromkeys(t for t, _ in found))
            fixed = list(dict.fromkeys(f for _, f in found))
            yield Finding(
                "KOREAN-UNIT-SPACE", "warning", (*loc, "ko"),
                N_("in Korean a counter or unit written in Hangul follows its number without "
                   "a space: write {fixed} for {typed} (units in Latin letters such as MW "
                   "or kV keep their space)"),
                {"typed": ", ".join(f"'{t}'" for t in typed),
                 "fixed": ", ".join(f"'{f}'" for f in fixed)},
                needle=found[0][0],
            )


def _short(line: str, width: int = 40) -> str:
    return line if len(line) <= width else line[: width - 1] + "…"
