"""The strict build: every page is built, and a broken citation or cell fails the build."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT, toc_pages

from mdma_book.site import build


def test_every_toc_entry_has_a_page(built_html):
    missing = [page for page in toc_pages() if not (built_html / page).exists()]
    assert not missing, f"pages in _toc.yml that were not built: {missing}"


def test_makefile_builds_with_the_strict_flags():
    # One source of the flags: _config.yml, read by the one build command that `make book`,
    # the tests' copies and the benchmark run.
    assert build.build_config(ROOT).flags == ["-W", "-n", "--keep-going"]
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nbook:", 1)[1].split("\n\n", 1)[0]
    assert "-m mdma_book.site.build" in recipe
    assert "jupyter-book" not in recipe and "jupyter_book" not in recipe and " -W" not in recipe
    assert "sha256sum" not in makefile  # one staleness digest: mdma_book.site.build's
    for caller in (ROOT / "scripts" / "bench.py", ROOT / "tests" / "support" / "book.py"):  # and _build below
        text = caller.read_text()
        assert "build.run(" in text and '"jupyter-book"' not in text, caller


def _book_copy(tmp_path: Path, chapter_text: str) -> Path:
    """A two-page copy of the book whose second page is ``chapter_text``."""
    book = tmp_path / "book-copy"
    (book / "book").mkdir(parents=True)
    shutil.copy(ROOT / "references.bib", book / "references.bib")
    # The copy's one chapter states no evidence, so it carries no "evidence last checked" date.
    config = (
        (ROOT / "_config.yml")
        .read_text()
        .replace("  config:\n", "  config:\n    mdma_undated_pages: [book/broken, book/references]\n", 1)
    )
    (book / "_config.yml").write_text(config)
    shutil.copy(ROOT / "book" / "references.md", book / "book" / "references.md")
    shutil.copy(ROOT / "book" / "disclaimer.md", book / "book" / "disclaimer.md")  # every teaching notebook shows it
    (book / "_toc.yml").write_text("format: jb-book\nroot: book/references\nchapters:\n  - file: book/broken\n")
    header = (ROOT / "book" / "03-evidence.md").read_text().split("---\n")[1]
    # The back page's crisis lines link to the harms chapter's label, so the copy's chapter carries it.
    (book / "book" / "broken.md").write_text(f"---\n{header}---\n\n(harms)=\n# A broken chapter\n\n{chapter_text}\n")
    return book


def _build(book: Path) -> subprocess.CompletedProcess:
    return build.run(book)


@pytest.mark.build
def test_a_sound_copy_builds(tmp_path):
    # Guards the two tests below: they must fail for their defect, not for the copy.
    result = _build(_book_copy(tmp_path, "Fine text {cite:p}`mitchell2021mapp1`."))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.mark.build
def test_unknown_citation_key_fails_the_build(tmp_path):
    result = _build(_book_copy(tmp_path, "A claim {cite:p}`no_such_key_2099`."))
    assert result.returncode != 0
    assert "no_such_key_2099" in result.stdout + result.stderr


@pytest.mark.build
def test_raising_cell_fails_the_build(tmp_path):
    cell = "```{code-cell} ipython3\nraise RuntimeError('this cell is broken on purpose')\n```"
    result = _build(_book_copy(tmp_path, cell))
    assert result.returncode != 0
    assert "this cell is broken on purpose" in result.stdout + result.stderr


def test_bibliography_list_uses_author_year_labels(built_html):
    import re

    html = (built_html / "book" / "references.html").read_text(encoding="utf-8")
    listing = html[html.index('class="citation-list"') :]
    listing = listing.split("A reference we could not find")[0]
    text = re.sub(r"<[^>]+>", "", listing)
    labels = re.findall(r"\[([^\[\]]+?, (?:\d{4}[a-z]?|n\.d\.))\]", text)
    assert len(labels) >= 40
    assert "Mitchell et al., 2021" in labels and "Vizeli and Liechti, 2017" in labels
    assert len(set(labels)) == len(labels), "two bibliography entries share a label"


def test_author_year_labels_get_suffixes_when_they_clash_and_agree_everywhere():
    from mdma_book.citations import bibliography_entries, citation_label
    from mdma_book.site.bibstyle import AuthorYearLabelStyle

    entries = bibliography_entries()
    pair = [entries["hysek2012carvedilol"], entries["hysek2012duloxetine"]]
    labels = list(AuthorYearLabelStyle().format_labels(pair))
    assert sorted(labels) == ["Hysek et al., 2012a", "Hysek et al., 2012b"]
    # The list, the text and the figures' hover text use one label per source.
    assert labels == [citation_label("hysek2012carvedilol"), citation_label("hysek2012duloxetine")]
    assert citation_label("mitchell2021mapp1") == "Mitchell et al., 2021"


def test_in_text_citations_use_the_same_disambiguated_labels(built_html):
    text = (built_html / "book" / "02-mechanism.html").read_text()
    assert "Hysek et al., 2012b" in text


def _figure_specs(html_path: Path) -> list[dict]:
    """The plotly figures stored as JSON in a built page."""
    from mdma_book.site import plotly_mime as render

    return [spec for _, spec in render.built_figure_specs(html_path)]


def test_no_control_in_the_built_book_offers_an_arbitrary_dose(built_html):
    """Every figure control that mentions a dose names one of the studied regimens; no slider steps through doses."""
    import re

    from mdma_book import pharmacokinetics as pk

    named = set(pk.dosing_regimens()["label"])
    dose = re.compile(r"\d\s*mg\b", re.I)
    seen_regimen_menu = False
    for page in toc_pages():
        for spec in _figure_specs(built_html / page):
            layout = spec["layout"]
            for slider in layout.get("sliders", []):
                labels = [step.get("label", "") for step in slider.get("steps", [])]
                assert not any(dose.search(label) for label in labels), (
                    f"{page}: a slider steps through doses: {labels}"
                )
            for menu in layout.get("updatemenus", []):
                for button in menu.get("buttons", []):
                    label = button.get("label", "")
                    if dose.search(label):
                        assert label in named, f"{page}: control offers a dose that is not a studied regimen: {label!r}"
                        seen_regimen_menu = True
    assert seen_regimen_menu, "the concentration figure's regimen menu was not found in the built book"


def test_linkcheck_goes_through_the_one_build_command():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nlinkcheck:", 1)[1].split("\n\n", 1)[0]
    assert "-m mdma_book.site.build . --builder linkcheck" in recipe
    assert "jupyter-book" not in recipe


def _pretend_built(book: Path) -> None:
    """Give a copy of the book the outputs and stamp of a complete build, without building it."""
    html = book / "_build" / "html"
    for page in [*build.toc_pages(book), build.PDF_NAME]:
        (html / page).parent.mkdir(parents=True, exist_ok=True)
        (html / page).write_text("built")
    (book / "_build" / ".built-hash").write_text(build._built_stamp(book, pdf=True))


@pytest.fixture
def built_copy(tmp_path, monkeypatch):
    from support.book import copy_book

    book = copy_book(tmp_path / "copy")
    monkeypatch.setenv("MDMA_BOOK_DATA", str(book / "data"))
    monkeypatch.setenv("MDMA_BOOK_BIB", str(book / "references.bib"))
    _pretend_built(book)
    assert build.up_to_date(book, pdf=True)
    return book


@pytest.mark.parametrize(
    ("changed", "edit"),
    [
        ("a chapter's prose", lambda book: _append(book / "book" / "04-harms.md", "\nA new sentence.\n")),
        ("a data cell", lambda book: _replace_first_digit(book / "data" / "dichotomous_outcomes.csv")),
        ("_config.yml", lambda book: _append(book / "_config.yml", "\n# a comment\n")),
        ("the table of contents", lambda book: _append(book / "_toc.yml", "\n")),
        ("the bibliography", lambda book: _append(book / "references.bib", "\n")),
    ],
)
def test_no_change_path_notices_every_real_change(built_copy, changed, edit):
    edit(built_copy)
    assert not build.up_to_date(built_copy, pdf=True), f"{changed} changed, yet the build would do nothing"


def test_no_change_path_needs_the_outputs_and_ignores_the_downloads_it_writes(built_copy):
    (built_copy / "book" / "_data").mkdir(exist_ok=True)
    (built_copy / "book" / "_data" / "written-by-the-build.csv").write_text("a\n1\n")
    assert build.up_to_date(built_copy, pdf=True)
    (built_copy / "_build" / "html" / build.PDF_NAME).unlink()
    assert not build.up_to_date(built_copy, pdf=True), "the PDF is missing, yet the build would do nothing"
    assert build.up_to_date(built_copy, pdf=False)


def test_make_pdf_after_make_book_prints_without_building_the_pages_again(built_copy, monkeypatch):
    """Review R19: with the pages current, `make pdf` only prints (the test above removed the copy's PDF)."""
    from mdma_book.site import pdf_edition

    pdf = built_copy / "_build" / "html" / build.PDF_NAME
    pdf.unlink(missing_ok=True)
    (built_copy / "_build" / ".built-hash").write_text(
        build._built_stamp(built_copy, pdf=False)
    )  # as `make book` leaves it
    printed = []
    monkeypatch.setattr(build, "_jupyter_book", lambda *args: pytest.fail("the pages were current: only print"))
    monkeypatch.setattr(
        pdf_edition, "print_if_changed", lambda html, book: printed.append(html) or pdf.write_text("pdf")
    )
    assert build.build(built_copy, pdf=True) == 0
    assert printed == [built_copy.resolve() / "_build" / "html"] and build.up_to_date(built_copy, pdf=True)


def test_no_change_build_imports_neither_sphinx_nor_jupyter_book(built_copy):
    code = (
        "import sys; from mdma_book.site import build; status = build.main([sys.argv[1], '--pdf']); "
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in {'sphinx', 'jupyter_book', 'docutils', 'pandas'}); "
        "print(status, heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code, str(built_copy)], capture_output=True, text=True, check=True)
    assert result.stdout.strip().endswith("0 []"), result.stdout + result.stderr


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _replace_first_digit(path: Path) -> None:
    head, body = path.read_text(encoding="utf-8").split("\n", 1)
    digit = next(c for c in body if c.isdigit())
    path.write_text(head + "\n" + body.replace(digit, str((int(digit) + 1) % 10), 1), encoding="utf-8")


def test_a_site_layer_change_rebuilds_the_pages_but_keeps_the_executed_chapters(tmp_path):
    site = Path(build.__file__).parent
    executed = {p.relative_to(ROOT) for p in build.execution_inputs(ROOT) if p.is_relative_to(ROOT)}
    assert Path("src/mdma_book/figures.py") in executed and Path("data/trials.csv") in executed
    assert not any(p.is_relative_to(site.relative_to(ROOT)) for p in executed)
    built = tmp_path / "_build"
    for folder in (".jupyter_cache", ".doctrees"):
        (built / folder).mkdir(parents=True)
    (built / ".inputs-hash").write_text("executed site\n")
    build._drop_stale_cache(built, "executed site")
    assert (built / ".jupyter_cache").exists() and (built / ".doctrees").exists()
    build._drop_stale_cache(built, "executed site-changed")
    assert (built / ".jupyter_cache").exists(), "a site-layer change re-executed every chapter"
    assert not (built / ".doctrees").exists()
    build._drop_stale_cache(built, "core-changed site")
    assert not (built / ".jupyter_cache").exists()


def test_a_failed_build_then_a_revert_keeps_no_cache_from_the_failed_inputs(tmp_path):
    built = tmp_path / "_build"
    built.mkdir()
    (built / ".inputs-hash").write_text("A A\n")
    build._drop_stale_cache(built, "X X")  # a build with an edited data cell starts ...
    (built / ".jupyter_cache").mkdir()  # ... executes every chapter with it, then fails (no stamp written)
    build._drop_stale_cache(built, "A A")  # the edit is reverted and the book built again
    assert not (built / ".jupyter_cache").exists(), "the reverted build would serve the failed build's outputs"


def test_a_build_that_fails_leaves_no_stamp_saying_the_pages_are_current(built_copy, monkeypatch):
    from mdma_book.site import execute

    monkeypatch.setattr(execute, "execute_stale", lambda *args: [])
    monkeypatch.setattr(build, "_jupyter_book", lambda *args: 1)  # the strict build fails
    _append(built_copy / "book" / "04-harms.md", "\nA new sentence.\n")
    assert build.build(built_copy, pdf=True) == 1
    harms = built_copy / "book" / "04-harms.md"
    harms.write_text((ROOT / "book" / "04-harms.md").read_text(encoding="utf-8"), encoding="utf-8")  # the revert
    assert not build.up_to_date(built_copy, pdf=True), "after a failed build, a revert would publish its pages"


def test_a_checkout_under_a_dot_folder_still_sees_chapter_edits(tmp_path):
    from support.book import copy_book

    book = copy_book(tmp_path / ".worktrees" / "mdma")
    assert book / "book" / "04-harms.md" in build.book_inputs(book)


@pytest.mark.parametrize("changed", ["site/templates/layout.html", "stats.py"])
def test_no_change_path_notices_a_changed_template_or_package_module(tmp_path, monkeypatch, changed):
    from support.book import copy_book

    package = Path(build.__file__).parents[1]
    copied = tmp_path / "package"
    shutil.copytree(package, copied, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(build, "__file__", str(copied / "site" / "build.py"))  # the digest reads the copy
    book = copy_book(tmp_path / "copy")
    monkeypatch.setenv("MDMA_BOOK_DATA", str(book / "data"))
    monkeypatch.setenv("MDMA_BOOK_BIB", str(book / "references.bib"))
    _pretend_built(book)
    assert build.up_to_date(book, pdf=True)
    _append(copied / changed, "\n")
    assert not build.up_to_date(book, pdf=True), f"{changed} changed, yet the build would do nothing"


def test_make_book_leaves_the_printer_to_make_pdf_which_make_test_runs():
    """Issue 19's edit loop: `make book` builds the pages only; `make pdf` prints; `make test` needs both."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = lambda target: makefile.split(f"\n{target}:", 1)[1].split("\n\n", 1)[0]  # noqa: E731
    assert "--pdf" not in recipe("book") and "-m mdma_book.site.build . --pdf" in recipe("pdf")
    assert recipe("test").split("\n", 1)[0].split() == ["test-setup", "pdf"]


def test_a_pdf_printed_from_pages_that_changed_is_removed_and_a_current_one_kept(tmp_path, monkeypatch):
    from mdma_book.site import pdf_edition

    html = tmp_path / "_build" / "html"
    html.mkdir(parents=True)
    page = html / "index.html"
    page.write_text("<p>before</p>")
    monkeypatch.setattr(pdf_edition, "toc_entries", lambda book: [])
    monkeypatch.setattr(pdf_edition, "printed_from", lambda html_dir, entries, book: [page])
    (html / build.PDF_NAME).write_bytes(b"%PDF-1.7")
    (tmp_path / "_build" / ".pdf-inputs-hash").write_text(build.inputs_digest([page], tmp_path))
    pdf_edition.drop_if_stale(html, tmp_path)
    assert (html / build.PDF_NAME).exists()  # printed from these very pages
    page.write_text("<p>after an edit</p>")
    pdf_edition.drop_if_stale(html, tmp_path)
    assert not (html / build.PDF_NAME).exists() and not (tmp_path / "_build" / ".pdf-inputs-hash").exists()
