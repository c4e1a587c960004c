"""Statistical periods: years, quarters, months and rolling years, as codes (``2019K3``) and as Danish text.

Every reader stores periods by their canonical code; the plan's baselines and the engine's cut-off dates use the
same ``Period`` type.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import total_ordering

PERIOD_EXPECTED = "a period such as 2019, 2019K3, 2019Q3, 2019M09, 2019 3. kvt., 2019QMAT04 or 2019Y01"

_MONTHS_DA = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
]


_MONTHS_SHORT_DA = [
    "jan.",
    "feb.",
    "mar.",
    "apr.",
    "maj",
    "jun.",
    "jul.",
    "aug.",
    "sep.",
    "okt.",
    "nov.",
    "dec.",
]
_CODES = {"Y": "{year}", "Q": "{year}K{index}", "M": "{year}M{index:02d}", "QMAT": "{year}QMAT{index:02d}"}
_LABELS_DA = {
    "Y": "{year}",
    "Q": "{index}. kvt. {year}",
    "M": "{month} {year}",
    "QMAT": "året til og med {index}. kvt. {year}",
}


@total_ordering
@dataclass(frozen=True)
class Period:
    """A statistical period: a year (``Y``), quarter (``Q``), month (``M``) or rolling year ending in a quarter
    (``QMAT``). Ordered by end date, then by length (a shorter period ending the same day sorts later)."""

    freq: str
    year: int
    index: int = 1

    def __post_init__(self) -> None:
        limits = {"Y": 1, "Q": 4, "M": 12, "QMAT": 4}
        if self.freq not in limits:
            raise ValueError(f"unknown period frequency {self.freq!r}")
        if not 1 <= self.index <= limits[self.freq]:
            raise ValueError(f"{self.freq} index {self.index} out of range")
        if not 1900 <= self.year <= 2200:
            raise ValueError(f"year {self.year} out of range")

    @property
    def start(self) -> dt.date:
        if self.freq == "Y":
            return dt.date(self.year, 1, 1)
        if self.freq == "Q":
            return dt.date(self.year, 3 * self.index - 2, 1)
        if self.freq == "M":
            return dt.date(self.year, self.index, 1)
        # A rolling year (QMAT) covers the twelve months ending with its quarter.
        return _add_months(dt.date(self.year, 3 * self.index, 1), -11)

    @property
    def end(self) -> dt.date:
        if self.freq == "Y":
            return dt.date(self.year, 12, 31)
        last_month = 3 * self.index if self.freq in ("Q", "QMAT") else self.index
        return _add_months(dt.date(self.year, last_month, 1), 1) - dt.timedelta(days=1)

    @property
    def code(self) -> str:
        """Canonical text form, stored in the observations table: ``2019``, ``2019K3``, ``2019M09``, ``2019QMAT04``."""
        return _CODES[self.freq].format(year=self.year, index=self.index)

    def label_da(self) -> str:
        """How a council member reads the period: ``3. kvt. 2019``, ``september 2019``."""
        month = _MONTHS_DA[self.index - 1] if self.freq == "M" else ""
        return _LABELS_DA[self.freq].format(year=self.year, index=self.index, month=month)

    def label_short_da(self) -> str:
        """A column header: ``feb. 2019``, ``4. kvt. 2020``, ``2019``."""
        if self.freq == "M":
            return f"{_MONTHS_SHORT_DA[self.index - 1]} {self.year}"
        return self.label_da()

    def _key(self) -> tuple[dt.date, int]:
        return (self.end, -(self.end - self.start).days)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        return self.code


def _add_months(d: dt.date, months: int) -> dt.date:
    total = d.year * 12 + (d.month - 1) + months
    return dt.date(total // 12, total % 12 + 1, 1)


_PERIOD_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(\d{4})$"), "Y"),
    (re.compile(r"^(\d{4})Y0?1$", re.I), "Y"),
    (re.compile(r"^(\d{4})\s*[KQ]\s*([1-4])$", re.I), "Q"),
    (re.compile(r"^(\d{4})\s*([1-4])\.?\s*kvt\.?$", re.I), "Q"),
    (re.compile(r"^([1-4])\.?\s*kvt\.?\s*(\d{4})$", re.I), "Q-rev"),
    (re.compile(r"^(\d{4})\s*M\s*(\d{1,2})$", re.I), "M"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "M"),
    (re.compile(r"^(\d{4})\s*QMAT\s*0?([1-4])$", re.I), "QMAT"),
]


def parse_period(value: object) -> Period:
    """Parse a period code. Integers and floats such as 2019.0 from spreadsheets are years."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a period")
    if isinstance(value, int):
        return Period("Y", value)
    if isinstance(value, float) and value.is_integer():
        return Period("Y", int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return Period("M", value.year, value.month)
    s = str(value).strip()
    for pattern, freq in _PERIOD_PATTERNS:
        m = pattern.match(s)
        if not m:
            continue
        groups = [int(g) for g in m.groups()]
        try:
            if freq == "Y":
                return Period("Y", groups[0])
            if freq == "Q-rev":
                return Period("Q", groups[1], groups[0])
            return Period(freq, groups[0], groups[1])
        except ValueError as exc:
            raise ValueError(f"{s!r} is not a valid period ({exc})") from exc
    raise ValueError(f"{s!r} is not a period")


def period_of_date(d: dt.date, freq: str = "M") -> Period:
    if freq == "Y":
        return Period("Y", d.year)
    if freq == "Q":
        return Period("Q", d.year, (d.month - 1) // 3 + 1)
    return Period("M", d.year, d.month)
