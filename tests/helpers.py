"""Paths, checks and set-up the tests share, so no test file works out where the samples
are, or repeats how a sample is copied, varied, built and opened."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = ROOT / "samples"
PROPOSAL = SAMPLES_DIR / "proposal-lodestar.yaml"
LETTER = SAMPLES_DIR / "letter-onnuri.yaml"
PROFILE = ROOT / "generator" / "profiles" / "ai-exports-2026.yaml"
TEMPLATES = ROOT / "templates"
MALFORMED = ROOT / "tests" / "malformed"

Invoke = Callable[..., Result]  # the `invoke` fixture of conftest.py

BOUND = 5.0  # seconds a refusal may take: generous, a hang or a blow-up is minutes
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX signals, links and FIFOs")


def assert_clean(result: Result, *needles: str, code: int = 2) -> None:
    """The command exited with `code`, without a traceback, and said each of `needles`."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.output, result.output


def variant(folder: Path, source: Path, old: str, new: str, name: str = "x.yaml") -> Path:
    """A copy of `source` in `folder` with the first `old` replaced by `new`."""
    text = source.read_text(encoding="utf-8")
    assert old in text, old
    target = folder / name
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def built_document(source: Path, out: Path, name: str, **options: Any) -> Any:
    """Build `source` into `out` in-process (`BuildOptions` fields as `options`) and open
    the document `name` of it with python-docx."""
    from docx import Document

    from generator.build import BuildOptions, build_files

    build_files([source], BuildOptions(output_dir=out, **options))
    return Document(str(out / name))

_T = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"
_NO_BREAK_HYPHEN = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}noBreakHyphen"


def text_of(element: Any) -> str:
    """The text a reader sees in a DOCX element: its w:t, and the "-" an id's non-breaking
    hyphen (w:noBreakHyphen, layout.keep_ids_whole) prints."""
    return "".join("-" if node.tag == _NO_BREAK_HYPHEN else node.text or ""
                   for node in element.iter(_T, _NO_BREAK_HYPHEN))
