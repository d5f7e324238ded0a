"""The timeline strip under a static map: one bar per span, packed into rows per layer, over
year ticks, with the period the map states shaded.

Laying out (:func:`layout_timeline`, pure apart from measuring the layer labels) is apart
from drawing (:func:`draw_timeline`), because the page must know the strip's height before
it can place the map above it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mapgen.static.style import STYLE, say, text_width

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.patches import Rectangle

    from mapgen.dates import Span
    from mapgen.model import Dataset, Layer, Period, Place

FADED = 0.3  # opacity of a span's uncertain ends
TIMELINE_MAX_PLACES = 60  # beyond this a timeline strip is too dense to read


@dataclass(frozen=True)
class Bar:
    """One span of one place: a bar on the strip."""

    layer: Layer
    place: Place
    span: Span


@dataclass(frozen=True)
class Strip:
    """The timeline's geometry: bars with their lanes, the time range in days, the day open
    ends run to, and the room it needs (left: for the layer labels)."""

    bars: tuple[tuple[Bar, int], ...]  # bar, row from the top
    rows: int
    groups: tuple[tuple[Layer, int, int], ...]  # layer, first row, last row
    lo: float
    hi: float
    today: int
    days_per_point: float
    left: float
    height: float

    @property
    def min_days(self) -> float:
        """The shortest a bar is drawn, so that a single day stays visible."""
        return 3 * self.days_per_point

    def extent(self, bar: Bar) -> tuple[float, float]:
        """The days *bar* covers on this strip."""
        return _extent(bar, self.lo, self.today, self.min_days)


def timeline_bars(dataset: Dataset) -> list[Bar]:
    """Every span of every place, layer by layer in the legend's order."""
    return [
        Bar(layer, place, span)
        for layer in dataset.layers
        for place in dataset.places
        if place.layer == layer.key
        for span in place.spans
    ]


def _time_range(bars: Sequence[Bar], today: int) -> tuple[float, float] | None:
    """The days the strip shows: every known bound, and *today* when a span is open-ended,
    padded; None when no bound is known."""
    days = [
        d
        for bar in bars
        for d in (
            bar.span.start_wide,
            bar.span.start_narrow,
            bar.span.end_narrow,
            bar.span.end_wide,
        )
        if d is not None
    ]
    if not days:
        return None
    lo, hi = min(days), max(days)
    if any(bar.span.end_wide is None for bar in bars):
        hi = max(hi, today)
    pad = max(0.03 * (hi - lo), 200)
    return lo - pad, hi + pad


def _extent(bar: Bar, lo: float, today: int, min_days: float) -> tuple[float, float]:
    """The days a bar covers on the strip: an open start runs to the left edge *lo*, an open
    end to the end of *today* (a span still going on looks as long as it is), a single day
    gets a visible width."""
    s = bar.span
    start = lo if s.start_wide is None else s.start_wide
    end = max(today + 1, start) if s.end_wide is None else s.end_wide + 1
    if end - start < min_days:
        middle = (start + end) / 2
        start, end = middle - min_days / 2, middle + min_days / 2
    return start, end


def layout_timeline(
    renderer: RendererBase, dataset: Dataset, bars: Sequence[Bar], width: float, today: int
) -> Strip | None:
    """Pack each layer's bars into as few rows as possible (first row free at a bar's start);
    open ends run to *today*. None when no span has a known date to place it by."""
    span = _time_range(bars, today)
    if span is None:
        return None
    lo, hi = span
    left = max(text_width(renderer, layer.label, STYLE.label_size) for layer in dataset.layers) + 6
    days_per_point = (hi - lo) / max(width - left, 1.0)
    min_days, gap = 3 * days_per_point, 1.5 * days_per_point
    placed: list[tuple[Bar, int]] = []
    groups: list[tuple[Layer, int, int]] = []
    row0 = 0
    for layer in dataset.layers:
        mine = sorted(
            (b for b in bars if b.layer.key == layer.key),
            key=lambda b: _extent(b, lo, today, min_days),
        )
        ends: list[float] = []
        for bar in mine:
            start, end = _extent(bar, lo, today, min_days)
            row = next((r for r, e in enumerate(ends) if e + gap <= start), len(ends))
            if row == len(ends):
                ends.append(end)
            ends[row] = end
            placed.append((bar, row0 + row))
        if ends:
            groups.append((layer, row0, row0 + len(ends) - 1))
            row0 += len(ends)
    height = row0 * STYLE.lane
    return Strip(tuple(placed), row0, tuple(groups), lo, hi, today, days_per_point, left, height)


def year_ticks(lo: float, hi: float, most: int = 9) -> list[tuple[int, str]]:
    """1 January of round years between day numbers *lo* and *hi*: (day, label), about
    *most* of them at most. Years before 1 CE are round as historians count them: 500 BCE is
    astronomical year -499 (there is no year 0 between 1 BCE and 1 CE)."""
    from mapgen.dates import civil_from_days, days_from_civil

    first, last = civil_from_days(math.ceil(lo))[0], civil_from_days(math.floor(hi))[0]
    step = next(
        (
            s
            for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)
            if (last - first) / s < most
        ),
        1000 * (1 + (last - first) // (1000 * most)),
    )
    ticks = [
        (days_from_civil(y, 1, 1), say().year(y))
        for y in range(first, last + 1)
        if (y if y > 0 else 1 - y) % step == 0
    ]
    return [(d, text) for d, text in ticks if lo <= d <= hi]


def draw_timeline(ax: Axes, strip: Strip, period: Period, renderer: RendererBase) -> None:
    """One bar per span in its layer's colour; fuzzy ends faded, open ends marked with an
    arrow (starts at the edge, ends at today), the period asked for shaded."""
    ax.set_xlim(strip.lo, strip.hi)
    ax.set_ylim(max(strip.rows, 1), 0)
    shade_period(ax, strip, period)
    for bar, row in strip.bars:
        _draw_bar(ax, strip, bar, row, renderer)
    _label_layers(ax, strip)
    _label_years(ax, strip)


def shade_period(ax: Axes, strip: Strip, period: Period) -> Rectangle | None:
    """The period the map states, behind the bars; an open side runs to the strip's edge."""
    if period.unbounded:
        return None
    start = strip.lo if period.start is None else period.start
    end = strip.hi if period.end is None else period.end + 1
    return ax.axvspan(start, end, color=STYLE.period, zorder=0, linewidth=0)


def _core(bar: Bar, start: float, end: float, min_days: float) -> tuple[float, float]:
    """The part of a bar's extent that is certain (between its narrow bounds); all of it
    when that part would be too short to see."""
    s = bar.span
    core = (
        start if s.start_narrow is None else max(s.start_narrow, start),
        end if s.end_narrow is None else min(s.end_narrow + 1, end),
    )
    return (start, end) if core[1] - core[0] < min_days else core


def _draw_bar(ax: Axes, strip: Strip, bar: Bar, row: int, renderer: RendererBase) -> None:
    """A bar: the certain core solid between faded uncertain ends, an arrow at an open end,
    and the place's short name on it when it fits."""
    from matplotlib.patches import Rectangle

    s, color = bar.span, bar.layer.color
    start, end = strip.extent(bar)
    core = _core(bar, start, end, strip.min_days)
    for a, b, alpha in ((start, core[0], FADED), (core[0], core[1], 1.0), (core[1], end, FADED)):
        if b > a:
            ax.add_patch(
                Rectangle((a, row + 0.15), b - a, 0.7, facecolor=color, alpha=alpha, linewidth=0)
            )
    for open_end, x, marker in (
        (s.start_wide is None, strip.lo, "<"),
        (s.end_wide is None, end, ">"),
    ):
        if open_end:
            ax.plot([x], [row + 0.5], marker=marker, markersize=4, color=color, clip_on=False)
    _name_bar(ax, strip, bar, row, core, renderer)


def _name_bar(
    ax: Axes,
    strip: Strip,
    bar: Bar,
    row: int,
    core: tuple[float, float],
    renderer: RendererBase,
) -> None:
    """The place's short name in white on the bar's core, when it fits there."""
    size = STYLE.label_size - 1
    short = _short_name(bar.place.name)
    if (core[1] - core[0]) / strip.days_per_point > text_width(renderer, short, size) + 4:
        ax.text(
            core[0] + 2 * strip.days_per_point,
            row + 0.5,
            short,
            fontsize=size,
            color="white",
            va="center_baseline",
            parse_math=False,
        )


def _label_layers(ax: Axes, strip: Strip) -> None:
    """Each layer's label beside its rows, in its colour; a thin line between layers."""
    ax.set_yticks([(a + b + 1) / 2 for _, a, b in strip.groups])
    ax.set_yticklabels([layer.label for layer, _, _ in strip.groups], fontsize=STYLE.label_size)
    for tick, (layer, _, _) in zip(ax.get_yticklabels(), strip.groups, strict=True):
        tick.set_color(layer.color)
        tick.set_parse_math(False)
    for _, first, _ in strip.groups[1:]:
        ax.axhline(first, color="#dddddd", linewidth=0.5)


def _label_years(ax: Axes, strip: Strip) -> None:
    """Round years under the strip with faint grid lines; only the bottom spine stays."""
    ticks = year_ticks(strip.lo, strip.hi)
    ax.set_xticks([d for d, _ in ticks])
    ax.set_xticklabels([t for _, t in ticks], fontsize=STYLE.label_size, color=STYLE.muted)
    ax.tick_params(length=0, pad=2)
    ax.grid(axis="x", color="#e4e4e4", linewidth=0.5)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color("#bbbbbb")
    ax.spines["bottom"].set_linewidth(0.5)


def _short_name(name: str) -> str:
    """The name up to its first comma or parenthesis: "Camp Liberty (Camp Hurriya), Baghdad"
    → "Camp Liberty"."""
    for stop in (" (", ","):
        name = name.split(stop, 1)[0]
    return name.strip()
