"""In the browser: glossary definitions shown in place, and live-panel code kept out of first view."""

from __future__ import annotations

import pytest
from support import toc_pages

pytestmark = pytest.mark.browser


def test_focusing_a_term_link_with_the_keyboard_shows_its_definition_and_escape_hides_it(open_tab, site_url):
    page, report = open_tab(f"{site_url}/book/03-evidence.html")
    tip = page.locator("#mdma-term-tip")
    assert tip.count() == 1 and not tip.is_visible()
    link = page.locator("a.mdma-term", has_text="confidence interval").first
    # Tab through the page until the term link has the focus, as a keyboard user would.
    page.locator("main").first.focus() if page.locator("main").count() else None
    for _ in range(400):
        page.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    assert link.evaluate("el => el === document.activeElement"), "the term link is not reachable by Tab"
    assert tip.is_visible()
    assert tip.get_attribute("role") == "tooltip"
    assert link.get_attribute("aria-describedby") == "mdma-term-tip"
    assert "confidence interval" in tip.inner_text() and "uncertain" in tip.inner_text()
    page.keyboard.press("Escape")
    assert not tip.is_visible()
    assert link.get_attribute("aria-describedby") is None
    link.hover()
    assert tip.is_visible()
    assert report["console_errors"] == [] and report["page_errors"] == []


def test_a_first_tap_on_a_term_shows_its_definition_on_a_touch_screen(new_context, site_url):
    page = new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True).new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(site_url) else route.abort())
    page.goto(f"{site_url}/book/04-harms.html", wait_until="load")
    link = page.locator("a.mdma-term").first
    link.scroll_into_view_if_needed()
    link.tap()
    page.wait_for_timeout(300)
    assert page.url.endswith("04-harms.html")  # the first tap stays on the page
    assert page.locator("#mdma-term-tip").is_visible()


@pytest.mark.parametrize("page_path", toc_pages())
def test_no_live_panel_code_is_visible_on_first_view(open_tab, site_url, page_path):
    page, report = open_tab(f"{site_url}/{page_path}")
    code = page.locator(".cell.tag_skip-execution")
    for index in range(code.count()):
        assert not code.nth(index).is_visible()
        assert code.nth(index).evaluate("el => !!el.closest('details.mdma-live:not([open])')")
    controls = page.locator("details.mdma-live")
    assert controls.count() == code.count()
    if controls.count():
        control = controls.first
        assert "Run this figure live" in control.locator("summary").inner_text()
        control.locator("summary").click()
        assert code.first.is_visible() and "Panel()" in code.first.inner_text()


def test_the_glossary_page_defines_terms_and_loads_no_tooltip_script(open_tab, site_url):
    page, report = open_tab(f"{site_url}/book/glossary.html")
    assert page.locator("dl.glossary dt").count() >= 40
    assert not any("terms.js" in url for url in report["requested"])


CHAPTERS = [page for page in toc_pages() if page.split("/")[-1][:2].isdigit()]


@pytest.mark.parametrize("page_path", CHAPTERS)
def test_every_chapter_ends_with_exercises_whose_solutions_wait_to_be_opened(open_tab, site_url, page_path):
    page, report = open_tab(f"{site_url}/{page_path}")
    exercises, solutions = page.locator("div.exercise"), page.locator("div.solution")
    assert 2 <= exercises.count() <= 4 and solutions.count() == exercises.count()
    # sphinx-togglebutton folds the solutions once the page shell has run the page's scripts.
    solutions.first.locator(".toggle-button").wait_for(state="visible")
    for index in range(solutions.count()):
        body = solutions.nth(index).locator(":scope > :not(.admonition-title)").first
        assert not body.is_visible()
    solutions.first.locator(".toggle-button").click()
    solutions.first.locator(":scope > :not(.admonition-title)").first.wait_for(state="visible")


def test_a_how_to_read_box_sits_beside_the_forest_plots_and_summaries_of_findings(open_tab, site_url):
    page, report = open_tab(f"{site_url}/book/03-evidence.html")
    boxes = page.locator(".mdma-reading-aid")
    assert boxes.count() == 2
    text = boxes.first.inner_text()
    for word in ("Square", "Diamond", "Line of no effect", "I²", "very low"):
        assert word in text
    # The first box comes just before the pooled forest plot, the second before the summary of findings.
    order = page.evaluate(
        """() => {
            const all = Array.from(document.querySelectorAll('.mdma-reading-aid, .mdma-figure, table'));
            return all.map(el => el.classList.contains('mdma-reading-aid') ? 'box' : el.tagName === 'TABLE' ? 'table' : 'figure');
        }"""
    )
    first = order.index("box")
    assert order[first + 1] == "figure"
    second = order.index("box", first + 1)
    assert "table" in order[second + 1 : second + 2]
    page, report = open_tab(f"{site_url}/book/04-harms.html")
    assert page.locator(".mdma-reading-aid").count() == 1


def test_the_educators_page_links_every_exercise(built_html):
    import re

    educators = (built_html / "book" / "educators.html").read_text(encoding="utf-8")
    ids = []
    for chapter in CHAPTERS:
        html = (built_html / chapter).read_text(encoding="utf-8")
        ids += [(chapter.split("/")[-1], i) for i in re.findall(r'<div class="exercise admonition" id="([^"]+)"', html)]
    assert len(ids) >= 2 * len(CHAPTERS)
    for page_name, exercise_id in ids:
        assert f'href="{page_name}#{exercise_id}"' in educators, exercise_id
