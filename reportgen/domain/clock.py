"""One clock: what day it is, in the configured time zone. Every command asks here (through ``Config.today``), so
``run``, ``collect``, ``due`` and ``send`` agree on the date even on a server whose clock runs in UTC."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


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
