"""Inputs: find the files a command is given, then load and check each one once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .acknowledge import reason
from .checks import (
    Finding,
    compliance_matrix,
    cross_file_findings,
    locate_finding,
    reviewed_findings,
)
from .drift import drift_findings
from .errors import Diagnostic, InputError
from .loader import load_submission
from .models import CommentLetter, Proposal
from .program import Profile
from .rules import rule_ids_for
from .yaml_source import DEFAULT_MAX_BYTES, Limits, Loaded


def limits_for(max_bytes: int | None, strip_control_chars: bool = False) -> Any:
    """The loader's input policy from the command-line options."""
    return Limits(max_bytes=max_bytes or DEFAULT_MAX_BYTES,
                  strip_control_chars=strip_control_chars)


def find_inputs(paths: list[Path]) -> list[Path]:
    """Files as given, and every *.yaml / *.yml below each folder, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")
                                and p.is_file() and not p.name.startswith(".")))
        else:
            found.append(path)
    return found


@dataclass
class Checked:
    """One file loaded and checked: the submission, its source and its findings."""

    submission: Proposal | CommentLetter
    loaded: Loaded
    findings: list[Finding]
    # Warnings settled in the file's `acknowledge:` list: out of `findings`, listed by check.
    acknowledged: list[Finding] = field(default_factory=list)

    def located(self, lang: str) -> list[Diagnostic]:
        """The YAML reader's warnings, then the findings, placed and worded."""
        return [*self.loaded.warnings,
                *(locate_finding(f, self.loaded, lang) for f in self.findings)]


def file_input_error(
    path: Path, profile: Profile, *, lang: str = "en", draft: bool = False,
    limits: Limits | None = None,
) -> InputError | None:
    """Every problem that keeps `path` from loading, as validate, check and build print
    them; None if it loads."""
    try:
        load_submission(path, lang=lang, draft=draft, profile=profile, limits=limits)
    except InputError as error:
        return error
    return None


def load_checked(
    path: Path, profile: Profile, *, lang: str = "en", draft: bool = False,
    limits: Limits | None = None, strict: bool = True,
) -> Checked:
    """Load one file and run every rule on it once.

    `strict` (validate, build): a structural finding makes the file unusable, raised as an
    `InputError` while loading, and the findings are those of the other rules. Otherwise
    (check) structural findings are reported with the rest. A starter's FILL-IN text is
    let through only with `draft` (check loads every file as a draft, to report missing
    translations as findings), for the PLACEHOLDER rule to report.
    """
    try:
        submission, loaded = load_submission(
            path, lang=lang, draft=draft or not strict, profile=profile, structural=strict,
            limits=limits, placeholders=draft, blank_gaps=draft)
    except InputError as error:
        if strict:
            raise
        # A file that does not load gets the diagnostics validate and build print for it,
        # a missing translation and a broken reference included, from the one loader.
        raise (file_input_error(path, profile, lang=lang, draft=draft, limits=limits)
               or error) from None
    findings, settled = reviewed_findings(
        submission, profile, draft=draft, structural=False if strict else None,
        extra=drift_findings(submission, loaded.path))
    return Checked(submission, loaded, findings, settled)


@dataclass
class CheckReport:
    findings: list[Diagnostic] = field(default_factory=list)
    input_errors: list[Diagnostic] = field(default_factory=list)
    matrices: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    # Warnings settled in the file's `acknowledge:` list, with the team's reason.
    acknowledged: list[tuple[Diagnostic, str]] = field(default_factory=list)
    # Comment letters checked, with the rules run on each: they have no compliance
    # matrix, and `check --matrix` says so.
    letters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)


def check_files(
    paths: list[Any], profile: Profile, *, lang: str = "en", draft: bool = False,
    limits: Any = None,
) -> CheckReport:
    """Load and check every file; the report holds findings, input errors and matrices."""
    report = CheckReport()
    letters: list[tuple[int, CommentLetter]] = []
    loaded_files: list[Any] = []
    for path in paths:
        try:
            checked = load_checked(path, profile, lang=lang, draft=draft, limits=limits,
                                   strict=False)
        except InputError as error:
            report.input_errors.extend(error.problems)
            continue
        submission, loaded, findings = checked.submission, checked.loaded, checked.findings
        report.findings.extend(checked.located(lang))
        report.acknowledged.extend(
            (locate_finding(f, loaded, lang), reason(f, submission)) for f in checked.acknowledged)
        if isinstance(submission, Proposal):
            report.matrices[loaded.display] = compliance_matrix(
                findings, profile, lang, checked.acknowledged)
        else:
            letters.append((len(loaded_files), submission))
            report.letters[loaded.display] = rule_ids_for(submission.kind)
        loaded_files.append(loaded)
    for index, finding in cross_file_findings(letters, profile):
        report.findings.append(locate_finding(finding, loaded_files[index], lang))
    return report
