"""Dates as files write them, through the command line (issue 19): each reading a column's
cells leave open is made once and said in one note line; nothing is shifted silently."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas
import pytest
from click.testing import CliRunner, Result
from shapely.geometry import Point

from mapgen.cli import main


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def spans(*args: str) -> dict[str, str]:
    """`mapgen list --format json`: each place's EDTF, by id."""
    result = run("list", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return {row["id"]: row["when"] for row in json.loads(result.stdout)}


def notes(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("note: ")]


def test_bare_negative_years_are_years_bc_and_said(here: Path) -> None:
    """The Augustan period of the Roman amphitheaters' table, -27 to 14, is 27 BC to AD 14."""
    (here / "periods.csv").write_text(
        "id,name,lat,lon,start,end\naugustan,Augustan,41.9,12.5,-27,14\n"
        "republican,Republican,41.9,12.5,-70,-31\n", "utf-8")
    options = ["periods.csv", "--start-field", "start", "--end-field", "end"]
    assert spans(*options) == {"augustan": "-0026/0014", "republican": "-0069/-0030"}
    result = run("validate", *options)
    assert notes(result) == [
        "note: periods.csv: column 'start': negative years read as years BC with no year 0 "
        "('-27' is 27 BCE); --bce astronomical reads them as ISO 8601 does",
        "note: periods.csv: column 'end': negative years read as years BC with no year 0 "
        "('-31' is 31 BCE); --bce astronomical reads them as ISO 8601 does",
    ]
    assert spans(*options, "--bce", "astronomical") == {
        "augustan": "-0027/0014", "republican": "-0070/-0031"}
    listed = run("list", *options, "--format", "csv").stdout
    assert "Augustan,27 BCE–14" in listed


def test_end_cells_open_unknown_and_written_out_in_a_geopackage(here: Path) -> None:
    """'..', 'present' and the like are open ends (refused before: a regression); an empty end
    is unknown, and a wreck of 1380 is no longer found in 2020."""
    geopandas.GeoDataFrame(
        {"id": ["a", "b", "c", "d", "wreck"], "name": ["A", "B", "C", "D", "Wreck"],
         "start": ["1990", "1990", "1990", "1990", "1380"],
         "end": ["..", "Present", "ONGOING", "today", None]},
        geometry=[Point(1, 2)] * 5, crs="EPSG:4326",
    ).to_file(here / "sites.gpkg", engine="pyogrio")
    options = ["sites.gpkg", "--start-field", "start", "--end-field", "end"]
    assert spans(*options) == {"a": "1990/..", "b": "1990/..", "c": "1990/..", "d": "1990/..",
                               "wreck": "1380/"}
    assert "wreck" not in spans(*options, "--at", "2020")
    assert "wreck" in spans(*options, "--at", "1380")
    listed = run("list", *options, "--format", "csv").stdout
    assert "wreck,sites,Wreck,1380–?,1380/" in listed


def test_a_start_alone_runs_on_and_a_when_field_stays_one_date(here: Path) -> None:
    """OSM's start_date: the castle built in 1334 stands in 1800."""
    (here / "osm.csv").write_text(
        "id,name,lat,lon,start_date\ncastle,Castle,41,22,1334\nmill,Mill,41,22,C18\n"
        "chapel,Chapel,41,22,late C18\nbridge,Bridge,41,22,1850..1860\n"
        "tower,Tower,41,22,C4 BC\n", "utf-8")
    found = spans("osm.csv", "--start-field", "start_date")
    assert found == {"castle": "1334/..", "mill": "1700/..", "chapel": "1766/..",
                     "bridge": "1850/..", "tower": "-0399/.."}
    assert "castle" in spans("osm.csv", "--start-field", "start_date", "--at", "1800")
    assert spans("osm.csv", "--when-field", "start_date")["chapel"] == "[1766..1799]"
    result = run("validate", "osm.csv", "--start-field", "start_date")
    assert notes(result) == [
        "note: osm.csv: column 'start_date': a start without an end field read as from then on "
        "('1334' is 1334–present); --end-field names the ends, --when-field start_date reads "
        "each as one date"
    ]
    listed = run("list", "osm.csv", "--when-field", "start_date", "--format", "csv").stdout
    assert "chapel,osm,Chapel,late 18th century," in listed


@pytest.mark.parametrize(
    ("option", "value"), [("--at", "100"), ("--at", "250"), ("--from", "-50"), ("--at", "30 BC"),
                          ("--at", "C18")])
def test_options_read_dates_as_cells_do(here: Path, option: str, value: str) -> None:
    result = run("list", option, value)
    assert result.exit_code == 0, result.output


def test_from_a_negative_year_is_said(here: Path) -> None:
    result = run("list", "--from", "-50", "--to", "100")
    assert "note: '-50' read as 50 BCE: a year BC, counted without a year 0 (EDTF writes it " \
        "-0049)" in result.stderr


def test_day_or_month_first_is_decided_by_the_column(here: Path) -> None:
    rows = "id,name,lat,lon,date\n{}"
    (here / "eu.csv").write_text(rows.format("a,A,1,2,28.06.2011\nb,B,1,2,03.04.2012\n"), "utf-8")
    assert spans("eu.csv", "--when-field", "date") == {"a": "2011-06-28", "b": "2012-04-03"}
    assert notes(run("validate", "eu.csv", "--when-field", "date")) == [
        "note: eu.csv: column 'date': read day first ('28.06.2011' is 28 June 2011)"]
    (here / "us.csv").write_text(rows.format("a,A,1,2,12/31/1850\nb,B,1,2,03/04/1850\n"), "utf-8")
    assert spans("us.csv", "--when-field", "date") == {"a": "1850-12-31", "b": "1850-03-04"}
    (here / "unclear.csv").write_text(rows.format("a,A,1,2,03/04/1850\nb,B,1,2,05/06/1850\n"),
                                      "utf-8")
    result = run("validate", "unclear.csv", "--when-field", "date")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: unclear.csv: column 'date': dates such as '03/04/1850' could be day or month "
        "first and none says which; give --date-format %d/%m/%Y (day first) or %m/%d/%Y\n")
    assert spans("unclear.csv", "--when-field", "date", "--date-format", "%d/%m/%Y") == {
        "a": "1850-04-03", "b": "1850-06-05"}


def test_socrata_timestamps_of_1_january_are_years(here: Path) -> None:
    (here / "finds.csv").write_text(
        "id,name,lat,lon,year\na,A,1,2,01/01/1880 12:00:00 AM\nb,B,1,2,01/01/2001 12:00:00 AM\n",
        "utf-8")
    assert spans("finds.csv", "--when-field", "year") == {"a": "1880", "b": "2001"}
    assert spans("finds.csv", "--when-field", "year", "--date-precision", "day") == {
        "a": "1880-01-01", "b": "2001-01-01"}
    result = run("validate", "finds.csv", "--when-field", "year", "--date-precision", "week")
    assert result.exit_code == 2 and "week" in result.output
