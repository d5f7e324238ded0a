"""Untrusted data: text from a dataset is only ever text.

* No text from data is interpreted by a template engine (folium renders element output as Jinja
  a second time): code in a name must not run, ``{{ 7*7 }}`` must show as ``{{ 7*7 }}``.
* No text from data becomes HTML or script in the browser: a corpus of hostile strings
  (tests/data/payloads.json) goes into every text field of a map, and the map must run none of
  it, request nothing because of it, and show every string literally wherever it appears.
* Links are http(s) only; layer colours are colours.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import mapgen
from mapgen.cli import main
from mapgen.model import property_text
from tests.conftest import OpenMap
from tests.helpers import build, feature, write_geojson

CORPUS = json.loads((Path(__file__).parent / "data" / "payloads.json").read_text("utf-8"))
MARKER = "@MARKER@"  # replaced by a path that a payload run by a template engine would create
SENTINEL = "window.__pwned"


def long_text(size: int = 100_000) -> str:
    """A 100 KB string of hostile pieces."""
    unit = "<img src=x onerror=window.__pwned=1> {{ 7*7 }} \u202eتهران\u202c 🗺️ </script> "
    return (unit * (size // len(unit) + 1))[:size]


def payloads(marker: Path) -> dict[str, str]:
    """Payload id → text, with the marker path filled in, plus a 100 KB string."""
    texts = {p["id"]: p["text"].replace(MARKER, str(marker)) for p in CORPUS["payloads"]}
    texts["long-100kb"] = long_text()
    return texts


def jinja_payloads(marker: Path) -> list[str]:
    """The template payloads, ``{{ 7*7 }}`` first."""
    texts = payloads(marker)
    return [texts[k] for k in texts if k.startswith("jinja-")] + [
        texts[k] for k in texts if k.startswith("template-")
    ]


def document_title(text: str) -> str:
    """*text* as Chromium's ``document.title`` gives back a <title> holding it: control
    characters (but vertical tab) read as spaces, spaces collapsed and stripped."""
    spaced = "".join(
        " " if (c <= " " and c != "\v") or c == "\x7f" else c for c in html_parsed(text)
    )
    return re.sub(" +", " ", spaced).strip(" ")


def html_parsed(text: str) -> str:
    """*text* as innerHTML gives it back after html.escape (Leaflet's layer control)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Place ids are free text too (no spaces or control characters).
HOSTILE_IDS = [
    "<img/src=x/onerror=window.__pwned=1>",
    "{{7*7}}",
    "__proto__",
    "constructor",
    "\"'`${window.__pwned=1}",
    "</script><script>window.__pwned=1</script>",
]
JOINER = " | "


def hostile_dataset(path: Path, texts: list[str], **extra_members: Any) -> Path:
    """Every text in every field: name, other name, description, layer key (with and without
    a label), layer label, source title, another property's name and value; the short ones
    joined into title, attribution and collection description; ids from HOSTILE_IDS."""
    features, layers = [], {}
    for i, text in enumerate(texts):
        features.append(
            feature(
                f"p{i}",
                name=text,
                name_fa=text,
                description=text,
                layer=text,
                lon=-170 + (i % 20) * 17,
                lat=-60 + (i // 20) * 20,
                sources=[{"title": text, "url": f"https://example.org/{i}?q=<b>&x='y'#`z`"}],
                **{text: text},  # shown in the popup's table of other properties
            )
        )
        if i % 2 == 0:  # odd layers get their label from the key
            layers[text] = {"label": text}
    for j, place_id in enumerate(HOSTILE_IDS):
        features.append(feature(place_id, name=place_id, layer="ids", lon=-170 + 17 * j, lat=30))
    short = [t for t in texts if len(t) < 1000]
    members = {
        "title": JOINER.join(short),
        "attribution": JOINER.join(reversed(short)),
        "description": JOINER.join(short[::2]),
        "layers": layers,
        "periods": {t: "1981/1986" for t in short},
        **extra_members,
    }
    return write_geojson(path, features, **members)


def wrap_fragment(fragment: Path, page: Path) -> Path:
    page.write_text(
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Report</title></head>\n'
        f"<body><h1>Report</h1>\n{fragment.read_text('utf-8')}\n</body></html>\n",
        "utf-8",
    )
    return page


# --- what the browser shows, read back through the DOM ---------------------------------------

# Leaflet fades a closed popup or tooltip out before removing it: the newest is the last one.
COLLECT_JS = """() => {
  const app = window.mapgen, text = (el) => el ? el.textContent : null;
  const last = (sel) => [...document.querySelectorAll(sel)].pop() || null;
  const popups = [];  // [id, popup] pairs: an object would take "__proto__" as its prototype
  for (const id of app.places.id) {
    app.map.closePopup();
    app.openPopup(id);
    const box = last('.leaflet-popup-content');
    popups.push([id, box === null ? null : {
      name: text(box.querySelector('.mapgen-popup-name')),
      alt: [...box.querySelectorAll('.mapgen-popup-altname')].map(text),
      description: text(box.querySelector('.mapgen-popup-description')),
      fields: [...box.querySelectorAll('.mapgen-popup-fields tr')].map((tr) => [
        text(tr.querySelector('th')), text(tr.querySelector('td'))]),
      sources: [...box.querySelectorAll('.mapgen-popup-sources li')].map((li) => {
        const a = li.querySelector('a');
        return [li.textContent, a && a.getAttribute('href')];
      }),
    }]);
  }
  app.map.closePopup();
  const legend = document.querySelector('.mapgen-legend');
  return {
    popups,
    legendTitle: text(legend.querySelector('.mapgen-legend-title')),
    legendPeriod: text(legend.querySelector('.mapgen-legend-period')),
    legendLayers: [...legend.querySelectorAll('.mapgen-legend-layers li')].map(text),
    attribution: text(legend.querySelector('.mapgen-legend-attribution')),
    control: [...document.querySelectorAll('.leaflet-control-layers-overlays label')].map(text),
    title: document.title,
    titleElement: text(document.querySelector('title')),
    description: app.data.description,
  };
}"""

# Anything a payload could have turned into markup, anywhere in the document.
DOM_JS = """() => {
  const all = [...document.querySelectorAll('*')];
  return {
    onAttributes: all.filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name)))
      .map((e) => e.outerHTML.slice(0, 120)),
    markup: [...document.querySelectorAll(
      'iframe, object, embed, base, form, math, noscript, meta[http-equiv=refresh], '
      + 'img:not(.leaflet-tile), svg script, link[href*="evil"], a[href^="javascript" i], '
      + 'a[href^="data" i], [style*="url("]')].map((e) => e.outerHTML.slice(0, 120)),
    styles: [...document.querySelectorAll('style')].filter((s) => /evil/.test(s.textContent))
      .length,
    pwned: typeof window.__pwned,
  };
}"""


def assert_nothing_ran(mp: Any) -> None:
    """No payload ran: no sentinel, no dialog, no error, no markup from data, no request that
    the harness did not serve (it serves Leaflet and tiles and blocks everything else)."""
    dom = mp.evaluate(DOM_JS)
    assert dom["pwned"] == "undefined"
    assert mp.evaluate(f"typeof {SENTINEL}") == "undefined"
    assert mp.dialogs == []
    assert dom["onAttributes"] == []
    assert dom["markup"] == []
    assert dom["styles"] == 0
    assert mp.blocked_requests == []
    assert not [url for url in mp.requests if "evil" in url]
    assert mp.page_errors == [] and mp.console_errors == []


def expected_places(data: mapgen.Dataset) -> dict[str, mapgen.Place]:
    return {p.id: p for p in data.places}


def assert_popups_literal(pairs: list[Any], data: mapgen.Dataset) -> None:
    shown = dict(pairs)
    assert len(shown) == len(pairs)
    for place_id, place in expected_places(data).items():
        popup = shown[place_id]
        assert popup is not None, f"no popup for {place_id!r}"
        assert popup["name"] == place.name
        assert popup["alt"] == [name for _, name in place.names]
        assert popup["description"] == (place.description or None)
        assert popup["sources"] == [[s.title, s.url] for s in place.sources]
        assert popup["fields"] == [[key, property_text(value)] for key, value in place.extra]
    assert set(shown) == set(expected_places(data))


def hover_tooltips(mp: Any, data: mapgen.Dataset) -> dict[str, str]:
    """Hover every place as a reader would (controls hidden so none is in the way) and read
    the tooltip that opens."""
    mp.evaluate(  # a style tag would be refused by the page's Content-Security-Policy
        "document.querySelector('.leaflet-control-container')"
        ".style.setProperty('display', 'none', 'important')"
    )
    seen = {}
    for place in data.places:
        mp.page.mouse.move(1, 1)
        x, y = mp.evaluate(
            """async (id) => { const app = window.mapgen, i = app.indexOf(id);
                const at = [app.lat[i], app.lon[i]];
                app.map.setView(at, 9, {animate: false});
                await new Promise((done) => requestAnimationFrame(done));  // drawn there
                const p = app.map.latLngToContainerPoint(at);
                const r = app.container.getBoundingClientRect();
                return [r.left + p.x, r.top + p.y]; }""",
            place.id,
        )
        mp.page.mouse.move(x, y)
        mp.page.locator(".leaflet-tooltip .mapgen-tooltip").last.wait_for(state="attached")
        seen[place.id] = mp.evaluate(
            "[...document.querySelectorAll('.leaflet-tooltip')].pop().textContent"
        )
    return seen


def timeline_texts(mp: Any, count: int) -> tuple[list[str], list[str]]:
    """The timeline panel's list for screen readers, and the tip each row shows when chosen
    with the keyboard."""
    assert mp.evaluate("typeof window.mapgen.periodControl.toggleTimeline") == "function"
    mp.evaluate("window.mapgen.periodControl.toggleTimeline(true)")
    items = mp.evaluate(
        "[...document.querySelectorAll('.mapgen-pc-tl-list li')].map((li) => li.textContent)"
    )
    scroll = mp.page.locator(".mapgen-pc-tl-scroll")
    scroll.focus()
    tips = []
    for k in range(count):
        scroll.press("Home" if k == 0 else "ArrowDown")
        tips.append(mp.evaluate("document.querySelector('.mapgen-pc-tip strong').textContent"))
    return items, tips


# --- 1. template injection -------------------------------------------------------------------


@pytest.fixture(scope="module")
def jinja_maps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Jinja payloads in every field, built every way a map can be built."""
    folder = tmp_path_factory.mktemp("jinja")
    marker = folder / "PWNED_marker"
    texts = jinja_payloads(marker)
    period = next(t for t in texts if "cycler" in t)  # a named period that would run code
    source = hostile_dataset(folder / "jinja.geojson", texts)
    out = {"marker": marker, "texts": texts, "source": source, "period": period}
    build(str(source), "-o", str(folder / "page.html"), "--period", period)
    build(str(source), "-o", str(folder / "plain.html"), "--title", texts[0])
    build(str(source), "-o", str(folder / "fragment.html"), "--fragment", "--period", period)
    build(str(source), "-o", str(folder / "offline.html"), "--self-contained", "--tiles", "none")
    build(str(source), "-o", str(folder / "series"), "--split", "period")
    data = mapgen.load(source)
    fmap = mapgen.build_map(data, title=period)
    out["repr"] = fmap._repr_html_()  # what Jupyter shows
    mapgen.save(fmap, folder / "api.html")
    fmap.save(str(folder / "folium-save.html"))  # folium's own way of writing it
    out["pages"] = {p.name: p for p in [*folder.glob("*.html"), *folder.glob("series/*.html")]}
    out["folder"] = folder
    return out


def test_template_code_in_data_never_runs(jinja_maps: dict[str, Any]) -> None:
    assert not jinja_maps["marker"].exists()
    assert not list(jinja_maps["folder"].rglob("PWNED*"))
    assert len(jinja_maps["pages"]) >= 6 + 2  # six builds, and a series of maps + index
    assert "{{ cycler" not in jinja_maps["repr"]


def test_template_syntax_from_data_never_reaches_a_page_raw(jinja_maps: dict[str, Any]) -> None:
    """Each payload is written escaped (\\u007b in JSON, &#123; in HTML), so no template
    engine that ever renders the page again can see its syntax either."""
    for name, page in jinja_maps["pages"].items():
        if name == "index.html":  # the series index is written by mapgen alone, not folium
            continue
        html = page.read_text("utf-8")
        for text in jinja_maps["texts"]:
            if "{" in text:
                assert text not in html, (name, text)
        for opener in ("{{", "{%", "{#"):
            hits = [m.start() for m in re.finditer(re.escape(opener), html)]
            assert not hits, (name, opener, [html[i - 40 : i + 40] for i in hits[:3]])


def test_template_text_shows_literally_in_the_browser(
    open_map: OpenMap, jinja_maps: dict[str, Any]
) -> None:
    data = mapgen.load(jinja_maps["source"])
    period = jinja_maps["period"]
    mp = open_map(jinja_maps["pages"]["page.html"])
    shown = mp.evaluate(COLLECT_JS)
    assert_popups_literal(shown["popups"], data)
    assert dict(shown["popups"])["p0"]["name"] == "{{ 7*7 }}"  # not 49
    label = f"{period} (1981–1986)"
    assert shown["legendTitle"] == data.title  # the period is stated once, below it
    assert shown["legendPeriod"] == f"Period: {label}"
    assert shown["titleElement"] == html_parsed(f"{data.title} — {label}")
    assert shown["title"] == document_title(f"{data.title} — {label}")
    assert shown["legendLayers"] == [layer.label for layer in data.layers]
    assert shown["control"] == [" " + html_parsed(layer.label) for layer in data.layers]
    assert "{{ 7*7 }}" in shown["control"][0]
    assert shown["attribution"] == data.attribution
    assert shown["description"] == data.description
    tooltips = hover_tooltips(mp, data)
    assert tooltips == {p.id: p.name for p in data.places}
    assert_nothing_ran(mp)


def test_template_text_in_the_title_option_and_series_index(
    open_map: OpenMap, jinja_maps: dict[str, Any]
) -> None:
    texts = jinja_maps["texts"]
    mp = open_map(jinja_maps["pages"]["plain.html"])
    assert mp.evaluate("document.title") == document_title(texts[0]) == "{{ 7*7 }}"
    assert mp.evaluate("document.querySelector('.mapgen-legend-title').textContent") == texts[0]
    index = jinja_maps["folder"] / "series" / "index.html"
    page = open_map(index, wait_ready=False)
    links = page.evaluate(
        "[...document.querySelectorAll('ol.mapgen-series a')].map((a) => a.textContent)"
    )
    data = mapgen.load(jinja_maps["source"])
    assert sorted(links) == sorted(name for name, _ in data.periods)
    assert page.evaluate("document.querySelector('h1').textContent") == data.title
    assert page.evaluate(f"typeof {SENTINEL}") == "undefined" and page.dialogs == []


# --- 2. HTML and script injection ------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_maps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("corpus")
    marker = folder / "PWNED_marker"
    texts = list(payloads(marker).values())
    period = payloads(marker)["close-title"] + " {{ 7*7 }} " + payloads(marker)["img-onerror"]
    source = hostile_dataset(folder / "corpus.geojson", texts, periods={period: "1981/1986"})
    build(str(source), "-o", str(folder / "page.html"), "--period", period)
    build(str(source), "-o", str(folder / "fragment.html"), "--fragment", "--period", period)
    wrap_fragment(folder / "fragment.html", folder / "report.html")
    build(str(source), "-o", str(folder / "offline.html"), "--self-contained", "--period", period)
    assert not marker.exists()
    return {"source": source, "period": period, "folder": folder, "texts": texts}


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS["payloads"]) >= 30
    ids = [p["id"] for p in CORPUS["payloads"]]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("variant", ["page.html", "report.html", "offline.html"])
def test_corpus_shows_literally_and_runs_nothing(
    open_map: OpenMap, corpus_maps: dict[str, Any], variant: str
) -> None:
    data = mapgen.load(corpus_maps["source"])
    period = corpus_maps["period"]
    assert len(data.places) == len(corpus_maps["texts"]) + len(HOSTILE_IDS)
    mp = open_map(corpus_maps["folder"] / variant)
    assert mp.visible() == sorted(p.id for p in data.places)
    shown = mp.evaluate(COLLECT_JS)
    assert_popups_literal(shown["popups"], data)
    label = f"{period} (1981–1986)"
    assert shown["legendTitle"] == data.title  # the period is stated once, below it
    assert shown["legendPeriod"] == f"Period: {label}"
    assert shown["legendLayers"] == [layer.label for layer in data.layers]
    assert shown["control"] == [" " + html_parsed(layer.label) for layer in data.layers]
    assert shown["attribution"] == data.attribution
    assert shown["description"] == data.description
    if variant != "report.html":  # a fragment leaves the page's title to the page
        assert shown["titleElement"] == html_parsed(f"{data.title} — {label}")
        assert shown["title"] == document_title(f"{data.title} — {label}")
    assert_nothing_ran(mp)


def test_corpus_tooltips_show_literally(open_map: OpenMap, corpus_maps: dict[str, Any]) -> None:
    data = mapgen.load(corpus_maps["source"])
    mp = open_map(corpus_maps["folder"] / "page.html")
    assert hover_tooltips(mp, data) == {p.id: p.name for p in data.places}
    assert_nothing_ran(mp)


def test_corpus_in_the_timeline_panel(open_map: OpenMap, corpus_maps: dict[str, Any]) -> None:
    data = mapgen.load(corpus_maps["source"])
    mp = open_map(corpus_maps["folder"] / "page.html")
    items, tips = timeline_texts(mp, len(data.places))
    labels = {layer.key: layer.label for layer in data.layers}
    expected = [f"{p.name} ({labels[p.layer]}): 1981–1986" for p in data.places]
    assert sorted(items) == sorted(expected)
    assert sorted(tips) == sorted(p.name for p in data.places)
    assert_nothing_ran(mp)


def test_hostile_url_hash_is_not_markup(open_map: OpenMap, corpus_maps: dict[str, Any]) -> None:
    mp = open_map(
        corpus_maps["folder"] / "page.html",
        url_hash="from=%3Cimg%20src%3Dx%20onerror%3Dwindow.__pwned%3D1%3E&to=%7B%7B7*7%7D%7D",
    )
    mp.set_period(1982, 1983)
    assert mp.evaluate("window.mapgen.period()") == {"from": "1982-01-01", "to": "1983-12-31"}
    assert_nothing_ran(mp)


def test_large_map_packed_payload_shows_corpus_literally(open_map: OpenMap, tmp_path: Path) -> None:
    """From 2000 places on, the data travels gzip-compressed and points are drawn on canvas:
    the texts still arrive intact and are still only text."""
    texts = list(payloads(tmp_path / "PWNED").values())
    filler = [feature(f"f{i}", lon=(i % 300) - 150, lat=(i // 300) - 40) for i in range(2100)]
    hostile = [
        feature(f"h{i}", name=t, name_fa=t, description=t, layer="hostile", lon=i, lat=60)
        for i, t in enumerate(texts)
    ]
    source = write_geojson(tmp_path / "big.geojson", filler + hostile, title=texts[0])
    out = tmp_path / "big.html"
    build(str(source), "-o", str(out))
    assert "MapgenApp.create" in out.read_text("utf-8")
    assert texts[0] not in out.read_text("utf-8")
    mp = open_map(out)
    names = mp.evaluate(
        """(n) => { const app = window.mapgen, out = [];
            for (let i = 0; i < n; i++) {
              app.map.closePopup(); app.openPopup('h' + i);
              const box = [...document.querySelectorAll('.leaflet-popup-content')].pop();
              const el = box && box.querySelector('.mapgen-popup-name');
              const d = box && box.querySelector('.mapgen-popup-description');
              out.push([el && el.textContent, d && d.textContent]);
            }
            return out; }""",
        len(texts),
    )
    assert names == [[t, t] for t in texts]
    legend = mp.evaluate("document.querySelector('.mapgen-legend-title').textContent")
    assert legend == texts[0]
    assert_nothing_ran(mp)


def test_layers_with_the_same_label_and_colour_both_reach_the_layer_control(
    open_map: OpenMap, tmp_path: Path
) -> None:
    source = write_geojson(
        tmp_path / "twins.geojson",
        [feature("a", layer="one"), feature("b", layer="two", lon=12)],
        layers={
            "one": {"label": "Events", "color": "#c0392b"},
            "two": {"label": "Events", "color": "#c0392b"},
        },
    )
    build(str(source), "-o", str(tmp_path / "twins.html"))
    mp = open_map(tmp_path / "twins.html")
    labels = mp.page.locator(".leaflet-control-layers-overlays label")
    assert labels.count() == 2
    labels.nth(1).click()
    assert mp.visible() == ["a"]
    labels.nth(0).click()
    assert mp.visible() == []


# --- links and colours -----------------------------------------------------------------------


@pytest.mark.parametrize("url", CORPUS["bad_urls"])
def test_source_urls_that_are_not_http_are_validation_errors(tmp_path: Path, url: str) -> None:
    source = write_geojson(
        tmp_path / "links.geojson",
        [feature("a", sources=[{"title": "ok", "url": "https://example.org/"}, {"url": url}])],
    )
    result = CliRunner().invoke(main, ["validate", str(source)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: {source}: feature 0 (id=a): sources[1].url: ")
    assert "is not an http(s) URL" in lines[0]
    assert lines[0].isprintable()


def test_links_are_checked_again_in_the_browser(open_map: OpenMap, tmp_path: Path) -> None:
    """A dataset made in Python without validation still gets no javascript: or data: link."""
    data = mapgen.load(write_geojson(tmp_path / "a.geojson", [feature("a")]))
    bad = [
        mapgen.Source(title="js", url="javascript:window.__pwned=1"),
        mapgen.Source(title="data", url="data:text/html,<script>window.__pwned=1</script>"),
        mapgen.Source(title="spaced", url=" javascript:window.__pwned=1"),
        mapgen.Source(title="good", url="https://example.org/"),
    ]
    data = data.with_places((replace(data.places[0], sources=tuple(bad)),))
    mapgen.save(data, tmp_path / "a.html")
    mp = open_map(tmp_path / "a.html")
    mp.evaluate("window.mapgen.openPopup('a')")
    items = mp.evaluate(
        """[...document.querySelectorAll('.mapgen-popup-sources li')].map((li) => {
            const a = li.querySelector('a'); return [li.textContent, a && a.href]; })"""
    )
    assert items == [
        ["js", None],
        ["data", None],
        ["spaced", None],
        ["good", "https://example.org/"],
    ]
    mp.page.locator(".mapgen-popup-sources li").nth(0).click()
    assert_nothing_ran(mp)


@pytest.mark.parametrize("color", CORPUS["bad_colors"])
def test_css_in_layer_colours_is_a_validation_error(tmp_path: Path, color: str) -> None:
    source = write_geojson(
        tmp_path / "c.geojson", [feature("a", layer="sites")], layers={"sites": {"color": color}}
    )
    result = CliRunner().invoke(main, ["validate", str(source)])
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert line.startswith(f"error: {source}: layers.sites.color: ")
    assert line.endswith("is not a colour like #1f5fa8")


def test_names_with_line_breaks_and_escapes_stay_on_one_error_line(tmp_path: Path) -> None:
    forged = "x\nerror: everything is fine\x1b[2J\u2028"
    source = write_geojson(
        tmp_path / "n.geojson",
        [feature("a", layer=forged)],
        layers={forged: {"color": "red"}},
        periods={forged: "not a date"},
    )
    result = CliRunner().invoke(main, ["validate", str(source)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 2, lines
    assert all(line.startswith(f"error: {source}: ") and line.isprintable() for line in lines)
    assert "layers.'x\\nerror: everything is fine\\x1b[2J\\u2028'.color" in lines[0]


def test_control_characters_from_any_reader_are_escaped_on_the_command_line(
    tmp_path: Path,
) -> None:
    """Whatever a reader puts in a message (here the CSV reader, quoting column names), the
    CLI prints one line per problem with no terminal escapes."""
    source = tmp_path / "cols.csv"
    source.write_text("a\x1b[2Jb\x1ec\u2028d\n1\n", "utf-8")
    result = CliRunner().invoke(main, ["validate", str(source)])
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert line.startswith(f"error: {source}: ") and line.isprintable()
    assert "\\x1b[2J" in line


