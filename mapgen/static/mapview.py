"""The map panel of a static map: its extent, the basemap, the places, movement arrows, the
legend, and the place names (placed by :mod:`mapgen.static.labels`, drawn here).

Everything that hides something is collected as a box in points — markers, arrowheads, the
legend — so that names can keep clear of it. A crowded map (see :mod:`mapgen.static.density`)
draws its points as small interleaved dots and names only the places with room around them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
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
    from matplotlib.figure import Figure
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
LEGEND_SHARE = 0.4  # a legend takes at most this share of the maps' room: beside a map, of
# its row's width; under a grid of maps, of the grid's height


@dataclass(frozen=True)
class Markers:
    """Point markers in drawing order: layer by layer, stated places before inferred ones,
    then in row order."""

    lonlat: NDArray[np.float64]  # n × 2
    ranks: NDArray[np.intp]  # each marker's layer, by its rank in the dataset's layers
    hollow: NDArray[np.bool_]  # location inferred

    def __len__(self) -> int:
        return len(self.ranks)

    @property
    def sizes(self) -> NDArray[np.float64]:
        """Diameters in points, as drawn uncrowded: smaller for later layers."""
        import numpy as np

        return np.maximum(8.0 - 3.0 * self.ranks, 4.0)


@dataclass(frozen=True)
class Sheet:
    """A dataset's places made ready to draw once, row by row — anchors, every point marker
    in drawing order, the lines and polygons — so that any set of its rows (the map, a grid's
    panel, an animation's frame) is drawn without reading the places again."""

    dataset: Dataset
    anchors: NDArray[np.float64]  # rows × 2: where each place's name and arrows attach
    markers: Markers
    marker_rows: NDArray[np.intp]  # the row of each marker
    shapes: tuple[tuple[int, int, BaseGeometry], ...]  # (row, layer rank, line or polygon)

    @property
    def rows(self) -> int:
        return len(self.anchors)

    def markers_of(self, shown: NDArray[np.bool_]) -> Markers:
        """The markers of the rows *shown* (a mask), in drawing order."""
        keep = shown[self.marker_rows]
        m = self.markers
        return Markers(m.lonlat[keep], m.ranks[keep], m.hollow[keep])

    def kinds(self, shown: NDArray[np.bool_]) -> list[set[str]]:
        """For each layer, how its places among *shown* are drawn: "point", "inferred",
        "LineString", "Polygon"."""
        kinds: list[set[str]] = [set() for _ in self.dataset.layers]
        m = self.markers_of(shown)
        for rank, hollow in set(zip(m.ranks.tolist(), m.hollow.tolist(), strict=True)):
            kinds[rank].add("inferred" if hollow else "point")
        for row, rank, shape in self.shapes:
            if shown[row]:
                kinds[rank].add(shape.geom_type)
        return kinds


def crowded(markers: Markers) -> bool:
    """Whether markers are drawn as dots sized by crowding (see :mod:`density`)."""
    return len(markers) > DENSE_POINTS


def prepare(dataset: Dataset) -> Sheet:
    """The :class:`Sheet` of *dataset*. Points are read from their columns as arrays: shapely
    only for the other geometries, so that 100,000 points cost next to nothing."""
    import numpy as np
    from shapely.geometry import shape

    places = dataset.places
    rank_of = {layer.key: rank for rank, layer in enumerate(dataset.layers)}
    ranks = np.array([rank_of[key] for key in places.layers], dtype=np.intp)
    inferred = np.array([p == INFERRED for p in places.precisions], dtype=bool)
    # a Point's position is in the columns (None elsewhere, which numpy reads as NaN)
    anchors = np.column_stack([
        np.array(places.lons, dtype=np.float64), np.array(places.lats, dtype=np.float64)
    ]).reshape(-1, 2)
    simple = np.array([g is None for g in places.geometries], dtype=bool)
    extra: list[tuple[int, Point]] = []  # (row, point) of the other geometries' points
    shapes: list[tuple[int, int, BaseGeometry]] = []
    for row in np.flatnonzero(~simple).tolist():
        geometry = places.geometries[row]
        assert geometry is not None
        if geometry["type"] == "Point":
            x, y = geometry["coordinates"][:2]
            anchors[row] = (float(x), float(y))
            extra.append((row, (float(x), float(y))))
            continue
        whole = shape(geometry)
        anchors[row] = _anchor(whole)
        for part in _parts(whole):
            if part.geom_type == "Point":
                extra.append((row, (part.x, part.y)))
            else:
                shapes.append((row, int(ranks[row]), part))
    rows = np.concatenate([
        np.flatnonzero(simple), np.array([row for row, _ in extra], dtype=np.intp)
    ])
    lonlat = np.concatenate([
        anchors[simple], np.array([xy for _, xy in extra], dtype=np.float64).reshape(-1, 2)
    ])
    order = np.lexsort((rows, inferred[rows], ranks[rows]))  # stable: parts keep their order
    rows = rows[order]
    return Sheet(
        dataset,
        anchors,
        Markers(lonlat[order], ranks[rows], inferred[rows]),
        rows,
        tuple(shapes),
    )


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
    import numpy as np

    sheet = prepare(dataset)
    every = np.ones(sheet.rows, dtype=bool)
    bounds = bounds or places_bounds(dataset.places)
    key = None
    if dataset.layers:
        frame_view(ax, bounds)
        key = place_legend(
            ax, legend_key(sheet, every, crowded=crowded(sheet.markers)), renderer,
            spots(ax, sheet, every),
        )
    frame_map(ax, bounds)
    draw_places(ax, sheet, every, renderer, key=key)


def frame_view(
    ax: Axes, bounds: Bounds | None
) -> tuple[tuple[float, float], tuple[float, float], float]:
    """Set the view that frames *bounds* (None: the world) in *ax*'s box as asked for
    (:func:`map_extent`), not the one an earlier view made of it, and return it: a legend
    placed beside the map narrows the box, and the view is then set again."""
    box = ax.get_position(original=True).transformed(ax.figure.transFigure)
    xlim, ylim, aspect = map_extent(bounds, box.width / box.height)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect(aspect, adjustable="box", anchor="C")  # a no-op unless the world is too small
    ax.apply_aspect()
    return xlim, ylim, aspect


def frame_map(ax: Axes, bounds: Bounds | None) -> None:
    """The sea, the frame and the basemap, framed on *bounds* (None: the world): what every
    map of a grid or frame of an animation drawn in *ax* shares."""
    xlim, ylim, _ = frame_view(ax, bounds)
    _style_frame(ax)
    _draw_basemap(ax, xlim, ylim)  # the view is set: drawing does not move it
    ax.set_xlabel("")  # geopandas names the axes; a map has no use for that
    ax.set_ylabel("")


def spots(ax: Axes, sheet: Sheet, shown: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Where the rows *shown* are on the page (points): their markers and their anchors,
    which a legend inside the map must not cover."""
    import numpy as np

    lonlat = np.concatenate([sheet.markers_of(shown).lonlat, sheet.anchors[shown]])
    return in_page_points(ax, lonlat)


BESIDE = "beside"  # Key.loc: to the right of the map


@dataclass(frozen=True)
class Key:
    """A legend: its entries, its *title* (or None), and its place — a corner, or BESIDE the
    map in *columns* of *rows* (0: every entry) with its left edge at *anchor* (axes
    fraction); None: not yet placed (:func:`place_legend`)."""

    handles: tuple[Any, ...]
    labels: tuple[str, ...]
    title: str | None = None
    loc: str | None = None
    columns: int = 1
    rows: int = 0
    anchor: float = 1.0


def draw_places(
    ax: Axes,
    sheet: Sheet,
    shown: NDArray[np.bool_],
    renderer: RendererBase,
    key: Key | None = None,
) -> None:
    """The rows *shown* (a mask) of *sheet* on a map framed by :func:`frame_map`: lines and
    polygons, markers (dots when crowded), moves, the legend *key* (placed by
    :func:`place_legend`; None: no legend), and the names where they hide none of it."""
    import numpy as np

    points = sheet.markers_of(shown)
    sizes, dots = points.sizes, None
    if crowded(points):  # crowding on the page
        box = ax.get_position(original=True).transformed(ax.figure.transFigure)
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        scale = (box.width / (x1 - x0), box.height / (y1 - y0))
        dots = dot_style(crowding(points.lonlat * scale * (72 / ax.figure.dpi)))
        sizes = dots.sizes

    _draw_shapes(ax, sheet, shown)
    if dots is None:
        _draw_markers(ax, sheet.dataset, points)
    else:
        _draw_dots(ax, sheet.dataset, points, dots)
    ax.set_xlabel("")
    ax.set_ylabel("")
    moves = _moves(sheet, shown)
    _draw_moves(ax, moves)

    rows = np.flatnonzero(shown)
    to_points = _points_transform(ax)
    markers = in_page_points(ax, points.lonlat)
    named, obstacles = _room_for_names(
        ax, sheet.anchors[rows], markers, sizes, crowded=dots is not None
    )
    obstacles += [_arrowhead(to_points(*a), to_points(*b)) for a, b, _ in moves]
    frame = _in_points(ax.get_window_extent(renderer), ax.figure.dpi)
    if key is not None:
        obstacles.append(draw_legend(ax, key, renderer))
    names = rows[list(named)].tolist()
    _draw_labels(ax, sheet.dataset, names, sheet.anchors, to_points, obstacles, frame, renderer)


def _room_for_names(
    ax: Axes,
    anchors: NDArray[np.float64],
    markers: NDArray[np.float64],
    sizes: NDArray[np.float64],
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
        spots = in_page_points(ax, anchors)
        named = np.flatnonzero(roomy(spots)).tolist()
        hiding = near(markers, spots[named], LABEL_REACH)
    boxes = [
        square_box((x, y), size + 2)
        for (x, y), size in zip(markers[hiding].tolist(), sizes[hiding].tolist(), strict=True)
    ]
    return named, boxes


def in_page_points(ax: Axes, lonlat: Sequence[Point] | NDArray[np.float64]) -> NDArray[np.float64]:
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


def _marker_size(rank: int) -> float:
    """Later layers get smaller markers, drawn on top: places at one spot stay visible."""
    return max(8.0 - 3.0 * rank, 4.0)


def _draw_shapes(ax: Axes, sheet: Sheet, shown: NDArray[np.bool_]) -> None:
    """Polygons (tinted), then lines, one layer after the other."""
    import geopandas

    for rank, layer in enumerate(sheet.dataset.layers):
        mine = [part for row, r, part in sheet.shapes if r == rank and shown[row]]
        polygons = [part for part in mine if part.geom_type == "Polygon"]
        lines = [part for part in mine if part.geom_type != "Polygon"]
        if polygons:
            geopandas.GeoSeries(polygons).plot(ax=ax, aspect=None, zorder=3, **_fill(layer))
        if lines:
            geopandas.GeoSeries(lines).plot(
                ax=ax, color=layer.color, linewidth=1.6, aspect=None, zorder=3
            )


def _draw_markers(ax: Axes, dataset: Dataset, markers: Markers) -> None:
    """Point markers layer after layer, each smaller than the one before and on top of it;
    hollow where the location is inferred."""
    for rank, layer in enumerate(dataset.layers):
        for hollow in (False, True):
            mine = markers.lonlat[(markers.ranks == rank) & (markers.hollow == hollow)]
            if len(mine):
                ax.plot(
                    mine[:, 0].tolist(),
                    mine[:, 1].tolist(),
                    linestyle="none",
                    zorder=6 + rank,
                    **_marker(layer, rank, hollow=hollow),
                )


def _draw_dots(ax: Axes, dataset: Dataset, markers: Markers, dots: Dots) -> None:
    """Every point of a crowded map in one pass, layers interleaved so that none is always on
    top; stated places filled, inferred ones rings. Rasterised in SVG and PDF: a vector file
    of 100,000 circles is too heavy to open, and the dots are too small to scale up."""
    import numpy as np
    from matplotlib.colors import to_rgba_array

    rings = markers.hollow
    color = to_rgba_array([layer.color for layer in dataset.layers]).reshape(-1, 4)
    color = color[markers.ranks]
    color[:, 3] = dots.alphas
    order = interleave(len(rings))
    xy = markers.lonlat[order]
    style: dict[str, Any] = {"facecolors": color[order], "edgecolors": "none", "linewidths": 0}
    if rings.any():  # stroking no outline is twice as fast: only rings are stroked
        clear = np.zeros_like(color)
        style = {
            "facecolors": np.where(rings[:, None], clear, color)[order],
            "edgecolors": np.where(rings[:, None], color, clear)[order],
            "linewidths": np.where(rings, 0.5, 0.0)[order],
        }
    ax.scatter(
        xy[:, 0],
        xy[:, 1],
        s=(dots.sizes**2)[order],
        marker="o",
        zorder=6,
        rasterized=True,
        **style,
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


def _moves(sheet: Sheet, shown: NDArray[np.bool_]) -> list[Move]:
    """(from, to, colour) in lon/lat of each move of a path layer between distinct spots,
    among the rows *shown*."""
    import numpy as np

    from mapgen.paths import movements

    dataset = sheet.dataset
    paths = {layer.key for layer in dataset.layers if layer.path}
    if not paths:
        return []
    rows = [row for row in np.flatnonzero(shown).tolist() if dataset.places.layers[row] in paths]
    if not rows:
        return []
    view = dataset.with_places(dataset.places.take(rows))
    anchors = [tuple(xy) for xy in sheet.anchors[rows].tolist()]
    return [
        (anchors[m.origin], anchors[m.destination], view.layer(m.layer).color)
        for m in movements(view)
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


def legend_key(sheet: Sheet, shown: NDArray[np.bool_], *, crowded: bool = False) -> Key:
    """The legend of the rows *shown*, not yet placed: the layers' colours and labels, each
    drawn as its places are (a marker, a line or a tinted patch), what a hollow marker means
    when one is drawn, and its title: that a marker's size is its layer's order, when sizes
    differ (a title, so that "+N more" never cuts it and counts layers). On a *crowded* map,
    whose dots are sized by crowding rather than by layer, every layer's marker has the first
    layer's size."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = []
    kinds = sheet.kinds(shown)
    layers = sheet.dataset.layers
    for rank, (layer, mine) in enumerate(zip(layers, kinds, strict=True)):
        if mine & {"point", "inferred"} or not mine:
            width = 1.1 if layer.path else 0.0  # a path layer: the line its arrows draw
            marker = _marker(layer, 0 if crowded else rank)
            handles.append(Line2D([], [], color=layer.color, linewidth=width, **marker))
        elif mine - {"Polygon"}:
            handles.append(Line2D([], [], color=layer.color, linewidth=1.6))
        else:
            handles.append(Patch(**_fill(layer)))
    labels = [layer.label for layer in layers]
    if any("inferred" in mine for mine in kinds):
        handles.append(Line2D([], [], linewidth=0, **_hollow(STYLE.muted, _marker_size(0))))
        labels.append(say().pgettext("static legend", INFERRED_LABEL))
    sizes = {_marker_size(rank) for rank, mine in enumerate(kinds) if mine & {"point", "inferred"}}
    title = (say().pgettext("static legend", SIZE_LABEL)  # says what size means
             if len(sizes) > 1 and not crowded else None)
    return Key(tuple(handles), tuple(labels), title)


LEGEND_CORNERS = ("lower left", "upper left", "lower right", "upper right")


def house_legend(owner: Axes | Figure, handles: Sequence[Any], labels: Sequence[str],
                 title: str | None, **where: Any) -> Legend:
    """A legend on *owner* (a map, or a grid's page) in mapgen's look, its title muted; its
    text never read as mathtext."""
    legend = owner.legend(
        list(handles),
        list(labels),
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


def draw_legend(ax: Axes, key: Key, renderer: RendererBase) -> Box:
    """*key* drawn where :func:`place_legend` put it: in its corner, or beside the map in its
    columns, past what fits a last line "+31 more". Returns its box in points, so that names
    keep clear of it."""
    if key.loc != BESIDE:
        legend = house_legend(ax, key.handles, key.labels, key.title, loc=key.loc)
    else:
        make = partial(house_legend, ax, title=key.title, ncols=key.columns, loc="upper left",
                       bbox_to_anchor=(key.anchor, 1.0), borderaxespad=0.0)
        legend = cut_legend(make, key, key.rows * key.columns if key.rows else len(key.labels))
    return _in_points(legend.get_window_extent(renderer), ax.figure.dpi)


def cut_legend(
    make: Callable[[list[Any], list[str]], Legend], key: Key, room: int
) -> Legend:
    """The legend *make* draws of *key*'s entries, no more than *room* of them: past what
    fits, its last line says "+31 more" (muted)."""
    from matplotlib.lines import Line2D

    handles, labels = key.handles, key.labels
    keep = len(labels) if len(labels) <= room else room - 1
    more = ([say().ngettext("+{n} more", "+{n} more", len(labels) - keep)]
            if keep < len(labels) else [])
    legend = make([*handles[:keep], *[Line2D([], [], linewidth=0)] * len(more)],
                  [*labels[:keep], *more])
    if more:
        legend.get_texts()[-1].set_color(STYLE.muted)
    return legend


def place_legend(
    ax: Axes, key: Key, renderer: RendererBase, spots: NDArray[np.float64]
) -> Key:
    """*key* placed on the map as framed now (:func:`frame_view`): in the corner with the
    fewest of the places' *spots* (page points, :func:`spots`) near it, when it covers none
    of them and fits; else beside the map, on its right, in as many columns as the map's
    height needs, the map's box narrowed to make room (frame the view again after). The
    legend drawn to measure is removed: :func:`draw_places` draws the key placed."""
    frame = _in_points(ax.get_window_extent(renderer), ax.figure.dpi)
    reach = 24.0  # labels need room around their places too
    x, y = spots[:, 0], spots[:, 1]

    def count(box: Box) -> int:
        return int(((box[0] <= x) & (x <= box[2]) & (box[1] <= y) & (y <= box[3])).sum())

    def box_of(placed: Key) -> Box:
        box = draw_legend(ax, placed, renderer)
        ax.get_legend().remove()
        return box

    best: tuple[int, Key, Box] | None = None
    for loc in LEGEND_CORNERS:
        corner = replace(key, loc=loc)
        box = box_of(corner)
        if best is None or count(grow(box, reach)) < best[0]:
            best = (count(grow(box, reach)), corner, box)
    assert best is not None
    _, corner, box = best
    fits = box[3] - box[1] <= 0.9 * (frame[3] - frame[1]) and (
        box[2] - box[0] <= 0.5 * (frame[2] - frame[0]))
    if fits and not count(grow(box, LEGEND_CLEARANCE)):
        return corner
    return _beside(ax, replace(key, loc=BESIDE), frame, box_of)


def _beside(ax: Axes, key: Key, frame: Box, box_of: Callable[[Key], Box]) -> Key:
    """*key* to the right of the map, its top at the map's top, in columns no taller than
    the map and together no wider than LEGEND_SHARE of the map's row (past what fits, a last
    line "+31 more"); the map's box is narrowed by the legend's width. Its title is kept only
    where it costs no entry and no width (a small page's layers come first)."""
    height, row_width = frame[3] - frame[1], frame[2] - frame[0]
    entries = len(key.labels)
    title, key = key.title, replace(key, title=None)

    def size(rows: int, columns: int = 1) -> tuple[float, float]:
        box = box_of(replace(key, rows=rows, columns=columns))
        return box[2] - box[0], box[3] - box[1]

    one, every = size(1)[1], size(entries)[1]
    row = (every - one) / max(entries - 1, 1)
    rows = entries if every <= height else max(1, 1 + int((height - one) / max(row, 1.0)))
    while rows > 1 and size(rows)[1] > height:
        rows -= 1
    columns = 1  # more columns while they fit the row
    while rows * columns < entries and size(rows, columns + 1)[0] <= LEGEND_SHARE * row_width:
        columns += 1
    width = size(rows, columns)[0]
    if title is not None and rows * columns >= entries:
        titled = box_of(replace(key, rows=rows, columns=columns, title=title))
        if titled[2] - titled[0] <= width and titled[3] - titled[1] <= height:
            key = replace(key, title=title)
    gap = STYLE.legend_size
    narrower = row_width - width - gap
    position = ax.get_position(original=True)
    ax.set_position((position.x0, position.y0, position.width * narrower / row_width,
                     position.height))
    return replace(key, rows=rows, columns=columns, anchor=1.0 + gap / narrower)


def _first(place: Place) -> float:
    """A place's first day for ordering; open starts first."""
    return -math.inf if place.first_day is None else place.first_day


def _names(
    dataset: Dataset,
    named: Sequence[int],
    anchors: NDArray[np.float64],
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
    spots = [(float(anchors[i][0]), float(anchors[i][1])) for i in indices]
    return [
        Name(
            spot,
            to_points(*spot),
            tuple(wrap(measure, dataset.places[i].name, STYLE.label_width)),
            dataset.layer(dataset.places[i].layer).color,
        )
        for i, spot in zip(indices, spots, strict=True)
    ]


def _draw_labels(
    ax: Axes,
    dataset: Dataset,
    named: Sequence[int],
    anchors: NDArray[np.float64],
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
