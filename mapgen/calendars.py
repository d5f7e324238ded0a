"""Dates in the Solar Hijri (Persian) and Islamic calendars, shown beside the Gregorian ones
(--calendar): only words. Filtering stays on Gregorian day numbers, and the conversion is
convertdate's (its `persian` and `islamic` modules), never mapgen's own.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from mapgen.dates import civil_from_days, days_from_civil
from mapgen.errors import OptionError
from mapgen.language import NP_, Language, language

if TYPE_CHECKING:
    from mapgen.dates import Span

CALENDARS = ("gregorian", "persian", "islamic")  # --calendar
# Month names, in the catalogs (context "persian month", "islamic month"): English as
# convertdate transliterates them (the Islamic ones without diacritics).
MONTHS = {
    "persian": (
        NP_("persian month", "Farvardin"),
        NP_("persian month", "Ordibehesht"),
        NP_("persian month", "Khordad"),
        NP_("persian month", "Tir"),
        NP_("persian month", "Mordad"),
        NP_("persian month", "Shahrivar"),
        NP_("persian month", "Mehr"),
        NP_("persian month", "Aban"),
        NP_("persian month", "Azar"),
        NP_("persian month", "Dey"),
        NP_("persian month", "Bahman"),
        NP_("persian month", "Esfand"),
    ),
    "islamic": (
        NP_("islamic month", "Muharram"),
        NP_("islamic month", "Safar"),
        NP_("islamic month", "Rabi al-Awwal"),
        NP_("islamic month", "Rabi al-Thani"),
        NP_("islamic month", "Jumada al-Awwal"),
        NP_("islamic month", "Jumada al-Thani"),
        NP_("islamic month", "Rajab"),
        NP_("islamic month", "Shaban"),
        NP_("islamic month", "Ramadan"),
        NP_("islamic month", "Shawwal"),
        NP_("islamic month", "Dhu al-Qadah"),
        NP_("islamic month", "Dhu al-Hijjah"),
    ),
}
ERAS = {"persian": NP_("calendar", "{date} SH"), "islamic": NP_("calendar", "{date} AH")}
# Both count from the Hijra, 622 CE: earlier dates are not said in them.
EPOCH = days_from_civil(622, 3, 22)


def check_calendar(calendar: str) -> str:
    """*calendar* when mapgen shows it; else a usage error listing the calendars."""
    if calendar not in CALENDARS:
        raise OptionError.naming("unknown calendar {value!r} for {calendar} (known: {known})",
                                 value=str(calendar), known=", ".join(CALENDARS))
    return calendar


def convert(day: int, calendar: str) -> tuple[int, int, int]:
    """A Gregorian day number as (year, month, day) of *calendar*, by convertdate."""
    from convertdate import islamic, persian

    module = {"persian": persian, "islamic": islamic}[calendar]
    return module.from_gregorian(*civil_from_days(day))


def first_days(calendar: str, lo: int, hi: int) -> list[list[int]]:
    """[day number, year] of the first day of each *calendar* year that begins between day
    numbers *lo* and *hi* (the page's axis labels its years from these)."""
    from convertdate import islamic, persian

    module = {"persian": persian, "islamic": islamic}[calendar]
    lo, out = max(lo, EPOCH), []
    year = convert(lo, calendar)[0]
    while True:
        day = days_from_civil(*module.to_gregorian(year, 1, 1))
        if day > hi:
            return out
        if day >= lo:
            out.append([day, year])
        year += 1


def _said(lang: Language, calendar: str, date: tuple[int, int, int], level: int) -> str:
    """A date of *calendar* at *level* (0 year, 1 month, 2 day), in the language's own
    pattern for a Gregorian date of that precision, with the calendar's month names."""
    year, month, day = date
    context = calendar + " month"
    month_name = lang.pgettext(context, MONTHS[calendar][month - 1])
    return lang.patterns[level][0].format(y=lang.number(year), M=month_name, L=month_name,
                                          m=lang.number(month), d=lang.number(day), G="")


def _level(span: Span) -> int:
    """The precision a span is written at: 0 years, 1 months, 2 days (as written in its
    EDTF text, "1981-06/.." months; a text of another form, by its Gregorian bounds)."""
    ends = [end.strip("~?%") for end in span.text.split("/") if end not in ("", "..")]
    if all(re.fullmatch(r"-?\d{4}(-\d\d){0,2}", end) for end in ends):
        return max(end.lstrip("-").count("-") for end in ends)
    first, last = span.start_narrow, span.end_narrow if span.end_narrow is not None else 0
    (_, m0, d0), (_, m1, d1) = civil_from_days(first or 0), civil_from_days(last + 1)
    if (m0, d0, m1, d1) == (1, 1, 1, 1):
        return 0
    return 1 if d0 == d1 == 1 else 2


@functools.lru_cache(maxsize=1 << 14)
def calendar_words(span: Span, calendar: str, lang: str = "en") -> str | None:
    """*span* in *calendar*'s words, at the precision it is written ("1359–1365 SH", "7 Tir
    1360 SH"), or None for the Gregorian calendar, and for a span with no end known or
    before 622 CE. An open end is "present", as in Gregorian words."""
    if calendar == "gregorian" or span.start_narrow is None or span.start_narrow < EPOCH:
        return None
    words = language(lang)
    first, last = span.start_narrow, span.end_narrow
    level = _level(span)
    start = convert(first, calendar)
    lo = _said(words, calendar, start, level)
    if span.ongoing or last is None:
        hi = words.pgettext("an open end", "present") if span.ongoing else lo
    else:
        hi = _said(words, calendar, convert(last, calendar), level)
    text = lo if lo == hi else words.span_range(lo, hi, level)
    era = ERAS[calendar]
    return words.pgettext("calendar", era, date=text)
