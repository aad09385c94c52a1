"""Data is text, never markup: escape values from data/ where each kind of page output renders them.

A value read from ``data/`` or ``references.bib`` may contain characters that
mean something to the format it lands in: ``<img onerror=...>`` to HTML and to
plotly's text, ``{cite:p}`` or ``*`` to MyST Markdown, ``=`` to a spreadsheet.
Markup the book wants (citation roles, bold labels, line breaks) is written by
the code around the values, never taken from the data. Where each format is
produced:

* MyST Markdown generated from data (the claims appendix, the mechanism list):
  :func:`myst`, applied to every data value the generator inserts.
* HTML tables: pandas ``to_html(escape=True)`` (:func:`mdma_book.prose.html_table`).
* plotly figures: :func:`plotly_figure`, applied to the whole figure where the
  static book renders it (:mod:`mdma_book.site.plotly_mime`).
* CSV downloads: :func:`spreadsheet_cells`.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is imported where used: the build imports this module on every run
    import pandas as pd

#: Every ASCII punctuation character; CommonMark (and so MyST) lets each be escaped with a backslash.
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def myst(value: object) -> str:
    """Return ``value`` as MyST Markdown that renders as exactly its text.

    Every ASCII punctuation character is backslash-escaped, so no role,
    directive, emphasis, link, HTML tag, math or target can start inside it;
    line breaks become spaces so the value stays inside its paragraph.
    """
    text = " ".join(str(value).split())
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


#: The formatting tags plotly.js draws and the book's figure code writes; everything else is escaped.
_PLOTLY_TAGS = re.compile(r"(</?(?:b|i|em|sup|sub|extra)>|<br\s*/?>)", re.IGNORECASE)


def plotly_string(text: str) -> str:
    """Escape plotly's pseudo-HTML in ``text``, keeping only the plain formatting tags.

    plotly.js reads text, hover text, titles and legend names as a small HTML
    dialect (tags, links, styles, entities). ``<``, ``>`` and ``&`` outside the
    formatting tags ``<b> <i> <em> <sup> <sub> <br> <extra>`` become entities, which
    plotly shows as the characters themselves. Those tags carry no attributes,
    so they can style text but never load or run anything.
    """
    parts = _PLOTLY_TAGS.split(text)
    return "".join(part if index % 2 else html.escape(part, quote=False) for index, part in enumerate(parts))


def plotly_figure(value: Any) -> Any:
    """Return a figure dict (or any part of one) with every string passed through :func:`plotly_string`.

    ``meta`` is left as it is: plotly never draws it, and the book's code and tests
    read their own bookkeeping there (e.g. an arrow's ``"from->to"``). The one part of it that
    is drawn, a figure's layout for the narrow width (:data:`mdma_book.page_figure.NARROW_LAYOUT`),
    is passed through like the rest of the figure.
    """
    if isinstance(value, str):
        return plotly_string(value)
    if isinstance(value, dict):
        return {key: _meta(item) if key == "meta" else plotly_figure(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plotly_figure(item) for item in value]
    return value


def _meta(meta: Any) -> Any:
    from mdma_book.page_figure import NARROW_LAYOUT

    if isinstance(meta, dict) and isinstance(meta.get(NARROW_LAYOUT), dict):
        return {**meta, NARROW_LAYOUT: plotly_figure(meta[NARROW_LAYOUT])}
    return meta


#: A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cells(table: pd.DataFrame) -> pd.DataFrame:
    """Return ``table`` with text cells that a spreadsheet would run as a formula prefixed by ``'``.

    Only text cells change (numbers stay numbers); this is the OWASP advice
    against CSV injection, so a downloaded file opens as the data it holds.
    """

    def neutral(cell: object) -> object:
        return f"'{cell}" if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell

    from pandas.api.types import is_string_dtype

    text_columns = [
        column for column in table.columns if table[column].dtype == object or is_string_dtype(table[column])
    ]
    return table.assign(**{column: table[column].map(neutral) for column in text_columns})
