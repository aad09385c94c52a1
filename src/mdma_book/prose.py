"""Numbers for the chapters' prose, computed from data/ and pasted with myst-nb ``glue``.

A chapter never types a statistic that the data files hold: it glues a name
here and writes {glue:text}`name` in its text, so prose and charts cannot drift.
"""

from __future__ import annotations

import pandas as pd

from mdma_book.evidence import OUTCOMES
from mdma_book.stats import add_proportions

ARM_KEYS = {"MDMA-assisted therapy": "mdma", "placebo with therapy": "placebo"}


def phase3_numbers(outcomes: pd.DataFrame) -> dict[str, str]:
    """Return prose-ready strings for every Phase 3 trial, outcome and arm.

    Keys look like ``mapp1_remission_mdma_pct`` ("33%"),
    ``mapp1_remission_mdma_n`` ("14 of 42") and ``mapp1_remission_mdma_ci``
    ("21–48%"), plus ``mapp1_mdma_completers`` ("42").
    """
    numbers = {}
    for row in add_proportions(outcomes).itertuples():
        key = f"{row.study.lower()}_{row.outcome}_{ARM_KEYS[row.arm]}"
        numbers[f"{key}_pct"] = f"{row.rate:.0f}%"
        numbers[f"{key}_n"] = f"{row.events} of {row.total}"
        numbers[f"{key}_ci"] = f"{row.ci_low:.0f}–{row.ci_high:.0f}%"
        numbers[f"{row.study.lower()}_{ARM_KEYS[row.arm]}_completers"] = str(row.total)
    return numbers


def phase3_table(outcomes: pd.DataFrame) -> pd.DataFrame:
    """The Phase 3 chart as a plain table: the chart's text alternative."""
    table = add_proportions(outcomes)
    return pd.DataFrame(
        {
            "Trial": table["study"],
            "Outcome": table["outcome"].map(OUTCOMES),
            "Arm": table["arm"],
            "People": [f"{e} of {t}" for e, t in zip(table["events"], table["total"], strict=True)],
            "Share (95% CI)": [
                f"{r:.0f}% ({lo:.0f}–{hi:.0f}%)" for r, lo, hi in zip(table["rate"], table["ci_low"], table["ci_high"], strict=True)
            ],
            "How obtained": table["status"],
        }
    ).sort_values(["Outcome", "Trial"], kind="stable").reset_index(drop=True)


def glue_all(numbers: dict[str, object]) -> None:
    """Glue every value under its name, without displaying it."""
    from myst_nb import glue  # imported here: only chapters need myst-nb

    for name, value in numbers.items():
        glue(name, value, display=False)
