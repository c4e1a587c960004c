"""``reportgen collect``: the measurement sheets to send to the contact persons."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportgen.domain.danish_text import slugify
from reportgen.domain.periods import period_of_date
from reportgen.outputs import atomic_write_bytes
from reportgen.plan import Plan


def collect_sheets(plan: Plan, folder: Path, *, today: dt.date, dry_run: bool = False) -> list[Path]:
    """Write a pre-filled measurement sheet per contact person into ``folder``, for the quarter of ``today`` (the
    plan's first or last quarter when ``today`` is outside the plan's period)."""
    from reportgen.render.measurement_sheet import build_workbook, measurement_rows

    # The period being collected: the quarter of today, but never one outside the plan's period.
    period = period_of_date(min(max(today, plan.period.start), plan.period.end), "Q").code
    written = []
    for contact, rows in measurement_rows(plan).items():
        target = folder / f"maalinger-{slugify(contact)}.xlsx"
        if not dry_run:
            atomic_write_bytes(target, build_workbook(plan, contact, rows, period))
        written.append(target)
    return written
