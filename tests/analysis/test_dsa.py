"""One-way sensitivity analysis (hecon.analysis.dsa) and parameter variations along the sample
dimension (hecon.analysis.variations), checked against separate model runs (double programming: each
variation is also run on its own, as a loop of runs would)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import xarray as xr

from hecon.analysis.dsa import DsaParameter, DsaResult, run_dsa
from hecon.analysis.dsa_summary import summarise_dsa
from hecon.analysis.serialise import to_json
from hecon.analysis.variations import Target, base_value, vary
from hecon.engine.run import run_model
from hecon.model.distributions import dsa_bounds
from hecon.model.problems import ModelError
from hecon.model.spec import Distribution, Parameter, Strategy
from tests.models import textbook_model


def _flag(spec, ranges):
    """Flag parameters for DSA; ``ranges`` name -> (low, high) or None (range from the distribution)."""
    params = []
    for p in spec.parameters:
        if p.name in ranges:
            low, high = ranges[p.name] or (None, None)
            p = dataclasses.replace(p, dsa=True, dsa_low=low, dsa_high=high)
        else:
            p = dataclasses.replace(p, dsa=False)
        params.append(p)
    return dataclasses.replace(spec, parameters=tuple(params))


@pytest.fixture(scope="module")
def model(textbook_20y):
    spec = textbook_20y
    # u_S2 follows u_S1 through a formula, so that varying u_S1 must move u_S2 too
    params = tuple(dataclasses.replace(p, value="u_S1 - 0.25") if p.name == "u_S2" else p for p in spec.parameters)
    return dataclasses.replace(spec, parameters=params)


def test_base_value_of_numbers_formulas_and_strategy_values(model):
    assert base_value(model, "c_H") == 2000.0
    assert base_value(model, "u_S2") == pytest.approx(0.5)
    assert base_value(model, "c_trt") == 0.0
    assert base_value(model, "c_trt", "B") == 13000.0
    assert base_value(model, "u_S1", "A") == 0.95  # A's own value is the formula 'u_trtA'
    with pytest.raises(ModelError, match="no parameter of that name"):
        base_value(model, "nope")


def test_variations_with_every_switch_off_give_the_base_case(model):
    v = vary(model, [Target("u_S1"), Target("c_trt", "B"), Target("u_S2")])
    base = run_model(model)
    varied = run_model(v.spec, v.samples([{}, {}]))
    for name in ("total_costs", "qalys", "lys"):
        np.testing.assert_allclose(varied[name].values, np.repeat(base[name].values, 2, axis=1), rtol=1e-14)


def test_a_strategy_value_is_varied_in_that_strategy_only(model):
    v = vary(model, [Target("c_trt", "B")])
    ds = run_model(v.spec, v.samples([{0: 20000.0}]))
    own = dataclasses.replace(
        model,
        strategies=tuple(
            Strategy(s.name, {**s.parameters, "c_trt": 20000.0}, s.description) if s.name == "B" else s
            for s in model.strategies
        ),
    )
    expected = run_model(own)
    np.testing.assert_allclose(ds["total_costs"].values, expected["total_costs"].values, rtol=1e-12)


def test_every_variation_equals_a_separate_run(model):
    spec = _flag(model, {"u_S1": (0.6, 0.8), "c_H": (1500.0, 2500.0), "p_HS1": (0.1, 0.2)})
    result = run_dsa(spec, "SoC", wtp=(20000.0, 50000.0), tornado_wtp=50000.0, progress=False)
    assert list(result.results["variation"].values) == [
        "base case",
        "p_HS1 low",
        "p_HS1 high",
        "c_H low",
        "c_H high",
        "u_S1 low",
        "u_S1 high",
    ]
    np.testing.assert_allclose(
        result.results["total_costs"].isel(sample=0).values,
        run_model(spec)["total_costs"].isel(sample=0).values,
        rtol=1e-12,
    )
    for k, p in enumerate(result.parameters):
        for j, value in enumerate((p.low, p.high)):
            alone = run_model(spec.with_parameters({p.name: value}))  # u_S2 = u_S1 - 0.25 follows u_S1
            for name in ("total_costs", "qalys", "lys"):
                np.testing.assert_allclose(
                    result.results[name].isel(sample=1 + 2 * k + j).values,
                    alone[name].isel(sample=0).values,
                    rtol=1e-12,
                    err_msg=f"{p.name} {name}",
                )


def test_tornado_is_sorted_by_swing_of_incremental_net_benefit(model):
    spec = _flag(model, {"u_S1": (0.6, 0.8), "c_H": (1500.0, 2500.0), "p_HS1": (0.1, 0.2), "c_S2": (10000, 20000)})
    result = run_dsa(spec, "SoC", wtp=(50000.0,), progress=False)
    rows = result.tornado("B")
    swings = [r["swing"] for r in rows]
    assert swings == sorted(swings, reverse=True)
    outcomes = result.outcomes("B")
    base = outcomes[0]
    costs = result.results["total_costs"].isel(sample=0)
    qalys = result.results["qalys"].isel(sample=0)
    d_cost = float(costs.sel(strategy="B") - costs.sel(strategy="SoC"))
    d_qaly = float(qalys.sel(strategy="B") - qalys.sel(strategy="SoC"))
    assert base["incremental_cost"] == pytest.approx(d_cost)
    assert base["icer"] == pytest.approx(d_cost / d_qaly)
    assert base["inmb"][50000.0] == pytest.approx(50000.0 * d_qaly - d_cost)
    for r in rows:
        assert r["swing"] == pytest.approx(abs(r["inmb_high"] - r["inmb_low"]))
    summary = to_json(summarise_dsa(result))
    assert list(summary["tornado"]) == ["A", "B", "AB"]
    assert summary["parameters"][0] == {
        "name": "p_HS1",
        "unit": "per cycle",
        "base": 0.15,
        "low": 0.1,
        "high": 0.2,
        "range_source": "dsa_low/dsa_high",
    }


def test_range_defaults_to_the_distribution_quantiles():
    spec = textbook_model(horizon_years=10.0)  # the example's distributions, flagged for DSA
    result = run_dsa(spec, progress=False)
    by_name = {p.name: p for p in result.parameters}
    flagged = [p for p in spec.parameters if p.dsa]
    assert list(by_name) == [p.name for p in flagged]
    for p in flagged:
        assert (by_name[p.name].low, by_name[p.name].high) == dsa_bounds(p)
        assert by_name[p.name].range_source == "distribution (2.5%, 97.5%)"
    assert result.results.sizes["sample"] == 1 + 2 * len(flagged)  # one vectorised run


def test_problems_are_reported_together(model):
    bad = dataclasses.replace(
        model,
        parameters=model.parameters
        + (
            Parameter("x_no_range", 1.0, dsa=True),
            Parameter("x_reversed", 1.0, dsa=True, dsa_low=2.0, dsa_high=0.5),
            Parameter("x_dirichlet", 0.5, dsa=True, distribution=Distribution("dirichlet", {"alpha": 2.0}, "g")),
            Parameter("x_dirichlet2", 0.5, distribution=Distribution("dirichlet", {"alpha": 2.0}, "g")),
        ),
    )
    with pytest.raises(ModelError) as info:
        run_dsa(bad, progress=False)
    text = str(info.value)
    assert "parameter 'x_no_range': has no DSA range and no distribution" in text
    assert "parameter 'x_reversed': DSA low value 2 is above the high value 0.5" in text
    assert "parameter 'x_dirichlet': has no DSA range; a dirichlet marginal depends on the whole group" in text
    nothing = _flag(model, {})
    with pytest.raises(ModelError, match="no parameter is flagged"):
        run_dsa(nothing, progress=False)


def test_unknown_targets_are_refused(model):
    with pytest.raises(ModelError) as info:
        vary(model, [Target("nope"), Target("c_H", "Z")])
    assert "parameter 'nope': no parameter of that name" in str(info.value)
    assert "strategy 'Z', parameter 'c_H': no strategy 'Z'" in str(info.value)


def test_each_low_and_high_value_has_its_own_frontier_hand_worked():
    """Costs [EUR] and QALYs per variation, written by hand (sample 0 the base case, 1 and 2 parameter
    p at its low and high value); A is the comparator, R a reference strategy that would dominate
    every option if it were counted (it must not be: it is outside the decision).

    base:  A (1,000, 1.0), B (3,000, 1.5), C (6,000, 2.0): ICERs B-A 4,000, C-B 6,000, all on the frontier
    low:   B (7,000, 1.5): C costs less (6,000) and gains more (2.0): B dominated; C-A 2,500
    high:  B (4,500, 1.5): B-A 7,000 > C-B 3,000: B extendedly dominated
    """
    strategies = ["A", "B", "C", "R"]
    costs = [[1000, 1000, 1000], [3000, 7000, 4500], [6000, 6000, 6000], [500, 500, 500]]
    qalys = [[1.0, 1.0, 1.0], [1.5, 1.5, 1.5], [2.0, 2.0, 2.0], [3.0, 3.0, 3.0]]
    ds = xr.Dataset(
        {
            "total_costs": (("strategy", "sample"), np.array(costs, dtype=float)),
            "qalys": (("strategy", "sample"), np.array(qalys, dtype=float)),
            "lys": (("strategy", "sample"), np.array(qalys, dtype=float)),
        },
        coords={"strategy": strategies},
    )
    result = DsaResult(
        (DsaParameter("p", 1.0, 0.0, 2.0, "dsa_low/dsa_high"),), "A", (50_000.0,), 50_000.0, ds,
        strategies=tuple(strategies), references=("R",),
    )  # fmt: skip
    assert [result.frontier_status("B", i) for i in range(3)] == ["non-dominated", "dominated", "extendedly dominated"]
    assert [result.frontier_status("C", i) for i in range(3)] == ["non-dominated"] * 3
    assert result.frontier_status("A", 0) == "reference"  # the cheapest option: the frontier's start
    assert result.frontier_status("R", 1) == ""  # outside the decision
    summary = summarise_dsa(result)
    (b,) = summary.tornado["B"]
    assert (b.frontier_low, b.frontier_high) == ("dominated", "extendedly dominated")
    assert b.icer_low == pytest.approx(6000 / 0.5)  # the pairwise ICER versus A is still there
    (r,) = summary.tornado["R"]
    assert (r.frontier_low, r.frontier_high) == ("", "")
