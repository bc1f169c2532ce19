""""Did you mean": the value a user most likely meant, for ids, codes and names.

Leaf module (babel and the standard library only), so models, validation and checks can all
use it. Suggestions compare values the way people mistype them: case, punctuation and
spacing ignored first (`A1` -> `A.1`, `exim` -> `EXIM`), then close spellings.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import cache

from babel import Locale
from babel.core import get_global


def _squash(value: str) -> str:
    return re.sub(r"[\W_]+", "", value).casefold()


def closest(value: str, choices: Iterable[str]) -> str | None:
    """The choice `value` most likely means, or None when nothing is close."""
    options = [c for c in dict.fromkeys(choices) if c]
    if not options or value in options:
        return None
    squashed = {_squash(c): c for c in options}
    if _squash(value) in squashed:
        return squashed[_squash(value)]
    close = difflib.get_close_matches(value.casefold(), [c.casefold() for c in options], n=1,
                                      cutoff=0.6)
    if close:
        return next(c for c in options if c.casefold() == close[0])
    return None


def question_id(value: str) -> str | None:
    """`a1`, `A 1`, `A-1`, `A.01` -> `A.1`; `c` -> `C`: the form question ids are written in."""
    match = re.fullmatch(r"\s*([A-Za-z])\s*[.\-_ ]?\s*0*([0-9]+)?\s*\.?\s*", value)
    if not match:
        return None
    letter, digits = match.group(1).upper(), match.group(2)
    suggestion = f"{letter}.{digits}" if digits else letter
    return suggestion if suggestion != value else None


@cache
def _country_names() -> dict[str, str]:
    """Every English and Korean country name (case-folded, and without spaces) -> code."""
    names: dict[str, str] = {}
    for lang in ("en_US", "ko_KR"):
        for code, name in Locale.parse(lang).territories.items():
            if re.fullmatch(r"[A-Z]{2}", str(code)) and code != "ZZ":
                names.setdefault(_squash(str(name)), str(code))
    return names


def country(value: str, known: Iterable[str]) -> str | None:
    """The two-letter code a mistyped country most likely means: `UK` -> `GB`, `KOR` -> `KR`,
    `Korea` / `대한민국` -> `KR` (CLDR's territory aliases and names, through babel)."""
    codes = set(known)
    upper = value.strip().upper()
    aliases = get_global("territory_aliases").get(upper)
    if aliases and aliases[0] in codes:
        return str(aliases[0])
    names = _country_names()
    squashed = _squash(value)
    if squashed in names:
        return names[squashed]
    prefixed = [code for name, code in names.items() if len(squashed) >= 4
                and name.startswith(squashed)]
    if len(set(prefixed)) == 1:
        return prefixed[0]
    close = difflib.get_close_matches(squashed, list(names), n=1, cutoff=0.8)
    return names[close[0]] if close and len(squashed) > 3 else None
