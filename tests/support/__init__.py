"""Plain helpers and constants for the tests, imported as ``support`` (``pythonpath = ["tests"]`` in pyproject.toml).

pytest advises never to import from a ``conftest.py``: it keeps only fixtures and hooks, and
whatever a test (or a script) imports lives here.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"


def toc_pages() -> list[str]:
    """Every page of the book, as paths relative to the HTML root, from _toc.yml."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part["chapters"]]
    return [f"{name}.html" for name in files]
