"""Check that chapters are valid MyST Markdown notebooks (pre-commit hook and `make check`).

Usage: python scripts/check_chapters.py FILE.md ...

A chapter with a ``kernelspec`` in its front matter must read with jupytext as a
``myst`` notebook that nbformat validates; pages without
a kernelspec (plain MyST pages) are skipped. Exits 1 naming each bad file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext
import nbformat


def problems(path: Path) -> list[str]:
    """What is wrong with one chapter file (empty when it is a valid MyST notebook)."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n") or "kernelspec:" not in text.split("---\n")[1]:
        return []  # a plain MyST page, not a notebook
    try:
        notebook = jupytext.reads(text, fmt="md:myst")
        nbformat.validate(notebook)
    except Exception as error:  # jupytext and nbformat raise many kinds; report any
        return [f"{path}: not a valid MyST notebook: {error}"]
    if notebook.metadata.get("jupytext", {}).get("text_representation", {}).get("format_name") != "myst":
        return [f"{path}: front matter must declare jupytext format_name: myst"]
    return []


def main(paths: list[str]) -> int:
    found = [problem for name in paths for problem in problems(Path(name))]
    print("\n".join(found) or f"{len(paths)} file(s): valid MyST notebooks")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
