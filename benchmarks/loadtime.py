"""Time ``mapgen.load()`` in a process of its own: ``python benchmarks/loadtime.py IN OUT.json``.

The issue's target is the call itself (what a Python user waits for), so this times
``import mapgen`` and ``mapgen.load(IN)`` separately with ``time.perf_counter``; ``run.py`` starts
it through ``procs.py``, which adds the whole process's wall time and peak RSS. Writes
``{"import_s", "load_s", "places"}`` to OUT.json.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: loadtime.py IN.geojson OUT.json", file=sys.stderr)
        return 2
    start = time.perf_counter()
    import mapgen

    imported = time.perf_counter()
    dataset = mapgen.load(argv[0])
    loaded = time.perf_counter()
    result = {
        "import_s": imported - start,
        "load_s": loaded - imported,
        "places": len(dataset.places),
    }
    Path(argv[1]).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
