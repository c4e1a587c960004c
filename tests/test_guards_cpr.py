"""CPR numbers as people write them: every dash and space that text pasted from Word, PDF or the web brings, glued to
letters, in full-width digits; and what is not a CPR number (longer digit runs, digests, dates, amounts, accounts)."""

from __future__ import annotations

import hashlib
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen.domain.personal_data import CPR_MASK, DASHES, is_cpr, mask_cpr, masked

MASKED = [
    ("010190-1234", CPR_MASK),
    ("0101901234", CPR_MASK),
    ("010190 1234", CPR_MASK),
    *[(f"010190{dash}1234", CPR_MASK) for dash in DASHES],
    *[(f"Borger 010190{space}1234 deltog", f"Borger {CPR_MASK} deltog") for space in "\u00a0\u202f\u2009\u2007\t"],
    ("010190 – 1234", CPR_MASK),
    ("010190 \u2011 1234", CPR_MASK),
    ("010190\u00a0\u2013\u00a01234", CPR_MASK),
    ("010190  1234", CPR_MASK),
    ("CPR0606901234", f"CPR{CPR_MASK}"),
    ("cpr:0606901234", f"cpr:{CPR_MASK}"),
    ("0707901234kr", f"{CPR_MASK}kr"),
    ("U1201711011", f"U{CPR_MASK}"),
    ("INT0101901234X", f"INT{CPR_MASK}X"),
    ("borger_0101901234", f"borger_{CPR_MASK}"),
    ("(010190-1234)", f"({CPR_MASK})"),
    ("nr.0101901234.", f"nr.{CPR_MASK}."),
    ("\uff10\uff11\uff10\uff11\uff19\uff10\uff11\uff12\uff13\uff14", CPR_MASK),
    ("\uff10\uff11\uff10\uff11\uff19\uff10\uff0d\uff11\uff12\uff13\uff14", CPR_MASK),
    ("311299-9999 og 290200-4001", f"{CPR_MASK} og {CPR_MASK}"),  # 29 February 2000 (a 4 after the date: 2000s)
]
LEFT_ALONE = [
    "12345678901",  # eleven digits
    "01019012345",  # a CPR number's digits inside a longer run
    "90101901234",
    "2020-03-10",
    "10-03-2020",
    "1.234.567,89",
    "1 234 567,89 kr.",
    "5.46.60.001",
    "54660001",
    "320190-1234",  # no 32nd day
    "290200-1234",  # 1900 was no leap year (a 1 after the date: 1900s)
    "010190--1234",  # two dashes are not a separator anyone writes
    "010190    1234",  # four spaces: two numbers in a table, not one
    "0101901234" * 2,
    "a" * 6 + "0101901234",  # sixteen hexadecimal characters: a digest
    "0101901234" + "abcdef",
    "INT19-01",
]


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_every_written_form_is_masked(text: str, expected: str) -> None:
    assert masked(text) == expected
    assert mask_cpr(text)[1] == expected.count(CPR_MASK)


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_what_is_no_cpr_number_is_left_alone(text: str) -> None:
    assert mask_cpr(text) == (text, 0)


def test_a_sha256_digest_in_a_manifest_is_never_masked() -> None:
    """Find digests holding ten digits that form a valid date (they occur): none is touched."""
    hits = []
    for i in range(200_000):
        digest = hashlib.sha256(str(i).encode()).hexdigest()
        if any(is_cpr(digest[j : j + 10]) for j in range(55) if digest[j : j + 10].isdigit()):
            hits.append(digest)
        if len(hits) == 3:
            break
    assert len(hits) == 3
    for digest in hits:
        line = f'"sha256": "{digest}",'
        assert masked(line) == line


SPACES = " \u00a0\u202f\u2009\u2007\t"
SEPARATORS = ["", *SPACES, *DASHES, " - ", " \u2013 ", "\u00a0\u2013\u00a0"]


def written_cprs(text: str) -> list[str]:
    """Every CPR number in ``text`` in any of the written forms, found without the module's pattern: at each
    position not preceded by a digit, six digits, an optional separator (one dash with up to three spaces around
    it, or one to three spaces), four digits not followed by a digit, a valid date, and not inside a digest."""
    found = []
    n = len(text)
    for i in range(n - 9):
        if (i and text[i - 1].isdecimal()) or not all(c.isdecimal() for c in text[i : i + 6]):
            continue
        for j in range(i + 6, min(n - 4, i + 13) + 1):
            if not _separator(text[i + 6 : j]) or not all(c.isdecimal() for c in text[j : j + 4]):
                continue
            if j + 4 < n and text[j + 4].isdecimal():
                continue
            digits = "".join(str(unicodedata.decimal(c)) for c in text[i : i + 6] + text[j : j + 4])
            if is_cpr(digits) and not _digest_around(text, i) and not _digest_around(text, j + 3):
                found.append(text[i : j + 4])
    return found


def _separator(between: str) -> bool:
    if all(c.isspace() for c in between):
        return len(between) <= 3
    dashes = [k for k, c in enumerate(between) if c in DASHES]
    if len(dashes) != 1:
        return False
    left, right = between[: dashes[0]], between[dashes[0] + 1 :]
    return all(c.isspace() for c in left + right) and len(left) <= 3 and len(right) <= 3


def _digest_around(text: str, at: int) -> bool:
    hexa = "0123456789abcdef"
    lo, hi = at, at + 1
    while lo and text[lo - 1] in hexa:
        lo -= 1
    while hi < len(text) and text[hi] in hexa:
        hi += 1
    return hi - lo >= 16


@st.composite
def cpr_numbers(draw: st.DrawFn) -> str:
    day = draw(st.integers(1, 28))
    month = draw(st.integers(1, 12))
    year = draw(st.integers(0, 99))
    serial = draw(st.integers(0, 9999))
    digits = f"{day:02d}{month:02d}{year:02d}{serial:04d}"
    if draw(st.booleans()):
        digits = "".join(chr(0xFF10 + int(c)) for c in digits) if draw(st.booleans()) else digits
    separator: str = draw(st.sampled_from(SEPARATORS))
    return digits[:6] + separator + digits[6:]


TEXT = st.lists(
    st.one_of(
        cpr_numbers(),
        st.text(alphabet="0123456789abcdefCPRkr.,:;()_/ -\u2013\u00a0\uff10\uff11", max_size=12),
        st.sampled_from(["2020-03-10", "1.234.567,89", "5.46.60.001", CPR_MASK, "U", "x"]),
    ),
    max_size=8,
).map("".join)


@given(TEXT)
@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_masking_is_idempotent_and_leaves_no_cpr_number(text: str) -> None:
    once = masked(text)
    assert masked(once) == once
    assert written_cprs(once) == []
    assert mask_cpr(text)[1] == len(written_cprs(text))


@given(cpr_numbers(), st.sampled_from(["", "CPR", "nr. ", "U", "x", "(", "borger_"]), st.sampled_from(["", "kr", ")"]))
@settings(max_examples=200, deadline=None, database=None)
def test_a_written_cpr_number_is_always_masked(number: str, before: str, after: str) -> None:
    assert masked(before + number + after) == before + CPR_MASK + after
