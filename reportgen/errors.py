"""Exceptions raised by reportgen.

Every error a user can fix carries where it is (file, sheet, row, column) and what was expected, so the CLI can
print it as ``<file>[:<sheet>][:<row>][:<column>]: <what is wrong> (<what was expected>)`` and map it to the exit
codes of the command line (see the README: 0 ok, 1 internal error, 2 bad input, 3 lock held, 4 delivery failed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

MAX_MESSAGE = 400
"""The longest message part echoed: a 10 MB cell in a message would be one unreadable line."""


_LONG_QUOTED = re.compile(r"'([^'\n]{60})[^'\n]{20,}'")


def shorten_values(message: str) -> str:
    """A message whose quoted values (``'…'``, as ``!r`` writes them) are cut to 60 characters each."""
    return _LONG_QUOTED.sub(lambda m: f"'{m.group(1)}…' ({len(m.group(0)) - 2} characters)", message)


def shorten(text: str, limit: int = MAX_MESSAGE) -> str:
    """Text fit for a one-line message: control characters and undecodable bytes escaped, cut to ``limit``."""
    clean = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[: limit * 2])
    if len(clean) > limit or len(text) > limit * 2:
        return clean[: limit - 1] + f"… ({len(text):,} characters)".replace(",", ".")
    return clean


def describe(exc: BaseException) -> str:
    """An exception from a library, fit for a message: its type and its text, shortened."""
    return shorten(f"{type(exc).__name__}: {exc}", 200)


class ReportgenError(Exception):
    """Base class of every error reportgen raises on purpose."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One problem found in a file: a location, what is wrong and what was expected.

    ``severity`` is ``"error"`` or ``"warning"``; warnings never stop a run.
    """

    file: str
    message: str
    expected: str = ""
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    severity: str = "error"

    def __post_init__(self) -> None:
        for name in ("file", "message", "expected", "sheet", "column"):
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, shorten(shorten_values(value)))

    def location(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(str(self.row))
        if self.column:
            parts.append(self.column)
        return ":".join(parts)

    def __str__(self) -> str:
        text = f"{self.location()}: {self.message}"
        if self.expected:
            text += f" ({self.expected})"
        return text


class InputError(ReportgenError):
    """Raised when the config, the plan or an input file is invalid. Nothing has been written (exit 2)."""

    exit_code = 2

    def __init__(self, problems: Problem | Iterable[Problem]):
        self.problems: list[Problem] = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(
        cls,
        file: str | Path,
        message: str,
        expected: str = "",
        *,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> InputError:
        """Shorthand for an error with a single problem."""
        return cls(Problem(str(file), message, expected, sheet=sheet, row=row, column=column))


class UsageError(InputError):
    """Raised when the command line asks for something that cannot be done (unknown committee, bad date) (exit 2)."""


class TemplateError(InputError):
    """Raised when a Word or Excel template is missing, unreadable or names an unknown variable (exit 2)."""


class LockHeldError(ReportgenError):
    """Raised when another run holds the lock on the output folder (exit 3)."""

    exit_code = 3


class DeliveryError(ReportgenError):
    """Raised when e-mail delivery failed; the packs are written (exit 4)."""

    exit_code = 4


@dataclass
class ProblemLog:
    """Collects problems so a reader can report all of them, not only the first."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def error(self, file: str | Path, message: str, expected: str = "", **where: object) -> None:
        self.problems.append(Problem(str(file), message, expected, **where))  # type: ignore[arg-type]

    def warning(self, file: str | Path, message: str, expected: str = "", **where: object) -> None:
        self.problems.append(Problem(str(file), message, expected, severity="warning", **where))  # type: ignore[arg-type]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise InputError(self.errors)
