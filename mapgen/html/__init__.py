"""HTML maps: folium assembles the page, mapgen.js draws and filters the places."""

from mapgen.html.build import build_map
from mapgen.html.page import fragment_html, page_html

__all__ = ["build_map", "fragment_html", "page_html"]
