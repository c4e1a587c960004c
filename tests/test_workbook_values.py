"""The input workbooks are read by calamine when it reads them as openpyxl would, by openpyxl otherwise: both give
the same rows, and a cell holding a formula error is never read as an empty cell."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from reportgen.errors import ProblemLog
from reportgen.readers.measurements import read_measurements
from reportgen.readers.tables import openpyxl_sheets, read_xlsx_sheets
from reportgen.readers.workbook_values import REASONS, calamine_sheets, for_openpyxl
from tests.conftest import REPO

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
ERROR_CELL = REASONS[b"e"]

TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x2FF), max_size=12)
CELLS = st.one_of(
    st.none(),
    TEXT,
    st.integers(-(2**53) + 1, 2**53 - 1),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(9999, 12, 31)).map(  # noqa: DTZ001
        lambda d: d.replace(microsecond=0)  # a cell's date-time has no zone
    ),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.times().map(lambda t: t.replace(microsecond=0)),
)


def _workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> None:
    wb = Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for i, row in enumerate(rows, start=1):
            for j, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=i, column=j, value=value)
    wb.save(path)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(
    st.lists(st.lists(CELLS, max_size=6), max_size=8),
    st.lists(st.lists(CELLS, max_size=3), max_size=3),
    st.integers(0, 3),
)
def test_calamine_reads_every_kind_of_cell_as_openpyxl_does(
    first: list[list[Any]], second: list[list[Any]], blank_rows: int
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "book.xlsx"
        _workbook(path, {"Målinger": [[None]] * blank_rows + first, "Ark 2": second})
        assert calamine_sheets(path) is not None
        assert _outcome(read_xlsx_sheets, path) == _outcome(openpyxl_sheets, path)


def _outcome(read: Any, path: Path) -> Any:
    """The rows read, or the problems of the InputError raised (a control character in a cell)."""
    from reportgen.errors import InputError

    try:
        return read(path, path.name)
    except InputError as exc:
        return exc.problems


def test_the_shipped_workbooks_read_the_same_either_way() -> None:
    books = [*(REPO / "inputs").rglob("*.xlsx"), *(REPO / "examples").rglob("*.xlsx")]
    assert len(books) >= 10
    for path in books:
        assert calamine_sheets(path) is not None, path
        assert read_xlsx_sheets(path, path.name) == openpyxl_sheets(path, path.name), path


def _measurement_sheet_with(tmp_path: Path, value: Any) -> Path:
    """The first shipped measurement sheet with its first Værdi cell set to ``value``."""
    from openpyxl import load_workbook

    source = sorted((REPO / "inputs" / "maalinger").glob("*.xlsx"))[0]
    wb = load_workbook(source)
    ws = wb["Målinger"]
    header = next(r for r in range(1, 10) if ws.cell(row=r, column=4).value == "Værdi")
    ws.cell(row=header + 1, column=4).value = value
    path = tmp_path / source.name
    wb.save(path)
    return path


@pytest.mark.parametrize("error", ["#DIV/0!", "#N/A", "#VALUE!", "#REF!"])
def test_a_formula_error_in_a_measurement_is_reported_not_read_as_empty(tmp_path: Path, error: str) -> None:
    path = _measurement_sheet_with(tmp_path, error)  # openpyxl writes these texts as error cells (t="e")
    assert for_openpyxl(path) == ERROR_CELL and calamine_sheets(path) is None
    from reportgen.pipeline.inputs import measurement_settings
    from reportgen.plan import load_plan

    plan = load_plan(REPO / "inputs" / "handleplan_2019.yaml")
    problems = ProblemLog()
    read_measurements(path, path.name, measurement_settings(plan), problems)
    assert any(error in p.message and p.sheet == "Målinger" and p.row for p in problems.errors), problems.errors


def _with_sheet_xml(tmp_path: Path, change: bytes, by: bytes) -> Path:
    source = sorted((REPO / "inputs" / "maalinger").glob("*.xlsx"))[0]
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert change in data
                data = data.replace(change, by, 1)
            zout.writestr(item, data)
    return path


@pytest.mark.parametrize("attribute", [b't="e"', b"t='e'", b't = "e"'])
def test_an_error_cell_is_found_however_its_attribute_is_written(tmp_path: Path, attribute: bytes) -> None:
    path = _with_sheet_xml(tmp_path, b'<c r="A1"', b'<c r="A1" ' + attribute)
    assert for_openpyxl(path) == ERROR_CELL and calamine_sheets(path) is None


def test_a_text_that_reads_like_an_error_attribute_is_only_text(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    _workbook(path, {"Ark": [['a cell with t="e" in it', "#DIV/0 is written here as text"]]})
    assert for_openpyxl(path) is None
    assert read_xlsx_sheets(path, "book.xlsx") == {
        "Ark": [['a cell with t="e" in it', "#DIV/0 is written here as text"]]
    }


def test_a_workbook_calamine_cannot_read_is_read_and_named_by_openpyxl(tmp_path: Path) -> None:
    from reportgen.errors import InputError

    path = _with_sheet_xml(tmp_path, b"</sheetData>", b"<row><c r=")
    assert calamine_sheets(path) is None
    with pytest.raises(InputError) as caught:
        read_xlsx_sheets(path, "book.xlsx")
    (problem,) = caught.value.problems
    assert problem.file == "book.xlsx" and "cannot" in problem.message


def test_an_error_cell_split_between_two_blocks_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reportgen.readers import workbook_values

    path = _with_sheet_xml(tmp_path, b'<c r="A1"', b'<c r="A1" t="e"')
    for chunk in (7, 16, 64):  # the sheet's bytes in blocks that cut the tag somewhere
        monkeypatch.setattr(workbook_values, "CHUNK", chunk)
        assert for_openpyxl(path) == ERROR_CELL


def test_a_cell_that_makes_calamine_panic_goes_to_openpyxl_without_a_word_on_stderr(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A duration far beyond any date (a hostile or broken cell) panics in calamine's Rust code, which prints the
    panic on stderr itself: the workbook goes to openpyxl and the console shows nothing of it."""
    import warnings

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = 1e15
    ws["A1"].number_format = "[h]:mm:ss"
    path = tmp_path / "book.xlsx"
    wb.save(path)
    assert calamine_sheets(path) is None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's own warning: the readers report it (library_warnings)
        assert read_xlsx_sheets(path, "book.xlsx") == openpyxl_sheets(path, "book.xlsx")
    assert capfd.readouterr().err == ""


def _book(path: Path, cells: list[tuple[str, Any]], number_format: str | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for ref, value in cells:
        ws[ref] = value
        if number_format:
            ws[ref].number_format = number_format
    wb.save(path)
    return path


def test_a_stray_value_far_away_goes_to_openpyxl_not_into_a_rectangle_of_gigabytes(tmp_path: Path) -> None:
    """calamine holds a sheet as one rectangle from A1 to its last cell: a value in XFD200000 would be 3 billion cells
    (the process aborted). Such a sheet is read by openpyxl, which reads only the cells there are."""
    far = _book(tmp_path / "far.xlsx", [("A1", 1), ("XFD200000", 2)])
    assert for_openpyxl(far) == "a sheet's cells spread over 200.000 rows and 16.384 columns"
    rows = read_xlsx_sheets(far, "far.xlsx")["Sheet"]
    assert len(rows) == 200_000 and rows[0] == [1] and rows[-1][-1] == 2 and len(rows[-1]) == 16_384
    wide = _book(tmp_path / "wide.xlsx", [(f"{c}{r}", r) for c in ("A", "AB", "CV") for r in range(1, 50)])
    assert for_openpyxl(wide) is None  # a sheet filled over its rectangle stays with calamine


@pytest.mark.parametrize(
    ("cells", "number_format", "reason"),
    [
        ([("A1", "første linje_x000D_anden")], None, "a text holds an escaped character"),
        ([("A1", 45000.25)], "[$-411]ge.m.d", None),  # a custom format: both read the same
    ],
)
def test_what_calamine_reads_otherwise_goes_to_openpyxl(
    tmp_path: Path, cells: list[tuple[str, Any]], number_format: str | None, reason: str | None
) -> None:
    path = _book(tmp_path / "book.xlsx", cells, number_format)
    assert for_openpyxl(path) == reason
    assert read_xlsx_sheets(path, "book.xlsx") == openpyxl_sheets(path, "book.xlsx")


def test_an_east_asian_builtin_date_format_and_an_iso_date_cell_go_to_openpyxl(tmp_path: Path) -> None:
    source = _book(tmp_path / "plain.xlsx", [("A1", 45000.25)])
    east = tmp_path / "east.xlsx"
    iso = tmp_path / "iso.xlsx"
    with zipfile.ZipFile(source) as zin:
        for target, part, old, new in (
            (east, "xl/styles.xml", b'<cellXfs count="1"><xf numFmtId="0"', b'<cellXfs count="1"><xf numFmtId="30"'),
            (iso, "xl/worksheets/sheet1.xml", b'<c r="A1" t="n"><v>45000.25</v>', b'<c r="A1" t="d"><v>2023-03-15</v>'),
        ):
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
                for item in zin.infolist():
                    data = zin.read(item.filename)
                    if item.filename == part:
                        assert old in data, data[:400]
                        data = data.replace(old, new)
                    zout.writestr(item.filename, data)
    assert for_openpyxl(east) == "a cell has an East Asian date format"
    assert for_openpyxl(iso) == "a cell holds an ISO date"
    for path in (east, iso):
        assert read_xlsx_sheets(path, path.name) == openpyxl_sheets(path, path.name)
