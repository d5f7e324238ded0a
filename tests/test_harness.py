"""Tests of the browser harness itself, on hand-written pages (no mapgen)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser

from tests.browser import (
    DialogRecord,
    MapgenNotReadyError,
    OpenMap,
    is_tile_url,
    leaflet_asset,
    screenshot_html,
    tile_png,
)

REPO = Path(__file__).resolve().parent.parent
LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
LEAFLET_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"
CARTO = "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png"

MAP_SCRIPT = f"""
const map = L.map('map').setView([52.37, 4.90], 10);
L.tileLayer('{CARTO}', {{subdomains: 'abcd', maxZoom: 19}}).addTo(map);
L.circleMarker([52.37, 4.90], {{radius: 8, color: 'red'}}).addTo(map);
L.marker([52.40, 4.95]).addTo(map);
window.mapgen = {{
  ready: true,
  visible: () => ["a"],
  period: null,
  setPeriod: (a, b) => {{ window.mapgen.period = [a, b]; return [a, b]; }},
}};
"""


def write_page(tmp_path: Path, script: str, *, head: str = "", name: str = "") -> Path:
    page = tmp_path / (name or "page.html")
    page.write_text(
        f"""<!DOCTYPE html>
<html><head><meta charset="utf-8">
<link rel="stylesheet" href="{LEAFLET_CSS}">
<script src="{LEAFLET_JS}"></script>
{head}
<style>html, body, #map {{ height: 100%; margin: 0; }}</style>
</head><body><div id="map"></div>
<script>{script}</script>
</body></html>
""",
        encoding="utf-8",
    )
    return page


@pytest.fixture
def leaflet_page(tmp_path: Path) -> Path:
    return write_page(tmp_path, MAP_SCRIPT)


# -- URL classification -------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://a.basemaps.cartocdn.com/light_all/10/525/336.png",
        "https://d.basemaps.cartocdn.com/light_all/10/525/336@2x.png",
        "https://tile.openstreetmap.org/3/4/2.png",
        "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/5/10/16",
        "https://tiles.example.org/base/7/64/42.jpg",
    ],
)
def test_tile_urls_recognised(url: str) -> None:
    assert is_tile_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.invalid/data.json",
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js",
        "https://code.jquery.com/jquery-3.7.1.min.js",
        "file:///tmp/1/2/3.png",
    ],
)
def test_non_tile_urls_not_recognised(url: str) -> None:
    assert not is_tile_url(url)


def test_leaflet_assets_resolved_only_for_installed_version() -> None:
    js = leaflet_asset(LEAFLET_JS)
    assert js is not None and js.name == "leaflet.js"
    css = leaflet_asset("https://unpkg.com/leaflet@1.9.3/dist/leaflet.css")
    assert css is not None and css.name == "leaflet.css"
    icon = leaflet_asset("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/images/marker-icon.png")
    assert icon is not None and icon.read_bytes()[:4] == b"\x89PNG"
    assert leaflet_asset("https://cdn.jsdelivr.net/npm/leaflet@1.7.1/dist/leaflet.js") is None
    assert leaflet_asset("https://cdn.jsdelivr.net/npm/other/dist/leaflet.js") is None
    assert leaflet_asset("https://code.jquery.com/jquery-3.7.1.min.js") is None


def test_tile_png_is_256_square() -> None:
    with Image.open(io.BytesIO(tile_png())) as img:
        assert img.size == (256, 256)
        assert img.format == "PNG"


# -- Online (served) mode -----------------------------------------------------


def test_leaflet_and_tiles_served_locally(open_map: OpenMap, leaflet_page: Path) -> None:
    mp = open_map(leaflet_page)
    assert mp.evaluate("typeof L") == "object"
    assert mp.evaluate("L.version") == "1.9.3"
    # leaflet.css applied: panes get their z-index from it
    z = mp.evaluate("getComputedStyle(document.querySelector('.leaflet-overlay-pane')).zIndex")
    assert z == "400"
    mp.wait_tiles()
    tiles = mp.evaluate(
        "Array.from(document.querySelectorAll('img.leaflet-tile')).map(i => i.naturalWidth)"
    )
    assert tiles and all(w == 256 for w in tiles)
    assert any("basemaps.cartocdn.com" in u for u in mp.served_requests)
    # default marker icon resolved against the CDN path and served
    assert mp.evaluate("document.querySelector('img.leaflet-marker-icon').naturalWidth") == 25
    assert mp.console_errors == []
    assert mp.page_errors == []
    assert mp.failed_requests == []
    assert mp.blocked_requests == []
    assert mp.dialogs == []
    mp.assert_clean()


def test_mapgen_helpers(open_map: OpenMap, leaflet_page: Path) -> None:
    mp = open_map(leaflet_page)
    assert mp.is_ready()
    assert mp.visible() == ["a"]
    assert mp.set_period(1981, 1990) == [1981, 1990]
    assert mp.evaluate("window.mapgen.period") == [1981, 1990]
    assert mp.set_period("1985") == ["1985", None]


def test_url_hash_and_set_hash(open_map: OpenMap, leaflet_page: Path) -> None:
    mp = open_map(leaflet_page, url_hash="#from=1981&to=1990")
    assert mp.evaluate("location.hash") == "#from=1981&to=1990"
    mp.evaluate("window.seen = []; addEventListener('hashchange', () => seen.push(location.hash))")
    mp.set_hash("from=2001&to=2010")
    assert mp.evaluate("window.seen") == ["#from=2001&to=2010"]


def test_unknown_host_fetch_blocked_and_recorded(open_map: OpenMap, leaflet_page: Path) -> None:
    mp = open_map(leaflet_page)
    outcome = mp.evaluate(
        """() => fetch('https://example.invalid/data.json')
                 .then(() => 'loaded', e => 'rejected: ' + e.name)"""
    )
    assert outcome == "rejected: TypeError"
    assert mp.blocked_requests == ["https://example.invalid/data.json"]
    assert mp.failed_requests == []  # blocked ones are not double-counted
    with pytest.raises(AssertionError, match=r"example\.invalid"):
        mp.assert_clean()
    assert any("example.invalid" in e for e in mp.console_errors)
    mp.assert_clean(allow_blocked=True)


def test_other_leaflet_version_is_not_served(open_map: OpenMap, tmp_path: Path) -> None:
    old = "https://cdn.jsdelivr.net/npm/leaflet@1.7.1/dist/leaflet.js"
    page = tmp_path / "old.html"
    page.write_text(f'<html><head><script src="{old}"></script></head></html>')
    mp = open_map(page, wait_ready=False)
    assert mp.evaluate("typeof L") == "undefined"
    assert mp.blocked_requests == [old]


def test_websocket_blocked(open_map: OpenMap, leaflet_page: Path) -> None:
    mp = open_map(leaflet_page)
    mp.evaluate(
        """() => new Promise(resolve => {
            const ws = new WebSocket('wss://example.invalid/socket');
            ws.onclose = () => resolve();
        })"""
    )
    assert "wss://example.invalid/socket" in mp.blocked_requests


def test_sibling_files_allowed_online(open_map: OpenMap, tmp_path: Path) -> None:
    (tmp_path / "side.js").write_text("window.sideLoaded = true;")
    page = write_page(tmp_path, "", head='<script src="side.js"></script>')
    mp = open_map(page, wait_ready=False)
    assert mp.evaluate("window.sideLoaded") is True
    assert mp.blocked_requests == []


# -- Offline mode ---------------------------------------------------------------


def test_offline_blocks_cdn_and_records(open_map: OpenMap, leaflet_page: Path) -> None:
    mp = open_map(leaflet_page, offline=True, wait_ready=False)
    assert mp.evaluate("typeof L") == "undefined"
    assert LEAFLET_JS in mp.blocked_requests
    assert LEAFLET_CSS in mp.blocked_requests
    assert mp.served_requests == []
    assert any("L is not defined" in e for e in mp.page_errors)
    assert mp.failed_requests == []


def test_offline_blocks_sibling_files(open_map: OpenMap, tmp_path: Path) -> None:
    (tmp_path / "side.js").write_text("window.sideLoaded = true;")
    page = tmp_path / "p.html"
    page.write_text('<html><head><script src="side.js"></script></head></html>')
    mp = open_map(page, offline=True, wait_ready=False, url_hash="from=1&to=2")
    assert mp.evaluate("window.sideLoaded") is None
    assert mp.blocked_requests == [(tmp_path / "side.js").as_uri()]


def test_offline_self_contained_page_works(open_map: OpenMap, tmp_path: Path) -> None:
    page = tmp_path / "inline.html"
    page.write_text(
        "<html><body><script>"
        "window.mapgen = {ready: true, visible: () => ['inline']};"
        "</script></body></html>"
    )
    mp = open_map(page, offline=True)
    assert mp.visible() == ["inline"]
    mp.assert_clean()


# -- Readiness, errors, dialogs -------------------------------------------------


def test_not_ready_error_includes_console_errors(open_map: OpenMap, tmp_path: Path) -> None:
    page = write_page(tmp_path, "console.error('boom from page'); window.mapgen = {};")
    with pytest.raises(MapgenNotReadyError) as info:
        open_map(page, timeout_ms=1_000)
    message = str(info.value)
    assert "window.mapgen.ready" in message
    assert "boom from page" in message


def test_offline_leaflet_page_never_ready(open_map: OpenMap, leaflet_page: Path) -> None:
    with pytest.raises(MapgenNotReadyError, match="L is not defined"):
        open_map(leaflet_page, offline=True, timeout_ms=1_000)


def test_console_and_page_errors_collected(open_map: OpenMap, tmp_path: Path) -> None:
    page = write_page(
        tmp_path,
        "console.error('bad thing'); console.log('fine');"
        "setTimeout(() => { throw new RangeError('kaboom'); }, 0);",
    )
    mp = open_map(page, wait_ready=False)
    mp.page.wait_for_timeout(100)
    assert len(mp.console_errors) == 1
    assert mp.console_errors[0].startswith("bad thing")
    assert mp.page_errors == ["RangeError: kaboom"]
    assert any(m.startswith("log: fine") for m in mp.console_messages)


def test_dialogs_recorded_and_dismissed(open_map: OpenMap, leaflet_page: Path) -> None:
    mp = open_map(leaflet_page)
    mp.evaluate("alert('hello there')")
    answer = mp.evaluate("confirm('sure?')")
    assert answer is False
    assert mp.dialogs == [
        DialogRecord("alert", "hello there"),
        DialogRecord("confirm", "sure?"),
    ]
    with pytest.raises(AssertionError, match="hello there"):
        mp.assert_clean()


def test_alert_during_load_recorded(open_map: OpenMap, tmp_path: Path) -> None:
    page = write_page(tmp_path, "alert('on load'); " + MAP_SCRIPT)
    mp = open_map(page)
    assert mp.dialogs == [DialogRecord("alert", "on load")]


def test_missing_sibling_file_is_a_failed_request(open_map: OpenMap, tmp_path: Path) -> None:
    page = write_page(tmp_path, "", head='<script src="absent.js"></script>')
    mp = open_map(page, wait_ready=False)
    assert mp.blocked_requests == []
    assert len(mp.failed_requests) == 1
    assert mp.failed_requests[0].startswith((tmp_path / "absent.js").as_uri())


def test_tiles_dropped_by_leaflet_are_cancelled_not_failed(
    open_map: OpenMap, tmp_path: Path
) -> None:
    page = write_page(tmp_path, MAP_SCRIPT + "map.setZoom(2); map.setZoom(12);")
    mp = open_map(page)
    mp.wait_tiles()
    assert mp.failed_requests == []
    assert all(is_tile_url(u) for u in mp.cancelled_requests)
    mp.assert_clean()


def test_missing_file_raises(open_map: OpenMap, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        open_map(tmp_path / "nope.html")


# -- Screenshots ----------------------------------------------------------------


def test_map_page_screenshot(open_map: OpenMap, leaflet_page: Path, tmp_path: Path) -> None:
    mp = open_map(leaflet_page, viewport=(640, 480))
    out = tmp_path / "shots" / "a.png"
    data = mp.screenshot(out)
    assert out.read_bytes() == data
    with Image.open(out) as img:
        assert img.size == (640, 480)


def test_screenshot_html_function(browser: Browser, leaflet_page: Path, tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    mp = screenshot_html(leaflet_page, out, viewport=(1200, 800), browser=browser)
    assert mp.problems() == {}
    with Image.open(out) as img:
        assert img.size == (1200, 800)
        rgb = img.convert("RGB")
        # the red circle marker was drawn in the centre of the map
        colors = rgb.crop((560, 360, 640, 440)).getcolors(maxcolors=80 * 80) or []
        reds = [c for _, c in colors if c[0] > 200 and c[1] < 80 and c[2] < 80]
        assert reds


@pytest.mark.browser  # Chromium in a subprocess, not through the fixtures
def test_screenshot_cli(leaflet_page: Path, tmp_path: Path) -> None:
    out = tmp_path / "cli.png"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.browser",
            "screenshot",
            str(leaflet_page),
            str(out),
            "--viewport",
            "800x600",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    with Image.open(out) as img:
        assert img.size == (800, 600)
