"""The command line contract: help on every command, version, exit codes, error format, the lock, safe output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen import __version__
from reportgen.cli import cli as command
from reportgen.outputs import output_lock
from tests.conftest import edit_config, local_templates, pack_dir


def test_every_command_has_help_with_an_example() -> None:
    ctx = __import__("click").Context(command)
    for name in command.list_commands(ctx):
        sub = command.get_command(ctx, name)
        assert sub is not None and sub.help and "Example" in sub.help, f"{name} lacks help text with an example"
        result = CliRunner().invoke(command, [name, "--help"])
        assert result.exit_code == 0
        for param in sub.params:
            if isinstance(param, __import__("click").Option) and param.name != "help":
                assert param.help, f"{name} --{param.name} lacks help"


def test_version_and_help(cli) -> None:
    assert cli("--version").stdout.strip() == f"reportgen, version {__version__}"
    result = cli("--help")
    assert result.exit_code == 0 and "run" in result.stdout and "validate" in result.stdout


@pytest.mark.usefixtures("example")
def test_validate_the_example(cli) -> None:
    result = cli("validate")
    assert result.exit_code == 0, result.stderr
    assert "valid (0 errors" in result.stdout


@pytest.mark.usefixtures("example")
def test_unknown_committee_is_invalid_usage(cli) -> None:
    result = cli("run", "--committee", "XYZ")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "reportgen: error: --committee: unknown committee 'XYZ' (one of: AUU, UU, KFU, SU, ÆOU)"
    )


@pytest.mark.usefixtures("example")
def test_bad_date_option_is_invalid_usage(cli) -> None:
    result = cli("run", "--meeting", "10-03-2020")
    assert result.exit_code == 2 and "is not a date (expected YYYY-MM-DD" in result.stderr


@pytest.mark.usefixtures("example")
def test_missing_config_file(cli) -> None:
    result = cli("run", "--config", "nowhere.toml")
    assert result.exit_code == 2
    assert "reportgen: error: nowhere.toml: file not found (an existing reportgen.toml)" in result.stderr


def test_config_with_unknown_key(example: Path, cli) -> None:
    edit_config(example, "[privacy]\n", "[privacy]\nmask_names = true\n")
    result = cli("validate")
    assert result.exit_code == 2
    assert "reportgen: error: reportgen.toml:privacy.mask_names: unknown key 'privacy.mask_names'" in result.stderr


def test_meeting_and_dry_run_write_nothing(example: Path, cli) -> None:
    result = cli("run", "--meeting", "2020-03-10", "--committee", "AUU", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "Would write AUU meeting 2020-03-10 (as of 2020-03-10" in result.stdout
    assert not (example / "outputs").exists()


def test_explicit_today_sets_the_as_of_date(example: Path, cli) -> None:
    result = cli("run", "--committee", "AUU", "--meeting", "2020-03-10", "--today", "2019-06-30")
    assert result.exit_code == 0
    manifest = json.loads((pack_dir(example) / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["packs"][0]["as_of"] == "2019-06-30"


def test_a_second_run_gets_exit_3_and_is_told_who_holds_the_lock(example: Path, cli) -> None:
    root = pack_dir(example)
    with output_lock(root, "reportgen run (cron)"):
        result = cli("run", "--committee", "AUU")
    assert result.exit_code == 3
    assert "another run holds the lock" in result.stderr and "reportgen run (cron)" in result.stderr
    assert not list(root.glob("*-AUU"))
    assert cli("run", "--committee", "AUU").exit_code == 0  # released afterwards


def test_a_broken_template_writes_nothing_and_keeps_earlier_packs(example: Path, cli) -> None:
    assert cli("run", "--committee", "UU").exit_code == 0
    root = pack_dir(example)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".lock" not in p.name}
    local_templates(example)
    (example / "templates" / "bilag.xlsx").write_bytes(b"not a workbook")
    result = cli("run", "--committee", "UU")
    assert result.exit_code == 2
    assert "templates/bilag.xlsx: cannot open the template" in result.stderr
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".lock" not in p.name}
    assert after == before
    assert not list(root.glob(".staging-*"))


def add_to_status_template(example: Path, text: str) -> None:
    from docx import Document

    path = local_templates(example) / "status.docx"
    doc = Document(str(path))
    doc.add_paragraph(text)
    doc.save(str(path))


def test_a_template_with_an_unknown_variable_names_it(example: Path, cli) -> None:
    add_to_status_template(example, "{{ udvalgsformand }}")
    result = cli("run", "--committee", "UU")
    assert result.exit_code == 2
    assert (
        "templates/status.docx: the template uses an unknown variable: 'udvalgsformand' is undefined" in result.stderr
    )


@pytest.mark.usefixtures("example")
def test_internal_errors_are_short_unless_debug(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import reportgen.pipeline

    def boom(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(reportgen.pipeline, "run_packs", boom)
    result = cli("run")
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == "reportgen: error: internal error: RuntimeError: disk on fire (run again with --debug for the traceback)"
    )
    with pytest.raises(RuntimeError):
        cli("--debug", "run")


def test_without_a_config_here_the_shipped_example_runs_into_outputs_or_none_is_found(tmp_path: Path) -> None:
    """README: with no reportgen.toml in the working directory, ``reportgen run`` runs on the shipped example and
    writes to ./outputs. The shipped example is the source checkout's (its reportgen.toml beside the package); an
    installed package (a wheel) has none, so there the documented error for a missing configuration is expected."""
    import reportgen

    checkout = Path(reportgen.__file__).resolve().parent.parent
    shipped = (checkout / "reportgen.toml").is_file()

    def snapshot() -> dict[str, int]:
        """Every file under the checkout's own outputs folder, with its modification time."""
        return {str(p): p.stat().st_mtime_ns for p in (checkout / "outputs").rglob("*") if p.is_file()}

    before = snapshot()
    out = subprocess.run(
        [sys.executable, "-m", "reportgen", "run", "--committee", "ÆOU"], cwd=tmp_path, capture_output=True, text=True
    )
    if shipped:  # run from a source checkout (an editable install, or PYTHONPATH at the checkout)
        assert out.returncode == 0, out.stderr
        pack = tmp_path / "outputs" / "frederiksberg-integrationspolitikkens-handleplan-2019" / "2020-12-09-ÆOU"
        assert pack.is_dir()
        assert snapshot() == before  # nothing was written next to the shipped example
    else:  # an installed package: no example ships with it
        assert out.returncode == 2, out.stderr
        assert out.stderr.startswith(
            "reportgen: error: reportgen.toml: no configuration found "
            "(a reportgen.toml in the working directory or --config FILE)"
        ), out.stderr
        assert not (tmp_path / "outputs").exists()


def test_collect_writes_a_sheet_per_contact_that_reads_back(example: Path, cli) -> None:
    result = cli("collect", "--out", "ark", "--today", "2020-05-01")
    assert result.exit_code == 0, result.stderr
    files = sorted((example / "ark").glob("*.xlsx"))
    assert len(files) == 9
    from openpyxl import load_workbook

    ws = load_workbook(files[0])["Målinger"]
    assert [c.value for c in ws[4]] == ["Indsats", "Måling", "Periode", "Værdi", "Kommentar", "Nøgle"]
    assert ws.column_dimensions["F"].hidden  # the key the reader uses; Måling shows its Danish label
    assert ws.cell(row=5, column=3).value == "2020K2"


def test_a_broken_word_template_is_named(example: Path, cli) -> None:
    local_templates(example)
    (example / "templates" / "status.docx").write_bytes(b"PK\x03\x04 not really a docx")
    result = cli("run", "--committee", "UU")
    assert result.exit_code == 2
    assert "templates/status.docx: cannot read the template (" in result.stderr
    assert not (pack_dir(example) / "2020-12-09-UU").exists()


def test_a_template_with_bad_jinja_syntax_is_named(example: Path, cli) -> None:
    add_to_status_template(example, "{{ plan.title ")
    result = cli("run", "--committee", "UU")
    assert result.exit_code == 2 and "templates/status.docx: template syntax error:" in result.stderr


def test_collected_sheets_read_back_without_problems_once_filled(example: Path, cli) -> None:
    from openpyxl import load_workbook

    from reportgen.errors import ProblemLog
    from reportgen.pipeline import read_measurement_sheet as read_measurements
    from reportgen.plan import load_plan

    assert cli("collect", "--out", "ark", "--today", "2020-05-01").exit_code == 0
    plan = load_plan(example / "inputs" / "handleplan_2019.yaml")
    for path in sorted((example / "ark").glob("*.xlsx")):
        wb = load_workbook(path)
        ws = wb["Målinger"]
        for row in ws.iter_rows(min_row=5):
            row[3].value = 7
        wb.save(path)
        problems = ProblemLog()
        frame = read_measurements(path, path.name, plan, problems)
        assert problems.problems == [] and len(frame) > 0 and set(frame["period"]) == {"2020K2"}
    expected = {(i.id, m) for i in plan.initiatives for m in plan.measures(i)}
    seen = set()
    for path in (example / "ark").glob("*.xlsx"):
        seen |= {(str(r[0]), r[5]) for r in load_workbook(path)["Målinger"].iter_rows(min_row=5, values_only=True)}
    assert seen == expected  # exactly the measurements the criteria need, once each


@pytest.mark.usefixtures("example")
def test_without_a_meeting_each_committee_gets_its_next_meeting(cli) -> None:
    result = cli("run", "--dry-run", "--today", "2020-03-12")
    assert result.exit_code == 0
    lines = [line for line in result.stdout.splitlines() if line.startswith("Would write")]
    assert lines[0].startswith("Would write AUU meeting 2020-09-08 (as of 2020-03-12")
    assert any(line.startswith("Would write KFU meeting 2020-03-16") for line in lines)
    assert len(lines) == 5
