"""Structural uncertainty in the PSA: results by alternative of each ``discrete`` parameter
(summary.json ``psa.structural``).

A discrete parameter (:mod:`hecon.model.distributions`) draws one of several named
alternatives in every PSA sample, e.g. a Weibull or a mixture-cure extrapolation, with the
given weights, so the PSA as a whole averages over the alternatives (model averaging; Jackson
CH, Thompson SG, Sharples LD. Accounting for uncertainty in health economic decision models
by using model averaging. J R Stat Soc A 2009;172:383-404). Here the samples are grouped by
the alternative they drew and each group is summarised as the whole PSA is: mean outcomes
per strategy, each strategy versus the comparator from those means
(:func:`hecon.analysis.incremental.versus_comparator`, in words by
:func:`~hecon.analysis.incremental.describe_icer`) and the probability that each strategy has
the highest net monetary benefit at the headline willingness to pay (the CEAC,
:func:`hecon.analysis.net_benefit.ceac`). Beside them, the same numbers over all samples: the
model-averaged result, whose means are the groups' means weighted by their shares of samples.

Units: costs in the model's currency per patient, QALYs and life-years per patient (all
discounted), ICERs and willingness to pay in currency per QALY, weights, shares and
probabilities in [0, 1].
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr

from hecon.analysis.incremental import describe_icer, incremental_analysis, versus_comparator
from hecon.analysis.net_benefit import ceac
from hecon.analysis.psa import ALTERNATIVES_ATTR
from hecon.analysis.serialise import frozen
from hecon.model.types import FloatArray

__all__ = [
    "ALL_SAMPLES",
    "AlternativeIncrement",
    "AlternativeResult",
    "AlternativeStrategy",
    "StructuralAlternatives",
    "by_alternative",
    "structural_alternatives",
]

ALL_SAMPLES = "all samples"
"""The label of the averaged row: every sample, whichever alternative it drew."""


@dataclass(frozen=True)
class AlternativeStrategy:
    """One strategy's mean outcomes over a group of samples: costs [currency], qalys, lys."""

    costs: float
    qalys: float
    lys: float


@dataclass(frozen=True)
class AlternativeIncrement:
    """A strategy versus the comparator, from a group's means.

    incremental_cost [currency], incremental_qalys, incremental_lys; icer [currency per QALY;
    None when it has no meaning]; status as :func:`hecon.analysis.incremental.versus_comparator`
    ("ICER", "dominant", "dominated", "less costly, less effective", "equal cost and effect");
    description : the increment in words (:func:`hecon.analysis.incremental.describe_icer`)
    """

    strategy: str
    incremental_cost: float
    incremental_qalys: float
    incremental_lys: float
    icer: float | None
    status: str
    description: str


@dataclass(frozen=True)
class AlternativeResult:
    """The samples that drew one alternative, or all samples (``label`` :data:`ALL_SAMPLES`).

    label, position : the alternative's label and position (1 = first; None for all samples)
    weight          : its weight, normalised [0-1] (1 for all samples)
    n_samples       : samples in the group; share : n_samples / all samples [0-1]
    strategies      : mean outcomes per strategy (empty when no sample drew the alternative)
    versus_comparator : every other strategy versus the comparator (empty as ``strategies``)
    probability_cost_effective : per strategy, the share of the group's samples in which it
                      has the highest net monetary benefit at the willingness to pay (empty as
                      ``strategies``)
    frontier_status : per strategy of the decision, its status on the efficiency frontier of the
                      group's means (:func:`~hecon.analysis.incremental.incremental_analysis`;
                      empty as ``strategies``)
    """

    label: str
    position: int | None
    weight: float
    n_samples: int
    share: float
    strategies: Mapping[str, AlternativeStrategy]
    versus_comparator: tuple[AlternativeIncrement, ...]
    probability_cost_effective: Mapping[str, float]
    frontier_status: Mapping[str, str]


@dataclass(frozen=True)
class StructuralAlternatives:
    """Results by alternative of one discrete parameter.

    parameter, comparator; wtp : the willingness to pay of ``probability_cost_effective``
    [currency per QALY]; alternatives : one per alternative, in position order; averaged : over
    all samples (the model-averaged result)
    """

    parameter: str
    comparator: str
    wtp: float
    alternatives: tuple[AlternativeResult, ...]
    averaged: AlternativeResult


def _group(
    label: str,
    position: int | None,
    weight: float,
    mask: np.ndarray,
    strategies: Sequence[str],
    outcomes: tuple[FloatArray, FloatArray, FloatArray],
    comparator: str,
    wtp: float,
    currency: str,
    options: Sequence[str],
) -> AlternativeResult:
    """The results of the samples selected by ``mask``; the probability of being cost-effective
    among ``options`` (the decision's strategies)."""
    n = int(np.count_nonzero(mask))
    share = n / mask.size if mask.size else 0.0
    if n == 0:
        return AlternativeResult(label, position, weight, 0, share, frozen(), (), frozen(), frozen())
    costs, qalys, lys = (x[mask] for x in outcomes)
    mean_c, mean_e, mean_l = costs.mean(axis=0), qalys.mean(axis=0), lys.mean(axis=0)
    j = list(strategies).index(comparator)
    versus = tuple(
        AlternativeIncrement(
            row["strategy"],
            row["incremental_cost"],
            row["incremental_effect"],
            float(mean_l[list(strategies).index(row["strategy"])] - mean_l[j]),
            row["icer"],
            row["status"],
            describe_icer(row["incremental_cost"], row["incremental_effect"], currency),
        )
        for row in (versus_comparator(strategies, mean_c, mean_e, comparator) if len(strategies) > 1 else [])
    )
    chosen = [k for k, s in enumerate(strategies) if s in options]
    probability = ceac(costs[:, chosen], qalys[:, chosen], [wtp])[0]
    return AlternativeResult(
        label,
        position,
        weight,
        n,
        share,
        frozen(
            {
                s: AlternativeStrategy(float(mean_c[k]), float(mean_e[k]), float(mean_l[k]))
                for k, s in enumerate(strategies)
            }
        ),
        versus,
        frozen({strategies[k]: float(p) for k, p in zip(chosen, probability)}),
        frozen({r.strategy: r.status for r in incremental_analysis(list(options), mean_c[chosen], mean_e[chosen])}),
    )


def by_alternative(
    parameter: str,
    draws: FloatArray,
    alternatives: Mapping[str, float],
    strategies: Sequence[str],
    costs: FloatArray,
    qalys: FloatArray,
    lys: FloatArray,
    comparator: str,
    wtp: float,
    currency: str = "EUR",
    options: Sequence[str] | None = None,
) -> StructuralAlternatives:
    """Results by alternative of one discrete parameter.

    Parameters
    ----------
    parameter          : its name
    draws              : its value in each sample, shape (n_samples,): the position drawn (1, 2, ...)
    alternatives       : label -> weight, labels in position order
                         (:func:`hecon.model.distributions.discrete_alternatives`)
    strategies         : strategy names, the columns of the outcomes
    costs, qalys, lys  : per sample and strategy, shape (n_samples, n_strategies) [currency,
                         QALY, life-years], discounted
    comparator         : the strategy the others are compared with
    wtp                : willingness to pay for the probability of being cost-effective
                         [currency per QALY, >= 0]
    currency           : for the increments in words
    options            : the strategies of the decision, among which the probability of being
                         cost-effective is counted (default: all)
    """
    outcomes = (costs, qalys, lys)
    chosen = list(strategies) if options is None else list(options)
    groups = tuple(
        _group(label, k, weight, draws == k, strategies, outcomes, comparator, wtp, currency, chosen)
        for k, (label, weight) in enumerate(alternatives.items(), start=1)
    )
    every = np.ones(draws.shape, dtype=bool)
    averaged = _group(ALL_SAMPLES, None, 1.0, every, strategies, outcomes, comparator, wtp, currency, chosen)
    return StructuralAlternatives(parameter, comparator, float(wtp), groups, averaged)


def structural_alternatives(
    ds: xr.Dataset, comparator: str, wtp: float, currency: str = "EUR", options: Sequence[str] | None = None
) -> tuple[StructuralAlternatives, ...]:
    """Results by alternative of every discrete parameter of a PSA dataset
    (:func:`hecon.analysis.psa.run_psa`; its alternatives are in the attribute
    :data:`hecon.analysis.psa.ALTERNATIVES_ATTR`), in the order of the model's parameters;
    empty without discrete parameters. Arguments as :func:`by_alternative`."""
    alternatives: dict[str, dict[str, float]] = json.loads(ds.attrs.get(ALTERNATIVES_ATTR) or "{}")
    if not alternatives:
        return ()
    strategies = [str(s) for s in ds["strategy"].values]
    costs, qalys, lys = (ds[v].transpose("sample", "strategy").values for v in ("total_costs", "qalys", "lys"))
    drawn = ds["parameters"]
    return tuple(
        by_alternative(
            name,
            drawn.sel(parameter=name).values,
            labels,
            strategies,
            costs,
            qalys,
            lys,
            comparator,
            wtp,
            currency,
            options,
        )
        for name, labels in alternatives.items()
    )
