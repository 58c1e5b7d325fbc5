"""One-off transition rewards valued at the start, middle or end of their cycle, with or without
the within-cycle weights (settings reward_timing, reward_weights), against a calculation written
out here: a two-state model Alive -> Dead with a constant probability p per yearly cycle, whose
one-off cost on death in cycle t (deaths (1 - p)^t p) is valued at time t + offset [years] with
the weight of that trace point.

The "end, within-cycle" combination is how models built in other tools (e.g. a spreadsheet that
multiplies the new deaths of each row by the row's half-cycle and discount weights) value
transition rewards; with it hecon reproduces them exactly."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from hecon.engine.run import run_model
from hecon.model.problems import ModelError
from hecon.model.spec import TransitionReward
from tests.models import two_state_model

P, COST, QALY, R_COST, R_EFFECT, T = 0.1, 5000.0, -0.25, 0.03, 0.015, 10


def _model(timing: str, weights: str, within_cycle: str = "simpson"):
    spec = two_state_model(
        within_cycle=within_cycle,
        horizon_years=float(T),
        discount_rate_costs=R_COST,
        discount_rate_effects=R_EFFECT,
        reward_timing=timing,
        reward_weights=weights,
    )
    rewards = (TransitionReward("Dead", COST, "cost", "terminal"), TransitionReward("Dead", QALY, "qaly"))
    return replace(spec, transition_rewards=rewards)


def _simpson(n: int) -> np.ndarray:
    """Simpson's 1/3 weights of n + 1 points (n even): 1/3, 4/3, 2/3, ..., 4/3, 1/3."""
    w = np.array([4 / 3 if k % 2 else 2 / 3 for k in range(n + 1)])
    w[0] = w[-1] = 1 / 3
    return w


def _by_hand(offset: float, weighted: bool, rate: float, value: float) -> tuple[float, float]:
    """(discounted, undiscounted) one-off value of the deaths, written out cycle by cycle."""
    w = _simpson(T)
    discounted = undiscounted = 0.0
    for t in range(T):
        deaths = (1 - P) ** t * P
        weight = w[t + int(offset)] if weighted else 1.0
        discounted += deaths * value * weight * (1 + rate) ** -(t + offset)
        undiscounted += deaths * value * weight
    return discounted, undiscounted


@pytest.mark.parametrize(
    ("timing", "offset", "weights"),
    [("end", 1.0, "within-cycle"), ("start", 0.0, "within-cycle"), ("end", 1.0, "none"), ("middle", 0.5, "none")],
)
def test_transition_rewards_reproduce_the_calculation_by_hand(timing, offset, weights):
    weighted = weights == "within-cycle"
    ds = run_model(_model(timing, weights)).isel(sample=0, strategy=0)
    cost, cost_u = _by_hand(offset, weighted, R_COST, COST)
    assert float(ds["costs"].sel(category="terminal")) == pytest.approx(cost, rel=1e-12, abs=0)
    assert float(ds["costs_undiscounted"].sel(category="terminal")) == pytest.approx(cost_u, rel=1e-12, abs=0)
    # QALYs: the state's utility plus the one-off change, each valued its own way
    base = run_model(replace(_model(timing, weights), transition_rewards=())).isel(sample=0, strategy=0)
    qaly, qaly_u = _by_hand(offset, weighted, R_EFFECT, QALY)
    assert float(ds["qalys"] - base["qalys"]) == pytest.approx(qaly, rel=1e-12, abs=1e-15)
    assert float(ds["qalys_undiscounted"] - base["qalys_undiscounted"]) == pytest.approx(qaly_u, rel=1e-12)


def test_default_is_mid_cycle_without_weights():
    explicit = _model("middle", "none")
    default = replace(
        explicit,
        settings=replace(two_state_model().settings, **{k: getattr(explicit.settings, k) for k in _SET}),
    )
    assert (default.settings.reward_timing, default.settings.reward_weights) == ("middle", "none")
    ds = run_model(default).isel(sample=0, strategy=0)
    cost, _ = _by_hand(0.5, False, R_COST, COST)
    assert float(ds["costs"].sel(category="terminal")) == pytest.approx(cost, rel=1e-12, abs=0)


_SET = ("within_cycle", "horizon_years", "discount_rate_costs", "discount_rate_effects")


def test_weights_in_the_middle_of_a_cycle_are_rejected():
    with pytest.raises(ModelError) as e:
        run_model(_model("middle", "within-cycle"))
    assert "settings.reward_weights" in str(e.value) and "no trace point" in str(e.value)
    with pytest.raises(ModelError, match="settings.reward_timing"):
        run_model(_model("halfway", "none"))
