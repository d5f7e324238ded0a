"""An <iframe> snippet that embeds a built map in a report page."""

from __future__ import annotations

import html
import os
import re
import warnings
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from mapgen.errors import MapgenWarning, OptionError

# A page's <title>, or the data-title a fragment carries on its outer element.
_TITLE = re.compile(r'<title>(.*?)</title>|<div class="mapgen-fragment" data-title="([^"]*)"', re.S)


def embed(
    path: str | os.PathLike[str], height: int = 480, src: str | None = None, *,
    steps: bool = False,
) -> str:
    """An iframe of the full width and *height* px, titled with the map's own title (a page's
    <title>, a fragment's data-title) so screen readers can name it. *src* overrides the link
    (default: the path as given). A relative link is relative to the page that holds the
    iframe, wherever that is served: a warning says so (under MkDocs's directory URLs, a
    page's URL is a folder deeper than its Markdown file). With *steps*, the iframe is marked
    as a story map and followed by the script (assets/story-host.js) with which the page's
    elements marked ``data-mapgen-step="N"`` take it to step N as they scroll into view."""
    target = Path(path)
    try:
        head = target.read_text("utf-8", errors="replace")[:200_000]
    except OSError as exc:
        raise OptionError(f"{path}: cannot be read ({exc.strerror})") from None
    if height <= 0:
        raise OptionError("--height must be a positive number of pixels")
    match = _TITLE.search(head)
    found = next((g for g in match.groups() if g is not None), "") if match else ""
    title = html.unescape(found).strip() or target.stem
    link = src or str(path)
    if not urlsplit(link).scheme and not link.startswith(("/", "\\")):
        warnings.warn(
            f"the iframe's src {link!r} is relative: it is read from the URL of the page that "
            "holds the iframe (under MkDocs's directory URLs, page.md is page/, a folder deeper); "
            "give src (--src) the map's URL on the site, such as /maps/map.html",
            MapgenWarning, stacklevel=2,
        )
    frame = (
        f'<iframe src="{html.escape(link)}" title="{html.escape(title)}" '
        f'style="width: 100%; height: {height}px; border: 0;" loading="lazy"'
        f'{" data-mapgen-story" if steps else ""}></iframe>\n'
    )
    if not steps:
        return frame
    script = (resources.files("mapgen.html") / "assets" / "story-host.js").read_text("utf-8")
    return f"{frame}<script>\n{script}</script>\n"
