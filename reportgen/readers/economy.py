"""Jobcentre economy exports: posting-level CSV or XLSX from the municipal finance system.

``read_postings`` returns the postings in the canonical columns of ``reportgen.domain.observations.POSTING_COLUMNS``
(``dato, konto, projekt, beloeb, antal`` plus the file and line they came from). The free-text column is never kept:
it may hold personal data and no output needs it. Aggregation per initiative is the evaluation layer's work.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen.domain.accounts import ACCOUNT_EXPECTED, ACCOUNT_PATTERNS, normalise_account
from reportgen.domain.observations import POSTING_COLUMNS, SourceNote, SourceNotes, empty_postings, title_lines
from reportgen.errors import InputError, ProblemLog
from reportgen.readers import Settings, read_each
from reportgen.readers.danish import (
    AMOUNT_EXPECTED,
    DATE_EXPECTED,
    parse_amount_series,
    parse_danish_series,
    parse_date_series,
)
from reportgen.readers.tables import (
    MAX_CELL_CHARS,
    CsvFormat,
    check_row_widths,
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


TOTAL_WORDS = re.compile(r"^(i ?alt|total|totalt|sum|samlet|ialt)\b", re.IGNORECASE)
MAX_PROBLEMS_PER_COLUMN = 20


def _header_predicate(settings: EconomySettings) -> Callable[[list[str]], bool]:
    wanted = {norm_header(settings.columns.dato), norm_header(settings.columns.beloeb)}

    def accept(cells: list[str]) -> bool:
        return wanted <= set(cells)

    return accept


CHUNK_ROWS = 250_000  # rows parsed at a time: bounds memory for exports of millions of rows
TOTAL_TAIL = 3  # how many of the last rows may be total rows


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
    cols = settings.columns
    present = {norm_header(c): c for c in header}
    for required in ("dato", "konto", "beloeb"):
        source_name = getattr(cols, required)
        if norm_header(source_name) not in present:
            problems.error(
                display,
                f"column {source_name!r} ({required}) not found in the header on line {header_line}",
                "the column names set in [economy.columns] of reportgen.toml",
                row=header_line,
            )
    if any(p.file == display for p in problems.errors):
        return empty_postings()
    reporter = _Reporter(problems, display, {k: getattr(cols, k) or k for k in ("dato", "konto", "beloeb", "antal")})
    parts = []
    first_line = header_line + 1
    held: pd.DataFrame | None = None
    for chunk in chunks:
        if chunk.empty:  # a header and no postings: a month without postings is normal
            continue
        _check_cell_lengths(chunk, first_line, display, problems)
        frame = _canonical(chunk, first_line, settings)
        first_line += len(chunk)
        if held is not None:
            frame = pd.concat([held, frame])
        held, frame = frame.iloc[-TOTAL_TAIL:], frame.iloc[:-TOTAL_TAIL]
        parts.append(_parse(frame, reporter))
    if held is not None:
        parts.append(_parse(_drop_total_rows(held, display, problems), reporter))
    reporter.summarise()
    parts = [p for p in parts if not p.empty]
    if not parts:
        return empty_postings()
    from pandas.api.types import union_categoricals

    categorical = {c: union_categoricals([p[c] for p in parts]) for c in ("konto", "projekt")}
    postings = pd.concat([p.drop(columns=["konto", "projekt"]) for p in parts], ignore_index=True)
    for column, values in categorical.items():
        postings[column] = pd.Categorical(values)
    return postings[POSTING_COLUMNS]


class _Reporter:
    """Adds one problem per offending row, up to a limit per column and kind, then one summary line."""

    def __init__(self, problems: ProblemLog, display: str, source_names: dict[str, str]):
        self.problems = problems
        self.display = display
        self.names = source_names
        self.counts: dict[tuple[str, str], int] = {}
        self.expected: dict[tuple[str, str], str] = {}

    def report(self, frame: pd.DataFrame, mask: pd.Series, canonical: str, what: str, expected: str) -> None:
        hits = frame.loc[mask.to_numpy(dtype=bool)]
        if hits.empty:
            return
        key = (canonical, what)
        already = self.counts.get(key, 0)
        self.counts[key] = already + len(hits)
        self.expected[key] = expected
        for _, row in hits.head(max(0, MAX_PROBLEMS_PER_COLUMN - already)).iterrows():
            value = row.get(canonical)
            shown = "" if _blank(value) else f"{value!r} "
            self.problems.error(
                self.display, f"{shown}{what}", expected, row=int(row["line"]), column=self.names[canonical]
            )

    def summarise(self) -> None:
        for (canonical, what), n in self.counts.items():
            if n > MAX_PROBLEMS_PER_COLUMN:
                column = self.names[canonical]
                self.problems.error(
                    self.display,
                    f"{n - MAX_PROBLEMS_PER_COLUMN} more rows in column {column!r}: {what}",
                    self.expected[(canonical, what)],
                    column=column,
                )


def _check_cell_lengths(chunk: pd.DataFrame, first_line: int, display: str, problems: ProblemLog) -> None:
    """A cell longer than Excel allows is no posting: an error naming it (the free text is never kept, but a
    malformed export must not pass unnoticed)."""
    import pandas as pd

    for column in chunk.columns:
        values = chunk[column]
        if not isinstance(values.dtype, pd.StringDtype):
            continue
        lengths = values.str.len()
        if lengths.max() > MAX_CELL_CHARS:
            at = int(lengths.to_numpy(na_value=0).argmax())
            problems.error(
                display,
                f"a cell of {int(lengths.iloc[at]):,} characters".replace(",", "."),
                f"at most {MAX_CELL_CHARS} characters a cell",
                row=first_line + at,
                column=str(column),
            )


def _canonical(raw: pd.DataFrame, first_line: int, settings: EconomySettings) -> pd.DataFrame:
    """The export's columns under their canonical names, with each row's line in the file; blank rows dropped."""
    import pandas as pd

    mapping = {norm_header(v): k for k, v in asdict(settings.columns).items() if v}
    frame = pd.DataFrame({mapping[norm_header(c)]: raw[c] for c in raw.columns if norm_header(c) in mapping})
    frame["line"] = range(first_line, first_line + len(frame))
    frame = frame[~frame.drop(columns="line").apply(blank_cells).all(axis=1)]
    for optional in ("projekt", "antal", "tekst"):
        if optional not in frame:
            frame[optional] = None
    return frame


def _parse(frame: pd.DataFrame, reporter: _Reporter) -> pd.DataFrame:
    """Canonical text cells -> typed postings; every malformed cell is reported."""
    import pandas as pd

    dates, bad_dates = parse_date_series(frame["dato"])
    reporter.report(frame, bad_dates, "dato", "is not a date", DATE_EXPECTED)
    reporter.report(frame, dates.isna() & ~bad_dates, "dato", "the posting has no date", DATE_EXPECTED)
    amounts, bad_amounts = parse_amount_series(frame["beloeb"])
    reporter.report(frame, bad_amounts, "beloeb", "is not an amount", AMOUNT_EXPECTED)
    reporter.report(frame, amounts.isna() & ~bad_amounts, "beloeb", "the posting has no amount", AMOUNT_EXPECTED)
    if frame["antal"].notna().any():
        counts, bad_counts = parse_danish_series(frame["antal"])
        reporter.report(frame, bad_counts, "antal", "is not a count", "a whole number")
    else:
        counts = pd.Series(float("nan"), index=frame.index)
    accounts = normalise_accounts(frame["konto"])
    reporter.report(frame, accounts.isna(), "konto", "is not an account number", ACCOUNT_EXPECTED)
    if isinstance(frame["projekt"].dtype, pd.StringDtype):
        projects = frame["projekt"].fillna("").str.strip()
    else:
        projects = frame["projekt"].map(lambda v: "" if _blank(v) else str(v).strip())
    return pd.DataFrame(
        {
            "dato": dates,
            "konto": accounts.fillna("").astype(str).astype("category"),
            "projekt": projects.astype(str).astype("category"),
            "oere": amounts.fillna(0).astype("int64"),
            "antal": counts,
            "file": pd.Categorical([reporter.display] * len(frame)),
            "line": frame["line"].astype("int64"),
        }
    ).reset_index(drop=True)


def blank_cells(column: pd.Series) -> pd.Series:
    """Mask of empty cells (vectorised for text columns read from CSV)."""
    import pandas as pd

    if isinstance(column.dtype, pd.StringDtype):
        return (column.fillna("").str.strip() == "").astype(bool)
    return column.map(_blank).astype(bool)


def normalise_accounts(column: pd.Series) -> pd.Series:
    """``normalise_account`` for a whole column: digits, or NA where the cell is empty or malformed."""
    import pandas as pd

    if not isinstance(column.dtype, pd.StringDtype):
        return column.map(_safe_account)
    s = column.fillna("").str.replace(" ", "", regex=False)
    ok = (s.str.fullmatch(ACCOUNT_PATTERNS[0]) | s.str.fullmatch(ACCOUNT_PATTERNS[1])).fillna(False).astype(bool)
    digits: pd.Series = s.str.replace(".", "", regex=False).where(ok).astype(object)
    return digits.mask(~ok, None)


def _blank(value: Any) -> bool:
    return (
        value is None or (isinstance(value, float) and value != value) or (isinstance(value, str) and not value.strip())
    )


def _safe_account(value: Any) -> str | None:
    if _blank(value):
        return None
    try:
        return normalise_account(value)
    except ValueError:
        return None


def _drop_total_rows(frame: pd.DataFrame, display: str, problems: ProblemLog) -> pd.DataFrame:
    """A trailing total row (``I alt``, ``Total``, or no date and no account but an amount) is not a posting."""
    text_cols = [c for c in ("dato", "konto", "projekt", "tekst") if c in frame]

    def is_total(row: pd.Series) -> bool:
        if any(isinstance(row[c], str) and TOTAL_WORDS.match(row[c].strip()) for c in text_cols):
            return True
        return _blank(row["dato"]) and _blank(row["konto"]) and not _blank(row["beloeb"])

    if frame.empty:
        return frame
    drop: list[Any] = []
    for idx in reversed(frame.index.tolist()[-3:]):
        if is_total(frame.loc[idx]):
            drop.append(idx)
        else:
            break
    for idx in drop:
        problems.warning(
            display,
            "total row skipped (not counted as a posting)",
            "postings only; totals are computed by reportgen",
            row=int(frame.loc[idx, "line"]),
        )
    return frame.drop(index=drop)


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
