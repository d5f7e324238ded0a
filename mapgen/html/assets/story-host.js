/* story-host.js: runs in a report page (not in a map) that embeds a mapgen story map in an
 * iframe marked data-mapgen-story (`mapgen embed --steps` prints both). As the page's
 * elements marked data-mapgen-step="N" cross the middle of the window, it sends each such
 * iframe {mapgen: "step", step: N}; a map that says it is ready ({mapgen: "ready"}) is sent
 * the step the reader is at. The map accepts only a step number, and only from its parent.
 */
(function () {
  "use strict";
  if (window.MapgenStoryHost) return;
  window.MapgenStoryHost = true;
  var current = 0;

  function frames() {
    return Array.prototype.slice.call(document.querySelectorAll("iframe[data-mapgen-story]"));
  }

  function send(frame) {
    if (current && frame.contentWindow) {
      frame.contentWindow.postMessage({ mapgen: "step", step: current }, "*");
    }
  }

  function start() {
    var marks = document.querySelectorAll("[data-mapgen-step]");
    if (!marks.length || !window.IntersectionObserver) return;
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        var text = entry.target.getAttribute("data-mapgen-step");
        if (!entry.isIntersecting || !/^[1-9][0-9]{0,5}$/.test(text)) return;
        current = Number(text);
        frames().forEach(send);
      });
    }, { rootMargin: "-45% 0px -45% 0px" });
    Array.prototype.forEach.call(marks, function (mark) { observer.observe(mark); });
    window.addEventListener("message", function (e) {
      if (!e.data || e.data.mapgen !== "ready") return;
      frames().forEach(function (frame) {
        if (frame.contentWindow === e.source) send(frame);
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
