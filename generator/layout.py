"""Layout a reader meets after rendering: the table of contents, Korean justification,
ids that do not break at their hyphens.

Both work on the rendered document's XML, so they apply to a team's own templates too:
a template that has no "TOC Heading" paragraph gets no table of contents.
"""

from __future__ import annotations

import itertools
import re
from typing import Any
from xml.sax.saxutils import escape

from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, nsmap, qn
from docx.styles.style import StyleFactory
from lxml import etree

TOC_LEVELS = {"Heading1": "toc1", "Heading2": "toc2"}
TOC_INSTRUCTION = ' TOC \\o "1-2" \\h \\z \\u '
# The paragraphs the table of contents looks at, found in one pass by lxml (in C): a
# superset (any w:pStyle of theirs counts), narrowed by `_style` below.
TOC_PARAGRAPHS = etree.XPath(
    "descendant-or-self::w:p[w:pPr/w:pStyle[" + " or ".join(
        f"@w:val='{name}'" for name in ("TOCHeading", *TOC_LEVELS)) + "]]",
    namespaces={"w": nsmap["w"]})


_PSTYLE = f"{qn('w:pPr')}/{qn('w:pStyle')}"


def style_id(paragraph: Any) -> str:
    """The id of a paragraph's style, or "" (the document's default)."""
    node = paragraph.find(_PSTYLE)
    return "" if node is None else str(node.get(qn("w:val")))


def _text(paragraph: Any) -> str:
    return "".join(t.text or "" for t in paragraph.iter(qn("w:t")))


def _field_runs(instruction: str, result: str = "") -> str:
    """A complex field as runs: begin, instruction, separate, cached result, end."""
    return (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve">{instruction}</w:instrText></w:r>'
            f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r><w:t xml:space="preserve">{result}</w:t></w:r>'
            f'<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def fill_toc(document: DocumentObject) -> None:
    """A Word TOC field after the "TOC Heading" paragraph, its result already written.

    Word shows a TOC field's last result until someone updates fields, and LibreOffice
    imports it as an index with those entries; so the entries are written here, one per
    Heading 1 and 2, each a link to a bookmark on its heading with the page number as a
    PAGEREF field (which Word and LibreOffice both compute when they lay out the pages).
    """
    body = document.element.body
    paragraphs = list(TOC_PARAGRAPHS(body))
    anchor = next((p for p in paragraphs if style_id(p) == "TOCHeading"), None)
    if anchor is None:
        return
    headings = [p for p in paragraphs[paragraphs.index(anchor) + 1:]
                if style_id(p) in TOC_LEVELS and _text(p).strip()]
    if not headings:
        return
    entries = []
    for number, heading in enumerate(headings, start=1):
        name = f"_Toc{number:08d}"
        heading.insert(1 if heading.find(qn("w:pPr")) is not None else 0, parse_xml(
            f'<w:bookmarkStart {nsdecls("w")} w:id="{number}" w:name="{name}"/>'))
        heading.append(parse_xml(f'<w:bookmarkEnd {nsdecls("w")} w:id="{number}"/>'))
        begin = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText '
                 f'xml:space="preserve">{TOC_INSTRUCTION}</w:instrText></w:r>'
                 '<w:r><w:fldChar w:fldCharType="separate"/></w:r>') if number == 1 else ""
        end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>' if number == len(headings) else ""
        pageref = _field_runs(f" PAGEREF {name} \\h ")
        entries.append(parse_xml(
            f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{TOC_LEVELS[style_id(heading)]}"/>'
            f'</w:pPr>{begin}<w:hyperlink w:anchor="{name}" w:history="1">'
            f'<w:r><w:t xml:space="preserve">{escape(_text(heading))}</w:t></w:r>'
            f'<w:r><w:tab/></w:r>{pageref}'
            f'</w:hyperlink>{end}</w:p>'))
    for entry in reversed(entries):
        anchor.addnext(entry)


def fill_toc_pages(document: DocumentObject, pages: list[str]) -> bool:
    """Write a laid-out page number into each contents entry's PAGEREF result, so that Word
    shows the numbers before anyone updates fields (F9 recomputes them from Word's own
    layout). `pages` are LibreOffice's, one per entry in order; a list that does not match
    the entries changes nothing. True if anything changed."""
    results = []
    for paragraph in document.element.body.iter(qn("w:p")):
        if style_id(paragraph) not in TOC_LEVELS.values():
            continue
        instructions = [node for node in paragraph.iter(qn("w:instrText"))
                        if (node.text or "").strip().startswith("PAGEREF ")]
        if len(instructions) != 1:
            continue
        run = instructions[0].getparent().getnext()  # the separate run, then the result
        result = run.getnext() if run is not None else None
        text = result.find(qn("w:t")) if result is not None else None
        if text is None:
            return False
        results.append(text)
    if not results or len(results) != len(pages):
        return False
    changed = False
    for text, page in zip(results, pages, strict=True):
        if text.text != page:
            text.text = page
            changed = True
    return changed


def justify_korean(document: DocumentObject) -> None:
    """Korean body text justified (양쪽 정렬), as Korean business documents are set;
    table cells and lines set apart stay left-aligned, where justification opens wide
    gaps."""
    styles = styles_by_name(document)
    if "Normal" in styles:
        styles["Normal"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    # Lines set on their own (titles and headings, notices, the RE line, prompts,
    # addresses) stay flush left: justified, a long title's first line spreads its words
    # across the page ("필리핀을  위한  캐스케이드 ...").
    for name in ("Title", "Subtitle", "heading 1", "heading 2", "heading 3", "TOC Heading",
                 "Table Text", "Signature", "Letterhead", "Letterhead Detail", "toc 1",
                 "toc 2", "Notice Box", "Reference Line", "Question", "Confidential Label",
                 "Redaction"):
        if name in styles and styles[name].paragraph_format.alignment is None:
            styles[name].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT


def styles_by_name(document: DocumentObject) -> dict[str, Any]:
    """The document's styles by the name Word stores (`w:name`; "heading 1" for the UI's
    "Heading 1"), as `document.styles[name]` finds them, read in one pass: python-docx
    looks each name up through all the styles, about 0.1 ms a lookup."""
    out: dict[str, Any] = {}
    for element in document.styles.element.style_lst:
        name = element.name_val
        if name is not None and name not in out:
            out[name] = StyleFactory(element)
    return out


# An id: capitals and digits joined by hyphens, with a digit ("2025-16044", "ITA-2025-0070",
# "251023-0165"; not "FILL-IN" or "AI-Optimized").
ID = re.compile(r"(?<![0-9A-Za-z-])[0-9A-Z]+(?:-[0-9A-Z]+)+(?![0-9A-Za-z-])")
_PARTS = ("/header", "/footer", "/footnotes")


def keep_ids_whole(document: DocumentObject) -> None:
    """FR Doc. numbers and docket ids never break at a hyphen: each hyphen inside one (a
    run of capitals and digits joined by hyphens, with a digit) becomes Word's
    non-breaking hyphen (w:noBreakHyphen), in the body, headers, footers and footnotes.
    LibreOffice reads it as its own non-breaking hyphen (U+2011) and prints and extracts
    it as "-", so a PDF is still searchable for "2025-16044"."""
    roots = [document.element.body] + [
        rel.target_part.element for rel in document.part.rels.values()
        if rel.reltype.endswith(_PARTS) and hasattr(rel.target_part, "element")]
    hyphen = qn("w:noBreakHyphen")
    for root in roots:
        for node in list(root.iter(qn("w:t"))):
            text = node.text or ""
            if "-" not in text:
                continue
            cuts = [m.start() + i for m in ID.finditer(text) if any(c.isdigit() for c in m[0])
                    for i, char in enumerate(m[0]) if char == "-"]
            if not cuts:
                continue
            pieces = [text[a + 1:b] for a, b in itertools.pairwise([-1, *cuts, len(text)])]
            run = node.getparent()
            at = run.index(node)
            run.remove(node)
            for number, piece in enumerate(pieces):
                if number:
                    run.insert(at, run.makeelement(hyphen, {}))
                    at += 1
                if piece:
                    element = run.makeelement(qn("w:t"), {})
                    element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                    element.text = piece
                    run.insert(at, element)
                    at += 1
