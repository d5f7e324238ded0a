"""Field mapping, shared by every reader: which input field (CSV column, GDAL attribute, LPF
or GeoJSON property) holds which of mapgen's properties, and flat records turned into them.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from dataclasses import fields as dataclass_fields
from typing import Any

from mapgen.cells import parse_sources, split_spans
from mapgen.errors import OptionError, Problem
from mapgen.raw import RawCollection

TEXT_KEYS = ("id", "name", "layer", "when", "description", "precision", "sources")
LAT_NAMES = ("lat", "latitude")
LON_NAMES = ("lon", "lng", "long", "longitude")
DATE_TIME = re.compile(r"(\d{4})[-/](\d{2})[-/](\d{2})(?:[ T].*)?")
LANG = re.compile(r"name_[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")  # name_<BCP 47 tag>


@dataclass(frozen=True)
class Fields:
    """The --id-field ... --lon-field options: input fields that hold mapgen's properties
    under other names. Empty means mapgen's own name (matched case-insensitively in CSV and
    GDAL inputs). With *start*, each feature's span is "start/end" (no end value: "start/..")."""

    id: str = ""
    name: str = ""
    layer: str = ""
    when: str = ""
    start: str = ""
    end: str = ""
    wkt: str = ""  # a WKT geometry column (CSV, LP-TSV)
    lat: str = ""  # latitude and longitude columns
    lon: str = ""

    def __post_init__(self) -> None:
        for f in dataclass_fields(self):  # " name " → "name"; "" means mapgen's own name
            object.__setattr__(self, f.name, getattr(self, f.name).strip())
        if self.start and self.when:
            raise OptionError.naming("use {when_field} or {start_field}/{end_field}, not both")
        if self.end and not self.start:
            raise OptionError.naming("{end_field} needs {start_field}")

    def given(self) -> dict[str, str]:
        """The options actually set, by mapgen key."""
        names = (f.name for f in dataclass_fields(self))
        return {name: getattr(self, name) for name in names if getattr(self, name)}


def find_column(columns: Iterable[str], name: str) -> str | None:
    """*name* among *columns*: the exact name, or else the one column equal to it ignoring
    case (Shapefiles and KML often say ``NAME`` or ``Name``)."""
    columns = list(columns)
    if name in columns:
        return name
    folded = [c for c in columns if c.casefold() == name.casefold()]
    return folded[0] if len(folded) == 1 else None


def resolve_columns(
    columns: Iterable[str], chosen: Fields, *, required: Iterable[str] = (), defaults: bool = True
) -> tuple[dict[str, str], list[str]]:
    """Map mapgen keys (and "start"/"end") to input columns: ``({"name": "NAME", ...},
    missing)``. Options always count; with *defaults*, mapgen's own names are looked up too.
    *missing* names each required key or option that no column answers."""
    columns = list(columns)
    wanted = chosen.given()
    keys = [k for k in TEXT_KEYS if not (k == "when" and chosen.start)] + ["start", "end"]
    mapping: dict[str, str] = {}
    missing: list[str] = []
    for key in keys:
        option = wanted.get(key, "")
        if not option and (not defaults or key in ("start", "end")):
            continue
        column = find_column(columns, option or key)
        if column is not None:
            mapping[key] = column
        elif option:
            missing.append(f"{option!r} (--{key}-field)")
        elif key in required:
            missing.append(key)
    return mapping, missing


def date_text(value: Any) -> str:
    """A start or end value as EDTF text: dates and datetimes as ISO dates (the time of day
    is dropped: EDTF intervals join dates), whole numbers without ".0", and "1981/01/01
    00:00:00" (how Shapefiles hold dates) as 1981-01-01."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = plain_text(value)
    match = DATE_TIME.fullmatch(text)
    return "-".join(match.groups()) if match else text


def plain_text(value: Any) -> str:
    """A cell or attribute as text; whole floats (1981.0 from a numeric field) without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value).strip()


def span_text(start: Any, end: Any) -> str:
    """A start and an end value as one EDTF span: "start/end", an empty end "start/..", an
    empty start "../end", the same day once."""
    lo, hi = date_text(start), date_text(end)
    if not lo and not hi:
        return ""
    if lo == hi:
        return lo
    return f"{lo or '..'}/{hi or '..'}"


def rename(record: Mapping[str, Any], mapping: Mapping[str, str]) -> dict[str, Any]:
    """*record* with each mapped column under its mapgen key; "start"/"end" become "when"."""
    values = {key: record.get(column) for key, column in mapping.items()}
    out = {k: v for k, v in record.items() if k not in mapping.values()}
    if "start" in values:
        values["when"] = span_text(values.pop("start"), values.pop("end", None))
    out.update({k: v for k, v in values.items() if v is not None})
    return out


def with_fields(collection: RawCollection, chosen: Fields) -> RawCollection:
    """Native GeoJSON features with the field options applied to their properties."""
    if not chosen.given():
        return collection
    features = []
    for raw in collection.features:
        props = raw.properties
        if isinstance(props, dict):
            mapping, _ = resolve_columns(props, chosen, defaults=False)
            props = rename(props, mapping)
        features.append(replace(raw, properties=props))
    return replace(collection, features=tuple(features))


def flat_properties(record: Mapping[str, Any], mapping: Mapping[str, str]) -> dict[str, Any]:
    """A flat record (CSV row, GDAL attributes) as mapgen properties: mapped columns renamed,
    when and sources cells parsed, empty values left out (an empty cell is no value)."""
    props = rename(record, mapping)
    out: dict[str, Any] = {}
    for key, value in props.items():
        if key in TEXT_KEYS or key.startswith("name_"):
            value = plain_text(value)
        if value is None or value == "":
            continue
        if key == "when" and isinstance(value, str):
            value = split_spans(value)
        elif key == "sources" and isinstance(value, str):
            value = parse_sources(value)
        out[key] = value
    return out


def missing_problem(label: str, what: str, missing: list[str], columns: Iterable[str]) -> Problem:
    """One file-level problem for every missing column, listing the columns there are."""
    found = ", ".join(columns) or "none"
    return Problem(label, f"missing {what}: {', '.join(missing)} (the {what} are: {found})")
