"""The published notebooks: valid, runnable in a fresh kernel, linked from every chapter page."""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest
from conftest import ROOT, toc_pages
from nbclient import NotebookClient

from mdma_book import notebooks

# Pages written as notebooks (MyST Markdown with a jupytext header); prose-only pages are not published.
CHAPTERS = [
    page for page in toc_pages() if (ROOT / page.replace(".html", ".md")).read_text().startswith("---\njupytext")
]


def published(built_html, page: str):
    return built_html / "_sources" / page.replace(".html", ".ipynb")


@pytest.mark.parametrize("page", CHAPTERS)
def test_published_notebook_is_valid_and_starts_with_the_setup_cell(built_html, page):
    notebook = nbformat.read(published(built_html, page), as_version=4)
    nbformat.validate(notebook)
    assert notebooks.SETUP_TAG in notebook.cells[0].metadata["tags"]
    assert 'git", "clone"' in notebook.cells[0].source
    assert not any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")


@pytest.mark.parametrize("page", CHAPTERS)
def test_published_notebook_runs_in_a_fresh_kernel(built_html, page, tmp_path):
    # Run from an unrelated folder: the package must find its data wherever the notebook is.
    path = shutil.copy(published(built_html, page), tmp_path / "chapter.ipynb")
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    assert not (tmp_path / "mdma-book").exists(), "the set-up cell cloned the repository inside the book's environment"


REPOSITORY = "https://github.com/mdma-evidence-book/mdma-evidence-book"


@pytest.mark.parametrize("page", CHAPTERS)
def test_launch_download_repository_issue_and_edit_buttons(built_html, page):
    html = (built_html / page).read_text(encoding="utf-8")
    source = page.replace(".html", ".md")
    notebook_name = page.replace(".html", ".ipynb")
    links = set(re.findall(r'href="([^"]+)"', html))
    colab = [link for link in links if link.startswith("https://colab.research.google.com/github/")]
    assert colab == [
        f"https://colab.research.google.com/github/mdma-evidence-book/mdma-evidence-book/blob/gh-pages/_sources/{notebook_name}"
    ]
    assert f"https://mybinder.org/v2/gh/mdma-evidence-book/mdma-evidence-book/main?urlpath=lab/tree/{source}" in links
    downloads = [link for link in links if link.endswith(".ipynb") and "_sources/" in link and "://" not in link]
    assert downloads and all(
        (built_html / page).parent.joinpath(d).resolve() == published(built_html, page).resolve() for d in downloads
    )
    assert REPOSITORY in links
    assert f"{REPOSITORY}/edit/main/{source}" in links
    assert any(link.startswith(f"{REPOSITORY}/issues/new") for link in links)
