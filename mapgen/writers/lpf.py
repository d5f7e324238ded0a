"""Linked Places Format (LPF) output, valid against the World Historical Gazetteer's schema
(v1.2.2). The mapping and its limits are described in :mod:`mapgen.read.lpf`, which reads
these files back; both use the same EDTF ↔ timespan functions."""

from __future__ import annotations

from typing import Any

from mapgen.lpfcodec import CONTEXT, edtf_from_timespan, flatten, one_line, timespan
from mapgen.model import Dataset, Place
from mapgen.writers.geojson import dump_json, members


def _lpf_geometry(geometry: dict[str, Any]) -> dict[str, Any]:
    """LPF allows no GeometryCollection inside another: nested members are lifted."""
    if geometry.get("type") != "GeometryCollection":
        return geometry
    members_: list[dict[str, Any]] = []
    for part in geometry["geometries"]:
        inner = _lpf_geometry(part)
        members_ += inner["geometries"] if inner.get("type") == "GeometryCollection" else [inner]
    return {"type": "GeometryCollection", "geometries": members_}


def _exact_copies(place: Place, texts: list[str], spans: list[dict[str, Any]]) -> dict[str, Any]:
    """The values LPF's members would change, kept exactly in ``properties``: the EDTF
    strings when a timespan cannot say one of them, texts with line breaks."""
    out: dict[str, Any] = {}
    if any(edtf_from_timespan(span) != text for span, text in zip(spans, texts, strict=True)):
        out["edtf"] = texts
    values: list[tuple[str, Any]] = [
        ("name", place.name),
        *((f"name_{lang}", name) for lang, name in place.names),
        ("description", place.description),
        ("sources", [{"title": s.title, "url": s.url} for s in place.sources]),
    ]
    out.update((key, value) for key, value in values if value and flatten(value) != value)
    return out


def feature(place: Place) -> dict[str, Any]:
    """One place as an LPF Feature."""
    texts = [span.text for span in place.spans]
    spans = [timespan(text) for text in texts]
    properties: dict[str, Any] = {"title": one_line(place.name), "layer": place.layer}
    if place.precision:
        properties["precision"] = place.precision
    copies = _exact_copies(place, texts, spans)
    # an extra property named "title" or "edtf" has no room here: LPF's own members win
    properties.update((k, v) for k, v in sorted(place.extra) if k not in ("title", "edtf"))
    properties.update(copies)
    primary: dict[str, Any] = {"toponym": one_line(place.name)}
    if place.sources:
        primary["citations"] = [{"label": one_line(s.title), "@id": s.url} for s in place.sources]
    names = [primary, *({"toponym": one_line(n), "lang": lang} for lang, n in place.names)]
    out: dict[str, Any] = {
        "@id": place.id,
        "type": "Feature",
        "properties": properties,
        "geometry": _lpf_geometry(place.geometry),
        "when": {"timespans": spans},
        "names": names,
        "types": [{"label": place.layer}],
    }
    if place.description:
        out["descriptions"] = [{"value": one_line(place.description)}]
    return out


def dumps(dataset: Dataset) -> str:
    doc = {
        "@context": CONTEXT,
        "type": "FeatureCollection",
        **members(dataset),
        "features": [feature(place) for place in dataset.places],
    }
    return dump_json(doc)
