"""mapgen: places with date ranges → layered, time-filtered HTML maps.

The public API, the same functions the CLI calls::

    import mapgen
    data = mapgen.load()                                  # the embedded default dataset
    view = mapgen.select(data, mapgen.period(data, start="1986", end="2003"))
    fmap = mapgen.build_map(view, period=...)             # a folium.Map
    mapgen.save(fmap, "output/map.html")
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapgen.errors import DataError, MapgenError, OptionError, OutputError, Problem
from mapgen.model import Dataset, Layer, Place, Source
from mapgen.read import default_source, read
from mapgen.select import Period, make_period, select
from mapgen.validate import validate

if TYPE_CHECKING:
    import folium

__all__ = [
    "DataError",
    "Dataset",
    "Layer",
    "MapgenError",
    "OptionError",
    "OutputError",
    "Period",
    "Place",
    "Problem",
    "Source",
    "build_map",
    "default_source",
    "load",
    "period",
    "save",
    "select",
]

__version__ = "0.1.0"

period = make_period


def load(*sources: str | os.PathLike[str], format: str | None = None) -> Dataset:
    """Read and validate one or more sources (none: the embedded default dataset) into one
    Dataset. Raises DataError listing every problem found."""
    paths = sources or (default_source(),)
    return validate(read(path, format=format) for path in paths)


def build_map(dataset: Dataset, **options: Any) -> folium.Map:
    """A folium Map of *dataset*; options: title, tiles, period, strict, self_contained.
    See :func:`mapgen.html.build_map`."""
    from mapgen.html import build_map as build

    return build(dataset, **options)


def save(
    map_or_dataset: folium.Map | Dataset,
    path: str | os.PathLike[str],
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
    fragment: bool = False,
    height: str = "480px",
    **options: Any,
) -> Path:
    """Write a map (or a dataset, built with *options*) as a standalone HTML page, or with
    *fragment* as a fragment of *height* to paste into a report page; atomically. *inputs*
    are refused as output paths."""
    from mapgen.html import fragment_html, page_html
    from mapgen.write import check_output, write_atomic

    target = check_output(path, inputs)
    if isinstance(map_or_dataset, Dataset):
        fmap = build_map(map_or_dataset, **options)
    else:
        fmap = map_or_dataset
    text = fragment_html(fmap, height) if fragment else page_html(fmap)
    return write_atomic(target, text)
