"""Economy exports: every variant reads to the same postings, or fails naming the line and column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reportgen.domain.accounts import account_matches, normalise_account
from reportgen.errors import ProblemLog
from reportgen.evaluate.economy import filter_mask
from reportgen.readers.economy import EconomyColumns, read_postings
from reportgen.readers.economy import EconomySettings as EconomyConfig
from tests.conftest import DATA

STANDARD = EconomyColumns(
    dato="Bogføringsdato", konto="Konto", projekt="Projekt", tekst="Posteringstekst", beloeb="Beløb"
)
VARIANTS = {
    "semikolon_cp1252.csv": STANDARD,
    "komma_utf8bom.csv": EconomyColumns(
        dato="Dato", konto="Kontonr", projekt="Aktivitet", tekst="Tekst", beloeb="Beløb kr."
    ),
    "tab_utf8.csv": EconomyColumns(),
    "titelrækker.xlsx": STANDARD,
    "tekstceller.xlsx": STANDARD,
}
EXPECTED_DATES = [
    dt.date(2019, 1, 15),
    dt.date(2019, 2, 28),
    dt.date(2019, 3, 31),
    dt.date(2019, 6, 30),
    dt.date(2019, 12, 31),
]
EXPECTED_OERE = [123450, 25000, -123450, 1500000, 100_000_000]  # amounts in øre, exact


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_every_variant_reads_to_the_same_postings(name: str) -> None:
    problems = ProblemLog()
    postings = read_postings(DATA / "economy" / name, name, EconomyConfig(columns=VARIANTS[name]), problems)
    assert problems.errors == []
    assert [d.date() for d in postings["dato"]] == EXPECTED_DATES
    assert postings["oere"].tolist() == EXPECTED_OERE
    assert postings["projekt"].tolist() == ["INT19-01", "INT19-01", "INT19-02", "", "INT19-02"]
    assert postings["konto"].str.startswith("5466").all()
    assert "tekst" not in postings.columns  # free text never leaves the reader


@pytest.mark.parametrize("name", ["semikolon_cp1252.csv", "titelrækker.xlsx"])
def test_a_trailing_total_row_is_skipped_with_a_warning(name: str) -> None:
    problems = ProblemLog()
    postings = read_postings(DATA / "economy" / name, name, EconomyConfig(columns=STANDARD), problems)
    assert len(postings) == 5 and postings["oere"].sum() == 101_525_000
    (warning,) = problems.warnings
    assert "total row skipped" in warning.message and warning.row == 10


def test_errors_name_the_line_and_column_and_every_bad_row() -> None:
    problems = ProblemLog()
    read_postings(DATA / "economy" / "fejl_linje57.csv", "fejl_linje57.csv", EconomyConfig(columns=STANDARD), problems)
    messages = [str(p) for p in problems.errors]
    assert (
        "fejl_linje57.csv:57:Beløb: '12,3,4' is not an amount (an amount in kr. with at most two decimals, such as 1.234,50, -1.234,50, 1.234,50- or (1.234,50))"
        in messages
    )
    assert (
        "fejl_linje57.csv:40:Bogføringsdato: '31-02-2019' is not a date (a date such as 31-12-2019, 31.12.2019 or 2019-12-31)"
        in messages
    )
    assert len(messages) == 2


def test_missing_columns_name_the_header_line(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("Titel\n\nBogføringsdato;Kto;Beløb\n01-01-2019;5.46.60;100\n", encoding="utf-8")
    problems = ProblemLog()
    read_postings(path, "x.csv", EconomyConfig(columns=STANDARD), problems)
    (error,) = problems.errors
    assert (
        str(error)
        == "x.csv:3: column 'Konto' (konto) not found in the header on line 3 (the column names set in [economy.columns] of reportgen.toml)"
    )


def test_no_header_at_all(cli, example: Path) -> None:
    bad = example / "inputs" / "economy" / "oekonomi_2019_2020.csv"
    bad.write_text("dette er ikke et udtræk\n1;2;3\n", encoding="cp1252")
    result = cli("run")
    assert result.exit_code == 2
    assert (
        "inputs/economy/oekonomi_2019_2020.csv: no header row with the columns 'Bogføringsdato' and 'Beløb' in the first 30 rows"
        in result.stderr
    )


def test_run_refuses_a_bad_amount_and_writes_nothing(example: Path, cli) -> None:
    path = example / "inputs" / "economy" / "oekonomi_2019_2020.csv"
    lines = path.read_bytes().decode("cp1252").split("\r\n")
    fields = lines[56].split(";")
    fields[4] = "12,3,4"
    lines[56] = ";".join(fields)
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    result = cli("run")
    assert result.exit_code == 2
    assert (
        "reportgen: error: inputs/economy/oekonomi_2019_2020.csv:57:Beløb: '12,3,4' is not an amount" in result.stderr
    )
    assert not (example / "outputs").exists()


@pytest.mark.parametrize(
    "account, digits",
    [
        ("5.46.61", "54661"),
        ("5.46.61.001", "54661001"),
        ("54661001", "54661001"),
        (" 5.46 ", "546"),
        (54661001.0, "54661001"),
    ],
)
def test_accounts_normalise_to_their_digits(account: object, digits: str) -> None:
    assert normalise_account(account) == digits


@pytest.mark.parametrize("bad", ["5.4.61", "abc", "5,46,61", "5.46.61.1"])
def test_malformed_accounts_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError):
        normalise_account(bad)


def test_an_account_filter_is_a_prefix_on_whole_levels() -> None:
    assert account_matches("54661001", ["5.46.61"])
    assert account_matches("54661", ["54661"])
    assert not account_matches("54660001", ["5.46.61"])
    assert not account_matches("5466", ["5.46.61"])


def test_filter_matches_projects_case_insensitively_or_accounts() -> None:
    problems = ProblemLog()
    postings = read_postings(DATA / "economy" / "tab_utf8.csv", "tab_utf8.csv", EconomyConfig(), problems)
    assert filter_mask(postings, ["int19-01"], []).tolist() == [True, True, False, False, False]
    assert filter_mask(postings, [], ["5.46.65"]).tolist() == [False, False, False, True, False]
    assert postings["antal"].tolist() == [1.0] * 5


def test_overlapping_exports_are_refused_rather_than_counted_twice(example: Path, cli) -> None:
    import shutil

    economy = example / "inputs" / "economy"
    shutil.copy(economy / "oekonomi_2019_2020.csv", economy / "oekonomi_2019_2020_kopi.csv")
    result = cli("validate")
    assert result.exit_code == 2
    assert (
        "inputs/economy/oekonomi_2019_2020_kopi.csv: 434 postings are also in inputs/economy/oekonomi_2019_2020.csv (the exports overlap from"
        in result.stderr
    )
    assert "remove the older one from the inputs folder" in result.stderr


def test_exports_of_separate_periods_add_up(tmp_path: Path) -> None:
    from reportgen.readers.economy import read_economy

    first, second = tmp_path / "h1.csv", tmp_path / "h2.csv"
    first.write_text("dato;konto;projekt;beloeb\n15-01-2019;5.46.60;P;100,00\n", encoding="utf-8")
    second.write_text("dato;konto;projekt;beloeb\n15-07-2019;5.46.60;P;100,00\n", encoding="utf-8")
    problems = ProblemLog()
    postings = read_economy([first, second], ["h1.csv", "h2.csv"], EconomyConfig(), problems)
    assert problems.errors == [] and postings["oere"].sum() == 20000
