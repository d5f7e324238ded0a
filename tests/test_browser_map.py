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


# The points of layer k drawn on the canvas, once the frames a change asked for are drawn.
DRAWN = """async (k) => {
  const frame = () => new Promise((done) => requestAnimationFrame(done));
  await frame(); await frame();
  const app = window.mapgen;
  let n = 0;
  for (const canvas of app.renderer.canvas.layers) {
    for (let j = 0; j < canvas.drawnCount; j++) n += app.places.layer[canvas.drawn[j]] === k;
  }
  return n;
}"""


def drawn(mp, layer_index: int) -> int:  # type: ignore[no-untyped-def]
    """Places of a layer drawn (every place of the default map is a point, on the canvas)."""
    return mp.evaluate(DRAWN, layer_index)


def test_every_default_place_is_drawn(open_map: OpenMap, default_map: Path) -> None:
    data = mapgen.load()
    mp = open_map(default_map)
    ids = sorted(p.id for p in data.places)
    assert mp.visible() == ids
    hq = sum(p.layer == "headquarters" for p in data.places)
    assert drawn(mp, 0) == hq == 5
    assert drawn(mp, 1) == len(ids) - hq
    assert mp.evaluate("document.querySelectorAll('canvas.mapgen-points').length") == 1
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
        """async () => { const app = window.mapgen, i = app.indexOf('hq-paris');
                   const at = [app.lat[i], app.lon[i]];
                   app.map.setView(at, 9, {animate: false});
                   await new Promise((done) => requestAnimationFrame(done));  // drawn there
                   const p = app.map.latLngToContainerPoint(at);
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
    alts = mp.page.locator(".leaflet-popup-content .mapgen-popup-altname")
    tehran = mapgen.load().places[0]
    assert tehran.id == "hq-tehran"
    shown = alts.evaluate_all("els => els.map(e => [e.lang, e.dir, e.textContent])")
    assert shown == [[lang, "auto", name] for lang, name in tehran.names]
    assert ["fa", "auto", "تهران"] in shown


def test_legend_names_layers_title_and_attribution(open_map: OpenMap, default_map: Path) -> None:
    mp = open_map(default_map)
    legend = mp.page.locator(".mapgen-legend").inner_text()
    assert "Headquarters of the People's Mojahedin Organization of Iran" in legend
    assert "Headquarters" in legend and "Dated events" in legend
    assert "CC BY-SA" in legend
    assert "29 places in 1965 – present" in legend  # the default map has no undated place


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


# The colour of the canvas under place `id`'s centre, as printed.
PIXEL = """(id) => { const app = window.mapgen, i = app.indexOf(id);
  const canvas = app.renderer.canvas.layers[0].canvas, box = canvas.getBoundingClientRect();
  const p = app.map.latLngToContainerPoint([app.lat[i], app.lon[i]]);
  const frame = app.container.getBoundingClientRect(), ratio = canvas.width / box.width;
  const x = (frame.left + p.x - box.left) * ratio, y = (frame.top + p.y - box.top) * ratio;
  return [getComputedStyle(canvas).display, getComputedStyle(canvas).visibility,
          Array.from(canvas.getContext('2d').getImageData(Math.round(x), Math.round(y), 1, 1)
            .data.slice(0, 3))]; }"""


def test_points_print(open_map: OpenMap, default_map: Path) -> None:
    """The points are a canvas: printed as they are shown, each in its layer's colour."""
    mp = open_map(default_map)
    mp.page.emulate_media(media="print")
    colour = mapgen.load().layers[0].color
    display, visibility, rgb = mp.evaluate(PIXEL, "hq-tehran")
    assert (display, visibility) == ("block", "visible")
    assert rgb == [int(colour[k : k + 2], 16) for k in (1, 3, 5)]
    mp.page.pdf()  # Chromium prints the page without an error
    assert mp.page_errors == []


def test_several_places_are_highlighted_at_once(open_map: OpenMap, default_map: Path) -> None:
    """A story step highlights several places: each keeps its ring until it is let go."""
    mp = open_map(default_map)
    rings = "document.querySelectorAll('.leaflet-overlay-pane path:not(.mapgen-path)').length"
    mp.evaluate("['hq-paris', 'hq-tehran'].forEach((id) => window.mapgen.highlight(id, true))")
    assert mp.evaluate(rings) == 2
    mp.evaluate("window.mapgen.highlight('hq-paris', false)")
    assert mp.evaluate(rings) == 1
    tehran = mp.evaluate("window.mapgen.indexOf('hq-tehran')")
    assert mp.evaluate("Object.keys(window.mapgen.renderer.canvas.marked)") == [str(tehran)]
