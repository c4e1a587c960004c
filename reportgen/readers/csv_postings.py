"""The postings of a CSV economy export, read and parsed with Apache Arrow: exports of millions of rows at the speed
of a column engine, every malformed cell still reported with its line.

A file written one row per line (nearly every export: no quotes, as ``row_widths.scan_lines`` finds) is read by
Arrow's streaming CSV reader in blocks, and each row's line in the file is the line ``scan_lines`` found for it; any
other file (quoted cells, a row wider than its header with empty fields after the last column) is read by the csv
module, which knows the line every row starts on. Both hand the same Arrow string columns to one parser:

* dates, accounts, projects and counts are parsed once per distinct text (an export of millions of postings has a
  few thousand distinct dates and accounts) by the vectorised parsers of ``readers.danish`` and
  ``readers.postings``, so their rules are the ones the XLSX path uses;
* amounts are parsed by one RE2 pass over the column into exact integer øre (``danish.amounts_in_oere``);
* the last rows of each block are held back until the next one is read, so the trailing total rows are found
  wherever the blocks end.

The free-text column is read only to recognise blank and total rows; it never reaches the postings.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen.domain.accounts import ACCOUNT_EXPECTED
from reportgen.domain.observations import POSTING_COLUMNS, empty_postings
from reportgen.errors import InputError, ProblemLog, describe
from reportgen.readers.danish import AMOUNT_EXPECTED, DATE_EXPECTED
from reportgen.readers.postings import TOTAL_TAIL, Reporter, collected_per_chunk, is_total_row, normalise_accounts
from reportgen.readers.tables import CSV_EXPECTED, MAX_CELL_CHARS, CsvFormat, norm_header

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    from reportgen.readers.row_widths import LineScan

BLOCK_BYTES = 1 << 24
"""Bytes Arrow reads at a time (about 250.000 rows of an export): bounds memory for exports of millions of rows."""
CHUNK_ROWS = 100_000
"""Rows the csv module reads at a time (files with quoted cells)."""
DECODE_EXPECTED = "one encoding for the whole file: UTF-8 or Windows-1252"
Columns = dict[str, "pa.Array"]


def read_csv_postings(
    path: Path,
    display: str,
    fmt: CsvFormat,
    header_index: int,
    header: list[str],
    columns: Mapping[str, str | None],
    reporter: Reporter,
    scan: LineScan | None,
) -> pd.DataFrame:
    """The postings of a CSV export whose header is its ``header_index``-th row (``columns``: canonical name -> the
    export's column name). Malformed cells are reported through ``reporter``; total rows are dropped with a warning.
    Rows must already be as wide as the header (``row_widths.check_row_widths``)."""
    mapping = {norm_header(v): k for k, v in columns.items() if v}
    positions = {mapping[norm_header(c)]: i for i, c in enumerate(header) if norm_header(c) in mapping}
    if scan is not None and scan.regular and scan.longest <= MAX_CELL_CHARS:
        batches = _arrow_batches(path, display, fmt, scan, len(header), positions)
    else:
        batches = _csv_batches(path, display, fmt, header_index, header, positions, reporter.problems)
    accounts, projects = _Categories(), _Categories()
    out = _Postings()
    pending: _Chunk | None = None
    with collected_per_chunk() as collect:
        for cells, lines in batches:
            chunk = _parse(cells, lines, accounts, projects)
            collect()
            if chunk is None:
                continue
            if pending is not None and len(chunk) < TOTAL_TAIL:
                pending = pending.concat(chunk)
                continue
            if pending is not None:
                out.commit(pending, 0, len(pending), reporter)
            pending = chunk
    if pending is None:
        return empty_postings()
    body = max(0, len(pending) - TOTAL_TAIL)
    out.commit(pending, 0, body, reporter)
    end = len(pending)
    while end > body and is_total_row(pending.row(end - 1)):
        end -= 1
    for i in range(len(pending) - 1, end - 1, -1):
        reporter.problems.warning(
            display,
            "total row skipped (not counted as a posting)",
            "postings only; totals are computed by reportgen",
            row=int(pending.lines[i]),
        )
    out.commit(pending, body, end, reporter)
    return out.frame(display, accounts, projects)


def _arrow_encoding(encoding: str) -> str:
    import codecs

    name = codecs.lookup(encoding).name
    return "utf8" if name in ("utf-8", "utf-8-sig") else name


def _arrow_batches(
    path: Path, display: str, fmt: CsvFormat, scan: LineScan, width: int, positions: dict[str, int]
) -> Iterator[tuple[Columns, np.ndarray]]:
    """Arrow's streaming reader from the line after the header; each row's line is the ``scan``'s next data line."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    names = [f"f{i}" for i in range(width)]
    wanted = {canonical: names[i] for canonical, i in positions.items()}

    def invalid(row: Any) -> str:
        return "skip" if not str(row.text).strip() else "error"  # blank lines: not rows; anything else was checked

    done = 0
    if not len(scan.lines):  # a header and no postings (Arrow calls the rest of the file empty)
        return
    with path.open("rb") as fh:
        fh.seek(scan.body_offset)
        try:
            reader = pcsv.open_csv(
                fh,
                read_options=pcsv.ReadOptions(
                    column_names=names, encoding=_arrow_encoding(fmt.encoding), block_size=BLOCK_BYTES
                ),
                parse_options=pcsv.ParseOptions(
                    delimiter=fmt.separator, quote_char=False, ignore_empty_lines=True, invalid_row_handler=invalid
                ),
                convert_options=pcsv.ConvertOptions(
                    column_types={name: pa.string() for name in wanted.values()},
                    include_columns=list(wanted.values()),
                    strings_can_be_null=False,
                ),
            )
            for batch in reader:
                n = batch.num_rows
                if n:
                    yield {c: batch.column(name) for c, name in wanted.items()}, scan.lines[done : done + n]
                    done += n
        except UnicodeDecodeError as exc:
            raise _undecodable(display, fmt, exc.reason) from None
        except pa.ArrowInvalid as exc:
            if "UTF8" in str(exc) or "utf8" in str(exc) or "decode" in str(exc):
                raise _undecodable(display, fmt, "not UTF-8") from None
            raise InputError.at(display, f"malformed CSV ({describe(exc)})", CSV_EXPECTED) from None
    if done != len(scan.lines):  # the reader and the scan disagree on the rows: never guess which line is which
        raise InputError.at(display, f"read {done} rows on {len(scan.lines)} lines", CSV_EXPECTED)


def _csv_batches(
    path: Path,
    display: str,
    fmt: CsvFormat,
    header_index: int,
    header: list[str],
    positions: dict[str, int],
    problems: ProblemLog,
) -> Iterator[tuple[Columns, np.ndarray]]:
    """The csv module's rows below the header, with the line each starts on; a cell longer than Excel allows is an
    error naming its line and column."""
    import numpy as np
    import pyarrow as pa

    from reportgen.readers.row_widths import csv_lines

    cells: dict[str, list[str]] = {c: [] for c in positions}
    lines: list[int] = []

    def flush() -> tuple[Columns, np.ndarray]:
        batch = {c: pa.array(v, type=pa.string()) for c, v in cells.items()}, np.array(lines, dtype=np.int64)
        for v in cells.values():
            v.clear()
        lines.clear()
        return batch

    try:
        with path.open("r", encoding=fmt.encoding, newline="") as fh:
            for index, (start, row) in enumerate(csv_lines(fh, fmt.separator, display)):
                if index <= header_index or not any(cell.strip() for cell in row):
                    continue
                _check_cells(row, header, start, display, problems)
                for canonical, i in positions.items():
                    cells[canonical].append(row[i] if i < len(row) else "")
                lines.append(start)
                if len(lines) == CHUNK_ROWS:
                    yield flush()
    except UnicodeDecodeError as exc:
        raise _undecodable(display, fmt, exc.reason) from None
    if lines:
        yield flush()


def _undecodable(display: str, fmt: CsvFormat, reason: str) -> InputError:
    return InputError.at(display, f"cannot decode the file as {fmt.encoding} ({reason})", DECODE_EXPECTED)


def _check_cells(row: list[str], header: list[str], line: int, display: str, problems: ProblemLog) -> None:
    for j, cell in enumerate(row[: len(header)]):
        if len(cell) > MAX_CELL_CHARS:
            problems.error(
                display,
                f"a cell of {len(cell):,} characters".replace(",", "."),
                f"at most {MAX_CELL_CHARS} characters a cell",
                row=line,
                column=header[j],
            )


class _Categories:
    """Codes for the distinct accounts (or projects) of a whole export, shared by its blocks."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}

    def of(self, values: list[str]) -> np.ndarray:
        import numpy as np

        return np.array([self.codes.setdefault(v, len(self.codes)) for v in values], dtype=np.int32)

    def categorical(self, codes: np.ndarray) -> pd.Categorical:
        import pandas as pd

        return pd.Categorical.from_codes(codes, categories=pd.Index(list(self.codes) or [""]))  # type: ignore[arg-type]


def _distinct(cells: pa.Array) -> tuple[pd.Series, np.ndarray]:
    """The distinct texts of a column (as pandas strings, for the vectorised parsers) and each row's index in them."""
    import pandas as pd
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(cells)
    return pd.Series(pd.arrays.ArrowStringArray(encoded.dictionary)), encoded.indices.to_numpy(zero_copy_only=False)


def _empty(cells: pa.Array) -> np.ndarray:
    import pyarrow.compute as pc

    flags: np.ndarray = pc.equal(pc.utf8_trim_whitespace(cells), "").to_numpy(zero_copy_only=False)
    return flags


@dataclass
class _Chunk:
    """A block of rows: the cells as read (for messages and the total-row rule) and as parsed, with the masks of the
    malformed ones."""

    cells: Columns
    lines: np.ndarray
    dato: np.ndarray
    konto: np.ndarray
    projekt: np.ndarray
    oere: np.ndarray
    antal: np.ndarray
    masks: dict[tuple[str, str, str], np.ndarray]

    def __len__(self) -> int:
        return len(self.lines)

    def row(self, i: int) -> dict[str, Any]:
        return {c: a[i].as_py() for c, a in self.cells.items()}

    def concat(self, other: _Chunk) -> _Chunk:
        import numpy as np
        import pyarrow as pa

        def joined(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            return np.concatenate((a, b))

        return _Chunk(
            cells={c: pa.concat_arrays([a, other.cells[c]]) for c, a in self.cells.items()},
            lines=joined(self.lines, other.lines),
            dato=joined(self.dato, other.dato),
            konto=joined(self.konto, other.konto),
            projekt=joined(self.projekt, other.projekt),
            oere=joined(self.oere, other.oere),
            antal=joined(self.antal, other.antal),
            masks={k: joined(m, other.masks[k]) for k, m in self.masks.items()},
        )


_ARRAYS = ("lines", "dato", "konto", "projekt", "oere", "antal")


def _parse(cells: Columns, lines: np.ndarray, accounts: _Categories, projects: _Categories) -> _Chunk | None:
    """Parse a block of text cells; blank rows (every cell of the export's mapped columns empty) are dropped."""
    import numpy as np
    import pyarrow as pa

    from reportgen.readers.danish import amounts_in_oere, parse_danish_series, parse_date_series

    blank = _empty(cells["dato"])
    if blank.any():
        at = np.flatnonzero(blank)
        for name, column in cells.items():
            if name != "dato":
                blank[at] &= _empty(column.take(pa.array(at)))
        if blank.any():
            keep = pa.array(~blank)
            cells = {c: a.filter(keep) for c, a in cells.items()}
            lines = lines[~blank]
    if not len(lines):
        return None
    texts, index = _distinct(cells["dato"])
    dates, bad = parse_date_series(texts)
    dato = dates.to_numpy(dtype="datetime64[ns]")[index]
    bad_date = bad.to_numpy(dtype=bool)[index]
    oere, valid, empty = amounts_in_oere(cells["beloeb"])
    if "antal" in cells:
        texts, index = _distinct(cells["antal"])
        counts, bad = parse_danish_series(texts)
        antal = counts.to_numpy(dtype="float64")[index]
        bad_count = bad.to_numpy(dtype=bool)[index]
    else:
        antal = np.full(len(lines), np.nan)
        bad_count = np.zeros(len(lines), dtype=bool)
    texts, index = _distinct(cells["konto"])
    digits = normalise_accounts(texts)
    bad_account = digits.isna().to_numpy(dtype=bool)[index]
    konto = accounts.of(["" if v is None else str(v) for v in digits.tolist()])[index]
    if "projekt" in cells:
        texts, index = _distinct(cells["projekt"])
        projekt = projects.of(texts.str.strip().tolist())[index]
    else:
        projekt = projects.of([""])[np.zeros(len(lines), dtype=np.intp)]
    masks = {
        ("dato", "is not a date", DATE_EXPECTED): bad_date,
        ("dato", "the posting has no date", DATE_EXPECTED): np.isnat(dato) & ~bad_date,
        ("beloeb", "is not an amount", AMOUNT_EXPECTED): ~valid & ~empty,
        ("beloeb", "the posting has no amount", AMOUNT_EXPECTED): ~valid & empty,
        ("antal", "is not a count", "a whole number"): bad_count,
        ("konto", "is not an account number", ACCOUNT_EXPECTED): bad_account,
    }
    return _Chunk(cells, lines, dato, konto, projekt, oere, antal, masks)


class _Postings:
    """The parsed rows kept so far, as arrays; made into the postings table once, at the end."""

    def __init__(self) -> None:
        self.parts: dict[str, list[np.ndarray]] = {f: [] for f in _ARRAYS}

    def commit(self, chunk: _Chunk, start: int, stop: int, reporter: Reporter) -> None:
        """Rows ``start:stop`` of the block are postings: report their malformed cells and keep them."""
        import numpy as np

        if stop <= start:
            return
        for (canonical, what, expected), mask in chunk.masks.items():
            hits = np.flatnonzero(mask[start:stop]) + start
            if not len(hits):
                continue
            shown = hits[: reporter.remaining(canonical, what)]
            values = chunk.cells[canonical].take(shown).to_pylist() if len(shown) else []
            reporter.report_rows(canonical, what, expected, len(hits), values, chunk.lines[shown].tolist())
        for f in _ARRAYS:
            self.parts[f].append(getattr(chunk, f)[start:stop])

    def frame(self, display: str, accounts: _Categories, projects: _Categories) -> pd.DataFrame:
        import numpy as np
        import pandas as pd

        arrays: dict[str, Any] = {}
        for f, parts in self.parts.items():  # one column at a time, its blocks freed as it is made
            arrays[f] = np.concatenate(parts)
            parts.clear()
        n = len(arrays["lines"])
        if not n:
            return empty_postings()
        columns: dict[str, Any] = {
            "dato": arrays["dato"],
            "konto": accounts.categorical(arrays["konto"]),
            "projekt": projects.categorical(arrays["projekt"]),
            "oere": arrays["oere"].astype("int64"),
            "antal": arrays["antal"],
            "file": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=pd.Index([display])),  # type: ignore[arg-type]
            "line": arrays["lines"],
        }
        return pd.DataFrame({c: columns[c] for c in POSTING_COLUMNS}, copy=False)
