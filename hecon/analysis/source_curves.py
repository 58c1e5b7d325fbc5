"""Each published survival curve of a model beside the model's own curve of the same patients.

A *source curve* is the published points (landmarks and medians, with their 95% CIs) of one
strategy, endpoint (PFS or OS) and population on the SurvivalPoints sheet
(:class:`~hecon.model.spec.SurvivalPoint`). The model's curve set beside it is that of the same
patients (:func:`hecon.analysis.model_survival.population_curve`): the states the points name
(``SurvivalPoint.states``, e.g. the infused patients of a CAR-T strategy), from the first trace
point where they are occupied and rescaled to 1 there; or the whole cohort from model start when
the points name no states. PFS is the share of those patients in states flagged
``progression_free``, OS the share alive, and time to treatment discontinuation (TTD) the share
still on the first treatment (states flagged ``on_treatment`` and ``progression_free``,
:func:`hecon.analysis.model_survival.treatment_curve`).

Where the points include the number of patients at time 0, the patients that Guyot's algorithm
reconstructs from them (:func:`hecon.evidence.published_points.guyot_inputs`,
:func:`hecon.evidence.guyot.reconstruct_ipd`; the data a curve fitted to these points was fitted
to) are given as a Kaplan–Meier curve (:func:`hecon.evidence.kaplan_meier.kaplan_meier`). It is
not a published Kaplan–Meier curve: between the published points it follows a constant hazard.
When the source gives a single value (a median, or one survival point), there is nothing to
reconstruct: the patients follow the exponential curve through that value, which is marked
(:data:`ONE_POINT`) so that it is never shown as a Kaplan–Meier curve of trial data.

Points with a problem are left out (the Landmarks table gives the reason), as are TTD points of
a model without a state flagged both ``on_treatment`` and ``progression_free``.

References
----------
Guyot P, Ades AE, Ouwens MJNM, Welton NJ. Enhanced secondary analysis of survival data:
reconstructing the data from published Kaplan-Meier survival curves. BMC Med Res Methodol
2012;12:9.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from hecon.analysis.landmarks import Landmark, comparison_text, landmarks
from hecon.analysis.model_survival import population_curve, survival_curves, treatment_curve
from hecon.analysis.serialise import NOT_IN_JSON
from hecon.evidence.guyot import reconstruct_ipd
from hecon.evidence.kaplan_meier import kaplan_meier
from hecon.evidence.published_points import guyot_inputs
from hecon.model.problems import ModelError
from hecon.model.spec import ModelSpec
from hecon.model.types import FloatArray

__all__ = ["DRAWN_ENDPOINTS", "ONE_POINT", "SEVERAL_POINTS", "SourceCurve", "source_curves"]

DRAWN_ENDPOINTS = ("PFS", "OS", "TTD")
"""Endpoints the model has a curve of."""

SEVERAL_POINTS = "several published points"
"""``SourceCurve.km_basis`` of a reconstruction from two or more published values (a Kaplan–Meier curve)."""
ONE_POINT = "one published value"
"""``SourceCurve.km_basis`` of a "reconstruction" from a single published value: the exponential through it."""


@dataclass(frozen=True)
class SourceCurve:
    """One published survival curve and the model's curve of the same patients.

    strategy   : the strategy whose model curve is drawn
    endpoint   : "PFS", "OS" or "TTD"
    population : who the source describes and from when ("" when not stated)
    states     : the model states of the source's patients (empty: the whole cohort)
    comparison : the comparison in words (:func:`hecon.analysis.landmarks.comparison_text`)
    marks      : the published points and medians, as published
    years      : time since the source's time zero of each model value [years]
    model      : the model's survival of these patients at ``years`` [share 0-1]
    km_years   : times of the Kaplan–Meier curve of the reconstructed patients [years]; empty
                 when the points give no number at risk at time 0
    km         : its survival from each of ``km_years`` until the next [share 0-1]
    km_basis   : what the reconstruction rests on: :data:`SEVERAL_POINTS` (a Kaplan–Meier curve of
                 the reconstructed patients), :data:`ONE_POINT` (a single median or point: the
                 exponential curve through it, not trial data), "" without a reconstruction
    """

    strategy: str
    endpoint: str
    population: str
    states: tuple[str, ...]
    comparison: str
    marks: tuple[Landmark, ...]
    years: FloatArray = field(metadata=NOT_IN_JSON)
    model: FloatArray = field(metadata=NOT_IN_JSON)
    km_years: FloatArray = field(metadata=NOT_IN_JSON)
    km: FloatArray = field(metadata=NOT_IN_JSON)
    km_basis: str = ""

    def model_at(self, years: float) -> float:
        """The model's survival at ``years`` since the source's time zero (linear between trace points)."""
        return float(np.interp(years, self.years, self.model))

    @property
    def end_years(self) -> float:
        """The last published time [years]: a landmark, or a median's upper 95% limit when given."""
        ends = [
            lm.years * (lm.upper / lm.time if lm.median and lm.upper is not None and lm.time > 0 else 1.0)
            for lm in self.marks
        ]
        km_end = float(self.km_years[-1]) if self.km_years.size else 0.0
        return max([*ends, km_end])


def _reconstructed_km(spec: ModelSpec, indices: Sequence[int]) -> tuple[FloatArray, FloatArray]:
    """Kaplan–Meier curve [years, share] of the patients reconstructed from ``spec.survival_points[i]``,
    ``i`` in ``indices``; empty when they give no number at risk at time 0 or cannot be reconstructed."""
    points = spec.survival_points
    if not any(points[i].kind == "at_risk" and points[i].time == 0 for i in indices):
        return np.zeros(0), np.zeros(0)
    try:
        curve, at_risk = guyot_inputs(points, indices, time_unit="years")
        ipd = reconstruct_ipd(curve, at_risk)
    except ModelError:
        return np.zeros(0), np.zeros(0)
    km = kaplan_meier(ipd.time, ipd.event)
    return np.concatenate([[0.0], km.time]), np.concatenate([[1.0], km.survival])


def source_curves(trace: xr.DataArray, spec: ModelSpec, strategies: Sequence[str]) -> tuple[SourceCurve, ...]:
    """Every source curve of ``spec`` (in the order of its first point) whose strategy is in
    ``strategies``, with the model's curve of the same patients from the base-case ``trace``
    (dims strategy, cycle, state; coordinate ``years``)."""
    groups: dict[tuple[str, str, tuple[str, ...], str], list[Landmark]] = {}
    for lm in landmarks(spec):
        if lm.problem or lm.endpoint not in DRAWN_ENDPOINTS or lm.strategy not in strategies:
            continue
        groups.setdefault((lm.strategy, lm.endpoint, lm.states, lm.population.strip().lower()), []).append(lm)
    whole = survival_curves(trace, spec, strategies)
    out = []
    for (strategy, endpoint, states, population), marks in groups.items():
        model: FloatArray | None
        if endpoint == "TTD":
            on = treatment_curve(trace, spec, strategy, states)
            years, model = on if on is not None else (np.zeros(0), None)
        else:
            if states:
                years, curves = population_curve(trace, spec, strategy, states)
            else:
                years, curves = np.asarray(trace["years"].values, dtype=float), whole[strategy]
            model = curves.pfs if endpoint == "PFS" else curves.os
        if model is None:
            continue
        indices = [lm.point - 1 for lm in marks] + [
            i
            for i, p in enumerate(spec.survival_points)
            if p.kind == "at_risk"
            and (p.strategy, p.endpoint, p.states, p.population.strip().lower())
            == (strategy, endpoint, states, population)
        ]
        km_years, km = _reconstructed_km(spec, indices)
        basis = "" if not km_years.size else ONE_POINT if len(marks) == 1 else SEVERAL_POINTS
        first = spec.survival_points[marks[0].point - 1]
        out.append(
            SourceCurve(
                strategy,
                endpoint,
                marks[0].population,
                states,
                comparison_text(first),
                tuple(marks),
                years,
                model,
                km_years,
                km,
                basis,
            )
        )
    return tuple(out)
