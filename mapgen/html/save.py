"""Saving a map as an HTML file: a standalone page or a fragment, written atomically."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import folium

from mapgen.html.build import build_map
from mapgen.html.page import fragment_html, page_parts
from mapgen.model import Dataset, many_objects
from mapgen.write import check_output, write_atomic


@many_objects()
def save(
    map_or_dataset: folium.Map | Dataset,
    path: str | os.PathLike[str],
    *,
    fragment: bool = False,
    height: str = "480px",
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Write a map as a standalone HTML page, or with *fragment* as a fragment of *height* to
    paste into a report page; atomically, creating missing folders. A Dataset is first built
    with :func:`mapgen.build_map`'s defaults (call it yourself for other options). The files
    the data came from, the embedded dataset and *inputs* are refused as the output.

    >>> mapgen.save(mapgen.build_map(view, tiles="none"), "out/map.html")  # doctest: +SKIP
    """
    fmap = build_map(map_or_dataset) if isinstance(map_or_dataset, Dataset) else map_or_dataset
    sources = getattr(fmap, "mapgen_sources", ())
    target = check_output(path, (*inputs, *sources))
    text = [fragment_html(fmap, height)] if fragment else page_parts(fmap)
    return write_atomic(target, text)
