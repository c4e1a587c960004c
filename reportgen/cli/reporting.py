"""What a run tells the user: the packs written (or that would be), the progress bar, the due-run's refusals."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from reportgen.cli.common import echo, log, shown
from reportgen.cli.runlog import runlog, warn

if TYPE_CHECKING:
    from reportgen.jobs import DueRun
    from reportgen.pipeline import RunResult


@contextmanager
def progress_bar(quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar over the packs being rendered, only on a terminal (never under cron or with --quiet)."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    bar: Any = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="Rendering packs", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        yield update
    finally:
        if bar is not None:
            bar.update(bar.length - bar.pos)
            bar.__exit__(None, None, None)


def report(result: RunResult, *, quiet: bool) -> None:
    for warning in result.warnings:
        warn(warning)
    verb = "Would write" if result.dry_run else "Wrote"
    for pack in result.packs:
        counts = ", ".join(f"{n} {s}" for s, n in pack.summary["criteria"].items() if n)
        n = pack.summary["initiatives"]
        line = (
            f"{verb} {pack.spec.label} (as of {pack.spec.as_of}; {n} initiative{'' if n == 1 else 's'}; criteria: "
            f"{counts or 'none'}):"
        )
        runlog.info(line + " " + ", ".join(f.name for f in pack.files))
        if not quiet:
            echo(line)
            for f in pack.files:
                echo(f"  {shown(f)}")
    if result.manifest and not quiet:
        echo(f"Manifest: {shown(result.manifest)}")
    for folder, where in result.archived.items():
        runlog.info("earlier pack %s moved to %s", folder, where)
        if not quiet:
            echo(f"Earlier pack {folder} moved to {where}")


def report_due(done: DueRun, *, quiet: bool) -> int:
    if done.built is not None:
        report(done.built, quiet=quiet)
    for line in done.skipped:
        runlog.info("not built: %s", line)
        log.info("not built: %s", line)
    for line in done.refused:
        echo(f"reportgen: error: refused: {line}", err=True)
        runlog.error("refused: %s", line)
    if done.built is None and not done.refused and not quiet and not done.skipped:
        echo(f"Nothing is due on {done.today}.")
    elif done.built is None and not done.refused and not quiet:
        echo(f"Nothing to build on {done.today}: " + "; ".join(done.skipped))
    return 2 if done.refused else 0
