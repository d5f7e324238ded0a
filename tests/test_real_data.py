"""The real-data corpus (tests/data/real/, issue 14): every file loads and builds, with the
field options its README lists where its columns need naming, and its place counts and sample
dates agree with manifest.json, which was computed from the files without mapgen."""

from __future__ import annotations

import json
import re
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
}


def test_every_corpus_file_is_covered() -> None:
    assert sorted(FILES) == sorted(MANIFEST)


def year(value: str) -> str:
    """A manifest date value as EDTF writes it: a bare year astronomical and four digits
    ("-30" → "-0030", "640" → "0640"); an ISO date as it is."""
    if re.fullmatch(r"-?\d+", value):
        number = int(value)
        return f"{number:04d}" if number >= 0 else f"-{-number:04d}"
    return value


def expected_span(start: str | None, end: str | None) -> list[str]:
    """The span a start and an end value make (an empty end: ongoing)."""
    if not start and not end:
        return []
    lo, hi = year(start) if start else "..", year(end) if end else ".."
    return [lo] if lo == hi else [f"{lo}/{hi}"]


def sample_spans(sample: dict[str, Any], entry: dict[str, Any]) -> list[str]:
    """What the manifest says a sample's spans are: from its two date fields (tables), or its
    LPF timespans (the place's own, else its geometry's)."""
    fields = entry["date_fields"]
    if isinstance(fields, list):
        if not fields:
            return []
        return expected_span(sample.get(fields[0]), sample.get(fields[1]))
    whens = [sample["when"]] if "when" in sample else sample.get("geometry_when", [])
    out = []
    for when in whens:
        for span in when.get("timespans", []):
            start, end = span.get("start", {}).get("in"), span.get("end", {}).get("in")
            out += expected_span(start, end)
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
