"""Nothing a person made is lost, and nothing stale passes for current.

- `--force` replaces a hand-edited output only after copying it to a dated backup beside it
  (`x.en.edited-20261201-213000.docx`, the time it was last changed).
- A build that rewrites a DOCX without converting it leaves no older PDF or PNG of it that
  could be sent by mistake: propgen's own (as the manifest records them) are removed, any
  other is reported.
- A file whose bytes equal what the build would write is not "edited", manifest or not, so
  a lost or damaged manifest never blocks a rebuild.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .i18n import N_, message
from .output import Manifest, sha256


def same_bytes(target: Path, data: bytes) -> bool:
    """True if `target` already holds exactly `data`."""
    try:
        return target.stat().st_size == len(data) and target.read_bytes() == data
    except OSError:
        return False


def backup_path(target: Path) -> Path:
    """A free name beside `target`, dated with the time it was last changed."""
    stamp = dt.datetime.fromtimestamp(target.stat().st_mtime, tz=dt.timezone.utc)
    base = target.name[: -len(target.suffix)] if target.suffix else target.name
    name = f"{base}.edited-{stamp:%Y%m%d-%H%M%S}"
    candidate = target.with_name(name + target.suffix)
    number = 2
    while candidate.exists():
        candidate = target.with_name(f"{name}-{number}{target.suffix}")
        number += 1
    return candidate


def back_up(target: Path) -> Path:
    """Copy `target` (bytes and times) to its dated backup; the copy's path."""
    backup = backup_path(target)
    shutil.copy2(target, backup)
    return backup


def backup_message(target: Path, backup: Path, lang: str) -> str:
    return message("backup", N_("{file} was edited after propgen wrote it; kept as {backup} "
                                "before replacing it"),
                   {"file": str(target), "backup": str(backup)}, lang)


@dataclass
class Stale:
    """Older PDFs and previews of rewritten documents: removed, or left and reported."""

    removed: list[Path] = field(default_factory=list)
    left: list[tuple[Path, Path]] = field(default_factory=list)  # (stale file, its DOCX)


def companions(docx: Path) -> list[Path]:
    """The PDF and preview PNG a build with --pdf/--preview writes beside `docx`."""
    return [docx.with_suffix(".pdf"), docx.with_suffix(".png")]


def clear_stale(changed: list[Path], manifest: Manifest, written: set[Path]) -> Stale:
    """For each DOCX whose bytes this build changed, the PDF and PNG it did not rewrite."""
    stale = Stale()
    for docx in changed:
        for path in companions(docx):
            if path in written or not path.is_file():
                continue
            recorded = manifest.hashes.get(path.name)
            if recorded is not None and recorded == sha256(path.read_bytes()):
                path.unlink()
                manifest.hashes.pop(path.name, None)
                stale.removed.append(path)
            else:
                stale.left.append((path, docx))
    return stale


def removed_message(path: Path, lang: str) -> str:
    return message("stale", N_("removed {file}: it was made from an earlier version of the "
                               "document (build with --pdf for a current one)"),
                   {"file": str(path)}, lang)


def left_message(path: Path, docx: Path, lang: str) -> str:
    return message("stale", N_("{file} is older than {docx} and no longer shows it; it was "
                               "not removed because propgen did not write it or it was "
                               "changed. Delete it, or build with --pdf"),
                   {"file": str(path), "docx": str(docx)}, lang)
