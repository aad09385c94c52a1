"""Analyses built from data: forest rows, absolute effects, summary of findings, downloads."""

from __future__ import annotations

import pandas as pd
import pytest
from support.data import edited_copy, refusal

from mdma_book import downloads, evidence, synthesis


@pytest.fixture(scope="module")
def dichotomous():
    return evidence.dichotomous_outcomes()


def test_multi_arm_trials_contribute_their_highest_dose(dichotomous):
    ids = evidence.trial_ids(evidence.trials())
    table = synthesis.comparisons(dichotomous, "response").set_index("study").rename(index=ids)  # rows by trial_id
    assert table.loc["mithoefer_2018", "mdma_arm"] == "MDMA 125 mg"
    assert table.loc["otalora_2018", "control_arm"].startswith("MDMA 40 mg")
    assert (table.loc["mapp1", "events_mdma"], table.loc["mapp1", "total_mdma"]) == (37, 42)


def test_forest_table_has_trials_subgroups_and_a_total(dichotomous):
    table = synthesis.forest_table(synthesis.dichotomous_effects(dichotomous, "response", "risk_ratio"), "risk_ratio")
    assert list(table["kind"]).count("subgroup") == 2 and table["kind"].iloc[-1] == "overall"
    assert table.loc[table["kind"] == "study", "weight_pct"].sum() == pytest.approx(100)
    assert (table["ci_low"] <= table["effect"]).all() and (table["effect"] <= table["ci_high"]).all()
    assert set(table.loc[table["kind"] == "study", "phase"]) == {2, 3}


def test_an_outcome_reported_by_one_phase_has_no_subtotals(dichotomous):
    table = synthesis.forest_table(
        synthesis.dichotomous_effects(dichotomous, "loss_of_diagnosis", "risk_ratio"), "risk_ratio"
    )
    assert list(table["kind"]) == ["study", "study", "overall"]


def test_absolute_effect_applies_the_phase3_ratio_to_the_placebo_risk(dichotomous):
    effect = synthesis.absolute_effect(dichotomous, "remission")
    control = (2 + 9) / (37 + 42)  # Phase 3 placebo arms
    assert effect["k"] == 2 and effect["participants"] == 42 + 37 + 52 + 42
    assert effect["per100_control"] == pytest.approx(100 * control)
    assert effect["per100_mdma"] == pytest.approx(100 * control * effect["risk_ratio"].value)
    assert effect["nnt"].value == pytest.approx(1 / (control * (effect["risk_ratio"].value - 1)))
    assert effect["per100_mdma_low"] <= effect["per100_mdma"] <= effect["per100_mdma_high"] <= 100


def test_absolute_effect_refuses_a_risk_the_ratio_would_push_past_100(dichotomous):
    with pytest.raises(ValueError, match="more than 100 per 100"):
        synthesis.absolute_effect(dichotomous, "response", control_risk=0.95)


@pytest.fixture(scope="module")
def benefits(dichotomous):
    return synthesis.summary_of_findings(
        dichotomous, evidence.continuous_outcomes(), evidence.reported_values(), evidence.certainty()
    )


@pytest.fixture(scope="module")
def harms_table(dichotomous):
    return synthesis.harms_summary_of_findings(dichotomous, evidence.reported_values(), evidence.certainty())


def test_each_summary_of_findings_panel_has_at_most_seven_graded_outcomes(benefits, harms_table):
    for table in (benefits, harms_table):
        assert 1 <= len(table) <= 7
        assert table["Certainty"].str.contains("High|Moderate|Low|Very low|Not graded").all()
        assert table["Why"].str.len().gt(10).all()
    key = synthesis.certainty_key()  # Cochrane's plain words for each level, under each table
    assert all(f"{level}: {meaning}" in key for level, meaning in synthesis.CERTAINTY_MEANING.items())


def test_benefits_lead_with_the_primary_outcome_ptsd_severity(benefits):
    first = benefits.iloc[0]
    assert first["Outcome"].startswith("PTSD severity") and "primary outcome" in first["Outcome"]
    assert "-0.71 (-0.95 to -0.47)" in first["Relative effect (95% CI)"]


def test_harms_panel_has_the_harm_outcomes_and_durability(harms_table):
    outcomes = " | ".join(harms_table["Outcome"])
    for phrase in (
        "Adverse events during treatment",
        "Serious adverse events",
        "Severe adverse events",
        "Suicidal",
        "beyond week",
    ):
        assert phrase in outcomes
    severe = harms_table[harms_table["Outcome"].str.startswith("Severe")].iloc[0]
    assert severe["Relative effect (95% CI)"] == "RR 2.41 (0.49 to 11.85)" and severe["Certainty"].startswith(
        "⊕◯◯◯ Very low"
    )
    assert harms_table.iloc[-1]["Certainty"].startswith("— Not graded")


def test_summary_of_findings_agrees_with_the_forest_plot_and_the_prose(dichotomous, benefits):
    from mdma_book import prose

    numbers = prose.evidence_numbers(dichotomous, evidence.continuous_outcomes(), evidence.reported_values())
    response = benefits[benefits["Outcome"].str.startswith("PTSD: response")].iloc[0]
    assert response["Relative effect (95% CI)"] == "RR " + numbers["phase3_response_rr"].replace(" (95% CI ", " (")
    depression = benefits[benefits["Outcome"].str.startswith("Depression")].iloc[0]
    assert (
        numbers["g_depression"].replace("\u2212", "-").replace(" (95% CI ", " (")
        in depression["Relative effect (95% CI)"]
    )
    assert f"{numbers['abs_response_placebo']} per 100" == response["With placebo-assisted therapy"]


def test_certainty_cannot_drift_from_its_downgrades(tmp_path):
    bad = edited_copy(tmp_path, "certainty.csv", "-1,0,0,-1,-1,very low", "-1,0,0,-1,-1,low")
    message = refusal(evidence.certainty, bad)
    assert f"{bad}, line 5, column 'certainty': certainty does not follow" in message


def test_downloads_are_the_tables_behind_the_figures(tmp_path):
    written = downloads.write_all(tmp_path)
    assert {p.name for p in written} == set(downloads.tables())
    forest = pd.read_csv(tmp_path / "forest-ptsd-outcomes.csv")
    assert set(forest["view"]) == {v["label"] for v in synthesis.ptsd_forest_views(evidence.dichotomous_outcomes())}
    overall = forest[(forest["view"] == "Response, risk ratio") & (forest["kind"] == "overall")].iloc[0]
    assert (round(overall["effect"], 2), round(overall["ci_low"], 2), round(overall["ci_high"], 2)) == (
        1.35,
        1.10,
        1.66,
    )


def test_downloads_are_rewritten_only_when_they_change(tmp_path):
    path = downloads.write_all(tmp_path)[0]
    stamp = path.stat().st_mtime_ns
    downloads.write_all(tmp_path)
    assert path.stat().st_mtime_ns == stamp
