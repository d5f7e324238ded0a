"""Native GeoJSON: a FeatureCollection whose features carry mapgen's properties."""

from __future__ import annotations

import json
import mmap
import re
import reprlib
from dataclasses import replace
from functools import partial
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

# A \uD800-\uDFFF escape: JSON allows it alone, but alone it is not a character and the map
# could not be written as UTF-8. Only escapes can make one (the text was decoded as UTF-8).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE_BYTES = re.compile(_SURROGATE_ESCAPE.pattern.encode())


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
    at_id: Any = msgspec.field(name="@id", default=None)  # context-less LPF (lpf.is_lpf)


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
    context: Any = msgspec.field(name="@context", default=None)
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
    they would be 140 MB), only the columns and one batch. None for anything else (not JSON,
    LPF, a lone surrogate escape, a GeometryCollection), which `parse_json` then reads
    whole, with its exact messages."""
    if _SURROGATE_ESCAPE_BYTES.search(data):
        return None
    view = memoryview(data)
    if view[:3] == b"\xef\xbb\xbf":  # a byte-order mark
        view = view[3:]
    try:
        doc = _COLLECTION.decode(view)
        release(data)  # each feature's bytes are read again, a batch at a time
        if doc.type != "FeatureCollection" or doc.context is not None:
            return None
        columns = RawColumns(*([] for _ in range(9)))
        texts: dict[str, str] = {}  # one string object for each distinct layer, precision
        raw = doc.features
        for first in range(0, len(raw), BATCH):
            batch = b"[" + b",".join(raw[first : first + BATCH]) + b"]"
            try:
                features: list[_Feature] = _TYPED.decode(batch)
            except msgspec.ValidationError:  # other properties: as dicts
                features = _FEATURES.decode(batch)
            if first == 0 and features and features[0].at_id is not None:
                return None  # Pelagios' context-less LPF (read/lpf.py: is_lpf)
            if any(g is not None and (g.geometries is not None or g.type == "GeometryCollection")
                   for g in (f.geometry for f in features)):
                return None  # what _Geometry leaves out, or one to check as it was
            _add_columns(columns, features, first, texts)
            release(data)
    except (msgspec.DecodeError, RecursionError):  # ValidationError is a DecodeError
        return None
    members = {key: getattr(doc, key) for key in _MEMBERS if getattr(doc, key) is not None}
    return RawCollection(label, (), members, columns=columns)


def _add_columns(
    columns: RawColumns, features: list[_Feature], first: int, texts: dict[str, str]
) -> None:
    """Typed features, rows *first* on, into *columns*; one of another shape is kept whole
    as irregular. Layers and precisions repeat: each distinct text is kept once (in
    *texts*)."""
    typed = type(features[0]) is _TypedFeature if features else False
    props = [feature.properties for feature in features]
    regular = [
        (p is not None if typed else type(p) is dict and p.keys() <= COLUMN_KEYS)
        and f.type == "Feature"
        and (g := f.geometry) is not None and g.type == "Point"
        and type(g.coordinates) is list and len(g.coordinates) == 2
        for f, p in zip(features, props, strict=True)
    ]
    empty = _NO_PROPERTIES if typed else {}
    if not all(regular):
        props = [p if ok else empty for p, ok in zip(props, regular, strict=True)]
        for row, ok in enumerate(regular):
            if not ok:
                where = f"feature {first + row}"
                columns.irregular[first + row] = _raw_feature(features[row], where)
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
    for column, key in ((columns.names, "name"), (columns.layers, "layer"),
                        (columns.whens, "when"), (columns.descriptions, "description"),
                        (columns.precisions, "precision"), (columns.sources, "sources")):
        values = list(map(attrgetter(key), props) if typed else map(dict.get, props, repeat(key)))
        column += _shared(values, texts) if key in ("layer", "precision") else values
    columns.lons.extend(c[0] for c in coords)
    columns.lats.extend(c[1] for c in coords)


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
        feature = {
            "type": feature.type, "properties": props, "id": feature.id,
            "geometry": None if geometry is None else
            {"type": geometry.type, "coordinates": geometry.coordinates},
        }
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return RawFeature(where, None, None, problem="not a GeoJSON Feature")
    return RawFeature(
        where, feature.get("properties"), feature.get("geometry"), fallback_id=feature.get("id")
    )


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
    raw = [
        _raw_feature(feature, wheres[index] if wheres else f"feature {index}")
        for index, feature in enumerate(features)
    ]
    members = {k: v for k, v in doc.items() if k not in ("type", "features")}
    return RawCollection(label, tuple(raw), members)


def with_defaults(collection: RawCollection, chosen: Fields, keys: list[str] | None = None
                  ) -> RawCollection:
    """Native GeoJSON features with the file's name as the layer of those without one. A
    DataError, one line a problem, when a field option names none of *keys* (the properties
    the features had before the options renamed them), when most features (two or more)
    have no name property and none was named, or when none has a when but a property holds
    dates under a date's name: the file names or dates its places otherwise."""
    props = [raw.properties for raw in collection.features if isinstance(raw.properties, dict)]
    names = list(dict.fromkeys(k for p in props for k in p if isinstance(k, str)))
    valued = [k for k in names if any(p.get(k) for p in props)]
    listed = f"(the properties are: {', '.join(names) or 'none'})"
    sample = Sample(props)
    problems = []
    unknown = unknown_fields(chosen, names if keys is None else keys)
    if unknown:
        problems.append(missing_problem(collection.file, "properties", unknown, keys or names))
    unnamed = [p for p in props if p.get("name") is None]
    if not chosen.name and len(props) > 1 and len(unnamed) * 2 > len(props):
        message = (f"missing in {len(unnamed)} of {len(props)} features"
                   f"{hint(['name'], valued, sample)}")
        problems.append(Problem(collection.file, f"{message} {listed}", field="name"))
    dated = chosen.when or chosen.start
    if not dated and dates_unnamed(dict.fromkeys(names), valued, sample):
        message = f"no feature has one{hint(['when'], valued, sample)}"
        problems.append(Problem(collection.file, f"{message} {listed}", field="when"))
    if problems:
        raise DataError(problems)
    layer = _file_layer(collection)
    features = tuple(map(partial(_with_layer, layer), collection.features))
    return replace(collection, features=features)


def property_keys(collection: RawCollection) -> list[str]:
    """Every property name the features of *collection* have, in the order first met."""
    props = (raw.properties for raw in collection.features)
    return list(dict.fromkeys(k for p in props if isinstance(p, dict) for k in p
                              if isinstance(k, str)))


def columns_with_defaults(collection: RawCollection) -> RawCollection | None:
    """`with_defaults` for a typed collection (no field option given), or None when one
    of its refusals might apply: the whole text is read again then, for its exact message."""
    columns = collection.columns
    assert columns is not None
    props = [r.properties for r in columns.irregular.values() if isinstance(r.properties, dict)]
    count = len(columns) - len(columns.irregular) + len(props)
    unnamed = columns.names.count(None) - len(columns.irregular)
    unnamed += sum(p.get("name") is None for p in props)
    undated = not any(columns.whens) and not any(p.get("when") for p in props)
    if (count > 1 and unnamed * 2 > count) or (undated and props):
        return None
    layer = _file_layer(collection)
    layers = [layer if value is None or value == "" else value for value in columns.layers]
    for row in columns.irregular:
        layers[row] = None
    irregular = {row: _with_layer(layer, raw) for row, raw in columns.irregular.items()}
    return replace(collection, columns=replace(columns, layers=layers, irregular=irregular))


def _file_layer(collection: RawCollection) -> str:
    """The layer of features that name none: the file's name."""
    return Path(collection.file).name.split(".")[0] or "places"


def _with_layer(layer: str, raw: RawFeature) -> RawFeature:
    """*raw* with *layer* as its layer when it has none."""
    props = raw.properties
    if isinstance(props, dict) and props.get("layer") in (None, ""):
        return replace(raw, properties={**props, "layer": layer})
    return raw
