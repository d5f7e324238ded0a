"""Many layers: distinct colours past eight, a page that opens as fast at 500 layers as at 5,
and past MAX_LAYERS the smallest layers drawn as one "Other" layer, with a warning."""

from __future__ import annotations

import random
import warnings
from pathlib import Path

import pytest

import mapgen
from mapgen.html.payload import MAX_LAYERS, group_small_layers
from mapgen.model import PALETTE
from tests.browser import OpenMap
from tests.helpers import feature, write_geojson


def dataset(tmp_path: Path, places: int, layers: int, **layer_specs: object) -> mapgen.Dataset:
    """*places* points in *layers* layers, one each, then more in the first layers."""
    rng = random.Random(7)
    features = [
        feature(
            f"p{i}",
            name=f"Place {i}",
            layer=f"L{i if i < layers else int(layers * rng.random() ** 2)}",
            when=(f"{1900 + i % 50}/{1950 + i % 60}",),
            lon=rng.uniform(-30, 60),
            lat=rng.uniform(-20, 60),
        )
        for i in range(places)
    ]
    members = {"layers": layer_specs} if layer_specs else {}
    return mapgen.load(write_geojson(tmp_path / f"{places}-{layers}.geojson", features, **members))


def test_few_layers_keep_mapgens_colours(tmp_path: Path) -> None:
    data = dataset(tmp_path, 40, 8)
    assert [layer.color for layer in data.layers] == list(PALETTE)


def test_many_layers_get_distinct_colours(tmp_path: Path) -> None:
    data = dataset(tmp_path, 200, 37)
    colours = [layer.color.lower() for layer in data.layers]
    assert len(colours) == 37 and len(set(colours)) == 37


def test_past_the_limit_the_smallest_layers_become_other(tmp_path: Path) -> None:
    data = dataset(tmp_path, 3000, 400, L7={"path": True})
    sizes = {layer.key: sum(p.layer == layer.key for p in data.places) for layer in data.layers}
    with pytest.warns(UserWarning) as caught:
        grouped = group_small_layers(data)
    assert len(grouped.layers) == MAX_LAYERS
    other = grouped.layers[-1]
    count = sum(p.layer == other.key for p in grouped.places)
    hidden = len(sizes) - (MAX_LAYERS - 1)
    assert other.label == f"Other ({hidden} layers)"
    assert str(caught[0].message) == (
        f'{len(sizes)} layers: the map shows the {MAX_LAYERS - 1} largest and draws the other '
        f'{hidden} ({count} places) as one layer, "Other" (at most {MAX_LAYERS} layers)'
    )
    kept = [layer.key for layer in grouped.layers[:-1]]
    assert "L7" in kept  # a layer with movement paths is never grouped
    smallest_kept = min(sizes[k] for k in kept if k != "L7")
    assert all(sizes[k] <= smallest_kept for k in sizes if k not in kept)
    assert len(grouped.places) == len(data.places)
    assert [p.id for p in grouped.places] == [p.id for p in data.places]


def test_up_to_the_limit_nothing_is_grouped(tmp_path: Path) -> None:
    data = dataset(tmp_path, 500, MAX_LAYERS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert group_small_layers(data) is data


def test_500_layers_share_a_few_canvases(open_map: OpenMap, tmp_path: Path) -> None:
    """A canvas (and a pane) per layer made 20,000 places in 500 layers take 64 s to open;
    layers now share at most 8 panes, and points all layers one canvas."""
    data = dataset(tmp_path, 20_000, 500)
    with pytest.warns(UserWarning, match="500 layers"):
        page = mapgen.save(mapgen.build_map(data), tmp_path / "many.html")
    mp = open_map(page, url_hash="layers=1")  # the layer switches, folded past 12 layers
    assert mp.evaluate("document.querySelectorAll('canvas.mapgen-points').length") == 1
    assert mp.evaluate("document.querySelectorAll('[class*=leaflet-mapgen-layer-]').length") == 8
    labels = mp.page.locator(".leaflet-control-layers-overlays label")
    assert labels.count() == MAX_LAYERS
    # Switching one layer off hides its places only, though it shares its canvas.
    first = mp.evaluate("window.mapgen.data.layers[1].key")
    drawn = "window.mapgen.renderer.canvas.layers.reduce((n, c) => n + c.drawnCount, 0)"
    before, shown = mp.evaluate(drawn), set(mp.visible())
    labels.nth(1).click()
    mp.page.wait_for_timeout(200)
    mine = {p.id for p in data.places if p.layer == first} & shown
    assert mine and set(mp.visible()) == shown - mine
    assert mp.evaluate(drawn) < before
    assert mp.page_errors == [] and mp.console_errors == []


def test_5000_layers_open(open_map: OpenMap, tmp_path: Path) -> None:
    data = dataset(tmp_path, 20_000, 5000)
    with pytest.warns(UserWarning, match="5000 layers"):
        page = mapgen.save(mapgen.build_map(data), tmp_path / "mistake.html")
    mp = open_map(page)
    assert len(mp.visible()) == 20_000
    legend = mp.page.locator(".mapgen-legend").inner_text()
    assert "Other (" in legend
    assert mp.page_errors == []
