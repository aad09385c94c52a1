"""Load the book's evidence tables and validate them against a schema.

Every table is a tidy CSV in ``data/`` with one value per row, each carrying the
key of its source in ``references.bib``, a locator (table, figure, page or
abstract) and a status saying how the value was obtained. Validation uses
pandera; a failure raises :class:`DataValidationError`, whose message names the
file, the line and the column of every bad value.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors
from pybtex.database import parse_file

from mdma_book.paths import bibliography_file, data_dir

#: How a value reached the data file.
STATUSES = {
    "verified": "seen in the primary source",
    "secondary": "seen in a secondary source only (e.g. a double-extracted dataset or the sponsor's page)",
    "derived": "computed by arithmetic from reported values",
}

#: Outcomes of the Phase 3 trials, in the order the book shows them.
OUTCOMES = {
    "loss_of_diagnosis": "No longer met PTSD criteria",
    "response": "Response",
    "remission": "Remission",
}

ARMS = ("MDMA-assisted therapy", "placebo with therapy")


class DataValidationError(ValueError):
    """A data file broke its schema; the message lists file, line and column."""


@lru_cache(maxsize=4)
def bibliography_keys(bib_path: Path | None = None) -> frozenset[str]:
    """Return the citation keys defined in ``references.bib``."""
    return frozenset(parse_file(str(bib_path or bibliography_file()), "bibtex").entries)


def _sourced_columns(bib_keys: frozenset[str]) -> dict[str, pa.Column]:
    """Columns every evidence table shares: where each value came from."""
    return {
        "source_key": pa.Column(str, pa.Check.isin(sorted(bib_keys), error="source_key not in references.bib")),
        "locator": pa.Column(str, pa.Check.str_length(min_value=1), nullable=False),
        "status": pa.Column(str, pa.Check.isin(list(STATUSES), error=f"status not one of {sorted(STATUSES)}")),
        # Kept as text while validating ("true"/"false"); load_table turns it into bool.
        "retracted": pa.Column(str, pa.Check.isin(["true", "false"], error="retracted must be true or false")),
        "note": pa.Column(str, nullable=True, required=False),
    }


def phase3_outcomes_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``phase3_outcomes.csv``: one row per trial, arm and outcome."""
    return pa.DataFrameSchema(
        {
            "trial": pa.Column(str, pa.Check.str_length(min_value=1)),
            "phase": pa.Column(int, pa.Check.isin([2, 3]), coerce=True),
            "arm": pa.Column(str, pa.Check.isin(list(ARMS), error=f"arm not one of {list(ARMS)}")),
            "outcome": pa.Column(str, pa.Check.isin(list(OUTCOMES), error=f"outcome not one of {list(OUTCOMES)}")),
            "timepoint_weeks": pa.Column(float, pa.Check.gt(0), coerce=True),
            "events": pa.Column(int, pa.Check.ge(0, error="events must be 0 or more"), coerce=True),
            "total": pa.Column(int, pa.Check.gt(0, error="total must be above 0"), coerce=True),
            **_sourced_columns(bib_keys),
        },
        checks=[
            pa.Check(
                lambda df: df["events"] <= df["total"],
                error="events above total",
                name="events_not_above_total",
            ),
        ],
        unique=["trial", "arm", "outcome", "timepoint_weeks"],
        strict=True,
        ordered=False,
    )


def _describe_check(check: str) -> str | None:
    """Say what a pandera check name means for a contributor; None to skip it."""
    if check.startswith("coerce_dtype("):
        kind = check[len("coerce_dtype('") : -2]
        return f"cannot be read as {'a whole number' if kind.startswith('int') else 'a number' if kind.startswith('float') else kind}"
    if check.startswith("dtype("):
        return None  # repeats the coerce_dtype failure for the same cell
    if check == "not_nullable":
        return "is empty"
    if check == "column_in_dataframe":
        return "is missing from the file"
    if check == "column_in_schema":
        return "is not a known column"
    return check


#: Row-wise checks and the column a failure is reported under.
ROW_CHECK_COLUMNS = {"events above total": "events"}


def _describe_failures(path: Path, errors: SchemaErrors) -> str:
    """Turn pandera's failure cases into lines naming file, line and column, by line."""
    found = {}
    for case in errors.failure_cases.itertuples(index=False):
        check, value = str(case.check), case.failure_case
        message = _describe_check(check)
        if message is None or (isinstance(value, str) and value.startswith("TypeError(")):
            # A check that could not run because an earlier failure left text
            # in a numeric column; that earlier failure is reported instead.
            continue
        column = case.column if isinstance(case.column, str) else ""
        if check in ROW_CHECK_COLUMNS and column != ROW_CHECK_COLUMNS[check]:
            continue  # a row-wise check lists every column of the row; keep one
        if check in {"column_in_dataframe", "column_in_schema"}:
            found[(0, str(value))] = f"{path}: column '{value}' {message}"
            continue
        if check == "multiple_fields_uniqueness":
            if any(key[0] == 0 for key in found):
                continue  # a missing column makes every row look alike
            column, message, value = "+".join(errors.schema.unique), "repeats another row (together these must be unique)", None
        line = 0 if pd.isna(case.index) else int(case.index) + 2  # header is line 1
        where = f"{path}, line {line}, column '{column}'" if line else f"{path}: column '{column}'"
        shown = "" if value is None or pd.isna(value) else f" (value {value!r})"
        found[(line, column)] = f"{where}: {message}{shown}"
    return "\n".join(found[key] for key in sorted(found))


def load_table(path: Path, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Read one CSV and validate it, raising :class:`DataValidationError` on bad rows."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (OSError, pd.errors.ParserError) as error:
        raise DataValidationError(f"{path}: cannot be read as CSV: {error}") from error
    try:
        frame = schema.validate(frame, lazy=True)
    except SchemaErrors as errors:
        raise DataValidationError(
            f"{path} does not match its schema:\n{_describe_failures(path, errors)}"
        ) from None
    if "retracted" in frame:
        frame["retracted"] = frame["retracted"].eq("true")
    return frame


def phase3_outcomes(path: Path | None = None) -> pd.DataFrame:
    """Return the Phase 3 outcome counts per trial, arm and outcome, validated.

    Columns: trial, phase, arm, outcome, timepoint_weeks, events, total,
    source_key, locator, status, retracted, note.
    """
    path = path or data_dir() / "phase3_outcomes.csv"
    return load_table(path, phase3_outcomes_schema(bibliography_keys()))
