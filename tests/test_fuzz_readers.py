"""Fuzzing every reader: random input and near-valid input (a real fixture with bytes, lines or cells changed).
Each reader may only succeed or raise ``InputError``; anything else would reach a user as an internal error.

The number of examples per reader is ``FUZZ_EXAMPLES`` (default 60, so ``make test`` stays fast); set it higher to
search longer: ``FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest tests/test_fuzz_readers.py``. How many inputs each
reader read or refused: add ``--hypothesis-show-statistics``.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from reportgen.config import load_config
from reportgen.errors import InputError, ProblemLog
from reportgen.plan import load_plan
from reportgen.readers.economy import EconomyColumns, EconomySettings, read_postings
from reportgen.readers.indicators import BarometerSettings, read_barometer
from reportgen.readers.measurements import MeasurementSettings, read_measurements
from tests.conftest import DATA, REPO

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)

MUTATION_CHARS = st.sampled_from(list(";,\t\"'\n\r -.%()0123456789aæøåÆØÅxX\x00\x0b\ufeff€kr"))


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """``text`` with a few characters replaced, inserted or deleted, or a few lines dropped or doubled."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(0, 3))):
        change_lines = draw(st.booleans())
        if lines and change_lines:
            i = draw(st.integers(0, len(lines) - 1))
            if draw(st.booleans()):
                lines.insert(i, lines[i])
            else:
                lines.pop(i)
    out = list("".join(lines))
    for _ in range(draw(st.integers(1, 8))):
        if not out:
            break
        i = draw(st.integers(0, len(out) - 1))
        action = draw(st.sampled_from(["replace", "insert", "delete"]))
        if action == "delete":
            out.pop(i)
        elif action == "insert":
            out.insert(i, draw(MUTATION_CHARS))
        else:
            out[i] = draw(MUTATION_CHARS)
    return "".join(out)


def raw_bytes() -> st.SearchStrategy[bytes]:
    return st.one_of(st.binary(max_size=2000), st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b))


CELLS = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30),  # what Excel itself can store
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.sampled_from(
        ["31-02-2019", "1.234,50", "(12,00)", "2019K3", "Frederiksberg", "..", "Opfyldt", "=1+1", "x" * 300]
    ),
)


@st.composite
def workbook(draw: st.DrawFn, header: list[str], title: str = "Sheet") -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for row in draw(st.lists(st.lists(CELLS, max_size=8), max_size=6)):
        ws.append(row)
    if draw(st.booleans()):
        ws.append(header)
    for row in draw(st.lists(st.lists(CELLS, min_size=len(header), max_size=len(header) + 2), max_size=12)):
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@st.composite
def mutated_workbook(draw: st.DrawFn, data: bytes) -> bytes:
    """A real workbook with a slice of one of its XML parts replaced."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    name = draw(st.sampled_from(sorted(n for n in parts if n.endswith(".xml"))))
    body = parts[name]
    i = draw(st.integers(0, max(0, len(body) - 1)))
    j = draw(st.integers(i, min(len(body), i + 40)))
    parts[name] = body[:i] + draw(st.binary(max_size=20)) + body[j:]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for part, content in parts.items():
            zf.writestr(part, content)
    return buffer.getvalue()


def check(reader: str, data: bytes, suffix: str, read: Callable[[Path], Any]) -> None:
    """Write ``data`` to a file and read it: success or InputError, nothing else."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            read(path)
        except InputError as exc:
            assert exc.problems and all(p.message for p in exc.problems)
            event(f"{reader}: refused")
        else:
            event(f"{reader}: read")


# the columns of the shipped export and of the XLSX fixture (``titelrækker.xlsx``)
STANDARD = EconomyColumns(
    dato="Bogføringsdato", konto="Konto", projekt="Projekt", tekst="Posteringstekst", beloeb="Beløb"
)


def economy(path: Path) -> int:
    return len(read_postings(path, path.name, EconomySettings(), ProblemLog()))


def economy_standard(path: Path) -> int:
    return len(read_postings(path, path.name, EconomySettings(columns=STANDARD), ProblemLog()))


def barometer(path: Path) -> int:
    return len(read_barometer(path, path.name, BarometerSettings(), ProblemLog()))


def measurements(path: Path) -> int:
    return len(
        read_measurements(path, path.name, MeasurementSettings(area=147, keys={"4": ["gennemfoert"]}), ProblemLog())
    )


def plan(path: Path) -> int:
    return len(load_plan(path, path.name).initiatives)


ECONOMY_CSV = (DATA / "economy" / "tab_utf8.csv").read_text(encoding="utf-8")
BAROMETER_CSV = (DATA / "barometer" / "lang.csv").read_text(encoding="utf-8")
PLAN_TEXT = (REPO / "inputs" / "handleplan_2019.yaml").read_text(encoding="utf-8")
CONFIG_TEXT = (REPO / "reportgen.toml").read_text(encoding="utf-8")
ECONOMY_XLSX = (DATA / "economy" / "titelrækker.xlsx").read_bytes()
BAROMETER_XLSX = (DATA / "barometer" / "bred.xlsx").read_bytes()
SHEET_XLSX = next((REPO / "inputs" / "maalinger").glob("*ungecentret*.xlsx")).read_bytes()
ENCODINGS = st.sampled_from(["utf-8", "cp1252", "utf-8-sig"])


@FUZZ
@given(st.one_of(raw_bytes(), st.tuples(mutated(ECONOMY_CSV), ENCODINGS).map(lambda t: t[0].encode(t[1], "replace"))))
def test_economy_csv(data: bytes) -> None:
    check("economy CSV", data, ".csv", economy)


@FUZZ
@given(
    st.one_of(
        raw_bytes(),
        workbook(["Bogføringsdato", "Konto", "Projekt", "Posteringstekst", "Beløb"]),
        mutated_workbook(ECONOMY_XLSX),
    )
)
def test_economy_xlsx(data: bytes) -> None:
    check("economy XLSX", data, ".xlsx", economy_standard)


@FUZZ
@given(st.one_of(raw_bytes(), st.tuples(mutated(BAROMETER_CSV), ENCODINGS).map(lambda t: t[0].encode(t[1], "replace"))))
def test_indicator_csv(data: bytes) -> None:
    check("indicator CSV", data, ".csv", barometer)


@FUZZ
@given(st.one_of(raw_bytes(), workbook(["Kommune", "2018", "2019"]), mutated_workbook(BAROMETER_XLSX)))
def test_indicator_xlsx(data: bytes) -> None:
    check("indicator XLSX", data, ".xlsx", barometer)


@FUZZ
@given(
    st.one_of(
        raw_bytes(),
        workbook(["Indsats", "Måling", "Periode", "Værdi", "Kommentar"], title="Målinger"),
        mutated_workbook(SHEET_XLSX),
    )
)
def test_measurement_sheet(data: bytes) -> None:
    check("measurement sheet", data, ".xlsx", measurements)


ASSESSMENT_CELLS = st.one_of(
    CELLS,
    st.text(st.characters(exclude_categories=["Cs"]), max_size=1600),  # control characters and over the limit
    st.sampled_from(["4", "Indsats 4", "4.0", "2020K4", "010190-1235", "x " * 800, "Godt på vej.\nMere."]),
)


@st.composite
def assessment_workbook(draw: st.DrawFn) -> bytes:
    """A measurement workbook whose ``Vurdering`` sheet has random rows (under its header or not)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Målinger"
    ws.append(["Indsats", "Måling", "Periode", "Værdi", "Kommentar"])
    judged = wb.create_sheet("Vurdering")
    if draw(st.booleans()):
        judged.append(["Indsats", "Titel", "Periode", "Vurdering"])
    for row in draw(st.lists(st.lists(ASSESSMENT_CELLS, min_size=4, max_size=5), max_size=8)):
        try:
            judged.append(row)
        except IllegalCharacterError:  # a character openpyxl cannot store (it refuses it, as Excel does)
            event("assessment sheet: unstorable cell")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@FUZZ
@given(st.one_of(assessment_workbook(), mutated_workbook(SHEET_XLSX)))
def test_assessment_sheet(data: bytes) -> None:
    check("assessment sheet", data, ".xlsx", measurements)


@FUZZ
@given(st.one_of(raw_bytes(), mutated(PLAN_TEXT).map(lambda t: t.encode("utf-8", "replace"))))
def test_plan(data: bytes) -> None:
    check("plan YAML", data, ".yaml", plan)


@FUZZ
@given(st.one_of(raw_bytes(), mutated(CONFIG_TEXT).map(lambda t: t.encode("utf-8", "replace"))))
def test_config(data: bytes) -> None:
    check("config TOML", data, ".toml", lambda path: load_config(path))


@pytest.mark.parametrize(
    ("data", "suffix", "read"),
    [
        (ECONOMY_CSV.encode("utf-8"), ".csv", economy),
        (ECONOMY_XLSX, ".xlsx", economy_standard),
        (BAROMETER_CSV.encode("utf-8"), ".csv", barometer),
        (BAROMETER_XLSX, ".xlsx", barometer),
        (SHEET_XLSX, ".xlsx", measurements),
        (PLAN_TEXT.encode("utf-8"), ".yaml", plan),
    ],
    ids=["economy CSV", "economy XLSX", "indicator CSV", "indicator XLSX", "measurement sheet", "plan YAML"],
)
def test_the_fuzzers_start_from_inputs_the_readers_accept(
    data: bytes, suffix: str, read: Callable[[Path], int], tmp_path: Path
) -> None:
    """The near-valid inputs are mutations of these: were the originals refused, the fuzzers would only ever try the
    refusal path, not the reading one."""
    path = tmp_path / f"original{suffix}"
    path.write_bytes(data)
    assert read(path) > 0  # rows (or initiatives) read; InputError if refused


def test_the_config_fuzzer_starts_from_a_config_that_loads(example: Path) -> None:
    """The shipped config refers to its plan and inputs, so it is loaded where they are."""
    (example / "reportgen.toml").write_text(CONFIG_TEXT, encoding="utf-8")
    config = load_config(example / "reportgen.toml")
    assert config.plan_path == example / "inputs" / "handleplan_2019.yaml"
