"""The tile page's name index: every name cut at each word, sorted, in small files that the
search box fetches when a query needs them.

A name is folded as search.js folds a query (decomposed, marks dropped, lower case, ß as
ss); each word of it starts a key, the rest of the folded name from there ("north aran 12",
"aran 12", "12"), so a query finds the names that hold it at the start of a word. The keys
of every place, other names too, are sorted (DuckDB, out of core) and cut into shards of
`SHARD` entries; ``names/index.json`` lists each shard's first key and how many entries come
before it, so the page fetches only the shards a query's keys can be in, and knows how many
match without fetching more.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

from mapgen.geometry import bounds
from mapgen.model import Places

SHARD = 2000  # entries a file: about 150 KB
KEY_LENGTH = 48  # characters of a key: a query longer than this matches on its start
_WORD = re.compile(r"(?<![^\W_])[^\W_]")  # a letter or digit after none


@functools.cache
def _marks() -> re.Pattern[str]:
    """Every combining mark (Unicode category M), as search.js's /\\p{M}/gu."""
    ranges, start = [], None
    for code in range(sys.maxunicode + 2):
        mark = code <= sys.maxunicode and unicodedata.category(chr(code)).startswith("M")
        if mark and start is None:
            start = code
        elif not mark and start is not None:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(code - 1))}")
            start = None
    return re.compile(f"[{''.join(ranges)}]")


def fold(text: str) -> str:
    """*text* as the search compares it (search.js `fold`)."""
    if text.isascii():
        return text.lower()
    return _marks().sub("", unicodedata.normalize("NFD", text)).lower().replace("ß", "ss")


def keys(names: list[str]) -> dict[str, int]:
    """The keys of a place's names (its name first): each folded name from each word on,
    with its rank as search.js ranks a match: 0 at the start of the name, 1 inside it, 2 in
    another name."""
    out: dict[str, int] = {}
    for number, name in enumerate(names):
        folded = fold(name)
        for match in _WORD.finditer(folded):
            start = match.start()
            key = folded[start:start + KEY_LENGTH]
            if key not in out:  # a key met before has a rank no worse: names come in order
                out[key] = 2 if number else (0 if start == 0 else 1)
    return out


class NameIndex:
    """Entries gathered a batch at a time into Parquet parts (`add`), then sorted and cut
    into shards (`write`)."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.parts = 0
        self.entries = 0

    def add(self, places: Places, layers: list[int], when: list[str]) -> None:
        """A batch's places, their layers' indices and their spans in words: each key an
        entry, the place's columns taken for its entries at the end (no list a key)."""
        import msgspec
        import numpy
        import pyarrow
        import pyarrow.parquet

        found_keys: list[str] = []
        ranks: list[int] = []
        rows: list[int] = []  # the places with keys
        counts: list[int] = []  # how many keys each has
        xs: list[float] = []
        ys: list[float] = []
        marks: list[str] = []  # span bounds as JSON
        spans, starts, other = places.spans, places.span_starts, places.other_names
        for row, name in enumerate(places.names):
            found = keys([name, *(n for _, n in other[row])] if row in other else [name])
            if not found:
                continue
            if places.lons[row] is not None:
                xs.append(places.lons[row])
                ys.append(places.lats[row])
            else:
                box = bounds([places.geometries[row]])
                xs.append((box[0] + box[2]) / 2 if box else 0.0)
                ys.append((box[1] + box[3]) / 2 if box else 0.0)
            # DuckDB's json() writes it anew: its spacing here is free
            marks.append(msgspec.json.encode(
                [[s.start_wide, s.start_narrow, s.end_narrow, s.end_wide]
                 for s in spans[starts[row]:starts[row + 1]]]).decode())
            rows.append(row)
            counts.append(len(found))
            found_keys += found
            ranks += found.values()
        if not found_keys:
            return
        ids, titles = places.ids, places.names
        per_place = {"i": [ids[r] for r in rows], "m": [titles[r] for r in rows],
                     "l": [layers[r] for r in rows], "x": xs, "y": ys,
                     "w": [when[r] for r in rows], "b": marks}
        owners = pyarrow.array(numpy.repeat(numpy.arange(len(rows)), counts))
        columns = {"k": found_keys, "r": ranks,
                   **{key: pyarrow.array(values).take(owners) for key, values in per_place.items()}}
        self.scratch.mkdir(parents=True, exist_ok=True)
        table = pyarrow.table(columns)
        pyarrow.parquet.write_table(table, self.scratch / f"part-{self.parts:06d}.parquet")
        self.parts += 1
        self.entries += len(found_keys)

    def write(self, folder: Path, memory: str = "256MB") -> dict[str, Any]:
        """The shards into *folder* (``names/NNNNNN.jsonl``: one JSON array an entry, [key,
        rank, id, name, layer index, lon, lat, when, span bounds]) and the manifest the page reads:
        ``{"shards": [[first key, entries before], …], "entries": n}``."""
        import duckdb

        folder.mkdir(parents=True, exist_ok=True)
        if not self.parts:
            return {"shards": [], "entries": 0}
        con = duckdb.connect()
        # first: past 2 s a query drew a progress bar on stdout (a million names, a busy machine)
        con.execute("SET enable_progress_bar_print=false")
        con.execute("SET threads=1")  # one writer: the same shards for the same input
        con.execute(f"SET memory_limit='{memory}'")
        con.execute(f"SET temp_directory='{self.scratch / 'duckdb'}'")
        parts = str(self.scratch / "part-*.parquet").replace("'", "''")
        # one sort, read back in order a batch at a time and cut here: a window over the
        # sorted rows and a partitioned COPY cost three times as long (17 s for a million places)
        sorted_lines = con.sql(
            "SELECT k, json_array(k, r, i, m, l, x, y, w, json(b)) || chr(10) AS line FROM "
            f"read_parquet('{parts}') ORDER BY k, r, i")
        # to_arrow_reader from DuckDB 2.0, where fetch_record_batch is deprecated
        lines = getattr(sorted_lines, "to_arrow_reader", sorted_lines.fetch_record_batch)(
            SHARD * 32)
        shards: list[tuple[str, int]] = []
        held: list[str] = []
        first = ""
        for batch in lines:
            keys, texts = batch.column(0).to_pylist(), batch.column(1).to_pylist()
            start = 0
            while start < len(texts):
                if not held:
                    first = keys[start]
                taken = texts[start:start + SHARD - len(held)]
                held += taken
                start += len(taken)
                if len(held) == SHARD:
                    self._shard(folder, shards, first, held)
                    held = []
        if held:
            self._shard(folder, shards, first, held)
        con.close()
        return {"shards": [[key, before] for key, before in shards],
                "entries": self.entries, "size": SHARD}

    @staticmethod
    def _shard(folder: Path, shards: list[tuple[str, int]], first: str, lines: list[str]
               ) -> None:
        """Write the next shard (*lines*, its first key *first*), listed in *shards*."""
        (folder / f"{len(shards):06d}.jsonl").write_text("".join(lines), "utf-8", newline="")
        shards.append((first, len(shards) * SHARD))  # every shard before it is full
