"""KML and KMZ read as the XML they are (issue 19, item 3): TimeStamp and TimeSpan both read, at
the precision written; a missing TimeSpan end unbounded; times inherited from Folders; no XML
entity ever expanded or fetched."""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import mapgen
from mapgen.cli import main

KML = '<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">'


def kml(body: str, name: str = "Doc") -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{KML}<Document><name>{name}</name>' \
        f"{body}</Document></kml>\n"


def placemark(name: str, time: str = "", geometry: str = "", extra: str = "", attrs: str = "",
              ) -> str:
    geometry = geometry or "<Point><coordinates>10.5,50.25,0</coordinates></Point>"
    return f"<Placemark{attrs}><name>{name}</name>{time}{extra}{geometry}</Placemark>"


def stamp(when: str) -> str:
    return f"<TimeStamp><when>{when}</when></TimeStamp>"


def span(begin: str | None = None, end: str | None = None) -> str:
    inside = (f"<begin>{begin}</begin>" if begin else "") + (f"<end>{end}</end>" if end else "")
    return f"<TimeSpan>{inside}</TimeSpan>"


def load(path: Path, **options: str) -> dict[str, list[str]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mapgen.MapgenWarning)
        data = mapgen.load(path, **options)
    return {p.name: [s.text for s in p.spans] for p in data.places}


def test_timestamps_and_timespans_both_read_at_the_precision_written(tmp_path: Path) -> None:
    """GDAL put them in two fields (one went unread), dropped <when>2009</when> and read
    2009-02 as 1 February."""
    path = tmp_path / "times.kml"
    path.write_text(kml(
        placemark("year", stamp("2009")) + placemark("month", stamp("2009-02"))
        + placemark("span", span("1520-07-12", "1520-08-06"))
        + placemark("span of years", span("2008", "2008"))
        + placemark("moment", stamp("2009-04-03T06:10:46+03:00"))
        + placemark("one day, two times", span("2009-04-02T02:06:00Z", "2009-04-02T02:06:59Z"))
        + placemark("undated")
    ), "utf-8")
    assert load(path) == {
        "year": ["2009"],
        "month": ["2009-02"],
        "span": ["1520-07-12/1520-08-06"],
        "span of years": ["2008"],
        "moment": ["2009-04-03T06:10:46+03:00"],
        "one day, two times": ["2009-04-02"],
        "undated": [],
    }
    data = mapgen.load(path)
    words = {p.name: p.spans[0].words for p in data.places if p.spans}
    assert words["year"] == "2009" and words["month"] == "February 2009"


def test_a_timespan_missing_an_end_is_unbounded_and_noted(tmp_path: Path) -> None:
    path = tmp_path / "open.kml"
    path.write_text(kml(placemark("from", span(begin="1520"))
                        + placemark("until", span(end="1521"))), "utf-8")
    with pytest.warns(mapgen.MapgenNote) as notes:
        assert mapgen.load(path).places[0].spans[0].text == "1520/.."
    assert load(path) == {"from": ["1520/.."], "until": ["../1521"]}
    assert [str(n.message) for n in notes] == [
        f"{path}: element 'TimeSpan begin': a start alone read as from then on ('1520' is "
        "1520–present), as KML defines it"
    ]


def test_a_placemark_takes_its_folders_time_unless_it_has_its_own(tmp_path: Path) -> None:
    path = tmp_path / "inherit.kml"
    path.write_text(kml(
        f"<Folder><name>Voyage</name>{span('1519', '1522')}"
        + placemark("inherits") + placemark("own", stamp("1520-10-21")) + "</Folder>"
        + placemark("outside")
    ), "utf-8")
    data = mapgen.load(path)
    assert {p.name: ([s.text for s in p.spans], p.layer) for p in data.places} == {
        "inherits": (["1519/1522"], "Voyage"),
        "own": (["1520-10-21"], "Voyage"),
        "outside": ([], "Doc"),
    }


def test_a_timestamp_written_without_when_is_read(tmp_path: Path) -> None:
    """As a KML generated from a 16th-century diary writes it: <TimeStamp>1520-07-12</TimeStamp>."""
    path = tmp_path / "diary.kml"
    path.write_text(kml(placemark("Baiersdorf", "<TimeStamp>1520-07-12</TimeStamp>")), "utf-8")
    assert load(path) == {"Baiersdorf": ["1520-07-12"]}


def test_extended_data_fields_and_the_kml_time_left_unused(tmp_path: Path) -> None:
    path = tmp_path / "fields.kml"
    data = ('<ExtendedData><Data name="built"><value>-80</value></Data>'
            '<SchemaData schemaUrl="#s"><SimpleData name="kind">arena</SimpleData></SchemaData>'
            "</ExtendedData>")
    path.write_text(kml(placemark("Pompeii", stamp("1748"), extra=data, attrs=' id="pompeii"')),
                    "utf-8")
    with pytest.warns(mapgen.MapgenWarning) as caught:
        [place] = mapgen.load(path, when_field="built", layer_field="kind").places
    assert (place.id, place.layer, [s.text for s in place.spans]) == ("pompeii", "arena",
                                                                      ["-0079"])
    said = [str(w.message) for w in caught]
    assert f"{path}: the TimeStamp and TimeSpan dates of 1 placemarks are not used: the field " \
        "options name 'built' instead" in said
    assert any("property" not in s and "'built'" in s and "80 BCE" in s for s in said)


def test_geometries_and_coordinates_split_on_any_white_space(tmp_path: Path) -> None:
    """A path whose coordinates are separated by non-breaking spaces (as an XSLT wrote
    &#160; between them) is read point by point; GDAL read it as one number."""
    line = "<LineString><coordinates>11.07,49.45&#160;11.01,49.59&#160;\n10.9,49.9</coordinates>" \
        "</LineString>"
    polygon = ("<Polygon><outerBoundaryIs><LinearRing><coordinates>0,0 4,0 4,4 0,0</coordinates>"
               "</LinearRing></outerBoundaryIs><innerBoundaryIs><LinearRing><coordinates>"
               "1,1 2,1 2,2 1,1</coordinates></LinearRing></innerBoundaryIs></Polygon>")
    multi = ("<MultiGeometry><Point><coordinates>1,2</coordinates></Point>"
             "<Point><coordinates>3,4</coordinates></Point></MultiGeometry>")
    track = "<gx:Track><gx:coord>1 2 3</gx:coord><gx:coord>4 5 6</gx:coord></gx:Track>"
    path = tmp_path / "shapes.kml"
    path.write_text(kml(placemark("path", geometry=line) + placemark("area", geometry=polygon)
                        + placemark("points", geometry=multi) + placemark("track", geometry=track)),
                    "utf-8")
    shapes = {p.name: p.geometry for p in mapgen.load(path).places}
    assert shapes["path"] == {"type": "LineString",
                              "coordinates": [[11.07, 49.45], [11.01, 49.59], [10.9, 49.9]]}
    assert shapes["area"]["type"] == "Polygon" and len(shapes["area"]["coordinates"]) == 2
    assert shapes["points"] == {"type": "MultiPoint", "coordinates": [[1, 2], [3, 4]]}
    assert shapes["track"] == {"type": "LineString", "coordinates": [[1, 2], [4, 5]]}


def test_bad_coordinates_and_missing_geometry_are_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.kml"
    path.write_text(kml(
        placemark("bad", geometry="<Point><coordinates>east,north</coordinates></Point>")
        + "<Placemark><name>nowhere</name></Placemark>"
    ), "utf-8")
    with pytest.raises(mapgen.DataError) as info:
        mapgen.load(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}: feature 1 (id=1): geometry: 'east,north' in a Point is not a "
        "longitude,latitude pair"
    ]


@pytest.mark.parametrize(
    "doctype",
    [
        # an entity that expands a billion times, and one that reads a file of this machine
        '<!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE kml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
    ],
)
def test_no_xml_entity_is_expanded_or_fetched(tmp_path: Path, doctype: str) -> None:
    path = tmp_path / "hostile.kml"
    path.write_text(f'<?xml version="1.0"?>{doctype}{KML}<Document>'
                    + placemark("&b;") + "</Document></kml>", "utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {path}: refused: ")
    assert "root:" not in result.output and "aaaaaaaaaa" not in result.output


def test_kmz_reads_its_doc_kml_after_the_archive_checks(tmp_path: Path) -> None:
    path = tmp_path / "trip.kmz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("files/readme.kml", kml(placemark("not this one")))
        archive.writestr("doc.kml", kml(placemark("Antwerp", stamp("1520-08"))))
    assert load(path) == {"Antwerp": ["1520-08"]}
    with zipfile.ZipFile(tmp_path / "evil.kmz", "w") as archive:
        archive.writestr("../doc.kml", kml(placemark("Antwerp")))
    with pytest.raises(mapgen.DataError, match="climbs out of the archive"):
        mapgen.load(tmp_path / "evil.kmz")


def test_not_xml_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "broken.kml").write_text("<kml><Document>", "utf-8")
    with pytest.raises(mapgen.DataError) as info:
        mapgen.load(tmp_path / "broken.kml")
    [problem] = info.value.problems
    assert str(problem).startswith(f"{tmp_path / 'broken.kml'}: not valid XML: ")
