"""Accounts of the Danish municipal chart of accounts (``5.46.61``, ``5.46.61.001``, ``54661001``).

An account is compared as its digits, and a filter matches the accounts whose digits start with the filter's
complete levels: ``5.46.61`` matches ``54661001`` but not ``54660001``.
"""

from __future__ import annotations

import re
from typing import Any

ACCOUNT_EXPECTED = "an account such as 5.46.61, 5.46.61.001 or 54661001"
ACCOUNT_PATTERNS = (r"\d(?:\.\d{2}){0,2}(?:\.\d{3}){0,3}", r"\d{1,14}")
"""An account written with dots between its levels, or as digits only."""


def normalise_account(value: Any) -> str:
    """An account number as its digits: ``5.46.61`` -> ``54661``, ``54661001`` stays. Raises ValueError if malformed."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value).strip().replace(" ", "")
    if any(re.fullmatch(pattern, s) for pattern in ACCOUNT_PATTERNS):
        return s.replace(".", "")
    raise ValueError(f"{value!r} is not an account number")


def account_matches(account_digits: str, filters: list[str]) -> bool:
    """A posting's account matches a filter when the filter's complete levels are a prefix of it."""
    return any(account_digits.startswith(normalise_account(f)) for f in filters)
