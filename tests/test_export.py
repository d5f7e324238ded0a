"""Export: GeoJSON, LPF and CSV/TSV writers, their round trips, the LPF schema, the CLI."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

import mapgen
from mapgen.cli import main
from mapgen.writers import FORMATS, dumps
from tests.helpers import feature, write_geojson

SCHEMA = json.loads((Path(__file__).parent / "data" / "lpf-schema-v1.2.2.json").read_text("utf-8"))
SUFFIX = {"geojson": ".geojson", "lpf": ".lpf.json", "csv": ".csv", "tsv": ".tsv"}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def tricky(tmp_path: Path) -> mapgen.Dataset:
    """Places that stretch every format: open and unknown ends, EDTF beyond ISO dates, BCE
    years, line breaks, escapes, non-point geometries, other names and extra properties."""
    features = [
        feature(
            "open-ends",
            when=["../1986", "1990/", "2016~/.."],
            lon=10,
            lat=50,
            name_fa="اشرف۳",
            **{"name_zh-Hant": "營地"},
        ),
        feature(
            "beyond-iso",
            when=["198X", "2004-06~-11", "1981-21/1982"],
            precision="region",
            geometry={"type": "Polygon", "coordinates": [[[0, 0], [1.5, 0], [1, 1], [0, 0]]]},
        ),
        feature(
            "bce",
            when=["-0500/0100", "1988-06-18"],
            geometry={
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Point", "coordinates": [44.5667, 34.0667]},
                    {"type": "LineString", "coordinates": [[1, 2], [3.25, 4.125]]},
                ],
            },
        ),
        feature(
            "line-breaks",
            name="Two\nlines",
            description="First paragraph.\n\nSecond; with | bars \\ and a backslash.",
            sources=[
                {"title": "A; B | C \\ D\nE", "url": "https://example.org/a?x=1;y=2"},
                {"title": "Same URL again", "url": "https://example.org/a?x=1;y=2"},
            ],
            ccodes=["IR"],
            population=12,
            note="kept",
        ),
    ]
    path = write_geojson(
        tmp_path / "tricky.geojson",
        features,
        title="Tricky",
        layers={"sites": {"label": "Sites", "color": "#123456", "order": 1, "path": True}},
        periods={"early": "-0500/1986"},
    )
    return mapgen.load(path)


def round_trip(dataset: mapgen.Dataset, fmt: str, folder: Path) -> mapgen.Dataset:
    path = mapgen.export(dataset, folder / f"out{SUFFIX[fmt]}", fmt)
    return mapgen.load(path)


def assert_same_places(
    before: mapgen.Dataset, after: mapgen.Dataset, skip: tuple[str, ...] = ()
) -> None:
    """Every place, field by field, so a failure says which place and which field."""
    assert [p.id for p in after.places] == [p.id for p in before.places]
    for old, new in zip(before.places, after.places, strict=True):
        for field in dataclasses.fields(old):
            if field.name not in skip:
                old_value, new_value = getattr(old, field.name), getattr(new, field.name)
                assert new_value == old_value, f"{old.id}: {field.name}"
        assert [s.text for s in new.spans] == [s.text for s in old.spans]


def test_geojson_export_of_the_default_dataset_is_its_file(tmp_path: Path) -> None:
    path = mapgen.export(mapgen.load(), tmp_path / "again.geojson")
    assert path.read_bytes() == mapgen.default_source().read_bytes()


@pytest.mark.parametrize("fmt", ["lpf", "csv", "tsv", "geojson"])
def test_default_dataset_round_trips(fmt: str, tmp_path: Path) -> None:
    before = mapgen.load()
    after = round_trip(before, fmt, tmp_path)
    assert_same_places(before, after)
    tehran = next(p for p in after.places if p.id == "hq-tehran")
    assert tehran.names == (
        ("ar", "طهران"), ("de", "Teheran"), ("es", "Teherán"), ("fa", "تهران"), ("fr", "Téhéran"),
    )
    if fmt in ("lpf", "geojson"):  # CSV holds places only, not the collection's members
        assert after == before


@pytest.mark.parametrize("fmt", ["lpf", "geojson"])
def test_tricky_places_round_trip_through_json(
    fmt: str, tricky: mapgen.Dataset, tmp_path: Path
) -> None:
    after = round_trip(tricky, fmt, tmp_path)
    assert_same_places(tricky, after)
    assert after == tricky


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_tricky_places_round_trip_through_csv(
    fmt: str, tricky: mapgen.Dataset, tmp_path: Path
) -> None:
    after = round_trip(tricky, fmt, tmp_path)
    assert_same_places(tricky, after, skip=("extra",))
    breaks = next(p for p in after.places if p.id == "line-breaks")
    assert breaks.extra == (("ccodes", '["IR"]'), ("note", "kept"), ("population", "12"))


def lpf_features(dataset: mapgen.Dataset) -> list[dict[str, Any]]:
    return json.loads(dumps(dataset, "lpf"))["features"]


def test_lpf_export_is_valid_against_the_whg_schema(tricky: mapgen.Dataset) -> None:
    validator = jsonschema.Draft7Validator(SCHEMA)
    features = lpf_features(mapgen.load()) + lpf_features(tricky)
    assert len(features) == 33  # 29 default places + 4 tricky ones
    for item in features:
        errors = [e.message for e in validator.iter_errors(item)]
        assert errors == [], item["@id"]


def test_the_schema_would_catch_what_the_writer_avoids() -> None:
    """The schema test has teeth: a line break or a nested collection is refused."""
    validator = jsonschema.Draft7Validator(SCHEMA)
    base = {"@id": "x", "type": "Feature", "properties": {"title": "x"}, "names": []}
    assert not validator.is_valid({**base, "properties": {"title": "a\nb"}})
    nested = {"type": "GeometryCollection", "geometries": [{"type": "GeometryCollection"}]}
    assert not validator.is_valid({**base, "geometry": nested})
    assert not validator.is_valid({**base, "mapgen": 1})


def test_lpf_mapping(tricky: mapgen.Dataset) -> None:
    default = {f["@id"]: f for f in lpf_features(mapgen.load())}
    paris = default["hq-paris"]
    assert paris["when"]["timespans"] == [
        {"start": {"in": "1981"}, "end": {"in": "1986"}},
        {"start": {"in": "2003"}, "end": {"in": None}},
    ]
    assert paris["types"] == [{"label": "headquarters"}]
    assert paris["names"][0]["citations"][0] == {
        "label": "People's Mojahedin Organization of Iran – Wikipedia",
        "@id": "https://en.wikipedia.org/wiki/People%27s_Mojahedin_Organization_of_Iran",
    }
    assert default["ev-1965-founding"]["when"]["timespans"] == [{"start": {"in": "1965-09-05"}}]
    assert default["hq-tehran"]["names"][4] == {"toponym": "تهران", "lang": "fa"}
    # LPF says these in its own members: no copies in properties
    assert all(set(f["properties"]) == {"title", "layer", "precision"} for f in default.values())

    tricky_features = {f["@id"]: f for f in lpf_features(tricky)}
    open_ends = tricky_features["open-ends"]
    assert open_ends["when"]["timespans"] == [
        {"start": {"latest": "1986"}, "end": {"in": "1986"}},
        {"start": {"in": "1990"}, "end": {"in": None}},
        {"start": {"in": "2016~"}, "end": {"in": None}},
    ]
    assert open_ends["properties"]["edtf"] == ["../1986", "1990/", "2016~/.."]
    beyond = tricky_features["beyond-iso"]
    assert beyond["when"]["timespans"][0] == {
        "start": {"earliest": "1980-01-01", "latest": "1989-12-31"}
    }
    breaks = tricky_features["line-breaks"]
    assert breaks["properties"]["title"] == "Two lines"
    assert breaks["properties"]["name"] == "Two\nlines"
    assert breaks["descriptions"] == [
        {"value": "First paragraph. Second; with | bars \\ and a backslash."}
    ]
    assert breaks["properties"]["ccodes"] == ["IR"]
    assert "edtf" not in breaks["properties"]


def test_lpf_lifts_nested_geometry_collections(tmp_path: Path) -> None:
    nested = {
        "type": "GeometryCollection",
        "geometries": [
            {"type": "Point", "coordinates": [1, 2]},
            {
                "type": "GeometryCollection",
                "geometries": [{"type": "Point", "coordinates": [3, 4]}],
            },
        ],
    }
    data = mapgen.load(write_geojson(tmp_path / "n.geojson", [feature("n", geometry=nested)]))
    [item] = lpf_features(data)
    assert item["geometry"] == {
        "type": "GeometryCollection",
        "geometries": [
            {"type": "Point", "coordinates": [1, 2]},
            {"type": "Point", "coordinates": [3, 4]},
        ],
    }
    assert jsonschema.Draft7Validator(SCHEMA).is_valid(item)


def test_csv_layout(tricky: mapgen.Dataset) -> None:
    text = dumps(mapgen.load(), "csv")
    header = text.splitlines()[0]
    assert header == (
        "id,name,name_ar,name_de,name_es,name_fa,name_fr,layer,lat,lon,when,precision,description,"
        "sources"
    )
    assert (
        '\nhq-paris,"Auvers-sur-Oise, near Paris, France",,,,,Auvers-sur-Oise,headquarters,49.0667,'
        "2.1667,"
    ) in text
    assert ",1981/1986; 2003/..,city," in text
    tricky_header = dumps(tricky, "csv").splitlines()[0].split(",")
    assert tricky_header[tricky_header.index("lon") + 1] == "wkt"
    assert tricky_header[-3:] == ["ccodes", "note", "population"]
    assert "\tname_zh-Hant\t" in dumps(tricky, "tsv").splitlines()[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_exports_are_deterministic_utf8_with_a_final_newline(
    fmt: str, tricky: mapgen.Dataset
) -> None:
    text = dumps(mapgen.load(), fmt)
    assert text == dumps(mapgen.load(), fmt)
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "تهران" in text and "\\u062a" not in text
    assert dumps(tricky, fmt) == dumps(tricky, fmt)


def test_csv_refuses_a_property_named_like_a_location_column(tmp_path: Path) -> None:
    data = mapgen.load(write_geojson(tmp_path / "p.geojson", [feature("p", wkt="north")]))
    target = tmp_path / "p.csv"
    target.write_text("before", "utf-8")
    with pytest.raises(mapgen.OutputError, match="named 'wkt'"):
        mapgen.export(data, target)
    assert target.read_text("utf-8") == "before"


def test_export_stays_a_function_after_its_package_is_imported(tmp_path: Path) -> None:
    import mapgen.writers.csv
    import mapgen.writers.lpf

    assert callable(mapgen.export)
    assert (
        mapgen.export(mapgen.load(), tmp_path / "x.jsonld")
        .read_text("utf-8")
        .startswith('{\n  "@context"')
    )


def test_export_refuses_unknown_names_and_its_own_input(tmp_path: Path) -> None:
    with pytest.raises(mapgen.OptionError, match="use --format"):
        mapgen.export(mapgen.load(), tmp_path / "places.xml")
    source = write_geojson(tmp_path / "in.geojson", [feature("p")])
    before = source.read_bytes()
    with pytest.raises(mapgen.OutputError, match="is also an input"):
        mapgen.export(mapgen.load(source), source, "lpf")
    assert source.read_bytes() == before


# --- CLI -------------------------------------------------------------------------------------


def test_cli_export_selects_and_writes(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "hq.lpf.json"
    result = runner.invoke(main, ["export", "--layer", "headquarters", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == f"{out}\n"
    doc = json.loads(out.read_text("utf-8"))
    assert [f["@id"] for f in doc["features"]] == [
        "hq-tehran",
        "hq-paris",
        "hq-camp-ashraf",
        "hq-camp-liberty",
        "hq-ashraf-3",
    ]
    assert list(doc["layers"]) == ["headquarters"]
    result = runner.invoke(main, ["export", "--at", "1988", "--format", "csv", "-o", "-"])
    assert result.exit_code == 0, result.output
    ids = [line.split(",")[0] for line in result.output.splitlines()[1:]]
    assert ids == [
        "hq-camp-ashraf",
        "ev-1987-national-liberation-army",
        "ev-1988-nuremberg",
        "ev-1988-06-operation-forty-stars",
        "ev-1988-07-operation-mersad",
        "ev-1988-executions",
    ]


def test_cli_export_converts_between_formats(runner: CliRunner, tmp_path: Path) -> None:
    csv_path, lpf_path, back = tmp_path / "a.csv", tmp_path / "a.jsonld", tmp_path / "b.geojson"
    assert runner.invoke(main, ["export", "-o", str(csv_path)]).exit_code == 0
    assert runner.invoke(main, ["export", str(csv_path), "-o", str(lpf_path)]).exit_code == 0
    result = runner.invoke(main, ["export", str(lpf_path), "-o", str(back)])
    assert result.exit_code == 0, result.output
    assert_same_places(mapgen.load(), mapgen.load(back))


def test_cli_export_refuses_its_input(runner: CliRunner, tmp_path: Path) -> None:
    source = write_geojson(tmp_path / "in.geojson", [feature("p")])
    before = source.read_bytes()
    result = runner.invoke(main, ["export", str(source), "-o", str(source), "--format", "csv"])
    assert result.exit_code == 3
    assert "is also an input" in result.output
    assert source.read_bytes() == before
    default = mapgen.default_source()  # the embedded dataset is an input too
    result = runner.invoke(main, ["export", "-o", str(default), "--format", "geojson"])
    assert result.exit_code == 3
    assert "is also an input" in result.output


def test_cli_export_needs_a_format_it_can_tell(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["export", "-o", str(tmp_path / "places.xml")])
    assert result.exit_code == 2
    assert "cannot tell the export format from 'places.xml'" in result.output
    assert not (tmp_path / "places.xml").exists()
