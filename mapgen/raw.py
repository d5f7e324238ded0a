"""What every reader hands to validation: features as plain dicts, each with its location."""

from __future__ import annotations

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


# The properties a feature in columns may hold (mapgen's own, no name_<lang>, no extra).
COLUMN_KEYS = frozenset(("id", "name", "layer", "when", "description", "sources", "precision"))


class RawSource(msgspec.Struct, forbid_unknown_fields=True):
    """A source as a typed reader decodes it, {title, url} and nothing else: a tenth of the
    memory of a dict. Either may be missing (None) or of any type; validation checks them."""

    title: Any = None
    url: Any = None


def plain_sources(sources: Any) -> Any:
    """A sources value as the JSON held it, for the feature-by-feature checker: RawSource
    entries as {title, url} dicts, anything else as it is."""
    if type(sources) is not list:
        return sources
    return [{"title": e.title, "url": e.url} if type(e) is RawSource else e for e in sources]


@dataclass(frozen=True)
class RawColumns:
    """Features read straight into columns, one entry a row, unchecked: what a streaming
    reader hands over for the common shape (only COLUMN_KEYS as properties, a two-number
    Point), so that validation checks a column at once instead of a feature at a time.
    A row in any other shape waits in *irregular*, checked on its own; its column entries
    are None. Row *n* is "feature n" in messages (or *unit* n; *first* + n in a batch)."""

    ids: list[Any]  # the properties' id, else the Feature's own
    names: list[Any]
    layers: list[Any]
    whens: list[Any]
    descriptions: list[Any]
    precisions: list[Any]
    sources: list[Any]
    lons: list[Any]
    lats: list[Any]
    irregular: dict[int, RawFeature] = field(default_factory=dict)
    unit: str = "feature"  # what a message calls a row: "feature 3", "row 3"
    first: int = 0  # the number row 0 has in messages: a batch of a larger table starts later

    def __len__(self) -> int:
        return len(self.ids)

    def feature(self, row: int) -> RawFeature:
        """Row *row* as the RawFeature it was read from."""
        if row in self.irregular:
            return self.irregular[row]
        sources = plain_sources(self.sources[row])
        properties = {
            "id": self.ids[row], "name": self.names[row], "layer": self.layers[row],
            "when": self.whens[row], "description": self.descriptions[row],
            "sources": sources, "precision": self.precisions[row],
        }
        geometry = {"type": "Point", "coordinates": [self.lons[row], self.lats[row]]}
        return RawFeature(f"{self.unit} {self.first + row}", properties, geometry)


@dataclass(frozen=True)
class RawCollection:
    file: str
    features: tuple[RawFeature, ...]
    members: dict[str, Any] = field(default_factory=dict)  # title, layers, periods, ...
    # Formats where a place may lack a geometry (LPF, LP-TSV): such a feature is kept out of
    # the map with a warning ("not located: not drawn"), not refused.
    geometry_optional: bool = False
    columns: RawColumns | None = None  # the features, when a streaming reader read them

    @property
    def count(self) -> int:
        """How many features it holds."""
        return len(self.columns) if self.columns is not None else len(self.features)
