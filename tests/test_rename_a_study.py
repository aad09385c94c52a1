"""Renaming a study in data/ is the whole change: the book's numbers are found by stable ids, never by names.

CONTRIBUTING invites contributors to correct a study's name in the CSVs. A copy
of data/ is made with a trial (MAPP1), a trial of the evidence map (COMP005) and
a non-trial study (Vizeli and Liechti 2017, of the pharmacokinetic values)
renamed in every data/*.csv that holds them; no cell outside free text may still
hold an old name. Everything the chapters glue and draw (numbers, tables, the
evidence map, the concentration and treatment-course figures) is then computed
again through the loaders. The numbers must be the same, under the same glue
names, and the new name must show where the old one did.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from support import ROOT

from mdma_book import (
    datapackage,
    evidence,
    evidence_map,
    explainer_figures,
    pharmacokinetics,
    prose,
    synthesis,
    timelines,
)

#: (old name, new name): each is replaced in every data/*.csv that holds it.
RENAMES = [
    ("MAPP1", "MDMA-PTSD-1"),
    ("COMP005", "COMP-005"),
    ("Vizeli and Liechti 2017", "Vizeli-Liechti pooled analysis 2017"),
]


def _book(data=None) -> dict:
    """Everything the chapters glue or draw from the evidence tables, loaded from ``data`` (a folder) or data/."""
    load = (lambda name: None) if data is None else (lambda name: data / name)
    trials = evidence.trials(load("trials.csv"))
    dichotomous = evidence.dichotomous_outcomes(load("dichotomous_outcomes.csv"))
    continuous = evidence.continuous_outcomes(load("continuous_outcomes.csv"))
    values = evidence.reported_values(load("reported_values.csv"))
    certainty = evidence.certainty(load("certainty.csv"))
    em = evidence_map.evidence_map(load("evidence_map.csv"))
    phase3 = evidence.phase3_outcomes(load("dichotomous_outcomes.csv"))
    pk = pharmacokinetics.pharmacokinetic_values(load("pharmacokinetics.csv"))
    numbers = {
        **prose.phase3_numbers(phase3),  # trials.csv from data_dir(): the copy, once renamed
        **prose.evidence_numbers(dichotomous, continuous, values),
        **prose.protocol_numbers(values),
        **prose.primary_outcome_numbers(values),
        **prose.update_numbers(values),
        **prose.trial_counts(trials),
        **prose.evidence_map_numbers(em),
        **pharmacokinetics.prose_numbers(pk),
    }
    tables = {
        "phase3_table": prose.phase3_table(phase3),
        "trials_table": prose.trials_table(trials),
        "ptsd_forest_numbers": prose.forest_numbers(synthesis.ptsd_forest_views(dichotomous)),
        "depression_forest_numbers": prose.forest_numbers([synthesis.depression_forest_view(continuous)]),
        "summary_of_findings": synthesis.summary_of_findings(dichotomous, continuous, values, certainty),
        "harms_summary_of_findings": synthesis.harms_summary_of_findings(dichotomous, values, certainty),
        "evidence_map_table": evidence_map.evidence_base_table(em),
    }
    course = timelines.treatment_course(load("treatment_course.csv"))
    numbers.update(timelines.course_numbers(course))
    figures = {
        "concentration": explainer_figures.concentration_figure(
            pharmacokinetics.fitted_model(pk),
            pharmacokinetics.effect_durations(pk),
            pharmacokinetics.measured_peaks(pk),
            pharmacokinetics.regimen_doses(pharmacokinetics.dosing_regimens(load("dosing_regimens.csv"))),
        ),
        "treatment_course": explainer_figures.treatment_course_figure(course),
    }
    return {"numbers": numbers, "tables": tables, "map": evidence_map.evidence_map_figure(em), "figures": figures}


@pytest.fixture(scope="module")
def renamed(original, tmp_path_factory, monkeypatch_module):  # after the original, which reads data/
    folder = tmp_path_factory.mktemp("renamed") / "data"
    shutil.copytree(ROOT / "data", folder)
    for old, new in RENAMES:
        holders = [path for path in sorted(folder.glob("*.csv")) if old in path.read_text(encoding="utf-8")]
        assert holders, f"no data/*.csv holds {old}"
        for path in holders:
            path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    monkeypatch_module.setenv("MDMA_BOOK_DATA", str(folder))  # foreign keys are looked up in the copy
    return _book(folder)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module")
def original():
    return _book()


def _old_names(text: str) -> str:
    for old, new in RENAMES:
        text = text.replace(new, old)
    return text


def test_every_glued_number_keeps_its_name_and_value(original, renamed):
    assert renamed["numbers"] == original["numbers"]


@pytest.mark.parametrize(
    "name",
    [
        "phase3_table",
        "trials_table",
        "ptsd_forest_numbers",
        "depression_forest_numbers",
        "summary_of_findings",
        "harms_summary_of_findings",
        "evidence_map_table",
    ],
)
def test_every_glued_table_is_the_same_under_the_new_name(original, renamed, name):
    before, after = original["tables"][name], renamed["tables"][name]
    text = after.to_csv(index=False)
    assert not any(old in text for old, _ in RENAMES if old in before.to_csv(index=False)), (
        "the old name is still shown"
    )
    after = after.map(lambda cell: _old_names(cell) if isinstance(cell, str) else cell)
    # A table sorted by trial name may list the renamed trial elsewhere; the rows themselves are the same.
    pd.testing.assert_frame_equal(_sorted(after), _sorted(before))


def _sorted(table: pd.DataFrame) -> pd.DataFrame:
    return table.sort_values(list(table.columns), kind="stable").reset_index(drop=True)


def test_the_evidence_map_draws_the_same_points_under_the_new_name(original, renamed):
    before, after = original["map"].to_plotly_json(), renamed["map"].to_plotly_json()
    assert [(list(t["x"]), t["meta"]) for t in after["data"]] == [(list(t["x"]), t["meta"]) for t in before["data"]]
    labels = [a["text"] for a in after["layout"]["annotations"]]
    assert any("COMP-005" in text for text in labels) and not any("COMP005" in text for text in labels)
    assert [_old_names(text) for text in labels] == [a["text"] for a in before["layout"]["annotations"]]


def test_no_cell_outside_free_text_still_holds_an_old_name(renamed):
    folder = Path(os.environ["MDMA_BOOK_DATA"])
    for item in datapackage.descriptor(folder)["resources"]:
        table = pd.read_csv(folder / item["path"], dtype=str, keep_default_na=False)
        for column in set(table.columns) - set(datapackage.free_text(item["name"])):
            for old, _ in RENAMES:
                rows = table.index[table[column].str.contains(old, regex=False)]
                assert rows.empty, f"{item['path']}, column {column}, line {rows[0] + 2}: still {old!r}"


@pytest.mark.parametrize("name", ["concentration", "treatment_course"])
def test_every_figure_draws_the_same_under_the_new_name(original, renamed, name):
    before = json.dumps(original["figures"][name].to_plotly_json(), sort_keys=True, default=str)
    after = json.dumps(renamed["figures"][name].to_plotly_json(), sort_keys=True, default=str)
    # A longer name may wrap hover text at another word: compare the text, not where it breaks.
    assert _old_names(after).replace("<br>", " ") == before.replace("<br>", " ")
