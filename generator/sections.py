"""A proposal's sections: number and title in one table.

The template generator writes the headings from it, the context numbers the stack layers
with it, and the compliance matrix says from it where a requirement is addressed. A key
is the YAML path a profile element names as its `section`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .i18n import N_
from .models import LAYER_HEADINGS, LAYER_KEYS


@dataclass(frozen=True)
class Section:
    key: str
    number: str  # "" for the cover page
    title: str  # a msgid


PROPOSAL_SECTIONS: tuple[Section, ...] = (
    Section("cover", "", N_("Cover page")),
    Section("executive_summary", "1", N_("Executive Summary")),
    Section("consortium", "2", N_("Consortium Members and Roles")),
    Section("stack", "3", N_("Full-Stack AI Technology Package")),
    *(Section(f"stack.{key}", f"3.{index}", LAYER_HEADINGS[key])
      for index, key in enumerate(LAYER_KEYS, 1)),
    Section("targets", "4", N_("Target Countries and Regional Blocs")),
    Section("business_model", "5", N_("Business and Operational Model")),
    Section("federal_support", "6", N_("Federal Support Requested")),
    Section("compliance", "7", N_("Compliance with Export Controls, Outbound Investment and "
                                  "End-User Policies")),
    Section("compliance.export_controls", "7.1", N_("Export controls")),
    Section("compliance.outbound_investment", "7.2", N_("Outbound investment")),
    Section("compliance.end_user_policies", "7.3", N_("End-user policies")),
    Section("milestones", "8", N_("Milestones")),
    Section("signature", "9", N_("Signature")),
)
SECTIONS: dict[str, Section] = {section.key: section for section in PROPOSAL_SECTIONS}


def where_addressed(key: str, gettext: Callable[[str], str]) -> str:
    """`3.1 AI-Optimized Computer Hardware, ...` for the matrix; an unknown key as it is."""
    section = SECTIONS.get(key)
    if section is None:
        return key
    return f"{section.number} {gettext(section.title)}".strip()
