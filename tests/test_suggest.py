""""Did you mean" for values, and codes that are valid but likely mean another country."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator import suggest
from generator.models import _ALPHA2
from generator.rules.confusable import confusable_pairs

Invoke = Callable[..., Result]

ROOT = Path(__file__).resolve().parent.parent
PROPOSAL = ROOT / "samples" / "proposal-lodestar.yaml"
LETTER = ROOT / "samples" / "letter-onnuri.yaml"


def variant(tmp_path: Path, source: Path, old: str, new: str, count: int = 1) -> Path:
    text = source.read_text("utf-8")
    assert text.count(old) >= count, old
    target = tmp_path / source.name
    target.write_text(text.replace(old, new, count), "utf-8")
    return target


@pytest.mark.parametrize(("typed", "meant"), [
    ("UK", "GB"), ("KOR", "KR"), ("usa", "US"), ("Germany", "DE"), ("대한민국", "KR"),
    ("South Korea", "KR"), ("Korea", "KR"), ("한국", "KR"), ("Republic of Korea", "KR"),
    ("Korea (South)", "KR"), ("Korea, North", "KP"),
    ("USA", "US"), ("U.S.A.", "US"), ("United States", "US"), ("America", "US"),
    ("UK", "GB"), ("U.K.", "GB"), ("Viet Nam", "VN"), ("Burma", "MM"), ("홍콩", "HK"),
])
def test_country_suggestions(typed: str, meant: str) -> None:
    assert suggest.country(typed, _ALPHA2) == meant


@pytest.mark.parametrize(("typed", "meant"), [
    ("A1", "A.1"), ("a.1", "A.1"), ("A 1", "A.1"), ("c", "C"), ("B.02", "B.2"),
])
def test_question_id_suggestions(typed: str, meant: str) -> None:
    assert suggest.question_id(typed) == meant


def test_nothing_close_suggests_nothing() -> None:
    assert suggest.country("XX1", _ALPHA2) is None
    assert suggest.closest("zzz", ["lead", "partner"]) is None
    assert suggest.question_id("AA") is None


@pytest.mark.parametrize(("source", "old", "new", "expected"), [
    (PROPOSAL, "      country: KR", "      country: UK",
     "'UK' is not an ISO 3166 country code; use two letters such as US or KR; "
     "did you mean 'GB' (United Kingdom)?"),
    (PROPOSAL, "      country: KR", "      country: KOR", "did you mean 'KR' (South Korea)?"),
    (LETTER, "  - question: A.1", "  - question: A1", "did you mean 'A.1'?"),
    (LETTER, "notice: rfi-2025", "notice: rfi2025", "did you mean 'rfi-2025'?"),
    (PROPOSAL, "instrument: direct_loan", "instrument: direct-loan",
     "did you mean 'direct_loan'?"),
    (PROPOSAL, "agency: EXIM", "agency: exim", "did you mean 'EXIM'?"),
    (PROPOSAL, "member: lodestar", "member: lodestr", "did you mean 'lodestar'?"),
])
def test_a_mistyped_value_names_what_it_likely_means(
    tmp_path: Path, invoke: Invoke, source: Path, old: str, new: str, expected: str
) -> None:
    result = invoke("validate", variant(tmp_path, source, old, new))
    assert result.exit_code == 2, result.output
    assert expected in result.output, result.output


@pytest.mark.parametrize(("typed", "english", "korean"), [
    ("Korea", "the code of South Korea is 'KR'", "대한민국의 국가 코드는 'KR'입니다"),
    ("한국", "the code of South Korea is 'KR'", "대한민국의 국가 코드는 'KR'입니다"),
    ("대한민국", "the code of South Korea is 'KR'", "대한민국의 국가 코드는 'KR'입니다"),
    ("South Korea", "the code of South Korea is 'KR'", "대한민국의 국가 코드는 'KR'입니다"),
    ("United States", "the code of United States is 'US'", "미국의 국가 코드는 'US'입니다"),
    ("USA", "did you mean 'US' (United States)?", "'US'(미국)의 오타가 아닌지 확인하십시오"),
    ("UK", "did you mean 'GB' (United Kingdom)?", "'GB'(영국)의 오타가 아닌지 확인하십시오"),
    ("Viet Nam", "the code of Vietnam is 'VN'", "베트남의 국가 코드는 'VN'입니다"),
])
def test_a_country_written_as_a_name_gets_its_code_at_the_field(
    tmp_path: Path, invoke: Invoke, typed: str, english: str, korean: str
) -> None:
    path = variant(tmp_path, PROPOSAL, "      country: KR", f"      country: {typed}")
    result = invoke("validate", path)
    assert result.exit_code == 2, result.output
    [line] = [x for x in result.output.splitlines() if "consortium.members[1].country" in x]
    assert line.startswith(f"{path}:33:16: consortium.members[1].country: '{typed}' is not")
    assert line.endswith(english), line
    assert invoke("validate", "--lang", "ko", path).output.rstrip().endswith(korean)
    # The same in a list of countries (a proposal's targets).
    path = variant(tmp_path, PROPOSAL, "  - country: VN", f"  - country: {typed}")
    assert "targets[0].country: " in invoke("validate", path).output


def test_suggestions_in_korean(tmp_path: Path, invoke: Invoke) -> None:
    result = invoke("validate", "--lang", "ko",
                    variant(tmp_path, PROPOSAL, "      country: KR", "      country: UK"))
    assert "'GB'(영국)의 오타가 아닌지 확인하십시오" in result.output, result.output


def test_confusable_pairs_are_data_both_ways() -> None:
    pairs = confusable_pairs()
    assert "KR" in pairs["SK"] and "SK" in pairs["KR"]
    assert {"AU"} <= set(pairs["AT"]) and {"CN"} <= set(pairs["CH"]) and "SL" in pairs["SI"]


def test_a_korean_member_written_sk_is_warned_in_both_languages(
    tmp_path: Path, invoke: Invoke
) -> None:
    # Hanul Memory: Hangul name, headquartered and controlled from KR, but country SK.
    path = variant(tmp_path, PROPOSAL, "      country: KR", "      country: SK")
    result = invoke("check", path)
    assert result.exit_code == 0, result.output
    [line] = [x for x in result.output.splitlines() if "COUNTRY-CONFUSABLE" in x]
    assert ":33:16: warning [COUNTRY-CONFUSABLE] consortium.members[1].country: " in line
    assert "Slovakia (SK) here" in line and "South Korea (KR)" in line
    korean = invoke("check", "--lang", "ko", path).output
    assert "대한민국(KR) 쪽이 맞아 보이지만 적힌 국가 코드는 슬로바키아(SK)입니다" in korean


def test_a_commenter_with_a_korean_address_written_sk_is_warned(
    tmp_path: Path, invoke: Invoke
) -> None:
    path = variant(tmp_path, LETTER, "  country: KR", "  country: SK")
    result = invoke("check", path)
    assert "[COUNTRY-CONFUSABLE] commenter.country: " in result.output, result.output


def test_a_real_slovak_member_is_not_warned(tmp_path: Path, invoke: Invoke) -> None:
    # Country, headquarters and control all SK, an English-only name: nothing points to KR.
    text = PROPOSAL.read_text("utf-8")
    text = text.replace('name: {en: "Hanul Memory Co., Ltd.", ko: 한울메모리}',
                        'name: {en: "Tatra Memory s.r.o.", ko: "Tatra Memory s.r.o."}')
    start = text.index("Tatra Memory")
    head, tail = text[:start], text[start:]
    tail = tail.replace("country: KR", "country: SK", 1).replace(
        "headquarters: KR", "headquarters: SK", 1).replace(
        "controlled_from: KR", "controlled_from: SK", 1)
    path = tmp_path / "slovak.yaml"
    path.write_text(head + tail, "utf-8")
    result = invoke("check", path)
    assert "COUNTRY-CONFUSABLE" not in result.output, result.output


def test_messages_name_organisations_and_countries_not_ids(tmp_path: Path, invoke: Invoke) -> None:
    path = variant(tmp_path, PROPOSAL, "      controlled_from: KR", "      controlled_from: HK")
    english = invoke("check", path).output
    assert ("'Hanul Memory Co., Ltd.' is located in, or owned or controlled from, Hong Kong SAR "
            "China (HK), a country of concern") in english
    korean = invoke("check", "--lang", "ko", path).output
    assert "'한울메모리'은(는) 우려 국가인 홍콩(중국 특별행정구)(HK)에" in korean
    assert "오류 [COUNTRY-OF-CONCERN]" in korean
