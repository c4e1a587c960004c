"""``reportgen plan …``: working with the plan file itself."""

from __future__ import annotations

from pathlib import Path

import click

from reportgen.cli.common import echo, guarded, quiet


@click.group("plan")
def plan_group() -> None:
    """Work with the plan (handleplan) file: convert it between YAML and an Excel plan workbook.

    Example: reportgen plan convert inputs/handleplan_2024.yaml --to xlsx
    """


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


@click.command("init")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--municipality", "-m", default=None, help="The municipality, by name or kommunekode (Vejle, 630).")
@click.option(
    "--example",
    type=click.Choice(["frederiksberg", "kalundborg", "silkeborg"]),
    default=None,
    help="Instead: copy a shipped example (config, plan, inputs) to run it from FOLDER.",
)
@click.option(
    "--plan-format",
    type=click.Choice(["xlsx", "yaml"]),
    default="xlsx",
    show_default=True,
    help="Write the plan as an Excel plan workbook or as YAML.",
)
@guarded
def init(folder: str, municipality: str | None, example: str | None, plan_format: str) -> int:
    """Create FOLDER for a new municipality: a commented reportgen.toml, a plan to fill in, the inputs folders
    with a README in each, and sample data (EKSEMPELDATA: marked on every page, never sent).

    `reportgen validate` passes on the new folder at once and `reportgen run` builds a sample pack. With --example,
    copies a shipped example instead (run it with `reportgen run --annual YEAR` in FOLDER).

    Examples: reportgen init vejle --municipality Vejle; reportgen init eksempel --example kalundborg
    """
    from reportgen.domain.clock import today_in
    from reportgen.errors import UsageError
    from reportgen.pipeline.examples import copy_example
    from reportgen.pipeline.initialise import initialise

    if (municipality is None) == (example is None):
        raise UsageError.at("init", "give --municipality or --example", "exactly one of them")
    if example is not None:
        written = copy_example(example, Path(folder))
    else:
        assert municipality is not None  # noqa: S101 - checked just above
        written = initialise(Path(folder), municipality, today=today_in("Europe/Copenhagen"), plan_format=plan_format)
    if not quiet():
        echo(f"Wrote {len(written)} files in {folder}:")
        for path in written:
            echo(f"  {path}")
        echo(f"Next: cd {folder} && reportgen validate && reportgen run")
    return 0
