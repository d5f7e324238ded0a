"""What a large load costs in memory and objects, measured without a clock: a change that goes
back to heavier building per place (intermediate dicts, more objects, a copy of every feature)
fails here in CI, where timings would be noise. And the rules, which check a column at once,
find in a batch of many rows what they find in each row alone, so a column's shortcut cannot
change a place or hide a problem."""

from __future__ import annotations

import gc
import re
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import mapgen
from benchmarks import synth
from mapgen import rules
from mapgen.raw import RawCollection, RawFeature
from mapgen.validate import validate

PLACES = 20_000
# Measured on the synthetic places (617 bytes of pretty GeoJSON each: one to three spans, a
# source, a description): 1,424 bytes of peak per place while loading (one batch of decoded
# features and the columns; the file itself is mapped, not copied), 894 bytes and no tracked
# container (0.001) kept per place once loaded. With a Place object, its geometry dict and
# tuples per place, and the whole document parsed at once, it was 2,456 and 1,303 bytes and 6
# containers a place. The bounds leave about a third of margin.
PEAK_BYTES_PER_PLACE = 1_900
KEPT_BYTES_PER_PLACE = 1_200
KEPT_OBJECTS_PER_PLACE = 0.5


@pytest.fixture(scope="module")
def places_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cost") / "places.geojson"
    synth.write_pretty(synth.collection(PLACES), path)
    mapgen.load()  # modules imported and caches made once, not counted as the places' cost
    return path


def measured_load(path: Path) -> tuple[mapgen.Dataset, float, float]:
    """The dataset at *path*, and the bytes a place its load peaked at and kept."""
    gc.collect()
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        data = mapgen.load(path)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return data, (peak - before) / PLACES, (kept - before) / PLACES


def test_loading_many_places_peaks_under_a_bound_per_place(places_file: Path) -> None:
    data, peak, kept = measured_load(places_file)
    assert len(data.places) == PLACES
    assert peak < PEAK_BYTES_PER_PLACE
    assert kept < KEPT_BYTES_PER_PLACE


@pytest.fixture(scope="module")
def odd_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same places in a file with each shape that once sent the whole file through
    `json.loads` (issue 18, item 3): an ``@context`` that is not LPF's, an ``@id`` on the
    first feature, a GeometryCollection, a surrogate pair written as escapes."""
    data = synth.collection(PLACES)
    data["@context"] = {"@vocab": "https://schema.org/"}
    first, other = data["features"][0], data["features"][PLACES // 2]
    first["@id"] = "https://example.org/places/0"
    first["properties"]["name"] += " \U0001f3db"  # 🏛, written \ud83c\udfdb below
    other["geometry"] = {"type": "GeometryCollection", "geometries": [other["geometry"]]}
    path = tmp_path_factory.mktemp("cost") / "odd.geojson"
    synth.write_pretty(data, path)
    text = path.read_text("utf-8").replace("\U0001f3db", "\\ud83c\\udfdb")
    path.write_text(text, "utf-8")
    return path


def test_odd_features_are_read_a_batch_at_a_time(places_file: Path, odd_file: Path) -> None:
    """A file with odd features loads within the bound of a plain one: its odd rows go to the
    rules as rows, the file is not parsed whole."""
    from mapgen.read.geojson import typed_collection

    assert typed_collection(odd_file.read_bytes(), "odd.geojson") is not None
    data, peak, _ = measured_load(odd_file)
    assert len(data.places) == PLACES
    assert data.places[0].name.endswith(" \U0001f3db")
    assert data.places[PLACES // 2].geometry["type"] == "GeometryCollection"
    assert peak < PEAK_BYTES_PER_PLACE


def test_a_loaded_place_is_a_few_objects(places_file: Path) -> None:
    """Containers the garbage collector tracks, kept after loading: the places are columns
    (lists of strings and numbers; spans are shared), so a place is no container at all."""
    gc.collect()
    before = len(gc.get_objects())
    data = mapgen.load(places_file)
    gc.collect()
    kept = len(gc.get_objects()) - before
    assert len(data.places) == PLACES
    assert kept / PLACES < KEPT_OBJECTS_PER_PLACE


# --- a batch of rows is checked as each row alone ------------------------------------------

texts = st.one_of(
    st.sampled_from(["a", "x-1", " ", "", "camps", "site", "city", "a b", "\u200b", "Ort"]),
    st.text(max_size=4),
)
values = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(), texts)
def likely(good: list[Any], other: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly a valid value, so that a column's shortcut vouches for many batches, sometimes
    another: a feature then has one field or two the shortcut must not let through."""
    return st.integers(0, 7).flatmap(lambda i: other if i == 0 else st.sampled_from(good))


spans = st.sampled_from(
    ["1990/2000", "2003/..", "1990~/2000", "1986?/1990", "1994-03/1997-11", "1981-06-28",
     "2000/1990", "1990 ", " 1990", "1700-02-29", "nonsense", "", "1850s", "../..", "-0030"]
)
whens = st.one_of(values, spans, st.lists(st.one_of(spans, values), max_size=3))
sources = st.one_of(
    values,
    st.lists(
        st.one_of(
            values,
            st.fixed_dictionaries(
                {},
                optional={
                    "url": st.one_of(values, st.sampled_from(
                        ["https://example.org/a", "http://x.y", "javascript:alert(1)",
                         "https://a b", "HTTPS://E.ORG"])),
                    "title": values,
                },
            ),
        ),
        max_size=2,
    ),
)
numbers = st.one_of(
    st.floats(-200, 200), st.integers(-200, 200), st.sampled_from([float("nan"), True, "1"])
)
positions = st.lists(numbers, min_size=1, max_size=4)
geometries = st.one_of(
    values,
    st.fixed_dictionaries({"type": st.just("Point"), "coordinates": positions}),
    st.fixed_dictionaries(
        {"coordinates": positions, "type": st.sampled_from(["Point", "point", "Polygon"])}
    ),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["LineString", "MultiPoint"]),
         "coordinates": st.lists(positions, max_size=3)},
        optional={"bbox": values},
    ),
    st.fixed_dictionaries(
        {"type": st.just("GeometryCollection"),
         "geometries": st.lists(st.fixed_dictionaries(
             {"type": st.just("Point"), "coordinates": positions}), max_size=2)}
    ),
)
mostly_valid = st.fixed_dictionaries(
    {
        "id": likely(["p1", "p2", "dup", "p 3"], values),
        "name": likely(["Ort", "a"], values),
        "layer": likely(["camps"], values),
    },
    optional={
        "when": likely([["1990/2000", "1990/2000"], "2003/..", ["1990~/2000", " 1990"]],
                       whens),
        "description": likely(["", "about it"], values),
        "precision": likely(["", "site", None], values),
        "sources": likely([[{"url": "https://example.org/a"}],
                           [{"url": "http://x.y", "title": "T"}]], sources),
        "name_fr": likely(["Lieu", None], values),
        "name_x": values,
        "extra": values,
        "Zeta": values,
    },
)
messy = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(values, st.sampled_from(["p1", "p2", "dup"])),
        "name": values,
        "layer": values,
        "when": whens,
        "description": values,
        "precision": values,
        "sources": sources,
        "name_fr": values,
        "name_x": values,
        "name_de-CH": values,
        "extra": values,
        "Zeta": values,
    },
)
properties = st.integers(0, 5).flatmap(
    lambda i: values if i == 0 else messy if i == 1 else mostly_valid
)
features = st.builds(
    RawFeature,
    where=st.just("feature 0"),
    properties=properties,
    geometry=likely([{"type": "Point", "coordinates": [1.5, 2]},
                     {"type": "LineString", "coordinates": [[0, 0], [1, 1]], "bbox": None}],
                    geometries),
    fallback_id=st.one_of(st.none(), st.integers(-2, 2), texts),
    problem=likely([""], st.just("not a GeoJSON Feature")),
    field_problems=likely([()], st.just((("when[0]", "not a date"),))),
)


def _checked(collections: list[RawCollection], skip: bool) -> Any:
    try:
        data = validate(collections, skip_invalid=skip)
    except mapgen.DataError as error:  # "f, f: all 2 features are invalid" names each file
        return [re.sub(r"^f(, f)*:", "f:", str(problem)) for problem in error.problems]
    return list(data.places), data.layers, data.report


@settings(max_examples=600, deadline=None)
@given(st.lists(features, min_size=1, max_size=6), st.booleans(), st.booleans())
def test_a_batch_finds_what_batches_of_one_find(
    raws: list[RawFeature], geometry_optional: bool, skip: bool
) -> None:
    """The feature-by-feature check is the same rules on a batch of one: rows checked
    together (each rule's column shortcut, duplicates within the batch) make the places,
    problems and warnings that each row checked alone makes."""
    raws = [RawFeature(f"feature {n}", *[getattr(r, f) for f in r.__slots__[1:]])
            for n, r in enumerate(raws)]
    together = RawCollection.of("f", raws, geometry_optional=geometry_optional)
    alone = [RawCollection.of("f", [raw], geometry_optional=geometry_optional) for raw in raws]
    assert _checked([together], skip) == _checked(alone, skip)


def test_the_benchmark_places_are_checked_a_column_at_a_time(
    monkeypatch: pytest.MonkeyPatch, places_file: Path
) -> None:
    """The shape of large real tables (and of the benchmark's places) is the common one: if
    a rule's column shortcut stopped vouching for it, every row would be asked on its own
    and loading would silently be several times slower."""
    each = rules.each

    def vouched(values: list[Any], rows: Any, reasons: Any, clean: Any) -> Any:
        assert clean(values), reasons
        return each(values, rows, reasons, clean)

    def never(*args: Any) -> Any:
        raise AssertionError("a Point asked on its own")

    monkeypatch.setattr(rules, "each", vouched)
    monkeypatch.setattr(rules, "checked_geometry", never)
    assert len(mapgen.load(places_file).places) == PLACES


# --- the columns read from a file agree with the features read one by one ----------------

regular = st.fixed_dictionaries(  # the shape read into columns: mapgen's own keys only
    {
        "id": likely(["p1", "p2", "dup", "p 3", "p\u200b4"], values),
        "name": likely(["Ort", "a"], values),
        "layer": likely(["camps", "events"], values),
    },
    optional={
        "when": likely([["1990/2000", "1990/2000"], "2003/..", ["1990~/2000"], [], ""], whens),
        "description": likely(["", "about it", None], values),
        "precision": likely(["", "site", None, "city"], values),
        "sources": likely([[{"url": "https://example.org/a"}], None,
                           [{"url": "http://x.y", "title": "T"}], [{"url": "javascript:x()"}],
                           [{"url": "https://e.org", "title": 3}]], sources),
    },
)
collection_features = st.lists(
    st.fixed_dictionaries(
        {"type": likely(["Feature"], st.sampled_from(["feature", None, 3])),
         "properties": st.one_of(regular, regular, regular, properties),
         "geometry": likely([{"type": "Point", "coordinates": [1.5, 2]}], geometries)},
        optional={"id": st.one_of(st.integers(0, 3), texts, st.just("dup"))},
    ),
    min_size=1,
    max_size=8,
)


def _whole(path: Path, skip_invalid: bool) -> mapgen.Dataset:
    """The file read as one document, feature by feature: the path every format takes."""
    from mapgen.fields import Fields
    from mapgen.read.geojson import check_named, features_from_json, file_layer, parse_json

    label = str(path)
    features, members = features_from_json(parse_json(path.read_text("utf-8"), label), label)
    check_named(features, label, Fields())
    raw = RawCollection.of(label, features, members, default_layer=file_layer(label))
    return validate([raw], skip_invalid=skip_invalid)


def _outcome(load: Any) -> Any:
    try:
        data = load()
    except mapgen.DataError as error:
        return [str(problem) for problem in error.problems]
    return list(data.places), data.layers, data.report, data.title


@settings(max_examples=400, deadline=None)
@given(collection_features, st.booleans())
def test_columns_make_the_places_and_problems_of_features_one_by_one(
    tmp_path_factory: pytest.TempPathFactory, features: list[dict[str, Any]], skip: bool
) -> None:
    import json

    from mapgen.read.geojson import typed_collection

    path = tmp_path_factory.mktemp("columns") / "places.geojson"
    try:  # NaN is not JSON: both readers refuse the file, in one line
        text = json.dumps({"type": "FeatureCollection", "features": features}, allow_nan=False,
                          ensure_ascii=False)
    except ValueError:
        assume(False)
    path.write_text(text, "utf-8")
    assert typed_collection(text.encode(), str(path)) is not None  # read a batch at a time
    columns = _outcome(lambda: mapgen.load(path, skip_invalid=skip))
    assert columns == _outcome(lambda: _whole(path, skip))
