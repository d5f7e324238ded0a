"""The data model: frozen data classes, built once by validation and never mutated."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from mapgen.dates import Span, iso_date

PALETTE = ("#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#b8860b")


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Layer:
    """A category of places: one toggleable map layer with its colour and legend label."""

    key: str
    label: str
    color: str
    order: int
    path: bool = False  # join this layer's places by a movement path in time order


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    name: str
    layer: str
    geometry: dict[str, Any]  # GeoJSON geometry, coordinates [lon, lat]
    spans: tuple[Span, ...]
    description: str = ""
    sources: tuple[Source, ...] = ()
    precision: str = ""
    names: tuple[tuple[str, str], ...] = ()  # (language, name) from name_<lang>
    extra: tuple[tuple[str, Any], ...] = ()  # other properties, kept for export

    @property
    def first_day(self) -> int | None:
        """Earliest narrow start, for ordering places in time (None sorts first)."""
        starts = [s.start_narrow for s in self.spans]
        known = [d for d in starts if d is not None]
        return None if len(known) < len(starts) or not known else min(known)


@dataclass(frozen=True)
class Period:
    """A closed window of day numbers; ``None`` leaves that side unbounded."""

    start: int | None = None
    end: int | None = None
    name: str = ""
    strict: bool = False

    @property
    def unbounded(self) -> bool:
        return self.start is None and self.end is None

    def label(self) -> str:
        """How the map's title states the period."""
        if self.unbounded:
            return ""
        lo = iso_date(self.start) if self.start is not None else "…"
        hi = iso_date(self.end) if self.end is not None else "…"
        text = lo if lo == hi else f"{lo} – {hi}"
        return f"{self.name} ({text})" if self.name else text


@dataclass(frozen=True)
class Dataset:
    """Places with their layers and named periods, plus the collection's own texts."""

    places: tuple[Place, ...]
    layers: tuple[Layer, ...]
    title: str = "mapgen map"
    description: str = ""
    attribution: str = ""
    periods: tuple[tuple[str, Span], ...] = ()
    sources: tuple[str, ...] = field(default=(), compare=False)  # files it came from
    period: Period | None = field(default=None, compare=False)  # set by select()

    def layer(self, key: str) -> Layer:
        return next(layer for layer in self.layers if layer.key == key)

    def named_period(self, name: str) -> Span | None:
        return dict(self.periods).get(name)

    def with_places(self, places: tuple[Place, ...], **changes: Any) -> Dataset:
        """The same dataset holding other places; layers left without places are dropped."""
        used = {p.layer for p in places}
        layers = tuple(layer for layer in self.layers if layer.key in used)
        return replace(self, places=places, layers=layers, **changes)
