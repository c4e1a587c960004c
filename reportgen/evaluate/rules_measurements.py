"""The rules for criteria on the measurement sheet the initiatives fill in: a count, a ratio of two counts, and a
status the contact person reports. Person counts below ``min_count`` are not shown (the verdict is still made on
the exact figures)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from reportgen.domain.danish_text import SHARE_DECIMALS, by_unit, dato, join_da, pct, quoted, tal
from reportgen.domain.numbers import optional_decimal
from reportgen.domain.status import Status
from reportgen.evaluate.readings import Readings
from reportgen.evaluate.results import CriterionResult, Figure
from reportgen.evaluate.verdict import Verdict, target_text
from reportgen.plan import CountCriterion, QualitativeCriterion, RatioCriterion


class MeasurementRules(Readings):
    """``count``, ``ratio`` and ``qualitative`` criteria."""

    def decide_count(self, c: CountCriterion, v: Verdict) -> CriterionResult:
        v.unit = "pct" if c.target.percent else "antal"
        v.target, v.target_text = c.target.value, target_text(c.target, v.unit)
        latest = self.latest_known(c.measure, v.initiative.id, v.deadline)
        if latest is None:
            return v.no_data(f"Ingen indberetning af {self.label(c.measure)} i målingsarket.")
        value = latest.value

        def status_of(count: Decimal) -> Status:
            if c.target.higher_is_better and not c.target.percent:
                return v.cumulative(count, c.target)
            return v.interim(c.target.holds(count))

        status = status_of(value)
        hidden = None
        if v.unit == "antal" and self.min_count:
            if self.small(value):
                hidden = "vises ikke" if self._given_away(status, status_of, v) else self.persons(value)
            elif (v.initiative.id, c.measure) in self._hidden:
                hidden = "vises ikke"
        when = latest.period.label_da()
        if hidden == "vises ikke" and self.small(value):
            shown = (
                f"Antallet vises ikke, da det sammen med målet og status ville afsløre et antal på færre end "
                f"{self.min_count} personer ({when})"
            )
            v.remark = ""  # an expectation stated beside the status would narrow it down again
        elif hidden == "vises ikke":
            shown = (
                f"Antallet vises ikke, da det sammen med et andet tal i rapporten ville afsløre færre end "
                f"{self.min_count} personer ({when})"
            )
        else:
            shown = f"{hidden.capitalize() if hidden else by_unit(value, v.unit)} ({when})"
        explanation = f"{shown}; målet er {v.target_text}"
        result = v.result(
            value,
            status,
            explanation,
            period=latest.period.code,
            note=self.comment(v.initiative.id, [c.measure], [latest.period.code]),
            figures=[
                Figure(c.measure, None if hidden else value, v.unit, latest.period.code, latest.source, self.home)
            ],
        )
        result.suppressed = hidden
        return result

    def _given_away(self, status: Status, status_of: Callable[[Decimal], Status], v: Verdict) -> bool:
        """Whether "færre end N" beside the status (and the target or expectation it was decided against) would
        leave a single possible count: then the count is shown as "vises ikke" instead."""
        remark = v.remark
        possible = [k for k in range(1, self.min_count) if status_of(Decimal(k)) == status]
        v.remark = remark  # trying the other counts must not change the sentence
        return len(possible) == 1

    def decide_ratio(self, c: RatioCriterion, v: Verdict) -> CriterionResult:
        v.unit, v.target, v.target_text = "pct", c.target.value, target_text(c.target, "pct")
        num = self.latest_known(c.numerator, v.initiative.id, v.deadline)
        den = self.latest_known(c.denominator, v.initiative.id, v.deadline)
        if num is None or den is None:
            missing = [k for k, p in ((c.numerator, num), (c.denominator, den)) if p is None]
            labels = join_da([quoted(self.label(m)) for m in missing])
            return v.no_data(f"Ingen indberetning af {labels} i målingsarket.")
        if den.value == 0:
            return v.no_data(f"Antallet af {self.label(c.denominator)} er 0, så andelen kan ikke beregnes.")
        share = num.value / den.value
        status = v.interim(c.target.holds(share))
        v.decimals = SHARE_DECIMALS
        period = max(num.period, den.period)
        # A share on fewer than min_count persons, or one whose count or complement is that small, gives them away.
        hidden = self.small(den.value) or self.small(num.value) or self.small(den.value - num.value)
        if hidden:
            why = (
                f"den bygger på færre end {self.min_count} personer"
                if self.small(den.value)
                else f"den ville afsløre et antal på færre end {self.min_count} personer"
            )
            explanation = f"Andelen vises ikke, da {why} ({period.label_da()}); målet er {v.target_text}"
        else:
            explanation = (
                f"{pct(share, SHARE_DECIMALS)} ({tal(num.value)} af {tal(den.value)}, {period.label_da()}); "
                f"målet er {v.target_text}"
            )
        result = v.result(
            share,
            status,
            explanation,
            period=period.code,
            note=self.comment(v.initiative.id, [c.numerator, c.denominator], [num.period.code, den.period.code]),
            figures=[
                Figure(c.numerator, None if hidden else num.value, "antal", num.period.code, num.source, self.home),
                Figure(c.denominator, None if hidden else den.value, "antal", den.period.code, den.source, self.home),
            ],
        )
        result.suppressed = "vises ikke" if hidden else None
        return result

    def decide_qualitative(self, c: QualitativeCriterion, v: Verdict) -> CriterionResult:
        v.unit, v.target_text = "status", "vurderes af kontaktpersonen"
        rows = self.initiative_rows(c.measure, v.initiative.id)
        entries = sorted(((self.period(str(r.period)), r) for r in rows), key=lambda t: t[0])
        entries = [(p, r) for p, r in entries if p.start <= v.cutoff]
        if not entries:
            return v.no_data(f"Kontaktpersonen har ikke indberettet status for {self.label(c.measure)}.")
        period, row = entries[-1]
        label = row.label if isinstance(row.label, str) else None
        comment = row.comment if isinstance(row.comment, str) else None
        if label is None:
            value = optional_decimal(row.value)
            v.unit = str(row.unit)
            explanation = f"Der er indberettet {by_unit(value, v.unit)} ({period.label_da()}), men ingen status"
            return v.result(value, Status.NO_DATA, explanation, period=period.code, note=comment)
        reported = Status(label)
        status = v.reported(reported)
        said = f"{reported.label.lower()} ({period.label_da()})"
        if status == Status.NOT_MET and reported != Status.NOT_MET:
            explanation = f"Fristen {dato(v.deadline)} er passeret; kontaktpersonen vurderede senest: {said}"
        else:
            explanation = f"Kontaktpersonen vurderer: {said}"
        figure = Figure(c.measure, None, "status", period.code, str(row.source), self.home)
        result = v.result(None, status, explanation, period=period.code, note=comment, figures=[figure])
        result.reported = reported
        return result
