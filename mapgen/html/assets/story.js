/* story.js: a map that tells. An author's steps (the payload's `story`, CONTRACT.md), each a
 * period, layers, places to frame and to highlight, a view and a caption, shown one at a time:
 * a step drives the same period control, layer switches and view the reader uses, so the
 * slider, histogram, timeline, count and hash all follow it, and the reader may explore
 * between steps ("Back to step 3" returns).
 *
 * A caption panel (a Leaflet control: top right, a bottom sheet on narrow maps) shows the
 * step's heading and text, Previous/Next, "3 of 7" and a progress bar; the arrow keys and
 * PageUp/PageDown move between steps while the focus is in the panel (or, on a page of its
 * own, on nothing at all), never from the period slider or the search box. The step is in
 * the hash (`step=3`, first map of a page). A report's own elements marked
 * `data-mapgen-step="3"` take the map to step 3 as they scroll into view: directly when the
 * map is a fragment of that page, by postMessage when it is in an iframe (story-host.js
 * sends them; only a step number from the parent page is accepted).
 *
 * Captions are data: the tree Python cleaned (mapgen/story/caption.py), built here with DOM
 * methods from an allow-list of tags, links http(s) only; never HTML.
 */
(function () {
  "use strict";
  if (window.MapgenStory) return;
  var ui = window.MapgenUI, el = ui.el;

  /* What a caption may hold: mapgen/story/caption.py's TAGS (tests/test_story.py checks). */
  var TAGS = ["a", "blockquote", "br", "code", "em", "h3", "h4", "h5", "h6", "li", "ol", "p",
    "pre", "strong", "ul"];
  var KEYS = { ArrowRight: 1, ArrowDown: 1, PageDown: 1, ArrowLeft: -1, ArrowUp: -1,
    PageUp: -1 };
  var SCROLL_KEYS = { ArrowDown: 1, ArrowUp: 1, PageDown: 1, PageUp: 1 };
  var BAND = "-45% 0px -45% 0px"; /* a report's element drives the map in the middle tenth */
  var MAX_ZOOM = 7; /* a step framing one place shows its region (view= goes closer) */

  /* A caption node: text, or [tag, attributes, ...children]; anything else is left out. */
  function build(node) {
    if (typeof node === "string") return document.createTextNode(node);
    if (!Array.isArray(node) || TAGS.indexOf(node[0]) < 0) return document.createTextNode("");
    var out = document.createElement(node[0]);
    if (node[0] === "a") {
      var href = node[1] && node[1].href;
      if (!ui.isWebUrl(href)) return document.createTextNode(textOf(node));
      out.href = href;
      out.target = "_blank";
      out.rel = "noopener noreferrer";
    }
    for (var i = 2; i < node.length; i++) out.appendChild(build(node[i]));
    return out;
  }

  function textOf(node) {
    if (typeof node === "string") return node;
    return Array.isArray(node) ? node.slice(2).map(textOf).join("") : "";
  }

  /* "3" → 3; anything but a whole number from 1 → 0. */
  function stepNumber(value) {
    if (typeof value === "number") return value >= 1 && value % 1 === 0 ? value : 0;
    return /^[1-9][0-9]{0,5}$/.test(String(value)) ? Number(value) : 0;
  }

  var SIDES = ["right", "left", "top", "bottom"]; /* where a place's name may go */
  var OFFSETS = { right: [10, 0], left: [-10, 0], top: [0, -10], bottom: [0, 10] };

  function overlap(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  function reducedMotion() {
    return !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  var seq = 0;

  function Story(app) {
    var self = this;
    this.app = app;
    this.data = app.data.story;
    this.steps = this.data.steps;
    this.length = this.steps.length;
    this.index = -1;
    this.applying = false;
    this.view = null; /* the view the step's move ended on: {center, zoom} */
    this.moving = false;
    this.marked = [];
    this.inFragment = !!(app.container.closest && app.container.closest(".mapgen-fragment"));
    if (this.data.panel) this.panel = this.buildPanel();
    app.on(function () { self.update(); });
    app.map.on("moveend", function () {
      if (self.moving) self.arrived();
      self.update();
    });
    app.map.on("resize", function () { self.layout(); });
    if (this.panel) document.addEventListener("keydown", function (e) { self.onKey(e); });
    if (app.keepsHash()) {
      window.addEventListener("hashchange", function () {
        var n = self.fromHash();
        if (n && n !== self.index + 1) self.go(n);
      });
    }
    this.go(this.fromHash() || 1, { fly: false });
    if (this.panel) this.panel.live.setAttribute("aria-live", "polite"); /* not on opening */
    this.observe();
    this.listenToParent();
  }

  var S = Story.prototype;

  /* The step shown (1-based): the last one gone to, also while the reader explores. */
  S.step = function () {
    return this.index + 1;
  };

  /* Go to step n (1-based): its period, layers, highlight and view, with a short flight
   * (none when the reader prefers reduced motion, nor when `options.fly` is false). */
  S.go = function (n, options) {
    var number = stepNumber(n);
    if (!number || number > this.length) {
      throw new Error("mapgen.story.go: no step " + n + " (1 to " + this.length + ")");
    }
    var app = this.app, step = this.steps[number - 1];
    var fly = !(options && options.fly === false) && !reducedMotion();
    this.index = number - 1;
    this.applying = true;
    try {
      if (this.panel) this.render(step);
      this.setLayers(step.layers);
      if (app.periodControl) app.periodControl.pause();
      app.setDays(this.from(step), this.to(step));
      this.mark(step);
      this.setView(step, fly);
    } finally {
      this.applying = false;
    }
    if (app.keepsHash()) ui.writeHash(ui.hashText({ step: String(number) }));
    this.update();
    return number;
  };

  S.from = function (step) {
    return step.from === null ? this.app.extent[0] : step.from;
  };

  S.to = function (step) {
    return step.to === null ? this.app.extent[1] : step.to;
  };

  /* Switch the layers through the layer control's own groups: its checkboxes follow. */
  S.setLayers = function (keys) {
    var app = this.app, layers = app.data.layers;
    for (var k = 0; k < layers.length; k++) {
      var want = keys === null || keys.indexOf(layers[k].key) >= 0;
      if (want !== app.layerOn(k)) {
        if (want) app.map.addLayer(app.groups[k]); else app.map.removeLayer(app.groups[k]);
      }
    }
  };

  /* The step's highlighted places emphasised until the next step. */
  S.mark = function (step) {
    var app = this.app;
    this.marked.forEach(function (id) { app.highlight(id, false); });
    this.marked = step.highlight.slice();
    this.marked.forEach(function (id) { app.highlight(id, true); });
    this.label(null);
  };

  /* The step's places named on the map (those it shows), once its move has ended: each name
   * to the right of its place, else on the first side where it stays on the map and covers no
   * control, no marker of the step and no other name, else left out (as the static map
   * leaves out a name that fits nowhere); gone at the next step. */
  S.label = function (step) {
    var app = this.app, map = app.map, placed = [];
    (this.labels || []).forEach(function (label) { label.remove(); });
    this.labels = [];
    if (!step) return;
    var box = app.container.getBoundingClientRect();
    var shown = step.places.map(function (id) { return app.indexOf(id); }).filter(function (i) {
      return i >= 0 && app.active[i] && app.layerOn(app.places.layer[i]);
    });
    /* the controls, and the places' markers (a marker's radius and a little more) */
    var blocked = Array.prototype.map.call(app.container.querySelectorAll(".leaflet-control"),
      function (node) { return node.getBoundingClientRect(); });
    shown.forEach(function (i) {
      var at = map.latLngToContainerPoint(app.placeLatLng(i));
      var x = box.left + at.x, y = box.top + at.y;
      blocked.push({ left: x - 9, right: x + 9, top: y - 9, bottom: y + 9 });
    });
    shown.forEach(function (i) {
      var label = L.tooltip({ permanent: true, className: "mapgen-story-label",
        interactive: false }).setLatLng(app.placeLatLng(i)).setContent(app.tooltipContent(i))
        .addTo(map);
      function put(side) {
        label.options.direction = side;
        label.options.offset = OFFSETS[side];
        label.update();
        return label.getElement().getBoundingClientRect();
      }
      var side = SIDES.filter(function (direction) {
        var rect = put(direction);
        return rect.left >= box.left && rect.right <= box.right && rect.top >= box.top &&
          rect.bottom <= box.bottom &&
          !blocked.concat(placed).some(function (r) { return overlap(rect, r); });
      })[0];
      if (!side) { label.remove(); return; } /* no room: its tooltip still names it */
      placed.push(put(side));
      this.labels.push(label);
    }, this);
  };

  /* The step's view: its own, in the middle of the area the controls leave free, or its
   * places (else every place it shows) framed in that area. */
  S.setView = function (step, fly) {
    var app = this.app, bounds = null;
    this.moving = true;
    this.view = null;
    if (step.view) {
      app.centreView(L.latLng(step.view[0], step.view[1]), step.view[2], fly);
      return;
    }
    function add(i) {
      var where = app.placeLatLng(i);
      if (!isFinite(where.lat) || !isFinite(where.lng)) return;
      if (bounds) bounds.extend(where); else bounds = L.latLngBounds(where, where);
    }
    step.places.forEach(function (id) {
      var i = app.indexOf(id);
      if (i >= 0) add(i);
    });
    if (!bounds) {
      for (var i = 0; i < app.count; i++) {
        if (app.active[i] && app.layerOn(app.places.layer[i])) add(i);
      }
    }
    if (!bounds || !app.fitView(bounds, fly, MAX_ZOOM)) this.arrived();
  };

  /* The step's move has ended: where it ended is the step's view; its places are named. */
  S.arrived = function () {
    this.moving = false;
    this.view = this.here();
    this.label(this.steps[this.index]);
  };

  S.here = function () {
    return { center: this.app.map.getCenter(), zoom: this.app.map.getZoom() };
  };

  /* Does the map still show the step: its period, its layers and the view it moved to? */
  S.atStep = function () {
    if (this.index < 0) return false;
    var app = this.app, step = this.steps[this.index], layers = app.data.layers;
    if (app.from !== this.from(step) || app.to !== this.to(step)) return false;
    for (var k = 0; k < layers.length; k++) {
      if ((step.layers === null || step.layers.indexOf(layers[k].key) >= 0) !== app.layerOn(k)) {
        return false;
      }
    }
    if (this.moving || !this.view) return true;
    var map = app.map, zoom = map.getZoom();
    if (Math.abs(zoom - this.view.zoom) > 0.01) return false;
    return map.project(this.view.center, zoom).distanceTo(map.project(map.getCenter(), zoom)) < 3;
  };

  /* After any change: "Back to step n" shows while the reader explores. */
  S.update = function () {
    if (this.applying || !this.panel) return;
    var away = !this.atStep();
    if (this.panel.back.hidden === !away) return;
    this.panel.back.hidden = !away;
    this.app.arrange();
  };

  S.fromHash = function () {
    return this.app.keepsHash() ? Math.min(stepNumber(ui.hashParams().step), this.length) : 0;
  };

  /* ---- the caption panel ---- */

  S.buildPanel = function () {
    var self = this, app = this.app, id = "mapgen-story-" + (++seq);
    var root = el("section", "mapgen-story leaflet-bar");
    var words = app.words;
    root.setAttribute("aria-label", this.data.title ? words.t("Story: {title}",
      { title: this.data.title }) : words.t("Story"));
    var head = el("div", "mapgen-story-head");
    var title = el("div", "mapgen-story-title", this.data.title);
    if (this.data.author) title.appendChild(el("span", "mapgen-story-author", " · " + this.data.author));
    head.appendChild(title);
    var toggle = ui.button("mapgen-story-toggle mapgen-toggle");
    toggle.appendChild(el("span", "mapgen-toggle-text", words.t("Caption")));
    toggle.setAttribute("aria-label", words.t("Caption"));
    toggle.title = words.t("Show or hide the caption");
    head.appendChild(toggle);
    root.appendChild(head);
    var body = el("div", "mapgen-story-body");
    body.id = id + "-body";
    var live = el("div", "mapgen-story-caption");
    var heading = el("h2", "mapgen-story-heading");
    heading.tabIndex = -1;
    var when = el("div", "mapgen-story-period");
    var text = el("div", "mapgen-story-text");
    live.appendChild(heading);
    live.appendChild(when);
    live.appendChild(text);
    body.appendChild(live);
    var back = ui.button("mapgen-story-back", words.t("Back to step {n}",
      { n: words.number(1) }));
    back.hidden = true;
    body.appendChild(back);
    root.appendChild(body);
    var nav = el("div", "mapgen-story-nav");
    var prev = ui.button("mapgen-story-prev", words.t("Previous"), words.t("Previous step"));
    var count = el("span", "mapgen-story-count");
    var next = ui.button("mapgen-story-next", words.t("Next"), words.t("Next step"));
    nav.appendChild(prev);
    nav.appendChild(count);
    nav.appendChild(next);
    root.appendChild(nav);
    var progress = el("div", "mapgen-story-progress");
    progress.setAttribute("role", "progressbar");
    progress.setAttribute("aria-label", words.t("Story progress"));
    progress.setAttribute("aria-valuemin", "1");
    progress.setAttribute("aria-valuemax", String(this.length));
    var bar = el("div", "mapgen-story-bar");
    progress.appendChild(bar);
    root.appendChild(progress);
    prev.addEventListener("click", function () { self.move(-1); });
    next.addEventListener("click", function () { self.move(1); });
    back.addEventListener("click", function () {
      self.go(self.step());
      heading.focus({ preventScroll: true });
    });
    L.DomEvent.disableClickPropagation(root);
    L.DomEvent.disableScrollPropagation(root);
    var Control = L.Control.extend({ onAdd: function () { return root; } });
    var narrow = app.isNarrow();
    var control = new Control({ position: narrow ? "bottomright" : "topright" }).addTo(app.map);
    var panel = { root: root, control: control, body: body, live: live, heading: heading,
      when: when, text: text, back: back, prev: prev, next: next, count: count,
      progress: progress, bar: bar, narrow: null };
    this.panel = panel;
    var set = app.collapsible(root, toggle, body, "caption", function () { self.layout(); });
    if (app.hashState("caption") === undefined) set(true); /* open, on a phone too */
    this.layout();
    return panel;
  };

  S.move = function (delta) {
    var n = this.step() + delta;
    if (n >= 1 && n <= this.length) this.go(n);
  };

  S.render = function (step) {
    var p = this.panel, number = this.index + 1, n = this.length;
    p.heading.textContent = step.title;
    p.when.textContent = step.period;
    p.when.hidden = !step.period || step.title.indexOf(step.period) >= 0; /* said once */
    while (p.text.firstChild) p.text.removeChild(p.text.firstChild);
    step.caption.forEach(function (node) { p.text.appendChild(build(node)); });
    p.text.scrollTop = 0;
    var words = this.app.words, said = { n: words.number(number), of: words.number(n) };
    p.count.textContent = words.t("{n} of {of}", said);
    p.back.textContent = words.t("Back to step {n}", said);
    p.progress.setAttribute("aria-valuenow", String(number));
    p.progress.setAttribute("aria-valuetext", words.t("Step {n} of {of}", said));
    p.bar.style.width = (100 * number / n).toFixed(2) + "%";
    p.prev.setAttribute("aria-disabled", number === 1 ? "true" : "false");
    p.next.setAttribute("aria-disabled", number === n ? "true" : "false");
    this.layout();
  };

  /* A panel at the top right, or a bottom sheet across a narrow map; its text scrolls
   * within a share of the map's height. */
  S.layout = function () {
    var p = this.panel, app = this.app;
    if (!p) return;
    var W = app.container.clientWidth, H = app.container.clientHeight;
    if (!W || !H) return;
    var narrow = app.isNarrow();
    if (narrow !== p.narrow) {
      p.narrow = narrow;
      p.root.classList.toggle("mapgen-story-sheet", narrow);
      p.control.setPosition(narrow ? "bottomright" : "topright");
    }
    p.root.style.width = narrow ? (W - 20) + "px" : Math.min(320, Math.floor(W * 0.45)) + "px";
    app.arrange();
    /* the text no taller than a share of the map, nor than the room between the controls
     * above the panel and those below it */
    var most = Math.floor(H * (narrow ? 0.22 : 0.4)), c = app.container.getBoundingClientRect();
    var corner = p.root.parentNode, top, below;
    if (narrow) { /* a sheet: below the top corners, above the rest of its own corner */
      top = Math.max.apply(null, Array.prototype.map.call(
        app.container.querySelectorAll(".leaflet-top"), function (n) { return n.offsetHeight; }));
      below = corner.offsetHeight - p.root.offsetHeight;
    } else { /* below the layer switches, above the bottom right corner's controls */
      top = p.root.getBoundingClientRect().top - c.top;
      var under = app.container.querySelector(".leaflet-bottom.leaflet-right");
      below = under ? under.offsetHeight : 0;
    }
    var rest = p.root.offsetHeight - p.text.offsetHeight;
    var room = H - top - below - rest - 20;
    p.text.style.maxHeight = Math.max(60, Math.min(most, room)) + "px";
    window.MapgenLayout.scrollable(p.text);
    app.arrange();
  };

  /* The arrow keys and PageUp/PageDown step through the story while the focus is in the
   * panel (the caption's text keeps Up/Down to scroll), or on nothing on a map page of its
   * own; a fragment leaves its host page's keys alone. */
  S.onKey = function (e) {
    var delta = KEYS[e.key], target = e.target, root = this.panel.root;
    if (!delta || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    var inPanel = root.contains(target);
    var onPage = !this.inFragment && (target === document.body ||
      target === document.documentElement);
    if (!inPanel && !onPage) return;
    if (target === this.panel.text && SCROLL_KEYS[e.key]) return;
    e.preventDefault();
    this.move(delta);
  };

  /* ---- a report's own text drives the map ---- */

  /* Elements of this page marked data-mapgen-step="n" take the map to step n as they
   * cross the middle of the window. */
  S.observe = function () {
    var self = this;
    if (document.readyState === "loading") { /* a fragment: the report's text follows it */
      document.addEventListener("DOMContentLoaded", function () { self.observe(); });
      return;
    }
    var marks = document.querySelectorAll("[data-mapgen-step]");
    if (!marks.length || !window.IntersectionObserver) return;
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        var n = stepNumber(entry.target.getAttribute("data-mapgen-step"));
        if (!entry.isIntersecting || !n || n > self.length) return;
        if (n !== self.step() || !self.atStep()) self.go(n);
      });
    }, { rootMargin: BAND });
    Array.prototype.forEach.call(marks, function (mark) { observer.observe(mark); });
  };

  /* In an iframe: the page around it (only it) may send {mapgen: "step", step: n}; the map
   * says it is ready ({mapgen: "ready", steps: N}) so the page can send the step it is at. */
  S.listenToParent = function () {
    var self = this, parent = window.parent;
    if (!parent || parent === window || window.mapgen !== this.app) return;
    window.addEventListener("message", function (e) {
      var d = e.data;
      if (e.source !== parent || !d || typeof d !== "object" || d.mapgen !== "step") return;
      var n = typeof d.step === "number" ? stepNumber(d.step) : 0;
      if (n && n <= self.length && (n !== self.step() || !self.atStep())) self.go(n);
    });
    parent.postMessage({ mapgen: "ready", steps: this.length }, "*");
  };

  window.MapgenStory = Story;
})();
