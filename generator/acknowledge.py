"""Warnings a team can settle: the submission's `acknowledge:` list.

A warning matched by an acknowledgement (same rule, same field as `check` prints it) leaves
the findings a build or the compliance matrix sees, and `check` lists it as acknowledged
with the team's reason. Errors cannot be acknowledged; an acknowledgement that matches no
warning (the text was fixed, or the field path is mistyped) is itself a warning, so stale
entries do not pile up.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .i18n import N_
from .rules import Finding, known_rule_ids
from .suggest import closest
from .yaml_source import format_path

RULE_ID = "ACKNOWLEDGE"


def settle(findings: list[Finding], submission: Any) -> tuple[list[Finding], list[Finding]]:
    """(findings still open, warnings acknowledged): an acknowledged finding carries the
    acknowledgement's index in its ctx under `acknowledged`."""
    entries = list(getattr(submission, "acknowledge", None) or [])
    if not entries:
        return findings, []
    keys = {(a.rule, a.field): index for index, a in enumerate(entries)}
    kept: list[Finding] = []
    settled: list[Finding] = []
    used: set[int] = set()
    for finding in findings:
        index = keys.get((finding.rule, format_path(finding.loc)))
        if index is not None and finding.severity == "warning":
            used.add(index)
            settled.append(replace(finding, ctx={**finding.ctx, "acknowledged": index}))
        else:
            if index is not None:
                used.add(index)
                kept.append(Finding(
                    RULE_ID, "warning", ("acknowledge", index),
                    N_("an error cannot be acknowledged; fix {rule} at {field}"),
                    {"rule": finding.rule, "field": entries[index].field}))
            kept.append(finding)
    known = known_rule_ids() | {RULE_ID}
    for index, entry in enumerate(entries):
        if index in used:
            continue
        if entry.rule not in known:
            kept.append(Finding(
                RULE_ID, "warning", ("acknowledge", index, "rule"),
                N_("'{rule}' is not a rule propgen knows"),
                {"rule": entry.rule, "suggestion": closest(entry.rule, sorted(known))}))
            continue
        # Only a warning of that rule still open is worth suggesting.
        paths = sorted({format_path(f.loc) for f in kept
                        if f.rule == entry.rule and f.severity == "warning"})
        guess = closest(entry.field, paths)
        kept.append(Finding(
            RULE_ID, "warning", ("acknowledge", index, "field"),
            N_("no {rule} warning at '{field}' to acknowledge; delete this entry if the "
               "warning is gone"),
            {"rule": entry.rule, "field": entry.field, "suggestion": guess}))
    return kept, settled


def reason(finding: Finding, submission: Any) -> str:
    """The team's reason for an acknowledged finding, as they wrote it."""
    return str(submission.acknowledge[finding.ctx["acknowledged"]].reason)
