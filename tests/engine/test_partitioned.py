"""Partitioned survival: closed-form expected times, equality with the matching Markov model,
crossing curves, and the compiler's checks."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from hecon.engine.run import run_model
from hecon.model.problems import ModelError
from hecon.model.spec import (
    ANY_STATE,
    PARTITIONED_SURVIVAL,
    ModelSpec,
    Parameter,
    Partition,
    Settings,
    State,
    Strategy,
    SurvivalCurve,
    Transition,
    TransitionReward,
)

STATES = (
    State("PF", utility=0.8, costs={"care": 1000.0}, flags=frozenset({"progression_free"})),
    State("PD", utility=0.5, costs={"care": 3000.0}),
    State("Dead", flags=frozenset({"dead"})),
)


def exponential_partition(pfs_rate: float, os_rate: float, **settings: object) -> ModelSpec:
    """PF = S_PFS = exp(-a t), PD = S_OS - S_PFS with S_OS = exp(-b t) [t in years]."""
    return ModelSpec(
        settings=Settings(structure=PARTITIONED_SURVIVAL, **settings),  # type: ignore[arg-type]
        states=STATES,
        transitions=(),
        strategies=(Strategy("A"),),
        survival_curves=(
            SurvivalCurve("pfs", "exp", {"rate": pfs_rate}),
            SurvivalCurve("os", "exp", {"rate": os_rate}),
        ),
        partitions=(
            Partition("PF", "surv(pfs, model_years)"),
            Partition("PD", "surv(os, model_years)"),
            Partition("Dead", "#"),
        ),
    )


def test_exponential_curves_give_the_closed_form_expected_times():
    """∫ S_PFS = 1/a and ∫ (S_OS - S_PFS) = 1/b - 1/a (undiscounted, continuous time), here by
    Simpson's rule on daily cycles over 100 years (truncation e^-30, Simpson error ~1e-14)."""
    a, b = 0.6, 0.3
    spec = exponential_partition(a, b, cycle_length_days=1.0, horizon_years=100.0, within_cycle="simpson")
    ds = run_model(spec)
    pf = float(ds["time_in"].sel(strategy="A", flag="progression_free").item())
    assert pf == pytest.approx(1 / a, abs=1e-9)
    assert float(ds["lys"].sel(strategy="A").item()) == pytest.approx(1 / b, abs=1e-9)
    # QALYs = 0.8 ∫PF + 0.5 ∫PD; costs per cycle: 1000/day in PF, 3000/day in PD (x 365.25 days a year)
    qalys = 0.8 / a + 0.5 * (1 / b - 1 / a)
    assert float(ds["qalys"].sel(strategy="A").item()) == pytest.approx(qalys, abs=1e-9)
    costs = 365.25 * (1000.0 / a + 3000.0 * (1 / b - 1 / a))
    assert float(ds["total_costs"].sel(strategy="A").item()) == pytest.approx(costs, rel=1e-10)


def test_discounted_expected_time_matches_the_laplace_transform():
    """With continuous discounting e^-rt, ∫ e^-rt S_PFS dt = 1/(a + r); the discount factor
    (1 + 0.035)^-t is e^-rt with r = ln 1.035."""
    a = 0.5
    spec = exponential_partition(
        a, 0.2, cycle_length_days=1.0, horizon_years=100.0, within_cycle="simpson", discount_rate_effects=0.035
    )
    pf = float(run_model(spec)["time_in"].sel(strategy="A", flag="progression_free").item())
    assert pf == pytest.approx(1 / (a + math.log(1.035)), abs=1e-9)


def markov_and_partition(structure: str) -> ModelSpec:
    """A three-state Markov model with constant per-cycle probabilities, and the partition
    whose curves are that chain's own occupancy written in closed form:
    PF_t = q^t, PD_t = p1 (q^t - r^t) / (q - r) with q = 1 - p1 - p2, r = 1 - p3."""
    p1, p2, p3 = 0.12, 0.03, 0.2
    q, r = 1 - p1 - p2, 1 - p3
    return ModelSpec(
        settings=Settings(
            structure=structure,
            cycle_length_days=365.25 / 4,
            horizon_years=30.0,
            within_cycle="half-cycle",
            discount_rate_costs=0.04,
            discount_rate_effects=0.015,
        ),
        states=STATES,
        transitions=(
            Transition("PF", "PD", p1),
            Transition("PF", "Dead", p2),
            Transition("PF", "PF", "#"),
            Transition("PD", "Dead", p3),
            Transition("PD", "PD", "#"),
        ),
        strategies=(Strategy("A"),),
        parameters=(Parameter("q", q), Parameter("r", r), Parameter("p1", p1)),
        transition_rewards=(
            TransitionReward("Dead", 5000.0, "cost", "terminal care", ANY_STATE),
            TransitionReward("PF", 2000.0, "cost", "first dose", "(start)"),
        ),
        partitions=(
            Partition("PF", "q ^ model_time"),
            Partition("PD", "q ^ model_time + p1 * (q ^ model_time - r ^ model_time) / (q - r)"),
            Partition("Dead", "#"),
        ),
    )


def test_equals_the_markov_model_whose_occupancy_its_curves_are():
    markov = run_model(markov_and_partition("state_transition"))
    partitioned = run_model(markov_and_partition(PARTITIONED_SURVIVAL))
    np.testing.assert_allclose(partitioned["trace"].values, markov["trace"].values, rtol=0, atol=1e-13)
    for name in ("total_costs", "qalys", "lys", "time_in", "costs", "total_costs_undiscounted"):
        np.testing.assert_allclose(partitioned[name].values, markov[name].values, rtol=1e-12, atol=1e-9)
    # the terminal-care cost is valued on the fall of S_OS: the deaths of each cycle
    assert float(partitioned["costs"].sel(strategy="A", category="terminal care").item()) > 0
    # the whole cohort starts in PF: the start cost once, at time 0 (neither discounted nor corrected),
    # in the totals and in cycle 0 of the per-cycle values
    for ds in (markov, partitioned):
        assert float(ds["costs"].sel(strategy="A", category="first dose").item()) == pytest.approx(2000.0, rel=1e-15)
        assert float(ds["per_cycle"].sel(strategy="A", cycle=0, outcome="cost:first dose").item()) == 2000.0


def test_crossing_curves_hold_the_later_state_at_zero_and_are_counted():
    """PFS above OS (rates 0.2 < 0.5): PD would be negative from the first cycle on, so PF is
    held at S_OS, PD at 0, and every point after time 0 is counted as crossing."""
    spec = exponential_partition(0.2, 0.5, cycle_length_days=365.25, horizon_years=10.0)
    ds = run_model(spec)
    years = np.arange(11.0)
    np.testing.assert_allclose(ds["trace"].sel(strategy="A", state="PF").values, np.exp(-0.5 * years), atol=1e-15)
    assert np.all(ds["trace"].sel(strategy="A", state="PD").values == 0.0)
    assert ds["crossings"].sel(strategy="A").values.tolist() == [0] + [1] * 10


def test_results_do_not_depend_on_the_chunking():
    spec = replace(
        exponential_partition(0.4, 0.25, cycle_length_days=30.0, horizon_years=20.0),
        parameters=(Parameter("hr", 1.0),),
    )
    rng = np.random.default_rng(7)
    samples = {"hr": rng.uniform(0.5, 1.5, 37)}
    spec = replace(
        spec,
        survival_curves=(SurvivalCurve("pfs", "exp", {"rate": 0.4}, hazard_ratio="hr"),) + spec.survival_curves[1:],
    )
    one = run_model(spec, samples, chunk_size=37)
    many = run_model(spec, samples, chunk_size=5)
    for name in ("total_costs", "qalys", "lys", "trace", "per_cycle"):
        assert np.array_equal(one[name].values, many[name].values), name


@pytest.mark.parametrize(
    "partitions, message",
    [
        (
            (Partition("PF", "0.5"), Partition("Nowhere", "0.7"), Partition("Dead", "#")),
            "partition, state 'Nowhere': unknown state 'Nowhere'",
        ),
        (
            (Partition("PF", "0.5"), Partition("PD", "#"), Partition("Dead", "0.2")),
            "partition, state 'PD': '#' before the last row",
        ),
        ((Partition("PF", "0.5"), Partition("PD", "0.9")), "partition, state 'PD': '0.9' in the last row"),
        (
            (Partition("PF", "0.5 + state_time"), Partition("Dead", "#")),
            "partition, state 'PF': '0.5 + state_time' depends on state_time",
        ),
    ],
)
def test_bad_partitions_are_located(partitions, message):
    spec = replace(exponential_partition(0.5, 0.2), partitions=partitions)
    with pytest.raises(ModelError) as info:
        run_model(spec)
    assert message in str(info.value)


def test_a_survival_outside_zero_one_or_rising_is_refused_with_its_cycle():
    spec = replace(
        exponential_partition(0.5, 0.2, cycle_length_days=365.25, horizon_years=5.0),
        partitions=(Partition("PF", "0.2 * model_time"), Partition("PD", "1"), Partition("Dead", "#")),
    )
    with pytest.raises(ModelError, match=r"strategy 'A', partition, state 'PF', cycle 1: survival rises from 0 to 0.2"):
        run_model(spec)


def test_a_strategy_without_partition_rows_is_refused():
    spec = replace(
        exponential_partition(0.5, 0.2), partitions=(Partition("PF", "0.5", "B"), Partition("Dead", "#", "B"))
    )
    spec = replace(spec, strategies=(Strategy("A"), Strategy("B")))
    with pytest.raises(ModelError, match="strategy 'A': has no partitioned-survival rows"):
        run_model(spec)


def test_the_weighted_totals_kernel_adds_point_after_point_as_numpy_does():
    """kernels.add_weighted against numpy's point-by-point sums (each product rounded, then added in
    point order), both totals at once; row r of the values is column columns[r], and the columns it
    is not given are left as they were."""
    from hecon.engine import kernels

    rng = np.random.default_rng(11)
    n_cols, n_points, n_samples, t0 = 5, 7, 9, 3
    columns = np.array([3, 0, 2], dtype=np.int64)
    values = rng.normal(size=(columns.size, n_points, n_samples)) * 10.0 ** rng.integers(-8, 8, size=(3, 1, 1))
    weights = rng.uniform(0.1, 1.0, size=(n_cols, t0 + n_points + 2))
    plain = rng.uniform(0.1, 1.0, size=t0 + n_points + 2)
    start_d, start_u = rng.normal(size=(n_cols, n_samples)), rng.normal(size=(n_cols, n_samples))
    discounted, undiscounted = start_d.copy(), start_u.copy()
    kernels.add_weighted(discounted, undiscounted, weights, plain, t0, values, columns)
    want_d, want_u = start_d.copy(), start_u.copy()
    for i in range(n_points):
        for r, c in enumerate(columns):
            want_d[c] = want_d[c] + weights[c, t0 + i] * values[r, i]
            want_u[c] = want_u[c] + plain[t0 + i] * values[r, i]
    assert np.array_equal(discounted, want_d)
    assert np.array_equal(undiscounted, want_u)
    assert np.array_equal(discounted[[1, 4]], start_d[[1, 4]])  # columns not given: untouched
