"""A large map's binary page (payload.packed, CONTRACT.md `packed`): what Python packs is the
payload, column for column, whether the columns come as lists or array.arrays, each column
aligned to its element size, and what Chromium decodes from it (positions, span bounds with
open ends and BCE days, flags, offsets, layers, undated places) is the same numbers again. A
small map sends the same columns as JSON."""

from __future__ import annotations

import base64
import gzip
import json
import math
import sys
from array import array
from pathlib import Path
from typing import Any

import pytest

import mapgen
from mapgen.html.payload import (
    COORDINATE_SCALE,
    DEFERRED,
    INFO_KEYS,
    OPEN_BOUND,
    PACK_MIN_PLACES,
    packed,
    payload,
    script_json,
)
from mapgen.model import Period
from tests.conftest import OpenMap
from tests.helpers import feature, write_geojson

SIZE = 2100  # past payload.PACK_MIN_PLACES
# Every kind of span the bounds column must carry: closed, open at either end (the sentinel),
# ongoing, fuzzy, BCE days, year 0, several spans, and none (undated).
WHEN = [
    ["1981/1986"],
    ["../1950"],
    ["2003/.."],
    ["1986~/1990"],
    ["-0500/-0300"],
    ["-0044-03-15"],
    ["../-0700"],
    ["0000/0010"],
    ["1950/1955", "1970/1975", "1600~/1700?"],
    [],
]
POLYGON = {"type": "Polygon", "coordinates": [[[10, 40], [11, 40], [11, 41], [10, 40]]]}


def places(extra: list[list[str]] = (), size: int = SIZE) -> list[dict[str, Any]]:  # type: ignore[assignment]
    """*size* places over the whole globe (6-decimal coordinates, both signs), three layers,
    one polygon; *extra* spans for the first ones."""
    out = []
    for n in range(size):
        when = extra[n] if n < len(extra) else WHEN[n % len(WHEN)]
        lon = round(-179.5 + (n * 7919 % 359000) / 1000 + n % 7 * 1e-6, 6)
        lat = round(-84.5 + (n * 104729 % 169000) / 1000 + n % 5 * 1e-6, 6)
        out.append(feature(f"p{n:04d}", name=f"Place {n}", layer=f"layer-{n % 3}", when=when,
                           lon=lon, lat=lat, geometry=POLYGON if n == 5 else None,
                           description=f"About place {n}."))
    return out


@pytest.fixture(scope="module")
def maps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[mapgen.Dataset, Path]]:
    """A packed map whose day numbers fit Int32, one with a span 100 million years ago, which
    does not (its bounds travel as Float64), and a small map (JSON) with the same far days."""
    folder = tmp_path_factory.mktemp("binary")
    out = {}
    for name, extra, size in (("int32", [], SIZE), ("float64", FAR, SIZE), ("small", FAR, 300)):
        data = mapgen.load(write_geojson(folder / f"{name}.geojson", places(extra, size)))
        out[name] = (data, mapgen.save(data, folder / f"{name}.html"))
    return out


FAR = [["Y-100000000"], ["Y100000000"]]  # days past Int32: the bounds travel as Float64


SIZES = {"Uint8": "B", "Uint16": "H", "Int32": "i", "Float64": "d"}


def unpack(blob: str) -> tuple[dict[str, Any], dict[str, Any], list[Any]]:
    """The head, the binary columns (by "owner.key") and the deferred texts, read as the
    contract says (independently of payload.py's writer): each column starts at a multiple
    of 8 bytes, so a typed array of any element size can view it in place."""
    raw = gzip.decompress(base64.b64decode(blob))
    at = raw.index(b"\n") + 1
    head = json.loads(raw[:at])
    columns = {}
    for owner, key, kind, length in head["binary"]:
        column = array(SIZES[kind])
        assert at % 8 == 0 and at % column.itemsize == 0, (owner, key, kind, at)
        column.frombytes(raw[at : at + length * column.itemsize])
        if sys.byteorder == "big":
            column.byteswap()
        columns[f"{owner}.{key}"] = column.tolist()
        at += -(-length * column.itemsize // 8) * 8
    texts = [json.loads(line) for line in raw[at:].split(b"\n")]
    return head, columns, texts


def expected_bounds(bounds: list[int | None]) -> list[float]:
    """The payload's bounds as the browser holds them: open starts -inf, open ends inf."""
    return [(-math.inf if n % 4 < 2 else math.inf) if b is None else b
            for n, b in enumerate(bounds)]


def test_packed_columns_are_the_payload(maps: dict[str, tuple[mapgen.Dataset, Path]]) -> None:
    data = maps["int32"][0]
    full = payload(data, period=Period(None, None))
    rest, blob = packed(full)
    assert blob is not None and rest["packed"] == list(DEFERRED)
    assert not {"places", "time", "moves"} & set(rest)
    head, columns, texts = unpack(blob)
    assert {kind for *_, kind, _ in head.pop("binary")} == {"Int32", "Uint8"}
    places = data.places
    for key, values in (("lon", places.lons), ("lat", places.lats)):
        expected = [0 if v is None else round(round(v, 6) * COORDINATE_SCALE) for v in values]
        assert columns[f"places.{key}"] == list(full["places"][key]) == expected
    assert columns["places.lon"][6] / COORDINATE_SCALE == round(places.lons[6], 6)
    assert head["places"]["shapes"] == {"5": POLYGON}
    assert columns["places.layer"] == full["places"]["layer"]
    time = full["time"]
    assert columns["time.bounds"] == [OPEN_BOUND if b is None else b for b in time["bounds"]]
    assert OPEN_BOUND in columns["time.bounds"] and min(b for b in time["bounds"] if b) < 0
    for key in ("offsets", "flags", "undated"):
        assert columns[f"time.{key}"] == list(time[key]), key
    assert time["undated"] and head["time"] == {"flagBits": time["flagBits"]}
    assert head["moves"] == full["moves"]
    info = {key: list(column) for key, column in full["places"]["info"].items()}
    assert texts == [info, list(full["places"]["name"]), list(full["places"]["id"])]
    assert list(full["places"]["info"]) == list(INFO_KEYS)  # a packed map's popups: columns
    assert "Y-100000000" not in gzip.decompress(base64.b64decode(blob)).decode("latin-1")


def test_array_columns_pack_to_the_same_bytes(
    maps: dict[str, tuple[mapgen.Dataset, Path]],
) -> None:
    """payload() may hand over its numeric columns as array.arrays (open bounds as
    infinities): the page is byte for byte the same."""
    full = payload(maps["int32"][0])
    time = full["time"]
    as_arrays = {
        **full,
        "places": {**full["places"], "layer": array("b", full["places"]["layer"])},
        "time": {
            **time,
            "offsets": array("q", time["offsets"]),
            "bounds": array("d", expected_bounds(time["bounds"])),
            "flags": array("b", time["flags"]),
            "undated": array("l", time["undated"]),
        },
    }
    assert packed(as_arrays) == packed(full)


# What JSON escapes, or may: quotes, backslashes, control characters, the line and paragraph
# separators, characters past the Basic Multilingual Plane, a closing script tag.
AWKWARD = 'say "so" \\ tab\there\nnext \x01\x1f\x7f \u2028\u2029 é 日本 🙂 </script>'


def test_deferred_texts_are_the_bytes_json_dumps_writes(tmp_path: Path) -> None:
    """The deferred parts (popups' texts, names, ids) are written line by line as
    json.dumps(ensure_ascii=False, separators=(",", ":")) writes them, escapes and all, in
    columns longer than a chunk: the page is the same whichever encoder writes them."""
    features = places(size=PACK_MIN_PLACES + 4100)
    for n, item in enumerate(features[::97]):
        item["properties"]["description"] = f"{AWKWARD} {n}"
        item["properties"]["name"] = f"{AWKWARD[:14]} {n}"
    data = mapgen.load(write_geojson(tmp_path / "awkward.geojson", features))
    full = payload(data, period=Period(None, None))
    _, blob = packed(full)
    assert blob is not None
    parts = [{key: list(column) for key, column in full["places"]["info"].items()},
             list(full["places"]["name"]), list(full["places"]["id"])]
    assert AWKWARD in parts[0]["description"][0] and unpack(blob)[2] == parts
    written = b"\n".join(json.dumps(part, ensure_ascii=False, separators=(",", ":")).encode()
                         for part in parts)
    assert gzip.decompress(base64.b64decode(blob)).endswith(written)


def test_far_days_travel_as_float64(maps: dict[str, tuple[mapgen.Dataset, Path]]) -> None:
    full = payload(maps["float64"][0])
    head, columns, _ = unpack(packed(full)[1] or "")
    kinds = {f"{owner}.{key}": kind for owner, key, kind, _ in head["binary"]}
    assert kinds["time.bounds"] == "Float64" and kinds["time.offsets"] == "Int32"
    assert columns["time.bounds"] == expected_bounds(full["time"]["bounds"])
    assert min(b for b in full["time"]["bounds"] if b is not None) < -(2**31)


def test_every_column_starts_at_a_multiple_of_its_element_size(tmp_path: Path) -> None:
    """The head and each column before it are padded so that every column, a Float64 one
    too, starts where a typed array can view it (at 4 bytes, a Float64Array throws a
    RangeError and the page does not start): sizes around the threshold, where the Uint8
    layers and the Int32 offsets end at one multiple of 4 or another."""
    for size in range(PACK_MIN_PLACES, PACK_MIN_PLACES + 4):
        source = write_geojson(tmp_path / f"{size}.geojson", places(FAR, size))
        head, columns, _ = unpack(packed(payload(mapgen.load(source)))[1] or "")
        kinds = {f"{owner}.{key}": kind for owner, key, kind, _ in head["binary"]}
        assert kinds["time.bounds"] == "Float64" and len(columns["places.lon"]) == size


def test_small_and_large_maps_send_the_same_columns(
    maps: dict[str, tuple[mapgen.Dataset, Path]],
) -> None:
    """One shape at every size: a small map's JSON holds the columns a large map packs (the
    same keys and units), not a geometry or an object a place."""
    small, large = payload(maps["small"][0]), payload(maps["int32"][0])
    assert packed(small) == (small, None)
    for part in ("places", "time"):
        assert set(small[part]) == set(large[part]), part
    assert list(small["places"]["info"]) == list(large["places"]["info"]) == list(INFO_KEYS)
    sent = json.loads(script_json(small))["places"]
    places = maps["small"][0].places
    assert sent["lon"][6] == round(places.lons[6] * COORDINATE_SCALE)
    assert sent["shapes"] == {"5": POLYGON} and sent["lon"][5] == sent["lat"][5] == 0
    assert sent["info"]["description"][:2] == ["About place 0.", "About place 1."]
    assert len(sent["info"]["when"]) == len(places) == 300


DECODED = """() => {
  const app = window.mapgen, f = app.filter;
  return {lon: Array.from(app.lon), lat: Array.from(app.lat), bounds: Array.from(f.bounds),
          offsets: Array.from(f.offsets), flags: Array.from(f.flags),
          layer: Array.from(app.places.layer), undated: Array.from(app.undated),
          shapes: Object.keys(app.shapes), typed: app.places.layer instanceof Uint8Array};
}"""


@pytest.mark.parametrize("name", ["int32", "float64", "small"])
def test_chromium_decodes_the_python_values(
    open_map: OpenMap, maps: dict[str, tuple[mapgen.Dataset, Path]], name: str
) -> None:
    data, page = maps[name]
    full = payload(data)
    mp = open_map(page)
    got = mp.evaluate(DECODED)
    assert got["typed"] == (name != "small")  # the packed columns, or JSON
    for key, values in (("lon", data.places.lons), ("lat", data.places.lats)):
        assert [x for n, x in enumerate(got[key]) if n != 5] == \
            [round(v, 6) for n, v in enumerate(values) if n != 5]
        assert math.isnan(got[key][5])
    assert got["shapes"] == ["5"]
    time = full["time"]
    assert got["bounds"] == expected_bounds(time["bounds"])
    assert got["offsets"] == list(time["offsets"]) and got["flags"] == time["flags"]
    assert got["layer"] == full["places"]["layer"]
    assert [n for n, u in enumerate(got["undated"]) if u] == time["undated"]
    # and the filter over them agrees with Python's, BCE and open ends included
    for start, end in (("-0600", "-0400"), ("-0044", None), ("1960", "1984"), ("2024", None)):
        mp.set_period(start, end)
        view = mapgen.select(data, mapgen.period(data, start=start, end=end or start),
                             keep_undated=True)
        assert mp.visible() == sorted(p.id for p in view.places), (start, end)
    assert mp.page_errors == [] and mp.console_errors == []


@pytest.mark.parametrize("size", [PACK_MIN_PLACES - 1, PACK_MIN_PLACES, PACK_MIN_PLACES + 1])
def test_far_days_start_the_page_at_sizes_around_the_threshold(
    open_map: OpenMap, tmp_path: Path, size: int
) -> None:
    """Days past Int32 (a span 100 million years ago) at every size near the threshold: the
    page starts, and its filter holds the far bounds."""
    data = mapgen.load(write_geojson(tmp_path / "far.geojson", places(FAR, size)))
    mp = open_map(mapgen.save(data, tmp_path / "far.html"))
    bounds = mp.evaluate("Array.from(window.mapgen.filter.bounds.slice(0, 8))")
    assert bounds == expected_bounds(payload(data)["time"]["bounds"][:8])
    assert bounds[0] < -(2**31) and len(mp.visible()) == size
    assert mp.page_errors == [] and mp.console_errors == []


def test_a_polygon_and_names_still_work_on_a_packed_map(
    open_map: OpenMap, maps: dict[str, tuple[mapgen.Dataset, Path]]
) -> None:
    data, page = maps["int32"]
    mp = open_map(page)
    assert mp.evaluate("document.querySelectorAll('path.leaflet-interactive').length") >= 1
    assert mp.evaluate("window.mapgen.find('Place 2099').ids[0]") == "p2099"
    mp.evaluate("window.mapgen.openPopup('p0006')")
    assert "About place 6." in mp.page.locator(".leaflet-popup-content").inner_text()
    assert data.places[6].id == "p0006"


ZOOM_ANIMATION = """() => new Promise((resolve) => {
  const app = window.mapgen, map = app.map, canvas = document.querySelector('canvas.mapgen-points');
  map.once('zoomanim', () => setTimeout(() => resolve({
    during: canvas.style.transform, visibility: getComputedStyle(canvas).visibility,
    animating: map._animatingZoom}), 0));
  map.setZoom(map.getZoom() + 1);
})"""


def test_points_scale_with_a_zoom_animation_then_redraw(
    open_map: OpenMap, maps: dict[str, tuple[mapgen.Dataset, Path]]
) -> None:
    """During an animated zoom the drawn points are scaled with the map (not hidden), then
    drawn once at the new zoom."""
    mp = open_map(maps["int32"][1])
    zoom = mp.evaluate("window.mapgen.map.getZoom()")
    got = mp.evaluate(ZOOM_ANIMATION)
    assert got["animating"] and got["visibility"] == "visible"
    assert "scale(2)" in got["during"]
    mp.page.wait_for_function(
        f"() => window.mapgen.renderer.canvas.layers[0].drawnAt.zoom === {zoom + 1}")
    transform = "document.querySelector('canvas.mapgen-points').style.transform"
    assert "scale" not in mp.evaluate(transform)
