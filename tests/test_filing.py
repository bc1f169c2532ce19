"""Filing-ready documents, read as their readers read them (issue #11): what the filed
English copy, the Korean review copy and the side-by-side copy say and how they are set."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn
from pydantic import BaseModel

from generator import models
from generator.build import BuildOptions, build_files
from generator.cli import cli
from generator.context import cite, join_names
from generator.richtext import RichText

from helpers import text_of

ROOT = Path(__file__).resolve().parent.parent
PROPOSAL = ROOT / "samples" / "proposal-lodestar.yaml"
LETTER = ROOT / "samples" / "letter-onnuri.yaml"
HANGUL = re.compile("[\uac00-\ud7a3]")


def variant(tmp_path: Path, source: Path, *edits: tuple[str, str],
            name: str = "case.yaml") -> Path:
    text = source.read_text("utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    target = tmp_path / name
    target.write_text(text, "utf-8")
    return target


def build(tmp_path: Path, *paths: Path, **options: Any) -> Path:
    out = tmp_path / "out"
    result = build_files(list(paths), BuildOptions(output_dir=out, **options))
    assert not result.errors and not result.refused, (result.errors, result.refused)
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("filing"), PROPOSAL, LETTER)


def body_text(path: Path) -> str:
    """Every paragraph of the body, tables included, one per line."""
    document = Document(str(path))
    return "\n".join(text_of(p)
                     for p in document.element.body.iter(qn("w:p")))


def xml_parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name).decode("utf-8") for name in package.namelist()
                if name.endswith((".xml", ".rels"))}


def kv(path: Path, first: str) -> dict[str, str]:
    """A label/value table as a mapping."""
    return {row[0]: row[1] for row in table_starting(path, first)}


def table_starting(path: Path, first: str) -> list[list[str]]:
    for table in Document(str(path)).tables:
        rows = [[c.text for c in r.cells] for r in table.rows]
        if rows and rows[0][0] == first:
            return rows
    raise AssertionError(f"no table starting with {first!r} in {path.name}")


# --- content --------------------------------------------------------------------------


def test_proposal_names_its_point_of_contact_on_the_cover_and_by_the_signature(
        built: Path) -> None:
    # The telephone number is set with no-break spaces: it never breaks across lines.
    contact = "Maria Alvarez, Vice President, Government Affairs · m.alvarez@lodestar.example" \
              " · +1\u00a0512\u00a0555\u00a00142"
    cover = table_starting(built / "proposal-lodestar.en.docx", "Document")
    assert ["Point of contact", contact] in cover
    text = body_text(built / "proposal-lodestar.en.docx")
    assert f"Point of contact: {contact}" in text.split("9. Signature", 1)[1]
    # Every member's contact, in the members section.
    contacts = [[c.text for c in r.cells]
                for t in Document(str(built / "proposal-lodestar.en.docx")).tables
                for r in t.rows if t.rows[0].cells[1].text == "Contact"]
    assert ["Hanul Memory Co., Ltd.", "Kim Jiwon, Head of Global Business",
            "jiwon.kim@hanul-memory.example"] in contacts
    assert ["Lodestar Compute, Inc.", "Maria Alvarez, Vice President, Government Affairs",
            "m.alvarez@lodestar.example\n+1\u00a0512\u00a0555\u00a00142"] in contacts
    ko = table_starting(built / "proposal-lodestar.ko.docx", "문서")
    assert ["담당자", "마리아 알바레즈, 대외협력 부사장 · m.alvarez@lodestar.example · "
            "+1\u00a0512\u00a0555\u00a00142"] in ko


def test_letterhead_carries_the_commenters_country_and_contacts(built: Path) -> None:
    en = body_text(built / "letter-onnuri.en.docx").splitlines()
    # The English address ends in the country: it is not printed again on the next line.
    assert en[:3] == ["Onnuri Semiconductor Co., Ltd.",
                      "88 Teheran-ro, Gangnam-gu, Seoul 06164, Republic of Korea",
                      "www.onnuri-semi.example · ga@onnuri-semi.example · "
                      "+82\u00a02\u00a0555\u00a00188"]
    # The Korean one does not: the country follows it, once.
    ko = body_text(built / "letter-onnuri.ko.docx").splitlines()
    assert ko[:3] == ["온누리반도체", "서울특별시 강남구 테헤란로 88 (우 06164)", "대한민국"]


def test_cover_says_to_whom_under_what_and_the_calls_citation(built: Path) -> None:
    cover = kv(built / "proposal-lodestar.en.docx", "Document")
    assert cover["Submitted to"] == \
        "International Trade Administration, U.S. Department of Commerce"
    assert cover["Program"] == "American AI Exports Program"
    assert cover["Call for proposals"] == (
        "American AI Exports Program: Call for Proposals for Pre-Set Consortia, "
        "FR Doc. 2026-06952, published April 10, 2026")
    assert cover["Anchor member"] == "Lodestar Compute, Inc."
    assert cover["Date"] == "June 15, 2026"
    ko = kv(built / "proposal-lodestar.ko.docx", "문서")
    assert ko["제출처"] == "미국 상무부 국제무역청(ITA)"
    assert ko["제안요청"] == (
        "미국산 AI 수출 프로그램 사전 구성 컨소시엄 제안요청, 연방관보 문서 제2026-06952호"
        "(2026년 4월 10일 게재)")


def test_no_output_names_the_tool(tmp_path: Path) -> None:
    """Not in the text, headers, footers, styles or document properties of any file."""
    out = build(tmp_path, PROPOSAL, LETTER)
    public = build(tmp_path / "p", PROPOSAL, LETTER, public=True)
    draft = build(tmp_path / "d", PROPOSAL, LETTER, draft=True)
    files = [*out.glob("*.docx"), *public.glob("*.docx"), *draft.glob("*.docx")]
    assert len(files) == 18
    for path in files:
        for name, xml in xml_parts(path).items():
            assert "propgen" not in xml.lower(), (path.name, name)
    core = xml_parts(out / "proposal-lodestar.en.docx")["docProps/core.xml"]
    assert "Lodestar Trusted AI Stack for Southeast Asia" in core
    app = xml_parts(out / "proposal-lodestar.en.docx")["docProps/app.xml"]
    assert "<Company>Lodestar Compute, Inc.</Company>" in app


def test_annex_status_only_in_drafts_and_the_review_copy(tmp_path: Path) -> None:
    out = build(tmp_path, PROPOSAL)
    for lang, header, check in (("en", "Requirement", "Check"), ("ko", "요건", "확인 필요")):
        rows = table_starting(out / f"proposal-lodestar.{lang}.docx", header)
        assert len(rows[0]) == 3
        assert check not in body_text(out / f"proposal-lodestar.{lang}.docx")
    draft = build(tmp_path / "draft", PROPOSAL, draft=True)
    for lang, header, status in (("en", "Requirement", "Status"), ("ko", "요건", "상태")):
        rows = table_starting(draft / f"proposal-lodestar.{lang}.docx", header)
        assert rows[0][-1] == status and len(rows[0]) == 4
    # The filed documents' citations: English as written, Korean as Korean writers cite.
    assert table_starting(out / "proposal-lodestar.en.docx", "Requirement")[1][1] == \
        "EO 14320 §3(b)(i)(A)"
    ko = table_starting(out / "proposal-lodestar.ko.docx", "요건")
    assert [r[1] for r in ko[1:]][-3:] == [
        "2026년 제안요청(연방관보 문서 제2026-06952호)",
        "2026년 제안요청(연방관보 문서 제2026-06952호)",
        "행정명령 제14320호 제3조(c); 2026년 제안요청(연방관보 문서 제2026-06952호)",
    ]


def test_hardware_prints_the_share_and_the_applicants_own_case(tmp_path: Path) -> None:
    path = variant(tmp_path, PROPOSAL, ("us_origin_percent: 62", "us_origin_percent: 40"))
    out = build(tmp_path, path)
    text = body_text(out / "case.en.docx")
    assert "U.S.-origin content of the hardware layer: 40% of aggregate value." in text
    assert "Assembly, test, HBM finishing and accelerator packaging all take place" in text
    assert "presume" not in text
    assert "조립, 시험, HBM 마무리 공정" in body_text(out / "case.ko.docx")


def test_check_asks_for_the_explanation_under_the_threshold(tmp_path: Path) -> None:
    text = PROPOSAL.read_text("utf-8")
    start = text.index("    us_content_explanation:")
    end = text.index("  data:\n", start)
    path = tmp_path / "case.yaml"
    text = text[:start] + text[end:]
    path.write_text(text.replace("us_origin_percent: 62", "us_origin_percent: 40"), "utf-8")
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert "[US-CONTENT-EXPLANATION]" in result.output
    assert "stack.hardware.us_origin_percent" in result.output
    full = CliRunner().invoke(cli, ["check", str(PROPOSAL)])
    assert "US-CONTENT-EXPLANATION" not in full.output


def test_external_entities_are_printed_and_accepted(built: Path) -> None:
    rows = kv(built / "proposal-lodestar.en.docx", "Manufactures the hardware")
    assert rows["Owns the data centers"] == "Lodestar Compute, Inc.; Saigon Digital Land Co., Ltd."
    assert ["Saigon Digital Land Co., Ltd.", "Vietnam"] in table_starting(
        built / "proposal-lodestar.en.docx", "Entity")
    assert ["사이공 디지털 랜드", "베트남"] in table_starting(
        built / "proposal-lodestar.ko.docx", "기관")
    result = CliRunner().invoke(cli, ["check", str(PROPOSAL)])
    assert result.exit_code == 0, result.output


def test_a_mistyped_member_id_is_still_caught(tmp_path: Path) -> None:
    path = variant(tmp_path, PROPOSAL, ("own: [lodestar, saigon-land]", "own: [lodestar, saigon]"))
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 1
    assert "[MEMBER-REF] business_model.data_centers.own[1]" in result.output
    assert "'saigon' is neither a consortium member nor an external entity" in result.output
    clash = variant(tmp_path, PROPOSAL, ("    - id: saigon-land", "    - id: hanul"),
                    ("own: [lodestar, saigon-land]", "own: [lodestar, hanul]"), name="c.yaml")
    result = CliRunner().invoke(cli, ["check", str(clash)])
    assert "business_model.external_entities[0].id" in result.output


def test_names_with_commas_are_joined_readably(built: Path) -> None:
    cover = kv(built / "proposal-lodestar.en.docx", "Document")
    assert cover["Consortium members"].startswith(
        "Lodestar Compute, Inc.; Hanul Memory Co., Ltd.; Saebyeok Advanced Packaging Corp.;")
    assert join_names(["Redwood Compute", "Hanbit Memory", "Arden Labs"], "en") == \
        "Redwood Compute, Hanbit Memory, and Arden Labs"
    assert join_names(["레드우드", "한빛메모리"], "ko") == "레드우드 및 한빛메모리"
    ko = kv(built / "proposal-lodestar.ko.docx", "문서")
    assert ko["컨소시엄 참여 기업"].endswith("메리디안 모델스 및 불워크 사이버")


CONFIDENTIAL_EDITS = (
    ("  data:\n    providers: [prairie]\n",
     "  data:\n    providers: [prairie]\n    confidential: true\n"),
    ("  - instrument: political_risk_insurance\n",
     "  - instrument: political_risk_insurance\n    confidential: true\n"),
)


def test_confidential_proposal_has_a_legend_and_a_marking_on_every_page(tmp_path: Path) -> None:
    path = variant(tmp_path, PROPOSAL, *CONFIDENTIAL_EDITS)
    out = build(tmp_path, path)
    text = body_text(out / "case.en.docx")
    cover = text.split("Contents", 1)[0]
    assert "exempt from public disclosure under the Freedom of Information Act, 5 U.S.C. " \
           "552(b)(4)" in cover
    assert "[Data pipelines with consent tracking" in text
    assert "[$500,000,000]" in text
    headers = [xml for name, xml in xml_parts(out / "case.en.docx").items()
               if name.startswith("word/header")]
    assert headers and all("BUSINESS CONFIDENTIAL" in h for h in headers)
    assert "정보자유법(FOIA)" in body_text(out / "case.ko.docx").split("목차", 1)[0]


def test_public_proposal_leaves_out_every_confidential_part(tmp_path: Path) -> None:
    path = variant(tmp_path, PROPOSAL, *CONFIDENTIAL_EDITS)
    full = build(tmp_path / "full", path)
    public = build(tmp_path / "public", path, public=True)
    for lang in ("en", "ko", "bilingual"):
        text = body_text(public / f"case.public.{lang}.docx")
        assert text != body_text(full / f"case.{lang}.docx")
        for secret in ("consent tracking", "$500,000,000", "US$500,000,000",
                       "expropriation", "동의 이력", "수용 및 환전", "offtake", "Offtake",
                       "30개 병원", "US$1,502,500,000"):
            assert secret not in text, (lang, secret)
    text = body_text(public / "case.public.en.docx")
    assert "[Business confidential information has been removed from this public version.]" \
        in text
    assert "552(b)(4)" not in text
    result = CliRunner().invoke(cli, ["build", str(path), "-o", str(tmp_path / "cli"),
                                      "--public"])
    assert "public version: the parts marked confidential are left out" in result.output
    result = CliRunner().invoke(cli, ["build", str(path), "-o", str(tmp_path / "cli2")])
    assert "hold business confidential information" in result.output


def test_proposal_has_a_table_of_contents_field_with_its_entries(built: Path) -> None:
    document = Document(str(built / "proposal-lodestar.en.docx"))
    body = document.element.body
    instructions = [t.text for t in body.iter(qn("w:instrText"))]
    assert any(i.strip().startswith("TOC ") for i in instructions)
    entries = [p for p in body.iter(qn("w:p"))
               if (s := p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")) is not None
               and s.get(qn("w:val")) in ("toc1", "toc2")]
    texts = [text_of(p) for p in entries]
    assert texts[0] == "1. Executive Summary" and texts[-1] == "Annex. Compliance Matrix"
    assert "3.2 (B) Data Pipelines and Labeling Systems" in texts
    # Each entry links to a bookmark on its heading and takes its page from it.
    bookmarks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    links = [p.find(qn("w:hyperlink")).get(qn("w:anchor")) for p in entries]
    assert set(links) <= bookmarks and len(set(links)) == len(entries)
    assert sum(" PAGEREF " in i for i in instructions) == len(entries)
    ko = Document(str(built / "proposal-lodestar.ko.docx"))
    assert "목차" in [p.text for p in ko.paragraphs]


# --- the Korean copy ---------------------------------------------------------------------


def test_korean_letter_caption_and_citations_are_korean(built: Path) -> None:
    text = body_text(built / "letter-onnuri.ko.docx")
    assert "미국산 AI 수출 프로그램 의견" in text.splitlines()
    lines = text.splitlines()
    agency = lines.index("미국 상무부 국제무역청(ITA)")
    # One reference block; "문서 번호(Docket No.)" once, before both docket numbers.
    assert lines[agency + 1:agency + 4] == [
        "미국산 AI 수출 프로그램 — 정보요청서(RFI)",
        "연방관보 문서 제2025-19674호(2025년 10월 28일 게재)",
        "문서 번호(Docket No.) ITA-ITA-2025-0070 및 251023-0165"]
    assert text.count("문서 번호(Docket No.)") == 1
    # The company's own number has another name than the government's docket.
    assert "당사 관리번호: ONR-GA-2025-117" in text.splitlines()


def test_a_letter_has_one_subject_line(built: Path) -> None:
    """"RE:" and "Subject:" (건명, 제목) read as one line twice; the notice and its dockets
    are in the reference block, not in the subject."""
    for lang, label, subject in (
            ("en", "RE: ", "Participation of allied companies as trusted partners in AI "
                           "export consortia"),
            ("ko", "제목: ", "미국산 AI 수출 프로그램 컨소시엄에 동맹국 기업의 신뢰하는 파트너 "
                           "참여 요청")):
        lines = body_text(built / f"letter-onnuri.{lang}.docx").splitlines()
        labelled = [line for line in lines
                    if line.startswith(("RE:", "Subject:", "건명:", "제목:"))]
        assert labelled == [label + subject], lang
        # Right after the caption, which the notice asks every submission to carry.
        assert lines[lines.index(labelled[0]) - 1] in (
            "American AI Exports Program Comments", "미국산 AI 수출 프로그램 의견")


def test_no_back_to_back_parentheses_in_korean(built: Path) -> None:
    """"정보요청서(RFI)(FR Doc. …" reads badly; legal subdivisions such as "(b)(4)" are
    how the provisions are cited."""
    doubled = re.compile(r"\([^()]*(?:[\uac00-\ud7a3]|[A-Z]{2,})[^()]*\)\(")
    for name in ("proposal-lodestar.ko.docx", "letter-onnuri.ko.docx"):
        assert not doubled.search(body_text(built / name)), name


def test_korean_citations() -> None:
    assert cite("EO 14320 §3(b)(i)(A)", "ko") == "행정명령 제14320호 제3조(b)(i)(A)"
    assert cite("12 U.S.C. 635", "ko") == "미국 연방법전 제12편 제635조"
    assert cite("EO 14320 §3(b)(iv), §4(d)", "ko") == "행정명령 제14320호 제3조(b)(iv), 제4조(d)"
    assert cite("EO 14320 §3(b)(i)(A)", "en") == "EO 14320 §3(b)(i)(A)"


def _alignment(document: Any, paragraph: Any) -> str | None:
    jc = paragraph.find(f"{qn('w:pPr')}/{qn('w:jc')}")
    if jc is not None:
        return str(jc.get(qn("w:val")))
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    style_id = style.get(qn("w:val")) if style is not None else None
    by_id = {s.style_id: s for s in document.styles}
    current = by_id.get(style_id) if style_id else document.styles["Normal"]
    while current is not None:
        node = current.element.find(f"{qn('w:pPr')}/{qn('w:jc')}")
        if node is not None:
            return str(node.get(qn("w:val")))
        current = current.base_style
    return None


def test_korean_body_is_justified_english_left_aligned(built: Path) -> None:
    for lang, expected in (("ko", "both"), ("en", None)):
        document = Document(str(built / f"proposal-lodestar.{lang}.docx"))
        body = [p for p in document.element.body.iterchildren(qn("w:p"))
                if p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") is None
                and text_of(p).strip()]
        assert len(body) > 10
        assert {_alignment(document, p) for p in body} == {expected}, lang



def test_korean_titles_and_headings_stay_flush_left(built: Path) -> None:
    """Justified, a Korean title or heading that wraps spreads its first line's words
    across the page; they are set flush left like the English ones."""
    for stem in ("proposal-lodestar", "letter-onnuri"):
        document = Document(str(built / f"{stem}.ko.docx"))
        by_id = {s.style_id: s.name for s in document.styles}
        titles = [p for p in document.element.body.iter(qn("w:p"))
                  if by_id.get(_style_id(p), "") in ("Title", "Subtitle", "Heading 1",
                                                    "Heading 2", "Heading 3")
                  and text_of(p).strip()]
        assert len(titles) > 3, stem
        assert "both" not in {_alignment(document, p) for p in titles}, stem


def _style_id(paragraph: Any) -> str:
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return str(style.get(qn("w:val"))) if style is not None else ""


# --- the side-by-side copy ---------------------------------------------------------------


def _italic(document: Any, run: Any) -> bool:
    """Whether italic is in effect on a run: direct formatting, then the run style, then
    the paragraph style and what it is based on."""
    rpr = run.find(qn("w:rPr"))
    node = rpr.find(qn("w:i")) if rpr is not None else None
    if node is not None:
        return node.get(qn("w:val"), "1") not in ("0", "false", "off")
    paragraph = run.getparent()
    while paragraph.tag != qn("w:p"):
        paragraph = paragraph.getparent()
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    by_id = {s.style_id: s for s in document.styles}
    current = by_id.get(style.get(qn("w:val"))) if style is not None else \
        document.styles["Normal"]
    while current is not None:
        if current.font.italic is not None:
            return bool(current.font.italic)
        current = current.base_style
    return False


def test_no_italic_hangul_in_the_side_by_side_copy(built: Path) -> None:
    for stem in ("letter-onnuri", "proposal-lodestar"):
        document = Document(str(built / f"{stem}.bilingual.docx"))
        runs = [r for r in document.element.body.iter(qn("w:r"))
                if HANGUL.search(text_of(r))]
        assert runs
        assert not [r for r in runs if _italic(document, r)], stem
    # English prompts stay italic; their Korean counterparts are bold instead.
    letter = Document(str(built / "letter-onnuri.bilingual.docx"))
    prompts = [p for p in letter.element.body.iter(qn("w:p"))
               if (s := p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")) is not None
               and s.get(qn("w:val")) == "Question"]
    english = [p for p in prompts if not HANGUL.search("".join(p.itertext()))]
    korean = [p for p in prompts if HANGUL.search("".join(p.itertext()))]
    assert english and korean
    assert all(_italic(letter, r) for p in english for r in p.iter(qn("w:r")))
    assert all(r.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None
               for p in korean for r in p.iter(qn("w:r")))


def test_side_by_side_copy_has_one_body_size_and_the_filing_table_style(built: Path) -> None:
    for stem in ("letter-onnuri", "proposal-lodestar"):
        document = Document(str(built / f"{stem}.bilingual.docx"))
        sizes = {s.name: s.font.size.pt for s in document.styles
                 if s.type == 1 and s.font.size is not None}
        body = {name: pt for name, pt in sizes.items()
                if not name.startswith(("Heading", "Title", "Subtitle", "Letterhead",
                                        "Caption", "TOC"))}
        assert set(body.values()) == {10}, body
        style = document.tables[0]._tbl.tblPr.find(qn("w:tblStyle")).get(qn("w:val"))
        assert style == "FilingTable"


def test_side_by_side_rows_pair_paragraphs_with_their_translation(built: Path) -> None:
    rows = Document(str(built / "letter-onnuri.bilingual.docx")).tables[0].rows
    row = next(r for r in rows if r.cells[0].paragraphs[0].text == "Question A.2")
    assert row.cells[1].paragraphs[0].text == "나. 질문 A.2"
    # Heading, prompt and answer in one row, beside their Korean.
    assert [p.style.name for p in row.cells[0].paragraphs] == ["Heading 2", "Question", "Normal"]
    assert [p.style.name for p in row.cells[1].paragraphs] == ["Heading 2", "Question", "Normal"]
    assert row.cells[1].paragraphs[2].text.startswith("고대역폭 메모리(HBM)")
    # More rows than sections: paragraphs are paired, not whole sections.
    assert len(rows) > 2 * len([r for r in rows
                                if r.cells[0].paragraphs[0].style.name == "Heading 1"])


def test_side_by_side_falls_back_to_the_whole_section(tmp_path: Path) -> None:
    """Two paragraphs in English, one in Korean: the section is one row."""
    path = variant(tmp_path, PROPOSAL, (
        "    three years and asks for EXIM and DFC financing of US$1.5 billion in total.\n",
        "    three years and asks for EXIM and DFC financing of US$1.5 billion in total.\n\n"
        "    A second paragraph.\n"))
    text = path.read_text("utf-8").replace(
        "  en: >-\n    The Lodestar Trusted AI Consortium offers",
        "  en: |-\n    The Lodestar Trusted AI Consortium offers", 1)
    path.write_text(text, "utf-8")
    out = build(tmp_path, path)
    rows = Document(str(out / "case.bilingual.docx")).tables[0].rows
    row = next(r for r in rows if r.cells[0].paragraphs[0].text == "1. Executive Summary")
    assert row.cells[0].paragraphs[-1].text == "A second paragraph."
    assert row.cells[1].paragraphs[0].text == "1. 요약"


# --- every field reaches a document ------------------------------------------------------

# Fields whose value is not printed as typed, and why. Everything else a submission holds
# must appear, as typed, in the English document (Korean: the Korean one).
NOT_VERBATIM = {
    "kind": "chooses the template",
    "program": "chooses the profile",
    "notice": "chooses the notice; its details are printed from the profile",
    "id": "members and entities are referred to by id; their names are printed",
    "role": "printed as 'Anchor member' / 'Consortium member'",
    "country": "printed as the country's name",
    "headquarters": "printed as the country's name",
    "controlled_from": "printed as the country's name",
    "bloc_countries": "printed as the countries' names",
    "date": "printed as a formatted date",
    "providers": "printed as the members' names",
    "manufacturers": "printed as the members' names",
    "build": "printed as names",
    "own": "printed as names",
    "operate": "printed as names",
    "member": "printed as the member's name",
    "us_origin_percent": "printed as a formatted percentage",
    "amount": "printed as formatted money",
    "currency": "printed as part of formatted money",
    "instrument": "printed as the instrument's name from the profile",
    "agency": "printed as the agency's name from the profile",
    "question": "printed as the notice's question",
    "confidential": "marks the part (brackets, legend, header) and leaves it out with --public",
    "developer_country": "printed as the country's name",
    "open_weights": "printed as 'Open weights' / 'Closed weights'",
    "acknowledge": "warnings the team has settled: for check and build, not for the reader",
    "rule": "part of acknowledge",
    "field": "part of acknowledge",
    "reason": "part of acknowledge",
}


def _fields(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[str]:
    names: set[str] = set()
    if model in seen:
        return names
    seen.add(model)
    for name, info in model.model_fields.items():
        nested = [m for m in _models_in(info.annotation) if m is not models.Bilingual]
        if not nested:
            names.add(name)  # a value: text, a flag, a number, a code
        for sub in nested:
            names |= _fields(sub, seen)
    return names


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _models_in(arg)]


def _values(value: Any, key: str = "") -> list[tuple[str, str, str]]:
    """(field, lang, text) of every printed value in a loaded submission."""
    if isinstance(value, models.Bilingual):
        # As a reader sees it: the Markdown of a rich field laid out (footnotes aside).
        return [(key, lang, str(RichText(text))) for lang in ("en", "ko")
                if (text := getattr(value, lang))]
    if isinstance(value, BaseModel):
        return [v for name in type(value).model_fields
                if name not in NOT_VERBATIM
                for v in _values(getattr(value, name), name)]
    if isinstance(value, list | tuple):
        return [v for item in value for v in _values(item, key)]
    if isinstance(value, str):
        return [(key, "en", value), (key, "ko", value)]
    return []


def test_every_field_the_yaml_accepts_reaches_a_document(built: Path) -> None:
    from generator.loader import load_profile, load_submission

    profile = load_profile()
    fields = _fields(models.Proposal, set()) | _fields(models.CommentLetter, set())
    printed: set[str] = set()
    for sample in (PROPOSAL, LETTER):
        submission, _ = load_submission(sample, lang="en", draft=False, profile=profile)
        texts = {lang: " ".join(body_text(built / f"{sample.stem}.{lang}.docx").split())
                 for lang in ("en", "ko")}
        for field, lang, value in _values(submission):
            printed.add(field)
            for paragraph in value.split("\n\n"):
                assert " ".join(paragraph.split()) in texts[lang], (sample.name, field, lang)
    # Every field is either shown in a sample and found above, or on the list.
    assert fields - printed - set(NOT_VERBATIM) == set()


def test_ids_hold_non_breaking_hyphens_in_the_docx(built: Path) -> None:
    """FR Doc. numbers and docket ids never break at a hyphen in Word either: each hyphen
    of an id (capitals and digits, with a digit) is Word's non-breaking hyphen, and no
    plain one is left; a word such as "AI-Optimized" keeps its own hyphen."""
    plain = re.compile(r"(?<![0-9A-Za-z-])(?=[A-Z-]*[0-9])[0-9A-Z]+(?:-[0-9A-Z]+)+")
    for name in ("proposal-lodestar", "letter-onnuri"):
        for lang in ("en", "ko", "bilingual"):
            path = built / f"{name}.{lang}.docx"
            document = Document(str(path))
            hyphens = [run for run in document.element.body.iter(qn("w:r"))
                       if run.find(qn("w:noBreakHyphen")) is not None]
            assert hyphens, path.name
            for node in document.element.body.iter(qn("w:t")):
                assert not plain.search(node.text or ""), (path.name, node.text)
            text = body_text(path)
            assert "2026-06952" in text if name.startswith("proposal") else "2025-19674" in text
    letter = body_text(built / "letter-onnuri.en.docx")
    assert "ITA-2025-0070" in letter
    proposal = Document(str(built / "proposal-lodestar.en.docx"))
    assert any("AI-Optimized" in (t.text or "") for t in proposal.element.body.iter(qn("w:t")))


def test_side_by_side_long_tables_go_on_in_parts_under_their_header(built: Path) -> None:
    """The compliance matrix runs over a page of the side-by-side copy: it goes on in
    parts, each a table under its own header row, the same rows in both languages, and
    no data row splits over pages."""
    document = Document(str(built / "proposal-lodestar.bilingual.docx"))
    outer = document.element.body.find(qn("w:tbl"))
    parts: dict[str, list[int]] = {"Requirement": [], "요건": []}
    for table in outer.iter(qn("w:tbl")):
        rows = table.findall(qn("w:tr"))
        if table is outer or not rows:
            continue
        first = text_of(rows[0].find(qn("w:tc")))
        if first in parts:
            parts[first].append(len(rows) - 1)
            assert rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
            assert all(row.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None
                       for row in rows[1:])
    assert len(parts["Requirement"]) >= 2 and parts["Requirement"] == parts["요건"], parts
