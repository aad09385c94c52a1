"""Text from the data files, made safe to place in generated MyST Markdown.

A value from ``data/`` or ``references.bib`` must show as the text it is: a
``<script>`` tag, a ``{cite}`` role or a ``[link](...)`` typed into a CSV cell
must not become markup. CommonMark lets a backslash escape any ASCII
punctuation character and then shows the character itself, so escaping every
one of them is enough (the MyST parser follows the same rule); markup the book
wants, such as citation roles, is added by the code around the escaped text.
"""

from __future__ import annotations

import re

# Every ASCII punctuation character (CommonMark's "escapable" set): !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~
_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def escape_markdown(value: object) -> str:
    """Return ``value`` as text that MyST renders literally, on one line.

    Newlines become spaces, so a value cannot start a new block (a heading, a
    directive fence) either.
    """
    text = " ".join(str(value).split())
    return _ASCII_PUNCTUATION.sub(r"\\\1", text)
