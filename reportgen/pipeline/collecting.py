"""``reportgen collect``: the measurement sheets to send to the contact persons."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportgen.config import Config
from reportgen.domain.danish_text import slugify
from reportgen.domain.observations import ASSESSMENT_KEY
from reportgen.domain.periods import Period, parse_period, period_of_date
from reportgen.errors import ProblemLog
from reportgen.outputs import atomic_write_bytes
from reportgen.plan import Plan


def collect_sheets(
    plan: Plan, folder: Path, *, today: dt.date, dry_run: bool = False, config: Config | None = None
) -> list[Path]:
    """Write a pre-filled measurement sheet per contact person into ``folder``, for the quarter of ``today`` (the
    plan's first or last quarter when ``today`` is outside the plan's period). With ``config``, each initiative's
    latest written assessment in the configured measurement sheets is pre-filled for the contact person to update."""
    from reportgen.render.measurement_sheet import build_workbook, measurement_rows

    # The period being collected: the quarter of today, but never one outside the plan's period.
    period = period_of_date(min(max(today, plan.period.start), plan.period.end), "Q").code
    previous = latest_assessments(config, plan) if config is not None else {}
    written = []
    for contact, rows in measurement_rows(plan).items():
        target = folder / f"maalinger-{slugify(contact)}.xlsx"
        if not dry_run:
            given = {(i, period): text for i, text in previous.items()}
            atomic_write_bytes(target, build_workbook(plan, contact, rows, period, assessments=given))
        written.append(target)
    return written


def latest_assessments(config: Config, plan: Plan) -> dict[str, str]:
    """Initiative id -> the text of its newest assessment (by period) in the measurement sheets the config reads. A
    sheet with an error stops ``collect`` (InputError naming it), so no assessment is silently left out."""
    from reportgen.pipeline.inputs import input_paths, measurement_settings
    from reportgen.readers.measurements import read_all_measurements

    problems = ProblemLog()
    paths = input_paths(config).measurements
    frame = read_all_measurements(paths, [config.display(p) for p in paths], measurement_settings(plan), problems)
    problems.raise_if_errors()
    rows = frame[frame["indicator"] == ASSESSMENT_KEY]
    newest: dict[str, tuple[Period, str]] = {}
    for initiative, period, text in zip(rows["initiative"], rows["period"], rows["comment"], strict=True):
        p = parse_period(str(period))
        if str(initiative) not in newest or p >= newest[str(initiative)][0]:
            newest[str(initiative)] = (p, str(text))
    return {i: text for i, (_, text) in newest.items()}
