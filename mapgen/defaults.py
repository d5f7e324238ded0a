"""Defaults shared by the API and the CLI, in a module light enough for `mapgen --help`."""

from importlib import resources
from pathlib import Path

DEFAULT_TILES = "Esri.WorldGrayCanvas"  # light, neutral, no API key
# --input-format
INPUT_FORMATS = ("geojson", "lpf", "csv", "tsv", "kml", "gdal", "parquet", "arrow")
BCE_READINGS = ("historical", "astronomical")  # --bce: how negative years are read
DATE_PRECISIONS = ("day", "month", "year")  # --date-precision
DEFAULT_NAME = "pmoi-headquarters"  # the embedded dataset's file stem and default map name
VERSION = "0.1.0"  # the one place the version is written (pyproject reads it from here)


def default_source() -> Path:
    """The embedded default dataset, from the installed package or from a source checkout."""
    try:
        path = Path(str(resources.files("mapgen.mapdata") / f"{DEFAULT_NAME}.geojson"))
    except ModuleNotFoundError:
        path = Path(__file__).resolve().parents[1] / "mapdata" / f"{DEFAULT_NAME}.geojson"
    return path


def default_story() -> Path:
    """The embedded dataset's story: the headquarters' moves in a few steps (Markdown)."""
    return default_source().with_name(f"{DEFAULT_NAME}.story.md")
