"""Geometry helpers shared by readers, writers and renderers: GeoJSON ⇄ shapely ⇄ WKT, and
the bounds of a set of GeoJSON geometries.

shapely is imported inside the functions that need it: `mapgen --help` must stay fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mapgen.model import Places

Bounds = tuple[float, float, float, float]  # min lon, min lat, max lon, max lat


def positions(geometry: dict[str, Any]) -> Iterator[tuple[float, float]]:
    """Every [lon, lat] position of a GeoJSON geometry, collections included."""
    if geometry.get("type") == "GeometryCollection":
        for part in geometry.get("geometries", ()):
            yield from positions(part)
        return
    stack = [geometry.get("coordinates")]
    while stack:
        coords = stack.pop()
        if isinstance(coords, list) and coords and isinstance(coords[0], (int, float)):
            yield float(coords[0]), float(coords[1])
        elif isinstance(coords, list):
            stack.extend(coords)


def bounds(geometries: Iterable[dict[str, Any]]) -> Bounds | None:
    """The lon/lat box around *geometries*, or None when they hold no position: the one
    bounds function the HTML map and the static render both frame their view with."""
    lo_x = lo_y = float("inf")
    hi_x = hi_y = float("-inf")
    for geometry in geometries:
        for x, y in positions(geometry):
            lo_x, hi_x = min(lo_x, x), max(hi_x, x)
            lo_y, hi_y = min(lo_y, y), max(hi_y, y)
    if lo_x == float("inf"):
        return None
    return lo_x, lo_y, hi_x, hi_y


def places_bounds(places: Places) -> Bounds | None:
    """`bounds` of every place, Points read straight from their columns."""
    box = bounds(geometry for geometry in places.geometries if geometry is not None)
    lons = [lon for lon in places.lons if lon is not None]
    if not lons:
        return box
    lats = [lat for lat in places.lats if lat is not None]
    points = (float(min(lons)), float(min(lats)), float(max(lons)), float(max(lats)))
    if box is None:
        return points
    return (min(box[0], points[0]), min(box[1], points[1]), max(box[2], points[2]),
            max(box[3], points[3]))


def to_lists(value: Any) -> Any:
    """shapely's mapping() uses tuples; mapgen's geometries (like JSON's) use lists."""
    if isinstance(value, (list, tuple)):
        return [to_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: to_lists(v) for k, v in value.items()}
    return value


def geometry_to_geojson(shape: Any) -> dict[str, Any] | None:
    """A shapely geometry as a GeoJSON geometry dict, or None when it is missing or empty."""
    if shape is None or shape.is_empty:
        return None
    from shapely.geometry import mapping

    geometry = to_lists(mapping(shape))
    if geometry.get("type") == "LinearRing":
        geometry["type"] = "LineString"
    return geometry


def geometry_from_wkt(text: str) -> dict[str, Any]:
    """WKT text (a CSV wkt cell, an LPF geowkt) as a GeoJSON geometry; ValueError says why
    it cannot be one."""
    import shapely.wkt
    from shapely.errors import ShapelyError

    try:
        shape = shapely.wkt.loads(text)
    except (ShapelyError, ValueError, TypeError) as exc:
        raise ValueError(f"not WKT: {exc}") from None
    geometry = geometry_to_geojson(shape)
    if geometry is None:
        raise ValueError("is an empty geometry")
    return geometry


def wkt_from_geometry(geometry: dict[str, Any]) -> str:
    """A GeoJSON geometry as WKT, every coordinate at full precision."""
    from shapely.geometry import shape

    return shape(geometry).wkt
