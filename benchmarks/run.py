"""Benchmark mapgen against folium baselines: build time, peak RSS, HTML size, page-ready time
and interaction latency in headless Chromium. Not part of the test suite.

    python benchmarks/run.py                       # sizes 1000,10000,100000
    python benchmarks/run.py --sizes 1000,10000    # quicker
    python benchmarks/run.py --full                # also the per-marker baseline above 10k
    python benchmarks/run.py --scale               # issue 12's table: 100,000 and 1,000,000
                                                   # places, mapgen and folium.GeoJson, targets

See benchmarks/README.md for what each number means.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:  # for `python benchmarks/run.py`: tests.browser, benchmarks.*
    sys.path.insert(0, str(ROOT))

from benchmarks import machine, procs, report, synth  # noqa: E402

MB = 1_000_000
METHODS = ("mapgen", "markers", "geojson", "timeline")  # the default
SIZES = (1_000, 10_000, 100_000)  # the default
SCALE_SIZES = (100_000, 1_000_000)  # --scale: the sizes of issue 12's targets
SCALE_METHODS = ("mapgen", "geojson")
PAGE_MAX_MB = 200.0  # pages of larger HTML are not opened (folium.GeoJson at 1M: ~0.4 GB)
OPTIONAL_METHODS = ("styled",)  # GeoJson coloured by layer: see baseline.build_styled
SLOW_METHOD = "markers"  # the per-marker baseline: ~100 s to build at 100k
SLOW_LIMIT = 10_000  # skipped above this size unless --full


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python benchmarks/run.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--scale",
        action="store_true",
        help="issue 12's targets: sizes "
        + ",".join(map(str, SCALE_SIZES))
        + ", methods "
        + ",".join(SCALE_METHODS)
        + ", no start-up timings (--sizes and --methods still apply)",
    )
    parser.add_argument(
        "--tiles",
        action="store_true",
        help="issue 25: `mapgen tiles` of synthetic GeoParquet (default sizes 1,000,000 and "
        "10,000,000) against tippecanoe alone, peak RSS, archive size, the served page "
        "(benchmarks/tiles.py); results in results/tiles.json unless --out",
    )
    parser.add_argument(
        "--sizes",
        default=None,
        help="comma-separated numbers of places (default: "
        + ",".join(map(str, SIZES))
        + "; with --scale "
        + ",".join(map(str, SCALE_SIZES))
        + ")",
    )
    parser.add_argument(
        "--methods",
        default=None,
        help="comma-separated, from "
        + ",".join(METHODS + OPTIONAL_METHODS)
        + " (default: "
        + ",".join(METHODS)
        + "; with --scale "
        + ",".join(SCALE_METHODS)
        + ")",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="builds and page loads per size and method (default: 3 up to 10k places, 1 above)",
    )
    parser.add_argument(
        "--skip-slow",
        action=argparse.BooleanOptionalAction,
        default=True,
        help=f"skip the per-marker baseline above {SLOW_LIMIT:,} places (default: on)",
    )
    parser.add_argument("--full", action="store_true", help="same as --no-skip-slow")
    parser.add_argument("--no-browser", action="store_true", help="builds only")
    parser.add_argument(
        "--no-load",
        action="store_true",
        help="skip timing mapgen.load() in a process of its own (benchmarks/loadtime.py)",
    )
    parser.add_argument(
        "--page-max-mb",
        type=float,
        default=PAGE_MAX_MB,
        help="do not open pages whose HTML is larger, in MB (default: %(default)s)",
    )
    parser.add_argument(
        "--js-heap-mb",
        type=int,
        default=None,
        help="Chromium's V8 old-space limit (--js-flags=--max-old-space-size), in MB "
        "(default: Chromium's own, enough for 1,000,000 places: see README)",
    )
    parser.add_argument(
        "--no-startup",
        action="store_true",
        help="skip `mapgen --help` and default-dataset build timings",
    )
    parser.add_argument("--startup-repeat", type=int, default=5)
    parser.add_argument(
        "--windows",
        type=int,
        default=30,
        help="random period windows / slider moves per page (default: 30)",
    )
    parser.add_argument(
        "--build-timeout",
        type=float,
        default=1800.0,
        help="seconds per build (default: %(default)s; folium.GeoJson's of 1,000,000 places "
        "takes minutes)",
    )
    parser.add_argument("--page-timeout", type=float, default=300.0, help="seconds per page")
    parser.add_argument(
        "--slow-build",
        type=float,
        default=30.0,
        help="no more repeats of a build that took longer (seconds)",
    )
    parser.add_argument(
        "--tiles-baselines",
        choices=("layer,one", "layer", "none"),
        default="layer,one",
        help="--tiles: tippecanoe alone as mapgen's runs (layer, the overhead's) and as one run "
        "(one); at 10,000,000 places each takes about as long as the build (default: both)",
    )
    parser.add_argument(
        "--against",
        type=Path,
        default=None,
        metavar="DIR",
        help="another checkout of mapgen (a git worktree of an earlier commit): its builds "
        "and mapgen.load() run interleaved with this one's, as the method 'against'",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "latest.json")
    parser.add_argument("--keep", action="store_true", help="keep the temporary files")
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="keep the synthetic datasets in this folder and reuse them in later runs",
    )
    args = parser.parse_args(argv)
    args.sizes_given = args.sizes is not None
    args.out_given = args.out != BENCH / "results" / "latest.json"
    sizes = args.sizes or ",".join(map(str, SCALE_SIZES if args.scale else SIZES))
    methods = args.methods or ",".join(SCALE_METHODS if args.scale else METHODS)
    args.sizes = [int(s.replace("_", "")) for s in sizes.split(",") if s.strip()]
    args.methods = [m for m in methods.split(",") if m]
    if args.scale:
        args.no_startup = True
    if args.against is not None:
        if not (args.against / "mapgen" / "__init__.py").exists():
            parser.error(f"--against {args.against}: not a checkout of mapgen")
        args.methods.append("against")
    unknown = set(args.methods) - set(METHODS) - set(OPTIONAL_METHODS) - {"against"}
    if unknown:
        parser.error(f"unknown methods: {', '.join(sorted(unknown))}")
    if args.full:
        args.skip_slow = False
    return args


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def mapgen_command() -> list[str]:
    """The installed `mapgen` console script next to this Python (not a pyenv shim, whose own
    start-up would be counted), else `python -m mapgen`."""
    script = Path(sys.executable).parent / "mapgen"
    return [str(script)] if script.exists() else [sys.executable, "-m", "mapgen"]


def against_env(args: argparse.Namespace) -> dict[str, str]:
    """The environment in which the console script imports --against's mapgen."""
    return {**os.environ, "PYTHONPATH": str(args.against.resolve())}


def env_of(method: str, args: argparse.Namespace) -> dict[str, str] | None:
    return against_env(args) if method == "against" else None


def build_command(method: str, source: Path, html: Path) -> list[str]:
    if method in ("mapgen", "against"):
        return [*mapgen_command(), "build", str(source), "-o", str(html)]
    return [sys.executable, str(BENCH / "baseline.py"), method, str(source), str(html)]


def median_of(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


# --------------------------------------------------------------------------- start-up


def startup(tmp: Path, repeats: int, timeout_s: float) -> dict[str, Any]:
    """`mapgen --help` and `mapgen build` of the default dataset: whole-process wall times."""
    commands = {
        "mapgen_help": [*mapgen_command(), "--help"],
        "mapgen_build_default": [*mapgen_command(), "build", "-o", str(tmp / "default.html")],
    }
    out = {}
    for name, cmd in commands.items():
        runs = [
            procs.run(cmd, timeout_s=timeout_s, log_dir=tmp / "logs", name=f"{name}-{i}")
            for i in range(repeats)
        ]
        ok = [r.wall_s for r in runs if r.ok]
        out[name] = {
            "command": " ".join(cmd[-4:] if name.endswith("default") else cmd[-1:]),
            "wall_s_median": median_of(ok),
            "wall_s": [round(r.wall_s, 3) for r in runs],
            "peak_rss_mb_median": median_of([r.peak_rss_mb for r in runs if r.ok]),
            "status": "ok" if len(ok) == len(runs) else runs[-1].status,
        }
        log(f"{name}: median {out[name]['wall_s_median']} s over {len(ok)} runs")
    return out


# --------------------------------------------------------------------------- builds


def plan(size: int, args: argparse.Namespace) -> dict[str, str | None]:
    """method -> None to run it, or the reason it is skipped."""
    return {
        m: (
            f"above {SLOW_LIMIT:,} places (--full runs it)"
            if m == SLOW_METHOD and args.skip_slow and size > SLOW_LIMIT
            else None
        )
        for m in args.methods
    }


def run_builds(
    methods: list[str], source: Path, work: Path, repeats: int, args: argparse.Namespace
) -> dict[str, dict[str, Any]]:
    """Each method *repeats* times, interleaved so that drifting machine load hits all alike;
    a method stops repeating after a failure, a timeout or a build slower than --slow-build."""
    runs: dict[str, list[procs.ProcResult]] = {m: [] for m in methods}
    active = list(methods)
    for attempt in range(repeats):
        for method in list(active):
            html = work / f"{method}.html"
            result = procs.run(
                build_command(method, source, html),
                timeout_s=args.build_timeout,
                log_dir=work / "logs",
                name=f"{method}-{attempt}",
                env=env_of(method, args),
            )
            runs[method].append(result)
            log(
                f"  build {method:<8} {result.status:<7} {result.wall_s:7.2f} s "
                f"{result.peak_rss_mb:7.0f} MB"
            )
            if not result.ok or result.wall_s > args.slow_build:
                active.remove(method)
    return {m: summarize_build(runs[m], work / f"{m}.html") for m in methods}


def summarize_build(runs: list[procs.ProcResult], html: Path) -> dict[str, Any]:
    ok = [r for r in runs if r.ok]
    status = "ok" if ok and len(ok) == len(runs) else runs[-1].status
    if ok and status != "ok":
        status = f"ok ({len(ok)} of {len(runs)} runs)"
    return {
        "status": status if ok else runs[-1].status,
        "runs": [r.as_dict() for r in runs],
        "wall_s_median": median_of([r.wall_s for r in ok]),
        "peak_rss_mb_median": median_of([r.peak_rss_mb for r in ok]),
        "html_bytes": html.stat().st_size if ok and html.exists() else None,
        "html_gzip_bytes": synth.gzip_file_size(html) if ok and html.exists() else None,
        "html": str(html),
    }


# --------------------------------------------------------------------------- mapgen.load()


def run_load(source: Path, work: Path, repeats: int, args: argparse.Namespace
             ) -> dict[str, dict[str, Any]]:
    """``mapgen.load(source)`` in a process of its own (benchmarks/loadtime.py): the call's
    own time, the import before it, and the whole process's wall time and peak RSS; with
    --against, that checkout's too, each attempt right after this one's."""
    who = ["mapgen", "against"] if args.against is not None else ["mapgen"]
    runs: dict[str, list[dict[str, Any]]] = {w: [] for w in who}
    for attempt in range(repeats):
        for name in who:
            out = work / "logs" / f"load-{name}-{attempt}.result.json"
            result = procs.run(
                [sys.executable, str(BENCH / "loadtime.py"), str(source), str(out)],
                timeout_s=args.build_timeout,
                log_dir=work / "logs",
                name=f"load-{name}-{attempt}",
                env=env_of(name, args),
            )
            timed = json.loads(out.read_text(encoding="utf-8")) if result.ok else {}
            runs[name].append({**result.as_dict(), **timed})
            log(
                f"  load  {name:<8} {result.status:<7} {timed.get('load_s', 0.0):7.2f} s "
                f"(process {result.wall_s:.2f} s, {result.peak_rss_mb:.0f} MB)"
            )
        if any(r[-1]["status"] != "ok" or r[-1]["wall_s"] > args.slow_build
               for r in runs.values()):
            break
    return {name: _load_summary(found) for name, found in runs.items()}


def _load_summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in runs if r["status"] == "ok"]
    return {
        "status": "ok" if len(ok) == len(runs) else runs[-1]["status"],
        "runs": runs,
        "load_s_median": median_of([r["load_s"] for r in ok]),
        "import_s_median": median_of([r["import_s"] for r in ok]),
        "wall_s_median": median_of([r["wall_s"] for r in ok]),
        "peak_rss_mb_median": median_of([r["peak_rss_mb"] for r in ok]),
        "places": ok[0]["places"] if ok else None,
    }


# --------------------------------------------------------------------------- pages


def run_pages(
    builds: dict[str, dict[str, Any]], repeats: int, args: argparse.Namespace
) -> tuple[dict[str, dict[str, Any]], str | None]:
    """Page loads of every built map; interactions on the first load of each."""
    try:
        from benchmarks import pages
    except ImportError as exc:
        failed = {"status": "failed", "error": f"no browser harness: {exc}"}
        return {m: dict(failed) for m in builds}, None
    out: dict[str, dict[str, Any]] = {}
    limit = args.page_max_mb * MB
    try:
        with pages.session(args.js_heap_mb) as browser:
            version = browser.version
            for method, build in builds.items():
                if build["html_bytes"] is None:
                    out[method] = {"status": "skipped", "reason": "no HTML (build failed)"}
                    continue
                if build["html_bytes"] > limit:
                    out[method] = {
                        "status": "skipped",
                        "reason": f"HTML {build['html_bytes'] / MB:,.1f} MB, above "
                        f"--page-max-mb {args.page_max_mb:g}",
                    }
                    log(f"  page  {method:<8} skipped: {out[method]['reason']}")
                    continue
                out[method] = page_loads(browser, pages, method, Path(build["html"]), repeats, args)
    except Exception as exc:  # Chromium missing or crashed: report, do not lose the builds
        for method in builds:
            out.setdefault(method, {"status": "failed", "error": str(exc)[:300]})
        return out, None
    return out, version


def page_loads(
    browser: Any, pages: Any, method: str, html: Path, repeats: int, args: argparse.Namespace
) -> dict[str, Any]:
    loads = []
    for attempt in range(repeats):
        result = pages.measure(
            browser,
            html,
            method,
            timeout_s=args.page_timeout,
            interact=attempt == 0,
            windows=args.windows,
            seed=args.seed + 6,
        )
        loads.append(result)
        log(
            f"  page  {method:<8} {result['status']:<7} "
            f"{(result.get('painted_ms') or 0) / 1000:7.2f} s"
        )
        if result["status"] != "ok":
            break
    ok = [r for r in loads if r["status"] == "ok"]
    return {
        "status": "ok" if ok else loads[-1]["status"],
        "loads": loads,
        "ready_s_median": median_of([r["ready_ms"] / 1000 for r in ok]),
        "painted_s_median": median_of([r["painted_ms"] / 1000 for r in ok]),
        "interactions": loads[0].get("interactions", {}),
    }


# --------------------------------------------------------------------------- per size


def make_dataset(size: int, seed: int, folder: Path, kind: str = "geojson"
                 ) -> tuple[Path, dict[str, Any]]:
    """The synthetic places in *folder* and their statistics: written, or reused when *folder*
    (--data) already holds them from a run with the same synth.py. *kind*: "geojson" or
    "parquet" (GeoParquet, for --tiles)."""
    folder.mkdir(parents=True, exist_ok=True)
    version = hashlib.sha256((BENCH / "synth.py").read_bytes()).hexdigest()[:12]
    source = folder / f"places-{size}-seed{seed}-{version}.{kind}"
    about = source.with_suffix(".json")
    if source.exists() and about.exists():
        log(f"{size:,} places: reusing {source}")
        return source, json.loads(about.read_text(encoding="utf-8"))
    log(f"{size:,} places: writing {source}")
    write = synth.write_geoparquet if kind == "parquet" else synth.write_dataset
    dataset = write(size, seed, source)
    about.write_text(json.dumps(dataset, indent=2) + "\n", encoding="utf-8")
    return source, dataset


def run_size(size: int, args: argparse.Namespace, tmp: Path) -> tuple[dict[str, Any], str | None]:
    work = tmp / f"n{size}"
    work.mkdir()
    source, dataset = make_dataset(size, args.seed, args.data or work)
    repeats = args.repeat or (3 if size <= SLOW_LIMIT else 1)
    skips = plan(size, args)
    log(f"{size:,} places: {dataset['spans']:,} spans, building x{repeats}")
    load_before = machine.load()
    source_state = machine.mapgen_source()  # mapgen may change between sizes: say which ran
    builds = run_builds([m for m, why in skips.items() if why is None], source, work, repeats, args)
    loads = {} if args.no_load else run_load(source, work, repeats, args)
    mapgen_load = loads.get("mapgen")
    result: dict[str, Any] = {
        "places": size,
        "repeats": repeats,
        "dataset": dataset,
        "load_average_before": load_before,
        "mapgen_source": source_state,
        "methods": {},
        "mapgen_load": mapgen_load or {"status": "skipped", "reason": "--no-load"},
    }
    if args.against is not None:
        result["against"] = {"path": str(args.against.resolve()),
                             "commit": machine.git_head(args.against),
                             "load": loads.get("against")}
    for method, why in skips.items():
        result["methods"][method] = {
            "build": builds.get(method, {"status": "skipped", "reason": why})
        }
    version = None
    if args.no_browser:
        for method in builds:
            result["methods"][method]["page"] = {"status": "skipped", "reason": "--no-browser"}
    elif builds:
        page_results, version = run_pages(builds, repeats, args)
        for method, page in page_results.items():
            result["methods"][method]["page"] = page
    result["load_average_after"] = machine.load()
    result["ratios"] = report.ratios(result)
    return result, version


def main_tiles(args: argparse.Namespace, argv: list[str] | None) -> int:
    """--tiles: see benchmarks/tiles.py."""
    from benchmarks import tiles

    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="mapgen-bench-tiles-"))
    sizes = args.sizes if args.sizes_given else list(tiles.TILE_SIZES)
    out = args.out if args.out_given else BENCH / "results" / "tiles.json"
    log(f"temporary files in {tmp}")
    try:
        results = tiles.run(sizes, args.data or tmp / "data", tmp, args, make_dataset)
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    results["command"] = "python benchmarks/run.py " + " ".join(
        sys.argv[1:] if argv is None else argv)
    results["machine"] = machine.info(None)
    results["duration_s"] = round(time.perf_counter() - started, 1)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(tiles.table(results))
    log(f"wrote {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.tiles:
        return main_tiles(args, argv)
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="mapgen-bench-"))
    log(f"temporary files in {tmp}")
    results: dict[str, Any] = {
        "command": "python benchmarks/run.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "started": datetime.datetime.now().isoformat(timespec="seconds"),
        "config": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "sizes": [],
    }
    results["machine"] = machine.info(None)
    chromium = None
    try:
        if not args.no_startup:
            results["startup"] = startup(tmp, args.startup_repeat, args.build_timeout)
        for size in args.sizes:
            size_result, version = run_size(size, args, tmp)
            chromium = chromium or version
            results["sizes"].append(size_result)
            save(results, args.out, chromium, started)  # partial results survive a crash
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    save(results, args.out, chromium, started)
    print(report.text(results))
    log(f"wrote {args.out}")
    return 0


def save(results: dict[str, Any], out: Path, chromium: str | None, started: float) -> None:
    results["machine"]["chromium"] = chromium or results["machine"].get("chromium")
    results["duration_s"] = round(time.perf_counter() - started, 1)
    results["machine"]["load_average_at_end"] = machine.load()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
