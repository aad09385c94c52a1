"""MDMA beside the alternatives for hard-to-treat depression: data, lanes and the evidence-map figure.

``data/evidence_map.csv`` holds one published number per row (treatment,
indication, design, outcome, estimate and interval), each labelled with the
kind of number it is and how it was checked: ``P`` read in the primary
source's own text, ``S`` read only in a secondary report. Numbers known only
from memory are never stored (the schema has no label for them).
``data/regulatory_status.csv`` holds each treatment's regulatory status by
region, with its date and source.

The figure never sets numbers of different kinds on one axis. Each *lane* takes
one kind of number on one scale (:data:`LANES`); MDMA has a lane of its own,
because its only study in depression had no control group. Rows are grouped by
treatment in a fixed order, never sorted by effect, and nothing is ranked.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from mdma_book.citations import short_citation
from mdma_book.evidence import (
    STATUSES,
    DataValidationError,
    _sourced_columns,
    bibliography_keys,
    interval_checks,
    load_table,
    not_above_check,
    percent_check,
    real_date_check,
    row_check,
)
from mdma_book.paths import data_dir
from mdma_book.theme import BOOK_TEMPLATE, INK, wrap_px

INDICATIONS = ("MDD", "TRD", "depressive symptoms in PTSD trials", "depressive or anxiety symptoms in advanced cancer")
BLINDING = ("double-blind", "open-label", "rater-blinded open-label", "none")
NUMBER_KINDS = {
    "controlled_difference": "a difference from a control group",
    "within_group_change": "a change within one group, with nothing to compare it with",
    "proportion_difference": "a difference in the share of people improving, against a comparator",
    "count": "a count",
    "none": "no number",
}
LABELS = {"P": "read in the primary source", "S": "read only in a secondary report"}
PEER_REVIEW = ("peer-reviewed", "preprint", "press release", "regulator", "registry")
LABEL_CHECK = "a P label needs status verified (or derived), an S label secondary (or derived)"


def evidence_map_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``evidence_map.csv``: one reported number per treatment and outcome."""
    text = pa.Column(str, pa.Check.str_length(min_value=1))
    return pa.DataFrameSchema(
        {
            "row_id": pa.Column(str, pa.Check.str_matches(r"^EM\d{2}$", error="row_id must look like EM01")),
            "treatment": text,
            "indication": pa.Column(
                str, pa.Check.isin(list(INDICATIONS), error=f"indication not one of {list(INDICATIONS)}")
            ),
            "design": text,
            "comparator": pa.Column(str, nullable=True),
            "blinding": pa.Column(str, pa.Check.isin(list(BLINDING), error=f"blinding not one of {list(BLINDING)}")),
            "randomized_trials": pa.Column("Int64", pa.Check.ge(0), nullable=True, coerce=True),
            "participants": pa.Column("Int64", pa.Check.gt(0), nullable=True, coerce=True),
            "outcome_measure": text,
            "scale": pa.Column(str, nullable=True),
            "timepoint": pa.Column(str, nullable=True),
            "estimate": pa.Column(float, nullable=True, coerce=True),
            "ci_low": pa.Column(float, nullable=True, coerce=True),
            "ci_high": pa.Column(float, nullable=True, coerce=True),
            "unit": pa.Column(str, nullable=True),
            "number_kind": pa.Column(
                str, pa.Check.isin(list(NUMBER_KINDS), error=f"number_kind not one of {list(NUMBER_KINDS)}")
            ),
            "label": pa.Column(
                str, pa.Check.isin(list(LABELS), error="label must be P or S (recall-only numbers are never stored)")
            ),
            "peer_review": pa.Column(
                str, pa.Check.isin(list(PEER_REVIEW), error=f"peer_review not one of {list(PEER_REVIEW)}")
            ),
            **_sourced_columns(bib_keys),
        },
        checks=[
            *interval_checks("estimate"),
            percent_check(("estimate", "ci_low", "ci_high")),
            not_above_check("randomized_trials", "participants"),
            row_check(
                lambda df: (
                    df["label"]
                    .map({"P": ("verified", "derived"), "S": ("secondary", "derived")})
                    .combine(df["status"], lambda ok, s: s in ok)
                ),
                LABEL_CHECK,
                "label",
                name="label_matches_status",
            ),
        ],
        strict=True,
        name="evidence_map",
    )


def regulatory_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``regulatory_status.csv``: one treatment's status in one region, with its date."""
    return pa.DataFrameSchema(
        {
            "treatment": pa.Column(str, pa.Check.str_length(min_value=1)),
            "region": pa.Column(str, pa.Check.str_length(min_value=2)),
            "standing": pa.Column(str, pa.Check.str_length(min_value=3)),
            "as_of": pa.Column(
                str,
                [
                    pa.Check.str_matches(
                        r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$", error="as_of must be YYYY-MM or YYYY-MM-DD"
                    ),
                    real_date_check("as_of", ("%Y-%m", "%Y-%m-%d")),
                ],
            ),
            "statement": pa.Column(str, pa.Check.str_length(min_value=10)),
            "label": pa.Column(str, pa.Check.isin(list(LABELS), error="label must be P or S")),
            "status_of_source": pa.Column(
                str, pa.Check.isin(list(STATUSES), error=f"status_of_source not one of {sorted(STATUSES)}")
            ),
            "peer_review": pa.Column(
                str, pa.Check.isin(list(PEER_REVIEW), error=f"peer_review not one of {list(PEER_REVIEW)}")
            ),
            "source_key": pa.Column(str, pa.Check.isin(sorted(bib_keys), error="source_key not in references.bib")),
            "locator": pa.Column(str, pa.Check.str_length(min_value=1)),
            "retracted": pa.Column(str, pa.Check.isin(["true", "false"], error="retracted must be true or false")),
            "note": pa.Column(str, nullable=True),
        },
        strict=True,
        name="regulatory_status",
    )


def evidence_map(path: Path | None = None) -> pd.DataFrame:
    """The evidence-map numbers (``data/evidence_map.csv``), validated, in file order.

    Every row the figure's lanes (:data:`LANES`) and :data:`MDMA_PTSD_ROW` name must exist.
    """
    path = path or data_dir() / "evidence_map.csv"
    table = load_table(path, evidence_map_schema(bibliography_keys()))
    named = {row: lane for lane, (_, _, rows) in LANES.items() for row in rows} | {MDMA_PTSD_ROW: "mdma (PTSD note)"}
    missing = [
        f"{path}: no row has row_id '{row}', which the figure's lane '{lane}' shows"
        for row, lane in named.items()
        if row not in set(table["row_id"])
    ]
    if missing:
        raise DataValidationError("\n".join(missing))
    return table


def regulatory_status(path: Path | None = None) -> pd.DataFrame:
    """Regulatory status by treatment and region (``data/regulatory_status.csv``), validated."""
    return load_table(path or data_dir() / "regulatory_status.csv", regulatory_schema(bibliography_keys()))


# --- Lanes: one kind of number on one scale each ---------------------------------------------

#: Lane id -> (title, x-axis title, the rows it takes). Rows are chosen by id so that each lane's
#: content is deliberate; the builder refuses a lane that mixes kinds of number or units.
LANES = {
    "mdma": (
        "<b>MDMA-assisted therapy</b>: no reported controlled trial in depression; one open-label study of {n} people",
        "Change in MADRS within the one treated group (points; no control)",
        ("EM01",),
    ),
    "madrs": (
        "<b>Other treatments, randomized trials</b>: difference from the control group on the MADRS",
        "Difference from control (MADRS points; below 0 favours the treatment)",
        ("EM06", "EM07", "EM08", "EM09", "EM10", "EM14"),
    ),
    "proportions": (
        "<b>Against an active treatment</b>: difference in the share who responded or remitted",
        "Difference from the comparator (percentage points; above 0 favours the treatment)",
        ("EM15", "EM16", "EM17"),
    ),
    "reviews": (
        "<b>Pooled reviews</b>: standardized difference from placebo",
        "Standardized mean difference (above 0 favours the treatment)",
        ("EM30", "EM31"),
    ),
}
#: Where MDMA's number inside PTSD trials is shown: as a labelled note in its own lane, not on any axis.
MDMA_PTSD_ROW = "EM05"


def lane_rows(table: pd.DataFrame, lane: str) -> pd.DataFrame:
    """The rows of one lane, in the lane's fixed order; raises ``ValueError`` if they mix kinds of number or units."""
    ids = LANES[lane][2]
    rows = table.set_index("row_id").loc[list(ids)].reset_index()
    if rows["number_kind"].nunique() != 1 or rows["unit"].nunique() != 1:
        raise ValueError(
            f"lane {lane!r} mixes {sorted(rows['number_kind'].unique())} in {sorted(rows['unit'].unique())}: one kind and unit per lane"
        )
    return rows


def row_hover(row) -> str:
    """Hover text: the number as reported, its kind, its label (P/S) and its source."""
    interval = "" if pd.isna(row.ci_low) else f" (95% CI {row.ci_low:g} to {row.ci_high:g})"
    derived = " · computed by this book from the reported figures" if row.status == "derived" else ""
    return (
        f"<b>{row.treatment}</b> ({row.indication})<br>{row.design}<br>"
        f"{row.outcome_measure}, {row.scale}, {row.timepoint}: <b>{row.estimate:g}{interval} {row.unit}</b><br>"
        f"Kind of number: {NUMBER_KINDS[row.number_kind]}<br>"
        f"Label {row.label}: {LABELS[row.label]}{derived} · {row.peer_review}<br>Source: {short_citation(row.source_key)}"
    )


def _size(row) -> str:
    """How much evidence a row rests on: ', 1 trial, 258 people' (from the row's own counts)."""
    if pd.isna(row.participants):
        return ""
    trials = (
        ""
        if pd.isna(row.randomized_trials) or row.randomized_trials == 0
        else f"{row.randomized_trials} trial{'s' if row.randomized_trials > 1 else ''}, "
    )
    design = "" if row.randomized_trials else "open-label, "
    return f" ({design}{trials}{row.participants:,} people)"


def _short_treatment(row) -> str:
    where = {
        "EM06": "Phase 2b",
        "EM07": "Phase 2b, 10 mg",
        "EM08": "COMP005",
        "EM09": "COMP006",
        "EM10": "Raison 2023",
        "EM14": "TRANSFORM-2",
        "EM15": "ESCAPE-TRD",
        "EM16": "ELEKT-D",
        "EM17": "KetECT",
        "EM30": "vs psychedelic-trial placebo",
        "EM31": "vs antidepressant-trial placebo",
        "EM01": "Oslo study",
    }
    return f"{row.treatment.split(' (')[0]}: {where.get(row.row_id, row.row_id)}"


def _wrap(text: str, width: int = 44) -> str:
    import textwrap

    return "<br>".join(textwrap.wrap(text, width))


#: The map's geometry, in px. The same figure is drawn at a phone's width (358 px) and a
#: desktop's (760 px); row labels take the left part of the figure, level with their own point
#: (centred on the point's row, in the point's own y coordinates), and the points the right part.
MAP_NARROW_PX = 358
MAP_MARGIN = {"l": 12, "r": 16, "t": 64, "b": 24}
LABEL_SHARE = 0.5  # of the plotting width, for the row labels
LABEL_FONT = 12
LINE_PX = 1.3 * LABEL_FONT  # plotly's spacing between lines of text
LANE_GAP_PX = 30
AXIS_PX = 22  # tick labels under a lane


def _lines(text: str) -> int:
    return text.count("<br>") + 1


def evidence_map_figure(table: pd.DataFrame) -> go.Figure:
    """The evidence map: one panel (lane) per kind of number, each with its own axis; MDMA first, in its own lane.

    Points are published estimates with their 95% intervals where given; hollow
    markers are numbers read only in a secondary report (label S), filled ones
    were read in the primary source (label P). Each row's label is level with its
    own point, in a column to the left of the panels, wrapped to fit a phone's
    width; every row is tall enough for its label, so a label never reaches a
    neighbouring row. Hover gives each number's kind, label and source. A dotted
    line marks no difference in each comparative lane. MDMA's depression result
    inside PTSD trials is a different kind of number, so it is written in MDMA's
    lane, not drawn on its axis.
    """
    lanes = {lane: lane_rows(table, lane) for lane in LANES}
    mdma_ptsd = table.set_index("row_id").loc[MDMA_PTSD_ROW]
    inner_px = MAP_NARROW_PX - MAP_MARGIN["l"] - MAP_MARGIN["r"]
    label_px = LABEL_SHARE * inner_px - 10
    plot_px = (1 - LABEL_SHARE) * inner_px
    note_text = wrap_px(
        f"Inside PTSD trials, depression scores against control: g {mdma_ptsd['estimate']:g} "
        f"({mdma_ptsd['ci_low']:g} to {mdma_ptsd['ci_high']:g}), not clearly different from no effect "
        f"(a preprint; a different kind of number, so not drawn here)",
        inner_px,
        LABEL_FONT,
    )
    labels, titles, axis_titles, row_px = {}, {}, {}, {}
    for lane, rows in lanes.items():
        labels[lane] = [
            wrap_px(f"{_short_treatment(r)}, {str(r.timepoint).split(' (')[0]}{_size(r)}", label_px, LABEL_FONT)
            for r in rows.itertuples()
        ]
        titles[lane] = _wrap(LANES[lane][0].format(n=int(lanes["mdma"]["participants"].iloc[0])), 50)
        axis_titles[lane] = wrap_px(LANES[lane][1], plot_px, LABEL_FONT)
        row_px[lane] = max(_lines(t) for t in labels[lane]) * LINE_PX + 14
    # Pixel layout, top to bottom: lane title, rows (MDMA's lane has one more, for its note), axis.
    spans, y = {}, 0.0
    for lane, rows in lanes.items():
        y += _lines(titles[lane]) * LINE_PX + 8
        extra = (_lines(note_text) * LINE_PX + 10) if lane == "mdma" else 0
        spans[lane] = (y, y + len(rows) * row_px[lane] + extra)
        y = spans[lane][1] + AXIS_PX + _lines(axis_titles[lane]) * LINE_PX + LANE_GAP_PX
    inner_height = y - LANE_GAP_PX
    height = round(inner_height + MAP_MARGIN["t"] + MAP_MARGIN["b"])

    def paper_y(px: float) -> float:
        return 1 - px / inner_height

    fig = make_subplots(rows=len(lanes), cols=1)
    notes, lane_titles = [], []
    colour = BOOK_TEMPLATE.layout.colorway[0]
    for index, (lane, rows) in enumerate(lanes.items(), start=1):
        axis = "" if index == 1 else str(index)
        top, bottom = spans[lane]
        for label_kind, symbol in (("P", "circle"), ("S", "circle-open")):
            subset = rows[rows["label"] == label_kind]
            if subset.empty:
                continue
            fig.add_trace(
                go.Scatter(
                    x=subset["estimate"],
                    y=list(subset.index),
                    mode="markers",
                    marker={"symbol": symbol, "size": 11, "line": {"width": 2, "color": colour}, "color": colour},
                    error_x={
                        "type": "data",
                        "symmetric": False,
                        "array": (subset["ci_high"] - subset["estimate"]).fillna(0),
                        "arrayminus": (subset["estimate"] - subset["ci_low"]).fillna(0),
                        "thickness": 1.5,
                        "width": 4,
                        "color": colour,
                    },
                    hovertext=[row_hover(r) for r in subset.itertuples()],
                    hoverinfo="text",
                    showlegend=False,
                    meta={
                        "lane": lane,
                        "number_kind": rows["number_kind"].iloc[0],
                        "row_ids": list(subset["row_id"]),
                        "label": label_kind,
                    },
                ),
                row=index,
                col=1,
            )
        for position, (row, text) in enumerate(zip(rows.itertuples(), labels[lane], strict=True)):
            notes.append(
                {
                    "text": text,
                    "xref": "paper",
                    "yref": f"y{axis}",
                    "x": 0,
                    "y": position,
                    "xanchor": "left",
                    "yanchor": "middle",
                    "showarrow": False,
                    "font": {"size": LABEL_FONT},
                    "align": "left",
                    "name": f"row_{row.row_id}",
                }
            )
        # y range: row i is centred in its own band of row_px; MDMA's note takes the band below its rows.
        rows_span = len(rows) * row_px[lane]
        units = (bottom - top) / row_px[lane]
        fig.update_yaxes(
            domain=[paper_y(bottom), paper_y(top)],
            range=[units - 0.5, -0.5],
            showticklabels=False,
            showgrid=False,
            zeroline=False,
            fixedrange=True,
            row=index,
            col=1,
        )
        if lane == "mdma":
            notes.append(
                {
                    "text": note_text,
                    "xref": "paper",
                    "yref": "paper",
                    "x": 0,
                    "y": paper_y(top + rows_span + 4),
                    "xanchor": "left",
                    "yanchor": "top",
                    "showarrow": False,
                    "font": {"size": LABEL_FONT},
                    "align": "left",
                    "name": "mdma_ptsd_note",
                    "hovertext": row_hover(next(table[table["row_id"] == MDMA_PTSD_ROW].itertuples())),
                }
            )
        else:
            fig.add_vline(x=0, line={"dash": "dot", "color": INK, "width": 1.5}, row=index, col=1)
        lane_titles.append(
            {
                "text": titles[lane],
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": paper_y(top - 6),
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 13},
                "align": "left",
                "name": f"lane_{lane}",
            }
        )
        fig.update_xaxes(
            domain=[LABEL_SHARE, 1],
            title_text=axis_titles[lane],
            title_font={"size": LABEL_FONT},
            title_standoff=4,
            tickfont={"size": LABEL_FONT},
            zeroline=False,
            fixedrange=True,
            automargin=False,
            row=index,
            col=1,
        )
    fig.update_xaxes(range=[-25, 0], row=1, col=1)
    fig.update_layout(
        template=BOOK_TEMPLATE,
        height=height,
        margin=MAP_MARGIN,
        hovermode="closest",
        hoverlabel={"font": {"size": 13}, "align": "left"},
        title={
            "text": "What kind of evidence each treatment has",
            "x": 0,
            "xref": "paper",
            "xanchor": "left",
            "y": 1 - 14 / height,
            "yanchor": "top",
            "font": {"size": 16},
        },
        annotations=[*lane_titles, *notes],
        meta={
            "description": "Evidence map: for MDMA-assisted therapy and other treatments for hard-to-treat depression, "
            "published estimates in separate panels by kind of number, each with its own axis; each row's label "
            "sits level with its point."
        },
    )
    return fig


#: Counts listed under the figure's numbers, not drawn: the registered randomized MDMA trial with a
#: depression primary outcome (EMMAC), and the esketamine licensing trials a critical review counts as negative.
CONTEXT_ROWS = ("EM33", "EM34")


def evidence_base_table(table: pd.DataFrame) -> pd.DataFrame:
    """The text alternative: every number in the map with its kind, label and source, in the figure's order."""
    order = [row_id for lane in LANES.values() for row_id in lane[2]] + [MDMA_PTSD_ROW, *CONTEXT_ROWS]
    rows = table.set_index("row_id").loc[order].reset_index()
    return pd.DataFrame(
        {
            "Treatment (indication)": [f"{r.treatment} ({r.indication})" for r in rows.itertuples()],
            "Design": rows["design"],
            "Outcome": [f"{r.outcome_measure}, {r.scale}, {r.timepoint}" for r in rows.itertuples()],
            "Estimate (95% CI)": [
                f"{r.estimate:g}" + ("" if pd.isna(r.ci_low) else f" ({r.ci_low:g} to {r.ci_high:g})") + f" {r.unit}"
                for r in rows.itertuples()
            ],
            "Kind of number": rows["number_kind"].map(NUMBER_KINDS),
            "Label": [
                f"{r.label}{' (computed)' if r.status == 'derived' else ''}, {r.peer_review}" for r in rows.itertuples()
            ],
            "Source": [short_citation(k) for k in rows["source_key"]],
        }
    )


def regulatory_table(status: pd.DataFrame) -> pd.DataFrame:
    """Regulatory status by treatment and region, with its date and label, as a reader-facing table."""
    return pd.DataFrame(
        {
            "Treatment": status["treatment"],
            "Region": status["region"],
            "Status": status["standing"],
            "As of": status["as_of"],
            "Label": [f"{label}, {kind}" for label, kind in zip(status["label"], status["peer_review"], strict=True)],
            "Source": [short_citation(k) for k in status["source_key"]],
        }
    )
