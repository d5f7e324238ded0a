"""Saving a map as an HTML file: a standalone page or a fragment, written atomically; and the
assets a page of fragments carries once."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import folium

from mapgen.errors import OptionError
from mapgen.html.build import build_map
from mapgen.html.page import assets_html, fragment_html, page_parts
from mapgen.model import Dataset, many_objects
from mapgen.write import check_output, write_atomic


@many_objects()
def save(
    map_or_dataset: folium.Map | Dataset,
    path: str | os.PathLike[str],
    *,
    fragment: bool = False,
    height: str | None = None,
    shared_assets: bool = False,
    url_hash: bool = False,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Write a map as a standalone HTML page, or with *fragment* as a fragment of *height*
    (default: the map's, 480px) to paste into a report page; atomically, creating missing
    folders. A fragment with *shared_assets* leaves out Leaflet, mapgen's scripts and the
    basemap, which the page then carries once (:func:`save_assets`); with *url_hash* it keeps
    its period and view in the page's URL hash, as a page does (by default a fragment leaves
    the report's anchors alone). A Dataset is first built with :func:`mapgen.build_map`'s
    defaults (call it yourself for other options). The files the data came from, the embedded
    dataset and *inputs* are refused as the output.

    >>> mapgen.save(mapgen.build_map(view, tiles="none"), "out/map.html")  # doctest: +SKIP
    """
    if not fragment and (shared_assets or url_hash or height is not None):
        raise OptionError.naming(
            "{height}, {shared_assets} and {url_hash} are options of a {fragment}: a page "
            "fills its window, carries its assets and keeps its URL hash"
        )
    fmap = build_map(map_or_dataset) if isinstance(map_or_dataset, Dataset) else map_or_dataset
    sources = getattr(fmap, "mapgen_sources", ())
    target = check_output(path, (*inputs, *sources))
    text = (
        [fragment_html(fmap, height, shared_assets=shared_assets, url_hash=url_hash)]
        if fragment else page_parts(fmap)
    )
    return write_atomic(target, text)


def save_assets(
    path: str | os.PathLike[str], *, cdn: bool = False,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Write what fragments saved with *shared_assets* leave out — Leaflet (inlined, or with
    *cdn* from its CDN), mapgen's styles and scripts, the basemap's countries — to include
    once in a page of maps, before or after them; atomically. Its first line is the
    Content-Security-Policy comment for it, as a fragment's is.

    >>> mapgen.save_assets("site/maps/assets.html")  # doctest: +SKIP
    """
    return write_atomic(check_output(path, inputs), assets_html(cdn=cdn))
