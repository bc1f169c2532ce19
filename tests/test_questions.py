"""`propgen questions` and the letter starter's stubs: the notice's questions at hand."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from ruamel.yaml import YAML

from generator.loader import load_profile
from generator.starters import starter_text

Invoke = Callable[..., Result]
ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "generator" / "profiles" / "ai-exports-2026.yaml"


def test_questions_lists_every_section_and_question_in_both_languages(invoke: Invoke) -> None:
    result = invoke("questions", "rfi-2025")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    notice = load_profile().notice("rfi-2025")
    for section in notice.sections:
        [header] = [x for x in lines if x.startswith(f"{section.id}  ")]
        assert f"{section.title.en} / {section.title.ko}" in header
        assert ("[title inferred from the notice's summary" in header) == section.title_inferred
        for question in section.questions:
            index = lines.index(f"  {question.id:<5} {question.text.en}")
            assert lines[index + 1].strip() == question.text.ko
    assert "Korean question texts are propgen's translations" in result.output
    assert result.output.count("the profile holds no question texts for this section") == 7


def test_questions_in_korean_and_without_a_notice(invoke: Invoke) -> None:
    result = invoke("questions", "--lang", "ko")
    assert result.exit_code == 0
    assert "의견 제출 마감: 2025년 12월 13일" in result.output
    assert "[공고 요약에서 추정한 제목이므로 공고 원문과 대조하십시오]" in result.output
    assert "  A.1   Identify and describe who you represent" in result.output


def test_an_unknown_notice_names_the_one_meant(invoke: Invoke) -> None:
    result = invoke("questions", "rfi2025")
    assert result.exit_code == 2
    assert result.output == ("'rfi2025' is not a notice of the profile; known: rfi-2025; "
                             "did you mean 'rfi-2025'?\n")


def test_a_question_added_to_the_profile_is_listed_and_stubbed(
    tmp_path: Path, invoke: Invoke
) -> None:
    text = PROFILE.read_text("utf-8")
    old = "      - id: C\n        title: {en: Consortia Membership and Formation, ko: 컨소시엄 구성 및 참여}\n"
    assert old in text
    added = old + ("        questions:\n          - id: C.1\n            text:\n"
                   "              en: How should consortia form?\n"
                   "              ko: 컨소시엄은 어떻게 구성해야 합니까?\n")
    profile = tmp_path / "profile.yaml"
    profile.write_text(text.replace(old, added), "utf-8")
    result = invoke("questions", "rfi-2025", "--program", profile)
    assert "  C.1   How should consortia form?\n" in result.output
    assert result.output.count("the profile holds no question texts") == 6


def test_letter_starter_has_a_stub_for_every_question() -> None:
    data = YAML(typ="safe").load(starter_text("letter"))
    notice = load_profile().notice("rfi-2025")
    expected = [q.id for s in notice.sections for q in s.questions] + [
        s.id for s in notice.sections if not s.questions]
    stubbed = [answer["question"] for answer in data["answers"]]
    assert sorted(stubbed) == sorted(expected)
    assert all(a["text"] == {"en": "FILL-IN: your answer", "ko": "FILL-IN: 답변"}
               for a in data["answers"])
    # Each stub carries the question's text in both languages just above it.
    text = starter_text("letter")
    for section in notice.sections:
        for question in section.questions:
            assert re.search(rf"  # {re.escape(question.id)} {re.escape(question.text.en)}\n"
                             rf"  # {re.escape(question.id)} {re.escape(question.text.ko)}\n"
                             rf"  - question: {re.escape(question.id)}\n", text)


def test_letter_stubs_validate_once_filled_even_after_deleting_some(
    tmp_path: Path, invoke: Invoke
) -> None:
    text = starter_text("letter")
    # A team keeps only A.1 and C: delete every other stub.
    yaml = YAML(typ="rt")
    data = yaml.load(text)
    data["answers"] = [a for a in data["answers"] if a["question"] in ("A.1", "C")]
    for answer in data["answers"]:
        answer["text"] = {"en": "Our answer.", "ko": "저희의 답변입니다."}
    data["date"] = "2025-12-01"
    data["commenter"]["country"] = "KR"
    data["commenter"]["name"] = {"en": "Onnuri Co.", "ko": "온누리"}
    data["commenter"]["description"] = {"en": "A maker.", "ko": "제조사입니다."}
    data["signatory"] = {"name": {"en": "Kim", "ko": "김"}, "title": {"en": "CEO", "ko": "대표"}}
    data["introduction"] = {"en": "We comment.", "ko": "의견을 드립니다."}
    data["closing"] = {"en": "Thank you.", "ko": "감사합니다."}
    path = tmp_path / "letter.yaml"
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)
    result = invoke("validate", path)
    assert result.exit_code == 0, result.output
