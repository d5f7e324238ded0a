"""How many places a period shows, counted in the build: exact totals for the page's count,
legend and histogram, never what a tile happened to keep.

A dated place is in [a, b] unless all of its spans miss it: it starts after b, it ends
before a, or [a, b] falls in a gap between two of its spans. So, per layer and per reading
(wide bounds, or narrow ones with ``--strict``)::

    shown(a, b) = dated − #(first start > b) − #(last end < a) − #(gaps (e, s) with e < a, s > b)

The first two are counted from the distinct first starts and last ends with their
cumulative counts (exact for any day). A gap (the last day covered, the next day covered)
is counted by the units of the page's time axis (years; months or days for short data), so
the third term is exact for every window of whole units — what the slider, the keys, play
and "At one date" choose; for a window that starts or ends inside a unit the page gives the
least and the most it can be. Undated places are counted apart, shown while "Undated places"
is on. Memory: the distinct values and gap pairs, never a list a place.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from mapgen.dates import days_from_civil
from mapgen.model import Places

NEG, POS = -(2**62), 2**62  # an open start, an open end
READINGS = ("wide", "strict")
RESOLUTIONS = ("day", "month", "year")  # gap pairs are kept at the first that stays small
MAX_PAIRS = 500_000  # distinct gap pairs kept before they are counted by a coarser unit


def civil(days: Any) -> tuple[Any, Any]:
    """Year and month (1-12) of numpy day numbers: `mapgen.dates.civil_from_days` as array
    operations."""
    import numpy

    z = numpy.asarray(days, dtype=numpy.int64) + 719468
    era = numpy.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    month = numpy.where(mp < 10, mp + 3, mp - 9)
    return yoe + era * 400 + (month <= 2), month


def units(days: Any, kind: str) -> Any:
    """The time axis' unit index of each day (time-scale.js `units.index`): the day itself,
    year * 12 + month - 1, or the year."""
    if kind == "day":
        return days
    year, month = civil(days)
    return year * 12 + month - 1 if kind == "month" else year


def coarser(values: Any, kind: str, to: str) -> Any:
    """Unit indices of *kind* as indices of the coarser unit *to*."""
    import numpy

    if kind == to:
        return values
    if kind == "day":
        return units(values, to)
    return numpy.floor_divide(values, 12)  # month → year


def axis_unit(extent: tuple[int, int] | None) -> str:
    """The unit of the page's time axis over *extent* (time-scale.js `TimeScale`)."""
    if extent is None:
        return "year"
    length = extent[1] - extent[0] + 1
    return "year" if length >= 5 * 365 else "month" if length >= 62 else "day"


def today() -> int:
    now = datetime.date.today()
    return days_from_civil(now.year, now.month, now.day)


class Counts:
    """Counts gathered a batch at a time (`add`), then written for the page (`result`)."""

    def __init__(self) -> None:
        self.dated: Counter[int] = Counter()
        self.undated: Counter[int] = Counter()
        self.starts = {r: Counter() for r in READINGS}  # (layer, day) → places
        self.ends = {r: Counter() for r in READINGS}
        self.gaps = {r: Counter() for r in READINGS}  # (layer, unit of e, unit of s) → gaps
        self.resolution = {r: "day" for r in READINGS}
        self.low: int | None = None
        self.high: int | None = None
        self.open = False  # an end runs on: the axis runs to today

    def add(self, places: Places, layers: Any) -> None:
        """The places of a batch, in the layers whose indices *layers* gives (numpy)."""
        import numpy

        starts = numpy.asarray(places.span_starts, dtype=numpy.int64)
        spans = numpy.diff(starts)
        for layer, n in zip(*numpy.unique(layers[spans == 0], return_counts=True), strict=True):
            self.undated[int(layer)] += int(n)
        if not len(places.spans):
            return
        quads: dict[int, tuple[int, int, int, int]] = {}
        for span in places.spans:  # each distinct Span once
            if id(span) not in quads:
                quads[id(span)] = tuple(NEG if d is None else d for d in (
                    span.start_wide, span.start_narrow)) + tuple(
                    POS if d is None else d for d in (span.end_narrow, span.end_wide))
        bounds = numpy.array([quads[id(span)] for span in places.spans], dtype=numpy.int64)
        finite = bounds[(bounds != NEG) & (bounds != POS)]
        if finite.size:
            low, high = int(finite.min()), int(finite.max())
            self.low = low if self.low is None else min(self.low, low)
            self.high = high if self.high is None else max(self.high, high)
        self.open = self.open or bool((bounds[:, 3] == POS).any())
        dated = numpy.flatnonzero(spans > 0)
        first = starts[dated]
        place_layers = layers[dated]
        for layer, n in zip(*numpy.unique(place_layers, return_counts=True), strict=True):
            self.dated[int(layer)] += int(n)
        owner = numpy.repeat(numpy.arange(len(dated)), spans[dated])
        for reading, (lo, hi) in zip(READINGS, ((0, 3), (1, 2)), strict=True):
            self._ends(reading, place_layers, numpy.minimum.reduceat(bounds[:, lo], first),
                       numpy.maximum.reduceat(bounds[:, hi], first))
            self._gaps(reading, place_layers, owner, bounds[:, lo], bounds[:, hi])

    def _ends(self, reading: str, layers: Any, first: Any, last: Any) -> None:

        for values, into, open_value in ((first, self.starts[reading], NEG),
                                         (last, self.ends[reading], POS)):
            keep = values != open_value
            into.update(_tally(layers[keep], values[keep]))

    def _gaps(self, reading: str, layers: Any, owner: Any, lo: Any, hi: Any) -> None:
        """The gaps between the spans of each place: after the days its spans so far cover,
        the next span starts more than a day later."""
        import numpy

        order = numpy.lexsort((lo, owner))
        owner, lo, hi = owner[order], lo[order], hi[order]
        same = numpy.flatnonzero(owner[1:] == owner[:-1]) + 1  # a span after another
        if not same.size:
            return
        group = numpy.r_[0, numpy.flatnonzero(owner[1:] != owner[:-1]) + 1]
        position = numpy.arange(len(owner)) - numpy.repeat(group, numpy.diff(
            numpy.r_[group, len(owner)]))
        covered = hi.copy()  # the last day covered by a place's spans up to this one
        by_position = numpy.argsort(position, kind="stable")
        edges = numpy.searchsorted(position[by_position], numpy.arange(1, position.max() + 2))
        for k in range(len(edges) - 1):
            at = by_position[edges[k]:edges[k + 1]]
            covered[at] = numpy.maximum(covered[at], covered[at - 1])
        before = covered[same - 1]
        gap = (lo[same] > before + 1) & (before != POS) & (lo[same] != NEG)
        if not gap.any():
            return
        kind = self.resolution[reading]
        counter = self.gaps[reading]
        counter.update(_tally(layers[owner[same[gap]]], units(before[gap], kind),
                              units(lo[same][gap], kind)))
        while len(counter) > MAX_PAIRS and kind != "year":
            to = RESOLUTIONS[RESOLUTIONS.index(kind) + 1]
            self.gaps[reading] = counter = _recount(counter, kind, to)
            self.resolution[reading] = kind = to

    def extent(self, window: tuple[int | None, int | None] | None = None
               ) -> tuple[int, int] | None:
        """The page's time axis: the first and last finite day (today when an end runs on),
        inside *window* (the period the tiles were cut to)."""
        if self.low is None or self.high is None:
            return None
        low, high = self.low, max(self.high, today()) if self.open else self.high
        if window:
            low = max(low, window[0]) if window[0] is not None else low
            high = min(high, window[1]) if window[1] is not None else high
        return low, high

    def result(self, layers: int, window: tuple[int | None, int | None] | None = None
               ) -> dict[str, Any]:
        """The counts for the page (CONTRACT.md, "Tile maps"): per layer, the dated and
        undated places and, per reading, the first starts and last ends (distinct days and
        cumulative counts) and the gaps (unit of e, unit of s, how many)."""
        extent = self.extent(window)
        # the axis' unit, or a coarser one the gaps had to be counted by (MAX_PAIRS)
        kind = max([axis_unit(extent), *self.resolution.values()], key=RESOLUTIONS.index)
        tables = {}  # each reading's entries by layer, the gaps at the unit *kind*
        for reading in READINGS:
            have, gaps = self.resolution[reading], self.gaps[reading]
            tables[reading] = (_by_layer(self.starts[reading]), _by_layer(self.ends[reading]),
                               _by_layer(gaps if have == kind else _recount(gaps, have, kind)))
        out = []
        for layer in range(layers):
            entry: dict[str, Any] = {"dated": self.dated[layer], "undated": self.undated[layer]}
            for reading, (starts, ends, gaps) in tables.items():
                entry[reading] = {
                    "starts": _cumulative(starts.get(layer, [])),
                    "ends": _cumulative(ends.get(layer, [])),
                    "gaps": [list(column) for column in zip(*sorted(gaps.get(layer, [])),
                                                            strict=True)] or [[], [], []],
                }
            out.append(entry)
        return {"unit": kind, "low": self.low, "high": self.high, "open": self.open,
                "layers": out}


def _tally(*columns: Any) -> dict[tuple[int, ...], int]:
    """How many times each distinct row of the integer *columns* occurs: what
    ``numpy.unique(axis=0, return_counts=True)`` finds, without its sort of rows as bytes (a
    third of a million places' counts took twice as long with it)."""
    import numpy

    if not len(columns[0]):
        return {}
    order = numpy.lexsort(columns[::-1])  # by the first column, then the next...
    ordered = [column[order] for column in columns]
    change = numpy.zeros(len(ordered[0]), dtype=bool)
    change[0] = True
    for column in ordered:
        change[1:] |= column[1:] != column[:-1]
    first = numpy.flatnonzero(change)
    counts = numpy.diff(numpy.append(first, len(change)))
    rows = zip(*(column[first].tolist() for column in ordered), strict=True)
    return dict(zip(rows, counts.tolist(), strict=True))


def _recount(pairs: Counter, kind: str, to: str) -> Counter:
    import numpy

    if not pairs:
        return Counter()
    keys = numpy.array(list(pairs), dtype=numpy.int64)
    counts = numpy.array(list(pairs.values()), dtype=numpy.int64)
    keys[:, 1], keys[:, 2] = coarser(keys[:, 1], kind, to), coarser(keys[:, 2], kind, to)
    out: Counter = Counter()
    for key, n in zip(map(tuple, keys.tolist()), counts.tolist(), strict=True):
        out[key] += n
    return out


def _by_layer(counter: Counter) -> dict[int, list[tuple[int, ...]]]:
    """A counter's entries by layer, the first item of their keys: (the key's other items,
    the count) — gathered once, not looked for once a layer (INRAP's file has 45)."""
    out: dict[int, list[tuple[int, ...]]] = {}
    for (layer, *rest), n in counter.items():
        out.setdefault(layer, []).append((*rest, n))
    return out


def _cumulative(entries: list[tuple[int, ...]]) -> list[list[int]]:
    """[distinct days ascending, cumulative counts] of one layer's (day, count) entries."""
    days = sorted(entries)
    total, cumulative = 0, []
    for _, n in days:
        total += n
        cumulative.append(total)
    return [[day for day, _ in days], cumulative]
