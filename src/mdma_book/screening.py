"""The book's documented search: what was searched, what was found, and why each study is in or out.

Three tables in ``data/`` (described in ``data/README.md``):

- ``searches.csv``: one row per search run (source, date, exact query, hits);
- ``screening.csv``: one row per study record found (a registration or a report),
  grouped into studies by the ``study`` column, with the decision and its reason;
- ``registry_checks.csv``: each registry, whether it has an API, and when it was last checked.

From the screening table this module computes the PRISMA 2020 flow (records per
source, duplicates, studies screened, excluded with reasons, included) and checks
the book's sentences about how much evidence exists against it
(:func:`contradicted_sentences`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from mdma_book.evidence import (
    DataValidationError,
    _sourced_columns,
    bibliography_keys,
    load_table,
    real_date_check,
    row_check,
    row_lines,
)
from mdma_book.paths import data_dir

#: Registry identifiers the screening file accepts, one pattern per registry.
REGISTRY_ID_PATTERNS = {
    "ClinicalTrials.gov": r"NCT\d{8}",
    "ANZCTR": r"ACTRN\d{14}",
    "EU CTR (EudraCT)": r"EudraCT \d{4}-\d{6}-\d{2}",
    "EU CTIS": r"\d{4}-\d{6}-\d{2}-\d{2}",
    "ISRCTN": r"ISRCTN\d{8}",
}
# Plain groups, not (?:...): data/datapackage.json declares the same patterns, and a Table
# Schema pattern is an XML Schema regular expression, which has no non-capturing group.
_ONE_ID = "|".join(f"({pattern})" for pattern in REGISTRY_ID_PATTERNS.values())
REGISTRY_IDS_RE = rf"^({_ONE_ID})(;({_ONE_ID}))*$"

RECORD_SOURCES = ("ClinicalTrials.gov", "ANZCTR", "EU CTR", "PubMed", "journal article", "funder or hospital page")
POPULATION_GROUPS = (
    "major depressive disorder",
    "advanced cancer with depressive or anxiety symptoms",
    "PTSD",
    "anxiety with life-threatening illness",
    "autistic adults with social anxiety",
    "alcohol use disorder",
    "healthy volunteers",
)
DEPRESSION_ROLES = ("primary", "secondary", "not stated", "none found")
#: ClinicalTrials.gov's overall statuses, plus EU CTR's "ONGOING" and "PLANNED" for a study not yet registered.
TRIAL_STATUSES = (
    "NOT_YET_RECRUITING",
    "RECRUITING",
    "ENROLLING_BY_INVITATION",
    "ACTIVE_NOT_RECRUITING",
    "SUSPENDED",
    "TERMINATED",
    "COMPLETED",
    "WITHDRAWN",
    "UNKNOWN",
    "ONGOING",
    "PLANNED",
)
RESULTS = ("none found", "posted", "published", "posted and published")
DECISIONS = ("include", "exclude")
DUPLICATE = "another record of a study already counted"
#: Why a study is left out; the PRISMA diagram counts exclusions by these reasons.
EXCLUSION_REASONS = ("healthy volunteers", "no depression outcome found in the records read", DUPLICATE)
DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
FOUND_BY_RE = r"^(earlier|S\d{2}(;S\d{2})*)$"
RECORDS_FOUND_RE = r"^SR\d{2}(;SR\d{2})*$"


def _date_column(column: str, nullable: bool = False) -> pa.Column:
    """A day written ``YYYY-MM-DD`` that exists in the calendar (declared ``"type": "date"``)."""
    return pa.Column(
        str,
        [pa.Check.str_matches(DATE_RE, error=f"{column} must be YYYY-MM-DD"), real_date_check(column)],
        nullable=nullable,
    )


def searches_schema() -> pa.DataFrameSchema:
    """Schema of ``data/searches.csv``: every search with its date, exact query and number of hits."""
    return pa.DataFrameSchema(
        {
            "search_id": pa.Column(str, pa.Check.str_matches(r"^S\d{2}$", error="search_id must be S and two digits")),
            "date": _date_column("date"),
            "source": pa.Column(str, pa.Check.str_length(min_value=3)),
            "tool": pa.Column(str, pa.Check.str_length(min_value=3)),
            "query": pa.Column(str, pa.Check.str_length(min_value=3)),
            "hits": pa.Column(int, pa.Check.ge(0, error="hits must be 0 or more"), coerce=True),
            "records_found": pa.Column(
                str,
                pa.Check.str_matches(RECORDS_FOUND_RE, error="records_found lists SR ids separated by ;"),
                nullable=True,
            ),
            "note": pa.Column(str, nullable=True),
        },
        strict=True,
        name="searches",
    )


def screening_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``data/screening.csv``: one row per record of an MDMA study that measured depression or might have."""

    def vocabulary(values: tuple[str, ...], name: str) -> pa.Check:
        return pa.Check.isin(list(values), error=f"{name} not one of {list(values)}")

    return pa.DataFrameSchema(
        {
            "record_id": pa.Column(
                str, pa.Check.str_matches(r"^SR\d{2}$", error="record_id must be SR and two digits")
            ),
            "study": pa.Column(str, pa.Check.str_length(min_value=2)),
            "registry_ids": pa.Column(
                str,
                pa.Check.str_matches(
                    REGISTRY_IDS_RE,
                    error="registry_ids must be well-formed ids (NCT########, ACTRN##############, "
                    "EudraCT ####-######-##, ISRCTN########) separated by ;",
                ),
                nullable=True,
            ),
            "record_source": pa.Column(str, vocabulary(RECORD_SOURCES, "record_source")),
            "title": pa.Column(str, pa.Check.str_length(min_value=5)),
            "population": pa.Column(str),
            "population_group": pa.Column(str, vocabulary(POPULATION_GROUPS, "population_group")),
            "randomized": pa.Column(str, pa.Check.isin(["yes", "no"], error="randomized must be yes or no")),
            "blinding": pa.Column(str),
            "comparator": pa.Column(str),
            "n": pa.Column("Int64", pa.Check.gt(0, error="n must be above 0"), nullable=True, coerce=True),
            "primary_outcome": pa.Column(str),
            "depression_outcome": pa.Column(str),
            "depression_role": pa.Column(str, vocabulary(DEPRESSION_ROLES, "depression_role")),
            "trial_status": pa.Column(str, vocabulary(TRIAL_STATUSES, "trial_status")),
            "results": pa.Column(str, vocabulary(RESULTS, "results")),
            "sponsor": pa.Column(str),
            **_sourced_columns(bib_keys),
            "found_by": pa.Column(
                str, pa.Check.str_matches(FOUND_BY_RE, error="found_by lists search ids (S01;S02) or says earlier")
            ),
            "checked_on": _date_column("checked_on"),
            "decision": pa.Column(str, vocabulary(DECISIONS, "decision")),
            "reason": pa.Column(str, pa.Check.str_length(min_value=5, error="every decision needs a reason")),
        },
        checks=[
            row_check(
                lambda df: df.groupby("study")["decision"].transform("nunique") == 1,
                ONE_DECISION,
                "decision",
                name="one_decision_per_study",
            ),
            row_check(
                lambda df: (df["decision"] != "exclude") | df["reason"].isin(EXCLUSION_REASONS),
                KNOWN_REASON,
                "reason",
                name="known_exclusion_reason",
            ),
        ],
        strict=True,
        name="screening",
    )


def registry_checks_schema() -> pa.DataFrameSchema:
    """Schema of ``data/registry_checks.csv``: each registry, its API, and its last check (empty: not checked)."""
    return pa.DataFrameSchema(
        {
            "registry": pa.Column(str),
            "has_api": pa.Column(str, pa.Check.isin(["yes", "no"], error="has_api must be yes or no")),
            "check": pa.Column(str, pa.Check.isin(["weekly registry watch", "manual"], error="check not known")),
            "last_checked": _date_column("last_checked", nullable=True),
            "how_checked": pa.Column(str, pa.Check.str_length(min_value=5)),
            "note": pa.Column(str, nullable=True),
        },
        strict=True,
        name="registry_checks",
    )


ONE_DECISION = "records of one study must share one decision"
KNOWN_REASON = f"an excluded record's reason must be one of {list(EXCLUSION_REASONS)}"


def searches(path: Path | None = None) -> pd.DataFrame:
    """Every search run for the book (``data/searches.csv``), validated."""
    return load_table(path or data_dir() / "searches.csv", searches_schema())


def _unknown_ids(path: Path, table: pd.DataFrame, column: str, known: set[str], other: str) -> list[str]:
    """One message per row whose ``;``-separated ``column`` names an id absent from ``known``.

    A list in one cell cannot be a Table Schema foreign key, so these references
    are checked here rather than declared in ``data/datapackage.json``.
    """
    found = []
    for line, cell in zip(row_lines(table), table[column], strict=True):
        unknown = sorted(set(cell.split(";")) - known) if isinstance(cell, str) else []
        if unknown:
            found.append(f"{path}, line {line}, column '{column}': names no {other} ({unknown})")
    return found


def screening(path: Path | None = None, searches_path: Path | None = None) -> pd.DataFrame:
    """Every record screened (``data/screening.csv``), validated.

    Each ``found_by`` must name searches of ``searches.csv`` (or say ``earlier``),
    and each ``records_found`` of ``searches.csv`` records of this file.
    """
    path = path or data_dir() / "screening.csv"
    searches_path = searches_path or data_dir() / "searches.csv"
    table = load_table(path, screening_schema(bibliography_keys()))
    searched = searches(searches_path)
    problems = _unknown_ids(path, table, "found_by", set(searched["search_id"]) | {"earlier"}, "search in searches.csv")
    problems += _unknown_ids(
        searches_path, searched, "records_found", set(table["record_id"]), f"record in {path.name}"
    )
    if problems:
        raise DataValidationError("\n".join(problems))
    return table


def registry_checks(path: Path | None = None) -> pd.DataFrame:
    """Each registry and how and when it was checked (``data/registry_checks.csv``), validated."""
    return load_table(path or data_dir() / "registry_checks.csv", registry_checks_schema())


def studies(table: pd.DataFrame) -> pd.DataFrame:
    """One row per study: its first record, with every registry id of the study joined."""
    first = table.drop_duplicates("study").set_index("study")
    ids = (
        table.dropna(subset=["registry_ids"])
        .groupby("study")["registry_ids"]
        .agg(lambda v: ";".join(dict.fromkeys(";".join(v).split(";"))))
    )
    first["registry_ids"] = ids.reindex(first.index)
    return first.reset_index()


@dataclass(frozen=True)
class PrismaFlow:
    """The numbers of a PRISMA 2020 flow diagram, all computed from ``screening.csv``."""

    records_by_source: dict[str, int]
    duplicates: int
    screened: int
    excluded_by_reason: dict[str, int]
    included: int

    @property
    def identified(self) -> int:
        return sum(self.records_by_source.values())

    @property
    def excluded(self) -> int:
        return sum(self.excluded_by_reason.values())


def prisma_flow(table: pd.DataFrame) -> PrismaFlow:
    """Count records per source, records that repeat a study already counted, and studies in and out.

    A record is a registration or a report; a study may have several. The first
    record of each study (in file order) is screened; the others are duplicates.
    """
    by_source = table["record_source"].value_counts()
    unique = studies(table)
    excluded = unique[unique["decision"] == "exclude"]["reason"].value_counts()
    return PrismaFlow(
        records_by_source={
            source: int(by_source.get(source, 0)) for source in RECORD_SOURCES if by_source.get(source, 0)
        },
        duplicates=len(table) - len(unique),
        screened=len(unique),
        excluded_by_reason={reason: int(count) for reason, count in excluded.items()},
        included=int((unique["decision"] == "include").sum()),
    )


# --- sentences about how much evidence exists ---------------------------------


@dataclass(frozen=True)
class EvidenceRule:
    """A kind of sentence that denies a study, and the screening rows that would contradict it."""

    name: str
    pattern: str
    contradicting: str  # a pandas query over the included studies of screening.csv
    #: How many matching studies contradict it: 1 for "no study", 2 for "the only study".
    at_least: int = 1


#: Sentences that say no study of a kind exists. Each is contradicted by any included
#: study matching its query. "[^.]{0,80}" keeps a match inside one sentence.
EVIDENCE_RULES = (
    EvidenceRule(
        "no randomized trial in depression",
        r"\bno (?:\{term\}`)?randomi[sz]ed(?: controlled)?(?: trial| controlled trial)s?`?[^.]{0,40}?\bin depression\b",
        "randomized == 'yes' and depression_role == 'primary'",
    ),
    EvidenceRule(
        "no controlled trial in depression",
        r"\bno controlled trial (?:in depression|at all)\b",
        "randomized == 'yes' and depression_role == 'primary'",
    ),
    EvidenceRule(
        "no randomized trial in major depression",
        r"\bno (?:\{term\}`)?randomi[sz]ed(?: controlled)? trials?`?[^.]{0,80}?\bmajor depress",
        "randomized == 'yes' and population_group == 'major depressive disorder'",
    ),
    EvidenceRule(
        "none announced or registered",
        r"\b(?:none|no (?:randomi[sz]ed |controlled )?(?:trial|study)) has been (?:announced|registered)\b",
        "randomized == 'yes' and depression_role == 'primary'",
    ),
    EvidenceRule(
        "no randomized evidence in depression",
        r"\bno randomi[sz]ed evidence in[^.]{0,60}?depression\b",
        "randomized == 'yes' and depression_role == 'primary'",
    ),
    EvidenceRule(
        "the randomized evidence comes only from PTSD",
        r"\brandomi[sz]ed (?:evidence|trials?|studies)\b[^.]{0,80}?\b(?:comes? from|came from|(?:is|are|were) (?:all|only))\b"
        r"[^.]{0,60}?(?:PTSD|post-traumatic)"
        r"|\bonly randomi[sz]ed[^.]{0,60}?(?:PTSD|post-traumatic)"
        r"|\brandomi[sz]ed[^.]{0,60}?\bonly (?:in|from) (?:\{term\}`)?(?:PTSD|post-traumatic)",
        "randomized == 'yes' and population_group != 'PTSD'",
    ),
    EvidenceRule(
        "the only study in major depression, unqualified",
        r"\b(?:the|its) (?:only|one|single) (?:study|trial) (?:in|of|designed for) (?:\{term\}`)?major depress",
        "population_group == 'major depressive disorder'",
        at_least=2,
    ),
    EvidenceRule(
        "no other randomized trial reports depression",
        r"\bno other randomi[sz]ed[^.]{0,80}?(?:depression|BDI)",
        "randomized == 'yes' and depression_role in ('primary', 'secondary') and population_group != 'PTSD'",
    ),
)


def contradicted_sentences(texts: dict[str, str], table: pd.DataFrame) -> list[str]:
    """Return one message per sentence in ``texts`` that denies a study the screening file includes.

    ``texts`` maps a place (a file name) to its text. Each message names the place,
    the words that matched and the screening records that contradict them.
    """
    included = studies(table).query("decision == 'include'")
    problems = []
    for place, text in texts.items():
        for rule in EVIDENCE_RULES:
            for match in re.finditer(rule.pattern, text, flags=re.IGNORECASE | re.DOTALL):
                query = rule.contradicting
                if REPORTED.search(_sentence(text, match.start(), match.end())):
                    # "no trial ... has reported" denies results, not registration.
                    query += " and results != 'none found'"
                against = included.query(query)
                if len(against) < rule.at_least:
                    continue
                named = ", ".join(f"{row.study} ({row.record_id})" for row in against.itertuples())
                problems.append(f"{place}: '{match.group(0)}' ({rule.name}) contradicts screening.csv: {named}")
        latest = max(table["checked_on"])
        for match in SEARCH_DATE.finditer(text):
            if match.group(1) != readable_day(latest):
                problems.append(
                    f"{place}: says the search was on {match.group(1)}, but the latest check in screening.csv is {latest}"
                )
    return problems


#: A sentence that qualifies a denial to results ("no trial ... has reported").
REPORTED = re.compile(r"\b(?:has|have|had)? ?reported\b|\bhas not reported\b|\bno results\b", re.IGNORECASE)
#: Where a sentence gives the date of the search, it must be the screening file's latest check.
SEARCH_DATE = re.compile(r"\bsearch(?:ed)?(?: on| of) (\d{1,2} [A-Z][a-z]+ \d{4})")


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence (up to a full stop or a blank line) around ``text[start:end]``."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n\n", 0, start), text.rfind("\n- ", 0, start))
    right = min(i for i in (text.find(". ", end), text.find("\n\n", end), len(text)) if i >= 0)
    return text[left + 1 : right]


def readable_day(iso_date: str) -> str:
    """'2026-12-03' -> '3 December 2026' (as :func:`mdma_book.currency.readable_day`)."""
    day = pd.Timestamp(iso_date)
    return f"{day.day} {day.month_name()} {day.year}"


# --- tables for the methods page ------------------------------------------------


def search_dates(table: pd.DataFrame) -> list[str]:
    """The distinct dates of the searches, oldest first."""
    return sorted(table["date"].unique())


def searches_table(table: pd.DataFrame) -> pd.DataFrame:
    """The searches as the methods page shows them (the date is a column only if searches differ in date)."""
    shown = pd.DataFrame(
        {
            "Search": table["search_id"],
            "Date": table["date"],
            "Source, and how it was run": [f"{r.source}; {r.tool}" for r in table.itertuples()],
            "Exact query": table["query"],
            "Results": table["hits"],
            "Study records": table["records_found"].fillna("none").str.replace(";", ", "),
        }
    )
    return shown.drop(columns="Date") if table["date"].nunique() == 1 else shown


def registered_studies_table(table: pd.DataFrame) -> pd.DataFrame:
    """Every included study with a depression outcome (primary or secondary), with its registrations and status."""
    unique = studies(table)
    rows = unique[(unique["decision"] == "include") & (unique["depression_role"] != "none found")]
    return pd.DataFrame(
        {
            "Study": rows["study"],
            # Fewer, fuller columns keep the table near a phone's width: the population goes
            # with the registry ids, and n with the design.
            "Population; registry ids": [
                f"{r.population_group}; {r.registry_ids.replace(';', ', ') if isinstance(r.registry_ids, str) else 'none found'}"
                for r in rows.itertuples()
            ],
            "Design; n": [
                f"{'randomized' if r.randomized == 'yes' else 'not randomized'}, {r.blinding}; "
                f"comparator: {r.comparator}; n {'not stated' if pd.isna(r.n) else r.n}"
                for r in rows.itertuples()
            ],
            "Depression outcome": [f"{r.depression_outcome} ({r.depression_role})" for r in rows.itertuples()],
            "Status; results (as read on the date checked)": [
                f"{r.trial_status.replace('_', ' ').lower()}; results {r.results} ({r.checked_on})"
                for r in rows.itertuples()
            ],
        }
    )


def excluded_table(table: pd.DataFrame) -> pd.DataFrame:
    """Every study left out, with its reason."""
    unique = studies(table)
    rows = unique[unique["decision"] == "exclude"]
    return pd.DataFrame(
        {
            "Study": rows["study"],
            "Registry ids": rows["registry_ids"].fillna("none found").str.replace(";", ", "),
            "Population": rows["population_group"],
            "Reason": rows["reason"],
        }
    )


def registry_checks_table(table: pd.DataFrame) -> pd.DataFrame:
    """Each registry, whether the watch covers it, and when it was last checked."""
    return pd.DataFrame(
        {
            "Registry or source": table["registry"],
            "API": table["has_api"],
            "Checked by": table["check"],
            "Last checked": table["last_checked"].fillna("not yet checked"),
            "How": table["how_checked"],
        }
    )
