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

from mapgen.defaults import VERSION
from mapgen.errors import DataError, MapgenError, OptionError, OutputError, Problem

# A light package (its writers load on first use), imported before anything else can import
# it, so that `mapgen.export` stays this function rather than becoming the package.
from mapgen.export import export

if TYPE_CHECKING:
    import folium

    from mapgen.model import Dataset, Layer, Period, Place, Source
    from mapgen.read import default_source

# Heavy modules (edtf, folium, geopandas) load on first use, so `mapgen --help` stays fast.
_LAZY = {
    "Dataset": "mapgen.model",
    "Layer": "mapgen.model",
    "Place": "mapgen.model",
    "Source": "mapgen.model",
    "Period": "mapgen.model",
    "default_source": "mapgen.read",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'mapgen' has no attribute {name!r}")

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
    "export",
    "load",
    "period",
    "render",
    "save",
    "select",
]

__version__ = VERSION

def period(dataset: Dataset, **options: Any) -> Period:
    """A Period from start/end, at, or a named period of *dataset*; see
    :func:`mapgen.filter.make_period`."""
    from mapgen.filter import make_period

    return make_period(dataset, **options)


def select(
    dataset: Dataset, period: Period | None = None, layers: Iterable[str] | None = None
) -> Dataset:
    """The places of *dataset* in *layers* (all when None) with a span overlapping *period*.
    (A function here, not the submodule of the same name.)"""
    from mapgen.filter import select as select_places

    return select_places(dataset, period, layers)


def load(
    *sources: str | os.PathLike[str], format: str | None = None, **fields: str | None
) -> Dataset:
    """Read and validate one or more sources (none: the embedded default dataset) into one
    Dataset. Raises DataError listing every problem found. *fields* (id_field, name_field,
    layer_field, when_field, start_field, end_field) name the input fields that hold
    mapgen's properties, as the CLI's --*-field options do."""
    from mapgen.read import Fields, default_source, read
    from mapgen.validate import validate

    chosen = Fields.from_options(**fields)
    paths = sources or (default_source(),)
    return validate(read(path, format=format, fields=chosen) for path in paths)


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
    from mapgen.model import Dataset
    from mapgen.write import check_output, write_atomic

    target = check_output(path, inputs)
    if isinstance(map_or_dataset, Dataset):
        fmap = build_map(map_or_dataset, **options)
    else:
        fmap = map_or_dataset
    text = fragment_html(fmap, height) if fragment else page_html(fmap)
    return write_atomic(target, text)


def render(dataset: Dataset, path: str | os.PathLike[str], **options: Any) -> Path:
    """Draw *dataset* as a static map for print and reports — PNG, SVG or PDF by the suffix of
    *path* — and write it atomically; options: period, width, height (pixels), dpi, title,
    timeline, inputs. See :func:`mapgen.static.render`."""
    from mapgen.static import render as draw

    return draw(dataset, path, **options)
