"""How the Excel appendix looks on screen and on paper: column widths, wrapped text and row heights, named fonts,
margins that hold the header and footer, A4 landscape with print titles, fitted to as few pages wide as stay
readable."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

FONT_NAME = "Calibri"
TEXT_COLUMN_MAX = 30  # characters; longer text wraps, unless the column is named below
WRAP_WIDTHS = {  # the columns of long text, and the width (characters) at which each wraps
    "Succeskriterium": 34,
    "Forklaring": 42,
    "Bemærkning": 24,
    "Indsatstitel": 20,
    "Titel": 34,
    "Mål": 20,
    "Målsætning": 24,
    "Kontakt": 22,
    "Kilde": 60,
    "Indikator": 30,
}
CENTRED = {"Status", "Frist", "Periode", "Udvalg"}  # short labels between figures and text
HEADER_WRAP = 12  # a header longer than this wraps at its spaces when its values are narrower
NUMBER_COLUMN_MIN = 10
PRINT_WIDTH = 145  # characters of column width that fit an A4 landscape page at 100 % between 0.5" margins
MIN_SCALE = 60  # per cent: the smallest print that stays readable
MARGINS = {"left": 0.5, "right": 0.5, "top": 0.85, "bottom": 0.85, "header": 0.3, "footer": 0.3}  # inches
A4_SHORT_SIDE = 8.27  # inches: the height of a landscape page
HEADER_HEIGHT = 0.3  # inches a one-line header or footer needs above (below) the text


def fit_columns(ws: Any, header_row: int, last_row: int, last_col: int) -> None:
    """Column widths from the content (header and values); long text wraps in a column of readable width, and each
    row gets the height of its wrapped lines."""
    from openpyxl.utils import get_column_letter

    for col in range(1, last_col + 1):
        cells = [ws.cell(row=r, column=col) for r in range(header_row, last_row + 1)]
        header = str(cells[0].value or "").strip()
        longest = max((len(shown(c)) for c in cells[1:]), default=0)
        numeric = any(isinstance(c.value, (int, float)) and not isinstance(c.value, bool) for c in cells[1:])
        cap = WRAP_WIDTHS.get(header, TEXT_COLUMN_MAX)
        words = max((len(w) for w in header.split()), default=0)
        header_need = len(header) if len(header) <= HEADER_WRAP or len(header) <= longest else max(words, HEADER_WRAP)
        width = max(header_need, min(longest, cap), NUMBER_COLUMN_MIN if numeric else 5) + 2
        ws.column_dimensions[get_column_letter(col)].width = width
        wrap_values = longest > cap
        _align(cells[0], wrap=True, vertical="center")
        beside = "center" if header in CENTRED else ("right" if numeric else None)  # a gap beside figures
        for cell in cells[1:]:
            old = cell.alignment
            where = old.horizontal or beside
            _align(
                cell,
                wrap=wrap_values or bool(old.wrap_text),
                vertical="top",
                horizontal=where,
                indent=old.horizontal is None and where == "right",
            )
    fit_rows(ws, header_row, last_row, last_col)


def _align(cell: Any, *, wrap: bool, vertical: str, horizontal: str | None = None, indent: bool = False) -> None:
    from openpyxl.styles import Alignment

    old = cell.alignment
    cell.alignment = Alignment(
        horizontal=horizontal or old.horizontal,
        vertical=vertical,
        wrap_text=wrap,
        indent=1 if indent else old.indent,
        text_rotation=old.text_rotation,
        shrink_to_fit=old.shrink_to_fit,
    )


LINE_HEIGHT = 15.0  # points: one line of 11-point text, as Excel and LibreOffice set a row by default


def fit_rows(ws: Any, header_row: int, last_row: int, last_col: int) -> None:
    """Row heights from the wrapped text and the column widths, so every line shows and none prints over the next
    row: neither Excel nor LibreOffice grows a row that a file gives no height when it converts or prints it. The
    cells are aligned already (``fit_columns``)."""
    from openpyxl.utils import get_column_letter

    widths = {col: ws.column_dimensions[get_column_letter(col)].width or 8.43 for col in range(1, last_col + 1)}
    for row in range(header_row, last_row + 1):
        lines = 1
        for col in range(1, last_col + 1):
            cell = ws.cell(row=row, column=col)
            if cell.value is None or not (cell.alignment and cell.alignment.wrap_text):
                continue
            lines = max(lines, wrapped_lines(shown(cell), widths[col]))
        if lines > 1:  # its cells are aligned to the top (the header's centred) by fit_columns, beside the wrapping
            ws.row_dimensions[row].height = lines * LINE_HEIGHT


def wrapped_lines(text: str, width: float) -> int:
    """The lines a text takes in a column ``width`` characters wide, wrapped at spaces as Excel does."""
    room = max(1, int((width - 1.5) * 1.2))  # letters are narrower than the digit a width counts; padding off
    total = 0
    for part in text.split("\n"):
        lines, used = 1, 0
        for word in part.split(" "):
            need = len(word) if used == 0 else used + 1 + len(word)
            if need <= room:
                used = need
                continue
            extra = max(0, math.ceil(len(word) / room) - 1)  # a word longer than the line breaks anywhere
            lines += 1 + extra
            used = len(word) - extra * room
        total += lines
    return max(1, total)


def shown(cell: Any) -> str:
    """The text a cell shows, near enough to size its column: numbers as their number format writes them."""
    value, fmt = cell.value, str(cell.number_format or "")
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return "31-12-2020"
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return str(value)
    places = len(fmt.split(".")[1].split(" ")[0].rstrip('%"')) if "." in fmt else 0
    if "%" in fmt:
        return f"{value * 100:,.{places}f} %"
    unit = fmt.split('"')[1] if fmt.count('"') >= 2 else ""
    return f"{value:,.{places}f} {unit}".strip()


def name_fonts(ws: Any, first_row: int, last_row: int, last_col: int) -> None:
    """Every cell written gets a named font (Calibri unless the template names one): a font without a name prints
    in the viewer's fallback, a serif in LibreOffice."""
    for row in ws.iter_rows(min_row=first_row, max_row=last_row, max_col=last_col):
        for cell in row:
            if not cell.font or not cell.font.name:
                cell.font = cell.font.copy(name=FONT_NAME) if cell.font else _font()


def _font() -> Any:
    from openpyxl.styles import Font

    return Font(name=FONT_NAME, size=11)


def set_margins(ws: Any) -> None:
    """Margins that hold the header and footer: a template's margins are kept unless the header or footer would
    print over the table or be clipped."""
    m = ws.page_margins
    if m.top < m.header + HEADER_HEIGHT or m.bottom < m.footer + HEADER_HEIGHT or m.header <= 0 or m.footer <= 0:
        for side, inches in MARGINS.items():
            setattr(m, side, inches)


def print_setup(ws: Any, header_row: int, last_col: int, *, title_columns: int = 1) -> None:
    """A4 landscape; the header row repeated on every printed page; fitted to one page width where that keeps the
    text readable (at least 60 %), otherwise to as few pages wide as stay readable, the first ``title_columns``
    columns (the id and its short text) repeated on each."""
    from openpyxl.utils import get_column_letter

    widths = [ws.column_dimensions[get_column_letter(c)].width or 13 for c in range(1, last_col + 1)]
    total = sum(widths) or 1
    page = PRINT_WIDTH * 100 / MIN_SCALE  # characters on one page at the smallest readable scale
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0  # as many pages tall as the rows need
    if total <= page:
        ws.page_setup.fitToWidth = 1
    else:
        titles = sum(widths[:title_columns])
        ws.page_setup.fitToWidth = math.ceil((total - titles) / max(1.0, page - titles))
        if not ws.print_title_cols:
            ws.print_title_cols = f"A:{get_column_letter(title_columns)}"
    if not ws.print_title_rows:
        ws.print_title_rows = f"{header_row}:{header_row}"
    set_margins(ws)


def break_before(ws: Any, row: int, height_cm: float, last_col: int) -> None:
    """A page break above ``row`` when the rows above it and a drawing ``height_cm`` tall from it would not fit on
    one printed page, so a chart is never cut in two."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break

    total = sum(ws.column_dimensions[get_column_letter(c)].width or 13 for c in range(1, last_col + 1))
    scale = min(1.0, PRINT_WIDTH / total)
    page = (A4_SHORT_SIDE - ws.page_margins.top - ws.page_margins.bottom) * 72 / scale  # points
    used = sum(ws.row_dimensions[r].height or LINE_HEIGHT for r in range(1, row))
    if used + height_cm / 2.54 * 72 > page:
        ws.row_breaks.append(Break(id=row - 1))
