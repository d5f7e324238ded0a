"""Places as a table, CSV or JSON, for `mapgen list` and for people who pipe it on; and
what a load left out, grouped by kind (`left_out`) or as a CSV file (`write_report`)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mapgen.errors import OptionError, Problem, terminal_text, where_and_id

if TYPE_CHECKING:  # the CLI reads FORMATS from here: keep this module light
    from mapgen.model import Dataset, LoadReport

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


# --- what a load left out ----------------------------------------------------------------------

REPORT_COLUMNS = ("file", "where", "id", "field", "message")
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")  # a value, as repr() quotes it
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")  # 95, line 3; not -90..90
_INDEX = re.compile(r"\[\d+\]")  # when[1], sources[0].url


@dataclass(frozen=True)
class LeftOut:
    """Problems of one kind in one file among what a load left out: *status* "skipped"
    (invalid, left out with ``skip_invalid``) or "not located" (not drawn); *kind* the field
    and message with their values left out ("lat: … is not a number")."""

    status: str
    file: str
    kind: str
    problems: tuple[Problem, ...]


def kind(problem: Problem) -> str:
    """What makes *problem* one of a kind: its field without indexes and its message
    without the values it quotes ("when: … ends before it starts")."""
    message = _NUMBER.sub("…", _QUOTED.sub("…", problem.message))
    field = _INDEX.sub("", problem.field)
    return f"{field}: {message}" if field else message


def left_out(report: LoadReport) -> list[LeftOut]:
    """The features a load skipped as invalid and those it could not locate, grouped by
    status, file and :func:`kind`, in the order first met: what the command line shows a
    few of, with a count, instead of thousands of lines."""
    groups: dict[tuple[str, str, str], list[Problem]] = {}
    for status, problems in (("skipped", report.problems), ("not located", report.unlocated)):
        for problem in problems:
            groups.setdefault((status, problem.file, kind(problem)), []).append(problem)
    return [LeftOut(status, file, what, tuple(found))
            for (status, file, what), found in groups.items()]


def report_rows(report: LoadReport) -> Iterable[dict[str, str]]:
    """One row per problem of every feature left out: file, where, id, field, message."""
    for problem in (*report.problems, *report.unlocated):
        where, place_id = where_and_id(problem.where)
        yield {"file": problem.file, "where": where, "id": place_id, "field": problem.field,
               "message": problem.message}


def write_report(
    report: LoadReport, path: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]] = ()
) -> Path:
    """Write every feature *report* left out (skipped as invalid, or not located) to *path*
    as CSV, one row per problem (:data:`REPORT_COLUMNS`), atomically and never over an
    input; a load that left nothing out writes the header alone."""
    from mapgen.write import check_output, write_atomic

    target = check_output(path, inputs)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=REPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(report_rows(report))
    return write_atomic(target, out.getvalue())
