"""Copies of the book for tests that change a source and build it again."""

from __future__ import annotations

from pathlib import Path

from support import ROOT


def copy_book(target: Path) -> Path:
    """Copy the book's sources, data and bibliography to ``target`` (built output left out)."""
    import shutil

    shutil.copytree(ROOT / "book", target / "book", ignore=shutil.ignore_patterns("_data"))
    shutil.copytree(ROOT / "data", target / "data")
    for name in ("_config.yml", "_toc.yml", "references.bib", "CITATION.cff"):
        shutil.copy(ROOT / name, target / name)
    return target


def build_copy(book: Path, pdf: bool = True):
    """Build a copy strictly, with its PDF edition, the package reading the copy's data and bibliography and the
    PDF the copy's ``_toc.yml`` and ``_config.yml`` (the book's one build command, as `make pdf` runs it).

    ``pdf=False`` builds the pages only, for a test that reads only pages, downloads and notebooks.
    """
    from mdma_book.site import build

    return build.run(book, pdf=pdf)
