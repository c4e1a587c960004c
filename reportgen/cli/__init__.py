"""The ``reportgen`` command line: the only package that imports click. ``commands`` holds the commands, ``common``
what they share (options, the console, the error decorator), ``reporting`` what a run prints and ``runlog`` the
log file a run leaves for cron to be traced.

This module is the command table: the root group and each command's name and one-line help. ``reportgen --help``
needs nothing more, so it imports nothing more; a command's module is imported when the command is looked up."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from gettext import gettext as _

import click

from reportgen import __version__

COMMANDS: dict[str, str] = {
    "collect": (
        "Write a pre-filled measurement sheet (Målinger) per contact: exactly the measurements their criteria need."
    ),
    "cron": "Print the crontab lines and an equivalent systemd service and timer for the configured schedule.",
    "due": "List the coming meetings, each pack's due date, and whether it is built and sent.",
    "fetch": "Fetch the indicator tables in [fetch] from Statistics Denmark (Statbank) and STAR (Jobindsats).",
    "init": (
        "Create FOLDER for a new municipality: a commented reportgen.toml, a plan to fill in, the inputs folders\n"
        "with a README in each, and sample data (EKSEMPELDATA: marked on every page, never sent)."
    ),
    "national": "Build the packs of many municipalities at once, as `reportgen run` builds one municipality's.",
    "plan": "Work with the plan (handleplan) file: convert it between YAML and an Excel plan workbook.",
    "run": "Build the committee packs (Word status report and Excel appendix).",
    "send": (
        "E-mail the built packs that are due to their committee's recipients over SMTP ([smtp], [committees.<CODE>])."
    ),
    "validate": "Check the config, the plan and every input; list all problems, not just the first.",
}
"""Each command and the first paragraph of its help: what ``reportgen --help`` lists (``tests/test_cli_help.py``
holds them to the commands' own help). ``reportgen.cli.commands`` defines them all."""


class CommandTable(click.Group):
    """A group whose commands are imported when one is looked up; its help lists them from ``COMMANDS``."""

    def list_commands(self, ctx: click.Context) -> list[str]:  # noqa: ARG002 - click's signature
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:  # noqa: ARG002
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            from reportgen.cli import commands  # noqa: F401 - defining the commands adds them to this group
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        commands = [(n, self.commands.get(n) or click.Command(n, help=COMMANDS[n])) for n in names]
        rows = [(n, c) for n, c in commands if not c.hidden]
        if rows:
            limit = formatter.width - 6 - max(len(n) for n, _c in rows)
            with formatter.section(_("Commands")):
                formatter.write_dl([(n, c.get_short_help_str(limit)) for n, c in rows])


@click.group(cls=CommandTable, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
@click.option("--verbose", "-v", is_flag=True, help="Print progress and details.")
@click.option("--debug", is_flag=True, help="Show tracebacks for internal errors.")
def cli(quiet: bool, verbose: bool, debug: bool) -> None:
    """Follow-up reports for Danish municipal integration policy action plans.

    Example: reportgen run --committee AUU --meeting 2020-03-10
    """
    from reportgen.cli.runlog import configure_console

    level = logging.ERROR if quiet else (logging.DEBUG if debug else (logging.INFO if verbose else logging.WARNING))
    configure_console(level)


def main() -> None:
    """The ``reportgen`` command: its process runs without the cyclic garbage collector and ends without the
    interpreter's teardown (``cli.process``: together about a third of a committee pack's CPU time)."""
    from reportgen.cli import process

    process.short_lived()
    try:
        cli(prog_name="reportgen", terminal_width=help_width())
        code: int | str | None = 0
    except SystemExit as exc:
        code = exc.code
    process.exit_now(code)


def help_width() -> int:
    """The width click would give the help text (the terminal's, at most 80, at least 50 columns), measured as
    ``shutil.get_terminal_size`` does but without importing ``shutil`` (and with it ``bz2`` and ``lzma``): that import
    alone was a tenth of ``reportgen --help``."""
    columns = 0
    with contextlib.suppress(ValueError):
        columns = int(os.environ.get("COLUMNS", "0"))
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 80
    return max(min(columns if columns > 0 else 80, 80) - 2, 50)


__all__ = ["COMMANDS", "cli", "main"]
