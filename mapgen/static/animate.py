"""The map as a video: one frame per step of time (a day, month, year or decade), each the
static map of the places shown at that date — chosen by the same rule as every period filter
(:class:`mapgen.filter.Overlaps`, `Span.overlaps` on day numbers) — with the date in words,
the title, the legend and the attribution burnt in.

The page is laid out and the basemap drawn once; each frame restores that background and
draws only its places, its names, the legend and the date over it (matplotlib's blitting),
so 100,000 places make 100 frames in well under a minute. MP4 and WebM are encoded by the
ffmpeg that imageio-ffmpeg bundles (no system ffmpeg), GIF by Pillow.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from mapgen.dates import civil_from_days, days_from_civil, window_words
from mapgen.errors import MapgenNote, OptionError
from mapgen.filter import Overlaps, time_extent
from mapgen.geometry import places_bounds
from mapgen.model import Period
from mapgen.static.layout import lay_out, subtitle
from mapgen.static.mapview import (
    Key,
    crowded,
    draw_places,
    frame_map,
    frame_view,
    legend_key,
    place_legend,
    prepare,
    spots,
)
from mapgen.static.style import house_style, new_figure
from mapgen.static.timeline import TIMELINE_MAX_PLACES, draw_timeline, shade_period
from mapgen.write import atomic_path

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.figure import Figure
    from numpy.typing import NDArray

    from mapgen.model import Dataset

VIDEO_FORMATS = ("mp4", "webm", "gif")
STEPS = ("day", "month", "year", "decade")
INSTANT = "instant"
MAX_FRAMES = 10_000  # 400 s at 25 frames a second: more is a mistake in --step
SECONDS = 20.0  # the default frame rate plays the whole extent in about this, as the page's
# "Normal" speed does
DECADES_FROM = 250  # years: a longer extent steps by decade by default
_DAYS = {"day": 1.0, "month": 30.436875, "year": 365.2425, "decade": 3652.425}
# imageio-ffmpeg: codec and its options. x264 and libvpx are deterministic (the same frames
# give the same bytes); no metadata beyond the streams.
_ENCODERS = {
    "mp4": ("libx264", ["-crf", "18", "-preset", "medium", "-movflags", "+faststart"]),
    "webm": ("libvpx-vp9", ["-crf", "32", "-b:v", "0", "-row-mt", "1"]),
}
_QUIET = ["-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact"]

Frames = list[Period]  # what each frame shows, in order
Progress = Callable[[Frames], AbstractContextManager[Iterable[Period]]]


@dataclass(frozen=True)
class Window:
    """What a frame shows: its own step (*count* 0, the instant), or the *count* *unit*s
    that end with it — a trailing window, as the page's play moves its window."""

    count: int = 0
    unit: str = "year"

    @property
    def instant(self) -> bool:
        return self.count == 0

    def words(self) -> str:
        if self.instant:
            return INSTANT
        return f"{self.count} {self.unit}{'' if self.count == 1 else 's'}"


@dataclass(frozen=True)
class Plan:
    """An animation's frames (the period each shows, in order), its step and its rate."""

    frames: Frames
    step: str
    window: Window
    fps: int


def parse_step(step: str | None) -> str | None:
    """--step: day, month, year or decade (a plural too); None: chosen from the extent."""
    if step is None:
        return None
    word = step.strip().lower()
    word = word[:-1] if word.endswith("s") else word
    if word not in STEPS:
        raise OptionError(f"unknown step {step!r}; use day, month, year or decade")
    return word


def parse_window(window: str | None) -> Window:
    """--window: "instant" (each frame shows its own step), or a trailing length such as
    "10 years", "6 months", "2 decades", "30 days"."""
    if window is None or window.strip().lower() == INSTANT:
        return Window()
    found = re.fullmatch(r"\s*(\d+)\s*(day|month|year|decade)s?\s*", window.lower())
    if not found or int(found[1]) < 1:
        raise OptionError(
            f"unknown window {window!r}; use instant or a length such as '10 years', "
            "'6 months', '2 decades'"
        )
    return Window(int(found[1]), found[2])


def index(day: int, unit: str) -> int:
    """The number of the *unit* (day, month, year, decade) that holds *day*."""
    if unit == "day":
        return day
    year, month, _ = civil_from_days(day)
    return {"month": year * 12 + month - 1, "year": year, "decade": year // 10}[unit]


def first_day(k: int, unit: str) -> int:
    """The first day of *unit* number *k* (the inverse of :func:`index`)."""
    if unit == "day":
        return k
    if unit == "month":
        return days_from_civil(k // 12, k % 12 + 1, 1)
    return days_from_civil(k * (10 if unit == "decade" else 1), 1, 1)


def plan(
    dataset: Dataset,
    period: Period | None,
    *,
    step: str | None,
    window: Window,
    fps: int | None,
    today: int,
    where: str,
    strict: bool = False,
) -> Plan:
    """The frames that step through *period* (an open side, or no period: the data's extent,
    open ends running to *today*) by *step* (None: the page's choice for the extent — days
    under 62 days, months under five years, else years, decades past 250 years), at *fps*
    (None: the whole animation in about 20 s, as the page plays it). The choices made for
    the user are named in one note, *where* (the output) first. Frames read spans strictly
    when *period* says so (or, without one, *strict*)."""
    strict = period.strict if period is not None else strict
    lo = period.start if period is not None else None
    hi = period.end if period is not None else None
    if lo is None or hi is None:
        extent = time_extent(dataset.places, today)
        if extent is None:
            raise OptionError.naming(
                "no place has a date to step through; give {start} and {end}"
            )
        lo = extent[0] if lo is None else lo
        hi = extent[1] if hi is None else hi
        if hi < lo:
            raise OptionError.naming("the data ends before {start}; choose another period")
    chosen = step
    if chosen is None:
        length = hi - lo + 1
        chosen = "day" if length < 62 else "month" if length < 5 * 365 else "year"
        if chosen == "year" and length > DECADES_FROM * 365.2425:
            chosen = "decade"
    if not window.instant and window.count * _DAYS[window.unit] < _DAYS[chosen]:
        raise OptionError(
            f"a window of {window.words()} is shorter than a step of a {chosen}; use "
            "instant or a longer window"
        )
    first, last = index(lo, chosen), index(hi, chosen)
    if last - first + 1 > MAX_FRAMES:
        raise OptionError(
            f"a step of a {chosen} makes {last - first + 1:,} frames (at most {MAX_FRAMES:,}); "
            "choose a longer step"
        )
    frames = []
    for k in range(first, last + 1):
        start, end = first_day(k, chosen), first_day(k + 1, chosen) - 1
        if not window.instant:
            start = first_day(index(end, window.unit) + 1 - window.count, window.unit)
        frames.append(Period(start, end, strict=strict))
    rate = fps if fps is not None else max(1, min(25, round(len(frames) / SECONDS)))
    if step is None or fps is None:
        warnings.warn(
            f"{where}: {len(frames):,} frames, a {chosen} each "
            f"({window_words(first_day(first, chosen), first_day(last + 1, chosen) - 1)}), at "
            f"{rate} a second ({len(frames) / rate:.1f} s); --step and --fps choose otherwise",
            MapgenNote,
            stacklevel=3,
        )
    return Plan(frames, chosen, window, rate)


def draw_frames(
    fig: Figure,
    dataset: Dataset,
    frames: Frames,
    *,
    title: str,
    timeline: bool | None,
    keep_undated: bool,
    today: int,
    each: Iterable[Period] | None = None,
) -> Iterator[NDArray[np.uint8]]:
    """The RGB pixels of each frame in order (*each*: the frames as a progress bar hands them
    out), drawn on *fig* (an Agg canvas): the page laid out and the basemap drawn once, then
    each frame's places, names, legend, timeline shading and date (its period in words, and
    its count) drawn over that background. The map is framed on every place some frame shows,
    and the legend explains all their layers where it covers none of them (in a corner, else
    beside the map), so that neither moves while the video plays."""
    import numpy as np

    overlaps = Overlaps(dataset.places)
    whole = Period(frames[0].start, frames[-1].end, strict=frames[0].strict)
    view = dataset.with_places(
        dataset.places.take(overlaps.rows(whole, keep_undated=keep_undated))
    )
    overlaps = Overlaps(view.places)
    if timeline is None:
        timeline = len(view.places) <= TIMELINE_MAX_PLACES
    page = lay_out(fig, view, title, subtitle(frames[0], 0), timeline=timeline, today=today)
    ax, renderer = page.map_axes, page.renderer
    bounds = places_bounds(view.places) if len(view.places) else None
    sheet = prepare(view)
    keys: dict[bool, Key] = {}  # a frame's legend, uncrowded and crowded, in one place
    if view.layers:  # placed once, clear of every frame's places, so that it never moves;
        # its title (what a marker's size means) only when no frame is crowded
        every = np.ones(sheet.rows, dtype=bool)
        frame_view(ax, bounds)
        placed = place_legend(ax, legend_key(sheet, every, crowded=crowded(sheet.markers)),
                              renderer, spots(ax, sheet, every))
        keys = {dense: replace(placed, handles=legend_key(sheet, every, crowded=dense).handles)
                for dense in (False, True)}
    frame_map(ax, bounds)
    if page.strip is not None and page.strip_axes is not None:
        draw_timeline(page.strip_axes, page.strip, Period(), renderer)
    changing = [page.subtitle, *([page.strip_axes] if page.strip_axes is not None else [])]
    for artist in changing:
        artist.set_visible(False)
    canvas = fig.canvas
    canvas.draw()  # type: ignore[attr-defined]
    background = canvas.copy_from_bbox(fig.bbox)  # type: ignore[attr-defined]
    for artist in changing:
        artist.set_visible(True)

    for period in frames if each is None else each:
        shown = np.zeros(sheet.rows, dtype=bool)
        shown[overlaps.rows(period, keep_undated=keep_undated)] = True
        before = {id(artist) for artist in ax.get_children()}
        key = keys.get(crowded(sheet.markers_of(shown)))
        draw_places(ax, sheet, shown, renderer, key=key)
        added = [artist for artist in ax.get_children() if id(artist) not in before]
        canvas.restore_region(background)  # type: ignore[attr-defined]
        for artist in sorted(added, key=attrgetter("zorder")):  # as Axes.draw orders them
            ax.draw_artist(artist)
        shade = None
        if page.strip is not None and page.strip_axes is not None:
            shade = shade_period(page.strip_axes, page.strip, period)
            fig.draw_artist(page.strip_axes)
        page.subtitle.set_text(subtitle(period, int(shown.sum())))
        fig.draw_artist(page.subtitle)
        yield np.asarray(canvas.buffer_rgba())[:, :, :3]  # type: ignore[attr-defined]
        for artist in added:
            artist.remove()
        if shade is not None:
            shade.remove()


def write_video(
    target: Path,
    fmt: str,
    pictures: Iterator[NDArray[np.uint8]],
    fps: int,
    colors: Sequence[str] = (),
) -> None:
    """Encode *pictures* (RGB, all of one size) into *target*, written whole or not at all:
    MP4 (H.264) or WebM (VP9) by imageio's ffmpeg, GIF by Pillow (its palette holds the
    layers' *colors* exactly)."""
    with atomic_path(target, suffix=f".{fmt}") as tmp:
        if fmt == "gif":
            _write_gif(tmp, pictures, fps, colors)
            return
        import imageio.v2 as imageio

        codec, options = _ENCODERS[fmt]
        writer = imageio.get_writer(
            str(tmp),
            format="FFMPEG",  # type: ignore[arg-type]
            mode="I",
            fps=fps,
            codec=codec,
            quality=None,
            pixelformat="yuv420p",
            macro_block_size=1,
            ffmpeg_log_level="error",
            output_params=[*options, *_QUIET],
        )
        try:
            for picture in pictures:
                writer.append_data(picture)
        finally:
            writer.close()


GIF_KEPT = 128  # at most this many layer colours are kept exactly in a GIF's palette


def _write_gif(
    path: Path, pictures: Iterator[NDArray[np.uint8]], fps: int, colors: Sequence[str]
) -> None:
    """A looping GIF: every frame mapped, without dithering, onto one palette — the layers'
    colours exactly, and the rest made from the first frame — so that the sea and the land
    keep their colour from frame to frame and a layer that appears late keeps its own."""
    from matplotlib.colors import to_rgb
    from PIL import Image

    exact = list(dict.fromkeys(
        tuple(round(255 * v) for v in to_rgb(color)) for color in colors
    ))[:GIF_KEPT]
    first = next(pictures)
    made = Image.fromarray(first).quantize(
        colors=256 - len(exact), method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    made_colors = (made.getpalette() or [])[: 3 * (256 - len(exact))]
    palette = Image.new("P", (1, 1))
    palette.putpalette([*made_colors, *(v for rgb in exact for v in rgb)])

    def mapped(picture: NDArray[np.uint8]) -> Image.Image:
        return Image.fromarray(picture).quantize(palette=palette, dither=Image.Dither.NONE)

    head = mapped(first)
    head.save(
        path,
        format="GIF",
        save_all=True,
        append_images=[mapped(picture) for picture in pictures],
        duration=round(1000 / fps),
        loop=0,
    )


def render_video(
    dataset: Dataset,
    target: Path,
    fmt: str,
    *,
    period: Period | None,
    step: str | None,
    window: str | None,
    fps: int | None,
    width: int,
    height: int,
    dpi: int,
    title: str,
    timeline: bool | None,
    keep_undated: bool,
    today: int,
    strict: bool = False,
    progress: Progress | None = None,
    lang: str = "en",
) -> Path:
    """Write *dataset* as an animation into *target* (see :func:`plan` and
    :func:`draw_frames`), in *lang*'s words and names; *progress* wraps the list of frames
    to come."""
    if fmt != "gif" and (width % 2 or height % 2):
        raise OptionError(
            f"{fmt.upper()} video needs an even width and height, not {width} × {height}"
        )
    if fps is not None and not 1 <= fps <= 60:
        raise OptionError(f"fps must be a whole number from 1 to 60, not {fps!r}")
    chosen = plan(dataset, period, step=parse_step(step), window=parse_window(window),
                  fps=fps, today=today, where=str(target), strict=strict)
    with house_style(lang), (progress or nullcontext)(chosen.frames) as each:
        fig = new_figure("png", width, height, dpi)  # exactly width × height pixels
        pictures = draw_frames(fig, dataset.in_language(lang), chosen.frames, title=title,
                               timeline=timeline, keep_undated=keep_undated, today=today,
                               each=each)
        write_video(target, fmt, pictures, chosen.fps,
                    [layer.color for layer in dataset.layers])
    return target
