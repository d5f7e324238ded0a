"""Field mapping, shared by every reader: which input field (CSV column, GDAL attribute, LPF
or GeoJSON property) holds which of mapgen's properties, and flat records turned into them.
"""

from __future__ import annotations

import math
import re
import shlex
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from dataclasses import fields as dataclass_fields
from typing import TYPE_CHECKING, Any

from mapgen.cells import parse_sources, split_spans
from mapgen.dates import DateError
from mapgen.errors import DataError, MapgenNote, OptionError, Problem
from mapgen.raw import RawFeature

if TYPE_CHECKING:
    from mapgen.datetext import ColumnDates, DateOptions

TEXT_KEYS = ("id", "name", "layer", "when", "description", "precision", "sources")
LAT_NAMES = ("lat", "latitude")
LON_NAMES = ("lon", "lng", "long", "longitude")
WKT_NAMES = ("wkt", "geowkt")
LANG = re.compile(r"name_[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")  # name_<BCP 47 tag>


@dataclass(frozen=True)
class Fields:
    """The --id-field ... --lon-field options: input fields that hold mapgen's properties
    under other names. Empty means mapgen's own name (matched case-insensitively in CSV and
    GDAL inputs). With *start*, each feature's span runs from its start value to its end value
    (:func:`mapgen.datetext.span_from_edtf`: without *end*, from the start on; with *end*, an
    empty end value is unknown). *wkt*, *lat* and *lon* name a table's geometry."""

    id: str = ""
    name: str = ""
    layer: str = ""
    when: str = ""
    start: str = ""
    end: str = ""
    wkt: str = ""  # a WKT geometry column (CSV, LP-TSV)
    lat: str = ""  # latitude and longitude columns
    lon: str = ""

    def __post_init__(self) -> None:
        for f in dataclass_fields(self):  # " name " → "name"; "" means mapgen's own name
            object.__setattr__(self, f.name, getattr(self, f.name).strip())
        if self.start and self.when:
            raise OptionError.naming("use {when_field} or {start_field}/{end_field}, not both")
        if self.end and not self.start:
            raise OptionError.naming("{end_field} needs {start_field}")

    def given(self) -> dict[str, str]:
        """The options actually set, by mapgen key."""
        names = (f.name for f in dataclass_fields(self))
        return {name: getattr(self, name) for name in names if getattr(self, name)}


def find_column(columns: Iterable[str], name: str) -> str | None:
    """*name* among *columns*: the exact name, or else the one column equal to it ignoring
    case (Shapefiles and KML often say ``NAME`` or ``Name``)."""
    columns = list(columns)
    if name in columns:
        return name
    folded = [c for c in columns if c.casefold() == name.casefold()]
    return folded[0] if len(folded) == 1 else None


def resolve_columns(
    columns: Iterable[str], chosen: Fields, *, required: Iterable[str] = (), defaults: bool = True
) -> tuple[dict[str, str], list[str]]:
    """Map mapgen keys (and "start"/"end") to input columns: ``({"name": "NAME", ...},
    missing)``. Options always count; with *defaults*, mapgen's own names are looked up too.
    *missing* names each required key or option that no column answers."""
    columns = list(columns)
    wanted = chosen.given()
    keys = [k for k in TEXT_KEYS if not (k == "when" and chosen.start)] + ["start", "end"]
    mapping: dict[str, str] = {}
    missing: list[str] = []
    for key in keys:
        option = wanted.get(key, "")
        if not option and (not defaults or key in ("start", "end")):
            continue
        column = find_column(columns, option or key)
        if column is not None:
            mapping[key] = column
        elif option:
            missing.append(f"{option!r} (--{key}-field)")
        elif key in required:
            missing.append(key)
    return mapping, missing


def plain_text(value: Any) -> str:
    """A cell or attribute as text; whole floats (1981.0 from a numeric field) without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value).strip()


FieldProblems = list[tuple[str, str]]
RowDates = tuple[list[str] | None, FieldProblems]  # a row's spans (None: none) and problems
DATE_KEYS = ("when", "start", "end")


def _when_items(value: Any) -> list[Any]:
    """A when cell's dates: text split at ``;``, a list item by item, a number or date as one."""
    if isinstance(value, str):
        return split_spans(value)
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def read_dates(
    columns: Mapping[str, Sequence[Any]],
    names: Mapping[str, str],
    label: str,
    options: DateOptions | None = None,
    *,
    convention: str = "",
    unit: str = "column",
) -> list[RowDates]:
    """Each row's spans from the date columns *columns* (keyed "when", or "start" and "end";
    *names* says what the file calls them), every column read as one
    (:func:`mapgen.datetext.read_column`): whatever it chose (historical years, day first,
    years for 1 January midnights, a start alone as "from then on") is named in one ``note:``
    line per column (a :class:`~mapgen.errors.MapgenNote`), and a column that cannot be read
    as one (day or month first?) is a DataError naming it. A when cell holds spans separated
    by ``;`` (a problem is ``when[i]``); a start and an end make one span
    (:func:`mapgen.datetext.span_from_edtf`). A *convention* names a format whose empty start
    or end is open: "KML" (a TimeSpan without an end is unbounded) and "LP-TSV" (a start
    alone means "from"; its BCE years are written historically, -320 for 320 BCE)."""
    from mapgen.dates import span_words
    from mapgen.datetext import DateOptions, read_column, span_from_edtf

    options = options or DateOptions()
    if convention == "LP-TSV" and not options.bce:
        options = replace(options, bce="historical")
    rows = len(next(iter(columns.values()), ()))
    notes: dict[str, list[str]] = {}
    out: list[RowDates] = []
    if "when" in columns:
        items = [(row, i, item) for row, cell in enumerate(columns["when"])
                 for i, item in enumerate(_when_items(cell))
                 if not (isinstance(item, str) and not item.strip())]
        read = _column(read_column([item for _, _, item in items], options), names["when"],
                       label, unit, notes)
        spans: list[list[str]] = [[] for _ in range(rows)]
        problems: list[FieldProblems] = [[] for _ in range(rows)]
        for (row, i, _), text, index in zip(items, read.texts, range(len(items)), strict=True):
            if text is None:
                problems[row].append((f"when[{i}]", read.errors[index]))
            else:
                spans[row].append(text)
        out = [(list(dict.fromkeys(found)) or None, problem)
               for found, problem in zip(spans, problems, strict=True)]
    elif "start" in columns:
        start = _column(read_column(columns["start"], options, open_words=True),
                        names["start"], label, unit, notes)
        end_given = "end" in columns
        end = _column(read_column(columns["end"], options, open_words=True), names["end"],
                      label, unit, notes) if end_given else None
        opened = ""
        for row in range(rows):
            found: FieldProblems = [("when", f"{side} {read.errors[row]}")
                                    for side, read in (("start", start), ("end", end))
                                    if read is not None and row in read.errors]
            span = ""
            if not found:
                try:
                    span = span_from_edtf(start.texts[row], end.texts[row] if end else None,
                                          end_given=end_given,
                                          empty="open" if convention else "unknown")
                except DateError as exc:
                    found = [("when", str(exc))]
                if span.endswith("/..") and not opened and (end is None or end.texts[row] is None):
                    opened = f"{str(columns['start'][row]).strip()!r} is {span_words(span)}"
            out.append(([span] if span else None, found))
        if opened:
            why = "a start alone" if end_given else "a start without an end field"
            advice = "" if end_given else (f"; --end-field names the ends, --when-field "
                                           f"{names['start']} reads each as one date")
            defined = f", as {convention} defines it" if convention else ""
            notes.setdefault(names["start"], []).append(
                f"{why} read as from then on ({opened}){defined}{advice}")
    for column, choices in notes.items():
        warnings.warn(MapgenNote(f"{label}: {unit} {column!r}: {'; '.join(choices)}"),
                      stacklevel=2)
    return out


def _column(read: ColumnDates, name: str, label: str, unit: str,
            notes: dict[str, list[str]]) -> ColumnDates:
    """*read* once its whole-column problem, if any, is refused and its choices noted."""
    if read.problem:
        raise DataError([Problem(label, f"{unit} {name!r}: {read.problem}")])
    if read.choices:
        notes.setdefault(name, []).extend(read.choices)
    return read


def dated_records(
    records: Sequence[Mapping[str, Any]], mapping: Mapping[str, str], label: str,
    options: DateOptions | None = None, *, convention: str = "", unit: str = "column",
) -> list[RowDates] | None:
    """:func:`read_dates` of the date columns *mapping* names among flat *records* (CSV rows,
    GDAL attributes); None when it names none."""
    keys = [k for k in DATE_KEYS if k in mapping and not (k == "when" and "start" in mapping)]
    if not keys:
        return None
    columns = {k: [r.get(mapping[k]) for r in records] for k in keys}
    return read_dates(columns, {k: mapping[k] for k in keys}, label, options,
                      convention=convention, unit=unit)


def rename(
    record: Mapping[str, Any], mapping: Mapping[str, str], dates: RowDates | None = None
) -> tuple[dict[str, Any], FieldProblems]:
    """*record* with each mapped column under its mapgen key, its date columns replaced by
    the row's *dates* (:func:`read_dates`: the spans and the problems found on them)."""
    values = {key: record.get(column) for key, column in mapping.items()}
    out = {k: v for k, v in record.items() if k not in mapping.values()}
    problems: FieldProblems = []
    for key in DATE_KEYS:
        values.pop(key, None)
    if dates is not None:
        spans, problems = dates
        values["when"] = spans
    out.update({k: v for k, v in values.items() if v is not None})
    return out, problems


def mapped_dates(
    records: Sequence[Any], mappings: Sequence[Mapping[str, str]], chosen: Fields, label: str,
    options: DateOptions | None = None, *, unit: str = "property",
) -> list[RowDates | None]:
    """:func:`read_dates` of the date properties the field options name, across records
    whose properties differ (GeoJSON, LPF: each with its own *mappings* entry); None a row
    when no option names a date."""
    keys = [k for k in DATE_KEYS if getattr(chosen, k)]
    if not keys:
        return [None] * len(records)
    columns = {k: [r.get(m[k]) if isinstance(r, dict) and k in m else None
                   for r, m in zip(records, mappings, strict=True)] for k in keys}
    found: list[RowDates | None] = list(
        read_dates(columns, {k: getattr(chosen, k) for k in keys}, label, options, unit=unit))
    return found


def with_fields(
    features: list[RawFeature], chosen: Fields, label: str, options: DateOptions | None = None
) -> list[RawFeature]:
    """Native GeoJSON features (of the file *label*) with the field options applied to their
    properties; the properties named as dates are read as one column across the features."""
    if not chosen.given():
        return features
    records = [raw.properties for raw in features]
    mappings = [resolve_columns(r, chosen, defaults=False)[0] if isinstance(r, dict) else {}
                for r in records]
    dates = mapped_dates(records, mappings, chosen, label, options)
    out = []
    for raw, mapping, row in zip(features, mappings, dates, strict=True):
        props, problems = raw.properties, []
        if isinstance(props, dict):
            props, problems = rename(props, mapping, row)
        out.append(replace(raw, properties=props, field_problems=(*raw.field_problems, *problems)))
    return out


def flat_properties(
    record: Mapping[str, Any], mapping: Mapping[str, str], dates: RowDates | None = None
) -> tuple[dict[str, Any], FieldProblems]:
    """A flat record (CSV row, GDAL attributes) as mapgen properties, and the problems found
    on its dates: mapped columns renamed, its *dates* (:func:`dated_records`) as its when,
    each value read by :func:`flat_value`, empty values left out (an empty cell is no value)."""
    props, problems = rename(record, mapping, dates)
    values = ((key, flat_value(key, value)) for key, value in props.items())
    return {key: value for key, value in values if value is not None}, problems


def flat_value(key: str, value: Any) -> Any:
    """One value of a flat record as the property *key*: mapgen's text properties and names
    as text, a sources cell parsed; None for an empty value."""
    if (key in TEXT_KEYS and key != "when") or key.startswith("name_"):
        value = plain_text(value)
    if value is None or value == "":
        return None
    if key == "sources" and isinstance(value, str):
        return parse_sources(value)
    return value


# Words in a column's name that make it look like one of mapgen's fields, for hints.
LOOKALIKES = {
    "name": ("title", "toponym", "label", "nom", "nombre", "titre", "placename", "site"),
    "when": ("date", "year", "start", "begin", "from", "début", "debut", "period", "jahr",
             "anno", "année", "annee", "after"),
    "lat": ("latitude", "lat"),
    "lon": ("longitude", "lon", "lng", "long"),
    "wkt": ("wkt", "geowkt"),
}
END_WORDS = ("end", "fin", "to", "until", "before")


def _words(column: str) -> set[str]:
    """The words of a column's name: "Date_début" → {"date", "début"}."""
    return set(re.split(r"[\W_]+", column.casefold())) - {""}


def lookalikes(key: str, columns: Iterable[str]) -> list[str]:
    """The columns whose name holds a word that means *key* ("Nom du site" for name,
    "year_after_which" for when, "geometry_wkt" for wkt), shortest name first."""
    words = {*LOOKALIKES[key], key}
    found = [
        c for c in columns
        if _words(c) & words or (key == "wkt" and any("wkt" in w for w in _words(c)))
    ]
    return sorted(found, key=lambda c: (len(_words(c)), c))


def dates_unnamed(mapping: Mapping[str, str], columns: Iterable[str]) -> bool:
    """True when no when (or start) field is mapped but a column looks like a date: the user
    has not named it yet, rather than the places being undated."""
    return "when" not in mapping and "start" not in mapping and bool(lookalikes("when", columns))


def _option(key: str, column: str) -> str:
    return f"--{key}-field {shlex.quote(column)}"


def hint(keys: Iterable[str], columns: Iterable[str]) -> str:
    """The field options that would name *keys* ("name", "when", "lat", ...) among
    *columns*, as "; did you mean --name-field title?", or "" when none looks right."""
    columns = list(columns)
    options = []
    for key in keys:
        found = lookalikes(key, columns)
        if not found:
            continue
        ends = [c for c in lookalikes("when", columns) if _words(c) & set(END_WORDS)]
        starts = [c for c in found if c not in ends]
        if key == "when" and starts and ends:
            options.append(f"{_option('start', starts[0])} {_option('end', ends[0])}")
        else:
            options.append(_option(key, found[0]))
    return f"; did you mean {' '.join(options)}?" if options else ""


def missing_problem(
    label: str, what: str, missing: list[str], columns: Iterable[str], suggestion: str = ""
) -> Problem:
    """One file-level problem for every missing column, listing the columns there are."""
    found = ", ".join(columns) or "none"
    return Problem(
        label, f"missing {what}: {', '.join(missing)}{suggestion} (the {what} are: {found})"
    )
