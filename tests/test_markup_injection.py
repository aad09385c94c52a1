"""Data is text, never markup: markup injected into every free-text column shows as text.

One build of a copy of the book whose every free-text data cell, and one
bibliography title, carry an HTML tag with an event handler, a script tag and a
MyST role. Every page is then opened in Debian's chromium: the markup must show
as text, no injected element or script may exist in the DOM, and no script may run.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from support import ROOT, toc_pages
from support.book import build_copy, copy_book
from support.browser import FIGURE, live_figure, serve

from mdma_book import datapackage, screening, tables

TAG = "<img src=x onerror=alert(1)>"
PAYLOAD = f" {TAG}<script>alert(2)</script>{{ref}}`claims` **loud**"
BIB_PAYLOAD = " <img src=x onerror=alert(3)>"

#: Columns a contributor writes freely, as data/datapackage.json declares them ("freeText": true):
#: each gets the payload appended. tests/test_datapackage.py checks that every other text
#: column is fixed by a list, a pattern or a key.
FREE_TEXT = {r["path"]: datapackage.free_text(r["name"]) for r in datapackage.descriptor()["resources"]}
#: Columns with a declared length limit (history labels 40, mechanism boxes 60 characters) get the tag alone.
SHORT = {
    (r["path"], f["name"])
    for r in datapackage.descriptor()["resources"]
    for f in r["schema"]["fields"]
    if "maxLength" in f.get("constraints", {})
}

#: Free-text cells that a row check ties to a fixed list in some rows keep those words (an
#: excluded record's reason is one of screening.EXCLUSION_REASONS); every other cell gets the payload.
KEPT = {("screening.csv", "reason"): set(screening.EXCLUSION_REASONS)}


def _inject(source: Path, target: Path) -> None:
    """Copy one data file, appending the payload to each free-text cell."""
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for number, row in enumerate(rows):
        for column in FREE_TEXT[source.name]:
            if row[column] in KEPT.get((source.name, column), ()):
                continue
            if (source.name, column) in SHORT:
                row[column] = f"{number} {TAG}"
            else:
                row[column] = f"{row[column]}{PAYLOAD}"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    target.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def injected_site(tmp_path_factory) -> Path:
    """Build a copy of the book whose data and bibliography carry markup; return its HTML folder."""
    book = copy_book(tmp_path_factory.mktemp("injected") / "book-copy")
    for name in tables.LOADERS:  # every table of the book, from the package's one registry
        csv_path = tables.path_of(name)
        _inject(csv_path, book / "data" / csv_path.name)
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    bib, count = re.subn(
        r"(@article\{mitchell2021mapp1,.*?title\s*=\s*\{.*?)\},\n", rf"\1{BIB_PAYLOAD}}},\n", bib, count=1, flags=re.S
    )
    assert count == 1
    (book / "references.bib").write_text(bib, encoding="utf-8")
    # The pages, downloads and notebooks are what this test reads; the PDF's one-page title page would not
    # hold the long payloads, so the copy is built without it.
    result = build_copy(book, pdf=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return book / "_build" / "html"


@pytest.fixture(scope="module")
def injected_url(injected_site):
    with serve(injected_site) as url:
        yield url


#: Pages that show free text from data or the bibliography, and so must show the tag as text.
SHOWS_DATA_TEXT = [
    "book/01-history.html",
    "book/02-mechanism.html",
    "book/03-evidence.html",
    "book/appendix-claims.html",
    "book/references.html",
]

INJECTED_IN_DOM = """() => ({
    images: document.querySelectorAll('img[src="x"]').length,
    scripts: [...document.scripts].filter(s => s.type !== 'application/json' && /alert\\(/.test(s.textContent)).length,
    svg: [...document.querySelectorAll('.mdma-plotly svg text')].map(t => t.textContent).join(' '),
    // All text shown or one click away (closed dropdowns included), scripts' source left out.
    text: (() => { const body = document.body.cloneNode(true);
                   body.querySelectorAll('script, style').forEach(e => e.remove());
                   return body.textContent; })(),
})"""


@pytest.mark.build
@pytest.mark.browser
@pytest.mark.parametrize("page_path", toc_pages())
def test_injected_markup_shows_as_text_and_never_runs(open_tab, injected_url, page_path):
    dialogs = []
    page, report = open_tab(f"{injected_url}/{page_path}")
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.wait_for_timeout(300)  # a handler on a broken image fires soon after load
    for index in range(page.locator(FIGURE).count()):
        live_figure(page, index)  # plotly draws the data's text only once a reader reaches for a figure
    found = page.evaluate(INJECTED_IN_DOM)
    assert found["images"] == 0, "an injected <img> element exists"
    assert found["scripts"] == 0, "an injected <script> element exists"
    assert dialogs == [] and report["page_errors"] == [], "an injected script ran"
    if page_path in SHOWS_DATA_TEXT:
        assert TAG in found["text"] or BIB_PAYLOAD.strip() in found["text"], "the markup is not shown as text"
    if page_path == "book/02-mechanism.html":  # the diagram's boxes are drawn from data labels
        # plotly wraps long labels onto lines, so compare without spaces.
        shown = found["svg"].replace(" ", "")
        assert TAG.replace(" ", "") in shown, "plotly read markup in a label instead of showing it"
    if page_path == "book/appendix-claims.html":
        assert "{ref}`claims` **loud**" in found["text"], "a MyST role or emphasis from data was parsed"


@pytest.mark.build
def test_downloads_and_published_notebooks_carry_data_as_text(injected_site):
    claims = (injected_site / "_downloads").rglob("claims-checked.csv")
    text = next(iter(claims)).read_text(encoding="utf-8")
    assert TAG in text  # a CSV is data: the value is kept exactly, to be read as text
    for notebook in (injected_site / "_sources").rglob("*.ipynb"):
        assert TAG not in notebook.read_text(encoding="utf-8"), f"{notebook.name} carries data values"
