"""Writing the plan workbook (``handleplan.xlsx``) that staff fill in Excel instead of the YAML plan.

The sheets and columns are ``plan.workbook_format``'s; this module lays them out for people: a *Vejledning* sheet
first, a styled and frozen header row, column widths, text format on codes and ids (so Excel does not turn ``1.10``
into 1,1 or ``5.46.61`` into a date), date format on dates, and drop-down lists for the fixed choices (type, better,
rule), the goals, the initiatives and the committees.
"""

from __future__ import annotations

import io
from typing import Any

from reportgen.plan.workbook_format import (
    BUDGETS_SHEET,
    COMMITTEES_SHEET,
    CRITERIA_SHEET,
    GOALS_SHEET,
    INITIATIVES_SHEET,
    PLAN_FIELDS,
    PLAN_SHEET,
    SHEET_COLUMNS,
    WORDS,
    Column,
)

GUIDE_SHEET = "Vejledning"
GUIDE = [
    "Handleplan – sådan udfyldes arket",
    "",
    "Planen står i arkene Plan, Udvalg, Målsætninger, Indsatser, Budgetter, Succeskriterier og Etiketter.",
    "Plan: planens titel, kommune, første og sidste dag og puljen.",
    "Udvalg: udvalgenes koder (fx AUU) og navne. Målsætninger: en kort nøgle (fx arbejdsmarked) og titlen.",
    "Indsatser: én række pr. indsats. Udvalg skrives som koder adskilt af komma (fx AUU, SU). Projekter og Konti er "
    "økonomifilteret (projektnumre og konti adskilt af komma). Vurdering er sekretariatets egen vurdering.",
    "Budgetter: én række pr. indsats og år med beløbet i kr.",
    "Succeskriterier: én række pr. succeskriterium, under den indsats der står i kolonnen Indsats. Type vælges i "
    "listen: antal, andel, sammenligning, udvikling, forskel, budget, bevillinger eller vurdering. Mål skrives som "
    "fx >= 40, >= 80% eller <= 5. Måling, Tæller og Nævner er nøgler i målingsarkene; Indikator og Reference er "
    "nøgler i indikatorfilerne. Frist er tom, når fristen er planens sidste dag. Første måling er den dag, "
    "succeskriteriet første gang kan måles (tom: planens start).",
    "Etiketter: hver nøgles danske navn, som rapporterne bruger det.",
    "",
    "Kontrollér planen med: reportgen validate. Gem arket som .xlsx.",
]
HEADER_FILL = "1F4E79"
TEXT_FORMS = ("text", "list", "committees", "goal", "initiative", "target", "period", "against", "area")
TEXT_KEYS = ("id", "code", "key", "initiative", "measure", "numerator", "denominator", "indicator", "reference")


def plan_workbook_bytes(sheets: dict[str, list[list[Any]]], *, municipality: str) -> bytes:
    """The workbook holding ``sheets`` (from ``plan_rows``), as the bytes of an .xlsx file."""
    from openpyxl import Workbook

    wb = Workbook()
    guide: Any = wb.active
    guide.title = GUIDE_SHEET
    for line in GUIDE:
        guide.append([line])
    guide.column_dimensions["A"].width = 120
    _style_guide(guide)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        columns = _plan_columns() if name == PLAN_SHEET else SHEET_COLUMNS[name]
        _lay_out(ws, columns, len(rows))
    _drop_downs(wb, sheets)
    wb.properties.title = "Handleplan"
    wb.properties.creator = municipality
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _plan_columns() -> list[Column]:
    return [Column("field", "Felt", width=14), Column("value", "Værdi", width=60)]


def _style_guide(ws: Any) -> None:
    from openpyxl.styles import Alignment, Font

    from reportgen.render.excel_layout import LINE_HEIGHT, wrapped_lines

    ws["A1"].font = Font(name="Calibri", size=14, bold=True)
    width = ws.column_dimensions["A"].width
    for row in ws.iter_rows(min_row=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
        row[0].font = Font(name="Calibri", size=11)
        # a wrapped cell gets the height of its lines, reckoned as the appendix reckons them
        ws.row_dimensions[row[0].row].height = LINE_HEIGHT * wrapped_lines(str(row[0].value or ""), width)


def _lay_out(ws: Any, columns: list[Column], rows: int) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    for j, column in enumerate(columns, start=1):
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = column.width
        header = ws.cell(row=1, column=j)
        header.font = Font(name="Calibri", bold=True, color="FFFFFF")
        header.fill = PatternFill("solid", fgColor=HEADER_FILL)
        number_format = _number_format(column)
        for r in range(2, max(rows, 2) + 200):  # room below the last row keeps the formats for new rows
            cell = ws.cell(row=r, column=j)
            cell.number_format = number_format
            cell.alignment = Alignment(wrap_text=column.width >= 40, vertical="top")
    ws.freeze_panes = "A2"
    if ws.title == PLAN_SHEET:
        _plan_sheet_formats(ws)


def _number_format(column: Column) -> str:
    if column.form == "date":
        return "DD-MM-YYYY"
    if column.form == "amount":
        return "#,##0.##"
    if column.form in TEXT_FORMS or column.key in TEXT_KEYS:
        return "@"
    return "General"


def _plan_sheet_formats(ws: Any) -> None:
    """The Plan sheet is field/value pairs: each value gets its field's format, and the help text beside it."""
    for r, column in enumerate(PLAN_FIELDS, start=2):
        ws.cell(row=r, column=2).number_format = _number_format(column)
        ws.cell(row=r, column=3, value=column.help)
    ws.column_dimensions["C"].width = 60


def _drop_downs(wb: Any, sheets: dict[str, list[list[Any]]]) -> None:
    """Lists for the fixed choices (stop on anything else) and for references to other sheets. A committee cell may
    name several committees (``AUU, SU``), so its list only warns."""
    from openpyxl.worksheet.datavalidation import DataValidation

    def add(sheet: str, key: str, formula: str, *, strict: bool = True) -> None:
        columns = SHEET_COLUMNS[sheet]
        index = next(j for j, c in enumerate(columns) if c.key == key)
        letter = chr(ord("A") + index)
        dv = DataValidation(type="list", formula1=formula, allow_blank=True)
        dv.errorStyle = "stop" if strict else "warning"
        dv.error = "Vælg en værdi fra listen."
        dv.errorTitle = "Ukendt værdi"
        dv.showErrorMessage = True
        dv.add(f"{letter}2:{letter}{max(len(sheets[sheet]), 2) + 200}")
        wb[sheet].add_data_validation(dv)

    for form, words in WORDS.items():
        add(CRITERIA_SHEET, form, '"' + ",".join(words) + '"')
    add(INITIATIVES_SHEET, "goal", f"={_quoted(GOALS_SHEET)}!$A$2:$A$500")
    add(INITIATIVES_SHEET, "committees", f"={_quoted(COMMITTEES_SHEET)}!$A$2:$A$500", strict=False)
    for sheet in (BUDGETS_SHEET, CRITERIA_SHEET):
        add(sheet, "initiative", f"={_quoted(INITIATIVES_SHEET)}!$A$2:$A$500")


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"
