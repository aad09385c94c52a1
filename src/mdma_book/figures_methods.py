"""The PRISMA 2020 flow diagram of the book's search, drawn from the screening counts.

The layout is the PRISMA 2020 template for new reviews that searched databases,
registers and other sources (Page et al. 2021): "Identification of studies via
databases and registers", "Identification of studies via other methods", and the
included studies and their reports at the bottom. The template sets the two
identification columns side by side, each with its boxes of records set aside to
the right: four columns of boxes, which no phone can show. Here each column's boxes
set aside are indented below the box they branch from, beside the column's own line,
so that a column fits 358 px. At desktop width the two columns stand side by side, as
in the template; on a phone they are stacked, one section above the other (the
figure's narrow layout, which the page draws below 500 px).

A flow diagram is boxes and arrows, not data points, so it is drawn with plotly
shapes and annotations in the coordinates of two hidden unit axes.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from mdma_book.page_figure import NARROW_LAYOUT
from mdma_book.screening import PrismaColumn, PrismaFlow
from mdma_book.theme import BLUE, BOOK_TEMPLATE, NEUTRAL_COLOUR, WARNING_TEXT, rgba, wrap

ARROW_PX = 34  # vertical space between boxes, for the arrows
HEADER_PX = 54  # a section heading of two lines, and the space under it
LINE_HEIGHT_PX = 19
BOX_PADDING_PX = 12
WRAP_CHARS = 38
RAIL_X = 0.025  # the databases column's line to "included", left of the other column's boxes
MAIN_X = 0.06  # each column's own line down the left of its set-aside boxes
ASIDE_X0 = 0.12


@dataclass(frozen=True)
class _Box:
    heading: str
    lines: tuple[str, ...] = ()
    aside: bool = False  # a box of records set aside (removed, excluded, not retrieved)


def _lines(counts: dict[str, int]) -> tuple[str, ...]:
    return tuple(f"{name}: {n}" for name, n in counts.items())


def _databases(column: PrismaColumn) -> list[_Box]:
    return [
        _Box(
            f"Records identified: {column.identified}",
            (
                "by corpus searched (all through one search service) and the register the queries aimed at:",
                *_lines(column.identified_by_source),
            ),
        ),
        _Box(
            f"Records removed before screening: {column.duplicates}",
            ("duplicate records (found in more than one source)",),
            aside=True,
        ),
        _Box(f"Records screened: {column.screened}"),
        _Box(
            f"Records excluded: {column.excluded_at_screening}",
            ("on the title or summary:", *_lines(column.screened_out_by_reason)),
            aside=True,
        ),
        _Box(f"Reports sought for retrieval: {column.sought}"),
        _Box(f"Reports not retrieved: {column.not_retrieved}", aside=True),
        _Box(f"Reports assessed for eligibility: {column.assessed}"),
        _Box(f"Reports excluded: {column.excluded}", _lines(column.excluded_by_reason), aside=True),
        _Box(
            f"Reports awaiting classification: {column.awaiting}",
            ("read only in part: whether depression was measured is not known",),
            aside=True,
        ),
    ]


def _other(column: PrismaColumn) -> list[_Box]:
    return [
        _Box(f"Records identified: {column.identified}", _lines(column.identified_by_source)),
        _Box(f"Reports sought for retrieval: {column.sought}"),
        _Box(f"Reports not retrieved: {column.not_retrieved}", aside=True),
        _Box(f"Reports assessed for eligibility: {column.assessed}"),
        _Box(f"Reports excluded: {column.excluded}", _lines(column.excluded_by_reason), aside=True),
        _Box(
            f"Reports awaiting classification: {column.awaiting}",
            ("read only in part: whether depression was measured is not known",),
            aside=True,
        ),
    ]


def _sections(flow: PrismaFlow) -> list[tuple[str, list[_Box]]]:
    return [
        ("Identification of studies via databases and registers", _databases(flow.databases)),
        ("Identification of studies via other methods", _other(flow.other)),
        (
            "Included",
            [
                _Box(
                    f"Studies included in review: {flow.studies_included}",
                    (
                        f"Reports of included studies: {flow.reports_of_included}",
                        f"Studies awaiting classification (not included): {flow.studies_awaiting}",
                    ),
                )
            ],
        ),
    ]


def description(flow: PrismaFlow, searched_on: str) -> str:
    """The text alternative: every box of the diagram, in reading order."""
    db, other = flow.databases, flow.other

    def listed(counts: dict[str, int]) -> str:
        return "; ".join(f"{name} {n}" for name, n in counts.items()) or "none"

    return (
        f"Flow of the searches of {searched_on}, in the PRISMA 2020 layout. "
        f"Databases and registers: {db.identified} records identified ({listed(db.identified_by_source)}); "
        f"{db.duplicates} duplicates removed; {db.screened} records screened, {db.excluded_at_screening} excluded "
        f"on the title or summary ({listed(db.screened_out_by_reason)}); {db.sought} reports sought, "
        f"{db.not_retrieved} not retrieved; "
        f"{db.assessed} assessed, {db.excluded} excluded ({listed(db.excluded_by_reason)}), "
        f"{db.awaiting} awaiting classification (read only in part). "
        f"Other methods: {other.identified} records identified ({listed(other.identified_by_source)}); "
        f"{other.sought} reports sought, {other.not_retrieved} not retrieved; {other.assessed} assessed, "
        f"{other.excluded} excluded ({listed(other.excluded_by_reason)}), {other.awaiting} awaiting classification. "
        f"{flow.studies_included} studies included, in {flow.reports_of_included} reports; "
        f"{flow.studies_awaiting} studies awaiting classification."
    )


def _arrow(fig: go.Figure, tail: tuple[float, float], head: tuple[float, float]) -> None:
    fig.add_annotation(
        x=head[0],
        y=head[1],
        ax=tail[0],
        ay=tail[1],
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        showarrow=True,
        arrowhead=2,
        arrowwidth=1.5,
        arrowcolor=NEUTRAL_COLOUR,
        text="",
    )


#: (box, top, bottom) of each box placed, in the plot's 0-1 coordinates.
_Placed = list[tuple[_Box, float, float]]


def _wrapped_sections(flow: PrismaFlow) -> list[tuple[str, list[_Box]]]:
    """The sections with every box line wrapped to the box's width."""
    return [
        (
            title,
            [
                _Box(
                    box.heading, tuple(w for line in box.lines for w in wrap(line, WRAP_CHARS).split("<br>")), box.aside
                )
                for box in boxes
            ],
        )
        for title, boxes in _sections(flow)
    ]


@dataclass(frozen=True)
class _Frame:
    """Where a section is drawn across the plot: its 0-1 coordinates (``u``) mapped onto ``x0``..``x1``."""

    x0: float = 0.0
    x1: float = 1.0

    def x(self, u: float) -> float:
        return self.x0 + u * (self.x1 - self.x0)


FULL = _Frame()
#: The two identification columns side by side at desktop width, as the template sets them.
SIDE_BY_SIDE = (_Frame(0.0, 0.49), _Frame(0.51, 1.0))


def _heading(fig: go.Figure, index: int, title: str, y: float, x: float) -> None:
    fig.add_annotation(
        x=x,
        y=y,
        xref="x",
        yref="y",
        xanchor="left",
        yanchor="top",
        align="left",
        text=f"<b>{wrap(title, WRAP_CHARS + 4)}</b>",
        showarrow=False,
        font={"size": 14},
        name=f"section_{index}",
    )


def _box(fig: go.Figure, box: _Box, frame: _Frame, left: float, top: float, height: float) -> None:
    x0 = ASIDE_X0 + left if box.aside else left
    colour = WARNING_TEXT if box.aside else BLUE  # 3:1 or more on the page in both themes
    fig.add_shape(
        type="rect",
        xref="x",
        yref="y",
        x0=frame.x(x0),
        x1=frame.x(1.0),
        y0=top - height,
        y1=top,
        line={"color": colour, "width": 2, "dash": "dash" if box.aside else "solid"},
        fillcolor=rgba(colour, 0.08),
    )
    text = f"<b>{box.heading}</b>" + "".join(f"<br>{line}" for line in box.lines)
    fig.add_annotation(
        x=frame.x(x0 + (0.03 if box.aside else 0.1)),
        y=top - height / 2,
        xref="x",
        yref="y",
        xanchor="left",
        yanchor="middle",
        align="left",
        text=text,
        showarrow=False,
        font={"size": 13},
    )


def _column(
    fig: go.Figure, index: int, section: tuple[str, list[_Box]], heights: list[int], plot_px: int, place: dict
) -> tuple[_Placed, float]:
    """Draw one section's heading and boxes from ``place["y"]`` down; return where each box went and the y under the last."""
    title, boxes = section
    frame, left, y = place["frame"], place["left"], place["y"]
    _heading(fig, index, title, y, place["heading_x"])
    y -= HEADER_PX / plot_px
    gap = ARROW_PX / plot_px
    column: _Placed = []
    for box, height_px in zip(boxes, heights, strict=True):
        height = height_px / plot_px
        _box(fig, box, frame, left, y, height)
        column.append((box, y, y - height))
        y -= height + (gap if box is not boxes[-1] else 0)
    return column, y


def _branches(fig: go.Figure, column: _Placed, frame: _Frame, left: float) -> float:
    """Join a column's main boxes down a line at its left, each set-aside box branching off it to the side
    (so no arrow leads from "excluded" onwards); return the line's x."""
    x = frame.x(MAIN_X + left)
    main = [(top, bottom) for box, top, bottom in column if not box.aside]
    for (_, bottom), (top, _) in zip(main, main[1:], strict=False):
        _arrow(fig, (x, bottom), (x, top))
    for box, top, bottom in column:
        if box.aside:
            _arrow(fig, (x, (top + bottom) / 2), (frame.x(ASIDE_X0 + left), (top + bottom) / 2))
    return x


def _last_main(column: _Placed) -> float:
    return [bottom for box, _, bottom in column if not box.aside][-1]


def _stacked(fig: go.Figure, sections, heights: list[list[int]]) -> int:
    """The phone's layout: the sections one above the other; return the plot's height in px.

    The other-methods column is indented so that the databases column's line to "included" can pass
    it on the left, as a rail.
    """
    plot_px = sum(HEADER_PX + sum(h) + ARROW_PX * (len(h) - 1) for h in heights) + ARROW_PX * (len(sections) - 1)
    gap = ARROW_PX / plot_px
    y, placed = 1.0, []
    for index, (section, section_heights) in enumerate(zip(sections, heights, strict=True)):
        indent = RAIL_X * 2 if index == 1 else 0.0
        place = {"frame": FULL, "left": indent, "y": y, "heading_x": RAIL_X * 2 if index else 0.0}
        column, y = _column(fig, index, section, section_heights, plot_px, place)
        placed.append(column)
        y -= gap  # between sections
    _branches(fig, placed[0], FULL, 0.0)
    other_x = _branches(fig, placed[1], FULL, RAIL_X * 2)
    included_top = placed[2][0][1]
    fig.add_shape(
        type="line",
        xref="x",
        yref="y",
        x0=RAIL_X,
        x1=RAIL_X,
        y0=_last_main(placed[0]),
        y1=included_top + gap * 0.5,
        line={"color": NEUTRAL_COLOUR, "width": 1.5},
    )
    _arrow(fig, (RAIL_X, included_top + gap * 0.5), (RAIL_X, included_top))
    _arrow(fig, (other_x, _last_main(placed[1])), (other_x, included_top))
    return plot_px


def _side_by_side(fig: go.Figure, sections, heights: list[list[int]]) -> int:
    """The template's layout at desktop width: the two identification columns side by side, each with
    its set-aside boxes indented beside its own line, and "included" across both below; return the
    plot's height in px."""
    columns_px = [HEADER_PX + sum(h) + ARROW_PX * (len(h) - 1) for h in heights]
    plot_px = max(columns_px[:2]) + ARROW_PX + columns_px[2]
    placed, bottoms = [], []
    for index, frame in enumerate(SIDE_BY_SIDE):
        place = {"frame": frame, "left": 0.0, "y": 1.0, "heading_x": frame.x(0.0)}
        column, bottom = _column(fig, index, sections[index], heights[index], plot_px, place)
        placed.append(column)
        bottoms.append(bottom)
    y = min(bottoms) - ARROW_PX / plot_px
    # "Included" is indented past the databases column's line, which runs down beside it.
    place = {"frame": FULL, "left": 0.0, "y": y, "heading_x": 0.1}
    included, _ = _column(fig, 2, sections[2], heights[2], plot_px, place)
    included_top = included[0][1]
    for column, frame in zip(placed, SIDE_BY_SIDE, strict=True):
        x = _branches(fig, column, frame, 0.0)
        _arrow(fig, (x, _last_main(column)), (x, included_top))
    return plot_px


def prisma_figure(flow: PrismaFlow, searched_on: str) -> go.Figure:
    """A PRISMA 2020 flow diagram for a new review of databases, registers and other sources.

    ``flow`` comes from :func:`mdma_book.screening.prisma_flow`; ``searched_on`` is
    the readable date of the search, shown in the title. The figure is laid out as the template
    is, its two identification columns side by side; its ``layout.meta`` carries the stacked
    layout a phone shows instead (:data:`mdma_book.page_figure.NARROW_LAYOUT`).
    """
    sections = _wrapped_sections(flow)
    heights = [[BOX_PADDING_PX * 2 + LINE_HEIGHT_PX * (1 + len(b.lines)) for b in boxes] for _, boxes in sections]
    top_margin, bottom_margin = 70, 16
    stacked = go.Figure()
    stacked_px = _stacked(stacked, sections, heights)
    fig = go.Figure()
    plot_px = _side_by_side(fig, sections, heights)
    narrow = stacked.to_plotly_json()["layout"]
    fig.update_layout(
        template=BOOK_TEMPLATE,
        title={"text": f"How the studies were found<br>searches of {searched_on}", "x": 0, "xanchor": "left"},
        xaxis={"visible": False, "range": [0, 1]},
        yaxis={"visible": False, "range": [0, 1]},
        height=plot_px + top_margin + bottom_margin,
        margin={"l": 4, "r": 4, "t": top_margin, "b": bottom_margin},
        showlegend=False,
        meta={
            "description": description(flow, searched_on),
            NARROW_LAYOUT: {
                "height": stacked_px + top_margin + bottom_margin,
                "shapes": narrow["shapes"],
                "annotations": narrow["annotations"],
            },
        },
    )
    return fig
