"""Integrationsbarometer, Statistics Denmark (Statbank) and Jobindsats spreadsheets.

Two layouts:

* wide: title/metadata rows, a header row starting with ``Kommune`` or ``Område``, one row per area and one column
  per period, footnotes below;
* long: a header with area, period and value columns and optionally an indicator column (Statbank's
  ``OMRÅDE;OVERTRÆD;TID;INDHOLD`` or ``indikator;kommune;periode;værdi``).

The indicator key comes from the config (``[barometer.files."glob"] indicator = ...``), from the long layout's
indicator column (its labels turned into keys), or from a metadata row ``Indikator: key`` above the header.
Metadata rows may also say ``Enhed: pct`` (values are percentages, stored as shares).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from reportgen.domain.areas import registry
from reportgen.domain.numbers import NUMBER_EXPECTED, bounded, parse_danish_number, to_decimal
from reportgen.domain.observations import SourceNote, SourceNotes, observations_frame, title_lines
from reportgen.domain.periods import PERIOD_EXPECTED, parse_period
from reportgen.errors import InputError, ProblemLog
from reportgen.readers import Settings, read_each
from reportgen.readers.tables import (
    CsvRows,
    Row,
    column_letter,
    find_header,
    is_blank,
    iter_data_rows,
    norm_header,
    read_csv_rows,
    read_xlsx_sheets,
    width_expected,
)

if TYPE_CHECKING:
    import pandas as pd

Symbol = Literal["missing", "zero"]
Unit = Literal["pct", "antal", "kr"]


@dataclass(frozen=True)
class BarometerColumns(Settings):
    """The columns of a long-layout file, by their names in the file, where they are not the usual ones."""

    area: str | None = None
    indicator: str | None = None
    period: str | None = None
    value: str | None = None


@dataclass(frozen=True)
class BarometerFileSettings(Settings):
    """Settings for the files matching one glob: the indicator key, the unit, the sheet, odd column names."""

    indicator: str | None = None
    """The indicator key, where the file has no row ``Indikator: <key>``; with a long layout's indicator column, the
    prefix of the keys made from its labels."""
    columns: BarometerColumns | None = None
    """A long layout's column names, where they are not the usual ones (Statbank's ``OMRÅDE``, ``TID``…)."""
    unit: Unit | None = None
    """The values' unit, where the file has no row ``Enhed: …``; ``pct`` values are stored as shares."""
    sheet: str | None = None
    """Read only this sheet of a workbook (default: every sheet)."""


def _default_symbols() -> dict[str, Symbol]:
    return {"..": "missing", "...": "missing", "-": "zero"}


@dataclass(frozen=True)
class BarometerSettings(Settings):
    """Per-file settings (by glob) and the meaning of Statistics Denmark's symbols."""

    files: dict[str, BarometerFileSettings] = field(default_factory=dict)
    symbols: dict[str, Symbol] = field(default_factory=_default_symbols)


AREA_NAMES = {"kommune", "omraade", "omrade", "area", "kommunenavn", "kommunekode", "geografi", "region"}
PERIOD_NAMES = {"periode", "tid", "aar", "kvartal", "maaned", "period", "time", "year"}
VALUE_NAMES = {"vaerdi", "indhold", "value", "andel", "antal", "pct", "procent"}
INDICATOR_NAMES = {"indikator", "indicator", "noegletal", "maal"}
AREA_EXPECTED = "a municipality name or kommunekode, Hele landet, a region, Christiansø or Uoplyst kommune"
MAX_PROBLEMS = 25


def indicator_key(label: str) -> str:
    """A label such as ``Straffelov i alt`` as a plan key: ``straffelov_i_alt``."""
    s = label.casefold().strip()
    s = re.sub(r"[^0-9a-zæøå]+", "_", s)
    return s.strip("_")


@dataclass
class _Meta:
    indicator: str | None = None
    unit: str | None = None
    title: str | None = None


METADATA_KEYS = {"indikator", "indicator", "enhed", "unit", "kilde", "source", "note", "udtrukket", "periode"}
TITLE_PREFIXES = (
    "integrationsbarometer – ",
    "integrationsbarometer - ",
    "integrationsbarometer: ",
    "jobindsats: ",
    "jobindsats.dk – ",
)


def file_settings(path: Path, config: BarometerSettings) -> BarometerFileSettings | None:
    for pattern, settings in config.files.items():
        if fnmatch.fnmatch(path.name, pattern) or fnmatch.fnmatch(str(path), pattern):
            return settings
    return None


def read_barometer(
    path: Path, display: str, config: BarometerSettings, problems: ProblemLog, notes: SourceNotes | None = None
) -> pd.DataFrame:
    """Read one indicator file (all its sheets) into observations; its title and its own note (a ``Kilde:`` line
    below the table) go to ``notes``."""
    settings = file_settings(path, config)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        sheets = read_xlsx_sheets(path, display)
        if settings and settings.sheet:
            if settings.sheet not in sheets:
                raise InputError.at(display, f"no sheet named {settings.sheet!r}", "one of: " + ", ".join(sheets))
            sheets = {settings.sheet: sheets[settings.sheet]}
    elif path.suffix.lower() in (".csv", ".txt"):
        rows, _, _ = read_csv_rows(path, display)
        sheets = {"": rows}
    else:
        raise InputError.at(display, f"unsupported file type {path.suffix!r}", ".xlsx or .csv")
    if not any(sheets.values()):
        raise InputError.at(display, "the file is empty", "a table of indicator values (see README.md)")
    out: list[dict[str, Any]] = []
    for sheet, rows in sheets.items():
        if not rows:
            continue
        out.extend(_read_sheet(rows, display, sheet or None, settings, config, problems))
    if notes is not None:
        notes[display] = _source_note([line for rows in sheets.values() for line in title_lines(rows)])
    return observations_frame(out)


NOTE_WORDS = ("kilde", "source", "note", "anm", "fodnote")


def _source_note(lines: list[str]) -> SourceNote:
    """A file's title (its first title line) and its note (the first line starting with ``Kilde:``, ``Note:``…)."""
    titles = [line for line in lines if not line.casefold().startswith(NOTE_WORDS)]
    marked = [line for line in lines if line.casefold().startswith(NOTE_WORDS)]
    note = marked[0].partition(":")[2].strip() or marked[0] if marked else None
    return SourceNote(titles[0] if titles else None, note)


def _read_sheet(
    rows: list[Row],
    display: str,
    sheet: str | None,
    settings: BarometerFileSettings | None,
    config: BarometerSettings,
    problems: ProblemLog,
) -> list[dict[str, Any]]:
    columns = settings.columns if settings else None
    if columns and (columns.area or columns.value):
        wanted = {norm_header(c) for c in (columns.area, columns.period, columns.value, columns.indicator) if c}
        header = find_header(rows, lambda cells: wanted <= set(cells))
        if header is None:
            raise InputError.at(
                display,
                "no header row with the configured columns "
                + ", ".join(repr(c) for c in (columns.area, columns.indicator, columns.period, columns.value) if c),
                "the column names in [barometer.files] of reportgen.toml",
                sheet=sheet,
            )
        return _read_long(_Table(rows, header, display, sheet, settings, config, problems))
    header = find_header(rows, lambda cells: bool(cells) and cells[0] in ("kommune", "omraade", "omrade"))
    if header is not None and _looks_wide(rows[header]):
        return _read_wide(_Table(rows, header, display, sheet, settings, config, problems))
    header = find_header(
        rows,
        lambda cells: (
            bool(AREA_NAMES & set(cells)) and bool(PERIOD_NAMES & set(cells)) and bool(VALUE_NAMES & set(cells))
        ),
    )
    if header is not None:
        return _read_long(_Table(rows, header, display, sheet, settings, config, problems))
    raise InputError.at(
        display,
        "neither layout found: no header row starting with 'Kommune' or 'Område' followed by periods, and no header "
        "with area, period and value columns",
        "the wide or long layout described in README.md, or [barometer.files] columns in reportgen.toml",
        sheet=sheet,
    )


def _looks_wide(header: Row) -> bool:
    """A wide header: after 'Kommune'/'Område', at least one period (malformed ones are reported cell by cell)."""
    for cell in header[1:]:
        if is_blank(cell):
            continue
        try:
            parse_period(cell)
            return True
        except ValueError:
            continue
    return False


def _metadata(rows: list[Row], header: int) -> _Meta:
    meta = _Meta()
    for row in rows[:header]:
        cells = [c for c in row if not is_blank(c)]
        is_metadata = (
            isinstance(cells[0], str) and norm_header(cells[0].partition(":")[0]) in METADATA_KEYS if cells else False
        )
        if meta.title is None and len(cells) == 1 and isinstance(cells[0], str) and not is_metadata:
            title = cells[0].strip()
            for prefix in TITLE_PREFIXES:
                if title.casefold().startswith(prefix):
                    title = title[len(prefix) :]
            meta.title = title[:1].upper() + title[1:]
        for i, cell in enumerate(cells):
            text = str(cell)
            key, sep, rest = text.partition(":")
            value = rest.strip() if sep and rest.strip() else (str(cells[i + 1]).strip() if i + 1 < len(cells) else "")
            k = norm_header(key if sep else text)
            if k in ("indikator", "indicator") and value:
                meta.indicator = indicator_key(value)
            elif k in ("enhed", "unit") and value:
                meta.unit = _unit(value)
    return meta


def _unit(text: str) -> str:
    t = text.casefold().strip().rstrip(".")
    if t in ("pct", "%", "procent", "andel", "pct"):
        return "pct"
    if t in ("kr", "dkk", "kroner"):
        return "kr"
    return "antal"


def _value(cell: Any, unit: str, config: BarometerSettings) -> tuple[float | None, str | None, str]:
    """(value as stored, error message or None, unit). Percentages become shares with unit ``pct``, whether the file
    says so (``Enhed: pct``) or the cell does (``38,5%``); symbols follow the config."""
    if is_blank(cell):
        return None, None, unit
    if isinstance(cell, bool):
        return None, f"{cell!r} is not a number", unit
    if isinstance(cell, (int, float)):
        try:
            number = bounded(to_decimal(cell), cell)
        except ValueError as exc:
            return None, str(exc), unit
        percent_sign = False
    else:
        text = str(cell).strip()
        if text in config.symbols:
            return (0.0 if config.symbols[text] == "zero" else None), None, unit
        try:
            parsed = parse_danish_number(text)
        except ValueError:
            return None, f"{text!r} is not a number", unit
        number, percent_sign = parsed.value, parsed.percent
    if unit == "pct" or percent_sign:
        return float(number / Decimal(100)), None, "pct"
    return float(number), None, unit


def _area(cell: Any, display: str, sheet: str | None, row: int, column: str, problems: ProblemLog) -> int | None:
    try:
        return registry().resolve(cell).code
    except ValueError as exc:
        problems.error(display, str(exc), AREA_EXPECTED, sheet=sheet, row=row, column=column)
        return None


def _is_footnote(row: Row) -> bool:
    """A footnote/source line below the table: text in the first cell and nothing else."""
    first = row[0] if row else None
    rest = [c for c in row[1:] if not is_blank(c)]
    return (
        isinstance(first, str)
        and not rest
        and (len(first) > 30 or first.lower().startswith(("kilde", "note", "anm", "*", "fodnote", "¹", "1)", "a)")))
    )


@dataclass
class _Table:
    """One table found in a sheet: its rows, where its header is, and how the file is to be read."""

    rows: list[Row]
    header: int
    display: str
    sheet: str | None
    settings: BarometerFileSettings | None
    config: BarometerSettings
    problems: ProblemLog

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
        return (self.settings.indicator if self.settings else None) or _metadata(self.rows, self.header).indicator

    @property
    def unit(self) -> str:
        """The unit from the config, else from a row ``Enhed: …`` above the header, else a count."""
        return (self.settings.unit if self.settings else None) or _metadata(self.rows, self.header).unit or "antal"

    def value(self, cell: Any, unit: str, row: int, column: int) -> tuple[float | None, str]:
        """A value cell as stored (percentages as shares) and its unit; a malformed cell is reported and missing."""
        value, error, value_unit = _value(cell, unit, self.config)
        if error:
            where = {"sheet": self.sheet, "row": row, "column": column_letter(column)}
            self.problems.error(self.display, error, NUMBER_EXPECTED + " or a symbol .. ... -", **where)
        return value, value_unit


def _read_wide(table: _Table) -> list[dict[str, Any]]:
    rows, header, display, sheet = table.rows, table.header, table.display, table.sheet
    problems = table.problems
    meta = _metadata(rows, header)
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
        if _is_footnote(row) or (
            isinstance(row[0], str) and registry().lookup(row[0]) is None and all(is_blank(c) for c in row[1:])
        ):
            continue
        area = _area(row[0], display, sheet, i + 1, "A", problems)
        for j, period in periods.items():
            cell = row[j] if j < len(row) else None
            value, value_unit = table.value(cell, unit, i + 1, j)
            if area is not None:
                out.append(_observation(display, indicator, area, period, value, value_unit, meta.title))
        if len(problems.errors) - errors_before > MAX_PROBLEMS:
            problems.error(display, "too many problems; stopped reading this sheet", "", sheet=sheet)
            break
    return out


def _pick(header: list[str], configured: str | None, names: set[str]) -> int | None:
    if configured:
        key = norm_header(configured)
        return header.index(key) if key in header else None
    for i, cell in enumerate(header):
        if cell in names:
            return i
    return None


def _read_long(table: _Table) -> list[dict[str, Any]]:
    rows, header, display, sheet = table.rows, table.header, table.display, table.sheet
    settings, problems = table.settings, table.problems
    names = [norm_header(c) for c in rows[header]]
    columns = settings.columns if settings and settings.columns else None
    area_col = _pick(names, columns.area if columns else None, AREA_NAMES)
    period_col = _pick(names, columns.period if columns else None, PERIOD_NAMES)
    value_col = _pick(names, columns.value if columns else None, VALUE_NAMES)
    indicator_col = _pick(names, columns.indicator if columns else None, INDICATOR_NAMES)
    missing = [n for n, c in (("area", area_col), ("period", period_col), ("value", value_col)) if c is None]
    if missing:
        raise InputError.at(
            display,
            "no column for " + ", ".join(missing) + " in the header",
            "columns = { area = ..., period = ..., value = ... } in [barometer.files] of reportgen.toml",
            sheet=sheet,
            row=header + 1,
        )
    assert area_col is not None and period_col is not None and value_col is not None
    meta = _metadata(rows, header)
    fixed_indicator = table.indicator
    if indicator_col is None and not fixed_indicator:
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
    areas: dict[Any, int | None] = {}
    periods: dict[Any, str | None] = {}
    for i in range(header + 1, len(rows)):
        row = rows[i]
        if all(is_blank(c) for c in row) or _is_footnote(row):
            continue
        raw_area = _cell(row, area_col)
        if raw_area not in areas:
            areas[raw_area] = _area(raw_area, display, sheet, i + 1, column_letter(area_col), problems)
        raw_period = _cell(row, period_col)
        if raw_period not in periods:
            try:
                periods[raw_period] = parse_period(raw_period).code
            except ValueError as exc:
                periods[raw_period] = None
                problems.error(
                    display, str(exc), PERIOD_EXPECTED, sheet=sheet, row=i + 1, column=column_letter(period_col)
                )
        value, value_unit = table.value(_cell(row, value_col), unit, i + 1, value_col)
        label = None if indicator_col is None else str(_cell(row, indicator_col) or "").strip()
        indicator = fixed_indicator if label is None else indicator_key(label)
        if fixed_indicator and indicator_col is not None:
            indicator = f"{fixed_indicator}_{indicator}" if indicator != fixed_indicator else indicator
        if not indicator:
            problems.error(
                display,
                "the indicator cell is empty",
                "an indicator label",
                sheet=sheet,
                row=i + 1,
                column=column_letter(indicator_col or 0),
            )
            continue
        area, period = areas[raw_area], periods[raw_period]
        if area is not None and period is not None:
            # a label that is itself a key (``i_uddannelse``) names nothing: the plan's label is used instead
            title = label if label and label != indicator_key(label) else (None if label else meta.title)
            out.append(_observation(display, indicator, area, period, value, value_unit, title))
        if len(problems.errors) - errors_before > MAX_PROBLEMS:
            problems.error(display, "too many problems; stopped reading this sheet", "", sheet=sheet)
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


def read_indicators(
    paths: list[Path],
    displays: list[str],
    config: BarometerSettings,
    problems: ProblemLog,
    notes: SourceNotes | None = None,
) -> pd.DataFrame:
    """All indicator files as one observations table; a value given twice with different figures is an error."""
    import pandas as pd

    frames = read_each(
        paths, displays, lambda path, display: read_barometer(path, display, config, problems, notes), problems
    )
    if not frames:
        return observations_frame()
    frame = pd.concat(frames, ignore_index=True)
    dupes = frame.duplicated(subset=["indicator", "area", "period"], keep=False) & frame["value"].notna()
    if dupes.any():
        clash = frame[dupes].groupby(["indicator", "area", "period"])["value"].nunique()
        for key, n in clash[clash > 1].head(10).items():
            indicator, area, period = key if isinstance(key, tuple) else (key, None, None)
            sources = sorted(
                set(
                    frame[dupes & (frame.indicator == indicator) & (frame.area == area) & (frame.period == period)][
                        "source"
                    ]
                )
            )
            problems.error(
                sources[0],
                f"indicator {indicator!r} has {n} different values for area {area} in {period} (also in "
                f"{', '.join(sources[1:]) or 'the same file'})",
                "one value per indicator, area and period",
            )
    return frame.drop_duplicates(subset=["indicator", "area", "period"], keep="first").reset_index(drop=True)
