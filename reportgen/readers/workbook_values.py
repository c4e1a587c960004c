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

ERROR_CELL = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\bt\s*=\s*["']e["']""")
"""The start tag of a cell whose value is a formula error (``<c r="B4" t="e"><v>#DIV/0!</v></c>``, with or without
a namespace prefix); a text cannot hold it (its ``<`` is written ``&lt;``)."""
CHUNK = 1 << 20
OVERLAP = 4096
"""A cell's start tag split between two blocks is found in the second with this much of the first before it."""
EXACT_INTEGERS = 2**53
"""Beyond this a float no longer holds every integer: such a number stays a float, as in Excel."""


def has_error_cells(path: Path) -> bool:
    """Whether any XML part of the workbook has a formula-error cell (read in blocks: a sheet may be 150 MB)."""
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if not info.filename.endswith(".xml"):
                continue
            with zf.open(info) as part:
                tail = b""
                for block in iter(lambda: part.read(CHUNK), b""):
                    seen = tail + block
                    if ERROR_CELL.search(seen):
                        return True
                    tail = seen[-OVERLAP:]
    return False


def calamine_sheets(path: Path) -> dict[str, list[list[Any]]] | None:
    """Every worksheet (chart sheets left out, hidden ones kept, as openpyxl does) as rows of cell values from A1,
    or None when the workbook is for openpyxl to read: it holds an error cell, or calamine cannot read it."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        if has_error_cells(path):
            return None
        with _panics_unprinted():
            book = CalamineWorkbook.from_path(str(path))
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
