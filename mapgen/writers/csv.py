"""CSV and TSV output in the layout :mod:`mapgen.read.csv` reads: one row per place, points
as lat/lon, other geometries as WKT, sources escaped by the reader's own functions.

A CSV holds places only: the collection's title, layer colours and named periods have no
place in it. Extra properties come back as text."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from mapgen.cells import SPAN_SEPARATOR, format_sources
from mapgen.errors import OutputError
from mapgen.model import Dataset, Place, property_text

LOCATION = ("lat", "lon", "wkt")
# OWASP's CSV injection advice: a cell a spreadsheet could run as a formula starts with one of
# these; a plain number (a longitude of -12.5) cannot be one and stays a number.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def _is_point(geometry: dict[str, Any]) -> bool:
    return geometry.get("type") == "Point" and len(geometry.get("coordinates", ())) == 2


def row(place: Place) -> dict[str, str]:
    """One place as CSV cells (only the columns it has a value for)."""
    cells = {"id": place.id, "name": place.name, "layer": place.layer}
    cells.update((f"name_{lang}", name) for lang, name in place.names)
    if _is_point(place.geometry):
        lon, lat = place.geometry["coordinates"]
        cells.update(lat=repr(lat), lon=repr(lon))
    else:
        from mapgen.geometry import wkt_from_geometry

        cells["wkt"] = wkt_from_geometry(place.geometry)
    cells["when"] = f"{SPAN_SEPARATOR} ".join(span.text for span in place.spans)
    cells["precision"] = place.precision
    cells["description"] = place.description
    cells["sources"] = format_sources((s.title, s.url) for s in place.sources)
    cells.update((key, property_text(value)) for key, value in place.extra)
    return cells


def spreadsheet_safe(cell: str) -> str:
    """*cell* prefixed with ``'`` when a spreadsheet would read it as a formula."""
    if cell.startswith(FORMULA_START) and not NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def dumps(dataset: Dataset, delimiter: str = ",", *, safe: bool = False) -> str:
    """*dataset*'s places as CSV (or TSV with ``delimiter="\\t"``), "\\n" line ends. With
    *safe*, cells a spreadsheet would run as formulas are prefixed (:func:`spreadsheet_safe`);
    without, every text is written exactly, so the file reads back the same."""
    places = dataset.places
    langs = sorted({lang for place in places for lang, _ in place.names})
    extras = sorted({key for place in places for key, _ in place.extra})
    clash = [key for key in extras if key in LOCATION]
    if clash:
        raise OutputError(
            f"cannot write CSV: a property is named {clash[0]!r}, a column that holds the "
            "geometry; export as GeoJSON or LPF instead"
        )
    columns = ["id", "name", *(f"name_{lang}" for lang in langs), "layer", "lat", "lon"]
    if not all(_is_point(place.geometry) for place in places):
        columns.append("wkt")
    columns.append("when")
    if any(place.precision for place in places):
        columns.append("precision")
    columns += ["description", "sources", *extras]
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=columns, delimiter=delimiter, lineterminator="\n", extrasaction="ignore"
    )
    writer.writeheader()
    rows = (row(place) for place in places)
    if safe:
        rows = ({k: spreadsheet_safe(v) for k, v in cells.items()} for cells in rows)
    writer.writerows(rows)
    return out.getvalue()
