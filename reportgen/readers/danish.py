"""Parsing of Danish dates and of whole columns of amounts and dates, as they appear in exports.

Everything here is strict: a cell that is not clearly a date or an amount is reported as malformed (``ValueError``
for one value, a mask for a column), never guessed. Callers add the file, sheet, row and column. The scalar number
parser lives in ``reportgen.domain.numbers``; the vectorised one here follows the same rules (property-tested).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

DATE_EXPECTED = "a date such as 31-12-2019, 31.12.2019 or 2019-12-31"
AMOUNT_EXPECTED = "an amount in kr. with at most two decimals, such as 1.234,50, -1.234,50, 1.234,50- or (1.234,50)"
MAX_KRONER_DIGITS = 13
"""The largest amount read is 9.999.999.999.999,99 kr.: anything larger is no posting of a municipality."""

_DATE_PATTERNS = [
    (re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), ("y", "m", "d")),
]
EXCEL_EPOCH = dt.date(1899, 12, 30)
FIRST_YEAR, LAST_YEAR = 1900, 2199
"""Posting dates outside these years are errors in the export (and beyond what a timestamp column can hold)."""
LAST_SERIAL = (dt.date(LAST_YEAR, 12, 31) - EXCEL_EPOCH).days


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
            parts = dict(zip(order, (int(g) for g in m.groups()), strict=False))
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


# --- vectorised forms for large exports ----------------------------------------------------------------------------

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
# The same forms as parse_date: 31-12-2019, 31.12.2019, 31/12/2019, 2019-12-31, 20191231 (an optional time is ignored).
_DATE_PATTERNS_RE2 = (
    r"^(?P<d>\d{1,2})[-./](?P<m>\d{1,2})[-./](?P<y>\d{4})" + _TIME + "$",
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _TIME + "$",
    r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$",
)


def _dates_from_components(text: pd.Series, pattern: str) -> pd.Series:
    """Dates from day, month and year captured by one RE2 pass; impossible dates (31-02-2019) become NaT.

    (pyarrow's own strptime would silently roll 31-02-2019 over to 3 March.)
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    fields = pc.extract_regex(pa.array(text.astype(ARROW_STRING), type=pa.string()), pattern)
    parts = {
        name: pc.cast(pc.struct_field(fields, name), pa.int32()).to_numpy(zero_copy_only=False)
        for name in ("y", "m", "d")
    }
    dates = pd.to_datetime(pd.DataFrame({"year": parts["y"], "month": parts["m"], "day": parts["d"]}), errors="coerce")
    return pd.Series(dates.to_numpy(), index=text.index)


ARROW_STRING: Final = "string[pyarrow]"


def _is_text_column(values: pd.Series) -> bool:
    """A column read from CSV (all strings): no per-cell type checks needed."""
    import pandas as pd

    return isinstance(values.dtype, pd.StringDtype)


def _as_arrow_text(values: pd.Series) -> pd.Series:
    """Strings in pyarrow storage, so the .str operations below run vectorised (RE2 regexes, no Python per cell)."""
    if _is_text_column(values) and getattr(values.dtype, "storage", None) == "pyarrow":
        return values.fillna("")
    return values.astype(str).where(values.notna(), "").astype(ARROW_STRING)  # no fillna: it would downcast


def _numeric_cells(values: pd.Series) -> pd.Series:
    """Mask of cells that are already numbers (Excel)."""
    import pandas as pd

    if _is_text_column(values):
        return pd.Series(False, index=values.index)
    return values.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)).astype(bool)


def _bool(mask: pd.Series) -> pd.Series:
    return mask.fillna(False).astype(bool)


# One RE2 pass per amount: optional "(", sign, digits grouped by dots or spaces (or not at all), decimals, trailing
# sign, ")", and an optional "kr."/"DKK". The rules are those of parse_danish_number (property-tested against it).
_WS = r"[\s\x{00a0}\x{202f}]*"
_AMOUNT_RE2 = (
    r"^"
    + _WS
    + r"(?P<open>\()?"
    + _WS
    + r"(?P<lead>[-\x{2212}])?"
    + _WS
    + r"(?P<int>\d{1,3}(?:\.\d{3})+|\d{1,3}(?:[ \x{00a0}\x{202f}]\d{3})+|\d+)(?:,(?P<frac>\d+))?"
    + _WS
    + r"(?P<trail>-)?"
    + _WS
    + r"(?P<close>\))?"
    + _WS
    + r"(?i:kr\.?|dkk)?"
    + _WS
    + r"$"
)


def parse_danish_series(values: pd.Series) -> tuple[pd.Series, pd.Series]:
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

    def group(name: str) -> pa.Array:
        return pc.struct_field(fields, name)

    def present(name: str) -> np.ndarray:
        g = group(name)
        flags: np.ndarray = pc.fill_null(pc.greater(pc.utf8_length(g), 0), False).to_numpy(zero_copy_only=False)
        return flags

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


def parse_date_series(values: pd.Series) -> tuple[pd.Series, pd.Series]:
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
        beyond = is_date & values.map(lambda v: isinstance(v, dt.date) and not FIRST_YEAR <= v.year <= LAST_YEAR)
        is_date &= ~beyond.astype(bool)
        if is_date.any():
            # a posting date is a calendar day: a cell's time of day (if any) is dropped
            result[is_date] = pd.to_datetime(values[is_date].map(lambda v: dt.date(v.year, v.month, v.day)))
        is_num = _numeric_cells(values)
    text = _as_arrow_text(values.where(~(is_date | is_num))).str.strip()
    serial_text = _bool(text.str.fullmatch(r"\d{5}(?:[.,]0+)?"))
    serial = pd.Series(np.nan, index=values.index, dtype="float64")
    if is_num.any():
        serial[is_num] = values[is_num].astype("float64")
    if serial_text.any():
        serial[serial_text] = pd.to_numeric(text[serial_text].str.replace(",", ".", regex=False)).to_numpy(
            dtype="float64"
        )
    ok_serial = serial.between(1, LAST_SERIAL)
    if ok_serial.any():
        result[ok_serial] = pd.Timestamp(EXCEL_EPOCH) + pd.to_timedelta(serial[ok_serial].astype("int64"), unit="D")
    empty = ~(is_date | is_num) & _bool(text == "")
    todo = ~(is_date | ok_serial) & ~empty
    for pattern in _DATE_PATTERNS_RE2:
        if not todo.any():
            break
        parsed = _dates_from_components(text[todo], pattern)
        hit = parsed.notna() & parsed.dt.year.between(FIRST_YEAR, LAST_YEAR)
        result[parsed[hit].index] = parsed[hit]
        todo[parsed[hit].index] = False
    bad = todo | (is_num & ~ok_serial)
    return result.where(~empty), bad.astype(bool)


def parse_amount_series(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse a column of amounts in kr. into exact integer øre. Returns (``Int64`` øre, NA for empty cells; mask
    of malformed cells).

    Text follows the rules of ``parse_danish_number``; an amount with more than two decimals (other than trailing
    zeros) or with more than ``MAX_KRONER_DIGITS`` digits of kroner is malformed, never rounded. A number cell from
    Excel is taken to the nearest øre when it is an amount in kr. and øre up to binary noise (69163.40999999999 is
    69.163,41 kr.); a cell that is not (12.345) is malformed.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    is_num = _numeric_cells(values)
    out = pd.Series(pd.NA, index=values.index, dtype="Int64")
    bad = pd.Series(False, index=values.index, dtype=bool)
    if is_num.any():
        scaled = values[is_num].astype("float64").to_numpy() * 100
        with np.errstate(invalid="ignore"):
            rounded = np.round(scaled)
            ok = np.isfinite(scaled) & (np.abs(scaled) < 10 ** (MAX_KRONER_DIGITS + 2))
            ok &= np.abs(scaled - rounded) <= np.maximum(1e-6, np.abs(scaled) * 1e-15)
        out[is_num] = _nullable_int(np.where(ok, rounded, 0).astype("int64"), ok)
        bad[is_num] = ~ok
    text = _as_arrow_text(values[~is_num])
    number, valid, empty = amounts_in_oere(pa.array(text, type=pa.string()))
    out[~is_num] = _nullable_int(np.where(valid, number, 0), valid)
    bad[~is_num] = ~valid & ~empty
    return out, bad


_PLAIN_AMOUNT_RE2 = r"^-?(?:\d{1,3}(?:\.\d{3})*|\d+),\d{2}$|^(?:\d{1,3}(?:\.\d{3})*|\d+),\d{2}-$"
"""The form nearly every export writes (``1.234,50``, ``-1.234,50``, ``1.234,50-``): its digits are the øre."""


def amounts_in_oere(arr: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The amounts of a text column (an Arrow string array without nulls) in exact integer øre: (øre, 0 where not
    valid; mask of valid amounts; mask of empty cells). The rules of ``parse_amount_series``.

    Amounts in the plain form (``_PLAIN_AMOUNT_RE2``) are read from their digits by Arrow's integer parser; the
    others (parentheses, spaces, ``kr.``, other decimals, malformed cells) go through ``_amounts_by_rules``."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    digits = pc.utf8_trim(pc.replace_substring(pc.replace_substring(arr, ".", ""), ",", ""), "-")
    plain = pc.and_(
        pc.match_substring_regex(arr, _PLAIN_AMOUNT_RE2),
        pc.less_equal(pc.binary_length(digits), MAX_KRONER_DIGITS + 2),
    )
    oere = pc.cast(pc.if_else(plain, digits, "0"), pa.int64()).to_numpy(zero_copy_only=False)
    negative = pc.or_(pc.starts_with(arr, "-"), pc.ends_with(arr, "-")).to_numpy(zero_copy_only=False)
    number = np.where(negative, -oere, oere)
    valid = plain.to_numpy(zero_copy_only=False).copy()
    empty = np.zeros(len(arr), dtype=bool)
    rest = np.flatnonzero(~valid)
    if len(rest):
        number[rest], valid[rest], empty[rest] = _amounts_by_rules(arr.take(pa.array(rest)))
    return number, valid, empty


def _amounts_by_rules(arr: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``amounts_in_oere`` for any cell, by one RE2 pass that follows every rule."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    fields = pc.extract_regex(arr, _AMOUNT_RE2)

    def group(name: str) -> pa.Array:
        return pc.fill_null(pc.struct_field(fields, name), "")

    def present(name: str) -> np.ndarray:
        flags: np.ndarray = pc.greater(pc.utf8_length(group(name)), 0).to_numpy(zero_copy_only=False)
        return flags

    digits = pc.replace_substring_regex(group("int"), r"[. \x{00a0}\x{202f}]", "")
    fits = pc.less_equal(pc.utf8_length(digits), MAX_KRONER_DIGITS)
    digits = pc.if_else(pc.and_(fits, pc.greater(pc.utf8_length(digits), 0)), digits, "0")
    frac = group("frac")
    oere = pc.utf8_slice_codeunits(pc.utf8_rpad(frac, 2, "0"), 0, 2)
    beyond = pc.utf8_slice_codeunits(frac, 2, 1 << 30)  # decimals past the øre must be zeros
    exact = pc.match_substring_regex(beyond, r"^0*$")
    number = pc.add(pc.multiply(pc.cast(digits, pa.int64()), 100), pc.cast(oere, pa.int64()))
    number_np = number.to_numpy(zero_copy_only=False)
    opened, closed, lead, trail = present("open"), present("close"), present("lead"), present("trail")
    paren = opened & closed
    valid = fields.is_valid().to_numpy(zero_copy_only=False) & (opened == closed) & ~(lead & trail)
    valid &= ~(paren & (lead | trail))
    valid &= fits.to_numpy(zero_copy_only=False) & exact.to_numpy(zero_copy_only=False)
    number_np = np.where(valid, np.where(paren | lead | trail, -number_np, number_np), 0)
    empty: np.ndarray = pc.equal(pc.utf8_trim_whitespace(arr), "").to_numpy(zero_copy_only=False)
    return number_np.astype("int64"), valid, empty


def _nullable_int(values: np.ndarray, ok: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Integers as a nullable ``Int64`` array, NA where not ``ok``."""
    import pandas as pd

    return pd.arrays.IntegerArray(values.astype("int64"), ~ok.astype(bool))
