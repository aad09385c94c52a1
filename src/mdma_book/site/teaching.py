"""Teaching notebooks: each executed chapter as a notebook that reads right in any Jupyter.

The chapters are MyST Markdown notebooks. Their text pastes numbers and tables in
with myst-nb's ``glue``, cites with ``{cite:p}``, links glossary terms with ``{term}``
and uses MyST directives (admonitions, the disclaimer's ``{include}``, dropdowns,
exercises). Only a Jupyter Book build resolves these: JupyterLab (even with
jupyterlab-myst), Jupyter Notebook, VS Code and Colab show variable names, bare
keys, code blocks or nothing. So the build writes, for every chapter, a notebook
whose Markdown is plain CommonMark and HTML that every Jupyter renders:

* every glued number and table is the value the build computed (myst-nb's glue
  store, ``<chapter>.glue.json`` beside the executed notebook);
* citations read as the book's author–year labels (:func:`mdma_book.citations.citation_label`),
  and the chapter's reference list closes the notebook;
* glossary terms, cross-references and data downloads link to the hosted book
  (its address derives from ``repository.url``, :func:`mdma_book.site.extension.site_url`);
* admonitions, the disclaimer and exercises are block quotes, dropdowns and
  solutions ``<details>`` blocks; figure numbers and captions are the chapter's own text.

The code cells stay as they are, live panels included (their ``skip-execution``
tag is dropped: in a notebook they are meant to run), after a set-up cell that
installs the book's package where it is missing (:data:`SETUP_SOURCE`).

The MyST is converted here by hand, because no maintained tool turns MyST into
plain notebook Markdown: markdown-it-py (the parser myst-parser uses) finds the
directive blocks, and one regular expression, the role syntax of
``mdit_py_plugins.myst_role``, finds the inline roles. Anything the converter does
not know fails the build with the chapter's file and line, so nothing is left raw.
"""

from __future__ import annotations

import ast
import html
import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import nbformat
from markdown_it import MarkdownIt

from mdma_book.citations import bibliography_entries, citation_label
from mdma_book.lab import TEACHING_FOLDER  # where Binder's postBuild and `make lab` put the notebooks

SETUP_TAG = "colab-setup"


def binder_url_to_teaching_notebook(url: str, pagename: str) -> str:
    """The theme's Binder link, which opens the chapter's MyST source (``?urlpath=lab/tree/book/x.md``),
    turned to the chapter's teaching notebook in the Binder image (``lab/tree/_build/teaching/x.ipynb``)."""
    base, _, urlpath = url.partition("?urlpath=")
    interface = urlpath.split("/tree/")[0] or "lab"
    return f"{base}?urlpath={interface}/tree/{TEACHING_FOLDER}/{Path(pagename).name}.ipynb"


#: The first cell of every teaching notebook. ``MDMA_BOOK_CHECKOUT`` names a local
#: checkout to install from instead of downloading one (the tests use it).
SETUP_SOURCE = """\
#@title Set-up (folded; needs the internet outside the book's environment): installs the book's package
# Set-up for running this chapter outside the book's own environment (Google Colab, a plain Jupyter).
# It needs the internet: it downloads the book's repository from GitHub and installs the book's
# package from PyPI, which takes a minute or two. Where the package is already installed
# (`make lab`, Binder) it does nothing. In a plain Jupyter it installs the versions the book pins
# (requirements.txt). On Colab it pins only the book's own computing packages and what Colab lacks,
# and leaves Colab's IPython, ipykernel, ipywidgets, traitlets, tornado, pandas, numpy... as they are.
# pip's warnings are shown; if pip changed a package this session had already loaded, it says to
# restart the runtime.
import importlib.metadata, importlib.util, os, re, subprocess, sys, tempfile

REPOSITORY = "{repository_url}"
VERSION = "{commit}"  # the commit of the book this notebook was built from ("" if unknown)
#: The packages the book computes with: pinned to the book's versions everywhere, Colab included.
BOOK_PACKAGES = ("pandera", "pybtex", "statsmodels", "plotly")


def _step(what, command):
    try:
        result = subprocess.run(command, capture_output=True, text=True)
    except FileNotFoundError:
        raise RuntimeError(f"Set-up failed while {{what}}: the program {{command[0]!r}} is not installed.") from None
    if result.returncode != 0:
        raise RuntimeError(
            f"Set-up failed while {{what}}. This cell needs the internet (github.com and pypi.org); "
            f"without it the chapter's code cannot run, but its text and numbers above and below are complete.\\n"
            f"Command: {{' '.join(command)}}\\n{{result.stderr.strip()[-1500:]}}"
        )
    if result.stderr.strip():  # pip's warnings (a version conflict, a package it could not remove...)
        print(f"While {{what}}:\\n{{result.stderr.strip()}}")
    return result


def _name(requirement):
    return re.sub(r"[-_.]+", "-", re.split(r"[=<>!~;\\[\\s]", requirement.strip(), maxsplit=1)[0]).lower()


def _installed(name):
    try:
        importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def _constraints(lock, on_colab):
    \"\"\"The lock's pins to hold pip to: all of them, or on Colab the book's packages and what Colab lacks.\"\"\"
    pins = [line.split("#")[0].strip() for line in lock.splitlines() if "==" in line.split("#")[0]]
    return [pin for pin in pins if not on_colab or _name(pin) in BOOK_PACKAGES or not _installed(_name(pin))]


def _download_steps(checkout, version):
    if not version:
        return [("downloading the book's repository from GitHub",
                 ["git", "clone", "--quiet", "--depth", "1", REPOSITORY, checkout])]
    return [
        ("preparing a folder for the book's repository", ["git", "init", "--quiet", checkout]),
        ("downloading the version of the book this notebook was built from, from GitHub",
         ["git", "-C", checkout, "fetch", "--quiet", "--depth", "1", REPOSITORY, version]),
        ("choosing that version", ["git", "-C", checkout, "checkout", "--quiet", "FETCH_HEAD"]),
    ]


def _install_command(checkout, on_colab):
    with open(os.path.join(checkout, "requirements.txt"), encoding="utf-8") as lock:
        pins = _constraints(lock.read(), on_colab)
    constraints = os.path.join(tempfile.mkdtemp(), "constraints.txt")
    with open(constraints, "w", encoding="utf-8") as file:
        file.write("\\n".join(pins) + "\\n")
    wanted = ["-e", checkout, *BOOK_PACKAGES] if on_colab else ["-e", checkout + "[live]"]
    return [sys.executable, "-m", "pip", "install", "-c", constraints, *wanted]


def _changed_while_loaded(pip_output, loaded_modules):
    \"\"\"The packages pip replaced that this session had already imported (they need a restart).\"\"\"
    found = re.search(r"^Successfully installed (.+)$", pip_output, re.M)
    replaced = {{_name(item.rpartition("-")[0]) for item in found[1].split()}} if found else set()
    owners = importlib.metadata.packages_distributions()
    loaded = {{_name(dist) for module in loaded_modules for dist in owners.get(module.partition(".")[0], [])}}
    return sorted(replaced & loaded)


def _set_up(checkout, on_colab):
    if not os.path.isdir(checkout):
        for what, command in _download_steps(checkout, VERSION):
            _step(what, command)
    pinned = "the book's own packages pinned" if on_colab else "the versions the book pins"
    installed = _step(f"installing the book's package ({{pinned}}) from PyPI", _install_command(checkout, on_colab))
    sys.path.insert(0, os.path.abspath(os.path.join(checkout, "src")))
    stale = _changed_while_loaded(installed.stdout, list(sys.modules))
    if stale:
        where = "Runtime > Restart session" if on_colab else "Kernel > Restart Kernel"
        print(f"Set-up done, but pip replaced packages this session had already loaded ({{', '.join(stale)}}): "
              f"restart the runtime ({{where}}), then run the notebook again from the top.")
    else:
        print("Set-up done: the book's package is installed.")


def _on_colab():
    try:
        import google.colab  # noqa: F401 (what plotly also checks to choose its Colab renderer)
    except ImportError:
        return False
    return True


if importlib.util.find_spec("mdma_book") is None:
    _set_up(os.environ.get("MDMA_BOOK_CHECKOUT", "mdma-book"), _on_colab())
"""

ADMONITIONS = {
    "note": "Note",
    "tip": "Tip",
    "hint": "Hint",
    "important": "Important",
    "warning": "Warning",
    "caution": "Caution",
    "attention": "Attention",
    "danger": "Danger",
    "error": "Error",
    "seealso": "See also",
}
#: A sign before an admonition's title, by its kind (``:class:`` or directive name).
SIGNS = {"warning": "⚠️", "caution": "⚠️", "danger": "⛔", "error": "⛔", "attention": "⚠️", "tip": "💡", "hint": "💡"}

#: The inline role syntax of mdit_py_plugins.myst_role: {name}`content`.
ROLE = re.compile(r"\{(?P<name>[a-zA-Z0-9_\-+:]{1,36})\}(?P<ticks>`+)(?!`)(?P<content>.+?)(?<!`)(?P=ticks)(?!`)")
#: A MyST target line, ``(label)=``.
TARGET = re.compile(r"^\([^)\s]+\)=[ \t]*$", re.M)
#: ``text <target>`` inside a role.
EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")


class TeachingNotebookError(ValueError):
    """A chapter uses MyST the teaching notebooks cannot show; the message names file and line."""


@dataclass
class Chapter:
    """What converting one chapter needs from the build."""

    source: Path  #: the chapter's .md file
    site: str  #: the hosted book's address, ending in "/"
    glue: dict  #: name -> the glued output (myst-nb's glue store)
    terms: dict  #: lower-case glossary term -> (docname, anchor)
    labels: dict  #: label -> (docname, anchor, section title)
    downloads: dict = field(default_factory=dict)  #: source-relative file -> URL path under the site
    cited: list = field(default_factory=list)  #: citation keys, in the order first cited
    line: int = 0  #: the line of the chapter where the cell being converted starts
    #: A missing {ref} label becomes plain text instead of an error (only for the disclaimer a
    #: page without one gets: a partial copy of the book may lack the page it points to).
    lenient_refs: bool = False

    def where(self, offset: int = 0) -> str:
        return f"{self.source}, line {self.line + offset + 1}"

    def page(self, docname: str, anchor: str = "") -> str:
        return f"{self.site}{docname}.html" + (f"#{anchor}" if anchor else "")


# --- Values -------------------------------------------------------------------


def glued(chapter: Chapter, name: str, mime_types: tuple[str, ...], offset: int = 0) -> tuple[str, str]:
    """(mime type, content) of the glued value ``name``, the first of ``mime_types`` it has."""
    name = name.strip()
    if name not in chapter.glue:
        raise TeachingNotebookError(f"{chapter.where(offset)}: nothing is glued under the name {name!r}")
    data = chapter.glue[name]["data"]
    for mime in mime_types:
        if mime in data:
            content = data[mime]
            return mime, "".join(content) if isinstance(content, list) else content
    raise TeachingNotebookError(f"{chapter.where(offset)}: {name!r} is glued as {sorted(data)}, not {mime_types}")


def glued_text(chapter: Chapter, name: str, offset: int = 0) -> str:
    """The value as myst-nb's ``{glue:text}`` shows it: the plain-text form, a string without its quotes."""
    _, text = glued(chapter, name, ("text/plain",), offset)
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    return value if isinstance(value, str) else text


#: CommonMark punctuation that would start emphasis, code or a link inside a glued value.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]])")


def as_markdown_text(value: str) -> str:
    """``value`` as text in Markdown, as the book's ``{glue:text}`` shows it: no tag, emphasis or link.

    A glued value can hold free text from data (a source's name, a study's title), which the book
    shows as text; the notebook's Markdown must too. Markup becomes entities, and the punctuation
    that starts emphasis, code or a link is escaped with a backslash, as CommonMark allows.
    """
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", html.escape(value, quote=False))


def cite(chapter: Chapter, keys: str, narrative: bool) -> str:
    labels = []
    for key in (k.strip() for k in keys.split(",")):
        if key not in chapter.cited:
            chapter.cited.append(key)
        labels.append(citation_label(key))
    if narrative:  # {cite:t}: Mitchell et al. (2021)
        return "; ".join(f"{name} ({year})" for name, _, year in (label.rpartition(", ") for label in labels))
    return f"({'; '.join(labels)})"


def role(chapter: Chapter, name: str, content: str, offset: int) -> str:
    explicit = EXPLICIT.match(content)
    text, target = (explicit["text"], explicit["target"]) if explicit else (None, content)
    if name in ("glue:text", "glue", "glue:"):
        return as_markdown_text(glued_text(chapter, content, offset))
    if name in ("cite:p", "cite:ps", "cite"):
        return cite(chapter, content, narrative=False)
    if name in ("cite:t", "cite:ts"):
        return cite(chapter, content, narrative=True)
    if name == "term":
        found = chapter.terms.get(target.strip().lower())
        if found is None:
            raise TeachingNotebookError(f"{chapter.where(offset)}: {target!r} is not a term of the glossary")
        return f"[{text or target}]({chapter.page(*found)})"
    if name == "ref":
        found = chapter.labels.get(target.strip())
        if found is None and chapter.lenient_refs:
            return text or target.strip()
        if found is None:
            raise TeachingNotebookError(f"{chapter.where(offset)}: no label {target!r} in the book")
        docname, anchor, title = found
        return f"[{text or title}]({chapter.page(docname, anchor)})"
    if name == "download":
        url = chapter.downloads.get(target.strip())
        if url is None:
            raise TeachingNotebookError(f"{chapter.where(offset)}: the download {target!r} is not in the build")
        return f"[{text or Path(target).name}]({chapter.site}{url})"
    raise TeachingNotebookError(f"{chapter.where(offset)}: the teaching notebooks cannot show the role {{{name}}}")


def inline(chapter: Chapter, text: str, offset: int = 0) -> str:
    """Text with MyST target lines dropped and every inline role resolved."""
    text = TARGET.sub("", text)

    def replace(match: re.Match) -> str:
        return role(chapter, match["name"], match["content"], offset + text.count("\n", 0, match.start()))

    return ROLE.sub(replace, text)


# --- Blocks -------------------------------------------------------------------


def _options(content: str) -> tuple[dict[str, str], str]:
    options, lines = {}, content.splitlines()
    while lines and (found := OPTION.match(lines[0])):
        options[found["key"]] = found["value"].strip()
        lines.pop(0)
    return options, "\n".join(lines)


def quote(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.strip("\n").splitlines())


def details(summary: str, body: str) -> str:
    # Blank lines around the body: CommonMark then parses it as Markdown inside the HTML block.
    return f"<details>\n<summary>▶ {summary} (click to open)</summary>\n\n{body.strip()}\n\n</details>"


def directive(chapter: Chapter, info: str, content: str, offset: int) -> str:
    name, _, argument = info[1:].partition("}")
    argument = argument.strip()
    options, body = _options(content)
    inner = offset + 1 + len(options)

    def convert(text: str) -> str:
        return markdown(chapter, text, inner)

    if name == "include":
        included = (chapter.source.parent / argument).resolve()
        outer = Chapter(**{**chapter.__dict__, "source": included, "line": 0})
        outer.cited = chapter.cited  # the same reference list
        return markdown(outer, included.read_text(encoding="utf-8"))
    if name in ADMONITIONS or name == "admonition":
        title = argument if name == "admonition" else ADMONITIONS[name]
        kind = options.get("class", name).split()[0]
        sign = SIGNS.get(kind, "ℹ️")
        return quote(f"**{sign} {inline(chapter, title, offset)}**\n\n{convert(body)}")
    if name == "dropdown":
        return details(inline(chapter, argument or "More", offset), convert(body))
    if name == "exercise":
        return quote(f"**✏️ Exercise: {inline(chapter, argument, offset)}**\n\n{convert(body)}")
    if name == "solution":
        return details("Solution", convert(body))
    if name in ("glue:", "glue", "glue:figure", "glue:any"):
        mime, value = glued(chapter, argument, ("text/html", "text/markdown", "text/plain"), offset)
        if mime == "text/markdown":
            return convert(value)
        return value.strip() if mime == "text/html" else f"```\n{value}\n```"
    if name == "crisis-lines":
        from mdma_book import safety  # the same list the book's directive shows, from data/crisis_lines.csv

        lines = safety.crisis_lines()
        return convert(safety.crisis_lines_markdown(lines, with_sources="sources" in options, short="short" in options))
    if name == "glue:md":
        _, value = glued(chapter, argument, ("text/markdown",), offset)
        return convert(value) if options.get("format", "commonmark") == "myst" else value
    raise TeachingNotebookError(f"{chapter.where(offset)}: the teaching notebooks cannot show the directive {{{name}}}")


_PARSER = MarkdownIt("commonmark")


def markdown(chapter: Chapter, text: str, offset: int = 0) -> str:
    """MyST Markdown as plain notebook Markdown (CommonMark and HTML)."""
    lines = text.splitlines()
    parts, done = [], 0
    for token in _PARSER.parse(text):
        if token.type == "fence" and token.level == 0 and token.info.startswith("{") and token.map:
            start, end = token.map
            parts.append(inline(chapter, "\n".join(lines[done:start]), offset + done))
            parts.append(directive(chapter, token.info.strip(), token.content.rstrip("\n"), offset + start))
            done = end
    parts.append(inline(chapter, "\n".join(lines[done:]), offset + done))
    # A converted block is a block of its own: blank lines around it.
    return re.sub(r"\n{3,}", "\n\n", "\n\n".join(part.strip("\n") for part in parts if part.strip())).strip()


#: A sentence about what the web page shows (the "Try it live" notes before a panel cell).
WEB_PAGE_SENTENCE = re.compile(r"(?<=[.!?*] )[^.!?]*\bweb page\b[^.!?]*[.!?] ?")


def for_the_notebook(text: str) -> str:
    """The note before a live panel as a notebook reader needs it: the sentences about the web
    page's code-only cell go, and the note says to run the cell below."""
    notes = list(re.finditer(r"^```\{note\}\n(?P<body>.*?)\n```$", text, re.M | re.S))
    if not notes:
        return text
    note = notes[-1]
    body = WEB_PAGE_SENTENCE.sub("", note["body"]).rstrip()
    body += " In this notebook, run the cell below (after the cells above) to get the panel."
    return text[: note.start("body")] + body + text[note.end("body") :]


def reference_list(keys: list[str]) -> str:
    """The chapter's references, as the book's list formats them, sorted by label."""
    from mdma_book.site.bibstyle import AuthorYearStyle, register

    register()  # the label style the formatting style names
    entries, style = bibliography_entries(), AuthorYearStyle()
    items = []
    for key in sorted(keys, key=lambda k: citation_label(k).lower()):
        text = style.format_entry(citation_label(key), entries[key]).text.render_as("markdown").replace("\n", " ")
        items.append(f"- **{citation_label(key)}.** {text}".replace("n.d..", "n.d."))
    return "## References\n\n" + "\n".join(items)


# --- The notebook ---------------------------------------------------------------

#: The medical disclaimer the chapters include, beside them in book/.
DISCLAIMER = "disclaimer.md"
#: Words only the medical disclaimer (the chapters' include, or the home page's own) carries.
DISCLAIMER_SIGNS = ("Health information, not medical advice", "Medical disclaimer.")

HIDDEN_TAGS = {"remove-cell", "remove-input", "hide-input", "hide-cell"}


def _commit(folder: Path) -> str:
    """The commit the book is built from, or "" when unknown or when the working tree differs from it
    (uncommitted or untracked files): the set-up cell then downloads the newest version instead of a
    commit whose files are not the ones the notebook was built from."""
    try:
        found = subprocess.run(["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True, check=True)
        changes = subprocess.run(
            ["git", "status", "--porcelain"], cwd=folder, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return ""
    return "" if changes.stdout.strip() else found.stdout.strip()


def setup_cell(repository_url: str, commit: str = "") -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(SETUP_SOURCE.format(repository_url=repository_url, commit=commit))
    cell.metadata["tags"] = [SETUP_TAG]
    # Folded, as the book hides its set-up: JupyterLab and Notebook 7 collapse the code (its first
    # line, the title, stays in view); Colab shows the cell as a form with the #@title line as its title.
    cell.metadata["jupyter"] = {"source_hidden": True}
    cell.metadata["cellView"] = "form"
    return cell


def teaching_notebook(chapter: Chapter, repository_url: str, commit: str | None = None) -> nbformat.NotebookNode:
    """The chapter as a teaching notebook: resolved Markdown, live code, the set-up cell first, references last."""
    text = chapter.source.read_text(encoding="utf-8")
    notebook = jupytext.reads(text, fmt="md:myst")
    # Where each cell starts in the file, for error messages: jupytext keeps the cells in order.
    lines, cursor = text.splitlines(), 0
    cells = []
    for number, cell in enumerate(notebook.cells):
        first = cell.source.splitlines()[0] if cell.source.strip() else ""
        while cursor < len(lines) and first and first not in lines[cursor]:
            cursor += 1
        chapter.line = cursor
        if cell.cell_type == "markdown":
            following = notebook.cells[number + 1] if number + 1 < len(notebook.cells) else None
            live_next = following is not None and "skip-execution" in following.metadata.get("tags", [])
            converted = markdown(chapter, for_the_notebook(cell.source) if live_next else cell.source)
            if converted:
                cells.append(nbformat.v4.new_markdown_cell(converted))
            continue
        tags = [t for t in cell.metadata.get("tags", []) if t != "skip-execution"]
        metadata = {"tags": tags} if tags else {}
        if HIDDEN_TAGS & set(tags):  # collapsed in JupyterLab and Notebook 7, as the book hides them
            metadata["jupyter"] = {"source_hidden": True}
        cells.append(nbformat.v4.new_code_cell(cell.source, metadata=metadata))
    if not any(sign in cell.source for cell in cells if cell.cell_type == "markdown" for sign in DISCLAIMER_SIGNS):
        # The web book shows the health notice on every page (its announcement bar); a notebook
        # has no such bar, so a page without a disclaimer of its own gets the chapters' one.
        disclaimer = chapter.source.parent / DISCLAIMER
        if not disclaimer.exists():
            raise TeachingNotebookError(
                f"{chapter.source}: the page has no disclaimer of its own and {disclaimer} is missing: "
                "every teaching notebook carries the medical disclaimer"
            )
        notice = markdown(
            Chapter(**{**chapter.__dict__, "source": disclaimer, "line": 0, "lenient_refs": True}),
            disclaimer.read_text(),
        )
        first_markdown = next((i for i, cell in enumerate(cells) if cell.cell_type == "markdown"), -1)
        cells.insert(first_markdown + 1, nbformat.v4.new_markdown_cell(notice))
    if chapter.cited:
        cells.append(nbformat.v4.new_markdown_cell(reference_list(chapter.cited)))
    commit = _commit(chapter.source.parent) if commit is None else commit
    result = nbformat.v4.new_notebook(cells=[setup_cell(repository_url, commit), *cells])
    result.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    result.metadata["language_info"] = {"name": "python"}
    for index, cell in enumerate(result.cells):
        cell.id = f"cell-{index}"
    nbformat.validate(result)
    return result


def read_glue(path: Path) -> dict:
    """myst-nb's glue store of an executed chapter (empty if the chapter glues nothing)."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
