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
    _key_list_check,
    bibliography_keys,
    load_table,
    row_check,
    sourced_checks,
)
from mdma_book.paths import data_dir
from mdma_book.safe_text import myst
from mdma_book.table_schema import declared_schema


def _is_page(page: str) -> bool:
    """Whether ``book/<name>`` is a page of the book beside ``data/``."""
    return (data_dir().parent / f"{page}.md").is_file()


def evidence_checked_schema() -> pa.DataFrameSchema:
    """Schema of ``evidence_checked.csv``: one row per page whose evidence is dated."""
    page = pa.Check(_is_page, element_wise=True, error="page is not a page of the book (no such file in book/)")
    return declared_schema("evidence_checked", {"page": page})


def changelog_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``changelog.csv``: one substantive correction or update per row."""
    return declared_schema("changelog", {"source_keys": _key_list_check(bib_keys)})


def access_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``access.csv``: where, and how, MDMA can be given outside research, by region."""
    return declared_schema(
        "access",
        sourced_checks(bib_keys),
        checks=[
            row_check(
                lambda df: df["source_date"].isna() | (df["source_date"].fillna("") <= df["checked_on"]),
                "source_date is after checked_on: a source cannot be dated after the day it was read",
                "source_date",
                name="source_dated_before_it_was_read",
            )
        ],
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


def readable_days(iso_dates) -> str:
    """['2026-12-03', '2026-12-04'] -> '3 and 4 December 2026', as the chapters give a span of search days."""
    days = sorted({pd.Timestamp(d) for d in iso_dates})
    if len({(d.year, d.month) for d in days}) == 1:
        numbers = [str(d.day) for d in days]
        listed = numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]
        return f"{listed} {days[0].month_name()} {days[0].year}"
    named = [readable_day(str(d.date())) for d in days]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


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
