"""Field options and hints on real files' shapes (issue 20, item 1): a misnamed field is an
error naming the fields there are, blank headers get names, hints choose a column by what it
holds, every file-level problem is reported in one run, and descriptions and sources come
from columns named by --description-field, --source-field and --url-field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas
import pyarrow
import pyarrow.parquet
import pytest
from click.testing import CliRunner
from shapely.geometry import Point

import mapgen
from mapgen.cli import main
from mapgen.errors import MapgenWarning
from tests.test_formats import problems

POINT = {"type": "Point", "coordinates": [12.5, 41.9]}


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # problems name files as short relative paths
    return tmp_path


def collection(*properties: dict[str, Any], lpf: bool = False) -> str:
    """A FeatureCollection (LPF when *lpf*) of points with these properties."""
    if lpf:
        features = [{"type": "Feature", "@id": f"https://example.org/{i}", "properties": p,
                     "geometry": POINT} for i, p in enumerate(properties)]
        return json.dumps({"type": "FeatureCollection", "@context":
                           "https://raw.githubusercontent.com/LinkedPasts/linked-places/master/"
                           "linkedplaces-context-v1.1.jsonld", "features": features})
    features = [{"type": "Feature", "properties": p, "geometry": POINT} for p in properties]
    return json.dumps({"type": "FeatureCollection", "features": features})


# --- a field named wrong ----------------------------------------------------------------------


def test_a_misspelt_field_in_a_table_names_the_columns_and_the_closest(here: Path) -> None:
    Path("a.csv").write_text("id,name,lat,lon,start,end\na,A,1,2,1900,1950\n", "utf-8")
    assert problems("a.csv", start_field="start", end_field="ned") == [
        "a.csv: missing columns: 'ned' (--end-field; did you mean 'end'?) "
        "(the columns are: id, name, lat, lon, start, end)"
    ]


def test_a_misspelt_field_in_geojson_is_an_error_not_silence(here: Path) -> None:
    """It was accepted: --end-field tto left every end out, and the map said ok."""
    Path("b.geojson").write_text(
        collection({"id": "a", "name": "A", "from": "1900", "to": "1950"}), "utf-8"
    )
    assert problems("b.geojson", start_field="from", end_field="tto", name_field="nmae") == [
        "b.geojson: missing properties: 'nmae' (--name-field; did you mean 'name'?), "
        "'tto' (--end-field; did you mean 'to'?) (the properties are: id, name, from, to)"
    ]
    [place] = mapgen.load("b.geojson", start_field="from", end_field="to").places
    assert [s.text for s in place.spans] == ["1900/1950"]


def test_a_field_some_features_lack_is_no_error_one_none_has_is(here: Path) -> None:
    Path("c.geojson").write_text(collection(
        {"id": "a", "name": "A", "year": "1900", "note": "x"},
        {"id": "b", "name": "B", "year": "1910"},
    ), "utf-8")
    data = mapgen.load("c.geojson", when_field="year", description_field="note")
    assert [p.description for p in data.places] == ["x", ""]
    assert problems("c.geojson", when_field="year", description_field="notes") == [
        "c.geojson: missing properties: 'notes' (--description-field; did you mean 'note'?) "
        "(the properties are: id, name, year, note)"
    ]


def test_a_misspelt_field_in_lpf_is_one_line_not_one_per_feature(here: Path) -> None:
    Path("p.jsonld").write_text(collection(
        *({"title": t, "from": "1900"} for t in "ABC"), lpf=True), "utf-8")
    [line] = problems("p.jsonld", start_field="form")
    assert line.startswith("p.jsonld: missing properties: 'form' (--start-field; did you mean "
                           "'from'?) (the properties are: ")
    assert {p.name for p in mapgen.load("p.jsonld", start_field="from").places} == {"A", "B", "C"}


def test_a_misspelt_field_in_gdal_and_parquet_files(here: Path) -> None:
    frame = geopandas.GeoDataFrame({"name": ["A"], "year": ["1900"]},
                                   geometry=[Point(1, 2)], crs="EPSG:4326")
    frame.to_file("g.gpkg", engine="pyogrio")
    frame.to_parquet("g.parquet")
    assert problems("g.gpkg", when_field="yaer") == [
        "g.gpkg: missing fields: 'yaer' (--when-field; did you mean 'year'?) "
        "(the fields are: name, year)"
    ]
    assert problems("g.parquet", when_field="yaer") == [
        "g.parquet: missing columns: 'yaer' (--when-field; did you mean 'year'?) "
        "(the columns are: name, year)"
    ]


def test_no_closest_match_when_nothing_is_close(here: Path) -> None:
    Path("a.csv").write_text("id,name,layer,lat,lon,when\na,A,x,1,2,1900\n", "utf-8")
    assert problems("a.csv", name_field="label") == [
        "a.csv: missing columns: 'label' (--name-field) "
        "(the columns are: id, name, layer, lat, lon, when)"
    ]


# --- blank headers ----------------------------------------------------------------------------


def test_blank_headers_are_named_with_a_warning(here: Path) -> None:
    """A pandas index and a spreadsheet's trailing empty columns: "column '' appears twice"
    refused the whole file."""
    Path("w.csv").write_text(",name,lat,lon,when,,\n0,A,1,2,1900,x,\n1,B,1,2,1910,,y\n", "utf-8")
    with pytest.warns(MapgenWarning) as caught:
        data = mapgen.load("w.csv")
    assert [str(w.message) for w in caught] == [
        "w.csv: 3 columns without a name in the header, called column_1, column_6, column_7"
    ]
    assert [dict(p.extra) for p in data.places] == [
        {"column_1": "0", "column_6": "x"}, {"column_1": "1", "column_7": "y"}
    ]


def test_named_duplicate_columns_are_still_refused_with_the_rest(here: Path) -> None:
    Path("d.csv").write_text("id,title,title,lat\na,A,B,1\n", "utf-8")
    assert problems("d.csv") == [
        "d.csv: line 1: column 'title' appears twice",
        "d.csv: missing columns: name, lon (or wkt); did you mean --name-field title? "
        "(the columns are: id, title, title, lat)",
    ]


# --- hints by content -------------------------------------------------------------------------


def test_a_date_column_of_notes_is_not_the_hint(here: Path) -> None:
    """The wrecks database: Date_D holds notes ("tpq"), Start_Date and End_Date the years."""
    Path("wrecks.csv").write_text(
        "NAME,Latitude,Longitude,Start_Date,End_Date,Date_Q,Date_D\n"
        "Krava,43.07,16.22,-400,-200,,\n"
        "Avenches 2,46.88,7.05,45,200,ca,tpq\n"
        "Avenches 3,46.88,7.05,125,200,ca,tpq\n", "utf-8")
    [line] = problems("wrecks.csv")
    assert "; did you mean --start-field Start_Date --end-field End_Date? " in line


def test_coordinates_inside_a_word_and_wikidata_columns_are_hinted(here: Path) -> None:
    Path("meteorites.csv").write_text(
        "name,id,mass,year,reclat,reclong,GeoLocation\n"
        'Aachen,1,21,1880,50.775,6.08333,"(50.775000, 6.083330)"\n', "utf-8")
    [line] = problems("meteorites.csv")
    assert "; did you mean --when-field year --lat-field reclat --lon-field reclong? " in line
    Path("query.csv").write_text(
        "city,cityLabel,population,regionLabel,inception,coord\n"
        "http://www.wikidata.org/entity/Q44401,Cayenne,62675,Guyane,1664-01-01T00:00:00Z,"
        "Point(-52.335 4.938611111)\n", "utf-8")
    [line] = problems("query.csv")
    assert ("; did you mean --name-field cityLabel --start-field inception --wkt-field coord? "
            in line)


def test_an_osm_extract_is_offered_the_date_column_that_is_filled(here: Path) -> None:
    """OpenStreetMap: `start_date` is set on most castles, `date` on one."""
    castles = [{"@id": f"node/{i}", "name": f"Castle {i}", "historic": "castle",
                "start_date": str(1300 + i)} for i in range(4)]
    castles[0]["date"] = "1402"
    Path("osm.geojson").write_text(collection(*castles), "utf-8")
    [line] = problems("osm.geojson")
    assert line.startswith("osm.geojson: when: no feature has one; did you mean "
                           "--start-field start_date? ")


def test_a_file_dated_in_its_own_when_column_is_offered_no_other(here: Path) -> None:
    Path("w.csv").write_text("id,title,lat,when,date_added\n"
                             "a,A,1,1900,2020-01-05\n", "utf-8")
    [line] = problems("w.csv")
    assert "; did you mean --name-field title? " in line


def test_a_column_named_like_a_date_that_holds_none_leaves_the_places_undated(
    here: Path,
) -> None:
    Path("notes.csv").write_text("name,lat,lon,date_note\nA,1,2,tpq\nB,1,2,ca\n", "utf-8")
    assert [p.spans for p in mapgen.load("notes.csv").places] == [(), ()]


# --- every file-level problem in one run --------------------------------------------------------


def test_every_file_level_problem_of_every_file_in_one_run(here: Path) -> None:
    Path("a.csv").write_text("id,title,lat\nx,X,1\n", "utf-8")
    Path("b.geojson").write_text(collection(
        {"id": "a", "title": "A", "year": "1900"}, {"id": "b", "title": "B", "year": "1910"}
    ), "utf-8")
    Path("c.csv").write_text("id,name,lat,lon,when\nc,C,1,2,1900\n", "utf-8")
    result = CliRunner().invoke(main, ["validate", "a.csv", "b.geojson", "c.csv"])
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if line.startswith("error:")] == [
        "error: a.csv: missing columns: name, lon (or wkt); did you mean --name-field title? "
        "(the columns are: id, title, lat)",
        "error: b.geojson: name: missing in 2 of 2 features; did you mean --name-field title? "
        "(the properties are: id, title, year)",
        "error: b.geojson: when: no feature has one; did you mean --when-field year? "
        "(the properties are: id, title, year)",
    ]


def test_problems_of_the_rows_of_good_files_come_with_them(here: Path) -> None:
    Path("a.csv").write_text("id,title,lat\nx,X,1\n", "utf-8")
    Path("c.csv").write_text("id,name,lat,lon,when\nc,C,95,2,1900\n", "utf-8")
    assert problems("a.csv", "c.csv") == [
        "a.csv: missing columns: name, lon (or wkt); did you mean --name-field title? "
        "(the columns are: id, title, lat)",
        "c.csv: line 2 (id=c): lat: 95 is outside -90..90",
    ]


# --- descriptions and sources from columns ---------------------------------------------------


def test_description_source_and_url_fields(here: Path) -> None:
    Path("s.csv").write_text(
        "id,name,lat,lon,when,notes,ref,link,sources\n"
        "a,A,1,2,1900,First,Smith 1990,https://example.org/a,\n"
        "b,B,1,2,1900,,,https://example.org/b,Old|https://old.example.org\n"
        "c,C,1,2,1900,,,,\n", "utf-8")
    data = mapgen.load("s.csv", description_field="notes", source_field="ref",
                       url_field="link")
    assert [(p.description, [(s.title, s.url) for s in p.sources]) for p in data.places] == [
        ("First", [("Smith 1990", "https://example.org/a")]),
        ("", [("Old", "https://old.example.org"),
              ("https://example.org/b", "https://example.org/b")]),
        ("", []),
    ]
    assert "notes" not in data.places[0].extra and "ref" not in data.places[0].extra


def test_a_url_field_alone_titles_sources_by_their_address_in_every_format(
    here: Path,
) -> None:
    uri = "https://pleiades.stoa.org/places/1"
    Path("g.geojson").write_text(
        collection({"id": "a", "name": "A", "when": ["1900"], "uri": uri}), "utf-8")
    frame = geopandas.GeoDataFrame({"name": ["A"], "when": ["1900"], "uri": [uri]},
                                   geometry=[Point(1, 2)], crs="EPSG:4326")
    frame.to_file("g.gpkg", engine="pyogrio")
    table = {"name": ["A"], "when": ["1900"], "lat": [1.0], "lon": [2.0], "uri": [uri]}
    pyarrow.parquet.write_table(pyarrow.table(table), "g.parquet")
    Path("g.jsonld").write_text(collection({"title": "A", "uri": uri}, lpf=True), "utf-8")
    for name in ("g.geojson", "g.gpkg", "g.parquet", "g.jsonld"):
        [place] = mapgen.load(name, url_field="uri").places
        assert [(s.title, s.url) for s in place.sources] == [(uri, uri)], name


def test_source_urls_are_http_only_and_a_title_needs_one(here: Path) -> None:
    Path("s.csv").write_text(
        "id,name,lat,lon,when,ref,link\n"
        "a,A,1,2,1900,Smith,javascript:alert(1)\n"
        "b,B,1,2,1900,Jones,\n", "utf-8")
    assert problems("s.csv", source_field="ref", url_field="link") == [
        "s.csv: line 2 (id=a): sources[0].url: 'javascript:alert(1)' is not an http(s) URL",
        "s.csv: line 3 (id=b): sources[0].url: '' is not an http(s) URL",
    ]
    with pytest.raises(mapgen.OptionError, match="source_field names the sources' titles; it "
                       "needs url_field"):
        mapgen.load("s.csv", source_field="ref")


def test_the_cli_has_the_new_field_options(here: Path) -> None:
    Path("s.csv").write_text("id,name,lat,lon,when,ref,link\n"
                             "a,A,1,2,1900,Smith,https://example.org/a\n", "utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["export", "s.csv", "--source-field", "ref", "--url-field",
                                  "link", "--description-field", "ref", "-o", "-",
                                  "--format", "csv"])
    assert result.exit_code == 0, result.output
    row = result.output.splitlines()[1]
    assert row == "a,A,s,1.0,2.0,1900,Smith,Smith|https://example.org/a"
    result = runner.invoke(main, ["validate", "s.csv", "--source-field", "ref"])
    assert result.exit_code == 2
    assert "error: --source-field names the sources' titles; it needs --url-field" in result.output
