"""Headless-Chromium harness for testing mapgen's HTML maps.

Everything runs offline: Leaflet is served from the ``xstatic-leaflet``
package, map tiles are answered with a small generated PNG, and every other
network request is aborted and recorded in :attr:`MapPage.blocked_requests`.

Usable three ways:

* from pytest, through the ``browser`` and ``open_map`` fixtures in
  ``tests/conftest.py``;
* from Python, with :func:`browser_session` and :func:`open_page`;
* from the shell, to screenshot a map::

      python -m tests.browser screenshot output/map.html docs/screenshot.png
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import mimetypes
import os
import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urldefrag, urlsplit

from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Dialog,
    Page,
    Request,
    Route,
    WebSocketRoute,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

CHROMIUM_PATH = os.environ.get("MAPGEN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
)
DEFAULT_VIEWPORT: tuple[int, int] = (1200, 800)
DEFAULT_TIMEOUT_MS = 20_000

# Ready: mapgen says so, and no zoom animation is running (Leaflet ignores a new view asked for
# during one, which made tests that zoom in on a place flaky on a loaded machine).
READY_JS = (
    "() => !!(window.mapgen && window.mapgen.ready === true)"
    " && !document.querySelector('.leaflet-zoom-anim')"
)

TILE_SIZE = 256
TILE_COLOR = (238, 238, 238)  # light grey, like an empty basemap
TILE_HOSTS: tuple[str, ...] = (
    "basemaps.cartocdn.com",
    "tile.openstreetmap.org",
    "tile.openstreetmap.fr",
    "tile.opentopomap.org",
    "server.arcgisonline.com",
    "services.arcgisonline.com",
    "tiles.stadiamaps.com",
    "tile.thunderforest.com",
    "stamen-tiles.a.ssl.fastly.net",
    "tiles.wmflabs.org",
    "api.mapbox.com",
)
_IMAGE_EXT = r"\.(?:png|jpe?g|webp)"
_IMAGE_RE = re.compile(_IMAGE_EXT + r"$", re.IGNORECASE)
# /{z}/{x}/{y}, /{z}/{y}/{x} (ArcGIS has no extension), optional @2x / ext
_ZXY_RE = re.compile(r"/\d{1,2}/\d+/\d+(?:@\dx)?(?:" + _IMAGE_EXT + r")?$", re.I)

_LEAFLET_FILE_RE = re.compile(
    r"/(?P<name>leaflet(?:-src)?(?:\.esm)?\.(?:js|css)(?:\.map)?"
    r"|images/[A-Za-z0-9_-]+\.png)$"
)
# leaflet@1.9.3 (jsdelivr, unpkg) or /leaflet/1.9.3/ (cdnjs)
_LEAFLET_VERSION_RE = re.compile(r"leaflet(?:@|/)(\d+\.\d+\.\d+)", re.IGNORECASE)


class MapgenNotReadyError(AssertionError):
    """The page did not set ``window.mapgen.ready === true`` in time."""


# --------------------------------------------------------------------------
# Local assets
# --------------------------------------------------------------------------


@functools.cache
def leaflet_dir() -> Path:
    """Folder holding leaflet.js, leaflet.css and images/ (xstatic-leaflet)."""
    from xstatic.pkg import leaflet

    return Path(leaflet.BASE_DIR)


@functools.cache
def leaflet_version() -> str:
    from xstatic.pkg import leaflet

    return str(leaflet.VERSION)


@functools.cache
def tile_png() -> bytes:
    """A 256x256 light-grey PNG, generated once."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (TILE_SIZE, TILE_SIZE), TILE_COLOR).save(buf, "PNG")
    return buf.getvalue()


def leaflet_asset(url: str) -> Path | None:
    """The local file that answers a Leaflet CDN ``url``, or None.

    Only URLs whose path mentions ``leaflet`` and ends with a Leaflet dist
    file are matched. A URL pinned to a different Leaflet version than the
    installed one is not answered (so the mismatch shows up as blocked).
    """
    path = urlsplit(url).path
    match = _LEAFLET_FILE_RE.search(path)
    if match is None or "leaflet" not in path[: match.start()].lower():
        return None
    version = _LEAFLET_VERSION_RE.search(path)
    if version is not None and version.group(1) != leaflet_version():
        return None
    candidate = leaflet_dir() / match.group("name")
    return candidate if candidate.is_file() else None


def is_tile_url(url: str) -> bool:
    """True for map-tile requests: images on tile hosts or /{z}/{x}/{y} shape."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    host = (parts.hostname or "").lower()
    on_tile_host = any(host == h or host.endswith("." + h) for h in TILE_HOSTS)
    if on_tile_host and _IMAGE_RE.search(parts.path):
        return True
    return bool(_ZXY_RE.search(parts.path))


_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".map": "application/json",
    ".png": "image/png",
}


def _content_type(path: Path) -> str:
    known = _CONTENT_TYPES.get(path.suffix.lower())
    if known is not None:
        return known
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


_CORS = {"Access-Control-Allow-Origin": "*", "Cache-Control": "no-store"}


# --------------------------------------------------------------------------
# Browser
# --------------------------------------------------------------------------


def launch_browser(playwright: Any) -> Browser:
    """Launch Debian's Chromium headless with the flags this machine needs."""
    if not Path(CHROMIUM_PATH).exists():
        raise RuntimeError(
            f"Chromium not found at {CHROMIUM_PATH}; "
            "install it with `apt-get install -y chromium` (or run .ci/run)"
        )
    return playwright.chromium.launch(
        executable_path=CHROMIUM_PATH, headless=True, args=list(CHROMIUM_ARGS)
    )


@contextmanager
def browser_session() -> Iterator[Browser]:
    """Start Playwright and one Chromium; close both on exit."""
    with sync_playwright() as playwright:
        browser = launch_browser(playwright)
        try:
            yield browser
        finally:
            browser.close()


# --------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class DialogRecord:
    """A JavaScript dialog the page opened (it was dismissed)."""

    type: str  # "alert", "confirm", "prompt" or "beforeunload"
    message: str


@dataclass
class MapPage:
    """An opened page plus everything it did that a test may assert on.

    ``console_errors``: console messages of type error, as
    ``"text [at url:line]"``. ``page_errors``: uncaught exceptions, as
    ``"Name: message"``. ``blocked_requests``: URLs the harness aborted.
    ``failed_requests``: ``"url (reason)"`` for requests that failed for any
    other reason, except ``cancelled_requests``: URLs the page itself
    abandoned (``net::ERR_ABORTED``, e.g. Leaflet dropping tiles on zoom).
    ``requests``: every URL requested, in order; ``served_requests``: those
    the harness answered from local files.
    """

    page: Page
    context: BrowserContext
    url: str
    offline: bool = False
    console_errors: list[str] = field(default_factory=list)
    console_messages: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[DialogRecord] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    cancelled_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    served_requests: list[str] = field(default_factory=list)
    _blocked: set[Request] = field(default_factory=set, repr=False)

    # -- mapgen helpers ----------------------------------------------------

    def evaluate(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def is_ready(self) -> bool:
        return bool(self.page.evaluate(READY_JS))

    def wait_ready(self, timeout_ms: float = DEFAULT_TIMEOUT_MS) -> None:
        """Wait for ``window.mapgen.ready === true`` or raise with diagnostics."""
        try:
            self.page.wait_for_function(READY_JS, timeout=timeout_ms)
        except PlaywrightTimeoutError:
            raise MapgenNotReadyError(
                f"window.mapgen.ready was not true after {timeout_ms:.0f} ms "
                f"on {self.url}\n{self.report()}"
            ) from None

    def visible(self) -> Any:
        """``window.mapgen.visible()``: what the map currently shows."""
        return self.page.evaluate("() => window.mapgen.visible()")

    def set_period(self, start: int | str | None, end: int | str | None = None) -> Any:
        """``window.mapgen.setPeriod(start, end)`` (years or date strings);
        ``end=None`` passes ``null`` (mapgen: all of ``start``). Returns its result."""
        return self.page.evaluate(
            """([a, b]) => {
                if (!window.mapgen || typeof window.mapgen.setPeriod !== 'function')
                    throw new Error('window.mapgen.setPeriod is not a function');
                return window.mapgen.setPeriod(a, b);
            }""",
            [start, end],
        )

    def set_hash(self, url_hash: str) -> None:
        """Set ``location.hash`` and return once ``hashchange`` was dispatched."""
        self.page.evaluate(
            """(h) => new Promise((resolve) => {
                const target = h.startsWith('#') ? h : '#' + h;
                if (location.hash === target) { resolve(); return; }
                window.addEventListener('hashchange',
                    () => setTimeout(resolve, 0), {once: true});
                location.hash = target;
            })""",
            url_hash,
        )

    def wait_tiles(self, timeout_ms: float = 5_000) -> None:
        """Wait until every Leaflet tile image has loaded (plus fade-in)."""
        self.page.wait_for_function(
            """() => Array.from(document.querySelectorAll('img.leaflet-tile'))
                  .every(img => img.classList.contains('leaflet-tile-loaded'))""",
            timeout=timeout_ms,
        )
        self.page.wait_for_timeout(300)

    def screenshot(self, path: str | Path | None = None, **kwargs: Any) -> bytes:
        """PNG of the viewport (``full_page=True`` etc. pass through)."""
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return self.page.screenshot(path=path, **kwargs)

    # -- diagnostics --------------------------------------------------------

    def problems(self, *, allow_blocked: bool = False) -> dict[str, list[Any]]:
        """Non-empty lists among errors, dialogs, blocked and failed requests.

        With ``allow_blocked``, blocked requests and the console's
        "Failed to load resource" errors for them are left out.
        """
        console_errors = self.console_errors
        if allow_blocked:
            console_errors = [e for e in console_errors if not self._is_blocked_load_error(e)]
        found: dict[str, list[Any]] = {
            "console_errors": console_errors,
            "page_errors": self.page_errors,
            "dialogs": [f"{d.type}: {d.message}" for d in self.dialogs],
            "blocked_requests": [] if allow_blocked else self.blocked_requests,
            "failed_requests": self.failed_requests,
        }
        return {k: list(v) for k, v in found.items() if v}

    def _is_blocked_load_error(self, error: str) -> bool:
        if not error.startswith("Failed to load resource: net::ERR_BLOCKED_BY_CLIENT"):
            return False
        return any(error.endswith(f"[at {url}:0]") for url in self.blocked_requests)

    def report(self) -> str:
        problems = self.problems()
        if not problems:
            return "(no console errors, page errors, dialogs or bad requests)"
        return json.dumps(problems, indent=2)

    def assert_clean(self, *, allow_blocked: bool = False) -> None:
        """Fail if anything went wrong (optionally tolerating blocked URLs)."""
        problems = self.problems(allow_blocked=allow_blocked)
        if problems:
            raise AssertionError(
                f"page {self.url} was not clean:\n{json.dumps(problems, indent=2)}"
            )

    def close(self) -> None:
        with suppress(PlaywrightError):
            self.context.close()


class OpenMap(Protocol):
    """Type of the ``open_map`` fixture: :func:`open_page` minus ``browser``."""

    def __call__(
        self,
        path: str | Path,
        *,
        url_hash: str | None = ...,
        offline: bool = ...,
        wait_ready: bool = ...,
        viewport: tuple[int, int] = ...,
        timeout_ms: float = ...,
        extra_assets: Mapping[str, Path] | None = ...,
        site: Path | None = ...,
    ) -> MapPage: ...


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def is_loopback_url(url: str) -> bool:
    """An http URL of this machine's loopback address: a folder `mapgen serve` serves."""
    parts = urlsplit(url)
    return parts.scheme == "http" and parts.netloc.rsplit(":", 1)[0] in LOOPBACK_HOSTS


def file_url(path: str | Path) -> str:
    """``file://`` URL for a local path (``file://`` strings and loopback http URLs, a
    served tile folder's, pass through)."""
    text = str(path)
    if text.startswith("file://") or is_loopback_url(text):
        return text
    resolved = Path(path).resolve()
    if not resolved.is_file():
        raise FileNotFoundError(resolved)
    return resolved.as_uri()


# A folder served over HTTP for pages that need an origin (Material for MkDocs' instant
# navigation fetches its pages), answered by the route handler below: no server, no socket.
SITE_ORIGIN = "http://site.mapgen.test/"


def site_url(site: Path, path: str | Path) -> str:
    """The URL of *path* (a file or folder under *site*) on :data:`SITE_ORIGIN`."""
    relative = Path(path).resolve().relative_to(site.resolve()).as_posix()
    return SITE_ORIGIN + ("" if relative == "." else relative)


def _site_file(site: Path, url: str) -> Path | None:
    """The file of *site* that answers *url* (a folder: its index.html), or None."""
    relative = urlsplit(url).path.lstrip("/")
    candidate = (site / relative).resolve()
    if candidate.is_dir():
        candidate = candidate / "index.html"
    inside = candidate.is_relative_to(site.resolve())
    return candidate if inside and candidate.is_file() else None


def _install_handlers(
    mp: MapPage, *, extra_assets: Mapping[str, Path], site: Path | None = None
) -> None:
    page, context = mp.page, mp.context
    document_url = urldefrag(mp.url).url

    def block(route: Route) -> None:
        mp.blocked_requests.append(route.request.url)
        mp._blocked.add(route.request)
        route.abort("blockedbyclient")

    def fulfil_file(route: Route, path: Path) -> None:
        mp.served_requests.append(route.request.url)
        route.fulfill(
            status=200,
            headers={**_CORS, "Content-Type": _content_type(path)},
            body=path.read_bytes(),
        )

    def handle(route: Route) -> None:
        url = route.request.url
        if site is not None and url.startswith(SITE_ORIGIN):
            found = _site_file(site, url)
            if found is None:
                mp.failed_requests.append(f"{url} (404)")
                route.fulfill(status=404, body="not found")
            else:
                fulfil_file(route, found)
            return
        if mp.offline:
            if urldefrag(url).url == document_url:
                route.continue_()
            else:
                block(route)
            return
        if url.startswith("file://"):
            route.continue_()
            return
        if is_loopback_url(document_url) and urlsplit(url).netloc == urlsplit(
                document_url).netloc:  # the served folder's own files: tiles, name shards
            route.continue_()
            return
        for suffix, local in extra_assets.items():
            if urldefrag(url).url.endswith(suffix):
                fulfil_file(route, Path(local))
                return
        asset = leaflet_asset(url)
        if asset is not None:
            fulfil_file(route, asset)
        elif is_tile_url(url):
            mp.served_requests.append(url)
            route.fulfill(
                status=200,
                headers={**_CORS, "Content-Type": "image/png"},
                body=tile_png(),
            )
        else:
            block(route)

    def handle_ws(ws: WebSocketRoute) -> None:
        mp.blocked_requests.append(ws.url)
        ws.close()

    context.route("**/*", handle)
    context.route_web_socket(re.compile(".*"), handle_ws)

    def on_console(msg: ConsoleMessage) -> None:
        loc = msg.location or {}
        where = loc.get("url") or ""
        if where:
            where = f" [at {where}:{loc.get('lineNumber', 0)}]"
        mp.console_messages.append(f"{msg.type}: {msg.text}{where}")
        if msg.type == "error":
            mp.console_errors.append(f"{msg.text}{where}")

    def on_page_error(error: PlaywrightError) -> None:
        name = getattr(error, "name", None) or "Error"
        mp.page_errors.append(f"{name}: {error.message}")

    def on_dialog(dialog: Dialog) -> None:
        mp.dialogs.append(DialogRecord(dialog.type, dialog.message))
        with suppress(PlaywrightError):
            dialog.dismiss()

    def on_request_failed(request: Request) -> None:
        if request in mp._blocked:
            return
        if request.failure == "net::ERR_ABORTED":
            mp.cancelled_requests.append(request.url)
            return
        mp.failed_requests.append(f"{request.url} ({request.failure})")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("dialog", on_dialog)
    page.on("request", lambda r: mp.requests.append(r.url))
    page.on("requestfailed", on_request_failed)


def open_page(
    browser: Browser,
    path: str | Path,
    *,
    url_hash: str | None = None,
    offline: bool = False,
    wait_ready: bool = True,
    viewport: tuple[int, int] = DEFAULT_VIEWPORT,
    timeout_ms: float = DEFAULT_TIMEOUT_MS,
    extra_assets: Mapping[str, Path] | None = None,
    site: Path | None = None,
) -> MapPage:
    """Open an HTML file in a fresh context and return a :class:`MapPage`.

    ``url_hash``: e.g. ``"from=1981&to=1990"`` (leading ``#`` optional).
    ``offline``: abort every request except the file itself (no Leaflet, no
    tiles) and record them in ``blocked_requests``.
    ``wait_ready``: wait for ``window.mapgen.ready === true``; raises
    :class:`MapgenNotReadyError` (with the collected errors) on timeout.
    ``extra_assets``: URL suffix -> local file, served in addition to
    Leaflet and tiles.
    ``site``: a folder that holds ``path``, served at :data:`SITE_ORIGIN` (a site that
    needs an origin), which ``path`` is opened from.
    """
    url = site_url(site, path) if site is not None else file_url(path)
    if url_hash:
        url = urldefrag(url).url + "#" + url_hash.removeprefix("#")
    width, height = viewport
    context = browser.new_context(
        viewport={"width": width, "height": height}, service_workers="block"
    )
    context.set_default_timeout(timeout_ms)
    page = context.new_page()
    mp = MapPage(page=page, context=context, url=url, offline=offline)
    try:
        _install_handlers(mp, extra_assets=extra_assets or {}, site=site)
        try:
            page.goto(url, wait_until="load", timeout=timeout_ms)
        except PlaywrightError as exc:
            raise MapgenNotReadyError(
                f"could not load {url}: {exc.message}\n{mp.report()}"
            ) from None
        if wait_ready:
            mp.wait_ready(timeout_ms)
    except BaseException:
        mp.close()
        raise
    return mp


# --------------------------------------------------------------------------
# Screenshots (usable outside pytest)
# --------------------------------------------------------------------------


def screenshot_html(
    html: str | Path,
    png: str | Path,
    *,
    viewport: tuple[int, int] = DEFAULT_VIEWPORT,
    url_hash: str | None = None,
    wait_ready: bool = True,
    offline: bool = False,
    timeout_ms: float = DEFAULT_TIMEOUT_MS,
    browser: Browser | None = None,
) -> MapPage:
    """Write a PNG screenshot of ``html`` at ``viewport``.

    Starts its own Chromium unless ``browser`` is given (inside pytest, pass
    the ``browser`` fixture: Playwright's sync API cannot start twice in one
    thread). Returns the closed :class:`MapPage` so callers can inspect its
    errors.
    """
    if browser is None:
        with browser_session() as own:
            return screenshot_html(
                html,
                png,
                viewport=viewport,
                url_hash=url_hash,
                wait_ready=wait_ready,
                offline=offline,
                timeout_ms=timeout_ms,
                browser=own,
            )
    mp = open_page(
        browser,
        html,
        url_hash=url_hash,
        offline=offline,
        wait_ready=wait_ready,
        viewport=viewport,
        timeout_ms=timeout_ms,
    )
    try:
        # a tile that never loads should not prevent the screenshot
        with suppress(PlaywrightTimeoutError):
            mp.wait_tiles()
        mp.screenshot(png)
    finally:
        mp.close()
    return mp


def _parse_viewport(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    return int(width), int(height)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.browser")
    sub = parser.add_subparsers(dest="command", required=True)
    shot = sub.add_parser("screenshot", help="PNG screenshot of an HTML file")
    shot.add_argument("html", type=Path)
    shot.add_argument("png", type=Path)
    shot.add_argument("--viewport", type=_parse_viewport, default="1200x800")
    shot.add_argument("--hash", dest="url_hash", default=None)
    shot.add_argument(
        "--no-wait",
        dest="wait_ready",
        action="store_false",
        help="do not wait for window.mapgen.ready (non-mapgen pages)",
    )
    shot.add_argument("--offline", action="store_true")
    shot.add_argument("--timeout-ms", type=float, default=DEFAULT_TIMEOUT_MS)
    args = parser.parse_args(argv)

    mp = screenshot_html(
        args.html,
        args.png,
        viewport=args.viewport,
        url_hash=args.url_hash,
        wait_ready=args.wait_ready,
        offline=args.offline,
        timeout_ms=args.timeout_ms,
    )
    if mp.problems():
        print(f"warning: {mp.report()}", file=sys.stderr)
    print(f"wrote {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
