"""The map panel of a static map: its extent, the basemap, the places, movement arrows, the
legend, and the place names (placed by :mod:`mapgen.static.labels`, drawn here).

Everything that hides something is collected as a box in points — markers, arrowheads, the
legend — so that names can keep clear of it. A crowded map (see :mod:`mapgen.static.density`)
draws its points as small interleaved dots and names only the places with room around them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from typing import TYPE_CHECKING, Any

from mapgen.geometry import Bounds, places_bounds
from mapgen.language import NP_
from mapgen.static.density import DENSE_POINTS, Dots, crowding, dot_style, interleave, near, roomy
from mapgen.static.labels import LEADER, Block, Box, Name, Point, arrange_labels, grow, nearest
from mapgen.static.labels import square as square_box
from mapgen.static.style import STYLE, say, text_width, wrap

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.legend import Legend
    from matplotlib.transforms import Bbox, Transform
    from numpy.typing import NDArray
    from shapely.geometry.base import BaseGeometry

    from mapgen.model import Dataset, Layer, Place

INFERRED = "inferred"  # Place.precision: the location is inferred, not stated in the sources
INFERRED_LABEL = NP_("static legend", "hollow: location inferred")
# _marker_size, said in the legend
SIZE_LABEL = NP_("static legend", "marker size: layer order, smaller on top")
Move = tuple[Point, Point, str]  # from, to (lon/lat), colour
ToPoints = Callable[[float, float], Point]  # lon, lat → points from the figure's corner

BEND = 0.18  # arc3 curvature of movement arrows: a move and its return stay apart
SHRINK_END = 5.0  # points between an arrow's tip and the place it points to
LABEL_PAD = 1.5  # points between a label block's backing and its text
LABEL_REACH = 256.0  # points: no label is placed further than this from its place
LEGEND_CLEARANCE = 5.0  # points around a legend inside the map that no place may be in
LEGEND_SHARE = 0.4  # a legend beside the map takes at most this share of the map's row


@dataclass
class LayerParts:
    """One layer's simple geometries (collections and Multi* flattened), by how each is
    drawn."""

    points: list[Point] = field(default_factory=list)  # lon, lat
    inferred: list[Point] = field(default_factory=list)  # location inferred: drawn hollow
    lines: list[BaseGeometry] = field(default_factory=list)
    polygons: list[BaseGeometry] = field(default_factory=list)


Parts = dict[str, LayerParts]  # layer key → its parts


@dataclass(frozen=True)
class Markers:
    """Every point marker of the map, layer by layer, stated places before inferred ones."""

    lonlat: NDArray[np.float64]  # n × 2
    sizes: list[float]  # diameters in points, as drawn uncrowded
    colors: list[str]  # their layers' colours
    hollow: list[bool]  # location inferred


def map_extent(
    bounds: Bounds | None, ratio: float
) -> tuple[tuple[float, float], tuple[float, float], float]:
    """x limits, y limits and aspect that show *bounds* (lon/lat; None: the world) with a
    margin in a box *ratio* = width / height: equirectangular, true to scale at the middle
    latitude (aspect 1 / cos φ), latitude within ±85°, longitude within ±180°."""
    x0, y0, x1, y1 = bounds if bounds is not None else (-170.0, -55.0, 170.0, 75.0)
    margin = max(0.12 * max(x1 - x0, y1 - y0), 1.5)
    x0, x1 = x0 - margin, x1 + margin
    y0, y1 = max(y0 - margin, -85.0), min(y1 + margin, 85.0)
    middle = (y0 + y1) / 2
    aspect = 1 / math.cos(math.radians(min(max(middle, -60.0), 60.0)))
    w, h = x1 - x0, (y1 - y0) * aspect  # both in display-like units
    if w / h < ratio:
        w = h * ratio
    else:
        h = w / ratio
    w, h = min(w, 360.0), min(h, 170.0 * aspect)
    cx = min(max((x0 + x1) / 2, -180 + w / 2), 180 - w / 2)
    half = h / aspect / 2
    cy = min(max(middle, -85 + half), 85 - half)
    return (cx - w / 2, cx + w / 2), (cy - half, cy + half), aspect


def draw_map(
    ax: Axes, dataset: Dataset, renderer: RendererBase, bounds: Bounds | None = None
) -> None:
    """The basemap framed on the places (or on *bounds*, west, south, east, north: a story's
    step), the places and their moves, the legend in a corner that hides none of them (else
    beside the map, which then gets narrower), and the names where they hide none of it."""
    parts, anchors = _split(dataset)
    points = _markers(dataset, parts)
    legend = None
    if dataset.layers:
        _frame_places(ax, dataset, bounds)
        spots = _in_page_points(ax, [*points.lonlat.tolist(), *anchors])
        legend = _draw_legend(ax, dataset, parts, renderer, spots,
                              crowded=len(points.sizes) > DENSE_POINTS)
    box = ax.get_position(original=True).transformed(ax.figure.transFigure)
    xlim, ylim, aspect = _frame_places(ax, dataset, bounds)
    sizes, dots = points.sizes, None
    if len(sizes) > DENSE_POINTS:  # crowding on the page, from the view about to be set
        scale = (box.width / (xlim[1] - xlim[0]), box.height / (ylim[1] - ylim[0]))
        dots = dot_style(crowding(points.lonlat * scale * (72 / ax.figure.dpi)))
        sizes = dots.sizes.tolist()

    _style_frame(ax)
    _draw_basemap(ax, xlim, ylim)
    _draw_places(ax, dataset, parts)
    if dots is None:
        _draw_markers(ax, dataset, parts)
    else:
        _draw_dots(ax, points, dots)
    ax.set_xlabel("")  # geopandas names the axes; a map has no use for that
    ax.set_ylabel("")
    moves = _moves(dataset, anchors)
    _draw_moves(ax, moves)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect(aspect, adjustable="box", anchor="C")  # a no-op unless the world is too small
    ax.apply_aspect()

    to_points = _points_transform(ax)
    markers = _in_page_points(ax, points.lonlat)
    named, obstacles = _room_for_names(ax, anchors, markers, sizes, crowded=dots is not None)
    obstacles += [_arrowhead(to_points(*a), to_points(*b)) for a, b, _ in moves]
    frame = _in_points(ax.get_window_extent(renderer), ax.figure.dpi)
    if legend is not None:
        obstacles.append(_in_points(legend.get_window_extent(renderer), ax.figure.dpi))
    _draw_labels(ax, dataset, named, anchors, to_points, obstacles, frame, renderer)


def _frame_places(
    ax: Axes, dataset: Dataset, bounds: Bounds | None = None
) -> tuple[tuple[float, float], tuple[float, float], float]:
    """Set the view that frames the places (or *bounds*) in *ax*'s box as it is now
    (:func:`map_extent`) and return it: drawing may move it, so it is set again after. (The
    box asked for, not the one the view before made of it.)"""
    box = ax.get_position(original=True).transformed(ax.figure.transFigure)
    xlim, ylim, aspect = map_extent(bounds or places_bounds(dataset.places),
                                    box.width / box.height)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect(aspect, adjustable="box", anchor="C")
    ax.apply_aspect()
    return xlim, ylim, aspect


def _room_for_names(
    ax: Axes,
    anchors: Sequence[Point],
    markers: NDArray[np.float64],
    sizes: Sequence[float],
    *,
    crowded: bool,
) -> tuple[Sequence[int], list[Box]]:
    """Which places get a name, and the markers (as boxes in points) names must not hide.
    Every place on an uncrowded map; on a *crowded* one only places with room around them,
    where a reader can tell which dot a name belongs to, and only the markers within reach
    of those names count."""
    import numpy as np

    named: Sequence[int] = range(len(anchors))
    hiding = np.ones(len(markers), dtype=bool)
    if crowded:
        spots = _in_page_points(ax, anchors)
        named = np.flatnonzero(roomy(spots)).tolist()
        hiding = near(markers, spots[named], LABEL_REACH)
    boxes = [
        square_box((float(x), float(y)), size + 2)
        for (x, y), size, keep in zip(markers, sizes, hiding, strict=True)
        if keep
    ]
    return named, boxes


def _markers(dataset: Dataset, parts: Parts) -> Markers:
    """Every point marker of the map, in one order for sizing, drawing and avoiding them."""
    import numpy as np

    lonlat: list[Point] = []
    sizes: list[float] = []
    colors: list[str] = []
    hollow: list[bool] = []
    for rank, layer in enumerate(dataset.layers):
        for points, inferred in (
            (parts[layer.key].points, False),
            (parts[layer.key].inferred, True),
        ):
            lonlat += points
            sizes += [_marker_size(rank)] * len(points)
            colors += [layer.color] * len(points)
            hollow += [inferred] * len(points)
    return Markers(np.array(lonlat, dtype=np.float64).reshape(-1, 2), sizes, colors, hollow)


def _in_page_points(ax: Axes, lonlat: Sequence[Point] | NDArray[np.float64]) -> NDArray[np.float64]:
    """lon, lat pairs → points from the figure's lower left corner, all at once."""
    import numpy as np

    xy = np.asarray(lonlat, dtype=np.float64).reshape(-1, 2)
    return ax.transData.transform(xy) * (72 / ax.figure.dpi)


def _style_frame(ax: Axes) -> None:
    """Sea behind everything, no ticks, a thin grey frame."""
    ax.set_facecolor(STYLE.sea)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.5)
        spine.set_edgecolor("#999999")


def _parts(geometry: BaseGeometry) -> list[BaseGeometry]:
    """Points, lines and polygons of a geometry, collections and Multi* flattened."""
    if hasattr(geometry, "geoms"):
        return [part for member in geometry.geoms for part in _parts(member)]
    return [] if geometry.is_empty else [geometry]


def _anchor(geometry: BaseGeometry) -> Point:
    """Where a place's label and movement arrows attach."""
    point = geometry if geometry.geom_type == "Point" else geometry.representative_point()
    return (point.x, point.y)


def _draw_basemap(ax: Axes, xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
    """The countries, cut a little beyond the view: smaller files, no cut edges in sight."""
    from mapgen.basemap import countries_frame

    pad = 0.02 * (xlim[1] - xlim[0])
    land = countries_frame().geometry.clip_by_rect(
        xlim[0] - pad, ylim[0] - pad, xlim[1] + pad, ylim[1] + pad
    )
    land = land[~land.is_empty]
    if len(land):
        land.plot(ax=ax, facecolor=STYLE.land, edgecolor=STYLE.border, linewidth=0.6, aspect=None)


def _split(dataset: Dataset) -> tuple[Parts, list[Point]]:
    """Each layer's parts, and each place's anchor. A plain point is read straight from its
    GeoJSON: shapely only for the rest, so that 100,000 points cost next to nothing."""
    from shapely.geometry import shape

    parts = {layer.key: LayerParts() for layer in dataset.layers}
    anchors: list[Point] = []
    places = dataset.places
    for layer, precision, lon, lat, geometry in zip(
        places.layers, places.precisions, places.lons, places.lats, places.geometries,
        strict=True,
    ):
        mine = parts[layer]
        points = mine.inferred if precision == INFERRED else mine.points
        if geometry is None or geometry["type"] == "Point":  # None: a Point in the columns
            x, y = (lon, lat) if geometry is None else geometry["coordinates"][:2]
            anchors.append((float(x), float(y)))
            points.append(anchors[-1])
            continue
        whole = shape(geometry)
        anchors.append(_anchor(whole))
        for part in _parts(whole):
            if part.geom_type == "Point":
                points.append((part.x, part.y))
            elif part.geom_type == "Polygon":
                mine.polygons.append(part)
            else:
                mine.lines.append(part)
    return parts, anchors


def _marker_size(rank: int) -> float:
    """Later layers get smaller markers, drawn on top: places at one spot stay visible."""
    return max(8.0 - 3.0 * rank, 4.0)


def _draw_places(ax: Axes, dataset: Dataset, parts: Parts) -> None:
    """Polygons (tinted), then lines, one layer after the other."""
    import geopandas

    for layer in dataset.layers:
        mine = parts[layer.key]
        if mine.polygons:
            geopandas.GeoSeries(mine.polygons).plot(ax=ax, aspect=None, zorder=3, **_fill(layer))
        if mine.lines:
            geopandas.GeoSeries(mine.lines).plot(
                ax=ax, color=layer.color, linewidth=1.6, aspect=None, zorder=3
            )


def _draw_markers(ax: Axes, dataset: Dataset, parts: Parts) -> None:
    """Point markers layer after layer, each smaller than the one before and on top of it;
    hollow where the location is inferred."""
    for rank, layer in enumerate(dataset.layers):
        mine = parts[layer.key]
        for points, hollow in ((mine.points, False), (mine.inferred, True)):
            if points:
                ax.plot(
                    [x for x, _ in points],
                    [y for _, y in points],
                    linestyle="none",
                    zorder=6 + rank,
                    **_marker(layer, rank, hollow=hollow),
                )


def _draw_dots(ax: Axes, markers: Markers, dots: Dots) -> None:
    """Every point of a crowded map in one pass, layers interleaved so that none is always on
    top; stated places filled, inferred ones rings. Rasterised in SVG and PDF: a vector file
    of 100,000 circles is too heavy to open, and the dots are too small to scale up."""
    import numpy as np
    from matplotlib.colors import to_rgba_array

    rings = np.array(markers.hollow, dtype=bool)
    color = to_rgba_array(markers.colors).reshape(-1, 4)
    color[:, 3] = dots.alphas
    clear = np.zeros_like(color)
    order = interleave(len(rings))
    xy = markers.lonlat[order]
    ax.scatter(
        xy[:, 0],
        xy[:, 1],
        s=(dots.sizes**2)[order],
        marker="o",
        facecolors=np.where(rings[:, None], clear, color)[order],
        edgecolors=np.where(rings[:, None], color, clear)[order],
        linewidths=np.where(rings, 0.5, 0.0)[order],  # stroking no outline: twice as fast
        zorder=6,
        rasterized=True,
    )


def _fill(layer: Layer) -> dict[str, Any]:
    """How a layer's polygons look, on the map and in the legend."""
    from matplotlib.colors import to_rgba

    return {"facecolor": to_rgba(layer.color, 0.22), "edgecolor": layer.color, "linewidth": 1.0}


def _marker(layer: Layer, rank: int, hollow: bool = False) -> dict[str, Any]:
    """How a layer's points look, on the map and in the legend: filled with a white edge, or
    *hollow* (a ring in the layer's colour) where the location is inferred."""
    if hollow:
        return _hollow(layer.color, _marker_size(rank))
    return {
        "marker": "o",
        "markersize": _marker_size(rank),
        "markerfacecolor": layer.color,
        "markeredgecolor": "white",
        "markeredgewidth": 0.8,
    }


def _hollow(color: str, size: float) -> dict[str, Any]:
    """A ring marker: no fill, so that an inferred location never reads as a stated one."""
    return {
        "marker": "o",
        "markersize": size,
        "markerfacecolor": "none",
        "markeredgecolor": color,
        "markeredgewidth": 1.2,
    }


def _moves(dataset: Dataset, anchors: Sequence[Point]) -> list[Move]:
    """(from, to, colour) in lon/lat of each move of a path layer between distinct spots."""
    from mapgen.paths import movements

    return [
        (anchors[m.origin], anchors[m.destination], dataset.layer(m.layer).color)
        for m in movements(dataset)
        if anchors[m.origin] != anchors[m.destination]
    ]


def _draw_moves(ax: Axes, moves: Sequence[Move]) -> None:
    """One curved arrow per move, in the layer's colour, pointing onwards."""
    from matplotlib.patches import FancyArrowPatch

    for start, end, color in moves:
        ax.add_patch(
            FancyArrowPatch(
                start,
                end,
                arrowstyle="-|>",
                connectionstyle=f"arc3,rad={BEND}",
                mutation_scale=9,
                shrinkA=4,
                shrinkB=SHRINK_END,
                linewidth=1.1,
                color=color,
                alpha=0.85,
                zorder=5,
            )
        )


def _arrowhead(start: Point, end: Point) -> Box:
    """Where an arrow's head lies (both ends in points): labels must not hide it. The head
    points along the arc's last tangent, from the arc3 control point to the end."""
    cx = (start[0] + end[0]) / 2 + BEND * (end[1] - start[1])
    cy = (start[1] + end[1]) / 2 - BEND * (end[0] - start[0])
    length = math.dist((cx, cy), end) or 1.0
    back = SHRINK_END + 4.0
    middle = (end[0] - (end[0] - cx) / length * back, end[1] - (end[1] - cy) / length * back)
    return square_box(middle, 9.0)


def _points_transform(ax: Axes) -> ToPoints:
    """lon, lat → points from the figure's lower left corner."""
    scale = 72 / ax.figure.dpi

    def to_points(x: float, y: float) -> Point:
        px, py = ax.transData.transform((x, y))
        return (float(px) * scale, float(py) * scale)

    return to_points


def _in_points(bbox: Bbox, dpi: float) -> Box:
    """A matplotlib display Bbox (pixels) as a Box in points."""
    s = 72 / dpi
    return (bbox.x0 * s, bbox.y0 * s, bbox.x1 * s, bbox.y1 * s)


def _legend_entries(
    dataset: Dataset, parts: Parts, crowded: bool
) -> tuple[list[Any], list[str], str | None]:
    """The legend's handles and labels (each layer's colour and label, and what a hollow
    marker means when one is drawn), and its title: that a marker's size is its layer's
    order, when sizes differ (a title, so that "+N more" never cuts it and counts layers).
    On a *crowded* map, whose dots are sized by crowding rather than by layer, every layer's
    marker has the first layer's size."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = []
    for rank, layer in enumerate(dataset.layers):
        kinds = parts[layer.key]
        if kinds.points or kinds.inferred or not (kinds.lines or kinds.polygons):
            width = 1.1 if layer.path else 0.0  # a path layer: the line its arrows draw
            marker = _marker(layer, 0 if crowded else rank)
            handles.append(Line2D([], [], color=layer.color, linewidth=width, **marker))
        elif kinds.lines:
            handles.append(Line2D([], [], color=layer.color, linewidth=1.6))
        else:
            handles.append(Patch(**_fill(layer)))
    labels = [layer.label for layer in dataset.layers]
    if any(parts[layer.key].inferred for layer in dataset.layers):
        handles.append(Line2D([], [], linewidth=0, **_hollow(STYLE.muted, _marker_size(0))))
        labels.append(say().pgettext("static legend", INFERRED_LABEL))
    sizes = {_marker_size(rank) for rank, layer in enumerate(dataset.layers)
             if parts[layer.key].points or parts[layer.key].inferred}
    title = (say().pgettext("static legend", SIZE_LABEL)  # says what size means
             if len(sizes) > 1 and not crowded else None)
    return handles, labels, title


def _legend(ax: Axes, handles: Sequence[Any], labels: Sequence[str], title: str | None,
            **where: Any) -> Legend:
    """A legend on *ax* in mapgen's look; its text never read as mathtext."""
    legend = ax.legend(
        handles,
        labels,
        title=title,
        title_fontsize=STYLE.legend_size,
        alignment="left" if say().direction == "ltr" else "right",  # the title's side
        fontsize=STYLE.legend_size,
        framealpha=0.92,
        edgecolor="#bbbbbb",
        fancybox=False,
        handlelength=1.8,
        markerfirst=say().direction == "ltr",  # right to left: the key after the words
        columnspacing=1.2,
        **where,
    )
    legend.set_zorder(20)
    for text in [*legend.get_texts(), legend.get_title()]:
        text.set_parse_math(False)
    legend.get_title().set_color(STYLE.muted)
    return legend


def _draw_legend(
    ax: Axes,
    dataset: Dataset,
    parts: Parts,
    renderer: RendererBase,
    spots: NDArray[np.float64],
    *,
    crowded: bool = False,
) -> Legend:
    """The legend in the corner of the map with the fewest of the places' *spots* (page
    points) near it, when it covers none of them and fits; else beside the map, on its
    right, in as many columns as the map's height needs (the map is narrowed to make room),
    and past what fits a last line "+31 more"."""
    handles, labels, title = _legend_entries(dataset, parts, crowded)
    legend = _legend(ax, handles, labels, title)
    frame = _in_points(ax.get_window_extent(renderer), ax.figure.dpi)
    reach = 24.0  # labels need room around their places too
    x, y = spots[:, 0], spots[:, 1]

    def count(box: Box) -> int:
        return int(((box[0] <= x) & (x <= box[2]) & (box[1] <= y) & (y <= box[3])).sum())

    best: tuple[int, str, Box] | None = None
    for loc in ("lower left", "upper left", "lower right", "upper right"):
        legend.set_loc(loc)
        box = _in_points(legend.get_window_extent(renderer), ax.figure.dpi)
        if best is None or count(grow(box, reach)) < best[0]:
            best = (count(grow(box, reach)), loc, box)
    assert best is not None
    _, loc, box = best
    fits = box[3] - box[1] <= 0.9 * (frame[3] - frame[1]) and (
        box[2] - box[0] <= 0.5 * (frame[2] - frame[0]))
    if fits and not count(grow(box, LEGEND_CLEARANCE)):
        legend.set_loc(loc)
        return legend
    legend.remove()
    return _legend_beside(ax, handles, labels, title, renderer, frame)


def _legend_beside(
    ax: Axes, handles: Sequence[Any], labels: Sequence[str], title: str | None,
    renderer: RendererBase, frame: Box,
) -> Legend:
    """The legend to the right of the map, its top at the map's top, in columns no taller
    than the map and together no wider than LEGEND_SHARE of the map's row; past what fits,
    a last line "+31 more". The map's box is narrowed by the legend's width. Its *title*
    is kept only where it costs no entry and no width (a small page's layers come first)."""
    from matplotlib.lines import Line2D

    height, row_width = frame[3] - frame[1], frame[2] - frame[0]

    def made(rows: int, columns: int, title: str | None = None) -> tuple[Legend, Box]:
        """The legend in *columns* of *rows*; it replaces the one before (an axes has one)."""
        keep = len(labels) if len(labels) <= rows * columns else rows * columns - 1
        more = ([say().ngettext("+{n} more", "+{n} more", len(labels) - keep)]
                if keep < len(labels) else [])
        legend = _legend(ax, [*handles[:keep], *[Line2D([], [], linewidth=0)] * len(more)],
                         [*labels[:keep], *more], title, ncols=columns, loc="upper left",
                         bbox_to_anchor=(1.0, 1.0), borderaxespad=0.0)
        if more:
            legend.get_texts()[-1].set_color(STYLE.muted)
        return legend, _in_points(legend.get_window_extent(renderer), ax.figure.dpi)

    def size(rows: int, columns: int = 1) -> tuple[float, float]:
        box = made(rows, columns)[1]
        return box[2] - box[0], box[3] - box[1]

    one, every = size(1)[1], size(len(labels))[1]
    row = (every - one) / max(len(labels) - 1, 1)
    rows = len(labels) if every <= height else max(1, 1 + int((height - one) / max(row, 1.0)))
    while rows > 1 and size(rows)[1] > height:
        rows -= 1
    columns = 1  # more columns while they fit the row
    while rows * columns < len(labels) and size(rows, columns + 1)[0] <= LEGEND_SHARE * row_width:
        columns += 1
    legend, box = made(rows, columns)
    if title is not None and rows * columns >= len(labels):
        titled, with_title = made(rows, columns, title)
        if (with_title[2] - with_title[0] <= box[2] - box[0]
                and with_title[3] - with_title[1] <= height):
            legend, box = titled, with_title
        else:
            legend, box = made(rows, columns)
    gap = STYLE.legend_size
    narrower = row_width - (box[2] - box[0]) - gap
    position = ax.get_position(original=True)
    ax.set_position((position.x0, position.y0, position.width * narrower / row_width,
                     position.height))
    legend.set_bbox_to_anchor((1.0 + gap / narrower, 1.0), transform=ax.transAxes)
    return legend


def _first(place: Place) -> float:
    """A place's first day for ordering; open starts first."""
    return -math.inf if place.first_day is None else place.first_day


def _names(
    dataset: Dataset,
    named: Sequence[int],
    anchors: Sequence[Point],
    to_points: ToPoints,
    measure: Callable[[str], float],
) -> list[Name]:
    """The names of the places *named* (indices), wrapped, in the order blocks gather them:
    by layer, then by first date."""
    order = {layer.key: rank for rank, layer in enumerate(dataset.layers)}
    indices = sorted(
        named,
        key=lambda i: (order[dataset.places[i].layer], _first(dataset.places[i]), i),
    )
    return [
        Name(
            anchors[i],
            to_points(*anchors[i]),
            tuple(wrap(measure, dataset.places[i].name, STYLE.label_width)),
            dataset.layer(dataset.places[i].layer).color,
        )
        for i in indices
    ]


def _draw_labels(
    ax: Axes,
    dataset: Dataset,
    named: Sequence[int],
    anchors: Sequence[Point],
    to_points: ToPoints,
    obstacles: list[Box],
    frame: Box,
    renderer: RendererBase,
) -> None:
    """The names of the places *named*, arranged by
    :func:`mapgen.static.labels.arrange_labels` inside the map's frame and clear of
    *obstacles*."""
    measure = cache(partial(text_width, renderer, size=STYLE.label_size))  # each text once
    arranged = arrange_labels(
        _names(dataset, named, anchors, to_points, measure),
        measure,
        obstacles,
        grow(frame, -2.0),
        pad=LABEL_PAD,
        leading=_leading(),
        most=STYLE.label_places,
        more_color=STYLE.muted,
        more_words=lambda n: say().ngettext("+ {n} more", "+ {n} more", n),
    )
    for block, box in arranged:
        _draw_block(ax, block, box)


def _leading() -> float:
    """Points from one label line to the next."""
    return STYLE.label_size * 1.25


def _draw_block(ax: Axes, block: Block, box: Box) -> None:
    """A label block on a white backing at *box*; a thin leader line joins a block set
    further out to its place."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    pad, leading = LABEL_PAD, _leading()
    offset = _offset_transform(ax, block.anchor)
    x0, y0, x1, y1 = (v - block.at[i % 2] for i, v in enumerate(box))
    ax.add_patch(
        Rectangle(
            (x0, y0),
            x1 - x0,
            y1 - y0,
            transform=offset,
            facecolor="white",
            edgecolor="none",
            alpha=0.82,
            zorder=15,
            clip_on=False,
        )
    )
    for n, (text, color) in enumerate(block.lines):
        ax.text(
            x0 + pad,
            y1 - pad - (n + 0.5) * leading,
            text,
            transform=offset,
            fontsize=STYLE.label_size,
            color=color,
            va="center_baseline",
            ha="left",
            parse_math=False,
            zorder=16,
            clip_on=False,
        )
    nx, ny = nearest((x0, y0, x1, y1), 0.0, 0.0)
    if math.hypot(nx, ny) > LEADER:
        ax.add_line(
            Line2D(
                [0, nx],
                [0, ny],
                transform=offset,
                color="#777777",
                linewidth=0.5,
                zorder=14,
                clip_on=False,
            )
        )


def _offset_transform(ax: Axes, anchor: Point) -> Transform:
    """Points measured from a lon/lat anchor: text, backing and leader line stay together at
    any dpi (SVG and PDF draw at 72 dpi, PNG at the dpi asked for)."""
    from matplotlib.transforms import Affine2D, ScaledTranslation

    return (
        Affine2D().scale(1 / 72)
        + ax.figure.dpi_scale_trans
        + ScaledTranslation(anchor[0], anchor[1], ax.transData)
    )
