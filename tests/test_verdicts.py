"""Verdicts a council can trust: the engine's status of every criterion of every shipped example, at three dates,
against tables derived by hand (tests/data/verdicts/), and council text free of internal keys and placeholders."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from reportgen.config import load_config
from reportgen.evaluate import evaluate
from reportgen.pipeline import read_inputs
from tests.conftest import DATA, REPO

TABLES = sorted((DATA / "verdicts").glob("*.csv"))
DATES = ("mid_plan", "on_deadline", "after_deadline")


@dataclass
class VerdictTable:
    config: Path
    mid_plan: dt.date
    expected: dict[str, dict[str, str]]  # criterion -> date column -> status


def load_table(path: Path) -> VerdictTable:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    rows = list(csv.reader(lines))
    settings = {row[0]: row[1] for row in rows[:2]}
    header = rows[2]
    expected = {row[0]: dict(zip(header[1:4], row[1:4], strict=True)) for row in rows[3:]}
    return VerdictTable(REPO / settings["config"], dt.date.fromisoformat(settings["mid_plan"]), expected)


@pytest.mark.parametrize("table_path", TABLES, ids=lambda p: p.stem)
def test_every_criterion_has_the_status_derived_by_hand(table_path: Path) -> None:
    table = load_table(table_path)
    inputs = read_inputs(load_config(table.config))
    plan = inputs.plan
    criteria = {c.id: c for i in plan.initiatives for c in i.criteria}
    assert set(table.expected) == set(criteria), "the table lists exactly the plan's criteria"
    got: dict[str, dict[str, str]] = {c: {} for c in criteria}
    dates = {"mid_plan": lambda _criterion: table.mid_plan}
    dates["on_deadline"] = plan.deadline_of
    dates["after_deadline"] = lambda c: plan.deadline_of(c) + dt.timedelta(days=1)
    for column, date_of in dates.items():
        for as_of in sorted({date_of(c) for c in criteria.values()}):
            results = evaluate(plan, inputs.observations(as_of), as_of, has_economy=inputs.has_economy)
            for result in (r for i in results for r in i.criteria):
                if date_of(criteria[result.criterion_id]) == as_of:
                    got[result.criterion_id][column] = str(result.status)
    wrong = {c: (table.expected[c], got[c]) for c in criteria if table.expected[c] != got[c]}
    assert wrong == {}


def test_on_and_after_the_deadline_every_criterion_with_data_is_final() -> None:
    for table in map(load_table, TABLES):
        for statuses in table.expected.values():
            assert statuses["on_deadline"] in ("met", "not_met", "no_data")
            assert statuses["after_deadline"] == statuses["on_deadline"]


# --- council text ---------------------------------------------------------------------------------------------

KEY_INSIDE_A_WORD = re.compile(r"[^\W\d_]_[^\W_]|[^\W_]_[^\W\d_]")
PLACEHOLDER = " – (– "
DOUBLE_STOP = re.compile(r"kr\.\.|pct\.\.|[^.]\.\.(?!\.)")


def docx_texts(path: Path) -> Iterator[str]:
    doc = Document(str(path))
    yield from (p.text for p in doc.paragraphs)
    for table in doc.tables:
        for row in table.rows:
            yield from (cell.text for cell in row.cells)


def xlsx_texts(path: Path) -> Iterator[str]:
    """Every text cell, except the file references in Datagrundlag (file names are data, not council text)."""
    wb = load_workbook(path)
    for ws in wb.worksheets:
        header = [c.value for c in ws[1]]
        skip = {header.index("Fil")} if ws.title == "Datagrundlag" and "Fil" in header else set()
        for row in ws.iter_rows(values_only=True):
            yield from (v for j, v in enumerate(row) if isinstance(v, str) and j not in skip)


RUNS = [
    ("reportgen.toml", ["run", "--today", "2020-03-12"], "frederiksberg-integrationspolitikkens-handleplan-2019"),
    ("reportgen.toml", ["run", "--annual", "2019"], "frederiksberg-integrationspolitikkens-handleplan-2019"),
    ("reportgen.toml", ["run", "--annual", "2020"], "frederiksberg-integrationspolitikkens-handleplan-2019"),
    ("examples/kalundborg-2019/reportgen.toml", ["run", "--annual", "2019"], "kalundborg-integrationspolitik-2019"),
    ("examples/silkeborg-2018/reportgen.toml", ["run", "--annual", "2018"], "silkeborg-integrationsstrategi-2016-2018"),
]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Every shipped example's packs, rendered once: committee packs and annual follow-ups."""
    from click.testing import CliRunner

    from reportgen.cli import cli

    root = tmp_path_factory.mktemp("examples")
    shutil.copy(REPO / "reportgen.toml", root / "reportgen.toml")
    for folder in ("inputs", "templates", "examples"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    for config, args, _ in RUNS:
        result = CliRunner().invoke(cli, [args[0], "--config", str(root / config), *args[1:]], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
    # the examples' configs all write to the top-level outputs folder
    packs = {f for _, _, slug in RUNS for f in (root / "outputs" / slug).glob("*/*.*")}
    return sorted(f for f in packs if f.suffix in {".docx", ".xlsx"})  # not the run logs


def test_council_text_has_no_internal_keys_placeholders_or_double_full_stops(rendered: list[Path]) -> None:
    assert len([f for f in rendered if f.suffix == ".docx"]) >= 8
    problems = []
    for path in rendered:
        texts = docx_texts(path) if path.suffix == ".docx" else xlsx_texts(path)
        for text in texts:
            problems += [
                f"{path.name}: {text[:120]!r}" for pattern in (KEY_INSIDE_A_WORD, DOUBLE_STOP) if pattern.search(text)
            ]
            if PLACEHOLDER in text or text.rstrip().endswith(": –."):
                problems.append(f"{path.name}: {text[:120]!r}")
    assert problems == []


def test_the_final_report_gives_final_verdicts_and_a_budget_spent_in_full_is_met(rendered: list[Path]) -> None:
    (annual,) = [p for p in rendered if p.name == "aarsstatus-2020.docx"]
    # the criteria tables: Nr., Succeskriterium, Status, Forklaring (figures keep their unit on one line)
    rows = {
        r.cells[0].text: [c.text.replace("\u00a0", " ") for c in r.cells]
        for t in Document(str(annual)).tables
        if [c.text for c in t.rows[0].cells] == ["Nr.", "Succeskriterium", "Status", "Forklaring"]
        for r in t.rows[1:]
    }
    criteria = {key: row for key, row in rows.items() if re.fullmatch(r"\d+\.\w+", key)}
    assert len(criteria) == 77
    assert {row[2] for row in criteria.values()} <= {"Opfyldt", "Ikke opfyldt", "Mangler data"}
    tables = Document(str(annual)).tables
    # the summary's band: the statuses side by side, the counts below
    (table,) = [t for t in tables if [c.text for c in t.rows[0].cells][:2] == ["Ikke opfyldt", "Bagud"]]
    counts = dict(zip([c.text for c in table.rows[0].cells], [c.text for c in table.rows[1].cells], strict=True))
    assert counts["På vej"] == "0" and counts["Bagud"] == "0"  # the summary's status counts
    assert rows["3.B"][2] == "Opfyldt"
    assert rows["3.B"][3] == "Forbrugt 150.000 kr. af 150.000 kr. (100,0 pct.) pr. 31. december 2020."
    assert rows["8.B"][2] == "Ikke opfyldt"
    assert rows["8.B"][3].endswith("budgettet er overskredet med 8.000 kr. (8,0 pct.).")


def test_every_report_prints_the_status_legend(rendered: list[Path]) -> None:
    for path in (p for p in rendered if p.suffix == ".docx"):
        texts = list(docx_texts(path))
        assert "Sådan læses status" in texts, path.name
        assert any(t.startswith("Fristen er nået, og målet blev ikke nået") for t in texts), path.name
        assert "Ikke målt endnu" in texts, path.name


def test_missing_budgets_stay_empty_in_the_appendix(rendered: list[Path]) -> None:
    (xlsx,) = [p for p in rendered if p.name == "aarsbilag-2020.xlsx"]
    ws = load_workbook(xlsx)["Økonomi"]
    header = [c.value for c in ws[1]]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    # Kursuscaféen (3) has a budget for 2019 only: 2020 is empty, not 0 kr.
    assert rows["3"][header.index("Budget 2019")] == 150000
    assert rows["3"][header.index("Budget 2020")] is None
    assert rows["3"][header.index("Forbrugt af budget 2020")] is None
    (kalundborg,) = [p for p in rendered if p.name == "aarsbilag-2019.xlsx" and "kalundborg" in str(p)]
    overview = load_workbook(kalundborg)["Overblik"]
    head = [c.value for c in overview[5]]
    for row in overview.iter_rows(min_row=6, values_only=True):
        if row[0] is not None and row[0] != "R":  # only the repatriation initiative has an economy filter
            assert row[head.index("Budget")] is None and row[head.index("Forbrugt")] is None
    criteria = load_workbook(xlsx)["Succeskriterier"]
    head = [c.value for c in criteria[1]]
    budget = next(r for r in criteria.iter_rows(min_row=2, values_only=True) if r[head.index("Nr.")] == "3.B")
    assert budget[head.index("Målværdi")] == 150000 and budget[head.index("Type")] == "budget"
    kinds = {r[head.index("Type")] for r in criteria.iter_rows(min_row=2, values_only=True)}
    assert kinds == {"antal", "andel", "budget", "vurdering"}


@pytest.mark.parametrize("config", sorted({c for c, _, _ in RUNS}))
def test_every_shipped_example_labels_every_key_it_reports(config: str) -> None:
    from click.testing import CliRunner

    from reportgen.cli import cli

    result = CliRunner().invoke(cli, ["validate", "--config", str(REPO / config)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert "Danish label" not in result.stderr
