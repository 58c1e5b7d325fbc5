"""Engine against an independent hand-written calculation (double programming) and
TECH-VER black-box checks (Büyükkaramikli et al., PharmacoEconomics 2019)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from hecon.engine.run import run_model
from hecon.model.problems import ModelError
from hecon.model.spec import Parameter, Strategy, Transition, TransitionReward
from tests.models import reference_textbook, textbook_model, two_state_model, with_settings


@pytest.fixture(scope="module")
def textbook():
    spec = textbook_model()
    return spec, run_model(spec)


@pytest.mark.parametrize("strategy", ["SoC", "A", "B", "AB"])
def test_textbook_model_matches_independent_calculation(textbook, strategy):
    spec, ds = textbook
    ref = reference_textbook(spec, strategy)
    got = ds.sel(strategy=strategy, sample=0)
    for name in ("total_costs", "total_costs_undiscounted", "qalys", "qalys_undiscounted", "lys", "lys_undiscounted"):
        assert float(got[name]) == pytest.approx(ref[name], rel=1e-12), name
    assert float(got["counts_undiscounted"].sel(count="progressions")) == pytest.approx(ref["progressions"], rel=1e-12)
    trace = ds["trace"].sel(strategy=strategy).values
    expected = np.column_stack(
        [ref["trace"][:, 0], ref["trace"][:, 1:4].sum(1), ref["trace"][:, 4], ref["trace"][:, 5]]
    )
    np.testing.assert_allclose(trace, expected, rtol=0, atol=1e-14)


def test_strategies_differ_as_specified(textbook):
    _, ds = textbook
    q = ds["qalys"].sel(sample=0)
    # A raises a utility only: same life-years as SoC, more QALYs
    assert float(ds["lys"].sel(strategy="A", sample=0)) == pytest.approx(float(ds["lys"].sel(strategy="SoC", sample=0)))
    assert q.sel(strategy="A") > q.sel(strategy="SoC")
    # B slows progression to the deadlier S2: more life-years
    assert ds["lys"].sel(strategy="B", sample=0) > ds["lys"].sel(strategy="SoC", sample=0)
    assert q.sel(strategy="AB") > q.sel(strategy="B")


def test_trace_rows_sum_to_one_and_dead_is_absorbing(textbook):
    _, ds = textbook
    tr = ds["trace"].values
    np.testing.assert_allclose(tr.sum(axis=2), 1.0, atol=1e-12)
    assert (tr >= 0).all()
    dead = ds["trace"].sel(state="D").values
    assert (np.diff(dead, axis=1) >= -1e-15).all()


def test_zero_mortality_keeps_everyone_alive():
    spec = textbook_model()
    table = spec.life_tables[0]
    zero = replace(table, qx_male=(0.0,) * len(table.ages), qx_female=(0.0,) * len(table.ages))
    ds = run_model(replace(spec, life_tables=(zero,)))
    np.testing.assert_allclose(ds["trace"].sel(state="D").values, 0.0, atol=0)
    # undiscounted life-years = horizon under Simpson's rule for a constant
    np.testing.assert_allclose(ds["lys_undiscounted"].values, 40.0, rtol=1e-12)


def test_mortality_one_kills_everyone_in_one_cycle():
    spec = two_state_model()
    ds = run_model(spec.with_parameters({"p": 1.0}))
    np.testing.assert_array_equal(ds["trace"].sel(state="Dead").values[0, 1:], 1.0)


def test_utility_one_no_discounting_gives_qalys_equal_life_years():
    spec = textbook_model()
    spec = with_settings(
        spec.with_parameters({"u_H": 1.0, "u_S1": 1.0, "u_S2": 1.0, "u_trtA": 1.0, "du_diagnosis": 0.0}),
        discount_rate_costs=0.0,
        discount_rate_effects=0.0,
    )
    ds = run_model(spec)
    np.testing.assert_allclose(ds["qalys"].values, ds["lys"].values, rtol=1e-13)


def test_zero_costs_give_zero_costs():
    spec = textbook_model().with_parameters({"c_H": 0.0, "c_S1": 0.0, "c_S2": 0.0, "c_death": 0.0})
    spec = replace(
        spec,
        strategies=tuple(
            replace(s, parameters={k: v for k, v in s.parameters.items() if k != "c_trt"}) for s in spec.strategies
        ),
    )
    ds = run_model(spec)
    assert np.all(ds["total_costs"].values == 0.0)
    assert np.all(ds["costs_undiscounted"].values == 0.0)


def test_zero_discount_rate_equals_undiscounted():
    spec = with_settings(textbook_model(), discount_rate_costs=0.0, discount_rate_effects=0.0)
    ds = run_model(spec)
    for name in ("total_costs", "qalys", "lys", "counts", "time_in"):
        np.testing.assert_allclose(ds[name].values, ds[f"{name}_undiscounted"].values, rtol=1e-14)


def test_discounting_lowers_totals(textbook):
    _, ds = textbook
    assert (ds["total_costs"] < ds["total_costs_undiscounted"]).all()
    assert (ds["lys"] < ds["lys_undiscounted"]).all()


def test_total_cost_is_sum_of_categories(textbook):
    _, ds = textbook
    np.testing.assert_allclose(ds["costs"].sum("category").values, ds["total_costs"].values, rtol=1e-14)


def test_identical_strategies_give_identical_results():
    spec = textbook_model()
    spec = replace(spec, strategies=(Strategy("X", {"c_trt": 5.0}), Strategy("Y", {"c_trt": 5.0})))
    ds = run_model(spec)
    for name in ("total_costs", "qalys", "lys"):
        assert float(ds[name].sel(strategy="X", sample=0)) == float(ds[name].sel(strategy="Y", sample=0))


def test_two_state_closed_form():
    """Alive -> Dead with p per year, start-of-cycle counting, no discounting:
    LY = Σ_{k=0}^{T-1} (1-p)^k = (1 - (1-p)^T) / p."""
    ds = run_model(two_state_model())
    p, T = 0.1, 10
    assert float(ds["lys"][0, 0]) == pytest.approx((1 - (1 - p) ** T) / p, rel=1e-14)
    assert float(ds["qalys"][0, 0]) == pytest.approx(0.8 * (1 - (1 - p) ** T) / p, rel=1e-14)
    assert float(ds["total_costs"][0, 0]) == pytest.approx(1000 * (1 - (1 - p) ** T) / p, rel=1e-14)


def test_one_cycle_horizon_by_hand():
    """One yearly cycle, trapezoid: LY = (1 + 0.9) / 2 = 0.95; cost = 1000 * 0.95 discounted at
    t=0 and t=1: 1000 * (0.5 * 1 + 0.5 * 0.9 / 1.03)."""
    ds = run_model(two_state_model(horizon_years=1.0, within_cycle="trapezoid", discount_rate_costs=0.03))
    assert float(ds["lys"][0, 0]) == pytest.approx(0.95, rel=1e-14)
    assert float(ds["total_costs"][0, 0]) == pytest.approx(1000 * (0.5 + 0.45 / 1.03), rel=1e-14)


def test_weekly_cycles_count_life_years_in_years():
    ds = run_model(two_state_model(cycle_length_days=7.0, horizon_years=1.0).with_parameters({"p": 0.0}))
    # 52 weekly cycles = 364/365.25 years alive
    assert float(ds["lys"][0, 0]) == pytest.approx(52 * 7 / 365.25, rel=1e-14)


def test_tunnel_moves_one_step_per_cycle():
    spec = two_state_model(horizon_years=6.0).with_parameters({"p": 0.0})
    spec = replace(spec, states=(replace(spec.states[0], tunnel=4, utility="state_time"), spec.states[1]))
    ds = run_model(spec)
    # utility = state_time: 0, 1, 2, 3, 3, 3 at points 0..5 (the last sub-state holds)
    per_cycle = ds["per_cycle"].sel(strategy="only", outcome="qalys").values
    np.testing.assert_allclose(per_cycle[:6], [0, 1, 2, 3, 3, 3])


def test_results_do_not_depend_on_chunking():
    spec = textbook_model()
    samples = {"p_HS1": np.linspace(0.05, 0.25, 7), "c_S2": np.linspace(10_000, 20_000, 7)}
    a = run_model(spec, samples, chunk_size=7)
    b = run_model(spec, samples, chunk_size=2)
    for name in ("total_costs", "qalys", "lys", "counts", "time_in"):
        np.testing.assert_array_equal(a[name].values, b[name].values)
    np.testing.assert_array_equal(a["trace"].values, b["trace"].values)
    np.testing.assert_array_equal(a["per_cycle"].values, b["per_cycle"].values)


def test_transition_reward_valued_by_time_in_the_source_state():
    """A one-off cost on death that grows with time spent alive (tunnel of 3), against the sum
    written out: cohort alive at cycle t is 0.9^t, in sub-state min(t, 2); each cycle 10 % of it
    dies at a cost of 100 x (state_time + 1). A constant cost takes the pooled path instead."""
    spec = two_state_model(horizon_years=5.0, discount_rate_costs=0.0, discount_rate_effects=0.0)
    spec = replace(spec, states=(replace(spec.states[0], tunnel=3), spec.states[1]))
    by_time = replace(spec, transition_rewards=(TransitionReward("Dead", "100 * (state_time + 1)", name="death"),))
    constant = replace(spec, transition_rewards=(TransitionReward("Dead", 100.0, name="death"),))
    expected_by_time = sum(0.9**t * 0.1 * 100 * (min(t, 2) + 1) for t in range(5))  # 93.853
    expected_constant = sum(0.9**t * 0.1 * 100 for t in range(5))  # 40.951
    for model, expected in ((by_time, expected_by_time), (constant, expected_constant)):
        ds = run_model(model).sel(strategy="only", sample=0)
        assert float(ds["costs"].sel(category="death")) == pytest.approx(expected, rel=1e-12)
    assert expected_by_time == pytest.approx(93.853, abs=1e-9)


def test_results_do_not_depend_on_the_block_length(monkeypatch):
    """Few samples per chunk get longer blocks of cycles; the totals must not change, bit for bit
    (values constant over time are valued at fixed cycles of model time, not per block)."""
    from hecon.engine import run as engine

    spec = with_settings(textbook_model(), cycle_length_days=30.4375)  # 480 monthly cycles
    samples = {"p_HS1": np.linspace(0.05, 0.25, 6), "c_S2": np.linspace(10_000, 20_000, 6)}
    monkeypatch.setattr(engine, "MAX_BLOCK_VALUES", 4 * 52)
    assert (engine.block_length(1), engine.block_length(6)) == (4 * 52, 52)
    a = run_model(spec, samples, chunk_size=1)
    b = run_model(spec, samples, chunk_size=6)
    for name in ("total_costs", "qalys", "lys", "counts", "time_in"):
        np.testing.assert_array_equal(a[name].values, b[name].values)
    np.testing.assert_array_equal(a["per_cycle"].values, b["per_cycle"].values)


def test_each_sample_equals_its_deterministic_run():
    spec = textbook_model()
    values = [0.05, 0.2]
    ds = run_model(spec, {"p_HS1": np.array(values)})
    for i, v in enumerate(values):
        single = run_model(spec.with_parameters({"p_HS1": v}))
        np.testing.assert_allclose(ds["qalys"].isel(sample=i).values, single["qalys"].isel(sample=0).values, rtol=1e-13)


# ------------------------------------------------------------------ bad models
def _messages(exc: pytest.ExceptionInfo) -> str:
    return str(exc.value)


def test_probability_outside_unit_interval_names_place():
    spec = two_state_model().with_parameters({"p": 1.2})
    with pytest.raises(ModelError) as exc:
        run_model(spec)
    msg = _messages(exc)
    assert "strategy 'only', transition Alive -> Dead, every cycle" in msg
    assert "probability 1.2" in msg and "between 0 and 1" in msg


def test_row_not_summing_to_one_without_complement():
    spec = two_state_model()
    spec = replace(spec, transitions=(Transition("Alive", "Dead", "p"), Transition("Alive", "Alive", 0.8)))
    with pytest.raises(ModelError, match=r"transitions out of 'Alive'.*add up to 0\.9"):
        run_model(spec)


def test_negative_complement_is_an_error_with_cycle():
    spec = two_state_model(horizon_years=5.0)
    spec = replace(
        spec, transitions=(Transition("Alive", "Dead", "0.3 * model_time"), Transition("Alive", "Alive", "#"))
    )
    with pytest.raises(ModelError, match=r"cycle 4.*probability 1\.2"):
        run_model(spec)


def test_complement_used_twice():
    spec = two_state_model()
    spec = replace(spec, transitions=(Transition("Alive", "Dead", "#"), Transition("Alive", "Alive", "#")))
    with pytest.raises(ModelError, match="second complement"):
        run_model(spec)


def test_unknown_names_and_states_are_all_reported():
    spec = two_state_model()
    spec = replace(
        spec,
        transitions=(
            Transition("Alive", "Dead", "p_typo"),
            Transition("Alive", "Gone", 0.1),
            Transition("Alive", "Alive", "#"),
        ),
    )
    with pytest.raises(ModelError) as exc:
        run_model(spec)
    msg = _messages(exc)
    assert "unknown name 'p_typo'" in msg
    assert "unknown state 'Gone'" in msg
    assert len(exc.value.problems) == 2


def test_circular_parameters():
    spec = two_state_model()
    spec = replace(spec, parameters=spec.parameters + (Parameter("a", "b + 1"), Parameter("b", "a * 2")))
    with pytest.raises(ModelError, match="circular definition: a -> b -> a"):
        run_model(spec)


def test_negative_cycle_length():
    with pytest.raises(ModelError, match="cycle_length_days"):
        run_model(two_state_model(cycle_length_days=-7.0))


def test_state_time_without_tunnel():
    spec = two_state_model()
    spec = replace(
        spec, transitions=(Transition("Alive", "Dead", "0.01 * state_time"), Transition("Alive", "Alive", "#"))
    )
    with pytest.raises(ModelError, match="depends on state_time but state 'Alive' has no tunnel"):
        run_model(spec)


def test_nothing_is_silently_clipped_in_samples():
    spec = two_state_model()
    with pytest.raises(ModelError, match="sample 2"):
        run_model(spec, {"p": np.array([0.1, 0.2, -0.1])})


def test_start_reward_applies_once_to_the_initial_cohort():
    """A (start) reward of 500 on the 70% starting in Alive: +350, undiscounted, uncorrected,
    whatever the within-cycle method."""
    from hecon.model.spec import START, TransitionReward

    base = two_state_model(within_cycle="half-cycle", discount_rate_costs=0.03)
    base = replace(base, initial={"Alive": 0.7, "Dead": 0.3})
    with_start = replace(base, transition_rewards=(TransitionReward("Alive", 500.0, name="care", from_state=START),))
    a, b = run_model(base), run_model(with_start)
    for name in ("total_costs", "total_costs_undiscounted"):
        assert float(b[name][0, 0]) - float(a[name][0, 0]) == pytest.approx(350.0, rel=1e-12)
    assert float(b["per_cycle"].sel(outcome="cost:care")[0, 0]) - float(
        a["per_cycle"].sel(outcome="cost:care")[0, 0]
    ) == pytest.approx(350.0)
