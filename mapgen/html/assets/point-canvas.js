/* point-canvas.js: points drawn fast. One canvas for all layers when every place is a point
 * drawn here (nothing else sits between the layer panes); else one per layer pane (one per
 * layer when there are few layers, else consecutive layers share one: a canvas per layer made
 * a map of 500 layers take a minute to open), so shapes stay between the layers above and
 * below them. The points are stamped straight into its pixels, and a screen grid over the
 * points drawn lets a click or hover find the nearest. mapgen.js draws every point of a map
 * with it, few or many.
 */
(function () {
  "use strict";
  if (window.MapgenCanvasRenderer) return;

  function mercator(lon, lat) {
    var y = Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI / 180;
    return [(lon + 180) / 360, (1 - Math.log(Math.tan(y) + 1 / Math.cos(y)) / Math.PI) / 2];
  }

  /* "#rrggbb" and an opacity as one little-endian RGBA pixel. */
  function packColor(hex, alpha) {
    var v = parseInt(hex.slice(1), 16);
    if (hex.length === 4) {
      v = parseInt(hex[1] + hex[1] + hex[2] + hex[2] + hex[3] + hex[3], 16);
    }
    return ((Math.round(alpha * 255) << 24) | ((v & 0xff) << 16) | (v & 0xff00) |
      ((v >> 16) & 0xff)) >>> 0;
  }

  /* The canvas reaches this share of the map's size past each side: what a drag shows before
   * the redraw at its end. Every redraw fills and puts every pixel of it, one canvas a pane. */
  var PAD = 0.1;

  var stamps = {};

  /* The pixels of a disc of radius `radius`, as offsets in a row-major buffer `width` wide;
   * with `inner` and `dashes`, only those of the ring outside radius `inner`, in `dashes`
   * dashes with as many gaps between them (the undated places' dashed ring). */
  function stamp(radius, width, inner, dashes) {
    var key = radius + ":" + width + ":" + (inner || 0) + ":" + (dashes || 0);
    if (stamps[key]) return stamps[key];
    var dx = [], dy = [], offsets = [], out = radius * radius + radius * 0.8;
    var hole = inner ? inner * inner + inner * 0.8 : -1;
    for (var y = -radius; y <= radius; y++) {
      for (var x = -radius; x <= radius; x++) {
        var d = x * x + y * y;
        if (d > out || d <= hole) continue;
        if (dashes && Math.floor((Math.atan2(y, x) / Math.PI + 1) * dashes) % 2) continue;
        dx.push(x); dy.push(y); offsets.push(y * width + x);
      }
    }
    stamps[key] = { reach: radius, dx: Int8Array.from(dx), dy: Int8Array.from(dy),
      offsets: Int32Array.from(offsets) };
    return stamps[key];
  }

  function paint(pixels, disc, px, py, W, H, color, inside) {
    var offsets = disc.offsets, k, base = py * W + px;
    if (inside) {
      for (k = 0; k < offsets.length; k++) pixels[base + offsets[k]] = color;
      return;
    }
    for (k = 0; k < offsets.length; k++) {  /* at the canvas edge: clip each pixel */
      var x = px + disc.dx[k], y = py + disc.dy[k];
      if (x >= 0 && y >= 0 && x < W && y < H) pixels[y * W + x] = color;
    }
  }

  /* The points `mine` (1 a place) of `app`, each a disc of `radius` CSS pixels. */
  function CanvasRenderer(app, mine, radius) {
    this.app = app;
    this.radius = radius;
    var p = app.places, n = app.count, perLayer = [], layerCount = app.groups.length, k, i;
    var all = true;
    this.wx = new Float64Array(n);
    this.wy = new Float64Array(n);
    for (k = 0; k < layerCount; k++) perLayer.push([]);
    for (i = 0; i < n; i++) {
      if (!mine[i]) { all = false; continue; }
      var w = mercator(app.lon[i], app.lat[i]);
      this.wx[i] = w[0];
      this.wy[i] = w[1];
      perLayer[p.layer[i]].push(i);
    }
    this.layers = [];
    this.active = app.active;
    this.undated = app.undated;
    if (!PointCanvas) definePointCanvas();
    /* One canvas (in the first layer's pane), or one per layer pane (app.paneOf); within it
     * the first layer is drawn last (on top). Each canvas costs a fill, a putImageData and a
     * composite of all its pixels a redraw: at 100,000 points in 4 layers, one canvas made a
     * zoom a third faster. */
    var size = all ? layerCount : app.paneSize;
    for (var first = 0; first < layerCount; first += size) {
      var members = [];
      for (k = first; k < Math.min(first + size, layerCount); k++) {
        members.push({ index: k, places: Int32Array.from(perLayer[k]),
          rgba: packColor(app.data.layers[k].color, 0.85),
          hollow: packColor(app.data.layers[k].color, 1) });
      }
      this.layers.push(new PointCanvas(this, first, members));
    }
    this.tooltip = L.tooltip({ direction: "top", offset: [0, -radius - 2] });
    this.marked = {};  /* a ring by place index, for each place highlighted */
    var self = this;
    app.map.on("click", function (e) { self.click(e); });
    app.map.on("mousemove", function (e) { self.hover(e); });
    app.map.on("mouseout", function () { self.hover(null); });
    app.map.on("overlayadd overlayremove", function () { self.sync(); });
    this.sync();
  }

  /* Each canvas on the map while one of its layers is switched on, redrawn when one changes. */
  CanvasRenderer.prototype.sync = function () {
    var map = this.app.map;
    for (var c = 0; c < this.layers.length; c++) {
      var canvas = this.layers[c], on = canvas.layersOn();
      if (on && !map.hasLayer(canvas)) canvas.addTo(map);
      else if (!on && map.hasLayer(canvas)) canvas.remove();
      else if (on) canvas.schedule();
    }
  };

  /* The first drawing, once the app's first view is set (mapgen.js start): every canvas on
   * the map, now, in that view (a redraw waiting for a frame is dropped). */
  CanvasRenderer.prototype.flush = function () {
    for (var k = 0; k < this.layers.length; k++) {
      var canvas = this.layers[k];
      if (canvas.frame) cancelAnimationFrame(canvas.frame);
      canvas.frame = 0;
      canvas.redraw();
    }
  };

  CanvasRenderer.prototype.update = function (active) {
    this.active = active;
    for (var k = 0; k < this.layers.length; k++) this.layers[k].schedule();
  };

  /* The place drawn nearest to a container point, within reach of a click; -1 if none. */
  CanvasRenderer.prototype.pick = function (point) {
    var reach = (this.radius + 4) * (this.radius + 4);
    for (var k = 0; k < this.layers.length; k++) {  /* the first canvas is drawn on top */
      var hit = this.layers[k].nearest(point, reach);
      if (hit[0] >= 0) return hit[0];
    }
    return -1;
  };

  CanvasRenderer.prototype.click = function (e) {
    var i = this.pick(e.containerPoint);
    if (i >= 0) this.openPopup(i);
  };

  CanvasRenderer.prototype.hover = function (e) {
    var i = e ? this.pick(e.containerPoint) : -1, map = this.app.map;
    map.getContainer().style.cursor = i >= 0 ? "pointer" : "";
    if (i < 0) { if (map.hasLayer(this.tooltip)) map.closeTooltip(this.tooltip); return; }
    this.tooltip.setLatLng(this.latLng(i)).setContent(this.app.tooltipContent(i));
    if (!map.hasLayer(this.tooltip)) this.tooltip.addTo(map);
  };

  CanvasRenderer.prototype.latLng = function (i) {
    return L.latLng(this.app.lat[i], this.app.lon[i]);
  };

  CanvasRenderer.prototype.openPopup = function (i) {
    if (!this.active[i] || !this.app.layerOn(this.app.places.layer[i])) return;
    L.popup({ maxWidth: 340, autoPanPadding: [20, 20] }).setLatLng(this.latLng(i))
      .setContent(this.app.popupContent(i)).openOn(this.app.map);
  };

  /* Ring place i (on) or take its ring away: several places may be highlighted at once (a
   * story step's). */
  CanvasRenderer.prototype.highlight = function (i, on) {
    if (this.marked[i]) { this.marked[i].remove(); delete this.marked[i]; }
    if (!on || !this.active[i]) return;
    var color = this.app.data.layers[this.app.places.layer[i]].color;
    this.marked[i] = L.circleMarker(this.latLng(i), { radius: this.radius + 5, color: color,
      weight: 3, fill: false, interactive: false }).addTo(this.app.map);
  };

  /* Some layers' points on one canvas, redrawn after a move, a zoom or a period change. */
  var PointCanvas = null;

  function definePointCanvas() {
    PointCanvas = L.Layer.extend({
      initialize: function (renderer, layerIndex, members) {
        this.renderer = renderer;
        this.layerIndex = layerIndex;  /* its first layer: the pane it sits in */
        this.members = members;  /* [{index, places, rgba, hollow}] in layer order */
        var total = 0;
        for (var m = 0; m < members.length; m++) total += members[m].places.length;
        this.drawnCount = 0;
        this.drawn = new Int32Array(total);
        this.xs = new Float32Array(total);
        this.ys = new Float32Array(total);
        this.frame = 0;
      },
      layersOn: function () {
        for (var m = 0; m < this.members.length; m++) {
          if (this.renderer.app.layerOn(this.members[m].index)) return true;
        }
        return false;
      },
      onAdd: function (map) {
        this.canvas = L.DomUtil.create("canvas", "mapgen-points leaflet-zoom-animated");
        this.canvas.setAttribute("aria-hidden", "true");
        map.getPane("mapgen-layer-" + this.layerIndex).appendChild(this.canvas);
        map.on("moveend zoomend resize viewreset", this.schedule, this);
        map.on("zoomanim", this.animateZoom, this);
        this.schedule();
      },
      onRemove: function (map) {
        L.DomUtil.remove(this.canvas);
        map.off("moveend zoomend resize viewreset", this.schedule, this);
        map.off("zoomanim", this.animateZoom, this);
        if (this.frame) cancelAnimationFrame(this.frame);
        this.frame = 0;
      },
      /* During a zoom animation the drawn picture is scaled to where the zoom ends (as
       * Leaflet's own renderers do), not hidden; it is redrawn once, after. */
      animateZoom: function (e) {
        if (!this.drawnAt) return;
        var map = this._map, scale = map.getZoomScale(e.zoom, this.drawnAt.zoom);
        var offset = L.point(this.drawnAt.x * scale, this.drawnAt.y * scale)
          ._subtract(map._getNewPixelOrigin(e.center, e.zoom));
        L.DomUtil.setTransform(this.canvas, offset, scale);
      },
      /* A redraw in the next frame; none before the app's first view is set (its first
       * drawing is flush's, where the points stay). */
      schedule: function () {
        if (!this._map || this.frame || !this.renderer.app.ready) return;
        var self = this;
        this.frame = requestAnimationFrame(function () { self.frame = 0; self.redraw(); });
      },
      redraw: function () {
        var map = this._map;
        if (!map) return;
        var size = map.getSize(), pad = PAD, ratio = window.devicePixelRatio || 1;
        var w = Math.round(size.x * (1 + 2 * pad)), h = Math.round(size.y * (1 + 2 * pad));
        var topLeft = map.containerPointToLayerPoint([-size.x * pad, -size.y * pad]).round();
        L.DomUtil.setPosition(this.canvas, topLeft);
        if (this.canvas.width !== Math.round(w * ratio) || this.canvas.height !== Math.round(h * ratio)) {
          this.canvas.width = Math.round(w * ratio);
          this.canvas.height = Math.round(h * ratio);
          this.canvas.style.width = w + "px";
          this.canvas.style.height = h + "px";
        }
        /* Points are stamped straight into the pixels (one putImageData a redraw): with no
         * path to rasterise, 100,000 points cost a few tens of milliseconds. */
        var ctx = this.canvas.getContext("2d"), W = this.canvas.width, H = this.canvas.height;
        if (!this.image || this.image.width !== W || this.image.height !== H) {
          this.image = ctx.createImageData(W, H);
          this.pixels = new Uint32Array(this.image.data.buffer);
        }
        var pixels = this.pixels;
        pixels.fill(0);
        var r = this.renderer, wx = r.wx, wy = r.wy, active = r.active, undated = r.undated;
        var scale = 256 * Math.pow(2, map.getZoom()), origin = map.getPixelOrigin();
        var ox = origin.x + topLeft.x, oy = origin.y + topLeft.y;
        this.drawnAt = { x: ox, y: oy, zoom: map.getZoom() };  /* its corner in world pixels */
        var on = [], count = 0, m, j, i, x, y, idx;
        for (m = 0; m < this.members.length; m++) {
          on.push(r.app.layerOn(this.members[m].index));
          if (!on[m]) continue;
          idx = this.members[m].places;
          for (j = 0; j < idx.length; j++) count += active[idx[j]];
        }
        var rimmed = count <= 20000;  /* a light rim tells neighbours apart where affordable */
        var radius = Math.round(r.radius * ratio), edge = Math.max(1, Math.round(ratio));
        var disc = stamp(radius, W);
        var rim = rimmed ? stamp(radius + edge, W) : null;
        /* undated places: white inside a dashed ring in the layer's colour, dashes about
         * 3 px long, as the vector renderer's "3 3" */
        var dashes = Math.max(2, Math.round(2 * Math.PI * radius / (6 * ratio)));
        var ringStamp = stamp(radius, W, Math.max(0, radius - 2 * edge), dashes);
        var reach = (rim || disc).reach, n = 0, white = 0xd9ffffff;
        for (m = this.members.length - 1; m >= 0; m--) {  /* the first layer on top */
          if (!on[m]) continue;
          idx = this.members[m].places;
          var color = this.members[m].rgba, ring = this.members[m].hollow;
          for (j = 0; j < idx.length; j++) {
            i = idx[j];
            if (!active[i]) continue;
            x = wx[i] * scale - ox;
            y = wy[i] * scale - oy;
            var px = Math.round(x * ratio), py = Math.round(y * ratio);
            if (px < -reach || py < -reach || px >= W + reach || py >= H + reach) continue;
            var inside = px >= reach && py >= reach && px < W - reach && py < H - reach;
            if (rim) paint(pixels, rim, px, py, W, H, white, inside);
            if (undated && undated[i]) {
              paint(pixels, disc, px, py, W, H, white, inside);
              paint(pixels, ringStamp, px, py, W, H, ring, inside);
            } else {
              paint(pixels, disc, px, py, W, H, color, inside);
            }
            this.drawn[n] = i;
            this.xs[n] = x + topLeft.x;  /* in layer points, stable while panning */
            this.ys[n] = y + topLeft.y;
            n++;
          }
        }
        ctx.putImageData(this.image, 0, 0);
        this.drawnCount = n;
        this.grid = null;  /* rebuilt on the first click or hover after a redraw */
      },
      /* A screen grid over the drawn points, built lazily: counting sort into 24 px cells. */
      buildGrid: function () {
        var cell = 24, n = this.drawnCount, minX = Infinity, minY = Infinity, maxX = -Infinity,
          maxY = -Infinity, j;
        for (j = 0; j < n; j++) {
          if (this.xs[j] < minX) minX = this.xs[j];
          if (this.xs[j] > maxX) maxX = this.xs[j];
          if (this.ys[j] < minY) minY = this.ys[j];
          if (this.ys[j] > maxY) maxY = this.ys[j];
        }
        var cols = n ? Math.floor((maxX - minX) / cell) + 1 : 1;
        var rows = n ? Math.floor((maxY - minY) / cell) + 1 : 1;
        var start = new Int32Array(cols * rows + 1), items = new Int32Array(n), at;
        var cellOf = new Int32Array(n);
        for (j = 0; j < n; j++) {
          at = Math.floor((this.ys[j] - minY) / cell) * cols + Math.floor((this.xs[j] - minX) / cell);
          cellOf[j] = at;
          start[at + 1]++;
        }
        for (j = 0; j < cols * rows; j++) start[j + 1] += start[j];
        var fill = start.slice(0, cols * rows);
        for (j = 0; j < n; j++) items[fill[cellOf[j]]++] = j;
        this.grid = { cell: cell, cols: cols, rows: rows, minX: minX, minY: minY, start: start,
          items: items };
      },
      /* [place index, squared distance] of the drawn point nearest a container point. */
      nearest: function (point, maxD) {
        if (!this._map || !this.drawnCount) return [-1, maxD];
        if (!this.grid) this.buildGrid();
        var g = this.grid, p = this._map.containerPointToLayerPoint(point);
        var cx = Math.floor((p.x - g.minX) / g.cell), cy = Math.floor((p.y - g.minY) / g.cell);
        var best = -1, bestD = maxD, top = -1;
        for (var y = cy - 1; y <= cy + 1; y++) {
          if (y < 0 || y >= g.rows) continue;
          for (var x = cx - 1; x <= cx + 1; x++) {
            if (x < 0 || x >= g.cols) continue;
            var c = y * g.cols + x;
            for (var s = g.start[c]; s < g.start[c + 1]; s++) {
              var j = g.items[s], dx = this.xs[j] - p.x, dy = this.ys[j] - p.y;
              var d = dx * dx + dy * dy;
              /* nearest wins; among equals the one drawn last (on top) */
              if (d < bestD || (d === bestD && j > top)) { bestD = d; best = this.drawn[j]; top = j; }
            }
          }
        }
        return [best, bestD];
      }
    });
  }

  window.MapgenCanvasRenderer = CanvasRenderer;
})();
