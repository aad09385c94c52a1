"""Show plotly figures in the static book and in live notebooks.

plotly >= 6 gives a notebook output only its own JSON mime type, which
myst-nb cannot render: the figure silently vanishes from the HTML. The
myst-nb plugin below turns that JSON into an HTML snippet that the book's own
script (``static/figures.js``) draws once the self-hosted plotly.js has loaded.

The snippet is written here rather than with ``plotly.io.to_html`` because that
function emits an inline ``Plotly.newPlot`` call, which must then run after a
render-blocking plotly.js; storing the figure as inert JSON lets the page load
plotly.js with ``defer`` and only on pages that have a figure.
"""

from __future__ import annotations

import html
import json
import uuid

from mdma_book import safe_text

# plotly is imported inside the functions that use it: the Sphinx extension imports this
# module for FIGURE_CLASS on every build, and a build with nothing to render needs no plotly.

#: CSS class the Sphinx extension looks for to decide that a page needs plotly.js.
FIGURE_CLASS = "mdma-plotly"

PLOTLY_CONFIG = {
    "responsive": True,
    "displaylogo": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def figure_html(fig_dict: dict, div_id: str | None = None) -> str:
    """Return an HTML snippet: an empty plot container plus the figure as JSON.

    Every string of the figure is escaped for plotly's text markup first
    (:func:`mdma_book.safe_text.plotly_figure`), so markup in the data shows as text.
    """
    div_id = div_id or f"fig-{uuid.uuid4().hex[:12]}"
    height = fig_dict.get("layout", {}).get("height", 460)
    label = html.escape(fig_dict.get("layout", {}).get("meta", {}).get("description", "Interactive chart"))
    fig_dict = safe_text.plotly_figure(fig_dict)  # data in hover text and titles shows as text
    spec = {
        "data": fig_dict.get("data", []),
        "layout": fig_dict.get("layout", {}),
        "frames": fig_dict.get("frames", []),
        "config": PLOTLY_CONFIG,
    }
    from plotly.io.json import to_json_plotly

    # "</" inside a <script> block would end it early; JSON allows "<\/".
    spec_json = to_json_plotly(spec).replace("</", "<\\/")
    return (
        f'<div id="{div_id}" class="{FIGURE_CLASS} plotly-graph-div" role="figure" aria-label="{label}" '
        f'style="width:100%;height:{int(height)}px"></div>\n'
        f'<script type="application/json" id="{div_id}-spec">{spec_json}</script>\n'
    )


PLOTLY_MIME_TYPE = "application/vnd.plotly.v1+json"


class PlotlyMimeRenderPlugin:
    """myst-nb mime renderer: draw plotly's own JSON output as :func:`figure_html`.

    Registered under the ``myst_nb.mime_renderers`` entry point (pyproject.toml).
    plotly >= 6 gives a notebook output only this mime type, which myst-nb
    cannot render on its own: without the plugin the figure silently vanishes
    from the HTML. The notebook keeps plotly's standard output, so JupyterLab
    draws it with plotly's own extension.
    """

    mime_priority_overrides = [(builder, PLOTLY_MIME_TYPE, 5) for builder in ("html", "dirhtml", "singlehtml")]

    @staticmethod
    def handle_mime(renderer, data, inline):
        if data.mime_type != PLOTLY_MIME_TYPE:
            return None
        from docutils import nodes  # only needed inside a Sphinx build

        content = data.content
        fig_dict = json.loads(content) if isinstance(content, (str, bytes)) else content
        return [nodes.raw("", figure_html(fig_dict), format="html", classes=["output", "text_html"])]


def setup() -> None:
    """Make plotly's notebook mime type the default output, wherever the code runs.

    plotly picks a renderer from its environment (e.g. ``colab``, ``vscode``);
    the book wants the standard mime type so that every chapter's outputs are
    the same in JupyterLab and in the build.
    """
    import plotly.io as pio

    pio.renderers.default = "plotly_mimetype"
