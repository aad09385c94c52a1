"""The Sphinx side of :mod:`mdma_book.currency`: the date each page's evidence was last checked, under its title.

``data/evidence_checked.csv`` gives the dates (read by the core's
:func:`mdma_book.currency.evidence_checked`); this prints each under its page's
title and refuses a page of the book that has none.
"""

from __future__ import annotations

from mdma_book.currency import UNDATED_PAGES, evidence_checked, readable_day


def _add_checked_date(app, doctree) -> None:
    from docutils import nodes
    from sphinx.addnodes import pending_xref

    dates = app.env.mdma_evidence_checked
    docname = app.env.docname
    if docname not in dates:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    checked_on, scope = dates[docname]
    paragraph = nodes.paragraph(classes=["mdma-evidence-checked"])
    paragraph += nodes.strong(text="Evidence last checked: ")
    paragraph += nodes.Text(f"{readable_day(checked_on)} ({scope}). ")
    links = [("changes", "What changed", "")]
    if docname != "book/methods":  # every other page links the search behind its evidence
        links = [("changes", "What changed", " · "), ("methods", "How this book finds its evidence", "")]
    for target, text, after in links:
        link = pending_xref("", refdomain="std", reftype="ref", reftarget=target, refexplicit=True, refwarn=True)
        link += nodes.inline(text=text)
        paragraph += link
        if after:
            paragraph += nodes.Text(after)
    title_index = section.first_child_matching_class(nodes.title)
    section.insert(0 if title_index is None else title_index + 1, paragraph)


def _read_dates(app) -> None:
    table = evidence_checked()
    app.env.mdma_evidence_checked = {row.page: (row.checked_on, row.scope) for row in table.itertuples()}
    pages = {d for d in app.env.found_docs if d.startswith("book/")}
    missing = sorted(pages - set(app.env.mdma_evidence_checked) - set(app.config.mdma_undated_pages))
    if missing:
        from sphinx.errors import ExtensionError

        raise ExtensionError(f"data/evidence_checked.csv has no date for {missing}; add a row for each page")


def setup(app):
    """Sphinx extension: print each page's evidence date under its title; refuse a page without one."""
    app.add_config_value("mdma_undated_pages", sorted(UNDATED_PAGES), "env")
    app.connect("env-before-read-docs", lambda app, env, docnames: _read_dates(app))
    app.connect("doctree-read", _add_checked_date)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
