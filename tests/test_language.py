"""Language checks and marked gaps: Hangul in English, untranslated Korean, placeholders,
zero-width characters, and the highlighted "[Translation needed]" passages of a draft."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn

from generator.cli import cli
from generator.language import (
    GAP_END,
    GAP_START,
    find_placeholder,
    is_blank,
    language_data,
    pick,
    stray_hangul,
    untranslated,
)

ROOT = Path(__file__).resolve().parent.parent
PROPOSAL = ROOT / "samples" / "proposal-lodestar.yaml"
LETTER = ROOT / "samples" / "letter-onnuri.yaml"
TITLE_EN = "  en: Lodestar Trusted AI Stack for Southeast Asia\n"
TITLE_KO = "  ko: 동남아시아를 위한 로드스타 신뢰 AI 스택\n"


def mutate(tmp_path: Path, old: str, new: str, source: Path = PROPOSAL) -> Path:
    text = source.read_text("utf-8")
    assert text.count(old) == 1, old
    target = tmp_path / "case.yaml"
    target.write_text(text.replace(old, new), "utf-8")
    return target


def findings(*args: str) -> tuple[int, list[dict[str, object]]]:
    result = CliRunner().invoke(cli, ["check", "--format", "json", *args])
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.output)["findings"]


def only(found: list[dict[str, object]], rule: str) -> list[dict[str, object]]:
    return [f for f in found if f["rule"] == rule]


@pytest.mark.parametrize(("old", "new", "rule", "severity", "line", "path"), [
    (TITLE_EN, "  en: Lodestar 신뢰 AI Stack for Southeast Asia\n",
     "HANGUL-IN-ENGLISH", "error", 8, "title.en"),
    (TITLE_KO, "  ko: Lodestar Trusted AI Stack for Southeast Asia\n",
     "UNTRANSLATED", "warning", 9, "title.ko"),
    (TITLE_EN, "  en: Lodestar Trusted AI Stack for TBD\n", "PLACEHOLDER", "error", 8, "title.en"),
    (TITLE_KO, "  ko: 동남아시아 AI 스택 (대상국 미정)\n", "PLACEHOLDER", "error", 9, "title.ko"),
    (TITLE_KO, "  ko: 동남아시아 AI 스택 [...]\n", "PLACEHOLDER", "error", 9, "title.ko"),
    # A zero-width space inside the marker does not hide it.
    (TITLE_EN, '  en: "Lodestar AI Stack for T\\u200bB\\u200bD"\n', "PLACEHOLDER", "error", 8,
     "title.en"),
    ('        phone: "+1 512 555 0142"\n', "        phone: TBD\n", "PLACEHOLDER", "error", 29,
     "consortium.members[0].contact.phone"),
])
def test_language_rules(tmp_path: Path, old: str, new: str, rule: str, severity: str,
                        line: int, path: str) -> None:
    case = mutate(tmp_path, old, new)
    code, found = findings(str(case))
    hits = only(found, rule)
    assert [(f["severity"], f["line"], f["path"]) for f in hits] == [(severity, line, path)]
    assert code == (1 if severity == "error" else 0)


@pytest.mark.parametrize("rule_text", [
    # A Korean name after its English form, or a quotation, is allowed in English text.
    "  en: Lodestar Trusted AI Stack (로드스타) for Southeast Asia\n",
    '  en: "Lodestar Trusted AI Stack, or “신뢰 AI”, for Southeast Asia"\n',
])
def test_hangul_in_parentheses_or_quotes_is_allowed(tmp_path: Path, rule_text: str) -> None:
    code, found = findings(str(mutate(tmp_path, TITLE_EN, rule_text)))
    assert code == 0
    assert not only(found, "HANGUL-IN-ENGLISH")


def test_latin_names_and_acronyms_in_korean_are_normal(tmp_path: Path) -> None:
    case = mutate(tmp_path, TITLE_KO, "  ko: Lodestar HBM EXIM\n")
    _code, found = findings(str(case))
    # A Korean text of Latin names beside an English sentence is still flagged, but names
    # and acronyms inside Hangul text never are: the samples are full of them.
    assert only(found, "UNTRANSLATED")
    _code, sample = findings(str(PROPOSAL), str(LETTER))
    assert not [f for f in sample if f["rule"] in ("UNTRANSLATED", "HANGUL-IN-ENGLISH",
                                                   "PLACEHOLDER")]


def test_placeholders_are_warnings_in_drafts(tmp_path: Path) -> None:
    case = mutate(tmp_path, TITLE_EN, "  en: Lodestar Trusted AI Stack for TBD\n")
    code, found = findings(str(case), "--draft")
    assert [(f["severity"], f["line"]) for f in only(found, "PLACEHOLDER")] == [("warning", 8)]
    assert code == 0
    out = tmp_path / "out"
    refused = CliRunner().invoke(cli, ["build", str(case), "-o", str(out)])
    assert refused.exit_code == 1 and "[PLACEHOLDER]" in refused.output
    assert not out.exists() or not list(out.glob("*.docx"))
    drafted = CliRunner().invoke(cli, ["build", str(case), "-o", str(out), "--draft"])
    assert drafted.exit_code == 0, drafted.output
    assert "warning [PLACEHOLDER]" in drafted.output


@pytest.mark.parametrize(("old", "new", "line", "path", "lang", "refusal"), [
    (TITLE_EN, '  en: "FILL-IN: package title"\n', 8, "title.en", "en",
     "replace the placeholder 'FILL-IN: package title' with your own text"),
    (TITLE_KO, '  ko: "FILL-IN: 패키지 제목"\n', 9, "title.ko", "ko",
     "임시 문구 'FILL-IN: 패키지 제목'을(를) 실제 내용으로 바꾸십시오"),
], ids=["en", "ko"])
def test_the_starters_marker_is_a_placeholder_warning_in_drafts(
    tmp_path: Path, old: str, new: str, line: int, path: str, lang: str, refusal: str,
) -> None:
    """FILL-IN (the starters' marker) is refused as today without --draft, and is a
    PLACEHOLDER warning at its line in a draft, which builds and shows the text."""
    case = mutate(tmp_path, old, new)
    where = f"{case}:{line}:7: {path}: {refusal}"
    for command in ("validate", "check", "build"):
        args = [command, str(case), "--lang", lang]
        refused = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "no")]
                                     if command == "build" else args)
        assert refused.exit_code == 2, (command, refused.output)
        assert where in refused.output and "Traceback" not in refused.output
    assert not (tmp_path / "no").exists() or not list((tmp_path / "no").glob("*.docx"))
    assert CliRunner().invoke(cli, ["validate", str(case), "--draft"]).exit_code == 0
    code, found = findings(str(case), "--draft", "--lang", lang)
    assert [(f["severity"], f["line"], f["path"]) for f in only(found, "PLACEHOLDER")] == [
        ("warning", line, path)]
    assert code == 0
    out = tmp_path / "out"
    drafted = CliRunner().invoke(cli, ["build", str(case), "-o", str(out), "--draft",
                                       "--lang", lang])
    assert drafted.exit_code == 0, drafted.output
    assert f"{case}:{line}:7: " in drafted.output and "[PLACEHOLDER]" in drafted.output
    # A reader of the draft sees it is unfinished: the marker's text is in the document.
    text = new.split('"')[1]
    assert text in body_text(out / f"case.{lang}.docx")
    assert text in body_text(out / "case.bilingual.docx")


@pytest.mark.parametrize(("old", "new", "line", "message"), [
    ("date: 2026-06-15\n", "date: FILL-IN\n", 6, "date"),
    ("      country: US\n", "      country: FILL-IN\n", 19,
     "'FILL-IN' is not an ISO 3166 country code"),
], ids=["date", "country"])
def test_a_fill_in_value_that_is_not_text_is_refused_in_drafts(
    tmp_path: Path, old: str, new: str, line: int, message: str,
) -> None:
    text = PROPOSAL.read_text("utf-8")
    case = tmp_path / "case.yaml"
    case.write_text(text.replace(old, new, 1), "utf-8")
    for command in ("validate", "check"):
        result = CliRunner().invoke(cli, [command, str(case), "--draft"])
        assert result.exit_code == 2, result.output
        assert f"{case}:{line}:" in result.output and message in result.output
    result = CliRunner().invoke(cli, ["build", str(case), "-o", str(tmp_path / "out"),
                                      "--draft"])
    assert result.exit_code == 2 and f"{case}:{line}:" in result.output


def test_invisible_only_text_is_missing_in_a_build(tmp_path: Path) -> None:
    # Nor does a filler make an empty translation look written: a missing text (exit 2)
    # at its line, a marked gap only in drafts (tests/test_loader_guards.py).
    case = mutate(tmp_path, TITLE_KO, '  ko: "\\u200b\\u200d"\n')
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(case), "-o", str(out)])
    assert result.exit_code == 2
    assert "case.yaml:9:7: title.ko: the 'ko' text is missing" in result.output
    drafted = CliRunner().invoke(cli, ["check", "--format", "json", "--draft", str(case)])
    hits = only(json.loads(drafted.output)["findings"], "TRANSLATION")
    assert [(f["severity"], f["line"], f["path"]) for f in hits] == [("warning", 9, "title.ko")]


def test_text_functions() -> None:
    assert find_placeholder("Budget: TBD.") == "TBD"
    assert find_placeholder("TBDs and TODOLIST") is None
    assert find_placeholder("일정은 미정입니다") == "미정"
    assert find_placeholder("미정산 금액") is None  # another word
    assert find_placeholder("XXX억 원") == "XXX"
    assert find_placeholder("FILL-IN: 회사명") == "FILL-IN"
    assert stray_hangul("Seoul 서울 office") == "서울"
    assert stray_hangul("KOTRA (대한무역투자진흥공사)") is None
    assert is_blank("\u200b \u2060\ufeff") and is_blank("\u3164") and not is_blank("a\u200b")
    assert untranslated("This sentence is written in English only.", "This sentence is "
                        "written in English only.")
    assert not untranslated("EXIM", "EXIM")
    assert not untranslated("This sentence is written in English only.", "HBM 메모리")
    # The gap characters typed by a user are not gaps.
    assert pick({"en": f"a{GAP_START}b{GAP_END}", "ko": "가"}, "en") == ("ab", False)
    assert pick({"en": "\u200b", "ko": "가"}, "en") == ("가", True)


def test_every_format_character_is_invisible() -> None:
    """The class behind `visible` holds every format (Cf) character this Python knows."""
    import sys
    import unicodedata

    missing = [f"U+{c:04X}" for c in range(sys.maxunicode + 1)
               if unicodedata.category(chr(c)) == "Cf" and not is_blank(chr(c))]
    assert missing == []


def test_every_starter_marker_is_in_the_placeholder_list() -> None:
    """The starters mark values with FILL-IN; the data file lists it, with its origin."""
    data = language_data()
    for starter in (ROOT / "generator" / "starters").glob("*.yaml"):
        assert "FILL-IN" in starter.read_text("utf-8")
    entry = next(p for p in data.placeholders if p.marker == "FILL-IN")
    assert "starters" in entry.where
    assert all(p.where for p in data.placeholders)


# --- marked gaps ------------------------------------------------------------------------


def highlighted_runs(path: Path) -> list[str]:
    document = Document(str(path))
    return [
        "".join(t.text or "" for t in run.iter(qn("w:t")))
        for run in document.element.body.iter(qn("w:r"))
        if run.find(f"{qn('w:rPr')}/{qn('w:highlight')}") is not None
    ]


def body_text(path: Path) -> str:
    document = Document(str(path))
    return "".join(t.text or "" for t in document.element.body.iter(qn("w:t")))


def test_draft_gaps_are_marked_and_highlighted(tmp_path: Path) -> None:
    case = mutate(tmp_path, TITLE_KO, "")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(case), "-o", str(out), "--draft",
                                      "--lang", "ko"])
    assert result.exit_code == 0, result.output
    korean = out / "case.ko.docx"
    runs = highlighted_runs(korean)
    # The title paragraph: the marker, then the English title standing in for it.
    assert "[번역 필요] Lodestar Trusted AI Stack for Southeast Asia" in runs
    assert body_text(korean).count("[번역 필요]") == len(runs)
    assert GAP_START not in body_text(korean) and GAP_END not in body_text(korean)
    assert f"{out / 'case.ko.docx'}\n  번역이 없는 {len(runs)}곳에 [번역 필요] 표시를 했습니다" \
        in result.output
    # The summary still counts files, not passages.
    assert "파일 1개 중 1개에서 문서 3개를 만들었습니다" in result.output
    # The English document has its own title: nothing is marked there.
    assert highlighted_runs(out / "case.en.docx") == []
    assert "[Translation needed]" not in body_text(out / "case.en.docx")
    # The side-by-side copy keeps the highlight on the Korean side.
    assert "[번역 필요] Lodestar Trusted AI Stack for Southeast Asia" in highlighted_runs(
        out / "case.bilingual.docx")


def test_english_gap_marked_in_english(tmp_path: Path) -> None:
    case = mutate(tmp_path, TITLE_EN, "")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(case), "-o", str(out), "--draft"])
    assert result.exit_code == 0, result.output
    assert "[Translation needed] 동남아시아를 위한 로드스타 신뢰 AI 스택" in highlighted_runs(
        out / "case.en.docx")
    assert "passage(s) without a translation, marked [Translation needed]" in result.output


def test_complete_build_has_no_marks(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(PROPOSAL), str(LETTER), "-o", str(out)])
    assert result.exit_code == 0, result.output
    for docx in out.glob("*.docx"):
        text = body_text(docx)
        assert highlighted_runs(docx) == [], docx
        assert "[번역 필요]" not in text and "[Translation needed]" not in text
        assert GAP_START not in text and GAP_END not in text
    assert "without a translation" not in result.output
