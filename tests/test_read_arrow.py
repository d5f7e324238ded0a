"""GeoParquet, Parquet and Arrow IPC (Feather) input (issue 12): files made here with geopandas
and pyarrow, read through `mapgen.load` and the CLI, with the field options of every table."""

from __future__ import annotations

import datetime
import decimal
import json
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import geopandas
import pyarrow
import pyarrow.feather
import pyarrow.ipc
import pyarrow.parquet
import pytest
import shapely
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import mapgen
from mapgen.cli import main
from mapgen.fields import Fields
from mapgen.read.arrow import read_columns
from tests.test_formats import problems
from tests.test_fuzz import FAST, load_or_problems
from tests.test_fuzz import test_any_bytes_as_a_file as any_bytes_as_a_file
from tests.test_readers import CELL


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # problems name files as short relative paths
    return tmp_path


def frame(crs: str | None = "EPSG:4326", **columns: Any) -> geopandas.GeoDataFrame:
    """Three places: Paris, Kraków and Tabriz (each over two or one spans)."""
    data = {
        "id": ["paris", "krakow", "tabriz"],
        "name": ["Paris", "Kraków", "Tabriz"],
        "layer": ["west", "east", "east"],
        "when": [["1850/1870", "1900"], ["-0030"], ["1981-06-20"]],
        **columns,
    }
    points = [shapely.Point(2.35, 48.85), shapely.Point(19.94, 50.06), shapely.Point(46.29, 38.08)]
    return geopandas.GeoDataFrame(data, geometry=points, crs="EPSG:4326").to_crs(crs)


def summary(data: mapgen.Dataset) -> list[tuple[Any, ...]]:
    return [(p.id, p.name, p.layer, [s.text for s in p.spans], p.geometry) for p in data.places]


def point(x: float, y: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [x, y]}


EXPECTED = [
    ("paris", "Paris", "west", ["1850/1870", "1900"], point(2.35, 48.85)),
    ("krakow", "Kraków", "east", ["-0030"], point(19.94, 50.06)),
    ("tabriz", "Tabriz", "east", ["1981-06-20"], point(46.29, 38.08)),
]


# --- what reads ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, write",
    [
        ("places.parquet", lambda f, p: f.to_parquet(p)),
        ("places.geoparquet", lambda f, p: f.to_parquet(p, geometry_encoding="geoarrow")),
        ("places.arrow", lambda f, p: f.to_feather(p)),
        ("places.feather", lambda f, p: f.to_feather(p)),
    ],
)
def test_geoparquet_and_feather_read_as_geojson_does(here: Path, name: str, write: Any) -> None:
    write(frame(), here / name)
    assert summary(mapgen.load(name)) == EXPECTED


def test_geoarrow_points_are_read_as_x_and_y_columns(here: Path) -> None:
    frame().to_parquet(here / "p.parquet", geometry_encoding="geoarrow")
    columns = read_columns(Path("p.parquet"), "p.parquet", Fields(), "parquet")
    assert columns.x == [2.35, 19.94, 46.29] and columns.y == [48.85, 50.06, 38.08]
    assert columns.values["name"] == ["Paris", "Kraków", "Tabriz"]  # plain lists per column
    assert columns.mapping == {"id": "id", "name": "name", "layer": "layer", "when": "when"}


def test_another_crs_is_reprojected_to_longitude_latitude(here: Path) -> None:
    for name, write in (("m.parquet", "to_parquet"), ("m.arrow", "to_feather")):
        getattr(frame("EPSG:3857"), write)(here / name)
        for got, want in zip(summary(mapgen.load(name)), EXPECTED, strict=True):
            assert got[:4] == want[:4]
            assert got[4]["coordinates"] == pytest.approx(want[4]["coordinates"])


def test_repeated_text_is_one_object_and_empty_cells_stay_empty(here: Path) -> None:
    table = pyarrow.table({"name": ["A", "B", "C", "D"], "layer": ["x", None, "x", "x"],
                           "when": ["1900"] * 4, "lat": [1.0] * 4, "lon": [2.0] * 4})
    pyarrow.parquet.write_table(table, here / "t.parquet")
    layers = read_columns(Path("t.parquet"), "t.parquet", Fields(), "parquet").values["layer"]
    assert layers == ["x", None, "x", "x"] and layers[0] is layers[3]
    assert [p.layer for p in mapgen.load("t.parquet").places] == ["x", "t", "x", "x"]


def test_lines_and_polygons_are_read_from_wkb(here: Path) -> None:
    shapes = frame()
    shapes.geometry = [
        shapely.LineString([(0, 0), (1, 1)]),
        shapely.box(0, 0, 1, 1),
        shapely.Point(3, 4),
    ]
    shapes.to_parquet(here / "shapes.parquet")
    columns = read_columns(Path("shapes.parquet"), "shapes.parquet", Fields(), "parquet")
    assert columns.x is None  # not all points
    kinds = [p.geometry["type"] for p in mapgen.load("shapes.parquet").places]
    assert kinds == ["LineString", "Polygon", "Point"]


def test_a_plain_table_with_lat_and_lon_and_dates_of_every_type(here: Path) -> None:
    table = pyarrow.table({
        "name": ["A", "B", "C", "D"],
        "latitude": [48.85, 50.06, 38.08, -33.9],
        "lng": [2.35, 19.94, 46.29, 18.4],
        "start": pyarrow.array([-550, 1850, None, 300], pyarrow.int64()),
        "end": [
            datetime.date(1, 1, 1), datetime.date(1900, 3, 12), datetime.date(1950, 1, 1), None,
        ],
        "note": [1.5, None, float("nan"), 2.0],
    })
    pyarrow.parquet.write_table(table, here / "plain.parquet")
    data = mapgen.load("plain.parquet", start_field="start", end_field="end")
    assert [(p.id, p.layer, [s.text for s in p.spans]) for p in data.places] == [
        ("row-0", "plain", ["-0549/0001-01-01"]),  # an integer -550 is 550 BCE
        ("row-1", "plain", ["1850/1900-03-12"]),
        ("row-2", "plain", ["/1950-01-01"]),  # no start: unknown, counted at the end
        ("row-3", "plain", ["0300/"]),  # no end: unknown, counted at the start
    ]
    assert data.places[3].geometry == {"type": "Point", "coordinates": [18.4, -33.9]}
    assert [dict(p.extra).get("note") for p in data.places] == [1.5, None, None, 2.0]
    columns = read_columns(Path("plain.parquet"), "plain.parquet", Fields(start="start"), "parquet")
    assert columns.y == [48.85, 50.06, 38.08, -33.9] and columns.x == [2.35, 19.94, 46.29, 18.4]
    assert "lng" not in columns.values  # the geometry is not an attribute


def test_when_as_text_spans_and_timestamps(here: Path) -> None:
    table = pyarrow.table({
        "id": [1, 2],
        "title": ["A", "B"],
        "period": ["c. 1850; 1900-1910", "30 BC"],
        "seen": pyarrow.array(
            [datetime.datetime(2020, 5, 1), datetime.datetime(2021, 6, 2, 10, 30)],
            pyarrow.timestamp("ms"),
        ),
        "lat": ["10.5", "20"],  # text coordinates are read as CSV cells are
        "lon": [1, 2],
    })
    pyarrow.feather.write_feather(table, here / "t.feather")
    data = mapgen.load("t.feather", name_field="title", when_field="period")
    assert [(p.id, [s.text for s in p.spans]) for p in data.places] == [
        ("1", ["1850~", "1900/1910"]), ("2", ["-0029"]),
    ]
    assert data.places[0].geometry == {"type": "Point", "coordinates": [1, 10.5]}
    data = mapgen.load("t.feather", name_field="title", when_field="seen")  # as GDAL's are read:
    spans = [[s.text for s in p.spans] for p in data.places]  # midnight is the day
    assert spans == [["2020-05-01"], ["2021-06-02T10:30:00"]]


def test_a_wkt_column_and_the_format_option(here: Path) -> None:
    table = pyarrow.table({"id": ["a"], "name": ["A"], "shape": ["POINT (5 6)"], "when": ["1999"]})
    with pyarrow.ipc.new_file(here / "export.bin", table.schema) as writer:
        writer.write_table(table)
    [place] = mapgen.load("export.bin", format="arrow", wkt_field="shape").places
    assert place.geometry == {"type": "Point", "coordinates": [5.0, 6.0]}
    with pyarrow.ipc.new_stream(here / "stream.arrows", table.schema) as writer:
        writer.write_table(table)  # the IPC stream format reads too
    assert mapgen.load("stream.arrows", wkt_field="shape").places[0].id == "a"


def test_sources_as_structs_bare_urls_or_text_cells(here: Path) -> None:
    a, b, c = "https://a.org/1", "https://b.org", "https://c.org"
    structs = [[{"title": "Register", "url": a}, {"title": None, "url": b}], [{"url": c}]]
    urls = [[a, b], [c]]
    text = [f"Register|{a};{b}", c]
    for name, sources in (("structs.parquet", structs), ("urls.arrow", urls),
                          ("text.parquet", text)):
        places = frame(sources=[*sources, None])
        getattr(places, "to_feather" if name.endswith(".arrow") else "to_parquet")(here / name)
        got = [[(s.title, s.url) for s in p.sources] for p in mapgen.load(name).places]
        first = [("Register" if sources is not urls else a, a), (b, b)]  # no title: the URL
        assert got == [first, [(c, c)], []], name


def test_dates_read_once_per_distinct_cell_are_located_on_every_row(here: Path) -> None:
    table = pyarrow.table({
        "id": ["a", "b", "c", "d"], "name": ["A", "B", "C", "D"],
        "when": [["1850", "1850"], ["soon"], ["1850", "1850"], ["soon"]],
        "lat": [1.0, 2.0, 3.0, 4.0], "lon": [1.0, 2.0, 3.0, 4.0],
    })
    pyarrow.parquet.write_table(table, here / "w.parquet")
    lines = problems("w.parquet")
    assert [line.split(":")[1] for line in lines] == [" row 1 (id=b)", " row 3 (id=d)"]
    assert all(": when[0]: 'soon' is not a date mapgen reads;" in line for line in lines)
    data = mapgen.load("w.parquet", skip_invalid=True)
    assert [(p.id, [s.text for s in p.spans]) for p in data.places] == [
        ("a", ["1850"]), ("c", ["1850"]),
    ]


def test_columns_of_any_type_are_kept_as_json_values(here: Path) -> None:
    table = pyarrow.table({
        "name": ["A"], "lat": [1.0], "lon": [2.0], "when": ["1900"],
        "struct": pyarrow.array([{"a": 1, "on": datetime.date(2000, 1, 1)}]),
        "map": pyarrow.array([[("k", 1)]], pyarrow.map_(pyarrow.string(), pyarrow.int64())),
        "decimal": pyarrow.array([decimal.Decimal("1.50")], pyarrow.decimal128(5, 2)),
        "time": pyarrow.array([datetime.time(10, 30)], pyarrow.time64("us")),
        "duration": pyarrow.array([datetime.timedelta(days=2)], pyarrow.duration("s")),
        "bytes": [b"\x00\x01"],
        "utc": pyarrow.array([datetime.datetime(2020, 1, 1, 5, tzinfo=datetime.timezone.utc)],
                             pyarrow.timestamp("s", tz="UTC")),
        "category": pyarrow.array(["x"]).dictionary_encode(),
    })
    pyarrow.parquet.write_table(table, here / "odd.parquet")
    result = CliRunner().invoke(main, ["export", "odd.parquet", "-o", "-"])
    assert result.exit_code == 0, result.output
    properties = json.loads(result.output)["features"][0]["properties"]
    assert {k: v for k, v in properties.items() if k not in ("id", "name", "layer", "when")} == {
        "struct": {"a": 1, "on": "2000-01-01"}, "map": [["k", 1]], "decimal": 1.5,
        "time": "10:30:00", "duration": "2 days, 0:00:00", "utc": "2020-01-01T05:00:00+00:00",
        "category": "x",
    }


def test_cli_build_list_and_export(here: Path) -> None:
    frame().to_parquet(here / "places.parquet")
    runner = CliRunner()
    result = runner.invoke(main, ["build", "places.parquet", "-o", "map.html", "--from", "1960"])
    assert result.exit_code == 0, result.output
    assert "tabriz" in (here / "map.html").read_text("utf-8")
    result = runner.invoke(main, ["list", "places.parquet", "--format", "json"])
    assert [p["id"] for p in json.loads(result.stdout)] == ["paris", "krakow", "tabriz"]
    assert "note: places.parquet: column 'when': negative years read as ISO 8601" in result.stderr
    result = runner.invoke(main, ["validate", "places.parquet"])
    assert result.exit_code == 0, result.output


def test_same_file_same_bytes(here: Path) -> None:
    frame().to_parquet(here / "places.parquet")
    runner = CliRunner()
    for out in ("a.html", "b.html"):
        assert runner.invoke(main, ["build", "places.parquet", "-o", out]).exit_code == 0
    assert (here / "a.html").read_bytes() == (here / "b.html").read_bytes()


# --- what is refused, in one located line ----------------------------------------------------


def test_bad_rows_are_located_by_row_from_zero(here: Path) -> None:
    table = pyarrow.table({
        "id": ["a", "b", "c", "d"],
        "name": ["A", "B", "C", "D"],
        "when": ["1850", "1910/1900", "1900", "1900"],
        "lat": [10.0, 20.0, 95.0, None],
        "lon": [1.0, 2.0, 3.0, 4.0],
    })
    pyarrow.parquet.write_table(table, here / "bad.parquet")
    assert problems("bad.parquet") == [
        "bad.parquet: row 1 (id=b): when[0]: '1910/1900' ends before it starts",
        "bad.parquet: row 2 (id=c): lat: 95 is outside -90..90",
        "bad.parquet: row 3 (id=d): lat: is missing (give lat and lon, or wkt)",
    ]
    data = mapgen.load("bad.parquet", skip_invalid=True)
    assert [p.id for p in data.places] == ["a"] and data.report.skipped == 3


def test_unreadable_wkb_is_a_located_problem(here: Path) -> None:
    table = pyarrow.table({
        "id": ["a", "b"], "name": ["A", "B"], "when": ["1850", "1900"],
        "geometry": [shapely.Point(1, 2).wkb, b"\x01\x02junk"],
    })
    geo = {"version": "1.1.0", "primary_column": "geometry",
           "columns": {"geometry": {"encoding": "WKB", "geometry_types": []}}}
    table = table.replace_schema_metadata({"geo": json.dumps(geo)})
    pyarrow.parquet.write_table(table, here / "wkb.parquet")
    assert problems("wkb.parquet") == ["wkb.parquet: row 1 (id=b): geometry: is not valid WKB"]


def test_file_level_problems_are_one_line_and_exit_1(here: Path) -> None:
    (here / "junk.parquet").write_text("id,name\n", "utf-8")
    (here / "junk.arrow").write_bytes(b"ARROW1\x00\x00junk")
    runner = CliRunner()
    for name in ("junk.parquet", "junk.arrow", "missing.parquet"):
        result = runner.invoke(main, ["build", name, "-o", "out.html"])
        assert result.exit_code == 1 and len(result.output.splitlines()) == 1, result.output
        assert result.output.startswith(f"error: {name}: ")
        assert not (here / "out.html").exists()
    assert problems("missing.parquet") == ["missing.parquet: no such file"]
    assert problems("junk.parquet")[0].startswith(
        "junk.parquet: not a Parquet file mapgen can read (")


@pytest.mark.parametrize(
    "geo, line",
    [
        ("{not json", "its 'geo' metadata is not GeoParquet's"),
        ('{"primary_column": "shape", "columns": {"shape": {}}}',
         "its 'geo' metadata names no column 'shape'"),
        ('{"primary_column": "geometry", "columns": {"geometry": {"encoding": "WKB", '
         '"crs": "EPSG:999999"}}}', "its CRS is not one PROJ reads ("),
        ('{"primary_column": "geometry", "columns": {"geometry": {"encoding": "WKB", '
         '"crs": 7}}}', "its CRS is not one PROJ reads ("),
    ],
)
def test_bad_geo_metadata_is_one_line(here: Path, geo: str, line: str) -> None:
    table = pyarrow.table({"id": ["a"], "name": ["A"], "when": ["1850"],
                           "geometry": [shapely.Point(1, 2).wkb]})
    pyarrow.parquet.write_table(table.replace_schema_metadata({"geo": geo}), here / "g.parquet")
    [problem] = problems("g.parquet")
    assert problem.startswith(f"g.parquet: {line}") and len(problem.splitlines()) == 1


def test_geoarrow_lines_are_refused_with_what_reads(here: Path) -> None:
    shapes = frame()
    shapes.geometry = [shapely.LineString([(0, 0), (1, i)]) for i in range(1, 4)]
    shapes.to_parquet(here / "lines.parquet", geometry_encoding="geoarrow")
    assert problems("lines.parquet") == [
        "lines.parquet: geometry column 'geometry' is encoded as 'linestring'; "
        "mapgen reads WKB and GeoArrow points"
    ]


def test_missing_columns_name_the_options_that_would_find_them(here: Path) -> None:
    table = pyarrow.table({"title": ["A"], "year": [1850], "y": [1.0], "x": [2.0]})
    pyarrow.parquet.write_table(table, here / "odd.parquet")
    assert problems("odd.parquet") == [
        "odd.parquet: missing columns: name, when, lat and lon (or wkt, or a GeoParquet "
        "geometry); did you mean --name-field title --when-field year --lat-field y --lon-field x? "
        "(the columns are: title, year, y, x)"
    ]
    frame().to_parquet(here / "g.parquet")
    assert problems("g.parquet", name_field="label") == [
        "g.parquet: missing columns: 'label' (--name-field) "
        "(the columns are: id, name, layer, when)"
    ]


def test_importing_mapgen_does_not_load_pyarrow() -> None:
    code = "import sys, mapgen, mapgen.cli; print('pyarrow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("suffix", [".parquet", ".arrow"])
def test_any_bytes_as_parquet_or_arrow(here: Path, suffix: str) -> None:
    any_bytes_as_a_file(here, suffix)


def test_any_truncated_parquet(here: Path) -> None:
    frame().to_parquet(here / "whole.parquet")
    whole = (here / "whole.parquet").read_bytes()
    for size in range(0, len(whole), max(1, len(whole) // 40)):
        (here / "cut.parquet").write_bytes(whole[:size] + whole[-8:])  # keep the footer magic
        assert isinstance(load_or_problems(here / "cut.parquet"), Exception)


def test_any_typed_rows(here: Path) -> None:
    cell = st.one_of(st.none(), st.integers(-10**6, 10**6), st.floats(), CELL)
    row = st.fixed_dictionaries({
        "id": st.none() | st.text(max_size=4) | st.integers(0, 9),
        "name": st.none() | CELL,
        "when": st.none() | CELL | st.lists(CELL, max_size=3),
        "lat": cell, "lon": cell, "wkt": st.none() | CELL,
    })

    @FAST
    @given(rows=st.lists(row, min_size=1, max_size=4), kind=st.sampled_from(["parquet", "arrow"]))
    def check(rows: list[dict[str, Any]], kind: str) -> None:
        columns = {}
        for key in rows[0]:
            values = [r[key] for r in rows]
            try:
                columns[key] = pyarrow.array(values)
            except (pyarrow.ArrowInvalid, pyarrow.ArrowTypeError):  # mixed types: as text
                columns[key] = pyarrow.array([None if v is None else str(v) for v in values])
        path = here / f"rows.{kind}"
        table = pyarrow.table(columns)
        if kind == "parquet":
            pyarrow.parquet.write_table(table, path)
        else:
            pyarrow.feather.write_feather(table, path)
        # a WKT problem quotes the cell, control characters and all, as for CSV (the CLI
        # prints it on one line, which load_or_problems checks)
        load_or_problems(path, one_line=False)

    check()


def test_formats_are_named_and_table_options_refused_elsewhere(here: Path) -> None:
    (here / "places.txt").write_text("x", "utf-8")
    assert problems("places.txt") == [
        "places.txt: unknown input format (known: arrow, csv, gdal, geojson, kml, lpf, parquet, "
        "tsv); use --input-format"
    ]
    (here / "p.geojson").write_text('{"type": "FeatureCollection", "features": []}', "utf-8")
    with pytest.raises(mapgen.OptionError) as info:
        mapgen.load("p.geojson", lat_field="y", lon_field="x")
    assert str(info.value) == "lat_field, lon_field: for CSV, TSV, Parquet and Arrow files only"


def test_a_list_cell_reads_as_its_items_joined_in_text() -> None:
    """A when column of lists (Parquet's list<string>, integers too) gives the spans the
    same items give written in one text cell, ";" between them. (Integers below -999 are left
    out: a typed -1000 is a table's year, 1000 BCE, where the text "-1000" alone is EDTF's.)"""
    from mapgen.fields import read_dates

    item = st.sampled_from(["1850", "c. 1850", "1850-1900", "-30", "30 BC", "C18", "1850s"])
    cell = st.lists(item | st.integers(-999, 3000).filter(bool), min_size=1, max_size=4)

    @FAST
    @given(cells=st.lists(cell, min_size=1, max_size=6))
    def check(cells: list[list[Any]]) -> None:
        texts = ["; ".join(str(i) for i in c) for c in cells]
        read = read_dates({"when": cells}, {"when": "w"}, "t.parquet")
        assert read == read_dates({"when": texts}, {"when": "w"}, "t.parquet")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mapgen.MapgenNote)
        check()


def test_wkt_and_coordinates_mixed_in_one_table(here: Path) -> None:
    table = pyarrow.table({
        "id": ["a", "b", "c"], "name": ["A", "B", "C"], "when": ["1999"] * 3,
        "wkt": ["POLYGON ((0 0, 1 0, 1 1, 0 0))", None, "POINT Z (5 6 7)"],
        "lat": [None, 48.5, None], "lon": [None, "2.5", None],
    })
    pyarrow.parquet.write_table(table, here / "mixed.parquet")
    assert [p.geometry for p in mapgen.load("mixed.parquet").places] == [
        {"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]]},
        {"type": "Point", "coordinates": [2.5, 48.5]},
        {"type": "Point", "coordinates": [5.0, 6.0, 7.0]},
    ]
    columns = read_columns(Path("mixed.parquet"), "mixed.parquet", Fields(), "parquet")
    assert columns.x is None and columns.shapes is not None and len(columns.shapes) == 3


def test_a_table_of_mapgens_own_fields_is_checked_in_columns(here: Path) -> None:
    from mapgen.read import read

    frame().to_parquet(here / "own.parquet")
    frame(note=["x", "y", "z"]).to_parquet(here / "more.parquet")  # an extra: row by row
    assert not read("own.parquet").columns.others  # a column at a time: nothing kept by row
    assert len(read("more.parquet").columns.others) == 3
    assert summary(mapgen.load("own.parquet")) == EXPECTED
    table = pyarrow.table({
        "id": ["a", "a", "b", "c"], "name": ["A", "A2", "B", "C"],
        "when": ["1900", "1901", "soon", "1903"], "lat": [1.0, 2.0, 3.0, 95.0],
        "lon": [1.0, 2.0, 3.0, 4.0], "sources": [["https://x.org"], ["ftp://bad"], None, None],
    })
    pyarrow.parquet.write_table(table, here / "odd.parquet")
    assert not read("odd.parquet").columns.others
    lines = problems("odd.parquet")  # flagged by a column check, or found by the reader
    assert lines[:3] == [
        "odd.parquet: row 1 (id=a): id: duplicate id 'a', also at odd.parquet: row 0",
        "odd.parquet: row 1 (id=a): sources[0].url: 'ftp://bad' is not an http(s) URL",
        "odd.parquet: row 2 (id=b): when[0]: 'soon' is not a date mapgen reads; "
        + lines[2].split("reads; ", 1)[1],
    ]
    assert lines[3:] == ["odd.parquet: row 3 (id=c): lat: 95 is outside -90..90"]
