"""EDTF spans: bounds as day numbers, words, and the errors users see."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mapgen.dates import (
    DateError,
    civil_from_days,
    days_from_civil,
    iso_date,
    parse_bound,
    parse_span,
    span_words,
)


def day(y: int, m: int, d: int) -> int:
    return days_from_civil(y, m, d)


@given(st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)))
def test_day_numbers_agree_with_python_dates(date: datetime.date) -> None:
    n = days_from_civil(date.year, date.month, date.day)
    assert n == (date - datetime.date(1970, 1, 1)).days
    assert civil_from_days(n) == (date.year, date.month, date.day)


@given(st.integers(min_value=-3_000_000, max_value=3_000_000))
def test_day_numbers_round_trip_bce(n: int) -> None:
    assert days_from_civil(*civil_from_days(n)) == n


def test_interval_covers_whole_years() -> None:
    span = parse_span("1981/1986")
    assert (span.start_wide, span.end_wide) == (day(1981, 1, 1), day(1986, 12, 31))
    assert (span.start_narrow, span.end_narrow) == (day(1981, 1, 1), day(1986, 12, 31))
    assert not span.fuzzy_start and not span.fuzzy_end


def test_open_end_is_none_and_ongoing() -> None:
    span = parse_span("2003/..")
    assert span.end_wide is None and span.end_narrow is None
    assert span.ongoing
    assert span.overlaps(day(2100, 1, 1), day(2100, 12, 31))


def test_month_and_day_precision() -> None:
    assert parse_span("1981-06").end_narrow == day(1981, 6, 30)
    single = parse_span("1981-06-28")
    assert single.start_narrow == single.end_narrow == day(1981, 6, 28)


def test_approximate_start_is_wider_by_default_only() -> None:
    span = parse_span("2016~/..")
    assert span.start_narrow == day(2016, 1, 1)
    assert span.start_wide < span.start_narrow
    assert span.fuzzy_start
    window = (day(2015, 6, 1), day(2015, 12, 31))
    assert span.overlaps(*window)
    assert not span.overlaps(*window, strict=True)


def test_uncertain_start() -> None:
    span = parse_span("1986?/2013")
    assert span.start_wide < day(1986, 1, 1) == span.start_narrow


def test_bce_years() -> None:
    span = parse_span("-0500/-0300")
    assert span.start_narrow == day(-500, 1, 1)
    assert span.end_narrow == day(-300, 12, 31)
    assert iso_date(span.start_narrow) == "-0500-01-01"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("1981/1986", "1981–1986"),
        ("2003/..", "2003–present"),
        ("2016~/..", "c. 2016–present"),
        ("1986?/2013", "1986?–2013"),
        ("1981-06-28", "28 June 1981"),
        ("1981-08", "August 1981"),
        ("-0500", "501 BCE"),
        ("../1990", "…–1990"),
    ],
)
def test_words(text: str, words: str) -> None:
    assert span_words(text) == words


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2013/1986", "ends before it starts"),
        ("1981-13", "is not an EDTF date"),
        ("1981-02-30", "is not an EDTF date"),
        ("sometime", "is not an EDTF date"),
        ("", "empty"),
    ],
)
def test_bad_spans(text: str, message: str) -> None:
    with pytest.raises(DateError, match=message):
        parse_span(text)


def test_bounds_for_options() -> None:
    assert parse_bound("1986", end=True) == day(1986, 12, 31)
    assert parse_bound("1986-02", end=True) == day(1986, 2, 28)
    assert parse_bound("1986", end=False) == day(1986, 1, 1)
    with pytest.raises(DateError):
        parse_bound("2003/..", end=True)


plain_dates = st.builds(
    lambda y, m, d, kind: [f"{y:04d}", f"{y:04d}-{m:02d}", f"{y:04d}-{m:02d}-{d:02d}"][kind],
    st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32), st.integers(0, 2),
)
qualified = st.builds(lambda d, q: d + q, plain_dates, st.sampled_from(["", "~", "?", "%"]))
edtf_like = st.one_of(
    qualified,
    st.builds(lambda a, b: f"{a}/{b}", qualified, st.one_of(qualified, st.just(".."))),
    st.builds(lambda a, b: f"{a}/{b}", plain_dates, st.one_of(plain_dates, st.just(".."))),
    st.builds(lambda b: f"../{b}", plain_dates),
    st.text(alphabet="0123456789-/.~?%X", max_size=24),
)


@settings(deadline=None, max_examples=400)
@given(edtf_like)
def test_fast_path_agrees_with_the_edtf_package(text: str) -> None:
    """Plain ISO dates, qualified or not, skip the general grammar; they must mean exactly
    what the edtf package says."""
    from mapgen.dates import _edtf_span, _fast_span

    try:
        fast = _fast_span(text)
    except DateError:
        with pytest.raises(DateError):
            _edtf_span(text)
        return
    if fast is None:
        return
    slow = _edtf_span(text)
    assert fast == slow
    assert fast.words == slow.words


@given(st.integers(-5000, 5000), st.integers(1, 12), st.integers(1, 28))
def test_civil_dates_round_trip_and_years_join_up(y: int, m: int, d: int) -> None:
    """BCE included: floor division must not be corrected twice (a bug found in review)."""
    assert civil_from_days(days_from_civil(y, m, d)) == (y, m, d)
    assert days_from_civil(y, 12, 31) + 1 == days_from_civil(y + 1, 1, 1)


def test_known_day_numbers() -> None:
    assert days_from_civil(1970, 1, 1) == 0
    assert days_from_civil(0, 1, 1) == -719528  # 1 BCE, a leap year
    assert days_from_civil(-1, 1, 1) == -719528 - 365
