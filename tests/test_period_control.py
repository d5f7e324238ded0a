"""The in-browser period control: slider, typed dates, keyboard, play, timeline, URL hash."""

from __future__ import annotations

from pathlib import Path

import pytest

import mapgen
from tests.conftest import OpenMap


@pytest.fixture(scope="module")
def default_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("control") / "default.html"
    mapgen.save(mapgen.load(), path)
    return path


def hq(ids: list[str]) -> list[str]:
    return [i for i in ids if i.startswith("hq-")]


def test_a_hash_on_load_starts_filtered(open_map: OpenMap, default_map: Path) -> None:
    mp = open_map(default_map, url_hash="#from=1990&to=2000")
    assert mp.evaluate("window.mapgen.period()") == {"from": "1990-01-01", "to": "2000-12-31"}
    assert hq(mp.visible()) == ["hq-camp-ashraf"]
    assert mp.page.locator(".mapgen-pc-from").input_value() == "1990"
    assert mp.page.locator(".mapgen-pc-to").input_value() == "2000"


def test_period_changes_are_written_to_the_hash(open_map: OpenMap, default_map: Path) -> None:
    mp = open_map(default_map)
    mp.set_period(2012, 2013)
    mp.page.wait_for_function("() => location.hash === '#from=2012&to=2013'", timeout=5000)
    mp.set_hash("#from=1970&to=1970")
    assert hq(mp.visible()) == ["hq-tehran"]


def test_typing_a_year_filters(open_map: OpenMap, default_map: Path) -> None:
    mp = open_map(default_map)
    start = mp.page.locator(".mapgen-pc-from")
    end = mp.page.locator(".mapgen-pc-to")
    start.fill("2020")
    start.press("Enter")
    end.fill("2021")
    end.press("Enter")
    assert mp.evaluate("window.mapgen.period()") == {"from": "2020-01-01", "to": "2021-12-31"}
    assert hq(mp.visible()) == ["hq-ashraf-3", "hq-paris"]
    start.fill("not a year")
    start.press("Enter")
    assert start.get_attribute("aria-invalid") == "true"
    assert mp.evaluate("window.mapgen.period().from") == "2020-01-01"


def test_keyboard_moves_a_handle_by_a_year(open_map: OpenMap, default_map: Path) -> None:
    mp = open_map(default_map, url_hash="#from=1990&to=2000")
    handle = mp.page.locator(".mapgen-pc-handle-from")
    assert handle.get_attribute("role") == "slider"
    assert handle.get_attribute("aria-label")
    handle.focus()
    handle.press("ArrowLeft")
    assert mp.evaluate("window.mapgen.period().from") == "1989-01-01"
    handle.press("Shift+ArrowLeft")
    assert mp.evaluate("window.mapgen.period().from") == "1979-01-01"
    assert "1979" in (handle.get_attribute("aria-valuetext") or "")
    end = mp.page.locator(".mapgen-pc-handle-to")
    end.focus()
    end.press("End")
    assert mp.evaluate("window.mapgen.period().to") >= "2026-01-01"


def test_play_advances_the_period_and_enter_pauses(open_map: OpenMap, default_map: Path) -> None:
    mp = open_map(default_map, url_hash="#from=1965&to=1970")
    before = mp.evaluate("window.mapgen.period()")
    mp.page.locator(".mapgen-pc-play").click()
    assert mp.evaluate("window.mapgen.periodControl.playing") is True
    mp.page.wait_for_function(
        f"() => window.mapgen.period().from > '{before['from']}'", timeout=10_000
    )
    after = mp.evaluate("window.mapgen.period()")
    assert after["from"] > before["from"] and after["to"] > before["to"]
    mp.page.locator(".mapgen-pc-handle-from").focus()
    mp.page.keyboard.press("Enter")
    assert mp.evaluate("window.mapgen.periodControl.playing") is False


def test_at_one_date_mode(open_map: OpenMap, default_map: Path) -> None:
    mp = open_map(default_map, url_hash="#from=1990&to=2000")
    mp.page.locator(".mapgen-pc-mode").click()
    assert mp.page.locator(".mapgen-pc-mode").get_attribute("aria-pressed") == "true"
    period = mp.evaluate("window.mapgen.period()")
    assert period["from"][:4] == period["to"][:4]


def test_layer_off_stays_off_while_playing(open_map: OpenMap, default_map: Path) -> None:
    mp = open_map(default_map, url_hash="#from=1965&to=1975")
    mp.page.locator(".leaflet-control-layers-overlays label", has_text="Dated events").click()
    mp.evaluate("window.mapgen.periodControl.play()")
    mp.page.wait_for_function("() => window.mapgen.period().from >= '1975-01-01'", timeout=15_000)
    mp.evaluate("window.mapgen.periodControl.pause()")
    assert not [i for i in mp.visible() if i.startswith("ev-")]


def test_timeline_panel_opens_and_a_bar_opens_a_popup(open_map: OpenMap, default_map: Path) -> None:
    mp = open_map(default_map)
    toggle = mp.page.locator(".mapgen-pc-timeline-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    panel = mp.page.locator(".mapgen-pc-panel")
    assert panel.is_visible()
    mp.evaluate("window.mapgen.periodControl.openPlace(window.mapgen.indexOf('hq-tehran'))")
    assert "1965–1981" in mp.page.locator(".leaflet-popup-content").inner_text()


def test_histogram_and_count(open_map: OpenMap, default_map: Path) -> None:
    mp = open_map(default_map)
    mp.set_period(1990, 2000)
    count = mp.page.locator(".mapgen-pc-count").inner_text()
    assert str(len(mp.visible())) in count and "29" in count
    drawn = mp.evaluate(
        """() => { const c = document.querySelector('.mapgen-pc-hist');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let ink = 0; for (let i = 3; i < d.length; i += 4) ink += d[i] > 0;
                   return ink; }"""
    )
    assert drawn > 50


def test_an_element_added_to_the_period_control_renders() -> None:
    from branca.element import MacroElement
    from jinja2 import Template

    from mapgen.html import page_html
    from mapgen.html.elements import PeriodControl

    fmap = mapgen.build_map(mapgen.load())
    control = next(c for c in fmap._children.values() if isinstance(c, PeriodControl))
    child = MacroElement()
    child._template = Template("{% macro script(this, kwargs) %}window.childRan = 1;{% endmacro %}")
    control.add_child(child)
    assert "window.childRan = 1;" in page_html(fmap)


def test_the_boxes_write_years_bc_as_readers_do(open_map: OpenMap, tmp_path: Path) -> None:
    """A map of ancient places shows "501 BCE" in its boxes, as its ticks do, never "-0500",
    and a later year with its era too ("200 CE", as the ticks of an axis into BCE say it);
    "500 BCE" or "-500" typed there is 500 BCE, as a date cell is read, and "150 CE" 150."""
    from tests.helpers import feature, write_geojson

    path = write_geojson(tmp_path / "ancient.geojson", [
        feature("a", when=["-0500/-0300"]), feature("b", when=["0100/0200"], lon=12, lat=42)])
    mp = open_map(mapgen.save(mapgen.load(path), tmp_path / "ancient.html"))
    start = mp.page.locator(".mapgen-pc-from")
    assert start.input_value() == "501 BCE"
    end = mp.page.locator(".mapgen-pc-to")
    assert end.input_value() == "200 CE"
    end.fill("150 CE")
    end.press("Enter")
    assert mp.evaluate("window.mapgen.period().to") == "0150-12-31"
    assert end.input_value() == "150 CE"
    for typed in ("500 BCE", "-500"):
        start.fill(typed)
        start.press("Enter")
        assert mp.evaluate("window.mapgen.period().from") == "-0499-01-01", typed
        assert start.input_value() == "500 BCE"
