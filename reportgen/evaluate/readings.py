"""What the criterion rules look at: the observations table as of one date, by indicator, and which person counts
are too small to show.

Only observations of periods that started on or before ``min(as_of, deadline)`` count, so a report re-made later
for the same date shows the same figures.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from reportgen.domain.danish_text import tal
from reportgen.domain.numbers import optional_decimal
from reportgen.domain.periods import Period, parse_period
from reportgen.evaluate.results import Point, Reading
from reportgen.plan import Initiative, Plan

if TYPE_CHECKING:
    import pandas as pd


class Readings:
    """The figures of one plan's observations table as of one date, and the small-number rule (``min_count``)."""

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
        # One pass over the table: each criterion then looks only at its own indicator's rows.
        self._by_indicator: dict[str, pd.DataFrame] = (
            {str(key): rows for key, rows in observations.groupby("indicator", sort=False)}
            if not observations.empty
            else {}
        )

    # -- series ------------------------------------------------------------------------------------------------
    def period(self, code: str) -> Period:
        if code not in self._periods:
            self._periods[code] = parse_period(code)
        return self._periods[code]

    def cutoff(self, deadline: dt.date) -> dt.date:
        return min(self.as_of, deadline)

    def rows(self, indicator: str) -> pd.DataFrame:
        """The indicator's rows of the table (none: an empty table of the same columns)."""
        return self._by_indicator.get(indicator, self.obs.iloc[0:0])

    def series(
        self, indicator: str, *, area: int | None = None, initiative: str | None = None, until: dt.date | None = None
    ) -> list[Reading]:
        """The indicator's readings sorted by period, for periods started by ``until``."""
        o = self._by_indicator.get(indicator)
        if o is None:
            return []
        mask = o["area"] == area if area is not None else o["area"].notna()
        if initiative is not None:
            mask &= o["initiative"] == initiative
        rows = []
        for rec in o.loc[mask, ["period", "value", "unit", "source"]].itertuples(index=False):
            p = self.period(str(rec.period))
            if until is not None and p.start > until:
                continue
            rows.append(Reading(p, optional_decimal(rec.value), str(rec.unit), str(rec.source)))
        rows.sort(key=lambda r: r.period)
        return rows

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
        rows = self._by_indicator.get(key)
        if rows is not None:
            titles = [t for t in rows["title"] if isinstance(t, str) and t.strip()]
            if titles:
                return titles[0][:1].lower() + titles[0][1:]
        return key

    def comment(self, initiative: str, measures: list[str], periods: list[str]) -> str | None:
        """The contact person's comments on the figures a result used (measurement sheet, column Kommentar)."""
        texts: list[str] = []
        for measure in measures:
            o = self._by_indicator.get(measure)
            if o is not None:
                rows = o[(o["initiative"] == initiative) & o["period"].isin(periods)]
                texts += [t for t in rows["comment"] if isinstance(t, str) and t.strip()]
        return " ".join(dict.fromkeys(texts)) or None

    # -- small-number suppression ------------------------------------------------------------------------------
    def small(self, value: Decimal) -> bool:
        """A person count below ``min_count`` (0 is no person and is shown)."""
        return bool(self.min_count) and 0 < value < self.min_count

    def persons(self, value: Decimal) -> str:
        """A person count as council text: "færre end N" below ``min_count``."""
        return f"færre end {self.min_count}" if self.small(value) else tal(value)
