"""The loaders' column checks, built from each table's Table Schema in ``data/datapackage.json``.

A column's type and constraints are written once, in the descriptor:
:func:`declared_schema` turns every declared field into a pandera column (type,
``required``, ``enum``, ``minimum``/``exclusiveMinimum``/``maximum``,
``minLength``/``maxLength``, ``pattern``; a ``date`` must exist in the
calendar) and the loader adds only what a Table Schema cannot say: checks
across columns of a row, references to ``references.bib``, dates written in a
shorter form. Keys (``primaryKey``, ``unique``, ``foreignKeys``) are added by
:func:`mdma_book.evidence.load_table` from the same descriptor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
import pandera.pandas as pa

from mdma_book import datapackage

#: How a declared date is written (Table Schema's default ``date`` format).
DATE_PATTERN = r"\d{4}-\d{2}-\d{2}"


def real_date_check(column: str, formats: tuple[str, ...] = ("%Y-%m-%d",)) -> pa.Check:
    """Column check: each date exists in the calendar in one of ``formats`` (no 30 February, no month 13).

    ``formats`` are :func:`pandas.to_datetime` formats; the patterns of the
    column say which form a date is written in.
    """

    def real(dates: pd.Series) -> pd.Series:
        ok = pd.Series(False, index=dates.index)
        for form in formats:
            ok |= pd.to_datetime(dates, format=form, errors="coerce").notna()
        return ok | dates.isna()

    return pa.Check(real, error=f"{column} is not a real calendar date")


def _number(value: float) -> str:
    return f"{value:g}"


def _range_checks(column: str, constraints: dict) -> list[pa.Check]:
    low, high = constraints.get("minimum"), constraints.get("maximum")
    checks = []
    if low is not None and high is not None:
        checks.append(
            pa.Check.in_range(low, high, error=f"{column} must be between {_number(low)} and {_number(high)}")
        )
    elif low is not None:
        checks.append(pa.Check.ge(low, error=f"{column} must be {_number(low)} or more"))
    elif high is not None:
        checks.append(pa.Check.le(high, error=f"{column} must be {_number(high)} or less"))
    if "exclusiveMinimum" in constraints:
        above = constraints["exclusiveMinimum"]
        checks.append(pa.Check.gt(above, error=f"{column} must be above {_number(above)}"))
    return checks


def _text_checks(column: str, constraints: dict) -> list[pa.Check]:
    checks = []
    shortest, longest = constraints.get("minLength"), constraints.get("maxLength")
    if shortest is not None or longest is not None:
        if longest is None:
            error = f"{column} is too short (at least {shortest} characters)"
        elif shortest is None:
            error = f"{column} is too long (at most {longest} characters)"
        else:
            error = f"{column} must have {shortest} to {longest} characters"
        checks.append(pa.Check.str_length(min_value=shortest, max_value=longest, error=error))
    if "pattern" in constraints:  # a Table Schema pattern matches the whole value
        pattern = constraints["pattern"]
        checks.append(pa.Check.str_matches(f"^(?:{pattern})$", error=f"{column} does not match the pattern {pattern}"))
    return checks


#: The constraints :func:`field_checks` enforces (``unique`` by :func:`mdma_book.evidence.load_table`).
SUPPORTED_CONSTRAINTS = frozenset(
    {"required", "unique", "enum", "minimum", "maximum", "exclusiveMinimum", "minLength", "maxLength", "pattern"}
)
#: The constraints that compare a value with a number: only on a number column.
RANGE_CONSTRAINTS = frozenset({"minimum", "maximum", "exclusiveMinimum"})
#: The field properties the loader reads or ignores harmlessly; any other (``format``, ...) is refused.
#: ``exclusionReasons`` (``screening.csv``'s ``reason``) is enforced by the screening loader's own row check.
SUPPORTED_PROPERTIES = frozenset(
    {
        "name",
        "type",
        "title",
        "description",
        "constraints",
        "freeText",
        "trueValues",
        "falseValues",
        "example",
        "exclusionReasons",
    }
)


def _refuse_unsupported(field: dict) -> None:
    """Raise :class:`KeyError` naming any declared constraint or property the loader would otherwise ignore."""
    column, constraints = field["name"], field.get("constraints", {})
    unknown = sorted(set(constraints) - SUPPORTED_CONSTRAINTS) + sorted(set(field) - SUPPORTED_PROPERTIES)
    if unknown:
        raise KeyError(f"{column}: the loader does not enforce {', '.join(unknown)} (see CONTRIBUTING.md)")
    ranged = sorted(RANGE_CONSTRAINTS & set(constraints))
    if ranged and field["type"] not in {"integer", "number", "year"}:
        raise KeyError(f"{column}: {', '.join(ranged)} on a {field['type']} column (only numbers have ranges)")


def field_checks(field: dict) -> list[pa.Check]:
    """The pandera checks a declared field's type and constraints give, each with a message naming the column.

    Raises :class:`KeyError` for a constraint or property outside :data:`SUPPORTED_CONSTRAINTS` and
    :data:`SUPPORTED_PROPERTIES`, or a range on a column that is not a number, rather than ignore it.
    """
    _refuse_unsupported(field)
    column, constraints = field["name"], field.get("constraints", {})
    checks = []
    if field["type"] == "boolean":  # kept as text while validating; load_table turns ``retracted`` into bool
        words = [*field.get("trueValues", ["true"]), *field.get("falseValues", ["false"])]
        checks.append(pa.Check.isin(words, error=f"{column} must be {' or '.join(words)}"))
    elif "enum" in constraints:
        checks.append(pa.Check.isin(constraints["enum"], error=f"{column} not one of {constraints['enum']}"))
    if field["type"] == "date":
        checks += [
            pa.Check.str_matches(f"^{DATE_PATTERN}$", error=f"{column} must be written YYYY-MM-DD"),
            real_date_check(column),
        ]
    return [*checks, *_range_checks(column, constraints), *_text_checks(column, constraints)]


def _dtype(field: dict) -> object:
    """The pandas type a field is read as: numbers as numbers, everything else as text."""
    required = field.get("constraints", {}).get("required", False)
    if field["type"] in {"integer", "year"}:
        return int if required else "Int64"  # "Int64" keeps empty cells empty
    if field["type"] == "number":
        return float
    return str


def declared_column(field: dict, extra: Iterable[pa.Check] = ()) -> pa.Column:
    """A pandera column for one declared field, with ``extra`` checks the descriptor cannot express."""
    dtype = _dtype(field)
    return pa.Column(
        dtype,
        [*field_checks(field), *extra],
        nullable=not field.get("constraints", {}).get("required", False),
        coerce=dtype is not str,
    )


def declared_schema(
    name: str,
    extra: Mapping[str, pa.Check | Iterable[pa.Check]] | None = None,
    checks: Iterable[pa.Check] = (),
    **options,
) -> pa.DataFrameSchema:
    """The schema of resource ``name``: its declared columns plus the loader's own checks.

    ``extra`` maps a column to checks added to its declared ones (a key looked
    up in ``references.bib``, a date written ``YYYY-MM``); ``checks`` are checks
    across the columns of a row. ``options`` go to :class:`pandera.DataFrameSchema`.
    """
    extra = dict(extra or {})
    unknown = set(extra) - {f["name"] for f in datapackage.fields(name)}
    if unknown:
        raise KeyError(f"{name}: checks for undeclared columns {sorted(unknown)}")
    columns = {}
    for field in datapackage.fields(name):
        more = extra.get(field["name"], ())
        columns[field["name"]] = declared_column(field, [more] if isinstance(more, pa.Check) else more)
    return pa.DataFrameSchema(columns, checks=list(checks), strict=True, name=name, **options)
