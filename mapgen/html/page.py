"""A built map as text: a whole standalone page, or a fragment to paste into a report."""

from __future__ import annotations

import re

import folium

from mapgen.html.elements import MapFigure

_HEIGHT = re.compile(r"\d+(?:\.\d+)?(?:px|em|rem|vh|%)")


def page_html(fmap: folium.Map) -> str:
    """The map as a standalone HTML page."""
    return fmap.get_root().render()


def page_parts(fmap: folium.Map) -> list[str]:
    """`page_html` in pieces (a large map's data among them as it is), to be written one
    after the other without joining them into one string."""
    figure = fmap.get_root()
    return figure.render_parts() if isinstance(figure, MapFigure) else [figure.render()]


def fragment_html(fmap: folium.Map, height: str = "480px") -> str:
    """The map as an HTML fragment (no <html>, <head> or <body>) of the given height. Its
    script runs in its own function scope, so two fragments on one page stay independent;
    folium's page-wide styles (html, body { margin: 0 }) are left out. Its first line, an HTML
    comment, is the Content-Security-Policy a host page needs for it (the hashes of its
    scripts and styles, its tile host): a host page with a policy adds these sources to its
    own."""
    if not _HEIGHT.fullmatch(height):
        from mapgen.errors import OptionError

        raise OptionError(f"height {height!r} must be a CSS length such as 480px or 60vh")
    figure = fmap.get_root()
    for child in list(figure._children.values()):
        child.render()
    name = fmap.get_name()
    header = "\n".join(
        child.render()
        for key, child in figure.header._children.items()
        if key not in (name, "meta_http")  # the page-wide styles and meta tags
    )
    body = (
        f'<div class="mapgen-fragment" data-title="{figure.title}">\n'
        f"<style>#{name} {{ position: relative; width: 100%; height: {height}; }}</style>\n"
        f"{header}\n{figure.html.render()}\n"
        f"<script>\n(function () {{\n{figure.script.render()}\n}})();\n</script>\n</div>\n"
    )
    policy = getattr(figure, "policy", None)
    if policy is None:  # a folium map not built by mapgen
        return body
    return (
        "<!-- mapgen map fragment. The Content-Security-Policy it needs (a host page with a "
        "policy adds these sources to its own): "
        f"{policy.header(body)} -->\n{body}"
    )
