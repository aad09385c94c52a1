"""The built book in a real browser (Debian's chromium via Playwright), fully offline."""

from __future__ import annotations

import pytest
from conftest import open_page, toc_pages

pytestmark = pytest.mark.browser

PLOTLY_JS = "_static/mdma/plotly-basic.min.js"


def figure_count_in_source(built_html, page_path: str) -> int:
    return (built_html / page_path).read_text(encoding="utf-8").count('class="mdma-plotly ')


@pytest.mark.parametrize("page_path", toc_pages())
def test_page_loads_offline_without_errors(browser, site_url, built_html, page_path):
    page, report = open_page(browser, f"{site_url}/{page_path}")
    try:
        assert report["external"] == [], "requests off the machine"
        assert report["console_errors"] == [], "console errors"
        assert report["page_errors"] == [], "uncaught page errors"
        assert report["failed"] == [], "local requests that failed"
        assert page.locator(".bd-header-announcement").inner_text().startswith("Health information")
    finally:
        page.context.close()


@pytest.mark.parametrize("page_path", toc_pages())
def test_every_figure_is_drawn_and_plotly_loads_only_where_needed(browser, site_url, built_html, page_path):
    expected = figure_count_in_source(built_html, page_path)
    page, report = open_page(browser, f"{site_url}/{page_path}")
    try:
        loads_plotly = any(PLOTLY_JS in url for url in report["requested"])
        if expected == 0:
            assert not loads_plotly, "a page without figures loaded plotly.js"
        else:
            assert loads_plotly
            page.wait_for_function(
                "n => document.querySelectorAll('.mdma-plotly svg.main-svg').length >= n", arg=expected
            )
        drawn = page.locator(".js-plotly-plot:has(svg.main-svg)").count()
        assert drawn == expected == page.locator(".plotly-graph-div").count()
    finally:
        page.context.close()


def test_the_evidence_chapter_has_its_figure(built_html):
    assert figure_count_in_source(built_html, "book/03-evidence.html") >= 1


def _visible_y(page, index: int) -> list[list[float]]:
    """The y values of the visible traces of the page's ``index``-th figure."""
    return page.evaluate(
        """i => {
            const div = document.querySelectorAll('.mdma-plotly')[i];
            return div._fullData.filter(t => t.visible === true).map(t => Array.from(t.y));
        }""",
        index,
    )


def _visible_x(page, index: int) -> list[list[float]]:
    return page.evaluate(
        """i => document.querySelectorAll('.mdma-plotly')[i]._fullData
                 .filter(t => t.visible === true).map(t => Array.from(t.x))""",
        index,
    )


def _choose(page, index: int, option: str) -> None:
    """Open the dropdown of the ``index``-th figure and pick ``option``, as a reader would."""
    figure = page.locator(".mdma-plotly").nth(index)
    figure.locator(".updatemenu-header-group").click()
    figure.locator(".updatemenu-dropdown-button", has_text=option).first.click()


def _title(page, index: int) -> str:
    """The drawn title of the ``index``-th figure ('' if it has none)."""
    return page.evaluate(
        "i => { const t = document.querySelectorAll('.mdma-plotly')[i].querySelector('.gtitle'); return t ? t.textContent : ''; }",
        index,
    )


def test_outcome_dropdown_changes_the_figure(browser, site_url):
    page, report = open_page(browser, f"{site_url}/book/03-evidence.html")
    try:
        page.wait_for_selector(".mdma-plotly svg.main-svg")
        assert _title(page, 0).startswith("No longer met PTSD criteria")
        before = _visible_y(page, 0)
        _choose(page, 0, "Remission")
        page.wait_for_function(
            "() => document.querySelector('.mdma-plotly .gtitle').textContent.startsWith('Remission')"
        )
        after = _visible_y(page, 0)
        assert after != before and len(after) == 2
        # remission is the strictest outcome: every bar is lower than loss of diagnosis
        assert all(a < b for arm_after, arm_before in zip(after, before) for a, b in zip(arm_after, arm_before))
        assert report["page_errors"] == [] and report["external"] == []
    finally:
        page.context.close()


def test_figure_follows_dark_mode(browser, site_url):
    page, _ = open_page(browser, f"{site_url}/book/03-evidence.html", color_scheme="dark")
    try:
        page.wait_for_selector(".mdma-plotly svg.main-svg")
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        colour = page.evaluate("document.querySelector('.mdma-plotly').layout.font.color")
        assert colour == "#e3e3e3"
    finally:
        page.context.close()


def test_theme_icons_are_drawn_without_fontawesome_js(browser, site_url):
    page, report = open_page(browser, f"{site_url}/book/index.html")
    try:
        assert not any("fontawesome.js" in url for url in report["requested"])
        icon = page.locator(".fa-github").first
        page.evaluate("document.fonts.ready")
        family = icon.evaluate("el => getComputedStyle(el, '::before').fontFamily")
        glyph = icon.evaluate("el => getComputedStyle(el, '::before').content")
        assert "Font Awesome" in family and glyph not in ("none", "normal", '""')
        assert icon.bounding_box()["width"] > 0
    finally:
        page.context.close()


def test_bibliography_has_no_invalid_aria_roles(built_html):
    html = (built_html / "book" / "references.html").read_text(encoding="utf-8")
    assert 'class="citation-list"' in html
    assert 'role="doc-biblioentry"' not in html and 'role="list" class="citation-list"' not in html


def _figure_index(page, title_start: str) -> int:
    """Index of the first figure whose dropdown currently shows a label starting with ``title_start``."""
    labels = page.locator(".mdma-plotly").evaluate_all(
        "divs => divs.map(d => (d.layout.updatemenus && d.layout.updatemenus.length) ? "
        "d.layout.updatemenus[0].buttons[d.layout.updatemenus[0].active].label : '')"
    )
    return next(i for i, label in enumerate(labels) if label.startswith(title_start))


def test_forest_plot_menu_switches_outcome_and_effect_measure(browser, site_url):
    page, report = open_page(browser, f"{site_url}/book/03-evidence.html")
    try:
        page.wait_for_function("() => document.querySelectorAll('.mdma-plotly svg.main-svg').length >= 5")
        index = _figure_index(page, "Response (RR)")
        axis_type = f"document.querySelectorAll('.mdma-plotly')[{index}]._fullLayout.xaxis.type"
        assert page.evaluate(axis_type) == "log"
        before = _visible_x(page, index)
        _choose(page, index, "Remission (RD)")
        page.wait_for_function(f"() => {axis_type} === 'linear'")
        after = _visible_x(page, index)
        assert after != before
        # four trials report remission: 4 squares plus subtotal and total diamonds
        assert len(after[0]) == 4
        assert report["page_errors"] == []
    finally:
        page.context.close()


def test_absolute_effects_menu_changes_the_people_shown(browser, site_url):
    page, _ = open_page(browser, f"{site_url}/book/03-evidence.html")
    try:
        page.wait_for_function("() => document.querySelectorAll('.mdma-plotly svg.main-svg').length >= 5")
        index = [i for i in range(page.locator(".mdma-plotly").count()) if "in 100" in _title(page, i)][0]
        before = _title(page, index)
        filled_before = len(_visible_x(page, index)[0])
        _choose(page, index, "Remission")
        page.wait_for_function(
            f"() => document.querySelectorAll('.mdma-plotly')[{index}].querySelector('.gtitle').textContent.startsWith('PTSD remission')"
        )
        assert _title(page, index) != before
        assert len(_visible_x(page, index)[0]) < filled_before  # fewer people remit than respond
    finally:
        page.context.close()


@pytest.mark.parametrize("page_path", toc_pages())
def test_every_download_link_serves_the_generated_table(browser, site_url, built_html, page_path):
    import io

    import pandas as pd

    from mdma_book import downloads

    page, _ = open_page(browser, f"{site_url}/{page_path}")
    try:
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
    finally:
        page.context.close()


def test_claims_appendix_cites_sources_and_links_chapters(browser, site_url):
    page, report = open_page(browser, f"{site_url}/book/appendix-claims.html")
    try:
        citations = page.locator("a[href^='references.html#']")
        chapters = page.locator("a[href$='03-evidence.html#evidence'], a[href*='03-evidence.html']")
        assert citations.count() >= 20 and chapters.count() >= 3
        from mdma_book import evidence

        assert page.locator("em", has_text="Verdict:").count() == len(evidence.claims())
        assert report["console_errors"] == []
    finally:
        page.context.close()


LIVE_PANELS = {
    "book/01-history.html": ["HistoryPanel()"],
    "book/02-mechanism.html": ["MechanismPanel()", "SimulatorPanel()"],
    "book/03-evidence.html": ["Phase3Panel()", "ForestPanel()", "AbsoluteEffectsPanel()", "DepressionPanel()"],
    "book/06-what-it-means.html": ["CoursePanel()"],
}


@pytest.mark.parametrize("page_path", toc_pages())
def test_live_panels_are_code_with_a_note_never_dead_widgets(browser, site_url, page_path):
    page, report = open_page(browser, f"{site_url}/{page_path}")
    try:
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
    finally:
        page.context.close()
