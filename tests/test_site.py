"""The hosted book: one repository setting gives the site's address; 404 page, sitemap, metadata."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import yaml
from support import ROOT, toc_pages

from mdma_book.site.extension import site_url

REPOSITORY = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
SITE = site_url(REPOSITORY)


@pytest.mark.parametrize(
    ("repository", "site"),
    [
        ("https://github.com/Owner/book", "https://owner.github.io/book/"),
        ("https://github.com/owner/owner.github.io/", "https://owner.github.io/"),
    ],
)
def test_site_url_is_the_github_pages_address(repository, site):
    assert site_url(repository) == site


def test_the_repository_url_is_written_once():
    """Only _config.yml names the repository; code, workflows and metadata derive it."""
    places = [
        *ROOT.glob("src/**/*.py"),
        *ROOT.glob(".github/**/*.yml"),
        *ROOT.glob("scripts/*.py"),
        *ROOT.glob("templates/*"),
        *ROOT.glob("binder/*"),
        ROOT / "Makefile",
        ROOT / "CITATION.cff",
    ]
    owner_repo = REPOSITORY.split("github.com/")[1]
    assert [str(p) for p in places if owner_repo in p.read_text(encoding="utf-8")] == []


def test_sitemap_lists_every_page_under_the_site_address(built_html):
    urls = [
        loc.text
        for loc in ET.parse(built_html / "sitemap.xml")
        .getroot()
        .iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]
    assert set(urls) >= {SITE + page for page in toc_pages()}


@pytest.mark.parametrize("page_path", toc_pages())
def test_each_page_has_canonical_link_and_open_graph_metadata(built_html, page_path):
    html = (built_html / page_path).read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{SITE}{page_path}" />' in html
    assert f'<meta property="og:url" content="{SITE}{page_path}" />' in html
    title = re.search(r'<meta property="og:title" content="([^"]+)"', html)
    assert title and title.group(1) != "Project name not set"
    assert re.search(r'<meta name="description" content="[^"]{40,}"', html)
    assert re.search(r'<meta property="og:description" content="[^"]{40,}"', html)
    assert "og:image" not in html  # no generated card or remote image for a preview to fetch


def test_404_page_links_resources_under_the_site_path(built_html):
    html = (built_html / "404.html").read_text(encoding="utf-8")
    assert "Page not found" in html
    path = SITE.split(".github.io")[1]
    assert f'href="{path}_static/' in html and 'href="_static/' not in html


def test_download_menu_labels_the_myst_source_as_for_editing_the_book():
    """The theme's menu offered ".md" beside ".ipynb": the raw MyST file, which a class cannot read."""
    from mdma_book.site import extension

    menu = {
        "type": "group",
        "buttons": [
            {"label": "download-notebook-button", "text": ".ipynb", "tooltip": "Download notebook file"},
            {"label": "download-source-button", "text": ".md", "tooltip": "Download source file"},
        ],
    }
    extension._label_source_download(None, "book/03-evidence", "page.html", {"header_buttons": [menu]}, None)
    notebook, source = menu["buttons"]
    assert source["text"] == "MyST source (for editing the book)" and "editing the book" in source["tooltip"]
    assert notebook["text"] == ".ipynb" and "teaching notebook" in notebook["tooltip"]
