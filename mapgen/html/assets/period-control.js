/* period-control.js: the period control of a mapgen map.
 *
 * A Leaflet control (bottom right) with a two-handle range slider over the data's time extent,
 * a histogram of active places behind it, editable from/to fields, an "at one date" mode,
 * playback, a count of places shown, a collapsible timeline of every span, and the period in
 * the URL hash (first map of the page only).
 *
 * mapgen.js calls `new MapgenPeriodControl(app)` once per map, before the first refresh.
 * Time is integer day numbers (0 = 1970-01-01, proleptic Gregorian), never Date arithmetic.
 * Text from data reaches the page through textContent or canvas fillText only.
 * This file is inlined before mapgen.js and after Leaflet: nothing here touches L or
 * MapgenApp until a control is constructed.
 */
(function () {
  "use strict";
  if (window.MapgenPeriodControl) return;

  var seq = 0; /* makes element ids unique when a page holds several maps */
  var PAD = 14; /* px between the control's edge and the time axis (slider and timeline) */
  var MAX_BINS = 400;
  var HASH_INTERVAL = 300; /* ms between two URL updates */
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
    "Dec"];
  var FONT = "system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif";

  /* ---- small helpers ---- */

  function now() { return window.performance.now(); } /* for throttling only */

  function clamp(v, lo, hi) { return v < lo ? lo : v > hi ? hi : v; }

  function pad(n, width) {
    var s = String(Math.abs(n));
    while (s.length < width) s = "0" + s;
    return s;
  }

  /* An astronomical year as ISO 8601 writes it: 1981, 0033, -0499, +12000. */
  function yearText(y) {
    return y >= 0 && y <= 9999 ? pad(y, 4) : (y < 0 ? "-" : "+") + pad(y, 4);
  }

  /* A year for people: astronomical year y <= 0 is (1 - y) BCE. */
  function humanYear(y, ce) {
    if (y <= 0) return (1 - y) + " BCE";
    return ce ? y + " CE" : String(y);
  }

  /* 1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, ...: the first one >= x. */
  function stepAtLeast(x) {
    var base = 1, mult = [1, 2, 2.5, 5];
    for (;;) {
      for (var i = 0; i < mult.length; i++) {
        var s = mult[i] * base;
        if (s >= x && s === Math.round(s)) return s;
      }
      base *= 10;
    }
  }

  /* The 1-2-5 number nearest to x on a log scale (x > 0). */
  function niceNear(x) {
    var e = Math.floor(Math.log(x) / Math.LN10), best = 1, bestDist = Infinity;
    for (var k = e - 1; k <= e + 1; k++) {
      [1, 2, 5].forEach(function (m) {
        var v = m * Math.pow(10, k), d = Math.abs(Math.log(v / x));
        if (d < bestDist) { best = v; bestDist = d; }
      });
    }
    return parseFloat(best.toPrecision(3));
  }

  function button(className, text, label) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = className;
    if (text) b.textContent = text;
    if (label) { b.setAttribute("aria-label", label); b.title = label; }
    return b;
  }

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

  /* Calendar units the slider snaps to: years; months or days for very short extents.
   * index(day) numbers the unit holding a day; start(k) is the first day of unit k. */
  function makeUnits(kind, U) {
    if (kind === "year") {
      return { kind: kind, perYear: 1, single: "year", plural: "years", short: "yr",
        index: function (d) { return U.civilFromDays(d)[0]; },
        start: function (k) { return U.daysFromCivil(k, 1, 1); } };
    }
    if (kind === "month") {
      return { kind: kind, perYear: 12, single: "month", plural: "months", short: "mo",
        index: function (d) { var c = U.civilFromDays(d); return c[0] * 12 + c[1] - 1; },
        start: function (k) {
          var y = Math.floor(k / 12);
          return U.daysFromCivil(y, k - 12 * y + 1, 1);
        } };
    }
    return { kind: "day", perYear: 365.2425, single: "day", plural: "days", short: "d",
      index: function (d) { return Math.floor(d); },
      start: function (k) { return k; } };
  }

  function readHashParams() {
    var out = {}, text = window.location.hash.replace(/^#/, "");
    if (!text) return out;
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

  /* ---- the control ---- */

  function PeriodControl(app) {
    if (!(this instanceof PeriodControl)) return new PeriodControl(app);
    var U = window.MapgenApp.util, self = this;
    this.app = app;
    this.U = U;
    this.id = "mapgen-pc-" + (++seq);
    this.playing = false;
    this.mode = "range";
    this.timelineOpen = false;
    this.pending = null; /* a window waiting for the next frame */
    this.raf = 0;
    this.applyTimer = 0;
    this.applyCost = 0;
    this.appliedAt = -Infinity;
    this.drag = null;
    this.tl = null;
    this.layerSig = "";
    this.savedRange = null;
    this.tw = 0;

    var ext = app.extent, length = ext[1] - ext[0] + 1;
    this.units = makeUnits(length >= 5 * 365 ? "year" : length >= 62 ? "month" : "day", U);
    this.u0 = this.units.index(ext[0]);
    this.u1 = this.units.index(ext[1]);
    this.D0 = this.units.start(this.u0); /* the slider runs over whole units: [D0, D1] */
    this.D1 = this.units.start(this.u1 + 1) - 1;
    this.ce = U.civilFromDays(this.D0)[0] <= 0; /* write "CE" when the axis crosses into BCE */

    /* Only the first map of a page keeps its period in the URL. */
    this.hashSync = window.mapgen === app && !!(window.history && window.history.replaceState);
    this.hashTimer = 0;
    this.hashWritten = -Infinity;
    if (this.hashSync) {
      var fromHash = this.readHash();
      if (fromHash) { app.from = fromHash[0]; app.to = fromHash[1]; }
      window.addEventListener("hashchange", function () { self.onHashChange(); });
    }

    this.computeHistogram();
    this.build();
    var Control = L.Control.extend({
      options: { position: "bottomright" },
      onAdd: function () { return self.element; }
    });
    this.control = new Control().addTo(app.map);
    app.on(function () { self.update(); });
    app.map.on("resize", function () { self.layout(); });
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(function () { self.layout(); });
      observer.observe(app.container);
      var legend = this.legendElement();
      if (legend) observer.observe(legend);
    }
    /* The legend's count stays as it is, but only this control's count is announced. */
    if (app.countNode) app.countNode.removeAttribute("aria-live");
    this.layout();
  }

  var P = PeriodControl.prototype;

  /* ---- time <-> text ---- */

  /* The first day of a period as short text: "1981", "1981-06", "1981-06-28". */
  P.startText = function (day) {
    var c = this.U.civilFromDays(day);
    if (c[1] === 1 && c[2] === 1) return yearText(c[0]);
    if (c[2] === 1) return yearText(c[0]) + "-" + pad(c[1], 2);
    return this.U.isoDate(day);
  };

  /* The last day of a period as short text: "1990" for 1990-12-31, "1990-06" for 1990-06-30. */
  P.endText = function (day) {
    var c = this.U.civilFromDays(day), next = this.U.civilFromDays(day + 1);
    if (next[1] === 1 && next[2] === 1) return yearText(c[0]);
    if (next[2] === 1) return yearText(c[0]) + "-" + pad(c[1], 2);
    return this.U.isoDate(day);
  };

  /* Text for people: whole years read "1981" or "500 BCE". */
  P.humanText = function (text) {
    if (/^[+-]?\d+$/.test(text)) return humanYear(parseInt(text, 10), this.ce);
    return text;
  };

  P.valueText = function (text) {
    var human = this.humanText(text);
    return human === text ? text : text + " (" + human + ")";
  };

  P.periodLabel = function () {
    var cur = this.current(), a = this.startText(cur[0]), b = this.endText(cur[1]);
    return a === b ? this.humanText(a) : this.humanText(a) + " – " + this.humanText(b);
  };

  /* ---- units and pixels ---- */

  /* The unit boundary at or before a day (the slider position of a period start). */
  P.floorB = function (day) {
    return clamp(this.units.index(clamp(day, this.D0, this.D1)), this.u0, this.u1);
  };

  /* The unit boundary after a day (the slider position of a period end). */
  P.ceilB = function (day) {
    return clamp(this.units.index(clamp(day, this.D0, this.D1)) + 1, this.u0 + 1, this.u1 + 1);
  };

  P.xOf = function (day) {
    var f = (day - this.D0) / (this.D1 + 1 - this.D0);
    return PAD + clamp(f, 0, 1) * this.tw;
  };

  P.dayAt = function (x) {
    var f = this.tw > 0 ? clamp((x - PAD) / this.tw, 0, 1) : 0;
    return this.D0 + f * (this.D1 + 1 - this.D0);
  };

  /* The unit boundary nearest to pixel x. */
  P.boundaryAt = function (x) {
    var day = this.dayAt(x), u = this.units;
    var k = u.index(Math.floor(Math.min(day, this.D1)));
    var s = u.start(k), e = u.start(k + 1);
    if (day - s > (e - s) / 2) k += 1;
    return clamp(k, this.u0, this.u1 + 1);
  };

  P.unitAt = function (x) {
    return clamp(this.units.index(Math.floor(Math.min(this.dayAt(x), this.D1))), this.u0,
      this.u1);
  };

  P.current = function () {
    return this.pending ? this.pending.slice() : [this.app.from, this.app.to];
  };

  P.isFull = function () {
    return this.floorB(this.app.from) <= this.u0 && this.ceilB(this.app.to) >= this.u1 + 1;
  };

  /* Does the window cover exactly one year, month or day? */
  P.isSingle = function () {
    return this.startText(this.app.from) === this.endText(this.app.to);
  };

  /* ---- setting the window ---- */

  /* Apply now (keyboard, fields, buttons). */
  P.setWindow = function (a, b) {
    this.pending = null;
    if (this.raf) { cancelAnimationFrame(this.raf); this.raf = 0; }
    if (this.applyTimer) { clearTimeout(this.applyTimer); this.applyTimer = 0; }
    if (a !== this.app.from || b !== this.app.to) this.app.setDays(a, b);
    else this.update();
  };

  /* Apply at the next animation frame, at most once per frame (dragging). The handles and
   * fields follow at once; when the map is slow to redraw (many places), the next apply waits
   * as long as the last one took, so the page keeps answering the pointer. */
  P.schedule = function (a, b) {
    var self = this;
    this.pending = [a, b];
    this.positionHandles();
    this.updateTexts();
    this.drawHist();
    if (this.timelineOpen) this.placeDims();
    if (this.raf || this.applyTimer) return;
    var wait = this.applyCost - (now() - this.appliedAt);
    function frame() {
      self.raf = requestAnimationFrame(function () { self.raf = 0; self.flush(); });
    }
    if (wait > 4) {
      this.applyTimer = setTimeout(function () { self.applyTimer = 0; frame(); }, wait);
    } else {
      frame();
    }
  };

  P.flush = function () {
    var p = this.pending;
    this.pending = null;
    if (this.raf) { cancelAnimationFrame(this.raf); this.raf = 0; }
    if (this.applyTimer) { clearTimeout(this.applyTimer); this.applyTimer = 0; }
    if (p && (p[0] !== this.app.from || p[1] !== this.app.to)) {
      var t = now();
      this.app.setDays(p[0], p[1]);
      this.appliedAt = now();
      this.applyCost = this.appliedAt - t;
    }
  };

  P.showAll = function () {
    this.pause();
    this.mode = "range";
    this.savedRange = null;
    this.syncMode();
    this.setWindow(this.app.extent[0], this.app.extent[1]);
  };

  /* ---- building the DOM ---- */

  P.legendElement = function () {
    var legend = this.app.legend;
    return legend && legend.getContainer ? legend.getContainer() : null;
  };

  P.build = function () {
    var self = this, el = this.U.el, u = this.units;
    var root = this.element = el("div", "mapgen-period-control leaflet-bar");
    root.setAttribute("role", "group");
    root.setAttribute("aria-label", "Period filter");

    /* the timeline panel, collapsed; built when first opened */
    var panel = this.panel = el("div", "mapgen-pc-panel");
    panel.id = this.id + "-timeline";
    panel.hidden = true;
    root.appendChild(panel);

    /* row 1: play, from – to, all, count */
    var head = el("div", "mapgen-pc-row mapgen-pc-head");
    this.playButton = button("mapgen-pc-play mapgen-controls-only", "", "Play");
    this.playButton.appendChild(el("span", "mapgen-pc-icon"));
    head.appendChild(this.playButton);
    var dates = el("div", "mapgen-pc-dates mapgen-controls-only");
    this.fromInput = this.makeInput("mapgen-pc-input mapgen-pc-from", "from");
    this.toInput = this.makeInput("mapgen-pc-input mapgen-pc-to", "to");
    this.dash = el("span", "mapgen-pc-dash", "–");
    this.dash.setAttribute("aria-hidden", "true");
    dates.appendChild(this.fromInput);
    dates.appendChild(this.dash);
    dates.appendChild(this.toInput);
    head.appendChild(dates);
    this.allButton = button("mapgen-pc-all mapgen-controls-only", "All");
    this.allButton.setAttribute("aria-label", "All: show the whole period");
    this.allButton.title = "Show the whole period";
    head.appendChild(this.allButton);
    this.printLabel = el("div", "mapgen-pc-print-label");
    head.appendChild(this.printLabel);
    this.countNode = el("div", "mapgen-pc-count");
    this.countNode.setAttribute("aria-live", "polite");
    this.countNode.setAttribute("aria-atomic", "true");
    head.appendChild(this.countNode);
    root.appendChild(head);

    /* row 2: histogram, rail, handles, axis */
    var track = this.track = el("div", "mapgen-pc-track");
    this.hist = el("canvas", "mapgen-pc-hist");
    this.hist.setAttribute("aria-hidden", "true");
    track.appendChild(this.hist);
    var rail = el("div", "mapgen-pc-rail");
    track.appendChild(rail);
    this.fill = el("div", "mapgen-pc-fill");
    track.appendChild(this.fill);
    this.axis = el("canvas", "mapgen-pc-axis");
    this.axis.setAttribute("aria-hidden", "true");
    track.appendChild(this.axis);
    this.fromHandle = this.makeHandle("mapgen-pc-handle mapgen-pc-handle-from", "from");
    this.toHandle = this.makeHandle("mapgen-pc-handle mapgen-pc-handle-to", "to");
    track.appendChild(this.fromHandle);
    track.appendChild(this.toHandle);
    root.appendChild(track);

    /* row 3: speed, mode, timeline */
    var tools = el("div", "mapgen-pc-row mapgen-pc-tools mapgen-controls-only");
    this.speedSelect = this.makeSpeedSelect();
    tools.appendChild(this.speedSelect);
    this.modeButton = button("mapgen-pc-mode", "At one date");
    this.modeButton.setAttribute("aria-pressed", "false");
    this.modeButton.title = "Show one " + u.single + " at a time";
    tools.appendChild(this.modeButton);
    this.timelineButton = button("mapgen-pc-timeline-toggle", "Timeline");
    this.timelineButton.setAttribute("aria-expanded", "false");
    this.timelineButton.setAttribute("aria-controls", panel.id);
    tools.appendChild(this.timelineButton);
    root.appendChild(tools);

    this.playButton.addEventListener("click", function () { self.togglePlay(); });
    this.modeButton.addEventListener("click", function () {
      self.setMode(self.mode === "at" ? "range" : "at");
    });
    this.allButton.addEventListener("click", function () { self.showAll(); });
    this.timelineButton.addEventListener("click", function () { self.toggleTimeline(); });
    this.bindTrack();

    /* Enter anywhere in the control but on a field, button or list plays or pauses. */
    root.addEventListener("keydown", function (e) {
      var tag = e.target.tagName;
      if (e.key !== "Enter" || e.defaultPrevented) return;
      if (tag === "INPUT" || tag === "BUTTON" || tag === "SELECT") return;
      e.preventDefault();
      self.togglePlay();
    });
    L.DomEvent.disableClickPropagation(root);
    L.DomEvent.disableScrollPropagation(root);
    root.addEventListener("pointerdown", function (e) { e.stopPropagation(); });
  };

  P.makeInput = function (className, which) {
    var self = this, input = document.createElement("input");
    input.type = "text";
    input.className = className;
    input.setAttribute("inputmode", "text");
    input.setAttribute("autocomplete", "off");
    input.setAttribute("spellcheck", "false");
    input.size = 6;
    input.addEventListener("input", function () {
      input.dirty = true;
      input.removeAttribute("aria-invalid");
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); self.applyInput(which); }
      else if (e.key === "Escape" && input.dirty) {
        e.preventDefault();
        input.dirty = false;
        self.update();
      }
    });
    input.addEventListener("blur", function () { if (input.dirty) self.applyInput(which); });
    return input;
  };

  P.makeHandle = function (className, which) {
    var self = this, h = this.U.el("div", className);
    h.setAttribute("role", "slider");
    h.setAttribute("tabindex", "0");
    h.setAttribute("aria-orientation", "horizontal");
    h.addEventListener("keydown", function (e) { self.onHandleKey(e, which); });
    return h;
  };

  P.makeSpeedSelect = function () {
    var self = this, u = this.units, select = document.createElement("select");
    select.className = "mapgen-pc-speed";
    select.setAttribute("aria-label", "Playback speed");
    select.title = "Playback speed";
    var count = this.u1 - this.u0 + 1;
    var normal = Math.max(1, niceNear(count / 20));
    var speeds = [["Slow", niceNear(normal / 2.5)], ["Normal", normal],
      ["Fast", niceNear(normal * 2.5)]];
    speeds.forEach(function (s) {
      var option = document.createElement("option");
      option.value = String(s[1] / u.perYear); /* years per second */
      option.shortText = s[1] + " " + u.short + "/s";
      option.longText = s[0] + " · " + option.shortText;
      option.textContent = option.longText;
      if (s[0] === "Normal") option.selected = true;
      select.appendChild(option);
    });
    select.addEventListener("change", function () { if (self.playState) self.playState.t = null; });
    return select;
  };

  /* ---- the slider: pointer ---- */

  P.bindTrack = function () {
    var self = this, track = this.track;

    track.addEventListener("pointerdown", function (e) {
      if (e.button !== 0) return;
      e.preventDefault();
      self.pause();
      var left = track.getBoundingClientRect().left, x = e.clientX - left;
      var cur = self.current(), xa = self.xOf(cur[0]), xb = self.xOf(cur[1] + 1);
      var drag = { kind: null, x0: x, a: cur[0], b: cur[1], left: left };
      if (self.mode === "at") {
        drag.kind = "at";
      } else if (e.target === self.fromHandle || e.target === self.toHandle) {
        drag.kind = Math.abs(xb - xa) < 4 ? "either"
          : e.target === self.fromHandle ? "from" : "to";
      } else if (x > xa + 4 && x < xb - 4 && !self.isFull()) {
        drag.kind = "band";
        drag.k0 = self.floorB(cur[0]);
        drag.width = self.ceilB(cur[1]) - drag.k0;
        drag.u0 = self.unitAt(x);
      } else {
        drag.kind = Math.abs(x - xa) <= Math.abs(x - xb) ? "from" : "to";
        drag.jump = true;
      }
      self.drag = drag;
      track.classList.add("mapgen-pc-dragging");
      if (drag.kind === "band") track.classList.add("mapgen-pc-dragging-band");
      try { track.setPointerCapture(e.pointerId); } catch (err) { /* not capturable */ }
      var focus = drag.kind === "to" ? self.toHandle : self.fromHandle;
      if (drag.kind !== "band") focus.focus({ preventScroll: true });
      if (drag.kind !== "either" && drag.kind !== "band") self.dragTo(x);
    });

    track.addEventListener("pointermove", function (e) {
      if (!self.drag) return;
      self.dragTo(e.clientX - self.drag.left); /* no layout read while dragging */
    });

    function end(e) {
      if (!self.drag) return;
      self.drag = null;
      track.classList.remove("mapgen-pc-dragging", "mapgen-pc-dragging-band");
      try { track.releasePointerCapture(e.pointerId); } catch (err) { /* released */ }
      self.flush();
      self.hashDue(true);
    }
    track.addEventListener("pointerup", end);
    track.addEventListener("pointercancel", end);
    track.addEventListener("lostpointercapture", end);
  };

  P.dragTo = function (x) {
    var d = this.drag, u = this.units, k;
    if (d.kind === "either") {
      if (Math.abs(x - d.x0) < 2) return;
      d.kind = x < d.x0 ? "from" : "to";
      (d.kind === "to" ? this.toHandle : this.fromHandle).focus({ preventScroll: true });
    }
    if (d.kind === "at") {
      k = this.unitAt(x);
      this.schedule(u.start(k), u.start(k + 1) - 1);
    } else if (d.kind === "from") {
      k = clamp(this.boundaryAt(x), this.u0, this.ceilB(d.b) - 1);
      this.schedule(u.start(k), d.b);
    } else if (d.kind === "to") {
      k = clamp(this.boundaryAt(x), this.floorB(d.a) + 1, this.u1 + 1);
      this.schedule(d.a, u.start(k) - 1);
    } else if (d.kind === "band") {
      k = clamp(d.k0 + this.unitAt(x) - d.u0, this.u0, this.u1 + 1 - d.width);
      this.schedule(u.start(k), u.start(k + d.width) - 1);
    }
  };

  /* ---- the slider: keyboard ---- */

  P.onHandleKey = function (e, which) {
    var key = e.key, delta = 0, edge = 0;
    if (key === "ArrowRight" || key === "ArrowUp") delta = e.shiftKey ? 10 : 1;
    else if (key === "ArrowLeft" || key === "ArrowDown") delta = e.shiftKey ? -10 : -1;
    else if (key === "PageUp") delta = 10;
    else if (key === "PageDown") delta = -10;
    else if (key === "Home") edge = -1;
    else if (key === "End") edge = 1;
    else if (key === "Enter") { e.preventDefault(); this.togglePlay(); return; }
    else if (key === "Escape" && this.playing) { e.preventDefault(); this.pause(); return; }
    else return;
    e.preventDefault();
    this.pause();
    this.flush();
    this.step(which, delta, edge);
  };

  /* Move one end (or the single date) by delta units, or to an edge (-1 start, 1 end). */
  P.step = function (which, delta, edge) {
    var u = this.units, a = this.app.from, b = this.app.to, k;
    if (this.mode === "at") {
      k = edge ? (edge < 0 ? this.u0 : this.u1) : clamp(this.floorB(a) + delta, this.u0, this.u1);
      this.setWindow(u.start(k), u.start(k + 1) - 1);
    } else if (which === "from") {
      k = this.floorB(a);
      var aligned = u.start(k) === a;
      if (edge) k = edge < 0 ? this.u0 : this.u1 + 1;
      else k += delta < 0 && !aligned ? delta + 1 : delta;
      k = clamp(k, this.u0, this.ceilB(b) - 1);
      this.setWindow(u.start(k), b);
    } else {
      k = this.ceilB(b);
      var alignedEnd = u.start(k) - 1 === b;
      if (edge) k = edge < 0 ? this.u0 : this.u1 + 1;
      else k += delta > 0 && !alignedEnd ? delta - 1 : delta;
      k = clamp(k, this.floorB(a) + 1, this.u1 + 1);
      this.setWindow(a, u.start(k) - 1);
    }
  };

  /* ---- the fields ---- */

  P.applyInput = function (which) {
    var input = which === "from" ? this.fromInput : this.toInput;
    var text = input.value.trim(), U = this.U, app = this.app, a, b;
    input.dirty = false;
    if (this.mode === "at") {
      a = U.parseDay(text, false);
      b = U.parseDay(text, true);
    } else if (which === "from") {
      a = text === "" ? app.extent[0] : U.parseDay(text, false);
      b = app.to;
      if (a > b) b = U.parseDay(text, true);
    } else {
      a = app.from;
      b = text === "" ? app.extent[1] : U.parseDay(text, true);
      if (b < a) a = U.parseDay(text, false);
    }
    if (isNaN(a) || isNaN(b)) {
      input.setAttribute("aria-invalid", "true");
      input.title = "Not a date: write a year (1981, -0500), a month (1981-06) or a day " +
        "(1981-06-28)";
      this.update();
      return;
    }
    input.removeAttribute("aria-invalid");
    input.removeAttribute("title");
    this.pause();
    var w = this.clampWindow(Math.min(a, b), Math.max(a, b));
    this.setWindow(w[0], w[1]);
  };

  /* ---- mode, play ---- */

  P.setMode = function (mode, keepPlaying) {
    mode = mode === "at" ? "at" : "range";
    if (!keepPlaying) this.pause();
    if (mode === this.mode) return;
    var u = this.units, app = this.app;
    this.flush();
    this.mode = mode;
    this.syncMode();
    if (mode === "at") {
      this.savedRange = [app.from, app.to];
      var k = this.floorB(app.from);
      this.setWindow(u.start(k), u.start(k + 1) - 1);
    } else if (this.savedRange) {
      var r = this.savedRange;
      this.savedRange = null;
      this.setWindow(r[0], r[1]);
    } else {
      this.update();
    }
  };

  P.syncMode = function () {
    var at = this.mode === "at";
    this.element.classList.toggle("mapgen-pc-at", at);
    this.modeButton.setAttribute("aria-pressed", at ? "true" : "false");
    this.toInput.hidden = at;
    this.dash.hidden = at;
    this.toHandle.hidden = at;
    this.fromInput.setAttribute("aria-label", at ? "Date shown (year, month or day)"
      : "Start of period (year or date)");
    this.toInput.setAttribute("aria-label", "End of period (year or date)");
  };

  P.speed = function () {
    var v = parseFloat(this.speedSelect.value);
    return v > 0 ? v : 1;
  };

  P.togglePlay = function () {
    if (this.playing) this.pause(); else this.play();
  };

  P.play = function () {
    if (this.playing) return;
    var self = this, u = this.units, app = this.app;
    this.flush();
    if (this.mode === "range" && this.isFull()) this.setMode("at", true);
    var k, width;
    if (this.mode === "at") { k = this.floorB(app.from); width = 1; }
    else { k = this.floorB(app.from); width = this.ceilB(app.to) - k; }
    var last = this.u1 + 1 - width;
    if (k >= last) k = this.u0; /* at the end: start again */
    this.playState = { pos: k, k: k, width: width, last: last, t: null };
    this.setWindow(u.start(k), u.start(k + width) - 1);
    this.playing = true;
    this.syncPlay();
    function tick(now) {
      var s = self.playState;
      if (!self.playing || !s) return;
      if (s.t === null) s.t = now;
      var dt = Math.min(0.25, Math.max(0, now - s.t) / 1000);
      s.t = now;
      s.pos += dt * self.speed() * u.perYear;
      var next = Math.min(Math.floor(s.pos), s.last);
      if (next !== s.k) {
        s.k = next;
        app.setDays(u.start(next), u.start(next + s.width) - 1);
      }
      if (next >= s.last) { self.pause(); return; }
      self.playRaf = requestAnimationFrame(tick);
    }
    this.playRaf = requestAnimationFrame(tick);
  };

  P.pause = function () {
    if (!this.playing) return;
    this.playing = false;
    this.playState = null;
    if (this.playRaf) cancelAnimationFrame(this.playRaf);
    this.playRaf = 0;
    this.syncPlay();
    this.hashDue(true);
  };

  P.syncPlay = function () {
    var label = this.playing ? "Pause" : "Play";
    this.playButton.setAttribute("aria-label", label);
    this.playButton.title = label;
    this.playButton.classList.toggle("mapgen-pc-playing", this.playing);
    this.element.classList.toggle("mapgen-pc-is-playing", this.playing);
  };

  /* ---- the URL hash ---- */

  P.readHash = function () {
    var params = readHashParams(), U = this.U, ext = this.app.extent;
    if (params.from === undefined && params.to === undefined) return null;
    var from = params.from || "", to = params.to || "";
    var a = from ? U.parseDay(from, false) : ext[0];
    var b = to ? U.parseDay(to, true) : ext[1];
    if (isNaN(a) || isNaN(b)) return null;
    if (a > b && from && to) { a = U.parseDay(to, false); b = U.parseDay(from, true); }
    return this.clampWindow(Math.min(a, b), Math.max(a, b));
  };

  /* A window inside the slider's range; one wholly outside it becomes the nearest unit. */
  P.clampWindow = function (a, b) {
    var u = this.units;
    if (b < this.D0) b = u.start(this.u0 + 1) - 1;
    if (a > this.D1) a = u.start(this.u1);
    return [clamp(a, this.D0, this.D1), clamp(b, this.D0, this.D1)];
  };

  /* "from=1981&to=1990": whole years as years, other days as ISO dates; a bound at the edge
   * of the data is left out, so a shared link keeps running to the present. */
  P.hashText = function () {
    var app = this.app, U = this.U, parts = [], params = readHashParams(), key;
    for (key in params) {
      if (key !== "from" && key !== "to" && Object.prototype.hasOwnProperty.call(params, key)) {
        parts.push(encodeURIComponent(key) + (params[key] === "" ? "" : "=" +
          encodeURIComponent(params[key])));
      }
    }
    var c = U.civilFromDays(app.from), n = U.civilFromDays(app.to + 1);
    if (app.from > app.extent[0]) {
      parts.push("from=" + (c[1] === 1 && c[2] === 1 ? yearText(c[0]) : U.isoDate(app.from)));
    }
    if (app.to < app.extent[1]) {
      parts.push("to=" + (n[1] === 1 && n[2] === 1 ? yearText(n[0] - 1) : U.isoDate(app.to)));
    }
    return parts.join("&");
  };

  P.writeHash = function () {
    this.hashWritten = now();
    var text = this.hashText();
    if (text === window.location.hash.replace(/^#/, "")) return;
    var url = text ? "#" + text : window.location.pathname + window.location.search;
    try { window.history.replaceState(window.history.state, "", url); } catch (e) {
      /* some embedded viewers refuse; the period still works */
    }
  };

  /* Write the hash now if the last write is old enough, else once the interval is over;
   * never while playing (the pause writes it). */
  P.hashDue = function () {
    if (!this.hashSync || !this.app.ready || this.playing || this.drag) return;
    var self = this, wait = this.hashWritten + HASH_INTERVAL - now();
    if (wait <= 0 && !this.hashTimer) { this.writeHash(); return; }
    if (!this.hashTimer) {
      this.hashTimer = setTimeout(function () {
        self.hashTimer = 0;
        if (!self.playing && !self.drag) self.writeHash();
      }, Math.max(0, wait));
    }
  };

  P.onHashChange = function () {
    var target = this.readHash() || [this.app.extent[0], this.app.extent[1]];
    if (target[0] === this.app.from && target[1] === this.app.to) return;
    this.pause();
    this.flush();
    if (this.mode === "at" && this.startText(target[0]) !== this.endText(target[1])) {
      this.mode = "range";
      this.savedRange = null;
      this.syncMode();
    }
    this.hashWritten = now();
    this.setWindow(target[0], target[1]);
  };

  /* ---- histogram: places active per bin, per layer, from a difference array ---- */

  P.computeHistogram = function () {
    var app = this.app, u = this.units, f = app.filter, off = f.offsets, bd = f.bounds;
    var lo = app.strict ? 1 : 0, hi = app.strict ? 2 : 3;
    var units = this.u1 - this.u0 + 1;
    var k = units <= MAX_BINS ? 1 : stepAtLeast(units / MAX_BINS);
    var base = Math.floor(this.u0 / k) * k;
    var nb = Math.floor((this.u1 - base) / k) + 1;
    var nl = app.data.layers.length, diff = new Int32Array(nl * (nb + 1));
    var D0 = this.D0, D1 = this.D1, starts = [], ends = [];
    function bin(day) { return Math.floor((u.index(day) - base) / k); }
    for (var p = 0; p < app.count; p++) {
      var layer = app.places.layer[p], m = 0;
      for (var s = off[p]; s < off[p + 1]; s++) {
        var a = bd[4 * s + lo], b = bd[4 * s + hi];
        if (b < D0 || a > D1) continue;
        starts[m] = a <= D0 ? 0 : bin(a);
        ends[m] = b >= D1 ? nb - 1 : bin(b);
        m++;
      }
      if (m > 1) { /* count a place once per bin: merge its spans' bin ranges */
        var order = [];
        for (var i = 0; i < m; i++) order.push(i);
        order.sort(function (x, y) { return starts[x] - starts[y]; });
        var cs = starts[order[0]], ce = ends[order[0]];
        for (var j = 1; j < m; j++) {
          var o = order[j];
          if (starts[o] <= ce + 1) { if (ends[o] > ce) ce = ends[o]; }
          else {
            diff[layer * (nb + 1) + cs]++; diff[layer * (nb + 1) + ce + 1]--;
            cs = starts[o]; ce = ends[o];
          }
        }
        diff[layer * (nb + 1) + cs]++; diff[layer * (nb + 1) + ce + 1]--;
      } else if (m === 1) {
        diff[layer * (nb + 1) + starts[0]]++;
        diff[layer * (nb + 1) + ends[0] + 1]--;
      }
    }
    var counts = new Int32Array(nl * nb);
    for (var l = 0; l < nl; l++) {
      var run = 0;
      for (var q = 0; q < nb; q++) {
        run += diff[l * (nb + 1) + q];
        counts[l * nb + q] = run;
      }
    }
    var binStart = new Float64Array(nb + 1);
    for (var r = 0; r <= nb; r++) {
      binStart[r] = clamp(u.start(base + r * k), D0, D1 + 1);
    }
    this.histo = { nb: nb, nl: nl, counts: counts, binStart: binStart, unitsPerBin: k };
  };

  P.drawHist = function () {
    var h = this.histo, ctx = this.histCtx;
    if (!h || !ctx) return;
    var W = this.trackW, H = this.histH, app = this.app;
    var on = [], nl = h.nl, nb = h.nb, i, l;
    for (l = 0; l < nl; l++) on.push(app.layerOn(l));
    var totals = new Float64Array(nb), max = 0;
    for (i = 0; i < nb; i++) {
      var t = 0;
      for (l = 0; l < nl; l++) if (on[l]) t += h.counts[l * nb + i];
      totals[i] = t;
      if (t > max) max = t;
    }
    ctx.clearRect(0, 0, W, H);
    if (!max) return;
    var scale = (H - 2) / max;
    var rects = new Float64Array(nb * 2);
    for (i = 0; i < nb; i++) {
      var x0 = this.xOf(h.binStart[i]), x1 = this.xOf(h.binStart[i + 1]);
      var w = x1 - x0;
      if (w > 3) { x0 += 0.5; w -= 1; }
      rects[2 * i] = x0;
      rects[2 * i + 1] = Math.max(w, 0.75);
    }
    /* outside the window: grey totals */
    ctx.fillStyle = "#b9c0c8";
    for (i = 0; i < nb; i++) {
      if (totals[i]) {
        var th = Math.max(1, totals[i] * scale);
        ctx.fillRect(rects[2 * i], H - th, rects[2 * i + 1], th);
      }
    }
    /* inside the window: stacked layer colours */
    var cur = this.current(), xa = this.xOf(cur[0]), xb = this.xOf(cur[1] + 1);
    ctx.save();
    ctx.beginPath();
    ctx.rect(xa, 0, Math.max(1, xb - xa), H);
    ctx.clip();
    ctx.clearRect(xa, 0, xb - xa, H);
    for (i = 0; i < nb; i++) {
      var y = H;
      for (l = 0; l < nl; l++) {
        var c = on[l] ? h.counts[l * nb + i] : 0;
        if (!c) continue;
        var bh = c * scale;
        ctx.fillStyle = app.data.layers[l].color;
        ctx.fillRect(rects[2 * i], y - bh, rects[2 * i + 1], bh);
        y -= bh;
      }
      if (y < H && y > H - 1) { /* keep tiny counts visible */
        ctx.fillRect(rects[2 * i], H - 1, rects[2 * i + 1], 1);
      }
    }
    ctx.restore();
  };

  /* ---- axis ticks ---- */

  P.computeTicks = function (ctx) {
    var u = this.units, U = this.U, self = this, ticks = [], minor = [];
    var span = this.u1 + 1 - this.u0, px = this.tw / span, step, sub, k, d;
    ctx.font = "10px " + FONT;
    function width(text) { return ctx.measureText(text).width; }
    function add(list, boundary, label) {
      var day = u.start(boundary);
      if (day < self.D0 || day > self.D1 + 1) return;
      list.push({ x: self.xOf(day), label: label });
    }
    if (u.kind === "year") {
      var y0 = this.u0, y1 = this.u1 + 1;
      var widest = Math.max(width(humanYear(y0, this.ce)), width(humanYear(y1, this.ce)),
        width(humanYear(Math.round((y0 + y1) / 2), this.ce)));
      step = stepAtLeast((widest + 14) / px);
      /* Round numbers in historical years (no year 0), so BCE ticks read 500 BCE, 450 BCE. */
      var hist = function (y) { return y > 0 ? y : y - 1; };
      var astro = function (h) { return h > 0 ? h : h + 1; };
      for (var h = Math.ceil(hist(y0) / step) * step; h <= hist(y1); h += step) {
        if (h !== 0) add(ticks, astro(h), humanYear(astro(h), this.ce));
      }
      sub = [step / 10, step / 5, step / 2].filter(function (s) {
        return s >= 1 && s === Math.round(s) && s * px >= 5;
      })[0];
      if (sub) {
        for (var g = Math.ceil(hist(y0) / sub) * sub; g <= hist(y1); g += sub) {
          if (g !== 0 && g % step !== 0) add(minor, astro(g), "");
        }
      }
    } else if (u.kind === "month") {
      var labelW = width("Mar 2000") + 12;
      step = [1, 2, 3, 6, 12, 24, 60].filter(function (s) { return s * px >= labelW; })[0] || 120;
      for (k = Math.ceil(this.u0 / step) * step; k <= this.u1 + 1; k += step) {
        var y = Math.floor(k / 12), m = k - 12 * y;
        add(ticks, k, m === 0 ? this.humanText(yearText(y)) : MONTHS[m]);
      }
      if (step > 1) {
        sub = step >= 12 ? 3 : 1;
        for (k = Math.ceil(this.u0 / sub) * sub; k <= this.u1 + 1; k += sub) {
          if (k % step !== 0 && sub * px >= 5) add(minor, k, "");
        }
      }
    } else {
      var dayW = width("28 Mar") + 12;
      step = [1, 2, 7, 14, 28].filter(function (s) { return s * px >= dayW; })[0] || 56;
      for (d = this.u0; d <= this.u1 + 1; d += step) {
        var c = U.civilFromDays(d);
        add(ticks, d, c[2] + " " + MONTHS[c[1] - 1]);
      }
    }
    this.ticks = ticks;
    this.minorTicks = minor;
  };

  P.drawAxis = function () {
    var ctx = this.axisCtx;
    if (!ctx) return;
    var W = this.trackW, H = this.axisH, i, t, lastRight = -Infinity;
    ctx.clearRect(0, 0, W, H);
    ctx.fillStyle = "#9aa3ad";
    for (i = 0; i < this.minorTicks.length; i++) {
      ctx.fillRect(Math.round(this.minorTicks[i].x) - 0.5, 0, 1, 3);
    }
    ctx.font = "10px " + FONT;
    ctx.textBaseline = "top";
    ctx.textAlign = "left";
    for (i = 0; i < this.ticks.length; i++) {
      t = this.ticks[i];
      ctx.fillStyle = "#7b8590";
      ctx.fillRect(Math.round(t.x) - 0.5, 0, 1, 5);
      var w = ctx.measureText(t.label).width;
      var left = clamp(t.x - w / 2, 0, W - w);
      if (left < lastRight + 4) continue;
      ctx.fillStyle = "#49525c";
      ctx.fillText(t.label, left, 6);
      lastRight = left + w;
    }
  };

  /* ---- layout ---- */

  P.layout = function () {
    var app = this.app, c = app.container, root = this.element;
    var cw = c.clientWidth;
    if (!cw || !root.parentNode) return;
    var legend = this.legendElement();
    var lw = legend && legend.offsetWidth ? legend.offsetWidth + 10 : 0;
    var width = Math.min(560, cw - lw - 30);
    if (width < 250) width = Math.min(250, cw - 20);
    var widthText = Math.floor(width) + "px";
    if (root.style.width !== widthText) root.style.width = widthText;
    var narrow = width < 340;
    if (narrow !== root.classList.contains("mapgen-pc-narrow")) {
      root.classList.toggle("mapgen-pc-narrow", narrow);
      Array.prototype.forEach.call(this.speedSelect.options, function (o) {
        o.textContent = narrow ? o.shortText : o.longText;
      });
    }
    var W = this.trackW = this.track.clientWidth;
    this.tw = Math.max(10, W - 2 * PAD);
    this.histH = 30;
    this.axisH = 18;
    this.histCtx = sizeCanvas(this.hist, W, this.histH);
    this.axisCtx = sizeCanvas(this.axis, W, this.axisH);
    this.computeTicks(this.axisCtx);
    this.drawAxis();
    this.drawHist();
    this.positionHandles();
    if (this.timelineOpen) this.layoutTimeline();
  };

  /* ---- updates after every refresh ---- */

  P.update = function () {
    var app = this.app, sig = "";
    for (var l = 0; l < app.data.layers.length; l++) sig += app.layerOn(l) ? "1" : "0";
    var layersChanged = sig !== this.layerSig;
    this.layerSig = sig;
    if (this.mode === "at" && !this.isSingle() && !this.playing) {
      this.mode = "range";
      this.savedRange = null;
      this.syncMode();
    }
    this.positionHandles();
    this.updateTexts();
    this.updateCount(sig);
    this.drawHist();
    if (this.tl) {
      if (layersChanged) this.tl.stale = true;
      if (this.timelineOpen) {
        this.placeDims();
        if (this.tl.stale) this.drawTimeline();
      }
    }
    this.hashDue();
  };

  P.positionHandles = function () {
    if (!this.tw) return;
    var cur = this.current(), xa = this.xOf(cur[0]), xb = this.xOf(cur[1] + 1);
    this.fill.style.left = xa + "px";
    this.fill.style.width = Math.max(2, xb - xa) + "px";
    if (this.mode === "at") {
      this.fromHandle.style.left = (xa + xb) / 2 + "px";
    } else {
      this.fromHandle.style.left = xa + "px";
      this.toHandle.style.left = xb + "px";
    }
  };

  P.updateTexts = function () {
    var U = this.U, at = this.mode === "at", cur = this.current();
    var a = this.startText(cur[0]), b = this.endText(cur[1]);
    if (!this.fromInput.dirty) this.fromInput.value = at && a !== b ? U.isoDate(cur[0]) : a;
    if (!this.toInput.dirty) this.toInput.value = b;
    var yMin = U.civilFromDays(this.D0)[0], yMax = U.civilFromDays(this.D1)[0];
    var handles = [[this.fromHandle, cur[0], a], [this.toHandle, cur[1], b]];
    handles.forEach(function (h) {
      h[0].setAttribute("aria-valuemin", String(yMin));
      h[0].setAttribute("aria-valuemax", String(yMax));
      h[0].setAttribute("aria-valuenow", String(U.civilFromDays(h[1])[0]));
    }, this);
    this.fromHandle.setAttribute("aria-label", at ? "Date shown" : "Start of period");
    this.toHandle.setAttribute("aria-label", "End of period");
    this.fromHandle.setAttribute("aria-valuetext", this.valueText(a));
    this.toHandle.setAttribute("aria-valuetext", this.valueText(b));
    var label = (at ? "Date: " : "Period: ") + this.periodLabel();
    if (this.printLabel.textContent !== label) this.printLabel.textContent = label;
  };

  /* "12 of 20 places": O(1) when every layer is on, one pass over a byte array otherwise. */
  P.updateCount = function (sig) {
    var app = this.app, n = app.shown;
    if (n === undefined) return;
    if (sig.indexOf("0") >= 0) {
      var active = app.active, layer = app.places.layer;
      n = 0;
      for (var i = 0; i < app.count; i++) if (active[i] && sig.charCodeAt(layer[i]) === 49) n++;
    }
    var text = n + " of " + app.count + (app.count === 1 ? " place" : " places");
    if (this.countNode.textContent !== text) this.countNode.textContent = text;
    this.shownCount = n;
  };

  /* ---- the timeline panel ---- */

  P.toggleTimeline = function (open) {
    open = open === undefined ? !this.timelineOpen : !!open;
    if (open === this.timelineOpen) return;
    this.timelineOpen = open;
    this.panel.hidden = !open;
    this.timelineButton.setAttribute("aria-expanded", open ? "true" : "false");
    this.element.classList.toggle("mapgen-pc-timeline-open", open);
    if (open) {
      if (!this.tl) this.buildTimeline();
      this.layoutTimeline();
    } else {
      this.setCursor(-1);
    }
  };

  P.buildTimeline = function () {
    var self = this, app = this.app, el = this.U.el, n = app.count, f = app.filter;
    var off = f.offsets, bd = f.bounds, layerOf = app.places.layer, names = app.places.name;
    var first = new Float64Array(n);
    for (var p = 0; p < n; p++) {
      var m = Infinity;
      for (var s = off[p]; s < off[p + 1]; s++) {
        var v = bd[4 * s + 1];
        if (v === -Infinity || isNaN(v)) v = bd[4 * s];
        if (v < m) m = v;
      }
      first[p] = m;
    }
    var order = new Int32Array(n);
    for (var q = 0; q < n; q++) order[q] = q;
    order = Array.prototype.slice.call(order).sort(function (x, y) {
      return (layerOf[x] - layerOf[y]) || (first[x] - first[y]) ||
        (names[x] < names[y] ? -1 : names[x] > names[y] ? 1 : x - y);
    });

    var rowH, barH, headH, labels;
    if (n <= 60) { rowH = 16; barH = 8; headH = 16; labels = true; }
    else if (n <= 300) { rowH = 8; barH = 6; headH = 15; labels = false; }
    else if (n <= 3000) { rowH = 3; barH = 2; headH = 6; labels = false; }
    else { rowH = 2; barH = 2; headH = 6; labels = false; }
    var rowPlace = [], rowY = [], y = 2, lastLayer = -1;
    for (var r = 0; r < n; r++) {
      var place = order[r];
      if (layerOf[place] !== lastLayer) {
        lastLayer = layerOf[place];
        rowPlace.push(-1 - lastLayer);
        rowY.push(y);
        y += headH;
      }
      rowPlace.push(place);
      rowY.push(y);
      y += rowH;
    }
    rowY.push(y + 2);

    var panel = this.panel;
    var caption = el("div", "mapgen-pc-tl-caption");
    caption.appendChild(el("span", "mapgen-pc-tl-title", "Timeline"));
    caption.appendChild(el("span", "mapgen-pc-tl-key",
      n + (n === 1 ? " place" : " places") + " · faded: uncertain · ▸ ongoing"));
    panel.appendChild(caption);
    var box = el("div", "mapgen-pc-tl");
    var scroll = el("div", "mapgen-pc-tl-scroll");
    scroll.setAttribute("tabindex", "0");
    scroll.setAttribute("role", "group");
    scroll.setAttribute("aria-label", "Timeline of " + n + " places. Up and Down choose a " +
      "place, Enter opens it on the map.");
    var canvas = el("canvas", "mapgen-pc-tl-canvas");
    canvas.setAttribute("aria-hidden", "true");
    var spacer = el("div", "mapgen-pc-tl-spacer");
    var cursor = el("div", "mapgen-pc-tl-cursor");
    cursor.hidden = true;
    scroll.appendChild(canvas);
    scroll.appendChild(spacer);
    scroll.appendChild(cursor);
    box.appendChild(scroll);
    var dimL = el("div", "mapgen-pc-tl-dim mapgen-pc-tl-dim-l");
    var dimR = el("div", "mapgen-pc-tl-dim mapgen-pc-tl-dim-r");
    box.appendChild(dimL);
    box.appendChild(dimR);
    var tip = el("div", "mapgen-pc-tip");
    tip.hidden = true;
    box.appendChild(tip);
    panel.appendChild(box);
    var status = el("div", "mapgen-pc-sr");
    status.setAttribute("aria-live", "polite");
    panel.appendChild(status);
    if (n <= 200) {
      /* for screen readers: every place and its periods, in timeline order */
      var list = el("ul", "mapgen-pc-sr mapgen-pc-tl-list");
      list.setAttribute("aria-label", "Places in the timeline");
      for (var t = 0; t < n; t++) {
        var i = order[t], info = (app.places.info && app.places.info[i]) || {};
        list.appendChild(el("li", null, names[i] + " (" + app.data.layers[layerOf[i]].label +
          "): " + (info.w || "")));
      }
      panel.appendChild(list);
    }

    this.tl = { rowPlace: rowPlace, rowY: rowY, total: y + 2, rowH: rowH, barH: barH,
      headH: headH, labels: labels, scroll: scroll, canvas: canvas, spacer: spacer,
      cursor: cursor, dimL: dimL, dimR: dimR, tip: tip, status: status, current: -1,
      stale: true, viewH: 0, width: 0, ctx: null };

    var frame = 0;
    scroll.addEventListener("scroll", function () {
      if (frame) return;
      frame = requestAnimationFrame(function () { frame = 0; self.drawTimeline(); });
    });
    scroll.addEventListener("pointermove", function (e) {
      if (e.pointerType === "touch") return;
      self.tl.keyboard = false;
      self.hoverAt(e, false);
    });
    scroll.addEventListener("pointerleave", function () {
      if (!self.tl.keyboard) self.setCursor(-1);
    });
    scroll.addEventListener("click", function (e) { self.hoverAt(e, true); });
    scroll.addEventListener("keydown", function (e) { self.onTimelineKey(e); });
    scroll.addEventListener("blur", function () { self.setCursor(-1); });
  };

  P.layoutTimeline = function () {
    var tl = this.tl;
    if (!tl || !this.timelineOpen) return;
    /* as tall as the rows, but leaving room for the controls at the top right and for the
     * rest of the bottom-right corner (attribution) */
    var c = this.app.container, root = this.element;
    var topRight = c.querySelector(".leaflet-top.leaflet-right");
    var above = topRight ? topRight.offsetHeight + 10 : 0;
    var corner = root.parentNode;
    var others = corner ? corner.offsetHeight - root.offsetHeight : 0;
    var room = c.clientHeight - above - others - (root.offsetHeight - tl.scroll.offsetHeight) - 10;
    var cap = Math.max(120, 0.4 * c.clientHeight); /* leave most of the map in view */
    var viewH = Math.max(0, Math.min(tl.total, clamp(room, 70, 460), cap));
    tl.viewH = viewH;
    tl.scroll.style.height = viewH + "px";
    tl.spacer.style.height = Math.max(0, tl.total - viewH) + "px";
    tl.width = tl.scroll.clientWidth;
    tl.ctx = sizeCanvas(tl.canvas, tl.width, viewH);
    tl.dimL.style.height = viewH + "px";
    tl.dimR.style.height = viewH + "px";
    this.drawTimeline();
    this.placeDims();
  };

  P.placeDims = function () {
    var tl = this.tl;
    if (!tl) return;
    var cur = this.current(), xa = this.xOf(cur[0]), xb = this.xOf(cur[1] + 1);
    tl.dimL.style.width = Math.max(0, xa) + "px";
    tl.dimR.style.left = xb + "px";
    tl.dimR.style.width = Math.max(0, tl.width - xb) + "px";
  };

  /* First row whose bottom is below y (binary search). */
  P.rowAt = function (y) {
    var rows = this.tl.rowY, lo = 0, hi = rows.length - 2;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (rows[mid] <= y) lo = mid; else hi = mid - 1;
    }
    return lo;
  };

  /* Draw the rows in view only: O(rows in view). */
  P.drawTimeline = function () {
    var tl = this.tl;
    if (!tl || !tl.ctx || !this.timelineOpen) return;
    tl.stale = false;
    var ctx = tl.ctx, W = tl.width, H = tl.viewH, top = tl.scroll.scrollTop, app = this.app;
    ctx.clearRect(0, 0, W, H);
    ctx.fillStyle = "#eceff3";
    for (var g = 0; g < this.ticks.length; g++) {
      ctx.fillRect(Math.round(this.ticks[g].x) - 0.5, 0, 1, H);
    }
    var on = [];
    for (var l = 0; l < app.data.layers.length; l++) on.push(app.layerOn(l));
    ctx.font = "10px " + FONT;
    ctx.textBaseline = "middle";
    for (var k = this.rowAt(top); k < tl.rowPlace.length && tl.rowY[k] < top + H; k++) {
      var p = tl.rowPlace[k], y = tl.rowY[k] - top;
      if (p < 0) this.drawHeader(ctx, -1 - p, y, W, on[-1 - p]);
      else this.drawRow(ctx, p, y, W, on[app.places.layer[p]]);
    }
    ctx.globalAlpha = 1;
  };

  P.drawHeader = function (ctx, layer, y, W, on) {
    var tl = this.tl, info = this.app.data.layers[layer];
    ctx.globalAlpha = on ? 1 : 0.45;
    if (tl.headH >= 12) {
      ctx.fillStyle = info.color;
      ctx.fillRect(4, y + tl.headH / 2 - 3, 6, 6);
      ctx.fillStyle = "#333";
      ctx.font = "600 10px " + FONT;
      ctx.textAlign = "left";
      ctx.fillText(info.label + (on ? "" : " (hidden)"), 14, y + tl.headH / 2);
      ctx.font = "10px " + FONT;
    } else {
      ctx.fillStyle = info.color;
      ctx.fillRect(0, y + tl.headH / 2 - 1, W, 1);
    }
  };

  P.drawRow = function (ctx, p, y, W, on) {
    var tl = this.tl, app = this.app, f = app.filter, bd = f.bounds;
    var color = app.data.layers[app.places.layer[p]].color;
    var top = y + (tl.rowH - tl.barH) / 2, h = tl.barH, right = PAD + this.tw;
    var bars = [];
    ctx.globalAlpha = on ? 1 : 0.3;
    for (var s = f.offsets[p]; s < f.offsets[p + 1]; s++) {
      var sw = bd[4 * s], sn = bd[4 * s + 1], en = bd[4 * s + 2], ew = bd[4 * s + 3];
      var flags = f.flags[s], ongoing = (flags & 4) !== 0;
      var xs = sn === -Infinity ? 0 : this.xOf(sn);
      var xe = en === Infinity ? right : this.xOf(en + 1);
      var xsw = sw === -Infinity ? 0 : this.xOf(sw);
      var xew = ew === Infinity ? right : this.xOf(ew + 1);
      if (xe - xs < 3) { var mid = (xs + xe) / 2; xs = mid - 1.5; xe = mid + 1.5; }
      ctx.fillStyle = color;
      /* uncertain padding: faded */
      ctx.globalAlpha = (on ? 1 : 0.3) * 0.3;
      if (xsw < xs) ctx.fillRect(xsw, top, xs - xsw, h);
      if (xew > xe) ctx.fillRect(xe, top, xew - xe, h);
      ctx.globalAlpha = on ? 1 : 0.3;
      if (sn === -Infinity || ((flags & 1) && xsw >= xs)) {
        ctx.fillStyle = this.fade(ctx, color, xs, Math.min(xe, xs + 18), true);
      }
      if (en === Infinity && !ongoing) {
        ctx.fillStyle = this.fade(ctx, color, Math.max(xs, xe - 24), xe, false);
      } else if ((flags & 2) && xew <= xe) {
        ctx.fillStyle = this.fade(ctx, color, Math.max(xs, xe - 10), xe, false);
      }
      ctx.fillRect(xs, top, xe - xs, h);
      if (en === Infinity && ongoing) { /* runs on: an arrowhead at the right edge */
        ctx.fillStyle = color;
        var ah = Math.max(h, 4), cy = top + h / 2;
        ctx.beginPath();
        ctx.moveTo(right, cy - ah / 2 - 1);
        ctx.lineTo(right + Math.min(8, ah + 2), cy);
        ctx.lineTo(right, cy + ah / 2 + 1);
        ctx.closePath();
        ctx.fill();
        xe = right + 8;
      }
      bars.push([Math.min(xs, xsw), Math.max(xe, xew), xs, xe]);
    }
    if (tl.labels && bars.length) this.drawName(ctx, app.places.name[p], bars, y, W, on);
  };

  /* The place's name beside its bars: after them, else in the widest free gap, else inside
   * its longest bar, else shortened to fit the widest gap. */
  P.drawName = function (ctx, name, bars, y, W, on) {
    var tl = this.tl, ty = y + tl.rowH / 2, w = ctx.measureText(name).width, i;
    bars.sort(function (a, b) { return a[0] - b[0]; });
    var gaps = [], edge = 2;
    for (i = 0; i < bars.length; i++) {
      if (bars[i][0] - 4 > edge) gaps.push([edge, bars[i][0] - 4, "right"]);
      edge = Math.max(edge, bars[i][1] + 4);
    }
    if (W - 2 > edge) gaps.push([edge, W - 2, "left"]);
    var last = gaps.length && gaps[gaps.length - 1][2] === "left" ? gaps[gaps.length - 1] : null;
    var widest = null;
    gaps.forEach(function (g) { if (!widest || g[1] - g[0] > widest[1] - widest[0]) widest = g; });
    var longest = bars.reduce(function (a, b) { return b[3] - b[2] > a[3] - a[2] ? b : a; });
    ctx.globalAlpha = on ? 1 : 0.45;
    ctx.fillStyle = "#2b3138";
    var gap = last && last[1] - last[0] >= w ? last : widest && widest[1] - widest[0] >= w ? widest
      : null;
    if (gap) {
      ctx.textAlign = gap[2];
      ctx.fillText(name, gap[2] === "left" ? gap[0] : gap[1], ty);
    } else if (longest[3] - longest[2] >= w + 8) {
      ctx.textAlign = "left";
      ctx.fillStyle = "#fff";
      ctx.fillText(name, Math.max(longest[2], 0) + 4, ty);
    } else if (widest && widest[1] - widest[0] > 30) {
      var room = widest[1] - widest[0], text = name;
      while (text.length > 1 && ctx.measureText(text + "…").width > room) text = text.slice(0, -1);
      ctx.textAlign = widest[2];
      ctx.fillText(text + "…", widest[2] === "left" ? widest[0] : widest[1], ty);
    }
  };

  /* A horizontal gradient from transparent to the colour (or back): an open or uncertain end. */
  P.fade = function (ctx, color, x0, x1, rising) {
    if (x1 - x0 < 1) return color;
    var g = ctx.createLinearGradient(x0, 0, x1, 0);
    var clear = this.transparent(color);
    g.addColorStop(0, rising ? clear : color);
    g.addColorStop(1, rising ? color : clear);
    return g;
  };

  P.transparent = function (color) {
    var m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
    if (!m) return "rgba(128,128,128,0)";
    return "rgba(" + parseInt(m[1], 16) + "," + parseInt(m[2], 16) + "," +
      parseInt(m[3], 16) + ",0)";
  };

  /* Hover (or click) on the timeline at a pointer event. */
  P.hoverAt = function (e, click) {
    var tl = this.tl, rect = tl.scroll.getBoundingClientRect();
    var x = e.clientX - rect.left, y = e.clientY - rect.top + tl.scroll.scrollTop;
    if (x > tl.width || y < 0 || y >= tl.total) { this.setCursor(-1); return; }
    var k = this.rowAt(y);
    if (tl.rowPlace[k] < 0) { this.setCursor(-1); return; }
    this.setCursor(k, x, e.clientY - rect.top);
    if (click) this.openPlace(tl.rowPlace[k], this.dayAt(x));
  };

  /* Mark row k (-1: none): highlight its place on the map and name it. */
  P.setCursor = function (k, x, y) {
    var tl = this.tl, app = this.app;
    if (!tl) return;
    var p = k >= 0 ? tl.rowPlace[k] : -1;
    if (k !== tl.current) {
      var old = tl.current >= 0 ? tl.rowPlace[tl.current] : -1;
      if (old >= 0) app.highlight(old, false);
      tl.current = k;
      if (p >= 0) app.highlight(p, true);
    }
    if (p < 0) { tl.cursor.hidden = true; tl.tip.hidden = true; return; }
    tl.cursor.hidden = false;
    tl.cursor.style.top = (tl.rowY[k] - 1) + "px";
    tl.cursor.style.height = (tl.rowY[k + 1] - tl.rowY[k] + 2) + "px";
    var tip = tl.tip, info = (app.places.info && app.places.info[p]) || {};
    var where = app.active[p] ? (app.layerOn(app.places.layer[p]) ? "" : "layer hidden")
      : "outside the period: click to show";
    tip.textContent = "";
    tip.appendChild(this.U.el("strong", null, app.places.name[p]));
    if (info.w) tip.appendChild(this.U.el("span", null, info.w));
    if (where) tip.appendChild(this.U.el("em", null, where));
    tip.hidden = false;
    var rowTop = tl.rowY[k] - tl.scroll.scrollTop;
    var tx = x === undefined ? PAD : x, ty = y === undefined ? rowTop : y;
    var tw = tip.offsetWidth, th = tip.offsetHeight;
    tip.style.left = clamp(tx + 12, 0, Math.max(0, tl.width - tw)) + "px";
    tip.style.top = (ty - th - 8 >= 0 ? ty - th - 8 : Math.min(ty + 14, tl.viewH - th)) + "px";
  };

  /* Open a place's popup; when it is outside the window, first stretch the window (or move
   * the date) to its nearest span, keeping the other end. */
  P.openPlace = function (p, nearDay) {
    var app = this.app, u = this.units, f = app.filter, bd = f.bounds;
    this.pause();
    if (!app.active[p]) {
      var best = null, bestDist = Infinity;
      for (var s = f.offsets[p]; s < f.offsets[p + 1]; s++) {
        var a = bd[4 * s + 1], b = bd[4 * s + 2];
        if (a === -Infinity) a = bd[4 * s];
        if (b === Infinity) b = bd[4 * s + 3];
        var dist = nearDay < a ? a - nearDay : nearDay > b ? nearDay - b : 0;
        if (dist < bestDist) { bestDist = dist; best = [a, b]; }
      }
      if (best) {
        var lo = clamp(best[0], this.D0, this.D1), hi = clamp(best[1], this.D0, this.D1);
        if (this.mode === "at") {
          var k = this.floorB(clamp(nearDay, lo, hi));
          this.setWindow(u.start(k), u.start(k + 1) - 1);
        } else if (hi < app.from) {
          this.setWindow(u.start(this.floorB(hi)), app.to);
        } else if (lo > app.to) {
          this.setWindow(app.from, u.start(this.ceilB(lo)) - 1);
        }
      }
    }
    app.openPopup(p);
  };

  P.onTimelineKey = function (e) {
    var tl = this.tl, k = tl.current, rows = tl.rowPlace, key = e.key;
    function next(from, dir) {
      for (var i = from + dir; i >= 0 && i < rows.length; i += dir) if (rows[i] >= 0) return i;
      return from;
    }
    if (key === "ArrowDown") k = k < 0 ? next(-1, 1) : next(k, 1);
    else if (key === "ArrowUp") k = k < 0 ? next(-1, 1) : next(k, -1);
    else if (key === "Home") k = next(-1, 1);
    else if (key === "End") k = next(rows.length, -1);
    else if (key === "PageDown" || key === "PageUp") {
      var dir = key === "PageDown" ? 1 : -1, jump = Math.max(1, Math.floor(tl.viewH / tl.rowH));
      k = k < 0 ? next(-1, 1) : next(clamp(k + dir * jump, 0, rows.length - 1) - dir, dir);
    }
    else if ((key === "Enter" || key === " ") && k >= 0) {
      e.preventDefault();
      e.stopPropagation();
      this.openPlace(rows[k], (this.app.from + this.app.to) / 2);
      return;
    }
    else if (key === "Escape" && k >= 0) { e.preventDefault(); this.setCursor(-1); return; }
    else return;
    e.preventDefault();
    if (k < 0 || rows[k] < 0) return;
    tl.keyboard = true;
    var scroll = tl.scroll, top = tl.rowY[k], bottom = tl.rowY[k + 1];
    if (top < scroll.scrollTop) scroll.scrollTop = top - 2;
    else if (bottom > scroll.scrollTop + tl.viewH) scroll.scrollTop = bottom - tl.viewH + 2;
    this.setCursor(k);
    var app = this.app, p2 = rows[k], info = (app.places.info && app.places.info[p2]) || {};
    tl.status.textContent = app.places.name[p2] + ": " + (info.w || "") +
      (app.active[p2] ? "" : " (outside the period)");
  };

  window.MapgenPeriodControl = PeriodControl;
})();
