"""Readers: turn input files into the canonical long table of observations (DESIGN §3).

``source, indicator, area, period, value, unit, initiative, label, comment`` — ``area`` is the kommunekode (0 is
Hele landet), ``period`` the canonical period code (see ``danish.Period``), ``value`` a float that stays NaN when the
figure is missing or suppressed (never 0), ``unit`` one of ``pct`` (stored as a share), ``antal``, ``kr``.
``label`` and ``comment`` carry the text of qualitative measurements.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    import pandas as pd

OBSERVATION_COLUMNS = ["source", "indicator", "area", "period", "value", "unit", "initiative", "label", "comment"]


def observations_frame(rows: Iterable[dict[str, Any]] = ()) -> "pd.DataFrame":
    """A DataFrame in the canonical schema (also when empty)."""
    import pandas as pd

    frame = pd.DataFrame(list(rows), columns=OBSERVATION_COLUMNS)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    frame["area"] = frame["area"].astype("int64")
    return frame
