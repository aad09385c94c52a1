"""What the built pages show from the data: harms, access, dates, the changelog, and a clean references list."""

from __future__ import annotations

import html
import json
import re

import pytest
from support import toc_pages

from mdma_book import currency, harms


def _text(built_html, page: str) -> str:
    """The visible text of a built page, tags removed and entities decoded, on one line."""
    raw = (built_html / page).read_text(encoding="utf-8")
    raw = re.sub(r"<script.*?</script>|<style.*?</style>", " ", raw, flags=re.S)
    return _squash(html.unescape(re.sub(r"<[^>]+>", " ", raw)))


# Sphinx's smartquotes turn straight quotes and double hyphens into typographic ones.
TYPOGRAPHY = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "--", "\u2014": "---"}
)


def _squash(text: str) -> str:
    return " ".join(text.translate(TYPOGRAPHY).split())


@pytest.fixture(scope="module")
def harms_page(built_html):
    return _text(built_html, "book/04-harms.html")


def test_every_harm_statement_is_on_the_harms_page_with_its_kind_of_evidence(harms_page):
    for row in harms.harms().itertuples():
        assert _squash(row.statement) in harms_page, row.harm_id
        if row.evidence_kind == "journalism":
            assert _squash(row.response) in harms_page, row.harm_id
    assert "Evidence: journalism, an allegation" in harms_page and "Evidence: case series" in harms_page


def test_the_harms_page_warns_about_medicines_and_supplements_before_anything_else(harms_page):
    warning = harms_page.find("If you take any medicine or supplement")
    assert 0 < warning < harms_page.find("Key points")
    assert "Do not stop or change a medicine without your prescriber" in harms_page
    assert "Do not combine any medicine with MDMA: no combination has been shown safe" in harms_page
    assert "combine a medicine without the clinician" not in harms_page


def test_every_access_entry_is_on_the_chapter(built_html):
    page = _text(built_html, "book/06-what-it-means.html")
    for row in currency.access().itertuples():
        assert _squash(row.statement) in page, row.region


@pytest.mark.parametrize("page", [p for p in toc_pages() if p.removesuffix(".html") not in currency.UNDATED_PAGES])
def test_each_page_shows_the_date_its_evidence_was_checked(built_html, page):
    dates = currency.evidence_checked().set_index("page")
    expected = currency.readable_day(dates.loc[page.removesuffix(".html"), "checked_on"])
    assert f"Evidence last checked: {expected}" in _text(built_html, page)
    raw = (built_html / page).read_text(encoding="utf-8")
    raw = raw[raw.find("<article") :]
    assert raw.find("<h1") < raw.find("mdma-evidence-checked") < raw.find("<h2"), "the date belongs under the title"


def test_the_changes_page_lists_every_entry_of_the_changelog(built_html):
    page = _text(built_html, "book/changes.html")
    table = currency.changelog()
    for row in table.itertuples():
        assert _squash(row.what_changed) in page and _squash(row.why) in page
    assert f"holds {len(table)} entries" in page


def test_every_chapter_carries_the_medical_disclaimer(built_html):
    for page in toc_pages():
        if page.endswith(("references.html", "changes.html", "appendix-claims.html")):
            continue
        text = _text(built_html, page)
        assert "not medical advice" in text.lower().replace("–", "-"), page


def test_the_references_page_shows_no_working_notes(built_html):
    page = _text(built_html, "book/references.html").lower()
    for note in ("recollection", "do not use", "unverified", "not verified", "article header"):
        assert note not in page, note
    assert "retracted:" in page  # a retraction is the one note readers must see


@pytest.mark.parametrize(
    "page", [p for p in toc_pages() if p.removesuffix(".html") not in currency.UNDATED_PAGES | {"book/methods"}]
)
def test_each_evidence_date_links_the_methods_appendix(built_html, page):
    raw = (built_html / page).read_text(encoding="utf-8")
    start = raw.find("mdma-evidence-checked")
    line = raw[start : raw.find("</p>", start)]
    assert "methods.html" in line and "How this book finds its evidence" in line, page


def test_the_methods_page_lists_emmac_and_draws_the_flow(built_html):
    page = _text(built_html, "book/methods.html")
    assert "ACTRN12619001334190" in page and "EudraCT 2021-000805-26" in page
    raw = (built_html / "book/methods.html").read_text(encoding="utf-8")
    assert "mdma-figure" in raw
    # The figure's own specification sits in a file of its own, fetched when a reader reaches for it.
    from mdma_book.site import plotly_mime

    specs = [json.dumps(spec) for _, spec in plotly_mime.built_figure_specs(built_html / "book/methods.html")]
    assert any("Records identified" in spec for spec in specs)


def test_the_disclaimer_links_the_harms_chapter_except_on_that_chapter(built_html):
    # The included disclaimer's {ref}`harms` is a link everywhere but on the harms page itself,
    # where it would point at the page's own top (mdma_book.site.extension, doctree-resolved).
    harms_page = (built_html / "book" / "04-harms.html").read_text(encoding="utf-8")
    assert 'href="#harms"' not in harms_page
    assert re.search(r"The harms chapter</span>\s*sets out the risks", harms_page)
    evidence_page = (built_html / "book" / "03-evidence.html").read_text(encoding="utf-8")
    assert 'href="04-harms.html#harms"><span class="std std-ref">The harms chapter' in evidence_page


def test_bibliography_entries_carry_no_invalid_aria_roles(built_html):
    # docutils' roles, dropped by the site's translator override for citations (no HTML surgery).
    page = (built_html / "book" / "references.html").read_text(encoding="utf-8")
    assert page.count('<div class="citation-list">') >= 1 and page.count('class="citation"') > 20
    assert 'role="doc-biblioentry"' not in page and 'role="list"' not in page


#: Markup drawn as text: a tag the figures' text escaping (safe_text) turned into characters.
DRAWN_MARKUP = re.compile(r"&(?:#60|lt);/?(?:span|a|font|div|p)\b", re.IGNORECASE)


def test_no_figure_picture_draws_markup_as_text(built_html):
    """A styled ``<span>`` in a figure's title is escaped with the data, so the picture would show the tag itself."""
    pictures = sorted((built_html / "_images" / "mdma").glob("*.svg"))
    assert pictures, "the book has figure pictures"
    drawn = {svg.name: DRAWN_MARKUP.findall(svg.read_text(encoding="utf-8")) for svg in pictures}
    assert not any(drawn.values()), {name: found for name, found in drawn.items() if found}


@pytest.mark.parametrize("page", toc_pages())
def test_the_banner_links_to_the_disclaimer_on_the_home_page(built_html, page):
    source = (built_html / page).read_text(encoding="utf-8")
    banner = re.search(r'class="bd-header-announcement__content">(.*?)</div>', source, re.S)
    assert banner, "the page has the site banner"
    href = re.search(r'<a href="([^"]*)"', banner.group(1)).group(1)
    target, _, anchor = href.partition("#")
    landing = (built_html / page).parent / target if target else built_html / page
    assert anchor and not anchor.startswith("#"), href
    assert f'id="{anchor}"' in landing.resolve().read_text(encoding="utf-8"), href
