"""The checked batches of the sources, read in a process of their own while this one tiles.

Reading and checking a batch (mapgen's rules, its dates) and writing its tile features take
about as long as each other. With the reading in a second process the two overlap: a build
of a million places waits for the longer, not for the sum (`benchmarks/run.py --tiles`).
The child is at most three batches ahead (one in the pipe, one waiting, one being read), so memory
stays that of a few batches.

The child is ``python -m mapgen.tiles.reader JOB``, not a `multiprocessing` process: that
would run a user's script again in the child, and a script without an
``if __name__ == "__main__"`` guard would start its build anew there. The job is a pickle
in the build's scratch folder; the batches come back pickled on the child's stdout, then
what reading found (`Reading`), the warnings it gave and the error that stopped it, which
are given and raised here as if the reading had been done in this process.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from queue import Queue
from typing import IO, Any, NamedTuple

from mapgen.datetext import DateOptions
from mapgen.errors import MapgenError
from mapgen.fields import Fields
from mapgen.filter import select
from mapgen.model import Dataset, Period
from mapgen.read.arrow import count_rows
from mapgen.tiles.features import when_words
from mapgen.tiles.source import STREAMED, Reading, batches, sources_of


class Chosen(NamedTuple):
    """A batch's chosen places and their spans in words (`when_words`: made where the batch
    is read, which evens the two processes' shares of the work)."""

    view: Dataset
    when: list[str]


@dataclass(frozen=True)
class ReadJob:
    """What the child reads: `batches`' arguments, and the places `select` keeps."""

    sources: tuple[str, ...]
    format: str | None
    fields: Fields | None
    dates: DateOptions | None
    skip_invalid: bool
    rows: int
    period: Period
    wanted: tuple[str, ...] | None
    keep_undated: bool
    lang: str = "en"  # the language of the spans in words

    def places(self, reading: Reading) -> Iterator[Chosen]:
        """The chosen places of each checked batch, none empty, with their spans in words."""
        for batch in batches(self.sources, reading, format=self.format, fields=self.fields,
                             dates=self.dates, skip_invalid=self.skip_invalid, rows=self.rows):
            view = batch if self.period.unbounded and self.wanted is None else select(
                batch, self.period, list(self.wanted) if self.wanted else None,
                keep_undated=self.keep_undated)
            if len(view.places):
                yield Chosen(view, when_words(view.places, self.lang))


def apart(job: ReadJob) -> bool:
    """Whether to read in a second process: when the sources are read a batch at a time and
    hold more than one batch (one batch, or a file read whole, has nothing to overlap)."""
    streamed = [s for s in sources_of(job.sources, job.format) if s.kind in STREAMED]
    return sum(count_rows(s.path, s.kind) for s in streamed) > job.rows


def read_places(job: ReadJob, reading: Reading, scratch: Path) -> Iterator[Chosen]:
    """*job*'s places a batch at a time, what reading found gathered in *reading* when the
    last has been given; in a second process (its stderr kept in *scratch*) when `apart`
    and one can be started, else here."""
    started = _start(job, scratch) if apart(job) else None
    if started is None:
        yield from job.places(reading)
        return
    child, errors = started
    assert child.stdout is not None
    with errors, child:
        try:
            while True:
                try:
                    kind, value = pickle.load(child.stdout)
                except (EOFError, pickle.UnpicklingError):  # it died: say what it said
                    child.wait()
                    errors.seek(0)
                    lines = errors.read().decode("utf-8", "replace").strip().splitlines()
                    raise MapgenError(f"mapgen's reading process stopped (exit status "
                                       f"{child.returncode}): {' '.join(lines[-3:])}") from None
                if kind == "batch":
                    yield value
                    continue
                found, said, error = value
                for category, message in said:
                    warnings.warn(message, category, stacklevel=2)
                vars(reading).update(vars(found))
                if error is not None:
                    raise error
                return
        finally:
            if child.poll() is None:
                child.kill()


def _start(job: ReadJob, scratch: Path) -> tuple[subprocess.Popen[bytes], IO[bytes]] | None:
    """The reading process for *job*, its job and stderr files in *scratch*; None when no
    Python can be started (an embedded interpreter)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    given = scratch / "reader.job"
    given.write_bytes(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
    errors = (scratch / "reader.err").open("w+b")
    try:
        return subprocess.Popen([sys.executable, "-m", "mapgen.tiles.reader", str(given)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=errors, env=env), errors
    except OSError:
        errors.close()
        return None


def _serve(job: ReadJob, out: IO[bytes]) -> None:
    """The child's side: *job*'s batches pickled to *out*, written by a thread so that the
    next batch is read while this one waits for the parent to take it."""
    frames: Queue[bytes | None] = Queue(maxsize=1)

    def write() -> None:
        while (frame := frames.get()) is not None:
            out.write(frame)
            out.flush()

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    reading = Reading()
    error: BaseException | None = None
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        try:
            for chosen in job.places(reading):
                frames.put(_pickled(("batch", chosen)))
        except MapgenError as exc:
            error = exc
    told = [(w.category, str(w.message)) for w in said]
    frames.put(_pickled(("end", (reading, told, error))))
    frames.put(None)
    writer.join()


def _pickled(frame: tuple[str, Any]) -> bytes:
    return pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    import gc

    # as the CLI's own process (mapgen.cli.run): batches of small objects without a cycle,
    # which the collector would walk again and again (half the reading of a million places)
    gc.disable()
    # the pipe to the parent is a descriptor of its own; anything else written to stdout, by
    # Python or a library's C code, goes to stderr instead of into the pickles
    pipe = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    try:
        _serve(pickle.loads(Path(sys.argv[1]).read_bytes()), pipe)
    finally:
        gc.freeze()  # nothing for the collections at exit to walk
