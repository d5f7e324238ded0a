/* compare.js: two periods side by side (issue 23). The page's map is split into two ordinary
 * mapgen maps over the same data — the second made here, with its own period control, count
 * and `element.mapgen` handle — laid out side by side, stacked on pages narrower than 700 px.
 * Their views are one: pan or zoom either and the other follows. The first map's legend and
 * layer switches serve both (the second's are hidden; a layer switched in the first is
 * switched in the second). The first map of a page keeps both periods in the URL hash,
 * "#compare=1981/1986,2003/.." (".." is the edge of the data), in place of from/to.
 *
 * It starts from `mapgen build --compare` (data.compare, CONTRACT.md), from such a hash, or
 * from the "Compare" button it adds to the period control (after "All"). mapgen.js calls
 * every function in window.MapgenExtensions with each map once its controls are made, and
 * what that returns once its first view is set; this file adds one.
 * It uses the app's own handles only (setDays, groups, layerOn, periodControl, keepsHash,
 * fitView, arrange); text reaches the page through textContent.
 */
(function () {
  "use strict";
  if (window.MapgenCompare) return;
  var dates = window.MapgenDates, ui = window.MapgenUI;

  var STACK_BELOW = 700; /* px: a page narrower than this stacks the two maps */
  var SHORT = 420; /* px: a map this short (or narrow, layout.js) has its controls folded */
  var INTERVAL = 300; /* ms between two URL updates */

  /* "1981/1986", "2003/..", "../1986": an app's period, its ends at the edge of the data
   * written "..", whole years as years (the period control's own texts). */
  function periodText(app) {
    var scale = app.periodControl.scale, ext = app.extent;
    var from = app.from <= ext[0] ? ".." : scale.startText(app.from);
    var to = app.to >= ext[1] ? ".." : scale.endText(app.to);
    return from + "/" + to;
  }

  /* [first day, last day] from "1981/1986" (or one date, "1986": all of it) in an app's
   * extent; null when the text is not one. */
  function parsePeriod(text, app) {
    var parts = String(text).split("/"), ext = app.extent;
    if (parts.length === 1) parts = [parts[0], parts[0]];
    if (parts.length !== 2) return null;
    var a = parts[0] === ".." || parts[0] === "" ? ext[0] : dates.parseDay(parts[0], false);
    var b = parts[1] === ".." || parts[1] === "" ? ext[1] : dates.parseDay(parts[1], true);
    if (isNaN(a) || isNaN(b)) return null;
    return [Math.min(a, b), Math.max(a, b)];
  }

  /* data.compare's [start, end] day numbers (null: the edge of the data) as a window. */
  function windowOf(pair, app) {
    return [pair[0] === null ? app.extent[0] : pair[0], pair[1] === null ? app.extent[1] : pair[1]];
  }

  /* The two periods the hash names ("compare=A,B"), or null. */
  function hashPeriods(app) {
    var text = ui.hashParams().compare;
    if (text === undefined) return null;
    var both = text.split(",");
    if (both.length !== 2) return null;
    var a = parsePeriod(both[0], app), b = parsePeriod(both[1], app);
    return a && b ? [a, b] : null;
  }

  function Compare(app) {
    this.first = app;
    this.second = null;
    this.wrap = null;
    this.timer = 0;
    this.writtenAt = -Infinity;
    this.syncing = false;
    this.savedHash = null;
    this.addButton();
    var self = this;
    if (app.keepsHash()) {
      window.addEventListener("hashchange", function () { self.onHashChange(); });
    }
  }

  var C = Compare.prototype;

  /* The "Compare" switch, in the period control's first row, after "All". */
  C.addButton = function () {
    var control = this.first.periodControl, words = this.first.words, self = this;
    /* an icon (two panes, compare.css), named for screen readers: the row has no room for
     * a word on a narrow map */
    var button = this.button = ui.button("mapgen-pc-compare mapgen-controls-only", "",
      words.t("Compare"));
    button.appendChild(ui.el("span", "mapgen-pc-compare-icon"));
    button.setAttribute("aria-pressed", "false");
    button.title = words.t("Compare two periods side by side");
    button.addEventListener("click", function () {
      if (self.second) self.close(); else self.open(null, false);
    });
    control.allButton.parentNode.insertBefore(button, control.allButton.nextSibling);
  };

  /* Split the map in two: the first shows periods[0], the second periods[1] (null: both the
   * first's current period). *fit*: frame every place anew in the first map's new size (a
   * page that opens comparing); else the view stays as it was (the button). */
  C.open = function (periods, fit) {
    if (this.second) { this.setPeriods(periods); return; }
    var a = this.first, box = a.container, map = a.map, self = this;
    if (a.periodControl.timelineOpen) a.periodControl.toggleTimeline(false); /* undocked */
    /* each map in a cell of its own, where its timeline docks below it */
    var wrap = this.wrap = ui.el("div", "mapgen-compare");
    var cells = [ui.el("div", "mapgen-compare-cell"), ui.el("div", "mapgen-compare-cell")];
    box.parentNode.insertBefore(wrap, box);
    wrap.appendChild(cells[0]);
    wrap.appendChild(cells[1]);
    cells[0].appendChild(box);
    box.classList.add("mapgen-compare-first");
    var div = ui.el("div", "mapgen-compare-second");
    div.id = box.id + "-second";
    div.mapgenCompare = this; /* so that the extension knows the map it is called with */
    cells[1].appendChild(div);
    this.layout();

    var other = L.map(div, L.extend({}, map.options, {
      center: map.getCenter(), zoom: map.getZoom(), layers: []
    }));
    map.eachLayer(function (layer) {
      if (layer instanceof L.TileLayer) L.tileLayer(layer._url, layer.options).addTo(other);
    });
    if (box.querySelector(".leaflet-control-scale")) L.control.scale().addTo(other);
    var groups = a.groups.map(function (group, k) {
      var mine = L.featureGroup();
      if (a.layerOn(k)) mine.addTo(other);
      return mine;
    });
    this.second = window.MapgenApp.create(other, groups, a.data);
    this.onLayers = function (e) {
      var k = a.groups.indexOf(e.layer);
      if (k < 0) return;
      if (e.type === "overlayadd") other.addLayer(groups[k]); else other.removeLayer(groups[k]);
      other.fire(e.type, { layer: groups[k], name: e.name });
    };
    map.on("overlayadd overlayremove", this.onLayers);
    this.follow(map, other); /* and the first follows the second once its view is set */
    this.folded = this.fold(a);
    this.stopHash();
    a.on(function () { self.hashDue(); });
    this.second.on(function () { self.hashDue(); });
    if (window.ResizeObserver) {
      this.observer = new ResizeObserver(function () { self.layout(); });
      this.observer.observe(wrap);
    }
    this.button.setAttribute("aria-pressed", "true");
    this.button.title = a.words.t("Back to one map");
    map.invalidateSize();
    if (fit && !a.viewFromHash) a.fitView();
    this.setPeriods(periods);
  };

  /* Back to one map, showing the first map's period. */
  C.close = function () {
    var a = this.first, b = this.second, wrap = this.wrap;
    if (!b) return;
    [a, b].forEach(function (app) { app.periodControl.toggleTimeline(false); });
    if (this.observer) this.observer.disconnect();
    a.map.off("overlayadd overlayremove", this.onLayers);
    a.map.off("move zoomend", this.onMove);
    this.folded.forEach(function (toggle) {  /* the controls folded for the comparison */
      if (toggle.getAttribute("aria-expanded") === "false") toggle.click();
    });
    b.map.remove();
    wrap.parentNode.insertBefore(a.container, wrap);
    wrap.remove();
    a.container.classList.remove("mapgen-compare-first");
    this.second = this.wrap = null;
    this.button.setAttribute("aria-pressed", "false");
    this.button.title = a.words.t("Compare two periods side by side");
    a.map.invalidateSize();
    a.arrange();
    if (this.savedHash) {
      a.periodControl.hash = this.savedHash;
      this.savedHash = null;
      ui.writeHash(ui.hashText({ compare: null }));
      a.periodControl.hash.write();
    }
  };

  C.setPeriods = function (periods) {
    var a = this.first, b = this.second;
    var first = periods ? periods[0] : [a.from, a.to];
    var second = periods ? periods[1] : first;
    this.setting = true; /* the hash is written once both are set */
    if (first[0] !== a.from || first[1] !== a.to) a.setDays(first[0], first[1]);
    if (second[0] !== b.from || second[1] !== b.to) b.setDays(second[0], second[1]);
    this.setting = false;
    this.hashDue();
  };

  /* Side by side, or stacked on a narrow page; the maps learn their new sizes. */
  C.layout = function () {
    var wrap = this.wrap;
    if (!wrap) return;
    var stacked = wrap.clientWidth < STACK_BELOW;
    if (stacked !== wrap.classList.contains("mapgen-compare-stacked")) {
      wrap.classList.toggle("mapgen-compare-stacked", stacked);
    }
    [this.first, this.second].forEach(function (app) {
      if (app && app.map) app.map.invalidateSize();
    });
    if (this.second && this.second.map) this.sync(this.first.map, this.second.map);
  };

  /* *to* shows what *from* shows: the same centre and zoom. */
  C.sync = function (from, to) {
    if (this.syncing) return;
    this.syncing = true;
    to.setView(from.getCenter(), from.getZoom(), { animate: false });
    this.syncing = false;
  };

  C.follow = function (from, to) {
    var self = this;
    function move() { self.sync(from, to); }
    from.on("move zoomend", move);
    if (from === this.first.map) this.onMove = move;
  };

  /* The second map's first view is set: it takes the first's, and the first follows it from
   * now on (an extension call). */
  C.secondReady = function () {
    this.sync(this.first.map, this.second.map);
    this.follow(this.second.map, this.first.map);
    this.fold(this.second);
    this.wrap.setAttribute("data-mapgen-compare-ready", "true");
  };

  /* In a cell too small for them (narrow or short), a map's open controls fold to their
   * buttons, as a narrow map's start folded; returns the toggles it folded. */
  C.fold = function (app) {
    var box = app.container;
    if (box.clientWidth >= window.MapgenLayout.NARROW && box.clientHeight >= SHORT) return [];
    var open = box.querySelectorAll('.mapgen-toggle[aria-expanded="true"]');
    return Array.prototype.filter.call(open, function (toggle) {
      if (!toggle.getClientRects().length) return false; /* the hidden legend's */
      toggle.click();
      return true;
    });
  };

  /* ---- the URL hash: both periods, for the first map of a page ---- */

  /* While comparing, the first map's own from/to stay out of the hash. */
  C.stopHash = function () {
    var control = this.first.periodControl;
    if (!this.first.keepsHash() || !control.hash) return;
    this.savedHash = control.hash;
    control.hash = null;
    ui.writeHash(ui.hashText({ from: null, to: null }));
  };

  /* The page's hash with both periods in it, as written: "compare=1981/1986,2003/.." (its
   * "/" and "," need no escape in a URL's fragment), in place of from/to. */
  C.withPeriods = function () {
    var text = periodText(this.first) + "," + periodText(this.second);
    return ui.hashText({ compare: "-", from: null, to: null })
      .replace(/(^|&)compare=-(?=&|$)/, "$1compare=" + text);
  };

  /* Write the hash a task later (a hashchange being handled may end the comparison), and
   * at most once an interval. */
  C.hashDue = function () {
    if (!this.second || this.setting || !this.first.keepsHash() || !this.first.ready) return;
    var self = this, wait = this.writtenAt + INTERVAL - ui.now();
    function write() {
      self.timer = 0;
      if (!self.second) return;
      self.writtenAt = ui.now();
      ui.writeHash(self.withPeriods());
    }
    if (!this.timer) this.timer = setTimeout(write, Math.max(0, wait));
  };

  /* A link or the address bar changed the hash: compare what it names, or stop comparing
   * when it names mapgen's keys but no comparison. */
  C.onHashChange = function () {
    if (!this.first.keepsHash() || !ui.hashSpeaks()) return;
    var periods = hashPeriods(this.first);
    if (periods) this.open(periods, false);
    else if (this.second) this.close();
  };

  /* The extension: every map gets the "Compare" switch before it is first laid out; once
   * its first view is set, the first map of a page that asks for a comparison (its hash,
   * else data.compare) opens it, and the second map of a comparison takes the first's view. */
  function extend(app) {
    var pair = app.container.mapgenCompare;
    if (pair) return function () { pair.secondReady(); };
    if (!app.periodControl || app.data.story) return null; /* a story's steps set one period */
    var compare = app.compare = new Compare(app);
    return function () {
      var periods = app.keepsHash() ? hashPeriods(app) : null;
      if (!periods && app.data.compare) {
        periods = [windowOf(app.data.compare[0], app), windowOf(app.data.compare[1], app)];
      }
      if (periods) compare.open(periods, true);
    };
  }

  (window.MapgenExtensions = window.MapgenExtensions || []).push(extend);
  window.MapgenCompare = { extend: extend, periodText: periodText, parsePeriod: parsePeriod };
})();
