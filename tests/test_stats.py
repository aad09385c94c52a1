"""Statistics match values computed independently, by formula, in the test."""

from __future__ import annotations

import math

import pytest

from mdma_book.stats import add_proportions, proportion_with_ci


def wilson_by_hand(events: int, total: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval written out from its textbook formula."""
    p = events / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return centre - half, centre + half


@pytest.mark.parametrize(("events", "total"), [(14, 42), (2, 37), (0, 12), (45, 52), (37, 37)])
def test_wilson_interval_matches_formula(events, total):
    rate, low, high = proportion_with_ci(events, total)
    exp_low, exp_high = wilson_by_hand(events, total)
    assert rate == pytest.approx(events / total)
    assert low == pytest.approx(exp_low, abs=1e-9)
    assert high == pytest.approx(exp_high, abs=1e-9)
    assert 0 <= low <= rate <= high <= 1


def test_mapp1_remission_interval_in_percent():
    # 14/42 = 33.3%; Wilson 95% CI 21.0% to 48.4%
    _, low, high = proportion_with_ci(14, 42)
    assert (round(low * 100, 1), round(high * 100, 1)) == (21.0, 48.4)


@pytest.mark.parametrize(("events", "total"), [(-1, 10), (11, 10), (1, 0)])
def test_impossible_counts_are_refused(events, total):
    with pytest.raises(ValueError, match="events <= total"):
        proportion_with_ci(events, total)


def test_add_proportions_adds_percent_columns():
    import pandas as pd

    table = add_proportions(pd.DataFrame({"events": [1, 3], "total": [4, 4]}))
    assert table["rate"].tolist() == [25.0, 75.0]
    assert (table["ci_low"] < table["rate"]).all() and (table["rate"] < table["ci_high"]).all()


# --- Two-group effects, NNT and pooling --------------------------------------

from mdma_book import stats  # noqa: E402

Z = 1.959963984540054


def test_mapp1_response_risk_ratio_matches_the_textbook_formula():
    # MAPP1 response: 37/42 vs 23/37. Log RR and its SE written out by hand.
    rr = (37 / 42) / (23 / 37)
    se = math.sqrt(1 / 37 - 1 / 42 + 1 / 23 - 1 / 37)
    estimate = stats.effect_with_ci(37, 42, 23, 37, "risk_ratio")
    assert estimate.value == pytest.approx(rr)
    assert estimate.low == pytest.approx(math.exp(math.log(rr) - Z * se))
    assert estimate.high == pytest.approx(math.exp(math.log(rr) + Z * se))
    # the living review's guide lists MAPP1 at 1.4172 [1.0766; 1.8655]
    assert (round(estimate.value, 4), round(estimate.low, 4), round(estimate.high, 4)) == (1.4172, 1.0766, 1.8655)


def test_risk_difference_matches_the_wald_formula():
    p1, p0 = 14 / 42, 2 / 37
    se = math.sqrt(p1 * (1 - p1) / 42 + p0 * (1 - p0) / 37)
    estimate = stats.effect_with_ci(14, 42, 2, 37, "risk_difference")
    assert (estimate.value, estimate.low, estimate.high) == pytest.approx((p1 - p0, p1 - p0 - Z * se, p1 - p0 + Z * se))


def test_zero_cell_gets_the_continuity_correction_only_in_its_trial():
    # Oehen 2013: 4/8 vs 0/4 -> (4.5/9) / (0.5/5) = 5
    assert stats.effect_with_ci(4, 8, 0, 4, "risk_ratio").value == pytest.approx(5.0)
    # a trial without zeros is left alone
    assert stats.effect_with_ci(14, 42, 2, 37, "risk_ratio").value == pytest.approx((14 / 42) / (2 / 37))


def test_pooling_reproduces_the_living_review():
    # Published: response RR 1.35 [1.10; 1.66] (k=5), remission RR 2.25 [1.04; 4.87] (k=4)
    response = [(37, 42, 23, 37), (45, 52, 29, 42), (8, 12, 2, 7), (4, 8, 0, 4), (6, 12, 1, 6)]
    remission = [(14, 42, 2, 37), (24, 52, 9, 42), (7, 12, 2, 7), (5, 12, 2, 6)]
    for trials, published in ((response, (1.35, 1.10, 1.66)), (remission, (2.25, 1.04, 4.87))):
        effects, variances = zip(*(stats.two_group_effect(*t, "risk_ratio") for t in trials), strict=True)
        pooled = stats.pool(effects, variances, "risk_ratio")
        assert pooled.method == stats.METHOD_RANDOM
        got = (pooled.estimate.value, pooled.estimate.low, pooled.estimate.high)
        assert got == pytest.approx(published, abs=0.006)
        assert pooled.weights.sum() == pytest.approx(100)


def test_hedges_g_and_its_pooling_reproduce_the_living_review():
    # MAPP1 BDI-II: g -0.8845 [-1.3415; -0.4275]; pooled g -0.66 [-2.70; 1.39] (k=3)
    trials = [(10.9, 12.3134, 42, 23.4, 15.6125, 39), (12.0, 9.0, 12, 25.9, 11.2, 7), (17.3, 16.7, 12, 12.3, 6.3, 6)]
    effects, variances = zip(*(stats.hedges_g(*t) for t in trials), strict=True)
    assert effects[0] == pytest.approx(-0.8845, abs=1e-4)
    assert effects[0] - Z * math.sqrt(variances[0]) == pytest.approx(-1.3415, abs=1e-3)
    pooled = stats.pool(effects, variances, "hedges_g")
    assert (pooled.estimate.value, pooled.estimate.low, pooled.estimate.high) == pytest.approx(
        (-0.66, -2.70, 1.39), abs=0.015
    )
    assert 0 <= pooled.i2 <= 100


def test_two_trials_use_random_effects_with_a_normal_interval():
    # Two trials that disagree: tau² > 0, so the interval is wider than a common-effect one.
    effects, variances = [0.7, 0.1], [0.01, 0.01]
    pooled = stats.pool(effects, variances, "risk_difference")
    assert pooled.method == stats.METHOD_RANDOM_NORMAL
    assert pooled.tau2 > 0
    common_half = Z / math.sqrt(sum(1 / v for v in variances))
    assert pooled.estimate.high - pooled.estimate.value > common_half
    # and the random-effects interval is the normal one: mean ± z * sqrt(1 / sum(1 / (v + tau²)))
    half = Z / math.sqrt(sum(1 / (v + pooled.tau2) for v in variances))
    assert pooled.estimate.high - pooled.estimate.value == pytest.approx(half, rel=1e-6)


def test_i2_is_floored_at_zero_when_trials_agree_more_than_chance():
    pooled = stats.pool([0.1, 0.1001, 0.0999], [0.05, 0.05, 0.05], "risk_difference")
    assert pooled.i2 == 0


def test_nnt_from_a_risk_difference_that_excludes_zero():
    nnt = stats.number_needed_to_treat(stats.Estimate(0.25, 0.10, 0.40))
    assert not nnt.crosses_zero
    assert (nnt.value, nnt.benefit_bound, nnt.other_bound) == pytest.approx((4, 2.5, 10))
    assert nnt.describe() == "4 (3 to 10)"


def test_nnt_interval_crossing_zero_runs_through_infinity_to_harm():
    nnt = stats.number_needed_to_treat(stats.Estimate(0.10, -0.05, 0.25))
    assert nnt.crosses_zero
    assert (nnt.benefit_bound, nnt.other_bound) == pytest.approx((4, 20))
    assert nnt.describe() == "10 (95% CI from 4 to benefit, through ∞, to 20 to harm)"


def test_nnt_when_the_risk_difference_interval_touches_zero():
    nnt = stats.number_needed_to_treat(stats.Estimate(0.10, 0.0, 0.25))
    assert nnt.crosses_zero and math.isinf(nnt.other_bound)
    assert nnt.describe() == "10 (95% CI from 4 to benefit, through ∞, to ∞)"


def test_nnt_needs_a_benefit():
    with pytest.raises(ValueError, match="positive risk difference"):
        stats.number_needed_to_treat(stats.Estimate(-0.1, -0.2, 0.0))
