"""Maps in real report sites (issue 21), opened offline in Chromium: an MkDocs site built with
Material for MkDocs (instant navigation on), a page passed through pandoc (as Quarto does), a
page under a deliberately unfriendly stylesheet, and the hash, the script handle and the
notebook display as a report author meets them. Each host page has a Content-Security-Policy
built from the fragments' first-line comments and the host's own inline code: no violation.

With MAPGEN_SCREENSHOTS=docs, the site's screenshots (1280x800, 390x740) are written to docs/.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pypandoc
import pytest

import mapgen
from mapgen.html.page import fragment_html
from tests.browser import MapPage, open_page
from tests.conftest import OpenMap

if TYPE_CHECKING:
    from playwright.sync_api import Browser

INLINE = re.compile(r"<(script|style)>(.*?)</\1>", re.S)
POLICY = re.compile(r"<!-- mapgen [^\n]*?: (default-src [^\n]*?) -->")
UNFRIENDLY = Path(__file__).resolve().parent / "data" / "unfriendly-site.css"
SCREENSHOTS = os.environ.get("MAPGEN_SCREENSHOTS")

# Both maps drawn: ready, with marks a reader can point at (the points are pixels of the map's
# canvas: under each point's centre, that canvas, painted there, not clipped away, not covered
# by anything else).
MAPS_READY = "(n) => document.querySelectorAll('.folium-map[data-mapgen-ready=true]').length === n"
MARKS = """(container) => {
  const app = container.mapgen, drawn = app.renderer.canvas ? app.renderer.canvas.layers : [];
  const frame = container.getBoundingClientRect();
  let n = 0;
  for (const layer of drawn) {
    const canvas = layer.canvas, box = canvas.getBoundingClientRect();
    if (box.width < 4 || box.height < 4) continue;
    const ratio = canvas.width / box.width, ctx = canvas.getContext('2d');
    for (let j = 0; j < layer.drawnCount; j++) {
      const p = app.map.layerPointToContainerPoint([layer.xs[j], layer.ys[j]]);
      const x = frame.left + p.x, y = frame.top + p.y;
      if (document.elementFromPoint(x, y) !== canvas) continue;
      const u = Math.round((x - box.left) * ratio), v = Math.round((y - box.top) * ratio);
      if (ctx.getImageData(u, v, 1, 1).data[3] > 0) n++;
    }
  }
  return n;
}"""


def layer_sizes(*layers: str) -> list[int]:
    """How many places of the default dataset each layer holds (every map here is one layer,
    or all of them: no layer named)."""
    data = mapgen.load()
    return [len(mapgen.select(data, layers=[layer] if layer else None).places)
            for layer in layers]


def marks_drawn(mp: MapPage) -> list[int]:
    """How many marks each map shows where the reader sees them (scrolled into view)."""
    counts = []
    for number in range(mp.page.locator(".folium-map").count()):
        container = mp.page.locator(".folium-map").nth(number)
        container.scroll_into_view_if_needed()
        counts.append(container.evaluate(MARKS))
    return counts


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def host_policy(page: str, own: str) -> str:
    """The policy a host page sets: the sources of the mapgen comments in it, and its own
    inline scripts and styles (those in *own*, the part of the page outside its content)."""
    directives: dict[str, list[str]] = {
        "default-src": ["'none'"], "script-src": ["'self'"], "style-src": ["'self'"],
        "img-src": ["'self'", "data:"], "font-src": ["'self'"], "connect-src": ["'self'"],
        "base-uri": ["'none'"], "form-action": ["'none'"],
    }
    for kind, body in INLINE.findall(own):
        directives[f"{kind}-src"].append(csp_hash(body))
    for comment in POLICY.findall(page):
        for directive in comment.split("; "):
            name, *values = directive.split()
            directives[name] += [v for v in values if v not in directives[name] + ["'none'"]]
    return "; ".join(" ".join([name, *values]) for name, values in directives.items())


def with_policy(page: str, start: str, end: str) -> str:
    """*page* with its policy as the head's first element; its content lies between the
    markers *start* and *end*, the rest is the host's own."""
    before, found, rest = page.partition(start)
    _, found_end, after = rest.partition(end)
    assert found and found_end, (start, end)
    policy = host_policy(page, before + after)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy)}">'
    return page.replace("<head>", "<head>" + meta, 1)


def csp_errors(mp: MapPage) -> list[str]:
    return [e for e in mp.console_errors if "Content Security Policy" in e]


def periods(mp: MapPage) -> list[dict[str, str]]:
    return mp.evaluate("Array.from(document.querySelectorAll('.folium-map'))"
                       ".map((c) => c.mapgen.period())")


def shoot(mp: MapPage, name: str) -> None:
    if SCREENSHOTS:
        mp.page.evaluate("window.scrollTo(0, 0)")
        mp.page.wait_for_timeout(500)  # Material's header settles
        mp.screenshot(Path(SCREENSHOTS) / name)


# --- an MkDocs site with Material ----------------------------------------------------------

MKDOCS_YML = """site_name: Maps in a report
site_url: http://site.mapgen.test/
theme:
  name: material
  font: false
  features: [{features}]
plugins: [search]
markdown_extensions:
  - toc:
      permalink: true
  - footnotes
  - attr_list
  - md_in_html
  - pymdownx.snippets:
      base_path: [maps]
      check_paths: true
nav:
  - Report: index.md
  - Events: events.md
"""

INDEX_MD = """# Headquarters and events

Read about [the events](#dated-events) below, or see the note[^1].

--8<-- "assets.html"

## Headquarters

Where the organisation's headquarters were.

--8<-- "hq.html"

{filler}

## Dated events

The events, pasted into this page as they are:

{events}
{filler}

[^1]: Both maps keep their own period.
"""

EVENTS_MD = """# Events

--8<-- "assets.html"

--8<-- "events.html"
"""


def fragments(folder: Path) -> dict[str, Path]:
    """The fragments of the report: two maps with shared assets, and the assets."""
    folder.mkdir(parents=True, exist_ok=True)
    data = mapgen.load()
    made = {"assets": mapgen.save_assets(folder / "assets.html")}
    for name, layer, height in (("hq", "headquarters", None), ("events", "events", "360px")):
        fmap = mapgen.build_map(mapgen.select(data, layers=[layer]))
        made[name] = mapgen.save(fmap, folder / f"{name}.html", fragment=True, height=height,
                                 shared_assets=True)
    return made


@pytest.fixture(scope="module")
def mkdocs_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The report as an MkDocs site with Material, built once (offline) as it comes and once
    with instant navigation, each page given the policy its maps' comments and its own
    inline code make. (With instant navigation, Material 9.8 fetches and swaps the page on
    the first in-page link followed: the maps start again there, as on a reload.)"""
    root = tmp_path_factory.mktemp("mkdocs")
    made = fragments(root / "maps")
    filler = "\n\n".join(f"Paragraph {n} of the report's text." for n in range(12))
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text(
        INDEX_MD.format(filler=filler, events=made["events"].read_text("utf-8")), "utf-8")
    (root / "docs" / "events.md").write_text(EVENTS_MD, "utf-8")
    sites = {}
    for name, features in (("plain", ""), ("instant", "navigation.instant")):
        (root / "mkdocs.yml").write_text(MKDOCS_YML.format(features=features), "utf-8")
        site = sites[name] = root / f"site-{name}"
        built = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
            cwd=root, capture_output=True, text=True, check=False,
        )
        assert built.returncode == 0, built.stderr
        for page in site.rglob("index.html"):
            text = page.read_text("utf-8")
            page.write_text(with_policy(text, '<article class="md-content__inner md-typeset">',
                                        "</article>"), "utf-8")
    return sites


def open_site(browser: Browser, site: Path, viewport: tuple[int, int], maps: int) -> MapPage:
    mp = open_page(browser, site, site=site, viewport=viewport, wait_ready=False)
    mp.page.wait_for_function(MAPS_READY, arg=maps)
    return mp


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 740)], ids=["desktop", "phone"])
def test_an_mkdocs_material_site_draws_both_maps_under_its_policy(
    browser: Browser, mkdocs_sites: dict[str, Path], viewport: tuple[int, int]
) -> None:
    page = (mkdocs_sites["plain"] / "index.html").read_text("utf-8")
    assert page.count("<!-- mapgen map fragment") == 2 and "<!-- mapgen assets" in page
    assert "Content-Security-Policy" in page
    mp = open_site(browser, mkdocs_sites["plain"], viewport, maps=2)
    try:
        assert marks_drawn(mp) == layer_sizes("headquarters", "events")
        svgs = mp.evaluate("Array.from(document.querySelectorAll("
                           "'.folium-map .leaflet-pane :is(svg, canvas)'))"
                           ".map((s) => s.getBoundingClientRect().width)")
        assert len(svgs) >= 4 and min(svgs) > 300, svgs  # basemaps, paths, points
        legend = mp.page.locator(".mapgen-legend-layers li").first
        if legend.is_visible():
            assert legend.evaluate("(li) => getComputedStyle(li).listStyleType") == "none"
        assert csp_errors(mp) == [] and mp.page_errors == [], mp.report()
        assert mp.evaluate("getComputedStyle(document.querySelector('.mapgen-fragment'))"
                           ".marginBottom") != "0px"
        shoot(mp, f"report-mkdocs-{viewport[0]}x{viewport[1]}.png")
    finally:
        mp.close()


def test_each_map_keeps_its_period_and_the_page_its_anchors(
    browser: Browser, mkdocs_sites: dict[str, Path]
) -> None:
    mp = open_site(browser, mkdocs_sites["plain"], (1280, 800), maps=2)
    try:
        maps = "Array.from(document.querySelectorAll('.folium-map')).map((c) => c.mapgen)"
        mp.evaluate(f"{maps}[1].setPeriod(1981, 1981)")
        mp.evaluate(f"{maps}[0].setPeriod(1986, 2003)")
        expected = [{"from": "1986-01-01", "to": "2003-12-31"},
                    {"from": "1981-01-01", "to": "1981-12-31"}]
        assert periods(mp) == expected
        # A link of the text and one of the table of contents: the anchor, and the periods, stay.
        mp.page.locator("article a[href$='#dated-events']").first.click()
        mp.page.wait_for_function("() => location.hash === '#dated-events'")
        mp.page.wait_for_timeout(400)
        assert periods(mp) == expected
        mp.evaluate(f"{maps}[0].map.panBy([120, 40], {{animate: false}})")
        mp.page.locator("a.footnote-ref").first.click()
        mp.page.wait_for_function("() => location.hash.startsWith('#fn')")
        mp.evaluate(f"{maps}[1].map.panBy([-80, 20], {{animate: false}})")
        mp.page.wait_for_timeout(400)
        assert mp.evaluate("location.hash").startswith("#fn")  # no map wrote over it
        assert periods(mp) == expected
        assert csp_errors(mp) == [] and mp.page_errors == [], mp.report()
    finally:
        mp.close()


def test_window_mapgen_follows_material_instant_navigation(
    browser: Browser, mkdocs_sites: dict[str, Path]
) -> None:
    mp = open_site(browser, mkdocs_sites["instant"], (1280, 800), maps=2)
    try:
        first = mp.evaluate("document.querySelector('.folium-map').id")
        assert mp.evaluate("window.mapgen.container.id") == first
        mp.page.locator("a.md-nav__link[href$='events/']").first.click()
        mp.page.wait_for_function("() => location.pathname === '/events/'")
        mp.page.wait_for_function(MAPS_READY, arg=1)
        assert mp.evaluate("document.title").startswith("Events")
        assert mp.evaluate("performance.getEntriesByType('navigation').length") == 1  # no reload
        other = mp.evaluate("document.querySelector('.folium-map').id")
        assert other != first
        assert mp.evaluate("window.mapgen.container.id") == other
        assert mp.evaluate("document.contains(window.mapgen.container)")
        assert mp.evaluate("window.mapgen.visible().length") == layer_sizes("events")[0]
        assert csp_errors(mp) == [] and mp.page_errors == [], mp.report()
    finally:
        mp.close()


# --- a page through pandoc, as Quarto includes a fragment ---------------------------------

@pytest.fixture(scope="module")
def pandoc_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Markdown with two whole fragments pasted in (no raw block: Quarto's include), made a
    standalone page by pandoc, with the policy from the fragments' comments."""
    folder = tmp_path_factory.mktemp("pandoc")
    data = mapgen.load()
    hq = fragment_html(mapgen.build_map(mapgen.select(data, layers=["headquarters"])))
    events = fragment_html(mapgen.build_map(mapgen.select(data, layers=["events"])), "360px")
    filler = "\n\n".join(f"Paragraph {n} of the report's text." for n in range(12))
    text = (f"# Headquarters\n\nSee [the events](#dated-events).\n\n{hq}\n{filler}\n\n"
            f"# Dated events\n\n{events}\n{filler}\n")
    page = pypandoc.convert_text(text, "html", format="markdown",
                                 extra_args=["--standalone", "--toc", "--metadata=title:Report"])
    path = folder / "report.html"
    path.write_text(with_policy(page, "<body>", "</body>"), "utf-8")
    return path


def test_a_pandoc_page_draws_both_maps_under_its_policy(
    open_map: OpenMap, pandoc_page: Path
) -> None:
    mp = open_map(pandoc_page, wait_ready=False)
    mp.page.wait_for_function(MAPS_READY, arg=2)
    assert marks_drawn(mp) == layer_sizes("headquarters", "events")
    maps = "Array.from(document.querySelectorAll('.folium-map')).map((c) => c.mapgen)"
    mp.evaluate(f"{maps}[1].setPeriod(1981, 1981)")
    expected = [None, {"from": "1981-01-01", "to": "1981-12-31"}]
    mp.page.locator("nav#TOC a[href='#dated-events']").click()
    mp.page.wait_for_function("() => location.hash === '#dated-events'")
    mp.page.wait_for_timeout(400)
    got = periods(mp)
    assert got[1] == expected[1] and got[0] != got[1]
    assert got[0]["from"] == "1965-01-01"  # the first map still shows all its period
    assert csp_errors(mp) == [] and mp.page_errors == [], mp.report()


# --- an unfriendly stylesheet --------------------------------------------------------------

def test_a_sites_css_does_not_reach_into_the_map(open_map: OpenMap, tmp_path: Path) -> None:
    """Material's real stylesheet, normalize.css-, Bootstrap- and JupyterLab-style rules and a
    150% root font, over a fragment in Material's and JupyterLab's content classes."""
    from material import templates

    material = next((Path(templates.__file__).parent / "assets" / "stylesheets")
                    .glob("main.*.min.css"))
    fragment = fragment_html(mapgen.build_map(mapgen.load()))
    page = tmp_path / "unfriendly.html"
    page.write_text(
        "<!DOCTYPE html><html lang='en' dir='ltr'><head><meta charset='utf-8'>"
        f"<link rel='stylesheet' href='{material.as_uri()}'>"
        f"<link rel='stylesheet' href='{UNFRIENDLY.as_uri()}'></head><body>"
        "<article class='md-content__inner md-typeset jp-RenderedHTMLCommon'>"
        f"<h1>Report</h1><p>Text.</p>{fragment}<p>After.</p></article></body></html>", "utf-8")
    mp = open_map(page, viewport=(1280, 800))
    sizes = mp.evaluate("""() => Array.from(document.querySelectorAll(
        '.leaflet-mapgen-basemap-pane svg, [class*=leaflet-mapgen-layer] svg'))
        .map((s) => s.getBoundingClientRect()).map((r) => [r.width > 500, r.height > 400])""")
    assert sizes and all(all(pair) for pair in sizes), sizes
    assert marks_drawn(mp) == layer_sizes("")
    styles = mp.evaluate("""() => {
      const c = document.querySelector('.folium-map'), q = (s) => c.querySelector(s);
      const css = (s, p) => getComputedStyle(q(s))[p];
      return {font: getComputedStyle(c).fontSize, box: css('.mapgen-legend', 'boxSizing'),
              bullet: css('.mapgen-legend-layers li', 'listStyleType'),
              indent: css('.mapgen-legend-layers li', 'marginLeft'),
              search: Math.round(q('.mapgen-search').getBoundingClientRect().height),
              more: q('.mapgen-legend-more').getBoundingClientRect().bottom <=
                    q('.mapgen-legend').getBoundingClientRect().bottom};
    }""")
    assert styles == {"font": "12px", "box": "content-box", "bullet": "none", "indent": "0px",
                      "search": styles["search"], "more": True}
    assert styles["search"] < 50  # no empty list under the box
    mp.evaluate("window.mapgen.openPopup('hq-camp-liberty')")
    popup = mp.evaluate("""() => { const h = document.querySelector('.mapgen-popup h3');
        return [getComputedStyle(h).fontSize, getComputedStyle(h).marginTop]; }""")
    assert popup == ["15px", "0px"]
    assert mp.console_errors == [] and mp.page_errors == []


# --- shared assets, missing or late --------------------------------------------------------

def page_of(tmp_path: Path, name: str, *parts: str) -> Path:
    path = tmp_path / name
    path.write_text("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'></head><body>"
                    "<h1>Report</h1>" + "".join(parts) + "<p>End.</p></body></html>", "utf-8")
    return path


def test_a_fragment_without_its_assets_says_so(open_map: OpenMap, tmp_path: Path) -> None:
    made = fragments(tmp_path / "maps")
    alone = page_of(tmp_path, "alone.html", made["hq"].read_text("utf-8"))
    mp = open_map(alone, wait_ready=False)
    mp.page.wait_for_load_state("load")
    status = mp.page.locator(".mapgen-status")
    assert status.is_visible()
    assert "mapgen assets" in status.inner_text() and "--shared-assets" in status.inner_text()
    assert mp.page_errors == []
    # Written after the maps, as a site's footer might: the maps start once the page is read.
    late = page_of(tmp_path, "late.html", made["hq"].read_text("utf-8"),
                   made["events"].read_text("utf-8"), made["assets"].read_text("utf-8"))
    mp = open_map(late, wait_ready=False)
    mp.page.wait_for_function(MAPS_READY, arg=2)
    assert marks_drawn(mp) == layer_sizes("headquarters", "events") and mp.page_errors == []


# --- the hash of a page ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def short_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A page cut to 1981-1986."""
    data = mapgen.load()
    view = mapgen.select(data, mapgen.period(data, start="1981", end="1986"))
    return mapgen.save(mapgen.build_map(view), tmp_path_factory.mktemp("short") / "map.html")


def test_a_page_ignores_hash_changes_that_are_not_its_own(
    open_map: OpenMap, short_map: Path
) -> None:
    mp = open_map(short_map, url_hash="from=1983&to=1984")
    assert mp.evaluate("window.mapgen.period()") == {"from": "1983-01-01", "to": "1984-12-31"}
    mp.set_hash("#section-1")  # an in-page link
    assert mp.evaluate("window.mapgen.period()") == {"from": "1983-01-01", "to": "1984-12-31"}
    mp.evaluate("window.mapgen.map.panBy([100, 50], {animate: false})")
    mp.set_period(1982, 1982)
    mp.page.wait_for_timeout(700)
    assert mp.evaluate("location.hash") == "#section-1"  # still scrolls to its section
    mp.set_hash("#from=1985")  # mapgen's own keys still work
    assert mp.evaluate("window.mapgen.period()") == {"from": "1985-01-01", "to": "1986-12-31"}


def test_a_period_outside_the_data_is_said_and_kept_on_reload(
    open_map: OpenMap, short_map: Path
) -> None:
    """Reported as asked (a place of the cut map may run on past its period), and the same
    after a reload: not 1986-12-31 alone."""
    mp = open_map(short_map)
    assert mp.set_period(1990, 2000) == {"from": "1990-01-01", "to": "2000-12-31"}
    mp.page.wait_for_function("() => location.hash === '#from=1990&to=2000'")
    again = open_map(short_map, url_hash=mp.evaluate("location.hash"))
    assert again.evaluate("window.mapgen.period()") == {"from": "1990-01-01",
                                                        "to": "2000-12-31"}
    assert again.visible() == mp.visible() == ["hq-camp-ashraf"]
    assert any("lies outside the map's period, 1981-01-01 to 1986-12-31" in m
               for m in mp.console_messages if m.startswith("warning"))


# --- a notebook --------------------------------------------------------------------------------

def test_a_notebook_cell_shows_the_map_480px_high_and_narrow_on_a_phone(
    open_map: OpenMap, tmp_path: Path
) -> None:
    cell = mapgen.build_map(mapgen.load())._repr_html_()
    page = page_of(tmp_path, "notebook.html", f"<div style='max-width: 100%'>{cell}</div>")
    mp = open_map(page, viewport=(390, 740), wait_ready=False)
    frame = mp.page.frame_locator("iframe")
    frame.locator(".folium-map[data-mapgen-ready=true]").wait_for()
    box = mp.page.locator("iframe").bounding_box()
    assert box and round(box["height"]) == 480 and box["width"] < 400
    assert "mapgen-narrow" in (frame.locator(".folium-map").get_attribute("class") or "")

