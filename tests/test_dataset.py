"""Invariants of the default dataset (issues 13, 24 and 26): sourced events, visible inferences,
named periods that cover the headquarters they name, a credit line that names every adapted
text and the dataset's own licence, the places and sources issue 26 corrected, and names in
other languages that each have a sourced row in mapdata/README.md."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

import mapgen
from mapgen.cli import main
from mapgen.language import LANGUAGES
from mapgen.rules import is_other_name
from tests.conftest import OpenMap

# Places whose location the sources do not state (mapdata/README.md, "Inferred places").
INFERRED = {
    "ev-1965-founding",
    "ev-1981-ncri-founding",
    "ev-1983-iraqi-officials",
    "ev-2001-12-cologne",
    "ev-2005-05-hrw-report",
    "ev-2020-02-albania-camp-membership",
}

# Each named period and the headquarters its name implies (mapdata/README.md, "Layers and
# periods"). A period may also touch a neighbour at its boundary year; it must not miss these.
PERIOD_HEADQUARTERS = {
    "iran": {"hq-tehran"},
    "exile-france": {"hq-paris"},
    "iraq": {"hq-camp-ashraf", "hq-camp-liberty"},
    "iraq-before-disarmament": {"hq-camp-ashraf"},
    "after-disarmament": {"hq-paris", "hq-camp-ashraf", "hq-camp-liberty", "hq-ashraf-3"},
    "relocation-to-liberty": {"hq-camp-ashraf", "hq-camp-liberty"},
    "albania": {"hq-ashraf-3"},
}

# Copies of Wikipedia and paste sites: never a source (mapdata/README.md, "Canonical sources").
MIRROR_HOSTS = (
    "wikimili.com",
    "iiab.me",
    "kidzsearch.com",
    "liquisearch.com",
    "review.clateway.com",
    "wiki.org.ai",
    "search.com.vn",
    "friendlywiki.com",
    "piglix.com",
    "dweb.link",
    "bitbin.it",
)


# The licence the dataset itself is under, as CC BY-SA's ShareAlike asks of an adaptation.
DATASET_LICENCE = "This dataset is licensed under CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/)."

# The dated claims of the phased move between the camps, each with the source that makes it:
# (words in the description, the source named there, that source's site).
CAMP_MOVE = (
    ("17 February 2012", "The Washington Times", "washingtontimes.com"),
    ("11 September 2013", "Nejat Society", "nejatngo.org"),
)


@pytest.fixture(scope="module")
def data() -> mapgen.Dataset:
    return mapgen.load()


def place(data: mapgen.Dataset, place_id: str) -> mapgen.Place:
    return next(p for p in data.places if p.id == place_id)


def hosts(p: mapgen.Place) -> list[str]:
    return [(urlsplit(s.url).hostname or "").lower() for s in p.sources]


def raw_properties() -> list[dict[str, object]]:
    """The features' properties as written in the file, before mapgen reads them."""
    doc = json.loads(mapgen.default_source().read_text("utf-8"))
    return [feature["properties"] for feature in doc["features"]]


def test_every_event_has_a_source_with_an_http_url(data: mapgen.Dataset) -> None:
    events = [p for p in data.places if p.layer == "events"]
    assert events
    for place in events:
        assert place.sources, place.id
        for source in place.sources:
            parts = urlsplit(source.url)
            assert parts.scheme in ("http", "https") and parts.netloc, (place.id, source.url)


def test_sources_are_canonical_pages_not_mirrors(data: mapgen.Dataset) -> None:
    for place in data.places:
        for source in place.sources:
            host = (urlsplit(source.url).hostname or "").lower()
            assert not any(host == m or host.endswith("." + m) for m in MIRROR_HOSTS), source.url
            if host.endswith("wikipedia.org"):
                # https://<lang>.wikipedia.org/wiki/<Title>, not the mobile site or a revision
                assert source.url.startswith("https://"), source.url
                assert host.count(".") == 2 and ".m." not in host, source.url
                assert urlsplit(source.url).path.startswith("/wiki/"), source.url


def test_inferred_places_are_marked_by_the_precision_field_not_the_name() -> None:
    props = raw_properties()
    assert {p["id"] for p in props if p.get("precision") == "inferred"} == INFERRED
    for p in props:
        name = str(p["name"]).lower()
        assert "inferred" not in name and "stand-in" not in name, p["id"]


@pytest.fixture(scope="module")
def built_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default map as a reader gets it: written by `mapgen build`."""
    out = tmp_path_factory.mktemp("dataset") / "map.html"
    assert CliRunner().invoke(main, ["build", "-o", str(out)]).exit_code == 0
    return out


def popup_text(mp, place_id: str) -> str:  # type: ignore[no-untyped-def]
    """Open a place's popup through the page's API and read what a reader sees; the previous
    popup is closed first, so exactly one is on the page."""
    popup = mp.page.locator(".leaflet-popup-content")
    mp.evaluate("() => window.mapgen.map.closePopup()")
    popup.wait_for(state="detached")
    mp.evaluate("(id) => window.mapgen.openPopup(id)", place_id)
    popup.wait_for()
    return popup.inner_text()


def test_inferred_places_say_so_in_their_popup(open_map: OpenMap, built_map: Path) -> None:
    mp = open_map(built_map)
    for place_id in sorted(INFERRED):
        assert "Precision: inferred" in popup_text(mp, place_id), place_id
    # A place whose location is stated does not claim to be inferred.
    text = popup_text(mp, "hq-tehran")
    assert "Precision: city" in text and "inferred" not in text
    mp.assert_clean()


def test_every_named_period_is_checked(data: mapgen.Dataset) -> None:
    assert [name for name, _ in data.periods] == list(PERIOD_HEADQUARTERS)


@pytest.mark.parametrize(("name", "expected"), sorted(PERIOD_HEADQUARTERS.items()))
def test_named_period_covers_the_headquarters_it_names(
    data: mapgen.Dataset, name: str, expected: set[str]
) -> None:
    view = mapgen.select(data, mapgen.period(data, name=name), layers=["headquarters"])
    shown = {place.id for place in view.places}
    assert expected <= shown, f"{name} misses {sorted(expected - shown)}"


def wikipedia_titles(urls: list[str]) -> set[str]:
    """English Wikipedia article titles, as a reader sees them, from their canonical URLs."""
    prefix = "https://en.wikipedia.org/wiki/"
    return {unquote(u[len(prefix):]).replace("_", " ") for u in urls if u.startswith(prefix)}


def readme_paraphrased() -> set[str]:
    """The Wikipedia articles mapdata/README.md says the descriptions adapt ("Origin and
    licence")."""
    readme = (mapgen.default_source().parent / "README.md").read_text("utf-8")
    section = readme.split("### Origin and licence", 1)[1].split("\n### ", 1)[0]
    return wikipedia_titles(re.findall(r"\]\((https://en\.wikipedia\.org/wiki/[^)\s]+)\)", section))


def test_attribution_credits_every_adapted_wikipedia_text(data: mapgen.Dataset) -> None:
    # A Wikipedia page cited for its text, not only for a coordinate, is adapted text:
    # CC BY-SA asks for its credit on the map and in the README.
    cited = wikipedia_titles(
        [s.url for p in data.places for s in p.sources if "coordinate" not in s.title]
    )
    listed = readme_paraphrased()
    assert "1980 Iranian presidential election" in cited
    assert cited <= listed, sorted(cited - listed)
    missing = sorted(t for t in listed if t not in data.attribution)
    assert missing == []


def test_attribution_states_the_dataset_licence(data: mapgen.Dataset) -> None:
    assert data.attribution.endswith(DATASET_LICENCE)
    readme = (mapgen.default_source().parent / "README.md").read_text("utf-8")
    assert DATASET_LICENCE in readme


def test_ncri_founding_follows_the_ncri_account_and_stays_inferred(data: mapgen.Dataset) -> None:
    ncri = place(data, "ev-1981-ncri-founding")
    assert ncri.geometry == place(data, "hq-tehran").geometry
    assert ncri.precision == "inferred"
    assert "According to the NCRI's own website" in ncri.description
    assert any(h == "ncr-iran.org" or h.endswith(".ncr-iran.org") for h in hosts(ncri))
    assert "Paris" in ncri.description  # the other account is stated, not dropped


def test_no_event_sits_on_a_headquarters_before_it_existed(data: mapgen.Dataset) -> None:
    # A map filtered to an event's years must not show a site that did not exist yet: the
    # 2016 settlement in Albania is not drawn on the camp the infobox dates from 2018.
    hqs = [p for p in data.places if p.layer == "headquarters"]
    for event in (p for p in data.places if p.layer == "events"):
        for hq in hqs:
            if event.geometry == hq.geometry:
                assert event.first_day >= hq.first_day, (event.id, hq.id)
    albania = place(data, "ev-2016-settlement-albania")
    assert albania.precision == "region"
    assert albania.geometry != place(data, "hq-ashraf-3").geometry


@pytest.mark.parametrize("camp", ["hq-camp-ashraf", "hq-camp-liberty"])
def test_the_camps_phased_move_names_its_sources(data: mapgen.Dataset, camp: str) -> None:
    p = place(data, camp)
    for words, source, site in CAMP_MOVE:
        assert words in p.description and source in p.description, (camp, words)
        assert any(h == site or h.endswith("." + site) for h in hosts(p)), (camp, site)


# A row of mapdata/README.md's "Names in other languages": id, language, name, source URL.
NAME_ROW = re.compile(r"^\| `([a-z0-9-]+)` \| `([a-z]{2,3})` \| (.+?) \| \[[^\]]+\]\((\S+)\) \|$")


def readme_names() -> list[tuple[str, str, str, str]]:
    """The rows of mapdata/README.md's table of names in other languages, in order."""
    readme = (mapgen.default_source().parent / "README.md").read_text("utf-8")
    section = readme.split("### Names in other languages", 1)[1].split("\n### ", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("| `")]
    rows = [NAME_ROW.match(line) for line in table]
    assert all(rows), [line for line, row in zip(table, rows, strict=True) if row is None]
    return [row.groups() for row in rows if row]


def test_every_other_name_is_in_a_language_of_mapgen_and_sourced_in_the_readme() -> None:
    # Issue 24: a name in another language is shown first on a map in that language, so it
    # must be one a source gives (mapdata/README.md, "Names in other languages").
    in_file = {(str(p["id"]), key.removeprefix("name_"), str(value))
               for p in raw_properties() for key, value in p.items() if is_other_name(key)}
    rows = readme_names()
    assert len({row[:3] for row in rows}) == len(rows)  # each name once
    assert {"fr", "de", "es", "fa", "ar"} <= {lang for _, lang, _, _ in rows}
    assert {lang for _, lang, _ in in_file} <= set(LANGUAGES) - {"en"}
    assert in_file == {row[:3] for row in rows}, (
        f"not in the README: {sorted(in_file - {row[:3] for row in rows})}; "
        f"not in the file: {sorted({row[:3] for row in rows} - in_file)}")
    for place_id, lang, name, url in rows:
        parts = urlsplit(url)
        assert parts.scheme in ("http", "https") and parts.netloc, (place_id, lang, url)
        if parts.hostname == f"{lang}.wikipedia.org":
            # A name taken from the title of that language's article is the title, letter
            # for letter (its URL spells it).
            title = unquote(parts.path.removeprefix("/wiki/")).replace("_", " ")
            assert title == name, (place_id, lang, title, name)
