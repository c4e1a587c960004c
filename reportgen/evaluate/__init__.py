"""Evaluation: the criteria engine, the economy aggregation per initiative and month, and their result types.

Never touches files or renderers: it takes the plan and the observations table and returns results.
"""

from __future__ import annotations

from reportgen.evaluate.engine import Evaluator, evaluate
from reportgen.evaluate.results import CriterionResult, Figure, InitiativeResult

__all__ = ["CriterionResult", "Evaluator", "Figure", "InitiativeResult", "evaluate"]
