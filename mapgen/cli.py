"""The `mapgen` command: a few lines per command over the public API (`import mapgen`).

The options every command shares (sources, field mapping, selection, styling) are gathered by
decorators into the click context, so each command reads them with one call (`_load()`,
`_select()`, `_style()`) instead of taking a dozen parameters.
"""

from __future__ import annotations

import functools
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from mapgen.defaults import DEFAULT_NAME, DEFAULT_TILES, INPUT_FORMATS
from mapgen.listing import FORMATS as LIST_FORMATS
from mapgen.static import DEFAULT_DPI, DEFAULT_HEIGHT, DEFAULT_WIDTH, TIMELINE_MAX_PLACES
from mapgen.writers import FORMATS as EXPORT_FORMATS

if TYPE_CHECKING:
    from mapgen.model import Dataset, Period

F = TypeVar("F", bound=Callable[..., Any])

FIELD_OPTIONS = (
    ("id", "the place id"),
    ("name", "the place name"),
    ("layer", "the layer [default: the file's name]"),
    ("when", "EDTF spans or dates as tables write them, separated by ;"),
    ("start", "start dates: each span is start/end"),
    ("end", "end dates (an empty cell: still ongoing)"),
    ("wkt", "WKT geometries"),
    ("lat", "latitudes"),
    ("lon", "longitudes"),
)
# The API's parameter names as this command line spells them, for OptionError messages.
FLAGS = {"start": "--from", "end": "--to", "at": "--at", "name": "--period"}
FLAGS.update({f"{key}_field": f"--{key}-field" for key, _ in FIELD_OPTIONS})
FLAGS.update({"colors": "--color", "paths": "--path-layer", "keep_undated": "--keep-undated"})


def reports_errors(func: F) -> F:
    """Turn mapgen's own errors into one line per problem on stderr and the error's exit
    code: never a traceback for a user's mistake."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from mapgen.errors import MapgenError, MapgenWarning, terminal_text

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
                        click.echo(f"warning: {terminal_text(str(warning.message))}", err=True)
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


# --- shared options, gathered in the context ---------------------------------------------------


def _gather(group: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A callback that keeps an option's value under *group* in the context."""

    def keep(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value not in (None, (), False):
            ctx.meta.setdefault(group, {})[str(param.name)] = value
        return value

    return keep


def _gathered(group: str) -> dict[str, Any]:
    return dict(click.get_current_context().meta.get(group, {}))


def _options(func: F, *options: Callable[[F], F]) -> F:
    for option in reversed(options):
        func = option(func)
    return func


def source_options(*, required: bool = False, format_alias: bool = True) -> Callable[[F], F]:
    """SOURCE..., the input format (also as --format for commands without an output format
    of their own), the --*-field options and --skip-invalid: what `mapgen.load` takes."""
    names = ("--input-format", "--format") if format_alias else ("--input-format",)
    keep = _gather("mapgen.load")
    fields = [
        click.option(f"--{key}-field", f"{key}_field", metavar="FIELD", expose_value=False,
                     callback=keep, help=f"Input field with {meaning}.")
        for key, meaning in FIELD_OPTIONS
    ]

    def decorate(func: F) -> F:
        return _options(
            func,
            click.argument("sources", nargs=-1, required=required, expose_value=False,
                           callback=keep, type=click.Path(dir_okay=False)),
            click.option(*names, "format", type=click.Choice(INPUT_FORMATS), expose_value=False,
                         callback=keep, help="Input format, when the file name does not say."),
            *fields,
            click.option("--skip-invalid", is_flag=True, expose_value=False, callback=keep,
                         help="Leave out invalid features (each reported) instead of refusing "
                         "the file."),
        )

    return decorate


def selection_options(func: F) -> F:
    """--from/--to/--at/--period/--strict/--layer/--keep-undated: what `mapgen.period` and
    `mapgen.select` take."""
    keep = _gather("mapgen.select")
    return _options(
        func,
        click.option("--from", "start", metavar="DATE", expose_value=False, callback=keep,
                     help="Start of the period (EDTF/ISO)."),
        click.option("--to", "end", metavar="DATE", expose_value=False, callback=keep,
                     help="End of the period; 1986 = all of it."),
        click.option("--at", metavar="DATE", expose_value=False, callback=keep,
                     help="One date, year or month."),
        click.option("--period", "name", metavar="NAME", expose_value=False, callback=keep,
                     help="A named period."),
        click.option("--strict", is_flag=True, expose_value=False, callback=keep,
                     help="Read ?, ~ and % narrowly (default: widest reading)."),
        click.option("--layer", "layers", multiple=True, metavar="NAME", expose_value=False,
                     callback=keep, help="Only this layer (repeatable)."),
        click.option("--keep-undated", is_flag=True, expose_value=False, callback=keep,
                     help="Keep places without a date when filtering by a period."),
    )


def _color(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> Any:
    pairs = {}
    for item in value:
        layer, sep, color = item.rpartition("=")
        if not sep or not layer:
            raise click.BadParameter(f"{item!r} is not LAYER=#hex (e.g. camps=#c0392b)")
        pairs[layer] = color
    return _gather("mapgen.style")(ctx, param, pairs or None)


def style_options(func: F) -> F:
    """--title, --path-layer, --color: how the places are shown, as `mapgen.style` takes."""
    keep = _gather("mapgen.style")
    return _options(
        func,
        click.option("--title", expose_value=False, callback=keep,
                     help="Map title [default: the dataset's, with the period]."),
        click.option("--path-layer", "paths", multiple=True, metavar="LAYER", expose_value=False,
                     callback=keep, help="Join this layer's places in time order by a movement "
                     "path (repeatable)."),
        click.option("--color", "colors", multiple=True, metavar="LAYER=#HEX",
                     expose_value=False, callback=_color,
                     help="This layer's colour, e.g. camps=#c0392b (repeatable)."),
    )


def _sources() -> tuple[str, ...]:
    return tuple(_gathered("mapgen.load").get("sources", ()))


def _load() -> Dataset:
    """The sources, loaded as the options say; what was left out is reported on stderr."""
    import mapgen
    from mapgen.errors import terminal_text

    options = _gathered("mapgen.load")
    dataset = mapgen.load(*options.pop("sources", ()), **options)
    report = dataset.report
    for problem in report.problems:
        click.echo(f"skipped: {terminal_text(str(problem))}", err=True)
    if report.skipped:
        click.echo(f"skipped {report.skipped} of {report.features} features", err=True)
    for problem in report.unlocated:
        click.echo(f"warning: {terminal_text(str(problem))}", err=True)
    if report.unlocated:
        click.echo(f"{len(report.unlocated)} of {report.features} features not located: "
                   "not drawn", err=True)
    return dataset


def _select() -> tuple[Dataset, Period]:
    """The loaded places the selection options choose, styled as the style options say (for
    commands without them, as the data says), and the period."""
    import mapgen

    dataset = _load()
    options = _gathered("mapgen.select")
    layers, keep_undated = options.pop("layers", None), options.pop("keep_undated", False)
    period = mapgen.period(dataset, **options)
    view = mapgen.select(dataset, period, layers, keep_undated=keep_undated)
    style = _gathered("mapgen.style")
    style.pop("title", None)  # the title is the command's: a map's and a render's differ
    return (mapgen.style(view, **style) if style else view), period


def _title() -> str | None:
    return _gathered("mapgen.style").get("title")


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
@click.option("--height", default="480px", show_default=True, help="Fragment height (CSS).")
@click.option("--split", type=click.Choice(["decade", "period"]),
              help="Write one map per decade or named period, and index.html, into the folder "
              "-o names.")
@selection_options
@style_options
@reports_errors
def build(
    output: str | None,
    tiles: str,
    cdn: bool,
    self_contained: bool,
    fragment: bool,
    height: str,
    split: str | None,
) -> None:
    """Build an HTML map of SOURCE files (GeoJSON, LPF, CSV/TSV or any GDAL vector file).

    \b
    Example:
      mapgen build --from 1986 --to 2003 --layer headquarters -o iraq.html
      mapgen build residences.csv --path-layer residences --color residences=#c0392b
    """
    import mapgen

    _import_folium_without_pandas()
    view, period = _select()
    strict = period.strict
    if split:
        folder = output or str(Path("output") / f"{DEFAULT_NAME}-{split}s")
        maps = mapgen.build_series(
            view, folder, split, strict=strict, tiles=tiles, self_contained=self_contained,
            cdn=cdn, inputs=_sources(),
            progress=lambda parts: click.progressbar(parts, label="Building maps", file=sys.stderr),
        )
        click.echo(str(Path(folder) / "index.html"))
        click.echo(f"{len(maps)} maps", err=True)
        return
    stem = Path(_sources()[0]).stem if _sources() else DEFAULT_NAME
    fmap = mapgen.build_map(view, title=_title(), tiles=tiles, strict=strict,
                            self_contained=self_contained, cdn=cdn)
    path = mapgen.save(fmap, output or str(Path("output") / f"{stem}.html"),
                       inputs=_sources(), fragment=fragment, height=height)
    click.echo(str(path))


@main.command("list")
@source_options(format_alias=False)
@click.option("--format", "output_format", type=click.Choice(LIST_FORMATS),
              default="table", show_default=True, help="Output format.")
@selection_options
@reports_errors
def list_places(output_format: str) -> None:
    """List the places: id, layer, name and periods.

    \b
    Example:
      mapgen list --at 2012 --format csv
    """
    import mapgen

    view, _ = _select()
    click.echo(mapgen.list_places(view, output_format), nl=False)


@main.command()
@source_options(required=True)
@reports_errors
def validate() -> None:
    """Check SOURCE files and report every problem, one per line.

    \b
    Example:
      mapgen validate places.geojson && echo ok
    """
    dataset = _load()
    places, layers = len(dataset.places), len(dataset.layers)
    click.echo(f"ok: {places} {'place' if places == 1 else 'places'} in {layers} "
               f"{'layer' if layers == 1 else 'layers'}")


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--height", default=480, show_default=True, type=int, help="Height in pixels.")
@click.option("--src", help="URL to link to [default: PATH as given].")
@reports_errors
def embed(path: str, height: int, src: str | None) -> None:
    """Print an <iframe> snippet that embeds the map at PATH in a report page.

    \b
    Example:
      mapgen embed output/pmoi-headquarters.html --height 600 >> report.html
    """
    import mapgen

    click.echo(mapgen.embed(path, height, src), nl=False)


@main.command("export")
@source_options(format_alias=False)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="File to write, or - for standard output.")
@click.option("--format", "output_format", type=click.Choice(EXPORT_FORMATS), default=None,
              help="Output format [default: from the output file's name; geojson for -].")
@click.option("--spreadsheet-safe", is_flag=True,
              help="CSV/TSV: prefix cells that start with = + - @ with ' so a spreadsheet "
              "shows them as text, not formulas (the file then no longer round-trips).")
@selection_options
@reports_errors
def export_places(output: str, output_format: str | None, spreadsheet_safe: bool) -> None:
    """Write the selected places as GeoJSON, Linked Places (LPF) or CSV/TSV.

    \b
    Example:
      mapgen export --layer headquarters -o headquarters.lpf.json
      mapgen export places.gpkg --start-field from --end-field to -o places.csv
    """
    import mapgen

    view, _ = _select()
    if output == "-":
        text = mapgen.dumps(view, output_format or "geojson", spreadsheet_safe=spreadsheet_safe)
        click.echo(text, nl=False)
        return
    path = mapgen.export(view, output, output_format, inputs=_sources(),
                         spreadsheet_safe=spreadsheet_safe)
    click.echo(str(path))


def _static_output(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Check the output's suffix before any data is read: an unknown one is a usage error.
    (A folder is left to the command, which says that it is one.)"""
    from mapgen.errors import OptionError
    from mapgen.static import output_format

    try:
        if not Path(value).is_dir():
            output_format(value)
    except OptionError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


@main.command("render")
@source_options()
@click.option("-o", "--output", required=True, type=click.Path(), callback=_static_output,
              help="PNG, SVG or PDF file (its suffix says which).")
@click.option("--width", type=click.IntRange(100, 20000), default=DEFAULT_WIDTH,
              show_default=True, help="Width in pixels.")
@click.option("--height", type=click.IntRange(100, 20000), default=DEFAULT_HEIGHT,
              show_default=True, help="Height in pixels.")
@click.option("--dpi", type=click.IntRange(10, 2400), default=DEFAULT_DPI, show_default=True,
              help="Pixels per inch: SVG and PDF pages are width/dpi × height/dpi inches.")
@click.option("--timeline/--no-timeline", default=None,
              help="A timeline strip under the map [default: on for up to "
              f"{TIMELINE_MAX_PLACES} places].")
@selection_options
@style_options
@reports_errors
def render_map(output: str, width: int, height: int, dpi: int, timeline: bool | None) -> None:
    """Draw a static map (PNG, SVG or PDF) for print and reports, over an offline basemap.

    \b
    Example:
      mapgen render -o iraq.png --from 1986 --to 2003
      mapgen render places.geojson -o map.svg --width 2400 --height 1500 --no-timeline
    """
    import mapgen

    view, _ = _select()
    path = mapgen.render(view, output, width=width, height=height, dpi=dpi, title=_title(),
                         timeline=timeline, inputs=_sources())
    click.echo(str(path))


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
    callers of `main` (tests, notebooks), is it switched off."""
    import gc

    gc.disable()
    main()
