"""A built map as text: a whole standalone page, or a fragment to paste into a report, and the
assets a page of fragments carries once."""

from __future__ import annotations

import folium

from mapgen.html.elements import MapFigure, Policy, css_height, shared_pieces


def page_html(fmap: folium.Map) -> str:
    """The map as a standalone HTML page."""
    return fmap.get_root().render()


def page_parts(fmap: folium.Map) -> list[str]:
    """`page_html` in pieces (a large map's data among them as it is), to be written one
    after the other without joining them into one string."""
    figure = fmap.get_root()
    return figure.render_parts() if isinstance(figure, MapFigure) else [figure.render()]


def flush_left(text: str) -> str:
    """*text* with no indented line, no blank line and no tab: what Markdown tools (Python-
    Markdown in MkDocs, pandoc in Quarto) pass through unchanged as raw HTML. An indented line
    would become a code block, a blank line would end the HTML block, and both expand tabs and
    empty the lines of spaces, which would change the text a CSP hash covers. Safe for
    mapgen's scripts and styles: none holds a template literal or a multi-line string (data
    is JSON, which escapes line breaks and tabs)."""
    lines = (line.strip(" \t") for line in text.split("\n"))
    return "\n".join(line for line in lines if line) + "\n"


def _policy_comment(what: str, policy: Policy, body: str) -> str:
    return (
        f"<!-- {what}. The Content-Security-Policy it needs (a host page with a policy adds "
        f"these sources to its own): {policy.header(body)} -->\n"
    )


def fragment_html(
    fmap: folium.Map,
    height: str | None = None,
    *,
    shared_assets: bool = False,
    url_hash: bool = False,
) -> str:
    """The map as an HTML fragment (no <html>, <head> or <body>) of the given height (by
    default the map's own, 480px), flush left (`flush_left`) so that Markdown tools keep it
    as it is. Its script runs in its own function scope, so two fragments on one page stay
    independent; folium's page-wide styles (html, body { margin: 0 }) are left out. Its first
    line, an HTML comment, is the Content-Security-Policy a host page needs for it (the hashes
    of its scripts and styles, its tile host): a host page with a policy adds these sources to
    its own.

    *shared_assets* leaves out what every map carries alike (Leaflet, mapgen's scripts and
    styles, the basemap's countries): the page then carries them once (`assets_html`), before
    or after its maps. *url_hash* keeps the map's period and view in the page's URL hash (the
    first map of the page only), as a full page does; by default a fragment leaves the host's
    hash, its anchors, alone."""
    figure = fmap.get_root()
    height = css_height(height or getattr(figure, "height", None) or "480px")
    figure.shared_assets = shared_assets  # LoadStatus says why the map is missing
    try:
        for child in list(figure._children.values()):
            child.render()
    finally:
        figure.shared_assets = False
    name = fmap.get_name()
    left_out = {name, "meta_http"}  # the page-wide styles and meta tags
    if shared_assets:
        left_out.update(key for key, _ in shared_pieces())
    header = "\n".join(
        child.render() for key, child in figure.header._children.items() if key not in left_out
    )
    # The map starts as soon as Leaflet and mapgen's scripts are there: at once, or (shared
    # assets written after the maps) when the page is parsed; else the status line says why.
    opt_in = ' data-mapgen-hash="on"' if url_hash else ""
    if isinstance(figure, MapFigure):
        opt_in += " " + figure.language_attributes()
    body = flush_left(
        f'<div class="mapgen-fragment" data-title="{figure.title}"{opt_in}>\n'
        f"<style>#{name} {{ position: relative; width: 100%; height: {height}; }}</style>\n"
        f"{header}\n{figure.html.render()}\n"
        "<script>\n(function () {\n"
        f"function start() {{\n{figure.script.render()}\n}}\n"
        "function ready() { return typeof L !== 'undefined' && !!window.MapgenApp; }\n"
        "if (ready()) start();\n"
        "else document.addEventListener('DOMContentLoaded', function () {\n"
        "if (ready()) start();\n});\n"
        "})();\n</script>\n</div>\n"
    )
    policy = getattr(figure, "policy", None)
    if policy is None:  # a folium map not built by mapgen
        return body
    return _policy_comment("mapgen map fragment", policy, body) + body


def assets_html(*, cdn: bool = False) -> str:
    """What the fragments of a page built with shared assets leave out, once for the page:
    Leaflet (inlined, or with *cdn* from its CDN), mapgen's styles and scripts and the basemap's
    countries; flush left, with its own first-line Content-Security-Policy comment."""
    from mapgen.html.elements import LEAFLET_CSS, LEAFLET_IMAGES, LEAFLET_JS

    body = flush_left("\n".join(text for _, text in shared_pieces(cdn=cdn)))
    policy = Policy(
        scripts=(LEAFLET_JS,) if cdn else (),
        styles=(LEAFLET_CSS,) if cdn else (),
        images=(LEAFLET_IMAGES,) if cdn else (),
    )
    return _policy_comment("mapgen assets, once for a page of maps", policy, body) + body
