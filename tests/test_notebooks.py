"""The teaching notebooks (download, Colab, `make lab`): plain Markdown every Jupyter renders, runnable anywhere."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from support import ROOT, toc_pages

from mdma_book.site import teaching

# Pages written as notebooks (MyST Markdown with a jupytext header); prose-only pages are not published.
CHAPTERS = [
    page for page in toc_pages() if (ROOT / page.replace(".html", ".md")).read_text().startswith("---\njupytext")
]
#: The disclaimer every chapter includes (book/disclaimer.md); the home page has its own, fuller one.
DISCLAIMERS = ("Health information, not medical advice", "**Medical disclaimer.**")
#: What only a MyST build understands: a role, a directive fence, a target line.
MYST_LEFT = re.compile(r"\{[a-z][a-z:-]*\}`|^[`:]{3,}\{|^\([^)\s]+\)=\s*$", re.M)


def published(built_html, page: str):
    return built_html / "_sources" / page.replace(".html", ".ipynb")


def glue_names(page: str) -> set[str]:
    store = ROOT / "_build" / "jupyter_execute" / page.replace(".html", ".glue.json")
    return set(json.loads(store.read_text())) if store.exists() else set()


def markdown_of(notebook) -> str:
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


@pytest.mark.parametrize("page", CHAPTERS)
def test_teaching_notebook_is_valid_and_starts_with_the_setup_cell(built_html, page):
    notebook = nbformat.read(published(built_html, page), as_version=4)
    nbformat.validate(notebook)
    assert teaching.SETUP_TAG in notebook.cells[0].metadata["tags"]
    assert "needs the internet" in notebook.cells[0].source
    assert_setup_cell_is_folded_under_its_title(notebook.cells[0])
    # Published without outputs, as book/educators.md says (and why).
    assert not any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    assert "published without outputs" in (ROOT / "book" / "educators.md").read_text()
    # The panels are meant to run in a notebook: nbclient (and so a test runner) would skip them otherwise.
    assert not any("skip-execution" in cell.metadata.get("tags", []) for cell in notebook.cells)


@pytest.mark.parametrize("page", CHAPTERS)
def test_teaching_notebook_text_has_every_value_and_no_myst(built_html, page):
    notebook = nbformat.read(published(built_html, page), as_version=4)
    text = markdown_of(notebook)
    assert not MYST_LEFT.findall(text), MYST_LEFT.findall(text)[:5]
    # No glued value shows as its name (the review saw "holds n_trials randomized trials").
    names = {name for name in glue_names(page) if re.search(rf"(?<![\w/#-]){re.escape(name)}(?![\w-])", text)}
    assert names == set()
    assert any(disclaimer in text for disclaimer in DISCLAIMERS) and "emergency" in text and "988" in text
    source = (ROOT / page.replace(".html", ".md")).read_text()
    # Figure numbers and captions are the chapter's own.
    assert re.findall(r"\*\*Figure \d+\.\d+\.", text) == re.findall(r"\*\*Figure \d+\.\d+\.", source)
    if "{cite:" in source:
        assert "\n## References\n" in text
        assert re.search(r"\([A-Z][^()]*, (19|20)\d\d[a-z]?[;)]", text), "no author-year citation"
    if "{term}" in source:
        assert "/book/glossary.html#term-" in text
        assert "https://mdma-evidence-book.github.io/mdma-evidence-book/" in text


def assert_setup_cell_is_folded_under_its_title(cell) -> None:
    """Folded in JupyterLab (jupyter.source_hidden) and in Colab (a form, its #@title line the title)."""
    assert cell.metadata.get("jupyter", {}).get("source_hidden") is True
    assert cell.metadata.get("cellView") == "form"
    title = cell.source.splitlines()[0]
    assert title.startswith("#@title Set-up") and "needs the internet" in title, title


def test_setup_cell_is_folded_under_a_title_that_says_it_needs_the_internet():
    assert_setup_cell_is_folded_under_its_title(teaching.setup_cell("https://github.com/example/book", ""))


def test_binder_link_opens_the_teaching_notebook_not_the_myst_source():
    theme = "https://mybinder.org/v2/gh/org/repo/main?urlpath=lab/tree/book/03-evidence.md"
    assert (
        teaching.binder_url_to_teaching_notebook(theme, "book/03-evidence")
        == "https://mybinder.org/v2/gh/org/repo/main?urlpath=lab/tree/_build/teaching/03-evidence.ipynb"
    )


def _chapter(tmp_path, text: str, glue: dict | None = None) -> teaching.Chapter:
    source = tmp_path / "chapter.md"
    source.write_text(text)
    return teaching.Chapter(source=source, site="https://example.org/book/", glue=glue or {}, terms={}, labels={})


def test_converter_resolves_glue_citations_and_admonitions(tmp_path):
    glue = {"n": {"data": {"text/plain": "'7 trials'"}}, "table": {"data": {"text/html": "<table></table>"}}}
    chapter = _chapter(tmp_path, "", glue)
    text = textwrap.dedent("""\
        (label)=
        # Title

        It holds {glue:text}`n` {cite:p}`mitchell2021mapp1`.

        ```{warning}
        Take care.
        ```

        ```{glue:} table
        ```
        """)
    out = teaching.markdown(chapter, text)
    assert "It holds 7 trials (Mitchell et al., 2021)." in out
    assert "> **⚠️ Warning**\n>\n> Take care." in out
    assert "<table></table>" in out and "(label)=" not in out
    assert chapter.cited == ["mitchell2021mapp1"]


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("One\n\nTwo {glue:text}`missing`\n", "chapter.md, line 3: nothing is glued under the name 'missing'"),
        (
            "A\n\n```{mermaid}\nx\n```\n",
            "chapter.md, line 3: the teaching notebooks cannot show the directive {mermaid}",
        ),
        ("A {numref}`x`\n", "chapter.md, line 1: the teaching notebooks cannot show the role {numref}"),
        ("A {term}`nowhere`\n", "line 1: 'nowhere' is not a term of the glossary"),
    ],
)
def test_converter_fails_on_what_it_cannot_show_naming_file_and_line(tmp_path, text, phrase):
    chapter = _chapter(tmp_path, text)
    with pytest.raises(teaching.TeachingNotebookError, match=re.escape(phrase)):
        teaching.markdown(chapter, text)


def test_setup_cell_does_nothing_in_the_books_environment(tmp_path):
    cell = teaching.setup_cell("https://github.com/example/never-cloned", "0" * 40)
    run = subprocess.run([sys.executable, "-c", cell.source], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout == "", run.stderr
    assert not (tmp_path / "mdma-book").exists(), "the set-up cell cloned the repository inside the book's environment"


def test_setup_cell_says_it_needs_the_internet_when_it_cannot_clone(tmp_path):
    cell = teaching.setup_cell(f"file://{tmp_path}/no-such-repository", "")
    fresh = tmp_path / "venv"  # a Python without the book's package, as in Colab
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(fresh)], check=True)
    run = subprocess.run(
        [str(fresh / "bin" / "python"), "-c", cell.source], cwd=tmp_path, capture_output=True, text=True
    )
    assert run.returncode != 0
    assert "Set-up failed while downloading the book's repository from GitHub" in run.stderr
    assert "needs the internet" in run.stderr


def _setup_functions(commit: str = "") -> dict:
    """The set-up cell's functions, from its generated source (in the book's environment it installs nothing)."""
    namespace: dict = {}
    exec(teaching.setup_cell("https://github.com/example/book", commit).source, namespace)
    return namespace


#: What Colab's runtime ships and its google-colab package pins (its IPython, pandas...): the
#: lock's versions of these once replaced Colab's own (ipywidgets==8.1.9 pulled ipython==9.18.1).
COLAB_RUNTIME = ("ipython", "ipykernel", "ipywidgets", "traitlets", "tornado", "pandas", "numpy", "plotly")


def test_on_colab_the_setup_pins_only_the_books_packages_and_what_colab_lacks(tmp_path):
    setup = _setup_functions()
    setup["_installed"] = lambda name: name in COLAB_RUNTIME
    lock = (ROOT / "requirements.txt").read_text()
    on_colab = {setup["_name"](pin): pin for pin in setup["_constraints"](lock, True)}
    for package in ("ipython", "ipykernel", "ipywidgets", "traitlets", "tornado", "pandas", "numpy"):
        assert package not in on_colab, f"the Colab set-up would replace Colab's own {package}: {on_colab[package]}"
    for package in ("pandera", "pybtex", "statsmodels", "plotly", "patsy"):  # the book's, or missing on Colab
        assert on_colab[package] in lock.splitlines(), package
    elsewhere = {setup["_name"](pin) for pin in setup["_constraints"](lock, False)}
    assert {"ipython", "pandas", "numpy"} <= elsewhere  # a fresh Jupyter gets the whole lock

    checkout = tmp_path / "book"
    checkout.mkdir()
    (checkout / "requirements.txt").write_text(lock)
    command = setup["_install_command"](str(checkout), True)
    assert "--quiet" not in command and f"{checkout}[live]" not in command  # [live] asks for ipywidgets 8
    constraints = Path(command[command.index("-c") + 1]).read_text().split()
    assert constraints == list(on_colab.values())
    assert command[-6:] == ["-e", str(checkout), "pandera", "pybtex", "statsmodels", "plotly"]


def test_the_setup_shows_pips_warnings_and_says_when_a_restart_is_needed(capsys, tmp_path):
    setup = _setup_functions()
    warn = [sys.executable, "-c", "import sys; sys.stderr.write('WARNING: pip found a conflict')"]
    setup["_step"]("installing", warn)
    assert "WARNING: pip found a conflict" in capsys.readouterr().out
    output = "Collecting x\nSuccessfully installed ipython-9.18.1 mdma-book-0.1.0 pandera-0.35.0\n"
    assert setup["_changed_while_loaded"](output, ["IPython.core", "sys"]) == ["ipython"]
    assert setup["_changed_while_loaded"](output, ["sys"]) == []
    # pytest is loaded in this session: a pip run that replaced it must ask for a restart.
    setup["_install_command"] = lambda checkout, on_colab: ["pip"]
    setup["_step"] = lambda what, command: SimpleNamespace(stdout="Successfully installed pytest-0.0.1\n")
    setup["_set_up"](str(tmp_path), True)
    said = capsys.readouterr().out
    assert "pip replaced packages this session had already loaded (pytest)" in said
    assert "restart the runtime (Runtime > Restart session)" in said
    setup["_step"] = lambda what, command: SimpleNamespace(stdout="Successfully installed no-such-package-1.0\n")
    setup["_set_up"](str(tmp_path), True)
    assert capsys.readouterr().out == "Set-up done: the book's package is installed.\n"


def test_the_setup_fetches_only_the_commit_the_notebook_was_built_from():
    setup = _setup_functions("0" * 40)
    steps = [command for _, command in setup["_download_steps"]("mdma-book", "0" * 40)]
    assert steps[0][:2] == ["git", "init"] and "clone" not in sum(steps, [])
    assert steps[1][-4:] == ["--depth", "1", "https://github.com/example/book", "0" * 40]
    assert steps[2][-1] == "FETCH_HEAD"
    assert "--depth" in setup["_download_steps"]("mdma-book", "")[0][1]


def test_the_recorded_commit_is_left_empty_when_the_working_tree_has_changes(tmp_path):
    def git(*args):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "chapter.md").write_text("one\n")
    git("add", "chapter.md")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "one")
    assert re.fullmatch(r"[0-9a-f]{40}", teaching._commit(tmp_path))
    (tmp_path / "chapter.md").write_text("two\n")  # built from a file the commit does not hold
    assert teaching._commit(tmp_path) == ""


RUNNER = textwrap.dedent("""\
    import sys
    import nbformat
    from nbclient import NotebookClient

    failures = []
    for path in sys.argv[1:]:
        notebook = nbformat.read(path, as_version=4)
        # Every cell runs, panels included, as in Colab; the cells' own tags skip nothing.
        NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=True,
                       skip_cells_with_tag="never-skip").execute()
        for cell in notebook.cells:
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    failures.append(f"{path}: {output.ename}: {output.evalue}")
        print(path, "ran", sum(c.cell_type == "code" for c in notebook.cells), "cells", flush=True)
    print("\\n".join(failures))
    sys.exit(1 if failures else 0)
    """)


@pytest.mark.build
def test_every_cell_of_every_teaching_notebook_runs_in_a_fresh_environment(built_html, tmp_path):
    """A virtual environment with only a kernel and what the set-up cell installs (from this checkout)."""
    fresh = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(fresh)], check=True)
    python = str(fresh / "bin" / "python")
    kernel = ["ipykernel", "nbclient", "nbformat"]  # what runs a notebook at all (Colab has them)
    pin = ["-c", str(ROOT / "requirements.txt")]
    subprocess.run([python, "-m", "pip", "install", "--quiet", *pin, *kernel], check=True)
    work = tmp_path / "class"
    work.mkdir()
    paths = [str(published(built_html, page)) for page in CHAPTERS]
    env = {**os.environ, "MDMA_BOOK_CHECKOUT": str(ROOT)}
    env.pop("MDMA_BOOK_DATA", None)
    env.pop("MDMA_BOOK_BIB", None)
    run = subprocess.run(
        [python, "-c", RUNNER, *paths], cwd=work, env=env, capture_output=True, text=True, timeout=1800
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    installed = subprocess.run([python, "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True).stdout
    assert "mdma-book" in installed and "jupyter-book" not in installed and "myst-nb" not in installed


REPOSITORY = "https://github.com/mdma-evidence-book/mdma-evidence-book"


@pytest.mark.parametrize("page", CHAPTERS)
def test_launch_download_repository_issue_and_edit_buttons(built_html, page):
    html = (built_html / page).read_text(encoding="utf-8")
    source = page.replace(".html", ".md")
    notebook_name = page.replace(".html", ".ipynb")
    links = set(re.findall(r'href="([^"]+)"', html))
    colab = [link for link in links if link.startswith("https://colab.research.google.com/github/")]
    assert colab == [
        f"https://colab.research.google.com/github/mdma-evidence-book/mdma-evidence-book/blob/gh-pages/_sources/{notebook_name}"
    ]
    binder = [link for link in links if link.startswith("https://mybinder.org/")]
    teaching_copy = f"_build/teaching/{notebook_name.split('/')[-1]}"  # where binder/postBuild puts it
    assert binder == [
        f"https://mybinder.org/v2/gh/mdma-evidence-book/mdma-evidence-book/main?urlpath=lab/tree/{teaching_copy}"
    ]
    downloads = [link for link in links if link.endswith(".ipynb") and "_sources/" in link and "://" not in link]
    assert downloads and all(
        (built_html / page).parent.joinpath(d).resolve() == published(built_html, page).resolve() for d in downloads
    )
    assert REPOSITORY in links
    assert f"{REPOSITORY}/edit/main/{source}" in links
    assert any(link.startswith(f"{REPOSITORY}/issues/new") for link in links)


def test_in_colab_the_set_up_leaves_plotlys_colab_renderer_and_applies_the_books_config(monkeypatch):
    """render.setup once forced plotly_mimetype, whose output Colab does not draw (colabtools#1522)."""
    import plotly.io as pio

    from mdma_book import theme

    monkeypatch.setattr(pio.renderers, "default", "colab")
    monkeypatch.setattr(theme, "in_colab", lambda: True)
    theme.use_book_renderer()
    assert pio.renderers.default == "colab"
    assert pio.renderers["colab"].config == theme.plotly_config()
    monkeypatch.setattr(theme, "in_colab", lambda: False)
    theme.use_book_renderer()
    assert pio.renderers.default == "plotly_mimetype"
