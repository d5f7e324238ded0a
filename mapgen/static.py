"""Static maps — PNG, SVG, PDF — for print and reports.

matplotlib draws the places (geopandas for lines and polygons) over the offline Natural Earth
basemap, so rendering never needs the network. The page is laid out in points: a header with
the title and the period, the map with its legend, an optional timeline strip, and the
attribution. Same input → same bytes (no dates in the files, fixed SVG ids, matplotlib's
default style whatever the user's matplotlibrc says), so rendered files can be committed.

matplotlib is imported inside functions only, so that `mapgen --help` stays fast.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapgen.defaults import VERSION
from mapgen.errors import OptionError
from mapgen.write import check_output, write_atomic

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.transforms import Transform
    from shapely.geometry.base import BaseGeometry

    from mapgen.dates import Span
    from mapgen.model import Dataset, Layer, Period, Place

FORMATS = ("png", "svg", "pdf")
DEFAULT_WIDTH = 1600  # pixels: 8 × 5 inches at 200 dpi, a page-wide figure in a report
DEFAULT_HEIGHT = 1000
DEFAULT_DPI = 200
TIMELINE_MAX_PLACES = 60  # beyond this a timeline strip is too dense to read

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in points from the figure's corner
Point = tuple[float, float]


@dataclass(frozen=True)
class Style:
    """Sizes in points and colours; one place to tune the look of every static map."""

    font: str = "DejaVu Sans"  # ships with matplotlib: the same text metrics everywhere
    margin: float = 8.0
    title_size: float = 12.0
    subtitle_size: float = 8.0
    label_size: float = 6.0
    label_width: float = 140.0  # wrap place names longer than this
    label_places: int = 8  # at most this many names at one spot, then "+ N more"
    legend_size: float = 7.0
    footer_size: float = 5.5
    lane: float = 7.0  # timeline row height
    sea: str = "#dde8f0"
    land: str = "#eeebe4"
    border: str = "#ffffff"
    text: str = "#222222"
    muted: str = "#666666"
    period: str = "#fff0b3"


STYLE = Style()
RC = {
    "font.family": STYLE.font,
    "svg.fonttype": "none",  # text stays text: searchable, selectable, testable
    "svg.hashsalt": "mapgen",  # fixed ids instead of random ones
    "pdf.fonttype": 42,  # TrueType: selectable text in the PDF
    "savefig.bbox": None,  # the page is exactly the size asked for
    "savefig.facecolor": "white",
}


def output_format(path: str | os.PathLike[str]) -> str:
    """The format a file name asks for by its suffix; a usage error for any other."""
    suffix = Path(path).suffix
    if suffix.lower().lstrip(".") not in FORMATS:
        problem = f"unknown output type {suffix!r}" if suffix else "no file type suffix"
        raise OptionError(f"{path}: {problem}; use .png, .svg or .pdf")
    return suffix.lower().lstrip(".")


def render(
    dataset: Dataset,
    path: str | os.PathLike[str],
    *,
    period: Period | None = None,
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
    dpi: int = DEFAULT_DPI,
    title: str | None = None,
    timeline: bool | None = None,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Draw *dataset* (already selected) as a PNG, SVG or PDF, chosen by the suffix of *path*,
    and write it atomically. *period* is what the map states and shades on the timeline;
    *width* × *height* pixels at *dpi* (SVG and PDF: that size in inches at *dpi*);
    *timeline* None means on for up to 60 places. *inputs* are refused as output paths."""
    target = check_output(path, (*inputs, *dataset.sources))
    fmt = output_format(target)
    data = render_bytes(
        dataset,
        fmt,
        period=period,
        width=width,
        height=height,
        dpi=dpi,
        title=title,
        timeline=timeline,
    )
    return write_atomic(target, data)


def render_bytes(
    dataset: Dataset,
    fmt: str = "png",
    *,
    period: Period | None = None,
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
    dpi: int = DEFAULT_DPI,
    title: str | None = None,
    timeline: bool | None = None,
) -> bytes:
    """The file's bytes: rendering happens in memory, so a failure never leaves a file."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from mapgen.model import Period

    if fmt not in FORMATS:
        raise OptionError(f"unknown static map format {fmt!r}; use one of {', '.join(FORMATS)}")
    for name, value, low in (("width", width, 100), ("height", height, 100), ("dpi", dpi, 10)):
        if not isinstance(value, int) or value < low:
            raise OptionError(f"{name} must be a whole number of at least {low}, not {value!r}")
    title = dataset.title if title is None else title
    period = period or dataset.period or Period()
    if timeline is None:
        timeline = len(dataset.places) <= TIMELINE_MAX_PLACES
    creator = f"mapgen {VERSION}"
    metadata: dict[str, dict[str, Any]] = {
        "png": {"Software": None, "Title": title},
        "svg": {"Date": None, "Creator": creator, "Title": title},
        "pdf": {"CreationDate": None, "Creator": creator, "Title": title},
    }
    with matplotlib.rc_context():
        matplotlib.rcdefaults()  # the user's matplotlibrc must not change the map
        matplotlib.rcParams.update(RC)
        # A hair over the size: w / dpi * dpi can come out as 1000.9999…, which a matplotlib
        # that truncates the pixel size would make 1000; a PNG must be exactly w × h.
        nudge = 1e-6 if fmt == "png" else 0.0
        fig = Figure(figsize=((width + nudge) / dpi, (height + nudge) / dpi), dpi=dpi)
        FigureCanvasAgg(fig)
        _draw(fig, dataset, period, title, timeline)
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata[fmt])
    return buffer.getvalue()


# --- page layout -----------------------------------------------------------------------------


def _draw(fig: Figure, dataset: Dataset, period: Period, title: str, timeline: bool) -> None:
    """Header, map, timeline and footer, stacked from the top of the page down."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    width, height = (float(v) * 72 for v in fig.get_size_inches())
    m = STYLE.margin
    inner = width - 2 * m

    title_lines = _wrap(partial(_width, renderer, size=STYLE.title_size, bold=True), title, inner)
    count = len(dataset.places)
    subtitle = f"{period.label() or 'All dates'} · {count} place{'' if count == 1 else 's'}"
    attribution = " · ".join(t for t in (dataset.attribution, _basemap_credit()) if t)
    footer_lines = _wrap(partial(_width, renderer, size=STYLE.footer_size), attribution, inner)

    y = height - m
    for line in title_lines:
        y -= STYLE.title_size * 1.2
        _text(fig, m, y, line, size=STYLE.title_size, weight="bold", color=STYLE.text)
    y -= STYLE.subtitle_size * 1.5
    _text(fig, m, y, subtitle, size=STYLE.subtitle_size, color=STYLE.muted)
    map_top = y - STYLE.subtitle_size * 0.8

    y = m
    for line in reversed(footer_lines):
        _text(fig, m, y, line, size=STYLE.footer_size, color=STYLE.muted)
        y += STYLE.footer_size * 1.3
    bottom = y + STYLE.footer_size * 0.5

    strip = (
        _layout_timeline(renderer, dataset, _timeline_bars(dataset), inner) if timeline else None
    )
    if strip is not None:
        bottom += STYLE.label_size * 2.2  # the year labels under the strip
        strip_height = min(strip.height, 0.35 * (map_top - bottom))
        axes = fig.add_axes(
            _fraction(fig, m + strip.left, bottom, inner - strip.left, strip_height)
        )
        _draw_timeline(axes, strip, period, renderer)
        bottom += strip_height + STYLE.subtitle_size * 1.2
    axes = fig.add_axes(_fraction(fig, m, bottom, inner, map_top - bottom))
    _draw_map(axes, dataset, renderer)


def _basemap_credit() -> str:
    from mapgen.basemap import ATTRIBUTION

    return ATTRIBUTION


def _fraction(fig: Figure, x: float, y: float, w: float, h: float) -> tuple[float, ...]:
    """A rectangle in points as figure fractions, for add_axes."""
    width, height = (float(v) * 72 for v in fig.get_size_inches())
    return (x / width, y / height, max(w, 1.0) / width, max(h, 1.0) / height)


def _text(fig: Figure, x: float, y: float, text: str, **style: Any) -> None:
    """Text on the page at (x, y) points; never read as mathtext ($ in a name stays $)."""
    width, height = (float(v) * 72 for v in fig.get_size_inches())
    fig.text(x / width, y / height, text, parse_math=False, va="baseline", **style)


def _width(renderer: RendererBase, text: str, size: float, bold: bool = False) -> float:
    """The width of *text* in points, as matplotlib will draw it."""
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(family=STYLE.font, size=size, weight="bold" if bold else "normal")
    w, _, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
    return float(w) * 72 / renderer.dpi  # type: ignore[attr-defined]


def _wrap(measure: Callable[[str], float], text: str, width: float) -> list[str]:
    """Greedy word wrap by *measure*d width (a word longer than *width* gets a line of its
    own)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        if measure(paragraph) <= width:  # most names: one measurement
            lines.append(paragraph.strip())
            continue
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}" if line else word
            if line and measure(trial) > width:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return [line for line in lines if line]


# --- the map ---------------------------------------------------------------------------------


def map_extent(
    bounds: tuple[float, float, float, float] | None, ratio: float
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


def _parts(geometry: BaseGeometry) -> list[BaseGeometry]:
    """Points, lines and polygons of a geometry, collections and Multi* flattened."""
    if hasattr(geometry, "geoms"):
        return [part for member in geometry.geoms for part in _parts(member)]
    return [] if geometry.is_empty else [geometry]


def _marker_size(rank: int) -> float:
    """Later layers get smaller markers, drawn on top: places at one spot stay visible."""
    return max(8.0 - 3.0 * rank, 4.0)


def _draw_map(ax: Axes, dataset: Dataset, renderer: RendererBase) -> None:
    from shapely.geometry import shape

    shapes = [shape(place.geometry) for place in dataset.places]
    anchors = [_anchor(s) for s in shapes]
    bounds = _bounds(shapes)
    box = ax.get_position().transformed(ax.figure.transFigure)
    xlim, ylim, aspect = map_extent(bounds, box.width / box.height)

    ax.set_facecolor(STYLE.sea)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.5)
        spine.set_edgecolor("#999999")
    _draw_basemap(ax, xlim, ylim)
    parts = _layer_parts(dataset, shapes)
    _draw_places(ax, dataset, parts)
    ax.set_xlabel("")  # geopandas names the axes; a map has no use for that
    ax.set_ylabel("")
    moves = _moves(dataset, anchors)
    _draw_moves(ax, moves)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect(aspect, adjustable="box", anchor="C")  # a no-op unless the world is too small
    ax.apply_aspect()

    to_points = _points_transform(ax)
    markers = [
        (to_points(point.x, point.y), _marker_size(rank))
        for rank, layer in enumerate(dataset.layers)
        for point in parts[layer.key]["point"]
    ]
    obstacles = [_square(xy, size + 2) for xy, size in markers]
    obstacles += [_arrowhead(to_points(*a), to_points(*b)) for a, b, _ in moves]
    frame = _box(ax.get_window_extent(renderer), ax.figure.dpi)
    if dataset.layers:
        obstacles.append(_draw_legend(ax, dataset, parts, renderer, [xy for xy, _ in markers]))
    _draw_labels(ax, dataset, anchors, to_points, obstacles, frame, renderer)


def _anchor(geometry: BaseGeometry) -> Point:
    """Where a place's label and movement arrows attach."""
    point = geometry if geometry.geom_type == "Point" else geometry.representative_point()
    return (point.x, point.y)


def _bounds(shapes: Sequence[BaseGeometry]) -> tuple[float, float, float, float] | None:
    boxes = [s.bounds for s in shapes if not s.is_empty]
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


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


KINDS = {"Point": "point", "LineString": "line", "LinearRing": "line", "Polygon": "polygon"}
Parts = dict[str, dict[str, list["BaseGeometry"]]]  # layer → kind → simple geometries


def _layer_parts(dataset: Dataset, shapes: Sequence[BaseGeometry]) -> Parts:
    """Each layer's points, lines and polygons, collections and Multi* flattened."""
    out: Parts = {
        layer.key: {kind: [] for kind in ("point", "line", "polygon")} for layer in dataset.layers
    }
    for place, geometry in zip(dataset.places, shapes, strict=True):
        for part in _parts(geometry):
            out[place.layer][KINDS[part.geom_type]].append(part)
    return out


def _draw_places(ax: Axes, dataset: Dataset, parts: Parts) -> None:
    """Polygons (tinted), lines, then point markers, one layer after the other."""
    import geopandas

    for rank, layer in enumerate(dataset.layers):
        mine = parts[layer.key]
        if mine["polygon"]:
            geopandas.GeoSeries(mine["polygon"]).plot(ax=ax, aspect=None, zorder=3, **_fill(layer))
        if mine["line"]:
            geopandas.GeoSeries(mine["line"]).plot(
                ax=ax, color=layer.color, linewidth=1.6, aspect=None, zorder=3
            )
        if mine["point"]:
            ax.plot(
                [p.x for p in mine["point"]],
                [p.y for p in mine["point"]],
                linestyle="none",
                zorder=6 + rank,
                **_marker(layer, rank),
            )


def _fill(layer: Layer) -> dict[str, Any]:
    """How a layer's polygons look, on the map and in the legend."""
    from matplotlib.colors import to_rgba

    return {"facecolor": to_rgba(layer.color, 0.22), "edgecolor": layer.color, "linewidth": 1.0}


def _marker(layer: Layer, rank: int) -> dict[str, Any]:
    """How a layer's points look, on the map and in the legend."""
    return {
        "marker": "o",
        "markersize": _marker_size(rank),
        "markerfacecolor": layer.color,
        "markeredgecolor": "white",
        "markeredgewidth": 0.8,
    }


BEND = 0.18  # arc3 curvature of movement arrows: a move and its return stay apart
SHRINK_END = 5.0  # points between an arrow's tip and the place it points to


def _moves(dataset: Dataset, anchors: Sequence[Point]) -> list[tuple[Point, Point, str]]:
    """(from, to, colour) in lon/lat of each move of a path layer between distinct spots."""
    from mapgen.paths import movements

    return [
        (anchors[m.origin], anchors[m.destination], dataset.layer(m.layer).color)
        for m in movements(dataset)
        if anchors[m.origin] != anchors[m.destination]
    ]


def _draw_moves(ax: Axes, moves: Sequence[tuple[Point, Point, str]]) -> None:
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
    return _square(middle, 9.0)


def _points_transform(ax: Axes) -> Any:
    """lon, lat → points from the figure's lower left corner."""
    scale = 72 / ax.figure.dpi

    def to_points(x: float, y: float) -> Point:
        px, py = ax.transData.transform((x, y))
        return (float(px) * scale, float(py) * scale)

    return to_points


def _box(bbox: Any, dpi: float) -> Box:
    """A matplotlib display Bbox (pixels) as a Box in points."""
    s = 72 / dpi
    return (bbox.x0 * s, bbox.y0 * s, bbox.x1 * s, bbox.y1 * s)


def _square(xy: Point, size: float) -> Box:
    return (xy[0] - size / 2, xy[1] - size / 2, xy[0] + size / 2, xy[1] + size / 2)


def _draw_legend(
    ax: Axes,
    dataset: Dataset,
    parts: Parts,
    renderer: RendererBase,
    points: Sequence[Point],
) -> Box:
    """The layers' colours and labels, in the corner with the fewest places near it; returns
    its box so that labels keep clear of it."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = []
    for rank, layer in enumerate(dataset.layers):
        kinds = parts[layer.key]
        if kinds["point"] or not (kinds["line"] or kinds["polygon"]):
            width = 1.1 if layer.path else 0.0  # a path layer: the line its arrows draw
            handles.append(
                Line2D([], [], color=layer.color, linewidth=width, **_marker(layer, rank))
            )
        elif kinds["line"]:
            handles.append(Line2D([], [], color=layer.color, linewidth=1.6))
        else:
            handles.append(Patch(**_fill(layer)))
    labels = [layer.label for layer in dataset.layers]
    legend = ax.legend(
        handles,
        labels,
        fontsize=STYLE.legend_size,
        framealpha=0.92,
        edgecolor="#bbbbbb",
        fancybox=False,
        handlelength=1.8,
    )
    legend.set_zorder(20)
    for text in legend.get_texts():
        text.set_parse_math(False)
    reach = 24.0  # labels need room around their places too
    best: tuple[int, str, Box] | None = None
    for loc in ("lower left", "upper left", "lower right", "upper right"):
        legend.set_loc(loc)
        box = _box(legend.get_window_extent(renderer), ax.figure.dpi)
        near = _grow(box, reach)
        crowd = sum(near[0] <= x <= near[2] and near[1] <= y <= near[3] for x, y in points)
        if best is None or crowd < best[0]:
            best = (crowd, loc, box)
    assert best is not None
    legend.set_loc(best[1])
    return best[2]


def _grow(box: Box, by: float) -> Box:
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)


# --- labels ----------------------------------------------------------------------------------

# Right first (text reads on from the place), then the other sides, as cartographers do; then
# positions slid along each side, for tall blocks in tight spots.
DIRECTIONS = (
    *((1, 0), (1, 1), (1, -1), (-1, 0), (-1, 1), (-1, -1), (0, 1), (0, -1)),
    *((1, 0.5), (1, -0.5), (-1, 0.5), (-1, -0.5), (0.5, 1), (-0.5, 1), (0.5, -1), (-0.5, -1)),
)
LEADER = 10.0  # points: a label further than this from its place gets a leader line


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(a: Box, frame: Box) -> bool:
    return frame[0] <= a[0] and frame[1] <= a[1] and a[2] <= frame[2] and a[3] <= frame[3]


def _nearest(box: Box, x: float, y: float) -> Point:
    """The point of *box* nearest to (x, y): where a leader line meets the label."""
    return (min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3]))


def _crosses(a: Point, b: Point, box: Box) -> bool:
    """Whether the segment a–b passes through *box* (Liang–Barsky clipping)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    low, high = 0.0, 1.0
    for p, q in (
        (-dx, a[0] - box[0]),
        (dx, box[2] - a[0]),
        (-dy, a[1] - box[1]),
        (dy, box[3] - a[1]),
    ):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        low, high = (max(low, t), high) if p < 0 else (low, min(high, t))
        if low > high:
            return False
    return True


def _candidates(
    x: float, y: float, w: float, h: float, gap: float, step: float, rings: int
) -> Iterator[Box]:
    """Boxes of size w × h around (x, y): the positions of DIRECTIONS next to it, then one
    *step* further out, and so on. A direction component of ±1 puts the box on that side,
    0 centres it, ±0.5 slides it half way past the centre."""
    for ring in range(rings):
        d = gap + ring * step
        for dx, dy in DIRECTIONS:
            left = x + d if dx == 1 else x - d - w if dx == -1 else x - w / 2 + dx * w
            low = y + d if dy == 1 else y - d - h if dy == -1 else y - h / 2 + dy * h
            yield (left, low, left + w, low + h)


def _cross(p: Point, q: Point, r: Point, s: Point) -> bool:
    """Whether segments p–q and r–s cross each other."""

    def turn(a: Point, b: Point, c: Point) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    return turn(r, s, p) * turn(r, s, q) < 0 and turn(p, q, r) * turn(p, q, s) < 0


class _Grid:
    """Items bucketed by the grid cells their boxes touch, so that a query looks at its
    neighbourhood only: a map may have thousands of places."""

    def __init__(self, cell: float = 32.0) -> None:
        self.cell = cell
        self.cells: dict[tuple[int, int], list[Any]] = {}

    def _keys(self, box: Box) -> Iterator[tuple[int, int]]:
        c = self.cell
        for i in range(math.floor(box[0] / c), math.floor(box[2] / c) + 1):
            for j in range(math.floor(box[1] / c), math.floor(box[3] / c) + 1):
                yield (i, j)

    def add(self, box: Box, item: Any) -> None:
        for key in self._keys(box):
            self.cells.setdefault(key, []).append(item)

    def near(self, box: Box) -> Iterator[Any]:
        """Items in the cells *box* touches (some more than once)."""
        for key in self._keys(box):
            yield from self.cells.get(key, ())


def _bbox(a: Point, b: Point) -> Box:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))


def place_labels(
    anchors: Sequence[Point],
    sizes: Sequence[tuple[float, float]],
    obstacles: Iterable[Box],
    frame: Box,
    *,
    gap: float = 5.0,  # half the biggest marker, and a point to spare
    step: float = 4.0,
    rings: int = 24,
) -> list[Box | None]:
    """Greedy label placement: each label, in the order given, takes the first candidate
    position (see :func:`_candidates`) inside *frame* that overlaps no obstacle and no label
    placed before it, whose leader line (if it needs one) crosses no placed label or leader,
    and that covers no earlier leader line. Preferred among those: a position nearer its own
    anchor than any other anchor, so that no label seems to name a neighbour. A label that
    fits nowhere gets None."""
    taken, labels, leaders, points = _Grid(), _Grid(), _Grid(), _Grid()
    for box in obstacles:
        taken.add(box, box)
    for index, (x, y) in enumerate(anchors):
        points.add((x, y, x, y), index)
    placed: list[Box | None] = []
    for index, ((x, y), (w, h)) in enumerate(zip(anchors, sizes, strict=True)):
        choice: tuple[Box, tuple[Point, Point] | None] | None = None
        for box in _candidates(x, y, w, h, gap, step, rings):
            if not _inside(box, frame) or any(_overlaps(box, t) for t in taken.near(box)):
                continue
            if any(_crosses(a, b, box) for a, b in leaders.near(box)):
                continue
            end = _nearest(box, x, y)
            reach = math.dist((x, y), end)
            leader = ((x, y), end) if reach > LEADER else None
            if leader and (
                any(_crosses(*leader, other) for other in labels.near(_bbox(*leader)))
                or any(_cross(*leader, *other) for other in leaders.near(_bbox(*leader)))
            ):
                continue
            if not any(
                i != index and math.dist(anchors[i], _nearest(box, *anchors[i])) <= reach
                for i in points.near(_grow(box, reach))
            ):
                choice = (box, leader)
                break
            choice = choice or (box, leader)
        if choice is not None:
            box, leader = choice
            taken.add(box, box)
            labels.add(box, box)
            if leader:
                leaders.add(_bbox(*leader), leader)
        placed.append(choice[0] if choice else None)
    return placed


@dataclass(frozen=True)
class _Label:
    """The names of the places at one spot, one or more lines each, in layer colours."""

    anchor: Point  # lon, lat
    at: Point  # points from the figure's corner
    lines: tuple[tuple[str, str], ...]  # (text, colour)
    places: int


def _labels(
    dataset: Dataset,
    anchors: Sequence[Point],
    to_points: Any,
    names: Mapping[str, list[str]],
    radius: float,
) -> list[_Label]:
    """Places within *radius* points of each other share one label block: the default
    dataset has five places in Tehran and two spellings of Paris."""
    order = {layer.key: rank for rank, layer in enumerate(dataset.layers)}
    indices = sorted(
        range(len(dataset.places)),
        key=lambda i: (order[dataset.places[i].layer], _first(dataset.places[i]), i),
    )
    groups: list[tuple[Point, Point, list[Place]]] = []
    for i in indices:
        at = to_points(*anchors[i])
        group = next((g for g in groups if math.dist(g[1], at) <= radius), None)
        if group is None:
            groups.append((anchors[i], at, [dataset.places[i]]))
        else:
            group[2].append(dataset.places[i])
    labels = []
    for anchor, at, places in groups:
        shown = places[: STYLE.label_places]
        lines = [
            (line, dataset.layer(place.layer).color) for place in shown for line in names[place.id]
        ]
        if len(places) > len(shown):
            lines.append((f"+ {len(places) - len(shown)} more", STYLE.muted))
        labels.append(_Label(anchor, at, tuple(lines), len(places)))
    return labels


def _first(place: Place) -> float:
    """A place's first day for ordering; open starts first."""
    return -math.inf if place.first_day is None else place.first_day


def _draw_labels(
    ax: Axes,
    dataset: Dataset,
    anchors: Sequence[Point],
    to_points: Any,
    obstacles: list[Box],
    frame: Box,
    renderer: RendererBase,
) -> None:
    """Label blocks on a white backing, placed by :func:`place_labels`, biggest first (they
    are the hardest to fit); a thin leader line joins a block set further out to its place.
    When some do not fit, places a little further apart are grouped too and placing starts
    again: one block naming three nearby places beats three names left out."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    pad, leading = 1.5, STYLE.label_size * 1.25
    frame = _grow(frame, -2.0)
    width = cache(partial(_width, renderer, size=STYLE.label_size))  # each text measured once
    names = {p.id: _wrap(width, p.name, STYLE.label_width) for p in dataset.places}

    best: tuple[int, list[_Label], list[Box | None]] | None = None
    for radius in (4.0, 8.0, 16.0):
        labels = sorted(
            _labels(dataset, anchors, to_points, names, radius), key=lambda b: -len(b.lines)
        )
        sizes = [
            (
                max(width(text) for text, _ in label.lines) + 2 * pad,
                len(label.lines) * leading + 2 * pad,
            )
            for label in labels
        ]
        boxes = place_labels([label.at for label in labels], sizes, obstacles, frame)
        left_out = sum(label.places for label, box in zip(labels, boxes, strict=True) if not box)
        if best is None or left_out < best[0]:
            best = (left_out, labels, boxes)
        if not left_out:
            break
    assert best is not None
    for label, box in zip(best[1], best[2], strict=True):
        if box is None:
            continue
        offset = _offset_transform(ax, label.anchor)
        x0, y0, x1, y1 = (v - label.at[i % 2] for i, v in enumerate(box))
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
        for n, (text, color) in enumerate(label.lines):
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
        nx, ny = _nearest((x0, y0, x1, y1), 0.0, 0.0)
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


# --- the timeline ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Bar:
    layer: Layer
    place: Place
    span: Span


@dataclass(frozen=True)
class _Strip:
    """The timeline's geometry: bars with their lanes, the time range in days, and the room
    it needs (left: for the layer labels)."""

    bars: tuple[tuple[_Bar, int], ...]  # bar, row from the top
    rows: int
    groups: tuple[tuple[Layer, int, int], ...]  # layer, first row, last row
    lo: float
    hi: float
    days_per_point: float
    left: float
    height: float


def _timeline_bars(dataset: Dataset) -> list[_Bar]:
    return [
        _Bar(layer, place, span)
        for layer in dataset.layers
        for place in dataset.places
        if place.layer == layer.key
        for span in place.spans
    ]


def _time_range(bars: Sequence[_Bar]) -> tuple[float, float] | None:
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
    pad = max(0.03 * (hi - lo), 200)
    return lo - pad, hi + pad


def _extent(bar: _Bar, lo: float, hi: float, min_days: float) -> tuple[float, float]:
    """The days a bar covers on the strip: open ends run to the edges, a single day gets a
    visible width."""
    s = bar.span
    start = lo if s.start_wide is None else s.start_wide
    end = hi if s.end_wide is None else s.end_wide + 1
    if end - start < min_days:
        middle = (start + end) / 2
        start, end = middle - min_days / 2, middle + min_days / 2
    return start, end


def _layout_timeline(
    renderer: RendererBase, dataset: Dataset, bars: Sequence[_Bar], width: float
) -> _Strip | None:
    """Pack each layer's bars into as few rows as possible (first row free at a bar's start);
    None when no span has a known date to place it by."""
    span = _time_range(bars)
    if span is None:
        return None
    lo, hi = span
    left = max(_width(renderer, layer.label, STYLE.label_size) for layer in dataset.layers) + 6
    days_per_point = (hi - lo) / max(width - left, 1.0)
    min_days, gap = 3 * days_per_point, 1.5 * days_per_point
    placed: list[tuple[_Bar, int]] = []
    groups: list[tuple[Layer, int, int]] = []
    row0 = 0
    for layer in dataset.layers:
        mine = sorted(
            (b for b in bars if b.layer.key == layer.key),
            key=lambda b: _extent(b, lo, hi, min_days),
        )
        ends: list[float] = []
        for bar in mine:
            start, end = _extent(bar, lo, hi, min_days)
            row = next((r for r, e in enumerate(ends) if e + gap <= start), len(ends))
            if row == len(ends):
                ends.append(end)
            ends[row] = end
            placed.append((bar, row0 + row))
        if ends:
            groups.append((layer, row0, row0 + len(ends) - 1))
            row0 += len(ends)
    height = row0 * STYLE.lane
    return _Strip(tuple(placed), row0, tuple(groups), lo, hi, days_per_point, left, height)


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
        (days_from_civil(y, 1, 1), str(y) if y > 0 else f"{1 - y} BCE")
        for y in range(first, last + 1)
        if (y if y > 0 else 1 - y) % step == 0
    ]
    return [(d, text) for d, text in ticks if lo <= d <= hi]


def _draw_timeline(ax: Axes, strip: _Strip, period: Period, renderer: RendererBase) -> None:
    """One bar per span in its layer's colour; fuzzy ends faded, open ends run to the edge
    with an arrow, the period asked for shaded."""
    from matplotlib.patches import Rectangle

    lo, hi = strip.lo, strip.hi
    rows = max(strip.rows, 1)
    ax.set_xlim(lo, hi)
    ax.set_ylim(rows, 0)
    days_per_point = strip.days_per_point
    min_days = 3 * days_per_point
    size = STYLE.label_size - 1
    if not period.unbounded:
        start = lo if period.start is None else period.start
        end = hi if period.end is None else period.end + 1
        ax.axvspan(start, end, color=STYLE.period, zorder=0, linewidth=0)
    for bar, row in strip.bars:
        s, color = bar.span, bar.layer.color
        start, end = _extent(bar, lo, hi, min_days)
        core = (
            start if s.start_narrow is None else max(s.start_narrow, start),
            end if s.end_narrow is None else min(s.end_narrow + 1, end),
        )
        if core[1] - core[0] < min_days:
            core = (start, end)
        for a, b, alpha in ((start, core[0], 0.3), (core[0], core[1], 1.0), (core[1], end, 0.3)):
            if b > a:
                ax.add_patch(
                    Rectangle(
                        (a, row + 0.15), b - a, 0.7, facecolor=color, alpha=alpha, linewidth=0
                    )
                )
        for open_end, x, marker in ((s.start_wide is None, lo, "<"), (s.end_wide is None, hi, ">")):
            if open_end:
                ax.plot([x], [row + 0.5], marker=marker, markersize=4, color=color, clip_on=False)
        short = _short_name(bar.place.name)
        if (core[1] - core[0]) / days_per_point > _width(renderer, short, size) + 4:
            ax.text(
                core[0] + 2 * days_per_point,
                row + 0.5,
                short,
                fontsize=size,
                color="white",
                va="center_baseline",
                parse_math=False,
            )
    ax.set_yticks([(a + b + 1) / 2 for _, a, b in strip.groups])
    ax.set_yticklabels([layer.label for layer, _, _ in strip.groups], fontsize=STYLE.label_size)
    for tick, (layer, _, _) in zip(ax.get_yticklabels(), strip.groups, strict=True):
        tick.set_color(layer.color)
        tick.set_parse_math(False)
    for _, first, _ in strip.groups[1:]:
        ax.axhline(first, color="#dddddd", linewidth=0.5)
    ticks = year_ticks(lo, hi)
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
