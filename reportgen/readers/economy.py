"""Jobcentre economy exports: posting-level CSV or XLSX from the municipal finance system.

``read_postings`` returns the postings in the canonical columns of ``reportgen.domain.observations.POSTING_COLUMNS``
(``dato, konto, projekt, beloeb, antal`` plus the file and line they came from). The free-text column is never kept:
it may hold personal data and no output needs it. Aggregation per initiative is the evaluation layer's work.

This module finds the header and reads the export (CSV in chunks); ``readers.postings`` turns its rows into postings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen.domain.observations import POSTING_COLUMNS, SourceNote, SourceNotes, empty_postings, title_lines
from reportgen.errors import InputError, ProblemLog
from reportgen.readers import Settings, read_each
from reportgen.readers.postings import (
    TOTAL_TAIL,
    TOTAL_WORDS,
    Reporter,
    canonical_columns,
    check_cell_lengths,
    drop_total_rows,
    parse_postings,
)
from reportgen.readers.row_widths import check_row_widths
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


CHUNK_ROWS = 250_000  # rows parsed at a time: bounds memory for exports of millions of rows


def read_postings(
    path: Path, display: str, settings: EconomySettings, problems: ProblemLog, notes: SourceNotes | None = None
) -> pd.DataFrame:
    """Read one economy export. Problems (bad dates, amounts, accounts) are added to ``problems``, all of them;
    what the file says about itself (its title rows) is added to ``notes``.

    CSV files are read and parsed in chunks, and kept only in compact columns (dates, categorical accounts and
    projects, amounts in integer øre), so memory stays bounded for exports of millions of rows. The last rows of
    each chunk are held back until the next one is read, so trailing total rows are recognised wherever the chunks
    happen to end.
    """
    import pandas as pd

    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raw, header_line, titles = _read_xlsx(path, display, settings)
        header: list[str] = list(raw.columns)
        chunks: Iterator[pd.DataFrame] = iter([raw])
    else:
        chunks, header, header_line, titles = _read_csv(path, display, settings)
    if notes is not None:
        notes[display] = SourceNote(titles[0] if titles else None, " ".join(titles[1:]) or None)
    _require_columns(header, header_line, settings.columns, display, problems)
    if any(p.file == display for p in problems.errors):
        return empty_postings()
    cols = settings.columns
    reporter = Reporter(problems, display, {k: getattr(cols, k) or k for k in ("dato", "konto", "beloeb", "antal")})
    parts = []
    first_line = header_line + 1
    held: pd.DataFrame | None = None
    for chunk in chunks:
        if chunk.empty:  # a header and no postings: a month without postings is normal
            continue
        check_cell_lengths(chunk, first_line, display, problems)
        frame = canonical_columns(chunk, first_line, asdict(settings.columns))
        first_line += len(chunk)
        if held is not None:
            frame = pd.concat([held, frame])
        held, frame = frame.iloc[-TOTAL_TAIL:], frame.iloc[:-TOTAL_TAIL]
        parts.append(parse_postings(frame, reporter))
    if held is not None:
        parts.append(parse_postings(drop_total_rows(held, display, problems), reporter))
    reporter.summarise()
    return _combine(parts)


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


def _read_csv(
    path: Path, display: str, settings: EconomySettings
) -> tuple[Iterator[pd.DataFrame], list[str], int, list[str]]:
    """(chunks of raw text cells below the header, the header's cells, the header's line number, title rows)."""
    import pandas as pd

    fmt = sniff_csv(path, display, encoding=settings.encoding, separator=settings.separator)
    encoding, separator, sample_rows = fmt.encoding, fmt.separator, fmt.sample_rows
    header_index = find_header(sample_rows, _header_predicate(settings))
    if header_index is None:
        raise InputError.at(
            display,
            f"no header row with the columns {settings.columns.dato!r} and {settings.columns.beloeb!r} in the first "
            "30 rows",
            "the column names set in [economy.columns] of reportgen.toml",
        )
    header = [c.strip() for c in sample_rows[header_index]]
    _check_widths(path, display, fmt, header_index, header, settings)

    def chunks() -> Iterator[pd.DataFrame]:
        try:
            reader = pd.read_csv(
                path,
                sep=separator,
                encoding=encoding,
                skiprows=header_index,
                header=0,
                dtype="string[pyarrow]",
                keep_default_na=False,
                skip_blank_lines=False,
                index_col=False,  # a row with more cells than the header is an error, never an index
                usecols=range(len(header)),  # empty fields after the last column (checked above) hold nothing
                engine="c",
                chunksize=CHUNK_ROWS,
            )
            with reader:
                for chunk in reader:
                    chunk.columns = [str(c).strip() for c in chunk.columns]
                    yield chunk
        except UnicodeDecodeError as exc:
            raise InputError.at(
                display,
                f"cannot decode the file as {encoding} ({exc.reason})",
                "one encoding for the whole file: UTF-8 or Windows-1252",
            ) from None
        except pd.errors.ParserError as exc:
            m = re.search(r"line (\d+)", str(exc))
            row = header_index + int(m.group(1)) if m else None
            raise InputError.at(
                display, f"malformed CSV ({exc})".replace("\n", " "), "the same number of columns on every row", row=row
            ) from None

    return chunks(), header, header_index + 1, title_lines(sample_rows[:header_index])


def _check_widths(
    path: Path, display: str, fmt: CsvFormat, header_index: int, header: list[str], settings: EconomySettings
) -> None:
    """Every posting row as wide as the header: a wider row (an unquoted ``6.077,02`` in a comma-separated export)
    would shift or drop a cell, a narrower one lacks the date, account or amount. A short total row is left to the
    total-row rule."""
    wanted = {norm_header(getattr(settings.columns, c)) for c in ("dato", "konto", "beloeb")}
    needed = max((i + 1 for i, c in enumerate(header) if norm_header(c) in wanted), default=0)

    def total_row(cells: list[str]) -> bool:
        return any(TOTAL_WORDS.match(cell.strip()) for cell in cells)

    check_row_widths(path, display, fmt, header_index, header, needed, exempt=total_row)


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
