"""The criteria engine: every success criterion of the plan against its target, as of an explicit date.

Never reads files and never looks at the wall clock: it takes the plan, the observations table and ``as_of``.
Comparisons use exact decimals (a float observation is read through its shortest representation); nothing is rounded
before comparing. Statuses (DESIGN §4):

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
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from reportgen.plan import (
    BenchmarkCriterion,
    BudgetCriterion,
    CountCriterion,
    EconomyCountCriterion,
    GapCriterion,
    Initiative,
    Plan,
    QualitativeCriterion,
    RatioCriterion,
    Target,
    TrendCriterion,
)
from reportgen.render.formatting import STATUS_LABELS, STATUS_ORDER, by_unit, dato, kr, pct, pp, signed_pp, tal
from reportgen.sources.danish import Period, parse_period, to_decimal
from reportgen.sources.municipalities import NATIONAL, registry

if TYPE_CHECKING:
    import pandas as pd

OP_WORDS = {">=": "mindst", ">": "over", "<=": "højst", "<": "under", "=": "præcis"}


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
    initiative_id: str
    criterion_id: str
    kind: str
    text: str
    deadline: dt.date
    target: Decimal | None
    target_text: str
    actual: Decimal | None
    unit: str
    status: str
    explanation: str
    period: str | None = None
    note: str | None = None
    figures: list[Figure] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "initiative": self.initiative_id,
            "criterion": self.criterion_id,
            "kind": self.kind,
            "target": None if self.target is None else float(self.target),
            "target_text": self.target_text,
            "actual": None if self.actual is None else float(self.actual),
            "unit": self.unit,
            "status": self.status,
            "explanation": self.explanation,
            "period": self.period,
            "deadline": self.deadline.isoformat(),
            "figures": [f.as_dict() for f in self.figures],
        }


class Point(NamedTuple):
    """A known (non-missing) value of an indicator in one period."""

    period: Period
    value: Decimal
    unit: str
    source: str


@dataclass
class InitiativeResult:
    initiative: Initiative
    criteria: list[CriterionResult]
    status: str
    budget: Decimal
    spent: Decimal | None


def worst_status(statuses: list[str]) -> str:
    """An initiative's status is its worst criterion's; ``no_data`` counts only when nothing else is known."""
    known = [s for s in statuses if s != "no_data"]
    if not known:
        return "no_data"
    return min(known, key=STATUS_ORDER.index)


class Evaluator:
    def __init__(self, plan: Plan, observations: "pd.DataFrame", as_of: dt.date, *, has_economy: bool = True):
        self.plan = plan
        self.obs = observations
        self.as_of = as_of
        self.has_economy = has_economy
        self.home = plan.municipality_code
        self._periods: dict[str, Period] = {}
        # One pass over the table: each criterion then looks only at its own indicator's rows.
        self._by_indicator = {key: rows for key, rows in observations.groupby("indicator", sort=False)} if not observations.empty else {}

    # -- helpers -----------------------------------------------------------------------------------------------
    def period(self, code: str) -> Period:
        if code not in self._periods:
            self._periods[code] = parse_period(code)
        return self._periods[code]

    def cutoff(self, deadline: dt.date) -> dt.date:
        return min(self.as_of, deadline)

    def series(self, indicator: str, *, area: int | None = None, initiative: str | None = None, until: dt.date | None = None) -> list[tuple[Period, Decimal | None, str, str]]:
        """(period, value, unit, source) sorted by period, for periods started by ``until``."""
        o = self._by_indicator.get(indicator)
        if o is None:
            return []
        mask = o["area"] == area if area is not None else o["area"].notna()
        if initiative is not None:
            mask &= o["initiative"] == initiative
        rows = []
        for rec in o.loc[mask, ["period", "value", "unit", "source"]].itertuples(index=False):
            p = self.period(rec.period)
            if until is not None and p.start > until:
                continue
            value = None if rec.value != rec.value else to_decimal(rec.value)
            rows.append((p, value, rec.unit, rec.source))
        rows.sort(key=lambda r: r[0])
        return rows

    def known(self, indicator: str, **kw: Any) -> list[Point]:
        """The series without missing values."""
        return [Point(p, v, u, s) for p, v, u, s in self.series(indicator, **kw) if v is not None]

    def elapsed(self, deadline: dt.date) -> Decimal:
        start = self.plan.period.start
        if deadline <= start:
            return Decimal(1)
        done = (min(self.as_of, deadline) - start).days
        return max(Decimal(0), min(Decimal(1), Decimal(done) / Decimal((deadline - start).days)))

    def judge(self, holds: bool, deadline: dt.date, *, progress_ok: bool | None = None) -> str:
        if holds:
            return "met"
        if self.as_of > deadline:
            return "not_met"
        return "on_track" if progress_ok else "behind"

    def target_text(self, target: Target, unit: str) -> str:
        shown = pct(target.value) if target.percent else by_unit(target.value, unit)
        return f"{OP_WORDS[target.op]} {shown}"

    # -- evaluation --------------------------------------------------------------------------------------------
    def evaluate(self) -> list[InitiativeResult]:
        out = []
        for initiative in self.plan.initiatives:
            results = [self.evaluate_criterion(initiative, c) for c in initiative.criteria]
            spent = self.spent(initiative, self.plan.period.end)
            out.append(InitiativeResult(initiative, results, worst_status([r.status for r in results]), initiative.budget_total, spent))
        return out

    def evaluate_criterion(self, initiative: Initiative, criterion: Any) -> CriterionResult:
        handler = getattr(self, f"_{criterion.kind}")
        result: CriterionResult = handler(initiative, criterion, self.plan.deadline_of(criterion))
        if criterion.note:  # the plan's note first, then the contact person's comment
            result.note = criterion.note + (f" {result.note}" if result.note else "")
        return result

    def _result(self, initiative: Initiative, c: Any, deadline: dt.date, **kw: Any) -> CriterionResult:
        kw["explanation"] = sentence(kw["explanation"].rstrip("."))
        return CriterionResult(initiative_id=initiative.id, criterion_id=c.id, kind=c.kind, text=c.text, deadline=deadline, **kw)

    def _no_data(self, initiative: Initiative, c: Any, deadline: dt.date, why: str, *, target: Decimal | None = None, target_text: str = "", unit: str = "antal") -> CriterionResult:
        return self._result(initiative, c, deadline, target=target, target_text=target_text, actual=None, unit=unit, status="no_data", explanation=why)

    def _count(self, initiative: Initiative, c: CountCriterion, deadline: dt.date) -> CriterionResult:
        unit = "pct" if c.target.percent else "antal"
        target_text = self.target_text(c.target, unit)
        latest = self._latest_known(c.measure, initiative.id, deadline)
        if latest is None:
            return self._no_data(initiative, c, deadline, f"Ingen indberetning af '{c.measure}' i målingsarket.", target=c.target.value, target_text=target_text, unit=unit)
        period, value, _, source = latest
        holds = c.target.holds(value)
        progress_ok = c.target.higher_is_better and value >= c.target.value * self.elapsed(deadline)
        status = self.judge(holds, deadline, progress_ok=progress_ok)
        explanation = f"{by_unit(value, unit)} ({period.label_da()}); målet er {target_text}"
        if status in ("on_track", "behind"):
            explanation += f", forventet {by_unit(c.target.value * self.elapsed(deadline), unit)} på nuværende tidspunkt"
        return self._result(initiative, c, deadline, target=c.target.value, target_text=target_text, actual=value, unit=unit,
                            status=status, explanation=explanation + ".", period=period.code,
                            note=self.comment(initiative.id, [c.measure], [period.code]),
                            figures=[Figure(c.measure, value, unit, period.code, source, self.home)])

    def comment(self, initiative: str, measures: list[str], periods: list[str]) -> str | None:
        """The contact person's comments on the figures a result used (measurement sheet, column Kommentar)."""
        texts = []
        for measure in measures:
            o = self._by_indicator.get(measure)
            if o is not None:
                rows = o[(o["initiative"] == initiative) & o["period"].isin(periods)]
                texts += [t for t in rows["comment"] if isinstance(t, str) and t.strip()]
        return " ".join(dict.fromkeys(texts)) or None

    def _latest_known(self, measure: str, initiative: str, deadline: dt.date) -> tuple[Period, Decimal, str, str] | None:
        for period, value, unit, source in reversed(self.series(measure, initiative=initiative, until=self.cutoff(deadline))):
            if value is not None:
                return period, value, unit, source
        return None

    def _ratio(self, initiative: Initiative, c: RatioCriterion, deadline: dt.date) -> CriterionResult:
        target_text = self.target_text(c.target, "pct")
        num = self._latest_known(c.numerator, initiative.id, deadline)
        den = self._latest_known(c.denominator, initiative.id, deadline)
        missing = [k for k, v in ((c.numerator, num), (c.denominator, den)) if v is None]
        if missing:
            return self._no_data(initiative, c, deadline, "Ingen indberetning af " + " og ".join(f"'{m}'" for m in missing) + " i målingsarket.",
                                 target=c.target.value, target_text=target_text, unit="pct")
        assert num is not None and den is not None
        if den[1] == 0:
            return self._no_data(initiative, c, deadline, f"'{c.denominator}' er 0, så andelen kan ikke beregnes.", target=c.target.value, target_text=target_text, unit="pct")
        share = num[1] / den[1]
        holds = c.target.holds(share)
        progress_ok = c.target.higher_is_better and share >= c.target.value * self.elapsed(deadline)
        status = self.judge(holds, deadline, progress_ok=progress_ok)
        period = max(num[0], den[0])
        explanation = f"{pct(share)} ({tal(num[1])} af {tal(den[1])}, {period.label_da()}); målet er {target_text}."
        return self._result(initiative, c, deadline, target=c.target.value, target_text=target_text, actual=share, unit="pct", status=status,
                            explanation=explanation, period=period.code,
                            note=self.comment(initiative.id, [c.numerator, c.denominator], [num[0].code, den[0].code]),
                            figures=[Figure(c.numerator, num[1], "antal", num[0].code, num[3], self.home), Figure(c.denominator, den[1], "antal", den[0].code, den[3], self.home)])

    def _qualitative(self, initiative: Initiative, c: QualitativeCriterion, deadline: dt.date) -> CriterionResult:
        o = self._by_indicator.get(c.measure, self.obs.iloc[0:0])
        rows = o[o["initiative"] == initiative.id]
        entries = sorted(((self.period(r.period), r) for r in rows.itertuples(index=False) if self.period(r.period).start <= self.cutoff(deadline)), key=lambda t: t[0])
        if not entries:
            return self._no_data(initiative, c, deadline, f"Kontaktpersonen har ikke indberettet status for '{c.measure}'.", target_text="vurderes af kontaktpersonen", unit="status")
        period, row = entries[-1]
        label = row.label if isinstance(row.label, str) else None
        comment = row.comment if isinstance(row.comment, str) else None
        if label is None:
            value = None if row.value != row.value else to_decimal(row.value)
            return self._result(initiative, c, deadline, target=None, target_text="vurderes af kontaktpersonen", actual=value, unit=row.unit,
                                status="no_data", explanation=f"Der er indberettet {by_unit(value, row.unit)} ({period.label_da()}), men ingen status.",
                                period=period.code, note=comment)
        status = label
        if status in ("on_track", "behind") and self.as_of > deadline:
            status = "not_met"
        explanation = f"Kontaktpersonen vurderer: {STATUS_LABELS[label].lower()} ({period.label_da()})."
        return self._result(initiative, c, deadline, target=None, target_text="vurderes af kontaktpersonen", actual=None, unit="status",
                            status=status, explanation=explanation, period=period.code, note=comment,
                            figures=[Figure(c.measure, None, "status", period.code, row.source, self.home)])

    def spent(self, initiative: Initiative, deadline: dt.date) -> Decimal | None:
        if not self.has_economy or initiative.economy is None:
            return None
        rows = self.series("forbrug", initiative=initiative.id, until=self.cutoff(deadline))
        start, end = self.plan.period.start, self.plan.period.end
        return sum((v for p, v, _, _ in rows if v is not None and start <= p.end and p.start <= end), Decimal(0))

    def _budget(self, initiative: Initiative, c: BudgetCriterion, deadline: dt.date) -> CriterionResult:
        budget = initiative.budget_total
        target_text = f"{OP_WORDS[c.target.op]} {pct(c.target.value)} af budgettet ({kr(budget)})" if c.target.percent else f"{OP_WORDS[c.target.op]} {kr(c.target.value)}"
        spent = self.spent(initiative, deadline)
        if spent is None:
            return self._no_data(initiative, c, deadline, "Ingen økonomiudtræk indlæst.", target=c.target.value, target_text=target_text, unit="kr")
        share = spent / budget if budget else None
        measured = share if c.target.percent else spent
        if measured is None:
            return self._no_data(initiative, c, deadline, "Indsatsen har intet budget.", target=c.target.value, target_text=target_text, unit="kr")
        holds = c.target.holds(measured)
        if holds and self.as_of <= deadline:
            status = "on_track"  # within budget so far; only judged met once the period is over
        else:
            status = self.judge(holds, deadline, progress_ok=False)
        explanation = f"Forbrugt {kr(spent)} af {kr(budget)}" + (f" ({pct(share)})" if share is not None else "") + f" pr. {dato(self.cutoff(deadline))}."
        return self._result(initiative, c, deadline, target=c.target.value, target_text=target_text, actual=spent, unit="kr",
                            status=status, explanation=explanation, period=None,
                            figures=[Figure("forbrug", spent, "kr", None, "økonomi", self.home), Figure("budget", budget, "kr", None, "handleplan", self.home)])

    def _economy_count(self, initiative: Initiative, c: EconomyCountCriterion, deadline: dt.date) -> CriterionResult:
        key = f"economy_count:{c.id}"
        target_text = self.target_text(c.target, "antal") if c.target else "udvikling fra året før"
        if not self.has_economy:
            return self._no_data(initiative, c, deadline, "Ingen økonomiudtræk indlæst.", target_text=target_text)

        def total(period: Period) -> tuple[Decimal, str | None]:
            rows = [(p, v, s) for p, v, _, s in self.series(key, initiative=initiative.id) if v is not None and period.start <= p.start and p.end <= period.end]
            return sum((v for _, v, _ in rows), Decimal(0)), (rows[0][2] if rows else None)

        if c.period.start > self.as_of:
            return self._no_data(initiative, c, deadline, f"Perioden {c.period.label_da()} er ikke begyndt.", target_text=target_text)
        count, source = total(c.period)
        figures = [Figure("antal bevillinger", count, "antal", c.period.code, source or "økonomi", self.home)]
        accounts = ", ".join(c.accounts)
        if c.target is not None:
            holds = c.target.holds(count)
            status = self.judge(holds, deadline, progress_ok=c.target.higher_is_better and count >= c.target.value * self.elapsed(deadline))
            explanation = f"{tal(count)} bevillinger på konto {accounts} i {c.period.label_da()}; målet er {target_text}."
            return self._result(initiative, c, deadline, target=c.target.value, target_text=target_text, actual=count, unit="antal",
                                status=status, explanation=explanation, period=c.period.code, figures=figures)
        previous = Period(c.period.freq, c.period.year - 1, c.period.index)
        before, _ = total(previous)
        figures.append(Figure("antal bevillinger året før", before, "antal", previous.code, "økonomi", self.home))
        better = count < before if c.better == "lower" else count > before
        status = "met" if better else self.judge(False, deadline, progress_ok=False)
        explanation = f"{tal(count)} bevillinger på konto {accounts} i {c.period.label_da()} mod {tal(before)} i {previous.label_da()}."
        return self._result(initiative, c, deadline, target=None, target_text=target_text, actual=count, unit="antal",
                            status=status, explanation=explanation, period=c.period.code, figures=figures)

    def _indicator_point(self, indicator: str, area: int, period: Period | None, until: dt.date) -> Point | None:
        points = [p for p in self.known(indicator, area=area, until=until) if period is None or p.period == period]
        return points[-1] if points else None

    def _benchmark(self, initiative: Initiative, c: BenchmarkCriterion, deadline: dt.date) -> CriterionResult:
        until = self.cutoff(deadline)
        others = [NATIONAL] if c.against == "national" else [registry().resolve(a).code for a in c.against]
        other_name = "på landsplan" if c.against == "national" else "i " + ", ".join(registry().by_code[a].name for a in others)
        target_text = ("højere" if c.better == "higher" else "lavere") + " end " + ("landsgennemsnittet" if c.against == "national" else other_name[2:])
        # The latest period in which the municipality and every comparison area all have a value.
        for home in reversed(self.known(c.indicator, area=self.home, until=until)):
            found = [self._indicator_point(c.indicator, a, home.period, until) for a in others]
            points = [p for p in found if p is not None]
            if len(points) == len(others):
                break
        else:
            return self._no_data(initiative, c, deadline, f"Ingen fælles periode med tal for {self.plan.municipality_name} og {other_name[3:] if c.against != 'national' else 'hele landet'} for '{c.indicator}'.", target_text=target_text)
        period, value, unit, source = home
        # Against several municipalities: their average.
        reference = sum((p.value for p in points), Decimal(0)) / len(points)
        holds = value > reference if c.better == "higher" else value < reference
        status = self.judge(holds, deadline)
        explanation = f"{by_unit(value, unit)} mod {by_unit(reference, unit)} {other_name} ({period.label_da()})."
        figures = [Figure(self.plan.municipality_name, value, unit, period.code, source, self.home)] + [
            Figure(registry().by_code[a].name, p.value, unit, p.period.code, p.source, a) for a, p in zip(others, points)
        ]
        return self._result(initiative, c, deadline, target=reference, target_text=target_text, actual=value, unit=unit,
                            status=status, explanation=explanation, period=period.code, figures=figures)

    def _trend(self, initiative: Initiative, c: TrendCriterion, deadline: dt.date) -> CriterionResult:
        until = self.cutoff(deadline)
        target_text = ("stigning" if c.better == "higher" else "fald") + f" fra {c.baseline.label_da()}"
        base = self._indicator_point(c.indicator, self.home, c.baseline, until)
        latest = self._indicator_point(c.indicator, self.home, None, until)
        if base is None or latest is None or latest[0] <= c.baseline:
            why = f"Intet tal for '{c.indicator}' i basisåret {c.baseline.label_da()}." if base is None else f"Intet tal for '{c.indicator}' efter {c.baseline.label_da()}."
            return self._no_data(initiative, c, deadline, why, target_text=target_text)
        unit = latest[2]
        change = latest[1] - base[1]
        if c.rule == "barometer":
            # The barometer's own rule: compare the values as published (rounded to whole percent / whole numbers).
            scale = Decimal(100) if unit == "pct" else Decimal(1)
            from decimal import ROUND_HALF_UP

            change = (latest[1] * scale).quantize(Decimal(1), rounding=ROUND_HALF_UP) - (base[1] * scale).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            change = change / scale
        holds = change > 0 if c.better == "higher" else change < 0
        status = self.judge(holds, deadline)
        delta = signed_pp(change) if unit == "pct" else ("+" if change > 0 else "") + by_unit(change, unit)
        explanation = f"{by_unit(latest[1], unit)} i {latest[0].label_da()} mod {by_unit(base[1], unit)} i {base[0].label_da()} ({delta})."
        return self._result(initiative, c, deadline, target=base[1], target_text=target_text, actual=latest[1], unit=unit, status=status,
                            explanation=explanation, period=latest[0].code,
                            figures=[Figure(f"{c.indicator} {base[0].code}", base[1], unit, base[0].code, base[3], self.home),
                                     Figure(f"{c.indicator} {latest[0].code}", latest[1], unit, latest[0].code, latest[3], self.home)])

    def _gap(self, initiative: Initiative, c: GapCriterion, deadline: dt.date) -> CriterionResult:
        until = self.cutoff(deadline)
        area = registry().resolve(c.area).code if c.area is not None else self.home
        target_text = ("mindre" if c.better == "smaller" else "større") + f" forskel end i {c.baseline.label_da()}"

        def gap_at(period: Period | None, where: int) -> tuple[Period, Decimal, Decimal, Decimal, str, str] | None:
            a_series = {r.period: r for r in self.known(c.indicator, area=where, until=until)}
            b_series = {r.period: r for r in self.known(c.reference, area=where, until=until)}
            common = sorted(set(a_series) & set(b_series))
            if period is not None:
                common = [p for p in common if p == period]
            if not common:
                return None
            p = common[-1]
            a, b = a_series[p].value, b_series[p].value
            return p, abs(b - a), a, b, a_series[p].unit, a_series[p].source

        now = gap_at(None, area)
        base = gap_at(c.baseline, area)
        if now is None or base is None or now[0] <= c.baseline:
            missing = "basisåret " + c.baseline.label_da() if base is None else "en periode efter basisåret"
            return self._no_data(initiative, c, deadline, f"Mangler tal for '{c.indicator}' og '{c.reference}' i {missing}.", target_text=target_text)
        unit = now[4]
        holds = now[1] < base[1] if c.better == "smaller" else now[1] > base[1]
        status = self.judge(holds, deadline)
        gap_text = pp(now[1]) if unit == "pct" else by_unit(now[1], unit)
        base_text = pp(base[1]) if unit == "pct" else by_unit(base[1], unit)
        explanation = (f"{by_unit(now[3], unit)} mod {by_unit(now[2], unit)}: en forskel på {gap_text} i {now[0].label_da()} "
                       f"mod {base_text} i {base[0].label_da()}")
        figures = [
            Figure(c.reference, now[3], unit, now[0].code, now[5], area),
            Figure(c.indicator, now[2], unit, now[0].code, now[5], area),
            Figure(f"forskel {base[0].code}", base[1], unit, base[0].code, now[5], area),
        ]
        national = gap_at(now[0], NATIONAL) if area != NATIONAL else None
        if national is not None:
            nat_text = pp(national[1]) if unit == "pct" else by_unit(national[1], unit)
            explanation += f"; på landsplan {by_unit(national[3], unit)} mod {by_unit(national[2], unit)}, en forskel på {nat_text}"
            figures += [Figure(f"{c.reference} (hele landet)", national[3], unit, national[0].code, national[5], NATIONAL),
                        Figure(f"{c.indicator} (hele landet)", national[2], unit, national[0].code, national[5], NATIONAL)]
        # A gap between two shares is in percentage points (unit "pp"), not a share of anything.
        return self._result(initiative, c, deadline, target=base[1], target_text=target_text, actual=now[1], unit="pp" if unit == "pct" else unit,
                            status=status, explanation=explanation + ".", period=now[0].code, figures=figures)


def sentence(text: str) -> str:
    """End a Danish explanation with exactly one full stop ("mindst 50 pct." stays as it is)."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


def evaluate(plan: Plan, observations: "pd.DataFrame", as_of: dt.date, *, has_economy: bool = True) -> list[InitiativeResult]:
    """Evaluate every criterion of the plan as of ``as_of``."""
    return Evaluator(plan, observations, as_of, has_economy=has_economy).evaluate()
