"""Native GeoJSON: what mapgen reads, laid out as mapdata/README.md describes (2-space
indent, documented key order, UTF-8 as is), so exporting the default dataset unchanged gives
back its file byte for byte."""

from __future__ import annotations

import json
from typing import Any

from mapgen.model import Dataset, Place


def members(dataset: Dataset) -> dict[str, Any]:
    """The collection's own members (title, description, attribution, layers, periods),
    shared by the GeoJSON and LPF writers."""
    out: dict[str, Any] = {"title": dataset.title}
    if dataset.description:
        out["description"] = dataset.description
    if dataset.attribution:
        out["attribution"] = dataset.attribution
    out["layers"] = {
        layer.key: {
            "label": layer.label,
            "color": layer.color,
            "order": layer.order,
            "path": layer.path,
        }
        for layer in dataset.layers
    }
    if dataset.periods:
        out["periods"] = {name: span.text for name, span in dataset.periods}
    return out


def properties(place: Place) -> dict[str, Any]:
    """A place's properties in mapgen's documented order; extra properties last, sorted."""
    props: dict[str, Any] = {"id": place.id, "name": place.name}
    props.update((f"name_{lang}", name) for lang, name in place.names)
    props["layer"] = place.layer
    props["when"] = [span.text for span in place.spans]
    if place.precision:
        props["precision"] = place.precision
    if place.description:
        props["description"] = place.description
    if place.sources:
        props["sources"] = [{"title": s.title, "url": s.url} for s in place.sources]
    props.update(sorted(place.extra))
    return props


def to_geojson(dataset: Dataset) -> dict[str, Any]:
    """*dataset* as a native GeoJSON FeatureCollection."""
    features = [
        {"type": "Feature", "geometry": place.geometry, "properties": properties(place)}
        for place in dataset.places
    ]
    return {"type": "FeatureCollection", **members(dataset), "features": features}


def dump_json(doc: Any) -> str:
    """JSON text as every mapgen export writes it: indented, non-ASCII as is, final newline."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def dumps(dataset: Dataset) -> str:
    return dump_json(to_geojson(dataset))
