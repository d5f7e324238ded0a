/* time-filter.js: which places are in a period. The only reader of the payload's "time"
 * section (CONTRACT.md): everything else asks it through the accessors below, by place index
 * p and span index s.
 */
(function () {
  "use strict";
  if (window.MapgenTimeFilter) return;
  var dates = window.MapgenDates;

  /* The four bounds of span s sit at bounds[4 * s + k]: */
  var START_WIDE = 0, START_NARROW = 1, END_NARROW = 2, END_WIDE = 3;

  /* An open bound in a packed map's Int32 bounds (payload.OPEN_BOUND); JSON writes null. */
  var OPEN_BOUND = -2147483648;

  /* Span bounds per place, in flat typed arrays; open ends are -Infinity and Infinity. The
   * columns are JSON lists (a small map) or typed arrays (a packed one, CONTRACT.md). */
  function TimeFilter(time, count) {
    this.offsets = time.offsets instanceof Int32Array ? time.offsets : Int32Array.from(time.offsets);
    var b = time.bounds, open = b instanceof Int32Array ? OPEN_BOUND : null;
    this.bounds = new Float64Array(b.length);
    for (var i = 0; i < b.length; i++) {
      var infinite = i % 4 === START_WIDE || i % 4 === START_NARROW ? -Infinity : Infinity;
      this.bounds[i] = b[i] === open ? infinite : b[i];
    }
    this.flags = time.flags instanceof Uint8Array ? time.flags : Uint8Array.from(time.flags);
    this.bits = time.flagBits; /* {fuzzyStart, fuzzyEnd, ongoing}: from payload.py */
    this.count = count;
    /* Places with no span (a gazetteer entry without a date): in every period while
     * showUndated is on, in none when it is off. */
    this.undated = new Uint8Array(count);
    var undated = time.undated || [];
    for (var u = 0; u < undated.length; u++) this.undated[undated[u]] = 1;
    this.showUndated = true;
  }

  var F = TimeFilter.prototype;

  /* The spans of place p: indices [first, last + 1). */
  F.spanRange = function (p) {
    return [this.offsets[p], this.offsets[p + 1]];
  };

  /* The first day span s may hold: the widest reading, or the narrowest when strict. */
  F.spanStart = function (s, strict) {
    return this.bounds[4 * s + (strict ? START_NARROW : START_WIDE)];
  };

  /* The last day span s may hold: the widest reading, or the narrowest when strict. */
  F.spanEnd = function (s, strict) {
    return this.bounds[4 * s + (strict ? END_NARROW : END_WIDE)];
  };

  F.isFuzzyStart = function (s) { return (this.flags[s] & this.bits.fuzzyStart) !== 0; };
  F.isFuzzyEnd = function (s) { return (this.flags[s] & this.bits.fuzzyEnd) !== 0; };
  F.isOngoing = function (s) { return (this.flags[s] & this.bits.ongoing) !== 0; };

  /* Mark in `out` (Uint8Array) the places with a span that overlaps [from, to], and the
   * undated ones while showUndated; return how many. The hot loop of every period change: the
   * bounds are read in place. */
  F.apply = function (from, to, strict, out) {
    var offsets = this.offsets, bounds = this.bounds, undated = this.undated;
    var lo = strict ? START_NARROW : START_WIDE, hi = strict ? END_NARROW : END_WIDE, shown = 0;
    var showUndated = this.showUndated ? 1 : 0;
    for (var p = 0; p < this.count; p++) {
      var hit = undated[p] & showUndated;
      for (var s = offsets[p]; s < offsets[p + 1]; s++) {
        if (bounds[4 * s + lo] <= to && bounds[4 * s + hi] >= from) { hit = 1; break; }
      }
      out[p] = hit;
      shown += hit;
    }
    return shown;
  };

  /* The finite time extent of the data; an open end runs to today. */
  F.extent = function () {
    var min = Infinity, max = -Infinity, b = this.bounds, open = false, today = dates.today();
    for (var i = 0; i < b.length; i++) {
      if (isFinite(b[i])) { if (b[i] < min) min = b[i]; if (b[i] > max) max = b[i]; }
      else if (i % 4 === END_WIDE) open = true;
    }
    if (!isFinite(min)) { min = today - 3650; max = today; }
    if (open) max = Math.max(max, today);
    return [min, max];
  };

  window.MapgenTimeFilter = TimeFilter;
})();
