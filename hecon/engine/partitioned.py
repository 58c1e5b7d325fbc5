"""Partitioned survival: occupancy read off ordered survival curves, valued like the cohort.

In a partitioned-survival model (NICE DSU TSD 19, Woods et al. 2017) the share of the cohort
in each state is not advanced by transition probabilities but read off survival curves of
model time: with the partition rows PF (S_PFS), PD (S_OS) and Dead (the rest),

    PF(t) = S_PFS(t),   PD(t) = S_OS(t) - S_PFS(t),   Dead(t) = 1 - S_OS(t).

In general a strategy's rows list states best first, and row k's survival C_k(t) is the share
in state k or an earlier one; occupancy is x_0 = C_0, x_k = C_k - C_(k-1), and the last state
takes 1 - C_(n-2). Where curves cross (C_k > C_(k+1), e.g. PFS above OS), the later state would
get a negative share: the earlier curve is held at the later one, C_k = min(C_k, C_(k+1)) from
the last boundary up (so PF = min(S_PFS, S_OS) and PD = 0 there), and the number of samples
with crossing curves at each trace point is returned (``ChunkResult.crossings``) so that the
analysis reports it; it is never hidden.

The occupancy is valued exactly as the state-transition engine values its trace: the same
state values, within-cycle and discount weights (:mod:`hecon.engine.valuation`). A one-off
reward on entering state k from any state ("*") is valued on the fall of the survival above
it, C_(k-1)(t) - C_(k-1)(t+1): the share that crossed into state k *or beyond* during the
cycle (e.g. deaths = S_OS(t) - S_OS(t+1)), discounted at mid-cycle. Each sample is computed on
its own and totals are added in time order, so results do not depend on the chunking.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from hecon.engine import kernels
from hecon.engine.compiler import PROBABILITY_TOLERANCE, CompiledModel, StrategyModel
from hecon.engine.context import BlockContext
from hecon.engine.outcomes import LYS, QALYS, ChunkResult, Outcome, keeps_substates, outcome_columns
from hecon.engine.packing import first_bad, fit, locate
from hecon.engine.valuation import column_weights, reward_column, start_rewards
from hecon.model.expressions import Expression
from hecon.model.problems import Element, ModelError, Problem
from hecon.model.spec import ANY_STATE

#: Cycles evaluated at a time (memory: points x outcome columns x samples per block).
BLOCK_CYCLES = 52


def simulate_partitioned_chunk(
    model: CompiledModel,
    index: int,
    samples: Mapping[str, np.ndarray],
    n_samples: int,
    carry: ChunkResult | None = None,
    keep_cycles: bool = True,
) -> ChunkResult:
    """One strategy over one chunk of samples, as partitioned survival (same contract as
    :func:`hecon.engine.run.simulate_chunk`)."""
    strategy = model.strategies[index]
    T = model.n_cycles
    cols = outcome_columns(model)
    col_index = {c: i for i, c in enumerate(cols)}
    w = column_weights(model, cols)
    number = {s.name: m for m, s in enumerate(model.spec.states)}
    listed = [number[state] for state, _ in strategy.partition]
    values = _state_values(model, col_index, set(listed))
    rewards = _entry_rewards(strategy, col_index)
    value_columns = np.array(sorted({col for col, _, _ in values}), dtype=np.int64)  # the others are 0
    reward_columns = np.array(sorted({col for col, _, _ in rewards}), dtype=np.int64)
    value_scale = w.scale[value_columns][:, None, None]

    discounted = np.zeros((len(cols), n_samples))
    undiscounted = np.zeros((len(cols), n_samples))
    per_cycle = carry.per_cycle_sum.copy() if carry else np.zeros((T + 1, len(cols)))
    by_sub = keeps_substates(model, n_samples)  # decided by the first chunk; the others follow its carry
    trace_sum = carry.trace_sum.copy() if carry else np.zeros((T + 1, model.n_states if by_sub else len(number)))
    by_sub = trace_sum.shape[1] == model.n_states
    first_sub = [model.slices[s.name].start for s in model.spec.states]  # a state's share goes to its first sub-state
    crossings = carry.crossings.copy() if carry else np.zeros(T + 1, dtype=np.int64)
    chunk_cache: dict[object, object] = {}
    for t0 in range(0, T, BLOCK_CYCLES):
        t1 = min(T, t0 + BLOCK_CYCLES)
        ctx = BlockContext(model, strategy, samples, t0, t1, chunk_cache)  # trace points t0..t1
        n_pts = t1 - t0 + 1
        cum, crossed = _boundaries(strategy, ctx, n_pts, n_samples)
        by_state = np.zeros((len(number), n_pts, n_samples))  # state by state: each state's rows contiguous
        by_state[listed] = np.diff(cum, axis=0, prepend=0.0, append=1.0)  # (rows, points, samples)
        occupancy = by_state.transpose(1, 0, 2)  # (points, states, samples)
        n_val = n_pts if t1 == T else n_pts - 1  # point t1 belongs to the next block, except at the end
        valued = _summed(
            (
                (col, None if expr is None else _points(ctx.evaluate(expr, 1), n_pts, n_samples)[:n_val], by_state[m])
                for col, m, expr in values
            ),
            value_columns,
            n_val,
            n_samples,
        )
        valued *= value_scale
        entered = _summed(
            (  # the share that crossed into row k or beyond, times the reward
                (col, cum[k - 1, :-1] - cum[k - 1, 1:], _points(ctx.evaluate(expr, 1), n_pts, n_samples))
                for col, k, expr in rewards
            ),
            reward_columns,
            t1 - t0,
            n_samples,
        )
        if t0 == 0:
            start = np.zeros((model.n_states, n_samples))
            for m in listed:
                start[model.slices[model.spec.states[m].name].start] = by_state[m, 0]
            first = start_rewards(model, strategy, ctx, start, col_index)
            discounted += first
            undiscounted += first
        kernels.add_weighted(discounted, undiscounted, w.point, w.plain, t0, valued, value_columns)  # in order
        kernels.add_weighted(discounted, undiscounted, w.reward, w.reward_plain, t0, entered, reward_columns)
        crossings[t0 : t0 + n_val] += crossed[:n_val].sum(axis=1)
        if keep_cycles:  # the per-cycle values, once the totals have been added up
            every = np.zeros((n_val, len(cols), n_samples))  # (points, every column, samples)
            every[:, value_columns] = valued.transpose(1, 0, 2)
            every[: t1 - t0, reward_columns] += entered.transpose(1, 0, 2)[:n_val]
            if t0 == 0:
                every[0] += first  # already in the totals, unweighted: not weighted again
            kernels.accumulate(per_cycle[t0 : t0 + n_val], every)
            if by_sub:
                sub = np.zeros((n_val, model.n_states, n_samples))
                sub[:, first_sub, :] = occupancy[:n_val]
                kernels.accumulate(trace_sum[t0 : t0 + n_val], sub)
            else:
                kernels.accumulate(trace_sum[t0 : t0 + n_val], np.ascontiguousarray(occupancy[:n_val]))
    return ChunkResult(discounted.T.copy(), undiscounted.T.copy(), trace_sum, per_cycle, crossings)


def _summed(
    terms: Iterable[tuple[int, Any, np.ndarray]], columns: np.ndarray, n_points: int, n_samples: int
) -> np.ndarray:
    """Σ a x b over ``terms`` (column, a, b) column by column, in their order, as (columns, points,
    samples) with a row for each of ``columns`` (the columns that have terms, in that order): a is
    a number, (points, samples) or None (1: b as it is), b (points or more, samples), cut to
    ``n_points``. Each column is summed on contiguous rows (a column of a (points, columns,
    samples) array is strided, 2-3x slower)."""
    row = {int(col): r for r, col in enumerate(columns)}
    by_column = np.zeros((len(columns), n_points, n_samples))
    product = np.empty((n_points, n_samples))
    for col, a, b in terms:
        if a is None:
            by_column[row[col]] += b[:n_points]
        else:
            np.multiply(a, b[:n_points], out=product)
            by_column[row[col]] += product
    return by_column


def _points(value: object, n_pts: int, n_samples: int) -> np.ndarray:
    """An expression value as (point, sample) for a state without tunnel."""
    return np.broadcast_to(fit(value, n_pts, 1)[:, 0, :], (n_pts, n_samples))


def _boundaries(
    strategy: StrategyModel, ctx: BlockContext, n_pts: int, n_samples: int
) -> tuple[np.ndarray, np.ndarray]:
    """The partition's survivals C_k, checked and held monotone across boundaries, (rows - 1,
    points, samples), and where any two crossed, (points, samples)."""
    problems: list[Problem] = []
    curves = []
    for state, expr in strategy.partition[:-1]:
        assert expr is not None  # only the last row is the rest (checked by the compiler)
        c = _points(ctx.evaluate(expr, 1), n_pts, n_samples)
        where = Element("partition", state, strategy=strategy.name, part="survival")
        bad = ~((c >= -PROBABILITY_TOLERANCE) & (c <= 1.0 + PROBABILITY_TOLERANCE))
        rises = np.zeros_like(bad)
        rises[1:] = c[1:] > c[:-1] + PROBABILITY_TOLERANCE
        if bad.any():
            k, s = first_bad(bad)
            detail = locate((k, 0, s), (n_pts, 1, n_samples), ctx.t0)
            problems.append(
                Problem(
                    replace(where, detail=detail),
                    f"survival {c[k, s]:.6g} ('{expr.text}') is outside [0, 1]",
                    "a share between 0 and 1",
                )
            )
        elif rises.any():
            k, s = first_bad(rises)
            detail = locate((k, 0, s), (n_pts, 1, n_samples), ctx.t0)
            problems.append(
                Problem(
                    replace(where, detail=detail),
                    f"survival rises from {c[k - 1, s]:.6g} to {c[k, s]:.6g} ('{expr.text}')",
                    "a survival that does not increase over time",
                )
            )
        curves.append(np.clip(c, 0.0, 1.0))
    if problems:
        raise ModelError(problems)
    cum = np.stack(curves) if curves else np.zeros((0, n_pts, n_samples))
    crossed = np.zeros((n_pts, n_samples), dtype=bool)
    for k in range(len(curves) - 2, -1, -1):
        crossed |= cum[k] > cum[k + 1] + PROBABILITY_TOLERANCE  # counted beyond rounding
        cum[k] = np.minimum(cum[k], cum[k + 1])
    return cum, crossed


def _state_values(
    model: CompiledModel, col_index: Mapping[Outcome, int], listed: set[int]
) -> list[tuple[int, int, Expression | None]]:
    """(column, model state, value; None for 1) of every state that the partition lists."""
    out: list[tuple[int, int, Expression | None]] = []
    for m, s in enumerate(model.spec.states):
        if m not in listed:
            continue
        if not s.is_dead:
            out.append((col_index[LYS], m, None))
        out += [(col_index[Outcome("time", f)], m, None) for f in s.flags if Outcome("time", f) in col_index]
        if model.utility[s.name].constant != 0.0:
            out.append((col_index[QALYS], m, model.utility[s.name]))
        for category, by_state in model.costs.items():
            if s.name in by_state:
                out.append((col_index[Outcome("cost", category)], m, by_state[s.name]))
        for name, by_state in model.counts.items():
            if s.name in by_state:
                out.append((col_index[Outcome("count", name)], m, by_state[s.name]))
    return out


def _entry_rewards(strategy: StrategyModel, col_index: Mapping[Outcome, int]) -> list[tuple[int, int, Expression]]:
    """(column, partition row entered, value) of the one-off rewards on entering a state that
    the partition lists after its first row (nobody enters the first)."""
    rows = [state for state, _ in strategy.partition]
    out = []
    for rr in strategy.rewards:
        if rr.reward.from_state == ANY_STATE and rr.reward.to_state in rows[1:]:
            out.append((col_index[reward_column(rr.reward)], rows.index(rr.reward.to_state), rr.expr))
    return out
