"""The plain template context shared by the Word and Excel renderers (documented in templates/README.md).

Every text that reaches a document is taken from here, and every text here has passed the privacy guard
(CPR masking). Numbers stay numbers (floats) so Excel gets real values; Danish text forms sit beside them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from reportgen import __version__
from reportgen.domain.areas import NATIONAL, registry
from reportgen.domain.danish_text import by_unit, dato, kr, pct
from reportgen.domain.packs import PackSpec
from reportgen.domain.periods import parse_period
from reportgen.domain.status import STATUS_ORDER, Status
from reportgen.evaluate.economy import ECONOMY_SOURCE
from reportgen.evaluate.results import InitiativeResult
from reportgen.plan import Plan
from reportgen.plan.model import indicators_of
from reportgen.privacy import PrivacyGuard
from reportgen.render.formatting import STATUS_COLOURS

if TYPE_CHECKING:
    import pandas as pd


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def build_context(
    plan: Plan,
    results: list[InitiativeResult],
    observations: pd.DataFrame,
    spec: PackSpec,
    sources: list[dict[str, Any]],
    guard: PrivacyGuard,
    *,
    generated: dt.datetime,
    min_count: int = 0,
) -> dict[str, Any]:
    """The context for one pack. Committee packs hold the committee's initiatives; annual packs hold all."""
    t = guard.text
    selected = [r for r in results if spec.kind == "annual" or spec.committee in r.initiative.committees]
    initiatives: list[dict[str, Any]] = []
    for r in selected:
        i = r.initiative
        where = f"handleplan: indsats {i.id}"
        criteria = []
        for c in r.criteria:
            actual_text = by_unit(c.actual, c.unit) if c.unit != "status" else c.status.label
            if c.status == Status.NO_DATA and c.actual is None:
                actual_text = "–"
            criteria.append(
                {
                    "id": t(c.criterion_id, where),
                    "text": t(c.text, where),
                    "kind": c.kind,
                    "target_text": t(c.target_text, where),
                    # Percentage points are given to Excel as points (34), shares as shares (0.34).
                    "target": _f(c.target * 100 if c.unit == "pp" and c.target is not None else c.target),
                    "actual": _f(c.actual * 100 if c.unit == "pp" and c.actual is not None else c.actual),
                    "actual_text": actual_text,
                    "unit": c.unit,
                    "status": str(c.status),
                    "status_label": c.status.label,
                    "colour": STATUS_COLOURS[c.status],
                    "explanation": t(c.explanation, where),
                    "note": t(c.note, f"målingsark: indsats {i.id}, kriterie {c.criterion_id}") if c.note else "",
                    "period": c.period or "",
                    "deadline": c.deadline,
                    "deadline_text": dato(c.deadline),
                }
            )
        spent_share = (r.spent / r.budget) if (r.spent is not None and r.budget) else None
        initiatives.append(
            {
                "id": t(i.id, where),
                "title": t(i.title, where),
                "goal": t(plan.goals[i.goal], where),
                "goal_key": i.goal,
                "committees": [t(plan.committees[code], where) for code in i.committees],
                "committee_codes": list(i.committees),
                "committees_text": t(", ".join(plan.committees[code] for code in i.committees), where),
                "contact": t(i.contact, where),
                "status": str(r.status),
                "status_label": r.status.label,
                "colour": STATUS_COLOURS[r.status],
                "budget": _f(r.budget),
                "budget_text": kr(r.budget) if r.budget else "–",
                "budget_by_year": {str(y): float(a) for y, a in sorted(i.budget.items())},
                "spent": _f(r.spent),
                "spent_text": kr(r.spent) if r.spent is not None else "–",
                "spent_share": _f(spent_share),
                "spent_share_text": pct(spent_share) if spent_share is not None else "–",
                "criteria": criteria,
                "criteria_met": sum(1 for c in r.criteria if c.status == Status.MET),
            }
        )
    counts = {s: sum(1 for i in initiatives for c in i["criteria"] if c["status"] == s) for s in STATUS_ORDER}
    barometer = barometer_series(plan, observations, spec)
    by_indicator = {b["indicator"]: b for b in barometer}
    goals = [
        {
            "key": key,
            "title": t(title, "handleplan: mål"),
            "initiatives": [i for i in initiatives if i["goal_key"] == key],
            "barometer": [by_indicator[k] for k in goal_indicators(plan, key) if k in by_indicator],
        }
        for key, title in plan.goals.items()
    ]
    committee_name = plan.committees.get(spec.committee or "", "")
    return {
        "kommune": registry().by_code[plan.municipality_code].official_name,
        "plan": {
            "title": t(plan.title, "handleplan"),
            "start": plan.period.start,
            "end": plan.period.end,
            "period_text": f"{dato(plan.period.start)} – {dato(plan.period.end)}",
            "pool": _f(plan.pool),
            "pool_text": kr(plan.pool) if plan.pool is not None else "–",
        },
        "pack": {
            "kind": spec.kind,
            "title": ("Årlig status " + str(spec.year))
            if spec.kind == "annual"
            else f"Status til {t(committee_name, 'handleplan')}",
            "committee": spec.committee or "",
            "committee_name": t(committee_name, "handleplan"),
            "meeting": spec.meeting,
            "meeting_text": dato(spec.meeting) if spec.meeting else "",
            "year": spec.year,
            "as_of": spec.as_of,
            "as_of_text": dato(spec.as_of),
        },
        "generated": generated,
        "generated_text": dato(generated.date()),
        "version": __version__,
        "initiatives": initiatives,
        "goals": [g for g in goals if g["initiatives"]],
        "status_counts": [
            {"status": str(s), "label": s.label, "colour": STATUS_COLOURS[s], "count": counts[s]} for s in STATUS_ORDER
        ],
        "overall_status": str(Status.worst(i["status"] for i in initiatives)),
        "economy": economy_rows(plan, selected, observations, spec),
        "barometer": barometer,
        "sources": [{**s, "path": t(s["path"], "datagrundlag")} for s in sources],
        "privacy_min_count": min_count,
    }


def economy_rows(
    plan: Plan, selected: list[InitiativeResult], observations: pd.DataFrame, spec: PackSpec
) -> dict[str, Any]:
    """Per initiative: budget, spent and spent share per plan year, and spending by month. Aggregates only."""
    o = observations[(observations["indicator"] == "forbrug")]
    months: set[str] = set()
    years = list(range(plan.period.start.year, plan.period.end.year + 1))
    rows = []
    for r in selected:
        mine = o[o["initiative"] == r.initiative.id]
        by_month: dict[str, float] = {}
        for code, value in zip(mine["period"], mine["value"], strict=True):
            p = parse_period(code)
            if p.start > spec.as_of or not (plan.period.start <= p.start <= plan.period.end):
                continue
            by_month[str(code)] = by_month.get(str(code), 0.0) + float(value)
        months |= set(by_month)
        per_year = []
        for y in years:
            budget = float(r.initiative.budget.get(y, Decimal(0)))
            spent = sum(v for m, v in by_month.items() if m.startswith(str(y)))
            per_year.append(
                {"year": y, "budget": budget, "spent": spent, "share": (spent / budget) if budget else None}
            )
        rows.append(
            {
                "id": r.initiative.id,
                "title": r.initiative.title,
                "years": per_year,
                "months": by_month,
                "has_filter": r.initiative.economy is not None,
            }
        )
    return {"years": years, "months": sorted(months, key=lambda m: parse_period(m)), "rows": rows}


def barometer_series(plan: Plan, observations: pd.DataFrame, spec: PackSpec) -> list[dict[str, Any]]:
    """For each indicator the plan's criteria use: the municipality's and the national values over time."""
    out = []
    o = observations
    indicators = list(plan.indicators())
    loaded = o.loc[o["initiative"].isna() & (o["source"] != ECONOMY_SOURCE), "indicator"]
    indicators += [i for i in dict.fromkeys(loaded) if i not in indicators]
    for indicator in indicators:
        rows = o[(o["indicator"] == indicator) & (o["area"].isin([plan.municipality_code, NATIONAL]))]
        if rows.empty:
            continue
        periods = sorted({p for p in rows["period"] if parse_period(p).start <= spec.as_of}, key=parse_period)
        unit = rows["unit"].iloc[0]
        points = []
        for p in periods:
            home, national = _value_at(rows, p, plan.municipality_code), _value_at(rows, p, NATIONAL)
            points.append(
                {
                    "period": p,
                    "period_text": parse_period(p).label_da(),
                    "home": home,
                    "national": national,
                    "home_text": by_unit(home, unit),
                    "national_text": by_unit(national, unit),
                }
            )
        titles = [t for t in rows["title"] if isinstance(t, str) and t.strip()] if "title" in rows else []
        out.append(
            {
                "indicator": indicator,
                "title": titles[0] if titles else indicator,
                "unit": unit,
                "points": points,
                "home_name": registry().by_code[plan.municipality_code].name,
                "source": str(rows["source"].iloc[0]),
            }
        )
    return out


def _value_at(rows: pd.DataFrame, period: str, area: int) -> float | None:
    """The value of one area in one period (None if absent or missing)."""
    v = rows[(rows["period"] == period) & (rows["area"] == area)]["value"]
    return None if v.empty or v.iloc[0] != v.iloc[0] else float(v.iloc[0])


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
