"""GeoParquet and Arrow IPC (Feather) input, read column by column with pyarrow: the natural
format for a million places, with no JSON text to parse.

The geometry column is the one the file's ``geo`` metadata names as primary (GeoParquet, and
what geopandas writes to Feather), or else a column tagged as GeoArrow (``geoarrow.wkb``,
``geoarrow.point``); WKB is decoded by shapely in one vectorised call, GeoArrow points are
read as x and y arrays. A CRS other than longitude/latitude is reprojected to EPSG:4326, as
the GDAL reader does. A table without a geometry column is read like a CSV: ``lat``/``lon``
columns (or ``--lat-field``/``--lon-field``) or a WKT column. Other columns are mapped by
:mod:`mapgen.fields`, so dates, ``when`` lists and start/end columns of any type (integers,
text, dates, timestamps) are read as in every other table.

Problems name a row by its position from 0, as pandas (``iloc``) and DuckDB's ``OFFSET``
count them: ``row 0`` is the first. pyarrow, pyproj and shapely are imported
inside the functions: importing mapgen (and ``mapgen --help``) must stay fast.
"""

from __future__ import annotations

import datetime
import decimal
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapgen.errors import DataError, Problem
from mapgen.fields import (
    SAMPLE_ROWS,
    FieldProblems,
    Fields,
    Sample,
    columns_problem,
    flat_properties,
    flat_value,
    plain_text,
    read_dates,
    resolve_columns,
)
from mapgen.geometry import geometry_to_geojson
from mapgen.raw import COLUMN_KEYS, RawCollection, RawColumns, RawFeature
from mapgen.read.csv import _geometry_columns, geometry_from_cells
from mapgen.read.gdal import plain_value
from mapgen.read.geojson import file_layer

if TYPE_CHECKING:
    import pyarrow
    import pyarrow.dataset

    from mapgen.datetext import DateOptions

SUFFIXES = {
    ".parquet": "parquet",
    ".geoparquet": "parquet",
    ".arrow": "arrow",
    ".feather": "arrow",
    ".arrows": "arrow",  # the IPC stream format
    ".ipc": "arrow",
}
GEOARROW = {"geoarrow.wkb": "WKB", "ogc.wkb": "WKB", "geoarrow.point": "point"}
LONLAT = ("EPSG:4326", "OGC:CRS84")
TEXT_TYPES = ("string", "large_string", "string_view")


@dataclass(frozen=True)
class Columns:
    """A table as plain Python lists, one per column: what validation reads, before any
    per-row object exists. Positions are *x* and *y* (NaN where a row has none) when every
    geometry is a point, the common case of a large table; else *shapes* holds them."""

    rows: int
    mapping: dict[str, str]  # mapgen key → attribute column (:func:`resolve_columns`)
    values: dict[str, list[Any]]  # attribute column → its values, JSON-ready
    problems: dict[int, list[tuple[str, str]]]  # row → (field, message) found reading it
    x: list[float] | None = None
    y: list[float] | None = None
    shapes: list[dict[str, Any] | None] | None = None  # GeoJSON, when not all are points
    first: int = 0  # the number of row 0 in messages and default ids: a batch starts later

    def geometry(self, row: int) -> dict[str, Any] | None:
        """Row *row*'s GeoJSON geometry; None where it is missing or unreadable."""
        if self.shapes is not None or self.x is None or self.y is None:
            return self.shapes[row] if self.shapes is not None else None
        x, y = self.x[row], self.y[row]
        return {"type": "Point", "coordinates": [x, y]} if x == x and y == y else None


@dataclass(frozen=True)
class GeometryColumn:
    name: str
    encoding: str  # "WKB" or "point" (GeoArrow)
    crs: Any  # PROJJSON, a CRS string, or None for longitude/latitude


def _open(path: Path, label: str, kind: str) -> pyarrow.Table:
    """The whole table; one DataError line when the file is missing or not of *kind*."""
    import pyarrow
    import pyarrow.ipc
    import pyarrow.parquet

    if not path.exists():
        raise DataError([Problem(label, "no such file")])
    failures = (pyarrow.ArrowException, OSError, ValueError)
    try:
        if kind == "parquet":
            return pyarrow.parquet.ParquetFile(path).read()  # read_table would load pandas
        try:
            return pyarrow.ipc.open_file(path).read_all()
        except failures as exc:  # not the file format: perhaps the stream format (.arrows)
            try:
                return pyarrow.ipc.open_stream(path).read_all()
            except failures:
                raise exc from None
    except failures as exc:
        what = "a Parquet file" if kind == "parquet" else "an Arrow IPC (Feather) file"
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError([Problem(label, f"not {what} mapgen can read ({reason})")]) from None


def _geo(table: pyarrow.Table, label: str) -> dict[str, Any]:
    """The GeoParquet ``geo`` metadata (geopandas writes it to Feather too), or {}."""
    meta = table.schema.metadata or {}
    if b"geo" not in meta:
        return {}
    try:
        geo = json.loads(meta[b"geo"])
        primary = geo["primary_column"]
        if not isinstance(geo["columns"][primary], dict):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise DataError([Problem(label, "its 'geo' metadata is not GeoParquet's")]) from None
    if primary not in table.column_names:
        raise DataError([Problem(label, f"its 'geo' metadata names no column {primary!r}")])
    return geo


def _geometry_column(table: pyarrow.Table, geo: dict[str, Any]) -> GeometryColumn | None:
    """The primary geometry column the ``geo`` metadata names, or else the first GeoArrow
    column; None for a plain table. GeoParquet without a ``crs`` means OGC:CRS84."""
    if geo:
        name = geo["primary_column"]
        column = geo["columns"][name]
        return GeometryColumn(name, str(column.get("encoding", "WKB")),
                              column.get("crs", "OGC:CRS84"))
    for field in table.schema:
        tags = field.metadata or {}
        encoding = GEOARROW.get(tags.get(b"ARROW:extension:name", b"").decode("utf-8", "replace"))
        if encoding:
            try:
                crs = json.loads(tags.get(b"ARROW:extension:metadata") or b"{}").get("crs")
            except (ValueError, AttributeError):
                crs = None
            return GeometryColumn(field.name, encoding, crs)
    return None


def _not_attributes(geo: dict[str, Any], geometry: GeometryColumn | None) -> set[str]:
    """Columns that are no place attribute: every geometry column, the bounding-box columns
    GeoParquet 1.1 "covering" names, pandas' named index."""
    skipped = {geometry.name} if geometry else set()
    for name, column in geo.get("columns", {}).items():
        skipped.add(name)
        covering = column.get("covering") if isinstance(column, dict) else None
        bbox = covering.get("bbox") if isinstance(covering, dict) else None
        if isinstance(bbox, dict):
            skipped.update(str(ref[0]) for ref in bbox.values() if isinstance(ref, list) and ref)
    return skipped


def _transformer(crs: Any, label: str) -> Any:
    """A pyproj transformer from *crs* to longitude/latitude, or None when *crs* already is
    (OGC:CRS84 or EPSG:4326, in either axis order) or is not given."""
    ident = crs.get("id") if isinstance(crs, dict) else None
    named = f"{ident.get('authority')}:{ident.get('code')}" if isinstance(ident, dict) else crs
    if crs is None or (isinstance(named, str) and named.upper() in LONLAT):
        return None  # the common case, without loading PROJ
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        source = CRS.from_user_input(crs)
    except (CRSError, TypeError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError([Problem(label, f"its CRS is not one PROJ reads ({reason})")]) from None
    if any(source.equals(lonlat, ignore_axis_order=True) for lonlat in LONLAT):
        return None
    return Transformer.from_crs(source, "EPSG:4326", always_xy=True)


def _geometries(
    table: pyarrow.Table, column: GeometryColumn, label: str
) -> tuple[
    list[dict[str, Any] | None] | None, dict[int, list[tuple[str, str]]], list[float] | None,
    list[float] | None,
]:
    """Every row's geometry in longitude/latitude: as x/y lists when every geometry is a
    point, else as GeoJSON; and the rows whose geometry could not be read."""
    import numpy
    import pyarrow.compute
    import shapely

    data = table.column(column.name).combine_chunks()
    nulls = data.is_null().to_numpy(zero_copy_only=False)
    transformer = _transformer(column.crs, label)
    problems: dict[int, list[tuple[str, str]]] = {}
    if column.encoding == "point":
        try:
            xs, ys = (
                pyarrow.compute.cast(
                    pyarrow.compute.struct_field(data, [i])
                    if pyarrow.types.is_struct(data.type)
                    else pyarrow.compute.list_element(data, i),
                    "float64",
                ).to_numpy(zero_copy_only=False)
                for i in (0, 1)
            )
        except (pyarrow.ArrowException, ValueError, TypeError):
            message = f"column {column.name!r} is not GeoArrow points"
            raise DataError([Problem(label, message)]) from None
        xs, ys = numpy.where(nulls, numpy.nan, xs), numpy.where(nulls, numpy.nan, ys)
        if transformer is not None:
            xs, ys = transformer.transform(xs, ys)
        return None, problems, numpy.asarray(xs).tolist(), numpy.asarray(ys).tolist()
    if column.encoding.upper() != "WKB":
        message = (f"geometry column {column.name!r} is encoded as {column.encoding!r}; "
                   "mapgen reads WKB and GeoArrow points")
        raise DataError([Problem(label, message)])
    try:
        shapes = shapely.from_wkb(data.to_numpy(zero_copy_only=False), on_invalid="ignore")
    except (TypeError, ValueError, shapely.errors.ShapelyError):
        raise DataError([Problem(label, f"column {column.name!r} is not WKB")]) from None
    for row in numpy.flatnonzero(shapely.is_missing(shapes) & ~nulls).tolist():
        problems[row] = [("geometry", "is not valid WKB")]
    if transformer is not None:
        shapes = shapely.transform(shapes, transformer.transform, interleaved=False)
    kinds = shapely.get_type_id(shapes)
    if bool(numpy.all((kinds == 0) | (kinds == -1))) and not shapely.has_z(shapes).any():
        empty = shapely.is_empty(shapes) | (kinds == -1)
        xs = numpy.where(empty, numpy.nan, shapely.get_x(shapes))
        ys = numpy.where(empty, numpy.nan, shapely.get_y(shapes))
        return None, problems, xs.tolist(), ys.tolist()
    return [geometry_to_geojson(s) for s in shapes.tolist()], problems, None, None


def _cell_geometries(
    values: dict[str, list[Any]], rows: int, lat: str | None, lon: str | None, wkt: str | None
) -> tuple[list[float], list[float], dict[int, Any], dict[int, list[tuple[str, str]]]]:
    """Geometries from lat/lon or WKT columns: numeric coordinates in range are x and y at
    once (NaN elsewhere); any other row (a WKT cell, text, a missing or out-of-range value) is
    read as the CSV reader reads its cells, so its problems are worded the same. Returns x, y,
    the geometries of those other rows, and their problems."""
    import numpy

    xs = ys = numpy.full(rows, numpy.nan)
    fast = numpy.zeros(rows, dtype=bool)
    if lat and lon:
        ys, xs = (numpy.array([v if type(v) in (int, float) else math.nan for v in values[c]],
                              dtype=float) for c in (lat, lon))
        fast = (numpy.isfinite(xs) & numpy.isfinite(ys) & (numpy.abs(ys) <= 90)
                & (numpy.abs(xs) <= 180))
        if wkt:
            fast &= numpy.array([not plain_text(v) for v in values[wkt]], dtype=bool)
    others: dict[int, Any] = {}
    problems: dict[int, list[tuple[str, str]]] = {}
    for row in numpy.flatnonzero(~fast).tolist():
        cells = {c: plain_text(values[c][row]) for c in (lat, lon, wkt) if c}
        others[row], found = geometry_from_cells(cells, lat, lon, wkt)
        if found:
            problems[row] = found
    x, y = numpy.where(fast, xs, numpy.nan).tolist(), numpy.where(fast, ys, numpy.nan).tolist()
    return x, y, others, problems


def _json_ready(kind: pyarrow.DataType) -> bool:
    """True for a type whose Python values are JSON-ready as pyarrow gives them: text,
    booleans, integers, and lists and structs of those."""
    import pyarrow.types as types

    if types.is_dictionary(kind):
        return _json_ready(kind.value_type)
    if types.is_list(kind) or types.is_large_list(kind) or types.is_fixed_size_list(kind):
        return _json_ready(kind.value_type)
    if types.is_struct(kind):
        return all(_json_ready(kind.field(i).type) for i in range(kind.num_fields))
    return str(kind) in TEXT_TYPES or types.is_boolean(kind) or types.is_integer(kind)


def _values(table: pyarrow.Table, name: str, label: str) -> list[Any]:
    """One column as JSON-ready Python values (:func:`_json_value`). Text repeated down the
    column (layers, types) is one string object, however many rows hold it."""
    import pyarrow.compute

    column = table.column(name)
    kind = column.type.value_type if pyarrow.types.is_dictionary(column.type) else column.type
    count_distinct = pyarrow.compute.count_distinct
    try:
        if str(column.type) in TEXT_TYPES and count_distinct(column).as_py() <= len(column) // 2:
            encoded = column.combine_chunks().dictionary_encode()
            distinct = [*encoded.dictionary.to_pylist(), None]  # None for null cells
            indices = encoded.indices.fill_null(len(distinct) - 1).to_pylist()
            return [distinct[i] for i in indices]
        values = column.to_pylist()
    except (pyarrow.ArrowException, ValueError, OverflowError) as exc:
        message = f"column {name!r} holds values Python cannot represent ({exc})"
        raise DataError([Problem(label, message)]) from None
    return values if _json_ready(kind) else [_json_value(v) for v in values]


def _json_value(value: Any) -> Any:
    """A value pyarrow gives as what JSON holds: structs, maps and lists item by item,
    decimals as floats, times of day and durations as text, the rest by
    :func:`mapgen.read.gdal.plain_value` (dates as ISO text, NaN as None, bytes dropped)."""
    if isinstance(value, dict):  # pyarrow's own, changed in place: no second copy
        for key, item in value.items():
            value[key] = _json_value(item)
        return value
    if isinstance(value, list):
        value[:] = [_json_value(v) for v in value]
        return value
    if isinstance(value, tuple):  # a map's (key, value) pair
        return [_json_value(v) for v in value]
    if isinstance(value, decimal.Decimal):
        value = float(value)
    elif isinstance(value, (datetime.time, datetime.timedelta)):
        return str(value)
    return plain_value(value)


def _sources(value: Any) -> Any:
    """A list of sources (``{title, url}`` structs or bare URLs) as mapgen's
    ``[{"title", "url"}]``, missing members left out; a text cell as it is, for
    :func:`mapgen.fields.flat_properties` to read."""
    if not isinstance(value, list):
        return value
    for i, item in enumerate(value):
        if isinstance(item, dict):  # pyarrow's own, changed in place: no second copy
            for key in [k for k, v in item.items() if v is None]:
                del item[key]
        else:
            value[i] = {"url": plain_text(item)}
    return value


def _head(table: pyarrow.Table) -> Iterator[dict[str, Any]]:
    """The first rows of *table* as JSON-ready dicts, made only when first asked for."""
    yield from (_json_value(row) for row in table.slice(0, SAMPLE_ROWS).to_pylist())


def read_columns(path: Path, label: str, chosen: Fields, kind: str) -> Columns:
    """The table at *path* as :class:`Columns`, its attribute columns mapped to mapgen's
    keys by the field options. One DataError line, naming the file, for a file
    that is not Parquet/Arrow, a geometry mapgen cannot read, or missing columns (with the
    options that would name them)."""
    return table_columns(_open(path, label, kind), label, chosen)


def table_columns(table: pyarrow.Table, label: str, chosen: Fields, first: int = 0) -> Columns:
    """:func:`read_columns` of a table already open: a whole file, or a batch of a larger
    one whose row 0 is row *first* of the source."""
    geo = _geo(table, label)
    geometry_column = None if (chosen.lat or chosen.lon or chosen.wkt) else (
        _geometry_column(table, geo))
    skipped = _not_attributes(geo, geometry_column)
    columns = [c for c in table.column_names
               if c not in skipped and not c.startswith("__index_level_")]
    lat = lon = wkt = None
    missing: list[str] = []
    if geometry_column is None:
        lat, lon, wkt, missing = _geometry_columns(columns, chosen)
    data_columns = [c for c in columns if c not in (lat, lon, wkt)]
    mapping, missing_fields = resolve_columns(data_columns, chosen, required=("name",))
    sample = Sample(_head(table.select(columns)))
    problem = columns_problem(label, "columns", columns, chosen, mapping, missing + missing_fields,
                              sample, None if geometry_column else (lat, lon, wkt),
                              ", or a GeoParquet geometry")
    if problem:
        raise DataError([problem])
    values = {name: _values(table, name, label) for name in columns}
    if "sources" in mapping:
        values[mapping["sources"]] = [_sources(v) for v in values[mapping["sources"]]]
    if geometry_column is not None:
        shapes, problems, x, y = _geometries(table, geometry_column, label)
        return Columns(table.num_rows, mapping, values, problems, x, y, shapes, first)
    x, y, others, problems = _cell_geometries(values, table.num_rows, lat, lon, wkt)
    for name in (lat, lon, wkt):
        values.pop(name or "", None)
    columns = Columns(table.num_rows, mapping, values, problems, x, y, first=first)
    if all(g is None or (g["type"] == "Point" and len(g["coordinates"]) == 2)
           for g in others.values()):
        for row, g in others.items():  # a point from text cells, or WKT
            x[row], y[row] = g["coordinates"] if g else (math.nan, math.nan)
        return columns
    shapes = [others[r] if r in others else columns.geometry(r) for r in range(table.num_rows)]
    return replace(columns, x=None, y=None, shapes=shapes)


class _Rows:
    """A table's rows one at a time as RawFeatures, its date columns read as one
    (:func:`mapgen.fields.read_dates`)."""

    def __init__(self, table: Columns, label: str, options: DateOptions | None = None) -> None:
        self.table = table
        mapping = table.mapping
        dated = {k: c for k, c in mapping.items() if k in ("when", "start", "end")}
        if "start" in dated:
            dated.pop("when", None)
        self.others = {k: c for k, c in mapping.items() if k not in dated}
        self.names = [n for n in table.values if n not in dated.values()]
        self.read = read_dates({k: table.values[c] for k, c in dated.items()}, dated, label,
                               options) if dated else None

    def dates(self, row: int) -> tuple[dict[str, Any], FieldProblems]:
        """``({"when": [...]}`` or ``{}``, the problems found on the row's dates)."""
        if self.read is None:
            return {}, []
        spans, problems = self.read[row]
        return ({"when": spans} if spans else {}), problems

    def feature(self, row: int) -> RawFeature:
        """Row *row* as a RawFeature, located as "row N" (from 0)."""
        table, mapping = self.table, self.table.mapping
        record = {n: table.values[n][row] for n in self.names}
        sources = mapping.get("sources")
        listed = record.pop(sources) if sources and type(record.get(sources)) is list else None
        props, _ = flat_properties(record, self.others)
        dates, date_problems = self.dates(row)
        props.update(dates)
        if listed:
            props["sources"] = listed
        if "id" not in mapping:
            props["id"] = f"row-{table.first + row}"
        found = (*table.problems.get(row, ()), *date_problems)
        return RawFeature(f"row {table.first + row}", props, table.geometry(row),
                          field_problems=found)


def _raw_columns(rows: _Rows) -> RawColumns | None:
    """The table as columns, a column at a time, when it holds mapgen's own fields only (no
    other attribute, no ``name_<lang>``) and points; a row the reader already found a
    problem in (dates, geometry) is added as read (`_Rows.feature`). Each value is what
    :func:`mapgen.fields.flat_value` makes of it, as for a row."""
    table, mapping = rows.table, rows.table.mapping
    if table.x is None or table.y is None or set(table.values) - set(mapping.values()):
        return None
    if not mapping.keys() - {"start", "end"} <= COLUMN_KEYS:
        return None

    def values(key: str) -> list[Any]:
        found = table.values.get(mapping.get(key, ""))
        if found is None:
            return [None] * table.rows
        if key == "sources":  # a list of sources is taken as it is
            return [(v or None) if type(v) is list else flat_value(key, v) for v in found]
        return [flat_value(key, v) for v in found]

    columns = RawColumns(
        values("id") if "id" in mapping else [
            f"row-{table.first + row}" for row in range(table.rows)],
        values("name"), values("layer"), [], values("description"), values("precision"),
        values("sources"), table.x, table.y, unit="row", first=table.first,
    )
    for row, (x, y) in enumerate(zip(table.x, table.y, strict=True)):
        dates, problems = rows.dates(row)
        columns.whens.append(dates.get("when"))
        if problems or row in table.problems or x != x or y != y:
            columns.put(row, rows.feature(row))
    return columns


def read_arrow(
    path: Path, label: str, chosen: Fields, kind: str, options: DateOptions | None = None
) -> RawCollection:
    """A GeoParquet, Parquet or Arrow IPC file as a RawCollection: a column at a time when
    it holds mapgen's own fields and points (:func:`_raw_columns`), else row by row. Without an id
    column a row's id is its position ("row-0"); without a layer column (or with an empty
    value) its layer is the file's name. A list of sources is taken as it is."""
    return _collection(read_columns(path, label, chosen, kind), label, options)


def arrow_batches(path: Path, label: str, chosen: Fields, kind: str, rows: int,
                  options: DateOptions | None = None) -> Iterator[RawCollection]:
    """A Parquet or Arrow IPC file, or a folder of them (a partitioned dataset, its files in
    name order), as RawCollections of at most *rows* rows each, read through
    ``pyarrow.dataset``: a table of any length in the memory of one batch. Rows are numbered
    across the whole source ("row 1200345"), as :func:`read_arrow` numbers a file's."""
    import pyarrow

    if not path.exists():
        raise DataError([Problem(label, "no such file or folder")])
    try:
        dataset = _dataset(path, kind)
        first = 0
        for batch in _scan(dataset, kind, rows):
            if not batch.num_rows:
                continue
            table = pyarrow.Table.from_batches([batch]).replace_schema_metadata(
                dataset.schema.metadata)
            collection = _collection(table_columns(table, label, chosen, first), label,
                                     options)
            first += batch.num_rows
            yield collection
    except (pyarrow.ArrowException, OSError, ValueError) as exc:
        what = "Parquet" if kind == "parquet" else "Arrow IPC (Feather)"
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError([Problem(label, f"not {what} mapgen can read ({reason})")]) from None


def _scan(dataset: pyarrow.dataset.Dataset, kind: str, rows: int,
          columns: list[str] | None = None) -> Iterator[pyarrow.RecordBatch]:
    """The batches of *dataset* (*columns* only, when given), at most *rows* rows each, a
    Parquet row group at a time. Scanned whole, with one batch of read ahead asked for,
    pyarrow still read row groups ahead of a slow reader: 450 MB of a 10,000,000-place file
    while mapgen checked its first nine batches, against a row group's worth this way."""
    for fragment in dataset.get_fragments():
        for piece in fragment.split_by_row_group() if kind == "parquet" else [fragment]:
            yield from piece.to_batches(schema=dataset.schema, columns=columns,
                                        batch_size=rows, batch_readahead=1,
                                        fragment_readahead=1)


def count_rows(path: Path, kind: str) -> int:
    """The rows of a Parquet or Arrow IPC file or folder, from its metadata; 0 for one that
    cannot be read (reading it says why)."""
    import pyarrow

    try:
        return _dataset(path, kind).count_rows()
    except (pyarrow.ArrowException, OSError, ValueError):
        return 0


def _dataset(path: Path, kind: str) -> pyarrow.dataset.Dataset:
    """A file, or every file of a folder but hidden ones ("_SUCCESS"), in name order."""
    import pyarrow.dataset

    files = sorted(str(p) for p in path.rglob("*") if p.is_file()
                   and not p.name.startswith((".", "_"))) if path.is_dir() else [str(path)]
    return pyarrow.dataset.dataset(files, format="parquet" if kind == "parquet" else "ipc")


def _collection(table: Columns, label: str, options: DateOptions | None) -> RawCollection:
    """A table's rows as a RawCollection: a column at a time when it holds mapgen's own fields
    and points (:func:`_raw_columns`), else row by row."""
    rows = _Rows(table, label, options)
    columns = _raw_columns(rows)
    if columns is None:
        columns = RawColumns.of(map(rows.feature, range(table.rows)), unit="row",
                                first=table.first)
    return RawCollection(label, columns, geometry_optional=True, default_layer=file_layer(label))


def arrow_ids(path: Path, label: str, chosen: Fields, kind: str, rows: int, defaults: bool
              ) -> Iterator[list[Any]]:
    """The ids of :func:`arrow_batches`' rows, *rows* at a time, read from the id column
    alone; without one, the ids the rows are given ("row-0", ...) when *defaults*, else
    nothing (a source's own row numbers never repeat)."""
    dataset = _dataset(path, kind)
    # read ahead by one batch only, here too: pyarrow's default read ahead for one row took
    # 566 MB of 10,000,000 places' file, and the id column's pass then peaked at 1.2 GB
    mapping = table_columns(dataset.head(1, batch_readahead=1, fragment_readahead=1), label,
                            chosen).mapping
    if "id" not in mapping:
        if defaults:
            yield [f"row-{n}" for n in range(dataset.count_rows())]
        return
    for batch in _scan(dataset, kind, rows, [mapping["id"]]):
        yield batch.column(0).to_pylist()
