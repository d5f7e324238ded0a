"""Property tests: whatever the input, mapgen either loads it or says what is wrong and where.

Every loader and the EDTF span parser get arbitrary input (any JSON value as a whole file, a
feature, its properties, its geometry or its ``when``; any text as EDTF; any bytes as a file).
The only acceptable outcomes are a Dataset, or mapgen's own error type whose every problem
names the file (and the feature, where the problem is in one); never another exception, never
a hang. What loads must also build: its data reaches the page as script-safe JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mapgen
from mapgen.cli import error_lines
from mapgen.dates import DateError, parse_span
from mapgen.errors import DataError, MapgenError
from mapgen.html.payload import payload, script_json
from tests.helpers import collection, feature

FAST = settings(
    max_examples=200,
    deadline=5000,  # ms per example (CI machines are slow): a hang fails, not waits
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- strategies ------------------------------------------------------------------------------

# Keys mapgen looks at, so arbitrary objects often hit the code that reads them.
KEYS = st.sampled_from(
    [
        "type",
        "features",
        "properties",
        "geometry",
        "geometries",
        "coordinates",
        "id",
        "name",
        "name_fa",
        "layer",
        "when",
        "description",
        "sources",
        "title",
        "url",
        "precision",
        "layers",
        "periods",
        "label",
        "color",
        "order",
        "path",
        "attribution",
        "Feature",
        "FeatureCollection",
        "Point",
        "Polygon",
        "GeometryCollection",
    ]
) | st.text(max_size=12)

TEXT = st.text(max_size=30) | st.sampled_from(
    [
        "Feature",
        "FeatureCollection",
        "Point",
        "LineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
        "1981/1986",
        "2003/..",
        "1986?/2013",
        "https://example.org/",
        "javascript:alert(1)",
        "#1f5fa8",
        "site",
        "\ud800",  # a lone surrogate: valid JSON (as \\ud800), not a character
        "{{ 7*7 }}",
        "</script>",
    ]
)

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.sampled_from([180, -90, 0, 1e308, -1e-320])
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
)


def json_values(max_leaves: int = 15) -> st.SearchStrategy[Any]:
    return st.recursive(
        SCALARS,
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=5)
        ),
        max_leaves=max_leaves,
    )


ANY_JSON = json_values()

POSITION = st.lists(
    st.floats(min_value=-180, max_value=180) | st.integers(-200, 200) | SCALARS,
    min_size=0,
    max_size=4,
)
GEOMETRY = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            [
                "Point",
                "MultiPoint",
                "LineString",
                "MultiLineString",
                "Polygon",
                "MultiPolygon",
                "GeometryCollection",
                "Circle",
            ]
        ),
        "coordinates": st.recursive(POSITION, lambda c: st.lists(c, max_size=4), max_leaves=12)
        | ANY_JSON,
    },
    optional={"geometries": st.lists(ANY_JSON, max_size=3)},
)

EDTF_CHARS = "0123456789-/.~?%XYESu[]{},. T:Z+"
EDTF_PART = st.one_of(
    st.from_regex(r"-?\d{4}(-\d{2}(-\d{2})?)?[~?%]?", fullmatch=True),
    st.from_regex(r"Y-?\d{1,12}(E\d{1,9})?(S\d{1,3})?", fullmatch=True),
    st.from_regex(r"\d{2,3}X{1,2}(-[0-9X]{2}){0,2}", fullmatch=True),
    st.just(".."),
    st.just(""),
)
EDTF_LIKE = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=EDTF_CHARS, max_size=120),
    st.builds(lambda a, b: f"{a}/{b}", EDTF_PART, EDTF_PART),
    st.builds(lambda parts: "[" + ",".join(parts) + "]", st.lists(EDTF_PART, max_size=5)),
    st.builds(lambda parts: "{" + "..".join(parts) + "}", st.lists(EDTF_PART, max_size=3)),
    EDTF_PART,
)


# --- what every outcome must look like -------------------------------------------------------


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def write_json(path: Path, doc: Any) -> Path:
    # ensure_ascii keeps lone surrogates writable; they come back as \\udXXX escapes
    path.write_text(json.dumps(doc, ensure_ascii=True), "utf-8")
    return path


def load_or_problems(path: Path, *, one_line: bool = True) -> mapgen.Dataset | DataError:
    """Load *path*; the Dataset, or the DataError after checking that each problem names the
    file and prints as one line (``mapgen.load``'s message, and the CLI's). Any other exception
    fails the test."""
    try:
        data = mapgen.load(path)
    except DataError as exc:
        assert exc.problems, "a DataError without problems"
        printed = error_lines(exc)
        assert len(printed) == len(exc.problems)
        for problem, line in zip(exc.problems, printed, strict=True):
            assert problem.file == str(path), problem
            assert problem.message, problem
            assert line.startswith(f"{path}: "), line
            assert line.isprintable(), line
            if one_line:
                assert len(str(problem).splitlines()) == 1, f"a problem spans lines: {problem}"
        return exc
    except MapgenError as exc:  # pragma: no cover - a loader must raise DataError
        pytest.fail(f"load raised {type(exc).__name__}, not DataError: {exc}")
    assert isinstance(data, mapgen.Dataset)
    return data


def builds(data: mapgen.Dataset) -> str:
    """What loads must build: the page's data as script-safe UTF-8 JSON (the rest of the page
    does not depend on the data; tests/test_trust.py builds whole pages)."""
    text = script_json(payload(data))
    text.encode("utf-8")  # lone surrogates would fail here, after validation said nothing
    assert "</" not in text and "<!--" not in text and "{{" not in text
    return text


def feature_problems(outcome: mapgen.Dataset | DataError) -> list[mapgen.Problem]:
    return list(outcome.problems) if isinstance(outcome, DataError) else []


WHERE_FEATURE = re.compile(r"feature \d+( \(id=\S+\))?")


# --- loaders ---------------------------------------------------------------------------------


@FAST
@given(doc=ANY_JSON)
def test_any_json_value_as_a_whole_file(workdir: Path, doc: Any) -> None:
    load_or_problems(write_json(workdir / "whole.geojson", doc))


@FAST
@given(features=st.lists(ANY_JSON, min_size=1, max_size=4))
def test_any_json_value_as_a_feature(workdir: Path, features: list[Any]) -> None:
    path = write_json(workdir / "features.geojson", collection(features))
    outcome = load_or_problems(path)
    for problem in feature_problems(outcome):
        assert WHERE_FEATURE.fullmatch(problem.where), problem


@FAST
@given(properties=ANY_JSON, extra=st.dictionaries(KEYS, ANY_JSON, max_size=4))
def test_any_properties(workdir: Path, properties: Any, extra: dict[str, Any]) -> None:
    doc = feature("a")
    doc["properties"] = properties
    if isinstance(properties, dict):
        doc["properties"] = {**feature("a")["properties"], **extra, **properties}
    outcome = load_or_problems(write_json(workdir / "props.geojson", collection([doc])))
    for problem in feature_problems(outcome):
        assert WHERE_FEATURE.fullmatch(problem.where), problem
    if isinstance(outcome, mapgen.Dataset):
        builds(outcome)


@FAST
@given(geometry=GEOMETRY | ANY_JSON)
def test_any_geometry(workdir: Path, geometry: Any) -> None:
    doc = feature("a")
    doc["geometry"] = geometry
    outcome = load_or_problems(write_json(workdir / "geom.geojson", collection([doc])))
    for problem in feature_problems(outcome):
        assert WHERE_FEATURE.fullmatch(problem.where), problem
        assert problem.field.startswith("geometry"), problem
    if isinstance(outcome, mapgen.Dataset):
        builds(outcome)


@FAST
@given(when=ANY_JSON | st.lists(EDTF_LIKE, max_size=3) | EDTF_LIKE)
def test_any_when(workdir: Path, when: Any) -> None:
    doc = feature("a")
    doc["properties"]["when"] = when
    outcome = load_or_problems(write_json(workdir / "when.geojson", collection([doc])))
    for problem in feature_problems(outcome):
        assert WHERE_FEATURE.fullmatch(problem.where), problem
        assert problem.field.startswith("when"), problem
    if isinstance(outcome, mapgen.Dataset):
        builds(outcome)


@FAST
@given(members=st.dictionaries(KEYS, ANY_JSON, max_size=5))
def test_any_collection_members(workdir: Path, members: dict[str, Any]) -> None:
    members.pop("type", None)
    members.pop("features", None)
    doc = collection([feature("a"), feature("b", layer="other")], **members)
    outcome = load_or_problems(write_json(workdir / "members.geojson", doc))
    if isinstance(outcome, mapgen.Dataset):
        builds(outcome)


@FAST
@given(
    layers=st.dictionaries(
        TEXT, st.dictionaries(KEYS, ANY_JSON, max_size=4) | ANY_JSON, max_size=3
    ),
    periods=st.dictionaries(TEXT, EDTF_LIKE | ANY_JSON, max_size=3),
)
def test_any_layers_and_periods(
    workdir: Path, layers: dict[str, Any], periods: dict[str, Any]
) -> None:
    used = [key for key in layers if key.strip()][:2] or ["sites"]
    features = [feature(f"p{i}", layer=key) for i, key in enumerate(used)]
    doc = collection(features, layers=layers, periods=periods)
    outcome = load_or_problems(write_json(workdir / "layers.geojson", doc))
    for problem in feature_problems(outcome):
        # a problem in one line: layer and period names with line breaks are quoted
        assert "\n" not in str(problem) and "\r" not in str(problem), problem
    if isinstance(outcome, mapgen.Dataset):
        builds(outcome)


@pytest.mark.parametrize("suffix", [".geojson", ".lpf.json", ".csv", ".tsv"])
def test_any_bytes_as_a_file(workdir: Path, suffix: str) -> None:
    @FAST
    @given(data=st.binary(max_size=400) | st.text(max_size=200).map(str.encode))
    def check(data: bytes) -> None:
        path = workdir / f"bytes{suffix}"
        path.write_bytes(data)
        # The CSV reader names columns as they are, line breaks included (reported to its
        # owner); the CLI still prints each problem on one line, which load_or_problems checks.
        load_or_problems(path, one_line=suffix not in (".csv", ".tsv"))

    check()


def test_undecodable_bytes_name_the_file_and_the_byte(workdir: Path) -> None:
    path = workdir / "latin1.geojson"
    path.write_bytes(b'{"type": "FeatureCollection", "features": [], "title": "K\xf6ln"}')
    problem = load_or_problems(path)
    assert isinstance(problem, DataError)
    assert str(problem) == f"{path}: is not UTF-8 (byte 57 is 0xf6); save it as UTF-8"


# --- EDTF spans ------------------------------------------------------------------------------


def check_span(text: str) -> None:
    try:
        span = parse_span(text)
    except DateError as exc:
        assert str(exc)
        return
    for bound in (span.start_wide, span.start_narrow, span.end_narrow, span.end_wide):
        assert bound is None or isinstance(bound, int)
        # day numbers travel to the browser as doubles: they must stay exact there
        assert bound is None or abs(bound) < 2**53
    if span.start_narrow is not None and span.end_narrow is not None:
        assert span.start_narrow <= span.end_narrow
    if span.start_wide is not None and span.start_narrow is not None:
        assert span.start_wide <= span.start_narrow
    if span.end_wide is not None and span.end_narrow is not None:
        assert span.end_narrow <= span.end_wide
    assert span.words


@FAST
@given(text=st.text())
def test_any_text_as_edtf(text: str) -> None:
    check_span(text)


@FAST
@given(text=EDTF_LIKE)
def test_edtf_like_text(text: str) -> None:
    check_span(text)


@pytest.mark.parametrize(
    "text",
    [
        "Y1E999999999",  # 10**999999999: edtf computes it (hangs) unless refused first
        "Y1E99999",  # a year too long to write in words
        "Y-1E4400",
        "Y" + "9" * 99,
        "[" + ",".join(["1981"] * 2000) + "]",  # pyparsing takes a minute for this
        "1" * 100_000,
        "\x00",
        "1981\x00/1986",
        "\ud800",
    ],
)
def test_pathological_edtf_is_refused_quickly(text: str) -> None:
    with pytest.raises(DateError):
        parse_span(text)


def test_far_years_within_limits_still_work() -> None:
    assert parse_span("Y170000002").start_narrow is not None  # EDTF's own example
    assert parse_span("Y-170000002").start_narrow is not None
    assert parse_span("Y17E7").words == "170000000"


# --- sizes ----------------------------------------------------------------------------------


def deep(depth: int) -> Iterator[str]:
    yield "[" * depth
    yield "]" * depth


@pytest.mark.parametrize("depth", [500, 5_000, 200_000])
def test_deeply_nested_json_is_a_data_error(workdir: Path, depth: int) -> None:
    path = workdir / "deep.geojson"
    opening, closing = deep(depth)
    path.write_text(
        '{"type": "FeatureCollection", "features": [], "title": ' + opening + closing + "}",
        "utf-8",
    )
    outcome = load_or_problems(path)
    assert isinstance(outcome, DataError)


def test_deep_geometry_collections_are_refused_not_crashed(workdir: Path) -> None:
    geometry: dict[str, Any] = {"type": "Point", "coordinates": [10, 50]}
    for _ in range(300):
        geometry = {"type": "GeometryCollection", "geometries": [geometry]}
    doc = feature("a")
    doc["geometry"] = geometry
    path = write_json(workdir / "gc.geojson", collection([doc]))
    outcome = load_or_problems(path)
    assert isinstance(outcome, DataError)
    assert [(p.where, p.field) for p in outcome.problems] == [("feature 0 (id=a)", "geometry")]


def test_anything_in_a_position_beyond_lon_lat_is_refused(workdir: Path) -> None:
    nested: Any = 1
    for _ in range(900):
        nested = [nested]
    doc = feature("a", geometry={"type": "LineString", "coordinates": [[1, 2, nested], [3, 4]]})
    outcome = load_or_problems(write_json(workdir / "pos.geojson", collection([doc])))
    assert isinstance(outcome, DataError)
    assert outcome.problems[0].field == "geometry.coordinates"


def test_numbers_too_long_for_python_are_a_data_error(workdir: Path) -> None:
    path = workdir / "big.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": [], "title": ' + "9" * 5000 + "}", "utf-8"
    )
    outcome = load_or_problems(path)
    assert isinstance(outcome, DataError)
    assert "number" in str(outcome)


def test_lone_surrogates_are_a_data_error_naming_the_feature(workdir: Path) -> None:
    path = workdir / "surrogate.geojson"
    write_json(path, collection([feature("a"), feature("b", name="bad \ud800 name")]))
    outcome = load_or_problems(path)
    assert isinstance(outcome, DataError)
    assert [(p.where, p.field) for p in outcome.problems] == [("feature 1", "name")]
    # an escaped pair is one character and loads
    write_json(path, collection([feature("a", name="map \U0001f5fa")]))
    data = load_or_problems(path)
    assert isinstance(data, mapgen.Dataset) and data.places[0].name == "map \U0001f5fa"
