"""Driving the built book in Debian's chromium: launch flags, a local server, an offline page, live figures.

The fixtures that hold these (a session browser, per-test contexts closed pass or fail) are in
tests/conftest.py; these are the plain functions behind them.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

# Debian's chromium and its flags: one definition, in the package (the PDF edition and scripts use it too).
from mdma_book.site.build import CHROMIUM, CHROMIUM_ARGS  # noqa: F401 (re-exported for the tests)

#: What a page of the book may load: the local server and in-page data.
LOCAL = ("http://127.0.0.1", "data:", "blob:")

FIGURE = ".mdma-figure"
#: The live plotly div of the page's i-th figure (null until the figure is live).
PLOT_DIV = "i => document.querySelectorAll('.mdma-figure')[i].querySelector('.mdma-plotly')"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without a log line per request."""

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on a free port of 127.0.0.1 from a thread; yield the base URL."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def context_options(width: int = 1280, color_scheme: str = "light", javascript: bool = True) -> dict:
    """Playwright's ``new_context`` options for a screen ``width`` px wide, 900 px high."""
    return {
        "viewport": {"width": width, "height": 900},
        "color_scheme": color_scheme,
        "java_script_enabled": javascript,
    }


def open_page(context, url: str):
    """Open ``url`` in a new tab of ``context`` with every off-machine request blocked; return (page, report).

    Figures are not touched: they show their static pictures until a test
    reaches for one (see :func:`live_figure`).
    """
    page = context.new_page()
    report = {"console_errors": [], "page_errors": [], "external": [], "failed": [], "requested": []}

    def route(route):
        request_url = route.request.url
        if request_url.startswith(LOCAL):
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


def wait_until_live(page, index: int) -> None:
    """Wait until the page's ``index``-th figure is interactive."""
    page.wait_for_function(
        "i => document.querySelectorAll('.mdma-figure')[i].classList.contains('mdma-is-live')", arg=index
    )


def live_figure(page, index: int):
    """Reach for the page's ``index``-th figure with the mouse, as a reader would, and wait until it is interactive."""
    figure = page.locator(FIGURE).nth(index)
    figure.scroll_into_view_if_needed()
    figure.hover()
    wait_until_live(page, index)
    return figure


def on_paper(browser, site_url: str, script: str) -> dict[str, object]:
    """``script``'s result in every page of the book, each laid out and prepared as the PDF edition prints it.

    The viewport is the paper's text width, the media print, and the edition's own preparation
    (open tables, eager pictures, fitted tables, rewritten links) has run first.
    """
    from mdma_book.site.pdf_edition import PREPARE_PAGE, TEXT_WIDTH_PX, toc_entries

    context = browser.new_context(viewport={"width": TEXT_WIDTH_PX, "height": 1000})
    try:
        page = context.new_page()
        page.emulate_media(media="print", color_scheme="light")
        site = {"pages": [f"{e.docname}.html" for e in toc_entries()], "published": "https://example.invalid/"}
        found = {}
        for entry in toc_entries():
            page.goto(f"{site_url}/{entry.docname}.html", wait_until="load")
            page.evaluate(PREPARE_PAGE, site)
            found[entry.docname] = page.evaluate(script)
        return found
    finally:
        context.close()
