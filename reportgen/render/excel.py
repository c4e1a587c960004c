"""The Excel appendix: the template's sheets filled with openpyxl, keeping what staff added to the template.

Each sheet of the template has a header row; reportgen finds it by its column names and writes one row per record
below it, matching columns by header name (so staff may reorder, rename within the known names, or drop columns).
Every figure is a stored value with a number format, never a formula; text is always stored as text, so a value
starting with ``=``, ``+``, ``-`` or ``@`` never becomes a formula. Status cells are coloured.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

from reportgen.domain.periods import parse_period
from reportgen.errors import TemplateError, describe
from reportgen.render.excel_chart import budget_chart
from reportgen.render.excel_columns import (
    ALIASES,
    BAROMETER,
    DATAGRUNDLAG,
    FMT,
    OVERBLIK,
    SHEETS,
    SUCCESKRITERIER,
    TITLE_COLUMNS,
    Column,
    unit_format,
)
from reportgen.render.excel_layout import fit_columns, name_fonts, print_setup
from reportgen.render.excel_sample import mark_sample
from reportgen.render.formatting import STATUS_COLOURS
from reportgen.render.word import check_document_size


class ExcelWriter:
    def __init__(self, template: Path, display: str):
        self.template = template
        self.display = display
        self.warnings: list[str] = []

    def _open(self) -> Any:
        from openpyxl import load_workbook

        if not self.template.is_file():
            raise TemplateError.at(self.display, "template not found", "an .xlsx template; see templates/README.md")
        try:
            wb = load_workbook(self.template, rich_text=True)
        except Exception as exc:  # openpyxl raises many types for a broken file
            raise TemplateError.at(
                self.display,
                f"cannot open the template ({type(exc).__name__}: {exc})",
                "an .xlsx file saved by Excel or LibreOffice",
            ) from None
        missing = [s for s in SHEETS if s not in wb.sheetnames]
        if missing:
            raise TemplateError.at(
                self.display,
                "missing sheet(s) " + ", ".join(repr(s) for s in missing),
                "the sheets " + ", ".join(SHEETS),
            )
        return wb

    def _header(self, ws: Any, columns: dict[str, Column]) -> tuple[int, dict[str, int]]:
        for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 30)):
            names = {}
            for c in row:
                if isinstance(c.value, str):
                    name = str(c.value).strip()
                    if ALIASES.get(name) in columns:  # an earlier name: headed by today's
                        name = ALIASES[name]
                        write_value(c, name)
                    names[name] = c.column
            if sum(1 for n in names if n in columns) >= 2:
                unknown = [n for n in names if n not in columns]
                for n in unknown:
                    self.warnings.append(
                        f"{self.display}:{ws.title}: column {n!r} is not filled by reportgen (known: "
                        f"{', '.join(columns)})"
                    )
                return row[0].row, {n: c for n, c in names.items() if n in columns}
        raise TemplateError.at(
            self.display,
            "no header row found",
            "a header row with the column names listed in templates/README.md",
            sheet=ws.title,
        )

    def _fill(
        self, ws: Any, columns: dict[str, Column], records: list[dict[str, Any]]
    ) -> tuple[int, int, dict[str, int]]:
        from openpyxl.styles import PatternFill

        header_row, positions = self._header(ws, columns)
        row = header_row + 1
        for record in records:
            for name, col in positions.items():
                getter, fmt = columns[name]
                value = getter(record)
                cell = ws.cell(row=row, column=col)
                write_value(cell, value)
                if fmt == "unit":
                    cell.number_format = unit_format(record)
                elif fmt == "status":
                    colour = STATUS_COLOURS[record["status"]]
                    cell.fill = PatternFill("solid", start_color=colour, end_color=colour)
                elif fmt == "date" and value is not None:
                    cell.number_format = FMT["date"]
                elif fmt:
                    cell.number_format = FMT[fmt]
            row += 1
        last_col = max(positions.values())
        self._finish(ws, header_row, row - 1, last_col, positions)
        return header_row, row - 1, positions

    def _finish(self, ws: Any, header_row: int, last_row: int, last_col: int, positions: dict[str, int]) -> None:
        from openpyxl.utils import get_column_letter

        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(last_col)}{max(last_row, header_row)}"
        name_fonts(ws, 1, max(last_row, header_row), last_col)
        fit_columns(ws, header_row, last_row, last_col)
        titles = [positions[n] for n in TITLE_COLUMNS.get(ws.title, ()) if n in positions]
        print_setup(ws, header_row, last_col, title_columns=max(titles, default=1))

    def write(self, context: dict[str, Any], target: Path) -> list[str]:
        wb = self._open()
        self._title(wb["Overblik"], context)
        h, last, positions = self._fill(wb["Overblik"], OVERBLIK, context["initiatives"])
        budget_chart(wb["Overblik"], h, last, positions, {"Budget": "Budget", "Forbrugt": "Forbrugt"}, f"A{last + 3}")
        criteria = [
            {**c, "initiative_id": i["id"], "initiative_title": i["title"]}
            for i in context["initiatives"]
            for c in i["criteria"]
        ]
        filled = {"Overblik": True, "Succeskriterier": bool(criteria), "Økonomi": has_money(context["economy"])}
        self._fill(wb["Succeskriterier"], SUCCESKRITERIER, criteria)
        self._economy(wb["Økonomi"], context["economy"])
        points = [
            {**p, **{k: s[k] for k in ("indicator", "title", "label", "unit", "decimals", "source")}}
            for s in context["barometer"]
            for p in s["points"]
        ]
        self._fill(wb["Barometer"], BAROMETER, points)
        self._fill(wb["Datagrundlag"], DATAGRUNDLAG, context["sources"])
        filled |= {"Barometer": bool(points), "Datagrundlag": bool(context["sources"])}
        for name, rows in filled.items():
            if not rows:  # a sheet without rows is not printed for nothing
                wb.remove(wb[name])
        if wb.active is None:  # the template opened on a sheet now gone: open on the first
            wb.active = 0
        generated = context["generated"].replace(tzinfo=None)
        wb.properties.title = f"{context['plan']['title']} – {context['pack']['title']}"
        wb.properties.subject = context["pack"]["title"]
        wb.properties.creator = context["kommune"]
        wb.properties.lastModifiedBy = f"reportgen {context['version']}"
        wb.properties.language = "da-DK"
        wb.properties.created = wb.properties.modified = generated
        if context.get("sample"):
            mark_sample(wb)
        self.warnings += unkept_parts(self.template, self.display)
        wb.save(target)
        check_document_size(target, self.display)
        return self.warnings

    def _title(self, ws: Any, context: dict[str, Any]) -> None:
        """Render the jinja tags in the title cells above the header (``{{ plan }}``, ``{{ pakke }}``,
        ``{{ kommune }}``, ``{{ opgjort }}``, ``{{ dannet }}``, or any variable of the context) in the same strict,
        sandboxed environment as the Word reports: an unknown name is an error naming it, the template and the cell."""
        import jinja2

        from reportgen.render.word import RENDER_FAILURES, jinja_environment

        env = jinja_environment()
        env.autoescape = False  # a cell holds text, not markup
        names = {
            **context,
            "plan": context["plan"]["title"],
            "pakke": context["pack"]["title"],
            "opgjort": context["pack"]["as_of_text"],
            "dannet": context["generated_text"],
        }
        for row in ws.iter_rows(min_row=1, max_row=5):
            for cell in row:
                if not (isinstance(cell.value, str) and ("{{" in cell.value or "{%" in cell.value)):
                    continue
                try:
                    text = env.from_string(cell.value).render(names)
                except jinja2.UndefinedError as exc:
                    raise TemplateError.at(
                        self.display,
                        f"cell {cell.coordinate} uses an unknown variable: {exc.message}",
                        "plan, pakke, kommune, opgjort, dannet or a variable listed in templates/README.md",
                        sheet=ws.title,
                    ) from None
                except jinja2.TemplateError as exc:
                    raise TemplateError.at(
                        self.display, f"cell {cell.coordinate}: {exc}", "valid jinja2 tags", sheet=ws.title
                    ) from None
                except RENDER_FAILURES as exc:
                    raise TemplateError.at(
                        self.display, f"cell {cell.coordinate}: {describe(exc)}", "valid jinja2 tags", sheet=ws.title
                    ) from None
                write_value(cell, text)

    def _economy(self, ws: Any, economy: dict[str, Any]) -> None:
        """Budget, spent and spent share per plan year, then spending per month. Aggregates only."""
        from openpyxl.styles import Font

        header_row = None
        for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 30)):
            if any(isinstance(c.value, str) and c.value.strip() == "Indsats" for c in row):
                header_row = row[0].row
                break
        if header_row is None:
            raise TemplateError.at(
                self.display,
                "no header row starting with 'Indsats'",
                "a header row with 'Indsats' and 'Titel'",
                sheet=ws.title,
            )
        headers: list[tuple[str, str | None]] = [("Indsats", None), ("Titel", None)]
        for y in economy["years"]:
            headers += [(f"Budget {y}", "kr"), (f"Forbrugt {y}", "kr"), (f"Forbrugt af budget {y}", "pct")]
        headers += [(parse_period(m).label_short_da(), "kr") for m in economy["months"]]
        bold = Font(name="Calibri", bold=True)
        template_style = ws.cell(row=header_row, column=1)
        for j, (name, _) in enumerate(headers, start=1):
            cell = ws.cell(row=header_row, column=j)
            write_value(cell, name)
            if template_style.has_style:
                cell._style = template_style._style
            else:
                cell.font = bold
        for i, r in enumerate(economy["rows"], start=header_row + 1):
            values: list[Any] = [r["id"], r["title"]]
            for y in r["years"]:
                values += [y["budget"], y["spent"], y["share"]]
            values += [r["months"].get(m) for m in economy["months"]]
            for j, ((_, fmt), value) in enumerate(zip(headers, values, strict=False), start=1):
                cell = ws.cell(row=i, column=j)
                write_value(cell, value)
                if fmt:
                    cell.number_format = FMT[fmt]
        last_row = header_row + len(economy["rows"])
        ws.freeze_panes = ws.cell(row=header_row + 1, column=3)
        name_fonts(ws, 1, last_row, len(headers))
        fit_columns(ws, header_row, last_row, len(headers))
        print_setup(ws, header_row, len(headers), title_columns=2)


def has_money(economy: dict[str, Any]) -> bool:
    """Whether any initiative has a budget, spending or a month's spending: a sheet of names only says nothing."""
    return any(
        any(y[k] is not None for y in r["years"] for k in ("budget", "spent")) or any(r["months"].values())
        for r in economy["rows"]
    )


def write_value(cell: Any, value: Any) -> None:
    """Store a value: numbers as numbers, dates as dates, text always as text (never a formula)."""
    if value is None:
        cell.value = None
        return
    if isinstance(value, bool):
        cell.value = "Ja" if value else "Nej"
        return
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):  # NaN: missing stays empty
            cell.value = None
            return
        cell.value = value
        return
    if isinstance(value, (dt.date, dt.datetime)):
        cell.value = value
        return
    cell.value = str(value)
    cell.data_type = "s"  # openpyxl would turn "=..." into a formula otherwise


def render_excel(template: Path, context: dict[str, Any], target: Path, display: str) -> list[str]:
    """Fill the template into ``target``; returns warnings (template columns reportgen does not fill)."""
    return ExcelWriter(template, display).write(context, target)


# What openpyxl does not keep when it rewrites a workbook, found by the parts and elements that hold it.
UNKEPT = {
    "text boxes or shapes": ("xl/drawings/", b"<xdr:sp>"),
    "sparklines": ("xl/worksheets/", b"sparklineGroup"),
    "slicers": ("xl/slicers/", b""),
    "pivot tables": ("xl/pivotTables/", b""),
}


def unkept_parts(template: Path, display: str) -> list[str]:
    """Warnings for what staff added to an Excel template that openpyxl cannot keep (never lost silently)."""
    import zipfile

    found = []
    with zipfile.ZipFile(template) as archive:
        names = archive.namelist()
        for what, (folder, marker) in UNKEPT.items():
            parts = [n for n in names if n.startswith(folder)]
            if parts and (not marker or any(marker in archive.read(n) for n in parts if n.endswith(".xml"))):
                found.append(what)
    return [
        f"{display}: the template's {what} are not kept in the appendix (openpyxl cannot write them)" for what in found
    ]
