"""The ``reportgen`` command line. The only module that imports click; it maps flags to library calls and domain
exceptions to messages and exit codes (0 ok, 1 internal error, 2 invalid usage/config/plan/input, 3 lock held,
4 delivery failed)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from reportgen import __version__
from reportgen.errors import InputError, ReportgenError, UsageError

log = logging.getLogger("reportgen")
runlog = logging.getLogger("reportgen.runlog")  # to the run's log file only
runlog.propagate = False


class _Date(click.ParamType):  # type: ignore[type-arg]  # generic only in click stubs >= 8.2
    name = "DATE"

    def convert(self, value: Any, param: Any, ctx: Any) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date (expected YYYY-MM-DD, e.g. 2020-03-10)", param, ctx)


DATE = _Date()

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="The reportgen.toml to use (default: ./reportgen.toml, else the shipped example).",
)
today_option = click.option(
    "--today", type=DATE, default=None, help="Act as if today were DATE (YYYY-MM-DD); figures are as of this date."
)
dry_run_option = click.option(
    "--dry-run", is_flag=True, help="Do everything except writing or sending; show what would be done."
)


def _echo(message: object = "", *, err: bool = False, nl: bool = True) -> None:
    """Every console line passes the privacy gate: a CPR number in a file name or a cell never reaches a terminal
    or a cron mail."""
    from reportgen.domain.personal_data import masked

    click.echo(masked(str(message)), err=err, nl=nl)


class _MaskingFilter(logging.Filter):
    """Masks CPR numbers in every log record, whatever module wrote it (on the console and the run's log file)."""

    def filter(self, record: logging.LogRecord) -> bool:
        from reportgen.domain.personal_data import masked

        message = record.getMessage()
        clean = masked(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def _error(message: str) -> None:
    _echo(f"reportgen: error: {message}", err=True)


def _run_guarded(ctx: click.Context, action: Callable[[], int | None]) -> None:
    """Run a command body, turning domain errors into messages and exit codes."""
    debug = ctx.find_root().params.get("debug", False)
    try:
        code = action() or 0
    except InputError as exc:
        for problem in exc.problems:
            _error(str(problem))
        if len(exc.problems) > 1:
            _echo(f"reportgen: {len(exc.problems)} problems; nothing was written", err=True)
        code = exc.exit_code
    except ReportgenError as exc:
        _error(str(exc))
        code = exc.exit_code
    except BrokenPipeError:  # the reader of our output went away (| head): nothing to say, nowhere to say it
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - Python would otherwise complain at exit
        code = 1
    except OSError as exc:  # the environment: disk full, no permission, a file where a folder should be
        where = f"{exc.filename}: " if exc.filename else ""
        reason = exc.strerror or str(exc)
        _error(f"{where}{reason} (free space and write permission in the output folder; nothing new was published)")
        code = 2
    except KeyboardInterrupt:
        _error("interrupted; nothing was published")
        code = 1
    except Exception as exc:  # the contract: a short message, traceback only with --debug
        if debug:
            raise
        _error(f"internal error: {type(exc).__name__}: {exc} (run again with --debug for the traceback)")
        code = 1
    ctx.exit(code)


def shipped_example() -> Path | None:
    """The example config that ships with a source checkout (Frederiksberg 2019), if present."""
    from reportgen.config import CONFIG_NAME

    candidate = Path(__file__).resolve().parent.parent / CONFIG_NAME
    return candidate if candidate.is_file() else None


def find_config(explicit: str | Path | None, cwd: Path | None = None) -> tuple[Path, bool]:
    """Which config to use: ``--config``, else ``./reportgen.toml``, else the shipped example.

    Returns the path and whether it is the shipped example run from elsewhere (then outputs go to ``./outputs``).
    """
    from reportgen.config import CONFIG_NAME

    cwd = cwd or Path.cwd()
    if explicit:
        return Path(explicit), False
    local = cwd / CONFIG_NAME
    if local.is_file():
        return local, False
    example = shipped_example()
    if example is None:
        raise InputError.at(
            CONFIG_NAME, "no configuration found", "a reportgen.toml in the working directory or --config FILE"
        )
    return example, example.parent.resolve() != cwd.resolve()


def _load(config_path: str | None) -> Any:
    from reportgen.config import load_config

    path, elsewhere = find_config(config_path)
    if elsewhere:
        log.info("no reportgen.toml here; using the shipped example %s", path)
    return load_config(path, output_root=(Path.cwd() / "outputs") if elsewhere else None)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
@click.option("--verbose", "-v", is_flag=True, help="Print progress and details.")
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
@click.pass_context
def cli(ctx: click.Context, quiet: bool, verbose: bool, debug: bool) -> None:
    """Follow-up reports for Danish municipal integration policy action plans.

    Example: reportgen run --committee AUU --meeting 2020-03-10
    """
    level = logging.ERROR if quiet else (logging.DEBUG if debug else (logging.INFO if verbose else logging.WARNING))
    logging.basicConfig(level=level, format="reportgen: %(levelname)s: %(message)s", stream=sys.stderr, force=True)
    for handler in logging.getLogger().handlers:
        handler.addFilter(_MaskingFilter())
        handler.setLevel(level)  # a run's log file may take more detail than the console shows
    ctx.ensure_object(dict)
    ctx.obj["quiet"] = quiet


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
@today_option
@dry_run_option
@click.option("--pdf", is_flag=True, help="Also write the Word report as tagged PDF (PDF/UA, PDF/A-2b): LibreOffice.")
@click.option("--pdf-appendix", is_flag=True, help="Also write the Excel appendix as PDF; needs LibreOffice.")
@click.option("--strict-privacy", is_flag=True, help="Refuse to publish (exit 2) if any input text holds a CPR number.")
@click.pass_context
def run(
    ctx: click.Context,
    config_path: str | None,
    meeting: dt.date | None,
    committees: tuple[str, ...],
    annual: int | None,
    due: bool,
    allow_stale: bool,
    today: dt.date | None,
    dry_run: bool,
    pdf: bool,
    pdf_appendix: bool,
    strict_privacy: bool,
) -> None:
    """Build the committee packs (Word status report and Excel appendix).

    With no options and no reportgen.toml here, runs on the shipped example and writes to ./outputs.
    With --due, builds what the calendar says is due and not yet built from the same inputs (idempotent).

    Example: reportgen run --config reportgen.toml --committee AUU --meeting 2020-03-10
    """
    quiet = ctx.obj.get("quiet", False)

    def action() -> int:
        from reportgen.pipeline import build_packs

        config = _load(config_path)
        command = command_line(ctx)
        if due:
            if meeting or committees or annual or dry_run or pdf or pdf_appendix:
                raise UsageError.at(
                    "--due",
                    "--due chooses the packs itself",
                    "--due without --meeting, --committee, --annual, --dry-run or --pdf",
                )
            return _run_due(
                config,
                today=today,
                allow_stale=allow_stale,
                command=command,
                quiet=quiet,
                strict_privacy=strict_privacy,
            )
        if allow_stale:
            raise UsageError.at(
                "--allow-stale", "--allow-stale only applies to --due", "reportgen run --due --allow-stale"
            )
        with run_log(config, "run", enabled=not dry_run), _progress(quiet) as progress:
            result = build_packs(
                config,
                progress=progress,
                meeting=meeting,
                committees=committees,
                annual=annual,
                today=today,
                dry_run=dry_run,
                pdf=pdf,
                pdf_appendix=pdf_appendix,
                command=command,
                strict_privacy=strict_privacy,
            )
            _report(result, quiet=quiet)
        return 0

    _run_guarded(ctx, action)


class _LazyFileHandler(logging.FileHandler):
    """A log file whose folder and file are created with the first record."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(path, encoding="utf-8", delay=True)

    def emit(self, record: logging.LogRecord) -> None:
        if self.stream is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        super().emit(record)


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
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


def _warn(message: str) -> None:
    _echo(f"reportgen: warning: {message}", err=True)
    runlog.warning(message)


def _report(result: Any, *, quiet: bool) -> None:
    for warning in result.warnings:
        _warn(warning)
    verb = "Would write" if result.dry_run else "Wrote"
    for pack in result.packs:
        label = (
            f"årlig status {pack.spec.year}"
            if pack.spec.kind == "annual"
            else f"{pack.spec.committee} {pack.spec.meeting}"
        )
        counts = ", ".join(f"{n} {s}" for s, n in pack.summary["criteria"].items() if n)
        n = pack.summary["initiatives"]
        line = (
            f"{verb} {label} (as of {pack.spec.as_of}; {n} initiative{'' if n == 1 else 's'}; criteria: "
            f"{counts or 'none'}):"
        )
        runlog.info(line + " " + ", ".join(f.name for f in pack.files))
        if not quiet:
            _echo(line)
            for f in pack.files:
                _echo(f"  {_shown(f)}")
    if result.manifest and not quiet:
        _echo(f"Manifest: {_shown(result.manifest)}")
    for folder, where in result.archived.items():
        runlog.info("earlier pack %s moved to %s", folder, where)
        if not quiet:
            _echo(f"Earlier pack {folder} moved to {where}")


def _run_due(
    config: Any, *, today: dt.date | None, allow_stale: bool, command: str, quiet: bool, strict_privacy: bool
) -> int:
    from reportgen.jobs import run_due

    with run_log(config, "run-due"):
        done = run_due(config, today=today, allow_stale=allow_stale, command=command, strict_privacy=strict_privacy)
        if done.built is not None:
            _report(done.built, quiet=quiet)
        for line in done.skipped:
            runlog.info("not built: %s", line)
            log.info("not built: %s", line)
        for line in done.refused:
            _echo(f"reportgen: error: refused: {line}", err=True)
            runlog.error("refused: %s", line)
        if done.built is None and not done.refused and not quiet and not done.skipped:
            _echo(f"Nothing is due on {done.today}.")
        elif done.built is None and not done.refused and not quiet:
            _echo(f"Nothing to build on {done.today}: " + "; ".join(done.skipped))
    return 2 if done.refused else 0


def command_line(ctx: click.Context) -> str:
    """The command that ran, as a user would type it again: ``reportgen run --annual 2019`` (for the manifest)."""
    import shlex

    words = ["reportgen", *ctx.command_path.split()[1:]]
    for param in ctx.command.params:
        value = ctx.params.get(param.name or "")
        if not isinstance(param, click.Option) or value in (None, False, (), param.default):
            continue
        option = max(param.opts, key=len)
        for item in value if isinstance(value, tuple) else [value]:
            words += [option] if item is True else [option, str(item)]
    return shlex.join(words)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@cli.command()
@config_option
@click.pass_context
def validate(ctx: click.Context, config_path: str | None) -> None:
    """Check the config, the plan and every input; list all problems, not just the first.

    Exits 2 if there is any error, 0 with warnings only.

    Example: reportgen validate --config reportgen.toml
    """

    def action() -> int:
        from reportgen.pipeline import validate as validate_all

        config = _load(config_path)
        problems = validate_all(config)
        errors = [p for p in problems if p.severity == "error"]
        warnings = [p for p in problems if p.severity == "warning"]
        for p in errors:
            _error(str(p))
        for p in warnings:
            _echo(f"reportgen: warning: {p}", err=True)
        summary = f"{_count(len(errors), 'error')}, {_count(len(warnings), 'warning')}"
        if errors:
            _echo(f"reportgen: {summary}", err=True)
            return 2
        if not ctx.obj.get("quiet"):
            _echo(f"OK: {_shown(config.path)} and its inputs are valid ({summary}).")
        return 0

    _run_guarded(ctx, action)


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
@dry_run_option
@click.pass_context
def collect(
    ctx: click.Context, config_path: str | None, out_dir: str | None, today: dt.date | None, dry_run: bool
) -> None:
    """Write a pre-filled measurement sheet (Målinger) per contact: exactly the measurements their criteria need.

    Example: reportgen collect --out til-kontaktpersoner/
    """

    def action() -> int:
        from reportgen.pipeline import collect_sheets
        from reportgen.plan import load_plan

        config = _load(config_path)
        plan = load_plan(config.plan_path, config.display(config.plan_path))
        target = Path(out_dir) if out_dir else config.output_dir / plan.slug / "maalinger-skabeloner"
        files = collect_sheets(plan, target, today=today or dt.date.today(), dry_run=dry_run)
        if not ctx.obj.get("quiet"):
            for f in files:
                _echo(("Would write " if dry_run else "Wrote ") + _shown(f))
        return 0

    _run_guarded(ctx, action)


def _count(n: int, noun: str) -> str:
    """``1 error``, ``2 errors``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


@cli.command()
@config_option
@today_option
@click.pass_context
def due(ctx: click.Context, config_path: str | None, today: dt.date | None) -> None:
    """List the coming meetings, each pack's due date, and whether it is built and sent.

    A pack is due a number of Danish working days before its meeting ([schedule] lead_days; weekends and public
    holidays do not count); the annual follow-up on [schedule] annual of the next year.

    Example: reportgen due --today 2020-03-02
    """

    def action() -> int:
        from reportgen.jobs import calendar_status

        config = _load(config_path)
        day, lines = calendar_status(config, today=today)
        sent_words = {"sent": "yes", "partly": "partly", "unconfirmed": "unconfirmed", "": "no"}
        _echo(f"Today ({config.model.schedule.timezone}): {day}")
        _echo(f"{'due':<11} {'pack':<34} {'status':<8} {'built':<6} sent")
        for line in lines:
            state = "due" if line.pack.due <= day else "coming"
            _echo(
                f"{line.pack.due.isoformat():<11} {line.pack.label:<34} {state:<8} "
                f"{'yes' if line.built else 'no':<6} {sent_words[line.sent]}"
            )
        if not lines:
            _echo("No coming meetings in the calendar ([[meetings]] in reportgen.toml).")
        return 0

    _run_guarded(ctx, action)


@cli.command()
@config_option
@click.option("--meeting", type=DATE, default=None, help="Only the packs for the meeting on DATE.")
@click.option("--committee", default=None, metavar="CODE", help="Only this committee's packs, e.g. AUU.")
@today_option
@dry_run_option
@click.option("--resend", is_flag=True, help="Send again, also to recipients who already have it or are unconfirmed.")
@click.pass_context
def send(
    ctx: click.Context,
    config_path: str | None,
    meeting: dt.date | None,
    committee: str | None,
    today: dt.date | None,
    dry_run: bool,
    resend: bool,
) -> None:
    """E-mail the built packs to their committee's recipients over SMTP ([smtp], [committees.<CODE>]).

    Without --meeting/--committee: every pack whose meeting is today or later, and the annual follow-up. Each
    recipient gets each pack once (the send ledger beside the manifest); exit 4 if any e-mail failed.

    Example: reportgen send --committee AUU --dry-run
    """
    quiet = ctx.obj.get("quiet", False)

    def action() -> int:
        from reportgen.jobs import pack_id_of, send_packs

        config = _load(config_path)
        with run_log(config, "send"):
            result = send_packs(
                config,
                meeting=meeting,
                committee=committee,
                today=today,
                dry_run=dry_run,
                resend=resend,
                command=command_line(ctx),
            )
            for p in result.unconfirmed:
                _warn(
                    f"{p.delivery.pack} to {p.delivery.recipient} is unconfirmed: a run stopped after handing it to "
                    "the mail server; it is not sent again unless you use --resend"
                )
            if dry_run:
                for p in result.planned:
                    files = ", ".join(f"{a.path.name} ({a.size:,} bytes)" for a in p.letter.attachments)
                    entry = {
                        "folder": p.delivery.pack,
                        "files": [{"name": n, "sha256": d} for n, d in p.delivery.attachments],
                    }
                    _echo(
                        f"Would send to {p.delivery.recipient}: {p.letter.subject!r}; {files}; "
                        f"{p.size:,} bytes; pack {pack_id_of(entry)}"
                    )
            elif not quiet:
                for p in result.sent:
                    _echo(f"Sent {p.delivery.pack} to {p.delivery.recipient}")
                if not result.sent and not result.unconfirmed:
                    _echo("Nothing to send.")
            for line in result.skipped:
                log.info("not sent: %s", line)
        return 0

    _run_guarded(ctx, action)


@cli.command()
@config_option
@click.pass_context
def cron(ctx: click.Context, config_path: str | None) -> None:
    """Print the crontab lines and an equivalent systemd service and timer for the configured schedule.

    Example: reportgen cron --config /srv/integration/reportgen.toml
    """

    def action() -> int:
        from reportgen.delivery.cron import crontab, systemd_units

        config = _load(config_path)
        executable = Path(sys.argv[0]).resolve() if Path(sys.argv[0]).name == "reportgen" else _installed()
        _echo(crontab(executable, config.path, annual=config.model.schedule.annual))
        _echo(systemd_units(executable, config.path))
        return 0

    _run_guarded(ctx, action)


def _installed() -> Path:
    """The reportgen command of this installation (next to the running Python)."""
    return Path(sys.executable).parent / "reportgen"


@contextmanager
def run_log(config: Any, name: str, *, enabled: bool = True) -> Iterator[None]:
    """A log file for this run in the output folder (``logs/<time>-<name>.log``), for cron runs to be traced. It is
    made only when there is something to log, so a run that writes nothing leaves nothing behind."""
    from reportgen.plan import load_plan

    try:
        plan = load_plan(config.plan_path, config.display(config.plan_path))
    except ReportgenError:
        plan = None
    if plan is None or not enabled:
        yield  # the run itself reports the problem
        return
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    handler = _LazyFileHandler(config.output_dir / plan.slug / "logs" / f"{stamp}-{name}.log")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    handler.addFilter(_MaskingFilter())
    watched = [runlog, logging.getLogger("reportgen.jobs")]
    for logger in watched:
        logger.addHandler(handler)
    previous = runlog.level, watched[1].level
    runlog.setLevel(logging.INFO)
    watched[1].setLevel(logging.INFO)
    try:
        yield
    finally:
        for logger in watched:
            logger.removeHandler(handler)
        runlog.setLevel(previous[0])
        watched[1].setLevel(previous[1])
        handler.close()


def main() -> None:
    cli(prog_name="reportgen")


if __name__ == "__main__":  # pragma: no cover
    main()
