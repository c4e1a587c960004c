"""``reportgen plan …``: working with the plan file itself."""

from __future__ import annotations

from pathlib import Path

import click

from reportgen.cli.common import echo, guarded, quiet


@click.group("plan")
def plan_group() -> None:
    """Work with the plan (handleplan) file: convert it between YAML and an Excel plan workbook."""


@plan_group.command("convert")
@click.argument("source", type=click.Path(dir_okay=False, exists=True))
@click.option("--to", "to", type=click.Choice(["xlsx", "yaml"]), required=True, help="The format to write.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Where to write (default: beside SOURCE with the new suffix).",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@guarded
def convert(source: str, to: str, output: str | None, force: bool) -> int:
    """Convert the plan SOURCE to a plan workbook (xlsx) staff fill in Excel, or to YAML; nothing is lost.

    The plan is validated first (the same errors as `validate`, by sheet, row and column for a workbook).

    Example: reportgen plan convert inputs/handleplan_2024.yaml --to xlsx
    """
    from reportgen.pipeline.plan_files import convert_plan

    target = convert_plan(Path(source), to, Path(output) if output else None, force=force)
    if not quiet():
        echo(f"Wrote {target}")
    return 0
