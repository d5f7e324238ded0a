"""Find a place: by name or other name, without diacritics or capitals; the match count in the
current period; choosing a match flies there and opens its popup. And the view in the hash."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest

import mapgen
from tests.browser import MapPage, OpenMap
from tests.helpers import feature, write_geojson


@pytest.fixture
def page(tmp_path: Path) -> Path:
    features = [
        feature("sp", name="São Paulo", when=("1950/1990",), lon=-46.63, lat=-23.55),
        feature("koeln", name="Köln", when=("1800/1900",), lon=6.96, lat=50.94,
                name_en="Cologne"),
        feature("zh", name="Zürich", when=("1950/1960",), lon=8.54, lat=47.37),
        feature("zh2", name="Zürichsee", when=("1700/1750",), lon=8.7, lat=47.25),
        feature("mark", name="<b>Straße</b>", when=("1950/1960",), lon=13.4, lat=52.5),
    ]
    source = write_geojson(tmp_path / "places.geojson", features)
    return mapgen.save(mapgen.build_map(mapgen.load(source)), tmp_path / "search.html")


def search(mp: MapPage, text: str) -> tuple[str, list[str]]:
    box = mp.page.locator(".mapgen-search-input")
    box.fill(text)
    names = mp.page.locator(".mapgen-search-name").all_inner_texts()
    return mp.page.locator(".mapgen-search-status").inner_text(), names


def test_names_match_without_diacritics_or_capitals(open_map: OpenMap, page: Path) -> None:
    mp = open_map(page)
    assert search(mp, "sao paulo") == ("1 match, 1 in this period", ["São Paulo"])
    # an English page names a place by its name_en first (issue 24); its other names still find it
    assert search(mp, "COLOGNE") == ("1 match, 1 in this period", ["Cologne"])
    assert search(mp, "KOLN") == ("1 match, 1 in this period", ["Cologne"])
    assert search(mp, "strasse")[1] == ["<b>Straße</b>"]  # text, never markup
    assert mp.page.locator(".mapgen-search b").count() == 0
    assert search(mp, "Lisboa") == ("No place found", [])
    # The name that starts with the query comes first.
    assert mp.evaluate("window.mapgen.find('zurich')")["ids"] == ["zh", "zh2"]


def test_count_follows_the_period_and_shown_places_come_first(
    open_map: OpenMap, page: Path
) -> None:
    mp = open_map(page)
    mp.set_period(1700, 1760)
    status, names = search(mp, "zürich")
    assert status == "2 matches, 1 in this period"
    assert names == ["Zürichsee", "Zürich"]
    assert "not shown now" in mp.page.locator(".mapgen-search-result").nth(1).inner_text()
    mp.set_period(1950, 1960)
    assert mp.page.locator(".mapgen-search-status").inner_text() == "2 matches, 1 in this period"
    assert mp.page.locator(".mapgen-search-name").all_inner_texts() == ["Zürich", "Zürichsee"]


def test_choosing_a_match_flies_there_and_opens_its_popup(open_map: OpenMap, page: Path) -> None:
    mp = open_map(page)
    search(mp, "koln")
    mp.page.keyboard.press("ArrowDown")
    mp.page.keyboard.press("Enter")
    popup = mp.page.locator(".leaflet-popup-content .mapgen-popup-name")
    popup.wait_for()
    assert popup.inner_text() == "Cologne"  # name_en first on an English page
    centre = mp.evaluate("(() => { const c = window.mapgen.map.getCenter(); "
                         "return [c.lat, c.lng, window.mapgen.map.getZoom()]; })()")
    assert abs(centre[0] - 50.94) < 0.5 and abs(centre[1] - 6.96) < 0.5 and centre[2] >= 8
    assert mp.page_errors == [] and mp.console_errors == []


def view(mp: MapPage) -> list[float]:
    return mp.evaluate("(() => { const m = window.mapgen.map, c = m.getCenter(); "
                       "return [m.getZoom(), c.lat, c.lng]; })()")


def hash_params(mp: MapPage) -> dict[str, str]:
    text = mp.evaluate("location.hash").removeprefix("#")
    return {k: unquote(v) for k, v in (part.split("=", 1) for part in text.split("&") if part)}


def test_the_hash_carries_the_view(open_map: OpenMap, page: Path) -> None:
    mp = open_map(page, url_hash="from=1800&to=1960&z=6&c=47.4,8.5")
    mp.page.wait_for_timeout(100)
    zoom, lat, lng = view(mp)
    assert (zoom, round(lat, 3), round(lng, 3)) == (6, 47.4, 8.5)
    assert mp.evaluate("window.mapgen.period()") == {"from": "1800-01-01", "to": "1960-12-31"}
    mp.evaluate("window.mapgen.map.setView([50.94, 6.96], 9)")
    mp.page.wait_for_timeout(400)
    params = hash_params(mp)
    assert (params["z"], params["c"], params["from"], params["to"]) == (
        "9", "50.9400,6.9600", "1800", "1960"
    )
    # While the period plays, a move still reaches the hash.
    mp.evaluate("window.mapgen.periodControl.play()")
    mp.evaluate("window.mapgen.map.setView([47.37, 8.54], 7)")
    mp.page.wait_for_timeout(400)
    assert hash_params(mp)["c"] == "47.3700,8.5400"
    mp.evaluate("window.mapgen.periodControl.pause()")
    # A hash typed by hand moves the map.
    mp.set_hash("z=5&c=-23.5,-46.6")
    zoom, lat, lng = view(mp)
    assert (zoom, round(lat, 1), round(lng, 1)) == (5, -23.5, -46.6)


def test_a_place_with_a_third_coordinate_is_found_and_opened(
    open_map: OpenMap, tmp_path: Path
) -> None:
    """A 3-D point (elevation as a third coordinate) is a point on the map: the search flies
    to it and opens its popup (it used to be drawn as a shape the search could not place)."""
    features = [
        feature("koeln", name="Köln", geometry={"type": "Point", "coordinates": [6.96, 50.94, 53]}),
        feature("bonn", name="Bonn", geometry={"type": "Point", "coordinates": [7.1, 50.73, 60.5]}),
    ]
    source = write_geojson(tmp_path / "elevation.geojson", features)
    mp = open_map(mapgen.save(mapgen.build_map(mapgen.load(source)), tmp_path / "3d.html"))
    search(mp, "koln")
    mp.page.keyboard.press("Enter")
    assert mp.page_errors == [] and mp.console_errors == []
    popup = mp.page.locator(".leaflet-popup-content .mapgen-popup-name")
    popup.wait_for()
    assert popup.inner_text() == "Köln"
    assert mp.evaluate("[window.mapgen.lat[0], window.mapgen.lon[0]]") == [50.94, 6.96]
