"""The live simulator panel, driven from Python: impossible values are refused without an exception."""

from __future__ import annotations

import pytest

from mdma_book.render import PLOTLY_MIME_TYPE
from mdma_book.widgets import SimulatorPanel


@pytest.fixture
def panel():
    return SimulatorPanel()


@pytest.mark.parametrize(
    ("control", "value", "phrase"),
    [
        ("first_dose", -10, "first dose must be above 0"),
        ("booster_time", -1, "booster must come after the first dose"),
        ("booster_time", 0, "booster must come after the first dose"),
        ("booster_dose", -20, "booster dose must be between 0"),
        ("half_life", 0, "half-life must be above 0"),
        ("absorption_rate", -0.5, "absorption rate must be above 0"),
    ],
)
def test_impossible_value_shows_a_message_and_keeps_the_last_figure(panel, control, value, phrase):
    before = panel.figure.to_plotly_json()
    outputs_before = panel.output.outputs
    getattr(panel, control).value = value  # must not raise
    assert phrase in panel.message.value and "last valid" in panel.message.value
    assert panel.figure.to_plotly_json() == before
    assert panel.output.outputs == outputs_before


def test_a_valid_value_redraws_and_clears_the_message(panel):
    panel.first_dose.value = -1
    assert panel.message.value
    before = panel.figure.to_plotly_json()
    panel.first_dose.value = 100
    assert panel.message.value == ""
    assert panel.figure.to_plotly_json() != before
    assert PLOTLY_MIME_TYPE in panel.output.outputs[0]["data"]


def test_the_panel_uses_the_same_model_as_the_static_figure(panel):
    # Defaults: the fitted model, 120 mg and a 60 mg booster at 2 h, so the booster curve is shown.
    shown = [t for t in panel.figure.data if t.visible is not False and t.meta["role"] == "curve"]
    assert len(shown) == 1 and shown[0].meta["booster_h"] == 2
    panel.half_life.value = 4
    faster = [t for t in panel.figure.data if t.visible is not False and t.meta["role"] == "curve"][0]
    assert faster.y[-1] < shown[0].y[-1]  # a shorter half-life leaves less at 24 h


def test_no_booster_when_its_dose_is_zero_even_with_an_odd_time(panel):
    panel.booster_dose.value = 0
    panel.booster_time.value = -3  # ignored: there is no booster
    assert panel.message.value == ""
    assert not panel.figure.layout.updatemenus
