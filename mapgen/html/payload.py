"""What the browser gets: the dataset once, compactly, as script-safe JSON.

Drawing data (ids, layers, coordinates, popup texts) and filter data (span bounds as day
numbers, flat) are kept apart, so any renderer can reuse the same filter.
"""

from __future__ import annotations

import json
from typing import Any

from mapgen.dates import spans_words
from mapgen.filter import Period
from mapgen.model import Dataset, Place
from mapgen.paths import movements

# Characters that could end a <script>, open an HTML comment, start a Jinja tag or break a
# JavaScript string: written as \uXXXX escapes, which JSON and JavaScript read back unchanged.
_SCRIPT_UNSAFE = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    ord("{"): "\\u007b",
    ord("}"): "\\u007d",
    ord("'"): "\\u0027",
    ord("`"): "\\u0060",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def script_json(value: Any) -> str:
    """JSON that is safe inside <script>, inert to template engines and deterministic."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # Escape braces inside strings only; structural braces never form "{{", "{%" or "{#".
    out = []
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            out.append(ch.translate(_SCRIPT_UNSAFE) if ch in "{}" else ch)
        else:
            in_string = ch == '"'
            out.append(ch)
    return "".join(out).translate(
        {k: v for k, v in _SCRIPT_UNSAFE.items() if k not in (ord("{"), ord("}"))}
    )


def _geometry(place: Place) -> Any:
    geom = place.geometry
    if geom["type"] == "Point":
        return [round(float(geom["coordinates"][0]), 6), round(float(geom["coordinates"][1]), 6)]
    return geom


def _popup(place: Place) -> dict[str, Any]:
    info: dict[str, Any] = {"w": spans_words(place.spans)}
    if place.names:
        info["n"] = [list(pair) for pair in place.names]
    if place.description:
        info["d"] = place.description
    if place.precision:
        info["p"] = place.precision
    if place.sources:
        info["s"] = [[s.title, s.url] for s in place.sources]
    return info


def payload(
    dataset: Dataset,
    *,
    period: Period | None = None,
    strict: bool = False,
    title: str | None = None,
) -> dict[str, Any]:
    """The map's data for mapgen.js."""
    keys = [layer.key for layer in dataset.layers]
    places = dataset.places
    offsets = [0]
    bounds: list[int | None] = []
    fuzzy: list[int] = []
    for place in places:
        for span in place.spans:
            bounds += [span.start_wide, span.start_narrow, span.end_narrow, span.end_wide]
            fuzzy.append(int(span.fuzzy_start) + 2 * int(span.fuzzy_end) + 4 * span.ongoing)
        offsets.append(len(fuzzy))
    moves = movements(dataset)
    return {
        "title": title or dataset.title,
        "description": dataset.description,
        "attribution": dataset.attribution,
        "period": period.label() if period and not period.unbounded else "",
        "window": [period.start, period.end] if period and not period.unbounded else None,
        "strict": strict,
        "layers": [
            {"key": layer.key, "label": layer.label, "color": layer.color, "path": layer.path}
            for layer in dataset.layers
        ],
        "places": {
            "id": [p.id for p in places],
            "name": [p.name for p in places],
            "layer": [keys.index(p.layer) for p in places],
            "geom": [_geometry(p) for p in places],
            "info": [_popup(p) for p in places],
        },
        "time": {
            "offsets": offsets,
            "bounds": bounds,
            "flags": fuzzy,
            "text": [s.text for p in places for s in p.spans],
        },
        "moves": [
            [keys.index(m.layer), m.origin, m.destination, m.day_from, m.day_to] for m in moves
        ],
    }
