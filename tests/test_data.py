"""The evidence loader accepts the book's data and rejects each kind of bad row clearly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import ROOT
from support.data import csv_lines, planted, real_row, real_rows, refusal

from mdma_book import evidence, screening
from mdma_book.citations import short_citation
from mdma_book.tables import LOADERS

OUTCOMES = "dichotomous_outcomes.csv"


def _pair() -> list[dict[str, str]]:
    """Two real rows of dichotomous_outcomes.csv (lines 2 and 3 of a copy): a Phase 3 trial's MDMA arm for a
    PTSD outcome and its control arm for the same outcome and time point. Built from the file, so a new
    column needs no edit here."""
    rows = real_rows(OUTCOMES)
    mdma = next(
        r
        for r in rows
        if r["phase"] == "3"
        and r["role"] == "mdma"
        and r["outcome"] in evidence.PTSD_OUTCOMES
        and r["retracted"] == "false"
    )
    same = ("study", "outcome", "timepoint_weeks")
    control = next(r for r in rows if r["role"] == "control" and all(r[k] == mdma[k] for k in same))
    return [mdma, control]


def _good(tmp_path: Path) -> Path:
    return planted(tmp_path / "good_phase3.csv", _pair())


def test_book_data_validates_and_has_both_phase3_trials():
    table = evidence.phase3_outcomes()
    ids = evidence.trial_ids(evidence.trials())
    assert {ids[study] for study in table["study"]} == {"mapp1", "mapp2"}
    assert set(table["outcome"]) == set(evidence.PTSD_OUTCOMES)
    # one MDMA and one placebo row for each trial and outcome
    assert table.groupby(["study", "outcome"]).size().eq(2).all()
    assert table["retracted"].dtype == bool


def test_good_copy_loads(tmp_path):
    table = evidence.phase3_outcomes(_good(tmp_path))
    assert table["events"].tolist() == [int(row["events"]) for row in _pair()]


def _retracted_key() -> str:
    return sorted(evidence.retracted_keys())[0]


#: A defect planted in the two real rows of :func:`_pair` (a function changing them in place).
PLANTS = {
    "negative_events": lambda rows: rows[1].update(events="-2"),
    "events_above_total": lambda rows: rows[0].update(events=str(int(rows[0]["total"]) + 10)),
    "unknown_source_key": lambda rows: rows[1].update(source_key="nosuchsource2099"),
    "missing_locator": lambda rows: rows[1].update(locator=""),
    "unknown_status": lambda rows: rows[1].update(status="probably"),
    "events_not_a_number": lambda rows: rows[1].update(events="two"),
    "duplicate_row": lambda rows: rows.__setitem__(1, dict(rows[0])),
    "retracted_without_flag": lambda rows: rows[1].update(source_key=_retracted_key(), retracted="false"),
    "flag_without_retraction": lambda rows: rows[1].update(retracted="true"),
    "multiline_note": lambda rows: (
        rows[0].update(note="A note\nthat spans\nthree lines."),
        rows[1].update(retracted="maybe"),
    ),
}


def _planted_outcomes(tmp_path: Path, kind: str) -> Path:
    rows = _pair()
    PLANTS[kind](rows)
    return planted(tmp_path / f"{kind}.csv", rows)


def _blank_lines(tmp_path: Path) -> Path:
    """Two blank lines before the second row, whose events are negative: the bad row is on line 5."""
    rows = _pair()
    rows[1]["events"] = "-2"
    header, first, second = csv_lines(rows)
    path = tmp_path / "blank_lines.csv"
    path.write_text(header + first + "\n\n" + second, encoding="utf-8")
    return path


def _claim(tmp_path: Path, **changes: str) -> Path:
    row = real_rows("claims.csv")[0]
    row.update(changes)
    return planted(tmp_path / "claims.csv", [row])


#: (case, copy of a real file with one defect planted, loader, line, column, phrase).
BAD_ROWS = [
    ("negative_events", evidence.phase3_outcomes, 3, "events", "0 or more"),
    ("events_above_total", evidence.phase3_outcomes, 2, "events", "events above total"),
    ("unknown_source_key", evidence.phase3_outcomes, 3, "source_key", "not in references.bib"),
    ("missing_locator", evidence.phase3_outcomes, 3, "locator", "is empty"),
    ("unknown_status", evidence.phase3_outcomes, 3, "status", "status not one of"),
    ("events_not_a_number", evidence.phase3_outcomes, 3, "events", "cannot be read as a whole number"),
    ("duplicate_row", evidence.phase3_outcomes, 3, "study+arm+outcome+timepoint_weeks", "repeats another row"),
    (
        "retracted_without_flag",
        evidence.phase3_outcomes,
        3,
        "retracted",
        "retracted must be true exactly when the source is retracted",
    ),
    (
        "flag_without_retraction",
        evidence.phase3_outcomes,
        3,
        "retracted",
        "retracted must be true exactly when the source is retracted",
    ),
    # The physical line an editor shows: two blank lines before the bad row put it on line 5, not the 2nd row;
    # a quoted note spanning three lines pushes the next row to line 5.
    ("blank_lines", evidence.phase3_outcomes, 5, "events", "0 or more"),
    ("multiline_note", evidence.phase3_outcomes, 5, "retracted", "retracted must be true or false"),
    ("claim_unknown_verdict", evidence.claims, 2, "verdict", "verdict not one of"),
    ("claim_unknown_source", evidence.claims, 2, "source_keys", "not in references.bib"),
]


def _bad_copy(tmp_path: Path, case: str) -> Path:
    if case == "blank_lines":
        return _blank_lines(tmp_path)
    if case == "claim_unknown_verdict":
        return _claim(tmp_path, verdict="dubious")
    if case == "claim_unknown_source":
        row = real_rows("claims.csv")[0]
        return _claim(tmp_path, source_keys=";".join(filter(None, [row["source_keys"], "nosuch2099"])))
    return _planted_outcomes(tmp_path, case)


@pytest.mark.parametrize(("case", "load", "line", "column", "phrase"), BAD_ROWS, ids=[row[0] for row in BAD_ROWS])
def test_bad_row_is_rejected_naming_file_line_and_column(tmp_path, case, load, line, column, phrase):
    path = _bad_copy(tmp_path, case)
    message = refusal(load, path)
    assert f"{path}, line {line}, column '{column}'" in message
    assert phrase in message


def test_missing_column_is_named(tmp_path):
    rows = _pair()
    fieldnames = [name for name in rows[0] if name != "locator"]
    path = planted(tmp_path / "missing_column.csv", [{k: r[k] for k in fieldnames} for r in rows], fieldnames)
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


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_every_data_file_validates(name):
    assert len(LOADERS[name]()) > 0


def test_retracted_sources_are_flagged_in_the_data():
    values = evidence.reported_values()
    pooled = values[values["source_key"] == "mithoefer2019pooled"]
    assert len(pooled) > 0 and pooled["retracted"].all()
    assert not values[values["source_key"] != "mithoefer2019pooled"]["retracted"].any()


def test_short_citation_reads_the_bibliography():
    assert short_citation("mitchell2021mapp1") == "Mitchell et al., 2021"
    with pytest.raises(KeyError, match="nosuch"):
        short_citation("nosuch")


def test_a_row_with_an_extra_field_names_the_file_and_line(tmp_path):
    header, first, second = csv_lines(_pair())
    path = tmp_path / "extra_field.csv"
    path.write_text(header + first + second.rstrip("\n") + ",extra,surplus\n", encoding="utf-8")
    with pytest.raises(evidence.DataValidationError, match=r"extra_field\.csv: cannot be read as CSV: .*line 3"):
        evidence.phase3_outcomes(path)


def test_loaded_rows_remember_their_physical_lines(tmp_path):
    table = evidence.load_table(_good(tmp_path), evidence.dichotomous_outcomes_schema(evidence.bibliography_keys()))
    assert evidence.row_lines(table) == [2, 3]
    frame, lines = evidence.read_rows(_planted_outcomes(tmp_path, "multiline_note"))
    assert lines == [2, 5] and frame.loc[0, "note"] == "A note\nthat spans\nthree lines."


def _unreadable(tmp_path: Path, kind: str) -> Path:
    """An empty file, a file that is not UTF-8 (a Latin-1 note on line 2), or the real header alone."""
    header = csv_lines(_pair())[0]
    path = tmp_path / f"{kind}.csv"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "not_utf8":
        row = _pair()[0]
        row["note"] = "Café note"
        text = (header + csv_lines([row])[1]).encode("utf-8")
        path.write_bytes(text.replace("Café".encode("utf-8"), "Café".encode("latin-1")))
    else:
        path.write_text(header, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("empty", r"empty\.csv: the file is empty"),
        ("not_utf8", r"not_utf8\.csv, line 2: is not UTF-8 text \(byte 0xe9\)"),
        ("header_only", r"header_only\.csv: has a header but no rows"),
    ],
)
def test_unreadable_or_empty_files_fail_in_the_packages_own_words(tmp_path, kind, message):
    with pytest.raises(evidence.DataValidationError, match=message):
        evidence.dichotomous_outcomes(_unreadable(tmp_path, kind))


def test_a_table_may_be_allowed_to_have_no_rows(tmp_path):
    schema = evidence.dichotomous_outcomes_schema(evidence.bibliography_keys())
    assert evidence.load_table(_unreadable(tmp_path, "header_only"), schema, require_rows=False).empty


def test_a_row_with_a_missing_field_names_the_line(tmp_path):
    first, second = _pair()
    header, line_2 = csv_lines([first])
    short = list(second)[:-3]  # the second row without its last three fields
    path = tmp_path / "short.csv"
    path.write_text(header + line_2 + csv_lines([{k: second[k] for k in short}], short)[1], encoding="utf-8")
    with pytest.raises(
        evidence.DataValidationError, match=rf"short\.csv: cannot be read as CSV: line 3 has {len(short)} fields"
    ):
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


def test_a_copy_of_data_checks_its_references_against_itself(tmp_path):
    """Foreign keys and the screening's searches are read beside the loaded file, in a copy of data/, not in data/."""
    import shutil

    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder)
    old = real_row("trials.csv", trial_id="mapp1")["study"]
    for name in ("trials.csv", OUTCOMES, "continuous_outcomes.csv"):  # the trial renamed in the copy alone
        rows = real_rows(name)
        for row in rows:
            row["study"] = "Renamed trial" if row["study"] == old else row["study"]
        planted(folder / name, rows)
    assert "Renamed trial" in set(evidence.dichotomous_outcomes(folder / OUTCOMES)["study"])
    # A trial dropped from the copy's trials.csv: the copy's outcomes that name it are refused.
    planted(folder / "trials.csv", [r for r in real_rows("trials.csv") if r["trial_id"] != "mapp1"])
    assert "study is not a study in trials.csv" in refusal(evidence.dichotomous_outcomes, folder / OUTCOMES)
    # The screening's found_by is checked against the copy's searches.csv.
    record = real_row("screening.csv", record_id="SR01")
    search = record["found_by"].split(";")[0]
    kept = [r for r in real_rows("searches.csv") if r["search_id"] != search]
    planted(folder / "searches.csv", kept)
    assert "names no search in searches.csv" in refusal(screening.screening, folder / "screening.csv")
