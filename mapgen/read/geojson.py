"""Native GeoJSON: a FeatureCollection whose features carry mapgen's properties."""

from __future__ import annotations

import json
from pathlib import Path

from mapgen.errors import DataError, Problem
from mapgen.read.raw import RawCollection, RawFeature
from mapgen.read.text import read_text


def parse_json(text: str, label: str) -> object:
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise DataError(
            [Problem(label, f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")]
        ) from None
    except RecursionError:
        raise DataError([Problem(label, "not JSON mapgen can read: nested too deeply")]) from None


def _reject_constant(name: str) -> None:
    raise json.JSONDecodeError(f"{name} is not valid JSON", name, 0)


def read_geojson(path: Path, label: str) -> RawCollection:
    doc = parse_json(read_text(path, label), label)
    return collection_from_json(doc, label)


def collection_from_json(doc: object, label: str) -> RawCollection:
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise DataError([Problem(label, f"not a GeoJSON FeatureCollection (found {kind!r})")])
    features = doc.get("features")
    if not isinstance(features, list):
        raise DataError([Problem(label, "'features' is not a list", field="features")])
    raw = []
    for index, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raw.append(RawFeature(f"feature {index}", None, None, problem="not a GeoJSON Feature"))
            continue
        raw.append(
            RawFeature(
                f"feature {index}",
                feature.get("properties"),
                feature.get("geometry"),
                fallback_id=feature.get("id"),
            )
        )
    members = {k: v for k, v in doc.items() if k not in ("type", "features")}
    return RawCollection(label, tuple(raw), members)
