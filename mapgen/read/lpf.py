"""Linked Places Format (LPF, the World Historical Gazetteer's GeoJSON-LD) and the choice
between it and native GeoJSON for a JSON file; also the EDTF ↔ LPF timespan mapping that the
LPF writer (:mod:`mapgen.export.lpf`) shares, so reading and writing agree by construction.

An LPF feature maps onto mapgen's properties so:

==========================================  =================================================
LPF                                         mapgen
==========================================  =================================================
``@id``                                     ``id``
``properties.title`` (else the first name)  ``name``
``names[]`` with ``lang``                   ``name_<lang>`` (the first per language)
``properties.layer`` / ``types[0].label``   ``layer`` (or ``--layer-field``; with neither,
                                            the file's name: ``cities.lpf.json`` → cities)
``when.timespans[]``                        ``when`` (see :func:`edtf_from_timespan`)
``descriptions[0].value``                   ``description``
``names[].citations[]``, ``links[]``        ``sources`` (http(s) ``@id``/``identifier`` only;
                                            ``doi:``, ``wd:``, ``tgn:``, ... are expanded)
``geometry`` (also a GeometryCollection,    ``geometry`` (no geometry-level ``when``: the
members given only as ``geowkt``)           feature-level ``when`` dates the place)
other ``properties``                        kept as extra properties
==========================================  =================================================

LPF cannot hold everything mapgen can (EDTF beyond dates with ``~ ? %``, line breaks in the
single-line text fields of its schema), so the writer also keeps the exact value in
``properties`` (``edtf``, ``name``, ``description``, ...) where LPF's own member would lose
something; the reader takes that copy only while it still agrees with the LPF member.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from mapgen.dates import DateError, iso_date, parse_span
from mapgen.read.csv import Fields, rename, resolve_columns, with_fields
from mapgen.read.geojson import collection_from_json, parse_json
from mapgen.read.raw import RawCollection, RawFeature
from mapgen.read.text import read_text
from mapgen.validate import LANG

CONTEXT = (
    "https://raw.githubusercontent.com/LinkedPasts/linked-places/master/"
    "linkedplaces-context-v1.1.jsonld"
)
SUFFIXES = (".lpf.json", ".lpf.geojson", ".jsonld")
# Compact identifiers the World Historical Gazetteer uses, expanded to web pages.
PREFIXES = {
    "doi": "https://doi.org/",
    "gn": "https://www.geonames.org/",
    "pl": "https://pleiades.stoa.org/places/",
    "tgn": "http://vocab.getty.edu/page/tgn/",
    "viaf": "https://viaf.org/viaf/",
    "wd": "https://www.wikidata.org/wiki/",
}
ISO_DATE = re.compile(r"-?\d{4}(?:-\d{2}(?:-\d{2})?)?[~?%]?")  # what LPF's "in" may hold
LINE_BREAK = re.compile(r"[\r\n\u2028\u2029]+")
QUALIFIERS = ("~", "?", "%")


# --- text LPF's schema accepts ---------------------------------------------------------------


def one_line(text: str) -> str:
    """*text* without line breaks: LPF's schema allows none in titles, toponyms, citation
    labels and description values (their pattern is ``^(.*)$``)."""
    return LINE_BREAK.sub(" ", text)


def flatten(value: Any) -> Any:
    """*value* with :func:`one_line` applied to every string in it."""
    if isinstance(value, str):
        return one_line(value)
    if isinstance(value, list):
        return [flatten(v) for v in value]
    if isinstance(value, dict):
        return {k: flatten(v) for k, v in value.items()}
    return value


# --- EDTF → LPF timespan ---------------------------------------------------------------------


def _split(text: str) -> tuple[str, str | None]:
    """An EDTF interval's two sections, or a single date and None."""
    if "/" in text:
        lo, hi = text.split("/", 1)
        return lo.strip(), hi.strip()
    return text.strip(), None


def _bound(section: str) -> dict[str, str]:
    """One EDTF date as an LPF start or end: ``in`` for what ISO 8601 with LPF's ``~ ? %``
    says, else ``earliest``/``latest`` from its widest reading ("198X": 1980-01-01 to
    1989-12-31)."""
    if ISO_DATE.fullmatch(section):
        return {"in": section}
    span = parse_span(section)
    out = {}
    if span.start_wide is not None:
        out["earliest"] = iso_date(span.start_wide)
    if span.end_wide is not None:
        out["latest"] = iso_date(span.end_wide)
    return out


def timespan(text: str) -> dict[str, Any]:
    """An EDTF date or interval as one LPF timespan.

    A date is a start alone (LPF: "the interval described by the start"); an interval has a
    start and an end. An open or unknown end ("2003/..", "2003/") is ``"end": {"in": null}``,
    the one null the schema allows; an open start ("../1986") is ``{"latest": <the end>}``:
    the place began no later than it ended."""
    lo, hi = _split(text)
    if hi is None:
        return {"start": _bound(lo)}
    end: dict[str, Any] = {"in": None} if hi in ("", "..") else _bound(hi)
    if lo in ("", ".."):
        last = end.get("in") or end.get("latest")
        start = {"latest": last} if last else {}
    else:
        start = _bound(lo)
    return {"start": start, "end": end}


# --- LPF timespan → EDTF ---------------------------------------------------------------------


def _date(value: Any) -> str | None:
    """An LPF date value as EDTF text: the time of day dropped, years padded to four digits
    ("676" → "0676", 1600 → "1600")."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:05d}" if value < 0 else f"{value:04d}"
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if "T" in text[4:]:
        text = text[: text.index("T", 4)]
    match = re.fullmatch(r"([+-]?)(\d+)(.*)", text)
    if match:
        sign, year, rest = match.groups()
        sign = "-" if sign == "-" else ""
        if len(year) > 4 and not rest:
            return f"Y{sign}{year}"
        text = f"{sign}{year.zfill(4)}{rest}"
    return text


def _section(bound: Any, *, start: bool) -> str:
    """An LPF start or end as one EDTF section. ``in`` is the date itself (null: open, "..").
    A range (``earliest`` ≠ ``latest``) is read the widest way, as mapgen reads ``~`` by
    default: a start from its earliest, an end to its latest, marked approximate (``~``); no
    earliest for a start, or no latest for an end, is open ("..")."""
    if not isinstance(bound, dict):
        return ".."
    if "in" in bound:
        return _date(bound["in"]) or ".."
    earliest, latest = _date(bound.get("earliest")), _date(bound.get("latest"))
    if earliest is not None and earliest == latest:
        return earliest
    edge = earliest if start else latest
    if edge is None:
        return ".."
    return edge if edge.endswith(QUALIFIERS) or edge.startswith("Y") else f"{edge}~"


def edtf_from_timespan(span: Any) -> str:
    """One LPF timespan as EDTF: ``in`` + ``in`` → "A/B"; a start alone → its date (or, for a
    range, "earliest~/latest~"); the same date twice → that date once."""
    if not isinstance(span, dict):
        return ""
    lo = _section(span.get("start"), start=True)
    hi = _section(span["end"] if "end" in span else span.get("start"), start=False)
    return lo if lo == hi else f"{lo}/{hi}"


def _same_timespan(text: Any, span: Any) -> bool:
    """True when *text* (mapgen's kept EDTF) still says what the LPF timespan says."""
    try:
        return isinstance(text, str) and timespan(text) == span
    except DateError:
        return False


def when_from_lpf(when: Any, kept: Any) -> list[str]:
    """EDTF strings for ``when.timespans``; each kept EDTF string (``properties.edtf``) wins
    over its timespan while the two agree."""
    spans = when.get("timespans") if isinstance(when, dict) else None
    if not isinstance(spans, list):
        return []
    kept = kept if isinstance(kept, list) else []
    return [
        kept[i] if i < len(kept) and _same_timespan(kept[i], span) else edtf_from_timespan(span)
        for i, span in enumerate(spans)
    ]


# --- features --------------------------------------------------------------------------------


def _url(identifier: Any) -> str | None:
    """A citation's or link's identifier as a web address, or None when it is none."""
    if not isinstance(identifier, str):
        return None
    identifier = identifier.strip()
    if identifier.startswith(("http://", "https://")):
        return identifier
    prefix, _, rest = identifier.partition(":")
    if rest and prefix.lower() in PREFIXES:
        return PREFIXES[prefix.lower()] + rest
    return None


def _sources(names: list[dict[str, Any]], links: Any) -> list[dict[str, str]]:
    """Sources from the names' citations (label → title), then from links whose address no
    citation has."""
    out: list[dict[str, str]] = []
    citations = [c for n in names for c in n.get("citations") or [] if isinstance(c, dict)]
    for citation in citations:
        url, label = _url(citation.get("@id")), citation.get("label")
        if url:
            out.append({"title": label, "url": url} if isinstance(label, str) else {"url": url})
    for link in links if isinstance(links, list) else []:
        url = _url(link.get("identifier")) if isinstance(link, dict) else None
        if url and all(source["url"] != url for source in out):
            out.append({"url": url})
    return out


def _geometry(geometry: Any) -> tuple[Any, list[tuple[str, str]]]:
    """An LPF geometry as GeoJSON: "null" members dropped, members given only as WKT
    (``geowkt``, ``geo_wkt``) converted."""
    if not isinstance(geometry, dict):
        return geometry, []
    parts = geometry.get("geometries")
    if geometry.get("type") == "GeometryCollection" and isinstance(parts, list):
        members, problems = [], []
        for part in parts:
            if part is None or part == "null":
                continue
            member, found = _geometry(part)
            members.append(member)
            problems += found
        collection = {"type": "GeometryCollection", "geometries": members}
        return (collection if members else None), problems
    wkt = geometry.get("geowkt") or geometry.get("geo_wkt")
    if "coordinates" not in geometry and isinstance(wkt, str):
        from mapgen.geometry import geometry_from_wkt

        try:
            return geometry_from_wkt(wkt), []
        except ValueError as exc:
            return None, [("geometry.geowkt", str(exc))]
    return geometry, []


def _lpf_properties(feature: dict[str, Any], default_layer: str) -> dict[str, Any]:
    """mapgen's properties for one LPF feature (before the field options); a feature with
    neither ``properties.layer`` nor a type goes into *default_layer*."""
    props = feature.get("properties")
    props = props if isinstance(props, dict) else {}
    names = feature.get("names")
    names = [n for n in names if isinstance(n, dict)] if isinstance(names, list) else []
    toponyms = [n for n in names if isinstance(n.get("toponym"), str)]
    title = props.get("title")
    if not isinstance(title, str) and toponyms:
        title = toponyms[0]["toponym"]
    types = feature.get("types")
    first_type = types[0] if isinstance(types, list) and types else None
    descriptions = feature.get("descriptions")
    description = next(
        (
            d["value"]
            for d in (descriptions if isinstance(descriptions, list) else [])
            if isinstance(d, dict) and isinstance(d.get("value"), str)
        ),
        None,
    )
    derived: dict[str, Any] = {
        "id": feature.get("@id"),
        "name": title,
        "layer": props.get("layer")
        or (first_type.get("label") if isinstance(first_type, dict) else None)
        or default_layer,
        "when": when_from_lpf(feature.get("when"), props.get("edtf")),
        "description": description,
        "sources": _sources(names, feature.get("links")),
    }
    if not derived["when"] and isinstance(feature.get("geometry"), dict):
        members = feature["geometry"].get("geometries")
        for member in members if isinstance(members, list) else []:
            if isinstance(member, dict):
                derived["when"] += when_from_lpf(member.get("when"), None)
    for name in toponyms:
        lang = name.get("lang")
        if isinstance(lang, str) and LANG.fullmatch(f"name_{lang}"):
            derived.setdefault(f"name_{lang}", name["toponym"])
    record = {k: v for k, v in props.items() if k not in ("title", "edtf")}
    for key, value in derived.items():
        if value is None or value == "" or value == []:
            continue
        if key not in record or flatten(record[key]) != value:
            record[key] = value
    return record


def collection_from_lpf(doc: Any, label: str, chosen: Fields) -> RawCollection:
    """An LPF FeatureCollection as raw features; problems are located like GeoJSON's
    ("feature 3 (id=...)")."""
    base = collection_from_json(doc, label)
    default_layer = Path(label).name.split(".")[0] or "places"
    features = []
    for raw, feature in zip(base.features, doc["features"], strict=True):
        if raw.problem:
            features.append(raw)
            continue
        record = _lpf_properties(feature, default_layer)
        mapping, missing = resolve_columns(record, chosen, defaults=False)
        geometry, problems = _geometry(feature.get("geometry"))
        problems += [("properties", f"has no {m}") for m in missing]
        features.append(
            RawFeature(
                raw.where,
                rename(record, mapping),
                geometry,
                fallback_id=feature.get("id"),
                field_problems=tuple(problems),
            )
        )
    members = {k: v for k, v in base.members.items() if k != "@context"}
    return RawCollection(label, tuple(features), members)


def is_lpf(doc: Any) -> bool:
    """A FeatureCollection whose JSON-LD ``@context`` names Linked Places."""
    if not isinstance(doc, dict) or "@context" not in doc:
        return False
    context = json.dumps(doc["@context"]).lower()
    return any(word in context for word in ("linkedplaces", "linked-places", "linkedpasts"))


def read_json(path: Path, label: str, chosen: Fields, kind: str | None = None) -> RawCollection:
    """A JSON file as native GeoJSON or as LPF: *kind* ("geojson", "lpf") when given, else
    LPF when its ``@context`` says so."""
    doc = parse_json(read_text(path, label), label)
    if kind == "lpf" or (kind is None and is_lpf(doc)):
        return collection_from_lpf(doc, label, chosen)
    return with_fields(collection_from_json(doc, label), chosen)
