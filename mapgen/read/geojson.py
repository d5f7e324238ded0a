"""Native GeoJSON: a FeatureCollection whose features carry mapgen's properties."""

from __future__ import annotations

import json
import re
import reprlib
from dataclasses import replace
from pathlib import Path

from mapgen.errors import DataError, Problem
from mapgen.fields import Fields, dates_unnamed, hint
from mapgen.model import many_objects
from mapgen.raw import RawCollection, RawFeature

# A \uD800-\uDFFF escape: JSON allows it alone, but alone it is not a character and the map
# could not be written as UTF-8. Only escapes can make one (the text was decoded as UTF-8).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def parse_json(text: str, label: str) -> object:
    try:
        with many_objects():  # the collections a large file sets off triple its parse
            doc = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise DataError(
            [Problem(label, f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")]
        ) from None
    except RecursionError:
        raise DataError([Problem(label, "not JSON mapgen can read: nested too deeply")]) from None
    except ValueError:  # an integer longer than Python converts (sys.get_int_max_str_digits)
        message = "not JSON mapgen can read: a number is too long"
        raise DataError([Problem(label, message)]) from None
    if _SURROGATE_ESCAPE.search(text):
        _refuse_lone_surrogates(doc, label)
    return doc


def _refuse_lone_surrogates(doc: object, label: str) -> None:
    """DataError naming the first string (or key) holding a lone surrogate, if any."""
    stack: list[tuple[object, tuple[str | int, ...]]] = [(doc, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if _SURROGATE.search(key):
                    _surrogate_problem(label, path, key)
                stack.append((item, (*path, key)))
        elif isinstance(value, list):
            stack.extend((item, (*path, i)) for i, item in enumerate(value))
        elif isinstance(value, str) and _SURROGATE.search(value):
            _surrogate_problem(label, path, None)


def _surrogate_problem(label: str, path: tuple[str | int, ...], key: str | None) -> None:
    where = ""
    if len(path) >= 2 and path[0] == "features" and isinstance(path[1], int):
        where, path = f"feature {path[1]}", path[2:]
        if path[:1] == ("properties",):  # named as validation names them: "name", "when[0]"
            path = path[1:]
    field = "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" if part.isprintable() else
        f".{part!r}" for part in path
    ).lstrip(".")
    what = f"the key {key!r}" if key is not None else "text"
    message = f"{what} holds a lone surrogate (a \\ud800-\\udfff escape), which is not a character"
    raise DataError([Problem(label, message, where, field)])


def _reject_constant(name: str) -> None:
    raise json.JSONDecodeError(f"{name} is not valid JSON", name, 0)


def collection_from_json(
    doc: object, label: str, wheres: list[str] | None = None
) -> RawCollection:
    """A GeoJSON FeatureCollection as raw features, named "feature N" or by *wheres*."""
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        shown = reprlib.repr(kind)
        raise DataError([Problem(label, f"not a GeoJSON FeatureCollection (found {shown})")])
    features = doc.get("features")
    if not isinstance(features, list):
        raise DataError([Problem(label, "'features' is not a list", field="features")])
    raw = []
    for index, feature in enumerate(features):
        where = wheres[index] if wheres else f"feature {index}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raw.append(RawFeature(where, None, None, problem="not a GeoJSON Feature"))
            continue
        raw.append(
            RawFeature(
                where,
                feature.get("properties"),
                feature.get("geometry"),
                fallback_id=feature.get("id"),
            )
        )
    members = {k: v for k, v in doc.items() if k not in ("type", "features")}
    return RawCollection(label, tuple(raw), members)


def with_defaults(collection: RawCollection, chosen: Fields) -> RawCollection:
    """Native GeoJSON features with the file's name as the layer of those without one; a
    DataError, one line with a hint, when most features (two or more) have no name property
    and none was named, or none has a when but a property looks like a date: the file names
    its places, or dates them, otherwise."""
    props = [raw.properties for raw in collection.features if isinstance(raw.properties, dict)]
    keys = list(dict.fromkeys(k for p in props for k in p if isinstance(k, str)))
    valued = [k for k in keys if any(p.get(k) for p in props)]
    listed = f"(the properties are: {', '.join(keys) or 'none'})"
    unnamed = [p for p in props if p.get("name") is None]
    if not chosen.name and len(props) > 1 and len(unnamed) * 2 > len(props):
        message = f"missing in {len(unnamed)} of {len(props)} features{hint(['name'], valued)}"
        raise DataError([Problem(collection.file, f"{message} {listed}", field="name")])
    if not chosen.when and not chosen.start and dates_unnamed({k: k for k in keys}, valued):
        message = f"no feature has one{hint(['when'], valued)}"
        raise DataError([Problem(collection.file, f"{message} {listed}", field="when")])
    layer = Path(collection.file).name.split(".")[0] or "places"
    features = tuple(
        replace(raw, properties={**raw.properties, "layer": layer})
        if isinstance(raw.properties, dict) and raw.properties.get("layer") in (None, "")
        else raw
        for raw in collection.features
    )
    return replace(collection, features=features)
