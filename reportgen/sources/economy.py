"""Jobcentre economy exports (DESIGN §3.1): posting-level CSV or XLSX from the municipal finance system.

``read_postings`` returns the postings in canonical columns (``dato, konto, projekt, beloeb, antal`` plus the file and
line they came from). The free-text column is never kept: it may hold personal data and no output needs it.
``economy_observations`` aggregates postings per initiative (the plan's economy filters) into observations, the only
form in which economy data leaves this module.
"""
from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from reportgen.errors import InputError, ProblemLog
from reportgen.sources import observations_frame, read_each
from reportgen.sources.danish import DATE_EXPECTED, NUMBER_EXPECTED, parse_danish_series, parse_date_series
from reportgen.sources.tabular import detect_encoding, find_header, norm_header, read_xlsx_sheets, sniff_separator

if TYPE_CHECKING:
    import pandas as pd

    from reportgen.config import EconomyConfig
    from reportgen.plan import Plan

log = logging.getLogger(__name__)

POSTING_COLUMNS = ["dato", "konto", "projekt", "beloeb", "antal", "file", "line"]
TOTAL_WORDS = re.compile(r"^(i ?alt|total|totalt|sum|samlet|ialt)\b", re.IGNORECASE)
MAX_PROBLEMS_PER_COLUMN = 20
ACCOUNT_EXPECTED = "an account such as 5.46.61, 5.46.61.001 or 54661001"


def normalise_account(value: Any) -> str:
    """An account number as its digits: ``5.46.61`` -> ``54661``, ``54661001`` stays. Raises ValueError if malformed."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value).strip().replace(" ", "")
    if re.fullmatch(r"\d(\.\d{2}){0,2}(\.\d{3}){0,3}", s) or re.fullmatch(r"\d{1,14}", s):
        return s.replace(".", "")
    raise ValueError(f"{value!r} is not an account number")


def account_matches(account_digits: str, filters: list[str]) -> bool:
    """A posting's account matches a filter when the filter's complete levels are a prefix of it."""
    return any(account_digits.startswith(normalise_account(f)) for f in filters)


def _header_predicate(columns: "EconomyConfig") -> Any:
    wanted = {norm_header(columns.columns.dato), norm_header(columns.columns.beloeb)}

    def accept(cells: list[str]) -> bool:
        return wanted <= set(cells)

    return accept


CHUNK_ROWS = 250_000  # rows parsed at a time: bounds memory for exports of millions of rows


def read_postings(path: Path, display: str, config: "EconomyConfig", problems: ProblemLog) -> "pd.DataFrame":
    """Read one economy export. Problems (bad dates, amounts, accounts) are added to ``problems``, all of them.

    CSV files are read and parsed in chunks, and kept only in compact columns (dates, categorical accounts and
    projects, floats), so memory stays bounded for exports of millions of rows.
    """
    import pandas as pd

    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raw, header_line = _read_xlsx(path, display, config)
        header: list[str] = list(raw.columns)
        chunks: Iterator[pd.DataFrame] = iter([raw])
    else:
        chunks, header, header_line = _read_csv(path, display, config)
    cols = config.columns
    present = {norm_header(c): c for c in header}
    for required in ("dato", "konto", "beloeb"):
        source_name = getattr(cols, required)
        if norm_header(source_name) not in present:
            problems.error(display, f"column {source_name!r} ({required}) not found in the header on line {header_line}",
                           "the column names set in [economy.columns] of reportgen.toml", row=header_line)
    if any(p.file == display for p in problems.errors):
        return pd.DataFrame(columns=POSTING_COLUMNS)
    reporter = _Reporter(problems, display, {k: getattr(cols, k) or k for k in ("dato", "konto", "beloeb", "antal")})
    parts = []
    first_line = header_line + 1
    pending: pd.DataFrame | None = None
    for chunk in chunks:  # one chunk of look-ahead: only the last may end with a total row
        if pending is not None:
            parts.append(_parse_chunk(pending, first_line, config, reporter, last=False))
            first_line += len(pending)
        pending = chunk
    if pending is not None:
        parts.append(_parse_chunk(pending, first_line, config, reporter, last=True))
    reporter.summarise()
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=POSTING_COLUMNS)
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

    def report(self, frame: "pd.DataFrame", mask: "pd.Series", canonical: str, what: str, expected: str) -> None:
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
            self.problems.error(self.display, f"{shown}{what}", expected, row=int(row["line"]), column=self.names[canonical])

    def summarise(self) -> None:
        for (canonical, what), n in self.counts.items():
            if n > MAX_PROBLEMS_PER_COLUMN:
                column = self.names[canonical]
                self.problems.error(self.display, f"{n - MAX_PROBLEMS_PER_COLUMN} more rows in column {column!r}: {what}", self.expected[(canonical, what)], column=column)


def _parse_chunk(raw: "pd.DataFrame", first_line: int, config: "EconomyConfig", reporter: _Reporter, *, last: bool) -> "pd.DataFrame":
    import pandas as pd

    mapping = {norm_header(v): k for k, v in config.columns.model_dump().items() if v}
    frame = pd.DataFrame({mapping[norm_header(c)]: raw[c] for c in raw.columns if norm_header(c) in mapping})
    frame["line"] = range(first_line, first_line + len(frame))
    frame = frame[~frame.drop(columns="line").apply(blank_cells).all(axis=1)]
    for optional in ("projekt", "antal", "tekst"):
        if optional not in frame:
            frame[optional] = None
    if last:
        frame = _drop_total_rows(frame, reporter.display, reporter.problems)

    dates, bad_dates = parse_date_series(frame["dato"])
    reporter.report(frame, bad_dates, "dato", "is not a date", DATE_EXPECTED)
    reporter.report(frame, dates.isna() & ~bad_dates, "dato", "the posting has no date", DATE_EXPECTED)
    amounts, bad_amounts = parse_danish_series(frame["beloeb"])
    reporter.report(frame, bad_amounts, "beloeb", "is not an amount", NUMBER_EXPECTED)
    reporter.report(frame, amounts.isna() & ~bad_amounts, "beloeb", "the posting has no amount", NUMBER_EXPECTED)
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
            "beloeb": amounts,
            "antal": counts,
            "file": pd.Categorical([reporter.display] * len(frame)),
            "line": frame["line"].astype("int64"),
        }
    ).reset_index(drop=True)


def blank_cells(column: "pd.Series") -> "pd.Series":
    """Mask of empty cells (vectorised for text columns read from CSV)."""
    import pandas as pd

    if isinstance(column.dtype, pd.StringDtype):
        return (column.fillna("").str.strip() == "").astype(bool)
    return column.map(_blank).astype(bool)


_ACCOUNT_DOTTED = r"\d(?:\.\d{2}){0,2}(?:\.\d{3}){0,3}"
_ACCOUNT_DIGITS = r"\d{1,14}"


def normalise_accounts(column: "pd.Series") -> "pd.Series":
    """``normalise_account`` for a whole column: digits, or NA where the cell is empty or malformed."""
    import pandas as pd

    if not isinstance(column.dtype, pd.StringDtype):
        return column.map(_safe_account)
    s = column.fillna("").str.replace(" ", "", regex=False)
    ok = (s.str.fullmatch(_ACCOUNT_DOTTED) | s.str.fullmatch(_ACCOUNT_DIGITS)).fillna(False).astype(bool)
    return s.str.replace(".", "", regex=False).where(ok).astype(object).where(ok, None)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or (isinstance(value, str) and not value.strip())


def _safe_account(value: Any) -> str | None:
    if _blank(value):
        return None
    try:
        return normalise_account(value)
    except ValueError:
        return None


def _drop_total_rows(frame: "pd.DataFrame", display: str, problems: ProblemLog) -> "pd.DataFrame":
    """A trailing total row (``I alt``, ``Total``, or no date and no account but an amount) is not a posting."""
    text_cols = [c for c in ("dato", "konto", "projekt", "tekst") if c in frame]

    def is_total(row: "pd.Series") -> bool:
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
        problems.warning(display, "total row skipped (not counted as a posting)", "postings only; totals are computed by reportgen",
                         row=int(frame.loc[idx, "line"]))
    return frame.drop(index=drop)


def _read_csv(path: Path, display: str, config: "EconomyConfig") -> tuple[Iterator["pd.DataFrame"], list[str], int]:
    """(chunks of raw text cells below the header, the header's cells, the header's line number)."""
    import csv

    import pandas as pd

    with path.open("rb") as fh:
        head = fh.read(65536)
    encoding = config.encoding or detect_encoding(head)
    try:
        sample = head.decode(encoding, errors="strict" if len(head) < 65536 else "ignore")
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError.at(display, f"cannot decode the file as {encoding} ({exc})", "UTF-8, UTF-8 with BOM or Windows-1252 text") from None
    separator = config.separator or sniff_separator(sample)
    sample_rows = list(csv.reader(io.StringIO(sample), delimiter=separator))
    if len(head) == 65536:
        sample_rows = sample_rows[:-1]  # the last line of a cut sample may be incomplete
    header_index = find_header(sample_rows, _header_predicate(config))
    if header_index is None:
        raise InputError.at(
            display,
            f"no header row with the columns {config.columns.dato!r} and {config.columns.beloeb!r} in the first 30 rows",
            "the column names set in [economy.columns] of reportgen.toml",
        )
    header = [c.strip() for c in sample_rows[header_index]]

    def chunks() -> Iterator[pd.DataFrame]:
        try:
            reader = pd.read_csv(
                path, sep=separator, encoding=encoding, skiprows=header_index, header=0, dtype="string[pyarrow]",
                keep_default_na=False, skip_blank_lines=False, engine="c", chunksize=CHUNK_ROWS,
            )
            with reader:
                for chunk in reader:
                    chunk.columns = [str(c).strip() for c in chunk.columns]
                    yield chunk
        except UnicodeDecodeError as exc:
            raise InputError.at(display, f"cannot decode the file as {encoding} ({exc.reason})", "one encoding for the whole file: UTF-8 or Windows-1252") from None
        except pd.errors.ParserError as exc:
            m = re.search(r"line (\d+)", str(exc))
            row = header_index + int(m.group(1)) if m else None
            raise InputError.at(display, f"malformed CSV ({exc})".replace("\n", " "), "the same number of columns on every row", row=row) from None

    return chunks(), header, header_index + 1


def _read_xlsx(path: Path, display: str, config: "EconomyConfig") -> tuple["pd.DataFrame", int]:
    import pandas as pd

    sheets = read_xlsx_sheets(path, display)
    accept = _header_predicate(config)
    for rows in sheets.values():
        header_index = find_header(rows, accept)
        if header_index is None:
            continue
        header = [str(c).strip() if c is not None else f"_{i}" for i, c in enumerate(rows[header_index])]
        width = len(header)
        body = [list(r[:width]) + [None] * (width - len(r)) for r in rows[header_index + 1:]]
        frame = pd.DataFrame(body, columns=header, dtype=object)
        return frame, header_index + 1
    raise InputError.at(
        display,
        f"no sheet has a header row with the columns {config.columns.dato!r} and {config.columns.beloeb!r}",
        "the column names set in [economy.columns] of reportgen.toml",
    )


def read_economy(paths: list[Path], displays: list[str], config: "EconomyConfig", problems: ProblemLog) -> "pd.DataFrame":
    """All economy exports as one postings table."""
    import pandas as pd

    frames = read_each(paths, displays, lambda path, display: read_postings(path, display, config, problems), problems)
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=POSTING_COLUMNS)
    _check_overlap(frames, problems)
    return pd.concat(frames, ignore_index=True)


def _check_overlap(frames: list["pd.DataFrame"], problems: ProblemLog) -> None:
    """Two exports holding the same postings (an old and a new export of overlapping months) would count them twice."""
    import pandas as pd

    keyed = []
    for frame in frames:
        keys = pd.util.hash_pandas_object(frame[["dato", "konto", "projekt"]].assign(beloeb=frame["beloeb"].round(2)), index=False)
        keyed.append((frame["file"].iloc[0], keys.value_counts(), frame["dato"].min(), frame["dato"].max()))
    for i, (file_a, counts_a, start_a, end_a) in enumerate(keyed):
        for file_b, counts_b, start_b, end_b in keyed[i + 1:]:
            if start_b > end_a or start_a > end_b:
                continue
            shared = counts_a.index.intersection(counts_b.index)
            n = int(counts_a[shared].clip(upper=counts_b[shared]).sum())
            if n:
                problems.error(file_b, f"{n} postings are also in {file_a} (the exports overlap from {max(start_a, start_b):%d-%m-%Y} to {min(end_a, end_b):%d-%m-%Y}); they would be counted twice",
                               "exports that do not overlap: remove the older one from the inputs folder")


def filter_mask(postings: "pd.DataFrame", projects: list[str], accounts: list[str]) -> "pd.Series":
    """Postings matching any of the projects or any account prefix."""
    import pandas as pd

    mask = pd.Series(False, index=postings.index)
    if projects:
        mask |= postings["projekt"].str.casefold().isin([p.casefold() for p in projects])
    for account in accounts:
        mask |= postings["konto"].str.startswith(normalise_account(account))
    return mask


def economy_observations(postings: "pd.DataFrame", plan: "Plan") -> "pd.DataFrame":
    """Spending per initiative and month (``forbrug``, kr.) and posting/grant counts (``posteringer``, ``antal``).

    Aggregates only: no posting-level rows leave this function.
    """
    rows: list[dict[str, Any]] = []
    if postings.empty:
        return observations_frame()
    month = postings["dato"].dt.year * 100 + postings["dato"].dt.month  # 201903; formatted once per group below
    for initiative in plan.initiatives:
        if initiative.economy is None:
            continue
        mask = filter_mask(postings, initiative.economy.projects, initiative.economy.accounts)
        if not mask.any():
            continue
        selected = postings[mask]
        grouped = selected.groupby(month[mask])
        for key, amount in grouped["beloeb"].sum().items():
            rows.append(_obs("forbrug", _month_code(key), amount, "kr", initiative.id, plan))
        for key, n in grouped.size().items():
            rows.append(_obs("posteringer", _month_code(key), n, "antal", initiative.id, plan))
    for initiative in plan.initiatives:
        for criterion in initiative.criteria:
            if criterion.kind != "economy_count":
                continue
            mask = filter_mask(postings, [], criterion.accounts)
            for key, n in grant_counts(postings[mask]).groupby(month[mask]).sum().items():
                rows.append(_obs(f"economy_count:{criterion.id}", _month_code(key), n, "antal", initiative.id, plan))
    return observations_frame(rows)


def _month_code(key: Any) -> str:
    """201903 -> "2019M03" (the canonical month period)."""
    return f"{int(key) // 100}M{int(key) % 100:02d}"


def grant_counts(postings: "pd.DataFrame") -> "pd.Series":
    """Grants per posting: the ``antal`` column where the export has it, else one per posting with a reversal
    (negative amount) cancelling one."""
    import numpy as np
    import pandas as pd

    fallback = pd.Series(np.sign(postings["beloeb"].to_numpy()), index=postings.index)
    return postings["antal"].astype("float64").fillna(fallback)


def _obs(indicator: str, period: str, value: float, unit: str, initiative: str, plan: "Plan") -> dict[str, Any]:
    return {
        "source": "økonomi",
        "indicator": indicator,
        "area": plan.municipality_code,
        "period": period,
        "value": float(value),
        "unit": unit,
        "initiative": initiative,
        "label": None,
        "comment": None,
    }
