/* view-hash.js: the map's view in the URL hash ("#z=6&c=33.3,44.4": zoom, then centre as
 * latitude,longitude), beside the period (period-hash.js), for the map that keeps the page's
 * hash (layout.js keepsHash). Read when the map starts (mapgen.js fits the data only when it
 * names no view) and on every hashchange; written after every move (throttled), also while the
 * period plays, but never over the page's own anchor or keys (ui.js writeHash).
 */
(function () {
  "use strict";
  if (window.MapgenViewHash) return;

  var INTERVAL = 300; /* ms between two URL updates */

  function params() {
    return window.location.hash.replace(/^#/, "").split("&").filter(Boolean);
  }

  /* {zoom, center} named by the hash, or null. */
  function read() {
    var z = NaN, c = null;
    params().forEach(function (part) {
      var i = part.indexOf("="), key = part.slice(0, i), value = part.slice(i + 1);
      if (i < 0) return;
      try { value = decodeURIComponent(value); } catch (e) { return; }
      if (key === "z") z = Number(value);
      if (key === "c") c = value.split(",").map(Number);
    });
    if (!isFinite(z) || !c || c.length !== 2 || !isFinite(c[0]) || !isFinite(c[1])) return null;
    if (Math.abs(c[0]) > 90 || Math.abs(c[1]) > 540) return null;
    return { zoom: z, center: [c[0], c[1]] };
  }

  /* "z=6&c=33.30,44.40": the centre to about a pixel's precision at that zoom. */
  function text(map) {
    var zoom = map.getZoom(), c = map.getCenter().wrap();
    var digits = Math.max(1, Math.min(6, Math.ceil(zoom * 0.3) + 1));
    return "z=" + zoom + "&c=" + c.lat.toFixed(digits) + "," + c.lng.toFixed(digits);
  }

  function ViewHash(app) {
    this.app = app;
    this.timer = 0;
    this.writtenAt = -Infinity;
  }

  /* Only the map that keeps the page's hash (layout.js keepsHash) follows it. */
  ViewHash.wanted = function (app) { return app.keepsHash(); };

  /* Show the view the hash names; false when it names none. */
  ViewHash.prototype.apply = function () {
    var view = read();
    if (!view) return false;
    this.app.map.setView(view.center, view.zoom, { animate: false });
    return true;
  };

  /* From now on (after the initial view is set), moves go to the hash and the hash to the map. */
  ViewHash.prototype.listen = function () {
    var self = this;
    this.app.map.on("moveend", function () { self.due(); });
    window.addEventListener("hashchange", function () {
      if (self.app.keepsHash()) self.apply();
    });
  };

  ViewHash.prototype.write = function () {
    this.writtenAt = Date.now();
    var mine = text(this.app.map), kept = params().filter(function (part) {
      return !/^(z|c)(=|$)/.test(part);
    });
    window.MapgenUI.writeHash(kept.concat([mine]).join("&"));
  };

  ViewHash.prototype.due = function () {
    var self = this, wait = this.writtenAt + INTERVAL - Date.now();
    if (wait <= 0 && !this.timer) { this.write(); return; }
    if (!this.timer) {
      this.timer = setTimeout(function () { self.timer = 0; self.write(); }, Math.max(0, wait));
    }
  };

  window.MapgenViewHash = ViewHash;
})();
