"""Execute the chapters whose code or inputs changed, in parallel, into the build's execution cache.

myst-nb's ``cache`` mode executes stale chapters one after another inside the
build. This runs them first, one process per core, with jupyter-cache (the
library behind that mode) into the same cache, so the build then finds every
chapter cached. A chapter that raises is not cached: the build executes it
again and fails with its traceback, as before.

Run by the build command (:mod:`mdma_book.site.build`) before the build itself, on ``book/*.md``;
pages without a kernelspec are skipped.
"""

from __future__ import annotations

from pathlib import Path

from mdma_book.site.build import inputs_digest

#: myst-nb's reader for MyST Markdown notebooks, as registered with jupyter-cache.
MYST_READER = {"name": "myst_nb_md", "type": "plugin"}


def is_notebook(path: Path) -> bool:
    """Whether a page is a MyST notebook (a kernelspec in its front matter)."""
    text = path.read_text(encoding="utf-8")
    return text.startswith("---\n") and "\nkernelspec:" in text.split("\n---\n", 1)[0]


def execute_stale(cache_path: Path, pages: list[Path], timeout: int) -> list[str]:
    """Execute the notebooks among ``pages`` that the cache lacks; return the ones that failed.

    When no page changed since the last run into this cache (a digest kept in the
    cache folder, so it goes when the cache is cleared), nothing is imported or checked.
    ``timeout``: seconds a cell may run (``execute.timeout`` of ``_config.yml``, as in the build).
    """
    stamp, digest = cache_path / "pages.sha256", inputs_digest(pages, cache_path.parents[1])  # the book's folder
    if stamp.exists() and stamp.read_text() == digest:
        return []
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    cache = get_cache(str(cache_path))
    notebooks = [page.resolve() for page in pages if is_notebook(page)]
    for notebook in notebooks:
        cache.add_nb_to_project(str(notebook), read_data=MYST_READER)
    result = load_executor("local-parallel", cache).run_and_cache(
        filter_uris=[str(n) for n in notebooks], timeout=timeout
    )
    if result.succeeded:
        print(
            f"executed {len(result.succeeded)} chapter(s) in parallel: "
            + ", ".join(Path(u).name for u in result.succeeded)
        )
    if not result.errored:
        stamp.write_text(digest)
    return list(result.errored)


def serial_execution_seconds(pages: list[Path], timeout: int) -> float:
    """Seconds to execute every notebook among ``pages`` one after another into an empty cache.

    The measure the cold build is compared with (issue 19: cold ``make book`` within 1.2 times it);
    run by ``scripts/bench.py`` and ``scripts/edit_loop.py``.
    """
    import tempfile
    import time

    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    with tempfile.TemporaryDirectory() as folder:
        cache = get_cache(folder)
        for page in pages:
            if is_notebook(page):
                cache.add_nb_to_project(str(page.resolve()), read_data=MYST_READER)
        start = time.perf_counter()
        load_executor("local-serial", cache).run_and_cache(timeout=timeout)
        return time.perf_counter() - start
