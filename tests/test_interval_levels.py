"""An interval is printed with the level its source gives (``ci_level``): one whose level is not stated is never "95%".

Evidence review m4 (issue 16): the Kvam 2025 abstract prints "CI -14.8 to -23.8" with no level, yet its interval
was still called a 95% CI in hover text (Figure 3.5, the evidence map) and in the evidence map's table header.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from support.data import edited_copy, refusal

from mdma_book import evidence, evidence_map, figures, prose, synthesis

MINUS = "[-\u2212]"


def _bound(value: float) -> str:
    """A regex for a bound as any page may print it: 'g' or one decimal, ASCII or typographic minus."""
    forms = {f"{abs(value):g}", f"{abs(value):.1f}"}
    number = "(?:" + "|".join(re.escape(f) for f in sorted(forms)) + ")"
    return (MINUS + number) if value < 0 else number


def unstated_intervals() -> list[tuple[float, float]]:
    """Every interval in the data whose source states no level."""
    pairs = []
    for table in (evidence.reported_values(), evidence_map.evidence_map()):
        rows = table[table["ci_level"] == "not stated"]
        pairs += list(zip(rows["ci_low"], rows["ci_high"], strict=True))
    return pairs


def mislabelled(text: str, pairs: list[tuple[float, float]]) -> list[str]:
    """Places in ``text`` where '95%' names an interval of ``pairs``.

    JSON escapes (``\\u2212``, ``\\u003c``) are decoded first and line breaks (``<br>``) read as spaces, so figure
    JSON and built pages read alike. A label counts if it comes within 40 characters before the interval's first
    bound with no tag, digit or bracket in between (so '95% CI -23.8 to -14.8', not a neighbouring interval's label).
    """
    text = text.replace("\\u2212", "\u2212").replace("\\u003c", "<").replace("\\u003e", ">")
    text = re.sub(r"<br\s*/?>", " ", text.replace("&lt;", "<").replace("&gt;", ">"))
    found = []
    for low, high in pairs:
        for first, second in ((low, high), (high, low)):  # as reordered, or as the source printed it
            interval = _bound(first) + r"\s*(?:to|\u2013|,)\s*" + _bound(second)
            for match in re.finditer(r"95\s*%[^<>\n\d()|]{0,40}?" + interval, text):
                found.append(match.group(0))
    return found


@pytest.fixture(scope="module")
def pairs():
    found = unstated_intervals()
    assert found, "the data should hold at least one interval whose level is not stated (Kvam 2025)"
    return found


def test_the_checker_finds_a_planted_95_label(pairs):
    low, high = pairs[0]
    assert mislabelled(f"Baseline plus mean change (-19.3; 95% CI {low:.1f} to {high:.1f}): 10.3", pairs)
    assert not mislabelled(f"mean change (CI {low:.1f} to {high:.1f}, level not stated in the source)", pairs)


def test_no_figure_json_or_generated_text_calls_an_unstated_level_95(pairs):
    dichotomous, continuous = evidence.dichotomous_outcomes(), evidence.continuous_outcomes()
    values, em = evidence.reported_values(), evidence_map.evidence_map()
    texts = {
        "evidence map figure": evidence_map.evidence_map_figure(em).to_json(),
        "Figure 3.5": figures.evidence_comparison_chart(
            synthesis.evidence_comparison(dichotomous, continuous, values)
        ).to_json(),
        "evidence map table": evidence_map.evidence_base_table(em).to_csv(index=False),
        "summary of findings": synthesis.summary_of_findings(
            dichotomous, continuous, values, evidence.certainty()
        ).to_csv(index=False),
        "chapter 3 numbers": " | ".join(prose.evidence_numbers(dichotomous, continuous, values).values()),
        "chapter 5 numbers": " | ".join(prose.evidence_map_numbers(em).values()),
    }
    bad = {name: mislabelled(text, pairs) for name, text in texts.items()}
    assert not any(bad.values()), bad


def test_the_evidence_map_header_does_not_promise_95_for_every_row():
    """The table under Figure 5.1 holds an interval with no stated level, so its header cannot say '95% CI'."""
    em = evidence_map.evidence_map()
    header = " ".join(evidence_map.evidence_base_table(em).columns)
    assert (em["ci_level"] == "not stated").any() and "95%" not in header


def test_an_interval_without_its_level_is_refused(tmp_path):
    path = edited_copy(tmp_path, "reported_values.csv", "-19.3,-23.8,-14.8,not stated,", "-19.3,-23.8,-14.8,,")
    message = refusal(evidence.reported_values, path)
    assert "column 'ci_low'" in message and "an interval needs its ci_level" in message
    path = edited_copy(tmp_path, "reported_values.csv", "-19.3,-23.8,-14.8,not stated,", "-19.3,,,not stated,")
    message = refusal(evidence.reported_values, path)
    assert "column 'ci_level'" in message and "ci_level is given without an interval" in message


def test_no_built_page_calls_an_unstated_level_95(built_html, pairs):
    """Every built page and every figure's JSON (the ``*-spec.js`` files the pages load)."""
    bad = {}
    for page in sorted([*built_html.rglob("*.html"), *built_html.rglob("*-spec.js")]):
        found = mislabelled(page.read_text(encoding="utf-8"), pairs)
        if found:
            bad[str(page.relative_to(built_html))] = found
    assert not bad, bad
    # The table under Figure 5.1 holds that interval, so its header cannot promise 95% for every row.
    assert "Estimate (95% CI)" not in (built_html / "book" / "05-alternatives.html").read_text(encoding="utf-8")


def test_every_interval_level_is_one_the_book_can_name():
    for table in (evidence.reported_values(), evidence_map.evidence_map()):
        levels = set(table["ci_level"].dropna())
        assert levels <= set(evidence.CI_LEVEL_WORDS), levels
        assert pd.notna(table.loc[table["ci_low"].notna(), "ci_level"]).all()
