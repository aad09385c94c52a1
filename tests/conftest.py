"""Shared fixtures: the repository paths, the built book served on 127.0.0.1, a browser."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
# Debian's chromium and its flags, and the book's pages, as the build and the scripts define them.
from mdma_book.site.build import CHROMIUM, CHROMIUM_ARGS, toc_pages  # noqa: E402,F401


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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_url(built_html: Path):
    """Serve the built book on a free port of 127.0.0.1 for the whole session."""
    handler = functools.partial(_QuietHandler, directory=str(built_html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


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


def open_page(browser, url: str, width: int = 1280, color_scheme: str = "light", javascript: bool = True):
    """Open ``url`` with every off-machine request blocked; return (page, report).

    Figures are not touched: they show their static pictures until a test
    reaches for one (see :func:`live_figure`).
    """
    context = browser.new_context(
        viewport={"width": width, "height": 900}, color_scheme=color_scheme, java_script_enabled=javascript
    )
    page = context.new_page()
    report = {"console_errors": [], "page_errors": [], "external": [], "failed": [], "requested": []}

    def route(route):
        request_url = route.request.url
        if request_url.startswith(("http://127.0.0.1", "data:", "blob:")):
            report["requested"].append(request_url)
            route.continue_()
        else:
            report["external"].append(request_url)
            route.abort()

    page.route("**/*", route)
    page.on("console", lambda msg: msg.type == "error" and report["console_errors"].append(msg.text))
    page.on("pageerror", lambda error: report["page_errors"].append(str(error)))
    page.on("response", lambda response: response.status >= 400 and report["failed"].append(response.url))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, report


FIGURE = ".mdma-figure"
#: The live plotly div of the page's i-th figure (null until the figure is live).
PLOT_DIV = "i => document.querySelectorAll('.mdma-figure')[i].querySelector('.mdma-plotly')"


def live_figure(page, index: int):
    """Reach for the page's ``index``-th figure with the mouse, as a reader would, and wait until it is interactive."""
    figure = page.locator(FIGURE).nth(index)
    figure.scroll_into_view_if_needed()
    figure.hover()
    page.wait_for_function(
        "i => document.querySelectorAll('.mdma-figure')[i].classList.contains('mdma-is-live')", arg=index
    )
    return figure


def copy_book(target: Path) -> Path:
    """Copy the book's sources, data and bibliography to ``target`` (built output left out)."""
    import shutil

    shutil.copytree(ROOT / "book", target / "book", ignore=shutil.ignore_patterns("_data"))
    shutil.copytree(ROOT / "data", target / "data")
    for name in ("_config.yml", "_toc.yml", "references.bib", "CITATION.cff"):
        shutil.copy(ROOT / name, target / name)
    return target


def build_copy(book: Path):
    """Build a copy strictly, with the package reading the copy's data and bibliography (the book's one build command)."""
    from mdma_book.site import build

    return build.run(book)
