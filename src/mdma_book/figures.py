"""Figure builders: pure functions from validated data to plotly figures.

A builder reads no files and keeps no state, so the static chapter, a live
widget and the tests all call the same function.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import plotly.graph_objects as go

from mdma_book.citations import short_citation
from mdma_book.evidence import ARMS, OUTCOMES, PTSD_OUTCOME_NAMES, PTSD_OUTCOMES, STATUSES
from mdma_book.stats import add_proportions
from mdma_book.synthesis import MEASURE_ABBREVIATIONS, SUBGROUPS
from mdma_book.theme import (
    BOOK_TEMPLATE,
    INK,
    MDMA_COLOUR,
    MENU_ABOVE_PLOT,
    NEUTRAL_COLOUR,
    ON_BLUE,
    ON_ORANGE,
    PATTERN_INK,
    ROLE_STYLE,
    signed,
    title_style,
    view_menu,
    wrap,
)


def _outcome_title(outcome: str) -> str:
    # Short enough for a phone; the caption under the figure says the rest.
    return f"{OUTCOMES[outcome]} at 18 weeks"


def _hover_text(row: pd.Series) -> str:
    status = "count derived from a reported percentage" if row.status == "derived" else STATUSES[row.status]
    return (
        f"<b>{row.study}: {row.arm}</b><br>"
        f"{OUTCOMES[row.outcome]}: {row.events} of {row.total} ({row.rate:.0f}%)<br>"
        f"95% CI {row.ci_low:.0f}–{row.ci_high:.0f}%<br>"
        f"Source: {short_citation(row.source_key)} ({status})"
    )


def _phase3_bar(rows: pd.DataFrame, arm: str, outcome: str, visible: bool) -> go.Bar:
    """One arm's bars (one per trial) for one outcome, with Wilson 95% intervals."""
    style = ROLE_STYLE["mdma" if arm == ARMS[0] else "control"]
    return go.Bar(
        name=arm[0].upper() + arm[1:],
        x=rows["study"],
        y=rows["rate"],
        error_y={
            "type": "data",
            "symmetric": False,
            "array": rows["ci_high"] - rows["rate"],
            "arrayminus": rows["rate"] - rows["ci_low"],
            "thickness": 2,
            "width": 6,
            "color": INK,
        },
        text=[f"{r:.0f}%" for r in rows["rate"]],
        textposition="auto",
        insidetextanchor="start",
        constraintext="none",
        insidetextfont={"color": ON_BLUE if arm == ARMS[0] else ON_ORANGE, "size": 13},
        outsidetextfont={"color": INK, "size": 13},
        marker={
            "color": style["color"],
            "pattern": {"shape": style["pattern"], "fillmode": "overlay", "fgcolor": PATTERN_INK},
        },
        hovertext=[_hover_text(r) for r in rows.itertuples()],
        hoverinfo="text",
        visible=visible,
        legendgroup=arm,
        showlegend=True,
        meta={"outcome": outcome},
    )


def phase3_outcome_rates(outcomes: pd.DataFrame, initial_outcome: str = "loss_of_diagnosis") -> go.Figure:
    """Bar chart of each Phase 3 arm's outcome rate with a dropdown to switch outcome.

    ``outcomes`` is the table from :func:`mdma_book.evidence.phase3_outcomes`.
    One bar per trial and arm, with Wilson 95% confidence intervals; hover gives
    n/N, the interval and the source. The dropdown (plotly ``updatemenus``)
    works in static HTML without a kernel.
    """
    if initial_outcome not in PTSD_OUTCOMES:
        raise ValueError(f"unknown outcome {initial_outcome!r}; choose one of {list(PTSD_OUTCOMES)}")
    table = add_proportions(outcomes)
    present = [o for o in PTSD_OUTCOMES if o in set(table["outcome"])]
    fig = go.Figure()
    for outcome in present:
        for arm in ARMS:
            rows = table[(table["outcome"] == outcome) & (table["arm"] == arm)]
            fig.add_trace(_phase3_bar(rows, arm, outcome, outcome == initial_outcome))
    menu = view_menu(
        fig,
        present,
        "Outcome",  # the label of the page's native control
        lambda trace, outcome: trace.meta["outcome"] == outcome,
        label=OUTCOMES.__getitem__,
        # plotly.js 3+ ignores a bare string title here; set title.text.
        relayout=lambda outcome: {"title.text": _outcome_title(outcome)},
        active=present.index(initial_outcome),
        **MENU_ABOVE_PLOT,
    )
    fig.update_layout(
        template=BOOK_TEMPLATE,
        title=title_style(_outcome_title(initial_outcome), 0.97),
        barmode="group",
        bargap=0.3,
        yaxis={"title": {"text": "Share of completers (%)"}, "range": [0, 100], "ticksuffix": "%"},
        # Legend under the plot: above it, it would collide with the menu on a phone.
        legend={"y": -0.12, "yanchor": "top", "x": 0, "xanchor": "left"},
        margin={"t": 100, "b": 90},
        updatemenus=[menu],
        meta={
            "description": "Bar chart of Phase 3 outcome rates per arm with 95% confidence intervals.",
            "page_margin_top": 56,  # no plotly menu on the page: the native control stands above the chart
        },
    )
    return fig


# --- Forest plots -------------------------------------------------------------

FOREST_AXES = {
    "risk_ratio": {
        "type": "log",
        "null": 1.0,
        "title": "Risk ratio (log scale)",
        "range": [-1.3, 1.9],
        "tickvals": [0.1, 0.3, 1, 3, 10, 30],
    },
    "risk_difference": {
        "type": "linear",
        "null": 0.0,
        "title": "Risk difference",
        "range": [-0.8, 1.0],
        "tickvals": [-0.8, -0.4, 0, 0.4, 0.8],
    },
    # Two lines: on one, the title is wider than a phone's plot area and is cut off.
    "hedges_g": {
        "type": "linear",
        "null": 0.0,
        "title": "Hedges' g (standardized<br>mean difference)",
        "range": [-3.0, 2.0],
        "tickvals": [-3, -2, -1, 0, 1, 2],
    },
}
POOLED_COLOUR = "#8a8a8a"  # mid grey: visible on the light and the dark page


def _forest_rows(table: pd.DataFrame):
    """Yield (y, tick label, row or None) from top to bottom, with a header per subgroup."""
    y = 0
    for phase, group in table[table["kind"] != "overall"].groupby("phase", sort=True):
        name, comparator = SUBGROUPS[int(phase)]
        yield y, f"<b>{name}</b><br><i>vs {comparator}</i>", None
        y -= 1
        for _, row in group.iterrows():
            label = row["label"] if row["kind"] == "study" else f"Subtotal (I² {row['i2_pct']:.0f}%)"
            yield y, label, row
            y -= 1
    overall = table[table["kind"] == "overall"].iloc[0]
    yield y, f"<b>All trials</b> (I² {overall['i2_pct']:.0f}%)", overall


def _ratio_text(value: float, low: float, high: float) -> str:
    """'1.42 (1.08 to 1.87)', with true minus signs."""
    return f"{signed(value, '.2f')} ({signed(low, '.2f')} to {signed(high, '.2f')})"


def _trial_squares(study_rows: list, measure: str, view: str) -> go.Scatter:
    """Each trial's estimate: a square sized by its weight, with its 95% interval."""
    return go.Scatter(
        x=[row["effect"] for _, row in study_rows],
        y=[y for y, _ in study_rows],
        mode="markers",
        name="Trial (square size = weight)",
        marker={
            "symbol": "square",
            "color": MDMA_COLOUR,
            "size": [7 + 2.2 * math.sqrt(row["weight_pct"]) for _, row in study_rows],
        },
        error_x={
            "type": "data",
            "symmetric": False,
            "thickness": 1.5,
            "width": 0,
            "color": MDMA_COLOUR,
            "array": [row["ci_high"] - row["effect"] for _, row in study_rows],
            "arrayminus": [row["effect"] - row["ci_low"] for _, row in study_rows],
        },
        hovertext=[
            f"<b>{row['label']}</b><br>{row['detail']}<br>{MEASURE_ABBREVIATIONS[measure]} {_ratio_text(row['effect'], row['ci_low'], row['ci_high'])}"
            f"<br>Weight {row['weight_pct']:.0f}%<br>Source: {short_citation(row['source_key'])}"
            for _, row in study_rows
        ],
        hoverinfo="text",
        cliponaxis=False,
        meta={"view": view},
    )


def _cut_intervals(study_rows: list, measure: str, view: str) -> list[go.Scatter]:
    """An interval that runs past the axis ends in an arrowhead at the axis' edge, so it is not read as ending there."""
    axis = FOREST_AXES[measure]
    edges = [10**end if axis["type"] == "log" else end for end in axis["range"]]
    cut = [
        (edge, y, symbol)
        for y, row in study_rows
        for edge, symbol, beyond in (
            (edges[0], "triangle-left", row["ci_low"] < edges[0]),
            (edges[1], "triangle-right", row["ci_high"] > edges[1]),
        )
        if beyond
    ]
    if not cut:
        return []
    return [
        go.Scatter(
            x=[c[0] for c in cut],
            y=[c[1] for c in cut],
            mode="markers",
            name="Interval continues beyond the axis",
            marker={"symbol": [c[2] for c in cut], "size": 10, "color": MDMA_COLOUR},
            hovertext=["The 95% CI continues beyond the edge of the axis"] * len(cut),
            hoverinfo="text",
            cliponaxis=False,
            showlegend=False,
            meta={"view": view},
        )
    ]


def _pooled_diamond(y: float, row, measure: str, view: str) -> go.Scatter:
    """A pooled estimate: a diamond as wide as its 95% interval."""
    low, value, high = row["ci_low"], row["effect"], row["ci_high"]
    return go.Scatter(
        x=[low, value, high, value, low],
        y=[y, y + 0.28, y, y - 0.28, y],
        fill="toself",
        mode="lines",
        fillcolor=POOLED_COLOUR,
        line={"color": POOLED_COLOUR, "width": 1},
        name="Pooled (diamond = 95% CI)",
        showlegend=row["kind"] == "overall",
        hovertext=(
            f"<b>{row['label']}</b><br>{MEASURE_ABBREVIATIONS[measure]} {_ratio_text(value, low, high)}"
            f"<br>{int(row['k'])} trials, {int(row['participants'])} participants<br>I² {row['i2_pct']:.0f}%"
            f"<br>Method: {row['method']}"
        ),
        hoverinfo="text",
        meta={"view": view},
    )


def _forest_traces(table: pd.DataFrame, measure: str, view: str) -> tuple[list[go.Scatter], list, list]:
    """Traces (squares with whiskers, diamonds), tick values and tick labels of one forest view.

    Each row's estimate is printed under its name in the row's tick label, level with its mark and
    clear of the line of no effect (printed beside the point, it was struck through by that line).
    """
    tickvals, ticktext = [], []
    study_rows = [(y, row) for y, _, row in _forest_rows(table) if row is not None and row["kind"] == "study"]
    for y, label, row in _forest_rows(table):
        tickvals.append(y)
        ticktext.append(
            label if row is None else f"{label}<br>{_ratio_text(row['effect'], row['ci_low'], row['ci_high'])}"
        )
    traces = [_trial_squares(study_rows, measure, view), *_cut_intervals(study_rows, measure, view)]
    traces += [
        _pooled_diamond(y, row, measure, view)
        for y, _, row in _forest_rows(table)
        if row is not None and row["kind"] != "study"
    ]
    return traces, tickvals, ticktext


def _forest_layout(measure: str, favours_left: str, favours_right: str) -> dict:
    axis = FOREST_AXES[measure]
    null = axis["null"]
    return {
        "xaxis.type": axis["type"],
        "xaxis.range": axis["range"],
        "xaxis.title.text": axis["title"],
        "xaxis.tickvals": axis["tickvals"],
        "xaxis.ticktext": [signed(v, "g") for v in axis["tickvals"]],
        "shapes": [
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": null,
                "x1": null,
                "y0": 0,
                "y1": 1,
                "line": {"color": NEUTRAL_COLOUR, "width": 1.5},
            }
        ],
        # "favours" and the arm on two lines, each side of the line of no effect: on one line,
        # a long arm name ran past the edge of a phone-width plot.
        "annotations": [
            {
                "xref": "x",
                "yref": "paper",
                "x": math.log10(null) if axis["type"] == "log" else null,
                "y": 1.0,
                "yanchor": "bottom",
                "xanchor": anchor,
                "align": anchor,
                "text": text,
                "showarrow": False,
                "font": {"size": 12},
            }
            for anchor, text in (
                ("right", f"← favours <br>{favours_left} "),
                ("left", f" favours →<br> {favours_right}"),
            )
        ],
    }


def forest_plot(views: list[dict]) -> go.Figure:
    """Cochrane-style forest plot; with several views, a dropdown switches between them.

    Each view is a dict with ``label`` (menu text), ``table`` (from
    :func:`mdma_book.synthesis.forest_table`), ``measure`` (``risk_ratio``,
    ``risk_difference`` or ``hedges_g``) and ``favours`` (left, right) labels.
    Squares are sized by weight, whiskers are 95% CIs, diamonds are pooled
    estimates, the vertical line is no effect. Works in static HTML.
    """
    fig = go.Figure()
    states = []
    for index, view in enumerate(views):
        traces, tickvals, ticktext = _forest_traces(view["table"], view["measure"], view["label"])
        for trace in traces:
            trace.visible = index == 0
            fig.add_trace(trace)
        layout = _forest_layout(view["measure"], *view["favours"])
        layout.update(
            {"yaxis.tickvals": tickvals, "yaxis.ticktext": ticktext, "yaxis.range": [min(tickvals) - 0.7, 0.7]}
        )
        states.append((view["label"], layout))
    first_layout = states[0][1]
    rows = max(len(s[1]["yaxis.tickvals"]) for s in states)
    fig.update_layout(
        template=BOOK_TEMPLATE,
        height=140 + 46 * rows,
        showlegend=False,
        margin={"l": 150, "r": 20, "t": 100 if len(views) > 1 else 50, "b": 76},
        yaxis={"showgrid": False, "zeroline": False, "tickfont": {"size": 12}},
        xaxis={"zeroline": False, "title": {"font": {"size": 13}}},
        meta={
            "description": "Forest plot of per-trial and pooled effects with 95% confidence intervals.",
            "page_margin_top": 50,  # room for the two "favours" labels; the page's native menu stands above
        },
    )
    _apply_dotted(fig, first_layout)
    if len(views) > 1:
        layouts = dict(states)
        menu = view_menu(
            fig,
            list(layouts),
            "Outcome and effect measure",
            lambda trace, label: trace.meta["view"] == label,
            relayout=layouts.__getitem__,
            x=1,
            xanchor="right",
            y=1.0,
            yanchor="bottom",
            pad={"b": 30},
        )
        fig.update_layout(updatemenus=[menu])
    return fig


def _apply_dotted(fig: go.Figure, layout: dict) -> None:
    """Apply relayout-style keys ("xaxis.range") to a figure, as its menu button would."""
    fig.update_layout({key.replace(".", "_"): value for key, value in layout.items()})


# --- Absolute effects ---------------------------------------------------------


def _icon_grid(count: int, x_offset: float) -> tuple[list[float], list[float], list[float], list[float]]:
    """Positions of 100 people in a 10 x 10 grid: the first ``count`` filled, the rest open."""
    xs = [x_offset + i % 10 for i in range(100)]
    ys = [9 - i // 10 for i in range(100)]
    return xs[:count], ys[:count], xs[count:], ys[count:]


def _icon_traces(effect: dict, view: str, visible: bool) -> list[go.Scatter]:
    """The two grids of 100 for one outcome: filled marks for people with the outcome, open ones for the rest."""
    traces = []
    for role, offset, name in (("control", 0, "Placebo-assisted therapy"), ("mdma", 12, "MDMA-assisted therapy")):
        count = round(effect[f"per100_{role}"])
        x_on, y_on, x_off, y_off = _icon_grid(count, offset)
        common = {"mode": "markers", "hovertext": f"{name}: {count} of 100 with the outcome", "hoverinfo": "text"}
        common |= {"visible": visible, "meta": {"view": view}}
        traces.append(
            go.Scatter(
                x=x_on,
                y=y_on,
                name=f"{name}: outcome",
                marker={
                    "size": 13,
                    "color": ROLE_STYLE[role]["color"],
                    "symbol": "circle" if role == "mdma" else "square",
                },
                **common,
            )
        )
        off_marker = {"size": 12, "color": NEUTRAL_COLOUR, "line": {"width": 1.2}}
        off_marker["symbol"] = "circle-open" if role == "mdma" else "square-open"
        traces.append(go.Scatter(x=x_off, y=y_off, name=f"{name}: no outcome", marker=off_marker, **common))
    return traces


def _absolute_title(effect: dict) -> str:
    control, mdma = round(effect["per100_control"]), round(effect["per100_mdma"])
    outcome_name = PTSD_OUTCOME_NAMES[effect["outcome"]]  # never read as a depression outcome
    return (
        f"{outcome_name}: {control} vs {mdma} in 100 "
        # Plain text on the second line: the figures' text is escaped (safe_text) but for a few
        # attribute-free tags, so a styled <span> would be drawn as its own markup.
        # Three short lines, so that each fits the 358 px picture a phone is shown.
        f"<br>With MDMA 95% CI {effect['per100_mdma_low']:.0f} to {effect['per100_mdma_high']:.0f};"
        f"<br>number needed to treat {effect['nnt'].describe()}"
    )


def _grid_label(x: float, text: str) -> dict:
    return {"x": x, "y": 10.2, "text": f"<b>{text}</b><br>filled = improved", "showarrow": False, "yanchor": "bottom"}


def absolute_effects_chart(effects: list[dict]) -> go.Figure:
    """Out of 100 people: how many improve with placebo- vs MDMA-assisted therapy.

    ``effects`` are dicts from :func:`mdma_book.synthesis.absolute_effect`. Each
    outcome is a view (dropdown); filled dots are people with the outcome, and
    the title gives the interval and the number needed to treat.
    """
    fig = go.Figure()
    titles = {effect["label"]: _absolute_title(effect) for effect in effects}
    for index, effect in enumerate(effects):
        fig.add_traces(_icon_traces(effect, effect["label"], index == 0))
    height, top = 480, 150
    fig.update_layout(
        template=BOOK_TEMPLATE,
        height=height,
        showlegend=False,
        # Title below the menu: both sit in the top margin, placed in pixels.
        title=title_style(titles[effects[0]["label"]], 1 - 58 / height, yref="container", yanchor="top"),
        xaxis={"visible": False, "range": [-1, 22]},
        # The range ends just above the grids' two-line labels: up to 12.2 it left an empty band under the title (issue 18, N5).
        yaxis={"visible": False, "range": [-1, 11.6]},
        margin={"l": 10, "r": 10, "t": top, "b": 10},
        annotations=[_grid_label(4.5, "Placebo-assisted"), _grid_label(16.5, "MDMA-assisted")],
        meta={
            "description": "Two grids of 100 people showing how many had the outcome with each therapy.",
            # On the page the menu is a native control above the chart: the title moves up into its place.
            # plotly puts each line's baseline at the title's y, so the first line needs its 15 px above it;
            # the three lines then end about 66 px down, above the plot.
            "page_margin_top": 76,
            "page_title_y": 1 - 22 / height,
        },
    )
    if len(effects) > 1:
        menu = view_menu(
            fig,
            list(titles),
            "Outcome",
            lambda trace, view: trace.meta["view"] == view,
            relayout=lambda view: {"title.text": titles[view]},
            x=0,
            xanchor="left",
            y=1 + (top - 8) / (height - top - 10),
            yanchor="top",
        )
        fig.update_layout(updatemenus=[menu])
    return fig


# --- The four bodies of evidence, side by side but not on one scale -----------


def _error_x(rows: pd.DataFrame, centre: str) -> dict:
    """Asymmetric whiskers from ``centre`` to the rows' ``ci_low`` and ``ci_high``, in the page's ink."""
    return {
        "type": "data",
        "symmetric": False,
        "array": rows["ci_high"] - rows[centre],
        "arrayminus": rows[centre] - rows["ci_low"],
        "thickness": 2,
        "color": INK,
    }


def _ptsd_bars(rows: pd.DataFrame, role: str) -> go.Bar:
    """One arm of each Phase 3 trial: the share who no longer met PTSD criteria."""
    return go.Bar(
        y=rows["study"],
        x=rows["rate"],
        orientation="h",
        name=rows["arm"].iloc[0][0].upper() + rows["arm"].iloc[0][1:],
        marker={
            "color": ROLE_STYLE[role]["color"],
            "pattern": {"shape": ROLE_STYLE[role]["pattern"], "fillmode": "overlay", "fgcolor": PATTERN_INK},
        },
        error_x=_error_x(rows, "rate"),
        text=[f"{v:.0f}%" for v in rows["rate"]],
        textposition="auto",
        insidetextanchor="start",
        constraintext="none",
        insidetextfont={"color": ON_BLUE if role == "mdma" else ON_ORANGE, "size": 13},
        outsidetextfont={"color": INK, "size": 13},
        hovertext=[f"{r.study}, {r.arm}: {r.events} of {r.total}" for r in rows.itertuples()],
        hoverinfo="text",
    )


def _depression_points(g: pd.DataFrame) -> go.Scatter:
    """Hedges' g per trial (squares) and pooled (a diamond)."""
    return go.Scatter(
        x=g["effect"],
        y=g["label"],
        mode="markers",
        marker={"symbol": ["square"] * (len(g) - 1) + ["diamond"], "size": 11, "color": POOLED_COLOUR},
        error_x=_error_x(g, "effect"),
        hovertext=[
            f"{label}: g {_ratio_text(e, lo, hi)}"
            for label, e, lo, hi in zip(g["label"], g["effect"], g["ci_low"], g["ci_high"], strict=True)
        ],
        hoverinfo="text",
        showlegend=False,
    )


def _plain_bars(y, x, text: list[str], hover, colour: str, **extra) -> go.Bar:
    return go.Bar(
        y=y,
        x=x,
        orientation="h",
        marker={"color": colour},
        showlegend=False,
        text=text,
        hovertext=hover,
        hoverinfo="text",
        **extra,
    )


#: The longest line of a panel title (in characters) that fits above a panel on a phone's picture.
PHONE_TITLE_CHARS = 36


def _phone_title(title: str) -> str:
    """``title`` with each line too long for a phone broken at its `` · `` (the major-depression
    panel's "Major depression · one open-label study" was cut off at 390 px)."""
    lines = title.split("<br>")
    visible = [re.sub(r"<[^>]+>", "", line) for line in lines]
    return "<br>".join(
        line.replace(" · ", "<br>", 1) if len(text) > PHONE_TITLE_CHARS else line
        for line, text in zip(lines, visible, strict=True)
    )


def evidence_comparison_chart(panels: dict) -> go.Figure:
    """Four separate panels, each with its own population, design, outcome and axis.

    ``panels`` comes from :func:`mdma_book.synthesis.evidence_comparison`. Nothing
    is put on a shared axis: PTSD diagnosis rates, depression effect sizes,
    an uncontrolled before/after change and antidepressant remission rates are
    different quantities in different people.
    """
    from plotly.subplots import make_subplots

    titles = [_phone_title(panel["title"]) for panel in panels.values()]
    # The gaps hold a panel's ticks, its two-line axis title and the next panel's three-line title: at 0.12 of
    # 1250 px the "Hedges' g" axis title ran into the "Major depression" title on a phone (issue 18, N2).
    fig = make_subplots(rows=4, cols=1, subplot_titles=titles, vertical_spacing=0.14)
    ptsd, mdd, stard = panels["ptsd"]["rows"], panels["major_depression"]["rows"], panels["antidepressants"]["rows"]
    for role in ("mdma", "control"):
        fig.add_trace(_ptsd_bars(ptsd[ptsd["role"] == role], role), row=1, col=1)
    fig.add_trace(_depression_points(panels["depression_in_ptsd"]["rows"]), row=2, col=1)
    fig.add_vline(x=0, line={"color": NEUTRAL_COLOUR, "width": 1.2}, row=2, col=1)
    mdd_text = [f"{v:.1f}" for v in mdd["madrs"]]
    fig.add_trace(
        _plain_bars(
            mdd["when"],
            mdd["madrs"],
            mdd_text,
            mdd["hover"],
            MDMA_COLOUR,
            textposition="inside",
            textfont={"color": ON_BLUE, "size": 13},
        ),
        row=3,
        col=1,
    )
    stard_text = [f"{v:.1f}%" for v in stard["remission"]]
    fig.add_trace(
        _plain_bars(
            stard["step"],
            stard["remission"],
            stard_text,
            stard["hover"],
            NEUTRAL_COLOUR,
            textposition="outside",
            textangle=0,
            cliponaxis=False,
        ),
        row=4,
        col=1,
    )
    for row, panel in enumerate(panels.values(), start=1):
        # Axis titles wrapped and panel titles at 12 px: longer ones were cut off at a phone's width.
        fig.update_xaxes(title_text=wrap(panel["axis"], 30), row=row, col=1, **panel.get("xaxis", {}))
        fig.update_yaxes(autorange="reversed", row=row, col=1)
    fig.update_annotations(font={"size": 13})
    fig.update_layout(
        template=BOOK_TEMPLATE,
        height=1400,
        barmode="group",
        # The foot holds the last panel's ticks and axis title: at 40 px "% remitted (QIDS-SR16)" was cut off.
        margin={"l": 115, "r": 20, "t": 80, "b": 80},
        legend={"y": 1.04, "yanchor": "bottom"},
        meta={
            "description": "Four separate panels: PTSD trials, depression symptoms in PTSD trials, an open-label depression study, and STAR*D."
        },
    )
    return fig
