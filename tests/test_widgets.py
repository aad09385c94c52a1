"""The live simulator panel, driven from Python: impossible values are refused without an exception."""

from __future__ import annotations

import pytest

from mdma_book import evidence
from mdma_book.theme import PLOTLY_MIME_TYPE
from mdma_book.widgets import SimulatorPanel


def _studies(*trial_ids: str) -> tuple[str, ...]:
    """The names the trial menus show for trials picked by their stable ``trial_id`` (data/trials.csv)."""
    names = {trial_id: study for study, trial_id in evidence.trial_ids(evidence.trials()).items()}
    return tuple(names[trial_id] for trial_id in trial_ids)


@pytest.fixture
def panel():
    return SimulatorPanel()


@pytest.mark.parametrize(
    ("control", "value", "phrase"),
    [
        ("half_life", 0, "half-life must be above 0"),
        ("half_life", -3, "half-life must be above 0"),
        ("absorption_rate", -0.5, "absorption rate must be above 0"),
        ("absorption_rate", float("nan"), "must be a number"),
    ],
)
def test_impossible_value_shows_a_message_and_keeps_the_last_figure(panel, control, value, phrase):
    before = panel.figure.to_plotly_json()
    outputs_before = panel.output.outputs
    getattr(panel, control).value = value  # must not raise
    assert phrase in panel.message.value and "last valid" in panel.message.value
    assert panel.figure.to_plotly_json() == before
    assert panel.output.outputs == outputs_before


def test_the_panel_has_no_dose_input(panel):
    import ipywidgets as widgets

    numeric = [c for c in panel.controls if isinstance(c, widgets.FloatText)]
    assert [c.description for c in numeric] == ["Half-life (h)", "Absorption rate (per h)"]
    assert all("dose" not in c.description.lower() for c in numeric)
    assert [label for label, _ in panel.regimen.options][0].startswith("Mas 1999")


def test_a_valid_value_redraws_and_clears_the_message(panel):
    panel.half_life.value = -1
    assert panel.message.value
    before = panel.figure.to_plotly_json()
    panel.half_life.value = 6
    assert panel.message.value == ""
    assert panel.figure.to_plotly_json() != before
    assert PLOTLY_MIME_TYPE in panel.output.outputs[0]["data"]


def test_the_panel_uses_the_same_model_as_the_static_figure(panel):
    shown = [t for t in panel.figure.data if t.visible is not False and t.meta["role"] == "curve"]
    assert len(shown) == 1 and shown[0].meta["regimen"] == "mas1999_single_125"
    panel.half_life.value = 4
    faster = [t for t in panel.figure.data if t.visible is not False and t.meta["role"] == "curve"][0]
    assert faster.y[-1] < shown[0].y[-1]  # a shorter half-life leaves less at 24 h


def test_choosing_a_trial_regimen_draws_its_supplement(panel):
    panel.regimen.value = "mapp_later_sessions"
    markers = [t for t in panel.figure.data if t.meta["role"] == "dose_marker"]
    assert [(t.x[0], t.text[0]) for t in markers] == [(0, "120 mg"), (1.5, "+60 mg")]
    assert not panel.figure.layout.updatemenus  # one regimen at a time in the live panel


# --- The other live panels: each changes its figure, and refuses impossible values ---------

import pytest  # noqa: E402

from mdma_book import mechanism as mechanism_module  # noqa: E402
from mdma_book import theme as theme_module  # noqa: E402
from mdma_book import timelines as timelines_module  # noqa: E402
from mdma_book import widgets as live  # noqa: E402


def _data(panel) -> list:
    return panel.figure.to_plotly_json()["data"]


def test_every_interactive_figure_has_a_live_panel_that_draws():
    for panel_class in (
        live.Phase3Panel,
        live.ForestPanel,
        live.AbsoluteEffectsPanel,
        live.DepressionPanel,
        live.MechanismPanel,
        live.CoursePanel,
        live.HistoryPanel,
        live.SimulatorPanel,
    ):
        panel = panel_class()
        assert panel.figure is not None and panel.message.value == "", panel_class.__name__
        assert panel.output.outputs, panel_class.__name__


def test_phase3_panel_outcome_changes_the_bars():
    panel = live.Phase3Panel()
    before = [t["y"] for t in _data(panel) if t["visible"] is True]
    panel.outcome.value = "remission"
    assert [t["y"] for t in _data(panel) if t["visible"] is True] != before


def test_forest_panel_leaving_out_trials_repools():
    panel = live.ForestPanel()
    assert len(_data(panel)[0]["x"]) == 5
    panel.trials.value = _studies("mapp1", "mapp2")
    assert len(_data(panel)[0]["x"]) == 2
    panel.measure.value = "risk_difference"
    assert panel.figure.layout.xaxis.type == "linear"


@pytest.mark.parametrize("trials", [(), ("oehen_2013",)])
def test_forest_panel_refuses_a_choice_with_nothing_to_pool(trials):
    panel = live.ForestPanel()
    panel.outcome.value = "remission"  # Oehen 2013 reports no remission
    last = panel.figure
    panel.trials.value = _studies(*trials)
    assert "Not drawn" in panel.message.value and panel.figure is last


def test_absolute_panel_refuses_an_impossible_risk_and_keeps_the_chart():
    panel = live.AbsoluteEffectsPanel()
    last = panel.figure
    for impossible in (150, -5, 0):
        panel.placebo_per_100.value = impossible
        assert "must be above 0 and below 100" in panel.message.value
        assert panel.figure is last
    panel.placebo_per_100.value = 30
    assert panel.message.value == "" and panel.figure is not last
    assert panel.figure.layout.title.text.startswith("PTSD response: 30 vs")


def test_depression_panel_needs_a_trial():
    panel = live.DepressionPanel()
    panel.trials.value = _studies("mapp1")
    assert len(_data(panel)[0]["x"]) == 1
    panel.trials.value = ()
    assert "choose at least one trial" in panel.message.value


def test_mechanism_panel_dims_what_is_outside_the_pathway():
    panel = live.MechanismPanel()
    assert {t["opacity"] for t in _data(panel) if "opacity" in t} <= {1.0}
    panel.pathway.value = next(iter(mechanism_module.PATHWAYS))
    assert min(t.get("opacity", 1.0) for t in _data(panel)) < 1.0


def test_course_and_history_panels_change_their_figures():
    course = live.CoursePanel()
    before = [t.get("visible") for t in _data(course)]
    course.protocol.value = "mapp2"
    assert [t.get("visible") for t in _data(course)] != before
    history = live.HistoryPanel()
    shown = sum(len(t.get("x") or []) for t in _data(history))
    history.kinds.value = (history.kinds.options[0][1],)
    assert sum(len(t.get("x") or []) for t in _data(history)) < shown
    history.kinds.value = ()
    assert "choose at least one kind" in history.message.value


def test_absolute_panel_starts_each_outcome_from_its_own_placebo_risk():
    panel = live.AbsoluteEffectsPanel()
    panel.placebo_per_100.value = 30
    panel.outcome.value = "remission"
    assert panel.placebo_per_100.value == pytest.approx(100 * (2 + 9) / (37 + 42), abs=0.05)
    assert panel.message.value == "" and panel.figure.layout.title.text.startswith("PTSD remission: 14 vs")


def test_mechanism_menu_shows_all_at_start_and_after_choosing_all_again():
    # ipywidgets shows a blank menu for a None value (the review saw selectedIndex -1).
    panel = live.MechanismPanel()
    assert panel.pathway.index == 0 and panel.pathway.label == "All"
    panel.pathway.value = next(iter(mechanism_module.PATHWAYS))
    panel.pathway.index = 0
    assert panel.pathway.label == "All" and panel.pathway.value is not None
    assert {t["opacity"] for t in _data(panel) if "opacity" in t} <= {1.0}


def test_history_menu_names_kinds_of_event_as_the_legend_does():
    labels = [label for label, _ in live.HistoryPanel().kinds.options]
    assert labels == list(timelines_module.CATEGORIES.values())
    assert not any("_" in label for label in labels)


def test_multi_select_panels_say_how_to_leave_a_trial_out():
    for panel in (live.ForestPanel(), live.DepressionPanel(), live.HistoryPanel()):
        assert "untick" not in panel.note.lower() and "Ctrl-click" in panel.note


def _bundle(panel):
    return panel.output.outputs[0]["data"][live.PLOTLY_MIME_TYPE]


@pytest.mark.parametrize("name", ["MechanismPanel", "CoursePanel", "Phase3Panel", "SimulatorPanel", "ForestPanel"])
def test_live_figures_have_only_the_panels_controls_and_the_books_plotly_config(name):
    panel = getattr(live, name)()
    bundle = _bundle(panel)
    assert "updatemenus" not in bundle["layout"] and "sliders" not in bundle["layout"]
    config = bundle["config"]
    assert config["displaylogo"] is False and config["showSendToCloud"] is False
    assert "sendDataToCloud" in config["modeBarButtonsToRemove"]


def test_plotly_config_has_no_logo_and_no_cloud_button():
    config = theme_module.plotly_config()
    assert config["displaylogo"] is False
    assert {"sendDataToCloud", "editInChartStudio"} <= set(config["modeBarButtonsToRemove"])


def test_forest_panel_says_which_chosen_trials_lack_the_outcome():
    import html

    panel = live.ForestPanel()
    reporting = set(panel._data.loc[panel._data["outcome"] == "loss_of_diagnosis", "study"])
    lacking = [study for study in panel.trials.options if study not in reporting]
    panel.outcome.value = "loss_of_diagnosis"
    shown = html.unescape(panel.message.value)
    assert lacking and all(study in shown for study in lacking) and "Not drawn" not in shown
    panel.trials.value = tuple(study for study in panel.trials.options if study in reporting)
    assert panel.message.value == ""


def test_in_colab_a_panel_also_outputs_the_html_plotlys_colab_renderer_would(monkeypatch):
    """Colab draws nothing from plotly's mime type alone; elsewhere the panels output only that."""
    assert "text/html" not in live.MechanismPanel().output.outputs[0]["data"]
    monkeypatch.setattr(theme_module, "in_colab", lambda: True)
    panel = live.MechanismPanel()
    page = panel.output.outputs[0]["data"]["text/html"]
    assert "https://cdn.plot.ly/" in page and "Plotly.newPlot" in page and '"displaylogo": false' in page
    assert "updatemenus" not in page
    panel.pathway.value = next(iter(mechanism_module.PATHWAYS))
    assert panel.output.outputs[0]["data"]["text/html"] != page
