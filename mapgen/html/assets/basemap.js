/* basemap.js: the offline basemap (Natural Earth countries, data.basemap), one SVG path per
 * country, projected once: the paths hold Web Mercator pixels at zoom 0, and a move or zoom
 * only sets the SVG's size, place and viewBox (the window of the world it shows, scaled as
 * vectors, drawn sharp) and the stroke width, where Leaflet's GeoJSON layer re-projected,
 * clipped and simplified its 10,000 vertices on every zoom and pan (about 35 ms of a zoom on a
 * map of 1,000 places). During a zoom animation it is scaled like Leaflet's own layers.
 */
(function () {
  "use strict";
  if (window.MapgenBasemap) return;

  var WORLD = 256;  /* the world's width in pixels at zoom 0 (Leaflet's EPSG:3857) */
  var STROKE = 0.6;  /* px on screen */
  var PAD = 0.1;  /* the SVG reaches this share of the map's size past each side, as Leaflet's */

  function x(lon) { return (lon + 180) / 360 * WORLD; }
  function y(lat) {
    var s = Math.sin(Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI / 180);
    return (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * WORLD;
  }

  /* SVG path data of a Polygon's or MultiPolygon's rings, in zoom-0 pixels. */
  function pathData(geometry) {
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates]
      : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    var out = [];
    polygons.forEach(function (rings) {
      rings.forEach(function (ring) {
        ring.forEach(function (c, k) {
          out.push((k ? "L" : "M") + x(c[0]).toFixed(4) + " " + y(c[1]).toFixed(4));
        });
        out.push("Z");
      });
    });
    return out.join("");
  }

  var Basemap = L.Layer.extend({
    options: { pane: "mapgen-basemap", attribution: "" },  /* the caller's words */

    initialize: function (collection, options) {
      L.setOptions(this, options);
      this.collection = collection;
    },

    onAdd: function () {
      var svg = this.svg = L.SVG.create("svg");
      svg.setAttribute("class", "mapgen-basemap leaflet-zoom-animated");
      svg.setAttribute("preserveAspectRatio", "none");
      svg.setAttribute("aria-hidden", "true");
      svg.style.pointerEvents = "none";
      svg.style.transformOrigin = "0 0";
      var group = this.group = L.SVG.create("g");
      group.setAttribute("fill", "#f4f1ea");
      group.setAttribute("fill-rule", "evenodd");
      group.setAttribute("stroke", "#9a9a9a");
      group.setAttribute("stroke-linejoin", "round");
      (this.collection.features || []).forEach(function (feature) {
        var d = feature.geometry ? pathData(feature.geometry) : "";
        if (!d) return;
        var path = L.SVG.create("path");
        path.setAttribute("d", d);
        group.appendChild(path);
      });
      svg.appendChild(group);
      this.getPane().appendChild(svg);
      this.reset();
    },

    onRemove: function () {
      L.DomUtil.remove(this.svg);
    },

    getEvents: function () {
      return { viewreset: this.reset, zoomend: this.reset, moveend: this.reset,
        resize: this.reset, zoomanim: this.animateZoom };
    },

    /* The view and PAD around it: the SVG there, its viewBox the same window of the world in
     * zoom-0 pixels; strokes stay STROKE px. */
    reset: function () {
      var map = this._map, size = map.getSize(), scale = Math.pow(2, map.getZoom());
      var w = Math.round(size.x * (1 + 2 * PAD)), h = Math.round(size.y * (1 + 2 * PAD));
      var topLeft = map.containerPointToLayerPoint([-size.x * PAD, -size.y * PAD]).round();
      var origin = map.getPixelOrigin();
      this.corner = L.point((topLeft.x + origin.x) / scale, (topLeft.y + origin.y) / scale);
      this.scale = scale;
      this.svg.setAttribute("width", w);
      this.svg.setAttribute("height", h);
      this.svg.setAttribute("viewBox", [this.corner.x, this.corner.y, w / scale, h / scale]
        .join(" "));
      L.DomUtil.setPosition(this.svg, topLeft);
      this.group.setAttribute("stroke-width", String(STROKE / scale));
    },

    animateZoom: function (e) {
      var scale = Math.pow(2, e.zoom), origin = this._map._getNewPixelOrigin(e.center, e.zoom);
      L.DomUtil.setTransform(this.svg, this.corner.multiplyBy(scale).subtract(origin),
        scale / this.scale);
    }
  });

  window.MapgenBasemap = Basemap;
})();
