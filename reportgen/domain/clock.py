"""One clock: what day it is, in the configured time zone. Every command asks here (through ``Config.today``), so
``run``, ``collect``, ``due`` and ``send`` agree on the date even on a server whose clock runs in UTC."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from reportgen.errors import UsageError


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today_in(timezone: str, now: dt.datetime | None = None) -> dt.date:
    """Today's date in ``timezone`` (an IANA name); ``now`` (aware, or naive meaning UTC) instead of the clock."""
    moment = now or now_utc()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(ZoneInfo(timezone)).date()


def local_now(timezone: str, now: dt.datetime | None = None) -> dt.datetime:
    """The time now in ``timezone`` (for manifests and log names)."""
    moment = now or now_utc()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(ZoneInfo(timezone))


def acting_day(
    requested: dt.date | None, *, simulate: bool, real: dt.date, plan_start: dt.date | None, zone: str
) -> dt.date:
    """The day a command acts on: ``--today`` (``requested``) or the real date. A date after the real one, or before
    the plan starts, is refused unless ``--simulate`` says it is deliberate (a cover saying "pr. 1. januar 2030" is
    a typo). ``run``, ``send``, ``collect``, ``due`` and ``national`` all decide here."""
    if requested is None or simulate:
        return requested or real
    if requested > real:
        raise UsageError.at(
            "--today",
            f"{requested} is after today ({real}, {zone})",
            "a date up to today; --simulate acts on a later date on purpose",
        )
    if plan_start is not None and requested < plan_start:
        raise UsageError.at(
            "--today",
            f"{requested} is before the plan starts ({plan_start})",
            "a date in the plan's period; --simulate acts on an earlier date on purpose",
        )
    return requested
