"""Shared fixtures: every test in a known language; run the `propgen` command in-process."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner, Result

from generator.cli import cli

Invoke = Callable[..., Result]

LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


@pytest.fixture(autouse=True)
def english_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages in English unless a test asks for --lang or sets a locale itself, whatever
    the locale the tests run under (`LANG=ko_KR.UTF-8 python -m pytest` passes too); CLI
    calls, library calls and subprocesses alike (LibreOffice then runs with no locale, as
    it may for a user; `pdf.py` gives it a UTF-8 character type)."""
    for var in LOCALE_VARS:
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def invoke() -> Invoke:
    """`invoke("validate", "x.yaml")` runs `propgen validate x.yaml`; English unless --lang."""

    def run(*args: str) -> Result:
        return CliRunner().invoke(cli, [str(arg) for arg in args], catch_exceptions=False)

    return run
