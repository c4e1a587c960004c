"""A workbook's cell values read by calamine (a reader written in Rust, ~25 times faster than openpyxl on the
measurement sheets and the barometer), in exactly the form openpyxl's read-only reader gives them, so every reader
sees the same rows whichever read the file.

calamine is the fast path, not the only one: it reads a cell holding a formula error (``#DIV/0!``, ``#N/A``) as an
empty cell, where openpyxl gives its text and the readers report it; and it names a broken file less precisely than
the checks around openpyxl do. So a workbook with an error cell anywhere, or one calamine cannot read, is read by
openpyxl (``tables.read_xlsx_sheets``), which also gives every problem its message."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_TAG = rb"<(?:[A-Za-z_][\w.-]*:)?"  # an element's start, with or without a namespace prefix
CELL_KIND = re.compile(_TAG + rb"""c\s[^>]*?\bt\s*=\s*["']([ed])["']""")
"""A cell holding a formula error (``<c r="B4" t="e"><v>#DIV/0!</v></c>``) or an ISO date. A text cannot hold a cell's
start tag: its ``<`` is written ``&lt;``."""
ESCAPE = re.compile(rb"_x[0-9A-Fa-f]{4}_")
"""Excel's escape of a character in a text (``_x000D_``), which openpyxl keeps as it is."""
EAST_ASIAN = re.compile(rb"""numFmtId\s*=\s*["'](?:2[7-9]|3[0-6]|5[0-8])["']""")
"""The built-in East Asian date formats, which openpyxl reads as numbers."""
REASONS = {
    b"e": "a cell holds a formula error",
    b"d": "a cell holds an ISO date",
    b"escape": "a text holds an escaped character",
    b"east": "a cell has an East Asian date format",
}
"""What calamine reads otherwise than openpyxl: a formula error (calamine: an empty cell; openpyxl: its text, which
the readers report), an ISO date cell, an escaped character, a built-in East Asian date format."""
ROW = re.compile(_TAG + rb"""row\s[^>]*?\br\s*=\s*["'](\d+)["']""")
WIDE_CELL = re.compile(_TAG + rb"""c\s[^>]*?\br\s*=\s*["']([A-Z]{2,3})\d""")
"""A cell beyond column Z: only then is the column of every cell worth reading."""
MIN_DENSE = 1_000_000
"""calamine holds a sheet as one rectangle from A1 to its last cell: a sheet whose rectangle is larger than this and
more than ``SPARSE`` times its cells (a stray value in XFD1048576) would take gigabytes, or abort the process."""
SPARSE = 4
CHUNK = 1 << 20
OVERLAP = 4096
"""A tag split between two blocks is found in the second with this much of the first before it."""
EXACT_INTEGERS = 2**53
"""Beyond this a float no longer holds every integer: such a number stays a float, as in Excel."""


def for_openpyxl(path: Path) -> str | None:
    """Why openpyxl, not calamine, must read this workbook (None: calamine reads it as openpyxl would). Every XML
    part is read in blocks (a sheet may be 150 MB)."""
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.filename.endswith(".xml"):
                with zf.open(info) as part:
                    reason = _scan(part, sheet=info.filename.startswith("xl/worksheets/"))
                if reason:
                    return reason
    return None


def _scan(part: Any, *, sheet: bool) -> str | None:
    tail, rows, columns, cells = b"", 0, 26, 0
    for block in iter(lambda: part.read(CHUNK), b""):
        seen = tail + block
        cell = CELL_KIND.search(seen)
        if cell:
            return REASONS[cell.group(1)]
        if b"_x" in seen and ESCAPE.search(seen):
            return REASONS[b"escape"]
        if b"numFmtId" in seen and EAST_ASIAN.search(seen):
            return REASONS[b"east"]
        if sheet:
            rows = max([rows, *map(int, ROW.findall(seen))])
            columns = max([columns, *map(_column_number, WIDE_CELL.findall(seen))])
            cells += block.count(b"<c ") + block.count(b":c ")
        tail = seen[-OVERLAP:]
    if rows * columns > max(MIN_DENSE, SPARSE * cells):
        return f"a sheet's cells spread over {rows:,} rows and {columns:,} columns".replace(",", ".")
    return None


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def calamine_sheets(path: Path) -> dict[str, list[list[Any]]] | None:
    """Every worksheet (chart sheets left out, hidden ones kept, as openpyxl does) as rows of cell values from A1,
    or None when the workbook is for openpyxl to read (``for_openpyxl``: an error cell, an escaped character, a sheet
    spread thin over a huge rectangle...), it has two sheets of one name, or calamine cannot read it."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        if for_openpyxl(path):
            return None
        with _panics_unprinted():
            book = CalamineWorkbook.from_path(str(path))
            if len(set(book.sheet_names)) < len(book.sheet_names):  # openpyxl keeps the last, calamine the first
                return None
            sheets: dict[str, list[list[Any]]] = {}
            for meta in book.sheets_metadata:
                if meta.typ == SheetTypeEnum.WorkSheet:
                    rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
                    sheets[meta.name] = [[as_openpyxl(v) for v in row] for row in rows]
        return sheets
    except Exception:  # whatever calamine cannot read, openpyxl reads and its checks name
        return None
    except BaseException as exc:  # a panic in calamine's Rust code (a duration beyond its range) is no Exception
        if type(exc).__name__ == "PanicException":
            return None
        raise


@contextmanager
def _panics_unprinted() -> Iterator[None]:
    """Rust prints a panic's message on the process's stderr before Python sees the exception; the workbook then goes
    to openpyxl, whose message is the one a user needs, so stderr is pointed at /dev/null while calamine reads."""
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no stderr to protect
        yield
        return
    try:
        with open(os.devnull, "w", encoding="utf-8") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def as_openpyxl(value: Any) -> Any:
    """A calamine value as openpyxl gives it: an empty cell None, a date a datetime at midnight, a whole number an
    int (Excel writes ``5`` for 5.0, which openpyxl reads as an int)."""
    if value == "" and isinstance(value, str):
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < EXACT_INTEGERS else value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)  # noqa: DTZ001 - a cell's date has no zone
    return value
