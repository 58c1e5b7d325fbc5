"""Treatment-burden categories of health states, and the share of the cohort in each over time.

A state takes the first category of :data:`CATEGORIES` whose flag it carries
(:func:`state_categories`); :func:`category_shares` sums the Markov trace by category, which
is what the report's treatment timeline draws (what the first years look like for a patient:
hospitalised, recovering, on treatment, treatment-free, ...). The report gives each category
its label and colour (:data:`hecon.report.style.CATEGORIES`, same keys and order).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from hecon.model.spec import ModelSpec
from hecon.model.types import FloatArray

__all__ = ["CATEGORIES", "FLAGGED_CATEGORIES", "category_shares", "state_categories"]

#: Categories taken from a state's own flag, in priority order.
FLAGGED_CATEGORIES = ("hospitalised", "recovering", "on_treatment", "treatment_free", "progression_free")
#: Every category in display order: the flagged ones, then ``progressed`` (an alive state that
#: is not progression-free, in a model that flags progression-free states or flags it
#: ``progressed``), ``alive`` (any other living state) and ``dead``.
CATEGORIES = FLAGGED_CATEGORIES + ("progressed", "alive", "dead")


def state_categories(spec: ModelSpec) -> dict[str, str]:
    """Treatment-burden category of every state (one of :data:`CATEGORIES`): the first of
    hospitalised, recovering, on_treatment, treatment_free, progression_free it is flagged
    with; else dead (flag ``dead``), progressed (an alive state that is not progression free,
    in a model that flags progression-free states or flags it ``progressed``) or alive."""
    uses_pf = any("progression_free" in s.flags for s in spec.states)
    out = {}
    for s in spec.states:
        if s.is_dead:
            out[s.name] = "dead"
            continue
        for key in FLAGGED_CATEGORIES:
            if key in s.flags:
                out[s.name] = key
                break
        else:
            out[s.name] = "progressed" if (uses_pf or "progressed" in s.flags) else "alive"
    return out


def category_shares(trace: xr.DataArray, spec: ModelSpec, strategy: str) -> dict[str, FloatArray]:
    """Share of the cohort [0-1] in each category that has states, at every trace point of
    ``trace`` (dims strategy, cycle, state), in :data:`CATEGORIES` order; the shares sum to one."""
    cats = state_categories(spec)
    one = trace.sel(strategy=strategy)
    out = {}
    for c in CATEGORIES:
        states = [s for s, cat in cats.items() if cat == c]
        if states:
            out[c] = np.asarray(one.sel(state=states).sum("state").values, dtype=float)
    return out
