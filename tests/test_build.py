"""The strict build: every page is built, and a broken citation or cell fails the build."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, toc_pages

JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")
JB_FLAGS = ["-W", "-n", "--keep-going"]  # the same flags as `make book`


def test_every_toc_entry_has_a_page(built_html):
    missing = [page for page in toc_pages() if not (built_html / page).exists()]
    assert not missing, f"pages in _toc.yml that were not built: {missing}"


def test_makefile_builds_with_the_strict_flags():
    makefile = (ROOT / "Makefile").read_text()
    assert "JB_FLAGS := " + " ".join(JB_FLAGS) in makefile


def _book_copy(tmp_path: Path, chapter_text: str) -> Path:
    """A two-page copy of the book whose second page is ``chapter_text``."""
    book = tmp_path / "book-copy"
    (book / "book").mkdir(parents=True)
    for name in ("_config.yml", "references.bib"):
        shutil.copy(ROOT / name, book / name)
    shutil.copy(ROOT / "book" / "references.md", book / "book" / "references.md")
    (book / "_toc.yml").write_text("format: jb-book\nroot: book/references\nchapters:\n  - file: book/broken\n")
    header = (ROOT / "book" / "03-evidence.md").read_text().split("---\n")[1]
    (book / "book" / "broken.md").write_text(f"---\n{header}---\n\n# A broken chapter\n\n{chapter_text}\n")
    return book


def _build(book: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(JUPYTER_BOOK), "build", str(book), *JB_FLAGS], capture_output=True, text=True, timeout=600
    )


@pytest.mark.build
def test_a_sound_copy_builds(tmp_path):
    # Guards the two tests below: they must fail for their defect, not for the copy.
    result = _build(_book_copy(tmp_path, "Fine text {cite:p}`mitchell2021mapp1`."))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.mark.build
def test_unknown_citation_key_fails_the_build(tmp_path):
    result = _build(_book_copy(tmp_path, "A claim {cite:p}`no_such_key_2099`."))
    assert result.returncode != 0
    assert "no_such_key_2099" in result.stdout + result.stderr


@pytest.mark.build
def test_raising_cell_fails_the_build(tmp_path):
    cell = "```{code-cell} ipython3\nraise RuntimeError('this cell is broken on purpose')\n```"
    result = _build(_book_copy(tmp_path, cell))
    assert result.returncode != 0
    assert "this cell is broken on purpose" in result.stdout + result.stderr


def test_bibliography_list_uses_author_year_labels(built_html):
    import re

    html = (built_html / "book" / "references.html").read_text(encoding="utf-8")
    listing = html[html.index('class="citation-list"'):]
    listing = listing.split("A reference we could not find")[0]
    text = re.sub(r"<[^>]+>", "", listing)
    labels = re.findall(r"\[([^\[\]]+?, (?:\d{4}[a-z]?|n\.d\.))\]", text)
    assert len(labels) >= 40
    assert "Mitchell et al., 2021" in labels and "Vizeli and Liechti, 2017" in labels
    assert len(set(labels)) == len(labels), "two bibliography entries share a label"


def test_author_year_labels_get_suffixes_when_they_clash():
    from pybtex.database import parse_string

    from mdma_book.bibstyle import AuthorYearLabelStyle

    bib = parse_string(
        "@article{a, author={Kirkpatrick, M. and Lee, R. and Wardle, M.}, year={2014}, title={One}}"
        "@article{b, author={Kirkpatrick, M. and Jacob, S. and de Wit, H.}, year={2014}, title={Two}}"
        "@misc{c, author={{Reuters}}, year={2024}, title={Three}}",
        "bibtex",
    )
    labels = list(AuthorYearLabelStyle().format_labels(bib.entries.values()))
    assert labels == ["Kirkpatrick et al., 2014a", "Kirkpatrick et al., 2014b", "Reuters, 2024"]
