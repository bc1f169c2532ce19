"""A look at a YAML file's event stream before anything builds it: what would crash, hang or
mislead the loader is refused in place.

ruamel.yaml's composer and constructors recurse once per level of nesting: tens of
thousands of levels (`- - - -`, `[[[[`, after an anchor or a tag alike) overflow the C
stack and kill the process, where no `except` can help. The parser itself keeps its own
stack, and yields events lazily, so reading events up to the first level too deep costs
microseconds whatever follows. The same pass refuses explicit tags (`!!binary` puts bytes
into text, `!!set` has no order Python fixes), numbers longer than any field takes (Python
will not convert an integer of more than 4,300 digits), lone surrogates (they cannot be
printed or written), and aliases that expand the file far beyond its size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .i18n import N_

# Aliases may repeat text, but the whole document, expanded, stays within this many times
# the size limit of a file.
EXPANSION_FACTOR = 2
# No field takes a number this long; Python refuses ints over 4,300 digits.
MAX_NUMBER_CHARS = 100

TOO_DEEP = N_("the YAML is nested too deeply (more than {limit} levels)")
TAG = N_("YAML tags such as '{tag}' are not allowed; write plain values")
NUMBER = N_("this number is {length} characters long; no field takes more than {limit}. "
            "Check it")
SURROGATE = N_("contains the character U+{codepoint} at position {position}, which a Word "
               "document cannot hold; delete it")
EXPANDED = N_("the YAML aliases in this file expand it to more than {limit} characters; "
              "refused. Write the repeated text out once, or use fewer aliases")

_NUMBER = re.compile(
    r"[-+]?(?:0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+"
    r"|(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?)"
)
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Refusal:
    """Why and where (1-based) a file is refused, as a catalog template and its values."""

    line: int
    column: int
    kind: str
    template: str
    ctx: dict[str, Any] = field(default_factory=dict)


def _short_tag(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix):] if tag.startswith(prefix) else tag


def scan(text: str, *, max_depth: int, max_bytes: int,
         strip_control_chars: bool = False) -> Refusal | None:
    """The first thing in `text` the loader must not see, or None.

    A syntax error ends the scan quietly: the loader's own parser reports it in place. The
    C parser refuses some escapes the pure one accepts ("\\udcff"), so on an error the
    pure parser, which the loader then uses, is scanned too.
    """
    from ruamel.yaml.error import YAMLError

    try:
        return _scan(text, max_depth, max_bytes, strip_control_chars, pure=False)
    except (YAMLError, ValueError, TypeError, RecursionError):
        pass
    try:
        return _scan(text, max_depth, max_bytes, strip_control_chars, pure=True)
    except (YAMLError, ValueError, TypeError, RecursionError):
        return None


def _scan(text: str, max_depth: int, max_bytes: int, strip_control_chars: bool,
          pure: bool) -> Refusal | None:
    from ruamel.yaml import YAML
    from ruamel.yaml.events import (
        AliasEvent,
        CollectionEndEvent,
        CollectionStartEvent,
        MappingStartEvent,
        ScalarEvent,
    )

    limit = EXPANSION_FACTOR * max_bytes
    expanded = 0
    anchors: dict[str, int] = {}
    # One frame per open collection: [is a mapping, next scalar is a key, anchor, start size]
    frames: list[list[Any]] = []

    def at(event: Any, kind: str, template: str, **ctx: Any) -> Refusal:
        mark = event.start_mark
        return Refusal(mark.line + 1, mark.column + 1, kind, template, ctx)

    def node_done() -> None:
        if frames and frames[-1][0]:
            frames[-1][1] = not frames[-1][1]

    for event in YAML(typ="safe", pure=pure).parse(text):
        if isinstance(event, AliasEvent):
            expanded += anchors.get(str(event.anchor), 0)
            if expanded > limit:
                return at(event, "too_expanded", EXPANDED, limit=limit)
            node_done()
            continue
        tag = getattr(event, "tag", None)
        if tag is not None and isinstance(event, ScalarEvent | CollectionStartEvent):
            return at(event, "yaml_tag", TAG, tag=_short_tag(str(tag)))
        if isinstance(event, CollectionStartEvent):
            frames.append([isinstance(event, MappingStartEvent), True, event.anchor,
                           expanded])
            if len(frames) > max_depth:
                return at(event, "too_deep", TOO_DEEP, limit=max_depth)
            expanded += 1
        elif isinstance(event, CollectionEndEvent) and frames:
            _mapping, _key, anchor, start = frames.pop()
            if anchor is not None:
                anchors[str(anchor)] = expanded - start
            node_done()
        elif isinstance(event, ScalarEvent):
            value = str(event.value)
            is_key = bool(frames and frames[-1][0] and frames[-1][1])
            plain = event.style in (None, "") and event.implicit[0]
            if plain and len(value) > MAX_NUMBER_CHARS and _NUMBER.fullmatch(value):
                return at(event, "long_number", NUMBER, length=len(value),
                          limit=MAX_NUMBER_CHARS)
            surrogate = _SURROGATE.search(value)
            if surrogate and (is_key or not strip_control_chars):
                return at(event, "xml_invalid_char", SURROGATE,
                          codepoint=f"{ord(surrogate.group()):04X}",
                          position=surrogate.start() + 1)
            size = len(value) + 1
            if event.anchor is not None:
                anchors[str(event.anchor)] = size
            expanded += size
            node_done()
        if expanded > limit:
            return at(event, "too_expanded", EXPANDED, limit=limit)
    return None
