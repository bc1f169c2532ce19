"""Starter YAML files for `propgen init`: commented skeletons a team fills in.

Every value the user must supply is a string that starts with `FILL-IN` (models.PLACEHOLDER),
and every such value fails validation until it is replaced, so a half-filled starter can
never turn into a document. Optional fields are present as commented-out lines.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import UserError
from .i18n import N_, detect_lang, gettext_for
from .loader import load_profile
from .models import PLACEHOLDER
from .questions import answer_stubs

KINDS: tuple[str, ...] = ("proposal", "letter")
STARTER_DIR = Path(__file__).parent / "starters"

__all__ = ["KINDS", "PLACEHOLDER", "StarterError", "starter_path", "starter_text", "write_starter"]


class StarterError(UserError):
    """The starter file cannot be written where the user asked."""


def _error(template: str, lang: str | None, **ctx: object) -> StarterError:
    return StarterError(gettext_for(detect_lang(lang))(template).format(**ctx))


def starter_path(kind: str) -> Path:
    """The packaged starter for `kind` ("proposal" or "letter")."""
    if kind not in KINDS:
        raise _error(
            N_("'{kind}' is not a kind of starter; use one of: {choices}"),
            None,
            kind=kind,
            choices=", ".join(KINDS),
        )
    return STARTER_DIR / f"{kind}.yaml"


def starter_text(kind: str) -> str:
    text = starter_path(kind).read_text(encoding="utf-8")
    return _with_answer_stubs(text) if kind == "letter" else text


def _with_answer_stubs(text: str) -> str:
    """The letter starter with its `answers:` block replaced by one stub per question of
    the notice it names (from the shipped profile)."""
    notice = re.search(r"^notice: *(\S+)", text, re.MULTILINE)
    block = re.search(r"^answers:\n(?:[ \t].*\n|\n)*", text, re.MULTILINE)
    profile = load_profile()
    if not notice or not block or notice.group(1) not in profile.notice_ids:
        return text
    return text[: block.start()] + answer_stubs(profile.notice(notice.group(1))) + "\n" \
        + text[block.end():].lstrip("\n")


def write_starter(kind: str, path: Path, force: bool = False, lang: str | None = None) -> None:
    """Copy the starter for `kind` to `path`; refuse to replace a file unless `force`."""
    data = starter_text(kind).encode("utf-8")
    path = Path(path)
    if path.is_dir():
        raise _error(N_("{path} is a folder; give a file name such as {path}/{kind}.yaml"),
                     lang, path=path, kind=kind)
    if path.exists() and not force:
        raise _error(N_("{path} exists; use --force to overwrite"), lang, path=path)
    from .output import write_atomic

    try:
        write_atomic(path, data)
    except OSError as exc:
        raise _error(
            N_("cannot write {path}: {reason}"), lang, path=path, reason=exc.strerror or exc
        ) from None
