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
from .models import XML_INVALID

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
_LONG_RUN = re.compile(rf"[0-9a-fA-F_]{{{MAX_NUMBER_CHARS - 2}}}")  # a prefix and sign aside


@dataclass(frozen=True)
class Refusal:
    """Why and where (1-based) a file is refused, as a catalog template and its values."""

    line: int
    column: int
    kind: str
    template: str
    ctx: dict[str, Any] = field(default_factory=dict)
    path: tuple[str | int, ...] = ()


@dataclass
class _Frame:
    """An open mapping or sequence: where the scan is in it, and what its anchor covers."""

    mapping: bool
    anchor: Any
    start: int
    expect_key: bool = True
    step: str | int | None = None  # the current key, or the current item's index


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
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
    )

    # What the text cannot hold is not looked for in every value: surrogates come only
    # from escapes, a long number only from a long run of digits.
    surrogates = "\\u" in text or "\\U" in text
    long_runs = _LONG_RUN.search(text) is not None
    limit = EXPANSION_FACTOR * max_bytes
    expanded = 0
    anchors: dict[str, int] = {}
    frames: list[_Frame] = []

    def at(event: Any, kind: str, template: str, **ctx: Any) -> Refusal:
        mark = event.start_mark
        # Where in the document, except for nesting: forty levels of a path say nothing.
        path = () if kind == "too_deep" else tuple(f.step for f in frames if f.step is not None)
        return Refusal(mark.line + 1, mark.column + 1, kind, template, ctx, path)

    for event in YAML(typ="safe", pure=pure).parse(text):
        kind = type(event)
        if kind is MappingEndEvent or kind is SequenceEndEvent:
            frame = frames.pop()
            if frame.anchor is not None:
                anchors[str(frame.anchor)] = expanded - frame.start
            if frames and frames[-1].mapping:
                frames[-1].expect_key = not frames[-1].expect_key
            continue
        if kind is not ScalarEvent and kind is not AliasEvent and (
                kind is not MappingStartEvent and kind is not SequenceStartEvent):
            continue  # stream and document events
        # A node starts in the open collection: an item is counted, a key remembered.
        is_key = False
        if frames:
            parent = frames[-1]
            if parent.mapping:
                is_key = parent.expect_key
            else:
                parent.step = 0 if parent.step is None else int(parent.step) + 1
        if kind is AliasEvent:
            expanded += anchors.get(str(event.anchor), 0)
            if expanded > limit:
                return at(event, "too_expanded", EXPANDED, limit=limit)
            if frames and frames[-1].mapping:
                frames[-1].expect_key = not frames[-1].expect_key
            continue
        if event.tag is not None:
            return at(event, "yaml_tag", TAG, tag=_short_tag(str(event.tag)))
        if kind is ScalarEvent:
            value = event.value
            if is_key:
                frames[-1].step = value
            if (long_runs and len(value) > MAX_NUMBER_CHARS and event.style in (None, "")
                    and event.implicit[0] and _NUMBER.fullmatch(value)):
                return at(event, "long_number", NUMBER, length=len(value),
                          limit=MAX_NUMBER_CHARS)
            if surrogates and (is_key or not strip_control_chars) and _SURROGATE.search(value):
                # Named like validation names it: the first character Word cannot hold.
                first = XML_INVALID.search(value)
                assert first is not None
                return at(event, "xml_invalid_char", SURROGATE,
                          codepoint=f"{ord(first.group()):04X}", position=first.start() + 1)
            expanded += len(value) + 1
            if event.anchor is not None:
                anchors[str(event.anchor)] = len(value) + 1
            if frames and frames[-1].mapping:
                frames[-1].expect_key = not frames[-1].expect_key
        else:
            frames.append(_Frame(kind is MappingStartEvent, event.anchor, expanded))
            if len(frames) > max_depth:
                return at(event, "too_deep", TOO_DEEP, limit=max_depth)
            expanded += 1
        if expanded > limit:
            return at(event, "too_expanded", EXPANDED, limit=limit)
    return None
