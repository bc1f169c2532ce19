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
