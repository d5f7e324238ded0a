/* legend.js: the map's legend (bottom left): title, period, layer colours, how many places
 * are shown, attribution. mapgen.js adds it to every map.
 */
(function () {
  "use strict";
  if (window.MapgenLegend) return;
  var el = window.MapgenUI.el;

  function legendControl(app) {
    var Legend = L.Control.extend({
      options: { position: "bottomleft" },
      onAdd: function () {
        var box = el("div", "mapgen-legend leaflet-bar");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", "Legend");
        box.appendChild(el("div", "mapgen-legend-title", app.data.title));
        if (app.data.period) {
          box.appendChild(el("div", "mapgen-legend-period", "Period: " + app.data.period));
        }
        var list = el("ul", "mapgen-legend-layers");
        app.data.layers.forEach(function (layer) {
          var item = el("li");
          var swatch = el("span", "mapgen-swatch");
          swatch.style.background = layer.color;
          item.appendChild(swatch);
          item.appendChild(document.createTextNode(layer.label));
          if (layer.path) item.appendChild(el("span", "mapgen-legend-note", " (with moves)"));
          list.appendChild(item);
        });
        box.appendChild(list);
        app.countNode = el("div", "mapgen-legend-count");
        app.countNode.setAttribute("aria-live", "polite");
        box.appendChild(app.countNode);
        if (app.data.attribution) {
          box.appendChild(el("div", "mapgen-legend-attribution", app.data.attribution));
        }
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      }
    });
    app.on(function () {
      if (!app.countNode) return;
      var n = app.shownCount();
      app.countNode.textContent = n + (n === 1 ? " place" : " places") + " shown";
    });
    return new Legend();
  }

  window.MapgenLegend = legendControl;
})();
