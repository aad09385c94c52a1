"""Where the book's files live, wherever the code runs from."""

from __future__ import annotations

import os
from pathlib import Path

#: The repository root when the package is installed editable from a checkout
#: (``src/mdma_book/paths.py`` -> three levels up).
REPO_ROOT = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """Return the folder holding the book's CSV files.

    ``MDMA_BOOK_DATA`` overrides the default ``<repository>/data`` so that tests
    (and notebooks run elsewhere) can point the loaders at another copy.
    """
    return Path(os.environ.get("MDMA_BOOK_DATA", REPO_ROOT / "data"))


def bibliography_file() -> Path:
    """Return the path of the shared ``references.bib``.

    ``MDMA_BOOK_BIB`` overrides the default ``<repository>/references.bib``.
    """
    return Path(os.environ.get("MDMA_BOOK_BIB", REPO_ROOT / "references.bib"))
