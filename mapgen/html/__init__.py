"""HTML maps: folium assembles the page, mapgen.js draws and filters the places."""

from mapgen.html.build import DEFAULT_TILES, build_map, html_text

__all__ = ["DEFAULT_TILES", "build_map", "html_text"]
