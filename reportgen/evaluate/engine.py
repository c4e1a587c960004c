"""The criteria engine: every success criterion of the plan against its target, as of an explicit date.

Never reads files and never looks at the wall clock: it takes the plan, the observations table and ``as_of``.
Comparisons use exact decimals (a float observation is read through its shortest representation); nothing is rounded
before comparing. One rule per criterion kind, dispatched on the criterion's type: the rules live by the input they
read (``rules_measurements``, ``rules_economy``, ``rules_indicators``), the figures they look at in ``readings``,
and the status rule they all follow (final on the deadline day, ``as_of`` on or after it) in ``verdict``.
"""

from __future__ import annotations

import datetime as dt
from functools import singledispatchmethod
from typing import TYPE_CHECKING

from reportgen.domain.status import Status
from reportgen.evaluate.results import CriterionResult, InitiativeResult
from reportgen.evaluate.rules_economy import EconomyRules
from reportgen.evaluate.rules_indicators import IndicatorRules
from reportgen.evaluate.rules_measurements import MeasurementRules
from reportgen.evaluate.verdict import Verdict
from reportgen.plan import (
    BenchmarkCriterion,
    BudgetCriterion,
    CountCriterion,
    Criterion,
    EconomyCountCriterion,
    GapCriterion,
    Initiative,
    Plan,
    QualitativeCriterion,
    RatioCriterion,
    TrendCriterion,
)

if TYPE_CHECKING:
    import pandas as pd


class Evaluator(MeasurementRules, EconomyRules, IndicatorRules):
    """Evaluates the criteria of one plan against one observations table as of one date."""

    def evaluate(self) -> list[InitiativeResult]:
        out = []
        for initiative in self.plan.initiatives:
            self._secondary_suppression(initiative)
            results = [self.evaluate_criterion(initiative, c) for c in initiative.criteria]
            spent = self.spent(initiative, self.plan.period.end)
            status = Status.worst(r.status for r in results)
            out.append(InitiativeResult(initiative, results, status, initiative.budget_total, spent))
        return out

    def evaluate_criterion(self, initiative: Initiative, criterion: Criterion) -> CriterionResult:
        deadline = self.plan.deadline_of(criterion)
        verdict = Verdict(
            initiative,
            criterion,
            deadline,
            self.as_of,
            self.plan.period.start,
            first_measurement=self.plan.first_measurement_of(criterion),
        )
        result = self._decide(criterion, verdict)
        if criterion.note:  # the plan's note first, then the contact person's comment
            result.note = criterion.note + (f" {result.note}" if result.note else "")
        return result

    @singledispatchmethod
    def _decide(self, criterion: Criterion, _verdict: Verdict) -> CriterionResult:
        """Each kind's rule, registered below for its criterion type."""
        raise TypeError(f"no rule for criterion kind {criterion.kind!r}")

    _decide.register(CountCriterion, MeasurementRules.decide_count)
    _decide.register(RatioCriterion, MeasurementRules.decide_ratio)
    _decide.register(QualitativeCriterion, MeasurementRules.decide_qualitative)
    _decide.register(BudgetCriterion, EconomyRules.decide_budget)
    _decide.register(EconomyCountCriterion, EconomyRules.decide_economy_count)
    _decide.register(BenchmarkCriterion, IndicatorRules.decide_benchmark)
    _decide.register(TrendCriterion, IndicatorRules.decide_trend)
    _decide.register(GapCriterion, IndicatorRules.decide_gap)

    def _secondary_suppression(self, initiative: Initiative) -> None:
        """A count shown by one criterion and a total shown by another give away their difference: where a ratio's
        numerator and denominator differ by fewer than ``min_count`` persons, the numerator's count is hidden
        wherever a count criterion of the initiative would show it."""
        self._hidden = set()
        if not self.min_count:
            return
        for c in initiative.criteria:
            if isinstance(c, RatioCriterion):
                deadline = self.plan.deadline_of(c)
                num = self.latest_known(c.numerator, initiative.id, deadline)
                den = self.latest_known(c.denominator, initiative.id, deadline)
                if num is not None and den is not None and self.small(den.value - num.value):
                    self._hidden.add((initiative.id, c.numerator))


def evaluate(
    plan: Plan, observations: pd.DataFrame, as_of: dt.date, *, has_economy: bool = True, min_count: int = 0
) -> list[InitiativeResult]:
    """Evaluate every criterion of the plan as of ``as_of``."""
    return Evaluator(plan, observations, as_of, has_economy=has_economy, min_count=min_count).evaluate()
