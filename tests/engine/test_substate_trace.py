"""Tunnel sub-state occupancy in the per-cycle outputs (``substate_trace`` of the run's Dataset).

Reference: a 3-cycle model worked out by hand. Well -> Sick with probability 0.5 per cycle; Sick
has a 3-cycle tunnel and dies with probability 0.1 x (state_time + 1) (0.1 in the first cycle
after entry, 0.2 in the second, 0.3 from the third on, the last sub-state holding everyone who
stayed longer).

point 0: Well 1
point 1: Well 0.5, Sick[0] 0.5
point 2: Well 0.25, Sick[0] 0.25, Sick[1] 0.5 x 0.9 = 0.45, Dead 0.05
point 3: Well 0.125, Sick[0] 0.125, Sick[1] 0.25 x 0.9 = 0.225, Sick[2] 0.45 x 0.8 = 0.36,
         Dead 0.05 + 0.025 + 0.09 = 0.165
"""

from __future__ import annotations

import numpy as np
import pytest

from hecon.engine.run import run_model
from hecon.model.spec import Distribution, ModelSpec, Parameter, Settings, State, Strategy, Transition
from tests.models import both_structures_model

HAND = np.array(
    [
        # Well, Sick[0], Sick[1], Sick[2], Dead
        [1.0, 0.0, 0.0, 0.0, 0.0],
        [0.5, 0.5, 0.0, 0.0, 0.0],
        [0.25, 0.25, 0.45, 0.0, 0.05],
        [0.125, 0.125, 0.225, 0.36, 0.165],
    ]
)


def tunnel_model() -> ModelSpec:
    return ModelSpec(
        Settings(cycle_length_days=365.25, horizon_years=3.0, within_cycle="none"),
        states=(
            State("Well", utility=1.0),
            State("Sick", utility=0.5, tunnel=3),
            State("Dead", flags=frozenset({"dead"})),
        ),
        transitions=(
            Transition("Well", "Sick", "p_sick"),
            Transition("Well", "Well", "#"),
            Transition("Sick", "Dead", "0.1 * (state_time + 1)"),
            Transition("Sick", "Sick", "#"),
        ),
        strategies=(Strategy("only"),),
        parameters=(Parameter("p_sick", 0.5, distribution=Distribution("beta", {"mean": 0.5, "se": 0.1})),),
        initial={"Well": 1.0},
    )


def test_substate_occupancy_equals_the_hand_worked_model():
    ds = run_model(tunnel_model()).sel(strategy="only")
    sub = ds["substate_trace"]
    assert list(sub["substate"].values) == ["Well", "Sick[0]", "Sick[1]", "Sick[2]", "Dead"]
    assert list(sub["substate_state"].values) == ["Well", "Sick", "Sick", "Sick", "Dead"]
    assert list(sub["state_time"].values) == [0, 0, 1, 2, 0]
    np.testing.assert_allclose(sub.values, HAND, rtol=0, atol=1e-15)
    # the sub-states of Sick sum to its trace: 0, 0.5, 0.7, 0.71
    sick = sub.where(sub["substate_state"] == "Sick", drop=True).sum("substate")
    np.testing.assert_allclose(sick.values, [0.0, 0.5, 0.7, 0.71], rtol=0, atol=1e-15)
    np.testing.assert_allclose(ds["trace"].sel(state="Sick").values, sick.values, rtol=0, atol=1e-15)


def test_runs_of_many_samples_or_too_large_keep_the_trace_by_state_only(monkeypatch):
    from hecon.engine import outcomes
    from hecon.model.distributions import draw_parameters

    spec = tunnel_model()
    samples = draw_parameters(spec.parameters, 50, seed=4)
    many = run_model(spec, samples, chunk_size=7)
    assert "substate_trace" not in many and "substate" not in many.dims
    # the mean trace over samples, by state, as before: sample 0 alone gives its own run's trace
    first = run_model(spec, {k: v[:1] for k, v in samples.items()})
    assert "substate_trace" in first
    np.testing.assert_allclose(many["trace"].sum("state").values, 1.0, rtol=0, atol=1e-14)
    # chunks of one sample keep the sub-states (the first chunk decides), summing to the same trace
    ones = run_model(spec, samples, chunk_size=1)
    by_state = ones["substate_trace"].groupby("substate_state").sum("substate")
    for state in ("Well", "Sick", "Dead"):
        np.testing.assert_allclose(
            by_state.sel(substate_state=state).values, many["trace"].sel(state=state).values, rtol=1e-13, atol=1e-16
        )
    # a model whose sub-states x trace points exceed the bound: 5 x 4 = 20 values
    monkeypatch.setattr(outcomes, "SUBSTATE_VALUES", 19)
    ds = run_model(spec)
    assert "substate_trace" not in ds
    np.testing.assert_allclose(ds["trace"].sel(strategy="only", state="Sick").values, [0, 0.5, 0.7, 0.71], atol=1e-15)


@pytest.mark.parametrize("structure", ["state_transition", "partitioned_survival"])
def test_models_without_tunnels_have_one_substate_per_state(structure):
    spec = both_structures_model()
    from dataclasses import replace

    spec = replace(spec, settings=replace(spec.settings, structure=structure))
    ds = run_model(spec)
    assert list(ds["substate"].values) == list(ds["state"].values)
    np.testing.assert_array_equal(ds["substate_trace"].values, ds["trace"].values)
