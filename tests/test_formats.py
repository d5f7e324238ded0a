"""Input formats: CSV/TSV, Linked Places (LPF) and GDAL vector files, with field mapping."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import geopandas
import pandas
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon

import mapgen
from mapgen import DataError, MapgenNote, OptionError
from mapgen.cells import format_sources, parse_sources
from mapgen.cli import main
from mapgen.lpfcodec import edtf_from_timespan, timespan
from tests.helpers import feature, write_geojson

HEADER = "id,name,name_fa,layer,lat,lon,when,precision,description,sources,notes\n"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in tmp_path, so problems name files as short relative paths."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def problems(*sources: str | Path, **options: str) -> list[str]:
    with pytest.raises(DataError) as info:
        mapgen.load(*sources, **options)
    return [str(p) for p in info.value.problems]


def place(data: mapgen.Dataset, place_id: str) -> mapgen.Place:
    return next(p for p in data.places if p.id == place_id)


# --- CSV and TSV -----------------------------------------------------------------------------


def test_csv_reads_every_column(here: Path) -> None:
    (here / "places.csv").write_text(
        HEADER
        + 'hq-tehran,"Tehran, Iran",تهران,headquarters,35.6961,51.4231,1965/1981,city,'
        + '"Two lines:\nhere",Wikipedia|https://en.wikipedia.org/wiki/Tehran,kept\n'
        + "hq-paris,Paris,,headquarters,49.0667,2.1667,1981/1986; 2003/..,,,"
        + "https://example.org/paris,\n",
        "utf-8",
    )
    data = mapgen.load("places.csv")
    tehran = place(data, "hq-tehran")
    assert tehran.name == "Tehran, Iran"
    assert tehran.names == (("fa", "تهران"),)
    assert tehran.geometry == {"type": "Point", "coordinates": [51.4231, 35.6961]}
    assert [s.text for s in tehran.spans] == ["1965/1981"]
    assert tehran.precision == "city"
    assert tehran.description == "Two lines:\nhere"
    assert [(s.title, s.url) for s in tehran.sources] == [
        ("Wikipedia", "https://en.wikipedia.org/wiki/Tehran")
    ]
    assert tehran.extra == (("notes", "kept"),)
    paris = place(data, "hq-paris")
    assert [s.text for s in paris.spans] == ["1981/1986", "2003/.."]
    assert [(s.title, s.url) for s in paris.sources] == [
        ("https://example.org/paris", "https://example.org/paris")
    ]
    assert paris.extra == () and paris.names == ()


def test_csv_wkt_column_replaces_lat_lon(here: Path) -> None:
    (here / "areas.csv").write_text(
        "id,name,layer,when,wkt\n"
        'a,Area,zones,1990,"POLYGON ((0 0, 1 0, 1 1, 0 0))"\n'
        'l,Line,zones,1991,"LINESTRING (0.5 0.25, 2 3)"\n',
        "utf-8",
    )
    data = mapgen.load("areas.csv")
    assert place(data, "a").geometry == {
        "type": "Polygon",
        "coordinates": [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]],
    }
    assert place(data, "l").geometry == {
        "type": "LineString",
        "coordinates": [[0.5, 0.25], [2.0, 3.0]],
    }


def test_csv_sources_escape_semicolon_pipe_and_backslash(here: Path) -> None:
    cell = r"Report\; part 1 \| annex \\ notes|https://example.org/a?x=1\;y=2;https://example.org/b"
    (here / "p.csv").write_text(
        f"id,name,layer,lat,lon,when,sources\np1,P,sites,1,2,1990,{cell}\n", "utf-8"
    )
    [source_a, source_b] = place(mapgen.load("p.csv"), "p1").sources
    assert source_a.title == r"Report; part 1 | annex \ notes"
    assert source_a.url == "https://example.org/a?x=1;y=2"
    assert (source_b.title, source_b.url) == ("https://example.org/b", "https://example.org/b")
    written = format_sources([(source_a.title, source_a.url)])
    assert written == r"Report\; part 1 \| annex \\ notes|https://example.org/a?x=1\;y=2"


def test_csv_source_title_may_hold_an_unescaped_pipe() -> None:
    assert parse_sources("A | B|https://x.org") == [{"title": "A | B", "url": "https://x.org"}]
    assert parse_sources(r"C:\temp|https://x.org") == [
        {"title": r"C:\temp", "url": "https://x.org"}
    ]


@given(
    st.lists(
        st.tuples(
            st.text(min_size=1).map(str.strip).filter(bool),
            st.text(min_size=1).map(str.strip).filter(bool),
        ),
        max_size=4,
    )
)
def test_sources_cell_round_trips(pairs: list[tuple[str, str]]) -> None:
    """Whatever the titles and URLs hold, the reader gets back what the writer wrote."""
    parsed = parse_sources(format_sources(pairs))
    assert [(s.get("title", s["url"]), s["url"]) for s in parsed] == pairs


def test_csv_problems_name_the_physical_line_and_field(here: Path) -> None:
    (here / "places.csv").write_text(
        "id,name,layer,lat,lon,when\n"
        'a,"A place\nover two lines",sites,10,20,1990\n'
        "b,B,sites,10,20,1990;2013/1986\n"
        "c,C,sites,abc,20,1990\n"
        'd,D,sites,10,"1,5",1990\n'
        "e,E,sites,95,20,1990\n"
        "\n"
        "f,F,sites,10,20,1990,surplus\n",
        "utf-8",
    )
    with pytest.raises(DataError) as info:
        mapgen.load("places.csv")
    lines = [str(p) for p in info.value.problems]
    assert lines == [
        "places.csv: line 4 (id=b): when[1]: '2013/1986' ends before it starts",
        "places.csv: line 5 (id=c): lat: 'abc' is not a number",
        "places.csv: line 6 (id=d): lon: '1,5' is not a number (use a decimal point)",
        "places.csv: line 7 (id=e): lat: 95 is outside -90..90",
        "places.csv: line 9: has 7 cells but the header has 6",
    ]
    assert [p.field for p in info.value.problems[1:4]] == ["lat", "lon", "lat"]


def test_csv_missing_columns_are_one_problem(here: Path) -> None:
    (here / "places.csv").write_text("id,title,lat\nx,X,1\n", "utf-8")
    assert problems("places.csv") == [
        "places.csv: missing columns: name, lon (or wkt); did you mean --name-field title? "
        "(the columns are: id, title, lat)"
    ]


def test_tsv_reads_and_names_lines(here: Path) -> None:
    (here / "places.tsv").write_text(
        "id\tname\tlayer\tlat\tlon\twhen\n"
        "a\tA, with comma\tsites\t10\t20\t1990/..\n"
        "b\tB\tsites\t10\t20\tnot-a-date\n",
        "utf-8",
    )
    assert problems("places.tsv") == [
        "places.tsv: line 3 (id=b): when[0]: 'not-a-date' is not a date mapgen reads; "
        "write e.g. 1850, 1850-03-12, 300, -30 (30 BCE), 30 BC, AD 300, c. 1850, 1850s, "
        "18th century, C18, 1850-1900, 1850..1860, between 1850 and 1900, before 1850, or EDTF"
    ]
    (here / "places.tsv").write_text(
        "id\tname\tlayer\tlat\tlon\twhen\na\tA, with comma\tsites\t10\t20\t1990/..\n", "utf-8"
    )
    assert place(mapgen.load("places.tsv"), "a").name == "A, with comma"


def test_csv_with_bom_and_crlf_reads(here: Path) -> None:
    text = "id,name,layer,lat,lon,when\r\np1,Ṭūs,sites,36.5,59.5,1200\r\n"
    (here / "bom.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert place(mapgen.load("bom.csv"), "p1").name == "Ṭūs"


def test_non_utf8_csv_is_refused_naming_the_file(here: Path, runner: CliRunner) -> None:
    (here / "latin1.csv").write_bytes(
        "id,name,layer,lat,lon,when\np1,Café,sites,1,2,1990\n".encode("latin-1")
    )
    assert problems("latin1.csv") == [
        "latin1.csv: is not UTF-8 (byte 33 is 0xe9); save it as UTF-8"
    ]
    result = runner.invoke(main, ["validate", "latin1.csv"])
    assert result.exit_code == 1
    assert "error: latin1.csv: is not UTF-8" in result.output


def test_csv_start_and_end_fields(here: Path) -> None:
    (here / "moves.csv").write_text(
        "code,label,kind,lat,lon,from,to\n"
        "a,A,camp,10,20,1981,1986\n"
        "b,B,camp,10,20,2003-05,\n"
        "c,C,camp,10,20,1988-06-18,1988-06-18\n",
        "utf-8",
    )
    data = mapgen.load(
        "moves.csv",
        id_field="code",
        name_field="label",
        layer_field="kind",
        start_field="from",
        end_field="to",
    )
    assert {p.id: [s.text for s in p.spans] for p in data.places} == {
        "a": ["1981/1986"],
        "b": ["2003-05/"],  # an empty end cell: an unknown end, counted at its start
        "c": ["1988-06-18"],
    }
    assert all(p.layer == "camp" and p.extra == () for p in data.places)


def test_field_options_apply_to_native_geojson(here: Path) -> None:
    props = {"title": "Camp", "kind": "camps", "begin": "1986", "finish": ""}
    path = write_geojson(here / "foreign.geojson", [feature("c1", **props)])
    data = mapgen.load(
        path, name_field="title", layer_field="kind", start_field="begin", end_field="finish"
    )
    [camp] = data.places
    assert (camp.name, camp.layer, [s.text for s in camp.spans]) == ("Camp", "camps", ["1986/"])


def test_field_options_that_clash_are_usage_errors(runner: CliRunner) -> None:
    with pytest.raises(OptionError, match="not both"):
        mapgen.load(when_field="a", start_field="b")
    result = runner.invoke(main, ["list", "--end-field", "to"])
    assert result.exit_code == 2
    assert "--end-field needs --start-field" in result.output


def test_unknown_suffix_needs_format(here: Path, runner: CliRunner) -> None:
    (here / "places.txt").write_text("id,name,layer,lat,lon,when\np,P,s,1,2,1990\n", "utf-8")
    [line] = problems("places.txt")
    known = "arrow, csv, gdal, geojson, kml, lpf, parquet"
    assert line.startswith(f"places.txt: unknown input format (known: {known}")
    result = runner.invoke(main, ["validate", "--input-format", "csv", "places.txt"])
    assert result.exit_code == 0, result.output
    assert result.output == "ok: 1 place in 1 layer\n"
    # --format names an output format only: never the input's
    refused = runner.invoke(main, ["validate", "--format", "csv", "places.txt"])
    assert refused.exit_code == 2
    assert "No such option '--format'" in refused.output


def test_ids_stay_unique_across_a_csv_and_the_default_dataset(here: Path) -> None:
    (here / "more.csv").write_text(
        "id,name,layer,lat,lon,when\nhq-tehran,Again,headquarters,1,2,1990\n", "utf-8"
    )
    assert problems(mapgen.default_source(), "more.csv") == [
        "more.csv: line 2 (id=hq-tehran): id: duplicate id 'hq-tehran', also at "
        "pmoi-headquarters.geojson: feature 0"
    ]


def test_cli_list_and_build_read_csv(here: Path, runner: CliRunner) -> None:
    (here / "places.csv").write_text(
        "id,name,layer,lat,lon,when\nsite-one,One,sites,10,20,1990\nsite-two,Two,sites,11,21,2000\n",
        "utf-8",
    )
    listed = runner.invoke(main, ["list", "places.csv", "--format", "json", "--at", "1990"])
    assert listed.exit_code == 0, listed.output
    assert [row["id"] for row in json.loads(listed.output)] == ["site-one"]
    built = runner.invoke(main, ["build", "places.csv", "-o", "map.html"])
    assert built.exit_code == 0, built.output
    html = (here / "map.html").read_text("utf-8")
    assert "site-one" in html and "site-two" in html


# --- Linked Places Format --------------------------------------------------------------------

ABINGDON = {
    "@id": "http://mygaz.org/places/p_12345",
    "type": "Feature",
    "properties": {"title": "Abingdon (UK)", "ccodes": ["GB"]},
    "when": {"timespans": [{"start": {"in": "0676"}, "end": {"in": "1066"}}]},
    "names": [
        {
            "toponym": "Abingdon",
            "lang": "en",
            "citations": [
                {"label": "Ye Olde Gazetteer (1635)", "@id": "http://archive.org/details/yog"},
                {"label": "Harrumph (1923)", "@id": "doi:10.1109/5.771073"},
                {"label": "no link"},
            ],
        },
        {"toponym": "Abbandune", "lang": "ang"},
        {"toponym": "Abingdon-on-Thames", "lang": "en"},
    ],
    "types": [{"identifier": "aat:300008375", "label": "town"}],
    "geometry": {
        "type": "GeometryCollection",
        "geometries": [
            {
                "type": "Point",
                "coordinates": [-1.2879, 51.6708],
                "when": {"timespans": [{"start": {"in": "1600"}}]},
                "certainty": "certain",
            },
            {"geowkt": "POLYGON ((-1.3 51.6, -1.2 51.6, -1.2 51.7, -1.3 51.6))"},
        ],
    },
    "links": [
        {"type": "exactMatch", "identifier": "tgn:7011944"},
        {"type": "closeMatch", "identifier": "somegaz:39847"},
        {"type": "primaryTopicOf", "identifier": "https://en.wikipedia.org/wiki/Abingdon"},
    ],
    "descriptions": [{"value": "...a historic market town...", "lang": "en"}],
}


# ABINGDON with one undated geometry: one place, dated by the feature's own when
ONE_GEOMETRY = {**ABINGDON, "geometry": {"type": "Point", "coordinates": [-1.2879, 51.6708]}}


def lpf_collection(*features: dict[str, object]) -> dict[str, object]:
    context = "https://raw.githubusercontent.com/LinkedPasts/linked-places/master/linkedplaces-context-v1.1.jsonld"
    return {"type": "FeatureCollection", "@context": context, "features": list(features)}


def test_lpf_feature_maps_onto_mapgen_and_is_sniffed(here: Path) -> None:
    (here / "gazetteer.json").write_text(json.dumps(lpf_collection(ABINGDON)), "utf-8")
    # its point is dated 1600, its polygon not: each is a place, the polygon in the place's span
    point, abingdon = mapgen.load("gazetteer.json").places
    assert (point.id, [s.text for s in point.spans]) == ("http://mygaz.org/places/p_12345#1",
                                                         ["1600"])
    assert point.geometry == {"type": "Point", "coordinates": [-1.2879, 51.6708]}
    assert abingdon.id == "http://mygaz.org/places/p_12345#2"
    assert abingdon.name == "Abingdon (UK)"
    assert abingdon.names == (("ang", "Abbandune"), ("en", "Abingdon"))
    assert abingdon.layer == "town"
    assert [s.text for s in abingdon.spans] == ["0676/1066"]
    assert abingdon.description == "...a historic market town..."
    assert [(s.title, s.url) for s in abingdon.sources] == [
        ("Ye Olde Gazetteer (1635)", "http://archive.org/details/yog"),
        ("Harrumph (1923)", "https://doi.org/10.1109/5.771073"),
        ("http://vocab.getty.edu/page/tgn/7011944", "http://vocab.getty.edu/page/tgn/7011944"),
        ("https://en.wikipedia.org/wiki/Abingdon", "https://en.wikipedia.org/wiki/Abingdon"),
    ]
    assert abingdon.geometry == {
        "type": "Polygon",
        "coordinates": [[[-1.3, 51.6], [-1.2, 51.6], [-1.2, 51.7], [-1.3, 51.6]]],
    }
    assert abingdon.extra == (("ccodes", ["GB"]),)


def test_lpf_layer_field_and_explicit_format(here: Path) -> None:
    record = {**ONE_GEOMETRY, "properties": {"title": "Abingdon", "fclass": "P"}}
    (here / "gazetteer.txt").write_text(json.dumps(lpf_collection(record)), "utf-8")
    [abingdon] = mapgen.load("gazetteer.txt", format="lpf", layer_field="fclass").places
    assert abingdon.layer == "P"
    assert abingdon.extra == ()
    untyped = {key: value for key, value in ONE_GEOMETRY.items() if key != "types"}
    (here / "cities.lpf.json").write_text(json.dumps(lpf_collection(untyped)), "utf-8")
    assert mapgen.load("cities.lpf.json").places[0].layer == "cities"


@pytest.mark.parametrize(
    ("span", "edtf"),
    [
        ({"start": {"in": "1981"}, "end": {"in": "1986"}}, "1981/1986"),
        ({"start": {"in": "1832-08-01"}}, "1832-08-01"),
        ({"start": {"in": "1600"}, "end": {"in": None}}, "1600/.."),
        ({"start": {"in": "2016~"}, "end": {"in": None}}, "2016~/.."),
        ({"start": {"earliest": "1200", "latest": "1250"}, "end": {"in": "1400"}}, "1200/1400"),
        ({"start": {"in": "1200"}, "end": {"earliest": "1390", "latest": "1400"}}, "1200/1400"),
        ({"start": {"earliest": "1390", "latest": "1390"}}, "1390"),
        ({"start": {"latest": "1986"}, "end": {"in": "1986"}}, "../1986"),
        ({"start": {"earliest": "1200"}, "end": {"earliest": "1300"}}, "1200/.."),
        # stated bounds are not widened: within 2022, not "about 2022"
        ({"start": {"earliest": "2022"}, "end": {"latest": "2022"}}, "2022"),
        ({"start": {"in": "676"}, "end": {"in": "1066-10-14T00:00:00Z"}}, "0676/1066-10-14"),
        # a short negative year counts as historians count: -500 is 500 BCE (-0499)
        ({"start": {"in": -500}, "end": {"in": 100}}, "-0499/0100"),
        ({"start": {"in": "-750"}, "end": {"in": "-1"}}, "-0749/0000"),
        # as ISO 8601 writes it, four digits: astronomical (-0750 is 751 BCE)
        ({"start": {"in": "-0750"}, "end": {"latest": "-0030"}}, "-0750/-0030"),
    ],
)
def test_lpf_timespan_to_edtf(span: dict[str, object], edtf: str) -> None:
    assert edtf_from_timespan(span) == edtf


def test_lpf_short_negative_years_are_read_as_said(here: Path) -> None:
    """'-750' in a gazetteer is 750 BC unless --bce astronomical: never a silent year's shift."""
    record = {**ONE_GEOMETRY, "when": {"timespans": [{"start": {"in": "-750"},
                                                       "end": {"in": "-30"}}]}}
    (here / "a.lpf.json").write_text(json.dumps(lpf_collection(record)), "utf-8")
    with pytest.warns(MapgenNote, match=r"2 negative years .* '-750', read as historical"):
        places = mapgen.load("a.lpf.json").places
    assert [s.text for s in places[0].spans] == ["-0749/-0029"]
    assert places[0].spans[0].words == "750 BCE–30 BCE"
    with pytest.warns(MapgenNote, match="read as astronomical"):
        places = mapgen.load("a.lpf.json", bce="astronomical").places
    assert [s.text for s in places[0].spans] == ["-0750/-0030"]


@pytest.mark.parametrize(
    "edtf",
    ["1981/1986", "1981", "1981-06-28", "2003/..", "../1986", "1986?/2013", "2016~/..", "1981%"],
)
def test_edtf_that_lpf_can_say_maps_there_and_back(edtf: str) -> None:
    assert edtf_from_timespan(timespan(edtf)) == edtf


def test_edtf_beyond_lpf_is_read_back_from_the_kept_copy(here: Path) -> None:
    texts = ["198X", "1981/", "2004-06~-11/2005"]
    record = {
        **ONE_GEOMETRY,
        "properties": {"title": "A", "layer": "l", "edtf": texts},
        "when": {"timespans": [timespan(t) for t in texts]},
    }
    (here / "a.lpf.json").write_text(json.dumps(lpf_collection(record)), "utf-8")
    assert [s.text for s in mapgen.load("a.lpf.json").places[0].spans] == texts
    # a timespan edited after export no longer agrees with its copy: the timespan wins
    record["when"]["timespans"][0] = {"start": {"in": "1985"}}  # type: ignore[index]
    (here / "a.lpf.json").write_text(json.dumps(lpf_collection(record)), "utf-8")
    spans = [s.text for s in mapgen.load("a.lpf.json").places[0].spans]
    assert spans == ["1985", "1981/", "2004-06~-11/2005"]


def test_lpf_problems_name_the_feature(here: Path) -> None:
    backwards = {"start": {"in": "1990"}, "end": {"in": "1980"}}
    broken = {**ONE_GEOMETRY, "when": {"timespans": [backwards]}}
    unlocated = {
        **ABINGDON,
        "@id": "x2",
        "geometry": {"type": "GeometryCollection", "geometries": ["null"]},
    }
    (here / "g.jsonld").write_text(json.dumps(lpf_collection(broken, unlocated)), "utf-8")
    assert problems("g.jsonld") == [
        "g.jsonld: feature 0 (id=http://mygaz.org/places/p_12345): when[0]: "
        "'1990/1980' ends before it starts",
    ]  # an LPF place without geometry is no error: it is not located, a warning


# --- GDAL vector files -----------------------------------------------------------------------


def sites_frame(crs: str = "EPSG:4326") -> geopandas.GeoDataFrame:
    frame = geopandas.GeoDataFrame(
        {
            "id": ["gp-tehran", "gp-ashraf"],
            "name": ["Tehran", "Camp Ashraf"],
            "name_fa": ["تهران", None],
            "when": ["1965/1981", "1986/2013"],
            "notes": ["a city", None],
        },
        geometry=[Point(51.4231, 35.6961), Point(44.5667, 34.0667)],
        crs="EPSG:4326",
    )
    return frame.to_crs(crs)


def test_geopackage_loads_and_maps(here: Path, runner: CliRunner) -> None:
    gpkg = here / "sites.gpkg"
    sites_frame().to_file(gpkg, layer="headquarters", engine="pyogrio")
    geopandas.GeoDataFrame(
        {"id": ["gp-zone"], "name": ["Zone"], "when": ["1988-07"]},
        geometry=[Polygon([(45.5, 34.25), (46, 34), (46, 35), (45.5, 34.25)])],
        crs="EPSG:4326",
    ).to_crs("EPSG:3857").to_file(gpkg, layer="zones", engine="pyogrio")
    data = mapgen.load(gpkg)
    assert [(p.id, p.layer) for p in data.places] == [
        ("gp-tehran", "headquarters"),
        ("gp-ashraf", "headquarters"),
        ("gp-zone", "zones"),
    ]
    tehran = place(data, "gp-tehran")
    assert tehran.names == (("fa", "تهران"),)
    assert tehran.extra == (("notes", "a city"),)
    zone = place(data, "gp-zone")
    assert zone.geometry["coordinates"][0][0] == pytest.approx([45.5, 34.25])  # from 3857
    mapgen.save(mapgen.build_map(data), here / "api.html")
    html = (here / "api.html").read_text("utf-8")
    assert all(p.id in html for p in data.places)
    result = runner.invoke(main, ["build", "sites.gpkg", "-o", "cli.html", "--layer", "zones"])
    assert result.exit_code == 0, result.output
    html = (here / "cli.html").read_text("utf-8")
    assert "gp-zone" in html and "gp-tehran" not in html


def test_flatgeobuf_with_start_and_end_fields_via_cli(here: Path, runner: CliRunner) -> None:
    frame = geopandas.GeoDataFrame(
        {
            "code": ["fb-a", "fb-b"],
            "label": ["A", "B"],
            "began": pandas.to_datetime(["1981-06-01", "2003-05-01"]),
            "ended": pandas.to_datetime(["1986-12-31", None]),
        },
        geometry=[Point(2.1667, 49.0667), Point(44.5667, 34.0667)],
        crs="EPSG:4326",
    ).to_crs("EPSG:3857")
    frame.to_file(here / "moves.fgb", engine="pyogrio")
    options = ["--id-field", "code", "--name-field", "label"]
    options += ["--start-field", "began", "--end-field", "ended"]
    result = runner.invoke(main, ["list", "moves.fgb", "--format", "json", *options])
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in json.loads(result.output)}
    assert rows["fb-a"]["when"] == "1981-06-01/1986-12-31"
    assert rows["fb-b"]["when"] == "2003-05-01/"  # no end: unknown, not ongoing
    assert {row["layer"] for row in rows.values()} == {"moves"}
    exported = runner.invoke(main, ["export", "moves.fgb", *options, "-o", "-"])
    assert exported.exit_code == 0, exported.output
    coords = {
        f["properties"]["id"]: f["geometry"]["coordinates"]
        for f in json.loads(exported.output)["features"]
    }
    assert coords["fb-a"] == pytest.approx([2.1667, 49.0667])


def test_shapefile_with_year_fields_via_cli(here: Path, runner: CliRunner) -> None:
    geopandas.GeoDataFrame(
        {
            "ID": ["s1", "s2"],
            "NAME": ["One", "Two"],
            "FROM_Y": [1981, 1990],
            "TO_Y": [1986.0, None],
        },
        geometry=[Point(10, 50), Point(11, 51)],
        crs="EPSG:4326",
    ).to_file(here / "camps.shp", engine="pyogrio")
    result = runner.invoke(
        main,
        ["list", "camps.shp", "--format", "csv", "--start-field", "from_y", "--end-field", "TO_Y"],
    )
    assert result.exit_code == 0, result.output
    assert "s1,camps,One,1981–1986,1981/1986" in result.output
    assert "s2,camps,Two,1990–?,1990/" in result.output


def test_kml_names_match_ignoring_case(here: Path) -> None:
    geopandas.GeoDataFrame(
        {"Name": ["Tehran"], "Description": ["city"], "when": ["1965/1981"], "layer": ["hq"]},
        geometry=[Point(51.4, 35.7)],
        crs="EPSG:4326",
    ).to_file(here / "places.kml", engine="pyogrio", driver="KML")
    [tehran] = mapgen.load("places.kml").places
    assert (tehran.name, tehran.description, tehran.layer) == ("Tehran", "city", "hq")


def test_gdal_missing_field_is_one_problem(here: Path, runner: CliRunner) -> None:
    sites_frame().to_file(here / "sites.gpkg", engine="pyogrio")
    result = runner.invoke(main, ["validate", "sites.gpkg", "--name-field", "title"])
    assert result.exit_code == 1
    assert result.output == (
        "error: sites.gpkg: missing fields: 'title' (--name-field) "
        "(the fields are: id, name, name_fa, when, notes)\n"
    )


def test_gdal_problems_name_the_feature(here: Path) -> None:
    frame = sites_frame()
    frame.loc[1, "when"] = "1986/1913"
    frame.to_file(here / "sites.gpkg", engine="pyogrio")
    assert problems("sites.gpkg") == [
        "sites.gpkg: feature 2 (id=gp-ashraf): when[0]: '1986/1913' ends before it starts"
    ]


def test_gdal_dates_become_iso_dates() -> None:
    from mapgen.fields import read_dates
    from mapgen.read.gdal import plain_value

    values = [
        pandas.Timestamp("1981-06-28"),
        datetime.date(1981, 6, 29),
        "1981/06/30 00:00:00",
        "1981-06",
        1982.0,
    ]
    assert read_dates({"when": [values]}, {"when": "when"}, "sites.gpkg") == [
        (["1981-06-28", "1981-06-29", "1981-06-30", "1981-06", "1982"], [])
    ]
    assert plain_value(pandas.NaT) is None and plain_value(float("nan")) is None
    assert plain_value(pandas.Timestamp("1981-06-28 10:30")) == "1981-06-28T10:30:00"
