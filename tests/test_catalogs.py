"""Catalogs cover every message the templates and the code use; Babel finds them itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from generator.i18n import extract_docx

from helpers import ROOT, TEMPLATES

KEYWORDS = {"_": None, "N_": None, "gettext": None}


def used_msgids() -> dict[str, str]:
    """Every msgid in the templates and the package, with where it was found."""
    found: dict[str, str] = {}
    method_map = [("generator/cli.py", "generator.click_i18n:extract_cli"),
                  ("generator/**.py", "python"), ("templates/**.docx", "docx")]
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=KEYWORDS,
        callback=None, options_map={"templates/**.docx": {}},
    ):
        if isinstance(message, tuple):
            message = message[0]
        found.setdefault(message, filename)
    return found


def test_templates_yield_their_headings_to_the_extractor() -> None:
    with (TEMPLATES / "proposal.docx").open("rb") as handle:
        messages = {m[2] for m in extract_docx(handle, list(KEYWORDS), [], {})}
    assert {"Executive Summary", "Consortium Members and Roles", "Provided by",
            "Compliance Matrix"} <= messages
    with (TEMPLATES / "comment-letter.docx").open("rb") as handle:
        messages = {m[2] for m in extract_docx(handle, list(KEYWORDS), [], {})}
    assert {"Submitted via", "RE", "Our reference"} <= messages


@pytest.mark.parametrize("lang", ["ko"])
def test_catalog_translates_every_used_message(lang: str) -> None:
    used = used_msgids()
    assert len(used) > 100
    with (ROOT / "locales" / lang / "LC_MESSAGES" / "propgen.po").open("rb") as handle:
        catalog = read_po(handle)
    missing = sorted(
        f"{where}: {msgid!r}" for msgid, where in used.items()
        if msgid not in catalog or not catalog[msgid].string or catalog[msgid].fuzzy
    )
    assert not missing, "untranslated:\n" + "\n".join(missing)


def test_template_file_is_current() -> None:
    """locales/propgen.pot holds exactly the messages in use (re-run pybabel extract)."""
    with (ROOT / "locales" / "propgen.pot").open("rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    assert template == set(used_msgids())


def test_pybabel_extract_finds_template_strings(tmp_path: Path) -> None:
    """The standard workflow: pybabel with the entry-point extractor reads the DOCX files."""
    pot = tmp_path / "out.pot"
    result = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "N_", "-k", "_", "--no-location", "-o", str(pot), "."],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    with pot.open("rb") as handle:
        ids = {m.id for m in read_po(handle)}
    assert "Executive Summary" in ids and "Respectfully submitted," in ids


def test_templates_match_their_generator_script() -> None:
    result = subprocess.run([sys.executable, "tools/make_templates.py", "--check"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
