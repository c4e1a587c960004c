"""The rules for criteria on the economy exports: spending against the budget, and grants counted on accounts."""

from __future__ import annotations

from decimal import Decimal

from reportgen.domain.danish_text import SHARE_DECIMALS, dato, kr, pct, tal
from reportgen.domain.periods import Period
from reportgen.evaluate.readings import Readings
from reportgen.evaluate.results import CriterionResult, Figure
from reportgen.evaluate.verdict import OP_WORDS, Verdict, target_text
from reportgen.plan import BudgetCriterion, EconomyCountCriterion, Target


class EconomyRules(Readings):
    """``budget`` and ``economy_count`` criteria."""

    def decide_budget(self, c: BudgetCriterion, v: Verdict) -> CriterionResult:
        budget = v.initiative.budget_total
        op = OP_WORDS[c.target.op]
        # The limit in kr.: a share of the budget (the default is 100 pct.) or an amount.
        limit = budget * c.target.value if c.target.percent else c.target.value
        v.unit, v.target, v.decimals = "kr", limit, 0
        if c.target.percent:
            v.target_text = f"{op} {pct(c.target.value)} af budgettet ({kr(limit)})"
        else:
            v.target_text = f"{op} {kr(c.target.value)}"
        spent = self.spent(v.initiative, v.deadline)
        if spent is None:
            return v.no_data("Ingen økonomiudtræk indlæst.")
        share = spent / budget if budget else None
        measured = share if c.target.percent else spent
        if measured is None:
            return v.no_data("Indsatsen har intet budget.")
        holds = c.target.holds(measured)
        if c.target.op in ("<=", "<"):  # money spent does not come back: past the limit it is not met at once
            over = spent - limit
            over_share = f" ({pct(over / limit, SHARE_DECIMALS)})" if limit else ""
            said = f"budgettet er overskredet med {kr(over)}{over_share}" if over > 0 else "budgettet er brugt"
            status = v.within_limit(holds, said, holds_text="holder foreløbig budgettet")
        else:
            status = v.interim(holds, holds_text="holder foreløbig budgettet")
        share_text = f" ({pct(share, SHARE_DECIMALS)})" if share is not None else ""
        explanation = f"Forbrugt {kr(spent)} af {kr(budget)}{share_text} pr. {dato(v.cutoff)}"
        figures = [
            Figure("forbrug", spent, "kr", None, "økonomi", self.home),
            Figure("budget", budget, "kr", None, "handleplan", self.home),
        ]
        return v.result(spent, status, explanation, figures=figures)

    def _grants(self, c: EconomyCountCriterion, initiative: str, period: Period) -> tuple[Decimal, str | None]:
        """The grants an economy-count criterion counted in a period, and the source of the first."""
        rows = [
            r
            for r in self.series(f"economy_count:{c.id}", initiative=initiative)
            if r.value is not None and period.start <= r.period.start and r.period.end <= period.end
        ]
        return sum((r.value for r in rows if r.value is not None), Decimal(0)), (rows[0].source if rows else None)

    def decide_economy_count(self, c: EconomyCountCriterion, v: Verdict) -> CriterionResult:
        v.target_text = target_text(c.target, "antal") if c.target else "udvikling fra året før"
        if not self.has_economy:
            return v.no_data("Ingen økonomiudtræk indlæst.")
        if c.period.start > self.as_of:
            return v.not_measured(f"Perioden {c.period.label_da()} er ikke begyndt.")
        count, source = self._grants(c, v.initiative.id, c.period)
        shown = None if self.small(count) else count
        figures = [Figure("antal bevillinger", shown, "antal", c.period.code, source or "økonomi", self.home)]
        counted = f"{self.persons(count)} bevillinger på konto {', '.join(c.accounts)} i {c.period.label_da()}"
        if c.target is not None:
            v.target = c.target.value
            # grants counted in a period only add up: past an upper limit they are not met at once
            if c.target.higher_is_better:
                status = v.cumulative(count, c.target)
            else:
                over = _over(count, c.target.value, "over målet", "grænsen er nået", exact=not self.small(count))
                status = v.within_limit(c.target.holds(count), over)
            explanation = f"{counted}; målet er {v.target_text}"
        else:
            previous = Period(c.period.freq, c.period.year - 1, c.period.index)
            before, _ = self._grants(c, v.initiative.id, previous)
            before_shown = None if self.small(before) else before
            figures.append(
                Figure("antal bevillinger året før", before_shown, "antal", previous.code, "økonomi", self.home)
            )
            if c.better == "higher":  # more grants than the year before: they only add up
                status = v.cumulative(count, Target(">", before))
                v.remark = ""  # a pro-rata share of last year's count is no target anyone set
            else:  # fewer than the year before: once as many, the period's count cannot come back below
                year = previous.label_da()
                exact = not (self.small(count) or self.small(before))
                over = _over(count, before, f"flere end i {year}", f"lige så mange som i {year}", exact=exact)
                status = v.within_limit(count < before, over)
            explanation = f"{counted} mod {self.persons(before)} i {previous.label_da()}"
        result = v.result(count, status, explanation, period=c.period.code, figures=figures)
        result.suppressed = None if shown is not None else self.persons(count)
        return result


def _over(count: Decimal, limit: Decimal, over: str, at_limit: str, *, exact: bool) -> str:
    """By how much a count is past its upper limit (``2 over målet``), or that it has reached it. Where a person
    count is not shown (``exact`` False), neither is the difference that would give it away (``over målet``)."""
    if count <= limit:
        return at_limit
    return f"{tal(count - limit)} {over}" if exact else over
