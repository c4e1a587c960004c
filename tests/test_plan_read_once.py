"""Each command reads and validates the plan file once: the plan is parsed by one loader, counted here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

import reportgen.plan.loading as loading


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The plan files parsed while the test runs (every YAML plan goes through ``load_with_lines``)."""
    seen: list[str] = []
    original = loading.load_with_lines

    def counting(path: Path, display: str) -> Any:
        seen.append(display)
        return original(path, display)

    monkeypatch.setattr(loading, "load_with_lines", counting)
    return seen


@pytest.mark.usefixtures("example")
@pytest.mark.parametrize(
    "args",
    [
        ["-q", "run", "--committee", "AUU", "--meeting", "2020-12-08"],
        ["-q", "run", "--due", "--today", "2020-12-01"],
        ["validate"],
        ["due", "--today", "2020-12-01"],
        ["send", "--dry-run", "--today", "2020-12-01"],
    ],
    ids=" ".join,
)
def test_a_command_parses_the_plan_once(cli: Callable[..., Result], parses: list[str], args: list[str]) -> None:
    result = cli(*args)
    assert result.exit_code in (0, 2), result.stderr
    assert parses == ["inputs/handleplan_2019.yaml"], f"reportgen {' '.join(args)} parsed the plan {len(parses)}x"


@pytest.mark.usefixtures("example")
def test_run_due_builds_and_still_parses_once(cli: Callable[..., Result], parses: list[str]) -> None:
    """The cron command on a due date: it builds the due pack from the plan it read."""
    result = cli("-q", "run", "--due", "--today", "2020-12-01")
    assert result.exit_code == 0, result.stderr
    assert list(Path("outputs").rglob("*.docx")), "run --due built nothing on the pack's due date"
    assert len(parses) == 1
