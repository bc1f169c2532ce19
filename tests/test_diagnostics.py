"""One diagnostic record, printed one way by every command; one exit code per failure."""

from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import Any

import pytest

from generator import output
from generator.errors import EXIT_CODES, ExitCode

from helpers import LETTER, ROOT, Invoke


def control_char_letter(tmp_path: Path) -> Path:
    path = tmp_path / "control.yaml"
    text = LETTER.read_text("utf-8")
    assert text.count("reference: ONR-GA-2025-117") == 1
    path.write_text(text.replace("reference: ONR-GA-2025-117",
                                 'reference: "ONR\\aGA-2025-117"'), "utf-8")
    return path


def test_a_warning_prints_the_same_in_validate_check_and_build(
    tmp_path: Path, invoke: Invoke
) -> None:
    path = control_char_letter(tmp_path)
    expected = (f"{path}:8:12: warning [CONTROL-CHAR] reference: removed the control "
                "character U+0007, which a Word document cannot hold")
    for args in (("validate",), ("check",), ("build", "-o", tmp_path / "out")):
        result = invoke(*args, "--strip-control-chars", path)
        assert result.exit_code == 0, result.output
        assert [line for line in result.output.splitlines() if "CONTROL-CHAR" in line] == [
            expected], args[0]


def test_json_gives_input_errors_as_records_with_message_id_and_values(
    tmp_path: Path, invoke: Invoke
) -> None:
    path = control_char_letter(tmp_path)
    body = json.loads(invoke("check", "--format", "json", path).output)
    [error] = body["input_errors"]
    assert error["file"] == str(path) and (error["line"], error["column"]) == (8, 12)
    assert error["severity"] == "error" and error["rule"] == ""
    assert error["message_id"].startswith("contains the character U+{codepoint}")
    assert error["values"]["codepoint"] == "0007"
    body = json.loads(invoke("check", "--format", "json", "--strip-control-chars", path).output)
    [warning] = [f for f in body["findings"] if f["rule"] == "CONTROL-CHAR"]
    assert warning["message_id"] == ("removed the control character U+{codepoint}, which a "
                                     "Word document cannot hold")
    assert warning["values"] == {"codepoint": "0007"}
    assert set(warning) == {"file", "line", "column", "path", "severity", "rule", "message",
                            "citation", "message_id", "values"}


def test_a_write_that_fails_has_its_own_exit_code(
    tmp_path: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(src: Any, dst: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr(output.os, "replace", disk_full)
    result = invoke("build", LETTER, "-o", tmp_path / "out")
    assert result.exit_code == ExitCode.WRITE_FAILED == 4
    assert "propgen: cannot write" in result.output and "No space left" in result.output
    assert "Traceback" not in result.output


def test_every_exit_code_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    commands = readme[readme.index("## Commands"):readme.index("## The YAML format")]
    for code in ExitCode:
        assert f"`{code.value}`" in commands, code
    assert {code for _kind, code in EXIT_CODES} <= set(ExitCode)


def test_validate_and_build_give_the_same_records_in_json(
    tmp_path: Path, invoke: Invoke
) -> None:
    path = control_char_letter(tmp_path)
    checked = json.loads(invoke("check", "--format", "json", "--strip-control-chars",
                                path).output)
    [expected] = [f for f in checked["findings"] if f["rule"] == "CONTROL-CHAR"]
    validated = invoke("validate", "--format", "json", "--strip-control-chars", path)
    assert validated.exit_code == 0
    body = json.loads(validated.output)
    assert body["files"] == [{"file": str(path), "ok": True}]
    assert body["findings"] == [expected]
    built = invoke("build", "--format", "json", "--strip-control-chars", path,
                   "-o", tmp_path / "out")
    assert built.exit_code == 0
    body = json.loads(built.output)
    assert expected in body["findings"]
    assert len(body["written"]) == 3 and body["input_errors"] == [] and body["error"] is None
    broken = invoke("validate", "--format", "json", path)
    assert broken.exit_code == ExitCode.BAD_INPUT
    [error] = json.loads(broken.output)["input_errors"]
    assert (error["line"], error["column"], error["severity"]) == (8, 12, "error")


def broken_proposal(tmp_path: Path) -> Path:
    """The trial's first proposal: an unknown role, a missing Korean text and a mistyped
    provider id, each in its own field."""
    from helpers import PROPOSAL, variant

    path = variant(tmp_path, PROPOSAL, "      role: member", "      role: trusted_partner")
    text = path.read_text("utf-8")
    text = text.replace("    providers: [prairie]", "    providers: [prarie]", 1)
    text = text.replace("      ko: 베트남어, 인도네시아어, 필리핀어에 맞게 미세조정한 비공개 가중치 "
                        "언어·비전 모델을 제공합니다.\n", "", 1)
    path.write_text(text, "utf-8")
    return path


def _error_lines(output: str, path: Path) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(f"{path}:")]


def test_validate_names_a_broken_reference_with_the_other_field_errors(
    tmp_path: Path, invoke: Invoke
) -> None:
    path = broken_proposal(tmp_path)
    result = invoke("validate", path)
    assert result.exit_code == ExitCode.BAD_INPUT
    lines = _error_lines(result.output, path)
    assert [line.split(": ", 2)[1] for line in lines] == [
        "consortium.members[1].role", "error [STACK-LAYER] stack.data.providers[0]",
        "stack.models.description"], lines
    assert "'prarie' is not the id of a consortium member" in lines[1]
    assert "did you mean 'prairie'?" in lines[1]
    assert f"{path}:136:17: " in lines[1]
    assert len(set(lines)) == len(lines)


def test_a_reference_inside_a_field_that_failed_is_not_reported_twice(
    tmp_path: Path, invoke: Invoke
) -> None:
    from helpers import PROPOSAL, variant

    path = variant(tmp_path, PROPOSAL, "    providers: [prairie]", "    providers: prairie")
    lines = _error_lines(invoke("validate", path).output, path)
    assert len(lines) == 1 and "stack.data.providers: expected a list" in lines[0], lines


def test_validate_check_and_build_print_the_same_errors_for_a_broken_file(
    tmp_path: Path, invoke: Invoke
) -> None:
    path = broken_proposal(tmp_path)
    printed = {
        args[0]: _error_lines(invoke(*args, path).output, path)
        for args in (("validate",), ("check",), ("build", "-o", tmp_path / "out"))
    }
    assert len(printed["validate"]) == 3
    assert printed["check"] == printed["validate"] == printed["build"]
    assert any("the 'ko' text is missing" in line for line in printed["check"])


def test_a_trusted_partner_is_told_to_be_a_member(tmp_path: Path, invoke: Invoke) -> None:
    path = broken_proposal(tmp_path)
    [line] = [x for x in invoke("validate", path).output.splitlines() if ".role:" in x]
    assert "'trusted_partner' is not a role in a consortium" in line
    assert "list a partner company from an allied country as 'member'" in line
    assert "'country', 'headquarters' and 'controlled_from'" in line
    [line] = [x for x in invoke("validate", "--lang", "ko", path).output.splitlines()
              if ".role:" in x]
    assert "'member'" in line and "동맹국" in line


def test_a_file_the_reference_rules_cannot_read_gets_its_field_errors_only(
    tmp_path: Path, invoke: Invoke
) -> None:
    """The hypothesis example: a letter without its notice, whose rules look the notice up."""
    path = tmp_path / "x.yaml"
    path.write_text("kind: comment_letter\ntitle: 0\n", "utf-8")
    result = invoke("validate", path)
    assert result.exit_code == ExitCode.BAD_INPUT and "Traceback" not in result.output
    assert f"{path}:2:1: title: unknown field 'title'" in result.output
    assert "[QUESTION" not in result.output


def test_check_and_build_print_warnings_in_the_same_order(
    tmp_path: Path, invoke: Invoke
) -> None:
    """A file's warnings in line order from both commands (build printed the notice's
    section-title warnings before the others, whatever their lines)."""
    text = LETTER.read_text("utf-8")
    text = text.replace("미국 인력 2,300명을", "미국 인력 2,300 명을", 1)
    # The section-title warnings of answers C and F, no longer acknowledged (the block
    # ends the file).
    path = tmp_path / "letter.yaml"
    path.write_text(text[:text.index("\nacknowledge:\n") + 1], "utf-8")

    def warnings(*args: Any) -> list[str]:
        result = invoke(*args, path)
        assert result.exit_code == 0, result.output
        return [line for line in result.output.splitlines() if ": warning [" in line]

    checked = warnings("check")
    assert len(checked) >= 3, checked
    assert warnings("build", "-o", tmp_path / "out") == checked
