"""Bilingual rules: placeholders, Hangul in English text, Korean left untranslated.

Tests of scripts and characters (generator/language.py), not a language model; the
placeholder list and the allowed marks are data (generator/profiles/language.yaml).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from ..checks import _bilinguals
from ..i18n import N_
from ..language import find_placeholder, stray_hangul, untranslated
from ..program import Profile
from . import Finding, Loc, rule


@rule("PLACEHOLDER")
def _placeholder(submission: Any, profile: Profile) -> Iterator[Finding]:
    """TBD, TODO, 미정 and the like, in any text (an error; a warning in drafts, see
    checks.draft_severity)."""
    for loc, value in _strings(submission, ()):
        marker = find_placeholder(value)
        if marker is not None:
            yield Finding(
                "PLACEHOLDER", "error", loc,
                N_("the text holds the placeholder '{marker}'; write the text it stands for "
                   "(a --draft build allows it)"),
                {"marker": marker},
            )


@rule("HANGUL-IN-ENGLISH")
def _hangul_in_english(submission: Any, profile: Profile) -> Iterator[Finding]:
    """Hangul in English text would go into the filed English document."""
    for loc, value in _bilinguals(submission, ()):
        word = stray_hangul(value.en or "")
        if word is not None:
            yield Finding(
                "HANGUL-IN-ENGLISH", "error", (*loc, "en"),
                N_("the English text contains Hangul ('{word}'), which would go into the "
                   "filed English document; translate it, or put a Korean name or quotation "
                   "in parentheses or quotation marks"),
                {"word": word},
            )


@rule("UNTRANSLATED")
def _untranslated(submission: Any, profile: Profile) -> Iterator[Finding]:
    """A Korean text with no Hangul beside an English sentence: a copy left untranslated."""
    for loc, value in _bilinguals(submission, ()):
        if untranslated(value.en, value.ko):
            yield Finding(
                "UNTRANSLATED", "warning", (*loc, "ko"),
                N_("the Korean text has no Hangul while the English is a sentence; it looks "
                   "like a copy left untranslated"),
            )


def _strings(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """Every text of the submission, each language of a bilingual text on its own."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _strings(getattr(value, name), (*loc, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*loc, index))
