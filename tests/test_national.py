"""``reportgen national``: several municipality folders (as ``reportgen init`` writes them) built by a pool of
worker processes; a broken one is named with its error and never stops the others."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from reportgen.pipeline import national
from reportgen.pipeline.initialise import initialise
from reportgen.pipeline.national import WORKER_DIED, NationalRequest, Outcome, find_configs, run_national

MADE_ON = dt.date(2025, 11, 15)  # each plan runs 2025-2026: --annual 2025 builds a pack
NAMES = ("vejle", "odense", "aarhus")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three municipalities' folders, made once (``reportgen init`` for each); the broken one has a YAML plan."""
    root = tmp_path_factory.mktemp("made")
    initialise(root / "vejle", "Vejle", today=MADE_ON)
    initialise(root / "odense", "Odense", today=MADE_ON)
    initialise(root / "aarhus", "Aarhus", today=MADE_ON, plan_format="yaml")
    return root


@pytest.fixture
def kommuner(made: Path, tmp_path: Path) -> Path:
    """A private copy of the three folders."""
    shutil.copytree(made, tmp_path / "kommuner")
    return tmp_path / "kommuner"


def manifest(folder: Path) -> dict[str, Any]:
    (path,) = folder.glob("outputs/*/manifest.json")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def built_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("outputs/*/aarsstatus-2025/*"))


def test_two_workers_build_every_municipality(kommuner: Path, cli: Callable[..., Result]) -> None:
    result = cli("national", str(kommuner), "--annual", "2025", "--workers", "2")
    assert result.exit_code == 0, result.stderr
    for name in NAMES:
        assert built_files(kommuner / name) == ["aarsbilag-2025.xlsx", "aarsstatus-2025.docx"]
        assert manifest(kommuner / name)["command"] == f"reportgen national --workers 2 --annual 2025 {kommuner}"
        assert f"{name}: årlig status 2025 (2 files)" in result.stdout
    assert "Built 3 of 3 municipalities with 2 workers" in result.stdout
    # each municipality keeps its own output root, with its own plan's municipality in its manifest
    plans = {manifest(kommuner / name)["plan"]["municipality"] for name in NAMES}
    assert plans == {630, 461, 751}


def test_a_broken_plan_is_named_and_the_others_are_built(kommuner: Path, cli: Callable[..., Result]) -> None:
    plan = kommuner / "aarhus" / "handleplan.yaml"
    text = plan.read_text(encoding="utf-8")
    assert "target: '>= 40'" in text
    plan.write_text(text.replace("target: '>= 40'", "target: 'mindst fyrre'"), encoding="utf-8")
    result = cli("national", str(kommuner), "--annual", "2025", "--workers", "2")
    assert result.exit_code == 2
    assert "reportgen: [3/3]" in result.stderr  # a line per municipality done, when not on a terminal
    (line,) = [line for line in result.stderr.splitlines() if "aarhus" in line and "error:" in line]
    assert "handleplan.yaml:" in line and "mindst fyrre" in line, line
    assert "Built 2 of 3 municipalities" in result.stderr and "1 failed" in result.stderr
    assert not list((kommuner / "aarhus").glob("outputs/*/manifest.json"))
    for name in ("vejle", "odense"):
        assert built_files(kommuner / name) == ["aarsbilag-2025.xlsx", "aarsstatus-2025.docx"]
        assert f"{name}: årlig status 2025" in result.stdout


def test_one_worker_and_configs_named_one_by_one(kommuner: Path, cli: Callable[..., Result]) -> None:
    configs = [str(kommuner / name / "reportgen.toml") for name in ("odense", "vejle")]
    result = cli("national", *configs, str(kommuner / "odense"), "--annual", "2025", "--workers", "1")
    assert result.exit_code == 0, result.stderr
    assert "Built 2 of 2 municipalities with 1 worker in" in result.stdout  # odense given twice runs once
    assert built_files(kommuner / "odense") == built_files(kommuner / "vejle") != []
    assert not (kommuner / "aarhus" / "outputs").exists()


def test_a_dry_run_writes_nothing(kommuner: Path, cli: Callable[..., Result]) -> None:
    result = cli("national", str(kommuner), "--annual", "2025", "--dry-run", "--workers", "2")
    assert result.exit_code == 0, result.stderr
    assert "Would build 3 of 3 municipalities" in result.stdout
    assert not list(kommuner.glob("*/outputs"))


def test_a_folder_without_configs_is_refused(tmp_path: Path, cli: Callable[..., Result]) -> None:
    (tmp_path / "empty").mkdir()
    result = cli("national", str(tmp_path / "empty"), "--annual", "2025")
    assert result.exit_code == 2
    assert "no reportgen.toml in this folder or its subfolders" in result.stderr


def test_the_library_reports_every_outcome_in_order(kommuner: Path) -> None:
    configs = find_configs([kommuner])
    assert [c.parent.name for c in configs] == sorted(NAMES)
    result = run_national(configs, NationalRequest(annual=2025, dry_run=True), workers=2)
    assert [o.config for o in result.outcomes] == configs
    assert all(o.ok and o.packs == ("årlig status 2025",) for o in result.outcomes)
    assert result.workers == 2 and not result.interrupted
    assert all(o.peak_memory > 0 and o.worker > 0 for o in result.outcomes)


def _dies_in_odense(config: Path, _request: NationalRequest) -> Outcome:
    """Stands in for ``build_municipality`` in the workers: odense's worker dies as if killed, the others succeed."""
    if config.parent.name == "odense":
        os._exit(9)
    return Outcome(config, packs=("årlig status 2025",))


def test_a_worker_that_dies_takes_only_its_municipality(kommuner: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(national, "build_municipality", _dies_in_odense)  # forked workers see it too
    result = run_national(find_configs([kommuner]), NationalRequest(annual=2025), workers=2)
    assert {o.folder.name: o.ok for o in result.outcomes} == {"aarhus": True, "odense": False, "vejle": True}
    (died,) = result.failed
    assert died.errors[0] == WORKER_DIED and "BrokenProcessPool" in died.errors[1]


def test_today_is_refused_as_run_refuses_it(kommuner: Path) -> None:
    """``--today`` after the real date, or before a plan starts, needs ``--simulate`` here as in ``reportgen run``:
    the same rule (``domain.clock.acting_day``) and the same words, named for each municipality."""
    configs = find_configs([kommuner])
    later = run_national(configs, NationalRequest(annual=2025, dry_run=True, today=dt.date(2099, 1, 1)), workers=1)
    assert not any(o.ok for o in later.outcomes)
    assert all(
        "--today: 2099-01-01 is after today" in " ".join(o.errors) and "--simulate" in " ".join(o.errors)
        for o in later.outcomes
    )
    earlier = run_national(configs, NationalRequest(annual=2025, dry_run=True, today=dt.date(2020, 1, 1)), workers=1)
    assert all("is before the plan starts (2025-01-01)" in " ".join(o.errors) for o in earlier.outcomes)
    simulated = NationalRequest(annual=2025, dry_run=True, today=dt.date(2099, 1, 1), simulate=True)
    assert all(o.ok for o in run_national(configs, simulated, workers=1).outcomes)
