"""EDTF text → spans of integer day numbers, and back to words.

Parsing is the `edtf` package's job; this module only turns its bounds into proleptic-Gregorian
day numbers (day 0 = 1970-01-01) so that BCE years, pre-1970 dates and open ends compare as
plain integers in Python and in the browser alike.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from edtf import parse_edtf
from edtf.parser.edtf_exceptions import EDTFParseException

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class DateError(ValueError):
    """An EDTF string that cannot be used; the message says why."""


def days_from_civil(year: int, month: int, day: int) -> int:
    """Day number of a proleptic-Gregorian date (astronomical years: 0 = 1 BCE)."""
    y = year - (month <= 2)
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(days: int) -> tuple[int, int, int]:
    """Inverse of :func:`days_from_civil`."""
    z = days + 719468
    era = (z if z >= 0 else z - 146096) // 146097
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


@dataclass(frozen=True)
class Span:
    """One dated span of a place. ``None`` bounds are open: the start runs from any time, the
    end runs on to the present. *wide* bounds include the padding that ``?``, ``~`` and ``%``
    add ("may have been there"); *narrow* bounds leave it out."""

    text: str
    start_wide: int | None
    start_narrow: int | None
    end_narrow: int | None
    end_wide: int | None
    fuzzy_start: bool = False
    fuzzy_end: bool = False

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

    @property
    def ongoing(self) -> bool:
        return self.end_wide is None and self.text.endswith("/..")

    def words(self) -> str:
        """The span as a reader would write it: "1981–1986", "c. 2016–present"."""
        return span_words(self.text)


def _parse(text: str) -> object:
    if not isinstance(text, str) or not text.strip():
        raise DateError("empty date")
    try:
        return parse_edtf(text.strip())
    except (EDTFParseException, ValueError, TypeError, IndexError, AttributeError) as exc:
        raise DateError(f"{text!r} is not an EDTF date or interval") from exc


def parse_span(text: str) -> Span:
    """Parse one EDTF date or interval into a :class:`Span`; raise DateError when it is not
    EDTF or ends before it starts."""
    obj = _parse(text)
    try:
        start_wide, end_wide = _day(obj.lower_fuzzy()), _day(obj.upper_fuzzy())
        start_narrow, end_narrow = _day(obj.lower_strict()), _day(obj.upper_strict())
    except (ValueError, OverflowError, TypeError, AttributeError) as exc:
        raise DateError(f"{text!r} is not a date that exists") from exc
    lower, upper = (getattr(obj, "lower", obj), getattr(obj, "upper", obj))
    for part in (lower, upper):
        if getattr(part, "is_unknown", False):
            # edtf guesses ten years for an unknown end; mapgen treats it as open instead.
            if part is lower:
                start_wide = start_narrow = None
            else:
                end_wide = end_narrow = None
    if start_narrow is not None and end_narrow is not None and end_narrow < start_narrow:
        raise DateError(f"{text!r} ends before it starts")
    return Span(
        text=text.strip(),
        start_wide=start_wide,
        start_narrow=start_narrow,
        end_narrow=end_narrow,
        end_wide=end_wide,
        fuzzy_start=start_wide != start_narrow,
        fuzzy_end=end_wide != end_narrow,
    )


def parse_bound(text: str, *, end: bool) -> int:
    """A user's ``--from``/``--to`` date: its first day, or its last day when *end* is set, so
    ``--to 1986`` includes all of 1986."""
    span = parse_span(str(text))
    day = span.end_narrow if end else span.start_narrow
    if day is None:
        raise DateError(f"{text!r} is open-ended; give a date")
    return day


def _section_words(section: object) -> str:
    if getattr(section, "is_open", False):
        return "present"
    if getattr(section, "is_unknown", False):
        return "?"
    lo, hi = section.lower_strict(), section.upper_strict()
    y = lo.tm_year
    if (lo.tm_mon, lo.tm_mday, hi.tm_mon, hi.tm_mday) == (1, 1, 12, 31) and hi.tm_year == y:
        out = str(y) if y > 0 else f"{1 - y} BCE"
    else:
        year = str(y) if y > 0 else f"{1 - y} BCE"
        month = MONTHS[lo.tm_mon - 1]
        same_month = (lo.tm_year, lo.tm_mon) == (hi.tm_year, hi.tm_mon)
        out = (
            f"{month} {year}"
            if same_month and lo.tm_mday != hi.tm_mday
            else (f"{lo.tm_mday} {month} {year}")
        )
    if getattr(section, "is_approximate", False) or getattr(
        section, "is_uncertain_and_approximate", False
    ):
        out = f"c. {out}"
    if getattr(section, "is_uncertain", False) or getattr(
        section, "is_uncertain_and_approximate", False
    ):
        out = f"{out}?"
    return out


def span_words(text: str) -> str:
    """Words for an EDTF string: "1981–1986", "2003–present", "28 June 1981"."""
    obj = _parse(text)
    if hasattr(obj, "lower") and hasattr(obj, "upper"):
        start, end = _section_words(obj.lower), _section_words(obj.upper)
        if start == "present":  # an open start
            start = "…"
        return start if start == end else f"{start}–{end}"
    return _section_words(obj)


def spans_words(spans: tuple[Span, ...]) -> str:
    """All spans of a place, joined: "1981–1986; 2003–present"."""
    return "; ".join(span.words() for span in spans)
