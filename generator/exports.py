"""`propgen profile export` / `propgen templates export`: the shipped files, out for editing.

A team edits a copy, never the installed package: the exported profile is what `--program`
reads, the exported templates what `--template-dir` reads (a folder that lacks one of them
falls back to the shipped one, see `build.renderer_for`).
"""

from __future__ import annotations

from pathlib import Path

from .errors import UserError
from .i18n import N_, resource_dir
from .output import write_atomic
from .program import DEFAULT_PROFILE

TEMPLATE_FILES = ("proposal.docx", "comment-letter.docx")


class ExportError(UserError):
    """The files cannot be exported where the user asked."""


def _copy(sources: list[Path], folder: Path, force: bool) -> list[Path]:
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ExportError(template=N_("{path} is a file; give a folder"), ctx={"path": folder})
    targets = [folder / source.name for source in sources]
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        raise ExportError(template=N_("{path} exists; use --force to overwrite"),
                          ctx={"path": existing[0]})
    for source, target in zip(sources, targets, strict=True):
        write_atomic(target, source.read_bytes())
    return targets


def export_profile(folder: Path, force: bool = False) -> list[Path]:
    """Copy the shipped program profile into `folder`; returns the file written."""
    return _copy([DEFAULT_PROFILE], folder, force)


def export_templates(folder: Path, force: bool = False) -> list[Path]:
    """Copy the shipped Word templates into `folder`; returns the files written."""
    shipped = resource_dir("templates")
    return _copy([shipped / name for name in TEMPLATE_FILES], folder, force)
