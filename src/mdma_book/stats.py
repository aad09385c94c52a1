"""Statistics the book reports, computed with statsmodels rather than by hand."""

from __future__ import annotations

import pandas as pd
from statsmodels.stats.proportion import proportion_confint

#: Wilson score intervals behave well for small arms and for rates near 0 or 1,
#: where the normal-approximation (Wald) interval can leave [0, 1].
PROPORTION_CI_METHOD = "wilson"


def proportion_with_ci(events: int, total: int, alpha: float = 0.05) -> tuple[float, float, float]:
    """Return (proportion, lower, upper) for ``events`` out of ``total``, as fractions.

    The interval is the Wilson score interval at ``1 - alpha`` confidence.
    """
    if total <= 0 or not 0 <= events <= total:
        raise ValueError(f"need 0 <= events <= total and total > 0, got {events}/{total}")
    lower, upper = proportion_confint(events, total, alpha=alpha, method=PROPORTION_CI_METHOD)
    rate = events / total
    # At 0/n or n/n the bound equals the rate up to float rounding; keep rate inside.
    return rate, min(float(lower), rate), max(float(upper), rate)


def add_proportions(table: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Return a copy of ``table`` with ``rate``, ``ci_low`` and ``ci_high`` in percent."""
    rates = [proportion_with_ci(e, t, alpha) for e, t in zip(table["events"], table["total"], strict=True)]
    out = table.copy()
    out[["rate", "ci_low", "ci_high"]] = pd.DataFrame(rates, index=table.index) * 100
    return out
