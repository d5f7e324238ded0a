"""Issue 24 in Chromium: each language's default map laid out at the four sizes with no place
under a control and no control over another, axe at 0 serious, screenshots (MAPGEN_SCREENSHOTS=
docs writes docs/language-<lang>-<w>x<h>.png); a Persian popup with Persian digits and the
Persian name first; the page's plural choice and period words equal Python's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mapgen
from mapgen.dates import days_from_civil, window_words
from mapgen.language import LANGUAGES, language
from tests.conftest import OpenMap
from tests.helpers import feature, write_geojson
from tests.test_accessibility import AXE, audit
from tests.test_layout import OVERLAPS, PLACES_UNDER_CONTROLS, SIZES, shots  # noqa: F401
from tests.test_popups import popup
from tests.test_undated import COUNTS, mixed

CALENDAR_SIZES = [(1280, 800), (390, 740)]


@pytest.fixture(scope="module")
def maps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("languages")
    data = mapgen.load()
    out = {}
    for lang in LANGUAGES:
        out[lang] = folder / f"{lang}.html"
        mapgen.save(mapgen.build_map(data, lang=lang), out[lang])
    out["fa-persian"] = folder / "fa-persian.html"
    mapgen.save(mapgen.build_map(data, lang="fa", calendar="persian"), out["fa-persian"])
    return out


def _cases() -> list[tuple[str, tuple[int, int]]]:
    """Every language at 1280x800 and 390x740; the right-to-left ones at all four sizes."""
    return [(lang, size) for lang in LANGUAGES for size in SIZES
            if size in CALENDAR_SIZES or lang in ("fa", "ar")]


@pytest.mark.parametrize(("lang", "size"), _cases(),
                         ids=[f"{lang}-{w}x{h}" for lang, (w, h) in _cases()])
def test_each_language_s_map_is_laid_out_and_accessible(
    open_map: OpenMap, maps: dict[str, Path], shots: Path,  # noqa: F811 (test_layout's fixture)
    lang: str, size: tuple[int, int],
) -> None:
    assert AXE.is_file()
    mp = open_map(maps[lang], viewport=size)
    found = mp.evaluate(PLACES_UNDER_CONTROLS)
    mp.screenshot(shots / f"language-{lang}-{size[0]}x{size[1]}.png")
    assert found["inView"] > 0 and found["hidden"] == []
    assert mp.evaluate(OVERLAPS) == []
    html = mp.evaluate("() => [document.documentElement.lang, document.documentElement.dir]")
    assert html == [lang, language(lang).direction]
    assert audit(mp) == []
    mp.assert_clean()


def test_the_controls_speak_the_language(open_map: OpenMap, maps: dict[str, Path]) -> None:
    mp = open_map(maps["fa"], viewport=(1280, 800))
    words = mp.evaluate("""() => ({
      search: document.querySelector('.mapgen-search input').placeholder,
      count: document.querySelector('.mapgen-legend-count').textContent,
      play: document.querySelector('.mapgen-pc-play').getAttribute('aria-label'),
      to: document.querySelector('.mapgen-pc-to').value
    })""")
    assert words["search"] == "جستجو در مکان‌ها"
    assert words["count"] == "۲۹ مکان در ۱۹۶۵ تا اکنون"  # the legend's count, with its period
    assert words["play"] == "پخش"
    assert words["to"] == "اکنون"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_period_boxes_write_and_read_dates_in_the_maps_language(
    open_map: OpenMap, maps: dict[str, Path], lang: str
) -> None:
    """A period box writes a date as the page's language does (its digits, its words for a
    year BCE, as Python's Language.date), and reads back what it wrote, and what a reader
    of the language types, as the same days."""
    say = language(lang)
    mp = open_map(maps[lang], viewport=(1280, 800))
    found = mp.evaluate("""() => {
      const d = window.MapgenDates, w = window.mapgen.words;
      return ['-0499-03-15', '-0499-03', '-0499', '-0043', '1981-06-28', '1981-06', '1981'].map(
        t => { const box = d.boxText(t, w), back = d.typed(box, w);
          return [t, box, [d.parseDay(back, false), d.parseDay(back, true)],
                  [d.parseDay(t, false), d.parseDay(t, true)]]; });
    }""")
    found += mp.evaluate("""() => {  // an axis into BCE: a later year with its era word
      const d = window.MapgenDates, w = window.mapgen.words, box = d.boxText('0200', w, true);
      const back = d.typed(box, w);
      return [['0200', box, [d.parseDay(back, false), d.parseDay(back, true)],
               [d.parseDay('0200', false), d.parseDay('0200', true)]]];
    }""")
    for text, box, got, expected in found:
        assert got == expected and None not in got, (text, box)
    boxes = {text: box for text, box, _, _ in found}
    assert boxes["-0499-03-15"] == say.date(-499, 3, 15)
    assert boxes["-0043"] == say.date(-43)
    assert boxes["1981"] == say.numerals("1981")
    typed = {"fa": "۱۹۷۰", "ar": "١٩٧٠"}.get(lang, "1970")  # the digits a keyboard gives
    start = mp.page.locator(".mapgen-pc-from")
    start.fill(typed)
    start.press("Enter")
    assert mp.evaluate("window.mapgen.period()")["from"] == "1970-01-01"
    assert start.input_value() == say.numerals("1970")
    assert start.get_attribute("aria-invalid") is None
    mp.assert_clean()


def test_a_persian_popup_has_persian_digits_and_the_persian_name_first(
    open_map: OpenMap, maps: dict[str, Path]
) -> None:
    mp = open_map(maps["fa-persian"], viewport=(1280, 800))
    popup = mp.evaluate("""() => {
      const app = window.mapgen, box = app.popupContent(app.indexOf('hq-tehran'));
      const text = c => [...box.querySelectorAll(c)].map(n => n.textContent);
      return {name: text('.mapgen-popup-name'), other: text('.mapgen-popup-altname'),
              when: text('.mapgen-popup-periods'), calendar: text('.mapgen-popup-calendar'),
              dir: box.getAttribute('dir')};
    }""")
    assert popup["name"] == ["تهران"]
    assert popup["other"][0] == "Tehran, Iran"  # its other names after it
    assert popup["when"] == ["۱۹۶۵ تا ۱۹۸۱"]  # Persian digits, Persian range
    assert popup["calendar"] == ["۱۳۴۳ تا ۱۳۶۰ ه‍.ش."]  # 1965 = 1343/44 SH, 1981 = 1359/60
    # the axis: each year with the Solar Hijri year its 1 January falls in (1 January 1980 is
    # 11 Dey 1358, by convertdate)
    labels = mp.evaluate("() => window.mapgen.periodControl.ticks.major.map(t => t.label)")
    assert "۱۹۸۰ / ۱۳۵۸" in labels, labels
    mp.assert_clean()


def test_the_page_chooses_plural_forms_and_says_periods_as_python_does(
    open_map: OpenMap, maps: dict[str, Path]
) -> None:
    counts = [*range(0, 120), 1000, 1_000_000]
    windows = [(days_from_civil(1986, 1, 1), days_from_civil(2013, 12, 31)),
               (days_from_civil(1986, 3, 1), days_from_civil(1990, 6, 30)),
               (days_from_civil(1981, 6, 28), days_from_civil(1981, 6, 28)),
               (days_from_civil(-499, 1, 1), days_from_civil(1200, 12, 31)),
               (days_from_civil(-199, 1, 1), days_from_civil(-100, 12, 31)),
               (days_from_civil(1986, 1, 1), None), (None, days_from_civil(2013, 12, 31))]
    for lang in LANGUAGES:
        mp = open_map(maps[lang], viewport=(800, 600))
        got = mp.evaluate("""([counts, windows]) => {
          const words = window.MapgenI18n.words(window.mapgen.data.i18n);
          return [counts.map(n => words.pluralIndex(n)),
                  windows.map(w => words.window(w[0], w[1]))];
        }""", [counts, windows])
        assert got[0] == [language(lang).plural_index(n) for n in counts], lang
        assert got[1] == [window_words(a, b, lang) for a, b in windows], lang


# What the counts and a popup say on a map of 3 dated and 2 undated places, one of them with
# 15 other properties (12 shown): in 1981–1986, in 1500–1600, then with the undated hidden.
COUNTED = {
    "fa": (["۳ مکان در ۱۹۸۱ تا ۱۹۸۶، ۲ بدون تاریخ", "۳ از ۳ مکان تاریخ‌دار، ۲ بدون تاریخ"],
           ["۰ مکان در ۱۵۰۰ تا ۱۶۰۰، ۲ بدون تاریخ", "۰ از ۳ مکان تاریخ‌دار، ۲ بدون تاریخ"],
           ["۰ مکان در ۱۵۰۰ تا ۱۶۰۰، مکان‌های بدون تاریخ پنهان",
            "۰ از ۳ مکان تاریخ‌دار، مکان‌های بدون تاریخ پنهان"],
           "+۳ مورد دیگر"),
    "fr": (["3 lieux en 1981–1986 · 2 non datés", "3 sur 3 lieux datés · 2 non datés"],
           ["0 lieu en 1500–1600 · 2 non datés", "0 sur 3 lieux datés · 2 non datés"],
           ["0 lieu en 1500–1600 · non datés masqués", "0 sur 3 lieux datés · non datés masqués"],
           "+3 autres"),
}


@pytest.mark.parametrize("lang", sorted(COUNTED))
def test_the_counts_and_a_popup_s_other_properties_speak_the_language(
    open_map: OpenMap, tmp_path: Path, lang: str
) -> None:
    source = mixed(tmp_path, dated=2)
    raw = write_geojson(tmp_path / "more.geojson", [
        *json.loads(source.read_text("utf-8"))["features"],
        feature("many", name="Many", lon=12, lat=48, when=("1981/1986",),
                **{f"k{n:02d}": f"value {n}" for n in range(15)}),
    ])
    page = mapgen.save(mapgen.build_map(mapgen.load(raw), lang=lang), tmp_path / f"{lang}.html")
    mp = open_map(page)
    period, earlier, hidden, more = COUNTED[lang]
    assert mp.evaluate(COUNTS) == period
    mp.set_period(1500, 1600)
    assert mp.evaluate(COUNTS) == earlier
    mp.evaluate("window.mapgen.setShowUndated(false)")
    assert mp.evaluate(COUNTS) == hidden
    mp.set_period(1981, 1986)
    assert popup(mp, "many")["more"] == more
    mp.assert_clean()


def test_a_persian_comparison_speaks_persian_and_holds_the_layout_rules(
    open_map: OpenMap, tmp_path: Path
) -> None:
    """compare.js's button in Persian (its name, and its title before and after), both maps
    right to left, nothing hidden or overlapping, axe at 0 serious."""
    from tests.test_compare_page import HIDDEN, MAPS, READY

    page = mapgen.save(mapgen.build_map(mapgen.load(), lang="fa",
                                        compare=["1981/1986", "2003/.."]),
                       tmp_path / "compare-fa.html")
    mp = open_map(page, viewport=(1280, 800))
    mp.page.wait_for_selector(READY)
    button = mp.page.get_by_role("button", name="مقایسه")
    assert button.get_attribute("title") == "بازگشت به یک نقشه"
    first, second = mp.evaluate(MAPS)
    assert first["box"][0] > second["box"][0]  # the first period on the right, read first
    assert mp.evaluate(HIDDEN) == [] and mp.evaluate(OVERLAPS) == []
    assert audit(mp) == []
    button.click()
    assert button.get_attribute("title") == "مقایسهٔ دو بازه در کنار هم"
    mp.assert_clean()
