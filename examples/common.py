"""Helpers shared by the example generators: write indicator tables in the Integrationsbarometer's wide layout."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

# key -> (title, unit, periods, {area name: values per period})
Table = tuple[str, str, Sequence[str], dict[str, Sequence[float | str | None]]]


def wide_workbook(tables: dict[str, Table], source: str) -> bytes:
    """One sheet per indicator: a title, 'Indikator:' and 'Enhed:' rows, the 'Kommune' header, a source footnote."""
    wb = Workbook()
    wb.remove(wb.active)
    for key, (title, unit, periods, rows) in tables.items():
        ws = wb.create_sheet(key[:31])
        ws.append([f"Integrationsbarometer – {title}"])
        ws["A1"].font = Font(bold=True)
        ws.append(["Indikator:", key])
        ws.append(["Enhed:", unit])
        ws.append([])
        ws.append(["Kommune", *periods])
        for cell in ws[5]:
            cell.font = Font(bold=True)
        for area, values in rows.items():
            ws.append([area, *values])
        ws.append([])
        ws.append([f"Kilde: {source}"])
        ws.column_dimensions["A"].width = 26
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def rows_of(pairs: Iterable[tuple[str, Sequence[float | str | None]]]) -> dict[str, Sequence[float | str | None]]:
    return dict(pairs)
