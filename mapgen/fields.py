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
from itertools import islice
from typing import TYPE_CHECKING, Any

from mapgen.cells import parse_sources, split_spans
from mapgen.dates import DateError
from mapgen.errors import DataError, MapgenNote, OptionError, Problem
from mapgen.raw import RawFeature

if TYPE_CHECKING:
    from mapgen.datetext import ColumnDates, DateOptions

TEXT_KEYS = ("id", "name", "layer", "when", "description", "precision", "sources")
OPTION_KEYS = ("start", "end", "source", "url")  # looked up only when an option names them
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
    empty end value is unknown). *wkt*, *lat* and *lon* name a table's geometry. *url*
    names a field of web addresses, each feature's source, titled by the *source* field when
    there is one (else by its address)."""

    id: str = ""
    name: str = ""
    layer: str = ""
    when: str = ""
    start: str = ""
    end: str = ""
    wkt: str = ""  # a WKT geometry column (CSV, LP-TSV)
    lat: str = ""  # latitude and longitude columns
    lon: str = ""
    description: str = ""
    source: str = ""  # the titles of the sources whose addresses *url* holds
    url: str = ""

    def __post_init__(self) -> None:
        for f in dataclass_fields(self):  # " name " → "name"; "" means mapgen's own name
            object.__setattr__(self, f.name, getattr(self, f.name).strip())
        if self.start and self.when:
            raise OptionError.naming("use {when_field} or {start_field}/{end_field}, not both")
        if self.end and not self.start:
            raise OptionError.naming("{end_field} needs {start_field}")
        if self.source and not self.url:
            raise OptionError.naming(
                "{source_field} names the sources' titles; it needs {url_field}, their web "
                "addresses (a source is a link)"
            )

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
    keys = [k for k in TEXT_KEYS if not (k == "when" and chosen.start)] + list(OPTION_KEYS)
    mapping: dict[str, str] = {}
    missing: list[str] = []
    for key in keys:
        option = wanted.get(key, "")
        if not option and (not defaults or key in OPTION_KEYS):
            continue
        column = find_column(columns, option or key)
        if column is not None:
            mapping[key] = column
        elif option:
            missing.append(unknown_field(key, option, columns))
        elif key in required:
            missing.append(key)
    return mapping, missing


def unknown_field(key: str, option: str, columns: Iterable[str]) -> str:
    """An option that names no field, for a message: "'ned' (--end-field; did you mean
    'end'?)", with the field it most likely misspells (:func:`misspelt`)."""
    close = misspelt(option, columns)
    guess = f"; did you mean {close!r}?" if close is not None else ""
    return f"{option!r} (--{key}-field{guess})"


def misspelt(option: str, columns: Iterable[str]) -> str | None:
    """The one of *columns* that *option* most likely misspells (ignoring case), if one is
    close: a typing slip or two, one in four letters at most."""
    wanted = option.casefold()
    typos = sorted((_edits(wanted, c.casefold()), i, c) for i, c in enumerate(columns))
    close = [c for edits, _, c in typos[:1] if edits <= max(1, len(wanted) // 4)]
    return close[0] if close else None


def _edits(a: str, b: str) -> int:
    """How many typing slips turn *a* into *b*: a letter added, left out, changed, or two
    neighbours swapped (the optimal string alignment distance)."""
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        row = [i]
        for j, y in enumerate(b, 1):
            cost = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cost = min(cost, before[j - 2] + 1)
            row.append(cost)
        before, previous = previous, row
    return previous[-1]


def unknown_fields(chosen: Fields, keys: Iterable[str]) -> list[str]:
    """The field options that name none of *keys* (the properties of every feature of a
    file together), each as :func:`unknown_field` says it."""
    keys = list(dict.fromkeys(keys))
    folded = {k.casefold() for k in keys}
    return [
        unknown_field(key, option, keys)
        for key, option in chosen.given().items()
        if key not in ("wkt", "lat", "lon") and option.casefold() not in folded
    ]


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
        # a row's repeated dates count once (most rows have one date: nothing to repeat)
        out = [(found if len(found) == 1 else list(dict.fromkeys(found)) or None, problem)
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
    if "url" in values or "source" in values:
        own = values.pop("sources") if "sources" in values else out.pop("sources", None)
        values["sources"] = with_source(own, values.pop("source", None), values.pop("url", None))
    out.update({k: v for k, v in values.items() if v is not None})
    return out, problems


def with_source(sources: Any, title: Any, url: Any) -> Any:
    """A feature's sources with the one its --url-field (and --source-field) cells name
    added at the end: titled by its address when it has no title. The address is checked
    where every source's is (http(s) only); a title without an address is kept so that the
    check says so, never dropped."""
    title, url = plain_text(title), plain_text(url)
    if not title and not url:
        return sources
    listed = parse_sources(sources) if isinstance(sources, str) else sources
    if listed is None:
        listed = []
    if not isinstance(listed, list):  # not sources mapgen reads: validation says so
        return listed
    return [*listed, {"title": title, "url": url} if title else {"url": url}]


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
    as text, a sources cell parsed; None for an empty value. Dates, and the sources a
    --url-field makes, come read already, as lists."""
    if key in ("when", "sources") and isinstance(value, list):
        return value or None
    if (key in TEXT_KEYS and key != "when") or key.startswith("name_"):
        value = plain_text(value)
    if value is None or value == "":
        return None
    if key == "sources" and isinstance(value, str):
        return parse_sources(value)
    return value


def coordinate(text: str, limit: float) -> tuple[float | None, str]:
    """A lat or lon cell (text): (value, "") or (None, why not); *limit* is 90 or 180."""
    if not text:
        return None, "is missing (give lat and lon, or wkt)"
    try:
        value = float(text)
    except ValueError:
        comma = " (use a decimal point)" if "," in text else ""
        return None, f"{text!r} is not a number{comma}"
    if not math.isfinite(value):
        return None, f"{text!r} is not a finite number"
    if not -limit <= value <= limit:
        return None, f"{text} is outside -{limit:g}..{limit:g}"
    return value, ""


# --- hints: the columns that look like mapgen's fields, by their name and their cells --------

# Words in a column's name that make it look like one of mapgen's fields.
LOOKALIKES = {
    "name": ("title", "toponym", "label", "nom", "nombre", "titre", "placename", "site"),
    "when": ("date", "year", "start", "begin", "from", "début", "debut", "period", "jahr",
             "anno", "année", "annee", "after", "earliest", "latest"),
    "lat": ("latitude", "lat", "y"),
    "lon": ("longitude", "lon", "lng", "long", "x"),
    "wkt": ("wkt", "geowkt"),
}
PARTS = {"lat": ("lat",), "lon": ("lon", "lng"), "wkt": ("wkt",)}  # inside a word: "reclat"
START_WORDS = ("start", "begin", "from", "début", "debut", "after", "earliest", "since",
               "inception", "founded", "founding", "established", "built")
END_WORDS = ("end", "fin", "to", "until", "before", "latest")
SAMPLE_ROWS = 10_000  # the rows a hint looks at
SAMPLE_CELLS = 20  # the non-empty cells of each column it reads
_NUMBER = re.compile(r"\s*[+-]?\d+(?:[.,]\d*)?\s*")
_WKT = re.compile(r"\s*(?:multi)?(?:point|linestring|polygon)\b|\s*geometrycollection\b", re.I)


class Sample:
    """What a hint reads of a file's fields: each one's first non-empty values (up to
    SAMPLE_CELLS) and how many of the first SAMPLE_ROWS records fill it, so that it can
    choose a column by what it holds ("Date_D" of notes, "Start_Date" of years). The records
    are read when first asked about: a file whose fields are all named costs nothing."""

    def __init__(self, records: Iterable[Mapping[str, Any]] = ()) -> None:
        self._records: Iterable[Mapping[str, Any]] | None = records
        self._cells: dict[str, list[Any]] = {}
        self._filled: dict[str, int] = {}

    def _read(self) -> None:
        if self._records is None:
            return
        for record in islice(self._records, SAMPLE_ROWS):
            for column, value in record.items():
                if value is None or plain_text(value) == "":
                    continue
                self._filled[column] = self._filled.get(column, 0) + 1
                kept = self._cells.setdefault(column, [])
                if len(kept) < SAMPLE_CELLS:
                    kept.append(value)
        self._records = None

    def cells(self, column: str) -> list[Any]:
        """The column's first non-empty values."""
        self._read()
        return self._cells.get(column, [])

    def filled(self, column: str) -> int:
        """How many of the records read have a value in the column."""
        self._read()
        return self._filled.get(column, 0)


def _words(column: str) -> set[str]:
    """The words of a column's name: "Date_début" → {"date", "début"}, "cityLabel" →
    {"city", "label"}."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", column)
    return set(re.split(r"[\W_]+", spaced.casefold())) - {""}


def _named(key: str, column: str) -> bool:
    """True when *column*'s name holds a word meaning *key* ("Nom du site" for name,
    "year_after_which" for when), or, for a position, holds it inside a word ("reclat")."""
    words = _words(column)
    if words & {*LOOKALIKES[key], key}:
        return True
    return any(part in word for part in PARTS.get(key, ()) for word in words)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) or bool(_NUMBER.fullmatch(str(value)))


def _share(key: str, cells: Sequence[Any]) -> float:
    """The share of *cells* (non-empty) that hold what *key* holds: dates, as
    :func:`mapgen.datetext.read_column` reads a column (the one date reader; a column whose
    day or month order it cannot tell holds dates too), a latitude or longitude, a WKT
    geometry, or a name (text that is neither a number nor a web address)."""
    if not cells:
        return 0.0
    if key == "when":
        from mapgen.datetext import read_column

        read = read_column(cells)
        return 1.0 if read.problem else sum(t is not None for t in read.texts) / len(cells)
    return sum(_reads_as(key, value) for value in cells) / len(cells)


def _reads_as(key: str, value: Any) -> bool:
    """True when a cell holds a position (*key* "lat" or "lon"), a WKT geometry ("wkt") or
    a name ("name")."""
    text = plain_text(value)
    if key in ("lat", "lon"):
        return coordinate(text, 90 if key == "lat" else 180)[0] is not None
    if key == "wkt":
        from mapgen.geometry import geometry_from_wkt

        if not _WKT.match(text):
            return False
        try:
            geometry_from_wkt(text)
        except ValueError:
            return False
        return True
    return not _is_number(text) and not text.startswith(("http://", "https://"))


def candidates(key: str, columns: Iterable[str], sample: Sample, by_content: bool = True
               ) -> list[str]:
    """The columns that may hold *key*, best first: those named like it whose sampled cells
    mostly (4 in 5) read as it; failing those, *by_content*, for dates and WKT, a column
    whose every sampled cell does (Wikidata's ``inception``, ``coord``) and that is not a
    column of plain numbers. The most filled column comes first, then the shortest name."""
    columns = list(columns)
    found = [c for c in columns if _named(key, c) and _share(key, sample.cells(c)) >= 0.8]
    if not found and by_content and key in ("when", "wkt"):
        found = [
            c for c in columns if _share(key, sample.cells(c)) == 1.0
            and not all(_is_number(v) for v in sample.cells(c))
        ]
    return sorted(found, key=lambda c: (-sample.filled(c), len(_words(c)), c))


def dates_unnamed(mapping: Mapping[str, str], columns: Iterable[str], sample: Sample) -> bool:
    """True when no when (or start) field is mapped but a column named like a date holds
    dates: the user has not named it yet, rather than the places being undated. (A column
    that holds dates under another name is only suggested: an edit timestamp is no date
    of the place.)"""
    if "when" in mapping or "start" in mapping:
        return False
    return bool(candidates("when", columns, sample, by_content=False))


def _option(key: str, column: str) -> str:
    return f"--{key}-field {shlex.quote(column)}"


def _date_options(columns: list[str], sample: Sample) -> list[str]:
    """The options that would name the dates: a start and an end column, a start alone
    (a name that says so), or one column of dates."""
    found = candidates("when", columns, sample)
    ends = [c for c in found if _words(c) & set(END_WORDS)]
    starts = [c for c in found if c not in ends]
    if starts and ends:
        return [_option("start", starts[0]), _option("end", ends[0])]
    if starts and _words(starts[0]) & set(START_WORDS):
        return [_option("start", starts[0])]
    return [_option("when", found[0])] if found else []


def hint(keys: Iterable[str], columns: Iterable[str], sample: Sample) -> str:
    """The field options that would name *keys* ("name", "when", "lat", "lon", "wkt")
    among *columns*, chosen by name and content, as "; did you mean --name-field title?",
    or "" when none looks right. A WKT column answers for lat and lon."""
    columns = list(columns)
    wkt = candidates("wkt", columns, sample)
    options: list[str] = []
    for key in dict.fromkeys(keys):
        if key == "when":
            found = _date_options(columns, sample)
        elif key in ("lat", "lon", "wkt"):
            found = [_option("wkt", wkt[0])] if wkt else []
            if not wkt and key != "wkt" and (column := candidates(key, columns, sample)):
                found = [_option(key, column[0])]
        else:
            found = [_option(key, c) for c in candidates(key, columns, sample)[:1]]
        options += [option for option in found if option not in options]
    return f"; did you mean {' '.join(options)}?" if options else ""


def missing_problem(
    label: str, what: str, missing: list[str], columns: Iterable[str], suggestion: str = ""
) -> Problem:
    """One file-level problem for every missing column, listing the columns there are."""
    found = ", ".join(columns) or "none"
    return Problem(
        label, f"missing {what}: {', '.join(missing)}{suggestion} (the {what} are: {found})"
    )


def columns_problem(
    label: str,
    what: str,
    columns: list[str],
    chosen: Fields,
    mapping: Mapping[str, str],
    missing: list[str],
    sample: Sample,
    geometry: tuple[str | None, str | None, str | None] | None = None,
    geometry_else: str = "",
) -> Problem | None:
    """The one file-level problem of a table's columns (or a GDAL layer's fields), or None:
    every required field missing (the name; the dates when a column looks like them and none
    is named; for a table, *geometry*'s lat and lon or wkt), every option naming no column,
    and the options that would name them. A column of dates found by its cells alone is
    suggested too when the file is refused anyway."""
    missing = list(missing)
    unnamed = ["name"] if "name" in missing else []
    dated = "when" in mapping or "start" in mapping or chosen.when or chosen.start
    if not dated:  # (an option that names no column is in *missing* already)
        unnamed.append("when")
        if dates_unnamed(mapping, columns, sample):
            missing.append("when")
    if geometry is not None:
        lat, lon, wkt = geometry
        if wkt is None and (lat is None or lon is None):
            absent = [n for n, c in (("lat", lat), ("lon", lon)) if c is None]
            missing.append(f"{' and '.join(absent)} (or wkt{geometry_else})")
            unnamed += [*absent, "wkt"]
    if not missing:
        return None
    suggestion = hint(unnamed, [c for c in columns if c not in mapping.values()], sample)
    return missing_problem(label, what, missing, columns, suggestion)
