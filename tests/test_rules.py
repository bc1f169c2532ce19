"""The rule registry: rules named by the profile exist, cite the profile, and run once."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result

from generator.checks import Finding
from generator.i18n import N_
from generator.program import Profile
from generator.rules import _RULES, registered_rules, rule

Invoke = Callable[..., Result]  # the `invoke` fixture of conftest.py

ROOT = Path(__file__).resolve().parent.parent
PROPOSAL = ROOT / "samples" / "proposal-lodestar.yaml"
LETTER = ROOT / "samples" / "letter-onnuri.yaml"
PROFILE = ROOT / "generator" / "profiles" / "ai-exports-2026.yaml"


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
