"""The criteria engine: every success criterion of the plan against its target, as of an explicit date.

Never reads files and never looks at the wall clock: it takes the plan, the observations table and ``as_of``.
Comparisons use exact decimals (a float observation is read through its shortest representation); nothing is rounded
before comparing. Statuses (the rule is written out in the README):

* ``met`` — the comparison holds;
* ``on_track`` / ``behind`` — the deadline has not passed and progress is at least / below pro rata to the time
  elapsed since the plan started (for targets of the "at least" kind); other kinds are ``behind`` while they fail;
* ``not_met`` — the deadline has passed (``as_of`` is after it) and the comparison does not hold;
* ``no_data`` — the figures needed are missing; the explanation says which.

Only observations of periods that started on or before ``min(as_of, deadline)`` count, so a report re-made later
for the same date shows the same figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import singledispatchmethod
from typing import TYPE_CHECKING

from reportgen.domain.areas import NATIONAL, registry
from reportgen.domain.danish_text import by_unit, dato, kr, pct, pp, precision, sentence, signed_pp, tal
from reportgen.domain.numbers import to_decimal
from reportgen.domain.periods import Period, parse_period
from reportgen.domain.status import Status
from reportgen.evaluate.results import CriterionResult, Figure, GapPoint, InitiativeResult, Point, Reading
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
    Target,
    TrendCriterion,
)

if TYPE_CHECKING:
    import pandas as pd

OP_WORDS = {">=": "mindst", ">": "over", "<=": "højst", "<": "under", "=": "præcis"}
SHARE_DECIMALS = 1
"""A share reportgen computes (a ratio, spent of budget, an average) is shown with one decimal."""


@dataclass
class Verdict:
    """What is being decided about one criterion: set ``target``, ``target_text`` and ``unit`` as they become
    known, then finish with ``result`` or ``no_data``. An explanation is given without its final full stop (the
    status rule may add a remark); ``result`` ends it with exactly one."""

    initiative: Initiative
    criterion: Criterion
    deadline: dt.date
    target: Decimal | None = None
    target_text: str = ""
    unit: str = "antal"
    decimals: int | None = None  # how many decimals ``actual`` is shown with (None: as the figure has them)
    remark: str = ""  # what the status rule adds to the sentence ("; holder foreløbig målet")

    def no_data(self, why: str) -> CriterionResult:
        """The figures needed are missing; ``why`` says which (in Danish)."""
        return self.result(None, Status.NO_DATA, why)

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
            explanation=sentence(explanation + (self.remark if status != Status.NO_DATA else "")),
            decimals=self.decimals,
            period=period,
            note=note,
            figures=figures or [],
        )


class Evaluator:
    """Evaluates the criteria of one plan against one observations table as of one date."""

    def __init__(
        self,
        plan: Plan,
        observations: pd.DataFrame,
        as_of: dt.date,
        *,
        has_economy: bool = True,
        min_count: int = 0,
    ):
        self.plan = plan
        self.min_count = min_count
        self._hidden: set[tuple[str, str]] = set()  # (initiative, measure): counts hidden by secondary suppression
        self.obs = observations
        self.as_of = as_of
        self.has_economy = has_economy
        self.home = plan.municipality_code
        self._periods: dict[str, Period] = {}
        # One pass over the table: each criterion then looks only at its own indicator's rows.
        self._by_indicator: dict[str, pd.DataFrame] = (
            {str(key): rows for key, rows in observations.groupby("indicator", sort=False)}
            if not observations.empty
            else {}
        )

    # -- helpers -----------------------------------------------------------------------------------------------
    def period(self, code: str) -> Period:
        if code not in self._periods:
            self._periods[code] = parse_period(code)
        return self._periods[code]

    def cutoff(self, deadline: dt.date) -> dt.date:
        return min(self.as_of, deadline)

    def series(
        self, indicator: str, *, area: int | None = None, initiative: str | None = None, until: dt.date | None = None
    ) -> list[Reading]:
        """The indicator's readings sorted by period, for periods started by ``until``."""
        o = self._by_indicator.get(indicator)
        if o is None:
            return []
        mask = o["area"] == area if area is not None else o["area"].notna()
        if initiative is not None:
            mask &= o["initiative"] == initiative
        rows = []
        for rec in o.loc[mask, ["period", "value", "unit", "source"]].itertuples(index=False):
            p = self.period(str(rec.period))
            if until is not None and p.start > until:
                continue
            value = None if rec.value != rec.value else to_decimal(rec.value)
            rows.append(Reading(p, value, str(rec.unit), str(rec.source)))
        rows.sort(key=lambda r: r.period)
        return rows

    def known(self, indicator: str, *, area: int | None = None, until: dt.date | None = None) -> list[Point]:
        """The series without missing values."""
        return [
            Point(r.period, r.value, r.unit, r.source)
            for r in self.series(indicator, area=area, until=until)
            if r.value is not None
        ]

    def elapsed(self, deadline: dt.date) -> Decimal:
        start = self.plan.period.start
        if deadline <= start:
            return Decimal(1)
        done = (min(self.as_of, deadline) - start).days
        return max(Decimal(0), min(Decimal(1), Decimal(done) / Decimal((deadline - start).days)))

    def final(self, v: Verdict) -> bool:
        """On and after the deadline every criterion with data is met or not met, never in between."""
        return self.as_of >= v.deadline

    def interim(self, v: Verdict, holds: bool, *, holds_text: str = "holder foreløbig målet") -> Status:
        """A measure that can fall again (a share, a comparison, a trend, a gap, a budget): before the deadline it is
        on track while the comparison holds now and behind while it does not, and the sentence says which."""
        if self.final(v):
            return Status.MET if holds else Status.NOT_MET
        v.remark = f"; {holds_text}" if holds else "; under målet på nuværende tidspunkt"
        return Status.ON_TRACK if holds else Status.BEHIND

    def cumulative(self, v: Verdict, value: Decimal, target: Target) -> Status:
        """A count that should rise: met once the target is reached; before the deadline, otherwise on track or behind
        against the pro-rata expectation (time elapsed since the plan started), stated in whole units."""
        if target.holds(value):
            return Status.MET
        if self.final(v):
            return Status.NOT_MET
        expected = (target.value * self.elapsed(v.deadline)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        v.remark = f", forventet {tal(expected, 0)} på nuværende tidspunkt"
        return Status.ON_TRACK if value >= expected else Status.BEHIND

    def label(self, key: str) -> str:
        """How council text names a measurement or indicator: the plan's label, else the indicator's title from its
        file, else (only where both are missing, which ``validate`` warns about) the key."""
        label = self.plan.label_of(key)
        if label:
            return label
        rows = self._by_indicator.get(key)
        if rows is not None:
            titles = [t for t in rows["title"] if isinstance(t, str) and t.strip()]
            if titles:
                return titles[0][:1].lower() + titles[0][1:]
        return key

    def target_text(self, target: Target, unit: str) -> str:
        shown = pct(target.value) if target.percent else by_unit(target.value, unit)
        return f"{OP_WORDS[target.op]} {shown}"

    # -- evaluation --------------------------------------------------------------------------------------------
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
        result = self._decide(criterion, Verdict(initiative, criterion, self.plan.deadline_of(criterion)))
        if criterion.note:  # the plan's note first, then the contact person's comment
            result.note = criterion.note + (f" {result.note}" if result.note else "")
        return result

    @singledispatchmethod
    def _decide(self, criterion: Criterion, v: Verdict) -> CriterionResult:
        """Each kind's rule is a method below, registered for its criterion type."""
        raise TypeError(f"no rule for criterion kind {criterion.kind!r}")

    # -- small-number suppression ----------------------------------------------------------------------------------
    def small(self, value: Decimal) -> bool:
        """A person count below ``min_count`` (0 is no person and is shown)."""
        return bool(self.min_count) and 0 < value < self.min_count

    def persons(self, value: Decimal) -> str:
        """A person count as council text: "færre end N" below ``min_count``."""
        return f"færre end {self.min_count}" if self.small(value) else tal(value)

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
                num = self._latest_known(c.numerator, initiative.id, deadline)
                den = self._latest_known(c.denominator, initiative.id, deadline)
                if num is not None and den is not None and self.small(den.value - num.value):
                    self._hidden.add((initiative.id, c.numerator))

    def comment(self, initiative: str, measures: list[str], periods: list[str]) -> str | None:
        """The contact person's comments on the figures a result used (measurement sheet, column Kommentar)."""
        texts: list[str] = []
        for measure in measures:
            o = self._by_indicator.get(measure)
            if o is not None:
                rows = o[(o["initiative"] == initiative) & o["period"].isin(periods)]
                texts += [t for t in rows["comment"] if isinstance(t, str) and t.strip()]
        return " ".join(dict.fromkeys(texts)) or None

    def _latest_known(self, measure: str, initiative: str, deadline: dt.date) -> Point | None:
        for r in reversed(self.series(measure, initiative=initiative, until=self.cutoff(deadline))):
            if r.value is not None:
                return Point(r.period, r.value, r.unit, r.source)
        return None

    @_decide.register
    def _count(self, c: CountCriterion, v: Verdict) -> CriterionResult:
        v.unit = "pct" if c.target.percent else "antal"
        v.target, v.target_text = c.target.value, self.target_text(c.target, v.unit)
        latest = self._latest_known(c.measure, v.initiative.id, v.deadline)
        if latest is None:
            return v.no_data(f"Ingen indberetning af {self.label(c.measure)} i målingsarket.")
        value = latest.value
        if c.target.higher_is_better and not c.target.percent:
            status = self.cumulative(v, value, c.target)
        else:
            status = self.interim(v, c.target.holds(value))
        hidden = None
        if v.unit == "antal" and self.min_count:
            if self.small(value):
                hidden = self.persons(value)
            elif (v.initiative.id, c.measure) in self._hidden:
                hidden = "vises ikke"
        when = latest.period.label_da()
        if hidden == "vises ikke":
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

    @_decide.register
    def _ratio(self, c: RatioCriterion, v: Verdict) -> CriterionResult:
        v.unit, v.target, v.target_text = "pct", c.target.value, self.target_text(c.target, "pct")
        num = self._latest_known(c.numerator, v.initiative.id, v.deadline)
        den = self._latest_known(c.denominator, v.initiative.id, v.deadline)
        if num is None or den is None:
            missing = [k for k, p in ((c.numerator, num), (c.denominator, den)) if p is None]
            labels = " og ".join(self.label(m) for m in missing)
            return v.no_data(f"Ingen indberetning af {labels} i målingsarket.")
        if den.value == 0:
            return v.no_data(f"Antallet af {self.label(c.denominator)} er 0, så andelen kan ikke beregnes.")
        share = num.value / den.value
        status = self.interim(v, c.target.holds(share))
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

    @_decide.register
    def _qualitative(self, c: QualitativeCriterion, v: Verdict) -> CriterionResult:
        v.unit, v.target_text = "status", "vurderes af kontaktpersonen"
        o = self._by_indicator.get(c.measure, self.obs.iloc[0:0])
        rows = o[o["initiative"] == v.initiative.id]
        until = self.cutoff(v.deadline)
        entries = sorted(((self.period(str(r.period)), r) for r in rows.itertuples(index=False)), key=lambda t: t[0])
        entries = [(p, r) for p, r in entries if p.start <= until]
        if not entries:
            return v.no_data(f"Kontaktpersonen har ikke indberettet status for {self.label(c.measure)}.")
        period, row = entries[-1]
        label = row.label if isinstance(row.label, str) else None
        comment = row.comment if isinstance(row.comment, str) else None
        if label is None:
            value = None if row.value != row.value else to_decimal(row.value)
            v.unit = str(row.unit)
            explanation = f"Der er indberettet {by_unit(value, v.unit)} ({period.label_da()}), men ingen status"
            return v.result(value, Status.NO_DATA, explanation, period=period.code, note=comment)
        reported = Status(label)
        status = self._reported(v, reported)
        explanation = f"Kontaktpersonen vurderer: {reported.label.lower()} ({period.label_da()})"
        figure = Figure(c.measure, None, "status", period.code, str(row.source), self.home)
        result = v.result(None, status, explanation, period=period.code, note=comment, figures=[figure])
        result.reported = reported
        return result

    def _reported(self, v: Verdict, reported: Status) -> Status:
        """A status the contact person reported, by the same rule: final on and after the deadline (only
        *Opfyldt* is met); before it, on track while met or on track, behind while behind or not met."""
        if reported == Status.NO_DATA:
            return reported
        if self.final(v):
            return Status.MET if reported == Status.MET else Status.NOT_MET
        if reported == Status.ON_TRACK:
            return reported
        return self.interim(v, reported == Status.MET)

    def spent(self, initiative: Initiative, deadline: dt.date) -> Decimal | None:
        if not self.has_economy or initiative.economy is None:
            return None
        rows = self.series("forbrug", initiative=initiative.id, until=self.cutoff(deadline))
        start, end = self.plan.period.start, self.plan.period.end
        return sum(
            (r.value for r in rows if r.value is not None and start <= r.period.end and r.period.start <= end),
            Decimal(0),
        )

    @_decide.register
    def _budget(self, c: BudgetCriterion, v: Verdict) -> CriterionResult:
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
        status = self.interim(v, holds, holds_text="holder foreløbig budgettet")
        if spent > limit and c.target.op in ("<=", "<"):
            over = spent - limit
            over_share = f" ({pct(over / limit, SHARE_DECIMALS)})" if limit else ""
            v.remark = f"; budgettet er overskredet med {kr(over)}{over_share}"
        share_text = f" ({pct(share, SHARE_DECIMALS)})" if share is not None else ""
        explanation = f"Forbrugt {kr(spent)} af {kr(budget)}{share_text} pr. {dato(self.cutoff(v.deadline))}"
        figures = [
            Figure("forbrug", spent, "kr", None, "økonomi", self.home),
            Figure("budget", budget, "kr", None, "handleplan", self.home),
        ]
        return v.result(spent, status, explanation, figures=figures)

    @_decide.register
    def _economy_count(self, c: EconomyCountCriterion, v: Verdict) -> CriterionResult:
        key = f"economy_count:{c.id}"
        v.target_text = self.target_text(c.target, "antal") if c.target else "udvikling fra året før"
        if not self.has_economy:
            return v.no_data("Ingen økonomiudtræk indlæst.")

        def total(period: Period) -> tuple[Decimal, str | None]:
            rows = [
                r
                for r in self.series(key, initiative=v.initiative.id)
                if r.value is not None and period.start <= r.period.start and r.period.end <= period.end
            ]
            return sum((r.value for r in rows if r.value is not None), Decimal(0)), (rows[0].source if rows else None)

        if c.period.start > self.as_of:
            return v.no_data(f"Perioden {c.period.label_da()} er ikke begyndt.")
        count, source = total(c.period)
        shown = None if self.small(count) else count
        figures = [Figure("antal bevillinger", shown, "antal", c.period.code, source or "økonomi", self.home)]
        counted = f"{self.persons(count)} bevillinger på konto {', '.join(c.accounts)} i {c.period.label_da()}"
        if c.target is not None:
            v.target = c.target.value
            if c.target.higher_is_better:  # grants counted in a period only add up
                status = self.cumulative(v, count, c.target)
            else:
                status = self.interim(v, c.target.holds(count))
            explanation = f"{counted}; målet er {v.target_text}"
            result = v.result(count, status, explanation, period=c.period.code, figures=figures)
            result.suppressed = None if shown is not None else self.persons(count)
            return result
        previous = Period(c.period.freq, c.period.year - 1, c.period.index)
        before, _ = total(previous)
        before_shown = None if self.small(before) else before
        figures.append(Figure("antal bevillinger året før", before_shown, "antal", previous.code, "økonomi", self.home))
        if c.better == "higher":  # more grants than the year before: they only add up
            status = self.cumulative(v, count, Target(">", before))
            v.remark = ""  # a pro-rata share of last year's count is no target anyone set
        else:
            status = self.interim(v, count < before)
        explanation = f"{counted} mod {self.persons(before)} i {previous.label_da()}"
        result = v.result(count, status, explanation, period=c.period.code, figures=figures)
        result.suppressed = None if shown is not None else self.persons(count)
        return result

    def _indicator_point(self, indicator: str, area: int, period: Period | None, until: dt.date) -> Point | None:
        points = [p for p in self.known(indicator, area=area, until=until) if period is None or p.period == period]
        return points[-1] if points else None

    @_decide.register
    def _benchmark(self, c: BenchmarkCriterion, v: Verdict) -> CriterionResult:
        until = self.cutoff(v.deadline)
        national = c.against == "national"
        others = [NATIONAL] if national else [registry().resolve(a).code for a in c.against]
        other_names = ", ".join(registry().by_code[a].name for a in others)
        other_name = "på landsplan" if national else f"i {other_names}"
        direction = "højere" if c.better == "higher" else "lavere"
        v.target_text = f"{direction} end " + ("landsgennemsnittet" if national else other_names)
        # The latest period in which the municipality and every comparison area all have a value.
        for home in reversed(self.known(c.indicator, area=self.home, until=until)):
            found = [self._indicator_point(c.indicator, a, home.period, until) for a in others]
            points = [p for p in found if p is not None]
            if len(points) == len(others):
                break
        else:
            compared = "hele landet" if national else other_names
            return v.no_data(
                f"Ingen fælles periode med tal for {self.plan.municipality_name} og {compared} "
                f"for {self.label(c.indicator)}."
            )
        # Against several municipalities: their average.
        reference = sum((p.value for p in points), Decimal(0)) / len(points)
        holds = home.value > reference if c.better == "higher" else home.value < reference
        v.unit, v.target = home.unit, reference
        # Published figures keep their own precision; an average of several municipalities is computed (one decimal).
        v.decimals = precision(home.value, [p.value for p in points], v.unit)
        shown = v.decimals if national else SHARE_DECIMALS
        explanation = (
            f"{by_unit(home.value, v.unit, v.decimals)} mod {by_unit(reference, v.unit, shown)} {other_name} "
            f"({home.period.label_da()})"
        )
        figures = [Figure(self.plan.municipality_name, home.value, v.unit, home.period.code, home.source, self.home)]
        figures += [
            Figure(registry().by_code[a].name, p.value, v.unit, p.period.code, p.source, a)
            for a, p in zip(others, points, strict=True)
        ]
        status = self.interim(v, holds)
        return v.result(home.value, status, explanation, period=home.period.code, figures=figures)

    @_decide.register
    def _trend(self, c: TrendCriterion, v: Verdict) -> CriterionResult:
        until = self.cutoff(v.deadline)
        v.target_text = ("stigning" if c.better == "higher" else "fald") + f" fra {c.baseline.label_da()}"
        base = self._indicator_point(c.indicator, self.home, c.baseline, until)
        latest = self._indicator_point(c.indicator, self.home, None, until)
        if base is None:
            return v.no_data(f"Intet tal for {self.label(c.indicator)} i basisåret {c.baseline.label_da()}.")
        if latest is None or latest.period <= c.baseline:
            return v.no_data(f"Intet tal for {self.label(c.indicator)} efter {c.baseline.label_da()}.")
        unit = latest.unit
        change = latest.value - base.value
        if c.rule == "barometer":
            # The barometer's own rule: compare the values as published (rounded to whole percent / whole numbers).
            scale = Decimal(100) if unit == "pct" else Decimal(1)

            def published(value: Decimal) -> Decimal:
                return (value * scale).quantize(Decimal(1), rounding=ROUND_HALF_UP)

            change = (published(latest.value) - published(base.value)) / scale
        holds = change > 0 if c.better == "higher" else change < 0
        d = precision(latest.value, [base.value], unit)
        delta = signed_pp(change, d) if unit == "pct" else ("+" if change > 0 else "") + by_unit(change, unit, d)
        explanation = (
            f"{by_unit(latest.value, unit, d)} i {latest.period.label_da()} "
            f"mod {by_unit(base.value, unit, d)} i {base.period.label_da()} ({delta})"
        )
        figures = [
            Figure(f"{c.indicator} {p.period.code}", p.value, unit, p.period.code, p.source, self.home)
            for p in (base, latest)
        ]
        v.unit, v.target, v.decimals = unit, base.value, d
        status = self.interim(v, holds)
        return v.result(latest.value, status, explanation, period=latest.period.code, figures=figures)

    def _gap_at(self, c: GapCriterion, period: Period | None, where: int, until: dt.date) -> GapPoint | None:
        a_series = {r.period: r for r in self.known(c.indicator, area=where, until=until)}
        b_series = {r.period: r for r in self.known(c.reference, area=where, until=until)}
        common = sorted(set(a_series) & set(b_series))
        if period is not None:
            common = [p for p in common if p == period]
        if not common:
            return None
        p = common[-1]
        a, b = a_series[p].value, b_series[p].value
        return GapPoint(p, abs(b - a), a, b, a_series[p].unit, a_series[p].source)

    @_decide.register
    def _gap(self, c: GapCriterion, v: Verdict) -> CriterionResult:
        until = self.cutoff(v.deadline)
        area = registry().resolve(c.area).code if c.area is not None else self.home
        v.target_text = ("mindre" if c.better == "smaller" else "større") + f" forskel end i {c.baseline.label_da()}"
        now = self._gap_at(c, None, area, until)
        base = self._gap_at(c, c.baseline, area, until)
        if now is None or base is None or now.period <= c.baseline:
            missing = "basisåret " + c.baseline.label_da() if base is None else "en periode efter basisåret"
            return v.no_data(f"Mangler tal for {self.label(c.indicator)} og {self.label(c.reference)} i {missing}.")
        unit = now.unit
        holds = now.gap < base.gap if c.better == "smaller" else now.gap > base.gap

        d = precision(now.reference, [now.indicator, base.reference, base.indicator], unit)

        def gap_text(gap: Decimal) -> str:
            return pp(gap, d) if unit == "pct" else by_unit(gap, unit, d)

        explanation = (
            f"{by_unit(now.reference, unit, d)} mod {by_unit(now.indicator, unit, d)}: en forskel på "
            f"{gap_text(now.gap)} i {now.period.label_da()} mod {gap_text(base.gap)} i {base.period.label_da()}"
        )
        figures = [
            Figure(c.reference, now.reference, unit, now.period.code, now.source, area),
            Figure(c.indicator, now.indicator, unit, now.period.code, now.source, area),
            Figure(f"forskel {base.period.code}", base.gap, unit, base.period.code, now.source, area),
        ]
        national = self._gap_at(c, now.period, NATIONAL, until) if area != NATIONAL else None
        if national is not None:
            explanation += (
                f"; på landsplan {by_unit(national.reference, unit, d)} mod {by_unit(national.indicator, unit, d)}, "
                f"en forskel på {gap_text(national.gap)}"
            )
            figures += [
                Figure(f"{key} (hele landet)", value, unit, national.period.code, national.source, NATIONAL)
                for key, value in ((c.reference, national.reference), (c.indicator, national.indicator))
            ]
        # A gap between two shares is in percentage points (unit "pp"), not a share of anything.
        v.unit, v.target, v.decimals = ("pp" if unit == "pct" else unit), base.gap, d
        status = self.interim(v, holds)
        return v.result(now.gap, status, explanation, period=now.period.code, figures=figures)


def evaluate(
    plan: Plan, observations: pd.DataFrame, as_of: dt.date, *, has_economy: bool = True, min_count: int = 0
) -> list[InitiativeResult]:
    """Evaluate every criterion of the plan as of ``as_of``."""
    return Evaluator(plan, observations, as_of, has_economy=has_economy, min_count=min_count).evaluate()
