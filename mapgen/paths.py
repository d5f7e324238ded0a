"""Movement paths: for layers marked `path`, the moves from place to place in time order."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from mapgen.model import Dataset


@dataclass(frozen=True)
class Move:
    """A move between two places of one layer, dated by the start of the span it leads to
    (earliest and latest reading of that start)."""

    layer: str
    origin: int  # index into dataset.places
    destination: int
    day_from: int
    day_to: int


def movements(dataset: Dataset) -> tuple[Move, ...]:
    """Every span start of a path layer, in time order, joined to the one before it. A place
    with two spans (Paris 1981–1986 and 2003–) is visited twice; open starts are skipped."""
    moves: list[Move] = []
    for layer in dataset.layers:
        if not layer.path:
            continue
        places = dataset.places
        stops = sorted(
            (span.start_narrow, span.start_wide, row)
            for row, (first, end) in enumerate(places.span_rows())
            if places.layers[row] == layer.key
            for span in places.spans[first:end]
            if span.start_narrow is not None
        )
        for (_, _, origin), (narrow, wide, destination) in pairwise(stops):
            if origin != destination:
                moves.append(Move(layer.key, origin, destination, wide, narrow))
    return tuple(moves)
