/* ui.js: small DOM and canvas helpers shared by every mapgen script (loaded after dates.js). */
(function () {
  "use strict";
  if (window.MapgenUI) return;

  /* An element with a class and text; text from data only ever goes in as textContent. */
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function button(className, text, label) {
    var b = el("button", className, text || null);
    b.type = "button";
    if (label) { b.setAttribute("aria-label", label); b.title = label; }
    return b;
  }

  function clamp(v, lo, hi) { return v < lo ? lo : v > hi ? hi : v; }

  /* Milliseconds for throttling only, never for dates. */
  function now() { return window.performance.now(); }

  /* Size a canvas for crisp drawing at the device pixel ratio; returns its 2D context. */
  function sizeCanvas(canvas, w, h) {
    var dpr = window.devicePixelRatio || 1;
    w = Math.max(1, Math.round(w));
    h = Math.max(1, Math.round(h));
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    canvas.style.width = w + "px";
    canvas.style.height = h + "px";
    var ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return ctx;
  }

  window.MapgenUI = { el: el, button: button, clamp: clamp, now: now, sizeCanvas: sizeCanvas,
    FONT: "system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif" };
})();
