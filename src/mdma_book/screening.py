"""The book's documented search: what was searched, what was found, and why each study is in or out.

Three tables in ``data/`` (described in ``data/README.md``):

- ``searches.csv``: one row per search run (source, date, exact query, hits);
- ``screening.csv``: one row per record found (a registration or a report),
  grouped into studies by ``study_id``, with the decision and its reason; a
  report that pools several trials (``ST06;ST07``) is a report of each of them,
  never a study of its own;
- ``registry_checks.csv``: each registry, whether it has an API, and when it was last checked.

From the two tables this module computes the PRISMA 2020 flow for a new review
that searched databases, registers and other sources (:func:`prisma_flow`) and checks
the book's sentences about how much evidence exists against it
(:func:`contradicted_sentences`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from mdma_book import datapackage
from mdma_book.currency import readable_day
from mdma_book.evidence import (
    DataValidationError,
    bibliography_keys,
    load_table,
    row_check,
    row_lines,
    sibling_file,
    sourced_checks,
)
from mdma_book.paths import data_dir
from mdma_book.table_schema import declared_schema

#: "not retrieved": a report sought but not read (PRISMA's "reports not retrieved").
#: "awaiting classification": a report read only in part, so that whether the study measured
#: depression is not known (Cochrane's "studies awaiting classification").
AWAITING = "awaiting classification"
#: Decisions on a record that was read, in full or in part.
JUDGED = ("include", "exclude", AWAITING)
#: The one eligibility rule, applied to every record (shown on the methods page and in data/README.md).
ELIGIBILITY_RULE = (
    "A study is eligible if people who were not healthy volunteers were given MDMA and a depression outcome "
    "was measured or registered, whether or not a result for it was reported or found. "
    "A study is excluded only when its participants were healthy volunteers, or when its outcomes were read "
    "in full (the registry's outcome list, or the paper's methods) and name no depression measure. "
    "A study whose records were read only in part, so that it is not known whether depression was measured, "
    "is awaiting classification; a fuller reading decides it."
)
#: Why a study is left out; the PRISMA diagram counts exclusions by these reasons. Declared once, with the
#: ``reason`` field of ``data/datapackage.json`` (its ``exclusionReasons``); data/README.md is tested against it.
EXCLUSION_REASONS = tuple(datapackage.field("screening", "reason")["exclusionReasons"])


def exclusion_reasons_text() -> str:
    """The reasons a study may be left out, as the methods page gives them: each quoted, joined by "or"."""
    return " or ".join(f"\u201c{reason}\u201d" for reason in EXCLUSION_REASONS)


#: The source of a record found before the documented search (``found_by`` = ``earlier``).
EARLIER_SOURCE = "Leads from the book's earlier research"


def searches_schema() -> pa.DataFrameSchema:
    """Schema of ``data/searches.csv``: every search with its date, exact query and number of hits."""
    return declared_schema("searches")


def screening_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``data/screening.csv``: one row per record of an MDMA study that measured depression or might have."""
    return declared_schema(
        "screening",
        sourced_checks(bib_keys),
        checks=[
            row_check(_one_decision_per_study, ONE_DECISION, "decision", name="one_decision_per_study"),
            row_check(_one_name_per_study, ONE_NAME, "study", name="one_name_per_study"),
            row_check(
                lambda df: (df["decision"] == "exclude") == df["excluded_at"].notna(),
                EXCLUDED_WHERE,
                # Reported on "decision": pandera leaves an empty cell out of a row check's failure cases.
                "decision",
                name="excluded_at_exactly_for_exclusions",
            ),
            row_check(
                lambda df: (df["decision"] != "exclude") | df["reason"].isin(EXCLUSION_REASONS),
                KNOWN_REASON,
                "reason",
                name="known_exclusion_reason",
            ),
        ],
    )


def registry_checks_schema() -> pa.DataFrameSchema:
    """Schema of ``data/registry_checks.csv``: each registry, its API, and its last check (empty: not checked)."""
    return declared_schema("registry_checks")


ONE_DECISION = "records of one study must share one decision (include, exclude or awaiting classification)"
ONE_NAME = "records of one study_id must share one study name"
EXCLUDED_WHERE = "excluded_at is given for an excluded record, and only for one"
KNOWN_REASON = f"an excluded record's reason must be one of {list(EXCLUSION_REASONS)}"


def _single(df: pd.DataFrame) -> pd.Series:
    """Records of one study (a pooled report names several, ``ST06;ST07``)."""
    return ~df["study_id"].astype(str).str.contains(";")


def _one_decision_per_study(df: pd.DataFrame) -> pd.Series:
    """A study's read records share a decision; a pooled report or an unread one is judged on its own."""
    judged = _single(df) & df["decision"].isin(JUDGED)
    counts = df[judged].groupby("study_id")["decision"].transform("nunique")
    return counts.reindex(df.index).fillna(1) == 1


def _one_name_per_study(df: pd.DataFrame) -> pd.Series:
    counts = df[_single(df)].groupby("study_id")["study"].transform("nunique")
    return counts.reindex(df.index).fillna(1) == 1


def searches(path: Path | None = None) -> pd.DataFrame:
    """Every search run for the book (``data/searches.csv``), validated."""
    return load_table(path or data_dir() / "searches.csv", searches_schema())


def _unknown_ids(
    path: Path, table: pd.DataFrame, column: str, known: set[str], other: str, rows: pd.Series | None = None
) -> list[str]:
    """One message per row whose ``;``-separated ``column`` names an id absent from ``known``.

    A list in one cell cannot be a Table Schema foreign key, so these references
    are checked here rather than declared in ``data/datapackage.json``.
    """
    found = []
    chosen = [True] * len(table) if rows is None else list(rows)
    for line, cell, checked in zip(row_lines(table), table[column], chosen, strict=True):
        unknown = sorted(set(cell.split(";")) - known) if isinstance(cell, str) and checked else []
        if unknown:
            found.append(f"{path}, line {line}, column '{column}': names no {other} ({unknown})")
    return found


@dataclass(frozen=True)
class _Linked:
    """One side of a two-way link: a table, the file it was read from, its id column and its list of linked ids."""

    path: Path
    table: pd.DataFrame
    key: str
    link: str


def _ids(cell: object) -> list[str]:
    return cell.split(";") if isinstance(cell, str) else []


def _one_way_links(side: _Linked, other: _Linked) -> list[str]:
    """One message per row of ``side`` whose ``link`` names a row of ``other`` whose ``link`` omits it.

    Reported on the row of ``side``; ids that name nothing are reported by :func:`_unknown_ids`.
    """
    back = {key: set(_ids(cell)) for key, cell in zip(other.table[other.key], other.table[other.link], strict=True)}
    problems = []
    rows = zip(row_lines(side.table), side.table[side.key], side.table[side.link], strict=True)
    for line, key, cell in rows:
        missing = sorted(linked for linked in _ids(cell) if linked in back and key not in back[linked])
        if missing:
            problems.append(
                f"{side.path}, line {line}, column '{side.link}': {key} links to {missing}, "
                f"whose {other.link} in {other.path.name} does not link back to {key}"
            )
    return problems


def _unlinked(path: Path, table: pd.DataFrame, searches_path: Path, searched: pd.DataFrame) -> list[str]:
    """One message per one-way link between a record's ``found_by`` and a search's ``records_found``, on each side."""
    records = _Linked(path, table, "record_id", "found_by")
    searches = _Linked(searches_path, searched, "search_id", "records_found")
    return _one_way_links(records, searches) + _one_way_links(searches, records)


def screening(path: Path | None = None, searches_path: Path | None = None) -> pd.DataFrame:
    """Every record screened (``data/screening.csv``), validated.

    Each ``found_by`` must name searches of ``searches.csv`` (or say ``earlier``),
    and each ``records_found`` of ``searches.csv`` records of this file.
    """
    path = path or data_dir() / "screening.csv"
    searches_path = searches_path or sibling_file(path, "searches")
    table = load_table(path, screening_schema(bibliography_keys()))
    searched = searches(searches_path)
    problems = _unknown_ids(path, table, "found_by", set(searched["search_id"]) | {"earlier"}, "search in searches.csv")
    problems += _unknown_ids(
        searches_path, searched, "records_found", set(table["record_id"]), f"record in {path.name}"
    )
    problems += _unlinked(path, table, searches_path, searched)
    # A pooled report is a report of studies that have records of their own; an id
    # only it names would be a study counted from a pooled report alone.
    single = _single(table)
    problems += _unknown_ids(
        path, table, "study_id", set(table.loc[single, "study_id"]), "study with a record of its own", rows=~single
    )
    if problems:
        raise DataValidationError("\n".join(problems))
    return table


def registry_checks(path: Path | None = None) -> pd.DataFrame:
    """Each registry and how and when it was checked (``data/registry_checks.csv``), validated."""
    return load_table(path or data_dir() / "registry_checks.csv", registry_checks_schema())


#: How far a record's trial status is trusted: a registry record or a report of the study itself above a
#: funder's or hospital's page, and both above a third party's trial listing (review issue 16, item 3).
STATUS_AUTHORITY = {
    "ClinicalTrials.gov": 2,
    "ANZCTR": 2,
    "EU CTR": 2,
    "PubMed": 2,
    "journal article": 2,
    "funder or hospital page": 1,
    "trial listing": 0,
}
#: Statuses that end a study. A trial does not go back from these to recruiting, so among records of equal
#: authority one that says the study ended outranks an older copy that still shows it running.
ENDED = ("COMPLETED", "TERMINATED", "WITHDRAWN")


def status_records(own: pd.DataFrame) -> pd.Series:
    """For each study, the record its status is taken from: the most authoritative source, then a status
    that ends the study, then the latest ``checked_on``; ties keep the file's order."""
    ranked = own.assign(
        _authority=own["record_source"].map(STATUS_AUTHORITY),  # every declared source has a rank (a test)
        _ended=own["trial_status"].isin(ENDED),
        _order=range(len(own)),
    ).sort_values(["_authority", "_ended", "checked_on", "_order"], ascending=[False, False, False, True])
    return ranked.drop_duplicates("study_id").set_index("study_id")["record_id"]


def studies(table: pd.DataFrame) -> pd.DataFrame:
    """One row per study: its first read record, with every registry id of the study joined, and its
    trial status from the record :func:`status_records` picks (``status_record``, ``status_checked_on``).

    Only records of one study count (a pooled report adds no study), and only
    records that were read (decision include, exclude or awaiting classification).
    """
    own = table[_single(table) & table["decision"].isin(JUDGED)]
    first = own.drop_duplicates("study_id").set_index("study_id")
    chosen = own.set_index("record_id").loc[status_records(own).reindex(first.index)]
    first["trial_status"] = chosen["trial_status"].to_numpy()
    first["status_record"] = chosen.index.to_numpy()
    first["status_checked_on"] = chosen["checked_on"].to_numpy()
    ids = (
        own.dropna(subset=["registry_ids"])
        .groupby("study_id")["registry_ids"]
        .agg(lambda v: ";".join(dict.fromkeys(";".join(v).split(";"))))
    )
    first["registry_ids"] = ids.reindex(first.index)
    return first.reset_index()


@dataclass(frozen=True)
class PrismaColumn:
    """One column of the PRISMA 2020 flow diagram; every box is counted from the records themselves."""

    identified_by_source: dict[str, int]  # records per source searched; a record two sources found counts in both
    duplicates: int  # records removed before screening: each further source that found a record already found
    screened: int  # distinct records of this column
    excluded_at_screening: int  # excluded on the title or summary (the other-methods column has no screening box)
    screened_out_by_reason: dict[str, int]  # the same, by reason
    sought: int  # reports sought for retrieval
    not_retrieved: int  # reports sought but not read
    assessed: int  # reports read (in full or in part) and judged
    excluded_by_reason: dict[str, int]  # reports read and excluded, by reason
    awaiting: int  # reports read only in part: awaiting classification
    included: int  # reports included, from this column

    @property
    def identified(self) -> int:
        return sum(self.identified_by_source.values())

    @property
    def excluded(self) -> int:
        return sum(self.excluded_by_reason.values())


@dataclass(frozen=True)
class PrismaFlow:
    """The PRISMA 2020 flow for a new review of databases, registers and other sources (Page et al. 2021)."""

    databases: PrismaColumn
    other: PrismaColumn
    studies_included: int  # each study once, however many reports it has
    reports_of_included: int  # every included report, a pooled report once
    studies_awaiting: int  # studies whose records were read only in part


def prisma_source(source: str, method: str) -> str:
    """The source a search actually reached, as the PRISMA identification box lists it.

    A database or register search is counted under the store it searched ("stored web pages",
    "stored code and data"), not under the registry its query was aimed at: a query aimed at
    ISRCTN that returned only ClinicalTrials.gov copies found no ISRCTN record. The registry each
    query was aimed at is in Tables M.1 and M.2. A citation search keeps the list it followed.
    """
    return source.split(",")[0] if method == "databases and registers" else source


def _record_sources(table: pd.DataFrame, searched: pd.DataFrame) -> list[tuple[str, dict[str, str]]]:
    """For each record: its PRISMA column, and for that column the sources that found it (source -> method)."""
    by_id = searched.set_index("search_id")
    placed = []
    for found_by in table["found_by"]:
        sources = {}
        for search in found_by.split(";"):
            if search == "earlier":
                sources[EARLIER_SOURCE] = "other methods"
            else:
                method = by_id.at[search, "method"]
                sources[prisma_source(by_id.at[search, "source"], method)] = method
        # A record any database or register search found belongs to that column;
        # PRISMA counts the other methods only for records they alone found.
        column = "databases and registers" if "databases and registers" in sources.values() else "other methods"
        placed.append((column, {s: m for s, m in sources.items() if m == column}))
    return placed


def _column(
    table: pd.DataFrame, searched: pd.DataFrame, placed: list[tuple[str, dict[str, str]]], method: str
) -> PrismaColumn:
    """Count one column's boxes, each from the records themselves, so that the sums between boxes are a check.

    Every source this column's searches reached is listed, with 0 if it returned no record.
    """
    mine = [i for i, (column, _) in enumerate(placed) if column == method]
    rows = table.iloc[mine]
    reached = searched.loc[searched["method"] == method, "source"]
    by_source = dict.fromkeys((prisma_source(source, method) for source in reached), 0)
    for i in mine:
        for source in placed[i][1]:
            by_source[source] = by_source.get(source, 0) + 1
    # The other-methods column of the template goes from records identified straight to reports sought.
    screens = method == "databases and registers"
    at_screening = rows["excluded_at"].eq("title or summary") & screens
    sought = rows[~at_screening]
    read = sought[sought["decision"].isin(JUDGED)]
    reports_out = read[read["decision"] == "exclude"]
    return PrismaColumn(
        identified_by_source=by_source,
        duplicates=sum(len(placed[i][1]) - 1 for i in mine),
        screened=len(rows),
        excluded_at_screening=int(at_screening.sum()),
        screened_out_by_reason={reason: int(n) for reason, n in rows[at_screening]["reason"].value_counts().items()},
        sought=len(sought),
        not_retrieved=int((sought["decision"] == "not retrieved").sum()),
        assessed=len(read),
        excluded_by_reason={reason: int(n) for reason, n in reports_out["reason"].value_counts().items()},
        awaiting=int((read["decision"] == AWAITING).sum()),
        included=int((read["decision"] == "include").sum()),
    )


def prisma_flow(table: pd.DataFrame, searched: pd.DataFrame) -> PrismaFlow:
    """Count the PRISMA 2020 boxes from ``screening.csv`` and ``searches.csv``.

    Each row of ``screening.csv`` is one record and one report (a registration or
    a publication). A study is counted once, from its own records; a report that
    pools several trials is a report of each of them and adds no study.
    """
    placed = _record_sources(table, searched)
    included_studies = studies(table).query("decision == 'include'")
    return PrismaFlow(
        databases=_column(table, searched, placed, "databases and registers"),
        other=_column(table, searched, placed, "other methods"),
        studies_included=len(included_studies),
        reports_of_included=int((table["decision"] == "include").sum()),
        studies_awaiting=len(awaiting_studies(table)),
    )


def awaiting_studies(table: pd.DataFrame) -> set[str]:
    """Studies awaiting classification: read only in part, or whose only reports were not retrieved.

    One rule for every record (review R16, M3): a record read in part awaits classification; a
    record of which only a title or listing was seen is a report not retrieved, and its study, as
    Cochrane counts it, awaits classification too.
    """
    decided = studies(table)
    own = table[_single(table)]
    unread = set(own.loc[own["decision"] == "not retrieved", "study_id"]) - set(decided["study_id"])
    return set(decided.loc[decided["decision"] == AWAITING, "study_id"]) | unread


# --- sentences about how much evidence exists ---------------------------------


@dataclass(frozen=True)
class EvidenceRule:
    """A kind of sentence that denies a study, and the screening rows that would contradict it."""

    name: str
    pattern: str
    contradicting: str  # a pandas query over the included studies of screening.csv
    #: How many matching studies contradict it: 1 for "no study", 2 for "the only study".
    at_least: int = 1
    #: The decisions whose studies count. A sentence about which studies exist ("the only study in major
    #: depression") is contradicted by a study awaiting classification too: it was found, whatever it measured.
    decisions: tuple[str, ...] = ("include",)


#: Sentences that say no study of a kind exists. Each is contradicted by any included
#: study matching its query (or, where the rule says so, a study awaiting classification). "[^.]{0,80}" keeps a match inside one sentence.
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
        # "major depression" is left to the rule for major depression above.
        "no (randomized/controlled) trial ... depression",
        r"\bno (?:\{term\}`)?(?:randomi[sz]ed |controlled )?(?:controlled )?trials?`?\b[^.]{0,80}?\b(?<!major )depress",
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
        decisions=("include", AWAITING),
    ),
    EvidenceRule(
        "the one randomized trial that measured depression",
        r"\b(?:the|its) (?:only|one|single) (?:\{term\}`)?randomi[sz]ed(?: controlled)? trial`?[^.]{0,80}?\bdepress",
        "randomized == 'yes' and depression_role in ('primary', 'secondary')",
        at_least=2,
    ),
    EvidenceRule(
        "no other randomized trial reports depression",
        r"\bno other randomi[sz]ed[^.]{0,80}?(?:depression|BDI)",
        "randomized == 'yes' and depression_role in ('primary', 'secondary') and population_group != 'PTSD'",
    ),
    EvidenceRule(
        "no controlled or randomized evidence",
        r"\bno (?:controlled|randomi[sz]ed)(?: controlled)? evidence\b",
        "randomized == 'yes' and depression_role in ('primary', 'secondary') and results != 'none found'",
    ),
)


def contradicted_sentences(texts: dict[str, str], table: pd.DataFrame) -> list[str]:
    """Return one message per sentence in ``texts`` that denies a study the screening file includes.

    ``texts`` maps a place (a file name) to its text. Each message names the place,
    the words that matched and the screening records that contradict them.
    """
    judged = studies(table)
    problems = []
    for place, text in texts.items():
        for rule in EVIDENCE_RULES:
            counted = judged[judged["decision"].isin(rule.decisions)]
            for match in re.finditer(rule.pattern, text, flags=re.IGNORECASE | re.DOTALL):
                query = rule.contradicting + _qualifiers(text, match)
                against = counted.query(query)
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


#: A verb that qualifies the denied noun to results ("no trial ... has reported"). The auxiliary is
#: required: "an open-label trial ... reported lower scores" describes one study, it does not narrow
#: the denial to studies with results.
REPORTED = re.compile(r"\b(?:has|have|had)(?: not| yet)? (?:yet )?reported\b|\bno results\b", re.IGNORECASE)
#: A verb that qualifies the denied noun to published studies ("the one trial ... that has been published").
PUBLISHED = re.compile(r"\b(?:has|have|had) been published\b", re.IGNORECASE)
#: A phrase that sets PTSD aside ("Outside PTSD, the one randomized trial ...").
OUTSIDE_PTSD = re.compile(
    r"\b(?:outside|other than|besides|apart from) (?:\{term\}`)?(?:PTSD|post-traumatic)", re.IGNORECASE
)


def _qualifiers(text: str, match: re.Match) -> str:
    """The extra query terms a sentence's own qualifiers put on a denial.

    A results qualifier counts only after the denied noun (from the match to the end of the
    sentence); a phrase setting PTSD aside counts anywhere in the sentence.
    """
    sentence = _sentence(text, match.start(), match.end())
    ends = (text.find(". ", match.end()), text.find("\n\n", match.end()), len(text))
    after = text[match.start() : min(i for i in ends if i >= 0)]
    extra = ""
    if REPORTED.search(after):
        extra += " and results != 'none found'"
    if PUBLISHED.search(after):
        extra += " and results in ('published', 'posted and published')"
    if OUTSIDE_PTSD.search(sentence):
        extra += " and population_group != 'PTSD'"
    return extra


#: Where a sentence gives the date of the search, it must be the screening file's latest check. A span
#: of days ("the searches of 3 and 4 December 2026") is checked by its last day.
SEARCH_DATE = re.compile(r"\bsearch(?:ed|es)?(?: on| of) (?:\d{1,2} and )?(\d{1,2} [A-Z][a-z]+ \d{4})")


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence (up to a full stop or a blank line) around ``text[start:end]``."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n\n", 0, start), text.rfind("\n- ", 0, start))
    right = min(i for i in (text.find(". ", end), text.find("\n\n", end), len(text)) if i >= 0)
    return text[left + 1 : right]


# --- tables for the methods page ------------------------------------------------


def results_returned(table: pd.DataFrame) -> int:
    """How many results the searches returned in all (each search's ``hits``); most are not study records."""
    return int(table["hits"].sum())


#: The ``method`` of searches that re-checked the regulatory status of treatments (chapter 5) rather than
#: looked for studies: Table M.1 lists them with the rest, but the study search, its date and its PRISMA
#: diagram leave them out. (A declared value, not the free-text ``source``, which a contributor may reword.)
REGULATORY_METHOD = "regulatory re-check"


def study_searches(table: pd.DataFrame) -> pd.DataFrame:
    """The searches for studies: every search but the regulatory-status re-checks (:data:`REGULATORY_METHOD`)."""
    return table[table["method"] != REGULATORY_METHOD]


def regulatory_searches(table: pd.DataFrame) -> pd.DataFrame:
    """The searches that re-checked the regulatory status of the treatments in chapter 5."""
    return table[table["method"] == REGULATORY_METHOD]


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
                f"{r.trial_status.replace('_', ' ').lower()}; results {r.results} ({r.status_checked_on})"
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


def awaiting_table(table: pd.DataFrame) -> pd.DataFrame:
    """Every study awaiting classification, with what was and was not read."""
    unique = studies(table)
    rows = unique[unique["decision"] == AWAITING]
    return pd.DataFrame(
        {
            "Study": rows["study"],
            "Registry ids": rows["registry_ids"].fillna("none found").str.replace(";", ", "),
            "Population": rows["population_group"],
            "Why it is not yet decided": rows["reason"],
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
