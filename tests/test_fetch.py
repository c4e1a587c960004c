"""``reportgen fetch`` against a loopback server that replays recorded answers (tests/data/fetch/*.raw.json, the
format ``fetch`` stores beside each file it writes). Network traffic goes only to 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from click.testing import CliRunner

from reportgen.cli import cli
from reportgen.config import load_config
from reportgen.domain.observations import SourceNotes
from reportgen.errors import InputError, ProblemLog
from reportgen.fetch.http import Exchange
from reportgen.fetch.run import FetchReport, fetch_all
from reportgen.readers.indicators import BarometerSettings, read_barometer

DATA = Path(__file__).parent / "data" / "fetch"
KEY = "c2VjcmV0LWtleS1mb3ItdGVzdHM-0123456789"  # a made-up key; it must reach the server and nothing else


@dataclass
class Replay:
    """A loopback server answering each request with the first unused recorded exchange of the same method, path
    and body; ``delay_s`` in an exchange makes it wait that long first. It keeps every request it received."""

    exchanges: list[dict[str, Any]]
    received: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def _handler(replay: Replay) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            replay.received.append(
                {"method": self.command, "path": self.path, "body": body, "headers": dict(self.headers)}
            )
            for i, ex in enumerate(replay.exchanges):
                if (
                    ex["method"] == self.command
                    and urlparse(ex["url"]).path == urlparse(self.path).path
                    and ex.get("request_body") == body
                ):
                    replay.exchanges.pop(i)
                    time.sleep(ex.get("delay_s", 0))
                    data = Exchange.from_json(ex).body
                    self.send_response(ex["status"])
                    self.send_header("Content-Type", ex.get("content_type", "text/plain"))
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
            self.send_response(404)
            self.end_headers()
            self.wfile.write(b'{"message": "no recorded answer for this request"}')

        do_GET = do_POST = _answer

    return Handler


@pytest.fixture
def server() -> Iterator[Replay]:
    replay = Replay([])
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(replay))
    httpd.daemon_threads = True
    replay.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield replay
    httpd.shutdown()
    httpd.server_close()


def recorded(name: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


STATBANK = """
[[fetch.statbank]]
table = "RAS200"
indicator = "beskaeftigelse_ikkevestlige"
file = "dst-ras200.csv"
selection = { "OMRÅDE" = ["000", "101", "147"], HERKOMST = ["5"], "KØN" = ["TOT"] }
"""
JOBINDSATS = """
[[fetch.jobindsats]]
table = "y30r21"
periods = ["2023QMAT04", "2024QMAT04"]
areas = ["Frederiksberg", "Hele landet"]
variables = { "_ygrp_y30r21" = ["Kontanthjælp mv."] }
measure = "y30r21_faktisk"
indicator = "fuldtid_kontanthjaelp"
file = "jobindsats-y30r21.csv"
key_env = "TEST_JOBINDSATS_KEY"
"""


def write_config(tmp_path: Path, server: Replay, entries: str, **fetch: object) -> Path:
    settings = {"retry_delay_s": 0, **fetch}
    lines = [
        'plan = "handleplan.yaml"',
        "[fetch]",
        'dir = "inputs/barometer"',
        f'statbank_url = "{server.url("/v1")}"',
        f'jobindsats_url = "{server.url("/v2")}"',
        *(f"{k} = {json.dumps(v)}" for k, v in settings.items()),
        entries,
    ]
    path = tmp_path / "reportgen.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def fetch(path: Path, **options: Any) -> FetchReport:
    """``fetch_all`` as ``reportgen fetch --config path`` calls it."""
    config = load_config(path)
    folder = config.resolve(config.model.fetch.dir)
    return fetch_all(config.model.fetch, folder, where=path.name, now=config.now(), **options)


def read_back(path: Path) -> tuple[dict[tuple[str, int, str], float], SourceNotes]:
    problems = ProblemLog()
    notes: SourceNotes = {}
    frame = read_barometer(path, path.name, BarometerSettings(), problems, notes)
    assert problems.problems == []
    return {(r["indicator"], r["area"], r["period"]): r["value"] for r in frame.to_dict("records")}, notes


def test_a_statbank_table_is_written_as_the_indicator_reader_reads_it(tmp_path: Path, server: Replay) -> None:
    server.exchanges = recorded("statbank-ras200.raw.json")
    report = fetch(write_config(tmp_path, server, STATBANK))
    assert [o.status for o in report.outcomes] == ["written"] and not report.failed
    target = tmp_path / "inputs" / "barometer" / "dst-ras200.csv"
    values, notes = read_back(target)
    assert values[("beskaeftigelse_ikkevestlige", 147, "2019")] == pytest.approx(0.552)
    assert values[("beskaeftigelse_ikkevestlige", 101, "2021")] == pytest.approx(0.526)
    assert values[("beskaeftigelse_ikkevestlige", 0, "2020")] == pytest.approx(0.518)
    assert math.isnan(values[("beskaeftigelse_ikkevestlige", 147, "2020")])  # '..' stays missing, never 0
    note = notes["dst-ras200.csv"]
    assert note.title == "Beskæftigelsesfrekvens (ultimo november)"
    assert note.note is not None
    assert note.note.startswith("Danmarks Statistik, tabel RAS200 (Beskæftigelsesfrekvens (ultimo november))")
    assert "opdateret 24. november 2025 kl. 08.00, hentet " in note.note and "CC BY 4.0" in note.note
    assert "herkomst: Indvandrere fra ikke-vestlige lande" in note.note
    # the requests: tableinfo first, then BULK with every variable given values (the time variable '*')
    assert [r["path"] for r in server.received] == ["/v1/tableinfo", "/v1/data"]
    data = server.received[1]["body"]
    assert data["format"] == "BULK" and data["lang"] == "da"
    assert {v["code"]: v["values"] for v in data["variables"]}["Tid"] == ["*"]
    # the source stamp and the raw answers beside the file
    source = json.loads((target.parent / "dst-ras200.csv.source.json").read_text(encoding="utf-8"))
    raw = json.loads((target.parent / "dst-ras200.csv.raw.json").read_text(encoding="utf-8"))
    assert source["table"] == "RAS200" and source["updated"] == "2025-11-24T08:00:00" and source["fetched"]
    assert source["url"] == server.url("/v1/data")
    assert [r["sha256"] for r in source["responses"]] == [Exchange.from_json(e).sha256 for e in raw]
    assert raw[1]["body"].startswith("\ufeffOMRÅDE;HERKOMST")
    assert source["sha256"] == hashlib.sha256(target.read_bytes()).hexdigest()


def test_a_selection_over_the_cell_limit_is_split_on_time(tmp_path: Path, server: Replay) -> None:
    server.exchanges = recorded("statbank-ras200-split.raw.json")
    report = fetch(write_config(tmp_path, server, STATBANK), cell_limit=3)
    assert not report.failed
    bodies = [r["body"] for r in server.received if r["path"] == "/v1/data"]
    assert [{v["code"]: v["values"] for v in b["variables"]}["Tid"] for b in bodies] == [["2019"], ["2020"], ["2021"]]
    values, _ = read_back(tmp_path / "inputs" / "barometer" / "dst-ras200.csv")
    assert len(values) == 9 and values[("beskaeftigelse_ikkevestlige", 0, "2021")] == pytest.approx(0.54)


def test_a_server_error_is_tried_again(tmp_path: Path, server: Replay) -> None:
    exchanges = recorded("statbank-ras200.raw.json")
    failing = {**exchanges[0], "status": 500, "body": "Internal Server Error", "content_type": "text/plain"}
    server.exchanges = [failing, *exchanges]
    waits: list[float] = []
    report = fetch(write_config(tmp_path, server, STATBANK, retry_delay_s=1.5), sleep=waits.append)
    assert [o.status for o in report.outcomes] == ["written"]
    assert [r["path"] for r in server.received] == ["/v1/tableinfo", "/v1/tableinfo", "/v1/data"]
    assert waits == [1.5]


def test_a_malformed_answer_names_the_table_and_keeps_the_earlier_file(tmp_path: Path, server: Replay) -> None:
    exchanges = recorded("statbank-ras200.raw.json")
    broken = exchanges[1]["body"].replace("København;Indvandrere fra ikke-vestlige lande;I alt;2020;", "København;")
    server.exchanges = [exchanges[0], {**exchanges[1], "body": broken}]
    target = tmp_path / "inputs" / "barometer" / "dst-ras200.csv"
    target.parent.mkdir(parents=True)
    target.write_text("earlier", encoding="utf-8")
    report = fetch(write_config(tmp_path, server, STATBANK))
    assert report.failed
    problem = report.outcomes[0].problem
    assert problem is not None
    assert "table RAS200: the answer is not what Statbank sends: line 6 has 2 fields, the header 5" in str(problem)
    assert "fetch.statbank[0] (RAS200)" in str(problem)
    assert target.read_text(encoding="utf-8") == "earlier"
    assert sorted(p.name for p in target.parent.iterdir()) == ["dst-ras200.csv"]


def test_an_unknown_table_gives_statbanks_own_message(tmp_path: Path, server: Replay) -> None:
    server.exchanges = recorded("statbank-unknown-table.raw.json")
    path = write_config(tmp_path, server, STATBANK.replace('"RAS200"', '"RAS999"'))
    result = CliRunner().invoke(cli, ["fetch", "--config", str(path)])
    assert result.exit_code == 2
    assert "answered HTTP 400 to the tableinfo request for table RAS999" in result.output
    assert 'Tabellen "RAS999" findes ikke. (TABLE-NOTFOUND)' in result.output
    assert len(server.received) == 1  # a 4xx is not asked again


def test_a_jobindsats_table_with_the_key_from_the_environment(
    tmp_path: Path, server: Replay, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.exchanges = recorded("jobindsats-y30r21.raw.json")
    monkeypatch.setenv("TEST_JOBINDSATS_KEY", KEY)
    path = write_config(tmp_path, server, JOBINDSATS)
    result = CliRunner().invoke(cli, ["--verbose", "fetch", "--config", str(path)])
    assert result.exit_code == 0, result.output
    assert server.received[0]["headers"]["Authorization"] == KEY
    assert server.received[0]["body"]["period"] == ["2023QMAT04", "2024QMAT04"]
    target = tmp_path / "inputs" / "barometer" / "jobindsats-y30r21.csv"
    values, notes = read_back(target)
    assert values[("fuldtid_kontanthjaelp", 147, "2023QMAT04")] == 1234.5
    assert values[("fuldtid_kontanthjaelp", 0, "2024QMAT04")] == 95432
    note = notes[target.name].note
    assert note is not None and "Jobindsats.dk" in note
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) == 4  # the config, the CSV, its .source.json and .raw.json
    assert all(KEY not in p.read_text(encoding="utf-8") for p in written)
    assert KEY not in result.output


def test_a_missing_key_skips_jobindsats_with_how_to_get_one(tmp_path: Path, server: Replay) -> None:
    server.exchanges = recorded("statbank-ras200.raw.json")
    both = write_config(tmp_path, server, STATBANK + JOBINDSATS)
    runner = CliRunner()
    result = runner.invoke(cli, ["fetch", "--config", str(both)], env={"TEST_JOBINDSATS_KEY": ""})
    assert result.exit_code == 0, result.output
    assert "no API key in $TEST_JOBINDSATS_KEY; skipped" in result.output and "jobindsats.dk → API" in result.output
    assert (tmp_path / "inputs" / "barometer" / "dst-ras200.csv").is_file()
    only = write_config(tmp_path, server, JOBINDSATS)
    result = runner.invoke(cli, ["fetch", "--config", str(only)], env={"TEST_JOBINDSATS_KEY": ""})
    assert result.exit_code == 2
    assert "1 of 1 tables not fetched" in result.output
    assert all(r["path"].startswith("/v1/") for r in server.received)  # no request without a key


def test_a_server_that_does_not_answer_in_time(tmp_path: Path, server: Replay) -> None:
    slow = {**recorded("statbank-ras200.raw.json")[0], "delay_s": 2.0}
    server.exchanges = [slow, dict(slow)]
    waits: list[float] = []
    report = fetch(write_config(tmp_path, server, STATBANK, retries=2), timeout=0.2, sleep=waits.append)
    problem = report.outcomes[0].problem
    assert report.failed and problem is not None
    assert "did not answer to the tableinfo request for table RAS200: no answer within 0.2 s" in problem.message
    assert "(tried 2 times)" in problem.message and waits == [0]
    assert not (tmp_path / "inputs").exists()


def test_dry_run_shows_the_requests_and_writes_nothing(tmp_path: Path, server: Replay) -> None:
    path = write_config(tmp_path, server, STATBANK + JOBINDSATS)
    result = CliRunner().invoke(cli, ["fetch", "--config", str(path), "--dry-run"], env={"TEST_JOBINDSATS_KEY": KEY})
    assert result.exit_code == 0, result.output
    assert f"POST {server.url('/v1/tableinfo')}" in result.output
    assert '"format": "BULK"' in result.output and f"POST {server.url('/v2/data/y30r21/json')}" in result.output
    assert "Authorization: $TEST_JOBINDSATS_KEY" in result.output and KEY not in result.output
    assert server.received == [] and not (tmp_path / "inputs").exists()


def test_an_interrupted_write_leaves_the_earlier_file(
    tmp_path: Path, server: Replay, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    server.exchanges = recorded("statbank-ras200.raw.json")
    target = tmp_path / "inputs" / "barometer" / "dst-ras200.csv"
    target.parent.mkdir(parents=True)
    target.write_text("earlier", encoding="utf-8")
    real_replace = os.replace

    def interrupted(src: str, dst: str | Path) -> None:
        if Path(dst) == target:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr("reportgen.outputs.files.os.replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fetch(write_config(tmp_path, server, STATBANK))
    assert target.read_text(encoding="utf-8") == "earlier"
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


def test_run_fetch_stops_before_building_when_the_fetch_fails(tmp_path: Path, server: Replay) -> None:
    server.exchanges = recorded("statbank-unknown-table.raw.json")
    path = write_config(tmp_path, server, STATBANK.replace('"RAS200"', '"RAS999"'))
    result = CliRunner().invoke(cli, ["run", "--config", str(path), "--fetch"])
    assert result.exit_code == 2
    assert "the fetch failed; nothing was built" in result.output
    assert "handleplan.yaml" not in result.output  # stopped before the plan was read


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('key_env = "abc-123"', "fetch.jobindsats.0.key_env: key_env is the name of the environment variable"),
        ('file = "../x.csv"', "fetch.jobindsats.0.file: '../x.csv' is not a file name for [fetch]"),
        ('indicator = "Fuldtid"', "fetch.jobindsats.0.indicator: 'Fuldtid' is not an indicator key"),
        ('colour = "blue"', "unknown key 'fetch.jobindsats.0.colour'"),
    ],
)
def test_fetch_entries_are_validated(tmp_path: Path, server: Replay, entry: str, message: str) -> None:
    key = entry.split(" = ")[0]
    lines = [line for line in JOBINDSATS.splitlines() if not line.startswith(f"{key} =")]
    path = write_config(tmp_path, server, "\n".join([*lines, entry]))
    with pytest.raises(InputError) as info:
        load_config(path)
    assert message in str(info.value)
