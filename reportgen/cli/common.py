"""What every command shares: the date type and common options, the console (through the privacy gate), finding the
config, and one decorator that maps domain errors to messages and exit codes."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from reportgen.errors import InputError, ReportgenError

if TYPE_CHECKING:
    from reportgen.config import Config
    from reportgen.plan import Plan

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
simulate_option = click.option(
    "--simulate",
    is_flag=True,
    help="Allow --today after the real date or before the plan starts (rehearsals and tests).",
)
dry_run_option = click.option(
    "--dry-run", is_flag=True, help="Do everything except writing or sending; show what would be done."
)


class Dates:
    """``--today`` and ``--simulate``: which day a command acts on. A date after the real one, or before the plan
    starts, is refused unless ``--simulate`` says it is deliberate (a cover saying "pr. 1. januar 2030" is a typo)."""

    def __init__(self, today: dt.date | None, simulate: bool):
        self.today = today
        self.simulate = simulate

    def resolve(self, config: Config, plan: Plan | None) -> dt.date:
        from reportgen.domain.clock import acting_day

        return acting_day(
            self.today,
            simulate=self.simulate,
            real=config.today(),
            plan_start=None if plan is None else plan.period.start,
            zone=config.model.schedule.timezone,
        )


def echo(message: object = "", *, err: bool = False, nl: bool = True) -> None:
    """Every console line passes the privacy gate: a CPR number in a file name or a cell never reaches a terminal
    or a cron mail."""
    from reportgen.domain.personal_data import masked

    click.echo(masked(str(message)), err=err, nl=nl)


def error(message: str) -> None:
    echo(f"reportgen: error: {message}", err=True)


def quiet() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().params.get("quiet"))


F = TypeVar("F", bound=Callable[..., int | None])


def guarded(command: F) -> F:
    """Run a command body, turning domain errors into messages and exit codes (0 ok, 1 internal error, 2 invalid
    usage/config/plan/input or environment, 3 lock held, 4 delivery failed)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        ctx = click.get_current_context()
        ctx.exit(_exit_code(ctx, lambda: command(*args, **kwargs)))

    return wrapper  # type: ignore[return-value]


def _exit_code(ctx: click.Context, action: Callable[[], int | None]) -> int:
    debug = ctx.find_root().params.get("debug", False)
    try:
        return action() or 0
    except InputError as exc:
        for problem in exc.problems:
            error(str(problem))
        if len(exc.problems) > 1:
            echo(f"reportgen: {len(exc.problems)} problems; nothing was written", err=True)
        return exc.exit_code
    except ReportgenError as exc:
        error(str(exc))
        return exc.exit_code
    except BrokenPipeError:  # the reader of our output went away (| head): nothing to say, nowhere to say it
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - Python would otherwise complain at exit
        return 1
    except OSError as exc:  # the environment: disk full, no permission, a file where a folder should be
        where = f"{exc.filename}: " if exc.filename else ""
        reason = exc.strerror or str(exc)
        error(f"{where}{reason} (free space and write permission in the output folder; nothing new was published)")
        return 2
    except KeyboardInterrupt:
        error("interrupted; nothing was published")
        return 1
    except Exception as exc:  # the contract: a short message, traceback only with --debug
        if debug:
            raise
        error(f"internal error: {type(exc).__name__}: {exc} (run again with --debug for the traceback)")
        return 1


def shipped_example() -> Path | None:
    """The config of the shipped example (Frederiksberg 2019): in a source checkout, or installed with the package."""
    from reportgen.config import CONFIG_NAME
    from reportgen.pipeline.examples import example_folder

    folder = example_folder("frederiksberg")
    return None if folder is None else folder / CONFIG_NAME


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


def load(config_path: str | None) -> Config:
    from reportgen.config import load_config

    path, elsewhere = find_config(config_path)
    if elsewhere:
        log.info("no reportgen.toml here; using the shipped example %s", path)
    return load_config(path, output_root=(Path.cwd() / "outputs") if elsewhere else None)


def load_plan(config: Config) -> Plan:
    """The plan, loaded once per command."""
    from reportgen.pipeline import load_plan_of

    return load_plan_of(config)


def command_line(ctx: click.Context) -> str:
    """The command that ran, as a user would type it again: ``reportgen run --annual 2019`` (for the manifest)."""
    words = ["reportgen", *ctx.command_path.split()[1:]]
    for param in ctx.command.params:
        value = ctx.params.get(param.name or "")
        if not isinstance(param, click.Option) or value in (None, False, (), param.default):
            continue
        option = max(param.opts, key=len)
        for item in value if isinstance(value, tuple) else [value]:
            words += [option] if item is True else [option, str(item)]
    return shlex.join(words)


def shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def count(n: int, noun: str) -> str:
    """``1 error``, ``2 errors``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def account_name() -> str:
    """The name of the account running this (for ``User=``)."""
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # a uid without a name (some containers)
        return "<the account that owns the environment file>"


def installed_command() -> Path:
    """The reportgen command of this installation (next to the running Python)."""
    return Path(sys.executable).parent / "reportgen"
