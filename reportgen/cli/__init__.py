"""The ``reportgen`` command line: the only package that imports click. ``commands`` holds the commands, ``common``
what they share (options, the console, the error decorator), ``reporting`` what a run prints and ``runlog`` the
log file a run leaves for cron to be traced."""

from reportgen.cli.commands import cli, main

__all__ = ["cli", "main"]
