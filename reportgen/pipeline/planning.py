"""Which packs a run builds: the committee packs for a meeting, or the annual follow-up of a year."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from reportgen.config import Config
from reportgen.domain.packs import PackSpec
from reportgen.errors import Problem, UsageError
from reportgen.plan import Plan


def plan_packs(
    config: Config,
    plan: Plan,
    *,
    today: dt.date,
    meeting: dt.date | None = None,
    committees: list[str] | tuple[str, ...] = (),
    annual: int | None = None,
    unscheduled: bool = False,
) -> list[PackSpec]:
    """Which packs a run builds, on ``today`` (the one clock's date, or ``--today``).

    ``annual``: the annual follow-up for that year. Otherwise one committee pack per committee: at ``meeting`` if
    given, else the committee's next meeting on or after today, else its latest meeting. With no calendar at all
    (a new municipality), the annual follow-up of the current year (the plan's first or last year outside it).
    Figures are as of the meeting (or 31 December), or today if that is earlier (``PackSpec.for_meeting``/
    ``for_year``).

    Packs are only for meetings in the calendar: ``meeting`` builds the committees that meet that day (a named
    committee that does not is a UsageError listing its nearest meetings). ``unscheduled`` builds an ad-hoc pack
    for ``meeting`` anyway, marked as such, which is never sent by cron.
    """
    _check_committees(plan, committees)
    specs: list[PackSpec] = []
    if annual is not None:
        _check_year(plan, annual)
        specs.append(PackSpec.for_year(annual, today))
        if not committees and meeting is None:
            return specs
    if meeting is not None and not unscheduled:
        committees = _meeting_on(config, plan, meeting, committees)
    for code in list(committees) or list(plan.committees):
        date = meeting or _meeting_of(config, code, today, named=bool(committees))
        if date is not None:
            spec = PackSpec.for_meeting(code, date, today)
            specs.append(replace(spec, unscheduled=True) if unscheduled else spec)
    if not specs and meeting is None and not committees and not config.model.meetings:
        # a new municipality without a calendar yet: the annual follow-up of the current year (within the plan)
        year = min(max(today.year, plan.period.start.year), plan.period.end.year)
        specs.append(PackSpec.for_year(year, today))
    if not specs:
        raise UsageError(
            Problem(
                config.display(config.path),
                "no meetings in the calendar and no --meeting given",
                "[[meetings]] in reportgen.toml or --meeting DATE",
            )
        )
    return specs


def _check_committees(plan: Plan, committees: list[str] | tuple[str, ...]) -> None:
    unknown = [c for c in committees if c not in plan.committees]
    if unknown:
        raise UsageError(
            [
                Problem("--committee", f"unknown committee {c!r}", "one of: " + ", ".join(plan.committees))
                for c in unknown
            ]
        )


def _meeting_on(config: Config, plan: Plan, meeting: dt.date, committees: list[str] | tuple[str, ...]) -> list[str]:
    """The committees (of those named, or all) that meet on ``meeting``; UsageError for any that does not."""
    calendar = config.model.meetings
    meets = [c for c in plan.committees if any(m.committee == c and m.date == meeting for m in calendar)]
    if not committees:
        if not meets:
            raise UsageError(
                Problem(
                    "--meeting",
                    f"no committee meets on {meeting} in the calendar",
                    _nearest(config, None, meeting) + "; --unscheduled builds an ad-hoc pack",
                )
            )
        return meets
    absent = [c for c in committees if c not in meets]
    if absent:
        raise UsageError(
            [
                Problem(
                    "--committee",
                    f"committee {c!r} does not meet on {meeting} in the calendar",
                    _nearest(config, c, meeting) + "; --unscheduled builds an ad-hoc pack",
                )
                for c in absent
            ]
        )
    return list(committees)


def _nearest(config: Config, committee: str | None, day: dt.date) -> str:
    """The meetings nearest to ``day`` (of ``committee``, or any), as a hint."""
    dates = sorted(
        {(m.date, m.committee) for m in config.model.meetings if committee is None or m.committee == committee},
        key=lambda m: (abs((m[0] - day).days), m[0], m[1]),
    )[:3]
    if not dates:
        return "the calendar has no meetings for it ([[meetings]] in reportgen.toml)"
    return "nearest meetings: " + ", ".join(f"{c} {d}" for d, c in sorted(dates))


def _check_year(plan: Plan, year: int) -> None:
    if not plan.period.start.year <= year <= plan.period.end.year + 1:
        raise UsageError(
            Problem(
                "--annual",
                f"{year} is outside the plan period",
                f"a year from {plan.period.start.year} to {plan.period.end.year}",
            )
        )


def _meeting_of(config: Config, committee: str, today: dt.date, *, named: bool) -> dt.date | None:
    """The committee's next meeting on or after today, else its latest; None (or, when the committee was named on
    the command line, UsageError) when the calendar has none."""
    dates = sorted(m.date for m in config.model.meetings if m.committee == committee)
    if not dates:
        if named:
            raise UsageError(
                Problem(
                    "--committee",
                    f"committee {committee!r} has no meeting in the calendar",
                    "--meeting DATE, or [[meetings]] in reportgen.toml",
                )
            )
        return None
    upcoming = [d for d in dates if d >= today]
    return upcoming[0] if upcoming else dates[-1]
