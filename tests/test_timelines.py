"""The history and treatment-course timelines hold the sourced events and show them."""

from __future__ import annotations

import pytest
from support.data import edited_copy

from mdma_book import evidence, explainer_figures, timelines


@pytest.fixture(scope="module")
def events():
    return timelines.history_events()


@pytest.fixture(scope="module")
def course():
    return timelines.treatment_course()


def test_history_has_every_milestone_in_order_each_with_a_source(events):
    dates = list(events["date"])
    for date in [
        "1912",
        "1914",
        "1977",
        "1985-07-01",
        "1988-03-23",
        "2017-08-16",
        "2021",
        "2023",
        "2023-02-03",
        "2023-07-01",
        "2024-06-04",
        "2024-08-09",
        "2024-08-10",
        "2025-09-04",
        "2025",
    ]:
        assert date in dates
    years = events["date"].str[:4].astype(int)
    assert years.is_monotonic_increasing
    assert set(events["source_key"]) <= evidence.bibliography_keys()


def test_history_table_reads_dates_and_sources(events):
    table = timelines.history_table(events)
    row = table[table["Event"] == "Schedule I made final"].iloc[0]
    assert row["Date"] == "23 March 1988" and row["Source"].startswith("Drug Enforcement Administration, 1988")
    assert "1977–1985" in set(table["Date"])


def test_course_counts_are_the_verified_ones(course):
    numbers = timelines.course_numbers(course)
    for trial in ("mapp1", "mapp2"):
        assert numbers[f"{trial}_preparation_sessions"] == "3"
        assert numbers[f"{trial}_dosing_sessions"] == "3"
        assert numbers[f"{trial}_integration_sessions"] == "9"
        assert numbers[f"{trial}_endpoint_week"] == "18"
    assert numbers["mapp2_treatment_period_weeks"] == "12"  # after the preparatory sessions
    assert numbers["stard_level_1_medication_end_week"] == "14"
    mapp1_dosing = course[(course.course_id == "mapp1") & (course.component == "dosing")]
    assert mapp1_dosing["hours_each"].eq(8).all()
    assert mapp1_dosing["start_week"].diff().dropna().eq(4).all()


def test_a_block_ending_before_it_starts_is_named(tmp_path):
    bad = edited_copy(
        tmp_path, "treatment_course.csv", "MAPP1,preparation,Preparation,0,2,", "MAPP1,preparation,Preparation,3,2,"
    )
    with pytest.raises(evidence.DataValidationError, match=rf"{bad}, line 2, column 'end_week': end before start"):
        timelines.treatment_course(bad)


def test_bad_history_date_is_named(tmp_path):
    bad = edited_copy(tmp_path, "history_events.csv", "1988-03-23,", "23/03/1988,")
    with pytest.raises(evidence.DataValidationError, match="column 'date': date does not match the pattern"):
        timelines.history_events(bad)


def test_course_dropdown_switches_between_the_two_protocols(course):
    figure = explainer_figures.treatment_course_figure(course)
    buttons = figure.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == ["MAPP1", "MAPP2"]
    for button in buttons:
        visible = button.args[0]["visible"]
        shown = {t.meta["course"] for t, v in zip(figure.data, visible, strict=True) if v}
        assert shown == {button.label.lower(), "stard_level_1"}  # the course ids
        assert button.label in button.args[1]["annotations[0].text"]
    assert all("Source:" in t.hovertext[0] for t in figure.data)


def test_a_course_label_differing_within_its_course_is_reported_on_its_line(tmp_path):
    row = "approximation.,mapp2,mapp2,MDMA-assisted therapy as in MAPP2,1"  # the course's second row
    bad = edited_copy(tmp_path, "treatment_course.csv", row, row.replace(" as in ", " in "))
    with pytest.raises(evidence.DataValidationError, match=rf"{bad}, line 11, column 'course_label': course_label and"):
        timelines.treatment_course(bad)


def test_approximate_timings_say_so_in_the_hover(course):
    figure = explainer_figures.treatment_course_figure(course)
    dosing = next(t for t in figure.data if (t.meta["course"], t.meta["component"]) == ("mapp1", "dosing"))
    assert "approximate" in dosing.hovertext[0]


def test_history_figure_has_one_marker_per_event_and_marks_long_gaps(events):
    figure = explainer_figures.history_timeline(events)
    markers = [t for t in figure.data if t.meta]
    assert sum(len(t.x) for t in markers) == len(events)
    assert {t.meta["category"] for t in markers} == set(events["category"])
    assert [a.text for a in figure.layout.annotations] == [
        "<i>63 years pass</i>",
        "<i>23 years pass</i>",
    ]  # 1914-1977; 1988 to the first randomized trial, 2011


def test_the_treatment_period_label_gives_the_weeks_its_hover_and_the_prose_give(course):
    """Figure 6.1 once labelled the MAPP2 treatment period "about 14 weeks" (the week it ends) while its
    hover text and the chapter said about 12 (reader review 3, defect 10): the label, the hover text
    and the number the chapter glues must agree."""
    figure = explainer_figures.treatment_course_figure(course)
    period = next(t for t in figure.data if t.meta["component"] == "treatment_period")
    weeks = timelines.course_numbers(course)["mapp2_treatment_period_weeks"]
    label = " ".join(text for text in period.text if text)
    hover = period.hovertext[0].replace("<br>", " ")
    assert f"about {weeks} weeks" in label, label
    assert f"about {weeks} weeks" in hover, hover
