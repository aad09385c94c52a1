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
from mdma_book.evidence import STATUS_SHORT

#: Okabe & Ito (2008) colour-blind-safe colours.
MDMA_COLOUR = "#0072B2"  # blue
PLACEBO_COLOUR = "#E69F00"  # orange
NEUTRAL_COLOUR = "#6e6e6e"  # 5.1:1 on white; #9a9a9a (6.9:1) on the dark page

#: Style per arm role: MDMA arms solid blue, comparator arms hatched orange.
ROLE_STYLE = {
    "mdma": {"color": MDMA_COLOUR, "pattern": ""},
    "control": {"color": PLACEBO_COLOUR, "pattern": "/"},
}

GRID_COLOUR = "rgba(128,128,128,0.3)"
#: Hatching over a coloured bar: light lines, so the bar's colour still reads.
PATTERN_INK = "rgba(255,255,255,0.6)"
#: Faint bands behind every other row of a chart that labels its rows: decoration, never data.
BAND_COLOUR = "rgba(128,128,128,0.08)"

#: Text and thin marks (whiskers, lines of no effect) drawn in the page's ink: this colour in the
#: light theme; the page's light text colour in the dark theme. ``page_figure`` and ``figures.js`` swap
#: every colour of :data:`DARK_COLOURS` when a figure is drawn for the dark theme.
INK = "#1f1f1f"
#: Light-theme colour -> dark-theme colour. The orange bars are darkened in the dark theme so
#: that the light whiskers drawn across them keep 3:1 (WCAG 1.4.11).
#: Text on an orange bar: black in the light theme (9.8:1), white on the dark theme's darker orange (4.7:1).
ON_ORANGE = "#000000"
#: Small warning text: a darker vermilion in the light theme (the Okabe–Ito one is 3.9:1 on white).
WARNING_TEXT = "#A84B00"
DARK_COLOURS = {
    INK: "#e3e3e3",
    PLACEBO_COLOUR: "#9A6A00",
    NEUTRAL_COLOUR: "#9a9a9a",
    ON_ORANGE: "#ffffff",
    WARNING_TEXT: "#D55E00",
}
#: Text on a blue bar, in both themes (5.0:1).
ON_BLUE = "#ffffff"
#: The page background behind a figure, per theme (pydata-sphinx-theme's --pst-color-background).
PAGE_BACKGROUND = {"light": "#ffffff", "dark": "#121212"}
#: The smallest text size in a figure, in px at the picture's own width.
MIN_FONT_PX = 12

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
#: Where a figure's one view menu sits (``view_menu(..., **MENU_ABOVE_PLOT)``): above the plot at its
#: left edge, under a title set with ``title_style(text, 0.97)``, the chosen view marked.
MENU_ABOVE_PLOT = {"x": 0, "xanchor": "left", "y": 1.04, "yanchor": "bottom", "showactive": True}


def view_menu(fig, views, name: str, shows, label=None, relayout=None, active: int = 0, **place) -> dict:
    """A plotly menu (one ``updatemenus`` entry) with one button per view, the book's menu style.

    ``shows(trace, view)`` says whether a trace of ``fig`` is visible in ``view``
    (traces name their view in ``trace.meta``); ``label(view)`` is the button's text
    (default: the view itself); ``relayout(view)``, if given, the layout changes the
    button makes too (e.g. ``{"title.text": ...}``). ``place`` sets the menu's
    position and any other menu attribute (``type="buttons"``, ``pad``, ...).
    """
    buttons = []
    for view in views:
        args = [{"visible": [bool(shows(trace, view)) for trace in fig.data]}]
        if relayout is not None:
            args.append(relayout(view))
        buttons.append({"label": view if label is None else label(view), "method": "update", "args": args})
    return {"type": "dropdown", "name": name, "buttons": buttons, "active": active, **place, **MENU_STYLE}


def plotly_config() -> dict:
    """The plotly configuration of every live figure of the book (the web book and the live notebooks).

    No mode bar: its buttons added seven Tab stops per figure inside the chart's
    ``role="img"`` (axe's ``nested-interactive``), zoom and pan cannot be used from
    the keyboard, and its "Share chart" button uploads the figure to Plotly Cloud.
    The book's pictures, tables and downloads stand in for its PNG button.
    """
    return {
        "responsive": True,
        "displayModeBar": False,
        "displaylogo": False,
        "showSendToCloud": False,
        # Should a mode bar ever be shown (a notebook front end that ignores displayModeBar), none
        # of these: the cloud upload, Chart Studio and selection tools the figures do not use.
        # Only options plotly.py knows: it warns on others (showLink is not one of them).
        "modeBarButtonsToRemove": ["sendDataToCloud", "editInChartStudio", "select2d", "lasso2d", "autoScale2d"],
    }


#: Width of text in em, by kind of character, measured for DejaVu Sans (the system-ui font of
#: Linux, the widest of the common system fonts). Used to wrap labels to a width in pixels.
NARROW_CHARS, WIDE_CHARS = set("fijlrtI()[]'.,:;- "), set("mwMW●■◆")
NARROW_EM, WIDE_EM, CAPITAL_EM, OTHER_EM = 0.32, 0.9, 0.7, 0.58


def text_px(line: str, size: float) -> float:
    """Estimated width in px of one line of plain text at font ``size`` px."""

    def em(char: str) -> float:
        if char in NARROW_CHARS:
            return NARROW_EM
        if char in WIDE_CHARS:
            return WIDE_EM
        return CAPITAL_EM if char.isupper() else OTHER_EM

    return sum(map(em, line)) * size


def wrap_px(text: str, width_px: float, size: float) -> str:
    """``text`` broken into lines (plotly's ``<br>``) that each fit ``width_px`` at font ``size``.

    The estimate of :func:`text_px` is kept 12 % short of the width, for fonts wider than DejaVu's average.
    """
    width_px *= 0.88
    lines: list[str] = []
    for word in text.split():
        if lines and text_px(f"{lines[-1]} {word}", size) <= width_px:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "<br>".join(lines)


def wrap(text: str, width: int, break_long_words: bool = False) -> str:
    """``text`` broken into lines of at most ``width`` characters, joined with plotly's ``<br>``."""
    return "<br>".join(textwrap.wrap(text, width, break_long_words=break_long_words))


def title_style(text: str, y: float, size: int = 15, **extra) -> dict:
    """A figure title as every builder sets it: left-aligned at the plot's left edge, at height ``y``."""
    return {"text": text, "font": {"size": size}, "x": 0, "xanchor": "left", "y": y, **extra}


def signed(value: float, spec: str = "") -> str:
    """``value`` formatted with ``spec`` (e.g. ``".1f"``), negative numbers with a true minus sign (U+2212)."""
    return format(value, spec).replace("-", "\u2212")


def source_line(source_key: str, status: str) -> str:
    """'Source: Author (year) (reported)': the hover line that names a value's source and status."""
    return f"Source: {short_citation(source_key)} ({STATUS_SHORT[status]})"


def rgba(hex_colour: str, alpha: float) -> str:
    """``#rrggbb`` as a CSS ``rgba()`` colour with opacity ``alpha`` (0 to 1)."""
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


# --- Where a chapter's figures are output ------------------------------------------

#: plotly's own JSON output type: what a chapter outputs and what the site's renderer
#: (``mdma_book.site.plotly_mime``, registered with myst-nb) draws as the book's figure.
PLOTLY_MIME_TYPE = "application/vnd.plotly.v1+json"


def use_book_renderer() -> None:
    """Choose how a chapter's plotly figures are output, wherever the code runs.

    In the book's build, JupyterLab, VS Code and Binder the default becomes plotly's
    standard mime type, so that every chapter's outputs are the same there and in
    the build. In Google Colab, which draws only what its own ``colab`` renderer
    outputs, plotly's own choice is left in place (see googlecolab/colabtools#1522).
    Every live renderer gets the book's plotly configuration (no logo, no cloud button).
    """
    import plotly.io as pio

    for name in ("plotly_mimetype", "colab", "notebook", "notebook_connected", "vscode", "jupyterlab"):
        if name in pio.renderers:
            pio.renderers[name].config = plotly_config()
    if not in_colab():
        pio.renderers.default = "plotly_mimetype"


def in_colab() -> bool:
    """Whether the code runs in Google Colab (its ``google.colab`` package is importable)."""
    import importlib.util

    try:
        return importlib.util.find_spec("google.colab") is not None
    except ModuleNotFoundError:  # no "google" package at all
        return False
