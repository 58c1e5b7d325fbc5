"""Survival in the model, from the Markov trace, beside the published points it should reproduce.

The model's curves are those of the whole cohort from model start: progression-free survival
(PFS) is the share in states flagged ``progression_free``, overall survival (OS) the share in
states not flagged ``dead``, at each trace point. Medians are read off by linear interpolation
between trace points (:func:`crossing`). Each published survival point and median of the
SurvivalPoints sheet (:mod:`hecon.analysis.landmarks`) is set beside the model's value of its
strategy at the same time, or the model's median, with its population and whether that is
like for like.

Times are in years, except where the report states them in :attr:`SurvivalSummary.time_unit`
(months unless a median lies beyond :data:`MONTHS_UP_TO_YEARS` years, see :func:`time_unit`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from hecon.analysis.landmarks import FITTED, HELD_OUT, NOT_STATED_FIT, Landmark, landmarks
from hecon.analysis.serialise import NOT_IN_JSON, frozen
from hecon.model.spec import ModelSpec
from hecon.model.types import FloatArray

__all__ = [
    "NOT_A_CHECK",
    "NO_CI",
    "NO_MODEL_VALUE",
    "OUTSIDE_CI",
    "WITHIN_CI",
    "LandmarkComparison",
    "MONTHS_UP_TO_YEARS",
    "SURVIVAL_POINTS_YEARS",
    "StrategySurvival",
    "SurvivalCurve",
    "SurvivalSummary",
    "ci_verdict",
    "crossing",
    "os_below",
    "survival_curves",
    "survival_summary",
    "time_unit",
    "treatment_curve",
]

MONTHS_UP_TO_YEARS = 10.0
"""Times up to this many years are stated in months, longer ones in years."""
SURVIVAL_POINTS_YEARS = (1.0, 2.0, 5.0)
"""Times [years] at which PFS and OS are tabulated (those within the horizon)."""
MONTHS = 12.0


@dataclass(frozen=True)
class SurvivalCurve:
    """PFS and OS of one strategy at each trace point [share of the cohort, 0-1]; ``pfs`` is
    None when no state is flagged progression_free."""

    pfs: FloatArray | None
    os: FloatArray


def time_unit(end_years: float) -> tuple[str, float]:
    """(unit, units per year) for stating times up to ``end_years``: months up to
    :data:`MONTHS_UP_TO_YEARS` years, years beyond.

    >>> time_unit(4.5), time_unit(12.0)
    (('months', 12.0), ('years', 1.0))
    """
    return ("months", MONTHS) if end_years <= MONTHS_UP_TO_YEARS else ("years", 1.0)


def survival_curves(trace: xr.DataArray, spec: ModelSpec, strategies: Sequence[str]) -> dict[str, SurvivalCurve]:
    """Per strategy, from ``trace`` (dims strategy, cycle, state): PFS (share in states flagged
    progression_free; None when no state is) and OS (share in states not flagged dead)."""
    pf_states = [s.name for s in spec.states if "progression_free" in s.flags]
    alive = [s.name for s in spec.states if not s.is_dead]
    out = {}
    for s in strategies:
        one = trace.sel(strategy=s)
        out[s] = SurvivalCurve(
            np.asarray(one.sel(state=pf_states).sum("state").values, dtype=float) if pf_states else None,
            np.asarray(one.sel(state=alive).sum("state").values, dtype=float),
        )
    return out


def crossing(years: FloatArray, curve: FloatArray, level: float = 0.5) -> float | None:
    """First time [years] where ``curve`` falls to ``level`` (linear interpolation between
    trace points); None when it never does within the horizon.

    >>> crossing(np.array([0.0, 1.0, 2.0]), np.array([1.0, 0.6, 0.2]))
    1.25
    """
    below = np.nonzero(curve <= level)[0]
    if below.size == 0:
        return None
    k = int(below[0])
    if k == 0:
        return float(years[0])
    t0, t1, c0, c1 = years[k - 1], years[k], curve[k - 1], curve[k]
    return float(t0 + (c0 - level) * (t1 - t0) / (c0 - c1))


@dataclass(frozen=True)
class StrategySurvival:
    """Survival of one strategy in the model (base case).

    median_pfs_years, median_os_years : medians [years]; None when not reached within the
                                        horizon (PFS also when no state is progression-free)
    curve                             : PFS and OS at every trace point
    pfs_at, os_at                     : PFS and OS [0-1] at :attr:`SurvivalSummary.points_years`
    """

    median_pfs_years: float | None
    median_os_years: float | None
    curve: SurvivalCurve = field(metadata=NOT_IN_JSON)
    pfs_at: tuple[float | None, ...] = field(metadata=NOT_IN_JSON)
    os_at: tuple[float, ...] = field(metadata=NOT_IN_JSON)


@dataclass(frozen=True)
class LandmarkComparison:
    """A published survival point or median beside the model's value.

    strategy   : the strategy whose model curve it is compared with
    what       : e.g. "PFS at 24 months" or "median OS (months)"
    source     : the published value: survival [0-1], or a median [SurvivalSummary.time_unit]
    lower      : lower 95% limit in the unit of ``source``; None when not reported
    upper      : upper 95% limit; None when not reported or not estimable
    model      : the model's value in the same unit; None when it has none (median not
                 reached, no PFS, or the point is not drawn)
    point      : its number among the model's survival points (1 = the first)
    population : who the source describes and from when ("" when not stated)
    comparison : "like for like", "not like for like: source is ...", or "not stated whether
                 like for like" (:func:`hecon.analysis.landmarks.comparison_text`)
    problem    : why it is not drawn ("" when it is)
    citation   : the point's source
    fit        : "fitted" when the model's curve was fitted to the point, "held out" when not (a check),
                 or "not stated whether fitted" (:func:`hecon.analysis.landmarks.fit_text`)
    verdict    : the check's verdict (:func:`ci_verdict`): for a held-out point whether the model value lies
                 within the source's 95% CI (an open side when a limit is not reported), else why it is no check
    """

    strategy: str
    what: str
    source: float
    lower: float | None
    upper: float | None
    model: float | None
    point: int
    population: str
    comparison: str
    problem: str
    citation: str = field(default="", metadata=NOT_IN_JSON)
    fit: str = NOT_STATED_FIT
    verdict: str = ""


#: Verdicts of a published point as a check of the model (:func:`ci_verdict`).
WITHIN_CI, OUTSIDE_CI, NO_CI = "within the 95% CI", "outside the 95% CI", "no check: no 95% CI published"
NO_MODEL_VALUE, NOT_A_CHECK = "no check: no model value", "no check: the curve was fitted to it"


def ci_verdict(fit: str, model: float | None, lower: float | None, upper: float | None) -> str:
    """Whether a published point checks the model and how: a held-out point with a model value is within the
    source's 95% CI [lower, upper] (a limit not reported leaves that side open) or outside it; a point the curve was
    fitted to is no check (agreement with it is no validation), nor is one without a CI or a model value.

    >>> ci_verdict("held out", 0.9, 0.8, 0.95), ci_verdict("held out", 50.0, 41.9, None)
    ('within the 95% CI', 'within the 95% CI')
    >>> ci_verdict("held out", 0.7, 0.8, 0.95), ci_verdict("fitted", 0.9, 0.8, 0.95)
    ('outside the 95% CI', 'no check: the curve was fitted to it')
    """
    if fit != HELD_OUT:
        return NOT_A_CHECK if fit == FITTED else fit
    if model is None:
        return NO_MODEL_VALUE
    if lower is None and upper is None:
        return NO_CI
    inside = (lower is None or model >= lower) and (upper is None or model <= upper)
    return WITHIN_CI if inside else OUTSIDE_CI


@dataclass(frozen=True)
class SurvivalSummary:
    """PFS and OS of the base case and the source landmarks (summary.json ``base_case.survival``).

    time_unit    : unit of the medians in the report and of the landmark comparisons ("months"
                   or "years", :func:`time_unit` of the longest median)
    strategies   : per strategy, medians and curves
    landmarks    : every published point and median beside the model, in the model's order
    per_year     : ``time_unit`` per year (12 or 1)
    years        : time of each trace point [years]
    points_years : times of ``pfs_at``/``os_at`` [years]
    marks        : the points as published (the figure draws those without a problem)
    has_pfs      : whether any state is flagged progression_free
    """

    time_unit: str
    strategies: Mapping[str, StrategySurvival]
    landmarks: tuple[LandmarkComparison, ...]
    per_year: float = field(metadata=NOT_IN_JSON)
    years: FloatArray = field(metadata=NOT_IN_JSON)
    points_years: tuple[float, ...] = field(metadata=NOT_IN_JSON)
    marks: tuple[Landmark, ...] = field(metadata=NOT_IN_JSON)
    has_pfs: bool = field(metadata=NOT_IN_JSON)


def _medians(curves: Mapping[str, SurvivalCurve], years: FloatArray) -> dict[str, tuple[float | None, float | None]]:
    return {
        s: (crossing(years, c.pfs) if c.pfs is not None else None, crossing(years, c.os)) for s, c in curves.items()
    }


def population_curve(
    trace: xr.DataArray, spec: ModelSpec, strategy: str, states: Sequence[str]
) -> tuple[FloatArray, SurvivalCurve]:
    """PFS and OS of the patients in ``states`` (a source's population while alive, e.g. the
    infused), from the first trace point where they are occupied, rescaled to 1 there: (years
    since that point, curves). PFS is the share in those of ``states`` flagged progression_free
    (None when none is). All zero when the states are never occupied."""
    one = trace.sel(strategy=strategy)
    years = np.asarray(trace["years"].values, dtype=float)
    alive = np.asarray(one.sel(state=list(states)).sum("state").values, dtype=float)
    pf_names = [s.name for s in spec.states if s.name in states and "progression_free" in s.flags]
    pf = np.asarray(one.sel(state=pf_names).sum("state").values, dtype=float) if pf_names else None
    occupied = np.flatnonzero(alive > 0)
    if occupied.size == 0:
        return years, SurvivalCurve(None if pf is None else np.zeros_like(alive), np.zeros_like(alive))
    k = int(occupied[0])
    start = alive[k]
    return years[k:] - years[k], SurvivalCurve(None if pf is None else pf[k:] / start, alive[k:] / start)


TREATMENT_FLAGS = ("on_treatment", "progression_free")
"""Flags of the states of the first treatment: its time to treatment discontinuation (TTD) is the
time until a patient leaves them (stops that treatment, progresses or dies)."""


def treatment_curve(
    trace: xr.DataArray, spec: ModelSpec, strategy: str, states: Sequence[str] = ()
) -> tuple[FloatArray, FloatArray] | None:
    """The model's time-to-treatment-discontinuation curve of ``strategy``: (years, share still on
    the first treatment), the share in states flagged both ``on_treatment`` and ``progression_free``
    (:data:`TREATMENT_FLAGS`). Of the whole cohort from model start when ``states`` is empty, else of
    the patients in ``states`` from the first trace point where they are occupied, rescaled to 1
    there (as :func:`population_curve`). None when no state (of ``states``) has both flags."""
    names = [s.name for s in spec.states if all(f in s.flags for f in TREATMENT_FLAGS)]
    if states:
        names = [n for n in names if n in states]
    if not names:
        return None
    one = trace.sel(strategy=strategy)
    years = np.asarray(trace["years"].values, dtype=float)
    on = np.asarray(one.sel(state=names).sum("state").values, dtype=float)
    if not states:
        return years, on
    alive = np.asarray(one.sel(state=list(states)).sum("state").values, dtype=float)
    occupied = np.flatnonzero(alive > 0)
    if occupied.size == 0:
        return years, np.zeros_like(on)
    k = int(occupied[0])
    return years[k:] - years[k], on[k:] / alive[k]


def _compare(
    lm: Landmark,
    curves: Mapping[str, SurvivalCurve],
    medians: Mapping[str, tuple[float | None, float | None]],
    years: FloatArray,
    unit: str,
    per_year: float,
    population: tuple[FloatArray, SurvivalCurve] | None = None,
    treatment: tuple[FloatArray, FloatArray] | None = None,
) -> LandmarkComparison:
    """``lm`` beside the model's value: of the strategy's whole cohort, or of ``population``
    (:func:`population_curve`) when the point names its states; a TTD point beside ``treatment``
    (:func:`treatment_curve`; no model value when it is None)."""
    model = None
    if not lm.problem and lm.endpoint == "TTD":
        if treatment is not None:
            t_years, on = treatment
            if lm.median:
                m = crossing(t_years, on)
                model = m * per_year if m is not None else None
            else:
                model = float(np.interp(lm.years, t_years, on))
    elif not lm.problem:
        if population is not None:
            years, c = population
            pair = (c.pfs, c.os)
            median = tuple(crossing(years, x) if x is not None else None for x in pair)
        else:
            c = curves[lm.strategy]
            median = medians[lm.strategy]
        curve = c.pfs if lm.endpoint == "PFS" else c.os
        if curve is not None:
            if lm.median:
                m = median[0 if lm.endpoint == "PFS" else 1]
                model = m * per_year if m is not None else None
            else:
                model = float(np.interp(lm.years, years, curve))
    scale = lm.in_unit(per_year) if lm.median else 1.0
    lower = lm.lower * scale if lm.lower is not None else None
    upper = lm.upper * scale if lm.upper is not None else None
    return LandmarkComparison(
        lm.strategy,
        f"median {lm.endpoint} ({unit})" if lm.median else f"{lm.endpoint} at {lm.label}",
        lm.time * scale if lm.median else lm.survival,
        lower,
        upper,
        model,
        lm.point,
        lm.population,
        lm.comparison,
        lm.problem,
        lm.source,
        lm.fit,
        ci_verdict(lm.fit, model, lower, upper),
    )


def survival_summary(trace: xr.DataArray, spec: ModelSpec, strategies: Sequence[str]) -> SurvivalSummary:
    """Medians, PFS and OS at :data:`SURVIVAL_POINTS_YEARS` and the landmark comparisons of the
    base-case ``trace`` (dims strategy, cycle, state, with coordinate ``years``)."""
    years = np.asarray(trace["years"].values, dtype=float)
    curves = survival_curves(trace, spec, strategies)
    medians = _medians(curves, years)
    has_pfs = any(c.pfs is not None for c in curves.values())
    horizon = float(years[-1]) if len(years) else 0.0
    found = [m for pair in medians.values() for m in pair if m is not None]
    # months unless a median is beyond ten years; without any median, the window the curves need
    unit, per_year = time_unit(max(found, default=os_below(curves, years)))
    points = tuple(t for t in SURVIVAL_POINTS_YEARS if t <= horizon)
    per_strategy = {
        s: StrategySurvival(
            medians[s][0],
            medians[s][1],
            c,
            tuple(float(np.interp(t, years, c.pfs)) if c.pfs is not None else None for t in points),
            tuple(float(np.interp(t, years, c.os)) for t in points),
        )
        for s, c in curves.items()
    }
    marks = tuple(lm for lm in landmarks(spec) if lm.strategy in curves or lm.problem)
    compared = tuple(
        _compare(
            lm,
            curves,
            medians,
            years,
            unit,
            per_year,
            population_curve(trace, spec, lm.strategy, lm.states) if lm.states and not lm.problem else None,
            treatment_curve(trace, spec, lm.strategy, lm.states) if lm.endpoint == "TTD" and not lm.problem else None,
        )
        for lm in marks
    )
    return SurvivalSummary(unit, frozen(per_strategy), compared, per_year, years, points, marks, has_pfs)


def os_below(curves: Mapping[str, SurvivalCurve], years: FloatArray, level: float = 0.02) -> float:
    """Time [years] by which every strategy's OS has fallen below ``level`` (the horizon if it
    never does), at least the first cycle: how far the survival curves need to be shown."""
    horizon = float(years[-1]) if len(years) else 1.0
    end = 0.0
    for c in curves.values():
        below = np.nonzero(c.os < level)[0]
        end = max(end, float(years[below[0]]) if below.size else horizon)
    return max(end, float(years[1]) if len(years) > 1 else 1.0)
