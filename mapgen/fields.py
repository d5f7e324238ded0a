"""Field mapping, shared by every reader: which input field (CSV column, GDAL attribute, LPF
or GeoJSON property) holds which of mapgen's properties, and flat records turned into them.
"""

from __future__ import annotations

import math
import re
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from dataclasses import fields as dataclass_fields
from typing import Any

from mapgen.cells import parse_sources, split_spans
from mapgen.dates import DateError
from mapgen.errors import OptionError, Problem
from mapgen.raw import RawFeature

TEXT_KEYS = ("id", "name", "layer", "when", "description", "precision", "sources")
LAT_NAMES = ("lat", "latitude")
LON_NAMES = ("lon", "lng", "long", "longitude")
WKT_NAMES = ("wkt", "geowkt")
LANG = re.compile(r"name_[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")  # name_<BCP 47 tag>


@dataclass(frozen=True)
class Fields:
    """The --id-field ... --lon-field options: input fields that hold mapgen's properties
    under other names. Empty means mapgen's own name (matched case-insensitively in CSV and
    GDAL inputs). With *start*, each feature's span runs from its start value to its end value
    (:func:`mapgen.datetext.span_from_start_end`: without *end*, a lone start is one date; with
    *end*, an empty end value is ongoing). *wkt*, *lat* and *lon* name a table's geometry."""

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


FieldProblems = list[tuple[str, str]]


def when_values(value: Any) -> tuple[list[str], FieldProblems]:
    """A when cell or property as EDTF spans: text split at ``;``, a list taken item by item,
    a number or date as one value; each read by :func:`mapgen.datetext.edtf_from_value`
    ("c. 1850", 300, 1850.0). A value that is no date is a ``when[i]`` problem; the same span
    twice is kept once."""
    from mapgen.datetext import edtf_from_value

    if isinstance(value, str):
        items: list[Any] = split_spans(value)
    elif isinstance(value, list):
        items = value
    else:
        items = [] if value is None else [value]
    spans: list[str] = []
    problems: FieldProblems = []
    for i, item in enumerate(items):
        if isinstance(item, str) and not item.strip():
            continue
        try:
            spans.append(edtf_from_value(item))
        except DateError as exc:
            problems.append((f"when[{i}]", str(exc)))
    return list(dict.fromkeys(spans)), problems


def rename(
    record: Mapping[str, Any], mapping: Mapping[str, str]
) -> tuple[dict[str, Any], FieldProblems]:
    """*record* with each mapped column under its mapgen key, and the problems found on its
    dates. A mapped when value is read as dates people write (:func:`when_values`); a start
    and an end value become one span (:func:`mapgen.datetext.span_from_start_end`: without an
    end field a lone start is one date, an empty end cell is ongoing)."""
    from mapgen.datetext import span_from_start_end

    values = {key: record.get(column) for key, column in mapping.items()}
    out = {k: v for k, v in record.items() if k not in mapping.values()}
    problems: FieldProblems = []
    if "start" in values or "end" in values:
        start, end = values.pop("start", None), values.pop("end", None)
        try:
            span = span_from_start_end(start, end, end_given="end" in mapping)
        except DateError as exc:
            problems.append(("when", str(exc)))
            span = ""
        values["when"] = [span] if span else None
    elif "when" in values:
        spans, problems = when_values(values["when"])
        values["when"] = spans or None
    out.update({k: v for k, v in values.items() if v is not None})
    return out, problems


def with_fields(features: list[RawFeature], chosen: Fields) -> list[RawFeature]:
    """Native GeoJSON features with the field options applied to their properties."""
    if not chosen.given():
        return features
    out = []
    for raw in features:
        props, problems = raw.properties, []
        if isinstance(props, dict):
            mapping, _ = resolve_columns(props, chosen, defaults=False)
            props, problems = rename(props, mapping)
        out.append(replace(raw, properties=props, field_problems=(*raw.field_problems, *problems)))
    return out


def flat_properties(
    record: Mapping[str, Any], mapping: Mapping[str, str]
) -> tuple[dict[str, Any], FieldProblems]:
    """A flat record (CSV row, GDAL attributes) as mapgen properties, and the problems found
    on its dates: mapped columns renamed, each value read by :func:`flat_value`, empty values
    left out (an empty cell is no value)."""
    props, problems = rename(record, mapping)
    values = ((key, flat_value(key, value)) for key, value in props.items())
    return {key: value for key, value in values if value is not None}, problems


def flat_value(key: str, value: Any) -> Any:
    """One value of a flat record as the property *key*: mapgen's text properties and names
    as text, a sources cell parsed; None for an empty value."""
    if (key in TEXT_KEYS and key != "when") or key.startswith("name_"):
        value = plain_text(value)
    if value is None or value == "":
        return None
    if key == "sources" and isinstance(value, str):
        return parse_sources(value)
    return value


# Words in a column's name that make it look like one of mapgen's fields, for hints.
LOOKALIKES = {
    "name": ("title", "toponym", "label", "nom", "nombre", "titre", "placename", "site"),
    "when": ("date", "year", "start", "begin", "from", "début", "debut", "period", "jahr",
             "anno", "année", "annee", "after"),
    "lat": ("latitude", "lat"),
    "lon": ("longitude", "lon", "lng", "long"),
    "wkt": ("wkt", "geowkt"),
}
END_WORDS = ("end", "fin", "to", "until", "before")


def _words(column: str) -> set[str]:
    """The words of a column's name: "Date_début" → {"date", "début"}."""
    return set(re.split(r"[\W_]+", column.casefold())) - {""}


def lookalikes(key: str, columns: Iterable[str]) -> list[str]:
    """The columns whose name holds a word that means *key* ("Nom du site" for name,
    "year_after_which" for when, "geometry_wkt" for wkt), shortest name first."""
    words = {*LOOKALIKES[key], key}
    found = [
        c for c in columns
        if _words(c) & words or (key == "wkt" and any("wkt" in w for w in _words(c)))
    ]
    return sorted(found, key=lambda c: (len(_words(c)), c))


def dates_unnamed(mapping: Mapping[str, str], columns: Iterable[str]) -> bool:
    """True when no when (or start) field is mapped but a column looks like a date: the user
    has not named it yet, rather than the places being undated."""
    return "when" not in mapping and "start" not in mapping and bool(lookalikes("when", columns))


def _option(key: str, column: str) -> str:
    return f"--{key}-field {shlex.quote(column)}"


def hint(keys: Iterable[str], columns: Iterable[str]) -> str:
    """The field options that would name *keys* ("name", "when", "lat", ...) among
    *columns*, as "; did you mean --name-field title?", or "" when none looks right."""
    columns = list(columns)
    options = []
    for key in keys:
        found = lookalikes(key, columns)
        if not found:
            continue
        ends = [c for c in lookalikes("when", columns) if _words(c) & set(END_WORDS)]
        starts = [c for c in found if c not in ends]
        if key == "when" and starts and ends:
            options.append(f"{_option('start', starts[0])} {_option('end', ends[0])}")
        else:
            options.append(_option(key, found[0]))
    return f"; did you mean {' '.join(options)}?" if options else ""


def missing_problem(
    label: str, what: str, missing: list[str], columns: Iterable[str], suggestion: str = ""
) -> Problem:
    """One file-level problem for every missing column, listing the columns there are."""
    found = ", ".join(columns) or "none"
    return Problem(
        label, f"missing {what}: {', '.join(missing)}{suggestion} (the {what} are: {found})"
    )
