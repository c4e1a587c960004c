"""One owner for each contract: the typed manifest (the only reader and writer of manifest.json, old schemas still
read, a bad one is exit 2 naming the file and field) and the one clock every command asks for the date."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reportgen.domain import clock
from reportgen.errors import InputError
from reportgen.outputs import SCHEMA_VERSION, Manifest, earlier_packs, packs_in_place, read_manifest
from tests.conftest import DATA, pack_dir

SCHEMA_1 = DATA / "manifests" / "schema-1.json"


def test_a_manifest_of_the_first_schema_still_reads() -> None:
    manifest = read_manifest(SCHEMA_1)
    assert manifest.schema_version == 1
    assert manifest.created == dt.datetime(2026, 11, 29, 3, 0, 16, tzinfo=dt.UTC)
    [pack] = manifest.packs
    assert (pack.folder, pack.kind, pack.committee, pack.meeting) == (
        "2020-03-10-AUU",
        "committee",
        "AUU",
        dt.date(2020, 3, 10),
    )
    assert pack.label == "AUU meeting 2020-03-10"
    assert pack.results is not None and pack.results.criteria["behind"] == 10
    assert manifest.input_hashes()["inputs/handleplan_2019.yaml"] == manifest.plan.sha256
    assert {c.id: c.status for c in pack.criteria}["1.1"] == "on_track"


def test_a_new_manifest_is_of_the_current_schema_and_round_trips(example: Path, cli) -> None:
    assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10").exit_code == 0
    path = pack_dir(example) / "manifest.json"
    manifest = read_manifest(path)
    assert manifest.schema_version == SCHEMA_VERSION == 2
    assert Manifest.from_data(json.loads(manifest.dumps()), "x") == manifest
    assert path.read_text(encoding="utf-8") == manifest.dumps()  # the file is exactly what the model writes
    assert [p.record.folder for p in packs_in_place(pack_dir(example)).values()] == ["2020-03-10-AUU"]


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda m: m["packs"][0].__setitem__("meeting", 20200310), "packs.0.meeting"),
        (lambda m: m["packs"][0].__setitem__("files", "status.docx"), "packs.0.files"),
        (lambda m: m["packs"][0]["files"][0].__setitem__("sha256", "abc"), "packs.0.files.0.sha256"),
        (lambda m: m["packs"][0].__setitem__("folder", "../../etc"), "packs.0.folder"),
        (lambda m: m.__setitem__("created", "2020-03-10T10:00:00"), "created"),
        (lambda m: m["plan"].pop("sha256"), "plan.sha256"),
        (lambda m: m.__setitem__("packs", {"0": 1}), "packs"),
    ],
    ids=["meeting-int", "files-str", "bad-digest", "folder-outside", "naive-time", "no-plan-hash", "packs-dict"],
)
@pytest.mark.parametrize("command", [["due"], ["send", "--dry-run"], ["run", "--due"], ["run", "--committee", "AUU"]])
def test_a_hand_edited_manifest_is_exit_2_naming_the_file_and_field(
    example: Path, cli, command: list[str], edit, field: str
) -> None:
    assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10").exit_code == 0
    path = pack_dir(example) / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    result = cli(*command, "--today", "2020-03-05")
    assert result.exit_code == 2, result.stderr
    assert "manifest.json" in result.stderr and f":{field}: " in result.stderr, result.stderr
    assert "internal error" not in result.stderr


def test_a_manifest_that_is_not_json_is_exit_2_with_its_line(example: Path, cli) -> None:
    assert cli("run", "--committee", "AUU", "--meeting", "2020-03-10").exit_code == 0
    path = pack_dir(example) / "manifest.json"
    path.write_text(path.read_text(encoding="utf-8")[:300], encoding="utf-8")
    result = cli("due", "--today", "2020-03-05")
    assert result.exit_code == 2
    assert "manifest.json" in result.stderr and "not valid JSON" in result.stderr


def test_an_invalid_archived_manifest_is_left_out_and_the_run_says_so(example: Path, cli) -> None:
    assert cli("run", "--committee", "AUU", "--meeting", "2019-09-10").exit_code == 0
    assert cli("run", "--committee", "AUU", "--meeting", "2019-09-10", "--today", "2019-09-01").exit_code == 0
    [archived] = (pack_dir(example) / "_arkiv").glob("*/manifest.json")
    archived.write_text('{"packs": 5}', encoding="utf-8")
    result = cli("run", "--committee", "AUU", "--meeting", "2020-03-10")
    assert result.exit_code == 0, result.stderr
    assert "archived manifest left out" in result.stderr and archived.parent.name in result.stderr
    # the third run's manifest, then the second's (archived by the third); the broken first one is left out
    assert [p.record.meeting for p in earlier_packs(pack_dir(example))] == [dt.date(2020, 3, 10), dt.date(2019, 9, 10)]


def test_read_manifest_names_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_bytes(b'{"tool": "\xff"}')
    with pytest.raises(InputError) as caught:
        read_manifest(path)
    assert "not UTF-8" in str(caught.value) and str(path) in str(caught.value)


# --- one clock ------------------------------------------------------------------------------------------------------


@pytest.fixture
def new_years_eve_in_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine's clock says 31 December 2019, 23:30 UTC: in Copenhagen it is already 1 January 2020."""
    monkeypatch.setattr(clock, "now_utc", lambda: dt.datetime(2019, 12, 31, 23, 30, tzinfo=dt.UTC))


@pytest.mark.usefixtures("new_years_eve_in_utc")
def test_every_command_agrees_it_is_new_year_in_copenhagen(example: Path, cli) -> None:
    due = cli("due")
    assert due.exit_code == 0 and "Today (Europe/Copenhagen): 2020-01-01" in due.stdout

    run = cli("run", "--committee", "AUU", "--dry-run")
    assert run.exit_code == 0, run.stderr
    assert "(as of 2020-01-01;" in run.stdout  # the next AUU meeting, with figures as of today in Copenhagen

    run_due = cli("run", "--due")
    assert run_due.exit_code in (0, 2), run_due.stderr
    assert "2020-01-01" in run_due.stdout + run_due.stderr

    collect = cli("collect", "--out", "ark")
    assert collect.exit_code == 0, collect.stderr
    sheet = next((example / "ark").glob("*.xlsx"))
    worksheet = load_workbook(sheet).active
    assert worksheet is not None
    cells = [c for row in worksheet.iter_rows(values_only=True) for c in row if c]
    assert "2020K1" in cells and "2019K4" not in cells  # the quarter of 1 January 2020

    send = cli("send", "--dry-run")
    assert send.exit_code == 0, send.stderr


def test_the_clock_is_the_configured_zone_whatever_the_machine_zone() -> None:
    moment = dt.datetime(2019, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert clock.today_in("Europe/Copenhagen", moment) == dt.date(2020, 1, 1)
    assert clock.today_in("UTC", moment) == dt.date(2019, 12, 31)
    assert clock.today_in("America/New_York", moment) == dt.date(2019, 12, 31)


def test_a_copied_schema_1_manifest_under_an_archive_is_read_with_the_rest(tmp_path: Path) -> None:
    root = tmp_path / "plan"
    (root / "_arkiv" / "20200101T000000").mkdir(parents=True)
    shutil.copy(SCHEMA_1, root / "_arkiv" / "20200101T000000" / "manifest.json")
    [recorded] = earlier_packs(root)
    assert recorded.record.folder == "2020-03-10-AUU" and recorded.inputs == read_manifest(SCHEMA_1).input_hashes()
