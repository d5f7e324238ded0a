"""The `mapgen` command: a few lines per command over the public API."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from mapgen.defaults import DEFAULT_NAME, DEFAULT_TILES
from mapgen.static import DEFAULT_DPI, DEFAULT_HEIGHT, DEFAULT_WIDTH, TIMELINE_MAX_PLACES

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(func: F) -> F:
    """Turn mapgen's own errors into one line per problem on stderr and the error's exit
    code: never a traceback for a user's mistake."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from mapgen.errors import MapgenError

        try:
            return func(*args, **kwargs)
        except MapgenError as exc:
            for line in error_lines(exc):
                click.echo(f"error: {line}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


def error_lines(exc: Exception) -> list[str]:
    """What the CLI prints for one of mapgen's errors: a line per problem, each kept on one
    line, with control characters from the data (line breaks, terminal escapes) escaped."""
    from mapgen.errors import OptionError, terminal_text

    problems = getattr(exc, "problems", None)
    if problems:
        lines = [str(p) for p in problems]
    elif isinstance(exc, OptionError):
        lines = exc.spoken(FLAGS).splitlines()
    else:
        lines = str(exc).splitlines()

    return [terminal_text(line) for line in lines]


INPUT_FORMATS = ["geojson", "lpf", "csv", "tsv", "gdal"]
EXPORT_FORMATS = ["geojson", "lpf", "csv", "tsv"]  # mapgen.writers.FORMATS, kept light here
FIELD_OPTIONS = (
    ("id", "the place id"),
    ("name", "the place name"),
    ("layer", "the layer [GDAL default: the GDAL layer's name]"),
    ("when", "EDTF spans separated by ;"),
    ("start", "start dates: each span is start/end"),
    ("end", "end dates (none: still ongoing)"),
    ("wkt", "WKT geometries"),
    ("lat", "latitudes"),
    ("lon", "longitudes"),
)

# The API's parameter names as this command line spells them, for OptionError messages.
FLAGS = {"start": "--from", "end": "--to", "at": "--at", "name": "--period"}
FLAGS.update({f"{key}_field": f"--{key}-field" for key, _ in FIELD_OPTIONS})


def _remember_field(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """Keep a --*-field value in the context, so commands pass them all on with `_fields()`
    instead of taking six parameters each."""
    if value:
        ctx.meta.setdefault("mapgen.fields", {})[str(param.name)] = value


def _fields() -> dict[str, str]:
    """The --*-field options given, as keyword arguments for mapgen.load."""
    return dict(click.get_current_context().meta.get("mapgen.fields", {}))


def field_options(func: F) -> F:
    """--id-field ... --end-field: the input fields (CSV columns, GDAL attributes, LPF
    properties) that hold mapgen's properties under other names."""
    for key, meaning in reversed(FIELD_OPTIONS):
        func = click.option(
            f"--{key}-field",
            metavar="FIELD",
            expose_value=False,
            callback=_remember_field,
            help=f"Input field with {meaning}.",
        )(func)
    return func


def sources_argument(*, required: bool = False, format_alias: bool = True) -> Callable[[F], F]:
    """SOURCE... and the input format option; commands without an output format of their own
    also accept it as --format."""
    names = ("--input-format", "--format") if format_alias else ("--input-format",)

    def decorate(func: F) -> F:
        func = field_options(func)
        func = click.option(
            *names,
            "input_format",
            type=click.Choice(INPUT_FORMATS),
            default=None,
            help="Input format, when the file name does not say.",
        )(func)
        return click.argument(
            "sources", nargs=-1, required=required, type=click.Path(dir_okay=False)
        )(func)

    return decorate


def selection_options(func: F) -> F:
    """--from/--to/--at/--period/--strict/--layer, shared by the commands that select."""
    options = [
        click.option("--from", "start", metavar="DATE", help="Start of the period (EDTF/ISO)."),
        click.option("--to", "end", metavar="DATE", help="End of the period; 1986 = all of it."),
        click.option("--at", metavar="DATE", help="One date, year or month."),
        click.option("--period", "period_name", metavar="NAME", help="A named period."),
        click.option(
            "--strict", is_flag=True, help="Read ?, ~ and % narrowly (default: widest reading)."
        ),
        click.option(
            "--layer", "layers", multiple=True, metavar="NAME", help="Only this layer (repeatable)."
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _load_and_select(
    sources: tuple[str, ...],
    input_format: str | None,
    start: str | None,
    end: str | None,
    at: str | None,
    period_name: str | None,
    strict: bool,
    layers: tuple[str, ...],
) -> tuple[Any, Any, Any]:
    import mapgen

    dataset = mapgen.load(*sources, format=input_format, **_fields())
    period = mapgen.period(dataset, start=start, end=end, at=at, name=period_name, strict=strict)
    return dataset, period, mapgen.select(dataset, period, layers or None)


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
@sources_argument()
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    help="HTML file [default: output/<first source name>.html].",
)
@click.option("--title", help="Map title [default: the dataset's].")
@click.option(
    "--tiles",
    default=DEFAULT_TILES,
    show_default=True,
    help="xyzservices tile provider name, or 'none' (the offline basemap only).",
)
@click.option(
    "--self-contained",
    is_flag=True,
    help="Inline every script and style and add the offline basemap: works with no network.",
)
@click.option(
    "--fragment", is_flag=True, help="Write an HTML fragment to paste into a report page."
)
@click.option("--height", default="480px", show_default=True, help="Fragment height (CSS).")
@click.option(
    "--split",
    type=click.Choice(["decade", "period"]),
    help="Write one map per decade or named period, and index.html, into the folder -o names.",
)
@selection_options
@reports_errors
def build(
    sources: tuple[str, ...],
    input_format: str | None,
    output: str | None,
    title: str | None,
    tiles: str,
    self_contained: bool,
    fragment: bool,
    height: str,
    split: str | None,
    start: str | None,
    end: str | None,
    at: str | None,
    period_name: str | None,
    strict: bool,
    layers: tuple[str, ...],
) -> None:
    """Build an HTML map of SOURCE files (GeoJSON, LPF, CSV/TSV or any GDAL vector file).

    \b
    Example:
      mapgen build --from 1986 --to 2003 --layer headquarters -o iraq.html
    """
    import mapgen

    _, period, view = _load_and_select(
        sources, input_format, start, end, at, period_name, strict, layers
    )
    if split:
        folder = output or str(Path("output") / f"{DEFAULT_NAME}-{split}s")
        maps = mapgen.build_series(
            view,
            folder,
            split,
            strict=strict,
            tiles=tiles,
            self_contained=self_contained,
            inputs=sources,
            progress=lambda parts: click.progressbar(parts, label="Building maps", file=sys.stderr),
        )
        click.echo(str(Path(folder) / "index.html"))
        click.echo(f"{len(maps)} maps", err=True)
        return
    if output is None:
        stem = Path(sources[0]).stem if sources else DEFAULT_NAME
        output = str(Path("output") / f"{stem}.html")
    title = title or (f"{view.title} — {period.label()}" if not period.unbounded else None)
    fmap = mapgen.build_map(
        view, title=title, tiles=tiles, period=period, strict=strict, self_contained=self_contained
    )
    path = mapgen.save(fmap, output, inputs=sources, fragment=fragment, height=height)
    click.echo(str(path))


@main.command("list")
@sources_argument(format_alias=False)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@selection_options
@reports_errors
def list_places(
    sources: tuple[str, ...],
    input_format: str | None,
    output_format: str,
    start: str | None,
    end: str | None,
    at: str | None,
    period_name: str | None,
    strict: bool,
    layers: tuple[str, ...],
) -> None:
    """List the places: id, layer, name and periods.

    \b
    Example:
      mapgen list --at 2012 --format csv
    """
    import mapgen

    _, _, view = _load_and_select(
        sources, input_format, start, end, at, period_name, strict, layers
    )
    click.echo(mapgen.list_places(view, output_format), nl=False)


@main.command()
@sources_argument(required=True)
@reports_errors
def validate(sources: tuple[str, ...], input_format: str | None) -> None:
    """Check SOURCE files and report every problem, one per line.

    \b
    Example:
      mapgen validate places.geojson && echo ok
    """
    import mapgen

    dataset = mapgen.load(*sources, format=input_format, **_fields())
    click.echo(f"ok: {len(dataset.places)} places in {len(dataset.layers)} layers")


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
@sources_argument(format_alias=False)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="File to write, or - for standard output.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(EXPORT_FORMATS),
    default=None,
    help="Output format [default: from the output file's name; geojson for -].",
)
@selection_options
@reports_errors
def export_places(
    sources: tuple[str, ...],
    input_format: str | None,
    output: str,
    output_format: str | None,
    start: str | None,
    end: str | None,
    at: str | None,
    period_name: str | None,
    strict: bool,
    layers: tuple[str, ...],
) -> None:
    """Write the selected places as GeoJSON, Linked Places (LPF) or CSV/TSV.

    \b
    Example:
      mapgen export --layer headquarters -o headquarters.lpf.json
      mapgen export places.gpkg --start-field from --end-field to -o places.csv
    """
    import mapgen
    _, _, view = _load_and_select(
        sources, input_format, start, end, at, period_name, strict, layers
    )
    if output == "-":
        click.echo(mapgen.dumps(view, output_format or "geojson"), nl=False)
        return
    path = mapgen.export(view, output, output_format, inputs=sources)
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
@sources_argument()
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(),
    callback=_static_output,
    help="PNG, SVG or PDF file (its suffix says which).",
)
@click.option("--title", help="Map title [default: the dataset's].")
@click.option(
    "--width",
    type=click.IntRange(100, 20000),
    default=DEFAULT_WIDTH,
    show_default=True,
    help="Width in pixels.",
)
@click.option(
    "--height",
    type=click.IntRange(100, 20000),
    default=DEFAULT_HEIGHT,
    show_default=True,
    help="Height in pixels.",
)
@click.option(
    "--dpi",
    type=click.IntRange(10, 2400),
    default=DEFAULT_DPI,
    show_default=True,
    help="Pixels per inch: SVG and PDF pages are width/dpi × height/dpi inches.",
)
@click.option(
    "--timeline/--no-timeline",
    default=None,
    help=f"A timeline strip under the map [default: on for up to {TIMELINE_MAX_PLACES} places].",
)
@selection_options
@reports_errors
def render_map(
    sources: tuple[str, ...],
    input_format: str | None,
    output: str,
    title: str | None,
    width: int,
    height: int,
    dpi: int,
    timeline: bool | None,
    start: str | None,
    end: str | None,
    at: str | None,
    period_name: str | None,
    strict: bool,
    layers: tuple[str, ...],
) -> None:
    """Draw a static map (PNG, SVG or PDF) for print and reports, over an offline basemap.

    \b
    Example:
      mapgen render -o iraq.png --from 1986 --to 2003
      mapgen render places.geojson -o map.svg --width 2400 --height 1500 --no-timeline
    """
    import mapgen
    _, period, view = _load_and_select(
        sources, input_format, start, end, at, period_name, strict, layers
    )
    path = mapgen.render(
        view,
        output,
        period=period,
        width=width,
        height=height,
        dpi=dpi,
        title=title,
        timeline=timeline,
        inputs=sources,
    )
    click.echo(str(path))


def run() -> None:
    """The console entry point (`mapgen`, `python -m mapgen`). A command builds many small
    objects and exits: Python's cyclic GC would rescan them again and again (a third of a
    large build) and frees nothing that exit does not. Only here, never for in-process
    callers of `main` (tests, notebooks), is it switched off."""
    import gc

    gc.disable()
    main()
