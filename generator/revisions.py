"""Versions of a submission: a YAML file as it is, or as it was at a git revision (`FILE@REV`).

`git show REV:PATH` gives the old text; it is loaded like any file, and its problems are
reported under the name the user typed (`proposal.yaml@HEAD~1`), not a temporary path.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError, ToolMissingError, UserError
from .i18n import N_
from .loader import load_submission
from .models import CommentLetter, Proposal


@dataclass(frozen=True)
class Version:
    """One version of a submission: a file, and the git revision it is read at (or None)."""

    path: Path
    rev: str | None = None

    @property
    def display(self) -> str:
        return f"{self.path}@{self.rev}" if self.rev else str(self.path)


def parse_version(spec: str) -> Version:
    """`FILE` or `FILE@REV`; a file whose name holds an @ is taken as it is."""
    if "@" not in spec or Path(spec).exists():
        return Version(Path(spec))
    path, rev = spec.rsplit("@", 1)
    if not path or not rev:
        return Version(Path(spec))
    return Version(Path(path), rev)


def read_version(version: Version) -> bytes:
    """The file's bytes: from disk, or from git at the revision."""
    if version.rev is None:
        return version.path.read_bytes()
    git = shutil.which("git")
    if git is None:
        raise ToolMissingError(template=N_("git is not installed; it is needed to read "
                                           "{spec}"), ctx={"spec": version.display})
    folder = version.path.resolve().parent
    while not folder.exists():
        folder = folder.parent
    top = _git(git, folder, "rev-parse", "--show-toplevel")
    if top is None:
        raise UserError(template=N_("{spec}: {folder} is not inside a git repository"),
                        ctx={"spec": version.display, "folder": folder})
    top_path = Path(top.decode("utf-8").strip())
    try:
        inside = version.path.resolve().relative_to(top_path.resolve()).as_posix()
    except ValueError:
        inside = version.path.as_posix()
    data = _git(git, top_path, "show", f"{version.rev}:{inside}")
    if data is None:
        raise UserError(
            template=N_("{spec}: git has no file {file} at revision {rev}; check the "
                        "revision with 'git log -- {file}'"),
            ctx={"spec": version.display, "file": inside, "rev": version.rev},
        )
    return data


def _git(git: str, folder: Path, *args: str) -> bytes | None:
    done = subprocess.run([git, "-C", str(folder), *args], capture_output=True, check=False)
    return done.stdout if done.returncode == 0 else None


def load_version(version: Version, **options: Any) -> Proposal | CommentLetter:
    """Load and validate one version; problems name `version.display`."""
    if version.rev is None:
        return load_submission(version.path, **options)[0]
    data = read_version(version)
    with tempfile.TemporaryDirectory(prefix="propgen-rev-") as folder:
        copy = Path(folder) / version.path.name
        copy.write_bytes(data)
        try:
            return load_submission(copy, **options)[0]
        except InputError as error:
            raise InputError([
                dataclasses.replace(p, file=version.display) if p.file == str(copy) else p
                for p in error.problems
            ]) from None
