"""Filtering by period: when the map is built, and in the browser (Chromium)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import mapgen
from mapgen.cli import main
from mapgen.dates import days_from_civil
from mapgen.rules import slugify
from tests.conftest import OpenMap
from tests.helpers import feature, write_geojson

HQ = ["hq-ashraf-3", "hq-camp-ashraf", "hq-camp-liberty", "hq-paris", "hq-tehran"]


def headquarters(ids: list[str]) -> list[str]:
    return [i for i in ids if i.startswith("hq-")]


@pytest.fixture(scope="module")
def default_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("time") / "default.html"
    mapgen.save(mapgen.load(), path)
    return path


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (1990, 2000, ["hq-camp-ashraf"]),
        (2012, 2013, ["hq-camp-ashraf", "hq-camp-liberty", "hq-paris"]),
        (2020, 2020, ["hq-ashraf-3", "hq-paris"]),
        (1970, 1970, ["hq-tehran"]),
    ],
)
def test_browser_filter_on_the_default_dataset(
    open_map: OpenMap, default_map: Path, start: int, end: int, expected: list[str]
) -> None:
    mp = open_map(default_map)
    period = mp.set_period(start, end)
    assert period == {"from": f"{start}-01-01", "to": f"{end}-12-31"}
    assert headquarters(mp.visible()) == expected
    # The build-time filter agrees with the browser's.
    data = mapgen.load()
    view = mapgen.select(data, mapgen.period(data, start=str(start), end=str(end)))
    assert sorted(p.id for p in view.places) == mp.visible()


def test_script_interface_takes_iso_dates_and_single_dates(
    open_map: OpenMap, default_map: Path
) -> None:
    mp = open_map(default_map)
    assert mp.set_period("1981-06-27", "1981-06-29") == {"from": "1981-06-27", "to": "1981-06-29"}
    assert "ev-1981-06-28-hafte-tir" in mp.visible()
    assert "ev-1981-06-20-demonstration" not in mp.visible()
    assert mp.set_period("1988-06") == {"from": "1988-06-01", "to": "1988-06-30"}
    assert mp.evaluate("window.mapgen.period()") == {"from": "1988-06-01", "to": "1988-06-30"}
    # a month in words, as a date cell may be written (mapgen.datetext reads it so too)
    assert mp.set_period("June 1988", None) == {"from": "1988-06-01", "to": "1988-06-30"}
    with pytest.raises(Exception, match="not a date"):
        mp.set_period("midsummer 1988", None)


def test_layer_switched_off_stays_off_across_period_changes(
    open_map: OpenMap, default_map: Path
) -> None:
    mp = open_map(default_map)
    mp.page.locator(".leaflet-control-layers-overlays label", has_text="Headquarters").click()
    for start, end in ((1965, 1981), (1986, 2003), (2012, 2020)):
        mp.set_period(start, end)
        assert headquarters(mp.visible()) == []
        assert (
            mp.evaluate("document.querySelectorAll('.leaflet-mapgen-layer-0-pane path').length")
            == 0
        )
    assert mp.visible()  # events still shown
    mp.page.locator(".leaflet-control-layers-overlays label", has_text="Headquarters").click()
    assert headquarters(mp.visible()) == [
        "hq-ashraf-3",
        "hq-camp-ashraf",
        "hq-camp-liberty",
        "hq-paris",
    ]


def test_movement_segments_follow_the_window(open_map: OpenMap, default_map: Path) -> None:
    mp = open_map(default_map)
    mp.set_period(1990, 2000)
    assert mp.evaluate("window.mapgen.visibleMoves()") == []
    mp.set_period(1981, 1990)
    assert mp.evaluate("window.mapgen.visibleMoves()") == [
        "hq-tehran>hq-paris",
        "hq-paris>hq-camp-ashraf",
    ]


def test_bce_dates_filter_in_the_browser(open_map: OpenMap, tmp_path: Path) -> None:
    source = write_geojson(
        tmp_path / "ancient.geojson",
        [
            feature("athens", when=["-0500/-0300"], lon=23.7, lat=37.9),
            feature("rome", when=["-0100/0100"], lon=12.5, lat=41.9),
            feature("alexandria", when=["-0331/.."], lon=29.9, lat=31.2),
        ],
    )
    data = mapgen.load(source)
    out = mapgen.save(data, tmp_path / "ancient.html")
    mp = open_map(out)
    assert mp.set_period("-0400", "-0350") == {"from": "-0400-01-01", "to": "-0350-12-31"}
    assert mp.visible() == ["athens"]
    mp.set_period("-0050", "0050")
    assert mp.visible() == ["alexandria", "rome"]
    mp.set_period(-320, -310)
    assert mp.visible() == ["alexandria", "athens"]
    view = mapgen.select(data, mapgen.period(data, start="-0400", end="-0350"))
    assert [p.id for p in view.places] == ["athens"]
    # Python and the browser count days alike, BCE included.
    dates = [(-500, 1, 1), (-1, 12, 31), (0, 1, 1), (0, 2, 29), (-4713, 11, 24), (1582, 10, 15)]
    browser = mp.evaluate(
        "(ds) => ds.map(d => MapgenDates.daysFromCivil(d[0], d[1], d[2]))", dates
    )
    assert browser == [days_from_civil(*d) for d in dates]


def test_approximate_dates_widest_by_default_narrowest_when_strict(
    open_map: OpenMap, tmp_path: Path
) -> None:
    source = write_geojson(
        tmp_path / "fuzzy.geojson",
        [feature("about-2016", when=["2016~/.."]), feature("maybe-1986", when=["1986?/1990"])],
    )
    wide = mapgen.save(mapgen.load(source), tmp_path / "wide.html")
    strict_map = mapgen.build_map(mapgen.load(source), strict=True)
    strict = mapgen.save(strict_map, tmp_path / "strict.html")
    mp = open_map(wide)
    mp.set_period(2015, 2015)
    assert mp.visible() == ["about-2016"]
    mp.set_period(1985, 1985)
    assert mp.visible() == ["maybe-1986"]
    ms = open_map(strict)
    ms.set_period(2015, 2015)
    assert ms.visible() == []
    ms.set_period(1985, 1985)
    assert ms.visible() == []
    ms.set_period(2016, 2016)
    assert ms.visible() == ["about-2016"]


def test_build_time_period_leaves_places_out_and_titles_the_map(tmp_path: Path) -> None:
    out = tmp_path / "iraq.html"
    result = CliRunner().invoke(main, ["build", "--from", "1990", "--to", "2000", "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text("utf-8")
    assert "hq-camp-ashraf" in html and "hq-paris" not in html and "hq-tehran" not in html
    assert "— 1990–2000</title>" in html  # the period once, in words, at the precision given


def test_at_and_named_period_options(tmp_path: Path) -> None:
    runner = CliRunner()
    at = json.loads(runner.invoke(main, ["list", "--at", "2012", "--format", "json"]).output)
    assert headquarters(sorted(d["id"] for d in at)) == [
        "hq-camp-ashraf",
        "hq-camp-liberty",
        "hq-paris",
    ]
    named = json.loads(
        runner.invoke(main, ["list", "--period", "exile-france", "--format", "json"]).output
    )
    assert headquarters(sorted(d["id"] for d in named)) == [
        "hq-camp-ashraf",
        "hq-paris",
        "hq-tehran",
    ]
    clash = runner.invoke(main, ["list", "--at", "2012", "--from", "2010"])
    assert clash.exit_code == 2 and "only one of" in clash.output


def test_strict_build_time_filter(tmp_path: Path) -> None:
    source = write_geojson(tmp_path / "f.geojson", [feature("a", when=["2016~/.."])])
    data = mapgen.load(source)
    wide = mapgen.select(data, mapgen.period(data, at="2015"))
    strict = mapgen.select(data, mapgen.period(data, at="2015", strict=True))
    assert [p.id for p in wide.places] == ["a"] and strict.places == ()


def test_split_by_decade_writes_maps_and_an_index(tmp_path: Path) -> None:
    folder = tmp_path / "series"
    result = CliRunner().invoke(main, ["build", "--split", "decade", "-o", str(folder)])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in folder.iterdir())
    assert files[:3] == ["1960s.html", "1970s.html", "1980s.html"]
    assert "index.html" in files and "2010s.html" in files
    index = (folder / "index.html").read_text("utf-8")
    assert '<a href="1990s.html">1990s</a>' in index
    assert "1990-01-01 – 1999-12-31" in index
    nineties = (folder / "1990s.html").read_text("utf-8")
    assert "hq-camp-ashraf" in nineties and "hq-tehran" not in nineties


def test_split_by_named_period_slugifies_file_names(tmp_path: Path) -> None:
    source = write_geojson(
        tmp_path / "p.geojson",
        [feature("a", when=["1990/2000"])],
        periods={"../../etc/passwd": "1990/1995", "Exil à Paris": "1996/2000"},
    )
    folder = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["build", str(source), "--split", "period", "-o", str(folder)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == [
        "etc-passwd.html",
        "exil-a-paris.html",
        "index.html",
    ]
    assert not (tmp_path / "etc").exists()


def test_slugify_never_yields_a_path() -> None:
    for text in ("../..", "/etc/x", "a\\b", "...", "", "con.html"):
        slug = slugify(text)
        assert slug and "/" not in slug and "\\" not in slug and "." not in slug
