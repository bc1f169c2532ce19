"""Program checks: findings about a valid submission, each located by its field path.

Structural findings (a member id referenced that does not exist, two anchor members) make
a file unusable and are raised by the loader as input errors; program findings are rules
from the profile, reported by `propgen check`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from .i18n import N_
from .models import LAYER_KEYS, CommentLetter, Proposal
from .program import Profile

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    loc: tuple[str | int, ...]
    template: str
    ctx: dict[str, Any] = field(default_factory=dict)
    citation: str = ""


def structural_findings(
    submission: Proposal | CommentLetter, profile: Profile
) -> Iterator[Finding]:
    """References inside the file that must hold before anything else can be said."""
    if isinstance(submission, Proposal):
        yield from _proposal_structure(submission)
    else:
        yield from _letter_structure(submission, profile)


def _proposal_structure(proposal: Proposal) -> Iterator[Finding]:
    members = proposal.consortium.members
    counts = Counter(m.id for m in members)
    seen: set[str] = set()
    for index, member in enumerate(members):
        if counts[member.id] > 1 and member.id in seen:
            yield Finding(
                "member-id-unique", "error", ("consortium", "members", index, "id"),
                N_("member id '{id}' is used twice; give each member its own id"),
                {"id": member.id},
            )
        seen.add(member.id)
    anchors = [i for i, m in enumerate(members) if m.role == "anchor"]
    if not anchors:
        yield Finding(
            "anchor-member", "error", ("consortium", "members"),
            N_("no member has 'role: anchor'; mark the lead entity that submits the proposal"),
            citation="2026 call (FR Doc. 2026-06952)",
        )
    for index in anchors[1:]:
        yield Finding(
            "anchor-member", "error", ("consortium", "members", index, "role"),
            N_("a consortium has exactly one anchor member; '{first}' is already the anchor"),
            {"first": members[anchors[0]].id},
            citation="2026 call (FR Doc. 2026-06952)",
        )
    known = set(counts)
    refs: list[tuple[tuple[str | int, ...], str]] = []
    for layer in LAYER_KEYS:
        for index, ref in enumerate(getattr(proposal.stack, layer).providers):
            refs.append((("stack", layer, "providers", index), ref))
    for index, ref in enumerate(proposal.business_model.manufacturers):
        refs.append((("business_model", "manufacturers", index), ref))
    for role in ("build", "own", "operate"):
        for index, ref in enumerate(getattr(proposal.business_model.data_centers, role)):
            refs.append((("business_model", "data_centers", role, index), ref))
    if proposal.signatory.member:
        refs.append((("signatory", "member"), proposal.signatory.member))
    for loc, ref in refs:
        if ref not in known:
            yield Finding(
                "member-ref", "error", loc,
                N_("'{ref}' is not the id of a consortium member; known ids: {known}"),
                {"ref": ref, "known": ", ".join(sorted(known))},
            )


def _letter_structure(letter: CommentLetter, profile: Profile) -> Iterator[Finding]:
    notice = profile.notice(letter.notice)
    seen: dict[str, int] = {}
    for index, answer in enumerate(letter.answers):
        if not notice.knows(answer.question):
            yield Finding(
                "question-id", "error", ("answers", index, "question"),
                N_("'{id}' is not a question or section of the notice; known: {known}"),
                {"id": answer.question, "known": ", ".join(notice.answerable_ids)},
            )
        elif answer.question in seen:
            yield Finding(
                "question-once", "error", ("answers", index, "question"),
                N_("'{id}' is already answered in answer {first}; put both texts in one answer"),
                {"id": answer.question, "first": seen[answer.question] + 1},
            )
        seen.setdefault(answer.question, index)
