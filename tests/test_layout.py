"""The map as a reader meets it (issue 10): at a desktop, a report column and a phone, no
control hides a place in the first view, the controls do not overlap one another, folded
controls open from the hash, the timeline docks below the map, the words are words."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import mapgen
from tests.conftest import OpenMap
from tests.helpers import build, feature, write_geojson

# The screenshots go to a temporary folder; MAPGEN_SCREENSHOTS=docs writes them into docs/
# (docs/layout-<map>-<w>x<h>.png; README's docs/screenshot.png, a story's step, is
# test_story_browser.py's), to be looked at and kept, and MAPGEN_SCREENSHOTS=/some/folder
# into that folder, to be looked at.
DOCS = Path(__file__).resolve().parent.parent / "docs"
SIZES = [(1280, 800), (650, 480), (600, 450), (390, 740)]

# Every place in the view, with the control (if any) its pixel is under.
PLACES_UNDER_CONTROLS = """() => {
  const app = window.mapgen, map = app.map, c = app.container.getBoundingClientRect();
  const boxes = [...app.container.querySelectorAll('.leaflet-control')]
    .map(n => [n.className, n.getBoundingClientRect()]).filter(b => b[1].width && b[1].height);
  const out = {inView: 0, hidden: []};
  app.places.id.forEach((id, i) => {
    const ll = app.shapes[i] ? null : [app.lat[i], app.lon[i]];
    if (!ll || !map.getBounds().contains(ll)) return;
    out.inView++;
    const p = map.latLngToContainerPoint(ll), x = c.left + p.x, y = c.top + p.y;
    boxes.forEach(([name, r]) => {
      if (x >= r.left && x <= r.right && y >= r.top && y <= r.bottom)
        out.hidden.push(app.places.id[i] + ' under ' + name);
    });
  });
  return out;
}"""

# Pairs of controls whose boxes overlap.
OVERLAPS = """() => {
  const nodes = [...document.querySelectorAll('.leaflet-control')]
    .filter(n => n.getBoundingClientRect().width);
  const out = [];
  for (let i = 0; i < nodes.length; i++) for (let j = i + 1; j < nodes.length; j++) {
    const a = nodes[i].getBoundingClientRect(), b = nodes[j].getBoundingClientRect();
    if (a.left < b.right - 1 && b.left < a.right - 1
        && a.top < b.bottom - 1 && b.top < a.bottom - 1)
      out.push(nodes[i].className + ' / ' + nodes[j].className);
  }
  return out;
}"""

# Buttons, fields and switches smaller than 44 x 44 px (links and labels of the layer control
# count through their labels).
SMALL_TARGETS = """() => [...document.querySelectorAll(
    '.leaflet-control button, .leaflet-control input[type=text], .leaflet-control select,'
    + ' .leaflet-control-zoom a, .leaflet-control-layers label')]
  .filter(n => n.getClientRects().length)
  .map(n => [n.className || n.tagName, n.getBoundingClientRect()])
  .filter(([, r]) => r.width < 44 || r.height < 44)
  .map(([name, r]) => name + ' ' + Math.round(r.width) + 'x' + Math.round(r.height))"""


def many_layers(folder: Path) -> Path:
    """37 layers of 3 places each, spread over Europe, as a real gazetteer gave."""
    features = []
    for layer in range(37):
        for k in range(3):
            n = layer * 3 + k
            features.append(feature(
                f"p{n}", name=f"Place {n}", layer=f"Category {layer:02d}",
                when=(f"{1800 + n}/{1850 + n}",),
                lon=-9.0 + (n * 7.3) % 38.0, lat=36.0 + (n * 4.1) % 22.0,
            ))
    source = write_geojson(folder / "many.geojson", features, title="Thirty-seven layers")
    out = folder / "many.html"
    build(str(source), "-o", str(out))
    return out


def residences(folder: Path) -> Path:
    """A CSV of a person's residences, with an ongoing last one."""
    rows = [
        "id,name,layer,lon,lat,start,end",
        "r1,Vienna,residences,16.37,48.21,1890,1910",
        "r2,Zurich,residences,8.54,47.37,1910,1933",
        "r3,Oxford,residences,-1.26,51.75,1933,1950",
        "r4,Princeton,residences,-74.66,40.35,1950,present",  # ongoing (an empty end: unknown)
    ]
    source = folder / "residences.csv"
    source.write_text("\n".join(rows) + "\n", "utf-8")
    out = folder / "residences.html"
    build(str(source), "--lon-field", "lon", "--lat-field", "lat", "--start-field", "start",
          "--end-field", "end", "-o", str(out))
    return out


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where this test's screenshots go."""
    wanted = os.environ.get("MAPGEN_SCREENSHOTS", "")
    if not wanted:
        return tmp_path
    folder = DOCS if wanted == "docs" else Path(wanted)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def maps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("layout")
    default = folder / "default.html"
    mapgen.save(mapgen.load(), default)
    return {"default": default, "37-layers": many_layers(folder), "csv": residences(folder)}


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("name", ["default", "37-layers", "csv"])
def test_no_control_hides_a_place(
    open_map: OpenMap, maps: dict[str, Path], shots: Path, name: str, size: tuple[int, int]
) -> None:
    mp = open_map(maps[name], viewport=size)
    found: dict[str, Any] = mp.evaluate(PLACES_UNDER_CONTROLS)
    mp.screenshot(shots / f"layout-{name}-{size[0]}x{size[1]}.png")
    assert found["inView"] > 0
    assert found["hidden"] == []
    assert mp.evaluate(OVERLAPS) == []
    if size[0] < 500:  # a phone: folded controls, touch-sized targets
        assert mp.page.locator(".mapgen-legend.mapgen-collapsed").count() == 1
        assert mp.page.locator(".mapgen-period-control.mapgen-collapsed").count() == 1
        assert mp.evaluate(SMALL_TARGETS) == []
    mp.assert_clean()


# The share of the map under its controls (boxes clipped to the map), measured here.
COVERED = """() => {
  const c = window.mapgen.container, o = c.getBoundingClientRect();
  let sum = 0;
  c.querySelectorAll('.leaflet-control').forEach(n => {
    const r = n.getBoundingClientRect();
    const w = Math.min(r.right, o.right) - Math.max(r.left, o.left);
    const h = Math.min(r.bottom, o.bottom) - Math.max(r.top, o.top);
    if (w > 0 && h > 0) sum += w * h;
  });
  return sum / (o.width * o.height);
}"""
FOLDED = "() => [...document.querySelectorAll('.mapgen-collapsed')].map(n => n.classList[0])"


@pytest.mark.parametrize("name", ["default", "37-layers"])
def test_open_controls_cover_at_most_a_quarter_of_a_small_map(
    open_map: OpenMap, maps: dict[str, Path], shots: Path, name: str
) -> None:
    """At 650 x 480 the expanded controls covered about 45% of the map."""
    mp = open_map(maps[name], viewport=(650, 480))
    mp.screenshot(shots / f"layout-folded-{name}-650x480.png")
    assert mp.evaluate(COVERED) <= 0.25
    assert mp.page.locator(".mapgen-search.mapgen-collapsed").count() == 0  # folded last
    assert mp.evaluate("location.hash") == ""  # a first state, not the reader's choice
    mp.page.locator(".mapgen-legend-toggle").click()  # the reader opens it again
    assert mp.page.locator(".mapgen-legend-body").is_visible()
    mp.assert_clean()


def test_a_large_map_folds_nothing_and_the_hash_wins(
    open_map: OpenMap, maps: dict[str, Path]
) -> None:
    big = open_map(maps["default"], viewport=(1280, 800))
    assert big.evaluate(FOLDED) == []
    small = open_map(maps["default"], viewport=(650, 480), url_hash="legend=1&filter=1")
    assert "mapgen-legend" not in small.evaluate(FOLDED)
    assert "mapgen-period-control" not in small.evaluate(FOLDED)
    assert small.page.locator(".mapgen-legend-body").is_visible()


def test_folded_controls_are_kept_in_the_hash(open_map: OpenMap, maps: dict[str, Path]) -> None:
    mp = open_map(maps["default"], viewport=(1280, 800))
    assert mp.page.locator(".mapgen-legend-body").is_visible()
    mp.page.locator(".mapgen-legend-toggle").click()
    assert not mp.page.locator(".mapgen-legend-body").is_visible()
    mp.page.locator(".mapgen-pc-collapse").click()
    assert not mp.page.locator(".mapgen-pc-track").is_visible()
    assert mp.evaluate("location.hash") == "#legend=0&filter=0"
    again = open_map(maps["default"], viewport=(1280, 800), url_hash="legend=0&filter=0")
    assert again.page.locator(".mapgen-legend-toggle").get_attribute("aria-expanded") == "false"
    assert again.page.locator(".mapgen-pc-summary").inner_text() == "1965 – present"
    phone = open_map(maps["default"], viewport=(390, 740), url_hash="legend=1")
    assert phone.page.locator(".mapgen-legend-body").is_visible()  # the hash wins


@pytest.mark.parametrize("size", [(1280, 800), (390, 740)], ids=["1280x800", "390x740"])
def test_the_timeline_docks_below_the_map(
    open_map: OpenMap, maps: dict[str, Path], shots: Path, size: tuple[int, int]
) -> None:
    mp = open_map(maps["default"], viewport=size)
    if size[0] < 500:  # folded on a phone
        mp.page.locator(".mapgen-pc-collapse").click()
    mp.page.locator(".mapgen-pc-timeline-toggle").click()
    boxes = mp.evaluate("""() => {
      const map = window.mapgen.container.getBoundingClientRect();
      const panel = document.querySelector('.mapgen-pc-panel').getBoundingClientRect();
      return {mapBottom: map.bottom, panelTop: panel.top, pageHeight: document.body.scrollHeight};
    }""")
    assert boxes["panelTop"] >= boxes["mapBottom"]  # below the map, not over it
    assert boxes["pageHeight"] <= size[1]  # the map made room: the page does not scroll
    assert mp.evaluate(PLACES_UNDER_CONTROLS)["hidden"] == []
    mp.screenshot(shots / f"layout-timeline-{size[0]}x{size[1]}.png")
    mp.page.locator(".mapgen-pc-timeline-toggle").click()
    assert mp.evaluate("window.mapgen.container.getBoundingClientRect().height") == size[1]


def test_a_popup_opens_clear_of_the_controls(open_map: OpenMap, maps: dict[str, Path]) -> None:
    mp = open_map(maps["default"], viewport=(650, 480))
    mp.evaluate("window.mapgen.openPopup('hq-tehran')")
    mp.page.wait_for_timeout(600)  # the autopan
    overlaps = mp.evaluate("""() => {
      const popup = document.querySelector('.leaflet-popup').getBoundingClientRect();
      return [...document.querySelectorAll('.leaflet-control')].filter(n => {
        const r = n.getBoundingClientRect();
        return r.width && popup.left < r.right && r.left < popup.right
          && popup.top < r.bottom && r.top < popup.bottom;
      }).map(n => n.className);
    }""")
    assert overlaps == []


def test_words_not_iso(open_map: OpenMap, maps: dict[str, Path], tmp_path: Path) -> None:
    mp = open_map(maps["csv"], viewport=(1280, 800))
    assert mp.page.locator(".mapgen-pc-to").input_value() == "present"
    assert mp.page.locator(".mapgen-pc-to").get_attribute("aria-label").startswith("End of period")
    mp.page.locator(".mapgen-pc-to").fill("1940")
    mp.page.locator(".mapgen-pc-to").press("Enter")
    assert mp.evaluate("window.mapgen.period()") == {"from": "1890-01-01", "to": "1940-12-31"}
    mp.page.locator(".mapgen-pc-to").fill("present")
    mp.page.locator(".mapgen-pc-to").press("Enter")
    assert mp.page.locator(".mapgen-pc-to").input_value() == "present"
    assert "1 layer" in mp.page.locator(".mapgen-layers-toggle").get_attribute("aria-label")
    assert "layers" not in mp.page.locator(".mapgen-layers-toggle").get_attribute("aria-label")


def test_the_legend_counts_what_was_not_drawn(open_map: OpenMap, maps: dict[str, Path]) -> None:
    mp = open_map(maps["default"])
    assert mp.page.locator(".mapgen-legend-left-out").count() == 0  # none: nothing said
    lines = mp.evaluate("""() => {
      const app = window.mapgen, fake = Object.create(app);
      fake.data = Object.assign({}, app.data, {skipped: 3, unlocated: 1});
      const box = window.MapgenLegend(fake).onAdd(app.map);
      return [...box.querySelectorAll('.mapgen-legend-left-out')].map(n => n.textContent);
    }""")
    assert lines == ["3 features left out as invalid", "1 place not located (not drawn)"]


def test_the_undated_switch(
    open_map: OpenMap, maps: dict[str, Path], tmp_path: Path
) -> None:
    plain = open_map(maps["default"])  # no undated place: no switch
    assert plain.page.locator(".mapgen-pc-undated").count() == 0
    undated = feature("undated")
    del undated["properties"]["when"]
    source = write_geojson(tmp_path / "u.geojson", [feature("dated", when=["1990/2000"]), undated])
    mp = open_map(mapgen.save(mapgen.load(source), tmp_path / "u.html"))
    assert mp.visible() == ["dated", "undated"]
    mp.set_period(1950, 1960)
    assert mp.visible() == ["undated"]  # shown in every period while the switch is on
    switch = mp.page.locator(".mapgen-pc-undated input")
    assert switch.is_checked() and mp.page.locator(".mapgen-pc-undated").text_content() == (
        "Undated places"
    )
    switch.click()
    assert mp.visible() == []
    assert "undated=0" in mp.evaluate("location.hash")
    switch.click()
    assert mp.visible() == ["undated"]


def test_a_phone_with_every_control_open(open_map: OpenMap, maps: dict[str, Path]) -> None:
    mp = open_map(
        maps["default"], viewport=(390, 740), url_hash="legend=1&filter=1&layers=1&search=1"
    )
    assert mp.page.locator(".mapgen-collapsed").count() == 0
    assert mp.evaluate(SMALL_TARGETS) == []
    assert mp.evaluate(OVERLAPS) == []
    found = mp.evaluate(PLACES_UNDER_CONTROLS)
    assert found["inView"] == 29 and found["hidden"] == []  # in the band the controls leave


def test_at_one_date_in_the_last_year_of_an_ongoing_axis(
    open_map: OpenMap, maps: dict[str, Path]
) -> None:
    mp = open_map(maps["csv"])
    year = mp.evaluate("MapgenDates.civilFromDays(MapgenDates.today())[0]")
    mp.page.locator(".mapgen-pc-mode").click()
    mp.page.locator(".mapgen-pc-from").fill(str(year))
    mp.page.locator(".mapgen-pc-from").press("Enter")
    assert mp.page.locator(".mapgen-pc-from").input_value() == str(year)  # a year, not a day
    assert mp.page.locator(".mapgen-pc-print-label").text_content() == f"Date: {year}"
