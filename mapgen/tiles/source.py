"""Sources a batch at a time, each batch checked by the rules every load meets.

GeoParquet, Parquet and Arrow IPC files, and folders of them (a partitioned dataset), are
read through ``pyarrow.dataset`` a batch of rows at a time (`mapgen.read.arrow`), so a table
of any length costs the memory of one batch. Any other format mapgen reads is read whole, as
`mapgen.load` reads it, and handed on as one batch.

Ids must be unique across everything read, as in one load. A first pass hashes every id (8
bytes a place, the ids column alone for a table); only the ids whose hash repeats are then
followed through the batches, so that a repeat in a later batch is reported by validation
itself, as "duplicate id 'x', also at places.parquet: row 12".
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapgen.errors import DataError, Problem
from mapgen.fields import Fields
from mapgen.model import Dataset, Layer
from mapgen.raw import RawCollection
from mapgen.read import input_format, read
from mapgen.read.arrow import arrow_batches, arrow_ids
from mapgen.validate import layers_of, validate

if TYPE_CHECKING:
    from mapgen.datetext import DateOptions

DEFAULT_ROWS = 50_000  # rows a batch: about 70 MB of Python objects while it is checked
STREAMED = ("parquet", "arrow")


@dataclass
class Reading:
    """What reading every batch found, for the command's report and the page: features
    read, those skipped as invalid (with their problems), those not located, the problems
    that refuse the sources, the collection's texts, and the layers in the order met."""

    features: int = 0
    skipped: int = 0
    skipped_problems: list[Problem] = field(default_factory=list)
    unlocated: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # title, description, attribution
    keys: dict[str, None] = field(default_factory=dict)  # layer keys, in the order met
    declared: tuple[Layer, ...] = ()  # layers as a whole file's members declare them

    def layers(self) -> tuple[Layer, ...]:
        """The layers of everything read, as one load would make them."""
        if self.declared:
            known = {layer.key: layer for layer in self.declared}
            if set(self.keys) <= set(known):
                return tuple(known[key] for key in known if key in self.keys)
        return layers_of(self.keys)


@dataclass(frozen=True)
class Source:
    path: Path
    label: str
    kind: str


def sources_of(paths: Iterable[str | os.PathLike[str]], format: str | None) -> list[Source]:
    out = []
    for given in paths:
        path = Path(given)
        kind = format or ("parquet" if path.is_dir() else input_format(path))
        out.append(Source(path, str(given), kind or ""))
    return out


def _id_hashes(ids: list[Any]) -> Any:
    """A 64-bit hash of each id as validation reads it (an integer as its text)."""
    import numpy

    texts = (str(v) if type(v) is int else v for v in ids)
    return numpy.fromiter((hash(v) if type(v) is str else 0 for v in texts),
                          dtype=numpy.int64, count=len(ids))


def batches(
    paths: Iterable[str | os.PathLike[str]], reading: Reading, *, format: str | None = None,
    fields: Fields | None = None, dates: DateOptions | None = None, skip_invalid: bool = False,
    rows: int = DEFAULT_ROWS,
) -> Iterator[Dataset]:
    """The places of *paths*, a checked batch at a time (only valid places; with
    *skip_invalid* the invalid ones are left out and counted in *reading*). Problems are
    gathered in *reading*: once one is found no more batches are yielded, but every batch
    is still checked, so that all problems are listed."""
    import numpy

    chosen = fields or Fields()
    sources = sources_of(paths, format)
    whole: dict[int, RawCollection] = {}
    hashes = []
    for number, source in enumerate(sources):
        if source.kind in STREAMED:
            hashes += [_id_hashes(ids) for ids in arrow_ids(
                source.path, source.label, chosen, source.kind, rows * 4, len(sources) > 1)]
        else:
            whole[number] = read(source.path, format=format, fields=chosen, dates=dates)
            hashes.append(_id_hashes(whole[number].columns.ids))
    every = numpy.concatenate(hashes) if hashes else numpy.zeros(0, numpy.int64)
    hashes.clear()
    every.sort()  # in place: 8 bytes a place, once
    repeated = set(every[1:][every[1:] == every[:-1]].tolist()) - {0}
    del every
    first_at: dict[str, str] = {}  # each repeated id → where it was first met

    def check(collection: RawCollection) -> Dataset | None:
        seen = dict(first_at)
        try:
            dataset = validate([collection], skip_invalid=skip_invalid, seen=seen)
        except DataError as exc:
            found = list(exc.problems)
            if skip_invalid and found and found[-1].message.endswith("features are invalid"):
                reading.skipped += collection.count  # a batch with no valid place left
                reading.skipped_problems += found[:-1]
                dataset = None
            else:
                reading.problems += found
                dataset = None
        if repeated:
            ids = collection.columns.ids
            columns = collection.columns
            for row, value in enumerate(ids):
                key = str(value) if type(value) is int else value
                if type(key) is str and hash(key) in repeated and key not in first_at:
                    first_at[key] = f"{collection.file}: {columns.where(row)}"
        reading.features += collection.count
        if dataset is None:
            return None
        report = dataset.report
        reading.skipped += report.skipped
        reading.skipped_problems += report.problems
        reading.unlocated += report.unlocated
        for key in ("title", "description", "attribution"):
            if not reading.texts.get(key) and getattr(dataset, key):
                reading.texts[key] = getattr(dataset, key)
        reading.keys.update(dict.fromkeys(dataset.places.layers))
        return dataset

    for number, source in enumerate(sources):
        if number in whole:
            raw = whole.pop(number)
            dataset = check(raw)
            if dataset is not None and raw.members.get("layers") and not reading.declared:
                reading.declared = dataset.layers
            del raw
            parts: Iterable[Dataset | None] = [dataset]
        else:
            parts = (check(collection) for collection in arrow_batches(
                source.path, source.label, chosen, source.kind, rows, dates))
        for dataset in parts:
            if dataset is not None and not reading.problems:
                yield dataset
    if not reading.problems and reading.skipped and reading.skipped == reading.features:
        labels = ", ".join(source.label for source in sources)
        reading.problems.append(Problem(labels, f"all {reading.features} features are invalid"))
