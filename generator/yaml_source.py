"""Reading YAML: the file's bytes -> data, with node positions kept and unsafe input refused.

The guards (size, nesting, tags, alias expansion, control characters) run here, before any
model sees the data; `locate` maps a field path onto the positions ruamel.yaml keeps, so
no other module formats positions.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.resolver import VersionedResolver

from . import yaml_hints
from .errors import InputError, Problem
from .i18n import N_, message
from .models import XML_INVALID
from .yamlguard import scan

DEFAULT_MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 40
MAX_NODES = 200_000

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Limits:
    """How much input a file may hold before it is refused unread."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = MAX_DEPTH
    max_nodes: int = MAX_NODES
    # Remove characters a Word document cannot hold (with a warning each) instead of
    # refusing the file: `--strip-control-chars`.
    strip_control_chars: bool = False


@dataclass
class Loaded:
    """A parsed YAML document and the file it came from.

    `data` comes from the fast (C) safe loader when it is available; `tree`, the same
    document with line and column numbers, is parsed only when a message needs a position.
    """

    path: Path
    data: Any
    display: str = field(default="")
    text: str = ""
    _tree: Any = field(default=None, repr=False)
    warnings: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.display = self.display or str(self.path)

    @property
    def tree(self) -> Any:
        if self._tree is None:
            try:
                self._tree = _position_tree(self.text) if self.text else self.data
            except (YAMLError, RecursionError):
                self._tree = self.data
        return self._tree


def _position_tree(text: str) -> Any:
    """The document's mappings and lists with the line and column of every key, value and
    item, as the round-trip loader would give them, but from the C parser's node graph:
    a 1,000-member file takes half a second instead of three."""
    from ruamel.yaml import YAML as _YAML
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    built: dict[int, Any] = {}

    def build(node: Any) -> Any:
        if id(node) in built:
            return built[id(node)]
        if isinstance(node, MappingNode):
            mapping = built[id(node)] = CommentedMap()
            mapping.lc.line, mapping.lc.col = node.start_mark.line, node.start_mark.column
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, ScalarNode) else str(key_node.value)
                mapping[key] = build(value_node)
                mapping.lc.add_kv_line_col(key, [
                    key_node.start_mark.line, key_node.start_mark.column,
                    value_node.start_mark.line, value_node.start_mark.column,
                ])
            return mapping
        if isinstance(node, SequenceNode):
            sequence = built[id(node)] = CommentedSeq()
            sequence.lc.line, sequence.lc.col = node.start_mark.line, node.start_mark.column
            for index, item in enumerate(node.value):
                sequence.append(build(item))
                sequence.lc.add_kv_line_col(index, [item.start_mark.line, item.start_mark.column])
            return sequence
        return None if str(node.tag).endswith(":null") else node.value

    return build(_YAML(typ="safe", pure=False).compose(text))


# --- reading YAML ---------------------------------------------------------------------


class _DuplicateKey(YAMLError):
    def __init__(self, key: Any, mark: Any) -> None:
        super().__init__(f"duplicate key {key!r}")
        self.key = key
        self.mark = mark


class _Constructor(RoundTripConstructor):
    """Round-trip constructor with errors a user can act on.

    An impossible date (2025-13-45) stays text: ruamel.yaml raises a bare ValueError for it,
    without a position; as text it reaches validation, which reports it in place. A duplicate
    key is reported with the key's name in a message we can translate.
    """

    def check_mapping_key(
        self, node: Any, key_node: Any, mapping: Any, key: Any, value: Any
    ) -> bool:
        if key in mapping:
            raise _DuplicateKey(key, key_node.start_mark)
        return True

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError:
            return str(node.value)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


def _yaml() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = _Constructor
    yaml.allow_duplicate_keys = False
    return yaml


def _line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of the character at `index` in `text`."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _short_tag(tag: str) -> str:
    """`tag:yaml.org,2002:python/object` as the user wrote it: `!!python/object`."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


class NotRegularFile(OSError):
    """An input that is a FIFO, device or socket, not a file."""


def read_regular(path: Path, limit: int) -> tuple[bytes, int]:
    """At most `limit` bytes of a regular file (links followed) and its size; raises
    `NotRegularFile` before reading anything else, without blocking on a FIFO."""
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(handle, "rb") as file:
        info = os.fstat(file.fileno())
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file", str(path))
        data = file.read(limit)
        return data, max(len(data), info.st_size)


def read_yaml(path: Path, lang: str = "en", limits: Limits | None = None) -> Loaded:
    """Parse one YAML file, keeping node positions; refuse what is unsafe or too big."""
    limits = limits or Limits()
    display = str(path)
    try:
        # Read one byte past the limit rather than trusting the size the file system gives;
        # and only a regular file: opening a FIFO waits for a writer, /dev/zero never ends.
        raw, size = read_regular(path, limits.max_bytes + 1)
        other = yaml_hints.other_format(raw, path, display)
        if other is not None:  # a Word, PDF or Excel file: say what it is, not "not UTF-8"
            raise _hinted(display, other, lang)
        if size > limits.max_bytes:
            raise _single(
                display,
                1,
                1,
                "file_too_large",
                N_(
                    "the file is {size} bytes, more than the limit of {limit} bytes; split it "
                    "or raise the limit with --max-bytes"
                ),
                {"size": size, "limit": limits.max_bytes},
                lang,
            )
    except FileNotFoundError:
        raise _single(display, 1, 1, "no_file", N_("no such file"), {}, lang) from None
    except IsADirectoryError:
        raise _single(display, 1, 1, "no_file", N_("is a folder, not a file"), {}, lang) from None
    except NotRegularFile:
        raise _single(display, 1, 1, "not_regular", N_(
            "is not a regular file (a FIFO, device or socket); give propgen a YAML file"),
            {}, lang) from None
    except OSError as error:  # a link loop, no permission
        raise _single(display, 1, 1, "unreadable", N_("cannot be read: {reason}"),
                      {"reason": error.strerror or str(error)}, lang) from None
    return parse_yaml(raw, display, path, lang, limits)


def parse_yaml(
    raw: bytes, display: str, path: Path, lang: str = "en", limits: Limits | None = None
) -> Loaded:
    limits = limits or Limits()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _single(
            display,
            line,
            col,
            "encoding",
            N_("the file is not UTF-8 text; save it as UTF-8 in your editor"),
            {},
            lang,
        ) from None
    refusal = scan(text, max_depth=limits.max_depth, max_bytes=limits.max_bytes,
                   strip_control_chars=limits.strip_control_chars)
    if refusal is not None:
        raise InputError([Problem(
            display, refusal.line, refusal.column, format_path(refusal.path),
            message(refusal.kind, refusal.template, refusal.ctx, lang),
            template=refusal.template, ctx=refusal.ctx)])
    removed: list[Problem] = []
    if limits.strip_control_chars:
        text, removed = _strip_from_text(text, display, lang)
    fullwidth = yaml_hints.fullwidth_indent(text)
    if fullwidth:
        raise _hinted(display, fullwidth, lang)
    removed += _comment_warnings(text, display, lang)
    fast = _fast_load(text)
    if fast is not None:
        loaded = Loaded(path=path, data=fast, display=display, text=text, warnings=removed)
        _guard(loaded, lang, limits)
        if limits.strip_control_chars:
            _strip_from_values(loaded, lang)
        return loaded
    try:
        data = _yaml().load(text)
    except ReaderError as exc:
        # A character YAML refuses outright (a raw control character): point at it.
        position = exc.position if isinstance(exc.position, int) else 0
        line, col = _line_col(text, position)
        raise _single(
            display,
            line,
            col,
            "control_char",
            N_(
                "the file contains the character U+{codepoint}, which a YAML file or a Word "
                "document cannot hold; delete it"
            ),
            {"codepoint": f"{ord(text[position]) if position < len(text) else 0:04X}"},
            lang,
        ) from None
    except _DuplicateKey as exc:
        in_item = yaml_hints.duplicate_in_item(
            text, exc.mark.line + 1, exc.mark.column + 1, str(exc.key))
        if in_item:
            raise _hinted(display, in_item, lang) from None
        raise _single(
            display,
            exc.mark.line + 1,
            exc.mark.column + 1,
            "duplicate_key",
            N_("'{key}' is written twice in the same mapping; keep only one"),
            {"key": exc.key},
            lang,
        ) from None
    except MarkedYAMLError as exc:
        raise _hinted(display, yaml_hints.explain(exc, text), lang) from None
    except YAMLError as exc:
        raise _single(
            display,
            1,
            1,
            "yaml_syntax",
            N_("YAML syntax error: {problem}"),
            {"problem": str(exc)},
            lang,
        ) from None
    except RecursionError:
        raise _single(
            display,
            1,
            1,
            "too_deep",
            _TOO_DEEP,
            {"limit": limits.max_depth},
            lang,
        ) from None
    if data is None:
        raise _single(
            display,
            1,
            1,
            "empty",
            N_("the file is empty; start from 'propgen init proposal FILE' or a sample"),
            {},
            lang,
        )
    loaded = Loaded(path=path, data=data, display=display, text=text, _tree=data,
                    warnings=removed)
    _guard(loaded, lang, limits)
    if limits.strip_control_chars:
        _strip_from_values(loaded, lang)
    return loaded


_TOO_DEEP = N_("the YAML is nested too deeply (more than {limit} levels)")
_REMOVED = N_("removed the control character U+{codepoint}, which a Word document cannot hold")


def _strip_from_text(text: str, display: str, lang: str) -> tuple[str, list[Problem]]:
    """Characters typed into the file itself, located by their offset."""
    warnings = []
    for match in XML_INVALID.finditer(text):
        line, col = _line_col(text, match.start())
        ctx = {"codepoint": f"{ord(match.group()):04X}"}
        warnings.append(Problem(display, line, col, "", message("removed", _REMOVED, ctx, lang),
                                "warning", "CONTROL-CHAR", template=_REMOVED, ctx=ctx))
    return XML_INVALID.sub("", text), warnings


def _strip_from_values(loaded: Loaded, lang: str) -> None:
    """Characters written as YAML escapes ("\\a", "\\ud800"), located by their field."""

    def clean(container: Any, key: Any, loc: Loc) -> None:
        value = container[key]
        if isinstance(value, str):
            found = XML_INVALID.findall(value)
            if found:
                container[key] = XML_INVALID.sub("", value)
                line, col = locate(loaded.tree, loc)
                for char in found:
                    ctx = {"codepoint": f"{ord(char):04X}"}
                    loaded.warnings.append(Problem(
                        loaded.display, line, col, format_path(loc),
                        message("removed", _REMOVED, ctx, lang), "warning", "CONTROL-CHAR",
                        template=_REMOVED, ctx=ctx))
        elif isinstance(value, dict):
            for inner in list(value):
                clean(value, inner, (*loc, inner))
        elif isinstance(value, list):
            for index in range(len(value)):
                clean(value, index, (*loc, index))

    holder = {"root": loaded.data}
    clean(holder, "root", ())
    loaded.data = holder["root"]


class _OnceResolver(VersionedResolver):
    """ruamel.yaml's resolver, working out the YAML version once per load instead of for
    every scalar (through two caught exceptions under the C parser): a quarter of the
    load's time. The version a load reads cannot change within it."""

    _version: Any = None

    @property
    def processing_version(self) -> Any:
        if self._version is None:
            self._version = VersionedResolver.processing_version.fget(self)  # type: ignore[attr-defined]
        return self._version


def _fast_load(text: str) -> Any:
    """The document through ruamel.yaml's C-accelerated safe loader (YAML 1.2, so `NO` stays
    Norway's code), or None on any problem: the round-trip parser then reports it in place."""
    from ruamel.yaml import YAML as _YAML

    yaml = _YAML(typ="safe", pure=False)
    yaml.Resolver = _OnceResolver
    yaml.allow_duplicate_keys = False
    try:
        data = yaml.load(text)
    except (YAMLError, ValueError, TypeError, RecursionError):
        return None
    return data


def _guard(loaded: Loaded, lang: str, limits: Limits) -> None:
    """Refuse custom tags, deep nesting, and alias expansions that would explode."""
    sizes: dict[int, int] = {}
    data, display = loaded.data, loaded.display

    def visit(node: Any, depth: int, loc: Loc) -> int:
        if depth > limits.max_depth:
            line, col = locate(loaded.tree, loc)
            raise _single(
                display,
                line,
                col,
                "too_deep",
                _TOO_DEEP,
                {"limit": limits.max_depth},
                lang,
            )
        tag = getattr(getattr(node, "tag", None), "value", None)
        if (tag and isinstance(node, CommentedMap | CommentedSeq)) or _is_tagged_scalar(node):
            line, col = locate(loaded.tree, loc)
            raise _single(
                display,
                line,
                col,
                "yaml_tag",
                N_("YAML tags such as '{tag}' are not allowed; write plain values"),
                {"tag": _short_tag(str(tag or getattr(getattr(node, "tag", None), "value", "!")))},
                lang,
            )
        if id(node) in sizes:
            return sizes[id(node)]
        total = 1
        if isinstance(node, dict):
            for key, value in node.items():
                total += visit(value, depth + 1, (*loc, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                total += visit(value, depth + 1, (*loc, index))
        if isinstance(node, dict | list):
            sizes[id(node)] = total
        if total > limits.max_nodes:
            raise _single(
                display,
                1,
                1,
                "too_many_nodes",
                N_(
                    "the file expands to more than {limit} values (are YAML aliases repeating "
                    "each other?); refused"
                ),
                {"limit": limits.max_nodes},
                lang,
            )
        return total

    visit(data, 0, ())


def _is_tagged_scalar(node: Any) -> bool:
    from ruamel.yaml.comments import TaggedScalar

    return isinstance(node, TaggedScalar)


def _hinted(display: str, hint: yaml_hints.Hint, lang: str) -> InputError:
    """A syntax mistake in plain words (yaml_hints), at the character it is about."""
    return _single(display, hint.line, hint.col, hint.kind, hint.template, hint.ctx, lang)


def _comment_warnings(text: str, display: str, lang: str) -> list[Problem]:
    return [
        Problem(display, h.line, h.col, "", message(h.kind, h.template, h.ctx, lang),
                "warning", "YAML-COMMENT", template=h.template, ctx=h.ctx)
        for h in yaml_hints.comment_cuts_text(text)
    ]


def _single(
    display: str, line: int, col: int, kind: str, template: str, ctx: dict[str, Any], lang: str
) -> InputError:
    return InputError([Problem(display, line, col, "", message(kind, template, ctx, lang),
                               template=template, ctx=ctx)])


# --- positions ------------------------------------------------------------------------


def locate(data: Any, loc: Sequence[str | int]) -> tuple[int, int]:
    """1-based line and column of the node at `loc`, or of its nearest existing parent."""
    line, col = _start(data)
    node = data
    for step in loc:
        if isinstance(node, CommentedMap) and step in node:
            key_line, key_col = node.lc.key(step)
            value = node[step]
            if step == loc[-1] or not isinstance(value, CommentedMap | CommentedSeq):
                value_line, value_col = node.lc.value(step)
                line, col = (
                    (value_line + 1, value_col + 1)
                    if value is not None and not isinstance(value, CommentedMap | CommentedSeq)
                    else (key_line + 1, key_col + 1)
                )
            else:
                line, col = key_line + 1, key_col + 1
            node = value
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
            item_line, item_col = node.lc.item(step)
            line, col = item_line + 1, item_col + 1
            node = node[step]
        else:
            break
    return line, col


def key_position(data: Any, loc: Sequence[str | int]) -> tuple[int, int]:
    """Where the key at the end of `loc` is written (for unknown-key errors)."""
    parent = data
    for step in loc[:-1]:
        try:
            parent = parent[step]
        except (KeyError, IndexError, TypeError):
            return locate(data, loc)
    if isinstance(parent, CommentedMap) and loc and loc[-1] in parent:
        line, col = parent.lc.key(loc[-1])
        return line + 1, col + 1
    return locate(data, loc)


def _start(data: Any) -> tuple[int, int]:
    lc = getattr(data, "lc", None)
    if lc is not None and lc.line is not None:
        return lc.line + 1, lc.col + 1
    return 1, 1


def format_path(loc: Iterable[str | int]) -> str:
    out = ""
    for step in loc:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out
