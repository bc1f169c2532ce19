"""Paths and types the tests share, so no test file works out where the samples are."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import Result

ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = ROOT / "samples"
PROPOSAL = SAMPLES_DIR / "proposal-lodestar.yaml"
LETTER = SAMPLES_DIR / "letter-onnuri.yaml"
PROFILE = ROOT / "generator" / "profiles" / "ai-exports-2026.yaml"
TEMPLATES = ROOT / "templates"
MALFORMED = ROOT / "tests" / "malformed"

Invoke = Callable[..., Result]  # the `invoke` fixture of conftest.py


_T = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"
_NO_BREAK_HYPHEN = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}noBreakHyphen"


def text_of(element: Any) -> str:
    """The text a reader sees in a DOCX element: its w:t, and the "-" an id's non-breaking
    hyphen (w:noBreakHyphen, layout.keep_ids_whole) prints."""
    return "".join("-" if node.tag == _NO_BREAK_HYPHEN else node.text or ""
                   for node in element.iter(_T, _NO_BREAK_HYPHEN))
