"""The bibliography, read once: citation keys and author–year labels from references.bib.

One place for both the labels readers see in hover text and source lines and the
labels of the bibliography list (:mod:`mdma_book.bibstyle` uses :func:`author_year`).
"""

from __future__ import annotations

import codecs
from functools import lru_cache
from pathlib import Path

import latexcodec  # noqa: F401  (registers the "ulatex" codec; a pybtex dependency)
from pybtex.database import parse_file

from mdma_book.paths import bibliography_file


@lru_cache(maxsize=4)
def _parse(bib_path: Path):
    return parse_file(str(bib_path), "bibtex").entries


def bibliography_entries(bib_path: Path | None = None):
    """The pybtex entries of ``references.bib``, parsed once per file."""
    return _parse(bib_path or bibliography_file())


def author_year(entry) -> str:
    """'Mitchell et al., 2021', 'Vizeli and Liechti, 2017', 'Reuters, 2024' for a pybtex entry."""
    people = entry.persons.get("author", [])
    surnames = [" ".join(person.last_names) for person in people]
    if not surnames:
        name = entry.fields.get("title", entry.key)
    elif len(surnames) == 1:
        name = surnames[0]
    elif len(surnames) == 2:
        name = f"{surnames[0]} and {surnames[1]}"
    else:
        name = f"{surnames[0]} et al."
    # Names keep their LaTeX accents in the .bib file ("Benzenh{\"o}fer"); readers see "Benzenhöfer".
    name = codecs.decode(name, "ulatex").replace("{", "").replace("}", "")
    return f"{name}, {entry.fields.get('year', 'n.d.')}"


def short_citation(key: str, bib_path: Path | None = None) -> str:
    """Return e.g. ``"Mitchell et al., 2021"`` for a citation key.

    Raises ``KeyError`` naming the key when ``references.bib`` lacks it.
    """
    entries = bibliography_entries(bib_path)
    if key not in entries:
        raise KeyError(f"citation key {key!r} is not in references.bib")
    return author_year(entries[key])
