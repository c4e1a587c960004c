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
    from reportgen.config import Config
    from reportgen.jobs import DueRun, Issues, Outcome, SendRequest, SendResult
    from reportgen.pipeline import RunResult
    from reportgen.plan import Plan


def _status_word(status: str) -> str:
    """The Danish status word a council reads (``Bagud``), for the summaries."""
    from reportgen.domain.status import Status

    try:
        return Status(status).label
    except ValueError:
        return status


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
        counts = ", ".join(f"{n} {_status_word(s)}" for s, n in pack.summary["criteria"].items() if n)
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


def report_due(done: DueRun, *, quiet: bool, summary: bool = True) -> int:
    if done.built is not None:
        report(done.built, quiet=quiet)
    for line in done.skipped:
        log.info("not built: %s", line)
    for line in done.refused:
        echo(f"reportgen: error: refused: {line}", err=True)
        runlog.error("refused: %s", line)
    if not summary:
        return 0
    if done.built is None and not done.refused and not quiet and not done.skipped:
        echo(f"Nothing is due on {done.today}.")
    elif done.built is None and not done.refused and not quiet:
        echo(f"Nothing to build on {done.today}: " + "; ".join(done.skipped))
    return 2 if done.refused else 0


def report_send(config: Config, plan: Plan, result: SendResult, request: SendRequest, *, quiet: bool) -> int:
    """What ``send`` did and did not do, the notice to the secretariat, and the exit code."""
    from reportgen.errors import DeliveryError
    from reportgen.jobs import issues_of
    from reportgen.jobs.unattended import tell_secretariat

    _report_messages(result, dry_run=request.dry_run, quiet=quiet)
    if request.dry_run:
        return 0
    for line in result.missing.values():
        warn(line)
    issues = issues_of(config, result)
    told = tell_secretariat(config, plan, issues, request.today)
    _say_issues(issues, told)
    if result.failed:
        from reportgen.jobs.sending import failure_text

        raise DeliveryError(
            failure_text(result, request.command)
            + ("\na notice was e-mailed to the secretariat" if told and issues else "")
        )
    return 4 if issues and not told else 0


def report_outcome(outcome: Outcome, *, quiet: bool) -> int:
    """What ``run --due --send`` did: the packs built, refused, sent and not sent, and whether the secretariat
    was told."""
    if outcome.due is not None:
        report_due(outcome.due, quiet=quiet, summary=False)
    if outcome.sent is not None:
        _report_messages(outcome.sent, dry_run=False, quiet=quiet)
    _say_issues(outcome.issues, outcome.notified)
    code: int = outcome.exit_code
    return code


def _report_messages(result: SendResult, *, dry_run: bool, quiet: bool) -> None:
    for p in result.unconfirmed:
        warn(
            f"{p.delivery.pack} to {p.delivery.recipient} is unconfirmed: the mail server may have it, but did not "
            "confirm; it is not sent again unless you use --resend"
        )
    for line in result.skipped:
        log.info("not sent: %s", line)
        if not quiet:
            echo(f"Not sent: {line}")
    if dry_run:
        for p in result.planned:
            files = ", ".join(f"{a.path.name} ({a.size:,} bytes)" for a in p.letter.attachments)
            echo(
                f"Would send to {p.delivery.recipient}: {p.letter.subject!r}; {files}; "
                f"{p.size:,} bytes; pack {p.pack_id}"
            )
        return
    for p in result.sent:
        runlog.info("sent %s to %s", p.delivery.pack, p.delivery.recipient)
        if not quiet:
            echo(f"Sent {p.delivery.pack} to {p.delivery.recipient}" + (" (rettet udgave)" if p.correction else ""))
    if not quiet and not result.sent and not result.unconfirmed and not result.failed:
        echo("Nothing to send.")


def _say_issues(issues: Issues, told: bool) -> None:
    """Every issue on stderr and in the run log; said to be e-mailed to the secretariat, or not."""
    if not issues:
        return
    for line in issues.lines():
        echo(f"reportgen: error: {line}", err=True)
        runlog.error(line)
    if told:
        runlog.info("the secretariat was told: %s", issues.subject())
        return
    echo("reportgen: error: the secretariat could not be told by e-mail ([smtp] secretariat):", err=True)
    echo(issues.text(), err=True)
    runlog.error("the secretariat could not be told by e-mail:\n%s", issues.text())
