"""The look of every static map — sizes in points, colours, the font — and how wide text
comes out in it.

Text measuring lives here, below the page, the map and the timeline, because all three fit
text into room: the page wraps its title, the map its place names, the timeline its bar
labels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mapgen.errors import OptionError
from mapgen.language import DEFAULT_LANGUAGE, Language, language

if TYPE_CHECKING:
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure


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

# matplotlib settings for every render: the same bytes for the same input.
RC = {
    "font.family": STYLE.font,
    "svg.fonttype": "none",  # text stays text: searchable, selectable, testable
    "svg.hashsalt": "mapgen",  # fixed ids instead of random ones
    "pdf.fonttype": 42,  # TrueType: selectable text in the PDF
    "savefig.bbox": None,  # the page is exactly the size asked for
    "savefig.facecolor": "white",
}


# Persian and Arabic text: Noto Sans Arabic (Debian's fonts-noto-core), which has the letters
# and Persian digits, before DejaVu Sans for Latin names and symbols (matplotlib falls back glyph
# by glyph). matplotlib >= 3.11 shapes and orders the text itself, through libraqm.
ARABIC_FONT = "Noto Sans Arabic"
ARABIC_FONT_FILE = "NotoSansArabic-Regular.ttf"
ARABIC_FONT_BOLD = "NotoSansArabic-Bold.ttf"  # titles; registered when it is there
ARABIC_FONT_DIRS = ("/usr/share/fonts/truetype/noto", "/usr/share/fonts/noto",
                    "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
_SPEAKING: ContextVar[str] = ContextVar("mapgen_static_language", default=DEFAULT_LANGUAGE)


def say() -> Language:
    """The language the static map being drawn speaks (`speaking`)."""
    return language(_SPEAKING.get())


def fonts() -> list[str]:
    """The font families of the map being drawn, in fallback order."""
    return [ARABIC_FONT, STYLE.font] if say().direction == "rtl" else [STYLE.font]


@contextmanager
def speaking(lang: str) -> Iterator[dict[str, object]]:
    """Draw in *lang*: its words, and for a right-to-left language the font its letters need
    (registered with matplotlib from its file). Yields the matplotlib settings to use."""
    token = _SPEAKING.set(lang)
    try:
        if say().direction == "rtl":
            _add_arabic_font()
        yield {**RC, "font.family": fonts()}
    finally:
        _SPEAKING.reset(token)


def _add_arabic_font() -> None:
    """Register Noto Sans Arabic with matplotlib, or say in one line what to install: empty
    boxes in place of letters would be a silent failure."""
    from matplotlib import font_manager, ft2font

    if not getattr(ft2font, "__libraqm_version__", None):
        raise OptionError(
            "this matplotlib does not shape Persian or Arabic text (it has no libraqm): "
            "install matplotlib 3.11 or later"
        )
    for folder in ARABIC_FONT_DIRS:
        found = sorted(Path(folder).expanduser().rglob(ARABIC_FONT_FILE))
        if found:
            font_manager.fontManager.addfont(str(found[0]))
            bold = found[0].with_name(ARABIC_FONT_BOLD)
            if bold.exists():
                font_manager.fontManager.addfont(str(bold))
            return
    raise OptionError(
        f"{say().code} text needs the {ARABIC_FONT} font ({ARABIC_FONT_FILE}), not found in "
        f"{', '.join(ARABIC_FONT_DIRS)}: install it (Debian and Ubuntu: apt-get install "
        "fonts-noto-core; scripts/setup does)"
    )


@contextmanager
def house_style(lang: str = DEFAULT_LANGUAGE) -> Iterator[None]:
    """matplotlib's defaults and mapgen's own settings (:data:`RC`) while drawing: the user's
    matplotlibrc must not change the map; speaking *lang* in the fonts its letters need
    (`speaking`)."""
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
    # that truncates the pixel size would make 1000; a PNG (or a video frame, drawn as a PNG
    # is) must be exactly w × h.
    nudge = 1e-6 if fmt == "png" else 0.0
    fig = Figure(figsize=((width + nudge) / dpi, (height + nudge) / dpi), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def text_width(renderer: RendererBase, text: str, size: float, bold: bool = False) -> float:
    """The width of *text* in points, as matplotlib will draw it."""
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(family=fonts(), size=size, weight="bold" if bold else "normal")
    w, _, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
    return float(w) * 72 / renderer.dpi  # type: ignore[attr-defined]


def wrap(measure: Callable[[str], float], text: str, width: float) -> list[str]:
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


def shorten(measure: Callable[[str], float], text: str, width: float) -> str:
    """*text* cut at its end with "…" until its *measure*d width fits *width* (a title line
    that must stay one line)."""
    if measure(text) <= width:
        return text
    words = text
    while words and measure(words.rstrip() + "…") > width:
        words = words[:-1]
    return words.rstrip() + "…"
