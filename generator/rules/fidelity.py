"""Program fidelity: a submission says what the program's notice and profile say.

PROGRAM-ID: a `program:` id other than the profile's means the file was written for another
profile (a past or future call), whose rules this check does not apply.
NOTICE-PUBLISHED: a letter dated before its notice was published answers a notice that did
not exist yet: the date is most likely a typo.
BLOC-COUNTRIES: a regional bloc target without its member countries leaves the export-control
check (TARGET-EXPORT-CONTROL) with nothing to check, so it is an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..i18n import N_
from ..program import Profile
from . import Finding, rule


@rule("PROGRAM-ID")
def _program_id(submission: Any, profile: Profile) -> Iterator[Finding]:
    if submission.program is not None and submission.program != profile.id:
        yield Finding(
            "PROGRAM-ID", "warning", ("program",),
            N_("the file names the program '{program}', but the profile in use is '{profile}'; "
               "check against that program's profile (--program) or correct the id"),
            {"program": submission.program, "profile": profile.id},
        )


@rule("NOTICE-PUBLISHED", kind="comment_letter")
def _notice_published(letter: Any, profile: Profile) -> Iterator[Finding]:
    notice = profile.notice(letter.notice)
    if letter.date < notice.published:
        yield Finding(
            "NOTICE-PUBLISHED", "warning", ("date",),
            N_("the letter is dated {date}, before the notice was published on {published}; "
               "check the date"),
            {"date": letter.date.isoformat(), "published": notice.published.isoformat()},
            f"FR Doc. {notice.fr_doc}",
        )


@rule("BLOC-COUNTRIES", kind="proposal")
def _bloc_countries(proposal: Any, profile: Profile) -> Iterator[Finding]:
    for index, target in enumerate(proposal.targets):
        if target.bloc is not None and not target.bloc_countries:
            yield Finding(
                "BLOC-COUNTRIES", "error", ("targets", index, "bloc"),
                N_("list the bloc's member countries under 'bloc_countries' (two-letter "
                   "codes): the export-control check needs them"),
            )
