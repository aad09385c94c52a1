"""Safety information for readers who take medicines: the interaction table and crisis help by country.

* ``data/interactions.csv``: one row per medicine or class that a source reports
  interacting with MDMA, with what is reported, how it is thought to happen, the kind
  of evidence, the source and whether the risk lasts after the medicine is stopped.
  No row may call a combination safe: the schema refuses the words.
* ``data/crisis_lines.csv``: crisis lines by country, each from a page that was read,
  with the date it was checked.

Sphinx extension (listed in ``_config.yml``):

* the ``crisis-lines`` directive writes the crisis lines from the data wherever a page
  (or ``book/disclaimer.md``, which every chapter includes) asks for them;
* ``html-page-context``: the page holding the interaction table gets
  ``interactions.js`` and ``interactions.css``, which add a filter box; other pages load
  neither, and without JavaScript (or in print) the whole table shows;
* ``build-finished``: copy ``safety_static/`` into ``_static/mdma-safety/``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import pandera.pandas as pa

from mdma_book.currency import readable_day
from mdma_book.evidence import (
    _key_list_check,
    bibliography_keys,
    load_table,
    sourced_checks,
)
from mdma_book.paths import data_dir
from mdma_book.safe_text import myst
from mdma_book.table_schema import declared_schema

TABLE_CLASS = "mdma-interactions"

#: Words no interaction row may contain: the book never calls a combination safe.
FORBIDDEN_WORDS = r"(?i)\b(?:safe|safely|safer|harmless|no interaction)\b"
#: Printed after the evidence kind of a row whose source was read only in someone else's report (status secondary).
SECONDARY_NOTE = ", read only as reported by others (the original was not read)"
#: The line shown beside the table in every state of the filter.
NOT_LISTED = (
    "A medicine that is not listed here is not known to be safe with MDMA. "
    "Do not stop or change a medicine without your prescriber. "
    "Do not combine any medicine with MDMA: no combination has been shown safe. "
    "Stopping a medicine in order to take MDMA does not make it safe."
)


#: Columns of interactions.csv a contributor writes in words, where FORBIDDEN_WORDS may not appear.
WORDED_COLUMNS = ("medicines", "drug_class", "reported", "mechanism", "after_stopping", "brand_names")


def _never_called_safe() -> pa.Check:
    return pa.Check(
        lambda s: ~s.str.contains(FORBIDDEN_WORDS, regex=True),
        error="a row may not call a combination safe or say there is no interaction",
    )


def interactions_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``interactions.csv``: one medicine or class reported to interact with MDMA per row."""
    return declared_schema(
        "interactions",
        {
            **{column: _never_called_safe() for column in WORDED_COLUMNS},
            **sourced_checks(bib_keys),
            "other_source_keys": _key_list_check(bib_keys),
        },
        checks=[
            pa.Check(
                lambda df: df["brand_names"].isna() == df["brand_names_source"].isna(),
                error="a row with brand names must say where they were read (brand_names_source), and only then",
            )
        ],
        ordered=False,
    )


def interactions(path: Path | None = None) -> pd.DataFrame:
    """The interaction rows (``data/interactions.csv``), validated, in file order."""
    return load_table(path or data_dir() / "interactions.csv", interactions_schema(bibliography_keys()))


def _cite(keys: str) -> str:
    # Keys were checked against references.bib by the schema, so they are safe to place in a role.
    return "{cite:p}`" + ",".join(k for k in keys.split(";") if k) + "`"


#: Class of the column name written at the start of every cell: hidden beside the table's own
#: header row, shown above each cell where a phone draws a row as a card (``interactions.css``),
#: so that the cards read right without JavaScript too.
CELL_LABEL_CLASS = "mdma-cell-label"


def _cell_label(header: str) -> str:
    # A fixed header from this module, never data, so it may be written as HTML.
    return f'<span class="{CELL_LABEL_CLASS}">{header}</span> '


def _brand_names(names) -> str:
    """'. Brand names include: Prozac, Zoloft' after the generic names, or nothing (names as read; see ``brand_names_source``)."""
    if pd.isna(names) or not names.strip():
        return ""
    return ". Brand names include: " + myst(", ".join(n.strip() for n in names.split(";") if n.strip()))


def interactions_markdown(table: pd.DataFrame) -> str:
    """The interaction table as a MyST list-table with the class the filter script looks for.

    Every value from the data is escaped (it shows as text whatever it holds); the
    citation roles and each cell's column label come from code.
    """
    headers = [
        "Medicine (generic names; brand names)",
        "Class",
        "What is reported",
        "How it is thought to happen",
        "Evidence",
        "Does the risk last after stopping?",
    ]
    lines = [
        "```{list-table}",
        ":header-rows: 1",
        f":class: {TABLE_CLASS}",
        ":name: interaction-table",
        "",
        *(("* - " if i == 0 else "  - ") + h for i, h in enumerate(headers)),
    ]
    for row in table.itertuples():
        keys = row.source_key if pd.isna(row.other_source_keys) else f"{row.source_key};{row.other_source_keys}"
        cells = [
            f"**{myst(row.medicines)}**" + _brand_names(row.brand_names),
            myst(row.drug_class),
            myst(row.reported),
            myst(row.mechanism),
            f"*{myst(row.evidence_kind)}*{SECONDARY_NOTE if row.status == 'secondary' else ''} {_cite(keys)}",
            f"**{myst(row.lasts_after_stopping)}.** {myst(row.after_stopping)}",
        ]
        lines += [
            ("* - " if i == 0 else "  - ") + _cell_label(header) + cell
            for i, (header, cell) in enumerate(zip(headers, cells, strict=True))
        ]
    lines.append("```")
    return "\n".join(lines) + "\n"


def crisis_lines_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``crisis_lines.csv``: one crisis line or directory per row, with the page it was read on."""
    return declared_schema("crisis_lines", sourced_checks(bib_keys))


def crisis_lines(path: Path | None = None) -> pd.DataFrame:
    """The crisis lines (``data/crisis_lines.csv``), validated, in file order."""
    return load_table(path or data_dir() / "crisis_lines.csv", crisis_lines_schema(bibliography_keys()))


#: A telephone number inside ``how_to_reach`` ("988", "9-8-8", "116 123", "13 11 14", "000").
_PHONE_NUMBER = re.compile(r"\b\d(?:[\d -]*\d)?\b")


def _escaped(text: str) -> str:
    """``myst(text)``, keeping one leading and one trailing space if ``text`` had them."""
    if not text.strip():
        return " " if text else ""
    return (" " if text[0].isspace() else "") + myst(text) + (" " if text[-1].isspace() else "")


def _reach_markdown(how_to_reach: str, source_url: str = "") -> str:
    """``how_to_reach`` as escaped MyST text whose numbers are ``tel:`` links; "text" before a number is an ``sms:`` link.

    A web address in it that names ``source_url``'s own site (a directory's "findahelpline.com")
    links to ``source_url``. The visible text stays exactly ``how_to_reach``.
    """
    parts, end = [], 0
    for match in _PHONE_NUMBER.finditer(how_to_reach):
        digits = re.sub(r"\D", "", match.group(0))
        if len(digits) < 3:  # not a telephone number
            continue
        before = _escaped(how_to_reach[end : match.start()])
        # The links come from code: only digits, spaces and hyphens of the data reach the markup.
        before = re.sub(r"\btext\b", f"[text](sms:{digits})", before, count=1)
        parts += [before, f"[{match.group(0)}](tel:{digits})"]
        end = match.end()
    parts.append(_escaped(how_to_reach[end:]))
    return _site_linked("".join(parts).strip(), source_url)


def _site_linked(markdown: str, source_url: str) -> str:
    """``markdown`` with the first mention of ``source_url``'s host (without ``www.``) made a link to it."""
    host = (urlparse(source_url).hostname or "").removeprefix("www.")
    shown = _escaped(host)
    if not host or shown not in markdown:
        return markdown
    return markdown.replace(shown, f"[{shown}]({source_url})", 1)


def crisis_lines_markdown(table: pd.DataFrame, with_sources: bool = False, short: bool = False) -> str:
    """The crisis lines as a MyST bullet list, optionally with each line's source page and checked date.

    ``short``: one paragraph instead, for the foot of a back page.
    """
    items = []
    for row in table.itertuples():
        item = f"**{myst(row.region)}:** {_reach_markdown(row.how_to_reach, row.source_url)} ({myst(row.service)})"
        if with_sources:
            item += f"; checked {readable_day(row.checked_on)} on [{myst(row.source_publisher)}]({row.source_url})"
        items.append(item)
    if short:
        return (
            "**If you are in crisis or might harm yourself, call your local emergency number now.** "
            + "; ".join(items)
            + ". Where each number was read: {ref}`harms`.\n"
        )
    return "\n".join(f"- {item}" for item in items) + "\n"


#: Words that place a sentence about safety in the context of combining MDMA with something.
_COMBINATION = re.compile(
    r"(?i)\b(?:combine|combines|combined|combining|combination|combinations|together|mix\w*|alongside|interact\w*|with (?:mdma|ecstasy))\b"
)
_SAFE_WORDS = re.compile(r"(?i)\b(?:safe|safely|harmless|no (?:known )?interactions?)\b")
#: A sentence that denies or questions safety ("not known to be safe", "no combination has been shown safe").
_NEGATION = re.compile(
    r"(?i)\b(?:not|never|no combination|none|nothing|cannot|unknown|neither|nor|without|isn't|aren't)\b"
)
#: Wordings that would read as an instruction to take, dose, time or combine MDMA.
INSTRUCTION_PATTERNS = (
    re.compile(
        r"(?i)\b(?:you should|you can|you could|you may|it is (?:fine|okay|ok) to|try to|try)\s+"
        r"(?:take|taking|use|using|combine|combining|mix|mixing|dose|dosing)\b"
    ),
    re.compile(r"(?i)^(?:take|use|combine|mix|dose|wait|start with)\b.*\b(?:mdma|ecstasy|molly)\b"),
    re.compile(
        r"(?i)\bwait (?:at least |about )?\w+ (?:hours?|days?|weeks?) (?:before|after) (?:taking|using|combining)\b"
    ),
    re.compile(r"(?i)\b(?:recommended|safe|starting|ideal|best) dose\b"),
    re.compile(r"(?i)\b(?:how to|the best way to|the safest way to) (?:take|dose|use|combine|mix)\b"),
)


def unsafe_phrases(text: str) -> list[str]:
    """Sentences of ``text`` that call a combination with MDMA safe or harmless, or read as an instruction to use it.

    A heuristic, not a reader: a sentence about safety passes only when it also denies
    or questions it ("a medicine that is not listed is not known to be safe").
    """
    found = []
    for sentence in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
        unsafe_claim = _SAFE_WORDS.search(sentence) and _COMBINATION.search(sentence) and not _NEGATION.search(sentence)
        if unsafe_claim or any(pattern.search(sentence) for pattern in INSTRUCTION_PATTERNS):
            found.append(sentence)
    return found
