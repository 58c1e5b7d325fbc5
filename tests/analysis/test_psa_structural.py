"""Structural uncertainty in the PSA (hecon.analysis.psa_structural): a discrete parameter
switches the model between alternatives; results by alternative and averaged over all samples.

Reference values are computed here by hand: the two-state model has closed forms (start-of-
cycle counting, no discounting, as tests/engine/test_run.py::test_two_state_closed_form), and
for a model with other random inputs the groups are formed again with numpy from the
per-sample arrays of the PSA dataset.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from hecon.analysis.psa import ALTERNATIVES_ATTR, load_psa, run_psa, save_psa
from hecon.analysis.psa_structural import ALL_SAMPLES, structural_alternatives
from hecon.analysis.psa_summary import summarise_psa
from hecon.analysis.serialise import to_json
from hecon.model.distributions import draw_parameters
from hecon.model.spec import Distribution, ModelSpec, Parameter, Settings, State, Strategy, Transition

T = 10  # yearly cycles
WTP = 30_000.0
N_SAMPLES = 2000
SEED = 5
WEIGHTS = {"weibull": 0.5, "cure": 0.3, "pessimistic": 0.2}


def life_years(p: float) -> float:
    """Alive -> Dead with probability p per yearly cycle, counted at the start of each cycle:
    sum_{k=0}^{T-1} (1 - p)^k = (1 - (1 - p)^T) / p."""
    return (1 - (1 - p) ** T) / p


def switching_model(random_inputs: bool = False) -> ModelSpec:
    """usual: death probability 0.1, care 1000 per cycle. new: care 1000 plus a drug cost of
    1000 per cycle (alternative 1 'weibull') or 3000 (alternative 2 'cure'), death probability
    0.08, or 0.12 under alternative 3 'pessimistic' (drug cost 1000). Utility 0.8."""
    D = Distribution
    u = Parameter("u", 0.8, distribution=D("beta", {"mean": 0.8, "se": 0.05}) if random_inputs else None)
    c = Parameter("c", 1000.0, distribution=D("gamma", {"mean": 1000.0, "se": 200.0}) if random_inputs else None)
    return ModelSpec(
        Settings(
            cycle_length_days=365.25,
            horizon_years=float(T),
            within_cycle="none",
            discount_rate_costs=0.0,
            discount_rate_effects=0.0,
            wtp=(WTP,),
        ),
        states=(
            State("Alive", utility="u", costs={"care": "c", "drug": "extra"}),
            State("Dead", flags=frozenset({"dead"})),
        ),
        transitions=(Transition("Alive", "Dead", "p"), Transition("Alive", "Alive", "#")),
        strategies=(
            Strategy("usual"),
            Strategy(
                "new", {"p": "if_else(pfs_model == 3, 0.12, 0.08)", "extra": "if_else(pfs_model == 2, 3000, 1000)"}
            ),
        ),
        parameters=(
            Parameter("p", 0.1),
            Parameter("extra", 0.0),
            u,
            c,
            Parameter("pfs_model", 1, distribution=D("discrete", dict(WEIGHTS))),
        ),
    )


@pytest.fixture(scope="module")
def fixed_psa():
    spec = switching_model()
    ds = run_psa(spec, N_SAMPLES, seed=SEED, chunk_size=512, progress=False)
    return spec, ds, summarise_psa(ds, "usual", [WTP], WTP)


@pytest.fixture(scope="module")
def random_psa():
    spec = switching_model(random_inputs=True)
    ds = run_psa(spec, N_SAMPLES, seed=SEED, chunk_size=512, progress=False)
    return spec, ds, summarise_psa(ds, "usual", [WTP], WTP)


def test_psa_dataset_carries_the_drawn_positions_and_the_labels(fixed_psa):
    spec, ds, _ = fixed_psa
    drawn = ds["parameters"].sel(parameter="pfs_model").values
    np.testing.assert_array_equal(drawn, draw_parameters(spec.parameters, N_SAMPLES, SEED)["pfs_model"])
    assert set(np.unique(drawn)) == {1.0, 2.0, 3.0}
    assert json.loads(ds.attrs[ALTERNATIVES_ATTR]) == {"pfs_model": WEIGHTS}
    assert list(json.loads(ds.attrs[ALTERNATIVES_ATTR])["pfs_model"]) == list(WEIGHTS)


def test_by_alternative_means_equal_the_closed_forms(fixed_psa):
    """Only the discrete parameter is drawn, so every sample of a group has the closed-form
    outcomes of its alternative."""
    spec, ds, summary = fixed_psa
    (result,) = summary.structural
    assert result.parameter == "pfs_model" and result.comparator == "usual" and result.wtp == WTP
    drawn = draw_parameters(spec.parameters, N_SAMPLES, SEED)["pfs_model"]
    counts = [int(np.sum(drawn == k)) for k in (1, 2, 3)]
    ly_usual, ly_new, ly_pessimistic = life_years(0.1), life_years(0.08), life_years(0.12)
    new_costs = [2000 * ly_new, 4000 * ly_new, 2000 * ly_pessimistic]
    new_lys = [ly_new, ly_new, ly_pessimistic]

    assert [a.label for a in result.alternatives] == list(WEIGHTS)
    assert [a.position for a in result.alternatives] == [1, 2, 3]
    assert [a.weight for a in result.alternatives] == pytest.approx(list(WEIGHTS.values()), rel=1e-15)
    assert [a.n_samples for a in result.alternatives] == counts
    assert [a.share for a in result.alternatives] == [c / N_SAMPLES for c in counts]
    for a, cost, ly in zip(result.alternatives, new_costs, new_lys):
        usual, new = a.strategies["usual"], a.strategies["new"]
        assert (usual.costs, usual.qalys, usual.lys) == pytest.approx((1000 * ly_usual, 0.8 * ly_usual, ly_usual))
        assert (new.costs, new.qalys, new.lys) == pytest.approx((cost, 0.8 * ly, ly), rel=1e-12)
        (versus,) = a.versus_comparator
        assert versus.incremental_cost == pytest.approx(cost - 1000 * ly_usual, rel=1e-12)
        assert versus.incremental_qalys == pytest.approx(0.8 * (ly - ly_usual), rel=1e-12)
        assert versus.incremental_lys == pytest.approx(ly - ly_usual, rel=1e-12)
    # alternative 2 adds 3000 instead of 1000 a cycle: 2000 x the life-years of 'new' more
    weibull, cure, pessimistic = result.alternatives
    assert cure.strategies["new"].costs - weibull.strategies["new"].costs == pytest.approx(2000 * ly_new, rel=1e-12)

    icer_weibull = (2000 * ly_new - 1000 * ly_usual) / (0.8 * (ly_new - ly_usual))  # about 17,100 per QALY
    icer_cure = (4000 * ly_new - 1000 * ly_usual) / (0.8 * (ly_new - ly_usual))  # about 48,900 per QALY
    assert weibull.versus_comparator[0].status == "ICER"
    assert weibull.versus_comparator[0].icer == pytest.approx(icer_weibull, rel=1e-12)
    assert weibull.versus_comparator[0].description == f"EUR {icer_weibull:,.0f} per QALY gained"
    assert cure.versus_comparator[0].icer == pytest.approx(icer_cure, rel=1e-12)
    # pessimistic: new costs more (2000 x 6.01 > 1000 x 6.51) and gives fewer life-years
    assert pessimistic.versus_comparator[0].status == "dominated"
    assert pessimistic.versus_comparator[0].icer is None
    assert pessimistic.versus_comparator[0].description == "Dominated (more costly, less effective)"
    # at 30,000 per QALY: new is cost-effective under 'weibull' only
    assert dict(weibull.probability_cost_effective) == {"usual": 0.0, "new": 1.0}
    assert dict(cure.probability_cost_effective) == {"usual": 1.0, "new": 0.0}
    assert dict(pessimistic.probability_cost_effective) == {"usual": 1.0, "new": 0.0}


def test_averaged_row_is_the_share_weighted_mix_of_the_closed_forms(fixed_psa):
    spec, _, summary = fixed_psa
    averaged = summary.structural[0].averaged
    drawn = draw_parameters(spec.parameters, N_SAMPLES, SEED)["pfs_model"]
    shares = np.array([np.mean(drawn == k) for k in (1, 2, 3)])
    ly_new, ly_pessimistic = life_years(0.08), life_years(0.12)
    assert averaged.label == ALL_SAMPLES and averaged.position is None and averaged.weight == 1.0
    assert averaged.n_samples == N_SAMPLES and averaged.share == 1.0
    expected_cost = shares @ [2000 * ly_new, 4000 * ly_new, 2000 * ly_pessimistic]
    expected_qalys = shares @ [0.8 * ly_new, 0.8 * ly_new, 0.8 * ly_pessimistic]
    assert averaged.strategies["new"].costs == pytest.approx(expected_cost, rel=1e-12)
    assert averaged.strategies["new"].qalys == pytest.approx(expected_qalys, rel=1e-12)
    assert averaged.probability_cost_effective["new"] == pytest.approx(shares[0], abs=1e-15)
    assert averaged.strategies["new"].costs == pytest.approx(summary.strategies["new"].costs.mean, rel=1e-12)


def test_by_alternative_results_regroup_the_per_sample_arrays(random_psa):
    """With other inputs drawn too, each group's numbers are recomputed from the dataset's
    per-sample arrays with numpy: means, increments, and the share of samples in which each
    strategy has the highest net monetary benefit; the averaged row is the share-weighted mix."""
    _, ds, summary = random_psa
    (result,) = summary.structural
    drawn = ds["parameters"].sel(parameter="pfs_model").values
    costs = ds["total_costs"].sel(strategy=["usual", "new"]).transpose("sample", "strategy").values
    qalys = ds["qalys"].sel(strategy=["usual", "new"]).transpose("sample", "strategy").values
    lys = ds["lys"].sel(strategy=["usual", "new"]).transpose("sample", "strategy").values
    mixed = np.zeros(3)
    for k, a in enumerate(result.alternatives, start=1):
        mask = drawn == k
        assert a.n_samples == mask.sum() > 0
        mean_c, mean_e, mean_l = costs[mask].mean(axis=0), qalys[mask].mean(axis=0), lys[mask].mean(axis=0)
        for j, s in enumerate(["usual", "new"]):
            got = a.strategies[s]
            assert (got.costs, got.qalys, got.lys) == pytest.approx((mean_c[j], mean_e[j], mean_l[j]), rel=1e-12)
        versus = a.versus_comparator[0]
        assert versus.incremental_cost == pytest.approx(mean_c[1] - mean_c[0], rel=1e-12)
        assert versus.incremental_qalys == pytest.approx(mean_e[1] - mean_e[0], rel=1e-12)
        nmb = WTP * qalys[mask] - costs[mask]
        assert a.probability_cost_effective["new"] == pytest.approx(np.mean(nmb[:, 1] > nmb[:, 0]), abs=1e-15)
        mixed += a.share * np.array([mean_c[1], mean_e[1], mean_l[1]])
    averaged = result.averaged.strategies["new"]
    assert (averaged.costs, averaged.qalys, averaged.lys) == pytest.approx(tuple(mixed), rel=1e-12)
    # the groups differ: the cure alternative costs more on average by far more than chance
    weibull, cure, _ = result.alternatives
    assert cure.strategies["new"].costs - weibull.strategies["new"].costs > 10_000


def test_an_alternative_no_sample_drew_has_no_results():
    spec = switching_model()
    params = tuple(
        Parameter("pfs_model", 1, distribution=Distribution("discrete", {"weibull": 1, "cure": 0, "pessimistic": 1}))
        if p.name == "pfs_model"
        else p
        for p in spec.parameters
    )
    ds = run_psa(replace(spec, parameters=params), 50, seed=1, progress=False)
    (result,) = structural_alternatives(ds, "usual", WTP)
    cure = result.alternatives[1]
    assert (cure.label, cure.weight, cure.n_samples, cure.share) == ("cure", 0.0, 0, 0.0)
    assert dict(cure.strategies) == {} and cure.versus_comparator == () and dict(cure.probability_cost_effective) == {}
    assert sum(a.n_samples for a in result.alternatives) == 50


def test_structural_results_in_summary_json_and_after_a_netcdf_round_trip(tmp_path, fixed_psa):
    _, ds, summary = fixed_psa
    data = to_json(summary)
    (entry,) = data["structural"]
    assert entry["parameter"] == "pfs_model"
    assert [a["label"] for a in entry["alternatives"]] == list(WEIGHTS)
    assert entry["averaged"]["label"] == ALL_SAMPLES
    assert set(entry["alternatives"][0]["strategies"]["new"]) == {"costs", "qalys", "lys"}
    save_psa(ds, tmp_path / "psa.nc")
    again = structural_alternatives(load_psa(tmp_path / "psa.nc"), "usual", WTP)
    assert again == summary.structural


def test_no_discrete_parameter_no_structural_results():
    spec = switching_model()
    params = tuple(p for p in spec.parameters if p.name != "pfs_model") + (
        Parameter("pfs_model", 1, distribution=Distribution("normal", {"mean": 1.0, "sd": 0.0})),
    )
    ds = run_psa(replace(spec, parameters=params), 20, seed=1, progress=False)
    assert ALTERNATIVES_ATTR not in ds.attrs
    summary = summarise_psa(ds, "usual", [WTP], WTP)
    assert summary.structural == ()
    assert "structural" not in to_json(summary)
