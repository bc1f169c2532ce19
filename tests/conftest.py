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


def _read_content_controls_as_word_does() -> None:
    """python-docx reads a paragraph's text and runs from its direct w:r (and w:hyperlink)
    children only, so the text of a field, which sits in a run-level content control
    (w:sdt, see generator/fields.py), would be invisible to every test. Word shows it like
    any other text: tests read documents the way Word does."""
    from docx.oxml.text.paragraph import CT_P
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

    inner = "w:r | w:hyperlink | w:sdt/w:sdtContent/w:r | w:sdt/w:sdtContent/w:hyperlink"
    CT_P.text = property(  # type: ignore[assignment]
        lambda self: "".join(e.text for e in self.xpath(inner)))
    Paragraph.runs = property(  # type: ignore[assignment]
        lambda self: [Run(r, self) for r in self._p.xpath("w:r | w:sdt/w:sdtContent/w:r")])


_read_content_controls_as_word_does()
