"""Real data is messy: a few bad rows do not block a map (--skip-invalid), undated places are
kept, unlocated ones are reported, and a table can say what a map needs (title, colours,
paths); exported cells can be made safe for spreadsheets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import mapgen
from mapgen.cli import main, summary
from mapgen.raw import RawCollection, RawFeature
from mapgen.validate import validate
from tests.helpers import feature, write_geojson


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    return write_geojson(
        tmp_path / "messy.geojson",
        [
            feature("good-1", when=["1900/1910"]),
            feature("bad-date", when=["1910/1900"]),
            feature("good-2", when=["1920"], lon=20),
            feature("no-coords", geometry={"type": "Point", "coordinates": [[1, 2]]}),
            feature("bad-url", sources=[{"title": "x", "url": "https://example.org/a b"}]),
        ],
    )


def test_without_the_flag_one_bad_row_still_refuses_the_file(messy: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(messy)])
    assert result.exit_code == 1
    assert len(result.output.splitlines()) == 3  # one located line per problem


@pytest.mark.parametrize("command", ["build", "list", "export", "render", "validate"])
def test_skip_invalid_leaves_out_bad_features_and_says_which(
    messy: Path, tmp_path: Path, command: str
) -> None:
    out = {"build": ["-o", str(tmp_path / "m.html")], "export": ["-o", "-"],
           "render": ["-o", str(tmp_path / "m.png")]}.get(command, [])
    result = CliRunner().invoke(main, [command, str(messy), "--skip-invalid", *out])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[:3] == [
        f"skipped: {messy}: feature 1 (id=bad-date): when[0]: '1910/1900' ends before it starts",
        f"skipped: {messy}: feature 3 (id=no-coords): geometry.coordinates: "
        "a position must be [longitude, latitude] or [longitude, latitude, altitude]",
        f"skipped: {messy}: feature 4 (id=bad-url): sources[0].url: "
        "'https://example.org/a b' is not an http(s) URL",
    ]
    assert lines[3] == "skipped 3 of 5 features"
    if command == "export":  # standard output stays clean data
        features = json.loads(result.stdout)["features"]
        assert [f["properties"]["id"] for f in features] == ["good-1", "good-2"]


def test_skip_invalid_in_the_api(messy: Path) -> None:
    data = mapgen.load(messy, skip_invalid=True)
    assert [p.id for p in data.places] == ["good-1", "good-2"]
    assert (data.report.features, data.report.skipped) == (5, 3)
    assert [p.where for p in data.report.problems] == [
        "feature 1 (id=bad-date)", "feature 3 (id=no-coords)", "feature 4 (id=bad-url)"
    ]
    with pytest.raises(mapgen.DataError):
        mapgen.load(messy)


def test_nothing_left_is_still_an_error(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "all-bad.geojson", [feature("a", when=["x"])])
    result = CliRunner().invoke(main, ["build", str(path), "--skip-invalid", "-o",
                                       str(tmp_path / "x.html")])
    assert result.exit_code == 1 and not (tmp_path / "x.html").exists()
    assert result.output.splitlines()[-1].endswith("all 1 features are invalid")


def test_file_level_problems_still_refuse_with_skip_invalid(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "p.geojson", [feature("a")], layers={"sites": {"color": "x"}})
    result = CliRunner().invoke(main, ["validate", str(path), "--skip-invalid"])
    assert result.exit_code == 1 and "layers.sites.color" in result.output


def test_a_place_without_location_in_a_gazetteer_is_a_warning_not_an_error() -> None:
    located = RawFeature("feature 0", {"id": "a", "name": "A", "layer": "l", "when": ["1900"]},
                         {"type": "Point", "coordinates": [1, 2]})
    unlocated = RawFeature("feature 1", {"id": "b", "name": "B", "layer": "l"}, None)
    data = validate([RawCollection.of("g.lpf.json", (located, unlocated), geometry_optional=True)])
    assert [p.id for p in data.places] == ["a"]
    assert [str(p) for p in data.report.unlocated] == [
        "g.lpf.json: feature 1 (id=b): geometry: not located: not drawn"
    ]
    with pytest.raises(mapgen.DataError, match="geometry: is missing"):  # GeoJSON requires one
        validate([RawCollection.of("g.geojson", (located, unlocated))])


def test_a_table_says_title_colours_and_paths(tmp_path: Path) -> None:
    table = tmp_path / "residences.csv"
    table.write_text(
        "id,name,layer,lat,lon,when\n"
        "a,Vienna,residences,48.2,16.37,1900/1910\n"
        "b,Zurich,residences,47.37,8.54,1911/1920\n"
        "c,Paris,visits,48.86,2.35,1915\n",
        "utf-8",
    )
    assert mapgen.load(table).title == "Residences"  # no title in a table: the file's name
    data = mapgen.style(mapgen.load(table), title="A life", colors={"residences": "#c0392b"},
                        paths=["residences"])
    residences = data.layer("residences")
    assert (data.title, residences.color, residences.path) == ("A life", "#c0392b", True)
    assert not data.layer("visits").path
    out = tmp_path / "life.html"
    result = CliRunner().invoke(main, ["build", str(table), "-o", str(out), "--title", "A life",
                                       "--path-layer", "residences", "--color",
                                       "residences=#c0392b"])
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    assert "<title>A life</title>" in page and "#c0392b" in page
    assert '"path": true' in page or '"path":true' in page
    for bad, message in (("--color=residences=red", "'red' is not a colour"),
                         ("--color=nowhere=#000", "unknown layer 'nowhere'"),
                         ("--path-layer=nowhere", "unknown layer 'nowhere'"),
                         ("--color=#000", "is not LAYER=#hex")):
        result = CliRunner().invoke(main, ["build", str(table), "-o", str(out), bad])
        assert result.exit_code == 2 and message in result.output


def test_every_public_function_name_is_not_also_a_module_name() -> None:
    import importlib.util

    clashes = [name for name in mapgen.__all__ if importlib.util.find_spec(f"mapgen.{name}")]
    assert clashes == []  # an imported submodule would replace the function on the package


def test_spreadsheet_safe_export_prefixes_formulas_only_when_asked(tmp_path: Path) -> None:
    source = write_geojson(tmp_path / "in.geojson", [
        feature("f", name="=HYPERLINK(\"http://x\")", description="@SUM(A1)", lon=-12.5),
        feature("g", name="+1 place", description="-minus"),
    ])
    data = mapgen.load(source)
    plain = mapgen.dumps(data, "csv")
    assert '=HYPERLINK(""http://x"")' in plain and "'=" not in plain
    safe = mapgen.dumps(data, "csv", spreadsheet_safe=True)
    assert "'=HYPERLINK" in safe and "'@SUM(A1)" in safe and "'+1 place" in safe
    assert "'-minus" in safe and ",-12.5," in safe  # a plain number stays a number
    result = CliRunner().invoke(main, ["export", str(source), "-o", "-", "--format", "tsv",
                                       "--spreadsheet-safe"])
    assert result.exit_code == 0 and "'=HYPERLINK" in result.output
    with pytest.raises(mapgen.OptionError, match="spreadsheet_safe applies to CSV and TSV"):
        mapgen.dumps(data, "geojson", spreadsheet_safe=True)


def test_a_map_of_too_many_layers_says_what_it_grouped(tmp_path: Path) -> None:
    features = [feature(f"p{i}", layer=f"layer-{i:03d}", lon=i % 100) for i in range(105)]
    source = write_geojson(tmp_path / "many.geojson", features)
    result = CliRunner().invoke(main, ["build", str(source), "-o", str(tmp_path / "m.html")])
    assert result.exit_code == 0, result.output
    [warning] = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warning.startswith("warning: 105 layers: the map shows the 99 largest")
    assert "Traceback" not in result.output and "UserWarning" not in result.stderr


def test_cdn_opts_in_to_the_smallest_file(tmp_path: Path) -> None:
    source = write_geojson(tmp_path / "in.geojson", [feature("a")])
    sizes = {}
    for flag in ("--cdn", "--self-contained"):
        out = tmp_path / f"{flag[2:]}.html"
        result = CliRunner().invoke(main, ["build", str(source), "-o", str(out), flag])
        assert result.exit_code == 0, result.output
        sizes[flag] = out.stat().st_size
        assert ("cdn.jsdelivr.net/npm/leaflet" in out.read_text("utf-8")) == (flag == "--cdn")
    assert sizes["--cdn"] < sizes["--self-contained"] / 2
    both = CliRunner().invoke(main, ["build", str(source), "--cdn", "--self-contained"])
    assert both.exit_code == 2


def _no_layer(tmp_path: Path, kind: str) -> Path:
    """Five places, of which the second and the fifth name no layer (one blank, one without
    the property or cell)."""
    rows = [("a", "sites"), ("b", ""), ("c", "sites"), ("d", "events"), ("e", None)]
    if kind == "csv":
        path = tmp_path / "finds.csv"
        lines = ["id,name,layer,when,lat,lon"]
        lines += [f"{i},{i.upper()},{layer or ''},1900,1,2" for i, layer in rows]
        path.write_text("\n".join(lines) + "\n", "utf-8")
        return path
    features = [feature(i, name=i.upper(), layer=layer) for i, layer in rows]
    for item in features:
        if item["properties"]["layer"] is None:
            del item["properties"]["layer"]
    path = write_geojson(tmp_path / "finds.geojson", features)
    return path


@pytest.mark.parametrize("kind", ["geojson", "csv"])
def test_a_feature_without_a_layer_among_others_with_one_is_named(
    tmp_path: Path, kind: str
) -> None:
    """Issue 18, item 4: the file's name as a layer is a choice, so it is said, once."""
    path = _no_layer(tmp_path, kind)
    with pytest.warns(mapgen.MapgenWarning) as caught:
        data = mapgen.load(path)
    assert [p.layer for p in data.places] == ["sites", "finds", "sites", "events", "finds"]
    first = "line 3 (id=b), line 6 (id=e)" if kind == "csv" else (
        "feature 1 (id=b), feature 4 (id=e)")
    assert [str(w.message) for w in caught] == [
        f"{path}: layer: 2 of 5 features name no layer, unlike the others: put in layer "
        f"'finds' ({first})"]
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.output.count("warning: ") == 1 and "2 of 5 features" in result.output


def test_the_summary_counts_undated_and_unlocated_places(tmp_path: Path) -> None:
    located = [RawFeature(f"feature {n}", {"id": f"p{n}", "name": "P", "layer": "l",
                                           "when": ["1900"] if n else []},
                          {"type": "Point", "coordinates": [1, 2]}) for n in range(1200)]
    unlocated = RawFeature("feature 1200", {"id": "q", "name": "Q", "layer": "m"}, None)
    data = validate([RawCollection.of("g.lpf.json", (*located, unlocated),
                                      geometry_optional=True)])
    assert summary(data) == "1,200 places in 1 layer (1 undated, 1 not located)"
