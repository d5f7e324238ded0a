"""A dataset's places as columns (`mapgen.model.Places`): rows selected keep the order they are
given, and the columns handed out cannot be changed (issue 18, item 2)."""

from __future__ import annotations

import pytest

from mapgen.dates import parse_span
from mapgen.model import Place, Places, Source


def place(number: int) -> Place:
    return Place(
        id=f"p{number}", name=f"P{number}", layer="l",
        geometry={"type": "Point", "coordinates": [number, number]},
        spans=(parse_span(f"200{number}"),), sources=(Source(f"s{number}", f"https://e.org/{number}"),),
        names=(("fr", f"p{number}"),) if number == 1 else (),
        extra=(("n", number),) if number == 2 else (),
    )


@pytest.fixture
def places() -> Places:
    return Places.of(place(n) for n in range(3))


@pytest.mark.parametrize("rows", [[2, 0], [1, 1, 1], [2, 1, 0], [0, 2], [1], []])
def test_take_keeps_the_rows_in_the_order_given(places: Places, rows: list[int]) -> None:
    taken = places.take(rows)
    assert list(taken) == [places[row] for row in rows]  # ids, spans, sources, names, extras
    assert [p.id for p in taken] == [f"p{row}" for row in rows]
    assert [p.spans[0].text for p in taken] == [f"200{row}" for row in rows]


def test_the_columns_are_read_only(places: Places) -> None:
    with pytest.raises((TypeError, AttributeError)):
        places.ids.append("p9")  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        places.ids[0] = "x"  # type: ignore[index]
    with pytest.raises(TypeError):
        places.other_names[0] = (("de", "x"),)  # type: ignore[index]
    assert places.relayered(["a", "b", "c"]).layers == ("a", "b", "c")
