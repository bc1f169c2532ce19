"""Errors that are the user's doing, the one diagnostic record, and the exit codes.

Anything that is not a `UserError` (or an `OSError` while writing) is a bug in propgen and
keeps its traceback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Literal

from .i18n import message

Severity = Literal["error", "warning"]


class ExitCode(IntEnum):
    """What `propgen` exits with; README "Commands" documents each."""

    OK = 0
    CHECK_ERRORS = 1  # the program checks found errors (build: not built, see --draft)
    BAD_INPUT = 2  # a file cannot be read or validated, a template or output is in the way
    MISSING_TOOL = 3  # LibreOffice or pdftoppm is not installed
    WRITE_FAILED = 4  # an output could not be written (disk full, read-only folder)
    CONVERSION_FAILED = 5  # LibreOffice or pdftoppm ran but produced no file


# Kept for code written against the names before the enum.
EXIT_BAD_INPUT = ExitCode.BAD_INPUT
EXIT_MISSING_TOOL = ExitCode.MISSING_TOOL


@dataclass(frozen=True)
class Diagnostic:
    """One located complaint about an input file, already in the user's language.

    Every command prints it one way (`str`, and `as_dict` for JSON): validation errors,
    program findings, control characters removed, outputs edited by hand. `template` and
    `ctx` are the message id and its values, for programs that word messages themselves.

    Line 0 means the complaint is about the file as a whole (an output file edited by
    hand, two inputs with one output name): it is printed without a position.
    """

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: Severity = "error"
    rule: str = ""
    citation: str = ""
    template: str = field(default="", compare=False)
    ctx: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line > 0 else self.file
        label = f"{self.severity} [{self.rule}] " if self.rule else ""
        field_path = f"{self.path}: " if self.path else ""
        cite = f" ({self.citation})" if self.citation else ""
        return f"{where}: {label}{field_path}{self.message}{cite}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "line": self.line, "column": self.column, "path": self.path,
            "severity": self.severity, "rule": self.rule, "message": self.message,
            "citation": self.citation, "message_id": self.template or self.message,
            "values": {key: _plain(value) for key, value in self.ctx.items()},
        }


def _plain(value: Any) -> Any:
    """A message value as JSON holds it: {en, ko} words in English, dates in ISO form."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return str(value)  # a Msg as its msgid
    if isinstance(value, dt.date):
        return value.isoformat()
    english = getattr(value, "en", None)
    return str(english) if isinstance(english, str) else str(value)


# The record's former name; `Problem(file, line, column, path, message)` still builds one.
Problem = Diagnostic


class UserError(Exception):
    """Bad input or environment: printed as a message, exit code `exit_code`.

    Raised with a catalog `template` and its `ctx`, the message can be shown in the user's
    language (`localized`); `prefix` (a file name) is not translated.
    """

    def __init__(self, message: str = "", *, template: str | None = None,
                 ctx: dict[str, object] | None = None, prefix: str = "") -> None:
        self.template, self.ctx, self.prefix = template, dict(ctx or {}), prefix
        if template is not None and not message:
            message = prefix + template.format(**self.ctx)
        super().__init__(message)

    @property
    def exit_code(self) -> int:
        return exit_code_for(self)

    def localized(self, lang: str) -> str:
        if self.template is None:
            return str(self)
        return self.prefix + message("user_error", self.template, self.ctx, lang)


class InputError(UserError):
    """One or more located problems in an input file."""

    def __init__(self, problems: list[Diagnostic]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class ToolMissingError(UserError):
    """An external program (LibreOffice, pdftoppm) is not installed."""


class ConversionError(UserError):
    """LibreOffice or pdftoppm ran but did not produce the expected file."""


# The one place that says which failure exits with which code: most specific type first.
EXIT_CODES: tuple[tuple[type[BaseException], ExitCode], ...] = (
    (ToolMissingError, ExitCode.MISSING_TOOL),
    (ConversionError, ExitCode.CONVERSION_FAILED),
    (UserError, ExitCode.BAD_INPUT),
    (OSError, ExitCode.WRITE_FAILED),
)


def exit_code_for(error: BaseException) -> int:
    """The exit code of a failure: a subclass may name its own with an `exit_code` class
    attribute; otherwise the table above decides."""
    explicit = getattr(type(error), "exit_code", None)
    if isinstance(explicit, int):
        return explicit
    return next((code for kind, code in EXIT_CODES if isinstance(error, kind)),
                ExitCode.BAD_INPUT)
