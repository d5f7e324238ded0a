"""Choosing what to show: a period and a set of layers, applied to a Dataset."""

from __future__ import annotations

import warnings
from collections.abc import Iterable

from mapgen.dates import DateError, Span, parse_bound, parse_span, span_words
from mapgen.errors import MapgenNote, OptionError
from mapgen.model import Dataset, Period


def span_period(span: Span, *, name: str = "", strict: bool = False) -> Period:
    """The Period an EDTF interval covers, as a named period reads it: its wide bounds (its
    narrow ones when *strict*), open ends left open."""
    lo, hi = span.bounds(strict)
    return Period(lo, hi, name=name, strict=strict)


def period(
    dataset: Dataset,
    *,
    start: str | int | None = None,
    end: str | int | None = None,
    at: str | int | None = None,
    name: str | None = None,
    strict: bool = False,
) -> Period:
    """The Period that *start*/*end* (either may be open), *at* (one date) or *name* (a period
    the dataset names) say, each read as a date cell is (:func:`mapgen.datetext.read_column`:
    "1986", "1986-06", "100", "30 BC", "-50" for 50 BCE, "C18"), or a year as a number. A year
    or month means all of it ("1986" ends on 1986-12-31); a span its first or last day.
    OptionError if they clash or do not parse.

    >>> period(data, start="1986", end="2003")  # doctest: +SKIP
    Period(start=5844, end=12418, name='', strict=False)
    """
    if sum(x is not None for x in ((start if start is not None else end), at, name)) > 1:
        raise OptionError.naming("use only one of {start}/{end}, {at} and {name}")
    try:
        if name is not None:
            span = dataset.named_period(name)
            if span is None:
                known = ", ".join(n for n, _ in dataset.periods) or "none"
                raise OptionError(f"unknown period {name!r} (this dataset has: {known})")
            return span_period(span, name=name, strict=strict)
        if at is not None:
            text = _option(at)
            return Period(parse_bound(text, end=False), parse_bound(text, end=True),
                          strict=strict)
        lo = parse_bound(_option(start), end=False) if start is not None else None
        hi = parse_bound(_option(end), end=True) if end is not None else None
    except DateError as exc:
        raise OptionError(str(exc)) from None
    if lo is not None and hi is not None and hi < lo:
        raise OptionError.naming("{end} {hi} is before {start} {lo}", hi=str(end), lo=str(start))
    return Period(lo, hi, strict=strict)


def interval(text: str, *, strict: bool = False) -> Period:
    """The Period a date or an interval names ("1981/1986", "1850–1900", "June 1988", "2003/.."),
    each read as a date option is (`_option`), its bounds read as a named period's: a story's
    ``period``."""
    try:
        return span_period(parse_span(_option(text)), strict=strict)
    except DateError as exc:
        raise OptionError(str(exc)) from None


def _option(value: str | int) -> str:
    """A date option as EDTF, read as a date cell is; a negative bare year, read as a year BC
    (-50 is 50 BCE), is named in a note, as a file's are."""
    from mapgen.datetext import read_column

    read = read_column([value])
    text = read.texts[0]
    if text is None:
        raise DateError(read.errors.get(0, f"{value!r} is not a date"))
    if "historical" in read.negative:
        warnings.warn(MapgenNote(f"{str(value).strip()!r} read as {span_words(text)}: a year "
                                 f"BC, counted without a year 0 (EDTF writes it {text})"),
                      stacklevel=3)
    return text


def select(
    dataset: Dataset,
    period: Period | None = None,
    layers: Iterable[str] | None = None,
    *,
    keep_undated: bool = False,
) -> Dataset:
    """The places of *dataset* in *layers* (all when None) with a span overlapping *period*;
    undated places only with *keep_undated* (or when *period* is None or unbounded). The
    result remembers *period*, so maps and renders of it state that period."""
    wanted = None if layers is None else list(layers)
    if wanted:
        known = [layer.key for layer in dataset.layers]
        unknown = [key for key in wanted if key not in known]
        if unknown:
            raise OptionError(
                f"unknown layer {unknown[0]!r} (this dataset has: {', '.join(known)})"
            )
    bounded = period is not None and not period.unbounded
    places = dataset.places
    if not bounded:
        rows: Iterable[int] = range(len(places))
    else:
        spans = places.spans
        shown = {  # each distinct Span object's answer, asked once
            id(span): span.overlaps(period.start, period.end, period.strict) for span in spans
        }
        rows = [
            row
            for row, (first, end) in enumerate(places.span_rows())
            if any(shown[id(span)] for span in spans[first:end])
            or (first == end and keep_undated)
        ]
    if wanted:
        rows = [row for row in rows if places.layers[row] in wanted]
    return dataset.with_places(places.take(rows), period=period)
