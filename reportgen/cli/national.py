"""``reportgen national``: many municipalities' packs in one command, with a pool of worker processes."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import shlex
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from reportgen.cli.common import (
    DATE,
    command_line,
    count,
    dry_run_option,
    echo,
    error,
    guarded,
    quiet,
    shown,
    simulate_option,
    today_option,
)

if TYPE_CHECKING:
    from reportgen.pipeline.national import NationalResult, Outcome


@click.command("national")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--workers",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes building municipalities side by side (default: the number of cores).",
)
@click.option(
    "--annual", type=int, default=None, metavar="YEAR", help="Build each municipality's annual follow-up for YEAR."
)
@click.option("--meeting", type=DATE, default=None, help="Build each municipality's packs for the meeting on DATE.")
@click.option("--committee", "committees", multiple=True, metavar="CODE", help="Only this committee; repeatable.")
@today_option
@simulate_option
@dry_run_option
@guarded
def national(
    paths: tuple[Path, ...],
    workers: int | None,
    annual: int | None,
    meeting: dt.date | None,
    committees: tuple[str, ...],
    today: dt.date | None,
    simulate: bool,
    dry_run: bool,
) -> int:
    """Build the packs of many municipalities at once, as `reportgen run` builds one municipality's.

    Each PATH is a reportgen.toml, a municipality's folder holding one, or a folder of municipality folders. Each
    municipality keeps its own outputs, lock and manifest. One that fails does not stop the others: its errors are
    named in the summary, and the exit code is 2 at the end.

    Example: reportgen national kommuner/ --annual 2025 --workers 4
    """
    from reportgen.cli.runlog import configure_console
    from reportgen.pipeline.national import NationalRequest, default_workers, find_configs, run_national

    configs = find_configs(paths)
    request = NationalRequest(
        annual=annual,
        meeting=meeting,
        committees=committees,
        today=today,
        simulate=simulate,
        dry_run=dry_run,
        command=" ".join([command_line(click.get_current_context()), *(shlex.quote(str(p)) for p in paths)]),
    )
    setup = functools.partial(configure_console, logging.getLogger().getEffectiveLevel())
    with _progress(len(configs), quiet()) as progress:
        result = run_national(
            configs, request, workers=workers or default_workers(), progress=progress, worker_setup=setup
        )
    return _summary(result, dry_run=dry_run, quiet=quiet())


@contextmanager
def _progress(total: int, silent: bool) -> Iterator[Callable[[Outcome, int, int], None] | None]:
    """A progress bar on a terminal; plain lines on stderr otherwise (a log, cron); nothing with --quiet."""
    if silent:
        yield None
        return
    if not sys.stderr.isatty():

        def line(outcome: Outcome, done: int, total: int) -> None:
            state = "built" if outcome.ok else "FAILED"
            echo(f"reportgen: [{done}/{total}] {outcome.folder.name}: {state}", err=True)

        yield line
        return
    bar: Any = click.progressbar(
        length=total,
        label="Building municipalities",
        file=sys.stderr,
        show_pos=True,
        item_show_func=lambda outcome: outcome and outcome.folder.name,
    )
    with bar:

        def step(outcome: Outcome, done: int, _total: int) -> None:
            bar.update(done - bar.pos, outcome)

        yield step


def _summary(result: NationalResult, *, dry_run: bool, quiet: bool) -> int:
    """One line per municipality (built ones on stdout, failed ones with their errors on stderr), a total line, and
    the exit code: 2 if any municipality failed, 1 if interrupted."""
    verb = "Would build" if dry_run else "Built"
    from reportgen.pipeline.national import NOT_STARTED

    for outcome in result.outcomes:
        name = shown(outcome.folder)
        if outcome.errors == (NOT_STARTED,):
            continue
        if not outcome.ok:
            error(f"{name}: " + "; ".join(outcome.errors))
            continue
        if quiet:
            continue
        packs = ", ".join(outcome.packs) or "nothing to build"
        where = f" -> {shown(outcome.manifest.parent)}" if outcome.manifest else ""
        warned = f"; {count(len(outcome.warnings), 'warning')}" if outcome.warnings else ""
        echo(f"  {name}: {packs} ({count(len(outcome.files), 'file')}{warned}){where}")
    built = len(result.outcomes) - len(result.failed)
    failed = sum(o.errors != (NOT_STARTED,) for o in result.failed)
    peak = max((o.peak_memory for o in result.outcomes), default=0)
    total = (
        f"{verb} {built} of {len(result.outcomes)} {'municipality' if len(result.outcomes) == 1 else 'municipalities'} "
        f"with {count(result.workers, 'worker')} in {result.seconds:.1f} s"
        + (f" (peak memory per worker {peak / 2**20:.0f} MiB)" if peak else "")
    )
    if result.failed:
        error(f"{total}; {failed} failed" + (" (named above)" if failed else ""))
    elif not quiet:
        echo(total)
    if result.interrupted:
        left = sum(o.errors == (NOT_STARTED,) for o in result.outcomes)
        error(f"interrupted: {left} not started; each municipality built is complete, the others have nothing new")
        return 1
    return 2 if result.failed else 0
