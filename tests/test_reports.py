"""Maps for reports: fragments, iframes, offline pages, print, byte-identical output."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import mapgen
from mapgen.cli import main
from tests.conftest import OpenMap


def build(tmp_path: Path, name: str, *args: str) -> Path:
    out = tmp_path / name
    result = CliRunner().invoke(main, ["build", "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return out


def test_two_fragments_on_one_page_work_independently(open_map: OpenMap, tmp_path: Path) -> None:
    one = build(tmp_path, "hq.html", "--fragment", "--layer", "headquarters")
    two = build(tmp_path, "ev.html", "--fragment", "--layer", "events", "--height", "300px")
    for fragment in (one, two):
        text = fragment.read_text("utf-8")
        assert "<html" not in text and "<body" not in text and "<head" not in text
    page = tmp_path / "report.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Report</title></head><body>"
        "<h1>Report</h1><p>First map:</p>"
        + one.read_text("utf-8")
        + "<p>Second map:</p>"
        + two.read_text("utf-8")
        + "</body></html>",
        "utf-8",
    )
    mp = open_map(page)
    mp.page.wait_for_function(
        "() => document.querySelectorAll('.folium-map[data-mapgen-ready=true]').length === 2"
    )
    handles = "Array.from(document.querySelectorAll('.folium-map')).map(e => e.mapgen)"
    counts = mp.evaluate(f"{handles}.map(a => a.visible().length)")
    assert counts == [5, 24]
    heights = mp.evaluate(
        "Array.from(document.querySelectorAll('.folium-map'))"
        ".map(e => e.getBoundingClientRect().height)"
    )
    assert heights == [480, 300]
    # Filtering the second map leaves the first alone.
    mp.evaluate(f"{handles}[1].setPeriod(1981, 1981)")
    assert mp.evaluate(f"{handles}.map(a => a.visible().length)") == [5, 6]
    assert mp.evaluate(f"{handles}[0].visible()") == [
        "hq-ashraf-3",
        "hq-camp-ashraf",
        "hq-camp-liberty",
        "hq-paris",
        "hq-tehran",
    ]
    assert mp.evaluate("document.querySelectorAll('.mapgen-period-control').length") == 2
    assert mp.evaluate("getComputedStyle(document.body).margin") == "8px"  # host page untouched
    assert mp.console_errors == [] and mp.page_errors == []


def test_embed_prints_a_titled_responsive_iframe(tmp_path: Path) -> None:
    page = build(tmp_path, "map.html", "--title", "Moves & camps <1981>")
    result = CliRunner().invoke(main, ["embed", str(page), "--height", "600"])
    assert result.exit_code == 0
    assert result.output == (
        f'<iframe src="{page}" title="Moves &amp; camps &lt;1981&gt;" '
        'style="width: 100%; height: 600px; border: 0;" loading="lazy"></iframe>\n'
    )


def test_bad_fragment_height_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["build", "--fragment", "--height", "1px;}body{x", "-o", str(tmp_path / "f.html")]
    )
    assert result.exit_code == 2
    assert "must be a CSS length" in result.output
    assert not (tmp_path / "f.html").exists()


@pytest.mark.parametrize("args", [[], ["--fragment"], ["--from", "1981", "--to", "1990"]])
def test_same_input_gives_the_same_bytes_in_fresh_processes(
    tmp_path: Path, args: list[str]
) -> None:
    digests = set()
    for run in range(2):
        out = tmp_path / f"run{run}.html"
        subprocess.run(
            [sys.executable, "-m", "mapgen", "build", "-o", str(out), *args],
            check=True,
            capture_output=True,
        )
        digests.add(hashlib.sha256(out.read_bytes()).hexdigest())
    assert len(digests) == 1


def test_different_maps_get_different_element_ids(tmp_path: Path) -> None:
    one = mapgen.build_map(mapgen.load())
    two = mapgen.build_map(mapgen.select(mapgen.load(), layers=["events"]))
    assert one.get_name() != two.get_name()


def test_print_hides_controls_but_keeps_legend_and_period(
    open_map: OpenMap, tmp_path: Path
) -> None:
    page = build(tmp_path, "print.html", "--from", "1986", "--to", "2003")
    mp = open_map(page)
    mp.page.emulate_media(media="print")
    shown = mp.evaluate(
        """() => Object.fromEntries(
             ['.leaflet-control-zoom', '.leaflet-control-layers', '.mapgen-legend',
              '.mapgen-period-control']
             .map(s => [s, !!document.querySelector(s) &&
                           getComputedStyle(document.querySelector(s)).display !== 'none']))"""
    )
    assert shown == {
        ".leaflet-control-zoom": False,
        ".leaflet-control-layers": False,
        ".mapgen-legend": True,
        ".mapgen-period-control": True,
    }
    legend = mp.page.locator(".mapgen-legend").inner_text()
    assert "Period: 1986–2003" in legend  # in words, once
    buttons = mp.evaluate(
        "Array.from(document.querySelectorAll('.mapgen-period-control button'))"
        ".filter(b => b.offsetParent !== null).length"
    )
    assert buttons == 0


def test_self_contained_map_works_with_the_network_off(open_map: OpenMap, tmp_path: Path) -> None:
    page = build(tmp_path, "offline.html", "--self-contained")
    html = page.read_text("utf-8")
    assert "<script src=" not in html and '<link rel="stylesheet"' not in html
    mp = open_map(page, offline=True)
    assert len(mp.visible()) == 29
    assert (
        mp.evaluate(
            "document.querySelectorAll('.mapgen-basemap path, "
            ".leaflet-mapgen-basemap-pane path').length"
        )
        > 100
    )
    assert mp.page.locator(".leaflet-control-layers-overlays label").count() == 2
    assert "Headquarters" in mp.page.locator(".mapgen-legend").inner_text()
    mp.evaluate("window.mapgen.openPopup('hq-camp-liberty')")
    assert "2012–2016" in mp.page.locator(".leaflet-popup-content").inner_text()
    mp.set_period(1990, 2000)
    assert [i for i in mp.visible() if i.startswith("hq-")] == ["hq-camp-ashraf"]
    assert mp.page.locator(".mapgen-period-control").count() == 1
    # Only map tiles were asked for, and refused: no script, stylesheet or font.
    assert mp.page_errors == []
    assert mp.blocked_requests, "tiles are expected to be tried and blocked"
    assert all("arcgisonline.com" in url for url in mp.blocked_requests), mp.blocked_requests
    assert not any(e for e in mp.console_errors if "arcgisonline" not in e), mp.console_errors


def test_tiles_none_draws_only_the_offline_basemap(open_map: OpenMap, tmp_path: Path) -> None:
    page = build(tmp_path, "plain.html", "--tiles", "none")
    mp = open_map(page)
    assert mp.evaluate("document.querySelectorAll('img.leaflet-tile').length") == 0
    assert (
        mp.evaluate("document.querySelectorAll('.leaflet-mapgen-basemap-pane path').length") > 100
    )
    assert mp.blocked_requests == [] and mp.console_errors == []
