"""Issue 24, static maps: Persian and Arabic text shaped and ordered (matplotlib's libraqm),
drawn in a font that has its letters (no empty boxes), and the page's words in the language."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import mapgen
from mapgen.static import render_bytes
from mapgen.static.style import speaking
from tests.test_render_periods import grid_source  # noqa: F401 (a fixture)

WORD = "تهران"  # Tehran
# The same word in the forms a shaper must give its letters, in reading order: ت initial,
# ه medial, ر final, ا isolated, ن isolated (Unicode's Arabic Presentation Forms-B), written
# out by hand from the letters' joining types: the reference of a shaped word.
SHAPED_BY_HAND = "\ufe97\ufeec\ufeae\ufe8d\ufee5"
# The word with every letter kept apart (a zero-width non-joiner between letters): what a
# renderer that does not shape would draw.
UNSHAPED = "\u200c".join(WORD)


def _pixels(text: str, lang: str = "fa") -> np.ndarray:
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with speaking(lang) as rc, matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(rc)
        fig = Figure(figsize=(2, 0.6), dpi=100)
        FigureCanvasAgg(fig)
        fig.text(0.5, 0.3, text, fontsize=24, ha="center")
        fig.canvas.draw()
        return np.asarray(fig.canvas.buffer_rgba())[:, :, 0] < 128  # ink


def test_a_persian_word_is_drawn_shaped_as_by_hand_and_unlike_its_letters_apart():
    drawn, reference, apart = _pixels(WORD), _pixels(SHAPED_BY_HAND), _pixels(UNSHAPED)
    assert drawn.sum() > 50  # something drawn
    assert (drawn != apart).sum() > 0.2 * drawn.sum()  # shaping changed the letters
    assert (drawn != reference).sum() <= 0.02 * drawn.sum()  # as the hand-shaped forms


def _no_missing_glyph(data: mapgen.Dataset, lang: str, fmt: str) -> bytes:
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font")
        return render_bytes(data, fmt, width=800, height=600, dpi=100, lang=lang, today=20000)


@pytest.mark.parametrize("lang", ["fa", "ar"])
def test_a_render_in_persian_or_arabic_has_every_glyph_and_its_words(lang):
    data = mapgen.load()
    svg = _no_missing_glyph(data, lang, "svg").decode()
    png = _no_missing_glyph(data, lang, "png")
    assert png.startswith(b"\x89PNG")
    words = {"fa": ("همهٔ تاریخ‌ها", "۲۹ مکان", "تهران", "۱۹۸۰"),
             "ar": ("كل التواريخ", "مكانًا", "1980")}[lang]
    for word in words:
        assert word in svg, word  # SVG keeps the text as text, in reading order
    assert 'font-family="Noto Sans Arabic' in svg or "Noto Sans Arabic" in svg


def test_english_renders_keep_their_font():
    svg = render_bytes(mapgen.load(), "svg", width=800, height=600, dpi=100, today=20000).decode()
    assert "Noto Sans Arabic" not in svg and "All dates" in svg


@pytest.mark.parametrize(("lang", "more", "block"), [
    ("fr", r"\+(\d+) autres", r"\+ (\d+) autres?"),
    ("fa", r"\+([۰-۹]+) مورد دیگر", r"\+ ([۰-۹]+) مکان دیگر"),
])
def test_what_a_legend_or_a_name_block_leaves_out_is_counted_in_the_language(lang, more, block):
    """45 layers at 800×600: the legend beside the map ends with how many layers it left
    out, and a spot with more names than a block holds with how many places."""
    from tests.test_real_data import INRAP, REAL

    data = mapgen.load(REAL / "donnees-inrap-ph.csv", layer_field="Departement", **INRAP)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font")
        svg = render_bytes(data, "svg", width=800, height=600, dpi=200, lang=lang,
                           today=20000).decode()
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)

    def counted(pattern: str) -> list[int]:
        return [int(m.group(1).translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")))
                for text in texts if (m := re.fullmatch(pattern, text))]

    [left_out] = counted(more)
    assert 0 < left_out < len(data.layers)
    assert counted(block) and all(n > 0 for n in counted(block))
    assert not [text for text in texts if "more" in text]


def test_a_persian_grid_speaks_persian_and_reads_from_the_right(
    grid_source, tmp_path  # noqa: F811 (test_render_periods' fixture)
):
    """Small multiples in fa: the count under the title and each panel's heading in Persian
    words and digits, and the first period's panel on the right (reading order)."""
    import xml.etree.ElementTree as ET

    from tests.test_render_periods import PERIODS, SVG, panels, texts

    out = tmp_path / "grid.svg"
    mapgen.render(mapgen.load(grid_source), out, periods=PERIODS.split(","), lang="fa")
    svg = out.read_bytes()
    words = texts(svg)
    assert "۴ بازه، ۵ مکان" in words  # 4 periods, 5 places in any of them
    assert "۱۹۶۵ تا ۱۹۸۱، ۲ مکان" in words and "از ۲۰۰۳، ۲ مکان" in words
    assert not [w for w in words if "place" in w or "period" in w]

    def left(panel: ET.Element) -> float:
        corner = next(p for p in panel.iter(f"{SVG}path") if p.get("d", "").startswith("M "))
        return float(corner.get("d", "").split()[1])

    found = [left(panel) for panel in panels(svg)]  # in the order of the periods
    assert len(found) == 4 and found[0] > found[1]
