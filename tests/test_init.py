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
    assert "i kommunegruppen Provinsbykommuner (" in row
    sample = folder / "inputs" / "barometer" / "EKSEMPELDATA-indikatorer.csv"
    text = sample.read_text(encoding="utf-8").splitlines()
    group = next(i for i, line in enumerate(text) if line.startswith("Provinsbykommuner;"))
    text[group : group + 1] = ["Horsens;40,0;40,0;40,0;40,0", "Kolding;50,0;50,0;50,0;60,0"]  # both provinsbykommuner
    sample.write_text("\n".join(text) + "\n", encoding="utf-8")
    import shutil

    shutil.rmtree(folder / "outputs")
    assert cli("run", "--config", config).exit_code == 0
    row = _criterion_rows(folder)["2.3"]
    assert "50,0\xa0pct. i gennemsnit for provinsbykommuner" in row  # (40 + 60) / 2, one decimal: computed


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


def _folk1e_exchanges(areas: list[str], codes_names: dict[str, str]) -> list[dict[str, object]]:
    """FOLK1E as Statistics Denmark answers it: tableinfo, then the BULK data (BOM, ';', Danish text)."""
    import json

    info = {
        "id": "FOLK1E",
        "text": "Befolkningen den 1. i kvartalet",
        "unit": "antal",
        "updated": "2026-11-11T08:00:00",
        "variables": [
            {
                "id": "OMRÅDE",
                "text": "område",
                "time": False,
                "values": [{"id": c, "text": codes_names[c]} for c in areas],
            },
            {"id": "KØN", "text": "køn", "time": False, "values": [{"id": "TOT", "text": "I alt"}]},
            {"id": "ALDER", "text": "alder", "time": False, "values": [{"id": "IALT", "text": "Alder i alt"}]},
            {
                "id": "HERKOMST",
                "text": "herkomst",
                "time": False,
                "values": [{"id": "25", "text": "Indvandrere fra ikke-vestlige lande"}],
            },
            {
                "id": "Tid",
                "text": "tid",
                "time": True,
                "values": [{"id": "2026K1", "text": "2026K1"}, {"id": "2026K2", "text": "2026K2"}],
            },
        ],
    }
    lines = ["\ufeffOMRÅDE;KØN;ALDER;HERKOMST;TID;INDHOLD"]
    for k, code in enumerate(areas):
        for quarter in ("2026K1", "2026K2"):
            value = ".." if code == areas[-1] and quarter == "2026K2" else str(1000 + 37 * k)
            lines.append(f"{codes_names[code]};I alt;Alder i alt;Indvandrere fra ikke-vestlige lande;{quarter};{value}")
    variables = [
        {"code": "OMRÅDE", "values": areas},
        {"code": "KØN", "values": ["TOT"]},
        {"code": "ALDER", "values": ["IALT"]},
        {"code": "HERKOMST", "values": ["25"]},
        {"code": "Tid", "values": ["*"]},
    ]
    return [
        {
            "method": "POST",
            "url": "https://api.statbank.dk/v1/tableinfo",
            "request_body": {"table": "FOLK1E", "format": "JSON", "lang": "da"},
            "status": 200,
            "content_type": "application/json; charset=utf-8",
            "body": json.dumps(info),
        },
        {
            "method": "POST",
            "url": "https://api.statbank.dk/v1/data",
            "request_body": {"table": "FOLK1E", "format": "BULK", "lang": "da", "variables": variables},
            "status": 200,
            "content_type": "text/csv; charset=UTF-8",
            "body": "\r\n".join(lines) + "\r\n",
        },
    ]


def test_a_new_municipality_fetches_its_figures_and_its_report_cites_them(
    here: Path, cli: Callable[..., Result]
) -> None:
    """init -> validate -> fetch (from a loopback server replaying Statistics Denmark) -> run: the annual report
    compares with the kommunegruppe and Hele landet and cites Statistics Denmark with the table and the fetch time."""
    import re
    import threading
    from http.server import ThreadingHTTPServer

    import docx

    from reportgen.domain.areas import registry
    from tests.test_fetch import Replay, _handler

    assert cli("init", "vejle", "--municipality", "Vejle").exit_code == 0
    folder = here / "vejle"
    config = folder / "reportgen.toml"
    text = config.read_text(encoding="utf-8")
    areas = re.search(r'"OMRÅDE" = \[([^\]]*)\]', text)
    assert areas is not None
    codes = [c.strip().strip('"') for c in areas.group(1).split(",")]
    assert codes[:2] == ["000", "630"] and len(codes) == 17  # the country, Vejle and the other provinsbykommuner
    names = {c: "Hele landet" if c == "000" else registry().by_code[int(c)].name for c in codes}
    replay = Replay(_folk1e_exchanges(codes, names))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(replay))
    replay.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        config.write_text(
            text.replace(
                '[fetch]\ndir = "inputs/barometer"\n',
                f'[fetch]\ndir = "inputs/barometer"\nstatbank_url = "{replay.url("/v1")}"\n',
                1,
            ),
            encoding="utf-8",
        )
        assert cli("--quiet", "validate", "--config", str(config)).exit_code == 0
        result = cli("fetch", "--config", str(config))
        assert result.exit_code == 0, result.stderr
    finally:
        server.shutdown()
        server.server_close()
    assert (folder / "inputs" / "barometer" / "dst-folk1e.csv").is_file()
    assert [r["path"] for r in replay.received] == ["/v1/tableinfo", "/v1/data"]
    result = cli("run", "--config", str(config))
    assert result.exit_code == 0, result.stderr
    rows = _criterion_rows(folder)
    assert "i kommunegruppen Provinsbykommuner" in rows["2.3"] and "på landsplan" in rows["2.2"]
    (report,) = list((folder / "outputs").glob("*/aarsstatus-*/aarsstatus-*.docx"))
    cells = [c.text for t in docx.Document(str(report)).tables for r in t.rows for c in r.cells]
    cited = [c for c in cells if "Danmarks Statistik" in c]
    assert cited and "FOLK1E" in cited[0] and "hentet" in cited[0], cells[-6:]
