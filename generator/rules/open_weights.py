"""OPEN-WEIGHT-MODEL: an open-weight model from a country of concern in the models layer.

The 2026 call reportedly bars consortia from using open-weight models developed in a country
of concern; the countries are profile data (`open_weight_model_countries`, with its source
and status), so a profile without the rule checks nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..i18n import N_, CountryCode
from ..program import Profile
from . import Finding, rule


@rule("OPEN-WEIGHT-MODEL", kind="proposal")
def _open_weight_model(proposal: Any, profile: Profile) -> Iterator[Finding]:
    barred = profile.proposal.open_weight_model_countries
    if barred is None:
        return
    source = profile.source(barred.source)
    citation = f"{source.title if source else barred.source} ({barred.status})"
    for index, model in enumerate(proposal.stack.models.ai_models):
        if model.open_weights and model.developer_country in barred.codes:
            yield Finding(
                "OPEN-WEIGHT-MODEL", "error", ("stack", "models", "ai_models", index),
                N_("'{model}' is an open-weight model developed by {developer} in {country}, "
                   "a country of concern: the call bars such models (reported rule, as of "
                   "{as_of}; confirm against the call)"),
                {"model": model.name, "developer": model.developer,
                 "country": CountryCode(model.developer_country),
                 "as_of": barred.as_of.isoformat()},
                citation,
            )
