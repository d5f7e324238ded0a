"""Every check on raw input, with every problem collected: raw features → a Dataset.

Validation never stops at the first problem, so `mapgen validate` can list them all; the
Dataset it returns has been checked end to end and later stages trust it. The rules
themselves are in :mod:`mapgen.rules`, each defined once; this module runs them over each
file's columns, words their findings as located problems and builds the places of the rows
that meet them all, a column at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from itertools import chain
from pathlib import PurePath
from typing import Any
from warnings import warn

from mapgen.dates import DateError, Span, parse_span
from mapgen.errors import DataError, MapgenWarning, Problem, with_id
from mapgen.model import (
    COLOR,
    Dataset,
    Layer,
    LoadReport,
    PlacesBuilder,
    many_objects,
    palette,
)
from mapgen.raw import RawCollection, RawColumns, RawSource, is_position
from mapgen.rules import (
    RULES,
    Load,
    Reason,
    Rule,
    column,
    id_reasons,
    id_text,
    is_other_name,
    other_names,
    shown,
    source_parts,
    text_problem,
    when_texts,
)


def readable(key: str) -> str:
    """A key or file name as a label: "dated-events" → "Dated events"."""
    return key.replace("-", " ").replace("_", " ").strip().capitalize() or "Places"


def _key(key: str) -> str:
    """A layer or period name as part of a field name: as it is when printable, else quoted
    (a line break or a terminal escape in a name must not break or forge a message line)."""
    return key if key.isprintable() and key.strip() == key and key else repr(key)


def check(
    columns: RawColumns, load: Load
) -> tuple[dict[int, list[Reason]], list[tuple[Rule, dict[int, list[Reason]]]]]:
    """What is wrong with each row of *columns*, by row (ascending), every rule asked in
    turn (a row the reader refused is only that); and the rows each warning rule found. What
    the geometry rule found (checked shapes, rows allowed no geometry) is left in *load*."""
    refused = columns.refused
    rows: Sequence[int] = range(len(columns))
    if refused:
        rows = [row for row in rows if row not in refused]
    found: dict[int, list[Reason]] = {row: [reason] for row, reason in refused.items()}
    warned = []
    for rule in RULES:
        wrong = rule.check(columns, rows, load)
        if rule.warning:
            warned.append((rule, dict(sorted(wrong.items()))))
            continue
        for row, reasons in wrong.items():
            found.setdefault(row, []).extend(reasons)
    return dict(sorted(found.items())), warned


def located(columns: RawColumns, row: int) -> str:
    """Where row *row* is, with its id when it has a valid one: "feature 3 (id=camp-x)"."""
    place_id = columns.ids[row]
    if row in columns.refused or id_reasons(place_id):
        return columns.where(row)
    return with_id(columns.where(row), place_id)


SHOWN_ROWS = 3  # rows a summary warning names before it only counts


def _said(columns: RawColumns, file: str, field: str, rows: list[int], total: int,
          what: str) -> None:
    """One `warning:` line for what was found, or chosen, on *rows* of *columns*: how many
    of *total*, and the first few by where they are."""
    named = ", ".join(located(columns, row) for row in rows[:SHOWN_ROWS])
    more = f" and {len(rows) - SHOWN_ROWS:,} more" if len(rows) > SHOWN_ROWS else ""
    warn(MapgenWarning(f"{file}: {field}: {len(rows):,} of {total:,} {what} ({named}{more})"),
         stacklevel=5)


def _blank(value: Any) -> bool:
    return value is None or (type(value) is str and not value.strip())


def as_read(raw: RawCollection, load: Load) -> RawColumns:
    """*raw*'s columns with the choices validation makes for the data, each said in one
    line: an integer id is its text; a row without a layer takes the file's name (a warning
    when other rows have one); layers that differ only in case are one, spelled as first met
    in the load (a warning); a row without a name is named after its layer ("unnamed
    castle"; a warning: OpenStreetMap leaves many features unnamed)."""
    columns, file = raw.columns, raw.file
    if int in set(map(type, columns.ids)):
        columns = replace(columns, ids=list(map(id_text, columns.ids)))
    total = len(columns) - len(columns.refused)
    layers = columns.layers
    if raw.default_layer and (None in layers or "" in layers):
        rows = [row for row, value in enumerate(layers)
                if (value is None or value == "") and row not in columns.refused]
        if rows and len(rows) < total:
            _said(columns, file, "layer", rows, total, "features name no layer, unlike the "
                  f"others: put in layer {raw.default_layer!r}")
        layers = list(layers)
        for row in rows:
            layers[row] = raw.default_layer
        if raw.default_layer == PurePath(file).name.split(".")[0]:  # not a GDAL layer's name
            load.file_layers.add(raw.default_layer)
    spelled = {text: load.layer_spellings.setdefault(text.casefold(), text)
               for text in dict.fromkeys(v for v in layers if type(v) is str)}
    for text, first in spelled.items():
        if text != first:
            rows = [row for row, value in enumerate(layers) if value == text]
            _said(columns, file, "layer", rows, total, f"features are in layer {text!r}, "
                  f"which differs from {first!r} only in case: one layer, {first!r}")
    if any(text != first for text, first in spelled.items()):
        layers = [spelled.get(v, v) if type(v) is str else v for v in layers]
    names = columns.names
    if not (set(map(type, names)) <= {str} and all(map(str.strip, names))):
        rows = [row for row, (name, layer) in enumerate(zip(names, layers, strict=True))
                if _blank(name) and type(layer) is str and layer.strip()
                and row not in columns.refused]
        if rows:
            _said(columns, file, "name", rows, total, "features have no name: each named "
                  "'unnamed <its layer>'")
            names = list(names)
            for row in rows:
                names[row] = f"unnamed {layers[row]}"
    if layers is not columns.layers or names is not columns.names:
        columns = replace(columns, layers=layers, names=names)
    return columns


def _add_places(
    columns: RawColumns, rows: Sequence[int], load: Load, shared: dict[str, str],
    places: PlacesBuilder,
) -> None:
    """The valid *rows* of *columns* (ascending) as places, a column at a time. Layers and
    precisions repeat: each distinct text is kept once (*shared*)."""
    if not rows:
        return
    layers = column(columns.layers, rows)
    precisions = [value or "" for value in column(columns.precisions, rows)]
    whens = list(map(when_texts, column(columns.whens, rows)))
    sources = [value or () for value in column(columns.sources, rows)]
    entries = [entry for value in sources for entry in value]
    if set(map(type, entries)) <= {RawSource}:  # a typed reader's: no pair made an entry
        urls, titles = [e.url for e in entries], [e.title for e in entries]
    else:
        urls, titles = map(list, zip(*map(source_parts, entries), strict=True)) if entries else (
            [], [])
    lons, lats = column(columns.lons, rows), column(columns.lats, rows)
    shapes, names, extras = {}, {}, {}
    if columns.shapes or columns.others:
        lons, lats = list(lons), list(lats)
        for new, row in enumerate(rows):
            if row in columns.shapes:
                shape = load.shapes[row]
                if is_position(shape):
                    lons[new], lats[new] = shape["coordinates"]
                else:
                    shapes[new] = shape
            if row in columns.others:
                others = columns.others[row]
                if found := tuple((key[5:], value) for key, value in other_names(others)):
                    names[new] = found
                if found := tuple((k, v) for k, v in sorted(others.items())
                                  if not is_other_name(k)):
                    extras[new] = found
    places.extend(
        column(columns.ids, rows),
        column(columns.names, rows),
        list(map(shared.setdefault, layers, layers)),
        lons,
        lats,
        [value or "" for value in column(columns.descriptions, rows)],
        list(map(shared.setdefault, precisions, precisions)),
        (list(map(load.spans.__getitem__, chain.from_iterable(whens))), map(len, whens)),
        ([title or url for title, url in zip(titles, urls, strict=True)], urls,
         map(len, sources)),
        shapes, names, extras,
    )


class _Members:
    """Collects the problems of one file's collection-level members."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def add(self, where: str, field: str, message: str) -> None:
        self.problems.append(Problem(self.file, message, where, field))


def _check_layers(
    checker: _Members, declared: Any, used: Iterable[str], file_layers: set[str]
) -> tuple[Layer, ...]:
    """The layers used, with what the file declares of them. A layer's label is its name as
    written, unless the file declares one; a layer named after its file is labelled as a
    title of that name ("dated-events" → "Dated events")."""
    if declared is None:
        declared = {}
    if not isinstance(declared, dict):
        checker.add("", "layers", "must be an object keyed by layer name")
        declared = {}
    keys = list(dict.fromkeys([*declared, *used]))
    colors = palette(len(keys))
    layers = []
    for position, key in enumerate(keys):
        spec = declared.get(key) or {}
        if not isinstance(spec, dict):
            checker.add("", f"layers.{_key(key)}", "must be an object (label, color, order, path)")
            continue
        label = spec.get("label", readable(key) if key in file_layers else key)
        color = spec.get("color", colors[position % len(colors)])
        order = spec.get("order", position + 1)
        if not isinstance(label, str):
            checker.add("", f"layers.{_key(key)}.label", "must be text")
        if not isinstance(color, str) or not COLOR.fullmatch(color):
            checker.add(
                "", f"layers.{_key(key)}.color", f"{shown(color)} is not a colour like #1f5fa8"
            )
        if isinstance(order, bool) or not isinstance(order, (int, float)):
            checker.add("", f"layers.{_key(key)}.order", "must be a number")
            order = position + 1
        layers.append(
            Layer(
                key=key,
                label=str(label),
                color=str(color),
                order=order,
                path=bool(spec.get("path", False)),
            )
        )
    return tuple(sorted(layers, key=lambda layer: (layer.order, layer.key)))


def layers_of(used: Iterable[str]) -> tuple[Layer, ...]:
    """The layers of places checked a batch at a time (`validate` of each batch): *used*,
    their keys in the order first met, as one load of all of them would make them (labels
    from the keys, colours from the palette for that many layers)."""
    return _check_layers(_Members(""), None, used, set())


def _check_periods(checker: _Members, periods: Any) -> tuple[tuple[str, Span], ...]:
    if periods is None:
        return ()
    if not isinstance(periods, dict):
        checker.add("", "periods", "must be an object of name: EDTF interval")
        return ()
    out = []
    for name, text in periods.items():
        try:
            out.append((name, parse_span(text if isinstance(text, str) else "")))
        except DateError as exc:
            checker.add("", f"periods.{_key(name)}", str(exc))
    return tuple(out)


def _check_member(checker: _Members, members: dict[str, Any], key: str) -> str:
    value = members.get(key)
    if (msg := text_problem(value, required=False)) is not None:
        checker.add("", key, msg)
        return ""
    return value or ""


def validate(
    collections: Iterable[RawCollection], *, skip_invalid: bool = False,
    seen: Mapping[str, str] | None = None,
) -> Dataset:
    """Check raw collections and merge them into one Dataset; raise DataError listing every
    problem. Ids must be unique across all collections, and not among *seen* (id → where it
    was, "file: row N"): ids met in earlier batches of a source read a batch at a time.

    With *skip_invalid*, a feature with problems is left out instead (its problems kept in
    ``Dataset.skipped``), as long as one place remains; problems of a whole file (its
    members, a missing column) still raise."""
    with many_objects():
        return _validate(list(collections), skip_invalid, dict(seen or {}))


def _validate(collections: list[RawCollection], skip_invalid: bool, seen: dict[str, str]
              ) -> Dataset:
    problems: list[Problem] = []
    skipped: list[Problem] = []
    warnings: list[Problem] = []
    places = PlacesBuilder()
    load = Load(seen=seen)  # the ids met (and in earlier batches) and dates parsed, across files
    shared: dict[str, str] = {}  # each layer and precision text, kept once
    layers: dict[str, Layer] = {}
    periods: dict[str, Span] = {}
    texts: dict[str, str] = {}
    features = left_out = 0
    for raw in collections:
        file = raw.file
        columns = as_read(raw, load)
        load.file, load.geometry_optional = file, raw.geometry_optional
        load.shapes, load.unlocated = {}, set()
        found, warned = check(columns, load)
        wrong = [Problem(file, message, located(columns, row), field)
                 for row, reasons in found.items() for field, message in reasons]
        if skip_invalid:
            skipped += wrong
            left_out += len(found)
        else:
            problems += wrong
        if not raw.count:
            problems.append(Problem(file, "the collection is empty: no places to map", "",
                                    "features"))
        unlocated = sorted(load.unlocated.difference(found))
        warnings += [Problem(file, "not located: not drawn", located(columns, row), "geometry")
                     for row in unlocated]
        valid: Sequence[int] = range(len(columns))
        if found or unlocated:
            out = found.keys() | set(unlocated)
            valid = [row for row in valid if row not in out]
        for rule, wrong in warned:
            if rows := [row for row in wrong if row not in found]:
                field = wrong[rows[0]][0][0]
                _said(columns, file, field, rows, len(valid), f"places {rule.warning}")
        _add_places(columns, valid, load, shared, places)
        features += raw.count
        checker = _Members(file)
        used = dict.fromkeys(places.layers)
        for layer in _check_layers(checker, raw.members.get("layers"), used, load.file_layers):
            layers.setdefault(layer.key, layer)
        for name, span in _check_periods(checker, raw.members.get("periods")):
            periods.setdefault(name, span)
        for key in ("title", "description", "attribution"):
            value = _check_member(checker, raw.members, key)
            if value and not texts.get(key):
                texts[key] = value
        problems.extend(checker.problems)
    if problems:
        raise DataError(problems)
    if skipped and not len(places):
        raise DataError([*skipped, Problem(", ".join(r.file for r in collections),
                                           f"all {features} features are invalid")])
    used = set(places.layers)
    ordered = tuple(
        sorted(
            (v for k, v in layers.items() if k in used), key=lambda layer: (layer.order, layer.key)
        )
    )
    return Dataset(
        places=places.places(),
        layers=ordered,
        # no title in the data: the first file's name, as a reader would call it
        title=texts.get("title")
        or readable(PurePath(collections[0].file if collections else "").name.split(".")[0]),
        description=texts.get("description", ""),
        attribution=texts.get("attribution", ""),
        periods=tuple(periods.items()),
        sources=tuple(raw.file for raw in collections),
        report=LoadReport(features, left_out, tuple(skipped), tuple(warnings)),
    )
