"""The CLI: exit codes, outputs, one-line errors, no partial files."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mapgen.cli import main
from tests.helpers import feature, write_geojson


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_build_default_writes_the_map_and_prints_its_path(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == os.path.join("output", "pmoi-headquarters.html")
    html = (tmp_path / "output" / "pmoi-headquarters.html").read_text("utf-8")
    assert "<title>Headquarters of the People&#x27;s Mojahedin" in html
    assert "hq-camp-liberty" in html


def test_build_with_options(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "iraq.html"
    result = runner.invoke(
        main,
        [
            "build",
            "-o",
            str(out),
            "--layer",
            "headquarters",
            "--title",
            "Iraq years",
            "--tiles",
            "OpenStreetMap.Mapnik",
        ],
    )
    assert result.exit_code == 0, result.output
    html = out.read_text("utf-8")
    assert "<title>Iraq years</title>" in html
    assert "tile.openstreetmap.org" in html
    assert "ev-1965-founding" not in html


def test_list_formats(runner: CliRunner) -> None:
    table = runner.invoke(main, ["list"])
    assert table.exit_code == 0
    assert table.output.splitlines()[0].split() == ["id", "layer", "name", "periods"]
    rows = list(
        csv.DictReader(io.StringIO(runner.invoke(main, ["list", "--format", "csv"]).output))
    )
    paris = next(r for r in rows if r["id"] == "hq-paris")
    assert paris["periods"] == "1981–1986; 2003–present"
    assert paris["when"] == "1981/1986; 2003/.."
    data = json.loads(
        runner.invoke(main, ["list", "--format", "json", "--layer", "headquarters"]).output
    )
    assert [d["id"] for d in data] == [
        "hq-tehran",
        "hq-paris",
        "hq-camp-ashraf",
        "hq-camp-liberty",
        "hq-ashraf-3",
    ]


def test_list_selects_a_period(runner: CliRunner) -> None:
    result = runner.invoke(
        main,
        ["list", "--format", "json", "--layer", "headquarters", "--from", "1990", "--to", "2000"],
    )
    assert [d["id"] for d in json.loads(result.output)] == ["hq-camp-ashraf"]


def test_validate_ok_and_every_problem(runner: CliRunner, tmp_path: Path) -> None:
    good = write_geojson(tmp_path / "good.geojson", [feature("a"), feature("b")])
    result = runner.invoke(main, ["validate", str(good)])
    assert result.exit_code == 0
    assert result.output == "ok: 2 places in 1 layer\n"
    bad = write_geojson(tmp_path / "bad.geojson", [feature("a", when=["x"]), feature("a")])
    result = runner.invoke(main, ["validate", str(bad)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [
        f"error: {bad}: feature 0 (id=a): when[0]: 'x' is not an EDTF date or interval",
        f"error: {bad}: feature 1 (id=a): id: duplicate id 'a', also at {bad}: feature 0",
    ]


def test_summaries_count_undated_and_unlocated_places(runner: CliRunner, tmp_path: Path) -> None:
    source = write_geojson(
        tmp_path / "some.geojson",
        [feature("a"), feature("b", when=[]), feature("c", when=[]), feature("d", layer="other")],
    )
    result = runner.invoke(main, ["validate", str(source)])
    assert result.exit_code == 0, result.output
    assert result.output == "ok: 4 places in 2 layers (2 undated)\n"
    lpf = tmp_path / "gaz.lpf.json"
    lpf.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "@id": f"http://example.org/{n}", "properties": {"title": n},
         "geometry": geometry, "when": {"timespans": [{"start": {"in": "1900"}}]}}
        for n, geometry in (("x", {"type": "Point", "coordinates": [1, 2]}), ("y", None))
    ]}), "utf-8")
    result = runner.invoke(main, ["validate", str(lpf)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "ok: 1 place in 1 layer (1 not located)\n"
    out = tmp_path / "map.html"
    result = runner.invoke(main, ["build", str(source), "-o", str(out), "--layer", "sites"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{out}\n"
    assert result.stderr == "3 places in 1 layer (2 undated)\n"


def test_split_honours_the_title_and_refuses_what_it_cannot_make(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "series"
    result = runner.invoke(main, ["build", "--split", "decade", "--title", "Moves",
                                  "-o", str(folder)])
    assert result.exit_code == 0, result.output
    pages = sorted(folder.glob("19*.html"))
    assert pages and all("<title>Moves — 19" in p.read_text("utf-8") for p in pages)
    assert "<h1>Moves</h1>" in (folder / "index.html").read_text("utf-8")
    for extra in (["--fragment"], ["--fragment", "--height", "300px"]):
        result = runner.invoke(main, ["build", "--split", "decade", *extra,
                                      "-o", str(tmp_path / "no")])
        assert result.exit_code == 2
        assert "--split writes full pages" in result.output
    result = runner.invoke(main, ["build", "--height", "300px", "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 2
    assert "--height is the height of a --fragment" in result.output
    assert not (tmp_path / "no").exists() and not (tmp_path / "x.html").exists()


def test_usage_errors_exit_2(runner: CliRunner) -> None:
    assert runner.invoke(main, ["build", "--tiles", "NoSuch.Tiles"]).exit_code == 2
    assert runner.invoke(main, ["build", "--layer", "nope"]).exit_code == 2
    assert runner.invoke(main, ["build", "--from", "someday"]).exit_code == 2
    assert runner.invoke(main, ["build", "--period", "nope"]).exit_code == 2
    assert runner.invoke(main, ["build", "--bogus"]).exit_code == 2
    assert runner.invoke(main, ["validate"]).exit_code == 2


def test_bad_input_leaves_existing_output_untouched(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "map.html"
    out.write_text("previous map", "utf-8")
    bad = write_geojson(tmp_path / "bad.geojson", [feature("a", lat=123)])
    result = runner.invoke(main, ["build", str(bad), "-o", str(out)])
    assert result.exit_code == 1
    assert "latitude 123 is outside" in result.output
    assert out.read_text("utf-8") == "previous map"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.geojson", "map.html"]


def test_output_that_is_a_directory_or_an_input_is_refused(
    runner: CliRunner, tmp_path: Path
) -> None:
    src = write_geojson(tmp_path / "in.geojson", [feature("a")])
    before = src.read_bytes()
    result = runner.invoke(main, ["build", str(src), "-o", str(src)])
    assert result.exit_code == 3 and "is also an input" in result.output
    assert src.read_bytes() == before
    result = runner.invoke(main, ["build", str(src), "-o", str(tmp_path)])
    assert result.exit_code == 3 and "is a directory" in result.output


def test_every_command_help_has_an_example(runner: CliRunner) -> None:
    for command in (["--help"], ["build", "--help"], ["list", "--help"], ["validate", "--help"]):
        result = runner.invoke(main, command)
        assert result.exit_code == 0
        assert "Example" in result.output and "mapgen " in result.output


def test_user_errors_never_show_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "broken.geojson"
    bad.write_text("{not json", "utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "mapgen", "build", str(bad), "-o", str(tmp_path / "o.html")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f"error: {bad}: not JSON: Expecting property name enclosed in double quotes "
        "at line 1, column 2"
    ]
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "o.html").exists()


def test_list_table_escapes_terminal_control_characters(runner: CliRunner, tmp_path: Path) -> None:
    source = write_geojson(tmp_path / "esc.geojson", [feature("a", name="Evil\x1b[2J\nname")])
    table = runner.invoke(main, ["list", str(source)]).output
    assert "\x1b" not in table and "Evil\\x1b[2J\\nname" in table
    assert len(table.strip().splitlines()) == 3
    as_json = json.loads(runner.invoke(main, ["list", str(source), "--format", "json"]).output)
    assert as_json[0]["name"] == "Evil\x1b[2J\nname"  # data formats keep the text exact


def test_notes_and_warnings_each_get_their_own_word(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A choice made in reading is a `note:`, a problem that does not stop the work a
    `warning:`; both on stderr, on one line each, never on stdout."""
    import warnings

    import mapgen
    from mapgen.errors import MapgenNote, MapgenWarning

    real_load = mapgen.load

    def load(*args: object, **kwargs: object) -> mapgen.Dataset:
        warnings.warn("x.csv: column 'from' read as historical years", MapgenNote, stacklevel=1)
        warnings.warn("x.csv: 2 points at (0, 0)\nforged", MapgenWarning, stacklevel=1)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(mapgen, "load", load)
    result = runner.invoke(main, ["list", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "note: x.csv: column 'from' read as historical years",
        "warning: x.csv: 2 points at (0, 0)\\nforged",
    ]
    assert "note:" not in result.stdout and "warning:" not in result.stdout
