"""Run logs: written only when something was built, sent, refused or failed, and pruned after [logging] keep_days by
the next run that writes one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportgen.cli.runlog import prune_logs
from reportgen.domain.clock import local_now
from tests.conftest import edit_config, pack_dir
from tests.smtp_server import SmtpServer
from tests.test_delivery import use_smtp


def logs_of(root: Path) -> list[Path]:
    return sorted((pack_dir(root) / "logs").glob("*.log"))


def stamp(days_ago: int) -> str:
    """A run log's time stamp ``days_ago`` days before now, in the example's [schedule] timezone."""
    return (local_now("Europe/Copenhagen") - dt.timedelta(days=days_ago)).strftime("%Y%m%dT%H%M%S")


def test_a_day_with_nothing_due_leaves_no_log(example: Path, cli) -> None:
    result = cli("run", "--due", "--today", "2019-07-01", "--simulate")
    assert result.exit_code == 0, result.stderr
    assert "Nothing is due on 2019-07-01" in result.stdout
    assert not (pack_dir(example) / "logs").exists()


def test_a_run_that_builds_leaves_one_log_and_a_run_with_nothing_new_adds_nothing(example: Path, cli) -> None:
    assert cli("--quiet", "run", "--due", "--today", "2019-09-03").exit_code == 0
    logs = logs_of(example)
    assert len(logs) == 1 and "Wrote AUU meeting 2019-09-10" in logs[0].read_text(encoding="utf-8")
    before = logs[0].read_bytes()
    again = cli("run", "--due", "--today", "2019-09-03")  # already in place from the same inputs: a non-event
    assert again.exit_code == 0 and "Nothing to build on 2019-09-03" in again.stdout
    assert logs_of(example) == logs and logs[0].read_bytes() == before  # not even appended to (same second)


def test_already_sent_is_no_event_for_the_log(example: Path, cli) -> None:
    with SmtpServer() as server:
        use_smtp(example, server.port)
        first = cli("--quiet", "run", "--due", "--send", "--today", "2019-09-03")
        assert first.exit_code == 0, first.stderr
        assert server.handler.to("auu-sekretariat@example.dk")
        logs = logs_of(example)
        assert len(logs) == 1 and "sent 2019-09-10-AUU to auu-sekretariat@example.dk" in logs[0].read_text("utf-8")
        before = logs[0].read_bytes()
        again = cli("run", "--due", "--send", "--today", "2019-09-03")
    assert again.exit_code == 0, again.stderr
    assert "auu-sekretariat@example.dk: allerede sendt" in again.stdout
    assert logs_of(example) == logs and logs[0].read_bytes() == before


def test_old_logs_are_removed_by_the_next_run_that_writes_one_and_nothing_else_is(example: Path, cli) -> None:
    edit_config(example, "[schedule]\n", "[logging]\nkeep_days = 90\n\n[schedule]\n")
    folder = pack_dir(example) / "logs"
    folder.mkdir(parents=True)
    old = folder / f"{stamp(200)}-run-due.log"
    recent = folder / f"{stamp(10)}-send.log"
    unrelated = [folder / "noter.txt", folder / f"{stamp(200)}-run-due.txt", folder / "20190101-kopi.log"]
    for path in [old, recent, *unrelated]:
        path.write_text("x\n", encoding="utf-8")
    nothing = cli("run", "--due", "--today", "2019-07-01", "--simulate")  # writes no log, so prunes nothing
    assert nothing.exit_code == 0 and old.exists()
    assert cli("--quiet", "run", "--due", "--today", "2019-09-03").exit_code == 0
    assert not old.exists()
    assert recent.exists() and all(path.exists() for path in unrelated)
    assert len(logs_of(example)) == 3  # the recent one, the unrelated .log and this run's


def test_prune_logs_keeps_what_is_not_a_run_log(tmp_path: Path) -> None:
    now = dt.datetime(2024, 6, 1, 6, 30, tzinfo=dt.UTC)
    names = {
        "20240101T063000-run-due.log": False,  # 152 days before: removed
        "20240303T063001-send.log": True,  # 89 days and 23:59:59 before: kept
        "20240302T063000-send.log": False,  # 91 days before: removed
        "20241399T000000-run-due.log": True,  # not a time
        "20240101T063000-run-due.log.gz": True,  # not a run log
        "readme.txt": True,
    }
    for name in names:
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "20200101T000000-dir.log").mkdir()
    removed = prune_logs(tmp_path, now=now, keep_days=90)
    assert sorted(p.name for p in removed) == ["20240101T063000-run-due.log", "20240302T063000-send.log"]
    assert {name for name, kept in names.items() if kept} | {"20200101T000000-dir.log"} == {
        p.name for p in tmp_path.iterdir()
    }
