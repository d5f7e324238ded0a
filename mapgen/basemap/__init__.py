"""The offline basemap: Natural Earth country outlines, shipped with mapgen as package data.

``countries.geojson`` is a plain GeoJSON FeatureCollection ([lon, lat], property ``name``,
feature id = ISO 3166-1 numeric code where there is one), split at the antimeridian so a flat
map draws no stripes. It is made by ``scripts/make-basemap``; see README.md here for the
sources and licences. Static maps draw it; HTML maps can use it as a layer that needs no
network (the lighter 1:110m outlines, ``countries-110m.geojson``, see :func:`countries_small`).
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from mapgen.language import NP_

if TYPE_CHECKING:
    import geopandas

ATTRIBUTION = NP_("attribution", "Basemap: Natural Earth")
FILE = "countries.geojson"  # 1:50m, for static maps
SMALL_FILE = "countries-110m.geojson"  # 1:110m, 180 KiB: inlined in every HTML map


@cache
def countries_text() -> str:
    """The GeoJSON text as shipped, e.g. to embed it in a page unchanged."""
    return files(__package__).joinpath(FILE).read_text(encoding="utf-8")


def countries_small() -> dict[str, Any]:
    """The 1:110m countries, small enough to travel in every HTML map (a fresh copy)."""
    return json.loads(files(__package__).joinpath(SMALL_FILE).read_text(encoding="utf-8"))


def countries() -> dict[str, Any]:
    """The countries as a GeoJSON FeatureCollection dict (a fresh copy: callers may modify it)."""
    return json.loads(countries_text())


@cache
def _frame() -> geopandas.GeoDataFrame:
    import geopandas

    return geopandas.GeoDataFrame.from_features(countries()["features"], crs="EPSG:4326")


def countries_frame() -> geopandas.GeoDataFrame:
    """The countries as a GeoDataFrame (columns ``name`` and ``geometry``, EPSG:4326); parsed
    once per process, returned as a copy."""
    return _frame().copy()
