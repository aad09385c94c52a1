"""The PDF edition (`make pdf`): every page of the book in one PDF, bookmarked, numbered and linked inside.

The PDF is read back with pypdf; what it should hold is derived from the built site and from
``_toc.yml``, so a page or a figure added to the book is checked the day it is added.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from bs4 import BeautifulSoup
from support.browser import on_paper

from mdma_book.currency import evidence_checked, readable_day
from mdma_book.site.learning import LIVE_SUMMARY
from mdma_book.site.pdf_edition import PAGE_NUMBER, PDF_NAME, toc_entries

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def pdf(built_html: Path):
    from pypdf import PdfReader

    path = built_html / PDF_NAME
    if not path.exists():
        pytest.fail(f"{path} is missing: `make pdf` (which `make test` runs) prints it after the HTML build")
    return PdfReader(path)


def _normal(text: str) -> str:
    """NFKC (the PDF's ligatures become letters), one space between words, lines kept."""
    text = unicodedata.normalize("NFKC", text).replace("\u00a0", " ")
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


@pytest.fixture(scope="module")
def page_texts(pdf) -> list[str]:
    return [_normal(page.extract_text() or "") for page in pdf.pages]


def _page_soup(built_html: Path, docname: str) -> BeautifulSoup:
    return BeautifulSoup((built_html / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")


def _title(soup: BeautifulSoup) -> str:
    heading = soup.select_one("main article h1") or soup.select_one("main h1")
    for extra in heading.select(".headerlink, .section-number"):
        extra.decompose()
    return _normal(heading.get_text()).strip()


def _outline(pdf) -> list[tuple[str, int, str | None]]:
    """(title, page index, title of the parent) of every bookmark, in order."""
    found = []

    def walk(items, parent):
        last = None
        for item in items:
            if isinstance(item, list):
                walk(item, last)  # the children of the bookmark before
            else:
                found.append((item.title, pdf.get_destination_page_number(item), parent))
                last = item.title

    walk(pdf.outline, None)
    return found


def _chapter_bookmarks(pdf) -> list[tuple[str, int]]:
    """The bookmark of each page of the book: at the top level, or below a part's caption."""
    parts = _part_captions()
    front = {"Title page", "Contents"}
    return [
        (title, page)
        for title, page, parent in _outline(pdf)
        if (parent is None and title not in parts | front) or parent in parts
    ]


def _part_captions() -> set[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return {part.get("caption") for part in toc.get("parts", [])}


def test_a_bookmark_per_page_of_the_book_in_reading_order(pdf, built_html):
    entries = toc_entries()
    bookmarks = _chapter_bookmarks(pdf)
    assert len(bookmarks) == len(entries), [title for title, _ in bookmarks]
    pages = [page for _, page in bookmarks]
    assert pages == sorted(pages) and len(set(pages)) == len(pages), "chapters out of order or empty"
    for entry, (title, page) in zip(entries, bookmarks):
        expected = _title(_page_soup(built_html, entry.docname))
        if entry.number:
            expected = f"{entry.number}. {expected}"
        assert _normal(title) == expected, entry.docname
    # The page count is plausible: every chapter has pages of its own, none runs to eighty (the methods
    # appendix, with every search and record in its tables, is the longest: 52 pages on 4 December 2026).
    spans = [b - a for a, b in zip(pages, [*pages[1:], len(pdf.pages)])]
    assert min(spans) >= 1 and max(spans) < 80, spans
    assert pages[0] >= 2, "the title page and the contents come first"


def test_each_bookmark_opens_its_chapter(pdf, page_texts, built_html):
    for entry, (_, page) in zip(toc_entries(), _chapter_bookmarks(pdf)):
        title = _title(_page_soup(built_html, entry.docname))
        assert " ".join(title.split()[:4]) in " ".join(page_texts[page].split()), (entry.docname, page)


def _links(pdf):
    for index, page in enumerate(pdf.pages):
        for annotation in page.get("/Annots", []) or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link":
                yield index, annotation


def _destination_page(pdf, destination) -> int | None:
    if isinstance(destination, str) or hasattr(destination, "startswith"):
        named = pdf.named_destinations.get(str(destination))
        return None if named is None else pdf.get_destination_page_number(named)
    page_ids = [page.indirect_reference.idnum for page in pdf.pages]
    reference = destination[0]
    return page_ids.index(reference.idnum) if getattr(reference, "idnum", None) in page_ids else None


def test_every_link_inside_the_book_lands_on_a_page_of_the_pdf(pdf):
    internal, problems = 0, []
    for index, annotation in _links(pdf):
        action = annotation.get("/A")
        action = action.get_object() if action is not None else None
        if "/Dest" in annotation or (action is not None and action.get("/S") == "/GoTo"):
            destination = annotation["/Dest"] if "/Dest" in annotation else action["/D"]
            if _destination_page(pdf, destination) is None:
                problems.append((index + 1, f"no such place: {destination}"))
            internal += 1
        elif action is not None and action.get("/S") == "/URI":
            url = urlparse(str(action["/URI"]))
            # A link the build left pointing at its local server or a file works on no reader's machine.
            if url.scheme not in ("https", "http", "mailto", "tel", "sms") or url.hostname in (
                "127.0.0.1",
                "localhost",
            ):
                problems.append((index + 1, str(action["/URI"])))
        else:
            problems.append((index + 1, f"a link that goes nowhere: {dict(annotation)}"))
    assert not problems, problems[:20]
    assert internal >= 10 * len(toc_entries()), f"only {internal} links inside the PDF"


def test_the_contents_link_each_chapter_to_its_first_page(pdf):
    contents_page = next(page for title, page, parent in _outline(pdf) if title == "Contents" and parent is None)
    first_chapter_page = _chapter_bookmarks(pdf)[0][1]
    targets = []
    for index, annotation in _links(pdf):
        if contents_page <= index < first_chapter_page and "/Dest" in annotation:
            targets.append(_destination_page(pdf, annotation["/Dest"]))
    assert targets == [page for _, page in _chapter_bookmarks(pdf)]


def test_page_numbers_run_on_without_a_gap(pdf, page_texts):
    total = len(pdf.pages)
    pattern = re.compile(PAGE_NUMBER.format(number=r"(\d+)", total=r"(\d+)"))
    assert not pattern.search(page_texts[0]), "the title page carries no number"
    for index, text in enumerate(page_texts[1:], start=1):
        found = pattern.findall(text)
        assert found == [(str(index + 1), str(total))], f"page {index + 1} reads {found}"


def _svg_labels(svg: Path) -> list[str]:
    """The text a figure's static picture draws: one entry per line of each label."""
    labels = []
    for text in ET.parse(svg).getroot().iter("{http://www.w3.org/2000/svg}text"):
        lines = [t for t in text if t.tag.endswith("tspan") and "line" in t.get("class", "")] or [text]
        for line in lines:
            label = _normal("".join(line.itertext())).strip()
            if sum(ch.isalpha() for ch in label) >= 4:
                labels.append(label)
    return list(dict.fromkeys(labels))


def _figures(built_html: Path):
    for entry in toc_entries():
        soup = _page_soup(built_html, entry.docname)
        for figure in soup.select(".mdma-figure"):
            picture = figure.select_one("picture.mdma-static-light img")
            yield entry.docname, figure.get("id"), (built_html / entry.docname).parent / picture["src"]


def test_every_figure_is_pictured_in_the_pdf(built_html, page_texts):
    """Each figure's picture is on a page: most of the labels it draws, line for line, on one page.

    The pictures are vector drawings, so the PDF holds their text, not an image; a figure table
    holds the same words, but wrapped into its cells, so it does not pass for the picture.
    """
    figures = list(_figures(built_html))
    assert figures, "the book has figures"
    missing = []
    for docname, figure_id, svg in figures:
        labels = _svg_labels(svg)
        assert labels, (docname, figure_id, "a picture without text")
        # A tall picture may run over a page break: its labels are then on two facing pages.
        spans = list(page_texts) + [a + "\n" + b for a, b in zip(page_texts, page_texts[1:], strict=False)]
        best = max(sum(label in text for label in labels) / len(labels) for text in spans)
        if best < 1:  # every label: a picture cut off at a page's foot loses its last boxes
            missing.append((docname, figure_id, f"{best:.0%} of {len(labels)} labels on its best page"))
    assert not missing, missing


def _printed_in_pieces(cell: str, text: str, pieces: int = 3, shortest: int = 6) -> bool:
    """Whether ``cell`` is in ``text`` whole, or in up to ``pieces`` runs of ``shortest`` characters or more.

    A row that a page break splits prints the rest of each cell on the next page, after the page
    number and the other cells' first lines; a clipped column loses a few characters of every line,
    which leaves pieces too short or too many.
    """
    for _ in range(pieces):
        if cell in text:
            return True
        found = len(cell)
        while found and cell[:found] not in text:
            found -= 1
        if found < shortest:
            return False
        cell = cell[found:]
    return False


def test_the_tables_behind_the_figures_are_printed_open(built_html, page_texts):
    """Every number table in a dropdown ("All the numbers in Figure …") is on paper, cell by cell."""
    text = "".join("".join(page.split()) for page in page_texts)
    checked, missing = 0, []
    for entry in toc_entries():
        for details in _page_soup(built_html, entry.docname).select("details"):
            for cell in details.select("table td"):
                words = "".join(_normal(cell.get_text()).split())
                if len(words) < 6 or not re.search(r"\d", words):
                    continue  # short cells, and cells without numbers, repeat in the prose
                checked += 1
                if not _printed_in_pieces(words, text):
                    missing.append((entry.docname, cell.get_text()[:60]))
    assert checked >= 20, f"only {checked} table cells checked"
    assert not missing, missing[:20]


#: Tables in a page's article that run past the right edge of a box around them (clipped on paper).
TABLES_TOO_WIDE = """() => [...document.querySelectorAll("main table")].flatMap((table) => {
  const right = table.getBoundingClientRect().right;
  for (let box = table.parentElement; box && box !== document.body; box = box.parentElement) {
    const style = getComputedStyle(box);
    const edge = box.getBoundingClientRect().right - parseFloat(style.paddingRight) - parseFloat(style.borderRightWidth);
    if (right > edge + 1) { return [`${table.innerText.slice(0, 40)}: ${Math.round(right - edge)} px too wide`]; }
    if (box.matches("main article")) { break; }
  }
  return [];
})"""


@pytest.mark.browser
def test_no_table_is_cut_off_on_paper(browser, site_url):
    """Laid out at the paper's text width and prepared as the PDF edition prints it, no table is cut off.

    Text a box clips is still in the PDF's text, so this is measured in the page before printing.
    """
    too_wide = on_paper(browser, site_url, TABLES_TOO_WIDE)
    assert not any(too_wide.values()), {name: tables for name, tables in too_wide.items() if tables}


def test_the_title_page_gives_the_disclaimer_crisis_help_and_the_date_checked(page_texts):
    title_page = " ".join(page_texts[0].split())
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert " ".join(config["title"].split()) in title_page
    assert "not medical advice" in title_page
    assert "crisis" in title_page and "emergency services" in title_page
    days = sorted(set(evidence_checked()["checked_on"]))  # one day, or the range "between ... and ..."
    assert readable_day(days[0]) in title_page and readable_day(days[-1]) in title_page, days


def test_every_page_of_the_site_links_the_pdf(built_html):
    pages = [built_html / f"{entry.docname}.html" for entry in toc_entries()]
    pages += [built_html / "search.html", built_html / "genindex.html"]
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        links = [a for a in soup.select("a[href]") if a["href"].endswith(PDF_NAME)]
        assert links, f"{page.name} has no link to the PDF edition"
        assert (page.parent / links[0]["href"]).resolve() == (built_html / PDF_NAME).resolve(), page.name


# --- No near-empty page before a table; nothing on paper that only works on screen -----------

#: A page counts as near-empty when its text reaches less than this share of the way down the
#: paper's text area (about twelve lines of body text out of fifty).
NEAR_EMPTY = 0.25


def _text_reach(page) -> float:
    """How far down the text area the page's text reaches (0 = none, 1 = to the bottom margin).

    The page number, stamped in the bottom margin, does not count. pypdf gives each run of text
    its position; chromium draws text unrotated, so the y of the text matrix is the line's baseline.
    """
    height = float(page.mediabox.height)
    top, bottom = height - 16 / 25.4 * 72, 20 / 25.4 * 72  # pdf_edition.PAPER's margins, in points
    baselines = []

    def visit(text, cm, tm, font, size):
        y = tm[5] * cm[3] + cm[5]
        if text.strip() and y > bottom:
            baselines.append(y)

    page.extract_text(visitor_text=visit)
    return (top - min(baselines)) / (top - bottom) if baselines else 0.0


def _table_headers(built_html: Path) -> list[tuple[str, str]]:
    """The first words of the first two header cells of every table in the book."""
    headers = set()
    for entry in toc_entries():
        for row in _page_soup(built_html, entry.docname).select("main table thead tr"):
            cells = [_normal(th.get_text()).split() for th in row.select("th")]
            cells = [cell for cell in cells if cell]
            if len(cells) >= 2:
                headers.add((cells[0][0], cells[1][0]))
    return sorted(headers)


def test_no_page_is_left_near_empty_before_a_table(pdf, page_texts, built_html):
    """No page inside a chapter holds only a few lines and then leaves the rest blank for a table.

    Measured: a page that is not the last of its chapter, whose text reaches less than
    :data:`NEAR_EMPTY` of the way down, followed by a page that opens with a table's header row
    (its first header cell's first word, and the second cell's within the next few words).
    A chapter's last page may be short, and a figure's picture moves whole to the next page.
    """
    headers = _table_headers(built_html)
    assert len(headers) >= 10, headers
    chapter_starts = {page for _, page in _chapter_bookmarks(pdf)}
    near_empty = []
    for index in range(2, len(pdf.pages) - 1):
        if index + 1 in chapter_starts:
            continue
        reach = _text_reach(pdf.pages[index])
        if reach >= NEAR_EMPTY:
            continue
        words = page_texts[index + 1].split()[:12]
        for first, second in headers:
            if words and words[0] == first and second in words[1:]:
                near_empty.append(
                    f"page {index + 1}: text to {reach:.0%} of the page, then a table ({first}, {second} …)"
                )
                break
    assert not near_empty, near_empty


def _control_labels(built_html: Path) -> set[str]:
    """What the book's on-screen-only controls say: each live panel's bar, every button's text.

    Whole labels, as the page shows them ("Run this figure live (optional: needs Python, …)"): the
    prose may name a control, as the educators' page names the live panels.
    """
    labels = set()
    for entry in toc_entries():
        soup = _page_soup(built_html, entry.docname)
        for control in soup.select("details.mdma-live > summary, main button, .bd-header-article button"):
            text = " ".join(_normal(control.get_text()).split())
            if len(text) >= 6:
                labels.add(text)
    assert any(label.startswith(LIVE_SUMMARY) for label in labels), "no live panel found"
    return labels


def test_no_on_screen_control_is_printed(built_html, page_texts):
    """The PDF's text holds no control's label: "Run this figure live", a button's text."""
    text = " ".join(" ".join(page.split()) for page in page_texts)
    printed = sorted(label for label in _control_labels(built_html) if label in text)
    assert not printed, printed


#: Elements only of use on a screen that the print stylesheet still shows (a box on paper).
CONTROLS_ON_PAPER = """() => [...document.querySelectorAll(
  "button, select, input, .sd-summary-state-marker, details.mdma-live, .copybtn, [role=button]")]
  .filter((el) => { const box = el.getBoundingClientRect(); return box.width > 0 && box.height > 0
    && getComputedStyle(el).visibility !== "hidden"; })
  .map((el) => el.outerHTML.slice(0, 90))"""


@pytest.mark.browser
def test_no_interactive_control_is_on_paper(browser, site_url):
    """Laid out for print as the PDF edition prints it, no button, chevron, box or live-panel bar shows."""
    shown = on_paper(browser, site_url, CONTROLS_ON_PAPER)
    assert not any(shown.values()), {name: found[:5] for name, found in shown.items() if found}


#: Each printed table row that may split across two pages, and how many rows the tables behind figures have.
ROWS_THAT_MAY_BREAK = """() => ({
  breaking: [...document.querySelectorAll('main article table tr')]
    .filter(row => getComputedStyle(row).breakInside !== 'avoid').map(row => row.innerText.slice(0, 40)),
  figure_rows: document.querySelectorAll('main article details.sd-dropdown table tr').length,
})"""


@pytest.mark.browser
def test_no_table_row_breaks_across_pages(browser, site_url):
    """A row of the evidence chapter's "All the numbers" tables split across two pages of the PDF:
    printed, a table breaks only between rows, on every page."""
    found = on_paper(browser, site_url, ROWS_THAT_MAY_BREAK)
    assert found["book/03-evidence"]["figure_rows"] > 10, "no table behind a figure on the evidence chapter"
    breaking = {name: rows["breaking"][:5] for name, rows in found.items() if rows["breaking"]}
    assert breaking == {}, breaking
