"""Every command's --help shows an example of its use."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from reportgen.cli import cli


def _commands(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, f"reportgen {' '.join((*path, name))} is listed but not found"
            yield from _commands(sub, (*path, name))


@pytest.mark.parametrize("path", list(_commands(cli)), ids=lambda p: " ".join(p) or "reportgen")
def test_every_help_has_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output, f"reportgen {' '.join(path)} --help has no example"
    assert "reportgen " in result.output.split("Example", 1)[1], "the example shows a reportgen command line"


def test_the_command_table_lists_every_command_with_its_own_help() -> None:
    """``reportgen --help`` lists the commands from the table without importing them: the table must say what the
    commands say (the first paragraph of each one's help), and name every command there is."""
    import inspect

    from reportgen.cli import COMMANDS

    ctx = click.Context(cli)
    for name, first_paragraph in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert command is not None and command.help, name
        assert first_paragraph == inspect.cleandoc(command.help).split("\n\n")[0], f"COMMANDS[{name!r}] is stale"
    assert sorted(cli.commands) == sorted(COMMANDS), "a command is missing from reportgen.cli.COMMANDS"


def test_help_imports_only_click_and_the_command_table() -> None:
    """``reportgen --help`` starts in the time of importing click: no command module, no data library."""
    import subprocess
    import sys

    code = (  # main() ends the process itself, running the atexit handlers first
        "import atexit, sys\n"
        "sys.argv = ['reportgen', '--help']\n"
        "atexit.register(lambda: print(' '.join(sorted(m for m in sys.modules if m.startswith('reportgen') or '.' not "
        "in m)), file=sys.stderr))\n"
        "from reportgen.cli import main\n"
        "main()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Commands:" in out.stdout and "validate" in out.stdout
    loaded = set(out.stderr.split())
    assert {m for m in loaded if m.startswith("reportgen")} == {"reportgen", "reportgen.cli", "reportgen.cli.process"}
    heavy = {"pandas", "numpy", "matplotlib", "docxtpl", "docx", "openpyxl", "pydantic", "yaml", "jinja2", "babel"}
    heavy |= {"shutil", "bz2", "lzma"}  # click imports shutil only to ask the terminal's width; main() tells it
    assert not loaded & heavy, f"--help imports {sorted(loaded & heavy)}"


@pytest.mark.parametrize("columns", ["200", "120", "81", "80", "79", "60", "51", "30", "1", "0", "-5", "wide", None])
def test_help_width_is_the_width_click_would_choose(monkeypatch: pytest.MonkeyPatch, columns: str | None) -> None:
    """``main()`` hands click the help width so click need not import shutil: the same width click computes itself
    (from COLUMNS, else the terminal, else 80; at most 78, at least 50 columns)."""
    from reportgen.cli import help_width

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert help_width() == click.formatting.HelpFormatter().width
