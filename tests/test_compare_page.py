"""Issue 23 in the page: two periods side by side (`mapgen build --compare`, the hash, the
"Compare" button), each an ordinary mapgen map with its own period control, count and
`element.mapgen` handle; one view, one legend, one set of layer switches."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import mapgen
from mapgen.cli import main
from tests.conftest import OpenMap
from tests.test_accessibility import audit
from tests.test_layout import DOCS, OVERLAPS, SMALL_TARGETS

SIZES = [(1280, 800), (650, 480), (390, 740)]
PERIODS = ("1981/1986", "2003/..")
READY = "[data-mapgen-compare-ready]"

# Each map of the page: its period, what it shows, its box and its view.
MAPS = """() => [...document.querySelectorAll('.mapgen-map')].map(node => {
  const app = node.mapgen, map = app.map, r = node.getBoundingClientRect();
  return {id: node.id, period: app.period(), visible: app.visible(),
          box: [r.left, r.top, r.width, r.height], center: map.getCenter(),
          zoom: map.getZoom(), count: app.container.querySelector('.mapgen-pc-count')
            .textContent};
})"""

# Per map: the places in its view under one of its own controls.
HIDDEN = """() => [...document.querySelectorAll('.mapgen-map')].flatMap(node => {
  const app = node.mapgen, map = app.map, c = node.getBoundingClientRect();
  const boxes = [...node.querySelectorAll('.leaflet-control')]
    .map(n => [n.className, n.getBoundingClientRect()]).filter(b => b[1].width && b[1].height);
  const out = [];
  app.visible().forEach(id => {
    const i = app.indexOf(id);
    if (app.shapes[i] || !map.getBounds().contains([app.lat[i], app.lon[i]])) return;
    const p = map.latLngToContainerPoint([app.lat[i], app.lon[i]]);
    const x = c.left + p.x, y = c.top + p.y;
    boxes.forEach(([name, r]) => {
      if (x >= r.left && x <= r.right && y >= r.top && y <= r.bottom)
        out.push(node.id + ': ' + id + ' under ' + name);
    });
  });
  return out;
})"""


def listed(*args: str) -> list[str]:
    """The ids `mapgen list` gives for these options."""
    result = CliRunner().invoke(main, ["list", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return sorted(place["id"] for place in json.loads(result.stdout))


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("compare")
    compared = folder / "compare.html"
    result = CliRunner().invoke(main, ["build", "--compare", *PERIODS, "-o", str(compared)])
    assert result.exit_code == 0, result.output
    plain = folder / "plain.html"
    mapgen.save(mapgen.load(), plain)
    return {"compare": compared, "plain": plain}


def opened(open_map: OpenMap, path: Path, **kwargs: Any) -> Any:
    mp = open_map(path, **kwargs)
    mp.page.wait_for_selector(READY)
    return mp


def test_both_maps_show_what_mapgen_list_gives(open_map: OpenMap, pages: dict[str, Path]) -> None:
    mp = opened(open_map, pages["compare"])
    first, second = mp.evaluate(MAPS)
    assert first["period"] == {"from": "1981-01-01", "to": "1986-12-31"}
    assert second["period"]["from"] == "2003-01-01"  # to: today, as the page reckons it
    # the page shows undated places while its switch is on (the default): --keep-undated
    assert first["visible"] == listed("--from", "1981", "--to", "1986", "--keep-undated")
    assert second["visible"] == listed("--from", "2003", "--keep-undated")
    assert first["count"].startswith(f"{len(first['visible'])} of")  # each its own count
    assert second["count"].startswith(f"{len(second['visible'])} of")
    mp.evaluate("""() => document.querySelectorAll('.mapgen-map')
      .forEach(node => node.mapgen.setShowUndated(false))""")
    first, second = mp.evaluate(MAPS)
    assert first["visible"] == listed("--from", "1981", "--to", "1986")
    assert second["visible"] == listed("--from", "2003")
    # window.mapgen is the first map; each container keeps its own handle
    assert mp.evaluate("() => window.mapgen === document.querySelector('.mapgen-map').mapgen")
    second_handle = "document.querySelectorAll('.mapgen-map')[1].mapgen"
    assert mp.evaluate(f"() => {second_handle}.setPeriod(1990, 1995)") == {
        "from": "1990-01-01", "to": "1995-12-31"}
    assert mp.evaluate(f"() => {second_handle}.visible()") == listed("--from", "1990", "--to",
                                                                      "1995")
    assert mp.evaluate(MAPS)[0]["period"]["from"] == "1981-01-01"  # the first kept its own
    mp.assert_clean()


def center_gap(mp: Any) -> float:
    """Pixels between the second map's centre and where it shows the first map's centre."""
    return float(mp.evaluate("""() => {
      const [a, b] = [...document.querySelectorAll('.mapgen-map')].map(n => n.mapgen.map);
      const p = b.latLngToContainerPoint(a.getCenter()), s = b.getSize();
      return Math.hypot(p.x - s.x / 2, p.y - s.y / 2);
    }"""))


@pytest.mark.parametrize("size", [(1280, 800), (390, 740)], ids=["wide", "narrow"])
def test_pan_or_zoom_one_map_and_the_other_follows(
    open_map: OpenMap, pages: dict[str, Path], size: tuple[int, int]
) -> None:
    mp = opened(open_map, pages["compare"], viewport=size)
    assert center_gap(mp) < 1
    for n, move in enumerate(["panBy([120, -80], {animate: false})", "setZoom(5)",
                              "panBy([-300, 40], {animate: false})", "zoomOut(2)"]):
        mp.evaluate(f"() => document.querySelectorAll('.mapgen-map')[{n % 2}].mapgen.map.{move}")
        mp.page.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')")
        zooms = [m["zoom"] for m in mp.evaluate(MAPS)]
        assert zooms[0] == zooms[1], move
        assert center_gap(mp) < 1, move
    box = mp.page.locator(".mapgen-compare-second").bounding_box()
    assert box is not None  # a drag with the mouse on the second map moves the first
    mp.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 3)
    mp.page.mouse.down()
    mp.page.mouse.move(box["x"] + box["width"] / 2 - 60, box["y"] + box["height"] / 3 + 30,
                       steps=5)
    mp.page.mouse.up()
    assert center_gap(mp) < 1
    mp.assert_clean()


def test_one_legend_and_one_set_of_layer_switches(
    open_map: OpenMap, pages: dict[str, Path]
) -> None:
    mp = opened(open_map, pages["compare"])
    shown = mp.evaluate("""() => ['.mapgen-legend', '.leaflet-control-layers'].map(s =>
      [...document.querySelectorAll(s)].filter(n => n.getClientRects().length).length)""")
    assert shown == [1, 1]
    events = listed("--layer", "events")
    mp.page.get_by_role("checkbox", name="Dated events").uncheck()
    for place in mp.evaluate(MAPS):
        assert not set(place["visible"]) & set(events), place["id"]
    mp.page.get_by_role("checkbox", name="Dated events").check()
    _, second = mp.evaluate(MAPS)
    assert set(second["visible"]) & set(events)
    mp.assert_clean()


def test_the_hash_round_trips(open_map: OpenMap, pages: dict[str, Path]) -> None:
    mp = opened(open_map, pages["plain"], url_hash="compare=1981/1986,2003/..")
    first, second = mp.evaluate(MAPS)
    assert first["period"] == {"from": "1981-01-01", "to": "1986-12-31"}
    assert second["period"]["from"] == "2003-01-01"
    mp.evaluate("() => document.querySelectorAll('.mapgen-map')[1].mapgen.setPeriod(1990, "
                "'1995-06')")
    mp.page.wait_for_function("() => location.hash.includes('1990/1995-06')")
    url_hash = mp.evaluate("() => location.hash")
    assert "compare=1981/1986,1990/1995-06" in url_hash
    assert "from=" not in url_hash and "to=" not in url_hash
    again = opened(open_map, pages["plain"], url_hash=url_hash)
    assert [m["period"] for m in again.evaluate(MAPS)] == [
        {"from": "1981-01-01", "to": "1986-12-31"}, {"from": "1990-01-01", "to": "1995-06-30"}]
    assert again.evaluate(MAPS)[0]["zoom"] == first["zoom"]  # the view came back too
    again.set_hash("from=1990&to=2000")  # a link to one period: back to one map
    again.page.wait_for_function("() => document.querySelectorAll('.mapgen-map').length === 1")
    assert again.evaluate("() => window.mapgen.period()") == {
        "from": "1990-01-01", "to": "2000-12-31"}
    mp.assert_clean()
    again.assert_clean()


def test_the_compare_button_splits_the_current_view(
    open_map: OpenMap, pages: dict[str, Path]
) -> None:
    mp = open_map(pages["plain"])
    mp.set_period(1986, 2003)
    before = mp.evaluate(MAPS)[0]
    button = mp.page.get_by_role("button", name="Compare")
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    mp.page.wait_for_selector(READY)
    first, second = mp.evaluate(MAPS)
    assert first["period"] == second["period"] == before["period"]
    assert first["zoom"] == before["zoom"] and center_gap(mp) < 1
    assert button.get_attribute("aria-pressed") == "true"
    assert mp.page.locator(".mapgen-pc-compare").count() == 1  # on the first map only
    mp.page.wait_for_function("() => location.hash.includes('compare=1986/2003,1986/2003')")
    button.click()
    assert mp.evaluate("() => document.querySelectorAll('.mapgen-map').length") == 1
    mp.page.wait_for_function("() => !location.hash.includes('compare')")
    assert mp.evaluate("() => location.hash").count("from=1986") == 1
    assert mp.evaluate(MAPS)[0]["box"][2] == before["box"][2]  # the map is whole again
    mp.assert_clean()


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_layout_and_axe_at_three_sizes(
    open_map: OpenMap, pages: dict[str, Path], size: tuple[int, int], tmp_path: Path
) -> None:
    mp = opened(open_map, pages["compare"], viewport=size)
    first, second = mp.evaluate(MAPS)
    stacked = size[0] < 700
    if stacked:  # one above the other, each the page's width
        assert first["box"][1] + first["box"][3] <= second["box"][1]
        assert first["box"][2] == second["box"][2] == size[0]
    else:  # side by side, each about half the width
        assert first["box"][0] + first["box"][2] <= second["box"][0]
        assert abs(first["box"][2] - second["box"][2]) <= 1
    assert mp.evaluate(HIDDEN) == []
    assert mp.evaluate(OVERLAPS) == []
    if size[0] < 500:
        assert mp.evaluate(SMALL_TARGETS) == []
    assert audit(mp) == []
    shots = DOCS if os.environ.get("MAPGEN_SCREENSHOTS") == "docs" else tmp_path
    mp.wait_tiles()
    mp.screenshot(shots / f"compare-{size[0]}x{size[1]}.png")
    mp.assert_clean()


def test_build_map_takes_two_periods(tmp_path: Path) -> None:
    data = mapgen.load()
    fmap = mapgen.build_map(data, compare=[mapgen.period(data, start="1981", end="1986"),
                                           "2003/.."])
    page = mapgen.save(fmap, tmp_path / "c.html").read_text("utf-8")
    assert "window.MapgenCompare = " in page  # compare.js, inlined
    days = [(date(*ymd) - date(1970, 1, 1)).days for ymd in ((1981, 1, 1), (1986, 12, 31),
                                                             (2003, 1, 1))]
    assert f'"compare":[[{days[0]},{days[1]}],[{days[2]},null]]' in page
    for bad in (["1981/1986"], ["1981/1986", "2003/..", "2010"], "1981/1986"):
        with pytest.raises(mapgen.OptionError, match="two periods"):
            mapgen.build_map(data, compare=bad)  # type: ignore[arg-type]
    for extra, words in ((["--from", "1990"], "leave out --from"),
                         (["--split", "decade"], "no --split"),
                         (["--story", "s.md"], "--story")):
        result = CliRunner().invoke(main, ["build", "--compare", "1981/1986", "2003/..", *extra,
                                           "-o", str(tmp_path / "x.html")])
        assert result.exit_code == 2 and words in result.output, result.output
    assert not (tmp_path / "x.html").exists()


def test_a_comparison_is_the_same_bytes_in_fresh_processes(tmp_path: Path) -> None:
    import subprocess
    import sys

    outs = [tmp_path / f"{n}.html" for n in (1, 2)]
    for out in outs:
        subprocess.run([sys.executable, "-m", "mapgen", "build", "--compare", *PERIODS, "-o",
                        str(out)], check=True, capture_output=True)
    assert outs[0].read_bytes() == outs[1].read_bytes()
