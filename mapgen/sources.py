"""Loading: read every source and validate them together into one Dataset."""

from __future__ import annotations

import os

from mapgen.defaults import default_source
from mapgen.errors import DataError, Problem
from mapgen.fields import Fields
from mapgen.model import Dataset
from mapgen.raw import RawCollection
from mapgen.read import read
from mapgen.validate import validate


def load(
    *sources: str | os.PathLike[str],
    format: str | None = None,
    id_field: str | None = None,
    name_field: str | None = None,
    layer_field: str | None = None,
    when_field: str | None = None,
    start_field: str | None = None,
    end_field: str | None = None,
    wkt_field: str | None = None,
    lat_field: str | None = None,
    lon_field: str | None = None,
    description_field: str | None = None,
    source_field: str | None = None,
    url_field: str | None = None,
    skip_invalid: bool = False,
    bce: str | None = None,
    date_precision: str | None = None,
    date_format: str | None = None,
) -> Dataset:
    """Read and validate one or more sources (none: the embedded default dataset) into one
    Dataset; ids must be unique across them. Raises DataError listing every problem found.

    *format* ("geojson", "lpf", "csv", "tsv", "gdal", "parquet", "arrow") overrides what the
    file name says. The ``*_field`` arguments name the input fields (CSV, Parquet and Arrow
    columns, GDAL attributes, LPF or GeoJSON properties) that hold mapgen's properties under
    other names; with *start_field*, each
    feature's span runs from its start to its end value; *wkt_field*, or *lat_field* and
    *lon_field*, name the columns of a table's geometry (CSV, TSV, Parquet, Arrow);
    *url_field* names web addresses, each feature's source, titled by *source_field* (else by
    its address), and *description_field* the descriptions. A field named wrong is one
    problem of its file, with the fields there are; every file's problems are reported
    together.

    Each date column is read as one, and what its cells leave open is chosen once for the
    column and named in a ``note:`` (a :class:`mapgen.MapgenNote` warning): *bce*
    ("historical": -80 is 80 BCE, the default for bare numbers; "astronomical": ISO 8601's,
    the default for years written as EDTF such as -0079) decides every negative year;
    *date_precision* ("day", "month", "year") cuts every date to it (a column of nothing but
    1 January midnights is read as years unless "day"); *date_format* (strftime, "%d/%m/%Y")
    reads dates whose day and month the column leaves in doubt.

    With *skip_invalid*, invalid features are left out rather than refused, as long as one
    place remains; ``dataset.report`` says how many and why (what ``--skip-invalid`` prints),
    and lists the places not drawn for want of a location.

    >>> data = load("camps.gpkg", start_field="from_y", end_field="to_y")  # doctest: +SKIP
    """
    fields = Fields(
        id=id_field or "",
        name=name_field or "",
        layer=layer_field or "",
        when=when_field or "",
        start=start_field or "",
        end=end_field or "",
        wkt=wkt_field or "",
        lat=lat_field or "",
        lon=lon_field or "",
        description=description_field or "",
        source=source_field or "",
        url=url_field or "",
    )
    from mapgen.datetext import DateOptions

    dates = DateOptions(bce or "", date_precision or "", date_format or "")
    collections: list[RawCollection] = []
    problems: list[Problem] = []  # every file's own problems, so that one run lists them all
    for path in sources or (default_source(),):
        try:
            collections.append(read(path, format=format, fields=fields, dates=dates))
        except DataError as error:
            problems += error.problems
    if not problems:
        return validate(collections, skip_invalid=skip_invalid)
    try:
        validate(collections, skip_invalid=skip_invalid)
    except DataError as error:
        problems += error.problems
    raise DataError(problems)
