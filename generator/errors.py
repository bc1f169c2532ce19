"""Errors that are the user's doing, as types the CLI prints without a traceback.

Anything that is not a `UserError` is a bug in propgen and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import message

EXIT_BAD_INPUT = 2
EXIT_MISSING_TOOL = 3


@dataclass(frozen=True)
class Problem:
    """One located complaint about an input file, already in the user's language.

    Line 0 means the complaint is about the file as a whole (an output file edited by
    hand, two inputs with one output name): it is printed without a position.
    """

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line > 0 else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class UserError(Exception):
    """Bad input or environment: printed as a message, exit code `exit_code`.

    Raised with a catalog `template` and its `ctx`, the message can be shown in the user's
    language (`localized`); `prefix` (a file name) is not translated.
    """

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str = "", *, template: str | None = None,
                 ctx: dict[str, object] | None = None, prefix: str = "") -> None:
        self.template, self.ctx, self.prefix = template, dict(ctx or {}), prefix
        if template is not None and not message:
            message = prefix + template.format(**self.ctx)
        super().__init__(message)

    def localized(self, lang: str) -> str:
        if self.template is None:
            return str(self)
        return self.prefix + message("user_error", self.template, self.ctx, lang)


class InputError(UserError):
    """One or more located problems in an input file."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class ToolMissingError(UserError):
    """An external program (LibreOffice, pdftoppm) is not installed."""

    exit_code = EXIT_MISSING_TOOL
