"""The teaching model reproduces the data it is fitted to, and refuses impossible inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from support.data import edited_copy, refusal

from mdma_book import explainer_figures
from mdma_book import pharmacokinetics as pk

#: How closely the fitted model must reproduce Mas et al. (1999), 125 mg.
CMAX_TOLERANCE = 0.005  # relative: 0.5%
TMAX_TOLERANCE_H = 0.05  # absolute, hours (the simulation grid is 0.01 h)
HALF_LIFE_TOLERANCE = 0.01  # relative: 1%


@pytest.fixture(scope="module")
def table():
    return pk.pharmacokinetic_values()


@pytest.fixture(scope="module")
def model(table):
    return pk.fitted_model(table)


def reported_value(table, measure):
    return float(pk.reported_pk(table, pk.FIT_IDS[measure])["value"])


def test_model_reproduces_the_reported_peak_time_to_peak_and_half_life(table, model):
    times = np.arange(0, 24.0001, 0.01)
    curve = model.concentration_ng_ml(times, [(0.0, 125.0)])
    assert curve.max() == pytest.approx(reported_value(table, "cmax"), rel=CMAX_TOLERANCE)
    assert times[curve.argmax()] == pytest.approx(reported_value(table, "tmax"), abs=TMAX_TOLERANCE_H)
    # Terminal phase: the log-concentration slope between 12 and 24 h gives the half-life.
    late = times >= 12
    slope = np.polyfit(times[late], np.log(curve[late]), 1)[0]
    assert math.log(2) / -slope == pytest.approx(reported_value(table, "half_life"), rel=HALF_LIFE_TOLERANCE)


def test_fitted_parameters_are_plausible(model):
    # Absorption faster than elimination (the root brentq must pick), positive volume.
    assert model.absorption_rate_per_h > model.elimination_rate_per_h > 0
    assert model.volume_over_f_l > 0
    assert model.tmax_h == pytest.approx(2.4, abs=1e-6)


def test_doses_add_up_and_nothing_happens_before_a_dose(model):
    times = np.array([0.0, 1.0, 2.0, 5.0])
    single = model.concentration_ng_ml(times, [(0.0, 100.0)])
    booster = model.concentration_ng_ml(times, [(2.0, 50.0)])
    both = model.concentration_ng_ml(times, [(0.0, 100.0), (2.0, 50.0)])
    assert both == pytest.approx(single + booster)
    assert booster[:3] == pytest.approx([0, 0, 0])


def test_equal_absorption_and_elimination_rates_do_not_divide_by_zero():
    model = pk.OneCompartmentModel(0.1, 0.1, 400.0)
    curve = model.concentration_ng_ml(np.linspace(0, 24, 50), [(0.0, 100.0)])
    assert np.isfinite(curve).all() and curve.max() > 0


@pytest.mark.parametrize(
    ("rates", "doses"),
    [((None, None), [(0.0, 125.0)]), ((None, None), [(0.0, 80.0), (1.5, 40.0)]), ((0.1, 0.1), [(0.0, 100.0)])],
)
def test_the_area_is_the_integral_of_the_curve(model, rates, doses):
    if rates != (None, None):
        model = pk.OneCompartmentModel(*rates, 400.0)
    times = np.linspace(0, 24, 24001)
    numeric = np.trapezoid(model.concentration_ng_ml(times, doses), times)
    assert model.area_ng_h_ml(24.0, doses) == pytest.approx(numeric, rel=1e-6)
    assert model.area_ng_h_ml(1.0, [(2.0, 50.0)]) == 0  # a dose not yet taken adds nothing


def test_the_model_area_is_compared_with_the_reported_one_labelled_secondary(table, model):
    row = pk.reported_pk(table, pk.AUC_CHECK_ID)
    assert (row["measure"], row["unit"], row["status"]) == ("auc_0_24", "ng*h/mL", "secondary")
    numbers = pk.prose_numbers(table)
    model_auc = model.area_ng_h_ml(24.0, [(0.0, float(row["dose_mg"]))])
    assert numbers["pk_auc_excess"] == f"{model_auc / float(row['value']) - 1:.0%}"
    assert float(numbers["pk_model_auc"].split()[0].replace(",", "")) == pytest.approx(model_auc, abs=0.5)


@pytest.mark.parametrize(
    ("inputs", "phrase"),
    [
        ({"half_life_h": 0, "absorption_rate_per_h": 1}, "half-life must be above 0"),
        ({"half_life_h": 8, "absorption_rate_per_h": -1}, "absorption rate must be above 0"),
        ({"half_life_h": float("nan"), "absorption_rate_per_h": 1}, "must be a number"),
        ({"half_life_h": 8, "absorption_rate_per_h": float("inf")}, "must be a number"),
    ],
)
def test_impossible_model_knobs_are_refused_with_a_plain_message(inputs, phrase):
    with pytest.raises(ValueError, match=phrase):
        pk.check_model_inputs(**inputs)


def test_regimens_are_the_named_ones_studies_used():
    regimens = pk.regimen_doses(pk.dosing_regimens())
    assert {label for label, _ in regimens.values()} == {
        "Mas 1999: single 125 mg, as measured",
        "MAPP1 session 1: 80 mg then 40 mg",
        "MAPP1 sessions 2–3: 120 then 60 mg",
    }
    for _, doses in regimens.values():
        assert doses[0][0] == 0
        if len(doses) == 2:  # the trials' supplement was half the first dose
            assert doses[1][1] == doses[0][1] / 2 and doses[1][0] > 0


@pytest.mark.parametrize(
    ("old", "new", "column", "phrase"),
    [
        (
            'mas1999_single_125,"Mas 1999: single 125 mg, as measured",1,0,',
            'mas1999_single_125,"Mas 1999: single 125 mg, as measured",1,2,',
            "time_h",
            "the first dose is at 0 h",
        ),
        ("1,0,80,", "1,0,-80,", "dose_mg", "dose_mg must be above 0"),
        ("2,1.5,40,", "3,1.5,40,", "dose_order", "dose_order not one of [1, 2]"),
    ],
)
def test_a_bad_regimen_row_is_named(tmp_path, old, new, column, phrase):
    bad = edited_copy(tmp_path, "dosing_regimens.csv", old, new)
    message = refusal(pk.dosing_regimens, bad)
    assert f"column '{column}'" in message and phrase in message and str(bad) in message


def test_unit_that_does_not_match_the_measure_is_named(tmp_path):
    bad = edited_copy(tmp_path, "pharmacokinetics.csv", "236.4,ng/mL", "236.4,h")
    message = refusal(pk.pharmacokinetic_values, bad)
    assert f"{bad}, line 2, column 'unit': unit does not match the measure" in message


def test_durations_and_session_come_from_the_data(table):
    durations = pk.effect_durations(table)
    assert (durations.single_mean_h, durations.single_sd_h) == (4.2, 1.3)
    assert (durations.booster_single_mean_h, durations.booster_mean_h) == (4.6, 5.6)
    assert durations.session_h == 8
    booster_rows = table[table["quote_id"].fillna("").str.startswith("effect_booster_")]
    assert set(booster_rows["status"]) == {"secondary"}


def test_prose_numbers_show_the_non_linearity_check(table):
    numbers = pk.prose_numbers(table)
    assert numbers["pk_cmax"] == "236.4 ng/mL" and numbers["pk_half_life"] == "8.6 hours"
    # Linear scaling overshoots the measured 75 mg peak: the model is too simple there.
    assert float(numbers["pk_low_predicted"].split()[0]) > float(numbers["pk_low_measured"].split()[0])


@pytest.fixture(scope="module")
def regimens():
    return pk.regimen_doses(pk.dosing_regimens())


@pytest.fixture(scope="module")
def figure(table, model, regimens):
    return explainer_figures.concentration_figure(model, pk.effect_durations(table), pk.measured_peaks(table), regimens)


def _curves(figure):
    return [t for t in figure.data if t.meta["role"] == "curve"]


def test_no_control_sets_a_dose(figure, regimens):
    assert not figure.layout.sliders
    [menu] = figure.layout.updatemenus
    assert [b.label for b in menu.buttons] == [label for label, _ in regimens.values()]


def test_regimen_menu_shows_one_curve_and_the_supplement_band_only_with_a_supplement(figure, regimens):
    [menu] = figure.layout.updatemenus
    band = next(i for i, t in enumerate(figure.data) if t.meta["role"] == "band_booster")
    for button, (rid, (_, doses)) in zip(menu.buttons, regimens.items(), strict=True):
        visible = button.args[0]["visible"]
        shown = [
            t.meta["regimen"] for t, v in zip(figure.data, visible, strict=True) if v and t.meta["role"] == "curve"
        ]
        assert shown == [rid]
        assert visible[band] == (len(doses) > 1)
    assert [t.visible for t in _curves(figure)] == [True, False, False]


def test_each_curve_is_the_model_for_its_regimen(figure, model, regimens):
    for curve in _curves(figure):
        _, doses = regimens[curve.meta["regimen"]]
        assert np.asarray(curve.y) == pytest.approx(model.concentration_ng_ml(np.asarray(curve.x), doses))


def test_the_chart_itself_warns_that_the_linear_model_understates_repeated_doses(figure):
    warning = next(a for a in figure.layout.annotations if a.name == "linear_model_warning")
    assert "Linear teaching model" in warning.text and "likely too low" in warning.text and "overstate" in warning.text


def test_the_model_misses_the_lower_measured_dose_on_the_chart(figure, table):
    ring = next(t for t in figure.data if t.meta["role"] == "model_at_lower_dose")
    measured_low = pk.measured_peaks(table).query("dose_mg < 125")["cmax_ng_ml"].iloc[0]
    assert ring.y[0] > measured_low and "too high at a lower dose" in ring.hovertext[0]


def test_the_secondary_booster_value_is_labelled_as_such(figure):
    band = next(t for t in figure.data if t.meta["role"] == "band_booster")
    assert "secondary" in band.hovertext[0]
