"""Output safety: files are written atomically, never over an input (the embedded dataset
included), and data never names a path."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import mapgen
from mapgen.cli import main
from mapgen.read import default_source
from mapgen.write import write_atomic
from tests.helpers import build, feature, leftovers, write_geojson

# --- 4. output safety ------------------------------------------------------------------------


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return write_geojson(tmp_path / "in.geojson", [feature("a")])


def test_failure_while_rendering_leaves_the_old_file(
    tmp_path: Path, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "map.html"
    out.write_text("previous map", "utf-8")

    def broken(*args: Any, **kwargs: Any) -> list[str]:
        raise RuntimeError("render failed")

    monkeypatch.setattr("mapgen.html.save.page_parts", broken)
    with pytest.raises(RuntimeError, match="render failed"):
        mapgen.save(mapgen.load(source), out)
    assert out.read_text("utf-8") == "previous map"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("where", ["write", "replace", "interrupt"])
def test_failure_mid_write_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, source: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    out = tmp_path / "map.html"
    out.write_text("previous map", "utf-8")
    out.chmod(0o640)
    real_fdopen = os.fdopen
    written: list[int] = []

    class DiskFull:
        """A file that takes the first piece and then runs out of space."""

        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def write(self, data: bytes) -> int:
            if written:
                raise OSError(errno.ENOSPC, "No space left on device")
            written.append(len(data))
            return self.handle.write(data)

        def __enter__(self) -> DiskFull:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

    if where == "write":
        monkeypatch.setattr(os, "fdopen", lambda fd, mode: DiskFull(real_fdopen(fd, mode)))
        monkeypatch.setattr("mapgen.write._CHUNK", 1000)
    elif where == "replace":

        def replace_fails(src: Any, dst: Any) -> None:
            assert Path(src).exists()  # the whole new page was there, beside the old one
            raise PermissionError(errno.EACCES, "Permission denied")

        monkeypatch.setattr(os, "replace", replace_fails)
    else:

        def interrupted(src: Any, dst: Any) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr(os, "replace", interrupted)
    if where == "interrupt":  # Ctrl-C at the worst moment
        with pytest.raises(KeyboardInterrupt):
            mapgen.save(mapgen.load(source), out)
    else:
        result = CliRunner().invoke(main, ["build", str(source), "-o", str(out)])
        assert result.exit_code == 3
        [line] = result.output.splitlines()
        assert line.startswith(f"error: {out}: cannot be written (")
    if where == "write":
        assert written  # it failed part way, not before starting
    assert out.read_text("utf-8") == "previous map"
    assert out.stat().st_mode & 0o777 == 0o640
    assert leftovers(tmp_path) == []


def test_a_written_map_keeps_the_old_files_permissions(tmp_path: Path, source: Path) -> None:
    out = tmp_path / "map.html"
    out.write_text("previous", "utf-8")
    out.chmod(0o604)
    build(str(source), "-o", str(out))
    assert out.stat().st_mode & 0o777 == 0o604
    assert "MapgenApp.create" in out.read_text("utf-8")
    assert leftovers(tmp_path) == []


def refused(args: list[str]) -> str:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 3, result.output  # an output problem: exit code 3
    [line] = result.output.splitlines()
    assert line.startswith("error: ")
    return line


def test_output_that_is_a_directory_is_refused(tmp_path: Path, source: Path) -> None:
    assert refused(["build", str(source), "-o", str(tmp_path)]) == (
        f"error: {tmp_path}: is a directory; give a file name"
    )


def test_output_in_a_folder_that_is_not_writable_is_refused(
    tmp_path: Path, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    real_access = os.access

    def access(path: Any, mode: int, **kwargs: Any) -> bool:
        # root ignores the folder's mode; the check must still ask the system and obey it
        if Path(path) == locked and mode & os.W_OK:
            return False
        return real_access(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)
    try:
        line = refused(["build", str(source), "-o", str(locked / "map.html")])
    finally:
        locked.chmod(0o700)
    assert line == f"error: {locked / 'map.html'}: folder {locked} is not writable"
    assert list(locked.iterdir()) == []


def test_output_file_that_is_not_writable_is_refused(
    tmp_path: Path, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "map.html"
    out.write_text("read-only map", "utf-8")
    out.chmod(0o400)
    real_access = os.access
    monkeypatch.setattr(
        os,
        "access",
        lambda path, mode, **kw: (
            False if Path(path) == out and mode & os.W_OK else real_access(path, mode, **kw)
        ),
    )
    assert refused(["build", str(source), "-o", str(out)]) == f"error: {out}: is not writable"
    assert out.read_text("utf-8") == "read-only map"


@pytest.mark.parametrize("command", ["build", "render", "export"])
def test_missing_folders_of_an_output_are_created(
    tmp_path: Path, source: Path, command: str
) -> None:
    suffix = {"build": ".html", "render": ".png", "export": ".csv"}[command]
    out = tmp_path / "new" / "deeper" / f"map{suffix}"
    result = CliRunner().invoke(main, [command, str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file() and out.stat().st_size > 0


def test_missing_folders_are_not_created_for_invalid_data(tmp_path: Path) -> None:
    bad = write_geojson(tmp_path / "bad.geojson", [feature("a", when=["2013/1986"])])
    result = CliRunner().invoke(main, ["build", str(bad), "-o", str(tmp_path / "new" / "m.html")])
    assert result.exit_code == 1 and not (tmp_path / "new").exists()


def test_an_output_under_a_file_is_refused(tmp_path: Path, source: Path) -> None:
    out = tmp_path / "in.geojson" / "map.html"
    assert refused(["build", str(source), "-o", str(out)]) == (
        f"error: {out}: {source} is a file, not a folder"
    )


def test_the_api_saves_into_new_folders_and_never_over_the_datas_own_file(
    tmp_path: Path, source: Path
) -> None:
    data = mapgen.load(source)
    assert mapgen.save(data, tmp_path / "a" / "b.html").is_file()
    before = source.read_bytes()
    with pytest.raises(mapgen.OutputError, match="is also an input"):
        mapgen.save(mapgen.build_map(data), source)
    assert source.read_bytes() == before
    odd = source.rename(tmp_path / "data.png")  # a GeoJSON file named like a picture
    with pytest.raises(mapgen.OutputError, match="is also an input"):
        mapgen.render(mapgen.load(odd, format="geojson"), odd)
    assert odd.read_bytes() == before


def test_output_that_is_an_input_is_refused_however_it_is_named(
    tmp_path: Path, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = source.read_bytes()
    (tmp_path / "sub").mkdir()
    link = tmp_path / "sub" / "link.html"
    link.symlink_to(source)
    hard = tmp_path / "hard.html"
    os.link(source, hard)
    monkeypatch.chdir(tmp_path)
    other = tmp_path / "other.geojson"
    write_geojson(other, [feature("b")])
    for inputs, output in [
        (["in.geojson"], "./in.geojson"),
        (["in.geojson"], "sub/../in.geojson"),
        ([str(source)], "in.geojson"),
        (["./sub/../in.geojson"], str(source)),
        (["in.geojson"], "sub/link.html"),  # a symlink to the input
        (["sub/link.html"], "in.geojson"),  # the input named through a symlink
        (["in.geojson"], "hard.html"),  # a hard link to the input
        (["other.geojson", "in.geojson"], "in.geojson"),  # any of several inputs
    ]:
        fmt = ["--input-format", "geojson"] if inputs[0].endswith(".html") else []
        line = refused(["build", *inputs, *fmt, "-o", output])
        assert line == f"error: {Path(output)}: is also an input; choose another output file"
    assert source.read_bytes() == before
    assert link.is_symlink()
    assert leftovers(tmp_path) == []


def test_the_embedded_dataset_is_never_an_output(monkeypatch: pytest.MonkeyPatch) -> None:
    writes: list[Any] = []
    monkeypatch.setattr("mapgen.write.write_atomic", lambda *a, **k: writes.append(a))
    line = refused(["build", "-o", str(default_source())])
    assert line.endswith("is also an input; choose another output file")
    assert writes == []


def test_a_title_that_is_not_text_is_a_usage_error(tmp_path: Path, source: Path) -> None:
    """A title from a command line that was not UTF-8 (Python keeps such bytes as lone
    surrogates) is a one-line error, not a traceback and not a broken file."""
    out = tmp_path / "map.html"
    result = CliRunner().invoke(
        main, ["build", str(source), "-o", str(out), "--title", "bad \udcff byte"]
    )
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "error: the title 'bad \\udcff byte' is not text: it holds a lone surrogate"
    ]
    assert not out.exists() and leftovers(tmp_path) == []


def test_text_that_cannot_be_encoded_is_an_output_error(tmp_path: Path) -> None:
    out = tmp_path / "map.html"
    out.write_text("previous", "utf-8")
    with pytest.raises(mapgen.OutputError, match="lone surrogate"):
        write_atomic(out, "<p>\ud800</p>")
    assert out.read_text("utf-8") == "previous" and leftovers(tmp_path) == []


def test_series_file_names_from_data_stay_in_the_folder(tmp_path: Path) -> None:
    names = [
        "../../escape",
        "/etc/cron.d/x",
        "..",
        "",
        "index",
        "Index!",
        "a/b",
        "a-b",
        "C:\\Windows\\x",
        "تهران",
        "x" * 300,
        "\u202egnp.exe",
        "{{ 7*7 }}",
    ]
    source = write_geojson(
        tmp_path / "p.geojson",
        [feature("a", when=["1990/2000"])],
        periods={name: "1990/1995" for name in names},
    )
    folder = tmp_path / "out" / "series"
    result = CliRunner().invoke(
        main, ["build", str(source), "--split", "period", "-o", str(folder)]
    )
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == len(names) + 1 and "index.html" in files  # none overwrote another
    for name in files:
        assert re.fullmatch(r"[a-z0-9-]{1,64}\.html", name), name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "p.geojson"]
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["series"]
    index = (folder / "index.html").read_text("utf-8")
    assert index.count("<li>") == len(names)


def test_a_series_never_writes_over_an_input(tmp_path: Path) -> None:
    folder = tmp_path / "maps"
    folder.mkdir()
    periods = {"index": "1990/1995", "nineties": "1996/2000"}
    source = write_geojson(
        folder / "index.html", [feature("a", when=["1990/2000"])], periods=periods
    )
    before = source.read_bytes()
    args = ["build", str(source), "--input-format", "geojson", "--split", "period",
            "-o", str(folder)]
    assert refused(args) == f"error: {folder}: holds the input {source}; choose another folder"
    assert source.read_bytes() == before
    assert [p.name for p in folder.iterdir()] == ["index.html"]
    # data kept beside the maps is no .html file a series writes: that is fine
    data = write_geojson(
        folder / "data.geojson", [feature("a", when=["1990/2000"])], periods=periods
    )
    build(str(data), "--split", "period", "-o", str(folder))
    assert sorted(p.name for p in folder.iterdir()) == [
        "data.geojson",
        "index-2.html",
        "index.html",
        "nineties.html",
    ]


