"""The action plan: its model (``model``) and loading a plan file with line-precise messages (``loading``)."""

from __future__ import annotations

from reportgen.plan.loading import load_plan
from reportgen.plan.model import (
    CRITERION_KINDS,
    BenchmarkCriterion,
    BudgetCriterion,
    CountCriterion,
    Criterion,
    EconomyCountCriterion,
    EconomyFilter,
    GapCriterion,
    Initiative,
    Plan,
    PlanPeriod,
    QualitativeCriterion,
    RatioCriterion,
    Target,
    TrendCriterion,
    parse_target,
)

__all__ = [
    "CRITERION_KINDS",
    "BenchmarkCriterion",
    "BudgetCriterion",
    "CountCriterion",
    "Criterion",
    "EconomyCountCriterion",
    "EconomyFilter",
    "GapCriterion",
    "Initiative",
    "Plan",
    "PlanPeriod",
    "QualitativeCriterion",
    "RatioCriterion",
    "Target",
    "TrendCriterion",
    "load_plan",
    "parse_target",
]
