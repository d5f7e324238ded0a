"""mapgen: places with date ranges → layered, time-filtered HTML maps.

The public API: the very functions the CLI calls, with their real signatures::

    import mapgen
    data = mapgen.load()                                  # the embedded default dataset
    view = mapgen.select(data, mapgen.period(data, start="1986", end="2003"))
    fmap = mapgen.build_map(view)                         # a folium.Map, titled with its period
    mapgen.save(fmap, "output/map.html")
    mapgen.render(view, "output/map.pdf")
    mapgen.export(view, "output/map.lpf.json")

Each name is the function of the module that does the job, imported on first use so that
``import mapgen`` (and ``mapgen --help``) stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from mapgen.defaults import VERSION
from mapgen.errors import (
    DataError,
    MapgenError,
    MapgenWarning,
    OptionError,
    OutputError,
    Problem,
)

if TYPE_CHECKING:
    from mapgen.defaults import default_source
    from mapgen.filter import period, select
    from mapgen.html.build import build_map
    from mapgen.html.save import save
    from mapgen.iframe import embed
    from mapgen.listing import list_places
    from mapgen.model import Dataset, Layer, Period, Place, Source
    from mapgen.series import build_series
    from mapgen.sources import load
    from mapgen.static import render
    from mapgen.styling import style
    from mapgen.writers import dumps, export

__version__ = VERSION

# name → the module that defines it (the stages of the pipeline, in order)
_HOMES = {
    "load": "mapgen.sources",
    "default_source": "mapgen.defaults",
    "Dataset": "mapgen.model",
    "Layer": "mapgen.model",
    "Period": "mapgen.model",
    "Place": "mapgen.model",
    "Source": "mapgen.model",
    "period": "mapgen.filter",
    "select": "mapgen.filter",
    "style": "mapgen.styling",
    "build_map": "mapgen.html.build",
    "save": "mapgen.html.save",
    "render": "mapgen.static",
    "export": "mapgen.writers",
    "dumps": "mapgen.writers",
    "list_places": "mapgen.listing",
    "build_series": "mapgen.series",
    "embed": "mapgen.iframe",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'mapgen' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "DataError",
    "Dataset",
    "Layer",
    "MapgenError",
    "MapgenWarning",
    "OptionError",
    "OutputError",
    "Period",
    "Place",
    "Problem",
    "Source",
    "__version__",
    "build_map",
    "build_series",
    "default_source",
    "dumps",
    "embed",
    "export",
    "list_places",
    "load",
    "period",
    "render",
    "save",
    "select",
    "style",
]
