"""Static maps (mapgen render): file formats and sizes, text that stays text, selection,
determinism, the offline basemap, the label placer and the CLI's exit codes."""

from __future__ import annotations

import io
import json
import math
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from PIL import Image

import mapgen
from mapgen.cli import main
from mapgen.dates import days_from_civil, today_number
from mapgen.static import render_bytes
from mapgen.static.density import DENSE_POINTS, crowding, dot_style, near, roomy
from mapgen.static.labels import place_labels
from mapgen.static.mapview import map_extent
from mapgen.static.timeline import layout_timeline, timeline_bars, year_ticks
from tests.helpers import feature, write_geojson

SVG = "{http://www.w3.org/2000/svg}"
TITLE = "Camps & <offices> of $ome group"
NAMES = {"alpha": "Alpha camp", "beta": "Beta office", "gamma": "Fund $5 $x$"}


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three places with short names (one label line each) in two layers, one a path."""
    folder = tmp_path_factory.mktemp("static")
    return write_geojson(
        folder / "places.geojson",
        [
            feature("alpha", name=NAMES["alpha"], layer="camps", when=["1981/1986"], lon=10),
            feature("beta", name=NAMES["beta"], layer="camps", when=["1990/.."], lon=20, lat=45),
            feature("gamma", name=NAMES["gamma"], layer="events", when=["1995"], lon=15, lat=40),
        ],
        title=TITLE,
        attribution="Test data",
        layers={"camps": {"label": "Camps", "path": True}, "events": {"label": "Events"}},
    )


@pytest.fixture(scope="module")
def dataset(source: Path) -> mapgen.Dataset:
    return mapgen.load(source)


def svg_texts(data: bytes) -> list[str]:
    """The text of every <text> element: with svg.fonttype 'none', labels stay text."""
    root = ET.fromstring(data)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_png_is_exactly_the_size_asked_for(dataset: mapgen.Dataset, tmp_path: Path) -> None:
    # Odd sizes: width / dpi * dpi is 1000.9999… in floating point.
    path = mapgen.render(dataset, tmp_path / "map.png", width=1001, height=777, dpi=300)
    assert path == tmp_path / "map.png"
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == (1001, 777)
    with Image.open(io.BytesIO(render_bytes(dataset, "png"))) as image:
        assert image.size == (1600, 1000)  # the defaults


def test_svg_is_vector_with_its_size_title_and_labels(dataset: mapgen.Dataset) -> None:
    data = render_bytes(dataset, "svg", width=1200, height=900, dpi=150)
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg"
    assert root.get("width") == "576pt" and root.get("height") == "432pt"  # 8 × 6 inches
    assert b"<image" not in data
    texts = svg_texts(data)
    assert TITLE in texts
    for name in NAMES.values():  # "$x$" stays dollars, not mathtext
        assert name in texts
    assert "Camps" in texts and "Events" in texts  # the legend
    assert any("Test data" in t and "Natural Earth" in t for t in texts)  # the attribution


def test_pdf_is_vector_with_its_page_size(dataset: mapgen.Dataset) -> None:
    data = render_bytes(dataset, "pdf", width=1000, height=500, dpi=100)
    assert data.startswith(b"%PDF-")
    boxes = re.findall(rb"/MediaBox \[ ?([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) ?\]", data)
    assert [tuple(float(v) for v in box) for box in boxes] == [(0, 0, 720, 360)]
    assert not re.search(rb"/Subtype\s*/Image", data)


def test_period_selection_leaves_places_out(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "early.svg"
    result = CliRunner().invoke(
        main, ["render", str(source), "-o", str(out), "--from", "1980", "--to", "1985"]
    )
    assert result.exit_code == 0, result.output
    texts = svg_texts(out.read_bytes())
    assert NAMES["alpha"] in texts
    assert not any(NAMES["beta"] in t or NAMES["gamma"] in t for t in texts)
    assert any("1980–1985" in t for t in texts)  # the period, stated in words
    assert any("1 place" in t for t in texts)


def test_render_takes_real_keyword_parameters() -> None:
    import inspect

    from mapgen.static import render

    parameters = inspect.signature(render).parameters
    assert list(parameters)[:2] == ["dataset", "path"]
    options = {name: p for name, p in parameters.items() if name not in ("dataset", "path")}
    assert sorted(options) == sorted(
        ["period", "width", "height", "dpi", "title", "timeline", "inputs", "today",
         "periods", "split", "animate", "step", "window", "fps", "strict", "keep_undated",
         "progress", "lang"]
    )
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in options.values())


def test_render_never_overwrites_the_data_it_came_from(source: Path, tmp_path: Path) -> None:
    data_file = tmp_path / "places.svg"  # GeoJSON under a name an output could have
    data_file.write_bytes(source.read_bytes())
    data = mapgen.load(data_file, format="geojson")
    with pytest.raises(mapgen.OutputError, match="is also an input"):
        mapgen.render(data, data_file)
    assert data_file.read_bytes() == source.read_bytes()


def test_a_selected_dataset_states_its_own_period(dataset: mapgen.Dataset) -> None:
    view = mapgen.select(dataset, mapgen.period(dataset, start="1980", end="1985"))
    texts = svg_texts(render_bytes(view, "svg"))
    assert any("1980–1985" in t and "1 place" in t for t in texts)
    other = mapgen.period(dataset, start="1990", end="1991")
    texts = svg_texts(render_bytes(view, "svg", period=other))  # an explicit period wins
    assert any("1990–1991" in t for t in texts)
    assert not any("1980–1985" in t for t in texts)


def marker_styles(data: bytes) -> list[dict[str, str]]:
    """The style of every marker drawn (matplotlib writes each as a <use> of a marker path)."""
    root = ET.fromstring(data)
    return [
        dict(item.split(": ") for item in use.get("style", "").split("; "))
        for use in root.iter(f"{SVG}use")
    ]


def test_inferred_locations_are_hollow_and_the_legend_says_so(
    dataset: mapgen.Dataset, tmp_path: Path
) -> None:
    source = write_geojson(
        tmp_path / "inferred.geojson",
        [
            feature("stated", layer="camps", precision="site", lon=10),
            feature("guess", layer="camps", precision="inferred", lon=14, lat=48),
            feature("event", layer="events", precision="inferred", lon=12, lat=46),
        ],
    )
    data = mapgen.load(source)
    svg = render_bytes(data, "svg")
    hollow = [m for m in marker_styles(svg) if m.get("fill-opacity") == "0"]
    filled = [m for m in marker_styles(svg) if "fill" in m]
    colors = {layer.key: layer.color for layer in data.layers}
    # On the map: one ring per inferred place in its layer's colour, plus one in the legend.
    assert sorted(m["stroke"] for m in hollow) == sorted(
        [colors["camps"], colors["events"], "#666666"]
    )
    assert [m["fill"] for m in filled].count(colors["camps"]) == 2  # the map and the legend
    assert "hollow: location inferred" in svg_texts(svg)

    plain = render_bytes(dataset, "svg")  # nothing inferred: no rings, no legend line
    assert not [m for m in marker_styles(plain) if m.get("fill-opacity") == "0"]
    assert "hollow: location inferred" not in svg_texts(plain)


def test_the_legend_says_what_marker_sizes_mean(dataset: mapgen.Dataset, tmp_path: Path) -> None:
    """Later layers have smaller markers, drawn on top (places at one spot stay visible): the
    legend says so when two point layers differ, and not on a map of one layer."""
    assert "marker size: layer order, smaller on top" in svg_texts(render_bytes(dataset, "svg"))
    one = mapgen.load(write_geojson(tmp_path / "one.geojson", [feature("a"), feature("b", lon=12)]))
    assert not [t for t in svg_texts(render_bytes(one, "svg")) if t.startswith("marker size")]


def test_markers_shrink_and_fade_as_they_crowd() -> None:
    import numpy as np

    spread = np.array([[x * 20.0, y * 20.0] for x in range(10) for y in range(10)])
    assert crowding(spread).tolist() == [1.0] * 100
    pile = np.vstack([np.zeros((15, 2)), [[100.0, 100.0]]])  # fifteen on one spot, one apart
    assert crowding(pile).tolist() == [15.0] * 15 + [1.0]
    dots = dot_style(np.array([1.0, 2.0, 16.0, 400.0, 1e6]))
    assert (dots.sizes[0], dots.alphas[0]) == (8.0, 1.0)  # alone: as an uncrowded marker
    assert (dots.sizes[2], dots.alphas[2]) == (2.0, 0.5)
    assert dots.sizes.tolist() == sorted(dots.sizes.tolist(), reverse=True)
    assert dots.alphas.tolist() == sorted(dots.alphas.tolist(), reverse=True)
    assert dots.sizes[-1] >= 1.0 and dots.alphas[-1] >= 0.2  # never invisible


def test_only_places_with_room_around_them_are_named() -> None:
    import numpy as np

    xy = np.array([[0.0, 0.0], [5.0, 5.0], [300.0, 300.0], [600.0, 10.0], [640.0, 10.0]])
    assert roomy(xy, 24.0).tolist() == [False, False, True, False, False]
    assert near(xy, np.array([[310.0, 290.0]]), 100.0).tolist() == [
        False,
        False,
        True,
        False,
        False,
    ]


def test_a_crowded_map_shows_every_layer_and_names_only_a_lonely_place(tmp_path: Path) -> None:
    """Many places on one spot: one interleaved pass of small faded dots (the last ones drawn
    come from every layer), no names in the crowd, the lonely place named."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PathCollection
    from matplotlib.colors import to_hex
    from matplotlib.figure import Figure

    from mapgen.static.mapview import draw_map

    layers = ["a", "b", "c", "d"]
    crowd = [
        feature(f"p{n}", name=f"Crowd {n}", layer=layers[n % 4], lon=n % 37 / 20, lat=n % 41 / 20)
        for n in range(DENSE_POINTS + 200)
    ]
    lonely = feature("lonely", name="Lonely place", layer="a", lon=40.0, lat=30.0)
    data = mapgen.load(write_geojson(tmp_path / "crowd.geojson", [*crowd, lonely]))

    fig = Figure(figsize=(8, 5), dpi=100)
    renderer = FigureCanvasAgg(fig).get_renderer()
    ax = fig.add_axes((0.05, 0.05, 0.9, 0.9))
    draw_map(ax, data, renderer)
    (dots,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(dots.get_offsets()) == len(data.places)
    assert not [line for line in ax.lines if line.get_marker() == "o"]  # no full-size markers
    assert np.median(dots.get_sizes()) < 8.0**2 and np.median(dots.get_facecolors()[:, 3]) < 1
    assert dots.get_sizes().max() == 8.0**2  # the lonely place: a full-size, opaque dot
    assert dots.get_facecolors()[:, 3].max() == 1.0
    colors = {layer.color for layer in data.layers}
    last = {to_hex(c[:3]) for c in dots.get_facecolors()[-50:]}
    assert last == colors  # the top of the pile has every layer in it
    names = [t.get_text() for t in ax.texts]
    assert names == ["Lonely place"]


def test_timeline_on_and_off(dataset: mapgen.Dataset) -> None:
    def years(**options: Any) -> list[str]:
        texts = svg_texts(render_bytes(dataset, "svg", **options))
        return [t for t in texts if re.fullmatch(r"\d{4}", t)]

    assert years() == years(timeline=True) != []  # on by default for a few places
    assert years(timeline=False) == []


def bar_ends(dataset: mapgen.Dataset, today: int) -> dict[str, float]:
    """The right end (in days) of the drawn bars of each place, from the strip's artists."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    from mapgen.static.timeline import draw_timeline

    fig = Figure(figsize=(8, 2), dpi=100)
    renderer = FigureCanvasAgg(fig).get_renderer()
    strip = layout_timeline(renderer, dataset, timeline_bars(dataset), 500.0, today)
    assert strip is not None
    ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
    draw_timeline(ax, strip, mapgen.Period(), renderer)
    rows = {row: bar.place.id for bar, row in strip.bars}
    assert len(rows) == len(strip.bars)  # one bar per row here, so a row names its place
    ends: dict[str, float] = {}
    for patch in ax.patches:
        if isinstance(patch, Rectangle):
            place = rows[round(patch.get_y() - 0.15)]
            ends[place] = max(ends.get(place, -math.inf), patch.get_x() + patch.get_width())
    assert strip.lo <= min(ends.values()) and max(ends.values()) <= strip.hi
    return ends


def test_open_spans_run_to_today_on_the_timeline(tmp_path: Path) -> None:
    """An open span ("2003/..") is drawn to the end of today, as the HTML map runs it, not to
    the last date in the data, whatever today is."""
    source = write_geojson(
        tmp_path / "open.geojson",
        [
            feature("open", layer="camps", when=["2003/.."]),
            feature("closed", layer="camps", when=["1990/2005"], lon=20),
        ],
    )
    data = mapgen.load(source)
    for year in (2026, 2040):
        today = days_from_civil(year, 6, 30)
        ends = bar_ends(data, today)
        assert ends["open"] == today + 1
        assert ends["closed"] == days_from_civil(2006, 1, 1)


def test_today_comes_from_source_date_epoch(
    dataset: mapgen.Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SOURCE_DATE_EPOCH (seconds) fixes today, so that rendering again years later gives the
    same bytes; an explicit today= wins over it."""
    day = days_from_civil(2030, 1, 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(day * 86400 + 3600))
    assert today_number() == day and today_number(day + 5) == day + 5
    first, second = (render_bytes(dataset, "svg", width=800, height=500) for _ in range(2))
    assert first == second == render_bytes(dataset, "svg", width=800, height=500, today=day)
    assert "2030" in svg_texts(first)  # the strip reaches the open span's today
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(days_from_civil(2050, 1, 1) * 86400))
    later = render_bytes(dataset, "svg", width=800, height=500)
    assert later != first and "2050" in svg_texts(later)

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(mapgen.OptionError, match="SOURCE_DATE_EPOCH must be whole seconds"):
        render_bytes(dataset, "svg")
    with pytest.raises(mapgen.OptionError, match="today must be a day number"):
        render_bytes(dataset, "svg", today=True)


def test_same_input_same_bytes_in_fresh_processes(source: Path, tmp_path: Path) -> None:
    script = (
        "import sys, mapgen\n"
        "data = mapgen.load(sys.argv[1])\n"
        "for suffix in ('svg', 'pdf', 'png'):\n"
        "    mapgen.render(data, f'{sys.argv[2]}.{suffix}', width=800, height=500, dpi=100)\n"
    )
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}  # the open span's end: fixed
    for run in ("a", "b"):
        subprocess.run(
            [sys.executable, "-c", script, str(source), str(tmp_path / run)], check=True, env=env
        )
    for suffix in ("svg", "pdf", "png"):
        first, second = ((tmp_path / f"{run}.{suffix}").read_bytes() for run in "ab")
        assert first == second, suffix
    assert b"<dc:date>" not in (tmp_path / "a.svg").read_bytes()


def test_basemap_is_plain_geojson_without_antimeridian_stripes() -> None:
    from mapgen.basemap import countries, countries_frame

    data = countries()
    assert data["type"] == "FeatureCollection" and len(data["features"]) > 200
    names = {f["properties"]["name"] for f in data["features"]}
    assert {"Fiji", "Russia", "Antarctica", "Iran", "Albania", "France"} <= names
    for feature_ in data["features"]:
        geometry = feature_["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        for ring in (ring for polygon in polygons for ring in polygon):
            assert ring[0] == ring[-1]
            for (x0, y0), (x1, _) in pairwise(ring):
                assert -180 <= x0 <= 180 and -90 <= y0 <= 90
                assert abs(x1 - x0) <= 180, feature_["properties"]["name"]
    assert countries() is not countries()  # callers get their own copy
    assert countries_frame().crs.to_epsg() == 4326


def test_basemap_file_is_small() -> None:
    from importlib.resources import files

    size = len(files("mapgen.basemap").joinpath("countries.geojson").read_bytes())
    assert size < 1_000_000


def test_label_placer_avoids_overlaps_and_drops_what_cannot_fit() -> None:
    frame = (0.0, 0.0, 200.0, 100.0)
    marker = (95.0, 45.0, 105.0, 55.0)
    boxes = place_labels([(100, 50)] * 3, [(40, 10)] * 3, [marker], frame)
    placed = [b for b in boxes if b is not None]
    assert len(placed) == 3
    for a, b in pairwise([marker, *placed]):
        assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
    assert placed[0][0] >= 105  # the first choice: right of the place
    # A label wider than the frame fits nowhere.
    assert place_labels([(100, 50)], [(300, 10)], [], frame) == [None]


def test_map_extent_fits_the_box_and_stays_on_the_globe() -> None:
    (x0, x1), (y0, y1), aspect = map_extent((2.0, 33.0, 51.0, 49.0), 2.0)
    assert x0 < 2 and x1 > 51 and y0 < 33 and y1 > 49
    assert (x1 - x0) / ((y1 - y0) * aspect) == pytest.approx(2.0)
    (x0, x1), (y0, y1), _ = map_extent((-179.0, -89.0, 179.0, 89.0), 1.0)
    assert x0 >= -180 and x1 <= 180 and y0 >= -85 and y1 <= 85


def test_year_ticks_are_round_years_and_bce() -> None:
    labels = [label for _, label in year_ticks(3650, 14600)]  # 1979-12-30 … 2009-12-22
    assert labels == ["1980", "1985", "1990", "1995", "2000", "2005"]
    # Round as historians count: 200 BCE (astronomical -199), then 200 CE; no year 0.
    ticks = year_ticks(-900_000, -500_000)
    assert [label for _, label in ticks] == ["400 BCE", "200 BCE", "200", "400", "600"]
    assert ticks[1][0] == days_from_civil(-199, 1, 1)


def test_cli_exit_codes_and_no_partial_file(source: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "map.png"
    result = runner.invoke(
        main,
        [
            "render",
            str(source),
            "-o",
            str(out),
            "--width",
            "400",
            "--height",
            "300",
            "--no-timeline",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out)
    with Image.open(out) as image:
        assert image.size == (400, 300)

    result = runner.invoke(main, ["render", str(source), "-o", str(tmp_path / "map.gif")])
    assert result.exit_code == 2
    assert "'.gif'" in result.output and ".png, .svg or .pdf" in result.output
    assert (
        runner.invoke(main, ["render", "-o", str(tmp_path / "x.png"), "--layer", "no"]).exit_code
        == 2
    )

    out.write_bytes(b"previous map")
    bad = write_geojson(tmp_path / "bad.geojson", [feature("a", lat=123)])
    result = runner.invoke(main, ["render", str(bad), "-o", str(out)])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert result.output.startswith("error: ") and "latitude 123 is outside" in result.output
    assert out.read_bytes() == b"previous map"

    result = runner.invoke(main, ["render", str(source), "-o", str(tmp_path)])
    assert result.exit_code == 3 and "is a directory" in result.output
    copy = tmp_path / "in.svg"
    copy.write_text(json.dumps(json.loads(source.read_text("utf-8"))), "utf-8")
    result = runner.invoke(
        main, ["render", str(copy), "--input-format", "geojson", "-o", str(copy)]
    )
    assert result.exit_code == 3 and "is also an input" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.geojson", "in.svg", "map.png"]


def test_cli_stays_light() -> None:
    """`mapgen --help` must not pay for matplotlib or geopandas."""
    code = "import sys, mapgen.cli; print(sorted({'matplotlib', 'geopandas'} & set(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"
