"""Pre-filled measurement sheets (``reportgen collect``): one workbook per contact person, listing exactly the
measurements their initiatives' criteria need, in the layout the measurement reader expects, and a sheet ``Vurdering``
for the contact person's written assessment of each of their initiatives (pre-filled with the previous one)."""

from __future__ import annotations

import io
from typing import Any

from reportgen.domain.observations import ASSESSMENT_COLUMNS, ASSESSMENT_MAX_CHARS, ASSESSMENT_SHEET
from reportgen.domain.observations import MEASUREMENT_COLUMNS as COLUMNS
from reportgen.domain.observations import MEASUREMENT_SHEET as SHEET
from reportgen.domain.periods import parse_period
from reportgen.domain.personal_data import masked
from reportgen.domain.status import REPORTABLE_STATUSES
from reportgen.plan import Plan, QualitativeCriterion
from reportgen.plan.model import measures_of

STATUS_CHOICES = [s.label for s in REPORTABLE_STATUSES]


def measurement_rows(plan: Plan) -> dict[str, list[dict[str, Any]]]:
    """Per contact: one row per (initiative, measurement), with the criteria that use it."""
    out: dict[str, list[dict[str, Any]]] = {}
    for initiative in plan.initiatives:
        for measure in plan.measures(initiative):
            using = [c for c in initiative.criteria if measure in measures_of(c)]
            out.setdefault(initiative.contact, []).append(
                {
                    "initiative": initiative.id,
                    "title": initiative.title,
                    "measure": measure,
                    "label": plan.label_of(measure) or measure,
                    "qualitative": any(isinstance(c, QualitativeCriterion) for c in using),
                    "criteria": "; ".join(f"{c.id}: {c.text}" for c in using),
                }
            )
    return out


HEADER_ROW = 4
"""The measurement sheet's header row: a title and the instruction above it."""


def build_workbook(
    plan: Plan,
    contact: str,
    rows: list[dict[str, Any]],
    period: str,
    values: dict[tuple[str, str, str], Any] | None = None,
    assessments: dict[tuple[str, str], str] | None = None,
) -> bytes:
    """The workbook for one contact. ``values`` (initiative, measure, period) -> value pre-fills Værdi (examples);
    ``assessments`` (initiative, period) -> text pre-fills the sheet Vurdering (else one empty row per initiative for
    ``period``)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.worksheets[0]
    _fill_measurements(ws, plan, contact, _entries(rows, period, values), period)
    judged = wb.create_sheet(ASSESSMENT_SHEET)
    _fill_assessments(judged, plan, contact, period, assessments or {})
    guide = wb.create_sheet("Vejledning")
    _fill_guide(guide, rows)
    for sheet, titles in ((ws, f"{HEADER_ROW}:{HEADER_ROW}"), (judged, f"{HEADER_ROW}:{HEADER_ROW}"), (guide, "1:1")):
        _print_setup(sheet, titles)
    wb.properties.title = masked(f"{plan.title} – målinger")
    wb.properties.creator = masked(contact)
    wb.properties.language = "da-DK"
    for sheet in (
        ws,
        judged,
        guide,
    ):  # the privacy gate: no CPR number from the plan in a sheet sent out for filling in
        for line in sheet.iter_rows():
            for filled in line:
                if isinstance(filled.value, str):
                    filled.value = masked(filled.value)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _entries(
    rows: list[dict[str, Any]], period: str, values: dict[tuple[str, str, str], Any] | None
) -> list[tuple[dict[str, Any], str, Any]]:
    """The sheet's lines: each row once for ``period`` and empty, or (with ``values``) once per pre-filled period."""
    if values is None:
        return [(row, period, None) for row in rows]
    return [
        (row, p, v)
        for row in rows
        for (initiative, measure, p), v in sorted(values.items())
        if initiative == row["initiative"] and measure == row["measure"]
    ]


def _fill_measurements(
    ws: Any, plan: Plan, contact: str, entries: list[tuple[dict[str, Any], str, Any]], period: str
) -> None:
    """The sheet the contact fills in: title, instruction, header and one line per entry. *Måling* shows the
    measurement's Danish label, the hidden *Nøgle* its key; *Værdi* takes a status from a list where the value is a
    reported status, else a number of 0 or more. A pre-filled value may be a (value, comment) pair."""
    from openpyxl.styles import Alignment, Font, PatternFill

    ws.title = SHEET
    ws["A1"] = f"{plan.title} – målinger"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = (
        f"Kontakt: {contact}. Udfyld Værdi (tal, procent eller status) og evt. Kommentar. Periode er den periode "
        f"tallet gælder for (fx {period}). Skriv jeres vurdering af hver indsats på fanen Vurdering."
    )
    for j, name in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=j, value=name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", start_color="1F4E79", end_color="1F4E79")
    status_list, number = _value_checks(ws)
    for r, (row, p, value) in enumerate(entries, start=HEADER_ROW + 1):
        ws.cell(row=r, column=1, value=row["initiative"]).data_type = "s"
        ws.cell(row=r, column=2, value=plan.label_of(row["measure"]) or row["measure"])
        ws.cell(row=r, column=3, value=p)
        ws.cell(row=r, column=6, value=row["measure"])
        if isinstance(value, tuple):
            ws.cell(row=r, column=4, value=value[0])
            ws.cell(row=r, column=5, value=value[1])
        elif value is not None:
            ws.cell(row=r, column=4, value=value)
        (status_list if row["qualitative"] else number).add(ws.cell(row=r, column=4))
    _set_widths(ws, [10, 30, 12, 14, 50, 20])
    ws.column_dimensions["F"].hidden = True  # the key the reader uses; the label beside it is what people read
    for cell in [*ws["B"], *ws["E"]]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A2:E2")  # the instruction wraps within the table's width instead of running across it
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[2].height = 45
    ws.freeze_panes = f"A{HEADER_ROW + 1}"


def _value_checks(ws: Any) -> tuple[Any, Any]:
    """The checks Excel makes as a value is typed: a reported status from the list, or a number of 0 or more
    (a count, or a share typed as a percentage)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    status_list = DataValidation(type="list", formula1='"' + ",".join(STATUS_CHOICES) + '"', allow_blank=True)
    status_list.error, status_list.errorTitle = "Vælg en status fra listen.", "Ukendt status"
    number = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    number.error, number.errorTitle = "Skriv et tal på 0 eller mere (fx 12 eller 45%).", "Ikke et tal"
    for check in (status_list, number):
        check.showErrorMessage = True
        ws.add_data_validation(check)
    return status_list, number


def _fill_assessments(ws: Any, plan: Plan, contact: str, period: str, given: dict[tuple[str, str], str]) -> None:
    """The sheet for the contact's written assessment: one row per initiative of the contact and period, the text
    pre-filled where ``given`` has one (the previous assessment, to update)."""
    from openpyxl.styles import Alignment, Font, PatternFill

    ws["A1"] = f"{plan.title} – vurdering"
    ws["A1"].font = Font(bold=True, size=13)
    limit = f"{ASSESSMENT_MAX_CHARS:,}".replace(",", ".")
    ws["A2"] = (
        f"Kontakt: {contact}. Skriv kort, hvordan indsatsen går, og hvad der skal til (højst {limit} tegn). Teksten "
        "vises i rapporten til udvalget med perioden. Står der en vurdering fra sidst, så ret den til."
    )
    for j, name in enumerate(ASSESSMENT_COLUMNS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=j, value=name)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", start_color="1F4E79", end_color="1F4E79")
    r = HEADER_ROW + 1
    for initiative in (i for i in plan.initiatives if i.contact == contact):
        mine: list[tuple[str, str | None]] = sorted(
            ((p, text) for (iid, p), text in given.items() if iid == initiative.id), key=lambda e: parse_period(e[0])
        )
        for p, text in mine or [(period, None)]:
            ws.cell(row=r, column=1, value=initiative.id).data_type = "s"
            ws.cell(row=r, column=2, value=initiative.title)
            ws.cell(row=r, column=3, value=p)
            ws.cell(row=r, column=4, value=text)
            ws.row_dimensions[r].height = 15 * max(2, -(-len(text or "") // 85))  # the text's wrapped lines
            r += 1
    _set_widths(ws, [10, 36, 12, 90])
    for line in ws.iter_rows(min_row=HEADER_ROW + 1):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A2:D2")
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[2].height = 45
    ws.freeze_panes = f"A{HEADER_ROW + 1}"


def _fill_guide(guide: Any, rows: list[dict[str, Any]]) -> None:
    """The guide sheet: which criteria use each measurement."""
    from openpyxl.styles import Alignment, Font

    guide.append(["Indsats", "Titel", "Måling", "Bruges af succeskriterier"])
    for c in guide[1]:
        c.font = Font(bold=True)
    for row in rows:
        guide.append([row["initiative"], row["title"], row["label"], row["criteria"]])
    _set_widths(guide, [10, 36, 30, 70])
    for cell in [*guide["B"], *guide["D"]]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _set_widths(sheet: Any, widths: list[int]) -> None:
    for j, w in enumerate(widths, start=1):
        sheet.column_dimensions[chr(64 + j)].width = w


def _print_setup(sheet: Any, titles: str) -> None:
    """A4 landscape, one page wide (both sheets are narrower than a landscape page), ``titles`` rows repeated."""
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.page_setup.paperSize = 9  # A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = titles
