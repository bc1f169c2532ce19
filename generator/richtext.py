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
through the template, as before; any other leaves a placeholder element that `resolve`
replaces, after docxtpl, with real paragraphs in the template paragraph's style (so
inside table cells too), numbered list items, hyperlinks and footnotes (`ooxml`).
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from docx.oxml.ns import qn
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import escape
from mdit_py_plugins.footnote import footnote_plugin

from .i18n import language

if TYPE_CHECKING:  # the layout half needs python-docx's parts; `check` only parses
    from docx.document import Document as DocumentObject

    from . import ooxml

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

    __slots__ = ("doc", "source", "suffix")

    def __init__(self, source: str, suffix: str = "") -> None:
        self.source = source
        self.doc = parse(source)
        self.suffix = suffix

    def with_suffix(self, suffix: str) -> RichText:
        """The same text with `suffix` after its last paragraph (Korean "  끝.")."""
        return RichText(self.source, self.suffix + suffix)

    def __html__(self) -> str:
        plain = self.doc.plain
        if plain is not None:
            return str(escape(plain + self.suffix))
        if not _active:
            return str(escape(str(self)))
        fields = _active[-1].fields
        fields.append(self)
        return f'<pg:field xmlns:pg="{PLACEHOLDER_NS}" n="{len(fields) - 1}"/>'

    def __str__(self) -> str:
        return self.doc.text() + self.suffix

    def __bool__(self) -> bool:
        return bool(self.doc.blocks) or bool(self.suffix)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RichText):
            return (self.source, self.suffix) == (other.source, other.suffix)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.source, self.suffix))

    def __repr__(self) -> str:
        return f"RichText({self.source!r})"


# --- laying out --------------------------------------------------------------------------

W_P, W_R, W_T, W_PPR, W_RPR = (qn(f"w:{n}") for n in ("p", "r", "t", "pPr", "rPr"))


def resolve(document: DocumentObject, fields: list[RichText], lang: str) -> None:
    """Replace each placeholder with the field's paragraphs, list items, links and notes."""
    from . import ooxml

    if not fields:
        return  # every field was one plain paragraph, printed by the template
    found = list(document.element.body.iter(PLACEHOLDER))
    if not found:
        return
    writer = ooxml.Writer(document, lang)
    lists: dict[tuple[int, int], int] = {}
    for number, placeholder in enumerate(found):
        field_ = fields[int(placeholder.get("n"))]
        _replace(placeholder, field_, writer, lang, lists, number)


def _replace(placeholder: Any, rich: RichText, writer: ooxml.Writer, lang: str,
             lists: dict[tuple[int, int], int], number: int) -> None:
    """The template paragraph keeps what precedes the placeholder and takes the first
    block; each further block is a new paragraph in the template paragraph's style; the
    suffix, the text after the placeholder and the runs after it end the last block."""
    from . import ooxml

    t = placeholder.getparent()
    run = t.getparent()
    container = run.getparent()
    paragraph = container if container.tag == W_P else next(run.iterancestors(W_P))
    base_rpr = run.find(W_RPR)
    base_ppr = paragraph.find(W_PPR)
    after = placeholder.tail or ""
    t.remove(placeholder)
    following = list(run.itersiblings())
    anchor: Any = run
    if not (t.text or len(t)) and len(run) == (2 if base_rpr is not None else 1):
        container.remove(run)  # nothing typed before the field in this run
        anchor = None
    blocks = rich.doc.blocks or (Block(()),)
    korean = language(lang).upright_italics
    target, current = container, paragraph
    for index, block in enumerate(blocks):
        if index:
            new = ooxml.paragraph(None)
            current.addnext(new)
            target = current = new
        props = _block_ppr(block, base_ppr, writer, lists, number)
        old = current.find(W_PPR)
        if old is not None:
            current.remove(old)
        if props is not None:
            current.insert(0, props)
        for element in _runs(block.spans, rich.doc, base_rpr, writer, korean):
            if index == 0 and anchor is not None:
                anchor.addnext(element)
                anchor = element
            else:
                target.append(element)
    extra = rich.suffix + after
    if extra:
        target.append(ooxml.text_run(extra, base_rpr if base_rpr is not None else ooxml.rpr(None)))
    for element in following:
        target.append(element)


def _block_ppr(block: Block, base: Any, writer: ooxml.Writer,
               lists: dict[tuple[int, int], int], number: int) -> Any:
    from . import ooxml

    if block.kind is None:
        return copy.deepcopy(base) if base is not None else None
    if not block.item:
        return ooxml.paragraph_props(base, indent_level=block.level)
    key = (number, block.list_index)
    num_id = lists.get(key)
    if num_id is None:
        num_id = lists[key] = writer.new_list(block.kind, block.start)
    return ooxml.paragraph_props(base, level=block.level, num_id=num_id)


def _runs(spans: tuple[Span, ...], doc: RichDoc, base: Any, writer: ooxml.Writer,
          korean: bool) -> list[Any]:
    from . import ooxml

    out: list[Any] = []
    link_element: Any = None
    link_url: str | None = None
    for span in spans:
        if span.note is not None:
            out.append(ooxml.footnote_reference(_footnote(doc, span.note, base, writer, korean),
                                                base))
            link_element = link_url = None
            continue
        props = ooxml.rpr(base, bold=span.bold, italic=span.italic, korean=korean,
                          style="Hyperlink" if span.link else None)
        element = ooxml.break_run(props) if span.brk else ooxml.text_run(span.text, props)
        if span.link:
            if link_element is None or link_url != span.link:
                link_element = ooxml.hyperlink(writer.link(span.link))
                link_url = span.link
                out.append(link_element)
            link_element.append(element)
        else:
            link_element = link_url = None
            out.append(element)
    return out


def _footnote(doc: RichDoc, index: int, base: Any, writer: ooxml.Writer, korean: bool) -> int:
    """A Word footnote with the note's text, in the footnote style; its id."""
    from . import ooxml

    blocks = doc.notes[index] or (Block(()),)
    note_ppr = ooxml.style_props("FootnoteText")
    base_rpr = _lang_only(base)
    paragraphs = []
    for number, block in enumerate(blocks):
        p = ooxml.paragraph(copy.deepcopy(note_ppr))
        if number == 0:
            for mark in ooxml.footnote_mark(base_rpr):
                p.append(mark)
        for element in _runs(block.spans, doc, base_rpr, writer, korean):
            p.append(element)
        paragraphs.append(p)
    return writer.footnote(paragraphs)


def _lang_only(base: Any) -> Any:
    """A footnote's runs take the footnote style's size, not the template run's."""
    from . import ooxml

    props = ooxml.rpr(None)
    if base is not None:
        for name in ("w:rFonts", "w:lang"):
            found = base.find(qn(name))
            if found is not None:
                ooxml.set_child(props, copy.deepcopy(found), ooxml.RPR_ORDER)
    return props
