"""An economy export's rows as postings: the export's columns under their canonical names, every cell parsed
(dates, amounts in øre, counts, account numbers) with each malformed cell reported, and trailing total rows
dropped. ``readers.economy`` opens the export and hands its rows here a chunk at a time."""

from __future__ import annotations

import gc
import math
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from reportgen.domain.accounts import ACCOUNT_EXPECTED, ACCOUNT_PATTERNS, normalise_account
from reportgen.errors import ProblemLog
from reportgen.readers.danish import (
    AMOUNT_EXPECTED,
    DATE_EXPECTED,
    parse_amount_series,
    parse_danish_series,
    parse_date_series,
)
from reportgen.readers.tables import MAX_CELL_CHARS, norm_header

if TYPE_CHECKING:
    import pandas as pd

TOTAL_WORDS = re.compile(r"^(i ?alt|total|totalt|sum|samlet|ialt)\b", re.IGNORECASE)
TOTAL_TAIL = 3  # how many of the last rows may be total rows
MAX_PROBLEMS_PER_COLUMN = 20


class Reporter:
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
        shown = hits.head(self.remaining(canonical, what))
        values = [row.get(canonical) for _, row in shown.iterrows()]
        self.report_rows(canonical, what, expected, len(hits), values, shown["line"].tolist())

    def remaining(self, canonical: str, what: str) -> int:
        """How many more problems of this column and kind are listed one by one."""
        return max(0, MAX_PROBLEMS_PER_COLUMN - self.counts.get((canonical, what), 0))

    def report_rows(
        self, canonical: str, what: str, expected: str, count: int, values: list[Any], lines: list[int]
    ) -> None:
        """``count`` offending rows, of which the first are listed (their cells ``values`` on ``lines``)."""
        if not count:
            return
        key = (canonical, what)
        listed = self.remaining(canonical, what)
        self.counts[key] = self.counts.get(key, 0) + count
        self.expected[key] = expected
        for value, line in list(zip(values, lines, strict=True))[:listed]:
            shown = "" if _blank(value) else f"{value!r} "
            self.problems.error(self.display, f"{shown}{what}", expected, row=int(line), column=self.names[canonical])

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


def check_cell_lengths(chunk: pd.DataFrame, first_line: int, display: str, problems: ProblemLog) -> None:
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


def canonical_columns(raw: pd.DataFrame, first_line: int, columns: Mapping[str, str | None]) -> pd.DataFrame:
    """The export's columns under their canonical names (``columns``: canonical name -> the export's name), with
    each row's line in the file; blank rows dropped."""
    import pandas as pd

    mapping = {norm_header(v): k for k, v in columns.items() if v}
    frame = pd.DataFrame({mapping[norm_header(c)]: raw[c] for c in raw.columns if norm_header(c) in mapping})
    frame["line"] = range(first_line, first_line + len(frame))
    frame = frame[~frame.drop(columns="line").apply(blank_cells).all(axis=1)]
    for optional in ("projekt", "antal", "tekst"):
        if optional not in frame:
            frame[optional] = None
    return frame


def parse_postings(frame: pd.DataFrame, reporter: Reporter) -> pd.DataFrame:
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
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or (isinstance(value, str) and not value.strip())
    )


def _safe_account(value: Any) -> str | None:
    if _blank(value):
        return None
    try:
        return normalise_account(value)
    except ValueError:
        return None


def drop_total_rows(frame: pd.DataFrame, display: str, problems: ProblemLog) -> pd.DataFrame:
    """A trailing total row (``I alt``, ``Total``, or no date and no account but an amount) among the last
    ``TOTAL_TAIL`` rows is not a posting: dropped with a warning."""

    def is_total(row: pd.Series) -> bool:
        return is_total_row({str(k): v for k, v in row.items()})

    if frame.empty:
        return frame
    drop: list[Any] = []
    for idx in reversed(frame.index.tolist()[-TOTAL_TAIL:]):
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


def is_total_row(cells: Mapping[str, Any]) -> bool:
    """A total row (``I alt``, ``Total``, or no date and no account but an amount), its cells by canonical name."""
    texts = [cells[c] for c in ("dato", "konto", "projekt", "tekst") if c in cells]
    if any(isinstance(v, str) and TOTAL_WORDS.match(v.strip()) for v in texts):
        return True
    return _blank(cells.get("dato")) and _blank(cells.get("konto")) and not _blank(cells.get("beloeb"))


@contextmanager
def collected_per_chunk() -> Iterator[Callable[[], object]]:
    """Where the cyclic garbage collector is off (the ``reportgen`` command turns it off: a command lives seconds),
    the pandas objects each chunk leaves in reference cycles would keep the chunk's arrays until the process ends
    (140 MiB more at 5 million rows). So the objects alive before the read are frozen (left out of collections) and
    each chunk's cycles are collected when it is parsed: a collection over that chunk's objects, not every module's."""
    if gc.isenabled():
        yield lambda: None
        return
    gc.freeze()
    try:
        yield gc.collect
    finally:
        gc.unfreeze()
