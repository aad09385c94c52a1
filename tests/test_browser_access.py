"""Every figure for every reader: keyboard, screen reader, no JavaScript, print, touch.

The built book in Debian's chromium, offline. Figures come as static pictures
with native controls (see mdma_book/site/plotly_mime.py and site/static/figures.js).
"""

from __future__ import annotations

import pytest
from support import toc_pages
from support.browser import FIGURE, PLOT_DIV, live_figure, wait_until_live

pytestmark = pytest.mark.browser

PLOTLY_JS = "_static/mdma/plotly-basic.min.js"
FIGURE_PAGES = [
    "book/01-history.html",
    "book/02-mechanism.html",
    "book/03-evidence.html",
    "book/05-alternatives.html",
    "book/06-what-it-means.html",
]

#: One key per figure control on the page: a select or range by id, a radio group by name.
CONTROL_KEYS = f"""() => [...document.querySelectorAll('{FIGURE} select, {FIGURE} input')]
  .map(el => el.type === 'radio' ? el.name : el.id)
  .filter((key, i, all) => all.indexOf(key) === i)"""
FOCUSED_KEY = "() => { const el = document.activeElement; return el && el.closest('.mdma-figure') ? (el.type === 'radio' ? el.name : el.id) : null; }"


def test_every_figure_page_has_figures(built_html):
    for page_path in FIGURE_PAGES:
        assert 'class="mdma-figure"' in (built_html / page_path).read_text(encoding="utf-8"), page_path


@pytest.mark.parametrize("page_path", toc_pages())
def test_tab_reaches_every_control_of_every_figure_with_a_visible_focus(open_tab, site_url, page_path):
    page, report = open_tab(f"{site_url}/{page_path}")
    expected = page.evaluate(CONTROL_KEYS)
    reached, outlines = set(), []
    focusable = page.evaluate(
        "() => document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]').length"
    )
    for _ in range(focusable + 5):
        page.keyboard.press("Tab")
        key = page.evaluate(FOCUSED_KEY)
        if key and key not in reached:
            reached.add(key)
            outlines.append(page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle"))
        if reached == set(expected):
            break
    assert reached == set(expected)
    assert all(style != "none" for style in outlines), "a figure control shows no focus ring"
    assert report["console_errors"] == [] and report["page_errors"] == []


#: What a reader sees of a live figure: traces' visibility and opacity, and the layout, less plotly's hidden menus.
FIGURE_STATE = f"""i => {{
  const d = ({PLOT_DIV})(i);
  return JSON.stringify([d.data.map(t => [t.visible, t.opacity]), Object.assign({{}}, d.layout, {{updatemenus: null, sliders: null}})]);
}}"""


@pytest.mark.parametrize("page_path", FIGURE_PAGES)
def test_a_keyboard_change_alters_each_figure_and_is_announced(open_tab, site_url, page_path):
    page, report = open_tab(f"{site_url}/{page_path}")
    figures = page.locator(FIGURE)
    changed = 0
    for index in range(figures.count()):
        control = figures.nth(index).locator("select, input:checked, input[type=range]").first
        if control.count() == 0:
            continue
        control.focus()  # focus alone makes the figure live
        wait_until_live(page, index)
        before = page.evaluate(FIGURE_STATE, index)
        page.keyboard.press("ArrowRight" if control.evaluate("el => el.type") in ("radio", "range") else "ArrowDown")
        page.wait_for_function(
            "i => document.querySelectorAll('.mdma-figure')[i].querySelector('.mdma-status').textContent", arg=index
        )
        assert page.evaluate(FIGURE_STATE, index) != before, f"figure {index} did not change"
        status = figures.nth(index).locator(".mdma-status")
        assert status.get_attribute("aria-live") == "polite" and len(status.text_content()) > 10
        changed += 1
    assert changed == page.locator(f"{FIGURE}:has(.mdma-controls)").count()
    assert report["console_errors"] == [] and report["page_errors"] == []


@pytest.mark.parametrize("page_path", FIGURE_PAGES)
def test_plotly_js_is_not_fetched_before_a_reader_reaches_for_a_figure(open_tab, site_url, page_path):
    page, report = open_tab(f"{site_url}/{page_path}")
    page.mouse.wheel(0, 4000)  # scrolling past the figures is not reaching for one
    page.wait_for_timeout(500)
    assert not any(PLOTLY_JS in url for url in report["requested"])
    live_figure(page, 0)
    assert any(PLOTLY_JS in url for url in report["requested"])


@pytest.mark.parametrize("page_path", FIGURE_PAGES)
def test_without_javascript_every_figure_shows_its_picture_with_alt_text(open_tab, site_url, page_path):
    page, report = open_tab(f"{site_url}/{page_path}", javascript=False)
    figures = page.locator(FIGURE)
    assert figures.count() >= 1
    for index in range(figures.count()):
        figure = figures.nth(index)
        figure.scroll_into_view_if_needed()
        img = figure.locator(".mdma-static-light img")
        img.wait_for(state="visible")
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
        assert len(img.get_attribute("alt")) > 20
        assert figure.locator(".mdma-controls").count() == 0 or not figure.locator(".mdma-controls").is_visible()
    assert not any(PLOTLY_JS in url for url in report["requested"])


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("page_path", FIGURE_PAGES)
def test_print_shows_the_figures_and_no_navigation(open_tab, site_url, page_path, color_scheme):
    page, _ = open_tab(f"{site_url}/{page_path}", color_scheme=color_scheme)
    live_figure(page, 0)  # a figure made interactive prints as its picture too
    page.emulate_media(media="print")
    # What a browser does as it prints: the page's beforeprint handler loads the lazy pictures
    # a reader never scrolled to (emulating the print medium alone does not fire it).
    page.evaluate("dispatchEvent(new Event('beforeprint'))")
    figures = page.locator(FIGURE)
    for index in range(figures.count()):
        figure = figures.nth(index)
        img = figure.locator(".mdma-static-light img")
        assert img.is_visible() and len(img.get_attribute("alt")) > 20
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
        assert not figure.locator(".mdma-controls").is_visible()
        assert figure.locator(".mdma-plotly").count() == 0 or not figure.locator(".mdma-plotly").is_visible()
    for chrome in (".bd-sidebar-primary", ".bd-header", ".bd-sidebar-secondary", ".prev-next-area"):
        if page.locator(chrome).count():
            assert not page.locator(chrome).first.is_visible(), chrome
    assert len(page.pdf()) > 10_000


@pytest.mark.parametrize("page_path", FIGURE_PAGES)
def test_on_paper_a_chapter_begins_with_its_title(open_tab, site_url, page_path):
    """The theme's print-only "Contents" list of the page's sections printed above the chapter's title (issue 18, N4)."""
    page, _ = open_tab(f"{site_url}/{page_path}")
    page.emulate_media(media="print")
    page.evaluate("dispatchEvent(new Event('beforeprint'))")
    above = page.evaluate(
        """() => {
            const title = [...document.querySelectorAll('.bd-content h1')].find(h => h.getClientRects().length);
            const top = title.getBoundingClientRect().top;
            return [...document.querySelectorAll('.bd-content h1, .bd-content h2, .bd-content li, .bd-content p')]
                .filter(e => e.getClientRects().length && e.getBoundingClientRect().bottom <= top && e.innerText.trim())
                .map(e => e.innerText.trim().slice(0, 60));
        }"""
    )
    assert above == [], above


def test_a_page_in_the_dark_theme_prints_in_the_light_one(open_tab, site_url):
    page, report = open_tab(f"{site_url}/book/07-conclusion.html", color_scheme="dark")
    theme = "() => document.documentElement.dataset.theme"
    assert page.evaluate(theme) == "dark"
    page.evaluate("dispatchEvent(new Event('beforeprint'))")
    assert page.evaluate(theme) == "light"
    page.evaluate("dispatchEvent(new Event('afterprint'))")
    assert page.evaluate(theme) == "dark"
    assert report["page_errors"] == []


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("page_path", FIGURE_PAGES)
def test_figure_controls_are_big_enough_to_touch(open_tab, site_url, page_path, width):
    page, _ = open_tab(f"{site_url}/{page_path}", width=width)
    targets = page.locator(f"{FIGURE} select, {FIGURE} input[type=range], {FIGURE} .mdma-option")
    for index in range(targets.count()):
        box = targets.nth(index).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (page_path, index, box)


@pytest.mark.parametrize("page_path", FIGURE_PAGES)
def test_on_a_phone_each_figure_control_takes_the_figures_width(open_tab, site_url, page_path):
    """A menu as wide as its label cut off the chosen option on a phone (Figure 3.1): each control is full width."""
    page, _ = open_tab(f"{site_url}/{page_path}", width=390)
    narrow = page.evaluate(
        f"""() => [...document.querySelectorAll('{FIGURE} .mdma-controls')].flatMap(controls => {{
      const width = controls.getBoundingClientRect().width;
      return [...controls.querySelectorAll('select, input[type=range]')]
        .filter(el => el.getBoundingClientRect().width < width - 1)
        .map(el => `${{el.id}}: ${{Math.round(el.getBoundingClientRect().width)}} of ${{Math.round(width)}} px`);
    }})"""
    )
    assert narrow == [], narrow


#: Every text of an SVG picture that reaches past the picture's own edges: [text, left, right, width].
TEXT_OUTSIDE_PICTURE = """() => {
  const svg = document.querySelector('svg');
  const edge = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => [`${t.getAttribute('class')}: ${t.textContent}`, t.getBoundingClientRect()])
    .filter(([, box]) => box.left < edge.left - 1 || box.right > edge.right + 1 || box.top < edge.top - 1 || box.bottom > edge.bottom + 1)
    .map(([text, box]) => [text, Math.round(box.left - edge.left), Math.round(box.right - edge.left), Math.round(edge.width),
                           Math.round(box.top - edge.top), Math.round(box.bottom - edge.top), Math.round(edge.height)]);
}"""


@pytest.mark.parametrize("page_path", FIGURE_PAGES)
def test_no_text_of_a_phone_picture_is_cut_off_at_its_edges(open_tab, site_url, page_path):
    """Figure 3.5's panel title ("Major depression · one open-label study") ran past the phone picture's right edge,
    Figure 3.3's title past its right and top edges, and Figure 3.5's bottom axis title below its foot."""
    page, _ = open_tab(f"{site_url}/{page_path}", width=390)
    pictures = page.evaluate(
        f"() => [...document.querySelectorAll('{FIGURE} .mdma-static-light source')].map(s => new URL(s.srcset, location.href).href)"
    )
    assert pictures, "no phone picture on a figure page"
    outside = []
    for url in pictures:
        page.goto(url)
        outside += [(url.rsplit("/", 1)[-1], *text) for text in page.evaluate(TEXT_OUTSIDE_PICTURE)]
    assert outside == [], outside
