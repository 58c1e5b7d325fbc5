"""The outcome columns that the engine accumulates, and one chunk's accumulated outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from hecon.engine.compiler import CompiledModel

OutcomeKind = Literal["qalys", "lys", "cost", "count", "time"]


@dataclass(frozen=True)
class Outcome:
    """One accumulated outcome column.

    kind : ``qalys`` and ``lys`` [years, per-year values x cycle length]; ``cost`` [currency,
           per cycle] of category ``name``; ``count`` [units per cycle] named ``name``;
           ``time`` [years] in states that carry flag ``name``
    """

    kind: OutcomeKind
    name: str = ""

    @property
    def discount(self) -> Literal["costs", "effects"]:
        """The discount rate that applies: costs at the cost rate, everything else at the effect rate."""
        return "costs" if self.kind == "cost" else "effects"

    @property
    def per_year(self) -> bool:
        """Whether state values are rates per year (multiplied by the cycle length) or per cycle."""
        return self.kind in ("qalys", "lys", "time")

    @property
    def label(self) -> str:
        """The column's label in results: ``qalys``, ``lys``, ``cost:<category>``, ``count:<name>``, ``time:<flag>``."""
        return f"{self.kind}:{self.name}" if self.name else self.kind


QALYS = Outcome("qalys")
LYS = Outcome("lys")

SUBSTATE_VALUES = 2**24
"""Sub-states x trace points kept at most for the per-cycle occupancy by tunnel sub-state
(:func:`keeps_substates`; 128 MiB per strategy)."""


def keeps_substates(model: CompiledModel, n_samples: int) -> bool:
    """Whether a run keeps the per-cycle occupancy of every tunnel sub-state (``trace_sum`` of
    :class:`ChunkResult` by sub-state; the trace is its sum by state) rather than by model state
    only: always without tunnels (the same numbers), else for a run whose first chunk has one
    sample (the base case) and whose sub-states x trace points are at most :data:`SUBSTATE_VALUES`,
    which bounds the memory of the result and of a block's occupancy (a block has at most as many
    points as the run, and later chunks are no larger than the first). The first chunk decides;
    the others follow the shape of its ``trace_sum``."""
    if model.n_states == len(model.spec.states):
        return True
    return n_samples == 1 and model.n_states * (model.n_cycles + 1) <= SUBSTATE_VALUES


def outcome_columns(model: CompiledModel) -> list[Outcome]:
    """Every outcome column of ``model``, in the order of the engine's output arrays."""
    spec = model.spec
    cols = [QALYS, LYS]
    cols += [Outcome("cost", c) for c in spec.cost_categories]
    cols += [Outcome("count", c) for c in spec.count_names]
    cols += [Outcome("time", f) for f in spec.flags]
    return cols


@dataclass
class ChunkResult:
    """Outcomes of one strategy for one chunk of samples."""

    discounted: np.ndarray  # (n_samples, n_outcomes)
    undiscounted: np.ndarray  # (n_samples, n_outcomes)
    trace_sum: np.ndarray  # (n_points, sub-states or model states: keeps_substates), summed over samples in order
    per_cycle_sum: np.ndarray  # (n_points, n_outcomes), summed over samples in order, undiscounted
    crossings: np.ndarray  # (n_points,) samples whose partitioned-survival curves cross there (0: Markov)
