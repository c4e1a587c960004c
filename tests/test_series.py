"""The indicator series a pack shows: the municipality and the whole country per period, read from the observations
table as it is (repeated rows, missing figures, indicators the plan does not name)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from reportgen.domain.areas import NATIONAL
from reportgen.domain.observations import observations_frame
from reportgen.domain.packs import PackSpec
from reportgen.plan import load_plan
from reportgen.render.series import barometer_series
from tests.conftest import REPO

PLAN = load_plan(REPO / "inputs" / "handleplan_2019.yaml")
HOME = PLAN.municipality_code
ANNUAL = PackSpec("annual", as_of=dt.date(2020, 12, 31), year=2020)


def row(indicator: str, area: int, period: str, value: float | None, **extra: Any) -> dict[str, Any]:
    return {"source": "b.csv", "indicator": indicator, "area": area, "period": period, "value": value, **extra}


def test_the_first_row_of_a_period_counts_and_a_missing_figure_stays_missing() -> None:
    frame = observations_frame(
        [
            row("x", HOME, "2019", 0.4, unit="pct", title="X"),
            row("x", HOME, "2019", 0.9, unit="pct"),  # a repeated row: the first one is shown
            row("x", NATIONAL, "2019", None, unit="pct"),
            row("x", HOME, "2020", None, unit="pct"),
            row("x", NATIONAL, "2020", 0.5, unit="pct"),
            row("x", 101, "2020", 0.7, unit="pct"),  # another municipality: not shown
            row("x", HOME, "2021", 0.6, unit="pct"),  # after the pack's day: not shown
        ]
    )
    (series,) = barometer_series(PLAN, frame, ANNUAL)
    points = [(p["period"], p["home"], p["national"]) for p in series["points"]]
    assert points == [("2019", 0.4, None), ("2020", None, 0.5)]
    assert series["title"] == "X"


def test_an_indicator_with_figures_only_for_other_areas_is_not_shown() -> None:
    frame = observations_frame([row("y", 101, "2019", 3.0, unit="antal"), row("z", HOME, "2019", 2.0, unit="antal")])
    assert [s["indicator"] for s in barometer_series(PLAN, frame, ANNUAL)] == ["z"]
    assert barometer_series(PLAN, observations_frame(), ANNUAL) == []
