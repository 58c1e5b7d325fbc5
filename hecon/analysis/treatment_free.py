"""Treatment-free survival (TFS): where the living cohort is, on or off treatment, over time.

Regan et al., J Clin Oncol 2019;37:3350-8: survival up to a horizon is partitioned into time on
treatment, treatment-free survival (alive, no treatment) and time after progression (here: alive,
not progression-free and not on treatment). Each is the restricted mean of its share of the
Markov trace (:func:`hecon.analysis.areas.restricted_mean`, undiscounted), at 12, 24, 36 and 60
months (those within the horizon).

How a model declares treatments
-------------------------------
Every flag that starts with ``on_`` marks states where patients receive a kind of therapy:
``on_treatment`` (any anti-cancer therapy of the strategy), and any other the model declares,
e.g. ``on_hospital_therapy`` for therapy given in hospital (infusions, injections, admissions,
supportive infusions such as IVIG). Each gives one TFS variant, "free of <kind>": a living
state is *on treatment* when it carries the flag, *after progression* when it does not and is
not progression-free (in a model that flags progression-free states), and *treatment-free*
otherwise. Treatment-free time in a state with a toxicity flag (:data:`hecon.analysis.qtwist.
TOX_FLAGS`) is also reported on its own (Regan et al.'s TFS with toxicity).

Time to the first treatment-free day is a curve: the share of the cohort that has spent at
least a cycle treatment-free and without toxicity (a treatment-free state without a toxicity
flag, so that recovery from a treatment does not count) by time t. It is the occupancy of those
states when they are made absorbing (a first-passage run of the state-transition model; not available for
a partitioned-survival structure, which has no patient flow between states).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import xarray as xr

from hecon.analysis.areas import restricted_mean
from hecon.analysis.qtwist import TOX_FLAGS
from hecon.analysis.serialise import NOT_IN_JSON, frozen
from hecon.model.spec import STATE_TRANSITION, ModelSpec, Transition
from hecon.model.types import FloatArray

__all__ = [
    "HORIZONS_MONTHS",
    "SHARES",
    "FirstTreatmentFree",
    "TfsVariant",
    "TreatmentFreeSurvival",
    "first_treatment_free_spec",
    "tfs_categories",
    "treatment_free_survival",
    "treatment_flags",
]

#: Horizons of the restricted means [months].
HORIZONS_MONTHS = (12, 24, 36, 60)
#: The shares of the living cohort, stacked in this order; ``treatment_free_with_toxicity`` is
#: the part of ``treatment_free`` in states with a toxicity flag.
SHARES = ("on_treatment", "treatment_free", "after_progression")


@dataclass(frozen=True)
class FirstTreatmentFree:
    """Time to the first treatment-free cycle without toxicity of one strategy.

    share_ever   : share of the cohort treatment-free at some time within the horizon [0-1]
    median_years : time by which half the cohort has been treatment-free [years] (None: not reached)
    curve        : share that has been treatment-free by each trace point [0-1]
    """

    share_ever: float
    median_years: float | None
    curve: FloatArray = field(metadata=NOT_IN_JSON)


@dataclass(frozen=True)
class TfsVariant:
    """TFS for one kind of therapy (flag ``flag``, shown as ``label``).

    states           : state -> on_treatment, treatment_free, after_progression or dead
    restricted_means : strategy -> months -> share -> restricted mean [years], with the shares
                       of :data:`SHARES`, ``treatment_free_with_toxicity`` and ``alive``
    first            : strategy -> time to the first treatment-free cycle (empty: not computed)
    curves           : strategy -> share -> share of the cohort at each trace point [0-1]
    """

    flag: str
    label: str
    states: Mapping[str, str]
    restricted_means: Mapping[str, Mapping[int, Mapping[str, float]]]
    first: Mapping[str, FirstTreatmentFree]
    curves: Mapping[str, Mapping[str, FloatArray]] = field(metadata=NOT_IN_JSON)


@dataclass(frozen=True)
class TreatmentFreeSurvival:
    """TFS of every declared kind of therapy (base case).

    horizons_months : horizons of the restricted means [months] (those within the model's horizon)
    variants        : one per ``on_`` flag, ``on_treatment`` first
    years           : time of each trace point [years]
    """

    horizons_months: tuple[int, ...]
    variants: tuple[TfsVariant, ...]
    years: FloatArray = field(metadata=NOT_IN_JSON)


def treatment_flags(spec: ModelSpec) -> tuple[str, ...]:
    """The flags that declare a kind of therapy (``on_`` + kind), ``on_treatment`` first."""
    flags = [f for f in spec.flags if f.startswith("on_")]
    return tuple(sorted(flags, key=lambda f: (f != "on_treatment", flags.index(f))))


def _label(flag: str) -> str:
    return "free of " + flag.removeprefix("on_").replace("_", " ")


def tfs_categories(spec: ModelSpec, flag: str) -> dict[str, str]:
    """Category of every state under the therapy flag ``flag``: on_treatment, treatment_free,
    after_progression or dead (see the module docs)."""
    uses_pf = any("progression_free" in s.flags for s in spec.states)
    out = {}
    for s in spec.states:
        if s.is_dead:
            out[s.name] = "dead"
        elif flag in s.flags:
            out[s.name] = "on_treatment"
        elif uses_pf and "progression_free" not in s.flags:
            out[s.name] = "after_progression"
        else:
            out[s.name] = "treatment_free"
    return out


def first_treatment_free_spec(spec: ModelSpec, flag: str) -> ModelSpec | None:
    """``spec`` with its treatment-free states without toxicity (under ``flag``) made absorbing, so
    that their occupancy is the share that has been treatment-free; None for a partitioned-survival
    model or one without such a state."""
    if spec.settings.structure != STATE_TRANSITION:
        return None
    free = set(_free_of_toxicity(spec, flag))
    if not free:
        return None
    kept = tuple(t for t in spec.transitions if t.from_state not in free)
    return replace(spec, transitions=kept + tuple(Transition(s, s, 1.0) for s in sorted(free)))


def _free_of_toxicity(spec: ModelSpec, flag: str) -> list[str]:
    cats = tfs_categories(spec, flag)
    return [s.name for s in spec.states if cats[s.name] == "treatment_free" and not s.flags & set(TOX_FLAGS)]


def _sum(trace: xr.DataArray, states: list[str]) -> FloatArray:
    if not states:
        return np.zeros(trace.sizes["cycle"])
    return np.asarray(trace.sel(state=states).sum("state").values, dtype=float)


def _first(curve: FloatArray, years: FloatArray) -> FirstTreatmentFree:
    reached = np.nonzero(curve >= 0.5)[0]
    median = None
    if reached.size:
        k = int(reached[0])
        # linear between the trace points around the crossing, as the restricted means
        median = float(years[0]) if k == 0 else float(np.interp(0.5, curve[k - 1 : k + 1], years[k - 1 : k + 1]))
    return FirstTreatmentFree(float(curve[-1]), median, curve)


def treatment_free_survival(
    trace: xr.DataArray,
    spec: ModelSpec,
    first_traces: Mapping[str, xr.DataArray] | None = None,
    *,
    horizons_months: tuple[int, ...] = HORIZONS_MONTHS,
) -> TreatmentFreeSurvival | None:
    """TFS of every ``on_`` flag of ``spec`` from its base-case ``trace`` (dims strategy, cycle,
    state; coordinate ``years``); ``first_traces`` maps a flag to the trace of
    :func:`first_treatment_free_spec` (absent: no first-treatment-free curve). None when the
    model declares no therapy flag."""
    flags = treatment_flags(spec)
    if not flags:
        return None
    years = np.asarray(trace["years"].values, dtype=float)
    horizons = tuple(m for m in horizons_months if m / 12.0 <= years[-1] + 1e-9)
    strategies = [str(s) for s in trace["strategy"].values]
    variants = []
    for flag in flags:
        cats = tfs_categories(spec, flag)
        toxic = [s.name for s in spec.states if cats[s.name] == "treatment_free" and s.flags & set(TOX_FLAGS)]
        curves: dict[str, Mapping[str, FloatArray]] = {}
        means: dict[str, Mapping[int, Mapping[str, float]]] = {}
        first: dict[str, FirstTreatmentFree] = {}
        for strategy in strategies:
            one = trace.sel(strategy=strategy)
            shares = {c: _sum(one, [s for s, k in cats.items() if k == c]) for c in SHARES}
            shares["treatment_free_with_toxicity"] = _sum(one, toxic)
            shares["alive"] = _sum(one, [s for s, k in cats.items() if k != "dead"])
            curves[strategy] = frozen(shares)
            means[strategy] = frozen(
                {m: frozen({c: restricted_mean(years, y, m / 12.0) for c, y in shares.items()}) for m in horizons}
            )
            if first_traces is not None and flag in first_traces:
                free = _free_of_toxicity(spec, flag)
                first[strategy] = _first(_sum(first_traces[flag].sel(strategy=strategy), free), years)
        variants.append(TfsVariant(flag, _label(flag), frozen(cats), frozen(means), frozen(first), frozen(curves)))
    return TreatmentFreeSurvival(horizons, tuple(variants), years)
