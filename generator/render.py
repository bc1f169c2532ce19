"""Render contexts into DOCX through docxtpl, and compose the side-by-side review copy.

Templates run in Jinja's sandbox with autoescaping, so text from YAML is always data and a
template cannot reach Python internals. A renderer is made once per template and process:
it keeps the template bytes and the compiled Jinja of each XML part, which docxtpl would
otherwise re-read and recompile for every document.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import element_class_lookup
from docx.shared import Cm, Emu, Pt
from docxtpl import DocxTemplate
from jinja2 import BaseLoader, StrictUndefined, Template, TemplateError, UndefinedError, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from .budget import (
    BudgetExceeded,
    check_binop,
    check_call,
    check_package,
    drop_attached_template,
    guard_filters,
    render_budget,
)
from .budget import lipsum as budget_lipsum
from .errors import UserError
from .fields import END as FIELD_END
from .fields import MC, W15, add_content_controls
from .fields import SEP as FIELD_SEP
from .fields import START as FIELD_START
from .i18n import LANGUAGES, N_, language
from .language import GAP_END, GAP_START
from .layout import (
    TOC_PARAGRAPHS,
    fill_toc,
    fill_toc_pages,
    justify_korean,
    keep_ids_whole,
    style_id,
)
from .output import docx_bytes
from .richtext import PLACEHOLDER_NS, collecting

# Clark names of the tags this module looks up, computed once each: the side-by-side copy
# asks for them some 20,000 times a submission.
_qn = functools.lru_cache(maxsize=None)(qn)
# Child paths looked up for every paragraph, run or cell.
_PPR_PSTYLE = f"{_qn('w:pPr')}/{_qn('w:pStyle')}"
_RPR_B = f"{_qn('w:rPr')}/{_qn('w:b')}"
_TCPR_GRIDSPAN = f"{_qn('w:tcPr')}/{_qn('w:gridSpan')}"
_TCPR_TCW = f"{_qn('w:tcPr')}/{_qn('w:tcW')}"
_TRPR_TBLHEADER = f"{_qn('w:trPr')}/{_qn('w:tblHeader')}"

# Word refuses ("unreadable content") a w:pPr whose children are out of the schema's
# order, where LibreOffice is lenient; every child propgen adds goes in its place.
_PPR_NAMES = """
    pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers
    pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE
    autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents
    suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle
    rPr sectPr pPrChange
"""
PPR_ORDER = tuple(_qn(f"w:{name}") for name in _PPR_NAMES.split())
# The same for run properties (w:rPr).
_RPR_NAMES = """
    rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint
    noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u
    effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath rPrChange
"""
RPR_ORDER = tuple(_qn(f"w:{name}") for name in _RPR_NAMES.split())


def set_child(parent: Any, child: Any, order: tuple[str, ...] = PPR_ORDER) -> Any:
    """Put `child` into `parent` where the schema's `order` wants it, replacing any element
    of the same name."""
    for old in parent.findall(child.tag):
        parent.remove(old)
    return insert_ordered(parent, child, order)


def insert_ordered(parent: Any, child: Any, order: tuple[str, ...]) -> Any:
    """Add `child` after the last of its kind, before what the schema's `order` puts later
    (unlike `set_child`, which replaces the same-named element)."""
    rank = order.index(child.tag)
    for index, existing in enumerate(parent):
        if existing.tag in order and order.index(existing.tag) > rank:
            parent.insert(index, child)
            return child
    parent.append(child)
    return child


PAGE_SIZES = {code: (Cm(row.page_cm[0]), Cm(row.page_cm[1])) for code, row in LANGUAGES.items()}


class TemplateProblem(UserError):
    """A template that cannot be rendered: syntax, a missing variable, or unsafe code."""


class _NoFiles(BaseLoader):
    """Templates are self-contained: include, import and extend are refused, not run.

    (Without any loader Jinja raises a bare TypeError, which would surface as a traceback.)
    """

    def get_source(self, environment: Any, template: str) -> Any:
        raise SecurityError(
            f"templates may not include, import or extend other files, such as {template!r}"
        )


class _CachingSandbox(SandboxedEnvironment):
    """A sandbox that compiles each distinct template source once.

    Jinja's sandbox already caps `range()`; repetition and powers are capped here too, so
    a template cannot ask for a ten-gigabyte string (`'x' * 10**10`).
    """

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    MAX_REPEAT = 1_000_000
    MAX_EXPONENT = 1_000

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True,
                         loader=_NoFiles())
        self._compiled: dict[str, Template] = {}
        # Sizes are budgeted (generator/budget.py): huge widths, joins, lipsum, powers.
        guard_filters(self.filters)
        self.globals["lipsum"] = budget_lipsum

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > self.MAX_EXPONENT:
            raise SecurityError(f"a power above {self.MAX_EXPONENT} is not allowed")
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                if (isinstance(sequence, str | list | tuple) and isinstance(times, int)
                        and len(sequence) * times > self.MAX_REPEAT):
                    raise SecurityError(
                        f"repeating text or a list beyond {self.MAX_REPEAT} items is not allowed")
        check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        check_call(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        if globals is None and template_class is None and isinstance(source, str):
            compiled = self._compiled.get(source)
            if compiled is None:
                compiled = self._compiled[source] = super().from_string(source)
            return compiled
        return super().from_string(source, globals, template_class)


# Text that docxtpl's resolve_listing turns into breaks, tabs, paragraphs or page breaks.
_LISTING = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\t\a\n\f]")
# A paragraph as docxtpl's resolve_listing finds it, and what it changes in one.
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)
_LISTED = re.compile("[\t\a\n\f]")


class _Template(DocxTemplate):
    """docxtpl working on a copy of an already parsed template, with its XML clean-up
    cached per part, and data never read as markup."""

    docx: Any
    is_rendered: bool

    def __init__(self, data: bytes, parsed: Callable[[], DocumentObject],
                 patched: dict[str | tuple[str, str], str],
                 shell: Callable[[bool], tuple[str, str, dict[str, str]] | None]) -> None:
        super().__init__(io.BytesIO(data))
        self._parsed = parsed
        self._patched = patched
        self._shell = shell
        self.source = ""
        self.body = ("", "")
        self.patched_body = ""

    def init_docx(self, reload: bool = True) -> None:
        # docxtpl re-reads and re-parses the whole package for every document; a deep copy
        # of the parsed one is the same document at half the cost.
        if not self.docx or (self.is_rendered and reload):
            self.docx = copy.deepcopy(self._parsed())
            self.is_rendered = False

    def patch_xml(self, src_xml: str) -> str:
        result = self._patched.get(src_xml)
        if result is None:
            result = self._patched[src_xml] = super().patch_xml(src_xml)
        return result

    def render_xml_part(self, src_xml: str, part: Any, context: Any, jinja_env: Any = None) -> str:
        # docxtpl's version also turns "{_{" in the *output* into "{{", which would change
        # what a user typed; propgen does not use that escape, so the output is left as is.
        # One paragraph a line, for the line numbers of Jinja's errors; the same for every
        # document, so made once (kept beside the clean-up, under its own key).
        source = self._patched.get(("lines", src_xml))
        if source is None:
            source = re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml)
            self._patched[("lines", src_xml)] = source
        self.source = source
        self.current_rendering_part = part
        return self.finish(jinja_env.from_string(source).render(context))

    def finish(self, rendered: str) -> str:
        """Jinja's output of a part as docxtpl leaves it: tabs and breaks in text made
        Word's."""
        rendered = re.sub(r"\n<w:p([ >])", r"<w:p\1", rendered)
        if not _LISTING.search(rendered):
            return rendered  # resolve_listing would change nothing, slowly
        # docxtpl's resolve_listing rewrites every paragraph, one regular expression per
        # run; only those holding a tab or break change (the contacts line of a letter).
        return _PARAGRAPH.sub(lambda found: self._listing(found.group(0)), rendered)

    def build_xml(self, context: Any, jinja_env: Any = None) -> str:
        # The template's body, serialised once: every document starts from the same copy.
        source = self._patched.get(("body", ""))
        if source is None:
            source = self._patched[("body", "")] = self.get_xml()
        xml = self.patched_body = self.patch_xml(source)
        rendered = self.render_xml_part(xml, self.docx._part, context, jinja_env)
        self.body = (self.source, rendered)  # for `Renderer.render_variant`
        return rendered

    def _listing(self, paragraph: str) -> str:
        return str(self.resolve_listing(paragraph)) if _LISTED.search(paragraph) else paragraph

    def fix_tables(self, xml: str) -> Any:
        # docxtpl parses the rendered body in lxml's recover mode, which silently drops
        # whatever does not parse; a template that writes broken XML must fail instead.
        # Parsed once, strictly, straight into a copy of the document's root (`map_tree`):
        # docxtpl's own way parses twice and then moves the body into the document, which
        # makes lxml re-link the namespaces of every element (together about 3 ms).
        # A body with field marks gets content controls, whose w15 namespace the root
        # declares (fields.declare_w15): declared here already, the root is not remade.
        shell = self._shell(_MARKED.search(xml) is not None)
        body = _parse_body(shell, xml) if shell is not None else None
        if body is not None and not _tables_need_fixing(body):
            return body
        etree.fromstring(xml)
        return super().fix_tables(xml)

    def fix_docpr_ids(self, tree: Any) -> None:
        # docxtpl asks lxml's xpath with `namespaces=`, which python-docx's elements (the
        # body parsed by `fix_tables`) do not take.
        super().fix_docpr_ids(_LxmlXPath(tree))

    def map_tree(self, tree: Any) -> None:
        root = tree.getparent()
        if root is None:  # docxtpl's own parse
            super().map_tree(tree)
            return
        self.docx._element = self.docx.part._element = root
        self.docx._Document__body = None  # python-docx's proxy of the old body


# A field mark in a text of the body: content controls will be made (`add_content_controls`).
_MARKED = re.compile(f"<w:t(?: [^>]*)?>[^<]*[{FIELD_START}{FIELD_END}]")
# The start tag of a rendered body: its attributes (namespace declarations) and whether it
# is empty.
_BODY_TAG = re.compile(r'<w:body((?:\s+[^\s=/>]+="[^"]*")*)\s*(/?)>')
_ATTRIBUTE = re.compile(r'\s+([^\s=]+)="([^"]*)"')
# lxml's defaults (as docxtpl's parse has them), making python-docx's element classes.
_BODY_PARSER = etree.XMLParser()
_BODY_PARSER.set_element_class_lookup(element_class_lookup)


def _document_shell(document: DocumentObject, w15: bool = False
                    ) -> tuple[str, str, dict[str, str]] | None:
    """The document part's XML before and after its body, and the namespaces its root
    declares (with `w15`, as `fields.declare_w15` remakes the root); None if the root holds
    more than the body (then docxtpl's way is taken)."""
    root = document.element
    if len(root) != 1 or root[0].tag != _qn("w:body"):
        return None
    if w15:
        shell = root.makeelement(root.tag, dict(root.attrib), nsmap={
            **root.nsmap, "w15": W15, "mc": root.nsmap.get("mc", MC)})
        shell.append(shell.makeelement(_qn("w:body")))
    else:
        shell = copy.deepcopy(root)
        shell.replace(shell[0], shell.makeelement(_qn("w:body")))
    head, _, tail = etree.tostring(shell, encoding="unicode").partition("<w:body/>")
    return head, tail, {prefix: uri for prefix, uri in root.nsmap.items() if prefix}


def _parse_body(shell: tuple[str, str, dict[str, str]], xml: str) -> Any:
    """The rendered body parsed inside the document's root, as docxtpl's parse followed by
    its move into the document gives it (the move drops the body's namespace declarations,
    which repeat the root's); None where that cannot be had this way."""
    head, tail, namespaces = shell
    found = _BODY_TAG.match(xml)
    if found is None:
        return None
    kept = []
    for name, value in _ATTRIBUTE.findall(found.group(1)):
        if name == "xmlns" or (name.startswith("xmlns:")
                               and namespaces.get(name[len("xmlns:"):]) != value):
            return None  # a declaration the move would keep or rename
        if not name.startswith("xmlns:"):
            kept.append(f' {name}="{value}"')
    start = f"<w:body{''.join(kept)}{found.group(2)}>"
    try:
        root = etree.fromstring(head + start + xml[found.end():] + tail, _BODY_PARSER)
    except etree.XMLSyntaxError:
        return None  # reported as docxtpl's input would be
    return root[0]


class _LxmlXPath:
    """An element whose `xpath` is lxml's own, not python-docx's override."""

    def __init__(self, element: Any) -> None:
        self.element = element

    def xpath(self, path: str, **options: Any) -> Any:
        return etree._Element.xpath(self.element, path, **options)


def _tables_need_fixing(body: Any) -> bool:
    """Whether docxtpl's fix_tables would change a table of `body`: a row with more cells
    than the grid has columns, or a grid wider than its widest row (spans counted)."""
    tr, tc, span_path = _qn("w:tr"), _qn("w:tc"), _TCPR_GRIDSPAN
    for table in body.iter(_qn("w:tbl")):
        grid = table.find(_qn("w:tblGrid"))
        if grid is None:
            return True
        columns = len(grid.findall(_qn("w:gridCol")))
        widest = 0
        for row in table.iter(tr):
            cells = row.findall(tc)
            if len(cells) > columns:
                return True
            width = 0
            for cell in cells:
                span = cell.find(span_path)
                value = "1" if span is None else span.get(_qn("w:val"), "")
                if not value.isdigit():
                    return True
                width += int(value)
            widest = max(widest, width)
        if widest < columns:
            return True
    return False


# docxtpl renders these document properties as templates (`render_properties`).
_TEMPLATED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
# Statements whose effect outlasts them: after one, the end of a template cannot be
# rendered on its own.
_STATEFUL = (nodes.Assign, nodes.AssignBlock, nodes.Macro, nodes.CallBlock, nodes.Import,
             nodes.FromImport, nodes.Include, nodes.Extends, nodes.Block,
             nodes.EvalContextModifier)
# What later passes act on: field and gap marks, rich-text placeholders, drawings' ids.
_UNSWAPPABLE = (FIELD_START, FIELD_SEP, FIELD_END, GAP_START, GAP_END, PLACEHOLDER_NS, "docPr")


def _swap_tail(document: DocumentObject, shell: tuple[str, str, dict[str, str]] | None,
               old: str, new: str) -> DocumentObject | None:
    """Swap, in `document`'s body, the elements rendered as `old` (the end of the body,
    with its closing tag) for those of `new` where they differ; None where a later pass
    would have treated them (headings of the contents, a section), or `old`'s elements
    are not as rendered (a pass changed them)."""
    if shell is None:
        return None
    parsed = [_parse_body(shell, f"<w:body>{xml}") for xml in (old, new)]
    if parsed[0] is None or parsed[1] is None:
        return None
    for elements in parsed:  # the passes `render` runs after the contents, on both
        keep_ids_whole(_BodyOnly(elements))  # type: ignore[arg-type]
    before, after = list(parsed[0]), list(parsed[1])
    body = document.element.body
    start = len(body) - len(before)
    if start < 0:
        return None
    text = [[_serialised(e) for e in before], [_serialised(e) for e in after]]
    same_start = 0
    while (same_start < min(len(before), len(after))
           and text[0][same_start] == text[1][same_start]):
        same_start += 1
    same_end = 0
    while (same_end < min(len(before), len(after)) - same_start
           and text[0][-1 - same_end] == text[1][-1 - same_end]):
        same_end += 1
    gone = list(body)[start + same_start:len(body) - same_end]
    coming = after[same_start:len(after) - same_end]
    if [_serialised(e) for e in gone] != text[0][same_start:len(before) - same_end]:
        return None
    for element in gone + coming:
        if (element.tag == _qn("w:sectPr") or TOC_PARAGRAPHS(element)
                or element.find(f".//{_qn('w:sectPr')}") is not None
                or _tables_need_fixing(element)):
            return None
    if parsed[0].text != parsed[1].text:
        return None
    index = start + same_start
    for element in gone:
        body.remove(element)
    for offset, element in enumerate(coming):
        body.insert(index + offset, element)
    return document


class _BodyOnly:
    """A document of just a body, for a pass over the elements a swap brings in."""

    def __init__(self, body: Any) -> None:
        self.element = SimpleNamespace(body=body)
        self.part = SimpleNamespace(rels={})


def _serialised(element: Any) -> bytes:
    """An element's XML without the namespace declarations of its start tag, which hold
    whatever its document's root declares (a later pass may add one there)."""
    xml = etree.tostring(element)
    end = xml.index(b">")
    return _XMLNS.sub(b"", xml[:end]) + xml[end:]


_XMLNS = re.compile(rb'\s+xmlns(?::[^\s=]+)?="[^"]*"')


class Renderer:
    """One DOCX template, loaded and compiled once, rendered for many contexts."""

    def __init__(self, template_path: Path) -> None:
        self.template_path = template_path
        self._data = template_path.read_bytes()
        self._parsed: DocumentObject | None = None
        self._env = _CachingSandbox()
        self._patched: dict[str | tuple[str, str], str] = {}
        self._shells: list[tuple[str, str, dict[str, str]] | None] = []
        # The last document rendered and its docxtpl run, for `render_variant`.
        self._last: tuple[DocumentObject, _Template] | None = None
        self._tails: dict[tuple[str, frozenset[str]], Template | None] = {}
        self._names: dict[str, frozenset[str]] = {}
        self._outside: str | None = None  # why the package reaches outside itself, if so

    def _parsed_template(self) -> DocumentObject:
        """The template as python-docx reads it, parsed on first use (inside `render`, so
        a file that is not a Word document is reported like any template problem)."""
        if self._parsed is None:
            self._parsed = Document(io.BytesIO(self._data))
            drop_attached_template(self._parsed)
        return self._parsed

    def _shell(self, w15: bool = False) -> tuple[str, str, dict[str, str]] | None:
        if not self._shells:
            parsed = self._parsed_template()
            self._shells.extend([_document_shell(parsed), _document_shell(parsed, w15=True)])
        return self._shells[1 if w15 else 0]

    def _problem(self, template: str, reason: str) -> TemplateProblem:
        return TemplateProblem(template=template, ctx={"reason": reason},
                               prefix=f"{self.template_path}: ")

    def render(self, context: dict[str, Any], *, lang: str, title: str, author: str,
               date: dt.date) -> DocumentObject:
        """The rendered document, not yet saved (the bilingual copy reuses it)."""
        from .ooxml import resolve  # same layer; ooxml uses set_child from here

        template = _Template(self._data, self._parsed_template, self._patched, self._shell)
        try:
            if self._outside is None:
                self._outside = check_package(self._data) or ""
            if self._outside:
                raise self._problem(N_("the template cannot be used: {reason}."),
                                    self._outside)
            with render_budget(), collecting() as rich:
                template.render(context, self._env, autoescape=True)
        except TemplateProblem:
            raise
        except (BudgetExceeded, MemoryError) as exc:
            raise self._problem(
                N_("the template was stopped: {reason}. Make it do less work, or split it."),
                str(exc) or "it needed more memory than a render may use",
            ) from None
        except SecurityError as exc:
            raise self._problem(
                N_("the template tried something unsafe and was stopped ({reason}). "
                   "Templates may only use the data propgen gives them."), _clause(exc),
            ) from None
        except UndefinedError as exc:
            raise self._problem(
                N_("the template uses a value propgen does not provide ({reason})."),
                _clause(exc),
            ) from None
        except TemplateError as exc:
            where = _paragraph_at(template.source, getattr(exc, "lineno", None))
            raise self._problem(N_("template error: {reason}"), f"{exc}{where}") from None
        except etree.XMLSyntaxError as exc:
            raise self._problem(
                N_("the template produced a document that is not valid Word XML ({reason}); "
                   "check what it marks |safe."), str(exc),
            ) from None
        except Exception as exc:
            # Not propgen's data (that is validated and escaped): the template's own code
            # failed ({{ 1/0 }}), or the file is not a Word document at all.
            raise self._problem(
                N_("the template could not be rendered ({reason})."),
                f"{type(exc).__name__}: {_clause(exc)}",
            ) from None
        document = template.docx
        resolve(document, rich.fields, lang)
        # After the rich texts are laid out as paragraphs, so a control spans them.
        add_content_controls(document)
        if language(lang).upright_italics:
            # Hangul has no true italics; Korean documents set these styles upright, and
            # give the question prompt weight instead.
            for name in ("Question", "Redaction"):
                if name in document.styles:
                    document.styles[name].font.italic = False
            if "Question" in document.styles:
                document.styles["Question"].font.bold = True
        if language(lang).justified:
            justify_korean(document)
        if language(lang).east_asian_hint:
            # Punctuation Korean and Latin text share (“ ” — § ·) in the Korean face, as
            # Korean Word sets it; the English documents keep it in the Latin face.
            for fonts in document.styles.element.iter(_qn("w:rFonts")):
                fonts.set(_qn("w:hint"), "eastAsia")
        fill_toc(document)
        keep_ids_whole(document)
        set_page(document, lang)
        set_properties(document, lang=lang, title=title, author=author, date=date)
        self._last = (document, template)
        return document

    def render_variant(self, document: DocumentObject, context: dict[str, Any],
                       changes: dict[str, Any]) -> DocumentObject | None:
        """`document`, just rendered from `context` (and saved: it is changed in place),
        made what rendering `context` with `changes` would give, without rendering it
        again; None where this cannot be told, and `render` must do it.

        This is for the review copy, whose proposals show the checks' status in the annex:
        where the changed values are used only by the end of the body's template, and what
        that end gives differs only in elements no later pass touches (no fields, rich
        text, gaps, headings, drawings or section), those elements are swapped for the
        changed ones. About 6 ms a document.
        """
        last, self._last = self._last, None
        changed = frozenset(name for name, value in changes.items()
                            if name not in context or context[name] != value)
        if last is None or last[0] is not document:
            return None
        template = last[1]
        source, rendered = template.body
        if not changed:
            return document
        # Headers, footers, footnotes and document properties must not use them.
        parts = [xml for key, xml in self._patched.items() if isinstance(key, str)]
        properties = self._parsed_template().core_properties
        parts += [str(getattr(properties, name) or "") for name in _TEMPLATED_PROPERTIES]
        if any(self._reads(xml, changed) for xml in parts if xml is not template.patched_body):
            return None
        tail = self._tail(source, changed)
        if tail is None:
            return None
        try:
            with render_budget(), collecting():
                old = template.finish(tail.render(context))
                new = template.finish(tail.render({**context, **changes}))
        except Exception:
            return None  # a full render reports it
        if not rendered.endswith(old) or any(mark in old or mark in new for mark in _UNSWAPPABLE):
            return None
        return _swap_tail(document, self._shell(), old, new)

    def _reads(self, source: str, changed: frozenset[str]) -> bool:
        """Whether a template source may read one of the `changed` names."""
        names = self._names.get(source)
        if names is None:
            try:
                names = frozenset(node.name for node in self._env.parse(source).find_all(
                    nodes.Name))
            except TemplateError:
                names = frozenset({"\0"})  # unknown: reads anything
            self._names[source] = names
        return "\0" in names or bool(names & changed)

    def _tail(self, source: str, changed: frozenset[str]) -> Template | None:
        """The body's template from its first top-level node that reads a changed name on,
        compiled; None if an earlier node sets anything the rest could read."""
        key = (source, changed)
        if key not in self._tails:
            self._tails[key] = None
            body = self._env.parse(source).body
            first = next((index for index, node in enumerate(body)
                          if {n.name for n in node.find_all(nodes.Name)} & changed), None)
            if first is not None and not any(
                    isinstance(node, _STATEFUL) or any(True for _ in node.find_all(_STATEFUL))
                    for node in body[:first]):
                tail = nodes.Template(body[first:], lineno=1)
                tail.set_environment(self._env)
                self._tails[key] = self._env.template_class.from_code(
                    self._env, self._env.compile(tail), self._env.make_globals(None), None)
        return self._tails[key]


def _clause(exc: BaseException) -> str:
    """An exception's message for use inside a sentence: no final full stop."""
    return str(exc).strip().rstrip(".")


def _paragraph_at(source: str, line: int | None) -> str:
    """' in the paragraph “…”' for a template line (one paragraph per line), or ''."""
    lines = source.split("\n")
    if not line or not 1 <= line <= len(lines):
        return ""
    text = " ".join(re.sub(r"<[^>]*>", "", lines[line - 1]).split())
    if not text:
        return ""
    return f", in the paragraph “{text if len(text) <= 80 else text[:79] + '…'}”"


def set_page(document: DocumentObject, lang: str, landscape: bool = False) -> None:
    width, height = PAGE_SIZES.get(lang, PAGE_SIZES["en"])
    for section in document.sections:
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = height, width
        else:
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = width, height


def set_properties(document: DocumentObject, *, lang: str, title: str, author: str,
                   date: dt.date) -> None:
    """Fixed document properties: the submission's date, never the build time."""
    props = document.core_properties
    stamp = dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc)
    props.title = _property(title)
    props.author = _property(author)
    props.last_modified_by = _property(author)
    props.created = stamp
    props.modified = stamp
    props.revision = 1
    props.language = language(lang).bcp47
    # The company's document, not the tool's: no generator name anywhere in it.
    props.comments = ""
    _set_company(document, author)


_APP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"


def _set_company(document: DocumentObject, company: str) -> None:
    """docProps/app.xml's Company, which python-docx does not manage."""
    for rel in document.part.package.rels.values():
        part = rel.target_part
        if str(part.partname) != "/docProps/app.xml":
            continue
        root = etree.fromstring(part.blob)
        node = root.find(f"{{{_APP_NS}}}Company")
        if node is None:
            node = etree.SubElement(root, f"{{{_APP_NS}}}Company")
        node.text = _property(company)
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                    standalone=True)


def _property(value: str) -> str:
    """A document property holds at most 255 characters (python-docx refuses more)."""
    return value if len(value) <= 255 else value[:254] + "…"


def to_bytes(document: DocumentObject) -> bytes:
    return docx_bytes(document)


def with_toc_pages(data: bytes, pages: list[str]) -> bytes | None:
    """A written DOCX whose table of contents shows `pages` (layout.fill_toc_pages), or
    None when that changes nothing."""
    document = Document(io.BytesIO(data))
    return docx_bytes(document) if fill_toc_pages(document, pages) else None


# --- side-by-side review copy ----------------------------------------------------------


def _blocks(document: DocumentObject) -> list[list[Any]]:
    """Body elements split at each Heading 1; the first block is the cover."""
    blocks: list[list[Any]] = [[]]
    for element in document.element.body.iterchildren():
        if element.tag == _qn("w:sectPr"):
            continue
        style = element.find(_PPR_PSTYLE)
        if style is not None and style.get(_qn("w:val")) == "Heading1":
            blocks.append([])
        blocks[-1].append(element)
    return blocks


def section_headings(document: DocumentObject) -> list[tuple[str, str]]:
    """(style id, text) of every heading, for comparing document structure."""
    out = []
    for paragraph in _iter_paragraphs(document.element.body):
        style = paragraph.find(_PPR_PSTYLE)
        if style is not None and style.get(_qn("w:val")).startswith("Heading"):
            texts = paragraph.findall(f".//{_qn('w:t')}")
            out.append((style.get(_qn("w:val")), "".join(t.text or "" for t in texts)))
    return out


def _iter_paragraphs(element: Any) -> Iterator[Any]:
    yield from element.iter(_qn("w:p"))


def compose_bilingual(english: DocumentObject, korean: DocumentObject, *, title: str,
                      author: str, date: dt.date) -> DocumentObject:
    """English left, Korean right: a row per heading, paragraph or list item where the two
    sections have the same structure, a row per Heading 1 section where they do not.

    `english` becomes the side-by-side copy: save it first.
    """
    composed = english
    set_page(composed, "ko", landscape=True)
    section = composed.sections[0]
    # An internal review copy: two columns on one landscape page need narrower margins and
    # smaller type than the filed documents (which keep 12 pt), one body size throughout.
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.5))
    _review_sizes(composed)
    _drop_keeps(composed.styles.element)
    usable = int(section.page_width or 0) - int(section.left_margin or 0) - int(
        section.right_margin or 0)
    page = int(section.page_height or 0) - int(section.top_margin or 0) - int(
        section.bottom_margin or 0)
    try:
        table = _side_by_side(english, korean, Emu(usable // 2).twips, Emu(page).twips)
    finally:
        _MEASURED.clear()
    body = composed.element.body
    section_properties = body.find(_qn("w:sectPr"))
    if section_properties is not None:
        body.remove(section_properties)
    # Emptied in one go: lxml frees the old content outright when no Python object points
    # into it, where removing element by element re-declares namespaces all the way down
    # (0.6 s for a 1,000-member table).
    body.clear()
    body.append(table)
    if section_properties is not None:
        body.append(section_properties)
    _bilingual_headers(composed, korean)
    from .ooxml import adopt

    adopt(composed, korean)  # the Korean side's footnotes, lists and links
    set_properties(composed, lang="ko", title=title, author=author, date=date)
    return composed


BODY_PT = 10
# Display styles keep a step above the body; every other size becomes the body size.
_REVIEW_DISPLAY_PT = {"Title": 16, "Subtitle": 13, "Heading 1": 13, "Heading 2": 12,
                      "Heading 3": 11, "Letterhead": 14, "Caption Line": 12,
                      "TOC Heading": 13}


def _review_sizes(document: DocumentObject) -> None:
    for style in document.styles:
        if style.type != 1 or (style.font.size is None and style.name != "Normal"):
            continue
        style.font.size = Pt(_REVIEW_DISPLAY_PT.get(style.name, BODY_PT))


# Paragraphs that introduce what follows: a row holds them with the paragraph after them.
_LEADS = ("Heading", "Title", "Subtitle", "Question", "ConfidentialLabel", "ProviderLine",
          "TableLead", "TOCHeading")
_SKIPPED = ("TOCHeading", "toc1", "toc2")


def _units(block: list[Any]) -> list[list[Any]]:
    """A section's elements as rows: leads joined to the element after them, an empty
    paragraph (spacing) to the row before it, the signer's lines after the room to sign
    (Signature Space) to its row, which then stays whole on one page; the table of contents
    (a filed copy's) is left out."""
    units: list[list[Any]] = []
    pending: list[Any] = []
    signing = False
    for element in block:
        style = style_id(element)
        if element.tag == _qn("w:p") and style in _SKIPPED:
            continue
        signing = signing and element.tag == _qn("w:p") and style.startswith("Signature")
        if signing and units and not pending:
            units[-1].append(element)
            continue
        signing = signing or style == "SignatureSpace"
        empty = element.tag == _qn("w:p") and not "".join(
            t.text or "" for t in element.iter(_qn("w:t"))).strip()
        if empty and units and not pending:
            units[-1].append(element)
            continue
        pending.append(element)
        if not empty and not (element.tag == _qn("w:p") and style.startswith(_LEADS)):
            units.append(pending)
            pending = []
    if pending:
        units.append(pending)
    return units


def _signature(unit: list[Any]) -> tuple[tuple[str, str], ...]:
    return tuple((element.tag, style_id(element)) for element in unit)


def _table_style(document: DocumentObject) -> str:
    """The single-language copies' table style: their first table's, or Filing Table."""
    first = document.element.body.find(f".//{_qn('w:tblStyle')}")
    if first is not None:
        return str(first.get(_qn("w:val")))
    return "FilingTable"


def _side_by_side(english: DocumentObject, korean: DocumentObject, column: int,
                  page: int = 9000) -> Any:
    """The two-column table, of copies: the originals are left alone (and freed quickly)."""
    en_blocks, ko_blocks = _blocks(english), _blocks(korean)
    if len(en_blocks) != len(ko_blocks):
        # Only a custom template can do this (text from YAML inside a Heading 1 paragraph,
        # or a condition on the language): the copy pairs sections by Heading 1.
        raise TemplateProblem(
            template=N_("the English and Korean documents have {en} and {ko} Heading 1 "
                        "sections; the side-by-side copy pairs them one to one, so give both "
                        "languages the same Heading 1 paragraphs in the template"),
            ctx={"en": len(en_blocks) - 1, "ko": len(ko_blocks) - 1},
        )
    table = parse_xml(
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="{_table_style(english)}"/>'
        '<w:tblW w:w="5000" w:type="pct"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
        f'<w:tblGrid><w:gridCol w:w="{column}"/><w:gridCol w:w="{column}"/></w:tblGrid></w:tbl>'
    )
    table.append(_row([[_label_paragraph("English")], [_label_paragraph("한국어")]], column,
                      header=True))
    italic = _italic_styles(english)
    for en_block, ko_block in zip(en_blocks, ko_blocks, strict=True):
        en_units, ko_units = _units(en_block), _units(ko_block)
        if [_signature(u) for u in en_units] == [_signature(u) for u in ko_units]:
            pairs = list(zip(en_units, ko_units, strict=True))
        else:
            pairs = [([e for u in en_units for e in u], [e for u in ko_units for e in u])]
        for en_unit, ko_unit in (part for pair in pairs
                                 for part in _page_parts(*pair, column, page)):
            for cells in _lead_rows([en_unit, ko_unit], column):
                row = _row(cells, column, page=page)
                _upright_korean(row.findall(_qn("w:tc"))[1], italic)
                table.append(row)
    return table


def _lead_rows(cells: list[list[Any]], column: int) -> list[list[list[Any]]]:
    """A long row as up to three: its headings and prompt in a short row of their own, kept
    with the next; the text, which may break across pages; a signature block at its end in a
    row kept whole. LibreOffice honours no keep inside a cell: within one row a page could
    fall between a prompt and its answer, or a signer's name and title."""
    if all(_lines(c, column) <= SHORT_ROW_LINES for c in cells):
        return [cells]

    def lead(e: Any) -> bool:
        return bool(e.tag == _qn("w:p") and style_id(e).startswith(_LEADS))

    def signature(e: Any) -> bool:
        return bool(e.tag == _qn("w:p") and style_id(e).startswith("Signature"))

    heads = [next((i for i, e in enumerate(c) if not lead(e)), len(c)) for c in cells]
    tails = [len(c) - next((i for i, e in enumerate(reversed(c)) if not signature(e)), len(c))
             for c in cells]
    if min(heads) == 0 or any(h >= t for h, t in zip(heads, tails, strict=True)):
        heads = [0] * len(cells)
    if min(len(c) - t for c, t in zip(cells, tails, strict=True)) == 0:
        tails = [len(c) for c in cells]
    rows = [[c[:h] for c, h in zip(cells, heads, strict=True)],
            [c[h:t] for c, h, t in zip(cells, heads, tails, strict=True)],
            [c[t:] for c, t in zip(cells, tails, strict=True)]]
    return [row for row in rows if all(row)]


def _italic_styles(document: DocumentObject) -> set[str]:
    """Ids of the paragraph styles that set italics, themselves or through their base."""
    out = set()
    for style in document.styles:
        if style.type != 1:
            continue
        current = style
        while current is not None and current.font.italic is None:
            current = current.base_style
        if current is not None and current.font.italic:
            out.add(style.style_id)
    return out


def _upright_korean(cell: Any, italic_styles: set[str]) -> None:
    """No italic on Hangul: Korean has no true italics. Direct italics go; in a paragraph
    whose (English) style is italic the run is set upright explicitly, and a prompt in
    bold instead, as the Korean documents set it."""
    r_tag, rpr_tag, p_tag, italics = _qn("w:r"), _qn("w:rPr"), _qn("w:p"), _ITALIC_TAGS
    styles: dict[Any, str] = {}  # each paragraph's style, looked up once
    for run in cell.iter(r_tag):
        rpr = run.find(rpr_tag)
        if rpr is None:
            rpr = run.makeelement(rpr_tag)
            run.insert(0, rpr)
        for old in [child for child in rpr if child.tag in italics]:
            rpr.remove(old)
        paragraph = run.getparent()
        while paragraph is not None and paragraph.tag != p_tag:
            paragraph = paragraph.getparent()
        style = styles.get(paragraph)
        if style is None:
            style = styles[paragraph] = style_id(paragraph) if paragraph is not None else ""
        if style == "Question" and rpr.find(_qn("w:b")) is None:
            _rpr_insert(rpr, parse_xml(f'<w:b {nsdecls("w")}/>'))
        if style in italic_styles:
            _rpr_insert(rpr, copy.deepcopy(_UPRIGHT[0]))
            _rpr_insert(rpr, copy.deepcopy(_UPRIGHT[1]))


_ITALIC_TAGS = (_qn("w:i"), _qn("w:iCs"))
_UPRIGHT = (parse_xml(f'<w:i {nsdecls("w")} w:val="0"/>'),
            parse_xml(f'<w:iCs {nsdecls("w")} w:val="0"/>'))


def _rpr_insert(rpr: Any, child: Any) -> None:
    set_child(rpr, child, RPR_ORDER)


def _header_texts(document: DocumentObject) -> list[Any]:
    """The w:t elements of each page header, in relationship order.

    docxtpl replaces the header parts it renders; python-docx's `section.header` would
    still show the template's, so the parts are read through the relationships.
    """
    parts = [rel.target_part for _rid, rel in sorted(document.part.rels.items())
             if rel.reltype.endswith("/header")]
    return [list(part.element.iter(_qn("w:t"))) for part in parts]


def _bilingual_headers(composed: DocumentObject, korean: DocumentObject) -> None:
    """Page headers in both languages ("BUSINESS CONFIDENTIAL / 영업 기밀")."""
    for english, korean_texts in zip(_header_texts(composed), _header_texts(korean),
                                     strict=False):
        en = "".join(t.text or "" for t in english)
        ko = "".join(t.text or "" for t in korean_texts)
        if english and en and ko and en != ko:
            english[0].text = f"{en} / {ko}"
            for extra in english[1:]:
                extra.text = ""


def _label_paragraph(label: str) -> Any:
    return parse_xml(
        f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="TableText"/></w:pPr>'
        f'<w:r><w:rPr><w:b/></w:rPr><w:t>{label}</w:t></w:r></w:p>'
    )


_KEEPS = (_qn("w:keepNext"), _qn("w:keepLines"))


def _drop_keeps(element: Any) -> None:
    for keep in list(element.iter(*_KEEPS)):
        keep.getparent().remove(keep)


# A row with a table whose estimated height is at most this share of the page's is kept on
# one page; a long table is cut into parts of at most the smaller share, leaving room for
# error.
SHORT_ROW_SHARE, PART_SHARE = 0.95, 0.85
# A row of text of at most about this many lines is kept on one page: moved whole, it leaves
# at most some 40 % of a landscape page empty. A longer row breaks across pages, its
# headings and prompts kept with the first lines after them.
SHORT_ROW_LINES = 12


# Characters from U+1100 on count two (Hangul and other wide scripts), roughly.
_WIDE_CHARS = re.compile("[\u1100-\U0010ffff]")


def _lines(content: list[Any], column: int) -> int:
    """About how many lines `content` takes in a cell `column` twips wide, at the body
    size: a Latin character about half an em wide, a Hangul one a full em."""
    per_line = max(1, column // (BODY_PT * 10))
    total = 0
    for element in content:
        for paragraph in element.iter(_qn("w:p")):
            text = "".join(t.text or "" for t in paragraph.iter(_qn("w:t")))
            width = len(text) + len(_WIDE_CHARS.findall(text))
            total += max(1, -(-width // per_line))
    return total


def _row(cells: list[list[Any]], column: int, header: bool = False,
         page: int = 9000) -> Any:
    """A table row of copies of `cells`' elements.

    Copies, because moving an element out of its document re-declares namespaces
    throughout it: 30 times slower than copying for a 1,000-member table.
    """
    row = parse_xml(f'<w:tr {nsdecls("w")}><w:trPr/></w:tr>')
    fitted = [[_fitted_copy(element, column) for element in content] for content in cells]
    if header:
        row.find(_qn("w:trPr")).append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
    elif all(_lines(content, column) <= SHORT_ROW_LINES
             if all(e.tag == _qn("w:p") for e in content)
             else sum(_height(e, column) for e in content) <= page * SHORT_ROW_SHARE
             for content in fitted):
        # Headings and a prompt stay on the page of the paragraph they introduce, a lead-in
        # with its table when the row fits on a page (rather than leaving the table's
        # header row alone at the foot of one); rows that hold a long text or table may
        # break (a long table is in parts that fit, `_page_parts`).
        row.find(_qn("w:trPr")).append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))
    # A row of headings and a prompt only stays with the row after it (Word and LibreOffice
    # keep a row whose paragraphs all keep with the next).
    leads_only = not header and all(
        e.tag == _qn("w:p") and style_id(e).startswith(_LEADS) for c in cells for e in c)
    for content in fitted:
        cell = parse_xml(
            f'<w:tc {nsdecls("w")}><w:tcPr><w:tcW w:w="{column}" w:type="dxa"/></w:tcPr></w:tc>'
        )
        for element in content:
            cell.append(element)
        if leads_only:
            for paragraph in cell.iterchildren(_qn("w:p")):
                set_child(paragraph.find(_qn("w:pPr")), parse_xml(f'<w:keepNext {nsdecls("w")}/>'))
        if not len(cell) or cell[-1].tag != _qn("w:p"):
            cell.append(parse_xml(f'<w:p {nsdecls("w")}/>'))
        row.append(cell)
    return row


# Twips a line of the side-by-side body takes, the space after a paragraph outside a table
# and the padding of a table row, roughly.
_LINE, _AFTER, _ROW_PADDING = 250, 120, 150


def _plain_text(element: Any) -> str:
    """The text of `element` as a reader sees it, an id's non-breaking hyphens as "-"."""
    hyphen = _qn("w:noBreakHyphen")
    return "".join("-" if n.tag == hyphen else n.text or ""
                   for n in element.iter(_qn("w:t"), hyphen))


def _span(cell: Any) -> int:
    """How many grid columns a table cell spans."""
    span = cell.find(_TCPR_GRIDSPAN)
    return int(span.get(_qn("w:val"))) if span is not None else 1


def _height(element: Any, width: int, after: int = _AFTER) -> int:
    """An estimate of the height in twips of a paragraph or table set `width` twips wide
    (generous, like `text_width`)."""
    if element.tag == _qn("w:p"):
        return _wrapped_lines(_plain_text(element), width) * _LINE + after
    if element.tag != _qn("w:tbl"):
        return 0
    grid = _grid_widths(element)
    return sum(_row_height(row, grid, width) for row in element.findall(_qn("w:tr")))


@functools.lru_cache(maxsize=8192)
def _wrapped_lines(text: str, width: int) -> int:
    """The lines `text` takes wrapped at word boundaries in `width` twips (cached: a table
    is measured to cut it in parts, then again to keep its row whole)."""
    lines, used = 1, 0
    for word in text.split():
        size = text_width(word) + 60
        if used and used + size > width - _CELL_PADDING:
            lines, used = lines + 1, 0
        used += size
    return lines


def _grid_widths(table: Any) -> list[int]:
    return [int(c.get(_qn("w:w"), "0")) for c in table.iter(_qn("w:gridCol"))]


def _row_height(row: Any, grid: list[int], width: int) -> int:
    """An estimate of the height of a row of a table whose columns are `grid` wide."""
    at, tallest = 0, 0
    for cell in row.findall(_qn("w:tc")):
        count = _span(cell)
        cell_width = sum(grid[at:at + count]) or width
        tallest = max(tallest, sum(_height(e, cell_width, 0) for e in cell))
        at += count
    return tallest + _ROW_PADDING


def _page_parts(en_unit: list[Any], ko_unit: list[Any], column: int,
                page: int) -> list[tuple[list[Any], list[Any]]]:
    """A pair of units ending in a table too tall for a page, as pairs that each fit one:
    the table's rows in runs, each run a table of its own under a copy of the header row.

    LibreOffice does not always repeat the header row of a table inside a table cell that
    runs over pages (and Word never does), and may leave it alone at a page's foot; so the
    side-by-side copy repeats it itself, and keeps each part on one page. The two
    languages' rows stay level, the same rows in each part. Units whose tables differ in
    rows, or have no header row, stay whole."""
    whole = [(en_unit, ko_unit)]
    tables = []
    for unit in (en_unit, ko_unit):
        at = next((i for i in range(len(unit) - 1, -1, -1) if unit[i].tag == _qn("w:tbl")), None)
        if at is None or any(e.tag != _qn("w:p") for e in unit[at + 1:]):
            return whole
        tables.append((at, _fitted_copy(unit[at], column, keep=True)))
    rows = [table.findall(_qn("w:tr")) for _at, table in tables]
    if len(rows[0]) != len(rows[1]) or len(rows[0]) < 3 or any(
            r[0].find(_TRPR_TBLHEADER) is None for r in rows):
        return whole
    budget = page * PART_SHARE
    grids = [_grid_widths(table) for _at, table in tables]
    heights = [max(_row_height(en, grids[0], column), _row_height(ko, grids[1], column))
               for en, ko in zip(rows[0], rows[1], strict=True)]
    leads = max(sum(_height(e, column) for e in unit[:at])
                for unit, (at, _t) in zip((en_unit, ko_unit), tables, strict=True))
    if leads + sum(heights) <= budget:
        return whole
    runs: list[list[int]] = [[]]
    used = leads + heights[0]
    for index in range(1, len(heights)):
        if runs[-1] and used + heights[index] > budget:
            runs.append([])
            used = heights[0]
        runs[-1].append(index)
        used += heights[index]
    if len(runs) > 1 and len(runs[-1]) == 1 and len(runs[-2]) > 2:
        runs[-1].insert(0, runs[-2].pop())  # no last row (a total) alone under a header
    parts: list[tuple[list[Any], list[Any]]] = []
    for number, run in enumerate(runs):
        sides = []
        for unit, (at, table), side_rows in zip((en_unit, ko_unit), tables, rows, strict=True):
            part = copy.deepcopy(table)
            for row in part.findall(_qn("w:tr"))[1:]:
                part.remove(row)
            for index in run:
                part.append(copy.deepcopy(side_rows[index]))
            before = unit[:at] if number == 0 else []
            after = unit[at + 1:] if number == len(runs) - 1 else []
            sides.append([*before, part, *after])
        parts.append((sides[0], sides[1]))
    return parts


# Fitted copies `_page_parts` made to measure a table, by the original's id, for the row
# that then prints it unsplit (copying and fitting a table twice cost a fifth of the
# side-by-side copy). Emptied by `compose_bilingual` when the table is done.
_MEASURED: dict[int, Any] = {}


def _fitted_copy(element: Any, column: int, keep: bool = False) -> Any:
    """A copy of `element` fitted to a cell `column` twips wide; with `keep`, also kept
    for the next caller asking for the same element (who gets it, not a copy of it)."""
    key = id(element)
    fitted = _MEASURED.pop(key, None)
    if fitted is None or fitted[0] != column:
        fitted = (column, _fit(copy.deepcopy(element), column))
    if keep:
        _MEASURED[key] = fitted
    return fitted[1]


def _fit(element: Any, column: int) -> Any:
    """Make copied content fit a half-page cell: no page breaks, tables scaled down.

    Direct keep-with-next is dropped too (the styles' in `_drop_keeps`): LibreOffice
    otherwise moves a whole row to the next page when a heading inside it asks to stay
    with what follows.
    """
    tbl_tag, br_tag = _qn("w:tbl"), _qn("w:br")
    tables = []
    for node in list(element.iter(*_KEEPS, br_tag, tbl_tag)):  # one walk, in C
        if node.tag == tbl_tag:
            tables.append(node)
        elif node.tag != br_tag or node.get(_qn("w:type")) == "page":
            node.getparent().remove(node)
    for tbl in tables:
        grid = tbl.find(_qn("w:tblGrid"))
        if grid is None:
            continue
        cols = grid.findall(_qn("w:gridCol"))
        widths = [int(c.get(_qn("w:w"), "0")) for c in cols]
        limit = column - 200
        if sum(widths) <= limit or not sum(widths):
            continue
        fitted = fit_columns(widths, _longest_words(tbl, len(cols)), limit)
        for col, width in zip(cols, fitted, strict=True):
            col.set(_qn("w:w"), str(width))
        for row in tbl.findall(_qn("w:tr")):
            at = 0
            for cell in row.findall(_qn("w:tc")):
                count = _span(cell)
                width = cell.find(_TCPR_TCW)
                if width is not None and width.get(_qn("w:type")) == "dxa":
                    width.set(_qn("w:w"), str(sum(fitted[at:at + count])))
                at += count
    return element


# Twips a character takes at 10 pt, roughly, in the documents' sans-serif faces (Arial,
# Liberation Sans, Malgun Gothic): Hangul and other wide characters a full em, capitals
# two thirds, narrow letters and punctuation a third, the rest (digits too) a little over
# half; bold a twelfth more. Rough, and generous rather than tight.
_EM = 200
_NARROW = frozenset("fijlrtI.,;:'!|-\u2011 ")
# Brackets: in Korean text they take the wider East Asian face.
_BRACKETS = frozenset("()[]")
_WIDE = frozenset("mwMW@%")
# Cell margins, left and right, and a little slack.
_CELL_PADDING = 260


@functools.lru_cache(maxsize=4096)
def _char_width(char: str) -> float:
    """One character's width in ems, by the classes `text_width` describes."""
    import unicodedata

    if unicodedata.east_asian_width(char) in "WF":
        return 1.0
    if char in _NARROW:
        return 0.34
    if char in _BRACKETS:
        return 0.45
    if char in _WIDE:
        return 0.9
    return 0.68 if char.isupper() else 0.56


@functools.lru_cache(maxsize=16384)
def text_width(word: str, bold: bool = False) -> int:
    """An estimate of the width of `word` in twips at the side-by-side body size (cached:
    the side-by-side copy measures the same words many times over)."""
    total = 0.0
    for char in word:
        total += _char_width(char)
    return int(total * _EM * (1.09 if bold else 1.0))


def _longest_words(tbl: Any, count: int) -> list[int]:
    """For each grid column, the width of the widest word (text between spaces, an id's
    non-breaking hyphens included) in a cell of that column alone."""
    longest = [0] * count
    for row in tbl.findall(_qn("w:tr")):
        at = 0
        for cell in row.findall(_qn("w:tc")):
            width = _span(cell)
            if width == 1 and at < count:
                for run in cell.iter(_qn("w:r")):
                    bold = run.find(_RPR_B) is not None
                    text = _plain_text(run)
                    for word in text.split():
                        longest[at] = max(longest[at], text_width(word, bold))
            at += width
    return longest


def fit_columns(widths: list[int], longest: list[int], limit: int) -> list[int]:
    """Column widths that add up to `limit`, in the proportions of `widths`, but each at
    least as wide as its longest word, so that no word breaks inside ("Consortiu|m"):
    the room comes from the columns with more than their words need. When the words
    cannot all fit (by the estimate, which is generous), the proportions stay: narrowing
    the columns of running text instead would set them a word a line."""
    scaled = [int(w * limit / sum(widths)) for w in widths]
    needs = [word + _CELL_PADDING if word else 0 for word in longest]
    if all(s >= n for n, s in zip(needs, scaled, strict=True)):
        return scaled
    if sum(needs) > limit:
        return scaled
    fitted = [max(n, s) for n, s in zip(needs, scaled, strict=True)]
    excess = sum(fitted) - limit
    slack = [f - n for f, n in zip(fitted, needs, strict=True)]
    total_slack = sum(slack)
    fitted = [f - excess * room // total_slack for f, room in zip(fitted, slack, strict=True)]
    fitted[max(range(len(fitted)), key=lambda i: slack[i])] -= sum(fitted) - limit
    return fitted
