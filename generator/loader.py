"""Loading: a YAML file -> a validated, cross-checked model, with every problem located.

The stages below do the work: `yaml_source` reads and guards the file and knows positions,
`validation` words pydantic's errors, `checks` runs the program's rules.
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .checks import locate_finding, raw_structural_findings, structural_findings
from .errors import InputError, Problem
from .i18n import N_, message
from .models import SUBMISSION_ADAPTER, CommentLetter, Proposal
from .program import DEFAULT_PROFILE, Profile
from .rules import known_rule_ids
from .scalars import paragraph_breaks
from .validation import _describe, problems_from_validation
from .yaml_source import (
    DEFAULT_MAX_BYTES,
    Limits,
    Loaded,
    _single,
    _start,
    format_path,
    locate,
    read_yaml,
)

# Names other modules and tests have imported from here before the split.
__all__ = [
    "DEFAULT_MAX_BYTES", "Limits", "Loaded", "format_path", "load_model", "load_profile",
    "load_submission", "locate", "message", "read_yaml",
]

M = TypeVar("M", bound=BaseModel)


def load_model(path: Path, model: type[M], lang: str = "en") -> M:
    """Load a YAML file straight into one model (used for program profiles)."""
    return _validated(read_yaml(path, lang), model, lang)


def _validated(loaded: Loaded, model: type[M], lang: str) -> M:
    try:
        return model.model_validate(loaded.data)
    except ValidationError as exc:
        raise InputError(
            problems_from_validation(exc, loaded, lang, model.__name__, strip_tag=False)
        ) from None


_LIST_JOINED = N_(
    "YAML joins the lines of a plain or quoted text, so the line '{line}' does not start a "
    "list item; to keep the lines as written, put '|-' after the key's colon and the text "
    "on the lines below it, indented")


def load_submission(
    path: Path,
    *,
    lang: str = "en",
    draft: bool = False,
    profile: Any = None,
    limits: Limits | None = None,
    structural: bool = True,
    placeholders: bool | None = None,
    blank_gaps: bool | None = None,
) -> tuple[Proposal | CommentLetter, Loaded]:
    """Read, validate and cross-check one submission; raise `InputError` with every problem.

    With `structural=False` broken references are left to `propgen check` to report.
    `placeholders` (by default as `draft`) lets a starter's FILL-IN text through, for the
    PLACEHOLDER rule to report. `blank_gaps` (default: `draft`): a text given but blank or
    invisible (U+200B, ...) is a translation gap rather than a missing text.
    """
    profile = profile or load_profile()
    loaded = read_yaml(path, lang, limits)
    lost: list[tuple[int, int, str]] = []
    paragraph_breaks(loaded.data, loaded.text, lost)
    loaded.warnings.extend(
        Problem(loaded.display, line, column, "", message("YAML-LIST", _LIST_JOINED,
                                                          {"line": text}, lang),
                "warning", "YAML-LIST", template=_LIST_JOINED, ctx={"line": text})
        for line, column, text in lost)
    if not isinstance(loaded.data, dict):
        raise _single(
            loaded.display,
            *_start(loaded.tree),
            "top_level",
            N_(
                "the file must be a mapping that starts with 'kind: proposal' or "
                "'kind: comment_letter', not {got}"
            ),
            {"got": _describe(loaded.data, lang)},
            lang,
        )
    try:
        submission = SUBMISSION_ADAPTER.validate_python(
            loaded.data, context={
                "draft": draft, "profile": profile,
                "placeholders": draft if placeholders is None else placeholders,
                "blank_gaps": draft if blank_gaps is None else blank_gaps,
            }
        )
    except ValidationError as exc:
        problems = problems_from_validation(exc, loaded, lang, "Submission", strip_tag=True)
        if structural:
            failed = [_own_loc(error["loc"]) for error in exc.errors(include_url=False)]
            problems += [locate_finding(f, loaded, lang)
                         for f in raw_structural_findings(loaded.data, profile, failed)]
            problems.sort(key=lambda p: (p.line, p.column))
        raise InputError(problems) from None
    broken = [f for f in structural_findings(submission, profile)] if structural else []
    if broken:
        raise InputError([locate_finding(f, loaded, lang) for f in broken])
    return submission, loaded


def _own_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """A pydantic error's place without the union's tag ('proposal', 'comment_letter')."""
    return loc[1:] if loc and loc[0] in ("proposal", "comment_letter") else loc


def load_profile(path: Path | None = None, lang: str = "en") -> Profile:
    """Read and validate a profile; bad profiles are input errors like bad submissions."""
    return _load_profile_cached(Path(path or DEFAULT_PROFILE).resolve(), lang)


@lru_cache(maxsize=8)
def _load_profile_cached(path: Path, lang: str) -> Profile:
    loaded = read_yaml(path, lang)
    profile = _validated(loaded, Profile, lang)
    problems = unknown_rules(profile, loaded, lang)
    if problems:
        raise InputError(problems)
    return profile


def unknown_rules(profile: Profile, loaded: Loaded, lang: str = "en") -> list[Problem]:
    """A required element verified by a rule propgen does not have would show "Met" in the
    compliance matrix whatever the proposal says: each such rule id, located."""
    known = known_rule_ids()
    problems = []
    for index, element in enumerate(profile.proposal.required_elements):
        for position, rule_id in enumerate(element.rules):
            if rule_id in known:
                continue
            loc = ("proposal", "required_elements", index, "rules", position)
            line, col = locate(loaded.tree, loc)
            close = difflib.get_close_matches(rule_id, sorted(known), n=1)
            template = (
                N_("'{rule}' is not a rule propgen knows; did you mean '{name}'?")
                if close
                else N_("'{rule}' is not a rule propgen knows; known rules: {names}")
            )
            ctx = {"rule": rule_id, "name": close[0] if close else "",
                   "names": ", ".join(sorted(known))}
            problems.append(Problem(
                loaded.display, line, col, format_path(loc),
                message("unknown_rule", template, ctx, lang), template=template, ctx=ctx))
    return problems
