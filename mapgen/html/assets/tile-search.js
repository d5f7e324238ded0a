/* tile-search.js: the search box of a tile folder's page, over the name index that
 * mapgen tiles writes (names/NNNNNN.jsonl, its manifest in the page's data: CONTRACT.md,
 * "Tile maps"). Keys are folded names cut at each word, sorted; a query fetches only the
 * shards its keys can be in (a few hundred kB), and counts every match from the shards'
 * positions without fetching the rest.
 */
(function () {
  "use strict";
  if (window.MapgenTileSearch) return;

  var LIMIT = 8;  /* matches listed, as search.js lists */
  var MAX_SHARDS = 4;  /* shards fetched for one query; past them the count is still exact */
  var cache = {};  /* shard number -> promise of its entries */

  function shard(app, n) {
    if (!cache[n]) {
      var name = ("000000" + n).slice(-6) + ".jsonl";
      cache[n] = fetch(app.data.search.path + name).then(function (response) {
        if (!response.ok) throw new Error("names/" + name + ": " + response.status);
        return response.text();
      }).then(function (text) {
        return text.split("\n").filter(Boolean).map(function (line) { return JSON.parse(line); });
      });
    }
    return cache[n];
  }

  /* The last shard whose first key is <= key (binary search of the manifest). */
  function shardOf(shards, key) {
    var lo = 0, hi = shards.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (shards[mid][0] <= key) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /* Entries [key, rank, id, ...] of a shard that start with q: their positions in it. */
  function startsWith(entries, q) {
    var first = -1, last = -1;
    for (var i = 0; i < entries.length; i++) {
      if (entries[i][0].lastIndexOf(q, 0) === 0) { if (first < 0) first = i; last = i; }
    }
    return [first, last];
  }

  function none(note) { return Promise.resolve({ places: [], total: 0, shown: 0, note: note }); }

  /* {places: [known place index], total, shown, note}: as search.js's find, a promise. */
  function find(app, query) {
    var search = app.data.search, q = window.MapgenSearch.fold(query).trim();
    if (!q || /[\n\u0001]/.test(q)) return none("");
    if (search.off) return none(search.off);
    if (window.location.protocol === "file:") {
      return none(app.words.t("Search needs the map served: run “mapgen serve FOLDER”."));
    }
    var shards = search.shards;
    if (!shards.length) return none("");
    var end = q + "\uffff";
    var lo = shardOf(shards, q), hi = shardOf(shards, end);
    var wanted = [];
    for (var n = lo; n <= hi && wanted.length < MAX_SHARDS; n++) wanted.push(n);
    if (wanted[wanted.length - 1] !== hi) wanted.push(hi);
    return Promise.all(wanted.map(function (n) { return shard(app, n); })).then(function (parts) {
      var all = wanted.length === hi - lo + 1, entries = [], firstPos = -1, lastPos = -1;
      parts.forEach(function (part, p) {
        var at = startsWith(part, q), base = shards[wanted[p]][1];
        if (at[0] < 0) return;
        if (firstPos < 0) firstPos = base + at[0];
        lastPos = base + at[1];
        if (all || p < parts.length - 1) entries = entries.concat(part.slice(at[0], at[1] + 1));
      });
      if (firstPos < 0) return { places: [], total: 0, shown: 0, note: "" };
      var seen = {}, ranked = [[], [], [], [], [], []], shown = 0, places = 0;
      entries.forEach(function (entry) {
        if (seen[entry[2]]) return;
        seen[entry[2]] = true;
        places++;
        var i = app.meet(entry), on = app.active[i] && app.layerOn(app.places.layer[i]);
        shown += on ? 1 : 0;
        var bucket = ranked[entry[1] + (on ? 0 : 3)];
        if (bucket.length < LIMIT) bucket.push(i);
      });
      var out = [];
      for (var r = 0; r < ranked.length && out.length < LIMIT; r++) {
        out = out.concat(ranked[r].slice(0, LIMIT - out.length));
      }
      var total = all ? places : lastPos - firstPos + 1;
      return { places: out, total: total, shown: shown,
        note: all ? "" : total + " matches: the first are listed; type more to narrow them" };
    });
  }

  window.MapgenTileSearch = { find: find };
})();
