"""Parsing of Danish numbers, dates and statistical periods as they appear in exports.

Everything here is strict: text that is not clearly a number, a date or a period raises ``ValueError`` with a short
English description of what was expected. Callers add the file, sheet, row and column.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import total_ordering
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

NUMBER_EXPECTED = "a Danish number such as 1.234,50, -1.234,50, 1.234,50- or (1.234,50)"
DATE_EXPECTED = "a date such as 31-12-2019, 31.12.2019 or 2019-12-31"
PERIOD_EXPECTED = "a period such as 2019, 2019K3, 2019Q3, 2019M09, 2019 3. kvt., 2019QMAT04 or 2019Y01"

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# Either grouped thousands (1.234.567) or a plain run of digits, then an optional decimal comma part.
_DANISH = re.compile(r"^(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")
_GROUPED_SPACE = re.compile(r"^\d{1,3}(?: \d{3})+(?:,\d+)?$")


@dataclass(frozen=True)
class ParsedNumber:
    value: Decimal
    percent: bool


def parse_danish_number(text: str, *, allow_percent: bool = True) -> ParsedNumber:
    """Parse one number written the Danish way.

    Accepts ``1.234,50``, ``1234,5``, ``-1.234,50``, ``1.234,50-`` (trailing minus), ``(1.234,50)`` (accounting
    negative), ``1 234,50``, an optional ``kr.`` and, when ``allow_percent``, a trailing ``%``. Rejects everything
    ambiguous or malformed (``12,3,4``, ``1.23``, ``1,234.5``).
    """
    raw = text
    s = text.strip().replace("\u2212", "-")
    percent = False
    if allow_percent and s.endswith("%"):
        percent = True
        s = s[:-1].strip()
    for suffix in ("kr.", "kr", "DKK"):
        if s.lower().endswith(suffix.lower()):
            s = s[: -len(suffix)].strip()
            break
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    if s.startswith("-"):
        negative, s = not negative, s[1:].strip()
    elif s.startswith("+"):
        s = s[1:].strip()
    if s.endswith("-"):
        if negative:
            raise ValueError(f"{raw!r} has two minus signs")
        negative, s = True, s[:-1].strip()
    s = _SPACES.sub(" ", s)
    if _GROUPED_SPACE.match(s):  # spaces only as thousands separators: "1 234,50"
        s = s.replace(" ", ".")
    if not _DANISH.match(s):
        raise ValueError(f"{raw!r} is not a number")
    try:
        value = Decimal(s.replace(".", "").replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the regex already guarantees digits
        raise ValueError(f"{raw!r} is not a number") from exc
    return ParsedNumber(-value if negative else value, percent)


def to_decimal(value: object) -> Decimal:
    """Turn a stored value (int, float, Decimal) into a Decimal without binary noise.

    A float is read through its shortest round-trip representation, so ``0.385`` compares as the ``0,385`` it was
    parsed from, never as ``0.38500000000000000888``.
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    raise TypeError(f"{value!r} is not a number")


_DATE_PATTERNS = [
    (re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), ("y", "m", "d")),
]
EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value: object) -> dt.date:
    """Parse a posting date: Danish text forms, ISO, a date/datetime object, or an Excel serial number."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return excel_serial_to_date(float(value))
    s = str(value).strip()
    if " " in s:  # "31-12-2019 00:00:00"
        head, _, tail = s.partition(" ")
        if re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", tail.strip()):
            s = head
    for pattern, order in _DATE_PATTERNS:
        m = pattern.match(s)
        if m:
            parts = dict(zip(order, (int(g) for g in m.groups())))
            try:
                return dt.date(parts["y"], parts["m"], parts["d"])
            except ValueError as exc:
                raise ValueError(f"{s!r} is not a valid date ({exc})") from exc
    if re.fullmatch(r"\d{5}(\.0+)?", s):
        return excel_serial_to_date(float(s))
    raise ValueError(f"{s!r} is not a date")


def excel_serial_to_date(serial: float) -> dt.date:
    if not 1 <= serial < 2958466:
        raise ValueError(f"{serial!r} is not an Excel date serial")
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


# --- periods -------------------------------------------------------------------------------------------------------

_MONTHS_DA = [
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
]


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
        if self.freq in ("Q", "QMAT"):
            last_month = 3 * self.index
        else:
            last_month = self.index
        return _add_months(dt.date(self.year, last_month, 1), 1) - dt.timedelta(days=1)

    @property
    def code(self) -> str:
        """Canonical text form, stored in the observations table."""
        if self.freq == "Y":
            return f"{self.year}"
        if self.freq == "Q":
            return f"{self.year}K{self.index}"
        if self.freq == "M":
            return f"{self.year}M{self.index:02d}"
        return f"{self.year}QMAT{self.index:02d}"

    def label_da(self) -> str:
        """How a council member reads the period."""
        if self.freq == "Y":
            return f"{self.year}"
        if self.freq == "Q":
            return f"{self.index}. kvt. {self.year}"
        if self.freq == "M":
            return f"{_MONTHS_DA[self.index - 1]} {self.year}"
        return f"året til og med {self.index}. kvt. {self.year}"

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


# --- vectorised forms for large exports ----------------------------------------------------------------------------

_DANISH_PATTERN = r"^(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$"
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
# The same forms as parse_date: 31-12-2019, 31.12.2019, 31/12/2019, 2019-12-31, 20191231 (an optional time is ignored).
_DATE_PATTERNS_RE2 = (
    r"^(?P<d>\d{1,2})[-./](?P<m>\d{1,2})[-./](?P<y>\d{4})" + _TIME + "$",
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _TIME + "$",
    r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$",
)


def _dates_from_components(text: "pd.Series", pattern: str) -> "pd.Series":
    """Dates from day, month and year captured by one RE2 pass; impossible dates (31-02-2019) become NaT.

    (pyarrow's own strptime would silently roll 31-02-2019 over to 3 March.)
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    fields = pc.extract_regex(pa.array(text.astype(ARROW_STRING), type=pa.string()), pattern)
    parts = {name: pc.cast(pc.struct_field(fields, name), pa.int32()).to_numpy(zero_copy_only=False) for name in ("y", "m", "d")}
    dates = pd.to_datetime(pd.DataFrame({"year": parts["y"], "month": parts["m"], "day": parts["d"]}), errors="coerce")
    return pd.Series(dates.to_numpy(), index=text.index)


ARROW_STRING = "string[pyarrow]"


def _is_text_column(values: "pd.Series") -> bool:
    """A column read from CSV (all strings): no per-cell type checks needed."""
    import pandas as pd

    return isinstance(values.dtype, pd.StringDtype)


def _as_arrow_text(values: "pd.Series") -> "pd.Series":
    """Strings in pyarrow storage, so the .str operations below run vectorised (RE2 regexes, no Python per cell)."""
    if _is_text_column(values) and values.dtype.storage == "pyarrow":
        return values.fillna("")
    return values.fillna("").astype(str).astype(ARROW_STRING)


def _numeric_cells(values: "pd.Series") -> "pd.Series":
    """Mask of cells that are already numbers (Excel)."""
    import pandas as pd

    if _is_text_column(values):
        return pd.Series(False, index=values.index)
    return values.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)).astype(bool)


def _bool(mask: "pd.Series") -> "pd.Series":
    return mask.fillna(False).astype(bool)


# One RE2 pass per amount: optional "(", sign, digits grouped by dots or spaces (or not at all), decimals, trailing
# sign, ")", and an optional "kr."/"DKK". The rules are those of parse_danish_number (property-tested against it).
_WS = r"[\s\x{00a0}\x{202f}]*"
_AMOUNT_RE2 = (
    r"^" + _WS + r"(?P<open>\()?" + _WS + r"(?P<lead>[-\x{2212}])?" + _WS
    + r"(?P<int>\d{1,3}(?:\.\d{3})+|\d{1,3}(?:[ \x{00a0}\x{202f}]\d{3})+|\d+)(?:,(?P<frac>\d+))?"
    + _WS + r"(?P<trail>-)?" + _WS + r"(?P<close>\))?" + _WS + r"(?i:kr\.?|dkk)?" + _WS + r"$"
)


def parse_danish_series(values: "pd.Series") -> tuple["pd.Series", "pd.Series"]:
    """Parse a column of Danish amounts. Returns (floats with NaN for empty cells, mask of malformed cells).

    Cells that are already numbers (from Excel) are taken as they are. The rules are those of
    ``parse_danish_number``: thousands dots (or spaces), decimal comma, leading or trailing minus, parentheses.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    is_num = _numeric_cells(values)
    out = pd.Series(np.nan, index=values.index, dtype="float64")
    if is_num.any():
        out[is_num] = values[is_num].astype("float64")
    text = _as_arrow_text(values[~is_num])
    arr = pa.array(text, type=pa.string())
    fields = pc.extract_regex(arr, _AMOUNT_RE2)
    matched = fields.is_valid()

    def group(name: str) -> "pa.Array":
        return pc.struct_field(fields, name)

    def present(name: str) -> "np.ndarray":
        g = group(name)
        return pc.fill_null(pc.greater(pc.utf8_length(g), 0), False).to_numpy(zero_copy_only=False)

    digits = pc.replace_substring_regex(group("int"), r"[. \x{00a0}\x{202f}]", "")
    frac = pc.if_else(pc.greater(pc.utf8_length(group("frac")), 0), group("frac"), "0")
    number = pc.cast(pc.binary_join_element_wise(digits, frac, "."), pa.float64()).to_numpy(zero_copy_only=False)
    opened, closed, lead, trail = present("open"), present("close"), present("lead"), present("trail")
    paren = opened & closed
    valid = matched.to_numpy(zero_copy_only=False) & (opened == closed) & ~(lead & trail) & ~(paren & (lead | trail))
    number = np.where(paren | lead | trail, -number, number)
    empty = pc.equal(pc.utf8_trim_whitespace(arr), "").to_numpy(zero_copy_only=False)
    out[~is_num] = np.where(valid, number, np.nan)
    bad = pd.Series(False, index=values.index, dtype=bool)
    bad[~is_num] = ~valid & ~empty
    return out, bad


def parse_date_series(values: "pd.Series") -> tuple["pd.Series", "pd.Series"]:
    """Parse a column of posting dates (Danish and ISO text, Excel serials, date objects).

    Returns (datetime64 with NaT for empty cells, mask of malformed cells).
    """
    import numpy as np
    import pandas as pd

    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if _is_text_column(values):
        is_date = pd.Series(False, index=values.index)
        is_num = is_date
    else:
        is_date = values.map(lambda v: isinstance(v, (dt.date, dt.datetime))).astype(bool)
        if is_date.any():
            result[is_date] = pd.to_datetime(values[is_date].map(lambda v: dt.datetime(v.year, v.month, v.day)))
        is_num = _numeric_cells(values)
    text = _as_arrow_text(values.where(~(is_date | is_num))).str.strip()
    serial_text = _bool(text.str.fullmatch(r"\d{5}(?:[.,]0+)?"))
    serial = pd.Series(np.nan, index=values.index, dtype="float64")
    if is_num.any():
        serial[is_num] = values[is_num].astype("float64")
    if serial_text.any():
        serial[serial_text] = pd.to_numeric(text[serial_text].str.replace(",", ".", regex=False)).to_numpy(dtype="float64")
    ok_serial = serial.between(1, 2958465)
    if ok_serial.any():
        result[ok_serial] = pd.Timestamp(EXCEL_EPOCH) + pd.to_timedelta(serial[ok_serial].astype("int64"), unit="D")
    empty = ~(is_date | is_num) & _bool(text == "")
    todo = ~(is_date | ok_serial) & ~empty
    for pattern in _DATE_PATTERNS_RE2:
        if not todo.any():
            break
        parsed = _dates_from_components(text[todo], pattern)
        hit = parsed.notna()
        result[parsed[hit].index] = parsed[hit]
        todo[parsed[hit].index] = False
    bad = todo | (is_num & ~ok_serial)
    return result.where(~empty), bad.astype(bool)
