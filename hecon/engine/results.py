"""Label engine outcomes as an xarray Dataset (the boundary between engine and analysis).

Variables (``_undiscounted`` twins for every total):

* ``costs`` (strategy, sample, category) [currency]; ``total_costs`` (strategy, sample)
* ``qalys``, ``lys`` (strategy, sample) [QALYs, years]
* ``counts`` (strategy, sample, count) [units, e.g. administrations, hospital days]
* ``time_in`` (strategy, sample, flag) [years in states carrying the flag]
* ``trace`` (strategy, cycle, state): mean share of the cohort at each trace point
* ``substate_trace`` (strategy, cycle, substate): the same by tunnel sub-state ``X[j]`` (the
  cycles ``j`` since entering X, the last sub-state holding everyone who stayed longer; a state
  without a tunnel is one sub-state named as the state), with coordinates ``substate_state`` (the
  model state) and ``state_time`` (j); the sub-states of a state sum to its ``trace``. Only
  when :func:`hecon.engine.outcomes.keeps_substates` (always without tunnels; with tunnels for a
  run of one sample within a memory bound)
* ``per_cycle`` (strategy, cycle, outcome): mean undiscounted, uncorrected value at each
  point (costs per cycle, QALYs and years per cycle), plus one-off transition rewards of
  the cycle that starts there
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from hecon.engine.compiler import CompiledModel
from hecon.engine.outcomes import LYS, QALYS, ChunkResult, Outcome, OutcomeKind


def label(model: CompiledModel, cols: Sequence[Outcome], results: Sequence[ChunkResult], n_samples: int) -> xr.Dataset:
    spec = model.spec
    settings = spec.settings
    strategies = [s.name for s in spec.strategies]
    T = model.n_cycles

    def pick(kind: OutcomeKind, which: str) -> np.ndarray:
        idx = [i for i, c in enumerate(cols) if c.kind == kind]
        return np.stack([getattr(r, which)[:, idx] for r in results])

    def single(outcome: Outcome, which: str) -> np.ndarray:
        i = list(cols).index(outcome)
        return np.stack([getattr(r, which)[:, i] for r in results])

    dims2 = ("strategy", "sample")
    data: dict[str, tuple[tuple[str, ...], np.ndarray]] = {}
    for suffix, which in (("", "discounted"), ("_undiscounted", "undiscounted")):
        costs = pick("cost", which)
        data[f"costs{suffix}"] = (dims2 + ("category",), costs)
        data[f"total_costs{suffix}"] = (dims2, costs.sum(axis=2))
        data[f"qalys{suffix}"] = (dims2, single(QALYS, which))
        data[f"lys{suffix}"] = (dims2, single(LYS, which))
        data[f"counts{suffix}"] = (dims2 + ("count",), pick("count", which))
        data[f"time_in{suffix}"] = (dims2 + ("flag",), pick("time", which))
    occupancy = np.stack([r.trace_sum for r in results]) / n_samples
    if occupancy.shape[2] == model.n_states:  # by sub-state (hecon.engine.outcomes.keeps_substates)
        starts = [model.slices[s.name].start for s in spec.states]
        data["substate_trace"] = (("strategy", "cycle", "substate"), occupancy)
        data["trace"] = (("strategy", "cycle", "state"), np.add.reduceat(occupancy, starts, axis=2))
    else:
        data["trace"] = (("strategy", "cycle", "state"), occupancy)
    data["crossings"] = (("strategy", "cycle"), np.stack([r.crossings for r in results]))
    data["per_cycle"] = (("strategy", "cycle", "outcome"), np.stack([r.per_cycle_sum for r in results]) / n_samples)

    ds = xr.Dataset(
        data,
        coords={
            "strategy": strategies,
            "sample": np.arange(n_samples),
            "category": list(spec.cost_categories),
            "count": list(spec.count_names),
            "flag": list(spec.flags),
            "state": [s.name for s in spec.states],
            "cycle": np.arange(T + 1),
            "years": ("cycle", np.arange(T + 1) * settings.cycle_length_years),
            "outcome": [c.label for c in cols],
        },
        attrs={
            "title": spec.title,
            "cycle_length_days": settings.cycle_length_days,
            "n_cycles": T,
            "within_cycle": settings.within_cycle,
            "discount_rate_costs": settings.discount_rate_costs,
            "discount_rate_effects": settings.discount_rate_effects,
            "discount_timing": settings.discount_timing,
            "currency": settings.currency,
        },
    )
    if "substate_trace" in ds:
        ds = ds.assign_coords(
            substate=model.state_names,
            substate_state=("substate", model.state_of),
            state_time=("substate", [j for s in spec.states for j in range(model.tunnel[s.name])]),
        )
    ds["total_costs"].attrs["units"] = settings.currency
    ds["qalys"].attrs["units"] = "QALY"
    ds["lys"].attrs["units"] = "years"
    ds["time_in"].attrs["units"] = "years"
    return ds
