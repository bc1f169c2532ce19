"""The program profile: the program's rules and notice details, kept as data.

Nothing in propgen hard-codes a docket number or a threshold; templates and checks read
this profile, and a team can point `--program` at a newer copy when Commerce publishes one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from .models import _xml_safe

DEFAULT_PROFILE = Path(__file__).parent / "profiles" / "ai-exports-2026.yaml"


# A profile is data a team may edit or be handed: every text must fit in a Word document
# and every reference must name something, or the checks and documents would show
# nonsense (an empty section title prints the gettext catalog header).
Str = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000),
                AfterValidator(_xml_safe)]
# Texts a check reports on when empty (an empty caption is a finding, not a bad profile).
SafeStr = Annotated[str, AfterValidator(_xml_safe)]
Count = Annotated[int, Field(ge=1, le=10_000)]
Percent = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Words(_Data):
    en: Str
    ko: Str

    def get(self, lang: str) -> str:
        return str(getattr(self, lang, self.en))


class Source(_Data):
    id: Str
    title: Str
    status: Str
    note: Str | None = None


class Element(_Data):
    id: Str
    title: Words
    citation: Str
    source: Str
    section: Str = Field(description="Where a proposal addresses it, e.g. stack.hardware.")
    rules: list[Str] = Field(description="Ids of the checks that verify it.")


class CountryGroup(_Data):
    name: Words
    codes: list[Str]
    source: Str
    as_of: dt.date


class CountryList(_Data):
    codes: list[Str]
    source: Str
    as_of: dt.date
    status: Str = "verified"


class ReportedRule(_Data):
    """A program rule known from a report, kept with its source and as-of date."""

    source: Str
    as_of: dt.date
    status: Str = "reported"


class Instrument(_Data):
    id: Str
    name: Words
    agency: Str | None = None
    citation: Str
    financial: bool = False


class Agency(_Data):
    id: Str
    name: Words


class Window(_Data):
    opens: dt.date
    closes: dt.date
    source: Str


class CallNotice(_Data):
    """The call for proposals a proposal answers, for its cover's "Submitted to"."""

    agency: Words
    title: Words
    fr_doc: Str
    published: dt.date
    source: Str


class Legend(_Data):
    """A proprietary legend for the cover of a proposal that holds confidential parts."""

    text: Words
    citation: Str
    source: Str


class ProposalRules(_Data):
    required_elements: list[Element]
    call: CallNotice | None = None
    confidential_legend: Legend | None = None
    call_window: Window | None = None
    countries_of_concern: CountryList
    restricted_software_provider_countries: CountryList
    # Developer countries whose open-weight models a consortium may not use (None: no rule).
    open_weight_model_countries: CountryList | None = None
    # Foreign firms buying from suppliers in a country of concern disclose them and are
    # designated case by case (None: no such rule).
    supplier_disclosure: ReportedRule | None = None
    export_control_attention: list[CountryGroup] = Field(default_factory=list)
    us_content_threshold_percent: Percent
    us_content_source: Str
    instruments: list[Instrument]
    agencies: list[Agency]

    @property
    def instrument_ids(self) -> list[str]:
        return [item.id for item in self.instruments]

    @property
    def agency_ids(self) -> list[str]:
        return [item.id for item in self.agencies]

    def instrument(self, key: str) -> Instrument:
        return next(item for item in self.instruments if item.id == key)

    def agency(self, key: str) -> Agency:
        return next(item for item in self.agencies if item.id == key)


class Question(_Data):
    id: Str
    text: Words


class NoticeSection(_Data):
    id: Str
    title: Words
    title_inferred: bool = False
    questions: list[Question] = Field(default_factory=list)


class Notice(_Data):
    id: Str
    title: Words
    kind: Words
    agency: Words
    submit_via: list[Words]
    fr_doc: SafeStr
    published: dt.date
    docket_ids: list[Str]
    # The docket id as Regulations.gov lists it, for links; it may differ from the notice's
    # own wording (`docket_ids`), which the letter's docket line cites.
    regulations_gov_docket: Str | None = None
    deadline: dt.date
    deadline_note: Words | None = None
    caption: SafeStr
    caption_ko: SafeStr
    one_response_per_respondent: bool = True
    min_font_pt: Count | None = None
    page_numbers_required: bool = False
    page_limit: Count | None = None
    source: Str
    sections: list[NoticeSection]

    @property
    def regulations_gov_url(self) -> str | None:
        """The docket's page on Regulations.gov, built from the id Regulations.gov uses."""
        if not self.regulations_gov_docket:
            return None
        return f"https://www.regulations.gov/docket/{self.regulations_gov_docket}"

    def section_of(self, question_id: str) -> NoticeSection | None:
        """The section a question id ('A.1') or section id ('A') belongs to."""
        letter = question_id.split(".", 1)[0]
        return next((s for s in self.sections if s.id == letter), None)

    def question(self, question_id: str) -> Question | None:
        section = self.section_of(question_id)
        if section is None:
            return None
        return next((q for q in section.questions if q.id == question_id), None)

    def knows(self, question_id: str) -> bool:
        section = self.section_of(question_id)
        if section is None:
            return False
        return section.id == question_id or self.question(question_id) is not None

    @property
    def answerable_ids(self) -> list[str]:
        ids: list[str] = []
        for section in self.sections:
            ids.append(section.id)
            ids.extend(q.id for q in section.questions)
        return ids


class CountryName(_Data):
    """A country's name as the agency's reader expects it where CLDR's everyday name (what
    babel gives) differs, and other names an address may end in, so the letterhead names
    the country once."""

    name: Words
    also: list[Str] = Field(default_factory=list)


class Profile(_Data):
    id: Str
    as_of: dt.date
    name: Words
    executive_order: Words
    sources: list[Source]
    proposal: ProposalRules
    notices: list[Notice]
    # ISO 3166-1 alpha-2 code -> the name documents give it (the letterhead).
    country_names: dict[Str, CountryName] = Field(default_factory=dict)

    @property
    def notice_ids(self) -> list[str]:
        return [n.id for n in self.notices]

    def notice(self, key: str) -> Notice:
        return next(n for n in self.notices if n.id == key)

    def source(self, key: str) -> Source | None:
        return next((s for s in self.sources if s.id == key), None)

