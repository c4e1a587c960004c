"""CPR numbers: how one is recognised, and the one function that masks them in any text.

A CPR number is ten digits whose first six are a valid date (``DDMMYY``). People write them as ``DDMMYY-SSSS``,
``DDMMYYSSSS`` or ``DDMMYY SSSS``, and text pasted from Word, PDF or a web page brings other dashes and spaces with it
(an en dash, a non-breaking hyphen, a minus sign, a non-breaking or thin space, spaces around the dash) and sometimes
full-width digits. There is no modulus-11 check: numbers issued since 2007 need not pass it. python-stdnum's
``dk.cpr`` checks format and date only, which is right.
"""

from __future__ import annotations

import re
import unicodedata

DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"
"""Hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash, em dash, minus sign, small and full-width
hyphen-minus: every dash a CPR number is seen written with."""
CPR_PATTERN = re.compile(rf"(?<!\d)(\d{{6}})(?:\s{{0,3}}[{DASHES}]\s{{0,3}}|\s{{1,3}})?(\d{{4}})(?!\d)")
"""Ten digits (``\\d`` is any decimal digit, full-width ones too) not inside a longer run of digits, with an optional
separator after the sixth: one dash (of any kind, spaces around it allowed) or up to three spaces of any kind. A letter
next to the digits is no barrier (``CPR0606901234``, ``0707901234kr``, a code such as ``U1201711011``); what keeps a
run of digits inside a longer number, a date (``2020-03-10``), an amount (``1.234.567,89``) or an account
(``5.46.60.001``) from being taken for a CPR number is the digits around it and the date check, and a hexadecimal
digest is recognised by its length (``MIN_DIGEST``)."""
MIN_DIGEST = 16
"""A run of lowercase hexadecimal characters at least this long around the digits is a digest (a SHA-256 in the
manifest is 64), not a CPR number: a CPR number glued to a word is at most ten digits and a few letters a-f."""
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


def ascii_digits(digits: str) -> str:
    """Any decimal digits (full-width ``０１``, Arabic-Indic…) as ASCII ``0``-``9``."""
    return digits if digits.isascii() else "".join(str(unicodedata.digit(c)) for c in digits)


def _in_digest(text: str, start: int, end: int) -> bool:
    """Whether the digits ``text[start:end]`` lie in a run of at least ``MIN_DIGEST`` lowercase hex characters."""
    for at in (start, end - 1):
        lo, hi = at, at + 1
        while lo > 0 and text[lo - 1] in "0123456789abcdef":
            lo -= 1
        while hi < len(text) and text[hi] in "0123456789abcdef":
            hi += 1
        if hi - lo >= MIN_DIGEST:
            return True
    return False


def mask_cpr(text: str, replacement: str = CPR_MASK) -> tuple[str, int]:
    """The text with every CPR number replaced, and how many were replaced."""
    found = 0

    def mask(m: re.Match[str]) -> str:
        nonlocal found
        if is_cpr(ascii_digits(m.group(1) + m.group(2))) and not _in_digest(text, m.start(), m.end()):
            found += 1
            return replacement
        return m.group(0)

    if not any(c.isdigit() for c in text):
        return text, 0
    return CPR_PATTERN.sub(mask, text), found


def masked(text: str, replacement: str = CPR_MASK) -> str:
    """``mask_cpr`` without the count: for console lines, log records and names."""
    return mask_cpr(text, replacement)[0]
