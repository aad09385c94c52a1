"""Measure the book: build times, page weight on first visit, Lighthouse scores.

Run with `make bench`; results go to bench/results.md and bench/results.json.
These are measurements to record and compare, not pass/fail tests. The pages are every page
`_toc.yml` lists (``mdma_book.site.build.toc_pages``), so a new chapter is measured the day it is added.
`python scripts/bench.py --skip-build-times` measures the built site as it is, without rebuilding
it (for a quick re-measure); `--pages 03-evidence` measures only the pages whose path contains it.

- Build times: cold (no _build), warm with no change, and after editing one chapter's text,
  each through the book's one build command (``mdma_book.site.build``, as `make book`, without the PDF),
  and every chapter executed one after another, which the cold build is compared with.
- Page weight: every page of the book loaded in Debian's chromium with an empty cache;
  bytes of every response, raw and gzip-compressed (as a static host serves them), on the
  first visit and again after the mouse reaches the first figure (which fetches plotly.js).
- Lighthouse 12.2.3 (npm, pinned in bench/package.json) with Debian's chromium, desktop and
  mobile presets, performance and accessibility, against the same gzip-serving local server.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

from mdma_book.site import build, execute
from mdma_book.site.build import CHROMIUM, CHROMIUM_ARGS, toc_pages

ROOT = Path(__file__).resolve().parents[1]

BENCH = ROOT / "bench"
HTML = ROOT / "_build" / "html"
EDITED_CHAPTER = ROOT / "book" / "07-conclusion.md"
LIGHTHOUSE = BENCH / "node_modules" / ".bin" / "lighthouse"
#: Lighthouse performance budget per form factor (issue 9); accessibility must be 100.
BUDGET = {"desktop": 98, "mobile": 95}  # mobile raised from 90 by issue 18
#: The measurements from before the static-first figures and the fast page shell.
BEFORE = json.loads((BENCH / "before.json").read_text())


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files gzip-compressed when the client accepts it, as static hosts do.

    The standard library's server never compresses, which would make every page look
    several times heavier than it is when hosted; no maintained stdlib-compatible
    alternative is in the project's dependencies, so the few lines are written here.
    """

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path.split("?", 1)[0]))
        if path.is_dir():
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None


def serve(directory: Path):
    handler = functools.partial(GzipHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def timed_build() -> float:
    start = time.perf_counter()
    build.run(ROOT, check=True)
    return time.perf_counter() - start


def build_times() -> dict[str, float]:
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    times = {"cold": timed_build(), "warm_no_change": timed_build()}
    original = EDITED_CHAPTER.read_text(encoding="utf-8")
    try:
        EDITED_CHAPTER.write_text(original + "\nA sentence added by the benchmark.\n", encoding="utf-8")
        times["after_editing_one_chapter"] = timed_build()
    finally:
        EDITED_CHAPTER.write_text(original, encoding="utf-8")
    timed_build()  # leave _build matching the sources
    times["serial_execution"] = execute.serial_execution_seconds(
        sorted((ROOT / "book").glob("*.md")), build.build_config().execute_timeout
    )
    return times


def _gzip_bytes(responses) -> tuple[int, int]:
    raw = zipped = 0
    for response in responses:
        body = response.body()
        raw += len(body)
        zipped += len(gzip.compress(body, compresslevel=6))
    return raw, zipped


def page_weights(base: str, pages: list[str]) -> dict[str, dict]:
    """Per page: bytes on a first visit (empty cache), and after reaching for its first figure.

    A figure page fetches plotly.js only when a reader reaches for a figure; the
    second measure points the mouse at the first figure, waits until it is
    interactive and records the bytes then, and how long the figure took to
    become interactive (fetching, parsing plotly.js and drawing, on this machine).
    """
    from playwright.sync_api import sync_playwright

    weights = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for page_path in pages:
            context = browser.new_context()
            page = context.new_page()
            responses = []
            page.on("response", lambda response: responses.append(response))
            page.goto(f"{base}/{page_path}", wait_until="networkidle")
            raw, zipped = _gzip_bytes(responses)
            weights[page_path] = {
                "requests": len(responses),
                "bytes": raw,
                "gzip_bytes": zipped,
                "loads_plotly": any("plotly-basic" in r.url for r in responses),
            }
            if page.locator(".mdma-figure").count():
                figure = page.locator(".mdma-figure").first
                figure.scroll_into_view_if_needed()
                page.wait_for_load_state("networkidle")
                start = time.perf_counter()
                figure.hover()
                page.wait_for_function(
                    "() => document.querySelector('.mdma-figure').classList.contains('mdma-is-live')"
                )
                interactive_ms = (time.perf_counter() - start) * 1000
                page.wait_for_load_state("networkidle")
                raw, zipped = _gzip_bytes(responses)
                weights[page_path].update(
                    {
                        "gzip_bytes_after_interaction": zipped,
                        "bytes_after_interaction": raw,
                        "interactive_ms": round(interactive_ms),
                    }
                )
            context.close()
        browser.close()
    return weights


#: Lighthouse scores vary by several points between runs on a busy two-core machine;
#: the report gives the median of this many runs (Lighthouse's own advice).
LIGHTHOUSE_RUNS = 3


def _lighthouse_once(base: str, page_path: str, form: str, run: int) -> dict:
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    out = BENCH / "lighthouse" / f"{Path(page_path).stem}-{form}-{run}.json"
    out.parent.mkdir(exist_ok=True)
    command = [
        str(LIGHTHOUSE),
        f"{base}/{page_path}",
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        "--only-categories=performance,accessibility",
        f"--chrome-flags={flags}",
    ]
    if form == "desktop":
        command.append("--preset=desktop")
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": str(CHROMIUM)})
    return json.loads(out.read_text())


def lighthouse_scores(base: str, pages: list[str], runs: int = LIGHTHOUSE_RUNS) -> dict[str, dict]:
    if not LIGHTHOUSE.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=BENCH, check=True)
    scores = {}
    for page_path in pages:
        scores[page_path] = {}
        for form in ("desktop", "mobile"):
            reports, loads = [], []
            for run in range(runs):
                loads.append(round(os.getloadavg()[0], 1))
                reports.append(_lighthouse_once(base, page_path, form, run))
            median = {
                name: int(statistics.median(round(r["categories"][name]["score"] * 100) for r in reports))
                for name in ("performance", "accessibility")
            }
            median["performance_runs"] = [round(r["categories"]["performance"]["score"] * 100) for r in reports]
            median["load_average"] = loads  # 1-minute load average as each run started
            median["metrics"] = {
                audit: statistics.median(r["audits"][audit]["numericValue"] for r in reports)
                for audit in (
                    "first-contentful-paint",
                    "largest-contentful-paint",
                    "total-blocking-time",
                    "cumulative-layout-shift",
                    "speed-index",
                )
            }
            median["failing_binary_audits"] = sorted(
                {
                    a["id"]
                    for r in reports
                    for a in r["audits"].values()
                    if a.get("scoreDisplayMode") == "binary" and a.get("score") == 0
                }
            )
            scores[page_path][form] = median
    return scores


#: Sections of bench/results.md written by hand below this line are kept when the report is rewritten.
KEPT_BELOW = "<!-- Written by scripts/bench.py above this line; sections below it are kept on a re-run. -->"
#: The first hand-written section, in a results.md from before that line existed.
FIRST_KEPT_SECTION = "## Edit loop (issue 11)"


def _kept_sections() -> str:
    old = (BENCH / "results.md").read_text() if (BENCH / "results.md").exists() else ""
    if KEPT_BELOW in old:
        return old.split(KEPT_BELOW, 1)[1].lstrip("\n")
    return old[old.index(FIRST_KEPT_SECTION) :] if FIRST_KEPT_SECTION in old else ""


def _before(page: str, key: str) -> str:
    value = BEFORE["pages"].get(page, {}).get(key)
    if value is None:
        return "new page"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _ratio(times: dict[str, float]) -> str:
    return (
        f" ({times['cold'] / times['serial_execution']:.2f} times the serial execution)"
        if "serial_execution" in times
        else ""
    )


def pdf_edition_seconds() -> float:
    """Print the PDF edition from the built site again, as `make pdf` does when a page changed."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mdma_book.site.pdf_edition", "--force", str(ROOT)], check=True)
    return time.perf_counter() - start


def write_report(results: dict) -> None:
    kept = _kept_sections()
    (BENCH / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = [
        "# Benchmark results",
        "",
        f"Measured {results['date']} on {results['machine']} with `make bench` (`scripts/bench.py`).",
        f"Conditions: {results['conditions']}",
        "Re-run it after a change that touches the build, the theme or the figures, and commit the new results.",
        "",
        "## Build time (strict build, `-W -n --keep-going`)",
        "",
    ]
    t = results.get("build_seconds")
    if t:
        lines += [
            "| run | seconds |",
            "| --- | ---: |",
            f"| cold: no `_build`, no execution cache | {t['cold']:.1f}{_ratio(t)} |",
            f"| warm: no change | {t['warm_no_change']:.1f} |",
            f"| after editing one chapter's text | {t['after_editing_one_chapter']:.1f} |",
        ]
        if "serial_execution" in t:
            lines.append(
                f"| every chapter executed one after another (jupyter-cache, no build) | {t['serial_execution']:.1f} |"
            )
        lines += ["", "Goals (issue 19): no change at most 3 s; cold at most 1.2 times the serial execution."]
    else:
        lines.append("Not measured in this run (`--skip-build-times`).")
    if "pdf_edition_seconds" in results:
        lines += [
            "",
            "The PDF edition (`python -m mdma_book.site.pdf_edition --force`, which `make pdf` runs when a page it is",
            f"printed from changed; `make book` does not print it): {results['pdf_edition_seconds']:.1f} s.",
        ]
    lines += [
        "",
        "## Page weight (empty cache, gzip)",
        "",
        "First visit: every response until the network is idle. After the first interaction: the mouse",
        "over the page's first figure, until it is interactive (plotly.js fetched, parsed and drawn; the",
        "time is for this machine, without throttling).",
        "",
        "| page | requests | first visit (gzip) | before | after first figure interaction (gzip) | plotly.js on load | hover to interactive |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for page, w in results.get("page_weight", {}).items():
        after = f"{w['gzip_bytes_after_interaction']:,}" if "gzip_bytes_after_interaction" in w else "no figure"
        timing = f"{w['interactive_ms']} ms" if "interactive_ms" in w else ""
        lines.append(
            f"| `{page}` | {w['requests']} | {w['gzip_bytes']:,} | {_before(page, 'gzip_bytes')} | {after} | "
            f"{'yes' if w['loads_plotly'] else 'no'} | {timing} |"
        )
    lines += [
        "",
        "## Lighthouse 12.2.3 (performance / accessibility)",
        "",
        f"Budget, every page: desktop performance at least {BUDGET['desktop']}, mobile at least {BUDGET['mobile']},",
        "accessibility 100. Median of "
        f"{results.get('lighthouse_runs', LIGHTHOUSE_RUNS)} run(s) per page and form factor; the single runs are in brackets, and the",
        "machine's 1-minute load average as each run started (2 cores: above 2, the runs competed for the CPU).",
        "",
        "| page | desktop | before | mobile | before | within budget | load average (mobile runs) | failing audits (desktop) |",
        "| --- | --- | ---: | --- | ---: | --- | --- | --- |",
    ]
    for page, s in results.get("lighthouse", {}).items():
        d, m = s["desktop"], s["mobile"]
        failing = ", ".join(d["failing_binary_audits"]) or "none"
        within = (
            d["performance"] >= BUDGET["desktop"]
            and m["performance"] >= BUDGET["mobile"]
            and d["accessibility"] == m["accessibility"] == 100
        )
        lines.append(
            f"| `{page}` | {d['performance']} / {d['accessibility']} ({', '.join(map(str, d['performance_runs']))}) "
            f"| {_before(page, 'desktop')} "
            f"| {m['performance']} / {m['accessibility']} ({', '.join(map(str, m['performance_runs']))}) "
            f"| {_before(page, 'mobile')} | {'yes' if within else '**no**'} "
            f"| {', '.join(map(str, m.get('load_average', [])))} | {failing} |"
        )
    if results.get("lighthouse"):
        lines += [
            "",
            "Mobile metrics (median of the runs): first and largest contentful paint, total blocking time,",
            "speed index in milliseconds, and cumulative layout shift.",
            "",
            "| page | FCP | LCP | TBT | SI | CLS |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for page, s in results["lighthouse"].items():
            metric = s["mobile"].get("metrics", {})
            if metric:
                lines.append(
                    f"| `{page}` | {metric['first-contentful-paint']:.0f} | {metric['largest-contentful-paint']:.0f} "
                    f"| {metric['total-blocking-time']:.0f} | {metric['speed-index']:.0f} "
                    f"| {metric['cumulative-layout-shift']:.3f} |"
                )
    lines += ["", f"Before: {BEFORE['source']}"]
    lines += [
        "",
        "## How to reproduce",
        "",
        "`make bench` (needs Node 20 and npm for Lighthouse, which it installs from `bench/package.json`,",
        "and Debian's chromium, which `make test` installs). Pages are served gzip-compressed on",
        "127.0.0.1 by the script itself, as a static host would serve them.",
        "",
        KEPT_BELOW,
        "",
    ]
    (BENCH / "results.md").write_text("\n".join(lines) + kept)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-build-times", action="store_true", help="measure the built site as it is")
    parser.add_argument("--pages", help="only the pages whose path contains this text")
    parser.add_argument("--conditions", default="", help="what else the machine was doing, for the report")
    parser.add_argument("--runs", type=int, default=LIGHTHOUSE_RUNS, help="Lighthouse runs per page and form factor")
    args = parser.parse_args()
    pages = [page for page in toc_pages() if not args.pages or args.pages in page]
    load = lambda: ", ".join(f"{x:.1f}" for x in os.getloadavg())  # noqa: E731
    results = {
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_at_start": load(),
    }
    if not args.skip_build_times:
        results["build_seconds"] = build_times()
    if not args.pages:
        results["pdf_edition_seconds"] = pdf_edition_seconds()
    server, base = serve(HTML)
    try:
        results["page_weight"] = page_weights(base, pages)
        results["lighthouse"] = lighthouse_scores(base, pages, args.runs)
        results["lighthouse_runs"] = args.runs
    finally:
        server.shutdown()
    results["conditions"] = (
        f"load average (1, 5, 15 min) {results['load_average_at_start']} at the start and {load()} at the end. "
        + args.conditions
    ).strip()
    write_report(results)
    print((BENCH / "results.md").read_text())


if __name__ == "__main__":
    main()
