"""Undated places (no span): marked in the payload, shown in every period while the switch is
on (the default), counted apart from the dated ones, drawn as dashed rings (points on the
canvas at every size, shapes as vectors); and the load report's counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mapgen
from mapgen.html.payload import payload
from tests.browser import MapPage, OpenMap
from tests.helpers import feature, write_geojson


def mixed(tmp_path: Path, dated: int = 3) -> Path:
    features = [feature(f"d{i}", when=("1981/1986",), lon=10 + i, lat=50) for i in range(dated)]
    features += [feature("u1", name="Undated one", when=(), lon=5, lat=45),
                 feature("u2", name="Undated two", when=(), lon=6, lat=46)]
    return write_geojson(tmp_path / "mixed.geojson", features)


def test_payload_marks_undated_places_and_counts_what_loading_left_out(tmp_path: Path) -> None:
    source = mixed(tmp_path)
    data = payload(mapgen.load(source))
    assert data["time"]["undated"] == [3, 4]
    assert list(data["time"]["offsets"][3:]) == [3, 3, 3]  # the read-only column, sliced
    assert (data["skipped"], data["unlocated"]) == (0, 0)
    raw = json.loads(source.read_text("utf-8"))
    raw["features"].append(feature("bad", when=("not a date",)))
    raw["features"].append({**feature("nowhere"), "geometry": None})
    source.write_text(json.dumps(raw), "utf-8")
    loaded = mapgen.load(source, skip_invalid=True)
    data = payload(loaded)
    assert data["skipped"] == loaded.report.skipped >= 1
    assert data["unlocated"] == len(loaded.report.unlocated)


def undated_shown(mp: MapPage) -> list[str]:
    return [i for i in mp.visible() if i.startswith("u")]


POLYGON = {"type": "Polygon", "coordinates": [[[0, 40], [2, 40], [2, 42], [0, 40]]]}

COUNTS = """() => [document.querySelector('.mapgen-legend-count').textContent,
                   document.querySelector('.mapgen-pc-count').textContent]"""


def test_undated_places_follow_the_switch_not_the_period(open_map: OpenMap, tmp_path: Path) -> None:
    """Undated places are in every period while the switch is on, and the counts say how
    many of the places shown are dated and how many undated."""
    source = mixed(tmp_path)
    raw = json.loads(source.read_text("utf-8"))
    raw["features"].append(feature("u3", name="Undated area", when=(), geometry=POLYGON))
    source.write_text(json.dumps(raw), "utf-8")
    page = mapgen.save(mapgen.build_map(mapgen.load(source)), tmp_path / "m.html")
    mp = open_map(page)
    assert undated_shown(mp) == ["u1", "u2", "u3"]
    assert mp.evaluate(COUNTS) == ["3 places in 1981–1986 · 3 undated",
                                   "3 of 3 dated places · 3 undated"]
    mp.set_period(1500, 1600)
    assert mp.visible() == ["u1", "u2", "u3"]
    assert mp.evaluate(COUNTS) == ["0 places in 1500–1600 · 3 undated",
                                   "0 of 3 dated places · 3 undated"]
    mp.evaluate("window.mapgen.setShowUndated(false)")
    assert mp.visible() == []
    assert mp.evaluate(COUNTS) == ["0 places in 1500–1600 · undated hidden",
                                   "0 of 3 dated places · undated hidden"]
    mp.set_period(1981, 1982)
    assert mp.visible() == ["d0", "d1", "d2"]
    mp.evaluate("window.mapgen.setShowUndated(true)")
    assert undated_shown(mp) == ["u1", "u2", "u3"]
    assert mp.evaluate(COUNTS)[0] == "3 places in 1981–1982 · 3 undated"
    # a shape is a vector: an undated one has the same dashed outline as an undated point
    dashes = mp.evaluate(
        "Array.from(document.querySelectorAll('path.leaflet-interactive'))"
        ".map(p => p.getAttribute('stroke-dasharray'))"
    )
    assert dashes == ["3 3"]
    assert mp.page_errors == []


# The pixels of place `id` on the canvas: at its centre, and at 48 angles just inside its rim.
PIXELS = """(id) => { const app = window.mapgen, c = app.renderer.canvas.layers[0];
    const i = app.indexOf(id), j = Array.from(c.drawn.slice(0, c.drawnCount)).indexOf(i);
    const ctx = c.canvas.getContext('2d'), r = window.devicePixelRatio || 1;
    const at = L.DomUtil.getPosition(c.canvas);
    const x = Math.round((c.xs[j] - at.x) * r), y = Math.round((c.ys[j] - at.y) * r);
    const pixel = (u, v) => Array.from(ctx.getImageData(u, v, 1, 1).data.slice(0, 3));
    const ring = [], d = app.renderer.canvas.radius * r - 0.6;
    for (let k = 0; k < 48; k++) {
      const a = 2 * Math.PI * k / 48;
      ring.push(pixel(Math.round(x + d * Math.cos(a)), Math.round(y + d * Math.sin(a))));
    }
    return {centre: pixel(x, y), ring: ring}; }"""


@pytest.mark.parametrize("dated", [3, 2000])
def test_canvas_draws_undated_places_as_dashed_rings(
    open_map: OpenMap, tmp_path: Path, dated: int
) -> None:
    """Points are on the canvas at every size: a dated one is a disc in its layer's colour,
    an undated one white inside a dashed ring in that colour (dashes and gaps around it)."""
    features = [feature(f"d{i}", lon=-20 + (i % 50), lat=-20 + i // 50) for i in range(dated)]
    features += [feature("u1", when=(), lon=40, lat=40)]
    page = mapgen.save(
        mapgen.build_map(mapgen.load(write_geojson(tmp_path / "big.geojson", features))),
        tmp_path / "big.html",
    )
    mp = open_map(page)
    assert mp.evaluate("document.querySelectorAll('canvas.mapgen-points').length") == 1
    assert mp.evaluate("document.querySelectorAll('path.leaflet-interactive').length") == 0
    colour = mapgen.load(tmp_path / "big.geojson").layers[0].color
    rgb = [int(colour[k : k + 2], 16) for k in (1, 3, 5)]
    dated_point, undated_point = mp.evaluate(PIXELS, "d0"), mp.evaluate(PIXELS, "u1")
    assert dated_point["centre"] == rgb
    assert undated_point["centre"] == [255, 255, 255]
    inked = [pixel == rgb for pixel in undated_point["ring"]]
    assert 0.25 < sum(inked) / len(inked) < 0.75, inked  # dashes, and gaps between them
    mp.evaluate("window.mapgen.setShowUndated(false)")
    assert "u1" not in mp.visible()
