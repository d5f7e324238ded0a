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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapgen.dates import today_number
from mapgen.defaults import VERSION
from mapgen.errors import OptionError
from mapgen.static.layout import draw_page
from mapgen.static.style import speaking
from mapgen.write import check_output, write_atomic

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from mapgen.model import Dataset, Period

__all__ = [
    "DEFAULT_DPI",
    "DEFAULT_HEIGHT",
    "DEFAULT_WIDTH",
    "FORMATS",
    "TIMELINE_MAX_PLACES",
    "output_format",
    "render",
    "render_bytes",
]

FORMATS = ("png", "svg", "pdf")
DEFAULT_WIDTH = 1600  # pixels: 8 × 5 inches at 200 dpi, a page-wide figure in a report
DEFAULT_HEIGHT = 1000
DEFAULT_DPI = 200
TIMELINE_MAX_PLACES = 60  # beyond this a timeline strip is too dense to read


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
    today: int | None = None,
    lang: str = "en",
) -> Path:
    """Draw *dataset* (already selected) as a PNG, SVG or PDF, chosen by the suffix of *path*,
    and write it atomically. *period* is what the map states and shades on the timeline
    (None: the period *dataset* was selected for, if any); *width* × *height* pixels at
    *dpi* (SVG and PDF: that size in inches at *dpi*); *timeline* None means on for up to 60
    places. *inputs* are refused as output paths. Open-ended spans run to *today* on the
    timeline, a day number (None: SOURCE_DATE_EPOCH if set, else the current date). Its
    words, names and digits are *lang*'s (`mapgen.language.LANGUAGES`)."""
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
        today=today,
        lang=lang,
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
    today: int | None = None,
    lang: str = "en",
) -> bytes:
    """The file's bytes: rendering happens in memory, so a failure never leaves a file."""
    from mapgen.language import check_language
    from mapgen.model import Period

    check_page(fmt, width, height, dpi)
    check_language(lang)
    day = today_number(today)
    title = dataset.title if title is None else title
    period = period or dataset.period or Period()
    if timeline is None:
        timeline = len(dataset.places) <= TIMELINE_MAX_PLACES
    dataset = dataset.in_language(lang)  # names in lang first
    with house_style(lang):
        fig = new_figure(fmt, width, height, dpi)
        draw_page(fig, dataset, period, title, timeline, day)
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata(fmt, title))
    return buffer.getvalue()


def check_page(fmt: str, width: int, height: int, dpi: int) -> None:
    """An OptionError for a format or a page size mapgen does not draw."""
    if fmt not in FORMATS:
        raise OptionError(f"unknown static map format {fmt!r}; use one of {', '.join(FORMATS)}")
    for name, value, low in (("width", width, 100), ("height", height, 100), ("dpi", dpi, 10)):
        if not isinstance(value, int) or value < low:
            raise OptionError(f"{name} must be a whole number of at least {low}, not {value!r}")


def metadata(fmt: str, title: str) -> dict[str, Any]:
    """A file's metadata: its title and creator, never a date (same input, same bytes)."""
    creator = f"mapgen {VERSION}"
    return {
        "png": {"Software": None, "Title": title},
        "svg": {"Date": None, "Creator": creator, "Title": title},
        "pdf": {"CreationDate": None, "Creator": creator, "Title": title},
    }[fmt]


@contextmanager
def house_style(lang: str = "en") -> Iterator[None]:
    """matplotlib's defaults and mapgen's own settings while drawing (the user's matplotlibrc
    must not change the map), speaking *lang* in the fonts its letters need
    (`style.speaking`)."""
    import matplotlib

    with speaking(lang) as rc, matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(rc)
        yield


def new_figure(fmt: str, width: int, height: int, dpi: int) -> Figure:
    """A page of *width* × *height* pixels at *dpi*, drawn by Agg (inside `house_style`)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # A hair over the size: w / dpi * dpi can come out as 1000.9999…, which a matplotlib
    # that truncates the pixel size would make 1000; a PNG must be exactly w × h.
    nudge = 1e-6 if fmt == "png" else 0.0
    fig = Figure(figsize=((width + nudge) / dpi, (height + nudge) / dpi), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig
