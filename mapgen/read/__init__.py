"""Readers: each turns one input file into a RawCollection for validation."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mapgen.defaults import INPUT_FORMATS, default_source
from mapgen.errors import DataError, OptionError, Problem
from mapgen.fields import Fields
from mapgen.model import many_objects
from mapgen.raw import RawCollection, RawFeature
from mapgen.read.archive import VSIZIP, archive_of, check_archive
from mapgen.read.arrow import SUFFIXES as ARROW_SUFFIXES
from mapgen.read.arrow import read_arrow
from mapgen.read.csv import read_csv
from mapgen.read.gdal import SUFFIXES as GDAL_SUFFIXES
from mapgen.read.gdal import read_gdal
from mapgen.read.kml import SUFFIXES as KML_SUFFIXES
from mapgen.read.kml import read_kml

FORMATS = {".geojson": "geojson", ".json": "geojson"}
FORMATS.update({".lpf.json": "lpf", ".lpf.geojson": "lpf", ".jsonld": "lpf", ".lp.json": "lpf"})
FORMATS[".jsonl"] = "lpf"  # JSON-Lines LPF: one feature per line
FORMATS.update({".csv": "csv", ".tsv": "tsv"})
FORMATS.update(dict.fromkeys(GDAL_SUFFIXES, "gdal"))
FORMATS[".zip"] = "gdal"  # a zipped shapefile (or any GDAL file)
FORMATS.update(dict.fromkeys(KML_SUFFIXES, "kml"))  # Google Earth: its own reader
FORMATS.update(ARROW_SUFFIXES)  # GeoParquet, Parquet, Arrow IPC (Feather)
TABLES = ("csv", "tsv", "parquet", "arrow")  # formats with --wkt/--lat/--lon-field

if TYPE_CHECKING:
    from mapgen.datetext import DateOptions

__all__ = ["RawCollection", "RawFeature", "default_source", "read"]


def input_format(path: Path) -> str | None:
    """The format a file's name says; the longest matching suffix wins (".lpf.json")."""
    name = path.name.lower()
    matches = [suffix for suffix in FORMATS if name.endswith(suffix)]
    return FORMATS[max(matches, key=len)] if matches else None


@many_objects()  # a file read is millions of objects without a cycle: see model.py
def read(
    source: str | Path, format: str | None = None, fields: Fields | None = None,
    dates: DateOptions | None = None,
) -> RawCollection:
    """Read one source; the format comes from *format*, else the file's name (a JSON file
    whose @context names Linked Places, or whose features look like LPF's, is read as LPF).
    *fields* names the input fields that hold mapgen's properties (the --*-field options);
    *dates* decide what a file's date cells leave open (--bce, --date-precision, --date-format).
    A zip archive (``places.zip``, GDAL's ``/vsizip/archive.zip/inside.shp``) is checked
    before GDAL opens it."""
    path = Path(source)
    label = path.name if path == default_source() else str(source)
    kind = format or input_format(path)
    chosen = fields or Fields()
    table_geometry = [f"{{{key}_field}}" for key in ("wkt", "lat", "lon") if getattr(chosen, key)]
    if table_geometry and kind not in TABLES:
        where = "for CSV, TSV, Parquet and Arrow files only"
        raise OptionError.naming(f"{', '.join(table_geometry)}: {where}")
    if kind in ("geojson", "lpf"):
        from mapgen.read.lpf import read_json, read_json_lines  # loads edtf: only when reading

        if path.name.lower().endswith(".jsonl"):
            return read_json_lines(path, label, chosen, dates)
        return read_json(path, label, chosen, format or (kind if kind == "lpf" else None), dates)
    if kind in ("csv", "tsv"):
        return read_csv(path, label, chosen, "\t" if kind == "tsv" else ",", dates)
    if kind in ("parquet", "arrow"):
        return read_arrow(path, label, chosen, kind, dates)
    if kind == "kml":
        return read_kml(path, label, chosen, dates)
    if kind == "gdal":
        archive = archive_of(str(source))
        if archive is not None:
            check_archive(archive, label)
        return read_gdal(str(source) if str(source).startswith(VSIZIP) else path, label, chosen,
                         dates)
    known = ", ".join(sorted(INPUT_FORMATS))
    raise DataError([Problem(label, f"unknown input format (known: {known}); use --input-format")])
