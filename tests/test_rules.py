"""The rule registry: rules named by the profile exist, cite the profile, and run once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result

from generator.checks import Finding
from generator.i18n import N_
from generator.program import Profile
from generator.rules import _RULES, registered_rules, rule

from helpers import LETTER, PROFILE, PROPOSAL, SAMPLES_DIR, TEMPLATES, Invoke


def profile_variant(tmp_path: Path, old: str, new: str) -> Path:
    text = PROFILE.read_text("utf-8")
    assert text.count(old) == 1, old
    target = tmp_path / "profile.yaml"
    target.write_text(text.replace(old, new), "utf-8")
    return target


def test_a_misspelled_rule_id_is_refused_at_its_line_and_column(
    tmp_path: Path, invoke: Invoke
) -> None:
    profile = profile_variant(tmp_path, "      rules: [US-CONTENT, US-CONTENT-EXPLANATION]\n",
                              "      rules: [US-CONTNET, US-CONTENT-EXPLANATION]\n")
    line = profile.read_text("utf-8").splitlines().index(
        "      rules: [US-CONTNET, US-CONTENT-EXPLANATION]") + 1
    expected = (f"{profile}:{line}:15: proposal.required_elements[12].rules[0]: "
                "'US-CONTNET' is not a rule propgen knows; did you mean 'US-CONTENT'?")
    for command in ("validate", "check", "build"):
        result = invoke(command, "--program", profile, PROPOSAL, "-o" if command == "build"
                        else "--draft", *([tmp_path / "out"] if command == "build" else []))
        assert result.exit_code == 2, (command, result.output)
        assert result.output.splitlines()[0] == expected, command
    korean = invoke("check", "--lang", "ko", "--program", profile, PROPOSAL)
    assert korean.exit_code == 2
    assert "'US-CONTNET'은(는) propgen에 없는 규칙입니다" in korean.output
    assert not (tmp_path / "out").exists()


def test_citations_come_from_the_profile_element(tmp_path: Path, invoke: Invoke) -> None:
    profile = profile_variant(
        tmp_path,
        "      citation: 2026 call (FR Doc. 2026-06952)\n      source: call-2026\n"
        "      section: stack.hardware\n",
        "      citation: Call of 2027, part 4\n      source: call-2026\n"
        "      section: stack.hardware\n")
    sample = tmp_path / "low.yaml"
    sample.write_text(PROPOSAL.read_text("utf-8").replace(
        "us_origin_percent: 62", "us_origin_percent: 40"), "utf-8")
    result = invoke("check", "--format", "json", "--program", profile, sample)
    hits = [f for f in json.loads(result.output)["findings"] if f["rule"] == "US-CONTENT"]
    assert [f["citation"] for f in hits] == ["Call of 2027, part 4"]


def test_stack_layer_cites_the_layer_it_is_about(tmp_path: Path, invoke: Invoke) -> None:
    sample = tmp_path / "outsider.yaml"
    text = PROPOSAL.read_text("utf-8")
    marker = "  models:\n    providers: ["
    assert text.count(marker) == 1
    sample.write_text(text.replace(marker, marker + "outsider, "), "utf-8")
    result = invoke("check", "--format", "json", sample)
    hits = [f for f in json.loads(result.output)["findings"] if f["rule"] == "STACK-LAYER"]
    assert [f["citation"] for f in hits] == ["EO 14320 §3(b)(i)(C)"]


def test_one_response_rule_follows_the_notice(tmp_path: Path, invoke: Invoke) -> None:
    second = tmp_path / "again.yaml"
    second.write_text(LETTER.read_text("utf-8"), "utf-8")
    profile = profile_variant(tmp_path, "    one_response_per_respondent: true\n",
                              "    one_response_per_respondent: false\n")
    rules = {f["rule"] for f in json.loads(invoke(
        "check", "--format", "json", "--program", profile, LETTER, second).output)["findings"]}
    assert "ONE-RESPONSE" not in rules


@pytest.fixture
def counted() -> Iterator[list[str]]:
    """A rule registered from this module with the one decorator; it counts its runs."""
    calls: list[str] = []

    @rule("TEST-COUNTED", kind="proposal")
    def _counted(proposal: object, profile: Profile) -> Iterator[Finding]:
        calls.append("run")
        yield Finding("TEST-COUNTED", "warning", ("title",), N_("counted"))

    yield calls
    del _RULES["TEST-COUNTED"]


def test_a_rule_from_another_module_runs_once_per_build(
    tmp_path: Path, invoke: Invoke, counted: list[str]
) -> None:
    assert registered_rules()["TEST-COUNTED"].kind == "proposal"
    result = invoke("build", PROPOSAL, "-o", tmp_path)
    assert result.exit_code == 0, result.output
    assert counted == ["run"]
    assert "warning [TEST-COUNTED] title: counted" in result.output
    counted.clear()
    result = invoke("check", PROPOSAL)
    assert counted == ["run"]


def test_structural_rules_are_flagged() -> None:
    structural = {key for key, value in registered_rules().items() if value.structural}
    assert structural == {"MEMBER-ID-UNIQUE", "ANCHOR-MEMBER", "STACK-LAYER", "MEMBER-REF",
                          "QUESTION-ID", "QUESTION-ONCE"}


def letter_template(tmp_path: Path, *, normal_pt: int | None = None,
                    page_numbers: bool = True) -> Path:
    """A copy of the letter template with a smaller Normal style or no page number."""
    from docx import Document
    from docx.shared import Pt

    folder = tmp_path / "templates"
    folder.mkdir()
    document = Document(str(TEMPLATES / "comment-letter.docx"))
    if normal_pt is not None:
        document.styles["Normal"].font.size = Pt(normal_pt)
    if not page_numbers:
        for section in document.sections:
            for paragraph in section.footer.paragraphs:
                for child in list(paragraph._p):
                    if not child.tag.endswith("}pPr"):
                        paragraph._p.remove(child)
    document.save(str(folder / "comment-letter.docx"))
    return folder


def template_warnings(result: Result) -> list[str]:
    return [line for line in result.output.splitlines() if "[TEMPLATE-" in line]


def test_the_shipped_templates_meet_the_notices_formatting_rules(
    tmp_path: Path, invoke: Invoke
) -> None:
    result = invoke("build", SAMPLES_DIR, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert template_warnings(result) == []


def test_a_template_under_the_notices_font_size_is_named_once(
    tmp_path: Path, invoke: Invoke
) -> None:
    folder = letter_template(tmp_path, normal_pt=10)
    second = tmp_path / "second.yaml"
    second.write_text(LETTER.read_text("utf-8").replace(
        "reference: ONR-GA-2025-117", "reference: ONR-GA-2025-118"), "utf-8")
    result = invoke("build", "--template-dir", folder, LETTER, second, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    template = folder.resolve() / "comment-letter.docx"
    warnings = template_warnings(result)
    assert f"{template}: warning [TEMPLATE-FONT] the template's style 'Normal' is 10 pt, " \
           "smaller than the 12 pt the notice asks for; enlarge it in Word " \
           "(FR Doc. 2025-19674)" in warnings
    assert len(warnings) == len(set(warnings))  # once, not once per letter
    profile = profile_variant(tmp_path, "    min_font_pt: 12\n", "    min_font_pt: null\n")
    quiet = invoke("build", "--template-dir", folder, "--program", profile, LETTER,
                   "-o", tmp_path / "quiet")
    assert template_warnings(quiet) == []


def test_a_template_without_page_numbers_is_named(tmp_path: Path, invoke: Invoke) -> None:
    folder = letter_template(tmp_path, page_numbers=False)
    result = invoke("build", "--lang", "ko", "--template-dir", folder, LETTER,
                    "-o", tmp_path / "out")
    [warning] = template_warnings(result)
    assert "[TEMPLATE-PAGE-NUMBERS]" in warning and "쪽 번호" in warning
    profile = profile_variant(tmp_path, "    page_numbers_required: true\n",
                              "    page_numbers_required: false\n")
    quiet = invoke("build", "--template-dir", folder, "--program", profile, LETTER,
                   "-o", tmp_path / "quiet")
    assert template_warnings(quiet) == []


def test_a_module_dropped_into_the_rules_package_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, invoke: Invoke
) -> None:
    """`generator/rules/<name>.py` registers its rules with the decorator alone."""
    import sys

    import generator.rules as package

    folder = tmp_path / "more_rules"
    folder.mkdir()
    (folder / "extra.py").write_text(
        "from generator.i18n import N_\n"
        "from generator.rules import Finding, rule\n\n\n"
        '@rule("TEST-EXTRA", kind="comment_letter")\n'
        "def _extra(letter, profile):\n"
        '    yield Finding("TEST-EXTRA", "warning", ("date",), N_("extra"))\n', "utf-8")
    monkeypatch.setattr(package, "__path__", [*package.__path__, str(folder)])
    monkeypatch.setattr(package, "_discovered", False)
    monkeypatch.delitem(sys.modules, "generator.rules.extra", raising=False)
    try:
        assert "TEST-EXTRA" in registered_rules()
        result = invoke("check", LETTER)
        assert "warning [TEST-EXTRA] date: extra" in result.output
    finally:
        _RULES.pop("TEST-EXTRA", None)
        sys.modules.pop("generator.rules.extra", None)
