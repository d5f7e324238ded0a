/* mapgen.js: draws, filters and explains the places of one mapgen map.
 *
 * The data it reads is described in CONTRACT.md. Time is integer day numbers (dates.js), never
 * JavaScript Date epoch arithmetic, so BCE years and open ends filter like any other date.
 * Text from data only ever reaches the page through textContent or attributes, never HTML.
 */
(function () {
  "use strict";
  if (window.MapgenApp) return;

  var dates = window.MapgenDates, ui = window.MapgenUI, el = ui.el, isWebUrl = ui.isWebUrl;

  var MAX_PANES = 8;  /* layer panes: one per layer up to this many layers */

  function missing(value) {
    return value === null || value === undefined || value === "";
  }


  /* ---- the app: one per map ---- */

  function MapgenApp(map, groups, data) {
    this.map = map;
    this.groups = groups;
    this.data = data;
    this.words = window.MapgenI18n.words(data.i18n); /* the map's language (i18n.js) */
    this.places = data.places;
    this.count = data.places.layer.length;
    var where = positions(data.places, this.count);
    this.lon = where.lon;  /* degrees; NaN where the place has a shape */
    this.lat = where.lat;
    this.shapes = where.shapes;  /* GeoJSON geometry by place index, for the places not a point */
    this.filter = new window.MapgenTimeFilter(data.time, this.count);
    this.undated = this.filter.undated;  /* 1 per place with no span: drawn as a dashed ring */
    this.undatedCount = data.time.undated.length;
    this.active = new Uint8Array(this.count).fill(1);
    this.strict = !!data.strict;
    this.listeners = [];
    this.ready = false;
    var ext = MapgenApp.inWindow(this.filter.extent(), data.window);
    this.extent = ext;
    this.from = ext[0];
    this.to = ext[1];
    this.container = map.getContainer();
    /* Below this width the controls start collapsed to their buttons and grow to touch size. */
    this.narrow = this.container.clientWidth < window.MapgenLayout.NARROW;
  }

  /* [first day, last day] of the data, inside the period the map was cut to (`window`: either
   * side null when open; a tile folder's app reads it too). */
  MapgenApp.inWindow = function (extent, cut) {
    var ext = extent.slice();
    if (cut) {
      if (cut[0] !== null) ext[0] = Math.max(ext[0], cut[0]);
      if (cut[1] !== null) ext[1] = Math.min(ext[1], cut[1]);
    }
    return ext;
  };

  /* Base64 to bytes: natively where the browser can (Uint8Array.fromBase64), else one pass over
   * atob's text into a preallocated array (Uint8Array.from with a callback a byte took ~1 s
   * for 100,000 places). */
  function decodeBase64(text) {
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
    var chars = atob(text), n = chars.length, bytes = new Uint8Array(n);
    for (var i = 0; i < n; i++) bytes[i] = chars.charCodeAt(i);
    return bytes;
  }

  /* owner[key], decoded from `bytes` (UTF-8 JSON) when first read (a popup, a tooltip, the
   * search), not before drawing. */
  function defer(owner, key, bytes) {
    Object.defineProperty(owner, key, {
      configurable: true,
      enumerable: true,
      get: function () {
        var value = JSON.parse(new TextDecoder().decode(bytes));
        Object.defineProperty(owner, key, { value: value, writable: true, enumerable: true });
        return value;
      }
    });
  }

  /* window.mapgen: the first map on the page, in document order; never one that the page has
   * since taken away (Material for MkDocs' instant navigation swaps the content). */
  Object.defineProperty(window, "mapgen", { configurable: true, get: function () {
    var first = document.querySelector(".mapgen-map");
    return first ? first.mapgen : undefined;
  } });

  MapgenApp.create = function (map, groups, data) {
    function go(late) {
      var app = new MapgenApp(map, groups, data);
      app.container.mapgen = app;
      app.container.classList.add("mapgen-map");
      app.start(late);
      return app;
    }
    if (!data.packed) return go(false);
    /* Large maps carry the same columns gzip-compressed (base64) in a data block beside the
     * map (elements.py MapgenLayers): decompress natively, unpack, then go. */
    var block = document.getElementById(map.getContainer().id + "-packed");
    var bytes = decodeBase64(block.textContent);
    block.remove();  /* the text is not needed twice */
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).arrayBuffer().then(function (buffer) {
      unpack(data, buffer);
      return go(true);  /* after the page's script: it has set its view already */
    });
  };

  var TYPED = { Uint8: Uint8Array, Uint16: Uint16Array, Int32: Int32Array,
    Float64: Float64Array };
  var ALIGN = 8;  /* payload.ALIGN: each binary column starts at a multiple of 8 bytes */

  /* The unpacked bytes (CONTRACT.md, `packed`) into `data`: a line of JSON, the binary
   * columns viewed in place (each at a multiple of ALIGN bytes), then a line for each part
   * deferred, decoded when first read. */
  function unpack(data, buffer) {
    var unpacked = new Uint8Array(buffer), at = unpacked.indexOf(10) + 1;  /* "\n" */
    var rest = JSON.parse(new TextDecoder().decode(unpacked.subarray(0, at)));
    rest.binary.forEach(function (column) {  /* [owner, key, type, length] */
      var Typed = TYPED[column[2]];
      rest[column[0]][column[1]] = new Typed(buffer, at, column[3]);
      at += Math.ceil(column[3] * Typed.BYTES_PER_ELEMENT / ALIGN) * ALIGN;
    });
    delete rest.binary;
    data.packed.forEach(function (path) {
      var next = unpacked.indexOf(10, at), dot = path.indexOf(".");
      if (next < 0) next = unpacked.length;
      defer(rest[path.slice(0, dot)], path.slice(dot + 1), unpacked.subarray(at, next));
      at = next + 1;
    });
    for (var key in rest) data[key] = rest[key];
    delete data.packed;
  }

  var COORDINATE_SCALE = 1e6;  /* payload.COORDINATE_SCALE: positions in 1e-6 degrees */

  /* Every place's point in degrees (NaN, NaN for a shape) and its shape (GeoJSON; undefined
   * for a point), from the lon and lat columns (JSON lists or Int32Arrays) and the shapes. */
  function positions(places, count) {
    var lon = new Float64Array(count), lat = new Float64Array(count), shapes = [], i;
    for (i = 0; i < count; i++) {
      lon[i] = places.lon[i] / COORDINATE_SCALE;
      lat[i] = places.lat[i] / COORDINATE_SCALE;
    }
    for (var key in places.shapes) {
      i = Number(key);
      shapes[i] = places.shapes[key];
      lon[i] = lat[i] = NaN;
    }
    return { lon: lon, lat: lat, shapes: shapes };
  }

  /* `late`: the page's script has run to its end (a large map starts once unpacked), so the
   * view is set at once and the first frame draws the places where they stay. */
  MapgenApp.prototype.start = function (late) {
    /* One pane per layer, the first layer on top, so headquarters are not hidden under
     * events at the same spot; past MAX_PANES layers, consecutive layers share a pane (each
     * pane is an SVG or a canvas: hundreds of them made every period change slow). */
    var layers = this.data.layers.length;
    this.paneSize = Math.ceil(layers / MAX_PANES);
    for (var k = 0; k < layers; k += this.paneSize) {
      this.map.createPane("mapgen-layer-" + k).style.zIndex = String(450 - k / this.paneSize);
    }
    if (this.data.basemap) this.addBasemap();
    this.renderer = new Renderers(this);
    this.paths = new PathRenderer(this);
    this.container.classList.toggle("mapgen-narrow", this.narrow);
    /* the controls speak English: say so when the page does not say what it speaks */
    if (!document.documentElement.getAttribute("lang")) document.documentElement.lang = "en";
    this.legend = window.MapgenLegend(this).addTo(this.map);
    this.layersToggle();
    if (window.MapgenPeriodControl) this.periodControl = new window.MapgenPeriodControl(this);
    this.search = window.MapgenSearch(this).addTo(this.map);
    var self = this;
    /* extensions (compare.js): each is called with the app once its controls are made, and
     * what it returns, if a function, once the first view is set */
    var whenReady = (window.MapgenExtensions || []).map(function (extend) { return extend(self); });
    this.map.on("overlayadd overlayremove", function () { self.emit(); });
    this.map.on("popupopen", function (e) { self.clearOfControls(e.popup); });
    this.map.on("resize", function () { self.arrange(); });
    this.refresh();
    this.arrange();
    this.foldCrowded();  /* layout.js: controls over more than a quarter of the map fold */
    var status = document.getElementById(this.container.id + "-status");
    if (status) status.remove();  /* "Loading the map…" (elements.py LoadStatus) */
    /* After the rest of the page's script (a zoom under way would end on its own target):
     * a task later, unless the map starts late (see above). */
    function ready() {
      self.initialView();
      /* a story (story.js) takes the map to its first step, or the one the hash names */
      if (self.data.story && window.MapgenStory) self.story = new window.MapgenStory(self);
      if (self.renderer.canvas) self.renderer.canvas.flush();  /* drawn once, in that view */
      self.ready = true;
      self.container.setAttribute("data-mapgen-ready", "true");
      whenReady.forEach(function (then) { if (typeof then === "function") then(); });
    }
    function settled() {
      if (self.map._animatingZoom) self.map.once("zoomend", ready); else ready();
    }
    if (late) settled(); else setTimeout(settled, 0);
  };

  /* The offline vector basemap (Natural Earth countries), under the tiles: where tiles load
   * they cover it; offline, or with no tiles, it is the map. */
  MapgenApp.prototype.addBasemap = function () {
    var pane = this.map.createPane("mapgen-basemap");
    pane.style.zIndex = "150";
    this.container.classList.add("mapgen-has-basemap");
    new window.MapgenBasemap(window.MapgenCountries, {
      attribution: this.words.tp("attribution", "Basemap: Natural Earth")
    }).addTo(this.map);  /* basemap.js */
  };

  /* The first view: the one the URL hash names (first map of a page), else every place in
   * the free area (fitView), else the whole world. */
  MapgenApp.prototype.initialView = function () {
    var hash = window.MapgenViewHash.wanted(this) ? new window.MapgenViewHash(this) : null;
    this.viewFromHash = !!(hash && hash.apply());
    if (!this.viewFromHash && !this.fitView()) this.map.setView([20, 0], 2, { animate: false });
    if (hash) hash.listen();
    this.viewHash = hash;
  };

  /* The first layer of layer k's pane: the layers paneOf(k) .. paneOf(k) + paneSize - 1 share
   * the pane "mapgen-layer-" + paneOf(k). */
  MapgenApp.prototype.paneOf = function (k) {
    return k - k % this.paneSize;
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
   * setPeriod(x) alone selects all of x (a year, a month or a day). The period is taken as
   * asked, and kept so in the URL hash; one wholly outside the data is said to be. */
  MapgenApp.prototype.setPeriod = function (from, to) {
    var a = missing(from) ? this.extent[0] : dates.parseDay(from, false);
    var b = missing(to) ? (missing(from) ? this.extent[1] : dates.parseDay(from, true))
      : dates.parseDay(to, true);
    if (isNaN(a) || isNaN(b)) throw new Error("mapgen.setPeriod: not a date: " + from + ", " + to);
    this.setDays(a, b);
    var ext = this.extent;
    if (this.to < ext[0] || this.from > ext[1]) {
      console.warn("mapgen.setPeriod: " + dates.isoDate(this.from) + " to " +
        dates.isoDate(this.to) + " lies outside the map's period, " + dates.isoDate(ext[0]) +
        " to " + dates.isoDate(ext[1]));
    }
    return this.period();
  };

  /* Undated places (no span) are shown in every period while this is on (the default). */
  MapgenApp.prototype.setShowUndated = function (on) {
    this.filter.showUndated = !!on;
    this.refresh();
  };

  MapgenApp.prototype.setDays = function (from, to) {
    this.from = Math.min(from, to);
    this.to = Math.max(from, to);
    this.refresh();
  };

  MapgenApp.prototype.period = function () {
    return { from: dates.isoDate(this.from), to: dates.isoDate(this.to) };
  };

  /* Sorted ids of the places shown now: in the period and in a layer that is switched on. */
  MapgenApp.prototype.visible = function () {
    var ids = [], layer = this.places.layer;
    for (var i = 0; i < this.count; i++) {
      if (this.active[i] && this.layerOn(layer[i])) ids.push(this.places.id[i]);
    }
    return ids.sort();
  };

  /* How many places are shown now, without building the list: [dated, undated] (undated
   * places have no span: they are in every period while the switch is on). O(1) when every
   * layer is on, else one pass over two byte arrays. */
  MapgenApp.prototype.shownCounts = function () {
    var on = [], all = true, layer = this.places.layer, n = 0, u = 0, undated = this.undated;
    for (var k = 0; k < this.groups.length; k++) {
      on.push(this.layerOn(k) ? 1 : 0);
      if (!on[k]) all = false;
    }
    if (all) {
      u = this.filter.showUndated ? this.undatedCount : 0;
      return [this.shown - u, u];
    }
    for (var i = 0; i < this.count; i++) {
      var shown = this.active[i] & on[layer[i]];
      n += shown;
      u += shown & undated[i];
    }
    return [n - u, u];
  };

  MapgenApp.prototype.shownCount = function () {
    var counts = this.shownCounts();
    return counts[0] + counts[1];
  };

  /* The count, dated and undated places apart: as the legend says it, "32 places in AD 50 –
   * 150 · 216 undated"; with `ofAll`, as the period control says it, "32 of 40 dated places
   * · 216 undated" ("12 of 20 places" on a map with no undated place). */
  MapgenApp.prototype.countText = function (ofAll) {
    var counts = this.shownCounts(), undated = this.undatedCount, words = this.words, text;
    if (ofAll) {
      var shown = { shown: words.number(counts[0], true) };
      text = undated
        ? words.tn("{shown} of {n} dated place", "{shown} of {n} dated places",
          this.count - undated, shown)
        : words.tn("{shown} of {n} place", "{shown} of {n} places", this.count, shown);
    } else {
      var period = this.periodControl ? this.periodControl.periodText([this.from, this.to]) : "";
      text = period
        ? words.tn("{n} place in {period}", "{n} places in {period}", counts[0],
          { period: period })
        : words.tn("{n} place shown", "{n} places shown", counts[0]);
    }
    if (undated) {
      var hidden = this.filter.showUndated ? words.tn("{n} undated", "{n} undated", counts[1])
        : words.t("undated hidden");
      text = words.t("{places} · {undated}", { places: text, undated: hidden });
    }
    return text;
  };

  /* The places's spans in words ("1965–1981; from 1986"), as its popup says them. */
  MapgenApp.prototype.whenText = function (i) {
    return this.places.info.when[i] || "";
  };

  /* The legend's box, once it is on the map. */
  MapgenApp.prototype.legendElement = function () {
    return this.legend && this.legend.getContainer ? this.legend.getContainer() : null;
  };

  MapgenApp.prototype.visibleMoves = function () {
    return this.paths.visible();
  };

  MapgenApp.prototype.indexOf = function (id) {
    return this.places.id.indexOf(id);
  };

  /* Where place i is: its point, or the centre of its shape's bounds. */
  MapgenApp.prototype.placeLatLng = function (i) {
    if (!this.shapes[i]) return L.latLng(this.lat[i], this.lon[i]);
    return this.renderer.vector.layers[i].getBounds().getCenter();
  };

  /* Script interface: the ids of the places whose names hold `query` (as the search box finds
   * them, best first, at most 8), and how many match in all and in the current period. */
  MapgenApp.prototype.find = function (query) {
    var found = this.search.search.find(query), ids = this.places.id;
    return { ids: found.places.map(function (i) { return ids[i]; }), total: found.total,
      shown: found.shown };
  };

  MapgenApp.prototype.openPopup = function (id) {
    var i = typeof id === "number" ? id : this.indexOf(id);
    if (i >= 0) this.renderer.openPopup(i);
  };

  MapgenApp.prototype.highlight = function (id, on) {
    var i = typeof id === "number" ? id : this.indexOf(id);
    if (i >= 0) this.renderer.highlight(i, on);
  };

  /* A link that opens apart from the map; `url` is an http(s) URL (isWebUrl). */
  function link(text, url) {
    var a = el("a", null, text);
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  /* The popup of place i, built from text nodes only: name, other names, periods,
   * precision, description, sources, and its other properties (a value that is an http(s)
   * URL as a link). */
  MapgenApp.prototype.popupContent = function (i) {
    var info = this.places.info, one = {};
    Object.keys(info).forEach(function (key) { one[key] = info[key][i]; });
    return MapgenApp.popupNode(this.places.name[i], one, this.undated[i], this.words);
  };

  /* A popup: a name, one place's `info` (CONTRACT.md, places.info: its entry of each column),
   * whether it is undated, and the map's words (i18n.js); a tile folder's page makes its
   * popups from tile features with it too (tiles.js). */
  MapgenApp.popupNode = function (name, info, undated, words) {
    var box = el("div", "mapgen-popup");
    box.setAttribute("dir", "auto");
    box.appendChild(el("h3", "mapgen-popup-name", name));
    (info.names || []).forEach(function (pair) {
      var other = el("div", "mapgen-popup-altname", pair[1]);
      other.setAttribute("dir", "auto");
      other.setAttribute("lang", pair[0]);
      box.appendChild(other);
    });
    box.appendChild(el("div", "mapgen-popup-periods", info.when || (undated ?
      words.tp("a place", "Undated") : "")));
    if (info.calendar) box.appendChild(el("div", "mapgen-popup-calendar", info.calendar));
    if (info.precision) {
      box.appendChild(el("div", "mapgen-popup-precision", words.t("Precision: {precision}",
        { precision: info.precision })));
    }
    if (info.description) {
      box.appendChild(el("p", "mapgen-popup-description", info.description));
    }
    var fields = info.fields;
    if (fields) {
      var table = el("table", "mapgen-popup-fields");
      fields.forEach(function (pair) {
        var row = el("tr"), head = el("th", null, pair[0]), cell = el("td");
        head.setAttribute("scope", "row");
        if (isWebUrl(pair[1])) cell.appendChild(link(pair[1], pair[1]));
        else cell.textContent = pair[1];
        cell.setAttribute("dir", "auto");
        row.appendChild(head);
        row.appendChild(cell);
        table.appendChild(row);
      });
      box.appendChild(table);
    }
    if (info.more) {
      box.appendChild(el("div", "mapgen-popup-more",
        words.tn("+{n} more", "+{n} more", info.more)));
    }
    var sources = info.sources;
    if (sources && sources.length) {
      var list = el("ul", "mapgen-popup-sources");
      sources.forEach(function (src) {
        var item = el("li");
        if (isWebUrl(src[1])) item.appendChild(link(src[0], src[1]));
        else item.textContent = src[0];
        list.appendChild(item);
      });
      box.appendChild(el("div", "mapgen-popup-sources-head", words.t("Sources")));
      box.appendChild(list);
    }
    return box;
  };

  MapgenApp.prototype.tooltipContent = function (i) {
    var node = el("span", "mapgen-tooltip", this.places.name[i]);
    node.setAttribute("dir", "auto");
    return node;
  };

  /* ---- drawing shapes: one Leaflet layer per place that is not a point, added to its
   * layer's FeatureGroup (points: point-canvas.js) ---- */

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

  function MarkerRenderer(app, mine, radius) {
    this.app = app;
    this.radius = radius;
    this.layers = [];
    this.mine = [];  /* the indices of its places: a period change visits only those */
    this.shown = new Uint8Array(app.count);
    var p = app.places;
    for (var i = 0; i < app.count; i++) {
      if (!mine[i]) { this.layers.push(null); continue; }
      this.mine.push(i);
      var color = app.data.layers[p.layer[i]].color;
      var geom = app.shapes[i];
      var style = { color: color, fillColor: color, fillOpacity: 0.75, weight: 2, radius: radius,
        opacity: 0.9, pane: "mapgen-layer-" + app.paneOf(p.layer[i]) };
      if (geom.type === "Polygon" || geom.type === "MultiPolygon") style.fillOpacity = 0.2;
      if (app.undated[i]) {  /* undated: a dashed ring in the layer's colour, white inside */
        style.fillColor = "#ffffff";
        style.fillOpacity = 0.85;
        style.dashArray = "3 3";
        style.className = "mapgen-undated";
      }
      var layer = geometryLayer(geom, style);
      layer.bindTooltip(app.tooltipContent.bind(app, i), { sticky: true });
      layer.bindPopup(app.popupContent.bind(app, i), { maxWidth: 340, autoPanPadding: [20, 20] });
      this.layers.push(layer);
    }
  }

  MarkerRenderer.prototype.update = function (active) {
    var groups = this.app.groups, layerOf = this.app.places.layer;
    for (var k = 0; k < this.mine.length; k++) {
      var i = this.mine[k];
      if (active[i] === this.shown[i]) continue;
      if (active[i]) groups[layerOf[i]].addLayer(this.layers[i]);
      else groups[layerOf[i]].removeLayer(this.layers[i]);
      this.shown[i] = active[i];
    }
  };

  MarkerRenderer.prototype.openPopup = function (i) {
    var layer = this.layers[i];
    var group = this.app.groups[this.app.places.layer[i]];
    if (!this.app.map.hasLayer(group) || !this.shown[i]) return;
    layer.openPopup(layer.getBounds().getCenter());
  };

  MarkerRenderer.prototype.highlight = function (i, on) {
    var layer = this.layers[i];
    if (!layer.setStyle) return;
    var r = this.radius;
    layer.setStyle(on ? { weight: 5, radius: r + 4 } : { weight: 2, radius: r });
    if (on && layer.bringToFront && this.shown[i]) layer.bringToFront();
  };

  /* ---- which renderer draws which place ---- */

  /* A point's radius in CSS pixels, the same for every point of a map, whatever its layer:
   * 7 on a map of about 300 points or fewer, one less for each tenfold more, 4 from about
   * 30,000 on, so that crowded points stay apart. */
  function markerRadius(points) {
    return Math.max(4, Math.min(7, Math.round(9 - Math.log10(Math.max(points, 1)))));
  }

  /* Points on canvas (point-canvas.js) at every size, shapes as vectors. */
  function Renderers(app) {
    var shapes = app.shapes, points = 0;
    var onCanvas = new Uint8Array(app.count), vector = new Uint8Array(app.count);
    for (var i = 0; i < app.count; i++) {
      if (shapes[i]) vector[i] = 1;
      else { onCanvas[i] = 1; points++; }
    }
    var radius = markerRadius(points);
    this.onCanvas = onCanvas;
    this.vector = new MarkerRenderer(app, vector, radius);
    this.canvas = points ? new window.MapgenCanvasRenderer(app, onCanvas, radius) : null;
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

  /* ---- movement paths: one segment per move, shown when the move falls in the period ---- */

  function PathRenderer(app) {
    this.app = app;
    this.segments = [];
    var p = app.places;
    function point(i) {
      if (!app.shapes[i]) return L.latLng(app.lat[i], app.lon[i]);
      return geometryLayer(app.shapes[i], {}).getBounds().getCenter();
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

  /* the layout methods (layout.js): arrange, fitView, collapsible, ... */
  Object.assign(MapgenApp.prototype, window.MapgenLayout.methods);
  window.MapgenApp = MapgenApp;
})();
