"""The reader review's minors that only a browser can measure (issue 18), on every page of the built book.

Debian's chromium, offline, at the reader review's screens (390 px phone, 1366 px laptop):

* every data table's header is aligned as its column is (pandas right-aligned headers over
  left-aligned text), and on a laptop no cell of the summary of findings' Certainty column wraps
  to fewer than three words a line (minor 24);
* every figure is tied to its caption and its text alternative: ``aria-describedby`` on the
  figure, its picture and its live chart names the "Figure N.N." paragraph and the "Text
  alternative." paragraph (minor 27);
* on a phone the previous/next links' titles take at most three lines (minor 28);
* on a phone the band between a live chart's title and the first thing drawn below it is at most
  :data:`MAX_BAND_PX` (minor 16): the chart is drawn from its own specification, which the static
  pictures are drawn from too, so a figure added to the book is measured the day it is added.
"""

from __future__ import annotations

import pytest
from support import toc_pages
from support.browser import PLOT_DIV, live_figure

pytestmark = pytest.mark.browser

PAGES = toc_pages()
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "color_scheme": "light"}
LAPTOP = {"viewport": {"width": 1366, "height": 900}, "color_scheme": "light"}
#: The most empty space a chart may leave between its title and what it draws below it, on a phone.
MAX_BAND_PX = 40
#: Fewest words a line in a cell of the Certainty column, on a laptop (the review saw twelve words over six to eight lines).
MIN_WORDS_PER_LINE = 3
#: Most lines a previous/next link's title may take on a phone (the review saw six or seven, a word each).
MAX_LINK_LINES = 3

#: The number of lines of text an element's content is laid out in (its line boxes' distinct tops).
LINES_OF = """el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const tops = [...range.getClientRects()].filter(r => r.width > 0).map(r => r.top).sort((a, b) => a - b);
  return tops.filter((top, i) => i === 0 || top - tops[i - 1] > 4).length;
}"""


@pytest.fixture(scope="module")
def tab(browser, site_url):
    """``tab(screen)``: one offline tab per screen, reused from page to page."""
    opened = {}

    def get(screen: dict):
        key = screen["viewport"]["width"]
        if key not in opened:
            context = browser.new_context(**screen)
            context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(site_url) else r.abort())
            opened[key] = context.new_page()
        return opened[key]

    yield get
    for page in opened.values():
        page.context.close()


def visit(page, url: str):
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return page


# --- Minor 24: table headers, and the Certainty column ------------------------------------------

#: Every header cell of a table in the page's article whose alignment differs from its column's first cell.
MISALIGNED_HEADERS = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const side = el => ({ start: 'left', end: 'right', '-webkit-left': 'left', '-webkit-right': 'right' }[getComputedStyle(el).textAlign] || getComputedStyle(el).textAlign);
  const found = [];
  document.querySelectorAll('main table').forEach(table => {
    const heads = table.querySelectorAll('thead tr:last-child > *');
    const first = table.querySelector('tbody tr');
    if (!first) return;
    heads.forEach((th, i) => {
      const cell = first.children[i];
      if (cell && side(th) !== side(cell)) {
        found.push(`"${th.textContent.trim()}": header ${side(th)}, column ${side(cell)}`);
      }
    });
  });
  return found;
}"""


@pytest.mark.parametrize("page", PAGES)
def test_every_table_header_is_aligned_as_its_column(tab, site_url, page):
    tab_ = visit(tab(LAPTOP), f"{site_url}/{page}")
    assert tab_.evaluate(MISALIGNED_HEADERS) == []


#: (words, lines) of every cell under a header that starts "Certainty", on the page.
CERTAINTY_CELLS = f"""() => {{
  const lines = {LINES_OF};
  const found = [];
  document.querySelectorAll('table.mdma-table').forEach(table => {{
    const heads = [...table.querySelectorAll('thead tr:last-child > *')];
    const column = heads.findIndex(th => /^Certainty/.test(th.textContent.trim()));
    if (column < 0) return;
    table.querySelectorAll('tbody tr').forEach(tr => {{
      const cell = tr.children[column];
      const text = cell.textContent.trim();
      found.push([text, text.split(/\\s+/).length, lines(cell)]);
    }});
  }});
  return found;
}}"""


def test_the_certainty_column_does_not_wrap_a_word_or_two_a_line_on_a_laptop(tab, site_url):
    cells = []
    for page in PAGES:
        cells += [(page, *cell) for cell in visit(tab(LAPTOP), f"{site_url}/{page}").evaluate(CERTAINTY_CELLS)]
    assert cells, "no table has a Certainty column any more: this test has nothing to check"
    # A level ("⊕◯◯◯ Very low") may break once; a sentence squeezed one or two words a line is the defect.
    squeezed = [c for c in cells if c[2] > 4 and c[2] / c[3] < MIN_WORDS_PER_LINE]
    assert squeezed == [], "\n".join(
        f"{p}: {lines} lines for {words} words: {text[:60]}" for p, text, words, lines in squeezed
    )


# --- Minor 27: each figure tied to its caption and text alternative ------------------------------

#: For the i-th figure: the texts that its aria-describedby (and its pictures', and its live chart's) name.
DESCRIBED_BY = """i => {
  const figure = document.querySelectorAll('.mdma-figure')[i];
  const named = el => (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)
    .map(id => { const target = document.getElementById(id); return target ? target.textContent.trim() : `(no element #${id})`; });
  return {
    figure: named(figure),
    pictures: [...figure.querySelectorAll('.mdma-static img')].map(named),
    live: figure.querySelector('.mdma-plotly') ? named(figure.querySelector('.mdma-plotly')) : null,
  };
}"""


def _figure_pages(built_html) -> list[str]:
    return [page for page in PAGES if 'class="mdma-figure"' in (built_html / page).read_text(encoding="utf-8")]


def test_every_figure_is_described_by_its_caption_and_text_alternative(tab, site_url, built_html):
    problems, figures = [], 0
    for page in _figure_pages(built_html):
        tab_ = visit(tab(LAPTOP), f"{site_url}/{page}")
        for i in range(tab_.locator(".mdma-figure").count()):
            live_figure(tab_, i)
            figures += 1
            named = tab_.evaluate(DESCRIBED_BY, i)
            texts = named["figure"]
            if not (
                any(t.startswith("Figure ") for t in texts) and any(t.startswith("Text alternative.") for t in texts)
            ):
                problems.append(f"{page} figure {i + 1}: described by {[t[:40] for t in texts]}")
            for other in [*named["pictures"], named["live"]]:
                if other != texts:
                    problems.append(f"{page} figure {i + 1}: a picture or the live chart is described by {other}")
    assert figures >= 10, f"only {figures} figures found"
    assert problems == [], "\n".join(problems)


# --- Minor 28: previous/next links on a phone ------------------------------------------------------


def test_previous_and_next_titles_take_at_most_three_lines_on_a_phone(tab, site_url):
    problems, links = [], 0
    for page in PAGES:
        tab_ = visit(tab(PHONE), f"{site_url}/{page}")
        for title in tab_.locator(".prev-next-area .prev-next-title").all():
            links += 1
            lines = title.evaluate(LINES_OF)
            box = title.evaluate("el => [el.getBoundingClientRect().height, parseFloat(getComputedStyle(el).fontSize)]")
            if lines > MAX_LINK_LINES:
                problems.append(
                    f"{page}: {title.inner_text()!r} takes {lines} lines ({box[0]:.0f} px at {box[1]:.0f} px text)"
                )
    assert links >= len(PAGES), f"only {links} previous/next links found"
    assert problems == [], "\n".join(problems)


# --- Minor 16: the band under a chart's title ------------------------------------------------------

#: In a live chart (its plot div): the title's bottom edge and the top of the first thing drawn below
#: it (text, mark, line, shape or legend; not plotly's invisible drag and background layers).
TITLE_BAND = r"""div => {
  const title = div.querySelector('.g-gtitle');
  const box = title && title.getBoundingClientRect();
  if (!box || !box.height) return null;
  const skip = '.g-gtitle, .draglayer, .hoverlayer, .bglayer, .menulayer, .zoomlayer, .selectionlayer, defs, clipPath, .scrollbar';
  const seen = colour => colour && colour !== 'none' && colour !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(colour);
  // A box counts when it is painted (an annotation's border or fill), not when it is plotly's invisible frame.
  const painted = s => (seen(s.fill) && +s.fillOpacity !== 0) || (seen(s.stroke) && parseFloat(s.strokeWidth) > 0 && +s.strokeOpacity !== 0);
  let top = Infinity, what = '';
  div.querySelectorAll('svg.main-svg *').forEach(el => {
    if (el.children.length || el.closest(skip)) return;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || +style.opacity === 0) return;
    if (el.tagName === 'rect' && !painted(style)) return;
    const r = el.getBoundingClientRect();
    if ((!r.width && !r.height) || r.bottom <= box.bottom) return;
    if (r.top < top) { top = r.top; what = `${el.tagName} ${el.getAttribute('class') || ''} ${(el.textContent || '').slice(0, 30)}`; }
  });
  return { band: top - box.bottom, what, title: title.textContent.slice(0, 50) };
}"""


def test_no_chart_leaves_an_empty_band_under_its_title_on_a_phone(tab, site_url, built_html):
    bands, problems = [], []
    for page in _figure_pages(built_html):
        tab_ = visit(tab(PHONE), f"{site_url}/{page}")
        for i in range(tab_.locator(".mdma-figure").count()):
            live_figure(tab_, i)
            found = tab_.evaluate_handle(PLOT_DIV, i).evaluate(TITLE_BAND)
            if found is None:
                continue  # a chart with no title line
            bands.append(found)
            if found["band"] > MAX_BAND_PX:
                problems.append(
                    f"{page} figure {i + 1} ({found['title']!r}): {found['band']:.0f} px, then {found['what']!r}"
                )
    assert len(bands) >= 8, f"only {len(bands)} charts with a title measured"
    assert problems == [], "\n".join(problems)
