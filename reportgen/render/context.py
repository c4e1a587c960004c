"""The plain template context shared by the Word and Excel renderers (documented in templates/README.md).

Every text that reaches a document is taken from here, and every text here has passed the privacy guard
(CPR masking). Numbers stay numbers (floats) so Excel gets real values; Danish text forms sit beside them. What is
missing stays missing: no budget is ``None`` (an empty cell), never 0 kr., and a sentence about something absent is
left out rather than filled with a placeholder.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from reportgen import __version__
from reportgen.domain.areas import NATIONAL, registry
from reportgen.domain.danish_text import MISSING, SHARE_DECIMALS, by_unit, dato, kr, pct, precision, sentence
from reportgen.domain.numbers import to_decimal
from reportgen.domain.packs import PackSpec
from reportgen.domain.periods import parse_period
from reportgen.domain.status import STATUS_LEGEND, STATUS_ORDER, Status
from reportgen.evaluate.economy import ECONOMY_SOURCE
from reportgen.evaluate.results import CriterionResult, InitiativeResult
from reportgen.plan import Initiative, Plan
from reportgen.plan.model import indicators_of
from reportgen.privacy import PrivacyGuard
from reportgen.render.charts import ChartMaker
from reportgen.render.formatting import STATUS_COLOURS

if TYPE_CHECKING:
    import pandas as pd

KIND_LABELS = {
    "count": "antal",
    "ratio": "andel",
    "benchmark": "sammenligning",
    "trend": "udvikling",
    "gap": "forskel",
    "budget": "budget",
    "economy_count": "bevillinger",
    "qualitative": "vurdering",
}
"""The criterion kinds as council text names them."""

SOURCE_KINDS = {"økonomi": "Økonomiudtræk", "barometer": "Indikatorer", "målinger": "Målingsark"}


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
    previous: dict[str, Any] | None = None,
    charts: ChartMaker | None = None,
) -> dict[str, Any]:
    """The context for one pack. Committee packs hold the committee's initiatives and the indicators their criteria
    follow; annual packs hold all. ``previous`` is the committee's previous pack (from its manifest): its label and
    each criterion's status and figure, for "Ændret siden sidste status". ``charts`` draws the charts (none without)."""
    t = guard.text
    selected = [r for r in results if spec.kind == "annual" or spec.committee in r.initiative.committees]
    initiatives = [_initiative(plan, r, t) for r in selected]
    counts = {s: sum(1 for i in initiatives for c in i["criteria"] if c["status"] == s) for s in STATUS_ORDER}
    notes = {s["display"]: s for s in sources if "display" in s}
    barometer = barometer_series(plan, observations, spec, notes)
    followed = {k for r in selected for c in r.initiative.criteria for k in indicators_of(c)}
    if spec.kind == "committee":  # a committee sees the indicators its own criteria follow, nothing else
        barometer = [b for b in barometer if b["indicator"] in followed]
    by_indicator = {b["indicator"]: b for b in barometer}
    goals: list[dict[str, Any]] = [
        {
            "key": key,
            "title": t(title, "handleplan: mål"),
            "initiatives": [i for i in initiatives if i["goal_key"] == key],
            "barometer": [by_indicator[k] for k in goal_indicators(plan, key) if k in by_indicator],
        }
        for key, title in plan.goals.items()
    ]
    goals = [g for g in goals if g["initiatives"]]
    shown_under_goals = {b["indicator"] for g in goals for b in g["barometer"]}
    committee_name = plan.committees.get(spec.committee or "", "")
    money = ("id", "title", "budget", "spent", "budget_text", "spent_text", "spent_share_text")
    budgets = [{k: i[k] for k in money} for i in initiatives if i["budget"] is not None or i["spent"] is not None]
    attention = [
        {**c, "initiative_id": i["id"], "initiative_title": i["title"]}
        for i in initiatives
        for c in i["criteria"]
        if c["status"] in (Status.BEHIND, Status.NOT_MET)
    ]
    raw: dict[str, Any] = {
        "kommune": registry().by_code[plan.municipality_code].official_name,
        "plan": {
            "title": t(plan.title, "handleplan"),
            "start": plan.period.start,
            "end": plan.period.end,
            "period_text": f"{dato(plan.period.start)} – {dato(plan.period.end)}",
            "pool": _f(plan.pool),
            "pool_text": kr(plan.pool) if plan.pool is not None else "",
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
            "header_text": f"Årlig status {spec.year}"
            if spec.kind == "annual"
            else f"{t(committee_name, 'handleplan')}, mødet den {dato(spec.meeting)}",
        },
        "generated": generated,
        "generated_text": dato(generated.date()),
        "version": __version__,
        "initiatives": initiatives,
        "criteria_count": sum(len(i["criteria"]) for i in initiatives),
        "goals": goals,
        "attention": attention,
        "changes": _changes(initiatives, previous),
        "budgets": budgets,
        "budget_chart": None,
        "other_indicators": [b for b in barometer if b["indicator"] not in shown_under_goals],
        "status_counts": [
            {"status": str(s), "label": s.label, "colour": STATUS_COLOURS[s], "count": counts[s]} for s in STATUS_ORDER
        ],
        "status_legend": [
            {"status": str(s), "label": s.label, "colour": STATUS_COLOURS[s], "text": text} for s, text in STATUS_LEGEND
        ],
        "overall_status": str(Status.worst(i["status"] for i in initiatives)),
        "economy": economy_rows(plan, selected, observations, spec),
        "barometer": barometer,
        "sources": [_source(s, t) for s in sources],
        "privacy_min_count": min_count,
        "privacy_note": (
            f"Af hensyn til borgernes fortrolighed vises antal under {min_count} personer som "
            f"»færre end {min_count}«, og andele, der bygger på færre end {min_count} personer eller ville afsløre et "
            "så lille antal, vises ikke (Danmarks Statistiks diskretioneringsregel)."
            if min_count
            else ""
        ),
    }
    raw["contents"] = contents(raw)
    # The gate at the edge: every string of the context, whatever its source (plan, file names, indicator titles
    # and keys, committee codes), is masked here; charts are drawn from the masked context.
    context: dict[str, Any] = guard.scrub(raw, spec.folder)
    for series in context["barometer"]:
        series["chart"] = charts.indicator(series) if charts else None
    if charts and context["budgets"]:
        context["budget_chart"] = charts.budget(context["budgets"])
    return context


def _changes(initiatives: list[dict[str, Any]], previous: dict[str, Any] | None) -> dict[str, Any]:
    """Every criterion whose status or figure differs from the committee's previous pack: old and new side by side."""
    if previous is None:
        return {"previous": "", "rows": []}
    before = previous["criteria"]
    rows = []
    for i in initiatives:
        for c in i["criteria"]:
            old = before.get(c["id"])
            if old is None or (old["status"] == c["status"] and old["actual_text"] == c["actual_text"]):
                continue
            rows.append(
                {
                    "id": c["id"],
                    "text": c["text"],
                    "initiative_id": i["id"],
                    "before_status_label": Status(old["status"]).label,
                    "before_colour": STATUS_COLOURS[Status(old["status"])],
                    "before_actual_text": old["actual_text"],
                    "status_label": c["status_label"],
                    "colour": c["colour"],
                    "actual_text": c["actual_text"],
                }
            )
    return {"previous": previous["label"], "rows": rows}


def contents(context: dict[str, Any]) -> list[dict[str, Any]]:
    """The headings of the default Word templates, for the table of contents' text before Word refreshes it."""
    entries = [{"level": 1, "text": "Sammenfatning"}]
    entries += [{"level": 2, "text": t} for t in ("Kræver opmærksomhed", "Ændret siden sidste status")]
    entries += [{"level": 2, "text": "Sådan læses status"}]
    if context["budgets"]:
        entries.append({"level": 1, "text": "Økonomi"})
    for goal in context["goals"]:
        entries.append({"level": 1, "text": f"Målsætning: {goal['title']}"})
        entries += [{"level": 2, "text": f"Indsats {i['id']}: {i['title']}"} for i in goal["initiatives"]]
    if context["pack"]["kind"] == "committee" and context["barometer"]:
        entries.append({"level": 1, "text": "Indikatorer"})
    if context["pack"]["kind"] == "annual" and context["other_indicators"]:
        entries.append({"level": 1, "text": "Øvrige indikatorer"})
    entries.append({"level": 1, "text": "Datagrundlag"})
    return entries


def _criterion(c: CriterionResult, initiative: Initiative, t: Any) -> dict[str, Any]:
    where = f"handleplan: indsats {initiative.id}"
    period = parse_period(c.period) if c.period else None
    return {
        "id": t(c.criterion_id, where),
        "text": t(c.text, where),
        "kind": c.kind,
        "kind_label": KIND_LABELS[c.kind],
        "target_text": t(c.target_text, where),
        # Percentage points are given to Excel as points (34), shares as shares (0.34).
        "target": _f(c.target * 100 if c.unit == "pp" and c.target is not None else c.target),
        "actual": _f(c.shown_actual * 100 if c.unit == "pp" and c.shown_actual is not None else c.shown_actual),
        # A table cell without a figure shows a dash; a sentence never does.
        "actual_text": c.actual_text if c.actual is not None or c.unit == "status" else MISSING,
        "suppressed": c.suppressed or "",
        "decimals": c.decimals,
        "unit": c.unit,
        "status": str(c.status),
        "status_label": c.status.label,
        "colour": STATUS_COLOURS[c.status],
        "explanation": t(c.explanation, where),
        "note": t(c.note, f"målingsark: indsats {initiative.id}, kriterie {c.criterion_id}") if c.note else "",
        "period": c.period or "",
        "period_text": period.label_da() if period else "",
        "deadline": c.deadline,
        "deadline_text": dato(c.deadline),
    }


def _initiative(plan: Plan, r: InitiativeResult, t: Any) -> dict[str, Any]:
    i = r.initiative
    where = f"handleplan: indsats {i.id}"
    budget = i.budget_total if i.budget else None
    share = r.spent / budget if r.spent is not None and budget else None
    return {
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
        "budget": _f(budget),
        "budget_text": kr(budget) if budget is not None else "",
        "budget_by_year": {str(y): float(a) for y, a in sorted(i.budget.items())},
        "spent": _f(r.spent),
        "spent_text": kr(r.spent) if r.spent is not None else "",
        "spent_share": _f(share),
        "spent_share_text": pct(share, SHARE_DECIMALS) if share is not None else "",
        "economy_text": _economy_sentence(budget, r.spent),
        "criteria": [_criterion(c, i, t) for c in r.criteria],
        "criteria_met": sum(1 for c in r.criteria if c.status == Status.MET),
    }


def _economy_sentence(budget: Decimal | None, spent: Decimal | None) -> str:
    """``Budget: 250.000 kr., heraf forbrugt 242.500 kr. (97,0 pct. af budgettet).``; only what is known."""
    if budget is not None and spent is not None:
        return f"Budget: {kr(budget)}, heraf forbrugt {kr(spent)} ({pct(spent / budget, SHARE_DECIMALS)} af budgettet)."
    if budget is not None:
        return sentence(f"Budget: {kr(budget)}")
    if spent is not None:
        return sentence(f"Forbrugt: {kr(spent)}")
    return ""


def _source(source: dict[str, Any], t: Any) -> dict[str, Any]:
    """An input file as a reader understands it: its kind, its title and its own note; path and SHA-256 beside."""
    name = PurePath(source["path"]).name
    parts = [p for p in (source.get("title"), source.get("note")) if p]
    return {
        **source,
        "path": t(source["path"], "datagrundlag"),
        "name": t(name, "datagrundlag"),
        "kind_label": SOURCE_KINDS.get(source["kind"], source["kind"]),
        "description": t(" – ".join(parts) if parts else name, f"datagrundlag: {name}"),
    }


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
            per_year.append({"year": y, "budget": _f(budget), "spent": _f(spent), "share": _f(share)})
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
    for indicator in indicators:
        rows = o[(o["indicator"] == indicator) & (o["area"].isin([plan.municipality_code, NATIONAL]))]
        if rows.empty:
            continue
        periods = sorted({p for p in rows["period"] if parse_period(p).start <= spec.as_of}, key=parse_period)
        unit = str(rows["unit"].iloc[0])
        values = [(p, _value_at(rows, p, plan.municipality_code), _value_at(rows, p, NATIONAL)) for p in periods]
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
