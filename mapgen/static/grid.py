"""Small multiples: one map panel per period in a grid on one page, every panel framed on the
same extent at the same scale (so that a place sits at the same spot in each), each titled
with its period in words and its count, under one legend for them all.

The places of each panel are chosen by the same rule as every period filter
(:class:`mapgen.filter.Overlaps`); the page's title and attribution are the single map's
(:mod:`mapgen.static.layout`), the panels are its map panels (:mod:`mapgen.static.mapview`)
without their own legends.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from mapgen.filter import Overlaps
from mapgen.geometry import places_bounds
from mapgen.static.layout import draw_footer, draw_header, fraction, page_size, subtitle, text
from mapgen.static.mapview import (
    LEGEND_SHARE,
    Key,
    crowded,
    cut_legend,
    draw_places,
    frame_map,
    house_legend,
    legend_key,
    map_extent,
    prepare,
)
from mapgen.static.style import STYLE, say, shorten, text_width

if TYPE_CHECKING:
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend

    from mapgen.geometry import Bounds
    from mapgen.model import Dataset, Period

GAP = 10.0  # points between two panels
MAX_PANELS = 48  # beyond this no panel is large enough to read


def draw_grid(
    fig: Figure,
    dataset: Dataset,
    periods: Sequence[Period],
    title: str,
    *,
    keep_undated: bool = False,
) -> None:
    """The title (and under it how many periods and places), one panel per period of
    *periods* in reading order, the legend, and the attribution."""
    import numpy as np

    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    width, height = page_size(fig)
    m = STYLE.margin
    inner = width - 2 * m
    overlaps = Overlaps(dataset.places)
    masks = []
    for period in periods:
        shown = np.zeros(len(dataset.places), dtype=bool)
        shown[overlaps.rows(period, keep_undated=keep_undated)] = True
        masks.append(shown)
    anywhere = np.logical_or.reduce(masks) if masks else np.zeros(0, dtype=bool)
    count = int(anywhere.sum())
    words = say()
    under = words.pgettext("static map", "{periods} · {places}",
                           periods=words.ngettext("{n} period", "{n} periods", len(periods)),
                           places=words.ngettext("{n} place", "{n} places", count))
    top, _ = draw_header(fig, renderer, title, under, top=height - m, width=inner)
    bottom = draw_footer(fig, renderer, dataset, width=inner) + STYLE.footer_size * 0.5

    sheet = prepare(dataset)
    if dataset.layers:
        dense = any(crowded(sheet.markers_of(shown)) for shown in masks)
        key = legend_key(sheet, anywhere, crowded=dense)
        legend = _page_legend(fig, key, renderer, bottom=bottom, width=inner,
                              height=LEGEND_SHARE * (top - bottom))
        bottom += _height(legend, renderer, fig.dpi) + STYLE.legend_size * 0.5

    bounds = places_bounds(dataset.places.take(np.flatnonzero(anywhere).tolist()))
    heading = STYLE.subtitle_size * 1.6  # each panel's title line
    measure = partial(text_width, renderer, size=STYLE.subtitle_size, bold=True)
    columns, rows = _shape(len(periods), bounds, inner, top - bottom, heading)
    cell_w = (inner - GAP * (columns - 1)) / columns
    cell_h = (top - bottom - GAP * (rows - 1)) / rows
    for n, (period, shown) in enumerate(zip(periods, masks, strict=True)):
        row, column = divmod(n, columns)
        x = m + column * (cell_w + GAP)
        y = top - row * (cell_h + GAP) - cell_h  # the cell's bottom
        heading_words = shorten(measure, subtitle(period, int(shown.sum())), cell_w)
        text(fig, x, y + cell_h - STYLE.subtitle_size * 1.1, heading_words,
             size=STYLE.subtitle_size, weight="bold", color=STYLE.text)
        # right to left: panels in reading order from the right (text() mirrors the heading)
        left = x if words.direction == "ltr" else width - x - cell_w
        axes = fig.add_axes(fraction(fig, left, y, cell_w, cell_h - heading))
        frame_map(axes, bounds)
        draw_places(axes, sheet, shown, renderer)


def _shape(
    count: int, bounds: Bounds | None, width: float, height: float, heading: float
) -> tuple[int, int]:
    """Columns and rows for *count* panels in *width* × *height* points that draw the map at
    the largest scale (each panel shows *bounds* whole); fewer rows when two shapes tie."""
    best: tuple[float, int, int] | None = None
    for columns in range(1, count + 1):
        rows = math.ceil(count / columns)
        cell_w = (width - GAP * (columns - 1)) / columns
        cell_h = (height - GAP * (rows - 1)) / rows - heading
        if cell_w <= 0 or cell_h <= 0:
            continue
        xlim, ylim, aspect = map_extent(bounds, cell_w / cell_h)
        # points per degree of longitude, once the map keeps its aspect inside the cell
        scale = min(cell_w / (xlim[1] - xlim[0]), cell_h / ((ylim[1] - ylim[0]) * aspect))
        if best is None or scale > best[0] * (1 + 1e-9):
            best = (scale, columns, rows)
    if best is None:
        return 1, count
    return best[1], best[2]


def _page_legend(
    fig: Figure,
    key: Key,
    renderer: RendererBase,
    *,
    bottom: float,
    width: float,
    height: float,
) -> Legend:
    """One legend for every panel, centred above the footer, in as many columns as fit in
    *width* points and no taller than *height* points: past what fits, its last line says
    "+31 more" (as a single map's legend beside the map does), so that the panels keep their
    room."""
    entries = len(key.labels)

    def made(columns: int, rows: int) -> Legend:
        """The legend in *columns* of *rows*."""
        make = partial(
            house_legend,
            fig,
            title=key.title,
            loc="lower center",
            bbox_to_anchor=(0.5, bottom / page_size(fig)[1]),
            ncols=columns,
            frameon=False,
            borderaxespad=0.0,
            borderpad=0.0,
        )
        return cut_legend(make, key, columns * rows)

    def size(columns: int, rows: int) -> tuple[float, float]:
        """Width and height in points of the legend in *columns* of *rows*, drawn to measure."""
        legend = made(columns, rows)
        box = legend.get_window_extent(renderer)
        legend.remove()
        return box.width * 72 / fig.dpi, box.height * 72 / fig.dpi

    columns = entries
    while columns > 1 and size(columns, math.ceil(entries / columns))[0] > width:
        columns -= 1
    rows = math.ceil(entries / columns)
    while rows > 1 and size(columns, rows)[1] > height:
        rows -= 1
    return made(columns, rows)


def _height(legend: Legend, renderer: RendererBase, dpi: float) -> float:
    """A legend's height in points."""
    return float(legend.get_window_extent(renderer).height) * 72 / dpi
