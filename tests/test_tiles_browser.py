"""A tile folder in Chromium: 100,000 places (and a few hostile ones) go to tiles, are served
by `mapgen serve` on a free loopback port, and are opened as a reader would open them."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import mapgen
from benchmarks.synth import write_geoparquet
from tests.test_tiler import places_source

HOSTILE = [
    '<img src=x onerror="window.__pwned=1">',
    "</script><script>window.__pwned=2</script>",
    "{{constructor.constructor('window.__pwned=3')()}}",
    '" onmouseover="window.__pwned=4" x="',
    "\u202eevil ltr override & amp;",
]
BIG = 100_000  # synthetic places
FAR = (-150.0, -45.0)  # the South Pacific: no synthetic place is near


def notes() -> dict[str, Any]:
    """A small layer far from the rest: hostile names, an approximate start (the wide and
    strict readings differ in 1989), an undated place."""
    features = []
    for number, name in enumerate(HOSTILE):
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [
            FAR[0] + 2 * number, FAR[1]]}, "properties": {
            "id": f"hostile-{number}", "name": name, "layer": "notes", "when": ["1990~/1995"],
            "description": f"described {name}", "sources": [
                {"title": "<b>source</b>", "url": "https://example.org/?a=<x>"}]}})
    features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [
        FAR[0], FAR[1] + 5]}, "properties": {"id": "undated-1", "name": "No date",
                                             "layer": "notes"}})
    return {"type": "FeatureCollection", "features": features}


def serve(folder: Path) -> Iterator[str]:
    command = [str(Path(sys.executable).parent / "mapgen"), "serve", str(folder), "--port", "0"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = process.stderr.readline()
        yield line.split(" at ")[1].split(" ")[0]
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("tile-sources")
    big, small = folder / "places.parquet", folder / "notes.geojson"
    write_geoparquet(BIG, 3, big)
    small.write_text(json.dumps(notes()), encoding="utf-8")
    return [big, small]


@pytest.fixture(scope="module")
def loaded(sources: list[Path]) -> mapgen.Dataset:
    return mapgen.load(*sources)


@pytest.fixture(scope="module")
def wide_url(sources: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("tiles") / "wide"
    mapgen.build_tiles(*sources, output=out, tiles="none")
    yield from serve(out)


@pytest.fixture(scope="module")
def strict_folder(sources: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tiles") / "strict"
    mapgen.build_tiles(sources[1], output=out, tiles="none", strict=True)
    return out


@pytest.fixture(scope="module")
def strict_url(strict_folder: Path) -> Iterator[str]:
    yield from serve(strict_folder)


def listed(data: mapgen.Dataset, start: str, end: str, strict: bool = False,
           layers: list[str] | None = None) -> int:
    """How many places `mapgen list --from START --to END` lists."""
    view = mapgen.select(data, mapgen.period(data, start=start, end=end, strict=strict), layers)
    return len(view.places)


def count(page: Any, start: int | str, end: int | str) -> Any:
    return page.evaluate("([a, b]) => { mapgen.setPeriod(a, b); return mapgen.shownCount(); }",
                         [start, end])


def open_at(open_map: Any, url: str, lon: float, lat: float, zoom: int = 7) -> Any:
    page = open_map(url, timeout_ms=60_000)
    page.evaluate("([lat, lon, z]) => mapgen.map.setView([lat, lon], z, {animate: false})",
                  [lat, lon, zoom])
    settle(page)
    return page


def settle(page: Any) -> None:
    """Wait until the tiles in view are loaded and drawn for the current period."""
    page.page.wait_for_function(
        "() => mapgen.tileLayers.length && mapgen.tileLayers.every(l => !l._loading)")
    page.evaluate("() => mapgen.drawn()")


def test_period_counts_equal_mapgen_list_counts(open_map: Any, wide_url: str,
                                                loaded: mapgen.Dataset) -> None:
    page = open_map(wide_url, timeout_ms=60_000)
    undated = 1
    expected = BIG + len(notes()["features"])
    assert page.evaluate("() => mapgen.count") == len(loaded.places) == expected
    windows = [(1950, 1960), (1900, 1900), (1989, 1989), (2000, 2024), (1905, 1999)]
    for start, end in windows:
        assert count(page, start, end) == listed(loaded, str(start), str(end)) + undated
    # the legend says the dated and the undated places apart, as a one-file map's does
    dated = listed(loaded, "1905", "1999")  # the last window set
    legend = page.evaluate("() => document.querySelector('.mapgen-legend-count').textContent")
    assert legend.startswith(f"{dated:,} places in ") and legend.endswith(" · 1 undated"), legend
    page.evaluate("() => mapgen.setShowUndated(false)")
    for start, end in windows:
        assert count(page, start, end) == listed(loaded, str(start), str(end))
    # the histogram's bars are the same counts, per year and layer (bins of one year)
    bars = page.evaluate("""() => { const h = mapgen.periodControl.histogram;
        return {bins: h.bins, layers: h.layers, counts: Array.from(h.counts),
                first: h.binStart[0]}; }""")
    first_year = (datetime.date(1970, 1, 1) + datetime.timedelta(days=bars["first"])).year
    year = 1950 - first_year
    keys = [layer["key"] for layer in page.evaluate("() => mapgen.data.layers")]
    for k, key in enumerate(keys):
        assert bars["counts"][k * bars["bins"] + year] == listed(loaded, "1950", "1950",
                                                                 layers=[key])
    assert not page.problems()


def test_layer_switches_hide_a_layer_and_its_count(open_map: Any, wide_url: str,
                                                   loaded: mapgen.Dataset) -> None:
    page = open_at(open_map, wide_url, FAR[0], FAR[1])
    page.evaluate("() => mapgen.setShowUndated(false)")
    assert count(page, 1990, 1990) == listed(loaded, "1990", "1990")
    near = f"() => mapgen.featuresAt(L.latLng({FAR[1]}, {FAR[0]}), 8).length"
    assert page.evaluate(near) == 1
    labels = page.page.locator(".leaflet-control-layers-overlays label")
    notes_switch = labels.filter(has_text="Notes").locator("input")
    notes_switch.uncheck()
    assert page.evaluate("() => mapgen.shownCount()") == listed(loaded, "1990", "1990") - len(
        HOSTILE)
    assert page.evaluate(near) == 0
    notes_switch.check()
    assert page.evaluate(near) == 1
    assert not page.problems()


def test_a_popup_shows_its_text_and_hostile_names_stay_text(open_map: Any,
                                                             wide_url: str) -> None:
    page = open_at(open_map, wide_url, FAR[0] + 4, FAR[1], zoom=4)
    page.evaluate("() => mapgen.setPeriod(1990, 1995)")
    for number, name in enumerate(HOSTILE):  # points 45 px apart: never a double click
        point = page.evaluate("""([lat, lon]) => { mapgen.map.closePopup();
            return mapgen.map.latLngToContainerPoint([lat, lon]); }""",
                              [FAR[1], FAR[0] + 2 * number])
        settle(page)
        box = page.page.locator(".leaflet-container").bounding_box()
        page.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        popup = page.page.locator(".leaflet-popup-content .mapgen-popup").last  # one fading
        popup.wait_for()
        assert popup.locator("h3").text_content() == name
        assert popup.locator(".mapgen-popup-description").text_content() == f"described {name}"
        assert popup.locator(".mapgen-popup-periods").text_content() == "c. 1990–1995"
        link = popup.locator("a")
        assert (link.text_content(), link.get_attribute("href")) == (
            "<b>source</b>", "https://example.org/?a=<x>")
    assert page.evaluate("() => window.__pwned") is None
    assert page.evaluate("() => document.querySelectorAll('img[src=x], b').length") == 0
    found = page.evaluate("() => mapgen.find('img src')")
    assert "hostile-0" in found["ids"]
    page.page.fill(".mapgen-search-input", "constructor")
    page.page.locator(".mapgen-search-name").first.wait_for()
    assert page.page.locator(".mapgen-search-name").first.text_content() == HOSTILE[2]
    assert page.evaluate("() => window.__pwned") is None
    assert not page.problems()


def test_strict_and_wide_filtering_differ_as_on_a_one_file_map(
        open_map: Any, wide_url: str, strict_url: str, sources: list[Path]) -> None:
    small = mapgen.load(sources[1])
    assert listed(small, "1989", "1989") == len(HOSTILE)
    assert listed(small, "1989", "1989", strict=True) == 0
    wide = open_at(open_map, wide_url, FAR[0], FAR[1])
    strict = open_at(open_map, strict_url, FAR[0], FAR[1])
    near = f"() => mapgen.featuresAt(L.latLng({FAR[1]}, {FAR[0]}), 8).length"
    for page, shown in ((wide, 1), (strict, 0)):
        page.evaluate("() => mapgen.setShowUndated(false)")
        page.evaluate("() => mapgen.setPeriod(1989, 1989)")
        assert page.evaluate(near) == shown
    assert count(strict, 1989, 1989) == 0
    assert count(strict, 1990, 1995) == listed(small, "1990", "1995", strict=True) == 5
    assert not wide.problems() and not strict.problems()


def test_from_file_the_page_says_how_to_serve_it(open_map: Any, strict_folder: Path) -> None:
    page = open_map(strict_folder / "index.html", timeout_ms=60_000)
    status = page.page.locator(".mapgen-status")
    assert "mapgen serve" in status.text_content()
    assert page.page.locator(".mapgen-status input[type=file]").get_attribute("accept") == (
        ".pmtiles")
    found = page.evaluate("() => mapgen.find('img')")
    assert found["note"].startswith("Search needs the map served")
    policy = page.page.locator("meta[http-equiv=Content-Security-Policy]").get_attribute(
        "content")
    assert "connect-src 'self';" in policy
    assert "http" not in policy  # no origin but its own
    assert not page.problems()


def test_a_grid_partition_page_shows_every_place_in_its_period(open_map: Any,
                                                                tmp_path: Path) -> None:
    """Issue 25: the cells of --partition grid, merged by tile-join, draw every place."""
    source, _ = places_source(tmp_path / "places.geojson")
    out = tmp_path / "grid"
    mapgen.build_tiles(source, output=out, tiles="none", archives="one", partition="grid",
                       grid=1)
    data = mapgen.load(source)
    points = [[f["properties"]["id"], *reversed(f["geometry"]["coordinates"])]
              for f in json.loads(source.read_text())["features"]]
    served = serve(out)
    url = next(served)
    try:
        page = open_at(open_map, url, 0.0, 0.0, zoom=1)  # the whole world in view
        for start, end in [(1700, 2000), (1750, 1760), (1850, 1850), (1900, 1950)]:
            period = mapgen.period(data, start=str(start), end=str(end))
            want = {place.id for place in mapgen.select(data, period).places}
            assert count(page, start, end) == len(want)
            settle(page)
            shown = page.evaluate("""(points) => points.filter(([id, lat, lon]) =>
                mapgen.featuresAt(L.latLng(lat, lon), 2).some(f => f.props.id === id))
                .map(([id]) => id)""", points)
            assert set(shown) == want, (start, end)
            assert start != 1700 or len(want) == len(points)  # every place: the first window
        assert not page.problems()
    finally:
        served.close()


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, mapgen.Dataset]]:
    """A layer cut into parts (PART_FEATURES made small), each its own tippecanoe run, joined
    into the layer's archive."""
    import mapgen.tiles.features as tile_features
    import mapgen.tiles.tiler as tiler

    folder = tmp_path_factory.mktemp("parts")
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                 "properties": {"id": f"p{lon}_{lat}", "name": f"P {lon} {lat}",
                                "layer": "big", "when": ["1990/1995", "2001"]}}
                for lon in range(-170, 171, 20) for lat in range(-60, 61, 20)]
    source = folder / "grid.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    runs = folder / "runs"  # a line a tippecanoe run (Dask copies the function: a file)
    run_job = tiler.run_job

    def counted(job: tiler.Job) -> str:
        with runs.open("a") as out:
            out.write(f"{job.output}\n")
        return run_job(job)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tile_features, "PART_FEATURES", 40)
        patch.setattr(tiler, "run_job", counted)
        made = mapgen.build_tiles(source, output=folder / "out", tiles="none")
    assert len(runs.read_text().split()) >= 6 and made.archives == ("layer-0.pmtiles",)
    for url in serve(folder / "out"):
        yield url, mapgen.load(source)


def test_a_layer_cut_into_parts_and_joined_is_drawn_switched_and_filtered(
        open_map: Any, parts: tuple[str, mapgen.Dataset]) -> None:
    url, data = parts
    page = open_map(url, timeout_ms=60_000)
    assert page.evaluate("() => mapgen.data.archives.map(a => a.layers)") == [[0]]
    page.page.wait_for_function("() => mapgen.tileLayers.length === 1")
    page.evaluate("() => mapgen.map.setView([0, 0], 2, {animate: false})")
    settle(page)

    def found() -> set[str]:
        """The places found at each lattice point (the first, middle and last parts too)."""
        return set(page.evaluate("""(points) => points.flatMap(([lon, lat]) =>
            mapgen.featuresAt(L.latLng(lat, lon), 4).map(f => f.props.id))""",
                                 [[p.geometry["coordinates"][0], p.geometry["coordinates"][1]]
                                  for p in data.places]))

    every = {p.id for p in data.places}
    page.evaluate("() => mapgen.setPeriod(1990, 1995)")
    assert found() == every
    assert page.evaluate("() => mapgen.shownCount()") == listed(data, "1990", "1995")
    page.evaluate("() => mapgen.setPeriod(1996, 2000)")
    assert found() == set()
    page.evaluate("() => mapgen.setPeriod(2001, 2001)")  # the second span's features
    assert found() == every
    switch = page.page.locator(".leaflet-control-layers-overlays label").filter(
        has_text="Big").locator("input")
    switch.uncheck()
    assert found() == set()
    switch.check()
    settle(page)
    assert found() == every
    assert not page.problems()
