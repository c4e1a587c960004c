"""No silent figure change from inputs: CSV rows wider or narrower than their header, library warnings, sheets a
workbook lists but does not hold."""

from __future__ import annotations

import shutil
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from reportgen.errors import InputError, ProblemLog
from reportgen.readers.economy import EconomyColumns, EconomySettings, read_economy, read_postings
from reportgen.readers.indicators import BarometerSettings, read_indicators
from reportgen.readers.measurements import MeasurementSettings, read_all_measurements
from tests.conftest import DATA, REPO

DECIMAL_COMMA_HINT = (
    "5 fields as in the header; a decimal comma in an unquoted field splits it — quote the amount or use ';' as "
    "separator"
)
COLUMNS = EconomyColumns(dato="Dato", konto="Konto", projekt="Projekt", tekst="Tekst", beloeb="Beløb")


def economy_problems(path: Path, settings: EconomySettings | None = None) -> ProblemLog:
    """Read one export the way a run does (through the readers' boundary), failing if any warning escapes."""
    problems = ProblemLog()
    with warnings.catch_warnings(record=True) as escaped:
        warnings.simplefilter("always")
        read_economy([path], [path.name], settings or EconomySettings(columns=COLUMNS), problems)
    assert [str(w.message) for w in escaped] == []
    return problems


def test_an_unquoted_decimal_comma_in_a_comma_separated_export_is_an_error_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Posteringer 2019\n\nDato,Konto,Projekt,Tekst,Beløb\n"
        '03-02-2019,5.46.60.001,INT19-01,"Tolk,\nflere linjer","100,00"\n'
        "04-02-2019,5.46.60.001,INT19-01,Tolkebistand,6.077,02\n",
        encoding="utf-8",
    )
    problems = economy_problems(path)
    (error,) = problems.errors
    assert (error.file, error.row) == ("export.csv", 6)  # the line an editor shows: the quoted cell spans two
    assert error.message == "the row has 6 fields, the header 5: a value beyond its last column"
    assert error.expected == DECIMAL_COMMA_HINT


@pytest.mark.parametrize("separator", [";", "\t", ","])
def test_a_row_wider_than_its_header_is_an_error_whatever_the_separator(tmp_path: Path, separator: str) -> None:
    path = tmp_path / "export.csv"
    lines = [["Dato", "Konto", "Projekt", "Tekst", "Beløb"]]
    lines += [["04-02-2019", "5.46.60.001", "INT19-01", "Tolk", "100"]] * 3
    lines += [["05-02-2019", "5.46.60.001", "INT19-01", "Tolk", "6.077", "02"]]
    path.write_text("\n".join(separator.join(cells) for cells in lines) + "\n", encoding="utf-8")
    (error,) = economy_problems(path).errors
    assert error.row == 5 and "6 fields, the header 5" in error.message
    assert error.expected.startswith("5 fields as in the header;")


def test_the_first_posting_row_wider_than_its_header_is_an_error_too(tmp_path: Path) -> None:
    """pandas takes a first row wider than the header for an index and drops a cell: never again."""
    path = tmp_path / "export.csv"
    path.write_text(
        "Dato,Konto,Projekt,Tekst,Beløb\n04-02-2019,5.46.60.001,INT19-01,Tolkebistand,6.077,02\n"
        "05-02-2019,5.46.60.001,INT19-01,Tolk,100\n",
        encoding="utf-8",
    )
    (error,) = economy_problems(path).errors
    assert error.row == 2 and error.expected == DECIMAL_COMMA_HINT


def test_a_row_lacking_a_required_cell_is_an_error_but_a_short_total_row_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Dato;Konto;Beløb;Projekt;Tekst\n04-02-2019;5.46.60.001;100;P;t\n05-02-2019;5.46.60.001\n"
        "06-02-2019;5.46.60.001;50\nI alt;150\n",
        encoding="utf-8",
    )
    (error,) = economy_problems(path).errors
    assert error.row == 3 and error.message == "the row has 2 fields, the header 5: no cell for 'Beløb'"
    assert error.expected == "5 fields as in the header"


def test_empty_fields_after_the_last_column_change_nothing(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Dato;Konto;Projekt;Tekst;Beløb\n04-02-2019;5.46.60.001;P;t;100,00\n05-02-2019;5.46.60.001;P;t;50,00;;\n",
        encoding="utf-8",
    )
    problems = ProblemLog()
    postings = read_postings(path, "export.csv", EconomySettings(columns=COLUMNS), problems)
    assert problems.errors == [] and postings["oere"].tolist() == [10000, 5000]


def test_an_indicator_csv_row_split_by_a_decimal_comma_says_why(tmp_path: Path) -> None:
    path = tmp_path / "lang.csv"
    path.write_text("Indikator,Kommune,Periode,Værdi\nledighed,147,2019M09,3,5\n", encoding="utf-8")
    problems = ProblemLog()
    read_indicators([path], ["lang.csv"], BarometerSettings(), problems)
    (error,) = problems.errors
    assert error.row == 2 and "beyond the header's 4 columns" in error.message
    assert error.expected.startswith("4 fields as in the header; a decimal comma in an unquoted field splits it")


def test_the_example_export_saved_with_commas_stops_validate_and_run(example: Path, cli) -> None:
    export = example / "inputs" / "economy" / "oekonomi_2019_2020.csv"
    export.write_bytes(export.read_bytes().replace(b";", b","))
    result = cli("validate")
    assert result.exit_code == 2
    assert (
        "inputs/economy/oekonomi_2019_2020.csv:6: the row has 6 fields, the header 5: a value beyond its last column "
        f"({DECIMAL_COMMA_HINT})" in result.stderr
    )
    assert "Warning" not in result.stderr
    run = cli("run")
    assert run.exit_code == 2 and not (example / "outputs").exists()


def date_cell_without_a_date(path: Path, error_cell: bool = False) -> None:
    """An economy export whose date cell is formatted as a date but holds a number no date has (and, with
    ``error_cell``, a formula error further down, so that openpyxl reads it, not calamine)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Dato", "Konto", "Projekt", "Tekst", "Beløb"])
    ws.append([None, "5.46.60.001", "P", "t", 100])
    ws["A2"].value = 10**12
    ws["A2"].number_format = "dd-mm-yyyy"
    if error_cell:
        ws["H9"] = "#DIV/0!"  # openpyxl writes a text like this as an error cell (t="e")
    wb.save(path)


def test_a_date_cell_holding_no_date_is_an_error_naming_the_cell(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    date_cell_without_a_date(path)
    problems = economy_problems(path)
    assert [str(p) for p in problems.errors] == [
        "export.xlsx:2:Dato: 1000000000000 is not a date (a date such as 31-12-2019, 31.12.2019 or 2019-12-31)"
    ]


def test_a_library_warning_meaning_a_changed_value_is_an_error_naming_the_file(tmp_path: Path) -> None:
    """openpyxl (which reads a workbook holding an error cell) warns of the date cell and reads it as an error
    value: its warning is an error in reportgen's words."""
    path = tmp_path / "export.xlsx"
    date_cell_without_a_date(path, error_cell=True)
    problems = economy_problems(path)
    messages = [str(p) for p in problems.errors]
    assert any(
        m.startswith("export.xlsx: cell A2 is formatted as a date but holds 1000000000000, which is no date")
        for m in messages
    ), messages


DATA_VALIDATION_EXTENSION = (
    b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"/></extLst></worksheet>'
)


def test_a_harmless_library_warning_is_a_warning_in_reportgens_words(tmp_path: Path) -> None:
    """Excel's own data validation lists (an ``extLst`` openpyxl does not read) change no value. calamine reads such
    a workbook without a word; openpyxl (here made to read it by an error cell) warns."""
    path = tmp_path / "export.xlsx"
    error_cell = b'<c r="H9" t="e"><v>#DIV/0!</v></c>'

    def change(xml: bytes) -> bytes:
        xml = xml.replace(b"</worksheet>", DATA_VALIDATION_EXTENSION)
        return xml.replace(b"</sheetData>", b'<row r="90">' + error_cell.replace(b"H9", b"H90") + b"</row></sheetData>")

    rewrite_zip(DATA / "economy" / "titelrækker.xlsx", path, change={"xl/worksheets/sheet1.xml": change})
    problems = economy_problems(path, EconomySettings(columns=STANDARD))
    assert problems.errors == []
    (warning,) = [w for w in problems.warnings if "total row" not in w.message]
    assert warning.file == "export.xlsx"
    assert warning.message.startswith(
        "the workbook holds formatting, drawings or settings that reportgen does not read; its values are read as "
        "they are (UserWarning: Data Validation extension is not supported"
    )
    calm = tmp_path / "calm.xlsx"
    rewrite_zip(
        DATA / "economy" / "titelrækker.xlsx",
        calm,
        change={"xl/worksheets/sheet1.xml": lambda xml: xml.replace(b"</worksheet>", DATA_VALIDATION_EXTENSION)},
    )
    problems = economy_problems(calm, EconomySettings(columns=STANDARD))
    assert problems.errors == [] and [w for w in problems.warnings if "total row" not in w.message] == []


STANDARD = EconomyColumns(
    dato="Bogføringsdato", konto="Konto", projekt="Projekt", tekst="Posteringstekst", beloeb="Beløb"
)


def rewrite_zip(
    source: Path, target: Path, drop: str | None = None, change: dict[str, Callable[[bytes], bytes]] | None = None
) -> None:
    """A copy of the workbook without the member ``drop`` and with ``change`` applied to members (everything else
    byte for byte)."""
    change = change or {}
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        assert drop is None or drop in zin.namelist()
        assert set(change) <= set(zin.namelist())
        for item in zin.infolist():
            if item.filename != drop:
                data = zin.read(item.filename)
                zout.writestr(item, change[item.filename](data) if item.filename in change else data)


def first_sheet_name(path: Path) -> str:
    wb = load_workbook(path, read_only=True)
    try:
        return wb.sheetnames[0]
    finally:
        wb.close()


def test_an_indicator_workbook_missing_a_sheet_part_is_an_error_naming_the_sheet(tmp_path: Path) -> None:
    source = REPO / "inputs" / "barometer" / "integrationsbarometer.xlsx"
    path = tmp_path / "integrationsbarometer.xlsx"
    rewrite_zip(source, path, drop="xl/worksheets/sheet1.xml")
    problems = ProblemLog()
    read_indicators([path], ["integrationsbarometer.xlsx"], BarometerSettings(), problems)
    (error,) = problems.errors
    assert (error.file, error.sheet) == ("integrationsbarometer.xlsx", first_sheet_name(source))
    assert "the workbook lists the sheet but its part is not in the file" in error.message


def test_measurement_sheets_and_economy_workbooks_missing_a_sheet_part_are_errors(tmp_path: Path) -> None:
    sheet = next((REPO / "inputs" / "maalinger").glob("*.xlsx"))
    path = tmp_path / sheet.name
    rewrite_zip(sheet, path, drop="xl/worksheets/sheet1.xml")
    problems = ProblemLog()
    read_all_measurements([path], [path.name], MeasurementSettings(area=147, keys={}), problems)
    assert [(p.file, p.sheet) for p in problems.errors] == [(path.name, first_sheet_name(sheet))]

    export = tmp_path / "titelrækker.xlsx"
    rewrite_zip(DATA / "economy" / "titelrækker.xlsx", export, drop="xl/worksheets/sheet1.xml")
    with pytest.raises(InputError) as caught:
        read_postings(export, export.name, EconomySettings(columns=STANDARD), ProblemLog())
    (problem,) = caught.value.problems
    assert problem.sheet == first_sheet_name(DATA / "economy" / "titelrækker.xlsx")


def test_the_example_with_a_sheet_part_missing_stops_validate(example: Path, cli) -> None:
    barometer = example / "inputs" / "barometer" / "integrationsbarometer.xlsx"
    original = barometer.with_suffix(".orig")
    shutil.move(barometer, original)
    rewrite_zip(original, barometer, drop="xl/worksheets/sheet1.xml")
    original.unlink()
    result = cli("validate")
    assert result.exit_code == 2
    assert "inputs/barometer/integrationsbarometer.xlsx:" in result.stderr
    assert "the workbook lists the sheet but its part is not in the file" in result.stderr
