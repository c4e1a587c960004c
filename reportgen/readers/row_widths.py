"""Rows as wide as their header: a CSV row with a value beyond the header's last column (an unquoted ``6.077,02`` in
a comma-separated export) or without a required cell is an error naming its line, whatever the separator."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from reportgen.errors import InputError, Problem, describe
from reportgen.readers.tables import CSV_EXPECTED, CsvFormat

if TYPE_CHECKING:
    import numpy as np

MAX_WIDTH_PROBLEMS = 20
"""How many malformed rows of one file are listed (a file split on every line would otherwise list them all)."""


def width_expected(width: int, separator: str | None, *, wider: bool = True) -> str:
    """What a CSV row that is not as wide as its header should have been, and (for a wider row) the usual reason."""
    if not wider or separator is None:
        return f"{width} fields as in the header"
    if separator == ",":
        why = "a decimal comma in an unquoted field splits it — quote the amount or use ';' as separator"
    else:
        shown = "a tab" if separator == "\t" else f"a {separator!r}"
        why = f"{shown} in an unquoted field splits it — quote that field"
    return f"{width} fields as in the header; {why}"


@dataclass(frozen=True)
class IrregularRow:
    """A data row whose number of fields differs from its header's: its line in the file (where the row starts, as
    an editor counts lines) and its cells."""

    line: int
    cells: list[str]


SCAN_BLOCK = 1 << 23
"""Bytes scanned at a time by ``scan_lines`` (the arrays it makes of a block are a few times this size)."""


@dataclass(frozen=True)
class LineScan:
    """A file written one row per line (no quotes, no lone carriage returns), as one vectorised pass over its bytes
    sees it: where the data below the header starts, the line number of every data line as wide as the header (in
    order: the rows a CSV parser reads), and the non-blank data lines of another width (line number and bytes)."""

    body_offset: int
    lines: np.ndarray
    irregular: np.ndarray
    irregular_spans: np.ndarray
    longest: int

    @property
    def regular(self) -> bool:
        """Every non-blank data line is exactly as wide as the header."""
        return len(self.irregular) == 0


def scan_lines(path: Path, fmt: CsvFormat, header_index: int, width: int) -> LineScan | None:
    """The ``LineScan`` of the file, or None when its rows cannot be told from its lines (a quote anywhere, a lone
    carriage return, or an encoding that does not write separators and line ends as their ASCII bytes)."""
    import numpy as np

    if not (fmt.separator.isascii() and _ascii_compatible(fmt.encoding)):
        return None
    separator = ord(fmt.separator)
    header_line = header_index + 1
    body_offset = -1
    lines: list[np.ndarray] = []
    irregular: list[np.ndarray] = []
    spans: list[np.ndarray] = []
    longest = 0
    offset, first_line, carry = 0, 1, b""
    with path.open("rb") as fh:
        while True:
            block = fh.read(SCAN_BLOCK)
            data = carry + block
            if not data:
                break
            cut = len(data) if not block else data.rfind(b"\n") + 1
            chunk, carry = data[:cut], data[cut:]
            if not chunk:
                continue  # no line end in the block yet
            if b'"' in chunk or chunk.count(b"\r") != chunk.count(b"\r\n") + chunk.endswith(b"\r"):
                return None
            a = np.frombuffer(chunk, dtype=np.uint8)
            ends = np.flatnonzero(a == 10)
            if not chunk.endswith(b"\n"):
                ends = np.append(ends, len(a))
            starts = np.concatenate(([0], ends[:-1] + 1))
            fields = _per_line(np.flatnonzero(a == separator), starts, ends) + 1
            numbers = np.arange(first_line, first_line + len(starts), dtype=np.int64)
            data_lines = numbers > header_line
            if body_offset < 0 and header_line < first_line + len(starts):
                body_offset = offset + int(ends[header_line - first_line]) + 1
            longest = max(longest, int((ends - starts).max()))
            lines.append(numbers[data_lines & (fields == width)])
            odd = data_lines & (fields != width)
            for i in np.flatnonzero(odd).tolist():  # blank lines are no rows (few lines are not as wide as the header)
                odd[i] = bool(chunk[starts[i] : ends[i]].strip())
            if odd.any():
                irregular.append(numbers[odd])
                spans.append(np.stack((starts[odd] + offset, ends[odd] + offset), axis=1))
            offset += len(chunk)
            first_line += len(starts)
            if not block:
                break
    empty = np.zeros(0, dtype=np.int64)
    return LineScan(
        body_offset=body_offset if body_offset >= 0 else offset,
        lines=np.concatenate(lines) if lines else empty,
        irregular=np.concatenate(irregular) if irregular else empty,
        irregular_spans=np.concatenate(spans) if spans else np.zeros((0, 2), dtype=np.int64),
        longest=longest,
    )


def _per_line(positions: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """How many of the (sorted) byte ``positions`` each line (``starts[i]:ends[i]``) holds."""
    counts: np.ndarray = positions.searchsorted(ends) - positions.searchsorted(starts)
    return counts


def irregular_rows(
    path: Path, display: str, fmt: CsvFormat, header_index: int, width: int, scan: LineScan | None = None
) -> Iterator[IrregularRow]:
    """Every non-blank row below the header (the ``header_index``-th row) whose number of fields is not ``width``.

    Files without quotes and with one line per row (nearly every export) are scanned as bytes (``scan_lines``); any
    other file goes through the csv module (a row it cannot read is an InputError)."""
    if scan is None:
        scan = scan_lines(path, fmt, header_index, width)
    if scan is None:
        yield from _irregular_csv_rows(path, display, fmt, header_index, width)
        return
    with path.open("rb") as fh:
        for number, (start, end) in zip(scan.irregular.tolist(), scan.irregular_spans.tolist(), strict=True):
            fh.seek(start)
            line = fh.read(end - start).rstrip(b"\r")
            yield IrregularRow(number, line.decode(fmt.encoding, errors="replace").split(fmt.separator))


def _ascii_compatible(encoding: str) -> bool:
    """Whether the encoding writes line ends, separators and quotes as their ASCII bytes (UTF-8, Windows-1252)."""
    import codecs

    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return not name.startswith(("utf-16", "utf-32")) and '\r\n;,\t"'.encode(name).endswith(b'\r\n;,\t"')


def _irregular_csv_rows(
    path: Path, display: str, fmt: CsvFormat, header_index: int, width: int
) -> Iterator[IrregularRow]:
    with path.open("r", encoding=fmt.encoding, errors="replace", newline="") as fh:
        for index, (start, row) in enumerate(csv_lines(fh, fmt.separator, display)):
            if index > header_index and len(row) != width and any(cell.strip() for cell in row):
                yield IrregularRow(start, row)


def csv_lines(fh: IO[str], separator: str, display: str) -> Iterator[tuple[int, list[str]]]:
    """The csv module's rows of an open file, each with the line it starts on as an editor counts lines (a quoted
    cell may span lines); a malformed row, or a cell beyond the csv module's limit, is an error naming that line."""
    reader = csv.reader(fh, delimiter=separator)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                message = f"a cell of more than {csv.field_size_limit():,} characters".replace(",", ".")
            else:
                message = f"malformed CSV ({describe(exc)})"
            raise InputError.at(display, message, CSV_EXPECTED, row=start) from None
        yield start, row


def check_row_widths(
    path: Path,
    display: str,
    fmt: CsvFormat,
    header_index: int,
    header: list[str],
    needed: int,
    *,
    exempt: Callable[[list[str]], bool] = lambda _cells: False,
    scan: LineScan | None = None,
) -> None:
    """InputError listing every data row that is wider than the header with a value beyond its last column (the
    value would be dropped or read under the wrong column), or narrower than the header's first ``needed`` columns
    (a required cell is not there). Empty fields after the last column (a separator ending each line) hold nothing
    and are fine; so is a row ``exempt`` approves (a total row the reader skips itself)."""
    width = len(header)
    problems: list[Problem] = []
    for row in irregular_rows(path, display, fmt, header_index, width, scan):
        if len(row.cells) > width:
            if all(not cell.strip() for cell in row.cells[width:]):
                continue
            message = f"the row has {len(row.cells)} fields, the header {width}: a value beyond its last column"
        elif len(row.cells) < needed and not exempt(row.cells):
            missing = ", ".join(repr(c) for c in header[len(row.cells) : needed])
            message = f"the row has {len(row.cells)} fields, the header {width}: no cell for {missing}"
        else:
            continue
        expected = width_expected(width, fmt.separator, wider=len(row.cells) > width)
        problems.append(Problem(display, message, expected, row=row.line))
        if len(problems) == MAX_WIDTH_PROBLEMS:
            break
    if problems:
        raise InputError(problems)
