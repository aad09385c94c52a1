"""Renaming a study in data/ is the whole change: the book's numbers are found by stable ids, never by names.

CONTRIBUTING invites contributors to correct a study's name in the CSVs. A copy
of data/ is made with a trial (MAPP1), a trial of the evidence map (COMP005) and
a non-trial study (Vizeli and Liechti 2017, of the pharmacokinetic values)
renamed in every data/*.csv that holds them; no cell outside free text may still
hold an old name. Everything the chapters glue and draw (numbers, tables, the
evidence map, the concentration and treatment-course figures) is then computed
again through the loaders. The numbers must be the same, under the same glue
names, and the new name must show where the old one did.

Then every figure and every live panel, not a chosen few: a copy of the book with
the renamed data is built (slow, ``build``), and each figure of each built page
must have the same specification as in the book `make book` built, but for the
names; each live panel (every subclass of ``widgets.FigurePanel``) must show the
same chart and offer the same choices.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from support import ROOT
from support.book import copy_book

from mdma_book import (
    datapackage,
    evidence,
    evidence_map,
    explainer_figures,
    pharmacokinetics,
    prose,
    synthesis,
    timelines,
    widgets,
)
from mdma_book.site import plotly_mime as render

#: (old name, new name): each is replaced in every data/*.csv that holds it. Each new name sorts where
#: the old one did, so every figure and panel must be the same but for the names: a name that sorts
#: elsewhere moves its trial's row in the charts ordered by name, which is no error.
RENAMES = [
    ("MAPP1", "MAPP-1"),
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
    return {
        "numbers": numbers,
        "tables": tables,
        "map": evidence_map.evidence_map_figure(em),
        "figures": figures,
        "panels": _panels(),
    }


def _panel_classes(base=widgets.FigurePanel) -> list[type]:
    """Every live panel of the book: each subclass of FigurePanel, however deep."""
    found = []
    for panel in base.__subclasses__():
        found += [panel, *_panel_classes(panel)]
    return found


def _panels() -> dict[str, dict]:
    """What each live panel shows when it opens, read from ``data_dir()``: its chart and every choice it offers."""
    shown = {}
    for panel_class in _panel_classes():
        panel = panel_class()  # each panel loads its tables from data_dir(), as a notebook opens it
        (output,) = panel.output.outputs
        choices = [
            [str(getattr(control, "description", "")), [str(option) for option in getattr(control, "options", ())]]
            for control in panel.controls
        ]
        shown[panel_class.__name__] = {
            "chart": output["data"][widgets.PLOTLY_MIME_TYPE],
            "choices": choices,
            "message": panel.message.value,
        }
    return shown


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


def _same_but_for_names(before, after) -> bool:
    """The two specifications are equal once the new names are put back (and hover text is compared unwrapped)."""
    before = json.dumps(before, sort_keys=True, default=str)
    after = json.dumps(after, sort_keys=True, default=str)
    # A longer name may wrap hover text at another word: compare the text, not where it breaks.
    return _old_names(after).replace("<br>", " ") == before.replace("<br>", " ")


def test_every_panel_is_covered():
    assert len(_panel_classes()) >= 8, "fewer live panels than the book has: is _panel_classes missing some?"


@pytest.mark.parametrize("name", [panel.__name__ for panel in _panel_classes()])
def test_every_live_panel_shows_the_same_under_the_new_name(original, renamed, name):
    before, after = original["panels"][name], renamed["panels"][name]
    assert _same_but_for_names(before, after), f"{name} shows something else once a study is renamed"


def _figures_by_page(html: Path) -> dict[str, list[dict]]:
    """Each built page's figure specifications, in page order (the figures' ids are drawn at random)."""
    pages = {}
    for page in sorted(html.rglob("*.html")):
        specs = [spec for _, spec in render.built_figure_specs(page)]
        if specs:
            pages[page.relative_to(html).as_posix()] = specs
    return pages


@pytest.fixture(scope="module")
def built_renamed(tmp_path_factory):
    """A copy of the book with the renames made in its data/, built strictly without its PDF."""
    from mdma_book.site import build

    book = copy_book(tmp_path_factory.mktemp("rename-build") / "book-copy")
    for old, new in RENAMES:
        for path in sorted((book / "data").glob("*.csv")):
            text = path.read_text(encoding="utf-8")
            if old in text:
                path.write_text(text.replace(old, new), encoding="utf-8")
    # The copy reads its own data (the build points the package at it), never another test's.
    env = {key: value for key, value in os.environ.items() if key not in {"MDMA_BOOK_DATA", "MDMA_BOOK_BIB"}}
    result = build.run(book, pdf=False, env=env)
    assert result.returncode == 0, "the strict build failed:\n" + result.stdout[-4000:] + result.stderr[-4000:]
    return book / "_build" / "html"


@pytest.mark.build
def test_every_built_figure_draws_the_same_under_the_new_name(built_html, built_renamed):
    before, after = _figures_by_page(built_html), _figures_by_page(built_renamed)
    assert sorted(after) == sorted(before), "the copy's pages have figures on other pages than the book's"
    showing = set()
    for page, specs in before.items():
        assert len(after[page]) == len(specs), f"{page}: {len(after[page])} figures, the book has {len(specs)}"
        for index, (old_spec, new_spec) in enumerate(zip(specs, after[page], strict=True)):
            assert _same_but_for_names(old_spec, new_spec), f"{page}, figure {index + 1} differs but for the names"
            new_text = json.dumps(new_spec)
            if any(new in new_text for _, new in RENAMES):
                assert not any(old in new_text for old, _ in RENAMES), f"{page}, figure {index + 1}: an old name"
                showing.add(f"{page}#{index + 1}")
    assert showing, "no figure shows a renamed study: the test checks nothing"
