"""Numbers for the chapters' prose, computed from data/ and pasted with myst-nb ``glue``.

A chapter never types a statistic that the data files hold: it glues a name
here and writes {glue:text}`name` in its text, so prose and charts cannot drift.
"""

from __future__ import annotations

import pandas as pd

from mdma_book.evidence import OUTCOMES
from mdma_book.safe_text import myst
from mdma_book.stats import add_proportions

ARM_KEYS = {"MDMA-assisted therapy": "mdma", "placebo with therapy": "placebo"}


def phase3_numbers(outcomes: pd.DataFrame) -> dict[str, str]:
    """Return prose-ready strings for every Phase 3 trial, outcome and arm.

    Keys look like ``mapp1_remission_mdma_pct`` ("33%") and
    ``mapp1_remission_mdma_n`` ("14 of 42").
    """
    numbers = {}
    for row in add_proportions(outcomes).itertuples():
        key = f"{row.study.lower()}_{row.outcome}_{ARM_KEYS[row.arm]}"
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
    text = f"{estimate.value:.{digits}f} ({level} {estimate.low:.{digits}f} to {estimate.high:.{digits}f}{after})"
    return text.replace("-", "\u2212")


#: Kvam 2025's abstract gives an interval without its level (s.e. 2.4, n = 12), so none is claimed.
KVAM_INTERVAL = {"level": "CI", "after": ", level not stated in the abstract"}


def _number(value: float) -> str:
    """As the source printed it: whole numbers grouped by thousands, others as given."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"
    return text.replace("-", "\u2212")


def evidence_numbers(dichotomous, continuous, values) -> dict[str, str]:
    """Prose-ready numbers for chapter 3, all computed from data/.

    Names: ``forest_<outcome>_rr`` ("1.35 (95% CI 1.10 to 1.66)", all trials),
    ``..._k``, ``..._n``; ``abs_<outcome>_placebo`` / ``_mdma`` (per 100, Phase 3),
    ``nnt_<outcome>``;
    ``g_depression`` and friends; and ``<study>_<measure>`` for reported values
    the text quotes (see the body for the full list).
    """
    from mdma_book import stats, synthesis
    from mdma_book.evidence import reported

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
    depression = synthesis.depression_effects(continuous)
    pooled_g = stats.pool(depression["effect"], depression["variance"], "hedges_g")
    numbers["g_depression"] = _interval(pooled_g.estimate)
    numbers["g_depression_k"] = str(pooled_g.k)
    numbers["g_depression_n"] = str(int(depression["participants"].sum()))
    numbers["g_depression_i2"] = f"{pooled_g.i2:.0f}%"
    for row in depression.itertuples():
        numbers[f"g_{row.study.lower().replace(' ', '_').replace(chr(39), '')}"] = _interval(
            stats.interval(row.effect, row.variance, "hedges_g")
        )
    # Leave one trial out, as the live depression panel does when a trial is unticked (the exercises quote these).
    for row in depression.itertuples():
        others = depression[depression["study"] != row.study]
        name = row.study.lower().replace(" ", "_").replace(chr(39), "")
        numbers[f"g_depression_without_{name}"] = _interval(
            stats.pool(others["effect"], others["variance"], "hedges_g").estimate
        )
    bdi = continuous[continuous["measure"] == "bdi_ii"]
    for statistic, prefix in (("baseline_mean", "bdi_baseline"), ("change_mean", "bdi_change")):
        rows = bdi[bdi["statistic"] == statistic].sort_values("dose_mg", ascending=False, na_position="first")
        for row in rows.drop_duplicates(["study", "role"]).itertuples():  # highest MDMA dose, as pooled
            # Scale scores are printed with their one decimal (e.g. "−11.0").
            numbers[f"{prefix}_{row.study.lower().replace(' ', '_').replace(chr(39), '')}_{row.role}"] = (
                f"{row.mean:.1f}".replace("-", "\u2212")
            )
    quoted = {
        "kvam_n": ("Kvam 2025 (MDD)", "participants", None),
        "kvam_sessions": ("Kvam 2025 (MDD)", "dosing_sessions", None),
        "kvam_madrs_baseline": ("Kvam 2025 (MDD)", "madrs_baseline_mean", None),
        "wolfgang_low": ("Wolfgang 2025 review", "no_longer_met_criteria_low_pct", None),
        "wolfgang_high": ("Wolfgang 2025 review", "no_longer_met_criteria_high_pct", None),
        "blinding_mdma": ("Phase 3 blinding", "guessed_arm_correctly_pct", "MDMA-assisted therapy"),
        "blinding_placebo": ("Phase 3 blinding", "guessed_arm_correctly_pct", "placebo with therapy"),
        "pooled2019_active": ("Phase 2 pooled analysis", "no_longer_met_criteria_pct", "active doses"),
        "pooled2019_control": ("Phase 2 pooled analysis", "no_longer_met_criteria_pct", "control doses"),
        "pooled2019_bdi": ("Phase 2 pooled analysis", "bdi2_mmrm_difference", "between groups"),
        "cipriani_drugs": ("Cipriani 2018 network meta-analysis", "antidepressants", "all"),
        "cipriani_trials": ("Cipriani 2018 network meta-analysis", "trials", "all"),
        "cipriani_or_high": ("Cipriani 2018 network meta-analysis", "response_or", "amitriptyline vs placebo"),
        "cipriani_or_low": ("Cipriani 2018 network meta-analysis", "response_or", "reboxetine vs placebo"),
        "stard_cumulative": ("STAR*D", "cumulative_remission_pct", "all steps"),
        "stard_level1_response": ("STAR*D level 1", "qids_response_pct", "citalopram"),
        "stard_level1_remission": ("STAR*D level 1", "qids_remission_pct", "citalopram"),
        "bahji_g": ("Bahji 2023 meta-analysis", "depression_hedges_g", "MDMA vs control"),
        "sypres_response_rr": ("Living review (Sypres)", "response_rr", "MDMA vs control"),
        "sypres_remission_rr": ("Living review (Sypres)", "remission_rr", "MDMA vs control"),
        "sypres_depression_g": ("Living review (Sypres)", "depression_hedges_g", "MDMA vs control"),
    }
    for name, (study, measure, arm) in quoted.items():
        row = reported(values, study, measure, arm)
        has_ci = not (pd.isna(row["ci_low"]) or pd.isna(row["ci_high"]))
        numbers[name] = (
            _interval(stats.Estimate(row["value"], row["ci_low"], row["ci_high"])) if has_ci else _number(row["value"])
        )
    # Intervals printed to the precision of their source.
    change = reported(values, "Kvam 2025 (MDD)", "madrs_mean_change")
    numbers["kvam_madrs_change"] = _interval(
        stats.Estimate(change["value"], change["ci_low"], change["ci_high"]), digits=1, **KVAM_INTERVAL
    )
    numbers["kvam_madrs_after"] = _number(
        round(reported(values, "Kvam 2025 (MDD)", "madrs_baseline_mean")["value"] + change["value"], 1)
    )
    for name in ("cipriani_or_high", "cipriani_or_low"):  # a network meta-analysis's intervals are credible intervals
        numbers[name] = numbers[name].replace("95% CI", "95% credible interval")
    numbers["stard_steps"] = str(
        int(((values["study"] == "STAR*D") & (values["measure"] == "qids_remission_pct")).sum())
    )
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
                    "Estimate (95% CI)": f"{row.effect:.2f} ({row.ci_low:.2f} to {row.ci_high:.2f})".replace(
                        "-", "\u2212"
                    ),
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


def protocol_numbers(values: pd.DataFrame) -> dict[str, str]:
    """Numbers about the Phase 3 protocol that several chapters quote (from reported_values.csv)."""
    from mdma_book.evidence import reported

    return {
        "mapp_sessions": _number(reported(values, "MAPP1", "experimental_sessions", "all")["value"]),
        "mapp_session_hours": _number(reported(values, "MAPP1", "experimental_session_hours", "all")["value"]),
        "mapp_endpoint_weeks": _number(reported(values, "MAPP1", "primary_endpoint_weeks", "all")["value"]),
        "mapp_supplement_earliest_hours": _number(
            reported(values, "MAPP1", "supplement_time_earliest_hours", "all")["value"]
        ),
        "mapp_supplement_latest_hours": _number(
            reported(values, "MAPP1", "supplement_time_latest_hours", "all")["value"]
        ),
    }


def primary_outcome_numbers(values: pd.DataFrame) -> dict[str, str]:
    """Chapter 3's numbers on the trials' primary outcome (CAPS-5 PTSD severity), completers and dropouts."""
    from mdma_book import stats
    from mdma_book.evidence import reported

    def value(study: str, measure: str, arm: str) -> str:
        return _number(reported(values, study, measure, arm)["value"])

    severity = reported(values, "Living review (Sypres)", "ptsd_severity_hedges_g", "MDMA vs control")
    difference = reported(values, "MAPP2", "caps5_ls_mean_difference", "between groups")
    return {
        "caps_max": value("CAPS-5 scale", "score_range_max", "all"),
        "bdi_max": value("BDI-II scale", "score_range_max", "all"),
        "mapp1_caps_change_mdma": value("MAPP1", "caps5_mean_change", "MDMA-assisted therapy"),
        "mapp1_caps_change_placebo": value("MAPP1", "caps5_mean_change", "placebo with therapy"),
        "mapp1_caps_d": value("MAPP1", "caps5_cohens_d", "between groups"),
        "mapp2_caps_change_mdma": value("MAPP2", "caps5_ls_mean_change", "MDMA-assisted therapy"),
        "mapp2_caps_change_placebo": value("MAPP2", "caps5_ls_mean_change", "placebo with therapy"),
        "mapp2_caps_difference": _interval(
            stats.Estimate(difference["value"], difference["ci_low"], difference["ci_high"]), digits=1
        ),
        "mapp2_caps_d": value("MAPP2", "caps5_cohens_d", "between groups"),
        "sypres_severity_g": _interval(stats.Estimate(severity["value"], severity["ci_low"], severity["ci_high"])),
        "sypres_severity_k": str(int(severity["k_studies"])),
        "sypres_severity_n": str(int(severity["participants"])),
        **{
            f"{study.lower()}_dropouts_{key}": value(study, "did_not_complete", arm)
            for study in ("MAPP1", "MAPP2")
            for key, arm in (("mdma", "MDMA-assisted therapy"), ("placebo", "placebo with therapy"))
        },
        **{
            f"{study.lower()}_randomized_{key}": value(study, "randomized", arm)
            for study in ("MAPP1", "MAPP2")
            for key, arm in (("mdma", "MDMA-assisted therapy"), ("placebo", "placebo with therapy"))
        },
        "stard_level1_hamd_remission": value("STAR*D level 1", "hamd_remission_pct", "citalopram"),
    }


def update_numbers(values: pd.DataFrame) -> dict[str, str]:
    """Numbers from the 2024–2026 updates that chapters quote: appraisals, follow-ups, new meta-analyses, trials under way."""
    from mdma_book import stats
    from mdma_book.evidence import reported

    def value(study: str, measure: str, arm: str) -> str:
        return _number(reported(values, study, measure, arm)["value"])

    def interval(study: str, measure: str, arm: str) -> str:
        row = reported(values, study, measure, arm)
        return _interval(stats.Estimate(row["value"], row["ci_low"], row["ci_high"]))

    return {
        "icer_votes_vs_no_mdma": f"{value('ICER 2024 final report', 'votes_not_adequate_vs_no_mdma', 'New England CEPAC')} to "
        f"{value('ICER 2024 final report', 'votes_adequate_vs_no_mdma', 'New England CEPAC')}",
        "icer_votes_vs_psychotherapy": f"{value('ICER 2024 final report', 'votes_not_adequate_vs_trauma_psychotherapy', 'New England CEPAC')} to "
        f"{value('ICER 2024 final report', 'votes_adequate_vs_trauma_psychotherapy', 'New England CEPAC')}",
        "kvam_followup_months": value("Kvam follow-up (MDD)", "followup_months_from_baseline", "MDMA-assisted therapy"),
        "kvam_followup_attended": value("Kvam follow-up (MDD)", "followup_attended", "MDMA-assisted therapy"),
        "kvam_endpoint_weeks": value(
            "Kvam 2025 (MDD)", "primary_endpoint_weeks_after_second_session", "MDMA-assisted therapy"
        ),
        "oslo_episode_min_weeks": value("Oslo MDD study (eligibility)", "current_episode_min_weeks", "all"),
        "oslo_episode_max_years": value("Oslo MDD study (eligibility)", "current_episode_max_years", "all"),
        "borgogna_depression_g": interval("Borgogna 2026 meta-analysis (preprint)", "depression_g", "MDMA vs control"),
        "faresotero_ptsd_smd": interval("Fares-Otero 2026 meta-analysis", "ptsd_smd", "MDMA vs control"),
        "colcott_phase3_ae_or": interval(
            "Colcott 2024 meta-analysis", "any_adverse_event_or", "Phase 3: MDMA-assisted vs placebo-assisted therapy"
        ),
        "young_adult_study_n": value("Ostfold young-adult MDD study (planned)", "planned_participants", "all"),
        "young_adult_age_min": value("Ostfold young-adult MDD study (planned)", "age_min_years", "all"),
        "young_adult_age_max": value("Ostfold young-adult MDD study (planned)", "age_max_years", "all"),
        "au_prescribers_dec_2023": value(
            "Australian Authorised Prescriber scheme", "authorised_prescribers", "December 2023"
        ),
        "dod_grants": value("DoD MDMA grants 2025", "grants", "all"),
        "mplong_target": value("MPLONG (NCT05066282)", "target_recruitment", "all"),
        "gaynes_share": value("Gaynes 2020 review", "pct_meeting_common_trd_definition", "TRD intervention studies"),
        "stard_pigott_pct": value("STAR*D reanalysis (Pigott 2023)", "cumulative_remission_pct", "all steps"),
        "mithoefer_ltfu_months": value(
            "Mithoefer 2013 long-term follow-up", "followup_months_mean", "MDMA-treated participants"
        ),
    }


def evidence_map_numbers(em: pd.DataFrame) -> dict[str, str]:
    """The evidence-map numbers chapter 5 quotes, each from its row of ``data/evidence_map.csv``."""
    from mdma_book import stats

    rows = em.set_index("row_id")

    def estimate(row_id: str, digits: int = 1, **label) -> str:
        row = rows.loc[row_id]
        if pd.isna(row["ci_low"]):
            return _number(row["estimate"])
        return _interval(stats.Estimate(row["estimate"], row["ci_low"], row["ci_high"]), digits=digits, **label)

    return {
        "em_kvam_n": _number(rows.loc["EM01", "participants"]),
        "em_kvam_change": estimate("EM01", **KVAM_INTERVAL),
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
