"""The submission a team describes in YAML, as pydantic models.

Field names are the YAML keys, so `propgen schema` and error paths speak the user's words.
Rules that need the program profile (instrument ids, question ids) read it from the
validation context, so that their errors are located like any other field error.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from babel import Locale
from babel.numbers import list_currencies
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .i18n import LANGS, N_
from .language import is_blank, visible

CUSTOM_MESSAGES: dict[str, str] = {
    "xml_invalid_char": N_(
        "contains the character U+{codepoint} at position {position}, "
        "which a Word document cannot hold; delete it"
    ),
    "country_code": N_(
        "'{value}' is not an ISO 3166 country code; use two letters such as US or KR"
    ),
    "currency_code": N_(
        "'{value}' is not an ISO 4217 currency code; use three letters such as USD or KRW"
    ),
    "bilingual_plain": N_("give this text in both languages as a mapping: {{en: ..., ko: ...}}"),
    "bilingual_empty": N_("the text is empty in both languages"),
    "bilingual_missing": N_("the '{lang}' text is missing; add it, or use --draft"),
    "target_kind": N_("give either 'country' or 'bloc' (with 'bloc_countries')"),
    "unknown_choice": N_("'{value}' is not one of: {choices}"),
    "placeholder": N_("replace the placeholder '{value}' with your own text"),
    "date_calendar": N_("'{value}' is not a day in the calendar; check the month and the day"),
    "confidential_justification": N_(
        "a confidential answer needs a 'justification' for non-disclosure"
    ),
}


def user_error(kind: str, ctx: dict[str, Any] | None = None) -> PydanticCustomError:
    """A validation error whose English template is also its catalog msgid."""
    return PydanticCustomError(kind, CUSTOM_MESSAGES[kind], ctx)


# XML 1.0 forbids C0 controls other than tab, newline and carriage return, lone surrogates
# and U+FFFE/U+FFFF; Word refuses a document that contains them.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(value: str) -> str:
    match = XML_INVALID.search(value)
    if match:
        raise user_error(
            "xml_invalid_char",
            {"codepoint": f"{ord(match.group()):04X}", "position": match.start() + 1},
        )
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _not_blank(value: str) -> str:
    """Text of only spaces and invisible characters (U+200B, ...) is empty."""
    if is_blank(value):
        raise PydanticCustomError("string_too_short", "String should have at least 1 character",
                                  {"min_length": 1})
    return value


# Starter files (`propgen init`) mark every value to supply with a string that starts with
# this; such text must never reach a filed document. A draft (context `placeholders`, set by
# `--draft`) lets it through, and the PLACEHOLDER rule warns of it there, so that a starter
# can be built half filled in; a value that is not text (a date, a code) is refused by its
# own type in every mode.
PLACEHOLDER = "FILL-IN"


def _not_placeholder(value: str, info: ValidationInfo) -> str:
    if info.context and info.context.get("placeholders"):
        return value
    if visible(value).lstrip().startswith(PLACEHOLDER):
        shown = " ".join(value.split())
        shown = shown if len(shown) <= 60 else shown[:59] + "…"
        raise user_error("placeholder", {"value": shown})
    return value


def _xml_safe_input(value: Any) -> Any:
    """`_xml_safe` before a pattern check, which would fail first with pydantic's own words."""
    return _xml_safe(value) if isinstance(value, str) else value


Text = Annotated[str, AfterValidator(_xml_safe), AfterValidator(_not_placeholder)]
NonEmptyText = Annotated[
    str, Field(min_length=1), AfterValidator(_xml_safe), AfterValidator(_not_placeholder),
    AfterValidator(_not_blank),
]
# Shown in the letterhead, so it must be as safe as any text.
Email = Annotated[
    str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"), BeforeValidator(_xml_safe_input)
]
Identifier = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        max_length=64,
        description="Short id used to refer to this entry: lower-case letters, digits, - and _.",
    ),
]

_ALPHA2 = frozenset(
    str(code) for code in Locale("en").territories if re.fullmatch(r"[A-Z]{2}", str(code))
)
_CURRENCIES = frozenset(list_currencies())


def _country(value: Any) -> Any:
    if isinstance(value, str) and value.upper() in _ALPHA2 and value.upper() not in {"ZZ"}:
        return value.upper()
    if isinstance(value, str):
        raise user_error("country_code", {"value": value})
    return value


def _currency(value: Any) -> Any:
    if isinstance(value, str) and value.upper() in _CURRENCIES:
        return value.upper()
    if isinstance(value, str):
        raise user_error("currency_code", {"value": value})
    return value


def _date(value: Any) -> Any:
    """Only YAML dates and YYYY-MM-DD text are dates (pydantic would read 0 as 1970-01-01)."""
    if isinstance(value, bool | int | float | Decimal):
        raise PydanticCustomError("date_type", "expected a date written YYYY-MM-DD")
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}\s*", value):
        year, month, day = (int(part) for part in value.strip().split("-"))
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise user_error("date_calendar", {"value": value.strip()}) from None
    return value


Date = Annotated[dt.date, BeforeValidator(_date)]

Country = Annotated[
    str,
    BeforeValidator(_country),
    Field(description="ISO 3166-1 alpha-2 country code, e.g. US, KR."),
]
Currency = Annotated[
    str,
    BeforeValidator(_currency),
    Field(description="ISO 4217 currency code, e.g. USD, KRW."),
]


class Strict(BaseModel):
    """Base for every YAML mapping: unknown keys are errors, so typos never vanish.

    Validators are built on first use (`defer_build`), once, for the whole submission,
    rather than for every class at import: `propgen --help` stays fast.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Bilingual(Strict):
    """Text a reader sees in both the English and the Korean document."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        defer_build=True,
        json_schema_extra={"required": ["en", "ko"]},
    )

    en: Text | None = Field(default=None, description=(
        "English text. Markdown subset: a blank line starts a paragraph; '- ' and '1. ' "
        "list items; **bold**, *italic*, [links](https://...), footnotes [^1]."))
    ko: Text | None = Field(default=None, description=(
        "Korean text (한국어). 빈 줄은 새 문단, '- '와 '1. '은 목록, **굵게**, *강조*, "
        "[링크](https://...), 각주 [^1]."))

    @model_validator(mode="before")
    @classmethod
    def _not_plain_string(cls, data: Any) -> Any:
        if isinstance(data, str):
            raise user_error("bilingual_plain")
        return data

    @field_validator("en", "ko")
    @classmethod
    def _written(cls, value: str | None, info: ValidationInfo) -> str | None:
        """A text given but blank, or made only of invisible characters (U+200B, ...), is
        missing, reported at its own line; drafts (`blank_gaps` in the context, else
        `draft`) let `_both_languages` decide: a marked gap."""
        context = info.context or {}
        gaps = bool(context.get("blank_gaps", context.get("draft")))
        if value is not None and is_blank(value) and not gaps:
            raise user_error("bilingual_missing", {"lang": info.field_name})
        return value

    @model_validator(mode="after")
    def _both_languages(self, info: ValidationInfo) -> Bilingual:
        draft = bool(info.context and info.context.get("draft"))
        # Spaces and invisible characters alone (U+200B, ...) are no text (language.is_blank).
        missing = [lang for lang in LANGS if is_blank(getattr(self, lang))]
        if len(missing) == len(LANGS):
            raise user_error("bilingual_empty")
        if missing and not draft:
            raise user_error("bilingual_missing", {"lang": missing[0]})
        return self

    def get(self, lang: str) -> str:
        """The text in `lang`, falling back to the other language in drafts."""
        own = getattr(self, lang, None)
        if not is_blank(own):
            return str(own)
        # Blank and invisible text count as missing here too, as in `_both_languages`.
        return next(
            (str(text) for other in LANGS if not is_blank(text := getattr(self, other))), ""
        )


class Contact(Strict):
    name: Bilingual
    title: Bilingual | None = None
    email: Email | None = None
    phone: Text | None = None


class Person(Strict):
    """Someone who signs a document."""

    name: Bilingual
    title: Bilingual


class ConcernSupplier(Strict):
    """A supplier located in a country of concern that a member buys from: the 2026 call
    reportedly asks foreign firms to disclose such suppliers (designation then case by case)."""

    name: Bilingual = Field(description="The supplier's name.")
    country: Country = Field(description="Where the supplier is located: a country of "
                             "concern (the profile's countries_of_concern).")
    supplies: Bilingual = Field(description="What the member buys from the supplier.")


class Member(Strict):
    id: Identifier
    name: Bilingual
    role: Literal["anchor", "member"] = Field(
        description="anchor: the lead entity that submits the proposal; member: any other."
    )
    country: Country = Field(description="Where the company is incorporated.")
    headquarters: Country = Field(description="Where the company is headquartered.")
    controlled_from: Country = Field(
        description="Country of the persons who ultimately own or control the company."
    )
    contribution: Bilingual = Field(description="What this member brings to the package.")
    contact: Contact | None = None
    suppliers_in_countries_of_concern: list[ConcernSupplier] = Field(
        default_factory=list,
        description="Suppliers located in a country of concern that this member buys from, "
        "disclosed as the 2026 call reportedly asks of foreign firms.",
    )


class Consortium(Strict):
    name: Bilingual
    members: list[Member] = Field(min_length=1)


class Layer(Strict):
    providers: list[Identifier] = Field(
        min_length=1, description="Ids of the consortium members that provide this layer."
    )
    description: Bilingual
    confidential: bool = Field(
        default=False, description="True if this holds business confidential information: "
        "marked in the proposal, left out of the --public version."
    )


class HardwareLayer(Layer):
    us_manufacturing: Bilingual | None = Field(
        default=None,
        description="Whether and to what extent these items are manufactured in the United "
        "States (EO 14320 §3(b)(i)(A))."
    )
    us_origin_percent: Annotated[
        Decimal, Field(ge=0, le=100),
        WithJsonSchema({"type": "number", "minimum": 0, "maximum": 100}),
    ] | None = Field(
        default=None,
        description="U.S.-origin share of the hardware layer's aggregate value, in percent.",
    )
    us_content_explanation: Bilingual | None = Field(
        default=None,
        description="How the package meets the U.S.-content component, in the applicant's "
        "own words (printed with the share; `check` asks for it under the threshold).",
    )


class AIModel(Strict):
    """One model the models layer offers: who developed it, where, and whether its weights
    are open (the 2026 call reportedly bars open-weight models from countries of concern)."""

    name: Text
    developer: Text = Field(description="The company or lab that developed the model.")
    developer_country: Country = Field(description="Where the developer is based.")
    open_weights: bool = Field(description="True if the model's weights are openly published.")


class ModelsLayer(Layer):
    ai_models: list[AIModel] = Field(
        default_factory=list,
        description="The models offered, each with its developer's country and whether its "
        "weights are open.",
    )


class Stack(Strict):
    """The five layers of EO 14320 §3(b)(i)(A)-(E)."""

    hardware: HardwareLayer
    data: Layer
    models: ModelsLayer
    security: Layer
    applications: Layer


LAYER_KEYS: tuple[str, ...] = tuple(Stack.model_fields)
LAYER_HEADINGS: dict[str, str] = {
    "hardware": N_("AI-Optimized Computer Hardware, Data Center Storage, Cloud Services and "
                   "Networking"),
    "data": N_("Data Pipelines and Labeling Systems"),
    "models": N_("AI Models and Systems"),
    "security": N_("Security and Cybersecurity Measures"),
    "applications": N_("AI Applications for Specific Use Cases"),
}


class Target(Strict):
    country: Country | None = None
    bloc: Bilingual | None = Field(default=None, description="A regional bloc, e.g. ASEAN.")
    bloc_countries: list[Country] = Field(default_factory=list)
    rationale: Bilingual | None = Field(default=None, description="Why this target.")
    confidential: bool = Field(default=False, description="True if business confidential.")

    @model_validator(mode="after")
    def _one_of_country_or_bloc(self) -> Target:
        if (self.country is None) == (self.bloc is None):
            raise user_error("target_kind")
        return self


class ExternalEntity(Strict):
    """A builder, owner or operator that is not a consortium member (a host government's
    company, a local utility)."""

    id: Identifier
    name: Bilingual
    country: Country = Field(description="Where the entity is based.")


class DataCenters(Strict):
    """Who builds, owns and operates the data centers (EO 14320 §3(b)(iii)): ids of members
    or of the business model's external entities."""

    build: list[Identifier] = Field(default_factory=list)
    own: list[Identifier] = Field(default_factory=list)
    operate: list[Identifier] = Field(default_factory=list)


class BusinessModel(Strict):
    summary: Bilingual
    manufacturers: list[Identifier] = Field(
        default_factory=list, description="Members that manufacture the hardware."
    )
    data_centers: DataCenters = Field(default_factory=DataCenters)
    external_entities: list[ExternalEntity] = Field(
        default_factory=list,
        description="Builders, owners or operators outside the consortium, referred to by "
        "id in data_centers.",
    )
    confidential: bool = Field(default=False, description="True if business confidential.")


class Money(Strict):
    # The schemas are spelled out: pydantic versions describe Decimal differently, and YAML
    # writes amounts as plain numbers anyway.
    amount: Annotated[
        Decimal, Field(gt=0, max_digits=18, decimal_places=2),
        WithJsonSchema({"type": "number", "exclusiveMinimum": 0}),
    ]
    currency: Currency


class SupportRequest(Strict):
    instrument: Identifier = Field(description="An instrument id from the program profile.")
    agency: str = Field(description="An agency id from the program profile, e.g. EXIM.")
    amount: Money | None = None
    purpose: Bilingual
    confidential: bool = Field(default=False, description="True if business confidential.")

    @field_validator("instrument")
    @classmethod
    def _known_instrument(cls, value: str, info: ValidationInfo) -> str:
        profile = (info.context or {}).get("profile")
        if profile is not None and value not in profile.proposal.instrument_ids:
            raise user_error(
                "unknown_choice",
                {"value": value, "choices": ", ".join(profile.proposal.instrument_ids)},
            )
        return value

    @field_validator("agency")
    @classmethod
    def _known_agency(cls, value: str, info: ValidationInfo) -> str:
        profile = (info.context or {}).get("profile")
        if profile is not None and value not in profile.proposal.agency_ids:
            raise user_error(
                "unknown_choice",
                {"value": value, "choices": ", ".join(profile.proposal.agency_ids)},
            )
        return value


class Compliance(Strict):
    """EO 14320 §3(b)(v); `propgen check` reports a missing statement."""

    export_controls: Bilingual | None = None
    outbound_investment: Bilingual | None = None
    end_user_policies: Bilingual | None = None


class Milestone(Strict):
    date: Date
    description: Bilingual
    confidential: bool = Field(default=False, description="True if business confidential.")


class Signatory(Person):
    member: Identifier | None = Field(
        default=None, description="Id of the member the signatory represents."
    )


class Acknowledgement(Strict):
    """A warning the team has read and settled: silenced at that field, listed by `check`."""

    rule: Text = Field(description="The rule id of the warning, e.g. SECTION-TITLE.")
    field: Text = Field(description="The field it is about, as `check` prints it, e.g. "
                        "answers[3].question.")
    reason: Text = Field(description="Why the warning does not apply, in the team's words.")


Acknowledgements = Annotated[
    list[Acknowledgement],
    Field(default_factory=list, description="Warnings settled by the team (see README)."),
]


class Proposal(Strict):
    kind: Literal["proposal"]
    program: str | None = Field(default=None, description="Program profile id (optional).")
    date: Date
    title: Bilingual
    consortium: Consortium
    executive_summary: Bilingual
    stack: Stack
    targets: list[Target] = Field(default_factory=list)
    business_model: BusinessModel
    federal_support: list[SupportRequest] = Field(default_factory=list)
    compliance: Compliance = Field(default_factory=Compliance)
    milestones: list[Milestone] = Field(default_factory=list)
    signatory: Signatory
    acknowledge: Acknowledgements


class Commenter(Strict):
    name: Bilingual
    country: Country
    address: Bilingual | None = None
    website: Text | None = None
    email: Email | None = None
    phone: Text | None = None
    description: Bilingual = Field(description="Who the commenter is, for the introduction.")


class Answer(Strict):
    question: Annotated[str, Field(pattern=r"^[A-Z](\.[0-9]+)?$")] = Field(
        description="A question id such as A.1, or a section letter such as C to answer a "
        "whole section."
    )
    text: Bilingual
    confidential: bool = Field(
        default=False, description="True if the answer holds business confidential information."
    )
    justification: Bilingual | None = Field(
        default=None,
        description="Why confidential information should not be disclosed (required when "
        "confidential).",
    )

    @model_validator(mode="after")
    def _justified(self) -> Answer:
        if self.confidential and self.justification is None:
            raise user_error("confidential_justification")
        return self


class CommentLetter(Strict):
    kind: Literal["comment_letter"]
    program: str | None = Field(default=None, description="Program profile id (optional).")
    notice: str = Field(description="Id of the notice in the program profile, e.g. rfi-2025.")
    date: Date
    reference: Text | None = Field(default=None, description="Your own document number.")
    commenter: Commenter
    signatory: Person
    subject: Bilingual | None = None
    introduction: Bilingual
    answers: list[Answer] = Field(min_length=1)
    closing: Bilingual
    acknowledge: Acknowledgements

    @field_validator("notice")
    @classmethod
    def _known_notice(cls, value: str, info: ValidationInfo) -> str:
        profile = (info.context or {}).get("profile")
        if profile is not None and value not in profile.notice_ids:
            raise user_error(
                "unknown_choice", {"value": value, "choices": ", ".join(profile.notice_ids)}
            )
        return value


Submission = Annotated[Proposal | CommentLetter, Field(discriminator="kind")]
SUBMISSION_ADAPTER: TypeAdapter[Proposal | CommentLetter] = TypeAdapter(Submission)


def submission_json_schema() -> dict[str, Any]:
    """JSON Schema of the YAML file, for editors' autocompletion."""
    schema = SUBMISSION_ADAPTER.json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "propgen submission (proposal or comment letter)"
    return schema
