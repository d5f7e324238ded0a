/* legend.js: the map's legend (bottom left): title, period, layer colours, how many places
 * are shown (dated and undated apart; and how many the data had that could not be drawn),
 * attribution. It collapses to a button (collapsed from the start on narrow maps; the state
 * is kept in the URL hash as legend=0|1). mapgen.js adds it to every map.
 */
(function () {
  "use strict";
  if (window.MapgenLegend) return;
  var ui = window.MapgenUI, el = ui.el;

  var seq = 0; /* unique element ids when a page holds several maps */

  /* The lines about features the map could not draw: payload keys `skipped` (left out as
   * invalid) and `unlocated` (no geometry), integers, absent when 0. */
  function leftOutLines(data, words) {
    var lines = [], skipped = data.skipped | 0, unlocated = data.unlocated | 0;
    if (skipped > 0) {
      lines.push(words.tn("{n} feature left out as invalid", "{n} features left out as invalid",
        skipped));
    }
    if (unlocated > 0) {
      lines.push(words.tn("{n} place not located (not drawn)", "{n} places not located (not drawn)",
        unlocated));
    }
    return lines;
  }

  /* The attribution, two lines of it until "More" shows the rest. */
  function attribution(body, text, words) {
    var node = el("div", "mapgen-legend-attribution mapgen-clamped", text);
    node.id = body.id + "-attribution";
    body.appendChild(node);
    var more = ui.button("mapgen-legend-more", words.t("More"));
    more.setAttribute("aria-expanded", "false");
    more.setAttribute("aria-controls", node.id);
    more.addEventListener("click", function () {
      var open = node.classList.toggle("mapgen-clamped") === false;
      more.setAttribute("aria-expanded", open ? "true" : "false");
      more.textContent = open ? words.t("Less") : words.t("More");
    });
    body.appendChild(more);
  }

  function legendControl(app) {
    var Legend = L.Control.extend({
      options: { position: "bottomleft" },
      onAdd: function () {
        var data = app.data, words = app.words, box = el("div", "mapgen-legend leaflet-bar");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", words.t("Legend"));
        var toggle = ui.button("mapgen-legend-toggle mapgen-toggle");
        toggle.appendChild(el("span", "mapgen-toggle-text", words.t("Legend")));
        toggle.setAttribute("aria-label", words.t("Legend"));
        toggle.title = words.t("Show or hide the legend");
        box.appendChild(toggle);
        var body = el("div", "mapgen-legend-body");
        body.id = "mapgen-legend-" + (++seq);
        body.appendChild(el("div", "mapgen-legend-title", data.title));
        /* the period once: not again when the title already states it */
        if (data.period && (data.title || "").indexOf(data.period) < 0) {
          body.appendChild(el("div", "mapgen-legend-period", words.t("Period: {period}",
            { period: data.period })));
        }
        var list = el("ul", "mapgen-legend-layers");
        data.layers.forEach(function (layer) {
          var item = el("li");
          var swatch = el("span", "mapgen-swatch");
          swatch.style.background = layer.color;
          item.appendChild(swatch);
          item.appendChild(document.createTextNode(layer.label));
          if (layer.path) item.appendChild(el("span", "mapgen-legend-note",
            " " + words.t("(with moves)")));
          list.appendChild(item);
        });
        body.appendChild(list);
        app.countNode = el("div", "mapgen-legend-count");
        app.countNode.setAttribute("aria-live", "polite");
        body.appendChild(app.countNode);
        leftOutLines(data, app.words).forEach(function (line) {
          body.appendChild(el("div", "mapgen-legend-left-out", line));
        });
        if (data.attribution) attribution(body, data.attribution, words);
        box.appendChild(body);
        app.collapsible(box, toggle, body, "legend");
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      }
    });
    app.on(function () {
      if (!app.countNode) return;
      app.countNode.textContent = app.countText();
    });
    return new Legend();
  }

  window.MapgenLegend = legendControl;
})();
