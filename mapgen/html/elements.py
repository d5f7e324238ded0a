"""Folium elements of mapgen's own, in the spirit of folium's plugins.

Their output never passes through a template engine: folium re-renders a MacroElement's output
as a Jinja template, so text from data would be code. These elements write verbatim text.
"""

from __future__ import annotations

import base64
import re
from importlib import resources
from pathlib import Path

from branca.element import Element, Figure, MacroElement

ASSETS = resources.files("mapgen.html") / "assets"


def asset(name: str) -> str:
    """The text of one of mapgen's own .js/.css files."""
    return (ASSETS / name).read_text(encoding="utf-8")


class Verbatim(Element):
    """An element whose HTML is exactly the given text, never a template. A *large* text (the
    map's data) is written into the page by a :class:`MapFigure` after its template pass."""

    def __init__(self, text: str, *, large: bool = False):
        super().__init__()
        self._name = "Verbatim"
        self.text = text
        self.large = large

    def render(self, **kwargs: object) -> str:
        spliced = getattr(self.get_root(), "_spliced", None) if self.large else None
        if spliced is None:
            return self.text
        token = f"\x00mapgen-{len(spliced)}\x00"  # no page text holds NUL (JSON escapes it)
        spliced.append((token, self.text))
        return token


class MapFigure(Figure):
    """folium's page, which holds the large texts of :class:`Verbatim` elements once: they
    go into the page after the template pass, instead of through it (where the script section
    and the page would each be another copy of a map's tens of MB of data)."""

    _spliced: list[tuple[str, str]] | None = None

    def render(self, **kwargs: object) -> str:
        self._spliced = []
        try:
            page = super().render(**kwargs)
        finally:
            spliced, self._spliced = self._spliced, None
        for token, text in spliced:
            head, found, tail = page.partition(token)
            assert found and token not in tail, "a large verbatim text must appear once"
            page = "".join((head, text, tail))  # one new string, no intermediate copy
        return page


# Helpers every mapgen script uses, inlined first (once per page: the name is the key).
SHARED_JS = ("dates.js", "ui.js")


class AssetElement(MacroElement):
    """A MacroElement that brings its own .js/.css files from mapgen/html/assets, written
    inline (once per page, in the order given) so the map needs no server of mapgen's."""

    default_js_files: tuple[str, ...] = ()
    default_css_files: tuple[str, ...] = ()

    def render(self, **kwargs: object) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure), f"{self._name} must be added to a map in a Figure"
        for name in self.default_css_files:
            figure.header.add_child(
                Verbatim(f"<style>{asset(name)}</style>"), name=f"mapgen-{name}"
            )
        for name in self.default_js_files:
            figure.header.add_child(
                Verbatim(f"<script>{asset(name)}</script>"), name=f"mapgen-{name}"
            )
        super().render(**kwargs)  # the children added to this element


class PeriodControl(AssetElement):
    """The in-browser period filter: range slider, histogram, play, timeline panel, URL hash.
    mapgen.js starts it for the map it belongs to. The parts come first, period-control.js
    (which assembles them) last."""

    default_js_files = (
        *SHARED_JS,
        "time-scale.js",
        "period-histogram.js",
        "period-slider.js",
        "period-play.js",
        "period-hash.js",
        "timeline-panel.js",
        "period-control.js",
    )
    default_css_files = ("period-control.css",)

    def __init__(self) -> None:
        super().__init__()
        self._name = "PeriodControl"


class MapgenLayers(AssetElement):
    """Draws, filters and explains the places: mapgen.js with the map's data, the legend and
    the movement paths. *data_json* is the data as script-safe JSON (see payload.py and
    assets/CONTRACT.md);
    *groups* are the folium FeatureGroups, one per layer, in layer order."""

    default_js_files = (*SHARED_JS, "time-filter.js", "point-canvas.js", "legend.js", "mapgen.js")
    default_css_files = ("mapgen.css",)

    def __init__(self, data_json: str, groups: list[MacroElement]):
        super().__init__()
        self._name = "MapgenLayers"
        self.data_json = data_json
        self.groups = groups

    def render(self, **kwargs: object) -> None:
        super().render(**kwargs)
        groups = ",".join(group.get_name() for group in self.groups)
        script = self.get_root().script
        # Three pieces, so the data (tens of MB for a large map) is not copied into a new
        # string: the page is already one copy of it and the Jinja pass over it another.
        call = f"MapgenApp.create({self._parent.get_name()}, [{groups}], "
        script.add_child(Verbatim(call), name=self.get_name())
        script.add_child(Verbatim(self.data_json, large=True), name=f"{self.get_name()}_data")
        script.add_child(Verbatim(");\n"), name=f"{self.get_name()}_end")


def _script_safe(code: str) -> str:
    """Library code made safe to inline: nothing in it may close the <script> or open a
    comment there, and its source-map comment (a network request) goes."""
    code = re.sub(r"//# sourceMappingURL=\S+\s*$", "", code)
    return code.replace("</script", "<\\/script").replace("<!--", "<\\!--")


def _inline_css_images(css: str, folder: Path) -> str:
    """Leaflet's stylesheet with its url(images/...) files written in as data: URIs."""

    def data_uri(match: re.Match[str]) -> str:
        path = folder / match.group(1)
        encoded = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css)


class InlineLeaflet(MacroElement):
    """Leaflet itself, inlined from the pinned `xstatic-leaflet` package (the same 1.9.3 that
    folium loads from its CDN), for pages that must work with no network."""

    def __init__(self) -> None:
        super().__init__()
        self._name = "InlineLeaflet"

    def render(self, **kwargs: object) -> None:
        from xstatic.pkg import leaflet

        folder = Path(leaflet.BASE_DIR)
        css = _inline_css_images((folder / "leaflet.css").read_text("utf-8"), folder)
        js = _script_safe((folder / "leaflet.js").read_text("utf-8"))
        header = self.get_root().header
        header.add_child(Verbatim(f"<style>{css}</style>"), name="leaflet_css")
        header.add_child(Verbatim(f"<script>{js}</script>"), name="leaflet")
