"""Threshold (price) analysis: the value of a parameter at which an ICER equals a given
willingness to pay.

For a :class:`~hecon.model.spec.ThresholdQuery` (parameter x, strategy S, comparator C, wtp λ)
the threshold is the root of the incremental net monetary benefit

    f(x) = λ · ΔQALY(x) − Δcost(x),      Δ = S − C,

which is zero exactly where ΔC/ΔE = λ (and, unlike the ICER, is defined and continuous when
ΔQALY passes through 0). Costs are usually linear in a price, but that is not assumed:

1. **Bracket.** f is evaluated on a grid of :data:`GRID_POINTS` values evenly spaced over the
   search interval [lower, upper] in *one* vectorised model run (the values along the
   ``sample`` dimension, :mod:`hecon.analysis.variations`). The first sign change from the lower end
   brackets the root; more than one sign change is reported.
2. **Refine.** :func:`scipy.optimize.brentq` finds the root within the bracket to
   :data:`XTOL_RELATIVE` of the interval's width; each evaluation is one model run of the two
   strategies (the model is compiled once).

Without a sign change the result says so: "not found in [a, b]", with the ICER at both ends.

The varied value is the strategy's own value of the parameter when the strategy sets one
(e.g. a strategy-specific price), else the parameter's base value, which every strategy
without its own value uses (the comparator too, if it uses it).

Default search interval: from 0 to 10 x the base value (from 10 x the base value to 0 for a
negative one); give ``lower``/``upper`` for anything else, and always when the base value is 0.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from hecon.analysis.variations import Target, Use, Variations, base_value, variation_problems, vary
from hecon.engine.compiler import CompiledModel
from hecon.engine.incremental import compiled as compile_once
from hecon.engine.outcomes import outcome_columns
from hecon.engine.results import label
from hecon.engine.run import simulate_varied
from hecon.model.memo import ValueMemo
from hecon.model.problems import Element, ModelError, Problem, show_number
from hecon.model.spec import ModelSpec, ThresholdQuery
from hecon.model.types import FloatArray

__all__ = ["GRID_POINTS", "ThresholdResult", "check_threshold", "find_threshold", "threshold_interval"]

GRID_POINTS = 21
XTOL_RELATIVE = 1e-10


@dataclass(frozen=True)
class ThresholdResult:
    """Outcome of one threshold query.

    parameter, strategy, comparator : what was varied and compared
    varied          : "the value in <strategy>" or "the base value"
    wtp             : target ICER [currency per QALY]
    wtp_source      : where the wtp comes from (given, or the disease burden's reference value)
    base            : the parameter's base-case value [its unit]
    lower, upper    : search interval [its unit]
    value           : the threshold [its unit], None when not found
    found           : whether a threshold was found in [lower, upper]
    icer_at_value   : ICER at the threshold (equals wtp up to the tolerance) [currency per QALY]
    incremental_qalys_at_value : ΔQALY at the threshold; negative means the ICER is a saving
                      per QALY lost (south-west quadrant)
    icer_at_base    : ICER at the base value
    icer_at_lower, icer_at_upper : ICER at the ends of the interval
    sign_changes    : number of sign changes of f on the grid (>1: several thresholds; the
                      first from the lower end is reported)
    evaluations     : model evaluations (grid values + root-finding runs)
    message         : one sentence for the report
    """

    parameter: str
    strategy: str
    comparator: str
    varied: str
    wtp: float
    wtp_source: str
    base: float
    lower: float
    upper: float
    value: float | None
    found: bool
    icer_at_value: float | None
    incremental_qalys_at_value: float | None
    icer_at_base: float | None
    icer_at_lower: float | None
    icer_at_upper: float | None
    sign_changes: int
    evaluations: int
    message: str

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def threshold_interval(base: float, lower: float | None, upper: float | None, parameter: str) -> tuple[float, float]:
    """The search interval: ``lower``/``upper`` where given, else 0 and 10 x ``base``."""
    default_low, default_high = sorted((0.0, 10.0 * base))
    lo = default_low if lower is None else float(lower)
    hi = default_high if upper is None else float(upper)
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo >= hi:
        raise ModelError(
            Problem(
                Element("threshold", parameter),
                f"search interval [{lo:g}, {hi:g}] is empty"
                + (" (the base value is 0, so there is no default interval)" if base == 0 else ""),
                "lower < upper (Thresholds sheet, columns lower and upper)",
            )
        )
    return lo, hi


#: The two-strategy models of the specs seen recently (see :func:`_two_strategy_spec`).
TWO_STRATEGIES: ValueMemo[ModelSpec] = ValueMemo()


def _two_strategy_spec(spec: ModelSpec, keep: tuple[str, str]) -> ModelSpec:
    """The model with only the two compared strategies (their own transitions and rewards), once
    per spec and pair: validation's check of a threshold and its search share the model."""
    return TWO_STRATEGIES(_keep_strategies, spec, tuple(keep))


def _keep_strategies(spec: ModelSpec, keep: tuple[str, str]) -> ModelSpec:
    return dataclasses.replace(
        spec,
        strategies=tuple(s for s in spec.strategies if s.name in keep),
        transitions=tuple(t for t in spec.transitions if t.strategy is None or t.strategy in keep),
        transition_rewards=tuple(r for r in spec.transition_rewards if r.strategy is None or r.strategy in keep),
        scenarios=(),
        thresholds=(),
    )


def _icer(d_cost: float, d_qaly: float) -> float | None:
    return d_cost / d_qaly if d_qaly != 0 else None


def find_threshold(
    spec: ModelSpec,
    query: ThresholdQuery,
    wtp: float | None = None,
    *,
    comparator: str | None = None,
    wtp_source: str = "",
) -> ThresholdResult:
    """Find the value of ``query.parameter`` at which the ICER of ``query.strategy`` versus the
    comparator equals the willingness to pay (see the module docs).

    Parameters
    ----------
    spec       : the model
    query      : parameter, strategy, comparator (None: ``comparator``), wtp (None: ``wtp``),
                 search interval
    wtp        : willingness to pay used when the query has none [currency per QALY]
    comparator : comparator used when the query has none (default: settings.comparator, else
                 the first decision option)
    wtp_source : words saying where ``wtp`` comes from, for the report

    Raises
    ------
    ModelError for an unknown parameter or strategy, no willingness to pay, an empty search
    interval, or a model that cannot run at some value of the parameter.

    Example: ``find_threshold(model, ThresholdQuery("c_trt", "B", wtp=50000)).value``.
    """
    names = [s.name for s in spec.strategies]
    comparator = query.comparator or comparator or spec.settings.comparator or (spec.options[0] if spec.options else "")
    problems = []
    for role, name in (("strategy", query.strategy), ("comparator", comparator)):
        if name not in names:
            problems.append(
                Problem(
                    Element("threshold", query.parameter),
                    f"{role} '{name}' is not a strategy",
                    "one of " + ", ".join(names),
                )
            )
    if query.strategy == comparator:
        problems.append(
            Problem(
                Element("threshold", query.parameter),
                f"strategy and comparator are both '{comparator}'",
                "two different strategies",
            )
        )
    if query.parameter not in {p.name for p in spec.parameters}:
        problems.append(
            Problem(Element("threshold", query.parameter), "no parameter of that name", "a parameter of the model")
        )
    target_wtp = query.wtp if query.wtp is not None else wtp
    if target_wtp is None:
        problems.append(
            Problem(
                Element("threshold", query.parameter),
                "no willingness to pay",
                "a wtp on the Thresholds sheet, or utility norms (UtilityNorms sheet) for the "
                "reference value of the disease burden",
            )
        )
    if problems:
        raise ModelError(problems)
    assert target_wtp is not None
    source = "given" if query.wtp is not None else (wtp_source or "given")
    lam = float(target_wtp)

    search = _Search.of(spec, query, comparator)
    lo, hi, base, own = search.lower, search.upper, search.base, search.own
    i_s, i_c = search.order.index(query.strategy), search.order.index(comparator)

    def increments(values: FloatArray, uses: list[Use | None]) -> tuple[FloatArray, FloatArray]:
        c, e = search.outcomes(values, uses)
        return c[i_s] - c[i_c], e[i_s] - e[i_c]

    grid = search.grid()
    points = np.concatenate([grid, [base]])
    d_cost, d_qaly = increments(points, search.grid_uses(grid) + [None])
    f = lam * d_qaly[:-1] - d_cost[:-1]
    icer_base = _icer(float(d_cost[-1]), float(d_qaly[-1]))
    evaluations = len(points)
    sign = np.sign(f)
    changes = [k for k in range(len(grid) - 1) if sign[k] == 0 or sign[k] * sign[k + 1] < 0]
    if sign[-1] == 0:
        changes.append(len(grid) - 1)
    n_changes = len(set(changes))
    varied = f"the value in {query.strategy}" if own else "the base value"
    result = functools.partial(
        ThresholdResult,
        parameter=query.parameter,
        strategy=query.strategy,
        comparator=comparator,
        varied=varied,
        wtp=lam,
        wtp_source=source,
        base=base,
        lower=lo,
        upper=hi,
        icer_at_base=icer_base,
        icer_at_lower=_icer(float(d_cost[0]), float(d_qaly[0])),
        icer_at_upper=_icer(float(d_cost[-2]), float(d_qaly[-2])),
    )

    if not changes:
        verdict = "is cost-effective" if f[0] > 0 else "is not cost-effective"
        message = (
            f"No threshold for {query.parameter} in [{lo:,.6g}, {hi:,.6g}]: {query.strategy} {verdict} "
            f"versus {comparator} at {lam:,.0f} per QALY over the whole interval (the net monetary "
            "benefit does not change sign); widen the interval (lower, upper) to search further."
        )
        return result(
            value=None,
            found=False,
            icer_at_value=None,
            incremental_qalys_at_value=None,
            sign_changes=0,
            evaluations=evaluations,
            message=message,
        )

    k = changes[0]
    if sign[k] == 0:
        root = float(grid[k])
    else:
        from scipy.optimize import brentq

        count = [0]

        def objective(x: float) -> float:
            count[0] += 1
            dc, dq = increments(np.array([x]), [search.use(x, "found while searching for the threshold in")])
            return float(lam * dq[0] - dc[0])

        root = float(
            brentq(
                objective,
                float(grid[k]),
                float(grid[k + 1]),
                xtol=XTOL_RELATIVE * (hi - lo),
                rtol=4 * np.finfo(float).eps,
                maxiter=200,
            )
        )
        evaluations += count[0]
    dc, dq = increments(np.array([root]), [search.use(root, "the threshold found in")])
    evaluations += 1
    icer = _icer(float(dc[0]), float(dq[0]))
    quadrant = "" if dq[0] >= 0 else " (less costly and less effective: the ICER is the saving per QALY lost)"
    message = (
        f"The ICER of {query.strategy} versus {comparator} equals {lam:,.0f} per QALY when "
        f"{query.parameter} ({varied}) is {root:,.6g} (base case {base:,.6g}){quadrant}."
    )
    if n_changes > 1:
        message += (
            f" The net monetary benefit changes sign {n_changes} times in [{lo:,.6g}, {hi:,.6g}]; "
            "this is the first threshold from the lower end."
        )
    return result(
        value=root,
        found=True,
        icer_at_value=icer,
        incremental_qalys_at_value=float(dq[0]),
        sign_changes=n_changes,
        evaluations=evaluations,
        message=message,
    )


@dataclass(frozen=True)
class _Search:
    """The model of the two compared strategies, rewritten to vary the query's parameter, and
    the search interval.

    own   : whether the varied value is the strategy's own value of the parameter
    index : the query's position in ``spec.thresholds`` (None when it is not one of them), for messages
    """

    query: ThresholdQuery
    index: int | None
    variations: Variations
    compiled: CompiledModel
    order: list[str]
    base: float
    lower: float
    upper: float
    own: bool

    @classmethod
    def of(cls, spec: ModelSpec, query: ThresholdQuery, comparator: str) -> _Search:
        small = _two_strategy_spec(spec, (query.strategy, comparator))
        own = query.parameter in next(s for s in spec.strategies if s.name == query.strategy).parameters
        base = base_value(spec, query.parameter, query.strategy)  # the full model: compiled already
        lo, hi = threshold_interval(base, query.lower, query.upper, query.parameter)
        variations = vary(small, [Target(query.parameter, query.strategy)])
        index = spec.thresholds.index(query) if query in spec.thresholds else None
        order = [s.name for s in small.strategies]
        return cls(query, index, variations, compile_once(variations.spec), order, base, lo, hi, own)

    def grid(self) -> FloatArray:
        """The :data:`GRID_POINTS` values that bracket the threshold [the parameter's unit]."""
        return np.linspace(self.lower, self.upper, GRID_POINTS)

    def use(self, x: float, words: str, part: str = "") -> Use:
        """Where a searched value ``x`` comes from, for a message: ``words`` the search interval."""
        interval = f"[{show_number(self.lower)}, {show_number(self.upper)}]"
        return Use(
            Element("threshold", self.query.parameter, index=self.index, part=part),
            f"with {self.query.parameter} at {show_number(x)}, {words} {interval}",
        )

    def grid_uses(self, grid: FloatArray) -> list[Use | None]:
        """Where each grid value comes from: the lower and upper end, or a point in between."""
        last = len(grid) - 1
        return [
            self.use(x, "the lower end of the search interval", "lower")
            if k == 0
            else self.use(x, "the upper end of the search interval", "upper")
            if k == last
            else self.use(x, "a point of the search interval")
            for k, x in enumerate(grid)
        ]

    def outcomes(self, values: FloatArray, uses: list[Use | None]) -> tuple[FloatArray, FloatArray]:
        """Total costs and QALYs (strategy, value) with the parameter at each of ``values``; raises
        the problems of the values the model cannot run with, each at its ``uses`` entry."""
        rows = [{0: float(v)} for v in values]
        samples = self.variations.samples(rows)
        try:  # simulated once with validation's check of the same values (simulate_varied)
            results = [
                simulate_varied(self.compiled, i, samples, len(rows)) for i in range(len(self.compiled.strategies))
            ]
        except ModelError:
            raise ModelError(variation_problems(self.compiled, self.variations, rows, uses)) from None
        ds = label(self.compiled, outcome_columns(self.compiled), results, len(rows))
        return ds["total_costs"].values, ds["qalys"].values


def check_threshold(spec: ModelSpec, query: ThresholdQuery, comparator: str | None = None) -> list[Problem]:
    """What :func:`find_threshold` would reject once it runs the model: a parameter without one
    base value, and every value of its search grid with which the model of the two strategies does
    not run (evaluated deterministically, every cycle and state time), at the Thresholds cell of
    the value (lower or upper; the parameter for a point in between, reported only when both ends
    run) with the problem it causes.
    The names, the comparator and the willingness to pay are checked by the workbook's validation."""
    names = [s.name for s in spec.strategies]
    comparator = query.comparator or comparator or spec.settings.comparator or (names[0] if names else "")
    if query.strategy not in names or comparator not in names or comparator == query.strategy:
        return []
    try:
        search = _Search.of(spec, query, comparator)
    except ModelError as e:
        return list(e.problems)
    grid = search.grid()
    # the grid and the base value, as find_threshold runs them first: its run reuses this one
    rows = [{0: float(x)} for x in np.concatenate([grid, [search.base]])]
    found = variation_problems(search.compiled, search.variations, rows, search.grid_uses(grid) + [None])
    ends = [p for p in found if isinstance(p.where, Element) and p.where.part in ("lower", "upper")]
    return ends or found  # a point in between only when both ends run
