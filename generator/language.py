"""Scripts and placeholders in text: what the bilingual checks and draft gaps look at.

Character classes, not a language model: Hangul is a block of code points, an English
sentence is a run of Latin words, and a placeholder is a listed marker. The lists are data
(`profiles/language.yaml`). Invisible characters (zero-width spaces and joiners, fillers)
are taken out before any test, so they can neither hide a placeholder nor make an empty
text look written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .i18n import N_, gettext_for

LANGUAGE_DATA = Path(__file__).parent / "profiles" / "language.yaml"

# Characters that take no space on the page. Format characters (Unicode category Cf: U+200B
# zero-width space, U+200C/D joiners, U+2060 word joiner, U+FEFF, U+00AD soft hyphen, bidi
# marks) and the Hangul fillers, which are letters to Unicode but print as nothing.
# Every Cf character of Unicode 15.1, and the fillers, as one class (a test keeps it whole).
_INVISIBLE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f\u115f\u1160\u3164\uffa0]"
)

# Hangul syllables, jamo, compatibility and half-width jamo, extended jamo A and B.
_HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u115e\u1161-\u11ff\u3131-\u3163\u3165-\u318e"
                     "\ua960-\ua97f\ud7b0-\ud7ff\uffa1-\uffdc]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")

# Draft gaps: a passage shown in the other language is wrapped in these two private-use
# characters by the render context; the renderer highlights what lies between them, after
# the marker, and removes them (render.highlight_gaps).
GAP_START = "\ue000"
GAP_END = "\ue001"
GAP_MARKER = N_("[Translation needed]")


def visible(text: str) -> str:
    """`text` without the characters that print as nothing."""
    if text.isascii():
        return text
    return _INVISIBLE.sub("", text)


def is_blank(text: str | None) -> bool:
    """True for missing text, and for text of only spaces and invisible characters."""
    return not visible(text or "").strip()


def has_hangul(text: str) -> bool:
    return _HANGUL.search(text) is not None


def latin_words(text: str) -> int:
    return len(_LATIN_WORD.findall(text))


# --- data -------------------------------------------------------------------------------


class Placeholder(BaseModel):
    """One marker of text still to be written, and where it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    marker: str | None = None
    pattern: str | None = None
    label: str | None = None
    contains: str = ""
    endings: list[str] = Field(default_factory=list)
    where: str

    @model_validator(mode="after")
    def _one_form(self) -> Placeholder:
        if (self.marker is None) == (self.pattern is None):
            raise ValueError("give either 'marker' or 'pattern'")
        if self.pattern is not None:
            re.compile(self.pattern)
        return self

    @property
    def shown(self) -> str:
        return self.label or self.marker or str(self.pattern)

    def regex(self) -> re.Pattern[str]:
        if self.pattern is not None:
            return re.compile(self.pattern)
        endings = "|".join(re.escape(e) for e in sorted(self.endings, key=len, reverse=True))
        after = rf"(?:(?:{endings})|(?!\w))" if endings else r"(?!\w)"
        return re.compile(rf"(?<!\w){re.escape(str(self.marker))}{after}")


class LanguageData(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    as_of: dt.date
    placeholders: list[Placeholder]
    hangul_allowed_inside: list[tuple[str, str]]
    untranslated_min_english_words: int = Field(ge=1)
    hangul_units: list[str] = Field(min_length=1)
    unit_endings: list[str]


@cache
def language_data(path: Path = LANGUAGE_DATA) -> LanguageData:
    """The shipped data file; read directly (the loader is a layer above this module), and
    a test keeps it valid."""
    from ruamel.yaml import YAML

    return LanguageData.model_validate(YAML(typ="safe").load(path.read_text("utf-8")))


@cache
def _placeholder_patterns(path: Path = LANGUAGE_DATA
                          ) -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    """(text every match contains, label, pattern) of each marker: a substring test passes
    over most texts far faster than any regular expression."""
    return tuple((p.marker or p.contains, p.shown, p.regex())
                 for p in language_data(path).placeholders)


# --- tests on one text ------------------------------------------------------------------


def find_placeholder(text: str) -> str | None:
    """The first placeholder marker in `text` (as the data file shows it), or None."""
    seen = visible(text)
    found = [(match.start(), label) for contains, label, pattern in _placeholder_patterns()
             if contains in seen and (match := pattern.search(seen))]
    return min(found)[1] if found else None


def stray_hangul(text: str) -> str | None:
    """The first Hangul word of `text` outside quotation marks and parentheses, or None."""
    seen = visible(text)
    if not has_hangul(seen):
        return None
    pairs = language_data().hangul_allowed_inside
    closing = {open_: close for open_, close in pairs}
    stack: list[str] = []
    for index, char in enumerate(seen):
        if stack and char == stack[-1]:
            stack.pop()
        elif char in closing:
            stack.append(closing[char])
        elif not stack and _HANGUL.match(char):
            return re.split(r"[\s,.;:!?]", seen[index:], maxsplit=1)[0][:30]
    return None


def untranslated(english: str | None, korean: str | None) -> bool:
    """A Korean text that is an untranslated copy: no Hangul where the English has a
    sentence (a name or an acronym in Latin letters is normal in Korean text)."""
    if is_blank(english) or is_blank(korean):
        return False
    minimum = language_data().untranslated_min_english_words
    return latin_words(visible(english or "")) >= minimum and not has_hangul(
        visible(korean or ""))


@cache
def _spaced_unit() -> re.Pattern[str]:
    data = language_data()
    units = "|".join(map(re.escape, sorted(data.hangul_units, key=len, reverse=True)))
    endings = "|".join(map(re.escape, sorted(data.unit_endings, key=len, reverse=True)))
    return re.compile(rf"(?<![\w.,])(\d(?:[\d,.]*\d)?)[ \u00a0]+({units})"
                      rf"((?:{endings})?)(?![\uac00-\ud7a3])")


def spaced_units(text: str) -> list[tuple[str, str]]:
    """Each number followed by a space and a Hangul counter or unit ("3 년", "8 억"), with
    how Korean writes it ("3년", "8억"); `profiles/language.yaml` lists the units."""
    seen = visible(text)
    if not has_hangul(seen) or not any(c.isdigit() for c in seen):
        return []
    return [(found.group(0), found.group(1) + found.group(2) + found.group(3))
            for found in _spaced_unit().finditer(seen)]


# --- draft gaps -------------------------------------------------------------------------


def pick(texts: Mapping[str, str | None], lang: str) -> tuple[str, bool]:
    """The text to show in the `lang` document, and whether it is another language's text
    standing in for a missing translation."""
    own = texts.get(lang)
    if not is_blank(own):
        return _unmarked(str(own)), False
    other = next((str(t) for key, t in texts.items() if key != lang and not is_blank(t)), "")
    return _unmarked(other), bool(other)


def _unmarked(text: str) -> str:
    """The user's text without the two characters that mean a gap to the renderer."""
    if GAP_START in text or GAP_END in text:
        return text.replace(GAP_START, "").replace(GAP_END, "")
    return text


def gap_marker(lang: str) -> str:
    """What a translator searches the `lang` document for: [번역 필요]."""
    return gettext_for(lang)(GAP_MARKER)


def mark_gap(text: str, lang: str) -> str:
    """A stand-in passage, with the marker a translator searches for, between the two
    characters the renderer highlights."""
    return f"{GAP_START}{gap_marker(lang)} {text}{GAP_END}"
