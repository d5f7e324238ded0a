"""KML and KMZ (Google Earth), read as the XML they are: each Placemark's name, description,
ExtendedData and geometry, and its ``<TimeStamp>`` and ``<TimeSpan>`` as the text they hold.

GDAL puts a TimeStamp and a TimeSpan in different fields (so one of them went unread), turns
``<when>2009</when>`` into nothing and ``2009-02`` into 1 February. Here ``when``, ``begin``
and ``end`` are date cells like any table's (:func:`mapgen.fields.read_dates`): a year stays a
year, a month a month, and a TimeSpan without an end is unbounded, as KML defines it. A
Placemark without a time of its own takes its Folder's or Document's (as Google Earth does).

The XML is parsed by defusedxml with no DTD allowed, so no entity (external or expanding)
is ever resolved; a KMZ is checked like any zip (:mod:`mapgen.read.archive`) before its KML
is read.
"""

from __future__ import annotations

import math
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapgen.errors import DataError, MapgenWarning, Problem
from mapgen.fields import (
    Fields,
    Sample,
    dated_records,
    flat_properties,
    hint,
    missing_problem,
    read_dates,
    resolve_columns,
)
from mapgen.raw import RawCollection, RawFeature
from mapgen.read.archive import check_archive
from mapgen.read.geojson import file_layer

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from mapgen.datetext import DateOptions

SUFFIXES = (".kml", ".kmz")
CONTAINERS = ("Document", "Folder")
TIMES = ("when", "begin", "end")  # what a TimeStamp and a TimeSpan hold, in that order
NAMES = {"when": "TimeStamp", "begin": "TimeSpan begin", "end": "TimeSpan end"}


def _local(tag: Any) -> str:
    """An element's name without its namespace (KML 2.0–2.2, gx:, none)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(element: Element, name: str) -> Element | None:
    return next((c for c in element if _local(c.tag) == name), None)


def _text(element: Element | None) -> str:
    """The text of an element and of every element inside it, trimmed ("" for none): a
    description written as XHTML inside the element reads as its words."""
    return "".join(element.itertext()).strip() if element is not None else ""


@dataclass(frozen=True)
class _Times:
    """A TimeStamp's ``when`` or a TimeSpan's ``begin``/``end``, as written (None: absent)."""

    when: str | None = None
    begin: str | None = None
    end: str | None = None


def _times(element: Element, inherited: _Times) -> _Times:
    """The time an element states itself (a TimeStamp, or a TimeSpan), else *inherited*. A
    TimeStamp whose date is written straight inside it, with no ``<when>``, is read too."""
    for child in element:
        kind = _local(child.tag)
        if kind == "TimeStamp":
            when = _child(child, "when")
            return _Times(when=_text(when) if when is not None else _text(child) or None)
        if kind == "TimeSpan":
            begin, end = _child(child, "begin"), _child(child, "end")
            return _Times(begin=_text(begin) or None if begin is not None else None,
                          end=_text(end) or None if end is not None else None)
    return inherited


def _placemarks(
    element: Element, layer: str, inherited: _Times
) -> Iterator[tuple[Element, str, _Times]]:
    """Every Placemark under *element* in document order, with its layer (its Folder's name,
    else its Document's: the layers GDAL made) and its time, its own or inherited."""
    for child in element:
        kind = _local(child.tag)
        if kind == "Placemark":
            yield child, layer, _times(child, inherited)
        elif kind in CONTAINERS:
            name = _text(_child(child, "name")) or layer
            yield from _placemarks(child, name, _times(child, inherited))
        elif kind == "kml":
            yield from _placemarks(child, layer, inherited)


def _coordinates(text: str, where: str) -> list[list[float]]:
    """``lon,lat[,alt]`` tuples separated by any white space (non-breaking spaces too, which
    GDAL read as one number); the altitude is dropped."""
    points = []
    for item in text.split():
        parts = item.split(",")
        try:
            x, y = float(parts[0]), float(parts[1])
        except (ValueError, IndexError):
            raise ValueError(f"{item!r} in {where} is not a longitude,latitude pair") from None
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ValueError(f"{item!r} in {where} is not a longitude,latitude pair")
        points.append([x, y])
    return points


def _ring(element: Element | None) -> list[list[float]]:
    ring = _child(element, "LinearRing") if element is not None else None
    return _coordinates(_text(_child(ring, "coordinates")), "a LinearRing") if ring is not None \
        else []


def _geometry(element: Element) -> dict[str, Any] | None:
    """A KML geometry as GeoJSON: Point, LineString, LinearRing (a line, as GDAL reads it),
    Polygon, gx:Track, and MultiGeometry / gx:MultiTrack of them (one kind: a Multi*, else a
    GeometryCollection). None for an element that is no geometry (a Style, a Model)."""
    kind = _local(element.tag)
    if kind in ("Point", "LineString", "LinearRing"):
        points = _coordinates(_text(_child(element, "coordinates")), f"a {kind}")
        if not points:
            raise ValueError(f"a {kind} without coordinates")
        if kind == "Point":
            return {"type": "Point", "coordinates": points[0]}
        return {"type": "LineString", "coordinates": points}
    if kind == "Polygon":
        rings = [_ring(_child(element, "outerBoundaryIs"))]
        rings += [_ring(c) for c in element if _local(c.tag) == "innerBoundaryIs"]
        if not rings[0]:
            raise ValueError("a Polygon without an outer boundary")
        return {"type": "Polygon", "coordinates": rings}
    if kind == "Track":
        text = " ".join(",".join(_text(c).split()) for c in element if _local(c.tag) == "coord")
        return {"type": "LineString", "coordinates": _coordinates(text, "a gx:Track")}
    if kind in ("MultiGeometry", "MultiTrack"):
        parts = [g for g in (_geometry(c) for c in element) if g is not None]
        kinds = {g["type"] for g in parts}
        if len(parts) == 1:
            return parts[0]
        if len(kinds) == 1 and kinds <= {"Point", "LineString", "Polygon"}:
            return {"type": f"Multi{parts[0]['type']}",
                    "coordinates": [g["coordinates"] for g in parts]}
        return {"type": "GeometryCollection", "geometries": parts} if parts else None
    return None


def _attributes(placemark: Element) -> dict[str, Any]:
    """A Placemark's own fields: its ``id``, name and description, and ExtendedData's
    ``Data``/``value`` and ``SchemaData``/``SimpleData`` by name."""
    out: dict[str, Any] = {}
    if placemark.get("id"):
        out["id"] = placemark.get("id")
    for name in ("name", "description"):
        if _text(_child(placemark, name)):
            out[name] = _text(_child(placemark, name))
    extended = _child(placemark, "ExtendedData")
    for item in extended.iter() if extended is not None else ():
        kind, key = _local(item.tag), item.get("name")
        if kind == "Data" and key:
            out.setdefault(key, _text(_child(item, "value")))
        elif kind == "SimpleData" and key:
            out.setdefault(key, _text(item))
    return out


def _document(path: Path, label: str) -> bytes:
    """The KML text of a .kml file, or of a KMZ's ``doc.kml`` (else its first .kml)."""
    if not path.exists():
        raise DataError([Problem(label, "no such file")])
    if path.suffix.lower() != ".kmz":
        return path.read_bytes()
    check_archive(path, label)
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.lower().endswith(".kml")]
        if not names:
            raise DataError([Problem(label, "holds no .kml document")])
        return archive.read("doc.kml" if "doc.kml" in names else names[0])


def _parse(data: bytes, label: str) -> Element:
    """The XML root, parsed with no DTD allowed (so no entity is ever expanded or fetched)."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise DataError([Problem(label, f"refused: {exc}")]) from None
    except ParseError as exc:
        raise DataError([Problem(label, f"not valid XML: {exc}")]) from None


def read_kml(
    path: Path, label: str, chosen: Fields, options: DateOptions | None = None
) -> RawCollection:
    """A KML or KMZ file: one feature per Placemark, in document order, its id the Placemark's
    ``id`` or else its number (1, 2, …); a Placemark with no geometry is not located. Without
    date field options, each Placemark's TimeStamp or TimeSpan is its date; with them, the
    ExtendedData fields they name are, and a KML time left unused is a warning."""
    root = _parse(_document(path, label), label)
    found = list(_placemarks(root, Path(label).name.split(".")[0] or "places", _Times()))
    records = [_attributes(placemark) for placemark, _, _ in found]
    columns = list(dict.fromkeys(k for record in records for k in record))
    mapping, missing = resolve_columns(columns, chosen, required=("name",) if found else ())
    if missing:
        suggestion = hint(["name"], columns, Sample(records))
        problem = missing_problem(label, "fields", missing, columns, suggestion)
        raise DataError([problem])
    named = chosen.when or chosen.start
    times = [times for _, _, times in found]
    if named:
        dates = dated_records(records, mapping, label, options, unit="field")
        unused = sum(1 for t in times if t != _Times())
        if unused:
            warnings.warn(MapgenWarning(
                f"{label}: the TimeStamp and TimeSpan dates of {unused:,} placemarks are not "
                f"used: the field options name {named!r} instead"), stacklevel=2)
    else:
        dates = _kml_dates(times, label, options)
    features = []
    for number, ((placemark, layer, _), record, row) in enumerate(
        zip(found, records, dates or [None] * len(found), strict=True), 1
    ):
        props, problems = flat_properties(record, mapping, row)
        props.setdefault("layer", layer)
        geometry = None
        for child in placemark:
            try:
                geometry = _geometry(child)
            except ValueError as exc:
                problems.append(("geometry", str(exc)))
                break
            if geometry is not None:
                break
        features.append(RawFeature(f"feature {number}", props, geometry,
                                   fallback_id=str(number), field_problems=tuple(problems)))
    return RawCollection.of(label, features, geometry_optional=True,
                            default_layer=file_layer(label))


def _kml_dates(times: list[_Times], label: str, options: DateOptions | None) -> list[Any]:
    """Each Placemark's dates from its TimeStamp (one date) or its TimeSpan (from its begin to
    its end; a missing one unbounded, as KML says), each of the three read as one column."""
    stamps = read_dates({"when": [t.when for t in times]}, {"when": NAMES["when"]}, label,
                        options, unit="element")
    spans = read_dates({"start": [t.begin for t in times], "end": [t.end for t in times]},
                       {"start": NAMES["begin"], "end": NAMES["end"]}, label, options,
                       convention="KML", unit="element")
    return [stamp if t.when is not None else span
            for t, stamp, span in zip(times, stamps, spans, strict=True)]
