"""A StoryMapJS story (Knight Lab's JSON: ``storymap.slides[]``), read as a mapgen story so
existing stories can move in. A slide's ``date`` is only a label there; here it is read as
the step's period where mapgen reads it as a date (`mapgen.datetext`), and said so. Its
``location`` becomes the step's view; its headline and text (HTML) are cleaned like any
caption."""

from __future__ import annotations

import json
import math
import warnings
from typing import Any

from mapgen.dates import DateError
from mapgen.errors import DataError, MapgenNote, MapgenWarning, Problem
from mapgen.story.caption import caption_tree, plain_text
from mapgen.story.model import RawStep, RawStory, Where

DEFAULT_ZOOM = 6  # a slide's location without a zoom: a region's scale


def read_storymapjs(text: str, label: str) -> RawStory:
    """The story in a StoryMapJS file's *text*; a DataError for every slide it cannot read."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError([Problem(label, f"not JSON: {exc.msg} at line {exc.lineno}")]) from None
    slides = (document.get("storymap") or {}).get("slides") if isinstance(document, dict) else None
    if not isinstance(slides, list) or not slides:
        raise DataError([Problem(label, "not a StoryMapJS story: no storymap.slides")])
    problems: list[Problem] = []
    steps, title = [], ""
    for number, slide in enumerate(slides, 1):
        where = Where(label, f"slide {number}")
        if not isinstance(slide, dict):
            problems.append(where.problem("", "not a slide (an object)"))
            continue
        words = slide.get("text") if isinstance(slide.get("text"), dict) else {}
        headline = _text(words.get("headline"), where, "text.headline", problems)
        body = _text(words.get("text"), where, "text.text", problems)
        heading = plain_text(caption_tree(headline)).replace("\n", " ")
        if slide.get("type") == "overview" and not title:
            title = heading
        attributes = {}
        date = _date(slide.get("date"), where, problems)
        if date:
            attributes["period"] = date
        view = _view(slide.get("location"), where, problems)
        if view:
            attributes["view"] = view
        media = slide.get("media")
        if isinstance(media, dict) and media.get("url"):
            warnings.warn(f"{where}: media is not shown (a step's caption is text)",
                          MapgenWarning, stacklevel=3)
        steps.append(RawStep(where, heading or f"Slide {number}", tuple(caption_tree(body)),
                             attributes))
    if problems:
        raise DataError(problems)
    return RawStory(label, title, "", tuple(steps))


def _text(value: object, where: Where, field: str, problems: list[Problem]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append(where.problem(field, "not text"))
        return ""
    return value


def _date(value: object, where: Where, problems: list[Problem]) -> str:
    """A slide's date label as EDTF, when mapgen reads it as a date (a note says how);
    otherwise a warning, and the step shows every date."""
    from mapgen.datetext import edtf_from_text

    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        problems.append(where.problem("date", "not text"))
        return ""
    text = str(value).strip()
    try:
        edtf = edtf_from_text(text)
    except DateError:
        warnings.warn(f"{where}: date {text!r} is not a date mapgen reads: the step shows "
                      "every date", MapgenWarning, stacklevel=4)
        return ""
    if edtf != text:
        warnings.warn(f"{where}: date {text!r} read as the period {edtf}", MapgenNote,
                      stacklevel=4)
    return edtf


def _view(value: object, where: Where, problems: list[Problem]) -> str:
    """A slide's location as a step's view ("lat,lon,zoom")."""
    if value is None or value == {}:
        return ""
    if not isinstance(value, dict):
        problems.append(where.problem("location", "not an object with lat and lon"))
        return ""
    lat, lon, zoom = value.get("lat"), value.get("lon"), value.get("zoom")
    numbers = [v for v in (lat, lon) if _number(v) is not None]
    if len(numbers) < 2:
        if lat is None and lon is None:
            return ""
        problems.append(where.problem("location", "lat and lon must be numbers"))
        return ""
    if zoom is None or _number(zoom) is None:
        warnings.warn(f"{where}: location has no zoom: zoom {DEFAULT_ZOOM}", MapgenNote,
                      stacklevel=4)
        zoom = DEFAULT_ZOOM
    return f"{_number(lat)},{_number(lon)},{round(float(_number(zoom) or 0))}"


def _number(value: Any) -> float | None:
    """A number, or a number written as text (StoryMapJS writes both)."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
