"""Exact money end to end, and the defects found by reading the code: each test here failed before its fix."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

import reportgen.readers.csv_postings as csv_postings
from reportgen.errors import ProblemLog
from reportgen.evaluate import Evaluator
from reportgen.evaluate.economy import economy_observations
from reportgen.plan import load_plan
from reportgen.readers.economy import EconomySettings, read_postings
from tests.conftest import pack_dir

PLAN_DATA = {
    "title": "Test",
    "municipality": 147,
    "period": {"start": "2019-01-01", "end": "2019-12-31"},
    "committees": {"AUU": "Arbejdsmarkedsudvalget"},
    "goals": {"g": "Mål"},
    "initiatives": [
        {
            "id": "1",
            "title": "Indsats",
            "goal": "g",
            "committees": ["AUU"],
            "contact": "Kontakt",
            "budget": {2019: 100000},
            "economy": {"projects": ["P1"]},
            "criteria": [{"id": "1.B", "text": "Budgettet holdes", "kind": "budget"}],
        }
    ],
}


def danish(amount: Decimal) -> str:
    """-1234.5 -> '1.234,50-' (the finance system's trailing minus)."""
    whole, frac = f"{abs(amount):.2f}".split(".")
    return f"{int(whole):,}".replace(",", ".") + "," + frac + ("-" if amount < 0 else "")


amounts = st.decimals(min_value=Decimal("-99999.99"), max_value=Decimal("999999.99"), places=2)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(amounts, min_size=1, max_size=40))
def test_the_reported_spend_is_the_exact_sum_of_the_postings(tmp_path: Path, postings: list[Decimal]) -> None:
    csv = tmp_path / "x.csv"
    lines = ["dato;konto;projekt;tekst;beloeb"]
    lines += [f"{1 + k % 28:02d}-{1 + k % 12:02d}-2019;5.46.60;P1;t;{danish(a)}" for k, a in enumerate(postings)]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plan_path = tmp_path / "plan.yaml"
    plan_path.write_text(yaml.safe_dump(PLAN_DATA), encoding="utf-8")
    plan = load_plan(plan_path)
    problems = ProblemLog()
    frame = read_postings(csv, "x.csv", EconomySettings(), problems)
    assert problems.errors == []
    assert int(frame["oere"].sum()) == int(sum(postings) * 100)
    spent = Evaluator(plan, economy_observations(frame, plan), dt.date(2019, 12, 31)).spent(
        plan.initiatives[0], dt.date(2019, 12, 31)
    )
    assert spent == sum(postings, Decimal(0))


def test_a_budget_spent_to_the_oere_is_met_on_the_deadline(tmp_path: Path) -> None:
    # 0.1 + 0.2 in floats is 0.30000000000000004; 100.000 kr. booked as 1/3 + 1/3 + 1/3 must still add up exactly
    csv = tmp_path / "x.csv"
    rows = [
        "15-01-2019;5.46.60;P1;t;33.333,33",
        "15-02-2019;5.46.60;P1;t;33.333,33",
        "15-03-2019;5.46.60;P1;t;33.333,34",
    ]
    csv.write_text("dato;konto;projekt;tekst;beloeb\n" + "\n".join(rows) + "\n", encoding="utf-8")
    plan_path = tmp_path / "plan.yaml"
    plan_path.write_text(yaml.safe_dump(PLAN_DATA), encoding="utf-8")
    plan = load_plan(plan_path)
    frame = read_postings(csv, "x.csv", EconomySettings(), ProblemLog())
    (result,) = Evaluator(plan, economy_observations(frame, plan), dt.date(2019, 12, 31)).evaluate()
    assert result.criteria[0].actual == Decimal("100000.00")
    assert result.criteria[0].status == "met"


def test_amounts_with_more_than_two_decimals_or_absurd_size_are_refused(tmp_path: Path) -> None:
    csv = tmp_path / "x.csv"
    csv.write_text(
        "dato;konto;projekt;tekst;beloeb\n15-01-2019;5.46.60;P1;t;12,345\n15-01-2019;5.46.60;P1;t;" + "9" * 400 + "\n",
        encoding="utf-8",
    )
    problems = ProblemLog()
    read_postings(csv, "x.csv", EconomySettings(), problems)
    assert [(p.row, p.message) for p in problems.errors] == [
        (2, "'12,345' is not an amount"),
        (3, f"'{'9' * 60}…' (400 characters) is not an amount"),  # an echoed value is cut to a readable length
    ]


def test_money_cells_in_the_appendix_are_exact_to_the_oere(example: Path, cli) -> None:
    assert cli("run", "--annual", "2020").exit_code == 0
    wb = load_workbook(pack_dir(example) / "aarsstatus-2020" / "aarsbilag-2020.xlsx")
    ws = wb["Økonomi"]
    header = [c.value for c in ws[1]]
    money = [
        j
        for j, name in enumerate(header)
        if isinstance(name, str) and not name.startswith("Forbrugt af budget") and name not in ("Indsats", "Titel")
    ]
    cells = [row[j] for row in ws.iter_rows(min_row=2, values_only=True) for j in money if row[j] is not None]
    numbers = [v for v in cells if isinstance(v, int | float)]
    assert len(cells) > 100 and numbers == cells
    assert all(round(v, 2) == v and len(repr(float(v)).split(".")[-1]) <= 2 for v in numbers)


@pytest.mark.parametrize("quoted", [False, True])
@pytest.mark.parametrize("trailing_blank_lines", [0, 1, 5])
def test_total_rows_at_a_chunk_boundary_are_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trailing_blank_lines: int, quoted: bool
) -> None:
    # 4 postings, then two total rows and blank lines; blocks of about 2 rows (Arrow) or 5 rows (the csv module, for a
    # file with quotes) put a block boundary between the postings and the totals, or between the two totals
    monkeypatch.setattr(csv_postings, "BLOCK_BYTES", 64)
    monkeypatch.setattr(csv_postings, "CHUNK_ROWS", 5)
    lines = ["dato;konto;projekt;tekst;beloeb"]
    text = '"t"' if quoted else "t"
    lines += [f"1{k}-01-2019;5.46.60;P1;{text};100,00" for k in range(4)]
    lines += [";;;I alt P1;400,00", ";;;Total;400,00"] + [""] * trailing_blank_lines
    csv = tmp_path / "x.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = ProblemLog()
    frame = read_postings(csv, "x.csv", EconomySettings(), problems)
    assert problems.errors == []
    assert [w.row for w in problems.warnings] == [7, 6]
    assert len(frame) == 4 and frame["oere"].sum() == 40000
    assert frame["line"].tolist() == [2, 3, 4, 5]


def test_the_manifest_records_the_command_that_ran(example: Path, cli) -> None:
    assert cli("run", "--annual", "2019", "--today", "2019-12-31").exit_code == 0
    manifest = json.loads((pack_dir(example) / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["command"] == "reportgen run --annual 2019 --today 2019-12-31"
    assert (
        cli("run", "--committee", "AUU", "--committee", "UU", "--meeting", "2020-03-10", "--unscheduled").exit_code == 0
    )
    manifest = json.loads((pack_dir(example) / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["command"] == "reportgen run --meeting 2020-03-10 --committee AUU --committee UU --unscheduled"


@pytest.mark.parametrize(
    ("today", "period"), [("2026-11-24", "2020K4"), ("2018-05-01", "2019K1"), ("2020-05-01", "2020K2")]
)
def test_collect_prefills_a_period_inside_the_plan(example: Path, cli, today: str, period: str) -> None:
    assert cli("collect", "--out", "ark", "--today", today, "--simulate").exit_code == 0  # 2018: before the plan
    for path in (example / "ark").glob("*.xlsx"):
        ws = load_workbook(path)["Målinger"]
        assert {ws.cell(row=r, column=3).value for r in range(5, ws.max_row + 1)} == {period}


def test_validate_warns_about_a_key_without_a_danish_label(example: Path, cli) -> None:
    plan = example / "inputs" / "handleplan_2019.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("  besvarelser: besvarelser\n", ""), encoding="utf-8")
    result = cli("validate")
    assert result.exit_code == 0
    assert (
        "reportgen: warning: inputs/handleplan_2019.yaml:labels: 'besvarelser' has no Danish label, so council text "
        "would name it by its key (labels: {besvarelser: <how the report should name it>} in the plan)"
    ) in result.stderr
