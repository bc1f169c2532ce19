"""One diagnostic record, printed one way by every command; one exit code per failure."""

from __future__ import annotations

import errno
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from generator import output
from generator.errors import EXIT_CODES, ExitCode

Invoke = Callable[..., Result]  # the `invoke` fixture of conftest.py

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "samples" / "letter-onnuri.yaml"


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
