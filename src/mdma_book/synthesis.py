"""From evidence tables to the analyses the book shows.

Forest-plot tables (per trial, per subgroup and overall), absolute effects and
NNT, and the summary-of-findings table. Functions take the validated tables
from :mod:`mdma_book.evidence` and return plain DataFrames; figures and prose
read these, so a number is computed in one place only.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from mdma_book import stats
from mdma_book.citations import citation_year
from mdma_book.evidence import OUTCOMES, interval_text, quoted, quoted_family
from mdma_book.theme import signed

#: Forest-plot subgroups, by trial phase: (name, comparator).
SUBGROUPS = {
    2: ("Phase 2", "low-dose MDMA"),
    3: ("Phase 3", "inactive placebo"),
}
MEASURE_ABBREVIATIONS = {"risk_ratio": "RR", "risk_difference": "RD", "hedges_g": "g"}
MEASURE_NAMES = {"risk_ratio": "risk ratio", "risk_difference": "risk difference", "hedges_g": "Hedges' g"}


STATUS_STRENGTH = {"verified": 0, "secondary": 1, "derived": 2}


def _weakest_status(*statuses: str) -> str:
    """A comparison is only as well sourced as its least well sourced arm."""
    return max(statuses, key=STATUS_STRENGTH.__getitem__)


def comparisons(dichotomous: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """One MDMA-vs-control comparison per trial for ``outcome``.

    Multi-arm Phase 2 trials contribute their highest MDMA dose against their
    control arm, as the living review does (so the pooled results can be checked
    against it); the other active arms are kept in the data but not pooled.
    """
    rows = []
    table = dichotomous[dichotomous["outcome"] == outcome]
    for study, arms in table.groupby("study", sort=False):
        mdma = arms[arms["role"] == "mdma"].sort_values("dose_mg", ascending=False, na_position="first").iloc[0]
        control = arms[arms["role"] == "control"].iloc[0]
        rows.append(
            {
                "study": study,
                "phase": int(mdma["phase"]),
                "outcome": outcome,
                "mdma_arm": mdma["arm"],
                "events_mdma": int(mdma["events"]),
                "total_mdma": int(mdma["total"]),
                "control_arm": control["arm"],
                "events_control": int(control["events"]),
                "total_control": int(control["total"]),
                "timepoint_weeks": mdma["timepoint_weeks"],
                "source_key": mdma["source_key"],
                "status": _weakest_status(mdma["status"], control["status"]),
            }
        )
    return pd.DataFrame(rows).sort_values(["phase", "study"], kind="stable").reset_index(drop=True)


def _study_label(study: str, source_key: str) -> str:
    """A trial's row label: its name, with its source's year when the name carries no year (``MAPP1 (2021)``)."""
    if re.search(r"\b(19|20)\d\d\b", study):
        return study
    return f"{study} ({citation_year(source_key)})"


def _pooled_row(kind: str, label: str, phase, pooled: stats.Pooled, participants: int) -> dict:
    return {
        "kind": kind,
        "label": label,
        "phase": phase,
        "effect": pooled.estimate.value,
        "ci_low": pooled.estimate.low,
        "ci_high": pooled.estimate.high,
        "weight_pct": 100.0 if kind == "overall" else np.nan,
        "k": pooled.k,
        "participants": participants,
        "i2_pct": pooled.i2,
        "tau2": pooled.tau2,
        "method": pooled.method,
    }


def forest_table(effects: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Rows of a forest plot: each trial, each subgroup's pooled effect, and all trials.

    ``effects`` has one row per trial with ``study``, ``phase``, ``effect``,
    ``variance`` (log scale for risk ratios), ``participants``, ``detail`` (text
    for hover) and ``source_key``. Weights are the random-effects weights of the
    all-trials analysis, in percent.
    """
    overall = stats.pool(effects["effect"], effects["variance"], measure)
    rows = []
    for phase, group in effects.groupby("phase", sort=True):
        for (_, trial), weight in zip(group.iterrows(), overall.weights[group.index], strict=True):
            estimate = stats.interval(trial["effect"], trial["variance"], measure)
            rows.append(
                {
                    "kind": "study",
                    "label": _study_label(trial["study"], trial["source_key"]),
                    "phase": phase,
                    "effect": estimate.value,
                    "ci_low": estimate.low,
                    "ci_high": estimate.high,
                    "weight_pct": weight,
                    "k": 1,
                    "participants": trial["participants"],
                    "i2_pct": np.nan,
                    "tau2": np.nan,
                    "detail": trial["detail"],
                    "source_key": trial["source_key"],
                    "status": trial.get("status", ""),
                }
            )
        if effects["phase"].nunique() > 1 and len(group) > 1:
            pooled = stats.pool(group["effect"], group["variance"], measure)
            rows.append(
                _pooled_row("subgroup", f"Subtotal, Phase {phase}", phase, pooled, int(group["participants"].sum()))
            )
    rows.append(_pooled_row("overall", "All trials", None, overall, int(effects["participants"].sum())))
    return pd.DataFrame(rows)


def dichotomous_effects(dichotomous: pd.DataFrame, outcome: str, measure: str) -> pd.DataFrame:
    """Per-trial effect (log RR or RD) and variance for ``outcome``, ready for :func:`forest_table`."""
    table = comparisons(dichotomous, outcome)
    pairs = [
        stats.two_group_effect(r.events_mdma, r.total_mdma, r.events_control, r.total_control, measure)
        for r in table.itertuples()
    ]
    table["effect"], table["variance"] = zip(*pairs, strict=True)
    table["participants"] = table["total_mdma"] + table["total_control"]
    table["detail"] = [
        f"{r.mdma_arm}: {r.events_mdma}/{r.total_mdma}<br>{r.control_arm}: {r.events_control}/{r.total_control}"
        for r in table.itertuples()
    ]
    return table


def depression_effects(continuous: pd.DataFrame) -> pd.DataFrame:
    """Per-trial Hedges' g for BDI-II at the primary endpoint (negative favours MDMA)."""
    endpoint = continuous[(continuous["measure"] == "bdi_ii") & (continuous["statistic"] == "endpoint_mean")]
    rows = []
    for study, arms in endpoint.groupby("study", sort=False):
        mdma = arms[arms["role"] == "mdma"].sort_values("dose_mg", ascending=False, na_position="first").iloc[0]
        control = arms[arms["role"] == "control"].iloc[0]
        g, variance = stats.hedges_g(mdma["mean"], mdma["sd"], mdma["n"], control["mean"], control["sd"], control["n"])
        rows.append(
            {
                "study": study,
                "phase": int(mdma["phase"]),
                "effect": g,
                "variance": variance,
                "participants": int(mdma["n"] + control["n"]),
                "source_key": mdma["source_key"],
                "status": mdma["status"],
                "detail": (
                    f"{mdma['arm']}: mean {mdma['mean']:.1f} (SD {mdma['sd']:.1f}), n={int(mdma['n'])}<br>"
                    f"{control['arm']}: mean {control['mean']:.1f} (SD {control['sd']:.1f}), n={int(control['n'])}"
                ),
            }
        )
    return pd.DataFrame(rows).sort_values(["phase", "study"], kind="stable").reset_index(drop=True)


def assumed_control_risk(dichotomous: pd.DataFrame, outcome: str) -> float:
    """Risk with placebo-assisted therapy: pooled Phase 3 placebo arms (events / people)."""
    placebo = dichotomous[
        (dichotomous["outcome"] == outcome) & (dichotomous["phase"] == 3) & (dichotomous["role"] == "control")
    ]
    return placebo["events"].sum() / placebo["total"].sum()


def absolute_effect(dichotomous: pd.DataFrame, outcome: str, control_risk: float | None = None) -> dict:
    """Out of 100 people: with placebo-assisted therapy vs MDMA-assisted therapy, and the NNT.

    As in a Cochrane summary of findings, against placebo-assisted therapy: the
    assumed risk is the Phase 3 placebo arms' risk, and the risk with MDMA
    applies the pooled risk ratio of the Phase 3 trials (the comparison with an
    inactive placebo) to it. ``control_risk`` (a fraction) replaces the trial
    risk with placebo, for a reader exploring other settings; a risk the ratio
    would push above 100 per 100 is refused.
    """
    phase3 = dichotomous[dichotomous["phase"] == 3]
    effects = dichotomous_effects(phase3, outcome, "risk_ratio")
    pooled = stats.pool(effects["effect"], effects["variance"], "risk_ratio")
    control = assumed_control_risk(dichotomous, outcome) if control_risk is None else control_risk
    rr = pooled.estimate
    if control * rr.value >= 1:
        raise ValueError(
            f"with {100 * control:g} per 100 under placebo, the pooled risk ratio would give more than 100 per 100"
        )
    treated = stats.Estimate(control * rr.value, min(control * rr.low, 1.0), min(control * rr.high, 1.0))
    difference = stats.Estimate(treated.value - control, treated.low - control, treated.high - control)
    return {
        "outcome": outcome,
        "label": OUTCOMES[outcome],
        "k": pooled.k,
        "participants": int(effects["participants"].sum()),
        "risk_ratio": rr,
        "method": pooled.method,
        # Sensitivity analysis and heterogeneity, for the GRADE reasons and the pooling dropdown.
        "common_risk_ratio": pooled.common,
        "i2": pooled.i2,
        "all_favour_mdma": bool((effects["effect"] > 0).all()),
        "per100_control": 100 * control,
        "per100_mdma": 100 * treated.value,
        "per100_mdma_low": 100 * treated.low,
        "per100_mdma_high": 100 * treated.high,
        "risk_difference": difference,
        "nnt": stats.number_needed_to_treat(difference),
        # The ratio's upper limit applied to the placebo risk passes 100 per 100; the interval is cut there.
        "capped": control * rr.high > 1.0,
    }


def _fmt(estimate: stats.Estimate, digits: int = 2) -> str:
    return f"{estimate.value:.{digits}f} ({estimate.low:.{digits}f} to {estimate.high:.{digits}f})"


#: The summary-of-findings column of results with MDMA. Its intervals are 95% CIs except where a cell names
#: another level: the Oslo study's abstract gives none (``ci_level`` "not stated").
WITH_MDMA = "With MDMA-assisted therapy (95% CI unless stated)"
CERTAINTY_SYMBOLS = {"high": "⊕⊕⊕⊕", "moderate": "⊕⊕⊕◯", "low": "⊕⊕◯◯", "very low": "⊕◯◯◯", "not graded": "—"}
#: Cochrane's plain-language wording for each certainty level.
CERTAINTY_MEANING = {
    "high": "the true effect is probably close to this estimate",
    "moderate": "the true effect is probably close to this estimate, but may be substantially different",
    "low": "the true effect may be substantially different from this estimate",
    "very low": "the true effect is probably substantially different from this estimate",
    "not graded": "there is no randomized evidence to grade",
}


def certainty_key() -> str:
    """What each certainty level means, for the line under a summary-of-findings table."""
    return (
        "; ".join(f"{CERTAINTY_SYMBOLS[level]} {level}: {meaning}" for level, meaning in CERTAINTY_MEANING.items())
        + "."
    )


def _changes(values: pd.DataFrame, arm: str) -> str:
    """'Mean change −x (MAPP1, raw mean of completers) and −y (MAPP2, least-squares mean) points' for one arm
    (``mdma`` or ``placebo``) of the Phase 3 trials: each labelled with its kind of mean (``mean_kind``)."""
    one, two = (quoted(values, f"{trial}_caps_change_{arm}") for trial in ("mapp1", "mapp2"))
    for row in (one, two):
        if pd.isna(row["mean_kind"]):
            raise ValueError(f"{row['study']}: a mean change set beside another trial's needs its mean_kind")
    return (
        f"Mean change {signed(one['value'], '.1f')} ({one['study']}, {one['mean_kind']}) and "
        f"{signed(two['value'], '.1f')} ({two['study']}, {two['mean_kind']}) points"
    )


def _graded(rows: list[dict], certainty: pd.DataFrame, computed: dict[str, str] | None = None) -> pd.DataFrame:
    """Add each row's certainty and its reasons; ``computed`` adds, per outcome id, reasons computed from the data.

    The cell gives the symbols and the level only; what each level means is in the key under the table
    (:func:`certainty_key`), so a narrow column does not wrap a sentence one word a line (reader review, minor 24).
    """
    grades = certainty.set_index("outcome_id")
    computed = computed or {}
    table = pd.DataFrame(rows)
    table["Certainty"] = [
        f"{CERTAINTY_SYMBOLS[grades.loc[i, 'certainty']]} {grades.loc[i, 'certainty'].capitalize()}"
        for i in table["id"]
    ]
    table["Why"] = [" ".join(filter(None, (grades.loc[i, "reasons"], computed.get(i)))) for i in table["id"]]
    return table.drop(columns="id")


def inconsistency_reason(effect: dict, downgraded: int) -> str:
    """The GRADE inconsistency judgement for a pooled Phase 3 outcome, with its I² and the common-effect estimate.

    ``effect`` is an :func:`absolute_effect`; ``downgraded`` the certainty file's inconsistency (0 or a negative
    number of levels). With two trials I² and tau² are very imprecise, so the common-effect (fixed-effect)
    estimate is given beside the random-effects one as a sensitivity analysis.
    """
    trials = "both trials favour" if effect["k"] == 2 else "every trial favours"
    direction = f"{trials} MDMA" if effect["all_favour_mdma"] else "the trials point in different directions"
    judgement = (
        "not downgraded" if downgraded == 0 else f"downgraded {-downgraded} level{'s' if downgraded < -1 else ''}"
    )
    common, random = _fmt(effect["common_risk_ratio"]), _fmt(effect["risk_ratio"])
    sensitivity = (
        f"A common-effect model gives the same RR, {common}."
        if common == random
        else f"A common-effect model gives RR {common}, against {random} from random effects."
    )
    return (
        f"Inconsistency: {judgement}; I² is {effect['i2']:.0f}% across the {effect['k']} Phase 3 trials "
        f"and {direction}. {sensitivity}"
    )


def summary_of_findings(dichotomous, continuous, values, certainty) -> pd.DataFrame:
    """The summary of findings for benefits: at most seven outcomes, generated from data.

    Columns follow Cochrane's layout: outcome, relative effect, results with
    placebo-assisted and MDMA-assisted therapy, trials and participants, certainty
    with what it means and why. It leads with the trials' primary outcome, PTSD
    severity. Dichotomous PTSD outcomes are the Phase 3 comparisons with
    placebo-assisted therapy (see :func:`absolute_effect`); PTSD severity and the
    depression row also pool Phase 2 trials, whose comparators were mostly low MDMA doses.
    """
    severity = quoted(values, "sypres_severity_g")
    rows = [
        {
            "Outcome": "PTSD severity (CAPS, clinician interview; the trials' primary outcome; 18 weeks in Phase 3)",
            "Relative effect (95% CI)": f"Hedges' g {_fmt(stats.Estimate(severity['value'], severity['ci_low'], severity['ci_high']))}; below 0 favours MDMA",
            "With placebo-assisted therapy": _changes(values, "placebo"),
            WITH_MDMA: _changes(values, "mdma"),
            "Trials (participants)": f"{int(severity['k_studies'])} ({int(severity['participants'])} analysed)",
            "id": "ptsd_severity",
        }
    ]
    computed = {}
    for outcome_id, outcome in (
        ("ptsd_response", "response"),
        ("ptsd_loss_of_diagnosis", "loss_of_diagnosis"),
        ("ptsd_remission", "remission"),
    ):
        a = absolute_effect(dichotomous, outcome)
        downgraded = int(certainty.set_index("outcome_id").loc[outcome_id, "inconsistency"])
        computed[outcome_id] = inconsistency_reason(a, downgraded)
        weeks = comparisons(dichotomous[dichotomous["phase"] == 3], outcome)["timepoint_weeks"]
        when = (
            f"{weeks.min():.0f} weeks"
            if weeks.min() == weeks.max()
            else f"{weeks.min():.0f} to {weeks.max():.0f} weeks"
        )
        rows.append(
            {
                "Outcome": f"PTSD: {a['label'][0].lower() + a['label'][1:]} (CAPS; Phase 3; {when})",
                "Relative effect (95% CI)": f"RR {_fmt(a['risk_ratio'])}",
                "With placebo-assisted therapy": f"{a['per100_control']:.0f} per 100",
                WITH_MDMA: f"{a['per100_mdma']:.0f} per 100 ({a['per100_mdma_low']:.0f} to {a['per100_mdma_high']:.0f}{'*' if a['capped'] else ''})",
                "Trials (participants)": f"{a['k']} ({a['participants']} completers)",
                "id": outcome_id,
            }
        )
    depression = depression_effects(continuous)
    g = stats.pool(depression["effect"], depression["variance"], "hedges_g")
    rows.append(
        {
            "Outcome": "Depression symptoms in PTSD trials (BDI-II, self-rated; 8 or 18 weeks)",
            "Relative effect (95% CI)": f"Hedges' g {_fmt(g.estimate)}; below 0 favours MDMA",
            "With placebo-assisted therapy": "not estimated",
            WITH_MDMA: "not estimated",
            "Trials (participants)": f"{g.k} ({int(depression['participants'].sum())})",
            "id": "depression_in_ptsd_trials",
        }
    )
    madrs = quoted(values, "kvam_madrs_change")
    people = quoted(values, "kvam_n")
    rows.append(
        {
            "Outcome": "Major depression: change in MADRS score (open-label, no control group)",
            "Relative effect (95% CI)": "not estimable: no comparison group",
            "With placebo-assisted therapy": "no control group",
            # A within-group change, not an effect; its interval is named by the level its source gives (ci_level).
            WITH_MDMA: f"mean change {signed(madrs['value'], '.1f')} points "
            f"({interval_text(madrs['ci_level'], signed(madrs['ci_low'], '.1f'), signed(madrs['ci_high'], '.1f'))})",
            "Trials (participants)": f"1 ({int(people['value'])})",
            "id": "depression_mdd_open_label",
        }
    )
    return _graded(rows, certainty, computed)


def split_reasons(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A summary-of-findings table as shown on the page: the results, and a two-column table of why each certainty is what it is.

    Cochrane puts the reasons in footnotes; a separate table keeps the main one
    narrow enough to read on a phone.
    """
    return table.drop(columns="Why"), table[["Outcome", "Why"]].rename(columns={"Why": "Why this certainty"})


def harms_summary_of_findings(dichotomous, values, certainty) -> pd.DataFrame:
    """The summary of findings for harms and for what is unknown, in the same layout as :func:`summary_of_findings`."""
    any_ae = quoted(values, "colcott_phase3_ae_or")
    rows = [
        {
            "Outcome": "Adverse events during treatment (Phase 3 pooled; counted per person or per event is not stated)",
            "Relative effect (95% CI)": f"OR {_fmt(stats.Estimate(any_ae['value'], any_ae['ci_low'], any_ae['ci_high']))}",
            "With placebo-assisted therapy": "not reported in the source read",
            WITH_MDMA: "more common; mostly mild or moderate and short-lived",
            # The source gives neither the number of studies nor the unit of analysis, and its
            # interval is too narrow for a per-person comparison of the Phase 3 trials' participants.
            "Trials (participants)": "Phase 3 studies (number and unit of analysis not stated in the abstract read)",
            "id": "any_adverse_event",
        }
    ]
    serious = quoted(values, "mapp2_serious_teae")
    mapp2_total = int(sum(quoted(values, f"mapp2_randomized_{arm}")["value"] for arm in ("mdma", "placebo")))
    # The other Phase 3 trial, whose safety table was not read.
    other = quoted(values, "mapp1_suicidality_mdma")["study"]
    rows.append(
        {
            "Outcome": f"Serious adverse events ({serious['study']}, whole study; {other}'s full counts were not read)",
            "Relative effect (95% CI)": "not estimable: no events",
            "With placebo-assisted therapy": f"{serious['value']:.0f} in either arm",
            WITH_MDMA: f"{serious['value']:.0f} in either arm",
            "Trials (participants)": f"1 ({mapp2_total})",
            "id": "serious_adverse_events",
        }
    )
    severe = comparisons(dichotomous, "severe_adverse_event").iloc[0]
    rr = stats.effect_with_ci(
        severe["events_mdma"], severe["total_mdma"], severe["events_control"], severe["total_control"], "risk_ratio"
    )
    rows.append(
        {
            "Outcome": f"Severe adverse events ({severe['study']}, whole study)",
            "Relative effect (95% CI)": f"RR {_fmt(rr)}",
            "With placebo-assisted therapy": f"{100 * severe['events_control'] / severe['total_control']:.0f} per 100",
            WITH_MDMA: f"{100 * severe['events_mdma'] / severe['total_mdma']:.0f} per 100",
            "Trials (participants)": f"1 ({severe['total_mdma'] + severe['total_control']})",
            "id": "severe_adverse_events",
        }
    )
    mdma, placebo = quoted(values, "mapp1_suicidality_mdma"), quoted(values, "mapp1_suicidality_placebo")
    n_mdma = quoted(values, "mapp1_randomized_mdma")["value"]
    n_placebo = quoted(values, "mapp1_randomized_placebo")["value"]
    rr = stats.effect_with_ci(int(mdma["value"]), int(n_mdma), int(placebo["value"]), int(n_placebo), "risk_ratio")
    rows.append(
        {
            "Outcome": f"Suicidal thoughts or behaviour recorded as adverse events ({mdma['study']}; its two serious ones were in the placebo arm)",
            "Relative effect (95% CI)": f"RR {_fmt(rr)}",
            "With placebo-assisted therapy": f"{100 * placebo['value'] / n_placebo:.0f} per 100",
            WITH_MDMA: f"{100 * mdma['value'] / n_mdma:.0f} per 100",
            "Trials (participants)": f"1 ({int(n_mdma + n_placebo)})",
            "id": "suicidality",
        }
    )
    endpoint = quoted(values, "mapp_endpoint_weeks")["value"]
    rows.append(
        {
            "Outcome": f"Whether benefits and harms last beyond week {endpoint:.0f}",
            "Relative effect (95% CI)": "no randomized data",
            "With placebo-assisted therapy": "not compared",
            WITH_MDMA: "not compared",
            "Trials (participants)": "0",
            "id": "durability",
        }
    )
    return _graded(rows, certainty)


def evidence_comparison(dichotomous, continuous, values) -> dict:
    """Data for the four panels of the comparison figure, each with its own title and axis."""
    ptsd = stats.add_proportions(
        dichotomous[(dichotomous["outcome"] == "loss_of_diagnosis") & (dichotomous["phase"] == 3)]
    )
    depression = forest_table(depression_effects(continuous), "hedges_g")
    depression = depression[depression["kind"] != "subgroup"].assign(
        label=lambda t: t["label"].where(t["kind"] == "study", "Pooled")
    )
    baseline = quoted(values, "kvam_madrs_baseline")
    change = quoted(values, "kvam_madrs_change")
    people = int(quoted(values, "kvam_n")["value"])
    after = baseline["value"] + change["value"]  # derived: baseline mean plus mean change
    mdd = pd.DataFrame(
        {
            "when": ["Before", "After"],
            "madrs": [baseline["value"], after],
            "hover": [
                f"Mean MADRS at baseline: {baseline['value']:.1f}",
                f"Baseline plus mean change ({change['value']:.1f}; "
                f"{interval_text(change['ci_level'], format(change['ci_low'], '.1f'), format(change['ci_high'], '.1f'))}): "
                f"{after:.1f}",
            ],
        }
    )
    steps = quoted_family(values, "stard_remission_step_")
    stard = pd.DataFrame(
        {
            "step": [a[:1].upper() + a[1:] for a in steps["arm"]],
            "remission": steps["value"].to_numpy(),
            "hover": [f"{a}: {v:.1f}% remitted (QIDS-SR16)" for a, v in zip(steps["arm"], steps["value"], strict=True)],
        }
    )
    return {
        "ptsd": {
            "title": "<b>PTSD</b> · two Phase 3 randomized trials<br>no longer met PTSD criteria",
            "axis": "% of completers (95% CI)",
            "rows": ptsd,
            "xaxis": {"range": [0, 100]},
        },
        "depression_in_ptsd": {
            "title": "<b>Depression in PTSD trials</b><br>BDI-II symptoms, MDMA vs comparator",
            "axis": "Hedges' g (below 0 favours MDMA)",
            "rows": depression,
            "xaxis": {"range": [-3, 2]},
        },
        "major_depression": {
            "title": f"<b>Major depression</b> · one open-label study<br>{people} people, no control group",
            "axis": "Mean MADRS (lower is better)",
            "rows": mdd,
            "study": baseline["study"],
            "xaxis": {"range": [0, 40]},
        },
        "antidepressants": {
            # A different axis (0 to 50 %) from the PTSD panel's
            # 0 to 100 % of completers, so that bar lengths cannot be read across the two panels.
            "title": f"<b>{steps['study'].iloc[0]} antidepressant study</b><br>major depression, remission per step<br>"
            "not comparable with the PTSD panel",
            "axis": "% remitted (QIDS-SR16)",
            "rows": stard,
            "study": steps["study"].iloc[0],
            "xaxis": {"range": [0, 50]},
        },
    }


def ptsd_forest_views(dichotomous: pd.DataFrame) -> list[dict]:
    """The six views of the PTSD forest plot: three outcomes, each as RR and RD."""
    return [
        {
            # Spelled out: "(RR)" and "(RD)" in the menu were abbreviations a reader had to look up,
            # and the outcome keeps the one name it has everywhere else in the book.
            "label": f"{OUTCOMES[outcome]}, {MEASURE_NAMES[measure]}",
            "outcome": outcome,
            "measure": measure,
            "table": forest_table(dichotomous_effects(dichotomous, outcome, measure), measure),
            "favours": ("comparator", "MDMA"),
        }
        for outcome in ("response", "remission", "loss_of_diagnosis")
        for measure in ("risk_ratio", "risk_difference")
    ]


def depression_forest_view(continuous: pd.DataFrame) -> dict:
    """The one view of the BDI-II forest plot (Hedges' g; below 0 favours MDMA)."""
    return {
        "label": "Depression symptoms (BDI-II)",
        "measure": "hedges_g",
        "table": forest_table(depression_effects(continuous), "hedges_g"),
        "favours": ("MDMA", "comparator"),
    }


def absolute_effects(dichotomous: pd.DataFrame) -> list[dict]:
    """:func:`absolute_effect` for the three PTSD outcomes, in the book's order."""
    return [absolute_effect(dichotomous, outcome) for outcome in ("response", "remission", "loss_of_diagnosis")]
