"""The Sphinx side of the safety content: the ``crisis-lines`` directive and the interaction
table's filter assets. Kept apart from :mod:`mdma_book.safety` (data, tables, wording check) so
that the chapters' notebooks can use the data without Sphinx or docutils installed."""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.fileutil import copy_asset

from mdma_book.paths import data_dir
from mdma_book.safety import TABLE_CLASS, crisis_lines, crisis_lines_markdown

STATIC = Path(__file__).parent / "safety_static"


class CrisisLines(Directive):
    """``crisis-lines``: the crisis lines from ``data/crisis_lines.csv``; ``:sources:`` adds where each was read,
    ``:short:`` gives them as one paragraph (the foot of each back page)."""

    option_spec = {"sources": directives.flag, "short": directives.flag}

    def run(self) -> list[nodes.Node]:
        short = "short" in self.options
        container = nodes.container(
            classes=["mdma-crisis-lines", "mdma-crisis-footer"] if short else ["mdma-crisis-lines"]
        )
        # A change to the data rebuilds every page that shows the lines.
        self.state.document.settings.env.note_dependency(str(data_dir() / "crisis_lines.csv"))
        text = crisis_lines_markdown(crisis_lines(), with_sources="sources" in self.options, short=short)
        self.state.nested_parse(StringList(text.splitlines(), source="data/crisis_lines.csv"), 0, container)
        return [container]


def _add_filter_assets(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if TABLE_CLASS in context.get("body", ""):
        app.add_js_file("mdma-safety/interactions.js", loading_method="defer")
        app.add_css_file("mdma-safety/interactions.css")


def _copy_static(app: Sphinx, exception) -> None:
    if exception is None and app.builder.format == "html":
        copy_asset(str(STATIC), str(Path(app.outdir) / "_static" / "mdma-safety"))


def setup(app: Sphinx) -> dict:
    app.add_directive("crisis-lines", CrisisLines)
    app.connect("html-page-context", _add_filter_assets)
    app.connect("build-finished", _copy_static)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
