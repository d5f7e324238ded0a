"""CSV and TSV input. A row is a flat record of text cells, mapped onto mapgen's properties
by :mod:`mapgen.fields`; its `when` and `sources` cells are read by :mod:`mapgen.cells`."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mapgen.errors import DataError, Problem
from mapgen.fields import (
    LAT_NAMES,
    LON_NAMES,
    Fields,
    find_column,
    flat_properties,
    missing_problem,
    resolve_columns,
)
from mapgen.raw import RawCollection, RawFeature
from mapgen.read.text import read_text

MAX_CELL = 64 * 1024 * 1024  # a WKT cell of a detailed polygon outgrows csv's 128 KiB default


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
