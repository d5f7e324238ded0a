"""Defaults shared by the API and the CLI, in a module light enough for `mapgen --help`."""

DEFAULT_TILES = "Esri.WorldGrayCanvas"  # light, neutral, no API key
DEFAULT_NAME = "pmoi-headquarters"  # the embedded dataset's file stem and default map name
VERSION = "0.1.0"  # the one place the version is written (pyproject reads it from here)
