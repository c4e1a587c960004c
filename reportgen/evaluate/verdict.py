"""One criterion being decided (``Verdict``) and the status rule every criterion kind follows.

Statuses (the rule is written out in the README):

* ``met`` — the comparison holds;
* ``on_track`` / ``behind`` — the deadline has not passed and progress is at least / below pro rata to the time
  elapsed since the plan started (for targets of the "at least" kind); other kinds are ``behind`` while they fail;
  a status the contact person reported is shown as reported;
* ``not_met`` — the deadline has passed (``as_of`` is on or after it) and the comparison does not hold; or a measure
  that only grows (money spent, grants counted in a period) is past its upper limit, at once;
* ``no_data`` — the figures needed are missing; the explanation says which;
* ``not_measured`` — the figures are missing, but the criterion's first measurement is not due yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from reportgen.domain.danish_text import by_unit, dato, pct, sentence, tal
from reportgen.domain.status import Status
from reportgen.evaluate.results import CriterionResult, Figure
from reportgen.plan import Criterion, Initiative, Target

OP_WORDS = {">=": "mindst", ">": "over", "<=": "højst", "<": "under", "=": "præcis"}


def target_text(target: Target, unit: str) -> str:
    """A target as council text: ``mindst 50 pct.``, ``højst 12``."""
    shown = pct(target.value) if target.percent else by_unit(target.value, unit)
    return f"{OP_WORDS[target.op]} {shown}"


@dataclass
class Verdict:
    """What is being decided about one criterion as of ``as_of``: set ``target``, ``target_text`` and ``unit`` as
    they become known, choose the status by the rule's methods (``interim``, ``cumulative``, ``reported``), then
    finish with ``result`` or ``no_data``. An explanation is given without its final full stop (the status rule may
    add a remark); ``result`` ends it with exactly one."""

    initiative: Initiative
    criterion: Criterion
    deadline: dt.date
    as_of: dt.date
    start: dt.date  # when the plan started: the pro-rata expectation counts from here
    first_measurement: dt.date | None = None  # before it, missing figures are not yet due (None: the plan's start)
    target: Decimal | None = None
    target_text: str = ""
    unit: str = "antal"
    decimals: int | None = None  # how many decimals ``actual`` is shown with (None: as the figure has them)
    remark: str = ""  # what the status rule adds to the sentence ("; holder foreløbig målet")

    # -- the status rule ---------------------------------------------------------------------------------------
    @property
    def cutoff(self) -> dt.date:
        """Only observations of periods started on or before this date count."""
        return min(self.as_of, self.deadline)

    @property
    def final(self) -> bool:
        """On and after the deadline every criterion with data is met or not met, never in between."""
        return self.as_of >= self.deadline

    def elapsed(self) -> Decimal:
        """The share of the time from the plan's start to the deadline that has passed by ``as_of`` (0 to 1)."""
        if self.deadline <= self.start:
            return Decimal(1)
        done = (self.cutoff - self.start).days
        return max(Decimal(0), min(Decimal(1), Decimal(done) / Decimal((self.deadline - self.start).days)))

    def interim(self, holds: bool, *, holds_text: str = "holder foreløbig målet") -> Status:
        """A measure that can fall again (a share, a comparison, a trend, a gap, a budget): before the deadline it is
        on track while the comparison holds now and behind while it does not, and the sentence says which."""
        if self.final:
            return Status.MET if holds else Status.NOT_MET
        self.remark = f"; {holds_text}" if holds else "; under målet på nuværende tidspunkt"
        return Status.ON_TRACK if holds else Status.BEHIND

    def cumulative(self, value: Decimal, target: Target) -> Status:
        """A count that should rise: met once the target is reached; before the deadline, otherwise on track or behind
        against the pro-rata expectation (time elapsed since the plan started), stated in whole units."""
        if target.holds(value):
            return Status.MET
        if self.final:
            return Status.NOT_MET
        expected = (target.value * self.elapsed()).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        self.remark = f", forventet {tal(expected, 0)} på nuværende tidspunkt"
        return Status.ON_TRACK if value >= expected else Status.BEHIND

    def within_limit(self, holds: bool, over: str, *, holds_text: str = "holder foreløbig målet") -> Status:
        """A measure that only grows (money spent, grants counted in a period) against an upper limit: once past the
        limit it cannot come back, so it is not met at once, before the deadline too, and the sentence says by how
        much (``over``); within the limit it follows ``interim``."""
        if holds:
            return self.interim(True, holds_text=holds_text)
        self.remark = f"; {over}" if over else ""
        return Status.NOT_MET

    def reported(self, reported: Status) -> Status:
        """A status the contact person reported: shown as reported until the deadline; from the deadline on only
        *Opfyldt* is met, anything else is not met (``decide_qualitative`` says the deadline has passed)."""
        if not self.final or reported == Status.NO_DATA:
            return reported
        return Status.MET if reported == Status.MET else Status.NOT_MET

    # -- the result --------------------------------------------------------------------------------------------
    def no_data(self, why: str) -> CriterionResult:
        """The figures needed are missing; ``why`` says which (in Danish). Before the criterion's first measurement
        is due, nothing is missing yet: the criterion is not measured yet, and the sentence says when it will be."""
        first = self.first_measurement
        if first is not None and self.as_of < first:
            return self.not_measured(f"Kriteriet måles første gang {dato(first)}")
        return self.result(None, Status.NO_DATA, why)

    def not_measured(self, why: str) -> CriterionResult:
        """No figure is due yet; ``why`` says why or when (in Danish)."""
        return self.result(None, Status.NOT_MEASURED, why)

    def result(
        self,
        actual: Decimal | None,
        status: Status,
        explanation: str,
        *,
        period: str | None = None,
        note: str | None = None,
        figures: list[Figure] | None = None,
    ) -> CriterionResult:
        c = self.criterion
        return CriterionResult(
            initiative_id=self.initiative.id,
            criterion_id=c.id,
            kind=c.kind,
            text=c.text,
            deadline=self.deadline,
            target=self.target,
            target_text=self.target_text,
            actual=actual,
            unit=self.unit,
            status=status,
            explanation=sentence(explanation + (self.remark if status.known else "")),
            decimals=self.decimals,
            period=period,
            note=note,
            figures=figures or [],
        )
