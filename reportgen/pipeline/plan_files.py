"""``reportgen plan convert``: a plan from YAML to a plan workbook (``.xlsx``) and back, losing nothing."""

from __future__ import annotations

from pathlib import Path

from reportgen.domain.areas import registry
from reportgen.errors import InputError, UsageError
from reportgen.outputs import atomic_write_bytes, atomic_write_text
from reportgen.pipeline.inputs import PLAN_WORKBOOK_SUFFIXES, load_plan_file
from reportgen.plan import Plan
from reportgen.plan.serialize import plan_yaml
from reportgen.plan.workbook_format import plan_rows
from reportgen.render.plan_workbook import plan_workbook_bytes

FORMATS = {"xlsx": ".xlsx", "yaml": ".yaml"}


def convert_plan(source: Path, to: str, output: Path | None = None, *, force: bool = False) -> Path:
    """Write the plan in ``source`` as ``to`` (``xlsx`` or ``yaml``) to ``output`` (default: beside the source,
    with the new suffix) and return where. The plan is validated first; an existing file is replaced only with
    ``force``; the write is atomic, so an interrupted conversion leaves no half-written file."""
    if to not in FORMATS:
        raise UsageError.at("--to", f"unknown format {to!r}", "one of: " + ", ".join(FORMATS))
    target = output if output is not None else source.with_suffix(FORMATS[to])
    if target.resolve() == source.resolve():
        raise UsageError.at(str(target), "this is the plan itself", "another file named with --output")
    if target.exists() and not force:
        expected = "another file named with --output, or --force to replace it"
        raise UsageError.at(str(target), "the file exists", expected)
    plan = load_plan_file(source, str(source))
    write_plan(plan, target, to, source=source.name)
    return target


def write_plan(plan: Plan, target: Path, to: str, *, source: str | None = None) -> None:
    """Write ``plan`` to ``target`` as a plan workbook (``xlsx``) or YAML."""
    if not target.parent.is_dir():
        raise InputError.at(str(target), "the folder does not exist", "an existing folder")
    if to == "xlsx":
        name = registry().by_code[plan.municipality_code].official_name
        atomic_write_bytes(target, plan_workbook_bytes(plan_rows(plan), municipality=name))
    else:
        atomic_write_text(target, plan_yaml(plan, source=source))


def is_plan_workbook(path: Path) -> bool:
    return path.suffix.lower() in PLAN_WORKBOOK_SUFFIXES
