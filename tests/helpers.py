"""Paths and types the tests share, so no test file works out where the samples are."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = ROOT / "samples"
PROPOSAL = SAMPLES_DIR / "proposal-lodestar.yaml"
LETTER = SAMPLES_DIR / "letter-onnuri.yaml"
PROFILE = ROOT / "generator" / "profiles" / "ai-exports-2026.yaml"
TEMPLATES = ROOT / "templates"
MALFORMED = ROOT / "tests" / "malformed"

Invoke = Callable[..., Result]  # the `invoke` fixture of conftest.py
