"""What the criteria engine returns: one result per criterion and per initiative, with the figures they rest on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from reportgen.domain.danish_text import MISSING, by_unit
from reportgen.domain.periods import Period
from reportgen.domain.status import Status
from reportgen.plan import Initiative


@dataclass(frozen=True)
class Figure:
    """One number a result was computed from, with where it came from."""

    label: str
    value: Decimal | None
    unit: str
    period: str | None
    source: str | None
    area: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "value": None if self.value is None else float(self.value),
            "unit": self.unit,
            "period": self.period,
            "source": self.source,
            "area": self.area,
        }


@dataclass
class CriterionResult:
    """A criterion evaluated as of a date: target, actual, status and a one-line Danish explanation."""

    initiative_id: str
    criterion_id: str
    kind: str
    text: str
    deadline: dt.date
    target: Decimal | None
    target_text: str
    actual: Decimal | None
    unit: str
    status: Status
    explanation: str
    period: str | None = None
    note: str | None = None
    figures: list[Figure] = field(default_factory=list)
    decimals: int | None = None
    """How many decimals ``actual`` is shown with (None: as many as the figure has)."""
    reported: Status | None = None
    """For a qualitative criterion: the status the contact person reported (the actual figure of such a criterion)."""
    suppressed: str | None = None
    """Small-number suppression: what is shown instead of the figure ("færre end 3", "vises ikke"); the figure
    itself (``actual``) and the person counts in ``figures`` are then never shown."""

    @property
    def shown_actual(self) -> Decimal | None:
        """``actual`` as it may be published: None when it is suppressed."""
        return None if self.suppressed else self.actual

    @property
    def actual_text(self) -> str:
        """``actual`` as council text, by its unit and precision (a reported status by its label)."""
        if self.suppressed:
            return self.suppressed
        if self.unit == "status":
            return self.reported.label if self.reported is not None else MISSING
        return by_unit(self.actual, self.unit, self.decimals)

    def as_dict(self) -> dict[str, Any]:
        return {
            "initiative": self.initiative_id,
            "criterion": self.criterion_id,
            "kind": self.kind,
            "target": None if self.target is None else float(self.target),
            "target_text": self.target_text,
            "actual": None if self.shown_actual is None else float(self.shown_actual),
            "suppressed": self.suppressed,
            "unit": self.unit,
            "status": str(self.status),
            "explanation": self.explanation,
            "period": self.period,
            "deadline": self.deadline.isoformat(),
            "figures": [f.as_dict() for f in self.figures],
        }


@dataclass
class InitiativeResult:
    """An initiative's criteria, its status (the worst criterion's), budget and spending."""

    initiative: Initiative
    criteria: list[CriterionResult]
    status: Status
    budget: Decimal
    spent: Decimal | None


class Reading(NamedTuple):
    """A value of an indicator in one period as read (``value`` is None where the figure is missing)."""

    period: Period
    value: Decimal | None
    unit: str
    source: str


class Point(NamedTuple):
    """A known (non-missing) value of an indicator in one period."""

    period: Period
    value: Decimal
    unit: str
    source: str


class GapPoint(NamedTuple):
    """The gap between an indicator and its reference in one period, with both values."""

    period: Period
    gap: Decimal
    indicator: Decimal
    reference: Decimal
    unit: str
    source: str
