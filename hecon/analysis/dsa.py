"""One-way deterministic sensitivity analysis (DSA) and tornado data.

Every parameter flagged for DSA (``Parameter.dsa``; the ``dsa`` column of the Parameters
sheet) is set to its low and then its high value, the others staying at their base values.
The low and high values are ``dsa_low``/``dsa_high`` when given, otherwise the 2.5% and
97.5% quantiles of the parameter's PSA distribution (:func:`hecon.model.distributions.dsa_bounds`).

All 2P + 1 variations (base case, then low and high of each of P parameters) are evaluated
in **one** vectorised model run: each variation is one sample along the ``sample``
dimension (:mod:`hecon.analysis.variations`), not a Python loop of model runs. A parameter whose
value is a formula can be varied too: in its own variations it takes the low or high value,
in all others it keeps following its formula.

Outcomes, for every strategy versus the comparator: incremental costs, QALYs and
life-years, the ICER (None where it has no meaning, see :func:`hecon.analysis.incremental.versus_comparator`)
and the incremental net monetary benefit (INMB = wtp x ΔQALY − Δcost) at each
willingness to pay. Each variation also has its own efficiency frontier of the decision options
(:func:`hecon.analysis.incremental.incremental_analysis`; reference strategies left out, as in
the base case): the strategy's status on it says whether its ICER at that low or high value is
a decision ICER or that of a dominated or extendedly dominated strategy. The tornado sorts parameters by their swing, |INMB(high) − INMB(low)|
at the headline willingness to pay: the INMB is defined in every quadrant of the
cost-effectiveness plane, while an ICER changes meaning when ΔQALY changes sign.

As for PSA samples, a strategy's own value of a parameter takes precedence: the DSA varies
the base value, which strategies with their own value do not use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr

from hecon.analysis.incremental import incremental_analysis, versus_comparator
from hecon.analysis.progress import progress_bar
from hecon.analysis.variations import Target, Use, Variations, base_values, variation_problems, vary
from hecon.engine.incremental import compiled as compile_once
from hecon.engine.outcomes import outcome_columns
from hecon.engine.run import simulate_varied
from hecon.model.distributions import dsa_bounds
from hecon.model.problems import Element, ModelError, Problem, show_number, topic
from hecon.model.spec import ModelSpec, Parameter

__all__ = ["DsaParameter", "DsaResult", "check_dsa", "run_dsa"]


@dataclass(frozen=True)
class DsaParameter:
    """One varied parameter.

    name, unit, description : from the model
    base                    : base-case value [unit]
    low, high               : values in the analysis [unit]
    range_source            : "dsa_low/dsa_high", "distribution (2.5%, 97.5%)" or a mix
    """

    name: str
    base: float
    low: float
    high: float
    range_source: str
    unit: str = ""
    description: str = ""


@dataclass(frozen=True)
class DsaResult:
    """One-way sensitivity analysis of the base case.

    parameters  : the varied parameters, in model order
    comparator  : strategy the others are compared with
    wtp         : willingness-to-pay values of the INMB [currency per QALY]
    tornado_wtp : the one the tornado is sorted by [currency per QALY]
    results     : model outcomes (dims strategy, sample, ...; see :mod:`hecon.engine.results`),
                  sample 0 the base case, samples 2k+1 and 2k+2 the low and high value of
                  parameter k; coordinate ``variation`` labels them
    references  : strategies outside the decision (Strategies role reference): no frontier status
    """

    parameters: tuple[DsaParameter, ...]
    comparator: str
    wtp: tuple[float, ...]
    tornado_wtp: float
    results: xr.Dataset
    tornado_wtp_source: str = ""
    strategies: tuple[str, ...] = field(default=())
    references: tuple[str, ...] = field(default=())

    def frontier_status(self, strategy: str, sample: int) -> str:
        """Status of ``strategy`` on the efficiency frontier of the decision options in variation
        ``sample`` ("reference", "non-dominated", "dominated" or "extendedly dominated"; see
        :class:`hecon.analysis.incremental.IncrementalRow`); "" for a reference strategy, which is
        outside the decision."""
        if strategy in self.references:
            return ""
        names = [str(s) for s in self.results["strategy"].values]
        return self._frontier(
            strategy, names, self._per_sample("total_costs")[sample], self._per_sample("qalys")[sample]
        )

    def _frontier(self, strategy: str, names: list[str], costs: np.ndarray, qalys: np.ndarray) -> str:
        """:meth:`frontier_status` from one variation's costs and QALYs per strategy (in ``names`` order)."""
        keep = [i for i, s in enumerate(names) if s not in self.references]
        rows = incremental_analysis([names[i] for i in keep], costs[keep], qalys[keep])
        return next(r.status for r in rows if r.strategy == strategy)

    def _per_sample(self, variable: str) -> np.ndarray:
        """The values of ``variable`` with the variation (sample) first: row i is variation i."""
        return np.asarray(self.results[variable].transpose("sample", ...).values)

    def outcomes(self, strategy: str) -> list[dict[str, Any]]:
        """Per variation: incremental cost, QALYs, life-years, ICER and INMB at each wtp of
        ``strategy`` versus the comparator, and its status on that variation's efficiency
        frontier (one dict per sample, in sample order)."""
        names = [str(s) for s in self.results["strategy"].values]
        all_costs, all_qalys, all_lys = (self._per_sample(v) for v in ("total_costs", "qalys", "lys"))
        out = []
        for i in range(self.results.sizes["sample"]):
            costs, qalys, lys = all_costs[i], all_qalys[i], all_lys[i]
            row = next(r for r in versus_comparator(names, costs, qalys, self.comparator) if r["strategy"] == strategy)
            d_ly = float(lys[names.index(strategy)] - lys[names.index(self.comparator)])
            out.append(
                {
                    "incremental_cost": row["incremental_cost"],
                    "incremental_qalys": row["incremental_effect"],
                    "incremental_lys": d_ly,
                    "icer": row["icer"],
                    "status": row["status"],
                    "frontier": "" if strategy in self.references else self._frontier(strategy, names, costs, qalys),
                    "inmb": {w: w * row["incremental_effect"] - row["incremental_cost"] for w in self.wtp},
                }
            )
        return out

    def tornado(self, strategy: str) -> list[dict[str, Any]]:
        """Tornado rows of ``strategy`` versus the comparator, largest swing first (ties in
        model order): parameter, low/base/high values, outcomes at low and high, swing
        (|INMB(high) − INMB(low)| at :attr:`tornado_wtp`) [currency]."""
        outcomes = self.outcomes(strategy)
        w = self.tornado_wtp
        rows = []
        for k, p in enumerate(self.parameters):
            lo, hi = outcomes[2 * k + 1], outcomes[2 * k + 2]
            rows.append(
                {
                    "parameter": p.name,
                    "unit": p.unit,
                    "description": p.description,
                    "base": p.base,
                    "low": p.low,
                    "high": p.high,
                    "range_source": p.range_source,
                    "icer_low": lo["icer"],
                    "icer_high": hi["icer"],
                    "status_low": lo["status"],
                    "status_high": hi["status"],
                    "frontier_low": lo["frontier"],
                    "frontier_high": hi["frontier"],
                    "incremental_cost_low": lo["incremental_cost"],
                    "incremental_cost_high": hi["incremental_cost"],
                    "incremental_qalys_low": lo["incremental_qalys"],
                    "incremental_qalys_high": hi["incremental_qalys"],
                    "inmb_low": lo["inmb"][w],
                    "inmb_high": hi["inmb"][w],
                    "swing": abs(hi["inmb"][w] - lo["inmb"][w]),
                }
            )
        order = sorted(range(len(rows)), key=lambda k: (-rows[k]["swing"], k))
        return [rows[k] for k in order]


def _range_source(given_low: object, given_high: object) -> str:
    if given_low is not None and given_high is not None:
        return "dsa_low/dsa_high"
    if given_low is None and given_high is None:
        return "distribution (2.5%, 97.5%)"
    return "dsa_low or dsa_high, the other from the distribution"


def run_dsa(
    spec: ModelSpec,
    comparator: str | None = None,
    wtp: Sequence[float] | None = None,
    tornado_wtp: float | None = None,
    *,
    tornado_wtp_source: str = "",
    progress: bool | None = None,
) -> DsaResult:
    """Run the one-way sensitivity analysis of ``spec`` (see the module docs).

    Parameters
    ----------
    spec        : the model; parameters with ``dsa=True`` are varied
    comparator  : strategy the others are compared with (default: settings.comparator, else
                  the first decision option)
    wtp         : willingness-to-pay values for the INMB (default: settings.wtp)
    tornado_wtp : the one the tornado is sorted by (default: the first of ``wtp``)
    progress    : progress bar on the terminal (default: when stderr is a terminal)

    Raises
    ------
    ModelError
        When no parameter is flagged, or a flagged parameter has no usable range (neither
        dsa_low/dsa_high nor a distribution), a low value above its high value, or a value
        that changes over time; all problems together.

    Example: ``run_dsa(model).tornado("CAR-T")[0]["parameter"]`` is the most influential input.
    """
    strategies = [s.name for s in spec.strategies]
    comparator = comparator or spec.settings.comparator or (spec.options[0] if spec.options else "")
    if comparator not in strategies:
        raise ModelError(
            Problem(topic(f"comparator '{comparator}'"), "no strategy of that name", "one of " + ", ".join(strategies))
        )
    wtp = tuple(float(w) for w in (spec.settings.wtp if wtp is None else wtp)) or (0.0,)
    tornado_wtp = wtp[0] if tornado_wtp is None else float(tornado_wtp)
    if tornado_wtp not in wtp:
        wtp = wtp + (tornado_wtp,)
    flagged = [p for p in spec.parameters if p.dsa]
    if not flagged:
        raise ModelError(
            Problem(
                topic("DSA"),
                "no parameter is flagged for one-way sensitivity analysis",
                "dsa = yes on the Parameters sheet for the parameters to vary",
            )
        )
    params = _parameters(spec, flagged)
    variations, rows, labels, uses = _variations(spec, params)
    samples = variations.samples(rows)
    compiled = compile_once(variations.spec)
    n = len(rows)
    from hecon.engine.results import label

    results = []
    with progress_bar(f"DSA ({len(params)} parameters)", len(compiled.strategies), progress) as advance:
        for i in range(len(compiled.strategies)):
            try:
                results.append(simulate_varied(compiled, i, samples, n))  # validation's run, if it checked them
            except ModelError:  # each failing low or high value, at its cell
                raise ModelError(variation_problems(compiled, variations, rows, uses)) from None
            advance(1)
    ds = label(compiled, outcome_columns(compiled), results, n)
    ds = ds.drop_vars(["trace", "per_cycle", "crossings"]).assign_coords(variation=("sample", labels))
    return DsaResult(
        tuple(params), comparator, wtp, tornado_wtp, ds, tornado_wtp_source, tuple(strategies), spec.references
    )


def check_dsa(spec: ModelSpec) -> list[Problem]:
    """What :func:`run_dsa` would reject for the parameters flagged for it (none flagged: nothing):
    a range it cannot use, and every low and high value with which the model does not run (each
    evaluated deterministically, every strategy, cycle and state time), at the parameter's
    ``dsa_low``/``dsa_high`` (or distribution) with the problem it causes."""
    flagged = [p for p in spec.parameters if p.dsa]
    if not flagged:
        return []
    try:
        variations, rows, _, uses = _variations(spec, _parameters(spec, flagged))
    except ModelError as e:
        return list(e.problems)
    # every row, the base case too (it runs: it is the model checked before), as run_dsa runs them,
    # so that the DSA of 'hecon run' reuses this simulation (hecon.engine.run.simulate_varied)
    return variation_problems(compile_once(variations.spec), variations, rows, uses)


def _parameters(spec: ModelSpec, flagged: Sequence[Parameter]) -> list[DsaParameter]:
    """The flagged parameters with their base, low and high values; raises every problem together."""
    problems: list[Problem] = []
    params: list[DsaParameter] = []
    try:
        bases = base_values(spec, [p.name for p in flagged])
    except ModelError as e:
        problems.extend(e.problems)
        bases = {}
    for p in flagged:
        try:
            low, high = dsa_bounds(p, spec.parameters)
        except ModelError as e:
            problems.extend(e.problems)
            continue
        if p.name not in bases:
            continue
        base = bases[p.name]
        if low > high:
            problems.append(
                Problem(
                    Element("parameter", p.name, part="dsa"),
                    f"DSA low value {show_number(low)} is above the high value {show_number(high)}",
                    "dsa_low <= dsa_high",
                )
            )
            continue
        params.append(
            DsaParameter(p.name, base, low, high, _range_source(p.dsa_low, p.dsa_high), p.unit, p.description)
        )
    if problems:
        raise ModelError(problems)
    return params


def _variations(
    spec: ModelSpec, params: Sequence[DsaParameter]
) -> tuple[Variations, list[dict[int, float]], list[str], list[Use | None]]:
    """The model rewritten to vary ``params``, its rows (base case, then low and high of each),
    their labels, and where each row's value comes from (for messages)."""
    given = {p.name: p for p in spec.parameters}
    variations = vary(spec, [Target(p.name) for p in params])
    rows: list[dict[int, float]] = [{}]
    labels = ["base case"]
    uses: list[Use | None] = [None]
    for k, param in enumerate(params):
        rows += [{k: param.low}, {k: param.high}]
        labels += [f"{param.name} low", f"{param.name} high"]
        for end, value, quantile in (("low", param.low, "2.5%"), ("high", param.high, "97.5%")):
            own = getattr(given[param.name], f"dsa_{end}") is not None
            where = Element("parameter", param.name, part=f"dsa_{end}" if own else "distribution")
            words = f"with {param.name} at its DSA {end} value {show_number(value)}" + (
                "" if own else f" (the {quantile} quantile of its distribution)"
            )
            uses.append(Use(where, words))
    return variations, rows, labels, uses
