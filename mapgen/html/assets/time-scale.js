/* time-scale.js: the period control's time axis. It snaps to a calendar unit (years; months
 * or days for short extents), runs over whole units, maps days to pixels and back, writes
 * periods as text and places the axis ticks.
 *
 * Unit k holds the days [units.start(k), units.start(k + 1) - 1]; boundary k is its first day.
 * The axis runs over units firstUnit..lastUnit, i.e. days firstDay..lastDay, drawn `width` px
 * wide after an inset of INSET px.
 */
(function () {
  "use strict";
  var parts = window.MapgenPeriod = window.MapgenPeriod || {};
  if (parts.TimeScale) return;
  var dates = window.MapgenDates, ui = window.MapgenUI, clamp = ui.clamp;

  var INSET = 14; /* px between the control's edge and the time axis (slider and timeline) */

  /* 1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, ...: the first one >= x. */
  function stepAtLeast(x) {
    var base = 1, mult = [1, 2, 2.5, 5];
    for (;;) {
      for (var i = 0; i < mult.length; i++) {
        var s = mult[i] * base;
        if (s >= x && s === Math.round(s)) return s;
      }
      base *= 10;
    }
  }

  /* Calendar units: index(day) numbers the unit holding a day; start(k) is unit k's first day. */
  function makeUnits(kind) {
    if (kind === "year") {
      return { kind: kind, perYear: 1, single: "year", plural: "years", short: "yr",
        index: function (d) { return dates.civilFromDays(d)[0]; },
        start: function (k) { return dates.daysFromCivil(k, 1, 1); } };
    }
    if (kind === "month") {
      return { kind: kind, perYear: 12, single: "month", plural: "months", short: "mo",
        index: function (d) { var c = dates.civilFromDays(d); return c[0] * 12 + c[1] - 1; },
        start: function (k) {
          var y = Math.floor(k / 12);
          return dates.daysFromCivil(y, k - 12 * y + 1, 1);
        } };
    }
    return { kind: "day", perYear: 365.2425, single: "day", plural: "days", short: "d",
      index: function (d) { return Math.floor(d); },
      start: function (k) { return k; } };
  }

  /* The axis over `extent` ([first day, last day] of the data). */
  function TimeScale(extent, words, calendar) {
    this.words = words; /* the map's language (i18n.js) */
    /* another calendar's years beside the Gregorian ones (data.calendar), or none */
    this.calendarYears = calendar ? calendar.years : null;
    var length = extent[1] - extent[0] + 1;
    this.units = makeUnits(length >= 5 * 365 ? "year" : length >= 62 ? "month" : "day");
    this.firstUnit = this.units.index(extent[0]);
    this.lastUnit = this.units.index(extent[1]);
    this.firstDay = this.units.start(this.firstUnit);
    this.lastDay = this.units.start(this.lastUnit + 1) - 1;
    this.markCE = dates.civilFromDays(this.firstDay)[0] <= 0; /* the axis reaches into BCE */
    this.width = 0; /* px; set by the control's layout */
  }

  TimeScale.INSET = INSET;
  TimeScale.stepAtLeast = stepAtLeast;

  var S = TimeScale.prototype;

  /* ---- time <-> text ---- */

  /* The first day of a period as short text: "1981", "1981-06", "1981-06-28". */
  S.startText = function (day) {
    var c = dates.civilFromDays(day);
    if (c[1] === 1 && c[2] === 1) return dates.yearText(c[0]);
    if (c[2] === 1) return dates.yearText(c[0]) + "-" + dates.pad(c[1], 2);
    return dates.isoDate(day);
  };

  /* The last day of a period as short text: "1990" for 1990-12-31, "1990-06" for 1990-06-30. */
  S.endText = function (day) {
    var c = dates.civilFromDays(day), next = dates.civilFromDays(day + 1);
    if (next[1] === 1 && next[2] === 1) return dates.yearText(c[0]);
    if (next[2] === 1) return dates.yearText(c[0]) + "-" + dates.pad(c[1], 2);
    return dates.isoDate(day);
  };

  /* Text for people: whole years read "1981" or "500 BCE". */
  S.humanText = function (text) {
    var m = /^([+-]?\d+)(?:-(\d\d)(?:-(\d\d))?)?$/.exec(text);
    if (!m) return text;
    var y = parseInt(m[1], 10), month = m[2] ? parseInt(m[2], 10) : null;
    if (month === null) return this.yearText(y);
    return this.words.date(y, month, m[3] ? parseInt(m[3], 10) : null, true);
  };

  /* A year tick's label: the year, and with another calendar the year of it that 1 January
   * falls in ("1981 / 1359"), read from data.calendar's first days (convertdate's). */
  S.tickText = function (y) {
    var text = this.yearText(y), years = this.calendarYears;
    if (!years || !years.length) return text;
    var day = dates.daysFromCivil(y, 1, 1), lo = 0, hi = years.length - 1;
    if (day < years[0][0]) return text;
    while (lo < hi) {  /* the last year that began on or before the day */
      var mid = (lo + hi + 1) >> 1;
      if (years[mid][0] <= day) lo = mid; else hi = mid - 1;
    }
    return text + " / " + this.words.number(years[lo][1]);
  };

  /* A year on this axis in words: "1981", "500 BCE", and "1200 CE" on an axis into BCE. */
  S.yearText = function (y) {
    return this.markCE ? this.words.eraYear(y) : this.words.date(y);
  };

  S.valueText = function (text) {
    var human = this.humanText(text);
    return human === text ? text : text + " (" + human + ")";
  };

  S.periodLabel = function (from, to) {
    var a = this.startText(from), b = this.endText(to);
    if (a === b) return this.humanText(a);
    var level = Math.max(a.replace(/^[+-]/, "").split("-").length,
      b.replace(/^[+-]/, "").split("-").length) - 1;
    return this.words.range(this.humanText(a), this.humanText(b), level);
  };

  /* Does [from, to] cover exactly one year, month or day? */
  S.isSingle = function (from, to) {
    return this.startText(from) === this.endText(to);
  };

  /* ---- units and pixels ---- */

  S.unitCount = function () { return this.lastUnit - this.firstUnit + 1; };

  /* The unit boundary at or before a day (the slider position of a period start). */
  S.unitFloor = function (day) {
    var k = this.units.index(clamp(day, this.firstDay, this.lastDay));
    return clamp(k, this.firstUnit, this.lastUnit);
  };

  /* The unit boundary after a day (the slider position of a period end). */
  S.unitCeil = function (day) {
    var k = this.units.index(clamp(day, this.firstDay, this.lastDay)) + 1;
    return clamp(k, this.firstUnit + 1, this.lastUnit + 1);
  };

  /* Does [from, to] reach both ends of the axis? */
  S.isFull = function (from, to) {
    return this.unitFloor(from) <= this.firstUnit && this.unitCeil(to) >= this.lastUnit + 1;
  };

  /* The days of `count` units from unit k: [first day, last day]. */
  S.unitsWindow = function (k, count) {
    return [this.units.start(k), this.units.start(k + count) - 1];
  };

  /* A window inside the axis; one wholly outside it becomes the nearest unit. */
  S.clampWindow = function (a, b) {
    if (b < this.firstDay) b = this.units.start(this.firstUnit + 1) - 1;
    if (a > this.lastDay) a = this.units.start(this.lastUnit);
    return [clamp(a, this.firstDay, this.lastDay), clamp(b, this.firstDay, this.lastDay)];
  };

  /* The pixel of the start of a day (x of day + 1 is the pixel of its end). */
  S.x = function (day) {
    var f = (day - this.firstDay) / (this.lastDay + 1 - this.firstDay);
    return INSET + clamp(f, 0, 1) * this.width;
  };

  S.rightEdge = function () { return INSET + this.width; };

  S.dayAt = function (x) {
    var f = this.width > 0 ? clamp((x - INSET) / this.width, 0, 1) : 0;
    return this.firstDay + f * (this.lastDay + 1 - this.firstDay);
  };

  /* The unit boundary nearest to pixel x. */
  S.boundaryAt = function (x) {
    var day = this.dayAt(x), u = this.units;
    var k = u.index(Math.floor(Math.min(day, this.lastDay)));
    var s = u.start(k), e = u.start(k + 1);
    if (day - s > (e - s) / 2) k += 1;
    return clamp(k, this.firstUnit, this.lastUnit + 1);
  };

  /* The unit under pixel x. */
  S.unitAt = function (x) {
    var k = this.units.index(Math.floor(Math.min(this.dayAt(x), this.lastDay)));
    return clamp(k, this.firstUnit, this.lastUnit);
  };

  /* ---- ticks ---- */

  /* Labelled ticks and minor ticks, {major: [{x, label}], minor: [{x}]}, spaced so labels
   * measured with `ctx` do not collide. */
  S.ticks = function (ctx) {
    var u = this.units, self = this, major = [], minor = [];
    var px = this.width / this.unitCount(), step, sub, k, d;
    ctx.font = "10px " + ui.FONT;
    function width(text) { return ctx.measureText(text).width; }
    function add(list, boundary, label) {
      var day = u.start(boundary);
      if (day < self.firstDay || day > self.lastDay + 1) return;
      list.push({ x: self.x(day), label: label });
    }
    if (u.kind === "year") {
      var y0 = this.firstUnit, y1 = this.lastUnit + 1;
      var self2 = this;
      var widest = Math.max(width(self2.tickText(y0)), width(self2.tickText(y1)),
        width(self2.tickText(Math.round((y0 + y1) / 2))));
      step = stepAtLeast((widest + 14) / px);
      /* Round numbers in historical years (no year 0), so BCE ticks read 500 BCE, 450 BCE. */
      var hist = function (y) { return y > 0 ? y : y - 1; };
      var astro = function (h) { return h > 0 ? h : h + 1; };
      for (var h = Math.ceil(hist(y0) / step) * step; h <= hist(y1); h += step) {
        if (h !== 0) add(major, astro(h), self2.tickText(astro(h)));
      }
      sub = [step / 10, step / 5, step / 2].filter(function (s) {
        return s >= 1 && s === Math.round(s) && s * px >= 5;
      })[0];
      if (sub) {
        for (var g = Math.ceil(hist(y0) / sub) * sub; g <= hist(y1); g += sub) {
          if (g !== 0 && g % step !== 0) add(minor, astro(g), "");
        }
      }
    } else if (u.kind === "month") {
      var short = this.words.data.monthsShort;
      var labelW = width(short[2] + " " + this.words.number(2000)) + 12;
      step = [1, 2, 3, 6, 12, 24, 60].filter(function (s) { return s * px >= labelW; })[0] || 120;
      for (k = Math.ceil(this.firstUnit / step) * step; k <= this.lastUnit + 1; k += step) {
        var y = Math.floor(k / 12), m = k - 12 * y;
        add(major, k, m === 0 ? this.yearText(y) : short[m]);
      }
      if (step > 1) {
        sub = step >= 12 ? 3 : 1;
        for (k = Math.ceil(this.firstUnit / sub) * sub; k <= this.lastUnit + 1; k += sub) {
          if (k % step !== 0 && sub * px >= 5) add(minor, k, "");
        }
      }
    } else {
      var shortMonths = this.words.data.monthsShort, words = this.words;
      var dayW = width(words.number(28) + " " + shortMonths[2]) + 12;
      step = [1, 2, 7, 14, 28].filter(function (s) { return s * px >= dayW; })[0] || 56;
      for (d = this.firstUnit; d <= this.lastUnit + 1; d += step) {
        var c = dates.civilFromDays(d);
        add(major, d, words.number(c[2]) + " " + shortMonths[c[1] - 1]);
      }
    }
    return { major: major, minor: minor };
  };

  /* Draw `ticks` on the axis canvas, W x H px: labels that would overlap are left out. */
  S.drawAxis = function (ctx, ticks, W, H) {
    var i, t, lastRight = -Infinity;
    ctx.clearRect(0, 0, W, H);
    ctx.fillStyle = "#9aa3ad";
    for (i = 0; i < ticks.minor.length; i++) {
      ctx.fillRect(Math.round(ticks.minor[i].x) - 0.5, 0, 1, 3);
    }
    ctx.font = "10px " + ui.FONT;
    ctx.textBaseline = "top";
    ctx.textAlign = "left";
    for (i = 0; i < ticks.major.length; i++) {
      t = ticks.major[i];
      ctx.fillStyle = "#7b8590";
      ctx.fillRect(Math.round(t.x) - 0.5, 0, 1, 5);
      var w = ctx.measureText(t.label).width;
      var left = clamp(t.x - w / 2, 0, W - w);
      if (left < lastRight + 4) continue;
      ctx.fillStyle = "#49525c";
      ctx.fillText(t.label, left, 6);
      lastRight = left + w;
    }
  };

  parts.TimeScale = TimeScale;
})();
