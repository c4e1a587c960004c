"""Danish text: number, money, percentage and date formats for everything a council member reads, and the one
function that folds Danish letters for matching names and making file names.

Rounding rule for display: values are rounded half away from zero (``ROUND_HALF_UP`` on the decimal value) only when
shown; the criteria engine compares exact values. Percentages are stored as shares (0.385) and shown as
``38,5 pct.``.

Precision rule: a figure is shown with the precision its source has (a published whole percentage stays ``38 pct.``,
``38,5 pct.`` keeps its decimal; at most ``MAX_DECIMALS``); figures compared or tabulated together are shown with
the same precision (the largest among them, see ``precision``); a share reportgen computes is shown with one
decimal (``SHARE_DECIMALS``); money in whole kroner; expected persons as whole numbers.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from reportgen.domain.numbers import optional_decimal

LOCALE = "da_DK"
MISSING = "–"
MAX_DECIMALS = 2
SHARE_DECIMALS = 1
"""A share reportgen computes (a ratio, spent of budget, an average) is shown with one decimal."""

_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})


def fold_danish(text: str) -> str:
    """Case-folded text with æ, ø, å written as ae, oe, aa: ``Københavns`` -> ``koebenhavns``."""
    return text.casefold().strip().translate(_FOLD)


def slugify(text: str) -> str:
    """A file or folder name: ``Handleplan 2019`` -> ``handleplan-2019``, ``Ældreudvalget`` -> ``aeldreudvalget``."""
    from reportgen.domain.personal_data import NAME_MASK, masked

    return re.sub(r"[^a-z0-9]+", "-", fold_danish(masked(text, NAME_MASK))).strip("-") or "plan"


def sentence(text: str) -> str:
    """End a Danish sentence with exactly one full stop ("mindst 50 pct." stays as it is)."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _round(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def decimals_of(value: Any, unit: str = "antal") -> int:
    """How many decimals a figure has as written (a share as a percentage): ``0.385`` in ``pct`` -> 1; at most
    ``MAX_DECIMALS``."""
    d = optional_decimal(value)
    if d is None:
        return 0
    shown = (d * 100 if unit in ("pct", "pp") else d).normalize()
    exponent = shown.as_tuple().exponent
    return min(MAX_DECIMALS, -exponent) if isinstance(exponent, int) and exponent < 0 else 0


def precision(value: Any, others: list[Any], unit: str) -> int:
    """The precision for figures shown together: the most decimals any of them has (see ``decimals_of``)."""
    return max(decimals_of(v, unit) for v in [value, *others])


def tal(value: Any, decimals: int | None = None) -> str:
    """``1234567`` -> ``1.234.567``; ``38.5`` -> ``38,5``. ``decimals=None`` shows the decimals the value has (at
    most ``MAX_DECIMALS``)."""
    d = optional_decimal(value)
    if d is None:
        return MISSING
    if decimals is None:
        decimals = decimals_of(d)
    rounded = _round(d, decimals)
    if rounded == 0:
        rounded = abs(rounded)  # never "-0"
    locale, pattern = _number_format(decimals)
    return str(pattern.apply(rounded, locale, decimal_quantization=True, group_separator=True, numbering_system="latn"))


@functools.cache
def _number_format(decimals: int) -> tuple[Any, Any]:
    """The Danish locale and the number pattern for ``decimals``, parsed once (babel's ``format_decimal`` parses
    both on every call, which was a third of the criteria engine's time)."""
    from babel import Locale
    from babel.numbers import parse_pattern

    return Locale.parse(LOCALE), parse_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))


def kr(value: Any) -> str:
    """``1234567`` -> ``1.234.567 kr.`` (whole kroner)."""
    text = tal(value, 0)
    return text if text == MISSING else f"{text} kr."


def pct(value: Any, decimals: int | None = None) -> str:
    """A share ``0.385`` -> ``38,5 pct.``."""
    d = optional_decimal(value)
    if d is None:
        return MISSING
    return f"{tal(d * 100, decimals)} pct."


def pp(value: Any, decimals: int | None = None) -> str:
    """A difference of shares ``0.34`` -> ``34 procentpoint`` (signless; the caller says which way)."""
    d = optional_decimal(value)
    if d is None:
        return MISSING
    return f"{tal(abs(d) * 100, decimals)} procentpoint"


def signed_pp(value: Any, decimals: int | None = None) -> str:
    """A change of shares with its sign: ``+3 procentpoint``, ``-1,5 procentpoint``, ``±0 procentpoint``."""
    d = optional_decimal(value)
    if d is None:
        return MISSING
    shown = tal(abs(d) * 100, decimals)
    sign = "±" if shown.strip("0,") == "" else ("+" if d > 0 else "-")
    return f"{sign}{shown} procentpoint"


def dato(value: Any) -> str:
    """``2020-03-12`` -> ``12. marts 2020``."""
    from babel.dates import format_date

    if value is None:
        return MISSING
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    return str(format_date(value, format="d. MMMM y", locale=LOCALE))


def by_unit(value: Any, unit: str, decimals: int | None = None) -> str:
    """Format a value by its unit: ``pct`` share, ``pp`` difference of shares, ``kr`` amount (whole kroner),
    otherwise a count; ``decimals`` as in ``tal``."""
    if unit == "pct":
        return pct(value, decimals)
    if unit == "pp":
        return pp(value, decimals)
    if unit == "kr":
        return kr(value)
    return tal(value, decimals)


def antal(count: int, singular: str, plural: str) -> str:
    """A count with its noun in the right number: ``1 indsats``, ``2 indsatser`` (the count as ``tal`` writes it)."""
    return f"{tal(count, 0)} {singular if count == 1 else plural}"


def join_da(items: list[str], last: str = "og") -> str:
    """A Danish list: ``a``, ``a og b``, ``a, b og c`` (``last="eller"`` for alternatives)."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def quoted(text: str) -> str:
    """A name set apart from the sentence around it, as Danish quotes it: ``»besvarelser«``."""
    return f"»{text}«"
