"""The criteria engine looks figures up in an index of the observations built once; every lookup must give what a
scan of the whole table gives (the table's rows masked, as the engine read them before it had an index)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from reportgen.config import load_config
from reportgen.domain.numbers import optional_decimal
from reportgen.domain.periods import parse_period
from reportgen.evaluate.readings import Readings
from reportgen.evaluate.results import Reading
from reportgen.pipeline import read_inputs
from tests.conftest import REPO

AS_OF = dt.date(2020, 12, 8)


@pytest.fixture(scope="module")
def table() -> tuple[Any, pd.DataFrame]:
    inputs = read_inputs(load_config(REPO / "reportgen.toml"))
    return inputs.plan, inputs.observations(AS_OF)


def scanned(o: pd.DataFrame, indicator: str, area: Any, initiative: Any, until: dt.date | None) -> list[Reading]:
    """The readings by masking the whole table."""
    o = o[o["indicator"] == indicator]
    mask = o["area"] == area if area is not None else o["area"].notna()
    if initiative is not None:
        mask &= o["initiative"] == initiative
    rows = [
        Reading(parse_period(str(r.period)), optional_decimal(r.value), str(r.unit), str(r.source))
        for r in o.loc[mask].itertuples(index=False)
    ]
    rows = [r for r in rows if until is None or r.period.start <= until]
    return sorted(rows, key=lambda r: r.period)


def test_every_series_is_what_a_scan_of_the_table_gives(table: tuple[Any, pd.DataFrame]) -> None:
    plan, o = table
    readings = Readings(plan, o, AS_OF)
    lookups: set[tuple[str, Any, Any]] = set()
    for indicator, area, initiative in o[["indicator", "area", "initiative"]].drop_duplicates().itertuples(index=False):
        lookups.add((indicator, area, None))
        if isinstance(initiative, str):
            lookups |= {(indicator, None, initiative), (indicator, area, initiative)}
    for indicator, area, initiative in sorted(lookups, key=str):
        for until in (None, dt.date(2019, 6, 30)):
            got = readings.series(indicator, area=area, initiative=initiative, until=until)
            assert got == scanned(o, indicator, area, initiative, until), (indicator, area, initiative, until)
    assert len(lookups) > 50


def test_comments_and_an_initiatives_rows_are_those_of_a_scan(table: tuple[Any, pd.DataFrame]) -> None:
    plan, o = table
    readings = Readings(plan, o, AS_OF)
    measured = o[o["initiative"].notna()]
    assert not measured.empty
    for (indicator, initiative), rows in measured.groupby(["indicator", "initiative"], sort=False):
        fields = ["period", "source", "unit", "label", "comment"]
        assert [[getattr(r, f) for f in fields] for r in readings.initiative_rows(str(indicator), str(initiative))] == [
            list(r) for r in rows[fields].itertuples(index=False)
        ]
        periods = list(rows["period"].head(2))
        texts = [t for t in rows.loc[rows["period"].isin(periods), "comment"] if isinstance(t, str) and t.strip()]
        assert readings.comment(str(initiative), [str(indicator)], periods) == (" ".join(dict.fromkeys(texts)) or None)
