"""Crowded maps: how big and how opaque markers are drawn when there are many, and which
places can still carry a name.

Full-size markers drawn layer after layer make a map of thousands of places a blot in the
last layer's colour. Past :data:`DENSE_POINTS` markers, every point is drawn as one small dot
in one interleaved pass (no layer always on top), sized and faded by how many markers share
a spot, and names go only to places with room around them: there a name points at one dot
without doubt. Pure numpy over positions in points; numpy is imported inside functions so
that `mapgen --help` stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

DENSE_POINTS = 1000  # markers: up to this many, each layer keeps its full-size markers
CELL = 8.0  # points: the biggest marker; markers in one cell overlap
FULL_DOT = 8.0  # points: the dot's diameter where markers do not crowd
MIN_DOT = 1.2  # points: about 3 pixels at 200 dpi, still a visible dot
MIN_ALPHA = 0.25  # the faintest a dot is drawn: one dot alone must still show its colour
ROOM = 24.0  # points: a place with no other place this close (or closer) can carry a name
NEIGHBOURS = tuple((di, dj) for di in (-1, 0, 1) for dj in (-1, 0, 1))
_ROW = 1 << 32  # cell keys: row * _ROW + column; pages are far smaller than 2**31 cells


@dataclass(frozen=True)
class Dots:
    """How each marker of a crowded map is drawn, in the order of the positions given."""

    sizes: NDArray[np.float64]  # diameters in points
    alphas: NDArray[np.float64]


def crowding(xy: NDArray[np.float64], cell: float = CELL) -> NDArray[np.float64]:
    """How many markers share each marker's spot: the count in the *cell*-point grid cell it
    falls in, or the mean count over that cell and the eight around it when that is more (a
    marker does not look alone because a cell edge falls next to it); 1 at least."""
    import numpy as np

    if not len(xy):
        return np.zeros(0, dtype=np.float64)
    occupied, counts = np.unique(_keys(xy, cell), return_counts=True)

    def count(keys: NDArray[np.int64]) -> NDArray[np.float64]:
        at = np.searchsorted(occupied, keys).clip(max=len(occupied) - 1)
        return np.where(occupied[at] == keys, counts[at], 0).astype(np.float64)

    block = sum(count(_keys(xy, cell, shift)) for shift in NEIGHBOURS) / len(NEIGHBOURS)
    return np.maximum(np.maximum(count(_keys(xy, cell)), block), 1.0)


def dot_style(crowd: NDArray[np.float64]) -> Dots:
    """Dots that shrink and fade where markers crowd, so that where they pile up every layer
    still shows in proportion, while a dot on its own stays full size and opaque: a quarter
    of the size and half the opacity where sixteen share a spot."""
    import numpy as np

    root = np.sqrt(crowd)
    return Dots(np.clip(FULL_DOT / root, MIN_DOT, FULL_DOT), np.clip(2.0 / root, MIN_ALPHA, 1.0))


def interleave(count: int) -> NDArray[np.intp]:
    """A fixed shuffled drawing order of *count* markers: the same for the same count on every
    run and machine (numpy's PCG64 stream is stable), so that no layer is always on top."""
    import numpy as np

    return np.random.default_rng(0).permutation(count)


def _keys(
    xy: NDArray[np.float64], size: float, shift: tuple[int, int] = (0, 0)
) -> NDArray[np.int64]:
    """One integer per position naming its *size*-point grid cell (moved by *shift* cells)."""
    import numpy as np

    cells = np.floor(xy / size).astype(np.int64)
    return (cells[:, 0] + shift[0]) * _ROW + (cells[:, 1] + shift[1])


def roomy(xy: NDArray[np.float64], room: float = ROOM) -> NDArray[np.bool_]:
    """Which positions have no other position in their own *room*-point grid cell or the
    eight around it, so none within *room* points (and some up to twice as far)."""
    import numpy as np

    keys = _keys(xy, room)
    occupied, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    alone = counts[inverse.ravel()] == 1
    for shift in NEIGHBOURS:
        if shift != (0, 0):
            alone &= ~np.isin(_keys(xy, room, shift), occupied)
    return alone


def near(xy: NDArray[np.float64], anchors: NDArray[np.float64], reach: float) -> NDArray[np.bool_]:
    """Which positions lie within about *reach* points of some anchor (in the same *reach*
    grid cell or one next to it): the only markers a label at those anchors could hide."""
    import numpy as np

    wanted = np.concatenate([_keys(anchors, reach, shift) for shift in NEIGHBOURS])
    return np.isin(_keys(xy, reach), wanted)
