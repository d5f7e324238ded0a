"""A popup shows a place's other properties (Place.extra) as a small table: all of them up to
POPUP_FIELDS, then "+N more", or the ones popup_fields names; a value that is one http(s) URL
is a link, everything else text (escaped, never markup)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import mapgen
from mapgen.cli import main
from mapgen.errors import OptionError
from mapgen.html.payload import POPUP_FIELDS, payload, script_json
from tests.browser import MapPage
from tests.conftest import OpenMap
from tests.helpers import feature, write_geojson
from tests.test_real_data import PLEIADES, REAL

PLEIADES_URL = "https://pleiades.stoa.org/places/579885"
OTHER = {
    "pleiades": PLEIADES_URL,
    "population": 56,
    "capital": True,
    "tags": ["port", "colony"],
    "founded_by": "<b>Megara</b>",
    "unknown": None,
    "blank": "  ",
    "script": "javascript:alert(1)",
    "spaced": "https://example.org/a b",
    "turned": "https://example.org/\u202egpj.exe",  # a direction mark: shown as text
}


@pytest.fixture
def source(tmp_path: Path) -> Path:
    many = {f"k{n:02d}": f"value {n}" for n in range(POPUP_FIELDS + 3)}
    return write_geojson(tmp_path / "props.geojson", [
        feature("byz", name="Byzantion", **OTHER),
        feature("many", name="Many", lon=12, **many),
        feature("none", name="Plain", lon=14),
    ])


def fields(data: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    info = data["places"]["info"]
    return list(info["fields"]), list(info["more"])


def test_other_properties_go_to_the_popup_as_text(source: Path) -> None:
    shown, more = fields(payload(mapgen.load(source)))
    assert shown[0] == [  # sorted by name (as loaded); null and blank values left out
        ["capital", "true"],
        ["founded_by", "<b>Megara</b>"],
        ["pleiades", PLEIADES_URL],
        ["population", "56"],
        ["script", "javascript:alert(1)"],
        ["spaced", "https://example.org/a b"],
        ["tags", '["port", "colony"]'],
        ["turned", "https://example.org/\u202egpj.exe"],
    ]
    assert [name for name, _ in shown[1]] == [f"k{n:02d}" for n in range(POPUP_FIELDS)]
    assert more == [None, 3, None] and shown[2] is None


def test_popup_fields_names_the_properties_and_their_order(source: Path) -> None:
    data = mapgen.load(source)
    shown, more = fields(payload(data, popup_fields=["population", "pleiades", "k01"]))
    assert shown == [[["population", "56"], ["pleiades", PLEIADES_URL]], [["k01", "value 1"]],
                     None]
    assert more == [None, None, None]  # only what was asked for: nothing more to count
    assert fields(payload(data, popup_fields=[])) == ([None] * 3, [None] * 3)
    with pytest.raises(OptionError, match="popup_fields: no place has 'populaton' "
                       r"\(did you mean 'population'\?\), 'zzz' \(the properties are: "
                       "blank, capital, "):
        payload(data, popup_fields=["populaton", "pleiades", "zzz"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        payload(data, popup_fields=["unknown"])  # a place has it (null): no error, no warning
    assert fields(payload(data, popup_fields=["k01", "k01"]))[0][1] == [["k01", "value 1"]]
    with pytest.raises(OptionError, match="a list of property names"):
        payload(data, popup_fields="pleiades")
    first = script_json(payload(data, popup_fields=["tags", "capital"]))
    assert first == script_json(payload(mapgen.load(source), popup_fields=["tags", "capital"]))


def test_the_command_line_names_the_popup_fields(source: Path, tmp_path: Path) -> None:
    """--popup-fields a,b over build_map(popup_fields=); a name no place has is one line
    naming the properties there are, exit 2, and no page written."""
    runner = CliRunner()
    every, chosen = tmp_path / "every.html", tmp_path / "chosen.html"
    result = runner.invoke(main, ["build", str(source), "-o", str(every)])
    assert result.exit_code == 0, result.output
    assert "founded_by" in every.read_text("utf-8")  # by default: every property
    result = runner.invoke(main, ["build", str(source), "-o", str(chosen),
                                  "--popup-fields", "population, pleiades"])
    assert result.exit_code == 0, result.output
    page = chosen.read_text("utf-8")
    assert "founded_by" not in page and "Megara" not in page and "k01" not in page
    assert page.index('"population"') < page.index('"pleiades"') and PLEIADES_URL in page

    wrong = tmp_path / "wrong.html"
    result = runner.invoke(main, ["build", str(source), "-o", str(wrong),
                                  "--popup-fields", "populaton,pleiades"])
    assert result.exit_code == 2 and not wrong.exists()
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "error: --popup-fields: no place has 'populaton' (did you mean 'population'?) "
        "(the properties are: blank, capital, founded_by, pleiades, population, script, ")
    assert lines[0].endswith(", k13, k14)")  # each property once, in the order met
    for bad in (",", "population,,pleiades"):
        result = runner.invoke(main, ["build", str(source), "-o", str(wrong),
                                      "--popup-fields", bad])
        assert result.exit_code == 2 and "NAME,NAME" in result.stderr and not wrong.exists()
    result = runner.invoke(main, ["build", str(source), "--split", "decade", "-o",
                                  str(tmp_path / "series"), "--popup-fields", "population"])
    assert result.exit_code == 2 and "--popup-fields" in result.stderr
    assert not (tmp_path / "series").exists()


def popup(mp: MapPage, place: str) -> dict[str, Any]:
    mp.evaluate(f"window.mapgen.openPopup({place!r})")
    box = mp.page.locator(".leaflet-popup-content")
    box.wait_for()
    return mp.evaluate("""() => {
      const box = document.querySelector('.leaflet-popup-content');
      const rows = [...box.querySelectorAll('.mapgen-popup-fields tr')].map((tr) => [
        tr.querySelector('th').textContent, tr.querySelector('td').textContent,
        tr.querySelector('td a') && tr.querySelector('td a').getAttribute('href'),
        tr.querySelector('td a') && tr.querySelector('td a').getAttribute('rel')]);
      const more = box.querySelector('.mapgen-popup-more');
      return {rows: rows, more: more && more.textContent,
              markup: box.querySelectorAll('b').length}; }""")


def test_the_popup_shows_a_table_with_links_for_urls_only(
    open_map: OpenMap, source: Path, tmp_path: Path
) -> None:
    mp = open_map(mapgen.save(mapgen.build_map(mapgen.load(source)), tmp_path / "p.html"))
    got = popup(mp, "byz")
    links = {name: href for name, _, href, _ in got["rows"] if href}
    assert links == {"pleiades": PLEIADES_URL}
    assert {rel for *_, rel in got["rows"] if rel} == {"noopener noreferrer"}
    texts = {name: text for name, text, *_ in got["rows"]}
    assert texts["founded_by"] == "<b>Megara</b>" and got["markup"] == 0
    assert texts["script"] == "javascript:alert(1)" and texts["population"] == "56"
    assert got["more"] is None
    mp.evaluate("window.mapgen.map.closePopup()")
    many = popup(mp, "many")
    assert len(many["rows"]) == POPUP_FIELDS and many["more"] == "+3 more"
    mp.evaluate("window.mapgen.map.closePopup()")
    assert popup(mp, "none")["rows"] == []
    assert mp.page_errors == [] and mp.console_errors == []


def test_a_pleiades_export_keeps_its_links_in_the_popup(open_map: OpenMap, tmp_path: Path) -> None:
    """Real data (tests/data/real/location_points.csv): a Pleiades export's other columns,
    its URIs as links."""
    data = mapgen.load(REAL / "location_points.csv", **PLEIADES)
    place = data.places[0]
    mp = open_map(mapgen.save(mapgen.build_map(data), tmp_path / "pleiades.html"))
    got = popup(mp, place.id)
    assert [name for name, *_ in got["rows"]] == [key for key, _ in place.extra]
    links = {name: href for name, _, href, _ in got["rows"] if href}
    assert links["accuracy_assessment_uri"].startswith("https://pleiades.stoa.org/")
    assert mp.page_errors == []
