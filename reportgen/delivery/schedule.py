"""The meeting calendar: when each pack is due, counted in Danish working days before its meeting.

A working day is a weekday on which a Danish municipal administration is open: not a public holiday (Nytårsdag,
Skærtorsdag, Langfredag, 2. påskedag, Kristi himmelfartsdag, 2. pinsedag, juledagene …) and not one of the days
offices close by agreement (Grundlovsdag, 1. maj, juleaftensdag, nytårsaftensdag), as the ``holidays`` package
lists them for Denmark. All dates are calendar dates in the configured time zone (``reportgen.domain.clock``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from reportgen.domain.packs import PackSpec


@lru_cache(maxsize=16)
def _danish_holidays(year: int) -> frozenset[dt.date]:
    import holidays

    # public holidays and the days municipal offices close by agreement (Grundlovsdag, 1. maj, juleaftensdag,
    # nytårsaftensdag), which the package files as "optional"
    return frozenset(holidays.country_holidays("DK", years=year, categories=("public", "optional")))


def is_working_day(day: dt.date) -> bool:
    """A weekday that is not a Danish public holiday."""
    return day.weekday() < 5 and day not in _danish_holidays(day.year)


def holiday_name(day: dt.date) -> str | None:
    """The Danish name of the holiday on ``day`` (``Langfredag``), if it is one."""
    import holidays

    return holidays.country_holidays("DK", years=day.year, categories=("public", "optional"), language="da").get(day)


def working_days_before(day: dt.date, count: int) -> dt.date:
    """The date ``count`` Danish working days before ``day`` (``day`` itself not counted)."""
    current = day
    remaining = count
    while remaining > 0:
        current -= dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


@dataclass(frozen=True)
class DuePack:
    """A pack in the calendar: what it is and the day from which it is due."""

    spec: PackSpec
    due: dt.date

    @property
    def label(self) -> str:
        return self.spec.label


def calendar(
    meetings: list[tuple[str, dt.date]],
    *,
    lead_days: int,
    annual: str,
    years: range,
    today: dt.date,
) -> list[DuePack]:
    """Every pack of the calendar: each committee meeting (due ``lead_days`` working days before it, figures as of
    the meeting or today if earlier) and each plan year's annual follow-up (due on ``annual`` = ``MM-DD`` of the next
    year, figures as of 31 December)."""
    out = []
    for committee, meeting in sorted(meetings, key=lambda m: (m[1], m[0])):
        spec = PackSpec.for_meeting(committee, meeting, today)
        out.append(DuePack(spec, working_days_before(meeting, lead_days)))
    month, day = (int(part) for part in annual.split("-"))
    for year in years:
        spec = PackSpec.for_year(year, dt.date(year, 12, 31))
        out.append(DuePack(spec, dt.date(year + 1, month, day)))
    return sorted(out, key=lambda d: (d.due, d.spec.folder))


def due_now(packs: list[DuePack], today: dt.date) -> list[DuePack]:
    """The packs due on ``today``: their due date has come and their meeting has not passed (a missed day is caught
    up the next day). An annual follow-up stays due from its date on."""
    return [
        p
        for p in packs
        if p.due <= today and (p.spec.kind == "annual" or (p.spec.meeting is not None and today <= p.spec.meeting))
    ]
