"""hecon.analysis.run: base case and scenarios of one run, with what is needed to reproduce it."""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import replace

import numpy as np
import pytest

from hecon.analysis.run import BASE_CASE, file_sha256, run_analysis
from hecon.engine import incremental
from hecon.engine.run import run_model
from hecon.model.problems import ModelError
from hecon.model.scenarios import apply_scenario
from hecon.model.spec import Scenario
from hecon.version import __version__
from tests.models import full_model, textbook_model

SCENARIOS = (
    Scenario(
        "no discounting",
        {"settings.discount_rate_costs": 0.0, "settings.discount_rate_effects": 0.0},
        "All discount rates 0",
    ),
    Scenario("cheap A", {"c_trt[A]": 6000.0}),
)


@pytest.fixture(scope="module")
def spec(textbook_20y):
    return replace(textbook_20y, scenarios=SCENARIOS)


def test_base_case_only_by_default(spec):
    result = run_analysis(spec)
    assert [s.name for s in result.scenarios] == [BASE_CASE]
    assert result.base.spec is spec
    expected = run_model(spec)
    np.testing.assert_array_equal(result.base.results["total_costs"].values, expected["total_costs"].values)
    np.testing.assert_array_equal(result.base.results["qalys"].values, expected["qalys"].values)
    assert result.comparator == "SoC"  # the first strategy
    assert result.seed == spec.settings.seed
    assert result.hecon_version == __version__
    assert result.input_path is None and result.input_sha256 is None
    assert result.started <= result.finished


def test_named_scenarios_run_after_the_base_case_in_the_order_given(spec):
    result = run_analysis(spec, ["cheap A", "no discounting", "cheap A"], seed=7, comparator="B")
    assert [s.name for s in result.scenarios] == [BASE_CASE, "cheap A", "no discounting"]
    assert result.seed == 7 and result.comparator == "B"
    cheap = result.scenario("cheap A")
    assert cheap.scenario is SCENARIOS[1]
    expected = run_model(apply_scenario(spec, SCENARIOS[1]))
    np.testing.assert_array_equal(cheap.results["total_costs"].values, expected["total_costs"].values)
    undiscounted = result.scenario("no discounting").results
    np.testing.assert_allclose(undiscounted["total_costs"].values, undiscounted["total_costs_undiscounted"].values)


def test_all_scenarios(spec):
    result = run_analysis(spec, "all")
    assert [s.name for s in result.scenarios] == [BASE_CASE, "no discounting", "cheap A"]


def test_unknown_scenarios_and_comparator_are_all_reported_before_running(spec):
    with pytest.raises(ModelError) as info:
        run_analysis(spec, ["nope", "cheap A", "nada"], comparator="Placebo")
    text = str(info.value)
    assert "comparator 'Placebo': no strategy of that name; expected one of SoC, A, B, AB" in text
    assert "scenario 'nope': no scenario of that name; expected one of no discounting, cheap A" in text
    assert "scenario 'nada'" in text
    assert len(info.value.problems) == 3


def test_bad_scenario_override_is_a_model_error(spec):
    bad = replace(spec, scenarios=(Scenario("typo", {"c_trtt": 1.0}),))
    with pytest.raises(ModelError, match="scenario 'typo', target 'c_trtt': not a parameter or setting"):
        run_analysis(bad, "all")


def test_negative_seed_is_refused(spec):
    with pytest.raises(ModelError, match="seed: -1 is not a non-negative integer"):
        run_analysis(spec, seed=-1)


def test_input_checksum_is_the_sha256_of_the_file(spec, tmp_path):
    path = tmp_path / "model.xlsx"
    path.write_bytes(b"not really a workbook" * 1000)
    assert file_sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()
    result = run_analysis(spec, input_path=path)
    assert result.input_path == path
    assert result.input_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_each_model_is_compiled_once_per_run(monkeypatch):
    """Base case, disease burden, thresholds, DSA and PSA share compiled models: the base case
    and each scenario are compiled once, the DSA's and each threshold's rewritten model once
    (counted on a spec object that no other test has compiled)."""
    from hecon.model.spec import ThresholdQuery

    compiled_specs: list[int] = []
    original = incremental.compile_new

    def counting(model):
        compiled_specs.append(id(model))
        return original(model)

    monkeypatch.setattr(incremental, "compile_new", counting)
    spec = replace(
        textbook_model(horizon_years=20.0),
        scenarios=SCENARIOS,
        thresholds=(ThresholdQuery("c_trt", "A", "SoC", wtp=50_000.0),),
    )
    run_analysis(spec, "all", seed=1, dsa=True, psa_samples=20)
    assert len(compiled_specs) == len(set(compiled_specs))  # no model compiled twice
    # base + 2 scenarios + the DSA's rewrite + the threshold's rewrite + the first-passage run of
    # treatment-free survival (one therapy flag, on_treatment)
    assert len(compiled_specs) == 1 + len(SCENARIOS) + 1 + 1 + 1


def test_a_run_compiles_each_model_once(monkeypatch):
    """Base case, scenarios, thresholds, DSA and PSA ask for the compiled model many times; each
    distinct model (the base case, a scenario, a DSA variation) is compiled once."""
    compiled_specs: list[str] = []
    compile_new = incremental.compile_new

    def counting(spec):
        compiled_specs.append(hashlib.sha256(pickle.dumps(spec)).hexdigest())
        return compile_new(spec)

    monkeypatch.setattr(incremental, "compile_new", counting)
    spec = full_model()
    run = run_analysis(spec, "all", dsa=True, psa_samples=20, progress=False)
    assert len(run.scenarios) == 1 + len(spec.scenarios) and run.thresholds and run.dsa is not None
    assert len(compiled_specs) == len(set(compiled_specs))  # no model compiled twice
    assert len(compiled_specs) >= len(run.scenarios)
