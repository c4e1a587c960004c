"""`reportgen init`: a new municipality's folder that validates and runs at once, with sample data marked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from reportgen.pipeline.inputs import load_plan_file


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_new_folder_validates_and_runs_at_once(here: Path, cli: Callable[..., Result]) -> None:
    result = cli("init", "vejle", "--municipality", "Vejle")
    assert result.exit_code == 0, result.output
    folder = here / "vejle"
    for name in (
        "reportgen.toml",
        "handleplan.xlsx",
        "README.md",
        "inputs/economy/README.md",
        "inputs/barometer/README.md",
        "inputs/maalinger/README.md",
    ):
        assert (folder / name).is_file(), name
    samples = sorted(p.name for p in folder.glob("inputs/*/EKSEMPELDATA-*"))
    assert len(samples) == 3, samples
    plan = load_plan_file(folder / "handleplan.xlsx", "handleplan.xlsx")
    assert plan.municipality_code == 630
    config = (folder / "reportgen.toml").read_text(encoding="utf-8")
    assert "municipality = 630" in config and "Provinsbykommuner" in config and "[[fetch.statbank]]" in config
    result = cli("--quiet", "validate", "--config", str(folder / "reportgen.toml"))
    assert result.exit_code == 0, result.stderr
    result = cli("run", "--config", str(folder / "reportgen.toml"))
    assert result.exit_code == 0, result.stderr
    assert list((folder / "outputs").glob("*/aarsstatus-*/aarsstatus-*.docx"))


def test_a_misspelt_municipality_gets_a_suggestion_and_nothing_is_written(
    here: Path, cli: Callable[..., Result]
) -> None:
    result = cli("init", "vejle", "--municipality", "Vejel")
    assert result.exit_code == 2
    assert "did you mean 'Vejle'" in result.stderr
    assert not (here / "vejle").exists()


def test_a_folder_in_use_is_refused(here: Path, cli: Callable[..., Result]) -> None:
    (here / "kommune").mkdir()
    (here / "kommune" / "reportgen.toml").write_text("# ours\n", encoding="utf-8")
    result = cli("init", "kommune", "--municipality", "630")
    assert result.exit_code == 2
    assert "not empty" in result.stderr
    assert (here / "kommune" / "reportgen.toml").read_text(encoding="utf-8") == "# ours\n"
    assert len(list((here / "kommune").iterdir())) == 1


def test_a_yaml_plan_on_request(here: Path, cli: Callable[..., Result]) -> None:
    result = cli("init", "aero", "--municipality", "Ærø", "--plan-format", "yaml")
    assert result.exit_code == 0, result.output
    folder = here / "aero"
    assert (folder / "handleplan.yaml").is_file() and not (folder / "handleplan.xlsx").exists()
    assert 'plan = "handleplan.yaml"' in (folder / "reportgen.toml").read_text(encoding="utf-8")
    assert cli("--quiet", "validate", "--config", str(folder / "reportgen.toml")).exit_code == 0


def _criterion_rows(folder: Path) -> dict[str, str]:
    import docx

    (report,) = list((folder / "outputs").glob("*/aarsstatus-*/aarsstatus-*.docx"))
    rows: dict[str, str] = {}
    for table in docx.Document(str(report)).tables:
        for row in table.rows:
            cells = [c.text for c in row.cells]
            rows.setdefault(cells[0], " | ".join(cells))
    return rows


def test_a_benchmark_against_the_kommunegruppe(here: Path, cli: Callable[..., Result]) -> None:
    """The group's own figure when the file has it; else the average of the group's other municipalities."""
    assert cli("init", "vejle", "--municipality", "Vejle").exit_code == 0
    folder = here / "vejle"
    config = str(folder / "reportgen.toml")
    assert cli("run", "--config", config).exit_code == 0
    row = _criterion_rows(folder)["2.3"]
    assert "kommunegruppen (Provinsbykommuner)" in row and "i kommunegruppen Provinsbykommuner" in row
    sample = folder / "inputs" / "barometer" / "EKSEMPELDATA-indikatorer.csv"
    text = sample.read_text(encoding="utf-8").splitlines()
    group = next(i for i, line in enumerate(text) if line.startswith("Provinsbykommuner;"))
    text[group : group + 1] = ["Horsens;40,0;40,0;40,0;40,0", "Kolding;50,0;50,0;50,0;60,0"]  # both provinsbykommuner
    sample.write_text("\n".join(text) + "\n", encoding="utf-8")
    import shutil

    shutil.rmtree(folder / "outputs")
    assert cli("run", "--config", config).exit_code == 0
    row = _criterion_rows(folder)["2.3"]
    assert "gennemsnittet for provinsbykommuner" in row
    assert "50,0 pct. i gennemsnit for provinsbykommuner" in row  # (40 + 60) / 2, one decimal: computed


def test_an_installed_package_starts_a_municipality_and_runs_the_examples(tmp_path: Path) -> None:
    """From a wheel installed in a folder of its own (not this checkout), in an empty folder: init, validate, run;
    each shipped example copied and run; and a bare `run` with no reportgen.toml runs the shipped example."""
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    if not (REPO / "setup.cfg").is_file():
        pytest.skip("builds a wheel from the source checkout, and the tests run outside one")
    wheels, site, work = tmp_path / "wheels", tmp_path / "site", tmp_path / "work"
    pip = [sys.executable, "-m", "pip"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(REPO)], check=True)
    (wheel,) = wheels.glob("reportgen-*.whl")
    subprocess.run([*pip, "install", "--no-deps", "-q", "--target", str(site), str(wheel)], check=True)
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}

    def reportgen(*args: str, cwd: Path = work) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "reportgen", *args], cwd=cwd, env=env, capture_output=True, text=True
        )

    assert reportgen("init", "vejle", "--municipality", "Vejle").returncode == 0
    assert reportgen("validate", cwd=work / "vejle").returncode == 0
    assert reportgen("run", cwd=work / "vejle").returncode == 0
    for name, year in (("kalundborg", "2019"), ("silkeborg", "2018"), ("frederiksberg", "2020")):
        done = reportgen("init", name, "--example", name)
        assert done.returncode == 0, done.stderr
        done = reportgen("run", "--annual", year, cwd=work / name)
        assert done.returncode == 0, done.stderr
        assert list((work / name / "outputs").glob(f"*/aarsstatus-{year}/aarsstatus-{year}.docx"))
    bare = work / "bare"
    bare.mkdir()
    done = reportgen("run", "--annual", "2019", cwd=bare)
    assert done.returncode == 0, done.stderr
    assert list((bare / "outputs").glob("frederiksberg-*/aarsstatus-2019/aarsstatus-2019.docx"))


def test_sample_data_is_marked_on_every_page_and_never_sent(here: Path, cli: Callable[..., Result]) -> None:
    import docx
    from openpyxl import load_workbook

    assert cli("init", "vejle", "--municipality", "Vejle").exit_code == 0
    folder = here / "vejle"
    config = folder / "reportgen.toml"
    with config.open("a", encoding="utf-8") as fh:
        fh.write(
            '\n[[meetings]]\ncommittee = "BEU"\ndate = 2026-12-07\n[committees.BEU]\nrecipients = ["beu@example.dk"]\n'
            '[smtp]\nhost = "127.0.0.1"\nport = 1\nsecurity = "none"\nsender = "a@example.dk"\n'
            'secretariat = "b@example.dk"\n'
        )
    result = cli("validate", "--config", str(config))
    assert result.exit_code == 0
    assert "EKSEMPELDATA-oekonomi.csv: sample data (EKSEMPELDATA)" in result.stderr
    dates = ("--today", "2026-12-01", "--simulate")
    assert cli("run", "--config", str(config), "--meeting", "2026-12-07", *dates).exit_code == 0
    (report,) = folder.glob("outputs/*/2026-12-07-BEU/status-BEU-2026-12-07.docx")
    document = docx.Document(str(report))
    headers = " ".join(p.text for s in document.sections for p in s.header.paragraphs)
    assert "EKSEMPELDATA" in headers
    assert "EKSEMPELDATA" in document.paragraphs[0].text + document.core_properties.title or any(
        "EKSEMPELDATA" in p.text for p in document.paragraphs[:5]
    )
    (appendix,) = folder.glob("outputs/*/2026-12-07-BEU/bilag-BEU-2026-12-07.xlsx")
    for ws in load_workbook(appendix).worksheets:
        header = ws.oddHeader
        assert header is not None and "EKSEMPELDATA" in (header.left.text or ""), ws.title
    for named in ((), ("--meeting", "2026-12-07", "--committee", "BEU")):
        result = cli("send", "--config", str(config), *named, *dates)
        assert "bygget af eksempeldata" in result.output + result.stderr
        assert "Sent" not in result.output
