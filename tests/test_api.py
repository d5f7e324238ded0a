"""The API is the whole API: real signatures, the CLI's operations, errors in the caller's
words, and a cut dataset that remembers its period."""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import mapgen
from mapgen.cli import main
from tests.helpers import feature, write_geojson

FUNCTIONS = ["load", "period", "select", "build_map", "save", "render", "export", "dumps",
             "list_places", "build_series", "embed"]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_api_functions_have_real_signatures(name: str) -> None:
    function = getattr(mapgen, name)
    kinds = {p.kind for p in inspect.signature(function).parameters.values()}
    assert inspect.Parameter.VAR_KEYWORD not in kinds  # no **options catch-all
    assert function.__doc__ and function.__module__ != "mapgen"  # the real one, documented


def test_every_public_name_resolves() -> None:
    assert all(getattr(mapgen, name) is not None for name in mapgen.__all__)
    for name, home in mapgen._HOMES.items():  # each from the module it is said to live in
        assert getattr(mapgen, name) is getattr(importlib.import_module(home), name)


def test_the_type_checkers_imports_are_the_public_names() -> None:
    """`mapgen/__init__.py` names what it offers once (_HOMES); its `if TYPE_CHECKING:`
    imports, for editors, must import exactly those, each from its home."""
    tree = ast.parse(Path(mapgen.__file__).read_text("utf-8"))
    [block] = [node for node in tree.body if isinstance(node, ast.If)]
    imported = {
        alias.name: node.module for node in block.body if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert imported == mapgen._HOMES
    assert {"Places", "LoadReport"} <= set(mapgen.__all__)


def test_importing_mapgen_loads_no_heavy_library() -> None:
    code = "import sys, mapgen; print(sorted(m for m in ('folium', 'edtf', 'geopandas', "
    code += "'matplotlib', 'shapely', 'pyarrow') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_errors_speak_the_callers_words(tmp_path: Path) -> None:
    data = mapgen.load()
    with pytest.raises(mapgen.OptionError) as caught:
        mapgen.period(data, start="1990", at="1991")
    assert str(caught.value) == "use only one of start/end, at and name"
    result = CliRunner().invoke(main, ["list", "--from", "1990", "--at", "1991"])
    assert result.exit_code == 2
    assert "use only one of --from/--to, --at and --period" in result.output
    with pytest.raises(mapgen.OptionError, match=r"^end 1980 is before start 1990$"):
        mapgen.period(data, start="1990", end="1980")
    result = CliRunner().invoke(main, ["list", "--from", "1990", "--to", "1980"])
    assert "error: --to 1980 is before --from 1990" in result.output
    with pytest.raises(mapgen.OptionError, match=r"^end_field needs start_field$"):
        mapgen.load(end_field="to")


def test_user_text_in_an_error_is_not_read_as_a_template() -> None:
    error = mapgen.OptionError.naming("{end} {hi} is before {start}", hi="{start} {0}")
    assert str(error) == "end {start} {0} is before start"
    assert error.spoken({"start": "--from", "end": "--to"}) == "--to {start} {0} is before --from"


def test_a_cut_dataset_remembers_its_period(tmp_path: Path) -> None:
    data = mapgen.load()
    chosen = mapgen.period(data, start="1986", end="2013")
    view = mapgen.select(data, chosen)
    assert view.period == chosen
    implicit = mapgen.save(mapgen.build_map(view), tmp_path / "implicit.html")
    explicit = mapgen.save(mapgen.build_map(view, period=chosen), tmp_path / "explicit.html")
    plain = mapgen.save(mapgen.build_map(mapgen.select(data)), tmp_path / "plain.html")
    assert implicit.read_bytes() == explicit.read_bytes() != plain.read_bytes()


def test_series_listing_and_embed_through_the_api(tmp_path: Path) -> None:
    source = write_geojson(
        tmp_path / "in.geojson", [feature("a", when=["1981/1986"]), feature("b", when=["1995"])]
    )
    data = mapgen.load(source)
    maps = mapgen.build_series(data, tmp_path / "series", "decade")
    assert [m.label for m in maps] == ["1980s", "1990s"]
    assert [m.places for m in maps] == [1, 1]
    assert mapgen.list_places(data, "csv").splitlines()[1].startswith("a,sites,A place,")
    fragment = mapgen.save(mapgen.build_map(data, title="My <map>"), tmp_path / "f.html",
                           fragment=True)
    assert 'title="My &lt;map&gt;"' in mapgen.embed(fragment)


def test_a_series_refuses_a_folder_holding_an_input(tmp_path: Path) -> None:
    folder = tmp_path / "series"
    folder.mkdir()
    page = folder / "input.html"
    page.write_text("<html></html>", "utf-8")
    with pytest.raises(mapgen.OutputError, match="holds the input"):
        mapgen.build_series(mapgen.load(), folder, "decade", inputs=[page])
