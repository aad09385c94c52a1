"""The evidence map: its data validate, its lanes never mix kinds of number, and no recall-only value reaches the book."""

from __future__ import annotations

import pytest
from support import ROOT, toc_pages
from support.data import edited_copy, refusal

from mdma_book import evidence_map

FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def table():
    return evidence_map.evidence_map()


@pytest.fixture(scope="module")
def figure(table):
    return evidence_map.evidence_map_figure(table)


@pytest.mark.parametrize(
    ("old", "new", "column", "phrase"),
    [
        (
            ",within_group_change,P,kvam2025mdd,",
            ",within_group_change,R,kvam2025mdd,",
            "label",
            "label not one of ['P', 'S']",
        ),
        (
            ",within_group_change,P,kvam2025mdd,",
            ",within_group_change,S,kvam2025mdd,",
            "label",
            "a P label needs status verified",
        ),
        (
            ",within_group_change,P,kvam2025mdd,",
            ",before_after,P,kvam2025mdd,",
            "number_kind",
            "number_kind not one of",
        ),
        (
            "EM01,MDMA-assisted therapy,MDD,",
            "EM01,MDMA-assisted therapy,anxiety,",
            "indication",
            "indication not one of",
        ),
    ],
)
def test_a_bad_evidence_map_row_is_named(tmp_path, old, new, column, phrase):
    path = edited_copy(tmp_path, "evidence_map.csv", old, new)
    message = refusal(evidence_map.evidence_map, path)
    assert f"{path}, line 2, column '{column}'" in message and phrase in message


def test_no_lane_mixes_kinds_of_number(figure):
    kinds_by_axis: dict[str, set[str]] = {}
    for trace in figure.data:
        kinds_by_axis.setdefault(trace.xaxis, set()).add(trace.meta["number_kind"])
    assert all(len(kinds) == 1 for kinds in kinds_by_axis.values()), kinds_by_axis
    # Above all: a within-group change never shares an axis with a controlled difference.
    for kinds in kinds_by_axis.values():
        assert not ({"within_group_change"} & kinds and {"controlled_difference", "proportion_difference"} & kinds)


def test_the_builder_refuses_a_lane_that_mixes_kinds(table):
    moved = table.assign(lane=table["lane"].mask(table["row_id"] == "EM01", "madrs"))  # the open-label change
    with pytest.raises(ValueError, match="mixes"):
        evidence_map.lane_rows(moved, "madrs")


def test_mdma_has_its_own_lane_with_its_only_depression_study(figure):
    mdma = [t for t in figure.data if t.meta["lane"] == "mdma"]
    assert [row for t in mdma for row in t.meta["row_ids"]] == ["EM01"]
    assert {t.meta["number_kind"] for t in mdma} == {"within_group_change"}
    title = figure.layout.annotations[0].text.replace("<br>", " ")
    assert "no reported controlled trial in depression" in title and "open-label" in title
    note = next(a for a in figure.layout.annotations if a.name == "mdma_ptsd_note")
    assert "not clearly different" in note.text.replace("<br>", " ") and "preprint" in note.text


def test_the_note_says_which_side_of_zero_favours_mdma_as_the_data_and_the_axis_do(figure, table):
    """Issue 18, N9: the preprint's g was given with no direction, where chapter 3's Figure 3.4 has below 0 favouring MDMA."""
    side = evidence_map.note_row(table).favours
    assert side == "above"  # EM05's source: positive g = greater reduction in the MDMA arm
    note = next(a for a in figure.layout.annotations if a.name == "mdma_ptsd_note").text.replace("<br>", " ")
    assert f"{side} 0 favours MDMA" in note
    assert (
        f"{side} 0 favours the treatment" in evidence_map.LANES["reviews"][1]
    )  # the same convention as the drawn g axis
    flipped = table.assign(favours=table["favours"].mask(table["lane"] == "mdma_note", "below"))
    flipped_note = next(
        a for a in evidence_map.evidence_map_figure(flipped).layout.annotations if a.name == "mdma_ptsd_note"
    )
    assert "below 0 favours MDMA" in flipped_note.text.replace("<br>", " ")
    with pytest.raises(ValueError, match="direction"):
        evidence_map.evidence_map_figure(table.assign(favours=None))


def test_every_displayed_number_traces_to_a_labelled_row(figure, table):
    rows = table.set_index("row_id")
    for trace in figure.data:
        for row_id, x, hover in zip(trace.meta["row_ids"], trace.x, trace.hovertext, strict=True):
            assert rows.loc[row_id, "label"] in {"P", "S"}
            assert x == rows.loc[row_id, "estimate"]
            assert f"Label {rows.loc[row_id, 'label']}" in hover and "Source:" in hover


def test_rows_are_grouped_not_ranked(table):
    for lane in evidence_map.LANES:
        rows = evidence_map.lane_rows(table, lane)
        estimates = list(rows["estimate"])
        if len(estimates) > 2:
            assert estimates not in (sorted(estimates), sorted(estimates, reverse=True)), f"lane {lane} looks ranked"


def test_no_recall_only_value_appears_anywhere_in_the_build(built_html):
    recalled = [
        line.strip()
        for line in (FIXTURES / "recall_only_values.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for page in [*toc_pages(), "_sources/book/05-alternatives.ipynb"]:
        path = built_html / page
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        found = [value for value in recalled if value in text]
        assert not found, f"{page} shows recall-only values {found}"


def test_the_evidence_map_page_has_the_figure_its_text_alternative_and_downloads(built_html):
    page = (built_html / "book" / "05-alternatives.html").read_text(encoding="utf-8")
    assert "mdma-figure" in page and "Text alternative" in page
    assert "evidence-map.csv" in page and "regulatory-status.csv" in page


def test_faint_bands_lead_the_eye_from_each_label_to_its_point(figure):
    """Every other row of each lane has a faint band behind it, across the label and the point (issue 18).

    Decoration only: no outline, drawn below the marks, and light enough (at most 10% opacity)
    that the label and the point on it keep their contrast; the legibility test checks them.
    """
    from mdma_book import figure_checks

    bands = {
        s.name.removeprefix("row_band_"): s for s in figure.layout.shapes if (s.name or "").startswith("row_band_")
    }
    labels = [a.name.removeprefix("row_") for a in figure.layout.annotations if (a.name or "").startswith("row_")]
    lanes = [
        evidence_map.lane_rows(evidence_map.evidence_map(), lane)["row_id"].tolist() for lane in evidence_map.LANES
    ]
    assert set(bands) == {row for rows in lanes for row in rows[::2]} and set(bands) <= set(labels)
    for band in bands.values():
        assert (band.xref, band.x0, band.x1, band.layer, band.line.width) == ("paper", 0, 1, "below", 0)
        assert band.y1 - band.y0 == 1  # exactly its row's height, centred on the row
        assert figure_checks.rgba(band.fillcolor)[3] <= 0.1
