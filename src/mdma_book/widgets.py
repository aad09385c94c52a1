"""Live "Try it" panels: ipywidgets controls over the book's own figure builders.

They need a running Jupyter kernel: in the static book each chapter shows the
panel's code with a note saying so, rather than leaving controls that cannot
respond. Every panel draws with the same functions as the static figure. An
impossible input (no trial chosen, a risk above 100 per 100, a negative
half-life...) shows a message and leaves the last valid
chart in place.

Each panel has ``controls`` (the widgets a teacher changes), ``figure`` (the
chart last drawn), ``message`` (why an input was refused) and ``widget`` (what
a notebook displays). Setting a control's ``value`` from Python redraws, as a
click would.
"""

from __future__ import annotations

import html
import json
import math

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from mdma_book import evidence, figures, mechanism, synthesis, theme, timelines
from mdma_book import pharmacokinetics as pk
from mdma_book.explainer_figures import concentration_figure, mechanism_diagram, treatment_course_figure
from mdma_book.explainer_figures import history_timeline as explainer_timeline
from mdma_book.theme import PLOTLY_MIME_TYPE, plotly_config

#: The option value of "all pathways" in the mechanism panel's menu. Not ``None``: ipywidgets
#: takes a ``None`` value for "nothing chosen", and the menu then shows blank.
ALL_PATHWAYS = "all"

#: Wide enough for the longest control description ("Absorption rate (per h)").
LABEL_STYLE = {"description_width": "13em"}
#: Menus as wide as their longest option, so no regimen or outcome name is cut off.
WIDE = widgets.Layout(width="auto", max_width="100%")

MULTI_SELECT_HINT = (
    "Ctrl-click (Cmd-click on a Mac) a trial to leave it out or put it back; "
    "a plain click keeps only that trial, and Shift-click selects a range."
)


def colab_html(shown: dict) -> str:
    """The chart as plotly's ``colab`` renderer outputs it (HTML loading plotly.js from its CDN).

    Colab draws no chart from plotly's mime type alone (googlecolab/colabtools#1522), which is all
    a panel's output holds elsewhere; the figure cells get the same HTML from plotly's own renderer.
    """
    import plotly.io as pio

    figure = {key: value for key, value in shown.items() if key != "config"}
    return pio.to_html(
        figure, config=plotly_config(), include_plotlyjs="cdn", full_html=True, default_width="100%", validate=False
    )


class FigurePanel:
    """Base of the live panels: subclasses set ``controls`` and implement ``build_figure``."""

    note = ""

    def _start(self, controls: list[widgets.Widget]) -> None:
        self.controls = controls
        self.message = widgets.HTML()
        self.output = widgets.Output()
        self.figure: go.Figure | None = None
        for control in self.controls:
            control.observe(self._update, names="value")
        self._update()
        header = [widgets.HTML(self.note)] if self.note else []
        self.widget = widgets.VBox([*header, widgets.VBox(self.controls), self.message, self.output])

    def build_figure(self) -> go.Figure:
        """The chart for the current control values; raises ``ValueError`` if they are impossible."""
        raise NotImplementedError

    def remark(self) -> str:
        """HTML shown above a chart that was drawn, e.g. which chosen trials it could not include."""
        return ""

    def _update(self, change: dict | None = None) -> None:
        try:
            figure = self.build_figure()
        except ValueError as error:
            self.message.value = (
                f'<p style="color:#D55E00"><b>Not drawn:</b> {html.escape(str(error))}. '
                "The chart below still shows the last valid values.</p>"
            )
            return
        self.figure = figure
        self.message.value = self.remark()
        # One set of controls per figure: the panel's. The figure's own plotly menus and sliders
        # (which the static book turns into its native controls) would drive the same chart
        # without moving the panel's controls, so the live figure leaves them out.
        shown = json.loads(figure.to_json())
        shown.setdefault("layout", {}).pop("updatemenus", None)
        shown["layout"].pop("sliders", None)
        shown["config"] = plotly_config()  # read by JupyterLab's and VS Code's plotly renderers
        data = {PLOTLY_MIME_TYPE: shown, "text/plain": "Chart"}
        if theme.in_colab():
            data["text/html"] = colab_html(shown)
        # Set the output directly (not `with self.output:`) so the panel also works, and can be tested, without a kernel.
        self.output.outputs = ({"output_type": "display_data", "data": data, "metadata": {}},)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


NOTE = (
    "<b>A teaching model of blood concentration, not a dosing tool.</b> "
    "The menu offers only the regimens studies used; no box sets a dose. Half-life and absorption rate "
    "are there to explore the model: change one and press Enter or leave the box."
)


class SimulatorPanel(FigurePanel):
    """A menu of the studies' named regimens, and the model's half-life (h) and absorption rate (1/h) as teaching knobs.

    ``table`` is :func:`mdma_book.pharmacokinetics.pharmacokinetic_values` and
    ``regimens`` :func:`mdma_book.pharmacokinetics.dosing_regimens` (both read
    from ``data/`` when omitted). There is deliberately no dose input: the
    regimens are those of ``data/dosing_regimens.csv``. ``figure`` is the chart
    last drawn; ``message`` says why an input was refused.
    """

    def __init__(self, table: pd.DataFrame | None = None, regimens: pd.DataFrame | None = None):
        table = pk.pharmacokinetic_values() if table is None else table
        self._regimens = pk.regimen_doses(pk.dosing_regimens() if regimens is None else regimens)
        self._fitted = pk.fitted_model(table)
        self._durations = pk.effect_durations(table)
        self._peaks = pk.measured_peaks(table)
        style = LABEL_STYLE
        self.regimen = widgets.Dropdown(
            options=[(label, rid) for rid, (label, _) in self._regimens.items()],
            description="Regimen studied",
            style=style,
            layout=WIDE,
        )
        self.half_life = widgets.FloatText(
            value=round(self._fitted.half_life_h, 2), description="Half-life (h)", style=style
        )
        self.absorption_rate = widgets.FloatText(
            value=round(self._fitted.absorption_rate_per_h, 3), description="Absorption rate (per h)", style=style
        )
        self.note = NOTE
        self._start([self.regimen, self.half_life, self.absorption_rate])

    def build_figure(self) -> go.Figure:
        """The chart for the chosen regimen and model knobs; raises ``ValueError`` if a knob is impossible."""
        pk.check_model_inputs(self.half_life.value, self.absorption_rate.value)
        model = pk.OneCompartmentModel(
            absorption_rate_per_h=self.absorption_rate.value,
            elimination_rate_per_h=math.log(2) / self.half_life.value,
            volume_over_f_l=self._fitted.volume_over_f_l,
        )
        chosen = self.regimen.value
        return concentration_figure(model, self._durations, self._peaks, {chosen: self._regimens[chosen]})


PTSD_OUTCOME_CHOICES = [(evidence.OUTCOMES[o], o) for o in evidence.PTSD_OUTCOMES]


class Phase3Panel(FigurePanel):
    """The Phase 3 outcome chart (Figure 3.1) with an outcome menu."""

    def __init__(self, dichotomous: pd.DataFrame | None = None):
        table = evidence.dichotomous_outcomes() if dichotomous is None else dichotomous
        self._phase3 = table[(table["phase"] == 3) & table["outcome"].isin(evidence.PTSD_OUTCOMES)]
        self.outcome = widgets.Dropdown(
            options=PTSD_OUTCOME_CHOICES, value="loss_of_diagnosis", description="Outcome", layout=WIDE
        )
        self._start([self.outcome])

    def build_figure(self) -> go.Figure:
        return figures.phase3_outcome_rates(self._phase3, initial_outcome=self.outcome.value)


class ForestPanel(FigurePanel):
    """The PTSD forest plot (Figure 3.2) with outcome, effect measure and the trials to pool.

    Leaving trials out shows how much the pooled result rests on any one of them.
    """

    note = f"Leave trials out to see how the pooled result changes without them. {MULTI_SELECT_HINT}"

    def __init__(self, dichotomous: pd.DataFrame | None = None):
        self._data = evidence.dichotomous_outcomes() if dichotomous is None else dichotomous
        studies = list(dict.fromkeys(self._data.sort_values(["phase", "study"])["study"]))
        self.outcome = widgets.Dropdown(
            options=PTSD_OUTCOME_CHOICES, value="response", description="Outcome", layout=WIDE
        )
        self.measure = widgets.ToggleButtons(
            options=[("Risk ratio", "risk_ratio"), ("Risk difference", "risk_difference")],
            value="risk_ratio",
            description="Measure",
        )
        self.trials = widgets.SelectMultiple(
            options=studies, value=tuple(studies), description="Trials", rows=len(studies)
        )
        self._start([self.outcome, self.measure, self.trials])

    def build_figure(self) -> go.Figure:
        chosen = self._data[self._data["study"].isin(self.trials.value) & (self._data["outcome"] == self.outcome.value)]
        if chosen.empty:
            raise ValueError(
                f"none of the chosen trials reports {evidence.OUTCOMES[self.outcome.value].lower()}; choose at least one that does"
            )
        measure = self.measure.value
        view = {
            "label": evidence.OUTCOMES[self.outcome.value],
            "measure": measure,
            "favours": ("comparator", "MDMA"),
            "table": synthesis.forest_table(
                synthesis.dichotomous_effects(chosen, self.outcome.value, measure), measure
            ),
        }
        return figures.forest_plot([view])

    def remark(self) -> str:
        reporting = set(self._data.loc[self._data["outcome"] == self.outcome.value, "study"])
        missing = [study for study in self.trials.value if study not in reporting]
        if not missing:
            return ""
        outcome = evidence.OUTCOMES[self.outcome.value].lower()
        return f"<p>Not in this chart: {html.escape(', '.join(missing))} (no data on {html.escape(outcome)}).</p>"


class AbsoluteEffectsPanel(FigurePanel):
    """Out of 100 people (Figure 3.3), with the risk under placebo-assisted therapy as a knob.

    The pooled risk ratio stays as estimated; changing the assumed risk with
    placebo shows how the number needed to treat depends on it.
    """

    note = "Change the risk with placebo-assisted therapy to see how the absolute benefit and the NNT depend on it."

    def __init__(self, dichotomous: pd.DataFrame | None = None):
        self._data = evidence.dichotomous_outcomes() if dichotomous is None else dichotomous
        self.outcome = widgets.Dropdown(
            options=PTSD_OUTCOME_CHOICES, value="response", description="Outcome", layout=WIDE
        )
        start = round(100 * synthesis.assumed_control_risk(self._data, "response"), 1)
        self.placebo_per_100 = widgets.FloatText(value=start, description="With placebo (per 100)", style=LABEL_STYLE)
        # A new outcome starts from its own trial-based risk; observed before the redraw is wired.
        self.outcome.observe(self._reset_placebo_risk, names="value")
        self._start([self.outcome, self.placebo_per_100])

    def _reset_placebo_risk(self, change: dict) -> None:
        self.placebo_per_100.value = round(100 * synthesis.assumed_control_risk(self._data, change["new"]), 1)

    def build_figure(self) -> go.Figure:
        risk = self.placebo_per_100.value
        if not 0 < risk < 100:
            raise ValueError(f"the risk with placebo must be above 0 and below 100 per 100, not {risk:g}")
        effect = synthesis.absolute_effect(self._data, self.outcome.value, control_risk=risk / 100)  # may refuse
        if effect["risk_difference"].value <= 0:
            raise ValueError("with this risk the pooled ratio gives no benefit to count")
        return figures.absolute_effects_chart([effect])


class DepressionPanel(FigurePanel):
    """The BDI-II forest plot (Figure 3.4) with the trials to pool."""

    note = f"Leave trials out to see how the pooled depression estimate changes. {MULTI_SELECT_HINT}"

    def __init__(self, continuous: pd.DataFrame | None = None):
        self._data = evidence.continuous_outcomes() if continuous is None else continuous
        endpoint = self._data[(self._data["measure"] == "bdi_ii") & (self._data["statistic"] == "endpoint_mean")]
        studies = list(dict.fromkeys(endpoint.sort_values(["phase", "study"])["study"]))
        self.trials = widgets.SelectMultiple(
            options=studies, value=tuple(studies), description="Trials", rows=len(studies)
        )
        self._start([self.trials])

    def build_figure(self) -> go.Figure:
        if not self.trials.value:
            raise ValueError("choose at least one trial")
        chosen = self._data[self._data["study"].isin(self.trials.value)]
        view = synthesis.depression_forest_view(chosen)
        return figures.forest_plot([view])


class MechanismPanel(FigurePanel):
    """The mechanism diagram (Figure 2.1) with the pathway to highlight."""

    def __init__(self, nodes: pd.DataFrame | None = None, edges: pd.DataFrame | None = None):
        if nodes is None or edges is None:
            nodes, edges = mechanism.mechanism_graph()
        self._nodes, self._edges = nodes, edges
        self.pathway = widgets.Dropdown(
            options=[("All", ALL_PATHWAYS)] + [(label, key) for key, label in mechanism.PATHWAYS.items()],
            value=ALL_PATHWAYS,
            description="Pathway",
            layout=WIDE,
        )
        self._start([self.pathway])

    def build_figure(self) -> go.Figure:
        figure = mechanism_diagram(self._nodes, self._edges)
        menu = figure.layout.updatemenus[0]
        index = [ALL_PATHWAYS, *mechanism.PATHWAYS].index(self.pathway.value)
        restyle, relayout, trace_indices = menu.buttons[index].args
        # Apply the button's own update, so the live view is exactly what a click shows.
        figure.plotly_update(restyle_data=restyle, relayout_data=relayout, trace_indexes=trace_indices)
        figure.layout.updatemenus[0].active = index
        return figure


class CoursePanel(FigurePanel):
    """The treatment-course timeline (Figure 4.1) with the trial protocol to show."""

    def __init__(self, course: pd.DataFrame | None = None):
        self._course = timelines.treatment_course() if course is None else course
        names = dict(zip(self._course["course_id"], self._course["course"], strict=False))
        protocols = [(names[course_id], course_id) for course_id in timelines.therapy_courses(self._course)]
        self.protocol = widgets.ToggleButtons(options=protocols, value=protocols[0][1], description="Protocol")
        self._start([self.protocol])

    def build_figure(self) -> go.Figure:
        return treatment_course_figure(self._course, initial_course=self.protocol.value)


class HistoryPanel(FigurePanel):
    """The history timeline (Figure 1.1) with the kinds of event to show."""

    note = (
        "Ctrl-click (Cmd-click on a Mac) a kind of event to hide it or show it again; "
        "a plain click shows only that kind."
    )

    def __init__(self, events: pd.DataFrame | None = None):
        self._events = timelines.history_events() if events is None else events
        kinds = list(dict.fromkeys(self._events["category"]))
        # The legend's names for the kinds of event, not the data's keys ("other_regulator").
        self.kinds = widgets.SelectMultiple(
            options=[(timelines.CATEGORIES[kind], kind) for kind in kinds],
            value=tuple(kinds),
            description="Events",
            rows=len(kinds),
            style=LABEL_STYLE,
            layout=WIDE,
        )
        self._start([self.kinds])

    def build_figure(self) -> go.Figure:
        if not self.kinds.value:
            raise ValueError("choose at least one kind of event")
        return explainer_timeline(self._events[self._events["category"].isin(self.kinds.value)])
