"""A story as written, checked against the places it walks through: every place, layer and
period it names must be in the data. Periods are read as mapgen reads them everywhere
(`mapgen.dates`, `mapgen.filter.period`): no date grammar of a story's own."""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Iterable

from mapgen.dates import DateError, today_number, window_words
from mapgen.errors import DataError, MapgenWarning, OptionError, Problem
from mapgen.filter import interval
from mapgen.filter import period as named_or_dated
from mapgen.model import Dataset, Period
from mapgen.story.model import RawStep, RawStory, Step, Story, Where

ATTRIBUTES = ("period", "at", "places", "layers", "view", "highlight")
IGNORED = ("id", "class")  # Pandoc's own: an anchor and classes, for other tools
MAX_ZOOM = 20


def check_story(raw: RawStory, dataset: Dataset, *, strict: bool = False) -> Story:
    """The story with every name resolved against *dataset*; a DataError listing every
    problem, each on one line naming the file, the line (or slide) and the attribute."""
    context = _Context(dataset, strict)
    problems: list[Problem] = []
    steps = [context.step(raw_step, problems) for raw_step in raw.steps]
    if problems:
        raise DataError(problems)
    return Story(raw.file, raw.title or dataset.title, raw.author, tuple(steps))


def _suggest(name: str, known: Iterable[str]) -> str:
    """" (did you mean 'x'?)" for the closest known name, or nothing."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


class _Context:
    """The dataset's names, looked up once for every step."""

    def __init__(self, dataset: Dataset, strict: bool) -> None:
        self.dataset, self.strict = dataset, strict
        places = dataset.places
        self.rows = {place_id: row for row, place_id in enumerate(places.ids)}
        self.by_name = {name: places.ids[row] for row, name in enumerate(places.names)}
        self.layers = {layer.key: layer.key for layer in dataset.layers}
        for layer in dataset.layers:
            self.layers.setdefault(layer.label, layer.key)
        self.extent = _extent(dataset)

    def step(self, raw: RawStep, problems: list[Problem]) -> Step:
        where, attributes = raw.where, raw.attributes
        for key in attributes:
            if key not in ATTRIBUTES and key not in IGNORED:
                known = ", ".join(ATTRIBUTES)
                problems.append(where.problem(key, f"not an attribute of a step (they are: "
                                              f"{known}){_suggest(key, ATTRIBUTES)}"))
        period = self.period(where, attributes, problems)
        layers = self.layer_keys(where, attributes.get("layers"), problems)
        places = self.place_ids(where, "places", attributes.get("places", ""), problems)
        highlight = self.place_ids(where, "highlight", attributes.get("highlight", ""), problems)
        view = _view(where, attributes.get("view", "fit"), problems)
        step = Step(where, raw.title, raw.caption, period, layers, places, highlight, view)
        self.warn_hidden(step)
        return step

    def period(self, where: Where, attributes: dict[str, str], problems: list[Problem]) -> Period:
        """The step's period: ``period`` (an EDTF interval, or a period the data names) or
        ``at`` (one date, as --at reads it); every date when neither is given."""
        if "period" in attributes and "at" in attributes:
            problems.append(where.problem("at", "give period or at, not both"))
            return Period()
        key = "period" if "period" in attributes else "at" if "at" in attributes else ""
        if not key:
            return Period(strict=self.strict)
        text = attributes[key].strip()
        try:
            if key == "at":
                found = named_or_dated(self.dataset, at=text, strict=self.strict)
            elif self.dataset.named_period(text) is not None:
                found = named_or_dated(self.dataset, name=text, strict=self.strict)
            else:
                found = interval(text, strict=self.strict)
        except (DateError, OptionError) as exc:
            problems.append(where.problem(key, str(exc)))
            return Period()
        first, last, ongoing = self.extent
        if (first is not None and found.end is not None and found.end < first) or (
            last is not None and found.start is not None and found.start > last
        ):
            span = f"{window_words(first, None)}, ongoing to today" if ongoing else (
                window_words(first, last))
            problems.append(where.problem(key, f"{text!r} is outside the data's dates "
                                          f"({span})"))
        return found

    def layer_keys(self, where: Where, text: str | None, problems: list[Problem]
                   ) -> tuple[str, ...] | None:
        """The layers a step shows, named by key or by label; None (all) when not given."""
        if text is None:
            return None
        keys = []
        for name in _names(text):
            key = self.layers.get(name)
            if key is None:
                labels = ", ".join(layer.label for layer in self.dataset.layers)
                problems.append(where.problem("layers", f"no layer {name!r}"
                                              f"{_suggest(name, self.layers)} "
                                              f"(this map has: {labels})"))
            elif key not in keys:
                keys.append(key)
        return tuple(keys)

    def place_ids(self, where: Where, field: str, text: str, problems: list[Problem]
                  ) -> tuple[str, ...]:
        ids = []
        for name in _names(text):
            if name in self.rows:
                ids.append(name)
                continue
            hint = (f" (did you mean {self.by_name[name]!r}, its id?)" if name in self.by_name
                    else _suggest(name, self.rows))
            problems.append(where.problem(field, f"no place {name!r}{hint}"))
        return tuple(dict.fromkeys(ids))

    def warn_hidden(self, step: Step) -> None:
        """A place the step frames or highlights but does not show (out of its period or
        layers) is most likely a slip: say so."""
        places, period = self.dataset.places, step.period
        for place_id in step.framed:
            row = self.rows[place_id]
            spans = places.spans[places.span_starts[row] : places.span_starts[row + 1]]
            dated = not spans or any(s.overlaps(period.start, period.end, period.strict)
                                     for s in spans)
            layer = step.layers is None or places.layers[row] in step.layers
            if not (dated and layer):
                why = "layers" if dated else "period"
                warnings.warn(f"{step.where}: {place_id!r} is not shown in this step "
                              f"(outside its {why})", MapgenWarning, stacklevel=5)


def _extent(dataset: Dataset) -> tuple[int | None, int | None, bool]:
    """The first and last day of the data, as the page's period control spans it (None: an
    open start, or no dates at all), and whether a place is ongoing: then the last day is
    today."""
    spans = dataset.places.spans
    if not spans:
        return None, None, False
    starts = [s.start_wide for s in spans]
    ends = [s.end_wide for s in spans]
    ongoing = None in ends
    last = max([end for end in ends if end is not None] + ([today_number()] if ongoing else []))
    return (None if None in starts else min(starts)), last, ongoing  # type: ignore[type-var]


def _view(where: Where, text: str, problems: list[Problem]) -> tuple[float, float, int] | None:
    """``fit`` (None: frame the step's places) or ``latitude,longitude,zoom``."""
    if text.strip() == "fit":
        return None
    parts = [part.strip() for part in text.split(",")]
    try:
        lat, lon, zoom = (float(part) for part in parts)
    except ValueError:
        problems.append(where.problem("view", f"{text!r} is not \"fit\" nor "
                                      "\"latitude,longitude,zoom\" (such as \"48.85,2.35,6\")"))
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        problems.append(where.problem("view", f"{text!r}: the latitude must be within -90..90 "
                                      "and the longitude within -180..180"))
    elif zoom not in range(MAX_ZOOM + 1):
        problems.append(where.problem("view", f"{text!r}: the zoom must be a whole number "
                                      f"from 0 to {MAX_ZOOM}"))
    else:
        return lat, lon, int(zoom)
    return None
