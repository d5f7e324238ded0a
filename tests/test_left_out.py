"""Nothing hidden, nothing flooding (issue 20, item 4): what a load leaves out is shown a few
lines per kind with a count, all with --verbose, and written whole to --report FILE.csv."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import mapgen
from mapgen.cli import main


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def gazetteer(path: Path, good: int = 3, bad_dates: int = 7, bad_lats: int = 2,
              unlocated: int = 12) -> None:
    """An LP-TSV file (rows may lack a position) with invalid and unlocated rows."""
    rows = ["id\ttitle\tstart\tend\tlat\tlon"]
    rows += [f"g{i}\tGood {i}\t1800\t1900\t10\t20" for i in range(good)]
    rows += [f"d{i}\tBad date {i}\t1900\t1800\t10\t20" for i in range(bad_dates)]
    rows += [f"l{i}\tBad lat {i}\t1800\t1900\t9{i}\t20" for i in range(1, bad_lats + 1)]
    rows += [f"u{i}\tNowhere {i}\t1800\t1900\t\t" for i in range(unlocated)]
    path.write_text("\n".join(rows) + "\n", "utf-8")


def stderr_lines(result: Result) -> list[str]:
    return [line for line in result.output.splitlines() if not line.startswith("ok:")]


def test_left_out_groups_by_status_file_and_kind(here: Path) -> None:
    gazetteer(here / "g.tsv")
    report = mapgen.load("g.tsv", skip_invalid=True).report
    groups = mapgen.left_out(report)
    assert [(g.status, g.file, g.kind, len(g.problems)) for g in groups] == [
        ("skipped", "g.tsv", "when: … ends before it starts", 7),
        ("skipped", "g.tsv", "lat: … is outside -90..90", 2),
        ("not located", "g.tsv", "geometry: not located: not drawn", 12),
    ]
    assert [str(p) for p in groups[1].problems] == [
        "g.tsv: line 12 (id=l1): lat: 91 is outside -90..90",
        "g.tsv: line 13 (id=l2): lat: 92 is outside -90..90",
    ]


def test_the_cli_shows_five_of_each_kind_and_counts_the_rest(here: Path) -> None:
    """It printed every line, on every command (12,032 of them for one real file)."""
    gazetteer(here / "g.tsv")
    result = CliRunner().invoke(main, ["validate", "g.tsv", "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert stderr_lines(result) == [
        *(f"skipped: g.tsv: line {n} (id=d{n - 5}): when: '1900/1800' ends before it starts"
          for n in range(5, 10)),
        "skipped: g.tsv: … and 2 more: when: … ends before it starts "
        "(--verbose lists them, --report FILE writes them)",
        "skipped: g.tsv: line 12 (id=l1): lat: 91 is outside -90..90",
        "skipped: g.tsv: line 13 (id=l2): lat: 92 is outside -90..90",
        "skipped 9 of 24 features",
        *(f"warning: g.tsv: line {n} (id=u{n - 14}): geometry: not located: not drawn"
          for n in range(14, 19)),
        "warning: g.tsv: … and 7 more: geometry: not located: not drawn "
        "(--verbose lists them, --report FILE writes them)",
        "12 of 24 features not located: not drawn",
    ]
    assert result.output.splitlines()[-1] == "ok: 3 places in 1 layer (12 not located)"


def test_verbose_lists_every_one(here: Path) -> None:
    gazetteer(here / "g.tsv")
    result = CliRunner().invoke(main, ["list", "g.tsv", "--skip-invalid", "--verbose",
                                       "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert sum(line.startswith("skipped: ") for line in lines) == 9
    assert sum(line.startswith("warning: ") for line in lines) == 12
    assert not any("more:" in line for line in lines)


def test_report_writes_every_feature_left_out(here: Path) -> None:
    gazetteer(here / "g.tsv")
    result = CliRunner().invoke(main, ["validate", "g.tsv", "--skip-invalid", "--report",
                                       "out/left.csv"])
    assert result.exit_code == 0, result.output
    assert "(--verbose lists them, all in out/left.csv)" in result.output
    rows = list(csv.DictReader(io.StringIO((here / "out" / "left.csv").read_text("utf-8"))))
    assert len(rows) == 21
    assert rows[0] == {"file": "g.tsv", "where": "line 5", "id": "d0", "field": "when",
                       "message": "'1900/1800' ends before it starts"}
    assert rows[-1] == {"file": "g.tsv", "where": "line 25", "id": "u11",
                        "field": "geometry", "message": "not located: not drawn"}


def test_report_of_a_clean_load_is_its_header_and_never_over_an_input(here: Path) -> None:
    gazetteer(here / "g.tsv", bad_dates=0, bad_lats=0, unlocated=0)
    runner = CliRunner()
    result = runner.invoke(main, ["validate", "g.tsv", "--report", "left.csv"])
    assert result.exit_code == 0, result.output
    assert (here / "left.csv").read_text("utf-8") == "file,where,id,field,message\n"
    before = (here / "g.tsv").read_bytes()
    result = runner.invoke(main, ["validate", "g.tsv", "--report", "g.tsv"])
    assert result.exit_code == 3
    assert "error: g.tsv: is also an input; choose another output file" in result.output
    assert (here / "g.tsv").read_bytes() == before


def test_a_failed_load_writes_no_report(here: Path) -> None:
    gazetteer(here / "g.tsv")
    result = CliRunner().invoke(main, ["validate", "g.tsv", "--report", "left.csv"])
    assert result.exit_code == 1
    assert not (here / "left.csv").exists()


@pytest.mark.parametrize(("field", "message", "kind"), [
    ("lat", "95.5 is outside -90..90", "lat: … is outside -90..90"),
    ("when[1]", "'2013/1986' ends before it starts", "when: … ends before it starts"),
    ("sources[0].url", "\"it's\" is not an http(s) URL", "sources.url: … is not an http(s) URL"),
    ("id", "duplicate id 'x', also at a.csv: line 3", "id: duplicate id …, also at a.csv: line …"),
    ("", "has 7 cells but the header has 6", "has … cells but the header has …"),
])
def test_a_kind_is_the_field_and_message_without_their_values(
    field: str, message: str, kind: str
) -> None:
    from mapgen.errors import Problem
    from mapgen.listing import kind as kind_of

    assert kind_of(Problem("a.csv", message, "line 2 (id=a)", field)) == kind
