"""The folium baselines, one per process: ``python benchmarks/baseline.py METHOD IN OUT``.

METHOD is one of

* ``markers``:  one ``folium.CircleMarker`` with a ``folium.Popup`` per place, in one
  ``FeatureGroup`` per layer, with a ``LayerControl``;
* ``geojson``:  one ``folium.GeoJson`` of all places (circle markers in one colour) with a
  ``folium.GeoJsonPopup``;
* ``styled``:   the same, coloured by layer with a ``style_function`` (not run by default: see
  :func:`build_styled`);
* ``timeline``: ``folium.plugins.Timeline`` + ``TimelineSlider``, one feature per span with
  ``start``/``end`` properties (open ends run to today; EDTF qualifiers are dropped).

Each reads the same GeoJSON file mapgen reads, so a process's wall time covers reading, building
and writing, as ``mapgen build`` does. Only folium and the standard library are used.
"""

from __future__ import annotations

import calendar
import datetime
import html
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import folium
from folium.plugins import Timeline, TimelineSlider
from folium.utilities import JsCode

RADIUS = 6
DEFAULT_COLOR = "#1f5fa8"

POINT_TO_LAYER = JsCode(
    """function (feature, latlng) {
        var c = feature.properties.color;
        return L.circleMarker(latlng, {radius: RADIUS, color: c, fillColor: c,
                                       fillOpacity: 0.75, weight: 2});
    }""".replace("RADIUS", str(RADIUS))
)

ON_EACH_FEATURE = JsCode(
    """function (feature, layer) {
        layer.bindPopup(function () {
            var p = feature.properties, box = document.createElement('div');
            var h = document.createElement('b'); h.textContent = p.name; box.appendChild(h);
            var w = document.createElement('div'); w.textContent = p.when.join('; ');
            box.appendChild(w);
            var d = document.createElement('div'); d.textContent = p.description;
            box.appendChild(d);
            return box;
        });
    }"""
)


def _colors(data: dict[str, Any]) -> dict[str, str]:
    return {key: spec["color"] for key, spec in data["layers"].items()}


def _popup_html(props: dict[str, Any]) -> str:
    sources = "".join(
        f'<li><a href="{html.escape(s["url"])}">{html.escape(s["title"])}</a></li>'
        for s in props.get("sources", [])
    )
    return (
        f"<b>{html.escape(props['name'])}</b><br>{html.escape('; '.join(props['when']))}"
        f"<br>{html.escape(props.get('description', ''))}<ul>{sources}</ul>"
    )


def _new_map(data: dict[str, Any]) -> folium.Map:
    lons = [f["geometry"]["coordinates"][0] for f in data["features"]]
    lats = [f["geometry"]["coordinates"][1] for f in data["features"]]
    fmap = folium.Map(tiles="OpenStreetMap")
    fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]])
    return fmap


def build_markers(data: dict[str, Any]) -> folium.Map:
    fmap = _new_map(data)
    groups = {
        key: folium.FeatureGroup(name=spec["label"]).add_to(fmap)
        for key, spec in data["layers"].items()
    }
    colors = _colors(data)
    for feature in data["features"]:
        props = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"][:2]
        color = colors[props["layer"]]
        folium.CircleMarker(
            location=[lat, lon],
            radius=RADIUS,
            color=color,
            fill=True,
            fill_color=color,
            fill_opacity=0.75,
            popup=folium.Popup(_popup_html(props), max_width=340),
        ).add_to(groups[props["layer"]])
    folium.LayerControl(collapsed=False).add_to(fmap)
    return fmap


def _geojson(data: dict[str, Any], style: Callable[[dict], dict] | None) -> folium.Map:
    fmap = _new_map(data)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": data["features"]},
        name="places",
        marker=folium.CircleMarker(
            radius=RADIUS, fill=True, color=DEFAULT_COLOR, fill_opacity=0.75, weight=2
        ),
        style_function=style,
        popup=folium.GeoJsonPopup(fields=["name", "when", "description"]),
    ).add_to(fmap)
    return fmap


def build_geojson(data: dict[str, Any]) -> folium.Map:
    """All places in one colour: folium's cheapest GeoJson."""
    return _geojson(data, None)


def build_styled(data: dict[str, Any]) -> folium.Map:
    """Coloured by layer with a ``style_function``. folium evaluates it per feature in Python
    and writes a JavaScript ``switch`` with one ``case`` per feature id not in the most common
    style, which the browser runs once per feature: quadratic in the number of places."""
    colors = _colors(data)

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        color = colors[feature["properties"]["layer"]]
        return {"color": color, "fillColor": color, "fillOpacity": 0.75, "weight": 2}

    return _geojson(data, style)


def _bound(text: str, *, end: bool) -> str:
    """An EDTF bound without qualifiers as an ISO day: first day, or last day with *end*."""
    parts = [int(p) for p in text.strip("~?%").split("-")]
    year = parts[0]
    month = parts[1] if len(parts) > 1 else (12 if end else 1)
    last = calendar.monthrange(year, month)[1]
    day = parts[2] if len(parts) > 2 else (last if end else 1)
    return f"{year:04d}-{month:02d}-{day:02d}"


def span_dates(edtf: str, today: str) -> tuple[str, str]:
    """(start, end) ISO days of one EDTF date or interval."""
    first, _, second = edtf.partition("/")
    second = second or first
    end = today if second == ".." else _bound(second, end=True)
    return _bound(first, end=False), end


def build_timeline(data: dict[str, Any]) -> folium.Map:
    fmap = _new_map(data)
    colors = _colors(data)
    today = datetime.date.today().isoformat()
    features = []
    for feature in data["features"]:
        props = feature["properties"]
        for edtf in props["when"]:
            start, end = span_dates(edtf, today)
            features.append(
                {
                    "type": "Feature",
                    "geometry": feature["geometry"],
                    "properties": {
                        "name": props["name"],
                        "when": props["when"],
                        "description": props.get("description", ""),
                        "color": colors[props["layer"]],
                        "start": start,
                        "end": end,
                    },
                }
            )
    timeline = Timeline(
        {"type": "FeatureCollection", "features": features},
        point_to_layer=POINT_TO_LAYER,
        on_each_feature=ON_EACH_FEATURE,
    ).add_to(fmap)
    TimelineSlider(auto_play=False, date_options="YYYY-MM-DD").add_timelines(timeline).add_to(fmap)
    return fmap


BUILDERS: dict[str, Callable[[dict[str, Any]], folium.Map]] = {
    "markers": build_markers,
    "geojson": build_geojson,
    "styled": build_styled,
    "timeline": build_timeline,
}


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in BUILDERS:
        print(f"usage: baseline.py {{{','.join(BUILDERS)}}} IN.geojson OUT.html", file=sys.stderr)
        return 2
    method, source, output = argv
    data = json.loads(Path(source).read_text(encoding="utf-8"))
    BUILDERS[method](data).save(output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
