"""`mapgen tiles`: sources of any size → a folder that serves them as the same page.

    DIR/index.html           the page: legend, layer switches, period control, search
    DIR/tiles/*.pmtiles      the features, one archive in all or one a layer
    DIR/names/NNNNNN.jsonl   the name index, fetched a shard at a time by the search box

The folder is made beside DIR and moved into place at the end: a failure leaves no half-made
folder and the old one as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapgen.errors import DataError, MapgenWarning, OptionError, OutputError
from mapgen.fields import Fields
from mapgen.filter import period as make_period
from mapgen.geometry import places_bounds
from mapgen.model import Dataset, Layer
from mapgen.styling import style
from mapgen.tiles.counts import Counts
from mapgen.tiles.features import FeatureFiles
from mapgen.tiles.names import NameIndex
from mapgen.tiles.reader import ReadJob, read_places
from mapgen.tiles.source import DEFAULT_ROWS, Reading
from mapgen.tiles.tiler import (
    MIN_TILE_FEATURES,
    TILE_FEATURES,
    Job,
    binary,
    join_all,
    level,
    run_jobs,
)

if TYPE_CHECKING:
    from mapgen.datetext import DateOptions

ARCHIVES = ("one", "layer")  # one archive for every layer, or one a layer
PARTITIONS = ("layer", "grid")  # what a tippecanoe task tiles: a layer, or a grid cell
SEARCH_LIMIT = 20_000_000  # places past which no name index is made (the page says so)
MARKER = ".mapgen-tiles"  # in a folder mapgen tiles made: it may be replaced


@dataclass(frozen=True)
class TileSummary:
    """What `build_tiles` made."""

    folder: Path
    places: int
    features: int
    layers: tuple[Layer, ...]
    archives: tuple[str, ...]
    reading: Reading
    searchable: bool


def _check_folder(output: Path, inputs: Iterable[str | os.PathLike[str]]) -> None:
    if output.exists() and not output.is_dir():
        raise OutputError(f"{output}: is a file; give a folder")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).exists():
        raise OutputError(f"{output}: is a folder mapgen tiles did not make; give a new or "
                          "empty folder")
    resolved = output.resolve()
    for source in inputs:
        path = Path(source).resolve()
        if path == resolved or resolved in path.parents:
            raise OutputError(f"{output}: holds the input {source}; choose another folder")


def _layer_key(key: str) -> str:
    """The layer a partition key is of: ``layer-3`` for ``layer-3-part-1``."""
    return key.split("-part-")[0]


def tile_jobs(files: list[tuple[str, tuple[str, ...]]], work: Path, archives: str,
              partition: str) -> list[Job]:
    """The tippecanoe runs that make the archives of the partitions' *files* ((key, paths)
    pairs, the paths in *work*): the benchmark times these very runs alone."""
    def relative(paths: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(str(Path(path).relative_to(work)) for path in paths)

    if archives == "one" and partition == "layer":  # one task over every layer: no join
        return [Job(tuple(p for _, paths in files for p in relative(paths)),
                    "out/tiles/places.pmtiles", "every layer", str(work))]
    share = max(MIN_TILE_FEATURES, TILE_FEATURES // len(files)) if archives == "layer" \
        and partition == "layer" else TILE_FEATURES
    return [Job(relative(paths), f"{key}.pmtiles", key.replace("-", " "), str(work), share)
            for key, paths in files]


def build_tiles(
    *sources: str | os.PathLike[str],
    output: str | os.PathLike[str],
    format: str | None = None,
    fields: Fields | None = None,
    dates: DateOptions | None = None,
    skip_invalid: bool = False,
    start: str | None = None,
    end: str | None = None,
    at: str | None = None,
    strict: bool = False,
    layers: Iterable[str] | None = None,
    keep_undated: bool = False,
    title: str | None = None,
    colors: Mapping[str, str] | None = None,
    tiles: str | None = None,
    archives: str = "layer",
    partition: str = "layer",
    grid: int = 1,
    scheduler: str | None = None,
    workers: int | None = None,
    rows: int = DEFAULT_ROWS,
    search_limit: int = SEARCH_LIMIT,
    lang: str = "en",
) -> TileSummary:
    """Tiles of the places of *sources* (any input mapgen reads: *format*, *fields* (which
    input fields hold mapgen's properties, `load`'s ``*_field``) and *dates* (how date cells
    are read, `load`'s *bce*, *date_precision*, *date_format*) as for `mapgen.load`;
    GeoParquet, Parquet and Arrow files and folders are read a batch of *rows* at a time) and
    the page that shows them, in the folder *output*: see the module's text. Every batch is
    checked by mapgen's rules (DataError lists every problem; *skip_invalid* leaves invalid
    features out).
    *start*/*end*/*at*, *layers* and *keep_undated* choose places as `mapgen.select` does;
    *strict* makes the page filter by the narrow bounds. *archives*: "layer" (one archive a
    layer) or "one"; *partition*: "layer", or "grid" (cells of a web-mercator grid at zoom
    *grid*, merged by tile-join), each a tippecanoe task on Dask (*scheduler*, else a
    LocalCluster of *workers* threads); one archive of layer partitions is one task.
    Past *search_limit* places no name index is made, and the search box says so. The page
    speaks *lang* (`mapgen.language.LANGUAGES`)."""
    from mapgen.language import check_language

    check_language(lang)
    if archives not in ARCHIVES:
        raise OptionError(f"archives must be one of {', '.join(ARCHIVES)}, not {archives!r}")
    if partition not in PARTITIONS:
        raise OptionError(f"partition must be one of {', '.join(PARTITIONS)}, not {partition!r}")
    if not sources:
        raise OptionError("give at least one source: a file or a folder of Parquet files")
    folder = Path(output)
    _check_folder(folder, sources)
    binary("tippecanoe")  # missing: say so before reading anything
    empty = Dataset(places=[], layers=())
    period = make_period(empty, start=start, end=end, at=at, strict=strict)
    wanted = list(layers) if layers else None
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    said: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            job = ReadJob(tuple(map(str, sources)), format, fields, dates, skip_invalid,
                          rows, period, tuple(wanted) if wanted is not None else None,
                          keep_undated, lang)
            summary = _build(job, folder, work, title, colors, tiles, archives,
                             partition, grid, scheduler, workers, search_limit, lang)
        _replace(work / "out", folder)
        return summary
    finally:
        shutil.rmtree(work, ignore_errors=True)
        # given once the recording has stopped (given inside it, they were recorded again and
        # lost); each batch reads its date columns anew: a note said once, not once a batch
        seen: set[tuple[type, str]] = set()
        for warning in said:
            key = (warning.category, str(warning.message))
            if key not in seen:
                seen.add(key)
                warnings.warn_explicit(warning.message, warning.category, warning.filename,
                                       warning.lineno)


def _replace(new: Path, folder: Path) -> None:
    """Move the new folder into place; an old one made by mapgen tiles goes."""
    (new / MARKER).write_text("made by mapgen tiles: the next build may replace it\n")
    old = None
    if folder.exists():
        old = folder.with_name(f".{folder.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        folder.rename(old)
    new.rename(folder)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _build(job: ReadJob, folder: Path, work: Path, title: str | None,
           colors: Mapping[str, str] | None, tiles: str | None, archives: str,
           partition: str, grid: int, scheduler: str | None, workers: int | None,
           search_limit: int, lang: str) -> TileSummary:
    import numpy

    from mapgen.tiles.page import write_page

    out = work / "out"
    out.mkdir()
    reading = Reading()
    counts = Counts()
    names = NameIndex(work / "names")
    parts = FeatureFiles(work / "features", partition, grid)
    index: dict[str, int] = {}  # layer key → its tile layer's number, in the order met
    bounds: list[float] | None = None
    places = 0
    searchable = True
    period = job.period
    for view, when in read_places(job, reading, work):
        chosen = view.places
        layer_of = [index.setdefault(key, len(index)) for key in chosen.layers]
        parts.add(chosen, layer_of, when)
        counts.add(chosen, numpy.asarray(layer_of, dtype=numpy.int64))
        places += len(chosen)
        if places > search_limit:
            searchable = False
        if searchable:
            names.add(chosen, layer_of, when)
        box = places_bounds(chosen)
        if box:
            bounds = list(box) if bounds is None else [
                min(bounds[0], box[0]), min(bounds[1], box[1]),
                max(bounds[2], box[2]), max(bounds[3], box[3])]
    files = parts.close()
    if reading.problems:
        raise DataError(reading.problems)
    if not places:
        raise OptionError("no place is left to tile: the selection chose none")
    if parts.nul:
        warnings.warn("a text held NUL characters, which vector tiles cannot carry: shown as "
                      "U+FFFD in the tiles", MapgenWarning, stacklevel=3)
    known = {layer.key: layer for layer in reading.layers()}
    chosen_layers = sorted((known[key] for key in index), key=lambda la: (la.order, la.key))
    styled = style(Dataset(places=[], layers=tuple(chosen_layers)), colors=colors or {})
    final = styled.layers
    (out / "tiles").mkdir()
    # each archive's file name and the tile layers it holds: known before tippecanoe runs
    if archives == "one":
        made_out = [("places.pmtiles", sorted(index.values()))]
    elif partition == "layer":  # a layer's parts joined into its archive
        made_out = [(f"{key}.pmtiles", [int(key.split("-")[1])])
                    for key in dict.fromkeys(_layer_key(key) for key, _ in files)]
    else:
        made_out = [(f"layer-{index[layer.key]}.pmtiles", [index[layer.key]]) for layer in final]

    def meanwhile() -> dict[str, Any] | None:
        """What needs no archive, made while tippecanoe runs: the name index and the page."""
        manifest = names.write(out / "names") if searchable else None
        write_page(out, title=title or reading.texts.get("title") or "mapgen map",
                   description=reading.texts.get("description", ""),
                   attribution=reading.texts.get("attribution", ""), layers=final, index=index,
                   archives=made_out, counts=counts, period=period,
                   strict=period.strict, bounds=bounds, reading=reading, search=manifest,
                   places=places, search_limit=search_limit, tiles=tiles, lang=lang)
        return manifest

    jobs = tile_jobs(files, work, archives, partition)
    made, manifest = run_jobs(jobs, scheduler, workers, meanwhile=meanwhile)
    # the runs whose archives tile-join merges, which must reach the same zoom (`level`)
    if partition == "grid":  # every cell's archive, into each join
        merged = [list(range(len(jobs)))]
    elif archives == "layer":  # a layer's parts, into its archive
        merged = [[n for n, (key, _) in enumerate(files) if f"{_layer_key(key)}.pmtiles" == name]
                  for name, _ in made_out]
    else:  # one run over every layer: nothing to merge
        merged = []
    level(jobs, made, merged, scheduler, workers)
    if archives == "one":
        joins = [(made, out / "tiles" / "places.pmtiles", None)]
    elif partition == "layer":
        joins = [([made[n] for n in together], out / "tiles" / name, None)
                 for together, (name, _) in zip(merged, made_out, strict=True)]
    else:
        joins = [(made, out / "tiles" / name, f"L{index[layer.key]}")
                 for layer, (name, _) in zip(final, made_out, strict=True)]
    join_all(joins, work, workers)
    names_out = [name for name, _ in made_out]
    return TileSummary(folder, places, parts.features, final, tuple(names_out), reading,
                       manifest is not None)

