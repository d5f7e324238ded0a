"""Many places: compact pages, one canvas for all points, every place still clickable."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

import mapgen
from tests.conftest import OpenMap

SIZE = 5000


def synthetic(size: int) -> dict:
    rng = random.Random(7)
    features = []
    for n in range(size):
        start = rng.randint(1900, 2020)
        when = rng.choice(
            [
                f"{start}/{start + rng.randint(0, 15)}",
                f"{start}/..",
                f"{start}~/{start + 5}",
                f"{start}-{rng.randint(1, 12):02d}",
            ]
        )
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(rng.uniform(-20, 40), 4), round(rng.uniform(30, 60), 4)],
                },
                "properties": {
                    "id": f"p{n:05d}",
                    "name": f"Place {n}",
                    "layer": f"layer-{n % 3}",
                    "when": [when],
                    "description": f"Synthetic place {n}.",
                    "sources": [{"title": f"Entry {n}", "url": f"https://example.org/{n}"}],
                },
            }
        )
    return {"type": "FeatureCollection", "title": "Scale test", "features": features}


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("scale")
    source = folder / "big.geojson"
    source.write_text(json.dumps(synthetic(SIZE)), "utf-8")
    page = mapgen.save(mapgen.load(source), folder / "big.html")
    return source, page


def test_html_bytes_per_place_stay_bounded(big: tuple[Path, Path]) -> None:
    source, page = big
    compact = len(json.dumps(json.loads(source.read_text("utf-8")), separators=(",", ":")))
    empty = mapgen.save(mapgen.load(), source.parent / "small.html").stat().st_size
    per_place = (page.stat().st_size - empty) / SIZE
    assert per_place < 75, f"{per_place:.0f} bytes a place"  # 53 measured; unpacked: ~250
    # the places' part of the page (not the fixed Leaflet and basemap every page carries)
    assert page.stat().st_size - empty < 0.4 * compact


def test_a_canvas_draws_dense_layers_and_places_stay_clickable(
    open_map: OpenMap, big: tuple[Path, Path]
) -> None:
    source, page = big
    mp = open_map(page)  # every place a point: one canvas for all layers (point-canvas.js)
    assert mp.evaluate("document.querySelectorAll('canvas.mapgen-points').length") == 1
    assert mp.evaluate("document.querySelectorAll('path.leaflet-interactive').length") == 0
    data = mapgen.load(source)
    mp.set_period(1950, 1960)
    expected = sorted(
        p.id for p in mapgen.select(data, mapgen.period(data, start="1950", end="1960")).places
    )
    assert mp.visible() == expected
    # Click the first point drawn on the top layer's canvas: its popup opens.
    name, x, y = mp.evaluate(
        """() => { const app = window.mapgen, layer = app.renderer.canvas.layers[0];
                   const i = layer.drawn[0];
                   const p = app.map.layerPointToContainerPoint([layer.xs[0], layer.ys[0]]);
                   const r = app.container.getBoundingClientRect();
                   return [app.places.name[i], r.left + p.x, r.top + p.y]; }"""
    )
    mp.page.mouse.click(x, y)
    popup = mp.page.locator(".leaflet-popup-content .mapgen-popup-name")
    popup.wait_for()
    assert popup.inner_text() == name


def test_switching_a_dense_layer_off_removes_it(open_map: OpenMap, big: tuple[Path, Path]) -> None:
    mp = open_map(big[1])
    mp.page.locator(".leaflet-control-layers-overlays label", has_text="layer-0").click()
    assert mp.evaluate("document.querySelectorAll('canvas.mapgen-points').length") == 1
    assert not [i for i in mp.visible() if int(i[1:]) % 3 == 0]
    mp.set_period(1990, 2000)
    assert not [i for i in mp.visible() if int(i[1:]) % 3 == 0]
    assert mp.console_errors == [] and mp.page_errors == []


def test_packed_places_travel_in_a_data_block_the_policy_allows(
    open_map: OpenMap, big: tuple[Path, Path]
) -> None:
    """The packed places sit in a non-JavaScript data block, not in a string of the script:
    the policy holds no hash of it, the page runs without a policy error and drops the block
    once read; the popups' texts wait for the first popup."""
    html = big[1].read_text("utf-8")
    block = re.search(r'<script type="application/octet-stream" id="([^"]+)-packed">([^<]*)<', html)
    assert block and len(block.group(2)) > 100_000
    assert re.fullmatch(r"\s*[A-Za-z0-9+/]+=*\s*", block.group(2))  # base64 (HTML spaces)
    assert f'<div class="folium-map" id="{block.group(1)}"' in html
    assert block.group(2) not in html.split("MapgenApp.create", 1)[1].split("</script>", 1)[0]
    mp = open_map(big[1])
    assert mp.page_errors == []
    assert [e for e in mp.console_errors if "Content Security Policy" in e] == []
    blocks = "document.querySelectorAll('script[type=\"application/octet-stream\"]').length"
    assert mp.evaluate(blocks) == 0
    assert mp.evaluate("window.mapgen.count") == SIZE
    # The popups' texts and the names are parsed when first needed, not before drawing.
    lazy = "(key) => typeof Object.getOwnPropertyDescriptor(window.mapgen.places, key).get"
    assert mp.evaluate(lazy, "info") == "function" and mp.evaluate(lazy, "name") == "function"
    mp.evaluate("window.mapgen.openPopup('p04999')")
    assert mp.evaluate(lazy, "info") == "undefined" and mp.evaluate(lazy, "name") == "undefined"
    assert "Synthetic place 4999." in mp.page.locator(".leaflet-popup-content").inner_text()
    assert mp.evaluate("window.mapgen.places.info.when.length") == SIZE


def test_a_large_map_opens_on_its_places_or_the_view_its_hash_names(
    open_map: OpenMap, big: tuple[Path, Path]
) -> None:
    """A large map sets its view as soon as it is unpacked (not a frame later): the view
    still fits the places, or is the one the URL hash names."""
    fitted = open_map(big[1])
    bounds = fitted.evaluate("window.mapgen.map.getBounds().toBBoxString()").split(",")
    west, south, east, north = map(float, bounds)
    assert west <= -20 and east >= 40 and south <= 30 and north >= 60
    named = open_map(big[1], url_hash="z=7&c=45.5,10.25")
    assert named.evaluate("window.mapgen.map.getZoom()") == 7
    centre = named.evaluate("(({lat, lng}) => [lat, lng])(window.mapgen.map.getCenter())")
    assert centre == pytest.approx([45.5, 10.25], abs=0.01)
