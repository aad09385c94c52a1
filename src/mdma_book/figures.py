"""Figure builders: pure functions from validated data to plotly figures.

A builder reads no files and keeps no state, so the static chapter, a live
widget and the tests all call the same function.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from mdma_book.citations import short_citation
from mdma_book.evidence import ARMS, OUTCOMES, PTSD_OUTCOMES, STATUSES
from mdma_book.stats import add_proportions
from mdma_book.theme import BOOK_TEMPLATE, ROLE_STYLE


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
            style = ROLE_STYLE["mdma" if arm == ARMS[0] else "control"]
            fig.add_trace(
                go.Bar(
                    name=arm[0].upper() + arm[1:],
                    x=rows["study"],
                    y=rows["rate"],
                    error_y={
                        "type": "data",
                        "symmetric": False,
                        "array": rows["ci_high"] - rows["rate"],
                        "arrayminus": rows["rate"] - rows["ci_low"],
                        "thickness": 1.5,
                        "width": 6,
                    },
                    text=[f"{r:.0f}%" for r in rows["rate"]],
                    textposition="inside",
                    insidetextanchor="start",
                    textfont={"color": "white"},
                    marker={"color": style["color"], "pattern": {"shape": style["pattern"], "fillmode": "overlay", "fgcolor": "rgba(255,255,255,0.6)"}},
                    hovertext=[_hover_text(r) for r in rows.itertuples()],
                    hoverinfo="text",
                    visible=outcome == initial_outcome,
                    legendgroup=arm,
                    showlegend=True,
                    meta={"outcome": outcome},
                )
            )
    buttons = [
        {
            "label": OUTCOMES[outcome],
            "method": "update",
            "args": [
                {"visible": [trace.meta["outcome"] == outcome for trace in fig.data]},
                # plotly.js 3+ ignores a bare string title here; set title.text.
                {"title.text": _outcome_title(outcome)},
            ],
        }
        for outcome in present
    ]
    fig.update_layout(
        template=BOOK_TEMPLATE,
        title={"text": _outcome_title(initial_outcome), "font": {"size": 15}, "x": 0, "xanchor": "left", "y": 0.97},
        barmode="group",
        bargap=0.3,
        yaxis={"title": {"text": "Share of completers (%)"}, "range": [0, 100], "ticksuffix": "%"},
        # Legend under the plot: above it, it would collide with the menu on a phone.
        legend={"y": -0.12, "yanchor": "top", "x": 0, "xanchor": "left"},
        margin={"t": 100, "b": 90},
        updatemenus=[
            {
                "type": "dropdown",
                "buttons": buttons,
                "active": present.index(initial_outcome),
                "x": 0,
                "xanchor": "left",
                "y": 1.04,
                "yanchor": "bottom",
                "bgcolor": "white",
                "font": {"color": "#222"},
                "showactive": True,
            }
        ],
        meta={"description": "Bar chart of Phase 3 outcome rates per arm with 95% confidence intervals."},
    )
    return fig
