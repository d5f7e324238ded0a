"""Stories in Chromium (issue 22): each step of the default story sets the period and the
places shown exactly as `mapgen list` chooses them; keyboard, buttons, hash and script
navigation; a hostile caption runs nothing; the caption never covers the step's places at
four sizes (screenshots in docs/ with MAPGEN_SCREENSHOTS=docs); axe; a report's own
paragraphs drive the map as they scroll, in a fragment and across an iframe; offline and in
a notebook."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import mapgen
from mapgen.cli import main
from mapgen.html.page import fragment_html
from mapgen.story import read_story
from tests.conftest import OpenMap
from tests.test_accessibility import audit
from tests.test_layout import DOCS, OVERLAPS, SIZES

STORY = mapgen.default_story()

# The default story's steps as its file writes them, and what `mapgen list` is asked for each
# (its period and layers), with the period the page must then state.
TODAY = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
STEPS: list[tuple[dict[str, str], list[str], dict[str, str]]] = [
    ({"period": "1965/1981"}, ["--from", "1965", "--to", "1981"],
     {"from": "1965-01-01", "to": "1981-12-31"}),
    ({"period": "1981/1986"}, ["--from", "1981", "--to", "1986"],
     {"from": "1981-01-01", "to": "1986-12-31"}),
    ({"period": "1986/2003"}, ["--from", "1986", "--to", "2003"],
     {"from": "1986-01-01", "to": "2003-12-31"}),
    ({"at": "2003"}, ["--at", "2003"], {"from": "2003-01-01", "to": "2003-12-31"}),
    ({"period": "relocation-to-liberty", "layers": "Headquarters"},
     ["--period", "relocation-to-liberty", "--layer", "headquarters"],
     {"from": "2012-02-01", "to": "2013-09-30"}),
    ({"period": "2018/.."}, ["--from", "2018"], {"from": "2018-01-01", "to": TODAY}),
]

# Each framed or highlighted place of the step shown: outside the map, or under a control.
COVERED = """() => {
  const app = window.mapgen, map = app.map, c = app.container.getBoundingClientRect();
  const boxes = [...app.container.querySelectorAll('.leaflet-control')]
    .map(n => [n.className.split(' ')[0], n.getBoundingClientRect()]).filter(b => b[1].width);
  const step = app.story.steps[app.story.step() - 1], out = [];
  step.places.concat(step.highlight).forEach(id => {
    const p = map.latLngToContainerPoint(app.placeLatLng(app.indexOf(id)));
    const x = c.left + p.x, y = c.top + p.y;
    if (x < c.left || x > c.right || y < c.top || y > c.bottom) out.push(id + ' outside');
    boxes.forEach(([name, r]) => {
      if (x >= r.left && x <= r.right && y >= r.top && y <= r.bottom)
        out.push(id + ' under ' + name);
    });
  });
  return out;
}"""

# The names the step writes on the map: how many, and any off the map or over a control.
LABELS = """() => {
  const c = mapgen.container.getBoundingClientRect(), out = [];
  const controls = [...mapgen.container.querySelectorAll('.leaflet-control')]
    .map(n => n.getBoundingClientRect()).filter(r => r.width);
  const labels = [...document.querySelectorAll('.mapgen-story-label')]
    .filter(n => n.style.opacity !== '0');  // the last step's, fading out
  labels.forEach(n => {
    const r = n.getBoundingClientRect();
    if (r.left < c.left || r.right > c.right || r.top < c.top || r.bottom > c.bottom)
      out.push(n.textContent + ' off the map');
    if (controls.some(b => r.left < b.right && b.left < r.right && r.top < b.bottom
                            && b.top < r.bottom)) out.push(n.textContent + ' over a control');
  });
  return [labels.map(n => n.textContent).sort(), out];
}"""

STATE = """() => ({step: mapgen.story.step(), period: mapgen.period(),
  heading: document.querySelector('.mapgen-story-heading').textContent,
  count: document.querySelector('.mapgen-story-count').textContent,
  back: !document.querySelector('.mapgen-story-back').hidden})"""


def build(folder: Path, name: str, *args: str) -> Path:
    out = folder / name
    result = CliRunner().invoke(main, ["build", "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("story")
    return {
        "story": build(folder, "story.html", "--story", str(STORY)),
        "bare": build(folder, "bare.html", "--story", str(STORY), "--story-panel", "off"),
        "folder": folder,
    }


def listed(args: list[str]) -> list[str]:
    result = CliRunner().invoke(main, ["list", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return sorted(place["id"] for place in json.loads(result.output))


def test_the_table_is_the_story_file() -> None:
    chosen = [{key: value for key, value in step.attributes.items()
               if key in ("period", "at", "layers")} for step in read_story(STORY).steps]
    assert chosen == [written for written, _, _ in STEPS]


def test_every_step_shows_what_mapgen_list_chooses(open_map: OpenMap,
                                                   pages: dict[str, Path]) -> None:
    mp = open_map(pages["story"])
    assert mp.evaluate("mapgen.story.step()") == 1
    for number, (_, args, period) in enumerate(STEPS, 1):
        assert mp.evaluate(f"mapgen.story.go({number})") == number
        assert mp.evaluate("mapgen.period()") == period, number
        assert mp.visible() == listed(args), number
        # the period control follows: its count, and its fields
        count = mp.page.locator(".mapgen-pc-count").inner_text()
        assert count.startswith(f"{len(listed(args))} of {len(listed([]))} "), (number, count)
    mp.assert_clean()


def test_buttons_keys_and_the_hash_move_between_steps(open_map: OpenMap,
                                                      pages: dict[str, Path]) -> None:
    mp = open_map(pages["story"], viewport=(1280, 800), url_hash="step=3")
    state = mp.evaluate(STATE)
    assert (state["step"], state["count"], state["back"]) == (3, "3 of 6", False)
    assert state["heading"] == "Camp Ashraf, 1986–2003" and state["period"] == STEPS[2][2]
    assert mp.evaluate("document.querySelector('.mapgen-story-progress')"
                       ".getAttribute('aria-valuenow')") == "3"
    # the caption's own look, not isolation.css's reset of a report's headings and paragraphs
    assert mp.evaluate("""() => {
      const h = getComputedStyle(document.querySelector('.mapgen-story-heading'));
      const p = getComputedStyle(document.querySelector('.mapgen-story-text p'));
      return [h.fontSize, h.fontWeight, parseFloat(p.marginBottom) > 0];
    }""") == ["16px", "650", True]
    page = mp.page
    page.locator(".mapgen-story-next").click()
    assert mp.evaluate("mapgen.story.step()") == 4
    page.locator(".mapgen-story-next").focus()
    for key, expected in (("ArrowRight", 5), ("PageDown", 6), ("PageDown", 6),
                          ("ArrowLeft", 5), ("PageUp", 4), ("ArrowUp", 3), ("ArrowDown", 4)):
        page.keyboard.press(key)
        assert mp.evaluate("mapgen.story.step()") == expected, key
    page.wait_for_function("() => location.hash.includes('step=4')")
    # the period slider and the search box keep their keys
    page.locator(".mapgen-pc-handle-from").focus()
    page.keyboard.press("ArrowLeft")
    assert mp.evaluate("[mapgen.story.step(), mapgen.period().from]") == [4, "2002-01-01"]
    page.locator(".mapgen-search input").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("PageDown")
    assert mp.evaluate("mapgen.story.step()") == 4
    # with nothing focused, the page's keys step (a map page of its own)
    mp.evaluate("document.activeElement.blur()")
    page.keyboard.press("PageDown")
    assert mp.evaluate("mapgen.story.step()") == 5
    mp.set_hash("step=2")
    assert mp.evaluate(STATE)["heading"] == "Exile in Paris, 1981–1986"
    with pytest.raises(Exception, match="no step 9"):
        mp.evaluate("mapgen.story.go(9)")
    mp.assert_clean()


def test_the_reader_explores_and_comes_back(open_map: OpenMap, pages: dict[str, Path]) -> None:
    mp = open_map(pages["story"], viewport=(1280, 800), url_hash="step=2")
    view = mp.evaluate("[mapgen.map.getZoom(), mapgen.map.getCenter()]")
    mp.set_period(1990, 1995)
    state = mp.evaluate(STATE)
    assert state["back"] and state["step"] == 2
    assert mp.page.locator(".mapgen-story-back").inner_text() == "Back to step 2"
    mp.page.emulate_media(reduced_motion="reduce")
    mp.page.locator(".mapgen-story-back").click()
    state = mp.evaluate(STATE)
    assert not state["back"] and state["period"] == STEPS[1][2]
    assert mp.evaluate("[mapgen.map.getZoom(), mapgen.map.getCenter()]") == view
    mp.evaluate("mapgen.map.panBy([200, 0], {animate: false})")  # moving the map is exploring
    assert mp.evaluate(STATE)["back"]
    mp.evaluate("mapgen.map.removeLayer(mapgen.groups[1])")  # so is a layer switch
    mp.page.locator(".mapgen-story-back").click()
    assert mp.evaluate("[mapgen.layerOn(1), mapgen.story.atStep()]") == [True, True]


def test_a_step_flies_unless_the_reader_prefers_less_motion(open_map: OpenMap,
                                                            pages: dict[str, Path]) -> None:
    mp = open_map(pages["story"])
    assert mp.evaluate("[mapgen.story.go(3), mapgen.story.moving]") == [3, True]
    mp.page.wait_for_function("() => !mapgen.story.moving")
    mp.page.emulate_media(reduced_motion="reduce")
    assert mp.evaluate("[mapgen.story.go(6), mapgen.story.moving]") == [6, False]


def test_the_caption_never_covers_the_steps_places(open_map: OpenMap,
                                                   pages: dict[str, Path], tmp_path: Path) -> None:
    import os

    shots = DOCS if os.environ.get("MAPGEN_SCREENSHOTS") == "docs" else tmp_path
    data, story = mapgen.load(), mapgen.load_story(STORY, mapgen.load())
    names = [  # each step's places that it shows, by name
        sorted(data.places.names[data.places.ids.index(place_id)] for place_id in step.framed
               if place_id in mapgen.select(data, step.period, step.layers).places.ids)
        for step in story.steps
    ]
    left_out = dict.fromkeys((f"{w}x{h}" for w, h in SIZES), 0)
    for width, height in SIZES:
        mp = open_map(pages["story"], viewport=(width, height), offline=True)
        mp.page.emulate_media(reduced_motion="reduce")
        for number in range(1, len(STEPS) + 1):
            mp.evaluate(f"mapgen.story.go({number})")
            assert mp.evaluate(COVERED) == [], (width, height, number)
            assert mp.evaluate(OVERLAPS) == [], (width, height, number)
            named, misplaced = mp.evaluate(LABELS)
            assert misplaced == [], (width, height, number)
            if width >= 1280:  # room for every name; on smaller maps a name may be left out
                assert named == names[number - 1], (width, height, number)
            assert set(named) <= set(names[number - 1]), (width, height, number)
            left_out[f"{width}x{height}"] += len(names[number - 1]) - len(named)
        mp.evaluate("mapgen.story.go(2)")
        mp.screenshot(shots / f"story-{width}x{height}.png")
        sheet = mp.evaluate("document.querySelector('.mapgen-story').classList"
                            ".contains('mapgen-story-sheet')")
        assert sheet == (width < 500)  # a bottom sheet on a phone
        if width < 500:
            box = mp.evaluate("(() => { const r = document.querySelector('.mapgen-story')"
                              ".getBoundingClientRect(); return [r.left, r.width]; })()")
            assert box[0] == 10 and box[1] == width - 20
        mp.assert_clean(allow_blocked=True)
    print("names left out for want of room:", left_out)


def test_the_readme_screenshot_shows_a_step(open_map: OpenMap, pages: dict[str, Path],
                                            tmp_path: Path) -> None:
    import os

    shots = DOCS if os.environ.get("MAPGEN_SCREENSHOTS") == "docs" else tmp_path
    # offline: the stand-in tiles would hide the offline basemap under them
    mp = open_map(pages["story"], viewport=(1280, 800), url_hash="step=3", offline=True)
    assert mp.evaluate(COVERED) == []
    mp.screenshot(shots / "screenshot.png")


@pytest.mark.parametrize("size", [(1280, 800), (390, 740)], ids=["1280x800", "390x740"])
def test_axe_finds_no_serious_violation_in_a_story(open_map: OpenMap, pages: dict[str, Path],
                                                   size: tuple[int, int]) -> None:
    mp = open_map(pages["story"], viewport=size)
    assert audit(mp) == []
    assert mp.evaluate("document.querySelector('.mapgen-story-caption')"
                       ".getAttribute('aria-live')") == "polite"


HOSTILE = (
    '## <img src=x onerror="window.pwned=1"> {period="1981/1986" places="hq-paris"}\n'
    '<script>window.pwned=2</script> <img src=x onerror="window.pwned=3"> {{ 7*7 }}\n'
    "[click](javascript:window.pwned=4) <a href=\"https://x.org\" onclick=\"pwned=5\">a</a>\n"
    '<iframe src="javascript:parent.pwned=6"></iframe> ${window.pwned=7}\n'
)


def test_a_hostile_caption_runs_nothing(open_map: OpenMap, tmp_path: Path) -> None:
    md = tmp_path / "hostile.md"
    md.write_text(HOSTILE, "utf-8")
    storymap = tmp_path / "hostile.json"
    slide = {"text": {"headline": '<img src=x onerror="window.pwned=8">Paris',
                      "text": '<p><script>window.pwned=9</script>'
                      '<img src=x onerror="window.pwned=10"><a href="javascript:pwned=11">'
                      'go</a><svg onload="window.pwned=12"></svg>{{ 7*7 }}</p>'}}
    storymap.write_text(json.dumps({"storymap": {"slides": [slide]}}), "utf-8")
    for story in (md, storymap):
        page = build(tmp_path, story.stem + story.suffix + ".html", "--story", str(story))
        mp = open_map(page)
        mp.page.wait_for_timeout(300)  # an image's error would have fired
        found = mp.evaluate("""() => {
          const panel = document.querySelector('.mapgen-story');
          return {pwned: window.pwned === undefined ? null : window.pwned,
                  elements: [...panel.querySelectorAll('script, img, iframe, svg, [onclick]')]
                    .length,
                  links: [...panel.querySelectorAll('.mapgen-story-text a')].map(a => a.href),
                  heading: panel.querySelector('.mapgen-story-heading').textContent,
                  text: panel.querySelector('.mapgen-story-text').textContent};
        }""")
        assert found["pwned"] is None and found["elements"] == 0 and mp.dialogs == []
        assert "{{ 7*7 }}" in found["text"]
        if story is md:  # Markdown: raw HTML is text
            assert found["heading"] == '<img src=x onerror="window.pwned=1">'
            assert '<script>window.pwned=2</script>' in found["text"]
            assert "${window.pwned=7}" in found["text"]
            assert found["links"] == []
        else:  # StoryMapJS: HTML, cleaned
            assert found["heading"] == "Paris" and "pwned" not in found["text"]
            assert found["links"] == []
        mp.assert_clean(allow_blocked=True)


HOST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A report</title>
<style>.map {{ position: sticky; top: 0; height: 420px; background: #fff; z-index: 1; }}
p.step {{ min-height: 90vh; margin: 0; padding: 20px; }}</style></head>
<body><main><h1>A report</h1><div class="map">{map}</div>
{steps}
<p style="height: 100vh">The end.</p></main></body></html>"""


def host_page(folder: Path, name: str, embedded: str) -> Path:
    steps = "\n".join(f'<p class="step" data-mapgen-step="{n}">Paragraph {n}.</p>'
                      for n in range(1, len(STEPS) + 1))
    page = folder / name
    page.write_text(HOST.format(map=embedded, steps=steps), "utf-8")
    return page


def test_a_reports_paragraphs_drive_a_fragment(open_map: OpenMap, tmp_path: Path) -> None:
    fmap = mapgen.build_map(mapgen.load(), story=STORY, story_panel=False)
    page = host_page(tmp_path, "report.html", fragment_html(fmap, "420px"))
    mp = open_map(page, viewport=(1000, 700))
    assert mp.evaluate("document.querySelector('.mapgen-story')") is None  # no panel
    for number in (2, 3, 5, 1, 6):
        mp.page.locator(f'[data-mapgen-step="{number}"]').scroll_into_view_if_needed()
        mp.evaluate(f"document.querySelector('[data-mapgen-step=\"{number}\"]')"
                    ".scrollIntoView({block: 'center'})")
        mp.page.wait_for_function(f"() => mapgen.story.step() === {number}")
        assert mp.evaluate("mapgen.period()") == STEPS[number - 1][2]
    mp.evaluate("document.body.focus()")
    mp.page.keyboard.press("PageDown")  # a fragment leaves the host page's keys alone
    assert mp.evaluate("mapgen.story.step()") == 6
    mp.assert_clean()


def test_a_reports_paragraphs_drive_an_iframe(open_map: OpenMap, pages: dict[str, Path],
                                              tmp_path: Path) -> None:
    snippet = mapgen.embed(pages["bare"], 420, src=pages["bare"].as_uri(), steps=True)
    page = host_page(tmp_path, "report.html", snippet)
    mp = open_map(page, viewport=(1000, 700), wait_ready=False)
    frame_js = "() => !!(window.mapgen && window.mapgen.ready && window.mapgen.story)"
    mp.page.wait_for_function("document.querySelector('iframe').contentWindow !== null")
    frame = next(f for f in mp.page.frames if f != mp.page.main_frame)
    frame.wait_for_function(frame_js)
    for number in (3, 4, 2):
        mp.evaluate(f"document.querySelector('[data-mapgen-step=\"{number}\"]')"
                    ".scrollIntoView({block: 'center'})")
        frame.wait_for_function(f"() => mapgen.story.step() === {number}")
        assert frame.evaluate("mapgen.period()") == STEPS[number - 1][2]
    # only a step number, only from the parent page
    for message in ('"3"', '{mapgen: "step", step: "3"}', '{mapgen: "step", step: 2.5}',
                    '{mapgen: "step", step: 99}', '{mapgen: "go", step: 3}',
                    '{mapgen: "step", step: [3]}', 'null'):
        mp.evaluate(f"document.querySelector('iframe').contentWindow.postMessage({message}, '*')")
    frame.evaluate("window.postMessage({mapgen: 'step', step: 5}, '*')")  # not from its parent
    mp.page.wait_for_timeout(200)
    assert frame.evaluate("mapgen.story.step()") == 2
    mp.evaluate("document.querySelector('iframe').contentWindow"
                ".postMessage({mapgen: 'step', step: 5}, '*')")
    frame.wait_for_function("() => mapgen.story.step() === 5")
    assert mp.page_errors == [] and mp.console_errors == []


def test_a_story_works_offline_and_in_a_notebook(open_map: OpenMap, pages: dict[str, Path],
                                                 tmp_path: Path) -> None:
    mp = open_map(pages["story"], offline=True)
    assert mp.evaluate("[mapgen.story.go(4), mapgen.period()]") == [4, STEPS[3][2]]
    notebook = tmp_path / "notebook.html"
    shown = mapgen.build_map(mapgen.load(), story=STORY)._repr_html_()  # what Jupyter shows
    notebook.write_text(f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
                        f"<title>Notebook</title></head><body>{shown}</body></html>", "utf-8")
    nb = open_map(notebook, wait_ready=False)
    frame = next(f for f in nb.page.frames if f != nb.page.main_frame)
    frame.wait_for_function("() => !!(window.mapgen && window.mapgen.ready)")
    frame.locator(".mapgen-story-next").click()
    assert frame.evaluate("[mapgen.story.step(), mapgen.period()]") == [2, STEPS[1][2]]
    assert nb.page_errors == []


def test_a_storymapjs_story_in_the_page_and_its_views(open_map: OpenMap, tmp_path: Path) -> None:
    slides = [
        {"type": "overview", "text": {"headline": "Moves", "text": "<p>All of them.</p>"}},
        {"date": "1981–1986", "location": {"lat": 48.85, "lon": 2.35, "zoom": 6},
         "text": {"headline": "Paris", "text": "<p>Exile.</p>"}},
    ]
    story = tmp_path / "moves.json"
    story.write_text(json.dumps({"storymap": {"slides": slides}}), "utf-8")
    page = build(tmp_path, "moves.html", "--story", str(story))
    mp = open_map(page, viewport=(1280, 800), url_hash="step=2")
    assert mp.evaluate("[mapgen.period(), mapgen.map.getZoom()]") == [
        {"from": "1981-01-01", "to": "1986-12-31"}, 6]
    # the view's point sits in the middle of the area the controls leave free: under none
    where = mp.evaluate("""() => {
      const map = mapgen.map, p = map.latLngToContainerPoint([48.85, 2.35]);
      const c = mapgen.container.getBoundingClientRect(), x = c.left + p.x, y = c.top + p.y;
      return [...document.querySelectorAll('.leaflet-control')].filter(n => {
        const r = n.getBoundingClientRect();
        return r.width && x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
      }).length + (mapgen.map.getSize().x / 2 - p.x > 0 ? 0 : 100);
    }""")
    assert where == 0  # left of the map's middle: the panel on the right is kept clear
    # the window narrows to a phone's: the panel becomes a bottom sheet
    mp.page.set_viewport_size({"width": 390, "height": 740})
    mp.page.wait_for_function("() => document.querySelector('.mapgen-story-sheet') !== null")
    assert mp.evaluate("document.querySelector('.mapgen-story').parentNode.className") == (
        "leaflet-bottom leaflet-right")
    assert mp.evaluate("mapgen.story.step()") == 2
    mp.assert_clean()
