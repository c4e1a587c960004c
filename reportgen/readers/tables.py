"""Opening the tables staff receive: CSV encoding and separator detection, Excel sheets as rows, header rows below
title rows. Every reader opens its files through these functions.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.domain.danish_text import fold_danish
from reportgen.errors import InputError

SEPARATORS = ";,\t"
Row = list[Any]


def detect_encoding(head: bytes) -> str:
    """UTF-8 with BOM, UTF-8, or Windows-1252 (the usual choice of Danish finance systems)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut off at the end of the sample is still UTF-8.
        if exc.start >= len(head) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
        return "cp1252"


def sniff_separator(sample: str) -> str:
    """The separator among ``;`` ``,`` and tab that splits the sample's lines most consistently."""
    lines = [line for line in sample.splitlines() if line.strip()][:50]
    if not lines:
        return ";"
    best, best_score = ";", -1.0
    for sep in SEPARATORS:
        counts = [len(next(csv.reader([line], delimiter=sep))) for line in lines]
        # Prefer the separator giving the most columns on the most lines (title rows may have fewer).
        widest = max(counts)
        if widest < 2:
            continue
        share = sum(1 for c in counts if c == widest) / len(counts)
        score = widest * share
        if score > best_score:
            best, best_score = sep, score
    return best


SAMPLE_BYTES = 65536
ENCODING_EXPECTED = "UTF-8, UTF-8 with BOM or Windows-1252 text"


@dataclass(frozen=True)
class CsvFormat:
    """How a CSV file is written, decided from its first ``SAMPLE_BYTES``: encoding, separator, and the complete
    rows of that sample (for finding the header)."""

    encoding: str
    separator: str
    sample_rows: list[Row]


def sniff_csv(path: Path, display: str, *, encoding: str | None = None, separator: str | None = None) -> CsvFormat:
    """Detect a CSV file's encoding and separator (unless given) and read the rows of its first block."""
    with path.open("rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    enc = encoding or detect_encoding(head)
    cut = len(head) == SAMPLE_BYTES
    try:
        sample = head.decode(enc, errors="ignore" if cut else "strict")
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError.at(display, f"cannot decode the file as {enc} ({exc})", ENCODING_EXPECTED) from None
    sep = separator or sniff_separator(sample)
    rows = list(csv.reader(io.StringIO(sample), delimiter=sep))
    if cut:
        rows = rows[:-1]  # the last line of a cut sample may be incomplete
    return CsvFormat(enc, sep, rows)


def read_csv_rows(
    path: Path, display: str, *, encoding: str | None = None, separator: str | None = None
) -> tuple[list[Row], str, str]:
    """All rows of a (small) CSV file as lists of stripped strings; returns rows, encoding and separator."""
    fmt = sniff_csv(path, display, encoding=encoding, separator=separator)
    try:
        text = path.read_bytes().decode(fmt.encoding)
    except UnicodeDecodeError as exc:
        raise InputError.at(display, f"cannot decode the file as {fmt.encoding} ({exc})", ENCODING_EXPECTED) from None
    rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=fmt.separator)]
    return rows, fmt.encoding, fmt.separator


def read_xlsx_sheets(path: Path, display: str) -> dict[str, list[Row]]:
    """Every sheet of a workbook as rows of cell values (strings stripped; empty cells None)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise InputError.at(
            display,
            f"cannot open the workbook ({type(exc).__name__}: {exc})",
            "an .xlsx file saved by Excel or LibreOffice",
        ) from None
    try:
        sheets: dict[str, list[Row]] = {}
        for ws in wb.worksheets:
            rows: list[Row] = []
            for row in ws.iter_rows(values_only=True):
                rows.append([c.strip() if isinstance(c, str) else c for c in row])
            while rows and all(is_blank(c) for c in rows[-1]):
                rows.pop()
            sheets[ws.title] = rows
        return sheets
    finally:
        wb.close()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def norm_header(value: Any) -> str:
    """Header cells compared case-insensitively, without surrounding spaces, punctuation or Danish letters."""
    s = fold_danish(str(value or ""))
    return re.sub(r"[^a-z0-9]", "", s)


def find_header(rows: list[Row], accept: Callable[[list[str]], bool], max_scan: int = 30) -> int | None:
    """Index of the first row (among the first ``max_scan``) whose normalised cells ``accept`` approves."""
    for i, row in enumerate(rows[:max_scan]):
        if accept([norm_header(c) for c in row]):
            return i
    return None


def iter_data_rows(rows: list[Row], header_index: int) -> Iterator[tuple[int, Row]]:
    """Rows after the header with their 1-based row number in the file, skipping blank rows."""
    for i in range(header_index + 1, len(rows)):
        row = rows[i]
        if all(is_blank(c) for c in row):
            continue
        yield i + 1, row


def column_letter(index: int) -> str:
    """0-based column index -> Excel letter (0 -> A)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
