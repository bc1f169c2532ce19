"""Text rules a new user tripped on: a nested list item indented too little, and a Hangul
counter or unit typed after its number with a space. Both are warnings located at the line
of the field's text, with what to write."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.inputs import check_files
from generator.language import language_data, spaced_units
from generator.loader import load_profile
from generator.rules import rule_ids_for
from generator.rules.text import misindented_items

from helpers import LETTER, PROPOSAL, ROOT, variant

PROFILE = load_profile()


def _line(path: Path, needle: str) -> tuple[int, int]:
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(needle)


def _found(path: Path, rule: str, lang: str = "en") -> list[tuple[str, int, int, str]]:
    report = check_files([path], profile=PROFILE, lang=lang)
    assert not report.input_errors
    return [(f.path, f.line, f.column, f.message) for f in report.findings if f.rule == rule]


# --- LIST-INDENT ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("- a\n - b\n- c", [("- b", 1, 2, "-")]),
    ("1. a\n  1. b", [("1. b", 2, 3, "1.")]),
    ("10. a\n   - b", [("- b", 3, 4, "10.")]),
    ("- a\n  - b\n- c", []),  # nested as meant
    ("1. a\n   - b", []),
    ("- a\n - b\n   - c", [("- b", 1, 2, "-")]),  # c nests under b: only b is wrong
    ("We represent:\n- a\n- b", []),
    ("One paragraph - with a hyphen.", []),
])
def test_items_indented_less_than_their_parent_text(
        text: str, expected: list[tuple[str, int, int, str]]) -> None:
    assert misindented_items(text) == expected


def test_list_indent_is_located_at_the_item_with_the_indent_to_write(tmp_path: Path) -> None:
    path = variant(tmp_path, LETTER, "          - A memory maker, for example",
                   "         - A memory maker, for example")
    found = _found(path, "LIST-INDENT")
    line, column = _line(path, "- A memory maker")
    assert len(found) == 1
    where, at_line, at_column, text = found[0]
    assert (where, at_line, at_column) == ("answers[3].text.en", line, column)
    assert "indented by 1 space(s) under a '-' item" in text
    assert "indent it by 2 spaces" in text
    korean = _found(path, "LIST-INDENT", lang="ko")[0][3]
    assert "하위 항목으로 만들려면" in korean and "2칸" in korean
    # The samples nest as CommonMark wants: no warning.
    assert not _found(LETTER, "LIST-INDENT")


# --- KOREAN-UNIT-SPACE --------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("3 년간 60 MW", [("3 년간", "3년간")]),
    ("8 억 달러", [("8 억", "8억")]),
    ("12 년", [("12 년", "12년")]),
    ("640 명의 인력", [("640 명의", "640명의")]),
    ("30 개월에서 18 개월로", [("30 개월에서", "30개월에서"), ("18 개월로", "18개월로")]),
    ("1,500 만 달러, 3.5 배", [("1,500 만", "1,500만"), ("3.5 배", "3.5배")]),
    ("제 14320 호", [("14320 호", "14320호")]),
    # How Korean writes them, units in Latin letters, and words that only begin like a unit.
    ("총 8억 180만 달러, 2025년 12월 12일, 60 MW, 500 kV, 80 GB", []),
    ("2단계 일정: Phase 2 일정과 3 대학", []),
    ("2025. 12. 12.", []),
    ("3 years", []),
])
def test_spaced_units(text: str, expected: list[tuple[str, str]]) -> None:
    assert spaced_units(text) == expected


def test_the_units_are_data_with_their_source() -> None:
    data = language_data()
    for unit in ("년", "개월", "일", "명", "개", "개사", "억", "만", "원", "달러", "호", "건",
                 "배", "곳", "대"):
        assert unit in data.hangul_units
    text = (ROOT / "generator" / "profiles" / "language.yaml").read_text(encoding="utf-8")
    assert "한글 맞춤법 제43항" in text


def test_korean_unit_space_is_located_at_the_number_with_the_fix(tmp_path: Path) -> None:
    path = variant(tmp_path, LETTER, "미국 인력 2,300명을", "미국 인력 2,300 명을")
    found = _found(path, "KOREAN-UNIT-SPACE")
    line, column = _line(path, "2,300 명을")
    assert found == [("commenter.description.ko", line, column,
                      "in Korean a counter or unit written in Hangul follows its number "
                      "without a space: write '2,300명을' for '2,300 명을' (units in Latin "
                      "letters such as MW or kV keep their space)")]
    korean = _found(path, "KOREAN-UNIT-SPACE", lang="ko")[0][3]
    assert "숫자에 붙여 씁니다" in korean and "'2,300 명을' → '2,300명을'" in korean
    # English text is not Korean text: "2,300 people" is left alone; the samples are clean.
    assert not _found(LETTER, "KOREAN-UNIT-SPACE")
    assert not _found(PROPOSAL, "KOREAN-UNIT-SPACE")


def test_the_text_rules_run_on_both_kinds() -> None:
    for kind in ("proposal", "comment_letter"):
        assert {"LIST-INDENT", "KOREAN-UNIT-SPACE"} <= set(rule_ids_for(kind))
