"""The timelines: the course of treatment (chapter 4) and MDMA's history (chapter 1).

Pure functions from the tables in :mod:`mdma_book.timelines` to plotly
figures; the course menu (plotly ``updatemenus``) becomes a native control on
the book's page.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from mdma_book.theme import (
    BLUE,
    BOOK_TEMPLATE,
    GREEN,
    MENU_ABOVE_PLOT,
    NEUTRAL_COLOUR,
    ORANGE,
    SKY,
    VERMILLION,
    rgba,
    source_line,
    title_style,
    view_menu,
    wrap,
)
from mdma_book.timelines import CATEGORIES, TIMINGS, course_label, readable_date, therapy_courses

# --- Treatment-course timeline -------------------------------------------------

COMPONENT_STYLE = {
    "preparation": {"name": "Preparation sessions", "colour": SKY, "pattern": "."},
    "integration": {"name": "Integration sessions", "colour": GREEN, "pattern": "/"},
    "medication": {"name": "Antidepressant taken daily", "colour": ORANGE, "pattern": "-"},
    "dosing": {"name": "Dosing session", "colour": BLUE, "symbol": "diamond"},
    "endpoint": {"name": "Primary endpoint", "colour": VERMILLION, "symbol": "star"},
    "milestone": {"name": "", "colour": ORANGE, "symbol": "circle-open"},  # named by its row's label
}


def _course_hover(row) -> str:
    sessions = f"{row.sessions:.0f} session{'s' if row.sessions > 1 else ''}" if pd.notna(row.sessions) else ""
    hours = f", about {row.hours_each:g} hours" if pd.notna(row.hours_each) else ""
    when = f"weeks {row.start_week:g}–{row.end_week:g}" if pd.notna(row.end_week) else f"week {row.start_week:g}"
    lines = [f"<b>{row.label}</b> ({row.course}, {when})", wrap(row.description, 50)]
    if sessions:
        lines.append(sessions + hours)
    lines += [wrap(TIMINGS[row.timing].capitalize(), 50), source_line(row.source_key, row.status)]
    return "<br>".join(lines)


def _course_trace(row, y: float, common: dict):
    """One part of a course: a period as a line, a block of sessions as a hatched bar, an event as a marker."""
    style = COMPONENT_STYLE.get(row.component)
    if row.component == "treatment_period":
        return go.Scatter(
            x=[row.start_week, row.end_week],
            y=[y + 0.3] * 2,  # below the row's title, clear of its bars
            mode="lines+text",
            text=["", f"{row.label}, about {row.end_week - row.start_week:g} weeks"],
            textposition="top left",
            line={"color": NEUTRAL_COLOUR, "width": 2},
            **{**common, "showlegend": False},
        )
    if "pattern" in style:
        return go.Bar(
            x=[row.end_week - row.start_week],
            base=[row.start_week],
            y=[y],
            orientation="h",
            width=0.42,
            marker={
                "color": rgba(style["colour"], 0.55),
                "line": {"color": style["colour"], "width": 1.5},
                "pattern": {"shape": style["pattern"], "fgcolor": style["colour"]},
            },
            **common,
        )
    marker = {"symbol": style["symbol"], "size": 18, "color": style["colour"]}
    return go.Scatter(
        x=[row.start_week],
        y=[y],
        mode="markers",
        marker={**marker, "line": {"width": 1.5, "color": style["colour"]}},
        **common,
    )


def _row_title(y: float, text: str) -> dict:
    return {
        "x": -0.4,
        "y": y,
        "xref": "x",
        "yref": "y",
        "text": f"<b>{text}</b>",
        "showarrow": False,
        "xanchor": "left",
        "yanchor": "bottom",
        "font": {"size": 13},
    }


def _course_traces(fig: go.Figure, course: pd.DataFrame, initial_course: str) -> None:
    shown_in_legend = set()
    for row in course.itertuples():
        style = COMPONENT_STYLE.get(row.component)
        legend_key = (row.course_id, row.component)
        common = {
            "name": (style or {}).get("name") or row.label,
            "hovertext": [_course_hover(row)],
            "hoverinfo": "text",
            "visible": row.course_id == initial_course or row.course_row == 0,
            "legendgroup": row.component,
            "showlegend": bool(style) and legend_key not in shown_in_legend,
            "meta": {"course": row.course_id, "component": row.component, "row": row.course_row},
        }
        shown_in_legend.add(legend_key)
        fig.add_trace(_course_trace(row, float(row.course_row), common))


def _lower_label(course: pd.DataFrame) -> str:
    """The heading of the lower row: the label of its course (``course_row`` 0)."""
    return course.loc[course["course_row"] == 0, "course_label"].iloc[0]


def treatment_course_figure(course: pd.DataFrame, initial_course: str | None = None) -> go.Figure:
    """Timeline in weeks of an MDMA-assisted therapy course beside a daily antidepressant course.

    ``course`` comes from :func:`mdma_book.timelines.treatment_course`. A
    dropdown switches the upper row between the protocols (``course_row`` 1:
    MAPP1 and MAPP2), ``initial_course`` (a ``course_id``; default the first)
    shown first; the lower row (``course_row`` 0) is STAR*D's first step. Hover tells what
    happens in each part, whether its timing is reported or approximate, and
    the source.
    """
    protocols = therapy_courses(course)
    initial_course = initial_course or protocols[0]
    if initial_course not in protocols:
        raise ValueError(f"unknown course {initial_course!r}; choose one of {protocols}")
    fig = go.Figure()
    _course_traces(fig, course, initial_course)
    menu = view_menu(
        fig,
        protocols,
        "Trial protocol",
        lambda trace, view: trace.meta["course"] == view or trace.meta["row"] == 0,
        label=lambda view: course.loc[course["course_id"] == view, "course"].iloc[0],
        relayout=lambda view: {"annotations[0].text": f"<b>{course_label(course, view)}</b>"},
        active=protocols.index(initial_course),
        **MENU_ABOVE_PLOT,
    )
    fig.update_layout(
        template=BOOK_TEMPLATE,
        title=title_style("A course of treatment, week by week", 0.97),
        annotations=[_row_title(1.62, course_label(course, initial_course)), _row_title(0.3, _lower_label(course))],
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
        updatemenus=[menu],
        meta={
            "description": "Timeline in weeks comparing a course of MDMA-assisted therapy in the trials with a course of a daily antidepressant.",
            "page_margin_top": 36,  # the title line, then the first row's title: at 56 a band was left between them
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


def _rows_and_gaps(events: pd.DataFrame) -> tuple[list[float], list[tuple[float, int]], float]:
    """Each event's row (evenly spaced, a wider gap where more than ten years pass), the gaps, the rows' extent."""
    years = events["date"].str[:4].astype(int).tolist()
    y, position, gaps = [], 0.0, []
    for i, year in enumerate(years):
        if i and year - years[i - 1] > LONG_GAP_YEARS:
            gaps.append((position - 1 + (1 + GAP_SPACE) / 2, year - years[i - 1]))
            position += GAP_SPACE
        y.append(position)
        position += 1
    return y, gaps, position


def _spine(y: list[float], long: bool) -> go.Scatter:
    """The timeline's line between neighbouring events: solid, or dotted across a long gap."""
    values = [v for start, end in zip(y, y[1:]) if (end - start >= 1.5) == long for v in (start, end, None)]
    line = {"color": NEUTRAL_COLOUR, "width": 2} | ({"dash": "dot"} if long else {})
    return go.Scatter(x=[0] * len(values), y=values, mode="lines", line=line, hoverinfo="skip", showlegend=False)


def _event_trace(rows: pd.DataFrame, category: str, style: dict) -> go.Scatter:
    """One kind of event: a marker per event, labelled with its date and what happened."""
    return go.Scatter(
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
            f"<b>{readable_date(e.date, e.end_date)}: {e.label}</b><br>{wrap(e.description, 50)}<br>"
            f"Kind of evidence: {e.evidence_kind}<br>{source_line(e.source_key, e.status)}"
            for e in rows.itertuples()
        ],
        hoverinfo="text",
        meta={"category": category},
    )


def history_timeline(events: pd.DataFrame) -> go.Figure:
    """Vertical timeline of MDMA's history and regulation, one row per event.

    ``events`` comes from :func:`mdma_book.timelines.history_events` (in date
    order). Rows are evenly spaced rather than to scale; where more than
    ten years pass between events, the gap is widened and labelled. Marker
    shape and colour give the kind of event; hover gives what happened and
    the source.
    """
    y, gaps, position = _rows_and_gaps(events)
    events = events.assign(row=y)
    fig = go.Figure()
    fig.add_traces([_spine(y, long=False), _spine(y, long=True)])
    for category, style in CATEGORY_STYLE.items():
        rows = events[events["category"] == category]
        if not rows.empty:
            fig.add_trace(_event_trace(rows, category, style))
    notes = [
        {
            "x": 0.06,
            "y": at,
            "xref": "x",
            "yref": "y",
            "text": f"<i>{span} years pass</i>",
            "showarrow": False,
            "xanchor": "left",
            "font": {"size": 12, "color": NEUTRAL_COLOUR},
        }
        for at, span in gaps
    ]
    fig.update_layout(
        template=BOOK_TEMPLATE,
        title=title_style("MDMA from patent to regulators' decisions", 0.985),
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
        meta={
            "description": f"Vertical timeline of MDMA's history and regulation from {events['date'].iloc[0][:4]} to {events['date'].iloc[-1][:4]}, not to scale."
        },
    )
    return fig
