"""How long `mapgen render --animate` takes: 100,000 synthetic places (synth.py), 100 frames
(a year each, 1925–2024) at 1280 × 720 into an MP4, each command a whole process.

    python benchmarks/animate.py                  # ≈ 1 min on 2 cores
    python benchmarks/animate.py --size 10000 --data /tmp/synth

Measured per command: wall time, CPU time (user + system, of the command and the ffmpeg it
runs) and peak RSS, from ``wait4``. `mapgen validate` of the same file gives the part of that
which is loading it. The frames are counted in the file written (imageio), so a run that
dropped frames does not pass for a fast one. Results go to benchmarks/results/animate.json
(``--out``); not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from benchmarks import machine, synth  # noqa: E402


def timed(cmd: list[str]) -> dict[str, Any]:
    """Run *cmd*; its wall time, CPU time (with its reaped children) and peak RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
    }


def frames_in(path: Path) -> int:
    import imageio.v3 as iio

    return sum(1 for _ in iio.imiter(path))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--from", dest="start", default="1925")
    parser.add_argument("--to", dest="end", default="2024")
    parser.add_argument("--format", default="mp4", choices=["mp4", "webm", "gif"])
    parser.add_argument("--data", type=Path, help="keep the dataset in this folder and reuse it")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "animate.json")
    args = parser.parse_args(argv)

    mapgen = shutil.which("mapgen", path=str(Path(sys.executable).parent)) or "mapgen"
    work = Path(tempfile.mkdtemp(prefix="mapgen-animate-"))
    folder = args.data or work
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"synth-{args.size}-{args.seed}.geojson"
    if not source.exists():
        print(f"writing {args.size:,} places to {source}", file=sys.stderr)
        synth.write_dataset(args.size, args.seed, source)
    video = work / f"moves.{args.format}"
    render = [mapgen, "render", str(source), "--animate", "--from", args.start, "--to",
              args.end, "--step", "year", "--fps", "10", "--width", "1280", "--height", "720",
              "-o", str(video)]
    results: dict[str, Any] = {"machine": machine.info(None), "size": args.size,
                               "command": " ".join(["mapgen", *render[1:]]), "runs": []}
    try:
        for n in range(args.repeat):
            load = timed([mapgen, "validate", str(source)])
            run = timed(render)
            run["frames"] = frames_in(video)
            run["load"] = load
            run["load_average"] = machine.load()
            results["runs"].append(run)
            print(f"run {n + 1}: {run['frames']} frames in {run['wall_s']} s "
                  f"(CPU {run['cpu_s']} s, peak {run['peak_rss_mb']} MB); loading alone "
                  f"{load['wall_s']} s (CPU {load['cpu_s']} s); load average "
                  f"{run['load_average']}", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
