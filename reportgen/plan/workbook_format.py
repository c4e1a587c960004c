"""The plan workbook (``handleplan.xlsx``): the same plan as the YAML file, as tables staff fill in Excel.

This module knows the workbook's sheets and columns and turns them into the plan's data and back, without opening a
file: ``readers.plan_workbook`` reads a workbook into rows, ``render.plan_workbook`` writes rows into one. The data is
then validated exactly as a YAML plan is (``loading.validate_plan``), each problem placed by sheet, row and column.

Every field of the plan model has a column (a test checks it), so the two forms hold the same plans: ``reportgen plan
convert`` goes both ways without losing anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reportgen.domain.periods import Period
from reportgen.plan.model import Criterion, Initiative, Plan, Target
from reportgen.plan.serialize import target_text

Path_ = tuple[object, ...]


@dataclass(frozen=True)
class Column:
    """One column of a sheet: the field it fills (a dotted key below the record), its header and how to read it."""

    key: str
    header: str
    form: str = "text"
    """``text``, ``list`` (comma-separated), ``date``, ``amount``, ``target``, ``period``, or a word list name."""
    width: int = 16
    help: str = ""


PLAN_SHEET = "Plan"
COMMITTEES_SHEET = "Udvalg"
GOALS_SHEET = "Målsætninger"
INITIATIVES_SHEET = "Indsatser"
BUDGETS_SHEET = "Budgetter"
CRITERIA_SHEET = "Succeskriterier"
LABELS_SHEET = "Etiketter"

PLAN_FIELDS = [
    Column("title", "Titel", help="Planens titel, fx Integrationspolitikkens handleplan 2024"),
    Column("municipality", "Kommune", "area", help="Kommunens navn eller kommunekode, fx Vejle eller 630"),
    Column("period.start", "Start", "date", help="Planens første dag, fx 01-01-2024"),
    Column("period.end", "Slut", "date", help="Planens sidste dag, fx 31-12-2025"),
    Column("pool", "Pulje", "amount", help="Puljens beløb i kr. (kan være tom)"),
]
COMMITTEE_COLUMNS = [Column("code", "Kode", width=10), Column("name", "Navn", width=50)]
GOAL_COLUMNS = [Column("key", "Nøgle", width=18), Column("title", "Titel", width=60)]
INITIATIVE_COLUMNS = [
    Column("id", "Id", width=8),
    Column("title", "Titel", width=50),
    Column("goal", "Målsætning", "goal", width=18),
    Column("committees", "Udvalg", "committees", width=14),
    Column("contact", "Kontakt", width=30),
    Column("economy.projects", "Projekter", "list", width=16),
    Column("economy.accounts", "Konti", "list", width=16),
    Column("assessment", "Vurdering", width=50),
]
BUDGET_COLUMNS = [
    Column("initiative", "Indsats", "initiative", width=10),
    Column("year", "År", "year", width=8),
    Column("amount", "Beløb", "amount", width=14),
]
CRITERION_COLUMNS = [
    Column("initiative", "Indsats", "initiative", width=8),
    Column("id", "Id", width=8),
    Column("text", "Tekst", width=50),
    Column("kind", "Type", "kind", width=14),
    Column("measure", "Måling", width=18),
    Column("numerator", "Tæller", width=18),
    Column("denominator", "Nævner", width=18),
    Column("target", "Mål", "target", width=10),
    Column("indicator", "Indikator", width=18),
    Column("reference", "Reference", width=18),
    Column("against", "Sammenlign med", "against", width=16),
    Column("better", "Bedre", "better", width=10),
    Column("baseline", "Basisperiode", "period", width=12),
    Column("rule", "Regel", "rule", width=10),
    Column("area", "Område", "area", width=12),
    Column("accounts", "Konti", "list", width=16),
    Column("period", "Periode", "period", width=10),
    Column("first_measurement", "Første måling", "date", width=12),
    Column("deadline", "Frist", "date", width=12),
    Column("note", "Bemærkning", width=40),
]
LABEL_COLUMNS = [Column("key", "Nøgle", width=24), Column("label", "Etiket", width=50)]

WORDS: dict[str, dict[str, str]] = {
    "kind": {
        "antal": "count",
        "andel": "ratio",
        "sammenligning": "benchmark",
        "udvikling": "trend",
        "forskel": "gap",
        "budget": "budget",
        "bevillinger": "economy_count",
        "vurdering": "qualitative",
    },
    "better": {"højere": "higher", "lavere": "lower", "mindre": "smaller", "større": "larger"},
    "rule": {"præcis": "exact", "barometer": "barometer"},
}
"""The Danish words the workbook uses for the plan's fixed values (drop-down lists), word -> plan value."""
NATIONAL_WORDS = ("hele landet", "landet", "national")
LIST_SEPARATOR = ","

SHEET_COLUMNS: dict[str, list[Column]] = {
    COMMITTEES_SHEET: COMMITTEE_COLUMNS,
    GOALS_SHEET: GOAL_COLUMNS,
    INITIATIVES_SHEET: INITIATIVE_COLUMNS,
    BUDGETS_SHEET: BUDGET_COLUMNS,
    CRITERIA_SHEET: CRITERION_COLUMNS,
    LABELS_SHEET: LABEL_COLUMNS,
}
REQUIRED_SHEETS = (PLAN_SHEET, COMMITTEES_SHEET, GOALS_SHEET, INITIATIVES_SHEET, CRITERIA_SHEET)
PLAN_HEADER = ("Felt", "Værdi")


def word_for(form: str, value: str) -> str:
    """The Danish word the workbook shows for a plan value (the value itself if it has none)."""
    for word, key in WORDS.get(form, {}).items():
        if key == value:
            return word
    return value


# --- plan -> rows ---------------------------------------------------------------------------------------------------


def _cell(value: Any, form: str) -> Any:
    """A plan value as the workbook cell shows it."""
    if value is None:
        return None
    if isinstance(value, Target):
        return target_text(value)
    if isinstance(value, Period):
        return value.code
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return f"{LIST_SEPARATOR} ".join(str(v) for v in value)
    if form == "against" and value == "national":
        return "hele landet"
    if form in WORDS:
        return word_for(form, str(value))
    return value


def _get(record: Any, key: str) -> Any:
    for part in key.split("."):
        if record is None:
            return None
        if part not in type(record).model_fields or part not in record.model_fields_set:
            return None
        record = getattr(record, part)
    return record


def plan_rows(plan: Plan) -> dict[str, list[list[Any]]]:
    """Every sheet of the workbook for ``plan``, as rows (the header row first); only fields the plan sets."""
    sheets: dict[str, list[list[Any]]] = {PLAN_SHEET: [list(PLAN_HEADER)]}
    for column in PLAN_FIELDS:
        sheets[PLAN_SHEET].append([column.header, _cell(_get(plan, column.key), column.form)])
    sheets[COMMITTEES_SHEET] = [[c.header for c in COMMITTEE_COLUMNS], *map(list, plan.committees.items())]
    sheets[GOALS_SHEET] = [[c.header for c in GOAL_COLUMNS], *map(list, plan.goals.items())]
    sheets[INITIATIVES_SHEET] = [[c.header for c in INITIATIVE_COLUMNS]]
    sheets[BUDGETS_SHEET] = [[c.header for c in BUDGET_COLUMNS]]
    sheets[CRITERIA_SHEET] = [[c.header for c in CRITERION_COLUMNS]]
    for initiative in plan.initiatives:
        sheets[INITIATIVES_SHEET].append([_cell(_get(initiative, c.key), c.form) for c in INITIATIVE_COLUMNS])
        for year, amount in initiative.budget.items():
            sheets[BUDGETS_SHEET].append([initiative.id, year, _cell(amount, "amount")])
        for criterion in initiative.criteria:
            sheets[CRITERIA_SHEET].append(_criterion_row(initiative, criterion))
    sheets[LABELS_SHEET] = [[c.header for c in LABEL_COLUMNS], *map(list, plan.labels.items())]
    return sheets


def _criterion_row(initiative: Initiative, criterion: Criterion) -> list[Any]:
    row: list[Any] = []
    for column in CRITERION_COLUMNS:
        if column.key == "initiative":
            row.append(initiative.id)
        elif column.key == "kind":
            row.append(word_for("kind", criterion.kind))
        else:
            row.append(_cell(_get(criterion, column.key), column.form))
    return row
