"""Languages: gettext catalogs, babel formatting, and the DOCX template extractor.

Catalogs live as .po files in `locales/<lang>/LC_MESSAGES/propgen.po` and are compiled in
memory when first used, so a stale .mo can never be shipped or read.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import os
import re
import zipfile
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import IO, Any

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "propgen"


@dataclass(frozen=True)
class Language:
    """What a document language needs beyond its catalog: one row per language, so adding
    one is data plus `locales/<code>/LC_MESSAGES/propgen.po`, not edits across the code."""

    code: str
    babel_locale: str  # number, date and country names
    bcp47: str  # document properties and w:lang
    page_cm: tuple[float, float]  # width, height
    numbering: str  # "plain" (Section A.) or "korean" (1. / 가.)
    closing_mark: str  # after the last sentence of a letter's body
    upright_italics: bool  # the script has no true italics: italic styles set upright
    east_asian_hint: bool  # w:hint="eastAsia": shared punctuation in the East Asian face
    filed: bool  # the version filed with the agency; the others are review copies
    justified: bool = False  # body text justified (Korean business documents: 양쪽 정렬)


LANGUAGES: dict[str, Language] = {
    "en": Language("en", "en_US", "en-US", (21.59, 27.94), "plain", "", False, False, True),
    # Korean official documents: A4, 1. / 가. numbering, the body ends with "끝.".
    "ko": Language("ko", "ko_KR", "ko-KR", (21.0, 29.7), "korean", "끝.", True, True, False,
                   True),
}
LANGS: tuple[str, ...] = tuple(LANGUAGES)
BABEL_LOCALES = {code: row.babel_locale for code, row in LANGUAGES.items()}


def language(code: str) -> Language:
    """The row of a document language; English for a code propgen has no row for."""
    return LANGUAGES.get(code, LANGUAGES["en"])


def resource_dir(name: str) -> Path:
    """Where `templates` or `locales` are: inside an installed wheel, or in the checkout."""
    packaged = Path(__file__).parent / "_resources" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name


class Msg(str):
    """A placeholder value that is itself a msgid, translated when the message is."""

    __slots__ = ()


class CountryCode(str):
    """A placeholder value that is a country code, shown as the country's name in the
    message's language with the code after it: `Slovakia (SK)`, `슬로바키아(SK)`."""

    __slots__ = ()


def N_(message: str) -> str:
    """Mark a message for extraction where it is translated later."""
    return message


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog for `lang`; English falls back to the msgids themselves."""
    po_path = resource_dir("locales") / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.is_file():
        return gettext.NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def gettext_for(lang: str) -> Callable[[str], str]:
    return translations(lang).gettext


def detect_lang(explicit: str | None = None) -> str:
    """`--lang` if given, else Korean when the user's locale is Korean, else English."""
    if explicit:
        return explicit
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    return "en"


def message(kind: str, template: str, ctx: dict[str, Any], lang: str) -> str:
    """Translate one message template and fill in its placeholders."""
    _ = gettext_for(lang)
    text = _(template)
    ctx = {key: _localized(value, lang) for key, value in ctx.items()}
    try:
        return text.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return template.format(**ctx) if ctx else template


def _localized(value: Any, lang: str) -> Any:
    """Placeholder values that are words themselves: marked msgids, or {en, ko} pairs."""
    if isinstance(value, Msg):
        return gettext_for(lang)(value)
    if isinstance(value, CountryCode):
        space = "" if lang == "ko" else " "
        return f"{country_name(value, lang)}{space}({value})"
    from pydantic import BaseModel  # loaded already whenever there is a model to word

    if isinstance(value, BaseModel) and hasattr(value, "get"):
        return value.get(lang)
    return value




# --- formatting -----------------------------------------------------------------------


def babel_locale(lang: str) -> str:
    return BABEL_LOCALES.get(lang, lang)


def country_name(code: str, lang: str) -> str:
    return str(Locale.parse(babel_locale(lang)).territories.get(code, code))


def date_long(value: dt.date, lang: str) -> str:
    """`December 12, 2025` / `2025년 12월 12일`."""
    from babel.dates import format_date

    return format_date(value, "long", locale=babel_locale(lang))


def date_short(value: dt.date, lang: str) -> str:
    """The Korean official short form `2025. 12. 12.`; ISO dates in English tables."""
    if lang == "ko":
        return f"{value.year}. {value.month}. {value.day}."
    from babel.dates import format_date

    return format_date(value, "medium", locale=babel_locale(lang))


def number(value: Decimal | int | float, lang: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=babel_locale(lang))


def percent(value: Decimal | float, lang: str) -> str:
    from babel.numbers import format_percent

    return format_percent(Decimal(value) / 100, "#,##0.#%", locale=babel_locale(lang))


def money_table(amount: Decimal, currency: str, lang: str) -> str:
    """`$1,500,000,000` / `US$1,500,000,000`: full figures for tables."""
    from babel.numbers import format_currency

    whole = amount == amount.to_integral_value()
    return format_currency(
        amount,
        currency,
        format="¤#,##0" if whole else "¤#,##0.00",
        locale=babel_locale(lang),
        currency_digits=False,
    )


# Korean prose names the currency after the number (`15억 달러`); babel's Korean display
# names are the formal ones (`미국 달러`), so the everyday unit words are kept here.
_KO_UNIT_WORDS = {"USD": "달러", "KRW": "원", "EUR": "유로", "JPY": "엔", "GBP": "파운드"}
_KO_UNITS = ((10**12, "조"), (10**8, "억"), (10**4, "만"))


def money_prose(amount: Decimal, currency: str, lang: str) -> str:
    """`$1.5 billion` / `15억 달러`: amounts as a writer puts them in a sentence."""
    if lang != "ko":
        from babel.numbers import format_compact_decimal, get_currency_symbol

        if amount < 1_000_000:
            return money_table(amount, currency, lang)
        figure = format_compact_decimal(
            float(amount), format_type="long", locale=babel_locale(lang), fraction_digits=4
        )
        return f"{get_currency_symbol(currency, babel_locale(lang))}{figure}"
    unit_word = _KO_UNIT_WORDS.get(currency)
    if unit_word is None:
        unit_word = str(Locale.parse("ko").currencies.get(currency, currency))
    return f"{korean_amount(amount)} {unit_word}"


def korean_amount(amount: Decimal) -> str:
    """1500000000 -> `15억`, 3200000000000 -> `3조 2,000억`, 15000000 -> `1,500만`.

    Babel's compact form gives one unit only (`3.2조`); Korean prose groups by 조/억/만.
    Below the largest unit, groups smaller than 만 are dropped when the amount is 1억 or more.
    """
    from babel.numbers import format_decimal

    rest = int(amount)
    parts: list[str] = []
    for size, word in _KO_UNITS:
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{format_decimal(count, locale='ko_KR')}{word}")
    if rest and (not parts or int(amount) < 10**8):
        parts.append(format_decimal(rest, locale="ko_KR"))
    return " ".join(parts) if parts else "0"


# --- Babel extractor for DOCX templates -----------------------------------------------

_XML_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes)\.xml$")


def docx_jinja_source(data: bytes) -> str:
    """The Jinja source a DOCX template holds, with Word's run markup removed."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(io.BytesIO(data))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        sources = [
            tpl.patch_xml(package.read(name).decode("utf-8"))
            for name in sorted(package.namelist())
            if _XML_PARTS.match(name)
        ]
    return "\n".join(sources)


def extract_docx(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: dict[str, Any],
) -> Iterator[tuple[int, str, Any, list[str]]]:
    """Babel extractor: `pybabel extract -F babel.cfg` finds `_()` calls in DOCX templates."""
    from jinja2.ext import babel_extract

    source = docx_jinja_source(fileobj.read())
    jinja_options = dict(options)
    jinja_options.setdefault("extensions", "jinja2.ext.i18n")
    yield from babel_extract(
        io.BytesIO(source.encode("utf-8")), list(keywords), list(comment_tags), jinja_options
    )
