"""A teaching model of MDMA plasma concentration, fitted to cited human data.

``data/pharmacokinetics.csv`` holds one reported value per row (peak
concentration, time to peak, half-life, how long the felt effects lasted, the
length of a trial session), each with its source. The model is the textbook
one-compartment model with first-order absorption, fitted to the mean values
Mas et al. (1999) report for a single 125 mg dose.

What the model leaves out: MDMA's kinetics are non-linear (it inhibits the
liver enzyme CYP2D6 that breaks it down), so concentrations do not scale in
proportion to dose; doses are simply added (superposition); there is no
variation between people, no metabolites, no food effect. It describes
concentration only, not effect, and it is not a dosing tool: it draws only the
named regimens in ``data/dosing_regimens.csv`` (the laboratory dose it is
fitted to and the doses the Phase 3 trials gave), never a dose a reader picks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from scipy.optimize import brentq

from mdma_book.evidence import bibliography_keys, load_table, quoted, row_check, sourced_checks
from mdma_book.paths import data_dir
from mdma_book.table_schema import declared_schema

#: Every measure the file may hold, with the unit it must be given in.
MEASURES = {
    "cmax": "ng/mL",
    "tmax": "h",
    "half_life": "h",
    "effect_duration_mean": "h",
    "effect_duration_sd": "h",
    "effect_duration_min": "h",
    "effect_duration_max": "h",
    "session_length": "h",
    "auc_0_24": "ng*h/mL",
}

SIMULATED_HOURS = 24.0

UNIT_CHECK = "unit does not match the measure"
FIRST_DOSE_CHECK = "the first dose is at 0 h and a supplement after it"
ONE_LABEL_CHECK = "one label per regimen"
RANGE_CHECK = "effect_duration_min above effect_duration_max (or the mean outside them)"


def _within_reported_range(df: pd.DataFrame) -> pd.Series:
    """Per row: the shortest duration reported is not above the longest, nor the mean outside them."""
    group = [df["study"], df["regimen"], df["dose_mg"].fillna(-1)]

    def of(measure: str) -> pd.Series:
        return df["value"].where(df["measure"] == measure).groupby(group).transform("max")

    low, high, mean = of("effect_duration_min"), of("effect_duration_max"), of("effect_duration_mean")
    reversed_ = (low > high) & df["measure"].eq("effect_duration_min")  # reported on the minimum's line
    outside = (low <= high) & ((mean < low) | (mean > high)) & df["measure"].eq("effect_duration_mean")
    return ~(reversed_ | outside)


#: The rows the model is fitted to, by their ``quote_id`` (a stable id: a study can be renamed in the data).
FIT_IDS = {"cmax": "pk_fit_cmax", "tmax": "pk_fit_tmax", "half_life": "pk_fit_half_life"}
#: The reported 24-hour area the model's own area is compared with (a second group, read in a review).
AUC_CHECK_ID = "pk_auc_check"


def pharmacokinetics_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``pharmacokinetics.csv``: one reported value per row."""
    return declared_schema(
        "pharmacokinetics",
        sourced_checks(bib_keys),
        checks=[
            # report a failing row once, under its unit
            row_check(
                lambda df: df["unit"] == df["measure"].map(MEASURES).fillna(df["unit"]),
                UNIT_CHECK,
                "unit",
                name="unit_matches_measure",
            ),
            row_check(_within_reported_range, RANGE_CHECK, "value", name="duration_within_range"),
        ],
        ordered=False,
    )


def pharmacokinetic_values(path: Path | None = None) -> pd.DataFrame:
    """Return the reported pharmacokinetic and duration values, validated.

    Columns: study, regimen, dose_mg, measure, value, unit, source_key,
    locator, status, retracted, note, quote_id.
    """
    path = path or data_dir() / "pharmacokinetics.csv"
    return load_table(path, pharmacokinetics_schema(bibliography_keys()))


def reported_pk(table: pd.DataFrame, quote_id: str, measure: str | None = None) -> pd.Series:
    """The one row of ``table`` with this ``quote_id``; ``KeyError`` naming the file and id if there is none.

    With ``measure``, a ``ValueError`` names the row if it reports another measure.
    """
    row = quoted(table, quote_id, "pharmacokinetics.csv")
    if measure is not None and row["measure"] != measure:
        raise ValueError(f"pharmacokinetics.csv: {quote_id} reports {row['measure']}, not {measure}")
    return row


def _fit_rows(table: pd.DataFrame) -> dict[str, pd.Series]:
    """The rows ``FIT_IDS`` names, by measure; ``ValueError`` unless each reports its measure and all one study and dose."""
    rows = {measure: reported_pk(table, quote_id, measure) for measure, quote_id in FIT_IDS.items()}
    for column in ("study", "dose_mg"):
        values = {str(row[column]) for row in rows.values()}
        if len(values) != 1:
            raise ValueError(
                f"pharmacokinetics.csv: the rows the model is fitted to differ in {column}: {sorted(values)}"
            )
    return rows


@dataclass(frozen=True)
class OneCompartmentModel:
    """One-compartment model with first-order oral absorption and elimination.

    ``absorption_rate_per_h`` (ka) and ``elimination_rate_per_h`` (ke) are in
    1/h; ``volume_over_f_l`` is the apparent volume of distribution divided by
    the fraction absorbed, in litres.
    """

    absorption_rate_per_h: float
    elimination_rate_per_h: float
    volume_over_f_l: float

    @property
    def half_life_h(self) -> float:
        """Elimination half-life in hours."""
        return math.log(2) / self.elimination_rate_per_h

    @property
    def tmax_h(self) -> float:
        """Time of the peak after a single dose, in hours."""
        ka, ke = self.absorption_rate_per_h, self.elimination_rate_per_h
        return 1 / ka if math.isclose(ka, ke) else math.log(ka / ke) / (ka - ke)

    def concentration_ng_ml(self, times_h: np.ndarray, doses: list[tuple[float, float]]) -> np.ndarray:
        """Plasma concentration (ng/mL) at ``times_h`` after ``doses``, a list of (time in h, dose in mg).

        Doses add up (superposition); before a dose is taken it contributes nothing.
        """
        ka, ke, volume = self.absorption_rate_per_h, self.elimination_rate_per_h, self.volume_over_f_l
        times_h = np.asarray(times_h, dtype=float)
        total = np.zeros_like(times_h)
        for dose_time_h, dose_mg in doses:
            t = np.clip(times_h - dose_time_h, 0, None)
            scale = 1000 * dose_mg / volume  # mg/L -> ng/mL
            if math.isclose(ka, ke):
                total += scale * ka * t * np.exp(-ke * t)  # the limit of the formula below as ka -> ke
            else:
                total += scale * ka / (ka - ke) * (np.exp(-ke * t) - np.exp(-ka * t))
        return total

    def area_ng_h_ml(self, until_h: float, doses: list[tuple[float, float]]) -> float:
        """Area under the concentration curve (ng·h/mL) from 0 h to ``until_h`` after ``doses`` (time in h, mg).

        The exact integral of :meth:`concentration_ng_ml`, dose by dose; a dose
        taken after ``until_h`` adds nothing.
        """
        ka, ke, volume = self.absorption_rate_per_h, self.elimination_rate_per_h, self.volume_over_f_l
        total = 0.0
        for dose_time_h, dose_mg in doses:
            t = max(until_h - dose_time_h, 0.0)
            scale = 1000 * dose_mg / volume
            if math.isclose(ka, ke):
                total += scale * (1 - math.exp(-ke * t) * (1 + ke * t)) / ke
            else:
                total += scale * ka / (ka - ke) * ((1 - math.exp(-ke * t)) / ke - (1 - math.exp(-ka * t)) / ka)
        return total


def fit_to_reported_peak(cmax_ng_ml: float, tmax_h: float, half_life_h: float, dose_mg: float) -> OneCompartmentModel:
    """Fit the model to a reported mean peak (ng/mL), time to peak (h) and half-life (h) after one dose (mg).

    ke comes from the half-life. ka is the root of tmax = ln(ka/ke) / (ka - ke),
    found with :func:`scipy.optimize.brentq`; that equation has a second root
    with ka and ke swapped, and the absorption-faster-than-elimination root is
    the one that fits a peak at 2.4 h and a half-life of 8.6 h. The volume term
    then makes the peak equal ``cmax_ng_ml``.
    """
    ke = math.log(2) / half_life_h
    if not 0 < tmax_h < 1 / ke:
        raise ValueError(f"a peak at {tmax_h} h cannot follow from a {half_life_h} h half-life")

    def peak_time_error(ka: float) -> float:
        return math.log(ka / ke) / (ka - ke) - tmax_h

    ka = brentq(peak_time_error, ke * (1 + 1e-9), 1000 * ke)
    unit_volume = OneCompartmentModel(ka, ke, 1.0)
    volume = unit_volume.concentration_ng_ml(np.array([tmax_h]), [(0.0, dose_mg)])[0] / cmax_ng_ml
    return OneCompartmentModel(float(ka), ke, float(volume))


def fit_dose_mg(table: pd.DataFrame) -> float:
    """The single dose the model is fitted to (that of the fitted peak's row)."""
    return float(_fit_rows(table)["cmax"]["dose_mg"])


def fitted_model(table: pd.DataFrame) -> OneCompartmentModel:
    """The model fitted to the rows ``FIT_IDS`` names (Mas et al., 1999, 125 mg), read from ``table``."""
    rows = _fit_rows(table)
    cmax, tmax, half_life = (float(rows[m]["value"]) for m in ("cmax", "tmax", "half_life"))
    return fit_to_reported_peak(cmax, tmax, half_life, float(rows["cmax"]["dose_mg"]))


def check_model_inputs(half_life_h: float, absorption_rate_per_h: float) -> None:
    """Raise ``ValueError`` with a plain message if the live panel's teaching knobs are impossible.

    Half-life in hours, absorption rate in 1/h. Doses are never an input: the
    model draws only the named regimens of ``data/dosing_regimens.csv``.
    """
    for name, value in {"half-life": half_life_h, "absorption rate": absorption_rate_per_h}.items():
        if value is None or not math.isfinite(value):
            raise ValueError(f"the {name} must be a number")
    if half_life_h <= 0:
        raise ValueError("the half-life must be above 0 h")
    if absorption_rate_per_h <= 0:
        raise ValueError("the absorption rate must be above 0 per hour")


def dosing_regimens_schema(bib_keys: frozenset[str]) -> pa.DataFrameSchema:
    """Schema of ``dosing_regimens.csv``: the named regimens the concentration figure draws, one dose per row."""
    return declared_schema(
        "dosing_regimens",
        sourced_checks(bib_keys),
        checks=[
            row_check(
                lambda df: (df["dose_order"] == 1) == (df["time_h"] == 0),
                FIRST_DOSE_CHECK,
                "time_h",
                name="first_dose_at_zero",
            ),
            row_check(
                lambda df: df.groupby("regimen")["label"].transform("nunique") == 1,
                ONE_LABEL_CHECK,
                "label",
                name="one_label",
            ),
        ],
    )


def dosing_regimens(path: Path | None = None) -> pd.DataFrame:
    """Return the named regimens the concentration figure may draw, validated.

    Columns: regimen, label, dose_order, time_h, dose_mg and the shared source
    columns. Each regimen has a first dose at 0 h and at most one supplement.
    """
    path = path or data_dir() / "dosing_regimens.csv"
    return load_table(path, dosing_regimens_schema(bibliography_keys()))


def regimen_doses(regimens: pd.DataFrame) -> dict[str, tuple[str, list[tuple[float, float]]]]:
    """Map each regimen id to (its label, its doses as (time in h, dose in mg)), in file order."""
    result: dict[str, tuple[str, list[tuple[float, float]]]] = {}
    for regimen, rows in regimens.sort_values("dose_order").groupby("regimen", sort=False):
        result[regimen] = (
            rows["label"].iloc[0],
            list(zip(rows["time_h"].astype(float), rows["dose_mg"].astype(float), strict=True)),
        )
    order = list(dict.fromkeys(regimens["regimen"]))
    return {regimen: result[regimen] for regimen in order}


@dataclass(frozen=True)
class EffectDurations:
    """How long the felt effects lasted and how long a session was, in hours, with their sources."""

    single_mean_h: float
    single_sd_h: float
    single_source: str
    booster_mean_h: float
    booster_sd_h: float
    booster_single_mean_h: float
    booster_single_sd_h: float
    booster_source: str
    session_h: float
    session_source: str


def effect_durations(table: pd.DataFrame) -> EffectDurations:
    """Read the durations the concentration figure draws as bands from ``table``, by their quote ids."""

    def value(quote_id: str) -> float:
        return float(reported_pk(table, quote_id)["value"])

    return EffectDurations(
        single_mean_h=value("effect_single_mean"),
        single_sd_h=value("effect_single_sd"),
        single_source=reported_pk(table, "effect_single_mean")["source_key"],
        booster_mean_h=value("effect_booster_mean"),
        booster_sd_h=value("effect_booster_sd"),
        booster_single_mean_h=value("effect_booster_single_mean"),
        booster_single_sd_h=value("effect_booster_single_sd"),
        booster_source=reported_pk(table, "effect_booster_mean")["source_key"],
        session_h=value("session_length"),
        session_source=reported_pk(table, "session_length")["source_key"],
    )


def measured_peaks(table: pd.DataFrame) -> pd.DataFrame:
    """Reported mean peaks of the fitted study as columns dose_mg, tmax_h, cmax_ng_ml, source_key (one row per dose).

    The study is that of the fitted peak's row, whatever it is called.
    """
    study = reported_pk(table, FIT_IDS["cmax"])["study"]
    rows = table[(table["study"] == study) & table["measure"].isin(["cmax", "tmax"])]
    wide = rows.pivot(index="dose_mg", columns="measure", values="value").dropna()
    keys = rows.groupby("dose_mg")["source_key"].first()
    return pd.DataFrame(
        {
            "dose_mg": wide.index,
            "tmax_h": wide["tmax"].to_numpy(),
            "cmax_ng_ml": wide["cmax"].to_numpy(),
            "source_key": keys[wide.index].to_numpy(),
        }
    ).reset_index(drop=True)


def prose_numbers(table: pd.DataFrame) -> dict[str, str]:
    """Prose-ready strings for chapter 2, computed from ``table`` and the fitted model.

    Keys: the reported values the model is fitted to (``pk_fit_dose``,
    ``pk_cmax``, ``pk_tmax``, ``pk_half_life``), the fitted parameters
    (``pk_ka``, ``pk_ke``, ``pk_volume``), the lower-dose check
    (``pk_low_dose``, ``pk_low_measured``, ``pk_low_predicted``,
    ``pk_low_overshoot``), the durations (``effect_single``,
    ``effect_single_range``, ``effect_booster``, ``effect_booster_single``,
    ``session_hours``) and the modelled level, as a share of the peak, when
    the felt effects of one dose end on average (``pk_share_at_effect_end``)
    and when a session ends (``pk_share_at_session_end``), and the check of the
    model's 24-hour area against a reported one (``pk_model_auc``,
    ``pk_reported_auc``, ``pk_reported_auc_cmax``, ``pk_auc_excess``).
    """
    model = fitted_model(table)
    durations = effect_durations(table)
    fit_dose = fit_dose_mg(table)

    def value(quote_id: str) -> float:
        return float(reported_pk(table, quote_id)["value"])

    low_dose = float(reported_pk(table, "pk_low_cmax")["dose_mg"])
    predicted_low = model.concentration_ng_ml(np.array([model.tmax_h]), [(0.0, low_dose)])[0]
    peak = model.concentration_ng_ml(np.array([model.tmax_h]), [(0.0, 1.0)])[0]

    def share_of_peak(hours: float) -> str:
        return f"{model.concentration_ng_ml(np.array([hours]), [(0.0, 1.0)])[0] / peak:.0%}"

    single_min, single_max = value("effect_single_min"), value("effect_single_max")
    reported_auc = reported_pk(table, AUC_CHECK_ID)
    model_auc = model.area_ng_h_ml(24.0, [(0.0, float(reported_auc["dose_mg"]))])
    return {
        "pk_fit_dose": f"{fit_dose:g} mg",
        "pk_cmax": f"{value('pk_fit_cmax'):g} ng/mL",
        "pk_tmax": f"{value('pk_fit_tmax'):g} hours",
        "pk_half_life": f"{value('pk_fit_half_life'):g} hours",
        "pk_ka": f"{model.absorption_rate_per_h:.2f} per hour",
        "pk_ke": f"{model.elimination_rate_per_h:.3f} per hour",
        "pk_volume": f"{model.volume_over_f_l:.0f} litres",
        "pk_low_dose": f"{low_dose:g} mg",
        "pk_low_measured": f"{value('pk_low_cmax'):g} ng/mL",
        "pk_low_predicted": f"{predicted_low:.0f} ng/mL",
        "pk_low_overshoot": f"{predicted_low / value('pk_low_cmax') - 1:.0%}",
        "effect_single": f"{durations.single_mean_h:g} ± {durations.single_sd_h:g} hours",
        "effect_single_range": f"{single_min:g} to {single_max:g} hours",
        "effect_booster": f"{durations.booster_mean_h:g} ± {durations.booster_sd_h:g} hours",
        "effect_booster_single": f"{durations.booster_single_mean_h:g} ± {durations.booster_single_sd_h:g} hours",
        "session_hours": f"{durations.session_h:g}",
        "pk_share_at_effect_end": share_of_peak(durations.single_mean_h),
        "pk_share_at_session_end": share_of_peak(durations.session_h),
        "pk_model_auc": f"{model_auc:,.0f} ng·h/mL",
        "pk_reported_auc": f"{float(reported_auc['value']):,.0f} ng·h/mL",
        "pk_reported_auc_cmax": f"{value('pk_auc_check_cmax'):g} ng/mL",
        "pk_auc_excess": f"{model_auc / float(reported_auc['value']) - 1:.0%}",
    }
