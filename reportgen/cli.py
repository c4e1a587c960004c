"""The ``reportgen`` command line. The only module that imports click; it maps flags to library calls and domain
exceptions to messages and exit codes (0 ok, 1 internal error, 2 invalid usage/config/plan/input, 3 lock held,
4 delivery failed)."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from reportgen import __version__
from reportgen.errors import InputError, ReportgenError

log = logging.getLogger("reportgen")


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


def _error(message: str) -> None:
    click.echo(f"reportgen: error: {message}", err=True)


def _run_guarded(ctx: click.Context, action: Callable[[], int | None]) -> None:
    """Run a command body, turning domain errors into messages and exit codes."""
    debug = ctx.find_root().params.get("debug", False)
    try:
        code = action() or 0
    except InputError as exc:
        for problem in exc.problems:
            _error(str(problem))
        if len(exc.problems) > 1:
            click.echo(f"reportgen: {len(exc.problems)} problems; nothing was written", err=True)
        code = exc.exit_code
    except ReportgenError as exc:
        _error(str(exc))
        code = exc.exit_code
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
@today_option
@dry_run_option
@click.option("--pdf", is_flag=True, help="Also write the Word report as tagged PDF (PDF/UA, PDF/A-2b): LibreOffice.")
@click.option("--pdf-appendix", is_flag=True, help="Also write the Excel appendix as PDF; needs LibreOffice.")
@click.pass_context
def run(
    ctx: click.Context,
    config_path: str | None,
    meeting: dt.date | None,
    committees: tuple[str, ...],
    annual: int | None,
    today: dt.date | None,
    dry_run: bool,
    pdf: bool,
    pdf_appendix: bool,
) -> None:
    """Build the committee packs (Word status report and Excel appendix).

    With no options and no reportgen.toml here, runs on the shipped example and writes to ./outputs.

    Example: reportgen run --config reportgen.toml --committee AUU --meeting 2020-03-10
    """
    quiet = ctx.obj.get("quiet", False)

    def action() -> int:
        from reportgen.pipeline import build_packs

        config = _load(config_path)
        command = command_line(ctx)
        result = build_packs(
            config,
            meeting=meeting,
            committees=committees,
            annual=annual,
            today=today,
            dry_run=dry_run,
            pdf=pdf,
            pdf_appendix=pdf_appendix,
            command=command,
        )
        for warning in result.warnings:
            click.echo(f"reportgen: warning: {warning}", err=True)
        if quiet:
            return 0
        verb = "Would write" if dry_run else "Wrote"
        for pack in result.packs:
            label = (
                f"årlig status {pack.spec.year}"
                if pack.spec.kind == "annual"
                else f"{pack.spec.committee} {pack.spec.meeting}"
            )
            counts = ", ".join(f"{n} {s}" for s, n in pack.summary["criteria"].items() if n)
            n = pack.summary["initiatives"]
            click.echo(
                f"{verb} {label} (as of {pack.spec.as_of}; {n} initiative{'' if n == 1 else 's'}; criteria: "
                f"{counts or 'none'}):"
            )
            for f in pack.files:
                click.echo(f"  {_shown(f)}")
        if result.manifest:
            click.echo(f"Manifest: {_shown(result.manifest)}")
        for folder, where in result.archived.items():
            click.echo(f"Earlier pack {folder} moved to {where}")
        return 0

    _run_guarded(ctx, action)


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
            click.echo(f"reportgen: warning: {p}", err=True)
        summary = f"{_count(len(errors), 'error')}, {_count(len(warnings), 'warning')}"
        if errors:
            click.echo(f"reportgen: {summary}", err=True)
            return 2
        if not ctx.obj.get("quiet"):
            click.echo(f"OK: {_shown(config.path)} and its inputs are valid ({summary}).")
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
                click.echo(("Would write " if dry_run else "Wrote ") + _shown(f))
        return 0

    _run_guarded(ctx, action)


def _count(n: int, noun: str) -> str:
    """``1 error``, ``2 errors``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def main() -> None:
    cli(prog_name="reportgen")


if __name__ == "__main__":  # pragma: no cover
    main()
