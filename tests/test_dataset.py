"""Invariants of the default dataset (issue 13): sourced events, visible inferences, and
named periods that cover the headquarters they name."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

import mapgen
from mapgen.cli import main
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


@pytest.fixture(scope="module")
def data() -> mapgen.Dataset:
    return mapgen.load()


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
