"""How fresh the book is: when each chapter's evidence was last checked, and what changed when.

``data/evidence_checked.csv`` gives, per page, the date its evidence was last
checked against the sources; the site (:mod:`mdma_book.site.currency`) prints that date
under the page's title, so no chapter types it. ``data/changelog.csv`` lists
every substantive correction and update with its date, reason and sources; the
"What changed" page is generated from it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from mdma_book.evidence import (
    BOOK_SECTIONS,
    EVIDENCE_KINDS,
    _key_list_check,
    _sourced_columns,
    bibliography_keys,
    load_table,
    row_check,
)
from mdma_book.paths import data_dir
from mdma_book.safe_text import myst

#: Kinds of change the "What changed" page lists, in the order it explains them.
CHANGE_KINDS = {
    "correction": "Correction: something the book said was wrong, misleading or incomplete",
    "update": "Update: new evidence or a new decision",
    "addition": "Addition: a topic the book did not cover",
}

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


def _date_column(nullable: bool = False) -> pa.Column:
    return pa.Column(
        str,
        [
            pa.Check.str_matches(DATE_PATTERN, error="date must be written YYYY-MM-DD"),
            pa.Check(
                lambda s: pd.to_datetime(s, format="%Y-%m-%d", errors="coerce").notna(),
                error="date is not a real calendar date",
            ),
        ],
        nullable=nullable,
    )


def _is_page(page: str) -> bool:
    """Whether ``book/<name>`` is a page of the book beside ``data/``."""
    return (data_dir().parent / f"{page}.md").is_file()


def evidence_checked_schema() -> pa.DataFrameSchema:
    """Schema of ``evidence_checked.csv``: one row per page whose evidence is dated."""
    return pa.DataFrameSchema(
        {
            "page": pa.Column(
                str,
                [
                    pa.Check.str_matches(
                        r"^book/[a-z0-9-]+$", error="page must be a document name like book/03-evidence"
                    ),
                    pa.Check(
                        _is_page, element_wise=True, error="page is not a page of the book (no such file in book/)"
                    ),
                ],
            ),
            "checked_on": _date_column(),
            "scope": pa.Column(str, pa.Check.str_length(min_value=5)),
        },
        strict=True,
        name="evidence_checked",
    )


def changelog_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``changelog.csv``: one substantive correction or update per row."""
    return pa.DataFrameSchema(
        {
            "date": _date_column(),
            "kind": pa.Column(str, pa.Check.isin(list(CHANGE_KINDS), error=f"kind not one of {list(CHANGE_KINDS)}")),
            "page": pa.Column(
                str, pa.Check.isin([*BOOK_SECTIONS, "home"], error=f"page not one of {[*BOOK_SECTIONS, 'home']}")
            ),
            "what_changed": pa.Column(str, pa.Check.str_length(min_value=10)),
            "why": pa.Column(str, pa.Check.str_length(min_value=10)),
            "source_keys": pa.Column(str, _key_list_check(bib_keys)),
        },
        strict=True,
        name="changelog",
    )


def access_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``access.csv``: where, and how, MDMA can be given outside research, by region."""
    return pa.DataFrameSchema(
        {
            "region": pa.Column(str, pa.Check.str_length(min_value=2)),
            "access": pa.Column(str, pa.Check.str_length(min_value=3)),
            # The day of the event the row describes (a law in force, an order signed); empty for a standing state.
            "event_date": _date_column(nullable=True),
            # The date the source itself carries; empty for an undated page.
            "source_date": _date_column(nullable=True),
            "statement": pa.Column(str, pa.Check.str_length(min_value=20)),
            "evidence_kind": pa.Column(
                str, pa.Check.isin(list(EVIDENCE_KINDS), error=f"evidence_kind not one of {list(EVIDENCE_KINDS)}")
            ),
            **_sourced_columns(bib_keys),
            # The day this book last read the source.
            "checked_on": _date_column(),
        },
        checks=[
            row_check(
                lambda df: df["source_date"].isna() | (df["source_date"] <= df["checked_on"]),
                "source_date is after checked_on: a source cannot be dated after the day it was read",
                "source_date",
                name="source_dated_before_it_was_read",
            )
        ],
        strict=True,
        name="access",
    )


def access(path: Path | None = None) -> pd.DataFrame:
    """Access to MDMA by region (``data/access.csv``), validated, in file order."""
    return load_table(path or data_dir() / "access.csv", access_schema(bibliography_keys()))


def _dated(event_date: object, source_date: object, checked_on: str) -> str:
    """'event of 18 April 2026; source dated 22 April 2026; checked on 3 December 2026' (the event part only if dated)."""
    event = "" if pd.isna(event_date) else f"event of {readable_day(event_date)}; "
    dated = "source undated" if pd.isna(source_date) else f"source dated {readable_day(source_date)}"
    return f"{event}{dated}; checked on {readable_day(checked_on)}"


def access_markdown(table: pd.DataFrame) -> str:
    """The access section as MyST Markdown: one entry per region with its status, date, evidence kind and citation."""
    parts = []
    for row in table.itertuples():
        parts.append(
            f"- **{myst(row.region)}: {myst(row.access)}** ({_dated(row.event_date, row.source_date, row.checked_on)}). "
            f"{myst(row.statement)} *{row.evidence_kind.capitalize()}* {{cite:p}}`{row.source_key}`"
        )
    return "\n".join(parts) + "\n"


def evidence_checked(path: Path | None = None) -> pd.DataFrame:
    """When each page's evidence was last checked (``data/evidence_checked.csv``), validated."""
    return load_table(path or data_dir() / "evidence_checked.csv", evidence_checked_schema())


def changelog(path: Path | None = None) -> pd.DataFrame:
    """Every substantive correction and update (``data/changelog.csv``), validated, newest first."""
    table = load_table(path or data_dir() / "changelog.csv", changelog_schema(bibliography_keys()))
    return table.sort_values("date", ascending=False, kind="stable").reset_index(drop=True)


def readable_day(iso_date: str) -> str:
    """'2026-11-29' -> '29 November 2026'."""
    day = pd.Timestamp(iso_date)
    return f"{day.day} {day.month_name()} {day.year}"


def changelog_markdown(table: pd.DataFrame) -> str:
    """The "What changed" page's list as MyST Markdown: by date, newest first, each entry with its reason and sources."""
    parts = []
    for date, rows in table.groupby("date", sort=False):
        parts.append(f"## {readable_day(date)}\n")
        for row in rows.itertuples():
            keys = ",".join(k for k in row.source_keys.split(";") if k)
            parts.append(
                f"- **{row.kind.capitalize()}** ({{ref}}`{row.page}`). {myst(row.what_changed)} "
                f"*Why:* {myst(row.why)} {{cite:p}}`{keys}`"
            )
        parts.append("")
    return "\n".join(parts)


#: Pages that state no evidence of their own, so carry no date (Sphinx setting ``mdma_undated_pages``).
UNDATED_PAGES = {"book/references", "book/educators", "book/changes", "book/how-to-cite"}
