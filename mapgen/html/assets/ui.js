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

  /* Links are http(s) only, the whole text one URL with no space, control, zero-width or
   * direction character in it: mapgen.rules.is_web_url's rule, which links met when
   * loading (a popup's sources, a story's captions). */
  var NOT_IN_URL = "\\s\\u0000-\\u001f\\u007f-\\u009f" +
    "\\u200b-\\u200f\\u2028-\\u202e\\u2066-\\u2069\\ufeff";
  var WEB_URL = new RegExp("^https?://[^" + NOT_IN_URL + "/?#@]+(?:[/?#][^" + NOT_IN_URL +
    "]*)?$", "i");

  function isWebUrl(url) {
    return typeof url === "string" && WEB_URL.test(url);
  }

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

  /* ---- the URL hash: "#from=1981&to=1990&legend=0", one map's state ---- */

  function hashParams() {
    var out = {}, text = window.location.hash.replace(/^#/, "");
    text.split("&").forEach(function (part) {
      if (!part) return;
      var i = part.indexOf("="), key = i < 0 ? part : part.slice(0, i);
      var value = i < 0 ? "" : part.slice(i + 1);
      try { key = decodeURIComponent(key); value = decodeURIComponent(value); } catch (e) {
        return;
      }
      out[key] = value;
    });
    return out;
  }

  /* The hash text with `changes` applied (a value of null removes its key), other keys kept
   * in their order. */
  function hashText(changes) {
    var params = hashParams(), out = [], key;
    for (key in changes) params[key] = changes[key];
    for (key in params) {
      if (!Object.prototype.hasOwnProperty.call(params, key) || params[key] === null) continue;
      out.push(encodeURIComponent(key) + (params[key] === "" ? "" : "=" +
        encodeURIComponent(params[key])));
    }
    return out.join("&");
  }

  /* The keys mapgen keeps in the hash: the period, the view, folded controls, the undated
   * switch, a story's step and its folded caption (story.js), two periods compared
   * (compare.js). */
  var HASH_KEYS = ["from", "to", "z", "c", "legend", "layers", "filter", "search", "undated",
    "step", "caption", "compare"];

  /* How many parts of the hash are mapgen's keys, and how many are not (an anchor such as
   * "#section-1", another script's keys): [mine, others]. */
  function hashShare() {
    var parts = window.location.hash.replace(/^#/, "").split("&").filter(Boolean), mine = 0;
    parts.forEach(function (part) {
      var i = part.indexOf("=");
      if (i > 0 && HASH_KEYS.indexOf(part.slice(0, i)) >= 0) mine++;
    });
    return [mine, parts.length - mine];
  }

  /* Does the hash say anything to mapgen? A change that does not (a table of contents'
   * link, a footnote) leaves the map as it is. */
  function hashSpeaks() { return hashShare()[0] > 0; }

  /* Rewrite the hash without a history entry; false when the browser refuses, or when the
   * hash holds the page's own words (an anchor, another script's keys), which mapgen never
   * writes over: a shared link still scrolls to its section. */
  function writeHash(text) {
    if (text === window.location.hash.replace(/^#/, "")) return true;
    if (hashShare()[1] > 0) return false;
    var url = text ? "#" + text : window.location.pathname + window.location.search;
    try { window.history.replaceState(window.history.state, "", url); } catch (e) {
      return false; /* some embedded viewers refuse; the map still works */
    }
    return true;
  }

  /* ---- colour contrast (WCAG 2) ---- */

  function luminance(hex) {
    var m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
    if (!m) return 0.5;
    var sum = [0.2126, 0.7152, 0.0722], total = 0;
    for (var i = 0; i < 3; i++) {
      var c = parseInt(m[i + 1], 16) / 255;
      total += sum[i] * (c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
    }
    return total;
  }

  /* The contrast ratio of two #rrggbb colours, 1 to 21. */
  function contrast(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  /* ---- a box that collapses to its button ---- */

  /* Wire `toggle` (a button) to show or hide `body`: aria-expanded follows, `root` gets the
   * class mapgen-collapsed while hidden, onChange(open) runs after every change. */
  function disclosure(root, toggle, body, onChange) {
    toggle.setAttribute("aria-controls", body.id);
    function set(open) {
      body.hidden = !open;
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      root.classList.toggle("mapgen-collapsed", !open);
    }
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      set(open);
      if (onChange) onChange(open);
    });
    return set;
  }

  window.MapgenUI = { el: el, button: button, clamp: clamp, isWebUrl: isWebUrl, now: now,
    sizeCanvas: sizeCanvas,
    hashParams: hashParams, hashText: hashText, hashSpeaks: hashSpeaks, writeHash: writeHash,
    contrast: contrast,
    disclosure: disclosure,
    FONT: "system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif" };
})();
