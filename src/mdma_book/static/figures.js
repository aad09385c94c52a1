/* Draw the book's plotly figures from their JSON and keep them readable in
 * light and dark mode. Loaded with `defer` after plotly.js, only on pages that
 * contain a figure (see mdma_book/sphinx_ext.py).
 *
 * A figure is drawn when it comes near the viewport, one per task, so a page
 * with several charts does not block the main thread while it loads. */
(function () {
  "use strict";
  var SELECTOR = ".mdma-plotly";

  function fontColour() {
    return document.documentElement.dataset.theme === "dark" ? "#e3e3e3" : "#1f1f1f";
  }

  function draw(div) {
    if (div.dataset.drawn) { return; }
    div.dataset.drawn = "true";
    var spec = JSON.parse(document.getElementById(div.id + "-spec").textContent);
    spec.layout.font = Object.assign({}, spec.layout.font, { color: fontColour() });
    Plotly.newPlot(div, { data: spec.data, layout: spec.layout, frames: spec.frames, config: spec.config });
  }

  function matchTheme() {
    document.querySelectorAll(SELECTOR).forEach(function (div) {
      if (div.layout) { Plotly.relayout(div, { "font.color": fontColour() }); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var divs = document.querySelectorAll(SELECTOR);
    if (!("IntersectionObserver" in window)) { divs.forEach(draw); return; }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          setTimeout(function () { draw(entry.target); }, 0);
        }
      });
    }, { rootMargin: "300px 0px" });
    divs.forEach(function (div) { observer.observe(div); });
    new MutationObserver(matchTheme).observe(document.documentElement, {
      attributes: true, attributeFilter: ["data-theme"],
    });
  });
})();
