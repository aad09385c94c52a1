"""The built book in a real browser (Debian's chromium via Playwright), fully offline."""

from __future__ import annotations

import pytest
from support import toc_pages
from support.browser import FIGURE, PLOT_DIV, live_figure

pytestmark = pytest.mark.browser

PLOTLY_JS = "_static/mdma/plotly-basic.min.js"


def figure_count_in_source(built_html, page_path: str) -> int:
    return (built_html / page_path).read_text(encoding="utf-8").count(f'class="{FIGURE[1:]}"')


@pytest.mark.parametrize("page_path", toc_pages())
def test_page_loads_offline_without_errors(open_tab, site_url, built_html, page_path):
    page, report = open_tab(f"{site_url}/{page_path}")
    assert report["external"] == [], "requests off the machine"
    assert report["console_errors"] == [], "console errors"
    assert report["page_errors"] == [], "uncaught page errors"
    assert report["failed"] == [], "local requests that failed"
    banner = page.locator(".bd-header-announcement").inner_text()
    assert banner.startswith("In crisis? Call your local emergency number")
    assert "Health information" in banner


#: For each figure of a page: is its shown picture loaded, and what is its alt text?
SHOWN_PICTURES = """() => [...document.querySelectorAll('.mdma-figure')].map(f => {
  const img = [...f.querySelectorAll('.mdma-static img')].find(i => i.offsetParent !== null);
  return img ? {loaded: img.complete && img.naturalWidth > 0, alt: img.alt, height: img.getBoundingClientRect().height} : null;
})"""


@pytest.mark.parametrize("page_path", toc_pages())
def test_figures_show_pictures_at_once_and_plotly_loads_only_when_a_reader_reaches_for_one(
    open_tab, site_url, built_html, page_path
):
    expected = figure_count_in_source(built_html, page_path)
    page, report = open_tab(f"{site_url}/{page_path}")
    # A figure below the first screen loads its picture lazily: when the reader scrolls to it.
    for figure in range(expected):
        page.locator(FIGURE).nth(figure).scroll_into_view_if_needed()
        page.wait_for_function(f"i => ({SHOWN_PICTURES})()[i]?.loaded", arg=figure)
    page.wait_for_load_state("networkidle")
    pictures = page.evaluate(SHOWN_PICTURES)
    assert len(pictures) == expected
    assert all(p and p["loaded"] and len(p["alt"]) > 20 and p["height"] > 100 for p in pictures), pictures
    assert not any(PLOTLY_JS in url for url in report["requested"]), "plotly.js was fetched before any interaction"
    for figure in range(expected):
        live_figure(page, figure)
    assert (expected > 0) == any(PLOTLY_JS in url for url in report["requested"])
    assert page.locator(f"{FIGURE} .mdma-plotly svg.main-svg").count() >= expected
    assert page.locator(".js-plotly-plot").count() == expected
    assert report["console_errors"] == [] and report["page_errors"] == []


def test_the_live_figure_takes_the_pictures_place_without_moving_the_page(open_tab, site_url):
    page, _ = open_tab(f"{site_url}/book/03-evidence.html", width=390)
    boxes = "() => [...document.querySelectorAll('.mdma-figure')].map(f => { const r = f.getBoundingClientRect(); return [r.top + scrollY, r.height]; })"
    before = page.evaluate(boxes)
    for figure in range(len(before)):
        live_figure(page, figure)
    assert page.evaluate(boxes) == before


def test_the_evidence_chapter_has_its_figure(built_html):
    assert figure_count_in_source(built_html, "book/03-evidence.html") >= 1


def _visible(page, index: int, axis: str) -> list[list[float]]:
    """The ``axis`` ("x" or "y") values of the visible traces of the page's ``index``-th figure."""
    return page.evaluate(
        f"i => ({PLOT_DIV})(i)._fullData.filter(t => t.visible === true).map(t => Array.from(t.{axis}))", index
    )


def _choose(page, index: int, option: str) -> None:
    """Pick ``option`` in the native menu of the ``index``-th figure, as a reader would."""
    page.locator(FIGURE).nth(index).locator("select").select_option(label=option)


def _title(page, index: int) -> str:
    """The drawn title of the ``index``-th figure ('' if it has none)."""
    return page.evaluate(
        f"i => {{ const t = ({PLOT_DIV})(i).querySelector('.gtitle'); return t ? t.textContent : ''; }}", index
    )


def _status(page, index: int) -> str:
    return page.locator(FIGURE).nth(index).locator(".mdma-status").text_content()


def test_outcome_menu_changes_the_figure_and_says_so(open_tab, site_url):
    page, report = open_tab(f"{site_url}/book/03-evidence.html")
    live_figure(page, 0)
    assert _title(page, 0).startswith("No longer met PTSD criteria")
    before = _visible(page, 0, "y")
    _choose(page, 0, "Remission")
    page.wait_for_function(f"() => ({PLOT_DIV})(0).querySelector('.gtitle').textContent.startsWith('Remission')")
    after = _visible(page, 0, "y")
    assert after != before and len(after) == 2
    # remission is the strictest outcome: every bar is lower than loss of diagnosis
    assert all(a < b for arm_after, arm_before in zip(after, before) for a, b in zip(arm_after, arm_before))
    page.wait_for_function("() => document.querySelector('.mdma-status').textContent.includes('Remission at 18 weeks')")
    assert _status(page, 0).startswith("Outcome: Remission.")
    assert report["page_errors"] == [] and report["external"] == []


def test_figure_follows_dark_mode(open_tab, site_url):
    page, _ = open_tab(f"{site_url}/book/03-evidence.html", color_scheme="dark")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    shown = page.locator(f"{FIGURE} .mdma-static img").evaluate_all(
        "imgs => imgs.filter(i => i.offsetParent).map(i => i.getAttribute('src'))"
    )
    assert shown and all(src.endswith("-dark.svg") for src in shown)
    live_figure(page, 0)
    assert page.evaluate(f"({PLOT_DIV})(0).layout.font.color") == "#e3e3e3"


def test_search_finds_pages_without_errors(open_tab, site_url):
    page, report = open_tab(f"{site_url}/book/07-conclusion.html")
    page.keyboard.press("Control+k")
    page.keyboard.type("placebo")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?q=placebo")
    page.wait_for_function("() => document.querySelectorAll('#search-results li').length > 3")
    assert report["console_errors"] == [] and report["page_errors"] == []


def test_theme_icons_are_drawn_without_fontawesome_js(open_tab, site_url):
    page, report = open_tab(f"{site_url}/book/index.html")
    assert not any("fontawesome.js" in url for url in report["requested"])
    icon = page.locator(".fa-github").first
    page.evaluate("document.fonts.ready")
    family = icon.evaluate("el => getComputedStyle(el, '::before').fontFamily")
    glyph = icon.evaluate("el => getComputedStyle(el, '::before').content")
    assert "Font Awesome" in family and glyph not in ("none", "normal", '""')
    assert icon.bounding_box()["width"] > 0


def test_bibliography_has_no_invalid_aria_roles(built_html):
    html = (built_html / "book" / "references.html").read_text(encoding="utf-8")
    assert 'class="citation-list"' in html
    assert 'role="doc-biblioentry"' not in html and 'role="list" class="citation-list"' not in html


def _figure_with_menu(page, label: str) -> int:
    """Index of the first figure whose native menu currently shows ``label``."""
    shown = page.locator(FIGURE).evaluate_all(
        "figs => figs.map(f => { const s = f.querySelector('select'); return s ? s.options[s.selectedIndex].text : ''; })"
    )
    return next(i for i, text in enumerate(shown) if text.startswith(label))


def test_forest_plot_menu_switches_outcome_and_effect_measure(open_tab, site_url):
    page, report = open_tab(f"{site_url}/book/03-evidence.html")
    index = _figure_with_menu(page, "Response, risk ratio")
    live_figure(page, index)
    axis_type = f"({PLOT_DIV})({index})._fullLayout.xaxis.type"
    assert page.evaluate(axis_type) == "log"
    before = _visible(page, index, "x")
    _choose(page, index, "Remission, risk difference")
    page.wait_for_function(f"() => {axis_type} === 'linear'")
    after = _visible(page, index, "x")
    assert after != before
    # four trials report remission: 4 squares plus subtotal and total diamonds
    assert len(after[0]) == 4
    assert report["page_errors"] == []


def test_absolute_effects_menu_changes_the_people_shown(open_tab, site_url):
    page, _ = open_tab(f"{site_url}/book/03-evidence.html")
    alts = page.locator(f"{FIGURE} .mdma-static-light img").evaluate_all("imgs => imgs.map(i => i.alt)")
    index = next(i for i, alt in enumerate(alts) if "grids of 100 people" in alt)
    live_figure(page, index)
    before = _title(page, index)
    filled_before = len(_visible(page, index, "x")[0])
    _choose(page, index, "Remission")
    page.wait_for_function(
        f"() => ({PLOT_DIV})({index}).querySelector('.gtitle').textContent.startsWith('PTSD remission')"
    )
    assert _title(page, index) != before
    assert len(_visible(page, index, "x")[0]) < filled_before  # fewer people remit than respond


@pytest.mark.parametrize("page_path", toc_pages())
def test_every_download_link_serves_the_generated_table(open_tab, site_url, built_html, page_path):
    import io

    import pandas as pd

    from mdma_book import downloads

    page, _ = open_tab(f"{site_url}/{page_path}")
    links = page.locator("a.download").evaluate_all("as => as.map(a => a.href)")
    expected = downloads.tables()
    for href in links:
        response = page.request.get(href)
        assert response.status == 200, href
        name = href.rsplit("/", 1)[-1]
        served = pd.read_csv(io.BytesIO(response.body()))
        assert len(served) == len(expected[name]) and list(served.columns) == list(expected[name].columns), name
    if page_path.endswith("03-evidence.html"):
        assert len(links) == 7  # five figures and the two summary-of-findings tables


def test_claims_appendix_cites_sources_and_links_chapters(open_tab, site_url):
    page, report = open_tab(f"{site_url}/book/appendix-claims.html")
    citations = page.locator("a[href^='references.html#']")
    chapters = page.locator("a[href$='03-evidence.html#evidence'], a[href*='03-evidence.html']")
    assert citations.count() >= 20 and chapters.count() >= 3
    from mdma_book import evidence

    assert page.locator("em", has_text="Verdict:").count() == len(evidence.claims())
    assert report["console_errors"] == []


LIVE_PANELS = {
    "book/01-history.html": ["HistoryPanel()"],
    "book/02-mechanism.html": ["MechanismPanel()", "SimulatorPanel()"],
    "book/03-evidence.html": ["Phase3Panel()", "ForestPanel()", "AbsoluteEffectsPanel()", "DepressionPanel()"],
    "book/06-what-it-means.html": ["CoursePanel()"],
}


@pytest.mark.parametrize("page_path", toc_pages())
def test_live_panels_are_code_with_a_note_never_dead_widgets(open_tab, site_url, page_path):
    page, report = open_tab(f"{site_url}/{page_path}")
    cells = page.locator(".cell.tag_skip-execution")
    expected = LIVE_PANELS.get(page_path, [])
    assert cells.count() == len(expected)
    for index, panel in enumerate(expected):
        cell = cells.nth(index)
        assert panel in cell.text_content()  # collapsed until opened (mdma_book.learning)
        assert cell.locator(".cell_output").count() == 0
        note = cell.locator("xpath=preceding-sibling::*[1]")
        assert "needs a running Python kernel" in note.text_content()
    assert page.locator(".jupyter-widgets, script[type='application/vnd.jupyter.widget-state+json']").count() == 0
    assert not any("require" in url or "html-manager" in url for url in report["requested"])
