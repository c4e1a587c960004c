"""Danish numbers, dates and periods: examples and property tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest
from babel.numbers import format_decimal
from hypothesis import example, given
from hypothesis import strategies as st

from reportgen.domain.numbers import ParsedNumber, _parse_written, parse_danish_number
from reportgen.domain.periods import Period, parse_period
from reportgen.readers.danish import parse_danish_series, parse_date

amounts = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False, allow_infinity=False
)


@given(amounts)
def test_round_trip_with_babels_danish_formatting(value: Decimal) -> None:
    text = format_decimal(value, format="#,##0.00", locale="da_DK").replace("\u2212", "-")
    assert parse_danish_number(text).value == value


@given(amounts)
def test_trailing_minus_and_parentheses_mean_negative(value: Decimal) -> None:
    text = format_decimal(abs(value), format="#,##0.00", locale="da_DK")
    assert parse_danish_number(text + "-").value == -abs(value)
    assert parse_danish_number(f"({text})").value == -abs(value)


@given(amounts)
def test_the_vectorised_parser_agrees_with_the_scalar_one(value: Decimal) -> None:
    text = format_decimal(value, format="#,##0.00", locale="da_DK").replace("\u2212", "-")
    parsed, bad = parse_danish_series(pd.Series([text, text + " kr."], dtype=object))
    assert not bad.any()
    assert parsed.tolist() == [float(value), float(value)]


@given(st.text(alphabet="0123456789,.-+ %\u00a0\n٣", max_size=40))
@example("999999999999999,99999999999999999999")
@example("999999999999999,9999999999999")
@example("1000000000000000")
@example("38,")
@example("38\n")
def test_the_plain_number_shortcut_reads_as_the_full_rules_do(text: str) -> None:
    """Plain digits with a decimal comma skip the full rules: the same value or the same refusal either way."""
    results: list[ParsedNumber | str] = []
    for parse in (parse_danish_number, lambda t: _parse_written(t, allow_percent=True)):
        try:
            results.append(parse(text))
        except ValueError as exc:
            results.append(str(exc))
    assert results[0] == results[1]


@given(st.text(alphabet="0123456789.,-() %", max_size=12))
def test_garbage_is_rejected_never_silently_accepted(text: str) -> None:
    try:
        parsed = parse_danish_number(text)
    except ValueError:
        _vector, bad = parse_danish_series(pd.Series([text], dtype=object))
        assert bad.iloc[0] or text.strip() in ("", "%", "-", "()")
        return
    # Whatever is accepted has at most one decimal comma, and dots only as thousands separators before it.
    core = text.replace("%", "").strip().strip("()-").strip()
    assert core.count(",") <= 1
    integer = core.split(",")[0].replace(" ", "")
    if "." in integer:
        groups = integer.split(".")
        assert 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
    assert isinstance(parsed.value, Decimal)


@pytest.mark.parametrize("bad", ["12,3,4", "1.23", "1,234.5", "1.2345", "--5", "5--", "abc", "", "1 2", "(-5)-"])
def test_malformed_numbers(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_danish_number(bad)


@pytest.mark.parametrize(
    "text, value, percent",
    [
        ("1.234,50", "1234.50", False),
        ("-1.234,50", "-1234.50", False),
        ("1.234,50-", "-1234.50", False),
        ("(1.234,50)", "-1234.50", False),
        ("38,5%", "38.5", True),
        ("38", "38", False),
        ("1.234", "1234", False),
        ("1 234,5", "1234.5", False),
        ("1.234,50 kr.", "1234.50", False),
        ("\u22125", "-5", False),
    ],
)
def test_numbers(text: str, value: str, percent: bool) -> None:
    parsed = parse_danish_number(text)
    assert parsed.value == Decimal(value) and parsed.percent is percent


@pytest.mark.parametrize(
    "value, expected",
    [
        ("31-12-2019", dt.date(2019, 12, 31)),
        ("31.12.2019", dt.date(2019, 12, 31)),
        ("2019-12-31", dt.date(2019, 12, 31)),
        ("1-2-2019", dt.date(2019, 2, 1)),
        (43830, dt.date(2019, 12, 31)),
        ("43830", dt.date(2019, 12, 31)),
        (dt.datetime(2019, 12, 31, 13, 5), dt.date(2019, 12, 31)),  # noqa: DTZ001 (openpyxl gives naive date-times)
        ("31-12-2019 00:00:00", dt.date(2019, 12, 31)),
    ],
)
def test_dates(value: object, expected: dt.date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("bad", ["31-02-2019", "2019/31/12", "12/2019", "i går"])
def test_malformed_dates(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_date(bad)


@pytest.mark.parametrize(
    "text, code, start, end",
    [
        ("2019", "2019", dt.date(2019, 1, 1), dt.date(2019, 12, 31)),
        ("2019K3", "2019K3", dt.date(2019, 7, 1), dt.date(2019, 9, 30)),
        ("2019Q3", "2019K3", dt.date(2019, 7, 1), dt.date(2019, 9, 30)),
        ("2019 3. kvt.", "2019K3", dt.date(2019, 7, 1), dt.date(2019, 9, 30)),
        ("3. kvt. 2019", "2019K3", dt.date(2019, 7, 1), dt.date(2019, 9, 30)),
        ("2019M09", "2019M09", dt.date(2019, 9, 1), dt.date(2019, 9, 30)),
        ("2020M02", "2020M02", dt.date(2020, 2, 1), dt.date(2020, 2, 29)),
        ("2019QMAT04", "2019QMAT04", dt.date(2019, 1, 1), dt.date(2019, 12, 31)),
        ("2019QMAT02", "2019QMAT02", dt.date(2018, 7, 1), dt.date(2019, 6, 30)),
        ("2019Y01", "2019", dt.date(2019, 1, 1), dt.date(2019, 12, 31)),
        (2019, "2019", dt.date(2019, 1, 1), dt.date(2019, 12, 31)),
    ],
)
def test_periods(text: object, code: str, start: dt.date, end: dt.date) -> None:
    period = parse_period(text)
    assert (period.code, period.start, period.end) == (code, start, end)
    assert parse_period(period.code) == period


@pytest.mark.parametrize("bad", ["2019K5", "2019M13", "19K1", "K3 2019", "2019H1", ""])
def test_malformed_periods(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_period(bad)


def test_periods_order_by_end_date() -> None:
    assert sorted([parse_period(p) for p in ["2019", "2019K4", "2019M11", "2018"]]) == [
        Period("Y", 2018),
        Period("M", 2019, 11),
        Period("Y", 2019),
        Period("Q", 2019, 4),
    ]
    assert Period("Q", 2019, 3).label_da() == "3. kvt. 2019"


@given(
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.sampled_from(["%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d", "%Y%m%d", "%d-%m-%Y 00:00:00"]),
)
def test_the_vectorised_date_parser_agrees_with_the_scalar_one(day: dt.date, fmt: str) -> None:
    from reportgen.readers.danish import parse_date_series

    text = day.strftime(fmt)
    parsed, bad = parse_date_series(pd.Series([text], dtype="string[pyarrow]"))
    assert not bad.iloc[0] and parsed.iloc[0].date() == parse_date(text) == day


@given(st.integers(1, 31), st.integers(1, 12), st.integers(1990, 2030))
def test_impossible_dates_are_rejected_by_both_parsers(d: int, m: int, y: int) -> None:
    from reportgen.readers.danish import parse_date_series

    text = f"{d:02d}-{m:02d}-{y}"
    try:
        expected: dt.date | None = dt.date(y, m, d)
    except ValueError:
        expected = None
    parsed, bad = parse_date_series(pd.Series([text], dtype="string[pyarrow]"))
    assert bool(bad.iloc[0]) is (expected is None)
    if expected is None:
        with pytest.raises(ValueError):
            parse_date(text)
    else:
        assert parsed.iloc[0].date() == expected


def test_numpy_numbers_become_exact_decimals() -> None:
    import numpy as np

    from reportgen.domain.numbers import to_decimal

    assert to_decimal(np.float64(0.385)) == Decimal("0.385")
    assert to_decimal(np.int64(7)) == Decimal(7)
