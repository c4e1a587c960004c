"""Every input error path: exit code 2 (or the exception), the location and what was expected."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from reportgen.errors import InputError, ProblemLog
from reportgen.pipeline import read_measurement_sheet as read_measurements
from reportgen.readers.economy import EconomyColumns, read_postings
from reportgen.readers.economy import EconomySettings as EconomyConfig
from reportgen.readers.indicators import BarometerColumns, read_barometer, read_indicators
from reportgen.readers.indicators import BarometerFileSettings as BarometerFile
from reportgen.readers.indicators import BarometerSettings as BarometerConfig
from tests.conftest import REPO, edit_config

STANDARD = EconomyColumns(
    dato="Bogføringsdato", konto="Konto", projekt="Projekt", tekst="Posteringstekst", beloeb="Beløb"
)


def errors_of(read: Callable[[ProblemLog], object]) -> str:
    """What a reader reports: the InputError it raises, or the errors it collected."""
    problems = ProblemLog()
    try:
        read(problems)
    except InputError as exc:
        return str(exc)
    return "\n".join(str(p) for p in problems.errors)


def economy_error(path: Path) -> str:
    return errors_of(lambda problems: read_postings(path, path.name, EconomyConfig(columns=STANDARD), problems))


def test_a_csv_row_with_too_many_fields(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(
        "Bogføringsdato;Konto;Projekt;Posteringstekst;Beløb\n01-01-2019;5.46.60;P;t;1,00\n02-01-2019;5.46.60;P;t;1,00;9;9\n",
        encoding="utf-8",
    )
    message = economy_error(path)
    assert (
        message.startswith("x.csv:3: the row has 7 fields, the header 5") and "(5 fields as in the header;" in message
    )


def test_an_export_whose_encoding_changes_half_way(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    head = "Bogføringsdato;Konto;Projekt;Posteringstekst;Beløb\n".encode()
    rows = b"".join(b"01-01-2019;5.46.60;P;tekst;1,00\n" for _ in range(3000))
    path.write_bytes(head + rows + "01-01-2019;5.46.60;P;Løn;1,00\n".encode("cp1252"))
    message = economy_error(path)
    assert (
        message.startswith("x.csv:3002: cannot decode the file as utf-8")
        and "(one encoding for the whole file: UTF-8 or Windows-1252)" in message
    )


def test_a_workbook_without_the_configured_header(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Dato", "Beløb"])
    path = tmp_path / "x.xlsx"
    wb.save(path)
    assert economy_error(path) == (
        "x.xlsx: no sheet has a header row with the columns 'Bogføringsdato' and 'Beløb' "
        "(the column names set in [economy.columns] of reportgen.toml)"
    )


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"plain text, not a workbook")
    assert economy_error(path).startswith("x.xlsx: cannot open the workbook (")


def test_more_bad_rows_than_are_listed_end_with_a_count(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(
        "Bogføringsdato;Konto;Projekt;Posteringstekst;Beløb\n" + "01-01-2019;5.46.60;P;t;mange\n" * 25, encoding="utf-8"
    )
    problems = ProblemLog()
    read_postings(path, "x.csv", EconomyConfig(columns=STANDARD), problems)
    assert len(problems.errors) == 21
    assert (
        str(problems.errors[-1])
        == "x.csv::Beløb: 5 more rows in column 'Beløb': is not an amount (an amount in kr. with at most two decimals, such as 1.234,50, -1.234,50, 1.234,50- or (1.234,50))".replace(
            "x.csv::", "x.csv:"
        )
    )


def barometer_error(path: Path, config: BarometerConfig | None = None) -> str:
    return errors_of(lambda problems: read_barometer(path, path.name, config or BarometerConfig(), problems))


def test_a_wide_table_without_an_indicator_key(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("Kommune;2019\nFrederiksberg;1\n", encoding="utf-8")
    assert barometer_error(path).startswith(
        "x.csv:1: no indicator key for this table (a row 'Indikator: <key>' above the header"
    )


def test_configured_columns_that_are_not_there(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("OMRÅDE;TID;INDHOLD\nFrederiksberg;2019;1\n", encoding="utf-8")
    config = BarometerConfig(
        files={
            "x.csv": BarometerFile(
                columns=BarometerColumns(area="OMRÅDE", indicator="OVERTRÆD", period="TID", value="INDHOLD")
            )
        }
    )
    assert barometer_error(path, config).startswith(
        "x.csv: no header row with the configured columns 'OMRÅDE', 'OVERTRÆD', 'TID', 'INDHOLD'"
    )


def test_a_configured_sheet_that_does_not_exist(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Data"
    path = tmp_path / "x.xlsx"
    wb.save(path)
    config = BarometerConfig(files={"x.xlsx": BarometerFile(sheet="Tal", indicator="x")})
    assert barometer_error(path, config) == "x.xlsx: no sheet named 'Tal' (one of: Data)"


def test_an_unsupported_file_type(tmp_path: Path) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF")
    assert barometer_error(path) == "x.pdf: unsupported file type '.pdf' (.xlsx or .csv)"


def test_a_long_table_without_an_indicator(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("kommune;periode;værdi\nFrederiksberg;2019;1\n", encoding="utf-8")
    assert "no indicator column and no indicator key" in barometer_error(path)


def test_two_files_disagreeing_on_the_same_figure(tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("Indikator: job\nKommune;2019\nFrederiksberg;41\n", encoding="utf-8")
    second.write_text("Indikator: job\nKommune;2019\nFrederiksberg;42\n", encoding="utf-8")
    problems = ProblemLog()
    read_indicators([first, second], ["a.csv", "b.csv"], BarometerConfig(), problems)
    (error,) = problems.errors
    assert (
        str(error)
        == "a.csv: indicator 'job' has 2 different values for area 147 in 2019 (also in b.csv) (one value per indicator, area and period)"
    )


def test_a_measurement_sheet_without_its_header(tmp_path: Path) -> None:
    from reportgen.plan import load_plan

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Målinger"
    ws.append(["Initiativ", "Tal"])
    path = tmp_path / "m.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as info:
        read_measurements(path, "m.xlsx", load_plan(REPO / "inputs" / "handleplan_2019.yaml"), ProblemLog())
    assert (
        str(info.value)
        == "m.xlsx:Målinger: no header row with the columns Indsats, Måling, Periode, Værdi (the header Indsats, Måling, Periode, Værdi, Kommentar)"
    )


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("[output]\n", "[output\n", "reportgen.toml:18: invalid TOML"),
        (
            "municipality = 147",
            "municipality = 101",
            "reportgen.toml:municipality: municipality 101 differs from the plan's (147)",
        ),
        (
            'committee = "AUU"\ndate = 2019-09-10',
            'committee = "BIU"\ndate = 2019-09-10',
            "committee 'BIU' is not in the plan (one of: AUU, UU, KFU, SU, ÆOU)",
        ),
        (
            "municipality = 147",
            'municipality = "Frederiksborg"',
            "reportgen.toml:municipality: 'Frederiksborg' is not a Danish municipality",
        ),
        ('annual = "01-15"', 'annual = "15-01"', "reportgen.toml:schedule.annual: '15-01' is not a month and day"),
        (
            'security = "none"',
            'security = "tls"',
            "reportgen.toml:smtp.security: Input should be 'none', 'starttls' or 'ssl'",
        ),
    ],
)
def test_config_errors(example: Path, cli, old: str, new: str, message: str) -> None:
    edit_config(example, old, new)
    result = cli("validate")
    assert result.exit_code == 2
    assert message in result.stderr


def test_a_config_that_is_not_utf8(example: Path, cli) -> None:
    (example / "reportgen.toml").write_bytes('plan = "handleplan_æ.yaml"\n'.encode("cp1252"))
    result = cli("validate")
    assert result.exit_code == 2 and "reportgen.toml: not UTF-8 text (a TOML file saved as UTF-8)" in result.stderr


def test_a_plan_that_is_not_utf8(example: Path, cli) -> None:
    path = example / "inputs" / "handleplan_2019.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252", errors="replace"))
    result = cli("validate")
    assert result.exit_code == 2 and "inputs/handleplan_2019.yaml: not UTF-8 text" in result.stderr


def test_a_missing_plan_file(example: Path, cli) -> None:
    (example / "inputs" / "handleplan_2019.yaml").unlink()
    result = cli("run")
    assert (
        result.exit_code == 2 and "inputs/handleplan_2019.yaml: file not found (an existing YAML file)" in result.stderr
    )


def test_a_committee_without_meetings_needs_a_date(example: Path, cli) -> None:
    text = (example / "reportgen.toml").read_text(encoding="utf-8")
    (example / "reportgen.toml").write_text(
        text.split("# The committees' meeting calendar")[0] + '\n[smtp]\nhost = "localhost"\n', encoding="utf-8"
    )
    result = cli("run", "--committee", "UU")
    assert result.exit_code == 2
    assert (
        "--committee: committee 'UU' has no meeting in the calendar (--meeting DATE, or [[meetings]] in reportgen.toml)"
        in result.stderr
    )
    assert cli("run", "--committee", "UU", "--meeting", "2020-03-11").exit_code == 2  # not a calendar meeting
    assert cli("run", "--committee", "UU", "--meeting", "2020-03-11", "--unscheduled").exit_code == 0
    # no calendar at all (a new municipality): a bare run builds the current year's annual follow-up (the plan's
    # last year, as today is after the plan)
    result = cli("run")
    assert result.exit_code == 0 and "årlig status 2020" in result.stdout


@pytest.mark.parametrize("year", ["2017", "2023"])
@pytest.mark.usefixtures("example")
def test_an_annual_year_outside_the_plan(cli, year: str) -> None:
    result = cli("run", "--annual", year)
    assert (
        result.exit_code == 2
        and f"--annual: {year} is outside the plan period (a year from 2019 to 2020)" in result.stderr
    )
