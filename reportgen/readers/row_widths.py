"""Rows as wide as their header: a CSV row with a value beyond the header's last column (an unquoted ``6.077,02`` in
a comma-separated export) or without a required cell is an error naming its line, whatever the separator."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reportgen.errors import InputError, Problem, describe
from reportgen.readers.tables import CSV_EXPECTED, CsvFormat

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


def irregular_rows(path: Path, display: str, fmt: CsvFormat, header_index: int, width: int) -> Iterator[IrregularRow]:
    """Every non-blank row below the header (the ``header_index``-th row) whose number of fields is not ``width``.

    Files without quotes and with one line per row (nearly every export) are scanned as bytes, a line at a time,
    counting separators; any other file goes through the csv module (a row it cannot read is an InputError)."""
    sep = fmt.separator
    last = 0
    if sep.isascii() and _ascii_compatible(fmt.encoding):
        separator = sep.encode("ascii")
        with path.open("rb") as fh:
            for number, line in enumerate(fh, start=1):
                if b'"' in line or b"\r" in line.rstrip(b"\r\n"):
                    break  # quoted cells or lone carriage returns: only the csv module reads rows right
                if number <= header_index + 1 or line.count(separator) + 1 == width or not line.strip():
                    continue
                last = number
                yield IrregularRow(number, line.rstrip(b"\r\n").decode(fmt.encoding, errors="replace").split(sep))
            else:
                return
    for row in _irregular_csv_rows(path, display, fmt, header_index, width):
        if row.line > last:
            yield row


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
        reader = csv.reader(fh, delimiter=fmt.separator)
        index = 0
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
            if index > header_index and len(row) != width and any(cell.strip() for cell in row):
                yield IrregularRow(start, row)
            index += 1


def check_row_widths(
    path: Path,
    display: str,
    fmt: CsvFormat,
    header_index: int,
    header: list[str],
    needed: int,
    *,
    exempt: Callable[[list[str]], bool] = lambda _cells: False,
) -> None:
    """InputError listing every data row that is wider than the header with a value beyond its last column (the
    value would be dropped or read under the wrong column), or narrower than the header's first ``needed`` columns
    (a required cell is not there). Empty fields after the last column (a separator ending each line) hold nothing
    and are fine; so is a row ``exempt`` approves (a total row the reader skips itself)."""
    width = len(header)
    problems: list[Problem] = []
    for row in irregular_rows(path, display, fmt, header_index, width):
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
