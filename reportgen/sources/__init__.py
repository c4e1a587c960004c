"""Readers: turn input files into the canonical long table of observations (DESIGN §3).

``source, indicator, area, period, value, unit, initiative, label, comment`` — ``area`` is the kommunekode (0 is
Hele landet), ``period`` the canonical period code (see ``danish.Period``), ``value`` a float that stays NaN when the
figure is missing or suppressed (never 0), ``unit`` one of ``pct`` (stored as a share), ``antal``, ``kr``.
``label`` and ``comment`` carry the text of qualitative measurements; ``title`` is an indicator's name as its file
gives it (a title row, or the label in a long layout's indicator column), for headings in the reports.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

if TYPE_CHECKING:
    import pandas as pd

    from reportgen.errors import ProblemLog

OBSERVATION_COLUMNS = ["source", "indicator", "area", "period", "value", "unit", "initiative", "label", "comment", "title"]


def observations_frame(rows: Iterable[dict[str, Any]] = ()) -> "pd.DataFrame":
    """A DataFrame in the canonical schema (also when empty)."""
    import pandas as pd

    frame = pd.DataFrame(list(rows), columns=OBSERVATION_COLUMNS)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    frame["area"] = frame["area"].astype("int64")
    return frame


def read_each(paths: list[Path], displays: list[str], read_one: Callable[[Path, str], "pd.DataFrame"], problems: "ProblemLog") -> list["pd.DataFrame"]:
    """Read every file with ``read_one``; a file that cannot be read at all adds its problems and the others go on,
    so one run reports the problems of every file."""
    from reportgen.errors import InputError

    frames = []
    for path, display in zip(paths, displays):
        try:
            frames.append(read_one(path, display))
        except InputError as exc:
            for problem in exc.problems:
                problems.add(problem)
    return frames
