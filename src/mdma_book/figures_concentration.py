"""The concentration model (chapter 2): modelled plasma MDMA over 24 hours for the regimens studies used.

A pure function from the fitted model in :mod:`mdma_book.pharmacokinetics` to
a plotly figure; a menu (plotly ``updatemenus``) switches between named
regimens only, and the book's page script turns it into a native control.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from mdma_book.citations import short_citation
from mdma_book.pharmacokinetics import SIMULATED_HOURS, EffectDurations, OneCompartmentModel
from mdma_book.theme import (
    BLUE,
    BOOK_TEMPLATE,
    INK,
    NEUTRAL_COLOUR,
    ORANGE,
    PATTERN_INK,
    VERMILLION,
    WARNING_TEXT,
    title_style,
    view_menu,
    wrap,
)

CURVE_STEP_H = 0.1

#: Printed on the chart itself, not only in the prose: where the linear model errs, and in which direction.
# Short lines, so that the whole warning fits above the curve on a phone.
LINEAR_MODEL_WARNING = (
    "Linear teaching model, not a measurement.<br>"
    "Real levels rise more than in proportion to<br>"
    "dose: after the larger regimen's supplement<br>"
    "the line is likely too low; for the smaller<br>"
    "one it may overstate the first peak."
)


def _dose_hover(time_h: float, dose_mg: float, order: int, label: str) -> str:
    kind = "First dose" if order == 0 else "Supplemental dose"
    return f"{kind}: {dose_mg:g} mg at {time_h:g} h<br>{wrap(label, 36)}<extra></extra>"


def _regimen_traces(fig, times, curve, rid: str, label: str, doses, shown: bool) -> None:
    """One regimen's modelled curve and a triangle at each dose it gives."""
    fig.add_trace(
        go.Scatter(
            x=times,
            y=curve,
            mode="lines",
            line={"color": BLUE, "width": 3},
            # The regimen on its own lines above the value: beside it (plotly's <extra>), the label ran off a phone's screen.
            hovertemplate=f"{wrap(label, 36)}<br>%{{x:.1f}} h: %{{y:.0f}} ng/mL (model)<extra></extra>",
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


def _measured_peaks(fig, peaks: pd.DataFrame, fit_dose: float) -> None:
    """The measured mean peaks, as crosses labelled with their dose."""
    hover = [
        f"Measured mean peak after {d:g} mg: {c:g} ng/mL at {t:g} h<br>Source: {short_citation(k)}"
        for d, c, t, k in zip(peaks["dose_mg"], peaks["cmax_ng_ml"], peaks["tmax_h"], peaks["source_key"], strict=True)
    ]
    fig.add_trace(
        go.Scatter(
            x=peaks["tmax_h"],
            y=peaks["cmax_ng_ml"],
            mode="markers+text",
            # The lower dose's label on two lines: on one, the curve ran through its end on a phone (issue 18, N5).
            text=[f"{d:g} mg, measured" if d == fit_dose else f"{d:g} mg,<br>measured" for d in peaks["dose_mg"]],
            cliponaxis=False,
            # The lower dose's label goes below, clear of the model's ring beside its cross.
            textposition=["middle right" if d == fit_dose else "bottom right" for d in peaks["dose_mg"]],
            marker={"symbol": "x-thin", "size": 11, "line": {"width": 2.5, "color": VERMILLION}},
            hovertext=hover,
            hoverinfo="text",
            showlegend=False,
            meta={"role": "measured"},
        ),
        row=1,
        col=1,
    )


def _model_at_lower_doses(fig, model: OneCompartmentModel, peaks: pd.DataFrame, fit_dose: float) -> None:
    """The model's own peak for each lower measured dose: a ring beside its cross, so the reader sees the miss."""
    low = peaks[peaks["dose_mg"] < fit_dose]
    modelled = [model.concentration_ng_ml(np.array([model.tmax_h]), [(0.0, d)])[0] for d in low["dose_mg"]]
    fig.add_trace(
        go.Scatter(
            x=[model.tmax_h] * len(low),
            y=modelled,
            mode="markers",
            cliponaxis=False,
            marker={"symbol": "circle-open", "size": 12, "line": {"width": 2}, "color": BLUE},
            hovertext=[
                f"The model scaled down to {d:g} mg peaks at {m:.0f} ng/mL; the study measured {c:g}.<br>"
                f"Fitted at {fit_dose:g} mg, the linear model is too high at a lower dose,<br>because real levels are not proportional to the dose."
                for d, m, c in zip(low["dose_mg"], modelled, low["cmax_ng_ml"], strict=True)
            ],
            hoverinfo="text",
            showlegend=False,
            meta={"role": "model_at_lower_dose"},
        ),
        row=1,
        col=1,
    )


def _bands(d: EffectDurations) -> list[tuple]:
    """(name, length, SD, colour, pattern, label, hover) of each duration bar, from the sources' numbers."""
    return [
        (
            "session",
            d.session_h,
            0.0,
            NEUTRAL_COLOUR,
            "",
            f"Trial session ({d.session_h:g} h)",
            f"Each experimental session was scheduled for about {d.session_h:g} hours<br>Source: {short_citation(d.session_source)}",
        ),
        (
            "single",
            d.single_mean_h,
            d.single_sd_h,
            BLUE,
            "",
            f"Felt effects, one dose ({d.single_mean_h:g} ± {d.single_sd_h:g} h)",
            f"Mean duration of the felt effects of one dose in laboratory studies: {d.single_mean_h:g} ± {d.single_sd_h:g} h (SD)"
            f"<br>Source: {short_citation(d.single_source)}",
        ),
        (
            "booster",
            d.booster_mean_h,
            d.booster_sd_h,
            ORANGE,
            "/",
            f"With a supplement* ({d.booster_mean_h:g} ± {d.booster_sd_h:g} h)",
            f"One laboratory study: {d.booster_mean_h:g} ± {d.booster_sd_h:g} h with a supplemental dose,"
            f"<br>{d.booster_single_mean_h:g} ± {d.booster_single_sd_h:g} h without. *Read in a secondary summary only"
            f"<br>Source: {short_citation(d.booster_source)}",
        ),
    ]


BAND_ROWS = ["booster", "single", "session"]  # bottom to top
WARNING_NOTE = {
    "x": 0.99,
    "y": 0.99,
    "xref": "x domain",
    "yref": "y domain",
    "xanchor": "right",
    "yanchor": "top",
    "align": "right",
    "text": LINEAR_MODEL_WARNING,
    "showarrow": False,
    "font": {"size": 12, "color": WARNING_TEXT},
    "name": "linear_model_warning",
}


def _duration_bars(fig, durations: EffectDurations, booster_shown: bool) -> list[dict]:
    """The lower panel's bars (mean ± SD) for the felt effects and the session; returns their labels."""
    labels = []
    for name, length, sd, colour, pattern, label, hover in _bands(durations):
        shown = name != "booster" or booster_shown
        fig.add_trace(
            go.Bar(
                x=[length],
                base=[0],
                y=[BAND_ROWS.index(name)],
                orientation="h",
                width=0.6,
                marker={"color": colour, "pattern": {"shape": pattern, "fillmode": "overlay", "fgcolor": PATTERN_INK}},
                error_x={"type": "data", "array": [sd], "visible": sd > 0, "thickness": 1.5, "width": 5, "color": INK},
                hovertext=[hover],
                hoverinfo="text",
                showlegend=False,
                visible=shown,
                meta={"role": f"band_{name}"},
            ),
            row=2,
            col=1,
        )
        labels.append(
            {
                "x": length + sd + 0.4,
                "y": BAND_ROWS.index(name),
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
    return labels


def _regimen_menu(fig, regimens: dict, initial_regimen: str, booster_note: int) -> list[dict]:
    """The menu of named regimens (none when there is one): each shows its curve, its doses and, with a supplement, its bar."""
    if len(regimens) < 2:
        return []
    has_supplement = {rid: len(doses) > 1 for rid, (_, doses) in regimens.items()}

    def shows(trace, rid: str) -> bool:
        role = trace.meta["role"]
        if role in {"curve", "dose_marker"}:
            return trace.meta["regimen"] == rid
        return has_supplement[rid] if role == "band_booster" else True

    menu = view_menu(
        fig,
        list(regimens),
        "Dosing regimen",
        shows,
        label=lambda rid: regimens[rid][0],
        relayout=lambda rid: {f"annotations[{booster_note}].visible": has_supplement[rid]},
        active=list(regimens).index(initial_regimen),
        x=0,
        xanchor="left",
        y=1.02,
        yanchor="bottom",
        showactive=True,
    )
    return [menu]


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
        _regimen_traces(fig, times, curves[rid], rid, label, doses, rid == initial_regimen)
    _measured_peaks(fig, measured_peaks, fit_dose)
    _model_at_lower_doses(fig, model, measured_peaks, fit_dose)
    annotations = [WARNING_NOTE, *_duration_bars(fig, durations, len(regimens[initial_regimen][1]) > 1)]
    booster_note = next(i for i, note in enumerate(annotations) if note["name"] == "band_booster")
    fig.update_layout(
        template=BOOK_TEMPLATE,
        title=title_style("Modelled MDMA in the blood over 24 hours", 0.98),
        height=660,
        margin={"l": 62, "r": 22, "t": 104, "b": 60},  # r: room for half the "24" tick label
        bargap=0.3,
        annotations=annotations,
        updatemenus=_regimen_menu(fig, regimens, initial_regimen, booster_note),
        showlegend=False,
        hovermode="closest",
        meta={
            "description": "Line chart of modelled plasma MDMA concentration over 24 hours for the regimens studies used, "
            "with bars for how long the felt effects and a trial session last.",
            "page_margin_top": 44,  # the page's native control stands above the chart, not plotly's menu; 60 left a band
        },
    )
    fig.update_yaxes(title_text="Plasma MDMA (ng/mL)", range=[0, y_top], fixedrange=True, row=1, col=1)
    fig.update_yaxes(visible=False, range=[-0.6, 2.6], fixedrange=True, row=2, col=1)
    fig.update_xaxes(range=[-0.3, SIMULATED_HOURS], dtick=4, fixedrange=True)
    fig.update_xaxes(title_text="Hours after the first dose", row=2, col=1)
    return fig
