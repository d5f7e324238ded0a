/* period-control.js: the period control of a mapgen map, assembled from its parts.
 *
 * A Leaflet control (bottom right) with a two-handle range slider over the data's time extent
 * (period-slider.js, on the axis of time-scale.js), a histogram of active places behind it
 * (period-histogram.js), editable from/to fields, an "at one date" mode, playback
 * (period-play.js), a count of places shown, a collapsible timeline of every span
 * (timeline-panel.js), and the period in the URL hash (period-hash.js, first map only). It
 * folds to a button (play, the period in words, the count); while the timeline is open it
 * docks below the map, which shrinks by as much.
 *
 * mapgen.js calls `new MapgenPeriodControl(app)` once per map, before the first refresh.
 * What the control uses of the app is listed in CONTRACT.md ("The app, as the period control
 * sees it"). Time is integer day numbers (dates.js). Text from data reaches the page through
 * textContent or canvas fillText only. These files are inlined after dates.js and ui.js, in
 * the order of elements.py; nothing here touches L or MapgenApp until a control is built.
 */
(function () {
  "use strict";
  if (window.MapgenPeriodControl) return;
  var parts = window.MapgenPeriod, ui = window.MapgenUI, now = ui.now, dates = window.MapgenDates;

  var seq = 0; /* makes element ids unique when a page holds several maps */

  function PeriodControl(app) {
    if (!(this instanceof PeriodControl)) return new PeriodControl(app);
    var self = this;
    this.app = app;
    this.id = "mapgen-pc-" + (++seq);
    this.scale = new parts.TimeScale(app.extent, app.words, app.data.calendar);
    this.mode = "range"; /* or "at": one year, month or day */
    this.savedRange = null; /* the range to return to when "At one date" ends */
    this.playing = false;
    this.drag = null; /* the slider drag under way (period-slider.js) */
    this.pending = null; /* a window waiting for the next frame */
    this.frame = 0;
    this.applyTimer = 0;
    this.applyCost = 0; /* ms the last period change took the map */
    this.appliedAt = -Infinity;
    this.layerSwitches = ""; /* "1" or "0" per layer, as last drawn */
    this.ticks = { major: [], minor: [] };
    this.timeline = null; /* the TimelinePanel, once opened */
    this.timelineOpen = false;
    this.dock = null; /* while the timeline is open: the box below the map that holds us */
    /* the axis runs to today because a span is ongoing: its end reads "present" */
    this.runsToToday = app.extent[1] === dates.today();

    this.hash = parts.HashSync.wanted(app) ? new parts.HashSync(this) : null;
    var fromHash = this.hash && this.hash.read();
    if (fromHash) { app.from = fromHash[0]; app.to = fromHash[1]; }

    this.histogram = new parts.Histogram(app, this.scale);
    this.build();
    this.setOpen = app.collapsible(this.element, this.collapseButton, this.body, "filter",
      function (open) {
        if (!open) self.toggleTimeline(false);
        self.layout();
      });
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
      var legend = app.legendElement();
      if (legend) observer.observe(legend);
    }
    /* The legend's count stays as it is, but only this control's count is announced. */
    if (app.countNode) app.countNode.removeAttribute("aria-live");
    this.layout();
  }

  var P = PeriodControl.prototype;
  [parts.sliderMethods, parts.playMethods].forEach(function (methods) {
    for (var name in methods) P[name] = methods[name];
  });

  /* The window shown, or about to be: [first day, last day]. */
  P.current = function () {
    return this.pending ? this.pending.slice() : [this.app.from, this.app.to];
  };

  /* ---- setting the window ---- */

  /* Apply [from, to] now (keyboard, fields, buttons). */
  P.setWindow = function (shown) {
    this.pending = null;
    this.cancelApply();
    if (shown[0] !== this.app.from || shown[1] !== this.app.to) {
      this.app.setDays(shown[0], shown[1]);
    } else {
      this.update();
    }
  };

  /* Apply [from, to] at the next animation frame, at most once per frame (dragging). The
   * handles and fields follow at once; when the map is slow to redraw (many places), the next
   * apply waits as long as the last one took, so the page keeps answering the pointer. */
  P.schedule = function (shown) {
    var self = this;
    this.pending = shown;
    this.positionHandles();
    this.updateTexts();
    this.drawHistogram();
    if (this.timelineOpen) this.timeline.shadeOutside();
    if (this.frame || this.applyTimer) return;
    var wait = this.applyCost - (now() - this.appliedAt);
    function frame() {
      self.frame = requestAnimationFrame(function () { self.frame = 0; self.flush(); });
    }
    if (wait > 4) {
      this.applyTimer = setTimeout(function () { self.applyTimer = 0; frame(); }, wait);
    } else {
      frame();
    }
  };

  P.cancelApply = function () {
    if (this.frame) { cancelAnimationFrame(this.frame); this.frame = 0; }
    if (this.applyTimer) { clearTimeout(this.applyTimer); this.applyTimer = 0; }
  };

  /* Apply a scheduled window now. */
  P.flush = function () {
    var shown = this.pending;
    this.pending = null;
    this.cancelApply();
    if (shown && (shown[0] !== this.app.from || shown[1] !== this.app.to)) {
      var start = now();
      this.app.setDays(shown[0], shown[1]);
      this.appliedAt = now();
      this.applyCost = this.appliedAt - start;
    }
  };

  P.showAll = function () {
    this.pause();
    this.leaveAtMode();
    this.setWindow(this.app.extent);
  };

  P.hashDue = function () {
    if (this.hash) this.hash.due();
  };

  /* ---- layout: the control's width and its canvases follow the map's size ---- */

  P.layout = function () {
    var app = this.app, root = this.element, width = app.container.clientWidth;
    if (!width || !root.parentNode) return;
    root.classList.toggle("mapgen-pc-small", app.isNarrow());
    if (this.body.hidden) { /* folded: as wide as its head row */
      root.style.width = "";
      app.arrange();
      return;
    }
    var legend = app.legendElement();
    var legendWidth = legend && legend.offsetWidth ? legend.offsetWidth + 10 : 0;
    var own = Math.min(560, width - legendWidth - 30);
    if (own < 250 || app.narrow) own = Math.min(560, width - 20);
    if (this.dock) own = width;
    var widthText = Math.floor(own) + "px";
    if (root.style.width !== widthText) root.style.width = widthText;
    var narrow = own < 340;
    if (narrow !== root.classList.contains("mapgen-pc-narrow")) {
      root.classList.toggle("mapgen-pc-narrow", narrow);
      Array.prototype.forEach.call(this.speedSelect.options, function (o) {
        o.textContent = narrow ? o.shortText : o.longText;
      });
    }
    var trackWidth = this.trackWidth = this.track.clientWidth;
    this.scale.width = Math.max(10, trackWidth - 2 * parts.TimeScale.INSET);
    this.histHeight = 30;
    this.histCtx = ui.sizeCanvas(this.histCanvas, trackWidth, this.histHeight);
    var axisCtx = ui.sizeCanvas(this.axisCanvas, trackWidth, 18);
    this.ticks = this.scale.ticks(axisCtx);
    this.scale.drawAxis(axisCtx, this.ticks, trackWidth, 18);
    this.drawHistogram();
    this.positionHandles();
    if (this.timelineOpen) this.timeline.layout();
    if (this.dock) this.fitDock();
    app.arrange();
  };

  P.drawHistogram = function () {
    if (!this.histCtx) return;
    var cur = this.current();
    this.histogram.draw(this.histCtx, this.trackWidth, this.histHeight, cur[0], cur[1]);
  };

  /* ---- after every refresh of the map ---- */

  P.update = function () {
    var app = this.app, switches = "";
    for (var l = 0; l < app.data.layers.length; l++) switches += app.layerOn(l) ? "1" : "0";
    var layersChanged = switches !== this.layerSwitches;
    this.layerSwitches = switches;
    if (this.mode === "at" && !this.scale.isSingle(app.from, app.to) && !this.playing) {
      this.leaveAtMode();
    }
    this.positionHandles();
    this.updateTexts();
    this.updateCount();
    this.drawHistogram();
    if (this.timeline) this.timeline.update(layersChanged);
    this.hashDue();
  };

  /* "12 of 20 places"; "1 of 6 dated places · 496 undated" (app.countText). */
  P.updateCount = function () {
    var text = this.app.countText(true);
    if (this.countNode.textContent !== text) this.countNode.textContent = text;
  };

  /* ---- the timeline panel ---- */

  /* The timeline docks below the map, with the rest of the control, and the map shrinks by
   * as much: the panel never covers the places (nor the popup opened from it). */
  P.toggleTimeline = function (open) {
    open = open === undefined ? !this.timelineOpen : !!open;
    if (open === this.timelineOpen) return;
    if (open && this.body.hidden) this.setOpen(true);
    var focused = document.activeElement;
    this.timelineOpen = open;
    this.panel.hidden = !open;
    this.timelineButton.setAttribute("aria-expanded", open ? "true" : "false");
    this.element.classList.toggle("mapgen-pc-timeline-open", open);
    if (open) this.toDock(); else this.fromDock();
    if (open) {
      if (!this.timeline) this.timeline = new parts.TimelinePanel(this);
    } else if (this.timeline) {
      this.timeline.setCursor(-1);
    }
    this.layout();
    this.app.fitView(); /* the map changed size: every place back in its free area */
    if (focused && focused !== document.activeElement && this.element.contains(focused)) {
      focused.focus({ preventScroll: true }); /* moving the control dropped the focus */
    }
  };

  /* Move the control from the map's corner into a box right after the map. */
  P.toDock = function () {
    var container = this.app.container;
    if (this.dock || !container.parentNode) return;
    this.mapHeight = container.style.height; /* as the page set it, to give back */
    this.fullHeight = container.offsetHeight;
    this.control.remove();
    this.dock = ui.el("div", "mapgen-dock");
    this.dock.appendChild(this.element);
    container.parentNode.insertBefore(this.dock, container.nextSibling);
    var self = this;
    this.onWindowResize = function () { self.fromDock(); self.toDock(); self.layout(); };
    window.addEventListener("resize", this.onWindowResize);
  };

  /* The map as tall as the page made it, less the dock. */
  P.fitDock = function () {
    var container = this.app.container;
    var height = Math.max(120, this.fullHeight - this.dock.offsetHeight) + "px";
    if (container.style.height !== height) {
      container.style.height = height;
      this.app.map.invalidateSize({ pan: false });
    }
  };

  P.fromDock = function () {
    if (!this.dock) return;
    window.removeEventListener("resize", this.onWindowResize);
    this.dock.parentNode.removeChild(this.dock);
    this.dock = null;
    this.app.container.style.height = this.mapHeight;
    this.control.addTo(this.app.map);
    this.app.map.invalidateSize({ pan: false });
  };

  /* Open place p's popup; when it is outside the window, first stretch the window (or move
   * the date) to its span nearest to nearDay, keeping the other end. */
  P.openPlace = function (p, nearDay) {
    var app = this.app, scale = this.scale, u = scale.units, time = app.filter;
    this.pause();
    if (!app.active[p]) {
      var best = null, bestDist = Infinity, spans = time.spanRange(p);
      for (var s = spans[0]; s < spans[1]; s++) {
        var a = time.spanStart(s, true), b = time.spanEnd(s, true);
        if (a === -Infinity) a = time.spanStart(s, false);
        if (b === Infinity) b = time.spanEnd(s, false);
        var dist = nearDay < a ? a - nearDay : nearDay > b ? nearDay - b : 0;
        if (dist < bestDist) { bestDist = dist; best = [a, b]; }
      }
      if (best) {
        var lo = ui.clamp(best[0], scale.firstDay, scale.lastDay);
        var hi = ui.clamp(best[1], scale.firstDay, scale.lastDay);
        if (this.mode === "at") {
          this.setWindow(scale.unitsWindow(scale.unitFloor(ui.clamp(nearDay, lo, hi)), 1));
        } else if (hi < app.from) {
          this.setWindow([u.start(scale.unitFloor(hi)), app.to]);
        } else if (lo > app.to) {
          this.setWindow([app.from, u.start(scale.unitCeil(lo)) - 1]);
        }
      }
    }
    app.openPopup(p);
  };

  window.MapgenPeriodControl = PeriodControl;
})();
