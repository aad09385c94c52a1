"""Screenshot every page of the built book, and every figure, at phone and desktop widths, light and dark.

Usage: .venv/bin/python scripts/screenshots.py [OUT_DIR]   (default: shots/)
Each figure is shot twice: as its static picture (`...-fig2-static.png`) and once the
mouse has made it interactive (`...-fig2-live.png`); the two should match.
Looking at what the book shows is part of reviewing a change; CI does not run this.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from support import toc_pages  # noqa: E402
from support.browser import CHROMIUM_ARGS, QuietHandler  # noqa: E402

SIZES = {"phone": (390, 844), "desktop": (1366, 900)}


def shoot_figures(page, prefix: Path) -> None:
    """Each figure of the page as its static picture, then live (the mouse over it)."""
    figures = page.locator(".mdma-figure")
    for index in range(figures.count()):
        figure = figures.nth(index)
        figure.scroll_into_view_if_needed()
        page.wait_for_load_state("networkidle")
        figure.screenshot(path=f"{prefix}-fig{index}-static.png")
        figure.hover()
        page.wait_for_function(
            "i => document.querySelectorAll('.mdma-figure')[i].classList.contains('mdma-is-live')", arg=index
        )
        page.mouse.move(0, 0)  # no hover label in the picture
        page.wait_for_timeout(200)
        figure.screenshot(path=f"{prefix}-fig{index}-live.png")


def main(out: Path) -> None:
    out.mkdir(exist_ok=True)
    handler = functools.partial(QuietHandler, directory=str(ROOT / "_build" / "html"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for page_path in toc_pages():
            for size, (width, height) in SIZES.items():
                for scheme in ("light", "dark"):
                    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
                    page = context.new_page()
                    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
                    page.goto(f"{base}/{page_path}", wait_until="networkidle")
                    page.wait_for_timeout(300)
                    name = f"{Path(page_path).stem}-{size}-{scheme}"
                    page.screenshot(path=str(out / f"{name}.png"), full_page=True)
                    shoot_figures(page, out / name)
                    context.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "shots")
