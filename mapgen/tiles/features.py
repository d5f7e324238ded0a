"""Tile features: what tippecanoe reads, one GeoJSON feature a line (GeoJSONSeq).

A place becomes one feature per span, each with the place's id, so a place with several
spans is several features that share it; an undated place is one feature marked ``u``. A
span's four bounds (`mapgen.dates.Span`) are integer day numbers (day 0 = 1970-01-01):

    sw  start_wide     the earliest day it may start
    sn  start_narrow   the earliest day it surely started
    en  end_narrow     the latest day it surely lasted to
    ew  end_wide       the latest day it may have lasted to

An open bound is a missing attribute, as OpenHistoricalMap writes its dates: no ``sw`` is a
start at −∞, no ``ew`` an end at +∞. The popup's texts ride along: ``name``, ``when`` (the
place's spans in words), ``description``, ``precision``, and ``sources`` and ``names`` as
JSON text (``[[title, url], …]``, ``[[lang, name], …]``), each only when the place has it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from json.encoder import encode_basestring
from pathlib import Path

import msgspec
import numpy

from mapgen.dates import Span, each_span_words, joined_words
from mapgen.model import Places

TIME_KEYS = ("sw", "sn", "en", "ew")
PART_FEATURES = 5_000_000  # a layer's features a tippecanoe run takes at most: about 1 GB of
# its memory, from a layer's cells' files (FeatureFiles)
PART_ZOOM = 4  # the grid whose cells a larger layer's parts are made of: 256 cells
UNDATED = "u"
# Compact JSON: the very bytes of json.dumps(ensure_ascii=False, separators=(",", ":")),
# several times faster; a string alone quoted by json's own C function.
_ENCODE = msgspec.json.Encoder().encode
_quoted = encode_basestring
_NUL = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")  # JSON's escape of NUL: after an even
# number of backslashes (none, or escaped ones)


def span_properties(span: Span) -> dict[str, int]:
    """A span's bounds as tile attributes: an open bound left out."""
    bounds = (span.start_wide, span.start_narrow, span.end_narrow, span.end_wide)
    return {key: day for key, day in zip(TIME_KEYS, bounds, strict=True) if day is not None}


def when_words(places: Places, lang: str = "en") -> list[str]:
    """Each place's spans in words in *lang*, as its popup says them ("" for an undated
    place); each distinct span's words made once for the batch (`each_span_words`)."""
    said = each_span_words(places.spans, lang)
    return [joined_words(said[a:b], lang) for a, b in places.span_rows()]


def place_texts(places: Places, when: list[str]) -> list[str]:
    """What every feature of each place carries, as the members of a JSON object: its id and
    its popup's texts (*when*: its spans in words), each only when the place has it; a
    column's strings quoted at C speed (the very bytes json.dumps writes, ensure_ascii off)."""
    titles, urls, starts = places.source_titles, places.source_urls, places.source_starts
    other = places.other_names
    out = []
    for row, (pid, name, said, description, precision) in enumerate(zip(
            map(_quoted, places.ids), map(_quoted, places.names), when,
            places.descriptions, places.precisions, strict=True)):
        text = f'"id":{pid},"name":{name}'
        if said:
            text += f',"when":{_quoted(said)}'
        if description:
            text += f',"description":{_quoted(description)}'
        if precision:
            text += f',"precision":{_quoted(precision)}'
        first, end = starts[row], starts[row + 1]
        if end > first:
            pairs = _ENCODE(list(zip(titles[first:end], urls[first:end], strict=True))).decode()
            text += f',"sources":{_quoted(pairs)}'
        if row in other:
            text += f',"names":{_quoted(_ENCODE(other[row]).decode())}'
        out.append(text)
    return out


def feature_lines(places: Places, layers: list[int], when: list[str]
                  ) -> Iterator[tuple[int, int, str]]:
    """(place row, layer index, GeoJSONSeq line) of every feature of *places*, their layers'
    indices in *layers*, their spans in words in *when*. Each line carries its tile layer
    (``"tippecanoe": {"layer": "L3"}``) so a file may hold several; the place's texts are
    encoded once for all its spans."""
    spans, starts, lons, lats = places.spans, places.span_starts, places.lons, places.lats
    times: dict[int, str] = {}  # each distinct Span's attributes, written once
    for row, common in enumerate(place_texts(places, when)):
        layer = layers[row]
        if lons[row] is not None:
            geometry = f'{{"type":"Point","coordinates":[{lons[row]!r},{lats[row]!r}]}}'
        else:
            geometry = json.dumps(places.geometries[row], separators=(",", ":"))
        head = (f'{{"type":"Feature","tippecanoe":{{"layer":"L{layer}"}},'
                f'"geometry":{geometry},"properties":{{{common}')
        first, end = starts[row], starts[row + 1]
        if end == first:
            yield row, layer, f'{head},"{UNDATED}":1}}}}\n'
            continue
        for span in spans[first:end]:
            text = times.get(id(span))
            if text is None:
                text = times[id(span)] = "".join(
                    f',"{key}":{day}' for key, day in span_properties(span).items())
            yield row, layer, f"{head}{text}}}}}\n"


def mercator_cells(lons: Sequence[float | None], lats: Sequence[float | None], zoom: int
                   ) -> tuple[numpy.ndarray, numpy.ndarray]:
    """The web-mercator tiles (x, y) at *zoom* that hold points (a place's spatial partition):
    -1 for a place that is no point."""
    n = 1 << zoom
    lon = numpy.array(lons, dtype=float)
    lat = numpy.radians(numpy.clip(numpy.array(lats, dtype=float), -85.0511, 85.0511))
    with numpy.errstate(invalid="ignore"):
        x = numpy.clip(numpy.floor((lon + 180.0) / 360.0 * n), 0, n - 1)
        y = numpy.clip(numpy.floor((1.0 - numpy.arcsinh(numpy.tan(lat)) / numpy.pi) / 2.0 * n),
                       0, n - 1)
    shape = numpy.isnan(lon)
    return (numpy.where(shape, -1, x).astype(numpy.int64),
            numpy.where(shape, -1, y).astype(numpy.int64))


def z_order(x: numpy.ndarray, y: numpy.ndarray, zoom: int) -> numpy.ndarray:
    """Each cell's place along a Z-order curve at *zoom* (x's and y's bits interleaved): cells
    close along it are close on the map."""
    out = numpy.zeros(len(x), dtype=numpy.int64)
    for bit in range(zoom):
        out |= ((x >> bit) & 1) << (2 * bit) | ((y >> bit) & 1) << (2 * bit + 1)
    return out


class FeatureFiles:
    """The GeoJSONSeq files tippecanoe reads, written a batch of places at a time (`add`):
    a partition's (*by* "layer", or "grid": the cells of a web-mercator grid at *zoom*).

    A layer's features go to a file for each cell of the grid at `PART_ZOOM` they are in,
    and its run reads them all. tippecanoe maps an input file whole, and its memory grows
    with a run's features: a layer of 425,000 features in one file peaked at 274 MB, in its
    cells' files at 132 MB, in as much time; 4.25 million in one file at 2.5 GB, in its
    cells' files at 825 MB (peak RSS, MiB: about 190 bytes a feature). A layer of more than
    `PART_FEATURES` is several runs, its parts: runs of cells along a Z-order curve, each at
    most `PART_FEATURES` unless one cell holds more, whose archives are joined into the
    layer's. Since the cells are files already, cutting a layer moves no byte."""

    def __init__(self, folder: Path, by: str = "layer", zoom: int = 1) -> None:
        self.folder, self.by, self.zoom = folder, by, zoom
        self.counts: dict[tuple[str, int], int] = {}  # features of each (partition, cell) file
        self.nul = False  # a text held NUL, written as U+FFFD

    @property
    def features(self) -> int:
        """The features written so far."""
        return sum(self.counts.values())

    def add(self, places: Places, layers: list[int], when: list[str]) -> None:
        """The features of a batch's *places* (their layers' indices, their spans in words)."""
        x, y = mercator_cells(places.lons, places.lats, self.zoom if self.by == "grid"
                              else PART_ZOOM)
        keys: list[tuple[str, int]]
        if self.by == "grid":
            keys = [(f"cell-{self.zoom}-{a}-{b}" if a >= 0 else "cell-shapes", 0)
                    for a, b in zip(x.tolist(), y.tolist(), strict=True)]
        else:  # a shape's cell: 0
            cells = z_order(numpy.maximum(x, 0), numpy.maximum(y, 0), PART_ZOOM).tolist()
            keys = [(f"layer-{layer}", cell) for layer, cell in zip(layers, cells, strict=True)]
        lines: dict[tuple[str, int], list[str]] = {}  # a file's lines, written in one go: a
        # write a line cost two seconds for a million places
        for row, _, line in feature_lines(places, layers, when):
            held = lines.get(keys[row])
            if held is None:
                held = lines[keys[row]] = []
            held.append(line)
        self.folder.mkdir(parents=True, exist_ok=True)
        for key, held in lines.items():
            text = "".join(held)
            if "\\u0000" in text:  # maybe: an escaped backslash before "u0000" is no NUL
                text, nuls = _NUL.subn(r"\1\\ufffd", text)
                self.nul = self.nul or nuls > 0
            # opened for each batch: a handle a file could pass the limit of open files
            with self._path(key).open("a" if key in self.counts else "w", encoding="utf-8",
                                      newline="\n") as handle:
                handle.write(text)
            self.counts[key] = self.counts.get(key, 0) + len(held)

    def _path(self, key: tuple[str, int]) -> Path:
        name, cell = key
        return self.folder / (f"{name}-{cell:03d}.geojsonl" if self.by == "layer"
                              else f"{name}.geojsonl")

    def close(self) -> list[tuple[str, tuple[str, ...]]]:
        """Every partition, (key, its files' paths) in key order, its cells in Z order; a
        large layer's parts in its place (``layer-3-part-0``, …)."""
        cells: dict[str, list[tuple[int, int]]] = {}
        for (name, cell), many in sorted(self.counts.items()):
            cells.setdefault(name, []).append((cell, many))
        out: list[tuple[str, tuple[str, ...]]] = []
        for name, held in cells.items():
            if self.by == "layer" and sum(many for _, many in held) > PART_FEATURES:
                out += [(f"{name}-part-{n}", self._paths(name, part))
                        for n, part in enumerate(_runs(held))]
            else:
                out.append((name, self._paths(name, [cell for cell, _ in held])))
        return out

    def _paths(self, name: str, cells: list[int]) -> tuple[str, ...]:
        return tuple(str(self._path((name, cell))) for cell in cells)


def _runs(cells: list[tuple[int, int]]) -> list[list[int]]:
    """(cell, features) pairs in Z order cut into runs of at most `PART_FEATURES` features
    (one cell alone may hold more)."""
    runs: list[list[int]] = [[]]
    held = 0
    for cell, many in cells:
        if held and held + many > PART_FEATURES:
            runs.append([])
            held = 0
        runs[-1].append(cell)
        held += many
    return runs
