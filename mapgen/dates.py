"""EDTF text → spans of integer day numbers, and back to words.

Plain ISO dates and intervals (qualified with ``~ ? %`` or not, with ``..`` open ends), the
common case of large tables, are read here (`_fast_span`); anything else goes to the `edtf`
package's grammar. Either way the bounds become proleptic-Gregorian day numbers (day 0 =
1970-01-01), so that BCE years, pre-1970 dates and open ends compare as plain integers in
Python and in the browser alike.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import io
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from mapgen.errors import OptionError
from mapgen.language import NP_, Language, language

Date = tuple[int, "int | None", "int | None"]  # (astronomical year, month, day) as written


class DateError(ValueError):
    """An EDTF string that cannot be used; the message says why."""


class NotEDTF(DateError):
    """Text that is not EDTF at all, as opposed to EDTF that names no usable span ("2013/1986",
    "1700-02-29"): mapgen.datetext then tries to read it as words."""


def days_from_civil(year: int, month: int, day: int) -> int:
    """Day number of a proleptic-Gregorian date (astronomical years: 0 = 1 BCE)."""
    y = year - (month <= 2)
    era = y // 400  # floor division: no correction for negative years needed
    yoe = y - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(days: int) -> tuple[int, int, int]:
    """Inverse of :func:`days_from_civil`."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + (3 if mp < 10 else -9)
    return yoe + era * 400 + (month <= 2), month, day


def iso_date(days: int) -> str:
    """ISO 8601 text of a day number; years outside 0..9999 get a sign, as EDTF writes them."""
    y, m, d = civil_from_days(days)
    year = f"{y:04d}" if 0 <= y <= 9999 else f"{y:+05d}"
    return f"{year}-{m:02d}-{d:02d}"


def _day(bound: object) -> int | None:
    if isinstance(bound, time.struct_time):
        return days_from_civil(bound.tm_year, bound.tm_mon, bound.tm_mday)
    return None  # ±inf: an open or unknown end


@dataclass(frozen=True, slots=True)
class Span:
    """One dated span of a place. ``None`` bounds are open: the start runs from any time, the
    end runs on to the present. *wide* bounds include the padding that ``?``, ``~`` and ``%``
    add ("may have been there"); *narrow* bounds leave it out. An unknown end ("1380/", EDTF's
    empty end) is not an open one: the span counts at its start (its end bounds are the
    start's) and the end is fuzzy, so the timeline fades it; an unknown start likewise."""

    text: str
    start_wide: int | None
    start_narrow: int | None
    end_narrow: int | None
    end_wide: int | None
    fuzzy_start: bool = False
    fuzzy_end: bool = False
    ongoing: bool = False  # an open end ("2003/..") that runs on to the present

    def __reduce__(self) -> tuple[type[Span], tuple[object, ...]]:
        """Pickled as its fields (`mapgen tiles` hands batches between processes): a third
        of the time a slotted class takes by default."""
        return Span, (self.text, self.start_wide, self.start_narrow, self.end_narrow,
                      self.end_wide, self.fuzzy_start, self.fuzzy_end, self.ongoing)

    @property
    def words(self) -> str:
        """The span in English words: "1981–1986", "c. 2016–present" (`span_words` says it
        in another language)."""
        return span_words(self.text)

    def bounds(self, strict: bool = False) -> tuple[int | None, int | None]:
        if strict:
            return self.start_narrow, self.end_narrow
        return self.start_wide, self.end_wide

    def overlaps(self, start: int | None, end: int | None, strict: bool = False) -> bool:
        """True when this span shares at least one day with [start, end] (None = unbounded)."""
        lo, hi = self.bounds(strict)
        return (end is None or lo is None or lo <= end) and (
            start is None or hi is None or hi >= start
        )


MAX_LENGTH = 100  # no real EDTF string is longer; pathological input must not reach pyparsing
# Years beyond this are refused: their day numbers would lose precision in the browser, and
# edtf computes an exponent year ("Y1E999999999") digit by digit, which never ends.
MAX_YEAR = 10**12
_EXPONENT = re.compile(r"E(\d+)")


def _month_days(year: int, month: int) -> int:
    """Days in a month of the proleptic Gregorian calendar, any astronomical year."""
    return days_from_civil(year + month // 12, month % 12 + 1, 1) - days_from_civil(year, month, 1)


def _plain(text: str) -> tuple[int, int, Date] | None:
    """A plain ISO 8601 calendar date of EDTF level 0 ("1981", "1981-06", "1981-06-28",
    "-0030", four digit year, no qualifier) as (first day, last day, (year, month, day)); None
    for anything
    else, which the edtf package parses. A property test checks this agrees with edtf on every
    input."""
    negative = text.startswith("-")
    parts = (text[1:] if negative else text).split("-")
    if not 1 <= len(parts) <= 3 or [len(p) for p in parts] != [4, 2, 2][: len(parts)]:
        return None
    if not all(p.isascii() and p.isdigit() for p in parts):
        return None
    year = -int(parts[0]) if negative else int(parts[0])
    if negative and year == 0:
        return None  # "-0000": edtf's business
    month = int(parts[1]) if len(parts) > 1 else None
    day = int(parts[2]) if len(parts) > 2 else None
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and not 1 <= day <= _month_days(year, month or 1):
        return None  # edtf refuses it, or mapgen does (29 February of a common year)
    last_month = month or 12
    first = days_from_civil(year, month or 1, day or 1)
    last = days_from_civil(year, last_month, day or _month_days(year, last_month))
    return first, last, (year, month, day)


@dataclass(frozen=True, slots=True)
class _Section:
    """One end of a span in day numbers: strict and fuzzy (qualifier-padded) bounds."""

    lo: int
    hi: int
    lo_fuzzy: int
    hi_fuzzy: int
    date: Date  # as written: (year, month or None, day or None)
    qualifier: str = ""  # "~", "?", "%" or none


# What a trailing qualifier multiplies the padding by: edtf's defaults
# (appsettings.MULTIPLIER_IF_*), so that "1990~" is 1989–1991 here as there.
_QUALIFIERS = {"~": 1, "?": 1, "%": 2}


def _qualified(lang: Language, words: str, qualifier: str) -> str:
    """A date's words with its EDTF qualifier said: approximate "c. 1981", uncertain
    "1981?", both "c. 1981?"."""
    if qualifier == "~":
        return lang.pgettext("approximate", "c. {date}", date=words)
    if qualifier == "?":
        return lang.pgettext("uncertain", "{date}?", date=words)
    if qualifier == "%":
        return lang.pgettext("approximate and uncertain", "c. {date}?", date=words)
    return words


@functools.lru_cache(maxsize=1 << 16)
def _section(text: str) -> _Section | None:
    """A plain ISO date with at most one trailing EDTF qualifier (~ ? %), or None. The
    qualifier pads the date as edtf does (UncertainOrApproximate._get_fuzzy_padding): a year,
    plus a month when it names the month, plus a day when it names the day, times the
    multiplier; a property test checks the two agree."""
    qualifier = text[-1:] if text[-1:] in _QUALIFIERS else ""
    plain = _plain(text[: len(text) - len(qualifier)])
    if plain is None:
        return None
    first, last, date = plain
    if not qualifier:
        return _Section(first, last, first, last, date)
    if text.startswith(("-", "0000")):
        return None  # edtf pads BCE years by its own rules: leave them to it
    times = _QUALIFIERS[qualifier]
    parts = text.count("-") + 1
    pad = (times, times * (parts > 1), times * (parts > 2))
    return _Section(first, last, _shifted(first, -1, pad), _shifted(last, 1, pad), date,
                    qualifier)


def _shifted(day: int, sign: int, pad: tuple[int, int, int]) -> int:
    """*day* moved by *pad* (years, months, days) as dateutil's relativedelta moves a date:
    years and months first, the day clamped to the month's length, then the days."""
    years, months, days = pad
    y, m, d = civil_from_days(day)
    y, m = divmod(y * 12 + m - 1 + sign * (years * 12 + months), 12)
    return days_from_civil(y, m + 1, min(d, _month_days(y, m + 1))) + sign * days


def _fast_span(text: str) -> Span | None:
    """Dates and intervals of plain ISO dates, qualified or not, and ".." open ends, without
    the cost of the general EDTF grammar: the common case of large tables. None for anything
    else. A property test checks that this agrees with the edtf package."""
    sections = _fast_ends(text, _section)
    if sections is None:
        return None
    start, end = sections
    if start is not None and end is not None and end.hi < start.lo:
        raise DateError(f"{text!r} ends before it starts")
    return Span(
        text,
        start.lo_fuzzy if start else None,
        start.lo if start else None,
        end.hi if end else None,
        end.hi_fuzzy if end else None,
        bool(start and start.lo_fuzzy != start.lo),
        bool(end and end.hi_fuzzy != end.hi),
        end is None,
    )


End = TypeVar("End")


def _fast_ends(text: str, end: Callable[[str], End | None]) -> tuple[End | None, End | None] | None:
    """The two ends of a date or interval of plain ISO dates, each read by *end* (`_section`,
    or `_EndWords`' words): "1981" is both ends, None a ".." end; None when *text* is no such
    thing (*end* found no plain date in it)."""
    left, slash, right = text.partition("/")
    if not slash:
        one = end(text)
        return None if one is None else (one, one)
    start = None if left == ".." else end(left)
    stop = None if right == ".." else end(right)
    if ((start is None and left != "..") or (stop is None and right != "..")
            or left == right == ".."):
        return None  # not plain, a second "/", or "../.."
    return start, stop


class _EndWords(dict[str, "tuple[str, int] | None"]):
    """The ends of span texts in *lang*'s words, each with the precision it is written at (0 a
    year, 1 a month, 2 a day), or None when it is no plain date: each end said once for all
    the texts it is asked about (spans share their years and days: 100,000 places' words took
    2.6 s, 0.4 s before languages)."""

    def __init__(self, lang: Language) -> None:
        super().__init__()
        self.lang = lang

    def __missing__(self, text: str) -> tuple[str, int] | None:
        section = _section(text)
        said = None if section is None else (
            _qualified(self.lang, self.lang.date(*section.date), section.qualifier),
            _level(section.date))
        self[text] = said
        return said


def _fast_words(text: str, ends: _EndWords) -> str | None:
    """The words of a text `_fast_span` reads, or None."""
    found = _fast_ends(text, ends.__getitem__)
    if found is None:
        return None
    start, end = found
    lang = ends.lang
    first = start[0] if start else "…"
    last = end[0] if end else lang.pgettext("an open end", "present")
    if first == last:
        return first
    return lang.span_range(first, last, max(start[1] if start else 0, end[1] if end else 0))


def _level(date: Date) -> int:
    """The precision a date is written at: 0 a year, 1 a month, 2 a day."""
    return 0 if date[1] is None else 1 if date[2] is None else 2


# A written year-month-day, qualifiers and groupings taken out ("(1700-02)~-29").
_FULL_DATE = re.compile(r"(?<![\dX])(-?\d{4,})-(\d\d)-(\d\d)(?![\dX])")


def _check_calendar(text: str) -> None:
    """Refuse 29 February of a common year. The edtf grammar knows month lengths (it refuses
    "1981-02-30" itself) but not leap years: it takes "1700-02-29", whose bounds then fall on
    1 March."""
    for year, month, day in _FULL_DATE.findall(re.sub(r"[()~?%]", "", text)):
        y, m, d = int(year), int(month), int(day)
        if (m, d) == (2, 29) and _month_days(y, 2) == 28:
            raise DateError(f"{text!r} is not a date that exists ({language().date(y, m, d)})")


def _parse(text: str) -> object:
    """The edtf package's parse. Some of its failures print a debug line ("trying to
    PartialUnspecified.__init__…") to standard output, which is mapgen's output channel for
    `list --format json` and `export -o -`: that line is swallowed here, and only here."""
    from edtf import parse_edtf  # its grammar takes a tenth of a second to build: when needed
    from edtf.parser.edtf_exceptions import EDTFParseException

    _check_calendar(text)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return parse_edtf(text)
    except (EDTFParseException, ValueError, TypeError, IndexError, AttributeError) as exc:
        raise NotEDTF(f"{text!r} is not an EDTF date or interval") from exc


@functools.lru_cache(maxsize=1 << 16)
def parse_span(text: str) -> Span:
    """Parse one EDTF date or interval into a :class:`Span`; raise DateError when it is not
    EDTF or ends before it starts. Cached: tables repeat their dates."""
    if not isinstance(text, str) or not text.strip():
        raise DateError("empty date")
    text = text.strip()
    if len(text) > MAX_LENGTH:
        raise DateError(f"{text[:20]!r}… is too long for an EDTF date ({len(text)} characters)")
    if "E" in text and any(int(exp) > len(str(MAX_YEAR)) for exp in _EXPONENT.findall(text)):
        raise DateError(f"{text!r} is too far in time (more than {MAX_YEAR:,} years)")
    fast = _fast_span(text)
    return fast if fast is not None else _edtf_span(text)


def _edtf_span(text: str) -> Span:
    """The general case: the edtf package parses, mapgen turns its bounds into day numbers."""
    obj = _parse(text)
    try:
        start_wide, end_wide = _day(obj.lower_fuzzy()), _day(obj.upper_fuzzy())
        start_narrow, end_narrow = _day(obj.lower_strict()), _day(obj.upper_strict())
    except (ValueError, OverflowError, TypeError, AttributeError) as exc:
        raise DateError(f"{text!r} is not a date that exists") from exc
    lower, upper = (getattr(obj, "lower", obj), getattr(obj, "upper", obj))
    fuzzy_start, fuzzy_end = start_wide != start_narrow, end_wide != end_narrow
    # edtf guesses ten years for an unknown end ("1380/"). mapgen counts the span at its known
    # end instead ("1380–?" is shown in 1380, never up to today), and fades the unknown one.
    left, _, right = text.partition("/")
    if getattr(lower, "is_unknown", False):
        known = parse_span(right) if right not in ("", "..") else None
        start_wide = start_narrow = None
        if known is not None:
            start_wide, start_narrow = known.start_wide, known.start_narrow
        fuzzy_start = True
    if getattr(upper, "is_unknown", False):
        known = parse_span(left) if left not in ("", "..") else None
        end_wide = end_narrow = None
        if known is not None:
            end_narrow, end_wide = known.end_narrow, known.end_wide
        fuzzy_end = True
    if start_narrow is not None and end_narrow is not None and end_narrow < start_narrow:
        raise DateError(f"{text!r} ends before it starts")
    limit = days_from_civil(MAX_YEAR, 1, 1)
    if any(d is not None and abs(d) > limit for d in (start_wide, end_wide)):
        raise DateError(f"{text!r} is too far in time (more than {MAX_YEAR:,} years)")
    return Span(
        text=text,
        start_wide=start_wide,
        start_narrow=start_narrow,
        end_narrow=end_narrow,
        end_wide=end_wide,
        fuzzy_start=fuzzy_start,
        fuzzy_end=fuzzy_end,
        ongoing=bool(getattr(upper, "is_open", False)),
    )


def parse_bound(text: str, *, end: bool) -> int:
    """A user's ``--from``/``--to`` date: its first day, or its last day when *end* is set, so
    ``--to 1986`` includes all of 1986."""
    span = parse_span(str(text))
    day = span.end_narrow if end else span.start_narrow
    if day is None:
        raise DateError(f"{text!r} is open-ended; give a date")
    return day


SEASONS = {
    21: NP_("season", "spring {year}"),
    22: NP_("season", "summer {year}"),
    23: NP_("season", "autumn {year}"),
    24: NP_("season", "winter {year}"),
    25: NP_("season", "northern spring {year}"),
    26: NP_("season", "northern summer {year}"),
    27: NP_("season", "northern autumn {year}"),
    28: NP_("season", "northern winter {year}"),
    29: NP_("season", "southern spring {year}"),
    30: NP_("season", "southern summer {year}"),
    31: NP_("season", "southern autumn {year}"),
    32: NP_("season", "southern winter {year}"),
    33: NP_("season", "first quarter of {year}"),
    34: NP_("season", "second quarter of {year}"),
    35: NP_("season", "third quarter of {year}"),
    36: NP_("season", "fourth quarter of {year}"),
    37: NP_("season", "first four months of {year}"),
    38: NP_("season", "second four months of {year}"),
    39: NP_("season", "last four months of {year}"),
    40: NP_("season", "first half of {year}"),
    41: NP_("season", "second half of {year}"),
}  # EDTF's season codes (level 1: 21-24, level 2: 25-41)


def _season(lang: Language, code: int, year: str) -> str:
    """An EDTF season or part of a year in words: "spring 2001", "first half of 1850"."""
    return lang.pgettext("season", SEASONS[code], year=year)


def window_words(start: int | None, end: int | None, lang: str = "en") -> str:
    """A window of day numbers in words, at the precision its ends have: whole years
    "1986–2013", whole months "March 1986 – June 1990", else days; one end open: "since 1986",
    "until 2013". Titles and labels say this instead of two ISO dates."""
    words_in = language(lang)

    def precision(day: int, *, last: bool) -> int:  # 0 year, 1 month, 2 day
        y, m, d = civil_from_days(day)
        if d != (_month_days(y, m) if last else 1):
            return 2
        return 1 if m != (12 if last else 1) else 0

    def words(day: int, level: int) -> str:
        y, m, d = civil_from_days(day)
        return words_in.date(y, m if level else None, d if level == 2 else None)

    levels = [precision(start, last=False)] if start is not None else []
    levels += [precision(end, last=True)] if end is not None else []
    level = max(levels, default=0)
    if start is None or end is None:
        if start is not None:
            return words_in.pgettext("a window", "since {date}", date=words(start, level))
        if end is not None:
            return words_in.pgettext("a window", "until {date}", date=words(end, level))
        return ""
    lo, hi = words(start, level), words(end, level)
    if lo == hi:
        return lo
    if level == 0 and start < 0 <= end:  # "500 BCE–1200"
        return words_in.window_range(lo, hi, level)
    if level == 0:
        return words_in.years(civil_from_days(start)[0], civil_from_days(end)[0])
    return words_in.window_range(lo, hi, level)


def _unspecified_year(obj: object, year: str, lang: Language) -> str:
    """A year with unspecified digits, at the precision written: "185X" is "1850s", "17XX"
    "1700–1799"; never a first day. Digits unspecified inside the year stay as written."""
    digits = year.lstrip("-")
    if not re.fullmatch(r"\d*X+", digits):
        return year
    if not year.startswith("-") and digits.endswith("X") and digits.count("X") == 1:
        return _decade(lang, digits[:-1] + "0")
    return lang.years(obj.lower_strict().tm_year, obj.upper_strict().tm_year)


def _decade(lang: Language, first: str) -> str:
    """A decade, its first year as written, in words: "1850s"."""
    return lang.pgettext("decade", "{year}s", year=lang.numerals(first))


def _date_words(obj: object, lang: Language) -> str:
    """A single date (no qualifier) at the precision its text gives: "28 June 1981", "June
    1981", "1981", "spring 2001", "1850s", "25 December 156X"."""
    if hasattr(obj, "date") and hasattr(obj, "time"):  # a date and time: the day
        return _date_words(obj.date, lang)
    season = getattr(obj, "season", None)
    year = getattr(obj, "_year", None)
    if isinstance(season, str) and year is not None and season.isdigit():
        return _season(lang, int(season), lang.year(int(year)))
    month, day = getattr(obj, "_month", None), getattr(obj, "_day", None)
    if not isinstance(year, str) or season is not None:
        return _bounds_words(obj, lang)
    if "X" not in year:
        year_words = lang.year(int(year))
    elif month is None:
        return _unspecified_year(obj, year, lang)
    elif year.lstrip("-") == "XXXX":
        year_words = lang.pgettext("unspecified", "year unknown")
    else:
        year_words = lang.numerals(year)
    if month is None:
        return year_words
    if month == "XX":
        if day is None:
            return lang.pgettext("unspecified", "a month in {year}", year=year_words)
        if day == "XX":
            return lang.pgettext("unspecified", "a day in a month of {year}", year=year_words)
        return lang.pgettext("unspecified", "day {day} of a month in {year}",
                             day=lang.number(int(day)), year=year_words)
    if day == "XX":
        return lang.pgettext("unspecified", "a day in {month}",
                             month=_written(lang, year, year_words, int(month)))
    return _written(lang, year, year_words, int(month), None if day is None else int(day))


def _written(lang: Language, year: str, year_words: str, month: int, day: int | None = None
             ) -> str:
    """A month or day of a year written with unspecified digits ("156X-12-25": "25 December
    156X"), of an unknown year ("XXXX-03": "March, year unknown"), or of a known one."""
    if "X" not in year:
        return lang.date(int(year), month, day)
    # the day and month as the locale writes a date, its year left out
    words = lang.date(2000, month, day).replace(lang.number(2000), "").strip(" ,،")
    if year.lstrip("-") == "XXXX":
        return lang.pgettext("unspecified", "{date}, year unknown", date=words)
    return f"{words} {year_words}"


def _bounds_words(obj: object, lang: Language) -> str:
    """Words from a date's bounds when its class says nothing more (long years, dates with a
    qualifier inside): a whole year, month or day, else the EDTF text itself."""
    lo, hi = obj.lower_strict(), obj.upper_strict()
    if (lo.tm_year, lo.tm_mon, lo.tm_mday) == (hi.tm_year, hi.tm_mon, hi.tm_mday):
        return lang.date(lo.tm_year, lo.tm_mon, lo.tm_mday)
    if lo.tm_year == hi.tm_year and (lo.tm_mon, lo.tm_mday, hi.tm_mon, hi.tm_mday) == (
        1, 1, 12, 31
    ):
        return lang.year(lo.tm_year)
    if (lo.tm_year, lo.tm_mon, lo.tm_mday) == (hi.tm_year, hi.tm_mon, 1) and (
        hi.tm_mday == _month_days(hi.tm_year, hi.tm_mon)
    ):
        return lang.date(lo.tm_year, lo.tm_mon)
    return str(obj)


def _section_words(section: object, lang: Language) -> str:
    if getattr(section, "is_open", False):
        return lang.pgettext("an open end", "present")
    if getattr(section, "is_unknown", False):
        return lang.pgettext("an unknown end", "?")
    inner = getattr(section, "date", None) if hasattr(section, "ua") else None
    out = _date_words(inner if inner is not None else section, lang)
    both = getattr(section, "is_uncertain_and_approximate", False)
    approximate = getattr(section, "is_approximate", False) or both
    uncertain = getattr(section, "is_uncertain", False) or both
    return _qualified(lang, out, "%" if approximate and uncertain else
                      "~" if approximate else "?" if uncertain else "")


def _member_words(member: object, lang: Language) -> str:
    """One member of an EDTF set: a date, "1670–1672", "1849 or earlier", "1851 or later"."""
    if not (hasattr(member, "lower") and hasattr(member, "upper")):
        return _section_words(member, lang)
    lo, hi = member.lower, member.upper
    if not lo or getattr(lo, "is_open", False):
        return lang.pgettext("a set", "{date} or earlier", date=_section_words(hi, lang))
    if not hi or getattr(hi, "is_open", False):
        return lang.pgettext("a set", "{date} or later", date=_section_words(lo, lang))
    return lang.span_range(_section_words(lo, lang), _section_words(hi, lang), 0)


THIRDS = ("early", "mid", "late")


def thirds(first: int, length: int, part: str) -> tuple[int, int]:
    """The early, mid or late third of *length* years from astronomical year *first*, as
    OpenStreetMap's date parser reads them (openstreetmap-date-parser): early 1920s is
    1920–1923, mid 1923–1926, late 1926–1929; early 18th century 1700–1733."""
    third, two = round(length / 3), round(2 * length / 3)
    return {"early": (first, first + third), "mid": (first + third, first + two - 1),
            "late": (first + two - 1, first + length - 1)}[part.lower()]


THIRD_WORDS = {"early": NP_("a third", "early {period}"), "mid": NP_("a third", "mid {period}"),
               "late": NP_("a third", "late {period}")}


def _third_words(lo: int, hi: int, lang: Language) -> str | None:
    """Years *lo*–*hi* in words when they are a third of a century or decade: "early 19th
    century", "late 1920s", "mid 4th century BCE"; None otherwise."""
    number = (lo // 100 + 1) if lo >= 0 else (99 - lo) // 100  # the century lo falls in
    first = (number - 1) * 100 if lo >= 0 else 1 - number * 100
    ordinal = lang.ordinal_number(number)
    century = (lang.pgettext("century", "{ordinal} century BCE", ordinal=ordinal) if lo < 0
               else lang.pgettext("century", "{ordinal} century", ordinal=ordinal))
    candidates = [(first, 100, century)]
    if lo >= 0:
        candidates.append((lo - lo % 10, 10, _decade(lang, str(lo - lo % 10))))
    for start, length, name in candidates:
        for part in THIRDS:
            if thirds(start, length, part) == (lo, hi):
                return lang.pgettext("a third", THIRD_WORDS[part], period=name)
    return None


def _words(obj: object, lang: Language) -> str:
    members = getattr(obj, "objects", None)
    if members is not None:  # [a, b] is one of them, {a, b} all of them
        said = [_member_words(m, lang) for m in members]
        listed = lang.listed(said)
        if type(obj).__name__ == "MultipleDates":
            return lang.pgettext("a set", "all of {dates}", dates=listed)
        if len(members) == 1 and hasattr(members[0], "lower") and (
            not members[0].lower or not members[0].upper
            or getattr(members[0].lower, "is_open", False)
            or getattr(members[0].upper, "is_open", False)
        ):
            return listed  # "[..1849]": "1849 or earlier"
        if len(members) == 1 and re.fullmatch(r"-?\d{4}", str(members[0].lower)) and \
                re.fullmatch(r"-?\d{4}", str(members[0].upper)):
            third = _third_words(int(str(members[0].lower)), int(str(members[0].upper)), lang)
            if third:
                return third  # "[1800..1833]": "early 19th century"
        return lang.pgettext("a set", "one of {dates}", dates=listed)
    if hasattr(obj, "lower") and hasattr(obj, "upper"):
        start, end = _section_words(obj.lower, lang), _section_words(obj.upper, lang)
        if start == lang.pgettext("an open end", "present"):  # an open start
            start = "…"
        if start == end:
            return start
        dashes = {lang.span_range("", "", 0), "–"}
        if any(dash.strip() and dash.strip() in start + end for dash in dashes):
            return lang.pgettext("a span", "{start} to {end}", start=start, end=end)
        return lang.span_range(start, end, 0)  # "1800–1899 to 1900–1999"
    return _section_words(obj, lang)


def _text_words(text: str, lang: str, ends: _EndWords | None = None) -> str:
    """The words of a span's EDTF text in *lang* (*ends*: the words of ends said already, in
    *lang*)."""
    said = language(lang)
    fast = _fast_words(text, _EndWords(said) if ends is None else ends)
    if fast is not None:
        return fast
    try:
        return _words(_parse(text), said)
    except (AttributeError, TypeError, ValueError, IndexError):  # e.g. "{..1981}": open ends
        return text


_cached_words = functools.lru_cache(maxsize=1 << 16)(_text_words)  # span_words: tables repeat


def span_words(text: str, lang: str = "en") -> str:
    """Words for an EDTF string: "1981–1986", "2003–present", "28 June 1981"."""
    return _cached_words(parse_span(text).text, lang)


def each_span_words(spans: Sequence[Span], lang: str = "en") -> list[str]:
    """Each span's words (`span_words` of its text), in order: each distinct text, and each
    date in them, said once and not cached past the call (a map of 100,000 places has more
    distinct spans than a cache would hold, and a build's peak memory would hold them), the
    words of a text that repeats shared, not copied."""
    texts = [span.text for span in spans]
    ends = _EndWords(language(lang))
    said = {text: _text_words(text, lang, ends) for text in dict.fromkeys(texts)}
    return [said[text] for text in texts]


def joined_words(said: Sequence[str], lang: str = "en") -> str:
    """The words of a place's spans (`each_span_words`) as one text, as its popup and its
    listing say them: "1981–1986; 2003–present"; "" for none."""
    return said[0] if len(said) == 1 else _spans_separator(lang).join(said)


@functools.cache
def _spans_separator(lang: str) -> str:
    """What joins a place's spans in *lang* ("; "): looked up once, not once a place."""
    return language(lang).pgettext("spans", "; ")


def spans_words(spans: Sequence[Span], lang: str = "en") -> str:
    """All spans of a place, joined: "1981–1986; 2003–present"."""
    return joined_words(each_span_words(spans, lang), lang)


def today_number(today: int | None = None) -> int:
    """The day number open-ended spans run to, as they do in the HTML map: *today* if given,
    else SOURCE_DATE_EPOCH (the reproducible-builds convention, seconds since 1970: the same
    bytes from the same data on any day), else the current date in UTC (as the browser
    takes it)."""
    if today is not None:
        if isinstance(today, bool) or not isinstance(today, int):
            raise OptionError(f"today must be a day number (a whole number), not {today!r}")
        return today
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch:
        if not re.fullmatch(r"[0-9]+", epoch):
            raise OptionError(
                f"SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01, not {epoch!r}"
            )
        return int(epoch) // 86400  # day 0 is 1970-01-01
    now = datetime.datetime.now(datetime.timezone.utc)
    return days_from_civil(now.year, now.month, now.day)
