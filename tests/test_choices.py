"""What mapgen does with data that is short of something (issue 20): a file it can read is
read, and each choice it makes for the data is said in one `warning:` line that counts the
features concerned and names the first few; what it cannot read well is refused in one line."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pyarrow
import pyarrow.parquet
import pytest
from click.testing import CliRunner

import mapgen
from mapgen.cli import main
from tests.helpers import feature, write_geojson

# A KML as Google My Maps and Google Earth write it: a folder per layer, named in words, no
# ids, a placemark without a name, GDAL's begin/end/timestamp fields (empty here).
KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
<Document><name>Survey</name>
<Folder><name>The Places</name>
<Placemark><name>Alpha</name><Point><coordinates>10.5,50.25,0</coordinates></Point></Placemark>
<Placemark><name>Road</name><LineString><coordinates>10,50{space}11,51{space}12,52</coordinates>
</LineString></Placemark>
</Folder>
<Folder><name>arrondissement de Saint-Pierre</name>
<Placemark><name>Beta</name><Point><coordinates>2.5,48.5</coordinates></Point></Placemark>
<Placemark><Point><coordinates>3.5,47.5</coordinates></Point></Placemark>
</Folder>
</Document></kml>
"""


def load(path: Path, **options: Any) -> tuple[mapgen.Dataset, list[str]]:
    """The dataset and the warning lines loading it says (not its notes: the dates' choices,
    tested with the dates)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", mapgen.MapgenWarning)
        data = mapgen.load(path, **options)
    return data, [str(w.message) for w in caught if issubclass(w.category, mapgen.MapgenWarning)
                  and not issubclass(w.category, mapgen.MapgenNote)]


def test_a_kml_of_named_folders_loads_with_ids_mapgen_made(tmp_path: Path) -> None:
    path = tmp_path / "survey.kml"
    path.write_text(KML.format(space=" "), "utf-8")
    data, said = load(path, format="gdal", when_field="begin")  # as GDAL reads it
    assert list(data.places.ids) == ["the-places-1", "the-places-2",
                                     "arrondissement-de-saint-pierre-1",
                                     "arrondissement-de-saint-pierre-2"]
    assert [layer.label for layer in data.layers] == ["The Places",
                                                      "arrondissement de Saint-Pierre"]
    assert data.places[3].name == "unnamed arrondissement de Saint-Pierre"
    assert said == [f"{path}: name: 1 of 4 features have no name: each named 'unnamed <its "
                    "layer>' (layer 'arrondissement de Saint-Pierre', feature 2 "
                    "(id=arrondissement-de-saint-pierre-2))"]


def test_kml_coordinates_split_by_non_breaking_spaces_are_refused(tmp_path: Path) -> None:
    """GDAL reads "10,50<NBSP>11,51" as 10,50 then 0,51: a path drawn to longitude 0."""
    path = tmp_path / "survey.kml"
    path.write_text(KML.format(space="\u00a0"), "utf-8")
    with pytest.raises(mapgen.DataError) as info:
        mapgen.load(path, format="gdal", when_field="begin")
    assert [str(p) for p in info.value.problems] == [
        f"{path}: line 6: coordinates: separated by a non-breaking (or other non-ASCII) space,"
        " which GDAL misreads as longitude 0; replace it with a plain space"]


def osm(tmp_path: Path, count: int, unnamed: list[int]) -> Path:
    """An OpenStreetMap extract as overpass-turbo exports it: ids like "node/123", layers
    from a tag, many features without a name."""
    features = [feature(f"node/{n}", name="" if n in unnamed else f"Burg {n}", layer="castle",
                        when=()) for n in range(count)]
    for n in unnamed[::2]:
        del features[n]["properties"]["name"]
    features = [{**f, "properties": {k: v for k, v in f["properties"].items() if k != "id"},
                 "id": f["properties"]["id"]} for f in features]
    return write_geojson(tmp_path / "castles.geojson", features)


def test_features_without_a_name_are_named_by_their_layer(tmp_path: Path) -> None:
    path = osm(tmp_path, 9, [1, 2, 4, 7])
    data, said = load(path)
    assert len(data.places) == 9
    assert [data.places.names[n] for n in (0, 1, 2)] == ["Burg 0", "unnamed castle",
                                                         "unnamed castle"]
    assert said == [f"{path}: name: 4 of 9 features have no name: each named 'unnamed <its "
                    "layer>' (feature 1 (id=node/1), feature 2 (id=node/2), feature 4 "
                    "(id=node/4) and 1 more)"]
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0  # named, loaded, and said in one warning: line (issue 20)
    assert result.stderr.count("warning: ") == 1 and "have no name" in result.stderr


def test_a_layer_label_is_the_layer_as_written(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "communes.geojson", [
        feature("a", layer="arrondissement de Saint-Pierre"), feature("b", layer="amphoras"),
        feature("c", layer="Amphoras"), feature("d", layer="AMPHORAS")])
    data, said = load(path)
    assert [(layer.key, layer.label) for layer in data.layers] == [
        ("arrondissement de Saint-Pierre", "arrondissement de Saint-Pierre"),
        ("amphoras", "amphoras")]
    assert list(data.places.layers) == ["arrondissement de Saint-Pierre", *["amphoras"] * 3]
    assert said == [
        f"{path}: layer: 1 of 4 features are in layer 'Amphoras', which differs from "
        "'amphoras' only in case: one layer, 'amphoras' (feature 2 (id=c))",
        f"{path}: layer: 1 of 4 features are in layer 'AMPHORAS', which differs from "
        "'amphoras' only in case: one layer, 'amphoras' (feature 3 (id=d))"]
    exported = json.loads(mapgen.dumps(data, "geojson"))
    assert exported["layers"]["arrondissement de Saint-Pierre"]["label"] == (
        "arrondissement de Saint-Pierre")


def test_layers_that_differ_in_case_across_files_are_one(tmp_path: Path) -> None:
    one = write_geojson(tmp_path / "one.geojson", [feature("a", layer="Amphoras")])
    two = write_geojson(tmp_path / "two.geojson", [feature("b", layer="amphoras")])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", mapgen.MapgenWarning)
        data = mapgen.load(one, two)
    assert [layer.key for layer in data.layers] == ["Amphoras"]
    assert [str(w.message).split(": ", 2)[1] for w in caught] == ["layer"]


def test_points_at_zero_zero_are_counted_in_one_warning(tmp_path: Path) -> None:
    rows = [feature(f"p{n}", lon=0 if n % 3 == 0 else 10, lat=0 if n % 3 == 0 else 50)
            for n in range(10)]
    rows.append(feature("q", geometry={"type": "LineString", "coordinates": [[0, 0], [1, 1]]}))
    path = write_geojson(tmp_path / "agency.geojson", rows)
    data, said = load(path)
    assert len(data.places) == 11  # kept: (0, 0) may be right
    assert said == [f"{path}: geometry: 4 of 11 places are at exactly (0, 0), in the Gulf of "
                    "Guinea, where a missing position often ends up; check them (feature 0 "
                    "(id=p0), feature 3 (id=p3), feature 6 (id=p6) and 1 more)"]


def test_a_table_row_without_coordinates_is_not_located(tmp_path: Path) -> None:
    path = tmp_path / "sites.csv"
    path.write_text("id,name,when,lat,lon\na,A,1900,50,10\nb,B,1901,,\nc,C,1902,48,\n", "utf-8")
    data = mapgen.load(path, skip_invalid=True)
    assert list(data.places.ids) == ["a"]
    assert [str(p) for p in data.report.unlocated] == [
        f"{path}: line 3 (id=b): geometry: not located: not drawn"]
    assert [str(p) for p in data.report.problems] == [  # half a position is still a problem
        f"{path}: line 4 (id=c): lon: is missing (give lat and lon, or wkt)"]
    table = pyarrow.table({"id": ["a", "b"], "name": ["A", "B"], "when": ["1900", "1901"],
                           "lat": [50.0, None], "lon": [10.0, None]})
    pyarrow.parquet.write_table(table, tmp_path / "sites.parquet")
    data = mapgen.load(tmp_path / "sites.parquet")
    assert list(data.places.ids) == ["a"] and len(data.report.unlocated) == 1


def test_an_openstreetmap_extract_names_its_unnamed_castles() -> None:
    """The real case: an overpass-turbo export, a quarter of whose features have no name."""
    path = Path(__file__).parent / "data" / "real" / "osm_castles_portugal.geojson"
    data, said = load(path, layer_field="historic", start_field="start_date")
    assert len(data.places) == 24
    unnamed = [p.id for p in data.places if p.name.startswith("unnamed ")]
    assert len(unnamed) == 6 and data.places.names[17] == "unnamed castle"
    assert [line.split(": ", 3)[1:3] for line in said] == [
        ["layer", "2 of 24 features name no layer, unlike the others"],
        ["name", "6 of 24 features have no name"]]


def test_mapgens_own_kml_reader_reads_the_same_file_whole(tmp_path: Path) -> None:
    """mapgen's KML reader (the default for .kml) splits coordinates at any white space, the
    non-breaking kind too, and keeps the folders' names as the layers' labels."""
    path = tmp_path / "survey.kml"
    path.write_text(KML.format(space="\u00a0"), "utf-8")
    data, said = load(path)
    assert list(data.places.ids) == ["1", "2", "3", "4"]
    assert [layer.label for layer in data.layers] == ["The Places",
                                                      "arrondissement de Saint-Pierre"]
    assert data.places.geometry(1)["coordinates"] == [[10, 50], [11, 51], [12, 52]]
    assert data.places.names[3] == "unnamed arrondissement de Saint-Pierre"
    assert len(said) == 1 and "1 of 4 features have no name" in said[0]
