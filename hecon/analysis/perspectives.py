"""Results from the healthcare and the societal perspective side by side (summary.json
``perspectives``).

The model's costs are those of the societal perspective: every cost category. The healthcare
perspective leaves out the categories tagged ``societal`` (the CostCategories sheet,
:attr:`hecon.model.spec.ModelSpec.cost_perspectives`: e.g. productivity losses, informal care,
patients' travel; the Dutch guideline, Zorginstituut Nederland 2024, asks for the societal
perspective, many other analyses take the healthcare payer's). For each perspective: the strategies' costs, each strategy
versus the comparator (:func:`hecon.analysis.incremental.versus_comparator`) and the efficiency
frontier (:func:`hecon.analysis.incremental.incremental_analysis`) of the base case. QALYs are
the same in both.

Units: costs in the model's currency per patient over the horizon (discounted; the
``_undiscounted`` twin not), QALYs per patient, ICERs in currency per QALY gained.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hecon.analysis.incremental import IncrementalRow, describe_icer, incremental_analysis, versus_comparator
from hecon.analysis.serialise import frozen
from hecon.analysis.summary import ScenarioSummary
from hecon.model.problems import Element, ModelError, Problem
from hecon.model.spec import PERSPECTIVES

__all__ = ["PerspectiveResult", "Perspectives", "check_perspectives", "perspectives"]


@dataclass(frozen=True)
class PerspectiveStrategy:
    """One strategy's costs [currency] and QALYs from one perspective."""

    costs: float
    costs_undiscounted: float
    qalys: float


@dataclass(frozen=True)
class PerspectiveVersus:
    """A strategy versus the comparator: increments [currency, QALY], ICER [currency per QALY;
    None without meaning], status of :func:`hecon.analysis.incremental.versus_comparator`, in words."""

    strategy: str
    comparator: str
    incremental_cost: float
    incremental_qalys: float
    icer: float | None
    status: str
    description: str


@dataclass(frozen=True)
class PerspectiveResult:
    """The base case from one perspective: the cost categories it counts, per strategy, versus the
    comparator, and the frontier."""

    categories: tuple[str, ...]
    strategies: Mapping[str, PerspectiveStrategy]
    versus_comparator: tuple[PerspectiveVersus, ...]
    frontier: tuple[IncrementalRow, ...]


@dataclass(frozen=True)
class Perspectives:
    """Both perspectives (keys of ``results``: healthcare, societal) and the societal-only categories."""

    societal_only: tuple[str, ...]
    results: Mapping[str, PerspectiveResult]


def check_perspectives(tags: Mapping[str, str], categories: Sequence[str]) -> None:
    """Raise :class:`~hecon.model.problems.ModelError` with every tag of an unknown cost category
    or with an unknown perspective, and, once any category is tagged, every category of the model
    left untagged (Element kind "cost_category"): a new category must be placed on purpose, not
    counted as healthcare by default."""
    problems = []
    for name in categories if tags else ():
        if name not in tags:
            problems.append(
                Problem(
                    Element("cost_category", name, part="untagged"),
                    f"cost category '{name}' of the model has no perspective",
                    f"a CostCategories row '{name}' tagged " + " or ".join(PERSPECTIVES),
                )
            )
    for name, perspective in tags.items():
        if name not in categories:
            problems.append(
                Problem(
                    Element("cost_category", name, part="category"),
                    f"'{name}' is not a cost category of the model",
                    ", ".join(categories) or "a cost category of the States sheet",
                )
            )
        if perspective not in PERSPECTIVES:
            problems.append(
                Problem(
                    Element("cost_category", name, part="perspective"), f"'{perspective}'", " or ".join(PERSPECTIVES)
                )
            )
    if problems:
        raise ModelError(problems)


def _one(base: ScenarioSummary, categories: Sequence[str], comparator: str, currency: str) -> PerspectiveResult:
    names = list(base.strategies)
    rows = {
        s: PerspectiveStrategy(
            sum(r.cost_breakdown.discounted.get(c, 0.0) for c in categories),
            sum(r.cost_breakdown.undiscounted.get(c, 0.0) for c in categories),
            r.qalys,
        )
        for s, r in base.strategies.items()
    }
    costs = [rows[s].costs for s in names]
    qalys = [rows[s].qalys for s in names]
    versus = tuple(
        PerspectiveVersus(
            v["strategy"],
            v["comparator"],
            v["incremental_cost"],
            v["incremental_effect"],
            v["icer"],
            v["status"],
            describe_icer(v["incremental_cost"], v["incremental_effect"], currency),
        )
        for v in versus_comparator(names, costs, qalys, comparator)
    )
    options = list(base.options)  # the frontier among the decision's strategies only
    frontier = tuple(incremental_analysis(options, [rows[s].costs for s in options], [rows[s].qalys for s in options]))
    return PerspectiveResult(tuple(categories), frozen(rows), versus, frontier)


def perspectives(
    base: ScenarioSummary, tags: Mapping[str, str], categories: Sequence[str], comparator: str, currency: str
) -> Perspectives | None:
    """The base case ``base`` from both perspectives (None when no category is tagged societal).

    tags : cost category -> perspective; categories : the model's cost categories (societal: all of them)
    """
    check_perspectives(tags, categories)
    societal_only = tuple(c for c in categories if tags.get(c) == "societal")
    if not societal_only:
        return None
    healthcare = [c for c in categories if c not in societal_only]
    return Perspectives(
        societal_only,
        frozen(
            {
                "healthcare": _one(base, healthcare, comparator, currency),
                "societal": _one(base, list(categories), comparator, currency),
            }
        ),
    )
