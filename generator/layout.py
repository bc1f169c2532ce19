"""Layout a reader meets after rendering: the table of contents, Korean justification.

Both work on the rendered document's XML, so they apply to a team's own templates too:
a template that has no "TOC Heading" paragraph gets no table of contents.
"""

from __future__ import annotations

from typing import Any

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


def _style(paragraph: Any) -> str:
    node = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return "" if node is None else str(node.get(qn("w:val")))


def _text(paragraph: Any) -> str:
    return "".join(t.text or "" for t in paragraph.iter(qn("w:t")))


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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
    anchor = next((p for p in paragraphs if _style(p) == "TOCHeading"), None)
    if anchor is None:
        return
    headings = [p for p in paragraphs[paragraphs.index(anchor) + 1:]
                if _style(p) in TOC_LEVELS and _text(p).strip()]
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
            f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{TOC_LEVELS[_style(heading)]}"/>'
            f'</w:pPr>{begin}<w:hyperlink w:anchor="{name}" w:history="1">'
            f'<w:r><w:t xml:space="preserve">{_escape(_text(heading))}</w:t></w:r>'
            f'<w:r><w:tab/></w:r>{pageref}'
            f'</w:hyperlink>{end}</w:p>'))
    for entry in reversed(entries):
        anchor.addnext(entry)


def justify_korean(document: DocumentObject) -> None:
    """Korean body text justified (양쪽 정렬), as Korean business documents are set;
    table cells and lines set apart stay left-aligned, where justification opens wide
    gaps."""
    styles = styles_by_name(document)
    if "Normal" in styles:
        styles["Normal"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    # Lines set on their own (notices, the RE line, prompts, addresses) stay flush left:
    # justified, their last words would spread across the line.
    for name in ("Table Text", "Signature", "Letterhead", "Letterhead Detail", "toc 1",
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
