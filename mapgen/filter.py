"""Choosing what to show: a period and a set of layers, applied to a Dataset; and the periods
a series, a grid or an animation is made of."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from itertools import chain, pairwise, repeat

from mapgen.dates import (
    DateError,
    Span,
    civil_from_days,
    days_from_civil,
    parse_bound,
    parse_span,
    span_words,
)
from mapgen.errors import MapgenNote, OptionError
from mapgen.model import Dataset, Period, Places


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
    places = dataset.places
    rows: Iterable[int] = range(len(places))
    if period is not None and not period.unbounded:
        rows = Overlaps(places).rows(period, keep_undated=keep_undated)
    if wanted:
        rows = [row for row in rows if places.layers[row] in wanted]
    return dataset.with_places(places.take(rows), period=period)


class Overlaps:
    """Which places a period shows: those with a span that overlaps it (`Span.overlaps`, the
    one rule), asked of one period or of many (a grid's panels, an animation's frames). Each
    distinct Span object is asked once per period, and the rows holding the spans that
    overlap are gathered, so a period costs the distinct spans, not the places."""

    def __init__(self, places: Places) -> None:
        spans, starts = places.spans, places.span_starts
        self.count = len(places)
        counts = [end - first for first, end in pairwise(starts)]
        self.undated = [row for row, count in enumerate(counts) if not count]
        index: dict[int, int] = {}  # id of a Span object → its number among the distinct
        numbers = [index.setdefault(id(span), len(index)) for span in spans]
        self.spans: list[Span] = [None] * len(index)  # type: ignore[list-item]
        self.rows_of: list[list[int]] = [[] for _ in index]  # the rows holding each
        span_rows = chain.from_iterable(map(repeat, range(self.count), counts))
        for number, span, row in zip(numbers, spans, span_rows, strict=True):
            self.spans[number] = span
            self.rows_of[number].append(row)

    def rows(self, period: Period | None, *, keep_undated: bool = False) -> list[int]:
        """The rows *period* shows, ascending: every row when it is None or unbounded;
        undated rows only with *keep_undated*."""
        if period is None or period.unbounded:
            return list(range(self.count))
        start, end, strict = period.start, period.end, period.strict
        shown: set[int] = set(self.undated) if keep_undated else set()
        for span, rows in zip(self.spans, self.rows_of, strict=True):
            if span.overlaps(start, end, strict):
                shown.update(rows)
        return sorted(shown)


def period_of(dataset: Dataset, text: str, *, strict: bool = False) -> Period:
    """A period written as one text, as `--periods` and `--compare` take them: a period the
    dataset names, else :func:`interval` (``1981/1986``, ``2003/..``, ``1850–1900``,
    ``1986``), open at one end at most."""
    if dataset.named_period(text) is not None:
        return period(dataset, name=text, strict=strict)
    chosen = interval(text, strict=strict)
    if chosen.unbounded:
        raise OptionError(f"period {text!r} is open at both ends; give a date")
    return chosen


def time_extent(places: Places, today: int) -> tuple[int, int] | None:
    """The first and last day the places' spans surely cover (narrow bounds; an open end runs
    to *today*), or None when no place is dated."""
    spans = places.spans
    starts = [s.start_narrow for s in spans if s.start_narrow is not None]
    ends = [s.end_narrow for s in spans if s.end_narrow is not None]
    if any(s.end_narrow is None for s in spans):
        ends.append(today)
    if not starts and not ends:
        return None
    return min(starts or ends), max(ends or starts)


SPLITS = ("decade", "period")


def split_periods(
    dataset: Dataset, split: str, *, strict: bool = False, today: int
) -> list[Period]:
    """The periods a dataset is split into, each named for its label: every decade the data
    touches (*split* "decade"; open ends run to *today*), or its named periods ("period")."""
    if split not in SPLITS:
        raise OptionError(f"unknown split {split!r}; use decade or period")
    if split == "period":
        if not dataset.periods:
            raise OptionError("this dataset has no named periods; split it by decade")
        return [span_period(span, name=name, strict=strict) for name, span in dataset.periods]
    extent = time_extent(dataset.places, today)
    if extent is None:
        return []
    first, last = (civil_from_days(day)[0] // 10 * 10 for day in extent)
    return [
        Period(
            days_from_civil(decade, 1, 1),
            days_from_civil(decade + 9, 12, 31),
            name=f"{decade}s" if decade >= 0 else f"{decade}…{decade + 9}",
            strict=strict,
        )
        for decade in range(first, last + 1, 10)
    ]
