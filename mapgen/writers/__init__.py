"""Writing a Dataset as data: native GeoJSON, Linked Places (LPF) or CSV/TSV.

:func:`export` (``mapgen.export``) writes a file; :func:`dumps` (``mapgen.dumps``) gives the
text. Each writer
module is imported when it is first used.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from mapgen.errors import OptionError

if TYPE_CHECKING:
    from mapgen.model import Dataset

FORMATS = ("geojson", "lpf", "csv", "tsv")
SUFFIXES = (
    (".lpf.json", "lpf"),
    (".lpf.geojson", "lpf"),
    (".jsonld", "lpf"),
    (".geojson", "geojson"),
    (".json", "geojson"),
    (".csv", "csv"),
    (".tsv", "tsv"),
)


def format_of(path: str | os.PathLike[str]) -> str:
    """The export format a file name asks for; OptionError when it says none."""
    name = Path(path).name.lower()
    for suffix, kind in SUFFIXES:
        if name.endswith(suffix):
            return kind
    raise OptionError(
        f"cannot tell the export format from {Path(path).name!r}; "
        f"use --format ({', '.join(FORMATS)})"
    )


def dumps(dataset: Dataset, format: str = "geojson") -> str:
    """*dataset* as the text of a *format* file: deterministic, UTF-8 as is, newline at end."""
    if format not in FORMATS:
        raise OptionError(f"unknown export format {format!r} (known: {', '.join(FORMATS)})")
    if format == "tsv":
        from mapgen.writers import csv

        return csv.dumps(dataset, delimiter="\t")
    return importlib.import_module(f"mapgen.writers.{format}").dumps(dataset)


def export(
    dataset: Dataset,
    path: str | os.PathLike[str],
    format: str | None = None,
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Write *dataset* to *path* as *format* (default: from the file name), atomically.
    The dataset's own source files and *inputs* are refused as the output."""
    from mapgen.write import check_output, write_atomic

    kind = format or format_of(path)
    text = dumps(dataset, kind)
    target = check_output(path, (*inputs, *dataset.sources))
    return write_atomic(target, text)
