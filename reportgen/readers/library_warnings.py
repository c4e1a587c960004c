"""Warnings the libraries that read input files raise (pandas, openpyxl), turned into problems in reportgen's words.

A library warning printed raw on the console says nothing a user can act on, and some of them mean a figure was
dropped or changed (pandas dropping the cells of a row wider than its header; openpyxl reading a date cell holding no
date as an error value). Every warning raised while a file is read is caught at the readers' boundary: one that
means data was dropped or changed is an error naming the file, any other a warning naming it.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from reportgen.errors import Problem, ProblemLog, shorten

PASSED_ON: tuple[type[Warning], ...] = (DeprecationWarning, PendingDeprecationWarning, FutureWarning, ResourceWarning)
"""Warnings about how reportgen uses a library, not about the file: left to the usual warning filters."""
MAX_PER_FILE = 20
"""At most this many problems from warnings for one file (openpyxl warns once per cell)."""


@dataclass(frozen=True)
class Rule:
    """A kind of library warning: the text it matches, whether it means data was dropped or changed, and what to
    tell the user (``match`` groups can be used)."""

    pattern: re.Pattern[str]
    error: bool
    say: Callable[[re.Match[str]], str]
    expected: str


WORKBOOK = "a workbook saved by Excel or LibreOffice"
RULES = [
    Rule(
        re.compile(r"Length of header or names does not match length of data"),
        True,
        lambda _m: "a row is wider than the header: the CSV parser would drop its last cells",
        "every row as wide as the header (quote a value holding the separator)",
    ),
    Rule(
        re.compile(r"Cell (\S+) is marked as a date but the serial value (\S+) is outside the limits for dates"),
        True,
        lambda m: f"cell {m.group(1)} is formatted as a date but holds {m.group(2)}, which is no date",
        "a date between 1900 and 9999, or a cell not formatted as a date",
    ),
    Rule(
        re.compile(r"invalid specification for (.*)\. This will be removed"),
        True,
        lambda m: f"the workbook lists a sheet ({m.group(1)}) without its id: the sheet would be left out",
        WORKBOOK,
    ),
    Rule(
        re.compile(r"(\S+) contains invalid dependency definitions"),
        True,
        lambda m: f"the workbook's list of parts {m.group(1)} is invalid: parts of it would be left out",
        WORKBOOK,
    ),
    Rule(
        re.compile(
            r"extension is not supported|no default style|contains no stylesheet|conditional formatting|DrawingML|"
            r"header or footer|Defined names?|Print area|Unable to read chart|Unknown type for|merged range|"
            r"Data Validation",
            re.IGNORECASE,
        ),
        False,
        lambda _m: (
            "the workbook holds formatting, drawings or settings that reportgen does not read; its values "
            "are read as they are"
        ),
        "nothing to do, unless a value is missing from the report",
    ),
]
DATA_WORDS = re.compile(r"loss of data|lost|dropp|discard|truncat|removed|ignor|skipp|overflow|outside|invalid", re.I)
"""Words by which an unknown warning says that data was dropped or changed."""


def problem_from(display: str, caught: warnings.WarningMessage) -> Problem:
    """The problem a library warning raised while reading ``display`` stands for."""
    text = str(caught.message)
    origin = f"{caught.category.__name__}: {shorten(text, 200)}"
    for rule in RULES:
        m = rule.pattern.search(text)
        if m:
            message = f"{rule.say(m)} ({origin})"
            return Problem(display, message, rule.expected, severity="error" if rule.error else "warning")
    if DATA_WORDS.search(text):
        return Problem(
            display,
            f"reading the file, a library reports that data was dropped or changed ({origin})",
            "a file saved by Excel or LibreOffice, or a plain CSV export",
        )
    return Problem(
        display,
        f"reading the file, a library reports something reportgen does not know ({origin})",
        "check that the figures read from this file are right",
        severity="warning",
    )


@contextmanager
def reported_warnings(display: str, problems: ProblemLog) -> Iterator[None]:
    """Catch every warning raised while the body reads ``display`` and add it to ``problems`` as a problem (once
    per distinct message, at most ``MAX_PER_FILE``); warnings about reportgen's own use of a library pass on."""
    recorded: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                yield
            finally:
                recorded = caught
    finally:
        _report(display, recorded, problems)


def _report(display: str, recorded: list[warnings.WarningMessage], problems: ProblemLog) -> None:
    seen: set[tuple[str, str]] = set()
    for item in recorded:
        if issubclass(item.category, PASSED_ON):
            warnings.warn_explicit(item.message, item.category, item.filename, item.lineno, source=item.source)
            continue
        problem = problem_from(display, item)
        if (problem.message, problem.severity) in seen or len(seen) >= MAX_PER_FILE:
            continue
        seen.add((problem.message, problem.severity))
        problems.add(problem)
