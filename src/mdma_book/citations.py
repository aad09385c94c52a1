"""The bibliography, read once: citation keys and author–year labels from references.bib.

One place for both the labels readers see in hover text and source lines and the
labels of the bibliography list (:mod:`mdma_book.site.bibstyle` uses :func:`author_year`).
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
    """'Mitchell et al., 2021', 'Vizeli and Liechti, 2017', 'Reuters, 2024' for a pybtex entry.

    An entry whose authors were not seen can give a ``shorthand`` field to use instead of its title.
    """
    people = entry.persons.get("author", [])
    # "van Amsterdam", "de Boer": the particle belongs to the surname a reader looks for.
    surnames = [" ".join(person.prelast_names + person.last_names) for person in people]
    if "shorthand" in entry.fields:  # a source whose authors were not seen names itself briefly
        name = entry.fields["shorthand"]
    elif not surnames:
        name = entry.fields.get("title", entry.key)
    elif len(surnames) == 1:
        name = surnames[0]
    elif len(surnames) == 2:
        name = f"{surnames[0]} and {surnames[1]}"
    else:
        name = f"{surnames[0]} et al."
    # Names keep their LaTeX accents in the .bib file ("Benzenh{\"o}fer"); readers see "Benzenhöfer".
    name = codecs.decode(name, "ulatex").replace("{", "").replace("}", "")
    # An entry whose year was not seen can say so (``yearnote``) instead of the bare 'n.d.'.
    return f"{name}, {entry.fields.get('year', entry.fields.get('yearnote', 'n.d.'))}"


@lru_cache(maxsize=4)
def _labels(bib_path: Path) -> dict[str, str]:
    from collections import defaultdict
    from string import ascii_lowercase

    from pybtex.style.sorting.author_year_title import SortingStyle

    entries = _parse(bib_path)
    groups = defaultdict(list)
    for entry in entries.values():
        groups[author_year(entry)].append(entry)
    labels = {}
    for plain, group in groups.items():
        if len(group) == 1:
            labels[group[0].key] = plain
            continue
        # The same order as the bibliography list sorts them (author, year, title), so "a" comes first there too.
        for suffix, entry in zip(ascii_lowercase, SortingStyle().sort(group)):
            labels[entry.key] = f"{plain}{suffix}"
    return labels


def citation_label(key: str, bib_path: Path | None = None) -> str:
    """The book's label for a source: 'Mitchell et al., 2021', or 'Hysek et al., 2012b' where two would read alike.

    One label everywhere: in the text, the bibliography list, figure hover text
    and source lines. Raises ``KeyError`` naming the key when ``references.bib`` lacks it.
    """
    labels = _labels(bib_path or bibliography_file())
    if key not in labels:
        raise KeyError(f"citation key {key!r} is not in references.bib")
    return labels[key]


def short_citation(key: str, bib_path: Path | None = None) -> str:
    """Return the label readers see for a citation key, e.g. ``"Mitchell et al., 2021"`` (see :func:`citation_label`)."""
    return citation_label(key, bib_path)


def citation_year(key: str, bib_path: Path | None = None) -> str:
    """The year of a source as its label shows it ('2021', or '2012b' where two labels would read alike)."""
    entry = bibliography_entries(bib_path)[key]
    year = entry.fields.get("year", entry.fields.get("yearnote", "n.d."))  # as author_year writes it
    return year + citation_label(key, bib_path).removeprefix(author_year(entry))
