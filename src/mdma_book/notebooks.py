"""The chapters as Jupyter notebooks, for Colab, Binder and download.

The chapters are MyST Markdown (jupytext). Colab cannot open them, so the build
publishes an ``.ipynb`` of each chapter beside its page (``_sources/<page>.ipynb``,
where the theme's download button already points). Each published notebook starts
with a set-up cell that, outside the book's own environment (e.g. in Colab),
clones the repository and installs the book's package, so the data and the
figures work there too; in the book's environment it does nothing.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat

SETUP_TAG = "colab-setup"

SETUP_SOURCE = """\
# Set-up for running this chapter outside the book's environment (for example in Google Colab).
# In the book's own environment (`make lab`, Binder) the package is installed and this does nothing.
import importlib.util, os, subprocess, sys

if importlib.util.find_spec("mdma_book") is None:
    if not os.path.isdir("mdma-book"):
        subprocess.run(["git", "clone", "--depth", "1", "{repository_url}", "mdma-book"], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "-e", "mdma-book[live]"], check=True)
    sys.path.insert(0, os.path.abspath("mdma-book/src"))
"""


def chapter_notebook(chapter: Path, repository_url: str) -> nbformat.NotebookNode:
    """Read a MyST Markdown chapter and return it as a notebook with the set-up cell first."""
    notebook = jupytext.read(chapter)
    setup = nbformat.v4.new_code_cell(SETUP_SOURCE.format(repository_url=repository_url))
    setup.metadata["tags"] = [SETUP_TAG]
    notebook.cells.insert(0, setup)
    notebook.metadata.pop("jupytext", None)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for index, cell in enumerate(notebook.cells):
        cell.id = f"cell-{index}"
    nbformat.validate(notebook)
    return notebook


def publish(chapter: Path, target: Path, repository_url: str) -> Path:
    """Write the chapter's notebook to ``target`` (an ``.ipynb`` path) and return it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(chapter_notebook(chapter, repository_url), target)
    return target
