"""The readers on what real gazetteers and historians' tables hold (issue 14): dates as people
write them, LP-TSV, JSON-Lines and context-less LPF, zipped shapefiles, defaults and hints.
Fixtures are excerpts shaped like the corpus in tests/data/real/ (rows copied from it where
the test is about a real file's convention)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import geopandas
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mapgen
from tests.test_formats import problems
from tests.test_fuzz import FAST, load_or_problems
from tests.test_fuzz import test_any_bytes_as_a_file as any_bytes_as_a_file

REAL = Path(__file__).parent / "data" / "real"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # problems name files as short relative paths
    return tmp_path


def spans(data: mapgen.Dataset) -> dict[str, list[str]]:
    return {p.id: [s.text for s in p.spans] for p in data.places}


def lpf(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def lpf_place(pid: str, **members: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "@id": pid,
        "properties": {"title": pid.upper()},
        "geometry": {"type": "Point", "coordinates": [10, 50]},
        **members,
    }


def years(start: str, end: str | None = None) -> dict[str, Any]:
    span: dict[str, Any] = {"start": {"in": start}}
    if end is not None:
        span["end"] = {"in": end}
    return span


# --- dates in fields (issue items 2, 3, 7) ---------------------------------------------------


def test_start_and_end_cells_as_tables_write_them(here: Path) -> None:
    # rows shaped like Pleiades' location_points.csv: integer years, negative = BCE, WKT
    (here / "loc.csv").write_text(
        "uri,title,geometry_wkt,year_after_which,year_before_which\n"
        "u1,Ceii,POINT (14.49 40.75),-30,300\n"
        "u2,Tamburino,POINT (11.3 44.4),-550,-30\n"
        "u3,Darmc,POINT (12.5 41.9),300.0,640\n"
        "u4,Written,POINT (12.5 41.9),c. 1850,1850s\n"
        "u5,Ongoing,POINT (12.5 41.9),1944,\n"
        "u6,Era,POINT (12.5 41.9),30 BC,AD 14\n",
        "utf-8",
    )
    data = mapgen.load(
        "loc.csv",
        id_field="uri",
        name_field="title",
        wkt_field="geometry_wkt",
        start_field="year_after_which",
        end_field="year_before_which",
    )
    assert spans(data) == {
        "u1": ["-0029/0300"],  # -30 is 30 BCE, as Pleiades counts: astronomical -29
        "u2": ["-0549/-0029"],
        "u3": ["0300/0640"],
        "u4": ["1850~/1859"],
        "u5": ["1944/"],  # an explicit end column whose cell is empty: an unknown end
        "u6": ["-0029/0014"],
    }
    assert data.places[0].geometry == {"type": "Point", "coordinates": [14.49, 40.75]}


def test_a_lone_start_field_runs_on_from_then(here: Path) -> None:
    """--start-field without --end-field: "from then on", as OSM's start_date and Wikidata's
    inception mean it; --when-field reads the same column as one date."""
    (here / "p.csv").write_text("name,lat,lon,year\nA,1,2,1944\n", "utf-8")
    data = mapgen.load("p.csv", start_field="year", name_field="name")
    assert spans(data)["line-2"] == ["1944/.."]
    assert spans(mapgen.load("p.csv", when_field="year", name_field="name"))["line-2"] == ["1944"]


def test_when_cells_are_read_as_written_and_kept_once(here: Path) -> None:
    (here / "p.csv").write_text(
        "name,lat,lon,date\n"
        'A,1,2,"c. 1850; 1850-1900; c. 1850"\n'
        "B,1,2,between 1850 and 1900\n"
        "C,1,2,+1850-03-12T00:00:00Z\n",
        "utf-8",
    )
    data = mapgen.load("p.csv", when_field="date")
    assert spans(data) == {
        "line-2": ["1850~", "1850/1900"],
        "line-3": ["1850/1900"],
        "line-4": ["1850-03-12"],
    }


def test_a_date_that_is_none_is_a_located_field_problem(here: Path) -> None:
    (here / "p.csv").write_text(
        "id,name,lat,lon,from,to\na,A,1,2,1850,1900\nb,B,1,2,soon,1900\nc,C,1,2,1900,1850\n",
        "utf-8",
    )
    found = problems("p.csv", start_field="from", end_field="to")
    assert "p.csv: line 3 (id=b): when: start 'soon' is not a date mapgen reads; write e.g. " \
        "1850, 1850-03-12, 300, -30 (30 BCE), 30 BC, AD 300, c. 1850, 1850s, 18th century, C18, " \
        "1850-1900, 1850..1860, between 1850 and 1900, before 1850, or EDTF" in found
    assert "p.csv: line 4 (id=c): when: '1900/1850' ends before it starts" in found
    assert not any("line 2" in line for line in found)


# --- CSV defaults and hints (items 6, 9) -----------------------------------------------------


def test_csv_without_id_or_layer_uses_the_line_and_the_file_name(here: Path) -> None:
    (here / "residences.csv").write_text(
        "name,layer,lat,lon,when\nHome,,1,2,1850\nWork,jobs,1,2,1860\n", "utf-8"
    )
    data = mapgen.load("residences.csv")
    assert [(p.id, p.layer) for p in data.places] == [
        ("line-2", "residences"),
        ("line-3", "jobs"),
    ]


def test_missing_columns_are_one_line_with_the_options_that_would_name_them(here: Path) -> None:
    # the header of donnees-inrap-ph.csv, and its first row
    header, row = (REAL / "donnees-inrap-ph.csv").read_text("utf-8").splitlines()[:2]
    (here / "inrap.csv").write_text(f"{header}\n{row}\n", "utf-8")
    [line] = problems("inrap.csv")
    assert line.startswith(
        "inrap.csv: missing columns: name, when, lat and lon (or wkt); did you mean "
        "--name-field 'Nom du site' --start-field 'Date début' --end-field 'Date fin' "
        "--lat-field 'coordonnees décimales latitude' "
        "--lon-field 'coordonnees décimales longitude'? (the columns are: Id, "
    )


def test_lat_and_lon_fields_name_the_coordinates(here: Path) -> None:
    header, row = (REAL / "donnees-inrap-ph.csv").read_text("utf-8").splitlines()[:2]
    (here / "inrap.csv").write_text(f"{header}\n{row}\n", "utf-8")
    [place] = mapgen.load(
        "inrap.csv",
        name_field="Nom du site",
        start_field="Date début",
        end_field="Date fin",
        lat_field="coordonnees décimales latitude",
        lon_field="coordonnees décimales longitude",
    ).places
    assert (place.id, place.layer) == ("INRAPI0001", "inrap")
    assert place.geometry == {"type": "Point", "coordinates": [2.3388805, 48.849348]}
    assert [s.text for s in place.spans] == ["2003-06-16/2004-03-05"]
    assert problems("inrap.csv", lat_field="lat", lon_field="lon", name_field="Nom du site",
                    start_field="Date début")[0].startswith(
        "inrap.csv: missing columns: 'lat' (--lat-field), 'lon' (--lon-field)"
    )


def test_table_geometry_options_are_refused_where_they_mean_nothing() -> None:
    with pytest.raises(mapgen.OptionError) as info:
        mapgen.load(REAL / "aqueducts.json", wkt_field="geometry", lon_field="lon")
    assert str(info.value) == "wkt_field, lon_field: for CSV, TSV, Parquet and Arrow files only"


# --- LP-TSV (item 4) -------------------------------------------------------------------------


def test_lp_tsv_reads_without_options(here: Path) -> None:
    # the header and two rows of croniken.tsv (CRLF, geowkt, variants)
    lines = (REAL / "croniken.tsv").read_bytes().split(b"\r\n")[:3]
    (here / "croniken.tsv").write_bytes(b"\r\n".join(lines) + b"\r\n")
    data = mapgen.load("croniken.tsv")
    first = data.places[0]
    assert (first.id, first.name, first.layer) == ("717_1", "Marienborch", "croniken")
    assert first.names == (("und", "Marienburg; Malbork"),)
    assert [s.text for s in first.spans] == ["1480/1491"]
    assert first.geometry["type"] == "Point"
    assert first.geometry["coordinates"] == pytest.approx([19.037976, 54.036132])
    assert "variants" not in dict(first.extra) and dict(first.extra)["types"] == "town; castle"


def test_lp_tsv_half_a_position_is_still_a_problem(here: Path) -> None:
    (here / "g.tsv").write_text(
        "id\ttitle\tstart\tend\tlon\tlat\n1\tA\t1780\t1820\t20.75\t\n", "utf-8"
    )
    assert problems("g.tsv") == ["g.tsv: line 2 (id=1): lat: is missing (give lat and lon, or wkt)"]


def test_lp_tsv_rows_may_lack_a_geometry() -> None:
    from mapgen.read import read

    collection = read(REAL / "diamonds135.tsv")
    assert collection.geometry_optional
    columns = collection.columns
    unlocated = [row for row, geometry in columns.shapes.items() if geometry is None]
    assert len(unlocated) == 120 and not columns.field_problems.keys() & set(unlocated)


# --- LPF (items 4, 7) ------------------------------------------------------------------------


def test_lpf_stated_bounds_are_not_widened(here: Path) -> None:
    bounded = {"timespans": [{"start": {"earliest": "2022"}, "end": {"latest": "2022"}}]}
    (here / "g.lp.json").write_text(json.dumps(lpf(lpf_place("a", when=bounded))), "utf-8")
    [place] = mapgen.load("g.lp.json").places
    assert [s.text for s in place.spans] == ["2022"]
    assert (place.spans[0].start_wide, place.spans[0].end_wide) == (
        place.spans[0].start_narrow,
        place.spans[0].end_narrow,
    )


def test_lpf_whens_and_duplicate_timespans(here: Path) -> None:
    whens = [{"timespans": [years("1700", "1750")]}, {"timespans": [years("1700", "1750")]},
             {"timespans": [years("1800")]}]
    (here / "g.jsonld").write_text(json.dumps(lpf(lpf_place("a", whens=whens))), "utf-8")
    assert spans(mapgen.load("g.jsonld", format="lpf")) == {"a": ["1700/1750", "1800"]}


def test_lpf_names_without_a_language_are_kept(here: Path) -> None:
    names = [
        {"toponym": "A"},  # the title again
        {"toponym": "Alpha"},
        {"toponym": "Alfa", "lang": "es"},
        {"toponym": "Aleph", "lang": "und"},
    ]
    (here / "g.lp.json").write_text(
        json.dumps(lpf(lpf_place("a", names=names, when={"timespans": [years("1700")]}))),
        "utf-8",
    )
    [place] = mapgen.load("g.lp.json").places
    assert place.names == (("es", "Alfa"), ("und", "Alpha; Aleph"))


def test_lpf_geometries_with_their_own_whens_keep_them(here: Path) -> None:
    # shaped like lugares_20.jsonld: no place-level when, dates on each geometry
    def point(lon: float, start: str, end: str) -> dict[str, Any]:
        return {"type": "Point", "coordinates": [lon, 9.5],
                "when": {"timespans": [years(start, end)]}}

    same = lpf_place("same", geometry={"type": "GeometryCollection",
                                       "geometries": [point(-83, "1707", "1708")]})
    moved = lpf_place("moved", geometry={"type": "GeometryCollection", "geometries": [
        point(-83, "1521", "1600"), point(-84, "1600", "1808")]})
    (here / "g.jsonld").write_text(json.dumps(lpf(same, moved)), "utf-8")
    data = mapgen.load("g.jsonld", format="lpf")
    assert spans(data) == {
        "same": ["1707/1708"],
        "moved#1": ["1521/1600"],
        "moved#2": ["1600/1808"],
    }
    assert [p.geometry for p in data.places] == [
        {"type": "GeometryCollection",
         "geometries": [{"type": "Point", "coordinates": [-83, 9.5]}]},
        {"type": "Point", "coordinates": [-83, 9.5]},
        {"type": "Point", "coordinates": [-84, 9.5]},
    ]


def test_context_less_lpf_json_is_lpf(here: Path) -> None:
    # the first feature of ascsa-monuments-places.lp.json, with a date added
    doc = json.loads((REAL / "ascsa-monuments-places.lp.json").read_text("utf-8"))
    first = {**doc["features"][0], "when": {"timespans": [years("-0549", "-0500")]}}
    for name in ("monuments.lp.json", "monuments.json"):
        (here / name).write_text(json.dumps(lpf(first)), "utf-8")
        [place] = mapgen.load(name).places
        assert (place.id, place.name, place.description, place.layer) == (
            "https://agora.ascsa.net/id/Agora/Monument/Aiakeion",
            "Aiakeion",
            "Late 6th B.C.",
            "monuments",
        )


def test_json_lines_lpf_names_the_line(here: Path) -> None:
    a = lpf_place("a", when={"timespans": [years("1700")]})
    b = lpf_place("b", when={"timespans": [years("1990", "1980")]})
    (here / "g.jsonl").write_text(f"{json.dumps(a)}\n\n{json.dumps(b)}\n", "utf-8")
    assert problems("g.jsonl") == [
        "g.jsonl: line 3 (id=b): when[0]: '1990/1980' ends before it starts"
    ]
    (here / "g.jsonl").write_text(f"{json.dumps(a)}\n{{oops\n", "utf-8")
    assert problems("g.jsonl") == [
        "g.jsonl: line 2: not JSON: Expecting property name enclosed in double quotes"
    ]
    (here / "g.jsonl").write_text(f"{json.dumps(a)}\n", "utf-8")
    assert spans(mapgen.load("g.jsonl")) == {"a": ["1700"]}


# --- GeoJSON defaults (item 6) ---------------------------------------------------------------


def test_geojson_layer_is_the_file_name_and_a_missing_name_is_one_line(here: Path) -> None:
    def feat(**props: Any) -> dict[str, Any]:
        return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]},
                "properties": {"when": ["1850"], **props}}

    (here / "forts.geojson").write_text(
        json.dumps(lpf(feat(id="a", name="A"), feat(id="b", name="B", layer=""))), "utf-8"
    )
    assert [p.layer for p in mapgen.load("forts.geojson").places] == ["forts", "forts"]
    (here / "forts.geojson").write_text(
        json.dumps(lpf(*(feat(id=i, title=i.upper()) for i in "abc"))), "utf-8"
    )
    assert problems("forts.geojson") == [
        "forts.geojson: name: missing in 3 of 3 features; did you mean --name-field title? "
        "(the properties are: when, id, title)"
    ]


def test_an_unnamed_date_property_is_one_line_not_an_undated_map(here: Path) -> None:
    feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]},
              "properties": {"id": i, "name": i, "year": 1850}} for i in "ab"]
    (here / "forts.geojson").write_text(json.dumps(lpf(*feats)), "utf-8")
    assert problems("forts.geojson") == [
        "forts.geojson: when: no feature has one; did you mean --when-field year? "
        "(the properties are: id, name, year)"
    ]
    assert spans(mapgen.load("forts.geojson", when_field="year")) == {"a": ["1850"], "b": ["1850"]}


def test_gdal_without_a_date_field_is_undated(here: Path) -> None:
    frame = geopandas.GeoDataFrame(
        {"name": ["Fort A", "Fort B"], "kind": ["fort", ""]},
        geometry=geopandas.points_from_xy([1, 2], [3, 4]),
        crs="EPSG:4326",
    )
    frame.to_file(here / "forts.gpkg", engine="pyogrio")
    data = mapgen.load("forts.gpkg", layer_field="kind")
    assert [(p.name, p.layer, p.undated) for p in data.places] == [
        ("Fort A", "fort", True),
        ("Fort B", "forts", True),  # an empty layer value: the GDAL layer's name
    ]


# --- zip archives (item 4) -------------------------------------------------------------------


def zipped_shapefile(here: Path) -> Path:
    """crimea94.tsv's first rows as a shapefile, zipped as GIS portals ship them."""
    frame = geopandas.read_file(REAL / "crimea94.tsv", engine="pyogrio").head(3)
    frame = geopandas.GeoDataFrame(
        frame[["id", "title", "start", "end"]],
        geometry=geopandas.points_from_xy(frame["lon"].astype(float), frame["lat"].astype(float)),
        crs="EPSG:4326",
    )
    (here / "shp").mkdir()
    frame.to_file(here / "shp" / "crimea.shp", engine="pyogrio")
    archive = here / "places.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for part in sorted((here / "shp").iterdir()):
            out.write(part, part.name)
    return archive


def test_zipped_shapefile_and_vsizip_paths(here: Path) -> None:
    archive = zipped_shapefile(here)
    options = {"name_field": "title", "start_field": "start", "end_field": "end"}
    for source in ("places.zip", f"/vsizip/{archive}/crimea.shp"):
        data = mapgen.load(source, **options)
        first = data.places[0]
        assert (first.id, first.name, first.layer) == ("hgc-pp-1001", "Aq Mečit", "crimea")
        assert spans(data)["hgc-pp-1001"] == ["1450/1800"]
        assert data.places[0].geometry["coordinates"] == pytest.approx([34.11079, 44.95719])


def test_zip_bombs_and_climbing_paths_are_one_line(here: Path) -> None:
    with zipfile.ZipFile(here / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("places.shp", b"\0" * (8 * 1024 * 1024))
    [line] = problems("bomb.zip")
    assert line.startswith("bomb.zip: member 'places.shp' would unpack ")
    assert line.endswith(" bytes to 8,388,608: refused as a zip bomb")
    with zipfile.ZipFile(here / "climb.zip", "w") as out:
        out.writestr("../../etc/places.shp", b"x")
    assert problems("climb.zip") == [
        "climb.zip: member '../../etc/places.shp' climbs out of the archive; refused"
    ]
    assert problems(f"/vsizip/{here}/climb.zip/places.shp") == [
        f"/vsizip/{here}/climb.zip/places.shp: member '../../etc/places.shp' climbs out of "
        "the archive; refused"
    ]
    (here / "junk.zip").write_bytes(b"not a zip")
    assert problems("junk.zip") == ["junk.zip: not a zip archive mapgen can read "
                                    "(File is not a zip file)"]


# --- fuzzing the new readers (item 5) --------------------------------------------------------

CELL = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["", "1850", "-30", "300.0", "c. 1850", "1850-1900", "30 BC", "POINT (1 2)", "1984-1X",
     "18th century", "before 1850", "10", "91"]
)


@pytest.mark.parametrize("suffix", [".jsonl", ".lp.json", ".zip"])
def test_any_bytes_as_a_new_format(here: Path, suffix: str) -> None:
    any_bytes_as_a_file(here, suffix)


def test_any_lp_tsv_rows(here: Path) -> None:
    header = ["id", "title", "start", "end", "lon", "lat", "geowkt", "variants"]

    @FAST
    @given(rows=st.lists(st.lists(CELL, min_size=8, max_size=8), min_size=1, max_size=4))
    def check(rows: list[list[str]]) -> None:
        path = here / "rows.tsv"
        text = "\n".join("\t".join(c.replace("\t", " ").replace("\n", " ") for c in row)
                         for row in [header, *rows])
        path.write_text(text + "\n", "utf-8")
        load_or_problems(path, one_line=False)

    check()


def test_any_lpf_lines(here: Path) -> None:
    timespan = st.fixed_dictionaries({"start": st.dictionaries(
        st.sampled_from(["in", "earliest", "latest"]), CELL | st.integers(), max_size=2)})

    @FAST
    @given(
        whens=st.lists(st.fixed_dictionaries({"timespans": st.lists(timespan, max_size=2)}),
                       max_size=2),
        names=st.lists(st.fixed_dictionaries({"toponym": CELL}, optional={"lang": CELL}),
                       max_size=3),
    )
    def check(whens: list[Any], names: list[Any]) -> None:
        path = here / "places.jsonl"
        place = lpf_place("a", whens=whens, names=names)
        path.write_text(json.dumps(place) + "\n", "utf-8")
        load_or_problems(path)

    check()
