"""`python benchmarks/run.py --tiles`: mapgen tiles at 1,000,000 and 10,000,000 places.

For each size: synthetic GeoParquet (`synth.write_geoparquet`); `mapgen tiles` as a whole
process (wall time, peak RSS); tippecanoe alone on the same points (the very GeoJSONSeq
features mapgen hands it, written beforehand and not timed): the very runs mapgen makes (a
run a layer, two at a time: mapgen's overhead is the ratio), and one run over every layer
(fewer, larger tiles: what one archive would cost); the archives' size; and, on the folder
served by `mapgen serve`, page ready, period change and pan/zoom in Chromium
(tests/browser.py).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import machine, procs

TILE_SIZES = (1_000_000, 10_000_000)

READY = ("() => !!(window.mapgen && window.mapgen.ready === true && window.mapgen.tileLayers"
         " && window.mapgen.tileLayers.length === window.mapgen.data.archives.length"
         " && window.mapgen.tileLayers.every((l) => !l._loading))")

# t0 = now(); change(); wait until the tiles in view are loaded and painted for it
LOOP_JS = """async ({kind, steps}) => {
  const app = window.mapgen, map = app.map;
  const idle = () => new Promise((resolve) => {
    const check = () => app.tileLayers.every((l) => !l._loading)
      ? app.drawn().then(resolve) : setTimeout(check, 5);
    requestAnimationFrame(check);
  });
  const change = {
    period: (s) => app.setPeriod(s[0], s[1]),
    zoom: (s) => map.setZoom(map.getZoom() + s, {animate: false}),
    pan: (s) => map.panBy(s, {animate: false}),
  }[kind];
  await idle();
  const out = [];
  for (const step of steps) {
    const t0 = performance.now();
    change(step);
    await idle();
    await new Promise((r) => requestAnimationFrame(() => r()));
    out.push(performance.now() - t0);
  }
  return out;
}"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def stats(samples: list[float]) -> dict[str, Any]:
    if not samples:
        return {"n": 0}
    ordered = sorted(samples)
    return {"n": len(samples), "median_ms": statistics.median(ordered),
            "p95_ms": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
            "max_ms": ordered[-1]}


def baseline_input(source: Path, folder: Path) -> list[tuple[str, tuple[str, ...]]]:
    """The features mapgen gives tippecanoe, written here (not timed) by mapgen's own code
    (`FeatureFiles`: a layer's cells' files, a large layer's parts), as (partition key,
    paths) pairs."""
    from mapgen.tiles.features import FeatureFiles, when_words
    from mapgen.tiles.source import Reading, batches

    files = FeatureFiles(folder)
    index: dict[str, int] = {}
    for batch in batches([source], Reading()):
        places = batch.places
        files.add(places, [index.setdefault(key, len(index)) for key in places.layers],
                  when_words(places))
    return files.close()


# the tippecanoe runs given (mapgen's own `Job`s and `run_job`), *workers* at a time
JOBS = """import json, sys
from concurrent.futures import ThreadPoolExecutor
from mapgen.tiles.tiler import Job, run_job
jobs = [Job(**dict(job, inputs=tuple(job["inputs"]))) for job in json.loads(sys.argv[1])]
with ThreadPoolExecutor(int(sys.argv[2])) as pool:
    list(pool.map(run_job, jobs))
"""


def tippecanoe_alone(files: list[tuple[str, tuple[str, ...]]], folder: Path, archives: str,
                     work: Path, timeout: float, name: str) -> procs.ProcResult:
    """tippecanoe alone on *files* (in *folder*), as `mapgen tiles --archives ARCHIVES` runs
    it: "layer", mapgen's default, a run a layer with its share of the features a tile, two
    at a time as its LocalCluster runs them; "one", one run over every layer."""
    import dataclasses
    import json

    from mapgen.tiles.build import tile_jobs
    from mapgen.tiles.tiler import WORKERS

    (folder / "out" / "tiles").mkdir(parents=True, exist_ok=True)
    jobs = [dataclasses.asdict(job) for job in tile_jobs(files, folder, archives, "layer")]
    command = [sys.executable, "-c", JOBS, json.dumps(jobs), str(WORKERS)]
    return procs.run(command, timeout_s=timeout, log_dir=work / "logs", name=name)


def archives_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*.pmtiles"))


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def pages(folder: Path, windows: int, seed: int, repeat: int) -> dict[str, Any]:
    """Page ready (median of *repeat* loads), period changes, zooms and pans, on the folder
    served by `mapgen serve` on a free loopback port."""
    import random

    from benchmarks.pages import INIT_SCRIPT, _WithInitScript
    from tests.browser import browser_session, open_page

    command = [str(Path(sys.executable).parent / "mapgen"), "serve", str(folder), "--port", "0"]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        url = server.stderr.readline().split(" at ")[1].split(" ")[0]
        out: dict[str, Any] = {"ready_s": []}
        with browser_session() as browser:
            wrapped = _WithInitScript(browser, INIT_SCRIPT % READY)
            for attempt in range(repeat):
                page = open_page(wrapped, url, wait_ready=False, timeout_ms=300_000)  # type: ignore[arg-type]
                page.page.wait_for_function("() => window.__bench.painted !== null",
                                            timeout=300_000)
                out["ready_s"].append(page.evaluate("() => window.__bench.painted") / 1000)
                if attempt == 0:
                    rng = random.Random(seed)
                    periods = []
                    for _ in range(windows):
                        start = rng.randint(1900, 2020)
                        periods.append([start, min(2024, start + rng.randint(0, 30))])
                    for kind, steps in (("period", periods), ("zoom", [1, -1] * 5),
                                        ("pan", [[300, 150], [-300, -150]] * 5)):
                        out[kind] = stats(page.evaluate(LOOP_JS, {"kind": kind, "steps": steps}))
                    out["problems"] = page.problems()
                page.close()
        out["ready_s_median"] = statistics.median(out["ready_s"])
        return out
    finally:
        server.terminate()
        server.wait(timeout=10)


def run(sizes: list[int], data: Path, work: Path, args: Any,
        make_dataset: Callable[..., tuple[Path, dict[str, Any]]]) -> dict[str, Any]:
    """Every size's measurements; *make_dataset* is run.py's (written or reused)."""
    results: dict[str, Any] = {"sizes": []}
    for size in sizes:
        source, info = make_dataset(size, args.seed, data, "parquet")
        entry: dict[str, Any] = {"places": size, "dataset": info,
                                 "load_average_before": machine.load()}
        out = work / f"tiles-{size}"
        command = [str(Path(sys.executable).parent / "mapgen"), "tiles", str(source), "-o",
                   str(out)]
        log(f"{size:,}: mapgen tiles")
        build = procs.run(command, timeout_s=args.build_timeout, log_dir=work / "logs",
                          name=f"mapgen-tiles-{size}")
        entry["mapgen"] = build.as_dict()
        log(f"  mapgen tiles {build.status} {build.wall_s:.1f} s (CPU {build.cpu_s or 0:.1f} s) "
            f"{build.peak_rss_mb:.0f} MB")
        if build.ok:
            entry["archives_bytes"] = folder_bytes(out / "tiles")
            entry["names_bytes"] = folder_bytes(out / "names")
            entry["index_html_bytes"] = (out / "index.html").stat().st_size
        chosen = [(archives, key) for archives, key in (
            ("layer", "tippecanoe"), ("one", "tippecanoe_one_process"))
            if archives in args.tiles_baselines.split(",")]
        base = work / f"base-{size}"
        if chosen:
            log(f"{size:,}: tippecanoe alone (input written first, not timed)")
            files = baseline_input(source, base)
        for archives, key in chosen:
            alone = tippecanoe_alone(files, base, archives, work, args.build_timeout,
                                     f"tippecanoe-{archives}-{size}")
            entry[key] = alone.as_dict()
            entry[key]["archives_bytes"] = archives_bytes(base) if alone.ok else None
            log(f"  tippecanoe ({archives}) {alone.status} {alone.wall_s:.1f} s (CPU "
                f"{alone.cpu_s or 0:.1f} s) {alone.peak_rss_mb:.0f} MB")
            for path in base.rglob("*.pmtiles"):
                path.unlink()
            if build.ok and alone.ok:
                suffix = "" if archives == "layer" else "_one_process"
                entry[f"overhead{suffix}"] = build.wall_s / alone.wall_s
                if build.cpu_s and alone.cpu_s:  # CPU: less bent by other sessions' load
                    entry[f"overhead_cpu{suffix}"] = build.cpu_s / alone.cpu_s
        shutil.rmtree(base, ignore_errors=True)
        if build.ok and not args.no_browser:
            log(f"{size:,}: pages")
            entry["page"] = pages(out, args.windows, args.seed, args.repeat or 3)
            log(f"  ready {entry['page']['ready_s_median']:.2f} s, period "
                f"{entry['page']['period'].get('median_ms')} / "
                f"{entry['page']['period'].get('p95_ms')} ms")
        entry["load_average_after"] = machine.load()
        results["sizes"].append(entry)
    sizes_done = [e for e in results["sizes"] if e["mapgen"]["status"] == "ok"]
    if len(sizes_done) >= 2:
        results["rss_ratio"] = (sizes_done[-1]["mapgen"]["peak_rss_mb"]
                                / sizes_done[0]["mapgen"]["peak_rss_mb"])
    return results


def seconds(run: dict[str, Any]) -> str:
    return "—" if run.get("wall_s") is None else f"{run['wall_s']:,.1f}"


def times(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio:.2f}×"


def table(results: dict[str, Any]) -> str:
    """The README's table."""
    head = ("| places | mapgen tiles s | tippecanoe alone s, mapgen's runs (one run) | "
            "overhead (over one run) | peak RSS MB | "
            "archives MB | page ready s | period change med / p95 ms | zoom / pan med ms |")
    lines = [head, "|" + "---|" * 9]
    for e in results["sizes"]:
        page = e.get("page", {})
        one = e.get("tippecanoe_one_process", {})

        def ms(kind: str, key: str, page: dict[str, Any] = page) -> str:
            value = page.get(kind, {}).get(key)
            return "—" if value is None else f"{value:,.0f}"

        lines.append(
            f"| {e['places']:,} | {e['mapgen']['wall_s']:,.1f} | "
            f"{seconds(e.get('tippecanoe', {}))} ({seconds(one)}) | "
            f"{times(e.get('overhead'))} ({times(e.get('overhead_one_process'))}) | "
            f"{e['mapgen']['peak_rss_mb']:,.0f} | {e.get('archives_bytes', 0) / 1e6:,.1f} | "
            f"{page.get('ready_s_median', 0):.2f} | {ms('period', 'median_ms')} / "
            f"{ms('period', 'p95_ms')} | {ms('zoom', 'median_ms')} / {ms('pan', 'median_ms')} |")
    if "rss_ratio" in results:
        lines.append(f"\npeak RSS, largest ÷ smallest: {results['rss_ratio']:.2f}×")
    return "\n".join(lines)
