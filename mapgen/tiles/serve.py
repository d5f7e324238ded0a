"""`mapgen serve DIR`: a tile folder over HTTP, with the range requests PMTiles needs.

Python's `http.server` ignores ``Range`` (it sends the whole archive for every tile). This
server answers ``Range: bytes=a-b`` (and ``a-``, ``-n``) with 206 and those bytes, a range
past the end with 416, and anything else as a whole file. It listens on the loopback address
unless told otherwise (with a warning), and serves nothing outside DIR: a path with ``..``
(as written or percent-encoded), a backslash or a NUL, or one that resolves outside DIR (a
symbolic link out), is answered 404.
"""

from __future__ import annotations

import mimetypes
import os
import re
import warnings
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from mapgen.errors import MapgenWarning, OptionError

LOOPBACK = ("127.0.0.1", "localhost", "::1")
TYPES = {".pmtiles": "application/octet-stream", ".jsonl": "application/x-ndjson",
         ".html": "text/html; charset=utf-8", ".json": "application/json",
         ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
_CHUNK = 1 << 16


def resolve(root: Path, target: str) -> Path | None:
    """The file under *root* (a resolved folder) that a request's target names, or None:
    for ``..`` in any spelling, a backslash or NUL, or a path that leads outside *root*."""
    path = unquote(urlsplit(target).path, errors="strict")
    if not path.startswith("/") or "\\" in path or "\x00" in path:
        return None
    parts = [part for part in path.split("/") if part]
    if any(part in (".", "..") for part in parts):
        return None
    found = root.joinpath(*parts)
    if found.is_dir():
        found = found / "index.html"
    try:
        real = found.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if (root != real and root not in real.parents) or not real.is_file():
        return None
    return real


def byte_range(header: str | None, size: int) -> tuple[int, int] | bool | None:
    """The inclusive byte range a ``Range`` header asks of a file of *size* bytes: None for
    the whole file (no header, or one this server does not take: several ranges, another
    unit), False when it lies past the end (416)."""
    if not header:
        return None
    match = _RANGE.fullmatch(header.strip())
    if match is None or not any(match.groups()):
        return None
    first, last = match.groups()
    if not first:  # the last n bytes
        n = int(last)
        return (max(0, size - n), size - 1) if n and size else False
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return None  # not a valid range: ignored, as RFC 9110 says
    return (start, end) if start < size else False


class Handler(BaseHTTPRequestHandler):
    """Serves the files of `root` (set on a subclass by `make_server`)."""

    root: Path
    server_version = "mapgen"

    def do_HEAD(self) -> None:
        self.answer(body=False)

    def do_GET(self) -> None:
        self.answer(body=True)

    def answer(self, body: bool) -> None:
        try:
            path = resolve(self.root, self.path)
        except UnicodeDecodeError:
            path = None
        if path is None:
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
            return
        size = path.stat().st_size
        wanted = byte_range(self.headers.get("Range"), size)
        if wanted is False:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        start, end = wanted if wanted else (0, size - 1)
        self.send_response(HTTPStatus.PARTIAL_CONTENT if wanted else HTTPStatus.OK)
        kind = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
        self.send_header("Content-Type", kind or "application/octet-stream")
        self.send_header("Content-Length", str(max(0, end - start + 1)))
        if wanted:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not body:
            return
        with path.open("rb") as handle:
            handle.seek(start)
            left = end - start + 1
            while left > 0:
                chunk = handle.read(min(_CHUNK, left))
                if not chunk:
                    break
                try:
                    self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the browser stopped reading (a tile it no longer needs)
                left -= len(chunk)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: a map makes hundreds of requests."""


def make_server(folder: str | os.PathLike[str], port: int = 8000, host: str = "127.0.0.1"
                ) -> ThreadingHTTPServer:
    """A server of *folder* (not started: call ``serve_forever``); port 0 picks a free one.
    A *host* other than the loopback lets other machines in: a warning says so."""
    root = Path(folder).resolve()
    if not root.is_dir():
        raise OptionError(f"{folder}: not a folder")
    if host not in LOOPBACK:
        warnings.warn(f"listening on {host}: other machines can read {folder}",
                      MapgenWarning, stacklevel=2)
    handler = type("FolderHandler", (Handler,), {"root": root})
    kind = ThreadingHTTPServer
    if ":" in host:
        import socket

        kind = type("Server6", (ThreadingHTTPServer,), {"address_family": socket.AF_INET6})
    server = kind((host, port), handler)
    server.daemon_threads = True
    return server


def serve(folder: str | os.PathLike[str], *, port: int = 8000, host: str = "127.0.0.1",
          ready: Callable[[str], None] | None = None) -> None:
    """Serve *folder* until interrupted; *ready* is told the page's address."""
    server = make_server(folder, port, host)
    name = f"[{host}]" if ":" in host else host
    if ready:
        ready(f"http://{name}:{server.server_address[1]}/")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
