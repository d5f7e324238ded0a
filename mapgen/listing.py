"""Places as a table, CSV or JSON, for `mapgen list` and for people who pipe it on."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

from mapgen.errors import OptionError, terminal_text

if TYPE_CHECKING:  # the CLI reads FORMATS from here: keep this module light
    from mapgen.model import Dataset

COLUMNS = ("id", "layer", "name", "periods", "when")
FORMATS = ("table", "csv", "json")


def rows(dataset: Dataset) -> list[dict[str, str]]:
    from mapgen.dates import spans_words

    return [
        {
            "id": p.id,
            "layer": p.layer,
            "name": p.name,
            "periods": spans_words(p.spans) if p.spans else "undated",
            "when": "; ".join(s.text for s in p.spans),
        }
        for p in dataset.places
    ]


def list_places(dataset: Dataset, format: str = "table") -> str:
    """The places of *dataset* (id, layer, name, periods in words, EDTF) as *format* text:
    "table" for a terminal (control characters escaped), "csv" or "json" to pipe on."""
    if format not in FORMATS:
        raise OptionError(f"unknown list format {format!r} (known: {', '.join(FORMATS)})")
    data = rows(dataset)
    if format == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if format == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(data)
        return out.getvalue()
    data = [{c: terminal_text(r[c]) for c in COLUMNS} for r in data]  # a table is for a terminal
    widths = {c: max([len(c), *(len(r[c]) for r in data)]) for c in COLUMNS[:-1]}
    lines = ["  ".join(c.ljust(widths[c]) for c in COLUMNS[:-1]).rstrip()]
    lines.append("  ".join("-" * widths[c] for c in COLUMNS[:-1]))
    lines += ["  ".join(r[c].ljust(widths[c]) for c in COLUMNS[:-1]).rstrip() for r in data]
    return "\n".join(lines) + "\n"
