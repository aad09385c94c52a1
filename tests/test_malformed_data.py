"""Each kind of malformed data is refused by its loader, with a message naming only the faulty line.

Every case copies one of the book's own data files, plants one defect in one
row (or repeats a row), and loads the copy: the error must name the file, the
physical line of that row and the column, and no other line.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from mdma_book import datapackage, evidence_map, tables
from mdma_book.evidence import DataValidationError, read_rows

DATA = Path(__file__).resolve().parents[1] / "data"


def _rows(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(rows: list[dict], path: Path) -> Path:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _first(rows: list[dict], **where) -> int:
    """Index of the first row whose cells match ``where`` (a value, or a predicate on the cell)."""
    for index, row in enumerate(rows):
        if all(test(row[k]) if callable(test) else row[k] == test for k, test in where.items()):
            return index
    raise LookupError(where)


def _refused(load, path: Path, index: int, column: str, phrase: str) -> None:
    """``load(path)`` raises, naming the line of row ``index``, ``column`` and ``phrase``, and no other line."""
    with pytest.raises(DataValidationError) as caught:
        load(path)
    message = str(caught.value)
    line = read_rows(path)[1][index]
    assert f"{path}, line {line}, column '{column}': " in message, message
    assert phrase in message, message
    assert message.count(phrase) == 1, f"said more than once (review R19):\n{message}"
    assert set(re.findall(r", line (\d+)", message)) == {str(line)}, f"other lines named too:\n{message}"


#: (file, which row, {column: new value}, column named, phrase); the loader is the registry's (mdma_book.tables)
ONE_CELL = {
    "impossible date (30 February)": (
        "history_events.csv",
        {"date": lambda d: len(d) == 10},
        {"date": "1985-02-30"},
        "date",
        "date is not a real calendar date",
    ),
    "impossible date (month 13)": (
        "regulatory_status.csv",
        {"as_of": lambda d: len(d) == 7},
        {"as_of": "2026-13"},
        "as_of",
        "as_of is not a real calendar date",
    ),
    "impossible date in a changelog": (
        "changelog.csv",
        {},
        {"date": "2026-02-30"},
        "date",
        "date is not a real calendar date",
    ),
    "end before start (history)": (
        "history_events.csv",
        {"end_date": lambda d: d != ""},
        {"end_date": "1970"},
        "end_date",
        "end_date before date",
    ),
    "end before start (treatment course)": (
        "treatment_course.csv",
        {"end_week": lambda w: w not in ("", "0")},
        {"start_week": "40"},
        "end_week",
        "end before start",
    ),
    "minimum above maximum": (
        "pharmacokinetics.csv",
        {"measure": "effect_duration_min"},
        {"value": "9.5"},
        "value",
        "effect_duration_min above effect_duration_max",
    ),
    "mean outside the reported minimum and maximum": (
        "pharmacokinetics.csv",
        {"quote_id": "effect_single_mean"},
        {"value": "9"},
        "value",
        "or the mean outside them",
    ),
    "estimate outside its own interval (evidence map)": (
        "evidence_map.csv",
        {"ci_low": lambda v: v != "", "ci_high": lambda v: v != ""},
        {"estimate": "999"},
        "estimate",
        "estimate outside its interval",
    ),
    "value outside its own interval (reported values)": (
        "reported_values.csv",
        {"ci_low": lambda v: v != "", "ci_high": lambda v: v != ""},
        {"value": "999"},
        "value",
        "value outside its interval",
    ),
    "reversed interval (evidence map)": (
        "evidence_map.csv",
        {"ci_low": lambda v: v != "", "ci_high": lambda v: v != ""},
        {"ci_low": "5", "ci_high": "-5", "estimate": "0"},
        "ci_low",
        "interval reversed: ci_low above ci_high",
    ),
    "reversed interval (reported values)": (
        "reported_values.csv",
        {"ci_low": lambda v: v != "", "ci_high": lambda v: v != ""},
        {"ci_low": "5", "ci_high": "-5", "value": "0"},
        "ci_low",
        "interval reversed: ci_low above ci_high",
    ),
    "percentage over 100": (
        "reported_values.csv",
        {"unit": "%", "ci_low": ""},
        {"value": "120"},
        "value",
        "a percentage must lie between 0 and 100",
    ),
    "count over its denominator (events above total)": (
        "dichotomous_outcomes.csv",
        {},
        {"events": "90"},
        "events",
        "events above total",
    ),
    "count over its denominator (studies above participants)": (
        "reported_values.csv",
        {"k_studies": lambda v: v != "", "participants": lambda v: v != ""},
        {"k_studies": "5000"},
        "k_studies",
        "k_studies above participants",
    ),
    "count over its denominator (trials above participants)": (
        "evidence_map.csv",
        {"randomized_trials": lambda v: v not in ("", "0"), "participants": lambda v: v != ""},
        {"randomized_trials": "100000"},
        "randomized_trials",
        "randomized_trials above participants",
    ),
    "a study that does not exist": (
        "dichotomous_outcomes.csv",
        {},
        {"study": "MAPP9"},
        "study",
        "study is not a study in trials.csv",
    ),
    "a study that does not exist (continuous outcomes)": (
        "continuous_outcomes.csv",
        {},
        {"study": "MAPP9"},
        "study",
        "study is not a study in trials.csv",
    ),
    "an outcome that does not exist": (
        "certainty.csv",
        {},
        {"outcome_id": "ptsd_severty"},
        "outcome_id",
        "outcome_id not one of",
    ),
    "a page that does not exist": (
        "evidence_checked.csv",
        {"page": "book/03-evidence"},
        {"page": "book/03-evidense"},
        "page",
        "page is not a page of the book",
    ),
    "a unit typed into a number (row checks on the same table)": (
        "dosing_regimens.csv",
        {"dose_order": "1"},
        {"time_h": "0 h"},
        "time_h",
        "cannot be read as a number",
    ),
    "a unit typed into a number (evidence map)": (
        "evidence_map.csv",
        {"estimate": lambda v: v != ""},
        {"estimate": "5 points"},
        "estimate",
        "cannot be read as a number",
    ),
    "a Unicode minus (reported values)": (
        "reported_values.csv",
        {"value": lambda v: v.startswith("-")},
        {"value": lambda v: "\u2212" + v[1:]},
        "value",
        "cannot be read as a number",
    ),
    "a Unicode minus (treatment course)": (
        "treatment_course.csv",
        {"end_week": lambda w: w != ""},
        {"end_week": "\u22122"},
        "end_week",
        "cannot be read as a number",
    ),
}


@pytest.mark.parametrize("kind", list(ONE_CELL))
def test_a_malformed_cell_is_refused_on_its_own_line(tmp_path, kind):
    name, where, changes, column, phrase = ONE_CELL[kind]
    load = tables.by_file(name)
    rows = _rows(name)
    index = _first(rows, **where)
    for key, value in changes.items():
        rows[index][key] = value(rows[index][key]) if callable(value) else value
    _refused(load, _write(rows, tmp_path / name), index, column, phrase)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("trials.csv", "study"),
        ("regulatory_status.csv", "treatment+region+as_of"),
        ("changelog.csv", "date+page+what_changed"),
        ("dichotomous_outcomes.csv", "study+arm+outcome+timepoint_weeks"),
    ],
)
def test_the_same_row_twice_is_refused_on_the_repeat(tmp_path, name, key):
    load = tables.by_file(name)
    rows = _rows(name)
    rows.insert(3, dict(rows[1]))  # row 2 repeated as the 4th row
    assert "+".join(datapackage.primary_key(name.removesuffix(".csv"))) == key
    _refused(load, _write(rows, tmp_path / name), 3, key, "repeats another row")


def test_every_lane_the_evidence_map_figure_shows_needs_a_row(tmp_path):
    rows = _rows("evidence_map.csv")
    for row in rows:
        row["lane"] = "" if row["lane"] == "madrs" else row["lane"]
    path = _write(rows, tmp_path / "evidence_map.csv")
    with pytest.raises(DataValidationError, match=r"no row has lane 'madrs', which the figure shows"):
        evidence_map.evidence_map(path)


def test_a_row_drawn_in_a_lane_needs_its_short_label(tmp_path):
    rows = _rows("evidence_map.csv")
    rows[_first(rows, row_id="EM06")]["short_label"] = ""
    _refused(
        evidence_map.evidence_map,
        _write(rows, tmp_path / "evidence_map.csv"),
        _first(rows, row_id="EM06"),
        "lane",
        "needs its short_label",
    )


def test_a_quote_id_given_twice_is_refused_on_the_repeat(tmp_path):
    rows = _rows("reported_values.csv")
    first, second = _first(rows, quote_id="kvam_n"), _first(rows, quote_id="kvam_sessions")
    rows[second]["quote_id"] = "kvam_n"
    _refused(
        tables.LOADERS["reported_values"],
        _write(rows, tmp_path / "reported_values.csv"),
        second,
        "quote_id",
        "repeats an earlier row",
    )
    assert first < second


@pytest.mark.parametrize("name", sorted(tables.LOADERS))
def test_the_books_data_passes_the_new_checks(name):
    """The checks above accept every file of data/ as it is (each read by its loader in the registry)."""
    assert isinstance(tables.LOADERS[name](), pd.DataFrame)
