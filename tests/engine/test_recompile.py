"""Compiling a scenario from its base case's compiled model (issues 17 and 19: validation compiles
the base case and every scenario, subgroup and analysis rewrite of a model).

Each recompiled model is compared with a compilation from scratch of the same spec (which no memo
has seen): field by field (arrays exactly, expressions by their text, names, model objects and
constant value), and by simulating every strategy deterministically, number for number. A spec with a
problem is refused with the problems, in the order, of a compilation from scratch.
"""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from hecon.analysis.variations import Target, vary
from hecon.engine import run as engine
from hecon.engine.compiler import CompiledModel, compile_model
from hecon.engine.incremental import base_for, compiled, recompile
from hecon.model.expressions import Expression
from hecon.model.problems import ModelError
from hecon.model.scenarios import apply_scenario
from hecon.model.spec import LifeTable, ModelSpec, Parameter, Scenario
from tests.models import AGES, textbook_model

FIELDS = ("discounted", "undiscounted", "trace_sum", "per_cycle_sum", "crossings")


def assert_same(got: Any, expected: Any, path: str = "model") -> None:
    """``got`` equals ``expected`` field by field: arrays element by element with their type,
    expressions by what defines them (their evaluators are closures built from these)."""
    if isinstance(expected, Expression):
        assert isinstance(got, Expression), path
        keys = ("text", "names", "refs", "constant", "depth")
        assert [getattr(got, k) for k in keys] == [getattr(expected, k) for k in keys], path
    elif isinstance(expected, np.ndarray):
        assert isinstance(got, np.ndarray) and got.dtype == expected.dtype, path
        np.testing.assert_array_equal(got, expected, err_msg=path)
    elif isinstance(expected, ModelSpec):
        assert got is expected, path
    elif dataclasses.is_dataclass(expected):
        assert type(got) is type(expected), path
        for f in dataclasses.fields(expected):
            if f.compare:
                assert_same(getattr(got, f.name), getattr(expected, f.name), f"{path}.{f.name}")
    elif isinstance(expected, dict):
        assert isinstance(got, dict) and list(got) == list(expected), path
        for key, value in expected.items():
            assert_same(got[key], value, f"{path}[{key!r}]")
    elif isinstance(expected, (list, tuple)):
        assert type(got) is type(expected) and len(got) == len(expected), path
        for i, (a, b) in enumerate(zip(got, expected)):
            assert_same(a, b, f"{path}[{i}]")
    else:
        assert got == expected, path


def assert_same_results(got: CompiledModel, expected: CompiledModel) -> None:
    """Every strategy's deterministic run of ``got`` equals that of ``expected``, bit for bit."""
    for i in range(len(expected.strategies)):
        a, b = engine.simulate_strategy(got, i, {}, 1), engine.simulate_strategy(expected, i, {}, 1)
        for name in FIELDS:
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=f"{i}: {name}")


def textbook() -> ModelSpec:
    """The textbook model (a new spec object: no memo has seen it), with a second life table and an
    initial distribution that reads a parameter, so that scenarios can change both."""
    spec = textbook_model(horizon_years=20.0)
    older = LifeTable(
        "older", AGES, tuple(min(1.0, 1.5 * q) for q in spec.life_tables[0].qx_male), spec.life_tables[0].qx_female
    )
    return replace(
        spec,
        life_tables=(*spec.life_tables, older),
        parameters=(*spec.parameters, Parameter("p_start_sick", 0.1)),
        initial={"H": "1 - p_start_sick", "S1": "p_start_sick"},
    )


def recompiled(spec: ModelSpec, overrides: dict[str, object]) -> tuple[CompiledModel, CompiledModel, ModelSpec]:
    """(the base case's compiled model, the scenario's recompiled from it, the scenario's spec)."""
    base = compile_model(spec)
    scenario = apply_scenario(spec, Scenario("s", overrides))
    return base, recompile(base, scenario), scenario


@pytest.mark.parametrize(
    "overrides",
    [
        {"p_HS1": 0.2},  # a probability: a number for a number
        {"c_trt[A]": 6000.0},  # a strategy's own value
        {"c_trt[SoC]": 500.0},  # a strategy's own value where it had none
        {"p_HS1": "0.1 + 0.5 * p_start_sick"},  # a formula that reads another parameter: a new dependency
        {"r_S1S2": "0.05 * (1 + 0.01 * model_years)"},  # a formula of model time
        {"c_H": 3000.0, "u_S2": 0.4},  # state values
        {"c_death": "c_S2 * 0.5"},  # a transition reward's value, as a formula
        {"settings.life_table": "older"},  # the other life table
        {"settings.cycle_length_days": 182.625},  # half-year cycles: twice the cycles, other weights
        {"settings.horizon_years": 30.0},
        {"settings.discount_rate_costs": 0.04, "settings.discount_rate_effects": 0.0},
        {"settings.within_cycle": "half-cycle"},
        {"p_start_sick": 0.3},  # the start: initial shares
        {"settings.start_age": 70.0},
        {"settings.proportion_male": 0.7},  # the share of men, read by gp_mort in the rows
    ],
    ids=lambda o: ",".join(o),
)
def test_a_scenario_recompiled_is_the_scenario_compiled_from_scratch(overrides):
    base, again, scenario = recompiled(textbook(), overrides)
    fresh = compile_model(scenario)
    assert_same(again, fresh)
    assert_same_results(again, fresh)
    for before, after in zip(base.strategies, again.strategies):  # built on the base case, not compiled afresh
        assert after.groups is before.groups and after.rewards is before.rewards


@pytest.mark.parametrize(
    ("overrides", "found"),
    [
        ({"p_HS1": "p_HS2"}, "unknown name 'p_HS2'"),
        ({"p_HS1": "p_S1H * p_HS1"}, "circular definition"),
        ({"c_H": "100 * (1 + state_time)"}, "depends on state_time but state 'H' has no tunnel"),
        ({"settings.proportion_male": 1.5}, "outside [0, 1]"),
        ({"settings.cycle_length_days": -7.0}, "a positive number of days"),
        ({"settings.within_cycle": "quarterly"}, ""),
        ({"p_HS1": "1 +"}, ""),
    ],
)
def test_a_scenario_with_a_problem_is_refused_as_from_scratch(overrides, found):
    """The recompilation finds the problem (else it would return a model) and lists every problem as a
    compilation from scratch does."""
    base = compile_model(textbook())
    scenario = apply_scenario(base.spec, Scenario("s", overrides))
    with pytest.raises(ModelError) as fresh:
        compile_model(scenario)
    with pytest.raises(ModelError) as again:
        recompile(base, scenario)
    assert [str(p) for p in again.value.problems] == [str(p) for p in fresh.value.problems]
    assert found in str(fresh.value)


def test_the_dsa_rewrite_with_its_added_parameters_is_recompiled():
    """The DSA's rewritten model adds hidden parameters and wraps the varied ones in switches."""
    spec = textbook()
    base = compile_model(spec)
    rewritten = vary(spec, [Target("p_HS1"), Target("c_trt", "A"), Target("hr_S1")]).spec
    again, fresh = recompile(base, rewritten), compile_model(rewritten)
    assert_same(again, fresh)
    assert_same_results(again, fresh)


def test_a_spec_that_changes_more_than_values_and_settings_is_compiled_from_scratch():
    """Another structure, other strategies or other states: not derived from the base case."""
    spec = textbook()
    base = compile_model(spec)
    fewer = replace(spec, strategies=spec.strategies[:2])
    again = recompile(base, fewer)
    assert_same(again, compile_model(fewer))
    assert again.strategies[0].groups is not base.strategies[0].groups


def test_compiled_builds_a_scenario_on_its_base_case():
    spec = textbook()
    base = compiled(spec)
    assert base_for(spec) is base  # kept as a base (compiled from scratch)
    scenario = apply_scenario(spec, Scenario("s", {"c_H": 2500.0, "settings.horizon_years": 25.0}))
    model = compiled(scenario)
    assert model.strategies[1].groups is base.strategies[1].groups
    assert_same(model, compile_model(scenario))


def test_the_rrmm_scenarios_and_subgroups_recompiled_are_compiled_from_scratch(rrmm_spec):
    """Every scenario and subgroup of the RRMM example (product profiles, trial medians, discounting,
    start age, life table, ...): field by field; a value scenario and a settings scenario also by
    their runs."""
    base = compile_model(rrmm_spec)
    variants = [apply_scenario(rrmm_spec, s) for s in (*rrmm_spec.scenarios, *rrmm_spec.subgroups)]
    assert len(variants) > 20
    for variant in variants:
        assert_same(recompile(base, variant), compile_model(variant))
    settings = next(v for v in variants if v.settings != rrmm_spec.settings)
    values = next(v for v in variants if v.settings == rrmm_spec.settings)
    for variant in (settings, values):
        assert_same_results(recompile(base, variant), compile_model(variant))
