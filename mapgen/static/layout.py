"""The page of a static map, laid out in points from the top down: the title and the period
stated under it, then (from the bottom up) the attribution and the timeline strip, and the
map in the room left between them.

Fixed text is placed first because its height depends on how it wraps at the page width;
the map takes whatever is left, so a long title never pushes anything off the page.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from mapgen.static.mapview import draw_map
from mapgen.static.style import STYLE, say, text_width, wrap
from mapgen.static.timeline import draw_timeline, layout_timeline, timeline_bars

if TYPE_CHECKING:
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure

    from mapgen.model import Dataset, Period


def draw_page(
    fig: Figure, dataset: Dataset, period: Period, title: str, timeline: bool, today: int
) -> None:
    """Header, map, timeline (open ends run to the day number *today*) and footer, stacked
    from the top of the page down."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    width, height = _page_size(fig)
    m = STYLE.margin
    inner = width - 2 * m
    map_top = _draw_header(fig, renderer, dataset, period, title, top=height - m, width=inner)
    bottom = _draw_footer(fig, renderer, dataset, width=inner) + STYLE.footer_size * 0.5

    strip = (
        layout_timeline(renderer, dataset, timeline_bars(dataset), inner, today)
        if timeline
        else None
    )
    if strip is not None:
        bottom += STYLE.label_size * 2.2  # the year labels under the strip
        strip_height = min(strip.height, 0.35 * (map_top - bottom))
        axes = fig.add_axes(
            _fraction(fig, m + strip.left, bottom, inner - strip.left, strip_height)
        )
        draw_timeline(axes, strip, period, renderer)
        bottom += strip_height + STYLE.subtitle_size * 1.2
    axes = fig.add_axes(_fraction(fig, m, bottom, inner, map_top - bottom))
    draw_map(axes, dataset, renderer)


def _draw_header(
    fig: Figure,
    renderer: RendererBase,
    dataset: Dataset,
    period: Period,
    title: str,
    *,
    top: float,
    width: float,
) -> float:
    """The title, wrapped, and under it the period and the count of places; returns where
    the map's top may be."""
    measure = partial(text_width, renderer, size=STYLE.title_size, bold=True)
    count = len(dataset.places)
    words = say()
    subtitle = words.pgettext("static map", "{period} · {places}",
                              period=period.label(words.code) or words.gettext("All dates"),
                              places=words.ngettext("{n} place", "{n} places", count))
    y = top
    for line in wrap(measure, title, width):
        y -= STYLE.title_size * 1.2
        _text(fig, STYLE.margin, y, line, size=STYLE.title_size, weight="bold", color=STYLE.text)
    y -= STYLE.subtitle_size * 1.5
    _text(fig, STYLE.margin, y, subtitle, size=STYLE.subtitle_size, color=STYLE.muted)
    return y - STYLE.subtitle_size * 0.8


def _draw_footer(fig: Figure, renderer: RendererBase, dataset: Dataset, *, width: float) -> float:
    """The data's attribution and the basemap's, wrapped, from the bottom margin up; returns
    the height the footer reaches."""
    from mapgen.basemap import ATTRIBUTION

    basemap = say().pgettext("attribution", ATTRIBUTION)
    attribution = " · ".join(t for t in (dataset.attribution, basemap) if t)
    measure = partial(text_width, renderer, size=STYLE.footer_size)
    y = STYLE.margin
    for line in reversed(wrap(measure, attribution, width)):
        _text(fig, STYLE.margin, y, line, size=STYLE.footer_size, color=STYLE.muted)
        y += STYLE.footer_size * 1.3
    return y


def _page_size(fig: Figure) -> tuple[float, float]:
    """The page's width and height in points."""
    width, height = (float(v) * 72 for v in fig.get_size_inches())
    return width, height


def _fraction(fig: Figure, x: float, y: float, w: float, h: float) -> tuple[float, ...]:
    """A rectangle in points as figure fractions, for add_axes."""
    width, height = _page_size(fig)
    return (x / width, y / height, max(w, 1.0) / width, max(h, 1.0) / height)


def _text(fig: Figure, x: float, y: float, text: str, **style: Any) -> None:
    """Text on the page at (x, y) points; never read as mathtext ($ in a name stays $). In a
    right-to-left language the page's text starts at its right margin instead."""
    width, height = _page_size(fig)
    if say().direction == "rtl":
        x, style = width - x, {**style, "ha": "right"}
    fig.text(x / width, y / height, text, parse_math=False, va="baseline", **style)
