"""Measure the edit loop of `make book`: serial execution, cold, no-change, one-chapter edits.

Prints a Markdown section for bench/results.md. Run from the repository root after
`make book` has set up .venv: `.venv/bin/python scripts/edit_loop.py`. It deletes
_build, edits the last chapter of `_toc.yml` that runs code temporarily (and restores it),
and builds several times.
"""

from __future__ import annotations

import os
import platform
import resource
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from mdma_book.site import execute
from mdma_book.site.build import build_config, toc_pages
from mdma_book.site.execute import is_notebook

ROOT = Path(__file__).resolve().parents[1]
#: The chapter edited: the last page of _toc.yml that is a notebook, so the script follows the book's contents.
CHAPTER = [
    ROOT / page.replace(".html", ".md") for page in toc_pages() if is_notebook(ROOT / page.replace(".html", ".md"))
][-1]
PROSE_EDIT = "\nA sentence added to the prose by the edit-loop benchmark.\n"
CODE_EDIT = "\n```{code-cell} ipython3\n:tags: [remove-cell]\n\nedited_by_the_benchmark = True\n```\n"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def make_book() -> tuple[float, str]:
    seconds, _, output = timed_make_book()
    return seconds, output


def timed_make_book() -> tuple[float, float, str]:
    """`make book`: wall seconds, CPU seconds (user + system, of make and all it ran) and its output.

    On a busy machine the CPU time is the fair measure; the wall time is what a reader waits.
    """
    start, cpu = time.perf_counter(), _children_cpu()
    result = subprocess.run(["make", "book"], cwd=ROOT, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, _children_cpu() - cpu, result.stdout + result.stderr


def executed(output: str) -> int:
    """Chapters executed by the parallel step plus any the build itself executed."""
    parallel = sum(int(line.split()[1]) for line in output.splitlines() if line.startswith("executed "))
    return parallel + output.count("Executing notebook using")


def serial_execution() -> float:
    """Every chapter executed one after another into an empty cache (what the build used to do)."""
    return execute.serial_execution_seconds(sorted((ROOT / "book").glob("*.md")), build_config().execute_timeout)


def with_edit(text: str) -> tuple[float, int]:
    original = CHAPTER.read_text(encoding="utf-8")
    try:
        CHAPTER.write_text(original + text, encoding="utf-8")
        seconds, output = make_book()
        return seconds, executed(output)
    finally:
        CHAPTER.write_text(original, encoding="utf-8")
        make_book()


def main() -> None:
    serial = serial_execution()
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    shutil.rmtree(ROOT / "book" / "_data", ignore_errors=True)
    cold, output = make_book()
    cold_executed = executed(output)
    runs = [timed_make_book() for _ in range(3)]
    no_change = statistics.median(wall for wall, _, _ in runs)
    no_change_cpu = statistics.median(cpu for _, cpu, _ in runs)
    prose, prose_executed = with_edit(PROSE_EDIT)
    code, code_executed = with_edit(CODE_EDIT)
    load = os.getloadavg()[0]
    print(f"""| measurement ({platform.machine()}, {os.cpu_count()} cores, load average {load:.1f} at the end) | seconds | chapters executed |
| --- | --- | --- |
| every chapter executed serially (jupyter-cache, no build) | {serial:.1f} | all |
| cold `make book` (no `_build`) | {cold:.1f} ({cold / serial:.2f}× serial execution) | {cold_executed} |
| `make book`, no change (median of 3) | {no_change:.1f} ({no_change_cpu:.1f} CPU) | 0 |
| `make book` after editing one chapter's prose | {prose:.1f} | {prose_executed} |
| `make book` after editing one chapter's code | {code:.1f} | {code_executed} |""")


if __name__ == "__main__":
    main()
