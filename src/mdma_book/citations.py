"""Short author–year labels for hover text and source lines, read from references.bib."""

from __future__ import annotations

import codecs
from functools import lru_cache
from pathlib import Path

import latexcodec  # noqa: F401  (registers the "ulatex" codec; a pybtex dependency)
from pybtex.database import parse_file

from mdma_book.paths import bibliography_file


@lru_cache(maxsize=4)
def _entries(bib_path: Path):
    return parse_file(str(bib_path), "bibtex").entries


def short_citation(key: str, bib_path: Path | None = None) -> str:
    """Return e.g. ``"Mitchell et al. 2021"`` for a citation key.

    Raises ``KeyError`` naming the key when ``references.bib`` lacks it.
    """
    entries = _entries(bib_path or bibliography_file())
    if key not in entries:
        raise KeyError(f"citation key {key!r} is not in references.bib")
    entry = entries[key]
    people = entry.persons.get("author", [])
    if not people:
        name = entry.fields.get("author", entry.fields.get("title", key)).strip("{}")
    else:
        last = " ".join(people[0].last_names)
        name = last + (" et al." if len(people) > 2 else f" and {' '.join(people[1].last_names)}" if len(people) == 2 else "")
    # Names keep their LaTeX accents in the .bib file ("Benzenh{\"o}fer"); readers see "Benzenhöfer".
    name = codecs.decode(name, "ulatex").replace("{", "").replace("}", "")
    return f"{name} {entry.fields.get('year', 'n.d.')}".strip()
