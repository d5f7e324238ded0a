"""Tile features: what tippecanoe reads, one GeoJSON feature a line (GeoJSONSeq).

A place becomes one feature per span, each with the place's id, so a place with several
spans is several features that share it; an undated place is one feature marked ``u``. A
span's four bounds (`mapgen.dates.Span`) are integer day numbers (day 0 = 1970-01-01):

    sw  start_wide     the earliest day it may start
    sn  start_narrow   the earliest day it surely started
    en  end_narrow     the latest day it surely lasted to
    ew  end_wide       the latest day it may have lasted to

An open bound is a missing attribute, as OpenHistoricalMap writes its dates: no ``sw`` is a
start at −∞, no ``ew`` an end at +∞. The popup's texts ride along: ``name``, ``when`` (the
place's spans in words), ``description``, ``precision``, and ``sources`` and ``names`` as
JSON text (``[[title, url], …]``, ``[[lang, name], …]``), each only when the place has it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from json.encoder import encode_basestring

import msgspec

from mapgen.dates import Span, each_span_words, joined_words
from mapgen.model import Places

TIME_KEYS = ("sw", "sn", "en", "ew")
UNDATED = "u"
# Compact JSON: the very bytes of json.dumps(ensure_ascii=False, separators=(",", ":")),
# several times faster; a string alone quoted by json's own C function.
_ENCODE = msgspec.json.Encoder().encode
_quoted = encode_basestring


def span_properties(span: Span) -> dict[str, int]:
    """A span's bounds as tile attributes: an open bound left out."""
    bounds = (span.start_wide, span.start_narrow, span.end_narrow, span.end_wide)
    return {key: day for key, day in zip(TIME_KEYS, bounds, strict=True) if day is not None}


def when_words(places: Places, lang: str = "en") -> list[str]:
    """Each place's spans in words in *lang*, as its popup says them ("" for an undated
    place); each distinct span's words made once for the batch (`each_span_words`)."""
    said = each_span_words(places.spans, lang)
    return [joined_words(said[a:b], lang) for a, b in places.span_rows()]


def place_texts(places: Places, when: list[str]) -> list[str]:
    """What every feature of each place carries, as the members of a JSON object: its id and
    its popup's texts (*when*: its spans in words), each only when the place has it; a
    column's strings quoted at C speed (the very bytes json.dumps writes, ensure_ascii off)."""
    titles, urls, starts = places.source_titles, places.source_urls, places.source_starts
    other = places.other_names
    out = []
    for row, (pid, name, said, description, precision) in enumerate(zip(
            map(_quoted, places.ids), map(_quoted, places.names), when,
            places.descriptions, places.precisions, strict=True)):
        text = f'"id":{pid},"name":{name}'
        if said:
            text += f',"when":{_quoted(said)}'
        if description:
            text += f',"description":{_quoted(description)}'
        if precision:
            text += f',"precision":{_quoted(precision)}'
        first, end = starts[row], starts[row + 1]
        if end > first:
            pairs = _ENCODE(list(zip(titles[first:end], urls[first:end], strict=True))).decode()
            text += f',"sources":{_quoted(pairs)}'
        if row in other:
            text += f',"names":{_quoted(_ENCODE(other[row]).decode())}'
        out.append(text)
    return out


def feature_lines(places: Places, layers: list[int], when: list[str]
                  ) -> Iterator[tuple[int, int, str]]:
    """(place row, layer index, GeoJSONSeq line) of every feature of *places*, their layers'
    indices in *layers*, their spans in words in *when*. Each line carries its tile layer
    (``"tippecanoe": {"layer": "L3"}``) so a file may hold several; the place's texts are
    encoded once for all its spans."""
    spans, starts, lons, lats = places.spans, places.span_starts, places.lons, places.lats
    times: dict[int, str] = {}  # each distinct Span's attributes, written once
    for row, common in enumerate(place_texts(places, when)):
        layer = layers[row]
        if lons[row] is not None:
            geometry = f'{{"type":"Point","coordinates":[{lons[row]!r},{lats[row]!r}]}}'
        else:
            geometry = json.dumps(places.geometries[row], separators=(",", ":"))
        head = (f'{{"type":"Feature","tippecanoe":{{"layer":"L{layer}"}},'
                f'"geometry":{geometry},"properties":{{{common}')
        first, end = starts[row], starts[row + 1]
        if end == first:
            yield row, layer, f'{head},"{UNDATED}":1}}}}\n'
            continue
        for span in spans[first:end]:
            text = times.get(id(span))
            if text is None:
                text = times[id(span)] = "".join(
                    f',"{key}":{day}' for key, day in span_properties(span).items())
            yield row, layer, f"{head}{text}}}}}\n"


def mercator_cell(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The web-mercator tile (x, y) at *zoom* that holds a point: a spatial partition."""
    n = 1 << zoom
    lat = max(-85.0511, min(85.0511, lat))
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return min(n - 1, max(0, x)), min(n - 1, max(0, y))
