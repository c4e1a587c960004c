"""Readers: turn input files into the tables of ``reportgen.domain.observations`` (observations and postings).

A reader takes its file, a small settings dataclass of its own (built from ``reportgen.toml`` by ``reportgen.config``)
and a ``ProblemLog``; it knows neither the plan, the config models nor the renderers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, TypeVar

from reportgen.errors import InputError, Problem, ProblemLog, ReportgenError, describe

log = logging.getLogger(__name__)

T = TypeVar("T")


class Settings:
    """Base of the readers' settings dataclasses. They are validated straight from ``reportgen.toml``, where an
    unknown key must be an error: this attribute tells the validating loader (pydantic) so."""

    __pydantic_config__: ClassVar[dict[str, str]] = {"extra": "forbid"}


def read_each(
    paths: list[Path], displays: list[str], read_one: Callable[[Path, str], T], problems: ProblemLog
) -> list[T]:
    """Read every file with ``read_one``; a file that cannot be read at all adds its problems and the others go on,
    so one run reports the problems of every file.

    This is the readers' boundary: whatever a library raises on a broken file (a corrupt zip member, XML that does
    not parse, a date beyond year 9999, a file that vanished or cannot be opened) becomes a problem naming the file,
    never an internal error; and every warning a library raises while reading becomes a problem naming the file,
    never a line on the console (``library_warnings``)."""
    from reportgen.readers.library_warnings import reported_warnings

    results: list[T] = []
    for path, display in zip(paths, displays, strict=True):
        try:
            with reported_warnings(display, problems):
                results.append(read_one(path, display))
        except InputError as exc:
            for problem in exc.problems:
                problems.add(problem)
        except ReportgenError:
            raise
        except OSError as exc:
            problems.add(Problem(display, f"cannot read the file ({exc.strerror or describe(exc)})", READABLE))
        except Exception as exc:  # the boundary: every library error on a file is bad input
            log.debug("reading %s failed", display, exc_info=True)
            problems.add(Problem(display, f"cannot read the file ({describe(exc)})", READABLE))
    return results


READABLE = "a readable .xlsx saved by Excel or LibreOffice, or a CSV text file"
