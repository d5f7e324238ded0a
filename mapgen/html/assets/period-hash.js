/* period-hash.js: the period in the URL hash ("#from=1981&to=1990"), for the first map of a
 * page only (a fragment's only when built with --hash on): read on load and on every hashchange
 * that names mapgen's keys, written (throttled) after every change, never while playing or
 * dragging, and never over a hash that holds the page's own anchor or keys (ui.js writeHash).
 */
(function () {
  "use strict";
  var parts = window.MapgenPeriod = window.MapgenPeriod || {};
  if (parts.HashSync) return;
  var dates = window.MapgenDates, ui = window.MapgenUI, now = ui.now;

  var INTERVAL = 300; /* ms between two URL updates */

  /* Keeps `control`'s window and the URL hash in step. */
  function HashSync(control) {
    var self = this;
    this.control = control;
    this.app = control.app;
    this.timer = 0;
    this.writtenAt = -Infinity;
    window.addEventListener("hashchange", function () { self.onChange(); });
  }

  /* Only the map that keeps the page's hash (layout.js keepsHash) follows it. */
  HashSync.wanted = function (app) { return app.keepsHash(); };

  var H = HashSync.prototype;

  /* The window the hash asks for, as it asks (setPeriod takes it so too: a reload shows
   * the period a script set); null when it names none. */
  H.read = function () {
    var params = ui.hashParams(), extent = this.app.extent;
    if (params.from === undefined && params.to === undefined) return null;
    var from = params.from || "", to = params.to || "";
    var a = from ? dates.parseDay(from, false) : extent[0];
    var b = to ? dates.parseDay(to, true) : extent[1];
    if (isNaN(a) || isNaN(b)) return null;
    if (a > b && from && to) { a = dates.parseDay(to, false); b = dates.parseDay(from, true); }
    return [Math.min(a, b), Math.max(a, b)];
  };

  /* "from=1981&to=1990": whole years as years, other days as ISO dates; a bound at the edge
   * of the data is left out, so a shared link keeps running to the present. */
  H.text = function () {
    var app = this.app, changes = { from: null, to: null };
    var first = dates.civilFromDays(app.from), after = dates.civilFromDays(app.to + 1);
    if (app.from !== app.extent[0]) {
      changes.from = first[1] === 1 && first[2] === 1 ? dates.yearText(first[0])
        : dates.isoDate(app.from);
    }
    if (app.to !== app.extent[1]) {
      changes.to = after[1] === 1 && after[2] === 1 ? dates.yearText(after[0] - 1)
        : dates.isoDate(app.to);
    }
    return ui.hashText(changes);
  };

  H.write = function () {
    this.writtenAt = now();
    ui.writeHash(this.text());
  };

  /* Write the hash now if the last write is old enough, else once the interval is over;
   * never while playing (the pause writes it) or dragging (the release does). */
  H.due = function () {
    var control = this.control;
    if (!this.app.ready || control.playing || control.drag) return;
    var self = this, wait = this.writtenAt + INTERVAL - now();
    if (wait <= 0 && !this.timer) { this.write(); return; }
    if (!this.timer) {
      this.timer = setTimeout(function () {
        self.timer = 0;
        if (!control.playing && !control.drag) self.write();
      }, Math.max(0, wait));
    }
  };

  /* A change of the hash that names none of mapgen's keys (an in-page link) is the page's;
   * so is any change once the map is no longer the page's first (it was taken away). */
  H.onChange = function () {
    var control = this.control, app = this.app;
    if (!ui.hashSpeaks() || !app.keepsHash()) return;
    var target = this.read() || [app.extent[0], app.extent[1]];
    if (target[0] === app.from && target[1] === app.to) return;
    control.pause();
    control.flush();
    if (control.mode === "at" && !control.scale.isSingle(target[0], target[1])) {
      control.leaveAtMode();
    }
    this.writtenAt = now();
    control.setWindow(target);
  };

  parts.HashSync = HashSync;
})();
