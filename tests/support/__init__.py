"""Plain helpers and constants for the tests, imported as ``support`` (``pythonpath = ["tests"]`` in pyproject.toml).

pytest advises never to import from a ``conftest.py``: it keeps only fixtures and hooks, and
whatever a test (or a script) imports lives here.
"""

from __future__ import annotations

from pathlib import Path

# The book's pages as the build and the scripts list them: one definition, in the package.
from mdma_book.site.build import toc_pages

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"

__all__ = ["HTML", "ROOT", "toc_pages"]
