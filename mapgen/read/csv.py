"""CSV and TSV input, and the flat-record mapping that GDAL attribute tables share with it.

A row is a flat record of text cells: `when` holds EDTF spans separated by ``;``, `sources`
holds ``title|url`` pairs separated by ``;``. Inside a pair a backslash escapes ``;``, ``|``
and itself, so titles may contain both; the writer in :mod:`mapgen.export.csv` uses the same
functions, so what one writes the other reads back unchanged.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from dataclasses import fields as dataclass_fields
from pathlib import Path
from typing import Any

from mapgen.errors import DataError, OptionError, Problem
from mapgen.read.raw import RawCollection, RawFeature
from mapgen.read.text import read_text

SPAN_SEPARATOR = ";"
SOURCE_SEPARATOR = ";"
PAIR_SEPARATOR = "|"
ESCAPE = "\\"
TEXT_KEYS = ("id", "name", "layer", "when", "description", "precision", "sources")
LAT_NAMES = ("lat", "latitude")
LON_NAMES = ("lon", "lng", "long", "longitude")
DATE_TIME = re.compile(r"(\d{4})[-/](\d{2})[-/](\d{2})(?:[ T].*)?")
MAX_CELL = 64 * 1024 * 1024  # a WKT cell of a detailed polygon outgrows csv's 128 KiB default


# --- escaping, shared with mapgen.export.csv -------------------------------------------------


def escape(text: str) -> str:
    """*text* with ``\\``, ``;`` and ``|`` escaped, for one part of a sources cell."""
    for char in (ESCAPE, SOURCE_SEPARATOR, PAIR_SEPARATOR):
        text = text.replace(char, ESCAPE + char)
    return text


def unescape(text: str) -> str:
    """Undo :func:`escape`; a backslash before any other character is kept as it is."""
    out: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == ESCAPE:
            following = next(chars, "")
            if following in (ESCAPE, SOURCE_SEPARATOR, PAIR_SEPARATOR):
                out.append(following)
            else:
                out.append(char + following)
        else:
            out.append(char)
    return "".join(out)


def split_unescaped(text: str, separator: str) -> list[str]:
    """Split at every *separator* not preceded by an escaping backslash; escapes are kept, so
    the parts can be split again before :func:`unescape`."""
    parts, current = [], []
    chars = iter(text)
    for char in chars:
        if char == ESCAPE:
            current.append(char + next(chars, ""))
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def format_sources(sources: Iterable[tuple[str, str]]) -> str:
    """(title, url) pairs as one cell: ``title|url;title|url``."""
    return SOURCE_SEPARATOR.join(
        f"{escape(title)}{PAIR_SEPARATOR}{escape(url)}" for title, url in sources
    )


def parse_sources(text: str) -> list[dict[str, str]]:
    """A sources cell as mapgen's ``[{"title", "url"}]``; a part without ``|`` is a bare URL,
    and a title may hold an unescaped ``|`` (the last one separates the URL)."""
    out = []
    for part in split_unescaped(text, SOURCE_SEPARATOR):
        if not part.strip():
            continue
        pieces = split_unescaped(part, PAIR_SEPARATOR)
        url = unescape(pieces[-1]).strip()
        title = unescape(PAIR_SEPARATOR.join(pieces[:-1])).strip()
        out.append({"title": title, "url": url} if title else {"url": url})
    return out


def split_spans(text: str) -> list[str]:
    """A when cell: EDTF spans separated by ``;`` (EDTF itself never uses ``;``)."""
    return [part.strip() for part in text.split(SPAN_SEPARATOR) if part.strip()]


# --- field mapping: which input field holds which mapgen property ----------------------------


@dataclass(frozen=True)
class Fields:
    """The --id-field ... --end-field options: input fields that hold mapgen's properties
    under other names. Empty means mapgen's own name (matched case-insensitively in CSV and
    GDAL inputs). With *start*, each feature's span is "start/end" (no end value: "start/..")."""

    id: str = ""
    name: str = ""
    layer: str = ""
    when: str = ""
    start: str = ""
    end: str = ""

    @classmethod
    def from_options(cls, **options: str | None) -> Fields:
        """Fields from keyword options named like the CLI's (``layer_field="kind"``)."""
        known = {f"{f.name}_field": f.name for f in dataclass_fields(cls)}
        unknown = sorted(set(options) - set(known))
        if unknown:
            raise OptionError(f"unknown option {unknown[0]!r} (known: {', '.join(sorted(known))})")
        chosen = cls(**{known[k]: (v or "").strip() for k, v in options.items()})
        if chosen.start and chosen.when:
            raise OptionError("use --when-field or --start-field/--end-field, not both")
        if chosen.end and not chosen.start:
            raise OptionError("--end-field needs --start-field")
        return chosen

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


# --- CSV and TSV -----------------------------------------------------------------------------


def _delimiter(text: str, default: str) -> str:
    """The header's delimiter: *default*, unless the header has none of it but another."""
    header = text.split("\n", 1)[0]
    if default in header:
        return default
    return next((d for d in (",", "\t", ";") if d in header), default)


def _coordinate(text: str, limit: float) -> tuple[float | None, str]:
    """A lat or lon cell: (value, "") or (None, why not)."""
    if not text:
        return None, "is missing (give lat and lon, or wkt)"
    try:
        value = float(text)
    except ValueError:
        hint = " (use a decimal point)" if "," in text else ""
        return None, f"{text!r} is not a number{hint}"
    if not math.isfinite(value):
        return None, f"{text!r} is not a finite number"
    if not -limit <= value <= limit:
        return None, f"{text} is outside -{limit:g}..{limit:g}"
    return value, ""


def geometry_from_cells(
    record: Mapping[str, str], lat: str | None, lon: str | None, wkt: str | None
) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """A row's geometry from its wkt cell, or else its lat and lon cells, with the problems
    found on those fields."""
    if wkt and record.get(wkt, ""):
        from mapgen.geometry import geometry_from_wkt

        try:
            return geometry_from_wkt(record[wkt]), []
        except ValueError as exc:
            return None, [("wkt", str(exc))]
    if lat is None or lon is None:
        return None, [("wkt", "is missing")]
    y, lat_problem = _coordinate(record.get(lat, ""), 90)
    x, lon_problem = _coordinate(record.get(lon, ""), 180)
    problems = [(f, p) for f, p in (("lat", lat_problem), ("lon", lon_problem)) if p]
    if problems or x is None or y is None:
        return None, problems
    return {"type": "Point", "coordinates": [x, y]}, []


def read_csv(path: Path, label: str, chosen: Fields, delimiter: str = ",") -> RawCollection:
    """A CSV or TSV file; each problem names the physical line its row starts on (1 = the
    header), so a quoted cell spanning lines does not shift the numbers."""
    text = read_text(path, label)
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL))
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_delimiter(text, delimiter), strict=True
    )
    rows: list[tuple[int, list[str]]] = []
    last = 0
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((last + 1, row))
            last = reader.line_num
    except csv.Error as exc:
        raise DataError(
            [Problem(label, f"not valid CSV: {exc}", where=f"line {reader.line_num}")]
        ) from None
    if not rows:
        raise DataError([Problem(label, "is empty: no header and no places")])
    header_line, header = rows[0]
    columns = [c.strip() for c in header]
    duplicates = sorted({c for c in columns if columns.count(c) > 1})
    if duplicates:
        raise DataError(
            [Problem(label, f"column {duplicates[0]!r} appears twice", f"line {header_line}")]
        )
    lat = next((c for n in LAT_NAMES if (c := find_column(columns, n))), None)
    lon = next((c for n in LON_NAMES if (c := find_column(columns, n))), None)
    wkt = find_column(columns, "wkt")
    mapping, missing = resolve_columns(
        [c for c in columns if c not in (lat, lon, wkt)],
        chosen,
        required=("id", "name", "layer", "when"),
    )
    if wkt is None and (lat is None or lon is None):
        absent = " and ".join(n for n, c in (("lat", lat), ("lon", lon)) if c is None)
        missing.append(f"{absent} (or wkt)")
    if missing:
        raise DataError([missing_problem(label, "columns", missing, columns)])
    features = []
    for line, row in rows[1:]:
        where = f"line {line}"
        if len(row) > len(columns) and any(cell.strip() for cell in row[len(columns) :]):
            problem = f"has {len(row)} cells but the header has {len(columns)}"
            features.append(RawFeature(where, None, None, problem=problem))
            continue
        record = {c: cell.strip() for c, cell in zip(columns, row, strict=False)}
        geometry, problems = geometry_from_cells(record, lat, lon, wkt)
        cells = {c: v for c, v in record.items() if c and c not in (lat, lon, wkt)}
        features.append(
            RawFeature(
                where, flat_properties(cells, mapping), geometry, field_problems=tuple(problems)
            )
        )
    return RawCollection(label, tuple(features))
