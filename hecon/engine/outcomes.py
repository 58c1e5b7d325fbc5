"""The outcome columns that the engine accumulates, and one chunk's accumulated outcomes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hecon.engine.compiler import CompiledModel


@dataclass(frozen=True)
class Outcome:
    """One accumulated outcome column."""

    name: str  # "qalys", "lys", "cost:<category>", "count:<name>", "time:<flag>"
    discount: str  # "costs" or "effects"
    per_year: bool  # value is a rate per year (x cycle length) rather than per cycle


def outcome_columns(model: CompiledModel) -> list[Outcome]:
    spec = model.spec
    cols = [Outcome("qalys", "effects", True), Outcome("lys", "effects", True)]
    cols += [Outcome(f"cost:{c}", "costs", False) for c in spec.cost_categories]
    cols += [Outcome(f"count:{c}", "effects", False) for c in spec.count_names]
    cols += [Outcome(f"time:{f}", "effects", True) for f in spec.flags]
    return cols


@dataclass
class ChunkResult:
    """Outcomes of one strategy for one chunk of samples."""

    discounted: np.ndarray  # (n_samples, n_outcomes)
    undiscounted: np.ndarray  # (n_samples, n_outcomes)
    trace_sum: np.ndarray  # (n_points, n_model_states), summed over samples in sample order
    per_cycle_sum: np.ndarray  # (n_points, n_outcomes), summed over samples in order, undiscounted
