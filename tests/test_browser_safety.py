"""In the browser: the interaction table's filter box, by keyboard, and the whole table without JavaScript."""

from __future__ import annotations

import pytest

from mdma_book import safety
from mdma_book.site.pdf_edition import TEXT_WIDTH_PX

pytestmark = pytest.mark.browser

HARMS = "book/04-harms.html"
BOX = "#mdma-interactions-search"
ROWS = "table.mdma-interactions tbody tr"


def _visible_rows(page) -> list[str]:
    rows = page.locator(ROWS)
    return [rows.nth(i).inner_text() for i in range(rows.count()) if rows.nth(i).is_visible()]


def _focus_by_tab(page, selector: str) -> None:
    page.locator("main").first.focus() if page.locator("main").count() else None
    for _ in range(600):
        page.keyboard.press("Tab")
        if page.locator(selector).evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


def test_the_filter_finds_a_medicine_by_generic_name_and_by_class_using_only_the_keyboard(open_tab, site_url):
    page, report = open_tab(f"{site_url}/{HARMS}")
    total = len(safety.interactions())
    assert page.get_by_label("Find your medicine (generic or brand name, or class)").count() == 1
    status = page.locator("#mdma-interactions-count")
    assert status.get_attribute("aria-live") == "polite"
    _focus_by_tab(page, BOX)
    page.keyboard.type("bupropion")
    shown = _visible_rows(page)
    assert len(shown) == 1 and "bupropion" in shown[0]
    assert f"1 of {total} rows match" in status.inner_text()
    page.keyboard.press("Escape")  # clears the box: every row again
    assert len(_visible_rows(page)) == total and f"All {total} rows" in status.inner_text()
    page.keyboard.type("MAO inhibitor")  # a class, not a medicine's name
    shown = _visible_rows(page)
    assert any("moclobemide" in row for row in shown) and any("linezolid" in row for row in shown)
    assert report["console_errors"] == [] and report["page_errors"] == [] and report["external"] == []


def test_a_medicine_that_is_not_listed_shows_that_this_does_not_mean_safe(open_tab, site_url):
    page, report = open_tab(f"{site_url}/{HARMS}")
    page.locator(BOX).fill("lithium")
    assert _visible_rows(page) == []
    status = page.locator("#mdma-interactions-count").inner_text()
    assert "does not mean it is safe with MDMA" in status
    assert "Try its class instead (for example SSRI, SNRI, MAOI or stimulant)" in status
    assert "Not found in the sources read" in status
    note = page.locator(".mdma-not-listed")
    assert note.is_visible() and "not known to be safe with MDMA" in note.inner_text()
    assert page.locator(BOX).get_attribute("aria-describedby").split()[-1] == note.get_attribute("id")


def test_a_class_member_not_itself_studied_finds_its_class_row_with_that_note(open_tab, site_url):
    page, report = open_tab(f"{site_url}/{HARMS}")
    for query, expected in (("sertraline", "paroxetine"), ("Venlafaxine", "duloxetine"), ("ADHD", "amphetamine")):
        page.locator(BOX).fill(query)
        shown = _visible_rows(page)
        # "ADHD" also finds the methylphenidate row (I12), an ADHD medicine studied with MDMA in its own right.
        matching = [row for row in shown if expected in row]
        assert len(matching) == 1 and len(shown) == (2 if query == "ADHD" else 1), (query, len(shown))
        assert "same class; not itself studied with MDMA" in matching[0], query
    page.locator(BOX).fill("5htp")  # hyphens are ignored: finds 5-HTP
    assert any("5-HTP" in row for row in _visible_rows(page))
    page.locator(BOX).fill("l\u2011tryptophan")  # a non-breaking hyphen typed or pasted
    assert any("L-tryptophan" in row for row in _visible_rows(page))
    assert report["console_errors"] == [] and report["page_errors"] == []


def test_a_brand_name_finds_its_generic_row(open_tab, site_url):
    # A patient knows the name on the box: "Prozac" must find the SSRI row (fluoxetine).
    page, report = open_tab(f"{site_url}/{HARMS}")
    for query, expected in (
        ("Prozac", "fluoxetine"),
        ("wellbutrin", "bupropion"),
        ("Zyban", "bupropion"),
        ("Adderall", "amphetamine"),
        ("Paxlovid", "ritonavir"),
    ):
        page.locator(BOX).fill(query)
        shown = _visible_rows(page)
        assert len(shown) == 1 and expected in shown[0], query
    page.locator(BOX).fill("lithium")
    assert "check the generic name on the box or the leaflet" in page.locator("#mdma-interactions-count").inner_text()
    assert report["console_errors"] == [] and report["page_errors"] == []


def test_without_javascript_the_whole_table_shows_and_there_is_no_filter_box(open_tab, site_url):
    page, report = open_tab(f"{site_url}/{HARMS}", javascript=False)
    assert page.locator(BOX).count() == 0
    assert "Type the name of a medicine" not in page.locator("main").inner_text()
    assert len(_visible_rows(page)) == len(safety.interactions())
    assert page.locator(".mdma-not-listed").is_visible()


def test_in_print_the_whole_table_shows_even_after_filtering(open_tab, site_url):
    page, report = open_tab(f"{site_url}/{HARMS}")
    page.locator(BOX).fill("bupropion")
    page.emulate_media(media="print")
    assert len(_visible_rows(page)) == len(safety.interactions())
    assert not page.locator(".mdma-interactions-filter").is_visible()


#: What a reader cannot read of the interaction table: the table wider than the screen or paper,
#: a scroll box that hides columns, a cell that cuts off its text, and (for the phone's cards) the
#: page wider than the screen or a cell shown without its column's name. ``cards``: each row is
#: expected as a card.
TABLE_PROBLEMS = """cards => {
  const problems = [], width = document.documentElement.clientWidth;
  const table = document.querySelector('table.mdma-interactions');
  if (cards && document.documentElement.scrollWidth > width + 1)
    problems.push(`the page is ${document.documentElement.scrollWidth} px wide on a ${width} px screen`);
  const box = table.closest('.pst-scrollable-table-container') || table.parentElement;
  if (box.scrollWidth > box.clientWidth + 1)
    problems.push(`the table needs ${box.scrollWidth} px in a box ${box.clientWidth} px wide`);
  if (table.getBoundingClientRect().right > width + 1) problems.push('the table runs off the screen');
  const headers = Array.from(table.tHead.rows[0].cells).map(cell => cell.textContent.trim());
  Array.from(table.tBodies[0].rows).forEach((row, r) => Array.from(row.cells).forEach((cell, c) => {
    if (cell.scrollWidth > cell.clientWidth + 1) problems.push(`row ${r + 1}, column ${c + 1} cuts off its text`);
    if (!cards) return;
    const label = cell.querySelector('.mdma-cell-label');
    if (!label || !label.checkVisibility() || label.textContent.trim() !== headers[c])
      problems.push(`row ${r + 1}, column ${c + 1} is shown without its column's name`);
    if (cell.getBoundingClientRect().width < width * 0.6) problems.push(`row ${r + 1}, column ${c + 1} is squeezed into a column`);
  }));
  return problems;
}"""


def test_on_a_phone_without_javascript_each_row_is_a_card_that_fits_the_screen(open_tab, site_url):
    page, report = open_tab(f"{site_url}/{HARMS}", width=390, javascript=False)
    assert len(_visible_rows(page)) == len(safety.interactions())
    assert page.evaluate(TABLE_PROBLEMS, True) == []


def test_in_print_without_javascript_every_column_of_the_table_is_on_the_paper(open_tab, site_url):
    # A reader's own print, without the PDF edition's scaling of wide tables: the width of the
    # PDF edition's A4 text.
    page, report = open_tab(f"{site_url}/{HARMS}", width=TEXT_WIDTH_PX, javascript=False)
    page.emulate_media(media="print")
    assert len(_visible_rows(page)) == len(safety.interactions())
    assert page.evaluate(TABLE_PROBLEMS, False) == []
    assert not page.locator(".mdma-cell-label").first.is_visible()  # paper shows the header row instead


@pytest.mark.parametrize("javascript", [False, True], ids=["without-javascript", "with-javascript"])
def test_on_a_laptop_every_column_of_the_table_is_on_the_screen(open_tab, site_url, javascript):
    page, report = open_tab(f"{site_url}/{HARMS}", width=1366, javascript=javascript)
    assert page.evaluate(TABLE_PROBLEMS, False) == []
