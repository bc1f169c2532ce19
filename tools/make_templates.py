"""Make templates/proposal.docx and templates/comment-letter.docx.

The templates are ordinary Word documents: a team can open them in Word and restyle them
(fonts, colours, spacing) without running this script. The script exists so that the
starting point is reproducible and reviewable:

    python tools/make_templates.py            # rewrite both templates
    python tools/make_templates.py --check    # exit 1 if the committed files differ

Korean settings follow ../shared/domain/korean-documents.md: explicit fonts without theme
attributes (a theme font wins over a named one), an East Asian font and `ko-KR` language on
the document defaults and every style, and word-level wrapping for Hangul.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from generator.i18n import LANGUAGES
from generator.ooxml import STYLES as RICH_TEXT_STYLES
from generator.ooxml import ensure_styles
from generator.output import docx_bytes
from generator.render import set_child
from generator.sections import SECTIONS

ROOT = Path(__file__).resolve().parent.parent
LATIN_FONT = "Arial"
# Word on Windows has Malgun Gothic; LibreOffice without it falls back by the ko-KR language
# tag to an installed Korean face (NanumGothic with Debian's fonts-nanum).
EAST_ASIAN_FONT = "Malgun Gothic"
ACCENT = RGBColor(0x1F, 0x3A, 0x5F)
# The styles of the table of contents' entries, which render.py writes.
TOC_STYLES = ("toc1", "toc2")


# --- styles ------------------------------------------------------------------------------


def _set_fonts(rpr: object) -> None:
    """Explicit Latin and East Asian faces and languages on one w:rPr element."""
    fonts = rpr.find(qn("w:rFonts"))  # type: ignore[attr-defined]
    if fonts is None:
        fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.insert(0, fonts)  # type: ignore[attr-defined]
    for attr in list(fonts.attrib):
        if attr.lower().endswith("theme"):
            del fonts.attrib[attr]
    for attr in ("ascii", "hAnsi", "cs"):
        fonts.set(qn(f"w:{attr}"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    # No w:hint here: "eastAsia" would set the punctuation both scripts share (“ ” — § ·)
    # in the Korean face in the English documents too. render.py adds it to Korean ones.
    fonts.attrib.pop(qn("w:hint"), None)
    lang = rpr.find(qn("w:lang"))  # type: ignore[attr-defined]
    if lang is None:
        lang = parse_xml(f"<w:lang {nsdecls('w')}/>")
        rpr.append(lang)  # type: ignore[attr-defined]
    lang.set(qn("w:val"), LANGUAGES["en"].bcp47)
    lang.set(qn("w:eastAsia"), LANGUAGES["ko"].bcp47)
    lang.set(qn("w:bidi"), "ar-SA")


def _setup_styles(doc: DocumentObject) -> None:
    styles_el = doc.styles.element
    defaults = styles_el.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr_default)
    # Every style that names fonts names ours, with no theme fonts left anywhere.
    for rfonts in styles_el.iter(qn("w:rFonts")):
        rpr = rfonts.getparent()
        _set_fonts(rpr)

    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    ppr = normal.element.get_or_add_pPr()
    # Hangul wraps between words (어절), not inside them. wordWrap on is word-level breaking;
    # off allows breaking inside a word (ECMA-376 Part 1, 17.3.1.45, whose example breaks
    # "wo|rld" with w:val="off"), and Word applies it to Korean text.
    set_child(ppr, parse_xml(f'<w:wordWrap {nsdecls("w")} w:val="1"/>'))
    # No extra gap between Hangul and Latin letters or digits ("2,300 명"): Korean
    # typesetting spaces them as typed.
    set_child(ppr, parse_xml(f'<w:autoSpaceDE {nsdecls("w")} w:val="0"/>'))
    set_child(ppr, parse_xml(f'<w:autoSpaceDN {nsdecls("w")} w:val="0"/>'))

    def para_style(name: str, base: str = "Normal", size: float = 12, bold: bool = False,
                   italic: bool = False, color: RGBColor | None = None,
                   align: WD_ALIGN_PARAGRAPH | None = None, before: float = 0,
                   after: float = 6, keep_next: bool = False, indent_cm: float = 0) -> None:
        try:
            style = doc.styles[name]
        except KeyError:
            style = doc.styles.add_style(name, 1)
        style.base_style = doc.styles[base]
        style.quick_style = True
        font = style.font
        font.size = Pt(size)
        font.bold = bold
        font.italic = italic
        if color is not None:
            font.color.rgb = color
        fmt = style.paragraph_format
        fmt.space_before = Pt(before)
        fmt.space_after = Pt(after)
        fmt.keep_with_next = keep_next
        if align is not None:
            fmt.alignment = align
        if indent_cm:
            fmt.left_indent = Cm(indent_cm)
        _set_fonts(style.element.get_or_add_rPr())

    para_style("Title", size=24, bold=True, color=ACCENT, after=6)
    para_style("Subtitle", size=16, color=ACCENT, after=18)
    para_style("Heading 1", size=16, bold=True, color=ACCENT, before=18, after=8, keep_next=True)
    para_style("Heading 2", size=14, bold=True, color=ACCENT, before=12, after=6, keep_next=True)
    para_style("Heading 3", size=12, bold=True, color=ACCENT, before=10, after=4, keep_next=True)
    for level in (1, 2, 3):
        style = doc.styles[f"Heading {level}"]
        style.font.italic = False
        style.paragraph_format.keep_together = True
    para_style("Letterhead", size=18, bold=True, color=ACCENT, after=2)
    para_style("Letterhead Detail", size=12, color=RGBColor(0x44, 0x44, 0x44), after=0)
    para_style("Caption Line", size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
               before=12, after=12)
    para_style("Reference Line", size=12, bold=True, after=12)
    # A prompt stays on the page of its answer (keep with next, and whole).
    para_style("Question", italic=True, indent_cm=0.75, color=RGBColor(0x33, 0x33, 0x33),
               keep_next=True)
    doc.styles["Question"].paragraph_format.keep_together = True
    para_style("Notice Box", size=12, bold=True, color=RGBColor(0x8B, 0x1A, 0x1A), after=12)
    para_style("Confidential Label", size=12, bold=True, color=RGBColor(0x8B, 0x1A, 0x1A),
               keep_next=True)
    # A sentence that introduces a table stays on the table's page.
    para_style("Table Lead", keep_next=True, before=6)
    para_style("TOC Heading", size=16, bold=True, color=ACCENT, after=12)
    para_style("toc 1", after=4)
    para_style("toc 2", after=2, indent_cm=0.6)
    for name in ("toc 1", "toc 2"):
        # Page numbers flush right with a dot leader, inside an A4 text width too.
        set_child(doc.styles[name].element.get_or_add_pPr(), parse_xml(
            f'<w:tabs {nsdecls("w")}><w:tab w:val="right" w:leader="dot" w:pos="9020"/>'
            '</w:tabs>'))
    para_style("Redaction", size=12, italic=True, color=RGBColor(0x55, 0x55, 0x55))
    # A letter's last paragraph stays on the page of the signature block after it.
    para_style("Closing", keep_next=True)
    para_style("Signature", after=0, keep_next=True)
    doc.styles["Signature"].paragraph_format.keep_together = True
    # The blank a wet or electronic signature goes in: one line exactly 36 pt high.
    para_style("Signature Space", base="Signature", after=0, keep_next=True)
    space = doc.styles["Signature Space"].paragraph_format
    space.line_spacing, space.line_spacing_rule = Pt(36), WD_LINE_SPACING.EXACTLY
    space.keep_together = True
    para_style("Table Text", after=0)
    para_style("Provider Line", bold=True, after=4, keep_next=True)
    para_style("Page Header", size=12, bold=True, color=RGBColor(0x8B, 0x1A, 0x1A),
               align=WD_ALIGN_PARAGRAPH.RIGHT, after=0)
    para_style("Page Footer", size=12, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    set_child(doc.styles["Notice Box"].element.get_or_add_pPr(), parse_xml(
        f'<w:pBdr {nsdecls("w")}><w:top w:val="single" w:sz="6" w:space="4" w:color="8B1A1A"/>'
        '<w:bottom w:val="single" w:sz="6" w:space="4" w:color="8B1A1A"/></w:pBdr>'
    ))

    # Rich text's character and footnote styles (generator/ooxml.py), to restyle in Word.
    ensure_styles(doc)
    styles_el.append(parse_xml(
        f'<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="FilingTable">'
        '<w:name w:val="Filing Table"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>'
        '<w:qFormat/><w:pPr><w:spacing w:before="40" w:after="40"/></w:pPr>'
        '<w:tblPr><w:tblBorders>'
        '<w:top w:val="single" w:sz="8" w:space="0" w:color="1F3A5F"/>'
        '<w:left w:val="nil"/><w:right w:val="nil"/>'
        '<w:bottom w:val="single" w:sz="8" w:space="0" w:color="1F3A5F"/>'
        '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="A6B4C8"/>'
        '<w:insideV w:val="nil"/></w:tblBorders>'
        '<w:tblCellMar><w:top w:w="60" w:type="dxa"/><w:left w:w="100" w:type="dxa"/>'
        '<w:bottom w:w="60" w:type="dxa"/><w:right w:w="100" w:type="dxa"/></w:tblCellMar>'
        '</w:tblPr>'
        '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:color w:val="FFFFFF"/></w:rPr>'
        '<w:tblPr/><w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="1F3A5F"/></w:tcPr>'
        '</w:tblStylePr></w:style>'
    ))


def _setup_page(doc: DocumentObject, title: str) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.59), Cm(27.94)  # US Letter
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.54))
    header = section.header.paragraphs[0]
    header.style = doc.styles["Page Header"]
    header.text = "{{ page_header }}"
    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["Page Footer"]
    footer._p.append(parse_xml(
        f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
    ))
    footer.add_run(" / ")
    footer._p.append(parse_xml(
        f'<w:fldSimple {nsdecls("w")} w:instr=" NUMPAGES "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
    ))
    props = doc.core_properties
    props.title = title
    # No tool name in anything a filed document carries: the build sets author and title.
    props.author = ""
    props.comments = "Template: the Jinja tags are filled in by the build."


# --- helpers -----------------------------------------------------------------------------


def _heading(key: str) -> str:
    """A proposal heading from the section table: `2. {{ _('...') }}`, `7.1 {{ _('...') }}`."""
    section = SECTIONS[key]
    separator = " " if "." in section.number else ". "
    return f"{section.number}{separator}{{{{ _('{section.title}') }}}}"


def _p(doc: DocumentObject, text: str, style: str = "Normal") -> None:
    doc.add_paragraph(text, style=style)


def _table(doc: DocumentObject, header: list[str], row: list[str], loop: str,
           widths: list[float], total_rows: tuple[str, list[str]] | None = None) -> None:
    """A header row, then template rows repeated by docxtpl `{%tr for %}` loops."""
    layout: list[list[str]] = [header, ["{%tr " + loop + " %}"], row, ["{%tr endfor %}"]]
    if total_rows:
        total_loop, total_cells = total_rows
        layout += [["{%tr " + total_loop + " %}"], total_cells, ["{%tr endfor %}"]]
    table = doc.add_table(rows=len(layout), cols=len(header))
    table.style = doc.styles["Filing Table"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for table_row, texts in zip(table.rows, layout, strict=True):
        for index, text in enumerate(texts):
            table_row.cells[index].text = text
    # Word repeats the header row on every page; data rows do not split across pages.
    table.rows[0]._tr.get_or_add_trPr().append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
    for table_row in table.rows[1:]:
        table_row._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))
    for table_row in table.rows:
        for index, cell in enumerate(table_row.cells):
            cell.width = Cm(widths[index])
            for paragraph in cell.paragraphs:
                paragraph.style = doc.styles["Table Text"]
    _grid(table, widths)
    if total_rows:
        for cell in table.rows[-2].cells:
            for run in cell.paragraphs[0].runs:
                run.bold = True


def _grid(table: object, widths: list[float] | tuple[float, ...]) -> None:
    """Column widths in the grid too: LibreOffice lays tables out by w:gridCol."""
    grid = table._tbl.tblGrid  # type: ignore[attr-defined]
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(Cm(width).twips))


def _kv_table(doc: DocumentObject, pairs: list[tuple[str, ...]],
              widths: tuple[float, float]) -> None:
    """Label/value rows; a pair's optional third item is a condition for its row."""
    rows: list[tuple[str, ...]] = []
    for pair in pairs:
        if len(pair) == 3:
            rows += [("{%tr if " + pair[2] + " %}", ""), (pair[0], pair[1]),
                     ("{%tr endif %}", "")]
        else:
            rows.append((pair[0], pair[1]))
    pairs = rows
    table = doc.add_table(rows=len(pairs), cols=2)
    table.style = doc.styles["Filing Table"]
    table.autofit = False
    # No shaded header row in a key/value table.
    tbl_look = table._tbl.tblPr.find(qn("w:tblLook"))
    if tbl_look is None:
        tbl_look = parse_xml(f"<w:tblLook {nsdecls('w')}/>")
        table._tbl.tblPr.append(tbl_look)
    tbl_look.set(qn("w:firstRow"), "0")
    tbl_look.set(qn("w:val"), "0000")
    for row, (key, value) in zip(table.rows, pairs, strict=True):
        row.cells[0].text = key
        row.cells[1].text = value
        row.cells[0].width, row.cells[1].width = Cm(widths[0]), Cm(widths[1])
        for cell in row.cells:
            cell.paragraphs[0].style = doc.styles["Table Text"]
        if row.cells[0].paragraphs[0].runs:
            row.cells[0].paragraphs[0].runs[0].bold = True
    _grid(table, widths)


def _page_break(doc: DocumentObject) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


# --- documents ---------------------------------------------------------------------------


def make_proposal() -> DocumentObject:
    doc = Document()
    _setup_styles(doc)
    _setup_page(doc, "Proposal")
    _p(doc, "{{ title }}", "Title")
    _p(doc, "{{ consortium_name }}", "Subtitle")
    _kv_table(doc, [
        ("{{ _('Document') }}", "{{ _('Proposal for a full-stack AI export package') }}"),
        ("{{ _('Submitted to') }}", "{{ submitted_to }}"),
        ("{{ _('Program') }}", "{{ program_name }}"),
        ("{{ _('Call for proposals') }}", "{{ call }}", "call"),
        ("{{ _('Submitted under') }}", "{{ executive_order }}"),
        ("{{ _('Anchor member') }}", "{{ anchor_name }}"),
        ("{{ _('Consortium members') }}", "{{ member_names }}"),
        ("{{ _('Point of contact') }}", "{{ point_of_contact }}", "point_of_contact"),
        ("{{ _('Date') }}", "{{ date }}"),
    ], (4.5, 12.0))
    _p(doc, "{%p if legend %}")
    _p(doc, "{{ legend }}", "Notice Box")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if public_note %}")
    _p(doc, "{{ public_note }}", "Notice Box")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if draft_note %}")
    _p(doc, "{{ draft_note }}", "Notice Box")
    _p(doc, "{%p endif %}")
    _page_break(doc)
    # render.py fills in the entries after this heading: a Word TOC field whose cached
    # result already lists every heading, with page numbers as PAGEREF fields.
    _p(doc, "{{ toc_heading }}", "TOC Heading")
    _page_break(doc)

    _p(doc, _heading("executive_summary"), "Heading 1")
    _p(doc, "{{ executive_summary }}")

    _p(doc, _heading("consortium"), "Heading 1")
    _p(doc, "{{ members_intro }}", "Table Lead")
    _table(doc,
           ["{{ _('Member') }}", "{{ _('Role') }}", "{{ _('Country') }}",
            "{{ _('Contribution') }}"],
           ["{{ m.name }}", "{{ m.role }}", "{{ m.location }}", "{{ m.contribution }}"],
           "for m in members", [4.2, 2.6, 3.4, 6.3])
    _p(doc, "{%p if contacts %}")
    _p(doc, "{{ _('Points of contact of the members:') }}", "Table Lead")
    _table(doc,
           ["{{ _('Member') }}", "{{ _('Contact') }}", "{{ _('E-mail and telephone') }}"],
           ["{{ c.member }}", "{{ c.name }}{% if c.title %}, {{ c.title }}{% endif %}",
            "{{ c.reach }}"],
           "for c in contacts", [4.0, 5.5, 7.0])
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if concern_suppliers %}")
    _p(doc, "{{ _('Suppliers located in a country of concern, as disclosed by the members:') }}",
       "Table Lead")
    _table(doc,
           ["{{ _('Member') }}", "{{ _('Supplier') }}", "{{ _('Country') }}",
            "{{ _('Supplies') }}"],
           ["{{ cs.member }}", "{{ cs.name }}", "{{ cs.country }}", "{{ cs.supplies }}"],
           "for cs in concern_suppliers", [4.0, 4.2, 3.0, 5.3])
    _p(doc, "{%p endif %}")

    _p(doc, _heading("stack"), "Heading 1")
    _p(doc, "{{ _('The package covers the five layers set out in section 3(b)(i) of Executive "
            "Order 14320.') }}")
    _p(doc, "{%p for layer in layers %}")
    _p(doc, "{{ layer.heading }}", "Heading 2")
    _p(doc, "{{ _('Provided by') }}: {{ layer.providers }}", "Provider Line")
    _p(doc, "{%p if layer.confidential %}")
    _p(doc, "{{ confidential_mark }}", "Confidential Label")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if layer.redacted %}")
    _p(doc, "{{ redacted }}", "Redaction")
    _p(doc, "{%p else %}")
    _p(doc, "{{ layer.description }}")
    _p(doc, "{%p if layer.ai_models %}")
    _p(doc, "{{ _('The models offered:') }}", "Table Lead")
    _table(doc,
           ["{{ _('Model') }}", "{{ _('Developer') }}", "{{ _('Country') }}",
            "{{ _('Weights') }}"],
           ["{{ am.name }}", "{{ am.developer }}", "{{ am.country }}", "{{ am.weights }}"],
           "for am in layer.ai_models", [4.6, 4.6, 3.6, 3.7])
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if layer.hardware %}")
    _p(doc, "{{ _('U.S. Manufacturing and U.S.-Origin Content') }}", "Heading 3")
    _p(doc, "{{ layer.us_manufacturing }}")
    _p(doc, "{{ layer.us_origin_statement }}")
    _p(doc, "{%p if layer.us_content_explanation %}")
    _p(doc, "{{ layer.us_content_explanation }}")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p endfor %}")

    _p(doc, _heading("targets"), "Heading 1")
    _table(doc,
           ["{{ _('Target') }}", "{{ _('Type') }}", "{{ _('Rationale') }}"],
           ["{{ t.name }}", "{{ t.type }}", "{{ t.rationale }}"],
           "for t in targets", [4.6, 3.2, 8.7])

    _p(doc, _heading("business_model"), "Heading 1")
    _p(doc, "{%p if business.confidential %}")
    _p(doc, "{{ confidential_mark }}", "Confidential Label")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if business.redacted %}")
    _p(doc, "{{ redacted }}", "Redaction")
    _p(doc, "{%p else %}")
    _p(doc, "{{ business.summary }}")
    _kv_table(doc, [
        ("{{ _('Manufactures the hardware') }}", "{{ business.manufacturers }}"),
        ("{{ _('Builds the data centers') }}", "{{ business.build }}"),
        ("{{ _('Owns the data centers') }}", "{{ business.own }}"),
        ("{{ _('Operates the data centers') }}", "{{ business.operate }}"),
    ], (6.0, 10.5))
    _p(doc, "{%p if business.external %}")
    _p(doc, "{{ _('Entities outside the consortium that build, own or operate the data "
            "centers:') }}", "Table Lead")
    _table(doc, ["{{ _('Entity') }}", "{{ _('Country') }}"],
           ["{{ e.name }}", "{{ e.country }}"], "for e in business.external", [10.5, 6.0])
    _p(doc, "{%p endif %}")
    _p(doc, "{%p endif %}")

    _p(doc, _heading("federal_support"), "Heading 1")
    _p(doc, "{{ support_summary }}", "Table Lead")
    _table(doc,
           ["{{ _('Instrument') }}", "{{ _('Agency') }}", "{{ _('Amount') }}",
            "{{ _('Purpose') }}"],
           ["{{ s.instrument }}", "{{ s.agency }}", "{{ s.amount }}", "{{ s.purpose }}"],
           "for s in support", [3.4, 3.6, 4.4, 5.1],
           total_rows=("for t in support_totals",
                       ["{{ t.label }}", "", "{{ t.amount }}", ""]))

    _p(doc, _heading("compliance"), "Heading 1")
    _p(doc, _heading("compliance.export_controls"), "Heading 2")
    _p(doc, "{{ compliance.export_controls }}")
    _p(doc, _heading("compliance.outbound_investment"), "Heading 2")
    _p(doc, "{{ compliance.outbound_investment }}")
    _p(doc, _heading("compliance.end_user_policies"), "Heading 2")
    _p(doc, "{{ compliance.end_user_policies }}")

    _p(doc, _heading("milestones"), "Heading 1")
    _p(doc, "{%p if milestones %}")
    _table(doc, ["{{ _('Date') }}", "{{ _('Milestone') }}"],
           ["{{ ms.date }}", "{{ ms.description }}"], "for ms in milestones", [3.6, 12.9])
    _p(doc, "{%p else %}")
    _p(doc, "{{ _('No milestones are given.') }}")
    _p(doc, "{%p endif %}")

    _p(doc, _heading("signature"), "Heading 1")
    _p(doc, "{{ signature_intro }}", "Signature")
    # Room to sign, as in the letter: kept on the page of the name, title and company.
    _p(doc, "", "Signature Space")
    _p(doc, "{{ signatory.name }}", "Signature")
    _p(doc, "{{ signatory.title }}", "Signature")
    _p(doc, "{{ signatory.organization }}", "Signature")
    _p(doc, "{{ date }}", "Signature")
    _p(doc, "{%p if point_of_contact %}")
    _p(doc, "", "Signature")
    _p(doc, "{{ _('Point of contact') }}: {{ point_of_contact }}", "Signature")
    _p(doc, "{%p endif %}")

    _p(doc, "{%p if annex %}")
    _p(doc, "{{ _('Annex') }}. {{ _('Compliance Matrix') }}", "Heading 1")
    _p(doc, "{{ annex.intro }}", "Table Lead")
    # The status column is internal review: drafts and the side-by-side copy only.
    _p(doc, "{%p if show_status %}")
    _table(doc,
           ["{{ _('Requirement') }}", "{{ _('Citation') }}", "{{ _('Where addressed') }}",
            "{{ _('Status') }}"],
           ["{{ r.requirement }}", "{{ r.citation }}", "{{ r.section }}", "{{ r.status }}"],
           "for r in annex.rows", [6.8, 3.6, 3.6, 2.5])
    _p(doc, "{%p else %}")
    _table(doc,
           ["{{ _('Requirement') }}", "{{ _('Citation') }}", "{{ _('Where addressed') }}"],
           ["{{ r.requirement }}", "{{ r.citation }}", "{{ r.section }}"],
           "for r in annex.rows", [7.2, 5.1, 4.2])
    _p(doc, "{%p endif %}")
    _p(doc, "{%p endif %}")
    return doc


def make_letter() -> DocumentObject:
    doc = Document()
    _setup_styles(doc)
    _setup_page(doc, "Comment letter")
    _p(doc, "{{ commenter.name }}", "Letterhead")
    _p(doc, "{%p if commenter.address %}")
    _p(doc, "{{ commenter.address }}", "Letterhead Detail")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if commenter.country %}")
    _p(doc, "{{ commenter.country }}", "Letterhead Detail")
    _p(doc, "{%p endif %}")
    _p(doc, "{{ commenter.contacts }}", "Letterhead Detail")
    _p(doc, "")
    _p(doc, "{%p if governing_note %}")
    _p(doc, "{{ governing_note }}", "Notice Box")
    _p(doc, "{%p endif %}")
    _p(doc, "{{ date }}")
    _p(doc, "{%p if reference %}")
    _p(doc, "{{ _('Our reference') }}: {{ reference }}")
    _p(doc, "{%p endif %}")
    _p(doc, "")
    # One reference block (agency, notice, its FR Doc. citation and dockets, how sent),
    # the caption the notice asks for, and one subject line.
    _p(doc, "{{ addressee.agency }}", "Signature")
    _p(doc, "{{ addressee.notice }}", "Signature")
    _p(doc, "{{ addressee.citation }}", "Signature")
    _p(doc, "{{ addressee.dockets }}", "Signature")
    _p(doc, "{{ _('Submitted via') }}: {{ addressee.submit_via }}", "Signature")
    _p(doc, "{{ caption }}", "Caption Line")
    _p(doc, "{%p if subject %}")
    _p(doc, "{{ _('RE') }}: {{ subject }}", "Reference Line")
    _p(doc, "{%p endif %}")

    _p(doc, "{{ intro_heading }}", "Heading 1")
    _p(doc, "{{ introduction }}")
    _p(doc, "{{ commenter.description }}")

    _p(doc, "{%p for s in sections %}")
    _p(doc, "{{ s.heading }}", "Heading 1")
    _p(doc, "{%p if s.inferred_note %}")
    _p(doc, "{{ s.inferred_note }}", "Redaction")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p for a in s.answers %}")
    _p(doc, "{%p if a.heading %}")
    _p(doc, "{{ a.heading }}", "Heading 2")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if a.question %}")
    _p(doc, "{{ a.question }}", "Question")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if a.redacted %}")
    _p(doc, "{{ redaction_notice }}", "Redaction")
    _p(doc, "{%p else %}")
    _p(doc, "{%p if a.confidential %}")
    _p(doc, "{{ confidential_label }}", "Confidential Label")
    _p(doc, "{{ a.justification }}", "Redaction")
    _p(doc, "[{{ a.text }}]")
    _p(doc, "{%p else %}")
    _p(doc, "{{ a.text }}")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endfor %}")

    _p(doc, "{{ closing_heading }}", "Heading 1")
    _p(doc, "{{ closing }}", "Closing")
    _p(doc, "", "Signature")
    _p(doc, "{%p if signature.close %}")
    _p(doc, "{{ signature.close }}", "Signature")
    _p(doc, "{%p endif %}")
    # Room to sign (about three lines), kept on the page of the name, title and company.
    _p(doc, "", "Signature Space")
    _p(doc, "{%p for line in signature.lines %}")
    _p(doc, "{% for part in line %}{{ part }}{% if not loop.last %} {% endif %}{% endfor %}",
       "Signature")
    _p(doc, "{%p endfor %}")
    return doc


def _slim(doc: DocumentObject) -> None:
    """Drop what python-docx's default template carries and these documents never use.

    Its styles.xml (360 kB, ~160 styles) and the Word 2010 stylesWithEffects.xml copy
    (440 kB) are parsed, written and compressed again for every document built; a
    thumbnail of an unrelated page would show in file browsers.
    """
    unused = ("stylesWithEffects", "customXml", "thumbnail")
    for owner in (doc.part, doc.part.package):
        for r_id, rel in list(owner.rels.items()):
            if any(rel.reltype.endswith(name) for name in unused):
                del owner.rels[r_id]
    styles = doc.styles.element
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        styles.remove(latent)
    by_id = {s.get(qn("w:styleId")): s for s in styles.findall(qn("w:style"))}
    used: set[str] = {sid for sid, s in by_id.items() if s.get(qn("w:default")) == "1"}
    parts = [doc.part.element]
    parts += [rel.target_part.element for rel in doc.part.rels.values()
              if rel.reltype.endswith(("/header", "/footer"))]
    for element in parts:
        for tag in ("w:pStyle", "w:rStyle", "w:tblStyle"):
            used.update(node.get(qn("w:val")) for node in element.iter(qn(tag)))
    # Styles propgen adds at build time, and the core set a team restyles in Word.
    used.update({"FilingTable", "TableText", "Title", "Subtitle",
                 "Heading1", "Heading2", "Heading3", *TOC_STYLES, *RICH_TEXT_STYLES})
    pending = list(used)
    while pending:
        style = by_id.get(pending.pop())
        if style is None:
            continue
        for link in ("w:basedOn", "w:next", "w:link"):
            node = style.find(qn(link))
            if node is not None and node.get(qn("w:val")) not in used:
                used.add(node.get(qn("w:val")))
                pending.append(node.get(qn("w:val")))
    for sid, style in by_id.items():
        if sid not in used:
            styles.remove(style)


def _settings(doc: DocumentObject) -> None:
    """Word 2013 and later layout, so Word does not open the documents in "Compatibility
    Mode"; Korean, not python-docx's Japanese, as the theme's East Asian language."""
    settings = doc.settings.element
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), LANGUAGES["ko"].bcp47)


def _bytes(doc: DocumentObject) -> bytes:
    _slim(doc)
    _settings(doc)
    return docx_bytes(doc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare with the files")
    args = parser.parse_args()
    stale = []
    for name, maker in (("proposal.docx", make_proposal), ("comment-letter.docx", make_letter)):
        data = _bytes(maker())
        target = ROOT / "templates" / name
        if args.check:
            if not target.exists() or target.read_bytes() != data:
                stale.append(name)
        else:
            target.write_bytes(data)
            print(f"wrote {target.relative_to(ROOT)}")
    if stale:
        print("stale templates: " + ", ".join(stale) + "; run python tools/make_templates.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
