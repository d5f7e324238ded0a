"""A story on paper: one page per step, each with the map of that step's period, layers and
view (its highlighted places ringed), the legend, and the step's heading and caption beside
the map (a landscape page) or below it (a portrait one). A PDF holds every page; a PNG or
SVG output is one file a step, ``story-01.png``, ``story-02.png``…"""

from __future__ import annotations

import io
import math
import os
import warnings
from collections.abc import Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from mapgen.errors import MapgenWarning
from mapgen.filter import select
from mapgen.geometry import Bounds, places_bounds
from mapgen.language import check_language
from mapgen.static import (
    DEFAULT_DPI,
    DEFAULT_HEIGHT,
    DEFAULT_WIDTH,
    check_page,
    house_style,
    metadata,
    new_figure,
    output_format,
)
from mapgen.static.layout import draw_footer, draw_header, fraction, page_size, text
from mapgen.static.mapview import draw_map
from mapgen.static.style import STYLE, say, text_width, wrap
from mapgen.story import Step, Story, load_story
from mapgen.story.caption import plain_text
from mapgen.write import check_output, write_atomic

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from mapgen.model import Dataset

CSS_PIXELS_PER_INCH = 96  # how a browser sizes a view: a step's zoom means the same here
TILE = 256  # Web Mercator: the world is 256 × 2^zoom CSS pixels wide
HEADING_SIZE = 10.0
CAPTION_SIZES = (7.5, 7.0, 6.5, 6.0)  # points: the largest the caption fits in
SIDE = 0.36  # of a landscape page's width: the caption's column


def render_story(
    dataset: Dataset,
    story: str | os.PathLike[str] | Story,
    path: str | os.PathLike[str],
    *,
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
    dpi: int = DEFAULT_DPI,
    title: str | None = None,
    strict: bool = False,
    inputs: Iterable[str | os.PathLike[str]] = (),
    lang: str = "en",
) -> list[Path]:
    """Draw *story* (a file, or a loaded Story) over *dataset*, a page a step: one PDF of
    every page, or a PNG or SVG a step (``name-01.png``…), chosen by the suffix of *path*.
    *title* replaces the story's own. Every page is drawn before any file is written;
    *inputs* are refused as outputs. Its words and names are *lang*'s."""
    story = load_story(story, dataset, strict=strict)
    if title is not None:
        story = replace(story, title=title)
    target = check_output(path, (*inputs, *dataset.sources))
    fmt = output_format(target)
    pages = story_bytes(dataset.in_language(check_language(lang)), story, fmt, width=width,
                        height=height, dpi=dpi, lang=lang)
    if fmt == "pdf":
        return [write_atomic(target, pages[0])]
    digits = max(2, len(str(len(pages))))
    targets = [
        check_output(target.with_name(f"{target.stem}-{n:0{digits}d}{target.suffix}"),
                     (*inputs, *dataset.sources))
        for n in range(1, len(pages) + 1)
    ]
    return [write_atomic(where, data) for where, data in zip(targets, pages, strict=True)]


def story_bytes(
    dataset: Dataset, story: Story, fmt: str, *, width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT, dpi: int = DEFAULT_DPI, lang: str = "en",
) -> list[bytes]:
    """The files' bytes: one PDF of every step, or one PNG or SVG a step, in *lang*."""
    check_page(fmt, width, height, dpi)
    out: list[bytes] = []
    with house_style(lang):
        if fmt == "pdf":
            from matplotlib.backends.backend_pdf import PdfPages

            buffer = io.BytesIO()
            with PdfPages(buffer, metadata=metadata("pdf", story.title)) as pdf:
                for number in range(len(story.steps)):
                    fig = new_figure(fmt, width, height, dpi)
                    draw_step(fig, dataset, story, number)
                    pdf.savefig(fig)
            return [buffer.getvalue()]
        for number in range(len(story.steps)):
            fig = new_figure(fmt, width, height, dpi)
            draw_step(fig, dataset, story, number)
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, dpi=dpi,
                        metadata=metadata(fmt, f"{story.title} ({number + 1})"))
            out.append(buffer.getvalue())
    return out


def draw_step(fig: Figure, dataset: Dataset, story: Story, number: int) -> None:
    """Step *number* (from 0) on one page: the story's title and where the step is in it,
    the map, the step's heading and caption, the attribution."""
    step = story.steps[number]
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    width, height = page_size(fig)
    m = STYLE.margin
    inner = width - 2 * m
    shown = select(dataset, step.period, step.layers, keep_undated=True)
    count = len(shown.places)
    words = say()
    facts = [words.gettext("Step {n} of {of}", n=words.number(number + 1),
                           of=words.number(len(story.steps))),
             step.period.label(words.code) or words.gettext("All dates"),
             words.ngettext("{n} place", "{n} places", count)]
    if story.author:
        facts.append(story.author)
    top, _ = draw_header(fig, renderer, story.title, " · ".join(facts), top=height - m,
                         width=inner)
    bottom = draw_footer(fig, renderer, dataset, width=inner) + STYLE.footer_size * 0.5
    landscape = width >= height
    if landscape:
        column = inner * SIDE
        map_box = (m, bottom, inner - column - m, top - bottom)
        text_box = (m + inner - column, bottom, column, top - bottom)
    else:
        text_height = (top - bottom) * 0.38
        map_box = (m, bottom + text_height + m, inner, top - bottom - text_height - m)
        text_box = (m, bottom, inner, text_height)
    axes = fig.add_axes(fraction(fig, *map_box))
    draw_map(axes, shown, renderer, _bounds(dataset, step, map_box[2] / 72))
    _rings(axes, shown, step)
    _caption(fig, renderer, step, text_box)


def _bounds(dataset: Dataset, step: Step, inches: float) -> Bounds | None:
    """What the step frames: its own view (a Web Mercator zoom on a map *inches* wide, as a
    browser would show it), else its places; None: every place it shows."""
    if step.view is not None:
        lat, lon, zoom = step.view
        half = 360 / 2**zoom * inches * CSS_PIXELS_PER_INCH / TILE / 2
        tall = half / max(math.cos(math.radians(lat)), 0.1)
        return (lon - half, max(lat - tall, -85.0), lon + half, min(lat + tall, 85.0))
    rows = [n for n, place_id in enumerate(dataset.places.ids) if place_id in step.framed]
    return places_bounds(dataset.places.take(rows)) if rows else None


def _rings(axes: object, shown: Dataset, step: Step) -> None:
    """A ring around each highlighted place the step shows, in its layer's colour."""
    places = shown.places
    for row, place_id in enumerate(places.ids):
        if place_id not in step.highlight:
            continue
        lon, lat = places.lons[row], places.lats[row]
        if lon is None or lat is None:
            bounds = places_bounds(places.take([row]))
            if bounds is None:
                continue
            lon, lat = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
        axes.plot([lon], [lat], marker="o", markersize=15, markerfacecolor="none",  # type: ignore[attr-defined]
                  markeredgecolor=shown.layer(places.layers[row]).color, markeredgewidth=1.8,
                  linestyle="none", zorder=30)


def _caption(fig: Figure, renderer: object, step: Step, box: tuple[float, ...]) -> None:
    """The step's heading (bold) and caption as text in *box* (x, y, width, height in
    points), wrapped, in the largest of CAPTION_SIZES that fits; what still does not fit is
    cut with an ellipsis, and said."""
    x, bottom, width, height = box
    pad = STYLE.margin
    y = bottom + height
    heading = wrap(partial(text_width, renderer, size=HEADING_SIZE, bold=True), step.title,
                   width - pad)
    for line in heading:
        y -= HEADING_SIZE * 1.25
        text(fig, x + pad / 2, y, line, size=HEADING_SIZE, weight="bold", color=STYLE.text)
    paragraphs = plain_text(list(step.caption)).split("\n")
    for size in CAPTION_SIZES:
        measure = partial(text_width, renderer, size=size)
        lines = [line for paragraph in paragraphs
                 for line in [*wrap(measure, paragraph, width - pad), ""]][:-1]
        room = int((y - size * 0.6 - bottom) // (size * 1.4))
        if len(lines) <= room:
            break
    else:
        warnings.warn(f"{step.where}: the caption is longer than the page has room for: cut "
                      f"after {max(room - 1, 0)} lines", MapgenWarning, stacklevel=4)
        lines = [*lines[: max(room - 1, 0)], "…"]
    y -= size * 0.6
    for line in lines:
        y -= size * 1.4
        if line:
            text(fig, x + pad / 2, y, line, size=size, color=STYLE.text)
