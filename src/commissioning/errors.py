"""Errors that reach a user as one plain-English line, never as a traceback.

Every error the product raises on purpose derives from :class:`UserError`. The command line
catches it, prints its message and exits with status 2 (bad input: a rejected file, an unknown
code or unusable value given) or 1 (anything else: a refusal, an unreachable database).
"""

from __future__ import annotations

from dataclasses import dataclass


class UserError(Exception):
    """Something the user can fix: a wrong option, an unreachable database, a missing file."""

    exit_status = 1


class BadArgument(UserError):
    """A code or value given on the command line (or in a form) cannot be used: an unknown
    community, commissioner or indicator, a value a role needs. Exit status 2, as for a rejected
    file and a mistyped option."""

    exit_status = 2


@dataclass(frozen=True)
class Problem:
    """One located problem in an input file.

    ``row`` is the row number as a spreadsheet shows it (the header is row 1), or None when
    the problem concerns the whole file or a whole column.
    """

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class InputError(UserError):
    """An input file was rejected. Carries every problem found (up to a limit)."""

    exit_status = 2

    def __init__(self, problems: list[Problem] | Problem, *, more: int = 0):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        self.more = more
        super().__init__(self.describe())

    def describe(self) -> str:
        lines = [str(p) for p in self.problems]
        if self.more:
            lines.append(f"... and {self.more} more problems")
        return "\n".join(lines)


def located(file: str, row: int | None, column: str | None, message: str) -> InputError:
    """Shorthand for an :class:`InputError` with a single located problem."""
    return InputError(Problem(file, row, column, message))
