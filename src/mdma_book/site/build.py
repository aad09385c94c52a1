"""The one way the book is built: ``python -m mdma_book.site.build [BOOK] [--pdf] [--builder NAME]``.

`make book`, `make linkcheck` (``--builder linkcheck``), the tests' copies of the book and
``scripts/bench.py`` all build through this module, so they build the same way, with the same
strict flags and one digest (:func:`inputs_digest`) for every staleness rule:

0. **Nothing changed.** When :func:`inputs_digest` of everything a build reads
   (:func:`book_inputs`) equals the one kept in ``_build/.built-hash`` by the last complete
   build, and its pages (and PDF) are there, the command stops before importing Sphinx,
   jupyter-book or the analysis stack (:func:`up_to_date`): a fraction of a second.
1. **Stale inputs.** The execution cache keys on each notebook's code only. When the
   package, the data, the bibliography or ``_config.yml`` changed since the last build
   (:func:`inputs_digest` over :func:`source_inputs`, kept in ``_build/.inputs-hash``),
   the doctrees go, so every page is rebuilt and no figure or glued number is stale, and
   the cache goes too unless only the site layer changed (:func:`execution_inputs`, the
   first of the two digests in the stamp): a stylesheet edit executes no chapter. The
   same digest decides when the downloads are rewritten (:mod:`.extension`).
2. **Parallel execution.** Chapters whose code changed are executed first, one process per
   core, into the build's execution cache (:mod:`.execute`, jupyter-cache); a chapter that
   fails there is executed again by the build, which reports it.
3. **The strict build**: ``jupyter-book build`` with the flags of ``_config.yml``
   (``sphinx.config.mdma_build.flags``: ``-W -n --keep-going``), run in this process.
   ``jupyter-book`` validates ``_config.yml`` with jsonschema, and jsonschema, on import,
   loads the optional IRI format checker ``rfc3987_syntax`` whenever it is installed
   (JupyterLab's dependencies install it). That package compiles 38 lark grammars at
   import: about 3 of the 4 seconds of a build with nothing to do. The book's
   configuration schema checks no IRI formats, so the build marks the module absent,
   which jsonschema already handles (it then leaves those formats unchecked).
4. ``--pdf``: the PDF edition of ``BOOK`` (its ``_toc.yml`` and ``_config.yml``) is printed
   from the built pages, only when :func:`inputs_digest` of what it is printed from changed
   (:func:`.pdf_edition.printed_from`, kept in ``_build/.pdf-inputs-hash``).

A copy of the book (the tests') is built with the package reading the copy's data and
bibliography (``MDMA_BOOK_DATA``, ``MDMA_BOOK_BIB``). :func:`run` starts the command as a
subprocess, with the time limit of ``mdma_build.timeout``, for callers that wait on it.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from mdma_book.paths import REPO_ROOT, bibliography_file, data_dir

# Only what the no-change path needs is imported here (it runs in well under a second):
# yaml, http.server, subprocess, Sphinx and jupyter-book are imported where they are used.

#: The PDF edition's file name, at the root of the built site (:mod:`.pdf_edition`).
PDF_NAME = "mdma-evidence-book.pdf"
#: Debian's chromium: it draws the figures' pictures (kaleido), prints the PDF and runs the
#: browser tests, the benchmark and the screenshots. Never a downloaded browser.
CHROMIUM = Path("/usr/bin/chromium")
#: Flags that keep chromium from calling Google's services on this closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class BuildConfig:
    """The build's settings, all from the book's ``_config.yml``."""

    flags: list[str]  #: jupyter-book's flags (``sphinx.config.mdma_build.flags``)
    timeout: int  #: seconds a whole build may take, for callers that wait on it (``mdma_build.timeout``)
    execute_timeout: int  #: seconds a chapter's cell may run (``execute.timeout``, as myst-nb reads it)


def build_config(book: Path = REPO_ROOT) -> BuildConfig:
    import yaml

    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    own = config["sphinx"]["config"]["mdma_build"]
    return BuildConfig(
        flags=[str(flag) for flag in own["flags"]],
        timeout=int(own["timeout"]),
        execute_timeout=int(config["execute"]["timeout"]),
    )


def toc_pages(book: Path = REPO_ROOT) -> list[str]:
    """Every page of the book, as paths relative to the HTML root, from ``_toc.yml``."""
    import yaml

    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part["chapters"]]
    return [f"{name}.html" for name in files]


def serve(directory: Path):
    """Serve ``directory`` on a free port of 127.0.0.1 in a background thread; return (server, base URL ending in ``/``)."""
    import functools
    import http.server
    import threading

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    class QuietServer(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # chromium closes connections it no longer needs; nothing to report

    handler = functools.partial(QuietHandler, directory=str(directory))
    server = QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


# --- The one staleness digest ----------------------------------------------------------


def inputs_digest(files: list[Path], root: Path) -> str:
    """One digest of ``files``: each one's path (relative to ``root`` where it lies under it) and bytes."""
    digest = hashlib.sha256()
    for path in sorted(files):
        name = path.relative_to(root) if path.is_relative_to(root) else Path(path.name)
        digest.update(name.as_posix().encode() + b"\0")
        digest.update(path.read_bytes() if path.exists() else b"missing")
        digest.update(b"\0")
    return digest.hexdigest()


def source_inputs(book: Path = REPO_ROOT) -> list[Path]:
    """What every page is computed from: the package (code and assets), the data, the bibliography, ``_config.yml``."""
    package = Path(__file__).parents[1]  # mdma_book
    files = [p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    files += [p for p in data_dir().rglob("*") if p.is_file()]  # the data the package reads (MDMA_BOOK_DATA)
    return [*files, bibliography_file(), book / "_config.yml"]


def execution_inputs(book: Path = REPO_ROOT) -> list[Path]:
    """What the chapters' executed outputs are computed from: :func:`source_inputs` but the site layer.

    No chapter imports :mod:`mdma_book.site` (``tests/test_site_layer.py``), so a change there (a
    stylesheet, the renderer, the page shell) rebuilds the pages without executing the chapters again.
    """
    site = Path(__file__).parent
    return [p for p in source_inputs(book) if not p.is_relative_to(site)]


def source_digest(book: Path = REPO_ROOT) -> str:
    """:func:`inputs_digest` of :func:`source_inputs`: the build's staleness digest."""
    return inputs_digest(source_inputs(book), book)


def book_inputs(book: Path = REPO_ROOT) -> list[Path]:
    """Everything a build reads: :func:`source_inputs`, the pages (``book/``, but the downloads
    the build writes there), ``_toc.yml``, the templates, the citation file and the pins."""
    pages = [
        p
        for p in (book / "book").rglob("*")
        if p.is_file()
        and "_data" not in p.relative_to(book).parts
        and not any(part.startswith(".") for part in p.relative_to(book).parts)
    ]
    templates = [p for p in (book / "templates").rglob("*") if p.is_file()]
    own = [book / name for name in ("_toc.yml", "CITATION.cff", "requirements.txt")]
    return [*source_inputs(book), *pages, *templates, *own]


def _built_stamp(book: Path, pdf: bool) -> str:
    """What ``_build/.built-hash`` holds after a complete build: :func:`inputs_digest` of :func:`book_inputs`."""
    return inputs_digest(book_inputs(book), book) + (" pdf" if pdf else "") + "\n"


def up_to_date(book: Path, pdf: bool) -> bool:
    """Whether the last complete build of ``book`` read exactly today's inputs and its pages (and PDF) are there.

    Then ``make book`` has nothing to do and stops here, before Sphinx or jupyter-book is imported.
    """
    stamp = book / "_build" / ".built-hash"
    html = book / "_build" / "html"
    if not stamp.exists() or not all((html / page).exists() for page in toc_pages(book)):
        return False
    digest, *printed = stamp.read_text().split()
    if pdf and (printed != ["pdf"] or not (html / PDF_NAME).exists()):
        return False
    return digest == inputs_digest(book_inputs(book), book)


# --- The build -------------------------------------------------------------------------


def _drop_stale_cache(build_dir: Path, digests: str) -> None:
    """Drop the execution cache when :func:`execution_inputs` changed, the doctrees when :func:`source_inputs` did.

    ``digests``: the two digests, as ``_build/.inputs-hash`` keeps them (one line).
    """
    import shutil

    stamp = build_dir / ".inputs-hash"
    kept = stamp.read_text().split() if stamp.exists() else []
    if kept == digests.split():
        return
    stamp.unlink(missing_ok=True)  # until a build succeeds, neither cache nor doctrees match any stamp
    if kept[:1] != digests.split()[:1]:
        if (build_dir / ".jupyter_cache").exists():
            print("package, data or bibliography changed: re-executing every chapter")
        shutil.rmtree(build_dir / ".jupyter_cache", ignore_errors=True)
    elif (build_dir / ".doctrees").exists():
        print("the site layer changed: rebuilding every page from the cached execution")
    shutil.rmtree(build_dir / ".doctrees", ignore_errors=True)


def _jupyter_book(book: Path, flags: list[str], builder: str) -> int:
    sys.modules.setdefault("rfc3987_syntax", None)  # import fails with ImportError; jsonschema skips it
    from jupyter_book.cli.main import main

    try:
        main(["build", str(book), "--builder", builder, *flags])
    except SystemExit as done:  # click ends the command this way
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    return 0


def _read_copy_sources(book: Path) -> None:
    if book != REPO_ROOT.resolve():  # a copy: the package reads the copy's data and bibliography, if it has them
        for variable, path in (("MDMA_BOOK_DATA", book / "data"), ("MDMA_BOOK_BIB", book / "references.bib")):
            if path.exists():
                os.environ.setdefault(variable, str(path))


def build(book: Path = REPO_ROOT, pdf: bool = False, builder: str = "html") -> int:
    """Build ``book`` strictly into ``book/_build/<builder>``; return the exit status (0: built).

    ``builder``: ``html`` (the book, then with ``pdf`` its PDF edition) or another of jupyter-book's
    builders, e.g. ``linkcheck`` (``make linkcheck``), with the same flags and execution cache.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # before anything imports jsonschema (see above)
    book = book.resolve()
    _read_copy_sources(book)
    if builder == "html" and up_to_date(book, pdf):
        print("nothing changed since the last build: _build/html is up to date")
        return 0
    if builder == "html" and pdf and up_to_date(book, pdf=False):  # `make pdf` after `make book`: print only
        from mdma_book.site import pdf_edition

        pdf_edition.print_if_changed(book / "_build" / "html", book)
        (book / "_build" / ".built-hash").write_text(_built_stamp(book, pdf))
        return 0
    config = build_config(book)
    build_dir = book / "_build"
    (build_dir / ".built-hash").unlink(missing_ok=True)  # a failed build leaves pages no stamp vouches for
    digest = f"{inputs_digest(execution_inputs(book), book)} {source_digest(book)}"
    _drop_stale_cache(build_dir, digest)
    from mdma_book.site import execute

    for uri in execute.execute_stale(
        build_dir / ".jupyter_cache", sorted((book / "book").glob("*.md")), config.execute_timeout
    ):
        print(f"{uri}: failed; the build will execute it again and report the error")
    built = _built_stamp(book, pdf)  # before the build, which writes the downloads into book/_data
    status = _jupyter_book(book, config.flags, builder)
    if status != 0:
        return status
    (build_dir / ".inputs-hash").write_text(digest + "\n")  # the cache and doctrees, shared by the builders, are fresh
    if builder != "html":
        return 0
    from mdma_book.site import pdf_edition

    if pdf:
        pdf_edition.print_if_changed(build_dir / "html", book)
    else:
        pdf_edition.drop_if_stale(build_dir / "html", book)
    (build_dir / ".built-hash").write_text(built)
    return 0


def run(book: Path = REPO_ROOT, pdf: bool = False, **options):
    """Run the build command on ``book`` in a new process (its output captured), within ``mdma_build.timeout``."""
    import subprocess

    command = [sys.executable, "-m", "mdma_book.site.build", str(book), *(["--pdf"] if pdf else [])]
    options = {"capture_output": True, "text": True, "timeout": build_config(book).timeout, **options}
    return subprocess.run(command, **options)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("book", type=Path, nargs="?", default=REPO_ROOT, help="the book's folder (default: this one)")
    parser.add_argument("--pdf", action="store_true", help="then print the PDF edition, if its pages changed")
    parser.add_argument("--builder", default="html", help="jupyter-book's builder (default html; e.g. linkcheck)")
    args = parser.parse_args(argv)
    return build(args.book, pdf=args.pdf, builder=args.builder)


if __name__ == "__main__":
    sys.exit(main())
