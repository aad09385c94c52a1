"""Author–year labels for the bibliography list, to match the author–year citations in the text.

pybtex ships only numeric and alpha ("MBL+21") labels, and sphinxcontrib-bibtex's
``bibtex_reference_style: author_year`` changes the citations in the text but not
the labels of the list. This registers a pybtex label style and a formatting style
that uses it (``bibtex_default_style: authoryear`` in ``_config.yml``).
"""

from __future__ import annotations

from pybtex.database import Entry
from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle

from mdma_book.citations import citation_label


class AuthorYearLabelStyle(BaseLabelStyle):
    """Labels like 'Kirkpatrick et al., 2014a' and '... 2014b' when two would clash.

    The suffixes are assigned over the whole of ``references.bib``
    (:func:`mdma_book.citations.citation_label`), so a source has the same label
    in the list, in the text and in the figures' hover text.
    """

    def format_labels(self, sorted_entries):
        for entry in sorted_entries:
            yield citation_label(entry.key)


class AuthorYearStyle(PlainStyle):
    """pybtex's plain formatting (sorted by author, year, title) with author–year labels.

    The ``note`` field of ``references.bib`` holds contributors' verification notes
    (where a detail was read, what could not be checked); readers see instead a
    retraction, from the ``retraction`` field, and nothing else from the notes.
    """

    default_label_style = "authoryear"

    def format_entry(self, label, entry, bib_data=None):
        fields = {name: value for name, value in entry.fields.items() if name != "note"}
        if "retraction" in entry.fields:
            fields["note"] = f"RETRACTED: {entry.fields['retraction']}"
        shown = Entry(entry.type, fields=fields, persons=entry.persons)
        shown.key = entry.key
        return super().format_entry(label, shown, bib_data=bib_data)


def register() -> None:
    """Make ``authoryear`` available to pybtex (and so to sphinxcontrib-bibtex)."""
    register_plugin("pybtex.style.labels", "authoryear", AuthorYearLabelStyle)
    register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle)
