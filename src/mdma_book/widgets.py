"""A live panel over the concentration model, with more knobs than the static chart.

It needs a running Jupyter kernel: in the static book the chapter shows the
code and says so, rather than leaving controls that cannot respond. The panel
draws with the same model and figure builder as the static chart. An
impossible input (a negative dose, a booster before the first dose, a zero
half-life...) shows a message and leaves the last valid chart in place.
"""

from __future__ import annotations

import html
import json
import math

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from mdma_book import pharmacokinetics as pk
from mdma_book.explainer_figures import concentration_figure
from mdma_book.render import PLOTLY_MIME_TYPE

NOTE = (
    "<b>A teaching model of blood concentration, not a dosing tool.</b> "
    "Change a value and press Enter or leave the box; the model is described in the chapter."
)


class SimulatorPanel:
    """Text boxes for the first dose (mg), a booster (mg, h), half-life (h) and absorption rate (1/h) over the model.

    ``table`` is :func:`mdma_book.pharmacokinetics.pharmacokinetic_values` (read
    from ``data/`` when omitted). ``figure`` is the chart last drawn; ``message``
    says why an input was refused. Display the panel in a notebook cell.
    """

    def __init__(self, table: pd.DataFrame | None = None):
        table = pk.pharmacokinetic_values() if table is None else table
        self._fitted = pk.fitted_model(table)
        self._durations = pk.effect_durations(table)
        self._peaks = pk.measured_peaks(table)
        style = {"description_width": "11em"}
        self.first_dose = widgets.FloatText(value=120, description="First dose (mg)", style=style)
        self.booster_dose = widgets.FloatText(value=60, description="Booster dose (mg, 0 = none)", style=style)
        self.booster_time = widgets.FloatText(value=2, description="Booster at (h after first)", style=style)
        self.half_life = widgets.FloatText(value=round(self._fitted.half_life_h, 2), description="Half-life (h)", style=style)
        self.absorption_rate = widgets.FloatText(
            value=round(self._fitted.absorption_rate_per_h, 3), description="Absorption rate (per h)", style=style
        )
        self.message = widgets.HTML()
        self.output = widgets.Output()
        self.figure: go.Figure | None = None
        for control in self.controls:
            control.observe(self._update, names="value")
        self._update()
        self.widget = widgets.VBox([widgets.HTML(NOTE), widgets.VBox(self.controls), self.message, self.output])

    @property
    def controls(self) -> list[widgets.FloatText]:
        return [self.first_dose, self.booster_dose, self.booster_time, self.half_life, self.absorption_rate]

    def build_figure(self) -> go.Figure:
        """The chart for the current inputs; raises ``ValueError`` if they are impossible."""
        first, booster, at = self.first_dose.value, self.booster_dose.value, self.booster_time.value
        has_booster = booster > 0
        pk.check_regimen(first, booster, at if has_booster else None, self.half_life.value, self.absorption_rate.value)
        model = pk.OneCompartmentModel(
            absorption_rate_per_h=self.absorption_rate.value,
            elimination_rate_per_h=math.log(2) / self.half_life.value,
            volume_over_f_l=self._fitted.volume_over_f_l,
        )
        return concentration_figure(
            model, self._durations, self._peaks,
            first_doses_mg=(first,), booster_times_h=(at,) if has_booster else (),
            booster_fraction=booster / first, initial_dose_mg=first, initial_booster_h=at if has_booster else None,
        )

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
        self.message.value = ""
        # Set the output directly (not `with self.output:`) so the panel also works, and can be tested, without a kernel.
        self.output.outputs = (
            {"output_type": "display_data", "data": {PLOTLY_MIME_TYPE: json.loads(figure.to_json()), "text/plain": "Concentration chart"}, "metadata": {}},
        )

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
