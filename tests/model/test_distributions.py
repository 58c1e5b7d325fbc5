"""Tests for hecon.model.distributions: PSA distributions, reproducibility, DSA ranges, input errors.

Reference moments are computed here from the textbook formulas (Briggs, Claxton & Sculpher,
Decision Modelling for Health Economic Evaluation, OUP 2006, ch. 4; scipy.stats for cdfs
and quantiles), never from hecon.model.distributions itself. Monte Carlo tolerances are 5 standard errors.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pytest
from scipy import stats

from hecon.model.distributions import (
    BLOCK_SIZE,
    DISTRIBUTION_ARGS,
    check_distribution,
    check_parameters,
    discrete_alternatives,
    draw_parameters,
    dsa_bounds,
    sample_chunks,
)
from hecon.model.problems import ModelError
from hecon.model.spec import Distribution, Parameter

N = 200_000
SEED = 20241126


def param(name: str, kind: str, group: str | None = None, value: float = 0.0, **args) -> Parameter:
    return Parameter(name, value, distribution=Distribution(kind, args, group))


def assert_moments(x: np.ndarray, mean: float, var: float) -> None:
    """Sample mean and variance within 5 standard errors of the stated ones."""
    n = len(x)
    m, s2 = x.mean(), x.var(ddof=1)
    se_mean = math.sqrt(var / n)
    se_var = math.sqrt(np.mean((x - m) ** 4) - s2**2) / math.sqrt(n)  # SE of a sample variance
    assert abs(m - mean) < 5 * se_mean, (m, mean, se_mean)
    assert abs(s2 - var) < 5 * se_var, (s2, var, se_var)


# --------------------------------------------------------------------------------------
# Moments of each distribution
# --------------------------------------------------------------------------------------

# (parameter, reference mean, reference variance, scipy frozen distribution)
_a, _b = 57.0, 40.0  # proportion male, CARTITUDE-1: 57/97 (shared/mm-inputs.md)
_ln_sdlog2 = math.log(1 + (1500 / 5000) ** 2)
CASES = [
    (param("normal", "normal", mean=10, sd=2), 10.0, 4.0, stats.norm(10, 2)),
    (
        param("lognormal_log", "lognormal", meanlog=1.0, sdlog=0.5),
        math.exp(1.0 + 0.5**2 / 2),
        (math.exp(0.5**2) - 1) * math.exp(2 * 1.0 + 0.5**2),
        stats.lognorm(s=0.5, scale=math.exp(1.0)),
    ),
    (
        param("lognormal_mom", "lognormal", mean=5000, se=1500),
        5000.0,
        1500.0**2,
        stats.lognorm(s=math.sqrt(_ln_sdlog2), scale=math.exp(math.log(5000) - _ln_sdlog2 / 2)),
    ),
    (
        param("beta_counts", "beta", alpha=_a, beta=_b),
        _a / (_a + _b),
        _a * _b / ((_a + _b) ** 2 * (_a + _b + 1)),
        stats.beta(_a, _b),
    ),
    (
        param("beta_mom", "beta", mean=0.3, se=0.05),
        0.3,
        0.05**2,
        stats.beta(0.3 * (0.3 * 0.7 / 0.05**2 - 1), 0.7 * (0.3 * 0.7 / 0.05**2 - 1)),
    ),
    (param("gamma_rate", "gamma", shape=4, rate=0.5), 8.0, 16.0, stats.gamma(4, scale=2.0)),
    (
        param("gamma_mom", "gamma", mean=12000, se=2400),  # SE 20% of mean, as mm-inputs costs
        12000.0,
        2400.0**2,
        stats.gamma(12000**2 / 2400**2, scale=2400**2 / 12000),
    ),
    (param("uniform", "uniform", min=2, max=5), 3.5, 9 / 12, stats.uniform(2, 3)),
    (
        param("triangular", "triangular", min=1, mode=2, max=6),
        (1 + 2 + 6) / 3,
        (1 + 4 + 36 - 1 * 2 - 1 * 6 - 2 * 6) / 18,
        stats.triang((2 - 1) / 5, loc=1, scale=5),
    ),
]


@pytest.fixture(scope="module")
def independent_draws() -> dict[str, np.ndarray]:
    return draw_parameters([c[0] for c in CASES], N, SEED)


@pytest.mark.parametrize("case", CASES, ids=[c[0].name for c in CASES])
def test_moments_match_stated_distribution(case, independent_draws):
    p, mean, var, _ = case
    x = independent_draws[p.name]
    assert x.shape == (N,) and x.dtype == np.float64
    assert_moments(x, mean, var)


@pytest.mark.parametrize("case", CASES, ids=[c[0].name for c in CASES])
def test_shape_matches_scipy_distribution(case, independent_draws):
    p, _, _, frozen = case
    # Kolmogorov-Smirnov on 20,000 draws against scipy's cdf (deterministic given the seed)
    assert stats.kstest(independent_draws[p.name][:20_000], frozen.cdf).pvalue > 1e-3


def test_distinct_parameters_are_independent(independent_draws):
    r = np.corrcoef(independent_draws["gamma_mom"], independent_draws["lognormal_mom"])[0, 1]
    assert abs(r) < 5 / math.sqrt(N)


def test_numeric_text_arguments_equal_numbers():
    as_text = draw_parameters([param("c", "gamma", mean="12000", se=" 2.4e3 ")], 100, 1)
    as_number = draw_parameters([param("c", "gamma", mean=12000, se=2400.0)], 100, 1)
    np.testing.assert_array_equal(as_text["c"], as_number["c"])


def test_zero_uncertainty_gives_the_mean_exactly():
    """All standard errors 0 => every sample equals the deterministic value (verification.md)."""
    ps = [
        param("n", "normal", mean=0.1, sd=0),
        param("ln", "lognormal", mean=0.7, se=0),
        param("b", "beta", mean=0.3, se=0),
        param("g", "gamma", mean=1234.5, se=0),
        param("u", "uniform", min=0.1, max=0.1),
        param("t", "triangular", min=0.2, mode=0.2, max=0.2),
        param("m1", "mvnormal", "mv", mean=0.1, cov_m1=0, cov_m2=0),
        param("m2", "mvnormal", "mv", mean=7.1, cov_m1=0, cov_m2=0, transform="exp"),
    ]
    d = draw_parameters(ps, 3000, SEED)
    expected = {"n": 0.1, "ln": 0.7, "b": 0.3, "g": 1234.5, "u": 0.1, "t": 0.2, "m1": 0.1, "m2": math.exp(7.1)}
    for name, value in expected.items():
        assert np.all(d[name] == value), name


def test_fixed_and_undistributed_parameters_are_not_returned():
    ps = [Parameter("a", 1.0), param("b", "fixed", value=2.0), param("c", "normal", mean=0, sd=1)]
    assert list(draw_parameters(ps, 5, SEED)) == ["c"]


def test_result_follows_parameter_order():
    ps = [
        param("z", "normal", mean=0, sd=1),
        param("d2", "dirichlet", "d", alpha=2),
        param("a", "normal", mean=0, sd=1),
        param("d1", "dirichlet", "d", alpha=1),
    ]
    assert list(draw_parameters(ps, 5, SEED)) == ["z", "d2", "a", "d1"]


# --------------------------------------------------------------------------------------
# Joint distributions
# --------------------------------------------------------------------------------------


def test_dirichlet_sums_to_one_with_beta_marginals():
    alpha = {"pf": 10.0, "pd": 30.0, "dead": 60.0}
    total = sum(alpha.values())
    d = draw_parameters([param(k, "dirichlet", "from_pf", alpha=a) for k, a in alpha.items()], N, SEED)
    np.testing.assert_allclose(sum(d.values()), 1.0, rtol=0, atol=1e-12)
    for k, a in alpha.items():
        # marginal Beta(a, total - a): mean a/A, variance a (A - a) / (A^2 (A + 1))
        assert_moments(d[k], a / total, a * (total - a) / (total**2 * (total + 1)))
        assert np.all(d[k] > 0)


def test_mvnormal_sample_covariance_matches():
    # log-scale Weibull coefficients with a vcov as R prints it (hand-made, correlation -0.5)
    mean = {"log_shape": 0.1, "log_scale": 7.1}
    cov = {
        ("log_shape", "log_shape"): 0.04,
        ("log_scale", "log_scale"): 0.09,
        ("log_shape", "log_scale"): -0.03,
        ("log_scale", "log_shape"): -0.03,
    }
    ps = [param(a, "mvnormal", "weibull_fit", mean=mean[a], **{f"cov_{b}": cov[a, b] for b in mean}) for a in mean]
    d = draw_parameters(ps, N, SEED)
    for a in mean:
        assert_moments(d[a], mean[a], cov[a, a])
    sample = np.cov(d["log_shape"], d["log_scale"])
    # SE of a normal sample covariance: sqrt((s_ii s_jj + s_ij^2) / n)
    se = math.sqrt((0.04 * 0.09 + 0.03**2) / N)
    assert abs(sample[0, 1] - (-0.03)) < 5 * se


def test_mvnormal_exp_transform_gives_lognormal_marginals():
    ps = [
        param("shape", "mvnormal", "w", mean=0.1, cov_shape=0.04, cov_log_scale=-0.03, transform="exp"),
        param("log_scale", "mvnormal", "w", mean=7.1, cov_shape=-0.03, cov_log_scale=0.09),
    ]
    d = draw_parameters(ps, N, SEED)
    mu, var = 0.1, 0.04  # exp of N(mu, var) is lognormal: mean exp(mu + var/2)
    assert_moments(d["shape"], math.exp(mu + var / 2), (math.exp(var) - 1) * math.exp(2 * mu + var))
    assert np.all(d["shape"] > 0)
    assert_moments(d["log_scale"], 7.1, 0.09)


def test_mvnormal_accepts_singular_covariance():
    # perfectly correlated pair: positive semi-definite, not positive definite
    ps = [
        param("a", "mvnormal", "g", mean=1.0, cov_a=1.0, cov_b=2.0, cov_c=0.0),
        param("b", "mvnormal", "g", mean=0.0, cov_a=2.0, cov_b=4.0, cov_c=0.0),
        param("c", "mvnormal", "g", mean=5.0, cov_a=0.0, cov_b=0.0, cov_c=0.0),
    ]
    d = draw_parameters(ps, 2000, SEED)
    np.testing.assert_allclose(d["b"], 2 * (d["a"] - 1.0), atol=1e-12)
    assert np.all(d["c"] == 5.0)


# --------------------------------------------------------------------------------------
# Discrete alternatives (structural uncertainty)
# --------------------------------------------------------------------------------------


def test_discrete_frequencies_match_the_weights():
    """Share of each position within 5 binomial standard errors sqrt(p (1 - p) / N) of its
    normalised weight (N = 200,000: at most 0.0056 for p = 0.5), and a chi-square test of all
    shares at once; weights 2 : 5 : 3 are given unnormalised."""
    x = draw_parameters([param("pfs_model", "discrete", value=1, weibull=2, gompertz=5, cure=3)], N, SEED)["pfs_model"]
    assert x.dtype == np.float64 and set(np.unique(x)) == {1.0, 2.0, 3.0}
    p = np.array([2, 5, 3]) / 10
    counts = np.array([np.sum(x == k) for k in (1, 2, 3)])
    bound = 5 * np.sqrt(p * (1 - p) / N)
    assert np.all(np.abs(counts / N - p) < bound), (counts / N, p, bound)
    assert stats.chisquare(counts, N * p).pvalue > 1e-3


def test_discrete_alternative_of_weight_zero_is_never_drawn():
    x = draw_parameters([param("m", "discrete", value=1, a=0, b=1, c=0, d=1)], 20_000, SEED)["m"]
    assert set(np.unique(x)) == {2.0, 4.0}
    # one alternative of positive weight: every sample is its position
    only = draw_parameters([param("m", "discrete", value=3, a=0, b=0, c=2)], 500, SEED)["m"]
    assert np.all(only == 3.0)


def test_discrete_parameters_of_different_names_are_independent():
    """Two discrete parameters with weights 0.5, 0.5 agree in a sample with probability 0.5
    (independent draws); their agreement share is within 5 binomial SEs of it."""
    d = draw_parameters([param("x", "discrete", value=1, a=1, b=1), param("y", "discrete", value=1, a=1, b=1)], N, SEED)
    assert abs(np.mean(d["x"] == d["y"]) - 0.5) < 5 * math.sqrt(0.25 / N)


def test_discrete_alternatives_are_labels_and_normalised_weights_in_order():
    ps = [
        param("c", "normal", mean=0, sd=1),
        param("os_model", "discrete", value=2, loglogistic="1", weibull=3.0),
        param("pfs_model", "discrete", value=1, weibull=0.5, cure=0.5),
    ]
    assert discrete_alternatives(ps) == {
        "os_model": {"loglogistic": 0.25, "weibull": 0.75},
        "pfs_model": {"weibull": 0.5, "cure": 0.5},
    }
    assert list(discrete_alternatives(ps)["os_model"]) == ["loglogistic", "weibull"]
    with pytest.raises(ModelError) as info:
        discrete_alternatives([param("m", "discrete", a=-1, b=1)])
    assert str(info.value) == "parameter 'm': discrete weight a = -1 is negative; expected a weight >= 0"


_POSITIONS = "expected a position from 1 to 2 (1 = weibull, 2 = cure)"


@pytest.mark.parametrize(
    "changes, messages",
    [
        ({"value": 3.0}, [f"parameter 'm': the value 3 is not the position of an alternative; {_POSITIONS}"]),
        (
            {"value": 1.5},
            [f"parameter 'm': the value 1.5 is not the position of an alternative; {_POSITIONS}"],
        ),
        (
            {"value": " 0 "},
            [f"parameter 'm': the value 0 is not the position of an alternative; {_POSITIONS}"],
        ),
        (
            {"dsa_low": 0.0, "dsa_high": 2.5},
            [
                f"parameter 'm': the dsa_low 0 is not the position of an alternative; {_POSITIONS}",
                f"parameter 'm': the dsa_high 2.5 is not the position of an alternative; {_POSITIONS}",
            ],
        ),
    ],
)
def test_discrete_value_and_dsa_range_must_be_positions(changes, messages):
    fields = {"value": 1.0, **changes}
    p = Parameter("m", distribution=Distribution("discrete", {"weibull": 0.5, "cure": 0.5}), **fields)
    problems = check_parameters([p])
    assert [str(x) for x in problems] == messages
    assert [x.where.part for x in problems] == [k for k in ("value", "dsa_low", "dsa_high") if k in changes]
    with pytest.raises(ModelError):
        draw_parameters([p], 10, SEED)


def test_discrete_valid_positions_have_no_problems():
    p = Parameter("m", "2", distribution=Distribution("discrete", {"a": 1, "b": 1}), dsa_low=1, dsa_high=2)
    assert check_parameters([p]) == []
    # a formula (as the one-way sensitivity analysis writes it) is not evaluated here
    formula = Parameter("m", "if_else(x > 1, 1, 2)", distribution=Distribution("discrete", {"a": 1, "b": 1}))
    assert check_parameters([formula]) == []


# --------------------------------------------------------------------------------------
# Reproducibility
# --------------------------------------------------------------------------------------

MIXED = [
    param("p_resp", "beta", mean=0.73, se=0.04),
    param("c_admin", "gamma", mean=1500, se=300),
    param("hr", "lognormal", meanlog=-0.3, sdlog=0.1),
    param("u_pfs", "normal", mean=0.75, sd=0.05),
    param("t", "triangular", min=0, mode=1, max=3),
    param("u", "uniform", min=-1, max=1),
    param("to_pd", "dirichlet", "from_pf", alpha=12),
    param("to_death", "dirichlet", "from_pf", alpha=3),
    param("stay", "dirichlet", "from_pf", alpha=85),
    param("b0", "mvnormal", "curve", mean=0.1, cov_b0=0.04, cov_b1=-0.01, transform="exp"),
    param("b1", "mvnormal", "curve", mean=7.0, cov_b0=-0.01, cov_b1=0.09),
    param("pfs_model", "discrete", value=1, weibull=0.5, gompertz=0.2, cure=0.3),
    Parameter("deterministic", 3.0),
]
DISCRETE = {"pfs_model"}  # few values: two streams agree in some samples by chance


def _chunked(params, n, seed, size):
    parts = [draw_parameters(params, stop - lo, seed, start=lo) for lo, stop in sample_chunks(n, size)]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


@pytest.mark.parametrize("size", [2500, 1250, 625, 333, BLOCK_SIZE, 1000])
def test_chunking_does_not_change_draws(size):
    n = 2500
    whole = draw_parameters(MIXED, n, SEED)
    chunked = _chunked(MIXED, n, SEED, size)
    assert list(chunked) == list(whole)
    for k in whole:
        np.testing.assert_array_equal(chunked[k], whole[k], err_msg=k)


def test_single_sample_chunks_across_a_block_boundary():
    whole = draw_parameters(MIXED, 1100, SEED)
    for i in range(1000, 1050):
        one = draw_parameters(MIXED, 1, SEED, start=i)
        for k in whole:
            assert one[k][0] == whole[k][i], (k, i)


def test_late_start_draws_only_its_own_samples():
    whole = draw_parameters(MIXED, 5010, SEED)
    part = draw_parameters(MIXED, 10, SEED, start=5000)
    for k in whole:
        np.testing.assert_array_equal(part[k], whole[k][5000:])


def test_same_seed_same_draws_different_seed_different():
    a, b, c = (draw_parameters(MIXED, 500, s) for s in (SEED, SEED, SEED + 1))
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
        if k in DISCRETE:
            # independent draws with weights 0.5, 0.2, 0.3 agree with probability 0.38
            # (sum of squared weights); 0.6 is 10 binomial SEs (0.022 at n = 500) above it
            assert np.mean(a[k] == c[k]) < 0.6, k
        else:
            assert not np.any(a[k] == c[k]), k


def test_adding_removing_or_reordering_parameters_leaves_others_unchanged():
    base = draw_parameters(MIXED, 1500, SEED)
    extra = [param("new", "normal", mean=0, sd=1), param("new2", "gamma", shape=2, rate=1)]
    grown = draw_parameters(extra[:1] + MIXED[::-1] + extra[1:], 1500, SEED)
    fewer = draw_parameters(MIXED[3:], 1500, SEED)
    for k in base:
        np.testing.assert_array_equal(grown[k], base[k])
        if k in fewer:
            np.testing.assert_array_equal(fewer[k], base[k])


def test_same_distribution_different_names_different_streams():
    d = draw_parameters([param("x", "normal", mean=0, sd=1), param("y", "normal", mean=0, sd=1)], 100, SEED)
    assert not np.any(d["x"] == d["y"])


def test_discrete_stream_follows_documented_construction():
    """Samples 1023-1025 of a discrete parameter from the construction in the module
    docstring: one uniform u per sample from the parameter's blocks; position = 1 + the number
    of cumulative weights <= u."""
    x = draw_parameters([param("arm", "discrete", value=1, a=1, b=2, c=1)], 3, 7, start=BLOCK_SIZE - 1)["arm"]
    digest = hashlib.blake2b(b"arm", digest_size=16).digest()
    key = (0,) + tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))
    u = np.concatenate(
        [
            np.random.Generator(np.random.PCG64(np.random.SeedSequence(7, spawn_key=key + (b,)))).random(BLOCK_SIZE)
            for b in (0, 1)
        ]
    )[BLOCK_SIZE - 1 : BLOCK_SIZE + 2]
    cumulative = [0.25, 0.75, 1.0]
    expected = [1 + sum(c <= ui for c in cumulative) for ui in u]
    assert x.tolist() == expected


def test_stream_follows_documented_construction():
    """Rebuild samples 1023-1025 from the construction in the module docstring (BLAKE2b
    name key, one SeedSequence child per block of BLOCK_SIZE): a change of design would
    silently change every recorded PSA."""
    x = draw_parameters([param("u_pfs", "normal", mean=0, sd=1)], 3, 1, start=BLOCK_SIZE - 1)["u_pfs"]
    ss = np.random.SeedSequence
    digest = hashlib.blake2b(b"u_pfs", digest_size=16).digest()
    key = (0,) + tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))
    block0 = np.random.Generator(np.random.PCG64(ss(1, spawn_key=key + (0,)))).normal(0, 1, BLOCK_SIZE)
    block1 = np.random.Generator(np.random.PCG64(ss(1, spawn_key=key + (1,)))).normal(0, 1, BLOCK_SIZE)
    np.testing.assert_array_equal(x, np.r_[block0[-1:], block1[:2]])


# --------------------------------------------------------------------------------------
# sample_chunks
# --------------------------------------------------------------------------------------


def test_sample_chunks_cover_all_samples():
    assert sample_chunks(5, 2) == [(0, 2), (2, 4), (4, 5)]
    assert sample_chunks(4, 4) == [(0, 4)]
    assert sample_chunks(3, 10) == [(0, 3)]
    assert sample_chunks(0, 10) == []
    chunks = sample_chunks(10_000, 333)
    assert chunks[0][0] == 0 and chunks[-1][1] == 10_000
    assert all(a[1] == b[0] for a, b in zip(chunks, chunks[1:]))


@pytest.mark.parametrize("n, size", [(10, 0), (-1, 5), (10, 2.5)])
def test_sample_chunks_rejects_bad_sizes(n, size):
    with pytest.raises(ModelError):
        sample_chunks(n, size)


# --------------------------------------------------------------------------------------
# DSA bounds
# --------------------------------------------------------------------------------------


def test_dsa_bounds_gamma_mean_se_are_scipy_quantiles():
    mean, se = 12000.0, 2400.0
    expected = stats.gamma(a=mean**2 / se**2, scale=se**2 / mean).ppf([0.025, 0.975])
    low, high = dsa_bounds(param("c", "gamma", mean=mean, se=se))
    np.testing.assert_allclose([low, high], expected, rtol=1e-12)


def test_dsa_bounds_beta_counts_are_scipy_quantiles():
    expected = stats.beta(57, 40).ppf([0.025, 0.975])
    np.testing.assert_allclose(dsa_bounds(param("p_male", "beta", alpha=57, beta=40)), expected, rtol=1e-12)


def test_dsa_bounds_method_of_moments_are_exact():
    """Exact check of the method-of-moments conversions (Briggs et al. 2006, ch. 4), which
    Monte Carlo moments cannot resolve to better than about 1%."""
    mean, se = 0.3, 0.05
    common = mean * (1 - mean) / se**2 - 1
    expected = stats.beta(mean * common, (1 - mean) * common).ppf([0.025, 0.975])
    np.testing.assert_allclose(dsa_bounds(param("b", "beta", mean=mean, se=se)), expected, rtol=1e-12)
    mean, se = 5000.0, 1500.0
    sdlog = math.sqrt(math.log(1 + se**2 / mean**2))
    meanlog = math.log(mean) - sdlog**2 / 2
    expected = stats.lognorm(s=sdlog, scale=math.exp(meanlog)).ppf([0.025, 0.975])
    np.testing.assert_allclose(dsa_bounds(param("l", "lognormal", mean=mean, se=se)), expected, rtol=1e-12)


def test_dsa_bounds_other_kinds():
    np.testing.assert_allclose(dsa_bounds(param("n", "normal", mean=1, sd=2)), 1 + 2 * stats.norm.ppf([0.025, 0.975]))
    np.testing.assert_allclose(dsa_bounds(param("u", "uniform", min=0, max=4)), [0.1, 3.9])
    np.testing.assert_allclose(
        dsa_bounds(param("l", "lognormal", meanlog=0.5, sdlog=0.2)), np.exp(0.5 + 0.2 * stats.norm.ppf([0.025, 0.975]))
    )
    mv = param("shape", "mvnormal", "w", mean=0.1, cov_shape=0.04, cov_log_scale=0.0, transform="exp")
    np.testing.assert_allclose(dsa_bounds(mv), np.exp(0.1 + 0.2 * stats.norm.ppf([0.025, 0.975])))
    assert dsa_bounds(param("g", "gamma", mean=5, se=0)) == (5.0, 5.0)


def test_dsa_bounds_given_bounds_take_precedence():
    p = Parameter("c", 100.0, dsa_low=80.0, dsa_high=120.0, distribution=Distribution("gamma", {"mean": 100, "se": 20}))
    assert dsa_bounds(p) == (80.0, 120.0)
    only_low = Parameter("c", 100.0, dsa_low=50.0, distribution=Distribution("uniform", {"min": 0, "max": 200}))
    assert dsa_bounds(only_low) == pytest.approx((50.0, 195.0))
    assert dsa_bounds(Parameter("d", 1.0, dsa_low=0.5, dsa_high=2.0)) == (0.5, 2.0)
    discrete = Parameter("m", 1, dsa_low=1, dsa_high=3, distribution=Distribution("discrete", {"a": 1, "b": 1, "c": 1}))
    assert dsa_bounds(discrete) == (1.0, 3.0)


def test_dsa_bounds_discrete_needs_both_positions():
    for bounds in ({}, {"dsa_low": 1.0}):
        p = Parameter("m", 1, distribution=Distribution("discrete", {"a": 1, "b": 1}), **bounds)
        with pytest.raises(ModelError) as info:
            dsa_bounds(p)
        assert str(info.value) == (
            "parameter 'm': has no DSA range of its own; a discrete parameter switches between alternatives; "
            "expected both dsa_low and dsa_high: the positions of the two alternatives to compare, e.g. 1 and 2"
        )


@pytest.mark.parametrize(
    "p",
    [
        Parameter("x", 1.0),
        param("x", "fixed"),
        param("x", "dirichlet", "g", alpha=2),
        param("x", "normal", mean=1, sd=-1),
    ],
)
def test_dsa_bounds_without_usable_range_raise(p):
    with pytest.raises(ModelError) as info:
        dsa_bounds(p)
    assert str(info.value.problems[0].where) == "parameter 'x'"


# --------------------------------------------------------------------------------------
# Bad inputs: one ModelError naming the parameter, every problem collected
# --------------------------------------------------------------------------------------

BAD = [
    ("beta_impossible", Distribution("beta", {"mean": 0.5, "se": 0.6}), "is impossible"),
    ("beta_mean_outside", Distribution("beta", {"mean": 1.2, "se": 0.1}), "outside (0, 1)"),
    ("negative_sd", Distribution("normal", {"mean": 1, "sd": -0.5}), "sd = -0.5 is negative"),
    ("negative_se", Distribution("gamma", {"mean": 1, "se": -0.5}), "se = -0.5 is negative"),
    ("gamma_zero_rate", Distribution("gamma", {"shape": 1, "rate": 0}), "rate = 0 is not positive"),
    ("lognormal_zero_mean", Distribution("lognormal", {"mean": 0, "se": 1}), "mean = 0 is not positive"),
    ("unknown_kind", Distribution("weibull", {"shape": 1}), "unknown distribution kind 'weibull'"),
    ("missing_sd", Distribution("normal", {"mean": 1}), "normal is missing argument sd"),
    ("missing_all", Distribution("triangular", {}), "missing arguments min, mode, max"),
    ("mixed_forms", Distribution("lognormal", {"meanlog": 0, "se": 1}), "mix two parameterisations"),
    ("unknown_arg", Distribution("normal", {"mean": 0, "sd": 1, "se": 1}), "normal has no argument 'se'"),
    # text is a formula of other parameters (tests/model/test_distribution_arguments.py)
    ("not_a_number", Distribution("normal", {"mean": None, "sd": 1}), "mean = None is not a number"),
    ("nan", Distribution("normal", {"mean": float("nan"), "sd": 1}), "is not a number"),
    ("uniform_order", Distribution("uniform", {"min": 2, "max": 1}), "min = 2 is above max = 1"),
    ("triangular_order", Distribution("triangular", {"min": 0, "mode": 5, "max": 1}), "out of order"),
    ("dirichlet_alpha", Distribution("dirichlet", {"alpha": 0}, "g"), "alpha = 0 is not positive"),
    ("fixed_args", Distribution("fixed", {"mean": 1}), "fixed takes no arguments"),
    (
        "mv_transform",
        Distribution("mvnormal", {"mean": 0, "cov_mv_transform": 1, "transform": "log"}, "g"),
        "transform 'log' is not known",
    ),
    ("mv_no_var", Distribution("mvnormal", {"mean": 0, "cov_other": 1}, "g"), "missing argument cov_mv_no_var"),
    ("discrete_none", Distribution("discrete", {}), "discrete has no alternatives"),
    ("discrete_label", Distribution("discrete", {"2nd line": 1, "b": 1}), "alternative '2nd line' is not a name"),
    ("discrete_negative", Distribution("discrete", {"a": -0.5, "b": 1}), "discrete weight a = -0.5 is negative"),
    ("discrete_text", Distribution("discrete", {"a": None, "b": 1}), "discrete weight a = None is not a number"),
    ("discrete_zero", Distribution("discrete", {"a": 0, "b": 0.0}), "discrete weights are all 0"),
    ("discrete_inf", Distribution("discrete", {"a": float("inf"), "b": 1}), "discrete weight a = inf is not a number"),
]


@pytest.mark.parametrize("name, dist, fragment", BAD, ids=[b[0] for b in BAD])
def test_bad_distribution_names_the_parameter(name, dist, fragment):
    problems = check_distribution(name, dist)
    assert problems and all(str(p.where) == f"parameter '{name}'" for p in problems)
    assert any(fragment in p.what for p in problems), [str(p) for p in problems]
    with pytest.raises(ModelError) as info:
        draw_parameters([Parameter(name, 0.0, distribution=dist)], 10, SEED)
    assert f"parameter '{name}'" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_valid_distributions_have_no_problems():
    for p, *_ in CASES:
        assert check_distribution(p.name, p.distribution) == []
    assert check_parameters(MIXED) == []
    assert set(DISTRIBUTION_ARGS) == {
        "fixed",
        "normal",
        "lognormal",
        "beta",
        "gamma",
        "uniform",
        "triangular",
        "dirichlet",
        "mvnormal",
        "discrete",
        "empirical",
    }


def test_message_wording_is_pinned():
    (beta,) = check_distribution("u_pfs", Distribution("beta", {"mean": 0.5, "se": 0.6}))
    assert str(beta) == (
        "parameter 'u_pfs': beta with mean 0.5 and se 0.6 is impossible: se^2 = 0.36 >= "
        "mean*(1-mean) = 0.25; expected se < sqrt(mean*(1-mean)) = 0.5"
    )
    (kind,) = check_distribution("hr", Distribution("Weibull"))
    assert str(kind) == (
        "parameter 'hr': unknown distribution kind 'Weibull'; expected one of fixed, normal, "
        "lognormal, beta, gamma, uniform, triangular, dirichlet, mvnormal, discrete, empirical"
    )
    problems = check_distribution("pfs_model", Distribution("discrete", {"weibull": -1, "cure-model": 1}))
    assert [str(p) for p in problems] == [
        "parameter 'pfs_model': discrete weight weibull = -1 is negative; expected a weight >= 0",
        "parameter 'pfs_model': discrete alternative 'cure-model' is not a name; expected a label of letters, "
        "digits and _ that does not start with a digit, e.g. weibull=0.5",
    ]


def test_all_problems_are_reported_together():
    ps = [
        param("a", "normal", mean=0, sd=-1),
        param("b", "beta", mean=0.5, se=0.6),
        param("ok", "normal", mean=0, sd=1),
    ]
    with pytest.raises(ModelError) as info:
        draw_parameters(ps, 10, SEED)
    assert [str(p.where) for p in info.value.problems] == ["parameter 'a'", "parameter 'b'"]


def test_non_psd_covariance_names_group_and_parameters():
    ps = [
        param("a", "mvnormal", "weib", mean=0, cov_a=1.0, cov_b=2.0),
        param("b", "mvnormal", "weib", mean=0, cov_a=2.0, cov_b=1.0),
    ]
    with pytest.raises(ModelError) as info:
        draw_parameters(ps, 10, SEED)
    (problem,) = info.value.problems
    assert str(problem.where) == "parameter 'a'"
    assert "'weib'" in problem.what and "'a', 'b'" in problem.what
    assert "not positive semi-definite" in problem.what and "smallest eigenvalue -1" in problem.what
    assert "|cov('a', 'b')| = 2 exceeds sqrt(var * var) = 1" in problem.what


@pytest.mark.parametrize(
    "ps, where, fragment",
    [
        (  # asymmetric
            [
                param("a", "mvnormal", "g", mean=0, cov_a=1.0, cov_b=0.5),
                param("b", "mvnormal", "g", mean=0, cov_a=0.2, cov_b=1.0),
            ],
            "parameter 'a'",
            "not symmetric: 'a' has cov_b = 0.5 but 'b' has cov_a = 0.2",
        ),
        (  # incomplete row
            [param("a", "mvnormal", "g", mean=0, cov_a=1.0), param("b", "mvnormal", "g", mean=0, cov_a=0.0, cov_b=1.0)],
            "parameter 'a'",
            "no covariance with 'b' (cov_b)",
        ),
        (  # covariance with a non-member
            [
                param("a", "mvnormal", "g", mean=0, cov_a=1.0, cov_b=0.0, cov_c=0.1),
                param("b", "mvnormal", "g", mean=0, cov_a=0.0, cov_b=1.0),
            ],
            "parameter 'a'",
            "'c', which is not in mvnormal group 'g'",
        ),
        ([param("a", "mvnormal", None, mean=0, cov_a=1.0)], "parameter 'a'", "mvnormal needs a group"),
        ([param("a", "dirichlet", "g", alpha=1)], "parameter 'a'", "has only this parameter"),
        ([param("a", "normal", "g", mean=0, sd=1)], "parameter 'a'", "drawn independently"),
        (
            [param("a", "dirichlet", "g", alpha=1), param("b", "mvnormal", "g", mean=0, cov_b=1.0)],
            "parameter 'a'",
            "mixes distribution kinds",
        ),
        ([param("a", "normal", mean=0, sd=1), param("a", "normal", mean=0, sd=1)], "parameter 'a'", "more than once"),
    ],
)
def test_group_problems(ps, where, fragment):
    problems = check_parameters(ps)
    assert any(str(p.where) == where and fragment in p.what for p in problems), [str(p) for p in problems]
    with pytest.raises(ModelError):
        draw_parameters(ps, 10, SEED)


@pytest.mark.parametrize("n, seed, start", [(-1, 1, 0), (10, -1, 0), (10, 1.5, 0), (10, 1, -3)])
def test_bad_run_settings(n, seed, start):
    with pytest.raises(ModelError) as info:
        draw_parameters([param("x", "normal", mean=0, sd=1)], n, seed, start=start)
    assert str(info.value.problems[0].where) == "PSA settings"
