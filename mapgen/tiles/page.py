"""DIR/index.html: the same page as a one-file map (folium's page, mapgen's legend, layer
switches, period control, search, layout), drawing tiles instead of an embedded payload.

Its data (CONTRACT.md, "Tile maps") is the build's counts, the layers, the archives and the
name index's manifest, inlined; the tiles and the index's shards are fetched from the page's
own origin (its Content-Security-Policy allows `connect-src 'self'` and nothing else).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import folium

from mapgen.defaults import DEFAULT_TILES
from mapgen.html.build import _inert_html, stabilise_ids, tile_provider
from mapgen.html.elements import (
    SHARED_JS,
    AssetElement,
    InlineLeaflet,
    LoadStatus,
    MapFigure,
    PeriodControl,
    Policy,
    Verbatim,
    tile_source,
)
from mapgen.html.payload import script_json
from mapgen.html.words import page_words
from mapgen.language import language
from mapgen.model import Layer, Period
from mapgen.tiles.counts import Counts
from mapgen.tiles.source import Reading
from mapgen.write import write_atomic


class MapgenTileLayers(AssetElement):
    """Draws the tiles with protomaps-leaflet (pmtiles inside it), filters them by period on
    their day-number attributes, and explains them: tiles.js over the one-file page's scripts
    (legend, search, layout, popups from mapgen.js)."""

    default_js_files = (
        *SHARED_JS,
        "legend.js",
        "search.js",
        "view-hash.js",
        "layout.js",
        "basemap.js",
        "time-filter.js",
        "mapgen.js",
        "vendor/pmtiles.js",
        "vendor/protomaps-leaflet.js",
        "tile-search.js",
        "tiles.js",
    )
    default_css_files = ("mapgen.css", "search.css")

    def __init__(self, data_json: str, groups: list[Any]) -> None:
        super().__init__()
        self._name = "MapgenTileLayers"
        self.data_json = data_json
        self.groups = groups

    def render(self, **kwargs: object) -> None:
        super().render(**kwargs)
        groups = ",".join(group.get_name() for group in self.groups)
        call = f"MapgenTileApp.create({self._parent.get_name()}, [{groups}], "
        script = self.get_root().script
        script.add_child(Verbatim(call), name=self.get_name())
        script.add_child(Verbatim(self.data_json, large=True), name=f"{self.get_name()}_data")
        script.add_child(Verbatim(");\n"), name=f"{self.get_name()}_end")


def page_data(*, title: str, description: str, attribution: str, layers: tuple[Layer, ...],
              index: dict[str, int], archives: list[tuple[str, list[int]]], counts: Counts,
              period: Period, strict: bool, bounds: list[float] | None, reading: Reading,
              search: dict[str, Any] | None, places: int, search_limit: int,
              lang: str = "en") -> dict[str, Any]:
    """The page's data (CONTRACT.md, "Tile maps"), its words *lang*'s (`words.page_words`:
    the one-file page's scripts it runs ask for them)."""
    window = None if period.unbounded else [period.start, period.end]
    position = {index[layer.key]: number for number, layer in enumerate(layers)}
    result = counts.result(len(index), (period.start, period.end) if window else None)
    return {
        "title": title,
        "description": description,
        "attribution": attribution,
        "period": period.label(lang),
        "window": window,
        "strict": strict,
        "layers": [{"key": layer.key, "label": layer.label, "color": layer.color,
                    "path": False, "tile": f"L{index[layer.key]}"} for layer in layers],
        "archives": [{"url": f"tiles/{name}",
                      "layers": sorted(position[tile] for tile in tiles)}
                     for name, tiles in archives],
        "counts": {**result, "layers": [result["layers"][index[layer.key]]
                                        for layer in layers]},
        "bounds": [[bounds[1], bounds[0]], [bounds[3], bounds[2]]] if bounds else None,
        "places": places,
        "skipped": reading.skipped,
        "unlocated": len(reading.unlocated),
        "search": {**search, "path": "names/"} if search is not None else {
            "off": language(lang).gettext(
                "Search is off: this map has more than {limit} places, past what its name "
                "index is made for.", limit=language(lang).number(search_limit, grouped=True))},
        "i18n": page_words(lang),
    }


def write_page(folder: Path, *, tiles: str | None, **data: Any) -> Path:
    """index.html of a tile folder, atomically."""
    provider = tile_provider(tiles or DEFAULT_TILES)
    content = page_data(**data)
    fmap = folium.Map(tiles=None, control_scale=True)
    figure = MapFigure(lang=data.get("lang", "en"))  # <html lang dir>
    figure.add_child(fmap)
    if provider is not None:
        folium.TileLayer(provider, name=provider.name, control=False).add_to(fmap)
    fmap.default_js, fmap.default_css = [], []
    InlineLeaflet().add_to(fmap)
    LoadStatus(cdn=False).add_to(fmap)
    groups = []
    for number, layer in enumerate(data["layers"]):
        swatch = (f'<span class="mapgen-swatch" data-layer="{number}" '
                  f'style="background:{layer.color}"></span>')
        group = folium.FeatureGroup(name=swatch + _inert_html(layer.label), overlay=True)
        group.add_to(fmap)
        groups.append(group)
    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    figure.policy = Policy(
        images=(tile_source(provider["url"]),) if provider else (),
        style_attributes=tuple(f"background:{layer.color}" for layer in data["layers"]),
        connect=("'self'",),
    )
    from mapgen.basemap import countries_small

    content["basemap"] = countries_small()
    PeriodControl().add_to(fmap)
    data_json = script_json(content)
    MapgenTileLayers(data_json, groups).add_to(fmap)
    fmap.get_root().title = _inert_html(content["title"])
    stabilise_ids(fmap.get_root(), salt=data_json)
    return write_atomic(folder / "index.html", figure.render_parts())
