"""The cohort engine: runs a compiled model over PSA samples in chunks and cycles in blocks.

For each chunk of samples and each strategy, cycles are processed in blocks:

1. evaluate the transition expressions for the block (numpy, broadcast over sample,
   cycle and state time) and check them: every probability in [0, 1], every row summing
   to 1 (the complement ``#`` takes the rest and must not be negative);
2. advance the trace through the block with the sparse edge list (compiled kernel);
3. value the trace points: state rewards x within-cycle weights x discount factors, and
   one-off transition rewards on the flows (discounted at mid-cycle, not corrected).

Memory is bounded by ``chunk_size`` samples x ``block`` cycles; results do not depend on
either, since each sample is computed independently in a fixed order.

Outcome conventions: costs are per cycle in a state; utility and life are per year, so
QALYs and life-years are Σ_k w_k d_k occupancy_k value_k × cycle length [years]. Costs are
discounted at the cost rate; QALYs, life-years, counts and time in flagged states at the
effect rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import xarray as xr

from hecon import kernels
from hecon.compiler import PROBABILITY_TOLERANCE, CompiledModel, RowGroup, StrategyModel, compile_model
from hecon.context import BlockContext
from hecon.discounting import discount_factors
from hecon.errors import ModelError, Problem
from hecon.spec import ModelSpec

BLOCK_ELEMENTS = 4_000_000  # sample x cycle x edge elements per block (about 32 MB of probabilities)


@dataclass(frozen=True)
class Outcome:
    """One accumulated outcome column."""

    name: str  # "qalys", "lys", "cost:<category>", "count:<name>", "time:<flag>"
    discount: str  # "costs" or "effects"
    per_year: bool  # value is a rate per year (x cycle length) rather than per cycle


def outcome_columns(model: CompiledModel) -> list[Outcome]:
    spec = model.spec
    cols = [Outcome("qalys", "effects", True), Outcome("lys", "effects", True)]
    cols += [Outcome(f"cost:{c}", "costs", False) for c in spec.cost_categories]
    cols += [Outcome(f"count:{c}", "effects", False) for c in spec.count_names]
    cols += [Outcome(f"time:{f}", "effects", True) for f in spec.flags]
    return cols


@dataclass
class ChunkResult:
    """Outcomes of one strategy for one chunk of samples."""

    discounted: np.ndarray  # (n_samples, n_outcomes)
    undiscounted: np.ndarray  # (n_samples, n_outcomes)
    trace_sum: np.ndarray  # (n_points, n_model_states), summed over samples in sample order
    per_cycle_sum: np.ndarray  # (n_points, n_outcomes), summed over samples in order, undiscounted


def run_model(model: ModelSpec | CompiledModel, samples: Mapping[str, np.ndarray] | None = None,
              n_samples: int | None = None, chunk_size: int = 1000) -> xr.Dataset:
    """Run every strategy of a model; return the labelled results (see :func:`hecon.results.label`).

    samples    : parameter name -> values (n_samples,) replacing the parameter's base value
                 (PSA draws, or DSA variations along the sample dimension)
    n_samples  : number of samples when ``samples`` is empty (default 1: the deterministic run)
    chunk_size : samples processed at once (bounds memory; does not change results)
    """
    from hecon.results import label

    compiled = model if isinstance(model, CompiledModel) else compile_model(model)
    samples = {k: np.asarray(v, dtype=float).reshape(-1) for k, v in (samples or {}).items()}
    sizes = {v.size for v in samples.values()}
    if len(sizes) > 1:
        raise ModelError(Problem("samples", f"sample arrays of different lengths {sorted(sizes)}",
                                 "one value per sample for every sampled parameter"))
    unknown = set(samples) - {p.name for p in compiled.spec.parameters}
    if unknown:
        raise ModelError(Problem("samples", f"unknown parameters {sorted(unknown)}", "parameter names"))
    total = sizes.pop() if sizes else (n_samples or 1)
    if n_samples is not None and n_samples != total:
        raise ModelError(Problem("samples", f"{total} samples given but n_samples={n_samples}", "the same number"))
    results = [simulate_strategy(compiled, i, samples, total, chunk_size)
               for i in range(len(compiled.strategies))]
    return label(compiled, outcome_columns(compiled), results, total)


def simulate_strategy(model: CompiledModel, index: int, samples: Mapping[str, np.ndarray], n_samples: int,
                      chunk_size: int = 1000) -> ChunkResult:
    """All samples of one strategy, in chunks of ``chunk_size``; chunk results are concatenated
    and the sums over samples carried from chunk to chunk, so nothing depends on the chunking."""
    parts: list[ChunkResult] = []
    for start in range(0, n_samples, max(1, chunk_size)):
        stop = min(n_samples, start + max(1, chunk_size))
        chunk = {k: v[start:stop] for k, v in samples.items()}
        carry = parts[-1] if parts else None
        parts.append(simulate_chunk(model, index, chunk, stop - start, carry))
    return ChunkResult(np.concatenate([p.discounted for p in parts]),
                       np.concatenate([p.undiscounted for p in parts]),
                       parts[-1].trace_sum, parts[-1].per_cycle_sum)


def simulate_chunk(model: CompiledModel, index: int, samples: Mapping[str, np.ndarray],
                   n_samples: int, carry: ChunkResult | None = None) -> ChunkResult:
    """One strategy over one chunk of samples (the unit of work that PSA workers run).

    carry : the previous chunk's result, whose sums over samples this chunk continues
    """
    strategy = model.strategies[index]
    settings = model.spec.settings
    T = model.n_cycles
    cy = settings.cycle_length_years
    cols = outcome_columns(model)
    K = len(cols)
    col_index = {c.name: i for i, c in enumerate(cols)}
    n_edges = len(strategy.src)
    block = int(max(1, min(T, BLOCK_ELEMENTS // max(1, n_samples * n_edges))))

    times = np.arange(T + 1) * cy
    disc = {"costs": discount_factors(settings.discount_rate_costs, times, settings.discount_timing),
            "effects": discount_factors(settings.discount_rate_effects, times, settings.discount_timing)}
    mid = (np.arange(T) + 0.5) * cy
    disc_mid = {"costs": discount_factors(settings.discount_rate_costs, mid, settings.discount_timing),
                "effects": discount_factors(settings.discount_rate_effects, mid, settings.discount_timing)}
    scale = np.array([cy if c.per_year else 1.0 for c in cols])
    disc_of = [c.discount for c in cols]

    discounted = np.zeros((n_samples, K))
    undiscounted = np.zeros((n_samples, K))
    starts = np.array([model.slices[s.name].start for s in model.spec.states])
    per_cycle = carry.per_cycle_sum.copy() if carry else np.zeros((T + 1, K))
    trace_sum = carry.trace_sum.copy() if carry else np.zeros((T + 1, len(starts)))

    gp_cache: dict[str | None, np.ndarray] = {}
    trace_now = None
    for t0 in range(0, T, block):
        t1 = min(T, t0 + block)
        last = t1 == T
        ctx = BlockContext(model, strategy, samples, t0, t1, gp_cache)
        if trace_now is None:
            trace_now = _initial_trace(model, strategy, ctx, n_samples)
        probs = _transition_probabilities(model, strategy, ctx, n_samples, t1 - t0)
        trace = kernels.propagate(trace_now, strategy.src, strategy.dst, probs)
        trace_now = trace[:, -1, :]

        # state rewards at the points t0..t1 (t1 only in the last block; the next block starts there)
        n_pts = t1 - t0 + (1 if last else 0)
        w = model.weights[t0:t0 + n_pts]
        f = np.zeros((n_samples, n_pts, K))
        occupancy = np.ascontiguousarray(trace[:, :n_pts, :])
        for name, values in _state_values(model, ctx, n_samples, t1 - t0 + 1).items():
            values = np.ascontiguousarray(values[:, :n_pts] if values.shape[1] > 1 else values)
            f[:, :, col_index[name]] = kernels.weighted_occupancy(occupancy, values) * scale[col_index[name]]
        for k in range(K):
            fk = np.ascontiguousarray(f[:, :, k])
            discounted[:, k] += kernels.row_dot(fk, w * disc[disc_of[k]][t0:t0 + n_pts])
            undiscounted[:, k] += kernels.row_dot(fk, w)
        kernels.accumulate(trace_sum[t0:t0 + n_pts], np.add.reduceat(occupancy, starts, axis=2))

        # one-off rewards on transitions during cycles t0..t1-1
        rewards = np.zeros((n_samples, t1 - t0, K))
        for rr in strategy.rewards:
            if rr.edges.size == 0:
                continue
            amount = _transition_reward(rr, strategy, ctx, trace, probs, t1 - t0)
            col = {"cost": f"cost:{rr.reward.name}", "qaly": "qalys", "count": f"count:{rr.reward.name}"}[
                rr.reward.kind]
            k = col_index[col]
            discounted[:, k] += kernels.row_dot(amount, disc_mid[disc_of[k]][t0:t1])
            undiscounted[:, k] += kernels.row_dot(amount, np.ones(t1 - t0))
            rewards[:, :, k] += amount
        f[:, :t1 - t0, :] += rewards
        kernels.accumulate(per_cycle[t0:t0 + n_pts], f)
    return ChunkResult(discounted, undiscounted, trace_sum, per_cycle)


def _fit(value: object, n_pts: int, L: int) -> np.ndarray:
    """An expression value as a 3-d array trimmed to ``n_pts`` points and ``L`` state times
    (length-1 axes kept: broadcasting is left to the caller)."""
    a = np.asarray(value, dtype=float)
    if a.ndim < 3:
        a = a.reshape((1,) * (3 - a.ndim) + a.shape)
    if a.shape[1] > 1:
        a = a[:, :n_pts]
    if a.shape[2] > 1:
        a = a[:, :, :L]
    return a


def _locate(mask: np.ndarray, t0: int) -> str:
    s, k, j = (int(x) for x in np.argwhere(mask)[0])
    parts = [f"cycle {t0 + k}" if mask.shape[1] > 1 else "every cycle"]
    if mask.shape[0] > 1:
        parts.append(f"sample {s}")
    if mask.shape[2] > 1:
        parts.append(f"state_time {j}")
    return ", ".join(parts)


def _transition_probabilities(model: CompiledModel, strategy: StrategyModel, ctx: BlockContext,
                              n_samples: int, n_cycles: int) -> np.ndarray:
    """Edge probabilities for the block, shape (n_samples, n_cycles, n_edges), checked."""
    probs = np.empty((n_samples, n_cycles, len(strategy.src)))
    problems: list[Problem] = []
    for g in strategy.groups:
        total: np.ndarray | float = 0.0
        for row in g.rows:
            a = _fit(row.expr.evaluate(ctx), n_cycles, g.tunnel)  # type: ignore[union-attr]
            bad = ~((a >= 0.0) & (a <= 1.0))
            if bad.any():
                value = a[tuple(np.argwhere(bad)[0])]
                problems.append(Problem(f"strategy '{strategy.name}', transition {row.label}, {_locate(bad, ctx.t0)}",
                                        f"probability {value:.6g} ('{row.expr.text}') is outside [0, 1]",  # type: ignore[union-attr]
                                        "a probability between 0 and 1"))
                continue
            probs[:, :, row.edges] = np.broadcast_to(a, (n_samples, n_cycles, g.tunnel))
            total = total + a
        total_a = _fit(total, n_cycles, g.tunnel)
        if g.complement is not None:
            rest = 1.0 - total_a
            bad = rest < -PROBABILITY_TOLERANCE
            if bad.any():
                problems.append(Problem(
                    f"strategy '{strategy.name}', transitions out of '{g.state}', {_locate(bad, ctx.t0)}",
                    f"the other probabilities add up to {1.0 - rest[tuple(np.argwhere(bad)[0])]:.6g}, leaving a "
                    f"negative complement for -> {g.complement.to_state}", "probabilities that sum to at most 1"))
                continue
            probs[:, :, g.complement.edges] = np.broadcast_to(rest, (n_samples, n_cycles, g.tunnel))
        else:
            bad = np.abs(total_a - 1.0) > PROBABILITY_TOLERANCE
            if bad.any():
                problems.append(Problem(
                    f"strategy '{strategy.name}', transitions out of '{g.state}', {_locate(bad, ctx.t0)}",
                    f"the probabilities add up to {total_a[tuple(np.argwhere(bad)[0])]:.6g}",
                    "a sum of 1, or a complement '#' for the rest"))
    if problems:
        raise ModelError(problems)
    return probs


def _initial_trace(model: CompiledModel, strategy: StrategyModel, ctx: BlockContext, n_samples: int) -> np.ndarray:
    trace = np.zeros((n_samples, model.n_states))
    for state, expr in strategy.initial.items():
        v = np.asarray(expr.evaluate(ctx), dtype=float).reshape(-1)
        trace[:, model.slices[state].start] = v if v.size == n_samples else v[0]
    total = trace.sum(axis=1)
    if np.any(trace < 0) or np.any(np.abs(total - 1.0) > PROBABILITY_TOLERANCE):
        raise ModelError(Problem(f"strategy '{strategy.name}', initial state distribution",
                                 f"shares add up to {total.min():.6g} (or one is negative)",
                                 "non-negative shares that add up to 1"))
    return trace


def _state_values(model: CompiledModel, ctx: BlockContext, n_samples: int, n_pts: int) -> dict[str, np.ndarray]:
    """Per-state reward values for the block's points, each (1|n_samples, 1|n_pts, n_states)."""
    out = {"qalys": _assemble(model, model.utility, ctx, n_samples, n_pts),
           "lys": model.alive.reshape(1, 1, -1)}
    for flag, indicator in model.flags.items():
        out[f"time:{flag}"] = indicator.reshape(1, 1, -1)
    for cat, by_state in model.costs.items():
        out[f"cost:{cat}"] = _assemble(model, by_state, ctx, n_samples, n_pts)
    for name, by_state in model.counts.items():
        out[f"count:{name}"] = _assemble(model, by_state, ctx, n_samples, n_pts)
    return out


def _assemble(model: CompiledModel, by_state: Mapping[str, object], ctx: BlockContext, n_samples: int,
              n_pts: int) -> np.ndarray:
    fitted = {s: _fit(e.evaluate(ctx), n_pts, model.tunnel[s]) for s, e in by_state.items()}  # type: ignore[attr-defined]
    for s, a in fitted.items():
        if np.isnan(a).any():
            raise ModelError(Problem(f"state '{s}'", "a reward value is not a number (nan)",
                                     "finite values (check divisions and logarithms)"))
    S1 = n_samples if any(a.shape[0] > 1 for a in fitted.values()) else 1
    T1 = n_pts if any(a.shape[1] > 1 for a in fitted.values()) else 1
    values = np.zeros((S1, T1, model.n_states))
    for s, a in fitted.items():
        values[:, :, model.slices[s]] = np.broadcast_to(a, (S1, T1, model.tunnel[s]))
    return values


def _transition_reward(rr, strategy: StrategyModel, ctx: BlockContext, trace: np.ndarray, probs: np.ndarray,
                       n_cycles: int) -> np.ndarray:
    """Reward amounts on the flows along ``rr.edges`` in each cycle of the block, (n_samples, n_cycles).

    Summed edge by edge in a fixed order, so a sample's result does not depend on the chunk."""
    a = _fit(rr.expr.evaluate(ctx), n_cycles, ctx.model.max_tunnel)
    amount = np.zeros((trace.shape[0], n_cycles))
    for i, e in enumerate(rr.edges):
        value = a[:, :, rr.state_time[i]] if a.shape[2] > 1 else a[:, :, 0]
        amount += trace[:, :n_cycles, strategy.src[e]] * probs[:, :, e] * value
    return amount
