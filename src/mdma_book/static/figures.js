/* Draw the book's plotly figures from their JSON and keep them readable in
 * light and dark mode. Loaded with `defer` after plotly.js, only on pages that
 * contain a figure (see mdma_book/sphinx_ext.py). */
(function () {
  "use strict";
  var SELECTOR = ".mdma-plotly";

  function fontColour() {
    return document.documentElement.dataset.theme === "dark" ? "#e3e3e3" : "#1f1f1f";
  }

  function draw(div) {
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
    document.querySelectorAll(SELECTOR).forEach(draw);
    new MutationObserver(matchTheme).observe(document.documentElement, {
      attributes: true, attributeFilter: ["data-theme"],
    });
  });
})();
