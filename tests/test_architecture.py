"""The house's shape: every import points one way, down the pipeline (DESIGN.md).

Imports are read from the source (function-level ones included, ``if TYPE_CHECKING:`` blocks
left out, since they never run), so a lazy import cannot hide a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "mapgen"

# Lower layers know nothing of higher ones; a module may import from a lower layer, or from
# its own package within its layer.
LAYERS: list[tuple[str, ...]] = [
    ("mapgen.errors", "mapgen.defaults"),  # ground
    ("mapgen.language",),  # the reader's words: catalogs and CLDR
    ("mapgen.dates",),
    ("mapgen.calendars",),  # other calendars' words, beside the Gregorian
    ("mapgen.datetext",),  # what tables hold → EDTF
    ("mapgen.model", "mapgen.raw"),
    # shared pieces: codecs both readers and writers use, geometry, paths, writing files
    ("mapgen.geometry", "mapgen.cells", "mapgen.lpfcodec", "mapgen.paths", "mapgen.filter",
     "mapgen.styling", "mapgen.write", "mapgen.basemap"),
    ("mapgen.fields",),
    ("mapgen.rules",),  # what a place must be, one definition a rule
    ("mapgen.read",),  # readers
    ("mapgen.validate",),
    ("mapgen.sources",),  # load = read + validate
    ("mapgen.story",),  # a story: read, its captions cleaned, checked against a dataset
    ("mapgen.html", "mapgen.static", "mapgen.writers", "mapgen.listing", "mapgen.iframe"),
    ("mapgen.series",),  # a folder of html maps
    ("mapgen.tiles",),  # a folder of vector tiles and its page, and the server for it
    ("mapgen",),  # the API
    ("mapgen.cli",),
    ("mapgen.__main__",),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported(path: Path, known: set[str]) -> set[str]:
    """The mapgen modules *path* imports at run time."""
    tree = ast.parse(path.read_text("utf-8"))
    skipped = {
        id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and is_type_checking(node)
        for n in ast.walk(node)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # `from mapgen.read import csv` is mapgen.read.csv
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in known else node.module)
    return {m for m in found if m == "mapgen" or m.startswith("mapgen.")}


def layer_of(name: str) -> int:
    best, rank = "", -1
    for number, layer in enumerate(LAYERS):
        for prefix in layer:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > len(best):
                best, rank = prefix, number
    return rank


def package(name: str) -> str:
    return ".".join(name.split(".")[:2])


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imported(path, set(found)) - {name} for name, path in found.items()}


def test_every_module_has_a_layer() -> None:
    assert [name for name in modules() if layer_of(name) < 0] == []


def test_imports_point_down_the_pipeline() -> None:
    upward = []
    for name, targets in graph().items():
        for target in targets:
            if target == "mapgen" and name != "mapgen.cli":
                upward.append(f"{name} -> {target}")  # nothing but the CLI uses the API
            elif layer_of(target) > layer_of(name):
                upward.append(f"{name} -> {target}")
            elif layer_of(target) == layer_of(name) and package(target) != package(name):
                upward.append(f"{name} -> {target} (same layer, another package)")
    assert sorted(upward) == []


def test_the_import_graph_has_no_cycle() -> None:
    edges = graph()
    state: dict[str, int] = {}
    cycles: list[str] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                cycles.append(" -> ".join([*trail[trail.index(target):], target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == []


@pytest.mark.parametrize("layer", ["mapgen.read", "mapgen.writers"])
def test_readers_and_writers_share_codecs_not_each_other(layer: str) -> None:
    other = {"mapgen.read": "mapgen.writers", "mapgen.writers": "mapgen.read"}[layer]
    crossing = [
        f"{name} -> {target}"
        for name, targets in graph().items()
        if name.startswith(layer)
        for target in targets
        if target.startswith((other, "mapgen.validate"))
    ]
    assert crossing == []
