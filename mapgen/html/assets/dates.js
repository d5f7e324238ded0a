/* dates.js: calendar day numbers, shared by every mapgen script (loaded first).
 *
 * A day number counts days from 1970-01-01 (day 0) in the proleptic Gregorian calendar, with
 * astronomical years (year 0 is 1 BCE): the same numbers as mapgen/dates.py. No JavaScript
 * Date arithmetic, so BCE years and open ends compute like any other date.
 */
(function () {
  "use strict";
  if (window.MapgenDates) return;

  var MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

  function daysFromCivil(y, m, d) {
    y -= m <= 2 ? 1 : 0;
    var era = Math.floor(y / 400);
    var yoe = y - era * 400;
    var doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
    var doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    return era * 146097 + doe - 719468;
  }

  /* [year, month, day] of a day number. */
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

  /* |n| in at least `width` digits. */
  function pad(n, width) {
    var s = String(Math.abs(n));
    while (s.length < width) s = "0" + s;
    return s;
  }

  /* An astronomical year as ISO 8601 writes it: 1981, 0033, -0499, +12000. */
  function yearText(y) {
    return y >= 0 && y <= 9999 ? pad(y, 4) : (y < 0 ? "-" : "+") + pad(y, 4);
  }

  /* A year for people: astronomical year y <= 0 is (1 - y) BCE; `ce` adds " CE" after. */
  function humanYear(y, ce) {
    if (y <= 0) return (1 - y) + " BCE";
    return ce ? y + " CE" : String(y);
  }

  /* "1981-06-28", "-0499-01-01". */
  function isoDate(days) {
    var c = civilFromDays(days);
    return yearText(c[0]) + "-" + pad(c[1], 2) + "-" + pad(c[2], 2);
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

  /* Today's day number (UTC). */
  function today() {
    var now = new Date();
    return daysFromCivil(now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate());
  }

  window.MapgenDates = { daysFromCivil: daysFromCivil, civilFromDays: civilFromDays,
    pad: pad, yearText: yearText, humanYear: humanYear, isoDate: isoDate, parseDay: parseDay,
    today: today };
})();
