"""What every reader hands to validation: its features as columns (`RawColumns`), a value a
row, unchecked. A reader that reads a row at a time makes `RawFeature`s and adds them
(`RawColumns.add`); a streaming reader fills the columns a batch at a time. Either way
validation checks a column at once (:mod:`mapgen.rules`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import msgspec


@dataclass(frozen=True, slots=True)
class RawFeature:
    """One feature before validation. *where* locates it for error messages
    ("feature 3", "line 7"); *properties* and *geometry* are untrusted and unchecked."""

    where: str
    properties: Any
    geometry: Any
    fallback_id: Any = None  # GeoJSON's Feature-level "id", used when properties have none
    problem: str = ""  # what the reader already found wrong with it, if anything
    # (field, message) problems the reader found on single fields (a CSV lat that is not a
    # number); validation reports them with the feature's id and goes on checking the rest
    field_problems: tuple[tuple[str, str], ...] = ()


# mapgen's own properties: each has a column of its own; any other property of a row is kept
# with the row (`RawColumns.others`).
COLUMN_KEYS = frozenset(("id", "name", "layer", "when", "description", "sources", "precision"))


class RawSource(msgspec.Struct, forbid_unknown_fields=True):
    """A source as a typed reader decodes it, {title, url} and nothing else: a tenth of the
    memory of a dict. Either may be missing (None) or of any type; validation checks them."""

    title: Any = None
    url: Any = None


def plain_sources(sources: Any) -> Any:
    """A sources value as the JSON held it: RawSource entries as {title, url} dicts, anything
    else as it is."""
    if type(sources) is not list:
        return sources
    return [{"title": e.title, "url": e.url} if type(e) is RawSource else e for e in sources]


def is_position(geometry: Any) -> bool:
    """True for a Point of two coordinates with nothing else in it: the shape a row keeps as
    its *lons* and *lats* entries (any other geometry is kept whole, in *shapes*)."""
    if type(geometry) is not dict or len(geometry) != 2 or geometry.get("type") != "Point":
        return False
    coords = geometry.get("coordinates")
    return type(coords) is list and len(coords) == 2


@dataclass(frozen=True)
class RawColumns:
    """Features as columns, one entry a row, unchecked: mapgen's own properties each in a
    list (None where a row has none; the id is the properties' id, else the Feature's own),
    a Point's position in *lons* and *lats*. What few rows have is kept by row: a geometry
    other than a two-number Point (*shapes*, its lons and lats None), other properties
    (*others*), what the reader found wrong (*refused*: the row is no feature, only that is
    said; *field_problems*: said, and the rest checked), and where a row is when that is not
    "<unit> <first + row>" (*wheres*: "line 7", "feature 2 geometry 1"); a batch of a larger
    table starts at *first*."""

    ids: list[Any] = field(default_factory=list)
    names: list[Any] = field(default_factory=list)
    layers: list[Any] = field(default_factory=list)
    whens: list[Any] = field(default_factory=list)
    descriptions: list[Any] = field(default_factory=list)
    precisions: list[Any] = field(default_factory=list)
    sources: list[Any] = field(default_factory=list)
    lons: list[Any] = field(default_factory=list)
    lats: list[Any] = field(default_factory=list)
    shapes: dict[int, Any] = field(default_factory=dict)
    others: dict[int, dict[str, Any]] = field(default_factory=dict)
    refused: dict[int, tuple[str, str]] = field(default_factory=dict)  # (field, message)
    field_problems: dict[int, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    wheres: dict[int, str] = field(default_factory=dict)
    unit: str = "feature"  # what a message calls a row: "feature 3", "row 3"
    first: int = 0  # the number row 0 has in messages: a batch of a larger table starts later

    def __len__(self) -> int:
        return len(self.ids)

    def where(self, row: int) -> str:
        """Where row *row* is, as messages say it."""
        return self.wheres.get(row) or f"{self.unit} {self.first + row}"

    def add(self, raw: RawFeature) -> None:
        """*raw* as the next row."""
        row = len(self.ids)
        for column in (self.ids, self.names, self.layers, self.whens, self.descriptions,
                       self.precisions, self.sources, self.lons, self.lats):
            column.append(None)
        self.put(row, raw)

    def put(self, row: int, raw: RawFeature) -> None:
        """*raw* as row *row*, in place of what the row held (a refused row's other entries
        are never read)."""
        if raw.where != f"{self.unit} {self.first + row}":
            self.wheres[row] = raw.where
        props = raw.properties
        if raw.problem or type(props) is not dict:
            self.refused[row] = ("", raw.problem) if raw.problem else (
                "properties", "missing or not an object")
            return
        get = props.get
        self.ids[row] = get("id", raw.fallback_id)
        self.names[row], self.layers[row], self.whens[row] = get("name"), get("layer"), get("when")
        self.descriptions[row], self.precisions[row] = get("description"), get("precision")
        self.sources[row] = get("sources")
        if not COLUMN_KEYS.issuperset(props):
            self.others[row] = {k: v for k, v in props.items() if k not in COLUMN_KEYS}
        if is_position(raw.geometry):
            self.lons[row], self.lats[row] = raw.geometry["coordinates"]
        else:
            self.shapes[row] = raw.geometry
            self.lons[row] = self.lats[row] = None
        if raw.field_problems:
            self.field_problems[row] = raw.field_problems

    @classmethod
    def of(cls, features: Iterable[RawFeature], unit: str = "feature",
           first: int = 0) -> RawColumns:
        """*features* as columns (row 0 numbered *first* in messages)."""
        columns = cls(unit=unit, first=first)
        for raw in features:
            columns.add(raw)
        return columns


@dataclass(frozen=True)
class RawCollection:
    """One file as read: its rows and its collection-level members."""

    file: str
    columns: RawColumns
    members: dict[str, Any] = field(default_factory=dict)  # title, layers, periods, ...
    # Formats where a place may lack a geometry (LPF, LP-TSV): such a feature is kept out of
    # the map with a warning ("not located: not drawn"), not refused.
    geometry_optional: bool = False
    # The layer of rows that name none (the file's name); validation says which rows it took
    # when others name one. Empty: the reader gave every row its layer.
    default_layer: str = ""

    @classmethod
    def of(cls, file: str, features: Iterable[RawFeature], members: dict[str, Any] | None = None,
           *, geometry_optional: bool = False, default_layer: str = "") -> RawCollection:
        """A collection of features read one at a time."""
        return cls(file, RawColumns.of(features), members or {}, geometry_optional,
                   default_layer)

    @property
    def count(self) -> int:
        """How many features it holds."""
        return len(self.columns)
