"""Stories: an author's steps through a map, each a period, a view, layers, highlighted places
and a caption. Read from Markdown (`markdown.py`) or StoryMapJS JSON (`storymapjs.py`),
captions cleaned into plain data (`caption.py`), then checked against the dataset
(`check.py`); the page (`mapgen.html.story`) and the static renderer (`mapgen.static.story`)
show the result.
"""

from __future__ import annotations

import os
from pathlib import Path

from mapgen.errors import DataError, Problem
from mapgen.model import Dataset
from mapgen.story.model import RawStory, Step, Story

__all__ = ["MARKDOWN", "RawStory", "Step", "Story", "load_story", "read_story"]

MARKDOWN = (".md", ".markdown", ".qmd")  # Quarto's documents are Markdown too


def read_story(path: str | os.PathLike[str]) -> RawStory:
    """The story in a Markdown (.md, .markdown, .qmd) or StoryMapJS (.json) file, as written."""
    from mapgen.read.text import read_text

    label = str(path)
    suffix = Path(path).suffix.lower()
    if suffix not in (*MARKDOWN, ".json"):
        raise DataError([Problem(label, "a story is Markdown (.md) or StoryMapJS JSON (.json)")])
    text = read_text(Path(path), label)
    if suffix == ".json":
        from mapgen.story.storymapjs import read_storymapjs

        return read_storymapjs(text, label)
    from mapgen.story.markdown import read_markdown

    return read_markdown(text, label)


def load_story(
    story: str | os.PathLike[str] | Story, dataset: Dataset, *, strict: bool = False
) -> Story:
    """The story in a file, checked against *dataset*: DataError with a located line for
    every unknown place or layer, unreadable period or view (a Story is returned as it is).
    Periods are read as ``--from/--to``, ``--at`` and ``--period`` read them, *strict* as
    ``--strict``."""
    if isinstance(story, Story):
        return story
    from mapgen.story.check import check_story

    return check_story(read_story(story), dataset, strict=strict)
