"""MDMA beside the alternatives for hard-to-treat depression: data, lanes and the evidence-map figure.

``data/evidence_map.csv`` holds one published number per row (treatment,
indication, design, outcome, estimate and interval), each labelled with the
kind of number it is and how it was checked: ``P`` read in the primary
source's own text, ``S`` read only in a secondary report. Numbers known only
from memory are never stored (the schema has no label for them).
``data/regulatory_status.csv`` holds each treatment's regulatory status by
region, with its date and source.

The figure never sets numbers of different kinds on one axis. Each *lane* takes
one kind of number on one scale (:data:`LANES`; a row's ``lane`` column places it); MDMA has a lane of its own,
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
    DataValidationError,
    bibliography_keys,
    interval_checks,
    interval_text,
    load_table,
    not_above_check,
    percent_check,
    row_check,
    sourced_checks,
)
from mdma_book.paths import data_dir
from mdma_book.table_schema import declared_schema, real_date_check
from mdma_book.theme import BAND_COLOUR, BOOK_TEMPLATE, INK, title_style, wrap, wrap_px

NUMBER_KINDS = {
    "controlled_difference": "a difference from a control group",
    "within_group_change": "a change within one group, with nothing to compare it with",
    "proportion_difference": "a difference in the share of people improving, against a comparator",
    "count": "a count",
    "none": "no number",
}
LABELS = {"P": "read in the primary source", "S": "read only in a secondary report"}
LABEL_CHECK = "a P label needs status verified (or derived), an S label secondary (or derived)"


def evidence_map_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``evidence_map.csv``: one reported number per treatment and outcome."""
    return declared_schema(
        "evidence_map",
        sourced_checks(bib_keys),
        checks=[
            row_check(
                lambda df: ~df["lane"].isin(list(LANES)) | df["short_label"].notna(),
                "a row drawn in a lane needs its short_label",
                "lane",  # reported under the lane: pandera lists only the row's non-empty cells
                name="drawn_row_has_label",
            ),
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
    )


def regulatory_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``regulatory_status.csv``: one treatment's status in one region, with its date."""
    extra = {"as_of": real_date_check("as_of", ("%Y-%m", "%Y-%m-%d")), **sourced_checks(bib_keys)}
    checked_after = row_check(
        lambda df: df["checked_on"].isna() | (df["as_of"] <= df["checked_on"].fillna("")),
        "as_of is after checked_on: a standing cannot be dated after the day it was checked",
        "checked_on",
        name="as_of_not_after_checked_on",
    )
    return declared_schema("regulatory_status", extra, checks=[checked_after])


def evidence_map(path: Path | None = None) -> pd.DataFrame:
    """The evidence-map numbers (``data/evidence_map.csv``), validated, in file order.

    Each lane of the figure (:data:`LANES`) needs at least one row, and MDMA's note exactly one.
    """
    path = path or data_dir() / "evidence_map.csv"
    table = load_table(path, evidence_map_schema(bibliography_keys()))
    counts = table["lane"].value_counts()
    missing = [
        f"{path}: no row has lane '{lane}', which the figure shows" for lane in LANES if counts.get(lane, 0) == 0
    ]
    if counts.get(NOTE_LANE, 0) != 1:
        missing.append(f"{path}: exactly one row needs lane '{NOTE_LANE}' (MDMA's number inside PTSD trials)")
    if missing:
        raise DataValidationError("\n".join(missing))
    return table


def regulatory_status(path: Path | None = None) -> pd.DataFrame:
    """Regulatory status by treatment and region (``data/regulatory_status.csv``), validated."""
    return load_table(path or data_dir() / "regulatory_status.csv", regulatory_schema(bibliography_keys()))


# --- Lanes: one kind of number on one scale each ---------------------------------------------

#: Lane id -> (title, x-axis title). Which rows a lane takes, in file order, is the ``lane`` column
#: of the data; the builder refuses a lane that mixes kinds of number or units.
LANES = {
    "mdma": (
        "<b>MDMA-assisted therapy</b>: no reported controlled trial in depression; one open-label study of {n} people",
        "Change in MADRS within the one treated group (points; no control)",
    ),
    "madrs": (
        "<b>Other treatments, randomized trials</b>: difference from the control group on the MADRS",
        "Difference from control (MADRS points; below 0 favours the treatment)",
    ),
    "proportions": (
        "<b>Against an active treatment</b>: difference in the share who responded or remitted",
        "Difference from the comparator (percentage points; above 0 favours the treatment)",
    ),
    "reviews": (
        "<b>Pooled reviews</b>: standardized difference from placebo",
        "Standardized mean difference (above 0 favours the treatment)",
    ),
}
#: MDMA's number inside PTSD trials: a labelled note in MDMA's lane, not on any axis.
NOTE_LANE = "mdma_note"
#: Counts listed under the figure's numbers, not drawn (e.g. the registered randomized MDMA trial
#: with a depression primary outcome, and the esketamine licensing trials a review counts as negative).
CONTEXT_LANE = "context"
PLACES = (*LANES, NOTE_LANE, CONTEXT_LANE)


def lane_rows(table: pd.DataFrame, lane: str) -> pd.DataFrame:
    """The rows of one lane, in file order; raises ``ValueError`` if they mix kinds of number or units."""
    rows = table[table["lane"] == lane].reset_index(drop=True)
    if rows["number_kind"].nunique() != 1 or rows["unit"].nunique() != 1:
        raise ValueError(
            f"lane {lane!r} mixes {sorted(rows['number_kind'].unique())} in {sorted(rows['unit'].unique())}: one kind and unit per lane"
        )
    return rows


def note_row(table: pd.DataFrame):
    """The one row written as a note in MDMA's lane."""
    return next(table[table["lane"] == NOTE_LANE].itertuples())


def row_hover(row) -> str:
    """Hover text: the number as reported, its kind, its label (P/S) and its source."""
    interval = (
        ""
        if pd.isna(row.ci_low)
        else f" ({interval_text(row.ci_level, format(row.ci_low, 'g'), format(row.ci_high, 'g'))})"
    )
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


def _note_text(row, width_px: float) -> str:
    """The note's text, with the side of 0 that favours MDMA as the data give it (``favours``): chapter 3's
    Figure 3.4 has below 0 favouring MDMA, so a g with no direction read as the opposite result (issue 18, N9)."""
    if row.favours not in ("above", "below"):
        raise ValueError(f"row {row.row_id}: the note's effect size needs its direction (favours: above or below)")
    return wrap_px(
        f"Inside PTSD trials, depression scores against control: g {row.estimate:g} "
        f"({row.ci_low:g} to {row.ci_high:g}; {row.favours} 0 favours MDMA), not clearly different from no effect "
        f"(a preprint; a different kind of number, so not drawn here)",
        width_px,
        LABEL_FONT,
    )


def _map_geometry(table: pd.DataFrame) -> dict:
    """Every lane's rows, wrapped texts and vertical span (px from the top), and the figure's height.

    Top to bottom in each lane: its title, its rows (MDMA's lane has one more, for its note), its axis.
    """
    lanes = {lane: lane_rows(table, lane) for lane in LANES}
    inner_px = MAP_NARROW_PX - MAP_MARGIN["l"] - MAP_MARGIN["r"]
    label_px, plot_px = LABEL_SHARE * inner_px - 10, (1 - LABEL_SHARE) * inner_px
    note = _note_text(note_row(table), inner_px)
    people = int(lanes["mdma"]["participants"].iloc[0])
    geometry = {"lanes": lanes, "note": note, "labels": {}, "titles": {}, "axis_titles": {}, "row_px": {}, "spans": {}}
    y = 0.0
    for lane, rows in lanes.items():
        labels = [wrap_px(f"{r.short_label}{_size(r)}", label_px, LABEL_FONT) for r in rows.itertuples()]
        geometry["labels"][lane] = labels
        geometry["titles"][lane] = wrap(LANES[lane][0].format(n=people), 50, break_long_words=True)
        geometry["axis_titles"][lane] = wrap_px(LANES[lane][1], plot_px, LABEL_FONT)
        row_px = geometry["row_px"][lane] = max(_lines(t) for t in labels) * LINE_PX + 14
        y += _lines(geometry["titles"][lane]) * LINE_PX + 8
        extra = (_lines(note) * LINE_PX + 10) if lane == "mdma" else 0
        geometry["spans"][lane] = (y, y + len(rows) * row_px + extra)
        y = geometry["spans"][lane][1] + AXIS_PX + _lines(geometry["axis_titles"][lane]) * LINE_PX + LANE_GAP_PX
    geometry["inner_height"] = y - LANE_GAP_PX
    geometry["height"] = round(geometry["inner_height"] + MAP_MARGIN["t"] + MAP_MARGIN["b"])
    return geometry


def _lane_points(fig: go.Figure, lane: str, rows: pd.DataFrame, index: int) -> None:
    """The lane's estimates with their intervals: filled markers for label P, hollow for label S."""
    colour = BOOK_TEMPLATE.layout.colorway[0]
    for label_kind, symbol in (("P", "circle"), ("S", "circle-open")):
        subset = rows[rows["label"] == label_kind]
        if subset.empty:
            continue
        error_x = {
            "type": "data",
            "symmetric": False,
            "array": (subset["ci_high"] - subset["estimate"]).fillna(0),
            "arrayminus": (subset["estimate"] - subset["ci_low"]).fillna(0),
            "thickness": 1.5,
            "width": 4,
            "color": colour,
        }
        meta = {"lane": lane, "number_kind": rows["number_kind"].iloc[0], "row_ids": list(subset["row_id"])}
        fig.add_trace(
            go.Scatter(
                x=subset["estimate"],
                y=list(subset.index),
                mode="markers",
                marker={"symbol": symbol, "size": 11, "line": {"width": 2, "color": colour}, "color": colour},
                error_x=error_x,
                hovertext=[row_hover(r) for r in subset.itertuples()],
                hoverinfo="text",
                showlegend=False,
                meta={**meta, "label": label_kind},
            ),
            row=index,
            col=1,
        )


def _text(text: str, x: float, y: float, yref: str, name: str, yanchor: str, size: int = LABEL_FONT, **extra) -> dict:
    """A left-aligned annotation of the map (a row label, a lane title or the note)."""
    return {
        "text": text,
        "xref": "paper",
        "yref": yref,
        "x": x,
        "y": y,
        "xanchor": "left",
        "yanchor": yanchor,
        "showarrow": False,
        "font": {"size": size},
        "align": "left",
        "name": name,
        **extra,
    }


def _row_bands(fig: go.Figure, rows: pd.DataFrame, axis: str) -> None:
    """Faint bands behind every other row, from its label across to its point, to lead the eye along a row.

    Decoration, not data: the band is far below 3:1 on purpose (each row's label is also level with
    its point, and the table under the figure lists every row), and it is light enough that text
    and marks on it keep their contrast in both themes.
    """
    for position in range(0, len(rows), 2):
        fig.add_shape(
            type="rect",
            xref="paper",
            yref=f"y{axis}",
            x0=0,
            x1=1,
            y0=position - 0.5,
            y1=position + 0.5,
            fillcolor=BAND_COLOUR,
            line={"width": 0},
            layer="below",
            name=f"row_band_{rows['row_id'].iloc[position]}",
        )


def _draw_lane(fig: go.Figure, geometry: dict, lane: str, index: int, paper_y) -> list[dict]:
    """One lane's points, axes, line of no difference and row bands; returns its title, row labels (and note)."""
    rows, axis = geometry["lanes"][lane], "" if index == 1 else str(index)
    top, bottom = geometry["spans"][lane]
    row_px = geometry["row_px"][lane]
    _lane_points(fig, lane, rows, index)
    _row_bands(fig, rows, axis)
    texts = [_text(geometry["titles"][lane], 0, paper_y(top - 6), "paper", f"lane_{lane}", "bottom", size=13)]
    texts += [
        _text(label, 0, position, f"y{axis}", f"row_{row.row_id}", "middle")
        for position, (row, label) in enumerate(zip(rows.itertuples(), geometry["labels"][lane], strict=True))
    ]
    # y range: row i is centred in its own band of row_px; MDMA's note takes the band below its rows.
    fig.update_yaxes(
        domain=[paper_y(bottom), paper_y(top)],
        range=[(bottom - top) / row_px - 0.5, -0.5],
        showticklabels=False,
        showgrid=False,
        zeroline=False,
        fixedrange=True,
        row=index,
        col=1,
    )
    fig.update_xaxes(
        domain=[LABEL_SHARE, 1],
        title_text=geometry["axis_titles"][lane],
        title_font={"size": LABEL_FONT},
        title_standoff=4,
        tickfont={"size": LABEL_FONT},
        zeroline=False,
        fixedrange=True,
        automargin=False,
        row=index,
        col=1,
    )
    return texts


def evidence_map_figure(table: pd.DataFrame) -> go.Figure:
    """The evidence map: one panel (lane) per kind of number, each with its own axis; MDMA first, in its own lane.

    Points are published estimates with their intervals where given (at the level each source gives); hollow
    markers are numbers read only in a secondary report (label S), filled ones
    were read in the primary source (label P). Each row's label is level with its
    own point, in a column to the left of the panels, wrapped to fit a phone's
    width; every row is tall enough for its label, so a label never reaches a
    neighbouring row, and every other row has a faint band behind it. Hover gives
    each number's kind, label and source. A dotted line marks no difference in
    each comparative lane. MDMA's depression result inside PTSD trials is a
    different kind of number, so it is written in MDMA's lane, not drawn on its axis.
    """
    geometry = _map_geometry(table)
    height = geometry["height"]

    def paper_y(px: float) -> float:
        return 1 - px / geometry["inner_height"]

    fig = make_subplots(rows=len(LANES), cols=1)
    lane_titles, notes = [], []
    for index, lane in enumerate(LANES, start=1):
        title, *labels = _draw_lane(fig, geometry, lane, index, paper_y)
        lane_titles.append(title)
        notes += labels
        if lane == "mdma":
            top = geometry["spans"][lane][0] + len(geometry["lanes"][lane]) * geometry["row_px"][lane]
            note = _text(geometry["note"], 0, paper_y(top + 4), "paper", "mdma_ptsd_note", "top")
            notes.append(note | {"hovertext": row_hover(note_row(table))})
        else:
            fig.add_vline(x=0, line={"dash": "dot", "color": INK, "width": 1.5}, row=index, col=1)
    fig.update_xaxes(range=[-25, 0], row=1, col=1)
    fig.update_layout(
        template=BOOK_TEMPLATE,
        height=height,
        margin=MAP_MARGIN,
        hovermode="closest",
        hoverlabel={"font": {"size": 13}, "align": "left"},
        title=title_style(
            "What kind of evidence each treatment has", 1 - 14 / height, size=16, xref="paper", yanchor="top"
        ),
        annotations=[*lane_titles, *notes],
        meta={
            "description": "Evidence map: for MDMA-assisted therapy and other treatments for hard-to-treat depression, "
            "published estimates in separate panels by kind of number, each with its own axis; each row's label "
            "sits level with its point."
        },
    )
    return fig


def evidence_base_table(table: pd.DataFrame) -> pd.DataFrame:
    """The text alternative: every number in the map with its kind, label and source, in the figure's order."""
    rows = pd.concat([table[table["lane"] == place] for place in PLACES], ignore_index=True)
    return pd.DataFrame(
        {
            "Treatment (indication)": [f"{r.treatment} ({r.indication})" for r in rows.itertuples()],
            "Design": rows["design"],
            "Outcome": [f"{r.outcome_measure}, {r.scale}, {r.timepoint}" for r in rows.itertuples()],
            "Estimate (interval, with its level)": [
                f"{r.estimate:g}"
                + (
                    ""
                    if pd.isna(r.ci_low)
                    else f" ({interval_text(r.ci_level, format(r.ci_low, 'g'), format(r.ci_high, 'g'))})"
                )
                + f" {r.unit}"
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
    """Regulatory status by treatment and region, with its date, the day it was checked and its label, as a reader-facing table."""
    return pd.DataFrame(
        {
            "Treatment": status["treatment"],
            "Region": status["region"],
            "Status": status["standing"],
            "As of": status["as_of"],
            "Checked on": status["checked_on"],
            "Label": [f"{label}, {kind}" for label, kind in zip(status["label"], status["peer_review"], strict=True)],
            "Source": [short_citation(k) for k in status["source_key"]],
        }
    )
