"""SUPPLIER-DISCLOSURE: suppliers in a country of concern that members disclose.

The 2026 call reportedly asks foreign firms that buy from suppliers in a country of concern
to disclose them, and designates such a firm case by case (profile `supplier_disclosure`,
with its source and status). A disclosed supplier outside the profile's countries of concern
is a warning at its country: the list is for suppliers located in a country of concern.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..i18n import N_, CountryCode
from ..program import Profile
from . import Finding, rule

FIELD = "suppliers_in_countries_of_concern"


@rule("SUPPLIER-DISCLOSURE", kind="proposal")
def _supplier_disclosure(proposal: Any, profile: Profile) -> Iterator[Finding]:
    concern = profile.proposal.countries_of_concern
    reported = profile.proposal.supplier_disclosure
    for index, member in enumerate(proposal.consortium.members):
        suppliers = getattr(member, FIELD)
        for number, supplier in enumerate(suppliers):
            if supplier.country not in concern.codes:
                yield Finding(
                    "SUPPLIER-DISCLOSURE", "warning",
                    ("consortium", "members", index, FIELD, number, "country"),
                    N_("'{supplier}' is listed as a supplier in a country of concern, but "
                       "{country} is not one (the profile lists {codes}): list only suppliers "
                       "located in a country of concern, or correct the country"),
                    {"supplier": supplier.name, "country": CountryCode(supplier.country),
                     "codes": ", ".join(concern.codes)},
                )
        if reported is None or member.country == "US" or not any(
                s.country in concern.codes for s in suppliers):
            continue
        source = profile.source(reported.source)
        yield Finding(
            "SUPPLIER-DISCLOSURE", "warning", ("consortium", "members", index, FIELD),
            N_("'{member}' is a foreign firm that buys from suppliers in a country of concern: "
               "the call reportedly designates such a firm case by case (reported rule, as of "
               "{as_of}; confirm against the call, and acknowledge this warning once the "
               "disclosure is complete)"),
            {"member": member.name, "as_of": reported.as_of.isoformat()},
            f"{source.title if source else reported.source} ({reported.status})",
        )
