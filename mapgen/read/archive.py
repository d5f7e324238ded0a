"""Zip archives handed to GDAL (``places.zip``, ``places.shp.zip``, ``/vsizip/`` paths),
checked first: GDAL would unpack a zip bomb, and a member path that climbs out of the archive
(``../``) is a sign of a hostile file."""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from mapgen.errors import DataError, Problem

VSIZIP = "/vsizip/"
MAX_UNPACKED = 2 * 1024**3  # bytes, the whole archive unpacked
MAX_RATIO = 200  # unpacked / packed size of one member; text compresses ~10x, bombs ~1000x
SMALL = 1024**2  # members below this size may have any ratio (a run of zeros, say)


def archive_of(source: str) -> Path | None:
    """The zip file a source reads from: itself for ``*.zip`` (and KMZ, SHZ), the archive part of a
    ``/vsizip/archive.zip/inside.shp`` path; None for any other source."""
    if source.startswith(VSIZIP):
        rest = source[len(VSIZIP) :]
        end = rest.lower().find(".zip")
        return Path(rest[: end + 4]) if end >= 0 else None
    return Path(source) if source.lower().endswith((".zip", ".kmz", ".shz")) else None


def _climbs_out(name: str) -> bool:
    """True for a member path that would land outside a folder it is unpacked into."""
    path = PurePosixPath(name.replace("\\", "/"))
    if not path.parts:
        return False
    return path.is_absolute() or ".." in path.parts or ":" in path.parts[0]  # C:/...


def check_archive(archive: Path, label: str) -> None:
    """DataError, one line, for a zip that is missing, not a zip, a zip bomb, or has member
    paths that climb out of it."""
    try:
        with zipfile.ZipFile(archive) as opened:
            members = opened.infolist()
    except FileNotFoundError:
        raise DataError([Problem(label, "no such file")]) from None
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DataError([Problem(label, f"not a zip archive mapgen can read ({exc})")]) from None
    total = 0
    for member in members:
        if _climbs_out(member.filename):
            message = f"member {member.filename!r} climbs out of the archive; refused"
            raise DataError([Problem(label, message)])
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > SMALL and ratio > MAX_RATIO:
            message = (f"member {member.filename!r} would unpack {member.compress_size:,} "
                       f"bytes to {member.file_size:,}: refused as a zip bomb")
            raise DataError([Problem(label, message)])
    if total > MAX_UNPACKED:
        message = f"would unpack to {total:,} bytes, more than {MAX_UNPACKED:,}; refused"
        raise DataError([Problem(label, message)])
