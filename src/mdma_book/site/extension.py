"""The site's Sphinx hooks: the book's figures, page shell and published notebooks (registered by :mod:`mdma_book.site`).

* ``html-page-context``: a page whose body holds a figure gets ``figures.js``
  (deferred) and ``figures.css``; ``figures.js`` fetches the self-hosted
  plotly.js only when a reader reaches for a figure (see :mod:`mdma_book.site.plotly_mime`).
  Other pages load neither.
* ``env-purge-doc``, ``env-merge-info``, ``build-finished``: keep track of the
  figures' static renditions per page and copy them into ``_images/mdma/``.
* ``html-page-context``: drop repeated ``<script>`` entries. Sphinx 7.4 adds the
  same inline script twice (fixed upstream in sphinx-doc/sphinx#13402), which
  makes every page throw "Identifier ... has already been declared". It reads the
  ``filename`` and ``attributes`` of the page's script objects, which Sphinx 7.4 gives
  them (one of the version-bound details, see :mod:`mdma_book.site`).
* ``doctree-resolved``: no link from the included disclaimer to the page it is on.
* a translator override for ``citation`` nodes: bibliography entries without the two
  ARIA roles docutils gives them (``doc-biblioentry`` is deprecated, and ``role="list"``
  lacks list items), which cost the references page its accessibility score.
* ``html-page-context`` and ``templates/layout.html``: the page shell loads only
  the extension assets a page uses and runs its scripts after the first paint;
  the theme's 1.5 MB ``fontawesome.js`` is gone (see :mod:`mdma_book.site.shell`).
* ``config-inited``: the book's favicon (``static/favicon.svg``), unless the
  configuration names one; without it every page logged a 404 for ``/favicon.ico``.
* registers the ``authoryear`` bibliography style (:mod:`mdma_book.site.bibstyle`).
* ``builder-inited``: write the data behind every figure as CSV into
  ``book/_data/`` (see :mod:`mdma_book.downloads`) for the chapters' download links,
  when the data, bibliography or package changed since the last build.
* ``html-page-context`` (context values): no ``data-theme`` on ``<html>``, the banner's
  pointer to the disclaimer as a link.
* ``html-page-context``: point the theme's Colab button at the chapter's published
  notebook (the theme would link the ``.md`` file, which Colab cannot open).
* ``build-finished``: publish every chapter as a teaching notebook, ``_sources/<page>.ipynb``
  (see :mod:`mdma_book.site.teaching`), replacing the theme's copy of the executed notebook.
* ``config-inited``: derive the site's address from the one repository setting
  (``repository.url`` in ``_config.yml``; see :func:`site_url`) for the canonical
  links (``html_baseurl``), the sitemap (sphinx-sitemap), the Open Graph tags
  (sphinxext-opengraph) and the 404 page's links (sphinx-notfound-page).
* ``html-page-context``: the download menu's ``.md`` entry (the raw MyST file) reads "MyST
  source (for editing the book)", beside the teaching notebook.
* ``html-page-context``: a header button on every page links the PDF edition, which
  ``make pdf`` prints into the site's root after the build (see :mod:`mdma_book.site.pdf_edition`).
* ``build-finished``: copy these files into ``_static/mdma/``. They are not put
  on ``html_static_path`` because Jupyter Book would then add them to every page.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlparse

import nbformat
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.fileutil import copy_asset

from mdma_book.site import plotly_mime, shell
from mdma_book.site.plotly_mime import FIGURE_CLASS

STATIC = Path(__file__).parent / "static"
FIGURES_JS = "mdma/figures.js"
FIGURES_CSS = "mdma/figures.css"
TABLES_CSS = "mdma/tables.css"


def _add_figure_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if FIGURE_CLASS in context.get("body", ""):
        app.add_js_file(FIGURES_JS, loading_method="defer")
        app.add_css_file(FIGURES_CSS)
    if "mdma-table" in context.get("body", ""):
        app.add_css_file(TABLES_CSS)


TEMPLATES = Path(__file__).parent / "templates"


def _configure_shell(app: Sphinx, config) -> None:
    if not config.html_favicon:
        config.html_favicon = str(STATIC / "favicon.svg")
    config.templates_path = [str(TEMPLATES), *config.templates_path]


def _purge_renditions(app: Sphinx, env, docname: str) -> None:
    getattr(env, "mdma_renditions", {}).pop(docname, None)


def _merge_renditions(app: Sphinx, env, docnames, other) -> None:
    env.mdma_renditions = {**getattr(env, "mdma_renditions", {}), **getattr(other, "mdma_renditions", {})}


def _copy_renditions(app: Sphinx, exception) -> None:
    """Wait for the static renditions drawn during the build, then copy every page's from the build's cache into the site."""
    try:
        if exception is None:
            plotly_mime.wait_for_renditions()
    finally:
        plotly_mime.stop_renderer()
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / plotly_mime.RENDITIONS_URL_DIR
    target.mkdir(parents=True, exist_ok=True)
    cache = plotly_mime.renditions_cache(app.env)
    names = set().union(*getattr(app.env, "mdma_renditions", {}).values())
    for name in sorted(names):
        shutil.copyfile(cache / name, target / name)
    for stale in [*target.glob("*.svg"), *target.glob("*-spec.js")]:  # figures that have since changed
        if stale.name not in names:
            stale.unlink()


def _dedupe_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = shell._asset_key(script)  # the repeat differs only in priority and in None vs "" as filename
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def _visit_citation(self, node) -> None:
    """docutils' ``visit_citation`` (0.21) less its two ARIA roles, through Sphinx's public translator hook.

    ``role="doc-biblioentry"`` is deprecated, and ``role="list"`` on the wrapper lacks list
    items: both cost the references page its accessibility score. The wrapper and the
    entries keep their classes, so the theme's styles apply as before.
    """
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname]))


def _depart_citation(self, node) -> None:
    type(self).depart_citation(self, node)  # the translator's own: closes the entry, and the list after the last


def _finish_html(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    copy_asset(str(STATIC), str(Path(app.outdir) / "_static" / "mdma"))
    shell.subset_icon_fonts(Path(app.outdir))
    shell.trim_theme_css(Path(app.outdir))  # after the fonts: they read the icon rules of the full file


def _write_downloads(app: Sphinx) -> None:
    """Write the downloads, unless their inputs are unchanged since the last build (saves ~2 s)."""
    from mdma_book.site.build import source_digest  # the build's one staleness digest

    folder = Path(app.srcdir) / "book" / "_data"
    stamp, digest = folder / ".inputs-digest", source_digest(Path(app.srcdir))
    if stamp.exists() and stamp.read_text() == digest:
        return
    from mdma_book import downloads  # the analysis stack is only needed when the data changed

    downloads.write_all(Path(app.srcdir) / downloads.FOLDER)
    stamp.write_text(digest)


def _publish_data_package(app: Sphinx, exception) -> None:
    """Publish data/ as a Frictionless data package at ``<site>/data/datapackage.json``."""
    if exception is not None or app.builder.format != "html":
        return
    from mdma_book import datapackage

    datapackage.publish(Path(app.outdir))


def _repository(app: Sphinx) -> tuple[str, str]:
    """(repository URL, "org/repo") from the book's one repository setting."""
    url = app.config.html_theme_options.get("repository_url", "").rstrip("/")
    return url, "/".join(url.split("github.com/")[-1].split("/")[:2])


def _colab_links_to_published_notebook(app: Sphinx, pagename, templatename, context, doctree) -> None:
    _, org_repo = _repository(app)
    branch = app.config.mdma_notebooks_branch
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []):
            if button.get("text") == "Colab":
                button["url"] = (
                    f"https://colab.research.google.com/github/{org_repo}/blob/{branch}/_sources/{pagename}.ipynb"
                )
            elif button.get("text") == "Binder":  # the teaching notebook, not the MyST source
                from mdma_book.site.teaching import binder_url_to_teaching_notebook

                button["url"] = binder_url_to_teaching_notebook(button["url"], pagename)


#: The download menu's entry for the page's raw MyST file, which the theme labels ".md": a teacher
#: wants the teaching notebook (.ipynb); the source is for people editing the book.
SOURCE_DOWNLOAD_TEXT = "MyST source (for editing the book)"


def _label_source_download(app: Sphinx, pagename, templatename, context, doctree) -> None:
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []):
            if button.get("label") == "download-source-button":
                button["text"] = SOURCE_DOWNLOAD_TEXT
                button["tooltip"] = "The chapter's MyST Markdown file, for editing the book (not for class)"
            elif button.get("label") == "download-notebook-button":
                button["tooltip"] = "The teaching notebook: the chapter's text and live code, for any Jupyter"


def site_url(repository_url: str) -> str:
    """The GitHub Pages address of a repository, ending in ``/``.

    ``https://github.com/owner/repo`` -> ``https://owner.github.io/repo/``; a user or
    organization site (``owner/owner.github.io``) is served at ``https://owner.github.io/``.
    """
    owner, repo = urlparse(repository_url).path.strip("/").split("/")[:2]
    host = f"{owner.lower()}.github.io"
    return f"https://{host}/" if repo.lower() == host else f"https://{host}/{repo}/"


def _derive_site_urls(app: Sphinx, config) -> None:
    url = site_url(config.html_theme_options.get("repository_url", ""))
    config.html_baseurl = config.html_baseurl or url
    config.ogp_site_url = config.ogp_site_url or config.html_baseurl
    config.ogp_site_name = config.ogp_site_name or config.html_title
    config.notfound_urls_prefix = urlparse(config.html_baseurl).path


def _notebook_pages(app: Sphinx) -> list[str]:
    return [name for name, meta in app.env.metadata.items() if "kernelspec" in meta]


def _note_page_written(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if doctree is not None:  # a document; the index and search pages are written on every build
        app.mdma_pages_written = True


def _publish_notebooks(app: Sphinx, exception) -> None:
    """Write every chapter's teaching notebook to ``_sources/<page>.ipynb`` (download, Colab, ``make lab``).

    Not when the build wrote no page: then nothing a notebook is made from changed (a change to
    the package, data or bibliography rebuilds every page), and Sphinx left ``_sources/`` as it was.
    Making the notebooks (pybtex formats every reference) took most of a no-change build.
    """
    if exception is not None or app.builder.format != "html" or not getattr(app, "mdma_pages_written", False):
        return
    import os

    from mdma_book.site import teaching

    url, _ = _repository(app)
    site = site_url(url)
    std = app.env.get_domain("std")
    glue_folder = Path(app.env.mystnb_config.output_folder)
    for pagename in _notebook_pages(app):
        source = Path(app.env.doc2path(pagename))
        here = os.path.dirname(pagename)
        downloads = {
            os.path.relpath(filename, here or "."): f"_downloads/{dest}"
            for filename, (_, dest) in app.env.dlfiles.items()
        }
        chapter = teaching.Chapter(
            source=source,
            site=site,
            glue=teaching.read_glue(glue_folder / f"{pagename}.glue.json"),
            terms=std.data.get("terms", {}),
            labels=std.data.get("labels", {}),
            downloads=downloads,
        )
        target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(teaching.teaching_notebook(chapter, url), target)


def _link_pdf_edition(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Put a link to the whole book's PDF among the header buttons, before the fullscreen button."""
    from mdma_book.site.pdf_edition import PDF_NAME

    buttons = context.get("header_buttons")
    if buttons is None:
        return
    link = {
        "type": "link",
        "url": context["pathto"](PDF_NAME, 1),
        "text": "Book PDF",
        "icon": "fas fa-file-pdf",
        "tooltip": "The whole book as one PDF, for printing and reading offline",
        "label": "book-pdf-button",
    }
    at = next((i for i, b in enumerate(buttons) if b.get("label") == "fullscreen-button"), len(buttons))
    buttons.insert(at, link)


#: The phrase of the site-wide banner (``html.announcement``) that links to the home page's disclaimer.
BANNER_LINK_TEXT = "the disclaimer on the home page"
DISCLAIMER_ANCHOR = "medical-disclaimer"
#: The phrase of the banner that links to the home page's crisis box, so that pages without the
#: box (404, search, the index) still point to the crisis lines; a link within the book, no request elsewhere.
CRISIS_LINK_TEXT = "the crisis lines"
CRISIS_ANCHOR = "crisis-help"


def _unlink_references_to_own_page(app: Sphinx, doctree, docname: str) -> None:
    """No link from the included disclaimer to the very page it is on (``doctree-resolved``).

    The disclaimer, included on every page, refers to the harms chapter with ``{ref}`harms```;
    on the harms page that is a link to its own top. Sphinx resolves a reference within one
    page to a ``refid``: a reference to the page's top section becomes its text alone.
    """
    if "book/disclaimer" in docname:
        return
    top = next(iter(doctree.findall(nodes.section)), None)
    if top is None:
        return
    for reference in list(doctree.findall(nodes.reference)):
        if reference.get("refid") in top["ids"]:
            reference.replace_self(reference.children)


def _page_shell_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """No ``data-theme`` on ``<html>`` (see templates/layout.html), and a banner whose pointer to the
    disclaimer is a link (the banner is the book's own text, ``html.announcement``, given to the
    theme as a context value)."""
    context["default_mode"] = ""
    banner = context.get("theme_announcement") or ""
    if "<a " in banner:
        return
    # On the home page itself, pathto() gives "#": the links are then to the anchors alone.
    home = "" if pagename == app.config.root_doc else context["pathto"](app.config.root_doc)
    for text, anchor in ((BANNER_LINK_TEXT, DISCLAIMER_ANCHOR), (CRISIS_LINK_TEXT, CRISIS_ANCHOR)):
        if text in banner:
            banner = banner.replace(text, f'<a href="{home}#{anchor}">{text}</a>', 1)
    context["theme_announcement"] = banner


def setup(app: Sphinx) -> dict:
    from mdma_book.site import bibstyle

    bibstyle.register()
    # The branch of the repository the built site is published from (Colab opens notebooks there).
    app.add_config_value("mdma_notebooks_branch", "gh-pages", "html")
    app.connect("config-inited", _derive_site_urls, priority=400)  # before the extensions read them
    app.connect("html-page-context", _colab_links_to_published_notebook, priority=600)
    app.connect("html-page-context", _label_source_download, priority=600)
    app.connect("html-page-context", _link_pdf_edition, priority=600)  # after the theme's buttons (501)
    app.connect("html-page-context", _page_shell_context, priority=900)
    app.connect("doctree-resolved", _unlink_references_to_own_page)
    app.connect("html-page-context", _note_page_written)
    app.connect("build-finished", _publish_notebooks)
    app.connect("build-finished", _publish_data_package)
    app.connect("builder-inited", _write_downloads)
    app.connect("config-inited", _configure_shell)
    app.connect("html-page-context", shell.trim_page_assets, priority=950)
    app.connect("html-page-context", shell.bundle_own_css, priority=960)  # after every hook that adds a stylesheet
    app.add_js_file(None, body=shell.RUN_AFTER_FIRST_PAINT, priority=100)
    app.add_js_file(None, body=shell.PRINT_IN_LIGHT, priority=100)
    app.connect("html-page-context", _add_figure_scripts)
    app.add_css_file("mdma/book.css")  # every page: link contrast inside the theme's tinted boxes
    app.connect("env-purge-doc", _purge_renditions)
    app.connect("env-merge-info", _merge_renditions)
    app.connect("build-finished", _copy_renditions)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    # The bibliography entries without docutils' invalid ARIA roles (a translator override, no HTML surgery).
    app.add_node(nodes.citation, override=True, html=(_visit_citation, _depart_citation))
    app.connect("build-finished", _finish_html)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
