"""The evidence loader accepts the book's data and rejects each kind of bad row clearly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import ROOT
from support.data import refusal

from mdma_book import currency, evidence, harms, pharmacokinetics
from mdma_book.citations import short_citation

FIXTURES = Path(__file__).parent / "fixtures"


def test_book_data_validates_and_has_both_phase3_trials():
    table = evidence.phase3_outcomes()
    assert set(table["study"]) == {"MAPP1", "MAPP2"}
    assert set(table["outcome"]) == set(evidence.PTSD_OUTCOMES)
    # one MDMA and one placebo row for each trial and outcome
    assert table.groupby(["study", "outcome"]).size().eq(2).all()
    assert table["retracted"].dtype == bool


def test_good_fixture_loads():
    table = evidence.phase3_outcomes(FIXTURES / "good_phase3.csv")
    assert table["events"].tolist() == [14, 2]


#: (fixture in tests/fixtures, loader, line, column, phrase): each file holds one bad row.
BAD_ROWS = [
    ("negative_events.csv", evidence.phase3_outcomes, 3, "events", "0 or more"),
    ("events_above_total.csv", evidence.phase3_outcomes, 2, "events", "events above total"),
    ("unknown_source_key.csv", evidence.phase3_outcomes, 3, "source_key", "not in references.bib"),
    ("missing_locator.csv", evidence.phase3_outcomes, 3, "locator", "is empty"),
    ("unknown_status.csv", evidence.phase3_outcomes, 3, "status", "status not one of"),
    ("events_not_a_number.csv", evidence.phase3_outcomes, 3, "events", "cannot be read as a whole number"),
    ("duplicate_row.csv", evidence.phase3_outcomes, 3, "study+arm+outcome+timepoint_weeks", "repeats another row"),
    (
        "retracted_without_flag.csv",
        evidence.phase3_outcomes,
        3,
        "retracted",
        "retracted must be true exactly when the source is retracted",
    ),
    (
        "flag_without_retraction.csv",
        evidence.phase3_outcomes,
        3,
        "retracted",
        "retracted must be true exactly when the source is retracted",
    ),
    # The physical line an editor shows: two blank lines before the bad row put it on line 5, not the 2nd row;
    # a quoted note spanning three lines pushes the next row to line 5.
    ("blank_lines.csv", evidence.phase3_outcomes, 5, "events", "0 or more"),
    ("multiline_note.csv", evidence.phase3_outcomes, 5, "retracted", "retracted must be true or false"),
    ("claim_unknown_verdict.csv", evidence.claims, 2, "verdict", "verdict not one of"),
    ("claim_unknown_source.csv", evidence.claims, 2, "source_keys", "not in references.bib"),
]


@pytest.mark.parametrize(("fixture", "load", "line", "column", "phrase"), BAD_ROWS, ids=[row[0] for row in BAD_ROWS])
def test_bad_row_is_rejected_naming_file_line_and_column(fixture, load, line, column, phrase):
    path = FIXTURES / fixture
    message = refusal(load, path)
    assert f"{path}, line {line}, column '{column}'" in message
    assert phrase in message


def test_missing_column_is_named():
    path = FIXTURES / "missing_column.csv"
    with pytest.raises(evidence.DataValidationError, match=r"column 'locator' is missing from the file"):
        evidence.phase3_outcomes(path)


def test_unreadable_file_names_the_file(tmp_path):
    path = tmp_path / "absent.csv"
    with pytest.raises(evidence.DataValidationError, match="absent.csv"):
        evidence.phase3_outcomes(path)


def test_every_source_key_in_data_exists_in_references_bib():
    import pandas as pd

    keys = evidence.bibliography_keys()
    for csv in sorted((ROOT / "data").glob("*.csv")):
        if csv.name in {"evidence_checked.csv", "searches.csv", "registry_checks.csv"}:
            continue  # when pages were checked and how the book searched: the book's own records, not facts from a source
        table = pd.read_csv(csv, dtype=str)
        used = set(table["source_key"].dropna()) if "source_key" in table else set()
        if "source_keys" in table:
            used |= {k for cell in table["source_keys"].dropna() for k in cell.split(";") if k}
        assert used, f"{csv.name} names no source"
        assert used <= keys, f"{csv.name} cites keys missing from references.bib: {used - keys}"


@pytest.mark.parametrize(
    "loader",
    [
        evidence.dichotomous_outcomes,
        evidence.continuous_outcomes,
        evidence.reported_values,
        evidence.trials,
        evidence.claims,
        evidence.certainty,
        harms.harms,
        currency.access,
        currency.changelog,
        currency.evidence_checked,
        pharmacokinetics.dosing_regimens,
    ],
)
def test_every_data_file_validates(loader):
    assert len(loader()) > 0


def test_retracted_sources_are_flagged_in_the_data():
    values = evidence.reported_values()
    pooled = values[values["source_key"] == "mithoefer2019pooled"]
    assert len(pooled) > 0 and pooled["retracted"].all()
    assert not values[values["source_key"] != "mithoefer2019pooled"]["retracted"].any()


def test_short_citation_reads_the_bibliography():
    assert short_citation("mitchell2021mapp1") == "Mitchell et al., 2021"
    with pytest.raises(KeyError, match="nosuch"):
        short_citation("nosuch")


def test_a_row_with_an_extra_field_names_the_file_and_line():
    path = FIXTURES / "extra_field.csv"
    with pytest.raises(evidence.DataValidationError, match=r"extra_field\.csv: cannot be read as CSV: .*line 3"):
        evidence.phase3_outcomes(path)


def test_loaded_rows_remember_their_physical_lines():
    table = evidence.load_table(
        FIXTURES / "good_phase3.csv", evidence.dichotomous_outcomes_schema(evidence.bibliography_keys())
    )
    assert evidence.row_lines(table) == [2, 3]
    frame, lines = evidence.read_rows(FIXTURES / "multiline_note.csv")
    assert lines == [2, 5] and frame.loc[0, "note"] == "A note\nthat spans\nthree lines."


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("empty.csv", r"empty\.csv: the file is empty"),
        ("not_utf8.csv", r"not_utf8\.csv, line 2: is not UTF-8 text \(byte 0xe9\)"),
        ("header_only.csv", r"header_only\.csv: has a header but no rows"),
    ],
)
def test_unreadable_or_empty_files_fail_in_the_packages_own_words(fixture, message):
    with pytest.raises(evidence.DataValidationError, match=message):
        evidence.dichotomous_outcomes(FIXTURES / fixture)


def test_a_table_may_be_allowed_to_have_no_rows():
    schema = evidence.dichotomous_outcomes_schema(evidence.bibliography_keys())
    assert evidence.load_table(FIXTURES / "header_only.csv", schema, require_rows=False).empty


def test_a_row_with_a_missing_field_names_the_line(tmp_path):
    path = tmp_path / "short.csv"
    good = (FIXTURES / "good_phase3.csv").read_text().splitlines()
    path.write_text("\n".join([*good[:2], good[2].rsplit(",", 3)[0]]) + "\n")
    with pytest.raises(evidence.DataValidationError, match=r"short\.csv: cannot be read as CSV: line 3 has 11 fields"):
        evidence.dichotomous_outcomes(path)


def test_the_data_dictionary_lists_exactly_the_loaders_evidence_kinds():
    """data/README.md's list of evidence kinds (the harms.csv row) is the loader's EVIDENCE_KINDS, no more, no fewer."""
    text = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    row = next(
        line for line in text.splitlines() if line.startswith("| `evidence_kind` |") and "EVIDENCE_KINDS" in line
    )
    accepts = row.split(" | ")[3]  # column | type | required | accepts | meaning
    listed = re.findall(r"`([a-z][a-z ]+)`", accepts.removeprefix("one of "))
    assert listed == list(evidence.EVIDENCE_KINDS), f"README lists {listed}, the loader {list(evidence.EVIDENCE_KINDS)}"


@pytest.mark.parametrize(
    ("column", "value", "phrase"),
    [
        ("measure", "auc", "reports auc, not tmax"),
        ("dose_mg", 100, "differ in dose_mg"),
        ("study", "Other", "differ in study"),
    ],
)
def test_the_model_refuses_fit_rows_of_another_measure_study_or_dose(column, value, phrase):
    from mdma_book import pharmacokinetics

    table = pharmacokinetics.pharmacokinetic_values()
    table.loc[table["quote_id"] == pharmacokinetics.FIT_IDS["tmax"], column] = value
    with pytest.raises(ValueError, match=phrase):
        pharmacokinetics.fitted_model(table)


@pytest.mark.parametrize(
    ("old", "new", "phrase"),
    [
        (",mapp1,mapp1,", ",mapp1,mapp2,", "differ from the course's first row"),
        ("MAPP2,", "MAPP 2,", "differ from the course's first row"),
        ("as in MAPP1,1\n", "as in MAPP1,0\n", "exactly one course must be on course_row 0"),
    ],
)
def test_a_course_repeats_its_trial_name_and_row_and_one_course_is_the_lower_row(tmp_path, old, new, phrase):
    from support.data import edited_copy

    from mdma_book import timelines

    assert phrase in refusal(timelines.treatment_course, edited_copy(tmp_path, "treatment_course.csv", old, new))
