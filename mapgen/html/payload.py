"""What the browser gets: the dataset once, compactly, in one shape at every size.

`payload` writes the map's data as columns: drawing data (ids, layers, positions, popup texts)
and filter data (span bounds as day numbers, flat), kept apart so any renderer can reuse the
same filter. `packed` alone decides how they travel: as script-safe JSON in the page (a small
map), or gzip-compressed with the numbers as binary columns (a large one). Every field, its
units and layout are written down in assets/CONTRACT.md; change both together.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import math
import sys
import warnings
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from functools import partial
from itertools import chain
from operator import is_not
from typing import Any

import msgspec

from mapgen.calendars import calendar_words, first_days
from mapgen.dates import each_span_words, joined_words
from mapgen.errors import MapgenWarning, OptionError
from mapgen.fields import misspelt
from mapgen.geometry import places_bounds
from mapgen.html.words import page_words
from mapgen.language import language
from mapgen.model import Dataset, Layer, Period, Places, property_text
from mapgen.paths import movements

MAX_LAYERS = 100  # a map shows at most this many layers: past it, the smallest become "Other"
OTHER_COLOR = "#8c8c8c"

# Characters that could end a <script>, open an HTML comment or break a JavaScript string,
# written as \uXXXX escapes that JSON and JavaScript read back unchanged.
_SCRIPT_UNSAFE = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    ord("'"): "\\u0027",
    ord("`"): "\\u0060",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}
# Template-engine openers. JSON's own braces never form them (an object's "{" is followed by
# '"' or "}"), so any occurrence is inside a string, where "\u007b" reads back as "{".
_TEMPLATE_OPENERS = (("{{", "{\\u007b"), ("{%", "\\u007b%"), ("{#", "\\u007b#"))


def _plain(value: Any) -> list[Any]:
    """A column payload() gives as an ``array.array`` or `Rows`, as the list JSON writes."""
    if isinstance(value, array):
        return value.tolist()
    if isinstance(value, Rows):
        return value[:]
    raise TypeError(f"{type(value).__name__} is not JSON")


def script_json(value: Any) -> str:
    """JSON that is safe inside <script>, inert to template engines and deterministic. A
    payload's columns may be ``array.array``s or `Rows`: they are written as lists."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True,
                      default=_plain)
    for char, escaped in _SCRIPT_UNSAFE.items():  # str.replace: translate is 4x slower
        text = text.replace(chr(char), escaped)
    for opener, escaped in _TEMPLATE_OPENERS:
        text = text.replace(opener, escaped)
    return text


# The bits of time.flags (one number a span). Sent along as time.flagBits, so the browser
# reads them from the data instead of repeating them.
FUZZY_START = 1  # the start is uncertain or approximate ("1981?", "1981~"): fade it
FUZZY_END = 2  # the same for the end
ONGOING = 4  # the span runs on to the present ("1981/.."): draw an arrowhead
FLAG_BITS = {"fuzzyStart": FUZZY_START, "fuzzyEnd": FUZZY_END, "ongoing": ONGOING}


def _positions(places: Places) -> dict[str, Any]:
    """The places' positions: longitudes and latitudes of the points in millionths of a
    degree (rounded to 6 decimals, about 10 cm), 0, 0 for a place with a shape, and the
    shapes by place index. A Point kept as a geometry (one with a third coordinate, or
    members beside its coordinates) is a point here too, at its longitude and latitude: the
    page draws in two dimensions. Made straight from the columns: no list a place."""
    scale = COORDINATE_SCALE
    shapes = {n: g for n, g in enumerate(places.geometries) if g is not None}
    points = {n: g["coordinates"] for n, g in shapes.items() if g.get("type") == "Point"}
    lons, lats = places.lons, places.lats
    if points:  # rare: a pass more, only then
        lons = [points[n][0] if n in points else x for n, x in enumerate(lons)]
        lats = [points[n][1] if n in points else y for n, y in enumerate(lats)]
    return {
        "lon": array("i", [0 if x is None else round(round(float(x), 6) * scale)
                           for x in lons]),
        "lat": array("i", [0 if y is None else round(round(float(y), 6) * scale)
                           for y in lats]),
        "shapes": {str(n): g for n, g in shapes.items() if n not in points},
    }


class Rows(Sequence[Any]):
    """A column whose entries are made when read, a slice at a time: the popups' texts of a
    large map (a string or lists a place) never exist all at once, only the slice being
    written (`_write_json`); a small map's are made whole by `script_json`."""

    def __init__(self, count: int, row: Callable[[int], Any]) -> None:
        self.count, self.row = count, row

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self.row(n) for n in range(self.count)[index]]
        return self.row(range(self.count)[index])


def _popup_columns(
    places: Places, popup_fields: Sequence[str] | None = None, lang: str = "en",
    calendar: str = "gregorian",
) -> dict[str, Sequence[Any]]:
    """The popups' texts as columns, one a key of INFO_KEYS, None where a place has none
    (gzip compresses columns a quarter better than one object a place); the periods in
    *lang*'s words, and in *calendar*'s beside them."""
    spans, titles, urls = places.spans, places.source_titles, places.source_urls
    span_starts, source_starts = places.span_starts, places.source_starts
    names: list[Any] = [None] * len(places)
    for row, pairs in places.other_names.items():
        names[row] = [list(pair) for pair in pairs]

    words = each_span_words(spans, lang)  # each span's words, a distinct text said once

    def when(row: int) -> str:
        return joined_words(words[span_starts[row] : span_starts[row + 1]], lang)

    def in_calendar(row: int) -> str | None:
        said = [calendar_words(span, calendar, lang)
                for span in spans[span_starts[row] : span_starts[row + 1]]]
        known = [words for words in said if words]
        return language(lang).pgettext("spans", "; ").join(known) if known else None

    def sources(row: int) -> list[list[str]] | None:
        first, end = source_starts[row], source_starts[row + 1]
        return [[titles[n], urls[n]] for n in range(first, end)] if end > first else None

    return {
        "when": Rows(len(places), when),
        "names": names,
        "description": [text or None for text in places.descriptions],
        "precision": [text or None for text in places.precisions],
        "sources": Rows(len(places), sources),
        **_popup_fields(places, popup_fields),
        **({"calendar": Rows(len(places), in_calendar)} if calendar != "gregorian" else {}),
    }


POPUP_FIELDS = 12  # other properties a popup shows by default; past them, "+N more"


def _popup_fields(
    places: Places, wanted: Sequence[str] | None
) -> dict[str, list[Any]]:
    """The other properties each popup shows (`Place.extra`, as text; none that is null or
    blank): the ones *wanted*, in that order, or else all of them up to POPUP_FIELDS, and
    how many more the place has. A wanted name that no place has is refused, as a misnamed
    field option is: a misspelt name would otherwise show nothing, silently."""
    if isinstance(wanted, str):
        raise OptionError(f"popup_fields must be a list of property names, not {wanted!r}")
    fields: list[Any] = [None] * len(places)
    more: list[Any] = [None] * len(places)
    seen: dict[str, None] = {}  # the properties there are, in the order met
    names = None if wanted is None else list(dict.fromkeys(wanted))  # each name once
    for row, extra in places.extras.items():
        shown = {key: property_text(value) for key, value in extra
                 if value is not None and (not isinstance(value, str) or value.strip())}
        seen.update(dict.fromkeys(key for key, _ in extra))
        keys = list(shown) if names is None else [key for key in names if key in shown]
        limit = POPUP_FIELDS if names is None else len(keys)
        if keys:
            fields[row] = [[key, shown[key]] for key in keys[:limit]]
        if len(keys) > limit:
            more[row] = len(keys) - limit
    missing = [name for name in names or () if name not in seen]
    if missing:
        said = ", ".join(
            f"{name!r}" + (f" (did you mean {close!r}?)" if (close := misspelt(name, seen)) else "")
            for name in missing)
        raise OptionError.naming("{popup_fields}: no place has {missing} (the properties are: "
                                 "{found})", missing=said, found=", ".join(seen) or "none")
    return {"fields": fields, "more": more}


def group_small_layers(dataset: Dataset, limit: int = MAX_LAYERS, lang: str = "en") -> Dataset:
    """*dataset* with at most *limit* layers: past it, the smallest layers (by places; layers
    with movement paths are kept) are drawn as one last layer, "Other" (said in *lang*), with
    a warning that names how many. A mistaken layer field can make thousands of layers,
    which no legend or layer control can show."""
    if len(dataset.layers) <= limit:
        return dataset
    sizes = Counter(dataset.places.layers)
    order = {layer.key: n for n, layer in enumerate(dataset.layers)}
    candidates = sorted(
        (layer for layer in dataset.layers if not layer.path),
        key=lambda layer: (-sizes[layer.key], order[layer.key]),
    )
    kept_count = max(0, limit - 1 - sum(layer.path for layer in dataset.layers))
    grouped = {layer.key for layer in candidates[kept_count:]}
    key = "other"
    while key in order:
        key = "_" + key
    count = sum(sizes[k] for k in grouped)
    last = max(layer.order for layer in dataset.layers)
    label = language(lang).ngettext("Other ({n} layer)", "Other ({n} layers)", len(grouped))
    other = Layer(key=key, label=label, color=OTHER_COLOR, order=last + 1)
    warnings.warn(
        f"{len(dataset.layers)} layers: the map shows the {len(dataset.layers) - len(grouped)} "
        f"largest and draws the other {len(grouped)} ({count} places) as one layer, "
        f'"Other" (at most {limit} layers)',
        MapgenWarning,
        stacklevel=3,
    )
    places = dataset.places.relayered(
        [key if layer in grouped else layer for layer in dataset.places.layers]
    )
    layers = (*(layer for layer in dataset.layers if layer.key not in grouped), other)
    return replace(dataset, places=places, layers=layers)


def payload(
    dataset: Dataset,
    *,
    period: Period | None = None,
    strict: bool = False,
    title: str | None = None,
    lang: str = "en",
    calendar: str = "gregorian",
    basemap: bool = False,
    popup_fields: Sequence[str] | None = None,
    story: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The map's data for mapgen.js, the whole object assets/CONTRACT.md describes: the
    same columns at every size (`packed` decides how they travel). *basemap*: draw the
    offline basemap (the page carries its countries once: elements.Countries);
    *popup_fields*: the other properties popups show (default: all, up to POPUP_FIELDS);
    *story*: a story's steps (`story.story_payload`); *lang*: the page's words
    (`words.page_words`) and the popups' periods; *calendar*: a second calendar's words in
    the popups and years on the timeline's axis."""
    index = {layer.key: number for number, layer in enumerate(dataset.layers)}
    places = dataset.places
    keys = list(map(id, places.spans))  # spans share Span objects: each distinct one's, once
    quads: dict[int, tuple[int | None, ...]] = {}
    bits: dict[int, int] = {}
    for key, span in dict(zip(keys, places.spans, strict=True)).items():
        quads[key] = (span.start_wide, span.start_narrow, span.end_narrow, span.end_wide)
        bits[key] = (
            FUZZY_START * bool(span.fuzzy_start)
            + FUZZY_END * bool(span.fuzzy_end)
            + ONGOING * bool(span.ongoing)
        )
    # then every span's, at C speed
    bounds: list[int | None] = list(chain.from_iterable(map(quads.__getitem__, keys)))
    flags = list(map(bits.__getitem__, keys))
    moves = movements(dataset)
    box = places_bounds(places)
    return {
        "title": title or dataset.title,
        "description": dataset.description,
        "attribution": dataset.attribution,
        "period": period.label(lang) if period and not period.unbounded else "",
        "window": [period.start, period.end] if period and not period.unbounded else None,
        "strict": strict,
        "layers": [
            {"key": layer.key, "label": layer.label, "color": layer.color, "path": layer.path}
            for layer in dataset.layers
        ],
        "places": {
            "id": places.ids,
            "name": places.names,
            "layer": list(map(index.__getitem__, places.layers)),
            **_positions(places),
            "info": _popup_columns(places, popup_fields, lang, calendar),
        },
        "skipped": dataset.report.skipped,
        "unlocated": len(dataset.report.unlocated),
        "time": {
            "undated": places.undated(),
            "offsets": places.span_starts,
            "bounds": bounds,
            "flags": flags,
            "flagBits": FLAG_BITS,
        },
        "moves": [
            [index[m.layer], m.origin, m.destination, m.day_from, m.day_to] for m in moves
        ],
        # the initial view (unless the URL names one: view-hash.js)
        "bounds": [[box[1], box[0]], [box[3], box[2]]] if box else None,
        **({"basemap": True} if basemap else {}),
        **({"story": story} if story is not None else {}),
        **({"calendar": _calendar_axis(calendar, bounds)} if calendar != "gregorian" else {}),
        "i18n": page_words(lang),
    }


def _calendar_axis(calendar: str, bounds: list[int | None]) -> dict[str, Any]:
    """What the timeline's axis needs to label *calendar*'s years beside the Gregorian ones:
    the first day of each of its years over the data's dates (to 2100, where open ends run,
    so the bytes do not change with the day the map is built)."""
    from mapgen.dates import days_from_civil

    known = [b for b in bounds if b is not None]
    lo = min(known, default=days_from_civil(2000, 1, 1))
    hi = max([*known, days_from_civil(2100, 1, 1)])
    return {"name": calendar, "years": first_days(calendar, lo, hi)}


PACK_MIN_PLACES = 2000  # from here on, places travel gzip-compressed (about 5x smaller)
PACKED_KEYS = ("places", "time", "moves")
# _popup_columns' keys; with a calendar (build_map(calendar=)) a "calendar" column follows
INFO_KEYS = ("when", "names", "description", "precision", "sources", "fields", "more")
# Packed parts the browser reads only when asked (a popup, a tooltip, the search, the script
# interface), in the order they follow the binary columns, one a line: drawing starts without
# decoding them.
DEFERRED = ("places.info", "places.name", "places.id")
# Packed columns that travel as binary, little-endian typed arrays (CONTRACT.md): the browser
# views them in place instead of parsing JSON. A point's position as Int32 millionths of a
# degree (the 6 decimals of the JSON page); a place with a shape has 0, 0 there and its
# geometry in places.shapes.
COORDINATE_SCALE = 1_000_000
# An open span bound (a start of -inf, an end of +inf) in an Int32 time.bounds. Day numbers
# that do not all fit in Int32 (years past about 5.8 million) travel as Float64, open as -inf
# and inf.
OPEN_BOUND = -(2**31)
_INT32 = (-(2**31), 2**31 - 1)
# Each binary column starts at a multiple of this many bytes, the largest element size (as
# Arrow IPC aligns its buffers): a typed array views it in place only there (a Float64Array
# at an offset of 4 throws a RangeError).
ALIGN = 8


def packed(data: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """*data* and, when the map is large, its bulky parts gzip-compressed and base64-encoded
    (then left out of *data*, whose ``packed`` lists the text parts deferred): the page carries
    that text in a data block, outside the script, and mapgen.js decompresses it with the
    browser's DecompressionStream and views the numeric columns as typed arrays, so drawing
    starts without parsing them. Columns may be lists or ``array.array``s. Deterministic: no
    timestamp in the gzip header, fixed key order, little-endian."""
    places, time = data["places"], data["time"]
    if len(places["id"]) < PACK_MIN_PLACES:
        return data, None
    columns = {
        ("places", "lon"): places["lon"],
        ("places", "lat"): places["lat"],
        ("places", "layer"): array("B" if len(data["layers"]) <= 256 else "H", places["layer"]),
        ("time", "offsets"): array("i", time["offsets"]),
        ("time", "bounds"): _bounds(time["bounds"]),
        ("time", "flags"): array("B", time["flags"]),
        ("time", "undated"): array("i", time["undated"]),
    }
    deferred = [tuple(path.split(".")) for path in DEFERRED]
    skip = {*columns, *deferred}
    head: dict[str, Any] = {
        owner: {k: v for k, v in data[owner].items() if (owner, k) not in skip}
        for owner in ("places", "time")
    }
    head["moves"] = data["moves"]
    head["binary"] = [[*path, _TYPES[column.typecode], len(column)]
                      for path, column in columns.items()]
    # Streamed: the JSON text never exists whole, nor its UTF-8 copy (tens of MB each for a
    # large map). Compact JSON holds no newline: the head is one line, padded with spaces so
    # the binary columns that follow start at a multiple of ALIGN bytes (each is padded to
    # one too), then each deferred part on a line of its own. Level 4: at 100,000 places
    # 0.07 s more than level 1 and 14% smaller (the page is base64 of it: gzip over HTTP
    # cannot help).
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=4, mtime=0) as stream:
        line = json.dumps(head, ensure_ascii=False, separators=(",", ":")).encode()
        stream.write(line + b" " * (-(len(line) + 1) % ALIGN) + b"\n")
        for column in columns.values():
            raw = _little_endian(column)
            stream.write(raw + bytes(-len(raw) % ALIGN))
        for number, (owner, key) in enumerate(deferred):
            stream.write(b"\n" if number else b"")
            _write_json(stream, data[owner][key], depth=1)
    rest = {key: value for key, value in data.items() if key not in PACKED_KEYS}
    encoded = base64.b64encode(buffer.getvalue())
    del buffer  # the gzip stream gone before its base64 text is made: a build's peak memory
    return {**rest, "packed": list(DEFERRED)}, encoded.decode("ascii")


_TYPES = {"B": "Uint8", "H": "Uint16", "i": "Int32", "d": "Float64"}  # typed array names


def _bounds(bounds: Sequence[float | None]) -> array:
    """Span bounds as Int32 day numbers, OPEN_BOUND where open (None or infinite); as Float64
    (open: -inf for a start, inf for an end) when a finite one does not fit in Int32."""
    def known() -> Iterator[float]:  # in C: no Python call a bound, and no copy of them all
        return filter(partial(is_not, None), bounds)

    if set(map(type, known())) <= {int} and (  # day numbers, as payload() gives them
        _INT32[0] < min(known(), default=0) and max(known(), default=0) <= _INT32[1]
    ):
        return array("i", [OPEN_BOUND if b is None else b for b in bounds])
    finite = [b for b in known() if math.isfinite(b)]
    if not finite or (_INT32[0] < min(finite) and max(finite) <= _INT32[1]):
        return array("i", [OPEN_BOUND if b is None or not math.isfinite(b) else int(b)
                           for b in bounds])
    ends = (-math.inf, -math.inf, math.inf, math.inf)  # k = n % 4: start, start, end, end
    return array("d", [ends[n % 4] if b is None or not math.isfinite(b) else b
                       for n, b in enumerate(bounds)])


def _little_endian(column: array) -> bytes:
    """The column's bytes in little-endian order, whatever this machine's."""
    if sys.byteorder == "little":
        return column.tobytes()
    swapped = array(column.typecode, column)
    swapped.byteswap()
    return swapped.tobytes()


_CHUNK = 4096  # list items serialised together
# Compact UTF-8 JSON: for texts, integers, None and lists and objects of them (what the
# deferred parts hold: no float) the very bytes of json.dumps(ensure_ascii=False,
# separators=(",", ":")).encode(), in half the time (100,000 places: 0.07 s less).
_ENCODE = msgspec.json.Encoder().encode


def _write_json(stream: gzip.GzipFile, value: Any, depth: int) -> None:
    """Compact JSON of *value* (a deferred part: no float) into *stream*, the same bytes as
    json.dumps, one column at a time: objects down to *depth* are opened here, their members
    serialised one by one."""
    if isinstance(value, Rows):
        value = value[:] if len(value) <= _CHUNK else value
    if isinstance(value, (list, Rows)) and len(value) > _CHUNK:  # long: a slice at a time
        stream.write(b"[")
        for start in range(0, len(value), _CHUNK):
            text = _ENCODE(value[start : start + _CHUNK])
            stream.write((b"," if start else b"") + text[1:-1])
        stream.write(b"]")
        return
    if depth == 0 or not isinstance(value, dict):
        stream.write(_ENCODE(value))
        return
    stream.write(b"{")
    for number, (key, member) in enumerate(value.items()):
        stream.write((b"," if number else b"") + json.dumps(key).encode() + b":")
        _write_json(stream, member, depth - 1)
    stream.write(b"}")
