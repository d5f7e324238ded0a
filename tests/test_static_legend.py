"""The static map's legend (issue 20, item 5): in a corner of the map only where it hides no
place; else beside the map, in columns, with "+N more" past what the page holds — never over
a place, never off the page, at the default size and at 800×600."""

from __future__ import annotations

import re

import numpy as np
import pytest
from matplotlib.figure import Figure

import mapgen
from mapgen.model import Period
from mapgen.static import TIMELINE_MAX_PLACES
from mapgen.static.layout import draw_page
from tests.test_real_data import INRAP, REAL


def page(dataset: mapgen.Dataset, width: int, height: int, dpi: int = 200) -> Figure:
    """The page render() draws (with its timeline strip for up to 60 places), as a
    matplotlib figure to measure."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from mapgen.static.style import RC

    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(RC)
        fig = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
        FigureCanvasAgg(fig)
        timeline = len(dataset.places) <= TIMELINE_MAX_PLACES
        draw_page(fig, dataset, Period(), dataset.title, timeline, 0)
        fig.canvas.draw()
    return fig


def measured(fig: Figure) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """The legend's box, the map's box (pixels: x0, y0, x1, y1), every marker's position,
    and the legend's texts."""
    [ax] = [a for a in fig.axes if a.get_legend() is not None]
    legend = ax.get_legend()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    box = legend.get_window_extent(renderer).extents
    frame = ax.get_window_extent(renderer).extents
    markers = [ax.transData.transform(np.column_stack(line.get_data()))
               for line in ax.lines if line.get_marker() == "o"]
    spots = np.vstack(markers) if markers else np.zeros((0, 2))
    return box, frame, spots, [t.get_text() for t in legend.get_texts()]


def covered(box: np.ndarray, spots: np.ndarray) -> int:
    x, y = spots[:, 0], spots[:, 1]
    return int(((box[0] <= x) & (x <= box[2]) & (box[1] <= y) & (y <= box[3])).sum())


@pytest.fixture(scope="module")
def departments() -> mapgen.Dataset:
    """100 INRAP sites in 45 layers (their départements)."""
    return mapgen.load(REAL / "donnees-inrap-ph.csv", layer_field="Departement", **INRAP)


@pytest.mark.parametrize("size", [(1600, 1000), (800, 600)])
def test_many_layers_go_beside_the_map_in_columns_and_stay_on_the_page(
    departments: mapgen.Dataset, size: tuple[int, int]
) -> None:
    """With 45 layers the legend covered half the map and ran off the page."""
    fig = page(departments, *size)
    box, frame, spots, texts = measured(fig)
    width, height = size
    assert box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height
    assert box[0] >= frame[2]  # beside the map, not on it
    assert covered(box, spots) == 0
    more = [t for t in texts if re.fullmatch(r"\+\d+ more", t)]
    if more:  # what fits, then how many are left out: every layer counted once
        assert len(texts) - 1 + int(more[0][1:-5]) == len(departments.layers)
    else:
        assert texts == [layer.label for layer in departments.layers]
    assert frame[2] - frame[0] >= 0.55 * width  # the map keeps most of the row


def test_at_800_by_600_the_legend_holds_what_fits_and_says_how_many_more(
    departments: mapgen.Dataset,
) -> None:
    texts = measured(page(departments, 800, 600))[3]
    assert texts[:3] == [layer.label for layer in departments.layers][:3]
    assert texts[-1] == f"+{len(departments.layers) - len(texts) + 1} more"


def test_a_small_legend_that_would_hide_a_place_goes_beside() -> None:
    """At 800×600 the default map's legend sat on the one place in America."""
    data = mapgen.load()
    box, frame, spots, texts = measured(page(data, 800, 600))
    assert covered(box, spots) == 0
    assert box[0] >= frame[2]
    assert texts == [layer.label for layer in data.layers] + ["hollow: location inferred"]


def test_a_legend_that_hides_nothing_stays_in_its_corner() -> None:
    data = mapgen.load()
    box, frame, spots, _ = measured(page(data, 1600, 1000))
    assert frame[0] <= box[0] and box[2] <= frame[2] and frame[1] <= box[1]
    assert covered(box, spots) == 0


def test_the_legend_says_what_a_marker_size_means_where_sizes_differ() -> None:
    """Point layers' markers shrink with their order (places at one spot stay visible): the
    legend's title says so, and says nothing on a map of one layer."""
    from mapgen.static.mapview import SIZE_LABEL

    data = mapgen.load()
    [ax] = [a for a in page(data, 1600, 1000).axes if a.get_legend() is not None]
    assert ax.get_legend().get_title().get_text() == SIZE_LABEL
    one = mapgen.select(data, Period(), [data.layers[0].key])
    [ax] = [a for a in page(one, 1600, 1000).axes if a.get_legend() is not None]
    assert ax.get_legend().get_title().get_text() == ""
