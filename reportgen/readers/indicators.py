"""Integrationsbarometer, Statistics Denmark (Statbank) and Jobindsats spreadsheets.

Two layouts:

* wide: title/metadata rows, a header row starting with ``Kommune`` or ``Område``, one row per area and one column
  per period, footnotes below;
* long: a header with area, period and value columns and optionally an indicator column (Statbank's
  ``OMRÅDE;OVERTRÆD;TID;INDHOLD`` or ``indikator;kommune;periode;værdi``).

The indicator key comes from the config (``[barometer.files."glob"] indicator = ...``), from the long layout's
indicator column (its labels turned into keys), or from a metadata row ``Indikator: key`` above the header.
Metadata rows may also say ``Enhed: pct`` (values are percentages, stored as shares).

This module reads a file and finds each sheet's layout; ``indicator_layouts`` reads the two layouts and
``indicator_cells`` says what a cell means.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from reportgen.domain.observations import SourceNote, SourceNotes, observations_frame, title_lines
from reportgen.domain.periods import parse_period
from reportgen.errors import InputError, ProblemLog
from reportgen.readers import Settings, read_each
from reportgen.readers.indicator_cells import AREA_NAMES, PERIOD_NAMES, VALUE_NAMES
from reportgen.readers.indicator_layouts import IndicatorTable, read_long, read_wide
from reportgen.readers.tables import Row, find_header, is_blank, norm_header, read_csv_rows, read_xlsx_sheets

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
        return read_long(IndicatorTable(rows, header, display, sheet, settings, config, problems))
    header = find_header(rows, lambda cells: bool(cells) and cells[0] in ("kommune", "omraade", "omrade"))
    if header is not None and _looks_wide(rows[header]):
        return read_wide(IndicatorTable(rows, header, display, sheet, settings, config, problems))
    header = find_header(
        rows,
        lambda cells: (
            bool(AREA_NAMES & set(cells)) and bool(PERIOD_NAMES & set(cells)) and bool(VALUE_NAMES & set(cells))
        ),
    )
    if header is not None:
        return read_long(IndicatorTable(rows, header, display, sheet, settings, config, problems))
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
