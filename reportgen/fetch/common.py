"""What the two sources share: the error a fetch raises, the table it produces, and how values and dates are
written for the indicator reader."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from reportgen.domain.danish_text import dato
from reportgen.domain.numbers import parse_danish_number
from reportgen.fetch.http import Exchange, Request

SYMBOLS = ("..", "...", "-")
"""Statistics Denmark's symbols a value cell may hold; the indicator reader reads ``..`` and ``...`` as missing."""


class FetchError(Exception):
    """A table that could not be fetched: what went wrong and what was expected (the server's own text included)."""

    def __init__(self, message: str, expected: str = "", exchanges: list[Exchange] | None = None):
        self.message = message
        self.expected = expected
        self.exchanges = exchanges or []
        super().__init__(message)


@dataclass(frozen=True)
class Figure:
    """One value: the area and period as the source names them, the label of the indicator's breakdown (None when
    the table gives one figure per area and period) and the value cell as the reader reads it (``..`` missing)."""

    area: str
    period: str
    label: str | None
    value: str


@dataclass
class FetchedTable:
    """A fetched table, ready to be written: its title, indicator key and unit, the figures, the ``Kilde:`` note
    the reports cite, the sidecar's facts and the raw exchanges."""

    title: str
    indicator: str
    unit: str
    figures: list[Figure]
    note: str
    source: dict[str, Any]
    exchanges: list[Exchange] = field(default_factory=list)


@dataclass(frozen=True)
class Planned:
    """What ``fetch --dry-run`` shows for an entry: the requests it would send (a Statbank data request as
    configured: the table's variables are learnt, and a large selection split, only when it runs)."""

    requests: list[Request]
    remark: str = ""


def value_cell(value: object) -> str | None:
    """A value as the indicator reader reads it: numbers with a decimal comma, symbols kept, None/empty as ``..``
    (missing); None if the value is not a number or a symbol."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ".."
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = Decimal(str(value))
        if not number.is_finite():
            return None
        return format(number, "f").replace(".", ",")
    text = str(value).strip()
    if text in SYMBOLS:
        return text
    try:
        parse_danish_number(text)
    except ValueError:
        return None
    return text


def danish_time(moment: dt.datetime) -> str:
    """``2026-11-29 05:12`` as ``29. november 2026 kl. 05.12``."""
    return f"{dato(moment.date())} kl. {moment:%H.%M}"


def listed(texts: list[str], most: int = 6) -> str:
    """``a, b, c`` or ``a, b, c … (12 i alt)``."""
    if len(texts) <= most:
        return ", ".join(texts)
    return ", ".join(texts[:most]) + f" … ({len(texts)} i alt)"
