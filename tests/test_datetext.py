"""Dates as tables and gazetteers write them → EDTF: every documented spelling, its span in day
numbers, the errors users see, cell values, start/end pairs, and fuzz."""

from __future__ import annotations

import datetime
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapgen.dates import DateError, days_from_civil, parse_span, span_words
from mapgen.datetext import (
    ACCEPTED,
    SPELLINGS,
    ColumnDates,
    DateOptions,
    edtf_from_text,
    read_column,
    span_from_edtf,
)
from mapgen.errors import OptionError
from tests.test_dates import edtf_like

Day = tuple[int, int, int] | None
YEAR_1850 = ((1850, 1, 1), (1850, 12, 31))
RANGE_1850_1900 = ((1850, 1, 1), (1900, 12, 31))
DAY_12_MARCH_1850 = ((1850, 3, 12), (1850, 3, 12))
MARCH_1850 = ((1850, 3, 1), (1850, 3, 31))

# The narrow (first, last) day of each spelling in SPELLINGS, worked out by hand with
# astronomical years (-29 is 30 BCE); None is an open end.
BOUNDS: dict[str, tuple[Day, Day]] = {
    "1850": YEAR_1850,
    "1850-03-12": DAY_12_MARCH_1850,
    "1850-03": MARCH_1850,
    "1850~/1900?": RANGE_1850_1900,
    "1850-03-12 10:30": DAY_12_MARCH_1850,
    "1850/03/12 00:00:00": DAY_12_MARCH_1850,
    "300": ((300, 1, 1), (300, 12, 31)),
    "1850.0": YEAR_1850,
    "-30": ((-29, 1, 1), (-29, 12, 31)),
    "-0079": ((-79, 1, 1), (-79, 12, 31)),
    "-1200": ((-1200, 1, 1), (-1200, 12, 31)),
    "-550/-30": ((-549, 1, 1), (-29, 12, 31)),
    "30 BC": ((-29, 1, 1), (-29, 12, 31)),
    "300 BCE": ((-299, 1, 1), (-299, 12, 31)),
    "c. 30 BC": ((-29, 1, 1), (-29, 12, 31)),
    "AD 300": ((300, 1, 1), (300, 12, 31)),
    "300 CE": ((300, 1, 1), (300, 12, 31)),
    "c. 1850": YEAR_1850,
    "ca. 1850": YEAR_1850,
    "circa 1850": YEAR_1850,
    "~1850": YEAR_1850,
    "1850s": ((1850, 1, 1), (1859, 12, 31)),
    "18th century": ((1700, 1, 1), (1799, 12, 31)),
    "2nd century BC": ((-199, 1, 1), (-100, 12, 31)),
    "early 19th century": ((1800, 1, 1), (1833, 12, 31)),
    "late 1920s": ((1926, 1, 1), (1929, 12, 31)),
    "C18": ((1700, 1, 1), (1799, 12, 31)),
    "mid C14": ((1333, 1, 1), (1366, 12, 31)),
    "C4 BC": ((-399, 1, 1), (-300, 12, 31)),
    "1914..1918": ((1914, 1, 1), (1918, 12, 31)),
    "~1779..1801": ((1779, 1, 1), (1801, 12, 31)),
    "12 March 1850": DAY_12_MARCH_1850,
    "March 1850": MARCH_1850,
    "spring 2001": ((2001, 3, 1), (2001, 5, 31)),
    "28.06.2011": ((2011, 6, 28), (2011, 6, 28)),
    "12/31/1850": ((1850, 12, 31), (1850, 12, 31)),
    "31/12/1850": ((1850, 12, 31), (1850, 12, 31)),
    "06/28/2011 12:00:00 AM": ((2011, 6, 28), (2011, 6, 28)),
    "1850-1900": RANGE_1850_1900,
    "1850–1900": RANGE_1850_1900,
    "1850 - 1900": RANGE_1850_1900,
    "1850-60": ((1850, 1, 1), (1860, 12, 31)),
    "1850 to 1900": RANGE_1850_1900,
    "between 1850 and 1900": RANGE_1850_1900,
    "c. 1850 - 1900": RANGE_1850_1900,
    "550-30 BC": ((-549, 1, 1), (-29, 12, 31)),
    "1850-present": ((1850, 1, 1), None),
    "1850–": ((1850, 1, 1), None),
    "since 2003": ((2003, 1, 1), None),
    "before 1850": (None, (1849, 12, 31)),
    "after 1850": ((1851, 1, 1), None),
    "before 12 March 1850": (None, (1850, 3, 11)),
    "1735-01-01T00:00:00Z": ((1735, 1, 1), (1735, 1, 1)),
    "-0457-01-01T00:00:00Z": ((-457, 1, 1), (-457, 1, 1)),
    "+1850-03-12T00:00:00Z": DAY_12_MARCH_1850,
    "+1850-03-00T00:00:00Z": MARCH_1850,
    "+1850-00-00T00:00:00Z": YEAR_1850,
    "-0044-00-00T00:00:00Z": ((-43, 1, 1), (-43, 12, 31)),
}


def day(date: Day) -> int | None:
    return None if date is None else days_from_civil(*date)


def test_every_spelling_has_its_bounds_here() -> None:
    assert [example for example, _, _ in SPELLINGS] == list(BOUNDS)


@pytest.mark.parametrize(("text", "edtf", "meaning"), SPELLINGS, ids=[s[0] for s in SPELLINGS])
def test_documented_spelling(text: str, edtf: str, meaning: str) -> None:
    assert meaning
    assert edtf_from_text(text) == edtf
    span = parse_span(edtf)
    first, last = BOUNDS[text]
    assert (span.start_narrow, span.end_narrow) == (day(first), day(last))
    assert span.fuzzy_start == ("~" in edtf)  # c., ca., circa, ~ widen the start


@pytest.mark.parametrize(
    ("edtf", "words"),
    [("-0029", "30 BCE"), ("-0299", "300 BCE"), ("-0030", "31 BCE"), ("0000", "1 BCE"),
     ("-0043-03-15", "15 March 44 BCE"), ("-0549/-0029", "550 BCE–30 BCE"), ("185X", "1850s")],
)
def test_bce_years_read_back_as_written(edtf: str, words: str) -> None:
    """"30 BC" and Wikidata's -0044 come back in the words a reader wrote."""
    assert span_words(edtf) == words


@pytest.mark.parametrize(
    "text",
    ["1850~", "185X", "[1667, 1668, 1670..1672]", "2001-21", "../1850", "1850/..", "-0500/-0300",
     "1850-03-12T10:30:00", "Y-12000", "156X-12-25", "1850/", "{1850, 1860}"],
)
def test_valid_edtf_is_kept_unchanged(text: str) -> None:
    assert edtf_from_text(text) == text


@pytest.mark.parametrize(
    ("text", "edtf"),
    [("  c.  1850 ", "1850~"), ("30 B.C.", "-0029"), ("300 b.c.e.", "-0299"), ("30bc", "-0029"),
     ("1 BC", "0000"), ("AD 14", "0014"), ("between 30 BC and AD 14", "-0029/0014"),
     ("1850 BC-1800 BC", "-1849/-1799"), ("18th-19th century", "17XX/18XX"),
     ("ca. 1850–ca. 1900", "1850~/1900~"), ("from 1850 to present", "1850/.."),
     ("1850 until 1900", "1850/1900"), ("March 12, 1850", "1850-03-12"), ("12", "0012"),
     ("-12000", "Y-12000"), ("+1850", "1850"), ("before 30 BC", "[..-0030]"),
     ("after 1850-03", "[1850-04..]"), ("after 1999-12-31", "[2000-01-01..]"),
     ("1850-1850", "1850"), ("1850-03-12T10:30:00.5Z", "1850-03-12"),
     ("3 Sept. 1850", "1850-09-03"), ("+1850-03-12", "1850-03-12"),
     # a month of a year BC: the edtf reader kept the year and dropped the month
     ("March 44 BC", "-0043-03"), ("15 March 44 BCE", "-0043-03-15"),
     ("March 15, 44 B.C.", "-0043-03-15"),
     # edtf's grammar refuses "1850~/186X": the 1860s are then written as the year they reach
     ("c. 1850 - 1860s", "1850~/1869"), ("1850s - c. 1900", "1850/1900~"),
     ("1850-1860s", "1850/186X"), ("1850/185X~", "1850/1859~")],
)
def test_more_spellings(text: str, edtf: str) -> None:
    assert edtf_from_text(text) == edtf


@pytest.mark.parametrize(
    "text",
    ["hello", "March", "May 5", "12 March 50", "not 1850", "1850 or 1851", "1,850", "1850,1860",
     "1850, 1860", "..", "present", "to 1900", "1850 to", "-550-30", "1984-1X", "tuesday",
     "29 February 1700", "1e5", "10000 BC"],
)
def test_unreadable_text_shows_the_accepted_forms(text: str) -> None:
    with pytest.raises(DateError) as caught:
        edtf_from_text(text)
    message = str(caught.value)
    assert message == f"{text!r} is not a date mapgen reads; {ACCEPTED}"
    assert "\n" not in message and "30 BC" in message and "1850s" in message


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "empty date"), ("   ", "empty date"),
     ("12/03/1850", "could be day or month first; write 1850-03-12 or 1850-12-03"),
     ("03.12.1850", "could be day or month first"), ("1850.5", "not a whole year"),
     ("31/02/1850", "not a date that exists read day first"), ("0", "there is no year 0"),
     ("12/31/50", "two-digit year"),
     ("1900-1850", "'1900-1850' (read as '1900/1850') ends before it starts"),
     ("1700-02-29", "not a date that exists"), ("1700-02-29 10:00", "not a date that exists"),
     ("before spring 2001", "give a year, month or day after 'before'"),
     ("1850" * 30, "too long"), ("Y99999999999999", "too far in time"),
     ("2013/1986", "^'2013/1986' ends before it starts")],
)
def test_errors_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(DateError, match=message.replace("(", r"\(").replace(")", r"\)")):
        edtf_from_text(text)


@pytest.mark.parametrize(
    ("value", "edtf"),
    [(1850, "1850"), (300, "0300"), (-30, "-0029"), (1850.0, "1850"),
     (-30.0, "-0029"), ("1850", "1850"), (" c. 1850 ", "1850~"),
     (datetime.date(300, 5, 1), "0300-05-01"),
     (datetime.datetime(1850, 3, 12, 23, 59), "1850-03-12")],
)
def test_cell_values(value: object, edtf: str) -> None:
    assert read_column([value]).texts == (edtf,)


@pytest.mark.parametrize(
    ("value", "message"),
    [(1850.5, "not a whole year"), (math.inf, "not a whole year"), (math.nan, "empty"),
     (None, "empty"), ("", "empty"), (True, "not a date"), ([1850], "not a date"),
     (10**13, "too far in time"), (0, "there is no year 0")],
)
def test_bad_cell_values(value: object, message: str) -> None:
    read = read_column([value])
    assert read.texts == (None,)
    assert message in read.errors.get(0, "empty")  # an empty cell is no value, not an error


def span(start: object, end: object, end_given: bool, empty: str = "unknown") -> str:
    """A start and an end cell read as the columns they sit in, then made one span."""
    first = read_column([start], open_words=True).texts[0]
    last = read_column([end], open_words=True).texts[0]
    return span_from_edtf(first, last, end_given=end_given, empty=empty)


@pytest.mark.parametrize(
    ("start", "end", "end_given", "edtf"),
    [
        (1944, None, False, "1944/.."),  # no end field: from then on (OSM's start_date)
        ("1850-1900", None, False, "1850/.."),
        ("after 1850", None, False, "1851/.."),
        (1944, None, True, "1944/"),  # an end field, its cell empty: an unknown end
        (1944, "", True, "1944/"),
        (1944, math.nan, True, "1944/"),
        # a start cell that is an interval, its end cell empty: the interval (2000 was dropped)
        ("1990/2000", None, True, "1990/2000"),
        ("1850-1860", "", True, "1850/1860"),
        (1380, "..", True, "1380/.."),  # an open end, written out
        (1380, "Present", True, "1380/.."),
        (1380, "ONGOING", True, "1380/.."),
        (1380, "today", True, "1380/.."),
        (1380, " now ", True, "1380/.."),
        (None, 1950, True, "/1950"),  # an empty start: unknown
        ("..", 1950, True, "../1950"),  # an open start
        (None, None, True, ""),  # no date at all: undated
        ("", None, False, ""),
        (1850, 1900, True, "1850/1900"),
        (1850, 1850, True, "1850"),  # the same start and end is that one date
        ("1850", 1850.0, True, "1850"),
        (-550, "30 BC", True, "-0549/-0029"),
        ("1850s", 1900, True, "185X/1900"),
        ("1850-1860", "1900-1910", True, "1850/1910"),  # earliest start to latest end
        ("before 1850", 1900, True, "../1900"),
        ("c. 1850", "1860s", True, "1850~/1869"),
        ("after 1850", "[1860, 1870]", True, "1851/1870"),
        (datetime.date(1850, 3, 12), datetime.datetime(1851, 1, 1, 12), True,
         "1850-03-12/1851-01-01"),
    ],
)
def test_start_and_end(start: object, end: object, end_given: bool, edtf: str) -> None:
    assert span(start, end, end_given) == edtf


def test_an_empty_end_is_open_where_the_format_says_so() -> None:
    """LP-TSV: "a start value alone indicates from"; KML: a TimeSpan's missing end or begin
    is unbounded."""
    assert span(1944, None, True, empty="open") == "1944/.."
    assert span(None, 1944, True, empty="open") == "../1944"
    assert span("1990/2000", None, True, empty="open") == "1990/2000"  # its end is written


@pytest.mark.parametrize(
    ("start", "end", "end_given", "message"),
    [(1900, 1850, True, "ends before it starts"),
     ("before 1850", None, False, "leave both ends open"),
     (None, "..", True, "leave both ends open")],
)
def test_bad_start_and_end(start: object, end: object, end_given: bool, message: str) -> None:
    with pytest.raises(DateError, match=message):
        span(start, end, end_given)


def test_an_unknown_end_counts_at_its_start_and_is_faded() -> None:
    """A wreck of 1380 with no end is shown in 1380, never up to today ("1380–?")."""
    unknown = parse_span("1380/")
    assert (unknown.start_narrow, unknown.end_narrow, unknown.end_wide) == (
        days_from_civil(1380, 1, 1), days_from_civil(1380, 12, 31), days_from_civil(1380, 12, 31))
    assert unknown.fuzzy_end and not unknown.ongoing
    assert unknown.words == "1380–?"
    assert not unknown.overlaps(days_from_civil(2020, 1, 1), days_from_civil(2020, 12, 31))
    start = parse_span("/1950")
    assert start.start_narrow == days_from_civil(1950, 1, 1) and start.fuzzy_start
    assert parse_span("1380~/").end_wide == days_from_civil(1381, 12, 31)  # the start's padding


def column(values: list[object], **options: str) -> ColumnDates:
    return read_column(values, DateOptions(**options))


@pytest.mark.parametrize(
    ("values", "options", "texts", "choice"),
    [
        # Bare negative years count BC years as historians' tables do, and say so.
        (["-27", "14", -80, 80], {}, ["-0026", "0014", "-0079", "0080"],
         "negative years read as years BC with no year 0 ('-27' is 27 BCE); --bce astronomical"),
        (["-27", "14"], {"bce": "astronomical"}, ["-0027", "0014"],
         "negative years read as ISO 8601 and EDTF count them ('-27' is 28 BCE)"),
        # A column's short years make it a table's years: -1200 beside -700 is 1200 BCE,
        # as a table with numbers is; alone, -1200 is EDTF's 1201 BCE.
        (["-1200", "-700"], {}, ["-1199", "-0699"], "('-1200' is 1200 BCE)"),
        ([-1200, -1500], {}, ["-1199", "-1499"], "('-1200' is 1200 BCE)"),
        (["-1200/-1100", "-550/-30"], {}, ["-1199/-1099", "-0549/-0029"],
         "('-1200/-1100' is 1200 BCE–1100 BCE)"),
        (["-1200", "-1500"], {}, ["-1200", "-1500"], "('-1200' is 1201 BCE); --bce historical"),
        # Years written as EDTF stay astronomical, unless the user says otherwise.
        (["-0079", "-0500/-0300"], {}, ["-0079", "-0500/-0300"],
         "negative years read as ISO 8601 and EDTF count them ('-0079' is 80 BCE)"),
        (["-0079", "-0500/-0300"], {"bce": "historical"}, ["-0078", "-0499/-0299"],
         "negative years read as years BC with no year 0 ('-0079' is 79 BCE)"),
        # Day or month first: the dates that say it decide for those that do not.
        (["28.06.2011", "03.04.2012"], {}, ["2011-06-28", "2012-04-03"],
         "read day first ('28.06.2011' is 28 June 2011)"),
        (["03/04/2012", "12/31/1850"], {}, ["2012-03-04", "1850-12-31"],
         "read month first ('12/31/1850' is 31 December 1850)"),
        (["03.04.2012", "05.06.2012"], {}, ["2012-04-03", "2012-06-05"],
         "read day first, as dates with dots are written ('03.04.2012' is 3 April 2012)"),
        (["03/04/2012", "05/06/2012"], {"format": "%d/%m/%Y"}, ["2012-04-03", "2012-06-05"],
         None),
        # A column of nothing but 1 January midnights is years.
        (["01/01/2001 12:00:00 AM", "01/01/1880 12:00:00 AM"], {}, ["2001", "1880"],
         "every value is 1 January at midnight: read as years ('01/01/2001 12:00:00 AM' is 2001"),
        (["1735-01-01T00:00:00Z", "1664-01-01T00:00:00Z"], {}, ["1735", "1664"],
         "every value is 1 January at midnight: read as years"),
        (["1735-01-01T00:00:00Z", "1664-01-01T00:00:00Z"], {"precision": "day"},
         ["1735-01-01", "1664-01-01"], None),
        (["1735-01-01T00:00:00Z", "1664-06-01T00:00:00Z"], {},
         ["1735-01-01T00:00:00Z", "1664-06-01T00:00:00Z"], None),
        (["1735-06-12", "1850-03"], {"precision": "month"}, ["1735-06", "1850-03"], None),
        # query.wikidata.org's timestamps are ISO 8601 (XSD 1.1): -0457 is 458 BCE; Wikidata's
        # own JSON (a "+", a 00 month) counts BC years without a year 0.
        (["-0457-01-01T00:00:00Z", "1735-01-01T00:00:00Z"], {}, ["-0457", "1735"],
         "('-0457-01-01T00:00:00Z' is 458 BCE); --bce historical"),
        (["+1850-00-00T00:00:00Z", "-0044-03-15T00:00:00Z"], {}, ["1850", "-0043-03-15"],
         "negative years read as Wikidata's JSON counts them, without a year 0 "
         "('-0044-03-15T00:00:00Z' is 15 March 44 BCE)"),
    ],
)
def test_a_column_is_read_as_one(
    values: list[object], options: dict[str, str], texts: list[str], choice: str | None
) -> None:
    read = column(values, **options)
    assert list(read.texts) == texts
    assert not read.errors and not read.problem
    if choice is None:
        assert read.choices == ()
    else:
        assert any(choice in said for said in read.choices), read.choices


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        (["03/04/2012", "05/06/2012"],
         "dates such as '03/04/2012' could be day or month first and none says which; give "
         "--date-format %d/%m/%Y (day first) or %m/%d/%Y"),
        (["31/12/1850", "12/31/1850"],
         "its dates are written day first ('31/12/1850') and month first ('12/31/1850')"),
        (["03/04/2012 10:30 PM", "05/06/2012 09:00 AM"],
         "--date-format %d/%m/%Y %I:%M %p (day first) or %m/%d/%Y %I:%M %p"),
    ],
)
def test_a_column_that_does_not_say_day_or_month_first(values: list[str], problem: str) -> None:
    assert problem in column(values).problem


def test_a_column_whose_days_equal_their_months_needs_no_order() -> None:
    """Socrata's 01/01/1880 12:00:00 AM is the same day either way: no question to ask."""
    read = column(["01/01/1880 12:00:00 AM", "02/02/1990"])
    assert read.problem == "" and read.texts == ("1880-01-01", "1990-02-02")


def test_cells_that_do_not_match_the_date_format_are_named() -> None:
    read = column(["31.12.1850", "12/31/50", "1850"], format="%d.%m.%Y")
    assert read.texts == ("1850-12-31", None, "1850")
    assert read.errors == {1: "'12/31/50' does not match --date-format '%d.%m.%Y'"}


def test_options_are_checked() -> None:
    with pytest.raises(OptionError, match="historical or astronomical"):
        DateOptions(bce="julian")
    with pytest.raises(OptionError, match="day, month or year"):
        DateOptions(precision="week")
    with pytest.raises(OptionError, match="no strftime directive"):
        DateOptions(format="dd/mm/yyyy")


# Text made of what dates are written with, so the fuzz reaches the readers, not only the
# "not a date" exit; and arbitrary text.
DATE_WORDS = st.sampled_from(
    ["c.", "ca", "circa", "BC", "BCE", "AD", "CE", "before", "after", "between", "and", "to",
     "century", "th", "s", "spring", "March", "present", "-", "–", "/", "..", "~", "?", "X",
     "T00:00:00Z", "+", ",", ".", " ", "[", "]", "{", "}", "0", "00", "1850", "30", "-30", "12"]
)
DATE_LIKE = st.lists(DATE_WORDS, max_size=8).map("".join)


@settings(
    max_examples=400,
    deadline=5000,  # ms per example: a hang fails, not waits (as tests/test_fuzz.py)
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.one_of(DATE_LIKE, st.text(max_size=60), st.text(alphabet="0123456789-–/ .,~?XBCbcad",
                                                              max_size=30)))
def test_any_text_gives_edtf_or_a_date_error_and_prints_nothing(
    capfd: pytest.CaptureFixture[str], text: str
) -> None:
    capfd.readouterr()
    try:
        edtf = edtf_from_text(text)
    except DateError as exc:
        assert "\n" not in str(exc)
    else:
        parse_span(edtf)  # what comes back is usable
    assert capfd.readouterr().out == ""


@settings(max_examples=300, deadline=5000)
@given(st.one_of(edtf_like, st.sampled_from(
    ["[1667, 1668, 1670..1672]", "{1667, 1668}", "[..1849]", "2001-21", "1920-21", "156X-12-25",
     "1850-03-12T10:30:00", "1850-03-12T10:30:00-05:00", "Y-17E7", "1950S2", "?2004-06~-11"])))
def test_whatever_parses_as_edtf_comes_back_unchanged(text: str) -> None:
    """The shortcuts that spare non-EDTF text the grammar never turn EDTF away. ("1920-21" is
    EDTF's spring 1920, not 1920–1921: EDTF wins.)"""
    try:
        parse_span(text)
    except DateError:
        return
    assert edtf_from_text(text) == text.strip()


def test_readme_lists_every_accepted_spelling() -> None:
    from pathlib import Path

    from mapgen.dates import span_words
    from mapgen.datetext import SPELLINGS

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    missing = [
        written
        for written, edtf, meaning in SPELLINGS
        if f"| `{written}` | `{edtf}` | {span_words(edtf)} | {meaning} |" not in readme
    ]
    assert missing == []
