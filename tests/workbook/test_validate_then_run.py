"""``hecon run`` = validation, then the analyses: each deterministic model is simulated once.

Validation runs every deterministic model (base case, other structure, scenarios, subgroups) to
find what only evaluating it finds; the run then reports those same results instead of
simulating each model a second time (issue 17). Counted on the engine's chunk function; the
results are compared with a fresh simulation, which the memo has not seen.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from hecon.analysis.dsa import run_dsa
from hecon.analysis.run import run_analysis
from hecon.engine import run as engine
from hecon.engine.compiler import compile_model
from hecon.engine.outcomes import outcome_columns
from hecon.engine.results import label
from hecon.model.problems import ModelError
from hecon.model.spec import Scenario
from hecon.workbook import write_workbook
from hecon.workbook.validate import read_checked
from tests.models import both_structures_model, full_model

DISCOUNTED = {"settings.discount_rate_costs": 0.04, "settings.discount_rate_effects": 0.015}  # the model: none


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    spec = replace(
        both_structures_model(),
        scenarios=(Scenario("discounted", DISCOUNTED), Scenario("short", {"settings.horizon_years": 10.0})),
        subgroups=(
            Scenario(
                "effects discounted",
                {"settings.discount_rate_effects": 0.015},
                sources={"settings.discount_rate_effects": "A"},
            ),
        ),
    )
    path = tmp_path / "model.xlsx"
    write_workbook(spec, path)
    return path


def test_validation_and_run_simulate_each_deterministic_model_once(workbook, monkeypatch):
    calls: Counter[tuple[int, int]] = Counter()
    original = engine.simulate_chunk

    def counting(model, index, samples, n_samples, carry=None, keep_cycles=True, **kwargs):
        if not samples and n_samples == 1:
            calls[(id(model), index)] += 1
        return original(model, index, samples, n_samples, carry, keep_cycles, **kwargs)

    monkeypatch.setattr(engine, "simulate_chunk", counting)
    spec, _ = read_checked(workbook)
    validated = dict(calls)
    # base case and cross-check, 2 strategies each; 2 scenarios and a subgroup of 2 strategies
    assert len(validated) == 2 * 2 + 2 * 2 + 2
    run = run_analysis(spec, "all", progress=False)
    assert run.cross_check is not None and len(run.scenarios) == 3 and len(run.subgroups) == 1
    assert set(calls) >= set(validated)
    assert all(n == 1 for n in calls.values()), calls  # validation's results reused by the run
    for result in (*run.scenarios, *run.subgroups, run.cross_check):
        model = compile_model(result.spec)  # not the memo's: simulated afresh, as before the memo
        fresh = [engine.simulate_strategy(model, i, {}, 1) for i in range(len(model.strategies))]
        expected = label(model, outcome_columns(model), fresh, 1)
        for name in ("total_costs", "qalys", "lys", "trace", "per_cycle"):
            np.testing.assert_array_equal(result.results[name].values, expected[name].values, err_msg=name)


def test_the_dsa_and_threshold_grids_that_validation_checks_are_simulated_once(tmp_path, monkeypatch):
    """Validation runs every DSA low and high value and each threshold's search grid (with the
    base value) to place what fails; the run's DSA and threshold search are those simulations:
    the run simulates no model with several values (only the single values of the root finding),
    and the DSA's numbers are those of a fresh simulation."""
    calls: Counter[tuple[int, int, int, bytes]] = Counter()
    original = engine.simulate_chunk

    def counting(model, index, samples, n_samples, carry=None, keep_cycles=True, **kwargs):
        if samples:
            content = b"".join(np.asarray(samples[k]).tobytes() for k in sorted(samples))
            calls[(id(model), index, n_samples, content)] += 1
        return original(model, index, samples, n_samples, carry, keep_cycles, **kwargs)

    path = tmp_path / "full.xlsx"
    write_workbook(replace(full_model(), survival_points=()), path)
    monkeypatch.setattr(engine, "simulate_chunk", counting)
    spec, _ = read_checked(path)
    validated = dict(calls)
    run = run_analysis(spec, dsa=True, progress=False)
    assert run.dsa is not None and run.thresholds
    assert run.dsa.results.sizes["sample"] > 1 and any(n > 1 for (_, _, n, _) in validated)  # validation ran them
    # (each strategy with the rows that differ in what it reads: hecon.engine.run._distinct_samples)
    again = {key: n for key, n in calls.items() if n > validated.get(key, 0) and key[2] > 1}
    assert not again, again
    monkeypatch.setattr(engine, "_VARIED", OrderedDict())  # forgotten: the DSA simulated afresh, as before
    fresh = run_dsa(spec)
    for name in ("total_costs", "qalys", "lys"):
        np.testing.assert_array_equal(run.dsa.results[name].values, fresh.results[name].values)


def test_a_base_case_that_fails_is_reported_without_running_the_scenarios(tmp_path, monkeypatch):
    """A value that only the deterministic run finds wrong (a NaN cost) in the base case: its
    problem is reported after the base case's strategies alone, not after every scenario and
    subgroup has run too (refusing the shipped example took 30 runs of 6 strategies)."""
    spec = replace(
        both_structures_model(),
        scenarios=(Scenario("discounted", DISCOUNTED), Scenario("short", {"settings.horizon_years": 10.0})),
    )
    spec = replace(spec, states=(replace(spec.states[0], costs={"care": "0 * 1e999"}), *spec.states[1:]))  # NaN
    path = tmp_path / "model.xlsx"
    write_workbook(spec, path)
    simulated: Counter[int] = Counter()
    original = engine.simulate_chunk

    def counting(model, index, samples, n_samples, carry=None, keep_cycles=True, **kwargs):
        simulated[id(model)] += 1
        return original(model, index, samples, n_samples, carry, keep_cycles, **kwargs)

    monkeypatch.setattr(engine, "simulate_chunk", counting)
    with pytest.raises(ModelError) as caught:
        read_checked(path)
    assert caught.value.problems and all("NaN" in p.what for p in caught.value.problems)
    assert len(simulated) <= 2  # the base case, and the model as the other structure: no scenario
