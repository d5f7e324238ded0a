"""Linked Places Format encodings shared by the LPF reader and writer: the JSON-LD context,
EDTF ⇄ LPF timespans, and the one-line texts LPF's schema requires.
"""

from __future__ import annotations

import re
from typing import Any

from mapgen.dates import DateError, iso_date, parse_span

CONTEXT = (
    "https://raw.githubusercontent.com/LinkedPasts/linked-places/master/"
    "linkedplaces-context-v1.1.jsonld"
)
ISO_DATE = re.compile(r"-?\d{4}(?:-\d{2}(?:-\d{2})?)?[~?%]?")  # what LPF's "in" may hold
LINE_BREAK = re.compile(r"[\r\n\u2028\u2029]+")


# --- text LPF's schema accepts ---------------------------------------------------------------


def one_line(text: str) -> str:
    """*text* without line breaks: LPF's schema allows none in titles, toponyms, citation
    labels and description values (their pattern is ``^(.*)$``)."""
    return LINE_BREAK.sub(" ", text)


def flatten(value: Any) -> Any:
    """*value* with :func:`one_line` applied to every string in it."""
    if isinstance(value, str):
        return one_line(value)
    if isinstance(value, list):
        return [flatten(v) for v in value]
    if isinstance(value, dict):
        return {k: flatten(v) for k, v in value.items()}
    return value


# --- EDTF → LPF timespan ---------------------------------------------------------------------


def _split(text: str) -> tuple[str, str | None]:
    """An EDTF interval's two sections, or a single date and None."""
    if "/" in text:
        lo, hi = text.split("/", 1)
        return lo.strip(), hi.strip()
    return text.strip(), None


def _bound(section: str) -> dict[str, str]:
    """One EDTF date as an LPF start or end: ``in`` for what ISO 8601 with LPF's ``~ ? %``
    says, else ``earliest``/``latest`` from its widest reading ("198X": 1980-01-01 to
    1989-12-31)."""
    if ISO_DATE.fullmatch(section):
        return {"in": section}
    span = parse_span(section)
    out = {}
    if span.start_wide is not None:
        out["earliest"] = iso_date(span.start_wide)
    if span.end_wide is not None:
        out["latest"] = iso_date(span.end_wide)
    return out


def timespan(text: str) -> dict[str, Any]:
    """An EDTF date or interval as one LPF timespan.

    A date is a start alone (LPF: "the interval described by the start"); an interval has a
    start and an end. An open or unknown end ("2003/..", "2003/") is ``"end": {"in": null}``,
    the one null the schema allows; an open start ("../1986") is ``{"latest": <the end>}``:
    the place began no later than it ended."""
    lo, hi = _split(text)
    if hi is None:
        return {"start": _bound(lo)}
    end: dict[str, Any] = {"in": None} if hi in ("", "..") else _bound(hi)
    if lo in ("", ".."):
        last = end.get("in") or end.get("latest")
        start = {"latest": last} if last else {}
    else:
        start = _bound(lo)
    return {"start": start, "end": end}


# --- LPF timespan → EDTF ---------------------------------------------------------------------


_SHORT_BC = re.compile(r"-(\d{1,3})")  # a negative year of fewer than four digits: "-750"


def short_bc_year(value: Any) -> bool:
    """True for a negative year written with fewer than four digits ("-750", -750): ISO 8601
    has no such form, and historians' gazetteers mean 750 BC by it, as their tables do."""
    if isinstance(value, int) and not isinstance(value, bool):
        return -1000 < value < 0
    return isinstance(value, str) and _SHORT_BC.fullmatch(value.strip()) is not None


def _date(value: Any, bce: str = "") -> str | None:
    """An LPF date value as EDTF text: the time of day dropped, years padded to four digits
    ("676" → "0676", 1600 → "1600"). A short negative year ("-750", :func:`short_bc_year`)
    is a year BC without a year 0 (750 BCE, "-0749") unless *bce* is "astronomical"; a
    year written as ISO 8601 writes it ("-0750") is ISO's (751 BCE)."""
    if short_bc_year(value) and bce != "astronomical":
        value = f"{int(value) + 1:05d}" if int(value) < -1 else "0000"
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:05d}" if value < 0 else f"{value:04d}"
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if "T" in text[4:]:
        text = text[: text.index("T", 4)]
    match = re.fullmatch(r"([+-]?)(\d+)(.*)", text)
    if match:
        sign, year, rest = match.groups()
        sign = "-" if sign == "-" else ""
        if len(year) > 4 and not rest:
            return f"Y{sign}{year}"
        text = f"{sign}{year.zfill(4)}{rest}"
    return text


def _section(bound: Any, *, start: bool, bce: str = "") -> str:
    """An LPF start or end as one EDTF section. ``in`` is the date itself (null: open, "..").
    A range (``earliest`` ≠ ``latest``) is read the widest way its bounds allow and no wider:
    a start from its earliest, an end to its latest, with no qualifier (``~`` would pad them
    further); no earliest for a start, or no latest for an end, is open ("..")."""
    if not isinstance(bound, dict):
        return ".."
    if "in" in bound:
        return _date(bound["in"], bce) or ".."
    earliest, latest = _date(bound.get("earliest"), bce), _date(bound.get("latest"), bce)
    if earliest is not None and earliest == latest:
        return earliest
    edge = earliest if start else latest
    return ".." if edge is None else edge


def edtf_from_timespan(span: Any, bce: str = "") -> str:
    """One LPF timespan as EDTF: ``in`` + ``in`` → "A/B"; a start alone → its date (or, for a
    range, "earliest/latest"); the same date twice → that date once."""
    if not isinstance(span, dict):
        return ""
    lo = _section(span.get("start"), start=True, bce=bce)
    hi = _section(span["end"] if "end" in span else span.get("start"), start=False, bce=bce)
    return lo if lo == hi else f"{lo}/{hi}"


def _same_timespan(text: Any, span: Any) -> bool:
    """True when *text* (mapgen's kept EDTF) still says what the LPF timespan says."""
    try:
        return isinstance(text, str) and timespan(text) == span
    except DateError:
        return False


def _timespans(when: Any) -> list[Any]:
    """The timespans of an LPF ``when``, or of a list of them (the World Historical
    Gazetteer's ``whens``)."""
    whens = when if isinstance(when, list) else [when]
    spans: list[Any] = []
    for item in whens:
        found = item.get("timespans") if isinstance(item, dict) else None
        spans += found if isinstance(found, list) else []
    return spans


def when_from_lpf(when: Any, kept: Any, bce: str = "") -> list[str]:
    """EDTF strings for ``when.timespans`` (*when* may be a list of ``when`` objects), the
    same span once; each kept EDTF string (``properties.edtf``) wins over its timespan while
    the two agree. *bce* is how short negative years are read (:func:`_date`)."""
    kept = kept if isinstance(kept, list) else []
    spans = [
        kept[i] if i < len(kept) and _same_timespan(kept[i], span)
        else edtf_from_timespan(span, bce)
        for i, span in enumerate(_timespans(when))
    ]
    return list(dict.fromkeys(spans))


def short_bc_years(when: Any) -> list[Any]:
    """The short negative years (:func:`short_bc_year`) an LPF ``when`` holds."""
    return [value for span in _timespans(when) if isinstance(span, dict)
            for bound in (span.get("start"), span.get("end")) if isinstance(bound, dict)
            for value in (bound.get("in"), bound.get("earliest"), bound.get("latest"))
            if short_bc_year(value)]
