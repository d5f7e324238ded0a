"""Places as a table, CSV or JSON, for `mapgen list` and for people who pipe it on."""

from __future__ import annotations

import csv
import io
import json

from mapgen.dates import spans_words
from mapgen.errors import terminal_text
from mapgen.model import Dataset

COLUMNS = ("id", "layer", "name", "periods", "when")


def rows(dataset: Dataset) -> list[dict[str, str]]:
    return [
        {
            "id": p.id,
            "layer": p.layer,
            "name": p.name,
            "periods": spans_words(p.spans),
            "when": "; ".join(s.text for s in p.spans),
        }
        for p in dataset.places
    ]


def format_places(dataset: Dataset, fmt: str = "table") -> str:
    """The places of *dataset* as "table", "csv" or "json" text."""
    data = rows(dataset)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
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
