"""The printed tables and the mapgen-versus-baseline ratios."""

from __future__ import annotations

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


def startup_lines(results: dict[str, Any]) -> str:
    lines = []
    for name, entry in (results.get("startup") or {}).items():
        lines.append(
            f"{name}: median {_num(entry['wall_s_median'])} s of {entry['wall_s']} "
            f"({entry['status']})"
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
    startup = startup_lines(results)
    if startup:
        parts += ["", startup]
    return "\n".join(parts)
