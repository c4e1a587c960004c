"""The plan workbook (handleplan.xlsx): the same plans as the YAML, read with errors by sheet, row and column, and
`reportgen plan convert` both ways without loss."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from reportgen.errors import InputError
from reportgen.pipeline.inputs import load_plan_file
from reportgen.plan import CRITERION_KINDS, Plan, load_plan
from reportgen.plan.model import CRITERION_TYPES, EconomyFilter, Initiative, PlanPeriod
from reportgen.plan.serialize import plan_yaml
from reportgen.plan.workbook_format import (
    CRITERION_COLUMNS,
    INITIATIVE_COLUMNS,
    PLAN_FIELDS,
    WORDS,
    plan_rows,
)
from reportgen.render.plan_workbook import plan_workbook_bytes
from tests.conftest import REPO, edit_config

SHIPPED = [
    REPO / "inputs" / "handleplan_2019.yaml",
    REPO / "examples" / "kalundborg-2019" / "handleplan_2019.yaml",
    REPO / "examples" / "silkeborg-2018" / "handleplan_2016_2018.yaml",
]


def workbook_of(plan: Plan, path: Path) -> Path:
    path.write_bytes(plan_workbook_bytes(plan_rows(plan), municipality="Frederiksberg Kommune"))
    return path


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    return workbook_of(load_plan(SHIPPED[0]), tmp_path / "handleplan.xlsx")


def problems_of(path: Path) -> list[Any]:
    with pytest.raises(InputError) as caught:
        load_plan_file(path, path.name)
    return caught.value.problems


def edit(path: Path, sheet: str, cell: str, value: Any) -> None:
    wb = load_workbook(path)
    wb[sheet][cell] = value
    wb.save(path)


@pytest.mark.parametrize("source", SHIPPED, ids=lambda p: p.parent.name)
def test_every_shipped_plan_converts_to_a_workbook_and_back_without_loss(source: Path, tmp_path: Path) -> None:
    original = load_plan(source)
    from_workbook = load_plan_file(workbook_of(original, tmp_path / "plan.xlsx"), "plan.xlsx")
    assert from_workbook == original
    yaml_path = tmp_path / "plan.yaml"
    yaml_path.write_text(plan_yaml(from_workbook, source="plan.xlsx"), encoding="utf-8")
    assert load_plan(yaml_path) == original


def test_every_field_of_the_plan_has_a_column() -> None:
    """A field added to the plan model must get a workbook column, or the conversion would lose it."""
    criterion_keys = {c.key for c in CRITERION_COLUMNS} | {"kind"}
    for model in CRITERION_TYPES:
        assert set(model.model_fields) <= criterion_keys, model.__name__
    initiative_keys = {c.key.split(".")[0] for c in INITIATIVE_COLUMNS} | {"budget", "criteria"}
    assert set(Initiative.model_fields) <= initiative_keys
    assert {f"economy.{k}" for k in EconomyFilter.model_fields} <= {c.key for c in INITIATIVE_COLUMNS}
    plan_keys = {c.key.split(".")[0] for c in PLAN_FIELDS} | {"committees", "goals", "initiatives", "labels"}
    assert set(Plan.model_fields) <= plan_keys
    assert {f"period.{k}" for k in PlanPeriod.model_fields} <= {c.key for c in PLAN_FIELDS}
    assert set(WORDS["kind"].values()) == set(CRITERION_KINDS)


def test_the_workbook_offers_drop_down_lists_and_keeps_codes_as_text(workbook: Path) -> None:
    wb = load_workbook(workbook)
    assert wb.sheetnames[0] == "Vejledning"
    criteria = wb["Succeskriterier"]
    lists = {str(dv.sqref).split(":")[0][0]: dv.formula1 for dv in criteria.data_validations.dataValidation}
    assert "antal" in lists["D"] and "vurdering" in lists["D"]  # Type
    assert "Indsatser" in lists["A"]  # Indsats refers to the initiatives
    initiatives = wb["Indsatser"]
    formulas = [dv.formula1 for dv in initiatives.data_validations.dataValidation]
    assert any("Målsætninger" in f for f in formulas) and any("Udvalg" in f for f in formulas)
    assert criteria["B2"].value == "1.1" and criteria["B2"].number_format == "@"
    assert criteria["H2"].value == ">= 100%"
    assert wb["Plan"]["B4"].value.date() == dt.date(2019, 1, 1)


def test_a_plan_workbook_runs_like_the_yaml(example: Path, cli: Callable[..., Result]) -> None:
    result = cli("plan", "convert", "inputs/handleplan_2019.yaml", "--to", "xlsx")
    assert result.exit_code == 0, result.output
    assert (example / "inputs" / "handleplan_2019.xlsx").is_file()
    edit_config(example, 'plan = "inputs/handleplan_2019.yaml"', 'plan = "inputs/handleplan_2019.xlsx"')
    assert cli("validate").exit_code == 0
    result = cli("run", "--meeting", "2020-03-10", "--committee", "AUU", "--today", "2020-03-01", "--simulate")
    assert result.exit_code == 0, result.output


def test_convert_refuses_to_overwrite_without_force(example: Path, cli: Callable[..., Result]) -> None:
    target = example / "inputs" / "handleplan_2019.xlsx"
    target.write_bytes(b"earlier")
    result = cli("plan", "convert", "inputs/handleplan_2019.yaml", "--to", "xlsx")
    assert result.exit_code == 2
    assert "exists" in result.stderr and "--force" in result.stderr
    assert target.read_bytes() == b"earlier"
    assert cli("plan", "convert", "inputs/handleplan_2019.yaml", "--to", "xlsx", "--force").exit_code == 0
    assert load_plan_file(target, "x") == load_plan(example / "inputs" / "handleplan_2019.yaml")


def test_an_invalid_plan_is_not_converted(example: Path, cli: Callable[..., Result]) -> None:
    plan = example / "inputs" / "handleplan_2019.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace('target: ">= 40"', 'target: "mange"', 1), "utf-8")
    result = cli("plan", "convert", "inputs/handleplan_2019.yaml", "--to", "xlsx")
    assert result.exit_code == 2
    assert "handleplan_2019.yaml" in result.stderr and "target" in result.stderr
    assert not (example / "inputs" / "handleplan_2019.xlsx").exists()


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "column", "words"),
    [
        ("Succeskriterier", "D3", "tælling", "D", ["'tælling' is not a choice", "antal"]),
        ("Succeskriterier", "H3", "mange", "H", ["'mange'", ">= 20"]),
        ("Succeskriterier", "A3", "99", "A", ["no initiative '99'"]),
        ("Succeskriterier", "B3", "1.1", "B", ["'1.1' is used twice"]),
        ("Succeskriterier", "S3", "31-02-2020", "S", ["not a date"]),
        ("Indsatser", "C2", "ukendt", "C", ["ukendt"]),
        ("Budgetter", "C2", -5, "C", ["negative"]),
        ("Plan", "B3", "Atlantis", "B", ["not a Danish municipality"]),
    ],
)
def test_an_error_names_the_sheet_row_and_column(
    workbook: Path, sheet: str, cell: str, value: Any, column: str, words: list[str]
) -> None:
    edit(workbook, sheet, cell, value)
    problems = problems_of(workbook)
    found = [p for p in problems if p.sheet == sheet and p.row == int(cell[1:])]
    assert found, [str(p) for p in problems]
    assert found[0].column == column, str(found[0])
    text = str(found[0])
    for word in words:
        assert word in text, text


def test_a_missing_field_names_its_row(workbook: Path) -> None:
    edit(workbook, "Succeskriterier", "C4", None)  # the criterion's text
    (problem,) = problems_of(workbook)
    assert (problem.sheet, problem.row) == ("Succeskriterier", 4)
    assert "text" in problem.message


def test_a_missing_sheet_and_an_unknown_column_are_named(workbook: Path) -> None:
    wb = load_workbook(workbook)
    del wb["Målsætninger"]
    wb["Succeskriterier"]["U1"] = "Farve"
    wb.save(workbook)
    problems = problems_of(workbook)
    assert any(p.sheet == "Målsætninger" and "no sheet" in p.message for p in problems)
    wb = load_workbook(workbook)
    wb.create_sheet("Målsætninger").append(["Nøgle", "Titel"])
    wb.save(workbook)
    problems = problems_of(workbook)
    unknown = [p for p in problems if "unknown column 'Farve'" in p.message]
    assert unknown and unknown[0].sheet == "Succeskriterier" and unknown[0].column == "U"


def test_ids_typed_as_numbers_and_dates_typed_as_text_are_read_as_meant(workbook: Path) -> None:
    edit(workbook, "Indsatser", "A2", 1)  # Excel turned "1" into a number
    edit(workbook, "Budgetter", "A2", 1.0)
    edit(workbook, "Succeskriterier", "A2", 1)
    edit(workbook, "Succeskriterier", "S2", "30-06-2020")  # the deadline typed as Danish text
    plan = load_plan_file(workbook, "x")
    assert plan.initiatives[0].id == "1"
    assert plan.initiatives[0].criteria[0].deadline == dt.date(2020, 6, 30)
    assert plan.initiatives[0].budget


def test_danish_and_plan_words_are_both_accepted(workbook: Path) -> None:
    edit(workbook, "Succeskriterier", "D2", "Andel")
    edit(workbook, "Succeskriterier", "D3", "count")
    plan = load_plan_file(workbook, "x")
    assert [c.kind for c in plan.initiatives[0].criteria[:2]] == ["ratio", "count"]


CELL_VALUES = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(min_value=-(10**16), max_value=10**16),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from("ABCDEFGHIJKLMNOPQRST"), st.integers(1, 6), CELL_VALUES), max_size=6))
def test_any_cell_value_is_read_or_refused_with_a_message(workbook: Path, edits: list[Any]) -> None:
    """Fuzz: whatever lands in the criteria sheet, reading gives a plan or an InputError, never another exception."""
    from reportgen.pipeline.inputs import PLAN_WORKBOOK_SUFFIXES

    assert ".xlsx" in PLAN_WORKBOOK_SUFFIXES
    wb = load_workbook(workbook)
    ws = wb["Succeskriterier"]
    for column, row, value in edits:
        if isinstance(value, str):
            value = "".join(ch for ch in value if ch.isprintable())
        ws[f"{column}{row}"] = value
    path = workbook.with_name("fuzz.xlsx")
    wb.save(path)
    try:
        load_plan_file(path, "fuzz.xlsx")
    except InputError as exc:
        assert all(p.message for p in exc.problems)
