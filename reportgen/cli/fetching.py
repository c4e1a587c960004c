"""What ``reportgen fetch`` (and ``run --fetch``) prints: each table written, skipped or failed, or on a dry run the
requests it would send. The Jobindsats key is never printed: a request is shown with the name of its variable."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportgen.cli.common import echo, error, shown

if TYPE_CHECKING:
    from reportgen.config import Config
    from reportgen.fetching import FetchReport


def run_fetch(config: Config, *, dry_run: bool, quiet: bool) -> int:
    """Fetch every configured table; 2 if one failed or none could be fetched, else 0."""
    from reportgen.fetching import fetch_all

    report = fetch_all(config, dry_run=dry_run)
    print_report(report, quiet=quiet)
    return 2 if report.failed else 0


def print_report(report: FetchReport, *, quiet: bool) -> None:
    for o in report.outcomes:
        if o.status == "planned" and o.planned is not None:
            echo(f"Would fetch {o.table} into {shown(o.target)}:")
            for request in o.planned.requests:
                echo("  " + request.shown().replace("\n", "\n  "))
            if o.planned.remark:
                echo(f"  ({o.planned.remark})")
        elif o.status == "written":
            if not quiet:
                echo(f"Wrote {shown(o.target)} ({o.table}: {o.figures} figures) and its .source.json")
        elif o.problem is not None and o.status == "skipped":
            echo(f"reportgen: warning: {o.problem}", err=True)
        elif o.problem is not None:
            error(str(o.problem))
    if report.failed:
        failed = sum(o.status != "written" for o in report.outcomes)
        echo(f"reportgen: {failed} of {len(report.outcomes)} tables not fetched", err=True)
