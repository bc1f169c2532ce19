"""The rule registry, in the manner of babel's checkers: each program rule is a small
function registered with its id, the kind of submission it applies to and whether it is
structural.

Register a rule from any module with one decorator:

    from generator.i18n import N_
    from generator.rules import Finding, rule

    @rule("MILESTONES", kind="proposal")
    def _milestones(proposal, profile):
        if not proposal.milestones:
            yield Finding("MILESTONES", "warning", ("milestones",),
                          N_("give at least one milestone with its date"))

The rules in `generator/checks.py` and in every module of this package
(`generator/rules/<name>.py`) are found without further registration. A finding names no
citation of its own for a proposal: the profile element whose `rules` list its rule gives it
(`cite`), so the citation changes with the profile, not with the code.

Structural findings (a member id referenced that does not exist, two anchor members) make
a file unusable: `validate` and `build` raise them as input errors (exit 2), while `check`
reports them with the other findings (exit 1).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeVar

from ..program import Profile

Severity = Literal["error", "warning"]
Kind = Literal["proposal", "comment_letter"]
Loc = tuple[str | int, ...]
RuleFunc = Callable[[Any, Profile], Iterable["Finding"]]
F = TypeVar("F", bound=RuleFunc)

# Rule ids reported outside the per-file rules: across files (one response per
# institution), by the YAML reader (a control character removed, ' #' cutting a value, list
# lines joined in a plain or quoted text), and
# from the file's review sidecar (drift between the languages, generator/drift.py).
OTHER_RULE_IDS = frozenset({"ONE-RESPONSE", "CONTROL-CHAR", "YAML-COMMENT", "YAML-LIST",
                            "DRIFT"})


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    loc: Loc
    template: str
    ctx: dict[str, Any] = field(default_factory=dict)
    citation: str = ""
    # Words of the text the finding is about: located at the line of the field's text that
    # holds them (a list item, a number), not at the field, when that line is found.
    needle: str = ""

    @property
    def structural(self) -> bool:
        registered = registered_rules().get(self.rule)
        return registered is not None and registered.structural


@dataclass(frozen=True)
class Rule:
    id: str
    func: RuleFunc
    kind: Kind | None = None  # None: every kind of submission
    structural: bool = False

    def applies_to(self, kind: str) -> bool:
        return self.kind is None or self.kind == kind


_RULES: dict[str, Rule] = {}
_discovered = False


def rule(rule_id: str, *, kind: Kind | None = None, structural: bool = False) -> Callable[[F], F]:
    """Register `func(submission, profile) -> findings` as the rule `rule_id`."""

    def register(func: F) -> F:
        known = _RULES.get(rule_id)
        if known is not None and known.func.__qualname__ != func.__qualname__:
            raise ValueError(f"rule {rule_id} is registered twice")
        _RULES[rule_id] = Rule(rule_id, func, kind, structural)
        return func

    return register


def registered_rules() -> dict[str, Rule]:
    """Every rule, in registration order (the order findings are reported in)."""
    global _discovered
    if not _discovered:
        _discovered = True
        importlib.import_module("generator.checks")
        for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
            importlib.import_module(f"{__name__}.{module}")
    return _RULES


def rule_ids_for(kind: str) -> list[str]:
    """The rules `check` runs on a submission of `kind`, in the order it reports them."""
    return [r.id for r in registered_rules().values() if r.applies_to(kind)]


def known_rule_ids() -> set[str]:
    """The ids a profile's `rules` lists may name."""
    return set(registered_rules()) | OTHER_RULE_IDS


def run_rules(
    submission: Any, profile: Profile, *, structural: bool | None = None
) -> list[Finding]:
    """The findings of every rule for the submission's kind, each rule run once.

    `structural=True` runs only the structural rules, `False` only the others, `None` all.
    """
    findings: list[Finding] = []
    for registered in registered_rules().values():
        if not registered.applies_to(submission.kind):
            continue
        if structural is not None and registered.structural != structural:
            continue
        findings.extend(cite(f, profile, submission.kind)
                        for f in registered.func(submission, profile))
    return findings


def cite(finding: Finding, profile: Profile, kind: str) -> Finding:
    """The finding with the citation of the profile element that lists its rule.

    A rule that verifies several elements (STACK-LAYER for each layer) takes the citation
    of the element whose section holds the finding. A rule no element lists keeps what it
    says itself (a letter's rules cite the notice).
    """
    if kind != "proposal":
        return finding
    listing = [e for e in profile.proposal.required_elements if finding.rule in e.rules]
    if len(listing) > 1:
        listing = [
            e for e in listing
            if finding.loc[: len(e.section.split("."))] == tuple(e.section.split("."))
        ] or listing[:1]
    if not listing:
        return finding
    return replace(finding, citation=listing[0].citation)
