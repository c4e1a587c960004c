"""The criteria engine, table-driven: each kind at its status boundaries, against an explicit as-of date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from reportgen.domain.observations import observations_frame
from reportgen.domain.status import worst_status
from reportgen.evaluate import CriterionResult, evaluate
from reportgen.plan import load_plan

D = dt.date
START, END = D(2019, 1, 1), D(2020, 12, 31)


def plan_with(tmp_path: Path, criterion: dict[str, Any], **initiative: Any) -> Any:
    data = {
        "title": "Test",
        "municipality": 147,
        "period": {"start": START, "end": END},
        "committees": {"AUU": "Arbejdsmarkedsudvalget"},
        "goals": {"g": "Mål"},
        "initiatives": [
            {
                "id": "1",
                "title": "Indsats",
                "goal": "g",
                "committees": ["AUU"],
                "contact": "Kontakt",
                "criteria": [{"id": "1.1", "text": "Kriterie", **criterion}],
                **initiative,
            }
        ],
    }
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_plan(path)


def obs(
    indicator: str,
    period: str,
    value: float | None,
    *,
    area: int = 147,
    unit: str = "antal",
    initiative: str | None = "1",
    label: str | None = None,
) -> dict[str, Any]:
    return {
        "source": "test",
        "indicator": indicator,
        "area": area,
        "period": period,
        "value": value,
        "unit": unit,
        "initiative": initiative,
        "label": label,
        "comment": None,
    }


def run(
    tmp_path: Path,
    criterion: dict[str, Any],
    rows: list[dict[str, Any]],
    as_of: dt.date,
    *,
    has_economy: bool = True,
    **initiative: Any,
) -> CriterionResult:
    plan = plan_with(tmp_path, criterion, **initiative)
    (result,) = evaluate(plan, observations_frame(rows), as_of, has_economy=has_economy)
    return result.criteria[0]


COUNT = {"kind": "count", "measure": "deltagere", "target": ">= 20", "deadline": "2019-12-31"}


@pytest.mark.parametrize(
    "value, as_of, status",
    [
        (20, D(2019, 6, 30), "met"),  # exactly at the target
        (20, D(2020, 6, 30), "met"),  # after the deadline, reached
        (19, D(2019, 12, 31), "not_met"),  # one below, deadline today: final
        (19, D(2019, 12, 30), "behind"),  # one below, the day before the deadline: below pro rata (20)
        (19, D(2020, 1, 1), "not_met"),  # one below, deadline yesterday
        (10, D(2019, 7, 2), "on_track"),  # 182 of 364 days: expected 20 * 0.5 = 10 persons
        (9, D(2019, 7, 2), "behind"),
        (None, D(2019, 7, 2), "no_data"),
    ],
)
def test_count(tmp_path: Path, value: float | None, as_of: dt.date, status: str) -> None:
    rows = [] if value is None else [obs("deltagere", "2019K1", value)]
    result = run(tmp_path, COUNT, rows, as_of)
    assert result.status == status
    assert result.target_text == "mindst 20"
    if status == "no_data":
        assert result.explanation == "Ingen indberetning af deltagere i målingsarket."


def test_count_uses_the_latest_figure_known_at_the_as_of_date_and_deadline(tmp_path: Path) -> None:
    rows = [obs("deltagere", "2019K2", 12), obs("deltagere", "2019K4", 21), obs("deltagere", "2020K1", 25)]
    assert run(tmp_path, COUNT, rows, D(2019, 9, 30)).actual == 12  # 2019K4 had not begun
    late = run(tmp_path, COUNT, rows, D(2020, 6, 30))
    assert late.actual == 21 and late.period == "2019K4"  # 2020K1 began after the deadline
    assert late.explanation == "21 (4. kvt. 2019); målet er mindst 20."


def test_a_missing_latest_value_falls_back_to_the_last_known(tmp_path: Path) -> None:
    rows = [obs("deltagere", "2019K2", 12), obs("deltagere", "2019K3", None)]
    assert run(tmp_path, COUNT, rows, D(2019, 9, 30)).actual == 12


@pytest.mark.parametrize(
    "target, value, as_of, status",
    [
        # a count that must stay below a limit can still rise: before the deadline it holds "so far"
        ("< 30", 29, D(2019, 6, 1), "on_track"),
        ("< 30", 30, D(2019, 6, 1), "behind"),
        ("<= 30", 30, D(2019, 6, 1), "on_track"),
        ("= 3", 3, D(2019, 6, 1), "on_track"),
        ("< 30", 29, D(2019, 12, 31), "met"),
        ("< 30", 30, D(2019, 12, 31), "not_met"),
    ],
)
def test_count_with_other_comparisons(tmp_path: Path, target: str, value: float, as_of: dt.date, status: str) -> None:
    result = run(tmp_path, {**COUNT, "target": target}, [obs("deltagere", "2019K1", value)], as_of)
    assert result.status == status


@pytest.mark.parametrize(
    "value, as_of, expected",
    [
        # 1 Jan - 31 Dec 2019 is 364 days; on 2 July 182 have passed: 20 * 0.5 = 10
        (8, D(2019, 7, 2), "forventet 10 på nuværende tidspunkt"),
        # on 1 May 120 days have passed: 20 * 120/364 = 6,59 -> 7 whole persons, never "6,6"
        (5, D(2019, 5, 1), "forventet 7 på nuværende tidspunkt"),
    ],
)
def test_a_count_behind_states_the_pro_rata_expectation_in_whole_persons(
    tmp_path: Path, value: float, as_of: dt.date, expected: str
) -> None:
    result = run(tmp_path, COUNT, [obs("deltagere", "2019K1", value)], as_of)
    assert result.status == "behind"
    assert result.explanation == f"{value} (1. kvt. 2019); målet er mindst 20, {expected}."


RATIO = {"kind": "ratio", "numerator": "gennemfoert", "denominator": "deltagere", "target": ">= 80%"}


@pytest.mark.parametrize(
    "num, den, as_of, status",
    [
        (8, 10, D(2019, 3, 1), "on_track"),  # exactly 80 %, compared exactly; a share can fall again
        (8, 10, D(2020, 12, 31), "met"),  # on the deadline the verdict is final
        (79, 100, D(2021, 1, 1), "not_met"),  # one point below, deadline passed
        (79, 100, D(2020, 12, 31), "not_met"),  # deadline today: final
        (79, 100, D(2020, 12, 30), "behind"),  # the day before: below the target now
        (1, 10, D(2019, 1, 2), "behind"),  # a share is not judged pro rata: 10 % is below 80 % however early
        (3, 0, D(2019, 6, 1), "no_data"),  # nothing to divide by
    ],
)
def test_ratio(tmp_path: Path, num: float, den: float, as_of: dt.date, status: str) -> None:
    rows = [obs("gennemfoert", "2019K1", num), obs("deltagere", "2019K1", den)]
    assert run(tmp_path, RATIO, rows, as_of).status == status


def test_ratio_comparison_is_exact_not_binary_float(tmp_path: Path) -> None:
    # 0.1 + 0.2 != 0.3 in floats; shares are compared as decimals
    rows = [obs("gennemfoert", "2019K1", 3), obs("deltagere", "2019K1", 10)]
    result = run(tmp_path, {**RATIO, "target": ">= 30%"}, rows, D(2019, 6, 1))
    assert result.status == "on_track"
    assert result.explanation == "30,0 pct. (3 af 10, 1. kvt. 2019); målet er mindst 30 pct.; holder foreløbig målet."
    final = run(tmp_path, {**RATIO, "target": ">= 30%"}, rows, D(2020, 12, 31))
    assert final.status == "met" and final.explanation == "30,0 pct. (3 af 10, 1. kvt. 2019); målet er mindst 30 pct."


def test_a_share_below_target_says_so_before_the_deadline(tmp_path: Path) -> None:
    rows = [obs("gennemfoert", "2019K4", 9), obs("deltagere", "2019K4", 19)]
    result = run(tmp_path, RATIO, rows, D(2019, 12, 31))
    assert result.status == "behind"
    assert result.explanation == (
        "47,4 pct. (9 af 19, 4. kvt. 2019); målet er mindst 80 pct.; under målet på nuværende tidspunkt."
    )


def test_ratio_missing_part(tmp_path: Path) -> None:
    result = run(tmp_path, RATIO, [obs("deltagere", "2019K1", 10)], D(2019, 6, 1))
    assert result.status == "no_data" and result.explanation == "Ingen indberetning af »gennemfoert« i målingsarket."


def pct(indicator: str, period: str, value: float | None, area: int = 147) -> dict[str, Any]:
    return obs(indicator, period, value, area=area, unit="pct", initiative=None)


BENCH = {"kind": "benchmark", "indicator": "job", "against": "national", "better": "higher", "deadline": "2019-12-31"}


@pytest.mark.parametrize(
    "home, national, better, as_of, status",
    [
        (0.421, 0.42, "higher", D(2019, 6, 1), "on_track"),
        (0.421, 0.42, "higher", D(2019, 12, 31), "met"),
        (0.42, 0.42, "higher", D(2019, 6, 1), "behind"),  # equal is not better
        (0.42, 0.42, "higher", D(2020, 1, 1), "not_met"),
        (0.38, 0.42, "lower", D(2019, 6, 1), "on_track"),
        (0.38, 0.42, "lower", D(2020, 1, 1), "met"),
        (None, 0.42, "higher", D(2019, 6, 1), "no_data"),  # suppressed value: no data, never 0
    ],
)
def test_benchmark(
    tmp_path: Path, home: float | None, national: float, better: str, as_of: dt.date, status: str
) -> None:
    rows = [pct("job", "2018K2", home), pct("job", "2018K2", national, area=0)]
    assert run(tmp_path, {**BENCH, "better": better}, rows, as_of).status == status


def test_benchmark_uses_the_latest_period_both_have_and_says_so(tmp_path: Path) -> None:
    rows = [pct("job", "2018K2", 0.38), pct("job", "2018K2", 0.42, area=0), pct("job", "2018K3", 0.40)]
    result = run(tmp_path, BENCH, rows, D(2019, 6, 1))
    assert result.period == "2018K2"
    assert result.explanation == "38 pct. mod 42 pct. på landsplan (2. kvt. 2018); under målet på nuværende tidspunkt."
    assert [float(f.value) for f in result.figures if f.value is not None] == [0.38, 0.42]


def test_benchmark_against_a_list_of_municipalities_uses_their_average(tmp_path: Path) -> None:
    rows = [pct("job", "2018", 0.40), pct("job", "2018", 0.38, area=101), pct("job", "2018", 0.41, area=157)]
    result = run(tmp_path, {**BENCH, "against": [101, "Gentofte"]}, rows, D(2019, 6, 1))
    assert result.status == "on_track" and result.target is not None and float(result.target) == pytest.approx(0.395)
    # the average is computed, so it has one decimal; the published figure keeps its own precision
    assert result.explanation == "40 pct. mod 39,5 pct. i København, Gentofte (2018); holder foreløbig målet."


def test_benchmark_without_a_common_period_names_every_municipality_in_full(tmp_path: Path) -> None:
    rows = [pct("job", "2018", 0.40), pct("job", "2017", 0.38, area=101)]
    result = run(tmp_path, {**BENCH, "against": [101]}, rows, D(2019, 6, 1))
    assert result.status == "no_data"
    assert result.explanation == "Ingen fælles periode med tal for Frederiksberg og København for job."


TREND = {"kind": "trend", "indicator": "job", "baseline": "2017", "better": "higher"}


@pytest.mark.parametrize(
    "base, latest, rule, status",
    [
        (0.384, 0.386, "exact", "on_track"),
        (0.384, 0.386, "barometer", "on_track"),  # 38 -> 39 as published
        (0.381, 0.384, "exact", "on_track"),
        (0.381, 0.384, "barometer", "behind"),  # 38 -> 38: unchanged by the barometer's rule
        (0.40, 0.40, "exact", "behind"),
    ],
)
def test_trend(tmp_path: Path, base: float, latest: float, rule: str, status: str) -> None:
    rows = [pct("job", "2017", base), pct("job", "2019", latest)]
    assert run(tmp_path, {**TREND, "rule": rule}, rows, D(2020, 6, 1)).status == status


def test_trend_without_baseline_or_later_data(tmp_path: Path) -> None:
    assert run(tmp_path, TREND, [pct("job", "2019", 0.4)], D(2020, 6, 1)).status == "no_data"
    result = run(tmp_path, TREND, [pct("job", "2017", 0.4)], D(2020, 6, 1))
    assert result.status == "no_data" and "efter 2017" in result.explanation


def test_trend_explanation(tmp_path: Path) -> None:
    rows = [pct("job", "2017", 0.33), pct("job", "2018", 0.38)]
    result = run(tmp_path, {**TREND, "better": "lower"}, rows, D(2021, 1, 1))
    assert result.status == "not_met"
    assert result.explanation == "38 pct. i 2018 mod 33 pct. i 2017 (+5 procentpoint)."


GAP = {"kind": "gap", "indicator": "ikke_vestlig", "reference": "dansk", "baseline": "2015", "better": "smaller"}


def test_gap_with_the_kalundborg_figures(tmp_path: Path) -> None:
    rows = [
        pct("dansk", "2015", 0.90),
        pct("ikke_vestlig", "2015", 0.54),
        pct("dansk", "2017", 0.92),
        pct("ikke_vestlig", "2017", 0.58),
        pct("dansk", "2017", 0.97, area=0),
        pct("ikke_vestlig", "2017", 0.86, area=0),
    ]
    plan_rows = [{**r, "area": 326 if r["area"] == 147 else r["area"]} for r in rows]
    plan = plan_with(tmp_path, GAP)
    plan = plan.model_copy(update={"municipality": 326})
    (result,) = evaluate(plan, observations_frame(plan_rows), D(2019, 12, 31))
    gap = result.criteria[0]
    assert gap.status == "on_track" and gap.unit == "pp"
    assert gap.actual is not None and gap.target is not None
    assert float(gap.actual) == pytest.approx(0.34) and float(gap.target) == pytest.approx(0.36)
    assert gap.explanation == (
        "92 pct. mod 58 pct.: en forskel på 34 procentpoint i 2017 mod 36 procentpoint i 2015; "
        "på landsplan 97 pct. mod 86 pct., en forskel på 11 procentpoint; holder foreløbig målet."
    )


@pytest.mark.parametrize("now_a, status", [(0.56, "behind"), (0.58, "on_track")])
def test_gap_equal_is_not_smaller(tmp_path: Path, now_a: float, status: str) -> None:
    rows = [
        pct("dansk", "2015", 0.90),
        pct("ikke_vestlig", "2015", 0.56),
        pct("dansk", "2017", 0.90),
        pct("ikke_vestlig", "2017", now_a),
    ]
    assert run(tmp_path, GAP, rows, D(2019, 12, 31)).status == status


def test_gap_without_baseline(tmp_path: Path) -> None:
    rows = [pct("dansk", "2017", 0.9), pct("ikke_vestlig", "2017", 0.5)]
    result = run(tmp_path, GAP, rows, D(2019, 12, 31))
    assert result.status == "no_data" and "basisåret 2015" in result.explanation


BUDGET = {"kind": "budget"}
ECONOMY: dict[str, Any] = {"budget": {2019: 100000}, "economy": {"projects": ["P1"]}}


@pytest.mark.parametrize(
    "spent, as_of, status",
    [
        (100000, D(2020, 6, 1), "on_track"),
        (100000, D(2020, 12, 31), "met"),  # spent exactly in full, on the deadline
        (100000, D(2021, 1, 1), "met"),
        (100001, D(2020, 6, 1), "not_met"),  # money spent does not come back: over the limit is final at once
        (100001, D(2021, 1, 1), "not_met"),
    ],
)
def test_budget(tmp_path: Path, spent: float, as_of: dt.date, status: str) -> None:
    rows = [obs("forbrug", "2019M03", spent / 2, unit="kr"), obs("forbrug", "2019M09", spent / 2, unit="kr")]
    result = run(tmp_path, BUDGET, rows, as_of, **ECONOMY)
    assert result.status == status and result.actual == spent
    assert result.target_text == "højst 100 pct. af budgettet (100.000 kr.)"
    assert result.target == 100000  # the limit in kr., not the share 1


def test_an_exceeded_budget_says_by_how_much(tmp_path: Path) -> None:
    rows = [obs("forbrug", "2019M03", 104700, unit="kr")]
    before = run(tmp_path, BUDGET, rows, D(2020, 6, 1), **ECONOMY)
    assert before.status == "not_met"
    assert before.explanation == (
        "Forbrugt 104.700 kr. af 100.000 kr. (104,7 pct.) pr. 1. juni 2020; "
        "budgettet er overskredet med 4.700 kr. (4,7 pct.)."
    )
    after = run(tmp_path, BUDGET, rows, D(2021, 1, 1), **ECONOMY)
    assert after.status == "not_met" and after.explanation.endswith(
        "budgettet er overskredet med 4.700 kr. (4,7 pct.)."
    )


def test_a_budget_within_its_limit_before_the_deadline_says_it_holds_so_far(tmp_path: Path) -> None:
    rows = [obs("forbrug", "2019M03", 69163.41, unit="kr")]
    result = run(tmp_path, BUDGET, rows, D(2019, 12, 31), **ECONOMY)
    assert result.status == "on_track"
    assert result.explanation == (
        "Forbrugt 69.163 kr. af 100.000 kr. (69,2 pct.) pr. 31. december 2019; holder foreløbig budgettet."
    )


def test_budget_without_economy_data(tmp_path: Path) -> None:
    result = run(tmp_path, BUDGET, [], D(2020, 6, 1), has_economy=False, **ECONOMY)
    assert result.status == "no_data" and result.explanation == "Ingen økonomiudtræk indlæst."


ECONOMY_COUNT = {"kind": "economy_count", "accounts": ["5.46.65"], "period": "2019", "better": "higher"}


def grants(period: str, n: float) -> dict[str, Any]:
    return obs("economy_count:1.1", period, n)


@pytest.mark.parametrize("n2018, n2019, status", [(3, 4, "met"), (3, 3, "not_met"), (0, 0, "not_met")])
def test_economy_count_against_the_year_before(tmp_path: Path, n2018: float, n2019: float, status: str) -> None:
    rows = [grants("2018M05", n2018), grants("2019M02", n2019)]
    result = run(tmp_path, ECONOMY_COUNT, rows, D(2021, 1, 31))
    assert result.status == status
    assert result.explanation.startswith(f"{n2019:.0f} bevillinger på konto 5.46.65 i 2019 mod {n2018:.0f} i 2018")


@pytest.mark.parametrize("target, status", [(">= 4", "met"), (">= 5", "not_met"), ("<= 4", "met")])
def test_economy_count_with_a_target(tmp_path: Path, target: str, status: str) -> None:
    rows = [grants("2019M02", 3), grants("2019M11", 2), grants("2019M12", -1)]
    result = run(tmp_path, {**ECONOMY_COUNT, "target": target}, rows, D(2021, 1, 31))
    assert result.actual == 4 and result.status == status


def test_economy_count_before_its_period(tmp_path: Path) -> None:
    result = run(tmp_path, ECONOMY_COUNT, [], D(2018, 6, 1))
    assert result.status == "not_measured" and result.explanation == "Perioden 2019 er ikke begyndt."


QUAL = {"kind": "qualitative", "measure": "trivsel", "deadline": "2019-12-31"}


@pytest.mark.parametrize(
    "label, as_of, status",
    [
        ("met", D(2019, 6, 1), "met"),  # shown as reported until the deadline
        ("met", D(2019, 12, 31), "met"),
        ("on_track", D(2019, 6, 1), "on_track"),
        ("on_track", D(2019, 12, 31), "not_met"),  # on the deadline "på vej" is not enough
        ("on_track", D(2020, 1, 1), "not_met"),
        ("behind", D(2019, 12, 30), "behind"),
        ("not_met", D(2019, 6, 1), "not_met"),
        (None, D(2019, 6, 1), "no_data"),
    ],
)
def test_qualitative(tmp_path: Path, label: str | None, as_of: dt.date, status: str) -> None:
    rows = [] if label is None else [obs("trivsel", "2019K1", None, unit="status", label=label)]
    assert run(tmp_path, QUAL, rows, as_of).status == status


def test_worst_status() -> None:
    assert worst_status(["met", "on_track", "behind"]) == "behind"
    assert worst_status(["met", "no_data"]) == "met"
    assert worst_status(["no_data"]) == "no_data"
    assert worst_status(["on_track", "not_met", "met"]) == "not_met"
