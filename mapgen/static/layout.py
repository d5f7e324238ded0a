"""The page of a static map, laid out in points from the top down: the title and the period
stated under it, then (from the bottom up) the attribution and the timeline strip, and the
map in the room left between them.

Fixed text is placed first because its height depends on how it wraps at the page width;
the map takes whatever is left, so a long title never pushes anything off the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from mapgen.static.mapview import draw_map
from mapgen.static.style import STYLE, say, text_width, wrap
from mapgen.static.timeline import Strip, draw_timeline, layout_timeline, timeline_bars

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    from mapgen.model import Dataset, Period


@dataclass(frozen=True)
class Page:
    """A laid-out page: the axes its map and its timeline strip are drawn into, and the
    subtitle under the title (an animation restates it on every frame)."""

    renderer: RendererBase
    map_axes: Axes
    subtitle: Text
    strip: Strip | None = None
    strip_axes: Axes | None = None


def draw_page(
    fig: Figure, dataset: Dataset, period: Period, title: str, timeline: bool, today: int
) -> None:
    """Header, map, timeline (open ends run to the day number *today*) and footer, stacked
    from the top of the page down."""
    page = lay_out(fig, dataset, title, subtitle(period, len(dataset.places)),
                   timeline=timeline, today=today)
    if page.strip is not None and page.strip_axes is not None:
        draw_timeline(page.strip_axes, page.strip, period, page.renderer)
    draw_map(page.map_axes, dataset, page.renderer)


def subtitle(period: Period, count: int) -> str:
    """What the line under the title says: the period in words and how many places show, in
    the language the map speaks."""
    words = say()
    return words.pgettext("static map", "{period} · {places}",
                          period=period.label(words.code) or words.gettext("All dates"),
                          places=words.ngettext("{n} place", "{n} places", count))


def lay_out(
    fig: Figure, dataset: Dataset, title: str, under: str, *, timeline: bool, today: int
) -> Page:
    """The page's header (*title*, and *under* it the subtitle) and footer drawn, and the
    axes of the timeline strip (of *dataset*'s spans, when *timeline*) and of the map made
    in the room left between them."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    width, height = page_size(fig)
    m = STYLE.margin
    inner = width - 2 * m
    map_top, line = draw_header(fig, renderer, title, under, top=height - m, width=inner)
    bottom = draw_footer(fig, renderer, dataset, width=inner) + STYLE.footer_size * 0.5

    strip = (
        layout_timeline(renderer, dataset, timeline_bars(dataset), inner, today)
        if timeline
        else None
    )
    strip_axes = None
    if strip is not None:
        bottom += STYLE.label_size * 2.2  # the year labels under the strip
        strip_height = min(strip.height, 0.35 * (map_top - bottom))
        strip_axes = fig.add_axes(
            fraction(fig, m + strip.left, bottom, inner - strip.left, strip_height)
        )
        bottom += strip_height + STYLE.subtitle_size * 1.2
    axes = fig.add_axes(fraction(fig, m, bottom, inner, map_top - bottom))
    return Page(renderer, axes, line, strip, strip_axes)


def draw_header(
    fig: Figure,
    renderer: RendererBase,
    title: str,
    under: str,
    *,
    top: float,
    width: float,
) -> tuple[float, Text]:
    """The title, wrapped, and *under* it the subtitle (the period and the count of places);
    returns where the map's top may be, and the subtitle."""
    measure = partial(text_width, renderer, size=STYLE.title_size, bold=True)
    y = top
    for line in wrap(measure, title, width):
        y -= STYLE.title_size * 1.2
        text(fig, STYLE.margin, y, line, size=STYLE.title_size, weight="bold", color=STYLE.text)
    y -= STYLE.subtitle_size * 1.5
    line = text(fig, STYLE.margin, y, under, size=STYLE.subtitle_size, color=STYLE.muted)
    return y - STYLE.subtitle_size * 0.8, line


def draw_footer(fig: Figure, renderer: RendererBase, dataset: Dataset, *, width: float) -> float:
    """The data's attribution and the basemap's, wrapped, from the bottom margin up; returns
    the height the footer reaches."""
    from mapgen.basemap import ATTRIBUTION

    basemap = say().pgettext("attribution", ATTRIBUTION)
    attribution = " · ".join(t for t in (dataset.attribution, basemap) if t)
    measure = partial(text_width, renderer, size=STYLE.footer_size)
    y = STYLE.margin
    for line in reversed(wrap(measure, attribution, width)):
        text(fig, STYLE.margin, y, line, size=STYLE.footer_size, color=STYLE.muted)
        y += STYLE.footer_size * 1.3
    return y


def page_size(fig: Figure) -> tuple[float, float]:
    """The page's width and height in points."""
    width, height = (float(v) * 72 for v in fig.get_size_inches())
    return width, height


def fraction(fig: Figure, x: float, y: float, w: float, h: float) -> tuple[float, ...]:
    """A rectangle in points as figure fractions, for add_axes."""
    width, height = page_size(fig)
    return (x / width, y / height, max(w, 1.0) / width, max(h, 1.0) / height)


def text(fig: Figure, x: float, y: float, words: str, **style: Any) -> Text:
    """Text on the page at (x, y) points; never read as mathtext ($ in a name stays $). In a
    right-to-left language the page's text starts at its right margin instead (x from the
    right edge)."""
    width, height = page_size(fig)
    if say().direction == "rtl":
        x, style = width - x, {**style, "ha": "right"}
    return fig.text(x / width, y / height, words, parse_math=False, va="baseline", **style)
