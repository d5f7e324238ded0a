"""The `mapgen` command: a few lines per command over the public API (`import mapgen`).

The options every command shares (sources and field mapping, selection, styling) are added by
decorators that hand each command their values as one typed parameter (`inputs: Inputs`,
`selection: Selection`, `look: Look`), as sqlite-utils' `output_options` hands its own: what
a command takes is in its signature.
"""

from __future__ import annotations

import functools
import sys
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from mapgen.calendars import CALENDARS
from mapgen.defaults import (
    BCE_READINGS,
    DATE_PRECISIONS,
    DEFAULT_NAME,
    DEFAULT_TILES,
    INPUT_FORMATS,
)
from mapgen.language import DEFAULT_LANGUAGE, LANGUAGES
from mapgen.listing import FORMATS as LIST_FORMATS
from mapgen.static import (
    DEFAULT_DPI,
    DEFAULT_HEIGHT,
    DEFAULT_WIDTH,
    TIMELINE_MAX_PLACES,
    VIDEO_HEIGHT,
    VIDEO_WIDTH,
)
from mapgen.writers import FORMATS as EXPORT_FORMATS

if TYPE_CHECKING:
    from mapgen.listing import LeftOut
    from mapgen.model import Dataset, Period

F = TypeVar("F", bound=Callable[..., Any])
SHOWN = 5  # problems of one kind shown before "… and N more"

FIELD_OPTIONS = (
    ("id", "the place id"),
    ("name", "the place name"),
    ("layer", "the layer [default: the file's name]"),
    ("when", "EDTF spans or dates as tables write them, separated by ;"),
    ("start", "start dates: each span is start/end (no end field: from then on)"),
    ("end", "end dates (an empty cell: unknown; present, now, ..: ongoing)"),
    ("wkt", "WKT geometries"),
    ("lat", "latitudes"),
    ("lon", "longitudes"),
    ("description", "the description (plain text)"),
    ("source", "the titles of the sources --url-field links to"),
    ("url", "http(s) addresses: each place's source (titled by --source-field, else by "
     "the address)"),
)
# The API's parameter names as this command line spells them, for OptionError messages.
FLAGS = {"start": "--from", "end": "--to", "at": "--at", "name": "--period"}
FLAGS.update({f"{key}_field": f"--{key}-field" for key, _ in FIELD_OPTIONS})
FLAGS.update({"colors": "--color", "paths": "--path-layer", "keep_undated": "--keep-undated",
              "format": "--input-format", "fragment": "--fragment", "height": "--height",
              "shared_assets": "--shared-assets", "url_hash": "--hash", "bce": "--bce",
              "date_precision": "--date-precision", "date_format": "--date-format",
              "lang": "--lang", "popup_fields": "--popup-fields"})
FLAGS.update({name: f"--{name}" for name in (
    "animate", "step", "window", "fps", "periods", "split", "timeline", "compare")})


def reports_errors(func: F) -> F:
    """Turn mapgen's own errors into one line per problem on stderr and the error's exit
    code: never a traceback for a user's mistake."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from mapgen.errors import MapgenError, MapgenNote, MapgenWarning, terminal_text

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", MapgenWarning)
            try:
                return func(*args, **kwargs)
            except MapgenError as exc:
                for line in error_lines(exc):
                    click.echo(f"error: {line}", err=True)
                sys.exit(exc.exit_code)
            finally:
                for warning in caught:
                    if issubclass(warning.category, MapgenWarning):
                        kind = "note" if issubclass(warning.category, MapgenNote) else "warning"
                        click.echo(f"{kind}: {terminal_text(str(warning.message))}", err=True)
                    else:
                        warnings.showwarning(warning.message, warning.category,
                                             warning.filename, warning.lineno)

    return wrapper  # type: ignore[return-value]


def error_lines(exc: Exception) -> list[str]:
    """What the CLI prints for one of mapgen's errors: a line per problem, each kept on one
    line, with control characters from the data (line breaks, terminal escapes) escaped, and
    options called by their flags."""
    from mapgen.errors import OptionError, terminal_text

    problems = getattr(exc, "problems", None)
    if problems:
        lines = [str(p) for p in problems]
    elif isinstance(exc, OptionError):
        lines = exc.spoken(FLAGS).splitlines()
    else:
        lines = str(exc).splitlines()
    return [terminal_text(line) for line in lines]


# --- shared options, handed to each command as one typed value --------------------------------


@dataclass(frozen=True)
class Inputs:
    """SOURCE... and how to read them (`mapgen.load`'s arguments), and how much of what was
    left out to show: a few of each kind, all (*verbose*), and a CSV file of all (*report*)."""

    sources: tuple[str, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)  # load()'s keyword arguments
    verbose: bool = False
    report: str | None = None

    @property
    def stem(self) -> str:
        """The name of the first source (of the embedded dataset when there is none)."""
        return Path(self.sources[0]).stem if self.sources else DEFAULT_NAME

    def load(self) -> Dataset:
        """The sources, loaded as the options say; what was left out is reported on stderr,
        grouped by kind (`mapgen.left_out`), and written to --report."""
        import mapgen

        dataset = mapgen.load(*self.sources, **self.options)
        report = dataset.report
        if self.report:
            mapgen.write_report(report, self.report, inputs=self.sources)
        groups = mapgen.left_out(report)
        for status, word, summary in (
            ("skipped", "skipped", f"skipped {report.skipped:,} of {report.features:,} features"),
            ("not located", "warning",
             f"{len(report.unlocated):,} of {report.features:,} features not located: not drawn"),
        ):
            chosen = [group for group in groups if group.status == status]
            for group in chosen:
                self._show(word, group)
            if chosen:
                click.echo(summary, err=True)
        return dataset

    def _show(self, word: str, group: LeftOut) -> None:
        """A group's problems, each on a line: the first SHOWN, then how many more."""
        from mapgen.errors import terminal_text

        shown = group.problems if self.verbose else group.problems[:SHOWN]
        for problem in shown:
            click.echo(f"{word}: {terminal_text(str(problem))}", err=True)
        if len(group.problems) > len(shown):
            where = "--report FILE writes them" if not self.report else f"all in {self.report}"
            click.echo(f"{word}: {terminal_text(group.file)}: … and "
                       f"{len(group.problems) - len(shown):,} more: "
                       f"{terminal_text(group.kind)} (--verbose lists them, {where})", err=True)


@dataclass(frozen=True)
class Selection:
    """--from/--to/--at/--period/--strict (`mapgen.period`), --layer and --keep-undated
    (`mapgen.select`)."""

    start: str | None = None
    end: str | None = None
    at: str | None = None
    name: str | None = None
    strict: bool = False
    layers: tuple[str, ...] = ()
    keep_undated: bool = False

    def period(self, dataset: Dataset) -> Period:
        """The period chosen (unbounded when none is)."""
        import mapgen

        return mapgen.period(dataset, start=self.start, end=self.end, at=self.at,
                             name=self.name, strict=self.strict)

    def apply(self, dataset: Dataset) -> tuple[Dataset, Period]:
        """The places of *dataset* chosen, and the period."""
        import mapgen

        period = self.period(dataset)
        view = mapgen.select(dataset, period, self.layers or None,
                             keep_undated=self.keep_undated)
        return view, period


@dataclass(frozen=True)
class Look:
    """--title, --color and --path-layer: how the places are shown (`mapgen.style`; the title
    is the command's own, since a map's and a render's differ)."""

    title: str | None = None
    colors: Mapping[str, str] = field(default_factory=dict)
    paths: tuple[str, ...] = ()

    def apply(self, dataset: Dataset) -> Dataset:
        import mapgen

        if not self.colors and not self.paths:
            return dataset
        return mapgen.style(dataset, colors=self.colors, paths=self.paths)


def _hands(name: str, make: Callable[..., Any], *params: click.Parameter) -> Callable[[F], F]:
    """A decorator that adds *params* to a command and hands it their values as one
    parameter, *name* = make(**values)."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            values = {str(param.name): kwargs.pop(str(param.name)) for param in params}
            return func(*args, **kwargs, **{name: make(**values)})

        # click lists a command's parameters in the reverse order of __click_params__
        wrapper.__click_params__ = [  # type: ignore[attr-defined]
            *getattr(func, "__click_params__", []), *reversed(params)
        ]
        return wrapper  # type: ignore[return-value]

    return decorate


def _inputs(sources: tuple[str, ...], input_format: str | None, skip_invalid: bool,
            verbose: bool, report: str | None, **fields: str | None) -> Inputs:
    return Inputs(sources, {"format": input_format, "skip_invalid": skip_invalid, **fields},
                  verbose, report)


def source_options(*, required: bool = False, folders: bool = False) -> Callable[[F], F]:
    """SOURCE..., --input-format, the --*-field options, --skip-invalid and how dates are
    read (--bce, --date-precision, --date-format): what `mapgen.load` takes (with *folders*, a
    SOURCE may be a folder of Parquet files too); and --verbose and --report, how what it leaves
    out is shown; handed to the command as ``inputs``."""
    return _hands(
        "inputs",
        _inputs,
        click.Argument(["sources"], nargs=-1, required=required,
                       type=click.Path(dir_okay=folders)),
        click.Option(["--input-format"], type=click.Choice(INPUT_FORMATS),
                     help="Input format, when the file name does not say."),
        *(
            click.Option([f"--{key}-field", f"{key}_field"], metavar="FIELD",
                         help=f"Input field with {meaning}.")
            for key, meaning in FIELD_OPTIONS
        ),
        click.Option(["--skip-invalid"], is_flag=True,
                     help="Leave out invalid features (each reported) instead of refusing "
                     "the file."),
        click.Option(["--bce"], type=click.Choice(BCE_READINGS),
                     help="Negative years: historical (-80 is 80 BCE, no year 0) or "
                     "astronomical (ISO 8601: -80 is 81 BCE) [default: historical for bare "
                     "numbers, astronomical for years written as EDTF, -0079]."),
        click.Option(["--date-precision"], type=click.Choice(DATE_PRECISIONS),
                     help="Cut every date to this [default: as written; a column of nothing "
                     "but 1 January midnights is years]."),
        click.Option(["--date-format"], metavar="FORMAT",
                     help="strftime format of dates whose day and month the file leaves in "
                     "doubt, e.g. %d/%m/%Y."),
        click.Option(["--verbose"], is_flag=True,
                     help=f"List every feature left out, not the first {SHOWN} of each kind."),
        click.Option(["--report"], metavar="FILE.csv", type=click.Path(dir_okay=False),
                     help="Write every feature left out (skipped, not located) to this CSV "
                     "file: file, where, id, field, message."),
    )


selection_options = _hands(
    "selection",
    Selection,
    click.Option(["--from", "start"], metavar="DATE", help="Start of the period (EDTF/ISO)."),
    click.Option(["--to", "end"], metavar="DATE", help="End of the period; 1986 = all of it."),
    click.Option(["--at"], metavar="DATE", help="One date, year or month."),
    click.Option(["--period", "name"], metavar="NAME", help="A named period."),
    click.Option(["--strict"], is_flag=True,
                 help="Read ?, ~ and % narrowly (default: widest reading)."),
    click.Option(["--layer", "layers"], multiple=True, metavar="NAME",
                 help="Only this layer (repeatable)."),
    click.Option(["--keep-undated"], is_flag=True,
                 help="Keep places without a date when filtering by a period."),
)


def _colors(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> Any:
    pairs = {}
    for item in value:
        layer, sep, color = item.rpartition("=")
        if not sep or not layer:
            raise click.BadParameter(f"{item!r} is not LAYER=#hex (e.g. camps=#c0392b)")
        pairs[layer] = color
    return pairs


def _names(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """NAME,NAME,... as a tuple of names (None when the option is not given)."""
    if value is None:
        return None
    names = tuple(name.strip() for name in value.split(","))
    if not all(names):
        raise click.BadParameter(f"{value!r} is not NAME,NAME,... (e.g. population,pleiades)")
    return names


style_options = _hands(
    "look",
    Look,
    click.Option(["--title"], help="Map title [default: the dataset's, with the period]."),
    click.Option(["--color", "colors"], multiple=True, metavar="LAYER=#HEX", callback=_colors,
                 help="This layer's colour, e.g. camps=#c0392b (repeatable)."),
    click.Option(["--path-layer", "paths"], multiple=True, metavar="LAYER",
                 help="Join this layer's places in time order by a movement path "
                 "(repeatable)."),
)


def lang_option(func: F) -> F:
    """--lang: the language of every word the output says to its reader. Checked before any
    data is read: an unknown one is a usage error that lists the languages there are."""

    def check(ctx: click.Context, param: click.Parameter, value: str) -> str:
        from mapgen.errors import OptionError
        from mapgen.language import check_language

        try:
            return check_language(value)
        except OptionError as exc:
            click.echo(f"error: {exc.spoken(FLAGS)}", err=True)
            sys.exit(exc.exit_code)

    return click.option(
        "--lang", default=DEFAULT_LANGUAGE, show_default=True, callback=check, metavar="LANG",
        help=f"Language of the words for the reader: {', '.join(LANGUAGES)}.",
    )(func)


def _chosen(inputs: Inputs, selection: Selection, look: Look | None = None
            ) -> tuple[Dataset, Period]:
    """The loaded places the selection chooses, styled as *look* says, and the period."""
    view, period = selection.apply(inputs.load())
    return (look.apply(view) if look else view), period


# --- commands --------------------------------------------------------------------------------


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mapgen")
def main() -> None:
    """Turn places with date ranges into layered, time-filtered HTML maps.

    With no SOURCE, commands use the embedded default dataset: the headquarters and dated
    events of the People's Mojahedin Organization of Iran.

    \b
    Example:
      mapgen build                       # → output/pmoi-headquarters.html
      mapgen build places.geojson -o map.html --from 1981 --to 1990
    """


def places_in_layers(places: int, layers: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """"1,200 places in 1 layer", in *lang*: how every command's summary begins."""
    from mapgen.language import language

    say = language(lang)
    return say.pgettext("summary", "{places} in {layers}",
                        places=say.ngettext("{n} place", "{n} places", places),
                        layers=say.ngettext("{n} layer", "{n} layers", layers))


def summary(dataset: Dataset, lang: str = DEFAULT_LANGUAGE) -> str:
    """The places of *dataset* in one line, in *lang*: how many, in how many layers, how many
    of them undated, and how many features were left undrawn for want of a location."""
    from mapgen.language import language

    say = language(lang)
    undated, unlocated = len(dataset.places.undated()), len(dataset.report.unlocated)
    notes = [say.ngettext("{n} undated", "{n} undated", undated)] if undated else []
    notes += [say.ngettext("{n} not located", "{n} not located", unlocated)] if unlocated else []
    line = places_in_layers(len(dataset.places), len(dataset.layers), lang)
    if not notes:
        return line
    return say.pgettext("summary", "{summary} ({notes})", summary=line,
                        notes=say.listed(notes))


@main.command()
@source_options()
@click.option("-o", "--output", type=click.Path(),
              help="HTML file [default: output/<first source name>.html].")
@click.option("--tiles", default=DEFAULT_TILES, show_default=True,
              help="xyzservices tile provider name, or 'none' (the offline basemap only).")
@click.option("--cdn", is_flag=True,
              help="Load Leaflet from cdn.jsdelivr.net and leave out the offline basemap: the "
              "smallest file, but it needs the network.")
@click.option("--self-contained", is_flag=True,
              help="No request at all but tiles (the default now; kept for old scripts).")
@click.option("--fragment", is_flag=True,
              help="Write an HTML fragment to paste into a report page.")
@click.option("--height", help="Fragment height (CSS) [default: 480px].")
@click.option("--shared-assets", is_flag=True,
              help="Leave Leaflet, mapgen's scripts and the basemap out of the --fragment: the "
              "page carries them once (mapgen assets).")
@click.option("--hash", "url_hash", type=click.Choice(["on", "off"]),
              help="Keep the --fragment's period and view in the page's URL hash "
              "[default: off, the report's anchors stay its own].")
@click.option("--calendar", type=click.Choice(CALENDARS), default="gregorian", show_default=True,
              help="Show each period in this calendar too (popups, timeline axis).")
@click.option("--split", type=click.Choice(["decade", "period"]),
              help="Write one map per decade or named period, and index.html, into the folder "
              "-o names.")
@click.option("--compare", nargs=2, metavar="PERIOD PERIOD",
              help="Two periods side by side in synced maps, e.g. --compare 1981/1986 2003/.. "
              "(EDTF, or the data's named periods).")
@click.option("--story", type=click.Path(dir_okay=False),
              help="Walk the reader through the map step by step: a story in Markdown (.md) "
              "or StoryMapJS JSON (.json).")
@click.option("--story-panel", type=click.Choice(["on", "off"]),
              help="The story's caption panel [default: on]; off when a report's own text "
              "drives the steps.")
@click.option("--popup-fields", callback=_names, metavar="NAME,NAME,...",
              help="The other properties a popup shows, in this order [default: all of them, "
              "up to 12].")
@selection_options
@style_options
@lang_option
@reports_errors
def build(
    inputs: Inputs,
    selection: Selection,
    look: Look,
    lang: str,
    output: str | None,
    tiles: str,
    cdn: bool,
    self_contained: bool,
    fragment: bool,
    height: str | None,
    shared_assets: bool,
    url_hash: str | None,
    calendar: str,
    split: str | None,
    compare: tuple[str, str] | None,
    story: str | None,
    story_panel: str | None,
    popup_fields: tuple[str, ...] | None,
) -> None:
    """Build an HTML map of SOURCE files (GeoJSON, LPF, CSV/TSV or any GDAL vector file).

    \b
    Example:
      mapgen build --from 1986 --to 2003 --layer headquarters -o iraq.html
      mapgen build residences.csv --path-layer residences --color residences=#c0392b
      mapgen build --compare 1981/1986 2003/.. -o compare.html
    """
    import mapgen

    if height is not None and not fragment:
        raise click.UsageError("--height is the height of a --fragment; add --fragment")
    if (shared_assets or url_hash) and not fragment:
        raise click.UsageError("--shared-assets and --hash are options of a --fragment; add "
                               "--fragment")
    if split and fragment:
        raise click.UsageError("--split writes full pages and their index; it makes no "
                               "--fragment")
    if story_panel and not story:
        raise click.UsageError("--story-panel is the panel of a --story; add --story")
    if split and story:
        raise click.UsageError("--split writes one map per period; a --story walks through "
                               "one map")
    if compare and split:
        raise click.UsageError("--compare makes one page of two maps; it makes no --split")
    if compare and any((selection.start, selection.end, selection.at, selection.name)):
        raise click.UsageError("--compare shows every place in two periods; leave out --from, "
                               "--to, --at and --period")
    if compare and story:
        raise click.UsageError("--compare shows two periods side by side; a --story walks "
                               "through one map")
    if split and popup_fields is not None:
        raise click.UsageError("--popup-fields is an option of one map; --split writes one "
                               "map per period")
    _import_folium_without_pandas()
    view, period = _chosen(inputs, selection, look)
    if split:
        folder = output or str(Path("output") / f"{DEFAULT_NAME}-{split}s")
        maps = mapgen.build_series(
            view, folder, split, title=look.title, strict=period.strict, tiles=tiles,
            self_contained=self_contained, cdn=cdn, inputs=inputs.sources, lang=lang,
            progress=lambda parts: click.progressbar(parts, label="Building maps", file=sys.stderr),
        )
        click.echo(str(Path(folder) / "index.html"))
        click.echo(f"{len(maps)} maps", err=True)
        return
    fmap = mapgen.build_map(view, title=look.title, tiles=tiles, strict=period.strict,
                            self_contained=self_contained, cdn=cdn, lang=lang,
                            calendar=calendar, story=story, story_panel=story_panel != "off",
                            popup_fields=popup_fields, compare=list(compare) if compare else None)
    path = mapgen.save(fmap, output or str(Path("output") / f"{inputs.stem}.html"),
                       inputs=inputs.sources, fragment=fragment, height=height,
                       shared_assets=shared_assets, url_hash=url_hash == "on")
    click.echo(str(path))
    click.echo(summary(view, lang), err=True)


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              default=str(Path("output") / "mapgen-assets.html"), show_default=True,
              help="HTML file to write.")
@click.option("--cdn", is_flag=True, help="Load Leaflet from cdn.jsdelivr.net.")
@reports_errors
def assets(output: str, cdn: bool) -> None:
    """Write what maps built with --fragment --shared-assets leave out (Leaflet, mapgen's
    scripts and styles, the basemap), to include once in a page of several maps.

    \b
    Example:
      mapgen build --fragment --shared-assets --layer events -o docs/maps/events.html
      mapgen assets -o docs/maps/assets.html
    """
    import mapgen

    click.echo(str(mapgen.save_assets(output, cdn=cdn)))


@main.command("list")
@source_options()
@click.option("--format", "output_format", type=click.Choice(LIST_FORMATS),
              default="table", show_default=True, help="Output format.")
@selection_options
@lang_option
@reports_errors
def list_places(inputs: Inputs, selection: Selection, lang: str, output_format: str) -> None:
    """List the places: id, layer, name and periods.

    \b
    Example:
      mapgen list --at 2012 --format csv
    """
    import mapgen

    view, _ = _chosen(inputs, selection)
    click.echo(mapgen.list_places(view, output_format, lang=lang), nl=False)


@main.command()
@source_options()
@click.option("--story", type=click.Path(dir_okay=False),
              help="Also check a story (.md, .json) against the places [SOURCE: the embedded "
              "dataset].")
@reports_errors
def validate(inputs: Inputs, story: str | None) -> None:
    """Check SOURCE files (and a story) and report every problem, one per line.

    \b
    Example:
      mapgen validate places.geojson && echo ok
      mapgen validate places.geojson --story story.md
    """
    import mapgen

    if not inputs.sources and story is None:
        raise click.UsageError("Missing argument 'SOURCE...'.")
    dataset = inputs.load()
    checked = mapgen.load_story(story, dataset) if story is not None else None
    click.echo(f"ok: {summary(dataset)}")
    if checked is not None:
        steps = len(checked.steps)
        click.echo(f"ok: {story}: {steps} {'step' if steps == 1 else 'steps'}")


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--height", default=480, show_default=True, type=int, help="Height in pixels.")
@click.option("--src", help="URL to link to [default: PATH as given].")
@click.option("--steps", is_flag=True,
              help="Also print the script with which the page's elements marked "
              'data-mapgen-step="N" take a story map to step N as they scroll into view.')
@reports_errors
def embed(path: str, height: int, src: str | None, steps: bool) -> None:
    """Print an <iframe> snippet that embeds the map at PATH in a report page.

    A relative src is relative to the page that holds the iframe, not to the folder you run
    this in: under MkDocs's directory URLs (use_directory_urls, the default) a page's URL is a
    folder deeper than its file. Give --src the map's URL on the site (a warning says so).

    \b
    Example:
      mapgen embed output/pmoi-headquarters.html --height 600 >> report.html
    """
    import mapgen

    click.echo(mapgen.embed(path, height, src, steps=steps), nl=False)


@main.command("export")
@source_options()
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="File to write, or - for standard output.")
@click.option("--format", "output_format", type=click.Choice(EXPORT_FORMATS), default=None,
              help="Output format [default: from the output file's name; geojson for -].")
@click.option("--spreadsheet-safe", is_flag=True,
              help="CSV/TSV: prefix cells that start with = + - @ with ' so a spreadsheet "
              "shows them as text, not formulas (the file then no longer round-trips).")
@selection_options
@reports_errors
def export_places(
    inputs: Inputs, selection: Selection, output: str, output_format: str | None,
    spreadsheet_safe: bool,
) -> None:
    """Write the selected places as GeoJSON, Linked Places (LPF) or CSV/TSV.

    \b
    Example:
      mapgen export --layer headquarters -o headquarters.lpf.json
      mapgen export places.gpkg --start-field from --end-field to -o places.csv
    """
    import mapgen

    view, _ = _chosen(inputs, selection)
    if output == "-":
        text = mapgen.dumps(view, output_format or "geojson", spreadsheet_safe=spreadsheet_safe)
        click.echo(text, nl=False)
        return
    path = mapgen.export(view, output, output_format, inputs=inputs.sources,
                         spreadsheet_safe=spreadsheet_safe)
    click.echo(str(path))


def split_periods_option(text: str) -> list[str]:
    """--periods/--compare's list: periods separated by commas (a comma inside an EDTF set,
    ``[1667,1668]``, stays in its period)."""
    import re

    return [part.strip() for part in re.split(r",(?![^\[{]*[\]}])", text) if part.strip()]


@main.command("render")
@source_options()
@click.option("-o", "--output", required=True, type=click.Path(),
              help="PNG, SVG or PDF file; MP4, WebM or GIF with --animate (its suffix says "
              "which).")
@click.option("--width", type=click.IntRange(100, 20000), default=None,
              help=f"Width in pixels [default: {DEFAULT_WIDTH}; {VIDEO_WIDTH} with --animate].")
@click.option("--height", type=click.IntRange(100, 20000), default=None,
              help=f"Height in pixels [default: {DEFAULT_HEIGHT}; {VIDEO_HEIGHT} with "
              "--animate].")
@click.option("--dpi", type=click.IntRange(10, 2400), default=DEFAULT_DPI, show_default=True,
              help="Pixels per inch: SVG and PDF pages are width/dpi × height/dpi inches.")
@click.option("--timeline/--no-timeline", default=None,
              help="A timeline strip under the map [default: on for up to "
              f"{TIMELINE_MAX_PLACES} places; never in a grid].")
@click.option("--periods", metavar="P1,P2,...",
              help="A grid: one panel per period, e.g. 1965/1981,1981/1986,2003/.. (EDTF, or "
              "the data's named periods).")
@click.option("--split", type=click.Choice(["decade", "period"]),
              help="A grid: one panel per decade or per named period.")
@click.option("--animate", is_flag=True,
              help="An animation (.mp4, .webm, .gif): a frame per step through --from/--to or "
              "the data's extent.")
@click.option("--step", metavar="UNIT",
              help="--animate: day, month, year or decade [default: from the extent].")
@click.option("--window", metavar="LENGTH",
              help="--animate: what a frame shows, 'instant' (its step) or a trailing length "
              "such as '10 years' [default: instant].")
@click.option("--fps", type=click.IntRange(1, 60),
              help="--animate: frames a second [default: the whole in about 20 s].")
@click.option("--story", type=click.Path(dir_okay=False),
              help="A page a step of this story (.md, .json): one PDF, or name-01.png, "
              "name-02.png...")
@selection_options
@style_options
@lang_option
@reports_errors
def render_map(
    inputs: Inputs, selection: Selection, look: Look, lang: str, output: str,
    width: int | None, height: int | None, dpi: int, timeline: bool | None,
    periods: str | None, split: str | None, animate: bool, step: str | None,
    window: str | None, fps: int | None, story: str | None,
) -> None:
    """Draw a static map (PNG, SVG or PDF), a grid of maps, or an animation (MP4, WebM, GIF),
    over an offline basemap.

    \b
    Example:
      mapgen render -o iraq.png --from 1986 --to 2003
      mapgen render places.geojson -o map.svg --width 2400 --height 1500 --no-timeline
      mapgen render --periods 1965/1981,1981/1986,1986/2003,2003/.. -o grid.pdf
      mapgen render --animate --step year -o moves.mp4
    """
    import mapgen
    from mapgen.static import output_format

    if story is not None:
        if timeline is not None:
            raise click.UsageError("--timeline goes with a single map; a --story's pages have "
                                   "none")
        if animate or periods or split or step or window or fps:
            raise click.UsageError("--story draws a page a step; it makes no --animate, "
                                   "--periods or --split")
        view, period = _chosen(inputs, selection, look)
        for page in mapgen.render_story(view, story, output, width=width or DEFAULT_WIDTH,
                                        height=height or DEFAULT_HEIGHT, dpi=dpi,
                                        title=look.title, strict=period.strict,
                                        inputs=inputs.sources, lang=lang):
            click.echo(str(page))
        return
    if not Path(output).is_dir():  # a folder: the API says that it is one (exit 3)
        output_format(output, animate=animate)
    if not (animate or periods or split):
        view, _ = _chosen(inputs, selection, look)
        path = mapgen.render(view, output, width=width, height=height, dpi=dpi,
                             title=look.title, timeline=timeline, step=step, window=window,
                             fps=fps, inputs=inputs.sources, lang=lang)
        click.echo(str(path))
        return
    dataset = look.apply(inputs.load())
    period = selection.period(dataset)
    view = mapgen.select(dataset, None, selection.layers or None)
    path = mapgen.render(
        view, output, period=period if animate or not period.unbounded else None,
        periods=split_periods_option(periods) if periods is not None else None, split=split,
        animate=animate, step=step, window=window, fps=fps, width=width, height=height,
        dpi=dpi, title=look.title, timeline=timeline, strict=selection.strict,
        keep_undated=selection.keep_undated, inputs=inputs.sources, lang=lang,
        progress=lambda frames: click.progressbar(frames, label="Drawing frames",
                                                  file=sys.stderr),
    )
    click.echo(str(path))


@main.command("tiles")
@source_options(required=True, folders=True)
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="Folder to write: index.html, tiles/*.pmtiles, names/.")
@click.option("--archives", type=click.Choice(["layer", "one"]), default="layer",
              show_default=True, help="One PMTiles archive a layer, or one for every layer.")
@click.option("--partition", type=click.Choice(["layer", "grid"]), default="layer",
              show_default=True, help="What a tippecanoe task tiles: a layer, or a cell of a "
              "web-mercator grid (--grid).")
@click.option("--grid", type=click.IntRange(0, 6), default=1, show_default=True,
              help="The grid's zoom: 4^N cells.")
@click.option("--scheduler", metavar="ADDRESS",
              help="A Dask scheduler (tcp://host:8786) [default: a LocalCluster here].")
@click.option("--workers", type=click.IntRange(1, 256), help="LocalCluster threads.")
@click.option("--batch-rows", type=click.IntRange(1000, 10_000_000), default=None,
              help="Rows read and checked at a time [default: 50,000].")
@click.option("--tiles", "basemap", default=DEFAULT_TILES, show_default=True,
              help="xyzservices tile provider under the places, or 'none'.")
@click.option("--from", "start", metavar="DATE", help="Start of the period (EDTF/ISO).")
@click.option("--to", "end", metavar="DATE", help="End of the period; 1986 = all of it.")
@click.option("--at", metavar="DATE", help="One date, year or month.")
@click.option("--strict", is_flag=True,
              help="Filter by the narrow reading of ?, ~ and % (default: widest reading).")
@click.option("--layer", "layers", multiple=True, metavar="NAME",
              help="Only this layer (repeatable).")
@click.option("--keep-undated", is_flag=True,
              help="Keep places without a date when filtering by a period.")
@click.option("--title", help="Map title [default: the dataset's].")
@click.option("--color", "colors", multiple=True, metavar="LAYER=#HEX", callback=_colors,
              help="This layer's colour, e.g. camps=#c0392b (repeatable).")
@lang_option
@reports_errors
def tiles_command(
    inputs: Inputs, output: str, archives: str, partition: str, grid: int,
    scheduler: str | None, workers: int | None, batch_rows: int | None, basemap: str,
    start: str | None, end: str | None, at: str | None, strict: bool, layers: tuple[str, ...],
    keep_undated: bool, title: str | None, colors: Mapping[str, str], lang: str,
) -> None:
    """Write vector tiles (PMTiles, with tippecanoe) of SOURCE files or Parquet folders of
    any size, and DIR/index.html: the same page, served by `mapgen serve DIR`.

    \b
    Example:
      mapgen tiles places.parquet -o places-tiles && mapgen serve places-tiles
      mapgen tiles parts/ -o tiles --archives layer --scheduler tcp://10.0.0.5:8786
    """
    import mapgen
    from mapgen.datetext import DateOptions
    from mapgen.errors import terminal_text
    from mapgen.fields import Fields

    options = dict(inputs.options)
    fields = Fields(**{key.removesuffix("_field"): options.pop(key) or ""
                       for key in list(options) if key.endswith("_field")})
    dates = DateOptions(*(options.pop(key) or "" for key in ("bce", "date_precision",
                                                            "date_format")))
    extra = {"rows": batch_rows} if batch_rows else {}
    made = mapgen.build_tiles(
        *inputs.sources, output=output, format=options["format"], fields=fields, dates=dates,
        skip_invalid=options["skip_invalid"], start=start, end=end, at=at, strict=strict,
        layers=layers or None, keep_undated=keep_undated, title=title, colors=colors,
        tiles=basemap, archives=archives, partition=partition, grid=grid,
        scheduler=scheduler, workers=workers, lang=lang, **extra)
    reading = made.reading
    for problem in reading.skipped_problems:
        click.echo(f"skipped: {terminal_text(str(problem))}", err=True)
    if reading.skipped:
        click.echo(f"skipped {reading.skipped} of {reading.features} features", err=True)
    click.echo(str(Path(output) / "index.html"))
    from mapgen.language import language

    say = language(lang)
    click.echo(say.pgettext(
        "summary", "{summary}, {features} in {archives}",
        summary=places_in_layers(made.places, len(made.layers), lang),
        features=say.ngettext("{n} tile feature", "{n} tile features", made.features),
        archives=say.ngettext("{n} archive", "{n} archives", len(made.archives))), err=True)


@main.command("serve")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but the loopback lets other machines in.")
@reports_errors
def serve_command(folder: str, port: int, host: str) -> None:
    """Serve a folder `mapgen tiles` made (HTTP range requests, nothing outside FOLDER).

    \b
    Example:
      mapgen serve places-tiles --port 8000   # then open http://127.0.0.1:8000/
    """
    import mapgen

    mapgen.serve(folder, port=port, host=host,
                 ready=lambda url: click.echo(f"serving {folder} at {url} (Ctrl-C stops)",
                                              err=True))


def _import_folium_without_pandas() -> None:
    """Import folium for `mapgen build`, which uses it for this map only: folium.utilities
    imports pandas (a quarter of a second) only to recognise DataFrames, which mapgen never
    hands it, so pandas is kept out while folium loads (a None entry in sys.modules makes an
    import fail as if it were absent). The API never does this (a notebook's folium may need
    pandas); a pandas already loaded (to read a GDAL file) is used as it is."""
    if "pandas" in sys.modules or "folium" in sys.modules:
        return
    sys.modules["pandas"] = None  # type: ignore[assignment]
    try:
        import folium  # noqa: F401
    finally:
        del sys.modules["pandas"]


def run() -> None:
    """The console entry point (`mapgen`, `python -m mapgen`). A command builds many small
    objects and exits: Python's cyclic GC would rescan them again and again (a third of a
    large build) and frees nothing that exit does not. Only here, never for in-process
    callers of `main` (tests, notebooks), is it switched off; and what is left when the
    command ends (parsed dates' caches, modules) is frozen out of the collections Python still
    makes as it exits, which walked it all again (0.1-0.2 s after 100,000 places)."""
    import gc

    gc.disable()
    try:
        main()
    finally:
        gc.freeze()
