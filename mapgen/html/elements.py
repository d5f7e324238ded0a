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
    """An element whose HTML is exactly the given text, never a template."""

    def __init__(self, text: str):
        super().__init__()
        self._name = "Verbatim"
        self.text = text

    def render(self, **kwargs: object) -> str:
        return self.text


class AssetElement(MacroElement):
    """A MacroElement that brings its own .js/.css files from mapgen/html/assets, written
    inline (once per page) so the map needs no server of mapgen's."""

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


class PeriodControl(AssetElement):
    """The in-browser period filter: range slider, histogram, play, timeline panel, URL hash.
    mapgen.js starts it for the map it belongs to."""

    default_js_files = ("period-control.js",)
    default_css_files = ("period-control.css",)

    def __init__(self) -> None:
        super().__init__()
        self._name = "PeriodControl"


class MapgenLayers(AssetElement):
    """Draws, filters and explains the places: mapgen.js with the map's data, the legend and
    the movement paths. *data_json* is the data as script-safe JSON (see payload.py);
    *groups* are the folium FeatureGroups, one per layer, in layer order."""

    default_js_files = ("mapgen.js",)
    default_css_files = ("mapgen.css",)

    def __init__(self, data_json: str, groups: list[MacroElement], control: MacroElement):
        super().__init__()
        self._name = "MapgenLayers"
        self.data_json = data_json
        self.groups = groups
        self.control = control

    def render(self, **kwargs: object) -> None:
        super().render(**kwargs)
        groups = ",".join(group.get_name() for group in self.groups)
        self.get_root().script.add_child(
            Verbatim(
                f"MapgenApp.create({self._parent.get_name()}, [{groups}], "
                f"{self.control.get_name()}, {self.data_json});\n"
            ),
            name=self.get_name(),
        )


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
