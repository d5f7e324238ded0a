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
        # at the precision written, never a first day (issue 14, item 7)
        ("185X", "1850s"),
        ("201X", "2010s"),
        ("185X~", "c. 1850s"),
        ("17XX", "1700–1799"),
        ("1XXX", "1000–1999"),
        ("-01XX", "200–101 BCE"),
        ("18XX/19XX", "1800–1899 to 1900–1999"),
        ("156X-12-25", "25 December 156X"),
        ("XXXX-12-25", "25 December, year unknown"),
        ("1984-12-XX", "a day in December 1984"),
        ("1984-XX-25", "day 25 of a month in 1984"),
        ("1984-XX", "a month in 1984"),
        ("[1667, 1668, 1670..1672]", "one of 1667, 1668, 1670–1672"),
        ("[1850..1900]", "one of 1850–1900"),
        ("[1850-03..1850-05]", "one of March 1850–May 1850"),
        ("{1667, 1668}", "all of 1667, 1668"),
        ("[..1849]", "1849 or earlier"),
        ("[1851..]", "1851 or later"),
        ("2001-21", "spring 2001"),
        ("2001-24", "winter 2001"),
        ("2001-21/2002", "spring 2001–2002"),
        ("2001-33", "first quarter of 2001"),
        ("1850-03-12T10:00:00", "12 March 1850"),
        ("?2004-06", "June 2004?"),
    ],
)
def test_words(text: str, words: str) -> None:
    assert span_words(text) == words


@pytest.mark.parametrize("text", ["185X", "201X", "1XXX", "156X-12-25", "[1850..1900]", "2001-21",
                                  "[1667, 1668, 1670..1672]", "17XX/1850"])
def test_words_never_claim_a_first_day(text: str) -> None:
    """The old wording read the lower bound: "1 January 1850", "1 March 2001"."""
    assert "1 January" not in span_words(text) and "1 March" not in span_words(text)


@pytest.mark.parametrize(
    "text", ["1700-02-29", "1900-02-29", "-0001-02-29", "1700-02-29/1701", "1700-02-29T10:00:00",
             "[1700-02-29, 1701]", "(1700-02)~-29", "1700-02-29~"],
)
def test_29_february_of_a_common_year_is_refused(text: str) -> None:
    """edtf's grammar takes it and its bounds fall on 1 March; mapgen refuses it."""
    with pytest.raises(DateError, match="not a date that exists"):
        parse_span(text)


@pytest.mark.parametrize("text", ["2000-02-29", "1600-02-29", "-0004-02-29", "2000-02-29/2001"])
def test_29_february_of_a_leap_year_is_kept(text: str) -> None:
    assert iso_date(parse_span(text).start_narrow)[-5:] == "02-29"


def test_a_failed_parse_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    """edtf prints "trying to PartialUnspecified.__init__…" on some failures; stdout is the
    data channel of `list --format json` and `export -o -`."""
    with pytest.raises(DateError):
        parse_span("1984-1X")
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


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


years = st.integers(-9999, 9999).map(lambda y: f"{y:04d}" if y >= 0 else f"-{-y:04d}")
plain_dates = st.builds(
    lambda y, m, d, kind: [y, f"{y}-{m:02d}", f"{y}-{m:02d}-{d:02d}"][kind],
    years, st.integers(0, 13), st.integers(0, 32), st.integers(0, 2),
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
