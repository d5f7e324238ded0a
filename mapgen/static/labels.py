"""Where place names go on a static map: points and boxes in, placements out.

Pure geometry in points from the figure's corner — no matplotlib — so that the placer can be
read, tested and tuned on its own. The steps, in the order :func:`arrange_labels` runs them:
group the names of places that sit at one spot into blocks (:func:`group_names`), measure
each block (:func:`block_size`), and place blocks greedily, biggest first, where they hide
no marker, arrow, legend or other label (:func:`place_labels`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in points from the figure's corner
Point = tuple[float, float]

# Right first (text reads on from the place), then the other sides, as cartographers do; then
# positions slid along each side, for tall blocks in tight spots.
DIRECTIONS = (
    *((1, 0), (1, 1), (1, -1), (-1, 0), (-1, 1), (-1, -1), (0, 1), (0, -1)),
    *((1, 0.5), (1, -0.5), (-1, 0.5), (-1, -0.5), (0.5, 1), (-0.5, 1), (0.5, -1), (-0.5, -1)),
)
LEADER = 10.0  # points: a label further than this from its place gets a leader line
GROUP_RADII = (4.0, 8.0, 16.0)  # points: places this close share a block, tried in turn


@dataclass(frozen=True)
class Name:
    """One place's name as a label needs it: where the place is and the name's lines."""

    anchor: Point  # lon, lat: where the block is attached on the map
    at: Point  # the same spot in points from the figure's corner
    lines: tuple[str, ...]  # the name, wrapped
    color: str  # its layer's colour


@dataclass(frozen=True)
class Block:
    """The names of the places at one spot, one or more lines each, in layer colours."""

    anchor: Point  # lon, lat
    at: Point  # points from the figure's corner
    lines: tuple[tuple[str, str], ...]  # (text, colour)
    places: int


def grow(box: Box, by: float) -> Box:
    """*box* with *by* points more on every side (less, when *by* is negative)."""
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)


def square(xy: Point, size: float) -> Box:
    """The box of side *size* centred on *xy*."""
    return (xy[0] - size / 2, xy[1] - size / 2, xy[0] + size / 2, xy[1] + size / 2)


def nearest(box: Box, x: float, y: float) -> Point:
    """The point of *box* nearest to (x, y): where a leader line meets the label."""
    return (min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3]))


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(a: Box, frame: Box) -> bool:
    return frame[0] <= a[0] and frame[1] <= a[1] and a[2] <= frame[2] and a[3] <= frame[3]


def _bbox(a: Point, b: Point) -> Box:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))


def _crosses(a: Point, b: Point, box: Box) -> bool:
    """Whether the segment a–b passes through *box* (Liang–Barsky clipping)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    low, high = 0.0, 1.0
    for p, q in (
        (-dx, a[0] - box[0]),
        (dx, box[2] - a[0]),
        (-dy, a[1] - box[1]),
        (dy, box[3] - a[1]),
    ):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        low, high = (max(low, t), high) if p < 0 else (low, min(high, t))
        if low > high:
            return False
    return True


def _cross(p: Point, q: Point, r: Point, s: Point) -> bool:
    """Whether segments p–q and r–s cross each other."""

    def turn(a: Point, b: Point, c: Point) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    return turn(r, s, p) * turn(r, s, q) < 0 and turn(p, q, r) * turn(p, q, s) < 0


def _candidates(
    x: float, y: float, w: float, h: float, gap: float, step: float, rings: int
) -> Iterator[Box]:
    """Boxes of size w × h around (x, y): the positions of DIRECTIONS next to it, then one
    *step* further out, and so on. A direction component of ±1 puts the box on that side,
    0 centres it, ±0.5 slides it half way past the centre."""
    for ring in range(rings):
        d = gap + ring * step
        for dx, dy in DIRECTIONS:
            left = x + d if dx == 1 else x - d - w if dx == -1 else x - w / 2 + dx * w
            low = y + d if dy == 1 else y - d - h if dy == -1 else y - h / 2 + dy * h
            yield (left, low, left + w, low + h)


class _Grid:
    """Items bucketed by the grid cells their boxes touch, so that a query looks at its
    neighbourhood only: a map may have thousands of places."""

    def __init__(self, cell: float = 32.0) -> None:
        self.cell = cell
        self.cells: dict[tuple[int, int], list[Any]] = {}

    def _keys(self, box: Box) -> Iterator[tuple[int, int]]:
        c = self.cell
        for i in range(math.floor(box[0] / c), math.floor(box[2] / c) + 1):
            for j in range(math.floor(box[1] / c), math.floor(box[3] / c) + 1):
                yield (i, j)

    def add(self, box: Box, item: Any) -> None:
        for key in self._keys(box):
            self.cells.setdefault(key, []).append(item)

    def near(self, box: Box) -> Iterator[Any]:
        """Items in the cells *box* touches (some more than once)."""
        for key in self._keys(box):
            yield from self.cells.get(key, ())


class _Placed:
    """What a label placed so far stands in the way of: taken room (obstacles and labels),
    the labels themselves, their leader lines, and every anchor."""

    def __init__(self, anchors: Sequence[Point], obstacles: Iterable[Box]) -> None:
        self.taken, self.labels, self.leaders, self.points = _Grid(), _Grid(), _Grid(), _Grid()
        for box in obstacles:
            self.taken.add(box, box)
        for index, (x, y) in enumerate(anchors):
            self.points.add((x, y, x, y), index)

    def blocked(self, box: Box, frame: Box) -> bool:
        """Whether *box* leaves the frame, overlaps taken room or covers a leader line."""
        if not _inside(box, frame) or any(_overlaps(box, t) for t in self.taken.near(box)):
            return True
        return any(_crosses(a, b, box) for a, b in self.leaders.near(box))

    def leader_blocked(self, leader: tuple[Point, Point]) -> bool:
        """Whether a leader line crosses a placed label or another leader."""
        near = _bbox(*leader)
        return any(_crosses(*leader, other) for other in self.labels.near(near)) or any(
            _cross(*leader, *other) for other in self.leaders.near(near)
        )

    def add(self, box: Box, leader: tuple[Point, Point] | None) -> None:
        self.taken.add(box, box)
        self.labels.add(box, box)
        if leader:
            self.leaders.add(_bbox(*leader), leader)


def place_labels(
    anchors: Sequence[Point],
    sizes: Sequence[tuple[float, float]],
    obstacles: Iterable[Box],
    frame: Box,
    *,
    gap: float = 5.0,  # half the biggest marker, and a point to spare
    step: float = 4.0,
    rings: int = 24,
) -> list[Box | None]:
    """Greedy label placement: each label, in the order given, takes the first candidate
    position (see :func:`_candidates`) inside *frame* that overlaps no obstacle and no label
    placed before it, whose leader line (if it needs one) crosses no placed label or leader,
    and that covers no earlier leader line. Preferred among those: a position nearer its own
    anchor than any other anchor, so that no label seems to name a neighbour. A label that
    fits nowhere gets None."""
    state = _Placed(anchors, obstacles)
    placed: list[Box | None] = []
    for index, ((x, y), (w, h)) in enumerate(zip(anchors, sizes, strict=True)):
        choice: tuple[Box, tuple[Point, Point] | None] | None = None
        for box in _candidates(x, y, w, h, gap, step, rings):
            if state.blocked(box, frame):
                continue
            end = nearest(box, x, y)
            reach = math.dist((x, y), end)
            leader = ((x, y), end) if reach > LEADER else None
            if leader and state.leader_blocked(leader):
                continue
            if not any(
                i != index and math.dist(anchors[i], nearest(box, *anchors[i])) <= reach
                for i in state.points.near(grow(box, reach))
            ):
                choice = (box, leader)
                break
            choice = choice or (box, leader)
        if choice is not None:
            state.add(*choice)
        placed.append(choice[0] if choice else None)
    return placed


def group_names(
    names: Sequence[Name], radius: float, most: int, more_color: str,
    more_words: Callable[[int], str],
) -> list[Block]:
    """One block per spot: each name joins the first block whose spot lies within *radius*
    points, in the order given (the default dataset has five places in Tehran and two
    spellings of Paris). A block names at most *most* places, then "+ N more" (*more_words*
    says it in the map's language)."""
    groups: list[tuple[Point, Point, list[Name]]] = []
    for name in names:
        group = next((g for g in groups if math.dist(g[1], name.at) <= radius), None)
        if group is None:
            groups.append((name.anchor, name.at, [name]))
        else:
            group[2].append(name)
    blocks = []
    for anchor, at, members in groups:
        shown = members[:most]
        lines = [(line, name.color) for name in shown for line in name.lines]
        if len(members) > len(shown):
            lines.append((more_words(len(members) - len(shown)), more_color))
        blocks.append(Block(anchor, at, tuple(lines), len(members)))
    return blocks


def block_size(
    block: Block, measure: Callable[[str], float], pad: float, leading: float
) -> tuple[float, float]:
    """Width and height of *block* in points: its widest line and its lines, padded."""
    return (
        max(measure(text) for text, _ in block.lines) + 2 * pad,
        len(block.lines) * leading + 2 * pad,
    )


def arrange_labels(
    names: Sequence[Name],
    measure: Callable[[str], float],
    obstacles: Sequence[Box],
    frame: Box,
    *,
    pad: float,
    leading: float,
    most: int,
    more_color: str,
    more_words: Callable[[int], str],
) -> list[tuple[Block, Box]]:
    """Blocks and where they go, biggest block first (they are the hardest to fit). When
    some do not fit, places a little further apart are grouped too and placing starts again:
    one block naming three nearby places beats three names left out."""
    best: tuple[int, list[Block], list[Box | None]] | None = None
    for radius in GROUP_RADII:
        blocks = sorted(group_names(names, radius, most, more_color, more_words),
                        key=lambda b: -len(b.lines))
        sizes = [block_size(block, measure, pad, leading) for block in blocks]
        boxes = place_labels([block.at for block in blocks], sizes, obstacles, frame)
        left_out = sum(block.places for block, box in zip(blocks, boxes, strict=True) if not box)
        if best is None or left_out < best[0]:
            best = (left_out, blocks, boxes)
        if not left_out:
            break
    assert best is not None
    return [(block, box) for block, box in zip(best[1], best[2], strict=True) if box]
