"""Accessibility of the map page (issue 10, item 6): an axe-core audit of the default map, a
filtered map, the timeline panel open and a fragment finds no serious or critical violation;
every control has a name from the start, is reachable with the keyboard and shows its focus;
the timeline's names have AA contrast.

axe-core comes from npm: ``npm install --prefix .cache axe-core`` puts it where this test
looks (``.cache/node_modules/axe-core/axe.min.js``); ``MAPGEN_AXE`` names another file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import mapgen
from mapgen.html.page import fragment_html
from tests.conftest import OpenMap
from tests.test_layout import many_layers

ROOT = Path(__file__).resolve().parent.parent
AXE = Path(os.environ.get("MAPGEN_AXE", ROOT / ".cache/node_modules/axe-core/axe.min.js"))

AUDIT = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
}"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    assert AXE.is_file(), (
        f"axe-core not found at {AXE}: run `npm install --prefix .cache axe-core` "
        "or set MAPGEN_AXE to axe.min.js"
    )
    folder = tmp_path_factory.mktemp("a11y")
    data = mapgen.load()
    default = folder / "default.html"
    mapgen.save(data, default)
    filtered = folder / "filtered.html"
    mapgen.save(mapgen.select(data, mapgen.period(data, start="1986", end="2003")), filtered)
    fragment = folder / "fragment.html"
    fragment.write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>A report</title>"
        "</head><body><main><h1>A report</h1>"
        + fragment_html(mapgen.build_map(data))
        + "</main></body></html>",
        "utf-8",
    )
    return {"default": default, "filtered": filtered, "fragment": fragment,
            "37-layers": many_layers(folder)}


def audit(mp: Any) -> list[str]:
    # evaluated, not added as a <script>: the page's Content-Security-Policy would refuse it
    mp.page.evaluate(AXE.read_text("utf-8"))
    return mp.evaluate(AUDIT)


@pytest.mark.parametrize("name", ["default", "filtered", "fragment", "timeline", "37-layers"])
def test_axe_finds_no_serious_violation(
    open_map: OpenMap, pages: dict[str, Path], name: str
) -> None:
    mp = open_map(pages["default" if name == "timeline" else name])
    if name == "timeline":
        mp.page.locator(".mapgen-pc-timeline-toggle").click()
    assert audit(mp) == []


def test_the_audit_finds_a_nameless_button(open_map: OpenMap, pages: dict[str, Path]) -> None:
    mp = open_map(pages["default"])
    mp.evaluate("document.body.appendChild(document.createElement('button'))")
    assert [v for v in audit(mp) if v.startswith("button-name")]


def test_fields_have_names_from_the_start(open_map: OpenMap, pages: dict[str, Path]) -> None:
    mp = open_map(pages["default"])
    assert mp.page.get_by_label("Start of period (year or date)").count() == 1
    assert mp.page.get_by_label("End of period (year or date, or present)").count() == 1


def test_every_control_is_reachable_and_shows_focus(
    open_map: OpenMap, pages: dict[str, Path]
) -> None:
    mp = open_map(pages["default"])
    seen: list[str] = []
    for _ in range(70):
        mp.page.keyboard.press("Tab")
        focus = mp.evaluate("""() => {
          const n = document.activeElement, s = getComputedStyle(n);
          return [n.getAttribute('class') || n.tagName,
                  s.outlineStyle !== 'none' || s.boxShadow !== 'none'];
        }""")
        if focus[0] == "BODY":  # past the last control
            break
        seen.append(focus[0])
        assert focus[1], f"{focus[0]} shows no focus"
    for control in ("mapgen-layers-toggle", "mapgen-legend-toggle", "mapgen-pc-play",
                    "mapgen-pc-from", "mapgen-pc-handle-to", "mapgen-pc-timeline-toggle",
                    "mapgen-pc-collapse", "leaflet-control-zoom-in"):
        assert any(control in name for name in seen), f"{control} not reached: {seen}"


def test_timeline_names_have_aa_contrast(open_map: OpenMap, pages: dict[str, Path]) -> None:
    mp = open_map(pages["default"])
    ratios = mp.evaluate("""() => {
      const label = MapgenPeriod.TimelinePanel.label, c = MapgenUI.contrast;
      return [c(label.TEXT, label.PANEL), c(label.TEXT_OFF, label.PANEL)];
    }""")
    assert min(ratios) >= 4.5
    cut = mp.evaluate("""() => {
      const ctx = document.createElement('canvas').getContext('2d');
      ctx.font = '10px sans-serif';
      const name = 'Camp Liberty (Camp Hurriya), Baghdad';
      return MapgenPeriod.TimelinePanel.label.fitText(ctx, name, 90);
    }""")
    assert cut.endswith("…") and cut[:-1] in ("Camp Liberty", "Camp Liberty (Camp")
