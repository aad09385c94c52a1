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
    MENU_STYLE,
    NEUTRAL_COLOUR,
    ORANGE,
    SKY,
    VERMILLION,
    rgba,
    source_line,
    wrap,
)
from mdma_book.timelines import CATEGORIES, COURSES, TIMINGS, readable_date

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
    lines = [f"<b>{row.label}</b> ({row.course}, {when})", wrap(row.description, 50)]
    if sessions:
        lines.append(sessions + hours)
    lines += [wrap(TIMINGS[row.timing].capitalize(), 50), source_line(row.source_key, row.status)]
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
                    y=[y + 0.3] * 2,  # below the row's title, clear of its bars
                    mode="lines+text",
                    text=["", f"{row.label}, about {row.end_week - row.start_week:g} weeks"],
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
                        "color": rgba(style["colour"], 0.55),
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
            "y": 1.62,
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
                "name": "Trial protocol",
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
            "description": "Timeline in weeks comparing a course of MDMA-assisted therapy in the trials with a course of a daily antidepressant.",
            "page_margin_top": 56,
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
                    f"<b>{readable_date(e.date, e.end_date)}: {e.label}</b><br>{wrap(e.description, 50)}<br>"
                    f"Kind of evidence: {e.evidence_kind}<br>{source_line(e.source_key, e.status)}"
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
            "font": {"size": 12, "color": NEUTRAL_COLOUR},
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
        meta={
            "description": f"Vertical timeline of MDMA's history and regulation from {events['date'].iloc[0][:4]} to {events['date'].iloc[-1][:4]}, not to scale."
        },
    )
    return fig
