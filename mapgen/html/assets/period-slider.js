/* period-slider.js: the period control's rows and what they answer to: the two-handle range
 * slider (pointer and keyboard), the from/to fields, the "At one date" mode, the All button.
 * Methods of the PeriodControl (period-control.js assembles them); play is period-play.js.
 */
(function () {
  "use strict";
  var parts = window.MapgenPeriod = window.MapgenPeriod || {};
  if (parts.sliderMethods) return;
  var dates = window.MapgenDates, ui = window.MapgenUI, el = ui.el, button = ui.button;
  var clamp = ui.clamp;

  var M = {}, PRESENT = "present";

  /* ---- building the DOM ---- */

  M.build = function () {
    var self = this, scale = this.scale;
    var root = this.element = el("div", "mapgen-period-control leaflet-bar");
    root.setAttribute("role", "group");
    var words = this.app.words;
    root.setAttribute("aria-label", words.t("Period filter"));

    /* the timeline panel, collapsed; filled when first opened (timeline-panel.js) */
    var panel = this.panel = el("div", "mapgen-pc-panel");
    panel.id = this.id + "-timeline";
    panel.hidden = true;
    root.appendChild(panel);

    /* row 1: play, from – to, all, count */
    var head = el("div", "mapgen-pc-row mapgen-pc-head");
    this.playButton = button("mapgen-pc-play mapgen-controls-only", "", words.t("Play"));
    this.playButton.appendChild(el("span", "mapgen-pc-icon"));
    head.appendChild(this.playButton);
    var fields = el("div", "mapgen-pc-dates mapgen-controls-only");
    this.fromInput = this.makeInput("mapgen-pc-input mapgen-pc-from", "from");
    this.toInput = this.makeInput("mapgen-pc-input mapgen-pc-to", "to");
    this.dash = el("span", "mapgen-pc-dash", "–");
    this.dash.setAttribute("aria-hidden", "true");
    fields.appendChild(this.fromInput);
    fields.appendChild(this.dash);
    fields.appendChild(this.toInput);
    head.appendChild(fields);
    this.summary = el("div", "mapgen-pc-summary"); /* the period, while the control is folded */
    head.appendChild(this.summary);
    this.allButton = button("mapgen-pc-all mapgen-controls-only", words.t("All"));
    this.allButton.setAttribute("aria-label", words.t("All: show the whole period"));
    this.allButton.title = words.t("Show the whole period");
    head.appendChild(this.allButton);
    this.printLabel = el("div", "mapgen-pc-print-label");
    head.appendChild(this.printLabel);
    this.countNode = el("div", "mapgen-pc-count");
    this.countNode.setAttribute("aria-live", "polite");
    this.countNode.setAttribute("aria-atomic", "true");
    head.appendChild(this.countNode);
    this.collapseButton = button("mapgen-pc-collapse mapgen-toggle mapgen-controls-only");
    this.collapseButton.setAttribute("aria-label", words.t("Period filter"));
    this.collapseButton.title = words.t("Show or hide the period filter");
    head.appendChild(this.collapseButton);
    root.appendChild(head);

    /* rows 2 and 3, folded away with the button */
    var body = this.body = el("div", "mapgen-pc-body");
    body.id = this.id + "-body";
    root.appendChild(body);

    /* row 2: histogram, rail, handles, axis */
    var track = this.track = el("div", "mapgen-pc-track");
    this.histCanvas = el("canvas", "mapgen-pc-hist");
    this.histCanvas.setAttribute("aria-hidden", "true");
    track.appendChild(this.histCanvas);
    track.appendChild(el("div", "mapgen-pc-rail"));
    this.fill = el("div", "mapgen-pc-fill");
    track.appendChild(this.fill);
    this.axisCanvas = el("canvas", "mapgen-pc-axis");
    this.axisCanvas.setAttribute("aria-hidden", "true");
    track.appendChild(this.axisCanvas);
    this.fromHandle = this.makeHandle("mapgen-pc-handle mapgen-pc-handle-from", "from");
    this.toHandle = this.makeHandle("mapgen-pc-handle mapgen-pc-handle-to", "to");
    track.appendChild(this.fromHandle);
    track.appendChild(this.toHandle);
    body.appendChild(track);

    /* row 3: speed, mode, timeline */
    var tools = el("div", "mapgen-pc-row mapgen-pc-tools mapgen-controls-only");
    this.speedSelect = this.makeSpeedSelect();
    tools.appendChild(this.speedSelect);
    this.modeButton = button("mapgen-pc-mode", words.t("At one date"));
    this.modeButton.setAttribute("aria-pressed", "false");
    this.modeButton.title = {
      year: function () { return words.t("Show one year at a time"); },
      month: function () { return words.t("Show one month at a time"); },
      day: function () { return words.t("Show one day at a time"); }
    }[scale.units.kind]();
    tools.appendChild(this.modeButton);
    this.timelineButton = button("mapgen-pc-timeline-toggle", words.t("Timeline"));
    this.timelineButton.setAttribute("aria-expanded", "false");
    this.timelineButton.setAttribute("aria-controls", panel.id);
    tools.appendChild(this.timelineButton);
    this.undatedSwitch = this.makeUndatedSwitch();
    if (this.undatedSwitch) tools.appendChild(this.undatedSwitch);
    body.appendChild(tools);

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

  /* "Undated places" (on by default; undated=0 in the hash turns it off), when the app can
   * show and hide places without a date and (when it says which places those are) has some. */
  M.makeUndatedSwitch = function () {
    var app = this.app;
    if (typeof app.setShowUndated !== "function") return null;
    if (app.undated && !Array.prototype.some.call(app.undated, Boolean)) return null; /* none */
    var label = el("label", "mapgen-pc-undated");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = app.hashState("undated") !== "0";
    label.appendChild(box);
    label.appendChild(document.createTextNode(this.app.words.t("Undated places")));
    label.title = this.app.words.t("Show the places that have no date");
    box.addEventListener("change", function () {
      app.setShowUndated(box.checked);
      app.setHashState("undated", box.checked ? null : "0");
    });
    if (!box.checked) app.setShowUndated(false);
    this.undatedBox = box;
    return label;
  };

  M.makeInput = function (className, which) {
    var self = this, input = document.createElement("input");
    input.type = "text";
    input.className = className;
    input.setAttribute("inputmode", "text");
    input.setAttribute("autocomplete", "off");
    input.setAttribute("spellcheck", "false");
    input.size = 6;
    input.setAttribute("aria-label", which === "from"
      ? this.app.words.t("Start of period (year or date)")
      : this.app.words.t("End of period (year or date, or present)"));
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

  M.makeHandle = function (className, which) {
    var self = this, handle = el("div", className);
    handle.setAttribute("role", "slider");
    handle.setAttribute("tabindex", "0");
    handle.setAttribute("aria-orientation", "horizontal");
    handle.addEventListener("keydown", function (e) { self.onHandleKey(e, which); });
    return handle;
  };

  /* ---- the slider: pointer ---- */

  M.bindTrack = function () {
    var self = this, track = this.track, scale = this.scale;

    track.addEventListener("pointerdown", function (e) {
      if (e.button !== 0) return;
      e.preventDefault();
      self.pause();
      var left = track.getBoundingClientRect().left, x = e.clientX - left;
      var cur = self.current(), xa = scale.x(cur[0]), xb = scale.x(cur[1] + 1);
      /* kind: what moves ("from", "to", "band", "at"; "either" until the pointer says) */
      var drag = { kind: null, startX: x, from: cur[0], to: cur[1], left: left };
      if (self.mode === "at") {
        drag.kind = "at";
      } else if (e.target === self.fromHandle || e.target === self.toHandle) {
        drag.kind = Math.abs(xb - xa) < 4 ? "either"
          : e.target === self.fromHandle ? "from" : "to";
      } else if (x > xa + 4 && x < xb - 4 && !scale.isFull(self.app.from, self.app.to)) {
        drag.kind = "band";
        drag.firstUnit = scale.unitFloor(cur[0]);
        drag.units = scale.unitCeil(cur[1]) - drag.firstUnit;
        drag.grabbedUnit = scale.unitAt(x);
      } else {
        drag.kind = Math.abs(x - xa) <= Math.abs(x - xb) ? "from" : "to";
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
      self.hashDue();
    }
    track.addEventListener("pointerup", end);
    track.addEventListener("pointercancel", end);
    track.addEventListener("lostpointercapture", end);
  };

  M.dragTo = function (x) {
    var drag = this.drag, scale = this.scale, k;
    if (drag.kind === "either") {
      if (Math.abs(x - drag.startX) < 2) return;
      drag.kind = x < drag.startX ? "from" : "to";
      (drag.kind === "to" ? this.toHandle : this.fromHandle).focus({ preventScroll: true });
    }
    if (drag.kind === "at") {
      this.schedule(scale.unitsWindow(scale.unitAt(x), 1));
    } else if (drag.kind === "from") {
      k = clamp(scale.boundaryAt(x), scale.firstUnit, scale.unitCeil(drag.to) - 1);
      this.schedule([scale.units.start(k), drag.to]);
    } else if (drag.kind === "to") {
      k = clamp(scale.boundaryAt(x), scale.unitFloor(drag.from) + 1, scale.lastUnit + 1);
      this.schedule([drag.from, scale.units.start(k) - 1]);
    } else if (drag.kind === "band") {
      k = clamp(drag.firstUnit + scale.unitAt(x) - drag.grabbedUnit, scale.firstUnit,
        scale.lastUnit + 1 - drag.units);
      this.schedule(scale.unitsWindow(k, drag.units));
    }
  };

  /* ---- the slider: keyboard ---- */

  M.onHandleKey = function (e, which) {
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
  M.step = function (which, delta, edge) {
    var scale = this.scale, u = scale.units, a = this.app.from, b = this.app.to, k;
    var first = scale.firstUnit, last = scale.lastUnit;
    if (this.mode === "at") {
      k = edge ? (edge < 0 ? first : last) : clamp(scale.unitFloor(a) + delta, first, last);
      this.setWindow(scale.unitsWindow(k, 1));
    } else if (which === "from") {
      k = scale.unitFloor(a);
      var aligned = u.start(k) === a;
      if (edge) k = edge < 0 ? first : last + 1;
      else k += delta < 0 && !aligned ? delta + 1 : delta;
      k = clamp(k, first, scale.unitCeil(b) - 1);
      this.setWindow([u.start(k), b]);
    } else {
      k = scale.unitCeil(b);
      var alignedEnd = u.start(k) - 1 === b;
      if (edge) k = edge < 0 ? first : last + 1;
      else k += delta > 0 && !alignedEnd ? delta - 1 : delta;
      k = clamp(k, scale.unitFloor(a) + 1, last + 1);
      this.setWindow([a, u.start(k) - 1]);
    }
  };

  /* ---- the fields ---- */

  M.applyInput = function (which) {
    var input = which === "from" ? this.fromInput : this.toInput;
    var app = this.app, raw = input.value.trim(), text = dates.typed(raw, app.words), a, b;
    input.dirty = false;
    if (this.mode === "at") {
      a = dates.parseDay(text, false);
      b = dates.parseDay(text, true);
    } else if (which === "from") {
      a = text === "" ? app.extent[0] : dates.parseDay(text, false);
      b = app.to;
      if (a > b) b = dates.parseDay(text, true);
    } else {
      a = app.from;
      b = text === "" || this.isPresent(raw) ? app.extent[1] : dates.parseDay(text, true);
      if (b < a) a = dates.parseDay(text, false);
    }
    if (isNaN(a) || isNaN(b)) {
      input.setAttribute("aria-invalid", "true");
      input.title = this.app.words.t("Not a date: write a year (1981, 500 BCE), a month " +
        "(1981-06) or a day (1981-06-28)");
      this.update();
      return;
    }
    input.removeAttribute("aria-invalid");
    input.removeAttribute("title");
    this.pause();
    this.setWindow(this.scale.clampWindow(Math.min(a, b), Math.max(a, b)));
  };

  /* ---- mode: a range, or one year, month or day ---- */

  M.setMode = function (mode, keepPlaying) {
    mode = mode === "at" ? "at" : "range";
    if (!keepPlaying) this.pause();
    if (mode === this.mode) return;
    var app = this.app;
    this.flush();
    this.mode = mode;
    this.syncMode();
    if (mode === "at") {
      this.savedRange = [app.from, app.to];
      this.setWindow(this.scale.unitsWindow(this.scale.unitFloor(app.from), 1));
    } else if (this.savedRange) {
      var range = this.savedRange;
      this.savedRange = null;
      this.setWindow(range);
    } else {
      this.update();
    }
  };

  /* Back to a range, forgetting the range kept when "At one date" began. */
  M.leaveAtMode = function () {
    this.mode = "range";
    this.savedRange = null;
    this.syncMode();
  };

  M.syncMode = function () {
    var at = this.mode === "at";
    this.element.classList.toggle("mapgen-pc-at", at);
    this.modeButton.setAttribute("aria-pressed", at ? "true" : "false");
    this.toInput.hidden = at;
    this.dash.hidden = at;
    this.toHandle.hidden = at;
    this.fromInput.setAttribute("aria-label", at
      ? this.app.words.t("Date shown (year, month or day)")
      : this.app.words.t("Start of period (year or date)"));

  };

  /* ---- following the window ---- */

  M.positionHandles = function () {
    var scale = this.scale;
    if (!scale.width) return;
    var cur = this.current(), xa = scale.x(cur[0]), xb = scale.x(cur[1] + 1);
    this.fill.style.left = xa + "px";
    this.fill.style.width = Math.max(2, xb - xa) + "px";
    if (this.mode === "at") {
      this.fromHandle.style.left = (xa + xb) / 2 + "px";
    } else {
      this.fromHandle.style.left = xa + "px";
      this.toHandle.style.left = xb + "px";
    }
  };

  M.updateTexts = function () {
    var scale = this.scale, at = this.mode === "at", cur = this.current();
    var a = scale.startText(cur[0]), b = at ? scale.endText(cur[1]) : this.endText(cur[1]);
    var shown = at && a !== b ? dates.isoDate(cur[0]) : a;
    var words = this.app.words, era = scale.firstDay < dates.daysFromCivil(1, 1, 1);
    if (!this.fromInput.dirty) this.fromInput.value = dates.boxText(shown, words, era);
    if (!this.toInput.dirty) {
      this.toInput.value = b === PRESENT ? this.presentWord() : dates.boxText(b, words, era);
    }
    var yearMin = dates.civilFromDays(scale.firstDay)[0];
    var yearMax = dates.civilFromDays(scale.lastDay)[0];
    [[this.fromHandle, cur[0]], [this.toHandle, cur[1]]].forEach(function (pair) {
      pair[0].setAttribute("aria-valuemin", String(yearMin));
      pair[0].setAttribute("aria-valuemax", String(yearMax));
      pair[0].setAttribute("aria-valuenow", String(dates.civilFromDays(pair[1])[0]));
    });
    var words = this.app.words;
    this.fromHandle.setAttribute("aria-label", at ? words.t("Date shown")
      : words.t("Start of period"));
    this.toHandle.setAttribute("aria-label", words.t("End of period"));
    this.fromHandle.setAttribute("aria-valuetext", scale.valueText(a));
    this.toHandle.setAttribute("aria-valuetext", b === PRESENT ? this.presentWord()
      : scale.valueText(b));
    var period = this.periodText(cur);
    var label = at ? words.t("Date: {date}", { date: period })
      : words.t("Period: {period}", { period: period });
    if (this.printLabel.textContent !== label) this.printLabel.textContent = label;
    if (this.summary.textContent !== period) this.summary.textContent = period;
  };

  /* A window [from, to] in words, as the control's summary and the legend's count say it:
   * "1981 – 1986", "AD 50 – 150", "1981 – present", in the map's language. */
  M.periodText = function (cur) {
    var scale = this.scale, at = this.mode === "at";
    var b = at ? scale.endText(cur[1]) : this.endText(cur[1]);
    return b === PRESENT
      ? this.app.words.range(scale.humanText(scale.startText(cur[0])), this.presentWord(), 1)
      : scale.periodLabel(cur[0], cur[1]);
  };

  /* The end of a window as its field shows it: "present" for the end of an axis that runs to
   * today (an ongoing span), else "1990", "1990-06" or a day. */
  M.endText = function (day) {
    return this.runsToToday && day >= this.app.extent[1] ? PRESENT : this.scale.endText(day);
  };

  M.isPresent = function (text) {
    return /^(present|now|today)$/i.test(text) || text === this.presentWord();
  };

  /* "present" in the map's language: an open end's word, as the popups say it. */
  M.presentWord = function () {
    return this.app.words.tp("an open end", "present");
  };

  parts.sliderMethods = M;
})();
