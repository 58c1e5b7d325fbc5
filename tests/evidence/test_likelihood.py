"""Tests for hecon.evidence.likelihood.

References: scipy.stats log-densities and log-survival functions (independent of
hecon.methods.survival), values from flexsurv's test suite
(tests/testthat/test_flexsurvreg.R), and the nesting of flexsurv's families (gengamma with
Q = 1 is a Weibull, with Q = sigma a gamma, with Q = 0 a log-normal).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from hecon.evidence.likelihood import Model, log_likelihood
from tests.evidence.conftest import pooled

# Any RuntimeWarning (overflow, invalid value) escaping hecon fails a test.
pytestmark = pytest.mark.filterwarnings("error")

OVARIAN = pooled("ovarian")


def loglik(distribution: str, natural: list[float], cure: bool = False) -> float:
    model = Model(distribution, cure)
    return log_likelihood(model, model.internal(np.array(natural)), OVARIAN.time, OVARIAN.event)


def scipy_loglik(frozen, theta: float = 0.0) -> float:
    t, d = OVARIAN.time, OVARIAN.event
    log_f = np.log1p(-theta) + frozen.logpdf(t[d])
    log_s = np.log(theta + (1 - theta) * frozen.sf(t[~d]))
    return float(np.sum(log_f) + np.sum(log_s))


@pytest.mark.parametrize(
    "distribution, natural, frozen",
    [
        ("exp", [0.001], stats.expon(scale=1000.0)),
        ("weibull", [1.3, 900.0], stats.weibull_min(1.3, scale=900.0)),
        ("weibullPH", [1.3, 2e-4], stats.weibull_min(1.3, scale=2e-4 ** (-1 / 1.3))),
        ("llogis", [1.7, 800.0], stats.fisk(1.7, scale=800.0)),
        ("lnorm", [6.5, 1.1], stats.lognorm(1.1, scale=math.exp(6.5))),
        ("gamma", [1.4, 0.0015], stats.gamma(1.4, scale=1 / 0.0015)),
        # scipy's gompertz: S = exp(-c (exp(x) - 1)), x = t b: shape b, rate c b
        ("gompertz", [0.002, 0.0006], stats.gompertz(0.0006 / 0.002, scale=1 / 0.002)),
        # Prentice gengamma with Q > 0 = scipy gengamma(a = Q^-2, c = Q/sigma, scale exp(mu) a^(-sigma/Q))
        ("gengamma", [6.4, 0.9, 0.6], stats.gengamma(1 / 0.36, 0.6 / 0.9, scale=math.exp(6.4) * 0.36 ** (0.9 / 0.6))),
    ],
)
def test_log_likelihood_equals_scipy(distribution, natural, frozen):
    assert loglik(distribution, natural) == pytest.approx(scipy_loglik(frozen), rel=1e-12)


def test_mixture_cure_log_likelihood_equals_scipy():
    frozen = stats.weibull_min(1.8, scale=500.0)
    assert loglik("weibull", [0.3, 1.8, 500.0], cure=True) == pytest.approx(scipy_loglik(frozen, 0.3), rel=1e-12)


def test_flexsurv_gompertz_log_likelihood_at_its_start_values():
    """flexsurv's test_flexsurvreg.R: Gompertz at flexsurv's inits (shape 0.001, rate
    1 / mean(futime)) on ovarian has log-likelihood -112.8294446076947."""
    assert loglik("gompertz", [0.001, 1 / OVARIAN.time.mean()]) == pytest.approx(-112.8294446076947, abs=1e-9)


def test_generalised_gamma_nests_weibull_gamma_and_lognormal():
    """flexsurv's test_flexsurvreg.R: gengamma(6, 0.8, 1) = weibull(1/0.8, e^6);
    gengamma(6, 0.5, 0.5) = gamma(1/0.5^2, e^-6/0.5^2); gengamma(6, 0.8, 0) = lnorm(6, 0.8)."""
    assert loglik("gengamma", [6, 0.8, 1]) == pytest.approx(loglik("weibull", [1 / 0.8, math.exp(6)]), rel=1e-12)
    assert loglik("gengamma", [6, 0.5, 0.5]) == pytest.approx(loglik("gamma", [4, 4 * math.exp(-6)]), rel=1e-12)
    assert loglik("gengamma", [6, 0.8, 0]) == pytest.approx(loglik("lnorm", [6, 0.8]), rel=1e-14)


def test_transforms_round_trip_and_derivatives():
    model = Model("gengamma", cure=True)
    assert model.parameters == ("theta", "mu", "sigma", "Q")
    assert model.scales == ("logit", "identity", "log", "identity")
    natural = np.array([0.2, 6.0, 0.8, -0.4])
    internal = model.internal(natural)
    np.testing.assert_allclose(internal, [math.log(0.2 / 0.8), 6.0, math.log(0.8), -0.4], rtol=1e-15)
    np.testing.assert_allclose(model.natural(internal), natural, rtol=1e-15)
    np.testing.assert_allclose(model.derivative(internal), [0.2 * 0.8, 1.0, 0.8, 1.0], rtol=1e-15)


def test_outside_the_domain_is_minus_infinity():
    model = Model("weibull")
    assert log_likelihood(model, np.array([800.0, 6.0]), OVARIAN.time, OVARIAN.event) == -np.inf  # shape overflows
