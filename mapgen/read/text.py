"""Reading input files as text: UTF-8 with or without a byte-order mark, nothing else."""

from __future__ import annotations

import mmap
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from mapgen.errors import DataError, Problem


def read_text(path: Path, label: str) -> str:
    """The file's text; a clear DataError for a missing file or a non-UTF-8 encoding."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataError([Problem(label, "no such file")]) from None
    except IsADirectoryError:
        raise DataError([Problem(label, "is a directory, not a file")]) from None
    except OSError as exc:
        raise DataError([Problem(label, f"cannot be read ({exc.strerror})")]) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError([Problem(label, "is UTF-16; save it as UTF-8")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(
            [
                Problem(
                    label,
                    f"is not UTF-8 (byte {exc.start} is 0x{data[exc.start]:02x}); save it as UTF-8",
                )
            ]
        ) from None


@contextmanager
def mapped(path: Path) -> Iterator[mmap.mmap | None]:
    """The file mapped read-only (None when it cannot be: missing, empty, not a regular
    file; the caller then reads it with `read_text`, and its messages). Its pages
    belong to the page cache: a reader that is done with a part gives them back (`release`),
    so a 600 MB file does not stay in the process's memory while it is read."""
    try:
        with path.open("rb") as handle:
            view = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # ValueError: an empty file
        yield None
        return
    try:
        yield view
    finally:
        with suppress(BufferError):  # something still views it: the collector closes it later
            view.close()


def release(view: object) -> None:
    """Give the pages of a mapped file read so far back to the page cache (Linux: they are
    read from it again if touched); nothing for bytes or where madvise is missing."""
    if isinstance(view, mmap.mmap) and hasattr(mmap, "MADV_DONTNEED"):
        view.madvise(mmap.MADV_DONTNEED)
