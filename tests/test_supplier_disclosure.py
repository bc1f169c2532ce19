"""SUPPLIER-DISCLOSURE: members disclose suppliers located in a country of concern (a
reported rule of the 2026 call); the proposal prints them where the members are described."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from docx import Document

from generator.loader import load_profile

Invoke = Callable[..., Result]
ROOT = Path(__file__).resolve().parent.parent
PROPOSAL = ROOT / "samples" / "proposal-lodestar.yaml"
PROFILE = ROOT / "generator" / "profiles" / "ai-exports-2026.yaml"
SUPPLIER = "          country: CN\n"
# Where the sample's disclosure is (its lines move as the sample grows).
_LINES = PROPOSAL.read_text("utf-8").splitlines()
LIST_LINE = next(i for i, x in enumerate(_LINES, 1)
                 if x.strip() == "suppliers_in_countries_of_concern:")
COUNTRY_LINE = next(i for i, x in enumerate(_LINES, 1) if x == SUPPLIER.rstrip("\n"))


def with_supplier_country(tmp_path: Path, country: str, *, acknowledged: bool = True) -> Path:
    text = PROPOSAL.read_text("utf-8")
    assert text.count(SUPPLIER) == 1
    text = text.replace(SUPPLIER, f"          country: {country}\n")
    if not acknowledged:
        text = text[:text.index("\n# Warnings the team has read")] + "\n"
    path = tmp_path / "p.yaml"
    path.write_text(text, "utf-8")
    return path


def test_the_rule_is_profile_data_with_its_source() -> None:
    reported = load_profile().proposal.supplier_disclosure
    assert reported is not None and reported.status == "reported"
    assert reported.source == "call-2026" and reported.as_of.isoformat() == "2026-11-28"


def test_the_sample_discloses_and_acknowledges(invoke: Invoke) -> None:
    result = invoke("check", PROPOSAL)
    assert result.exit_code == 0, result.output
    [line] = [x for x in result.output.splitlines() if "SUPPLIER-DISCLOSURE" in x]
    assert f":{LIST_LINE}:7: acknowledged [SUPPLIER-DISCLOSURE] consortium.members[1]." \
        "suppliers_in_countries_of_concern: 'Hanul Memory Co., Ltd.' is a foreign firm" in line


def test_a_foreign_member_disclosing_is_designated_case_by_case(
    tmp_path: Path, invoke: Invoke
) -> None:
    path = with_supplier_country(tmp_path, "CN", acknowledged=False)
    result = invoke("check", path)
    [line] = [x for x in result.output.splitlines() if "SUPPLIER-DISCLOSURE" in x]
    assert f":{LIST_LINE}:7: warning [SUPPLIER-DISCLOSURE]" in line
    assert "the call reportedly designates such a firm case by case (reported rule, as of " \
        "2026-11-28" in line
    korean = invoke("check", "--lang", "ko", path).output
    assert "경고 [SUPPLIER-DISCLOSURE]" in korean and "사안별로" in korean


def test_a_supplier_outside_the_countries_of_concern_is_a_located_warning(
    tmp_path: Path, invoke: Invoke
) -> None:
    result = invoke("check", with_supplier_country(tmp_path, "VN"))
    [line] = [x for x in result.output.splitlines() if "is listed as a supplier" in x]
    assert f":{COUNTRY_LINE}:20: warning [SUPPLIER-DISCLOSURE] consortium.members[1]." \
        "suppliers_in_countries_of_concern[0].country: 'Qinghe Specialty Gases Co., Ltd.' " \
        "is listed as a supplier in a country of concern, but Vietnam (VN) is not one " \
        "(the profile lists CN, HK, MO)" in line
    korean = invoke("check", "--lang", "ko", with_supplier_country(tmp_path, "VN")).output
    assert "베트남(VN)은(는) 우려 국가가 아닙니다" in korean


def test_a_mistyped_country_code_is_refused_where_it_is(tmp_path: Path, invoke: Invoke) -> None:
    result = invoke("check", with_supplier_country(tmp_path, "CHN"))
    assert result.exit_code == 2
    assert f":{COUNTRY_LINE}:20:" in result.output and "Traceback" not in result.output


def test_the_proposal_prints_the_disclosure_in_both_languages(
    tmp_path: Path, invoke: Invoke
) -> None:
    out = tmp_path / "out"
    assert invoke("build", PROPOSAL, "-o", out).exit_code == 0
    expected = {
        "en": ["Suppliers located in a country of concern, as disclosed by the members:",
               "Hanul Memory Co., Ltd.", "Qinghe Specialty Gases Co., Ltd.", "China",
               "Etching gases for the memory fabs in Korea"],
        "ko": ["참여 기업이 공개한 우려 국가 소재 공급업체:", "한울메모리", "칭허특수가스", "중국",
               "한국 내 메모리 공장용 식각 가스"],
    }
    for lang, texts in expected.items():
        document = Document(str(out / f"{PROPOSAL.stem}.{lang}.docx"))
        paragraphs = [p.text for p in document.paragraphs]
        assert texts[0] in paragraphs, lang
        rows = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
        assert texts[1:] in rows, (lang, rows)


def test_a_profile_without_the_rule_warns_of_no_designation(
    tmp_path: Path, invoke: Invoke
) -> None:
    text = PROFILE.read_text("utf-8")
    start = text.index("  supplier_disclosure:\n")
    end = text.index("    status: reported\n", start) + len("    status: reported\n")
    profile = tmp_path / "profile.yaml"
    profile.write_text(text[:start] + text[end:], "utf-8")
    path = with_supplier_country(tmp_path, "CN", acknowledged=False)
    result = invoke("check", path, "--program", profile)
    assert "SUPPLIER-DISCLOSURE" not in result.output, result.output
