"""What the criterion rules look at: the observations table as of one date, by indicator, and which person counts
are too small to show.

Only observations of periods that started on or before ``min(as_of, deadline)`` count, so a report re-made later
for the same date shows the same figures.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from reportgen.domain.danish_text import tal
from reportgen.domain.numbers import optional_decimal
from reportgen.domain.periods import Period, parse_period
from reportgen.evaluate.results import Point, Reading
from reportgen.plan import Initiative, Plan

if TYPE_CHECKING:
    import pandas as pd


class Readings:
    """The figures of one plan's observations table as of one date, and the small-number rule (``min_count``).

    The table is indexed once, by indicator and area and by indicator and initiative, so each criterion looks only
    at its own rows: evaluating a plan takes time in proportion to its criteria and their rows, not to the table."""

    def __init__(
        self,
        plan: Plan,
        observations: pd.DataFrame,
        as_of: dt.date,
        *,
        has_economy: bool = True,
        min_count: int = 0,
    ):
        self.plan = plan
        self.min_count = min_count
        self._hidden: set[tuple[str, str]] = set()  # (initiative, measure): counts hidden by secondary suppression
        self.obs = observations
        self.as_of = as_of
        self.has_economy = has_economy
        self.home = plan.municipality_code
        self._periods: dict[str, Period] = {}
        # One pass over the table, in its order: the rows of each indicator, of each (indicator, area) and of each
        # (indicator, initiative). A lookup then costs its own rows.
        self._by_indicator: dict[Any, list[Any]] = {}
        self._by_area: dict[tuple[Any, Any], list[Any]] = {}
        self._by_initiative: dict[tuple[Any, Any], list[Any]] = {}
        if not observations.empty:
            for row in observations.itertuples(index=False):
                self._by_indicator.setdefault(row.indicator, []).append(row)
                self._by_area.setdefault((row.indicator, row.area), []).append(row)
                self._by_initiative.setdefault((row.indicator, row.initiative), []).append(row)
        self._series: dict[tuple[str, int | None, str | None], list[Reading]] = {}
        self._titles: dict[str, str | None] = {}

    # -- series ------------------------------------------------------------------------------------------------
    def period(self, code: str) -> Period:
        if code not in self._periods:
            self._periods[code] = parse_period(code)
        return self._periods[code]

    def cutoff(self, deadline: dt.date) -> dt.date:
        return min(self.as_of, deadline)

    def initiative_rows(self, indicator: str, initiative: str) -> list[Any]:
        """The indicator's rows of one initiative (any area), in the table's order: named tuples of the table's
        columns."""
        return self._by_initiative.get((indicator, initiative), [])

    def series(
        self, indicator: str, *, area: int | None = None, initiative: str | None = None, until: dt.date | None = None
    ) -> list[Reading]:
        """The indicator's readings sorted by period, for periods started by ``until``."""
        key = (indicator, area, initiative)
        readings = self._series.get(key)
        if readings is None:
            readings = self._series[key] = self._sorted_series(indicator, area, initiative)
        if until is None:
            return list(readings)
        return [r for r in readings if r.period.start <= until]

    def _sorted_series(self, indicator: str, area: int | None, initiative: str | None) -> list[Reading]:
        """All the readings of one indicator in one area (None: any area that is given) and of one initiative
        (None: any), sorted by period; readings of the same period keep the table's order."""
        if area is not None:
            rows = [
                r for r in self._by_area.get((indicator, area), []) if initiative is None or r.initiative == initiative
            ]
        else:
            group = (
                self._by_indicator.get(indicator, [])
                if initiative is None
                else self._by_initiative.get((indicator, initiative), [])
            )
            rows = [r for r in group if not _missing(r.area)]
        readings = [
            Reading(self.period(str(r.period)), optional_decimal(r.value), str(r.unit), str(r.source)) for r in rows
        ]
        readings.sort(key=lambda r: r.period._key())  # as Period orders itself, without a comparison per pair
        return readings

    def known(self, indicator: str, *, area: int | None = None, until: dt.date | None = None) -> list[Point]:
        """The series without missing values."""
        return [
            Point(r.period, r.value, r.unit, r.source)
            for r in self.series(indicator, area=area, until=until)
            if r.value is not None
        ]

    def latest_known(self, measure: str, initiative: str, deadline: dt.date) -> Point | None:
        """The latest value an initiative reported for a measurement by the cut-off of ``deadline``."""
        for r in reversed(self.series(measure, initiative=initiative, until=self.cutoff(deadline))):
            if r.value is not None:
                return Point(r.period, r.value, r.unit, r.source)
        return None

    def spent(self, initiative: Initiative, deadline: dt.date) -> Decimal | None:
        """What the initiative has spent within the plan period by the cut-off (None: no economy to go by)."""
        if not self.has_economy or initiative.economy is None:
            return None
        rows = self.series("forbrug", initiative=initiative.id, until=self.cutoff(deadline))
        start, end = self.plan.period.start, self.plan.period.end
        return sum(
            (r.value for r in rows if r.value is not None and start <= r.period.end and r.period.start <= end),
            Decimal(0),
        )

    # -- words -------------------------------------------------------------------------------------------------
    def label(self, key: str) -> str:
        """How council text names a measurement or indicator: the plan's label, else the indicator's title from its
        file, else (only where both are missing, which ``validate`` warns about) the key."""
        label = self.plan.label_of(key)
        if label:
            return label
        if key not in self._titles:
            titles = (r.title for r in self._by_indicator.get(key, []) if isinstance(r.title, str) and r.title.strip())
            self._titles[key] = next(titles, None)
        title = self._titles[key]
        return title[:1].lower() + title[1:] if title is not None else key

    def comment(self, initiative: str, measures: list[str], periods: list[str]) -> str | None:
        """The contact person's comments on the figures a result used (measurement sheet, column Kommentar)."""
        texts: list[str] = []
        for measure in measures:
            texts += [
                r.comment
                for r in self._by_initiative.get((measure, initiative), [])
                if r.period in periods and isinstance(r.comment, str) and r.comment.strip()
            ]
        return " ".join(dict.fromkeys(texts)) or None

    # -- small-number suppression ------------------------------------------------------------------------------
    def small(self, value: Decimal) -> bool:
        """A person count below ``min_count`` (0 is no person and is shown)."""
        return bool(self.min_count) and 0 < value < self.min_count

    def persons(self, value: Decimal) -> str:
        """A person count as council text: "færre end N" below ``min_count``."""
        return f"færre end {self.min_count}" if self.small(value) else tal(value)


def _missing(value: object) -> bool:
    """A missing cell as pandas reads one: None or a float NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))
