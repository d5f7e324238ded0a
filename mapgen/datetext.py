"""Dates as historians' tables and gazetteers write them → EDTF text, which mapgen.dates parses.

The natural-language reading is the `edtf` package's own (``text_to_edtf_date``: circa, decades,
centuries, month names, seasons). This module only does what that reader gets wrong or cannot
do, and checks every answer it gives: bare and negative years (it reads ``-30`` as a day of the
month), ``30 BC`` (it gives ``-0030``, which is 31 BCE), ranges written with an en dash, "to" or
"between … and", "before"/"after"/"since", OpenStreetMap's forms (``C18``, ``late C18``,
``1850..1860``), day-first and month-first dates, Wikidata's timestamps, and numbers read as a
21st-century year ("12 March 50"). Every result is parsed by :func:`mapgen.dates.parse_span`
before it is returned, so an answer is either a usable EDTF span or a :class:`DateError`.

**Readings that involve a choice are made once per column** (:func:`read_column`), never cell by
cell: whether a bare negative year counts BC years without a year 0 (historians' tables,
Pleiades, DARMC: ``-80`` is 80 BC) or astronomically (ISO 8601 and EDTF: ``-0079`` is 80 BC),
day or month first, and whether a column of 1 January midnights holds years. The column's
:class:`Reading` says what was chosen, and :attr:`ColumnDates.choices` says it in words for the
one ``note:`` line a file's column gets.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import math
import numbers
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mapgen.dates import (
    MAX_LENGTH,
    DateError,
    NotEDTF,
    civil_from_days,
    days_from_civil,
    iso_date,
    parse_span,
    thirds,
)
from mapgen.defaults import BCE_READINGS, DATE_PRECISIONS
from mapgen.errors import OptionError

# (how a table may write it, the EDTF mapgen makes of it, what it means). Every row is a test
# (tests/test_datetext.py) and README's list of accepted spellings.
SPELLINGS: tuple[tuple[str, str, str], ...] = (
    ("1850", "1850", "any valid EDTF is kept as written"),
    ("1850-03-12", "1850-03-12", "an ISO 8601 day"),
    ("1850-03", "1850-03", "a month"),
    ("1850~/1900?", "1850~/1900?", "EDTF qualifiers and intervals"),
    ("1850-03-12 10:30", "1850-03-12", "an ISO date and time: the time of day is dropped"),
    ("1850/03/12 00:00:00", "1850-03-12", "a shapefile date"),
    ("300", "0300", "a year below 1000"),
    ("1850.0", "1850", "a whole number as a spreadsheet writes it"),
    ("-30", "-0029", "a bare negative year counts as historians do: 30 BCE (there is no year 0)"),
    ("-0079", "-0079", "a year written as EDTF, four digits: astronomical, 80 BCE (0000 is 1 BCE)"),
    ("-1200", "-1200", "four digits: as EDTF, 1201 BCE, unless the column has years such as -80"),
    ("-550/-30", "-0549/-0029", "550 BCE to 30 BCE"),
    ("30 BC", "-0029", "30 BCE (there is no year 0 in BC/AD counting)"),
    ("300 BCE", "-0299", "300 BCE"),
    ("c. 30 BC", "-0029~", "about 30 BCE"),
    ("AD 300", "0300", "the year 300"),
    ("300 CE", "0300", "the year 300"),
    ("c. 1850", "1850~", "about 1850"),
    ("ca. 1850", "1850~", "about 1850"),
    ("circa 1850", "1850~", "about 1850"),
    ("~1850", "~1850", "about 1850, as OpenStreetMap writes it"),
    ("1850s", "185X", "1850 to 1859"),
    ("18th century", "17XX", "1700 to 1799 (the usual reading, not 1701 to 1800)"),
    ("2nd century BC", "-01XX", "200 to 101 BCE"),
    ("early 19th century", "[1800..1833]", "one year in the first third of the century"),
    ("late 1920s", "[1926..1929]", "one year in the last third of the decade"),
    ("C18", "17XX", "OpenStreetMap's 18th century: 1700 to 1799"),
    ("mid C14", "[1333..1366]", "one year in the middle third of the 14th century"),
    ("C4 BC", "-03XX", "the 4th century BCE: 400 to 301 BCE (never circa 4 BCE)"),
    ("1914..1918", "[1914..1918]", "OpenStreetMap: one date some time from 1914 to 1918"),
    ("~1779..1801", "~1779/1801", "from about 1779 to 1801"),
    ("12 March 1850", "1850-03-12", "a day in words"),
    ("March 1850", "1850-03", "a month in words"),
    ("spring 2001", "2001-21", "an EDTF season"),
    ("28.06.2011", "2011-06-28", "day first (a column's dates decide the order for all of them)"),
    ("12/31/1850", "1850-12-31", "month first"),
    ("31/12/1850", "1850-12-31", "day first"),
    ("06/28/2011 12:00:00 AM", "2011-06-28", "a Socrata or Excel timestamp: the day"),
    ("1850-1900", "1850/1900", "from 1850 to 1900"),
    ("1850–1900", "1850/1900", "en dash"),
    ("1850 - 1900", "1850/1900", "spaced hyphen"),
    ("1850-60", "1850/1860", "short second year"),
    ("1850 to 1900", "1850/1900", "from 1850 to 1900"),
    ("between 1850 and 1900", "1850/1900", "from 1850 to 1900"),
    ("c. 1850 - 1900", "1850~/1900", "from about 1850 to 1900"),
    ("550-30 BC", "-0549/-0029", "550 to 30 BCE: a trailing era applies to both"),
    ("1850-present", "1850/..", "from 1850, ongoing"),
    ("1850–", "1850/..", "from 1850, ongoing"),
    ("since 2003", "2003/..", "from 2003, ongoing"),
    ("before 1850", "[..1849]", "one date, 1849 or earlier"),
    ("after 1850", "[1851..]", "one date, 1851 or later"),
    ("before 12 March 1850", "[..1850-03-11]", "one day, 11 March 1850 or earlier"),
    ("1735-01-01T00:00:00Z", "1735-01-01T00:00:00Z",
     "a timestamp (a column of nothing but 1 January midnights is read as years)"),
    ("-0457-01-01T00:00:00Z", "-0457-01-01T00:00:00Z",
     "a timestamp as query.wikidata.org writes it: ISO 8601, 458 BCE"),
    ("+1850-03-12T00:00:00Z", "1850-03-12", "a Wikidata day"),
    ("+1850-03-00T00:00:00Z", "1850-03", "a Wikidata month"),
    ("+1850-00-00T00:00:00Z", "1850", "a Wikidata year"),
    ("-0044-00-00T00:00:00Z", "-0043", "Wikidata's JSON counts BCE without a year 0: 44 BCE"),
)

ACCEPTED = (
    "write e.g. 1850, 1850-03-12, 300, -30 (30 BCE), 30 BC, AD 300, c. 1850, 1850s, "
    "18th century, C18, 1850-1900, 1850..1860, between 1850 and 1900, before 1850, or EDTF"
)

_NUMBER = re.compile(r"([+-]?\d+)(\.\d*)?")
_TIME = r"(?:[ T]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?"
_ISO_DATE_TIME = re.compile(r"([+-]?\d{4,})[-/](\d\d)[-/](\d\d)" + _TIME)
_WIKIDATA = re.compile(r"([+-])(\d{1,16})-(\d\d)-(\d\d)T00:00:00Z")
# 28.06.2011, 12/31/1850, 01/01/2001 12:00:00 AM: day and month in either order, a time of day
_DMY = re.compile(
    r"(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})"
    r"(?:[ T]+(\d{1,2}):(\d\d)(?::(\d\d)(?:[.,]\d+)?)?(?:\s*([AaPp])\.?[Mm]\.?)?)?"
)
_AMBIGUOUS = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")  # a day and month in some order
# A timestamp at midnight on 1 January: a year written as a day (query.wikidata.org, Socrata)
_NEW_YEAR = re.compile(
    r"[+]?-?\d{4,}-01-01[T ]00:00(?::00(?:[.,]0+)?)?(?:Z|[+-]00:?00)?"
    r"|0?1([/.-])0?1\1\d{4}[ T]+(?:00:00(?::00)?|12:00(?::00)?\s*[Aa]\.?[Mm]\.?)"
)
_BEFORE_AFTER = re.compile(r"(before|after|since)\s+(.+)", re.I)
_RANGES = (
    re.compile(r"between\s+(.+?)\s+and\s+(.+)", re.I),
    re.compile(r"(?:from\s+)?(.+?)\s+(?:to|until|till)\s+(.+)", re.I),
    re.compile(r"(.+?)\s*[–—]\s*(.*)"),
    re.compile(r"(.+?)\s+-\s+(.*)"),
    re.compile(r"(.+?)\s*/\s*(.*)"),
)
_HYPHEN_RANGE = re.compile(r"([^-]+)-([^-]*)")  # 1850-1900, 1850-60, 550-30 BC, 1850-
_OSM_RANGE = re.compile(r"(~?[^.]+?)\s*\.\.\s*(~?[^.]+)")  # 1850..1860, mid C17..late C17
# C18, ~C13, late C18, C4 BC: OpenStreetMap's centuries ("C" and a number is never circa)
_CENTURY = re.compile(r"(~)?\s*(?:(early|mid|late)\s+)?C(\d{1,2})(?:\s*(BCE?|AD|CE))?", re.I)
_THIRD = re.compile(
    r"(~)?\s*(early|mid|late)\s+(?:the\s+)?(?:(\d{3})0s|(\d{1,2})(?:st|nd|rd|th)\s+century"
    r"(?:\s*(BCE?|AD|CE))?)",
    re.I,
)
OPEN_WORDS = frozenset({"..", "present", "now", "today", "ongoing"})
_ERA = re.compile(r"\b(b\.?\s?c\.?\s?e\.?|b\.?\s?c\.?|a\.?\s?d\.?|c\.?\s?e\.)(?=\s|$)", re.I)
_ERA_SUFFIX = re.compile(r"\s*\b(?:(?:century|cent\.?)\s*)?(?:bce|bc|ad|ce)?$", re.I)
_BARE_LEFT = re.compile(r"(?:(?:c\.?|ca\.?|circa)\s*)?\d+(?:st|nd|rd|th)?", re.I)
_BC = re.compile(r"\b(bc|bce)\b", re.I)
_SHORT_NEGATIVE = re.compile(r"(?<![\w.-])-[1-9]\d{0,2}(?![\w-])")  # -80, as tables write it
_UNPADDED = re.compile(r"(?:^|(?<=[/\[{,.]))-[1-9]\d{3,}")  # -1200, not -0079
_NEGATIVE_YEAR = re.compile(r"(?:^|(?<=[/\[{,.]))-(\d{4,})")  # a negative year in EDTF text
# Words the edtf reader understands; text with any other word is refused rather than guessed.
_VOCABULARY = frozenset(
    {"c", "ca", "circa", "about", "around", "approx", "approximately", "the", "of", "century",
     "cent", "bc", "bce", "ad", "ce", "spring", "summer", "autumn", "fall", "winter", "early",
     "mid", "late", "st", "nd", "rd", "th", "s", "uncertain", "possibly", "maybe", "sept"}
    | {m.lower() for m in calendar.month_name[1:]}
    | {m.lower() for m in calendar.month_abbr[1:]}
)


@dataclass(frozen=True)
class DateOptions:
    """What the user decides for a file's date columns (``--bce``, ``--date-precision``,
    ``--date-format``); left empty, each column's cells decide, and a note says how."""

    bce: str = ""  # "historical" or "astronomical": every negative year read so
    precision: str = ""  # "day", "month" or "year": every date cut to it
    format: str = ""  # a strftime format for dates the cells leave unclear (%d/%m/%Y)

    def __post_init__(self) -> None:
        for f in ("bce", "precision", "format"):  # None from the API is "not given"
            object.__setattr__(self, f, (getattr(self, f) or "").strip())
        if self.bce and self.bce not in BCE_READINGS:
            raise OptionError.naming("{bce} is historical or astronomical, not {value}",
                                     value=repr(self.bce))
        if self.precision and self.precision not in DATE_PRECISIONS:
            raise OptionError.naming("{date_precision} is day, month or year, not {value}",
                                     value=repr(self.precision))
        if self.format and "%" not in self.format:
            raise OptionError.naming("{date_format} {value} has no strftime directive "
                                     "(write e.g. %d/%m/%Y)", value=repr(self.format))


@dataclass(frozen=True)
class Reading:
    """How one column's cells are read: the choices made once for the whole column. The
    default reads a value on its own, as an option such as ``--from`` is read."""

    bce: str = ""  # "": by the form; "historical"/"astronomical": every negative year so
    table_years: bool = False  # the column's bare numbers are a table's years, -1200 too
    wikidata_json: bool = False  # the column holds Wikidata's JSON timestamps (+1850-00-00T…)
    day_first: bool | None = None  # None: each cell must say it itself (31/12/1850)
    precision: str = ""  # "day", "month", "year": dates cut to it
    format: str = ""  # strftime format tried first


DEFAULT = Reading()


@dataclass(frozen=True)
class ColumnDates:
    """A column of date cells read as one: each value's EDTF (None when empty or no date),
    why each unreadable value is no date, the choices made in words, and the problem that
    keeps the whole column from being read ("" when none)."""

    texts: tuple[str | None, ...]
    errors: dict[int, str] = field(default_factory=dict)
    choices: tuple[str, ...] = ()
    problem: str = ""
    negative: tuple[str, ...] = ()  # how its negative years were read: "historical", …


def _year_text(year: int) -> str:
    """An astronomical year as EDTF: four digits with a sign when negative, "Y" past 9999."""
    if abs(year) > 9999:
        return f"Y{year}"
    return f"{year:04d}" if year >= 0 else f"-{-year:04d}"


# Every character EDTF text can hold. Text with another ("c. 1850"), with a space outside a
# set, or with three digits after a year ("1850-1900") skips the EDTF grammar: it takes
# milliseconds to fail.
_EDTF_CHARACTERS = frozenset("0123456789XYESTZ-+/~?%.,:[]{}() ")
_NEVER_EDTF = re.compile(r"\d{4}-\d{3}|^[^[{].* ")


@functools.lru_cache(maxsize=1 << 14)
def _edtf_verdict(text: str) -> str | None:
    """None when *text* is valid EDTF that mapgen can use; else why not: "" when it is not
    EDTF at all, the reason when it is EDTF that names no usable span ("2013/1986")."""
    if not set(text) <= _EDTF_CHARACTERS or _NEVER_EDTF.search(text):
        return ""
    try:
        parse_span(text)
    except NotEDTF:
        return ""
    except DateError as exc:
        return str(exc)
    return None


def _is_edtf(text: str) -> bool:
    """True when mapgen.dates parses *text* as it is."""
    return _edtf_verdict(text) is None


def _checked(result: str, text: str) -> str:
    """*result* when mapgen can use it; else an error that names what the user wrote."""
    try:
        parse_span(result)
    except DateError as exc:
        if result == text:
            raise
        message, said = str(exc), repr(result)
        rest = message[len(said):] if message.startswith(said) else f": {message}"
        raise DateError(f"{text!r} (read as {said}){rest}") from exc
    return result


class _Trace:
    """What reading one text involved that a note must name: a negative year read as a year
    BC ("historical"), as ISO 8601 counts ("astronomical"), or as Wikidata's JSON does."""

    def __init__(self) -> None:
        self.negative: set[str] = set()


def _historical(year: int, text: str) -> int:
    """A year counted without a year 0 (-80 is 80 BC) as an astronomical year (-79)."""
    if year == 0:
        raise DateError(f"{text!r}: there is no year 0 in BC/AD counting (1 BC is followed by "
                        "AD 1); write 1 BC or AD 1, or give --bce astronomical (0 is 1 BCE)")
    return year + 1 if year < 0 else year


def _bare_year(number: int, text: str, reading: Reading, trace: _Trace, *,
               typed: bool = False) -> str:
    """A bare whole number as a year: a negative one counts BC years as historians' tables do
    (-80 is 80 BC), unless the column's reading is astronomical, or it is written with four
    digits or more (-1200, as EDTF writes it) in a column whose years are all so written."""
    if number > 0:
        return _year_text(number)
    as_edtf = not (typed or reading.table_years) and len(text.lstrip("+-")) >= 4
    if reading.bce == "astronomical" or (as_edtf and reading.bce != "historical"):
        trace.negative.add("astronomical")
        return _year_text(number)
    trace.negative.add("historical")
    return _year_text(_historical(number, text))


def _wikidata(text: str, reading: Reading, trace: _Trace) -> str | None:
    """Wikidata's JSON timestamp: a signed year, 00 for an unknown month or day, and negative
    years counted without a year 0 (-0044 is 44 BCE). A timestamp without those marks is
    ISO 8601's, as query.wikidata.org writes it (-0457-01-01T00:00:00Z is 458 BCE), unless
    the column's other timestamps are Wikidata's JSON."""
    match = _WIKIDATA.fullmatch(text)
    if match is None:
        return None
    sign, year, month, day = match.groups()
    if sign == "-" and "00" not in (month, day) and not reading.wikidata_json:
        return None  # ISO 8601: read with the other ISO dates
    y = int(year) if sign == "+" else -int(year)
    if y < 0 and reading.bce != "astronomical":
        trace.negative.add("wikidata")
        y += 1
    elif y < 0:
        trace.negative.add("astronomical")
    out = _year_text(y)
    if month != "00":
        out += f"-{month}" + (f"-{day}" if day != "00" else "")
    return out


def _shift_bc(result: str, text: str) -> str:
    """edtf reads "30 BC" as -0030 (31 BCE): a year BC written with its digits moves up by one.
    Centuries ("-01XX") are right already."""
    match = re.fullmatch(r"-(\d{4})(.*)", result)
    if match is None or not _BC.search(text):
        return result
    return _year_text(1 - int(match.group(1))) + match.group(2)


def _day_month(text: str, reading: Reading) -> str | None:
    """A day and month in either order (28.06.2011, 12/31/1850, 01/01/2001 12:00:00 AM) as an
    ISO day, the order the column's reading says, or else the one the numbers say; None when
    *text* has not that shape."""
    match = _DMY.fullmatch(text)
    if match is None:
        return None
    a, _, b, year = match.group(1, 2, 3, 4)
    if len(year) == 2:
        raise DateError(f"{text!r} has a two-digit year: write it in full, or give "
                        "--date-format (%y)")
    first, second = int(a), int(b)
    day_first = reading.day_first
    if day_first is None:
        if first == second or max(first, second) > 12:
            day_first = first > 12 or first == second
        else:
            raise DateError(f"{text!r} could be day or month first; write {year}-{b:0>2}-{a:0>2}"
                            f" or {year}-{a:0>2}-{b:0>2}, or give --date-format")
    day, month = (first, second) if day_first else (second, first)
    order = "day first" if day_first else "month first"
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(int(year), month)[1]:
        raise DateError(f"{text!r} is not a date that exists read {order}")
    return f"{int(year):04d}-{month:02d}-{day:02d}"


def _formatted(text: str, reading: Reading) -> str | None:
    """*text* read by the ``--date-format`` it matches, at the precision the format names
    (a day with %d, a month with %m or %b, else a year); None when it does not match."""
    try:
        moment = datetime.datetime.strptime(text, reading.format)
    except ValueError:
        return None
    if re.search(r"%[djUWaAcxF]", reading.format):
        return moment.date().isoformat()
    if re.search(r"%[mbB]", reading.format):
        return f"{moment.year:04d}-{moment.month:02d}"
    return _year_text(moment.year)


def _plain(text: str, reading: Reading, trace: _Trace) -> str | None:
    """A year number ("-30", "1850.0"), an ISO date with or without a time, a day and month in
    either order, or a single EDTF date; None for anything else."""
    number = _NUMBER.fullmatch(text)
    if number and not re.fullmatch(r"[+-]?0\d{3,}", text):  # "-0079" is EDTF, not bare
        if (number.group(2) or "").strip(".0"):
            raise DateError(f"{text!r} is not a whole year")
        return _bare_year(int(number.group(1)), text, reading, trace)
    iso = _ISO_DATE_TIME.fullmatch(text)
    if iso:
        return "-".join(iso.groups()).lstrip("+")
    day = _day_month(text, reading)
    if day is not None:
        return day
    if "/" not in text and _is_edtf(text):
        return text
    return _osm(text)


def _single(text: str, reading: Reading, trace: _Trace) -> str | None:
    """One date (no range) as EDTF, or None when it is not one."""
    return _plain(text, reading, trace) or _month_bc(text) or _spoken(text)


_MONTHS = {m.lower(): i for names in (calendar.month_name, calendar.month_abbr)
           for i, m in enumerate(names) if m}
_MONTH_BC = re.compile(
    r"(?:(\d{1,2})\s+)?([a-z]+)\.?\s+(?:(\d{1,2}),?\s+)?(\d{1,4})\s*"
    r"(b\.?\s?c\.?(?:\s?e\.?)?)", re.I)


def _month_bc(text: str) -> str | None:
    """A month or day of a year BC in words ("March 44 BC", "15 March 44 BCE", "March 15, 44
    BC"), which the edtf reader reads as the bare year; None for anything else."""
    match = _MONTH_BC.fullmatch(text)
    if match is None or match.group(2).lower() not in _MONTHS:
        return None
    before, name, after, year, _ = match.groups()
    if before and after:
        return None
    out = f"{_year_text(1 - int(year))}-{_MONTHS[name.lower()]:02d}"
    day = before or after
    return f"{out}-{int(day):02d}" if day else out


def _century_first(number: int, era: str | None) -> int:
    """The first astronomical year of the *number*th century: 1700 for the 18th (the usual
    reading, as mapgen reads "18th century"), -399 for the 4th BC (400 BC)."""
    if era and era.lower().startswith("b"):
        return 1 - number * 100
    return (number - 1) * 100


def _osm(text: str) -> str | None:
    """OpenStreetMap's centuries and thirds (C18, ~C13, late C18, C4 BC, early 1920s, mid 18th
    century); None for anything else. "C" and a number is a century, never circa."""
    century = _CENTURY.fullmatch(text)
    third = None if century else _THIRD.fullmatch(text)
    if century:
        approx, part, number, era = century.groups()
        if not 1 <= int(number) <= 99:
            return None
        first, length = _century_first(int(number), era), 100
    elif third:
        approx, part, decade, number, era = third.groups()
        first, length = (int(decade) * 10, 10) if decade else (
            _century_first(int(number), era), 100)
    else:
        return None
    if part is None:  # a whole century: as EDTF writes it ("17XX", "-03XX")
        last = first + 99
        whole = f"{_year_text(first)[:-2]}XX" if first >= 0 else f"-{-last:04d}"[:-2] + "XX"
        return whole + ("~" if approx else "")
    lo, hi = thirds(first, length, part)
    if approx:
        return f"{_year_text(lo)}~/{_year_text(hi)}~"
    return f"[{_year_text(lo)}..{_year_text(hi)}]"


def _spoken(text: str) -> str | None:
    """One date in words, read by the edtf package and checked: None when it is not one."""
    if _AMBIGUOUS.search(text) or re.search(r"\d,\d", text):
        return None  # 03/12/1850, 1,850, 1850,1860
    spoken = _ERA.sub(lambda m: re.sub(r"[.\s]", "", m.group(1)), text)  # B.C. → BC
    spoken = re.sub(r"(\d)\s*(bce|bc|ad|ce)\b", r"\1 \2", spoken, flags=re.I)
    spoken = re.sub(r"\b(ad|ce)\s+(\d+)", r"\2 \1", spoken, flags=re.I)
    words = re.findall(r"[a-z]+", re.sub(r"\d", " ", spoken.lower()))
    if not set(words) <= _VOCABULARY or {"early", "mid", "late"} & set(words):
        return None  # "not 1850", "1850 or 1851"; "early …" the reader would drop (_osm)
    from edtf.natlang.en import text_to_edtf_date  # edtf's import costs a build 0.07 s: when needed

    try:
        result = text_to_edtf_date(spoken)
    except (ValueError, TypeError, IndexError, OverflowError):
        return None
    if not result or result.lstrip("-").startswith("X"):
        return None  # no year: "12" read as a day of the month
    parts = re.fullmatch(r"-?(\d{4})(?:-(\d\d)(?:-(\d\d))?)?[~?%]?", result)
    if parts is not None and parts.group(2) is None and set(words) & set(_MONTHS):
        return None  # a month it did not read: "March 500 BC" is not all of 500 BC
    if parts is not None:
        read = {int(p) for p in parts.groups() if p}
        if not {int(n) for n in re.findall(r"\d+", text)} <= read:
            return None  # a number it did not read, or read otherwise: "12 March 50" as 2050
    return _shift_bc(result, spoken)


def _step(date: str, by: int) -> str | None:
    """The year, month or day before (*by* -1) or after (+1) a plain EDTF date."""
    match = re.fullmatch(r"(-?\d{4})(?:-(\d\d)(?:-(\d\d))?)?", date)
    if match is None or (match.group(2) and not 1 <= int(match.group(2)) <= 12):
        return None  # not a plain date: a season, say
    year, month, day = match.groups()
    if day:
        return iso_date(days_from_civil(int(year), int(month), int(day)) + by)
    if month:
        index = int(year) * 12 + int(month) - 1 + by
        return f"{_year_text(index // 12)}-{index % 12 + 1:02d}"
    return _year_text(int(year) + by)


def _before_after(text: str, reading: Reading, trace: _Trace) -> str | None:
    """"before 1850" as one date 1849 or earlier ("[..1849]"), "after 1850" as "[1851..]",
    "since 1850" as from 1850 on ("1850/..")."""
    match = _BEFORE_AFTER.fullmatch(text)
    if match is None:
        return None
    date = _single(match.group(2), reading, trace)
    if date is None:
        return None
    word = match.group(1).lower()
    if word == "since":
        return _interval(_ends(date)[0], "..")
    step = _step(date, -1 if word == "before" else 1)
    if step is None:
        raise DateError(f"{text!r}: give a year, month or day after {word!r}")
    return f"[..{step}]" if word == "before" else f"[{step}..]"


def _side(text: str, reading: Reading, trace: _Trace) -> str | None:
    """One end of a written range: a single date, or ".." for an open end ("present")."""
    text = text.strip()
    if text.lower() in OPEN_WORDS or not text:
        return ".."
    return _single(text, reading, trace)


def _joined(left: str, right: str, reading: Reading, trace: _Trace) -> str | None:
    """Two written ends as an EDTF interval. A trailing era or "century" on the right end
    applies to a bare left one: "550-30 BC", "18th-19th century"."""
    suffix = _ERA_SUFFIX.search(right)
    if suffix and suffix.group().strip() and _BARE_LEFT.fullmatch(left.strip()):
        left = left.strip() + suffix.group()
    lo, hi = _side(left, reading, trace), _side(right, reading, trace)
    if lo is None or hi is None or lo == hi == "..":
        return None
    return lo if lo == hi else _interval(lo, hi)


def _interval(lo: str, hi: str) -> str:
    """*lo*/*hi* as an EDTF interval. The edtf grammar refuses a qualified end beside one with
    unspecified digits ("1850~/186X"): such an unspecified year is then written as the year
    it reaches ("1850~/1869")."""
    joined = f"{lo}/{hi}"
    if _edtf_verdict(joined) != "":
        return joined  # EDTF, usable or not ("1900/1850" ends before it starts)
    reached = f"{_reach(lo, first=True)}/{_reach(hi, first=False)}"
    return reached if _is_edtf(reached) else joined


def _reach(section: str, *, first: bool) -> str:
    """The first or last year of a year with unspecified digits, its qualifier kept: "186X~"
    reaches from "1860~" to "1869~". Anything else as it is."""
    match = re.fullmatch(r"(-?[\dX]{4})([~?%]?)", section)
    if match is None or "X" not in match.group(1):
        return section
    span = parse_span(match.group(1))
    day = span.start_narrow if first else span.end_narrow
    assert day is not None  # a year with unspecified digits has both bounds
    return _year_text(civil_from_days(day)[0]) + match.group(2)


def _osm_range(text: str, reading: Reading, trace: _Trace) -> str | None:
    """OpenStreetMap's "1850..1860" (some time from 1850 to 1860; "mid C17..late C17") as one
    date of that range, "[1850..1860]", or as an interval when its ends carry a qualifier the
    set cannot ("~1779..1801": "1779~/1801"); None for anything else."""
    match = _OSM_RANGE.fullmatch(text)
    if match is None:
        return None
    left, right = (_single(side.strip(), reading, trace) for side in match.groups())
    if left is None or right is None:
        return None
    lo, hi = _ends(left)[0], _ends(right)[1]
    if ".." in (lo, hi):
        return None
    one = f"[{lo}..{hi}]"
    return one if _is_edtf(one) else _interval(lo, hi)


def _range(text: str, reading: Reading, trace: _Trace) -> str | None:
    """A range written out ("1850 to 1900", "1850–1900", "-550/-30"), or None."""
    for pattern in _RANGES:
        match = pattern.fullmatch(text)
        if match:
            return _joined(*match.groups(), reading, trace)
    match = _HYPHEN_RANGE.fullmatch(text)
    if match is None:
        return None
    mine = _joined(*match.groups(), reading, trace)
    if (mine is not None and _is_edtf(mine)) or _BC.search(text):
        return mine  # edtf's own ranges read BC years one off
    from edtf import text_to_edtf

    try:
        theirs = text_to_edtf(text)  # short second years ("1850-60"), century ranges
    except (ValueError, TypeError, IndexError, OverflowError):
        return mine
    return theirs if theirs and "/" in theirs and _is_edtf(theirs) else mine


def edtf_from_text(text: str, reading: Reading = DEFAULT) -> str:
    """A date as a table or gazetteer writes it (see :data:`SPELLINGS`) → EDTF that
    :func:`mapgen.dates.parse_span` accepts, read as the column's *reading* says (by default,
    as the text says on its own). Valid EDTF comes back unchanged. Raise DateError, with one
    line that lists the accepted forms, for text that is not a date."""
    edtf, read, _ = _text(text, reading)
    if not read:
        raise DateError(edtf)
    return edtf


def _text(text: object, reading: Reading) -> tuple[str, bool, frozenset[str]]:
    """:func:`_read` of a text cell, whitespace folded: (EDTF or why not, read, the negative
    years' readings)."""
    if not isinstance(text, str):
        return f"{text!r} is not text", False, frozenset()
    cleaned = " ".join(text.split())
    if not cleaned:
        return "empty date", False, frozenset()
    if len(cleaned) > MAX_LENGTH:
        return (f"{cleaned[:20]!r}… is too long for a date ({len(cleaned)} characters)", False,
                frozenset())
    return _read(cleaned, reading)


@functools.lru_cache(maxsize=1 << 18)
def _read(text: str, reading: Reading) -> tuple[str, bool, frozenset[str]]:
    """(EDTF, True, the readings of its negative years) for a date, (the error message,
    False, …) for anything else. Cached, failures too: a table repeats its dates, and its
    unreadable cells. The cache holds a million places' distinct dates (about 200,000 in
    the tiles benchmark's data), so `mapgen tiles`' batches read each once: 36 s where
    16,384 entries took 43 s."""
    trace = _Trace()
    try:
        return _reading(text, reading, trace), True, frozenset(trace.negative)
    except DateError as exc:
        return str(exc), False, frozenset(trace.negative)


def _reading(text: str, reading: Reading, trace: _Trace) -> str:
    result = _formatted(text, reading) if reading.format else None
    if result is None and reading.format and _DMY.fullmatch(text):
        raise DateError(f"{text!r} does not match --date-format {reading.format!r}")
    result = result or _wikidata(text, reading, trace)
    if result is None and _NUMBER.fullmatch(text):  # a bare year: no need to ask EDTF first
        result = _plain(text, reading, trace)
    if result is None:
        verdict = _edtf_verdict(text)
        if verdict:  # EDTF, but no usable span: say so rather than read it as words
            raise DateError(verdict)
        result = text if verdict is None else (
            _plain(text, reading, trace) or _before_after(text, reading, trace)
            or _osm_range(text, reading, trace) or _range(text, reading, trace)
            or _month_bc(text) or _spoken(text))
    if result is None:
        raise DateError(f"{text!r} is not a date mapgen reads; {ACCEPTED}")
    if _NEGATIVE_YEAR.search(result) and not _BC.search(text) and not trace.negative:
        # an ISO or EDTF year counted as a year BC: when the user says so, or when it is a
        # bare number (-1200/-1100) in a column of a table's years (-80)
        historical = reading.bce == "historical" or (
            not reading.bce and reading.table_years and _UNPADDED.search(text) is not None)
        trace.negative.add("historical" if historical else "astronomical")
        if historical:
            result = _NEGATIVE_YEAR.sub(lambda m: _year_text(_historical(-int(m[1]), text)),
                                        result)
    return _checked(_cut(result, reading.precision), text)


def _cut(edtf: str, precision: str) -> str:
    """A plain date or timestamp cut to *precision* ("year", "month", "day"); anything else,
    and anything less precise, as it is."""
    match = re.fullmatch(r"(Y?-?\d{4,})-(\d\d)-(\d\d)(?:T.*)?", edtf)
    if match is None or not precision:
        return edtf
    year, month, day = match.groups()
    return {"year": year, "month": f"{year}-{month}", "day": f"{year}-{month}-{day}"}[precision]


def _empty(value: object) -> bool:
    """No value: None, NaN/NaT (what pandas puts in an empty cell), blank text."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (float, datetime.date)):
        return value != value  # NaN and NaT are not equal to themselves
    return False


def _value(value: object, reading: Reading) -> tuple[str, bool, frozenset[str]]:
    """A cell value as (EDTF or why not, read, how its negative years were read): a whole
    number is a year (negative: a year BC, without a year 0, unless *reading* is astronomical;
    1850.0, what pandas writes for a year column with gaps, is 1850), a date or datetime its
    day (the time of day is dropped), text is read by :func:`edtf_from_text`; an empty cell,
    a fractional number or any other type is no date."""
    if _empty(value):
        return "empty date", False, frozenset()
    if isinstance(value, bool):
        return f"{value!r} is not a date", False, frozenset()
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return _cut(value.isoformat(), reading.precision), True, frozenset()
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        number = float(value)
        if not math.isfinite(number) or not number.is_integer():
            return f"{value!r} is not a whole year", False, frozenset()
        value = int(number)
    if isinstance(value, numbers.Integral):
        trace = _Trace()
        try:
            return _checked(_bare_year(int(value), str(value), reading, trace, typed=True),
                            str(value)), True, frozenset(trace.negative)
        except DateError as exc:
            return str(exc), False, frozenset(trace.negative)
    if isinstance(value, str):
        return _text(value, reading)
    return f"{value!r} is not a date", False, frozenset()


# --- a column read as one ---------------------------------------------------------------------


def _column_order(texts: Sequence[str]) -> tuple[bool | None, str, str]:
    """Day or month first for a column's day-and-month cells, by the whole column: (day_first,
    what the note says, or the problem when the column does not say). None when no cell needs
    an order (none has that shape, or each has its day equal to its month)."""
    day_first = month_first = unclear = dots = None
    for text in texts:
        match = _DMY.fullmatch(text)
        if match is None:
            continue
        a, separator, b = int(match.group(1)), match.group(2), int(match.group(3))
        if a > 12 >= b:
            day_first = day_first or text
        elif b > 12 >= a:
            month_first = month_first or text
        elif a != b:
            unclear = unclear or text
            dots = (dots is None or dots) and separator == "."
    if day_first and month_first:
        return None, "", (f"its dates are written day first ({day_first!r}) and month first "
                          f"({month_first!r}); give --date-format to say which")
    if day_first or month_first:
        example = day_first or month_first
        return bool(day_first), f"read {'day' if day_first else 'month'} first ({example!r} is " \
            f"{parse_span(edtf_from_text(example)).words})", ""
    if unclear and dots:
        day = edtf_from_text(unclear, Reading(day_first=True))
        return True, (f"read day first, as dates with dots are written ({unclear!r} is "
                      f"{parse_span(day).words})"), ""
    if unclear:
        return None, "", (f"dates such as {unclear!r} could be day or month first and none "
                          "says which; give --date-format " + _format_of(unclear, True)
                          + " (day first) or " + _format_of(unclear, False))
    return None, "", ""


def _format_of(text: str, day_first: bool) -> str:
    """The strftime format of a day-and-month cell such as *text*: "%d/%m/%Y",
    "%m/%d/%Y %I:%M:%S %p"."""
    match = _DMY.fullmatch(text)
    assert match is not None
    sep = match.group(2)
    out = sep.join(("%d", "%m", "%Y") if day_first else ("%m", "%d", "%Y"))
    if match.group(5):
        twelve = match.group(8)
        out += (" %I:%M" if twelve else " %H:%M") + (":%S" if match.group(7) else "")
        out += " %p" if twelve else ""
    return out


_NOTE_BCE = {
    "historical": "negative years read as years BC with no year 0 ({} is {}); --bce "
                  "astronomical reads them as ISO 8601 does",
    "astronomical": "negative years read as ISO 8601 and EDTF count them ({} is {}); --bce "
                    "historical reads them as years BC",
    "wikidata": "negative years read as Wikidata's JSON counts them, without a year 0 ({} is {})",
}


def read_column(values: Sequence[object], options: DateOptions = DateOptions(), *,
                open_words: bool = False) -> ColumnDates:
    """A column of single date values read as one. Every choice is made once, by the whole
    column or by *options*: day or month first (the dates that say it decide for those that
    do not; dates with dots are day first), years for a column of nothing but 1 January
    midnights, Wikidata's JSON count of BC years when the column has its timestamps, and a
    bare negative year as a year BC. What was chosen comes back in words
    (:attr:`ColumnDates.choices`), with an example from the column. With *open_words*, "..",
    "present", "now", "today" and "ongoing" (any case) are an open end, "..". A pure function:
    it warns nobody."""
    keys: list[Any] = list(zip(map(type, values), values, strict=True))
    try:
        unique = dict.fromkeys(keys)
    except TypeError:  # a list among them: such a value is read on its own
        keys = [k if _hashable(k[1]) else None for k in keys]
        unique = dict.fromkeys(k for k in keys if k is not None)
    pool = [v for _, v in unique]  # each distinct value once
    present = [v for v in pool if not _empty(v)]
    distinct = list(dict.fromkeys(" ".join(v.split()) for v in present if isinstance(v, str)))
    choices: list[str] = []
    day_first, said, problem = (None, "", "") if options.format else _column_order(distinct)
    if said:
        choices.append(said)
    precision = options.precision
    if not precision and distinct and all(isinstance(v, str) for v in present) \
            and all(_NEW_YEAR.fullmatch(t) for t in distinct):
        precision = "year"
        choices.append(f"every value is 1 January at midnight: read as years ({distinct[0]!r} "
                       "is " + _year_words(distinct[0]) + "; --date-precision day keeps the days)")
    reading = Reading(
        bce=options.bce, precision=precision, format=options.format, day_first=day_first,
        table_years=any(isinstance(v, numbers.Real) and not isinstance(v, bool) and v < 0
                        for v in present) or any(_SHORT_NEGATIVE.search(t) for t in distinct),
        wikidata_json=any(_WIKIDATA.fullmatch(t) and (t[0] == "+" or "-00" in t[5:])
                          for t in distinct),
    )

    def one(value: object) -> tuple[str | None, bool, frozenset[str]]:
        if _empty(value):
            return None, True, frozenset()
        if open_words and isinstance(value, str) and value.strip().lower() in OPEN_WORDS:
            return "..", True, frozenset()
        return _value(value, reading)

    read = {(type(v), v): one(v) for v in pool}
    out: list[str | None] = []
    errors: dict[int, str] = {}
    negative: dict[str, tuple[str, str]] = {}  # reading → an example: (value, in words)
    for index, (key, value) in enumerate(zip(keys, values, strict=True)):
        edtf, ok, how = read[key] if key is not None else one(value)
        out.append(edtf if ok else None)
        if not ok:
            errors[index] = str(edtf)
        for kind in how:
            if ok and edtf and kind not in negative:
                negative[kind] = (repr(str(value).strip()), parse_span(edtf).words)
    choices += [_NOTE_BCE[kind].format(*negative[kind])
                for kind in ("historical", "wikidata", "astronomical") if kind in negative]
    return ColumnDates(tuple(out), errors, tuple(choices), problem, tuple(sorted(negative)))


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _year_words(text: str) -> str:
    """A 1 January midnight's year in words: "1735", "458 BCE"."""
    return parse_span(_cut(edtf_from_text(text), "year")).words


def _ends(edtf: str) -> tuple[str, str]:
    """The earliest and latest end of an EDTF date, interval or set, as interval sections:
    "1850/1860" → ("1850", "1860"), "[..1849]" → ("..", "1849"), "1850" → ("1850", "1850")."""
    if edtf[:1] in "[{":
        members = edtf[1:-1].split(",")
        lo, hi = members[0].strip().split("..")[0], members[-1].strip().split("..")[-1]
    elif "/" in edtf:
        lo, hi = edtf.split("/", 1)
    else:
        lo = hi = edtf
    return lo or "..", hi or ".."


def span_from_edtf(start: str | None, end: str | None, *, end_given: bool,
                   empty: str = "unknown") -> str:
    """A start and an end, each EDTF or None (an empty cell), as one EDTF span.

    * no end field (*end_given* false): from the start on ("1334" is "1334/..", as OSM's
      ``start_date`` and Wikidata's inception mean it);
    * an end field whose cell is empty: an unknown end ("1380/", counted at its start);
    * ".." at either end (a cell "present", "today"…): open;
    * an empty start with an end: an unknown start ("/1950");
    * an empty end or start is open instead when *empty* is "open", as formats define it
      (LP-TSV: "a start value alone indicates from"; KML: a TimeSpan without an end is
      unbounded);
    * a start that is an interval with an empty end ("1990/2000" and ""): that interval, its
      end written in the start's cell (not the start's earliest alone, which dropped 2000);
    * the same start and end: that one date;
    * otherwise from the start's earliest to the end's latest ("1850s" to "1900":
      "185X/1900"; "before 1850" to 1900: "../1900").

    Both empty (or no end field and no start): "" — the place is undated. Raise DateError when
    the span ends before it starts, or leaves both ends open."""
    if start is None and (end is None or not end_given):
        return ""
    if end is None and end_given and start is not None and "/" in start:
        return start
    blank = ".." if empty == "open" else ""
    lo = _cut(_ends(start)[0], "day") if start is not None else blank  # no time of day
    if not end_given:
        hi = ".."
    elif end is None:
        hi = blank
    else:
        if start is not None and end == start:
            return start
        hi = _cut(_ends(end)[1], "day")
        if hi == lo:
            return lo  # the same day, at two times
    if lo in ("", "..") and hi in ("", ".."):
        raise DateError(f"start {start or ''!r} and end {end or ''!r} leave both ends open")
    span = _interval(lo, hi)
    parse_span(span)  # "1900/1850" ends before it starts
    return span
