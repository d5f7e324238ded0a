"""Folium elements of mapgen's own, in the spirit of folium's plugins.

Their output never passes through a template engine: folium re-renders a MacroElement's output
as a Jinja template, so text from data would be code. These elements write verbatim text.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

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


# An inline <script> or <style> and its text (mapgen's texts never hold "</script" or
# "</style": data is script_json, libraries pass _script_safe).
_INLINE = re.compile(r"<(script|style)>(.*?)</\1>", re.DOTALL)


_TOKEN = re.compile("\x00mapgen-\\d+\x00")  # where a large text goes (Verbatim, MapFigure)
_CHUNK = 1 << 20  # characters hashed at a time: a map's data is never copied whole


def _update(digest: Any, text: str, start: int, end: int) -> None:
    """Hash text[start:end] as the browser does (after HTML's newline normalisation)."""
    while start < end:
        stop = min(end, start + _CHUNK)
        if text[stop - 1] == "\r" and stop < end:
            stop += 1  # never split a \r\n
        piece = text[start:stop]
        if "\r" in piece:
            piece = piece.replace("\r\n", "\n").replace("\r", "\n")
        digest.update(piece.encode("utf-8"))
        start = stop


def _sha256(text: str, start: int = 0, end: int | None = None,
            large: Mapping[str, str] | None = None) -> str:
    """A CSP hash source for text[start:end], with the large texts of *large* in place of
    their tokens."""
    digest = hashlib.sha256()
    end = len(text) if end is None else end
    for token in _TOKEN.finditer(text, start, end) if large else ():
        _update(digest, text, start, token.start())
        big = large[token.group()]
        _update(digest, big, 0, len(big))
        start = token.end()
    _update(digest, text, start, end)
    return "'sha256-" + base64.b64encode(digest.digest()).decode("ascii") + "'"


@dataclass(frozen=True)
class Policy:
    """What a map may load besides its own inline scripts and styles: the Content-Security-
    Policy keeps a map file, opened from anywhere, from making any other request."""

    scripts: tuple[str, ...] = ()  # script URLs (Leaflet from its CDN, with --cdn)
    styles: tuple[str, ...] = ()  # stylesheet URLs
    images: tuple[str, ...] = ()  # image sources: the tile host, Leaflet's icons
    style_attributes: tuple[str, ...] = ()  # style="..." values written as HTML at run time
    connect: tuple[str, ...] = ()  # fetch() targets: a tile folder's page reads its own origin

    def header(self, text: str, large: Mapping[str, str] | None = None) -> str:
        """The policy for a page (or fragment) whose HTML is *text* (with the texts of *large*
        in place of their tokens): its inline scripts and styles by hash, the sources above,
        nothing else."""
        found: dict[str, dict[str, None]] = {"script": {}, "style": {}}
        for match in _INLINE.finditer(text):
            found[match.group(1)][_sha256(text, match.start(2), match.end(2), large)] = None
        attributes = sorted({_sha256(value) for value in self.style_attributes})
        style_src = [*found["style"], *(["'unsafe-hashes'", *attributes] if attributes else [])]
        directives = {
            "default-src": ["'none'"],
            "script-src": [*found["script"], *self.scripts],
            "style-src": [*style_src, *self.styles],
            "img-src": ["data:", *self.images],
            **({"connect-src": list(self.connect)} if self.connect else {}),
            "base-uri": ["'none'"],
            "form-action": ["'none'"],
        }
        return "; ".join(
            " ".join([name, *(sources or ["'none'"])]) for name, sources in directives.items()
        )


def tile_source(url: str) -> str:
    """The CSP source that allows a tile URL template's host: subdomain placeholders
    ("https://{s}.basemaps.cartocdn.com/...") become a wildcard ("https://*.basemaps...")."""
    scheme, _, rest = url.partition("://")
    labels = rest.split("/", 1)[0].split(".")
    templated = [n for n, label in enumerate(labels) if "{" in label]
    if templated:
        labels = ["*", *labels[templated[-1] + 1 :]]
    return f"{scheme}://{'.'.join(labels)}"


_HEIGHT = re.compile(r"\d+(?:\.\d+)?(?:px|em|rem|vh|%)")


def css_height(height: str) -> str:
    """*height* when it is a plain CSS length (it is written into a style)."""
    if not _HEIGHT.fullmatch(height):
        from mapgen.errors import OptionError

        raise OptionError(f"height {height!r} must be a CSS length such as 480px or 60vh")
    return height


class MapFigure(Figure):
    """folium's page, which holds the large texts of :class:`Verbatim` elements once: they
    go into the page after the template pass, instead of through it (where the script section
    and the page would each be another copy of a map's tens of MB of data). Its first head
    element is the page's Content-Security-Policy (:class:`Policy`). *height* is the map's
    height where no page gives it one: in a notebook, and as a fragment."""

    _spliced: list[tuple[str, str]] | None = None
    policy: Policy = Policy()
    shared_assets = False  # while a fragment that leaves them out is written (page.py)

    def __init__(self, height: str = "480px", lang: str = "en") -> None:
        super().__init__(height=css_height(height))
        from mapgen.language import language

        self.lang, self.direction = lang, language(lang).direction

    def language_attributes(self) -> str:
        """The page's (or fragment's) language and direction, as HTML attributes."""
        return f'lang="{self.lang}" dir="{self.direction}"'

    def _repr_html_(self, **kwargs: object) -> str:
        """The map in a notebook: the page in a frame as wide as the cell and *height* high
        (folium's frame is 60% of its width: 207 px on a phone, the controls over the places);
        a frame narrower than 500 px gets the map's narrow layout."""
        return (
            f'<iframe srcdoc="{html.escape(self.render(**kwargs))}" title="{self.title}" '
            f'style="display: block; width: 100%; height: {self.height}; border: 0;" '
            "allowfullscreen></iframe>"
        )

    def render(self, **kwargs: object) -> str:
        return "".join(self.render_parts(**kwargs))

    def render_parts(self, **kwargs: object) -> list[str]:
        """The page as pieces in order, its large texts among them as they are: written one
        after the other (`write_atomic`), the page never exists as one string."""
        self._spliced = []
        try:
            page = super().render(**kwargs)
        finally:
            spliced, self._spliced = self._spliced, None
        # The policy first, on the page without its large texts (no copy of them is made).
        meta = (
            '<meta http-equiv="Content-Security-Policy" '
            f'content="{html.escape(self.policy.header(page, dict(spliced)))}">\n'
        )
        head, found, tail = page.partition("<head>\n")
        assert found, "folium's page starts with <head>"
        head = head.replace("<html>", f"<html {self.language_attributes()}>", 1)
        pieces, cursor = [head, found, meta], 0
        for at, token, text in sorted((tail.find(token), token, text) for token, text in spliced):
            assert at >= 0 and token not in tail[at + 1 :], "a large text must appear once"
            pieces += [tail[cursor:at], text]
            cursor = at + len(token)
        pieces.append(tail[cursor:])
        return pieces


# Helpers every mapgen script uses, inlined first (once per page: the name is the key).
SHARED_JS = ("dates.js", "i18n.js", "ui.js")


class HeadElement(MacroElement):
    """An element that writes fixed pieces into the page's head, each once per page (its name
    is the key): the same for every map, so they can also be written once for a page of many
    maps (`mapgen assets`, page.assets_html)."""

    @classmethod
    def pieces(cls) -> list[tuple[str, str]]:
        """(name, HTML) of each piece, in the order they must run."""
        return []

    def render(self, **kwargs: object) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure), f"{self._name} must be added to a map in a Figure"
        for name, text in self.pieces():
            figure.header.add_child(Verbatim(text), name=name)
        super().render(**kwargs)  # the children added to this element


class AssetElement(HeadElement):
    """A MacroElement that brings its own .js/.css files from mapgen/html/assets, written
    inline (once per page, in the order given) so the map needs no server of mapgen's."""

    default_js_files: tuple[str, ...] = ()
    default_css_files: tuple[str, ...] = ()

    @classmethod
    def pieces(cls) -> list[tuple[str, str]]:
        styles = [(name, f"<style>{asset(name)}</style>") for name in cls.default_css_files]
        scripts = [(name, f"<script>{_library(name)}</script>") for name in cls.default_js_files]
        return [(f"mapgen-{name}", text) for name, text in (*styles, *scripts)]


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
    default_css_files = ("isolation.css", "period-control.css")

    def __init__(self) -> None:
        super().__init__()
        self._name = "PeriodControl"


class MapgenLayers(AssetElement):
    """Draws, filters and explains the places: mapgen.js with the map's data, the legend and
    the movement paths. *data_json* is the data as script-safe JSON (see payload.py and
    assets/CONTRACT.md);
    *groups* are the folium FeatureGroups, one per layer, in layer order; *packed* is a large
    map's packed places (payload.packed), written as a data block the script reads."""

    default_js_files = (
        *SHARED_JS,
        "time-filter.js",
        "point-canvas.js",
        "legend.js",
        "search.js",
        "view-hash.js",
        "layout.js",
        "basemap.js",
        "mapgen.js",
        "compare.js",
    )
    default_css_files = ("isolation.css", "mapgen.css", "search.css", "compare.css")

    def __init__(self, data_json: str, groups: list[MacroElement], packed: str | None = None):
        super().__init__()
        self._name = "MapgenLayers"
        self.data_json = data_json
        self.groups = groups
        self.packed = packed

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
        if self.packed is not None:
            # A data block, not a string in the script: the browser never parses it as
            # JavaScript, and a script of another type is not run, so the policy needs no
            # hash of it (base64 text cannot close the element).
            body, name = self.get_root().html, self.get_name()
            block_id = f"{self._parent.get_name()}-packed"
            opening = f'<script type="application/octet-stream" id="{block_id}">'
            body.add_child(Verbatim(opening), name=f"{name}_packed")
            body.add_child(Verbatim(self.packed, large=True), name=f"{name}_blob")
            body.add_child(Verbatim("</script>\n"), name=f"{name}_packed_end")


STATUS_CSS = (
    ".mapgen-status { position: absolute; z-index: 1001; top: 40%; left: 50%; "
    "transform: translate(-50%, -50%); max-width: min(30em, 80%); padding: 12px 16px; "
    "background: #fff; color: #1a1a1a; border: 1px solid #767676; border-radius: 4px; "
    "font: 15px/1.4 system-ui, sans-serif; text-align: center; }\n"
    ".mapgen-fragment { position: relative; margin: 0 0 1.5em; }"
)
# Runs before the map's script; on load (all scripts run), or on an error before the map
# started, it says why the map is missing. Once mapgen.js has started, the line is gone.
STATUS_JS = """(function (id, why) {
  function say(text) { var s = document.getElementById(id); if (s) s.textContent = text; }
  window.addEventListener("error", function (e) {
    say("The map could not start: " + (e.message || "a script failed") + ".");
  });
  window.addEventListener("load", function () {
    if (typeof L === "undefined" || !window.MapgenApp) say(why);
  });
})(%s, %s);"""
LOADING = "Loading the map… (it needs JavaScript: if this stays, JavaScript is off)"
WHY_CDN = (
    "The map could not start: Leaflet, which this map loads from cdn.jsdelivr.net, did not "
    "arrive (no network?). A map built without --cdn needs no network."
)
WHY_INLINE = "The map could not start: its scripts did not run."
WHY_SHARED = (
    "The map could not start: Leaflet and mapgen's scripts are not on this page. This map was "
    "made with --shared-assets: add the file `mapgen assets` writes to the page, once."
)


class LoadStatus(MacroElement):
    """A line over the map while it loads, which says in words why the map is missing when
    its scripts fail (never a blank page). mapgen.js removes it once the map is drawn."""

    def __init__(self, *, cdn: bool) -> None:
        super().__init__()
        self._name = "LoadStatus"
        self.why = WHY_CDN if cdn else WHY_INLINE

    def render(self, **kwargs: object) -> None:
        figure = self.get_root()
        status_id = f"{self._parent.get_name()}-status"
        figure.header.add_child(Verbatim(f"<style>{STATUS_CSS}</style>"), name="mapgen-status")
        why = WHY_SHARED if getattr(figure, "shared_assets", False) else self.why
        script = STATUS_JS % (json.dumps(status_id), json.dumps(why, ensure_ascii=False))
        figure.header.add_child(Verbatim(f"<script>{script}</script>"), name=self.get_name())
        figure.html.add_child(
            Verbatim(f'<div class="mapgen-status" id="{status_id}" role="status">{LOADING}</div>'),
            name=f"{self.get_name()}_html",
        )
        super().render(**kwargs)


def _library(name: str) -> str:
    """An asset's code; a library of `assets/vendor/` as published, made safe to inline."""
    code = asset(name)
    return _script_safe(code) if name.startswith("vendor/") else code


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


# Leaflet on its CDN, the very files of the pinned xstatic-leaflet package (checked byte for byte
# against the npm package leaflet@1.9.3, which cdn.jsdelivr.net serves).
LEAFLET_CDN = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/"
LEAFLET_JS = LEAFLET_CDN + "leaflet.js"
LEAFLET_CSS = LEAFLET_CDN + "leaflet.css"
LEAFLET_IMAGES = LEAFLET_CDN + "images/"


def _leaflet_file(name: str) -> Path:
    from xstatic.pkg import leaflet

    return Path(leaflet.BASE_DIR) / name


def subresource_integrity(path: Path) -> str:
    """The `integrity` value of a file: a browser refuses a CDN's copy that differs from it."""
    digest = hashlib.sha384(path.read_bytes()).digest()
    return "sha384-" + base64.b64encode(digest).decode("ascii")


class InlineLeaflet(HeadElement):
    """Leaflet itself, inlined from the pinned `xstatic-leaflet` package (the same 1.9.3 that
    folium loads from its CDN), for pages that must work with no network."""

    def __init__(self) -> None:
        super().__init__()
        self._name = "InlineLeaflet"

    @classmethod
    def pieces(cls) -> list[tuple[str, str]]:
        folder = _leaflet_file("")
        css = _inline_css_images((folder / "leaflet.css").read_text("utf-8"), folder)
        js = _script_safe((folder / "leaflet.js").read_text("utf-8"))
        return [("leaflet_css", f"<style>{css}</style>"),
                ("leaflet", f"<script>{js}</script>")]


class CdnLeaflet(HeadElement):
    """Leaflet from its CDN (--cdn), with the hashes of the pinned package's files as
    Subresource Integrity: a changed or corrupted copy on the CDN is refused, not run."""

    def __init__(self) -> None:
        super().__init__()
        self._name = "CdnLeaflet"

    @classmethod
    def pieces(cls) -> list[tuple[str, str]]:
        css, js = _leaflet_file("leaflet.css"), _leaflet_file("leaflet.js")
        return [
            ("leaflet_css", f'<link rel="stylesheet" href="{LEAFLET_CSS}" '
                            f'integrity="{subresource_integrity(css)}" crossorigin="anonymous">'),
            ("leaflet", f'<script src="{LEAFLET_JS}" integrity="{subresource_integrity(js)}" '
                        'crossorigin="anonymous"></script>'),
        ]


class Countries(HeadElement):
    """The offline basemap's countries (Natural Earth 1:110m, 180 KB), as `MapgenCountries`:
    the same for every map, so a page of many maps can carry them once (`mapgen assets`)."""

    def __init__(self) -> None:
        super().__init__()
        self._name = "Countries"

    @classmethod
    def pieces(cls) -> list[tuple[str, str]]:
        from mapgen.basemap import countries_small
        from mapgen.html.payload import script_json

        countries = script_json(countries_small())
        return [("mapgen-countries", f"<script>window.MapgenCountries = {countries};</script>")]


def shared_pieces(*, cdn: bool = False) -> list[tuple[str, str]]:
    """What every map of a page carries alike — Leaflet, mapgen's styles and scripts, the
    basemap's countries — in the order they run: written once for a page whose fragments
    leave them out (--shared-assets)."""
    pieces: dict[str, str] = {}
    for element in (CdnLeaflet if cdn else InlineLeaflet, PeriodControl, MapgenLayers, Countries):
        pieces.update((name, text) for name, text in element.pieces() if name not in pieces)
    return list(pieces.items())
