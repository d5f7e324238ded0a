/* mapgen.js: draws, filters and explains the places of one mapgen map.
 *
 * Time is integer day numbers (0 = 1970-01-01, proleptic Gregorian), never JavaScript Date
 * epoch arithmetic, so BCE years and open ends filter like any other date.
 * Text from data only ever reaches the page through textContent or attributes, never HTML.
 */
(function () {
  "use strict";
  if (window.MapgenApp) return;

  var MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

  function daysFromCivil(y, m, d) {
    y -= m <= 2 ? 1 : 0;
    var era = Math.floor(y / 400);
    var yoe = y - era * 400;
    var doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
    var doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    return era * 146097 + doe - 719468;
  }

  function civilFromDays(z) {
    z += 719468;
    var era = Math.floor(z / 146097);
    var doe = z - era * 146097;
    var yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) -
      Math.floor(doe / 146096)) / 365);
    var doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    var mp = Math.floor((5 * doy + 2) / 153);
    var d = doy - Math.floor((153 * mp + 2) / 5) + 1;
    var m = mp + (mp < 10 ? 3 : -9);
    return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
  }

  function pad(n, width) {
    var s = String(Math.abs(n));
    while (s.length < width) s = "0" + s;
    return s;
  }

  function isoDate(days) {
    var c = civilFromDays(days);
    var year = c[0] >= 0 && c[0] <= 9999 ? pad(c[0], 4) : (c[0] < 0 ? "-" : "+") + pad(c[0], 4);
    return year + "-" + pad(c[1], 2) + "-" + pad(c[2], 2);
  }

  function monthLength(y, m) {
    var leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    return m === 2 && leap ? 29 : MONTH_DAYS[m - 1];
  }

  /* A year (number), or "YYYY", "YYYY-MM", "YYYY-MM-DD" with an optional sign, to a day
   * number: its first day, or its last when `end` is set. NaN when it is not a date. */
  function parseDay(value, end) {
    if (typeof value === "number") {
      if (!isFinite(value)) return NaN;
      value = String(Math.trunc(value));
    }
    var m = /^\s*([+-]?\d{1,6})(?:-(\d{2})(?:-(\d{2}))?)?\s*$/.exec(String(value));
    if (!m) return NaN;
    var y = parseInt(m[1], 10);
    var month = m[2] ? parseInt(m[2], 10) : end ? 12 : 1;
    if (month < 1 || month > 12) return NaN;
    var last = monthLength(y, month);
    var day = m[3] ? parseInt(m[3], 10) : end ? last : 1;
    if (day < 1 || day > last) return NaN;
    return daysFromCivil(y, month, day);
  }

  function today() {
    var now = new Date();
    return daysFromCivil(now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate());
  }

  function isWebUrl(url) {
    return typeof url === "string" && /^https?:\/\/[^\s]/i.test(url);
  }

  function missing(value) {
    return value === null || value === undefined || value === "";
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  /* ---- the filter: span bounds per place, in flat typed arrays ---- */

  function TimeFilter(time, count) {
    this.offsets = Int32Array.from(time.offsets);
    var b = time.bounds;
    this.bounds = new Float64Array(b.length);
    for (var i = 0; i < b.length; i++) {
      this.bounds[i] = b[i] === null ? (i % 4 < 2 ? -Infinity : Infinity) : b[i];
    }
    this.flags = Uint8Array.from(time.flags);
    this.count = count;
  }

  /* Mark in `out` (Uint8Array) the places with a span that overlaps [from, to]. */
  TimeFilter.prototype.apply = function (from, to, strict, out) {
    var offsets = this.offsets, bounds = this.bounds;
    var lo = strict ? 1 : 0, hi = strict ? 2 : 3, shown = 0;
    for (var p = 0; p < this.count; p++) {
      var hit = 0;
      for (var s = offsets[p]; s < offsets[p + 1]; s++) {
        if (bounds[4 * s + lo] <= to && bounds[4 * s + hi] >= from) { hit = 1; break; }
      }
      out[p] = hit;
      shown += hit;
    }
    return shown;
  };

  /* The finite time extent of the data; an open end runs to today. */
  TimeFilter.prototype.extent = function () {
    var min = Infinity, max = -Infinity, b = this.bounds, open = false;
    for (var i = 0; i < b.length; i++) {
      if (isFinite(b[i])) { if (b[i] < min) min = b[i]; if (b[i] > max) max = b[i]; }
      else if (i % 4 === 3) open = true;
    }
    if (!isFinite(min)) { min = today() - 3650; max = today(); }
    if (open) max = Math.max(max, today());
    return [min, max];
  };

  /* ---- the app: one per map ---- */

  function MapgenApp(map, groups, layerControl, data) {
    this.map = map;
    this.groups = groups;
    this.layerControl = layerControl;
    this.data = data;
    this.places = data.places;
    this.count = data.places.id.length;
    this.filter = new TimeFilter(data.time, this.count);
    this.active = new Uint8Array(this.count).fill(1);
    this.strict = !!data.strict;
    this.listeners = [];
    this.ready = false;
    var ext = this.filter.extent();
    if (data.window) {
      if (data.window[0] !== null) ext[0] = Math.max(ext[0], data.window[0]);
      if (data.window[1] !== null) ext[1] = Math.min(ext[1], data.window[1]);
    }
    this.extent = ext;
    this.from = ext[0];
    this.to = ext[1];
    this.container = map.getContainer();
  }

  MapgenApp.create = function (map, groups, layerControl, data) {
    function go() {
      var app = new MapgenApp(map, groups, layerControl, data);
      app.container.mapgen = app;
      if (!window.mapgen) window.mapgen = app;
      app.start();
      return app;
    }
    if (!data.packed) return go();
    /* Large maps carry their places gzip-compressed (base64): decompress natively, then go. */
    var bytes = Uint8Array.from(atob(data.packed), function (c) { return c.charCodeAt(0); });
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(function (text) {
      var rest = JSON.parse(text);
      for (var key in rest) data[key] = rest[key];
      delete data.packed;
      return go();
    });
  };

  MapgenApp.util = { daysFromCivil: daysFromCivil, civilFromDays: civilFromDays,
    isoDate: isoDate, parseDay: parseDay, today: today, el: el };

  MapgenApp.prototype.start = function () {
    /* One pane per layer, the first layer on top, so headquarters are not hidden under
     * events at the same spot. */
    for (var k = 0; k < this.data.layers.length; k++) {
      this.map.createPane("mapgen-layer-" + k).style.zIndex = String(450 - k);
    }
    if (this.data.basemap) this.addBasemap();
    this.renderer = new Renderers(this);
    this.paths = new PathRenderer(this);
    this.legend = legendControl(this).addTo(this.map);
    if (window.MapgenPeriodControl) this.periodControl = new window.MapgenPeriodControl(this);
    var self = this;
    this.map.on("overlayadd overlayremove", function () { self.emit(); });
    this.refresh();
    this.ready = true;
    this.container.setAttribute("data-mapgen-ready", "true");
  };

  /* The offline vector basemap (Natural Earth countries), under the tiles: where tiles load
   * they cover it; offline, or with no tiles, it is the map. */
  MapgenApp.prototype.addBasemap = function () {
    var pane = this.map.createPane("mapgen-basemap");
    pane.style.zIndex = "150";
    this.container.classList.add("mapgen-has-basemap");
    L.geoJSON(this.data.basemap, {
      pane: "mapgen-basemap", interactive: false, attribution: "Basemap: Natural Earth",
      style: { color: "#9a9a9a", weight: 0.6, fillColor: "#f4f1ea", fillOpacity: 1 }
    }).addTo(this.map);
  };

  MapgenApp.prototype.refresh = function () {
    this.shown = this.filter.apply(this.from, this.to, this.strict, this.active);
    this.renderer.update(this.active);
    this.paths.update(this.from, this.to);
    this.emit();
  };

  MapgenApp.prototype.on = function (fn) { this.listeners.push(fn); };

  MapgenApp.prototype.emit = function () {
    for (var i = 0; i < this.listeners.length; i++) this.listeners[i](this);
  };

  MapgenApp.prototype.layerOn = function (index) {
    return this.map.hasLayer(this.groups[index]);
  };

  /* Public script interface: setPeriod(from, to) with years or ISO/EDTF-like date strings;
   * setPeriod(x) alone selects all of x (a year, a month or a day). */
  MapgenApp.prototype.setPeriod = function (from, to) {
    var a = missing(from) ? this.extent[0] : parseDay(from, false);
    var b = missing(to) ? (missing(from) ? this.extent[1] : parseDay(from, true))
      : parseDay(to, true);
    if (isNaN(a) || isNaN(b)) throw new Error("mapgen.setPeriod: not a date: " + from + ", " + to);
    this.setDays(a, b);
    return this.period();
  };

  MapgenApp.prototype.setDays = function (from, to) {
    this.from = Math.min(from, to);
    this.to = Math.max(from, to);
    this.refresh();
  };

  MapgenApp.prototype.period = function () {
    return { from: isoDate(this.from), to: isoDate(this.to) };
  };

  /* Sorted ids of the places shown now: in the period and in a layer that is switched on. */
  MapgenApp.prototype.visible = function () {
    var ids = [], layer = this.places.layer;
    for (var i = 0; i < this.count; i++) {
      if (this.active[i] && this.layerOn(layer[i])) ids.push(this.places.id[i]);
    }
    return ids.sort();
  };

  /* How many places are shown now, without building the list: O(places), no sorting. */
  MapgenApp.prototype.shownCount = function () {
    var on = [], layer = this.places.layer, n = 0;
    for (var k = 0; k < this.groups.length; k++) on.push(this.layerOn(k) ? 1 : 0);
    for (var i = 0; i < this.count; i++) n += this.active[i] & on[layer[i]];
    return n;
  };

  MapgenApp.prototype.visibleMoves = function () {
    return this.paths.visible();
  };

  MapgenApp.prototype.indexOf = function (id) {
    return this.places.id.indexOf(id);
  };

  MapgenApp.prototype.openPopup = function (id) {
    var i = typeof id === "number" ? id : this.indexOf(id);
    if (i >= 0) this.renderer.openPopup(i);
  };

  MapgenApp.prototype.highlight = function (id, on) {
    var i = typeof id === "number" ? id : this.indexOf(id);
    if (i >= 0) this.renderer.highlight(i, on);
  };

  /* The popup of place i, built from text nodes only. */
  MapgenApp.prototype.popupContent = function (i) {
    var info = this.places.info[i] || {};
    var box = el("div", "mapgen-popup");
    box.setAttribute("dir", "auto");
    box.appendChild(el("h3", "mapgen-popup-name", this.places.name[i]));
    (info.n || []).forEach(function (pair) {
      var other = el("div", "mapgen-popup-altname", pair[1]);
      other.setAttribute("dir", "auto");
      other.setAttribute("lang", pair[0]);
      box.appendChild(other);
    });
    var when = el("div", "mapgen-popup-periods", info.w);
    box.appendChild(when);
    if (info.p) box.appendChild(el("div", "mapgen-popup-precision", "Precision: " + info.p));
    if (info.d) box.appendChild(el("p", "mapgen-popup-description", info.d));
    if (info.s && info.s.length) {
      var list = el("ul", "mapgen-popup-sources");
      info.s.forEach(function (src) {
        var item = el("li");
        if (isWebUrl(src[1])) {
          var a = el("a", null, src[0]);
          a.href = src[1];
          a.target = "_blank";
          a.rel = "noopener noreferrer";
          item.appendChild(a);
        } else {
          item.textContent = src[0];
        }
        list.appendChild(item);
      });
      var head = el("div", "mapgen-popup-sources-head", "Sources");
      box.appendChild(head);
      box.appendChild(list);
    }
    return box;
  };

  MapgenApp.prototype.tooltipContent = function (i) {
    var node = el("span", "mapgen-tooltip", this.places.name[i]);
    node.setAttribute("dir", "auto");
    return node;
  };

  /* ---- drawing: one Leaflet layer per place, added to its layer's FeatureGroup ---- */

  function toLatLngs(coords, depth) {
    if (depth === 0) return [coords[1], coords[0]];
    return coords.map(function (c) { return toLatLngs(c, depth - 1); });
  }

  function geometryLayer(geom, style) {
    var t = geom.type;
    if (t === "GeometryCollection") {
      return L.featureGroup(geom.geometries.map(function (g) { return geometryLayer(g, style); }));
    }
    if (t === "Point") return L.circleMarker(toLatLngs(geom.coordinates, 0), style);
    if (t === "MultiPoint") {
      return L.featureGroup(geom.coordinates.map(function (c) {
        return L.circleMarker(toLatLngs(c, 0), style);
      }));
    }
    if (t === "LineString") return L.polyline(toLatLngs(geom.coordinates, 1), style);
    if (t === "MultiLineString") return L.polyline(toLatLngs(geom.coordinates, 2), style);
    if (t === "Polygon") return L.polygon(toLatLngs(geom.coordinates, 2), style);
    if (t === "MultiPolygon") return L.polygon(toLatLngs(geom.coordinates, 3), style);
    throw new Error("mapgen: unknown geometry " + t);
  }

  function MarkerRenderer(app, mine) {
    this.app = app;
    this.layers = [];
    this.shown = new Uint8Array(app.count);
    var p = app.places;
    for (var i = 0; i < app.count; i++) {
      if (!mine[i]) { this.layers.push(null); continue; }
      var color = app.data.layers[p.layer[i]].color;
      var geom = Array.isArray(p.geom[i]) ? { type: "Point", coordinates: p.geom[i] } : p.geom[i];
      var style = { color: color, fillColor: color, fillOpacity: 0.75, weight: 2, radius: 7,
        opacity: 0.9, pane: "mapgen-layer-" + p.layer[i] };
      if (geom.type === "Polygon" || geom.type === "MultiPolygon") style.fillOpacity = 0.2;
      var layer = geometryLayer(geom, style);
      layer.mapgenIndex = i;
      layer.bindTooltip(app.tooltipContent(i), { sticky: geom.type !== "Point" });
      layer.bindPopup(app.popupContent.bind(app, i), { maxWidth: 340, autoPanPadding: [20, 20] });
      this.layers.push(layer);
    }
  }

  MarkerRenderer.prototype.update = function (active) {
    var groups = this.app.groups, layerOf = this.app.places.layer;
    for (var i = 0; i < this.layers.length; i++) {
      if (active[i] === this.shown[i] || !this.layers[i]) continue;
      if (active[i]) groups[layerOf[i]].addLayer(this.layers[i]);
      else groups[layerOf[i]].removeLayer(this.layers[i]);
      this.shown[i] = active[i];
    }
  };

  MarkerRenderer.prototype.openPopup = function (i) {
    var layer = this.layers[i];
    var group = this.app.groups[this.app.places.layer[i]];
    if (!this.app.map.hasLayer(group) || !this.shown[i]) return;
    if (layer.getLatLng) layer.openPopup();
    else layer.openPopup(layer.getBounds().getCenter());
  };

  MarkerRenderer.prototype.highlight = function (i, on) {
    var layer = this.layers[i];
    if (!layer.setStyle) return;
    layer.setStyle(on ? { weight: 5, radius: 11 } : { weight: 2, radius: 7 });
    if (on && layer.bringToFront && this.shown[i]) layer.bringToFront();
  };

  /* ---- drawing many points: one canvas per layer, a screen grid for clicks ---- */

  var CANVAS_MIN_POINTS = 2000; /* below this, one Leaflet vector per place is fast enough */

  /* Which renderer draws which place: dense point layers on canvas, the rest as vectors. */
  function Renderers(app) {
    var points = 0, p = app.places, i;
    for (i = 0; i < app.count; i++) if (Array.isArray(p.geom[i])) points++;
    var onCanvas = new Uint8Array(app.count), vector = new Uint8Array(app.count);
    for (i = 0; i < app.count; i++) {
      if (points >= CANVAS_MIN_POINTS && Array.isArray(p.geom[i])) onCanvas[i] = 1;
      else vector[i] = 1;
    }
    this.onCanvas = onCanvas;
    this.vector = new MarkerRenderer(app, vector);
    this.canvas = points >= CANVAS_MIN_POINTS ? new CanvasRenderer(app, onCanvas) : null;
  }

  Renderers.prototype.update = function (active) {
    this.vector.update(active);
    if (this.canvas) this.canvas.update(active);
  };

  Renderers.prototype.openPopup = function (i) {
    (this.onCanvas[i] ? this.canvas : this.vector).openPopup(i);
  };

  Renderers.prototype.highlight = function (i, on) {
    (this.onCanvas[i] ? this.canvas : this.vector).highlight(i, on);
  };

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

  var stamps = {};

  /* The pixels of a disc of radius `radius`, as offsets in a row-major buffer `width` wide. */
  function stamp(radius, width) {
    var key = radius + ":" + width;
    if (stamps[key]) return stamps[key];
    var dx = [], dy = [], offsets = [];
    for (var y = -radius; y <= radius; y++) {
      for (var x = -radius; x <= radius; x++) {
        if (x * x + y * y <= radius * radius + radius * 0.8) {
          dx.push(x); dy.push(y); offsets.push(y * width + x);
        }
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

  function CanvasRenderer(app, mine) {
    this.app = app;
    this.radius = 4;
    var p = app.places, n = app.count, perLayer = [], k, i;
    this.wx = new Float64Array(n);
    this.wy = new Float64Array(n);
    for (k = 0; k < app.groups.length; k++) perLayer.push([]);
    for (i = 0; i < n; i++) {
      if (!mine[i]) continue;
      var w = mercator(p.geom[i][0], p.geom[i][1]);
      this.wx[i] = w[0];
      this.wy[i] = w[1];
      perLayer[p.layer[i]].push(i);
    }
    this.layers = [];
    this.active = app.active;
    if (!PointCanvas) definePointCanvas();
    for (k = 0; k < app.groups.length; k++) {
      var layer = new PointCanvas(this, k, Int32Array.from(perLayer[k]),
        app.data.layers[k].color);
      this.layers.push(layer);
      app.groups[k].addLayer(layer);
    }
    this.tooltip = L.tooltip({ direction: "top", offset: [0, -6] });
    this.marked = null;
    var self = this;
    app.map.on("click", function (e) { self.click(e); });
    app.map.on("mousemove", function (e) { self.hover(e); });
    app.map.on("mouseout", function () { self.hover(null); });
  }

  CanvasRenderer.prototype.update = function (active) {
    this.active = active;
    for (var k = 0; k < this.layers.length; k++) this.layers[k].schedule();
  };

  /* The place drawn nearest to a container point, within reach of a click; -1 if none. */
  CanvasRenderer.prototype.pick = function (point) {
    var reach = (this.radius + 4) * (this.radius + 4);
    for (var k = 0; k < this.layers.length; k++) {  /* the first layer is drawn on top */
      if (!this.app.layerOn(k)) continue;
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
    var g = this.app.places.geom[i];
    return L.latLng(g[1], g[0]);
  };

  CanvasRenderer.prototype.openPopup = function (i) {
    if (!this.active[i] || !this.app.layerOn(this.app.places.layer[i])) return;
    L.popup({ maxWidth: 340, autoPanPadding: [20, 20] }).setLatLng(this.latLng(i))
      .setContent(this.app.popupContent(i)).openOn(this.app.map);
  };

  CanvasRenderer.prototype.highlight = function (i, on) {
    if (this.marked) { this.marked.remove(); this.marked = null; }
    if (!on || !this.active[i]) return;
    var color = this.app.data.layers[this.app.places.layer[i]].color;
    this.marked = L.circleMarker(this.latLng(i), { radius: 10, color: color, weight: 3,
      fill: false, interactive: false }).addTo(this.app.map);
  };

  /* One layer's points on one canvas, redrawn after a move, a zoom or a period change. */
  var PointCanvas = null;

  function definePointCanvas() {
    PointCanvas = L.Layer.extend({
      initialize: function (renderer, layerIndex, indices, color) {
        this.renderer = renderer;
        this.layerIndex = layerIndex;
        this.indices = indices;
        this.rgba = packColor(color, 0.85);
        this.drawnCount = 0;
        this.drawn = new Int32Array(indices.length);
        this.xs = new Float32Array(indices.length);
        this.ys = new Float32Array(indices.length);
        this.frame = 0;
      },
      onAdd: function (map) {
        this.canvas = L.DomUtil.create("canvas", "mapgen-points leaflet-zoom-hide");
        this.canvas.setAttribute("aria-hidden", "true");
        map.getPane("mapgen-layer-" + this.layerIndex).appendChild(this.canvas);
        map.on("moveend zoomend resize viewreset", this.schedule, this);
        this.redraw();
      },
      onRemove: function (map) {
        L.DomUtil.remove(this.canvas);
        map.off("moveend zoomend resize viewreset", this.schedule, this);
        if (this.frame) cancelAnimationFrame(this.frame);
        this.frame = 0;
      },
      schedule: function () {
        if (!this._map || this.frame) return;
        var self = this;
        this.frame = requestAnimationFrame(function () { self.frame = 0; self.redraw(); });
      },
      redraw: function () {
        var map = this._map;
        if (!map) return;
        var size = map.getSize(), pad = 0.25, ratio = window.devicePixelRatio || 1;
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
        var r = this.renderer, wx = r.wx, wy = r.wy, active = r.active, idx = this.indices;
        var scale = 256 * Math.pow(2, map.getZoom()), origin = map.getPixelOrigin();
        var ox = origin.x + topLeft.x, oy = origin.y + topLeft.y;
        var count = 0, j, i, x, y;
        for (j = 0; j < idx.length; j++) count += active[idx[j]];
        var rimmed = count <= 20000;  /* a light rim tells neighbours apart where affordable */
        var disc = stamp(Math.round(r.radius * ratio), W);
        var rim = rimmed ? stamp(Math.round(r.radius * ratio) + Math.max(1, Math.round(ratio)), W)
          : null;
        var reach = (rim || disc).reach, n = 0, color = this.rgba, white = 0xd9ffffff;
        for (j = 0; j < idx.length; j++) {
          i = idx[j];
          if (!active[i]) continue;
          x = wx[i] * scale - ox;
          y = wy[i] * scale - oy;
          var px = Math.round(x * ratio), py = Math.round(y * ratio);
          if (px < -reach || py < -reach || px >= W + reach || py >= H + reach) continue;
          var inside = px >= reach && py >= reach && px < W - reach && py < H - reach;
          if (rim) paint(pixels, rim, px, py, W, H, white, inside);
          paint(pixels, disc, px, py, W, H, color, inside);
          this.drawn[n] = i;
          this.xs[n] = x + topLeft.x;  /* in layer points, stable while panning */
          this.ys[n] = y + topLeft.y;
          n++;
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

  /* ---- movement paths: one segment per move, shown when the move falls in the period ---- */

  function PathRenderer(app) {
    this.app = app;
    this.segments = [];
    var p = app.places;
    function point(i) {
      var g = p.geom[i];
      if (Array.isArray(g)) return L.latLng(g[1], g[0]);
      return geometryLayer(g, {}).getBounds().getCenter();
    }
    for (var k = 0; k < app.data.moves.length; k++) {
      var m = app.data.moves[k];
      var color = app.data.layers[m[0]].color;
      var a = point(m[1]), b = point(m[2]);
      var line = L.polyline([a, b], { color: color, weight: 2.5, opacity: 0.8,
        dashArray: "6 5", interactive: false, className: "mapgen-path", pane: "overlayPane" });
      var arrow = L.marker(L.latLng((a.lat + b.lat) / 2, (a.lng + b.lng) / 2), {
        interactive: false, keyboard: false,
        icon: L.divIcon({ className: "mapgen-arrow", iconSize: [14, 14], iconAnchor: [7, 7],
          html: "" }), pane: "overlayPane"
      });
      this.segments.push({ move: m, line: line, arrow: arrow, a: a, b: b, shown: false,
        label: p.id[m[1]] + ">" + p.id[m[2]] });
    }
    var self = this;
    app.map.on("zoomend viewreset", function () { self.orient(); });
  }

  PathRenderer.prototype.update = function (from, to) {
    var strict = this.app.strict;
    for (var k = 0; k < this.segments.length; k++) {
      var s = this.segments[k], m = s.move;
      /* m = [layer, origin, destination, earliest day of the move, latest day of the move] */
      var show = strict ? m[4] >= from && m[4] <= to : m[3] <= to && m[4] >= from;
      var group = this.app.groups[m[0]];
      if (show && !s.shown) { group.addLayer(s.line); group.addLayer(s.arrow); }
      if (!show && s.shown) { group.removeLayer(s.line); group.removeLayer(s.arrow); }
      s.shown = show;
    }
    this.orient();
  };

  /* Point each arrow along its segment, in screen space. */
  PathRenderer.prototype.orient = function () {
    var map = this.app.map;
    for (var k = 0; k < this.segments.length; k++) {
      var s = this.segments[k];
      if (!s.shown) continue;
      var icon = s.arrow.getElement && s.arrow.getElement();
      if (!icon) continue;
      var pa = map.latLngToLayerPoint(s.a), pb = map.latLngToLayerPoint(s.b);
      var angle = Math.atan2(pb.y - pa.y, pb.x - pa.x) * 180 / Math.PI;
      icon.style.setProperty("--mapgen-angle", angle.toFixed(1) + "deg");
    }
  };

  PathRenderer.prototype.visible = function () {
    var out = [];
    for (var k = 0; k < this.segments.length; k++) {
      var s = this.segments[k];
      if (s.shown && this.app.layerOn(s.move[0])) out.push(s.label);
    }
    return out;
  };

  /* ---- legend: title, layer colours, period, attribution ---- */

  function legendControl(app) {
    var Legend = L.Control.extend({
      options: { position: "bottomleft" },
      onAdd: function () {
        var box = el("div", "mapgen-legend leaflet-bar");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", "Legend");
        box.appendChild(el("div", "mapgen-legend-title", app.data.title));
        if (app.data.period) {
          box.appendChild(el("div", "mapgen-legend-period", "Period: " + app.data.period));
        }
        var list = el("ul", "mapgen-legend-layers");
        app.data.layers.forEach(function (layer) {
          var item = el("li");
          var swatch = el("span", "mapgen-swatch");
          swatch.style.background = layer.color;
          item.appendChild(swatch);
          item.appendChild(document.createTextNode(layer.label));
          if (layer.path) item.appendChild(el("span", "mapgen-legend-note", " (with moves)"));
          list.appendChild(item);
        });
        box.appendChild(list);
        app.countNode = el("div", "mapgen-legend-count");
        app.countNode.setAttribute("aria-live", "polite");
        box.appendChild(app.countNode);
        if (app.data.attribution) {
          box.appendChild(el("div", "mapgen-legend-attribution", app.data.attribution));
        }
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      }
    });
    app.on(function () {
      if (!app.countNode) return;
      var n = app.shownCount();
      app.countNode.textContent = n + (n === 1 ? " place" : " places") + " shown";
    });
    return new Legend();
  }

  window.MapgenApp = MapgenApp;
})();
