"""Benchmark mapgen against folium baselines: build time, peak RSS, HTML size, page-ready time
and interaction latency in headless Chromium. Not part of the test suite.

    python benchmarks/run.py                       # sizes 1000,10000,100000
    python benchmarks/run.py --sizes 1000,10000    # quicker
    python benchmarks/run.py --full                # also the per-marker baseline above 10k

See benchmarks/README.md for what each number means.
"""

from __future__ import annotations

import argparse
import datetime
import json
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

METHODS = ("mapgen", "markers", "geojson", "timeline")  # the default
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
        "--sizes",
        default="1000,10000,100000",
        help="comma-separated numbers of places (default: %(default)s)",
    )
    parser.add_argument(
        "--methods",
        default=",".join(METHODS),
        help="comma-separated, from %(default)s and " + ",".join(OPTIONAL_METHODS),
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
    parser.add_argument("--build-timeout", type=float, default=600.0, help="seconds per build")
    parser.add_argument("--page-timeout", type=float, default=300.0, help="seconds per page")
    parser.add_argument(
        "--slow-build",
        type=float,
        default=30.0,
        help="no more repeats of a build that took longer (seconds)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "latest.json")
    parser.add_argument("--keep", action="store_true", help="keep the temporary files")
    args = parser.parse_args(argv)
    args.sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    args.methods = [m for m in args.methods.split(",") if m]
    unknown = set(args.methods) - set(METHODS) - set(OPTIONAL_METHODS)
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


def build_command(method: str, source: Path, html: Path) -> list[str]:
    if method == "mapgen":
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
        "html_gzip_bytes": synth.gzip_size(html.read_bytes()) if ok and html.exists() else None,
        "html": str(html),
    }


# --------------------------------------------------------------------------- pages


def run_pages(
    builds: dict[str, dict[str, Any]], repeats: int, args: argparse.Namespace
) -> tuple[dict[str, dict[str, Any]], str | None]:
    """Page loads of every built map; interactions on the first load of each."""
    try:
        from benchmarks import pages
        from tests.browser import browser_session
    except ImportError as exc:
        failed = {"status": "failed", "error": f"no browser harness: {exc}"}
        return {m: dict(failed) for m in builds}, None
    out: dict[str, dict[str, Any]] = {}
    try:
        with browser_session() as browser:
            version = browser.version
            for method, build in builds.items():
                if build["html_bytes"] is None:
                    out[method] = {"status": "skipped", "reason": "no HTML (build failed)"}
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


def run_size(size: int, args: argparse.Namespace, tmp: Path) -> tuple[dict[str, Any], str | None]:
    work = tmp / f"n{size}"
    work.mkdir()
    data = synth.collection(size, seed=args.seed)
    source = work / f"places-{size}.geojson"
    compact, encoder = synth.compact_bytes(data)
    dataset = {
        **synth.stats(data),
        "input_bytes": synth.write_pretty(data, source),
        "compact_geojson_bytes": len(compact),
        "compact_geojson_gzip_bytes": synth.gzip_size(compact),
        "compact_encoder": encoder,
    }
    del data
    repeats = args.repeat or (3 if size <= SLOW_LIMIT else 1)
    skips = plan(size, args)
    log(f"{size:,} places: {dataset['spans']:,} spans, building x{repeats}")
    load_before = machine.load()
    source_state = machine.mapgen_source()  # mapgen may change between sizes: say which ran
    builds = run_builds([m for m, why in skips.items() if why is None], source, work, repeats, args)
    result: dict[str, Any] = {
        "places": size,
        "repeats": repeats,
        "dataset": dataset,
        "load_average_before": load_before,
        "mapgen_source": source_state,
        "methods": {},
    }
    for method, why in skips.items():
        result["methods"][method] = {
            "build": builds.get(method, {"status": "skipped", "reason": why})
        }
    version = None
    if not args.no_browser and builds:
        page_results, version = run_pages(builds, repeats, args)
        for method, page in page_results.items():
            result["methods"][method]["page"] = page
    result["load_average_after"] = machine.load()
    result["ratios"] = report.ratios(result)
    return result, version


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
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
