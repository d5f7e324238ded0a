"""The offline basemap (basemap.js): projected once, then only placed, and where Leaflet puts
the same coordinates at every zoom."""

from __future__ import annotations

from pathlib import Path

import pytest

import mapgen
from tests.conftest import OpenMap
from tests.helpers import feature, write_geojson

# For the largest country path: its paths' d (unchanged after zooms), and its box on the
# screen beside the box Leaflet gives its coordinates.
PLACED = """() => {
  const app = window.mapgen, map = app.map, c = app.container.getBoundingClientRect();
  const features = window.MapgenCountries.features, paths = document.querySelectorAll(
    '.leaflet-mapgen-basemap-pane path');
  let best = 0, size = 0;
  features.forEach((f, k) => {
    const n = JSON.stringify(f.geometry.coordinates).length;
    if (n > size) { size = n; best = k; }
  });
  const g = features[best].geometry, rings = g.type === 'Polygon' ? [g.coordinates]
    : g.coordinates;
  let west = 180, east = -180, south = 90, north = -90;
  rings.forEach(p => p.forEach(r => r.forEach(([x, y]) => {
    west = Math.min(west, x); east = Math.max(east, x);
    south = Math.min(south, y); north = Math.max(north, y); })));
  const nw = map.latLngToContainerPoint([north, west]);
  const se = map.latLngToContainerPoint([south, east]);
  const r = paths[best].getBoundingClientRect();
  return {d: paths[0].getAttribute('d'), count: paths.length,
          got: [r.left - c.left, r.top - c.top, r.right - c.left, r.bottom - c.top],
          want: [nw.x, nw.y, se.x, se.y]};
}"""


@pytest.mark.parametrize("view", ["z=2&c=20,0", "z=5&c=55,90", "z=9&c=60,100"])
def test_the_basemap_sits_where_leaflet_projects_it(
    open_map: OpenMap, tmp_path: Path, view: str
) -> None:
    source = write_geojson(tmp_path / "one.geojson", [feature("a", lon=10, lat=50)])
    page = mapgen.save(mapgen.build_map(mapgen.load(source), tiles="none"), tmp_path / "one.html")
    mp = open_map(page, url_hash=view)
    first = mp.evaluate(PLACED)
    assert first["count"] > 100
    # the largest country's box, drawn by the SVG, is where Leaflet puts its coordinates
    # (it may reach past the map: the box is the path's, not what shows)
    assert first["got"] == pytest.approx(first["want"], abs=1.5)
    mp.evaluate("window.mapgen.map.setZoom(window.mapgen.map.getZoom() + 1, {animate: false})")
    mp.evaluate("window.mapgen.map.panBy([120, -80], {animate: false})")
    moved = mp.evaluate(PLACED)
    assert moved["got"] == pytest.approx(moved["want"], abs=1.5)
    assert moved["d"] == first["d"]  # projected once, not again on a zoom or pan
    assert mp.page_errors == []
