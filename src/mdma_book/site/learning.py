"""Sphinx extension: aids for a newcomer reading the static book.

* ``doctree-read``: each "Try it live" note and the ``skip-execution`` code cell after
  it become one collapsed control (``<details class="mdma-live">``, titled "Run this
  figure live"), so the live panels' code waits to be asked for instead of sitting
  open between figures. The source and the published notebooks are unchanged: the
  live panels stay runnable cells there (see :mod:`mdma_book.site.teaching`).
* ``env-updated``: read every glossary definition (``book/glossary.md``) as plain text,
  citations left out.
* ``html-page-context``: a page that links glossary terms gets the definitions of the
  terms it links, embedded as JSON in the page (no extra request), with ``terms.js``
  and ``terms.css``, which show a definition beside its term on hover, keyboard focus
  or a first tap. Other pages load neither.
* ``build-finished``: copy ``learning_static/`` into ``_static/mdma-learning/``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.fileutil import copy_asset

STATIC = Path(__file__).parent / "learning_static"
GLOSSARY_DOC = "book/glossary"
LIVE_NOTE = "needs a running Python kernel"
LIVE_SUMMARY = "Run this figure live"


class live_panel(nodes.General, nodes.Element):  # noqa: N801 (docutils names nodes in lower case)
    """A collapsed control holding a live panel's note and its code cell."""


def _visit_live_panel_html(self, node) -> None:
    self.body.append(
        '<details class="mdma-live">'
        f'<summary><span class="mdma-live-title">{LIVE_SUMMARY}</span>'
        '<span class="mdma-live-hint"> (optional: needs Python, opens as a notebook)</span></summary>'
        '<div class="mdma-live-body">'
    )


def _depart_live_panel_html(self, node) -> None:
    self.body.append("</div></details>")


def _pass(self, node) -> None:
    pass


def _is_live_cell(node) -> bool:
    return (
        isinstance(node, nodes.container)
        and node.get("nb_element") == "cell_code"
        and "tag_skip-execution" in node.get("classes", [])
    )


def collapse_live_panels(app: Sphinx, doctree) -> None:
    """Wrap each live note and the code cell after it in one collapsed ``live_panel``."""
    for cell in list(doctree.findall(_is_live_cell)):
        parent = cell.parent
        index = parent.index(cell)
        note = parent[index - 1] if index > 0 else None
        members = [cell]
        if isinstance(note, nodes.Admonition) and LIVE_NOTE in note.astext():
            members.insert(0, note)
        panel = live_panel()
        parent.insert(parent.index(members[0]), panel)
        for member in members:
            parent.remove(member)
            panel += member


def _plain_text(node) -> str:
    """A definition's text without its citations."""
    parts = []
    for text in node.findall(nodes.Text):
        ancestor, cited = text.parent, False
        while ancestor is not None and ancestor is not node:
            if isinstance(ancestor, addnodes.pending_xref) and ancestor.get("refdomain") == "cite":
                cited = True
                break
            ancestor = ancestor.parent
        if not cited:
            parts.append(str(text))
    text = re.sub(r"\s+", " ", "".join(parts))
    return re.sub(r"\s+([.,;:])", r"\1", text).strip()


def glossary_definitions(doctree) -> dict[str, dict[str, str]]:
    """{term id: {"term": the entry's first spelling, "text": its definition}} from a glossary doctree."""
    found = {}
    for glossary in doctree.findall(addnodes.glossary):
        for item in glossary.findall(nodes.definition_list_item):
            terms = [t for t in item.children if isinstance(t, nodes.term)]
            definition = next((d for d in item.children if isinstance(d, nodes.definition)), None)
            if not terms or definition is None:
                continue
            entry = {"term": terms[0].astext(), "text": _plain_text(definition)}
            for term in terms:
                for node_id in term.get("ids", []):
                    found[node_id] = entry
    return found


def _read_glossary(app: Sphinx, env) -> None:
    app.mdma_glossary = {}
    if GLOSSARY_DOC in env.found_docs:
        app.mdma_glossary = glossary_definitions(env.get_doctree(GLOSSARY_DOC))


def pages_with_stale_tips(app: Sphinx, env, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    """When the glossary changed, every page is written again, so no page keeps an old definition in its tips.

    (``env-get-outdated``: without it an incremental build rewrites the glossary page only, and the tips the
    other pages embed from it stay as they were until a clean build; review R19.)
    """
    return sorted(env.found_docs) if GLOSSARY_DOC in added | changed | removed else []


def linked_terms(doctree) -> list[str]:
    """The glossary entries (``term-...`` ids) that a page's resolved doctree links to, in order.

    Read from the doctree's references to terms (Sphinx marks them ``std-term``), not from the
    written HTML, so it does not depend on how the theme writes links.
    """
    found = []
    for reference in doctree.findall(nodes.reference):
        is_term = any("std-term" in child.get("classes", []) for child in reference.findall(nodes.inline))
        uri = reference.get("refuri", "")
        if is_term and "#" in uri and uri.split("#", 1)[0].endswith(f"{Path(GLOSSARY_DOC).name}.html"):
            found.append(uri.split("#", 1)[1])
    return found


def _add_term_definitions(app: Sphinx, pagename, templatename, context, doctree) -> None:
    definitions = getattr(app, "mdma_glossary", {})
    if doctree is None or pagename == GLOSSARY_DOC or not definitions:
        return
    used = {key: definitions[key] for key in linked_terms(doctree) if key in definitions}
    if not used:
        return
    body = context.get("body", "")
    payload = json.dumps(used, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    context["body"] = body + f'<script type="application/json" id="mdma-term-definitions">{payload}</script>'
    app.add_js_file("mdma-learning/terms.js", loading_method="defer")
    app.add_css_file("mdma-learning/terms.css")


def _add_live_css(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if 'class="mdma-live"' in context.get("body", ""):
        app.add_css_file("mdma-learning/live.css")


def _copy_static(app: Sphinx, exception) -> None:
    if exception is None and app.builder.format == "html":
        copy_asset(str(STATIC), str(Path(app.outdir) / "_static" / "mdma-learning"))


def setup(app: Sphinx) -> dict:
    visitors = {fmt: (_pass, _pass) for fmt in ("latex", "text", "man", "texinfo")}
    app.add_node(live_panel, html=(_visit_live_panel_html, _depart_live_panel_html), **visitors)
    app.connect("doctree-read", collapse_live_panels)
    app.connect("env-get-outdated", pages_with_stale_tips)
    app.connect("env-updated", _read_glossary)
    app.connect("html-page-context", _add_term_definitions)
    app.connect("html-page-context", _add_live_css)
    app.connect("build-finished", _copy_static)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
