/* layout.js: the controls of a mapgen map as a reader meets them — they fold to buttons (the
 * state kept in the URL hash), stay apart, start folded on narrow maps, and never cover the
 * places: the first view fits every place into the area they leave free, and a popup pans
 * clear of them. Methods of MapgenApp (mapgen.js mixes them in), kept apart because they are
 * one job: where things sit on the screen.
 */
(function () {
  "use strict";
  if (window.MapgenLayout) return;
  var ui = window.MapgenUI, el = ui.el;
  var NARROW = 500; /* px: a phone, or a narrow report column */
  var SHORT = 600; /* px: a story map lower than this starts with its controls folded */
  var methods = {};

  /* Does this map keep its state in the URL hash? The first map of a page does, unless it is
   * a fragment that did not ask to (mapgen build --fragment --hash on): a report's hash is
   * its anchors'. */
  methods.keepsHash = function () {
    var fragment = this.container.closest(".mapgen-fragment");
    return window.mapgen === this && !!(window.history && window.history.replaceState) &&
      (!fragment || fragment.hasAttribute("data-mapgen-hash"));
  };

  /* A value of the hash ("1", "0"), or undefined (other maps: always undefined). */
  methods.hashState = function (key) {
    return this.keepsHash() ? ui.hashParams()[key] : undefined;
  };

  methods.setHashState = function (key, value) {
    if (!this.keepsHash()) return;
    var change = {};
    change[key] = value;
    ui.writeHash(ui.hashText(change));
  };

  /* Do the controls start folded? On a narrow map, and on a short one that tells a story
   * (its caption panel needs the room). */
  methods.startsFolded = function () {
    var story = this.data.story;
    return this.narrow || !!(story && story.panel && this.container.clientHeight < SHORT);
  };

  /* Make `root` collapse to its `toggle` button, hiding `body`; open from the start unless
   * the controls start folded or the hash says `key`=0. A click keeps the state in the hash,
   * then calls after(open). Returns the setter: set(open). */
  methods.collapsible = function (root, toggle, body, key, after) {
    var self = this, wanted = this.hashState(key);
    var set = ui.disclosure(root, toggle, body, function (open) {
      self.setHashState(key, open ? "1" : "0");
      if (after) after(open);
      self.arrange();
    });
    set(wanted === undefined ? !this.startsFolded() : wanted !== "0");
    function setter(open) {
      set(open);
      if (after) after(open);
    }
    this.foldable(key, wanted === undefined && !this.startsFolded(), setter);
    return setter;
  };

  /* Controls open from the start that foldCrowded may fold: the hash's word stands. */
  methods.foldable = function (key, open, set) {
    if (!this.folds) this.folds = {};
    if (open) this.folds[key] = set;
  };

  /* The share of the map under its controls (their boxes, clipped to the map). */
  methods.coveredShare = function () {
    var c = this.container, W = c.clientWidth, H = c.clientHeight, sum = 0;
    Array.prototype.forEach.call(c.querySelectorAll(".leaflet-control"), function (node) {
      var b = boxIn(node, c);
      var w = Math.min(b.right, W) - Math.max(b.left, 0);
      var h = Math.min(b.bottom, H) - Math.max(b.top, 0);
      if (w > 0 && h > 0) sum += w * h;
    });
    return W && H ? sum / (W * H) : 0;
  };

  /* At first, controls open over more than a quarter of the map (650 x 480: about 45%) fold
   * to their buttons, one after the other until they cover a quarter at most: the layer
   * switches (the legend lists the layers too), the legend, the period control (its folded
   * bar still says the period and plays), then the search box. A reader opens them again;
   * what the hash says stays. The period control widens into the room a folded legend
   * leaves, so it is laid out again before each measure. */
  methods.foldCrowded = function () {
    var folds = this.folds || {};
    for (var i = 0; i < FOLD_ORDER.length && this.coveredShare() > MOST_COVERED; i++) {
      var set = folds[FOLD_ORDER[i]];
      if (!set) continue;
      set(false);
      if (this.periodControl) this.periodControl.layout(); else this.arrange();
    }
  };

  var MOST_COVERED = 0.25;
  var FOLD_ORDER = ["layers", "legend", "filter", "search"];

  /* The layer switcher (Leaflet's, top right) gets a button that folds its list away: folded
   * from the start on narrow maps and past a dozen layers (the legend lists them too). */
  methods.layersToggle = function () {
    var box = this.container.querySelector(".leaflet-control-layers");
    var list = box && box.querySelector(".leaflet-control-layers-list");
    if (!list) return;
    var n = this.data.layers.length;
    var toggle = ui.button("mapgen-layers-toggle mapgen-toggle");
    toggle.appendChild(el("span", "mapgen-toggle-text", this.words.tn("Layer", "Layers ({n})", n)));
    toggle.setAttribute("aria-label", this.words.tn("{n} layer", "{n} layers", n));
    toggle.title = this.words.t("Show or hide the layer switches");
    box.insertBefore(toggle, box.firstChild);
    list.id = this.container.id + "-layers";
    var self = this, wanted = this.hashState("layers");
    var set = ui.disclosure(box, toggle, list, function (open) {
      self.setHashState("layers", open ? "1" : "0");
      self.arrange();
    });
    var open = wanted === undefined ? !this.startsFolded() && n <= 12 : wanted !== "0";
    set(open);
    this.foldable("layers", open && wanted === undefined, set);
  };

  /* After any change of size or of a control: narrow or not; the legend and the layer list no
   * taller than the map leaves them; the bottom-left controls lifted above the bottom-right
   * ones where the two would overlap (on narrow maps). */
  methods.arrange = function () {
    var c = this.container, H = c.clientHeight, W = c.clientWidth;
    if (!W || !H) return;
    var narrow = this.isNarrow();
    c.classList.toggle("mapgen-narrow", narrow);
    /* the search box takes the width the layer switches leave it at the top */
    var search = c.querySelector(".mapgen-search");
    var topRight = c.querySelector(".leaflet-top.leaflet-right");
    if (search && search.classList.contains("mapgen-collapsed")) search.style.width = "";
    else if (search) {
      var free = W - (topRight ? topRight.offsetWidth : 0) - 40;
      search.style.width = Math.max(140, Math.min(240, free)) + "px";
    }
    var topLeft = c.querySelector(".leaflet-top.leaflet-left");
    var top = topLeft ? topLeft.offsetHeight : 0;
    var list = c.querySelector(".leaflet-control-layers-list");
    if (list) list.style.maxHeight = Math.max(80, Math.floor(H * 0.5) - top) + "px";
    var left = c.querySelector(".leaflet-bottom.leaflet-left");
    var right = c.querySelector(".leaflet-bottom.leaflet-right");
    var lift = 0;
    if (left && right) {
      left.style.bottom = "";
      var leftBox = boxIn(left, c);
      Array.prototype.forEach.call(right.children, function (control) {
        var box = boxIn(control, c);
        /* side by side unless they meet (either way round: a right-to-left page's "left"
         * corner is on the right) */
        if (box.w && box.left < leftBox.right + 6 && box.right > leftBox.left - 6) {
          lift = Math.max(lift, H - box.top);
        }
      });
      if (lift) left.style.bottom = lift + "px";
    }
    /* the legend scrolls within what the controls above and below it leave */
    var body = c.querySelector(".mapgen-legend-body");
    if (body && left && left.contains(body)) {
      var rest = left.offsetHeight - body.offsetHeight;  /* its button, the scale bar, margins */
      var room = H - top - lift - rest - 26;
      var most = Math.floor(H * (narrow ? 0.45 : 0.55));
      body.style.maxHeight = Math.max(60, Math.min(most, room)) + "px";
      scrollable(body);
    }
  };

  methods.isNarrow = function () {
    return this.container.clientWidth < NARROW;
  };

  /* A box that scrolls can be scrolled with the keyboard. */
  function scrollable(node) {
    if (node.scrollHeight > node.clientHeight + 1) node.setAttribute("tabindex", "0");
    else node.removeAttribute("tabindex");
  }

  /* An element's box in the map container's pixels. */
  function boxIn(node, container) {
    var r = node.getBoundingClientRect(), o = container.getBoundingClientRect();
    return { left: r.left - o.left, top: r.top - o.top, right: r.right - o.left,
      bottom: r.bottom - o.top, w: r.width, h: r.height };
  }

  /* The boxes of the controls on the map, in container pixels, with a margin. */
  methods.controlBoxes = function (margin) {
    var c = this.container, out = [];
    Array.prototype.forEach.call(c.querySelectorAll(".leaflet-control"), function (node) {
      var b = boxIn(node, c);
      if (!b.w || !b.h) return;
      out.push({ left: b.left - margin, top: b.top - margin, right: b.right + margin,
        bottom: b.bottom + margin });
    });
    return out;
  };

  /* Padding [top, right, bottom, left] in px that keeps every control outside the rectangle
   * left free: each control is kept out across one side of the map (any of the four; a
   * control low on the left may be best kept out from below, or from the left); of those
   * choices (4^n, n <= 8 controls: a story's panel is the eighth; 5-20 ms), the one `score`
   * (padding -> number) rates highest among those that leave at least 40 x 40 px; no padding
   * when none does. */
  methods.freePadding = function (score) {
    var W = this.container.clientWidth, H = this.container.clientHeight;
    var boxes = this.controlBoxes(MARGIN).slice(0, 8), n = boxes.length;
    var reach = boxes.map(function (b) { return [b.bottom, W - b.left, H - b.top, b.right]; });
    var best = null, bestScore = -Infinity, combos = Math.pow(4, n), scored = {};
    for (var code = 0; code < combos; code++) {
      var pad = [0, 0, 0, 0], rest = code;
      for (var i = 0; i < n; i++, rest = Math.floor(rest / 4)) {
        var side = rest % 4;
        pad[side] = Math.max(pad[side], reach[i][side]);
      }
      if (W - pad[1] - pad[3] < 40 || H - pad[0] - pad[2] < 40) continue;
      /* many choices give the same padding: rate each padding once (a fit's rating asks
       * Leaflet for a zoom, 16,384 times made it a tenth of a small map's opening) */
      var key = pad.join(), value = key in scored ? scored[key] : (scored[key] = score(pad));
      if (value > bestScore) { bestScore = value; best = pad; }
    }
    return best || [0, 0, 0, 0];
  };

  var MARGIN = 14; /* px between a control and the nearest place's centre (a marker's radius) */
  var MAX_ZOOM = 8;
  var FLIGHT = 0.8; /* s: a story's move from one step's view to the next */

  function area(pad, W, H) {
    return (W - pad[1] - pad[3]) * (H - pad[0] - pad[2]);
  }

  /* Every place, as large as it fits in the area the controls leave free (data.bounds:
   * [[south, west], [north, east]] from Python); false when there is nothing to fit. Or
   * other `bounds` (a story's step frames its places), with a short flight when `fly`, no
   * closer than `maxZoom` (default 8). */
  methods.fitView = function (bounds, fly, maxZoom) {
    var map = this.map, c = this.container;
    var W = c.clientWidth, H = c.clientHeight;
    var most = maxZoom || MAX_ZOOM;
    bounds = bounds || this.data.bounds;
    if (!bounds || !W || !H) return false;
    var pad = this.freePadding(function (p) {
      var zoom = Math.min(most, map.getBoundsZoom(bounds, false,
        [p[1] + p[3], p[0] + p[2]]));
      return zoom * 1e7 + area(p, W, H);
    });
    var options = { paddingTopLeft: [pad[3], pad[0]], paddingBottomRight: [pad[1], pad[2]],
      maxZoom: most, animate: false };
    if (fly) map.flyToBounds(bounds, L.extend(options, { animate: true, duration: FLIGHT }));
    else map.fitBounds(bounds, options);
    return true;
  };

  /* The view centred on `latLng` at `zoom` in the middle of the area the controls leave free
   * (the largest one), with a short flight when `fly`. */
  methods.centreView = function (latLng, zoom, fly) {
    var map = this.map, W = this.container.clientWidth, H = this.container.clientHeight;
    var pad = this.freePadding(function (p) { return area(p, W, H); });
    var shift = L.point((pad[1] - pad[3]) / 2, (pad[2] - pad[0]) / 2);
    var centre = map.unproject(map.project(latLng, zoom).add(shift), zoom);
    if (fly) map.flyTo(centre, zoom, { duration: FLIGHT });
    else map.setView(centre, zoom, { animate: false });
  };

  /* Pan an opened popup clear of the controls: into the largest free area it fits in, or,
   * when it fits in none, into the largest one, made small enough to fit there (it scrolls). */
  methods.clearOfControls = function (popup) {
    var node = popup.getElement(), c = this.container;
    if (!node) return;
    var w = node.offsetWidth, h = node.offsetHeight, W = c.clientWidth, H = c.clientHeight;
    var pad = this.freePadding(function (p) {
      var room = W - p[1] - p[3] >= w + 10 && H - p[0] - p[2] >= h + 10;
      return (room ? 1e9 : 0) + area(p, W, H);
    });
    var fits = W - pad[1] - pad[3] >= w + 10 && H - pad[0] - pad[2] >= h + 10;
    if (!fits) {
      /* the popup's own box adds about 40 px around its content, and its tip 20 below */
      popup.options.maxWidth = Math.max(120, W - pad[1] - pad[3] - 50);
      popup.options.minWidth = Math.min(popup.options.minWidth || 50, popup.options.maxWidth);
      popup.options.maxHeight = Math.max(80, H - pad[0] - pad[2] - 70);
    }
    popup.options.autoPanPaddingTopLeft = [pad[3] + 5, pad[0] + 5];
    popup.options.autoPanPaddingBottomRight = [pad[1] + 5, pad[2] + 5];
    popup.update();
  };

  window.MapgenLayout = { NARROW: NARROW, methods: methods, scrollable: scrollable };
})();
