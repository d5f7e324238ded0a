"""A story in the page: its steps as data for story.js (the payload's ``story``, see
assets/CONTRACT.md), and the element that inlines story.js and story.css."""

from __future__ import annotations

from typing import Any

from mapgen.html.elements import AssetElement
from mapgen.story import Story


def story_payload(story: Story, *, panel: bool = True, lang: str = "en") -> dict[str, Any]:
    """The story as the page reads it: each step's period in day numbers (null: the data's
    first or last day), its layers by key (null: all), its places by id, its view as
    [latitude, longitude, zoom] (null: frame its places) and its caption as the cleaned tree
    (`mapgen.story.caption`), never HTML; each period in *lang*'s words."""
    return {
        "title": story.title,
        "author": story.author,
        "panel": panel,
        "steps": [
            {
                "title": step.title,
                "caption": list(step.caption),
                "from": step.period.start,
                "to": step.period.end,
                "period": step.period.label(lang),
                "layers": None if step.layers is None else list(step.layers),
                "places": list(step.framed),
                "highlight": list(step.highlight),
                "view": None if step.view is None else list(step.view),
            }
            for step in story.steps
        ],
    }


class StoryAssets(AssetElement):
    """story.js and story.css, inlined once per page like mapgen's other scripts; mapgen.js
    starts the story of a map whose data has one."""

    default_js_files = ("story.js",)
    default_css_files = ("isolation.css", "story.css")

    def __init__(self) -> None:
        super().__init__()
        self._name = "StoryAssets"
