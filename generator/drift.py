"""Drift: a field whose English or Korean changed since both were last known to agree.

The record is a sidecar beside the YAML file (`proposal.yaml` -> `proposal.review.tsv`):
one line per field, its path and a short fingerprint of each language's text, written when
a translation sheet is imported or with `propgen translate mark-reviewed`. One line per
field and no dates, so a git diff of it shows exactly which fields were reviewed. With no
sidecar there are no drift findings at all.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .checks import Finding, _bilinguals
from .errors import UserError
from .i18n import N_, Msg
from .language import is_blank, visible
from .output import write_atomic
from .yaml_source import format_path

SUFFIX = ".review.tsv"
HEADER = (
    "# propgen review record: a fingerprint of each field's English and Korean text when\n"
    "# they last agreed (propgen translate import / mark-reviewed). propgen check warns when\n"
    "# one side has changed since. Written by propgen; keep it in version control.\n"
    "# field\ten\tko\n"
)
MISSING = "-"
LANG_NAMES = {"en": N_("English"), "ko": N_("Korean")}

Record = dict[str, tuple[str, str]]


def sidecar_path(yaml_path: Path) -> Path:
    return yaml_path.with_name(yaml_path.stem + SUFFIX)


def fingerprint(text: str | None) -> str:
    """12 hex digits of the text as a reader sees it: invisible characters, the line
    wrapping of the YAML and Unicode normalization do not count as edits."""
    if is_blank(text):
        return MISSING
    seen = " ".join(unicodedata.normalize("NFC", visible(text or "")).split())
    return hashlib.sha256(seen.encode("utf-8")).hexdigest()[:12]


def read_record(yaml_path: Path) -> Record:
    """The sidecar's fingerprints by field path; empty when there is no sidecar."""
    path = sidecar_path(yaml_path)
    try:
        lines = path.read_text("utf-8").splitlines()
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(template=N_("cannot read the review record: {reason}"),
                        ctx={"reason": str(error)}, prefix=f"{path}: ") from None
    record: Record = {}
    for line in lines:
        parts = line.split("\t")
        if line.startswith("#") or len(parts) != 3:
            continue
        record[parts[0]] = (parts[1], parts[2])
    return record


def write_record(yaml_path: Path, record: Mapping[str, tuple[str, str]]) -> Path:
    """Write the sidecar atomically, fields in the order given."""
    path = sidecar_path(yaml_path)
    body = "".join(f"{key}\t{en}\t{ko}\n" for key, (en, ko) in record.items())
    write_atomic(path, (HEADER + body).encode("utf-8"))
    return path


def bilingual_fields(submission: Any) -> Iterator[tuple[str, Any, Any]]:
    """(path, loc, Bilingual) of every bilingual text, in file order."""
    for loc, value in _bilinguals(submission, ()):
        yield format_path(loc), loc, value


def merge_reviewed(yaml_path: Path, submission: Any,
                   reviewed: Mapping[str, tuple[str | None, str | None]]) -> Path:
    """Record `reviewed` texts ({path: (en, ko)}) as agreeing; keep the other fields'
    entries that still exist, in file order."""
    old = read_record(yaml_path)
    record: Record = {}
    for key, _loc, _value in bilingual_fields(submission):
        if key in reviewed:
            en, ko = reviewed[key]
            if MISSING not in (fingerprint(en), fingerprint(ko)):
                record[key] = (fingerprint(en), fingerprint(ko))
            # A text in one language only agrees with nothing yet: no entry.
        elif key in old:
            record[key] = old[key]
    return write_record(yaml_path, record)


def mark_reviewed(yaml_path: Path, submission: Any, fields: Iterable[str] = ()) -> list[str]:
    """Record the current texts of `fields` (a path, or a prefix such as `stack`; all when
    none) as agreeing. Raises UserError for a field that matches nothing."""
    wanted = list(fields)
    current = {key: (value.en, value.ko) for key, _loc, value in bilingual_fields(submission)}
    chosen = [key for key in current
              if (not wanted or any(_under(key, prefix) for prefix in wanted))
              and not any(is_blank(text) for text in current[key])]
    unknown = [prefix for prefix in wanted if not any(_under(k, prefix) for k in current)]
    if unknown:
        raise UserError(
            template=N_("no bilingual text at '{field}'; give a path as 'propgen check' "
                        "prints it, such as consortium.members[0].name"),
            ctx={"field": unknown[0]}, prefix=f"{yaml_path}: ")
    merge_reviewed(yaml_path, submission, {key: current[key] for key in chosen})
    return chosen


def _under(key: str, prefix: str) -> bool:
    prefix = prefix.strip()
    return key == prefix or key.startswith((prefix + ".", prefix + "["))


def drift_findings(submission: Any, yaml_path: Path | str) -> Iterator[Finding]:
    """DRIFT: one language of a field changed since the record, the other did not."""
    path = Path(yaml_path)
    if not os.path.exists(sidecar_path(path)):
        return
    record = read_record(path)
    for key, loc, value in bilingual_fields(submission):
        if key not in record or MISSING in record[key]:
            continue
        was = dict(zip(("en", "ko"), record[key], strict=True))
        changed = [lang for lang in ("en", "ko") if fingerprint(getattr(value, lang)) != was[lang]]
        if len(changed) != 1:
            continue
        side = changed[0]
        other = "ko" if side == "en" else "en"
        yield Finding(
            "DRIFT", "warning", (*loc, side),
            N_("the {changed} text changed after both languages were last reviewed, and the "
               "{other} text did not: bring the {other} up to date, then run 'propgen "
               "translate mark-reviewed'"),
            {"changed": Msg(LANG_NAMES[side]), "other": Msg(LANG_NAMES[other])},
        )
