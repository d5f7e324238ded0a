/* period-histogram.js: the histogram behind the period slider: how many places are active in
 * each bin of the axis, per layer, drawn stacked in layer colours inside the window and as
 * grey totals outside it. Counted once, from a difference array; redrawn on every change.
 */
(function () {
  "use strict";
  var parts = window.MapgenPeriod = window.MapgenPeriod || {};
  if (parts.Histogram) return;
  var clamp = window.MapgenUI.clamp;

  var MAX_BINS = 400;

  /* Counts for `app`'s places over `scale`'s axis: a place counts once per bin it is active
   * in (its spans' bin ranges merged), in its layer's row. An app that has no spans of its
   * places but counts from its build (a tile folder's: tiles.js) gives them itself:
   * app.binCounts(first days of the bins and the day after the last, bins). */
  function Histogram(app, scale) {
    var u = scale.units, time = app.filter, strict = app.strict;
    var units = scale.unitCount();
    var perBin = units <= MAX_BINS ? 1 : parts.TimeScale.stepAtLeast(units / MAX_BINS);
    var base = Math.floor(scale.firstUnit / perBin) * perBin;
    var bins = Math.floor((scale.lastUnit - base) / perBin) + 1;
    var layers = app.data.layers.length, diff = new Int32Array(layers * (bins + 1));
    var firstDay = scale.firstDay, lastDay = scale.lastDay, starts = [], ends = [], r;
    var edges = new Float64Array(bins + 1);  /* the first day of each bin, unclamped */
    for (r = 0; r <= bins; r++) edges[r] = u.start(base + r * perBin);
    /* The bin of a day inside the axis: a binary search over the bins' first days (a calendar
     * conversion a bound, 340,000 of them at 100,000 places, took a tenth of the opening). */
    function bin(day) {
      var lo = 0, hi = bins - 1;
      while (lo < hi) {
        var mid = (lo + hi + 1) >> 1;
        if (edges[mid] <= day) lo = mid; else hi = mid - 1;
      }
      return lo;
    }
    function add(layer, first, last) {
      diff[layer * (bins + 1) + first]++;
      diff[layer * (bins + 1) + last + 1]--;
    }
    for (var p = 0; !app.binCounts && p < app.count; p++) {
      var layer = app.places.layer[p], m = 0, spans = time.spanRange(p);
      for (var s = spans[0]; s < spans[1]; s++) {
        var a = time.spanStart(s, strict), b = time.spanEnd(s, strict);
        if (b < firstDay || a > lastDay) continue;
        starts[m] = a <= firstDay ? 0 : bin(a);
        ends[m] = b >= lastDay ? bins - 1 : bin(b);
        m++;
      }
      if (m > 1) { /* count a place once per bin: merge its spans' bin ranges */
        var order = [];
        for (var i = 0; i < m; i++) order.push(i);
        order.sort(function (x, y) { return starts[x] - starts[y]; });
        var runStart = starts[order[0]], runEnd = ends[order[0]];
        for (var j = 1; j < m; j++) {
          var o = order[j];
          if (starts[o] <= runEnd + 1) { if (ends[o] > runEnd) runEnd = ends[o]; }
          else { add(layer, runStart, runEnd); runStart = starts[o]; runEnd = ends[o]; }
        }
        add(layer, runStart, runEnd);
      } else if (m === 1) {
        add(layer, starts[0], ends[0]);
      }
    }
    var counts = new Int32Array(layers * bins);
    for (var l = 0; !app.binCounts && l < layers; l++) {
      var run = 0;
      for (var q = 0; q < bins; q++) {
        run += diff[l * (bins + 1) + q];
        counts[l * bins + q] = run;
      }
    }
    var binStart = new Float64Array(bins + 1);
    for (r = 0; r <= bins; r++) binStart[r] = clamp(edges[r], firstDay, lastDay + 1);
    if (app.binCounts) counts = app.binCounts(binStart, bins);
    this.app = app;
    this.scale = scale;
    this.bins = bins;
    this.layers = layers;
    this.counts = counts; /* counts[layer * bins + bin] */
    this.binStart = binStart; /* first day of each bin, and the day after the last */
  }

  /* Draw on a W x H px canvas, the window [from, to] in colour. */
  Histogram.prototype.draw = function (ctx, W, H, from, to) {
    var app = this.app, scale = this.scale, bins = this.bins, layers = this.layers;
    var on = [], i, l;
    for (l = 0; l < layers; l++) on.push(app.layerOn(l));
    var totals = new Float64Array(bins), max = 0;
    for (i = 0; i < bins; i++) {
      var t = 0;
      for (l = 0; l < layers; l++) if (on[l]) t += this.counts[l * bins + i];
      totals[i] = t;
      if (t > max) max = t;
    }
    ctx.clearRect(0, 0, W, H);
    if (!max) return;
    var yScale = (H - 2) / max;
    var rects = new Float64Array(bins * 2); /* left and width of each bar */
    for (i = 0; i < bins; i++) {
      var x0 = scale.x(this.binStart[i]), x1 = scale.x(this.binStart[i + 1]);
      var w = x1 - x0;
      if (w > 3) { x0 += 0.5; w -= 1; }
      rects[2 * i] = x0;
      rects[2 * i + 1] = Math.max(w, 0.75);
    }
    /* outside the window: grey totals */
    ctx.fillStyle = "#b9c0c8";
    for (i = 0; i < bins; i++) {
      if (totals[i]) {
        var th = Math.max(1, totals[i] * yScale);
        ctx.fillRect(rects[2 * i], H - th, rects[2 * i + 1], th);
      }
    }
    /* inside the window: stacked layer colours */
    var xa = scale.x(from), xb = scale.x(to + 1);
    ctx.save();
    ctx.beginPath();
    ctx.rect(xa, 0, Math.max(1, xb - xa), H);
    ctx.clip();
    ctx.clearRect(xa, 0, xb - xa, H);
    for (i = 0; i < bins; i++) {
      var y = H;
      for (l = 0; l < layers; l++) {
        var c = on[l] ? this.counts[l * bins + i] : 0;
        if (!c) continue;
        var bh = c * yScale;
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

  parts.Histogram = Histogram;
})();
