/* search.js: find a place by its name or one of its other names, with or without diacritics
 * and capitals ("Sao Paulo" finds "São Paulo"). Choosing a match flies the map to it and opens
 * its popup. The folded names are made once, on the first focus of the box, into one text; a
 * query is then one pass of indexOf over it.
 */
(function () {
  "use strict";
  if (window.MapgenSearch) return;
  var el = window.MapgenUI.el;

  var LIMIT = 8; /* matches listed */
  var MARKS = /\p{M}/gu;

  /* Text as the search compares it: decomposed, combining marks dropped, lower case (and ß as
   * ss, as case folding has it). */
  function fold(text) {
    return String(text).normalize("NFD").replace(MARKS, "").toLowerCase().replace(/ß/g, "ss");
  }

  var count = 0; /* search boxes on the page, for unique element ids */

  function Search(app) {
    this.app = app;
    this.matches = [];
    this.current = -1;
    this.id = "mapgen-search-" + (++count);
  }

  /* All names folded into one text, a place after another: its name, then its other names
   * ("\n" before each), then "\u0001" (no query holds either). start[i] is where place i
   * begins, nameEnd[i] where its name ends. */
  Search.prototype.prepare = function () {
    if (this.text !== undefined) return;
    var p = this.app.places, others = p.info.names, n = this.app.count, parts = new Array(n);
    var at = 0;
    this.start = new Int32Array(n + 1);
    this.nameEnd = new Int32Array(n);
    for (var i = 0; i < n; i++) {
      var name = fold(p.name[i]), text = name, names = others[i] || [];
      for (var k = 0; k < names.length; k++) text += "\n" + fold(names[k][1]);
      parts[i] = text;
      this.start[i] = at;
      this.nameEnd[i] = at + name.length;
      at += text.length + 1;
    }
    this.start[n] = at;
    this.text = parts.join("\u0001") + "\u0001";
  };

  /* The place whose text holds position `at`. */
  Search.prototype.placeAt = function (at) {
    var lo = 0, hi = this.app.count - 1, start = this.start;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (start[mid] <= at) lo = mid; else hi = mid - 1;
    }
    return lo;
  };

  /* Indices of the places whose names hold `query`: names that start with it first, then
   * names that hold it, then other names; shown places before the others. Also how many
   * matched in all, and how many of those are shown now. One indexOf pass over one text. */
  Search.prototype.find = function (query) {
    this.prepare();
    var q = fold(query).trim(), app = this.app, layer = app.places.layer;
    var result = { places: [], total: 0, shown: 0 };
    if (!q || /[\n\u0001]/.test(q)) return result;
    var text = this.text, ranked = [[], [], [], [], [], []], on = [];
    for (var k = 0; k < app.data.layers.length; k++) on.push(app.layerOn(k));
    var at = text.indexOf(q);
    while (at >= 0) {
      var found = at, i = this.placeAt(at);
      at = text.indexOf(q, this.start[i + 1]);  /* each place counts once */
      var shown = app.active[i] && on[layer[i]] ? 1 : 0;
      result.total++;
      result.shown += shown;
      var rank = found === this.start[i] ? 0 : found < this.nameEnd[i] ? 1 : 2;
      var bucket = ranked[rank + (shown ? 0 : 3)];
      if (bucket.length < LIMIT) bucket.push(i);
    }
    for (var r = 0; r < ranked.length && result.places.length < LIMIT; r++) {
      result.places = result.places.concat(ranked[r].slice(0, LIMIT - result.places.length));
    }
    return result;
  };

  /* Fly to place i and open its popup (when it is shown in the current period). */
  Search.prototype.go = function (i) {
    var app = this.app, map = app.map, target = app.placeLatLng(i);
    var zoom = Math.max(map.getZoom(), 8);
    map.once("moveend", function () { app.openPopup(i); });
    map.flyTo(target, zoom, { duration: 0.6 });
  };

  Search.prototype.build = function () {
    var self = this, box = el("div", "mapgen-search leaflet-bar");
    box.setAttribute("role", "search");
    /* folds to a button like the other controls (closed at first on narrow maps) */
    var toggle = window.MapgenUI.button("mapgen-search-toggle mapgen-toggle");
    var words = this.app.words;
    toggle.appendChild(el("span", "mapgen-toggle-text", words.t("Find")));
    toggle.setAttribute("aria-label", words.t("Find a place"));
    toggle.title = words.t("Show or hide the search box");
    var body = el("div", "mapgen-search-body");
    body.id = this.id + "-body";
    var input = el("input", "mapgen-search-input");
    input.type = "search";
    input.placeholder = words.t("Find a place");
    input.setAttribute("aria-label", words.t("Find a place by name"));
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.id + "-list");
    input.autocomplete = "off";
    var list = el("ul", "mapgen-search-results");
    list.id = this.id + "-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", words.t("Places found"));
    var status = el("div", "mapgen-search-status");
    status.setAttribute("aria-live", "polite");
    body.appendChild(input);
    body.appendChild(status);
    body.appendChild(list);
    box.appendChild(toggle);
    box.appendChild(body);
    this.input = input;
    this.list = list;
    this.status = status;
    input.addEventListener("focus", function () {
      if (!self.app.findNames) self.prepare();
      if (self.input.value) self.update();
    });
    input.addEventListener("input", function () { self.update(); });
    input.addEventListener("keydown", function (e) { self.key(e); });
    this.app.on(function () { if (self.input.value) self.update(); });
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    this.app.collapsible(box, toggle, body, "search", function (open) {
      if (open) input.focus();
    });
    return box;
  };

  /* The matches of the box's text, listed. A tile folder's page finds them in its name
   * index, fetched on demand (app.findNames, tile-search.js): a promise, shown if the text
   * is still the same when it is kept. */
  Search.prototype.update = function () {
    var self = this, query = this.input.value;
    if (!this.app.findNames) { this.show(this.find(query)); return; }
    this.app.findNames(query).then(function (found) {
      if (self.input.value === query) self.show(found);
    }, function () {
      if (self.input.value === query) self.show({ places: [], total: 0, shown: 0,
        note: "The name index could not be read." });
    });
  };

  /* List `found` ({places, total, shown}, and `note`: words instead of the counts). */
  Search.prototype.show = function (found) {
    var list = this.list, self = this;
    this.matches = found.places;
    this.current = -1;
    list.textContent = "";
    found.places.forEach(function (i, n) {
      var app = self.app, shown = app.active[i] && app.layerOn(app.places.layer[i]);
      var item = el("li", "mapgen-search-result" + (shown ? "" : " mapgen-search-hidden"));
      item.id = self.id + "-" + n;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      var name = el("span", "mapgen-search-name", app.places.name[i]);
      name.setAttribute("dir", "auto");
      item.appendChild(name);
      var when = app.whenText(i);
      var words = app.words, said = when || words.tp("a place", "undated");
      item.appendChild(el("span", "mapgen-search-when", shown ? said
        : words.t("{when} · not shown now", { when: said })));
      item.addEventListener("mousedown", function (e) { e.preventDefault(); });
      item.addEventListener("click", function () { self.choose(n); });
      list.appendChild(item);
    });
    var q = this.input.value.trim();
    var words = this.app.words;
    this.status.textContent = !q ? "" : found.note ? found.note
      : found.total === 0 ? words.t("No place found")
      : words.tn("{n} match, {shown} in this period", "{n} matches, {shown} in this period",
        found.total, { shown: words.number(found.shown, true) });
    this.input.setAttribute("aria-expanded", found.places.length ? "true" : "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Search.prototype.mark = function (n) {
    var items = this.list.children;
    if (!items.length) return;
    this.current = (n + items.length) % items.length;
    for (var k = 0; k < items.length; k++) {
      items[k].setAttribute("aria-selected", k === this.current ? "true" : "false");
    }
    this.input.setAttribute("aria-activedescendant", items[this.current].id);
  };

  Search.prototype.choose = function (n) {
    if (n < 0 || n >= this.matches.length) return;
    this.go(this.matches[n]);
    this.list.textContent = "";  /* the status line still says what was found */
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Search.prototype.key = function (e) {
    if (e.key === "ArrowDown") { this.mark(this.current + 1); e.preventDefault(); }
    else if (e.key === "ArrowUp") { this.mark(this.current - 1); e.preventDefault(); }
    else if (e.key === "Enter") { this.choose(Math.max(0, this.current)); e.preventDefault(); }
    else if (e.key === "Escape") { this.input.value = ""; this.update(); }
  };

  /* The search box as a Leaflet control; `search.find(query)` is there for scripts. */
  function searchControl(app) {
    var search = new Search(app);
    var Control = L.Control.extend({
      options: { position: "topleft" },
      onAdd: function () { return search.build(); }
    });
    var control = new Control();
    control.search = search;
    return control;
  }

  searchControl.fold = fold;
  window.MapgenSearch = searchControl;
})();
