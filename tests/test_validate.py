"""`propgen validate`: good files pass; each bad file gets located, readable messages.

Each file in tests/malformed/ but empty.yaml starts with a comment saying what is wrong. A message
is `FILE:LINE:COLUMN: FIELD.PATH: TEXT`; problems found before the YAML is understood (syntax,
encoding, an empty file) have no field path.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.errors import InputError, UserError
from generator.loader import load_submission
from generator.models import Proposal

from helpers import LETTER, MALFORMED, ROOT, SAMPLES_DIR, Invoke

# file -> every line `propgen validate FILE` prints: (exact prefix, part of the message)
CASES: dict[str, list[tuple[str, str]]] = {
    "text-is-number.yaml": [
        ("text-is-number.yaml:22:25: executive_summary.en: ", "expected text, got a number 42"),
    ],
    "date-is-number.yaml": [
        ("date-is-number.yaml:3:7: date: ", "expected a date written YYYY-MM-DD, got a number"),
    ],
    "date-is-text.yaml": [
        ("date-is-text.yaml:4:7: date: ", "expected a date written YYYY-MM-DD, got text 'next"),
    ],
    "not-a-date.yaml": [
        ("not-a-date.yaml:4:7: date: ", "'2025-13-45' is not a day in the calendar"),
    ],
    "no-anchor.yaml": [
        ("no-anchor.yaml:7:3: error [ANCHOR-MEMBER] consortium.members: ", "no member has 'role: anchor'"),
    ],
    "two-anchors.yaml": [
        (
            "two-anchors.yaml:17:13: error [ANCHOR-MEMBER] consortium.members[1].role: ",
            "exactly one anchor member; 'lead' is already the anchor",
        ),
    ],
    "bad-country.yaml": [
        (
            "bad-country.yaml:18:16: consortium.members[1].country: ",
            "'XK1' is not an ISO 3166 country code",
        ),
    ],
    "bad-currency.yaml": [
        (
            "bad-currency.yaml:50:41: federal_support[0].amount.currency: ",
            "'DOLLARS' is not an ISO 4217 currency code",
        ),
    ],
    "unknown-key.yaml": [
        (
            "unknown-key.yaml:45:3: business_model.manufacturer: ",
            "unknown field 'manufacturer'; did you mean 'manufacturers'?",
        ),
    ],
    "duplicate-member-id.yaml": [
        (
            "duplicate-member-id.yaml:22:11: error [MEMBER-ID-UNIQUE] consortium.members[2].id: ",
            "member id 'partner' is used twice",
        ),
    ],
    "empty-providers.yaml": [
        ("empty-providers.yaml:29:5: stack.data.providers: ", "needs at least 1 entry"),
    ],
    "provider-not-member.yaml": [
        (
            "provider-not-member.yaml:38:17: error [STACK-LAYER] stack.applications.providers[0]: ",
            "'partnr' is not the id of a consortium member",
        ),
    ],
    "yaml-syntax.yaml": [
        ("yaml-syntax.yaml:5:11: ", "the '{' opened at line 4, column 8 is not closed with '}'"),
    ],
    "tab-indent.yaml": [
        ("tab-indent.yaml:7:1: ", "a tab character: YAML indents with spaces only"),
    ],
    "empty.yaml": [
        ("empty.yaml:1:1: ", "the file is empty; start from 'propgen init proposal FILE'"),
    ],
    "not-utf8.yaml": [
        ("not-utf8.yaml:3:12: ", "the file is not UTF-8 text"),
    ],
    "list-for-mapping.yaml": [
        (
            "list-for-mapping.yaml:46:3: business_model.data_centers: ",
            "expected a mapping (indented 'key: value' lines), got a list",
        ),
    ],
    "plain-string.yaml": [
        (
            "plain-string.yaml:22:20: executive_summary: ",
            "give this text in both languages as a mapping: {en: ..., ko: ...}",
        ),
    ],
    "missing-ko.yaml": [
        (
            "missing-ko.yaml:22:1: executive_summary: ",
            "the 'ko' text is missing; add it, or use --draft",
        ),
    ],
    "missing-field.yaml": [
        ("missing-field.yaml:2:1: closing: ", "required field is missing"),
    ],
    "unknown-question.yaml": [
        (
            "unknown-question.yaml:14:15: error [QUESTION-ID] answers[0].question: ",
            "'Z.9' is not a question or section of the notice; known: A, A.1,",
        ),
    ],
    "confidential-no-justification.yaml": [
        (
            "confidential-no-justification.yaml:14:5: answers[0]: ",
            "a confidential answer needs a 'justification'",
        ),
    ],
    "control-char.yaml": [
        (
            "control-char.yaml:6:14: commenter.name.en: ",
            "contains the character U+0007 at position 5",
        ),
    ],
    "control-char-raw.yaml": [
        ("control-char-raw.yaml:6:18: ", "the file contains the character U+0007"),
    ],
    "python-tag.yaml": [
        (
            "python-tag.yaml:12:1: ",
            "YAML tags such as '!!python/object/apply:os.system' are not allowed",
        ),
    ],
    "python-object.yaml": [
        (
            "python-object.yaml:12:1: ",
            "YAML tags such as '!!python/object:builtins.dict' are not allowed",
        ),
    ],
    "top-level-list.yaml": [
        ("top-level-list.yaml:2:1: ", "the file must be a mapping that starts with 'kind: "),
    ],
    "duplicate-key.yaml": [
        ("duplicate-key.yaml:5:1: ", "'date' is written twice in the same mapping"),
    ],
    "wrong-kind.yaml": [
        (
            "wrong-kind.yaml:2:7: kind: ",
            "'letter' is not a kind of submission; use 'proposal' or 'comment_letter'",
        ),
    ],
    "no-kind.yaml": [
        ("no-kind.yaml:2:1: ", "the file must say what it is: 'kind: proposal' or"),
    ],
    "target-both.yaml": [
        ("target-both.yaml:41:5: targets[0]: ", "give either 'country' or 'bloc'"),
    ],
    "unknown-instrument.yaml": [
        (
            "unknown-instrument.yaml:48:17: federal_support[0].instrument: ",
            "'grant' is not one of: direct_loan, loan_guarantee,",
        ),
    ],
    "three-errors.yaml": [
        ("three-errors.yaml:4:7: date: ", "got text 'soon'"),
        ("three-errors.yaml:7:12: commenter.country: ", "'XX1' is not an ISO 3166 country code"),
        ("three-errors.yaml:14:15: answers[0].question: ", "'a1' is not a question id"),
    ],
}

# The same files in Korean: field paths stay the YAML keys, the message is Korean.
KOREAN: dict[str, list[tuple[str, str]]] = {
    "bad-country.yaml": [
        (
            "bad-country.yaml:18:16: consortium.members[1].country: ",
            "'XK1'은(는) ISO 3166 국가 코드가 아닙니다. US, KR처럼 두 글자로 쓰십시오",
        ),
    ],
    "missing-ko.yaml": [
        (
            "missing-ko.yaml:22:1: executive_summary: ",
            "'ko' 텍스트가 없습니다. 추가하거나 --draft 옵션을 쓰십시오",
        ),
    ],
    "unknown-key.yaml": [
        (
            "unknown-key.yaml:45:3: business_model.manufacturer: ",
            "'manufacturer'은(는) 알 수 없는 항목입니다. 'manufacturers'의 오타가 아닌지",
        ),
    ],
    "empty.yaml": [("empty.yaml:1:1: ", "파일이 비어 있습니다")],
    "text-is-number.yaml": [
        (
            "text-is-number.yaml:22:25: executive_summary.en: ",
            "텍스트를 써야 합니다(입력된 값: 숫자 42)",
        ),
    ],
    "wrong-kind.yaml": [
        ("wrong-kind.yaml:2:7: kind: ", "'proposal' 또는 'comment_letter' 중 하나를 쓰십시오"),
    ],
    "duplicate-key.yaml": [
        ("duplicate-key.yaml:5:1: ", "같은 묶음 안에 'date' 항목이 두 번 있습니다"),
    ],
    "three-errors.yaml": [
        ("three-errors.yaml:4:7: date: ", "(입력된 값: 텍스트 'soon')"),
        ("three-errors.yaml:7:12: commenter.country: ", "ISO 3166 국가 코드가 아닙니다"),
        ("three-errors.yaml:14:15: answers[0].question: ", "'a1'은(는) 질문 번호가 아닙니다"),
    ],
}


@pytest.fixture
def in_malformed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from tests/malformed, so messages name the file as the user typed it."""
    monkeypatch.chdir(MALFORMED)


def assert_lines(output: str, expected: list[tuple[str, str]]) -> None:
    assert "Traceback" not in output
    lines = output.splitlines()
    assert len(lines) == len(expected), output
    for line, (prefix, fragment) in zip(lines, expected, strict=True):
        assert line.startswith(prefix), f"{line!r} does not start with {prefix!r}"
        assert fragment in line[len(prefix) :], f"{fragment!r} not in {line!r}"


def test_samples_are_valid(invoke: Invoke) -> None:
    samples = sorted(SAMPLES_DIR.glob("*.yaml"))
    assert len(samples) >= 2
    result = invoke("validate", *samples)
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok") == len(samples)


def test_every_malformed_file_has_a_case() -> None:
    assert sorted(p.name for p in MALFORMED.glob("*.yaml")) == sorted(CASES)
    assert len(CASES) >= 18


@pytest.mark.usefixtures("in_malformed")
@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed_file_is_reported_in_place(invoke: Invoke, name: str) -> None:
    result = invoke("validate", "--lang", "en", name)
    assert result.exit_code == 2
    assert_lines(result.output, CASES[name])


@pytest.mark.usefixtures("in_malformed")
@pytest.mark.parametrize("name", sorted(KOREAN))
def test_malformed_file_is_reported_in_korean(invoke: Invoke, name: str) -> None:
    result = invoke("validate", "--lang", "ko", name)
    assert result.exit_code == 2
    assert_lines(result.output, KOREAN[name])


@pytest.mark.usefixtures("in_malformed")
def test_korean_from_the_locale(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    result = invoke("validate", "empty.yaml")
    assert result.exit_code == 2
    assert "파일이 비어 있습니다" in result.output


@pytest.mark.usefixtures("in_malformed")
def test_missing_korean_text_passes_as_a_draft(invoke: Invoke) -> None:
    result = invoke("validate", "--draft", "missing-ko.yaml")
    assert result.exit_code == 0, result.output
    assert result.output == "missing-ko.yaml: ok\n"


@pytest.mark.usefixtures("in_malformed")
def test_all_errors_of_a_file_are_reported_at_once(invoke: Invoke) -> None:
    result = invoke("validate", "three-errors.yaml")
    assert result.exit_code == 2
    assert len(result.output.splitlines()) == 3


@pytest.mark.usefixtures("in_malformed")
def test_good_and_bad_files_together(invoke: Invoke) -> None:
    """Every file is checked; one bad file makes the exit code 2 but hides no other report."""
    sample = LETTER
    result = invoke("validate", "empty.yaml", sample, "no-anchor.yaml")
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0].startswith("empty.yaml:1:1: ")
    assert f"{sample}: ok" in lines
    assert lines[-1].startswith("no-anchor.yaml:7:3: error [ANCHOR-MEMBER] consortium.members: ")


@pytest.mark.usefixtures("in_malformed")
def test_missing_file(invoke: Invoke) -> None:
    result = invoke("validate", "no-such-file.yaml")
    assert result.exit_code == 2
    assert result.output == "no-such-file.yaml:1:1: no such file\n"


def test_library_raises_input_error_with_every_problem() -> None:
    with pytest.raises(InputError) as caught:
        load_submission(MALFORMED / "three-errors.yaml")
    assert isinstance(caught.value, UserError)
    problems = caught.value.problems
    assert [(p.line, p.column, p.path) for p in problems] == [
        (4, 7, "date"),
        (7, 12, "commenter.country"),
        (14, 15, "answers[0].question"),
    ]
    assert all(p.file == str(MALFORMED / "three-errors.yaml") for p in problems)


def test_library_draft_and_korean() -> None:
    submission, _ = load_submission(MALFORMED / "missing-ko.yaml", draft=True)
    assert isinstance(submission, Proposal)
    assert submission.executive_summary.get("ko") == "Summary"
    with pytest.raises(InputError) as caught:
        load_submission(MALFORMED / "missing-ko.yaml", lang="ko")
    assert "'ko' 텍스트가 없습니다" in caught.value.problems[0].message


def test_korean_catalog_translates_every_message() -> None:
    """Every msgid has a Korean msgstr that keeps its {placeholders}."""
    from babel.messages.pofile import read_po

    with (ROOT / "locales" / "ko" / "LC_MESSAGES" / "propgen.po").open("rb") as handle:
        catalog = read_po(handle, locale="ko")
    assert len(catalog) > 50
    for entry in catalog:
        if not entry.id:
            continue
        # No plural entries: a msgid and its msgstr are single strings.
        assert isinstance(entry.id, str) and isinstance(entry.string, str), entry.id
        assert entry.string, f"no Korean for {entry.id!r}"
        assert not entry.fuzzy, entry.id
        names = set(re.findall(r"(?<!{){[a-z_]*}(?!})", entry.id))
        assert names == set(re.findall(r"(?<!{){[a-z_]*}(?!})", entry.string)), entry.id


def test_control_characters_removed_with_a_warning_on_request(
    invoke: Invoke, tmp_path: Path
) -> None:
    """`--strip-control-chars`: typed and escaped control characters go, each reported."""
    sample = (LETTER).read_text("utf-8")
    text = sample.replace("reference: ONR-GA-2025-117", 'reference: "ONR\\aGA-2025-117"')
    text = text.replace('en: "Onnuri Semiconductor Co., Ltd."', 'en: "Onnuri Semi\x07conductor Co., Ltd."')
    path = tmp_path / "control.yaml"
    path.write_text(text, "utf-8")
    assert invoke("validate", path).exit_code == 2
    result = invoke("validate", "--strip-control-chars", path)
    assert result.exit_code == 0
    lines = [line for line in result.output.splitlines() if "removed the control character" in line]
    assert f"{path}:10:26: warning [CONTROL-CHAR] removed the control character U+0007" in lines[0]
    assert f"{path}:8:12: warning [CONTROL-CHAR] reference: removed the control character U+0007" in lines[1]
    built = invoke("build", "--strip-control-chars", path, "-o", tmp_path / "out")
    assert built.exit_code == 0
    from docx import Document

    document = Document(str(tmp_path / "out" / "control.en.docx"))
    assert document.paragraphs[0].text == "Onnuri Semiconductor Co., Ltd."
