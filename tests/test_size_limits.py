"""Size: large input stays within bounds of memory, and geometries too large to draw are
refused with one line."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import mapgen
from tests.helpers import collection, feature, leftovers

# --- 5. size ---------------------------------------------------------------------------------

MB = 1_000_000
RSS_LIMIT_MB = 400


def write_large_geojson(path: Path, size: int, *, many: bool) -> int:
    """A GeoJSON file of about *size* bytes: many small features, or fewer features with
    long descriptions (Latin and Persian text, as in the default dataset). Returns the number
    of features."""
    words = "Lorem ipsum dolor sit amet, ünïcödé, تهران و اشرف — “quoted” <b>&amp; "
    count = 0
    written = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"type": "FeatureCollection", "title": "Large", "features": [\n')
        while written < size:
            props = {
                "id": f"p{count}",
                "name": f"Place {count}",
                "name_fa": "مکان",
                "layer": f"layer-{count % 5}",
                "when": ["1981/1986", "2003/.."],
                "description": words * (2 if many else 800),
                "sources": [{"title": "Source", "url": f"https://example.org/{count}"}],
            }
            lon, lat = (count % 3600) / 10 - 180, (count % 1700) / 10 - 85
            item = {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": props,
            }
            line = ("," if count else "") + json.dumps(item, ensure_ascii=False) + "\n"
            handle.write(line)
            written += len(line.encode("utf-8"))
            count += 1
        handle.write("]}\n")
    return count


MEASURE = textwrap.dedent(
    """
    import resource, subprocess, sys, time
    start = time.monotonic()
    proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(proc.returncode, round(peak), round(time.monotonic() - start, 1))
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    """
)


def run_measured(*args: str, cwd: Path) -> tuple[int, float, float, str, str]:
    """Run ``python -m mapgen ARGS`` in a fresh process; its exit code, peak RSS (MB, of that
    process alone: measured by a parent of its own), seconds, stdout and stderr."""
    proc = subprocess.run(
        [sys.executable, "-c", MEASURE, sys.executable, "-m", "mapgen", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=True,
    )
    first, _, rest = proc.stdout.partition("\n")
    code, peak, seconds = first.split()
    return int(code), float(peak), float(seconds), rest, proc.stderr


@pytest.fixture(scope="module")
def large_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, int]]:
    folder = tmp_path_factory.mktemp("large")
    out = {}
    for kind in ("long", "many"):
        path = folder / f"{kind}.geojson"
        count = write_large_geojson(path, 50 * MB, many=kind == "many")
        assert 50 * MB <= path.stat().st_size < 51 * MB
        out[kind] = (path, count)
    return out


@pytest.mark.parametrize("kind", ["long", "many"])
def test_50_mb_input_validates_within_memory_bounds(
    large_inputs: dict[str, tuple[Path, int]], kind: str
) -> None:
    path, count = large_inputs[kind]
    code, peak, seconds, stdout, stderr = run_measured("validate", str(path), cwd=path.parent)
    assert code == 0, stderr
    assert stdout == f"ok: {count:,} places in 5 layers\n"
    assert peak <= RSS_LIMIT_MB, f"peak RSS {peak} MB validating {count} places"
    assert seconds < 60


@pytest.mark.parametrize("kind", ["long", "many"])
def test_50_mb_input_builds_within_memory_bounds(
    large_inputs: dict[str, tuple[Path, int]], kind: str
) -> None:
    path, count = large_inputs[kind]
    out = path.with_suffix(".html")
    code, peak, seconds, stdout, stderr = run_measured(
        "build", str(path), "-o", str(out), cwd=path.parent
    )
    assert code == 0, stderr
    assert stdout == f"{out}\n"
    # Long texts travel as they are; many small places travel gzip-compressed (payload.py).
    assert out.stat().st_size > (45 * MB if kind == "long" else 1 * MB)
    with out.open(encoding="utf-8") as handle:
        head = handle.read(1 << 16)
    assert head.startswith("<!DOCTYPE html>")
    assert peak <= RSS_LIMIT_MB, f"peak RSS {peak} MB building {count} places"
    assert seconds < 60
    assert leftovers(path.parent) == []


def test_geometry_of_millions_of_vertices_is_refused(tmp_path: Path) -> None:
    vertices = 2_000_000
    ring = "[" + "[10.5,50.25]," * (vertices - 1) + "[10.5,50.25]]"
    path = tmp_path / "huge.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        '{"id": "huge", "name": "Huge", "layer": "areas", "when": ["1990"]}, '
        '"geometry": {"type": "Polygon", "coordinates": [' + ring + "]}}]}",
        "utf-8",
    )
    for command in (["validate", str(path)], ["build", str(path), "-o", str(tmp_path / "m.html")]):
        proc = subprocess.run(
            [sys.executable, "-m", "mapgen", *command],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 1
        assert proc.stderr.splitlines() == [
            f"error: {path}: feature 0 (id=huge): geometry.coordinates: 2,000,000 vertices is "
            "more than 200,000; simplify the geometry first (e.g. with GDAL's ogr2ogr -simplify)"
        ]
    assert not (tmp_path / "m.html").exists()


def test_many_small_geometries_in_one_collection_are_counted_together(tmp_path: Path) -> None:
    line = {"type": "LineString", "coordinates": [[1, 2]] * 150_000}
    doc = feature("gc", geometry={"type": "GeometryCollection", "geometries": [line, line]})
    path = tmp_path / "gc.geojson"
    path.write_text(json.dumps(collection([doc])), "utf-8")
    with pytest.raises(mapgen.DataError) as info:
        mapgen.load(path)
    [problem] = info.value.problems
    assert (problem.where, problem.field) == ("feature 0 (id=gc)", "geometry.geometries")
    assert problem.message.startswith("300,000 vertices is more than 200,000")
