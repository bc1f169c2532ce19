"""Rich text in YAML fields: a small Markdown subset, parsed once, laid out as Word markup.

The subset (README, "The YAML format"): paragraphs (a blank line), bulleted (`-`, `*`) and
numbered (`1.`) lists two levels deep, `**bold**`, `*italic*`, links (`[text](https://…)`,
`<https://…>` and bare `https://…` URLs), footnotes (`[^1]` with `[^1]: text` in the same
field), and a hard line break (a line ending in `\\`). Everything else prints as typed:
headings, raw HTML, tables, code, block quotes, entities; images as `![alt](src)`, links
to anything but http(s) and mailto as `[text](target)`. Backslash escapes a mark (`\\*`).

markdown-it-py (CommonMark) parses; nothing here reads Markdown with regular expressions.
A field becomes a `RichDoc` (blocks of spans) once per process (`parse` is cached), and a
`RichText` in the render context. A field that is one plain paragraph prints as text
through the template, as before; any other leaves a placeholder element that
`ooxml.resolve` replaces, after docxtpl, with real paragraphs in the template paragraph's
style (so inside table cells too), numbered list items, hyperlinks and footnotes.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import escape
from mdit_py_plugins.footnote import footnote_plugin

LINK_SCHEMES = ("http://", "https://", "mailto:")
MAX_LEVEL = 1  # two list levels: deeper items are set at the second
PLACEHOLDER_NS = "urn:propgen:richtext"
PLACEHOLDER = f"{{{PLACEHOLDER_NS}}}field"


@dataclass(frozen=True)
class Span:
    """A piece of a paragraph: text with its emphasis, a line break, or a footnote mark."""

    text: str = ""
    bold: bool = False
    italic: bool = False
    link: str | None = None
    note: int | None = None  # a footnote reference: the index in RichDoc.notes
    brk: bool = False


@dataclass(frozen=True)
class Block:
    """One paragraph; in a list, `kind` is "bullet" or "decimal" and `item` is False for
    a list item's second and later paragraphs (indented, without a mark)."""

    spans: tuple[Span, ...]
    kind: str | None = None
    level: int = 0
    list_index: int = -1
    start: int = 1
    item: bool = False


@dataclass(frozen=True)
class RichDoc:
    blocks: tuple[Block, ...]
    notes: tuple[tuple[Block, ...], ...] = ()
    unused_notes: tuple[str, ...] = ()  # footnote labels defined but never referenced

    @property
    def plain(self) -> str | None:
        """The text, when it is one paragraph of unformatted text without tabs."""
        if len(self.blocks) != 1 or self.blocks[0].kind is not None:
            return None
        spans = self.blocks[0].spans
        if not spans:
            return ""
        if len(spans) == 1 and _is_plain(spans[0]) and "\t" not in spans[0].text:
            return spans[0].text
        return None

    @property
    def paragraphs(self) -> int:
        return sum(1 for b in self.blocks if b.kind is None)

    @property
    def items(self) -> int:
        return sum(1 for b in self.blocks if b.item)

    @property
    def references(self) -> int:
        return sum(1 for b in self.blocks for s in b.spans if s.note is not None)

    def text(self) -> str:
        """Plain text: paragraphs and items joined by blank lines, marks and notes left out."""
        return "\n\n".join("".join("\n" if s.brk else s.text for s in b.spans)
                           for b in self.blocks)


def _is_plain(span: Span) -> bool:
    return not (span.bold or span.italic or span.link or span.brk or span.note is not None)


# --- parsing -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    """The parser: CommonMark's "zero" preset (nothing) plus exactly the subset."""
    md = MarkdownIt("zero", {"linkify": True})
    md.use(footnote_plugin, inline=False)
    md.enable(["list", "emphasis", "link", "linkify", "newline", "escape", "image", "autolink"])
    # Bare URLs only with their scheme: "Node.js" or "U.S.C." must not become links.
    assert md.linkify is not None  # {"linkify": True} above, with linkify-it-py installed
    md.linkify.set({"fuzzy_link": False, "fuzzy_email": False, "fuzzy_ip": False})
    return md


def could_have_structure(source: str) -> bool:
    """False when `source` is surely one paragraph without list items or footnotes: no
    newline, no footnote mark, no list marker first. Lets checks skip most fields unparsed."""
    if "\n" in source or "[^" in source:
        return True
    first = source.lstrip()[:1]
    return bool(first) and (first in "-*+" or first.isdigit())


def has_list(source: str) -> bool:
    """Whether `source`, read as Markdown, holds a list item."""
    return could_have_structure(source) and any(
        block.kind is not None for block in parse(source).blocks)


@lru_cache(maxsize=16384)
def parse(source: str) -> RichDoc:
    """A field's text as blocks; cached, so each distinct text is parsed once per process
    whatever the number of documents and languages it appears in."""
    env: dict[str, Any] = {}
    tokens = markdown().parse(source, env)
    builder = _Builder()
    builder.walk(tokens)
    refs = env.get("footnotes", {}).get("refs", {})
    unused = tuple(label[1:] for label, number in refs.items() if number == -1)
    notes = tuple(tuple(builder.notes.get(i, ())) for i in range(builder.note_count))
    return RichDoc(tuple(builder.blocks), notes, unused)


class _Builder:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.notes: dict[int, list[Block]] = {}
        self.note_ids: dict[int, int] = {}  # markdown-it footnote id -> first note index
        self.note_count = 0
        self._lists: list[tuple[str, int, int]] = []  # (kind, list index, start)
        self._list_count = 0
        self._item_pending = False
        self._note: list[Block] | None = None
        self._refs: list[int] = []

    def walk(self, tokens: list[Token]) -> None:
        for token in tokens:
            kind = token.type
            if kind in ("bullet_list_open", "ordered_list_open"):
                if self._item_pending:  # "- - x": an item whose first content is a list
                    self._emit(())
                start = int(token.attrs.get("start", 1) or 1)
                self._lists.append(("bullet" if kind == "bullet_list_open" else "decimal",
                                    self._list_count, start))
                self._list_count += 1
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self._lists.pop()
            elif kind == "list_item_open":
                self._item_pending = True
            elif kind == "list_item_close":
                if self._item_pending:  # an empty item ("-" alone) is still an item
                    self._emit(())
            elif kind == "footnote_open":
                self._note = []
                self.notes[int(token.meta["id"])] = self._note
            elif kind == "footnote_close":
                self._note = None
            elif kind == "inline":
                self._emit(self._spans(token.children or []))
        # Every reference is a footnote of its own (Word has no shared footnotes): notes
        # are numbered in the order of their references.
        by_id = self.notes
        self.notes = {index: by_id.get(ident, []) for index, ident in enumerate(self._refs)}
        self.note_count = len(self._refs)

    def _emit(self, spans: tuple[Span, ...]) -> None:
        if self._note is not None:
            self._note.append(Block(spans))
            return
        if not self._lists:
            self.blocks.append(Block(spans))
            return
        kind, index, start = self._lists[-1]
        level = min(len(self._lists) - 1, MAX_LEVEL)
        self.blocks.append(Block(spans, kind, level, index, start, item=self._item_pending))
        self._item_pending = False

    def _spans(self, children: list[Token]) -> tuple[Span, ...]:
        out: list[Span] = []
        bold = italic = 0
        link: str | None = None
        closers: list[str | None] = []  # what a literal link prints at its end (None: a link)

        def add(text: str, **extra: Any) -> None:
            if not text and not extra:
                return
            span = Span(text, bold > 0, italic > 0, link, **extra)
            if (out and text and not extra and out[-1].note is None and not out[-1].brk
                    and (out[-1].bold, out[-1].italic, out[-1].link) == (
                        span.bold, span.italic, span.link)):
                out[-1] = Span(out[-1].text + text, span.bold, span.italic, span.link)
            else:
                out.append(span)

        for token in children:
            kind = token.type
            if kind == "text":
                add(token.content)
            elif kind == "softbreak":
                add(" ")
            elif kind == "hardbreak":
                out.append(Span(brk=True, bold=bold > 0, italic=italic > 0, link=link))
            elif kind == "strong_open":
                bold += 1
            elif kind == "strong_close":
                bold -= 1
            elif kind == "em_open":
                italic += 1
            elif kind == "em_close":
                italic -= 1
            elif kind == "link_open":
                href = str(token.attrs.get("href", ""))
                if href.startswith(LINK_SCHEMES) and link is None:
                    link = href
                    closers.append(None)
                elif token.markup == "autolink":
                    add("<")
                    closers.append(">")
                elif token.markup == "linkify":
                    closers.append("")
                else:
                    add("[")
                    closers.append(f"]({href})")
            elif kind == "link_close":
                closer = closers.pop() if closers else ""
                if closer is None:
                    link = None
                else:
                    add(closer)
            elif kind == "image":
                add(f"![{token.content}]({token.attrs.get('src', '')})")
            elif kind == "footnote_ref":
                self._refs.append(int(token.meta["id"]))
                out.append(Span(note=len(self._refs) - 1))
            else:  # nothing else is enabled; whatever it is, print its text
                add(token.content)
        return tuple(out)


# --- the render context ------------------------------------------------------------------


@dataclass
class _Collector:
    fields: list[RichText] = field(default_factory=list)


_active: list[_Collector] = []


@contextlib.contextmanager
def collecting() -> Iterator[_Collector]:
    """Record the rich fields a template renders, for `resolve` to lay out."""
    collector = _Collector()
    _active.append(collector)
    try:
        yield collector
    finally:
        _active.pop()


class RichText:
    """A field's text as the template sees it: Jinja prints `__html__`, which is the
    escaped text of a plain paragraph, or a placeholder for `resolve` to replace."""

    __slots__ = ("doc", "prefix", "source", "suffix")

    def __init__(self, source: str, *, prefix: str = "", suffix: str = "") -> None:
        self.source = source
        self.doc = parse(source)
        self.prefix = prefix  # plain text before the first paragraph's text
        self.suffix = suffix  # plain text after the last paragraph's text

    def with_suffix(self, suffix: str) -> RichText:
        """The same text with `suffix` after its last paragraph (Korean "  끝.")."""
        return RichText(self.source, prefix=self.prefix, suffix=self.suffix + suffix)

    def __html__(self) -> str:
        plain = self.doc.plain
        if plain is not None:
            return str(escape(self.prefix + plain + self.suffix))
        if not _active:
            return str(escape(str(self)))
        fields = _active[-1].fields
        fields.append(self)
        return f'<pg:field xmlns:pg="{PLACEHOLDER_NS}" n="{len(fields) - 1}"/>'

    def __str__(self) -> str:
        return self.prefix + self.doc.text() + self.suffix

    def __bool__(self) -> bool:
        return bool(self.doc.blocks) or bool(self.prefix or self.suffix)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RichText):
            return (self.source, self.prefix, self.suffix) == (
                other.source, other.prefix, other.suffix)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.source, self.prefix, self.suffix))

    def __repr__(self) -> str:
        return f"RichText({self.source!r})"


# --- back to Markdown ----------------------------------------------------------------------
# `propgen pull` reads a field's paragraphs, list items, emphasis, links and footnotes out
# of an edited Word document as a RichDoc (generator/readback.py) and writes it into the
# YAML as this subset again. `serialise` is the inverse of `parse` up to `canonical`:
# canonical(parse(serialise(doc))) == canonical(doc) for the documents the subset can say,
# and pull checks exactly that before it writes anything.


def canonical(doc: RichDoc) -> RichDoc:
    """`doc` as it renders: adjacent spans of one format merged, empty ones dropped, lists
    numbered by first appearance; two documents that render alike compare equal."""
    numbers: dict[int, int] = {}

    def spans(items: tuple[Span, ...]) -> tuple[Span, ...]:
        out: list[Span] = []
        items = _trimmed(items)
        for span in items:
            if span.note is None and not span.brk and not span.text:
                continue
            last = out[-1] if out else None
            if (last is not None and span.note is None and not span.brk
                    and last.note is None and not last.brk
                    and (last.bold, last.italic, last.link) == (
                        span.bold, span.italic, span.link)):
                out[-1] = Span(last.text + span.text, span.bold, span.italic, span.link)
            else:
                out.append(span)
        return tuple(out)

    blocks = []
    for block in doc.blocks:
        if block.kind is None and not _trimmed(block.spans):
            continue  # an empty paragraph: spacing, which Markdown has no words for
        index = -1
        if block.kind is not None:
            index = numbers.setdefault(block.list_index, len(numbers))
        blocks.append(Block(spans(block.spans), block.kind, block.level if block.kind else 0,
                            index, block.start if block.kind == "decimal" else 1,
                            block.item and block.kind is not None))
    notes = tuple(tuple(Block(spans(b.spans)) for b in note) for note in doc.notes)
    return RichDoc(tuple(blocks), notes)


def _trimmed(spans: tuple[Span, ...]) -> tuple[Span, ...]:
    """Spaces at a paragraph's start or end are not shown (Markdown drops them)."""
    items = list(spans)
    for index in (0, -1):
        while items and items[index].note is None and not items[index].brk:
            span = items[index]
            text = span.text.lstrip(" \t") if index == 0 else span.text.rstrip(" \t")
            if text:
                items[index] = Span(text, span.bold, span.italic, span.link)
                break
            items.pop(index)
    return tuple(items)


def reference_labels(source: str) -> list[str]:
    """The label of each footnote reference in `source`, in the order `parse` numbers
    its notes (`[^eo]` -> "eo")."""
    labels: list[str] = []
    for token in markdown().parse(source, {}):
        for child in token.children or ():
            if child.type == "footnote_ref":
                labels.append(str(child.meta["label"]))
    return labels


_ESCAPED = frozenset("\\*_[]<`")


# A scheme typed as text would become a link (linkify): its colon escaped, it stays text.
_SCHEME = re.compile(r"(?i)(?<!\w)(https?|ftp|mailto):")


def _escape(text: str) -> str:
    escaped = "".join("\\" + c if c in _ESCAPED else c for c in text)
    return _SCHEME.sub(r"\1\\:", escaped) if ":" in escaped else escaped


def _inline(spans: tuple[Span, ...], labels: list[str]) -> str:
    """One paragraph's spans as Markdown on one line (hard breaks as backslash-newline)."""
    out: list[str] = []
    opened: list[str] = []  # "**" and "*", innermost last

    def set_format(bold: bool, italic: bool) -> None:
        want = [m for m, on in (("**", bold), ("*", italic)) if on]
        keep = 0
        while keep < min(len(opened), len(want)) and opened[keep] == want[keep]:
            keep += 1
        if len(opened) > keep:
            # Closing marks go before trailing spaces: "**a** b", not "**a **b".
            text = "".join(out)
            body = text.rstrip(" ")
            out[:] = [body]
            while len(opened) > keep:
                out.append(opened.pop())
            out.append(text[len(body):])
        for mark in want[keep:]:
            opened.append(mark)
            out.append(mark)

    index = 0
    while index < len(spans):
        span = spans[index]
        if span.note is not None:
            set_format(False, False)
            out.append(f"[^{labels[span.note]}]")
            index += 1
        elif span.link is not None:
            group = []
            while (index < len(spans) and spans[index].link == span.link
                   and spans[index].note is None):
                group.append(spans[index])
                index += 1
            set_format(False, False)
            target = span.link
            if (len(group) == 1 and not (group[0].bold or group[0].italic or group[0].brk)
                    and group[0].text == target and target.startswith(("http://", "https://"))):
                out.append(target)  # a bare URL: linkify makes it the same link
                continue
            inner = _inline(tuple(Span(s.text, s.bold, s.italic, brk=s.brk) for s in group),
                            labels)
            target = target.replace("(", "%28").replace(")", "%29")
            if any(c in target for c in " <>"):
                target = "<" + target.replace("<", "%3C").replace(">", "%3E") + ">"
            out.append(f"[{inner}]({target})")
        elif span.brk:
            set_format(False, False)
            out.append("\\\n")
            index += 1
        else:
            text = span.text
            body = text.strip(" ")
            if (span.bold or span.italic) and body:
                lead, tail = text[: len(text) - len(text.lstrip(" "))], text[len(text.rstrip(" ")):]
                if lead:
                    set_format(False, False)
                    out.append(lead)
                set_format(span.bold, span.italic)
                out.append(_escape(body))
                if tail:
                    set_format(False, False)
                    out.append(tail)
            else:
                set_format(False, False)
                out.append(_escape(text))
            index += 1
    set_format(False, False)
    return "".join(out)


_OPENS_BLOCK = re.compile(r"( *)([-+](?= |$)|\d{1,9}(?=[.)](?: |$)))")
_OPENS_WORD = re.compile(r"(?:[-+]|\d{1,9}[.)])$|\[\^")


def _block_start(line: str) -> str:
    """Escape what would open a list at a line's start ("- x", "1. x")."""
    found = _OPENS_BLOCK.match(line)
    if found is None:
        return line
    spaces, mark = found.group(1), found.group(2)
    if mark in "-+":
        return spaces + "\\" + line[len(spaces):]
    return line[: found.end()] + "\\" + line[found.end():]


def _wrap(text: str, first: str, rest: str, width: int) -> list[str]:
    """`text` after `first` (then `rest`) in lines of about `width`, broken only at single
    spaces before a word that opens no block (a list mark, a footnote definition)."""
    lines: list[str] = []
    for hard in text.split("\n"):
        prefix = rest if lines else first
        hard = _block_start(hard)
        words = re.split(r"(?<! ) (?! )", hard)
        current = words[0]
        for word in words[1:]:
            if (width and current and _columns(prefix + current + " " + word) > width
                    and not _OPENS_WORD.match(word)):
                lines.append(prefix + current)
                prefix = rest
                current = word
            else:
                current += " " + word
        lines.append(prefix + current)
    return lines


def _columns(text: str) -> int:
    """Columns a line takes in an editor: Hangul and other wide characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def serialise(doc: RichDoc, labels: list[str] | None = None, width: int = 0) -> str:
    """`doc` in the Markdown subset; footnotes under `labels` (one per reference; numbers
    where none is given) defined after the text; lines wrapped at `width` (0: not)."""
    names = _note_labels(doc, labels or [])
    chunks: list[list[str]] = []  # groups of lines, a blank line between groups
    previous: Block | None = None
    marks: dict[int, str] = {}  # the mark last used at each level
    counts: dict[int, int] = {}  # items so far in each list
    last_items: dict[int, Block] = {}  # the last item at each level, in the lists open
    for block in doc.blocks:
        text = _inline(block.spans, names)
        if block.kind is None:
            chunks.append(_wrap(text, "", "", width))
            previous = block
            last_items.clear()  # a paragraph ends every list
            continue
        indent = " " * len(marks.get(0, "- ")) if block.level else ""
        if block.item:
            mark = _marker(block, last_items.get(block.level), marks, counts)
            last_items[block.level] = block
            for deeper in [level for level in last_items if level > block.level]:
                del last_items[deeper]  # a nested list under a new item starts afresh
            lines = _wrap(text, indent + mark, indent + " " * len(mark), width)
        else:
            inside = indent + " " * len(marks.get(block.level, "- "))
            lines = _wrap(text, inside, inside, width)
        same_list = (previous is not None and previous.kind is not None and block.item
                     and (previous.list_index == block.list_index
                          or previous.level != block.level))
        if same_list and chunks:
            chunks[-1].extend(lines)
        else:
            chunks.append(lines)
        previous = block
    seen: dict[str, tuple[Block, ...]] = {}
    for number, label in enumerate(names):
        seen.setdefault(label, doc.notes[number] if number < len(doc.notes) else ())
    for label, note in seen.items():
        for number, block in enumerate(note or (Block(()),)):
            text = _inline(block.spans, names)
            first = f"[^{label}]: " if number == 0 else "    "
            chunks.append(_wrap(text, first, "    ", width))
    return "\n\n".join("\n".join(line if line.endswith("\\") else line.rstrip(" ")
                                  for line in lines) for lines in chunks)


def _note_labels(doc: RichDoc, labels: list[str]) -> list[str]:
    """A label for each footnote reference: the one given, or the next free number; two
    references share a label (one definition) only when their notes agree."""
    refs = len(doc.notes)
    names = list(labels[:refs])
    used = set(names)
    fresh = (str(n) for n in range(1, 2 * refs + 2 + len(used)) if str(n) not in used)
    names += [next(fresh) for _ in range(refs - len(names))]
    seen: dict[str, tuple[Block, ...]] = {}
    for number, label in enumerate(names):
        if label in seen and seen[label] != doc.notes[number]:
            names[number] = label = next(fresh)
        seen.setdefault(label, doc.notes[number])
    return names


def _marker(block: Block, previous: Block | None, marks: dict[int, str],
            counts: dict[int, int]) -> str:
    """A list item's mark (with its space). A list right after another of its kind at its
    level takes the other mark (`-`/`*`, `.`/`)`), or Markdown would join the two; its
    later items keep the mark its first took."""
    number = counts.get(block.list_index, 0)
    counts[block.list_index] = number + 1
    last = marks.get(block.level, "")
    if number:
        symbol = "*" if last.startswith("*") else ")" if last.rstrip().endswith(")") else ""
    else:
        other = (previous is not None and previous.kind == block.kind
                 and previous.level == block.level and previous.list_index != block.list_index)
        symbol = ("*" if last.startswith("-") else ")" if last.rstrip().endswith(".")
                  else "") if other else ""
    if block.kind == "bullet":
        mark = "* " if symbol == "*" else "- "
    else:
        mark = f"{block.start + number}{')' if symbol == ')' else '.'} "
    marks[block.level] = mark
    return mark
