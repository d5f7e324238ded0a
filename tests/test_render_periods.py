"""Issue 23 in print and video: a grid of periods on one page (`render --periods/--split`) and
the map as an animation (`render --animate`).

"A frame matches `render --at DATE`" is tested at two levels. Exactly: the pixels a frame
hands to the encoder equal, pixel for pixel over the whole page, the PNG `mapgen render --at
DATE --no-timeline` draws at the same size — for data whose four corner places are shown
throughout, so that the frame (framed on every place the animation shows) and the render
(framed on the places of that date) have one extent and put the legend in one corner. Through
the encoded file: each decoded MP4, WebM and GIF frame is nearer to the render of its own
date than to the render of any other date (the codecs are lossy; the places differ from date
to date).
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

import mapgen
from mapgen.cli import main
from mapgen.dates import days_from_civil
from mapgen.static import animate
from tests.helpers import feature, leftovers, write_geojson

SVG = "{http://www.w3.org/2000/svg}"
TODAY = days_from_civil(2024, 6, 30)
EPOCH = str(TODAY * 86400)  # SOURCE_DATE_EPOCH of TODAY
HUB = "#123456"


@pytest.fixture(scope="module")
def grid_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A hub shown in every period, and one site in each of four periods (and one undated)."""
    folder = tmp_path_factory.mktemp("grid")
    return write_geojson(
        folder / "grid.geojson",
        [
            feature("hub", name="Hub", layer="hubs", when=["1900/.."], lon=10, lat=50),
            feature("a", name="Site A", layer="sites", when=["1965/1975"], lon=0, lat=45),
            feature("b", name="Site B", layer="sites", when=["1982/1984"], lon=20, lat=40),
            feature("c", name="Site C", layer="sites", when=["1990/2000"], lon=5, lat=55),
            feature("d", name="Site D", layer="sites", when=["2005/.."], lon=15, lat=42),
            feature("u", name="Undated", layer="sites", when=[], lon=12, lat=47),
        ],
        title="Grid test",
        attribution="Test data",
        layers={"hubs": {"label": "Hubs", "color": HUB}, "sites": {"label": "Sites"}},
    )


PERIODS = "1965/1981,1981/1986,1986/2003,2003/.."
# what each panel must show: its title, and the sites in it (the hub is in all)
PANELS = [("1965–1981 · 2 places", "a"), ("1981–1986 · 2 places", "b"),
          ("1986–2003 · 2 places", "c"), ("since 2003 · 2 places", "d")]


def panels(svg: bytes) -> list[ET.Element]:
    """The map panels of a rendered SVG: matplotlib writes one group per axes."""
    root = ET.fromstring(svg)
    return [g for g in root.iter(f"{SVG}g") if g.get("id", "").startswith("axes_")]


def texts(svg: bytes) -> list[str]:
    return ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text")]


def hub_offset(panel: ET.Element) -> tuple[float, float]:
    """Where the hub's marker sits from the panel's top-left corner, in points."""
    corner = next(p for p in panel.iter(f"{SVG}path") if p.get("d", "").startswith("M "))
    x0, y0 = (float(v) for v in corner.get("d", "").split()[1:3])
    [marker] = [u for u in panel.iter(f"{SVG}use") if HUB in u.get("style", "")]
    return float(marker.get("x", "")) - x0, float(marker.get("y", "")) - y0


def test_a_grid_has_a_panel_per_period_at_one_extent(grid_source: Path, tmp_path: Path) -> None:
    out = tmp_path / "grid.svg"
    result = CliRunner().invoke(main, ["render", str(grid_source), "--periods", PERIODS,
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    svg = out.read_bytes()
    found = panels(svg)
    assert len(found) == len(PERIODS.split(","))
    words = texts(svg)
    for title, site in PANELS:
        assert title in words
        assert f"Site {site.upper()}" in words
    assert "Undated" not in words  # an undated place is in no period without --keep-undated
    assert words.count("Hubs") == 1 and words.count("Sites") == 1  # one legend for all
    offsets = [hub_offset(panel) for panel in found]
    assert all(np.allclose(offset, offsets[0], atol=0.01) for offset in offsets)
    sizes = {ET.tostring(p).count(b"<") for p in found}  # the panels are maps, not empty
    assert min(sizes) > 20


def test_a_grid_of_decades_and_the_api(grid_source: Path, tmp_path: Path) -> None:
    data = mapgen.load(grid_source)
    out = mapgen.render(data, tmp_path / "decades.svg", split="decade", today=TODAY,
                        width=2400, height=1600)
    svg = out.read_bytes()
    assert len(panels(svg)) == 13  # the 1900s to the 2020s: the hub, 1900 to today (2024)
    assert "1960s (1960–1969) · 2 places" in texts(svg)
    shown = mapgen.render(data, tmp_path / "kept.svg", periods=["1981/1986", "2003/.."],
                          keep_undated=True, today=TODAY).read_bytes()
    assert texts(shown).count("Undated") == 2  # in every panel with keep_undated
    with pytest.raises(mapgen.OptionError, match="named periods"):
        mapgen.render(data, tmp_path / "x.png", split="period")


def written_twice(tmp_path: Path, code: str) -> list[dict[str, bytes]]:
    """The files *code* writes into its folder (``OUT``), run in two fresh processes."""
    found = []
    for n in (1, 2):
        folder = tmp_path / str(n)
        folder.mkdir()
        subprocess.run([sys.executable, "-c", f"OUT = {str(folder)!r}\n{code}"], check=True,
                       capture_output=True, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH})
        found.append({p.name: p.read_bytes() for p in sorted(folder.iterdir())})
    return found


def test_a_grid_is_the_same_bytes_in_fresh_processes(grid_source: Path, tmp_path: Path) -> None:
    first, second = written_twice(tmp_path, (
        "import mapgen\n"
        f"data = mapgen.load({str(grid_source)!r})\n"
        "for suffix in ('png', 'svg', 'pdf'):\n"
        f"    mapgen.render(data, f'{{OUT}}/grid.{{suffix}}', periods={PERIODS.split(',')!r},\n"
        "                  width=800, height=600)\n"
    ))
    assert sorted(first) == ["grid.pdf", "grid.png", "grid.svg"]
    assert first == second


# --- animations -------------------------------------------------------------------------------


def framed_places(folder: Path, *, crowd: int = 0) -> Path:
    """Four corner places shown throughout (so every date's render has the animation's
    extent), and places inside them in two layers with spans of one to three years from
    1980 to 1990, each layer with a place throughout (so every date's render lists all
    layers, as the animation's legend does); *crowd* more places in 1985 make that year a
    crowded map."""
    rng = np.random.default_rng(7)
    corners = [(0, 40), (0, 50), (20, 40), (20, 50)]
    features = [
        feature(f"corner-{n}", name=f"Corner {n}", layer="frame", when=["1900/.."], lon=x, lat=y)
        for n, (x, y) in enumerate(corners)
    ] + [
        feature(f"long-{layer}", name=f"Long {layer}", layer=layer, when=["1975/1995"],
                lon=lon, lat=47.0)
        for layer, lon in (("camps", 13.0), ("sites", 18.0))
    ]
    for n in range(36 + crowd):
        start = int(rng.integers(1980, 1991)) if n < 36 else 1985
        features.append(feature(
            f"p{n}", name=f"Place {n}", layer="sites" if n % 2 else "camps",
            when=[f"{start}/{start + int(rng.integers(0, 3)) * (n < 36)}"],
            lon=float(rng.uniform(12, 19)), lat=float(rng.uniform(45.5, 49)),
        ))
    return write_geojson(folder / f"framed-{crowd}.geojson", features, title="Moves",
                         attribution="Test data")


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[np.ndarray]:
    """The pictures each animation hands to its encoder (and still encodes)."""
    pictures: list[np.ndarray] = []
    encode = animate.write_video

    def record(target: Path, fmt: str, frames: Any, fps: int, colors: Any = ()) -> None:
        def keep() -> Any:
            for frame in frames:
                pictures.append(frame.copy())
                yield frame

        encode(target, fmt, keep(), fps, colors)

    monkeypatch.setattr(animate, "write_video", record)
    return pictures


def png_pixels(*args: str, tmp_path: Path) -> np.ndarray:
    out = tmp_path / "still.png"
    result = CliRunner().invoke(main, ["render", *args, "-o", str(out)],
                                env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.exit_code == 0, result.output
    with Image.open(out) as image:
        return np.asarray(image.convert("RGB"))


SIZE = ["--width", "480", "--height", "300", "--dpi", "75", "--no-timeline"]
YEARS = range(1980, 1991)


@pytest.fixture(scope="module")
def framed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return framed_places(tmp_path_factory.mktemp("framed"))


@pytest.fixture(scope="module")
def stills(framed: Path, tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    """`mapgen render --at YEAR` of each year 1980–1990."""
    folder = tmp_path_factory.mktemp("stills")
    return np.stack([png_pixels(str(framed), "--at", str(year), *SIZE, tmp_path=folder)
                     for year in YEARS])


def animated(source: Path, out: Path, *args: str) -> None:
    result = CliRunner().invoke(main, [
        "render", str(source), "--animate", "--from", "1980", "--to", "1990", "--step", "year",
        *SIZE, *args, "-o", str(out),
    ], env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.exit_code == 0, result.output


def test_a_frame_is_the_render_of_its_date(
    recorded: list[np.ndarray], framed: Path, stills: np.ndarray, tmp_path: Path
) -> None:
    animated(framed, tmp_path / "moves.gif")
    assert len(recorded) == len(YEARS)  # 1980 to 1990, a year each
    for k, (frame, still) in enumerate(zip(recorded, stills, strict=True)):
        assert frame.shape == still.shape == (300, 480, 3)
        assert (frame != still).any(axis=2).sum() == 0, YEARS[k]  # every pixel
    assert len({frame.tobytes() for frame in recorded}) == len(YEARS)  # the dates differ


def test_a_crowded_frame_is_the_render_of_its_date(
    recorded: list[np.ndarray], tmp_path: Path
) -> None:
    """1985 has over 1,000 markers, drawn as dots. (1980, under 1,000, is not its still: in a
    video with a crowded frame no frame's legend says what marker sizes mean, so that the
    legend is one for the whole video, while the still of 1980 says it.)"""
    source = framed_places(tmp_path, crowd=1200)
    animated(source, tmp_path / "moves.gif")
    still = png_pixels(str(source), "--at", "1985", *SIZE, tmp_path=tmp_path)
    assert (recorded[1985 - 1980] != still).any(axis=2).sum() == 0
    data = mapgen.load(source)
    assert len(mapgen.select(data, mapgen.period(data, at="1985")).places) > 1000


def test_a_trailing_window_is_the_render_of_that_window(
    recorded: list[np.ndarray], framed: Path, tmp_path: Path
) -> None:
    animated(framed, tmp_path / "moves.mp4", "--window", "3 years")
    assert len(recorded) == len(YEARS)
    still = png_pixels(str(framed), "--from", "1986", "--to", "1988", *SIZE, tmp_path=tmp_path)
    assert (recorded[1988 - 1980] != still).any(axis=2).sum() == 0  # the three years to 1988


@pytest.mark.parametrize("suffix", ["mp4", "webm", "gif"])
def test_each_decoded_frame_is_nearest_the_render_of_its_own_date(
    framed: Path, stills: np.ndarray, tmp_path: Path, suffix: str
) -> None:
    import imageio.v3 as iio

    out = tmp_path / f"moves.{suffix}"
    animated(framed, out, "--fps", "4")
    frames = np.stack([np.asarray(f)[..., :3] for f in iio.imiter(out)]).astype(int)
    assert len(frames) == len(YEARS)
    for k, frame in enumerate(frames):
        distance = np.abs(stills.astype(int) - frame).mean(axis=(1, 2, 3))
        assert int(np.argmin(distance)) == k, distance.round(2).tolist()
    assert leftovers(tmp_path) == []


def test_frame_counts_steps_and_the_note(grid_source: Path, tmp_path: Path) -> None:
    data = mapgen.load(grid_source)
    out = mapgen.render(data, tmp_path / "months.gif", animate=True, step="month",
                        period=mapgen.period(data, start="1983-01", end="1983-06"), width=320,
                        height=200, dpi=50, fps=5, today=TODAY)
    with Image.open(out) as gif:
        assert gif.n_frames == 6
        assert gif.info["duration"] == 200 and gif.info["loop"] == 0
    result = CliRunner().invoke(main, ["render", str(grid_source), "--animate", "--from",
                                       "1981", "--to", "1986", "--width", "320", "--height",
                                       "200", "--dpi", "50", "-o", str(tmp_path / "a.gif")],
                                env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.exit_code == 0, result.output
    assert "Drawing frames" in result.stderr  # the progress bar
    [note] = [line for line in result.stderr.splitlines() if line.startswith("note: ")]
    assert "6 frames, a year each (1981–1986), at 1 a second" in note
    with Image.open(tmp_path / "a.gif") as gif:
        assert gif.n_frames == 6 and gif.size == (320, 200)


@pytest.mark.parametrize(("extent", "step", "frames"), [
    (("1990-01-01", "1990-02-20"), "day", 51),
    (("1990-01", "1993-12"), "month", 48),
    (("1900", "2024"), "year", 125),
    (("1500", "2024"), "decade", 53),
])
def test_the_default_step_follows_the_extent(
    grid_source: Path, extent: tuple[str, str], step: str, frames: int
) -> None:
    data = mapgen.load(grid_source)
    period = mapgen.period(data, start=extent[0], end=extent[1])
    with pytest.warns(mapgen.MapgenNote, match=f"a {step} each"):
        chosen = animate.plan(data, period, step=None, window=animate.Window(), fps=None,
                              today=TODAY, where="x.mp4")
    assert chosen.step == step and len(chosen.frames) == frames
    assert chosen.fps == max(1, min(25, round(frames / 20)))


def test_a_window_trails_each_step(grid_source: Path) -> None:
    data = mapgen.load(grid_source)
    chosen = animate.plan(data, mapgen.period(data, start="1990", end="1992"), step="year",
                          window=animate.parse_window("10 years"), fps=4, today=TODAY,
                          where="x.mp4")
    assert [(f.start, f.end) for f in chosen.frames] == [
        (days_from_civil(year - 9, 1, 1), days_from_civil(year, 12, 31))
        for year in (1990, 1991, 1992)
    ]
    months = animate.plan(data, mapgen.period(data, start="1990-03", end="1990-03"),
                          step="month", window=animate.parse_window("2 months"), fps=4,
                          today=TODAY, where="x.mp4")
    assert [(f.start, f.end) for f in months.frames] == [
        (days_from_civil(1990, 2, 1), days_from_civil(1990, 3, 31))
    ]


def test_video_is_the_same_bytes_in_fresh_processes(grid_source: Path, tmp_path: Path) -> None:
    first, second = written_twice(tmp_path, (
        "import mapgen\n"
        f"data = mapgen.load({str(grid_source)!r})\n"
        "for suffix in ('mp4', 'webm', 'gif'):\n"
        "    mapgen.render(data, f'{OUT}/moves.{suffix}', animate=True, step='decade',\n"
        "                  period=mapgen.period(data, start='1980', end='2009'), width=320,\n"
        "                  height=200, dpi=50)\n"
    ))
    assert sorted(first) == ["moves.gif", "moves.mp4", "moves.webm"]
    assert first == second


@pytest.mark.parametrize(("args", "words"), [
    (["-o", "{}/map.bmp"], "unknown output type '.bmp'"),
    (["--animate", "-o", "{}/map.pdf"], "--animate writes an animation: .mp4, .webm or .gif"),
    (["-o", "{}/map.mp4"], "add --animate"),
    (["--animate", "--step", "week", "-o", "{}/map.mp4"], "unknown step 'week'"),
    (["--animate", "--window", "a while", "-o", "{}/map.mp4"], "unknown window 'a while'"),
    (["--animate", "--step", "year", "--window", "3 months", "-o", "{}/map.mp4"],
     "shorter than a step of a year"),
    (["--animate", "--width", "641", "-o", "{}/map.mp4"], "even width and height"),
    (["--animate", "--step", "day", "--from", "1900", "-o", "{}/map.mp4"], "at most 10,000"),
    (["--step", "year", "-o", "{}/map.png"], "go with --animate"),
    (["--periods", "1990/1980", "-o", "{}/map.png"], "ends before it starts"),
    (["--periods", "1980/1990", "--at", "1985", "-o", "{}/map.png"], "leave out --from"),
    (["--periods", "1980/1990", "--split", "decade", "-o", "{}/map.png"], "not both"),
    (["--split", "decade", "--timeline", "-o", "{}/map.png"], "no --timeline strip"),
    (["--animate", "--split", "decade", "-o", "{}/map.gif"], "make a grid"),
])
def test_bad_options_exit_2_with_one_line_and_no_file(
    grid_source: Path, tmp_path: Path, args: list[str], words: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = CliRunner().invoke(main, ["render", str(grid_source),
                                       *(a.format(out) for a in args)])
    assert result.exit_code == 2, result.output
    [line] = result.output.splitlines()
    assert line.startswith("error: ") and words in line
    assert list(out.iterdir()) == []


def test_a_failure_mid_video_leaves_the_old_file(
    grid_source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "moves.mp4"
    out.write_bytes(b"previous video")
    drawn = animate.draw_frames

    def fails(*args: Any, **kwargs: Any) -> Any:
        for n, frame in enumerate(drawn(*args, **kwargs)):
            if n == 2:
                raise OSError(28, "No space left on device")
            yield frame

    monkeypatch.setattr(animate, "draw_frames", fails)
    result = CliRunner().invoke(main, ["render", str(grid_source), "--animate", "--step",
                                       "decade", "--width", "320", "--height", "200", "--dpi",
                                       "50", "-o", str(out)])
    assert result.exit_code == 3, result.output
    [error] = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert "cannot be written (No space left on device)" in error
    assert out.read_bytes() == b"previous video"
    assert leftovers(tmp_path) == []


def test_the_api_takes_grids_and_animations(grid_source: Path, tmp_path: Path) -> None:
    data = mapgen.load(grid_source)
    grid = mapgen.render(data, tmp_path / "g.png", periods=[
        mapgen.period(data, start="1965", end="1981"), "2003/.."], width=600, height=400)
    with Image.open(grid) as image:
        assert image.size == (600, 400)
    video = mapgen.render(data, tmp_path / "v.webm", animate=True, step="decade",
                          window="2 decades", fps=2, dpi=50, today=TODAY)
    import imageio.v3 as iio

    first = next(iter(iio.imiter(video)))
    assert np.asarray(first).shape[:2] == (720, 1280)  # an animation's default size


def panel_height(panel: ET.Element) -> float:
    """A panel's height in points, from its frame (the first path: its background)."""
    frame = next(p for p in panel.iter(f"{SVG}path") if p.get("d", "").startswith("M "))
    ys = [float(v) for v in frame.get("d", "").replace("z", "").split()[2::3]]
    return max(ys) - min(ys)


def test_a_grid_legend_of_many_layers_leaves_the_panels_their_room(tmp_path: Path) -> None:
    """45 layers (as INRAP's 45 départements) under a grid at 800 × 600: the legend takes no
    more than its share of the page (LEGEND_SHARE), the rest said in a last line "+N more",
    and the panels stay maps as tall as with two layers."""
    def grid(layers: int) -> bytes:
        source = write_geojson(tmp_path / f"{layers}.geojson", [
            feature(f"p{n}", name=f"Place {n}", layer=f"layer-{n % layers:02}",
                    when=["1990/2000"], lon=n % 9, lat=40 + n // 9)
            for n in range(45)
        ], title="Layers", attribution="Test data")
        out = tmp_path / f"{layers}.svg"
        result = CliRunner().invoke(main, [
            "render", str(source), "--periods", "1990/1995,1995/2000", "--width", "800",
            "--height", "600", "-o", str(out),
        ])
        assert result.exit_code == 0, result.output
        return out.read_bytes()

    many, two = grid(45), grid(2)
    words = texts(many)
    [more] = [w for w in words if w.startswith("+") and w.endswith(" more")]
    listed = [w for w in words if w.startswith("layer-")]
    assert len(listed) + int(more[1:-5]) == 45 and len(listed) >= 4
    heights = [panel_height(p) for p in panels(many)]
    assert len(heights) == 2
    assert min(heights) >= 0.6 * min(panel_height(p) for p in panels(two))


def test_an_animation_places_its_legend_once_clear_of_every_frame(tmp_path: Path) -> None:
    """Places on a lattice, a layer a row, a column a year: no frame alone covers a corner
    (each would have its legend in one), all of them together cover every corner, so the
    legend is beside the map in every frame, at one spot, and the map is narrowed once (a
    frame's legend never moves nor hides a place another frame shows)."""
    from mapgen.model import Period
    from mapgen.static.style import house_style, new_figure

    source = write_geojson(tmp_path / "lattice.geojson", [
        feature(f"p{i}-{j}", name=f"P{i}-{j}", layer=f"lattice row number {j}",
                when=[f"{1981 + i}/{1981 + i}"], lon=5.0 * i, lat=40 + 1.25 * j)
        for i in range(9) for j in range(9)
    ], title="Lattice", attribution="Test data")
    data = mapgen.load(source)
    frames = [Period(days_from_civil(y, 1, 1), days_from_civil(y, 12, 31))
              for y in range(1981, 1990)]
    seen = set()
    with house_style():
        fig = new_figure("png", 480, 300, 75)
        pictures = animate.draw_frames(fig, data, frames, title="Lattice", timeline=False,
                                       keep_undated=False, today=TODAY)
        for _ in pictures:  # while a frame is handed out, its artists are on the map
            [ax] = [a for a in fig.axes if a.get_legend() is not None]
            legend = ax.get_legend().get_window_extent()
            assert legend.x0 >= ax.get_window_extent().x1  # beside the map
            seen.add((tuple(legend.bounds), tuple(ax.get_position().bounds)))
    assert len(seen) == 1
