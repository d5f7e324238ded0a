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
    MapgenNote,
    MapgenWarning,
    OptionError,
    OutputError,
    Problem,
)

if TYPE_CHECKING:  # for type checkers and editors: _HOMES's names, re-exported (test_api)
    from mapgen.defaults import default_source as default_source
    from mapgen.defaults import default_story as default_story
    from mapgen.filter import period as period
    from mapgen.filter import select as select
    from mapgen.html.build import build_map as build_map
    from mapgen.html.save import save as save
    from mapgen.html.save import save_assets as save_assets
    from mapgen.iframe import embed as embed
    from mapgen.listing import left_out as left_out
    from mapgen.listing import list_places as list_places
    from mapgen.listing import write_report as write_report
    from mapgen.model import Dataset as Dataset
    from mapgen.model import Layer as Layer
    from mapgen.model import LoadReport as LoadReport
    from mapgen.model import Period as Period
    from mapgen.model import Place as Place
    from mapgen.model import Places as Places
    from mapgen.model import Source as Source
    from mapgen.series import build_series as build_series
    from mapgen.sources import load as load
    from mapgen.static import render as render
    from mapgen.static.story import render_story as render_story
    from mapgen.story import Story as Story
    from mapgen.story import load_story as load_story
    from mapgen.styling import style as style
    from mapgen.tiles.build import build_tiles as build_tiles
    from mapgen.tiles.serve import serve as serve
    from mapgen.writers import dumps as dumps
    from mapgen.writers import export as export

__version__ = VERSION

# name → the module that defines it (the stages of the pipeline, in order): the one list of
# what `import mapgen` offers besides the errors
_HOMES = {
    "load": "mapgen.sources",
    "default_source": "mapgen.defaults",
    "Dataset": "mapgen.model",
    "Places": "mapgen.model",
    "Place": "mapgen.model",
    "Layer": "mapgen.model",
    "Source": "mapgen.model",
    "LoadReport": "mapgen.model",
    "Period": "mapgen.model",
    "period": "mapgen.filter",
    "select": "mapgen.filter",
    "style": "mapgen.styling",
    "load_story": "mapgen.story",
    "default_story": "mapgen.defaults",
    "Story": "mapgen.story",
    "build_map": "mapgen.html.build",
    "save": "mapgen.html.save",
    "save_assets": "mapgen.html.save",
    "render": "mapgen.static",
    "render_story": "mapgen.static.story",
    "export": "mapgen.writers",
    "dumps": "mapgen.writers",
    "list_places": "mapgen.listing",
    "left_out": "mapgen.listing",
    "write_report": "mapgen.listing",
    "build_series": "mapgen.series",
    "embed": "mapgen.iframe",
    "build_tiles": "mapgen.tiles.build",
    "serve": "mapgen.tiles.serve",
}
_ERRORS = (DataError, MapgenError, MapgenNote, MapgenWarning, OptionError, OutputError, Problem)


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'mapgen' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = sorted(["__version__", *_HOMES, *(error.__name__ for error in _ERRORS)])
