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
   the cache and the doctrees go, so every page is rebuilt and no figure or glued number
   is stale. The same digest decides when the downloads are rewritten (:mod:`.extension`).
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

import argparse
import functools
import hashlib
import http.server
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import yaml

import mdma_book
from mdma_book.paths import REPO_ROOT, bibliography_file, data_dir

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
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    own = config["sphinx"]["config"]["mdma_build"]
    return BuildConfig(
        flags=[str(flag) for flag in own["flags"]],
        timeout=int(own["timeout"]),
        execute_timeout=int(config["execute"]["timeout"]),
    )


def toc_pages(book: Path = REPO_ROOT) -> list[str]:
    """Every page of the book, as paths relative to the HTML root, from ``_toc.yml``."""
    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part["chapters"]]
    return [f"{name}.html" for name in files]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # chromium closes connections it no longer needs; nothing to report


def serve(directory: Path):
    """Serve ``directory`` on a free port of 127.0.0.1 in a background thread; return (server, base URL ending in ``/``)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = _QuietServer(("127.0.0.1", 0), handler)
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
    package = Path(mdma_book.__file__).parent
    files = [p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    files += [p for p in data_dir().rglob("*") if p.is_file()]  # the data the package reads (MDMA_BOOK_DATA)
    return [*files, bibliography_file(), book / "_config.yml"]


def source_digest(book: Path = REPO_ROOT) -> str:
    """:func:`inputs_digest` of :func:`source_inputs`: the build's staleness digest."""
    return inputs_digest(source_inputs(book), book)


# --- The build -------------------------------------------------------------------------


def _drop_stale_cache(build_dir: Path, digest: str) -> None:
    stamp = build_dir / ".inputs-hash"
    if stamp.exists() and stamp.read_text().strip() == digest:
        return
    if (build_dir / ".jupyter_cache").exists() or (build_dir / ".doctrees").exists():
        print("package, data or bibliography changed: re-executing every chapter")
    shutil.rmtree(build_dir / ".jupyter_cache", ignore_errors=True)
    shutil.rmtree(build_dir / ".doctrees", ignore_errors=True)


def _jupyter_book(book: Path, flags: list[str]) -> int:
    sys.modules.setdefault("rfc3987_syntax", None)  # import fails with ImportError; jsonschema skips it
    from jupyter_book.cli.main import main

    try:
        main(["build", str(book), *flags])
    except SystemExit as done:  # click ends the command this way
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    return 0


def build(book: Path = REPO_ROOT, pdf: bool = False) -> int:
    """Build ``book`` strictly into ``book/_build/html``; return the exit status (0: built)."""
    sys.modules.setdefault("rfc3987_syntax", None)  # before anything imports jsonschema (see above)
    book = book.resolve()
    config = build_config(book)
    if book != REPO_ROOT.resolve():  # a copy: the package reads the copy's data and bibliography, if it has them
        for variable, path in (("MDMA_BOOK_DATA", book / "data"), ("MDMA_BOOK_BIB", book / "references.bib")):
            if path.exists():
                os.environ.setdefault(variable, str(path))
    build_dir = book / "_build"
    digest = source_digest(book)
    _drop_stale_cache(build_dir, digest)
    from mdma_book.site import execute

    for uri in execute.execute_stale(
        build_dir / ".jupyter_cache", sorted((book / "book").glob("*.md")), config.execute_timeout
    ):
        print(f"{uri}: failed; the build will execute it again and report the error")
    status = _jupyter_book(book, config.flags)
    if status != 0:
        return status
    if pdf:
        from mdma_book.site import pdf_edition

        pdf_edition.print_if_changed(build_dir / "html")
    (build_dir / ".inputs-hash").write_text(digest + "\n")
    return 0


def run(book: Path = REPO_ROOT, pdf: bool = False, **options) -> subprocess.CompletedProcess:
    """Run the build command on ``book`` in a new process (its output captured), within ``mdma_build.timeout``."""
    command = [sys.executable, "-m", "mdma_book.site.build", str(book), *(["--pdf"] if pdf else [])]
    options = {"capture_output": True, "text": True, "timeout": build_config(book).timeout, **options}
    return subprocess.run(command, **options)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("book", type=Path, nargs="?", default=REPO_ROOT, help="the book's folder (default: this one)")
    parser.add_argument("--pdf", action="store_true", help="then print the PDF edition, if its pages changed")
    args = parser.parse_args(argv)
    return build(args.book, pdf=args.pdf)


if __name__ == "__main__":
    sys.exit(main())
