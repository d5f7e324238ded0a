"""Native GeoJSON: a FeatureCollection whose features carry mapgen's properties."""

from __future__ import annotations

import json
import mmap
import re
import reprlib
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from typing import Any

import msgspec

from mapgen.errors import DataError, Problem
from mapgen.fields import (
    Fields,
    Sample,
    dates_unnamed,
    hint,
    missing_problem,
    unknown_fields,
)
from mapgen.model import many_objects
from mapgen.raw import (
    COLUMN_KEYS,
    RawCollection,
    RawColumns,
    RawFeature,
    RawSource,
    plain_sources,
)
from mapgen.read.text import release
from mapgen.rules import column

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


class _Geometry(msgspec.Struct):
    type: Any = None
    coordinates: Any = None
    geometries: Any = None  # a GeometryCollection's


class _Feature(msgspec.Struct):
    type: Any = None
    properties: Any = None
    geometry: _Geometry | None = None
    id: Any = None
    at_id: Any = msgspec.field(name="@id", default=msgspec.UNSET)  # context-less LPF (is_lpf)


class _Properties(msgspec.Struct, forbid_unknown_fields=True):
    """mapgen's own properties and nothing else, each of any type (validation checks them);
    a feature with other properties, or sources not a list of {title, url}, is decoded as
    a dict instead (its batch again, by `_FEATURES`)."""

    id: Any = msgspec.UNSET  # missing: the Feature's own id counts, as with a dict
    name: Any = None
    layer: Any = None
    when: Any = None
    description: Any = None
    precision: Any = None
    sources: list[RawSource] | None = None


class _TypedFeature(_Feature):
    properties: _Properties | None = None


class _Collection(msgspec.Struct):
    features: list[msgspec.Raw]  # each Feature's bytes, decoded a batch at a time
    type: Any = None
    context: Any = msgspec.field(name="@context", default=msgspec.UNSET)
    title: Any = None
    description: Any = None
    attribution: Any = None
    layers: Any = None
    periods: Any = None


_COLLECTION = msgspec.json.Decoder(_Collection)
_FEATURES = msgspec.json.Decoder(list[_Feature])
_TYPED = msgspec.json.Decoder(list[_TypedFeature])
_NO_PROPERTIES = _Properties()
_MEMBERS = ("title", "description", "attribution", "layers", "periods")
BATCH = 4096  # features decoded together: their records exist only while read into columns


def typed_collection(data: bytes | mmap.mmap, label: str) -> RawCollection | None:
    """A native FeatureCollection decoded by msgspec into typed records, a batch of features
    at a time, the common feature shape taken into columns (`RawColumns`): twice as fast as
    `json.loads`, and the document never exists whole as Python objects (at 100,000 places
    they would be 140 MB), only the columns and one batch. A batch holding a feature of
    another shape (other properties, a GeometryCollection, a geometry that is no object) is
    decoded again as it is, and its odd features go to the rules as rows of their own. None
    for JSON that is not a FeatureCollection, or not JSON msgspec reads (a lone surrogate
    escape), or LPF (:func:`is_lpf`), which `parse_json` and the LPF reader then read whole,
    with their exact messages."""
    view = memoryview(data)
    if view[:3] == b"\xef\xbb\xbf":  # a byte-order mark
        view = view[3:]
    try:
        doc = _COLLECTION.decode(view)
        release(data)  # each feature's bytes are read again, a batch at a time
        if doc.type != "FeatureCollection" or (
                doc.context is not msgspec.UNSET and is_lpf({"@context": doc.context})):
            return None
        columns = RawColumns()
        texts: dict[str, str] = {}  # one string object for each distinct layer, precision
        raw = doc.features
        for first in range(0, len(raw), BATCH):
            batch = b"[" + b",".join(raw[first : first + BATCH]) + b"]"
            features = _decode(batch)
            if first == 0 and features and _lpf_like(features[0]):
                return None  # Pelagios' context-less LPF
            _add_columns(columns, features, first, texts)
            release(data)
    except (msgspec.DecodeError, RecursionError):  # ValidationError is a DecodeError
        return None
    members = {key: getattr(doc, key) for key in _MEMBERS if getattr(doc, key) is not None}
    return RawCollection(label, columns, members)


def _decode(batch: bytes) -> list[Any]:
    """A batch of features: typed records when their properties are mapgen's own, records
    with properties as dicts when not, and when a feature is not even that (a geometry that
    is no object), the JSON values as they are."""
    try:
        return _TYPED.decode(batch)
    except msgspec.ValidationError:
        try:
            return _FEATURES.decode(batch)
        except msgspec.ValidationError:
            return msgspec.json.decode(batch)


def _lpf_like(feature: Any) -> bool:
    """True for a first feature that makes a context-less file LPF (:func:`is_lpf`)."""
    if isinstance(feature, _Feature):
        if feature.at_id is msgspec.UNSET:
            return False
        feature = {"@id": feature.at_id, "properties": feature.properties}
    return is_lpf({"features": [feature]})


def is_lpf(doc: Any) -> bool:
    """A FeatureCollection whose JSON-LD ``@context`` names Linked Places, or, without a
    context, whose first feature looks like LPF's (an ``@id`` and a ``properties.title``, as
    in Pelagios' ``.lp.json``)."""
    if not isinstance(doc, dict):
        return False
    if "@context" in doc:
        context = json.dumps(doc["@context"]).lower()
        return any(word in context for word in ("linkedplaces", "linked-places", "linkedpasts"))
    features = doc.get("features")
    first = features[0] if isinstance(features, list) and features else None
    props = first.get("properties") if isinstance(first, dict) else None
    return isinstance(props, dict) and "@id" in first and isinstance(props.get("title"), str)


def _add_columns(
    columns: RawColumns, features: list[Any], first: int, texts: dict[str, str]
) -> None:
    """Features, rows *first* on, into *columns*; one of another shape than the common one
    (mapgen's own properties, a two-number Point) is added as it was read, a row of its own.
    Layers and precisions repeat: each distinct text is kept once (in *texts*)."""
    if features and not isinstance(features[0], _Feature):  # plain JSON values
        for row, feature in enumerate(features):
            columns.add(_raw_feature(feature, f"feature {first + row}"))
        return
    typed = type(features[0]) is _TypedFeature if features else False
    props = [feature.properties for feature in features]
    regular = [
        (p is not None if typed else type(p) is dict and p.keys() <= COLUMN_KEYS)
        and f.type == "Feature"
        and (g := f.geometry) is not None and g.type == "Point" and g.geometries is None
        and type(g.coordinates) is list and len(g.coordinates) == 2
        for f, p in zip(features, props, strict=True)
    ]
    empty = _NO_PROPERTIES if typed else {}
    if not all(regular):
        props = [p if ok else empty for p, ok in zip(props, regular, strict=True)]
    coords = [f.geometry.coordinates if ok else (None, None)
              for f, ok in zip(features, regular, strict=True)]
    if typed:
        columns.ids.extend(
            (f.id if p.id is msgspec.UNSET else p.id) if ok else None
            for p, f, ok in zip(props, features, regular, strict=True)
        )
    else:
        columns.ids.extend(p.get("id", f.id) if ok else None
                           for p, f, ok in zip(props, features, regular, strict=True))
    for values, key in ((columns.names, "name"), (columns.layers, "layer"),
                        (columns.whens, "when"), (columns.descriptions, "description"),
                        (columns.precisions, "precision"), (columns.sources, "sources")):
        found = list(map(attrgetter(key), props) if typed else map(dict.get, props, repeat(key)))
        values += _shared(found, texts) if key in ("layer", "precision") else found
    columns.lons.extend(c[0] for c in coords)
    columns.lats.extend(c[1] for c in coords)
    for row, ok in enumerate(regular):
        if not ok:
            columns.put(first + row, _raw_feature(features[row], f"feature {first + row}"))


def _shared(values: list[Any], texts: dict[str, str]) -> list[Any]:
    """*values* with each text replaced by the first equal one in *texts* (the rest as they
    are): equal, and one object."""
    if set(map(type, values)) <= {str}:
        return list(map(texts.setdefault, values, values))
    return [texts.setdefault(v, v) if type(v) is str else v for v in values]


def _raw_feature(feature: object, where: str) -> RawFeature:
    """A GeoJSON Feature (a dict, or a typed one) as a RawFeature; anything else as one that
    is not a Feature."""
    if isinstance(feature, _Feature):
        geometry, props = feature.geometry, feature.properties
        if isinstance(props, _Properties):
            props = {key: getattr(props, key) for key in props.__struct_fields__
                     if getattr(props, key) is not msgspec.UNSET}
            props["sources"] = plain_sources(props["sources"])
        feature = {"type": feature.type, "properties": props, "id": feature.id,
                   "geometry": None if geometry is None else _geometry(geometry)}
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return RawFeature(where, None, None, problem="not a GeoJSON Feature")
    return RawFeature(
        where, feature.get("properties"), feature.get("geometry"), fallback_id=feature.get("id")
    )


def _geometry(geometry: _Geometry) -> dict[str, Any]:
    """A typed geometry as the dict the rules read (a GeometryCollection with its parts)."""
    if geometry.geometries is None:
        return {"type": geometry.type, "coordinates": geometry.coordinates}
    return {"type": geometry.type, "coordinates": geometry.coordinates,
            "geometries": geometry.geometries}


def features_from_json(
    doc: object, label: str, wheres: list[str] | None = None
) -> tuple[list[RawFeature], dict[str, Any]]:
    """A GeoJSON FeatureCollection as raw features, named "feature N" or by *wheres*, and
    its other members."""
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        shown = reprlib.repr(kind)
        raise DataError([Problem(label, f"not a GeoJSON FeatureCollection (found {shown})")])
    features = doc.get("features")
    if not isinstance(features, list):
        raise DataError([Problem(label, "'features' is not a list", field="features")])
    raw = [
        _raw_feature(feature, wheres[index] if wheres else f"feature {index}")
        for index, feature in enumerate(features)
    ]
    return raw, {k: v for k, v in doc.items() if k not in ("type", "features")}


def check_named(
    features: list[RawFeature], label: str, chosen: Fields, keys: list[str] | None = None
) -> None:
    """A DataError, one line a problem, when a field option names none of *keys* (the
    properties the features had before the options renamed them), when most features (two or
    more) of a native GeoJSON file have no name property and none was named, or when none has
    a when but a property holds dates under a date's name: the file names or dates its
    places otherwise."""
    props = [raw.properties for raw in features if isinstance(raw.properties, dict)]
    names = property_keys(features)
    valued = [k for k in names if any(p.get(k) for p in props)]
    listed = f"(the properties are: {', '.join(names) or 'none'})"
    sample = Sample(props)
    problems = []
    unknown = unknown_fields(chosen, names if keys is None else keys)
    if unknown:
        problems.append(missing_problem(label, "properties", unknown, keys or names))
    unnamed = [p for p in props if p.get("name") is None]
    if not chosen.name and len(props) > 1 and len(unnamed) * 2 > len(props):
        message = (f"missing in {len(unnamed)} of {len(props)} features"
                   f"{hint(['name'], valued, sample)}")
        problems.append(Problem(label, f"{message} {listed}", field="name"))
    if not chosen.when and not chosen.start and dates_unnamed(dict.fromkeys(names), valued,
                                                                sample):
        message = f"no feature has one{hint(['when'], valued, sample)}"
        problems.append(Problem(label, f"{message} {listed}", field="when"))
    if problems:
        raise DataError(problems)


def property_keys(features: list[RawFeature]) -> list[str]:
    """Every property name *features* have, in the order first met."""
    props = (raw.properties for raw in features)
    return list(dict.fromkeys(k for p in props if isinstance(p, dict) for k in p
                              if isinstance(k, str)))


def columns_named(columns: RawColumns) -> bool:
    """False when a refusal of `check_named` might apply to a typed collection (no field
    option given): the whole text is read again then, for its exact message."""
    refused = columns.refused
    rows = [row for row in range(len(columns)) if row not in refused] if refused else range(
        len(columns))  # a range of them all: `column` copies nothing
    unnamed = column(columns.names, rows).count(None)
    if len(rows) > 1 and unnamed * 2 > len(rows):
        return False
    if any(column(columns.whens, rows)):
        return True
    others = list(columns.others.values())
    valued = list(dict.fromkeys(k for p in others for k, v in p.items()
                                if v and isinstance(k, str)))
    return not dates_unnamed(dict.fromkeys(valued), valued, Sample(others))


def file_layer(label: str) -> str:
    """The layer of features that name none: the file's name."""
    return Path(label).name.split(".")[0] or "places"
