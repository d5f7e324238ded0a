"""Map series: one map per decade or per named period, and an index page that lists them."""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from mapgen.dates import civil_from_days, iso_date, today_number
from mapgen.defaults import DEFAULT_TILES
from mapgen.errors import OutputError
from mapgen.filter import select, split_periods
from mapgen.language import Language, check_language, language
from mapgen.model import Dataset, Period
from mapgen.rules import slugify


@dataclass(frozen=True)
class SeriesMap:
    """One map of a series: its file name (inside the series folder), period and size."""

    file: str
    label: str
    period: Period
    places: int


Part = tuple[str, str, Period]  # file stem, label, period


def series_parts(
    dataset: Dataset, split: str, *, strict: bool = False, today: int | None = None
) -> list[Part]:
    """The maps a series will have: one per decade the data touches (open ends run to
    *today*, default `today_number()`) or one per named period."""
    return [
        (_stem(split, period), period.name, period)
        for period in split_periods(dataset, split, strict=strict, today=today_number(today))
    ]


def _stem(split: str, period: Period) -> str:
    """A map's file stem: its decade ("1980s", "minus-500s") or its period's name, slugified."""
    if split == "period" or period.start is None:
        return slugify(period.name, "period")
    decade = civil_from_days(period.start)[0]
    return slugify(f"{decade}s" if decade >= 0 else f"minus-{-decade}s")


def build_series(
    dataset: Dataset,
    folder: str | os.PathLike[str],
    split: str = "decade",
    *,
    title: str | None = None,
    strict: bool = False,
    tiles: str = DEFAULT_TILES,
    self_contained: bool = False,
    cdn: bool = False,
    inputs: Iterable[str | os.PathLike[str]] = (),
    today: int | None = None,
    progress: Callable[[list[Part]], AbstractContextManager[Iterable[Part]]] | None = None,
    lang: str = "en",
) -> list[SeriesMap]:
    """Write one map per decade the data touches (*split* "decade"; open ends run to *today*)
    or per named period ("period") into *folder* (created if needed), then its index.html;
    each map is titled *title* (default: the dataset's) and its period. A folder holding an
    input HTML file is refused. *progress* wraps the list of maps to come (e.g. ``lambda
    maps: click.progressbar(maps)``)."""
    from mapgen.html import build_map, page_html
    from mapgen.write import write_atomic

    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target}: is not a folder; a series is written into a folder")
    for source in (*inputs, *dataset.sources):  # the series writes *.html files here
        real = Path(source).resolve()
        if real.suffix.lower() == ".html" and target.is_dir() and real.parent == target.resolve():
            raise OutputError(f"{target}: holds the input {source}; choose another folder")
    parts = series_parts(dataset, split, strict=strict, today=today)
    target.mkdir(parents=True, exist_ok=True)
    check_language(lang)
    maps: list[SeriesMap] = []
    used: set[str] = {"index"}
    with (progress or nullcontext)(parts) as chosen:
        for stem, label, period in chosen:
            view = select(dataset, Period(period.start, period.end, strict=strict))
            name, number = stem, 2
            while name in used:
                name, number = f"{stem}-{number}", number + 1
            used.add(name)
            fmap = build_map(view, title=f"{title or dataset.title} — {label}", period=period,
                             strict=strict, tiles=tiles, self_contained=self_contained, cdn=cdn,
                             lang=lang)
            write_atomic(target / f"{name}.html", page_html(fmap))
            maps.append(SeriesMap(f"{name}.html", label, period, len(view.places)))
    write_atomic(target / "index.html", index_html(dataset, maps, title, lang))
    return maps


def index_html(dataset: Dataset, maps: list[SeriesMap], title: str | None = None,
               lang: str = "en") -> str:
    """The series' index page in *lang*: every map with its period and place count (escaped
    text)."""
    from mapgen.html.elements import asset

    say = language(lang)
    rows = "\n".join(
        f'<li><a href="{html.escape(m.file)}">{html.escape(m.label)}</a> '
        f'<span class="period">{_range(m.period, say)}</span> '
        f'<span class="count">{html.escape(say.ngettext("{n} place", "{n} places", m.places))}'
        "</span></li>"
        for m in maps
    )
    series = html.escape(say.pgettext("series", "{title} — map series",
                                      title=title or dataset.title))
    title = html.escape(title or dataset.title)
    count = html.escape(say.ngettext("{n} map", "{n} maps", len(maps)))
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="{say.direction}">\n<head>\n'
        '<meta charset="utf-8">\n'
        f"<title>{series}</title>\n<style>{asset('series.css')}</style>\n"
        f"</head>\n<body>\n<h1>{title}</h1>\n<p>{count}</p>\n"
        f'<ol class="mapgen-series">\n{rows}\n</ol>\n'
        f'<p class="attribution">{html.escape(dataset.attribution)}</p>\n</body>\n</html>\n'
    )


def _range(period: Period, say: Language) -> str:
    lo = iso_date(period.start) if period.start is not None else "…"
    hi = iso_date(period.end) if period.end is not None else say.pgettext("an open end",
                                                                           "present")
    return html.escape(f"{lo} – {hi}")
