"""The figures over time a pack shows: spending per plan year and month for each initiative, and each indicator's
values for the municipality and the whole country (tables and charts)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from reportgen.domain.areas import NATIONAL, registry
from reportgen.domain.danish_text import by_unit, precision
from reportgen.domain.numbers import to_decimal
from reportgen.domain.packs import PackSpec
from reportgen.domain.periods import parse_period
from reportgen.evaluate.economy import ECONOMY_SOURCE
from reportgen.evaluate.results import InitiativeResult
from reportgen.plan import Plan
from reportgen.plan.model import indicators_of

if TYPE_CHECKING:
    import pandas as pd


def as_float(value: Decimal | None) -> float | None:
    """An exact figure as the float a template or Excel gets (None stays None)."""
    return None if value is None else float(value)


def economy_rows(
    plan: Plan, selected: list[InitiativeResult], observations: pd.DataFrame, spec: PackSpec
) -> dict[str, Any]:
    """Per initiative: budget, spent and spent share per plan year, and spending by month. Aggregates only; sums
    are exact (decimal), and a year without a budget, or an initiative without an economy filter, stays empty."""
    o = observations[(observations["indicator"] == "forbrug")]
    months: set[str] = set()
    years = list(range(plan.period.start.year, plan.period.end.year + 1))
    rows = []
    for r in selected:
        mine = o[o["initiative"] == r.initiative.id]
        by_month: dict[str, Decimal] = {}
        for code, value in zip(mine["period"], mine["value"], strict=True):
            p = parse_period(code)
            if p.start > spec.as_of or not (plan.period.start <= p.start <= plan.period.end):
                continue
            by_month[str(code)] = by_month.get(str(code), Decimal(0)) + to_decimal(value)
        months |= set(by_month)
        has_economy = r.spent is not None
        per_year = []
        for y in years:
            budget = r.initiative.budget.get(y)
            spent = sum((v for m, v in by_month.items() if m.startswith(str(y))), Decimal(0)) if has_economy else None
            share = spent / budget if spent is not None and budget else None
            per_year.append({"year": y, "budget": as_float(budget), "spent": as_float(spent), "share": as_float(share)})
        rows.append(
            {
                "id": r.initiative.id,
                "title": r.initiative.title,
                "years": per_year,
                "months": {m: float(v) for m, v in by_month.items()},
                "has_filter": r.initiative.economy is not None,
            }
        )
    return {"years": years, "months": sorted(months, key=lambda m: parse_period(m)), "rows": rows}


def barometer_series(
    plan: Plan, observations: pd.DataFrame, spec: PackSpec, sources: dict[str, dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """For each indicator the plan's criteria use: the municipality's and the national values over time, shown with
    one precision per series (the source's), named by the file's title (else the plan's label) and its source."""
    out = []
    o = observations
    indicators = list(plan.indicators())
    loaded = o.loc[o["initiative"].isna() & (o["source"] != ECONOMY_SOURCE), "indicator"]
    indicators += [i for i in dict.fromkeys(loaded) if i not in indicators]
    shown_areas = o[o["area"].isin([plan.municipality_code, NATIONAL])]
    by_indicator = dict(iter(shown_areas.groupby("indicator", sort=False)))  # one pass, not one mask per indicator
    for indicator in indicators:
        rows = by_indicator.get(indicator)
        if rows is None or rows.empty:
            continue
        periods = sorted({p for p in rows["period"] if parse_period(p).start <= spec.as_of}, key=parse_period)
        unit = str(rows["unit"].iloc[0])
        at = _values_by_period_and_area(rows)
        values = [(p, at.get((p, plan.municipality_code)), at.get((p, NATIONAL))) for p in periods]
        shown = [v for _, home, national in values for v in (home, national) if v is not None]
        d = precision(shown[0], shown[1:], unit) if shown else 0
        points = [
            {
                "period": p,
                "period_text": parse_period(p).label_da(),
                "home": home,
                "national": national,
                "home_text": by_unit(home, unit, d),
                "national_text": by_unit(national, unit, d),
            }
            for p, home, national in values
        ]
        titles = [t for t in rows["title"] if isinstance(t, str) and t.strip()]
        label = plan.label_of(indicator)
        file = str(rows["source"].iloc[0])
        source = (sources or {}).get(file, {})
        out.append(
            {
                "indicator": indicator,
                "title": titles[0] if titles else (label[:1].upper() + label[1:] if label else indicator),
                "label": label or (titles[0] if titles else indicator),
                "unit": unit,
                "decimals": d,
                "points": points,
                "home_name": registry().by_code[plan.municipality_code].name,
                "source": source.get("note") or source.get("title") or PurePath(file).name,
            }
        )
    return out


def _values_by_period_and_area(rows: pd.DataFrame) -> dict[tuple[str, int], float | None]:
    """Each (period, area)'s value, the first row's where rows repeat one (None where it is missing)."""
    import pandas as pd  # loaded already: ``rows`` is a frame

    values: dict[tuple[str, int], float | None] = {}
    for period, area, value in zip(rows["period"], rows["area"], rows["value"], strict=True):
        values.setdefault((period, int(area)), None if pd.isna(value) else float(value))
    return values


def goal_indicators(plan: Plan, goal: str) -> list[str]:
    """The indicators the criteria of a goal's initiatives follow (for the barometer trends per goal); a gap's
    reference comes before the indicator measured against it."""
    keys: list[str] = []
    for initiative in plan.initiatives:
        if initiative.goal != goal:
            continue
        for criterion in initiative.criteria:
            for key in reversed(indicators_of(criterion)):
                if key not in keys:
                    keys.append(key)
    return keys
