"""The hostile corpus (``tests/data/hostile/generate.py``): every broken or malicious input gives its exit code and a
message naming the place, never an internal error; nothing is written on bad input; the zip bombs and the alias bomb
are refused in under 500 MB (measured in a child process).

How fast a refusal comes is not measured here (it depends on the machine): the limits are the code's own (input
sizes, the zip-bomb checks, the bounded plan loader), and what is checked is that they refuse, with their exit code
and message."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.data.hostile.generate import CASES, Case

MEMORY_CHECKED = {"economy-zip-bomb", "economy-huge-shared-string", "plan-alias-bomb", "plan-nesting-500"}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_hostile_input_gives_its_exit_code_and_message(case: Case, example: Path, cli) -> None:
    case.apply(example)
    outputs = example / "outputs"
    before = sorted(p.name for p in outputs.iterdir()) if outputs.is_dir() else None
    for args in (("validate",), ("run", "--committee", "AUU", "--meeting", "2020-03-10")):
        result = cli(*args)
        text = result.stdout + result.stderr
        assert "internal error" not in text and "Traceback" not in text, text
        assert result.exit_code == case.exit_code, (args, text)
        assert case.message in (result.stderr if case.exit_code else text), (args, text)
        if case.exit_code == 2:
            after = sorted(p.name for p in outputs.iterdir()) if outputs.is_dir() else None
            assert after == before, "nothing is written on bad input"
            assert all(len(line) < 700 for line in result.stderr.splitlines()), "messages are cut to a readable length"


def safety_net() -> None:
    """Run in the child before it starts: a bomb the code failed to refuse is stopped by the kernel instead of
    hanging or swapping the machine running the tests. The limits are generous on purpose; they are a safety net,
    not what is measured (that is the child's peak memory, below)."""
    resource.setrlimit(resource.RLIMIT_CPU, (600, 600))  # CPU seconds, not wall time: a busy machine does not count
    resource.setrlimit(resource.RLIMIT_AS, (8 * 1024**3, 8 * 1024**3))  # address space, far above the 500 MB checked


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.name in MEMORY_CHECKED], ids=[c.name for c in CASES if c.name in MEMORY_CHECKED]
)
def test_a_bomb_is_refused_in_bounded_memory(case: Case, example: Path) -> None:
    case.apply(example)
    probe = (
        "import resource, subprocess, sys, json\n"
        "p = subprocess.run([sys.executable, '-m', 'reportgen', 'validate'], capture_output=True, text=True)\n"
        "print(json.dumps([p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.stderr]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=example, check=True, preexec_fn=safety_net
    )
    code, max_rss_kb, stderr = json.loads(out.stdout)
    assert code == 2, stderr
    assert max_rss_kb < 500 * 1024, f"{max_rss_kb / 1024:.0f} MB"


def test_a_sheet_whose_dimension_understates_it_is_read_to_its_last_row(example: Path) -> None:
    from reportgen.errors import ProblemLog
    from reportgen.readers.economy import EconomyColumns, EconomySettings, read_postings
    from tests.data.hostile.generate import understated_dimension

    understated_dimension(example)
    columns = EconomyColumns(
        dato="Bogføringsdato", konto="Konto", projekt="Projekt", tekst="Posteringstekst", beloeb="Beløb"
    )
    problems = ProblemLog()
    path = example / "inputs" / "economy" / "ekstra.xlsx"
    postings = read_postings(path, "ekstra.xlsx", EconomySettings(columns=columns), problems)
    assert len(postings) == 300 and int(postings["oere"].sum()) == 300 * 100, problems.problems


def test_a_windows_1252_export_whose_first_64_kb_are_ascii_is_read_as_windows_1252(tmp_path: Path) -> None:
    from reportgen.readers.tables import read_csv_rows

    path = tmp_path / "x.csv"
    path.write_bytes(("a;b\n" + "x;1\n" * 20000 + "Løn;2\n").encode("cp1252"))
    rows, encoding, _ = read_csv_rows(path, "x.csv")
    assert encoding == "cp1252" and rows[-1] == ["Løn", "2"]


def test_openpyxl_parses_with_defusedxml() -> None:
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML  # entity expansion and external entities are refused by the parser itself


def test_strict_privacy_refuses_to_publish_and_names_the_place_not_the_number(example: Path, cli) -> None:
    from tests.test_privacy_and_escaping import FAKE_CPR, set_comment

    set_comment(example, f"Borger {FAKE_CPR} afsluttede")
    result = cli("run", "--committee", "AUU", "--strict-privacy")
    assert result.exit_code == 2
    assert "målingsark: indsats 4, kriterie 4.1: holds a CPR number" in result.stderr
    assert FAKE_CPR not in result.stdout + result.stderr and "0101901235" not in result.stderr
    assert not (example / "outputs").exists()
    assert cli("run", "--committee", "AUU").exit_code == 0  # without the flag: masked, reported, published


def test_a_document_beyond_the_size_limit_is_an_error_never_cut_short(
    example: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportgen.render import word

    monkeypatch.setattr(word, "MAX_DOCUMENT_BYTES", 50_000)
    result = cli("run", "--committee", "AUU")
    assert result.exit_code == 2 and "the rendered document would be" in result.stderr, result.stderr
    assert not list((example / "outputs").rglob("*.docx"))


@pytest.mark.parametrize(
    "errno_, reason", [(28, "No space left on device"), (30, "Read-only file system"), (13, "Permission denied")]
)
def test_an_environment_failure_says_path_and_reason_and_keeps_the_earlier_packs(
    errno_: int, reason: str, example: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportgen.outputs import files, publishing

    assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10").exit_code == 0
    before = {p: p.read_bytes() for p in (example / "outputs").rglob("*.docx")}
    real = files.atomic_write_text

    def failing(target: Path, text: str) -> None:
        if target.name == "manifest.json":
            raise OSError(errno_, reason, str(target))
        real(target, text)

    monkeypatch.setattr(publishing, "atomic_write_text", failing)
    result = cli("run", "--committee", "AUU", "--meeting", "2020-03-10")
    assert result.exit_code == 2, result.stderr
    assert reason in result.stderr and "manifest.json" in result.stderr and "internal error" not in result.stderr
    assert {p: p.read_bytes() for p in (example / "outputs").rglob("*.docx")} == before
