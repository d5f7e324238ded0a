"""The data model: frozen data classes and read-only columns, built once by validation and
never mutated."""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from itertools import accumulate, compress, count, islice, pairwise
from operator import eq
from types import MappingProxyType
from typing import Any, overload

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
    frees them; the collector runs again afterwards as before. What the pause made is then
    moved to the oldest generation (`gc.freeze` then `gc.unfreeze`: a list splice, nothing
    walked), as the survivors of the collections skipped would have been: left in the youngest,
    the first collection after the pause walked them all (0.2 s after reading 100,000 places,
    and again after validating them)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.unfreeze()
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


def property_text(value: Any) -> str:
    """An extra property's value as text, as a CSV cell or a popup shows it: text as it is,
    any other JSON value (a number, true, a list) as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True, eq=False)
class Places(Sequence[Place]):
    """A dataset's places as columns, one row per place: what loading builds and renderers
    read, so 100,000 places are a few dozen lists, not 100,000 objects with their tuples and
    dicts. Indexing or iterating makes a `Place` for callers that want one, when asked. The
    columns are tuples and read-only mappings: a Places is never changed, only made anew.

    A Point's position is in *lons*/*lats* (its *geometries* entry is None); any other
    geometry is its GeoJSON dict there. The spans of row *i* are
    ``spans[span_starts[i]:span_starts[i + 1]]``; its sources' titles and URLs the same
    slice of *source_titles* and *source_urls* by *source_starts*. Other names and extra
    properties, which few places have, are kept by row."""

    ids: Sequence[str]
    names: Sequence[str]
    layers: Sequence[str]
    lons: Sequence[float | None]
    lats: Sequence[float | None]
    geometries: Sequence[dict[str, Any] | None]
    span_starts: Sequence[int]  # one more than rows
    spans: Sequence[Span]
    descriptions: Sequence[str]
    precisions: Sequence[str]
    source_starts: Sequence[int]  # one more than rows
    source_titles: Sequence[str]
    source_urls: Sequence[str]
    other_names: Mapping[int, tuple[tuple[str, str], ...]] = field(
        default_factory=lambda: MappingProxyType({}))
    extras: Mapping[int, tuple[tuple[str, Any], ...]] = field(
        default_factory=lambda: MappingProxyType({}))

    def __len__(self) -> int:
        return len(self.ids)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its columns, the mappings as dicts (a mappingproxy does not pickle):
        `mapgen tiles` hands batches from its reading process to the one that tiles."""
        columns = [getattr(self, f.name) for f in fields(self)]
        return _unpickle_places, (*columns[:-2], dict(self.other_names), dict(self.extras))

    @overload
    def __getitem__(self, row: int) -> Place: ...
    @overload
    def __getitem__(self, row: slice) -> Places: ...
    def __getitem__(self, row: int | slice) -> Place | Places:
        if isinstance(row, slice):
            return Places.of(map(self.__getitem__, range(len(self))[row]))
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError("place index out of range")
        return Place(
            self.ids[row],
            self.names[row],
            self.layers[row],
            self.geometry(row),
            tuple(self.spans[self.span_starts[row] : self.span_starts[row + 1]]),
            self.descriptions[row],
            self.sources(row),
            self.precisions[row],
            self.other_names.get(row, ()),
            self.extras.get(row, ()),
        )

    def __iter__(self) -> Iterator[Place]:
        return map(self.__getitem__, range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Places):
            return all(getattr(self, f.name) == getattr(other, f.name) for f in fields(self))
        if isinstance(other, Sequence):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a geometry is a dict: unhashable, as Place

    def __repr__(self) -> str:
        return f"<Places: {len(self)}>"

    def geometry(self, row: int) -> dict[str, Any]:
        """Row *row*'s GeoJSON geometry."""
        geometry = self.geometries[row]
        if geometry is None:
            return {"type": "Point", "coordinates": [self.lons[row], self.lats[row]]}
        return geometry

    def sources(self, row: int) -> tuple[Source, ...]:
        """Row *row*'s sources."""
        first, end = self.source_starts[row], self.source_starts[row + 1]
        return tuple(map(Source, self.source_titles[first:end], self.source_urls[first:end]))

    def span_rows(self) -> Iterator[tuple[int, int]]:
        """(first, end) of each row's spans in `spans`, in row order."""
        return pairwise(self.span_starts)

    def names_in(self, lang: str) -> list[str]:
        """Each place's name in *lang* (its ``name_<lang>``) when it has one, else its name:
        what a reader of *lang* sees first."""
        names = list(self.names)
        for row, pairs in self.other_names.items():
            names[row] = next((name for code, name in pairs if code == lang), names[row])
        return names

    def other_names_in(self, lang: str) -> dict[int, tuple[tuple[str, str], ...]]:
        """The other names of each place whose name is shown in *lang* (`names_in`): its own
        name first (language unknown, ""), then the rest in their order."""
        others = dict(self.other_names)
        for row, pairs in self.other_names.items():
            if any(code == lang for code, _ in pairs):
                shown = next(name for code, name in pairs if code == lang)
                rest = tuple(pair for pair in pairs if pair[0] != lang)
                others[row] = tuple(p for p in (("", self.names[row]), *rest) if p[1] != shown)
        return others

    def in_language(self, lang: str) -> Places:
        """The same places with each name shown in *lang* where it has one, and its other
        names after it (`names_in`, `other_names_in`)."""
        if not any(code == lang for pairs in self.other_names.values() for code, _ in pairs):
            return self
        return replace(self, names=self.names_in(lang), other_names=self.other_names_in(lang))

    def undated(self) -> list[int]:
        """The rows with no span (found at C speed: a map and the CLI's summary ask)."""
        starts = self.span_starts
        return list(compress(count(), map(eq, starts, islice(starts, 1, None))))

    def take(self, rows: Iterable[int]) -> Places:
        """The places of *rows*, in the order given (a row given twice is there twice)."""
        rows = list(rows)
        if rows == list(range(len(self))):
            return self
        build = PlacesBuilder()
        for name in ("ids", "names", "layers", "lons", "lats", "geometries", "descriptions",
                     "precisions"):
            values = getattr(self, name)
            setattr(build, name, [values[row] for row in rows])
        for new, row in enumerate(rows):
            build.spans += self.spans[self.span_starts[row] : self.span_starts[row + 1]]
            build.span_starts.append(len(build.spans))
            first, end = self.source_starts[row], self.source_starts[row + 1]
            build.source_titles += self.source_titles[first:end]
            build.source_urls += self.source_urls[first:end]
            build.source_starts.append(len(build.source_urls))
            if row in self.other_names:
                build.other_names[new] = self.other_names[row]
            if row in self.extras:
                build.extras[new] = self.extras[row]
        return build.places()

    def relayered(self, layers: Sequence[str]) -> Places:
        """The same places in other layers, one key a row."""
        return replace(self, layers=tuple(layers))

    @classmethod
    def of(cls, places: Iterable[Place]) -> Places:
        """Columns of *places* (a Places as it is)."""
        if isinstance(places, Places):
            return places
        build = PlacesBuilder()
        for place in places:
            build.add(place)
        return build.places()


class PlacesBuilder:
    """Columns filled a place at a time (`add`), or a valid row at a time by loading's quick
    path (`add_row`), then frozen into `Places`."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.names: list[str] = []
        self.layers: list[str] = []
        self.lons: list[float | None] = []
        self.lats: list[float | None] = []
        self.geometries: list[dict[str, Any] | None] = []
        self.span_starts: list[int] = [0]
        self.spans: list[Span] = []
        self.descriptions: list[str] = []
        self.precisions: list[str] = []
        self.source_starts: list[int] = [0]
        self.source_titles: list[str] = []
        self.source_urls: list[str] = []
        self.other_names: dict[int, tuple[tuple[str, str], ...]] = {}
        self.extras: dict[int, tuple[tuple[str, Any], ...]] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, place: Place) -> None:
        geometry = place.geometry
        coords = geometry.get("coordinates")
        point = (
            geometry.get("type") == "Point" and len(geometry) == 2 and len(coords) == 2
        )
        self.add_row(
            place.id, place.name, place.layer,
            coords[0] if point else None, coords[1] if point else None,
            None if point else geometry,
            place.spans, place.description, place.sources, place.precision,
            place.names, place.extra,
        )

    def add_row(
        self, id: str, name: str, layer: str, lon: float | None, lat: float | None,
        geometry: dict[str, Any] | None, spans: Iterable[Span], description: str,
        sources: Iterable[Source], precision: str,
        names: tuple[tuple[str, str], ...] = (), extra: tuple[tuple[str, Any], ...] = (),
    ) -> None:
        row = len(self.ids)
        self.ids.append(id)
        self.names.append(name)
        self.layers.append(layer)
        self.lons.append(lon)
        self.lats.append(lat)
        self.geometries.append(geometry)
        self.spans += spans
        self.span_starts.append(len(self.spans))
        self.descriptions.append(description)
        self.precisions.append(precision)
        for source in sources:
            self.source_titles.append(source.title)
            self.source_urls.append(source.url)
        self.source_starts.append(len(self.source_urls))
        if names:
            self.other_names[row] = names
        if extra:
            self.extras[row] = extra

    def extend(
        self, ids: list[str], names: list[str], layers: list[str], lons: list[float | None],
        lats: list[float | None], descriptions: list[str], precisions: list[str],
        spans: tuple[list[Span], Iterable[int]],
        sources: tuple[list[str], list[str], Iterable[int]],
        shapes: dict[int, dict[str, Any]] | None = None,
        other_names: dict[int, tuple[tuple[str, str], ...]] | None = None,
        extras: dict[int, tuple[tuple[str, Any], ...]] | None = None,
    ) -> None:
        """Rows a column at a time; *spans* as (all of them in row order, how many each row
        has), *sources* as (titles, URLs, how many each row has). What few rows have is
        given by their position among these rows: a geometry other than a two-number Point
        (*shapes*; lons and lats None there), other names and extra properties."""
        first = len(self.ids)
        self.ids += ids
        self.names += names
        self.layers += layers
        self.lons += lons
        self.lats += lats
        self.geometries += [None] * len(ids)
        for row, shape in (shapes or {}).items():
            self.geometries[first + row] = shape
            self.lons[first + row] = self.lats[first + row] = None
        self.descriptions += descriptions
        self.precisions += precisions
        # each row's first span follows the last row's spans: the last start is the first
        self.span_starts += accumulate(spans[1], initial=self.span_starts.pop())
        self.spans += spans[0]
        self.source_starts += accumulate(sources[2], initial=self.source_starts.pop())
        self.source_titles += sources[0]
        self.source_urls += sources[1]
        self.other_names.update({first + row: v for row, v in (other_names or {}).items()})
        self.extras.update({first + row: v for row, v in (extras or {}).items()})

    def places(self) -> Places:
        """The columns as `Places`: tuples and read-only mappings, so that neither this
        builder nor a reader can change a place afterwards."""
        return Places(
            tuple(self.ids), tuple(self.names), tuple(self.layers), tuple(self.lons),
            tuple(self.lats), tuple(self.geometries), tuple(self.span_starts),
            tuple(self.spans), tuple(self.descriptions), tuple(self.precisions),
            tuple(self.source_starts), tuple(self.source_titles), tuple(self.source_urls),
            MappingProxyType(dict(self.other_names)), MappingProxyType(dict(self.extras)),
        )


def _unpickle_places(*columns: Any) -> Places:
    *rest, other_names, extras = columns
    return Places(*rest, MappingProxyType(other_names), MappingProxyType(extras))


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

    def label(self, lang: str = "en") -> str:
        """The period in words at the precision it was given ("1986–2013", "March 1986"), as
        titles and legends state it, in *lang*; a named period with its name."""
        if self.unbounded:
            return ""
        text = window_words(self.start, self.end, lang)
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

    places: Places  # any sequence of Place given is kept as Places
    layers: tuple[Layer, ...]
    title: str = "mapgen map"
    description: str = ""
    attribution: str = ""
    periods: tuple[tuple[str, Span], ...] = ()
    sources: tuple[str, ...] = field(default=(), compare=False)  # files it came from
    period: Period | None = field(default=None, compare=False)  # set by select()
    report: LoadReport = field(default_factory=LoadReport, compare=False)  # set by load()

    def __post_init__(self) -> None:
        object.__setattr__(self, "places", Places.of(self.places))

    def layer(self, key: str) -> Layer:
        return next(layer for layer in self.layers if layer.key == key)

    def named_period(self, name: str) -> Span | None:
        return dict(self.periods).get(name)

    def in_language(self, lang: str) -> Dataset:
        """The same dataset, its places named in *lang* first (`Places.in_language`)."""
        places = self.places.in_language(lang)
        return self if places is self.places else replace(self, places=places)

    def with_places(self, places: Iterable[Place], **changes: Any) -> Dataset:
        """The same dataset holding other places; layers left without places are dropped."""
        places = Places.of(places)
        used = set(places.layers)
        layers = tuple(layer for layer in self.layers if layer.key in used)
        return replace(self, places=places, layers=layers, **changes)
