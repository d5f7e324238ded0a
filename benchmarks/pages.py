"""In-browser measurements with the project's Playwright harness (tests/browser.py): Debian's
Chromium, Leaflet served locally, tiles answered locally, everything else blocked.

Page ready
    An init script (run before any of the page's own scripts) polls once per animation frame.
    The first frame in which DOMContentLoaded has fired and the page's readiness test holds
    (mapgen: ``window.mapgen.ready === true``; a folium page: nothing more, since folium's map
    script runs inline and synchronously before DOMContentLoaded) records ``seen``; one more
    frame later records ``painted``: that frame's callback runs after the frame that showed the
    drawn places was painted. Times are ``performance.now()``, i.e. from navigation start.

Interactions (``t0 = now(); change(); t1 = now(); await rAF; await rAF; t2 = now()``)
    sync = t1 - t0, total = t2 - t0: mapgen's ``setPeriod(a, b)``, the folium Timeline's slider
    (value set, ``input`` dispatched), and a zoom or pan without animation on every map.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from tests.browser import CHROMIUM_ARGS, CHROMIUM_PATH, open_page

VENDOR = Path(__file__).resolve().parent / "vendor"
# Served locally, by URL suffix, in addition to Leaflet: folium's pages load jQuery (folium.Popup
# builds its content with it) and the Timeline plugin needs leaflet.timeline and moment.js.
# Bootstrap, Font Awesome and Leaflet.awesome-markers stay blocked: these maps do not use them.
FOLIUM_ASSETS = {"jquery-3.7.1.min.js": VENDOR / "jquery.min.js"}
TIMELINE_ASSETS = {
    **FOLIUM_ASSETS,
    "leaflet.timeline.min.js": VENDOR / "leaflet.timeline.js",
    "moment.min.js": VENDOR / "moment.min.js",
}
ASSETS: dict[str, dict[str, Path]] = {
    "mapgen": {},
    "markers": FOLIUM_ASSETS,
    "geojson": FOLIUM_ASSETS,
    "styled": FOLIUM_ASSETS,
    "timeline": TIMELINE_ASSETS,
}

READY_TESTS = {
    "mapgen": "() => !!(window.mapgen && window.mapgen.ready === true)",
    "folium": "() => true",
}

INIT_SCRIPT = """
(() => {
  const b = window.__bench = {dcl: null, load: null, seen: null, painted: null,
                              error: null, errorAt: null};
  const ready = %s;
  const fail = (message) => {
    if (b.error === null) { b.error = String(message); b.errorAt = performance.now(); }
  };
  window.addEventListener('error', (e) => fail(e.message));
  window.addEventListener('unhandledrejection', (e) => fail(e.reason));
  document.addEventListener('DOMContentLoaded', () => { b.dcl = performance.now(); });
  window.addEventListener('load', () => { b.load = performance.now(); });
  function tick() {
    let ok = false;
    try { ok = b.dcl !== null && ready(); } catch (e) { ok = false; }
    if (!ok) { requestAnimationFrame(tick); return; }
    b.seen = performance.now();
    requestAnimationFrame(() => { b.painted = performance.now(); });
  }
  requestAnimationFrame(tick);
})();
"""

# Done: painted, or a script error and still not ready ERROR_GRACE_MS later.
ERROR_GRACE_MS = 10_000
DONE_JS = """(grace) => { const b = window.__bench; return !!b && (b.painted !== null ||
  (b.error !== null && performance.now() - b.errorAt > grace)); }"""

# What is on the page once it is ready: drawn SVG paths, canvases, the JS heap.
SNAPSHOT_JS = """() => ({
  ...window.__bench,
  interactive: document.querySelectorAll('.leaflet-interactive').length,
  canvases: document.querySelectorAll('.leaflet-pane canvas').length,
  mapgen_visible: window.mapgen && window.mapgen.visible ? window.mapgen.visible().length : null,
})"""

TIMED_LOOP_JS = """async ({kind, steps, budgetMs}) => {
  const raf = () => new Promise((r) => requestAnimationFrame(() => r()));
  const map = window.mapgen ? window.mapgen.map
    : Object.keys(window).filter((k) => k.startsWith('map_'))
        .map((k) => window[k]).find((v) => v instanceof L.Map);
  const slider = document.querySelector('input.time-slider');
  const change = {
    period: (s) => window.mapgen.setPeriod(s[0], s[1]),
    slider: (s) => {
      slider.value = String(Number(slider.min) + s * (Number(slider.max) - Number(slider.min)));
      slider.dispatchEvent(new Event('input', {bubbles: true}));
    },
    zoom: (s) => map.setZoom(map.getZoom() + s, {animate: false}),
    pan: (s) => map.panBy(s, {animate: false}),
  }[kind];
  const out = [];
  const begin = performance.now();
  await raf(); await raf();
  for (const step of steps) {
    if (performance.now() - begin > budgetMs) break;
    const t0 = performance.now();
    change(step);
    const t1 = performance.now();
    await raf(); await raf();
    const t2 = performance.now();
    out.push([t1 - t0, t2 - t0]);
  }
  return out;
}"""


MOTION_STEPS = 10  # zooms (in, out, ...) and pans (there and back) per page
LOOP_BUDGET_MS = 60_000  # a loop of interactions stops starting new steps after this


@contextmanager
def session(js_heap_mb: int | None) -> Iterator[Browser]:
    """Chromium as tests/browser.py launches it (same binary and flags), with V8's old-space
    limit set to *js_heap_mb* when given (for pages whose JavaScript objects outgrow V8's
    default limit; mapgen's page of 1,000,000 places used 162 MB of heap)."""
    args = list(CHROMIUM_ARGS)
    if js_heap_mb:
        args.append(f"--js-flags=--max-old-space-size={js_heap_mb}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=args
        )
        try:
            yield browser
        finally:
            browser.close()


class _WithInitScript:
    """A Browser whose new contexts run *script* before each page's own scripts, so that
    tests.browser.open_page can be used unchanged."""

    def __init__(self, browser: Browser, script: str):
        self._browser = browser
        self._script = script

    def new_context(self, **kwargs: Any) -> BrowserContext:
        context = self._browser.new_context(**kwargs)
        context.add_init_script(self._script)
        return context


def _stats(samples: list[list[float]]) -> dict[str, Any]:
    if not samples:
        return {"n": 0}
    sync = [s[0] for s in samples]
    total = sorted(s[1] for s in samples)
    p95 = total[min(len(total) - 1, round(0.95 * (len(total) - 1)))]
    return {
        "n": len(samples),
        "median_ms": statistics.median(total),
        "p95_ms": p95,
        "max_ms": total[-1],
        "sync_median_ms": statistics.median(sync),
    }


def _windows(count: int, seed: int) -> list[list[int]]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        start = rng.randint(1900, 2020)
        out.append([start, min(2024, start + rng.randint(0, 30))])
    return out


def _timed(page: Any, kind: str, steps: list[Any], budget_ms: float) -> dict[str, Any]:
    try:
        samples = page.evaluate(
            TIMED_LOOP_JS, {"kind": kind, "steps": steps, "budgetMs": budget_ms}
        )
    except PlaywrightError as exc:
        return {"n": 0, "error": exc.message.splitlines()[0][:300]}
    return _stats(samples)


def interactions(page: Any, kind: str, *, count: int, seed: int, budget_ms: float) -> dict:
    """Period changes (mapgen) or slider moves (timeline), zooms and pans."""
    out: dict[str, Any] = {}
    if kind == "mapgen":
        warm = _windows(2, seed + 1)
        _timed(page, "period", warm, budget_ms)
        out["period"] = _timed(page, "period", _windows(count, seed), budget_ms)
        page.evaluate("() => window.mapgen.setPeriod(null, null)")
    if kind == "timeline":
        rng = random.Random(seed)
        out["slider"] = _timed(page, "slider", [rng.random() for _ in range(count)], budget_ms)
    out["zoom"] = _timed(page, "zoom", [1, -1] * (MOTION_STEPS // 2), budget_ms)
    out["pan"] = _timed(page, "pan", [[300, 150], [-300, -150]] * (MOTION_STEPS // 2), budget_ms)
    return out


def measure(
    browser: Browser,
    html: Path,
    kind: str,
    *,
    timeout_s: float,
    interact: bool,
    windows: int = 30,
    seed: int = 7,
) -> dict[str, Any]:
    """Load *html* once in a fresh context; page-ready times, and with *interact* the
    interaction timings. *kind*: ``mapgen`` or a baseline of benchmarks/baseline.py."""
    test = READY_TESTS["mapgen" if kind == "mapgen" else "folium"]
    wrapped = _WithInitScript(browser, INIT_SCRIPT % test)
    timeout_ms = timeout_s * 1000
    try:
        mp = open_page(
            wrapped,  # type: ignore[arg-type]
            html,
            wait_ready=False,
            timeout_ms=timeout_ms,
            extra_assets=ASSETS[kind],
        )
    except Exception as exc:  # the harness raises AssertionError subclasses with diagnostics
        message = str(exc).splitlines()[0][:300]
        return {"status": "timeout" if "Timeout" in message else "failed", "error": message}
    try:
        return _measure_open(mp, kind, timeout_ms, interact, windows, seed)
    finally:
        with suppress(Exception):
            mp.close()


def _chromium_metrics(mp: Any) -> dict[str, Any]:
    """JS heap and DOM size of the page from the DevTools protocol (precise, unlike
    ``performance.memory``)."""
    try:
        cdp = mp.context.new_cdp_session(mp.page)
        cdp.send("Performance.enable")
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        cdp.detach()
    except PlaywrightError:
        return {}
    return {
        "js_heap_mb": metrics.get("JSHeapUsedSize", 0) / 1048576,
        "dom_nodes": int(metrics.get("Nodes", 0)),
    }


def _measure_open(
    mp: Any, kind: str, timeout_ms: float, interact: bool, windows: int, seed: int
) -> dict[str, Any]:
    try:
        mp.page.wait_for_function(DONE_JS, arg=ERROR_GRACE_MS, timeout=timeout_ms)
    except PlaywrightError as exc:
        return {
            "status": "timeout" if "Timeout" in exc.message else "failed",
            "error": exc.message.splitlines()[0][:300],
            "page_errors": mp.page_errors[:5],
        }
    snap = mp.page.evaluate(SNAPSHOT_JS)
    if snap["painted"] is None:
        return {
            "status": "failed",
            "error": f"not ready {ERROR_GRACE_MS / 1000:.0f} s after a script error: "
            + str(snap["error"])[:300],
            "page_errors": mp.page_errors[:5],
        }
    result: dict[str, Any] = {
        "status": "ok",
        "ready_ms": snap["seen"],
        "painted_ms": snap["painted"],
        "dcl_ms": snap["dcl"],
        "load_ms": snap["load"],
        "interactive_elements": snap["interactive"],
        "canvases": snap["canvases"],
        **_chromium_metrics(mp),
        "mapgen_visible": snap["mapgen_visible"],
        "page_errors": mp.page_errors[:5],
    }
    if interact:
        result["interactions"] = interactions(
            mp.page, kind, count=windows, seed=seed, budget_ms=min(timeout_ms, LOOP_BUDGET_MS)
        )
    return result
