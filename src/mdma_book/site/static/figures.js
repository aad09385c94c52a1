/* The book's figures on the page: static picture first, native controls, plotly.js on demand.
 *
 * Each figure arrives as HTML written by mdma_book/site/plotly_mime.py: native controls
 * (made from the figure's plotly updatemenus and sliders), SVG pictures drawn
 * at build time, an aria-live status line, and the figure itself as JSON.
 * This script, loaded with `defer` on pages that have a figure:
 *
 * - loads a figure's specification, when the page names its file (`data-spec`, a script that
 *   calls `mdmaFigureSpec`; render.write_spec), only when a reader reaches for the figure, so
 *   the page's HTML does not carry it; a page with the JSON inline (a test page) is read as is;
 * - fetches the self-hosted plotly.js only when a reader reaches for a figure:
 *   the pointer enters it (hover, or a tap on a touch screen), or the keyboard
 *   focuses one of its controls. No page fetches plotly.js while it loads;
 * - then draws the interactive figure over its picture, at the same size, so
 *   nothing on the page moves;
 * - applies a control's choice by calling the plotly method its menu button or
 *   slider step declares (the same `method` and `args` plotly's own menu would
 *   call), and announces the figure's new title in the status line;
 * - draws a live figure in the page theme's colours (render.static_figure does the same for the
 *   pictures: the figure's `data-dark-colours` maps light colours to dark ones), and swaps them
 *   when the theme changes.
 *
 * Written by hand because no maintained library turns plotly menus into native
 * controls; it has no dependency but plotly.js itself. */
(function () {
  "use strict";
  var FIGURE = ".mdma-figure";
  var FONT_COLOURS = { light: "#1f1f1f", dark: "#e3e3e3" };  // as render.THEME_FONT_COLOURS
  // The phone's width, where a figure with a narrow layout of its own draws that (render.NARROW_MEDIA).
  var NARROW = window.matchMedia("(max-width: 499px)");
  // plotly.js sits beside this script in _static/mdma/.
  var PLOTLY_URL = document.currentScript.src.replace(/figures\.js(\?.*)?$/, "plotly-basic.min.js");
  var plotlyLoading = null;

  function isDark() { return document.documentElement.dataset.theme === "dark"; }
  function fontColour() { return isDark() ? FONT_COLOURS.dark : FONT_COLOURS.light; }

  /* The figure's colour swaps for the theme it is drawn in (light -> dark, or back). */
  function colourMap(figure, toDark) {
    var map = JSON.parse(figure.dataset.darkColours || "{}"), swap = {};
    Object.keys(map).forEach(function (light) {
      if (toDark) { swap[light.toLowerCase()] = map[light]; } else { swap[map[light].toLowerCase()] = light; }
    });
    return swap;
  }

  /* Replace, in place, every colour string of `swap` inside a figure's data or layout. */
  function recolour(value, swap) {
    if (Array.isArray(value) || (value && typeof value === "object")) {
      Object.keys(value).forEach(function (key) {
        var item = value[key];
        if (typeof item === "string" && swap[item.toLowerCase()]) { value[key] = swap[item.toLowerCase()]; }
        else if (item && typeof item === "object") { recolour(item, swap); }
      });
    }
    return value;
  }

  function loadPlotly() {
    if (!plotlyLoading) {
      plotlyLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = PLOTLY_URL;
        script.onload = function () { resolve(window.Plotly); };
        script.onerror = function () { plotlyLoading = null; reject(new Error("could not load " + PLOTLY_URL)); };
        document.head.appendChild(script);
      });
    }
    return plotlyLoading;
  }

  /* The spec files call this with their script element and the figure's specification. */
  var specWaiting = {};
  window.mdmaFigureSpec = function (script, spec) {
    if (specWaiting[script.src]) { specWaiting[script.src](spec); }
  };

  /* Resolve to the figure's specification: from its file (a script, which also loads from file://), or inline. */
  function loadSpec(figure) {
    if (!figure.dataset.spec) {
      return Promise.resolve(JSON.parse(document.getElementById(figure.id + "-spec").textContent));
    }
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = figure.dataset.spec;
      specWaiting[script.src] = function (spec) { delete specWaiting[script.src]; resolve(spec); };
      script.onerror = function () { reject(new Error("could not load " + script.src)); };
      document.head.appendChild(script);
    });
  }

  /* Draw the figure's live plotly chart over its picture; resolve to the plot div. Runs once per figure. */
  function live(figure) {
    if (!figure.mdmaLive) {
      figure.mdmaLive = Promise.all([loadPlotly(), loadSpec(figure)]).then(function (loaded) {
        var Plotly = loaded[0], spec = loaded[1];
        // The page's native controls stand in for plotly's menus and sliders.
        (spec.layout.updatemenus || []).concat(spec.layout.sliders || []).forEach(function (control) {
          control.visible = false;
        });
        if (isDark()) { recolour(spec, colourMap(figure, true)); }
        spec.layout.font = Object.assign({}, spec.layout.font, { color: fontColour() });
        var layouts = widthLayouts(spec.layout);
        if (layouts && NARROW.matches) { Object.assign(spec.layout, layouts.narrow); }
        var div = document.createElement("div");
        div.className = "mdma-plotly plotly-graph-div";
        // The chart is a picture to assistive technology (its text alternative follows the figure);
        // plotly draws nothing focusable inside it once its mode bar is off (theme.plotly_config).
        div.setAttribute("role", "img");
        var picture = figure.querySelector(".mdma-static img");
        div.setAttribute("aria-label", picture ? picture.alt : "Interactive chart");
        if (figure.getAttribute("aria-describedby")) { div.setAttribute("aria-describedby", figure.getAttribute("aria-describedby")); }
        figure.querySelector(".mdma-plot").appendChild(div);
        return Plotly.newPlot(div, spec).then(function () {
          figure.classList.add("mdma-is-live");
          if (layouts) {  // the window crosses the phone's width: the other layout (a copy: plotly keeps what it is given)
            NARROW.addEventListener("change", function () {
              Plotly.relayout(div, JSON.parse(JSON.stringify(NARROW.matches ? layouts.narrow : layouts.wide)));
            });
          }
          return div;
        });
      });
    }
    return figure.mdmaLive;
  }

  /* A figure's layouts at the two widths, when it has one of its own for a phone
   * (page_figure.NARROW_LAYOUT in layout.meta): {narrow, wide}, each the properties it sets; else null. */
  function widthLayouts(layout) {
    var narrow = layout.meta && layout.meta.narrow_layout;
    if (!narrow) { return null; }
    var wide = {};
    Object.keys(narrow).forEach(function (key) {
      wide[key] = layout[key] === undefined ? null : JSON.parse(JSON.stringify(layout[key]));
    });
    return { narrow: JSON.parse(JSON.stringify(narrow)), wide: wide };
  }

  function plainText(plotlyHtml) {
    var box = document.createElement("div");
    box.innerHTML = String(plotlyHtml || "").replace(/<br\s*\/?>/gi, " ");
    return box.textContent.replace(/\s+/g, " ").trim();
  }

  /* Apply one menu button or slider step: call the plotly method it declares, then announce the result. */
  function choose(figure, kind, controlIndex, itemIndex, controlLabel) {
    live(figure).then(function (div) {
      var control = div.layout[kind][controlIndex];
      var item = (kind === "sliders" ? control.steps : control.buttons)[itemIndex];
      var method = item.method || "restyle";
      var done = method === "skip" ? Promise.resolve() : Plotly[method].apply(null, [div].concat(item.args || []));
      var active = {};
      active[kind + "[" + controlIndex + "].active"] = itemIndex;
      return Promise.resolve(done).then(function () { return Plotly.relayout(div, active); }).then(function () {
        var title = plainText(div.layout.title && div.layout.title.text);
        var status = controlLabel + ": " + plainText(item.label) + "." + (title ? " " + title : "");
        figure.querySelector(".mdma-status").textContent = status;
      });
    }).catch(function (error) {
      figure.querySelector(".mdma-status").textContent = "The interactive chart could not load.";
      throw error;
    });
  }

  function labelOf(input) {
    var fieldset = input.closest("fieldset");
    if (fieldset) { return fieldset.querySelector("legend").textContent; }
    return input.labels && input.labels.length ? input.labels[0].textContent : "View";
  }

  /* Tie the figure to its caption and its text alternative, the paragraphs that follow its cell
   * ("Figure 3.1. ..." or, on the methods page, "Figure M.1. ...", and "Text alternative. ..."), so a screen
   * reader offers them with the chart. */
  function describe(figure) {
    var ids = [], node = figure.closest(".cell") || figure;
    for (var i = 0; i < 6 && (node = node.nextElementSibling); i++) {
      var text = node.textContent.trim();
      if (node.tagName === "P" && (/^Figure [A-Z0-9]+\.\d+\./.test(text) || /^Text alternative\./.test(text))) {
        node.id = node.id || figure.id + "-about-" + ids.length;
        ids.push(node.id);
      }
    }
    if (ids.length) {
      figure.setAttribute("aria-describedby", ids.join(" "));
      figure.querySelectorAll(".mdma-static img").forEach(function (img) { img.setAttribute("aria-describedby", ids.join(" ")); });
    }
  }

  function wire(figure) {
    describe(figure);
    function reach() { live(figure); }
    if (figure.matches(":hover")) { reach(); }  // the pointer was already there when this script ran
    figure.addEventListener("pointerenter", reach, { once: true });
    figure.addEventListener("focusin", reach, { once: true });
    figure.addEventListener("touchstart", reach, { once: true, passive: true });
    figure.querySelectorAll("[data-menu]").forEach(function (input) {
      input.addEventListener("change", function () {
        choose(figure, "updatemenus", +input.dataset.menu, +input.value, labelOf(input));
      });
    });
    figure.querySelectorAll("[data-slider]").forEach(function (input) {
      input.addEventListener("input", function () {
        var label = JSON.parse(input.dataset.stepLabels)[+input.value];
        input.setAttribute("aria-valuetext", label);
        var output = figure.querySelector("output[for='" + input.id + "']");
        if (output) { output.textContent = label; }
        choose(figure, "sliders", +input.dataset.slider, +input.value, labelOf(input));
      });
    });
  }

  var drawnDark = isDark();
  function matchTheme() {
    if (isDark() === drawnDark) { return; }
    drawnDark = isDark();
    document.querySelectorAll(FIGURE).forEach(function (figure) {
      var div = figure.querySelector(".mdma-plotly");
      if (!div || !div.layout) { return; }
      var swap = colourMap(figure, drawnDark);
      recolour(div.data, swap);
      recolour(div.layout, swap);
      div.layout.font = Object.assign({}, div.layout.font, { color: fontColour() });
      Plotly.react(div, div.data, div.layout);
    });
  }

  document.querySelectorAll(FIGURE).forEach(wire);
  new MutationObserver(matchTheme).observe(document.documentElement, {
    attributes: true, attributeFilter: ["data-theme"],
  });
})();
