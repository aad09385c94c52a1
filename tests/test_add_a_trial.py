"""Adding a trial as CONTRIBUTING.md describes: three edits, no code, and the book follows.

A fictional Phase 2 trial ("Doe 2027") gets a bibliography entry, a row in
data/trials.csv and response and remission rows in data/dichotomous_outcomes.csv.
A copy of the book with those edits builds strictly; the trial appears in the
forest plot, its table, the trials table and the download, and the pooled
results change. The same rows, malformed, fail naming file, line and column.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pandas as pd
import pytest
from support.book import build_copy, copy_book

from mdma_book import evidence, synthesis
from mdma_book.site import plotly_mime as render

STUDY = "Doe 2027"
BIB_ENTRY = """
@article{doe2027fictional,
  author  = {Doe, Jane and Roe, Richard},
  title   = {A fictional randomized trial of {MDMA}-assisted therapy for {PTSD}},
  journal = {Journal of Examples},
  year    = {2027},
  doi     = {10.1000/example.2027.1},
}
"""
TRIAL = {
    "study": STUDY,
    "phase": "2",
    "year": "2027",
    "population": "chronic PTSD",
    "design": "randomized double-blind",
    "mdma_arms": "MDMA 120 mg",
    "comparator": "inactive placebo",
    "comparator_kind": "inactive placebo",
    "dosing_sessions": "3",
    "registration": "NCT09999999",
    "source_key": "doe2027fictional",
    "locator": "Table 2",
    "status": "verified",
    "retracted": "false",
    "note": "A fictional trial used by the tests.",
    "trial_id": "doe_2027",
}
ARMS = [("MDMA 120 mg", "mdma", "120"), ("placebo with therapy", "control", "0")]
COUNTS = {
    ("response", "mdma"): (30, 40),
    ("response", "control"): (10, 40),
    ("remission", "mdma"): (20, 40),
    ("remission", "control"): (5, 40),
}


def outcome_rows(events_of=lambda outcome, role: COUNTS[(outcome, role)][0]) -> list[dict]:
    """The trial's rows for data/dichotomous_outcomes.csv, one per outcome and arm."""
    return [
        {
            "study": STUDY,
            "phase": "2",
            "arm": arm,
            "role": role,
            "dose_mg": dose,
            "outcome": outcome,
            "timepoint_weeks": "18",
            "events": str(events_of(outcome, role)),
            "total": str(COUNTS[(outcome, role)][1]),
            "source_key": "doe2027fictional",
            "locator": "Table 2",
            "status": "verified",
            "retracted": "false",
            "note": "",
        }
        for outcome in ("response", "remission")
        for arm, role, dose in ARMS
    ]


def append_rows(path, rows: list[dict]) -> int:
    """Append rows to a CSV as a contributor would (same columns); return the first new row's line."""
    text = path.read_text(encoding="utf-8")
    header = next(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.DictWriter(out, fieldnames=header, lineterminator="\n").writerows(rows)
    text = text if text.endswith("\n") else text + "\n"
    path.write_text(text + out.getvalue(), encoding="utf-8")
    return text.count("\n") + 1


def add_trial(book, rows: list[dict]) -> int:
    """The three edits of CONTRIBUTING.md; return the line of the first outcome row."""
    with (book / "references.bib").open("a", encoding="utf-8") as bib:
        bib.write(BIB_ENTRY)
    append_rows(book / "data" / "trials.csv", [TRIAL])
    return append_rows(book / "data" / "dichotomous_outcomes.csv", rows)


def pooled_response_rr(dichotomous: pd.DataFrame) -> float:
    view = next(
        v
        for v in synthesis.ptsd_forest_views(dichotomous)
        if v["outcome"] == "response" and v["measure"] == "risk_ratio"
    )
    return float(view["table"].iloc[-1]["effect"])


@pytest.fixture(scope="module")
def site_with_new_trial(tmp_path_factory):
    book = copy_book(tmp_path_factory.mktemp("add-trial") / "book-copy")
    add_trial(book, outcome_rows())
    result = build_copy(book)
    assert result.returncode == 0, "the strict build failed:\n" + result.stdout[-4000:] + result.stderr[-4000:]
    return book


@pytest.mark.build
def test_the_new_trial_appears_in_the_forest_plot_its_tables_and_its_download(site_with_new_trial):
    page_path = site_with_new_trial / "_build" / "html" / "book" / "03-evidence.html"
    page = page_path.read_text(encoding="utf-8")
    specs = [spec for _, spec in render.built_figure_specs(page_path)]
    forest = [
        spec for spec in specs if any("Trial (square size = weight)" == trace.get("name") for trace in spec["data"])
    ]
    assert forest and any(STUDY in json.dumps(trace) for trace in forest[0]["data"]), "not in the forest plot"
    tables = re.findall(r"<table.*?</table>", page, re.S)
    assert sum(STUDY in table for table in tables) >= 2, "not in the trials table and the forest plot's table"
    download = next((site_with_new_trial / "_build" / "html" / "_downloads").rglob("forest-ptsd-outcomes.csv"))
    assert STUDY in download.read_text(encoding="utf-8"), "not in the download"


@pytest.mark.build
def test_the_pooled_results_change(site_with_new_trial):
    download = next((site_with_new_trial / "_build" / "html" / "_downloads").rglob("forest-ptsd-outcomes.csv"))
    table = pd.read_csv(download)
    overall = table[(table["kind"] == "overall") & (table["view"] == "Response, risk ratio")]
    before = pooled_response_rr(evidence.dichotomous_outcomes())
    assert len(overall) == 1
    assert overall["effect"].iloc[0] != pytest.approx(before, abs=1e-3)
    assert overall["k"].iloc[0] == pooled_k_before() + 1


def pooled_k_before() -> int:
    view = synthesis.ptsd_forest_views(evidence.dichotomous_outcomes())[0]
    return int(view["table"].iloc[-1]["k"])


def test_the_same_rows_malformed_fail_naming_file_line_and_column(tmp_path):
    book = copy_book(tmp_path / "book-copy")
    bad = outcome_rows(
        lambda outcome, role: 50 if (outcome, role) == ("remission", "control") else COUNTS[(outcome, role)][0]
    )
    first = add_trial(book, bad)
    path = book / "data" / "dichotomous_outcomes.csv"
    with pytest.raises(evidence.DataValidationError) as caught:
        evidence.dichotomous_outcomes(path)
    # The fourth new row (remission, control arm) has 50 events out of 40.
    assert f"{path}, line {first + 3}, column 'events': events above total" in str(caught.value)


def test_a_malformed_trial_row_fails_naming_file_line_and_column(tmp_path):
    book = copy_book(tmp_path / "book-copy")
    with (book / "references.bib").open("a", encoding="utf-8") as bib:
        bib.write(BIB_ENTRY)
    path = book / "data" / "trials.csv"
    line = append_rows(path, [{**TRIAL, "registration": "NCT123"}])
    with pytest.raises(evidence.DataValidationError) as caught:
        evidence.trials(path)
    assert f"{path}, line {line}, column 'registration'" in str(caught.value)
