"""Author–year labels for the bibliography list, to match the author–year citations in the text.

pybtex ships only numeric and alpha ("MBL+21") labels, and sphinxcontrib-bibtex's
``bibtex_reference_style: author_year`` changes the citations in the text but not
the labels of the list. This registers a pybtex label style and a formatting style
that uses it (``bibtex_default_style: authoryear`` in ``_config.yml``).
"""

from __future__ import annotations

from collections import Counter
from string import ascii_lowercase

from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle

from mdma_book.citations import author_year


class AuthorYearLabelStyle(BaseLabelStyle):
    """Labels like 'Kirkpatrick et al., 2014a' and '... 2014b' when two would clash."""

    def format_labels(self, sorted_entries):
        entries = list(sorted_entries)
        plain = [author_year(entry) for entry in entries]
        clashes = Counter(plain)
        seen: Counter = Counter()
        for label in plain:
            if clashes[label] > 1:
                yield f"{label}{ascii_lowercase[seen[label]]}"
                seen[label] += 1
            else:
                yield label


class AuthorYearStyle(PlainStyle):
    """pybtex's plain formatting (sorted by author, year, title) with author–year labels."""

    default_label_style = "authoryear"


def register() -> None:
    """Make ``authoryear`` available to pybtex (and so to sphinxcontrib-bibtex)."""
    register_plugin("pybtex.style.labels", "authoryear", AuthorYearLabelStyle)
    register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle)
