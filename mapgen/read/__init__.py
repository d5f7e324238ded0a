"""Readers: each turns one input file into a RawCollection for validation."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from mapgen.defaults import DEFAULT_NAME
from mapgen.errors import DataError, Problem
from mapgen.read.geojson import read_geojson
from mapgen.read.raw import RawCollection, RawFeature

FORMATS = {".geojson": "geojson", ".json": "geojson"}

__all__ = ["RawCollection", "RawFeature", "default_source", "read"]


def default_source() -> Path:
    """The embedded default dataset, from the installed package or from a source checkout."""
    try:
        path = Path(str(resources.files("mapgen.mapdata") / f"{DEFAULT_NAME}.geojson"))
    except ModuleNotFoundError:
        path = Path(__file__).resolve().parents[2] / "mapdata" / f"{DEFAULT_NAME}.geojson"
    return path


def read(source: str | Path, format: str | None = None) -> RawCollection:
    """Read one source; the format comes from *format* or the file's suffix."""
    path = Path(source)
    label = path.name if path == default_source() else str(source)
    kind = format or FORMATS.get(path.suffix.lower())
    if kind == "geojson":
        return read_geojson(path, label)
    known = ", ".join(sorted(set(FORMATS.values())))
    raise DataError([Problem(label, f"unknown input format (known: {known}); use --format")])
