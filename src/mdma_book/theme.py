"""The look shared by every figure: one plotly template, named colours, menu style, hover-text helpers.

Colours come from the Okabe–Ito palette, which stays distinguishable with the
common colour-vision deficiencies; figures never rely on colour alone (bars
also differ in pattern and carry text labels). The background is transparent
and the grid a translucent grey so a figure reads on the light and the dark
theme; the page script (``static/figures.js``) sets the font colour to match.
"""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go

from mdma_book.citations import short_citation
from mdma_book.evidence import STATUSES

#: Okabe & Ito (2008) colour-blind-safe colours.
MDMA_COLOUR = "#0072B2"  # blue
PLACEBO_COLOUR = "#E69F00"  # orange
NEUTRAL_COLOUR = "#7f7f7f"

#: Style per arm role: MDMA arms solid blue, comparator arms hatched orange.
ROLE_STYLE = {
    "mdma": {"color": MDMA_COLOUR, "pattern": ""},
    "control": {"color": PLACEBO_COLOUR, "pattern": "/"},
}

GRID_COLOUR = "rgba(128,128,128,0.3)"

BOOK_TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 14},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        colorway=[MDMA_COLOUR, PLACEBO_COLOUR, "#009E73", "#CC79A7", "#56B4E9", "#D55E00"],
        xaxis={"gridcolor": GRID_COLOUR, "zerolinecolor": GRID_COLOUR, "linecolor": NEUTRAL_COLOUR},
        yaxis={"gridcolor": GRID_COLOUR, "zerolinecolor": GRID_COLOUR, "linecolor": NEUTRAL_COLOUR},
        hoverlabel={"font": {"size": 13}, "align": "left"},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0},
        margin={"l": 60, "r": 20, "t": 110, "b": 50},
        height=460,
    )
)

BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION = BOOK_TEMPLATE.layout.colorway  # Okabe–Ito

#: Menus keep plotly's white background, so their text is dark in both page themes.
MENU_STYLE = {"bgcolor": "white", "bordercolor": NEUTRAL_COLOUR, "font": {"color": "#222", "size": 13}}


def plotly_config() -> dict:
    """The plotly configuration of every live figure: no plotly logo, no button that sends the chart anywhere.

    plotly's default modebar has a "Share chart" button (``sendDataToCloud``) that uploads the
    figure to Plotly Cloud; it is switched off and removed, with the Chart Studio button and the
    selection tools the book's figures do not use. Only options plotly.py knows (it warns on others).
    """
    return {
        "responsive": True,
        "displaylogo": False,
        "showSendToCloud": False,
        "modeBarButtonsToRemove": ["sendDataToCloud", "editInChartStudio", "select2d", "lasso2d", "autoScale2d"],
        "toImageButtonOptions": {"format": "png", "scale": 2},
    }


def wrap(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters, joined with plotly's ``<br>``."""
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False))


def source_line(source_key: str, status: str) -> str:
    """'Source: Author (year) (reported)': the hover line that names a value's source and status."""
    return f"Source: {short_citation(source_key)} ({STATUSES[status].split(' (')[0]})"


def rgba(hex_colour: str, alpha: float) -> str:
    """``#rrggbb`` as a CSS ``rgba()`` colour with opacity ``alpha`` (0 to 1)."""
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"
