"""The PDF edition: the whole book in one PDF, printed from the built site by Debian's chromium.

``python -m mdma_book.site.build --pdf`` (``make pdf``) prints it after the HTML build, and
``python -m mdma_book.site.pdf_edition --force [BOOK]`` prints it on its own. It prints every
page that the book's ``_toc.yml`` lists (the book's folder is passed through, so a copy of the
book is printed from the copy's own ``_toc.yml`` and ``_config.yml``), in its order, with the book's own print stylesheet: Playwright
drives ``/usr/bin/chromium`` (never a downloaded browser; the theme's ``pdfhtml`` builder
would download one), :data:`PRINT_TABS` pages at a time. pypdf then merges the pages behind a title page and a contents page and:

* numbers every page after the title page continuously ("Page 12 of 140"), stamped from a
  page of numbers that chromium prints, so the numbers are real text;
* adds a bookmark per part and chapter, with the chapter's sections beneath it;
* turns every link between the book's pages, and every link within a page, into a link to
  its place in the PDF (chromium writes them as web addresses of the local server, or as
  destinations named after the page's element ids, which clash between pages);
* links anything else of the site's (a CSV download, a notebook) to the published site.

Before printing, every ``<details>`` that holds a table is opened, so the tables behind the
figures are on paper, a table wider than the paper is scaled to fit, and every picture is loaded.
The title page carries the book's disclaimer and crisis help as the chapters print them, and the
dates the evidence was last checked (``data/evidence_checked.csv``). The PDF is written to the
site's root (:data:`PDF_NAME`), and every page of the site links to it from its header
(``mdma_book.site.extension``).
"""

from __future__ import annotations

import argparse
import html
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml

from mdma_book.paths import REPO_ROOT, data_dir
from mdma_book.site.build import CHROMIUM, CHROMIUM_ARGS, PDF_NAME, inputs_digest, serve

#: Paper and margins of every printed page; the page number sits in the bottom margin.
PAPER = {"format": "A4", "margin": {"top": "16mm", "bottom": "20mm", "left": "16mm", "right": "16mm"}}
#: The width of the paper's text in CSS pixels (210 mm less both margins, 96 px to the inch).
TEXT_WIDTH_PX = round((210 - 16 - 16) / 25.4 * 96)
#: What the page-number stamp says; the test reads it back.
PAGE_NUMBER = "Page {number} of {total}"


@dataclass
class TocEntry:
    """A page of the book as ``_toc.yml`` lists it."""

    docname: str
    part: str | None
    number: int | None  # chapter number in a numbered part


@dataclass
class PrintedPage:
    """A page printed on its own: its title, sections and where each element id landed."""

    entry: TocEntry
    title: str
    sections: list[tuple[str, str]]  # (id, title) of its h2 sections
    pdf: Path
    destinations: dict[str, tuple[int, float]] = field(default_factory=dict)  # id -> (page in its PDF, top)
    pages: int = 0
    first_page: int = 0  # index in the whole PDF

    @property
    def label(self) -> str:
        return f"{self.entry.number}. {self.title}" if self.entry.number else self.title


def toc_entries(book: Path = REPO_ROOT) -> list[TocEntry]:
    """Every page of the book in ``book`` (its ``_toc.yml``) in reading order, with its part and chapter number."""
    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    entries = [TocEntry(toc["root"], None, None)]
    for part in toc.get("parts", []):
        for number, chapter in enumerate(part["chapters"], start=1):
            entries.append(TocEntry(chapter["file"], part.get("caption"), number if part.get("numbered") else None))
    return entries


def printed_from(html_dir: Path, entries: list[TocEntry], book: Path) -> list[Path]:
    """What the PDF is printed from: the pages, the site's stylesheets and pictures, this module, the dates, ``_config.yml``.

    The build's one digest (:func:`~mdma_book.site.build.inputs_digest`) of these decides when it is printed again.
    """
    files = [html_dir / f"{entry.docname}.html" for entry in entries]
    for folder in ("_static", "_images"):
        files += sorted(
            p for p in (html_dir / folder).rglob("*") if p.is_file() and p.suffix in {".css", ".svg", ".png"}
        )
    return [*files, Path(__file__), data_dir() / "evidence_checked.csv", book / "_config.yml"]


# --- printing with chromium ---------------------------------------------------------

#: Run in each page before it is printed; returns its title, sections and element ids.
#: Hand-written: what to open and where links point is the book's own business.
PREPARE_PAGE = """async (site) => {
  // The tables behind the figures, in dropdowns, print open; the other dropdowns (a live panel's
  // code, which needs a kernel) stay as the print stylesheet shows them.
  document.querySelectorAll("details").forEach((d) => { if (d.querySelector("table")) { d.open = true; } });
  document.querySelectorAll("img").forEach((img) => { img.loading = "eager"; });
  await Promise.all([...document.images].map((img) => img.decode().catch(() => null)));
  // A table wider than the paper (the viewport is the paper's text width) is scaled to fit:
  // paper cannot scroll, and every column, the sources too, belongs on it.
  for (const table of document.querySelectorAll("main table")) {
    let right = Infinity;
    for (let box = table.parentElement; box && box !== document.body; box = box.parentElement) {
      const style = getComputedStyle(box);
      right = Math.min(right, box.getBoundingClientRect().right - parseFloat(style.paddingRight) - parseFloat(style.borderRightWidth));
      if (box.matches("main article")) { break; }
    }
    const room = right - table.getBoundingClientRect().left;
    // Zooming rewraps the cells, so measure again until the table fits.
    for (let tries = 0; tries < 8 && room > 0 && table.getBoundingClientRect().right > right; tries++) {
      const zoom = parseFloat(table.style.zoom || "1") * Math.min(0.98, room / table.getBoundingClientRect().width);
      table.style.zoom = zoom.toFixed(3);
    }
  }
  const bookPages = new Set(site.pages);
  for (const a of document.querySelectorAll("a[href]")) {
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin) { continue; }
    const path = url.pathname.replace(/^\\//, "");
    if (path === location.pathname.replace(/^\\//, "") && url.hash) {
      a.setAttribute("href", url.hash);  // chromium names the destination after the id
    } else if (!bookPages.has(path)) {
      a.setAttribute("href", site.published + path + url.hash);  // a download: the published site's copy
    }
  }
  // Chromium writes a named destination only for an id that a link in the same page points to:
  // a hidden link to every id gives every place in the page a destination, for the other pages' links.
  const main = document.querySelector("main") || document.body;
  const ids = [...main.querySelectorAll("[id]")].map((el) => el.id).filter((id) => id);
  const box = document.createElement("div");
  box.style.display = "none";
  for (const id of ids) { const a = document.createElement("a"); a.href = "#" + id; box.append(a); }
  document.body.append(box);
  const h1 = main.querySelector("article h1") || main.querySelector("h1");
  const text = (el) => [...el.childNodes].filter((n) => !(n.classList && n.classList.contains("headerlink")))
    .map((n) => n.textContent).join("").replace(/\\s+/g, " ").trim();
  const sections = [...main.querySelectorAll("section > h2")]
    .filter((h) => h.parentElement.id).map((h) => [h.parentElement.id, text(h)]);
  const title = h1 ? text(h1).replace(h1.querySelector(".section-number")?.textContent.trim() || "\u0000", "").trim() : document.title;
  return { title, sections };
}"""

#: The disclaimer with the crisis help, as the first chapter prints it.
FIND_DISCLAIMER = """() => {
  const box = [...document.querySelectorAll("main .admonition")]
    .find((el) => /crisis/i.test(el.textContent) && /medical advice/i.test(el.textContent));
  if (!box) { return null; }
  const copy = box.cloneNode(true);
  copy.querySelectorAll("a").forEach((a) => a.replaceWith(...a.childNodes));  // its links point into pages
  return copy.outerHTML;
}"""


def _front_matter_css(site_css: list[str]) -> str:
    links = "".join(f'<link rel="stylesheet" href="{html.escape(href)}">' for href in site_css)
    return (
        links + "<style>body{font-family:system-ui,sans-serif;line-height:1.5;color:#222;background:#fff}"
        "h1{font-size:24pt;line-height:1.2;margin:12mm 0 5mm}"
        # The disclaimer carries the crisis lines by country: a smaller type keeps the title page to one sheet.
        ".admonition{font-size:9.5pt;line-height:1.4}.admonition ul{margin:1mm 0}"
        ".mdma-pdf-contents h1{margin-top:0}"
        ".mdma-pdf-contents ol{list-style:none;padding:0}.mdma-pdf-contents li{display:flex;gap:4mm;margin:1.5mm 0}"
        ".mdma-pdf-contents li a{color:#222;text-decoration:none}.mdma-pdf-contents .fill{flex:1;"
        "border-bottom:1px dotted #888;margin-bottom:1.2mm}.mdma-pdf-contents h2{font-size:13pt;margin:6mm 0 2mm}"
        ".mdma-pdf-meta{font-size:11pt}.mdma-pdf-meta dt{font-weight:bold}.mdma-pdf-meta dd{margin:0 0 3mm}</style>"
    )


def _title_page(config: dict, site: str, dates: list[tuple[str, str]], disclaimer: str, css: str) -> str:
    from mdma_book.currency import readable_day

    days = sorted({day for _, day in dates})
    if len(days) == 1:
        checked = f"{readable_day(days[0])}, for every chapter that states evidence (the date is under each title)"
    else:
        checked = (
            f"between {readable_day(days[0])} and {readable_day(days[-1])}; each chapter gives its date under its title"
        )
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>{css}</head><body>"
        f"<h1>{html.escape(config['title'])}</h1>"
        "<dl class='mdma-pdf-meta'>"
        f"<dt>Authors</dt><dd>{html.escape(config.get('author', ''))}</dd>"
        f"<dt>Evidence last checked</dt><dd>{html.escape(checked)}</dd>"
        f"<dt>Web edition</dt><dd><a href='{html.escape(site)}'>{html.escape(site)}</a>: the same text, with the "
        "figures interactive and the chapters runnable as notebooks. This PDF is printed from it.</dd>"
        "</dl>"
        f"{disclaimer}</body></html>"
    )


def _contents_page(printed: list[PrintedPage], base: str, css: str) -> str:
    rows, part = [], object()
    for page in printed:
        if page.entry.part != part:
            part = page.entry.part
            if part:
                rows.append(f"</ol><h2>{html.escape(part)}</h2><ol>")
        rows.append(
            f"<li><a href='{base}{page.entry.docname}.html'>{html.escape(page.label)}</a>"
            f"<span class='fill'></span><span>{page.first_page + 1}</span></li>"
        )
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>{css}</head>"
        f"<body class='mdma-pdf-contents'><h1>Contents</h1><ol>{''.join(rows)}</ol></body></html>"
    )


def _number_stamps(total: int) -> str:
    pages = "".join(
        f"<div class='p'><span>{PAGE_NUMBER.format(number=n, total=total)}</span></div>" for n in range(1, total + 1)
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><style>@page{size:A4;margin:0}body{margin:0}"
        ".p{height:297mm;position:relative;break-after:page;font:9pt system-ui,sans-serif;color:#444}"
        ".p span{position:absolute;bottom:9mm;left:0;right:0;text-align:center}</style></head>"
        f"<body>{pages}</body></html>"
    )


async def _print_html(page, markup: str, path: Path, base: str, **options) -> Path:
    await page.goto(base + "genindex.html")  # any page of the site, so that relative and same-origin URLs resolve
    await page.set_content(markup, wait_until="load")
    await page.pdf(path=str(path), print_background=True, **{**PAPER, **options})
    return path


#: Pages printed at once, each in a tab of its own: chromium lays out and prints one page while the
#: other waits on its pictures or on writing its PDF (2 cores).
PRINT_TABS = 2


async def _paper_tab(browser):
    """A tab laid out as the paper prints: as wide as the paper's text (A4 less the margins), print media, light."""
    page = await browser.new_page(color_scheme="light", viewport={"width": TEXT_WIDTH_PX, "height": 1000})
    await page.emulate_media(media="print", color_scheme="light")
    return page


@dataclass
class _Printed:
    """One page of the book printed on its own, with what the title page may take from it."""

    page: PrintedPage
    disclaimer: str | None = None  # the disclaimer with the crisis help, if the page is a chapter that prints it
    css: list[str] = field(default_factory=list)  # the chapter's stylesheets, for the front matter


async def _print_page(page, base: str, entry: TocEntry, site_info: dict, path: Path) -> _Printed:
    await page.goto(f"{base}{entry.docname}.html", wait_until="load")
    about = await page.evaluate(PREPARE_PAGE, site_info)
    printed = _Printed(PrintedPage(entry, about["title"], [tuple(s) for s in about["sections"]], path))
    if entry.number:
        printed.disclaimer = await page.evaluate(FIND_DISCLAIMER)
        printed.css = await page.evaluate(
            "() => [...document.querySelectorAll('link[rel=stylesheet]')].map((l) => l.href)"
        )
    await page.pdf(path=str(path), print_background=True, **PAPER)
    return printed


async def _print_pages(browser, base: str, entries: list[TocEntry], site_info: dict, work: Path) -> list[_Printed]:
    """Print every page of the book on its own, :data:`PRINT_TABS` at a time; in reading order."""
    import asyncio

    results: list[_Printed | None] = [None] * len(entries)
    waiting = list(enumerate(entries))

    async def tab() -> None:
        page = await _paper_tab(browser)
        while waiting:
            index, entry = waiting.pop(0)
            results[index] = await _print_page(page, base, entry, site_info, work / f"{index:02d}.pdf")
        await page.close()

    await asyncio.gather(*(tab() for _ in range(min(PRINT_TABS, len(entries)))))
    return results


def _front_matter_sources(pages: list[_Printed]) -> tuple[str, list[str]]:
    """The disclaimer and stylesheets of the first chapter that prints the disclaimer (in reading order)."""
    chapters = [p for p in pages if p.page.entry.number]
    found = next((p for p in chapters if p.disclaimer is not None), None)
    if found is None:
        raise RuntimeError("no chapter prints a disclaimer with crisis help: the PDF's title page needs one")
    return found.disclaimer, found.css


async def _print_front_matter(page, printed: list[PrintedPage], front: dict, base: str, work: Path):
    """Print the title page, the contents (setting each page's first page number) and the page numbers."""
    from pypdf import PdfReader

    title = await _print_html(page, front["title"], work / "title.pdf", base)
    if len(PdfReader(title).pages) != 1:
        raise RuntimeError("the PDF's title page does not fit on one page")
    # The contents give each chapter's first page, which depends on the contents' own length.
    contents_pages = 1
    while True:
        start = 1 + contents_pages
        for p in printed:
            p.first_page, start = start, start + p.pages
        contents = await _print_html(page, _contents_page(printed, base, front["style"]), work / "contents.pdf", base)
        if len(PdfReader(contents).pages) == contents_pages:
            break
        contents_pages = len(PdfReader(contents).pages)
    stamps = await _print_html(page, _number_stamps(start), work / "numbers.pdf", base, margin={})
    return title, contents, stamps, start


async def _print_all(entries: list[TocEntry], base: str, config: dict, site: str, dates, work: Path):
    """Print every part of the PDF with chromium; return (title, contents, number stamps, printed pages, total)."""
    from playwright.async_api import async_playwright
    from pypdf import PdfReader

    site_info = {"pages": [f"{e.docname}.html" for e in entries], "published": site}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        pages = await _print_pages(browser, base, entries, site_info, work)
        printed = [p.page for p in pages]
        for p in printed:
            p.pages = len(PdfReader(p.pdf).pages)
        disclaimer, css = _front_matter_sources(pages)
        style = _front_matter_css(css)
        front = {"title": _title_page(config, site, dates, disclaimer, style), "style": style}
        page = await _paper_tab(browser)
        title, contents, stamps, total = await _print_front_matter(page, printed, front, base, work)
        await browser.close()
    return title, contents, stamps, printed, total


# --- merging with pypdf -------------------------------------------------------------


def _named_destinations(reader) -> dict[str, tuple[int, float]]:
    found = {}
    for name, destination in reader.named_destinations.items():
        try:
            index = reader.get_destination_page_number(destination)
        except Exception:  # a destination on no page: nothing to link to
            continue
        top = destination.top if destination.top is not None else 0
        found[str(name).lstrip("/")] = (index, float(top))
    return found


def _destination(writer, printed: PrintedPage, fragment: str):
    """An explicit destination in the merged PDF for ``fragment`` of ``printed`` (its first page if empty); None if unknown."""
    from pypdf.generic import ArrayObject, FloatObject, NameObject, NullObject

    if not fragment:
        index, top = printed.first_page, None
    elif fragment in printed.destinations:
        local, top = printed.destinations[fragment]
        index = printed.first_page + local
    else:
        return None
    return ArrayObject(
        [
            writer.pages[index].indirect_reference,
            NameObject("/XYZ"),
            NullObject(),
            NullObject() if top is None else FloatObject(top),
            NullObject(),
        ]
    )


@dataclass
class _Links:
    """What the links of the merged PDF point to, and what became of them."""

    writer: object
    base: str  # the local server's address the pages were printed from
    site: str  # the published site
    owner_of_page: list[PrintedPage | None]  # the printed page each PDF page comes from (None: front matter)
    by_docname: dict[str, PrintedPage]
    report: dict = field(default_factory=lambda: {"internal": 0, "to_site": 0, "unresolved": []})

    def target(self, index: int, annotation):
        """The destination a link annotation on PDF page ``index`` should have, or None to leave it be.

        A link to a page of the site that the PDF leaves out is pointed at the published site here;
        a link to no known place is recorded as unresolved.
        """
        from pypdf.generic import NameObject, TextStringObject

        action = annotation.get("/A")
        action = action.get_object() if action is not None else None
        if action is not None and action.get("/S") == "/URI" and str(action["/URI"]).startswith(self.base):
            url = urlparse(str(action["/URI"]))
            path = unquote(url.path).lstrip("/")
            docname = path[: -len(".html")] if path.endswith(".html") else path
            if docname not in self.by_docname:  # a page the PDF leaves out (search, index): the published one
                action[NameObject("/URI")] = TextStringObject(
                    self.site + path + (f"#{url.fragment}" if url.fragment else "")
                )
                self.report["to_site"] += 1
                return None
            label = f"{docname}#{url.fragment}"
            target = _destination(self.writer, self.by_docname[docname], url.fragment)
        elif "/Dest" in annotation or (action is not None and action.get("/S") == "/GoTo"):
            name = annotation.get("/Dest") if "/Dest" in annotation else action.get("/D")
            if isinstance(name, list):
                return None  # already an explicit destination
            owner = self.owner_of_page[index]
            label = f"{owner.entry.docname if owner else 'front matter'}#{name}"
            target = _destination(self.writer, owner, str(name).lstrip("/")) if owner is not None else None
        else:
            return None
        if target is None:
            self.report["unresolved"].append(label)
        return target

    def rewrite(self) -> dict:
        """Point every link between and within the book's pages at its place in the merged PDF; return the report."""
        from pypdf.generic import NameObject

        for index, pdf_page in enumerate(self.writer.pages):
            for annotation in pdf_page.get("/Annots", []) or []:
                annotation = annotation.get_object()
                if annotation.get("/Subtype") != "/Link":
                    continue
                target = self.target(index, annotation)
                if target is None:
                    continue
                for key in ("/A", "/Dest"):
                    if key in annotation:
                        del annotation[key]
                annotation[NameObject("/Dest")] = target
                self.report["internal"] += 1
        return self.report


def _add_bookmarks(writer, parts: list[tuple[Path, PrintedPage | None]]) -> None:
    """Bookmarks: the front matter, then each part with its chapters and their sections."""
    writer.add_outline_item(title="Title page", page_number=0)
    first = next(p for _, p in parts if p is not None)
    writer.add_outline_item(title="Contents", page_number=1 if first.first_page > 1 else 0)
    parents: dict[str | None, object] = {None: None}
    for _, printed in parts:
        if printed is None:
            continue
        part = printed.entry.part
        if part not in parents:
            parents[part] = writer.add_outline_item(title=part, page_number=printed.first_page)
        chapter = writer.add_outline_item(title=printed.label, page_number=printed.first_page, parent=parents[part])
        for section_id, section_title in printed.sections:
            target = printed.destinations.get(section_id)
            if target:
                writer.add_outline_item(title=section_title, page_number=printed.first_page + target[0], parent=chapter)


def _merge(parts: list[tuple[Path, PrintedPage | None]], base: str, site: str, out: Path, config: dict) -> dict:
    """Merge the printed parts into ``out``; return what became of the links."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    owner_of_page: list[PrintedPage | None] = []
    for path, printed in parts:
        reader = PdfReader(path)
        if printed is not None:
            printed.destinations = _named_destinations(reader)
        for pdf_page in reader.pages:
            writer.add_page(pdf_page)
            owner_of_page.append(printed)
    by_docname = {p.entry.docname: p for _, p in parts if p is not None}
    report = _Links(writer, base, site, owner_of_page, by_docname).rewrite()
    _add_bookmarks(writer, parts)
    writer.page_mode = "/UseOutlines"
    writer.add_metadata({"/Title": config["title"], "/Author": config.get("author", ""), "/Subject": "PDF edition"})
    writer.compress_identical_objects()
    with out.open("wb") as handle:
        writer.write(handle)
    return report


def _stamp_numbers(out: Path, stamps: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=out)
    numbers = PdfReader(stamps)
    for index in range(1, len(writer.pages)):  # the title page carries no number
        writer.pages[index].merge_page(numbers.pages[index])
    with out.open("wb") as handle:
        writer.write(handle)


def build(html_dir: Path, out: Path | None = None, book: Path = REPO_ROOT) -> dict:
    """Print the book in ``html_dir`` into one PDF (default ``html_dir/PDF_NAME``); return a summary.

    ``book``: the folder whose ``_toc.yml`` and ``_config.yml`` the site was built from.
    """
    import asyncio

    from mdma_book.currency import evidence_checked
    from mdma_book.site.extension import site_url

    out = out or html_dir / PDF_NAME
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    site = site_url(config["repository"]["url"])
    entries = toc_entries(book)
    dated = {row.page: row.checked_on for row in evidence_checked().itertuples()}
    dates = [(e.docname, dated[e.docname]) for e in entries if e.docname in dated]
    server, base = serve(html_dir)
    work = Path(tempfile.mkdtemp(prefix="pdf-", dir=out.parent))
    try:
        title, contents, stamps, printed, total = asyncio.run(_print_all(entries, base, config, site, dates, work))
        parts = [(title, None), (contents, None), *[(p.pdf, p) for p in printed]]
        report = _merge(parts, base, site, out, config)
        _stamp_numbers(out, stamps)
    finally:
        server.shutdown()
        for leftover in work.iterdir():
            leftover.unlink()
        work.rmdir()
    return {"pages": total, "chapters": len(printed), **report}


def drop_if_stale(html_dir: Path, book: Path = REPO_ROOT) -> None:
    """Remove a PDF edition printed from pages that have since changed (`make book` does not reprint it; `make pdf` does)."""
    stamp = html_dir.parent / ".pdf-inputs-hash"
    if not (html_dir / PDF_NAME).exists():
        return
    if not stamp.exists() or stamp.read_text() != inputs_digest(printed_from(html_dir, toc_entries(book), book), book):
        (html_dir / PDF_NAME).unlink()
        stamp.unlink(missing_ok=True)
        print(f"{PDF_NAME}: removed, its pages changed (`make pdf` prints it again)")


def print_if_changed(html_dir: Path, book: Path = REPO_ROOT, force: bool = False) -> None:
    """Print the PDF edition of ``book``'s site in ``html_dir``, unless nothing it is printed from changed (or ``force``)."""
    stamp = html_dir.parent / ".pdf-inputs-hash"
    digest = inputs_digest(printed_from(html_dir, toc_entries(book), book), book)
    if not force and (html_dir / PDF_NAME).exists() and stamp.exists() and stamp.read_text() == digest:
        print(f"{PDF_NAME}: unchanged")
        return
    import time

    start = time.perf_counter()
    summary = build(html_dir, book=book)
    stamp.write_text(digest)
    print(
        f"{PDF_NAME}: {summary['pages']} pages, {summary['chapters']} chapters, {summary['internal']} internal links, "
        f"in {time.perf_counter() - start:.0f} s"
    )
    if summary["unresolved"]:
        raise SystemExit(f"{PDF_NAME}: links to no place in the PDF: {summary['unresolved']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("book", type=Path, nargs="?", default=REPO_ROOT, help="the book's folder (default: this one)")
    parser.add_argument("--force", action="store_true", help="print even if nothing it is printed from changed")
    args = parser.parse_args()
    print_if_changed(args.book / "_build" / "html", args.book, force=args.force)


if __name__ == "__main__":
    main()
