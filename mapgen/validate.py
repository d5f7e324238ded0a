"""Every check on raw input, with every problem collected: raw features → a Dataset.

Validation never stops at the first problem, so `mapgen validate` can list them all; the
Dataset it returns has been checked end to end and later stages trust it.
"""

from __future__ import annotations

import math
import re
import reprlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import PurePath
from types import NoneType
from typing import Any

from mapgen.dates import DateError, Span, parse_span
from mapgen.errors import DataError, Problem
from mapgen.fields import LANG
from mapgen.model import (
    COLOR,
    Dataset,
    Layer,
    LoadReport,
    Place,
    PlacesBuilder,
    Source,
    many_objects,
    palette,
)
from mapgen.raw import RawCollection, RawColumns, RawFeature, RawSource

GEOMETRY_DEPTH = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}
PRECISIONS = ("site", "city", "region", "inferred")
KNOWN = {"id", "name", "layer", "when", "description", "sources", "precision"}
MAX_VERTICES = 200_000  # per geometry; more cannot be drawn sensibly in a browser
MAX_NESTING = 8  # GeometryCollections inside GeometryCollections (RFC 7946 advises none)
_SHOWN = reprlib.Repr()  # short, one-line reprs of values from the data in messages
_SHOWN.maxlevel, _SHOWN.maxstring, _SHOWN.maxother = 2, 60, 60


_WEB_URL = re.compile(r"https?://[^\s/?#@]+(?:[/?#][^\s]*)?", re.IGNORECASE | re.ASCII)
_WEB_URL_LINE = re.compile(rf"^{_WEB_URL.pattern}$", re.IGNORECASE | re.ASCII | re.MULTILINE)
_UNSAFE_ID = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def is_web_url(url: object) -> bool:
    """Links are http(s) only: anything else (javascript:, data:, file:) is refused, and so
    are spaces and control characters anywhere in the URL."""
    return (
        isinstance(url, str)
        and _WEB_URL.fullmatch(url) is not None
        and not _UNSAFE_ID.search(url)
    )


def _shown(value: object) -> str:
    """A value from the data as an error message shows it: quoted, on one line, short."""
    return _SHOWN.repr(value)


def readable(key: str) -> str:
    """A key or file name as a label: "dated-events" → "Dated events"."""
    return key.replace("-", " ").replace("_", " ").strip().capitalize() or "Places"


def _key(key: str) -> str:
    """A layer or period name as part of a field name: as it is when printable, else quoted
    (a line break or a terminal escape in a name must not break or forge a message line)."""
    return key if key.isprintable() and key.strip() == key and key else repr(key)


def _text_problem(value: object, *, required: bool) -> str | None:
    if value is None or value == "":
        return "is missing" if required else None
    if not isinstance(value, str):
        return f"must be text, not {type(value).__name__}"
    if required and not value.strip():
        return "is empty"
    return None


class _Checker:
    """Collects problems for one collection; `check_feature` returns a Place or None."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def add(self, where: str, field: str, message: str) -> None:
        self.problems.append(Problem(self.file, message, where, field))

    def check_feature(
        self, raw: RawFeature, seen: dict[str, str], geometry_optional: bool = False
    ) -> Place | None:
        """A Place, or None after adding its problems. *seen* maps every id met so far (valid
        feature or not) to where it was, to catch duplicates across features and files. With
        *geometry_optional* (LPF, LP-TSV), a feature with no geometry and no other problem is
        only a warning: not located, not drawn."""
        before = len(self.problems)
        if raw.problem:
            self.add(raw.where, "", raw.problem)
            return None
        props = raw.properties
        if not isinstance(props, dict):
            self.add(raw.where, "properties", "missing or not an object")
            return None
        place_id = props.get("id", raw.fallback_id)
        if isinstance(place_id, int) and not isinstance(place_id, bool):
            place_id = str(place_id)
        where = raw.where
        if (msg := _text_problem(place_id, required=True)) is not None:
            self.add(where, "id", msg)
            place_id = None
        elif _UNSAFE_ID.search(place_id):
            self.add(where, "id", f"{place_id!r} must not contain spaces or control characters")
        else:
            where = f"{raw.where} (id={place_id})"
            if place_id in seen:
                self.add(where, "id", f"duplicate id {place_id!r}, also at {seen[place_id]}")
            else:
                seen[place_id] = f"{self.file}: {raw.where}"
        for key in ("name", "layer"):
            if (msg := _text_problem(props.get(key), required=True)) is not None:
                self.add(where, key, msg)
        for key in ("description", "precision"):
            if (msg := _text_problem(props.get(key), required=False)) is not None:
                self.add(where, key, msg)
        precision = props.get("precision") or ""
        if isinstance(precision, str) and precision and precision not in PRECISIONS:
            self.add(where, "precision", f"{precision!r} is not one of {', '.join(PRECISIONS)}")
        names = []
        for key in sorted(k for k in props if k.startswith("name_")):
            value = props[key]
            if value is None:
                continue
            if not LANG.fullmatch(key):
                continue  # not a language name; kept as an extra property
            if (msg := _text_problem(value, required=True)) is not None:
                self.add(where, key, msg)
            else:
                names.append((key[5:], value))
        spans = self.check_when(where, props.get("when"))
        sources = self.check_sources(where, props.get("sources"))
        for field_name, message in raw.field_problems:
            self.add(where, field_name, message)
        # no geometry and a reader's field problem: that problem already says why
        if raw.geometry is None and (raw.field_problems or geometry_optional):
            geometry = {}
        else:
            geometry = self.check_geometry(where, raw.geometry)
        if len(self.problems) > before:
            return None
        if not geometry:
            self.warnings.append(Problem(self.file, "not located: not drawn", where, "geometry"))
            return None
        extra = tuple(
            (k, v)
            for k, v in sorted(props.items())
            if k not in KNOWN and not (k.startswith("name_") and LANG.fullmatch(k))
        )
        return Place(
            id=place_id,
            name=props["name"],
            layer=props["layer"],
            geometry=geometry,
            spans=spans,
            description=props.get("description") or "",
            sources=sources,
            precision=precision,
            names=tuple(names),
            extra=extra,
        )

    def quick_place(
        self, raw: RawFeature, seen: dict[str, str], spans_of: dict[str, Span],
        shared: dict[str, str], places: PlacesBuilder,
    ) -> bool:
        """Add a feature in the common valid shape (text id, name and layer, dates that parse,
        http(s) sources, a geometry other than a collection, in range) to *places* as a row;
        False for anything else, which `check_feature` then checks in full: this adds no
        problem, so every message (and its order) is the full checker's. *spans_of* holds
        each `when` text parsed so far; *shared* one copy of each layer and precision text."""
        props = raw.properties
        if raw.problem or raw.field_problems or type(props) is not dict:
            return False
        get = props.get
        place_id = get("id", raw.fallback_id)
        if type(place_id) is not str:
            if type(place_id) is not int:
                return False
            place_id = str(place_id)
        name, layer = get("name"), get("layer")
        if (
            type(name) is not str
            or type(layer) is not str
            or not place_id.strip()
            or not name.strip()
            or not layer.strip()
            or place_id in seen
            or _UNSAFE_ID.search(place_id)
        ):
            return False
        description, precision = get("description"), get("precision")
        if (description is not None and type(description) is not str) or (
            precision is not None and type(precision) is not str
        ):
            return False
        description, precision = description or "", precision or ""
        if precision and precision not in PRECISIONS:
            return False
        spans = _quick_spans(get("when"), spans_of)
        sources = _quick_sources(get("sources"))
        position = _quick_point(raw.geometry)
        geometry = None if position else _quick_geometry(raw.geometry)
        if spans is None or sources is None or not (position or geometry):
            return False
        names: list[tuple[str, str]] = []
        extra: list[tuple[str, Any]] = []
        if not KNOWN.issuperset(props):
            for key, value in sorted(props.items()):
                if key in KNOWN:
                    continue
                if not (key.startswith("name_") and LANG.fullmatch(key)):
                    extra.append((key, value))
                elif type(value) is str and value.strip():
                    names.append((key[5:], value))
                elif value is not None:
                    return False
        seen[place_id] = f"{self.file}: {raw.where}"
        layer, precision = shared.setdefault(layer, layer), shared.setdefault(precision, precision)
        lon, lat = position or (None, None)
        places.add_row(place_id, name, layer, lon, lat, geometry, spans, description, sources,
                       precision, tuple(names), tuple(extra))
        return True

    def check_when(self, where: str, when: Any) -> tuple[Span, ...]:
        """The spans of *when*; none (no `when`, or an empty one) is an undated place, which
        gazetteers hold plenty of: kept, listed as undated, left out by a period filter."""
        if when is None or when == [] or when == "":
            return ()
        if isinstance(when, str):
            when = [when]
        if not isinstance(when, list):
            self.add(where, "when", "must be a list of EDTF strings")
            return ()
        spans: dict[str, Span] = {}  # a span written twice is one span, kept once
        for i, text in enumerate(when):
            if not isinstance(text, str):
                self.add(where, f"when[{i}]", f"must be an EDTF string, not {type(text).__name__}")
                continue
            try:
                spans.setdefault(text, parse_span(text))
            except DateError as exc:
                self.add(where, f"when[{i}]", str(exc))
        return tuple(spans.values())

    def check_sources(self, where: str, sources: Any) -> tuple[Source, ...]:
        if sources is None:
            return ()
        if not isinstance(sources, list):
            self.add(where, "sources", "must be a list of {title, url}")
            return ()
        out = []
        for i, src in enumerate(sources):
            if not isinstance(src, dict):
                self.add(where, f"sources[{i}]", "must be an object with title and url")
                continue
            url, title = src.get("url"), src.get("title")
            if not is_web_url(url):
                self.add(where, f"sources[{i}].url", f"{url!r} is not an http(s) URL")
                continue
            if title is not None and not isinstance(title, str):
                self.add(where, f"sources[{i}].title", "must be text")
                continue
            out.append(Source(title=title or url, url=url))
        return tuple(out)

    def check_geometry(
        self, where: str, geometry: Any, nesting: int = 0, total: list[int] | None = None
    ) -> dict[str, Any]:
        """The checked geometry, or {} after adding its problem. *total* counts the vertices
        of a whole GeometryCollection, which MAX_VERTICES bounds like any one geometry."""
        if not isinstance(geometry, dict):
            self.add(where, "geometry", "is missing")
            return {}
        kind = geometry.get("type")
        if kind == "GeometryCollection":
            parts = geometry.get("geometries")
            if not isinstance(parts, list) or not parts:
                self.add(where, "geometry.geometries", "must be a non-empty list")
                return {}
            if nesting >= MAX_NESTING:
                self.add(where, "geometry", f"GeometryCollections nested more than "
                         f"{MAX_NESTING} deep; flatten them")
                return {}
            vertices = [0] if total is None else total
            checked = [self.check_geometry(where, part, nesting + 1, vertices) for part in parts]
            if total is None and vertices[0] > MAX_VERTICES:
                self.add(where, "geometry.geometries", _too_many(vertices[0]))
                return {}
            return {"type": kind, "geometries": checked}
        if not isinstance(kind, str) or kind not in GEOMETRY_DEPTH:
            self.add(where, "geometry.type", f"unknown geometry type {_shown(kind)}")
            return {}
        coords = geometry.get("coordinates")
        count = [0]
        message = _check_positions(coords, GEOMETRY_DEPTH[kind], count)
        if message:
            self.add(where, "geometry.coordinates", message)
            return {}
        if count[0] > MAX_VERTICES:
            self.add(where, "geometry.coordinates", _too_many(count[0]))
            return {}
        if total is not None:
            total[0] += count[0]
        if count[0] == 0:
            self.add(where, "geometry.coordinates", "is empty")
            return {}
        return {"type": kind, "coordinates": coords}


def _quick_spans(when: Any, spans_of: dict[str, Span]) -> tuple[Span, ...] | None:
    """`check_when`'s spans when every text parses, else None; each distinct text is parsed
    once per load."""
    if when is None or when == [] or when == "":
        return ()
    if type(when) is str:
        when = [when]
    elif type(when) is not list:
        return None
    spans: dict[str, Span] = {}
    for text in when:
        span = spans_of.get(text) if type(text) is str else None
        if span is None:
            if type(text) is not str:
                return None
            try:
                span = spans_of[text] = parse_span(text)
            except DateError:
                return None
        spans.setdefault(text, span)
    return tuple(spans.values())


def _quick_sources(sources: Any) -> tuple[Source, ...] | None:
    """`check_sources`' sources when all are valid, else None."""
    if sources is None:
        return ()
    if type(sources) is not list:
        return None
    out = []
    for src in sources:
        if type(src) is not dict:
            return None
        url, title = src.get("url"), src.get("title")
        if not is_web_url(url) or not (title is None or type(title) is str):
            return None
        out.append(Source(title or url, url))
    return tuple(out)


def _quick_point(geometry: Any) -> tuple[float, float] | None:
    """The position of a valid two-number Point with nothing else in it (what
    `check_geometry` would return as it is), else None."""
    if type(geometry) is not dict or len(geometry) != 2 or geometry.get("type") != "Point":
        return None
    coords = geometry.get("coordinates")
    if type(coords) is not list or len(coords) != 2:
        return None
    lon, lat = coords
    if (
        type(lon) not in _NUMBERS
        or type(lat) not in _NUMBERS
        or not -180 <= lon <= 180
        or not -90 <= lat <= 90
    ):
        return None  # NaN fails the range test too
    return lon, lat


def _quick_geometry(geometry: Any) -> dict[str, Any] | None:
    """`check_geometry`'s result for a valid geometry other than a GeometryCollection (the
    input dict itself when it holds nothing else), else None."""
    if type(geometry) is not dict:
        return None
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if type(kind) is not str or kind not in GEOMETRY_DEPTH:
        return None
    count = [0]
    if _check_positions(coords, GEOMETRY_DEPTH[kind], count) is not None:
        return None
    if not 0 < count[0] <= MAX_VERTICES:
        return None
    if len(geometry) == 2 and next(iter(geometry)) == "type":  # as check_geometry makes it
        return geometry
    return {"type": kind, "coordinates": coords}


_NUMBERS = (int, float)


def _odd_rows(columns: RawColumns, seen: dict[str, str], spans_of: dict[str, Span]) -> list[int]:
    """The rows of *columns* that need checking one by one (ascending): the irregular ones and
    any that a check over a whole column flags. Every other row is a valid place as it is:
    text id (unique here and in *seen*), name and layer, dates that parse (added to
    *spans_of*), http(s) sources, a position in range. The checks ask the common case of a
    whole column at once and look at single rows only when it fails."""
    odd = set(columns.irregular)
    rows = [row for row in range(len(columns)) if row not in odd] if odd else range(len(columns))

    def regular(values: list[Any]) -> list[Any]:
        return [values[row] for row in rows] if odd else values

    def flag(values: list[Any], bad: Callable[[Any], bool]) -> None:
        odd.update(row for row, value in zip(rows, values, strict=True) if bad(value))

    ids = regular(columns.ids)
    for values in (ids, regular(columns.names), regular(columns.layers)):
        if set(map(type, values)) != {str} or not all(map(str.strip, values)):
            flag(values, lambda v: type(v) is not str or not v.strip())
    texts_only = set(map(type, ids)) == {str}
    if _UNSAFE_ID.search("".join(ids if texts_only else [v for v in ids if type(v) is str])):
        flag(ids, lambda v: type(v) is str and _UNSAFE_ID.search(v) is not None)
    keys = ids if texts_only else [_id_text(v) for v in ids]
    if len(set(keys)) != len(keys) or not seen.keys().isdisjoint(keys) or columns.irregular:
        others = [_raw_id(raw) for raw in columns.irregular.values()]
        counts = Counter(v for v in (*keys, *others) if type(v) is str)
        flag(keys, lambda v: counts[v] > 1 or v in seen)
    descriptions, precisions = regular(columns.descriptions), regular(columns.precisions)
    if not set(map(type, descriptions)) <= _TEXT_OR_NONE:
        flag(descriptions, lambda v: type(v) not in _TEXT_OR_NONE)
    if not set(map(type, precisions)) <= _TEXT_OR_NONE or not set(precisions) <= _PRECISION:
        flag(precisions, lambda v: type(v) not in _TEXT_OR_NONE or v not in _PRECISION)
    whens = regular(columns.whens)
    if not set(map(type, whens)) <= _WHEN_TYPES:
        flag(whens, lambda v: type(v) not in _WHEN_TYPES)
    texts = [t for w in whens if type(w) is list for t in w]
    texts += [w for w in whens if type(w) is str and w]
    if not set(map(type, texts)) <= {str}:
        flag(whens, lambda v: type(v) is list and not set(map(type, v)) <= {str})
        texts = [t for t in texts if type(t) is str]
    failed = set()
    for text in set(texts).difference(spans_of):
        try:
            spans_of[text] = parse_span(text)
        except DateError:
            failed.add(text)
    if failed:
        flag(whens, lambda v: v in failed if type(v) is str else
             type(v) is list and any(t in failed for t in v if type(t) is str))
    sources = regular(columns.sources)
    if not set(map(type, sources)) <= {list, NoneType}:
        flag(sources, lambda v: type(v) not in (list, NoneType))
    entries = [e for v in sources if type(v) is list for e in v]
    if not _web_sources(entries):
        flag(sources, lambda v: type(v) is list and not _web_sources(v))
    for values, limit in ((regular(columns.lons), 180), (regular(columns.lats), 90)):
        if not set(map(type, values)) <= _NUMBER_TYPES or not values or not (
            -limit <= min(values) and max(values) <= limit and not any(map(math.isnan, values))
        ):
            flag(values, lambda v, lim=limit: type(v) not in _NUMBER_TYPES or not -lim <= v <= lim)
    return sorted(odd)


_TEXT_OR_NONE = {str, NoneType}
_PRECISION = {None, "", *PRECISIONS}
_WHEN_TYPES = {list, str, NoneType}
_NUMBER_TYPES = {int, float}


def _web_sources(entries: list[Any]) -> bool:
    """True when every entry is a source `_quick_sources` takes: {url, title} (a dict, or a
    typed reader's RawSource), an http(s) URL and text or no title. All URLs are matched in
    one pass over their joined lines."""
    kinds = set(map(type, entries))
    if kinds <= {RawSource}:
        urls, titles = [e.url for e in entries], [e.title for e in entries]
    elif kinds <= {dict}:
        urls, titles = [e.get("url") for e in entries], [e.get("title") for e in entries]
    else:
        return False
    if not set(map(type, urls)) <= {str} or _UNSAFE_ID.search("".join(urls)):
        return False  # no URL holds a line break now: one URL is one line
    if len(_WEB_URL_LINE.findall("\n".join(urls))) != len(urls):
        return False
    return set(map(type, titles)) <= _TEXT_OR_NONE


def _title(entry: dict[str, Any] | RawSource) -> str:
    """A valid source entry's title (`_web_sources`): its URL when it has none."""
    if type(entry) is RawSource:
        return entry.title or entry.url
    return entry.get("title") or entry["url"]


def _raw_id(raw: RawFeature) -> str | None:
    """The id a raw feature claims, as the checker reads it."""
    props = raw.properties
    return _id_text(props.get("id", raw.fallback_id) if isinstance(props, dict) else None)


def _id_text(value: Any) -> str | None:
    """An id value as the checker reads it (an int as text), None when it is not one."""
    if type(value) is int:
        return str(value)
    return value if type(value) is str else None


def _add_rows(
    columns: RawColumns, first: int, end: int, spans_of: dict[str, Span],
    shared: dict[str, str], places: PlacesBuilder,
) -> None:
    """Rows *first* to *end* of *columns*, every one valid (`_odd_rows`), as places."""
    if end <= first:
        return
    layers = columns.layers[first:end]
    precisions = [value or "" for value in columns.precisions[first:end]]
    whens = [w if type(w) is list else (w,) if w else () for w in columns.whens[first:end]]
    if any(len(w) > 1 and len(set(w)) < len(w) for w in whens):  # a span written twice
        whens = [tuple(dict.fromkeys(w)) if len(w) > 1 else w for w in whens]  # is kept once
    sources = [value or () for value in columns.sources[first:end]]
    entries = [entry for value in sources for entry in value]
    if set(map(type, entries)) <= {RawSource}:
        urls = [entry.url for entry in entries]
        titles = [entry.title or entry.url for entry in entries]
    else:
        urls = [entry["url"] if type(entry) is dict else entry.url for entry in entries]
        titles = [_title(entry) for entry in entries]
    places.extend(
        columns.ids[first:end],
        columns.names[first:end],
        list(map(shared.setdefault, layers, layers)),
        columns.lons[first:end],
        columns.lats[first:end],
        [value or "" for value in columns.descriptions[first:end]],
        list(map(shared.setdefault, precisions, precisions)),
        ([spans_of[text] for when in whens for text in when], map(len, whens)),
        (titles, urls, map(len, sources)),
    )


def _too_many(vertices: int) -> str:
    return (
        f"{vertices:,} vertices is more than {MAX_VERTICES:,}; simplify the geometry "
        "first (e.g. with GDAL's ogr2ogr -simplify)"
    )


def _check_positions(coords: Any, depth: int, count: list[int]) -> str | None:
    if depth == 0:
        if not isinstance(coords, list) or not 2 <= len(coords) <= 3:
            return "a position must be [longitude, latitude] or [longitude, latitude, altitude]"
        lon, lat = coords[0], coords[1]
        for value in coords:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return f"{_shown(value)} is not a number"
            if not math.isfinite(value):
                return f"{value!r} is not a finite number"
        if not -180 <= lon <= 180:
            return f"longitude {lon} is outside -180..180"
        if not -90 <= lat <= 90:
            return f"latitude {lat} is outside -90..90 (is it [lon, lat]?)"
        count[0] += 1
        return None
    if not isinstance(coords, list):
        return "is missing or not a list"
    for item in coords:
        if (message := _check_positions(item, depth - 1, count)) is not None:
            return message
    return None


def _check_layers(checker: _Checker, declared: Any, used: Iterable[str]) -> tuple[Layer, ...]:
    if declared is None:
        declared = {}
    if not isinstance(declared, dict):
        checker.add("", "layers", "must be an object keyed by layer name")
        declared = {}
    keys = list(dict.fromkeys([*declared, *used]))
    colors = palette(len(keys))
    layers = []
    for position, key in enumerate(keys):
        spec = declared.get(key) or {}
        if not isinstance(spec, dict):
            checker.add("", f"layers.{_key(key)}", "must be an object (label, color, order, path)")
            continue
        label = spec.get("label", readable(key))
        color = spec.get("color", colors[position % len(colors)])
        order = spec.get("order", position + 1)
        if not isinstance(label, str):
            checker.add("", f"layers.{_key(key)}.label", "must be text")
        if not isinstance(color, str) or not COLOR.fullmatch(color):
            checker.add(
                "", f"layers.{_key(key)}.color", f"{_shown(color)} is not a colour like #1f5fa8"
            )
        if isinstance(order, bool) or not isinstance(order, (int, float)):
            checker.add("", f"layers.{_key(key)}.order", "must be a number")
            order = position + 1
        layers.append(
            Layer(
                key=key,
                label=str(label),
                color=str(color),
                order=order,
                path=bool(spec.get("path", False)),
            )
        )
    return tuple(sorted(layers, key=lambda layer: (layer.order, layer.key)))


def layers_of(used: Iterable[str]) -> tuple[Layer, ...]:
    """The layers of places checked a batch at a time (`validate` of each batch): *used*,
    their keys in the order first met, as one load of all of them would make them (labels
    from the keys, colours from the palette for that many layers)."""
    return _check_layers(_Checker(""), None, used)


def _check_periods(checker: _Checker, periods: Any) -> tuple[tuple[str, Span], ...]:
    if periods is None:
        return ()
    if not isinstance(periods, dict):
        checker.add("", "periods", "must be an object of name: EDTF interval")
        return ()
    out = []
    for name, text in periods.items():
        try:
            out.append((name, parse_span(text if isinstance(text, str) else "")))
        except DateError as exc:
            checker.add("", f"periods.{_key(name)}", str(exc))
    return tuple(out)


def _check_member(checker: _Checker, members: dict[str, Any], key: str) -> str:
    value = members.get(key)
    if (msg := _text_problem(value, required=False)) is not None:
        checker.add("", key, msg)
        return ""
    return value or ""


def validate(
    collections: Iterable[RawCollection], *, skip_invalid: bool = False,
    seen: Mapping[str, str] | None = None,
) -> Dataset:
    """Check raw collections and merge them into one Dataset; raise DataError listing every
    problem. Ids must be unique across all collections, and not among *seen* (id → where it
    was, "file: row N"): ids met in earlier batches of a source read a batch at a time.

    With *skip_invalid*, a feature with problems is left out instead (its problems kept in
    ``Dataset.skipped``), as long as one place remains; problems of a whole file (its
    members, a missing column) still raise."""
    with many_objects():
        return _validate(list(collections), skip_invalid, dict(seen or {}))


def _validate(collections: list[RawCollection], skip_invalid: bool, seen: dict[str, str]
              ) -> Dataset:
    problems: list[Problem] = []
    skipped: list[Problem] = []
    warnings: list[Problem] = []
    places = PlacesBuilder()  # seen: id → "file: feature N"
    spans_of: dict[str, Span] = {}  # each distinct when text, parsed once
    shared: dict[str, str] = {}  # each layer and precision text, kept once
    layers: dict[str, Layer] = {}
    periods: dict[str, Span] = {}
    texts: dict[str, str] = {}
    features = left_out = 0

    def take(checker: _Checker, feature: RawFeature, geometry_optional: bool) -> None:
        """Check one feature and add its place (or its problems) to the load."""
        nonlocal left_out
        if checker.quick_place(feature, seen, spans_of, shared, places):
            return
        before = len(checker.problems)
        place = checker.check_feature(feature, seen, geometry_optional)
        if place is not None:
            places.add(place)
        elif skip_invalid and len(checker.problems) > before:
            skipped.extend(checker.problems[before:])
            del checker.problems[before:]
            left_out += 1

    for raw in collections:
        checker = _Checker(raw.file)
        if not raw.count:
            checker.add("", "features", "the collection is empty: no places to map")
        if raw.columns is not None:  # whole columns checked at once, odd rows one by one
            columns = raw.columns
            odd = _odd_rows(columns, seen, spans_of)
            first = 0
            for row in [*odd, len(columns)]:
                _add_rows(columns, first, row, spans_of, shared, places)
                if row < len(columns):
                    take(checker, columns.feature(row), raw.geometry_optional)
                first = row + 1
            where = f"{raw.file}: {columns.unit} {{}}".format
            oddity = set(odd)
            clean = [row for row in range(len(columns)) if row not in oddity] if odd else None
            rows = range(len(columns)) if clean is None else clean
            seen.update(zip(
                columns.ids if clean is None else [columns.ids[row] for row in clean],
                map(where, rows if not columns.first else [columns.first + r for r in rows]),
                strict=True,
            ))
        for feature in raw.features:
            take(checker, feature, raw.geometry_optional)
        features += raw.count
        used = dict.fromkeys(places.layers)
        for layer in _check_layers(checker, raw.members.get("layers"), used):
            layers.setdefault(layer.key, layer)
        for name, span in _check_periods(checker, raw.members.get("periods")):
            periods.setdefault(name, span)
        for key in ("title", "description", "attribution"):
            value = _check_member(checker, raw.members, key)
            if value and not texts.get(key):
                texts[key] = value
        problems.extend(checker.problems)
        warnings.extend(checker.warnings)
    if problems:
        raise DataError(problems)
    if skipped and not len(places):
        raise DataError([*skipped, Problem(", ".join(r.file for r in collections),
                                           f"all {features} features are invalid")])
    used = set(places.layers)
    ordered = tuple(
        sorted(
            (v for k, v in layers.items() if k in used), key=lambda layer: (layer.order, layer.key)
        )
    )
    return Dataset(
        places=places.places(),
        layers=ordered,
        # no title in the data: the first file's name, as a reader would call it
        title=texts.get("title")
        or readable(PurePath(collections[0].file if collections else "").name.split(".")[0]),
        description=texts.get("description", ""),
        attribution=texts.get("attribution", ""),
        periods=tuple(periods.items()),
        sources=tuple(raw.file for raw in collections),
        report=LoadReport(features, left_out, tuple(skipped), tuple(warnings)),
    )
