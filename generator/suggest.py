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


# Names people write for a country that are not CLDR's display name of it (babel's
# `territories`, which gives "South Korea" / "대한민국", "United States", "Czechia"): short
# and official forms, former names, and the everyday Korean names. Add a row when a user
# types one that gets no suggestion.
COMMON_NAMES: dict[str, str] = {
    "Korea": "KR", "Republic of Korea": "KR", "Korea, Republic of": "KR", "ROK": "KR",
    "Korea, South": "KR", "한국": "KR", "남한": "KR", "DPRK": "KP", "Korea, North": "KP",
    "북조선": "KP",
    "America": "US", "United States of America": "US", "미합중국": "US",
    "Britain": "GB", "Great Britain": "GB", "England": "GB", "Scotland": "GB", "Wales": "GB",
    "Holland": "NL", "Czech Republic": "CZ", "Turkey": "TR", "Ivory Coast": "CI",
    "UAE": "AE", "Macedonia": "MK", "Swaziland": "SZ", "PRC": "CN",
    "People's Republic of China": "CN", "Mainland China": "CN", "Russian Federation": "RU",
    "호주": "AU", "타이완": "TW",
}


@cache
def _country_names() -> dict[str, str]:
    """Every English and Korean country name (case-folded, and without spaces) -> code:
    the common names above, CLDR's names, and a name's parts around a parenthesis
    ("Myanmar (Burma)", "홍콩(중국 특별행정구)")."""
    names = {_squash(name): code for name, code in COMMON_NAMES.items()}
    for lang in ("en_US", "ko_KR"):
        for code, name in Locale.parse(lang).territories.items():
            if re.fullmatch(r"[A-Z]{2}", str(code)) and code != "ZZ":
                for form in (name, *re.split(r"\s*[()]\s*", str(name))):
                    if _squash(form):
                        names.setdefault(_squash(form), str(code))
    return names


def country_named(value: str) -> str | None:
    """The code of the country `value` names in English or Korean (`Korea`, `한국`,
    `United States`), as against a mistyped code: such a value is worded as a name."""
    return _country_names().get(_squash(value))


def country(value: str, known: Iterable[str]) -> str | None:
    """The two-letter code a mistyped country most likely means: `UK` -> `GB`, `KOR` -> `KR`,
    `Korea` / `한국` / `대한민국` -> `KR` (CLDR's territory aliases and names, through babel,
    and `COMMON_NAMES`)."""
    codes = set(known)
    names = _country_names()
    squashed = _squash(value)
    if squashed in names:  # a name, before an alias: "Korea" is not an ISO code
        return names[squashed]
    for upper in (value.strip().upper(), squashed.upper()):  # "U.S.A." as "USA"
        if upper in codes and upper != value:
            return upper
        aliases = get_global("territory_aliases").get(upper)
        if aliases and aliases[0] in codes:
            return str(aliases[0])
    prefixed = [code for name, code in names.items() if len(squashed) >= 4
                and name.startswith(squashed)]
    if len(set(prefixed)) == 1:
        return prefixed[0]
    close = difflib.get_close_matches(squashed, list(names), n=1, cutoff=0.8)
    return names[close[0]] if close and len(squashed) > 3 else None
