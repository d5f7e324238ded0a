/* period-play.js: playback. The window (or the single date) moves forward through the axis
 * at the chosen speed, one unit at a time, and stops at the end. Methods of the
 * PeriodControl (period-control.js assembles them).
 */
(function () {
  "use strict";
  var parts = window.MapgenPeriod = window.MapgenPeriod || {};
  if (parts.playMethods) return;

  /* The 1-2-5 number nearest to x on a log scale (x > 0). */
  function niceNear(x) {
    var e = Math.floor(Math.log(x) / Math.LN10), best = 1, bestDist = Infinity;
    for (var k = e - 1; k <= e + 1; k++) {
      [1, 2, 5].forEach(function (m) {
        var v = m * Math.pow(10, k), d = Math.abs(Math.log(v / x));
        if (d < bestDist) { best = v; bestDist = d; }
      });
    }
    return parseFloat(best.toPrecision(3));
  }

  var M = {};

  /* Slow, Normal (the whole axis in about 20 s), Fast; each option's value in years/s. */
  M.makeSpeedSelect = function () {
    var self = this, u = this.scale.units, select = document.createElement("select");
    select.className = "mapgen-pc-speed";
    var words = this.app.words;
    select.setAttribute("aria-label", words.t("Playback speed"));
    select.title = words.t("Playback speed");
    var normal = Math.max(1, niceNear(this.scale.unitCount() / 20));
    var speeds = [[words.t("Slow"), niceNear(normal / 2.5)], [words.t("Normal"), normal, true],
      [words.t("Fast"), niceNear(normal * 2.5)]];
    var perSecond = {
      year: function (n) { return words.t("{n} yr/s", { n: n }); },
      month: function (n) { return words.t("{n} mo/s", { n: n }); },
      day: function (n) { return words.t("{n} d/s", { n: n }); }
    }[u.kind];
    speeds.forEach(function (s) {
      var option = document.createElement("option");
      option.value = String(s[1] / u.perYear); /* years per second */
      option.shortText = perSecond(words.number(s[1]));
      option.longText = s[0] + " · " + option.shortText;
      option.textContent = option.longText;
      if (s[2]) option.selected = true;
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      if (self.playState) self.playState.lastFrame = null;
    });
    return select;
  };

  /* Years per second. */
  M.speed = function () {
    var v = parseFloat(this.speedSelect.value);
    return v > 0 ? v : 1;
  };

  M.togglePlay = function () {
    if (this.playing) this.pause(); else this.play();
  };

  M.play = function () {
    if (this.playing) return;
    var self = this, scale = this.scale, app = this.app;
    this.flush();
    if (this.mode === "range" && scale.isFull(app.from, app.to)) this.setMode("at", true);
    var k = scale.unitFloor(app.from);
    var width = this.mode === "at" ? 1 : scale.unitCeil(app.to) - k; /* in units */
    var last = scale.lastUnit + 1 - width; /* the last first unit of the window */
    if (k >= last) k = scale.firstUnit; /* at the end: start again */
    /* position: fractional first unit; unit: the one shown; lastFrame: ms of the last tick */
    this.playState = { position: k, unit: k, width: width, last: last, lastFrame: null };
    this.setWindow(scale.unitsWindow(k, width));
    this.playing = true;
    this.syncPlay();
    function tick(time) {
      var state = self.playState;
      if (!self.playing || !state) return;
      if (state.lastFrame === null) state.lastFrame = time;
      var seconds = Math.min(0.25, Math.max(0, time - state.lastFrame) / 1000);
      state.lastFrame = time;
      state.position += seconds * self.speed() * scale.units.perYear;
      var next = Math.min(Math.floor(state.position), state.last);
      if (next !== state.unit) {
        state.unit = next;
        var shown = scale.unitsWindow(next, state.width);
        app.setDays(shown[0], shown[1]);
      }
      if (next >= state.last) { self.pause(); return; }
      self.playFrame = requestAnimationFrame(tick);
    }
    this.playFrame = requestAnimationFrame(tick);
  };

  M.pause = function () {
    if (!this.playing) return;
    this.playing = false;
    this.playState = null;
    if (this.playFrame) cancelAnimationFrame(this.playFrame);
    this.playFrame = 0;
    this.syncPlay();
    this.hashDue();
  };

  M.syncPlay = function () {
    var label = this.playing ? this.app.words.t("Pause") : this.app.words.t("Play");
    this.playButton.setAttribute("aria-label", label);
    this.playButton.title = label;
    this.playButton.classList.toggle("mapgen-pc-playing", this.playing);
    this.element.classList.toggle("mapgen-pc-is-playing", this.playing);
  };

  parts.playMethods = M;
})();
