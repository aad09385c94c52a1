"""The site: everything that turns the book into HTML and PDF, behind one Sphinx extension.

``_config.yml`` registers this package (``mdma_book.site``) as the book's one extension
of its own; myst-nb finds the figure renderer through the ``myst_nb.mime_renderers``
entry point (``pyproject.toml``). Nothing outside this folder imports it: the chapters,
the panels and the core (data, statistics, figure builders, prose) work without Sphinx.

* :mod:`.extension`: figures' assets and renditions, the page shell's hooks, downloads,
  teaching notebooks, the data package, the site's address, the PDF link;
* :mod:`.plotly_mime`: the myst-nb renderer of plotly figures (static pictures, native controls);
* :mod:`.shell`: a page loads only the assets it uses and paints before any script runs;
* :mod:`.currency`, :mod:`.learning`, :mod:`.safety`: the evidence date under each title,
  glossary definitions and live panels, the crisis lines and the interaction table's filter;
* :mod:`.bibstyle`, :mod:`.teaching`: the author-year bibliography, the teaching notebooks;
* :mod:`.build`: the one build command (``python -m mdma_book.site.build``), with
  :mod:`.execute` (chapters executed in parallel) and :mod:`.pdf_edition` (the PDF).

Several of these pieces lean on how Sphinx, the theme and myst-nb behave in the versions
below (see the fenced private uses in :mod:`.shell` and ``templates/layout.html``). A routine
``make lock`` that moves any of them could break page loading with no Python error, so
:func:`setup` first checks the installed versions and stops the build, naming the package,
when one differs. To move to a new version: update the pin, build, run the browser tests,
then update :data:`WRITTEN_FOR`.
"""

from __future__ import annotations

# Imported lazily: the build command (.build) runs from this package and, with nothing to
# rebuild, stops before Sphinx is imported.

#: The versions of the site's foundations this folder was written and tested against.
WRITTEN_FOR = {
    "sphinx": "7.4.7",
    "sphinx-book-theme": "1.3.0",
    "pydata-sphinx-theme": "0.17.1",
    "myst-nb": "1.4.0",
    # The page shell knows these by their inline scripts and file names (shell.INLINE_OF,
    # shell.OPTIONAL_ASSETS), and the bibliography's translator copies docutils' visit_citation.
    "sphinx-togglebutton": "0.4.5",
    "sphinx-thebe": "0.3.1",
    "sphinx-design": "0.8.0",
    "sphinx-copybutton": "0.5.2",
    "docutils": "0.21.2",
}


def installed_version(package: str) -> str | None:
    """The installed version of ``package`` (None when it is not installed)."""
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def check_versions() -> None:
    """Stop with a clear message when a package the site leans on (Sphinx, the theme, myst-nb, ...) is not the version it was written for."""
    wrong = [
        (package, installed_version(package), expected)
        for package, expected in WRITTEN_FOR.items()
        if installed_version(package) != expected
    ]
    if wrong:
        from sphinx.errors import ExtensionError

        found = "; ".join(
            f"{package} {version or 'not installed'} (written for {expected})" for package, version, expected in wrong
        )
        raise ExtensionError(
            f"mdma_book.site was written for other versions than those installed: {found}. "
            "Its page shell and renderer rely on how these versions behave: pin them back in requirements.txt, "
            "or check the site's pieces against the new versions (build, run the browser tests) and then "
            "update WRITTEN_FOR in src/mdma_book/site/__init__.py."
        )


def setup(app) -> dict:
    check_versions()
    from mdma_book.site import currency, extension, learning, safety

    # Read by the build command (mdma_book.site.build) from _config.yml; registered so that
    # Sphinx accepts the key that jupyter-book passes on.
    app.add_config_value("mdma_build", {}, "")
    for piece in (extension, currency, learning, safety):
        piece.setup(app)
    return {"version": "0.2", "parallel_read_safe": True, "parallel_write_safe": True}
