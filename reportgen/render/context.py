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
from reportgen.domain.areas import registry
from reportgen.domain.danish_text import MISSING, SHARE_DECIMALS, antal, dato, kr, pct, sentence
from reportgen.domain.packs import PackSpec
from reportgen.domain.periods import parse_period
from reportgen.domain.status import STATUS_LEGEND, STATUS_ORDER, Status, distribution, distribution_text
from reportgen.evaluate.results import CriterionResult, InitiativeResult
from reportgen.plan import Initiative, Plan
from reportgen.plan.model import indicators_of
from reportgen.privacy import PrivacyGuard
from reportgen.render.assessment import assessments
from reportgen.render.charts import ChartMaker
from reportgen.render.context_summary import (
    attention,
    budgets_total,
    changes,
    committees,
    contents,
    pool_note,
    used_sources,
)
from reportgen.render.formatting import STATUS_COLOURS
from reportgen.render.series import as_float, barometer_series, economy_rows, goal_indicators

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
    sample: bool = False,
) -> dict[str, Any]:
    """The context for one pack. Committee packs hold the committee's initiatives and the indicators their criteria
    follow; annual packs hold all. ``previous`` is the committee's previous pack (from its manifest): its label and
    each criterion's status and figure, for "Ændret siden sidste status". ``charts`` draws the charts (none without).
    ``sample``: the pack is built from sample data, and its title and running header say EKSEMPELDATA."""
    t = guard.text
    selected = [r for r in results if spec.kind == "annual" or spec.committee in r.initiative.committees]
    initiatives = [_initiative(plan, r, t, observations, spec.as_of) for r in selected]
    barometer = _pack_barometer(plan, selected, observations, spec, sources)
    goals = _goals(plan, initiatives, barometer, t)
    shown_under_goals = {b["indicator"] for g in goals for b in g["barometer"]}
    criteria_count = sum(len(i["criteria"]) for i in initiatives)
    budgets = _budgets(initiatives)
    raw: dict[str, Any] = {
        "kommune": registry().by_code[plan.municipality_code].official_name,
        "plan": _plan_header(plan, t),
        "pack": _pack_header(plan, spec, t, sample),
        "sample": sample,
        "generated": generated,
        "generated_text": dato(generated.date()),
        "version": __version__,
        "initiatives": initiatives,
        "initiatives_text": antal(len(initiatives), "indsats", "indsatser"),
        "criteria_count": criteria_count,
        "criteria_text": antal(criteria_count, "succeskriterium", "succeskriterier"),
        "committees": committees(plan, selected, t),
        "goals": goals,
        "attention": attention(initiatives),
        "changes": changes(initiatives, previous),
        "budgets": budgets,
        "budgets_total": budgets_total(budgets),
        "pool_note": pool_note(plan, spec),
        "budget_chart": None,
        "other_indicators": [b for b in barometer if b["indicator"] not in shown_under_goals],
        **_status_summary(initiatives),
        "economy": economy_rows(plan, selected, observations, spec),
        "barometer": barometer,
        "sources": [_source(s, t) for s in used_sources(selected, observations, barometer, sources)],
        "privacy_min_count": min_count,
        "privacy_note": _privacy_note(min_count),
    }
    raw["contents"] = contents(raw)
    # The gate at the edge: every string of the context, whatever its source (plan, file names, indicator titles
    # and keys, committee codes), is masked here; charts are drawn from the masked context.
    context: dict[str, Any] = guard.scrub(raw, spec.folder)
    _draw_charts(context, charts)
    return context


def _draw_charts(context: dict[str, Any], charts: ChartMaker | None) -> None:
    """Each indicator's chart and the budget chart, drawn from the masked context (none without ``charts``)."""
    for series in context["barometer"]:
        series["chart"] = charts.indicator(series) if charts else None
    if charts and context["budgets"]:
        context["budget_chart"] = charts.budget(context["budgets"])


def _plan_header(plan: Plan, t: Any) -> dict[str, Any]:
    return {
        "title": t(plan.title, "handleplan"),
        "start": plan.period.start,
        "end": plan.period.end,
        "period_text": f"{dato(plan.period.start)} – {dato(plan.period.end)}",
        "pool": as_float(plan.pool),
        "pool_text": kr(plan.pool) if plan.pool is not None else "",
    }


def _pack_header(plan: Plan, spec: PackSpec, t: Any, sample: bool) -> dict[str, Any]:
    committee_name = t(plan.committees.get(spec.committee or "", ""), "handleplan")
    annual = spec.kind == "annual"
    title = f"Årlig status {spec.year}" if annual else f"Status til {committee_name}"
    header = f"Årlig status {spec.year}" if annual else f"{committee_name}, mødet den {dato(spec.meeting)}"
    if sample:  # on the cover and every page (the running header); such a pack is never sent
        title, header = f"EKSEMPELDATA – {title}", f"EKSEMPELDATA · {header}"
    return {
        "kind": spec.kind,
        "title": title,
        "committee": spec.committee or "",
        "committee_name": committee_name,
        "meeting": spec.meeting,
        "meeting_text": dato(spec.meeting) if spec.meeting else "",
        "year": spec.year,
        "as_of": spec.as_of,
        "as_of_text": dato(spec.as_of),
        "header_text": header,
    }


def _pack_barometer(
    plan: Plan,
    selected: list[InitiativeResult],
    observations: pd.DataFrame,
    spec: PackSpec,
    sources: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The indicator series of the pack: all in an annual pack; a committee sees the indicators its own criteria
    follow, nothing else."""
    notes = {s["display"]: s for s in sources if "display" in s}
    barometer = barometer_series(plan, observations, spec, notes)
    if spec.kind != "committee":
        return barometer
    followed = {k for r in selected for c in r.initiative.criteria for k in indicators_of(c)}
    return [b for b in barometer if b["indicator"] in followed]


def _goals(
    plan: Plan, initiatives: list[dict[str, Any]], barometer: list[dict[str, Any]], t: Any
) -> list[dict[str, Any]]:
    """The plan's goals that have initiatives in the pack, each with its initiatives and the indicators they follow."""
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
    return [g for g in goals if g["initiatives"]]


def _budgets(initiatives: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The money of each initiative with a budget or spending; a figure that is not there reads ``–``."""
    money = ("id", "title", "budget", "spent")
    texts = ("budget_text", "spent_text", "spent_share_text")
    return [
        {**{k: i[k] for k in money}, **{k: i[k] or MISSING for k in texts}}
        for i in initiatives
        if i["budget"] is not None or i["spent"] is not None
    ]


def _status_summary(initiatives: list[dict[str, Any]]) -> dict[str, Any]:
    """The criteria counted by status, the status legend and the pack's overall status."""
    counts = {s: sum(1 for i in initiatives for c in i["criteria"] if c["status"] == s) for s in STATUS_ORDER}
    return {
        "status_counts": [
            {"status": str(s), "label": s.label, "colour": STATUS_COLOURS[s], "count": counts[s]} for s in STATUS_ORDER
        ],
        "status_legend": [
            {"status": str(s), "label": s.label, "colour": STATUS_COLOURS[s], "text": text} for s, text in STATUS_LEGEND
        ],
        "overall_status": str(Status.worst(i["status"] for i in initiatives)),
    }


def _privacy_note(min_count: int) -> str:
    """The one sentence saying what small-number suppression hides and why (empty without it)."""
    if not min_count:
        return ""
    return (
        f"Af hensyn til borgernes fortrolighed vises antal under {min_count} personer som "
        f"»færre end {min_count}«, og andele, der bygger på færre end {min_count} personer eller ville afsløre et "
        "så lille antal, vises ikke (Danmarks Statistiks diskretioneringsregel)."
    )


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
        "target": as_float(c.target * 100 if c.unit == "pp" and c.target is not None else c.target),
        "actual": as_float(c.shown_actual * 100 if c.unit == "pp" and c.shown_actual is not None else c.shown_actual),
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


def _initiative(plan: Plan, r: InitiativeResult, t: Any, observations: pd.DataFrame, as_of: dt.date) -> dict[str, Any]:
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
        # The worst criterion's status (for sorting and older templates); reports show the distribution.
        "status": str(r.status),
        "status_label": r.status.label,
        "colour": STATUS_COLOURS[r.status],
        "distribution": [
            {"status": str(s), "label": s.label, "colour": STATUS_COLOURS[s], "count": n}
            for s, n in distribution(c.status for c in r.criteria)
        ],
        "distribution_text": distribution_text(c.status for c in r.criteria),
        "budget": as_float(budget),
        "budget_text": kr(budget) if budget is not None else "",
        "budget_by_year": {str(y): float(a) for y, a in sorted(i.budget.items())},
        "spent": as_float(r.spent),
        "spent_text": kr(r.spent) if r.spent is not None else "",
        "spent_share": as_float(share),
        "spent_share_text": pct(share, SHARE_DECIMALS) if share is not None else "",
        "economy_text": _economy_sentence(budget, r.spent),
        "criteria": [_criterion(c, i, t) for c in r.criteria],
        "criteria_met": sum(1 for c in r.criteria if c.status == Status.MET),
        **assessments(i, observations, as_of, t),  # the secretariat's and the contact person's written assessment
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
