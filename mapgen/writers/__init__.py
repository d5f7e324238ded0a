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


def dumps(dataset: Dataset, format: str = "geojson", *, spreadsheet_safe: bool = False) -> str:
    """*dataset* as the text of a *format* file: deterministic, UTF-8 as is, newline at end.
    *spreadsheet_safe* (CSV/TSV only) prefixes cells a spreadsheet would run as formulas
    (``=``, ``+``, ``-``, ``@``) with ``'``, as OWASP advises; off by default, since the file
    then no longer reads back exactly."""
    if format not in FORMATS:
        raise OptionError(f"unknown export format {format!r} (known: {', '.join(FORMATS)})")
    if format in ("csv", "tsv"):
        from mapgen.writers import csv

        return csv.dumps(dataset, "\t" if format == "tsv" else ",", safe=spreadsheet_safe)
    if spreadsheet_safe:
        raise OptionError.naming("{spreadsheet_safe} applies to CSV and TSV only")
    return importlib.import_module(f"mapgen.writers.{format}").dumps(dataset)


def export(
    dataset: Dataset,
    path: str | os.PathLike[str],
    format: str | None = None,
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
    spreadsheet_safe: bool = False,
) -> Path:
    """Write *dataset* to *path* as *format* (default: from the file name), atomically.
    The dataset's own source files and *inputs* are refused as the output; see :func:`dumps`
    for *spreadsheet_safe*."""
    from mapgen.write import check_output, write_atomic

    kind = format or format_of(path)
    text = dumps(dataset, kind, spreadsheet_safe=spreadsheet_safe)
    target = check_output(path, (*inputs, *dataset.sources))
    return write_atomic(target, text)
