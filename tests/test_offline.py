"""A map opens anywhere: the default page carries Leaflet, mapgen's scripts and a basemap; its
Content-Security-Policy lets it make no request but its tiles; --cdn is the small opt-in, and
when its Leaflet does not arrive the page says so in words."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest

import mapgen
from mapgen.errors import OptionError
from mapgen.html.elements import tile_source
from mapgen.html.page import fragment_html, page_html
from tests.browser import MapPage, OpenMap

SAMPLE = Path(__file__).resolve().parent.parent / "mapdata" / "pmoi-headquarters.geojson"
TILE_HOST = "arcgisonline.com"  # the default tiles


def write(tmp_path: Path, name: str, **options: bool) -> Path:
    path = tmp_path / name
    path.write_text(page_html(mapgen.build_map(mapgen.load(SAMPLE), **options)), "utf-8")
    return path


def csp_errors(mp: MapPage) -> list[str]:
    return [e for e in mp.console_errors if "Content Security Policy" in e]


def use_the_map(mp: MapPage) -> None:
    """What a reader does: popups, the period, play, the timeline panel."""
    mp.evaluate("window.mapgen.openPopup('hq-camp-liberty')")
    assert "2012–2016" in mp.page.locator(".leaflet-popup-content").inner_text()
    mp.set_period(1990, 2000)
    mp.evaluate("window.mapgen.periodControl.play()")
    mp.page.wait_for_timeout(400)
    mp.evaluate("window.mapgen.periodControl.pause()")
    mp.evaluate("window.mapgen.periodControl.toggleTimeline(true)")
    mp.page.mouse.move(600, 400)
    mp.page.mouse.wheel(0, -300)
    mp.page.wait_for_timeout(300)


def assert_offline_map(mp: MapPage) -> None:
    basemap = "document.querySelectorAll('.leaflet-mapgen-basemap-pane path').length"
    assert mp.evaluate(basemap) > 100
    assert mp.page.locator(".mapgen-status").count() == 0
    use_the_map(mp)
    assert mp.page_errors == [] and mp.failed_requests == []
    assert csp_errors(mp) == []
    # Every request but the tiles was never made: only the tile host was tried (and refused).
    assert mp.blocked_requests and all(TILE_HOST in u for u in mp.blocked_requests)


@pytest.mark.parametrize("options", [{}, {"self_contained": True}], ids=["default", "self"])
def test_default_map_works_with_every_request_blocked(
    open_map: OpenMap, tmp_path: Path, options: dict[str, bool]
) -> None:
    page = write(tmp_path, "map.html", **options)
    html = page.read_text("utf-8")
    assert "<script src=" not in html and '<link rel="stylesheet"' not in html
    mp = open_map(page, offline=True)
    assert len(mp.visible()) == 29
    assert_offline_map(mp)


def test_policy_is_the_first_thing_in_the_head_and_refuses_other_requests(
    open_map: OpenMap, tmp_path: Path
) -> None:
    html = write(tmp_path, "map.html").read_text("utf-8")
    head = html[html.index("<head>") : html.index("</head>")]
    assert head.index('http-equiv="Content-Security-Policy"') < head.index("<script")
    policy = re.search(r'Content-Security-Policy" content="([^"]*)"', html)
    assert policy and "default-src &#x27;none&#x27;" in policy.group(1)
    assert "https://server.arcgisonline.com" in policy.group(1)
    mp = open_map(tmp_path / "map.html")
    mp.evaluate(
        """() => { const i = new Image(); i.src = 'https://example.org/x.png';
                   document.body.appendChild(i);
                   const s = document.createElement('script'); s.textContent = 'window.__ran = 1';
                   document.body.appendChild(s); }"""
    )
    mp.page.wait_for_timeout(200)
    assert mp.evaluate("window.__ran") is None
    assert len(csp_errors(mp)) == 2
    assert "https://example.org/x.png" not in mp.blocked_requests  # never reached the network


def test_cdn_map_is_small_and_clean_online(open_map: OpenMap, tmp_path: Path) -> None:
    page = write(tmp_path, "cdn.html", cdn=True)
    default = write(tmp_path, "map.html")
    html = page.read_text("utf-8")
    # Subresource Integrity: the hashes of the pinned package's files (the very bytes of npm's
    # leaflet@1.9.3, which the CDN serves), so a changed copy on the CDN is refused.
    from xstatic.pkg import leaflet

    def sri(name: str) -> str:
        data = (Path(leaflet.BASE_DIR) / name).read_bytes()
        return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()

    assert (
        '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" '
        f'integrity="{sri("leaflet.js")}" crossorigin="anonymous"></script>'
    ) in html
    assert (
        '<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css" '
        f'integrity="{sri("leaflet.css")}" crossorigin="anonymous">'
    ) in html
    assert '"basemap"' not in html
    assert page.stat().st_size < default.stat().st_size - 300_000
    mp = open_map(page)
    use_the_map(mp)
    assert mp.page_errors == [] and csp_errors(mp) == []
    assert mp.page.locator(".mapgen-status").count() == 0


def test_cdn_map_offline_says_why_it_is_missing(open_map: OpenMap, tmp_path: Path) -> None:
    mp = open_map(write(tmp_path, "cdn.html", cdn=True), offline=True, wait_ready=False)
    mp.page.wait_for_load_state("load")
    status = mp.page.locator(".mapgen-status")
    assert status.is_visible()
    assert "Leaflet" in status.inner_text() and "cdn.jsdelivr.net" in status.inner_text()


def test_cdn_and_self_contained_contradict() -> None:
    with pytest.raises(OptionError, match="choose one"):
        mapgen.build_map(mapgen.load(SAMPLE), cdn=True, self_contained=True)


def test_fragment_states_its_policy_and_works_under_it(open_map: OpenMap, tmp_path: Path) -> None:
    fragment = fragment_html(mapgen.build_map(mapgen.load(SAMPLE)))
    policy = re.match(r"<!-- .*?: (default-src [^>]*?) -->\n", fragment)
    assert policy, fragment[:300]
    host = tmp_path / "report.html"
    host.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f'<meta http-equiv="Content-Security-Policy" content="{policy.group(1)}">'
        f"</head><body><h1>Report</h1>{fragment}</body></html>",
        "utf-8",
    )
    mp = open_map(host, offline=True)
    assert_offline_map(mp)


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
         "https://*.basemaps.cartocdn.com"),
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://maps{s}.wien.gv.at/basemap/{z}/{y}/{x}.png", "https://*.wien.gv.at"),
    ],
)
def test_tile_source(url: str, source: str) -> None:
    assert tile_source(url) == source
