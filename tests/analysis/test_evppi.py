"""EVPPI by regression (hecon.analysis.evppi) against closed forms.

With incremental net benefit linear in independent normal parameters, INB(w) = a(w) + sum_i
b_i(w) X_i with X_i ~ N(0, 1), the expected INB given X_k is normal with mean m = a and standard
deviation s = |b_k|, so (two strategies; Strong, Oakley & Brennan 2014, eq. 3)

    EVPPI(X_k) = E[max(0, Y)] - max(0, m),  Y ~ N(m, s^2),  E[max(0, Y)] = m Phi(m/s) + s phi(m/s).

The estimate from n samples also carries Monte Carlo error, whose standard error is
sd(max(0, g(X))) / sqrt(n) with g the true conditional mean; the tolerance is three times
the combined standard error.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from scipy.stats import norm

from hecon.analysis import smoother as smoother_module
from hecon.analysis.evppi import EvppiInput, PosteriorDraws, evppi_inputs, regression_evppi, summarise_evppi
from hecon.analysis.smoother import Smoother
from hecon.analysis.voi import evpi
from hecon.model.problems import ModelError
from tests.models import rich_model

N = 1000
WTP = (10_000.0, 20_000.0, 30_000.0)


def closed_form(m: float, s: float) -> float:
    """E[max(0, Y)] - max(0, m) for Y ~ N(m, s^2)."""
    return m * norm.cdf(m / s) + s * norm.pdf(m / s) - max(m, 0.0)


def linear_data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dQALY = 0.1 + 0.05 X0, dCost = 2000 + 1000 X1, X2 unused; X ~ N(0, 1)."""
    rng = np.random.default_rng(20241207)
    x = rng.standard_normal((N, 3))
    return x, 2000.0 + 1000.0 * x[:, 1], 0.1 + 0.05 * x[:, 0]


@pytest.fixture(scope="module")
def linear():
    return linear_data()


@pytest.mark.parametrize("k", [0, 1])
def test_single_parameter_matches_the_closed_form_across_wtp(linear, k):
    x, dc, de = linear
    fit = regression_evppi(dc[:, None], de[:, None], x[:, [k]], WTP, 20_000.0, se_wtp=WTP)
    for i, w in enumerate(WTP):
        m = w * 0.1 - 2000.0
        s = w * 0.05 if k == 0 else 1000.0
        g = m + (w * 0.05 * x[:, 0] if k == 0 else -1000.0 * x[:, 1])  # true E[INB | X_k]
        mc_se = np.std(np.maximum(g, 0.0), ddof=1) / np.sqrt(N)
        tol = 3.0 * np.hypot(mc_se, fit.se[i])
        assert fit.per_patient[i] == pytest.approx(closed_form(m, s), abs=tol)
        assert 0 < fit.se[i] < closed_form(m, s)
    assert fit.r_squared[0] > 0.3


def test_a_parameter_that_does_not_affect_net_benefit_is_near_zero(linear):
    x, dc, de = linear
    fit = regression_evppi(dc[:, None], de[:, None], x[:, [2]], [20_000.0], 20_000.0, se_wtp=[20_000.0])
    total = evpi(np.c_[np.zeros(N), dc], np.c_[np.zeros(N), de], [20_000.0])[0]
    assert fit.per_patient[0] < 0.03 * total
    assert fit.per_patient[0] < 3.0 * fit.se[0] + 1.0
    assert fit.r_squared[0] < 0.02


def test_all_parameters_together_give_the_evpi(linear):
    x, dc, de = linear
    fit = regression_evppi(dc[:, None], de[:, None], x, WTP, 20_000.0)
    total = evpi(np.c_[np.zeros(N), dc], np.c_[np.zeros(N), de], list(WTP))
    np.testing.assert_allclose(fit.per_patient, total, rtol=0.01)


def test_a_group_of_two_matches_the_closed_form():
    """INB = w x 0.1 - 2000 + 600 X0 - 800 X1 + 700 X2 (X ~ N(0, 1)): given (X0, X1), INB is normal
    with mean m = w x 0.1 - 2000 and s = sqrt(600^2 + 800^2) = 1000 along the pair."""
    x, _, _ = linear_data()
    dc = 2000.0 - 600.0 * x[:, 0] + 800.0 * x[:, 1] - 700.0 * x[:, 2]
    de = np.full(N, 0.1)
    fit = regression_evppi(dc[:, None], de[:, None], x[:, :2], WTP, 20_000.0, se_wtp=WTP)
    for i, w in enumerate(WTP):
        m = w * 0.1 - 2000.0
        g = m + 600.0 * x[:, 0] - 800.0 * x[:, 1]
        mc_se = np.std(np.maximum(g, 0.0), ddof=1) / np.sqrt(N)
        assert fit.per_patient[i] == pytest.approx(closed_form(m, 1000.0), abs=3.0 * np.hypot(mc_se, fit.se[i]))


def test_a_curved_effect_matches_the_closed_form():
    """INB = 1000 (X0^2 - 1) + 1000 X1: E[INB | X0] = 1000 (X0^2 - 1), mean 0, so
    EVPPI(X0) = 1000 E[max(0, X0^2 - 1)] = 1000 x 2 integral_1^inf (x^2 - 1) phi(x) dx = 2000 phi(1)
    (integral_1^inf x^2 phi = phi(1) + 1 - Phi(1)); a straight line in X0 would give 0."""
    x, _, _ = linear_data()
    inb = 1000.0 * (x[:, 0] ** 2 - 1.0) + 1000.0 * x[:, 1]
    fit = regression_evppi(-inb[:, None], np.zeros((N, 1)), x[:, [0]], [0.0], 0.0, se_wtp=[0.0])
    mc_se = np.std(np.maximum(1000.0 * (x[:, 0] ** 2 - 1.0), 0.0), ddof=1) / np.sqrt(N)
    expected = 2000.0 * norm.pdf(1.0)
    assert fit.per_patient[0] == pytest.approx(expected, abs=3.0 * np.hypot(mc_se, fit.se[0]))


def test_three_strategies_match_numerical_integration():
    """Two strategies against the comparator, both driven by X0 ~ N(0, 1) with noise from X1:
    INB_1 = 300 + 1000 X0, INB_2 = 500 - 1500 X0 (+ noise). EVPPI(X0) = E[max(0, INB_1, INB_2)]
    - max(0, 300, 500), the expectation by scipy quad over the normal density."""
    from scipy.integrate import quad

    x, _, _ = linear_data()
    inb = np.c_[300.0 + 1000.0 * x[:, 0] + 800.0 * x[:, 1], 500.0 - 1500.0 * x[:, 0] - 900.0 * x[:, 2]]
    fit = regression_evppi(-inb, np.zeros((N, 2)), x[:, [0]], [0.0], 0.0, se_wtp=[0.0])
    expected = (
        quad(lambda v: max(0.0, 300 + 1000 * v, 500 - 1500 * v) * norm.pdf(v), -12, 12, points=[-0.3, 0.08])[0] - 500.0
    )
    g = np.maximum(0.0, np.maximum(300 + 1000 * x[:, 0], 500 - 1500 * x[:, 0]))
    mc_se = np.std(g, ddof=1) / np.sqrt(N)
    assert fit.per_patient[0] == pytest.approx(expected, abs=3.0 * np.hypot(mc_se, fit.se[0]))


def test_pruned_draws_equal_drawing_every_sample(monkeypatch):
    """PosteriorDraws.evppi leaves out samples where no draw changes the best strategy; the EVPPI
    of each draw equals the one computed by drawing all samples and strategies (double programming).
    The basis X is three random blocks side by side and M the identity; strategy d's shrinkage keeps
    block d only, so its loadings are that block. Samples visited 64 at a time (PIECE)."""
    monkeypatch.setattr(smoother_module, "PIECE", 64)
    rng = np.random.default_rng(11)
    n, p, draws = 400, 6, 300
    fitted = np.c_[np.linspace(-3000, 3000, n), 2500.0 - np.linspace(0, 4000, n), np.full(n, -9000.0)]
    basis = rng.standard_normal((n, 3 * p)) * 0.05
    keep = [np.repeat(np.eye(3)[d], p) for d in range(3)]  # 1 on block d, 0 elsewhere
    zetas = [rng.standard_normal((3 * p, draws)) for _ in range(3)]
    sigma = np.array([900.0, 400.0, 100.0])
    smoother = Smoother(lambda a, b: basis[a:b], n, np.eye(3 * p), np.zeros(3 * p), np.eye(3 * p))
    loads = [basis[:, d * p : (d + 1) * p] for d in range(3)]
    g = np.stack([fitted[:, d][:, None] + sigma[d] * (loads[d] @ zetas[d][d * p : (d + 1) * p]) for d in range(3)], -1)
    brute = np.maximum(g.max(axis=-1), 0.0).mean(axis=0) - np.maximum(g.mean(axis=0).max(axis=-1), 0.0)
    got = PosteriorDraws.of(smoother, keep, zetas).evppi(fitted, sigma)
    np.testing.assert_allclose(got, brute, rtol=1e-10, atol=1e-8)


@pytest.mark.parametrize("k", [1, 2, 4])
def test_pieces_of_samples_give_the_whole_basis_results(linear, monkeypatch, k):
    """regression_evppi with the basis built 97 samples at a time equals it built in one piece
    (the whole-array computation) up to rounding: the sums over samples are added piece by piece."""
    x, dc, de = linear
    group = np.c_[x, x[:, 2] + 0.5 * np.random.default_rng(3).standard_normal(N)][:, :k]
    inc = np.c_[dc, dc - 300.0 * x[:, 2]], np.c_[de, de + 0.02 * x[:, 1]]  # two strategies
    monkeypatch.setattr(smoother_module, "PIECE", N)
    whole = regression_evppi(*inc, group, WTP, 20_000.0, se_wtp=WTP)
    monkeypatch.setattr(smoother_module, "PIECE", 97)
    pieced = regression_evppi(*inc, group, WTP, 20_000.0, se_wtp=WTP)
    np.testing.assert_allclose(pieced.per_patient, whole.per_patient, rtol=1e-9)
    # the standard error's draws act on the penalty's eigenvectors, whose basis within a repeated
    # eigenvalue (the null space) rounding may rotate: the same distribution, other draws; so equal
    # within its Monte Carlo error (500 draws: about 3% of the SE; 5 times that)
    np.testing.assert_allclose(pieced.se, whole.se, rtol=0.15)
    np.testing.assert_allclose(pieced.r_squared, whole.r_squared, rtol=1e-9)
    np.testing.assert_allclose(pieced.edof, whole.edof, rtol=1e-9)
    np.testing.assert_allclose(pieced.pairwise, whole.pairwise, rtol=1e-9)


def test_a_group_of_four_gets_a_standard_error_and_the_closed_form():
    """A tensor product of 4 parameters (256 coefficients, some with few samples) on 1000 samples:
    dCost = 2000 + 1000 X1 with X0, X2 and a copy of X2 alongside; the EVPPI is X1's closed form."""
    rng = np.random.default_rng(20241208)
    x = rng.standard_normal((N, 3))
    dc, de = 2000.0 + 1000.0 * x[:, 1], np.full(N, 0.1)
    group = np.c_[x, x[:, 2] + 1e-3 * rng.standard_normal(N)]
    fit = regression_evppi(dc[:, None], de[:, None], group, [20_000.0], 20_000.0, se_wtp=[20_000.0])
    assert fit.n_coefficients == 4**4  # 4 splines a parameter (they sum to 1: no separate intercept)
    assert np.isfinite(fit.se[0]) and fit.se[0] >= 0
    mc_se = np.std(np.maximum(-1000.0 * x[:, 1], 0.0), ddof=1) / np.sqrt(N)  # true E[INB | X] = -1000 X1
    assert fit.per_patient[0] == pytest.approx(closed_form(0.0, 1000.0), abs=3.0 * np.hypot(mc_se, fit.se[0]))


def test_discrete_parameter_matches_its_closed_form():
    """INB = -500 + 1500 [alternative 2] + noise, alternative 2 drawn with probability 0.3:
    EVPPI = 0.3 max(0, 1000) + 0.7 max(0, -500) - max(0, -500 + 0.3 x 1500) = 300 - 0 = 300 at the
    true shares; the sample's shares p give p x 1000 - max(0, -500 + 1500 p)."""
    rng = np.random.default_rng(5)
    alt = np.where(rng.random(N) < 0.3, 2.0, 1.0)
    inb = -500.0 + 1500.0 * (alt == 2) + rng.normal(0.0, 800.0, N)
    p = float(np.mean(alt == 2))
    expected = p * 1000.0 - max(0.0, -500.0 + 1500.0 * p)
    fit = regression_evppi(-inb[:, None], np.zeros((N, 1)), alt[:, None], [0.0], 0.0, se_wtp=[0.0], discrete=True)
    # the group means carry noise of sd 800/sqrt(group size)
    assert fit.per_patient[0] == pytest.approx(expected, abs=3.0 * 800.0 / np.sqrt(p * N) * p + 3 * fit.se[0])


def test_never_below_zero_nor_above_evpi_over_the_grid():
    """Three strategies, INB noisy in the parameters: each estimate over the grid lies in [0, EVPI]."""
    rng = np.random.default_rng(9)
    x = rng.standard_normal((N, 2))
    costs = np.c_[np.full(N, 1000.0), 3000 + 800 * x[:, 0], 4000 + 500 * x[:, 1] + rng.normal(0, 900, N)]
    qalys = np.c_[np.full(N, 1.0), 1.1 + 0.02 * x[:, 1], 1.15 + rng.normal(0, 0.05, N)]
    grid = np.linspace(0.0, 80_000.0, 17)
    total = evpi(costs, qalys, grid)
    inputs = [EvppiInput("a", ("a",), "parameter"), EvppiInput("b", ("b",), "parameter")]
    inputs.append(EvppiInput("ab", ("a", "b"), "group"))
    out = summarise_evppi(
        inputs,
        {"a": x[:, 0], "b": x[:, 1]},
        costs,
        qalys,
        0,
        ["A", "B", "C"],
        grid,
        total,
        [20_000.0],
        20_000.0,
        1000.0,
    )
    assert [e.name for e in out.estimates][0] == "ab"  # the group is worth at least its members
    for e in out.estimates:
        curve = np.asarray(e.curve_per_patient)
        assert np.all(curve >= 0.0) and np.all(curve <= total + 1e-9)
        at = e.at_wtp[0]
        assert at.population == pytest.approx(at.per_patient * 1000.0)
        assert [f.strategy for f in e.fits] == ["B", "C"]


def test_inputs_of_a_model_are_parameters_and_joint_groups():
    """rich_model: every parameter with a distribution alone, the mvnormal group 'fit' with both
    coefficients, the Dirichlet group 'mix' without its last member, the discrete parameter as a factor."""
    items = {i.name: i for i in evppi_inputs(rich_model())}
    assert items["fit"].parameters == ("b0", "b1") and items["fit"].kind == "group"
    assert items["mix"].parameters == ("x1", "x2")
    assert items["care_model"].kind == "discrete parameter"
    assert items["u_pfs"].parameters == ("u_pfs",)
    assert "u_pd" not in items


def test_named_groups_are_inputs_and_bad_members_are_refused():
    spec = replace(
        rich_model(), evppi_groups={"prices": ("c_drug", "hr_new"), "big": ("u_pfs", "c_drug", "sd_x", "tri", "uni")}
    )
    items = {i.name: i for i in evppi_inputs(spec)}
    assert items["prices"].parameters == ("c_drug", "hr_new") and items["prices"].kind == "group"
    assert "at most 4" in items["big"].skip
    bad = replace(rich_model(), evppi_groups={"g": ("c_drug", "u_pd", "fix", "care_model")})
    with pytest.raises(ModelError) as e:
        evppi_inputs(bad)
    text = [str(p) for p in e.value.problems]
    assert len(text) == 3, text  # u_pd has no distribution, fix is fixed, care_model is discrete in a group
    assert all(t.startswith("EVPPI group 'g'") for t in text)


def test_a_regression_that_cannot_be_fitted_is_reported_not_raised(monkeypatch):
    """A failing fit of one input (raising ValueError) leaves that input out, with the reason,
    and the others are still estimated."""
    import hecon.analysis.evppi as module

    real = module.regression_evppi

    def failing(dc, de, x, *args, **kwargs):
        if np.allclose(x[:, 0], x_bad):
            raise ValueError("too few distinct values")
        return real(dc, de, x, *args, **kwargs)

    rng = np.random.default_rng(2)
    x_bad, x_good = rng.standard_normal(N), rng.standard_normal(N)
    monkeypatch.setattr(module, "regression_evppi", failing)
    costs = np.c_[np.zeros(N), 1000 + 500 * x_good]
    qalys = np.c_[np.zeros(N), np.full(N, 0.05)]
    grid = np.array([0.0, 20_000.0])
    inputs = [EvppiInput("bad", ("bad",), "parameter"), EvppiInput("good", ("good",), "parameter")]
    out = summarise_evppi(
        inputs,
        {"bad": x_bad, "good": x_good},
        costs,
        qalys,
        0,
        ["A", "B"],
        grid,
        evpi(costs, qalys, grid),
        [20_000.0],
        20_000.0,
        None,
    )
    assert out.not_estimated == {"bad": "the regression could not be fitted (too few distinct values)"}
    assert [e.name for e in out.estimates] == ["good"]


def test_the_decisive_fit_is_the_strategy_that_carries_the_evppi(linear):
    """Two strategies against the comparator: A's INB depends on X0 (the closed form above), B's is
    -5000 plus noise that X0 does not explain, so B is never chosen, its regression on X0 explains
    nothing (R² near 0) and its pairwise EVPPI is 0 (its fitted INB is below 0 everywhere). The fit
    that matters is A's, whose pairwise EVPPI is the closed form of X0."""
    x, dc, de = linear
    rng = np.random.default_rng(7)
    dc2 = np.c_[dc, 5000.0 + 1000.0 * rng.standard_normal(N)]
    de2 = np.c_[de, np.zeros(N)]
    inputs = (EvppiInput("X0", ("X0",), "parameter"),)
    costs = np.c_[np.zeros(N), dc2]
    qalys = np.c_[np.zeros(N), de2]
    grid = [20_000.0]
    total = evpi(costs, qalys, grid)
    summary = summarise_evppi(
        inputs, {"X0": x[:, 0]}, costs, qalys, 0, ("C", "A", "B"), grid, total, grid, 20_000.0, None
    )
    (e,) = summary.estimates
    fits = {f.strategy: f for f in e.fits}
    assert fits["B"].r_squared < 0.02 < 0.3 < fits["A"].r_squared
    assert fits["B"].pairwise_evppi == pytest.approx(0.0, abs=1e-9)
    mc_se = np.std(np.maximum(20_000.0 * 0.05 * x[:, 0], 0.0), ddof=1) / np.sqrt(N)
    assert fits["A"].pairwise_evppi == pytest.approx(closed_form(0.0, 1000.0), abs=3 * mc_se + 3 * e.at_wtp[0].se)
    assert e.decisive_fit.strategy == "A"


def test_drawn_columns_read_in_pieces_are_the_columns():
    """The EVPPI's drawn values, read 3 samples at a time, are the dataset's columns bit for bit."""
    import xarray as xr

    from hecon.analysis.psa_summary import _drawn_columns

    values = np.random.default_rng(2).standard_normal((10, 3))
    ds = xr.Dataset({"parameters": (("sample", "parameter"), values)}, coords={"parameter": ["a", "b", "c"]})
    got = _drawn_columns(ds, ["c", "a"], piece=3)
    assert list(got) == ["c", "a"]
    np.testing.assert_array_equal(got["c"], values[:, 2])
    np.testing.assert_array_equal(got["a"], values[:, 0])
