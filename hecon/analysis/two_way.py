"""Two-way threshold (headroom) analysis: where one strategy is cost-effective against another
over a grid of two parameters, at each willingness to pay.

For parameters x and y (each on an even grid over its interval) the model is run once, with one
sample per grid point (:mod:`hecon.analysis.variations`: the same vectorised rewrite as the
one-way threshold analysis, :mod:`hecon.analysis.threshold`; a strategy that reads neither parameter
is simulated once, :func:`hecon.engine.run.simulate_varied`). At willingness to pay lambda,
``strategy`` is cost-effective against ``comparator`` where the incremental net monetary benefit

    INMB(x, y) = lambda * dQALY(x, y) - dCost(x, y)

is positive (discounted; Drummond et al., Methods for the Economic Evaluation of Health Care
Programmes, 4th ed., 2015, ch. 11 on multi-way sensitivity analysis). The boundary INMB = 0 is
tabulated as, for each grid value of x, the value of y where INMB changes sign along y (linear
interpolation between grid points; exact when INMB is linear in y, e.g. a price).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from hecon.analysis.serialise import frozen
from hecon.analysis.variations import Target, Use, base_value, variation_problems, vary
from hecon.model.problems import Element, ModelError, Problem, show_number
from hecon.model.spec import ModelSpec
from hecon.model.types import FloatArray

__all__ = ["TwoWayQuery", "TwoWayResult", "two_way_threshold"]


@dataclass(frozen=True)
class TwoWayQuery:
    """Vary parameters ``x`` and ``y`` (base values) over their intervals (None: 0 to 10 x the base
    value), ``points`` values each, and compare ``strategy`` with ``comparator`` (None: the run's)."""

    x: str
    y: str
    strategy: str
    comparator: str | None = None
    x_range: tuple[float, float] | None = None
    y_range: tuple[float, float] | None = None
    points: int = 21


@dataclass(frozen=True)
class TwoWayResult:
    """The grid and where ``strategy`` is cost-effective against ``comparator``.

    x_values, y_values : grid values of the parameters
    base_x, base_y     : their base-case values
    d_cost, d_qaly     : incremental costs [currency] and QALYs, indexed [j][i] for (x_i, y_j)
    wtp                : willingness-to-pay values [currency per QALY]
    boundary           : wtp -> for each x_i, the y where INMB changes sign along y (None: no change)
    share_cost_effective : wtp -> share of grid points where INMB > 0 [0-1]
    cost_effective_at_base : wtp -> whether INMB > 0 at the base values
    """

    x: str
    y: str
    strategy: str
    comparator: str
    x_values: tuple[float, ...]
    y_values: tuple[float, ...]
    base_x: float
    base_y: float
    d_cost: tuple[tuple[float, ...], ...]
    d_qaly: tuple[tuple[float, ...], ...]
    wtp: tuple[float, ...]
    boundary: Mapping[float, tuple[float | None, ...]]
    share_cost_effective: Mapping[float, float]
    cost_effective_at_base: Mapping[float, bool]

    def inmb(self, wtp: float) -> FloatArray:
        """Incremental net monetary benefit [currency] on the grid, [j][i] for (x_i, y_j)."""
        out: FloatArray = wtp * np.asarray(self.d_qaly, dtype=float) - np.asarray(self.d_cost, dtype=float)
        return out


def _crossing(y: np.ndarray, f: np.ndarray) -> float | None:
    for j in range(len(y) - 1):
        if f[j] == 0:
            return float(y[j])
        if f[j] * f[j + 1] < 0:
            return float(y[j] + (y[j + 1] - y[j]) * f[j] / (f[j] - f[j + 1]))
    return float(y[-1]) if f[-1] == 0 else None


def two_way_threshold(
    spec: ModelSpec, query: TwoWayQuery, wtp: Sequence[float], comparator: str | None = None
) -> TwoWayResult:
    """Run the two-way threshold analysis of ``query`` at each of ``wtp`` (see the module docs).

    Raises ModelError (every problem: unknown parameter or strategy, same strategy twice, an
    empty interval, fewer than 2 points).

    Example: ``two_way_threshold(model, TwoWayQuery("hr_redose", "price_share", "Re-dosing"), [50e3])``.
    """
    from hecon.analysis.threshold import _two_strategy_spec, threshold_interval  # the engine, when it is run
    from hecon.engine.incremental import compiled as compile_once
    from hecon.engine.outcomes import outcome_columns
    from hecon.engine.results import label
    from hecon.engine.run import run_model, simulate_varied

    names = [s.name for s in spec.strategies]
    comparator = query.comparator or comparator or spec.settings.comparator or (spec.options[0] if spec.options else "")
    where = Element("topic", f"two-way threshold {query.x} x {query.y}")
    problems = []
    for role, name in (("strategy", query.strategy), ("comparator", comparator)):
        if name not in names:
            problems.append(Problem(where, f"{role} '{name}' is not a strategy", "one of " + ", ".join(names)))
    if query.strategy == comparator:
        problems.append(Problem(where, f"strategy and comparator are both '{comparator}'", "two different strategies"))
    params = {p.name for p in spec.parameters}
    for name in dict.fromkeys((query.x, query.y)):
        if name not in params:
            problems.append(Problem(where, f"no parameter '{name}'", "a parameter of the model"))
    if query.x == query.y:
        problems.append(Problem(where, "x and y are the same parameter", "two different parameters"))
    if query.points < 2:
        problems.append(Problem(where, f"{query.points} points", "at least 2 points per parameter"))
    if problems:
        raise ModelError(problems)
    bx, by = base_value(spec, query.x), base_value(spec, query.y)
    x_lo, x_hi = query.x_range or (None, None)
    y_lo, y_hi = query.y_range or (None, None)
    xs = np.linspace(*threshold_interval(bx, x_lo, x_hi, query.x), query.points)
    ys = np.linspace(*threshold_interval(by, y_lo, y_hi, query.y), query.points)

    small = _two_strategy_spec(spec, (query.strategy, comparator))
    variations = vary(small, [Target(query.x), Target(query.y)])
    rows = [{0: float(x), 1: float(y)} for y in ys for x in xs]
    compiled = compile_once(variations.spec)
    samples = variations.samples(rows)
    try:  # per-sample totals only; a strategy that reads neither parameter is simulated once, not per point
        runs = [simulate_varied(compiled, i, samples, len(rows)) for i in range(len(compiled.strategies))]
        ds = label(compiled, outcome_columns(compiled), runs, len(rows))
    except ModelError as error:  # the grid points the model cannot run with, by their values (not their sample)
        uses: list[Use | None] = [
            Use(
                where,
                f"with {query.x} at {show_number(r[0])} and {query.y} at {show_number(r[1])}, a point of the grid",
            )
            for r in rows
        ]
        found = variation_problems(compiled, variations, rows, uses)
        if not found:
            raise error
        first, failing = found[0], len({p.what for p in found})
        what = f"{first.what} (the first of {failing} of the {len(rows)} points that the model cannot run with)"
        raise ModelError(Problem(where, what, cause=first.cause)) from None
    order = [s.name for s in small.strategies]
    i_s, i_c = order.index(query.strategy), order.index(comparator)
    c, e = ds["total_costs"].values, ds["qalys"].values
    d_cost = (c[i_s] - c[i_c]).reshape(len(ys), len(xs))
    d_qaly = (e[i_s] - e[i_c]).reshape(len(ys), len(xs))
    base_run = run_model(compile_once(small))
    bc, bq = base_run["total_costs"].values[:, 0], base_run["qalys"].values[:, 0]
    lams = tuple(float(w) for w in wtp)
    boundary, share, at_base = {}, {}, {}
    for lam in lams:
        f = lam * d_qaly - d_cost
        boundary[lam] = tuple(_crossing(ys, f[:, i]) for i in range(len(xs)))
        share[lam] = float(np.mean(f > 0))
        at_base[lam] = bool(lam * (bq[i_s] - bq[i_c]) - (bc[i_s] - bc[i_c]) > 0)
    return TwoWayResult(
        query.x,
        query.y,
        query.strategy,
        comparator,
        tuple(float(v) for v in xs),
        tuple(float(v) for v in ys),
        bx,
        by,
        tuple(tuple(float(v) for v in r) for r in d_cost),
        tuple(tuple(float(v) for v in r) for r in d_qaly),
        lams,
        frozen(boundary),
        frozen(share),
        frozen(at_base),
    )
