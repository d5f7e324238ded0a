"""Any vector format GDAL reads (GeoPackage, Shapefile, FlatGeobuf, GML, ...), through
geopandas with the pyogrio engine. KML has a reader of its own (:mod:`mapgen.read.kml`),
which keeps its dates as written; ``--input-format gdal`` still hands it to GDAL.

geopandas, pyogrio and shapely are imported inside the functions: importing mapgen (and
`mapgen --help`) must stay fast for people who never read such files.
"""

from __future__ import annotations

import datetime
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapgen.errors import DataError, Problem
from mapgen.fields import (
    Fields,
    Sample,
    columns_problem,
    dated_records,
    flat_properties,
    resolve_columns,
)
from mapgen.geometry import geometry_to_geojson
from mapgen.raw import RawCollection, RawFeature
from mapgen.rules import slugify

if TYPE_CHECKING:
    from mapgen.datetext import DateOptions

SUFFIXES = (
    ".gpkg",
    ".shp",
    ".shz",
    ".shp.zip",
    ".fgb",
    ".gml",
    ".gpx",
    ".sqlite",
    ".gdb.zip",
    ".tab",
    ".mif",
    ".geojsonl",
    ".geojsons",
)


def plain_value(value: Any) -> Any:
    """An attribute as a JSON-ready Python value: numpy scalars unwrapped, dates as ISO text,
    missing values (None, NaN, NaT) as None."""
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()  # numpy scalars and arrays (list fields)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if type(value).__name__ in ("NaTType", "NAType"):  # pandas' missing date and integer
        return None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return None
    return value


# Spaces that are not ASCII: GDAL's KML reader does not split coordinates at them, and reads
# "10,50<NBSP>11,51" as 10,50 then 0,51 (a path drawn to longitude 0, without a word).
_ODD_SPACE = re.compile("[\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
_COORDINATES = re.compile(r"<(?:\w+:)?coordinates\b[^>]*>([^<]*)<", re.IGNORECASE)


def kml_problems(path: Path, label: str) -> list[Problem]:
    """One problem for each line of a KML file whose coordinates are separated by a space
    that is not ASCII (a non-breaking space, pasted from a web page or a word processor)."""
    text = path.read_bytes().decode("utf-8", "replace")
    lines = {text.count("\n", 0, match.start(1)) + 1 for match in _COORDINATES.finditer(text)
             if _ODD_SPACE.search(match.group(1))}
    message = ("separated by a non-breaking (or other non-ASCII) space, which GDAL misreads as "
               "longitude 0; replace it with a plain space")
    return [Problem(label, message, f"line {line}", "coordinates") for line in sorted(lines)]


def read_gdal(
    path: Path | str, label: str, chosen: Fields, options: DateOptions | None = None
) -> RawCollection:
    """Every vector layer of a GDAL-readable file, reprojected to EPSG:4326 when it has
    another CRS (no CRS: taken as longitude/latitude). A feature without a layer field goes
    into a layer named after its GDAL layer; one without an id field is identified by its FID
    (in a file of several layers, by its layer's name as a slug and its FID: "the-places-3").
    Problems name the feature by FID ("feature 3"), and by layer when the file has several."""
    try:
        import geopandas
        import pyogrio
        from pyogrio.errors import DataLayerError, DataSourceError
    except ImportError as exc:  # pragma: no cover - geopandas is a dependency
        raise DataError([Problem(label, f"reading this format needs geopandas ({exc})")]) from None
    if isinstance(path, Path) and not path.exists():  # not a GDAL /vsi... path
        raise DataError([Problem(label, "no such file")])
    try:
        layers = [str(name) for name, kind in pyogrio.list_layers(path) if kind]
    except (DataSourceError, DataLayerError, OSError) as exc:
        reason = str(exc).split("; It might help")[0]  # GDAL's hint about driver prefixes
        raise DataError([Problem(label, f"GDAL cannot read it: {reason}")]) from None
    if not layers:
        raise DataError([Problem(label, "has no layer with geometries")])
    if isinstance(path, Path) and path.suffix.lower() == ".kml" and (
            found := kml_problems(path, label)):
        raise DataError(found)
    features: list[RawFeature] = []
    problems: list[Problem] = []
    for layer in layers:
        prefix = f"layer {layer!r}, " if len(layers) > 1 else ""
        try:
            frame = geopandas.read_file(path, layer=layer, engine="pyogrio", fid_as_index=True)
            if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
                frame = frame.to_crs("EPSG:4326")
        except Exception as exc:  # GDAL and PROJ raise many kinds; any is this file's fault
            where = f"layer {layer!r}" if prefix else ""
            problems.append(Problem(label, f"GDAL cannot read it: {exc}", where))
            continue
        geometry_column = frame.geometry.name
        columns = [str(c) for c in frame.columns if c != geometry_column]
        mapping, missing = resolve_columns(columns, chosen, required=("name",))
        records = [{str(k): plain_value(v) for k, v in record.items()}
                   for record in frame.drop(columns=geometry_column).to_dict("records")]
        problem = columns_problem(label, "fields", columns, chosen, mapping, missing,
                                  Sample(records))
        if problem:
            problems.append(Problem(label, problem.message, prefix.rstrip(", ")))
            continue
        where = f"{label}: layer {layer!r}" if prefix else label
        dates = dated_records(records, mapping, where, options, unit="field")
        for row, (fid, attributes, shape) in enumerate(
            zip(frame.index, records, frame.geometry, strict=True)
        ):
            fid = plain_value(fid)
            props, problems_found = flat_properties(attributes, mapping,
                                                    dates[row] if dates else None)
            if len(layers) > 1:  # no layer field, or an empty value: the GDAL layer's
                props.setdefault("layer", layer)
            features.append(
                RawFeature(
                    f"{prefix}feature {fid}",
                    props,
                    geometry_to_geojson(shape),
                    fallback_id=f"{slugify(layer, 'layer')}-{fid}" if prefix else fid,
                    field_problems=tuple(problems_found),
                )
            )
    if problems:
        raise DataError(problems)
    return RawCollection.of(label, features, default_layer=layers[0] if len(layers) == 1 else "")
