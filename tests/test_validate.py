"""Bad input: one clear line per problem, naming file, feature (index and id) and field."""

from __future__ import annotations

from pathlib import Path

import pytest

import mapgen
from mapgen import DataError
from tests.helpers import feature, write_geojson


def problems(path: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        mapgen.load(path)
    return [str(p) for p in info.value.problems]


def test_default_dataset_loads_with_its_headquarters() -> None:
    data = mapgen.load()
    ids = {p.id for p in data.places}
    assert {"hq-tehran", "hq-paris", "hq-camp-ashraf", "hq-camp-liberty", "hq-ashraf-3"} <= ids
    assert [layer.key for layer in data.layers] == ["headquarters", "events"]
    assert data.layer("headquarters").path
    paris = next(p for p in data.places if p.id == "hq-paris")
    assert [s.text for s in paris.spans] == ["1981/1986", "2003/.."]
    assert "Wikipedia" in data.attribution and "CC BY-SA" in data.attribution


def test_default_headquarters_match_the_infobox() -> None:
    data = mapgen.load()
    when = {p.id: [s.text for s in p.spans] for p in data.places if p.layer == "headquarters"}
    assert when == {
        "hq-tehran": ["1965/1981"],
        "hq-paris": ["1981/1986", "2003/.."],
        "hq-camp-ashraf": ["1986/2013"],
        "hq-camp-liberty": ["2012/2016"],
        "hq-ashraf-3": ["2018/.."],
    }


def test_default_sources_are_canonical() -> None:
    mirrors = ("wikimili", "kiwix", "kidzsearch", "liquisearch", "clateway", "wiki.org.ai")
    for place in mapgen.load().places:
        assert place.sources, place.id
        for source in place.sources:
            assert source.url.startswith(("https://", "http://"))
            assert not any(m in source.url for m in mirrors), source.url


def test_not_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection",\n  "features": [,]}', "utf-8")
    [line] = problems(path)
    assert line.startswith(f"{path}: not JSON")
    assert "line 2, column 16" in line


def test_not_a_feature_collection(tmp_path: Path) -> None:
    path = tmp_path / "x.geojson"
    path.write_text('{"type": "Feature"}', "utf-8")
    assert problems(path) == [f"{path}: not a GeoJSON FeatureCollection (found 'Feature')"]


def test_empty_collection(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "empty.geojson", [])
    assert problems(path) == [f"{path}: features: the collection is empty: no places to map"]


def test_missing_id_and_duplicate_id(tmp_path: Path) -> None:
    missing = feature("x")
    del missing["properties"]["id"]
    path = write_geojson(tmp_path / "p.geojson", [feature("a"), missing, feature("a")])
    assert problems(path) == [
        f"{path}: feature 1: id: is missing",
        f"{path}: feature 2 (id=a): id: duplicate id 'a', also at {path}: feature 0",
    ]


def test_duplicate_id_across_files_names_both(tmp_path: Path) -> None:
    one = write_geojson(tmp_path / "one.geojson", [feature("same")])
    two = write_geojson(tmp_path / "two.geojson", [feature("same")])
    with pytest.raises(DataError) as info:
        mapgen.load(one, two)
    message = str(info.value)
    assert str(one) in message and str(two) in message and "duplicate id 'same'" in message


def test_missing_name_and_layer(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "p.geojson", [feature("camp-x", name="", layer="  ")])
    assert problems(path) == [
        f"{path}: feature 0 (id=camp-x): name: is missing",
        f"{path}: feature 0 (id=camp-x): layer: is empty",
    ]


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (None, "geometry: is missing"),
        ({"type": "Point"}, "geometry.coordinates: a position must be [longitude, latitude]"),
        ({"type": "Point", "coordinates": [200, 10]}, "longitude 200 is outside -180..180"),
        ({"type": "Point", "coordinates": [10, 95]}, "latitude 95 is outside -90..90"),
        ({"type": "Point", "coordinates": ["10", 5]}, "'10' is not a number"),
        (
            {"type": "Circle", "coordinates": [1, 2]},
            "geometry.type: unknown geometry type 'Circle'",
        ),
    ],
)
def test_bad_geometry(tmp_path: Path, geometry: object, message: str) -> None:
    f = feature("g1")
    f["geometry"] = geometry
    path = write_geojson(tmp_path / "g.geojson", [f])
    [line] = problems(path)
    assert line.startswith(f"{path}: feature 0 (id=g1): geometry")
    assert message in line


def test_lines_and_polygons_are_accepted(tmp_path: Path) -> None:
    route = feature("route", geometry={"type": "LineString", "coordinates": [[0, 0], [1, 1]]})
    area = feature(
        "area",
        geometry={"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 0]]]]},
    )
    data = mapgen.load(write_geojson(tmp_path / "ok.geojson", [route, area]))
    assert [p.geometry["type"] for p in data.places] == ["LineString", "MultiPolygon"]


def test_unparsable_and_reversed_dates(tmp_path: Path) -> None:
    path = write_geojson(
        tmp_path / "places.geojson",
        [
            feature("camp-x", when=["1986/2013", "2013/1986", "spring 1990"]),
        ],
    )
    assert problems(path) == [
        f"{path}: feature 0 (id=camp-x): when[1]: '2013/1986' ends before it starts",
        f"{path}: feature 0 (id=camp-x): when[2]: 'spring 1990' is not an EDTF date or interval",
    ]


@pytest.mark.parametrize("when", [[], None, ""])
def test_a_place_without_a_date_is_kept_as_undated(tmp_path: Path, when: object) -> None:
    undated = feature("w")
    undated["properties"]["when"] = when
    if when is None:
        del undated["properties"]["when"]
    path = write_geojson(tmp_path / "p.geojson", [undated, feature("d")])
    data = mapgen.load(path)
    assert data.places[0].id == "w" and data.places[0].undated and data.places[0].spans == ()
    assert not data.places[1].undated
    window = mapgen.period(data, start="1981", end="1990")
    assert [p.id for p in mapgen.select(data, window).places] == ["d"]
    kept = mapgen.select(data, window, keep_undated=True)
    assert [p.id for p in kept.places] == ["w", "d"]
    assert [p.id for p in mapgen.select(data).places] == ["w", "d"]  # no period: all
    assert "undated" in mapgen.list_places(data, "csv").splitlines()[1]


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,hi", "file:///etc/passwd", "ftp://x.org/a", "//x"],
)
def test_source_urls_must_be_http(tmp_path: Path, url: str) -> None:
    path = write_geojson(
        tmp_path / "p.geojson", [feature("s", sources=[{"title": "t", "url": url}])]
    )
    assert problems(path) == [
        f"{path}: feature 0 (id=s): sources[0].url: {url!r} is not an http(s) URL"
    ]


def test_every_problem_is_reported_not_only_the_first(tmp_path: Path) -> None:
    path = write_geojson(
        tmp_path / "many.geojson",
        [
            feature("a", when=["nope"]),
            feature("b", lat=100),
            feature("c", sources=[{"title": "x", "url": "javascript:void(0)"}]),
        ],
    )
    assert len(problems(path)) == 3


def test_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.geojson"
    path.write_bytes(
        '{"type": "FeatureCollection", "features": [], "title": "Café"}'.encode("latin-1")
    )
    [line] = problems(path)
    assert line.startswith(f"{path}: is not UTF-8")


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "bom.geojson", [feature("b", name="تهران")])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert mapgen.load(path).places[0].name == "تهران"


def test_other_names_and_layers(tmp_path: Path) -> None:
    path = write_geojson(
        tmp_path / "n.geojson",
        [feature("t", name="Tehran", name_fa="تهران", layer="hq")],
        layers={"hq": {"label": "Headquarters", "color": "#123456", "order": 1, "path": True}},
        periods={"early": "1965/1981"},
    )
    data = mapgen.load(path)
    assert data.places[0].names == (("fa", "تهران"),)
    assert data.layers[0].label == "Headquarters" and data.layers[0].path
    assert data.named_period("early").text == "1965/1981"


def test_bad_layer_colour_and_period(tmp_path: Path) -> None:
    path = write_geojson(
        tmp_path / "n.geojson",
        [feature("t", layer="hq")],
        layers={"hq": {"color": "red; background:url(x)"}},
        periods={"p": "1990/1980"},
    )
    assert problems(path) == [
        f"{path}: layers.hq.color: 'red; background:url(x)' is not a colour like #1f5fa8",
        f"{path}: periods.p: '1990/1980' ends before it starts",
    ]


def test_a_span_written_twice_is_kept_once(tmp_path: Path) -> None:
    twice = feature("t", when=["1900/1910", "1920", "1900/1910"])
    path = write_geojson(tmp_path / "p.geojson", [twice])
    [place] = mapgen.load(path).places
    assert [span.text for span in place.spans] == ["1900/1910", "1920"]
