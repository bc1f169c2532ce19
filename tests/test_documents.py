"""The documents a reader gets: headings, tables, letters' notice details, redaction."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from generator.build import BuildOptions, build_files
from generator.cli import cli
from generator.render import section_headings

from helpers import LETTER, PROPOSAL

PROPOSAL_H1_EN = [
    "1. Executive Summary",
    "2. Consortium Members and Roles",
    "3. Full-Stack AI Technology Package",
    "4. Target Countries and Regional Blocs",
    "5. Business and Operational Model",
    "6. Federal Support Requested",
    "7. Compliance with Export Controls, Outbound Investment and End-User Policies",
    "8. Milestones",
    "9. Signature",
    "Annex. Compliance Matrix",
]
PROPOSAL_H1_KO = [
    "1. 요약",
    "2. 컨소시엄 참여 기업 및 역할",
    "3. 풀스택 AI 기술 패키지",
    "4. 대상 국가 및 지역 블록",
    "5. 사업 및 운영 모델",
    "6. 요청하는 연방 정부 지원",
    "7. 수출통제, 대외 투자 규정 및 최종사용자 정책 준수",
    "8. 주요 일정",
    "9. 서명",
    "부록. 요건 준수 대조표",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    result = build_files([PROPOSAL, LETTER], BuildOptions(output_dir=out))
    assert not result.errors
    return out


@pytest.fixture(scope="module")
def built_public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("public")
    result = build_files([LETTER], BuildOptions(output_dir=out, public=True))
    assert not result.errors
    return out


def headings(path: Path, level: int = 1) -> list[str]:
    return [text for style, text in section_headings(Document(str(path)))
            if style == f"Heading{level}"]


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def table_with_header(path: Path, first_header: str) -> list[list[str]]:
    for table in Document(str(path)).tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows and rows[0][0] == first_header:
            return rows
    raise AssertionError(f"no table starting with {first_header!r} in {path.name}")


def header_texts(path: Path) -> list[str]:
    """The visible text of every page header part."""
    with zipfile.ZipFile(path) as package:
        parts = [package.read(n) for n in package.namelist() if n.startswith("word/header")]
    return ["".join(etree.fromstring(xml).itertext()) for xml in parts]


def test_cli_writes_three_documents_per_submission(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(PROPOSAL), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.glob("*.docx"))
    assert names == [
        "proposal-lodestar.bilingual.docx",
        "proposal-lodestar.en.docx",
        "proposal-lodestar.ko.docx",
    ]


def test_proposal_sections_in_program_order(built: Path) -> None:
    assert headings(built / "proposal-lodestar.en.docx") == PROPOSAL_H1_EN
    assert headings(built / "proposal-lodestar.ko.docx") == PROPOSAL_H1_KO


def test_layers_a_to_e_with_us_content_under_hardware(built: Path) -> None:
    h2 = headings(built / "proposal-lodestar.en.docx", 2)
    layer_headings = [h for h in h2 if h.startswith("3.")]
    assert [h.split(" ")[1] for h in layer_headings] == ["(A)", "(B)", "(C)", "(D)", "(E)"]
    assert "U.S. Manufacturing and U.S.-Origin Content" in headings(
        built / "proposal-lodestar.en.docx", 3)
    text = "\n".join(paragraphs(built / "proposal-lodestar.en.docx"))
    assert "62% of aggregate value" in text
    ko_text = "\n".join(paragraphs(built / "proposal-lodestar.ko.docx"))
    assert "총가치 기준 62%" in ko_text


def test_member_table(built: Path) -> None:
    rows = table_with_header(built / "proposal-lodestar.en.docx", "Member")
    assert rows[0] == ["Member", "Role", "Country", "Contribution"]
    assert len(rows) == 1 + 7
    assert rows[1][:3] == ["Lodestar Compute, Inc.", "Anchor member", "United States"]
    assert rows[2][:3] == ["Hanul Memory Co., Ltd.", "Consortium member", "South Korea"]
    ko_rows = table_with_header(built / "proposal-lodestar.ko.docx", "참여 기업")
    assert ko_rows[1][:3] == ["로드스타 컴퓨트", "주관 기업", "미국"]
    assert ko_rows[2][2] == "대한민국"


def test_federal_support_table_with_formatted_amounts_and_total(built: Path) -> None:
    rows = table_with_header(built / "proposal-lodestar.en.docx", "Instrument")
    assert rows[1][:3] == ["Direct loan", "Export-Import Bank of the United States (EXIM)",
                           "$1,000,000,000"]
    assert rows[4][2] == "—"  # advocacy has no amount
    assert rows[-1][0] == "Total (USD)" and rows[-1][2] == "$1,502,500,000"
    ko_rows = table_with_header(built / "proposal-lodestar.ko.docx", "지원 수단")
    assert ko_rows[1][2] == "US$1,000,000,000"
    assert ko_rows[-1][0] == "합계(USD)" and ko_rows[-1][2] == "US$1,502,500,000"
    ko_text = "\n".join(paragraphs(built / "proposal-lodestar.ko.docx"))
    assert "총 15억 250만 달러" in ko_text
    en_text = "\n".join(paragraphs(built / "proposal-lodestar.en.docx"))
    assert "$1.5025 billion" in en_text


def test_targets_table_names_countries_per_language(built: Path) -> None:
    rows = table_with_header(built / "proposal-lodestar.ko.docx", "대상")
    assert [r[0] for r in rows[1:]] == ["베트남", "인도네시아", "아세안: 필리핀, 말레이시아 및 태국"]


def test_english_and_korean_have_the_same_structure(built: Path) -> None:
    for stem in ("proposal-lodestar", "letter-onnuri"):
        en = [style for style, _ in section_headings(Document(str(built / f"{stem}.en.docx")))]
        ko = [style for style, _ in section_headings(Document(str(built / f"{stem}.ko.docx")))]
        assert en == ko and len(en) > 5
        en_tables = len(Document(str(built / f"{stem}.en.docx")).tables)
        assert en_tables == len(Document(str(built / f"{stem}.ko.docx")).tables)


def test_letter_has_caption_docket_and_citation(built: Path) -> None:
    text = paragraphs(built / "letter-onnuri.en.docx")
    assert "American AI Exports Program Comments" in text
    # One reference block: agency, notice, its citation and dockets, then the channels.
    agency = text.index("International Trade Administration, U.S. Department of Commerce")
    assert text[agency:agency + 4] == [
        "International Trade Administration, U.S. Department of Commerce",
        "American AI Exports Program — Request for Information",
        "FR Doc. 2025-19674, published October 28, 2025",
        "Docket Nos. ITA-ITA-2025-0070 and 251023-0165"]
    assert text[agency + 4].startswith("Submitted via: ")
    assert "December 12, 2025" in text


def test_letter_answers_follow_the_notice_order(built: Path) -> None:
    assert headings(built / "letter-onnuri.en.docx") == [
        "Introduction",
        "Section A. Respondent Background",
        "Section B. The AI Technology Stack",
        "Section C. Consortia Membership and Formation",
        "Section F. Federal Support for Consortia",
        "Conclusion",
    ]
    assert headings(built / "letter-onnuri.en.docx", 2) == [
        "Question A.1", "Question A.2", "Question B.1"]


def test_korean_letter_is_a_review_copy(built: Path) -> None:
    text = paragraphs(built / "letter-onnuri.ko.docx")
    assert any("영문본이 우선" in p for p in text)
    # The profile's Korean caption; the English one is what the filed copy carries.
    assert "미국산 AI 수출 프로그램 의견" in text
    assert "American AI Exports Program Comments" not in text
    assert headings(built / "letter-onnuri.ko.docx")[:2] == ["1. 개요", "2. 응답자 배경(섹션 A)"]
    assert headings(built / "letter-onnuri.ko.docx", 2)[:2] == ["가. 질문 A.1", "나. 질문 A.2"]
    closing = next(p for p in text if "끝." in p)
    assert closing.endswith("  끝.")
    assert "2025년 12월 12일" in text
    assert any("ITA-ITA-2025-0070" in p for p in text)


def test_confidential_version_marks_every_page(built: Path) -> None:
    headers = header_texts(built / "letter-onnuri.en.docx")
    assert headers and all("BUSINESS CONFIDENTIAL" in h for h in headers)
    assert header_texts(built / "letter-onnuri.ko.docx") == ["영업 기밀"]
    assert header_texts(built / "letter-onnuri.bilingual.docx") == ["BUSINESS CONFIDENTIAL / 영업 기밀"]
    text = "\n".join(paragraphs(built / "letter-onnuri.en.docx"))
    assert "US$420 million" in text
    assert "justification for non-disclosure" in text


def test_public_version_redacts_confidential_answers(built_public: Path) -> None:
    path = built_public / "letter-onnuri.public.en.docx"
    text = "\n".join(paragraphs(path))
    assert "US$420 million" not in text
    assert "5 U.S.C. 552(b)(4)" not in text
    assert "[Business confidential information has been removed from this public version.]" in text
    assert all("PUBLIC VERSION" in h for h in header_texts(path))
    ko = "\n".join(paragraphs(built_public / "letter-onnuri.public.ko.docx"))
    assert "4억 2,000만 달러" not in ko and "[공개본에서는 영업 기밀 정보를 삭제하였습니다.]" in ko
    bilingual = Document(str(built_public / "letter-onnuri.public.bilingual.docx"))
    all_text = "\n".join(c.text for t in bilingual.tables for r in t.rows for c in r.cells)
    assert "US$420 million" not in all_text


def test_bilingual_copy_puts_english_left_korean_right(built: Path) -> None:
    for stem in ("proposal-lodestar", "letter-onnuri"):
        document = Document(str(built / f"{stem}.bilingual.docx"))
        table = document.tables[0]
        assert [c.text for c in table.rows[0].cells] == ["English", "한국어"]
        # Every Heading 1 of each language opens a row, beside its counterpart.
        firsts = [(row.cells[0].paragraphs[0], row.cells[1].paragraphs[0])
                  for row in table.rows[1:]]
        pairs = [(en.text, ko.text) for en, ko in firsts if en.style.name == "Heading 1"]
        assert [en for en, _ in pairs] == headings(built / f"{stem}.en.docx")
        assert [ko for _, ko in pairs] == headings(built / f"{stem}.ko.docx")
        section = document.sections[0]
        assert section.page_width is not None and section.page_height is not None
        assert section.page_width > section.page_height  # landscape
    rows = Document(str(built / "proposal-lodestar.bilingual.docx")).tables[0].rows
    row = next(r for r in rows if r.cells[0].paragraphs[0].text == "1. Executive Summary")
    left, right = row.cells
    assert right.paragraphs[0].text == "1. 요약"
    # The heading and its paragraph share a row, beside their translation.
    assert left.paragraphs[1].text.startswith("The Lodestar Trusted AI Consortium offers")
    assert right.paragraphs[1].text.startswith("로드스타 신뢰 AI 컨소시엄은")
    assert len(left.paragraphs) == len(right.paragraphs) == 2


def test_bilingual_copy_lets_rows_break_across_pages(built: Path) -> None:
    """A heading that keeps with the next paragraph, or a page break, inside a table cell
    makes LibreOffice push the whole row to the next page, leaving half-empty pages. Only a
    row of nothing but headings and a prompt keeps with the row after it."""
    def keeps(*roots: etree._Element) -> list[etree._Element]:
        return [e for root in roots for e in root.iter(qn("w:keepNext"), qn("w:keepLines"))
                if e.get(qn("w:val"), "1") not in ("0", "false")]

    with zipfile.ZipFile(built / "proposal-lodestar.en.docx") as package:
        assert keeps(etree.fromstring(package.read("word/styles.xml")))  # the filed copy's
    for stem in ("proposal-lodestar", "letter-onnuri"):
        with zipfile.ZipFile(built / f"{stem}.bilingual.docx") as package:
            body = etree.fromstring(package.read("word/document.xml"))
            styles = etree.fromstring(package.read("word/styles.xml"))
        assert not keeps(styles)
        for row in body.iter(qn("w:tr")):
            styles_in_row = [s.get(qn("w:val")) for s in row.iter(qn("w:pStyle"))]
            if keeps(row):
                assert all(s.startswith(("Heading", "Title", "Subtitle", "Question",
                                         "ConfidentialLabel", "ProviderLine", "TableLead"))
                           for s in styles_in_row), styles_in_row
                assert not [k for k in keeps(row) if k.tag == qn("w:keepLines")]
        assert not [b for b in body.iter(qn("w:br")) if b.get(qn("w:type")) == "page"]


def test_blank_line_starts_a_paragraph_and_newline_is_a_space(tmp_path: Path) -> None:
    original = PROPOSAL.read_text("utf-8")
    text = original.replace(
        "executive_summary:\n  en: >-\n",
        "executive_summary:\n  en: |-\n    First line\n    second line\n\n    Next paragraph.\n", 1)
    assert text != original
    path = tmp_path / "lines.yaml"
    path.write_text(text, "utf-8")
    assert not build_files([path], BuildOptions(output_dir=tmp_path)).errors
    lines = paragraphs(tmp_path / "lines.en.docx")
    start = lines.index("First line second line")
    assert lines[start + 1].startswith("Next paragraph. The Lodestar Trusted AI Consortium")


def test_page_size_per_language(built: Path) -> None:
    en = Document(str(built / "proposal-lodestar.en.docx")).sections[0]
    ko = Document(str(built / "proposal-lodestar.ko.docx")).sections[0]
    assert en.page_width is not None and ko.page_width is not None
    assert round(en.page_width.inches, 2) == 8.5  # US Letter for the U.S. agency
    assert round(ko.page_width.mm) == 210  # A4 for the Korean review copy


def test_same_input_same_bytes(tmp_path: Path) -> None:
    first = build_files([PROPOSAL, LETTER], BuildOptions(output_dir=tmp_path / "a"))
    second = build_files([PROPOSAL, LETTER], BuildOptions(output_dir=tmp_path / "b"))
    assert len(first.written) == len(second.written) == 6
    for a, b in zip(first.written, second.written, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_document_properties_come_from_the_submission(built: Path) -> None:
    props = Document(str(built / "proposal-lodestar.ko.docx")).core_properties
    assert props.title == "동남아시아를 위한 로드스타 신뢰 AI 스택"
    assert props.author == "Lodestar Compute, Inc."
    assert props.created is not None and props.created.date().isoformat() == "2026-06-15"
    assert props.language == "ko-KR"


def test_korean_text_settings_in_every_template(built: Path) -> None:
    for name in ("proposal-lodestar.ko.docx", "letter-onnuri.ko.docx"):
        document = Document(str(built / name))
        styles = document.styles.element
        defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        fonts = defaults.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == "Malgun Gothic"
        assert not [a for a in fonts.attrib if a.lower().endswith("theme")]
        for rfonts in styles.iter(qn("w:rFonts")):
            assert not [a for a in rfonts.attrib if a.lower().endswith("theme")]
        assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "ko-KR"
        normal = document.styles["Normal"]
        assert normal.font.size.pt >= 12
        # On: Word keeps Hangul words (어절) whole; off would let it break inside them.
        assert normal.element.pPr.find(qn("w:wordWrap")).get(qn("w:val")) == "1"
        for style in ("Title", "Heading 1", "Heading 2", "Heading 3"):
            assert document.styles[style].font.size.pt >= 12
        with zipfile.ZipFile(built / name) as package:
            footers = [package.read(n).decode() for n in package.namelist()
                       if n.startswith("word/footer")]
        assert footers and all('w:instr=" PAGE "' in f for f in footers)
        settings = document.settings.element
        # Word 2013+ layout: Word shows no "Compatibility Mode" for a new document.
        assert [s.get(qn("w:val")) for s in settings.iter(qn("w:compatSetting"))
                if s.get(qn("w:name")) == "compatibilityMode"] == ["15"]
        assert settings.find(qn("w:themeFontLang")).get(qn("w:eastAsia")) == "ko-KR"


def test_shared_punctuation_takes_the_face_of_the_document_language(built: Path) -> None:
    """w:hint="eastAsia" sets “ ” — § · in the East Asian face (Word's rFonts rules): right
    for Korean documents, wrong for the English ones that are filed."""
    for name, hint in (("proposal-lodestar.en.docx", None), ("letter-onnuri.en.docx", None),
                       ("proposal-lodestar.ko.docx", "eastAsia"),
                       ("letter-onnuri.ko.docx", "eastAsia")):
        styles = Document(str(built / name)).styles.element
        hints = {fonts.get(qn("w:hint")) for fonts in styles.iter(qn("w:rFonts"))}
        assert hints == {hint}, (name, hints)


def test_no_template_tags_left_in_output(built: Path, built_public: Path) -> None:
    """In the body and in every header, footer and note part: the page header of a
    confidential letter and the page numbers are template text too."""
    parts = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")
    for path in [*built.glob("*.docx"), *built_public.glob("*.docx")]:
        with zipfile.ZipFile(path) as package:
            names = [n for n in package.namelist() if parts.fullmatch(n)]
            assert any("header" in n for n in names) and any("footer" in n for n in names)
            for name in names:
                xml = package.read(name).decode("utf-8")
                for tag in ("{{", "}}", "{%", "%}"):
                    assert tag not in xml, (path.name, name, tag)


def test_docx_is_a_valid_package(built: Path) -> None:
    for path in built.glob("*.docx"):
        with zipfile.ZipFile(path) as package:
            assert package.testzip() is None
            names = package.namelist()
        assert names[0] == "[Content_Types].xml"
        Document(io.BytesIO(path.read_bytes()))


def test_names_inside_sentences_stay_on_one_line(tmp_path: Path) -> None:
    text = PROPOSAL.read_text("utf-8").replace(
        'name: {en: "Prairie Data Labs LLC"', 'name: {en: "Prairie Data\\nLabs LLC"')
    path = tmp_path / "names.yaml"
    path.write_text(text, "utf-8")
    result = build_files([path], BuildOptions(output_dir=tmp_path))
    assert not result.errors
    lines = paragraphs(tmp_path / "names.en.docx")
    assert "Provided by: Prairie Data Labs LLC" in lines
    rows = table_with_header(tmp_path / "names.en.docx", "Member")
    assert rows[5][0] == "Prairie Data Labs LLC"  # a single newline is a space everywhere
