"""In the browser: the interaction table's filter box, by keyboard, and the whole table without JavaScript."""

from __future__ import annotations

import pytest

from mdma_book import safety

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
    assert page.get_by_label("Find your medicine (generic name or class)").count() == 1
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
        assert len(shown) == 1 and expected in shown[0], query
        assert "same class; not itself studied with MDMA" in shown[0], query
    page.locator(BOX).fill("5htp")  # hyphens are ignored: finds 5-HTP
    assert any("5-HTP" in row for row in _visible_rows(page))
    page.locator(BOX).fill("l\u2011tryptophan")  # a non-breaking hyphen typed or pasted
    assert any("L-tryptophan" in row for row in _visible_rows(page))
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
