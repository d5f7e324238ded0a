"""Stories (issue 22), without a browser: reading Markdown and StoryMapJS, cleaning captions,
checking a story against its data with one located line a problem, the CLI and API, print
(one page a step) and the default dataset's story. The page itself: test_story_browser.py."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

import mapgen
from mapgen.cli import main
from mapgen.errors import DataError, MapgenNote, MapgenWarning
from mapgen.html.page import page_html
from mapgen.story import read_story
from mapgen.story.caption import TAGS, caption_tree, plain_text
from tests.helpers import feature, write_geojson

ROOT = Path(__file__).resolve().parent.parent
STORY_JS = ROOT / "mapgen" / "html" / "assets" / "story.js"

PARIS = '## Exile in Paris {period="1981/1986" places="hq-paris" layers="Headquarters"}\n'


def story_file(folder: Path, text: str, name: str = "story.md") -> Path:
    path = folder / name
    path.write_text(text, "utf-8")
    return path


@pytest.fixture(scope="module")
def data() -> mapgen.Dataset:
    return mapgen.load()


# --- reading Markdown --------------------------------------------------------------------------


def test_a_markdown_story_reads_its_steps_attributes_and_front_block(tmp_path: Path) -> None:
    path = story_file(tmp_path, (
        "---\ntitle: The moves\nauthor: [A. Writer, {name: B. Other}]\nformat: html\n---\n\n"
        f"{PARIS}\nRajavi fled to *Paris* ([source](https://example.org/a)).\n\n"
        "- one\n- two\n\n"
        '## Iraq {at="1988-07" view="33.5,45,6" highlight="hq-camp-ashraf, hq-paris"}\n'
        "War.\n"
    ))
    story = read_story(path)
    assert (story.title, story.author) == ("The moves", "A. Writer, B. Other")
    assert [step.title for step in story.steps] == ["Exile in Paris", "Iraq"]
    assert [str(step.where) for step in story.steps] == [f"{path}:7", f"{path}:14"]
    assert story.steps[0].attributes == {"period": "1981/1986", "places": "hq-paris",
                                         "layers": "Headquarters"}
    assert story.steps[0].caption == (
        ["p", {}, "Rajavi fled to ", ["em", {}, "Paris"], " (",
         ["a", {"href": "https://example.org/a"}, "source"], ")."],
        ["ul", {}, ["li", {}, "one"], ["li", {}, "two"]],
    )
    assert story.steps[1].attributes["highlight"] == "hq-camp-ashraf, hq-paris"


def test_a_level_one_heading_titles_a_story_without_a_front_block(tmp_path: Path) -> None:
    path = story_file(tmp_path, f"# The *moves*\n\n{PARIS}text\n")
    assert read_story(path).title == "The moves"


def test_raw_html_in_a_caption_is_text_and_odd_links_are_said(tmp_path: Path) -> None:
    path = story_file(tmp_path, (
        f"{PARIS}\n<script>alert(1)</script> <img src=x onerror=alert(2)> {{{{ 7*7 }}}}\n\n"
        "[mail](mailto:a@example.org) ![map](https://example.org/m.png) "
        "[run](javascript:alert(3))\n"
    ))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        story = read_story(path)
    text = plain_text(list(story.steps[0].caption))
    assert "<script>alert(1)</script> <img src=x onerror=alert(2)> {{ 7*7 }}" in text
    assert "mail" in text and "[run](javascript:alert(3))" in text
    assert "href" not in json.dumps(story.steps[0].caption)  # no link survives
    said = [str(w.message) for w in caught if issubclass(w.category, MapgenWarning)]
    assert f"{path}:5: an image in the caption is not shown (a caption is text)" in said
    assert any("'mailto:a@example.org' is not http(s)" in line for line in said)


def test_caption_html_of_any_origin_keeps_only_the_allow_list() -> None:
    tree = caption_tree(
        '<p onclick="x()" style="color:red">a <b>b</b> <a href="https://x.org" onclick=y>c</a>'
        '<a href="javascript:z()">d</a><a href="/relative">e</a></p><script>bad()</script>'
        '<iframe src="https://x.org"></iframe><img src=x onerror=f()><h1>big</h1>'
    )
    assert tree == [["p", {}, "a b ", ["a", {"href": "https://x.org"}, "c"], "de"], "big"]


def test_the_page_builds_the_same_tags_as_python_allows() -> None:
    listed = re.search(r"var TAGS = \[([^\]]*)\]", STORY_JS.read_text("utf-8"))
    assert listed is not None
    assert tuple(re.findall(r'"(\w+)"', listed.group(1))) == TAGS


@pytest.mark.parametrize(("heading", "message"), [
    ('## A {period=1981/1986}', "attributes: cannot read '{period=1981/1986}'"),
    ('## A {period="1981"', None),  # not attributes: a heading that happens to hold a brace
])
def test_unreadable_attributes_are_located(tmp_path: Path, heading: str, message: str) -> None:
    path = story_file(tmp_path, f"# Title\n\n{heading}\ntext\n")
    if message is None:
        assert read_story(path).steps[0].title == heading[3:]
        return
    with pytest.raises(DataError) as caught:
        read_story(path)
    assert str(caught.value).startswith(f"{path}:3: {message}")


def test_a_story_without_steps_or_with_bad_yaml_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"no steps: a step is a level-2 heading"):
        read_story(story_file(tmp_path, "# Title\n"))
    with pytest.raises(DataError) as caught:
        read_story(story_file(tmp_path, f"---\ntitle: [unclosed\n---\n{PARIS}"))
    where = re.escape(str(tmp_path / "story.md"))
    assert re.match(rf"{where}:\d: front matter: not YAML", str(caught.value))
    with pytest.raises(DataError, match="a story is Markdown"):
        read_story(story_file(tmp_path, PARIS, "story.txt"))


# --- StoryMapJS --------------------------------------------------------------------------------

STORYMAPJS = {
    "storymap": {
        "slides": [
            {"type": "overview", "text": {"headline": "The <i>moves</i>", "text": "<p>Hi</p>"}},
            {"date": "1981–1986", "location": {"lat": 48.85, "lon": 2.35, "zoom": 6},
             "text": {"headline": "Paris", "text": '<p>Exile <script>x()</script>'
                      '<img src=x onerror="y()"><a href="https://x.org">link</a></p>'},
             "media": {"url": "https://example.org/photo.jpg"}},
            {"date": "The early years", "location": {"lat": "33.3", "lon": "44.4"},
             "text": {"headline": "Iraq", "text": ""}},
        ]
    }
}


def test_a_storymapjs_story_moves_in(tmp_path: Path, data: mapgen.Dataset) -> None:
    path = story_file(tmp_path, json.dumps(STORYMAPJS), "story.json")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        story = mapgen.load_story(path, data)
    said = {(w.category, str(w.message)) for w in caught}
    assert said >= {
        (MapgenNote, f"{path}: slide 2: date '1981–1986' read as the period 1981/1986"),
        (MapgenWarning, f"{path}: slide 2: media is not shown (a step's caption is text)"),
        (MapgenWarning, f"{path}: slide 3: date 'The early years' is not a date mapgen reads: "
                        "the step shows every date"),
        (MapgenNote, f"{path}: slide 3: location has no zoom: zoom 6"),
    }
    assert story.title == "The moves"
    assert [s.title for s in story.steps] == ["The moves", "Paris", "Iraq"]
    paris, iraq = story.steps[1], story.steps[2]
    assert (paris.period.label(), paris.view) == ("1981–1986", (48.85, 2.35, 6))
    assert paris.caption == (["p", {}, "Exile ", ["a", {"href": "https://x.org"}, "link"]],)
    assert (iraq.period.unbounded, iraq.view) == (True, (33.3, 44.4, 6))


def test_a_storymapjs_file_that_is_not_one_is_refused(tmp_path: Path) -> None:
    path = story_file(tmp_path, '{"slides": []}', "s.json")
    with pytest.raises(DataError, match=r"s.json: not a StoryMapJS story: no storymap.slides"):
        read_story(path)
    bad = {"storymap": {"slides": [{"location": {"lat": "north", "lon": 2}}]}}
    with pytest.raises(DataError, match=r"s.json: slide 1: location: lat and lon must be numbers"):
        read_story(story_file(tmp_path, json.dumps(bad), "s.json"))


# --- checked against the data ------------------------------------------------------------------

BAD = (
    '## One {period="1965/1981" places="hq-tehran"}\n'
    'x\n'
    '## Two {period="1981/19866" places="hq-pariss,Tehran, Iran" layers="Headquarter,events"}\n'
    '## Three {at="1988-07" perod="x" view="48.85,2.35,6.5"}\n'
    '## Four {period="2030/2040" view="91,0,3"}\n'
    '## Five {period="1900/1950"}\n'
    '## Six {period="1981" at="1981"}\n'
)


def test_every_problem_of_a_story_is_one_located_line(tmp_path: Path, data: mapgen.Dataset) -> None:
    path = story_file(tmp_path, BAD)
    with pytest.raises(DataError) as caught:
        mapgen.load_story(path, data)
    lines = [str(p) for p in caught.value.problems]
    # the date's own words are mapgen.filter's (as for --from): located here, said there
    assert lines.pop(0).startswith(f"{path}:3: period: '1981/19866' ")
    assert lines == [
        f"{path}:3: layers: no layer 'Headquarter' (did you mean 'Headquarters'?) "
        "(this map has: Headquarters, Dated events)",
        f"{path}:3: places: no place 'hq-pariss' (did you mean 'hq-paris'?)",
        f"{path}:3: places: no place 'Tehran' (did you mean 'hq-tehran'?)",
        f"{path}:3: places: no place 'Iran'",
        f"{path}:4: perod: not an attribute of a step (they are: period, at, places, layers, "
        "view, highlight) (did you mean 'period'?)",
        f"{path}:4: view: '48.85,2.35,6.5': the zoom must be a whole number from 0 to 20",
        f"{path}:5: period: '2030/2040' is outside the data's dates (since 1965, ongoing to "
        "today)",
        f"{path}:5: view: '91,0,3': the latitude must be within -90..90 and the longitude "
        "within -180..180",
        f"{path}:6: period: '1900/1950' is outside the data's dates (since 1965, ongoing to "
        "today)",
        f"{path}:7: at: give period or at, not both",
    ]


def test_names_layers_by_label_or_key_and_named_periods(tmp_path: Path,
                                                        data: mapgen.Dataset) -> None:
    path = story_file(tmp_path, (
        '## A {period="iraq" layers="headquarters,Dated events" places="hq-camp-ashraf"}\n'
        '## B {at="2003" highlight="ev-2003-ceasefire-disarmament"}\n'
        '## C\n'
        '## D {period="1981–1986"}\n'  # as a table writes it: the same reading as --from/--to
    ))
    a, b, c, d = mapgen.load_story(path, data).steps
    assert d.period == mapgen.period(data, start="1981", end="1986")
    assert a.layers == ("headquarters", "events")
    assert a.period == mapgen.period(data, name="iraq")
    assert b.period == mapgen.period(data, at="2003")
    assert b.framed == ("ev-2003-ceasefire-disarmament",)
    assert (c.period.unbounded, c.layers, c.view) == (True, None, None)


def test_a_place_the_step_does_not_show_is_said(tmp_path: Path, data: mapgen.Dataset) -> None:
    path = story_file(tmp_path, '## A {period="1965/1970" places="hq-paris"}\n')
    with pytest.warns(MapgenWarning, match=rf"{re.escape(str(path))}:1: 'hq-paris' is not "
                      r"shown in this step \(outside its period\)"):
        mapgen.load_story(path, data)


# --- the CLI and the API -----------------------------------------------------------------------


def test_build_with_a_bad_story_writes_nothing(tmp_path: Path) -> None:
    path = story_file(tmp_path, '## A {places="hq-pariss"}\n')
    out = tmp_path / "map.html"
    result = CliRunner().invoke(main, ["build", "--story", str(path), "-o", str(out)])
    assert result.exit_code == 1
    assert result.output == (
        f"error: {path}:1: places: no place 'hq-pariss' (did you mean 'hq-paris'?)\n"
    )
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["story.md"]


def test_validate_checks_a_story_against_the_default_data(tmp_path: Path) -> None:
    runner = CliRunner()
    story = mapgen.default_story()
    result = runner.invoke(main, ["validate", "--story", str(story)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == f"ok: {story}: 6 steps"
    bad = story_file(tmp_path, '## A {layers="camps"}\n')
    result = runner.invoke(main, ["validate", "--story", str(bad)])
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {bad}:1: layers: no layer 'camps'")
    assert runner.invoke(main, ["validate"]).exit_code == 2


def test_story_options_that_do_not_fit_are_usage_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    story = str(mapgen.default_story())
    for args in (["build", "--story-panel", "off"],
                 ["build", "--story", story, "--split", "decade"],
                 ["render", "--story", story, "--timeline", "-o", str(tmp_path / "a.pdf")]):
        result = runner.invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
    assert list(tmp_path.iterdir()) == []


def test_a_story_page_is_the_same_bytes_twice_and_carries_captions_as_data(
    tmp_path: Path,
) -> None:
    story = story_file(tmp_path, f"{PARIS}<b>bold</b> {{{{ 7*7 }}}} **strong**\n")
    pages = []
    for name in ("a.html", "b.html"):
        cmd = [str(ROOT / ".venv/bin/mapgen"), "build", "--story", str(story), "-o",
               str(tmp_path / name)]
        subprocess.run(cmd, check=True, capture_output=True)
        pages.append((tmp_path / name).read_bytes())
    assert pages[0] == pages[1]
    html = pages[0].decode("utf-8")
    assert "<b>bold</b>" not in html and "{{" not in html  # in JSON: \u003cb\u003e, \u007b
    assert '"strong",{},"strong"' in html


def test_the_panel_can_be_left_out(data: mapgen.Dataset) -> None:
    with_panel = page_html(mapgen.build_map(data, story=mapgen.default_story()))
    without = page_html(mapgen.build_map(data, story=mapgen.default_story(), story_panel=False))
    assert '"panel":true' in with_panel and '"panel":false' in without
    plain = page_html(mapgen.build_map(data))  # no story, no story script
    assert "window.MapgenStory = Story" in without and "window.MapgenStory = " not in plain


def test_embed_with_steps_prints_the_host_script(tmp_path: Path) -> None:
    page = tmp_path / "map.html"
    page.write_text("<title>A map</title>", "utf-8")
    text = mapgen.embed(page, 500, steps=True)
    assert text.startswith(f'<iframe src="{page}" title="A map" style="width: 100%; height: '
                           '500px; border: 0;" loading="lazy" data-mapgen-story></iframe>\n'
                           "<script>\n/* story-host.js")
    assert text.endswith("</script>\n") and "data-mapgen-story" not in mapgen.embed(page)


# --- print -------------------------------------------------------------------------------------


def pdf_pages(path: Path) -> int:
    """The pages of a PDF, as poppler's pdfinfo counts them."""
    pdfinfo = shutil.which("pdfinfo")
    assert pdfinfo, "pdfinfo not found: `bash scripts/setup --browser` installs poppler-utils"
    info = subprocess.run([pdfinfo, str(path)], check=True, capture_output=True, text=True)
    found = re.search(r"^Pages:\s+(\d+)$", info.stdout, re.M)
    assert found, info.stdout
    return int(found.group(1))


def test_a_story_prints_a_page_a_step(tmp_path: Path) -> None:
    story = str(mapgen.default_story())
    runner = CliRunner()
    result = runner.invoke(main, ["render", "--story", story, "-o", str(tmp_path / "s.pdf")])
    assert result.exit_code == 0, result.output
    assert pdf_pages(tmp_path / "s.pdf") == 6
    result = runner.invoke(main, ["render", "--story", story, "-o", str(tmp_path / "p.png"),
                                  "--width", "800", "--height", "500", "--dpi", "100"])
    assert result.exit_code == 0, result.output
    names = [f"p-{n:02d}.png" for n in range(1, 7)]
    assert result.stdout.split() == [str(tmp_path / name) for name in names]
    assert sorted(p.name for p in tmp_path.glob("p*.png")) == names
    again = tmp_path / "again"
    result = runner.invoke(main, ["render", "--story", story, "-o", str(again / "s.pdf")])
    assert (again / "s.pdf").read_bytes() == (tmp_path / "s.pdf").read_bytes()


def test_a_printed_step_states_its_heading_period_and_caption(tmp_path: Path) -> None:
    out = tmp_path / "s.svg"
    mapgen.render_story(mapgen.load(), mapgen.default_story(), out)
    svg = (tmp_path / "s-02.svg").read_text("utf-8")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "Exile in Paris, 1981–1986" in texts
    assert any(t.startswith("Step 2 of 6 · 1981–1986 · ") for t in texts)
    assert any("Auvers-sur-Oise" in t for t in texts)


def test_a_caption_longer_than_the_page_is_cut_and_said(tmp_path: Path,
                                                       data: mapgen.Dataset) -> None:
    story = story_file(tmp_path, PARIS + "\n\n".join(["A long paragraph of words."] * 60))
    with pytest.warns(MapgenWarning, match=r"story.md:1: the caption is longer than the page"):
        mapgen.render_story(data, story, tmp_path / "s.pdf")
    assert pdf_pages(tmp_path / "s.pdf") == 1


# --- the default dataset's story ---------------------------------------------------------------


def test_the_default_story_is_packaged_and_checks(data: mapgen.Dataset) -> None:
    path = mapgen.default_story()
    assert path.name == "pmoi-headquarters.story.md" and path.is_file()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not even a warning
        story = mapgen.load_story(path, data)
    assert 5 <= len(story.steps) <= 6
    toml = (ROOT / "pyproject.toml").read_text("utf-8")
    assert '"mapgen.mapdata" = ["*.geojson", "*.story.md", "README.md"]' in toml
    # every step credits its source with a link, as the dataset's rules ask
    for step in story.steps:
        assert "https://en.wikipedia.org/wiki/People%27s_Mojahedin_Organization_of_Iran" in \
            json.dumps(step.caption)


def test_the_story_of_other_data_names_its_places(tmp_path: Path) -> None:
    source = write_geojson(tmp_path / "camps.geojson", [
        feature("camp-a", name="Camp A", when=("1990/1995",)),
        feature("camp-b", name="Camp B", when=("1996/2000",), lon=12.0),
    ])
    story = story_file(tmp_path, '## One {places="camp-a"}\n## Two {places="camp-bb"}\n'
                       '## Three {period="1800/1850"}\n')
    result = CliRunner().invoke(main, ["validate", str(source), "--story", str(story)])
    assert result.exit_code == 1
    assert result.output == (
        f"error: {story}:2: places: no place 'camp-bb' (did you mean 'camp-b'?)\n"
        f"error: {story}:3: period: '1800/1850' is outside the data's dates (1990–2000)\n"
    )
