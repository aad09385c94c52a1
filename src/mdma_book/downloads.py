"""The exact data behind each figure and table, as CSV files readers can download.

The Sphinx extension writes these into ``book/_data/`` before every build (only
when their content changed), and chapters link them with ``{download}``. Each
table is computed by the same functions that draw the figure.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mdma_book import evidence, evidence_map, harms, safe_text, safety, stats, synthesis

FOLDER = Path("book") / "_data"


def _forest_csv(views: list[dict]) -> pd.DataFrame:
    columns = [
        "kind",
        "label",
        "phase",
        "effect",
        "ci_low",
        "ci_high",
        "weight_pct",
        "k",
        "participants",
        "i2_pct",
        "method",
        "source_key",
    ]
    return pd.concat(
        [view["table"].reindex(columns=columns).assign(view=view["label"]) for view in views], ignore_index=True
    )[["view", *columns]]


def _absolute_csv(effects: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "outcome": e["label"],
                "trials": e["k"],
                "participants": e["participants"],
                "risk_ratio": e["risk_ratio"].value,
                "rr_ci_low": e["risk_ratio"].low,
                "rr_ci_high": e["risk_ratio"].high,
                "per100_placebo_assisted": e["per100_control"],
                "per100_mdma_assisted": e["per100_mdma"],
                "per100_mdma_ci_low": e["per100_mdma_low"],
                "per100_mdma_ci_high": e["per100_mdma_high"],
                "nnt": e["nnt"].value,
                "nnt_bound_benefit": e["nnt"].benefit_bound,
                "nnt_other_bound": e["nnt"].other_bound,
                "nnt_interval_crosses_no_effect": e["nnt"].crosses_zero,
                "method": e["method"],
            }
            for e in effects
        ]
    )


def _comparison_csv(panels: dict) -> pd.DataFrame:
    ptsd, depression = panels["ptsd"], panels["depression_in_ptsd"]
    mdd, stard = panels["major_depression"], panels["antidepressants"]
    frames = [
        ptsd["rows"][["study", "arm", "events", "total", "rate", "ci_low", "ci_high", "source_key"]].assign(
            panel="ptsd", unit="% of completers"
        ),
        depression["rows"][["label", "effect", "ci_low", "ci_high"]]
        .rename(columns={"label": "study"})
        .assign(panel="depression_in_ptsd", unit="Hedges' g"),
        mdd["rows"][["when", "madrs"]]
        .rename(columns={"when": "arm", "madrs": "value"})
        .assign(panel="major_depression", study=mdd["study"], unit="mean MADRS"),
        stard["rows"][["step", "remission"]]
        .rename(columns={"step": "arm", "remission": "value"})
        .assign(panel="antidepressants", study=stard["study"], unit="% remitted"),
    ]
    return pd.concat(frames, ignore_index=True)


def tables() -> dict[str, pd.DataFrame]:
    """File name -> the data behind one figure or table of the book."""
    dichotomous, continuous = evidence.dichotomous_outcomes(), evidence.continuous_outcomes()
    values, certainty = evidence.reported_values(), evidence.certainty()
    phase3 = stats.add_proportions(evidence.phase3_outcomes())
    return {
        "phase3-outcome-rates.csv": phase3.drop(columns=["note"]),
        "forest-ptsd-outcomes.csv": _forest_csv(synthesis.ptsd_forest_views(dichotomous)),
        "forest-depression-bdi.csv": _forest_csv([synthesis.depression_forest_view(continuous)]),
        "absolute-effects.csv": _absolute_csv(synthesis.absolute_effects(dichotomous)),
        "evidence-comparison.csv": _comparison_csv(synthesis.evidence_comparison(dichotomous, continuous, values)),
        "summary-of-findings.csv": synthesis.summary_of_findings(dichotomous, continuous, values, certainty),
        "summary-of-findings-harms.csv": synthesis.harms_summary_of_findings(dichotomous, values, certainty),
        "harms.csv": harms.harms(),
        "interactions.csv": safety.interactions(),
        "evidence-map.csv": evidence_map.evidence_map(),
        "regulatory-status.csv": evidence_map.regulatory_status(),
        "claims-checked.csv": evidence.claims(),
    }


def write_all(folder: Path) -> list[Path]:
    """Write every table as CSV into ``folder``; rewrite a file only if its content changed.

    Text cells that a spreadsheet would run as a formula are neutralized
    (:func:`mdma_book.safe_text.spreadsheet_cells`).
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in tables().items():
        path = folder / name
        text = safe_text.spreadsheet_cells(table).to_csv(index=False, float_format="%.4g")
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
