"""Property-based tests of the engine on random valid models (hypothesis).

Each random model has 2-6 states, the last one dead and absorbing, constant transition
probabilities (one row entry per state may be the complement '#'), random utilities and
costs, a random within-cycle correction, cycle length and discount rates. The reference is
a naive dense-matrix calculation written here, independently of the engine.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hecon.engine.run import run_model
from hecon.model.spec import ModelSpec, Settings, State, Strategy, Transition

METHODS = ["none", "end", "half-cycle", "trapezoid", "simpson"]


@st.composite
def random_models(draw):
    n = draw(st.integers(2, 6))
    names = [f"S{i}" for i in range(n - 1)] + ["Dead"]
    rows = []
    matrix = np.zeros((n, n))
    for i in range(n - 1):
        weights = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n)))
        weights = weights / weights.sum() if weights.sum() > 0 else np.eye(n)[i]
        matrix[i] = weights
        complement = draw(st.integers(0, n - 1))
        for j in range(n):
            if j == complement:
                rows.append(Transition(names[i], names[j], "#"))
            elif weights[j] > 0:
                rows.append(Transition(names[i], names[j], float(weights[j])))
        matrix[i, complement] = 1.0 - sum(weights[j] for j in range(n) if j != complement)
    matrix[n - 1, n - 1] = 1.0
    utilities = draw(st.lists(st.floats(0.0, 1.0), min_size=n - 1, max_size=n - 1))
    costs = draw(st.lists(st.floats(0.0, 1e4), min_size=n - 1, max_size=n - 1))
    states = tuple(State(names[i], utility=utilities[i], costs={"c": costs[i]}) for i in range(n - 1))
    states += (State("Dead", flags=frozenset({"dead"})),)
    cycles = draw(st.integers(1, 30))
    cycle_days = draw(st.sampled_from([7.0, 30.4375, 365.25]))
    spec = ModelSpec(
        Settings(
            cycle_length_days=cycle_days,
            horizon_years=cycles * cycle_days / 365.25,
            within_cycle=draw(st.sampled_from(METHODS)),
            discount_rate_costs=draw(st.sampled_from([0.0, 0.03, 0.04])),
            discount_rate_effects=draw(st.sampled_from([0.0, 0.015])),
        ),
        states,
        tuple(rows),
        (Strategy("only"),),
    )
    return spec, matrix, np.array(utilities + [0.0]), np.array(costs + [0.0])


def naive(spec: ModelSpec, matrix: np.ndarray, utility: np.ndarray, cost: np.ndarray) -> dict[str, float]:
    """Dense trace and totals, the textbook way: trace_{k+1} = trace_k P; weighted sums."""
    s = spec.settings
    T, dt = s.n_cycles, s.cycle_length_days / 365.25
    trace = np.zeros((T + 1, len(matrix)))
    trace[0, 0] = 1.0
    for k in range(T):
        trace[k + 1] = trace[k] @ matrix
    w = {
        "none": np.r_[np.ones(T), 0.0],
        "end": np.r_[0.0, np.ones(T)],
        "half-cycle": np.r_[0.5, np.ones(T - 1), 0.5] if T > 1 else np.array([0.5, 0.5]),
    }
    w["trapezoid"] = w["half-cycle"]
    if T % 2 == 0:
        w["simpson"] = np.array([1.0] + [4.0 if k % 2 else 2.0 for k in range(1, T)] + [1.0]) / 3
    elif T == 1:
        w["simpson"] = np.array([0.5, 0.5])
    else:  # Simpson 1/3 on the first T-3 cycles, 3/8 on the last three
        head = np.array([1.0] + [4.0 if k % 2 else 2.0 for k in range(1, T - 3)] + [1.0]) / 3 if T > 3 else np.zeros(1)
        w["simpson"] = np.zeros(T + 1)
        w["simpson"][: T - 2] += head if T > 3 else 0.0
        w["simpson"][T - 3 :] += np.array([1.0, 3.0, 3.0, 1.0]) * 3 / 8
    weights = w[s.within_cycle]
    t = np.arange(T + 1) * dt
    dc, de = (1 + s.discount_rate_costs) ** -t, (1 + s.discount_rate_effects) ** -t
    alive = np.r_[np.ones(len(matrix) - 1), 0.0]
    return {
        "total_costs": float(np.sum(weights * dc * (trace @ cost))),
        "qalys": float(np.sum(weights * de * (trace @ utility)) * dt),
        "lys": float(np.sum(weights * de * (trace @ alive)) * dt),
        "lys_undiscounted": float(np.sum(weights * (trace @ alive)) * dt),
        "trace": trace,
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_models())
def test_random_models_match_the_naive_calculation(model):
    spec, matrix, utility, cost = model
    ds = run_model(spec).sel(strategy="only", sample=0)
    ref = naive(spec, matrix, utility, cost)
    for name in ("total_costs", "qalys", "lys", "lys_undiscounted"):
        assert np.isclose(float(ds[name]), ref[name], rtol=1e-10, atol=1e-9), name
    tr = ds["trace"].values
    np.testing.assert_allclose(tr, ref["trace"], atol=1e-12)
    np.testing.assert_allclose(tr.sum(axis=1), 1.0, atol=1e-12)
    # a complement of probabilities that sum to 1 takes their rounding: a few ulp below zero at most
    assert (tr >= -1e-14).all()
    # discounting never raises a total of non-negative rewards; QALYs never exceed life-years
    assert float(ds["lys"]) <= float(ds["lys_undiscounted"]) + 1e-12
    assert float(ds["qalys"]) <= float(ds["lys"]) + 1e-12


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_models(), st.integers(2, 5))
def test_a_tunnel_on_a_state_without_state_time_changes_nothing(model, length):
    """Tunnel expansion is exact: a tunnel on a state whose values do not read state_time
    only splits its occupancy over sub-states."""
    spec, *_ = model
    tunnelled = replace(spec, states=(replace(spec.states[0], tunnel=length),) + spec.states[1:])
    a = run_model(spec).sel(sample=0)
    b = run_model(tunnelled).sel(sample=0)
    for name in ("total_costs", "qalys", "lys"):
        np.testing.assert_allclose(b[name].values, a[name].values, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(b["trace"].values, a["trace"].values, atol=1e-13)
