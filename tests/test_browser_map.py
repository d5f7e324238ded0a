"""The default map in a real browser: places drawn, layers toggle, popups show periods."""

from __future__ import annotations

from pathlib import Path

import pytest

import mapgen
from tests.conftest import OpenMap

HEADQUARTERS = ["hq-ashraf-3", "hq-camp-ashraf", "hq-camp-liberty", "hq-paris", "hq-tehran"]


@pytest.fixture(scope="module")
def default_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("maps") / "default.html"
    mapgen.save(mapgen.load(), path)
    return path


def drawn(mp, layer_index: int) -> int:  # type: ignore[no-untyped-def]
    """Places drawn in a layer's pane (SVG paths Leaflet made interactive)."""
    return mp.evaluate(
        f"document.querySelectorAll('.leaflet-mapgen-layer-{layer_index}-pane "
        "path.leaflet-interactive').length"
    )


def test_every_default_place_is_drawn(open_map: OpenMap, default_map: Path) -> None:
    data = mapgen.load()
    mp = open_map(default_map)
    ids = sorted(p.id for p in data.places)
    assert mp.visible() == ids
    hq = sum(p.layer == "headquarters" for p in data.places)
    assert drawn(mp, 0) == hq == 5
    assert drawn(mp, 1) == len(ids) - hq
    assert mp.console_errors == [] and mp.page_errors == []
    assert mp.blocked_requests == []


def test_layer_control_hides_and_shows_a_layer(open_map: OpenMap, default_map: Path) -> None:
    mp = open_map(default_map)
    events = mp.page.locator(".leaflet-control-layers-overlays label", has_text="Dated events")
    events.click()
    assert mp.visible() == HEADQUARTERS
    assert drawn(mp, 1) == 0
    assert drawn(mp, 0) == 5
    events.click()
    assert drawn(mp, 1) == 24
    assert len(mp.visible()) == 29


def test_popup_shows_name_periods_and_sources(open_map: OpenMap, default_map: Path) -> None:
    mp = open_map(default_map)
    # The opening zoom may still be animating, and Leaflet ignores a new view until it ends.
    mp.page.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')")
    # Zoom in on Paris, then click where it is drawn, as a reader would.
    x, y = mp.evaluate(
        """() => { const app = window.mapgen, i = app.indexOf('hq-paris');
                   const g = app.places.geom[i];
                   app.map.setView([g[1], g[0]], 9, {animate: false});
                   const p = app.map.latLngToContainerPoint([g[1], g[0]]);
                   const r = app.container.getBoundingClientRect();
                   return [r.left + p.x, r.top + p.y]; }"""
    )
    mp.page.mouse.click(x, y)
    popup = mp.page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "Paris" in text
    assert "1981–1986; 2003–present" in text
    links = popup.locator("a")
    assert links.count() >= 2
    for i in range(links.count()):
        assert links.nth(i).get_attribute("href").startswith(("https://", "http://"))
        assert links.nth(i).get_attribute("rel") == "noopener noreferrer"


def test_other_names_are_shown_with_direction_auto(open_map: OpenMap, default_map: Path) -> None:
    mp = open_map(default_map)
    mp.evaluate("window.mapgen.openPopup('hq-tehran')")
    alt = mp.page.locator(".leaflet-popup-content .mapgen-popup-altname")
    assert alt.inner_text() == "تهران"
    assert alt.get_attribute("dir") == "auto" and alt.get_attribute("lang") == "fa"


def test_legend_names_layers_title_and_attribution(open_map: OpenMap, default_map: Path) -> None:
    mp = open_map(default_map)
    legend = mp.page.locator(".mapgen-legend").inner_text()
    assert "Headquarters of the People's Mojahedin Organization of Iran" in legend
    assert "Headquarters" in legend and "Dated events" in legend
    assert "CC BY-SA" in legend
    assert "29 places shown" in legend


def test_movement_path_joins_headquarters_in_time_order(
    open_map: OpenMap, default_map: Path
) -> None:
    mp = open_map(default_map)
    assert mp.evaluate("window.mapgen.visibleMoves()") == [
        "hq-tehran>hq-paris",
        "hq-paris>hq-camp-ashraf",
        "hq-camp-ashraf>hq-paris",
        "hq-paris>hq-camp-liberty",
        "hq-camp-liberty>hq-ashraf-3",
    ]
    assert mp.evaluate("document.querySelectorAll('path.mapgen-path').length") == 5
