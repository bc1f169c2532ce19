"""A blank line starts a paragraph whatever the YAML scalar style.

YAML folds lines: in a `>` block, a plain or a quoted scalar, a blank line becomes a single
newline in the value, and single line breaks become spaces. In a `|` block every line break
is kept, so a blank line is "\\n\\n". Rich text (`generator.richtext`) reads "\\n\\n" as a
new paragraph and "\\n" as a space, as Markdown does; so the newlines of folded scalars,
which are all blank lines in the source, are doubled here, before validation.

The styles come from the parser's events (C-accelerated, a fraction of the load time), and
only for a file with a multi-line value at all.
"""

from __future__ import annotations

from typing import Any


def folded_values(text: str) -> set[str]:
    """Values containing a newline written in any style but a literal `|` block."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import ScalarEvent

    try:
        return {event.value for event in YAML(typ="safe", pure=False).parse(text)
                if isinstance(event, ScalarEvent) and "\n" in event.value
                and _folded(event)}
    except (YAMLError, RecursionError):
        return set()


def _folded(event: Any) -> bool:
    """Whether the value's newlines are folded blank lines: not a `|` block, and not the
    "\\n" escapes of a double-quoted scalar written on one line."""
    if event.style == "|":
        return False
    if event.style == '"':
        return bool(event.start_mark.line != event.end_mark.line)
    return True


def paragraph_breaks(data: Any, text: str) -> Any:
    """`data` with each folded multi-line string's newlines doubled (in place, and
    returned). Strings written identically in a `|` block elsewhere are changed too."""
    if not _has_newline(data):
        return data
    folded = folded_values(text)
    if folded:
        _double(data, folded)
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


def _double(node: Any, folded: set[str]) -> None:
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
                if value in folded:
                    item[key] = value.replace("\n", "\n\n")
            else:
                stack.append(value)
