"""The rules every place meets, each defined once, over a column (a batch of rows).

As shapely's ``is_valid`` and ``is_valid_reason`` share one engine, a rule here is one
function of a value that words what is wrong with it (``(field, message)`` pairs, none when
nothing is). A rule may add a test of a whole column at once for the common case, a shortcut
that says "no value here breaks the rule" without a call a row; when it cannot say so, the
rule's own function is asked about each value, so every message comes from the one
definition (`tests/test_rules.py` checks that each shortcut agrees with it). Every reader
hands its rows over as columns (:class:`mapgen.raw.RawColumns`), so every reading path meets
every rule in `RULES`, in the order a feature's messages are given. Adding a rule is one
`@rule` function here.
"""

from __future__ import annotations

import contextlib
import math
import re
import reprlib
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from types import NoneType
from typing import Any

from mapgen.dates import DateError, Span, parse_span
from mapgen.fields import LANG
from mapgen.raw import RawColumns, RawSource

Reason = tuple[str, str]  # (field, message)
Found = dict[int, list[Reason]]  # row → what is wrong with it

GEOMETRY_DEPTH = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}
PRECISIONS = ("site", "city", "region", "inferred")
MAX_VERTICES = 200_000  # per geometry; more cannot be drawn sensibly in a browser
MAX_NESTING = 8  # GeometryCollections inside GeometryCollections (RFC 7946 advises none)
_SHOWN = reprlib.Repr()  # short, one-line reprs of values from the data in messages
_SHOWN.maxlevel, _SHOWN.maxstring, _SHOWN.maxother = 2, 60, 60

_WEB_URL = re.compile(r"https?://[^\s/?#@]+(?:[/?#][^\s]*)?", re.IGNORECASE | re.ASCII)
_WEB_URL_LINE = re.compile(rf"^{_WEB_URL.pattern}$", re.IGNORECASE | re.ASCII | re.MULTILINE)
_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
_TEXT_OR_NONE = {str, NoneType}
_PRECISION = {None, "", *PRECISIONS}
_NUMBERS = {int, float}


@dataclass
class Load:
    """What the rules share across one load: the ids met so far (id → "file: feature N", to
    catch duplicates across files), each date text parsed (or its problem), and what the
    geometry rule found on the rows of the collection being checked."""

    file: str = ""
    geometry_optional: bool = False  # LPF, LP-TSV: a row without a geometry is not located
    seen: dict[str, str] = field(default_factory=dict)
    spans: dict[str, Span] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # date text → why it is no date
    shapes: dict[int, dict[str, Any]] = field(default_factory=dict)  # row → checked geometry
    unlocated: set[int] = field(default_factory=set)  # rows without a geometry, allowed
    layer_spellings: dict[str, str] = field(default_factory=dict)  # casefold → as first met
    file_layers: set[str] = field(default_factory=set)  # layers named after their file


Check = Callable[[RawColumns, Sequence[int], Load], Found]


@dataclass(frozen=True)
class Rule:
    """One rule: its name (what tests list) and its check of the *rows* of some columns.
    A rule with a *warning* finds what is likely a mistake but may be right: the rows it
    finds stay places, counted in one warning line ("3 of 40 places <warning>")."""

    name: str
    check: Check
    doc: str
    warning: str = ""


RULES: list[Rule] = []


def rule(name: str, warning: str = "") -> Callable[[Check], Check]:
    """Register a check as a rule; rules run, and a row's messages come, in this order."""

    def register(check: Check) -> Check:
        RULES.append(Rule(name, check, (check.__doc__ or "").strip(), warning))
        return check

    return register


def column(values: list[Any], rows: Sequence[int]) -> list[Any]:
    """The entries of *rows* (all of them: the list as it is)."""
    return values if isinstance(rows, range) and len(rows) == len(values) else [
        values[row] for row in rows]


def each(
    values: list[Any], rows: Sequence[int], reasons: Callable[[Any], list[Reason]],
    clean: Callable[[list[Any]], bool],
) -> Found:
    """A rule on each value of a column: nothing when *clean* vouches for the whole column,
    else what *reasons* says of each value."""
    if clean(values):
        return {}
    pairs = zip(rows, values, strict=True)
    return {row: found for row, value in pairs if (found := reasons(value))}


def shown(value: object) -> str:
    """A value from the data as an error message shows it: quoted, on one line, short."""
    return _SHOWN.repr(value)


def text_problem(value: object, *, required: bool) -> str | None:
    """What is wrong with a text value: missing (when *required*), not text, or blank."""
    if value is None or value == "":
        return "is missing" if required else None
    if not isinstance(value, str):
        return f"must be text, not {type(value).__name__}"
    if required and not value.strip():
        return "is empty"
    return None


def is_web_url(url: object) -> bool:
    """Links are http(s) only: anything else (javascript:, data:, file:) is refused, and so
    are spaces and control characters anywhere in the URL."""
    return isinstance(url, str) and _WEB_URL.fullmatch(url) is not None and not _UNSAFE.search(url)


# --- ids -------------------------------------------------------------------------------------


def slugify(text: str, fallback: str = "map") -> str:
    """A safe id or file name stem from untrusted text: ASCII letters, digits and hyphens
    only, so no spaces, no path separators, no dots, no traversal; what mapgen makes an id
    of (a GDAL layer's name) passes the id rule."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")
    return slug or fallback


def id_text(value: Any) -> Any:
    """An id as the rules read it: an integer as its text, anything else as it is."""
    return str(value) if type(value) is int else value


def id_reasons(value: Any) -> list[Reason]:
    """An id is text, and safe to put in a link, a file name or a message as it is."""
    if (message := text_problem(value, required=True)) is not None:
        return [("id", message)]
    if _UNSAFE.search(value):
        return [("id", f"{value!r} must not contain spaces or control characters")]
    return []


def _ids_clean(values: list[Any]) -> bool:
    return (set(map(type, values)) <= {str} and all(map(str.strip, values))
            and not _UNSAFE.search("".join(values)))


@rule("id")
def check_ids(columns: RawColumns, rows: Sequence[int], load: Load) -> Found:
    """Every place has an id: text without spaces or control characters."""
    return each(column(columns.ids, rows), rows, id_reasons, _ids_clean)


@rule("unique id")
def check_unique(columns: RawColumns, rows: Sequence[int], load: Load) -> Found:
    """No two places share an id, in one file or across the files of a load: the first
    keeps it; the others are refused, naming where the first is."""
    ids = column(columns.ids, rows)
    keys = ids if _ids_clean(ids) else [None if id_reasons(v) else v for v in ids]
    seen, file = load.seen, load.file
    if None not in keys and len(set(keys)) == len(keys) and seen.keys().isdisjoint(keys):
        wheres = (f"{file}: {columns.where(row)}" for row in rows) if columns.wheres else map(
            f"{file}: {columns.unit} {{}}".format, rows)
        seen.update(zip(keys, wheres, strict=False))
        return {}
    found: Found = {}
    for row, key in zip(rows, keys, strict=True):
        if key is None:
            continue
        if key in seen:
            found[row] = [("id", f"duplicate id {key!r}, also at {seen[key]}")]
        else:
            seen[key] = f"{file}: {columns.where(row)}"
    return found


# --- texts -----------------------------------------------------------------------------------


def _text_rule(key: str, values: list[Any], rows: Sequence[int], required: bool) -> Found:
    """*key*'s values are text: not blank when *required*, else text or nothing."""
    def reasons(value: Any) -> list[Reason]:
        message = text_problem(value, required=required)
        return [(key, message)] if message else []

    def clean(values: list[Any]) -> bool:
        if required:
            return set(map(type, values)) <= {str} and all(map(str.strip, values))
        return set(map(type, values)) <= _TEXT_OR_NONE

    return each(values, rows, reasons, clean)


@rule("name")
def check_names(columns: RawColumns, rows: Sequence[int], load: Load) -> Found:
    """Every place has a name: text, not blank (none at all is named by validation)."""
    return _text_rule("name", column(columns.names, rows), rows, required=True)


@rule("layer")
def check_layers(columns: RawColumns, rows: Sequence[int], load: Load) -> Found:
    """Every place is in a layer: text, not blank."""
    return _text_rule("layer", column(columns.layers, rows), rows, required=True)


@rule("description")
def check_descriptions(columns: RawColumns, rows: Sequence[int], load: Load) -> Found:
    """A description, when there is one, is text."""
    return _text_rule("description", column(columns.descriptions, rows), rows, required=False)


def precision_reasons(value: Any) -> list[Reason]:
    """A precision, when there is one, is one of PRECISIONS."""
    if (message := text_problem(value, required=False)) is not None:
        return [("precision", message)]
    if value and value not in PRECISIONS:
        return [("precision", f"{value!r} is not one of {', '.join(PRECISIONS)}")]
    return []


@rule("precision")
def check_precisions(columns: RawColumns, rows: Sequence[int], load: Load) -> Found:
    """A precision, when there is one, is one of PRECISIONS."""
    return each(column(columns.precisions, rows), rows, precision_reasons,
                lambda values: set(map(type, values)) <= _TEXT_OR_NONE
                and set(values) <= _PRECISION)


def is_other_name(key: str) -> bool:
    """True for a ``name_<lang>`` key (a BCP 47 tag after ``name_``): a name in another
    language. Other ``name_…`` keys are extra properties like any other."""
    return key.startswith("name_") and LANG.fullmatch(key) is not None


def other_names(others: dict[str, Any]) -> list[tuple[str, Any]]:
    """A row's names in other languages that have a value, by key."""
    return [(key, others[key]) for key in sorted(others)
            if others[key] is not None and is_other_name(key)]


@rule("name_<lang>")
def check_other_names(columns: RawColumns, rows: Sequence[int], load: Load) -> Found:
    """A name in another language (``name_fr``) is text, not blank."""
    found: Found = {}
    wanted = None if len(rows) == len(columns) else set(rows)
    for row, others in columns.others.items():
        if wanted is not None and row not in wanted:
            continue
        reasons = [(key, message) for key, value in other_names(others)
                   if (message := text_problem(value, required=True)) is not None]
        if reasons:
            found[row] = reasons
    return dict(sorted(found.items()))


# --- dates -----------------------------------------------------------------------------------


def when_texts(when: Any) -> Sequence[str]:
    """A valid `when` as its texts, each once: none (no `when`, or an empty one) is an
    undated place, which gazetteers hold plenty of. A list without repeats is itself (no
    copy a row)."""
    if type(when) is str:  # most rows: one text
        return (when,) if when else ()
    if when is None or when == []:
        return ()
    return when if len(when) < 2 or len(set(when)) == len(when) else list(dict.fromkeys(when))


def _span_problem(text: str, load: Load) -> str | None:
    """Why *text* is no EDTF date or interval, or None (its span then in *load*)."""
    if text in load.spans:
        return None
    if text not in load.failed:
        try:
            load.spans[text] = parse_span(text)
            return None
        except DateError as exc:
            load.failed[text] = str(exc)
    return load.failed[text]


@rule("when")
def check_whens(columns: RawColumns, rows: Sequence[int], load: Load) -> Found:
    """A `when` is an EDTF date or interval, or a list of them, each of which parses."""
    def reasons(when: Any) -> list[Reason]:
        if when is None or when == [] or when == "":
            return []
        if isinstance(when, str):
            when = [when]
        if not isinstance(when, list):
            return [("when", "must be a list of EDTF strings")]
        found = []
        for i, text in enumerate(when):
            if not isinstance(text, str):
                found.append((f"when[{i}]", f"must be an EDTF string, not {type(text).__name__}"))
            elif (message := _span_problem(text, load)) is not None:
                found.append((f"when[{i}]", message))
        return found

    def clean(whens: list[Any]) -> bool:
        if not set(map(type, whens)) <= {list, str, NoneType}:
            return False
        listed = list(chain.from_iterable([w for w in whens if type(w) is list]))
        if not set(map(type, listed)) <= {str} or "" in listed:
            return False  # an empty text in a list is no date ("" alone is no `when`)
        texts = set(listed).union([w for w in whens if type(w) is str])
        texts.discard("")
        return all(_span_problem(text, load) is None for text in texts - load.spans.keys())

    return each(column(columns.whens, rows), rows, reasons, clean)


# --- sources ---------------------------------------------------------------------------------


def source_parts(entry: Any) -> tuple[Any, Any] | None:
    """A source entry's (url, title), or None when it is no object."""
    if type(entry) is RawSource:
        return entry.url, entry.title
    return (entry.get("url"), entry.get("title")) if isinstance(entry, dict) else None


def _web_sources(entries: list[Any]) -> bool:
    """True when every entry is a valid source: {url, title}, an http(s) URL and text or no
    title; all URLs matched in one pass over their joined lines."""
    kinds = set(map(type, entries))
    if kinds <= {RawSource}:
        urls, titles = [e.url for e in entries], [e.title for e in entries]
    elif kinds <= {dict, RawSource}:
        urls, titles = zip(*map(source_parts, entries), strict=True) if entries else ((), ())
    else:
        return False
    if not set(map(type, urls)) <= {str} or _UNSAFE.search("".join(urls)):
        return False  # no URL holds a line break now: one URL is one line
    if len(_WEB_URL_LINE.findall("\n".join(urls))) != len(urls):
        return False
    return set(map(type, titles)) <= _TEXT_OR_NONE


def source_reasons(sources: Any) -> list[Reason]:
    """Sources are a list of {title, url}: an http(s) URL and, if given, a text title."""
    if sources is None:
        return []
    if not isinstance(sources, list):
        return [("sources", "must be a list of {title, url}")]
    found = []
    for i, entry in enumerate(sources):
        parts = source_parts(entry)
        if parts is None:
            found.append((f"sources[{i}]", "must be an object with title and url"))
            continue
        url, title = parts
        if not is_web_url(url):
            found.append((f"sources[{i}].url", f"{url!r} is not an http(s) URL"))
        elif title is not None and not isinstance(title, str):
            found.append((f"sources[{i}].title", "must be text"))
    return found


@rule("sources")
def check_sources(columns: RawColumns, rows: Sequence[int], load: Load) -> Found:
    """Sources are a list of {title, url}: an http(s) URL and, if given, a text title."""
    def clean(values: list[Any]) -> bool:
        return set(map(type, values)) <= {list, NoneType} and _web_sources(
            [entry for value in values if value for entry in value])

    return each(column(columns.sources, rows), rows, source_reasons, clean)


# --- what the reader found -------------------------------------------------------------------


@rule("as read")
def check_as_read(columns: RawColumns, rows: Sequence[int], load: Load) -> Found:
    """What the reader found on single fields (a date cell it could not read, a latitude
    that is no number): said with the row's other problems."""
    wanted = None if len(rows) == len(columns) else set(rows)
    return {row: list(found) for row, found in sorted(columns.field_problems.items())
            if wanted is None or row in wanted}


# --- geometry --------------------------------------------------------------------------------


def _too_many(vertices: int) -> str:
    return (
        f"{vertices:,} vertices is more than {MAX_VERTICES:,}; simplify the geometry "
        "first (e.g. with GDAL's ogr2ogr -simplify)"
    )


def _position_problem(coords: Any, depth: int, count: list[int]) -> str | None:
    if depth == 0:
        if not isinstance(coords, list) or not 2 <= len(coords) <= 3:
            return "a position must be [longitude, latitude] or [longitude, latitude, altitude]"
        lon, lat = coords[0], coords[1]
        for value in coords:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return f"{shown(value)} is not a number"
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
        if (message := _position_problem(item, depth - 1, count)) is not None:
            return message
    return None


def checked_geometry(
    geometry: Any, found: list[Reason], nesting: int = 0, total: list[int] | None = None
) -> dict[str, Any]:
    """A GeoJSON geometry as mapgen keeps it ({type, coordinates}, or {type, geometries}),
    or {} after adding its problems to *found*. *total* counts the vertices of a whole
    GeometryCollection, which MAX_VERTICES bounds like any one geometry."""
    if not isinstance(geometry, dict):
        found.append(("geometry", "is missing"))
        return {}
    kind = geometry.get("type")
    if kind == "GeometryCollection":
        parts = geometry.get("geometries")
        if not isinstance(parts, list) or not parts:
            found.append(("geometry.geometries", "must be a non-empty list"))
            return {}
        if nesting >= MAX_NESTING:
            found.append(("geometry", f"GeometryCollections nested more than {MAX_NESTING} "
                          "deep; flatten them"))
            return {}
        vertices = [0] if total is None else total
        checked = [checked_geometry(part, found, nesting + 1, vertices) for part in parts]
        if total is None and vertices[0] > MAX_VERTICES:
            found.append(("geometry.geometries", _too_many(vertices[0])))
            return {}
        return {"type": kind, "geometries": checked}
    if not isinstance(kind, str) or kind not in GEOMETRY_DEPTH:
        found.append(("geometry.type", f"unknown geometry type {shown(kind)}"))
        return {}
    coords = geometry.get("coordinates")
    count = [0]
    if (message := _position_problem(coords, GEOMETRY_DEPTH[kind], count)) is not None:
        found.append(("geometry.coordinates", message))
        return {}
    if count[0] > MAX_VERTICES:
        found.append(("geometry.coordinates", _too_many(count[0])))
        return {}
    if total is not None:
        total[0] += count[0]
    if count[0] == 0:
        found.append(("geometry.coordinates", "is empty"))
        return {}
    return {"type": kind, "coordinates": coords}


def _positions_clean(lons: list[Any], lats: list[Any]) -> bool:
    """True when every (lon, lat) is a pair of numbers in range (NaN fails the test)."""
    for values, limit in ((lons, 180), (lats, 90)):
        if values and not (set(map(type, values)) <= _NUMBERS and -limit <= min(values)
                           and max(values) <= limit and not any(map(math.isnan, values))):
            return False
    return True


@rule("geometry")
def check_geometries(columns: RawColumns, rows: Sequence[int], load: Load) -> Found:
    """Every place has a GeoJSON geometry of longitudes and latitudes in range, of at most
    MAX_VERTICES vertices; where a format allows none (LPF, LP-TSV), a place without one is
    kept out of the map with a warning. A geometry the reader could not read is said by the
    reader, once."""
    shapes = columns.shapes
    points = rows if not shapes else [row for row in rows if row not in shapes]
    lons, lats = column(columns.lons, points), column(columns.lats, points)
    found: Found = {}
    if not _positions_clean(lons, lats):
        for row, lon, lat in zip(points, lons, lats, strict=True):
            reasons: list[Reason] = []
            checked_geometry({"type": "Point", "coordinates": [lon, lat]}, reasons)
            if reasons:
                found[row] = reasons
    wanted = None if len(rows) == len(columns) else set(rows)
    for row, geometry in shapes.items():
        if wanted is not None and row not in wanted:
            continue
        if geometry is None and (load.geometry_optional or row in columns.field_problems):
            load.unlocated.add(row)
            continue
        reasons = []
        checked = checked_geometry(geometry, reasons)
        if reasons:
            found[row] = reasons
        else:
            load.shapes[row] = checked
    return dict(sorted(found.items()))


@rule("not at (0, 0)", warning="are at exactly (0, 0), in the Gulf of Guinea, where a "
      "missing position often ends up; check them")
def check_null_island(columns: RawColumns, rows: Sequence[int], load: Load) -> Found:
    """A Point at exactly longitude 0, latitude 0 is more often a position left empty than a
    place in the sea off Africa: kept, and said."""
    if 0 not in columns.lons and not load.shapes:
        return {}
    found: Found = {}
    for row in rows:
        shape = load.shapes.get(row)
        lon, lat = shape["coordinates"][:2] if shape and shape["type"] == "Point" else (
            columns.lons[row], columns.lats[row])
        if lon == 0 and lat == 0 and type(lon) is not bool and type(lat) is not bool:
            found[row] = [("geometry", "at (0, 0)")]
    return found


_OSM_ID = re.compile(r"(?:node|way|relation)/\d+")  # an OpenStreetMap element, as exports name it


_LEVEL = re.compile(r"-?[0-5]")  # what OpenStreetMap's layer tag takes: -5 to 5


def _level(value: Any) -> bool:
    """True for a value OpenStreetMap's ``layer`` tag takes (as text or a number)."""
    return type(value) in (str, int) and _LEVEL.fullmatch(str(value).strip()) is not None


@rule("OSM layer tag", warning="carry OpenStreetMap's layer tag (which of two crossing ways is "
      "drawn over the other, -5 to 5), taken as their layer; give --layer-field to group them "
      "by another tag, such as historic")
def check_osm_layer(columns: RawColumns, rows: Sequence[int], load: Load) -> Found:
    """An OpenStreetMap element's ``layer`` (a bridge is 1) is a drawing order, not a
    category: an extract of historic sites gets layers "1" and "2" beside its file's layer.
    Kept as written, and said."""
    values = column(columns.layers, rows)
    with contextlib.suppress(TypeError):  # unhashable (a list): the layer rule says it
        values = set(values)  # a few distinct layers, at C speed
    if not any(map(_level, values)):
        return {}
    ids, layers = columns.ids, columns.layers
    return {row: [("layer", f"OpenStreetMap's layer tag {layers[row]!r}")] for row in rows
            if _level(layers[row]) and type(ids[row]) is str and _OSM_ID.fullmatch(ids[row])}
