"""The model structure as a source of uncertainty: a partitioned-survival version of a model
beside its state-transition version (NICE DSU TSD 19, Woods et al. 2017), and warnings where
partitioned-survival curves cross.

A model that defines both Transitions and Partitions is run both ways (:func:`other_structure`
gives the spec of the structure the base case does not use); :func:`structure_check` puts the
two side by side. Partitioned survival has no structural link between progression and death,
so a large difference between the two versions says that the link matters to the decision.

A model may give partition rows to some strategies only (those with survival evidence for every
curve): the partitioned-survival version then runs those strategies only
(:func:`without_partitions` names the others), and the check says which strategies have no
partitioned version. Its comparisons with the comparator are given when the comparator has one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from hecon.analysis.serialise import OMIT_IF_EMPTY, frozen
from hecon.analysis.summary import ScenarioSummary
from hecon.model.memo import IdentityMemo
from hecon.model.spec import PARTITIONED_SURVIVAL, STATE_TRANSITION, ModelSpec

__all__ = [
    "STRUCTURE_NAMES",
    "StructureCheck",
    "StructureResult",
    "crossing_warnings",
    "other_structure",
    "without_partitions",
]

#: The structures in words.
STRUCTURE_NAMES = {STATE_TRANSITION: "state transition (Markov)", PARTITIONED_SURVIVAL: "partitioned survival"}


def without_partitions(spec: ModelSpec) -> tuple[str, ...]:
    """The strategies, in model order, that have no partition rows of their own and no shared
    rows to fall back on: they have no partitioned-survival version."""
    if any(p.strategy is None for p in spec.partitions):
        return ()
    own = {p.strategy for p in spec.partitions}
    return tuple(s.name for s in spec.strategies if s.name not in own)


#: The other-structure versions of the specs seen recently (see :func:`other_structure`).
OTHER: IdentityMemo[ModelSpec | None] = IdentityMemo()


def other_structure(spec: ModelSpec) -> ModelSpec | None:
    """:func:`_other_structure`, once per spec object: validation and the run then share one
    spec of the other structure, and with it one compiled model and one deterministic run."""
    return OTHER(_other_structure, spec)


def _other_structure(spec: ModelSpec) -> ModelSpec | None:
    """``spec`` run as the structure its settings do not choose, when it defines both
    (transitions and partition rows); None otherwise. The partitioned-survival version keeps
    only the strategies with partition rows (:func:`without_partitions`), with their own
    transitions, rewards and partitions; it is run for the base case only (no scenarios,
    subgroups, thresholds or budget items)."""
    if not spec.partitions or not spec.transitions:
        return None
    other = PARTITIONED_SURVIVAL if spec.settings.structure == STATE_TRANSITION else STATE_TRANSITION
    settings = dataclasses.replace(spec.settings, structure=other)
    dropped = set(without_partitions(spec)) if other == PARTITIONED_SURVIVAL else set()
    if not dropped:
        return dataclasses.replace(spec, settings=settings)
    keep = tuple(s for s in spec.strategies if s.name not in dropped)
    if not keep:
        return None
    if settings.comparator in dropped:
        settings = dataclasses.replace(settings, comparator=None)

    def kept(strategy: str | None) -> bool:
        return strategy is None or strategy not in dropped

    return dataclasses.replace(
        spec,
        settings=settings,
        strategies=keep,
        transitions=tuple(t for t in spec.transitions if kept(t.strategy)),
        transition_rewards=tuple(r for r in spec.transition_rewards if kept(r.strategy)),
        partitions=tuple(p for p in spec.partitions if kept(p.strategy)),
        survival_points=tuple(p for p in spec.survival_points if kept(p.strategy)),
        scenarios=(),
        subgroups=(),
        thresholds=(),
        budget=(),
    )


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

    structures      : the base case's structure and the other, in words
    strategies      : per strategy run both ways, in model order
    warnings        : crossing curves of the partitioned-survival run, if any
    not_partitioned : strategies without partition rows (no survival curves for them), run as
                      state transition only
    """

    structures: tuple[str, str]
    strategies: Mapping[str, StructureResult]
    warnings: tuple[str, ...] = field(default=(), metadata=OMIT_IF_EMPTY)
    not_partitioned: tuple[str, ...] = field(default=(), metadata=OMIT_IF_EMPTY)


def structure_check(
    base: ScenarioSummary,
    other: ScenarioSummary,
    base_structure: str,
    other_structure_name: str,
    warnings: tuple[str, ...],
    same_comparator: bool = True,
) -> StructureCheck:
    """:class:`StructureCheck` from the deterministic summaries of the two runs; ``other`` may
    hold fewer strategies (those with partition rows). ``same_comparator`` is False when the
    base case's comparator is not in ``other``: then no comparison is given."""
    versus_base = {c.strategy: c.description for c in base.versus_comparator}
    versus_other = {c.strategy: c.description for c in other.versus_comparator} if same_comparator else {}
    rows = {}
    for name, b in base.strategies.items():
        if name not in other.strategies:
            continue
        o = other.strategies[name]
        versus = (versus_base[name], versus_other[name]) if name in versus_base and name in versus_other else None
        rows[name] = StructureResult((b.costs, o.costs), (b.qalys, o.qalys), (b.lys, o.lys), versus)
    missing = tuple(name for name in base.strategies if name not in other.strategies)
    return StructureCheck(
        (STRUCTURE_NAMES[base_structure], STRUCTURE_NAMES[other_structure_name]), frozen(rows), warnings, missing
    )
