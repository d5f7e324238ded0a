"""The real-data corpus (tests/data/real/, issue 14): every file loads and builds, with the
field options its README lists where its columns need naming, and its place counts and sample
dates agree with manifest.json, which was computed from the files without mapgen."""

from __future__ import annotations

import json
import re
import shlex
import warnings
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import mapgen
from mapgen.cli import main

REAL = Path(__file__).parent / "data" / "real"
MANIFEST = {f["name"]: f for f in json.loads((REAL / "manifest.json").read_text("utf-8"))["files"]}

INRAP = {
    "name_field": "Nom du site",
    "start_field": "Date début",
    "end_field": "Date fin",
    "lat_field": "coordonnees décimales latitude",
    "lon_field": "coordonnees décimales longitude",
}
PLEIADES = {
    "id_field": "uri",  # Pleiades' own id repeats across places
    "name_field": "title",
    "start_field": "year_after_which",
    "end_field": "year_before_which",
    "wkt_field": "geometry_wkt",
}
WRECKS = {"start_field": "Start_Date", "end_field": "End_Date"}
METEORITES = {"when_field": "year", "lat_field": "reclat", "lon_field": "reclong"}
WIKIDATA = {"name_field": "cityLabel", "start_field": "inception", "wkt_field": "coord"}
OSM = {"start_field": "start_date"}
# file: (load options, places, features not located, features skipped as invalid)
FILES: dict[str, tuple[dict[str, Any], int, int, int]] = {
    "diamonds135.tsv": ({}, 15, 120, 0),
    "croniken.tsv": ({}, 20, 0, 0),
    "epirus_60errors.tsv": ({"skip_invalid": True}, 57, 1, 2),  # rows 2 and 10: half a position
    "crimea94.tsv": ({}, 30, 0, 0),
    "whgadmin_amh_20210618_20210704_030513.tsv": ({}, 53, 7, 0),
    "donnees-inrap-ph.csv": (INRAP, 100, 0, 0),
    "location_points.csv": (PLEIADES, 16, 0, 0),
    "topostext_07.jsonld": ({}, 7, 0, 0),
    "lugares_20.jsonld": ({}, 20, 0, 0),
    "pleiades_linked_place.json": ({}, 1, 0, 0),
    "ascsa-monuments-places.lp.json": ({}, 14, 6, 0),
    "aqueducts.json": ({"id_field": "OBJECTID", "name_field": "Source"}, 3, 0, 0),
    "osm_castles_portugal.geojson": ({"layer_field": "historic", "start_field": "start_date"},
                                     24, 0, 0),
    # issue 19: dates as their sources write them
    "castlemap_castles.csv": ({"id_field": "qid", "start_field": "year"}, 47, 0, 0),
    "meteorite_landings_socrata.csv": (
        {"id_field": "id", **METEORITES}, 38, 0, 0),
    "wikidata_query_reunion.csv": (WIKIDATA, 12, 0, 0),
    "osm_historic_north_macedonia.geojson": (OSM, 39, 0, 0),
    "giscore_timestamps.kml": ({}, 11, 0, 0),
    "giscore_TimeTest.kml": ({}, 6, 0, 0),
    # issue 20: fields
    "ancient-shipwrecks.csv": ({**WRECKS, "skip_invalid": True}, 69, 0, 1),  # line 12: '7.867799.'
}
# what the hint says a file needs (loaded without options, the one problem suggests these)
HINTED = {
    "donnees-inrap-ph.csv": INRAP,
    "location_points.csv": {k: v for k, v in PLEIADES.items() if k != "id_field"},
    "ancient-shipwrecks.csv": WRECKS,
    "meteorite_landings_socrata.csv": METEORITES,
    "wikidata_query_reunion.csv": WIKIDATA,
    "osm_historic_north_macedonia.geojson": OSM,
}


def test_every_corpus_file_is_covered() -> None:
    assert sorted(FILES) == sorted(MANIFEST)


def year(value: str, bce: str = "astronomical") -> str:
    """A manifest date value as EDTF writes it: a bare year four digits ("640" → "0640"), a
    negative one astronomical ("-30" → "-0030") or, where the file counts BC years without
    a year 0 (the manifest's "bce"), one up ("-30" → "-0029"); an ISO date as it is."""
    if re.fullmatch(r"-?\d+", value):
        number = int(value)
        if number < 0 and bce == "historical":
            number += 1
        return f"{number:04d}" if number >= 0 else f"-{-number:04d}"
    return value


def expected_span(start: str | None, end: str | None, bce: str = "astronomical",
                  empty_end: str = "") -> list[str]:
    """The span a start and an end value make: an empty end is unknown ("2011-11-01/"), or
    open where the format says a start alone runs on (LP-TSV: *empty_end* ".."); an empty
    start is unknown."""
    if not start and not end:
        return []
    lo, hi = year(start, bce) if start else "", year(end, bce) if end else empty_end
    return [lo] if lo == hi else [f"{lo}/{hi}"]


def sample_spans(sample: dict[str, Any], entry: dict[str, Any]) -> list[str]:
    """What the manifest says a sample's spans are: those worked out by hand for it
    ("expected"), else from its two date fields (tables), or its LPF timespans (the place's
    own, else its geometry's)."""
    if "expected" in sample:
        return sample["expected"]
    fields = entry["date_fields"]
    if isinstance(fields, list):
        if not fields:
            return []
        lp_tsv = entry["format"] == "tsv"  # LP-TSV: "a start value alone indicates from"
        return expected_span(sample.get(fields[0]), sample.get(fields[1]),
                             entry.get("bce", "astronomical"), ".." if lp_tsv else "")
    whens = [sample["when"]] if "when" in sample else sample.get("geometry_when", [])
    out = []
    for when in whens:
        for span in when.get("timespans", []):
            start, end = span.get("start", {}).get("in"), span.get("end", {}).get("in")
            out += expected_span(start, end, entry.get("bce", "astronomical"),
                                 empty_end="..")  # LPF: "end": {"in": null}
    return out


def find(data: mapgen.Dataset, sample_id: object) -> mapgen.Place | None:
    """The place of a manifest sample: by id, or by a URI ending in it (Pleiades' `uri`)."""
    wanted = str(sample_id)
    return next(
        (p for p in data.places if p.id == wanted or p.id.endswith(f"/{wanted}")), None
    )


@pytest.mark.parametrize("name", sorted(FILES))
def test_counts_and_dates_match_the_manifest(name: str) -> None:
    options, places, unlocated, skipped = FILES[name]
    entry = MANIFEST[name]
    data = mapgen.load(REAL / name, **options)
    assert (len(data.places), len(data.report.unlocated), data.report.skipped) == (
        places,
        unlocated,
        skipped,
    )
    assert data.report.features == entry["records"]
    assert len({p.id for p in data.places}) == places
    left_out = [str(p) for p in (*data.report.unlocated, *data.report.problems)]
    for sample in entry["samples"]:
        place = find(data, sample["id"])
        if place is None:  # reported as not located or invalid, never dropped silently
            assert any(f"(id={sample['id']})" in line for line in left_out), sample
            continue
        assert [s.text for s in place.spans] == sample_spans(sample, entry), sample
        if "title" in sample and isinstance(sample["title"], str):
            assert place.name == sample["title"]


@pytest.mark.parametrize("name", sorted(n for n in FILES if MANIFEST[n].get("notes") is not None))
def test_each_reading_that_involves_a_choice_is_one_note(name: str) -> None:
    """Issue 19, item 5: historical years, day first, years for 1 January midnights, a start
    alone as "from then on": each named in one note: line per file and column."""
    options, _, _, _ = FILES[name]
    result = CliRunner().invoke(main, ["validate", str(REAL / name), *cli_options(options)])
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: ")]
    for said in MANIFEST[name]["notes"]:
        assert sum(said in line for line in notes) == 1, (said, notes)
    columns = [line.split(": ")[2] for line in notes]  # "note: FILE: column 'x': ..."
    assert len(columns) == len(set(columns))  # one line per column
    assert bool(notes) == bool(MANIFEST[name]["notes"])


def test_dates_filter_as_the_sources_mean_them() -> None:
    """What a reader asks of these files: query.wikidata.org's year-precision dates are found
    by --at 1736 and by a June–December 1664 window; a castle built in 1334 is there in 1800;
    a fortress of -781 stands in 781 BCE but not in 782 BCE; a meteorite of 2001 is found in
    2001 and not before."""
    def shown(name: str, **period: str) -> list[str]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", mapgen.MapgenWarning)
            data = mapgen.load(REAL / name, **FILES[name][0])
            return sorted(p.name for p in mapgen.select(data, mapgen.period(data, **period)).places)

    wikidata = "wikidata_query_reunion.csv"
    assert "Saint-Pierre" in shown(wikidata, at="1736")
    assert "Cayenne" in shown(wikidata, start="1664-06", end="1664-12")
    osm = "osm_historic_north_macedonia.geojson"
    assert "Γυναικόκαστρο" in shown(osm, at="1800")
    castles = "castlemap_castles.csv"
    assert "Erebuni Fortress" in shown(castles, at="781 BC")
    assert "Erebuni Fortress" not in shown(castles, at="782 BC")
    meteorites = "meteorite_landings_socrata.csv"
    assert "Al Zarnkh" in shown(meteorites, at="2001")
    assert "Al Zarnkh" not in shown(meteorites, end="2000-12-31")


def cli_options(options: dict[str, Any]) -> list[str]:
    """load() options as the CLI's flags."""
    out = []
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        out += [flag] if value is True else [flag, value]
    return out


@pytest.mark.parametrize("name", sorted(FILES))
def test_validate_and_build_each_file(name: str, tmp_path: Path) -> None:
    options, places, _, _ = FILES[name]
    runner = CliRunner()
    flags = cli_options(options)
    result = runner.invoke(main, ["validate", str(REAL / name), *flags])
    assert result.exit_code == 0, result.output
    assert f"ok: {places} place" in result.output
    out = tmp_path / "map.html"
    result = runner.invoke(main, ["build", str(REAL / name), *flags, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0


def sample_position(sample: dict[str, Any], entry: dict[str, Any]) -> list[float] | None:
    """A sample's [lon, lat] as its cells write it: a WKT "Point(lon lat)" cell, or a
    latitude and a longitude cell; None when the sample does not give them."""
    fields = entry["coordinate_fields"]
    if not isinstance(fields, list):  # "geometry": GeoJSON's own
        return None
    if len(fields) == 1:
        found = re.fullmatch(r"Point\((\S+) (\S+)\)", sample.get(fields[0], ""), re.I)
        return [float(found[1]), float(found[2])] if found else None
    [lat] = [f for f in fields if "lat" in f.lower()]
    [lon] = [f for f in fields if f != lat]
    if lat not in sample or lon not in sample:
        return None
    return [float(sample[lon]), float(sample[lat])]


@pytest.mark.parametrize("name", sorted(HINTED))
def test_the_hint_names_what_each_file_needs(name: str) -> None:
    """Without options, a file whose columns need naming gets one line, and what it
    suggests is what the file needs (README lists the same), chosen by the columns' names
    and cells; with them, every sample is where its cells say."""
    with pytest.raises(mapgen.DataError) as info, warnings.catch_warnings():
        warnings.simplefilter("ignore", mapgen.MapgenWarning)  # blank headers, named
        mapgen.load(REAL / name)
    [problem] = info.value.problems
    flags = " ".join(f"--{k.replace('_', '-')} {shlex.quote(v)}" for k, v in HINTED[name].items())
    assert re.search(f"; did you mean {re.escape(flags)}\\? \\(the (columns|properties) are: ",
                     problem.message), problem.message
    options, *_ = FILES[name]
    data = mapgen.load(REAL / name, **options)
    entry = MANIFEST[name]
    for sample in entry["samples"]:
        place = find(data, sample["id"])
        position = sample_position(sample, entry)
        if place is not None and position is not None:
            assert place.geometry == {"type": "Point", "coordinates": position}, sample


def test_what_the_corpus_needs_options_for_is_one_hint_line() -> None:
    """Without its options, a table whose columns need naming gets one line that names
    them, not one line per row."""
    for name, options in (("donnees-inrap-ph.csv", INRAP), ("location_points.csv", PLEIADES)):
        with pytest.raises(mapgen.DataError) as info:
            mapgen.load(REAL / name)
        [problem] = info.value.problems
        for key, column in options.items():
            if key != "id_field":
                assert f"--{key.replace('_', '-')} " in problem.message
                assert column in problem.message
