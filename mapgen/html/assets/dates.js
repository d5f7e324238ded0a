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
  /* "1981-06-28", "-0499-01-01". */
  function isoDate(days) {
    var c = civilFromDays(days);
    return yearText(c[0]) + "-" + pad(c[1], 2) + "-" + pad(c[2], 2);
  }

  function monthLength(y, m) {
    var leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    return m === 2 && leap ? 29 : MONTH_DAYS[m - 1];
  }

  var MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  var ISO = /^([+-]?)(\d{1,6})(?:-(\d{2})(?:-(\d{2}))?)?$/;
  var ERA = /^(?:(\d{1,2})\s+)?(?:([a-z]{3,9})\.?\s+)?(?:(ad|ce)\s*)?(\d{1,6})\s*(b\.?\s?c\.?(?:\s?e\.?)?|a\.?d\.?|c\.?e\.?)?$/i;

  /* The astronomical year, month (or null) and day (or null) of a date as the period boxes,
   * setPeriod and the hash take it, read as mapgen reads a date cell (mapgen/datetext.py):
   * "1981", "1981-06", "1981-06-28"; a year BC in words, "500 BCE", "March 500 BCE",
   * "15 March 500 BCE", and "AD 300"; a bare negative number (-500, "-80") counts years BC
   * without a year 0, as historians' tables do, where a year written with four digits is
   * EDTF's and astronomical ("-0499" is 500 BCE). Null when it is not a date. */
  function readDate(value) {
    var text = typeof value === "number" ? String(Math.trunc(value)) : String(value).trim();
    var m = ISO.exec(text), y, month, day, bc;
    if (m) {
      y = parseInt(m[2], 10) * (m[1] === "-" ? -1 : 1);
      month = m[3] ? parseInt(m[3], 10) : null;
      day = m[4] ? parseInt(m[4], 10) : null;
      /* a bare number: a table's year (no year 0) unless written as EDTF writes years */
      if (!m[3] && (typeof value === "number" || !/^[+-]?0\d{3}/.test(text) && m[2].length < 4)) {
        if (y === 0) return null;
        if (y < 0) y += 1;
      }
      return { year: y, month: month, day: day };
    }
    m = ERA.exec(text);
    if (!m || (m[3] && m[5])) return null;
    month = null;
    if (m[2]) {
      var name = m[2].toLowerCase();
      month = MONTH_NAMES.findIndex(function (full) {
        return full.toLowerCase().indexOf(name) === 0;
      }) + 1;
      if (!month) return null;
    } else if (m[1]) return null;
    y = parseInt(m[4], 10);
    bc = m[5] && /^b/i.test(m[5]);
    if (y === 0) return null;
    return { year: bc ? 1 - y : y, month: month, day: m[1] ? parseInt(m[1], 10) : null };
  }

  /* A date as readDate reads it (a year (number), "1981-06", "500 BCE", ...) to a day number:
   * its first day, or its last when `end` is set. NaN when it is not a date. */
  function parseDay(value, end) {
    if (typeof value === "number" && !isFinite(value)) return NaN;
    var d = readDate(value);
    if (!d) return NaN;
    var y = d.year;
    var month = d.month !== null ? d.month : end ? 12 : 1;
    if (month < 1 || month > 12) return NaN;
    var last = monthLength(y, month);
    var day = d.day !== null ? d.day : end ? last : 1;
    if (day < 1 || day > last) return NaN;
    return daysFromCivil(y, month, day);
  }

  /* A box's text ("1981", "1981-06", "-0499-03-15"...) as a reader of the page's language
   * (`words`, i18n.js) writes it: a year before 1 CE in its words ("500 BCE", "15 mars 500
   * av. J.-C."), and a later year with its era word too when `era` (an axis into BCE, whose
   * ticks say "200 CE"); a year with no leading zeros ("200", not "0200"); later months and
   * days as they are; every number in the language's digits. */
  function boxText(text, words, era) {
    var m = ISO.exec(text);
    if (!m) return text;
    var y = parseInt(m[2], 10) * (m[1] === "-" ? -1 : 1);
    if (y > 0 && era && !m[3]) return words.eraYear(y);
    if (y > 0) return words.numerals(m[3] ? text : String(y));
    return words.date(y, m[3] ? parseInt(m[3], 10) : null, m[4] ? parseInt(m[4], 10) : null);
  }

  /* What a reader typed in the page's language (`words`) as readDate reads it: Arabic-Indic,
   * Persian and the language's own digits as ASCII; its era words, month names and the words
   * between them as English ("۱۵ مارس ۵۰۰ پ.م.", "15. März 500 v. Chr." and "15 de marzo de
   * 500 a. C." → "15 March 500 BCE"). ISO dates and English words pass as they are. */
  function typed(text, words) {
    var data = words.data, own = data.digits;
    text = String(text).trim().replace(/[\u0660-\u0669\u06f0-\u06f9]/g, function (c) {
      return String(c.charCodeAt(0) & 15);  /* U+0660 and U+06F0 are digit 0 */
    }).replace(/\S/g, function (c) {
      var n = own.indexOf(c);
      return n < 0 ? c : String(n);
    });
    var low = text.toLowerCase();
    for (var i = 0; i < 2; i++) {  /* the BCE word first: Persian's CE word ends it */
      var era = data.eras[i].toLowerCase();
      if (low.length > era.length && low.slice(-era.length) === era) {
        text = text.slice(0, -era.length).trim() + (i ? " CE" : " BCE");
        break;
      }
    }
    var fold = function (name) { return name.toLowerCase().replace(/\.$/, ""); };
    var links = {};  /* the words a pattern puts between day, month and year ("de") */
    data.patterns.forEach(function (pair) {
      pair.join(" ").split(/\s+/).forEach(function (w) { if (w.indexOf("{") < 0) links[w] = 1; });
    });
    return text.split(/\s+/).filter(function (token) { return !links[token]; }).map(
      function (token) {
        var m = /^(\d+)\.$/.exec(token);  /* "15." (German days) */
        if (m) return m[1];
        var k = [data.months, data.monthsShort].reduce(function (found, names) {
          return found >= 0 ? found : names.map(fold).indexOf(fold(token));
        }, -1);
        return k >= 0 ? MONTH_NAMES[k] : token;
      }).join(" ");
  }

  /* Today's day number (UTC). */
  function today() {
    var now = new Date();
    return daysFromCivil(now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate());
  }

  window.MapgenDates = { daysFromCivil: daysFromCivil, civilFromDays: civilFromDays,
    pad: pad, yearText: yearText, isoDate: isoDate, parseDay: parseDay, boxText: boxText,
    typed: typed, today: today };
})();
