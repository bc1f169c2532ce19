"""A blank line starts a paragraph whatever the YAML scalar style.

YAML folds lines: in a `>` block, a plain or a quoted scalar, a blank line becomes a single
newline in the value, and single line breaks become spaces. In a `|` block every line break
is kept, so a blank line is "\\n\\n". Rich text (`generator.richtext`) reads "\\n\\n" as a
new paragraph and "\\n" as a space, as Markdown does; so the newlines of folded scalars,
which are all blank lines in the source, are doubled here, before validation.

A `>` block whose lines hold a Markdown list ("We represent:" then "- " lines) would be
folded into one line before the Markdown parser sees it ("We represent: - A; - B"). Such a
block is read as written, as a `|` block would be: Markdown already reads a single line
break as a space and a blank line as a new paragraph, so its paragraphs read the same and
its list stays a list. Blocks without a list keep the folded value (and its bytes).

The styles come from the parser's events (C-accelerated, a fraction of the load time), and
only for a file with a multi-line value or a `>` block at all.
"""

from __future__ import annotations

import re
from typing import Any

# A line of a block scalar that opens a Markdown list item: "- x", "* x", "+ x", "1. x".
_LIST_LINE = re.compile(r"^[ \t]*(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)", re.MULTILINE)


def replacements(text: str, lost: list[tuple[int, int, str]] | None = None
                 ) -> dict[str, str]:
    """What each folded value becomes: its newlines doubled (they were blank lines), or,
    for a `>` block holding a Markdown list, its lines as written. A plain or quoted
    scalar's lines are joined whatever they hold: the first line of each that reads as a
    list item is added to `lost` (line, column, the line), for a warning."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import ScalarEvent

    out: dict[str, str] = {}
    lists: dict[int, str] = {}  # the folded value of each `>` block with list lines
    try:
        for event in YAML(typ="safe", pure=False).parse(text):
            if not isinstance(event, ScalarEvent):
                continue
            if (lost is not None and event.style in (None, "", '"', "'")
                    and event.end_mark.line > event.start_mark.line):
                found = _LIST_LINE.search(text, text.find("\n", event.start_mark.index) + 1,
                                          event.end_mark.index)
                if found is not None:
                    end = text.find("\n", found.start())
                    line = text[found.start():end if end >= 0 else len(text)]
                    lost.append((text.count("\n", 0, found.start()) + 1,
                                 len(line) - len(line.lstrip()) + 1, line.strip()))
            if (event.style == ">" and text[event.start_mark.index] == ">"
                    and _LIST_LINE.search(
                    text, text.find("\n", event.start_mark.index) + 1, event.end_mark.index)):
                lists[event.start_mark.index] = event.value
            if "\n" in event.value and _folded(event):
                out[event.value] = event.value.replace("\n", "\n\n")
        if lists:
            out.update(_as_written(text, lists))
    except (YAMLError, RecursionError):
        return {}
    return out


def _as_written(text: str, lists: dict[int, str]) -> dict[str, str]:
    """The `>` blocks at the positions of `lists` read as `|` blocks, when their lines do
    make a Markdown list (a line such as "- 10 percent" inside a sentence may not)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.events import ScalarEvent

    from .richtext import has_list

    literal = list(text)
    for index in lists:
        literal[index] = "|"  # one character for one: every position stays where it was
    out: dict[str, str] = {}
    for event in YAML(typ="safe", pure=False).parse("".join(literal)):
        if (isinstance(event, ScalarEvent) and event.start_mark.index in lists
                and has_list(event.value)):
            out[lists[event.start_mark.index]] = event.value
    return out


def _folded(event: Any) -> bool:
    """Whether the value's newlines are folded blank lines: not a `|` block, and not the
    "\\n" escapes of a double-quoted scalar written on one line."""
    if event.style == "|":
        return False
    if event.style == '"':
        return bool(event.start_mark.line != event.end_mark.line)
    return True


def paragraph_breaks(data: Any, text: str,
                     lost: list[tuple[int, int, str]] | None = None) -> Any:
    """`data` with each folded multi-line string's newlines doubled, and each `>` block
    holding a list as written (in place, and returned). Strings written identically in
    another style elsewhere are changed too. `lost`: see `replacements`."""
    if not _has_newline(data) and _LIST_LINE.search(text) is None:
        return data  # nothing folded, no list lines: no value can change, nothing is lost
    new = replacements(text, lost)
    if new:
        _replace(data, new)
    return data


def _has_newline(node: Any) -> bool:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\n" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _replace(node: Any, new: dict[str, str]) -> None:
    seen: set[int] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        pairs = (item.items() if isinstance(item, dict)
                 else enumerate(item) if isinstance(item, list) else ())
        for key, value in pairs:
            if isinstance(value, str):
                if value in new:
                    item[key] = new[value]
            else:
                stack.append(value)
