"""What each outcome column is worth at each point of the trace: within-cycle and discount
weights, per-year scaling, and one-off rewards on the initial cohort. Shared by the
state-transition engine (:mod:`hecon.engine.run`) and partitioned survival
(:mod:`hecon.engine.partitioned`), so both structures value occupancy the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from hecon.engine.compiler import CompiledModel, StrategyModel
from hecon.engine.context import BlockContext
from hecon.engine.outcomes import QALYS, Outcome
from hecon.engine.packing import fit
from hecon.methods.discounting import discount_factors
from hecon.model.spec import TransitionReward
from hecon.model.types import FloatArray


@dataclass(frozen=True)
class ColumnWeights:
    """Weights of the outcome columns (K columns, T cycles, T + 1 trace points).

    scale : (K,) cycle length [years] for values given per year (QALYs, life-years, time in a
            flagged state), 1 for values per cycle (costs, counts)
    point : (K, T + 1) within-cycle weight x discount factor at each trace point
    reward       : (K, T) weight of the one-off rewards of each cycle: the discount factor at the
                   time ``settings.reward_timing`` (start, middle or end of the cycle), times the
                   within-cycle weight of that trace point when ``settings.reward_weights`` is
                   "within-cycle"
    reward_plain : (T,) the within-cycle weights of the one-off rewards alone (1 without them;
                   undiscounted totals)
    plain        : (T + 1,) the within-cycle weights alone (undiscounted totals)
    """

    scale: FloatArray
    point: FloatArray
    reward: FloatArray
    reward_plain: FloatArray
    plain: FloatArray


#: Time of the one-off rewards of cycle t, as cycles after trace point t.
REWARD_OFFSET = {"start": 0.0, "middle": 0.5, "end": 1.0}


def reward_weights(model: CompiledModel) -> tuple[FloatArray, FloatArray]:
    """(time [years], within-cycle weight) of the one-off rewards of each of the T cycles, from
    ``settings.reward_timing`` and ``settings.reward_weights`` (the weight of trace point t at
    the start, t + 1 at the end; 1 without weights)."""
    settings = model.spec.settings
    T = model.n_cycles
    offset = REWARD_OFFSET[settings.reward_timing]
    times = (np.arange(T, dtype=float) + offset) * settings.cycle_length_years
    weights = np.ones(T)
    if settings.reward_weights == "within-cycle":
        point = np.asarray(model.weights, dtype=float)
        weights = point[int(offset) : int(offset) + T].copy()
    return times, weights


def column_weights(model: CompiledModel, cols: Sequence[Outcome]) -> ColumnWeights:
    """Weights of ``cols``: costs at the cost discount rate, everything else at the effect rate
    (README, Conventions: discounting at the exact time t in years or per model year)."""
    settings = model.spec.settings
    cy = settings.cycle_length_years
    T = model.n_cycles
    times = np.arange(T + 1) * cy
    reward_times, reward_plain = reward_weights(model)
    rates = {"costs": settings.discount_rate_costs, "effects": settings.discount_rate_effects}
    return ColumnWeights(
        np.array([cy if c.per_year else 1.0 for c in cols]),
        np.stack([model.weights * discount_factors(rates[c.discount], times, settings.discount_timing) for c in cols]),
        np.stack(
            [reward_plain * discount_factors(rates[c.discount], reward_times, settings.discount_timing) for c in cols]
        ),
        reward_plain,
        np.asarray(model.weights, dtype=float),
    )


def reward_column(reward: TransitionReward) -> Outcome:
    """The outcome column a transition reward adds to (see :func:`hecon.engine.outcomes.outcome_columns`)."""
    if reward.kind == "qaly":
        return QALYS
    return Outcome("cost", reward.name) if reward.kind == "cost" else Outcome("count", reward.name)


def start_rewards(
    model: CompiledModel,
    strategy: StrategyModel,
    ctx: BlockContext,
    start: np.ndarray,
    col_index: Mapping[Outcome, int],
) -> np.ndarray:
    """One-off rewards on the initial occupancy ("(start)" transition rewards), (n_cols, n_samples);
    at time 0, so neither discounted nor corrected. ``start`` is the occupancy of the
    sub-states at time 0, (n_states, n_samples)."""
    out = np.zeros((len(col_index), start.shape[1]))
    for reward, expr in strategy.start_rewards:
        value = fit(ctx.evaluate(expr, 1), 1, 1)[0, 0, :]
        out[col_index[reward_column(reward)]] += start[model.slices[reward.to_state].start] * value
    return out
