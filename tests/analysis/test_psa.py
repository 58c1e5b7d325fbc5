"""Probabilistic sensitivity analysis runs (hecon.analysis.psa): reproducibility whatever the
chunking and the number of Dask workers, agreement with the deterministic model, summaries,
and the netCDF file."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import xarray as xr

from hecon.analysis.convergence import monte_carlo_se
from hecon.analysis.psa import load_psa, run_psa, save_psa
from hecon.analysis.psa_summary import summarise_psa, wtp_grid
from hecon.analysis.serialise import to_json
from hecon.engine.run import run_model
from hecon.model.distributions import draw_parameters
from hecon.model.problems import ModelError
from hecon.model.spec import (
    PARTITIONED_SURVIVAL,
    Distribution,
    ModelSpec,
    Parameter,
    Settings,
    State,
    Strategy,
    Transition,
    TransitionReward,
)
from tests.models import both_structures_model, with_settings

VARIABLES = (
    "total_costs",
    "qalys",
    "lys",
    "costs",
    "counts",
    "time_in",
    "total_costs_undiscounted",
    "qalys_undiscounted",
    "lys_undiscounted",
    "parameters",
)


def linear_model(se_cost: float = 200.0, se_utility: float = 0.05) -> ModelSpec:
    """Alive -> Dead with a fixed probability; cost and utility drawn. Every outcome is linear in
    the drawn inputs, so PSA means must converge to the deterministic results."""
    D = Distribution
    return ModelSpec(
        Settings(
            cycle_length_days=365.25,
            horizon_years=20.0,
            within_cycle="trapezoid",
            discount_rate_costs=0.03,
            discount_rate_effects=0.015,
            wtp=(20000.0, 50000.0),
        ),
        states=(
            State("Alive", utility="u", costs={"care": "c", "drug": "extra"}),
            State("Dead", flags=frozenset({"dead"})),
        ),
        transitions=(Transition("Alive", "Dead", "p"), Transition("Alive", "Alive", "#")),
        strategies=(Strategy("usual"), Strategy("new", {"p": 0.08, "extra": "c_new"})),
        parameters=(
            Parameter("p", 0.1),
            Parameter("extra", 0.0),
            Parameter("u", 0.8, distribution=D("beta", {"mean": 0.8, "se": se_utility})),
            Parameter("c", 1000.0, distribution=D("gamma", {"mean": 1000.0, "se": se_cost})),
            Parameter("c_new", 500.0, distribution=D("gamma", {"mean": 500.0, "se": 100.0})),
        ),
    )


def _same(a: xr.Dataset, b: xr.Dataset) -> None:
    for name in VARIABLES:
        np.testing.assert_array_equal(a[name].values, b[name].values, err_msg=name)
    assert list(a["parameter"].values) == list(b["parameter"].values)


@pytest.fixture(scope="module")
def reference(textbook_20y):
    return run_psa(textbook_20y, 200, seed=11, chunk_size=200, progress=False)


def test_outcomes_are_identical_for_1_2_and_4_chunks(textbook_20y, reference):
    for chunk_size in (100, 50, 64):  # 2 and 4 chunks, and chunks that cut random blocks
        _same(run_psa(textbook_20y, 200, seed=11, chunk_size=chunk_size, progress=False), reference)


def test_outcomes_are_identical_on_1_and_2_dask_workers(textbook_20y, reference):
    distributed = pytest.importorskip("distributed")
    for n_workers in (1, 2):
        with (
            distributed.LocalCluster(
                n_workers=n_workers, threads_per_worker=1, processes=False, dashboard_address=None
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            _same(run_psa(textbook_20y, 200, seed=11, chunk_size=50, client=client, progress=False), reference)


def test_samples_are_the_drawn_parameters_run_through_the_model(textbook_20y, reference):
    draws = draw_parameters(textbook_20y.parameters, 200, 11)
    assert list(reference["parameter"].values) == list(draws)
    for k, name in enumerate(draws):
        np.testing.assert_array_equal(reference["parameters"].values[:, k], draws[name])
    direct = run_model(textbook_20y, draws)  # the engine on the same draws, one call
    for name in ("total_costs", "qalys", "lys"):
        np.testing.assert_array_equal(reference[name].values, direct[name].values)
    assert reference.attrs["seed"] == 11 and reference.attrs["n_samples"] == 200


def test_another_seed_gives_other_samples(textbook_20y, reference):
    other = run_psa(textbook_20y, 200, seed=12, progress=False)
    assert not np.array_equal(other["total_costs"].values, reference["total_costs"].values)


def test_all_standard_errors_zero_reproduce_the_deterministic_run():
    spec = linear_model(se_cost=0.0, se_utility=0.0)
    spec = dataclasses.replace(
        spec,
        parameters=tuple(
            dataclasses.replace(p, distribution=Distribution("gamma", {"mean": 500.0, "se": 0.0}))
            if p.name == "c_new"
            else p
            for p in spec.parameters
        ),
    )
    ds = run_psa(spec, 20, seed=1, progress=False)
    det = run_model(spec)
    for name in ("total_costs", "qalys", "lys"):
        np.testing.assert_allclose(ds[name].values, np.repeat(det[name].values, 20, axis=1), rtol=1e-13)


def sampled_start_cost_model(structure: str) -> ModelSpec:
    """:func:`tests.models.both_structures_model` with a drawn cost per cycle in PF (``c_pf``) that
    is also a one-off cost on the cohort placed in PF at the start (5 x ``c_pf``), under half-cycle
    correction: point 0 has weight 1/2, so a start reward weighted again would show."""
    base = both_structures_model()
    return with_settings(
        dataclasses.replace(
            base,
            states=(State("PF", utility=0.8, costs={"care": "c_pf"}),) + base.states[1:],
            parameters=(Parameter("c_pf", 100.0, distribution=Distribution("gamma", {"mean": 100.0, "se": 30.0})),),
            transition_rewards=(TransitionReward("PF", "5 * c_pf", "cost", "start", "(start)"),),
        ),
        structure=structure,
    )


@pytest.mark.parametrize("structure", ["state_transition", PARTITIONED_SURVIVAL])
def test_each_sample_equals_the_deterministic_run_with_its_draws(structure):
    """Sample i of the PSA (chunked path, per-cycle values not kept) is the deterministic model run
    with sample i's draw as the parameter's value, and the engine run over all the draws at once
    (per-cycle values kept) gives the same. A partitioned-survival run that kept per-cycle values
    added its start rewards to the totals twice (again at point 0's weight)."""
    spec = sampled_start_cost_model(structure)
    ds = run_psa(spec, 50, seed=5, chunk_size=16, progress=False)
    draws = ds["parameters"].sel(parameter="c_pf").values
    assert np.ptp(draws) > 50.0  # the draws differ
    per_sample = [run_model(spec.with_parameters({"c_pf": float(v)})) for v in draws]
    together = run_model(spec, {"c_pf": draws})
    for name in ("total_costs", "costs", "qalys", "total_costs_undiscounted"):
        deterministic = xr.concat([r[name] for r in per_sample], dim="sample").transpose(*ds[name].dims)
        np.testing.assert_allclose(ds[name].values, deterministic.values, rtol=1e-9, atol=0, err_msg=name)
        np.testing.assert_allclose(together[name].values, deterministic.values, rtol=1e-9, atol=0, err_msg=name)
    start = ds["costs"].sel(category="start").values  # at time 0: neither discounted nor corrected
    np.testing.assert_allclose(start, np.broadcast_to(5.0 * draws, start.shape), rtol=1e-12)


def test_psa_means_converge_to_the_deterministic_results_of_a_linear_model():
    spec = linear_model()
    n = 4000
    ds = run_psa(spec, n, seed=2024, progress=False)
    det = run_model(spec).isel(sample=0)
    for name in ("total_costs", "qalys"):
        for s in ("usual", "new"):
            x = ds[name].sel(strategy=s).values
            gap = abs(x.mean() - float(det[name].sel(strategy=s)))
            assert gap < 4 * monte_carlo_se(x), (name, s, gap)
    # linear in the draws: each sample's costs are the deterministic costs scaled by c_i / E[c]
    c = ds["parameters"].sel(parameter="c").values
    usual = float(det["total_costs"].sel(strategy="usual"))
    np.testing.assert_allclose(ds["total_costs"].sel(strategy="usual").values, usual * c / 1000.0, rtol=1e-12)
    # and the mean gap shrinks with the sample mean of the input (no bias)
    np.testing.assert_allclose(
        ds["total_costs"].sel(strategy="usual").values.mean(), usual * c.mean() / 1000.0, rtol=1e-12
    )


def test_summary_intervals_ceac_evpi_and_convergence(textbook_20y, reference):
    s = to_json(
        summarise_psa(
            reference,
            "SoC",
            [20000.0, 50000.0],
            50000.0,
            population_size=1000.0,
            population_years=10,
            population_discount_rate=0.03,
        )
    )
    costs = reference["total_costs"].sel(strategy="B").values
    entry = s["strategies"]["B"]["costs"]
    assert entry["mean"] == pytest.approx(costs.mean())
    assert (entry["low"], entry["high"]) == pytest.approx(tuple(np.quantile(costs, [0.025, 0.975])))
    inc = next(r for r in s["incremental"] if r["strategy"] == "B")
    d_cost = costs - reference["total_costs"].sel(strategy="SoC").values
    d_qaly = reference["qalys"].sel(strategy="B").values - reference["qalys"].sel(strategy="SoC").values
    assert inc["icer"] == pytest.approx(d_cost.mean() / d_qaly.mean())
    assert sum(inc["quadrants"].values()) == pytest.approx(1.0)
    for a in s["at_wtp"]:
        assert sum(a["ceac"].values()) == pytest.approx(1.0)
        assert a["evpi_per_patient"] >= 0
        assert a["evpi_population"] == pytest.approx(a["evpi_per_patient"] * s["population"]["discounted_patients"])
    grid = s["curves"]["wtp"]
    assert grid[0] == 0 and 50000.0 in grid and 20000.0 in grid and grid == sorted(grid)
    np.testing.assert_allclose(np.sum([s["curves"]["ceac"][k] for k in s["curves"]["ceac"]], axis=0), 1.0)
    conv = s["convergence"]["strategies"]["B"]
    assert conv["mean_incremental_nmb"] == pytest.approx(np.mean(50000.0 * d_qaly - d_cost))
    assert conv["monte_carlo_se"] == pytest.approx(np.std(50000.0 * d_qaly - d_cost, ddof=1) / np.sqrt(200))
    assert conv["running_mean"][-1] == [200, pytest.approx(conv["mean_incremental_nmb"])]
    assert 1 <= conv["stable_within_5pct_from_sample"] <= conv["stable_within_1pct_from_sample"] <= 200
    assert not s["meets_zin_minimum"]


def test_evpi_is_zero_when_one_strategy_always_wins():
    spec = linear_model()
    # "new" is cheaper (c_new < 0 in every sample) and better (lower mortality) in every sample
    spec = dataclasses.replace(
        spec,
        parameters=tuple(
            dataclasses.replace(p, value=-500.0, distribution=Distribution("uniform", {"min": -600.0, "max": -400.0}))
            if p.name == "c_new"
            else p
            for p in spec.parameters
        ),
    )
    ds = run_psa(spec, 300, seed=5, progress=False)
    s = to_json(summarise_psa(ds, "usual", [0.0, 20000.0, 80000.0], 20000.0))
    for a in s["at_wtp"]:
        assert a["evpi_per_patient"] == 0.0
        assert a["ceac"] == {"usual": 0.0, "new": 1.0}
        assert a["optimal"] == "new"
    assert s["curves"]["evpi_per_patient"] == [0.0] * len(s["curves"]["wtp"])


def test_netcdf_round_trip(tmp_path, reference):
    path = tmp_path / "psa.nc"
    save_psa(reference, path)
    back = load_psa(path)
    _same(back, reference)
    assert list(back["strategy"].values) == list(reference["strategy"].values)
    assert back.attrs["seed"] == 11


def test_bad_arguments_are_reported_together(textbook_20y):
    with pytest.raises(ModelError) as info:
        run_psa(textbook_20y, 0, seed=-1, chunk_size=0, progress=False)
    text = str(info.value)
    assert "n_samples = 0" in text and "seed = -1" in text and "chunk_size = 0" in text
    with pytest.raises(ModelError, match="more than one of workers, scheduler and client"):
        run_psa(textbook_20y, 10, seed=1, workers=2, scheduler="tcp://127.0.0.1:1", progress=False)


def test_no_progress_bar_off_a_terminal(textbook_20y, capsys):
    run_psa(textbook_20y, 10, seed=1, progress=True)  # pytest's stderr is not a terminal
    assert capsys.readouterr().err == ""


def test_wtp_grid():
    grid = wtp_grid([20000.0, 80000.0], points=5)
    assert grid.tolist() == [0.0, 20000.0, 40000.0, 80000.0, 120000.0, 160000.0]
    assert wtp_grid([], points=3).tolist() == [0.0, 50000.0, 100000.0]


def test_a_sample_the_model_cannot_run_is_reported_from_a_dask_worker():
    distributed = pytest.importorskip("distributed")
    spec = linear_model()
    spec = dataclasses.replace(
        spec,
        parameters=tuple(  # p > 1 in some samples
            dataclasses.replace(p, distribution=Distribution("uniform", {"min": 0.5, "max": 1.5}))
            if p.name == "p"
            else p
            for p in spec.parameters
        ),
    )
    with pytest.raises(ModelError) as serial:
        run_psa(spec, 50, seed=1, progress=False)
    with (
        distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
        pytest.raises(ModelError) as parallel,
    ):
        run_psa(spec, 50, seed=1, chunk_size=50, client=client, progress=False)
    assert "is outside [0, 1]" in str(serial.value)
    assert str(parallel.value).split(",")[0] == str(serial.value).split(",")[0]
