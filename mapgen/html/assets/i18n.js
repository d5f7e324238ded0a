/* i18n.js: a map's words in its language (loaded after dates.js, before the scripts that speak).
 *
 * Everything comes as data in the payload's `i18n` (CONTRACT.md, made by mapgen/html/words.py):
 * the catalog's translations keyed by message (context + "\u0004" + message), CLDR's plural
 * rule as the tree Babel parses (evaluated here: no eval, no new Function, which the page's
 * policy forbids), and the date words of mapgen/language.py (digits, month names, eras, CLDR
 * patterns, range separators). English sends no translations: the messages are English.
 *
 *   var words = MapgenI18n.words(data.i18n);
 *   words.t("Find a place"); words.tn("{n} place", "{n} places", 3); words.tp("ctx", "msg")
 */
(function () {
  "use strict";
  if (window.MapgenI18n) return;

  /* {name} placeholders filled from `values`; text from data is inserted, never read. */
  function fill(template, values) {
    if (!values) return template;
    return template.replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  /* CLDR's plural operands of a whole number: n and i are the number, the rest 0. */
  function operand(name, n) { return name === "n" || name === "i" ? n : 0; }

  function value(expr, n) {
    if (expr[0] === "value") return expr[1][0];
    if (expr[0] === "mod") return value(expr[1][0], n) % value(expr[1][1], n);
    return operand(expr[0], n);
  }

  /* Does count n satisfy a CLDR rule (Babel's parse tree: and, or, not, relation)? */
  function holds(rule, n) {
    var op = rule[0], args = rule[1];
    if (op === "and") return holds(args[0], n) && holds(args[1], n);
    if (op === "or") return holds(args[0], n) || holds(args[1], n);
    if (op === "not") return !holds(args[0], n);
    /* relation: [in | within, expression, [range_list, [[lo, hi], ...]]] */
    var v = value(args[1], n);
    return args[2][1].some(function (range) {
      return v >= value(range[0], n) && v <= value(range[1], n);
    });
  }

  function Words(data) {
    this.data = data;
    this.lang = data.lang;
    this.dir = data.dir;
  }
  var W = Words.prototype;

  /* The index of the catalog form for count n: the first form whose rule holds, else
   * "other" (the last), as gettext chooses in Python. */
  W.pluralIndex = function (n) {
    var rules = this.data.plural, forms = this.data.forms;
    for (var i = 0; i < rules.length; i++) {
      if (holds(rules[i][1], Math.abs(n))) return forms.indexOf(rules[i][0]);
    }
    return forms.length - 1;
  };

  /* A number in the language's digits; `grouped` adds its thousands separators. */
  W.number = function (n, grouped) {
    var text = String(Math.abs(Math.trunc(n)));
    if (grouped) text = text.replace(/\B(?=(\d{3})+(?!\d))/g, this.data.group);
    text = this.numerals(text);  /* a separator is never an ASCII digit */
    return n < 0 ? "-" + text : text;
  };

  /* Text with its ASCII digits in the language's ("1981-06" → "۱۹۸۱-۰۶"). */
  W.numerals = function (text) {
    var digits = this.data.digits;
    return String(text).replace(/[0-9]/g, function (c) {
      return digits.charAt(c.charCodeAt(0) - 48);
    });
  };

  W.t = function (message, values) {
    var found = this.data.strings[message];
    return fill(typeof found === "string" ? found : message, values);
  };

  W.tp = function (context, message, values) {
    var found = this.data.strings[context + "\u0004" + message];
    return fill(typeof found === "string" ? found : message, values);
  };

  /* The form of singular/plural for count n, with {n} in the language's digits. */
  W.tn = function (singular, plural, n, values) {
    var found = this.data.strings[singular], index = this.pluralIndex(n), text;
    if (found && typeof found !== "string") text = found[index];
    else text = n === 1 ? singular : plural;
    var all = { n: this.number(n, true) };
    for (var key in values || {}) all[key] = values[key];
    return fill(text, all);
  };

  /* A year, month or day in words, as mapgen/language.py's Language.date says it; `short`
   * with CLDR's abbreviated month names (the period control's compact texts). */
  W.date = function (year, month, day, short) {
    var level = month ? (day ? 2 : 1) : 0, bce = year <= 0;
    var names = short ? this.data.monthsShort : this.data.months;
    var month_name = month ? names[month - 1] : "";
    return fill(this.data.patterns[level][bce ? 1 : 0], {
      y: this.number(bce ? 1 - year : year), M: month_name, L: month_name,
      m: this.number(month || 0), d: this.number(day || 0), G: this.data.eras[bce ? 0 : 1]
    });
  };

  /* A year with its era word either side of 1 CE: "500 BCE", "1200 CE" (axes into BCE). */
  W.eraYear = function (year) {
    var bce = year <= 0;
    return fill(this.data.patterns[0][1], { y: this.number(bce ? 1 - year : year),
      G: this.data.eras[bce ? 0 : 1] });
  };

  /* Two ends of a window at level (0 years, 1 months, 2 days), as a range. */
  W.range = function (first, last, level) {
    return first + this.data.ranges[level] + last;
  };

  /* A window of day numbers in words at the precision its ends have, as
   * mapgen/dates.py's window_words says it: "1986–2013", "since 1986", "until 2013". */
  W.window = function (start, end) {
    var dates = window.MapgenDates, self = this;
    function precision(day, last) {
      var c = dates.civilFromDays(day), n = dates.civilFromDays(day + 1);
      var edge = last ? n : c;
      if (edge[2] !== 1) return 2;
      return edge[1] !== 1 ? 1 : 0;
    }
    function words(day, level) {
      var c = dates.civilFromDays(day);
      return self.date(c[0], level ? c[1] : null, level === 2 ? c[2] : null);
    }
    var levels = [];
    if (start !== null) levels.push(precision(start, false));
    if (end !== null) levels.push(precision(end, true));
    var level = Math.max.apply(null, levels.concat([0]));
    if (start === null || end === null) {
      if (start !== null) return this.tp("a window", "since {date}", { date: words(start, level) });
      if (end !== null) return this.tp("a window", "until {date}", { date: words(end, level) });
      return "";
    }
    var lo = words(start, level), hi = words(end, level);
    if (lo === hi) return lo;
    if (level === 0 && start < 0 && end >= 0) return this.range(lo, hi, 0);
    if (level === 0) {
      var y0 = dates.civilFromDays(start)[0], y1 = dates.civilFromDays(end)[0];
      if (y1 <= 0) return this.range(this.number(1 - y0), this.date(y1), 0);
      return this.range(this.date(y0), this.date(y1), 0);
    }
    return this.range(lo, hi, level);
  };

  /* The words of a map: one object a map, since two fragments on a page may differ. */
  function words(data) { return new Words(data); }

  window.MapgenI18n = { words: words };
})();
