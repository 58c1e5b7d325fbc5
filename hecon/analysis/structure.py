"""The model structure as a source of uncertainty: a partitioned-survival version of a model
beside its state-transition version (NICE DSU TSD 19, Woods et al. 2017), and warnings where
partitioned-survival curves cross.

A model that defines both Transitions and Partitions is run both ways (:func:`other_structure`
gives the spec of the structure the base case does not use); :func:`structure_check` puts the
two side by side. Partitioned survival has no structural link between progression and death,
so a large difference between the two versions says that the link matters to the decision.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from hecon.analysis.serialise import OMIT_IF_EMPTY, frozen
from hecon.analysis.summary import ScenarioSummary
from hecon.model.spec import PARTITIONED_SURVIVAL, STATE_TRANSITION, ModelSpec

__all__ = ["STRUCTURE_NAMES", "StructureCheck", "StructureResult", "crossing_warnings", "other_structure"]

#: The structures in words.
STRUCTURE_NAMES = {STATE_TRANSITION: "state transition (Markov)", PARTITIONED_SURVIVAL: "partitioned survival"}


def other_structure(spec: ModelSpec) -> ModelSpec | None:
    """``spec`` run as the structure its settings do not choose, when it defines both
    (transitions and partition rows); None otherwise."""
    if not spec.partitions or not spec.transitions:
        return None
    other = PARTITIONED_SURVIVAL if spec.settings.structure == STATE_TRANSITION else STATE_TRANSITION
    return dataclasses.replace(spec, settings=dataclasses.replace(spec.settings, structure=other))


def crossing_warnings(results: xr.Dataset, cycle_years: float) -> tuple[str, ...]:
    """One sentence per strategy whose partitioned-survival curves cross somewhere: at how many
    trace points (in a deterministic run) or in how many samples, and from when."""
    out = []
    crossings = results["crossings"]
    n_samples = results.sizes.get("sample", 1)
    for strategy in results["strategy"].values:
        counts = crossings.sel(strategy=strategy).values
        points = np.flatnonzero(counts > 0)
        if points.size == 0:
            continue
        first = int(points[0])
        share = f" (in up to {int(counts.max())} of {n_samples} samples)" if n_samples > 1 else ""
        out.append(
            f"{strategy}: the partitioned-survival curves cross at {points.size} of {counts.size} trace points"
            f"{share}, from cycle {first} ({first * cycle_years:.2f} years): there an earlier row's curve is above "
            "a later row's (e.g. PFS above OS), so the state between them is held at 0 and the earlier state "
            "takes the later curve"
        )
    return tuple(out)


@dataclass(frozen=True)
class StructureResult:
    """One strategy's discounted costs [currency], QALYs and life-years under both structures
    (the base case's first), and the ICER versus the comparator in words under both."""

    costs: tuple[float, float]
    qalys: tuple[float, float]
    lys: tuple[float, float]
    versus_comparator: tuple[str, str] | None


@dataclass(frozen=True)
class StructureCheck:
    """The base case beside the same model run as the other structure.

    structures : the base case's structure and the other, in words
    strategies : per strategy, in model order
    warnings   : crossing curves of the partitioned-survival run, if any
    """

    structures: tuple[str, str]
    strategies: Mapping[str, StructureResult]
    warnings: tuple[str, ...] = field(default=(), metadata=OMIT_IF_EMPTY)


def structure_check(
    base: ScenarioSummary,
    other: ScenarioSummary,
    base_structure: str,
    other_structure_name: str,
    warnings: tuple[str, ...],
) -> StructureCheck:
    """:class:`StructureCheck` from the deterministic summaries of the two runs."""
    versus_base = {c.strategy: c.description for c in base.versus_comparator}
    versus_other = {c.strategy: c.description for c in other.versus_comparator}
    rows = {}
    for name, b in base.strategies.items():
        o = other.strategies[name]
        versus = (versus_base[name], versus_other[name]) if name in versus_base else None
        rows[name] = StructureResult((b.costs, o.costs), (b.qalys, o.qalys), (b.lys, o.lys), versus)
    return StructureCheck(
        (STRUCTURE_NAMES[base_structure], STRUCTURE_NAMES[other_structure_name]), frozen(rows), warnings
    )
