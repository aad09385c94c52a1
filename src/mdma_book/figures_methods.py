"""The PRISMA 2020 flow diagram of the book's search, drawn from the screening counts.

A flow diagram is boxes and arrows, not data points, so it is drawn with plotly
shapes and annotations in the coordinates of two hidden unit axes: one column of boxes that stays
readable at a phone's width, the boxes of records set aside indented and dashed.
"""

from __future__ import annotations

import plotly.graph_objects as go

from mdma_book.screening import PrismaFlow
from mdma_book.theme import BLUE, BOOK_TEMPLATE, NEUTRAL_COLOUR, WARNING_TEXT, rgba, wrap

ARROW_PX = 40  # vertical space between boxes, for the arrows
LINE_HEIGHT_PX = 19
BOX_PADDING_PX = 14
WRAP_CHARS = 40


def _boxes(flow: PrismaFlow) -> list[tuple[str, list[str], bool]]:
    """(heading, lines, set_aside) for each box, top to bottom."""
    return [
        (
            f"Records identified: {flow.identified}",
            [f"{source}: {count}" for source, count in flow.records_by_source.items()],
            False,
        ),
        (f"Records of a study already counted: {flow.duplicates}", ["set aside, kept with their study"], True),
        (f"Studies screened: {flow.screened}", ["MDMA given; checked for a depression outcome"], False),
        (
            f"Studies excluded: {flow.excluded}",
            [f"{reason}: {count}" for reason, count in flow.excluded_by_reason.items()],
            True,
        ),
        (f"Studies included: {flow.included}", ["listed with their status on this page"], False),
    ]


def _draw_boxes(fig: go.Figure, boxes: list, heights_px: list[float], plot_px: float) -> list[tuple]:
    """The flow's boxes from the top, set-aside ones indented and dashed; returns each box's (top, bottom, aside)."""
    gap = ARROW_PX / plot_px
    y_top, spans = 1.0, []
    for (heading, lines, aside), height_px in zip(boxes, heights_px, strict=True):
        height = height_px / plot_px
        x0 = 0.12 if aside else 0.0
        colour = WARNING_TEXT if aside else BLUE  # 3:1 or more on the page in both themes
        fig.add_shape(
            type="rect",
            xref="x",
            yref="y",
            x0=x0,
            x1=1.0,
            y0=y_top - height,
            y1=y_top,
            line={"color": colour, "width": 2, "dash": "dash" if aside else "solid"},
            fillcolor=rgba(colour, 0.08),
        )
        text = f"<b>{heading}</b>" + "".join(f"<br>{line}" for line in lines)
        fig.add_annotation(
            x=x0 + (0.03 if aside else 0.1),
            y=y_top - height / 2,
            xref="x",
            yref="y",
            xanchor="left",
            yanchor="middle",
            align="left",
            text=text,
            showarrow=False,
            font={"size": 13},
        )
        spans.append((y_top, y_top - height, aside))
        y_top -= height + gap
    return spans


def _draw_arrows(fig: go.Figure, spans: list[tuple]) -> None:
    """The main flow runs down the left margin, beside the indented boxes of records set aside.

    Each set-aside box branches off it to the side, so no arrow leads from "excluded" into "included".
    """
    main = [(top, bottom) for top, bottom, aside in spans if not aside]
    x = 0.06  # left of every indented box, inside every main box
    arrows = [((x, bottom), (x, top)) for (_, bottom), (top, _) in zip(main, main[1:], strict=False)]
    arrows += [((x, (top + bottom) / 2), (0.12, (top + bottom) / 2)) for top, bottom, aside in spans if aside]
    for (ax, ay), (hx, hy) in arrows:
        fig.add_annotation(
            x=hx,
            y=hy,
            ax=ax,
            ay=ay,
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


def prisma_figure(flow: PrismaFlow, searched_on: str) -> go.Figure:
    """A PRISMA 2020 flow diagram: records per source, duplicates, screened, excluded with reasons, included.

    ``flow`` comes from :func:`mdma_book.screening.prisma_flow`; ``searched_on`` is
    the readable date of the search, shown in the title.
    """
    boxes = [
        (heading, [w for line in lines for w in wrap(line, WRAP_CHARS).split("<br>")], aside)
        for heading, lines, aside in _boxes(flow)
    ]
    heights_px = [BOX_PADDING_PX * 2 + LINE_HEIGHT_PX * (1 + len(lines)) for _, lines, _ in boxes]
    top_margin, bottom_margin = 90, 20
    plot_px = sum(heights_px) + ARROW_PX * (len(boxes) - 1)
    fig = go.Figure()
    _draw_arrows(fig, _draw_boxes(fig, boxes, heights_px, plot_px))
    description = (
        f"Flow of the search of {searched_on}: {flow.identified} records were identified "
        f"({'; '.join(f'{s} {n}' for s, n in flow.records_by_source.items())}). "
        f"{flow.duplicates} were further records of a study already counted, leaving {flow.screened} studies screened. "
        f"{flow.excluded} were excluded ({'; '.join(f'{r}: {n}' for r, n in flow.excluded_by_reason.items())}) "
        f"and {flow.included} were included."
    )
    fig.update_layout(
        template=BOOK_TEMPLATE,
        title={"text": f"How the studies were found<br>search of {searched_on}", "x": 0, "xanchor": "left"},
        xaxis={"visible": False, "range": [0, 1]},
        yaxis={"visible": False, "range": [0, 1]},
        height=plot_px + top_margin + bottom_margin,
        margin={"l": 4, "r": 4, "t": top_margin, "b": bottom_margin},
        showlegend=False,
        meta={"description": description},
    )
    return fig
