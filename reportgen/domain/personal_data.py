"""CPR numbers: how one is recognised, and the one function that masks them in any text.

A CPR number is ``DDMMYY-SSSS`` or ``DDMMYYSSSS`` (a space is also seen) whose first six digits are a valid date.
There is no modulus-11 check: numbers issued since 2007 need not pass it. python-stdnum's ``dk.cpr`` checks format
and date only, which is right.
"""

from __future__ import annotations

import re

CPR_PATTERN = re.compile(r"(?<![0-9A-Za-z])(\d{6})[-\s]?(\d{4})(?![0-9A-Za-z])")
"""Ten digits (a hyphen or space after the sixth allowed) not glued to other digits or Latin letters: so a run of
digits inside a SHA-256 digest or a project code such as ``INT0101901234X`` is not taken for a CPR number, while
``borger_0101901234``, ``(010190-1234)`` and ``nr.0101901234`` are."""
CPR_MASK = "******-****"
NAME_MASK = "cpr-maskeret"
"""What replaces a CPR number in a file or folder name (no asterisks: they are not allowed in Windows names)."""


def is_cpr(digits: str) -> bool:
    """Whether ten digits form a CPR number with a valid date of birth (format and date only)."""
    from stdnum.dk import cpr
    from stdnum.exceptions import ValidationError

    try:
        cpr.get_birth_date(digits)
    except (ValidationError, ValueError):
        return False
    return True


def mask_cpr(text: str, replacement: str = CPR_MASK) -> tuple[str, int]:
    """The text with every CPR number replaced, and how many were replaced."""
    found = 0

    def mask(m: re.Match[str]) -> str:
        nonlocal found
        if is_cpr(m.group(1) + m.group(2)):
            found += 1
            return replacement
        return m.group(0)

    if not any(c.isdigit() for c in text):
        return text, 0
    return CPR_PATTERN.sub(mask, text), found


def masked(text: str, replacement: str = CPR_MASK) -> str:
    """``mask_cpr`` without the count: for console lines, log records and names."""
    return mask_cpr(text, replacement)[0]
