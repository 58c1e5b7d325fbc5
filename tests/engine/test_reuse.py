"""Reusing what a scenario does not change (issue 19: validating the shipped example took 10 s).

A scenario's strategy whose changed expressions apply only to states its cohort never occupies has
the base case's results, not a second simulation; the expressions a scenario does not change are
not evaluated again; a one-way sensitivity analysis simulates, per strategy, only the rows that
differ in what the strategy reads. Each is compared with a fresh simulation (a new compilation,
which no memo has seen), number for number.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np
import pytest

from hecon.engine import run as engine
from hecon.engine.compiler import compile_model
from hecon.engine.incremental import compiled
from hecon.engine.inputs import parameters_read, reachable
from hecon.model.problems import ModelError
from hecon.model.scenarios import apply_scenario
from hecon.model.spec import LifeTable, ModelSpec, Parameter, Scenario, Settings, State, Strategy, Transition

FIELDS = ("discounted", "undiscounted", "trace_sum", "per_cycle_sum")


def model() -> ModelSpec:
    """Well -> Sick -> Dead; strategy 'Switch' also moves some Well patients to 'Other', which
    'Stay' never enters (its own p_other is 0). Other's cost reads c_other alone."""
    return ModelSpec(
        settings=Settings(cycle_length_days=365.25, horizon_years=30.0, discount_rate_costs=0.03),
        states=(
            State("Well", utility=0.9, costs={"care": "c_well"}),
            State("Sick", utility="u_sick", costs={"care": "c_sick * (1 + 0.01 * model_time)"}),
            State("Other", utility=0.7, costs={"care": "c_other"}),
            State("Dead", flags=frozenset({"dead"})),
        ),
        transitions=(
            Transition("Well", "Sick", "p_sick"),
            Transition("Well", "Other", "p_other"),
            Transition("Well", "Dead", "0.01"),
            Transition("Well", "Well", "#"),
            Transition("Sick", "Dead", "0.2"),
            Transition("Sick", "Sick", "#"),
            Transition("Other", "Dead", "0.05"),
            Transition("Other", "Other", "#"),
        ),
        strategies=(Strategy("Stay", {"p_other": 0.0}), Strategy("Switch")),
        parameters=(
            Parameter("p_sick", 0.1),
            Parameter("p_other", 0.05),
            Parameter("c_well", 100.0),
            Parameter("c_sick", 2000.0),
            Parameter("c_other", 500.0),
            Parameter("u_sick", 0.6),
        ),
    )


def simulations(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Deterministic simulations (one sample, no sampled values) by strategy name, from now on."""
    calls: Counter[str] = Counter()
    original = engine.simulate_chunk

    def counting(m, index, samples, n_samples, carry=None, keep_cycles=True, **kwargs):  # type: ignore[no-untyped-def]
        if not samples and n_samples == 1:
            calls[m.strategies[index].name] += 1
        return original(m, index, samples, n_samples, carry, keep_cycles, **kwargs)

    monkeypatch.setattr(engine, "simulate_chunk", counting)
    return calls


def assert_fresh(spec: ModelSpec) -> None:
    """Every strategy's deterministic results in the memo equal a fresh simulation's."""
    memo, fresh = compiled(spec), compile_model(spec)
    for i in range(len(memo.strategies)):
        got, expected = engine.deterministic_strategy(memo, i), engine.simulate_strategy(fresh, i, {}, 1)
        for name in FIELDS:
            np.testing.assert_array_equal(getattr(got, name), getattr(expected, name), err_msg=name)


def test_a_strategy_that_never_enters_the_changed_state_reuses_the_base_case(monkeypatch):
    base = model()
    for i in range(2):
        engine.deterministic_strategy(compiled(base), i)
    calls = simulations(monkeypatch)
    scenario = apply_scenario(base, Scenario("dear other", {"c_other": 900.0}))
    for i in range(2):
        engine.deterministic_strategy(compiled(scenario), i)
    assert calls == {"Switch": 1}  # Stay never occupies Other: its results are the base case's
    assert engine.deterministic_strategy(compiled(scenario), 0) is engine.deterministic_strategy(compiled(base), 0)
    assert_fresh(scenario)


def test_a_change_where_the_cohort_is_simulates_again(monkeypatch):
    base = model()
    for i in range(2):
        engine.deterministic_strategy(compiled(base), i)
    calls = simulations(monkeypatch)
    scenario = apply_scenario(base, Scenario("dear sick", {"c_sick": 3000.0}))
    for i in range(2):
        engine.deterministic_strategy(compiled(scenario), i)
    assert calls == {"Stay": 1, "Switch": 1}
    assert_fresh(scenario)  # with the values of the unchanged expressions (c_well, ...) reused


def test_a_broken_value_in_a_state_never_entered_is_still_found(monkeypatch):
    """The unoccupied state's changed cost is evaluated and checked as the run checks it: a NaN is
    no reuse, and the simulation reports it (for the strategy that never enters the state too)."""
    base = model()
    for i in range(2):
        engine.deterministic_strategy(compiled(base), i)
    scenario = compiled(apply_scenario(base, Scenario("broken", {"c_other": "0 * 1e999"})))
    with pytest.raises(ModelError, match="NaN"):
        engine.deterministic_strategy(scenario, 0)


def test_the_dsa_rows_a_strategy_does_not_read_are_not_simulated(monkeypatch):
    """Rows that vary a parameter a strategy never reads give it the base case: its sampled run has
    only the rows that differ in what it reads; the totals equal those of every row simulated."""
    spec = model()
    m = compiled(spec)
    assert {"c_other", "p_other"} <= parameters_read(m, 0) and m.strategies[0].overridden == {"p_other"}
    values = np.array([0.05, 0.05, 0.02, 0.09, 0.05, 0.05])
    costs = np.array([500.0, 400.0, 500.0, 500.0, 500.0, 800.0])
    samples = {"p_other": values, "c_other": costs}
    sizes: list[int] = []
    original = engine.simulate_chunk

    def counting(model_, index, samples_, n_samples, carry=None, keep_cycles=True, **kwargs):  # type: ignore[no-untyped-def]
        sizes.append(n_samples)
        return original(model_, index, samples_, n_samples, carry, keep_cycles, **kwargs)

    monkeypatch.setattr(engine, "simulate_chunk", counting)
    varied = [engine.simulate_varied(m, i, samples, 6) for i in range(2)]
    assert sizes == [3, 5]  # Stay reads c_other only (3 distinct values); Switch both (rows 0 and 4 alike)
    fresh = compile_model(spec)
    for i in range(2):
        expected = engine.simulate_strategy(fresh, i, samples, 6)
        np.testing.assert_array_equal(varied[i].discounted, expected.discounted)
        np.testing.assert_array_equal(varied[i].undiscounted, expected.undiscounted)


def test_a_strategy_own_value_is_not_the_sampled_one():
    """'Stay' sets p_other itself: the samples of p_other are not what it reads."""
    spec = model()
    m = compiled(replace(spec, strategies=(Strategy("Stay", {"p_other": 0.0}), Strategy("Switch"))))
    samples = {"p_other": np.array([0.01, 0.02, 0.03])}
    keep, row_of = engine._distinct_samples(m, 0, samples, 3)
    assert keep.tolist() == [0] and row_of.tolist() == [0, 0, 0]
    keep, row_of = engine._distinct_samples(m, 1, samples, 3)
    assert keep.tolist() == [0, 1, 2] and row_of.tolist() == [0, 1, 2]


def test_the_states_a_strategy_reaches():
    """Stay's own p_other is 0: its cohort never enters Other; a complement and a formula that is
    not 0 at some cycle lead on."""
    m = compiled(model())
    assert reachable(m, 0) == {"Well", "Sick", "Dead"}
    assert reachable(m, 1) == {"Well", "Sick", "Other", "Dead"}
    late = compiled(apply_scenario(model(), Scenario("late", {"p_other[Stay]": "if_else(model_time > 20, 0.1, 0)"})))
    assert reachable(late, 0) == {"Well", "Sick", "Other", "Dead"}


@pytest.mark.parametrize(
    ("overrides", "known", "failing"),
    [
        ({"c_sick": 3000.0}, [True, True], []),  # a valid value: the cost evaluated alone passes
        (
            {"c_other": "0 * 1e999"},
            [False, False],
            [0, 1],
        ),  # NaN in Other: refused for 'Stay' too, which never enters it
        ({"p_sick": 1.2}, [False, False], [0, 1]),  # a probability above 1
        # each in [0, 1]; the row out of Well sums to 1.11 in 'Switch', to 0.51 in 'Stay' (its own p_other is 0)
        ({"p_sick": 0.5, "p_other": 0.6}, [True, False], [1]),
        ({"settings.discount_rate_costs": 0.04}, [False, False], []),  # other settings: not known without running
    ],
)
def test_a_strategy_known_to_pass_without_running_passes_when_run(overrides, known, failing):
    """passes_checks (which lets validation skip running a scenario) says True only when the run
    finds nothing: compared with each strategy's simulation of a fresh compilation."""
    base = model()
    for i in range(2):
        engine.deterministic_strategy(compiled(base), i)
    scenario = apply_scenario(base, Scenario("s", overrides))
    fresh = compile_model(scenario)
    failed = []
    for i in range(2):
        try:
            engine.simulate_strategy(fresh, i, {}, 1)
        except ModelError:
            failed.append(i)
    assert failed == failing
    assert [engine.passes_checks(compiled(scenario), i) for i in range(2)] == known


def test_nothing_is_known_to_pass_before_its_base_case_has_run():
    spec = apply_scenario(model(), Scenario("s", {"c_sick": 3000.0}))  # a new base case: no run of it yet
    assert [engine.passes_checks(compiled(spec), i) for i in range(2)] == [False, False]


def life_table_model() -> ModelSpec:
    """Alive -> Dead at the life table's rate (men die at 0.1 a year, women at 0.02), the share of
    men a parameter p_m (0.5): the closed form of the life-years is known for any share."""
    return ModelSpec(
        settings=Settings(cycle_length_days=365.25, horizon_years=10.0, start_age=60.0, proportion_male="p_m"),
        states=(State("Alive", utility=1.0, costs={"care": "c_alive"}), State("Dead", flags=frozenset({"dead"}))),
        transitions=(Transition("Alive", "Dead", "gp_mort()"), Transition("Alive", "Alive", "#")),
        strategies=(Strategy("Only"),),
        parameters=(Parameter("p_m", 0.5), Parameter("c_alive", 100.0)),
        life_tables=(LifeTable("flat", (0, 100), (0.1, 0.1), (0.02, 0.02)),),
    )


@pytest.mark.parametrize(("share", "q"), [(0.0, 0.02), (1.0, 0.1)])
def test_a_scenario_that_changes_the_share_of_men_is_simulated_again(share, q):
    """The life table's death probability reads the share of men, which no expression's reads show
    (the review of issue 19 found a scenario's p_m = 1 or 0 given the base case's results). With one
    sex only, the share alive after t one-year cycles is (1 - q)^t (closed form), q that sex's qx."""
    base = life_table_model()
    engine.deterministic_strategy(compiled(base), 0)
    scenario = apply_scenario(base, Scenario("one sex", {"p_m": share}))
    assert not engine.passes_checks(compiled(scenario), 0)
    got = engine.deterministic_strategy(compiled(scenario), 0)
    np.testing.assert_allclose(got.trace_sum[:, 0], (1 - q) ** np.arange(11), rtol=1e-12)
    assert_fresh(scenario)


def test_a_share_of_men_above_one_from_a_scenario_is_refused():
    """p_m = 1.5 through a scenario is checked as in the base case (it was the base case's result)."""
    base = life_table_model()
    engine.deterministic_strategy(compiled(base), 0)
    scenario = compiled(apply_scenario(base, Scenario("too many men", {"p_m": 1.5})))
    assert not engine.passes_checks(scenario, 0)
    with pytest.raises(ModelError, match="1.5"):
        engine.deterministic_strategy(scenario, 0)
