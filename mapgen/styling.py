"""How a dataset's places are shown, chosen by the user rather than the data: its title, a
layer's colour, which layers are joined by movement paths (`--title`, `--color`,
`--path-layer`). A table of places (CSV) has no room for these; a GeoJSON collection's
`layers` member can say them too."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from mapgen.errors import OptionError
from mapgen.model import COLOR, Dataset


def style(
    dataset: Dataset,
    *,
    title: str | None = None,
    colors: Mapping[str, str] | None = None,
    paths: Iterable[str] = (),
) -> Dataset:
    """*dataset* with another *title*, the layer *colors* given (``{"camps": "#c0392b"}``)
    and movement paths joining the places of each layer in *paths*, in time order.

    >>> mapgen.style(data, colors={"residences": "#c0392b"}, paths=["residences"])  # doctest: +SKIP
    """
    colors, paths = dict(colors or {}), list(paths)
    known = [layer.key for layer in dataset.layers]
    for key in [*colors, *paths]:
        if key not in known:
            raise OptionError(f"unknown layer {key!r} (this dataset has: {', '.join(known)})")
    for key, color in colors.items():
        if not COLOR.fullmatch(color):
            raise OptionError(f"{color!r} is not a colour like #1f5fa8 (layer {key!r})")
    layers = tuple(
        replace(
            layer,
            color=colors.get(layer.key, layer.color),
            path=layer.path or layer.key in paths,
        )
        for layer in dataset.layers
    )
    return replace(dataset, layers=layers, title=dataset.title if title is None else title)
