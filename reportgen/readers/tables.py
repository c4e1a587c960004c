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
from reportgen.errors import InputError, Problem, describe, shorten

SEPARATORS = ";,\t"
Row = list[Any]


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
CONTROL_EXPECTED = "text without control characters (no NUL bytes, vertical tabs or form feeds)"
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_CONTROL = bytes(b for b in range(256) if not _CONTROL_BYTES.match(bytes([b])))
"""Every byte but the control bytes: deleting them (``bytes.translate``) leaves a block's control bytes, if any."""
MAX_CELL_CHARS = 32767
"""The longest cell read, as in Excel itself: a longer one is no real export."""
MAX_XLSX_EXPANDED = 512 * 1024 * 1024
"""The most an .xlsx may expand to when unpacked (a real export of a million postings is about 150 MB)."""
MAX_XLSX_RATIO = 200
"""The highest compression ratio of an .xlsx member: real sheets compress 5-30 times, zip bombs thousands."""


def scan_text(path: Path, display: str, encoding: str | None = None) -> str:
    """Check a whole text file before it is parsed and return its encoding: the one given, or UTF-8 when every byte
    decodes as UTF-8, else Windows-1252 (decided on the whole file, so a Windows-1252 export whose first 64 KB are
    ASCII is never rejected). A control character (a NUL byte would cut a cell short) is an error naming the line."""
    with path.open("rb") as fh:
        head = fh.read(4)
        fh.seek(0)
        if encoding is None and head.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        elif encoding is None and head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"  # control bytes are part of the encoding; the parser checks cells
        decoder = codecs.getincrementaldecoder("utf-8")() if encoding is None else None
        line, non_ascii = 1, False
        for block in iter(lambda: fh.read(1 << 20), b""):
            bad = _CONTROL_BYTES.search(block) if block.translate(None, _NOT_CONTROL) else None
            if bad and (encoding or "").lower().replace("_", "-") not in ("utf-16", "utf-16-le", "utf-16-be"):
                row = line + block.count(b"\n", 0, bad.start())
                raise InputError.at(
                    display,
                    f"control character {bad.group().decode('latin-1')!r} in the text",
                    CONTROL_EXPECTED,
                    row=row,
                )
            if decoder is not None:
                try:
                    decoder.decode(block)
                    non_ascii = non_ascii or not block.isascii()
                except UnicodeDecodeError as exc:
                    _mixed(display, non_ascii or not block[: exc.start].isascii(), line, block, exc.start)
                    decoder, encoding = None, "cp1252"
            line += block.count(b"\n")
        if decoder is not None:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                encoding = "cp1252"
    return encoding or "utf-8"


def _mixed(display: str, utf8_before: bool, line: int, block: bytes, position: int) -> None:
    """A file that is UTF-8 with letters like æ, ø, å up to some line and not UTF-8 after it mixes two encodings:
    no single decoding reads it right."""
    if utf8_before:
        raise InputError.at(
            display,
            "cannot decode the file as utf-8: the text before this line is UTF-8 with Danish letters, this line is not",
            "one encoding for the whole file: UTF-8 or Windows-1252",
            row=line + block.count(b"\n", 0, position),
        )


@dataclass(frozen=True)
class CsvFormat:
    """How a CSV file is written: encoding (decided on the whole file), separator, and the complete rows of its
    first ``SAMPLE_BYTES`` (for finding the header)."""

    encoding: str
    separator: str
    sample_rows: list[Row]


def sniff_csv(path: Path, display: str, *, encoding: str | None = None, separator: str | None = None) -> CsvFormat:
    """Detect a CSV file's encoding and separator (unless given) and read the rows of its first block."""
    enc = scan_text(path, display, encoding)
    with path.open("rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    cut = len(head) == SAMPLE_BYTES
    try:
        sample = head.decode(enc, errors="ignore" if cut else "strict")
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError.at(display, f"cannot decode the file as {enc} ({describe(exc)})", ENCODING_EXPECTED) from None
    sep = separator or sniff_separator(sample)
    try:
        rows = list(csv.reader(io.StringIO(sample), delimiter=sep))
    except csv.Error as exc:
        raise InputError.at(display, f"malformed CSV ({describe(exc)})", CSV_EXPECTED) from None
    if cut:
        rows = rows[:-1]  # the last line of a cut sample may be incomplete
    return CsvFormat(enc, sep, rows)


CSV_EXPECTED = f"one row per line, quoted cells, at most {MAX_CELL_CHARS:,} characters a cell".replace(",", ".")


def read_csv_rows(
    path: Path, display: str, *, encoding: str | None = None, separator: str | None = None
) -> tuple[list[Row], str, str]:
    """All rows of a (small) CSV file as lists of stripped strings; returns rows, encoding and separator."""
    fmt = sniff_csv(path, display, encoding=encoding, separator=separator)
    try:
        text = path.read_bytes().decode(fmt.encoding)
    except UnicodeDecodeError as exc:
        raise InputError.at(
            display, f"cannot decode the file as {fmt.encoding} ({exc.reason})", ENCODING_EXPECTED
        ) from None
    reader = csv.reader(io.StringIO(text), delimiter=fmt.separator)
    rows = CsvRows()
    rows.separator = fmt.separator
    try:
        rows.extend([cell.strip() for cell in row] for row in reader)
    except csv.Error as exc:
        raise InputError.at(display, f"malformed CSV ({describe(exc)})", CSV_EXPECTED, row=reader.line_num) from None
    for i, row in enumerate(rows, start=1):
        for j, cell in enumerate(row):
            if len(cell) > MAX_CELL_CHARS:
                raise InputError.at(
                    display,
                    f"a cell of {len(cell):,} characters".replace(",", "."),
                    CSV_EXPECTED,
                    row=i,
                    column=column_letter(j),
                )
    return rows, fmt.encoding, fmt.separator


class CsvRows(list[Row]):
    """The rows of a CSV file, knowing the separator they were split on (for messages about row widths)."""

    separator: str | None = None


def check_xlsx_size(path: Path, display: str) -> None:
    """Refuse a workbook that would expand beyond ``MAX_XLSX_EXPANDED`` or has a member compressed more than
    ``MAX_XLSX_RATIO`` times, before any of it is parsed (a 4 MB file can unpack to gigabytes)."""
    import zipfile

    expected = "an .xlsx saved by Excel or LibreOffice"
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise InputError.at(display, f"cannot open the workbook ({describe(exc)})", expected) from None
    total = sum(m.file_size for m in members)
    if total > MAX_XLSX_EXPANDED:
        raise InputError.at(
            display,
            f"the workbook unpacks to {total / 2**20:,.0f} MB".replace(",", "."),
            f"a workbook of at most {MAX_XLSX_EXPANDED // 2**20} MB unpacked",
        )
    for m in members:
        if m.file_size > 1 << 20 and m.file_size > MAX_XLSX_RATIO * max(m.compress_size, 1):
            raise InputError.at(
                display,
                f"the part {shorten(m.filename, 80)!r} is compressed {m.file_size // max(m.compress_size, 1)} times",
                f"{expected} (no part compressed more than {MAX_XLSX_RATIO} times)",
            )


def read_xlsx_sheets(path: Path, display: str) -> dict[str, list[Row]]:
    """Every sheet of a workbook as rows of cell values (strings stripped; empty cells None; a row ends at its last
    value).

    The sheets' stated dimensions are not trusted (a ``<dimension>`` that understates the sheet would cut rows
    off): every row in the file is read. A text cell with a control character or longer than Excel allows is an
    error naming the sheet and cell. calamine reads the workbook when it can (``workbook_values``), openpyxl
    otherwise; both give the same rows."""
    from reportgen.readers.workbook_values import calamine_sheets

    check_xlsx_size(path, display)
    fast = calamine_sheets(path)
    if fast is not None:
        return {title: _checked(rows, display, title) for title, rows in fast.items()}
    return openpyxl_sheets(path, display)


def openpyxl_sheets(path: Path, display: str) -> dict[str, list[Row]]:
    """``read_xlsx_sheets`` by openpyxl: for a workbook calamine does not read as openpyxl would (an error cell) or
    cannot read at all, whose problems are then named here."""
    wb = _open_workbook(path, display)
    try:
        sheets: dict[str, list[Row]] = {}
        for ws in wb.worksheets:
            rows: list[Row] = []
            ws.reset_dimensions()  # type: ignore[union-attr,unused-ignore]  # read-only sheets only
            try:
                for row in ws.iter_rows(values_only=True):
                    rows.append(list(row))  # noqa: PERF401 - row by row: a failure names the row it reached
            except Exception as exc:  # corrupt sheet XML, a date beyond year 9999, a shared string that is missing
                raise InputError.at(
                    display,
                    f"cannot read the sheet ({describe(exc)})",
                    "a sheet saved by Excel or LibreOffice",
                    sheet=ws.title,
                    row=len(rows) + 1,
                ) from None
            sheets[ws.title] = _checked(rows, display, ws.title)
        return sheets
    finally:
        wb.close()


def _checked(rows: list[Row], display: str, sheet: str) -> list[Row]:
    """The rows with text cells checked and stripped, trailing empty cells and trailing blank rows dropped."""
    out: list[Row] = []
    for i, row in enumerate(rows, start=1):
        cells = [_text_cell(c, display, sheet, i, j) for j, c in enumerate(row)]
        while cells and cells[-1] is None:
            cells.pop()
        out.append(cells)
    while out and all(is_blank(c) for c in out[-1]):
        out.pop()
    return out


def _open_workbook(path: Path, display: str) -> Any:
    """The workbook (read-only, values only). A sheet that the workbook lists but whose part is not in the file is
    an error naming it: openpyxl would leave the sheet out without a word, and its figures would vanish."""
    from openpyxl.reader.excel import ExcelReader

    try:
        reader = ExcelReader(path, read_only=True, data_only=True)
        reader.read()
        missing = [sheet.name for sheet, rel in reader.parser.find_sheets() if rel.target not in reader.valid_files]
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise InputError.at(
            display, f"cannot open the workbook ({describe(exc)})", "an .xlsx file saved by Excel or LibreOffice"
        ) from None
    if missing:
        reader.wb.close()
        raise InputError(
            Problem(
                display,
                "the workbook lists the sheet but its part is not in the file (its figures would be left out)",
                "a workbook saved by Excel or LibreOffice whose every sheet is there; save it again from Excel",
                sheet=name,
            )
            for name in missing
        )
    return reader.wb


def _text_cell(value: Any, display: str, sheet: str, row: int, column: int) -> Any:
    if not isinstance(value, str):
        return value
    if len(value) > MAX_CELL_CHARS:
        raise InputError.at(
            display,
            f"a cell of {len(value):,} characters".replace(",", "."),
            f"at most {MAX_CELL_CHARS} characters",
            sheet=sheet,
            row=row,
            column=column_letter(column),
        )
    bad = _CONTROL_CHARS.search(value)
    if bad:
        raise InputError.at(
            display,
            f"control character {bad.group()!r} in the cell",
            CONTROL_EXPECTED,
            sheet=sheet,
            row=row,
            column=column_letter(column),
        )
    return value.strip()


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
