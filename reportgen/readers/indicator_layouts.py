"""The two layouts of an indicator table, once ``readers.indicators`` has found its header: wide (one row per area,
one column per period) and long (area, period, value and optionally indicator columns). Both return observation
rows; a malformed cell is reported with its sheet, row and column and read as missing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reportgen.domain.areas import registry
from reportgen.domain.numbers import NUMBER_EXPECTED
from reportgen.domain.periods import PERIOD_EXPECTED, parse_period
from reportgen.errors import InputError, ProblemLog
from reportgen.readers.indicator_cells import (
    AREA_NAMES,
    INDICATOR_NAMES,
    PERIOD_NAMES,
    VALUE_NAMES,
    area_code,
    cell_value,
    indicator_key,
    is_footnote,
    metadata,
)
from reportgen.readers.row_widths import width_expected
from reportgen.readers.tables import (
    CsvRows,
    Row,
    column_letter,
    is_blank,
    iter_data_rows,
    norm_header,
)

if TYPE_CHECKING:
    from reportgen.readers.indicators import BarometerFileSettings, BarometerSettings

MAX_PROBLEMS = 25
"""Errors in one sheet after which reading it stops (a file in the wrong layout would otherwise report every cell)."""


@dataclass
class IndicatorTable:
    """One table found in a sheet: its rows, where its header is, and how the file is to be read."""

    rows: list[Row]
    header: int
    display: str
    sheet: str | None
    settings: BarometerFileSettings | None
    config: BarometerSettings
    problems: ProblemLog
    _areas: dict[Any, int | None] = field(default_factory=dict, init=False, repr=False)
    _periods: dict[Any, str | None] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        """A data row wider than its header, or (in a CSV file) a row cut short, is malformed: its cells could be
        read under the wrong columns. A one-cell row below the table is a note (``Kilde: …``)."""
        width = max((i + 1 for i, c in enumerate(self.rows[self.header]) if not is_blank(c)), default=0)
        separator = self.rows.separator if isinstance(self.rows, CsvRows) else None
        for n, row in iter_data_rows(self.rows, self.header):
            filled = [i for i, c in enumerate(row) if not is_blank(c)]
            if filled and filled[-1] >= width:
                self.problems.error(
                    self.display,
                    f"the row has a value in column {column_letter(filled[-1])}, beyond the header's {width} columns",
                    width_expected(width, separator) if self.sheet is None else "every row as wide as the header",
                    sheet=self.sheet,
                    row=n,
                )
            elif self.sheet is None and 1 < len(row) < width:
                self.problems.error(
                    self.display,
                    f"the row has {len(row)} cells, the header {width}",
                    width_expected(width, separator, wider=False),
                    row=n,
                )

    @property
    def indicator(self) -> str | None:
        """The indicator key from the config, else from a row ``Indikator: <key>`` above the header."""
        return (self.settings.indicator if self.settings else None) or metadata(self.rows, self.header).indicator

    @property
    def unit(self) -> str:
        """The unit from the config, else from a row ``Enhed: …`` above the header, else a count."""
        return (self.settings.unit if self.settings else None) or metadata(self.rows, self.header).unit or "antal"

    def value(self, cell: Any, unit: str, row: int, column: int) -> tuple[float | None, str]:
        """A value cell as stored (percentages as shares) and its unit; a malformed cell is reported and missing."""
        value, error, value_unit = cell_value(cell, unit, self.config.symbols)
        if error:
            where = {"sheet": self.sheet, "row": row, "column": column_letter(column)}
            self.problems.error(self.display, error, NUMBER_EXPECTED + " or a symbol .. ... -", **where)
        return value, value_unit

    def area_once(self, cell: Any, row: int, column: int) -> int | None:
        """An area cell's kommunekode, resolved once per distinct cell (a long table repeats its areas): an unknown
        area is reported at its first row only."""
        if cell not in self._areas:
            self._areas[cell] = area_code(cell, self.display, self.sheet, row, column_letter(column), self.problems)
        return self._areas[cell]

    def period_once(self, cell: Any, row: int, column: int) -> str | None:
        """A period cell's code, parsed once per distinct cell: a malformed period is reported at its first row."""
        if cell not in self._periods:
            try:
                self._periods[cell] = parse_period(cell).code
            except ValueError as exc:
                self._periods[cell] = None
                self.problems.error(
                    self.display, str(exc), PERIOD_EXPECTED, sheet=self.sheet, row=row, column=column_letter(column)
                )
        return self._periods[cell]

    def stopped(self, errors_before: int) -> bool:
        """More than ``MAX_PROBLEMS`` errors since ``errors_before``: say so, and stop reading the sheet."""
        if len(self.problems.errors) - errors_before > MAX_PROBLEMS:
            self.problems.error(self.display, "too many problems; stopped reading this sheet", "", sheet=self.sheet)
            return True
        return False


def read_wide(table: IndicatorTable) -> list[dict[str, Any]]:
    """A wide table: 'Kommune'/'Område' and one column per period; the indicator key from the config or a metadata
    row. A row naming no known area and holding nothing else is a heading or note, not data."""
    rows, header, display, sheet = table.rows, table.header, table.display, table.sheet
    problems = table.problems
    meta = metadata(rows, header)
    indicator = table.indicator
    if not indicator:
        raise InputError.at(
            display,
            "no indicator key for this table",
            "a row 'Indikator: <key>' above the header, or indicator = \"<key>\" in [barometer.files] of "
            "reportgen.toml",
            sheet=sheet,
            row=header + 1,
        )
    unit = table.unit
    periods: dict[int, str] = {}
    for j, cell in enumerate(rows[header][1:], start=1):
        if is_blank(cell):
            continue
        try:
            periods[j] = parse_period(cell).code
        except ValueError as exc:
            problems.error(
                display, f"header {exc}", PERIOD_EXPECTED, sheet=sheet, row=header + 1, column=column_letter(j)
            )
    out: list[dict[str, Any]] = []
    errors_before = len(problems.errors)
    for i in range(header + 1, len(rows)):
        row = rows[i]
        if all(is_blank(c) for c in row):
            continue
        if is_footnote(row) or (
            isinstance(row[0], str) and registry().lookup(row[0]) is None and all(is_blank(c) for c in row[1:])
        ):
            continue
        area = area_code(row[0], display, sheet, i + 1, "A", problems)
        for j, period in periods.items():
            value, value_unit = table.value(_cell(row, j), unit, i + 1, j)
            if area is not None:
                out.append(_observation(display, indicator, area, period, value, value_unit, meta.title))
        if table.stopped(errors_before):
            break
    return out


@dataclass(frozen=True)
class _LongColumns:
    """Where a long table's columns are (0-based)."""

    area: int
    period: int
    value: int
    indicator: int | None


def _pick(header: list[str], configured: str | None, names: set[str]) -> int | None:
    if configured:
        key = norm_header(configured)
        return header.index(key) if key in header else None
    for i, cell in enumerate(header):
        if cell in names:
            return i
    return None


def _long_columns(table: IndicatorTable) -> _LongColumns:
    """The long table's columns: by the names configured for the file, else by the usual names."""
    names = [norm_header(c) for c in table.rows[table.header]]
    columns = table.settings.columns if table.settings and table.settings.columns else None
    area = _pick(names, columns.area if columns else None, AREA_NAMES)
    period = _pick(names, columns.period if columns else None, PERIOD_NAMES)
    value = _pick(names, columns.value if columns else None, VALUE_NAMES)
    indicator = _pick(names, columns.indicator if columns else None, INDICATOR_NAMES)
    if area is None or period is None or value is None:
        missing = [n for n, c in (("area", area), ("period", period), ("value", value)) if c is None]
        raise InputError.at(
            table.display,
            "no column for " + ", ".join(missing) + " in the header",
            "columns = { area = ..., period = ..., value = ... } in [barometer.files] of reportgen.toml",
            sheet=table.sheet,
            row=table.header + 1,
        )
    return _LongColumns(area, period, value, indicator)


def _long_indicator(fixed: str | None, label: str | None) -> str | None:
    """A row's indicator key: the fixed key (config or metadata row), the key of the row's indicator label, or with
    both the label's key prefixed by the fixed one."""
    if label is None:
        return fixed
    key = indicator_key(label)
    return f"{fixed}_{key}" if fixed and key != fixed else key


def read_long(table: IndicatorTable) -> list[dict[str, Any]]:
    """A long table: one row per area, period and (with an indicator column) indicator."""
    rows, header, display, sheet, problems = table.rows, table.header, table.display, table.sheet, table.problems
    columns = _long_columns(table)
    meta = metadata(rows, header)
    fixed_indicator = table.indicator
    if columns.indicator is None and not fixed_indicator:
        raise InputError.at(
            display,
            "no indicator column and no indicator key",
            "an indicator column, a row 'Indikator: <key>', or indicator = \"<key>\" in [barometer.files]",
            sheet=sheet,
            row=header + 1,
        )
    unit = table.unit
    out: list[dict[str, Any]] = []
    errors_before = len(problems.errors)
    for i in range(header + 1, len(rows)):
        row = rows[i]
        if all(is_blank(c) for c in row) or is_footnote(row):
            continue
        area = table.area_once(_cell(row, columns.area), i + 1, columns.area)
        period = table.period_once(_cell(row, columns.period), i + 1, columns.period)
        value, value_unit = table.value(_cell(row, columns.value), unit, i + 1, columns.value)
        label = None if columns.indicator is None else str(_cell(row, columns.indicator) or "").strip()
        indicator = _long_indicator(fixed_indicator, label)
        if not indicator:
            column = column_letter(columns.indicator or 0)
            problems.error(
                display, "the indicator cell is empty", "an indicator label", sheet=sheet, row=i + 1, column=column
            )
            continue
        if area is not None and period is not None:
            # a label that is itself a key (``i_uddannelse``) names nothing: the plan's label is used instead
            title = label if label and label != indicator_key(label) else (None if label else meta.title)
            out.append(_observation(display, indicator, area, period, value, value_unit, title))
        if table.stopped(errors_before):
            break
    return out


def _cell(row: Row, j: int) -> Any:
    """The row's cell in column ``j`` (None past the row's end)."""
    return row[j] if j < len(row) else None


def _observation(
    display: str, indicator: str, area: int, period: str, value: float | None, unit: str, title: str | None = None
) -> dict[str, Any]:
    return {
        "source": display,
        "indicator": indicator,
        "area": area,
        "period": period,
        "value": value,
        "unit": unit,
        "initiative": None,
        "label": None,
        "comment": None,
        "title": title,
    }
