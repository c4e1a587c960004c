"""Danish numbers as people write them (``1.234,50``, ``1.234,50-``, ``(1.234,50)``, ``38,5%``) and exact decimals.

Strict: text that is not clearly a number raises ``ValueError`` with a short English description; callers add the
file, sheet, row and column. Used by the readers (cells), the plan (targets) and the engine (exact comparisons).
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

NUMBER_EXPECTED = "a Danish number such as 1.234,50, -1.234,50, 1.234,50- or (1.234,50)"

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# Either grouped thousands (1.234.567) or a plain run of digits, then an optional decimal comma part.
_DANISH = re.compile(r"^(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")
_GROUPED_SPACE = re.compile(r"^\d{1,3}(?: \d{3})+(?:,\d+)?$")
# The form most cells have (``38``, ``38,5``): read directly, exactly as the full rules below would read it.
_PLAIN = re.compile(r"\d{1,15}(?:,\d{1,13})?")  # at most 28 digits: exact in the decimal context


MAX_MAGNITUDE = Decimal(10) ** 15
"""No figure of a municipality's plan or inputs reaches a thousand billion kr. or persons: anything larger (or not
finite: NaN, infinity, a cell holding 1e309) is an error in the file, never a figure."""
MAGNITUDE_EXPECTED = "a finite number below 1.000.000.000.000.000"


def bounded(value: Decimal, raw: object = None) -> Decimal:
    """``value`` if it is finite and below ``MAX_MAGNITUDE`` in absolute value; else ValueError."""
    shown = repr(raw if raw is not None else value)
    if not value.is_finite():
        raise ValueError(f"{shown} is not a finite number")
    if abs(value) >= MAX_MAGNITUDE:
        raise ValueError(f"{shown} is beyond any figure of a plan or an export")
    return value


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
    if _PLAIN.fullmatch(text):  # below 10^15, so within bounds
        return ParsedNumber(Decimal(text.replace(",", ".")), False)
    return _parse_written(text, allow_percent=allow_percent)


def _parse_written(text: str, *, allow_percent: bool) -> ParsedNumber:
    """``parse_danish_number``'s full rules: signs, brackets, units, percent, grouped thousands."""
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
    if not _DANISH.match(s) or len(s) > 40:
        raise ValueError(f"{raw!r} is not a number")
    try:
        value = Decimal(s.replace(".", "").replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the regex already guarantees digits
        raise ValueError(f"{raw!r} is not a number") from exc
    return ParsedNumber(bounded(-value if negative else value, raw), percent)


def to_decimal(value: object) -> Decimal:
    """Turn a stored value (int, float, Decimal) into a Decimal without binary noise.

    A float is read through its shortest round-trip representation, so ``0.385`` compares as the ``0,385`` it was
    parsed from, never as ``0.38500000000000000888``.
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, numbers.Integral):  # int, and numpy's integers
        return Decimal(int(value))
    if isinstance(value, numbers.Real):  # float, and numpy's floats (whose own repr is "np.float64(…)")
        return Decimal(float.__repr__(float(value)))
    raise TypeError(f"{value!r} is not a number")


def optional_decimal(value: object) -> Decimal | None:
    """A stored figure as an exact decimal (``to_decimal``), or None where it is missing: None or a float NaN (the
    observations' ``value`` column keeps a missing figure as NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return to_decimal(value)
