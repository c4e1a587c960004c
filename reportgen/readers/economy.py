"""Jobcentre economy exports: posting-level CSV or XLSX from the municipal finance system.

``read_postings`` returns the postings in the canonical columns of ``reportgen.domain.observations.POSTING_COLUMNS``
(``dato, konto, projekt, beloeb, antal`` plus the file and line they came from). The free-text column is never kept:
it may hold personal data and no output needs it. Aggregation per initiative is the evaluation layer's work.

This module finds the header and checks the rows' widths; ``readers.csv_postings`` reads a CSV export's rows into
postings, ``readers.postings`` a workbook's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen.domain.observations import POSTING_COLUMNS, SourceNote, SourceNotes, empty_postings, title_lines
from reportgen.errors import InputError, ProblemLog
from reportgen.readers import Settings, read_each
from reportgen.readers.csv_postings import read_csv_postings
from reportgen.readers.postings import (
    TOTAL_TAIL,
    TOTAL_WORDS,
    Reporter,
    canonical_columns,
    drop_total_rows,
    parse_postings,
)
from reportgen.readers.row_widths import LineScan, check_row_widths, scan_lines
from reportgen.readers.tables import (
    CsvFormat,
    find_header,
    norm_header,
    read_xlsx_sheets,
    sniff_csv,
)

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class EconomyColumns(Settings):
    """Canonical column name = the column's name in the municipality's export."""

    dato: str = "dato"
    konto: str = "konto"
    projekt: str | None = "projekt"
    tekst: str | None = "tekst"
    beloeb: str = "beloeb"
    antal: str | None = "antal"

    def __post_init__(self) -> None:
        seen: dict[str, str] = {}
        for canonical, name in asdict(self).items():
            if name is None:
                continue
            key = norm_header(name)
            if key in seen:
                # two canonical columns read from one export column: one of them would silently read the other's cells
                raise ValueError(f"{name!r} is mapped twice ({seen[key]} and {canonical}); each column once")
            seen[key] = canonical


@dataclass(frozen=True)
class EconomySettings(Settings):
    """How to read the municipality's exports: column names, and encoding/separator when not detected."""

    columns: EconomyColumns = field(default_factory=EconomyColumns)
    encoding: str | None = None
    separator: str | None = None

    def __post_init__(self) -> None:
        if self.separator is not None and len(self.separator) != 1:
            raise ValueError(f"separator {self.separator!r} is not one character (such as ';', ',' or a tab)")
        if self.encoding is not None:
            import codecs

            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise ValueError(f"{self.encoding!r} is not an encoding (such as 'utf-8' or 'cp1252')") from None


def _header_predicate(settings: EconomySettings) -> Callable[[list[str]], bool]:
    wanted = {norm_header(settings.columns.dato), norm_header(settings.columns.beloeb)}

    def accept(cells: list[str]) -> bool:
        return wanted <= set(cells)

    return accept


def read_postings(
    path: Path, display: str, settings: EconomySettings, problems: ProblemLog, notes: SourceNotes | None = None
) -> pd.DataFrame:
    """Read one economy export. Problems (bad dates, amounts, accounts) are added to ``problems``, all of them;
    what the file says about itself (its title rows) is added to ``notes``.

    CSV files are read and parsed in blocks with Arrow (``readers.csv_postings``) and kept only in compact columns
    (dates, categorical accounts and projects, amounts in integer øre), so memory stays bounded for exports of
    millions of rows; trailing total rows are recognised wherever the blocks happen to end. Workbooks are read
    whole (``read_xlsx_sheets``) and parsed with pandas, their cells being numbers and dates as well as text.
    """
    cols = settings.columns
    names = {k: getattr(cols, k) or k for k in ("dato", "konto", "beloeb", "antal")}
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        fmt, header_index, header, titles, scan = _open_csv(path, display, settings)
        if not _usable(header, header_index + 1, titles, display, settings, problems, notes):
            return empty_postings()
        reporter = Reporter(problems, display, names)
        postings = read_csv_postings(path, display, fmt, header_index, header, asdict(cols), reporter, scan)
        reporter.summarise()
        return postings
    raw, header_line, titles = _read_xlsx(path, display, settings)
    if not _usable(list(raw.columns), header_line, titles, display, settings, problems, notes):
        return empty_postings()
    reporter = Reporter(problems, display, names)
    postings = empty_postings()
    if not raw.empty:  # a header and no postings: a month without postings is normal
        frame = canonical_columns(raw, header_line + 1, asdict(cols))
        body, tail = frame.iloc[:-TOTAL_TAIL], frame.iloc[-TOTAL_TAIL:]
        parts = [parse_postings(body, reporter), parse_postings(drop_total_rows(tail, display, problems), reporter)]
        postings = _combine(parts)
    reporter.summarise()
    return postings


def _usable(
    header: list[str],
    header_line: int,
    titles: list[str],
    display: str,
    settings: EconomySettings,
    problems: ProblemLog,
    notes: SourceNotes | None,
) -> bool:
    """Notes the title rows; whether the header has every required column (else an error names the missing one)."""
    if notes is not None:
        notes[display] = SourceNote(titles[0] if titles else None, " ".join(titles[1:]) or None)
    _require_columns(header, header_line, settings.columns, display, problems)
    return not any(p.file == display for p in problems.errors)


def _require_columns(
    header: list[str], header_line: int, cols: EconomyColumns, display: str, problems: ProblemLog
) -> None:
    """Every required column (date, account, amount) is in the header, or an error names the missing one."""
    present = {norm_header(c) for c in header}
    for required in ("dato", "konto", "beloeb"):
        source_name = getattr(cols, required)
        if norm_header(source_name) not in present:
            problems.error(
                display,
                f"column {source_name!r} ({required}) not found in the header on line {header_line}",
                "the column names set in [economy.columns] of reportgen.toml",
                row=header_line,
            )


def _combine(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The parsed chunks as one postings table, accounts and projects kept categorical."""
    import pandas as pd
    from pandas.api.types import union_categoricals

    parts = [p for p in parts if not p.empty]
    if not parts:
        return empty_postings()
    categorical = {c: union_categoricals([p[c] for p in parts]) for c in ("konto", "projekt")}
    postings = pd.concat([p.drop(columns=["konto", "projekt"]) for p in parts], ignore_index=True)
    for column, values in categorical.items():
        postings[column] = pd.Categorical(values)
    return postings[POSTING_COLUMNS]


def _open_csv(
    path: Path, display: str, settings: EconomySettings
) -> tuple[CsvFormat, int, list[str], list[str], LineScan | None]:
    """(the file's format, the header's row index, its cells, the title rows above it, the scan of its lines);
    every row is checked to be as wide as the header."""
    fmt = sniff_csv(path, display, encoding=settings.encoding, separator=settings.separator)
    header_index = find_header(fmt.sample_rows, _header_predicate(settings))
    if header_index is None:
        raise InputError.at(
            display,
            f"no header row with the columns {settings.columns.dato!r} and {settings.columns.beloeb!r} in the first "
            "30 rows",
            "the column names set in [economy.columns] of reportgen.toml",
        )
    header = [c.strip() for c in fmt.sample_rows[header_index]]
    scan = scan_lines(path, fmt, header_index, len(header))
    _check_widths(path, display, fmt, header_index, header, settings, scan)
    return fmt, header_index, header, title_lines(fmt.sample_rows[:header_index]), scan


def _check_widths(
    path: Path,
    display: str,
    fmt: CsvFormat,
    header_index: int,
    header: list[str],
    settings: EconomySettings,
    scan: LineScan | None,
) -> None:
    """Every posting row as wide as the header: a wider row (an unquoted ``6.077,02`` in a comma-separated export)
    would shift or drop a cell, a narrower one lacks the date, account or amount. A short total row is left to the
    total-row rule."""
    wanted = {norm_header(getattr(settings.columns, c)) for c in ("dato", "konto", "beloeb")}
    needed = max((i + 1 for i, c in enumerate(header) if norm_header(c) in wanted), default=0)

    def total_row(cells: list[str]) -> bool:
        return any(TOTAL_WORDS.match(cell.strip()) for cell in cells)

    check_row_widths(path, display, fmt, header_index, header, needed, exempt=total_row, scan=scan)


def _read_xlsx(path: Path, display: str, settings: EconomySettings) -> tuple[pd.DataFrame, int, list[str]]:
    import pandas as pd

    sheets = read_xlsx_sheets(path, display)
    accept = _header_predicate(settings)
    for rows in sheets.values():
        header_index = find_header(rows, accept)
        if header_index is None:
            continue
        header = [str(c).strip() if c is not None else f"_{i}" for i, c in enumerate(rows[header_index])]
        width = len(header)
        body = [list(r[:width]) + [None] * (width - len(r)) for r in rows[header_index + 1 :]]
        frame = pd.DataFrame(body, columns=header, dtype=object)
        return frame, header_index + 1, title_lines(rows[:header_index])
    raise InputError.at(
        display,
        f"no sheet has a header row with the columns {settings.columns.dato!r} and {settings.columns.beloeb!r}",
        "the column names set in [economy.columns] of reportgen.toml",
    )


def read_economy(
    paths: list[Path],
    displays: list[str],
    settings: EconomySettings,
    problems: ProblemLog,
    notes: SourceNotes | None = None,
) -> pd.DataFrame:
    """All economy exports as one postings table."""
    import pandas as pd

    frames = read_each(
        paths, displays, lambda path, display: read_postings(path, display, settings, problems, notes), problems
    )
    frames = [f for f in frames if not f.empty]
    if not frames:
        return empty_postings()
    if len(frames) == 1:
        return frames[0]
    _check_overlap(frames, problems)
    return pd.concat(frames, ignore_index=True)


def _check_overlap(frames: list[pd.DataFrame], problems: ProblemLog) -> None:
    """Two exports holding the same postings (an old and a new export of overlapping months) would count them twice."""
    import pandas as pd

    keyed = []
    for frame in frames:
        keys = pd.util.hash_pandas_object(frame[["dato", "konto", "projekt", "oere"]], index=False)
        keyed.append((frame["file"].iloc[0], keys.value_counts(), frame["dato"].min(), frame["dato"].max()))
    for i, (file_a, counts_a, start_a, end_a) in enumerate(keyed):
        for file_b, counts_b, start_b, end_b in keyed[i + 1 :]:
            if start_b > end_a or start_a > end_b:
                continue
            shared = counts_a.index.intersection(counts_b.index)
            n = int(counts_a[shared].clip(upper=counts_b[shared]).sum())
            if n:
                problems.error(
                    file_b,
                    f"{n} postings are also in {file_a} (the exports overlap from {max(start_a, start_b):%d-%m-%Y} to "
                    f"{min(end_a, end_b):%d-%m-%Y}); they would be counted twice",
                    "exports that do not overlap: remove the older one from the inputs folder",
                )
