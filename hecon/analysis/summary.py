"""Deterministic results of one scenario: totals, cost breakdown and treatment burden per
strategy, the efficiency frontier and each strategy versus the comparator
(summary.json ``scenarios.<name>``).

A bare name is discounted and ``_undiscounted`` is its twin, everywhere (totals, cost
breakdown, treatment-burden metrics). Costs are in the model's currency per patient over the
horizon, QALYs and life-years per patient, ICERs in currency per QALY gained.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import xarray as xr

from hecon.analysis.incremental import (
    STATUS_DOMINATED,
    STATUS_EXTENDEDLY_DOMINATED,
    STATUS_NON_DOMINATED,
    STATUS_REFERENCE,
    describe_icer,
    incremental_analysis,
    versus_comparator,
)
from hecon.analysis.serialise import FLATTEN, NOT_IN_JSON, OMIT_IF_EMPTY, frozen
from hecon.model.spec import DAYS_PER_YEAR

__all__ = [
    "FIRST_TF_ENTRIES",
    "FIRST_TF_YEARS",
    "TFI_DERIVED",
    "TFI_METRICS",
    "Comparison",
    "CostBreakdown",
    "FrontierRow",
    "ScenarioSummary",
    "StrategyResult",
    "TreatmentBurden",
    "frontier_text",
    "highest_nmb",
    "increment_text",
    "scenario_summary",
    "strategy_result",
]

#: Treatment-burden metrics with a fixed name: metric -> (source, name in the model).
#: ``("flag", f)`` is the time [years] in states flagged ``f``; ``("count", c)`` the count ``c``.
TFI_METRICS: dict[str, tuple[str, str]] = {
    "years_on_treatment": ("flag", "on_treatment"),
    "treatment_free_years": ("flag", "treatment_free"),
    "progression_free_years": ("flag", "progression_free"),
    "recovering_years": ("flag", "recovering"),
    "hospital_days": ("count", "hospital_days"),  # else time in "hospitalised" x 365.25
    "administrations": ("count", "administrations"),
    "hospital_contacts": ("count", "hospital_contacts"),
}
HOSPITALISED_FLAG = "hospitalised"
#: Counts that a model defines to get the mean time to the first treatment-free day: on each
#: first entry into a treatment-free state, a count of 1 and a count of the entry time [years].
#: Helper counts (prefix ``helper_``, :mod:`hecon.analysis.burden_rates`): not treatment burden.
FIRST_TF_ENTRIES, FIRST_TF_YEARS = "helper_tf_first_entries", "helper_tf_first_entry_years"
#: Metrics derived from the others: name -> whether it has an ``_undiscounted`` twin.
TFI_DERIVED: dict[str, bool] = {
    "share_of_life_years_treatment_free": True,
    "share_reaching_treatment_free": False,
    "mean_years_to_first_treatment_free": False,
}


@dataclass(frozen=True)
class CostBreakdown:
    """Costs by category [currency per patient], discounted and undiscounted."""

    discounted: Mapping[str, float]
    undiscounted: Mapping[str, float]


@dataclass(frozen=True)
class TreatmentBurden:
    """Treatment-burden metrics of one strategy (summary.json ``tfi``).

    metrics : the named metrics the model has, each with its ``_undiscounted`` twin, in the
              order of :data:`TFI_METRICS`, then those of :data:`TFI_DERIVED`:
              time [years] in flagged states, ``hospital_days`` [days] (the count, else the
              time in hospitalised states x 365.25), ``administrations`` and
              ``hospital_contacts`` [counts], ``share_of_life_years_treatment_free`` [0-1],
              ``share_reaching_treatment_free`` [0-1] and ``mean_years_to_first_treatment_free``
              [years; None when nobody gets there]
    time_in : years in the states carrying each flag of the model (discounted at the effects
              rate); ``time_in_undiscounted`` its twin
    counts  : each count of the model per patient [units]; ``counts_undiscounted`` its twin
    """

    metrics: Mapping[str, float | None] = field(metadata=FLATTEN)
    time_in: Mapping[str, float] = field(default_factory=frozen)
    time_in_undiscounted: Mapping[str, float] = field(default_factory=frozen)
    counts: Mapping[str, float] = field(default_factory=frozen)
    counts_undiscounted: Mapping[str, float] = field(default_factory=frozen)


@dataclass(frozen=True)
class StrategyResult:
    """Totals of one strategy in one scenario, per patient over the horizon.

    costs [currency], qalys [QALY], lys [life-years], each discounted and ``_undiscounted``;
    cost_breakdown by category; tfi the treatment-burden metrics.
    """

    costs: float
    qalys: float
    lys: float
    costs_undiscounted: float
    qalys_undiscounted: float
    lys_undiscounted: float
    cost_breakdown: CostBreakdown
    tfi: TreatmentBurden


@dataclass(frozen=True)
class FrontierRow:
    """One strategy in the full incremental analysis (:class:`hecon.analysis.incremental.IncrementalRow`).

    strategy, cost [currency], effect [QALY], status ("reference", "non-dominated", "dominated",
    "extendedly dominated"), comparator (the previous strategy on the frontier, or None),
    incremental_cost [currency], incremental_effect [QALY], icer [currency per QALY],
    incremental_lys [life-years] (None without comparator);
    description : the row in words (the ICER versus its comparator, or why it has none)
    """

    strategy: str
    cost: float
    effect: float
    status: str
    comparator: str | None
    incremental_cost: float | None
    incremental_effect: float | None
    icer: float | None
    incremental_lys: float | None
    description: str = field(default="", metadata=NOT_IN_JSON)

    @property
    def on_frontier(self) -> bool:
        """True for the reference and non-dominated strategies."""
        return self.status in (STATUS_REFERENCE, STATUS_NON_DOMINATED)


@dataclass(frozen=True)
class Comparison:
    """One strategy versus the comparator (:func:`hecon.analysis.incremental.versus_comparator`).

    cost, effect : the strategy's [currency], [QALY]; incremental_cost, incremental_effect,
    incremental_lys : minus the comparator's; icer [currency per QALY; None when it has no
    meaning]; status: "ICER", "dominant", "dominated", "less costly, less effective" or
    "equal cost and effect"; description : the result in words (:func:`describe_icer`)
    """

    strategy: str
    comparator: str
    cost: float
    effect: float
    incremental_cost: float
    incremental_effect: float
    icer: float | None
    status: str
    incremental_lys: float
    description: str


@dataclass(frozen=True)
class ScenarioSummary:
    """Deterministic results of one scenario.

    name               : scenario name ("base case" for the model as specified)
    description        : the scenario's description
    overrides          : what the scenario changes (target -> value)
    strategies         : per strategy, in model order
    incremental        : the efficiency frontier, in order of cost
    versus_comparator  : every other strategy versus the comparator, in model order
    optimal_at_headline: the strategy with the highest net monetary benefit at the headline
                         willingness to pay (None when that is not above 0)
    sources            : where each override's value comes from (subgroups; absent for scenarios)
    references         : the reference strategies (role ``reference``): in ``strategies`` and
                         ``versus_comparator`` for information, outside the frontier and the decision
    """

    name: str = field(metadata=NOT_IN_JSON)
    description: str
    overrides: Mapping[str, Any]
    strategies: Mapping[str, StrategyResult]
    incremental: tuple[FrontierRow, ...]
    versus_comparator: tuple[Comparison, ...]
    optimal_at_headline: str | None = field(default=None, metadata=NOT_IN_JSON)
    sources: Mapping[str, str] = field(default_factory=dict, metadata=OMIT_IF_EMPTY)
    references: tuple[str, ...] = field(default=(), metadata=OMIT_IF_EMPTY)

    @property
    def options(self) -> Mapping[str, StrategyResult]:
        """The strategies of the decision (all but the references), in model order."""
        return {s: v for s, v in self.strategies.items() if s not in self.references}

    def versus(self, strategy: str) -> Comparison | None:
        """The comparison of ``strategy`` with the comparator (None for the comparator)."""
        return next((r for r in self.versus_comparator if r.strategy == strategy), None)


def increment_text(d_cost: float | None, d_qalys: float | None, currency: str) -> str:
    """An increment in words (:func:`describe_icer`); "–" when it is missing or not finite."""
    if d_cost is None or d_qalys is None:
        return "–"
    try:
        return describe_icer(d_cost, d_qalys, currency)
    except ValueError:
        return "–"


def frontier_text(
    status: str, comparator: str | None, d_cost: float | None, d_effect: float | None, currency: str
) -> str:
    """What a row of the efficiency frontier means, in words."""
    if status == STATUS_REFERENCE:
        return "Reference: least costly non-dominated strategy"
    if status == STATUS_DOMINATED:
        return "Dominated: another strategy is less costly and more effective"
    if status == STATUS_EXTENDEDLY_DOMINATED:
        return "Extendedly dominated: a combination of other strategies is more efficient"
    assert d_cost is not None and d_effect is not None  # a non-dominated row has a comparator
    return f"{describe_icer(d_cost, d_effect, currency)} versus {comparator}"


def highest_nmb(strategies: Mapping[str, StrategyResult], wtp: float) -> str:
    """The strategy with the highest net monetary benefit wtp x QALYs − costs (discounted) at
    ``wtp`` [currency per QALY]; the first in model order on a tie."""
    nmb = {name: wtp * v.qalys - v.costs for name, v in strategies.items()}
    return max(nmb, key=nmb.__getitem__)


def _values(da: xr.DataArray) -> dict[str, float]:
    """A 1-d DataArray as name -> float."""
    dim = da.dims[0]
    return {str(k): float(v) for k, v in zip(da[dim].values, da.values)}


def _treatment_burden(ds: xr.Dataset) -> TreatmentBurden:
    """Treatment-burden metrics of one strategy's run (``ds``: one strategy, one sample)."""
    counts, flags = list(ds["count"].values), list(ds["flag"].values)
    out: dict[str, Any] = {}
    for suffix in ("", "_undiscounted"):
        time_in = _values(ds[f"time_in{suffix}"]) if flags else {}
        tally = _values(ds[f"counts{suffix}"]) if counts else {}
        for metric, (kind, name) in TFI_METRICS.items():
            if kind == "flag" and name in time_in:
                out[metric + suffix] = time_in[name]
            elif kind == "count" and name in tally:
                out[metric + suffix] = tally[name]
            elif metric == "hospital_days" and HOSPITALISED_FLAG in time_in:
                out[metric + suffix] = time_in[HOSPITALISED_FLAG] * DAYS_PER_YEAR
        out["time_in" + suffix] = time_in
        out["counts" + suffix] = tally
        lys = float(ds[f"lys{suffix}"])
        if "treatment_free" in time_in and lys > 0:
            out["share_of_life_years_treatment_free" + suffix] = time_in["treatment_free"] / lys
    tally = out["counts_undiscounted"]
    if FIRST_TF_ENTRIES in tally and FIRST_TF_YEARS in tally:
        reached = tally[FIRST_TF_ENTRIES]
        out["share_reaching_treatment_free"] = reached
        out["mean_years_to_first_treatment_free"] = tally[FIRST_TF_YEARS] / reached if reached > 0 else None
    derived = [k for name, twin in TFI_DERIVED.items() for k in ((name, name + "_undiscounted") if twin else (name,))]
    named = [k for m in TFI_METRICS for k in (m, m + "_undiscounted") if k in out] + [k for k in derived if k in out]
    return TreatmentBurden(
        frozen({k: out[k] for k in named}),
        frozen(out["time_in"]),
        frozen(out["time_in_undiscounted"]),
        frozen(out["counts"]),
        frozen(out["counts_undiscounted"]),
    )


def strategy_result(results: xr.Dataset, strategy: str) -> StrategyResult:
    """Totals, cost breakdown and treatment-burden metrics of one strategy of a deterministic
    run (:func:`hecon.engine.run.run_model` output, sample 0)."""
    ds = results.sel(strategy=strategy).isel(sample=0)
    has_costs = results.sizes.get("category", 0) > 0
    return StrategyResult(
        costs=float(ds["total_costs"]),
        qalys=float(ds["qalys"]),
        lys=float(ds["lys"]),
        costs_undiscounted=float(ds["total_costs_undiscounted"]),
        qalys_undiscounted=float(ds["qalys_undiscounted"]),
        lys_undiscounted=float(ds["lys_undiscounted"]),
        cost_breakdown=CostBreakdown(
            frozen(_values(ds["costs"]) if has_costs else {}),
            frozen(_values(ds["costs_undiscounted"]) if has_costs else {}),
        ),
        tfi=_treatment_burden(ds),
    )


def scenario_summary(
    name: str,
    results: xr.Dataset,
    strategies: Sequence[str],
    comparator: str,
    currency: str,
    *,
    description: str = "",
    overrides: Mapping[str, Any] | None = None,
    headline_wtp: float = 0.0,
    sources: Mapping[str, str] | None = None,
    options: Sequence[str] | None = None,
) -> ScenarioSummary:
    """Per-strategy results, the efficiency frontier and the comparisons with ``comparator`` of
    one scenario's deterministic ``results``; ``headline_wtp`` [currency per QALY] for
    :attr:`ScenarioSummary.optimal_at_headline`. ``options``: the strategies of the decision
    (default: all); the frontier and the optimal strategy are among them only, while every
    strategy (references too) has its totals and its comparison with ``comparator``."""
    per_strategy = {s: strategy_result(results, s) for s in strategies}
    costs = [per_strategy[s].costs for s in strategies]
    qalys = [per_strategy[s].qalys for s in strategies]
    lys = {s: v.lys for s, v in per_strategy.items()}
    chosen = [s for s in strategies if options is None or s in options]
    frontier = tuple(
        FrontierRow(
            r.strategy,
            r.cost,
            r.effect,
            r.status,
            r.comparator,
            r.incremental_cost,
            r.incremental_effect,
            r.icer,
            lys[r.strategy] - lys[r.comparator] if r.comparator is not None else None,
            frontier_text(r.status, r.comparator, r.incremental_cost, r.incremental_effect, currency),
        )
        for r in incremental_analysis(
            chosen, [per_strategy[s].costs for s in chosen], [per_strategy[s].qalys for s in chosen]
        )
    )
    versus = tuple(
        Comparison(
            **row,
            incremental_lys=lys[row["strategy"]] - lys[comparator],
            description=describe_icer(row["incremental_cost"], row["incremental_effect"], currency),
        )
        for row in (versus_comparator(strategies, costs, qalys, comparator) if len(strategies) > 1 else [])
    )
    return ScenarioSummary(
        name,
        description,
        frozen(overrides),
        frozen(per_strategy),
        frontier,
        versus,
        highest_nmb({s: per_strategy[s] for s in chosen}, headline_wtp) if headline_wtp > 0 else None,
        frozen(dict(sources or {})),
        tuple(s for s in strategies if s not in chosen),
    )
