"""Undated places (no span): marked in the payload, shown in every period while the switch is
on (the default), drawn as dashed rings by both renderers; and the load report's counts."""

from __future__ import annotations

import json
from pathlib import Path

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


def test_undated_places_follow_the_switch_not_the_period(open_map: OpenMap, tmp_path: Path) -> None:
    page = mapgen.save(mapgen.build_map(mapgen.load(mixed(tmp_path))), tmp_path / "m.html")
    mp = open_map(page)
    assert undated_shown(mp) == ["u1", "u2"]
    mp.set_period(1500, 1600)
    assert mp.visible() == ["u1", "u2"]
    mp.evaluate("window.mapgen.setShowUndated(false)")
    assert mp.visible() == []
    mp.set_period(1981, 1982)
    assert mp.visible() == ["d0", "d1", "d2"]
    mp.evaluate("window.mapgen.setShowUndated(true)")
    assert undated_shown(mp) == ["u1", "u2"]
    dashes = mp.evaluate(
        "Array.from(document.querySelectorAll('path.leaflet-interactive'))"
        ".map(p => p.getAttribute('stroke-dasharray'))"
    )
    assert sorted(dashes, key=str) == ["3 3", "3 3", None, None, None]
    assert mp.page_errors == []


def test_canvas_draws_undated_places_as_rings(open_map: OpenMap, tmp_path: Path) -> None:
    features = [feature(f"d{i}", lon=-20 + (i % 50), lat=-20 + i // 50) for i in range(2000)]
    features += [feature("u1", when=(), lon=40, lat=40)]
    page = mapgen.save(
        mapgen.build_map(mapgen.load(write_geojson(tmp_path / "big.geojson", features))),
        tmp_path / "big.html",
    )
    mp = open_map(page)
    assert mp.evaluate("document.querySelectorAll('canvas.mapgen-points').length") == 1
    # The pixel at the centre of a dated point is its layer's colour; of the undated one, white.
    centre = """(id) => { const app = window.mapgen, c = app.renderer.canvas.layers[0];
        const i = app.indexOf(id), j = Array.from(c.drawn.slice(0, c.drawnCount)).indexOf(i);
        const ctx = c.canvas.getContext('2d'), r = window.devicePixelRatio || 1;
        const at = L.DomUtil.getPosition(c.canvas);
        const x = Math.round((c.xs[j] - at.x) * r), y = Math.round((c.ys[j] - at.y) * r);
        return Array.from(ctx.getImageData(x, y, 1, 1).data.slice(0, 3)); }"""
    colour = mapgen.load(tmp_path / "big.geojson").layers[0].color
    rgb = [int(colour[k : k + 2], 16) for k in (1, 3, 5)]
    assert mp.evaluate(centre, "d0") == rgb
    assert mp.evaluate(centre, "u1") == [255, 255, 255]
    mp.evaluate("window.mapgen.setShowUndated(false)")
    assert "u1" not in mp.visible()
