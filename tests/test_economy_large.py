"""A large economy export (200.000 rows, Windows-1252): every error names its line, the totals are exact to the øre,
and the two ways a CSV is read (Arrow for files of one row per line, the csv module for quoted cells) agree."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest

from reportgen.errors import ProblemLog
from reportgen.evaluate.economy import monthly_groups
from reportgen.readers.economy import EconomyColumns, EconomySettings, read_postings

ROWS = 200_000
COLUMNS = EconomyColumns(dato="Bogføringsdato", konto="Konto", projekt="Projekt", tekst="Tekst", beloeb="Beløb")
FORMS = ("{d:02d}-{m:02d}-{y}", "{d:02d}.{m:02d}.{y}", "{d}/{m}/{y}", "{y}-{m:02d}-{d:02d}")
Expected = dict[tuple[str, int], list[int]]
TITLE_LINES = 3  # a title, the extraction line, a blank line; the header is line 4


def amount(oere: int) -> str:
    whole, frac = divmod(abs(oere), 100)
    return f"{whole:,}".replace(",", ".") + f",{frac:02d}" + ("-" if oere < 0 else "")


def export(
    folder: Path, *, rows: int = ROWS, quoted: bool = False, bad: dict[int, tuple[str, str]] | None = None
) -> tuple[Path, Expected]:
    """The export and what it holds: {line: (kind, cell)} of the planted bad cells, the sum and count per
    (project, month) of its good postings, in øre."""
    rng = random.Random(18)  # noqa: S311 - test data, not secrets
    bad = bad or {}
    lines = ["Posteringsudtræk – Jobcenter", "Udtrukket 02-01-2021", "", "Bogføringsdato;Konto;Projekt;Tekst;Beløb"]
    expected: Expected = {}
    for _ in range(rows):
        line = len(lines) + 1
        y, m, d = rng.choice((2019, 2020)), rng.randint(1, 12), rng.randint(1, 28)
        oere = rng.randint(-50_000, 2_000_000)
        project = f"INT19-{rng.randint(1, 12):02d}"
        text = '"Tolk; Århus"' if quoted else "Tolk Århus"
        date, money = rng.choice(FORMS).format(d=d, m=m, y=y), amount(oere)
        if line in bad:
            kind, cell = bad[line]
            date, money = (cell, money) if kind == "dato" else (date, cell)
        else:
            entry = expected.setdefault((project, y * 100 + m), [0, 0])
            entry[0] += oere
            entry[1] += 1
        lines.append(f"{date};5.46.61.00{rng.randint(1, 9)};{project};{text};{money}")
        if line == rows // 2:
            lines.append("")  # a blank line: no row, but a line an editor counts
    lines.append("I alt;;;;123.456.789,00")
    path = folder / ("quoted.csv" if quoted else "export.csv")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path, expected


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Expected]:
    bad = {190_004: ("beloeb", "12,3,4"), 199_999: ("dato", "31-02-2020"), 150_000: ("beloeb", "1.23")}
    return export(tmp_path_factory.mktemp("large"), bad=bad)


def test_every_error_names_its_line_in_a_large_export(planted: tuple[Path, Expected]) -> None:
    path, _expected = planted
    problems = ProblemLog()
    read_postings(path, path.name, EconomySettings(columns=COLUMNS), problems)
    found = sorted((p.row, p.column, p.message) for p in problems.errors)
    # line 150.000 is above the blank line (after row 100.000), the others below it
    assert found == [
        (150_000, "Beløb", "'1.23' is not an amount"),
        (190_004, "Beløb", "'12,3,4' is not an amount"),
        (199_999, "Bogføringsdato", "'31-02-2020' is not a date"),
    ]
    assert [(w.row, w.message) for w in problems.warnings] == [
        (ROWS + TITLE_LINES + 3, "total row skipped (not counted as a posting)")
    ]


def test_a_large_export_sums_to_the_oere(planted: tuple[Path, Expected]) -> None:
    path, expected = planted
    problems = ProblemLog()
    postings = read_postings(path, path.name, EconomySettings(columns=COLUMNS), problems)
    good = postings[postings["dato"].notna() & ~postings["line"].isin([150_000, 190_004, 199_999])]
    groups = monthly_groups(good).groupby(["projekt", "month"])[["oere", "n"]].sum()
    got = {(str(k[0]), int(k[1])): [int(r.oere), int(r.n)] for k, r in groups.iterrows() if isinstance(k, tuple)}
    assert got == expected
    assert postings["oere"].dtype == "int64" and len(postings) == ROWS  # malformed rows are kept, and reported


def test_quoted_cells_are_read_the_same_way(tmp_path: Path) -> None:
    bad = {10_000: ("beloeb", "abc"), 49_000: ("dato", "2019-13-01")}
    plain, _ = export(tmp_path, rows=50_000, bad=bad)
    quoted, _ = export(tmp_path, rows=50_000, quoted=True, bad=bad)
    results = []
    for path in (plain, quoted):
        problems = ProblemLog()
        frame = read_postings(path, "x.csv", EconomySettings(columns=COLUMNS), problems)
        frame["konto"], frame["projekt"] = frame["konto"].astype(str), frame["projekt"].astype(str)
        results.append((frame, [(p.row, p.message) for p in problems.errors + problems.warnings]))
    pd.testing.assert_frame_equal(results[0][0], results[1][0])
    assert results[0][1] == results[1][1] and len(results[0][1]) == 3


@pytest.mark.parametrize("body", ["", "\r\n\r\n", "  \r\n;;;;\r\n"])
def test_a_header_without_postings_is_an_empty_export(tmp_path: Path, body: str) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(("Bogføringsdato;Konto;Projekt;Tekst;Beløb\r\n" + body).encode("cp1252"))
    problems = ProblemLog()
    postings = read_postings(path, path.name, EconomySettings(columns=COLUMNS), problems)
    assert postings.empty and problems.errors == [] and problems.warnings == []
