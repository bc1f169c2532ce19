"""The JSON Schema editors complete from: the submission's schema with the profile's ids.

`models.submission_json_schema()` knows the shape of a file; the values a team may pick
(notice ids, question ids, instruments, agencies, the program id, country codes) come from the
profile, so they are filled in here as `enum`s and an editor offers them as it completes.
"""

from __future__ import annotations

from typing import Any

from .models import _ALPHA2, submission_json_schema
from .program import Profile

COUNTRY_FIELDS = ("country", "headquarters", "controlled_from")


def _set_enum(node: dict[str, Any], values: list[str]) -> None:
    """`enum` on a string property, or on its non-null option (`X | None`)."""
    for option in node.get("anyOf", [node]):
        if option.get("type") == "string":
            option["enum"] = list(values)


def profile_schema(profile: Profile) -> dict[str, Any]:
    """The submission schema with the profile's ids and the country codes as enums."""
    schema = submission_json_schema()
    defs = schema["$defs"]
    questions: list[str] = []
    for notice in profile.notices:
        questions.extend(q for q in notice.answerable_ids if q not in questions)
    enums = {
        ("SupportRequest", "instrument"): profile.proposal.instrument_ids,
        ("SupportRequest", "agency"): profile.proposal.agency_ids,
        ("CommentLetter", "notice"): profile.notice_ids,
        ("CommentLetter", "program"): [profile.id],
        ("Proposal", "program"): [profile.id],
        ("Answer", "question"): questions,
    }
    for (model, prop), values in enums.items():
        _set_enum(defs[model]["properties"][prop], values)
    countries = sorted(_ALPHA2 - {"ZZ"})
    for model in defs.values():
        for name, prop in model.get("properties", {}).items():
            if name in COUNTRY_FIELDS:
                _set_enum(prop, countries)
            elif name == "bloc_countries":
                _set_enum(prop["items"], countries)
    return schema
