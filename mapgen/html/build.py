"""Assemble a folium Map for a Dataset: one FeatureGroup per layer, a layer control, and
mapgen's element that draws, filters and explains the places."""

from __future__ import annotations

import hashlib
import html
import os
from collections.abc import Iterator, Sequence

import folium
import xyzservices
from branca.element import Element

from mapgen.calendars import check_calendar
from mapgen.defaults import DEFAULT_TILES
from mapgen.errors import OptionError
from mapgen.filter import period_of
from mapgen.html.elements import (
    LEAFLET_CSS,
    LEAFLET_IMAGES,
    LEAFLET_JS,
    CdnLeaflet,
    Countries,
    InlineLeaflet,
    LoadStatus,
    MapFigure,
    MapgenLayers,
    PeriodControl,
    Policy,
    tile_source,
)
from mapgen.html.payload import group_small_layers, packed, payload, script_json
from mapgen.html.story import StoryAssets, story_payload
from mapgen.language import check_language
from mapgen.model import Dataset, Period, many_objects
from mapgen.story import Story, load_story


def tile_provider(name: str) -> xyzservices.TileProvider | None:
    """An xyzservices provider by name ("CartoDB.Positron"), or None for "none"."""
    if name.lower() == "none":
        return None
    try:
        provider = xyzservices.providers.query_name(name)
    except ValueError:
        raise OptionError(
            f"unknown tiles {name!r}: give an xyzservices name such as {DEFAULT_TILES}, "
            "OpenStreetMap.Mapnik or Esri.WorldImagery, or 'none'"
        ) from None
    if provider.requires_token():
        raise OptionError(f"tiles {name!r} need an API key; choose another provider")
    return provider


def _elements(root: Element) -> Iterator[Element]:
    yield root
    for child in list(root._children.values()):
        yield from _elements(child)


def stabilise_ids(root: Element, salt: str) -> None:
    """Replace folium's random element ids with ids from the content and tree order: the same
    input gives the same bytes, and two different maps on one page (fragments) never share an
    element id."""
    prefix = hashlib.sha256(salt.encode("utf-8")).hexdigest()[:8]
    for number, element in enumerate(_elements(root)):
        element._id = f"{prefix}{number:04d}"


def _inert_html(text: str) -> str:
    """Text escaped for HTML and inert to the Jinja pass folium makes over element output."""
    return html.escape(text).replace("{", "&#123;").replace("}", "&#125;")


def compared(
    dataset: Dataset, periods: Sequence[Period | str], *, strict: bool = False
) -> list[Period]:
    """The two periods of a comparison, read as `filter.period_of` reads them."""
    if isinstance(periods, str) or len(periods) != 2:
        raise OptionError.naming("{compare} takes two periods, such as 1981/1986 2003/..")
    return [
        period_of(dataset, p, strict=strict) if isinstance(p, str) else p for p in periods
    ]


@many_objects()  # a large map is millions of small objects without a cycle: see model.py
def build_map(
    dataset: Dataset,
    *,
    title: str | None = None,
    tiles: str = DEFAULT_TILES,
    period: Period | None = None,
    strict: bool = False,
    self_contained: bool = False,
    cdn: bool = False,
    height: str = "480px",
    lang: str = "en",
    calendar: str = "gregorian",
    story: str | os.PathLike[str] | Story | None = None,
    story_panel: bool = True,
    compare: Sequence[Period | str] | None = None,
    popup_fields: Sequence[str] | None = None,
) -> folium.Map:
    """A folium Map of *dataset*: one toggleable layer per category, legend, popups, movement
    paths and the in-browser period control. *period* is only stated on the map (select the
    places first with :func:`mapgen.select`); by default, the period the dataset was cut to.

    The page carries everything it needs (Leaflet, mapgen's scripts, a small offline basemap
    under the tiles), so it opens anywhere, with or without network; its Content-Security-
    Policy allows no request but the tiles. *cdn* makes the smallest file instead: Leaflet
    comes from its CDN, and the basemap only when there are no tiles. *self_contained* (no
    request at all but tiles) is the default, and refuses *cdn*. *height* is the map's height
    in a notebook and as a fragment (a page's map fills the page). Every word the map says
    to its reader — controls, periods, popups, legend — is *lang*'s (one of
    `mapgen.language.LANGUAGES`); a place is named in *lang* first where it has such a name,
    and a right-to-left language's page runs right to left. *calendar* ("persian",
    "islamic") shows each period in that calendar too, in the popups and on the timeline's
    axis; the filter stays on Gregorian days.

    *story* (a Markdown or StoryMapJS file, or a loaded :class:`mapgen.story.Story`) walks
    the reader through the map step by step (`mapgen.story`); *story_panel* False leaves its
    caption panel out, for a report whose own text drives the steps. *compare*: two periods
    (`Period`s, or texts such as "1981/1986", "2003/.." or a period the data names) shown side
    by side in two synced maps (compare.js), read strictly with *strict*; not with a story,
    whose steps drive one map's period.

    A popup shows a place's other properties (`Place.extra`) as a small table: all of them,
    up to 12 and then "+N more", or only the ones *popup_fields* names, in that order (a
    name that no place has is an OptionError)."""
    if title is not None and any("\ud800" <= c <= "\udfff" for c in title):
        # bytes of a command line that were not UTF-8: the page could not be written
        raise OptionError(f"the title {title!r} is not text: it holds a lone surrogate")
    if cdn and self_contained:
        raise OptionError(
            "--cdn loads Leaflet from the network and --self-contained makes no request: "
            "choose one"
        )
    provider = tile_provider(tiles)
    period = period if period is not None else dataset.period
    if story is not None and compare is not None:
        raise OptionError.naming("a {story} walks through one map's periods; it makes no "
                                 "{compare}")
    if story is not None:
        story = load_story(story, dataset, strict=strict)
    dataset = group_small_layers(dataset.in_language(check_language(lang)), lang=lang)
    fmap = folium.Map(tiles=None, control_scale=True)
    figure = MapFigure(height, lang=lang)  # the page that holds the map's data once
    figure.add_child(fmap)
    if provider is not None:
        folium.TileLayer(provider, name=provider.name, control=False).add_to(fmap)
    # mapgen draws with Leaflet alone: no jQuery, no Bootstrap, no Font Awesome
    fmap.default_js, fmap.default_css = [], []
    (CdnLeaflet() if cdn else InlineLeaflet()).add_to(fmap)
    LoadStatus(cdn=cdn).add_to(fmap)
    groups = []
    for number, layer in enumerate(dataset.layers):
        # The layer control keys its entries by this HTML: the number keeps two layers with
        # the same label and colour apart (else the second would replace the first).
        swatch = (
            f'<span class="mapgen-swatch" data-layer="{number}" '
            f'style="background:{layer.color}"></span>'
        )
        group = folium.FeatureGroup(name=swatch + _inert_html(layer.label), overlay=True)
        group.add_to(fmap)
        groups.append(group)
    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    figure.policy = Policy(
        scripts=(LEAFLET_JS,) if cdn else (),
        styles=(LEAFLET_CSS,) if cdn else (),
        images=(
            *((tile_source(provider["url"]),) if provider else ()),
            *((LEAFLET_IMAGES,) if cdn else ()),
        ),
        style_attributes=tuple(f"background:{layer.color}" for layer in dataset.layers),
    )
    basemap = not cdn or provider is None
    data = payload(dataset, period=period, strict=strict, title=title, lang=lang,
                   calendar=check_calendar(calendar), basemap=basemap,
                   popup_fields=popup_fields,
                   story=None if story is None else story_payload(story, panel=story_panel,
                                                                  lang=lang))
    if compare is not None:
        data["compare"] = [[p.start, p.end] for p in compared(dataset, compare, strict=strict)]
    if basemap:  # the countries go into the page once, for all its maps (elements.py)
        Countries().add_to(fmap)
    PeriodControl().add_to(fmap)
    if story is not None:
        StoryAssets().add_to(fmap)
    data, blob = packed(data)
    data_json = script_json(data)  # serialised once: written, and hashed for ids
    MapgenLayers(data_json, groups, packed=blob).add_to(fmap)
    # The page's <title> names the period (a tab, a bookmark, an embed's title); on the map
    # itself the legend states it once, under the title.
    page_title = f"{data['title']} — {data['period']}" if data["period"] and not title else (
        data["title"]
    )
    fmap.get_root().title = _inert_html(page_title)
    fmap.mapgen_sources = dataset.sources  # so that save() never writes over them
    stabilise_ids(fmap.get_root(), salt=data_json + (blob or ""))
    return fmap
