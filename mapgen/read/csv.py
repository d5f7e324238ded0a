"""CSV and TSV input. A row is a flat record of text cells, mapped onto mapgen's properties
by :mod:`mapgen.fields` (dates as people write them, through :mod:`mapgen.datetext`); its
`sources` cells are read by :mod:`mapgen.cells`.

The World Historical Gazetteer's LP-TSV is recognised by its header and needs no options:
``title`` is the name, ``start``/``end`` the span, ``geowkt`` or ``lon``/``lat`` the geometry
(a row may have none: not located), ``variants`` (``;``-separated) other names without a
language (``name_und``); its other columns (``types``, ``ccodes``, ``matches``...) are kept."""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapgen.errors import DataError, MapgenWarning, Problem
from mapgen.fields import (
    LAT_NAMES,
    LON_NAMES,
    WKT_NAMES,
    Fields,
    Sample,
    columns_problem,
    coordinate,
    dated_records,
    find_column,
    flat_properties,
    resolve_columns,
)
from mapgen.raw import RawCollection, RawFeature
from mapgen.read.geojson import file_layer
from mapgen.read.text import read_text

if TYPE_CHECKING:
    from mapgen.datetext import DateOptions

MAX_CELL = 64 * 1024 * 1024  # a WKT cell of a detailed polygon outgrows csv's 128 KiB default


# --- CSV and TSV -----------------------------------------------------------------------------


def _delimiter(text: str, default: str) -> str:
    """The header's delimiter: *default*, unless the header has none of it but another."""
    header = text.split("\n", 1)[0]
    if default in header:
        return default
    return next((d for d in (",", "\t", ";") if d in header), default)


def geometry_from_cells(
    record: Mapping[str, str],
    lat: str | None,
    lon: str | None,
    wkt: str | None,
) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """A row's geometry from its wkt cell, or else its lat and lon cells, with the problems
    found on those fields. A row with none of them has no geometry and no problem (it is not
    located, a warning); half a position (a lat without its lon) is still a problem."""
    if wkt and record.get(wkt, ""):
        from mapgen.geometry import geometry_from_wkt

        try:
            return geometry_from_wkt(record[wkt]), []
        except ValueError as exc:
            return None, [("wkt", str(exc))]
    lat_cell, lon_cell = record.get(lat or "", ""), record.get(lon or "", "")
    if not lat_cell and not lon_cell:
        return None, []
    if lat is None or lon is None:
        return None, [("wkt", "is missing")]
    y, lat_problem = coordinate(lat_cell, 90)
    x, lon_problem = coordinate(lon_cell, 180)
    problems = [(f, p) for f, p in (("lat", lat_problem), ("lon", lon_problem)) if p]
    if problems or x is None or y is None:
        return None, problems
    return {"type": "Point", "coordinates": [x, y]}, []


def is_lp_tsv(columns: list[str]) -> bool:
    """A header in the World Historical Gazetteer's tabular Linked Places format (LP-TSV):
    ``id`` and ``title``, with ``start``/``end`` or ``title_source`` (or ``whg_pid``, as in
    the Gazetteer's dataset downloads)."""
    names = {c.casefold() for c in columns}
    markers = {"start", "end", "title_source", "whg_pid"}
    return {"id", "title"} <= names and bool(names & markers)


def lp_tsv_fields(columns: list[str], chosen: Fields) -> Fields:
    """LP-TSV's own column names as field options, where the user gave none: ``title`` is
    the name, ``start``/``end`` the span, ``geowkt`` the geometry."""
    has = {c.casefold() for c in columns}
    dated = chosen.when or chosen.start
    return replace(
        chosen,
        name=chosen.name or "title",
        start=chosen.start or ("start" if not dated and "start" in has else ""),
        end=chosen.end or ("end" if not dated and "start" in has and "end" in has else ""),
        wkt=chosen.wkt or ("geowkt" if "geowkt" in has else ""),
    )


def _geometry_columns(
    columns: list[str], chosen: Fields
) -> tuple[str | None, str | None, str | None, list[str]]:
    """The (lat, lon, wkt) columns, from the options or else by their usual names, and the
    options that name no column."""
    found: list[str | None] = []
    missing = []
    for key, names in (("lat", LAT_NAMES), ("lon", LON_NAMES), ("wkt", WKT_NAMES)):
        option = getattr(chosen, key)
        if option:
            column = find_column(columns, option)
            if column is None:
                missing.append(f"{option!r} (--{key}-field)")
        else:
            column = next((c for n in names if (c := find_column(columns, n))), None)
        found.append(column)
    lat, lon, wkt = found
    return lat, lon, wkt, missing


def _variants(cell: str) -> str:
    """An LP-TSV ``variants`` cell ("Marienburg;Malbork") as one other name without a
    language: the names joined by "; "."""
    return "; ".join(dict.fromkeys(v.strip() for v in cell.split(";") if v.strip()))


def header_names(label: str, columns: list[str]) -> list[str]:
    """A header's column names, each blank one named ``column_N`` after its place (from 1),
    with one warning naming them: a spreadsheet's unnamed columns, pandas' index."""
    taken = set(columns)
    named = [c or (f"column_{i}" if f"column_{i}" not in taken else "") for i, c in
             enumerate(columns, 1)]
    blank = [n for c, n in zip(columns, named, strict=True) if not c and n]
    if blank:
        what = "a column" if len(blank) == 1 else f"{len(blank)} columns"
        warnings.warn(f"{label}: {what} without a name in the header, called "
                      f"{', '.join(blank)}", MapgenWarning, stacklevel=2)
    return named


def read_csv(
    path: Path, label: str, chosen: Fields, delimiter: str = ",",
    options: DateOptions | None = None,
) -> RawCollection:
    """A CSV or TSV file; each problem names the physical line its row starts on (1 = the
    header), so a quoted cell spanning lines does not shift the numbers. Without an id column
    a row's id is its line ("line-7"); without a layer column (or with an empty cell) its
    layer is the file's name. An LP-TSV file needs no field options, and its rows may lack a
    geometry. Each date column is read as one (:func:`mapgen.fields.read_dates`), as
    *options* say where its cells leave a choice."""
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
    columns = header_names(label, [c.strip() for c in header])
    twice = [
        Problem(label, f"column {name!r} appears twice", f"line {header_line}")
        for name in sorted({c for c in columns if columns.count(c) > 1})
    ]
    lp_tsv = is_lp_tsv(columns)
    if lp_tsv:
        chosen = lp_tsv_fields(columns, chosen)
    lat, lon, wkt, missing = _geometry_columns(columns, chosen)
    variants = find_column(columns, "variants") if lp_tsv else None
    data_columns = [c for c in columns if c not in (lat, lon, wkt, variants)]
    mapping, missing_fields = resolve_columns(data_columns, chosen, required=("name",))
    sample = Sample(dict(zip(columns, row, strict=False)) for _, row in rows[1:])
    problem = columns_problem(label, "columns", columns, chosen, mapping,
                              missing + missing_fields, sample, None if lp_tsv else (lat, lon, wkt))
    if twice or problem:
        raise DataError([*twice, *([problem] if problem else [])])
    records: list[tuple[str, dict[str, str] | None, int]] = []  # where, cells or None, length
    for line, row in rows[1:]:
        extra = len(row) > len(columns) and any(cell.strip() for cell in row[len(columns) :])
        record = None if extra else {c: cell.strip() for c, cell in zip(columns, row, strict=False)}
        records.append((f"line {line}", record, len(row)))
    read = [record for _, record, _ in records if record is not None]
    dates = iter(dated_records(read, mapping, label, options,
                               convention="LP-TSV" if lp_tsv else "") or [None] * len(read))
    features = []
    for where, record, length in records:
        if record is None:
            problem = f"has {length} cells but the header has {len(columns)}"
            features.append(RawFeature(where, None, None, problem=problem))
            continue
        geometry, problems = geometry_from_cells(record, lat, lon, wkt)
        cells = {c: v for c, v in record.items() if c not in (lat, lon, wkt, variants)}
        props, date_problems = flat_properties(cells, mapping, next(dates))
        if "id" not in mapping:
            props["id"] = where.replace(" ", "-")
        if variants and record.get(variants):
            props.setdefault("name_und", _variants(record[variants]))
        features.append(
            RawFeature(where, props, geometry, field_problems=(*problems, *date_problems))
        )
    return RawCollection.of(label, features, geometry_optional=True,
                            default_layer=file_layer(label))
