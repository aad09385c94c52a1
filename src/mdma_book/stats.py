"""Statistics the book reports, computed with statsmodels rather than by hand.

- Proportions: Wilson score intervals (``proportion_confint``).
- Two-group effects: risk ratio and risk difference per trial
  (``effectsize_2proportions``), standardized mean difference as Hedges' g
  (``effectsize_smd``).
- Pooling: random effects with the Paule–Mandel estimate of tau² and
  Hartung–Knapp(-Sidik-Jonkman) intervals (``combine_effects(method_re="iterated",
  use_t=True)``), the method of the living review the book checks itself against.
  With only two trials that interval uses a t distribution with one degree of
  freedom and becomes uninformative (e.g. a risk ratio from 0.25 to 11 for two
  trials that each favour MDMA). Two trials are therefore pooled by the same
  random-effects model with a normal interval: tau² is still estimated (very
  imprecisely), so disagreement between the two widens the interval. Every
  pooled result says which method it used, and carries the common-effect
  (fixed-effect, inverse-variance) estimate as a sensitivity analysis.
- Number needed to treat from a risk difference, with the interval handled as
  Altman (1998) describes when it crosses zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats
from statsmodels.stats.meta_analysis import combine_effects, effectsize_2proportions, effectsize_smd
from statsmodels.stats.proportion import proportion_confint

#: Wilson score intervals behave well for small arms and for rates near 0 or 1,
#: where the normal-approximation (Wald) interval can leave [0, 1].
PROPORTION_CI_METHOD = "wilson"
ALPHA = 0.05
#: Added to every cell of a trial with a zero (or full) cell, as R's meta does by default.
CONTINUITY_CORRECTION = 0.5
MEASURES = {"risk_ratio": "risk-ratio", "risk_difference": "diff"}


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its 95% interval, on the natural scale."""

    value: float
    low: float
    high: float


def proportion_with_ci(events: int, total: int, alpha: float = ALPHA) -> tuple[float, float, float]:
    """Return (proportion, lower, upper) for ``events`` out of ``total``, as fractions.

    The interval is the Wilson score interval at ``1 - alpha`` confidence.
    """
    if total <= 0 or not 0 <= events <= total:
        raise ValueError(f"need 0 <= events <= total and total > 0, got {events}/{total}")
    lower, upper = proportion_confint(events, total, alpha=alpha, method=PROPORTION_CI_METHOD)
    rate = events / total
    # At 0/n or n/n the bound equals the rate up to float rounding; keep rate inside.
    return rate, min(float(lower), rate), max(float(upper), rate)


def add_proportions(table: pd.DataFrame, alpha: float = ALPHA) -> pd.DataFrame:
    """Return a copy of ``table`` with ``rate``, ``ci_low`` and ``ci_high`` in percent."""
    rates = [proportion_with_ci(e, t, alpha) for e, t in zip(table["events"], table["total"], strict=True)]
    out = table.copy()
    out[["rate", "ci_low", "ci_high"]] = pd.DataFrame(rates, index=table.index) * 100
    return out


def two_group_effect(
    events_mdma: int, total_mdma: int, events_control: int, total_control: int, measure: str
) -> tuple[float, float]:
    """Return (effect, variance) for one trial: log risk ratio or risk difference.

    A trial with a zero or full cell gets the continuity correction in every
    cell. It is applied trial by trial because statsmodels 0.15 adds a float
    correction to the counts of every trial when given arrays.
    """
    for events, total in ((events_mdma, total_mdma), (events_control, total_control)):
        if total <= 0 or not 0 <= events <= total:
            raise ValueError(f"need 0 <= events <= total and total > 0, got {events}/{total}")
    cells = (events_mdma, total_mdma - events_mdma, events_control, total_control - events_control)
    correction = CONTINUITY_CORRECTION if measure == "risk_ratio" and 0 in cells else None
    effect, variance = effectsize_2proportions(
        np.array([events_mdma], float),
        np.array([total_mdma], float),
        np.array([events_control], float),
        np.array([total_control], float),
        statistic=MEASURES[measure],
        zero_correction=correction,
    )
    return float(effect[0]), float(variance[0])


def _natural(measure: str, values):
    return np.exp(values) if measure == "risk_ratio" else np.asarray(values)


def interval(effect: float, variance: float, measure: str, alpha: float = ALPHA) -> Estimate:
    """A trial's effect with its normal (Wald) interval, back on the natural scale (RR from log RR)."""
    half = scipy_stats.norm.ppf(1 - alpha / 2) * math.sqrt(variance)
    value, low, high = _natural(measure, [effect, effect - half, effect + half])
    return Estimate(float(value), float(low), float(high))


def effect_with_ci(
    events_mdma: int, total_mdma: int, events_control: int, total_control: int, measure: str, alpha: float = ALPHA
) -> Estimate:
    """Risk ratio or risk difference of one trial with its Wald interval (log scale for RR)."""
    effect, variance = two_group_effect(events_mdma, total_mdma, events_control, total_control, measure)
    return interval(effect, variance, measure, alpha)


def hedges_g(mean_mdma, sd_mdma, n_mdma, mean_control, sd_control, n_control) -> tuple[float, float]:
    """Return (Hedges' g, variance): bias-corrected standardized mean difference, MDMA minus control."""
    g, variance = effectsize_smd(
        np.array([mean_mdma], float),
        np.array([sd_mdma], float),
        np.array([n_mdma], float),
        np.array([mean_control], float),
        np.array([sd_control], float),
        np.array([n_control], float),
    )
    return float(g[0]), float(variance[0])


#: Fewest trials pooled by random effects; fewer are pooled as a common effect.
MIN_TRIALS_RANDOM_EFFECTS = 3
METHOD_RANDOM = "random effects (Paule–Mandel, Hartung–Knapp)"
METHOD_RANDOM_NORMAL = "random effects (Paule–Mandel, normal interval: Hartung–Knapp needs three or more trials)"
METHOD_SINGLE = "single trial"


@dataclass(frozen=True)
class Pooled:
    """Pooled result of ``k`` trials and the method that produced it."""

    estimate: Estimate
    k: int
    tau2: float
    i2: float  # percent, 0-100
    weights: np.ndarray  # percent, summing to 100
    method: str
    #: The common-effect (fixed-effect, inverse-variance) estimate with its normal interval: a sensitivity
    #: analysis beside the random-effects one, which with two trials rests on a very imprecise tau².
    common: Estimate | None = None


def pool(effects, variances, measure: str, alpha: float = ALPHA) -> Pooled:
    """Pool per-trial effects (log RR, RD or g); return the result on the natural scale.

    Three or more trials: random effects (Paule–Mandel, Hartung–Knapp). Two: the
    same random-effects estimate with a normal interval (see the module
    docstring). One: the trial itself.
    """
    effects, variances = np.asarray(effects, float), np.asarray(variances, float)
    if len(effects) == 1:
        single = interval(effects[0], variances[0], measure, alpha)
        return Pooled(single, 1, 0.0, 0.0, np.array([100.0]), METHOD_SINGLE, single)
    result = combine_effects(effects, variances, method_re="iterated", use_t=True, alpha=alpha)
    (common_low, common_high), *_ = result.conf_int(alpha=alpha, use_t=False)
    common = Estimate(*(float(x) for x in _natural(measure, [result.mean_effect_fe, common_low, common_high])))
    # statsmodels reports (Q - df) / Q unclipped; I² is conventionally floored at 0.
    i2 = max(0.0, float(result.i2)) * 100
    if len(effects) >= MIN_TRIALS_RANDOM_EFFECTS:
        _, _, _, (low, high) = result.conf_int(alpha=alpha, use_t=True)
        mean, weights, method, tau2 = result.mean_effect_re, result.weights_rel_re, METHOD_RANDOM, float(result.tau2)
    else:
        _, (low, high), _, _ = result.conf_int(alpha=alpha, use_t=False)
        mean, weights, method, tau2 = (
            result.mean_effect_re,
            result.weights_rel_re,
            METHOD_RANDOM_NORMAL,
            float(result.tau2),
        )
    value, low, high = _natural(measure, [mean, low, high])
    return Pooled(
        Estimate(float(value), float(low), float(high)),
        len(effects),
        tau2,
        i2,
        np.asarray(weights) * 100,
        method,
        common,
    )


@dataclass(frozen=True)
class NumberNeededToTreat:
    """NNT with its interval, as two bounds and whether the interval passes through infinity."""

    value: float
    benefit_bound: float  # NNT at the upper end of the risk difference (most benefit)
    other_bound: float  # NNT at the lower end; for harm when the interval reaches no effect (inf at exactly 0)
    crosses_zero: bool

    def describe(self) -> str:
        """Plain words, rounded up as NNTs are: '5 (3 to 16)', or Altman's benefit-to-harm form."""
        value, benefit = math.ceil(self.value), math.ceil(self.benefit_bound)
        if not self.crosses_zero:
            return f"{value} ({benefit} to {math.ceil(self.other_bound)})"
        harm = "∞" if math.isinf(self.other_bound) else f"{math.ceil(self.other_bound)} to harm"
        return f"{value} (95% CI from {benefit} to benefit, through ∞, to {harm})"


def number_needed_to_treat(risk_difference: Estimate) -> NumberNeededToTreat:
    """NNT = 1 / RD, with the interval inverted as Altman (BMJ 1998;317:1309) describes.

    When the RD interval lies above zero, the NNT interval is (1/high, 1/low). When
    it reaches or crosses zero, the NNT interval is not contiguous: it runs from
    1/high (benefit) through infinity to 1/|low| people treated for one to be
    harmed. No library computes this; it is a few lines of arithmetic, tested
    against hand values.
    """
    rd = risk_difference
    if rd.value <= 0:
        raise ValueError("an NNT for benefit needs a positive risk difference")
    if rd.low > 0:
        return NumberNeededToTreat(1 / rd.value, 1 / rd.high, 1 / rd.low, False)
    return NumberNeededToTreat(1 / rd.value, 1 / rd.high, math.inf if rd.low == 0 else 1 / abs(rd.low), True)
