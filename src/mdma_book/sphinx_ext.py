"""Sphinx extension: serve plotly.js from the book, only on pages with a figure.

* ``html-page-context``: a page whose body holds a figure container gets the
  self-hosted plotly.js basic bundle and ``figures.js`` (both deferred) and
  ``figures.css``. Other
  pages load neither.
* ``html-page-context``: drop repeated ``<script>`` entries. Sphinx 7.4 adds the
  same inline script twice (fixed upstream in sphinx-doc/sphinx#13402), which
  makes every page throw "Identifier ... has already been declared".
* ``build-finished``: copy these files into ``_static/mdma/``. They are not put
  on ``html_static_path`` because Jupyter Book would then add them to every page.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util.fileutil import copy_asset

from mdma_book.render import FIGURE_CLASS

STATIC = Path(__file__).parent / "static"
PLOTLY_JS = "mdma/plotly-basic.min.js"
FIGURES_JS = "mdma/figures.js"
FIGURES_CSS = "mdma/figures.css"


def _add_figure_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if FIGURE_CLASS in context.get("body", ""):
        app.add_js_file(PLOTLY_JS, loading_method="defer")
        app.add_js_file(FIGURES_JS, loading_method="defer")
        app.add_css_file(FIGURES_CSS)


def _dedupe_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        # The repeat differs only in priority and in None vs "" as filename.
        key = (getattr(script, "filename", script) or None, tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def _copy_static(app: Sphinx, exception) -> None:
    if exception is None and app.builder.format == "html":
        copy_asset(str(STATIC), str(Path(app.outdir) / "_static" / "mdma"))


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _add_figure_scripts)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("build-finished", _copy_static)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
