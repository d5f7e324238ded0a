"""Static maps — PNG, SVG, PDF — for print and reports.

matplotlib draws the places (geopandas for lines and polygons) over the offline Natural Earth
basemap, so rendering never needs the network. The page is laid out in points: a header with
the title and the period, the map with its legend, an optional timeline strip, and the
attribution. Same input → same bytes (no dates in the files, fixed SVG ids, matplotlib's
default style whatever the user's matplotlibrc says), so rendered files can be committed.

The package: this module is the API; `layout` lays out the page, `mapview` draws the map
and its legend, `labels` places names (pure geometry), `timeline` draws the strip, `style`
holds the look. matplotlib is imported inside functions only, so that `mapgen --help` stays
fast.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapgen.dates import today_number
from mapgen.defaults import VERSION
from mapgen.errors import OptionError
from mapgen.static.style import house_style, new_figure
from mapgen.static.timeline import TIMELINE_MAX_PLACES
from mapgen.write import check_output, write_atomic

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from mapgen.model import Dataset, Period
    from mapgen.static.animate import Progress

__all__ = [
    "DEFAULT_DPI",
    "DEFAULT_HEIGHT",
    "DEFAULT_WIDTH",
    "FORMATS",
    "TIMELINE_MAX_PLACES",
    "VIDEO_FORMATS",
    "check_page",
    "house_style",
    "metadata",
    "new_figure",
    "output_format",
    "render",
    "render_bytes",
]

FORMATS = ("png", "svg", "pdf")
VIDEO_FORMATS = ("mp4", "webm", "gif")  # mapgen render --animate
DEFAULT_WIDTH = 1600  # pixels: 8 × 5 inches at 200 dpi, a page-wide figure in a report
DEFAULT_HEIGHT = 1000
VIDEO_WIDTH = 1280  # an animation's: HD video, 16:9
VIDEO_HEIGHT = 720
DEFAULT_DPI = 200


def output_format(path: str | os.PathLike[str], *, animate: bool = False) -> str:
    """The format a file name asks for by its suffix: .png, .svg or .pdf for a map or a grid,
    .mp4, .webm or .gif for an animation; a usage error for any other, or for the wrong
    kind."""
    suffix = Path(path).suffix
    fmt = suffix.lower().lstrip(".")
    wanted, other = (VIDEO_FORMATS, FORMATS) if animate else (FORMATS, VIDEO_FORMATS)
    if fmt in wanted:
        return fmt
    names = ", ".join(f".{f}" for f in wanted[:-1]) + f" or .{wanted[-1]}"
    if fmt in other and animate:
        raise OptionError.naming(
            "{path}: {animate} writes an animation: {names}, not '{suffix}'",
            path=str(path), names=names, suffix=suffix,
        )
    if fmt in other:
        raise OptionError.naming(
            "{path}: '{suffix}' is an animation: add {animate} (a still map is {names})",
            path=str(path), suffix=suffix, names=names,
        )
    problem = f"unknown output type {suffix!r}" if suffix else "no file type suffix"
    raise OptionError(f"{path}: {problem}; use {names}")


def render(
    dataset: Dataset,
    path: str | os.PathLike[str],
    *,
    period: Period | None = None,
    periods: Sequence[Period | str] | None = None,
    split: str | None = None,
    animate: bool = False,
    step: str | None = None,
    window: str | None = None,
    fps: int | None = None,
    width: int | None = None,
    height: int | None = None,
    dpi: int = DEFAULT_DPI,
    title: str | None = None,
    timeline: bool | None = None,
    strict: bool = False,
    keep_undated: bool = False,
    inputs: Iterable[str | os.PathLike[str]] = (),
    today: int | None = None,
    progress: Progress | None = None,
    lang: str = "en",
) -> Path:
    """Draw *dataset* as a PNG, SVG or PDF — one map, or a grid of maps — or as an MP4, WebM
    or GIF animation, chosen by the suffix of *path*, and write it atomically.

    - One map (the default): *dataset* as it is (already selected); *period* is what the map
      states and shades on the timeline (None: the period *dataset* was selected for).
    - A grid: one panel per period of *periods* (`Period`s, or texts such as "1981/1986",
      "2003/..", "1986" or a period the dataset names), or of *split* ("decade": every
      decade the data touches; "period": its named periods), all at one extent and scale.
    - An animation (*animate*): a frame per *step* ("day", "month", "year", "decade"; None:
      chosen from the extent) through *period* (None: the data's extent), each showing its
      step (*window* "instant" or None) or a trailing *window* ("10 years"), at *fps*
      frames a second (None: about 20 s in all). *progress* wraps the list of frames.

    A grid's panels and an animation's frames show the places with a span in their period,
    undated ones only with *keep_undated*; periods are read strictly with *strict*. *width* ×
    *height* pixels at *dpi* (SVG and PDF: that size in inches at *dpi*; None: 1600 × 1000,
    an animation 1280 × 720); *timeline* None
    means a strip for up to 60 places (never in a grid). *inputs* are refused as output
    paths. Open ends run to *today*, a day number (None: SOURCE_DATE_EPOCH if set, else the
    current date). Its words, names and digits are *lang*'s (`mapgen.language.LANGUAGES`)."""
    from mapgen.language import check_language

    check_language(lang)
    target = check_output(path, (*inputs, *dataset.sources))
    fmt = output_format(target, animate=animate)
    width = width or (VIDEO_WIDTH if animate else DEFAULT_WIDTH)
    height = height or (VIDEO_HEIGHT if animate else DEFAULT_HEIGHT)
    check_size(width, height, dpi)
    day = today_number(today)
    if animate:
        from mapgen.static.animate import render_video

        if periods is not None or split is not None:
            raise OptionError.naming(
                "{animate} steps through one period; {periods} and {split} make a grid"
            )
        return render_video(
            dataset, target, fmt, period=period or dataset.period, step=step, window=window,
            fps=fps, width=width, height=height, dpi=dpi, strict=strict,
            title=dataset.title if title is None else title, timeline=timeline,
            keep_undated=keep_undated, today=day, progress=progress, lang=lang,
        )
    if step is not None or window is not None or fps is not None:
        raise OptionError.naming("{step}, {window} and {fps} go with {animate}")
    if periods is not None or split is not None:
        chosen = grid_periods(dataset, periods, split, strict=strict, today=day)
        if period is not None:
            raise OptionError.naming(
                "a grid's periods are {periods} or {split}; leave out {start}, {end}, {at} "
                "and {name}"
            )
        if timeline:
            raise OptionError.naming("a grid has no {timeline} strip")
        data = _page_bytes(
            fmt, width, height, dpi, dataset.title if title is None else title,
            lambda fig, words: _grid(fig, dataset.in_language(lang), chosen, words,
                                     keep_undated),
            lang,
        )
        return write_atomic(target, data)
    data = render_bytes(
        dataset,
        fmt,
        period=period,
        width=width,
        height=height,
        dpi=dpi,
        title=title,
        timeline=timeline,
        today=day,
        lang=lang,
    )
    return write_atomic(target, data)


def grid_periods(
    dataset: Dataset,
    periods: Sequence[Period | str] | None,
    split: str | None,
    *,
    strict: bool,
    today: int,
) -> list[Period]:
    """The periods of a grid's panels: *periods* read (texts by `filter.period_of`), or the
    periods *split* gives; a usage error for both, none, or more than fit a page."""
    from mapgen.filter import period_of, split_periods
    from mapgen.static.grid import MAX_PANELS

    if periods is not None and split is not None:
        raise OptionError.naming("give {periods} or {split}, not both")
    if split is not None:
        chosen = split_periods(dataset, split, strict=strict, today=today)
    else:
        chosen = [
            period_of(dataset, p, strict=strict) if isinstance(p, str) else p
            for p in periods or ()
        ]
    if not chosen:
        raise OptionError.naming("a grid needs at least one period ({periods} or {split})")
    if len(chosen) > MAX_PANELS:
        raise OptionError(
            f"{len(chosen)} panels are more than a page can show (at most {MAX_PANELS}); "
            "choose fewer periods"
        )
    return chosen


def _grid(fig: Figure, dataset: Dataset, periods: list[Period], title: str,
          keep_undated: bool) -> None:
    from mapgen.static.grid import draw_grid

    draw_grid(fig, dataset, periods, title, keep_undated=keep_undated)


def check_page(fmt: str, width: int, height: int, dpi: int) -> None:
    """An OptionError for a format or a page size mapgen does not draw."""
    if fmt not in FORMATS:
        raise OptionError(f"unknown static map format {fmt!r}; use one of {', '.join(FORMATS)}")
    check_size(width, height, dpi)


def check_size(width: int, height: int, dpi: int) -> None:
    """An OptionError for a page (or a video frame) size mapgen does not draw."""
    for name, value, low in (("width", width, 100), ("height", height, 100), ("dpi", dpi, 10)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise OptionError(f"{name} must be a whole number of at least {low}, not {value!r}")


def metadata(fmt: str, title: str) -> dict[str, Any]:
    """A file's metadata: its title and creator, never a date (same input, same bytes)."""
    creator = f"mapgen {VERSION}"
    return {
        "png": {"Software": None, "Title": title},
        "svg": {"Date": None, "Creator": creator, "Title": title},
        "pdf": {"CreationDate": None, "Creator": creator, "Title": title},
    }[fmt]


def _page_bytes(
    fmt: str, width: int, height: int, dpi: int, title: str, draw: Any, lang: str = "en"
) -> bytes:
    """The bytes of one page drawn by *draw*(figure, title) in memory (so a failure never
    leaves a file), with no date in them, speaking *lang*."""
    check_page(fmt, width, height, dpi)
    with house_style(lang):
        fig = new_figure(fmt, width, height, dpi)
        draw(fig, title)
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata(fmt, title))
    return buffer.getvalue()


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
    today: int | None = None,
    lang: str = "en",
) -> bytes:
    """The file's bytes of one map: rendering happens in memory, so a failure never leaves a
    file. Its words, names and digits are *lang*'s."""
    from mapgen.language import check_language
    from mapgen.model import Period
    from mapgen.static.layout import draw_page

    day = today_number(today)
    shown = period or dataset.period or Period()
    strip = len(dataset.places) <= TIMELINE_MAX_PLACES if timeline is None else timeline
    check_language(lang)
    named = dataset.in_language(lang)  # names in lang first
    return _page_bytes(
        fmt, width, height, dpi, dataset.title if title is None else title,
        lambda fig, words: draw_page(fig, named, shown, words, strip, day), lang,
    )
