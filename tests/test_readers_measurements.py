"""Measurement sheets, `validate`, and missing values that must stay missing."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from reportgen.domain.observations import observations_frame
from reportgen.errors import InputError, ProblemLog
from reportgen.evaluate import evaluate
from reportgen.pipeline import read_measurement_sheet as read_measurements
from reportgen.plan import load_plan
from tests.conftest import REPO

PLAN = load_plan(REPO / "inputs" / "handleplan_2019.yaml")


def sheet(tmp_path: Path, rows: list[list[object]], title: str = "Målinger", name: str = "m.xlsx") -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    ws.append(["Målinger for Kursuscaféen"])
    ws.append([])
    ws.append(["Indsats", "Måling", "Periode", "Værdi", "Kommentar"])
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


def test_a_sheet_reads_numbers_percentages_and_statuses(tmp_path: Path) -> None:
    path = sheet(
        tmp_path,
        [
            ["3", "deltagere", "2019K2", 12, None],
            [3, "deltagere", "2019 3. kvt.", "18", "To hold"],
            ["3", "sammenhaengskraft", "2019", "På vej", "Første måling"],
            ["1", "afklarede", "2019K4", "95%", None],
        ],
    )
    problems = ProblemLog()
    frame = read_measurements(path, "m.xlsx", PLAN, problems)
    assert problems.problems == []
    rows = [
        (
            r["initiative"],
            r["indicator"],
            r["period"],
            None if math.isnan(r["value"]) else r["value"],
            r["label"],
            r["comment"],
        )
        for r in frame.to_dict("records")
    ]
    assert rows == [
        ("3", "deltagere", "2019K2", 12.0, None, None),
        ("3", "deltagere", "2019K3", 18.0, None, "To hold"),
        ("3", "sammenhaengskraft", "2019", None, "on_track", "Første måling"),
        ("1", "afklarede", "2019K4", 0.95, None, None),
    ]


def test_unknown_keys_name_sheet_row_and_suggest_the_nearest(tmp_path: Path) -> None:
    path = sheet(
        tmp_path,
        [
            ["3", "deltager", "2019K2", 12, None],
            ["13", "deltagere", "2019K2", 1, None],
            ["3", "deltagere", "2019K5", 1, None],
            ["3", "deltagere", "2019K1", "mange", None],
        ],
    )
    problems = ProblemLog()
    read_measurements(path, "m.xlsx", PLAN, problems)
    messages = [str(p) for p in problems.errors]
    assert messages[0].startswith(
        "m.xlsx:Målinger:4:B (Måling): initiative 3 has no measurement 'deltager'; did you mean 'deltagere'? (one of: deltagere,"
    )
    assert messages[1].startswith("m.xlsx:Målinger:5:A (Indsats): unknown initiative '13'; did you mean")
    assert messages[2].startswith("m.xlsx:Målinger:6:C (Periode): '2019K5' is not a period")
    assert messages[3].startswith("m.xlsx:Målinger:7:D (Værdi): 'mange' is neither a number nor a status")


def test_a_workbook_without_the_sheet(tmp_path: Path) -> None:
    path = sheet(tmp_path, [], title="Ark1")
    with pytest.raises(InputError) as info:
        read_measurements(path, "m.xlsx", PLAN, ProblemLog())
    assert (
        str(info.value)
        == "m.xlsx: no sheet named 'Målinger' (a sheet 'Målinger' with the columns Indsats, Måling, Periode, Værdi, Kommentar)"
    )


def test_validate_lists_every_problem_with_a_summary(example: Path, cli) -> None:
    path = example / "inputs" / "maalinger" / "maalinger-ungecentret.xlsx"
    wb = load_workbook(path)
    ws = wb["Målinger"]
    ws.cell(row=5, column=2, value="gennemført")
    ws.cell(row=5, column=6).value = None  # a row without the hidden key: Måling names the measurement
    ws.cell(row=6, column=3, value="2020K7")
    wb.save(path)
    (example / "inputs" / "barometer" / "ekstra.csv").write_text(
        "Indikator: x\nKommune;2019\nFrederiksborg;1\n", encoding="utf-8"
    )
    result = cli("validate")
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("reportgen: error:")]
    assert len(errors) == 3
    assert any(
        "maalinger-ungecentret.xlsx:Målinger:5:B (Måling): initiative 4 has no measurement 'gennemført'; did you mean 'gennemfoert'?"
        in e
        for e in errors
    )
    assert any("maalinger-ungecentret.xlsx:Målinger:6:C (Periode): '2020K7' is not a period" in e for e in errors)
    assert any("inputs/barometer/ekstra.csv:3:A: unknown area 'Frederiksborg'" in e for e in errors)
    assert result.stderr.strip().splitlines()[-1] == "reportgen: 3 errors, 0 warnings"
    run = cli("run")
    assert run.exit_code == 2 and not (example / "outputs").exists()


def test_validate_passes_with_warnings_only(example: Path, cli) -> None:
    for f in (example / "inputs" / "economy").iterdir():
        f.unlink()
    result = cli("validate")
    assert result.exit_code == 0
    assert "reportgen: warning: reportgen.toml:inputs.economy: no economy exports found" in result.stderr
    assert "(0 errors, 1 warning)" in result.stdout


BENCHMARK_PLAN = """\
title: Test
municipality: Nordfyns
period: {start: 2019-01-01, end: 2019-12-31}
committees: {AUU: Arbejdsmarkedsudvalget}
goals: {arbejde: Arbejde}
initiatives:
  - id: "1"
    title: Beskæftigelse
    goal: arbejde
    committees: [AUU]
    contact: Jobcentret
    criteria:
      - {id: "1.1", text: Bedre end landet, kind: benchmark, indicator: beskaeftigelse_3aar, against: national, better: higher}
"""


def test_a_suppressed_value_stays_missing_and_the_criterion_reports_no_data(tmp_path: Path) -> None:
    from reportgen.readers.indicators import BarometerSettings as BarometerConfig
    from reportgen.readers.indicators import read_barometer
    from tests.conftest import DATA

    plan_path = tmp_path / "plan.yaml"
    plan_path.write_text(BENCHMARK_PLAN, encoding="utf-8")
    plan = load_plan(plan_path)
    frame = read_barometer(DATA / "barometer" / "bred.xlsx", "bred.xlsx", BarometerConfig(), ProblemLog())
    nordfyns = frame[frame["area"] == 480]
    assert len(nordfyns) == 2 and nordfyns["value"].isna().all()  # '..' and '...': never 0
    (result,) = evaluate(plan, frame, dt.date(2020, 1, 31))
    (criterion,) = result.criteria
    assert criterion.status == "no_data" and criterion.actual is None
    assert "Ingen fælles periode med tal for Nordfyns og hele landet" in criterion.explanation


def test_empty_observations_give_no_data_for_every_kind() -> None:
    results = evaluate(PLAN, observations_frame(), dt.date(2019, 6, 30), has_economy=False)
    statuses = {c.status for r in results for c in r.criteria}
    assert statuses == {"no_data", "not_measured"}  # not_measured: first measured after 30 June 2019
    later = {c.id for i in PLAN.initiatives for c in i.criteria if PLAN.first_measurement_of(c) > dt.date(2019, 6, 30)}
    assert {c.criterion_id for r in results for c in r.criteria if c.status == "not_measured"} == later


def test_an_invalid_plan_does_not_hide_problems_in_the_other_inputs(example: Path, cli) -> None:
    plan = example / "inputs" / "handleplan_2019.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("pool: 1700000", "pool: mange"), encoding="utf-8")
    (example / "inputs" / "barometer" / "ekstra.csv").write_text(
        "Indikator: x\nKommune;2019\nFrederiksborg;1\n", encoding="utf-8"
    )
    result = cli("validate")
    assert result.exit_code == 2
    assert "inputs/handleplan_2019.yaml:" in result.stderr and "pool" in result.stderr
    assert "inputs/barometer/ekstra.csv:3:A: unknown area 'Frederiksborg'" in result.stderr


def test_with_an_invalid_plan_the_same_input_files_are_read(example: Path, cli) -> None:
    """A stray PDF beside the indicator files is ignored whether or not the plan is valid."""
    (example / "inputs" / "barometer" / "vejledning.pdf").write_bytes(b"%PDF-1.4")
    assert cli("validate").exit_code == 0
    plan = example / "inputs" / "handleplan_2019.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("pool: 1700000", "pool: mange"), encoding="utf-8")
    result = cli("validate")
    assert result.exit_code == 2 and "vejledning.pdf" not in result.stderr


def test_the_visible_label_names_the_measurement_or_the_row_is_refused(example: Path, cli) -> None:
    """collect shows the Danish label under Måling and the key in the hidden column Nøgle; a label typed over with
    another measurement's name is an error, not a figure sent elsewhere; a sheet with only labels is read."""
    path = example / "inputs" / "maalinger" / "maalinger-ungecentret.xlsx"
    wb = load_workbook(path)
    ws = wb["Målinger"]
    assert ws.column_dimensions["F"].hidden and ws.cell(row=4, column=6).value == "Nøgle"
    key, label = ws.cell(row=5, column=6).value, ws.cell(row=5, column=2).value
    assert key == "gennemfoert" and label == "unge, der har gennemført forløbet"  # the key hidden, the label shown
    ws.cell(row=5, column=2, value="en omdøbt etiket")  # a label the plan renamed since: the key decides
    wb.save(path)
    assert cli("validate").exit_code == 0
    other = "unge i uddannelse eller job"  # another measurement of initiative 4, typed over this row's label
    ws.cell(row=5, column=2, value=other)
    wb.save(path)
    result = cli("validate")
    assert result.exit_code == 2
    assert f"Målinger:5:B (Måling): the row says {other!r}, another measurement than the one it is for: {label!r}" in (
        result.stderr
    )
    ws.cell(row=5, column=2, value=str(label).upper())
    for row in range(5, ws.max_row + 1):
        ws.cell(row=row, column=6).value = None  # only labels: each is looked up in the plan's labels
    wb.save(path)
    assert cli("validate").exit_code == 0
