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
