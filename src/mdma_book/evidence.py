"""Load the book's evidence tables and validate them against a schema.

Every table is a tidy CSV in ``data/`` (described in ``data/README.md``) with one
value per row, each carrying the key of its source in ``references.bib``, a
locator (table, figure, page or abstract) and a status saying how the value was
obtained. Validation uses pandera; a failure raises :class:`DataValidationError`,
whose message names the file, the line and the column of every bad value.
"""

from __future__ import annotations

import copy
import csv
import io
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from mdma_book import datapackage
from mdma_book.citations import bibliography_entries
from mdma_book.paths import data_dir
from mdma_book.table_schema import declared_schema

#: How a value reached the data file.
STATUSES = {
    "verified": "seen in the primary source",
    "secondary": "seen in a secondary source only (e.g. a double-extracted dataset or the sponsor's page)",
    "derived": "computed by arithmetic from reported values",
}
#: The same, in the few words a hover line has room for.
STATUS_SHORT = {
    "verified": "seen in the primary source",
    "secondary": "seen in a secondary source only",
    "derived": "computed by arithmetic from reported values",
}

#: Outcomes counted as events, in the order the book shows them.
OUTCOMES = {
    "loss_of_diagnosis": "No longer met PTSD criteria",
    "response": "Response",
    "remission": "Remission",
    "severe_adverse_event": "Severe adverse event",
}
#: The same outcomes named so that none reads as a depression outcome (titles of the absolute-effects chart).
PTSD_OUTCOME_NAMES = {
    "loss_of_diagnosis": "No longer met PTSD criteria",
    "response": "PTSD response",
    "remission": "PTSD remission",
}
#: The PTSD outcomes of the Phase 3 chart and the forest plot.
PTSD_OUTCOMES = ("loss_of_diagnosis", "response", "remission")

ARMS = ("MDMA-assisted therapy", "placebo with therapy")
CERTAINTY = ("high", "moderate", "low", "very low")
#: Where GRADE starts before downgrading: randomized trials high, other designs low.
CERTAINTY_START = {"randomized": "high", "non-randomized": "low"}
#: The five GRADE domains an outcome can be downgraded for (0, -1 serious, -2 very serious).
GRADE_DOMAINS = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias")
CERTAINTY_RULE = "certainty does not follow from its start and downgrades"
#: The kinds of evidence a statement can rest on, as the book labels them to readers.
EVIDENCE_KINDS = (
    "trial",
    "systematic review",
    "narrative review",
    "laboratory study",
    "modelling study",
    "case series",
    "programme report",
    "case report",
    "forensic analysis",
    "historical research",
    "regulator",
    "government",
    "journal notice",
    "sponsor",
    "industry press release",
    "preprint",
    "journalism",
)


class DataValidationError(ValueError):
    """A data file broke its schema; the message lists file, line and column."""


def bibliography_keys(bib_path: Path | None = None) -> frozenset[str]:
    """Return the citation keys defined in ``references.bib``."""
    return frozenset(bibliography_entries(bib_path))


def retracted_keys(bib_path: Path | None = None) -> frozenset[str]:
    """Return the keys of sources marked with a ``retraction`` field in ``references.bib``."""
    entries = bibliography_entries(bib_path)
    return frozenset(key for key, entry in entries.items() if "retraction" in entry.fields)


def sourced_checks(bib_keys: frozenset[str]) -> dict[str, pa.Check]:
    """The check every sourced table adds to its declared columns: ``source_key`` names an entry of references.bib."""
    return {"source_key": pa.Check.isin(sorted(bib_keys), error="source_key not in references.bib")}


def row_check(test, error: str, column: str, name: str | None = None) -> pa.Check:
    """A check across the columns of each row, reported once per failing row, under ``column``.

    ``test`` takes the table and returns one boolean per row. pandera lists every
    column of a failing row; the check carries the one column the message names.
    """
    check = pa.Check(test, error=error, name=name or error)
    check.report_column = column
    return check


def _retraction_check(retracted: frozenset[str]) -> pa.Check:
    """Rows citing a retracted source must say so, and only those."""
    return row_check(
        lambda df: df["source_key"].isin(sorted(retracted)) == df["retracted"].eq("true"),
        "retracted must be true exactly when the source is retracted",
        "retracted",
        name="retraction_flag",
    )


def _events_check() -> pa.Check:
    return row_check(lambda df: df["events"] <= df["total"], "events above total", "events", "events_not_above_total")


def not_above_check(count: str, denominator: str) -> pa.Check:
    """Row check: a count is not above its denominator (where both are given)."""
    return row_check(
        lambda df: ~(df[count] > df[denominator]).fillna(False).astype(bool),
        f"{count} above {denominator}",
        count,
    )


def percent_check(columns: tuple[str, ...], unit: str = "unit") -> pa.Check:
    """Row check: a value whose unit is ``%`` lies between 0 and 100."""
    return row_check(
        lambda df: ~(df[unit].eq("%") & df[list(columns)].apply(lambda c: (c < 0) | (c > 100)).any(axis=1)),
        "a percentage must lie between 0 and 100",
        columns[0],
    )


def dichotomous_outcomes_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``dichotomous_outcomes.csv``: people with an outcome, per trial arm."""
    return declared_schema("dichotomous_outcomes", sourced_checks(bib_keys), checks=[_events_check()])


def continuous_outcomes_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``continuous_outcomes.csv``: mean and SD of a scale, per trial arm."""
    return declared_schema("continuous_outcomes", sourced_checks(bib_keys))


def _reversed(df: pd.DataFrame) -> pd.Series:
    return (df["ci_low"] > df["ci_high"]).fillna(False).astype(bool)


def interval_checks(column: str) -> list[pa.Check]:
    """Row checks: ``ci_low`` is not above ``ci_high``, ``column`` lies inside the interval wherever one is given,
    and an interval has its level (``ci_level``), which the book prints with it.

    A reversed interval is reported once, under ``ci_low``, not again as an estimate outside it.
    """
    return [
        row_check(lambda df: ~_reversed(df), "interval reversed: ci_low above ci_high", "ci_low"),
        row_check(
            lambda df: (
                _reversed(df)
                | (
                    (df["ci_low"].isna() | (df["ci_low"] <= df[column]))
                    & (df["ci_high"].isna() | (df[column] <= df["ci_high"]))
                )
            ),
            f"{column} outside its interval",
            column,
            name=f"{column}_inside_interval",
        ),
        # pandera lists only a failing row's non-empty cells, so each half is reported under the cell that is filled.
        row_check(
            lambda df: df["ci_low"].isna() | df["ci_level"].notna(),
            "an interval needs its ci_level (95%, 95% credible or not stated)",
            "ci_low",
            name="interval_has_level",
        ),
        row_check(
            lambda df: df["ci_level"].isna() | df["ci_low"].notna(),
            "ci_level is given without an interval",
            "ci_level",
            name="level_has_interval",
        ),
    ]


def reported_values_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``reported_values.csv``: single published numbers (effects, rates, counts)."""
    return declared_schema(
        "reported_values",
        sourced_checks(bib_keys),
        checks=[
            *interval_checks("value"),
            percent_check(("value", "ci_low", "ci_high")),
            not_above_check("k_studies", "participants"),
        ],
    )


def trials_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``trials.csv``: one row per randomized trial, its design and comparator."""
    return declared_schema("trials", sourced_checks(bib_keys))


def _key_list_check(bib_keys: frozenset[str]) -> pa.Check:
    return pa.Check(
        lambda s: s.fillna("").map(lambda keys: all(k in bib_keys for k in keys.split(";") if k)),
        error="a key in source_keys is not in references.bib",
        element_wise=False,
    )


def claims_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``claims.csv``: the source article's claims, each with a verdict."""
    return declared_schema("claims", {"source_keys": _key_list_check(bib_keys)})


def graded_certainty(start: str, downgrades: int) -> str:
    """GRADE's arithmetic: start high (randomized) or low (other designs), go down one level per downgrade, stop at very low.

    ``start`` ``"none"`` means there is no evidence to grade: "not graded".
    """
    if start == "none":
        return "not graded"
    level = CERTAINTY.index(CERTAINTY_START[start]) + downgrades  # CERTAINTY runs from high to very low
    return CERTAINTY[min(level, len(CERTAINTY) - 1)]


def certainty_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``certainty.csv``: the book's GRADE judgement per outcome, domain by domain.

    The certainty must equal what the start and the downgrades give (see
    :func:`graded_certainty`), so a rating cannot drift from its reasons.
    """
    return declared_schema(
        "certainty",
        {"source_keys": _key_list_check(bib_keys)},
        checks=[
            row_check(
                lambda df: (
                    df["certainty"]
                    == [
                        graded_certainty(start, -total)
                        for start, total in zip(df["start"], df[list(GRADE_DOMAINS)].sum(axis=1), strict=True)
                    ]
                ),
                CERTAINTY_RULE,
                "certainty",
                name="certainty_follows_downgrades",
            )
        ],
    )


def _describe_check(check: str) -> str | None:
    """Say what a pandera check name means for a contributor; None to skip it."""
    if check.startswith("coerce_dtype("):
        kind = check[len("coerce_dtype('") : -2]
        return f"cannot be read as {'a whole number' if kind.lower().startswith('int') else 'a number' if kind.startswith('float') else kind}"
    if check.startswith("dtype("):
        return None  # repeats the coerce_dtype failure for the same cell
    if check == "not_nullable":
        return "is empty"
    if check == "column_in_dataframe":
        return "is missing from the file"
    if check == "column_in_schema":
        return "is not a known column"
    if check == "field_uniqueness":
        return "repeats a value that must be unique"
    return check


def _describe_failures(path: Path, errors: SchemaErrors, lines: list[int]) -> str:
    """Turn pandera's failure cases into lines naming file, line and column, by line.

    ``lines`` gives the physical line of each row (see :func:`read_rows`).
    """
    found = {}
    row_checks = {str(c.error or c.name): c.report_column for c in errors.schema.checks if hasattr(c, "report_column")}
    cases = errors.failure_cases
    if cases["check"].astype(str).str.startswith("coerce_dtype(").any():
        # Row checks ran on text that could not be read as numbers, and so fail
        # (or pass) on good rows too: report the unreadable cells alone.
        cases = cases[~cases["check"].astype(str).isin(row_checks)]
    for case in cases.itertuples(index=False):
        check, value = str(case.check), case.failure_case
        message = _describe_check(check)
        if message is None or (isinstance(value, str) and value.startswith("TypeError(")):
            # A check that could not run because an earlier failure left text
            # in a numeric column; that earlier failure is reported instead.
            continue
        column = case.column if isinstance(case.column, str) else ""
        if check in row_checks and column != row_checks[check]:
            continue  # a row-wise check lists every column of the row; keep one
        if check in {"column_in_dataframe", "column_in_schema"}:
            found[(0, str(value))] = f"{path}: column '{value}' {message}"
            continue
        if check == "multiple_fields_uniqueness":
            if any(key[0] == 0 for key in found):
                continue  # a missing column makes every row look alike
            key = errors.schema.unique
            column, message, value = (
                "+".join(key),
                "repeats another row (together these must be unique)"
                if len(key) > 1
                else "repeats another row's value",
                None,
            )
        line = 0 if pd.isna(case.index) else lines[int(case.index)]
        where = f"{path}, line {line}, column '{column}'" if line else f"{path}: column '{column}'"
        shown = "" if value is None or pd.isna(value) else f" (value {value!r})"
        if (line, column) in found:  # several checks failed on one cell: say all of them, each once
            if message not in found[(line, column)]:
                found[(line, column)] += f"; {message}"
        else:
            found[(line, column)] = f"{where}: {message}{shown}"
    return "\n".join(found[key] for key in sorted(found))


def read_rows(path: Path) -> tuple[pd.DataFrame, list[int]]:
    """Read a CSV file as text cells; return the table and the physical line of each row.

    The file is parsed by Python's :mod:`csv` module rather than pandas so that
    each row keeps the line an editor shows for it, even after blank lines or a
    quoted note that spans several lines. Blank lines are skipped. Empty cells
    become missing values. Raises :class:`DataValidationError`, naming the file,
    when it cannot be read, is not UTF-8, is empty, or has a row whose number of
    fields differs from the header's.
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")  # a leading byte-order mark (Excel) is allowed
    except OSError as error:
        raise DataValidationError(f"{path}: cannot be read: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        line = error.object[: error.start].count(b"\n") + 1
        raise DataValidationError(
            f"{path}, line {line}: is not UTF-8 text (byte 0x{error.object[error.start]:02x}); "
            "save the file with UTF-8 encoding"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records, end_of_previous = [], 0
    try:
        for fields in reader:
            start, end_of_previous = end_of_previous + 1, reader.line_num
            if fields:  # a blank line gives no fields
                records.append((start, fields))
    except csv.Error as error:
        raise DataValidationError(f"{path}, line {reader.line_num}: cannot be read as CSV: {error}") from None
    if not records:
        raise DataValidationError(f"{path}: the file is empty; it needs a header line naming its columns")
    (_, header), rows = records[0], records[1:]
    for line, fields in rows:
        if len(fields) != len(header):
            raise DataValidationError(
                f"{path}: cannot be read as CSV: line {line} has {len(fields)} fields, the header has {len(header)}"
            )
    # pandas builds the table from the same text (index_col=False: never a silent index column).
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""], index_col=False)
    if len(frame) != len(rows):  # the two parsers disagree: say so rather than misplace a line
        raise DataValidationError(f"{path}: cannot be read as CSV: {len(rows)} rows found, pandas read {len(frame)}")
    return frame, [line for line, _ in rows]


def row_lines(frame: pd.DataFrame) -> list[int]:
    """The physical line of each row of a table from :func:`load_table` (header = line 1)."""
    return frame.attrs.get("lines") or [int(index) + 2 for index in frame.index]


def load_table(
    path: Path, schema: pa.DataFrameSchema, require_rows: bool = True, references: dict[str, Path] | None = None
) -> pd.DataFrame:
    """Read one CSV and validate it, raising :class:`DataValidationError` on bad rows.

    Every message names the file and the physical line of the bad row (see
    :func:`read_rows`). A file with a header and no rows is refused unless
    ``require_rows`` is false. Tables with ``source_key`` and ``retracted``
    columns are also checked against the ``retraction`` fields of ``references.bib``.
    The keys ``data/datapackage.json`` declares for the table are checked too;
    a foreign key is looked up in the file ``references`` gives for the
    referenced table, or else beside ``path`` (see :func:`sibling_file`).
    """
    frame, lines = read_rows(path)
    if require_rows and frame.empty:
        raise DataValidationError(f"{path}: has a header but no rows; this table needs at least one row")
    schema = _with_declared_keys(copy.deepcopy(schema), references or {}, path)
    if {"source_key", "retracted"} <= set(schema.columns) and {"source_key", "retracted"} <= set(frame.columns):
        schema.checks = [*schema.checks, _retraction_check(retracted_keys())]
    try:
        frame = schema.validate(frame, lazy=True)
    except SchemaErrors as errors:
        raise DataValidationError(
            f"{path} does not match its schema:\n{_describe_failures(path, errors, lines)}"
        ) from None
    if "retracted" in frame:
        frame["retracted"] = frame["retracted"].eq("true")
    frame.attrs["lines"] = lines
    return frame


def sibling_file(path: Path, name: str) -> Path:
    """The file of resource ``name`` that a table read from ``path`` refers to.

    When ``path`` sits in a data package (a folder with its own ``datapackage.json``,
    such as a copy of ``data/``), the file beside it: a copy validates against
    itself. A lone file (a test's planted copy) refers to ``data/``.
    """
    folder = path.parent if (path.parent / datapackage.DESCRIPTOR).is_file() else data_dir()
    return folder / datapackage.resource(name)["path"]


def _with_declared_keys(schema: pa.DataFrameSchema, references: dict[str, Path], path: Path) -> pa.DataFrameSchema:
    """Add the keys ``data/datapackage.json`` declares for the table ``schema.name``.

    The primary key makes a repeated row fail (reported on the repeat, not the
    first row); each foreign key makes a value absent from the referenced
    table fail on its own line, before any later lookup can raise a bare KeyError.
    """
    if schema.name is None:
        return schema
    key = datapackage.primary_key(schema.name)
    if key:
        for column in key:  # the key's own uniqueness check replaces the column's
            schema = schema.update_column(column, unique=False)
        schema.unique, schema.report_duplicates = key, "exclude_first"
    for column in datapackage.unique_fields(schema.name):  # an id given twice fails on the repeat (blanks allowed)
        repeat = pa.Check(
            lambda s: ~(s.duplicated(keep="first") & s.notna()),
            error=f"{column} repeats an earlier row's {column}",
            name="unique_id",
        )
        schema = schema.update_column(column, checks=[*schema.columns[column].checks, repeat])
    for column, table, referenced in datapackage.foreign_keys(schema.name):
        known, _ = read_rows(references.get(table) or sibling_file(path, table))
        check = pa.Check.isin(
            sorted(known[referenced].dropna()), error=f"{column} is not a {referenced} in {table}.csv"
        )
        schema = schema.update_column(column, checks=[*schema.columns[column].checks, check])
    return schema


def _load(name: str, schema_factory, path: Path | None) -> pd.DataFrame:
    return load_table(path or data_dir() / name, schema_factory(bibliography_keys()))


def dichotomous_outcomes(path: Path | None = None) -> pd.DataFrame:
    """People with each outcome per trial arm (``data/dichotomous_outcomes.csv``), validated."""
    return _load("dichotomous_outcomes.csv", dichotomous_outcomes_schema, path)


def phase3_outcomes(path: Path | None = None) -> pd.DataFrame:
    """The Phase 3 PTSD outcomes per trial and arm (rows of ``dichotomous_outcomes.csv``)."""
    table = dichotomous_outcomes(path)
    return table[(table["phase"] == 3) & table["outcome"].isin(PTSD_OUTCOMES)].reset_index(drop=True)


def continuous_outcomes(path: Path | None = None) -> pd.DataFrame:
    """Means and SDs per trial arm (``data/continuous_outcomes.csv``), validated."""
    return _load("continuous_outcomes.csv", continuous_outcomes_schema, path)


def reported_values(path: Path | None = None) -> pd.DataFrame:
    """Single published numbers (``data/reported_values.csv``), validated."""
    return _load("reported_values.csv", reported_values_schema, path)


def trials(path: Path | None = None) -> pd.DataFrame:
    """The randomized trials, their designs and comparators (``data/trials.csv``), validated."""
    return _load("trials.csv", trials_schema, path)


def claims(path: Path | None = None) -> pd.DataFrame:
    """The source article's claims with verdicts (``data/claims.csv``), validated."""
    return _load("claims.csv", claims_schema, path)


def certainty(path: Path | None = None) -> pd.DataFrame:
    """Certainty of evidence per outcome (``data/certainty.csv``), validated."""
    return _load("certainty.csv", certainty_schema, path)


#: How an interval of each ``ci_level`` is named before its bounds, and what follows them:
#: a level the source does not state is never printed as 95%.
CI_LEVEL_WORDS = {
    "95%": ("95% CI", ""),
    "95% credible": ("95% credible interval", ""),
    "not stated": ("CI", ", level not stated in the source"),
}


def interval_words(level: str) -> dict[str, str]:
    """``{"level": ..., "after": ...}`` for printing an interval whose ``ci_level`` is ``level``."""
    before, after = CI_LEVEL_WORDS[level]
    return {"level": before, "after": after}


def interval_text(level: str, low: str, high: str) -> str:
    """'95% CI -1.2 to 3.4', or 'CI -23.8 to -14.8, level not stated in the source': bounds already formatted."""
    words = interval_words(level)
    return f"{words['level']} {low} to {high}{words['after']}"


def quoted(values: pd.DataFrame, quote_id: str, file: str = "reported_values.csv") -> pd.Series:
    """The row of ``values`` (read from ``file``) the book quotes under ``quote_id``: its stable id, never a name."""
    rows = values[values["quote_id"] == quote_id]
    if len(rows) != 1:
        raise KeyError(f"{file}: expected one row with quote_id {quote_id!r}, found {len(rows)}")
    return rows.iloc[0]


def quoted_family(values: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """The rows whose ``quote_id`` is ``prefix`` followed by a number (e.g. ``stard_remission_step_1`` ...), in that order."""
    ids = values["quote_id"].fillna("")
    rows = values[ids.str.fullmatch(rf"{prefix}\d+")]
    if rows.empty:
        raise KeyError(f"reported_values.csv: no row has a quote_id {prefix}<number>")
    order = rows["quote_id"].str.removeprefix(prefix).astype(int)
    return rows.loc[order.sort_values(kind="stable").index]


def trial_ids(trials: pd.DataFrame) -> dict[str, str]:
    """Study name -> its stable ``trial_id`` (trials.csv), for glue names that must survive a rename."""
    return dict(zip(trials["study"], trials["trial_id"], strict=True))
