/* timeline-panel.js: the period control's timeline panel: every place a row, every span a bar
 * on the control's time axis, grouped by layer and sorted by first date, drawn on one canvas
 * (rows in view only). Uncertain ends fade, ongoing spans end in an arrowhead, the days
 * outside the window are shaded. Hover or Up/Down marks a place on the map; click or Enter
 * opens it. Built when the panel is first opened.
 */
(function () {
  "use strict";
  var parts = window.MapgenPeriod = window.MapgenPeriod || {};
  if (parts.TimelinePanel) return;
  var ui = window.MapgenUI, el = ui.el, clamp = ui.clamp, FONT = ui.FONT;
  var INSET = parts.TimeScale.INSET;
  /* Label colours on the panel's white: 14.2:1 and 5.9:1 (WCAG AA asks 4.5:1). */
  var PANEL = "#ffffff", TEXT = "#2b3138", TEXT_OFF = "#5c6670";

  /* `text` as it fits in `room` px: whole, else cut at a word (or, for one long word, at a
   * letter) and ended with an ellipsis. */
  function fitText(ctx, text, room) {
    if (ctx.measureText(text).width <= room) return text;
    var words = text.split(" "), cut = "";
    for (var i = 0; i < words.length; i++) {
      var next = cut ? cut + " " + words[i] : words[i];
      if (ctx.measureText(next + "…").width > room) break;
      cut = next;
    }
    if (!cut) {
      cut = text;
      while (cut.length > 1 && ctx.measureText(cut + "…").width > room) cut = cut.slice(0, -1);
    }
    return cut.replace(/[\s,;:.-]+$/, "") + "…";
  }


  /* Row sizes by the number of places: names beside the bars only while they fit. */
  function rowSizes(count) {
    if (count <= 60) return { row: 16, bar: 8, header: 16, labels: true };
    if (count <= 300) return { row: 8, bar: 6, header: 15, labels: false };
    if (count <= 3000) return { row: 3, bar: 2, header: 6, labels: false };
    return { row: 2, bar: 2, header: 6, labels: false };
  }

  /* Place indices by layer, then first day, then name. */
  function rowOrder(app) {
    var n = app.count, time = app.filter, layerOf = app.places.layer, names = app.places.name;
    var first = new Float64Array(n);
    for (var p = 0; p < n; p++) {
      var earliest = Infinity, spans = time.spanRange(p);
      for (var s = spans[0]; s < spans[1]; s++) {
        var v = time.spanStart(s, true);
        if (v === -Infinity || isNaN(v)) v = time.spanStart(s, false);
        if (v < earliest) earliest = v;
      }
      first[p] = earliest;
    }
    var order = [];
    for (var q = 0; q < n; q++) order.push(q);
    return order.sort(function (x, y) {
      return (layerOf[x] - layerOf[y]) || (first[x] - first[y]) ||
        (names[x] < names[y] ? -1 : names[x] > names[y] ? 1 : x - y);
    });
  }

  /* A horizontal gradient from transparent to the colour (or back): an open or uncertain end. */
  function fade(ctx, color, x0, x1, rising) {
    if (x1 - x0 < 1) return color;
    var gradient = ctx.createLinearGradient(x0, 0, x1, 0);
    var m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
    var clear = m ? "rgba(" + parseInt(m[1], 16) + "," + parseInt(m[2], 16) + "," +
      parseInt(m[3], 16) + ",0)" : "rgba(128,128,128,0)";
    gradient.addColorStop(0, rising ? clear : color);
    gradient.addColorStop(1, rising ? color : clear);
    return gradient;
  }

  /* The rows are the places of control.app, or what its timelineSource() gives instead (a
   * tile folder's page: a row a layer, tiles.js), which answers the same members and
   * openRow(row, day) for a click. */
  function TimelinePanel(control) {
    var source = control.app.timelineSource ? control.app.timelineSource() : control.app;
    var self = this, app = source, n = app.count, order = rowOrder(app);
    var layerOf = app.places.layer, sizes = rowSizes(n);
    this.control = control;
    this.app = app;
    this.sizes = sizes;
    /* rowPlace[k]: the place in row k, or -1 - layer for a layer's header row;
     * rowTop[k]: its top in px (one more entry: the bottom of the last row) */
    this.rowPlace = [];
    this.rowTop = [];
    var y = 2, lastLayer = -1;
    for (var r = 0; r < n; r++) {
      var place = order[r];
      if (layerOf[place] !== lastLayer) {
        lastLayer = layerOf[place];
        this.rowPlace.push(-1 - lastLayer);
        this.rowTop.push(y);
        y += sizes.header;
      }
      this.rowPlace.push(place);
      this.rowTop.push(y);
      y += sizes.row;
    }
    this.rowTop.push(y + 2);
    this.height = y + 2; /* px of all rows */
    this.cursorRow = -1; /* the row marked by hover or keyboard */
    this.byKeyboard = false; /* marked with the keyboard: leaving with the pointer keeps it */
    this.stale = true; /* to redraw: a layer was switched */
    this.viewHeight = 0;
    this.width = 0;
    this.ctx = null;
    this.build(control.panel, order);

    var frame = 0;
    this.scroll.addEventListener("scroll", function () {
      if (frame) return;
      frame = requestAnimationFrame(function () { frame = 0; self.draw(); });
    });
    this.scroll.addEventListener("pointermove", function (e) {
      if (e.pointerType === "touch") return;
      self.byKeyboard = false;
      self.pointAt(e, false);
    });
    this.scroll.addEventListener("pointerleave", function () {
      if (!self.byKeyboard) self.setCursor(-1);
    });
    this.scroll.addEventListener("click", function (e) { self.pointAt(e, true); });
    this.scroll.addEventListener("keydown", function (e) { self.onKey(e); });
    this.scroll.addEventListener("blur", function () { self.setCursor(-1); });
  }

  var T = TimelinePanel.prototype;

  T.build = function (panel, order) {
    /* a tile map's timeline has a row a layer (tiles.js: noun "layer"), else a row a place */
    var app = this.app, n = app.count, layers = app.noun === "layer";
    var caption = el("div", "mapgen-pc-tl-caption");
    caption.appendChild(el("span", "mapgen-pc-tl-title", app.words.t("Timeline")));
    caption.appendChild(el("span", "mapgen-pc-tl-key",
      layers ? app.words.tn("{n} layer · faded: uncertain · ▸ ongoing",
        "{n} layers · faded: uncertain · ▸ ongoing", n)
        : app.words.tn("{n} place · faded: uncertain · ▸ ongoing",
          "{n} places · faded: uncertain · ▸ ongoing", n)));
    panel.appendChild(caption);
    var box = el("div", "mapgen-pc-tl");
    var scroll = this.scroll = el("div", "mapgen-pc-tl-scroll");
    scroll.setAttribute("tabindex", "0");
    scroll.setAttribute("role", "group");
    scroll.setAttribute("aria-label", layers ? app.words.tn(
      "Timeline of {n} layer. Up and Down choose a layer, Enter opens it on the map.",
      "Timeline of {n} layers. Up and Down choose a layer, Enter opens it on the map.", n)
      : app.words.tn(
        "Timeline of {n} place. Up and Down choose a place, Enter opens it on the map.",
        "Timeline of {n} places. Up and Down choose a place, Enter opens it on the map.", n));
    this.canvas = scroll.appendChild(el("canvas", "mapgen-pc-tl-canvas"));
    this.canvas.setAttribute("aria-hidden", "true");
    this.spacer = scroll.appendChild(el("div", "mapgen-pc-tl-spacer"));
    this.cursor = scroll.appendChild(el("div", "mapgen-pc-tl-cursor"));
    this.cursor.hidden = true;
    box.appendChild(scroll);
    this.tip = box.appendChild(el("div", "mapgen-pc-tip"));
    this.tip.hidden = true;
    panel.appendChild(box);
    this.status = el("div", "mapgen-pc-sr");
    this.status.setAttribute("aria-live", "polite");
    panel.appendChild(this.status);
    if (n <= 200) {
      /* for screen readers: every place and its periods, in timeline order */
      var list = el("ul", "mapgen-pc-sr mapgen-pc-tl-list");
      list.setAttribute("aria-label", app.words.t("Places in the timeline"));
      for (var t = 0; t < n; t++) {
        var i = order[t];
        list.appendChild(el("li", null, app.places.name[i] + " (" +
          app.data.layers[app.places.layer[i]].label + "): " + app.whenText(i)));
      }
      panel.appendChild(list);
    }
  };

  /* As tall as the rows, but no more than about 40% of the page's map: the control sits below
   * the map while the panel is open, and the map keeps the rest. */
  T.layout = function () {
    var control = this.control, root = control.element;
    var full = control.fullHeight || this.app.container.clientHeight;
    var rest = root.offsetHeight - this.scroll.offsetHeight; /* the control's other rows */
    var room = 0.45 * full - rest;
    var viewHeight = Math.max(0, Math.min(this.height, clamp(room, 60, 460)));
    this.viewHeight = viewHeight;
    this.scroll.style.height = viewHeight + "px";
    this.spacer.style.height = Math.max(0, this.height - viewHeight) + "px";
    this.width = this.scroll.clientWidth;
    this.ctx = ui.sizeCanvas(this.canvas, this.width, viewHeight);
    this.draw();
  };

  /* After a refresh: follow the window; redraw when a layer was switched. */
  T.update = function (layersChanged) {
    if (layersChanged) this.stale = true;
    if (!this.control.timelineOpen) return;
    this.shadeOutside();
  };

  /* The window moved: shade the days outside it, at the next frame. */
  T.shadeOutside = function () {
    var self = this;
    if (this.shadeFrame) return;
    this.shadeFrame = requestAnimationFrame(function () { self.shadeFrame = 0; self.draw(); });
  };

  /* The row at y px from the top of all rows (binary search). */
  T.rowAt = function (y) {
    var tops = this.rowTop, lo = 0, hi = tops.length - 2;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (tops[mid] <= y) lo = mid; else hi = mid - 1;
    }
    return lo;
  };

  /* Draw the rows in view only: O(rows in view). */
  T.draw = function () {
    var ctx = this.ctx;
    if (!ctx || !this.control.timelineOpen) return;
    this.stale = false;
    var W = this.width, H = this.viewHeight, top = this.scroll.scrollTop, app = this.app;
    var gridlines = this.control.ticks.major;
    ctx.clearRect(0, 0, W, H);
    ctx.fillStyle = "#eceff3";
    for (var g = 0; g < gridlines.length; g++) {
      ctx.fillRect(Math.round(gridlines[g].x) - 0.5, 0, 1, H);
    }
    var on = [];
    for (var l = 0; l < app.data.layers.length; l++) on.push(app.layerOn(l));
    ctx.font = "10px " + FONT;
    ctx.textBaseline = "middle";
    var labels = [], k, p, y;
    for (k = this.rowAt(top); k < this.rowPlace.length && this.rowTop[k] < top + H; k++) {
      p = this.rowPlace[k];
      y = this.rowTop[k] - top;
      if (p < 0) labels.push(this.drawHeader(ctx, -1 - p, y, W, on[-1 - p]));
      else labels.push(this.drawRow(ctx, p, y, W, on[app.places.layer[p]]));
    }
    ctx.globalAlpha = 1;
    this.drawShade(ctx, W, H);
    /* names last, each on a halo of the panel's white: no bar, line or shade crosses them */
    ctx.lineJoin = "round";
    ctx.lineWidth = 3;
    ctx.strokeStyle = PANEL;
    labels.forEach(function (label) {
      if (!label) return;
      ctx.font = label.font;
      ctx.textAlign = label.align;
      ctx.fillStyle = label.color;
      ctx.strokeText(label.text, label.x, label.y);
      ctx.fillText(label.text, label.x, label.y);
    });
  };

  /* The days outside the window, veiled in the panel's white, and the window's edges. */
  T.drawShade = function (ctx, W, H) {
    var scale = this.control.scale, cur = this.control.current();
    var xa = Math.round(scale.x(cur[0])), xb = Math.round(scale.x(cur[1] + 1));
    ctx.fillStyle = "rgba(255, 255, 255, 0.62)";
    if (xa > 0) ctx.fillRect(0, 0, xa, H);
    if (xb < W) ctx.fillRect(xb, 0, W - xb, H);
    ctx.fillStyle = "rgba(37, 99, 235, 0.6)";
    if (xa > 0) ctx.fillRect(xa - 1, 0, 1, H);
    if (xb < W) ctx.fillRect(xb, 0, 1, H);
  };

  /* A layer's header row; returns its label (drawn after the shade), or null. */
  T.drawHeader = function (ctx, layer, y, W, on) {
    var info = this.app.data.layers[layer], h = this.sizes.header;
    ctx.globalAlpha = on ? 1 : 0.45;
    ctx.fillStyle = info.color;
    if (h < 12) {
      ctx.fillRect(0, y + h / 2 - 1, W, 1);
      return null;
    }
    ctx.fillRect(4, y + h / 2 - 3, 6, 6);
    ctx.font = "600 10px " + FONT;
    var text = fitText(ctx, info.label + (on ? "" : " (hidden)"), W - 16);
    ctx.font = "10px " + FONT;
    return { text: text, x: 14, y: y + h / 2, align: "left", font: "600 10px " + FONT,
      color: on ? TEXT : TEXT_OFF };
  };

  /* Place p's spans as bars: the narrow bounds solid, the wide ones faded around them. */
  T.drawRow = function (ctx, p, y, W, on) {
    var app = this.app, time = app.filter, scale = this.control.scale, sizes = this.sizes;
    var color = app.data.layers[app.places.layer[p]].color, alpha = on ? 1 : 0.3;
    var top = y + (sizes.row - sizes.bar) / 2, h = sizes.bar, right = scale.rightEdge();
    var bars = [], spans = time.spanRange(p);
    ctx.globalAlpha = alpha;
    for (var s = spans[0]; s < spans[1]; s++) {
      var startWide = time.spanStart(s, false), startNarrow = time.spanStart(s, true);
      var endNarrow = time.spanEnd(s, true), endWide = time.spanEnd(s, false);
      var ongoing = time.isOngoing(s);
      var xs = startNarrow === -Infinity ? 0 : scale.x(startNarrow);
      var xe = endNarrow === Infinity ? right : scale.x(endNarrow + 1);
      var xsWide = startWide === -Infinity ? 0 : scale.x(startWide);
      var xeWide = endWide === Infinity ? right : scale.x(endWide + 1);
      if (xe - xs < 3) { var mid = (xs + xe) / 2; xs = mid - 1.5; xe = mid + 1.5; }
      ctx.fillStyle = color;
      ctx.globalAlpha = alpha * 0.3; /* uncertain padding: faded */
      if (xsWide < xs) ctx.fillRect(xsWide, top, xs - xsWide, h);
      if (xeWide > xe) ctx.fillRect(xe, top, xeWide - xe, h);
      ctx.globalAlpha = alpha;
      if (startNarrow === -Infinity || (time.isFuzzyStart(s) && xsWide >= xs)) {
        ctx.fillStyle = fade(ctx, color, xs, Math.min(xe, xs + 18), true);
      }
      if (endNarrow === Infinity && !ongoing) {
        ctx.fillStyle = fade(ctx, color, Math.max(xs, xe - 24), xe, false);
      } else if (time.isFuzzyEnd(s) && xeWide <= xe) {
        ctx.fillStyle = fade(ctx, color, Math.max(xs, xe - 10), xe, false);
      }
      ctx.fillRect(xs, top, xe - xs, h);
      if (endNarrow === Infinity && ongoing) { /* runs on: an arrowhead at the right edge */
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
      bars.push([Math.min(xs, xsWide), Math.max(xe, xeWide), xs, xe]);
    }
    return sizes.labels && bars.length ? this.nameLabel(ctx, app.places.name[p], bars, y, W, on)
      : null;
  };

  /* The place's name beside its bars ([outer left, outer right, solid left, solid right]):
   * after them, else in the widest free gap, shortened with an ellipsis when it must be (at a
   * word if it can); on the panel's background, never on a bar. Returns the label, or null. */
  T.nameLabel = function (ctx, name, bars, y, W, on) {
    var ty = y + this.sizes.row / 2, w = ctx.measureText(name).width, i;
    bars.sort(function (a, b) { return a[0] - b[0]; });
    var gaps = [], edge = 2; /* [left, right, text alignment] */
    for (i = 0; i < bars.length; i++) {
      if (bars[i][0] - 4 > edge) gaps.push([edge, bars[i][0] - 4, "right"]);
      edge = Math.max(edge, bars[i][1] + 4);
    }
    if (W - 2 > edge) gaps.push([edge, W - 2, "left"]);
    var last = gaps.length && gaps[gaps.length - 1][2] === "left" ? gaps[gaps.length - 1] : null;
    var widest = null;
    gaps.forEach(function (g) { if (!widest || g[1] - g[0] > widest[1] - widest[0]) widest = g; });
    var gap = last && last[1] - last[0] >= w ? last : widest;
    if (!gap || gap[1] - gap[0] < 30) return null;
    return { text: fitText(ctx, name, gap[1] - gap[0]), x: gap[2] === "left" ? gap[0] : gap[1],
      y: ty, align: gap[2], font: "10px " + FONT, color: on ? TEXT : TEXT_OFF };
  };

  /* Hover (or click) at a pointer event. */
  T.pointAt = function (e, click) {
    var rect = this.scroll.getBoundingClientRect();
    var x = e.clientX - rect.left, y = e.clientY - rect.top + this.scroll.scrollTop;
    if (x > this.width || y < 0 || y >= this.height) { this.setCursor(-1); return; }
    var k = this.rowAt(y);
    if (this.rowPlace[k] < 0) { this.setCursor(-1); return; }
    this.setCursor(k, x, e.clientY - rect.top);
    if (click) this.open(this.rowPlace[k], this.control.scale.dayAt(x));
  };

  /* Mark row k (-1: none): highlight its place on the map and name it in a tip at (x, y). */
  T.setCursor = function (k, x, y) {
    var app = this.app, p = k >= 0 ? this.rowPlace[k] : -1;
    if (k !== this.cursorRow) {
      var old = this.cursorRow >= 0 ? this.rowPlace[this.cursorRow] : -1;
      if (old >= 0) app.highlight(old, false);
      this.cursorRow = k;
      if (p >= 0) app.highlight(p, true);
    }
    if (p < 0) { this.cursor.hidden = true; this.tip.hidden = true; return; }
    this.cursor.hidden = false;
    this.cursor.style.top = (this.rowTop[k] - 1) + "px";
    this.cursor.style.height = (this.rowTop[k + 1] - this.rowTop[k] + 2) + "px";
    var tip = this.tip, when = app.whenText(p);
    var where = app.active[p]
      ? (app.layerOn(app.places.layer[p]) ? "" : app.words.t("layer hidden"))
      : app.words.t("outside the period: click to show");
    tip.textContent = "";
    tip.appendChild(el("strong", null, app.places.name[p]));
    if (when) tip.appendChild(el("span", null, when));
    if (where) tip.appendChild(el("em", null, where));
    tip.hidden = false;
    var rowTop = this.rowTop[k] - this.scroll.scrollTop;
    var tx = x === undefined ? INSET : x, ty = y === undefined ? rowTop : y;
    var tipWidth = tip.offsetWidth, tipHeight = tip.offsetHeight;
    tip.style.left = clamp(tx + 12, 0, Math.max(0, this.width - tipWidth)) + "px";
    tip.style.top = (ty - tipHeight - 8 >= 0 ? ty - tipHeight - 8
      : Math.min(ty + 14, this.viewHeight - tipHeight)) + "px";
  };

  /* Open row p at a day: its place's popup, or what the rows' source does. */
  T.open = function (p, day) {
    if (this.app.openRow) this.app.openRow(p, day);
    else this.control.openPlace(p, day);
  };

  T.onKey = function (e) {
    var k = this.cursorRow, rows = this.rowPlace, key = e.key, app = this.app;
    function next(from, dir) {
      for (var i = from + dir; i >= 0 && i < rows.length; i += dir) if (rows[i] >= 0) return i;
      return from;
    }
    if (key === "ArrowDown") k = k < 0 ? next(-1, 1) : next(k, 1);
    else if (key === "ArrowUp") k = k < 0 ? next(-1, 1) : next(k, -1);
    else if (key === "Home") k = next(-1, 1);
    else if (key === "End") k = next(rows.length, -1);
    else if (key === "PageDown" || key === "PageUp") {
      var dir = key === "PageDown" ? 1 : -1;
      var jump = Math.max(1, Math.floor(this.viewHeight / this.sizes.row));
      k = k < 0 ? next(-1, 1) : next(clamp(k + dir * jump, 0, rows.length - 1) - dir, dir);
    }
    else if ((key === "Enter" || key === " ") && k >= 0) {
      e.preventDefault();
      e.stopPropagation();
      this.open(rows[k], (app.from + app.to) / 2);
      return;
    }
    else if (key === "Escape" && k >= 0) { e.preventDefault(); this.setCursor(-1); return; }
    else return;
    e.preventDefault();
    if (k < 0 || rows[k] < 0) return;
    this.byKeyboard = true;
    var scroll = this.scroll, top = this.rowTop[k], bottom = this.rowTop[k + 1];
    if (top < scroll.scrollTop) scroll.scrollTop = top - 2;
    else if (bottom > scroll.scrollTop + this.viewHeight) {
      scroll.scrollTop = bottom - this.viewHeight + 2;
    }
    this.setCursor(k);
    var place = rows[k];
    this.status.textContent = app.places.name[place] + ": " + app.whenText(place) +
      (app.active[place] ? "" : " " + app.words.t("(outside the period)"));
  };

  TimelinePanel.label = { PANEL: PANEL, TEXT: TEXT, TEXT_OFF: TEXT_OFF, fitText: fitText };
  parts.TimelinePanel = TimelinePanel;
})();
