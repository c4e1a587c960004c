"""What ``reportgen fetch`` (and ``run --fetch``) prints: each table written, skipped or failed, or on a dry run the
requests it would send. The Jobindsats key is never printed: a request is shown with the name of its variable."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from reportgen.cli.common import config_option, echo, error, guarded, load, quiet, shown
from reportgen.errors import InputError

if TYPE_CHECKING:
    from reportgen.config import Config
    from reportgen.fetch.run import FetchReport

fetch_option = click.option(
    "--fetch",
    "and_fetch",
    is_flag=True,
    help="First fetch the [fetch] tables from Statbank and Jobindsats; if that fails, stop (exit 2) before building.",
)


@click.command("fetch")
@config_option
@click.option("--dry-run", is_flag=True, help="Show the requests (method, address, body); send and write nothing.")
@guarded
def fetch(config_path: str | None, dry_run: bool) -> int:
    """Fetch the indicator tables in [fetch] from Statistics Denmark (Statbank) and STAR (Jobindsats).

    Each table is written to [fetch] dir as a long-layout CSV the indicator reader reads, with its source stamp
    (<file>.source.json) and the raw answers (<file>.raw.json); a table that fails leaves its earlier file as it
    was. Jobindsats needs an API key from STAR, read from the environment variable in key_env; without it those
    tables are skipped. Exit 2 if a table failed or none was fetched.

    Example: reportgen fetch --config reportgen.toml --dry-run
    """
    return run_fetch(load(config_path), dry_run=dry_run, quiet=quiet())


def fetch_first(config_path: str | None, *, and_fetch: bool, dry_run: bool) -> None:
    """``run --fetch``: fetch before building; if the fetch fails, stop (exit 2) before anything is built."""
    if and_fetch and run_fetch(load(config_path), dry_run=dry_run, quiet=quiet()):
        raise InputError.at("run --fetch", "the fetch failed; nothing was built", "the problems above fixed")


def run_fetch(config: Config, *, dry_run: bool, quiet: bool) -> int:
    """Fetch every configured table; 2 if one failed or none could be fetched, else 0."""
    from reportgen.fetch.run import fetch_all

    folder = config.resolve(config.model.fetch.dir)
    config.require_allowed(folder, "fetch.dir")
    where = config.display(config.path)
    report = fetch_all(config.model.fetch, folder, where=where, now=config.now(), dry_run=dry_run)
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
