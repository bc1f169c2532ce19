"""`propgen validate --explain`: what the file means, in the user's language."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.explain import EXPLAINERS, explain
from generator.i18n import gettext_for
from generator.loader import load_profile, load_submission
from generator.sections import PROPOSAL_SECTIONS, SECTIONS, where_addressed

from helpers import variant

Invoke = Callable[..., Result]
ROOT = Path(__file__).resolve().parent.parent
PROPOSAL = ROOT / "samples" / "proposal-lodestar.yaml"
LETTER = ROOT / "samples" / "letter-onnuri.yaml"


def test_explain_a_proposal_in_english(invoke: Invoke) -> None:
    result = invoke("validate", "--explain", PROPOSAL)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"{PROPOSAL}: ok"
    assert "  - Lodestar Compute, Inc. (lodestar), anchor member (submits the proposal)" in lines
    assert ("    incorporated in South Korea (KR); headquarters in South Korea (KR); owned or "
            "controlled from South Korea (KR)") in lines
    assert "  - ASEAN: Philippines (PH), Malaysia (MY), Thailand (TH)" in lines
    assert "  - Direct loan, Export-Import Bank of the United States (EXIM): $1 billion" in lines
    assert "  U.S.-origin content of the hardware layer: 62%" in lines


def test_explain_in_korean_names_countries_and_amounts_in_korean(invoke: Invoke) -> None:
    result = invoke("validate", "--explain", "--lang", "ko", PROPOSAL, LETTER)
    out = result.output
    assert "  - 로드스타 컴퓨트(lodestar), 주관 기업(제안서 제출)" in out
    assert "설립국 대한민국(KR), 본사 소재국 대한민국(KR), 소유·지배국 대한민국(KR)" in out
    assert "  - 직접 대출, 미국 수출입은행(EXIM): 10억 달러" in out
    assert "작성일 2025년 12월 12일, 제출자: 온누리반도체, 대한민국(KR)" in out
    assert "  - C: 섹션 전체: 컨소시엄 구성 및 참여" in out
    assert "  - F(영업 기밀): 섹션 전체: 컨소시엄에 대한 연방 정부 지원" in out


def test_explain_shows_slovakia_where_a_team_typed_sk(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(PROPOSAL.read_text("utf-8").replace("      country: KR", "      country: SK", 1),
                    "utf-8")
    result = invoke("validate", "--explain", path)
    assert "    incorporated in Slovakia (SK); headquarters in South Korea (KR)" in result.output


def test_without_explain_only_ok(invoke: Invoke) -> None:
    assert invoke("validate", PROPOSAL).output == f"{PROPOSAL}: ok\n"


def _explained(path: Path, lang: str) -> list[str]:
    submission, _loaded = load_submission(path, lang=lang)
    return explain(submission, load_profile(), lang)


def test_every_section_has_an_explainer() -> None:
    """The section table is walked: a section added to sections.py without an explainer (or
    an explainer left behind by a section taken out) fails here."""
    assert list(EXPLAINERS) == [section.key for section in PROPOSAL_SECTIONS]
    assert set(EXPLAINERS) == set(SECTIONS)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_section_appears_in_order_with_something_under_it(lang: str) -> None:
    lines = _explained(PROPOSAL, lang)
    _ = gettext_for(lang)
    headings = [where_addressed(section.key, _) for section in PROPOSAL_SECTIONS]
    at = [lines.index(heading) for heading in headings]
    assert at == sorted(at), headings
    for index in at:
        # Each heading is followed by what the file says there, indented under it.
        assert lines[index + 1].startswith("  ") and lines[index + 1].strip(), lines[index]
    if lang == "ko":
        assert "9 서명" in lines and "5 사업 및 운영 모델" in lines


def test_who_builds_owns_and_operates_including_an_entity_outside_the_consortium() -> None:
    lines = _explained(PROPOSAL, "en")
    business = lines[lines.index("5 Business and Operational Model"):
                     lines.index("6 Federal Support Requested")]
    assert business[1].startswith("  “Lodestar builds and operates the data centers under")
    assert business[2:] == [
        "  Builds the data centers: Lodestar Compute, Inc.",
        "  Owns the data centers: Lodestar Compute, Inc.; Saigon Digital Land Co., Ltd.",
        "  Operates the data centers: Lodestar Compute, Inc.; Bulwark Cyber, Inc.",
        "  Manufactures the hardware: Lodestar Compute, Inc.; Hanul Memory Co., Ltd.; "
        "Saebyeok Advanced Packaging Corp.; Dasom Edge Devices Co., Ltd.",
        "  Saigon Digital Land Co., Ltd. (saigon-land): outside the consortium, based in "
        "Vietnam (VN)",
    ]
    ko = _explained(PROPOSAL, "ko")
    assert "  데이터센터 소유: 로드스타 컴퓨트 및 사이공 디지털 랜드" in ko
    assert "  사이공 디지털 랜드(saigon-land): 컨소시엄 외부 기관, 소재국 베트남(VN)" in ko


def test_a_host_utility_that_operates_is_named_as_operator(tmp_path: Path) -> None:
    path = variant(tmp_path, PROPOSAL, "    operate: [lodestar, bulwark]\n",
                   "    operate: [luzon-grid]\n")
    path = variant(tmp_path, path, "      country: VN\n", "      country: VN\n"
                   "    - id: luzon-grid\n"
                   "      name: {en: Luzon Grid Utility Corp., ko: 루손 전력공사}\n"
                   "      country: PH\n", name="y.yaml")
    lines = _explained(path, "en")
    assert "  Operates the data centers: Luzon Grid Utility Corp." in lines
    assert ("  Luzon Grid Utility Corp. (luzon-grid): outside the consortium, based in "
            "Philippines (PH)") in lines


def test_milestones_and_the_signatory_with_the_point_of_contact() -> None:
    lines = _explained(PROPOSAL, "en")
    assert lines[lines.index("8 Milestones") + 1:lines.index("9 Signature")] == [
        "  - September 30, 2026: Host-government agreements signed in Vietnam and Indonesia",
        "  - March 31, 2027: First 40 MW site in service in Hanoi",
        "  - June 30, 2027 (confidential): Offtake agreement with the Indonesian health "
        "ministry for 30 hospitals",
        "  - June 30, 2028: All three sites in service; applications live in 50 hospitals",
    ]
    signature = lines[lines.index("9 Signature") + 1:]
    assert signature[:2] == [
        "  signed by Daniel Reyes, Chief Executive Officer, for Lodestar Compute, Inc.",
        "  point of contact: Maria Alvarez, Vice President, Government Affairs · "
        "m.alvarez@lodestar.example · +1 512 555 0142",
    ]
    ko = _explained(PROPOSAL, "ko")
    assert "  - 2027년 6월 30일(영업 기밀): 인도네시아 보건부와 30개 병원 공급 계약 체결" in ko
    assert "  서명자: 로드스타 컴퓨트 최고경영자 대니얼 레예스" in ko


def test_what_is_confidential_and_what_public_leaves_out(tmp_path: Path) -> None:
    lines = _explained(PROPOSAL, "en")
    assert lines[-3:] == [
        'Business confidential, marked in brackets, every page headed "BUSINESS CONFIDENTIAL":',
        "  - 8 Milestones: June 30, 2027",
        "  propgen build --public builds the public version without these parts",
    ]
    assert ("  carries the proprietary legend: the proposal holds business confidential "
            "information (listed at the end)") in lines
    more = variant(tmp_path, PROPOSAL, "    providers: [prairie]\n",
                   "    providers: [prairie]\n    confidential: true\n")
    more = variant(tmp_path, more, "    amount: {amount: 2500000, currency: USD}\n",
                   "    amount: {amount: 2500000, currency: USD}\n    confidential: true\n",
                   name="y.yaml")
    lines = _explained(more, "en")
    assert lines[lines.index("Business confidential, marked in brackets, every page headed "
                             '"BUSINESS CONFIDENTIAL":') + 1:] == [
        "  - 3.2 Data Pipelines and Labeling Systems",
        "  - 6 Federal Support Requested: Feasibility study, U.S. Trade and Development "
        "Agency (USTDA)",
        "  - 8 Milestones: June 30, 2027",
        "  propgen build --public builds the public version without these parts and without "
        "the support totals",
    ]
    assert "  provided by Prairie Data Labs LLC (confidential)" in lines
    ko = _explained(more, "ko")
    assert ko[-1] == "  공개본(이 부분과 지원 합계액 제외)은 propgen build --public 으로 만듭니다"
    plain = variant(tmp_path, PROPOSAL, "    confidential: true\n", "", name="z.yaml")
    lines = _explained(plain, "en")
    assert lines[-1] == "Business confidential: nothing is marked confidential"
    assert not any("proprietary legend" in line for line in lines)


def test_a_letter_commenter_contact_subject_answers_and_confidential_parts() -> None:
    lines = _explained(LETTER, "en")
    assert lines[1:6] == [
        "dated December 12, 2025, from Onnuri Semiconductor Co., Ltd., South Korea (KR)",
        "  address: 88 Teheran-ro, Gangnam-gu, Seoul 06164, Republic of Korea",
        "  contact: www.onnuri-semi.example · ga@onnuri-semi.example · +82 2 555 0188",
        "  your own document number: ONR-GA-2025-117",
        "signed by Park Seo-yeon, Executive Vice President, Global Public Affairs",
    ]
    assert "Subject: Participation of allied companies as trusted partners in AI export " \
           "consortia" in lines
    at = lines.index("  - F (confidential): the whole section: Federal Support for Consortia")
    assert lines[at + 1].startswith("    why not disclosed: “The investment amount and timing")
    assert lines[-2:] == [
        'Business confidential: F, every page headed "BUSINESS CONFIDENTIAL"',
        "  propgen build --public builds the public version, with a bracketed notice in place "
        "of these answers",
    ]
    ko = _explained(LETTER, "ko")
    assert "  당사 관리번호: ONR-GA-2025-117" in ko
    assert "제목: 미국산 AI 수출 프로그램 컨소시엄에 동맹국 기업의 신뢰하는 파트너 참여 요청" in ko
    assert "  - F(영업 기밀): 섹션 전체: 컨소시엄에 대한 연방 정부 지원" in ko
    assert ko[-2] == '영업 기밀: F(모든 쪽 머리글에 "영업 기밀" 표기)'
