"""hecon.analysis.results: one immutable analysis result, serialised as summary.json.

Reference numbers come from tests/models.py's naive re-implementation of the textbook model
(reference_textbook) and from closed forms of the two-state model, not from hecon's engine.
"""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest

from hecon.analysis.results import Results, summarise_run
from hecon.analysis.run import run_analysis
from hecon.model.scenarios import apply_scenario
from hecon.model.spec import UtilityNorm
from tests.models import CHEAP_A, reference_textbook, textbook_model, two_state_model, with_settings

STRATEGIES = ("SoC", "A", "B", "AB")


def _spec():
    return dataclasses.replace(textbook_model(horizon_years=20.0), scenarios=(CHEAP_A,))


@pytest.fixture(scope="module")
def results() -> Results:
    spec = dataclasses.replace(
        _spec(), utility_norms=(UtilityNorm(0, None, "all", 0.85, "illustrative"),)
    )  # a disease burden, so the headline is a reference value
    return summarise_run(run_analysis(spec, "all", seed=3, dsa=True, psa_samples=50, progress=False))


@pytest.fixture(scope="module")
def reference():
    """Costs and QALYs of every strategy in the base case and in 'cheap A', computed naively."""
    spec = _spec()
    return {
        "base case": {s: reference_textbook(spec, s) for s in STRATEGIES},
        "cheap A": {s: reference_textbook(apply_scenario(spec, CHEAP_A), s) for s in STRATEGIES},
    }


# ------------------------------------------------------------------------------- hand-computed


def test_nmb_optimal_strategy_equals_the_hand_computed_one(reference):
    spec = _spec()
    result = summarise_run(run_analysis(spec, "all"))
    for name, by_strategy in reference.items():
        got = result.net_benefit.scenarios[name]
        for i, w in enumerate(spec.settings.wtp):
            nmb = {s: w * r["qalys"] - r["total_costs"] for s, r in by_strategy.items()}
            best, second = sorted(nmb.values(), reverse=True)[:2]
            assert best - second > 1.0  # a clear optimum, not a rounding tie
            assert got.optimal[i] == max(nmb, key=nmb.__getitem__), (name, w)
            for s in STRATEGIES:
                assert got.strategies[s].nmb[i] == pytest.approx(nmb[s], rel=1e-12)
                assert got.strategies[s].nhb[i] == pytest.approx(nmb[s] / w, rel=1e-12)
    # the headline: the first willingness to pay of the settings (no disease burden here)
    w = spec.settings.wtp[0]
    nmb = {s: w * r["qalys"] - r["total_costs"] for s, r in reference["base case"].items()}
    assert result.headline.wtp == w and result.headline.optimal == max(nmb, key=nmb.__getitem__)
    assert result.base.optimal_at_headline == result.headline.optimal


def test_scenario_increments_equal_the_hand_computed_ones(reference):
    result = summarise_run(run_analysis(_spec(), "all"))
    rows = {(r.scenario, r.strategy): r for r in result.scenario_analysis.rows}
    assert list(rows) == [(n, s) for n in ("base case", "cheap A") for s in STRATEGIES]
    cheap, base = reference["cheap A"], reference["base case"]
    a = rows[("cheap A", "A")]
    d_cost = cheap["A"]["total_costs"] - cheap["SoC"]["total_costs"]
    d_qaly = cheap["A"]["qalys"] - cheap["SoC"]["qalys"]
    assert a.incremental_cost == pytest.approx(d_cost, rel=1e-10)
    assert a.incremental_qalys == pytest.approx(d_qaly, rel=1e-10)
    assert a.icer == pytest.approx(d_cost / d_qaly, rel=1e-10)
    assert a.change_in_costs == pytest.approx(cheap["A"]["total_costs"] - base["A"]["total_costs"], rel=1e-10)
    assert a.change_in_qalys == pytest.approx(0.0, abs=1e-12)  # the price changes costs only
    base_icer = (base["A"]["total_costs"] - base["SoC"]["total_costs"]) / (base["A"]["qalys"] - base["SoC"]["qalys"])
    assert a.icer_base_case == pytest.approx(base_icer, rel=1e-10)
    soc = rows[("cheap A", "SoC")]
    assert soc.status == "comparator" and soc.incremental_cost is None and soc.description == ""
    b = rows[("cheap A", "B")]  # B does not use A's price
    assert b.change_in_costs == pytest.approx(0.0, abs=1e-9) and b.icer == b.icer_base_case


def test_median_os_of_the_two_state_model_is_the_closed_form():
    """S(t) = 0.9^t at whole years; the median by linear interpolation between t = 6 and 7."""
    result = summarise_run(run_analysis(two_state_model()))
    s6, s7 = 0.9**6, 0.9**7
    expected = 6 + (s6 - 0.5) / (s6 - s7)
    surv = result.base_case.survival
    assert surv.strategies["only"].median_os_years == pytest.approx(expected, rel=1e-12)
    assert surv.strategies["only"].median_pfs_years is None and not surv.has_pfs
    assert surv.time_unit == "months" and surv.per_year == 12.0
    assert surv.strategies["only"].os_at == pytest.approx((0.9, 0.81, 0.9**5), rel=1e-12)  # 1, 2 and 5 years
    assert result.to_json()["base_case"]["survival"]["strategies"]["only"] == {
        "median_pfs_years": None,
        "median_os_years": pytest.approx(expected, rel=1e-12),
    }


def test_one_strategy_has_no_comparison_and_no_headline_optimum():
    result = summarise_run(run_analysis(with_settings(two_state_model(), wtp=(30_000.0,))))
    assert result.base.versus_comparator == () and result.headline.optimal is None
    assert result.net_benefit.scenarios["base case"].optimal == ("only",)
    assert result.scenario_analysis is None and result.burden is None and result.psa is None
    data = result.to_json()
    assert not {"scenario_analysis", "burden", "thresholds", "dsa", "psa"} & set(data)
    assert data["net_benefit"]["wtp"] == [30_000.0]


# ------------------------------------------------------------------------------- summary.json


def test_summary_json_is_the_result_serialised(results):
    data = json.loads(json.dumps(results.to_json(), allow_nan=False))
    assert list(data) == [
        "hecon_version",
        "created",
        "seed",
        "input",
        "title",
        "currency",
        "effect_unit",
        "comparator",
        "conventions",
        "settings",
        "scenarios",
        "base_case",
        "net_benefit",
        "burden",
        "scenario_analysis",
        "dsa",
        "psa",
        "treatment_free",
        "burden_rates",
        "timings",  # the one block (with "created") that differs between runs; see test_cli
    ]
    for name, sc in results.scenarios.items():
        got = data["scenarios"][name]
        for s, v in sc.strategies.items():
            j = got["strategies"][s]
            assert (j["costs"], j["qalys"], j["lys"]) == (v.costs, v.qalys, v.lys)
            assert j["cost_breakdown"]["undiscounted"] == dict(v.cost_breakdown.undiscounted)
            assert j["tfi"]["counts"] == dict(v.tfi.counts)
        for j, r in zip(got["versus_comparator"], sc.versus_comparator):
            assert (j["strategy"], j["icer"], j["status"], j["description"]) == (
                r.strategy,
                r.icer,
                r.status,
                r.description,
            )
        assert [j["status"] for j in got["incremental"]] == [r.status for r in sc.incremental]
        assert "description" not in got["incremental"][0]  # report-only fields stay out
    nb = results.net_benefit.scenarios["cheap A"]
    assert data["net_benefit"]["scenarios"]["cheap A"]["optimal"] == list(nb.optimal)
    assert data["burden"]["reference_value"] == results.burden.burden.reference_value
    assert data["burden"]["optimal_at_reference_value"] == dict(results.burden.optimal_at_reference_value)
    judged = results.burden.judgements["base case"][0]
    assert data["burden"]["judgements"]["base case"][0]["inmb"] == judged.inmb and judged.text
    row = results.dsa.tornado["A"][0]
    assert data["dsa"]["tornado"]["A"][0]["swing"] == row.swing and "result_low" not in data["dsa"]["tornado"]["A"][0]
    at = results.psa.at(results.headline.wtp)
    j = next(a for a in data["psa"]["at_wtp"] if a["wtp"] == results.headline.wtp)
    assert j["ceac"] == dict(at.ceac) and j["evpi_per_patient"] == at.evpi_per_patient
    assert data["psa"]["headline_wtp_source"] == results.headline.source
    assert data["psa"]["convergence"]["strategies"]["A"]["running_mean"][-1] == [
        50,
        results.psa.convergence.strategies["A"].running[-1],
    ]


def test_the_result_is_immutable(results):
    with pytest.raises(dataclasses.FrozenInstanceError):
        results.comparator = "A"  # type: ignore[misc]
    with pytest.raises(TypeError):
        results.scenarios["base case"].strategies["A"] = None  # type: ignore[index]
    assert isinstance(results.base.incremental, tuple) and isinstance(results.psa.incremental, tuple)


def test_report_only_numbers_are_consistent_with_summary_numbers(results):
    """The running mean and its standard error of the convergence figure end at the reported values."""
    conv = results.psa.convergence.strategies["B"]
    assert conv.running[-1] == pytest.approx(conv.mean_incremental_nmb, rel=1e-12)
    assert conv.running_se[-1] == pytest.approx(conv.monte_carlo_se, rel=1e-9)
    assert math.isnan(conv.running_se[0])
    inc = next(i for i in results.psa.incremental if i.strategy == "B")
    assert np.mean(inc.d_cost) == pytest.approx(inc.incremental_cost.mean, rel=1e-12)
    timeline = results.base_case.timeline["AB"]
    np.testing.assert_allclose(sum(timeline.values()), 1.0, atol=1e-12)
