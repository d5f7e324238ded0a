"""mapgen tiles without a browser: the tile attributes, the batches' checks, mapgen serve."""

from __future__ import annotations

import datetime
import gzip
import http.client
import json
import os
import struct
import sys
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

import mapgen
from mapgen.errors import DataError, MapgenError, MapgenNote, MapgenWarning
from mapgen.model import Period
from mapgen.tiles.features import feature_lines, when_words
from mapgen.tiles.reader import ReadJob, apart, read_places
from mapgen.tiles.serve import byte_range, make_server
from mapgen.tiles.source import Reading
from mapgen.tiles.tiler import binary

EPOCH = datetime.date(1970, 1, 1)


def day(year: int, month: int = 1, day_: int = 1) -> int:
    """A day number, by Python's calendar (not mapgen's)."""
    return (datetime.date(year, month, day_) - EPOCH).days


def collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def place(pid: str, when: list[str] | None, lon: float = 10.0, lat: float = 50.0, **extra: object
          ) -> dict:
    props = {"id": pid, "name": f"Place {pid}", "layer": "sites", **extra}
    if when is not None:
        props["when"] = when
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": props}


def lines_of(path: Path) -> list[dict]:
    data = mapgen.load(path)
    places = data.places
    return [json.loads(line) for _, _, line in feature_lines(
        places, [0] * len(places), when_words(places))]


def test_a_span_is_a_feature_with_its_four_bounds_as_day_numbers(tmp_path: Path) -> None:
    source = tmp_path / "p.geojson"
    source.write_text(json.dumps(collection(place("a", ["1981/1986-06"]),
                                            place("b", ["1990~/1995"]))))
    a, b = lines_of(source)
    assert a["properties"] | {} == {
        "id": "a", "name": "Place a", "when": "1981–June 1986",
        "sw": day(1981), "sn": day(1981), "en": day(1986, 6, 30), "ew": day(1986, 6, 30)}
    assert a["geometry"] == {"type": "Point", "coordinates": [10.0, 50.0]}
    # approximate: the wide start a year earlier, the narrow one as written
    assert (b["properties"]["sw"], b["properties"]["sn"]) == (day(1989), day(1990))


def test_open_ends_are_missing_attributes(tmp_path: Path) -> None:
    source = tmp_path / "p.geojson"
    source.write_text(json.dumps(collection(place("a", ["2003/.."]), place("b", ["../1950"]))))
    ongoing, open_start = (f["properties"] for f in lines_of(source))
    assert ongoing["sw"] == ongoing["sn"] == day(2003)
    assert "en" not in ongoing and "ew" not in ongoing
    assert "sw" not in open_start and "sn" not in open_start
    assert open_start["ew"] == day(1950, 12, 31)


def test_several_spans_are_several_features_sharing_the_id(tmp_path: Path) -> None:
    source = tmp_path / "p.geojson"
    source.write_text(json.dumps(collection(
        place("a", ["1900/1910", "1950/1960", "2000"]), place("u", None))))
    found = lines_of(source)
    spans = [f["properties"] for f in found if f["properties"]["id"] == "a"]
    assert [(p["sn"], p["en"]) for p in spans] == [
        (day(1900), day(1910, 12, 31)), (day(1950), day(1960, 12, 31)),
        (day(2000), day(2000, 12, 31))]
    assert {p["when"] for p in spans} == {"1900–1910; 1950–1960; 2000"}
    undated = [f["properties"] for f in found if f["properties"]["id"] == "u"]
    assert len(undated) == 1 and undated[0]["u"] == 1
    assert not {"sw", "sn", "en", "ew"} & set(undated[0])


def test_popups_and_search_say_the_spans_in_the_pages_language(tmp_path: Path) -> None:
    source = tmp_path / "p.geojson"
    source.write_text(json.dumps(collection(place("a", ["1981-06", "1990/1995"]))))
    places = mapgen.load(source).places
    assert when_words(places) == ["June 1981; 1990–1995"]
    assert when_words(places, "fr") == ["juin 1981; 1990–1995"]
    mapgen.build_tiles(source, output=tmp_path / "out", tiles="none", lang="fr")
    entries = [json.loads(line) for shard in sorted((tmp_path / "out" / "names").glob("*.jsonl"))
               for line in shard.read_text(encoding="utf-8").splitlines()]
    assert {entry[7] for entry in entries} == {"juin 1981; 1990–1995"}


def test_hostile_text_stays_text_in_the_features(tmp_path: Path) -> None:
    name = '"},"geometry":null,"x":{"</script><img src=x onerror=alert(1)>'
    source = tmp_path / "p.geojson"
    feature = place("h", ["1990"])
    feature["properties"]["name"] = name
    source.write_text(json.dumps(collection(feature)))
    (parsed,) = lines_of(source)
    assert parsed["properties"]["name"] == name
    assert parsed["geometry"]["type"] == "Point"


def test_a_nul_becomes_u_fffd_and_a_written_backslash_u0000_stays_as_written(
        tmp_path: Path) -> None:
    """Vector tiles cannot carry NUL: it is written as U+FFFD and said; a name that holds a
    backslash followed by "u0000" (JSON escapes it as \\\\u0000) is no NUL and is kept."""
    from mapgen.tiles.features import FeatureFiles

    source = tmp_path / "p.geojson"
    names = {"a": "A\x00", "b": "B\\u0000", "c": "C\\\x00"}
    source.write_text(json.dumps(collection(*(
        place(pid, ["1990"], name=name) for pid, name in names.items()))), "utf-8")
    places = mapgen.load(source).places
    for chosen, expected, nul in ((["b"], ["B\\u0000"], False),
                                  (["a", "b", "c"], ["A\ufffd", "B\\u0000", "C\\\ufffd"], True)):
        rows = [places.ids.index(pid) for pid in chosen]
        part = places.take(rows)
        files = FeatureFiles(tmp_path / "f" / "".join(chosen))
        files.add(part, [0] * len(part), when_words(part))
        ((_, (path,)),) = files.close()
        got = [json.loads(line)["properties"]["name"]
               for line in Path(path).read_text("utf-8").splitlines()]
        assert (got, files.nul, files.features) == (expected, nul, len(chosen))


# --- batches: the same rules, located across batches ------------------------------------------


def write_table(path: Path, ids: list[str], whens: list[list[str]]) -> None:
    import pyarrow
    import pyarrow.parquet

    n = len(ids)
    pyarrow.parquet.write_table(pyarrow.table({
        "id": ids, "name": [f"n{i}" for i in range(n)], "layer": ["a"] * n,
        "when": whens, "lat": [45.0] * n, "lon": [float(i % 90) for i in range(n)],
    }), path, row_group_size=700)


def test_problems_name_rows_across_batches_and_repeats_across_them(tmp_path: Path) -> None:
    ids = [f"r{i}" for i in range(3000)]
    ids[2500] = "r10"  # a repeat, batches later
    whens = [["1900/1950"]] * 3000
    whens[2100] = ["1950/1900"]
    source = tmp_path / "t.parquet"
    write_table(source, ids, whens)
    with pytest.raises(DataError) as caught:
        mapgen.build_tiles(source, output=tmp_path / "out", rows=1000)
    lines = [str(p) for p in caught.value.problems]
    label = str(source)
    assert lines == [
        f"{label}: row 2100 (id=r2100): when[0]: '1950/1900' ends before it starts",
        f"{label}: row 2500 (id=r10): id: duplicate id 'r10', also at {label}: row 10",
    ]
    assert not (tmp_path / "out").exists()
    # the same rules as loading the file whole
    with pytest.raises(DataError) as whole:
        mapgen.load(source)
    assert [str(p) for p in whole.value.problems] == lines


def test_skip_invalid_leaves_them_out_and_counts_them(tmp_path: Path) -> None:
    ids = [f"r{i}" for i in range(1500)]
    whens = [["1900/1950"]] * 1500
    whens[1200] = ["1950/1900"]
    source = tmp_path / "t.parquet"
    write_table(source, ids, whens)
    made = mapgen.build_tiles(source, output=tmp_path / "out", rows=1000, skip_invalid=True)
    assert (made.places, made.reading.skipped) == (1499, 1)
    assert "row 1200 (id=r1200)" in str(made.reading.skipped_problems[0])
    assert (tmp_path / "out" / "index.html").exists()
    assert sorted(p.name for p in (tmp_path / "out" / "tiles").iterdir()) == ["layer-0.pmtiles"]


def read_job(source: Path, rows: int) -> ReadJob:
    return ReadJob((str(source),), None, None, None, False, rows, Period(), None, False)


def test_a_second_process_reads_the_very_batches_this_one_would(tmp_path: Path) -> None:
    ids = [f"r{i}" for i in range(2500)]
    whens = [["1900/1950"] if i % 3 else ["-750", "1066-10-14"] for i in range(2500)]
    source = tmp_path / "t.parquet"
    write_table(source, ids, whens)
    job = read_job(source, 1000)
    assert apart(job) and not apart(read_job(source, 2500))
    here, there = Reading(), Reading()
    with warnings.catch_warnings(record=True) as said_here:
        warnings.simplefilter("always")
        expected = list(job.places(here))
    with warnings.catch_warnings(record=True) as said_there:
        warnings.simplefilter("always")
        got = list(read_places(job, there, tmp_path))
    assert len(got) > 1 and sum(len(b.view.places) for b in got) == 2500
    assert [b.view.places for b in got] == [b.view.places for b in expected]
    assert [(b.view.places.spans, b.view.places.span_starts) for b in got] == [
        (b.view.places.spans, b.view.places.span_starts) for b in expected]
    # the spans in words come with each batch, made there as here
    assert [b.when for b in got] == [b.when for b in expected]
    assert got[0].when[:2] == ["750 BCE; 14 October 1066", "1900–1950"]
    assert there == here
    # the child's notes (here: -750 read as a year BC) are said here, as the same warnings
    notes = [(w.category, str(w.message)) for w in said_there]
    assert notes == [(w.category, str(w.message)) for w in said_here]
    assert any(category is MapgenNote and "750 BC" in text for category, text in notes)


def test_what_a_library_prints_in_the_reading_process_is_not_taken_for_batches(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(  # run by the child's Python as it starts
        "import sys\n"
        "import mapgen.tiles.reader as reader\n"
        "real = reader.batches\n"
        "def noisy(*args, **kwargs):\n"
        "    print('a library says hello on stdout')\n"
        "    sys.stdout.flush()\n"
        "    yield from real(*args, **kwargs)\n"
        "reader.batches = noisy\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(hooks))
    source = tmp_path / "t.parquet"
    write_table(source, [f"r{i}" for i in range(1500)], [["1900"]] * 1500)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    got = list(read_places(read_job(source, 1000), Reading(), scratch))
    assert sum(len(b.view.places) for b in got) == 1500
    assert "a library says hello" in (scratch / "reader.err").read_text(encoding="utf-8")


def test_with_no_python_to_start_the_reading_is_done_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "t.parquet"
    write_table(source, [f"r{i}" for i in range(1500)], [["1900"]] * 1500)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    made = mapgen.build_tiles(source, output=tmp_path / "out", rows=1000)
    assert made.places == 1500


def test_the_cli_sums_up_as_every_command_does(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from mapgen.cli import main

    source = tmp_path / "t.parquet"
    write_table(source, [f"r{i}" for i in range(1500)], [["1900"]] * 1500)
    said = [CliRunner().invoke(main, ["tiles", str(source), "-o", str(tmp_path / lang),
                                      "--tiles", "none", "--lang", lang])
            for lang in ("en", "fr", "ar")]
    assert [r.exit_code for r in said] == [0, 0, 0]
    assert said[0].stderr.splitlines()[-1] == (
        "1,500 places in 1 layer, 1,500 tile features in 1 archive")
    # the whole line in the summary's language, the tile features and archives too
    assert said[1].stderr.splitlines()[-1] == (
        "1\u202f500 lieux dans 1 couche, 1\u202f500 objets de tuile dans 1 archive")
    assert said[2].stderr.splitlines()[-1].endswith("1,500 معلم في أرشيف واحد")


def test_a_span_pickles_as_every_one_of_its_fields() -> None:
    """Batches cross between processes pickled: a field left out of Span.__reduce__ would
    come back as its default."""
    import dataclasses
    import pickle

    from mapgen.dates import Span

    span = Span("1990~/2000?", 1, 2, 3, 4, fuzzy_start=True, fuzzy_end=True, ongoing=True)
    assert Span.__reduce__(span)[1] == tuple(
        getattr(span, f.name) for f in dataclasses.fields(Span))
    assert pickle.loads(pickle.dumps(span)) == span


def test_a_reading_process_that_dies_is_one_line_and_no_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "t.parquet"
    write_table(source, [f"r{i}" for i in range(1500)], [["1900"]] * 1500)
    monkeypatch.setattr(sys, "executable", "/bin/false")  # a child that says nothing, exit 1
    with pytest.raises(MapgenError, match=r"reading process stopped \(exit status 1\)"):
        mapgen.build_tiles(source, output=tmp_path / "out", rows=1000)
    assert not (tmp_path / "out").exists()


def test_a_folder_that_is_not_ours_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "p.geojson"
    source.write_text(json.dumps(collection(place("a", ["1990"]))))
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(mapgen.OutputError, match="did not make"):
        mapgen.build_tiles(source, output=tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


# --- mapgen serve ----------------------------------------------------------------------------


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    root = tmp_path / "site"
    (root / "tiles").mkdir(parents=True)
    (root / "index.html").write_text("<p>map</p>")
    (root / "tiles" / "a.pmtiles").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "secret.txt").write_text("secret")
    (root / "out").symlink_to(tmp_path / "secret.txt")
    server = make_server(root, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], root
    server.shutdown()
    server.server_close()


def get(port: int, target: str, headers: dict[str, str] | None = None
        ) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", target, skip_accept_encoding=True)
    for key, value in (headers or {}).items():
        connection.putheader(key, value)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), body


def test_serve_answers_ranges_with_206_and_those_bytes(served: tuple[int, Path]) -> None:
    port, root = served
    whole = (root / "tiles" / "a.pmtiles").read_bytes()
    status, headers, body = get(port, "/tiles/a.pmtiles", {"Range": "bytes=10-19"})
    assert (status, body) == (206, whole[10:20])
    assert headers["Content-Range"] == f"bytes 10-19/{len(whole)}"
    assert get(port, "/tiles/a.pmtiles", {"Range": "bytes=1000-"})[2] == whole[1000:]
    assert get(port, "/tiles/a.pmtiles", {"Range": "bytes=-5"})[2] == whole[-5:]
    status, headers, body = get(port, "/tiles/a.pmtiles")
    assert (status, body, headers["Accept-Ranges"]) == (200, whole, "bytes")
    assert get(port, "/")[2] == b"<p>map</p>"


def test_serve_answers_a_range_past_the_end_with_416(served: tuple[int, Path]) -> None:
    port, _ = served
    status, headers, body = get(port, "/tiles/a.pmtiles", {"Range": "bytes=5000-6000"})
    assert (status, body) == (416, b"")
    assert headers["Content-Range"] == "bytes */1024"


@pytest.mark.parametrize("target", [
    "/../secret.txt", "/tiles/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
    "/tiles/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt",
    "/..\\secret.txt", "/%5c..%5csecret.txt", "//etc/passwd", "/out", "/tiles/./../../secret.txt",
    "/%00", "/nothing-here",
])
def test_serve_never_serves_a_file_outside_the_folder(served: tuple[int, Path],
                                                       target: str) -> None:
    port, _ = served
    status, _, body = get(port, target)
    assert status == 404
    assert b"secret" not in body


def test_serve_listens_on_the_loopback_unless_told(tmp_path: Path) -> None:
    server = make_server(tmp_path, 0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        other = make_server(tmp_path, 0, host="0.0.0.0")
        other.server_close()
    assert any(issubclass(w.category, MapgenWarning) and "other machines" in str(w.message)
               for w in caught)


def test_byte_range_readings() -> None:
    assert byte_range("bytes=0-0", 10) == (0, 0)
    assert byte_range("bytes=5-100", 10) == (5, 9)
    assert byte_range("bytes=10-", 10) is False
    assert byte_range("bytes=-0", 10) is False
    assert byte_range("bytes=0-1,4-5", 10) is None  # several ranges: the whole file
    assert byte_range("items=0-1", 10) is None


def test_the_cli_serves_and_says_where(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "index.html").write_text("hello")
    command = [str(Path(sys.executable).parent / "mapgen"), "serve", str(tmp_path), "--port", "0"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = process.stderr.readline()
        url = line.split(" at ")[1].split(" ")[0]
        port = int(url.rsplit(":", 1)[1].strip("/"))
        assert url.startswith("http://127.0.0.1:")
        assert get(port, "/index.html")[2] == b"hello"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_same_input_same_options_same_bytes(tmp_path: Path) -> None:
    source = tmp_path / "p.geojson"
    source.write_text(json.dumps(collection(
        place("a", ["1990/1995"]), place("b", ["2003/.."], lon=20.0),
        {**place("c", ["1800"], lat=10.0), "properties": {
            "id": "c", "name": "C", "layer": "towns", "when": ["1800"]}})))
    made = [mapgen.build_tiles(source, output=tmp_path / name, tiles="none")
            for name in ("one", "two")]
    assert [m.archives for m in made] == [("layer-0.pmtiles", "layer-1.pmtiles")] * 2

    def files(folder: Path) -> dict[str, bytes]:
        return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
                if p.is_file()}

    one, two = files(tmp_path / "one"), files(tmp_path / "two")
    assert one == two
    archive = one["tiles/layer-0.pmtiles"]  # PMTiles v3: metadata offset and length at 24
    offset, length = struct.unpack("<QQ", archive[24:40])
    metadata = archive[offset:offset + length]
    metadata = gzip.decompress(metadata) if archive[97] == 2 else metadata
    assert json.loads(metadata)["name"] == "mapgen: layer 0"
    assert str(tmp_path) not in metadata.decode()  # no temporary path in it
    # nor where tippecanoe is installed: the same bytes from any installation
    assert str(Path(binary("tippecanoe")).parent) not in metadata.decode()


def test_the_builds_counts_give_select_counts_for_whole_years(tmp_path: Path) -> None:
    """The page's formula (CONTRACT.md, "Tile maps"), evaluated here on the build's counts,
    against mapgen.select for windows of whole years: places with several spans and gaps,
    open ends, approximate dates, both readings."""
    import bisect
    import random

    import numpy

    from mapgen.tiles.counts import Counts

    rng = random.Random(5)
    features = []
    for n in range(400):
        spans = []
        for _ in range(rng.choice((1, 1, 2, 3))):
            start = rng.randint(1900, 2000)
            shape = rng.random()
            end = start + rng.randint(0, 12)
            spans.append(f"{start}/.." if shape < 0.1 else f"../{end}" if shape < 0.15 else
                         f"{start}~/{end}" if shape < 0.4 else f"{start}-03/{end}-10"
                         if shape < 0.6 else f"{start}/{end}")
        features.append(place(f"p{n}", spans, lon=n % 50 + 0.5, lat=float(n % 40)))
    source = tmp_path / "p.geojson"
    source.write_text(json.dumps(collection(*features)))
    data = mapgen.load(source)
    counts = Counts()
    counts.add(data.places, numpy.zeros(len(data.places), dtype=numpy.int64))
    result = counts.result(1)
    assert result["unit"] == "year"
    layer = result["layers"][0]

    def up_to(pair: list[list[int]], value: int) -> int:
        found = bisect.bisect_right(pair[0], value)
        return pair[1][found - 1] if found else 0

    for _ in range(60):
        a_year = rng.randint(1895, 2020)
        b_year = a_year + rng.randint(0, 20)
        a, b = day(a_year), day(b_year, 12, 31)
        for strict in (False, True):
            r = layer["strict" if strict else "wide"]
            starts_total = r["starts"][1][-1] if r["starts"][1] else 0
            gaps = sum(n for i, j, n in zip(*r["gaps"], strict=True)
                       if i < a_year and j > b_year)
            shown = (layer["dated"] - (starts_total - up_to(r["starts"], b))
                     - up_to(r["ends"], a - 1) - gaps)
            expected = mapgen.select(data, mapgen.period(
                data, start=str(a_year), end=str(b_year), strict=strict))
            assert shown == len(expected.places), (a_year, b_year, strict)


def test_the_name_index_draws_no_progress_bar_however_long_it_sorts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """DuckDB draws a progress bar on stdout for a query past 2 s (a million names on a busy
    machine): here every query is past its threshold, and stdout stays empty."""
    import duckdb

    connect = duckdb.connect

    class SlowMachine:
        """A connection on which every query after the first is past the bar's threshold."""

        def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
            self.con, self.first = con, True

        def execute(self, *args: object) -> duckdb.DuckDBPyConnection:
            if not self.first:
                self.con.execute("SET progress_bar_time=0")
            self.first = False
            return self.con.execute(*args)

        def __getattr__(self, name: str) -> object:
            return getattr(self.con, name)

    def slow_machine(*args: object, **kwargs: object) -> SlowMachine:
        return SlowMachine(connect(*args, **kwargs))

    monkeypatch.setattr(duckdb, "connect", slow_machine)
    source = tmp_path / "p.geojson"
    source.write_text(json.dumps(collection(*(place(f"p{n}", ["1990/1995"]) for n in range(50)))))
    made = mapgen.build_tiles(source, output=tmp_path / "out", tiles="none")
    assert made.searchable
    assert capfd.readouterr().out == ""


def test_the_name_index_is_every_key_sorted_and_cut_into_shards(tmp_path: Path) -> None:
    """Past one shard: the shards, read in order, are every place's keys sorted by key, rank
    and id; each but the last holds SHARD entries; the manifest names each shard's first key
    and the entries before it."""
    from mapgen.tiles.names import SHARD, NameIndex, keys

    source = tmp_path / "p.geojson"
    source.write_text(json.dumps(collection(*(
        place(f"p{n}", ["1990/1995"], lon=n % 90, name=f"Saint Étienne {n % 997}")
        for n in range(2 * SHARD // 3 + 5)))), "utf-8")
    places = mapgen.load(source).places
    index = NameIndex(tmp_path / "scratch")
    half = len(places) // 2
    for part in (places.take(range(half)), places.take(range(half, len(places)))):
        index.add(part, [0] * len(part), when_words(part))
    manifest = index.write(tmp_path / "names")
    shards = [(tmp_path / "names" / f"{n:06d}.jsonl").read_text("utf-8").splitlines()
              for n in range(len(manifest["shards"]))]
    entries = [json.loads(line) for shard in shards for line in shard]
    expected = sorted((key, rank, places.ids[row]) for row in range(len(places))
                      for key, rank in keys([places.names[row]]).items())
    assert [tuple(e[:3]) for e in entries] == expected
    assert len(shards) == 3 and {len(s) for s in shards[:-1]} == {SHARD}
    assert manifest["shards"] == [[json.loads(s[0])[0], n * SHARD] for n, s in enumerate(shards)]
    assert manifest["entries"] == len(expected)


def lattice(layer: str, lons: range, lats: range, when: list[str] | None = None) -> list[dict]:
    """A place at every (lon, lat) of a lattice, in one layer."""
    return [{**place(f"{layer}-{lon}-{lat}", when or ["1990/1995"], lon=lon, lat=lat),
             "properties": {"id": f"{layer}-{lon}-{lat}", "name": f"{layer} {lon} {lat}",
                            "layer": layer, "when": when or ["1990/1995"]}}
            for lon in lons for lat in lats]


def z_cell(lon: float, lat: float, zoom: int = 4) -> int:
    """The cell of a point on a Z-order curve over the web-mercator tiles at *zoom*, by the
    textbook formulas (not mapgen's)."""
    import math

    n = 2 ** zoom
    x = min(n - 1, int((lon + 180) / 360 * n))
    y = min(n - 1, int((1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(
        math.radians(lat))) / math.pi) / 2 * n))
    return sum(((x >> b) & 1) << (2 * b) | ((y >> b) & 1) << (2 * b + 1) for b in range(zoom))


def test_a_layer_past_a_runs_features_is_cut_into_parts_of_neighbouring_cells(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """tippecanoe's memory grows with a run's features: a large layer's features go to
    several runs, each at most PART_FEATURES, each a run of cells along the Z-order curve,
    made of its cells' files (no byte moved); every feature in exactly one, each cell's in
    the order written; a smaller layer stays whole."""
    import mapgen.tiles.features as tile_features

    monkeypatch.setattr(tile_features, "PART_FEATURES", 40)
    big = lattice("big", range(-170, 171, 20), range(-60, 61, 20),
                  ["1990/1995", "2001"])  # 18 x 7 places, 2 features each
    small = lattice("small", range(5, 35, 10), range(5, 35, 10))
    source = tmp_path / "p.geojson"
    source.write_text(json.dumps(collection(*big, *small)), "utf-8")
    places = mapgen.load(source).places
    layers = [0 if layer == "big" else 1 for layer in places.layers]
    files = tile_features.FeatureFiles(tmp_path / "features")
    half = len(places) // 2
    for rows in (range(half), range(half, len(places))):
        part = places.take(rows)
        files.add(part, [layers[r] for r in rows], when_words(part))
    written = files.close()
    keys = [key for key, _ in written]
    assert keys[-1] == "layer-1" and all(k.startswith("layer-0-part-") for k in keys[:-1])
    assert len(keys) - 1 >= 2 * len(big) // 40
    assert sorted(path for _, paths in written for path in paths) == sorted(
        str(path) for path in (tmp_path / "features").iterdir())  # each file in one run

    def cell_of(line: str) -> int:
        return z_cell(*json.loads(line)["geometry"]["coordinates"])

    def text(paths: tuple[str, ...]) -> str:
        return "".join(Path(path).read_text("utf-8") for path in paths)

    expected = [line for _, layer, line in feature_lines(places, layers, when_words(places))
                if layer == 0]
    cut = [text(paths).splitlines(keepends=True) for _, paths in written[:-1]]
    assert sorted(line for part in cut for line in part) == sorted(expected)
    last = -1
    for part in cut:
        cells = [cell_of(line) for line in part]
        assert len(part) <= 40 or len(set(cells)) == 1
        assert cells == sorted(cells) and cells[0] > last  # runs along the curve, in turn
        last = cells[-1]
        for cell in set(cells):
            assert [line for line in part if cell_of(line) == cell] == [
                line for line in expected if cell_of(line) == cell]
    assert text(written[-1][1]).count("\n") == len(small)


def test_the_builds_notes_and_warnings_are_said(tmp_path: Path) -> None:
    """What reading chose (negative years as years BC) and what the tiles could not carry
    (NUL) are said by `build_tiles` and printed by `mapgen tiles`, once each."""
    from click.testing import CliRunner

    from mapgen.cli import main
    from mapgen.fields import Fields

    source = tmp_path / "wrecks.csv"
    source.write_text("id,name,layer,lon,lat,start,end\n"
                      "a,A\x00,x,10,50,-500,500\nb,B,x,11,50,-400,-200\n", "utf-8")
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        mapgen.build_tiles(source, output=tmp_path / "api", tiles="none",
                           fields=Fields(start="start", end="end"))
    told = [(w.category, str(w.message)) for w in said]
    assert sum(c is MapgenNote and "'start'" in t and "500 BCE" in t for c, t in told) == 1
    assert sum(c is MapgenWarning and "NUL" in t for c, t in told) == 1
    result = CliRunner().invoke(main, ["tiles", str(source), "-o", str(tmp_path / "cli"),
                                       "--tiles", "none", "--start-field", "start",
                                       "--end-field", "end"])
    assert result.exit_code == 0, result.output
    assert "note: " in result.stderr and "'end'" in result.stderr
    assert "warning: a text held NUL" in result.stderr
