"""Static maps (mapgen render): file formats and sizes, text that stays text, selection,
determinism, the offline basemap, the label placer and the CLI's exit codes."""

from __future__ import annotations

import io
import json
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
from mapgen.dates import days_from_civil
from mapgen.static import map_extent, place_labels, render_bytes, year_ticks
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


def test_timeline_on_and_off(dataset: mapgen.Dataset) -> None:
    def years(**options: Any) -> list[str]:
        texts = svg_texts(render_bytes(dataset, "svg", **options))
        return [t for t in texts if re.fullmatch(r"\d{4}", t)]

    assert years() == years(timeline=True) != []  # on by default for a few places
    assert years(timeline=False) == []


def test_same_input_same_bytes_in_fresh_processes(source: Path, tmp_path: Path) -> None:
    script = (
        "import sys, mapgen\n"
        "data = mapgen.load(sys.argv[1])\n"
        "for suffix in ('svg', 'pdf', 'png'):\n"
        "    mapgen.render(data, f'{sys.argv[2]}.{suffix}', width=800, height=500, dpi=100)\n"
    )
    for run in ("a", "b"):
        subprocess.run([sys.executable, "-c", script, str(source), str(tmp_path / run)], check=True)
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
