"""The printed tables and the mapgen-versus-baseline ratios."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MB = 1_000_000

HEADER = (
    "places",
    "method",
    "build s",
    "HTML MB (gzip)",
    "peak RSS MB",
    "page ready s",
    "period change med/p95 ms",
    "sync ms",
    "zoom / pan ms",
    "drawn",
)


def _get(tree: dict[str, Any], *path: str) -> Any:
    for key in path:
        if not isinstance(tree, dict):
            return None
        tree = tree.get(key)  # type: ignore[assignment]
    return tree


def _num(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _metrics(entry: dict[str, Any]) -> dict[str, float | None]:
    """The comparable numbers of one method at one size."""
    html = _get(entry, "build", "html_bytes")
    return {
        "build_s": _get(entry, "build", "wall_s_median"),
        "html_mb": html / MB if html else None,
        "html_gzip_mb": (_get(entry, "build", "html_gzip_bytes") or 0) / MB or None,
        "peak_rss_mb": _get(entry, "build", "peak_rss_mb_median"),
        "page_ready_s": _get(entry, "page", "painted_s_median"),
        "zoom_ms": _get(entry, "page", "interactions", "zoom", "median_ms"),
        "pan_ms": _get(entry, "page", "interactions", "pan", "median_ms"),
    }


def ratios(size_result: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    """mapgen ÷ baseline for every baseline and metric (below 1: mapgen is faster or
    smaller), and mapgen's HTML ÷ the compact GeoJSON floor."""
    methods = size_result["methods"]
    if "mapgen" not in methods:
        return {}
    ours = _metrics(methods["mapgen"])
    out: dict[str, dict[str, float | None]] = {}
    for name, entry in methods.items():
        if name == "mapgen":
            continue
        theirs = _metrics(entry)
        out[name] = {
            key: (ours[key] / theirs[key]) if ours[key] and theirs[key] else None for key in ours
        }
    html = _get(methods["mapgen"], "build", "html_bytes")
    html_gz = _get(methods["mapgen"], "build", "html_gzip_bytes")
    data = size_result["dataset"]
    out["compact_geojson"] = {
        "html_mb": html / data["compact_geojson_bytes"] if html else None,
        "html_gzip_mb": html_gz / data["compact_geojson_gzip_bytes"] if html_gz else None,
    }
    return out


def _status_cell(entry: dict[str, Any], part: str) -> str | None:
    status = _get(entry, part, "status")
    if status is None or str(status).startswith("ok"):
        return None
    return str(status)


def _interaction(page: dict[str, Any] | None) -> tuple[str, str]:
    inter = _get(page or {}, "interactions") or {}
    change = inter.get("period") or inter.get("slider")
    if not change:
        return "—", "—"
    if not change.get("n"):
        return change.get("error", "failed")[:24], "—"
    cell = f"{change['median_ms']:.0f} / {change['p95_ms']:.0f}"
    if "slider" in inter:
        cell += " (slider)"
    return cell, f"{change['sync_median_ms']:.1f}"


def _drawn(page: dict[str, Any] | None) -> str:
    """SVG elements and canvases on the page once ready (and mapgen's visible() count)."""
    load = (_get(page or {}, "loads") or [{}])[0]
    if load.get("status") != "ok":
        return "—"
    parts = []
    if load.get("interactive_elements"):
        parts.append(f"{load['interactive_elements']:,} svg")
    if load.get("canvases"):
        parts.append(f"{load['canvases']} canvas")
    if load.get("mapgen_visible") is not None:
        parts.append(f"visible() {load['mapgen_visible']:,}")
    return ", ".join(parts) or "0 svg"


def _row(places: int, method: str, entry: dict[str, Any]) -> list[str]:
    failed = _status_cell(entry, "build")
    if failed:
        reason = _get(entry, "build", "reason")
        return [f"{places:,}", method, failed if not reason else f"skipped: {reason}"]
    m = _metrics(entry)
    change, sync = _interaction(entry.get("page"))
    page_failed = _status_cell(entry, "page")
    ready = page_failed or _num(m["page_ready_s"])
    motion = f"{_num(m['zoom_ms'], 0)} / {_num(m['pan_ms'], 0)}"
    return [
        f"{places:,}",
        method,
        _num(m["build_s"]),
        f"{_num(m['html_mb'])} ({_num(m['html_gzip_mb'])})",
        _num(m["peak_rss_mb"], 0),
        ready,
        change,
        sync,
        motion,
        _drawn(entry.get("page")),
    ]


def _format(rows: list[list[str]], header: tuple[str, ...]) -> str:
    full = [list(header), *(r for r in rows if len(r) == len(header))]
    widths = [max(len(r[i]) for r in full) for i in range(len(header))]
    lines = [" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    for row in rows:
        if len(row) < len(header):  # a skipped or failed method: one long cell
            lines.append(" | ".join(row[:2]).ljust(widths[0] + widths[1] + 3) + " | " + row[2])
        else:
            lines.append(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    return "\n".join(lines)


def main_table(results: dict[str, Any]) -> str:
    rows = []
    for size in results["sizes"]:
        for method, entry in size["methods"].items():
            rows.append(_row(size["places"], method, entry))
        data = size["dataset"]
        floor = (
            f"{_num(data['compact_geojson_bytes'] / MB)} "
            f"({_num(data['compact_geojson_gzip_bytes'] / MB)})"
        )
        rows.append([f"{size['places']:,}", "(compact GeoJSON)", "", floor, *[""] * 6])
    return _format(rows, HEADER)


RATIO_COLUMNS = {
    "build": "build_s",
    "HTML": "html_mb",
    "HTML gzip": "html_gzip_mb",
    "peak RSS": "peak_rss_mb",
    "page ready": "page_ready_s",
    "zoom": "zoom_ms",
    "pan": "pan_ms",
}


def _ratio_cell(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def ratio_table(results: dict[str, Any]) -> str:
    header = ("places", "mapgen ÷", *RATIO_COLUMNS)
    rows = [
        [
            f"{size['places']:,}",
            name,
            *(_ratio_cell(ratio.get(key)) for key in RATIO_COLUMNS.values()),
        ]
        for size in results["sizes"]
        for name, ratio in size.get("ratios", {}).items()
    ]
    return _format(rows, header)


def load_lines(results: dict[str, Any]) -> str:
    """``mapgen.load()`` timed in its own process (benchmarks/loadtime.py), per size."""
    lines = []
    for size in results["sizes"]:
        load = size.get("mapgen_load") or {}
        if load.get("load_s_median") is None:
            continue
        lines.append(
            f"{size['places']:,} places: mapgen.load() {_num(load['load_s_median'])} s "
            f"(import mapgen {_num(load['import_s_median'])} s; whole process "
            f"{_num(load['wall_s_median'])} s, peak RSS {_num(load['peak_rss_mb_median'], 0)} MB)"
        )
        theirs = _get(size, "against", "load", "load_s_median")
        if theirs:
            lines.append(
                f"  --against {size['against']['commit']}: {_num(theirs)} s, interleaved "
                f"(mapgen ÷ against {load['load_s_median'] / theirs:.2f}×; whole process "
                f"{_num(_get(size, 'against', 'load', 'wall_s_median'))} s, peak RSS "
                f"{_num(_get(size, 'against', 'load', 'peak_rss_mb_median'), 0)} MB)")
    return "\n".join(lines)


def startup_lines(results: dict[str, Any]) -> str:
    lines = []
    for name, entry in (results.get("startup") or {}).items():
        lines.append(
            f"{name}: median {_num(entry['wall_s_median'])} s of {entry['wall_s']} "
            f"({entry['status']})"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- issue 12's targets

SCALE_SIZES = (100_000, 1_000_000)


@dataclass(frozen=True)
class Target:
    """One row of issue 12's targets: where the measured value is in a size's results, the step
    that measures it (whose status says why a value is missing), its unit, and the limit at
    100,000 and at 1,000,000 places (None: no target at that size); *small*, the limit below
    100,000 places when it is not the 100,000-place one."""

    label: str
    value: tuple[str, ...]
    steps: tuple[tuple[str, ...], ...]
    unit: str
    limits: tuple[float | None, float | None]
    digits: int = 0
    small: float | None = None


BUILD = ("methods", "mapgen", "build")
PAGE = ("methods", "mapgen", "page")
LOAD = ("mapgen_load",)

TARGETS = (
    Target(
        "`mapgen build`, whole process", (*BUILD, "wall_s_median"), (BUILD,), "s", (2.0, 15.0), 2
    ),
    Target(
        "… ÷ `folium.GeoJson`'s whole process",
        ("ratios", "geojson", "build_s"),
        (BUILD, ("methods", "geojson", "build")),
        "×",
        (0.3, None),
        2,
    ),
    Target("peak RSS", (*BUILD, "peak_rss_mb_median"), (BUILD,), "MB", (300.0, 1500.0)),
    Target(
        "HTML vs compact GeoJSON",
        ("ratios", "compact_geojson", "html_mb"),
        (BUILD,),
        "×",
        (0.2, 0.2),
        2,
    ),
    Target(
        "page ready, every in-period place drawn",
        (*PAGE, "painted_s_median"),
        (PAGE,),
        "s",
        (1.0, 4.0),
        2,
    ),
    *(
        Target(f"{label}, {stat}", (*PAGE, "interactions", kind, key), (PAGE,), "ms", limits)
        for kind, label, median, p95 in (
            ("period", "period change", (40.0, 150.0), (60.0, None)),
            ("pan", "pan redraw", (50.0, 150.0), (80.0, None)),
            ("zoom", "zoom redraw", (50.0, 150.0), (80.0, None)),
        )
        for stat, key, limits in (("median", "median_ms", median), ("p95", "p95_ms", p95))
    ),
    Target("`mapgen.load()` in Python", (*LOAD, "load_s_median"), (LOAD,), "s", (1.0, 10.0), 2),
    # "Small maps count too": below 100,000 places, no slower and no larger than folium.GeoJson.
    *(
        Target(
            f"{label} ÷ `folium.GeoJson`'s (small maps)",
            ("ratios", "geojson", key),
            ((*BUILD[:2], step), ("methods", "geojson", step)),
            "×",
            (None, None),
            2,
            small=1.0,
        )
        for label, key, step in (
            ("page ready", "page_ready_s", "page"),
            ("zoom", "zoom_ms", "page"),
            ("pan", "pan_ms", "page"),
            ("HTML served with gzip", "html_gzip_mb", "build"),
        )
    ),
)


def _column(places: int) -> int:
    """Which of the issue's columns applies: 1,000,000 places and more take the second, any
    smaller size the first (a small map has to meet the 100,000-place targets too)."""
    return 1 if places >= SCALE_SIZES[1] else 0


def _limit(target: Target, places: int) -> float | None:
    if places < SCALE_SIZES[0] and target.small is not None:
        return target.small
    return target.limits[_column(places)]


def _ok(step: dict[str, Any]) -> bool:
    return str(step.get("status", "")).startswith("ok")


def _missing(size: dict[str, Any], target: Target) -> str:
    """Why a target has no measured value: the status (and reason) of the step behind it."""
    step = next(
        (s for s in (_get(size, *path) or {} for path in target.steps) if not _ok(s)),
        {"status": "ok"},
    )
    status = step.get("status") or "not run"
    last_load = (step.get("loads") or [{}])[-1]
    reason = step.get("reason") or step.get("error") or last_load.get("error")
    if status.startswith("ok"):  # the step ran, this part of it did not (e.g. an interaction)
        reason = _get(size, *target.value[:-1], "error")
        status = "failed" if reason else "no value"
    return f"— ({status}: {str(reason)[:80]})" if reason else f"— ({status})"


def _target_cell(size: dict[str, Any], target: Target) -> str:
    limit = _limit(target, size["places"])
    value = _get(size, *target.value)
    if value is None:
        return _missing(size, target) if limit is not None else "—"
    sep = "" if target.unit == "×" else " "
    shown = f"{value:,.{target.digits}f}{sep}{target.unit}"
    if limit is None:
        return shown
    verdict = "met" if value <= limit else "**not met**"
    return f"{shown} (≤ {limit:g}{sep}{target.unit}): {verdict}"


def targets_table(results: dict[str, Any]) -> str:
    """Issue 12's targets next to the values measured, as a Markdown table for README."""
    sizes = results["sizes"]
    heads = []
    for size in sizes:
        head = f"{size['places']:,} places"
        if size["places"] not in SCALE_SIZES:
            head += f" ({SCALE_SIZES[_column(size['places'])]:,}-place targets)"
        heads.append(head)
    lines = ["| | " + " | ".join(heads) + " |", "|---" * (len(sizes) + 1) + "|"]
    for target in TARGETS:
        if all(_limit(target, size["places"]) is None for size in sizes):
            continue
        cells = [_target_cell(size, target) for size in sizes]
        lines.append(f"| {target.label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def skipped_lines(results: dict[str, Any]) -> str:
    """Each build, page or load that did not run, and why."""
    lines = []
    for size in results["sizes"]:
        for method, entry in size["methods"].items():
            for part in ("build", "page"):
                if _get(entry, part, "status") == "skipped":
                    lines.append(
                        f"{size['places']:,} {method} {part} skipped: {entry[part]['reason']}"
                    )
    return "\n".join(lines)


def text(results: dict[str, Any]) -> str:
    m = results["machine"]
    head = (
        f"{m['cpu_count']} × {m['cpu_model']}, Python {m['python']}, folium {m['folium']}, "
        f"Chromium {m['chromium']}; load average {m['load_average_at_start']} at start, "
        f"{m.get('load_average_at_end')} at end; {results.get('duration_s')} s in all"
    )
    parts = [
        head,
        "",
        main_table(results),
        "",
        "ratios (below 1×: mapgen faster/smaller):",
        ratio_table(results),
    ]
    for extra in (load_lines(results), skipped_lines(results), startup_lines(results)):
        if extra:
            parts += ["", extra]
    if any(size["places"] in SCALE_SIZES for size in results["sizes"]) or results.get(
        "config", {}
    ).get("scale"):
        parts += ["", "issue 12's targets (mapgen; Markdown for README):", targets_table(results)]
    return "\n".join(parts)
