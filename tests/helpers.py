"""Small builders for test datasets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner


def feature(
    id: str = "p1",
    *,
    name: str = "A place",
    layer: str = "sites",
    when: Any = ("1981/1986",),
    lon: float = 10.0,
    lat: float = 50.0,
    geometry: Any = None,
    **props: Any,
) -> dict[str, Any]:
    properties = {"id": id, "name": name, "layer": layer, "when": list(when), **props}
    return {
        "type": "Feature",
        "geometry": geometry
        if geometry is not None
        else {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }


def collection(features: list[dict[str, Any]], **members: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", **members, "features": features}


def write_geojson(path: Path, features: list[dict[str, Any]], **members: Any) -> Path:
    path.write_text(json.dumps(collection(features, **members), ensure_ascii=False), "utf-8")
    return path


def build(*args: str) -> None:
    """Run `mapgen build ARGS` in-process and require success."""
    from mapgen.cli import main

    result = CliRunner().invoke(main, ["build", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def leftovers(folder: Path) -> list[str]:
    """Temporary files an atomic write left behind in *folder* (there must be none): named
    ``.NAME.XXXX.tmp``, or ``.NAME.XXXX.tmp.mp4`` where the writer reads the suffix."""
    return sorted(p.name for p in folder.iterdir() if ".tmp" in p.suffixes)
