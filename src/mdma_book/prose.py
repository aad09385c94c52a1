"""Numbers for the chapters' prose, computed from data/ and pasted with myst-nb ``glue``.

A chapter never types a statistic that the data files hold: it glues a name
here and writes {glue:text}`name` in its text, so prose and charts cannot drift.
"""

from __future__ import annotations

import pandas as pd

from mdma_book import stats, synthesis
from mdma_book.evidence import OUTCOMES, interval_words, quoted, quoted_family, trial_ids
from mdma_book.safe_text import myst
from mdma_book.stats import add_proportions
from mdma_book.theme import signed

ARM_KEYS = {"MDMA-assisted therapy": "mdma", "placebo with therapy": "placebo"}


def _trial_ids(trials: pd.DataFrame | None) -> dict[str, str]:
    from mdma_book import evidence

    return trial_ids(evidence.trials() if trials is None else trials)


def phase3_numbers(outcomes: pd.DataFrame, trials: pd.DataFrame | None = None) -> dict[str, str]:
    """Return prose-ready strings for every Phase 3 trial, outcome and arm.

    Keys look like ``mapp1_remission_mdma_pct`` ("33%") and
    ``mapp1_remission_mdma_n`` ("14 of 42"); they start with the trial's stable
    ``trial_id`` (``trials.csv``, read from data/ unless given), not its name.
    """
    ids = _trial_ids(trials)
    numbers = {}
    for row in add_proportions(outcomes).itertuples():
        key = f"{ids[row.study]}_{row.outcome}_{ARM_KEYS[row.arm]}"
        numbers[f"{key}_pct"] = f"{row.rate:.0f}%"
        numbers[f"{key}_n"] = f"{row.events} of {row.total}"
    return numbers


def phase3_table(outcomes: pd.DataFrame) -> pd.DataFrame:
    """The Phase 3 chart as a plain table: the chart's text alternative."""
    table = add_proportions(outcomes)
    return (
        pd.DataFrame(
            {
                "Trial": table["study"],
                "Outcome": table["outcome"].map(OUTCOMES),
                "Arm": table["arm"],
                "People": [f"{e} of {t}" for e, t in zip(table["events"], table["total"], strict=True)],
                "Share (95% CI)": [
                    f"{r:.0f}% ({lo:.0f}–{hi:.0f}%)"
                    for r, lo, hi in zip(table["rate"], table["ci_low"], table["ci_high"], strict=True)
                ],
                "How obtained": table["status"],
            }
        )
        .sort_values(["Outcome", "Trial"], kind="stable")
        .reset_index(drop=True)
    )


def html_table(table: pd.DataFrame):
    """A table as HTML without the row index and without pandas' cell truncation."""
    import html

    from IPython.display import HTML

    # A region that scrolls sideways when the table is wider than the column (tables.css); focusable,
    # so it scrolls from the keyboard, and named, so a screen reader says what it holds.
    name = html.escape("Table: " + ", ".join(map(str, table.columns)), quote=True)
    body = table.to_html(index=False, border=0, classes=["table", "mdma-table"], escape=True)
    return HTML(f'<div class="mdma-table-scroll" tabindex="0" role="region" aria-label="{name}">{body}</div>')


def glue_all(numbers: dict[str, object]) -> None:
    """Glue every value under its name, without displaying it; tables as HTML.

    Outside the book's environment (e.g. Colab without myst-nb) there is no book
    to paste into, so this does nothing.
    """
    try:
        from myst_nb import glue
    except ImportError:
        return

    for name, value in numbers.items():
        glue(name, html_table(value) if isinstance(value, pd.DataFrame) else value, display=False)


def _interval(estimate, digits: int = 2, level: str = "95% CI", after: str = "") -> str:
    spec = f".{digits}f"
    return (
        f"{signed(estimate.value, spec)} ({level} {signed(estimate.low, spec)} to {signed(estimate.high, spec)}{after})"
    )


def _number(value: float) -> str:
    """As the source printed it: whole numbers grouped by thousands, others as given."""
    return signed(value, ",.0f" if float(value).is_integer() else "g")


def _value(values: pd.DataFrame, quote_id: str) -> str:
    """The quoted value as its source printed it."""
    return _number(quoted(values, quote_id)["value"])


def _estimate(values: pd.DataFrame, quote_id: str) -> stats.Estimate:
    row = quoted(values, quote_id)
    return stats.Estimate(row["value"], row["ci_low"], row["ci_high"])


def _quote(values: pd.DataFrame, quote_id: str, digits: int = 2) -> str:
    """The quoted value with its interval, named by its level (``ci_level``), where the source gives one; else the value alone."""
    row = quoted(values, quote_id)
    if pd.isna(row["ci_low"]) or pd.isna(row["ci_high"]):
        return _number(row["value"])
    return _interval(_estimate(values, quote_id), digits=digits, **interval_words(row["ci_level"]))


#: Values chapter 3 quotes as they are (value, or value with its interval), glued under their quote_id.
EVIDENCE_QUOTES = (
    "kvam_n",
    "kvam_sessions",
    "kvam_madrs_baseline",
    "wolfgang_low",
    "wolfgang_high",
    "blinding_mdma",
    "blinding_placebo",
    "pooled2019_active",
    "pooled2019_control",
    "pooled2019_bdi",
    "cipriani_drugs",
    "cipriani_trials",
    "stard_cumulative",
    "stard_level1_response",
    "stard_level1_remission",
    "bahji_g",
    "sypres_response_rr",
    "sypres_remission_rr",
    "sypres_depression_g",
)
#: A network meta-analysis's intervals are credible intervals (``ci_level`` says so).
CREDIBLE_QUOTES = ("cipriani_or_high", "cipriani_or_low")


def _pooled_numbers(dichotomous: pd.DataFrame) -> dict[str, str]:
    """``forest_<outcome>_rr``/``_k``/``_n`` (all trials) and the Phase 3 absolute effects and NNT."""
    numbers: dict[str, str] = {}
    for view in synthesis.ptsd_forest_views(dichotomous):
        if view["measure"] != "risk_ratio":
            continue
        overall = view["table"].iloc[-1]
        key = f"forest_{view['outcome']}"
        numbers[f"{key}_rr"] = _interval(stats.Estimate(overall["effect"], overall["ci_low"], overall["ci_high"]))
        numbers[f"{key}_k"] = str(int(overall["k"]))
        numbers[f"{key}_n"] = str(int(overall["participants"]))
    for effect in synthesis.absolute_effects(dichotomous):
        key = effect["outcome"]
        numbers[f"abs_{key}_placebo"] = f"{effect['per100_control']:.0f}"
        numbers[f"abs_{key}_mdma"] = f"{effect['per100_mdma']:.0f}"
        numbers[f"abs_{key}_mdma_range"] = f"{effect['per100_mdma_low']:.0f} to {effect['per100_mdma_high']:.0f}"
        numbers[f"nnt_{key}"] = effect["nnt"].describe()
        numbers[f"phase3_{key}_rr"] = _interval(effect["risk_ratio"])
        # Sensitivity analysis: the common-effect (fixed-effect) estimate, and the trials' I².
        numbers[f"phase3_{key}_rr_common"] = _interval(effect["common_risk_ratio"])
        numbers[f"phase3_{key}_i2"] = f"{effect['i2']:.0f}%"
        numbers[f"phase3_{key}_k"] = str(effect["k"])
    return numbers


def _depression_numbers(continuous: pd.DataFrame, ids: dict[str, str]) -> dict[str, str]:
    """``g_depression`` and friends, per trial (by ``trial_id``) and leaving each trial out; BDI-II means."""
    depression = synthesis.depression_effects(continuous)
    pooled_g = stats.pool(depression["effect"], depression["variance"], "hedges_g")
    numbers = {
        "g_depression": _interval(pooled_g.estimate),
        "g_depression_k": str(pooled_g.k),
        "g_depression_n": str(int(depression["participants"].sum())),
        "g_depression_i2": f"{pooled_g.i2:.0f}%",
    }
    for row in depression.itertuples():
        numbers[f"g_{ids[row.study]}"] = _interval(stats.interval(row.effect, row.variance, "hedges_g"))
    # Leave one trial out, as the live depression panel does when a trial is unticked (the exercises quote these).
    for row in depression.itertuples():
        others = depression[depression["study"] != row.study]
        numbers[f"g_depression_without_{ids[row.study]}"] = _interval(
            stats.pool(others["effect"], others["variance"], "hedges_g").estimate
        )
    bdi = continuous[continuous["measure"] == "bdi_ii"]
    for statistic, prefix in (("baseline_mean", "bdi_baseline"), ("change_mean", "bdi_change")):
        rows = bdi[bdi["statistic"] == statistic].sort_values("dose_mg", ascending=False, na_position="first")
        for row in rows.drop_duplicates(["study", "role"]).itertuples():  # highest MDMA dose, as pooled
            # Scale scores are printed with their one decimal (e.g. "−11.0").
            numbers[f"{prefix}_{ids[row.study]}_{row.role}"] = signed(row.mean, ".1f")
    return numbers


def evidence_numbers(dichotomous, continuous, values, trials: pd.DataFrame | None = None) -> dict[str, str]:
    """Prose-ready numbers for chapter 3, all computed from data/.

    Names: ``forest_<outcome>_rr`` ("1.35 (95% CI 1.10 to 1.66)", all trials),
    ``..._k``, ``..._n``; ``abs_<outcome>_placebo`` / ``_mdma`` (per 100, Phase 3),
    ``nnt_<outcome>``; ``g_depression`` and friends (per trial by its ``trial_id``);
    and, for reported values the text quotes, their ``quote_id`` (:data:`EVIDENCE_QUOTES`).
    """
    numbers = _pooled_numbers(dichotomous) | _depression_numbers(continuous, _trial_ids(trials))
    numbers |= {name: _quote(values, name) for name in (*EVIDENCE_QUOTES, *CREDIBLE_QUOTES)}
    # Intervals printed to the precision of their source, named by the level the source gives.
    numbers["kvam_madrs_change"] = _quote(values, "kvam_madrs_change", digits=1)
    baseline, change = quoted(values, "kvam_madrs_baseline")["value"], quoted(values, "kvam_madrs_change")["value"]
    numbers["kvam_madrs_after"] = _number(round(baseline + change, 1))
    numbers["stard_steps"] = str(len(quoted_family(values, "stard_remission_step_")))
    return numbers


def trials_table(trials: pd.DataFrame) -> pd.DataFrame:
    """The randomized trials as a reader-facing table."""
    return pd.DataFrame(
        {
            "Trial": trials["study"],
            "Phase": trials["phase"],
            "Population": trials["population"],
            "MDMA arm(s)": trials["mdma_arms"],
            "Comparator": trials["comparator"],
            "Dosing sessions": trials["dosing_sessions"],
            "Registration": trials["registration"],
        }
    )


def forest_numbers(views: list[dict]) -> pd.DataFrame:
    """Every estimate of a forest plot as a table: the figure's text alternative."""
    rows = []
    for view in views:
        for row in view["table"].itertuples():
            rows.append(
                {
                    "View": view["label"],
                    "Row": row.label,
                    "Estimate (95% CI)": f"{signed(row.effect, '.2f')} ({signed(row.ci_low, '.2f')} to {signed(row.ci_high, '.2f')})",
                    "Weight": "" if pd.isna(row.weight_pct) or row.kind == "overall" else f"{row.weight_pct:.0f}%",
                    "I²": "" if pd.isna(row.i2_pct) else f"{row.i2_pct:.0f}%",
                }
            )
    return pd.DataFrame(rows)


VERDICT_MARKS = {
    "supported": "✔ supported",
    "overstated": "▲ overstated",
    "wrong": "✘ wrong",
    "unsupported": "? unsupported",
    "source not found": "∅ source not found",
}


def claims_markdown(claims: pd.DataFrame) -> str:
    """The claims appendix as MyST Markdown: one entry per claim, citations as {cite:p} roles.

    Displayed as a Markdown output (``nb_render_markdown_format: myst``), so the
    citations resolve against the book's bibliography like any other.
    """
    parts = []
    for kind, heading in (("claim", "Claims"), ("reference", "References")):
        parts.append(f"## The article's {heading.lower()}\n")
        for row in claims[claims["kind"] == kind].itertuples():
            # Only validated codes (claim id, verdict, bibliography keys, book section) build markup;
            # every free-text value is escaped with safe_text.myst so it renders as text.
            keys = ",".join(k for k in str(row.source_keys or "").split(";") if k and k != "nan")
            cite = f" {{cite:p}}`{keys}`" if keys else ""
            ref = "" if row.article_ref in ("none", "") else f" (article's reference {myst(row.article_ref)})"
            parts.append(
                f"(claim-{row.claim_id.lower()})=\n**{row.claim_id}. {myst(row.claim)}**\n\n"
                f"*Verdict: {VERDICT_MARKS[row.verdict]}.* Section of the article: {myst(row.article_section)}{ref}.\n"
                f"{myst(row.finding)}{cite} More in {{ref}}`{row.book_section}`.\n"
            )
    return "\n".join(parts)


def claims_summary(claims: pd.DataFrame) -> pd.DataFrame:
    """How many claims and references got each verdict."""
    counts = claims.groupby(["verdict", "kind"]).size().unstack(fill_value=0)
    counts = counts.reindex(list(VERDICT_MARKS), fill_value=0).reindex(columns=["claim", "reference"], fill_value=0)
    return pd.DataFrame(
        {
            "Verdict": [VERDICT_MARKS[v] for v in counts.index],
            "Claims": counts["claim"].to_numpy(),
            "References": counts["reference"].to_numpy(),
        }
    )


#: The Phase 3 protocol's numbers (quote ids of reported_values.csv).
PROTOCOL_QUOTES = (
    "mapp_sessions",
    "mapp_session_hours",
    "mapp_endpoint_weeks",
    "mapp_supplement_earliest_hours",
    "mapp_supplement_latest_hours",
)


def protocol_numbers(values: pd.DataFrame) -> dict[str, str]:
    """Numbers about the Phase 3 protocol that several chapters quote (from reported_values.csv)."""
    return {name: _value(values, name) for name in PROTOCOL_QUOTES}


#: Chapter 3's numbers on the primary outcome, completers and dropouts, quoted as printed.
PRIMARY_OUTCOME_QUOTES = (
    "caps_max",
    "bdi_max",
    "mapp1_caps_change_mdma",
    "mapp1_caps_change_placebo",
    "mapp1_caps_d",
    "mapp2_caps_change_mdma",
    "mapp2_caps_change_placebo",
    "mapp2_caps_d",
    *(
        f"{trial}_{what}_{arm}"
        for trial in ("mapp1", "mapp2")
        for what in ("dropouts", "randomized")
        for arm in ("mdma", "placebo")
    ),
    "stard_level1_hamd_remission",
)


def primary_outcome_numbers(values: pd.DataFrame) -> dict[str, str]:
    """Chapter 3's numbers on the trials' primary outcome (CAPS-5 PTSD severity), completers and dropouts."""
    severity = quoted(values, "sypres_severity_g")
    return {
        **{name: _value(values, name) for name in PRIMARY_OUTCOME_QUOTES},
        "mapp2_caps_difference": _quote(values, "mapp2_caps_difference", digits=1),
        "sypres_severity_g": _quote(values, "sypres_severity_g"),
        # What kind of mean each trial's change is (raw mean of completers, least-squares mean), from the data.
        **{
            f"{trial}_caps_change_kind": quoted(values, f"{trial}_caps_change_mdma")["mean_kind"]
            for trial in ("mapp1", "mapp2")
        },
        "sypres_severity_k": str(int(severity["k_studies"])),
        "sypres_severity_n": str(int(severity["participants"])),
    }


#: Numbers from the 2024–2026 updates that chapters quote as printed (quote ids).
UPDATE_QUOTES = (
    "kvam_followup_months",
    "kvam_followup_attended",
    "kvam_endpoint_weeks",
    "oslo_episode_min_weeks",
    "oslo_episode_max_years",
    "young_adult_study_n",
    "young_adult_age_min",
    "young_adult_age_max",
    "au_prescribers_dec_2023",
    "dod_grants",
    "mplong_target",
    "gaynes_share",
    "stard_pigott_pct",
    "mithoefer_ltfu_months",
)
#: ... and those quoted with their 95% interval.
UPDATE_INTERVALS = ("borgogna_depression_g", "faresotero_ptsd_smd", "colcott_phase3_ae_or")


def update_numbers(values: pd.DataFrame) -> dict[str, str]:
    """Numbers from the 2024–2026 updates that chapters quote: appraisals, follow-ups, new meta-analyses, trials under way."""

    def votes(against: str) -> str:  # ICER's panel: votes that the evidence is not adequate, to votes that it is
        return f"{_value(values, f'icer_not_adequate_vs_{against}')} to {_value(values, f'icer_adequate_vs_{against}')}"

    return {
        "icer_votes_vs_no_mdma": votes("no_mdma"),
        "icer_votes_vs_psychotherapy": votes("psychotherapy"),
        **{name: _value(values, name) for name in UPDATE_QUOTES},
        **{name: _quote(values, name) for name in UPDATE_INTERVALS},
    }


def evidence_map_numbers(em: pd.DataFrame) -> dict[str, str]:
    """The evidence-map numbers chapter 5 quotes, each from its row of ``data/evidence_map.csv``."""
    rows = em.set_index("row_id")

    def estimate(row_id: str, digits: int = 1) -> str:
        row = rows.loc[row_id]
        if pd.isna(row["ci_low"]):
            return _number(row["estimate"])
        interval = stats.Estimate(row["estimate"], row["ci_low"], row["ci_high"])
        return _interval(interval, digits=digits, **interval_words(row["ci_level"]))

    return {
        "em_kvam_n": _number(rows.loc["EM01", "participants"]),
        "em_kvam_change": estimate("EM01"),
        "em_raison_difference": estimate("EM10"),
        "em_borgogna_g": estimate("EM05", digits=2),
        "em_hsu_psychedelic_placebo": estimate("EM30"),
        "em_hsu_antidepressant_placebo": estimate("EM31"),
    }


def trial_counts(trials: pd.DataFrame) -> dict[str, str]:
    """How many randomized trials there are, in all and per phase (from trials.csv)."""
    return {
        "n_trials": str(len(trials)),
        "n_phase2_trials": str(int((trials["phase"] == 2).sum())),
        "n_phase3_trials": str(int((trials["phase"] == 3).sum())),
    }
