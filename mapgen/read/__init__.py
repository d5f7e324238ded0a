"""Readers: each turns one input file into a RawCollection for validation."""

from __future__ import annotations

from pathlib import Path

from mapgen.defaults import default_source
from mapgen.errors import DataError, Problem
from mapgen.fields import Fields
from mapgen.raw import RawCollection, RawFeature
from mapgen.read.csv import read_csv
from mapgen.read.gdal import SUFFIXES as GDAL_SUFFIXES
from mapgen.read.gdal import read_gdal

FORMATS = {".geojson": "geojson", ".json": "geojson"}
FORMATS.update({".lpf.json": "lpf", ".lpf.geojson": "lpf", ".jsonld": "lpf"})
FORMATS.update({".csv": "csv", ".tsv": "tsv"})
FORMATS.update(dict.fromkeys(GDAL_SUFFIXES, "gdal"))

__all__ = ["RawCollection", "RawFeature", "default_source", "read"]


def input_format(path: Path) -> str | None:
    """The format a file's name says; the longest matching suffix wins (".lpf.json")."""
    name = path.name.lower()
    matches = [suffix for suffix in FORMATS if name.endswith(suffix)]
    return FORMATS[max(matches, key=len)] if matches else None


def read(
    source: str | Path, format: str | None = None, fields: Fields | None = None
) -> RawCollection:
    """Read one source; the format comes from *format*, else the file's name (a JSON file
    whose @context names Linked Places is read as LPF). *fields* names the input fields that
    hold mapgen's properties (the --*-field options)."""
    path = Path(source)
    label = path.name if path == default_source() else str(source)
    kind = format or input_format(path)
    chosen = fields or Fields()
    if kind in ("geojson", "lpf"):
        from mapgen.read.lpf import read_json  # loads edtf: only when reading

        return read_json(path, label, chosen, format or (kind if kind == "lpf" else None))
    if kind in ("csv", "tsv"):
        return read_csv(path, label, chosen, "\t" if kind == "tsv" else ",")
    if kind == "gdal":
        return read_gdal(path, label, chosen)
    known = ", ".join(sorted(set(FORMATS.values())))
    raise DataError([Problem(label, f"unknown input format (known: {known}); use --format")])
