"""The parts of the template context that sum a pack up for its first pages: what needs attention, what changed since
the previous pack, the committees, the economy's total and the pool, the sources the pack used and its contents.
(Documented in templates/README.md; ``reportgen.render.context`` puts them together.)"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from reportgen.domain.danish_text import MISSING, SHARE_DECIMALS, antal, join_da, kr, pct
from reportgen.domain.status import STATUS_ORDER, Status
from reportgen.plan import Plan
from reportgen.plan.model import BudgetCriterion, EconomyCountCriterion
from reportgen.render.formatting import STATUS_COLOURS

if TYPE_CHECKING:
    import pandas as pd

    from reportgen.domain.packs import PackSpec
    from reportgen.evaluate.results import InitiativeResult


def _worst_first(status: str) -> int:
    return STATUS_ORDER.index(Status(status))


def attention(initiatives: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The criteria behind or not met, worst first, with their initiative ("Kræver opmærksomhed")."""
    rows = [
        {**c, "initiative_id": i["id"], "initiative_title": i["title"]}
        for i in initiatives
        for c in i["criteria"]
        if c["status"] in (Status.BEHIND, Status.NOT_MET)
    ]
    return sorted(rows, key=lambda c: _worst_first(c["status"]))


def changes(initiatives: list[dict[str, Any]], previous: dict[str, Any] | None) -> dict[str, Any]:
    """The criteria whose status differs from the committee's previous pack, worst (new status) first, old and new
    side by side; and how many figures changed without changing a status (``figures_text``, empty when none)."""
    if previous is None:
        return {"previous": "", "rows": [], "groups": [], "figures_only": 0, "figures_text": ""}
    before = previous["criteria"]
    rows = []
    figures_only = 0
    for i in initiatives:
        for c in i["criteria"]:
            old = before.get(c["id"])
            if old is None or old["status"] == c["status"]:
                figures_only += old is not None and old["actual_text"] != c["actual_text"]
                continue
            rows.append(
                {
                    "id": c["id"],
                    "text": c["text"],
                    "initiative_id": i["id"],
                    "status": c["status"],
                    "before_status": old["status"],
                    "before_status_label": Status(old["status"]).label,
                    "before_colour": STATUS_COLOURS[Status(old["status"])],
                    "before_actual_text": old["actual_text"] or MISSING,
                    "status_label": c["status_label"],
                    "colour": c["colour"],
                    "actual_text": c["actual_text"] or MISSING,
                }
            )
    rows.sort(key=lambda c: _worst_first(c["status"]))
    figures_text = ""
    if figures_only:
        changed = "er 1 tal ændret" if figures_only == 1 else f"er {figures_only} tal ændret"
        figures_text = f"Desuden {changed} uden at ændre status; alle tal står i bilaget."
    return {
        "previous": previous["label"],
        "rows": rows,
        "groups": _change_groups(rows),
        "figures_only": figures_only,
        "figures_text": figures_text,
    }


def _change_groups(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The status changes by the way they went (``På vej`` → ``Opfyldt``), worst new status first: the numbers of
    the criteria that went that way, for a pack where many changed (an annual follow-up after a year)."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for c in rows:
        key = (c["before_status"], c["status"])
        group = groups.setdefault(
            key,
            {k: c[k] for k in ("before_status_label", "before_colour", "status_label", "colour")} | {"ids": []},
        )
        group["ids"].append(c["id"])
    ordered = sorted(groups.items(), key=lambda kv: (_worst_first(kv[0][1]), _worst_first(kv[0][0])))
    return [{**g, "count": len(g["ids"]), "ids_text": ", ".join(g["ids"])} for _, g in ordered]


def committees(plan: Plan, selected: list[InitiativeResult], t: Any) -> list[dict[str, str]]:
    """The committees of the pack's initiatives, in the plan's order: ``code`` and ``name``."""
    used = {code for r in selected for code in r.initiative.committees}
    return [{"code": code, "name": t(name, "handleplan")} for code, name in plan.committees.items() if code in used]


def budgets_total(budgets: list[dict[str, Any]]) -> dict[str, Any]:
    """The economy table's total row (``–`` where no initiative has a figure)."""
    budget = [Decimal(str(b["budget"])) for b in budgets if b["budget"] is not None]
    spent = [Decimal(str(b["spent"])) for b in budgets if b["spent"] is not None]
    total_budget, total_spent = sum(budget, Decimal(0)), sum(spent, Decimal(0))
    share = total_spent / total_budget if budget and spent and total_budget else None
    return {
        "budget_text": kr(total_budget) if budget else MISSING,
        "spent_text": kr(total_spent) if spent else MISSING,
        "spent_share_text": pct(share, SHARE_DECIMALS) if share is not None else MISSING,
    }


def pool_note(plan: Plan, spec: PackSpec) -> str:
    """The pool beside the budgets (annual packs): one sentence when the plan's budgets add up to another amount,
    with the budgets per year so the reader sees which year the pool covers."""
    if spec.kind != "annual" or plan.pool is None:
        return ""
    by_year: dict[int, Decimal] = {}
    for i in plan.initiatives:
        for year, amount in i.budget.items():
            by_year[year] = by_year.get(year, Decimal(0)) + amount
    total = sum(by_year.values(), Decimal(0))
    if not by_year:
        return f"Handleplanens pulje er {kr(plan.pool)}."
    if total == plan.pool:
        return f"Handleplanens pulje er {kr(plan.pool)}, og indsatsernes budgetter er i alt det samme beløb."
    years = join_da([f"{kr(amount)} i {year}" for year, amount in sorted(by_year.items())])
    across = f" ({years})" if len(by_year) > 1 else ""
    return (
        f"Handleplanens pulje er {kr(plan.pool)}; indsatsernes budgetter er i alt {kr(total)} over planens "
        f"{antal(len(by_year), 'år', 'år')}{across}."
    )


def uses_economy(selected: list[InitiativeResult]) -> bool:
    """Whether a criterion or a budget of the pack's initiatives is followed in the economy exports."""
    return any(
        r.initiative.economy is not None
        or any(isinstance(c, BudgetCriterion | EconomyCountCriterion) for c in r.initiative.criteria)
        for r in selected
    )


def used_sources(
    selected: list[InitiativeResult],
    observations: pd.DataFrame,
    barometer: list[dict[str, Any]],
    sources: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The input files the pack used, nothing else: the measurement sheets with figures for its initiatives, the
    indicator files of the indicators it shows and the economy exports when its initiatives are followed there."""
    ids = {r.initiative.id for r in selected}
    shown = {b["indicator"] for b in barometer}
    rows = observations
    used = set(rows.loc[rows["initiative"].isin(ids) | rows["indicator"].isin(shown), "source"])
    economy = uses_economy(selected)
    return [s for s in sources if (s["kind"] == "økonomi" and economy) or s.get("display") in used]


def contents(context: dict[str, Any]) -> list[dict[str, Any]]:
    """The chapters of the default Word templates, for their contents list (a plain list, right as it is)."""
    entries = [{"level": 1, "text": "Sammenfatning"}]
    if context["budgets"]:
        entries.append({"level": 1, "text": "Økonomi"})
    for goal in context["goals"]:
        ids = [i["id"] for i in goal["initiatives"]]
        which = f"indsats {ids[0]}" if len(ids) == 1 else f"indsats {join_da(ids)}"
        entries.append({"level": 1, "text": f"Målsætning: {goal['title']} ({which})"})
    if context["pack"]["kind"] == "committee" and context["barometer"]:
        entries.append({"level": 1, "text": "Indikatorer"})
    if context["pack"]["kind"] == "annual" and context["other_indicators"]:
        entries.append({"level": 1, "text": "Øvrige indikatorer"})
    entries.append({"level": 1, "text": "Datagrundlag"})
    return entries
