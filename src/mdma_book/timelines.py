"""Timelines: MDMA's history and regulation, and what a course of treatment involved.

``data/history_events.csv`` holds one dated event per row and
``data/treatment_course.csv`` one part of a treatment course per row (a block
of sessions, a dosing session, an endpoint), each with its source.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from mdma_book.citations import short_citation
from mdma_book.evidence import (
    bibliography_keys,
    load_table,
    row_check,
    sourced_checks,
)
from mdma_book.paths import data_dir
from mdma_book.table_schema import declared_schema, real_date_check

#: Kinds of history event, with how the figure names them.
CATEGORIES = {
    "research": "Research",
    "therapy": "Use in therapy",
    "us_regulation": "US regulation",
    "other_regulator": "Regulators outside the US",
}

TIMINGS = {
    "reported": "timing as reported",
    "approximate": "timing approximate: placed by this book from the reported spacing",
}

END_CHECK = "end before start"
END_DATE_CHECK = "end_date before date"
#: The columns every row of one course repeats from the course's first row.
PER_COURSE = ("course", "trial_id", "course_label", "course_row")
ONE_COURSE_CHECK = "course_label and course_row, course or trial_id differ from the course's first row"
LOWER_ROW_CHECK = "exactly one course must be on course_row 0 (the lower row)"


def _same_per_course(df: pd.DataFrame) -> pd.Series:
    """Per row: its course's ``PER_COURSE`` values are those of the course's first row (a later, differing row fails)."""
    columns = df[list(PER_COURSE)].astype("string").fillna("")
    first = columns.groupby(df["course_id"]).transform("first")
    return columns.eq(first).all(axis=1)


def _one_lower_course(df: pd.DataFrame) -> pd.Series:
    """Per row: on course_row 0 only if its course is the first one there; every row fails if no course is."""
    lower = df.loc[df["course_row"] == 0, "course_id"]
    if lower.empty:
        return pd.Series(False, index=df.index)
    return (df["course_row"] != 0) | (df["course_id"] == lower.iloc[0])


def _year(dates: pd.Series) -> pd.Series:
    return pd.to_numeric(dates.str[:4], errors="coerce")


def history_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``history_events.csv``: one event per row, dated YYYY or YYYY-MM-DD."""
    real = {column: real_date_check(column, ("%Y", "%Y-%m-%d")) for column in ("date", "end_date")}
    return declared_schema(
        "history_events",
        {**real, **sourced_checks(bib_keys)},
        checks=[row_check(lambda df: ~(_year(df["end_date"]) < _year(df["date"])), END_DATE_CHECK, "end_date")],
        ordered=False,
    )


def course_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``treatment_course.csv``: one block, session or milestone per row, in weeks from baseline."""
    return declared_schema(
        "treatment_course",
        sourced_checks(bib_keys),
        checks=[
            row_check(lambda df: ~(df["end_week"] < df["start_week"]), END_CHECK, "end_week", "end_not_before_start"),
            row_check(_same_per_course, ONE_COURSE_CHECK, "course_label", "one_label_per_course"),
            row_check(_one_lower_course, LOWER_ROW_CHECK, "course_row", "one_lower_course"),
        ],
        ordered=False,
    )


def _sortable(date: str) -> str:
    # An event known only to the year is listed after the dated events of that year.
    return date if len(date) > 4 else f"{date}-12-31~"


def history_events(path: Path | None = None) -> pd.DataFrame:
    """Return the history and regulation events, validated, in date order.

    Columns: date, end_date, category, label, description, source_key,
    locator, status, retracted, note.
    """
    path = path or data_dir() / "history_events.csv"
    table = load_table(path, history_schema(bibliography_keys()))
    return table.sort_values("date", key=lambda dates: dates.map(_sortable), kind="stable").reset_index(drop=True)


def therapy_courses(course: pd.DataFrame) -> list[str]:
    """Ids of the courses drawn in the upper row (the protocols a reader chooses between), in file order."""
    return list(dict.fromkeys(course.loc[course["course_row"] == 1, "course_id"]))


def course_label(course: pd.DataFrame, course_id: str) -> str:
    """The heading of one course's row in the figure, read from its rows."""
    labels = course.loc[course["course_id"] == course_id, "course_label"]
    if labels.empty:
        raise KeyError(f"treatment_course.csv: no course with course_id {course_id!r}")
    return labels.iloc[0]


def treatment_course(path: Path | None = None) -> pd.DataFrame:
    """Return the parts of each treatment course, validated.

    Columns: course, component, label, start_week, end_week, sessions,
    hours_each, timing, description, source_key, locator, status, retracted,
    note, course_id, trial_id, course_label, course_row.
    """
    path = path or data_dir() / "treatment_course.csv"
    return load_table(path, course_schema(bibliography_keys()))


def readable_date(date: str, end_date: object = None, short: bool = False) -> str:
    """``"1985-07-01"`` -> ``"1 July 1985"`` (``"1 Jul 1985"`` if ``short``); a year stays a year; a span reads ``"1977–1985"``."""
    day = pd.Timestamp(date)
    text = date if len(date) == 4 else f"{day.day} {day:%b %Y}" if short else f"{day.day} {day:%B %Y}"
    return f"{text}–{end_date}" if isinstance(end_date, str) else text


def history_table(events: pd.DataFrame) -> pd.DataFrame:
    """The history timeline as a plain table: the figure's text alternative."""
    return pd.DataFrame(
        {
            "Date": [readable_date(e.date, e.end_date) for e in events.itertuples()],
            "Event": events["label"],
            "What happened": events["description"],
            "Kind of evidence": events["evidence_kind"],
            "Source": [
                f"{short_citation(key)} ({status})"
                for key, status in zip(events["source_key"], events["status"], strict=True)
            ],
        }
    )


def course_numbers(course: pd.DataFrame) -> dict[str, str]:
    """Prose-ready session counts per course, e.g. ``mapp1_integration_sessions`` -> ``"9"``.

    Keys: ``<course>_<component>_sessions`` (summed over the course),
    ``<course>_<component>_end_week`` (the last week a block reaches),
    ``<course>_<component>_weeks`` (the longest block's length) and, for
    a one-off point such as the endpoint, ``<course>_<component>_week``;
    ``<course>`` is the course's ``course_id`` (``stard_level_1``).
    """
    numbers = {}
    for key, rows in course.groupby("course_id"):
        for component, parts in rows.groupby("component"):
            if parts["sessions"].notna().any():
                numbers[f"{key}_{component}_sessions"] = f"{parts['sessions'].sum():.0f}"
            if parts["end_week"].notna().any():
                numbers[f"{key}_{component}_end_week"] = f"{parts['end_week'].max():g}"
                numbers[f"{key}_{component}_weeks"] = f"{(parts['end_week'] - parts['start_week']).max():g}"
            elif len(parts) == 1:
                numbers[f"{key}_{component}_week"] = f"{parts['start_week'].iloc[0]:g}"
    return numbers
