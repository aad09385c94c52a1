"""The mechanism diagram (chapter 2): how MDMA is thought to act, from the drug to trial outcomes.

A pure function from the graph in :mod:`mdma_book.mechanism` to a plotly
figure; buttons (plotly ``updatemenus``) highlight one pathway, and the book's
page script turns them into native controls.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from mdma_book.mechanism import EVIDENCE, EVIDENCE_SHORT, PATHWAYS, in_pathway
from mdma_book.theme import (
    BLUE,
    BOOK_TEMPLATE,
    GREEN,
    MENU_STYLE,
    NEUTRAL_COLOUR,
    PURPLE,
    rgba,
    source_line,
    text_px,
    title_style,
    wrap,
)

DIMMED = 0.15

#: Evidence kinds drawn with colour, line dash and a glyph, so colour is never the only cue.
EVIDENCE_STYLE = {
    "human trial": {"colour": BLUE, "dash": "solid", "glyph": "●"},
    "human lab study": {"colour": GREEN, "dash": "dash", "glyph": "■"},
    "cell or animal study": {"colour": PURPLE, "dash": "dashdot", "glyph": "◆"},
    "hypothesis": {"colour": NEUTRAL_COLOUR, "dash": "dot", "glyph": "?"},
}
LABEL_WIDTH = 11  # characters per line inside a box: four boxes fit across a phone

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
BOX_FONT_SIZE = 12
BOX_LINE_PX = 1.3 * BOX_FONT_SIZE  # plotly's spacing between lines of text
BOX_PAD_PX, BOX_BORDER_PX = 3, 1.5
# Box text widths come from theme.text_px (measured for DejaVu Sans, the system-ui font of
# Linux); the system fonts of phones, Macs and Windows are a little narrower, so an arrow that
# meets a box from the side may stop a pixel or two short there, never inside the box.
FIGURE_HEIGHT = 770
MARGIN = {"l": 4, "r": 4, "t": 96, "b": 100}
#: The top margin on the book's page, where the title line alone stands above the plot.
PAGE_MARGIN_TOP_PX = 36
#: The widest the plot area gets in the book's text column (782 px measured).
WIDEST_PLOT_PX = 800
#: How far along a top or bottom edge, as a share of the box's half-width at the widest plot, an arrow may end.
EDGE_REACH = 0.75
#: Where the hover point of an edge sits, as a share of the drawn line from its source.
HOVER_AT = 0.4


def _box_lines(row) -> list[str]:
    return textwrap.wrap(f"{EVIDENCE_STYLE[row.evidence]['glyph']} {row.label}", LABEL_WIDTH, break_long_words=False)


def _text_px(line: str) -> float:
    return text_px(line, BOX_FONT_SIZE)


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
        f"<b>{row.label}</b><br>{wrap(row.explanation, 48)}<br>"
        f"Evidence: {EVIDENCE[row.evidence]}<br>{source_line(row.source_key, row.status)}"
    )


def _pathway_title(pathway: str | None) -> str:
    return "How MDMA acts: all pathways" if pathway is None else f"How MDMA acts: {PATHWAYS[pathway].lower()} pathway"


def _edge_trace(edge, position: dict, half_px: dict, labels: dict, px_per_unit) -> go.Scatter:
    """One edge: a line from box to box with an arrowhead at its end and a hover point in its middle."""
    (x0, y0), mid, (x1, y1), (standoff0, standoff1) = _edge_ends(
        position[edge.from_node], position[edge.to_node], half_px[edge.from_node], half_px[edge.to_node], px_per_unit
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
        f"<b>{labels[edge.from_node]} → {labels[edge.to_node]}</b><br>{wrap(edge.explanation, 48)}<br>"
        f"Evidence: {EVIDENCE[edge.evidence]}<br>{source_line(edge.source_key, edge.status)}"
    )
    return go.Scatter(
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


def _legend_trace(kind: str, style: dict) -> go.Scatter:
    """A legend entry only: what a colour, dash and glyph mean."""
    return go.Scatter(
        x=[None],
        y=[None],
        mode="lines",
        name=f"{style['glyph']} {EVIDENCE_SHORT[kind]}",
        line={"color": style["colour"], "dash": style["dash"], "width": 2},
        hoverinfo="skip",
    )


def _node_box(row) -> dict:
    """One node as a box: an annotation tinted with its kind of evidence."""
    style, lines = EVIDENCE_STYLE[row.evidence], _box_lines(row)
    return {
        "x": row.x,
        "y": row.y,
        "xref": "x",
        "yref": "y",
        "showarrow": False,
        "text": "<br>".join(lines),
        "font": {"size": BOX_FONT_SIZE},
        "align": "center",
        "height": len(lines) * BOX_LINE_PX,
        "bgcolor": rgba(style["colour"], 0.18),
        "bordercolor": style["colour"],
        "borderwidth": BOX_BORDER_PX,
        "borderpad": BOX_PAD_PX,
        "hovertext": _node_hover(row),
        "opacity": 1,
        "name": row.node_id,
    }


def _pathway_menu(nodes: pd.DataFrame, edges: pd.DataFrame, edge_count: int) -> dict:
    """Buttons that highlight one pathway by dimming the edges and boxes outside it (opacity, not visibility)."""

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

    return {
        "type": "buttons",
        "name": "Highlight a pathway",
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
    fig.add_traces([_edge_trace(edge, position, half_px, labels, px_per_unit) for edge in edges.itertuples()])
    edge_count = len(fig.data)
    fig.add_traces([_legend_trace(kind, style) for kind, style in EVIDENCE_STYLE.items()])
    fig.update_layout(
        template=BOOK_TEMPLATE,
        title=title_style(_pathway_title(None), 0.985),
        annotations=[_node_box(row) for row in nodes.itertuples()],
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
        updatemenus=[_pathway_menu(nodes, edges, edge_count)],
        meta={
            # On the page the pathway menu is a native control above the chart: the room kept for plotly's
            # menu was a 92 px band under the title on a phone. The margin and the height shrink together,
            # so the plot area keeps the pixel scale the arrows are computed for.
            "page_margin_top": PAGE_MARGIN_TOP_PX,
            "page_height": FIGURE_HEIGHT - (MARGIN["t"] - PAGE_MARGIN_TOP_PX),
            "description": "Flow diagram of how MDMA is thought to act, from the drug through transporters and messengers to felt effects, therapy, trial outcomes and side effects.",
        },
    )
    return fig
