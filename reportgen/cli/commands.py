"""The ``reportgen`` commands. Each maps its flags to a library call (``pipeline``, ``jobs``); ``guarded`` maps
domain exceptions to messages and exit codes. Importing this module adds them to the root group (``reportgen.cli``),
which imports it when a command is looked up."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reportgen.cli import cli, main
from reportgen.cli.common import (
    DATE,
    Dates,
    account_name,
    command_line,
    config_option,
    count,
    dry_run_option,
    echo,
    error,
    guarded,
    installed_command,
    load,
    load_plan,
    quiet,
    shown,
    simulate_option,
    today_option,
)
from reportgen.cli.fetching import fetch, fetch_first, fetch_option
from reportgen.cli.national import national
from reportgen.cli.plan_commands import init, plan_group
from reportgen.cli.runlog import run_log
from reportgen.errors import InputError, UsageError

if TYPE_CHECKING:
    from reportgen.pipeline import BuildOptions


@cli.command()
@config_option
@click.option("--meeting", type=DATE, default=None, help="Build the packs for the meeting on DATE (YYYY-MM-DD).")
@click.option(
    "--committee",
    "committees",
    multiple=True,
    metavar="CODE",
    help="Only this committee (udvalg), e.g. AUU; repeatable.",
)
@click.option(
    "--annual", type=int, default=None, metavar="YEAR", help="Build the annual follow-up (årlig status) for YEAR."
)
@click.option("--due", is_flag=True, help="Build exactly the packs the meeting calendar says are due (for cron).")
@click.option("--allow-stale", is_flag=True, help="With --due: build a due pack even if its inputs are stale.")
@click.option(
    "--send",
    "and_send",
    is_flag=True,
    help="With --due: also e-mail what is due, and tell the secretariat of every refusal (the cron command).",
)
@click.option(
    "--unscheduled", is_flag=True, help="With --meeting: build an ad-hoc pack for a date not in the calendar."
)
@today_option
@simulate_option
@dry_run_option
@click.option("--pdf", is_flag=True, help="Also write the Word report as tagged PDF/A (PDF/UA if its tags hold it).")
@click.option("--pdf-appendix", is_flag=True, help="Also write the Excel appendix as PDF; needs LibreOffice.")
@click.option("--strict-privacy", is_flag=True, help="Refuse to publish (exit 2) if any input text holds a CPR number.")
@fetch_option
@guarded
def run(
    config_path: str | None,
    meeting: dt.date | None,
    committees: tuple[str, ...],
    annual: int | None,
    due: bool,
    allow_stale: bool,
    and_send: bool,
    unscheduled: bool,
    today: dt.date | None,
    simulate: bool,
    dry_run: bool,
    pdf: bool,
    pdf_appendix: bool,
    strict_privacy: bool,
    and_fetch: bool,
) -> int:
    """Build the committee packs (Word status report and Excel appendix).

    With no options and no reportgen.toml here, runs on the shipped example and writes to ./outputs.
    With --due, builds what the calendar says is due and not yet built from the same inputs (idempotent);
    with --due --send also e-mails what is due and tells the secretariat of every refusal (for cron).

    Example: reportgen run --config reportgen.toml --committee AUU --meeting 2020-03-10
    """
    from reportgen.pipeline import BuildOptions

    dates = Dates(today, simulate)
    fetch_first(config_path, and_fetch=and_fetch, dry_run=dry_run)
    options = BuildOptions(
        dry_run=dry_run,
        pdf=pdf,
        pdf_appendix=pdf_appendix,
        strict_privacy=strict_privacy,
        command=command_line(click.get_current_context()),
    )
    if due:
        if meeting or committees or annual or dry_run or pdf or pdf_appendix:
            raise UsageError.at(
                "--due",
                "--due chooses the packs itself",
                "--due without --meeting, --committee, --annual, --dry-run or --pdf",
            )
        return _run_due(config_path, dates=dates, allow_stale=allow_stale, options=options, and_send=and_send)
    for flag, given in (("--allow-stale", allow_stale), ("--send", and_send)):
        if given:
            raise UsageError.at(flag, f"{flag} only applies to --due", f"reportgen run --due {flag}")
    if unscheduled and meeting is None:
        raise UsageError.at(
            "--unscheduled", "--unscheduled needs --meeting DATE", "reportgen run --meeting DATE --unscheduled"
        )
    return _run(
        config_path,
        dates=dates,
        meeting=meeting,
        committees=committees,
        annual=annual,
        unscheduled=unscheduled,
        options=options,
    )


def _run(
    config_path: str | None,
    *,
    dates: Dates,
    meeting: dt.date | None,
    committees: tuple[str, ...],
    annual: int | None,
    unscheduled: bool,
    options: BuildOptions,
) -> int:
    from reportgen.cli.reporting import progress_bar, report
    from reportgen.pipeline import run_packs

    config = load(config_path)
    try:
        plan = load_plan(config)
    except InputError:
        plan = None  # run_packs reads every input and reports the plan's problems with theirs
    root = None if plan is None or options.dry_run else config.pack_root(plan.slug)
    with run_log(config, root, "run"), progress_bar(quiet()) as progress:
        result = run_packs(
            config,
            today=dates.resolve(config, plan),
            plan=plan,
            meeting=meeting,
            committees=committees,
            annual=annual,
            unscheduled=unscheduled,
            options=options,
            progress=progress,
        )
        report(result, quiet=quiet())
    return 0


def _run_due(config_path: str | None, *, dates: Dates, allow_stale: bool, options: BuildOptions, and_send: bool) -> int:
    from reportgen.cli.reporting import report_due, report_outcome
    from reportgen.jobs import run_due, run_unattended

    config = load(config_path)
    plan = load_plan(config)
    today = dates.resolve(config, plan)
    with run_log(config, config.pack_root(plan.slug), "run-due"):
        if and_send:
            outcome = run_unattended(config, plan, today=today, allow_stale=allow_stale, options=options)
            return report_outcome(outcome, quiet=quiet())
        done = run_due(config, plan, today=today, allow_stale=allow_stale, options=options)
        return report_due(done, quiet=quiet())


@cli.command()
@config_option
@guarded
def validate(config_path: str | None) -> int:
    """Check the config, the plan and every input; list all problems, not just the first.

    Exits 2 if there is any error, 0 with warnings only.

    Example: reportgen validate --config reportgen.toml
    """
    from reportgen.errors import ProblemLog
    from reportgen.jobs.checks import check_delivery
    from reportgen.pipeline import validate as validate_all

    config = load(config_path)
    try:
        plan = load_plan(config)
    except InputError:
        plan = None  # validate_all reads every input and reports the plan's problems with theirs
    problems = validate_all(config, plan=plan)
    if plan is not None and not any(p.severity == "error" for p in problems):
        delivery = ProblemLog()
        check_delivery(config, plan, delivery)
        problems += delivery.problems
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    for p in errors:
        error(str(p))
    for p in warnings:
        echo(f"reportgen: warning: {p}", err=True)
    summary = f"{count(len(errors), 'error')}, {count(len(warnings), 'warning')}"
    if errors:
        echo(f"reportgen: {summary}", err=True)
        return 2
    if not quiet():
        echo(f"OK: {shown(config.path)} and its inputs are valid ({summary}).")
    return 0


@cli.command()
@config_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder for the sheets (default: <output>/maalinger-skabeloner).",
)
@today_option
@simulate_option
@dry_run_option
@guarded
def collect(config_path: str | None, out_dir: str | None, today: dt.date | None, simulate: bool, dry_run: bool) -> int:
    """Write a pre-filled measurement sheet (Målinger) per contact: exactly the measurements their criteria need.

    Example: reportgen collect --out til-kontaktpersoner/
    """
    from reportgen.pipeline import collect_sheets

    config = load(config_path)
    plan = load_plan(config)
    target = Path(out_dir) if out_dir else config.pack_root(plan.slug) / "maalinger-skabeloner"
    when = Dates(today, simulate).resolve(config, plan)
    files = collect_sheets(plan, target, today=when, dry_run=dry_run, config=config)
    if not quiet():
        for f in files:
            echo(("Would write " if dry_run else "Wrote ") + shown(f))
    return 0


@cli.command()
@config_option
@today_option
@simulate_option
@guarded
def due(config_path: str | None, today: dt.date | None, simulate: bool) -> int:
    """List the coming meetings, each pack's due date, and whether it is built and sent.

    A pack is due a number of Danish working days before its meeting ([schedule] lead_days; weekends and public
    holidays do not count); the annual follow-up on [schedule] annual of the next year.

    Example: reportgen due --today 2020-03-02
    """
    from reportgen.jobs import calendar_status

    config = load(config_path)
    plan = load_plan(config)
    day = Dates(today, simulate).resolve(config, plan)
    lines = calendar_status(config, plan, day)
    sent_words = {"sent": "yes", "partly": "partly", "unconfirmed": "unconfirmed", "": "no"}
    echo(f"Today ({config.model.schedule.timezone}): {day}")
    echo(f"{'due':<11} {'pack':<34} {'status':<8} {'built':<6} sent")
    for line in lines:
        state = "due" if line.pack.due <= day else "coming"
        echo(
            f"{line.pack.due.isoformat():<11} {line.pack.spec.label:<34} {state:<8} "
            f"{'yes' if line.built else 'no':<6} {sent_words[line.sent]}"
        )
    if not lines:
        echo("No coming meetings in the calendar ([[meetings]] in reportgen.toml).")
    return 0


@cli.command()
@config_option
@click.option("--meeting", type=DATE, default=None, help="Only the packs for the meeting on DATE.")
@click.option("--committee", default=None, metavar="CODE", help="Only this committee's packs, e.g. AUU.")
@today_option
@simulate_option
@dry_run_option
@click.option("--resend", is_flag=True, help="Send again, also to recipients who already have it or are unconfirmed.")
@click.option("--correction", is_flag=True, help="Send packs rebuilt after they were sent, marked 'Rettet:'.")
@guarded
def send(
    config_path: str | None,
    meeting: dt.date | None,
    committee: str | None,
    today: dt.date | None,
    simulate: bool,
    dry_run: bool,
    resend: bool,
    correction: bool,
) -> int:
    """E-mail the built packs that are due to their committee's recipients over SMTP ([smtp], [committees.<CODE>]).

    Without --meeting/--committee: each calendar pack from its due date until its meeting, and the annual follow-up
    from its date; every other built pack is named with the reason it is not sent. Each recipient gets each pack
    once (the send ledger beside the manifest). A pack rebuilt after it was sent goes out only with --correction.
    Exit 4 if any e-mail failed, 2 if a pack that is due is not built or has no recipients.

    Example: reportgen send --committee AUU --dry-run
    """
    from reportgen.cli.reporting import report_send

    config = load(config_path)
    plan = load_plan(config)
    from reportgen.jobs import SendRequest, send_packs

    request = SendRequest(
        today=Dates(today, simulate).resolve(config, plan),
        meeting=meeting,
        committee=committee,
        dry_run=dry_run,
        resend=resend,
        correction=correction,
        command=command_line(click.get_current_context()),
    )
    with run_log(config, None if dry_run else config.pack_root(plan.slug), "send"):
        return report_send(config, plan, send_packs(config, plan, request), request, quiet=quiet())


@cli.command()
@config_option
@click.option(
    "--env-file",
    "env_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="The file with the SMTP password, mode 600 (default: reportgen.env beside the config).",
)
@guarded
def cron(config_path: str | None, env_file: str | None) -> int:
    """Print the crontab lines and an equivalent systemd service and timer for the configured schedule.

    Both run one command every day: reportgen --quiet run --due --send. The SMTP password ([smtp] password_env) is
    read from an environment file only its owner can read; exit 2 if it is missing or readable by others, or if a
    path cannot be written in a crontab line or unit file.

    Example: reportgen cron --config /srv/integration/reportgen.toml
    """
    from reportgen.delivery.cron import Installation, check_env_file, check_paths, crontab, systemd_units

    config = load(config_path)
    executable = Path(sys.argv[0]).resolve() if Path(sys.argv[0]).name == "reportgen" else installed_command()
    smtp = config.model.smtp
    password_env = smtp.password_env if smtp else "REPORTGEN_SMTP_PASSWORD"
    secret = Path(env_file).absolute() if env_file else config.path.parent / "reportgen.env"
    paths = {"reportgen executable": executable, "config": config.path}
    if smtp is not None and smtp.user:
        paths["environment file"] = secret
    check_paths(paths)
    if smtp is not None and smtp.user:
        check_env_file(secret, password_env)
    setup = Installation(
        executable=executable,
        config=config.path,
        timezone=config.model.schedule.timezone,
        env_file=secret if smtp is not None and smtp.user else None,
        password_env=password_env,
        account=account_name(),
        sends=smtp is not None,
    )
    echo(crontab(setup))
    echo(systemd_units(setup))
    return 0


for command in (fetch, plan_group, init, national):
    cli.add_command(command)

__all__ = ["cli", "main"]
