"""The console's log handler and a run's log file (``<pack root>/logs/<time>-<command>.log``), both masking CPR
numbers in every record whatever module wrote it."""

from __future__ import annotations

import datetime as dt
import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen.cli.common import echo

if TYPE_CHECKING:
    from reportgen.config import Config

runlog = logging.getLogger("reportgen.runlog")  # to the run's log file only
runlog.propagate = False


class MaskingFilter(logging.Filter):
    """Masks CPR numbers in every log record (on the console and in the run's log file)."""

    def filter(self, record: logging.LogRecord) -> bool:
        from reportgen.domain.personal_data import masked

        message = record.getMessage()
        clean = masked(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def configure_console(level: int) -> None:
    """Log records of ``level`` and above to stderr, masked."""
    logging.basicConfig(level=level, format="reportgen: %(levelname)s: %(message)s", stream=sys.stderr, force=True)
    for handler in logging.getLogger().handlers:
        handler.addFilter(MaskingFilter())
        handler.setLevel(level)  # a run's log file may take more detail than the console shows
        handler.addFilter(_OwnRecords(level))


class _OwnRecords(logging.Filter):
    """``--verbose`` shows what reportgen does: other libraries' records only from WARNING (with --debug, all)."""

    def __init__(self, level: int):
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        ours = record.name == "reportgen" or record.name.startswith("reportgen.")
        return ours or self.level <= logging.DEBUG or record.levelno >= logging.WARNING


LOG_NAME = re.compile(r"(\d{8}T\d{6})-[^/]+\.log")
"""A run log's file name: ``YYYYMMDDTHHMMSS-<command>.log``, the time in ``[schedule] timezone``."""


class _LazyFileHandler(logging.FileHandler):
    """A log file whose folder and file are created with the first record; creating it removes the logs beside it
    that are older than ``keep_days``."""

    def __init__(self, path: Path, *, now: dt.datetime, keep_days: int):
        self.path = path
        self.now = now
        self.keep_days = keep_days
        super().__init__(path, encoding="utf-8", delay=True)

    def emit(self, record: logging.LogRecord) -> None:
        if self.stream is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            prune_logs(self.path.parent, now=self.now, keep_days=self.keep_days)
        super().emit(record)


def prune_logs(folder: Path, *, now: dt.datetime, keep_days: int) -> list[Path]:
    """Remove the run logs in ``folder`` whose file name's time is more than ``keep_days`` before ``now``; files not
    named as a run log are never touched. Returns what was removed."""
    cutoff = now.replace(tzinfo=None) - dt.timedelta(days=keep_days)
    removed = []
    for path in sorted(folder.iterdir()):
        match = LOG_NAME.fullmatch(path.name)
        if match is None or not path.is_file() or path.is_symlink():
            continue
        try:
            # the name holds the local time of [schedule] timezone, without the zone: compared as wall times
            stamp = dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%S")  # noqa: DTZ007
        except ValueError:  # 20191399T…: not a time, so not ours to judge
            continue
        if stamp < cutoff:
            try:
                path.unlink(missing_ok=True)
            except OSError:  # not ours to remove (another account's): it stays, and the run goes on
                continue
            removed.append(path)
    return removed


@contextmanager
def run_log(config: Config, root: Path | None, name: str) -> Iterator[None]:
    """A log file for this run in ``root/logs`` for cron runs to be traced. It is made only when something was
    built, sent, refused or failed (the first record creates it; non-events go to the console only), and then logs
    older than ``[logging] keep_days`` are removed; ``root`` None (a dry run, or a plan that could not be read)
    keeps no file."""
    if root is None:
        yield
        return
    now = config.now()
    stamp = now.strftime("%Y%m%dT%H%M%S")
    handler = _LazyFileHandler(root / "logs" / f"{stamp}-{name}.log", now=now, keep_days=config.model.logging.keep_days)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    handler.addFilter(MaskingFilter())
    watched = [runlog, logging.getLogger("reportgen.jobs")]
    previous = [logger.level for logger in watched]
    for logger in watched:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        for logger, level in zip(watched, previous, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)
        handler.close()


def warn(message: str) -> None:
    """A warning on the console and in the run's log."""
    echo(f"reportgen: warning: {message}", err=True)
    runlog.warning(message)
