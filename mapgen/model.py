"""The data model: frozen data classes, built once by validation and never mutated."""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from mapgen.dates import Span, window_words
from mapgen.errors import Problem

COLOR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")  # what a layer colour may be
PALETTE = ("#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#b8860b")


def palette(count: int) -> tuple[str, ...]:
    """Layer colours for *count* layers: mapgen's own eight, or past eight, colorcet's 256
    distinct glasbey_category10 colours, so a map of 37 layers does not repeat a colour every
    eight (colorcet is imported only then: with matplotlib, a few tenths of a second)."""
    if count <= len(PALETTE):
        return PALETTE
    import colorcet

    return tuple(colorcet.b_glasbey_category10)


@contextmanager
def many_objects() -> Iterator[None]:
    """Cyclic garbage collection paused while a load builds its objects: a parsed file and
    the places made from it are millions of containers without a cycle, which every automatic
    collection would walk again (half the time of a 100,000-place load). Refcounting still
    frees them; the collector runs again afterwards as before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    def undated(self) -> bool:
        """A place with no span: a gazetteer entry without a date. A period filter leaves it
        out unless asked to keep it; the map shows it with the undated style."""
        return not self.spans

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
        """The period in words at the precision it was given ("1986–2013", "March 1986"), as
        titles and legends state it; a named period with its name."""
        if self.unbounded:
            return ""
        text = window_words(self.start, self.end)
        return f"{self.name} ({text})" if self.name else text


@dataclass(frozen=True)
class LoadReport:
    """What loading left out: features skipped as invalid (with ``skip_invalid``), each with
    its problems, and places not drawn because they have no location (a warning)."""

    features: int = 0  # features read, in all sources
    skipped: int = 0  # features left out as invalid
    problems: tuple[Problem, ...] = ()  # the skipped features' problems, located
    unlocated: tuple[Problem, ...] = ()  # "not located: not drawn", one per feature


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
    report: LoadReport = field(default_factory=LoadReport, compare=False)  # set by load()

    def layer(self, key: str) -> Layer:
        return next(layer for layer in self.layers if layer.key == key)

    def named_period(self, name: str) -> Span | None:
        return dict(self.periods).get(name)

    def with_places(self, places: tuple[Place, ...], **changes: Any) -> Dataset:
        """The same dataset holding other places; layers left without places are dropped."""
        used = {p.layer for p in places}
        layers = tuple(layer for layer in self.layers if layer.key in used)
        return replace(self, places=places, layers=layers, **changes)
