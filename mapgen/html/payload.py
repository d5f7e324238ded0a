"""What the browser gets: the dataset once, compactly, as script-safe JSON.

Drawing data (ids, layers, coordinates, popup texts) and filter data (span bounds as day
numbers, flat) are kept apart, so any renderer can reuse the same filter. Every field, its
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
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from operator import is_not
from typing import Any

from mapgen.calendars import calendar_words, first_days
from mapgen.dates import spans_words
from mapgen.errors import MapgenWarning
from mapgen.language import language
from mapgen.model import Dataset, Layer, Period, Places
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


def script_json(value: Any) -> str:
    """JSON that is safe inside <script>, inert to template engines and deterministic."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
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


def _geometries(places: Places) -> list[Any]:
    """Each place's geometry as the page draws it: a Point as [lon, lat], rounded to 6
    decimals (about 10 cm), any other geometry as GeoJSON."""
    return [
        [round(float(lon), 6), round(float(lat), 6)] if geometry is None else geometry
        for lon, lat, geometry in zip(places.lons, places.lats, places.geometries, strict=True)
    ]


def _positions(places: Places) -> dict[str, Any]:
    """A packed map's positions: longitudes and latitudes of the points in millionths of a
    degree (as the 6 decimals of `_geometries`), 0, 0 for a place with a shape, and the
    shapes by place index. Made straight from the columns: no list a place."""
    scale = COORDINATE_SCALE
    shapes = {str(n): g for n, g in enumerate(places.geometries) if g is not None}
    return {
        "lon": array("i", [0 if x is None else round(round(float(x), 6) * scale)
                           for x in places.lons]),
        "lat": array("i", [0 if y is None else round(round(float(y), 6) * scale)
                           for y in places.lats]),
        "shapes": shapes,
    }


def _popups(places: Places, lang: str = "en", calendar: str = "gregorian"
            ) -> list[dict[str, Any]]:
    """What each place's popup shows (INFO_KEYS; a key only where the place has it)."""
    columns = _popup_columns(places, lang, calendar)
    return [
        {key: column[row] for key, column in columns.items() if column[row] is not None}
        for row in range(len(places))
    ]


class Rows(Sequence[Any]):
    """A column whose entries are made when read, a slice at a time: the popups' texts of a
    large map (a string or lists a place) never exist all at once, only the slice being
    written (`_write_json`)."""

    def __init__(self, count: int, row: Callable[[int], Any]) -> None:
        self.count, self.row = count, row

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self.row(n) for n in range(self.count)[index]]
        return self.row(range(self.count)[index])


def _popup_columns(places: Places, lang: str = "en", calendar: str = "gregorian"
                   ) -> dict[str, Sequence[Any]]:
    """The popups' texts as columns, one a key of INFO_KEYS, None where a place has none; the
    periods in *lang*'s words, and in *calendar*'s beside them."""
    spans, titles, urls = places.spans, places.source_titles, places.source_urls
    span_starts, source_starts = places.span_starts, places.source_starts
    names: list[Any] = [None] * len(places)
    for row, pairs in places.other_names.items():
        names[row] = [list(pair) for pair in pairs]

    def when(row: int) -> str:
        first, end = span_starts[row], span_starts[row + 1]
        return spans_words(tuple(spans[first:end]), lang)

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
        **({"calendar": Rows(len(places), in_calendar)} if calendar != "gregorian" else {}),
    }


def group_small_layers(dataset: Dataset, limit: int = MAX_LAYERS) -> Dataset:
    """*dataset* with at most *limit* layers: past it, the smallest layers (by places; layers
    with movement paths are kept) are drawn as one last layer, "Other", with a warning that
    names how many. A mistaken layer field can make thousands of layers, which no legend or
    layer control can show."""
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
    other = Layer(key=key, label=f"Other ({len(grouped)} layers)", color=OTHER_COLOR,
                  order=last + 1)
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
) -> dict[str, Any]:
    """The map's data for mapgen.js, as assets/CONTRACT.md describes it. For a map that
    `packed` will pack, the points are already the binary columns it sends (`lon`, `lat`,
    `shapes`, not `geom`) and the popups columns (`info`), so no list or dict is made a
    place for them."""
    index = {layer.key: number for number, layer in enumerate(dataset.layers)}
    places = dataset.places
    drawn = (
        {**_positions(places), "info": _popup_columns(places, lang, calendar)}
        if len(places) >= PACK_MIN_PLACES
        else {"geom": _geometries(places), "info": _popups(places, lang, calendar)}
    )
    bounds: list[int | None] = []
    flags: list[int] = []
    quads: dict[int, tuple[int | None, ...]] = {}  # each distinct Span object's, made once
    bits: dict[int, int] = {}
    for span in places.spans:
        key = id(span)
        if key not in quads:
            quads[key] = (span.start_wide, span.start_narrow, span.end_narrow, span.end_wide)
            bits[key] = (
                FUZZY_START * bool(span.fuzzy_start)
                + FUZZY_END * bool(span.fuzzy_end)
                + ONGOING * bool(span.ongoing)
            )
        bounds += quads[key]
        flags.append(bits[key])
    moves = movements(dataset)
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
            "layer": [index[layer] for layer in places.layers],
            **drawn,
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
        **({"calendar": _calendar_axis(calendar, bounds)} if calendar != "gregorian" else {}),
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
# _popup's keys; with a calendar (build_map(calendar=)) a "calendar" column follows
INFO_KEYS = ("when", "names", "description", "precision", "sources")
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
    # The popups' texts travel as columns (null where a place has no such key), which gzip
    # compresses a quarter better than one object a place.
    texts = {"info": places["info"]}  # columns, from payload()
    # Streamed: the JSON text never exists whole, nor its UTF-8 copy (tens of MB each for a
    # large map). Compact JSON holds no newline: the head is one line, padded with spaces so
    # the binary columns that follow start at a multiple of 4 bytes (each is padded to one
    # too), then each deferred part on a line of its own. Level 4: at 100,000 places 0.07 s
    # more than level 1 and 14% smaller (the page is base64 of it: gzip over HTTP cannot help).
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=4, mtime=0) as stream:
        line = json.dumps(head, ensure_ascii=False, separators=(",", ":")).encode()
        stream.write(line + b" " * (-(len(line) + 1) % 4) + b"\n")
        for column in columns.values():
            raw = _little_endian(column)
            stream.write(raw + bytes(-len(raw) % 4))
        for number, (owner, key) in enumerate(deferred):
            stream.write(b"\n" if number else b"")
            _write_json(stream, texts[key] if key in texts else data[owner][key], depth=1)
    rest = {key: value for key, value in data.items() if key not in PACKED_KEYS}
    return {**rest, "packed": list(DEFERRED)}, base64.b64encode(buffer.getvalue()).decode("ascii")


_TYPES = {"B": "Uint8", "H": "Uint16", "i": "Int32", "d": "Float64"}  # typed array names


def _bounds(bounds: Sequence[float | None]) -> array:
    """Span bounds as Int32 day numbers, OPEN_BOUND where open (None or infinite); as Float64
    (open: -inf for a start, inf for an end) when a finite one does not fit in Int32."""
    known = list(filter(partial(is_not, None), bounds))  # in C: no Python call a bound
    if set(map(type, known)) <= {int} and (  # day numbers, as payload() gives them
        not known or (_INT32[0] < min(known) and max(known) <= _INT32[1])
    ):
        return array("i", [OPEN_BOUND if b is None else b for b in bounds])
    finite = [b for b in known if math.isfinite(b)]
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


def _write_json(stream: gzip.GzipFile, value: Any, depth: int) -> None:
    """Compact JSON of *value* into *stream*, the same bytes as json.dumps, one column at a
    time: objects down to *depth* are opened here, their members serialised one by one."""
    if isinstance(value, Rows):
        value = value[:] if len(value) <= _CHUNK else value
    if isinstance(value, (list, Rows)) and len(value) > _CHUNK:  # long: a slice at a time
        stream.write(b"[")
        for start in range(0, len(value), _CHUNK):
            text = json.dumps(value[start : start + _CHUNK], ensure_ascii=False,
                              separators=(",", ":"))
            stream.write((b"," if start else b"") + text[1:-1].encode())
        stream.write(b"]")
        return
    if depth == 0 or not isinstance(value, dict):
        stream.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())
        return
    stream.write(b"{")
    for number, (key, member) in enumerate(value.items()):
        stream.write((b"," if number else b"") + json.dumps(key).encode() + b":")
        _write_json(stream, member, depth - 1)
    stream.write(b"}")
