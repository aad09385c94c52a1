"""Three of the reader review's minors (issue 18), read from the built pages.

* One title for the book wherever the site names it: the sidebar brand, every page's ``<title>``
  and Open Graph site name, the 404 page, the home page's heading and the PDF edition's title page
  and metadata, all as ``_config.yml`` gives it (minor 22).
* Searching the US spelling "hyponatremia" finds the harms chapter, as the British spelling does:
  checked in the search index, with the stemmer Sphinx built it with (minor 19).
* The launch menu's Binder and Colab logos load lazily and at low priority, so a page does not
  fetch them for a menu that is closed.

The browser-measured minors (table headers, the Certainty column, figure descriptions,
previous/next links, the band under chart titles) are in tests/test_browser_minors.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from support import ROOT, toc_pages

TITLE = " ".join(yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["title"].split())
#: The pages of the site a reader can land on: the book's, the search page, the index and the 404 page.
SITE_PAGES = [*toc_pages(), "search.html", "genindex.html", "404.html"]


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _words(element) -> str:
    """An element's text, one space between words, its heading link ("#") left out."""
    for link in element.select(".headerlink"):
        link.decompose()
    return " ".join(element.get_text(" ").split())


@pytest.mark.parametrize("page", SITE_PAGES)
def test_every_page_names_the_book_by_its_one_title(built_html, page):
    soup = _soup(built_html / page)
    brand = soup.select_one(".navbar-brand .logo__title")
    assert brand is not None and _words(brand) == TITLE, f"{page}: sidebar brand {brand and _words(brand)!r}"
    title = _words(soup.title)
    # "<page> — <book>" (Sphinx's search page joins them with a hyphen).
    assert title == TITLE or title.endswith((f" \u2014 {TITLE}", f" - {TITLE}")), f"{page}: <title> {title!r}"
    site_name = soup.select_one('meta[property="og:site_name"]')
    assert site_name is None or site_name["content"] == TITLE, f"{page}: og:site_name {site_name['content']!r}"


def test_the_home_page_heading_is_the_book_title(built_html):
    soup = _soup(built_html / toc_pages()[0])
    heading = soup.select_one("main article h1") or soup.select_one("main h1")
    assert _words(heading) == TITLE


def test_the_pdf_edition_carries_the_book_title(built_html):
    """Its title page opens with the title (as tests/test_pdf_edition.py checks) and its metadata name it too."""
    from pypdf import PdfReader

    from mdma_book.site.pdf_edition import PDF_NAME

    path = built_html / PDF_NAME
    if not path.exists():
        pytest.fail(f"{path} is missing: `make pdf` (which `make test` runs) prints it")
    pdf = PdfReader(path)
    assert pdf.metadata.title == TITLE
    first_line = " ".join((pdf.pages[0].extract_text() or "").split())
    assert first_line.startswith(TITLE), first_line[:120]


def _search_index(built_html: Path) -> dict:
    text = (built_html / "searchindex.js").read_text(encoding="utf-8")  # Search.setIndex({...})
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


@pytest.mark.parametrize("word", ["hyponatraemia", "hyponatremia"])
def test_search_finds_the_harms_chapter_under_either_spelling(built_html, word):
    from sphinx.search.en import SearchEnglish  # the stemmer the index was built with (language: en)

    index = _search_index(built_html)
    harms = index["docnames"].index("book/04-harms")
    found = index["terms"].get(SearchEnglish({}).stem(word), [])
    found = [found] if isinstance(found, int) else found
    assert harms in found, f"searching {word!r} finds {[index['docnames'][i] for i in found]}, not the harms chapter"


def test_the_launch_menu_logos_load_lazily_at_low_priority(built_html):
    logos = {}
    for page in SITE_PAGES:
        for img in _soup(built_html / page).select(".article-header-buttons img"):
            logos.setdefault(img["src"].rsplit("/", 1)[-1], []).append(page)
            assert img.get("loading") == "lazy" and img.get("fetchpriority") == "low", f"{page}: {img}"
    assert {"logo_binder.svg", "logo_colab.png"} <= set(logos), f"the launch menu's logos are gone: {sorted(logos)}"


def test_exercise_titles_have_no_doubled_brackets(built_html):
    """Review R18: sphinx-exercise puts a title in brackets, so a title of its own in brackets read '...))'."""
    doubled = [
        (page, title.get_text(" ", strip=True))
        for page in toc_pages()
        for title in BeautifulSoup((built_html / page).read_text(encoding="utf-8"), "html.parser").select(
            ".exercise .admonition-title, .solution .admonition-title"
        )
        if "))" in title.get_text()
    ]
    assert doubled == [], doubled
