"""A story as its file says it (`RawStory`, what the readers make) and as checked against the
places it walks through (`Story`, what the page and the static renderer show)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mapgen.errors import Problem
from mapgen.model import Period


@dataclass(frozen=True)
class Where:
    """Where a step is written, for messages: ``story.md:12`` (file and line) or
    ``story.json`` and ``slide 3``."""

    file: str
    place: str = ""

    def problem(self, field: str, message: str) -> Problem:
        return Problem(self.file, message, self.place, field)

    def __str__(self) -> str:
        return f"{self.file}: {self.place}" if self.place else self.file


@dataclass(frozen=True)
class RawStep:
    """One step as written: its heading, its caption (the tree of `caption.py`) and its
    attributes as text (``{"period": "1981/1986", "places": "hq-paris"}``)."""

    where: Where
    title: str
    caption: tuple[Any, ...]
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RawStory:
    file: str
    title: str
    author: str
    steps: tuple[RawStep, ...]


@dataclass(frozen=True)
class Step:
    """What the map shows at one step: a period (unbounded: every date), the layers (None:
    all of them, by key), the places to frame and to highlight (ids), and a view, as
    (latitude, longitude, zoom), or None to frame the places."""

    where: Where
    title: str
    caption: tuple[Any, ...]
    period: Period
    layers: tuple[str, ...] | None = None
    places: tuple[str, ...] = ()
    highlight: tuple[str, ...] = ()
    view: tuple[float, float, int] | None = None

    @property
    def framed(self) -> tuple[str, ...]:
        """The places the view frames: the step's places, then its highlighted ones."""
        return tuple(dict.fromkeys((*self.places, *self.highlight)))


@dataclass(frozen=True)
class Story:
    """A story checked against a dataset: every place, layer and period it names is there."""

    file: str
    title: str
    author: str
    steps: tuple[Step, ...]
