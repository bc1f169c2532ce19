"""COUNTRY-CONFUSABLE: a valid country code that likely means another country.

`SK` is Slovakia, but Korean teams type it for Korea (or for SK Group); the document then
says "Slovakia" to a U.S. agency with no word from any command. A member or commenter whose
own details (its headquarters or controlling country, a Hangul name for Korea, an address
naming the other country, a web or e-mail address under the other country's domain) point
to the other code of a confusable pair gets a warning. The pairs are data:
`confusable_countries.yaml`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ruamel.yaml import YAML

from ..i18n import N_, CountryCode, Msg, country_name
from . import Finding, Loc, rule

PAIRS_FILE = Path(__file__).with_name("confusable_countries.yaml")
HANGUL = re.compile("[\uac00-\ud7a3]")
# ISO code -> country-code top-level domain, where the two differ.
DOMAINS = {"GB": "uk"}


@cache
def confusable_pairs() -> dict[str, tuple[str, ...]]:
    """code -> the codes it is easily confused with, from the data file."""
    data = YAML(typ="safe").load(PAIRS_FILE.read_text("utf-8"))
    confused: dict[str, tuple[str, ...]] = {}
    for first, second in data["pairs"]:
        confused[first] = (*confused.get(first, ()), second)
        confused[second] = (*confused.get(second, ()), first)
    return confused


def _texts(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [t for t in (getattr(value, "en", None), getattr(value, "ko", None)) if t]


def _names_of(code: str) -> list[str]:
    names = {country_name(code, lang) for lang in ("en", "ko")}
    if code == "KR":
        names |= {"Korea", "한국"}
    return [n for n in names if n and n != code]


def _evidence(code: str, holder: Any) -> str | None:
    """What in `holder` (a member or commenter) points to the country `code`."""
    if code in {getattr(holder, key, None) for key in ("headquarters", "controlled_from")}:
        return N_("headquarters or controlling country")
    if code == "KR" and any(HANGUL.search(t) for t in _texts(getattr(holder, "name", None))):
        return N_("Hangul name")
    address = _texts(getattr(holder, "address", None))
    if any(n.casefold() in t.casefold() for t in address for n in _names_of(code)):
        return N_("address")
    domain = DOMAINS.get(code, code.lower())
    contact = getattr(holder, "contact", None)
    for key, label in (("website", N_("web address")), ("email", N_("e-mail address"))):
        for source in (holder, contact):
            value = str(getattr(source, key, None) or "") if source is not None else ""
            if key == "email":
                host = value.rsplit("@", 1)[-1]
            else:
                host = urlsplit(value if "//" in value else "//" + value).hostname or ""
            if host and host.lower().rstrip(".").endswith("." + domain):
                return label
    return None


def _holders(submission: Any) -> Iterator[tuple[Loc, Any, tuple[str, ...]]]:
    if submission.kind == "proposal":
        for index, member in enumerate(submission.consortium.members):
            yield (("consortium", "members", index), member,
                   ("country", "headquarters", "controlled_from"))
    else:
        yield ("commenter",), submission.commenter, ("country",)


@rule("COUNTRY-CONFUSABLE")
def _country_confusable(submission: Any, profile: Any) -> Iterator[Finding]:
    pairs = confusable_pairs()
    for loc, holder, keys in _holders(submission):
        for key in keys:
            code = getattr(holder, key)
            for other in pairs.get(code, ()):
                evidence = _evidence(other, holder)
                if evidence and _evidence(code, holder) is None:
                    yield Finding(
                        "COUNTRY-CONFUSABLE", "warning", (*loc, key),
                        N_("{code} here, but the {evidence} points to {other}; the two codes "
                           "are easily confused: write {other_code} if that is meant, or "
                           "acknowledge this warning"),
                        {"code": CountryCode(code), "evidence": Msg(evidence),
                         "other": CountryCode(other), "other_code": other},
                    )
                    break
