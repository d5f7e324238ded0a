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


def rows(dataset: Dataset, lang: str = "en") -> list[dict[str, str]]:
    """Each place's row: its name in *lang* when it has one, its periods in *lang*'s words."""
    from mapgen.dates import spans_words
    from mapgen.language import language

    undated = language(lang).pgettext("a place", "undated")
    names = dataset.places.names_in(lang)
    return [
        {
            "id": p.id,
            "layer": p.layer,
            "name": name,
            "periods": spans_words(p.spans, lang) if p.spans else undated,
            "when": "; ".join(s.text for s in p.spans),
        }
        for p, name in zip(dataset.places, names, strict=True)
    ]


def list_places(dataset: Dataset, format: str = "table", lang: str = "en") -> str:
    """The places of *dataset* (id, layer, name, periods in words, EDTF) as *format* text:
    "table" for a terminal (control characters escaped), "csv" or "json" to pipe on. Names
    and periods are said in *lang*; the columns keep their names, which scripts read."""
    from mapgen.language import check_language

    if format not in FORMATS:
        raise OptionError(f"unknown list format {format!r} (known: {', '.join(FORMATS)})")
    data = rows(dataset, check_language(lang))
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
