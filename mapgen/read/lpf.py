"""Linked Places Format (LPF, the World Historical Gazetteer's GeoJSON-LD) and the choice
between it and native GeoJSON for a JSON file. The EDTF ↔ LPF timespan mapping lives in
:mod:`mapgen.lpfcodec`, shared with the LPF writer, so reading and writing agree by construction.

An LPF feature maps onto mapgen's properties so:

==========================================  =================================================
LPF                                         mapgen
==========================================  =================================================
``@id``                                     ``id``
``properties.title`` (else the first name)  ``name``
``names[]`` with ``lang``                   ``name_<lang>`` (the first per language)
``names[]`` without ``lang`` (or ``und``)   ``name_und``: all but the title, joined by "; "
``properties.layer`` / ``types[0].label``   ``layer`` (or ``--layer-field``; with neither,
                                            the file's name: ``cities.lpf.json`` → cities)
``when.timespans[]`` (WHG: ``whens[]``)     ``when``, the same span once (see
                                            :func:`edtf_from_timespan`); none: undated
``descriptions[0].value``                   ``description`` (also ``properties.description``
                                            as a list of texts, joined by "; ")
``names[].citations[]``, ``links[]``        ``sources`` (http(s) ``@id``/``identifier`` only;
                                            ``doi:``, ``wd:``, ``tgn:``, ... are expanded)
``geometry`` (also a GeometryCollection,    ``geometry``; none: not located (a warning)
members given only as ``geowkt``)
a geometry's own ``when``                   the same in every geometry: the place's span if
                                            it has none; different: one place per geometry,
                                            ``<@id>#1``, ``#2``..., each in its own span (else
                                            the place's)
other ``properties``                        kept as extra properties
==========================================  =================================================

Besides ``.lpf.json``, ``.jsonld`` and JSON whose ``@context`` names Linked Places, LPF is
read from ``.lp.json`` and from JSON without a context whose features look like LPF's (an
``@id`` and a ``properties.title``, as Pelagios publishes them), and from JSON Lines
(``.jsonl``, one feature per line; problems name the line).

LPF cannot hold everything mapgen can (EDTF beyond dates with ``~ ? %``, line breaks in the
single-line text fields of its schema), so the writer also keeps the exact value in
``properties`` (``edtf``, ``name``, ``description``, ...) where LPF's own member would lose
something; the reader takes that copy only while it still agrees with the LPF member.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapgen.errors import DataError, MapgenNote, Problem
from mapgen.fields import (
    LANG,
    Fields,
    mapped_dates,
    missing_problem,
    rename,
    resolve_columns,
    unknown_fields,
    with_fields,
)
from mapgen.lpfcodec import flatten, short_bc_years, when_from_lpf
from mapgen.raw import RawCollection, RawFeature
from mapgen.read.geojson import (
    check_named,
    columns_named,
    features_from_json,
    file_layer,
    is_lpf,
    parse_json,
    property_keys,
    typed_collection,
)
from mapgen.read.text import mapped, read_text

if TYPE_CHECKING:
    from mapgen.datetext import DateOptions

# Compact identifiers the World Historical Gazetteer uses, expanded to web pages.
PREFIXES = {
    "doi": "https://doi.org/",
    "gn": "https://www.geonames.org/",
    "pl": "https://pleiades.stoa.org/places/",
    "tgn": "http://vocab.getty.edu/page/tgn/",
    "viaf": "https://viaf.org/viaf/",
    "wd": "https://www.wikidata.org/wiki/",
}


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


def _geometry_from_lpf(geometry: Any) -> tuple[Any, list[tuple[str, str]]]:
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
            member, found = _geometry_from_lpf(part)
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


def _description(feature: dict[str, Any], props: dict[str, Any]) -> str | None:
    """The first ``descriptions[].value``, else ``properties.description`` given as a list of
    texts (Pelagios' ``.lp.json``), joined by "; "."""
    descriptions = feature.get("descriptions")
    for item in descriptions if isinstance(descriptions, list) else []:
        if isinstance(item, dict) and isinstance(item.get("value"), str):
            return str(item["value"])
    listed = props.get("description")
    if isinstance(listed, list) and listed and all(isinstance(d, str) for d in listed):
        return "; ".join(listed)
    return None


def _other_names(toponyms: list[dict[str, Any]], title: Any) -> dict[str, str]:
    """``name_<lang>`` for the first toponym in each language; toponyms without a language
    (or with ``und``), other than the title, joined by "; " as ``name_und``."""
    out: dict[str, str] = {}
    undetermined: list[str] = []
    for name in toponyms:
        lang = name.get("lang")
        if lang in (None, "", "und"):
            if name["toponym"] != title:
                undetermined.append(name["toponym"])
        elif isinstance(lang, str) and LANG.fullmatch(f"name_{lang}"):
            out.setdefault(f"name_{lang}", name["toponym"])
    if undetermined:
        out["name_und"] = "; ".join(dict.fromkeys(undetermined))
    return out


def _lpf_properties(feature: dict[str, Any], bce: str) -> dict[str, Any]:
    """mapgen's properties for one LPF feature (before the field options); a feature with
    neither ``properties.layer`` nor a type has no layer (validation gives it the file's)."""
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
    when = feature.get("when") if "when" in feature else feature.get("whens")
    derived: dict[str, Any] = {
        "id": feature.get("@id"),
        "name": title,
        "layer": props.get("layer")
        or (first_type.get("label") if isinstance(first_type, dict) else None),
        "when": when_from_lpf(when, props.get("edtf"), bce),
        "description": _description(feature, props),
        "sources": _sources(names, feature.get("links")),
    }
    derived.update(_other_names(toponyms, title))
    record = {k: v for k, v in props.items() if k not in ("title", "edtf")}
    for key, value in derived.items():
        if value is None or value == "" or value == []:
            continue
        if key not in record or flatten(record[key]) != value:
            record[key] = value
    return record


def _members(geometry: Any) -> list[Any]:
    """A geometry's members (itself, unless a GeometryCollection); "null" members left out."""
    if not isinstance(geometry, dict):
        return []
    parts = geometry.get("geometries")
    if geometry.get("type") != "GeometryCollection" or not isinstance(parts, list):
        parts = [geometry]
    return [part for part in parts if part is not None and part != "null"]


def _dated_members(geometry: Any, bce: str) -> list[tuple[Any, list[str]]]:
    """A geometry's members with the spans of each one's own ``when``."""
    return [
        (part, when_from_lpf(part.get("when"), None, bce) if isinstance(part, dict) else [])
        for part in _members(geometry)
    ]


def _features(raw: RawFeature, feature: dict[str, Any], props: dict[str, Any], bce: str
              ) -> list[RawFeature]:
    """One LPF feature as raw features. Geometries with a ``when`` of their own keep it: when
    all say the same, an undated place takes it as its span; when they differ, each geometry
    becomes a place of its own ("<id>#1", "<id>#2", ... in geometry order), dated by its own
    ``when`` (else the place's), so no geometry shows outside its period."""
    members = _dated_members(feature.get("geometry"), bce)
    distinct = {tuple(spans) for _, spans in members}
    if len(distinct) <= 1:
        own = members[0][1] if members else []
        if own and not props.get("when"):
            props = {**props, "when": own}
        geometry, problems = _geometry_from_lpf(feature.get("geometry"))
        return [replace(raw, properties=props, geometry=geometry,
                        field_problems=(*raw.field_problems, *problems))]
    out = []
    for number, (member, spans) in enumerate(members, 1):
        geometry, problems = _geometry_from_lpf(member)
        part = {**props, "when": spans or props.get("when")}
        if isinstance(props.get("id"), str):
            part["id"] = f"{props['id']}#{number}"
        out.append(
            replace(
                raw,
                where=f"{raw.where} geometry {number}",
                properties={k: v for k, v in part.items() if v},
                geometry=geometry,
                field_problems=(*raw.field_problems, *problems),
            )
        )
    return out


def _say_bc_years(features: list[Any], label: str, bce: str) -> None:
    """A note naming how the file's short negative years ("-750") were read, once a file."""
    found = [value for feature in features if isinstance(feature, dict)
             for when in (feature.get("when", feature.get("whens")),
                          *(part.get("when") for part in _members(feature.get("geometry"))
                            if isinstance(part, dict)))
             for value in short_bc_years(when)]
    if not found:
        return
    how = ("astronomical, as ISO 8601 counts (0 is 1 BCE; --bce astronomical)"
           if bce == "astronomical" else
           "historical, as historians count: no year 0, so -750 is 750 BCE (--bce astronomical "
           "reads them as ISO 8601)")
    warnings.warn(MapgenNote(f"{label}: when: {len(found)} negative years without four "
                             f"digits, such as {found[0]!r}, read as {how}"), stacklevel=2)


def collection_from_lpf(
    doc: Any, label: str, chosen: Fields, wheres: list[str] | None = None,
    options: DateOptions | None = None,
) -> RawCollection:
    """An LPF FeatureCollection as raw features; problems are located like GeoJSON's
    ("feature 3 (id=...)"), or by *wheres* ("line 3"). A place may lack a geometry."""
    base, members = features_from_json(doc, label, wheres)
    features: list[RawFeature] = []
    bce = options.bce if options is not None else ""
    records = [None if raw.problem else _lpf_properties(feature, bce)
               for raw, feature in zip(base, doc["features"], strict=True)]
    _say_bc_years(doc["features"], label, bce)
    keys = dict.fromkeys(k for r in records if r is not None for k in r)  # any feature's
    unknown = unknown_fields(chosen, keys)
    if unknown:
        raise DataError([missing_problem(label, "properties", unknown, list(keys))])
    # a property some features lack is no value there, as an empty cell
    mappings = [resolve_columns(r, chosen, defaults=False)[0] if r is not None else {}
                for r in records]
    dates = mapped_dates(records, mappings, chosen, label, options)
    for raw, feature, record, mapping, row in zip(
        base, doc["features"], records, mappings, dates, strict=True
    ):
        if record is None:
            features.append(raw)
            continue
        props, date_problems = rename(record, mapping, row)
        located = replace(raw, fallback_id=feature.get("id"), field_problems=date_problems)
        features += _features(located, feature, props, bce)
    members = {k: v for k, v in members.items() if k != "@context"}
    return RawCollection.of(label, features, members, geometry_optional=True,
                            default_layer=file_layer(label))


def read_json(
    path: Path, label: str, chosen: Fields, kind: str | None = None,
    options: DateOptions | None = None,
) -> RawCollection:
    """A JSON file as native GeoJSON or as LPF: *kind* ("geojson", "lpf") when given, else
    LPF when it looks like LPF (:func:`is_lpf`)."""
    if kind != "lpf" and not chosen.given():
        with mapped(path) as view:
            typed = typed_collection(view, label) if view is not None else None
        if typed is not None and columns_named(typed.columns):
            return replace(typed, default_layer=file_layer(label))
    doc = parse_json(read_text(path, label), label)
    if kind == "lpf" or (kind is None and is_lpf(doc)):
        return collection_from_lpf(doc, label, chosen, options=options)
    features, members = features_from_json(doc, label)
    keys = property_keys(features)
    features = with_fields(features, chosen, label, options)
    check_named(features, label, chosen, keys)
    return RawCollection.of(label, features, members, default_layer=file_layer(label))


def read_json_lines(
    path: Path, label: str, chosen: Fields, options: DateOptions | None = None
) -> RawCollection:
    """JSON-Lines LPF: one feature per line (blank lines skipped); problems name the line."""
    features, lines = [], []
    for number, line in enumerate(read_text(path, label).splitlines(), 1):
        if not line.strip():
            continue
        try:
            features.append(parse_json(line, label))
        except DataError as error:
            message = error.problems[0].message.rsplit(" at line 1, column", 1)[0]
            raise DataError([Problem(label, message, f"line {number}")]) from None
        lines.append(f"line {number}")
    doc = {"type": "FeatureCollection", "features": features}
    return collection_from_lpf(doc, label, chosen, lines, options)
