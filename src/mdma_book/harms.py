"""The harms and risks of MDMA, from ``data/harms.csv``: what trials recorded, what else is known, what is alleged, what is unknown.

One statement per row, each with the kind of evidence behind it (a trial, a
laboratory study, a case series, a regulator's document, a journalist's report...)
and its source. A journalist's report is an allegation: its row must carry the
response to it and that response's source. The chapter on harms is generated
from this file, so a correction here changes the book.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from mdma_book.evidence import (
    EVIDENCE_KINDS,
    _key_list_check,
    bibliography_keys,
    load_table,
    row_check,
    sourced_checks,
)
from mdma_book.paths import data_dir
from mdma_book.safe_text import myst
from mdma_book.table_schema import declared_schema

#: Sections of the harms chapter, in reading order, with their headings.
CATEGORIES = {
    "recorded_in_trials": "What the trials recorded, and what regulators and journals found in the records",
    "laboratory_and_case_reports": "What laboratory studies and case reports add",
    "alleged_not_proven": "Reported but not established",
    "not_yet_known": "What no one yet knows",
}


#: Kinds of document that the book often read only in a news report (``status`` secondary), and how it says so.
READ_IN_THE_PRESS = {"regulator": "as reported in the press", "journal notice": "as quoted in the press"}

RESPONSE_CHECK = "a journalism row needs the response to it and that response's source"


def harms_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``harms.csv``: one statement about a harm or risk per row."""
    return declared_schema(
        "harms",
        {
            **sourced_checks(bib_keys),
            "other_source_keys": _key_list_check(bib_keys),
            "response_source_key": _key_list_check(bib_keys),
        },
        checks=[
            row_check(
                lambda df: (
                    (df["evidence_kind"] != "journalism") | (df["response"].notna() & df["response_source_key"].notna())
                ),
                RESPONSE_CHECK,
                # Reported under the row's evidence kind: pandera lists no failure case for the empty response cell.
                "evidence_kind",
                name="journalism_has_response",
            ),
        ],
        ordered=False,
    )


def harms(path: Path | None = None) -> pd.DataFrame:
    """The harm statements (``data/harms.csv``), validated, in file order."""
    return load_table(path or data_dir() / "harms.csv", harms_schema(bibliography_keys()))


def _cite(keys: str) -> str:
    # Keys were checked against references.bib by the schema, so they are safe to place in a role.
    keys = ",".join(k for k in str(keys).split(";") if k)
    return f"{{cite:p}}`{keys}`"


def harms_markdown(table: pd.DataFrame, category: str) -> str:
    """One section of the harms chapter as MyST Markdown: a topic, the statement, its evidence kind and citation.

    Text from the data file is escaped, so it shows as text whatever it holds;
    only the citation roles and labels come from code.
    """
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}; choose one of {list(CATEGORIES)}")
    parts = []
    for row in table[table["category"] == category].itertuples():
        if row.evidence_kind == "journalism":
            label = "**Evidence:** *journalism, an allegation*"
        elif row.evidence_kind in READ_IN_THE_PRESS and row.status == "secondary":
            label = f"**Evidence:** *{row.evidence_kind}, {READ_IN_THE_PRESS[row.evidence_kind]}*"
        else:
            label = f"**Evidence:** *{row.evidence_kind}*"
        keys = row.source_key if pd.isna(row.other_source_keys) else f"{row.source_key};{row.other_source_keys}"
        entry = f"- **{myst(row.topic)}.** {myst(row.statement)} {label} {_cite(keys)}"
        if row.evidence_kind == "journalism":
            entry += f"\n  *Response:* {myst(row.response)} {_cite(row.response_source_key)}"
        parts.append(entry)
    return "\n".join(parts) + "\n"


def evidence_kind_counts(table: pd.DataFrame) -> pd.DataFrame:
    """How many statements of each section rest on each kind of evidence (rows: kinds; columns: sections)."""
    counts = table.groupby(["evidence_kind", "category"]).size().unstack(fill_value=0)
    counts = counts.reindex(
        index=[k for k in EVIDENCE_KINDS if k in counts.index], columns=list(CATEGORIES), fill_value=0
    )
    counts.columns = [CATEGORIES[c] for c in counts.columns]
    return counts.rename_axis("Kind of evidence").reset_index()
