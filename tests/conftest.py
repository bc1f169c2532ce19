"""Shared fixtures: run the `propgen` command in-process, in a known language."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner, Result

from generator.cli import cli

Invoke = Callable[..., Result]


@pytest.fixture
def invoke(monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """`invoke("validate", "x.yaml")` runs `propgen validate x.yaml`; English unless --lang."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)

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
