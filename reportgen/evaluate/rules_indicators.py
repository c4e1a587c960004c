"""The rules for criteria on published indicators: the municipality against other areas, its development since a
baseline period, and the gap between two indicators."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from reportgen.domain.areas import NATIONAL, registry
from reportgen.domain.danish_text import SHARE_DECIMALS, by_unit, pp, precision, signed_pp
from reportgen.domain.periods import Period
from reportgen.evaluate.readings import Readings
from reportgen.evaluate.results import CriterionResult, Figure, GapPoint, Point
from reportgen.evaluate.verdict import Verdict
from reportgen.plan import BenchmarkCriterion, GapCriterion, TrendCriterion


class IndicatorRules(Readings):
    """``benchmark``, ``trend`` and ``gap`` criteria."""

    def _indicator_point(self, indicator: str, area: int, period: Period | None, until: dt.date) -> Point | None:
        """An area's value of an indicator in ``period`` (None: its latest) among periods started by ``until``."""
        points = [p for p in self.known(indicator, area=area, until=until) if period is None or p.period == period]
        return points[-1] if points else None

    def _comparison(self, c: BenchmarkCriterion) -> tuple[list[int], str, str, bool]:
        """The areas a benchmark compares with, how the sentence names them ("på landsplan"), how the target does
        ("landsgennemsnittet"), and whether the reference is an average reportgen computes."""
        group = registry().by_code[self.home].group
        if c.against == "national" or (c.against == "kommunegruppe" and group is None):
            return [NATIONAL], "på landsplan", "landsgennemsnittet", False
        if c.against == "kommunegruppe" and group is not None:
            name = registry().by_code[group].name
            if self.known(c.indicator, area=group):  # the group's own published figure
                return [group], f"i kommunegruppen {name}", f"kommunegruppen ({name})", False
            members = [a.code for a in registry().municipalities if a.group == group and a.code != self.home]
            present = [a for a in members if self.known(c.indicator, area=a)]
            return present or members, f"i gennemsnit for {name.lower()}", f"gennemsnittet for {name.lower()}", True
        others = [registry().resolve(a).code for a in c.against]
        names = ", ".join(registry().by_code[a].name for a in others)
        return others, f"i {names}", names, True

    def decide_benchmark(self, c: BenchmarkCriterion, v: Verdict) -> CriterionResult:
        national = c.against == "national"
        others, other_name, target_name, averaged = self._comparison(c)
        direction = "højere" if c.better == "higher" else "lavere"
        v.target_text = f"{direction} end {target_name}"
        # The latest period in which the municipality and every comparison area all have a value.
        for home in reversed(self.known(c.indicator, area=self.home, until=v.cutoff)):
            found = [self._indicator_point(c.indicator, a, home.period, v.cutoff) for a in others]
            points = [p for p in found if p is not None]
            if len(points) == len(others):
                break
        else:
            compared = "hele landet" if national else target_name
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
        shown = SHARE_DECIMALS if averaged else v.decimals
        explanation = (
            f"{by_unit(home.value, v.unit, v.decimals)} mod {by_unit(reference, v.unit, shown)} {other_name} "
            f"({home.period.label_da()})"
        )
        figures = [Figure(self.plan.municipality_name, home.value, v.unit, home.period.code, home.source, self.home)]
        figures += [
            Figure(registry().by_code[a].name, p.value, v.unit, p.period.code, p.source, a)
            for a, p in zip(others, points, strict=True)
        ]
        status = v.interim(holds)
        return v.result(home.value, status, explanation, period=home.period.code, figures=figures)

    def decide_trend(self, c: TrendCriterion, v: Verdict) -> CriterionResult:
        v.target_text = ("stigning" if c.better == "higher" else "fald") + f" fra {c.baseline.label_da()}"
        base = self._indicator_point(c.indicator, self.home, c.baseline, v.cutoff)
        latest = self._indicator_point(c.indicator, self.home, None, v.cutoff)
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
        status = v.interim(holds)
        return v.result(latest.value, status, explanation, period=latest.period.code, figures=figures)

    def _gap_at(self, c: GapCriterion, period: Period | None, where: int, until: dt.date) -> GapPoint | None:
        """The gap between the criterion's two indicators in an area in ``period`` (None: the latest period both
        have) among periods started by ``until``."""
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

    def decide_gap(self, c: GapCriterion, v: Verdict) -> CriterionResult:
        area = registry().resolve(c.area).code if c.area is not None else self.home
        v.target_text = ("mindre" if c.better == "smaller" else "større") + f" forskel end i {c.baseline.label_da()}"
        now = self._gap_at(c, None, area, v.cutoff)
        base = self._gap_at(c, c.baseline, area, v.cutoff)
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
        national = self._gap_at(c, now.period, NATIONAL, v.cutoff) if area != NATIONAL else None
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
        status = v.interim(holds)
        return v.result(now.gap, status, explanation, period=now.period.code, figures=figures)
