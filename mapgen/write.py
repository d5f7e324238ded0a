"""Writing output files atomically: a temporary file beside the target, then a rename, so a
failure never leaves a half-written or clobbered file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from mapgen.defaults import default_source
from mapgen.errors import OutputError

_CHUNK = 1 << 20  # characters encoded at a time


def check_output(
    path: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]] = ()
) -> Path:
    """Refuse an output path that is a directory, the same file as an input (the embedded
    dataset always counts as one), or that cannot be written; a missing folder is fine when
    it can be created (:func:`write_atomic` creates it)."""
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"{target}: is a directory; give a file name")
    for source in (*inputs, default_source()):
        source_path = Path(source)
        if target.exists() and source_path.exists() and target.samefile(source_path):
            raise OutputError(f"{target}: is also an input; choose another output file")
    folder = target.parent if str(target.parent) else Path(".")
    existing = next(f for f in (folder, *folder.parents, Path(".")) if f.exists())
    if not existing.is_dir():
        raise OutputError(f"{target}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK):
        raise OutputError(f"{target}: folder {existing} is not writable")
    if target.exists() and not os.access(target, os.W_OK):
        raise OutputError(f"{target}: is not writable")
    return target


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], *, suffix: str = "") -> Iterator[Path]:
    """A temporary file beside *path*, named ``.NAME.XXXX.tmp`` and then *suffix* (for a
    writer that wants a file name and reads the format from its end, such as a video
    encoder), renamed onto *path* when the block ends and removed when it fails: *path* is
    never half-written. The system's refusals are an OutputError (one line), with the old
    file intact."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=f".tmp{suffix}", dir=target.parent or "."
        )
        os.close(fd)
    except OSError as exc:
        raise OutputError(f"{target}: cannot be written ({exc.strerror or exc})") from None
    tmp = Path(name)
    try:
        yield tmp
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(f"{target}: cannot be written ({exc.strerror or exc})") from None
        raise


def write_atomic(path: str | os.PathLike[str], data: str | bytes | list[str]) -> Path:
    """Write *data* (text, bytes, or text in pieces written one after the other) to *path*
    via a temporary file and a rename (:func:`atomic_path`)."""
    target = Path(path)
    with atomic_path(target) as tmp:
        try:
            with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_TRUNC), "wb") as handle:
                if isinstance(data, bytes):
                    handle.write(data)
                else:
                    for text in [data] if isinstance(data, str) else data:
                        for start in range(0, len(text), _CHUNK):  # encoded a piece at a time:
                            handle.write(text[start : start + _CHUNK].encode("utf-8"))  # no copy
        except UnicodeEncodeError as exc:
            bad = exc.object[exc.start]
            raise OutputError(
                f"{target}: the text holds {bad!r}, a lone surrogate, which is not a character"
            ) from None
    return target
