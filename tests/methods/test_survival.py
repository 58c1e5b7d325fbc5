"""Tests for hecon.methods.survival.

Every reference number comes from outside the code under test:

* scipy.stats distributions (expon, weibull_min, lognorm, gamma, fisk = log-logistic,
  gompertz, gengamma) with the parameter mappings stated next to each case;
* closed forms (medians, limits);
* values published in flexsurv's own test suite (github.com/chjackson/flexsurv,
  tests/testthat/test_gengamma.R and test_gompertz.R), which were computed in R;
* for the generalised gamma near Q = 0, an Edgeworth expansion derived independently
  from the cumulants of the log-gamma distribution (see ``_gengamma_sf_edgeworth``).
"""

from __future__ import annotations

import doctest
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from hecon.methods import survival as sv
from hecon.model.problems import ModelError

# Any RuntimeWarning (division by zero, invalid value, overflow) escaping hecon fails a test.
pytestmark = pytest.mark.filterwarnings("error")


def quietly(function, *args):
    """Evaluate a *reference* (scipy) function without letting its warnings fail a test."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return function(*args)


def prentice_to_scipy(mu: float, sigma: float, Q: float):
    """scipy.stats.gengamma equivalent of flexsurv's gengamma(mu, sigma, Q), Q != 0.

    Derivation: with a = Q^-2 and w = (log t - mu)/sigma, flexsurv's pgengamma gives
    S(t) = Q(a, a exp(Q w)) for Q > 0 and P(a, a exp(Q w)) for Q < 0 (regularised upper /
    lower incomplete gamma). Now a exp(Q w) = a (t exp(-mu))^(Q/sigma) = (t/lam)^c with
    c = Q/sigma and lam = exp(mu) a^(-1/c) = exp(mu) |Q|^(2 sigma/Q). scipy's
    gengamma(a, c, scale=lam) has sf = Q(a, (t/lam)^c) for c > 0 and P(a, (t/lam)^c) for
    c < 0, so the two agree for both signs of Q.
    """
    a = Q**-2
    c = Q / sigma
    scale = math.exp(mu + (2 * sigma / Q) * math.log(abs(Q)))
    return stats.gengamma(a, c, scale=scale)


# (distribution, flexsurv parameters, independent scipy.stats reference)
REFERENCE_CASES = [
    ("exp", {"rate": 0.3}, stats.expon(scale=1 / 0.3)),
    ("weibull", {"shape": 0.7, "scale": 3.0}, stats.weibull_min(0.7, scale=3.0)),
    ("weibull", {"shape": 2.5, "scale": 3.0}, stats.weibull_min(2.5, scale=3.0)),
    # weibullPH: S = exp(-m t^a) = exp(-(t / m^(-1/a))^a)
    ("weibullPH", {"shape": 1.3, "scale": 0.2}, stats.weibull_min(1.3, scale=0.2 ** (-1 / 1.3))),
    ("weibullPH", {"shape": 0.6, "scale": 1.5}, stats.weibull_min(0.6, scale=1.5 ** (-1 / 0.6))),
    # scipy gompertz(c, scale): S = exp(-c (exp(t/scale) - 1)), so c = rate/shape, scale = 1/shape
    ("gompertz", {"shape": 0.2, "rate": 0.1}, stats.gompertz(0.1 / 0.2, scale=1 / 0.2)),
    ("llogis", {"shape": 0.8, "scale": 4.0}, stats.fisk(0.8, scale=4.0)),
    ("llogis", {"shape": 3.0, "scale": 4.0}, stats.fisk(3.0, scale=4.0)),
    ("lnorm", {"meanlog": 1.2, "sdlog": 0.8}, stats.lognorm(0.8, scale=math.exp(1.2))),
    ("lnorm", {"meanlog": -0.5, "sdlog": 2.0}, stats.lognorm(2.0, scale=math.exp(-0.5))),
    ("gamma", {"shape": 0.6, "rate": 0.4}, stats.gamma(0.6, scale=1 / 0.4)),
    ("gamma", {"shape": 3.6, "rate": 0.4}, stats.gamma(3.6, scale=1 / 0.4)),
    ("gengamma", {"mu": 1.1, "sigma": 0.7, "Q": 1.5}, prentice_to_scipy(1.1, 0.7, 1.5)),
    ("gengamma", {"mu": 1.1, "sigma": 0.7, "Q": 0.4}, prentice_to_scipy(1.1, 0.7, 0.4)),
    ("gengamma", {"mu": 1.1, "sigma": 0.7, "Q": 0.05}, prentice_to_scipy(1.1, 0.7, 0.05)),
    ("gengamma", {"mu": 1.1, "sigma": 0.7, "Q": -0.05}, prentice_to_scipy(1.1, 0.7, -0.05)),
    ("gengamma", {"mu": 1.1, "sigma": 0.7, "Q": -0.7}, prentice_to_scipy(1.1, 0.7, -0.7)),
    ("gengamma", {"mu": 0.2, "sigma": 1.4, "Q": -2.0}, prentice_to_scipy(0.2, 1.4, -2.0)),
    # inside the small-|Q| series branch (|Q| < GENGAMMA_Q_SERIES = 0.01)
    ("gengamma", {"mu": 1.0, "sigma": 0.3, "Q": 0.008}, prentice_to_scipy(1.0, 0.3, 0.008)),
    ("gengamma", {"mu": 1.0, "sigma": 0.3, "Q": -0.008}, prentice_to_scipy(1.0, 0.3, -0.008)),
    # gengamma.orig(shape=b, scale=a, k) is scipy gengamma(a=k, c=b, scale=a) directly
    ("gengamma.orig", {"shape": 1.7, "scale": 2.5, "k": 0.6}, stats.gengamma(0.6, 1.7, scale=2.5)),
    ("gengamma.orig", {"shape": 0.7, "scale": 2.5, "k": 3.0}, stats.gengamma(3.0, 0.7, scale=2.5)),
]
CASE_IDS = [f"{d}-{'-'.join(f'{v:g}' for v in p.values())}" for d, p, _ in REFERENCE_CASES]
TIMES = np.array([0.001, 0.05, 0.3, 1.0, 2.0, 3.7, 6.0, 10.0, 25.0, 60.0])

# One valid parameter set per distribution, for tests that do not need a reference.
EXAMPLES = {
    "exp": {"rate": 0.25},
    "weibull": {"shape": 0.8, "scale": 6.0},
    "weibullPH": {"shape": 1.4, "scale": 0.05},
    "gompertz": {"shape": -0.3, "rate": 0.4},
    "llogis": {"shape": 0.9, "scale": 5.0},
    "lnorm": {"meanlog": 1.5, "sdlog": 1.1},
    "gamma": {"shape": 0.7, "rate": 0.2},
    "gengamma": {"mu": 1.5, "sigma": 0.9, "Q": -0.6},
    "gengamma.orig": {"shape": 0.8, "scale": 4.0, "k": 2.2},
}


def test_distribution_names_and_parameter_order_are_flexsurvs():
    # flexsurv::flexsurv.dists and the argument order of d<dist>() (flexsurv manual)
    assert sv.DISTRIBUTIONS == {
        "exp": ("rate",),
        "weibull": ("shape", "scale"),
        "weibullPH": ("shape", "scale"),
        "gompertz": ("shape", "rate"),
        "llogis": ("shape", "scale"),
        "lnorm": ("meanlog", "sdlog"),
        "gamma": ("shape", "rate"),
        "gengamma": ("mu", "sigma", "Q"),
        "gengamma.orig": ("shape", "scale", "k"),
    }
    assert set(EXAMPLES) == set(sv.DISTRIBUTIONS)


# --------------------------------------------------------------------------------------
# S, h, H, quantiles against scipy.stats
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("distribution", "params", "reference"), REFERENCE_CASES, ids=CASE_IDS)
def test_survival_matches_scipy(distribution, params, reference):
    expected = quietly(reference.sf, TIMES)
    result = sv.survival(distribution, params, TIMES)
    np.testing.assert_allclose(result, expected, rtol=1e-11, atol=1e-15)


@pytest.mark.parametrize(("distribution", "params", "reference"), REFERENCE_CASES, ids=CASE_IDS)
def test_hazard_is_density_over_survival(distribution, params, reference):
    sf = quietly(reference.sf, TIMES)
    keep = sf > 1e-250  # where the reference itself is meaningful
    expected = quietly(reference.pdf, TIMES[keep]) / sf[keep]
    result = sv.hazard(distribution, params, TIMES[keep])
    np.testing.assert_allclose(result, expected, rtol=1e-9)


@pytest.mark.parametrize(("distribution", "params", "reference"), REFERENCE_CASES, ids=CASE_IDS)
def test_cumulative_hazard_is_minus_log_survival(distribution, params, reference):
    sf = quietly(reference.sf, TIMES)
    cdf = quietly(reference.cdf, TIMES)
    keep = sf > 1e-250
    # -log S from whichever of S, 1 - S the reference knows to full relative precision
    expected = quietly(lambda: np.where(cdf < 0.5, -np.log1p(-cdf), -np.log(sf)))[keep]
    result = sv.cumulative_hazard(distribution, params, TIMES[keep])
    np.testing.assert_allclose(result, expected, rtol=1e-10)


@pytest.mark.parametrize(("distribution", "params", "reference"), REFERENCE_CASES, ids=CASE_IDS)
def test_quantile_matches_scipy_and_round_trips(distribution, params, reference):
    p = np.array([1e-6, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999999])
    times = sv.quantile(distribution, params, p)
    np.testing.assert_allclose(times, quietly(reference.ppf, p), rtol=1e-9)
    # round trip through the cumulative hazard keeps full precision at both ends
    np.testing.assert_allclose(-np.expm1(-sv.cumulative_hazard(distribution, params, times)), p, rtol=1e-10)
    np.testing.assert_allclose(sv.survival(distribution, params, times), 1 - p, rtol=1e-10)


@pytest.mark.parametrize(
    ("distribution", "params", "median"),
    [
        ("exp", {"rate": 0.2}, math.log(2) / 0.2),
        ("weibull", {"shape": 1.5, "scale": 10.0}, 10.0 * math.log(2) ** (1 / 1.5)),
        ("weibullPH", {"shape": 1.5, "scale": 0.03}, (math.log(2) / 0.03) ** (1 / 1.5)),
        ("gompertz", {"shape": 0.1, "rate": 0.2}, math.log1p(0.1 * math.log(2) / 0.2) / 0.1),
        ("gompertz", {"shape": -0.1, "rate": 0.2}, math.log1p(-0.1 * math.log(2) / 0.2) / -0.1),
        ("gompertz", {"shape": 0.0, "rate": 0.2}, math.log(2) / 0.2),
        ("llogis", {"shape": 2.0, "scale": 18.0}, 18.0),
        ("lnorm", {"meanlog": 2.1, "sdlog": 0.9}, math.exp(2.1)),
        ("gengamma", {"mu": 2.1, "sigma": 0.9, "Q": 0.0}, math.exp(2.1)),
        # gengamma with Q = 1 is weibull(shape = 1/sigma, scale = exp(mu))
        ("gengamma", {"mu": 2.1, "sigma": 0.9, "Q": 1.0}, math.exp(2.1) * math.log(2) ** 0.9),
    ],
)
def test_median_closed_forms(distribution, params, median):
    assert sv.quantile(distribution, params, 0.5) == pytest.approx(median, rel=1e-13)


@pytest.mark.parametrize("distribution", list(EXAMPLES))
def test_quantile_end_points(distribution):
    np.testing.assert_array_equal(sv.quantile(distribution, EXAMPLES[distribution], [0.0, 1.0])[0], 0.0)
    if distribution != "gompertz":  # the example gompertz has a plateau: inf well before p = 1
        assert sv.quantile(distribution, EXAMPLES[distribution], 1.0) == np.inf


# --------------------------------------------------------------------------------------
# Published flexsurv values (R), from github.com/chjackson/flexsurv tests/testthat
# --------------------------------------------------------------------------------------


def test_flexsurv_published_gengamma_values():
    # test_gengamma.R: pgengamma(c(0,1,2,3,4), mu=0, sigma=1, Q=1)
    cdf = np.array([0, 0.632120558828558, 0.864664716763387, 0.950212931632136, 0.981684361111266])
    S = sv.survival("gengamma", {"mu": 0.0, "sigma": 1.0, "Q": 1.0}, [0, 1, 2, 3, 4])
    np.testing.assert_allclose(S, 1 - cdf, rtol=1e-13)
    # dgengamma(c(1,2,3,4), mu=0, sigma=1, Q=1); density = hazard * survival
    density = np.array([0.367879441171442, 0.135335283236613, 0.0497870683678639, 0.0183156388887342])
    x = np.array([1.0, 2.0, 3.0, 4.0])
    params = {"mu": 0.0, "sigma": 1.0, "Q": 1.0}
    result = sv.hazard("gengamma", params, x) * sv.survival("gengamma", params, x)
    np.testing.assert_allclose(result, density, rtol=1e-13)
    # qgengamma(p=0.25, mu=0, sigma=1, Q=1)
    assert sv.quantile("gengamma", params, 0.25) == pytest.approx(0.287682072451781, rel=1e-13)


def test_flexsurv_published_gompertz_values():
    # test_gompertz.R: dgompertz(c(0,1,2,3,4), shape=0.1, rate=0.2)
    density = np.array([0.2, 0.179105591827508, 0.156884811322895, 0.134101872197705, 0.111571759992743])
    x = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    params = {"shape": 0.1, "rate": 0.2}
    result = sv.hazard("gompertz", params, x) * sv.survival("gompertz", params, x)
    np.testing.assert_allclose(result, density, rtol=1e-13)
    # "Gompertz with chance of living forever": qgompertz(c(0.8,0.9,0.97,0.99), -0.6, 1.8)
    q = sv.quantile("gompertz", {"shape": -0.6, "rate": 1.8}, [0.8, 0.9, 0.97, 0.99])
    np.testing.assert_allclose(q, [1.28150707286845, 2.4316450975351, np.inf, np.inf], rtol=1e-13)


# --------------------------------------------------------------------------------------
# Limits and special cases
# --------------------------------------------------------------------------------------


def test_gengamma_q_zero_is_lognormal():
    t = np.array([0.0, 0.01, 0.5, 1.0, 3.0, 8.0, 40.0, 1e4])
    gg = {"mu": 1.1, "sigma": 0.7, "Q": 0.0}
    ln = {"meanlog": 1.1, "sdlog": 0.7}
    reference = stats.lognorm(0.7, scale=math.exp(1.1))
    S = sv.survival("gengamma", gg, t)
    np.testing.assert_allclose(S, quietly(reference.sf, t), rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(S, sv.survival("lnorm", ln, t), rtol=1e-15)
    np.testing.assert_allclose(sv.hazard("gengamma", gg, t), sv.hazard("lnorm", ln, t), rtol=1e-13)
    p = [0.01, 0.3, 0.5, 0.99]
    np.testing.assert_allclose(sv.quantile("gengamma", gg, p), quietly(reference.ppf, p), rtol=1e-13)


def _gengamma_sf_edgeworth(w, Q):
    """S(w) of the Prentice generalised gamma to O(Q^3), error O(Q^4).

    W = log(Q^2 G)/Q with G ~ Gamma(Q^-2, 1) has cumulants kappa_1 = (psi(Q^-2) + log Q^2)/Q
    and kappa_n = psi^(n-1)(Q^-2)/Q^n; the large-argument expansions of the polygammas give
    kappa_1 = -Q/2 - Q^3/12, kappa_2 = 1 + Q^2/2, kappa_3 = -Q - Q^3, kappa_4 = 2 Q^2,
    kappa_5 = -6 Q^3 (+ O(Q^4)). The Edgeworth series of the distribution function with
    these cumulants, collected by powers of Q, is
        F(w) = Phi(w) + phi(w) [Q A(w) + Q^2 B(w) + Q^3 C(w)],
        A = (w^2 + 2)/6,  B = -w (w^4 + 2 w^2 + 6)/72,
        C = 1/540 + w^2/1080 + w^4/270 - w^6/1296 + w^8/1296.
    """
    w2 = w * w
    A = (w2 + 2) / 6
    B = -w * (w2 * w2 + 2 * w2 + 6) / 72
    C = 1 / 540 + w2 / 1080 + w2**2 / 270 - w2**3 / 1296 + w2**4 / 1296
    phi = np.exp(-w2 / 2) / math.sqrt(2 * math.pi)
    return special.ndtr(-w) - phi * Q * (A + Q * (B + Q * C))


@pytest.mark.parametrize("Q", [1e-3, -1e-3, 1e-4, -1e-4, 1e-7, -1e-7])
def test_gengamma_small_q_against_edgeworth_expansion(Q):
    mu, sigma = 0.4, 1.3
    w = np.linspace(-6.0, 7.0, 27)
    t = np.exp(mu + sigma * w)
    expected = _gengamma_sf_edgeworth(w, Q)
    result = sv.survival("gengamma", {"mu": mu, "sigma": sigma, "Q": Q}, t)
    np.testing.assert_allclose(result, expected, rtol=0, atol=1e-13)


@pytest.mark.parametrize("Q", [1e-6, -1e-6])
def test_gengamma_first_order_departure_from_lognormal(Q):
    # dS/dQ at Q = 0 is -phi(w) (w^2 + 2)/6 (first term of the expansion above)
    w = np.linspace(-4.0, 4.0, 17)
    t = np.exp(w)
    S = sv.survival("gengamma", {"mu": 0.0, "sigma": 1.0, "Q": Q}, t)
    slope = (S - special.ndtr(-w)) / Q
    phi = np.exp(-w * w / 2) / math.sqrt(2 * math.pi)
    np.testing.assert_allclose(slope, -phi * (w * w + 2) / 6, atol=1e-6)


@pytest.mark.parametrize("Q_edge", [sv.GENGAMMA_Q_SERIES, -sv.GENGAMMA_Q_SERIES])
def test_gengamma_is_continuous_across_the_series_threshold(Q_edge):
    t = np.array([0.05, 0.5, 1.0, 3.0, 10.0, 40.0, 300.0])
    # |Q| = GENGAMMA_Q_SERIES is evaluated directly, one ulp closer to 0 by the series
    inside = {"mu": 1.1, "sigma": 0.7, "Q": np.nextafter(Q_edge, 0.0)}
    outside = {"mu": 1.1, "sigma": 0.7, "Q": Q_edge}
    p = [1e-8, 0.1, 0.5, 0.9, 1 - 1e-8]
    for function, x, rtol in ((sv.survival, t, 1e-11), (sv.hazard, t, 1e-10), (sv.quantile, p, 1e-11)):
        np.testing.assert_allclose(
            function("gengamma", inside, x), function("gengamma", outside, x), rtol=rtol, atol=1e-15
        )


@pytest.mark.parametrize("Q", [0.0, 1e-5, -1e-5, 3e-3, -3e-3])
def test_gengamma_small_q_quantile_round_trip(Q):
    params = {"mu": 1.1, "sigma": 0.7, "Q": Q}
    p = np.array([1e-10, 1e-4, 0.2, 0.5, 0.8, 1 - 1e-6])
    H = sv.cumulative_hazard("gengamma", params, sv.quantile("gengamma", params, p))
    np.testing.assert_allclose(-np.expm1(-H), p, rtol=1e-12)


def test_gengamma_q_one_is_weibull_and_q_sigma_is_gamma():
    # flexsurv GenGamma help: gengamma(mu, sigma, Q=1) = weibull(shape=1/sigma, scale=exp(mu));
    # gengamma(mu, sigma, Q=sigma) = gamma(shape=1/sigma^2, rate=exp(-mu)/sigma^2)
    t = np.array([0.0, 0.1, 1.0, 2.0, 5.0, 20.0])
    mu, sigma = 0.4, 1.2
    weibull = stats.weibull_min(1 / sigma, scale=math.exp(mu))
    S = sv.survival("gengamma", {"mu": mu, "sigma": sigma, "Q": 1.0}, t)
    np.testing.assert_allclose(S, weibull.sf(t), rtol=1e-13)
    gamma = stats.gamma(1 / sigma**2, scale=math.exp(mu) * sigma**2)
    S = sv.survival("gengamma", {"mu": mu, "sigma": sigma, "Q": sigma}, t)
    np.testing.assert_allclose(S, gamma.sf(t), rtol=1e-13)


def test_gengamma_orig_reductions_and_mapping():
    t = np.array([0.0, 0.2, 1.0, 3.0, 9.0])
    shape, scale, k = 2.2, 1.6, 1.9
    # flexsurv GenGamma help: the original parameterisation mapped to Prentice's
    prentice = {
        "mu": math.log(scale) + math.log(k) / shape,
        "sigma": 1 / (shape * math.sqrt(k)),
        "Q": 1 / math.sqrt(k),
    }
    orig = {"shape": shape, "scale": scale, "k": k}
    S = sv.survival("gengamma.orig", orig, t)
    np.testing.assert_allclose(S, sv.survival("gengamma", prentice, t), rtol=1e-13)
    # k = 1: weibull(shape, scale); shape = 1: gamma(k, rate = 1/scale)
    np.testing.assert_allclose(
        sv.survival("gengamma.orig", {"shape": shape, "scale": scale, "k": 1.0}, t),
        stats.weibull_min(shape, scale=scale).sf(t),
        rtol=1e-13,
    )
    np.testing.assert_allclose(
        sv.survival("gengamma.orig", {"shape": 1.0, "scale": scale, "k": k}, t),
        stats.gamma(k, scale=scale).sf(t),
        rtol=1e-13,
    )


def test_gompertz_shape_zero_and_tiny_is_exponential():
    t = np.array([0.0, 0.5, 3.0, 40.0])
    exponential = np.exp(-0.2 * t)
    for shape in (0.0, 1e-200, -1e-200):
        S = sv.survival("gompertz", {"shape": shape, "rate": 0.2}, t)
        np.testing.assert_allclose(S, exponential, rtol=1e-15)
        np.testing.assert_allclose(sv.hazard("gompertz", {"shape": shape, "rate": 0.2}, t), 0.2, rtol=1e-15)
    # small but not negligible shape: closed form with the series of expm1, relative error ~ shape t
    for shape in (1e-9, -1e-9):
        S = sv.survival("gompertz", {"shape": shape, "rate": 0.2}, t)
        np.testing.assert_allclose(S, np.exp(-0.2 * t * (1 + shape * t / 2)), rtol=1e-14)
    q = sv.quantile("gompertz", {"shape": 1e-200, "rate": 0.2}, [0.1, 0.5])
    np.testing.assert_allclose(q, -np.log1p(-np.array([0.1, 0.5])) / 0.2, rtol=1e-15)


def test_gompertz_negative_shape_plateau():
    shape, rate = -0.4, 0.3
    plateau = math.exp(rate / shape)  # S(inf) = exp(rate/shape) for shape < 0
    S = sv.survival("gompertz", {"shape": shape, "rate": rate}, [0.0, 200.0, np.inf])
    np.testing.assert_allclose(S, [1.0, plateau, plateau], rtol=1e-14)
    p_plateau = 1 - plateau
    q = sv.quantile("gompertz", {"shape": shape, "rate": rate}, [p_plateau * 0.999, p_plateau + 1e-9, 1.0])
    assert np.isfinite(q[0]) and np.all(q[1:] == np.inf)


@pytest.mark.parametrize("distribution", list(EXAMPLES))
def test_survival_at_zero_is_exactly_one_without_warnings(distribution):
    params = EXAMPLES[distribution]
    assert sv.survival(distribution, params, 0.0) == 1.0
    assert sv.cumulative_hazard(distribution, params, 0.0) == 0.0
    assert sv.adjusted_survival(distribution, params, 0.0, 0.7, 1.3, 0.2) == 1.0
    assert np.isfinite(sv.hazard(distribution, params, 1.0))
    assert sv.survival(distribution, params, np.inf) <= sv.survival(distribution, params, 1e6)


@pytest.mark.parametrize(
    ("distribution", "params", "expected"),
    [
        # limits of the hazard at t = 0 (closed forms)
        ("weibull", {"shape": 0.5, "scale": 2.0}, np.inf),
        ("weibull", {"shape": 1.0, "scale": 2.0}, 0.5),
        ("weibull", {"shape": 2.0, "scale": 2.0}, 0.0),
        ("weibullPH", {"shape": 1.0, "scale": 0.3}, 0.3),
        ("llogis", {"shape": 0.5, "scale": 2.0}, np.inf),
        ("llogis", {"shape": 1.0, "scale": 2.0}, 0.5),
        ("llogis", {"shape": 3.0, "scale": 2.0}, 0.0),
        ("lnorm", {"meanlog": 0.0, "sdlog": 3.0}, 0.0),
        ("gamma", {"shape": 0.5, "rate": 2.0}, np.inf),
        ("gamma", {"shape": 1.0, "rate": 2.0}, 2.0),
        ("gamma", {"shape": 2.0, "rate": 2.0}, 0.0),
        ("gompertz", {"shape": -1.0, "rate": 0.7}, 0.7),
        ("gengamma", {"mu": 0.5, "sigma": 1.0, "Q": 1.0}, math.exp(-0.5)),  # exponential
        ("gengamma", {"mu": 0.5, "sigma": 2.0, "Q": 1.0}, np.inf),  # weibull shape 1/2
        ("gengamma", {"mu": 0.5, "sigma": 0.5, "Q": 1.0}, 0.0),
        ("gengamma", {"mu": 0.5, "sigma": 0.5, "Q": -1.0}, 0.0),
        ("gengamma.orig", {"shape": 1.0, "scale": 4.0, "k": 1.0}, 0.25),
        ("gengamma.orig", {"shape": 0.5, "scale": 4.0, "k": 1.0}, np.inf),
    ],
)
def test_hazard_at_zero(distribution, params, expected):
    assert sv.hazard(distribution, params, 0.0) == pytest.approx(expected, rel=1e-14)


# --------------------------------------------------------------------------------------
# Broadcasting
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("distribution", list(EXAMPLES))
def test_parameters_broadcast_against_times(distribution):
    rng = np.random.default_rng(2024)
    n_samples, n_cycles = 3, 5
    sampled = {
        name: value * rng.uniform(0.8, 1.2, size=(n_samples, 1, 1)) for name, value in EXAMPLES[distribution].items()
    }
    t = np.linspace(0.0, 12.0, n_cycles).reshape(1, n_cycles, 1)
    p = np.linspace(0.05, 0.6, n_cycles).reshape(1, n_cycles, 1)
    for function, x in ((sv.survival, t), (sv.hazard, t), (sv.cumulative_hazard, t), (sv.quantile, p)):
        result = function(distribution, sampled, x)
        assert result.shape == (n_samples, n_cycles, 1)
        for i in range(n_samples):
            scalar_params = {name: float(v[i, 0, 0]) for name, v in sampled.items()}
            for j in range(n_cycles):
                one = function(distribution, scalar_params, x[0, j, 0])
                assert result[i, j, 0] == pytest.approx(float(one), rel=1e-14)


def test_gengamma_broadcast_mixing_series_and_direct_branches():
    Q = np.array([-1.0, -0.005, 0.0, 0.003, 0.5]).reshape(5, 1)
    t = np.array([0.0, 0.5, 2.0, 9.0]).reshape(1, 4)
    result = sv.survival("gengamma", {"mu": 0.7, "sigma": 0.8, "Q": Q}, t)
    assert result.shape == (5, 4)
    for i, q in enumerate(Q.ravel()):
        one = sv.survival("gengamma", {"mu": 0.7, "sigma": 0.8, "Q": q}, t.ravel())
        np.testing.assert_array_equal(result[i], one)


# --------------------------------------------------------------------------------------
# Adjustments
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("distribution", list(EXAMPLES))
def test_hazard_ratio_multiplies_cumulative_hazard(distribution):
    t = np.array([0.5, 2.0, 7.0])
    params = EXAMPLES[distribution]
    adjusted = sv.adjusted_survival(distribution, params, t, hazard_ratio=0.65)
    H = sv.cumulative_hazard(distribution, params, t)
    np.testing.assert_allclose(-np.log(adjusted), 0.65 * H, rtol=1e-12)


@pytest.mark.parametrize("distribution", list(EXAMPLES))
def test_acceleration_factor_multiplies_the_median(distribution):
    params = EXAMPLES[distribution]
    median = sv.quantile(distribution, params, 0.5)
    S = sv.adjusted_survival(distribution, params, 1.8 * median, acceleration_factor=1.8)
    assert pytest.approx(0.5, rel=1e-12) == S


def test_cure_fraction_is_the_long_run_plateau():
    t = np.array([0.0, 1.0, 10.0, 1e3, 1e6])
    params = {"shape": 1.2, "scale": 5.0}
    S = sv.adjusted_survival("weibull", params, t, cure_fraction=0.23)
    assert S[0] == 1.0
    assert S[-1] == pytest.approx(0.23, rel=1e-15)
    expected = 0.23 + 0.77 * np.exp(-((t / 5.0) ** 1.2))
    np.testing.assert_allclose(S, expected, rtol=1e-15)


def test_adjustments_combine_and_broadcast():
    t = np.array([0.0, 2.0, 6.0]).reshape(1, 3)
    hr = np.array([0.5, 1.0, 2.0]).reshape(3, 1)
    S = sv.adjusted_survival("exp", {"rate": 0.1}, t, hazard_ratio=hr, acceleration_factor=2.0, cure_fraction=0.1)
    expected = 0.1 + 0.9 * np.exp(-hr * 0.1 * t / 2.0)  # closed form for the exponential
    np.testing.assert_allclose(S, expected, rtol=1e-15)


@pytest.mark.parametrize(
    ("keyword", "value", "message"),
    [
        ("hazard_ratio", -0.5, "hazard_ratio = -0.5 is invalid"),
        ("acceleration_factor", 0.0, "acceleration_factor = 0 is invalid"),
        ("cure_fraction", 1.2, "cure_fraction = 1.2 is invalid"),
        ("cure_fraction", [0.1, np.nan], "cure_fraction = nan is invalid"),
    ],
)
def test_invalid_adjustments_raise(keyword, value, message):
    with pytest.raises(ModelError, match=message):
        sv.adjusted_survival("exp", {"rate": 0.1}, [1.0], **{keyword: value})


# --------------------------------------------------------------------------------------
# Event probabilities
# --------------------------------------------------------------------------------------


def test_event_probability_of_an_exponential_is_constant_per_cycle():
    t = np.arange(0.0, 11.0)
    S = sv.survival("exp", {"rate": 0.3}, t)
    p = sv.event_probability(S[:-1], S[1:])
    np.testing.assert_allclose(p, -math.expm1(-0.3), rtol=1e-13)  # 1 - exp(-rate * cycle)


def test_event_probability_when_nobody_is_left():
    p = sv.event_probability([1.0, 0.4, 0.0, 0.0], [0.8, 0.4, 0.0, 0.0])
    np.testing.assert_allclose(p, [0.2, 0.0, 1.0, 1.0], rtol=1e-15, atol=0)
    assert sv.event_probability(0.0, 0.0) == 1.0


def test_event_probability_broadcasts_and_propagates_nan():
    start = np.array([[1.0], [0.5]])
    end = np.array([[0.9, 0.5, 0.0]])
    p = sv.event_probability(start, end)
    assert p.shape == (2, 3)
    np.testing.assert_allclose(p[0], [0.1, 0.5, 1.0])
    assert np.isnan(sv.event_probability(np.nan, 0.5))


# --------------------------------------------------------------------------------------
# Parameter checking and error messages
# --------------------------------------------------------------------------------------


def test_check_parameters_accepts_valid_input():
    for distribution, params in EXAMPLES.items():
        assert sv.check_parameters(distribution, params) == []
    assert sv.check_parameters("gompertz", {"shape": [-1.0, 0.0, 2.0], "rate": 1.0}) == []
    assert sv.check_parameters("gengamma", {"mu": -3.0, "sigma": 0.2, "Q": [-2.0, 0.0, 2.0]}) == []


def test_check_parameters_out_of_domain_message():
    assert sv.check_parameters("weibull", {"shape": -1.5, "scale": 10.0}) == ["shape = -1.5 is not > 0"]
    assert sv.check_parameters("lnorm", {"meanlog": np.inf, "sdlog": np.nan}) == [
        "meanlog = inf is not finite",
        "sdlog = nan is not a number",
    ]
    assert sv.check_parameters("exp", {"rate": "fast"}) == ["rate = 'fast' is not a number"]


def test_check_parameters_reports_first_offending_array_element():
    problems = sv.check_parameters("gamma", {"shape": [[1.0, 2.0], [-0.5, -3.0]], "rate": 1.0})
    assert problems == ["shape = -0.5 is not > 0 (at index [1, 0]; 2 of 4 values invalid)"]


def test_check_parameters_names():
    assert sv.check_parameters("gompertz", {"shape": 0.1, "scale": 2.0}) == [
        "missing parameter 'rate' for gompertz; expected parameters: shape, rate",
        "unexpected parameter 'scale' for gompertz; expected parameters: shape, rate",
    ]


@pytest.mark.parametrize(
    ("name", "suggestion"), [("weibul", "weibull"), ("lognormal", "lnorm"), ("Gompertz", "gompertz")]
)
def test_unknown_distribution_lists_valid_names(name, suggestion):
    (problem,) = sv.check_parameters(name, {})
    assert problem == (
        f"unknown distribution {name!r} (did you mean {suggestion!r}?); expected one of: "
        "exp, weibull, weibullPH, gompertz, llogis, lnorm, gamma, gengamma, gengamma.orig"
    )


def test_functions_raise_one_error_with_every_problem():
    with pytest.raises(ModelError) as raised:
        sv.survival("weibull", {"shape": -1.0, "rate": 2.0}, [1.0])
    assert isinstance(raised.value, ValueError)
    where = "survival distribution 'weibull': "
    assert str(raised.value) == (
        f"{where}missing parameter 'scale' for weibull; expected parameters: shape, scale\n"
        f"{where}unexpected parameter 'rate' for weibull; expected parameters: shape, scale\n"
        f"{where}shape = -1 is not > 0"
    )


def test_negative_times_and_bad_probabilities_raise():
    with pytest.raises(ModelError, match=r"t = -1 is negative"):
        sv.survival("exp", {"rate": 0.1}, [0.0, -1.0])
    with pytest.raises(ModelError, match=r"p = 1.5 is outside \[0, 1\]"):
        sv.quantile("exp", {"rate": 0.1}, [0.5, 1.5])


def test_docstring_examples():
    result = doctest.testmod(sv, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------

positive = st.floats(-3.0, 3.0).map(math.exp)
PARAMETER_STRATEGIES = {
    "exp": st.fixed_dictionaries({"rate": positive}),
    "weibull": st.fixed_dictionaries({"shape": positive, "scale": positive}),
    "weibullPH": st.fixed_dictionaries({"shape": positive, "scale": positive}),
    "gompertz": st.fixed_dictionaries(
        {"shape": st.one_of(st.floats(-2.0, 2.0), st.sampled_from([0.0, 1e-12, -1e-12])), "rate": positive}
    ),
    "llogis": st.fixed_dictionaries({"shape": positive, "scale": positive}),
    "lnorm": st.fixed_dictionaries({"meanlog": st.floats(-3.0, 5.0), "sdlog": positive}),
    "gamma": st.fixed_dictionaries({"shape": positive, "rate": positive}),
    "gengamma": st.fixed_dictionaries(
        {
            "mu": st.floats(-3.0, 5.0),
            "sigma": positive,
            "Q": st.one_of(st.floats(-3.0, 3.0), st.sampled_from([0.0, 1e-9, -1e-9, 0.00999, -0.00999, 0.01, -0.01])),
        }
    ),
    "gengamma.orig": st.fixed_dictionaries({"shape": positive, "scale": positive, "k": positive}),
}
distribution_and_params = st.sampled_from(list(PARAMETER_STRATEGIES)).flatmap(
    lambda name: st.tuples(st.just(name), PARAMETER_STRATEGIES[name])
)
time_lists = st.lists(st.floats(0.0, 1e4), min_size=1, max_size=25)


@settings(max_examples=100, deadline=None)
@given(distribution_and_params, time_lists)
def test_survival_is_a_non_increasing_probability(case, times):
    distribution, params = case
    t = np.sort(np.array([0.0, *times]))
    S = sv.survival(distribution, params, t)
    assert S[0] == 1.0
    assert np.all((S >= 0.0) & (S <= 1.0))
    # non-increasing, allowing for rounding in the special functions (1e-12 relative)
    assert np.all(S[1:] <= S[:-1] * (1 + 1e-12))
    H = sv.cumulative_hazard(distribution, params, t)
    assert np.all(H >= 0.0)
    np.testing.assert_allclose(np.exp(-H), S, rtol=1e-9, atol=1e-300)
