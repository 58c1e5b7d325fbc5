"""Structural model averaging across the model structures: the PSA of a model that defines both a
state-transition and a partitioned-survival version, pooled with stated weights (summary.json
``psa_structures``).

A model with Transitions and Partitions is run both ways (:mod:`hecon.analysis.structure`); when
both are co-primary, neither alone is the model the decision rests on. The two PSAs (same number
of samples and seed, so the same parameter draws) are pooled into one set of samples in which
structure s holds the share w_s of the samples: the first n_s = round(n x w_s / max_k w_k)
samples of each structure's PSA, n the samples of the shorter one. Every decision output of the
pool is then a w-weighted average of the structures' outputs, e.g. the CEAC of the pool at
willingness to pay λ is sum_s (n_s / sum_k n_k) x CEAC_s(λ) over the samples taken (model
averaging by mixing the structures' predictive distributions; Jackson CH, Thompson SG, Sharples
LD. Accounting for uncertainty in health economic decision models by using model averaging.
J R Stat Soc A 2009;172:383-404; Bojke L et al. Characterizing structural uncertainty in decision
analytic models. Value Health 2009;12:739-749). EVPI of the pool includes the value of knowing
the structure.

The weight is the setting ``partitioned_survival_weight`` (blank: 0.5, both co-primary; 0: the
partitioned-survival version is a cross-check only, as before). Only the strategies that both
structures model enter the pool; a strategy modelled in one structure only keeps that
structure's results, and the pool's decision is among the shared options.

Units: weights and shares in [0, 1]; costs in the model's currency per patient, QALYs per patient.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr

from hecon.analysis.psa_summary import SUMMARISED, PsaSummary
from hecon.analysis.serialise import frozen
from hecon.model.problems import ModelError, Problem, topic
from hecon.model.spec import PARTITIONED_SURVIVAL, STATE_TRANSITION, Settings

__all__ = [
    "DEFAULT_PARTITIONED_SURVIVAL_WEIGHT",
    "STRUCTURE_VARIABLE",
    "StructureAverage",
    "pool_psa",
    "pooled_counts",
    "structure_average",
    "structure_weights",
]

DEFAULT_PARTITIONED_SURVIVAL_WEIGHT = 0.5
"""Weight of the partitioned-survival structure when the setting is blank: both co-primary."""

STRUCTURE_VARIABLE = "structure"
"""The pooled dataset's per-sample variable naming the structure a sample comes from."""


def structure_weights(settings: Settings) -> dict[str, float]:
    """Structure -> weight [0-1, summing to 1] from ``settings.partitioned_survival_weight``
    (blank: :data:`DEFAULT_PARTITIONED_SURVIVAL_WEIGHT`); the base case's structure first.

    Raises :class:`~hecon.model.problems.ModelError` for a weight outside [0, 1]."""
    w = settings.partitioned_survival_weight
    ps = DEFAULT_PARTITIONED_SURVIVAL_WEIGHT if w is None else float(w)
    if not 0.0 <= ps <= 1.0:
        raise ModelError(
            Problem(topic("setting partitioned_survival_weight"), f"{w}", "a weight between 0 and 1 (blank: 0.5)")
        )
    weights = {STATE_TRANSITION: 1.0 - ps, PARTITIONED_SURVIVAL: ps}
    first = settings.structure
    return {first: weights[first], **{s: v for s, v in weights.items() if s != first}}


def pooled_counts(weights: Mapping[str, float], n: int) -> dict[str, int]:
    """Samples taken from each structure's PSA of ``n`` samples: round(n x w_s / max_k w_k), so
    that the structure with the largest weight gives all its samples and each structure's share
    of the pool is its weight (up to rounding to whole samples)."""
    top = max(weights.values())
    if top <= 0:
        raise ModelError(Problem(topic("structure weights"), "all weights are 0", "at least one positive weight"))
    return {s: int(round(n * w / top)) for s, w in weights.items()}


def pool_psa(datasets: Mapping[str, xr.Dataset], weights: Mapping[str, float]) -> xr.Dataset:
    """The pooled PSA samples (see the module docs): the strategies modelled in every dataset,
    ``pooled_counts`` samples of each structure in the order of ``datasets``, renumbered
    0, 1, ...; the variable :data:`STRUCTURE_VARIABLE` names each sample's structure and the
    attribute ``structure_weights`` holds the stated weights. Structures with no sample taken
    are left out; the drawn inputs (``parameters``) are kept when every structure drew the same
    parameters. Only the variables the summaries read are pooled
    (:data:`hecon.analysis.psa_summary.SUMMARISED`): the costs by category, counts and times in
    states would be copied for nothing, and a variable without a sample dimension (the mean trace)
    would be copied into every sample."""
    n = min(ds.sizes["sample"] for ds in datasets.values())
    counts = pooled_counts({s: weights[s] for s in datasets}, n)
    first = next(iter(datasets.values()))
    common = [str(s) for s in first["strategy"].values if all(s in ds["strategy"].values for ds in datasets.values())]
    names = [list(map(str, ds["parameter"].values)) if "parameter" in ds.coords else [] for ds in datasets.values()]
    same_parameters = all(x == names[0] for x in names)
    parts = []
    for structure, ds in datasets.items():
        if counts[structure] == 0:
            continue
        per_sample = [v for v in SUMMARISED if v in ds.data_vars]
        part = ds[per_sample].sel(strategy=common).isel(sample=slice(0, counts[structure]))
        if not same_parameters and "parameters" in part:
            part = part.drop_vars(["parameters", "parameter"])
        part[STRUCTURE_VARIABLE] = ("sample", np.full(counts[structure], structure, dtype=object))
        parts.append(part)
    pooled = xr.concat(parts, dim="sample", data_vars="minimal", coords="minimal", compat="override")
    pooled = pooled.assign_coords(sample=np.arange(pooled.sizes["sample"]))
    pooled.attrs = dict(first.attrs)
    pooled.attrs["n_samples"] = int(pooled.sizes["sample"])
    pooled.attrs["structure_weights"] = "; ".join(f"{s}={w:g}" for s, w in weights.items())
    return pooled


@dataclass(frozen=True)
class StructureAverage:
    """The PSA averaged over the model structures (summary.json ``psa_structures``).

    weights      : structure -> its stated weight [0-1]
    samples      : structure -> samples it gives to the pool
    strategies   : the strategies in the pool (modelled in every structure)
    only_in      : strategy -> the one structure that models it (outside the pool)
    summary      : the pooled samples summarised as any PSA (no EVPPI: the drawn inputs do not
                   include the structure)
    """

    weights: Mapping[str, float]
    samples: Mapping[str, int]
    strategies: tuple[str, ...]
    only_in: Mapping[str, str]
    summary: PsaSummary

    @property
    def n_samples(self) -> int:
        """Samples in the pool."""
        return sum(self.samples.values())


def structure_average(
    datasets: Mapping[str, xr.Dataset], weights: Mapping[str, float], summary: PsaSummary, strategies: Sequence[str]
) -> StructureAverage:
    """The :class:`StructureAverage` of ``summary`` (the summary of :func:`pool_psa` of
    ``datasets``); ``strategies``: every strategy of the model, in order."""
    n = min(ds.sizes["sample"] for ds in datasets.values())
    counts = pooled_counts({s: weights[s] for s in datasets}, n)
    modelled = {s: {str(x) for x in ds["strategy"].values} for s, ds in datasets.items()}
    pooled = tuple(x for x in strategies if all(x in m for m in modelled.values()))
    only = {x: next(s for s, m in modelled.items() if x in m) for x in strategies if x not in pooled}
    return StructureAverage(frozen(dict(weights)), frozen(counts), pooled, frozen(only), summary)
