"""Shared fixtures and hooks: the built book served on 127.0.0.1, a browser, its tabs.

Plain helpers and constants live in the importable ``support`` package (tests/support/).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import HTML
from support.browser import CHROMIUM, CHROMIUM_ARGS, context_options, open_page, serve


def pytest_collection_modifyitems(items):
    """Mark every test that reads the built book with ``book``, so `make check` can leave them out."""
    for item in items:
        if {"built_html", "site_url"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.book)


@pytest.fixture(scope="session")
def built_html() -> Path:
    """The HTML book built by `make book` (which `make test` runs first)."""
    if not (HTML / "book" / "index.html").exists():
        pytest.fail(f"{HTML} has no built book: run `make book` first (or use `make test`).")
    return HTML


@pytest.fixture(scope="session")
def site_url(built_html: Path):
    """Serve the built book on a free port of 127.0.0.1 for the whole session."""
    with serve(built_html) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian's chromium is missing: `make test` installs it as root, or run `sudo apt-get install chromium`."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Our own yield fixtures rather than pytest-playwright's: every page here must be opened with
# off-machine requests blocked and its console/page errors collected (support.browser.open_page),
# a test may open several tabs at several widths and themes, and pytest-playwright would add a
# dependency and a browser-name parameter to every test id for one browser we never download.
@pytest.fixture
def new_context(browser):
    """``new_context(**options)``: a browser context (Playwright's options), closed after the test, pass or fail."""
    opened = []

    def make(**options):
        context = browser.new_context(**options)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()


@pytest.fixture
def open_tab(new_context):
    """``open_tab(url, width=1280, color_scheme="light", javascript=True)``: (page, report) of ``url`` opened
    offline in a fresh context of that screen and theme (see support.browser.open_page); closed after the test."""

    def open_(url: str, **screen):
        return open_page(new_context(**context_options(**screen)), url)

    return open_
