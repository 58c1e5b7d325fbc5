"""The deterministic results of each structural alternative and their weighted expectation
(summary.json ``structural_expectation``), so that the deterministic results describe the same
model as the PSA, which draws the alternatives with their weights.

The alternatives are every combination of the model structure (when the model defines both:
the weights of :func:`hecon.analysis.structure_average.structure_weights`) and the alternatives of
each ``discrete`` parameter (:func:`hecon.model.distributions.discrete_alternatives`, weights
normalised to 1), each weighted by the product of its weights. Each is run deterministically
(every other parameter at its base value). The expectation of an outcome is the weighted mean
over the alternatives, sum_a w_a x outcome_a (model averaging of the point estimates; Jackson CH,
Thompson SG, Sharples LD. J R Stat Soc A 2009;172:383-404), over the strategies that every
alternative models; the increments versus the comparator and the ICER are those of the
expected costs and QALYs. The headline alternative is the model as given (its structure and each
discrete parameter at its base value): the deterministic base case of the report.

Units: costs in the model's currency per patient, QALYs and life-years per patient (discounted),
weights in [0, 1].
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from hecon.analysis.incremental import describe_icer, incremental_analysis, versus_comparator
from hecon.analysis.psa_structural import AlternativeIncrement, AlternativeStrategy
from hecon.analysis.serialise import frozen
from hecon.analysis.structure import STRUCTURE_NAMES
from hecon.analysis.wording import choice_words, title_of
from hecon.model.distributions import discrete_alternatives
from hecon.model.spec import ModelSpec

__all__ = [
    "AlternativeSpec",
    "DeterministicAlternative",
    "StructuralExpectation",
    "alternative_specs",
    "structural_expectation",
]


@dataclass(frozen=True)
class AlternativeSpec:
    """One structural alternative to run: label, structure, the discrete parameters' positions
    (name -> 1, 2, ...) and labels, weight [0-1], whether it is the headline (the model as
    given), and the spec with those choices."""

    label: str
    structure: str
    positions: Mapping[str, int]
    choices: Mapping[str, str]
    weight: float
    headline: bool
    spec: ModelSpec


def alternative_specs(structures: Mapping[str, tuple[ModelSpec, float]]) -> list[AlternativeSpec]:
    """Every combination of a structure (name -> its spec and weight; the model's structure
    first) and the discrete parameters' alternatives, with the product of their weights; empty
    when there is only one alternative (one structure and no discrete parameter). Alternatives of
    weight 0 are left out."""
    first = next(iter(structures.values()))[0]
    discrete = discrete_alternatives(first.parameters)
    if len(structures) == 1 and not discrete:
        return []
    base = {p.name: p.value for p in first.parameters if p.name in discrete}
    titles = {n: title_of(first, n) for n in discrete}
    options = []
    for name, labels in discrete.items():
        total = sum(labels.values())
        options.append([(name, k, label, w / total) for k, (label, w) in enumerate(labels.items(), start=1)])
    out = []
    for s, (spec, weight) in structures.items():
        for combo in itertools.product(*options) if options else [()]:
            w = weight * float(np.prod([c[3] for c in combo])) if combo else weight
            if w <= 0:
                continue
            positions = {c[0]: c[1] for c in combo}
            choices = {c[0]: c[2] for c in combo}
            as_given = all(base.get(n) == k for n, k in positions.items())
            headline = s == first.settings.structure and as_given
            label = ", ".join([STRUCTURE_NAMES[s]] + [f"{titles[n]}: {choice_words(c)}" for n, c in choices.items()])
            out.append(
                AlternativeSpec(
                    label,
                    s,
                    frozen(positions),
                    frozen(choices),
                    w,
                    headline,
                    spec if as_given else spec.with_parameters(positions),  # as given: compiled once
                )
            )
    return out


@dataclass(frozen=True)
class DeterministicAlternative:
    """One alternative's deterministic results (or, with ``label`` "expected", the weighted
    expectation): label, structure (None for the expectation), choices (discrete parameter ->
    label), weight, headline (the report's deterministic base case), strategies (mean outcomes),
    versus_comparator (each other strategy versus the comparator, in words), frontier_status
    (per strategy of the decision, its status on the alternative's efficiency frontier,
    :func:`~hecon.analysis.incremental.incremental_analysis`)."""

    label: str
    structure: str | None
    choices: Mapping[str, str]
    weight: float
    headline: bool
    strategies: Mapping[str, AlternativeStrategy]
    versus_comparator: tuple[AlternativeIncrement, ...]
    frontier_status: Mapping[str, str]


@dataclass(frozen=True)
class StructuralExpectation:
    """The alternatives' deterministic results and their weighted expectation: comparator;
    alternatives in run order; expected over the strategies every alternative models."""

    comparator: str
    alternatives: tuple[DeterministicAlternative, ...]
    expected: DeterministicAlternative

    @property
    def headline(self) -> DeterministicAlternative | None:
        """The alternative the report's deterministic base case is (None if it has weight 0)."""
        return next((a for a in self.alternatives if a.headline), None)


def _versus(
    strategies: Sequence[str], c: np.ndarray, q: np.ndarray, ly: np.ndarray, comparator: str, currency: str
) -> tuple[AlternativeIncrement, ...]:
    if comparator not in strategies or len(strategies) < 2:
        return ()
    j = list(strategies).index(comparator)
    return tuple(
        AlternativeIncrement(
            row["strategy"],
            row["incremental_cost"],
            row["incremental_effect"],
            float(ly[list(strategies).index(row["strategy"])] - ly[j]),
            row["icer"],
            row["status"],
            describe_icer(row["incremental_cost"], row["incremental_effect"], currency),
        )
        for row in versus_comparator(strategies, c, q, comparator)
    )


def _row(
    label: str,
    structure: str | None,
    choices: Mapping[str, str],
    weight: float,
    headline: bool,
    outcomes: Mapping[str, tuple[float, float, float]],
    comparator: str,
    currency: str,
    options: Sequence[str] | None,
) -> DeterministicAlternative:
    names = list(outcomes)
    c, q, ly = (np.array([outcomes[s][k] for s in names]) for k in range(3))
    chosen = [k for k, s in enumerate(names) if options is None or s in options]
    frontier = incremental_analysis([names[k] for k in chosen], c[chosen], q[chosen]) if chosen else []
    return DeterministicAlternative(
        label,
        structure,
        frozen(dict(choices)),
        weight,
        headline,
        frozen({s: AlternativeStrategy(*outcomes[s]) for s in names}),
        _versus(names, c, q, ly, comparator, currency),
        frozen({r.strategy: r.status for r in frontier}),
    )


def structural_expectation(
    runs: Sequence[tuple[AlternativeSpec, Mapping[str, tuple[float, float, float]]]],
    comparator: str,
    currency: str = "EUR",
    options: Sequence[str] | None = None,
) -> StructuralExpectation | None:
    """The :class:`StructuralExpectation` of deterministic ``runs``: each alternative (from
    :func:`alternative_specs`) with its outcomes per strategy (costs [currency], QALYs,
    life-years; discounted), in model order; None without runs. Weights are normalised to sum 1.
    ``options``: the decision's strategies, among which each frontier is drawn (default: all)."""
    if not runs:
        return None
    total = sum(a.weight for a, _ in runs)
    rows = tuple(
        _row(a.label, a.structure, a.choices, a.weight / total, a.headline, out, comparator, currency, options)
        for a, out in runs
    )
    shared = [s for s in runs[0][1] if all(s in out for _, out in runs)]
    expected: dict[str, tuple[float, float, float]] = {}
    for s in shared:
        c, q, ly = (float(sum(a.weight / total * out[s][k] for a, out in runs)) for k in range(3))
        expected[s] = (c, q, ly)
    exp_row = _row("expected", None, {}, 1.0, False, expected, comparator, currency, options)
    return StructuralExpectation(comparator, rows, exp_row)
