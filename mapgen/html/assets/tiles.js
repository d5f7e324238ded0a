/* tiles.js: the app of a tile folder's page (mapgen tiles): the same controls as a one-file
 * map (legend.js, period-control.js, search.js, layout.js), over vector tiles drawn by
 * protomaps-leaflet from PMTiles archives, filtered in the browser on their day-number
 * attributes (CONTRACT.md, "Tile maps"), with no tile fetched again.
 *
 * Counts never come from the tiles (a tile at a low zoom holds a sample): the count, the
 * legend and the histogram read the build's counts (MapgenTileCounts below). Places the page
 * has met by name (search results) are kept in `places`, as a one-file map keeps all of its
 * own, so that search.js and the popups work on them unchanged.
 */
(function () {
  "use strict";
  if (window.MapgenTileApp) return;

  var dates = window.MapgenDates, ui = window.MapgenUI, el = ui.el;
  var MapgenApp = window.MapgenApp;
  var KEYS = { wide: ["sw", "ew"], strict: ["sn", "en"] };

  /* ---- the build's counts: how many places a period shows, per layer ---- */

  /* Unit index of a day on the axis of `kind` (time-scale.js units), and a unit's first day. */
  function unitOf(day, kind) {
    if (kind === "day") return day;
    var c = dates.civilFromDays(day);
    return kind === "month" ? c[0] * 12 + c[1] - 1 : c[0];
  }
  function unitStart(k, kind) {
    if (kind === "day") return k;
    if (kind === "month") { var y = Math.floor(k / 12); return dates.daysFromCivil(y, k - 12 * y + 1, 1); }
    return dates.daysFromCivil(k, 1, 1);
  }

  /* How many of `values` (ascending, with cumulative counts) are <= day. */
  function upTo(pair, day) {
    var values = pair[0], cumulative = pair[1], lo = 0, hi = values.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (values[mid] <= day) lo = mid + 1; else hi = mid; }
    return lo ? cumulative[lo - 1] : 0;
  }

  function TileCounts(counts) {
    this.counts = counts;
    this.unit = counts.unit;
  }

  /* [least, most] places of layer k shown in [a, b] by the reading (wide or strict), the
   * undated ones not included: exact ([n, n]) when a and b are whole units of the counts. */
  TileCounts.prototype.range = function (k, a, b, strict) {
    var layer = this.counts.layers[k], r = layer[strict ? "strict" : "wide"], kind = this.unit;
    var starts = r.starts[1], ends = r.ends[1];
    var base = layer.dated - ((starts.length ? starts[starts.length - 1] : 0) - upTo(r.starts, b))
      - upTo(r.ends, a - 1);
    if (!r.gaps[0].length) return [base, base];
    var ua = unitOf(a, kind), ub = unitOf(b, kind);
    var alignedStart = unitStart(ua, kind) === a, alignedEnd = unitStart(ub + 1, kind) - 1 === b;
    var sure = 0, maybe = 0, gi = r.gaps[0], gj = r.gaps[1], gn = r.gaps[2];
    for (var g = 0; g < gi.length; g++) {
      if (gi[g] < ua && gj[g] > ub) sure += gn[g];
      else if ((alignedStart ? gi[g] < ua : gi[g] <= ua) && (alignedEnd ? gj[g] > ub : gj[g] >= ub)) {
        maybe += gn[g];
      }
    }
    return [base - sure - maybe, base - sure];
  };

  /* A point as a disc in its layer's colour with a white rim: one drawImage of a disc drawn
   * once (a path, a fill and a stroke a point made a period change four times slower). */
  var DOT_RADIUS = 4;
  function Dot(color) {
    var size = 2 * DOT_RADIUS + 2, scale = window.devicePixelRatio || 1;
    var canvas = document.createElement("canvas");
    canvas.width = canvas.height = Math.ceil(size * scale);
    var ctx = canvas.getContext("2d");
    ctx.scale(scale, scale);
    ctx.globalAlpha = 0.85;
    ctx.beginPath();
    ctx.arc(size / 2, size / 2, DOT_RADIUS, 0, 2 * Math.PI);
    ctx.fillStyle = color;
    ctx.fill();
    ctx.lineWidth = 1;
    ctx.strokeStyle = "#ffffff";
    ctx.stroke();
    this.image = canvas;
    this.size = size;
  }
  Dot.prototype.draw = function (ctx, geom) {
    var half = this.size / 2, points = geom[0];
    for (var i = 0; i < points.length; i++) {
      ctx.drawImage(this.image, points[i].x - half, points[i].y - half, this.size, this.size);
    }
  };

  /* ---- the app ---- */

  function TileApp(map, groups, data) {
    var self = this;
    this.map = map;
    this.groups = groups;
    this.data = data;
    this.words = window.MapgenI18n.words(data.i18n); /* the map's language (i18n.js) */
    this.counts = new TileCounts(data.counts);
    this.count = data.places;
    this.strict = !!data.strict;
    this.listeners = [];
    this.ready = false;
    this.container = map.getContainer();
    this.narrow = this.container.clientWidth < window.MapgenLayout.NARROW;
    /* places met by name (search results): columns as a one-file map's, grown as met */
    this.places = { id: [], name: [], layer: [], info: [] };
    this.known = {};  /* id -> index in places */
    this.bounds = [];  /* per known place: its spans' [sw, sn, en, ew], null open */
    this.lon = [];
    this.lat = [];
    this.active = [];
    var undated = 0;
    data.counts.layers.forEach(function (l) { undated += l.undated; });
    this.undated = undated ? [1] : [];  /* the "Undated places" switch shows when there are some */
    this.undatedCount = undated;
    this.filter = { showUndated: true };  /* what a one-file map's TimeFilter holds of it */
    var c = data.counts, today = dates.today();
    var ext = MapgenApp.inWindow(c.low === null ? [today - 3650, today]
      : [c.low, c.open ? Math.max(c.high, today) : c.high], data.window);
    this.extent = ext;
    this.from = ext[0];
    this.to = ext[1];
    this.tileLayers = [];
    this.drawing = Promise.resolve();
    this.visibleFeature = function (k, p) { return self.featureShown(k, p); };
  }

  TileApp.create = function (map, groups, data) {
    var app = new TileApp(map, groups, data);
    app.container.mapgen = app;
    app.container.classList.add("mapgen-map");  /* window.mapgen: the first such (mapgen.js) */
    app.start();
    return app;
  };

  var A = TileApp.prototype;

  A.start = function () {
    var self = this, map = this.map;
    if (this.data.basemap) {
      map.createPane("mapgen-basemap").style.zIndex = "150";
      this.container.classList.add("mapgen-has-basemap");
      new window.MapgenBasemap(this.data.basemap).addTo(map);
    }
    map.createPane("mapgen-layer-0").style.zIndex = "450";
    if (!document.documentElement.getAttribute("lang")) document.documentElement.lang = "en";
    this.legend = window.MapgenLegend(this).addTo(map);
    this.layersToggle();
    this.periodControl = new window.MapgenPeriodControl(this);
    this.search = window.MapgenSearch(this).addTo(map);
    map.on("overlayadd overlayremove", function () { self.refresh(); });
    map.on("popupopen", function (e) { self.clearOfControls(e.popup); });
    map.on("resize", function () { self.arrange(); });
    map.on("click", function (e) { self.popupAt(e.latlng); });
    var status = document.getElementById(this.container.id + "-status");
    if (window.location.protocol === "file:") {
      this.fileHelp(status);
    } else {
      if (status) status.remove();
      this.openArchives(this.data.archives.map(function (a) {
        return new window.pmtiles.PMTiles(a.url);
      }));
    }
    this.refresh();
    this.arrange();
    setTimeout(function () {
      self.initialView();
      self.ready = true;
      self.container.setAttribute("data-mapgen-ready", "true");
    }, 0);
  };

  /* Opened from file://: tiles cannot be fetched. Say how to serve the folder, and offer to
   * read the archives from disk (pmtiles' FileSource). */
  A.fileHelp = function (status) {
    var self = this, box = status || el("div", "mapgen-status");
    box.textContent = "";
    box.setAttribute("role", "status");
    box.appendChild(el("p", null, this.words.t("This map reads its tiles over HTTP. Serve " +
      "its folder with “mapgen serve FOLDER” and open the address it prints " +
      "(http://127.0.0.1:8000/).")));
    var names = this.data.archives.map(function (a) { return a.url.split("/").pop(); });
    var label = el("label", null, this.words.t("Or choose {files} (in the folder's tiles/): ",
      { files: names.join(", ") }));
    var input = document.createElement("input");
    input.type = "file";
    input.multiple = names.length > 1;
    input.accept = ".pmtiles";
    label.appendChild(input);
    box.appendChild(label);
    if (!status) this.container.appendChild(box);
    input.addEventListener("change", function () {
      var files = {};
      Array.prototype.forEach.call(input.files, function (f) { files[f.name] = f; });
      if (!names.every(function (n) { return files[n]; })) return;
      box.remove();
      self.openArchives(names.map(function (n) {
        return new window.pmtiles.PMTiles(new window.pmtiles.FileSource(files[n]));
      }));
    });
  };

  /* One protomaps-leaflet layer per archive, its paint rules filtering on the period. */
  A.openArchives = function (archives) {
    var self = this;
    archives.forEach(function (archive, n) {
      archive.getHeader().then(function (header) {
        var layers = self.data.archives[n].layers;
        /* the first layer on top, as on a one-file map */
        var pm = window.protomapsL.leafletLayer({
          url: archive, maxDataZoom: header.maxZoom, paintRules: self.rules(layers),
          labelRules: [], attribution: "", pane: "mapgen-layer-0", tileDelay: 0.001,
          zIndex: self.data.layers.length - layers[0]
        });
        pm.mapgenLayers = layers;
        self.tileLayers.push(pm);
        (layers.length === 1 ? self.groups[layers[0]] : self.map).addLayer(pm);
      });
    });
  };

  /* Paint rules for layers `ks`: polygons, lines and points in each layer's colour, each
   * feature only when it is shown (featureShown). */
  A.rules = function (ks) {
    var self = this, P = window.protomapsL, out = [];
    ks.forEach(function (k) {
      var layer = self.data.layers[k], color = layer.color;
      function only(type) {
        return function (z, f) { return f.geomType === type && self.featureShown(k, f.props); };
      }
      out.push({ dataLayer: layer.tile, filter: only(3),
        symbolizer: new P.PolygonSymbolizer({ fill: color, opacity: 0.25 }) });
      out.push({ dataLayer: layer.tile, filter: only(2),
        symbolizer: new P.LineSymbolizer({ color: color, width: 2 }) });
      out.push({ dataLayer: layer.tile, filter: only(1), symbolizer: new Dot(color) });
    });
    return out;
  };

  /* Is tile feature `p` (its properties) of layer k shown now? The period test of
   * time-filter.js on the span's own bounds: an open end is a missing attribute. */
  A.featureShown = function (k, p) {
    if (!this.layerOn(k)) return false;
    if (p.u) return this.filter.showUndated;
    var keys = KEYS[this.strict ? "strict" : "wide"];
    var start = p[keys[0]], end = p[keys[1]];
    return (start === undefined || start <= this.to) && (end === undefined || end >= this.from);
  };

  A.layerOn = function (k) { return this.map.hasLayer(this.groups[k]); };

  A.on = function (fn) { this.listeners.push(fn); };
  A.emit = function () { for (var i = 0; i < this.listeners.length; i++) this.listeners[i](this); };

  /* The period or a switch changed: the known places' flags, every tile drawn again from
   * the tiles in memory (no fetch), the controls told. */
  A.refresh = function () {
    for (var i = 0; i < this.places.id.length; i++) this.active[i] = this.placeShown(i) ? 1 : 0;
    var jobs = [];
    this.tileLayers.forEach(function (pm) {
      if (!pm._map) return;
      for (var key in pm._tiles) jobs.push(repaint(pm, pm._tiles[key].el, key));
    });
    this.drawing = Promise.all(jobs);
    this.emit();
  };

  /* Paint tile `key` of protomaps layer `pm` again from the tile in memory: its canvas
   * cleared and its features painted by the layer's rules (which read the period), with
   * none of a first render's waits (tile priority timers, label layout). */
  function repaint(pm, element, key) {
    var coords = pm._wrapCoords(pm._keyToTileCoords(key)), wrapped = pm._tileCoordsToKey(coords);
    return pm.views.get("").getDisplayTile(coords).then(function (prepared) {
      if (element.key !== wrapped || !element.width) return;
      var ctx = element.getContext("2d"), scale = pm.tileSize / 256, pad = 16;
      ctx.setTransform(scale, 0, 0, scale, 0, 0);
      ctx.clearRect(0, 0, 256, 256);
      var x = 256 * coords.x, y = 256 * coords.y;
      window.protomapsL.paint(ctx, coords.z, new Map([["", [prepared]]]), null, pm.paintRules,
        { minX: x - pad, minY: y - pad, maxX: x + 256 + pad, maxY: y + 256 + pad },
        { x: x, y: y }, false, "");
    }, function () { /* a tile no longer wanted */ });
  }

  /* A promise kept when the tiles are drawn for the current period (tests, benchmarks). */
  A.drawn = function () { return this.drawing; };

  A.setDays = function (from, to) {
    this.from = Math.min(from, to);
    this.to = Math.max(from, to);
    this.refresh();
  };

  A.setPeriod = MapgenApp.prototype.setPeriod;
  A.period = MapgenApp.prototype.period;

  A.setShowUndated = function (on) {
    this.filter.showUndated = !!on;
    this.refresh();
  };

  /* The places shown now, as a one-file map's shownCounts: [dated, undated], every layer
   * switched on counted, from the build. The dated count is "least–most" for a window that
   * starts or ends inside a unit of the axis when places with gaps between their spans make
   * it uncertain (the counts are by unit: see counts.py). */
  A.shownCounts = function () {
    var lo = 0, hi = 0, undated = 0;
    for (var k = 0; k < this.data.layers.length; k++) {
      if (!this.layerOn(k)) continue;
      var r = this.counts.range(k, this.from, this.to, this.strict);
      lo += r[0];
      hi += r[1];
      undated += this.data.counts.layers[k].undated;
    }
    undated = this.filter.showUndated ? undated : 0;
    return [lo === hi ? lo : lo + "–" + hi, undated, lo + undated, hi + undated];
  };

  /* How many places are shown now: a number, or "least–most" (shownCounts). */
  A.shownCount = function () {
    var c = this.shownCounts();
    return c[2] === c[3] ? c[2] : c[2] + "–" + c[3];
  };

  A.countText = MapgenApp.prototype.countText;

  /* The histogram's counts (period-histogram.js): places of each layer in each bin, the
   * bins [edges[r], edges[r + 1] - 1]. */
  A.binCounts = function (edges, bins) {
    var layers = this.data.layers.length, out = new Int32Array(layers * bins);
    for (var k = 0; k < layers; k++) {
      for (var r = 0; r < bins; r++) {
        out[k * bins + r] = this.counts.range(k, edges[r], edges[r + 1] - 1, this.strict)[0];
      }
    }
    return out;
  };

  /* The timeline of the layers (timeline-panel.js): a row a layer, its bars the runs of
   * units in which it has places in the period's reading. */
  A.timelineSource = function () {
    var self = this, layers = this.data.layers, n = layers.length, unit = this.counts.unit;
    var offsets = [0], bounds = [], flags = [], words = [];
    var first = unitOf(this.extent[0], unit), last = unitOf(this.extent[1], unit);
    for (var k = 0; k < n; k++) {
      var run = null, runs = [];
      for (var u = first; u <= last + 1; u++) {
        var a = unitStart(u, unit), b = unitStart(u + 1, unit) - 1;
        var on = u <= last && this.counts.range(k, a, b, this.strict)[1] > 0;
        if (on && !run) run = [a, b];
        else if (on) run[1] = b;
        else if (run) { runs.push(run); run = null; }
      }
      runs.forEach(function (r) { bounds.push(r[0], r[0], r[1], r[1]); flags.push(0); });
      offsets.push(offsets[k] + runs.length);
      words.push(runs.map(function (r) {
        var a = dates.civilFromDays(r[0]), b = dates.civilFromDays(r[1]);
        return a[0] === b[0] ? String(a[0]) : a[0] + "–" + b[0];
      }).join("; "));
    }
    var filter = new window.MapgenTimeFilter({ offsets: offsets, bounds: bounds, flags: flags,
      flagBits: { fuzzyStart: 1, fuzzyEnd: 2, ongoing: 4 } }, n);
    var index = [];
    for (var q = 0; q < n; q++) index.push(q);
    return {
      count: n, noun: "layer", words: this.words, data: this.data, filter: filter,
      container: this.container,
      places: { name: layers.map(function (l) { return l.label; }), layer: index },
      get active() {
        return index.map(function (k) {
          return self.counts.range(k, self.from, self.to, self.strict)[1] > 0 ? 1 : 0;
        });
      },
      get from() { return self.from; }, get to() { return self.to; },
      layerOn: function (k) { return self.layerOn(k); },
      whenText: function (k) {
        return words[k] ? self.words.t("places in {when}", { when: words[k] })
          : self.words.t("places in no period");
      },
      highlight: function () {},
      openRow: function (k, day) {
        var control = self.periodControl, scale = control.scale;
        control.setWindow(scale.unitsWindow(scale.unitFloor(day), 1));
      }
    };
  };

  /* ---- places met by name ---- */

  /* Index of the place of a name-index entry [key, rank, id, name, layer, lon, lat, when,
   * bounds], added to `places` when first met. */
  A.meet = function (entry) {
    var id = entry[2];
    if (id in this.known) return this.known[id];
    var i = this.places.id.length;
    this.known[id] = i;
    this.places.id.push(id);
    this.places.name.push(entry[3]);
    this.places.layer.push(entry[4]);
    this.places.info.push({ when: entry[7] });
    this.lon.push(entry[5]);
    this.lat.push(entry[6]);
    this.bounds.push(entry[8]);
    this.active.push(0);
    this.active[i] = this.placeShown(i) ? 1 : 0;
    return i;
  };

  /* Is known place i in the period (its layer aside)? time-filter.js's test. */
  A.placeShown = function (i) {
    var spans = this.bounds[i], lo = this.strict ? 1 : 0, hi = this.strict ? 2 : 3;
    if (!spans.length) return this.filter.showUndated;
    for (var s = 0; s < spans.length; s++) {
      var a = spans[s][lo], b = spans[s][hi];
      if ((a === null || a <= this.to) && (b === null || b >= this.from)) return true;
    }
    return false;
  };

  A.whenText = function (i) { return this.places.info[i].when || ""; };
  A.placeLatLng = function (i) { return L.latLng(this.lat[i], this.lon[i]); };
  A.highlight = function () {};
  A.legendElement = MapgenApp.prototype.legendElement;

  /* The search box's matches (search.js): from the name index, a few shards fetched. */
  A.findNames = function (query) {
    return window.MapgenTileSearch.find(this, query);
  };

  /* Script interface: as a one-file map's find, but a promise. */
  A.find = function (query) {
    var ids = this.places.id;
    return this.findNames(query).then(function (found) {
      return { ids: found.places.map(function (i) { return ids[i]; }), total: found.total,
        shown: found.shown, note: found.note || "" };
    });
  };

  /* ---- popups, from the tile features' properties ---- */

  function infoOf(p) {
    var info = { when: p.when || "" };
    ["description", "precision"].forEach(function (key) { if (p[key]) info[key] = p[key]; });
    ["sources", "names"].forEach(function (key) {
      if (!p[key]) return;
      try { info[key] = JSON.parse(p[key]); } catch (e) { /* not ours: left out */ }
    });
    return info;
  }

  /* The features shown near a point, one a place: [{props, layer}]. */
  A.featuresAt = function (latlng, brush) {
    var self = this, out = [], seen = {};
    this.tileLayers.forEach(function (pm) {
      if (!pm._map) return;
      pm.queryTileFeaturesDebug(latlng.lng, latlng.lat, brush || 12).forEach(function (picked) {
        picked.forEach(function (found) {
          var k = self.layerIndex(found.layerName), p = found.feature.props;
          if (k < 0 || !self.featureShown(k, p) || seen[p.id]) return;
          seen[p.id] = true;
          out.push({ props: p, layer: k });
        });
      });
    });
    return out;
  };

  A.layerIndex = function (tile) {
    for (var k = 0; k < this.data.layers.length; k++) if (this.data.layers[k].tile === tile) return k;
    return -1;
  };

  A.popupAt = function (latlng) {
    var found = this.featuresAt(latlng, 12);
    if (!found.length) return;
    var p = found[0].props;
    L.popup({ maxWidth: 340, autoPanPadding: [20, 20] }).setLatLng(latlng)
      .setContent(MapgenApp.popupNode(p.name, infoOf(p), !!p.u, this.words)).openOn(this.map);
  };

  /* Open known place i's popup (or a place by id): from its tile feature once the tiles
   * there are drawn, else from what the name index says of it. */
  A.openPopup = function (id) {
    var self = this, i = typeof id === "number" ? id : this.known[id];
    if (i === undefined || !this.active[i] || !this.layerOn(this.places.layer[i])) return;
    var at = this.placeLatLng(i), tries = 0;
    function attempt() {
      var match = self.featuresAt(at, 6).filter(function (f) {
        return f.props.id === self.places.id[i];
      })[0];
      if (!match && tries++ < 10) { setTimeout(attempt, 150); return; }
      var node = match
        ? MapgenApp.popupNode(match.props.name, infoOf(match.props), !!match.props.u, self.words)
        : MapgenApp.popupNode(self.places.name[i], self.places.info[i], false, self.words);
      L.popup({ maxWidth: 340, autoPanPadding: [20, 20] }).setLatLng(at).setContent(node)
        .openOn(self.map);
    }
    attempt();
  };

  Object.assign(A, window.MapgenLayout.methods);
  A.initialView = MapgenApp.prototype.initialView;
  window.MapgenTileApp = TileApp;
  window.MapgenTileCounts = TileCounts;
})();
