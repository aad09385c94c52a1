"""Figure builders for the explainer chapters: how MDMA acts and what treatment involves.

Pure functions from validated data (or the fitted model) to plotly figures:
the mechanism diagram (chapter 2), the concentration model (chapter 2), the
treatment-course timeline (chapter 4) and the history timeline (chapter 1).
They use only scatter and bar traces, shapes, annotations, buttons and
sliders, which the book's self-hosted plotly.js basic bundle can draw, and
every control works in static HTML without a kernel.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from mdma_book.citations import short_citation
from mdma_book.evidence import STATUSES
from mdma_book.mechanism import EVIDENCE, PATHWAYS, in_pathway
from mdma_book.pharmacokinetics import SIMULATED_HOURS, EffectDurations, OneCompartmentModel
from mdma_book.theme import BOOK_TEMPLATE, NEUTRAL_COLOUR
from mdma_book.timelines import CATEGORIES, COURSES, TIMINGS, readable_date

BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION = BOOK_TEMPLATE.layout.colorway  # Okabe–Ito

#: Menus keep plotly's white background, so their text is dark in both page themes.
MENU_STYLE = {"bgcolor": "white", "bordercolor": NEUTRAL_COLOUR, "font": {"color": "#222", "size": 13}}
DIMMED = 0.15


def _wrap(text: str, width: int) -> str:
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False))


def _source_line(source_key: str, status: str) -> str:
    return f"Source: {short_citation(source_key)} ({STATUSES[status].split(' (')[0]})"


def _rgba(hex_colour: str, alpha: float) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


# --- Mechanism diagram -------------------------------------------------------

#: Evidence kinds drawn with colour, line dash and a glyph, so colour is never the only cue.
EVIDENCE_STYLE = {
    "human trial": {"colour": BLUE, "dash": "solid", "glyph": "●"},
    "human lab study": {"colour": GREEN, "dash": "dash", "glyph": "■"},
    "cell or animal study": {"colour": PURPLE, "dash": "dashdot", "glyph": "◆"},
    "hypothesis": {"colour": NEUTRAL_COLOUR, "dash": "dot", "glyph": "?"},
}
LABEL_WIDTH = 13  # characters per line inside a box: four boxes fit across a phone

# Where the arrows meet the boxes.
#
# The boxes are annotations, so their size is fixed in pixels, while the x axis
# stretches with the page: one data unit is about 70 px wide on a phone and
# 160 px on a desktop. An end point clipped to the box in data units (or a pixel
# standoff along a diagonal, whose direction on screen also changes with the
# width) can only be right at one width. Fixing the x-to-y pixel ratio instead
# would leave the diagram either too narrow on a desktop or too short on a phone.
#
# The y axis, though, has a fixed pixel scale: the figure height and its margins
# are fixed (the bottom margin already holds the legend at its tallest, on a
# phone, so the legend never pushes it). So an arrow leaves its source through
# the bottom edge of the box and enters its target through the top edge: both
# edges lie a known number of pixels, hence a known number of y units, above or
# below the centre, at every width. The box height is set explicitly (a whole
# number of text lines), so it does not depend on the reader's font. Along the
# edge, the end point sits where the centre-to-centre line crosses it, kept
# within the part of the edge that stays inside the box up to the widest plot.
# Boxes in the same row are joined side to side: that arrow is horizontal on
# screen at any width, so plotly's pixel `marker.standoff` and line back-off
# stop it at the box's estimated half-width.
BOX_FONT_SIZE = 10.5
BOX_LINE_PX = 1.3 * BOX_FONT_SIZE  # plotly's spacing between lines of text
BOX_PAD_PX, BOX_BORDER_PX = 3, 1.5
#: Width of box text in em, by kind of character, measured for DejaVu Sans (the
#: system-ui font of Linux); the system fonts of phones, Macs and Windows are a
#: little narrower, so an arrow that meets a box from the side may stop a pixel
#: or two short there, never inside the box.
NARROW_CHARS, WIDE_CHARS = set("fijlrtI()[]'.,:;- "), set("mwMW●■◆")
NARROW_EM, WIDE_EM, CAPITAL_EM, OTHER_EM = 0.32, 0.9, 0.7, 0.58
FIGURE_HEIGHT = 770
MARGIN = {"l": 4, "r": 4, "t": 96, "b": 100}
#: The widest the plot area gets in the book's text column (782 px measured).
WIDEST_PLOT_PX = 800
#: How far along a top or bottom edge, as a share of the box's half-width at the widest plot, an arrow may end.
EDGE_REACH = 0.75
#: Where the hover point of an edge sits, as a share of the drawn line from its source.
HOVER_AT = 0.4


def _box_lines(row) -> list[str]:
    return textwrap.wrap(f"{EVIDENCE_STYLE[row.evidence]['glyph']} {row.label}", LABEL_WIDTH, break_long_words=False)


def _text_px(line: str) -> float:
    def em(char: str) -> float:
        if char in NARROW_CHARS:
            return NARROW_EM
        if char in WIDE_CHARS:
            return WIDE_EM
        return CAPITAL_EM if char.isupper() else OTHER_EM

    return sum(map(em, line)) * BOX_FONT_SIZE


def _box_half_px(lines: list[str]) -> tuple[float, float]:
    """Half the width and half the height of a box of text ``lines`` on screen, in pixels, border included."""
    border = BOX_PAD_PX + BOX_BORDER_PX
    # plotly rounds the box's outer size to whole pixels; its height is set explicitly (see mechanism_diagram)
    width = np.floor(max(map(_text_px, lines)) + 2 * border + 0.5)
    height = np.floor(len(lines) * BOX_LINE_PX + 2 * border + 0.5)
    return float(width) / 2, float(height) / 2


def _edge_ends(start, end, half_start, half_end, px_per_unit):
    """Where an edge leaves its source box, where its hover point sits, and where it enters its target box.

    ``start`` and ``end`` are box centres in data units, ``half_*`` the boxes'
    half-sizes in pixels and ``px_per_unit`` the pixels per data unit of the x
    axis at the widest plot and of the y axis. Returns the three points in data
    units and the pixel standoffs to add at each end (zero unless the boxes
    share a row).
    """
    (x0, y0), (x1, y1) = start, end
    x_px, y_px = px_per_unit
    gap_px = abs(y1 - y0) * y_px - half_start[1] - half_end[1]
    if gap_px <= 0:  # side by side: join the facing sides, horizontally on screen, where both boxes span
        top = max(y0 - half_start[1] / y_px, y1 - half_end[1] / y_px)
        bottom = min(y0 + half_start[1] / y_px, y1 + half_end[1] / y_px)
        y = (top + bottom) / 2
        return (x0, y), ((x0 + x1) / 2, y), (x1, y), (half_start[0], half_end[0])
    down = 1 if y1 > y0 else -1  # the y axis is reversed: larger y is lower on the page
    slope = (x1 - x0) / abs(y1 - y0)  # x units per y unit of the centre-to-centre line

    def along_edge(half):
        reach = EDGE_REACH * half[0] / x_px
        return float(np.clip(slope * half[1] / y_px, -reach, reach))

    first = (x0 + along_edge(half_start), y0 + down * half_start[1] / y_px)
    last = (x1 - along_edge(half_end), y1 - down * half_end[1] / y_px)
    # The hover point sits early on the line, clear of the arrowhead, and in the first gap between
    # rows (half a row past the source's centre at most), so that it never lands on a box in between.
    span = abs(last[1] - first[1])
    share = min(HOVER_AT * span, 0.5 - half_start[1] / y_px) / span
    hover = (first[0] + share * (last[0] - first[0]), first[1] + share * (last[1] - first[1]))
    return first, hover, last, (0.0, 0.0)


def _node_hover(row) -> str:
    return (
        f"<b>{row.label}</b><br>{_wrap(row.explanation, 48)}<br>"
        f"Evidence: {EVIDENCE[row.evidence]}<br>{_source_line(row.source_key, row.status)}"
    )


def _pathway_title(pathway: str | None) -> str:
    return "How MDMA acts: all pathways" if pathway is None else f"How MDMA acts: {PATHWAYS[pathway].lower()} pathway"


def mechanism_diagram(nodes: pd.DataFrame, edges: pd.DataFrame) -> go.Figure:
    """Flow diagram of how MDMA is thought to act, from the drug to trial outcomes and side effects.

    ``nodes`` and ``edges`` come from :func:`mdma_book.mechanism.mechanism_graph`.
    Each node is a box (an annotation) at its (x, y); each edge is a line with
    an arrowhead and a hover point. Colour, line dash and a glyph show the kind
    of evidence; hover gives the explanation and the source. Buttons highlight
    one pathway and dim the rest.
    """
    position = {row.node_id: (row.x, row.y) for row in nodes.itertuples()}
    labels = dict(zip(nodes["node_id"], nodes["label"], strict=True))
    half_px = {row.node_id: _box_half_px(_box_lines(row)) for row in nodes.itertuples()}
    x_range = [nodes["x"].min() - 0.6, nodes["x"].max() + 0.65]
    y_range = [nodes["y"].max() + 0.55, nodes["y"].min() - 0.5]
    px_per_unit = (
        WIDEST_PLOT_PX / (x_range[1] - x_range[0]),
        (FIGURE_HEIGHT - MARGIN["t"] - MARGIN["b"]) / (y_range[0] - y_range[1]),
    )
    fig = go.Figure()
    for edge in edges.itertuples():
        (x0, y0), mid, (x1, y1), (standoff0, standoff1) = _edge_ends(
            position[edge.from_node],
            position[edge.to_node],
            half_px[edge.from_node],
            half_px[edge.to_node],
            px_per_unit,
        )
        if standoff0 or standoff1:
            # Two runs out from the hover point, each backed off in pixels at its box (plotly backs a
            # line off at the end of a run only). The second run starts a hair before the hover point,
            # because a marker whose angle follows the previous point is not drawn without one.
            hair = (mid[0] + (x0 - mid[0]) / 100, mid[1] + (y0 - mid[1]) / 100)
            x, y = [mid[0], x0, None, hair[0], mid[0], x1], [mid[1], y0, None, hair[1], mid[1], y1]
            marker = {
                "size": [0, 0, 0, 0, 9, 11],
                "symbol": ["circle"] * 5 + ["arrow"],
                "standoff": [0, standoff0, 0, 0, 0, standoff1],
            }
        else:
            x, y = [x0, mid[0], x1], [y0, mid[1], y1]
            marker = {"size": [0, 9, 11], "symbol": ["circle", "circle", "arrow"]}
        style = EVIDENCE_STYLE[edge.evidence]
        hover = (
            f"<b>{labels[edge.from_node]} → {labels[edge.to_node]}</b><br>{_wrap(edge.explanation, 48)}<br>"
            f"Evidence: {EVIDENCE[edge.evidence]}<br>{_source_line(edge.source_key, edge.status)}"
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="lines+markers",
                line={"color": style["colour"], "dash": style["dash"], "width": 1.6},
                # Opaque and without plotly's default white outline for sized markers, so the tip is on the border.
                marker={**marker, "angleref": "previous", "color": style["colour"], "opacity": 1, "line": {"width": 0}},
                hovertext=[hover] * len(x),
                hoverinfo="text",
                showlegend=False,
                meta={
                    "edge": f"{edge.from_node}->{edge.to_node}",
                    "pathways": edge.pathways if isinstance(edge.pathways, str) else "",
                },
            )
        )
    edge_count = len(fig.data)
    for kind, style in EVIDENCE_STYLE.items():  # legend only: what colour, dash and glyph mean
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                name=f"{style['glyph']} {EVIDENCE[kind].split(',')[0]}",
                line={"color": style["colour"], "dash": style["dash"], "width": 2},
                hoverinfo="skip",
            )
        )
    annotations = []
    for row in nodes.itertuples():
        style, lines = EVIDENCE_STYLE[row.evidence], _box_lines(row)
        annotations.append(
            {
                "x": row.x,
                "y": row.y,
                "xref": "x",
                "yref": "y",
                "showarrow": False,
                "text": "<br>".join(lines),
                "font": {"size": BOX_FONT_SIZE},
                "align": "center",
                "height": len(lines) * BOX_LINE_PX,
                "bgcolor": _rgba(style["colour"], 0.18),
                "bordercolor": style["colour"],
                "borderwidth": BOX_BORDER_PX,
                "borderpad": BOX_PAD_PX,
                "hovertext": _node_hover(row),
                "opacity": 1,
                "name": row.node_id,
            }
        )

    def highlight(pathway: str | None) -> dict:
        def opacity(pathways) -> float:
            return 1.0 if pathway is None or in_pathway(pathways, pathway) else DIMMED

        return {
            "label": "All" if pathway is None else PATHWAYS[pathway],
            "method": "update",
            "args": [
                {"opacity": [opacity(edge.pathways) for edge in edges.itertuples()]},
                {
                    "title.text": _pathway_title(pathway),
                    **{f"annotations[{i}].opacity": opacity(row.pathways) for i, row in enumerate(nodes.itertuples())},
                },
                list(range(edge_count)),
            ],
        }

    fig.update_layout(
        template=BOOK_TEMPLATE,
        title={"text": _pathway_title(None), "font": {"size": 15}, "x": 0, "xanchor": "left", "y": 0.985},
        annotations=annotations,
        xaxis={"visible": False, "range": x_range, "fixedrange": True},
        yaxis={"visible": False, "range": y_range, "fixedrange": True},
        height=FIGURE_HEIGHT,
        margin=MARGIN,
        hovermode="closest",
        legend={
            "orientation": "h",
            "y": -0.01,
            "yanchor": "top",
            "x": 0,
            "xanchor": "left",
            "itemclick": False,
            "itemdoubleclick": False,
            "font": {"size": 12},
        },
        updatemenus=[
            {
                "type": "buttons",
                "direction": "right",
                "buttons": [highlight(None)] + [highlight(p) for p in PATHWAYS],
                "x": 0,
                "xanchor": "left",
                "y": 1.045,
                "yanchor": "bottom",
                "pad": {"r": 4, "t": 0},
                "showactive": True,
                "active": 0,
                **MENU_STYLE,
            }
        ],
        meta={
            "description": "Flow diagram of how MDMA is thought to act, from the drug through transporters and messengers to felt effects, therapy, trial outcomes and side effects."
        },
    )
    return fig


# --- Concentration model -----------------------------------------------------

CURVE_STEP_H = 0.1

#: Printed on the chart itself, not only in the prose: where the linear model errs, and in which direction.
# Short lines, so that the whole warning fits above the curve on a phone.
LINEAR_MODEL_WARNING = (
    "Linear teaching model. Real levels rise more<br>"
    "than in proportion to a larger or repeated<br>"
    "dose, so after a supplement this line is<br>"
    "likely too low."
)


def _dose_hover(time_h: float, dose_mg: float, order: int, label: str) -> str:
    kind = "First dose" if order == 0 else "Supplemental dose"
    return f"{kind}: {dose_mg:g} mg at {time_h:g} h<br>{label}<extra></extra>"


def concentration_figure(
    model: OneCompartmentModel,
    durations: EffectDurations,
    measured_peaks: pd.DataFrame,
    regimens: dict[str, tuple[str, list[tuple[float, float]]]],
    initial_regimen: str | None = None,
) -> go.Figure:
    """Modelled plasma MDMA (ng/mL) over 24 h for the regimens studies used, with bands for how long effects and sessions last.

    ``regimens`` maps a regimen id to its label and its doses as (time in h,
    dose in mg), as :func:`mdma_book.pharmacokinetics.regimen_doses` returns
    them: the laboratory dose the model is fitted to and the doses the Phase 3
    trials gave. A menu switches between these named regimens only; there is no
    control that sets a dose. ``measured_peaks`` (columns dose_mg, tmax_h,
    cmax_ng_ml, source_key) are drawn as crosses, and the model's own peak for
    the lower measured dose as a ring beside its cross, so the reader sees the
    model miss. The lower panel shows the mean duration (± SD) of the felt
    effects of one dose, with a supplement when the regimen has one, and the
    length of a trial session, each with its source. A teaching model of
    concentration that reports what studies did; it gives no dosing advice.
    """
    if not regimens:
        raise ValueError("the concentration figure needs at least one named regimen")
    initial_regimen = initial_regimen or next(iter(regimens))
    if initial_regimen not in regimens:
        raise ValueError(f"unknown regimen {initial_regimen!r}; choose one of {list(regimens)}")
    times = np.arange(0, SIMULATED_HOURS + CURVE_STEP_H / 2, CURVE_STEP_H)
    curves = {rid: model.concentration_ng_ml(times, doses) for rid, (_, doses) in regimens.items()}
    fit_dose = float(measured_peaks["dose_mg"].max())
    y_top = max(max(c.max() for c in curves.values()), measured_peaks["cmax_ng_ml"].max()) * 1.3

    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.72, 0.28], vertical_spacing=0.06)
    for rid, (label, doses) in regimens.items():
        shown = rid == initial_regimen
        fig.add_trace(
            go.Scatter(
                x=times,
                y=curves[rid],
                mode="lines",
                line={"color": BLUE, "width": 3},
                hovertemplate=f"%{{x:.1f}} h: %{{y:.0f}} ng/mL (model)<extra>{label}</extra>",
                visible=shown,
                showlegend=False,
                meta={"role": "curve", "regimen": rid},
            ),
            row=1,
            col=1,
        )
        for order, (time_h, dose_mg) in enumerate(doses):
            fig.add_trace(
                go.Scatter(
                    x=[time_h],
                    y=[0],
                    mode="markers+text",
                    cliponaxis=False,
                    # The supplement's label sits to its right, on the baseline, clear of the first dose's label above.
                    text=[f"{dose_mg:g} mg" if order == 0 else f"+{dose_mg:g} mg"],
                    textposition="top right" if order == 0 else "middle right",
                    marker={"symbol": "triangle-up", "size": 13, "color": BLUE if order == 0 else VERMILLION},
                    hovertemplate=_dose_hover(time_h, dose_mg, order, label),
                    visible=shown,
                    showlegend=False,
                    meta={"role": "dose_marker", "regimen": rid, "dose_order": order + 1},
                ),
                row=1,
                col=1,
            )
    low = measured_peaks[measured_peaks["dose_mg"] < fit_dose]
    modelled_low = [model.concentration_ng_ml(np.array([model.tmax_h]), [(0.0, d)])[0] for d in low["dose_mg"]]
    fig.add_trace(
        go.Scatter(
            x=measured_peaks["tmax_h"],
            y=measured_peaks["cmax_ng_ml"],
            mode="markers+text",
            text=[f"{d:g} mg, measured" for d in measured_peaks["dose_mg"]],
            cliponaxis=False,
            # The lower dose's label goes below, clear of the model's ring beside its cross.
            textposition=["middle right" if d == fit_dose else "bottom right" for d in measured_peaks["dose_mg"]],
            marker={"symbol": "x-thin", "size": 11, "line": {"width": 2.5, "color": VERMILLION}},
            hovertext=[
                f"Measured mean peak after {d:g} mg: {c:g} ng/mL at {t:g} h<br>Source: {short_citation(k)}"
                for d, c, t, k in zip(
                    measured_peaks["dose_mg"],
                    measured_peaks["cmax_ng_ml"],
                    measured_peaks["tmax_h"],
                    measured_peaks["source_key"],
                    strict=True,
                )
            ],
            hoverinfo="text",
            showlegend=False,
            meta={"role": "measured"},
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=[model.tmax_h] * len(low),
            y=modelled_low,
            mode="markers",
            cliponaxis=False,
            marker={"symbol": "circle-open", "size": 12, "line": {"width": 2}, "color": BLUE},
            hovertext=[
                f"The model scaled down to {d:g} mg peaks at {m:.0f} ng/mL; the study measured {c:g}.<br>"
                f"Fitted at {fit_dose:g} mg, the linear model is too high at a lower dose,<br>because real levels are not proportional to the dose."
                for d, m, c in zip(low["dose_mg"], modelled_low, low["cmax_ng_ml"], strict=True)
            ],
            hoverinfo="text",
            showlegend=False,
            meta={"role": "model_at_lower_dose"},
        ),
        row=1,
        col=1,
    )
    bands = [
        (
            "session",
            durations.session_h,
            0.0,
            NEUTRAL_COLOUR,
            "",
            f"Trial session ({durations.session_h:g} h)",
            f"Each experimental session was scheduled for about {durations.session_h:g} hours<br>Source: {short_citation(durations.session_source)}",
        ),
        (
            "single",
            durations.single_mean_h,
            durations.single_sd_h,
            BLUE,
            "",
            f"Felt effects, one dose ({durations.single_mean_h:g} ± {durations.single_sd_h:g} h)",
            f"Mean duration of the felt effects of one dose in laboratory studies: {durations.single_mean_h:g} ± {durations.single_sd_h:g} h (SD)"
            f"<br>Source: {short_citation(durations.single_source)}",
        ),
        (
            "booster",
            durations.booster_mean_h,
            durations.booster_sd_h,
            ORANGE,
            "/",
            f"With a supplement* ({durations.booster_mean_h:g} ± {durations.booster_sd_h:g} h)",
            f"One laboratory study: {durations.booster_mean_h:g} ± {durations.booster_sd_h:g} h with a supplemental dose,"
            f"<br>{durations.booster_single_mean_h:g} ± {durations.booster_single_sd_h:g} h without. *Read in a secondary summary only"
            f"<br>Source: {short_citation(durations.booster_source)}",
        ),
    ]
    has_supplement = {rid: len(doses) > 1 for rid, (_, doses) in regimens.items()}
    band_rows = ["booster", "single", "session"]  # bottom to top
    annotations = [
        {
            "x": 0.99,
            "y": 0.99,
            "xref": "x domain",
            "yref": "y domain",
            "xanchor": "right",
            "yanchor": "top",
            "align": "right",
            "text": LINEAR_MODEL_WARNING,
            "showarrow": False,
            "font": {"size": 11, "color": VERMILLION},
            "name": "linear_model_warning",
        }
    ]
    for name, length, sd, colour, pattern, label, hover in bands:
        shown = name != "booster" or has_supplement[initial_regimen]
        fig.add_trace(
            go.Bar(
                x=[length],
                base=[0],
                y=[band_rows.index(name)],
                orientation="h",
                width=0.6,
                marker={
                    "color": colour,
                    "pattern": {"shape": pattern, "fillmode": "overlay", "fgcolor": "rgba(255,255,255,0.6)"},
                },
                error_x={
                    "type": "data",
                    "array": [sd],
                    "visible": sd > 0,
                    "thickness": 1.5,
                    "width": 5,
                    "color": colour,
                },
                hovertext=[hover],
                hoverinfo="text",
                showlegend=False,
                visible=shown,
                meta={"role": f"band_{name}"},
            ),
            row=2,
            col=1,
        )
        annotations.append(
            {
                "x": length + sd + 0.4,
                "y": band_rows.index(name),
                "xref": "x2",
                "yref": "y2",
                "text": label,
                "showarrow": False,
                "xanchor": "left",
                "font": {"size": 12},
                "visible": shown,
                "name": f"band_{name}",
            }
        )
    booster_note = next(i for i, note in enumerate(annotations) if note["name"] == "band_booster")

    def show(rid: str) -> dict:
        visible = []
        for trace in fig.data:
            role = trace.meta["role"]
            visible.append(
                trace.meta["regimen"] == rid
                if role in {"curve", "dose_marker"}
                else has_supplement[rid]
                if role == "band_booster"
                else True
            )
        return {
            "label": regimens[rid][0],
            "method": "update",
            "args": [{"visible": visible}, {f"annotations[{booster_note}].visible": has_supplement[rid]}],
        }

    menus = []
    if len(regimens) > 1:
        menus.append(
            {
                "type": "dropdown",
                "buttons": [show(rid) for rid in regimens],
                "active": list(regimens).index(initial_regimen),
                "x": 0,
                "xanchor": "left",
                "y": 1.02,
                "yanchor": "bottom",
                "showactive": True,
                **MENU_STYLE,
            }
        )
    fig.update_layout(
        template=BOOK_TEMPLATE,
        title={
            "text": "Modelled MDMA in the blood over 24 hours",
            "font": {"size": 15},
            "x": 0,
            "xanchor": "left",
            "y": 0.98,
        },
        height=660,
        margin={"l": 62, "r": 14, "t": 104, "b": 60},
        bargap=0.3,
        annotations=annotations,
        updatemenus=menus,
        showlegend=False,
        hovermode="closest",
        meta={
            "description": "Line chart of modelled plasma MDMA concentration over 24 hours for the regimens studies used, "
            "with bars for how long the felt effects and a trial session last."
        },
    )
    fig.update_yaxes(title_text="Plasma MDMA (ng/mL)", range=[0, y_top], fixedrange=True, row=1, col=1)
    fig.update_yaxes(visible=False, range=[-0.6, 2.6], fixedrange=True, row=2, col=1)
    fig.update_xaxes(range=[-0.3, SIMULATED_HOURS], dtick=4, fixedrange=True)
    fig.update_xaxes(title_text="Hours after the first dose", row=2, col=1)
    return fig


# --- Treatment-course timeline -------------------------------------------------

COMPONENT_STYLE = {
    "preparation": {"name": "Preparation sessions", "colour": SKY, "pattern": "."},
    "integration": {"name": "Integration sessions", "colour": GREEN, "pattern": "/"},
    "medication": {"name": "Antidepressant taken daily", "colour": ORANGE, "pattern": "-"},
    "dosing": {"name": "Dosing session", "colour": BLUE, "symbol": "diamond"},
    "endpoint": {"name": "Primary endpoint", "colour": VERMILLION, "symbol": "star"},
    "milestone": {"name": "", "colour": ORANGE, "symbol": "circle-open"},  # named by its row's label
}
COURSE_ROW = {"MAPP1": 1.0, "MAPP2": 1.0, "STAR*D level 1": 0.0}


def _course_hover(row) -> str:
    sessions = f"{row.sessions:.0f} session{'s' if row.sessions > 1 else ''}" if pd.notna(row.sessions) else ""
    hours = f", about {row.hours_each:g} hours" if pd.notna(row.hours_each) else ""
    when = f"weeks {row.start_week:g}–{row.end_week:g}" if pd.notna(row.end_week) else f"week {row.start_week:g}"
    lines = [f"<b>{row.label}</b> ({row.course}, {when})", _wrap(row.description, 50)]
    if sessions:
        lines.append(sessions + hours)
    lines += [_wrap(TIMINGS[row.timing].capitalize(), 50), _source_line(row.source_key, row.status)]
    return "<br>".join(lines)


def treatment_course_figure(course: pd.DataFrame, initial_course: str = "MAPP1") -> go.Figure:
    """Timeline in weeks of an MDMA-assisted therapy course beside a daily antidepressant course.

    ``course`` comes from :func:`mdma_book.timelines.treatment_course`. A
    dropdown switches the upper row between the MAPP1 and MAPP2 protocols;
    the lower row is STAR*D's first step (citalopram). Hover tells what
    happens in each part, whether its timing is reported or approximate, and
    the source.
    """
    therapy_courses = [c for c in COURSES if c != "STAR*D level 1" and c in set(course["course"])]
    if initial_course not in therapy_courses:
        raise ValueError(f"unknown course {initial_course!r}; choose one of {therapy_courses}")
    fig = go.Figure()
    shown_in_legend = set()
    for row in course.itertuples():
        style = COMPONENT_STYLE.get(row.component)
        y = COURSE_ROW[row.course]
        visible = row.course == initial_course or row.course not in therapy_courses
        legend_key = (row.course, row.component)
        common = {
            "name": (style or {}).get("name") or row.label,
            "hovertext": [_course_hover(row)],
            "hoverinfo": "text",
            "visible": visible,
            "legendgroup": row.component,
            "showlegend": bool(style) and legend_key not in shown_in_legend,
            "meta": {"course": row.course, "component": row.component},
        }
        shown_in_legend.add(legend_key)
        if row.component == "treatment_period":
            fig.add_trace(
                go.Scatter(
                    x=[row.start_week, row.end_week],
                    y=[y + 0.42] * 2,
                    mode="lines+text",
                    text=["", f"{row.label}, about {row.end_week:g} weeks"],
                    textposition="top left",
                    line={"color": NEUTRAL_COLOUR, "width": 2},
                    **{**common, "showlegend": False},
                )
            )
        elif "pattern" in style:
            fig.add_trace(
                go.Bar(
                    x=[row.end_week - row.start_week],
                    base=[row.start_week],
                    y=[y],
                    orientation="h",
                    width=0.42,
                    marker={
                        "color": _rgba(style["colour"], 0.55),
                        "line": {"color": style["colour"], "width": 1.5},
                        "pattern": {"shape": style["pattern"], "fgcolor": style["colour"]},
                    },
                    **common,
                )
            )
        else:
            fig.add_trace(
                go.Scatter(
                    x=[row.start_week],
                    y=[y],
                    mode="markers",
                    marker={
                        "symbol": style["symbol"],
                        "size": 18,
                        "color": style["colour"],
                        "line": {"width": 1.5, "color": style["colour"]},
                    },
                    **common,
                )
            )
    labels = {c: COURSES[c] for c in COURSES}
    row_labels = [
        {
            "x": -0.4,
            "y": 1.42,
            "xref": "x",
            "yref": "y",
            "text": f"<b>{labels[initial_course]}</b>",
            "showarrow": False,
            "xanchor": "left",
            "yanchor": "bottom",
            "font": {"size": 13},
        },
        {
            "x": -0.4,
            "y": 0.3,
            "xref": "x",
            "yref": "y",
            "text": f"<b>{labels['STAR*D level 1']}</b>",
            "showarrow": False,
            "xanchor": "left",
            "yanchor": "bottom",
            "font": {"size": 13},
        },
    ]
    buttons = [
        {
            "label": name,
            "method": "update",
            "args": [
                {"visible": [t.meta["course"] == name or t.meta["course"] not in therapy_courses for t in fig.data]},
                {"annotations[0].text": f"<b>{labels[name]}</b>"},
            ],
        }
        for name in therapy_courses
    ]
    fig.update_layout(
        template=BOOK_TEMPLATE,
        title={
            "text": "A course of treatment, week by week",
            "font": {"size": 15},
            "x": 0,
            "xanchor": "left",
            "y": 0.97,
        },
        annotations=row_labels,
        barmode="overlay",
        height=520,
        hovermode="closest",
        margin={"l": 12, "r": 12, "t": 100, "b": 190},
        xaxis={
            "title": {"text": "Weeks from the start of treatment"},
            "range": [-0.5, 20],
            "dtick": 2,
            "fixedrange": True,
        },
        yaxis={"visible": False, "range": [-0.45, 2.05], "fixedrange": True},
        legend={
            "orientation": "h",
            "y": -0.45,
            "yanchor": "top",
            "x": 0,
            "xanchor": "left",
            "itemclick": False,
            "itemdoubleclick": False,
        },
        updatemenus=[
            {
                "type": "dropdown",
                "buttons": buttons,
                "active": therapy_courses.index(initial_course),
                "x": 0,
                "xanchor": "left",
                "y": 1.04,
                "yanchor": "bottom",
                "showactive": True,
                **MENU_STYLE,
            }
        ],
        meta={
            "description": "Timeline in weeks comparing a course of MDMA-assisted therapy in the trials with a course of a daily antidepressant."
        },
    )
    return fig


# --- History timeline ------------------------------------------------------------

CATEGORY_STYLE = {
    "research": {"colour": BLUE, "symbol": "circle"},
    "therapy": {"colour": GREEN, "symbol": "triangle-up"},
    "us_regulation": {"colour": VERMILLION, "symbol": "square"},
    "other_regulator": {"colour": ORANGE, "symbol": "diamond"},
}
LONG_GAP_YEARS = 10
GAP_SPACE = 0.8  # extra rows of space where years pass without an event


def history_timeline(events: pd.DataFrame) -> go.Figure:
    """Vertical timeline of MDMA's history and regulation, one row per event.

    ``events`` comes from :func:`mdma_book.timelines.history_events` (in date
    order). Rows are evenly spaced rather than to scale; where more than
    ten years pass between events, the gap is widened and labelled. Marker
    shape and colour give the kind of event; hover gives what happened and
    the source.
    """
    years = events["date"].str[:4].astype(int).tolist()
    y, position = [], 0.0
    gaps = []
    for i, year in enumerate(years):
        if i and year - years[i - 1] > LONG_GAP_YEARS:
            gaps.append((position - 1 + (1 + GAP_SPACE) / 2, year - years[i - 1]))
            position += GAP_SPACE
        y.append(position)
        position += 1
    events = events.assign(row=y)
    fig = go.Figure()
    spine = [v for start, end in zip(y, y[1:]) if end - start < 1.5 for v in (start, end, None)]
    fig.add_trace(
        go.Scatter(
            x=[0] * len(spine),
            y=spine,
            mode="lines",
            line={"color": NEUTRAL_COLOUR, "width": 2},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    dotted = [v for start, end in zip(y, y[1:]) if end - start >= 1.5 for v in (start, end, None)]
    fig.add_trace(
        go.Scatter(
            x=[0] * len(dotted),
            y=dotted,
            mode="lines",
            line={"color": NEUTRAL_COLOUR, "width": 2, "dash": "dot"},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    for category, style in CATEGORY_STYLE.items():
        rows = events[events["category"] == category]
        if rows.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=[0] * len(rows),
                y=rows["row"],
                mode="markers+text",
                name=CATEGORIES[category],
                text=[f"<b>{readable_date(e.date, e.end_date, short=True)}</b>  {e.label}" for e in rows.itertuples()],
                textposition="middle right",
                cliponaxis=False,
                marker={
                    "symbol": style["symbol"],
                    "size": 13,
                    "color": style["colour"],
                    "line": {"width": 1, "color": style["colour"]},
                },
                hovertext=[
                    f"<b>{readable_date(e.date, e.end_date)}: {e.label}</b><br>{_wrap(e.description, 50)}<br>Kind of evidence: {e.evidence_kind}<br>{_source_line(e.source_key, e.status)}"
                    for e in rows.itertuples()
                ],
                hoverinfo="text",
                meta={"category": category},
            )
        )
    notes = [
        {
            "x": 0.06,
            "y": at,
            "xref": "x",
            "yref": "y",
            "text": f"<i>{span} years pass</i>",
            "showarrow": False,
            "xanchor": "left",
            "font": {"size": 11, "color": NEUTRAL_COLOUR},
        }
        for at, span in gaps
    ]
    fig.update_layout(
        template=BOOK_TEMPLATE,
        title={
            "text": "MDMA from patent to regulators' decisions",
            "font": {"size": 15},
            "x": 0,
            "xanchor": "left",
            "y": 0.985,
        },
        annotations=notes,
        height=int(34 * position) + 150,
        hovermode="closest",
        margin={"l": 14, "r": 8, "t": 50, "b": 80},
        xaxis={"visible": False, "range": [-0.1, 1], "fixedrange": True},
        yaxis={"visible": False, "range": [position - 0.4, -0.6], "fixedrange": True},
        legend={
            "orientation": "h",
            "y": 0,
            "yanchor": "top",
            "x": 0,
            "xanchor": "left",
            "itemclick": False,
            "itemdoubleclick": False,
        },
        meta={"description": "Vertical timeline of MDMA's history and regulation from 1912 to 2025, not to scale."},
    )
    return fig
