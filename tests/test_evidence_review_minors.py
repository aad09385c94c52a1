"""Evidence review minors m7, m8 and m20 (issue 16): a common-effect sensitivity analysis and the I² in the GRADE
reasons, labelled kinds of mean in the summary of findings, and a checked date on every regulatory row."""

from __future__ import annotations

import math

import numpy as np
import pytest
from support import ROOT
from support.data import edited_copy, refusal

from mdma_book import evidence, evidence_map, prose, screening, stats, synthesis


@pytest.fixture(scope="module")
def tables():
    return (
        evidence.dichotomous_outcomes(),
        evidence.continuous_outcomes(),
        evidence.reported_values(),
        evidence.certainty(),
    )


def test_the_common_effect_is_the_inverse_variance_mean_with_a_normal_interval():
    effects, variances = np.array([0.2, 1.4]), np.array([0.09, 0.16])
    weights = 1 / variances
    mean = float((weights * effects).sum() / weights.sum())
    half = 1.959963984540054 / math.sqrt(weights.sum())
    common = stats.pool(effects, variances, "risk_ratio").common
    assert common.value == pytest.approx(math.exp(mean))
    assert (common.low, common.high) == pytest.approx((math.exp(mean - half), math.exp(mean + half)))
    # One trial: the common effect is the trial itself.
    single = stats.pool([0.5], [0.04], "hedges_g")
    assert single.common == single.estimate


def test_the_remission_reason_gives_the_computed_i2_and_the_common_effect(tables):
    dichotomous, continuous, values, certainty = tables
    remission = synthesis.absolute_effect(dichotomous, "remission")
    phase3 = dichotomous[dichotomous["phase"] == 3]
    effects = synthesis.dichotomous_effects(phase3, "remission", "risk_ratio")
    pooled = stats.pool(effects["effect"], effects["variance"], "risk_ratio")
    assert remission["i2"] == pooled.i2 > 0  # the two Phase 3 trials disagree somewhat
    table = synthesis.summary_of_findings(dichotomous, continuous, values, certainty)
    why = table.set_index("Outcome").filter(like="remission", axis=0)["Why"].iloc[0]
    assert f"I² is {pooled.i2:.0f}% across the 2 Phase 3 trials" in why
    c = pooled.common
    assert f"common-effect model gives RR {c.value:.2f} ({c.low:.2f} to {c.high:.2f})" in why
    # The judgement named is the one the certainty file records.
    assert ("not downgraded" in why) == (certainty.set_index("outcome_id").loc["ptsd_remission", "inconsistency"] == 0)


def test_the_pooling_note_quotes_the_common_effect_from_code(tables):
    dichotomous, continuous, values, _ = tables
    numbers = prose.evidence_numbers(dichotomous, continuous, values)
    remission = synthesis.absolute_effect(dichotomous, "remission")
    c = remission["common_risk_ratio"]
    assert numbers["phase3_remission_rr_common"] == f"{c.value:.2f} (95% CI {c.low:.2f} to {c.high:.2f})"
    assert numbers["phase3_remission_i2"] == f"{remission['i2']:.0f}%"
    chapter = (ROOT / "book" / "03-evidence.md").read_text(encoding="utf-8")
    for name in ("phase3_remission_rr_common", "phase3_remission_i2", "phase3_response_rr_common"):
        assert f"{{glue:text}}`{name}`" in chapter


def test_the_severity_row_labels_each_kind_of_mean(tables):
    dichotomous, continuous, values, certainty = tables
    row = synthesis.summary_of_findings(dichotomous, continuous, values, certainty).iloc[0]
    for cell in (row["With placebo-assisted therapy"], row[synthesis.WITH_MDMA]):
        assert "(MAPP1, raw mean of completers)" in cell and "(MAPP2, least-squares mean)" in cell, cell


def test_a_mean_change_without_its_kind_is_refused(tmp_path):
    path = edited_copy(tmp_path, "reported_values.csv", "CAPS-5 points,raw mean of completers,", "CAPS-5 points,,")
    values = evidence.reported_values(path)
    with pytest.raises(ValueError, match="needs its mean_kind"):
        synthesis.summary_of_findings(
            evidence.dichotomous_outcomes(), evidence.continuous_outcomes(), values, evidence.certainty()
        )


def test_every_regulatory_row_has_a_checked_on_date_shown_in_table_5_1():
    status = evidence_map.regulatory_status()
    assert status["checked_on"].notna().all()
    assert list(evidence_map.regulatory_table(status)["Checked on"]) == list(status["checked_on"])


@pytest.mark.parametrize(
    ("old", "new", "phrase"),
    [
        (",2026-04-24,2026-12-04,", ",2026-04-24,,", "is empty"),
        (",2026-04-24,2026-12-04,", ",2026-04-24,2026-04-01,", "as_of is after checked_on"),
    ],
)
def test_a_bad_checked_on_is_refused(tmp_path, old, new, phrase):
    path = edited_copy(tmp_path, "regulatory_status.csv", old, new)
    message = refusal(evidence_map.regulatory_status, path)
    assert "column 'checked_on'" in message and phrase in message


def test_the_regulatory_rechecks_are_logged_but_kept_out_of_the_study_search():
    searched = screening.searches()
    rechecks = screening.regulatory_searches(searched)
    assert list(rechecks["search_id"]) == [f"S{n}" for n in range(100, 110)]
    studies = screening.study_searches(searched)
    assert len(studies) + len(rechecks) == len(searched)
    # The re-checks found no study record, and the flow diagram counts only the study searches.
    assert rechecks["records_found"].isna().all()
    assert screening.prisma_flow(screening.screening(), studies) == screening.prisma_flow(
        screening.screening(), searched
    )
