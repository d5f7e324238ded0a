"""Every rule is defined once (`mapgen.rules.RULES`) and every reading path goes through each
(issue 18, item 1): each path is fed a file of one good row and one row that breaks exactly
one rule, and that rule, and no other, finds the bad row. A rule that a format cannot break
(its reader already reads the value into the rule's shape) is listed with the reason, and is
still shown to run over that format's rows."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mapgen
from mapgen import rules
from mapgen.raw import RawColumns, RawFeature

Row = dict[str, Any]  # mapgen's properties, and "lon"/"lat"
GOOD: Row = {"id": "g1", "name": "Good", "layer": "sites", "when": "1990/2000",
             "description": "fine", "precision": "site",
             "sources": [{"title": "T", "url": "https://example.org/t"}], "lon": 10, "lat": 50}
# rule → what the bad row has instead of the good row's values
BAD: dict[str, Row] = {
    "id": {"id": "a b"},
    "unique id": {"id": "g1"},
    "name": {"name": 5},  # none, or blank, is named after its layer
    "layer": {"layer": "  "},
    "description": {"description": 5},
    "precision": {"precision": "exact"},
    "name_<lang>": {"name_fr": 5},
    "when": {"when": "nonsense"},
    "sources": {"sources": [{"title": "T", "url": "ftp://example.org/t"}]},
    "as read": {"when": "nonsense"},  # a date the reader reads, in the formats that read them
    "geometry": {"lon": 200},
    "not at (0, 0)": {"lon": 0, "lat": 0},  # a warning: the row stays a place
    "OSM layer tag": {"id": "node/908273421", "layer": "2"},  # a warning too
}
TEXT_ONLY = "its cells and attributes are text, stripped: a number is its text, blank is none"
UNBREAKABLE = {  # (path, rule): why no row of that format can break the rule
    **{(path, rule): TEXT_ONLY for path in ("csv", "lp-tsv", "gdal", "parquet", "parquet-rows")
       for rule in ("name", "layer", "description", "name_<lang>")},
    **{(path, "when"): "its reader reads dates into EDTF, and says itself what it cannot read"
       for path in ("csv", "lp-tsv", "gdal", "parquet", "parquet-rows", "geojson-fields")},
    ("geojson", "as read"): "its reader finds nothing on single fields",
}


def _lonlat(row: Row) -> tuple[Any, Any]:
    return row["lon"], row["lat"]


def _geojson(rows: list[Row], path: Path) -> Path:
    features = [{"type": "Feature",
                 "properties": {k: v for k, v in row.items() if k not in ("lon", "lat")},
                 "geometry": {"type": "Point", "coordinates": list(_lonlat(row))}}
                for row in rows]
    path = path.with_suffix(".geojson")
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def _lpf(rows: list[Row], path: Path) -> Path:
    features = []
    for row in rows:
        props = {k: v for k, v in row.items() if k not in ("id", "name", "lon", "lat", "wkt")}
        geometry = {"type": "Point", "geowkt": row["wkt"]} if "wkt" in row else {
            "type": "Point", "coordinates": list(_lonlat(row))}
        features.append({"@id": row["id"], "type": "Feature", "properties":
                         {"title": row["name"], **props}, "geometry": geometry})
    path = path.with_suffix(".lpf.json")
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def _cells(row: Row) -> dict[str, str]:
    """A row as text cells; the geometry as WKT, so that the geometry rule reads it."""
    out = {k: str(v) for k, v in row.items() if k not in ("lon", "lat", "sources")}
    out["sources"] = ";".join(f"{s['title']}|{s['url']}" for s in row["sources"])
    out["wkt"] = "POINT ({} {})".format(*_lonlat(row))
    return out


def _table(rows: list[Row], path: Path, delimiter: str, names: dict[str, str]) -> Path:
    cells = [{names.get(k, k): v for k, v in _cells(row).items()} for row in rows]
    header = list(dict.fromkeys(k for row in cells for k in row))
    lines = [delimiter.join(header)] + [delimiter.join(row.get(k, "") for k in header)
                                        for row in cells]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _csv(rows: list[Row], path: Path) -> Path:
    return _table(rows, path.with_suffix(".csv"), ",", {})


def _lp_tsv(rows: list[Row], path: Path) -> Path:
    """LP-TSV: a span's start and end in columns of their own (a start alone runs on)."""
    split = []
    for row in rows:
        start, _, end = str(row.get("when", "")).partition("/")
        split.append({**{k: v for k, v in row.items() if k != "when"}, "start": start,
                      "end": end or start})
    return _table(split, path.with_suffix(".tsv"), "\t", {"name": "title", "wkt": "geowkt"})


def _frame(rows: list[Row], extra: bool = False) -> Any:
    import geopandas
    import shapely

    cells = [{k: v for k, v in _cells(row).items() if k != "wkt"} for row in rows]
    if extra:
        cells = [{**row, "note": "more"} for row in cells]
    points = [shapely.Point(*_lonlat(row)) for row in rows]
    return geopandas.GeoDataFrame(cells, geometry=points, crs="EPSG:4326")


def _gdal(rows: list[Row], path: Path) -> Path:
    path = path.with_suffix(".gpkg")
    _frame(rows).to_file(path, layer="places", driver="GPKG")
    return path


def _parquet(rows: list[Row], path: Path, extra: bool = False) -> Path:
    path = path.with_suffix(".parquet")
    _frame(rows, extra).to_parquet(path)
    return path


# path → (writes rows to a file, load options)
PATHS: dict[str, tuple[Callable[[list[Row], Path], Path], dict[str, Any]]] = {
    "geojson": (_geojson, {}),  # typed, a batch at a time
    "geojson-fields": (_geojson, {"when_field": "when"}),  # read whole, fields mapped
    "lpf": (_lpf, {}),
    "csv": (_csv, {}),
    "lp-tsv": (_lp_tsv, {}),
    "gdal": (_gdal, {}),
    "parquet": (_parquet, {}),  # a column at a time
    "parquet-rows": (lambda rows, path: _parquet(rows, path, extra=True), {}),  # row by row
}


def test_every_rule_is_listed() -> None:
    assert [rule.name for rule in rules.RULES] == list(BAD)
    assert [rule.name for rule in rules.RULES if rule.warning] == ["not at (0, 0)",
                                                                   "OSM layer tag"]
    assert all(rule.doc for rule in rules.RULES)  # each says what it asks


@pytest.fixture
def runs() -> Iterator[dict[str, list[tuple[int, set[int]]]]]:
    """Each rule's runs while a test loads, as (rows checked, rows it found wrong)."""
    found: dict[str, list[tuple[int, set[int]]]] = {rule.name: [] for rule in rules.RULES}
    original = list(rules.RULES)

    def spy(rule: rules.Rule) -> rules.Rule:
        def check(columns: RawColumns, rows: Any, load: rules.Load) -> rules.Found:
            wrong = rule.check(columns, rows, load)
            found[rule.name].append((len(rows), set(wrong)))
            return wrong

        return replace(rule, check=check)

    rules.RULES[:] = map(spy, original)
    try:
        yield found
    finally:
        rules.RULES[:] = original


@pytest.mark.parametrize("path_name", list(PATHS))
@pytest.mark.parametrize("rule_name", list(BAD))
def test_each_reading_path_meets_each_rule(
    tmp_path: Path, runs: dict[str, list[tuple[int, set[int]]]], path_name: str,
    rule_name: str,
) -> None:
    write, options = PATHS[path_name]
    bad = {**GOOD, "id": "b1", **BAD[rule_name]}
    if path_name == "lpf" and rule_name == "as read":  # LPF reads a geometry's WKT itself
        bad = {**bad, "when": "1990", "wkt": "POINT (nonsense"}
    file = write([GOOD, bad], tmp_path / "places")
    mapgen.load(file, skip_invalid=True, **options)
    for name, found in runs.items():
        assert [rows for rows, _ in found] == [2], (name, found)  # every rule, over both rows
    flagged = {name: wrong for name, [(_, wrong)] in runs.items() if wrong}
    if (path_name, rule_name) in UNBREAKABLE:
        assert rule_name not in flagged
    else:
        assert flagged == {rule_name: {1}}


def test_the_unbreakable_pairs_are_real_paths_and_rules() -> None:
    assert {p for p, _ in UNBREAKABLE} <= set(PATHS) and {r for _, r in UNBREAKABLE} <= set(BAD)


# --- a column's shortcut agrees with the rule asked row by row ----------------------------

values = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=True),
                   st.sampled_from(["a", " ", "", "a b", "site", "x\u200b", "1990", "1990/2000",
                                    "nonsense", "https://e.org", "ftp://e.org"]))
listed = st.lists(st.one_of(values, st.fixed_dictionaries(
    {}, optional={"url": values, "title": values})), max_size=3)
properties = st.fixed_dictionaries({}, optional={
    key: st.one_of(values, listed) for key in ("id", "name", "layer", "when", "description",
                                               "precision", "sources", "name_fr", "name_x")})
geometries = st.one_of(values, st.fixed_dictionaries(
    {"type": st.sampled_from(["Point", "LineString", "GeometryCollection"]),
     "coordinates": st.lists(st.one_of(st.floats(-200, 200), values), max_size=3)},
    optional={"bbox": values}))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(properties, geometries), min_size=1, max_size=6))
def test_each_rule_finds_in_a_column_what_it_finds_row_by_row(
    pairs: list[tuple[dict[str, Any], Any]]
) -> None:
    raws = [RawFeature(f"feature {n}", props, geometry) for n, (props, geometry) in
            enumerate(pairs)]
    columns = RawColumns.of(raws)
    for rule in rules.RULES:
        together = rule.check(columns, range(len(columns)), rules.Load(file="f"))
        load = rules.Load(file="f")  # one load for the rows alone: ids met carry over
        alone: dict[int, Any] = {}
        for row, raw in enumerate(raws):
            for _, found in rule.check(RawColumns.of([raw]), range(1), load).items():
                alone[row] = found
        assert together == alone, rule.name


# --- the same places, and the same problems, from every format ----------------------------

ROWS: list[Row] = [
    GOOD,
    {**GOOD, "id": "g2", "name": "Second", "when": "1850", "precision": "city", "lon": 2.5},
    {**GOOD, "id": "g3", "name": "Third", "layer": "events", "when": "2003/..", "lat": -33.5,
     "sources": [{"title": "U", "url": "https://example.org/u"}], "description": "more"},
]
COLUMNS = ("ids", "names", "layers", "lons", "lats", "geometries", "span_starts", "spans",
           "descriptions", "precisions", "source_starts", "source_titles", "source_urls")


@pytest.mark.parametrize("path_name", [p for p in PATHS if p != "parquet-rows"])
def test_every_format_makes_the_same_columns(tmp_path: Path, path_name: str) -> None:
    write, options = PATHS[path_name]
    places = mapgen.load(write(ROWS, tmp_path / "places"), **options).places
    expected = mapgen.load(_geojson(ROWS, tmp_path / "expected")).places
    for name in COLUMNS:
        assert getattr(places, name) == getattr(expected, name), name


@pytest.mark.parametrize("first", ["geojson", "csv", "parquet", "lpf"])
@pytest.mark.parametrize("second", ["geojson-fields", "lp-tsv", "gdal"])
def test_files_that_share_ids_are_one_set_of_ids(tmp_path: Path, first: str, second: str) -> None:
    """Ids are unique across the files of a load, whichever their formats: the second file's
    rows that repeat an id are refused, each naming where the id first was."""
    one = PATHS[first][0](ROWS, tmp_path / "one")
    two = PATHS[second][0](ROWS[1:], tmp_path / "two")
    options = {**PATHS[first][1], **PATHS[second][1]}
    with pytest.raises(mapgen.DataError) as info:
        mapgen.load(one, two, **options)
    problems = info.value.problems
    assert [(p.file, p.field) for p in problems] == [(str(two), "id")] * 2
    assert [p.message.split(", also at ")[0] for p in problems] == [
        "duplicate id 'g2'", "duplicate id 'g3'"]
    assert all(p.message.split(", also at ")[1].startswith(f"{one}: ") for p in problems)


@pytest.mark.parametrize("path_name", [p for p in PATHS if p != "lp-tsv"])  # LP-TSV: start/end
def test_a_date_that_ends_before_it_starts_is_one_message_in_every_format(
    tmp_path: Path, path_name: str
) -> None:
    write, options = PATHS[path_name]
    file = write([GOOD, {**GOOD, "id": "b1", "when": "2000/1990"}], tmp_path / "places")
    with pytest.raises(mapgen.DataError) as info:
        mapgen.load(file, **options)
    [problem] = info.value.problems
    assert (problem.where.endswith("(id=b1)"), problem.message) == (
        True, "'2000/1990' ends before it starts")


@pytest.mark.parametrize("options", [{}, {"when_field": "when"}], ids=["typed", "whole"])
def test_a_point_with_a_bbox_is_a_point_on_every_path(tmp_path: Path, options: Row) -> None:
    """Issue 18: a Point with a `bbox` member was a shape when the quick path took it and a
    point when the full checker did; on a packed map one shape made it one canvas a pane."""
    features = [{"type": "Feature", "properties": {k: v for k, v in row.items()
                                                   if k not in ("lon", "lat")},
                 "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]],
                              "bbox": [row["lon"], row["lat"], row["lon"], row["lat"]]}}
                for row in ROWS]
    path = tmp_path / "boxed.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    places = mapgen.load(path, **options).places
    assert places.geometries == (None, None, None)
    assert places.lons == (10, 2.5, 10) and places.lats == (50, 50, -33.5)


def test_an_osm_extracts_layer_tag_is_said() -> None:
    """Overpass's extract of North Macedonia's historic sites: a bridge's layer=1, a statue's
    layer=2 became layers "1" and "2" without a word (issue 20's real files)."""
    real = Path(__file__).parent / "data" / "real" / "osm_historic_north_macedonia.geojson"
    with pytest.warns(mapgen.MapgenWarning) as said:
        data = mapgen.load(real, start_field="start_date")
    lines = [str(w.message) for w in said if "OpenStreetMap's layer tag" in str(w.message)]
    assert len(lines) == 1 and "3 of 39 places" in lines[0] and "id=node/908273421" in lines[0]
    assert {p.layer for p in data.places} >= {"1", "2"}  # kept as written
