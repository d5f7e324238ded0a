"""Dates as historians' tables and gazetteers write them → EDTF text, which mapgen.dates parses.

The natural-language reading is the `edtf` package's own (``text_to_edtf_date``: circa, decades,
centuries, month names, seasons). This module only does what that reader gets wrong or cannot
do, and checks every answer it gives: bare and negative years (it reads ``-30`` as a day of the
month), ``30 BC`` (it gives ``-0030``, which is 31 BCE), ranges written with an en dash, "to" or
"between … and", "before"/"after", Wikidata's timestamps, and numbers read as a 21st-century
year ("12 March 50"). Every result is parsed by :func:`mapgen.dates.parse_span` before it is
returned, so an answer is either a usable EDTF span or a :class:`DateError`.

Years are astronomical, as in ISO 8601 and EDTF: ``-0030`` (or a bare ``-30``) is 31 BCE, year
0 is 1 BCE; ``30 BC`` is written ``-0029``.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import math
import numbers
import re

from edtf import text_to_edtf
from edtf.natlang.en import text_to_edtf_date

from mapgen.dates import (
    MAX_LENGTH,
    DateError,
    NotEDTF,
    civil_from_days,
    days_from_civil,
    iso_date,
    parse_span,
)

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
    ("-30", "-0030", "a bare negative year is astronomical: 31 BCE"),
    ("0", "0000", "year 0 is 1 BCE"),
    ("-550/-30", "-0550/-0030", "551 BCE to 31 BCE"),
    ("30 BC", "-0029", "30 BCE (there is no year 0 in BC/AD counting)"),
    ("300 BCE", "-0299", "300 BCE"),
    ("c. 30 BC", "-0029~", "about 30 BCE"),
    ("AD 300", "0300", "the year 300"),
    ("300 CE", "0300", "the year 300"),
    ("c. 1850", "1850~", "about 1850"),
    ("ca. 1850", "1850~", "about 1850"),
    ("circa 1850", "1850~", "about 1850"),
    ("1850s", "185X", "1850 to 1859"),
    ("18th century", "17XX", "1700 to 1799 (the usual reading, not 1701 to 1800)"),
    ("2nd century BC", "-01XX", "200 to 101 BCE"),
    ("12 March 1850", "1850-03-12", "a day in words"),
    ("March 1850", "1850-03", "a month in words"),
    ("spring 2001", "2001-21", "an EDTF season"),
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
    ("before 1850", "[..1849]", "one date, 1849 or earlier"),
    ("after 1850", "[1851..]", "one date, 1851 or later"),
    ("before 12 March 1850", "[..1850-03-11]", "one day, 11 March 1850 or earlier"),
    ("+1850-03-12T00:00:00Z", "1850-03-12", "a Wikidata day"),
    ("+1850-03-00T00:00:00Z", "1850-03", "a Wikidata month"),
    ("+1850-00-00T00:00:00Z", "1850", "a Wikidata year"),
    ("-0044-03-15T00:00:00Z", "-0043-03-15", "Wikidata counts BCE without a year 0: 44 BCE"),
)

ACCEPTED = (
    "write e.g. 1850, 1850-03-12, 300, -30 (31 BCE), 30 BC, AD 300, c. 1850, 1850s, "
    "18th century, 1850-1900, between 1850 and 1900, before 1850, or EDTF"
)

_NUMBER = re.compile(r"([+-]?\d+)(\.\d*)?")
_ISO_DATE_TIME = re.compile(
    r"([+-]?\d{4,})[-/](\d\d)[-/](\d\d)"
    r"(?:[ T]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?"
)
_WIKIDATA = re.compile(r"([+-])(\d{1,16})-(\d\d)-(\d\d)T00:00:00Z")
_AMBIGUOUS = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")  # 03/12/1850: day or month first?
_BEFORE_AFTER = re.compile(r"(before|after)\s+(.+)", re.I)
_RANGES = (
    re.compile(r"between\s+(.+?)\s+and\s+(.+)", re.I),
    re.compile(r"(?:from\s+)?(.+?)\s+(?:to|until|till)\s+(.+)", re.I),
    re.compile(r"(.+?)\s*[–—]\s*(.*)"),
    re.compile(r"(.+?)\s+-\s+(.*)"),
    re.compile(r"(.+?)\s*/\s*(.*)"),
)
_HYPHEN_RANGE = re.compile(r"([^-]+)-([^-]*)")  # 1850-1900, 1850-60, 550-30 BC, 1850-
_OPEN = {"", "..", "present", "now", "today", "ongoing"}
_ERA = re.compile(r"\b(b\.?\s?c\.?\s?e\.?|b\.?\s?c\.?|a\.?\s?d\.?|c\.?\s?e\.)(?=\s|$)", re.I)
_ERA_SUFFIX = re.compile(r"\s*\b(?:(?:century|cent\.?)\s*)?(?:bce|bc|ad|ce)?$", re.I)
_BARE_LEFT = re.compile(r"(?:(?:c\.?|ca\.?|circa)\s*)?\d+(?:st|nd|rd|th)?", re.I)
_BC = re.compile(r"\b(bc|bce)\b", re.I)
# Words the edtf reader understands; text with any other word is refused rather than guessed.
_VOCABULARY = frozenset(
    {"c", "ca", "circa", "about", "around", "approx", "approximately", "the", "of", "century",
     "cent", "bc", "bce", "ad", "ce", "spring", "summer", "autumn", "fall", "winter", "early",
     "mid", "late", "st", "nd", "rd", "th", "s", "uncertain", "possibly", "maybe", "sept"}
    | {m.lower() for m in calendar.month_name[1:]}
    | {m.lower() for m in calendar.month_abbr[1:]}
)


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
        raise DateError(f"{text!r} reads as {exc}") from exc
    return result


def _wikidata(text: str) -> str | None:
    """Wikidata's timestamp: a signed year, 00 for an unknown month or day, and negative years
    counted without a year 0 (-0044 is 44 BCE), so they move up by one."""
    match = _WIKIDATA.fullmatch(text)
    if match is None:
        return None
    sign, year, month, day = match.groups()
    y = int(year) if sign == "+" else 1 - int(year)
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


def _plain(text: str) -> str | None:
    """A year number ("-30", "1850.0"), an ISO date with or without a time, or a single EDTF
    date; None for anything else."""
    number = _NUMBER.fullmatch(text)
    if number:
        if (number.group(2) or "").strip(".0"):
            raise DateError(f"{text!r} is not a whole year")
        return _year_text(int(number.group(1)))
    iso = _ISO_DATE_TIME.fullmatch(text)
    if iso:
        return "-".join(iso.groups()).lstrip("+")
    if "/" not in text and _is_edtf(text):
        return text
    return None


def _single(text: str) -> str | None:
    """One date (no range) as EDTF, or None when it is not one."""
    return _plain(text) or _spoken(text)


def _spoken(text: str) -> str | None:
    """One date in words, read by the edtf package and checked: None when it is not one."""
    if _AMBIGUOUS.search(text) or re.search(r"\d,\d", text):
        return None  # 03/12/1850, 1,850, 1850,1860
    spoken = _ERA.sub(lambda m: re.sub(r"[.\s]", "", m.group(1)), text)  # B.C. → BC
    spoken = re.sub(r"(\d)\s*(bce|bc|ad|ce)\b", r"\1 \2", spoken, flags=re.I)
    spoken = re.sub(r"\b(ad|ce)\s+(\d+)", r"\2 \1", spoken, flags=re.I)
    words = re.findall(r"[a-z]+", re.sub(r"\d", " ", spoken.lower()))
    if not set(words) <= _VOCABULARY:
        return None  # "not 1850", "1850 or 1851": a word the reader would skip over
    try:
        result = text_to_edtf_date(spoken)
    except (ValueError, TypeError, IndexError, OverflowError):
        return None
    if not result or result.lstrip("-").startswith("X"):
        return None  # no year: "12" read as a day of the month
    parts = re.fullmatch(r"-?(\d{4})(?:-(\d\d)(?:-(\d\d))?)?[~?%]?", result)
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


def _before_after(text: str) -> str | None:
    """"before 1850" as one date 1849 or earlier ("[..1849]"), "after 1850" as "[1851..]"."""
    match = _BEFORE_AFTER.fullmatch(text)
    if match is None:
        return None
    date = _single(match.group(2))
    if date is None:
        return None
    before = match.group(1).lower() == "before"
    step = _step(date, -1 if before else 1)
    if step is None:
        raise DateError(f"{text!r}: give a year, month or day after {match.group(1).lower()!r}")
    return f"[..{step}]" if before else f"[{step}..]"


def _side(text: str) -> str | None:
    """One end of a written range: a single date, or ".." for an open end ("present")."""
    text = text.strip()
    if text.lower() in _OPEN:
        return ".."
    return _single(text)


def _joined(left: str, right: str) -> str | None:
    """Two written ends as an EDTF interval. A trailing era or "century" on the right end
    applies to a bare left one: "550-30 BC", "18th-19th century"."""
    suffix = _ERA_SUFFIX.search(right)
    if suffix and suffix.group().strip() and _BARE_LEFT.fullmatch(left.strip()):
        left = left.strip() + suffix.group()
    lo, hi = _side(left), _side(right)
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


def _range(text: str) -> str | None:
    """A range written out ("1850 to 1900", "1850–1900", "-550/-30"), or None."""
    for pattern in _RANGES:
        match = pattern.fullmatch(text)
        if match:
            return _joined(*match.groups())
    match = _HYPHEN_RANGE.fullmatch(text)
    if match is None:
        return None
    mine = _joined(*match.groups())
    if (mine is not None and _is_edtf(mine)) or _BC.search(text):
        return mine  # edtf's own ranges read BC years one off
    try:
        theirs = text_to_edtf(text)  # short second years ("1850-60"), century ranges
    except (ValueError, TypeError, IndexError, OverflowError):
        return mine
    return theirs if theirs and "/" in theirs and _is_edtf(theirs) else mine


def edtf_from_text(text: str) -> str:
    """A date as a table or gazetteer writes it (see :data:`SPELLINGS`) → EDTF that
    :func:`mapgen.dates.parse_span` accepts. Valid EDTF comes back unchanged. Raise DateError,
    with one line that lists the accepted forms, for text that is not a date."""
    if not isinstance(text, str):
        raise DateError(f"{text!r} is not text")
    cleaned = " ".join(text.split())
    if not cleaned:
        raise DateError("empty date")
    if len(cleaned) > MAX_LENGTH:
        raise DateError(f"{cleaned[:20]!r}… is too long for a date ({len(cleaned)} characters)")
    edtf, read = _read(cleaned)
    if not read:
        raise DateError(edtf)
    return edtf


@functools.lru_cache(maxsize=1 << 14)
def _read(text: str) -> tuple[str, bool]:
    """(EDTF, True) for a date, (the error message, False) for anything else. Cached, failures
    too: a table repeats its dates, and its unreadable cells."""
    try:
        return _reading(text), True
    except DateError as exc:
        return str(exc), False


def _reading(text: str) -> str:
    wikidata = _wikidata(text)
    if wikidata is not None:
        return _checked(wikidata, text)
    if _NUMBER.fullmatch(text):  # a bare year: no need to ask the (slow) EDTF grammar first
        return _checked(_plain(text) or text, text)
    verdict = _edtf_verdict(text)
    if verdict is None:
        return text
    if verdict:  # EDTF, but no usable span: say so rather than read it as words
        raise DateError(verdict)
    if _AMBIGUOUS.fullmatch(text):
        raise DateError(f"{text!r} is ambiguous (day or month first?); write 1850-03-12")
    result = _plain(text) or _before_after(text) or _range(text) or _spoken(text)
    if result is None:
        raise DateError(f"{text!r} is not a date mapgen reads; {ACCEPTED}")
    return _checked(result, text)


def _empty(value: object) -> bool:
    """No value: None, NaN/NaT (what pandas puts in an empty cell), blank text."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (float, datetime.date)):
        return value != value  # NaN and NaT are not equal to themselves
    return False


def edtf_from_value(value: object) -> str:
    """A cell value as EDTF: a whole number is a year (astronomical: -30 is 31 BCE; 1850.0,
    what pandas writes for a year column with gaps, is 1850), a date or datetime its day (the
    time of day is dropped), text is read by :func:`edtf_from_text`. Raise DateError for an
    empty cell, a fractional number or any other type."""
    if _empty(value):
        raise DateError("empty date")
    if isinstance(value, bool):
        raise DateError(f"{value!r} is not a date")
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, numbers.Integral):
        return _checked(_year_text(int(value)), str(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number) or not number.is_integer():
            raise DateError(f"{value!r} is not a whole year")
        return _checked(_year_text(int(number)), str(value))
    if isinstance(value, str):
        return edtf_from_text(value)
    raise DateError(f"{value!r} is not a date")


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


def span_from_start_end(start: object, end: object, *, end_given: bool) -> str:
    """A start cell and an end cell as one EDTF span.

    * no end field (*end_given* false): the start cell alone is the date ("1944" is 1944);
    * an end field whose cell is empty: ongoing from the start ("1944/..");
    * an empty start with an end: open start ("../1950");
    * the same start and end: that one date;
    * otherwise from the start cell's earliest to the end cell's latest ("1850s" to "1900":
      "185X/1900"; "before 1850" to 1900: "../1900").

    Both cells empty (or no end field and an empty start): "" — the place is undated. *end* is
    not looked at when *end_given* is false. A cell holds one date, not several: split a
    ``;``-separated cell first. Raise DateError, naming the side ("start …", "end …"), when a
    cell is not a date, or when the span ends before it starts.
    """
    no_start, no_end = _empty(start), not end_given or _empty(end)
    if no_start and no_end:
        return ""
    lo = hi = ".."
    if not no_start:
        try:
            first = edtf_from_value(start)
        except DateError as exc:
            raise DateError(f"start {exc}") from exc
        if not end_given:
            return first
        lo = _ends(first)[0]
    if not no_end:
        try:
            last = edtf_from_value(end)
        except DateError as exc:
            raise DateError(f"end {exc}") from exc
        if not no_start and last == first:
            return first
        hi = _ends(last)[1]
    span = _interval(lo, hi)
    parse_span(span)  # "1900/1850" ends before it starts
    return span

