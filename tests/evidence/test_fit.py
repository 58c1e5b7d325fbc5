"""Tests for hecon.evidence.fit: maximum-likelihood fits against R and closed forms.

Reference numbers (tests/evidence/reference/fits.csv and vcov.csv) were written by
tests/evidence/reference/fits.R, which uses no hecon code and no flexsurv:

* exp, weibull, weibullPH, llogis, lnorm: ``survival::survreg`` estimates, log-likelihood and
  ``vcov``, converted from survreg's AFT parameterisation to flexsurv's in the R script
  (shape = 1/scale, scale = exp(intercept), ...; covariance through the Jacobian);
* gompertz, gamma, gengamma and the mixture cure models: log-likelihoods written out in R
  (dgamma/pgamma and explicit formulas), maximised with optim and Newton steps; covariance
  from a Richardson-extrapolated numerical Hessian.

Data: ovarian, lung, veteran (all patients pooled) and colon recurrence; the cure models on
ovarian and colon, whose Kaplan-Meier curves level off.
"""

from __future__ import annotations

import csv
import doctest
import math
from collections import defaultdict

import numpy as np
import pytest

from hecon.evidence.fit import SurvivalFit, check_fit_input, fit_all, fit_survival
from hecon.evidence.ipd import arm_data, read_ipd
from hecon.model.problems import ModelError
from tests.evidence.conftest import DATA, REFERENCE, pooled

# Any RuntimeWarning (overflow, invalid value) escaping hecon fails a test.
pytestmark = pytest.mark.filterwarnings("error")


def _read(name: str) -> dict[tuple[str, str, str, bool], list[dict[str, str]]]:
    out: dict[tuple[str, str, str, bool], list[dict[str, str]]] = defaultdict(list)
    with open(REFERENCE / name, newline="") as handle:
        for row in csv.DictReader(handle):
            out[(row["dataset"], row["arm"], row["distribution"], row["cure"] == "TRUE")].append(row)
    return dict(out)


FITS = _read("fits.csv")
VCOV = _read("vcov.csv")
CASES = sorted(FITS)


def _id(case: tuple[str, str, str, bool]) -> str:
    dataset, _, distribution, cure = case
    return f"{dataset}-{distribution}{'-cure' if cure else ''}"


def _fit(fitted: dict, case: tuple[str, str, str, bool]) -> SurvivalFit:
    dataset, _, distribution, cure = case
    return fitted[dataset][(distribution, cure)]


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_estimates_loglik_aic_bic_equal_r(fitted, case):
    rows = FITS[case]
    fit = _fit(fitted, case)
    assert fit.converged, fit.message
    assert fit.parameters == tuple(r["parameter"] for r in rows)
    assert fit.scales == tuple(r["scale"] for r in rows)
    np.testing.assert_allclose(
        [fit.estimates[p] for p in fit.parameters], [float(r["estimate"]) for r in rows], rtol=1e-5
    )
    np.testing.assert_allclose(
        [fit.internal[p] for p in fit.parameters], [float(r["internal"]) for r in rows], rtol=1e-5, atol=1e-9
    )
    # log-likelihoods of -100 to -4200: agreement to 1e-6 is 8 to 10 significant digits
    assert fit.loglik == pytest.approx(float(rows[0]["loglik"]), abs=1e-6)
    assert fit.aic == pytest.approx(float(rows[0]["aic"]), abs=2e-6)
    assert fit.bic == pytest.approx(float(rows[0]["bic"]), abs=2e-6)
    assert (fit.n, fit.events) == (int(rows[0]["n"]), int(rows[0]["events"]))


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_covariance_and_standard_errors_equal_r(fitted, case):
    fit = _fit(fitted, case)
    cells = {(r["row"], r["column"]): float(r["covariance"]) for r in VCOV[case]}
    reference = np.array([[cells[(a, b)] for b in fit.parameters] for a in fit.parameters])
    sd = np.sqrt(np.diag(reference))
    # in units of the standard errors (a correlation scale): numerical Hessians on both sides
    assert np.max(np.abs(fit.covariance - reference) / np.outer(sd, sd)) < 1e-4
    np.testing.assert_array_equal(fit.covariance, fit.covariance.T)
    # natural-scale standard errors by the delta method from R's internal covariance
    factor = {"log": lambda est: est, "identity": lambda est: 1.0, "logit": lambda est: est * (1 - est)}
    rows = FITS[case]
    expected = [factor[r["scale"]](float(r["estimate"])) * s for r, s in zip(rows, sd)]
    np.testing.assert_allclose([fit.se[p] for p in fit.parameters], expected, rtol=1e-4)


def test_flexsurv_published_log_likelihoods(fitted):
    """flexsurv's own test suite (tests/testthat/test_flexsurvreg.R) pins the ovarian fits of
    the log-normal at -97.12174204265681 and the gamma at -97.86379723453011."""
    assert fitted["ovarian"][("lnorm", False)].loglik == pytest.approx(-97.12174204265681, abs=1e-8)
    assert fitted["ovarian"][("gamma", False)].loglik == pytest.approx(-97.86379723453011, abs=1e-8)


def test_exponential_closed_form():
    """MLE rate = events / total time; observed information of log(rate) = events."""
    data = pooled("lung")
    fit = fit_survival(data, "exp", time_unit="days")
    rate = data.events / data.time.sum()
    assert fit.estimates["rate"] == pytest.approx(rate, rel=1e-7)
    assert fit.covariance[0, 0] == pytest.approx(1.0 / data.events, rel=1e-6)
    assert fit.se["rate"] == pytest.approx(rate / math.sqrt(data.events), rel=1e-6)
    loglik = data.events * math.log(rate) - rate * data.time.sum()
    assert fit.loglik == pytest.approx(loglik, abs=1e-9)


def test_time_unit_rescales_the_curve_not_the_fit():
    """Times in years instead of days: same shape, scale / 365.25, and the log-likelihood of
    the times gains events x log(365.25) (the density's Jacobian)."""
    days = pooled("ovarian")
    years = arm_data(days.time / 365.25, days.event)
    for distribution, scale_name in (("weibull", "scale"), ("gompertz", "rate")):
        in_days = fit_survival(days, distribution, time_unit="days")
        in_years = fit_survival(years, distribution, time_unit="years")
        assert (in_days.time_unit, in_years.time_unit) == ("days", "years")
        assert in_years.loglik == pytest.approx(in_days.loglik + days.events * math.log(365.25), abs=1e-7)
        if distribution == "weibull":
            assert in_years.estimates["shape"] == pytest.approx(in_days.estimates["shape"], rel=1e-6)
            assert in_years.estimates["scale"] == pytest.approx(in_days.estimates["scale"] / 365.25, rel=1e-6)
        else:  # gompertz: shape and rate per day become per year
            assert in_years.estimates["shape"] == pytest.approx(in_days.estimates["shape"] * 365.25, rel=1e-5)
            assert in_years.estimates[scale_name] == pytest.approx(in_days.estimates[scale_name] * 365.25, rel=1e-6)


def test_bic_uses_the_number_of_patients(fitted):
    fit = fitted["lung"][("gengamma", False)]
    assert fit.bic - fit.aic == pytest.approx(3 * (math.log(228) - 2), abs=1e-9)


@pytest.mark.parametrize("distribution", ["lnorm", "llogis"])
def test_cure_fraction_on_its_boundary_is_not_a_converged_fit(fitted, distribution):
    """lung's Kaplan-Meier curve does not level off: the cure fraction's likelihood is largest
    at theta -> 0, which has no covariance; the fit says so instead of returning one."""
    fit = fit_survival(pooled("lung"), distribution, cure=True, time_unit="days")
    assert not fit.converged
    assert "boundary" in fit.message and "no plateau" in fit.message
    assert fit.estimates["theta"] < 1e-6
    assert np.isnan(fit.covariance).all() and math.isnan(fit.se["theta"])
    # ... and its likelihood is (up to the tiny theta) the one without cure
    assert fit.loglik == pytest.approx(fitted["lung"][(distribution, False)].loglik, abs=1e-4)


def test_unbounded_likelihood_is_reported_not_hidden():
    """ovarian arm rx2 (13 patients, 5 events): the generalised gamma's likelihood keeps rising
    as Q -> -inf and sigma -> 0, so there is no maximum; the fit is flagged."""
    arm = read_ipd(DATA / "ovarian.csv")["rx2"]
    fit = fit_survival(arm, "gengamma", time_unit="days")
    assert not fit.converged and fit.message
    assert fit.estimates["Q"] < -5
    assert fit.loglik > fit_survival(arm, "lnorm", time_unit="days").loglik


def test_every_distribution_converges_on_a_small_arm():
    """ovarian arm rx1: 13 patients, 7 events; every family with one or two parameters."""
    arm = read_ipd(DATA / "ovarian.csv")["rx1"]
    fits = fit_all([arm], ("exp", "weibull", "weibullPH", "gompertz", "llogis", "lnorm", "gamma"), (), time_unit="days")
    assert [f.converged for f in fits] == [True] * 7


def test_cure_model_curve_functions(fitted):
    """S(t) = theta + (1 - theta) exp(-(t/scale)^shape); h = (1 - theta) f_u / S; H = -log S."""
    fit = fitted["colon"][("weibull", True)]
    theta, shape, scale = (fit.estimates[p] for p in ("theta", "shape", "scale"))
    t = np.array([0.0, 100.0, 1000.0, 5000.0])
    s_u = np.exp(-((t / scale) ** shape))
    s = theta + (1 - theta) * s_u
    f_u = shape / scale * (t / scale) ** (shape - 1) * s_u
    np.testing.assert_allclose(fit.survival(t), s, rtol=1e-13)
    np.testing.assert_allclose(fit.hazard(t[1:]), (1 - theta) * f_u[1:] / s[1:], rtol=1e-12)
    np.testing.assert_allclose(fit.cumulative_hazard(t), -np.log(s), rtol=1e-12, atol=1e-300)
    assert fit.cure_fraction == theta and fit.curve_parameters == {"shape": shape, "scale": scale}


def test_fit_all_order_and_arms():
    data = read_ipd(DATA / "veteran.csv")
    fits = fit_all(data, ("exp", "weibull"), ("weibull",), time_unit="days")
    assert [(f.arm, f.label) for f in fits] == [
        ("standard", "exp"),
        ("standard", "weibull"),
        ("standard", "weibull cure"),
        ("test", "exp"),
        ("test", "weibull"),
        ("test", "weibull cure"),
    ]
    assert fits[0].source == str(DATA / "veteran.csv")


def test_check_fit_input_lists_every_problem():
    no_events = arm_data([1.0, 2.0], [0, 0], arm="B", source="trial.csv")
    at_zero = arm_data([0.0, 0.0, 3.0], [1, 1, 0], arm="A")
    problems = check_fit_input([at_zero, no_events], ("weibul", "lnorm"), ("cure",), "fortnights")
    assert [str(p) for p in problems] == [
        "distributions: cannot fit 'weibul'; expected one of exp, weibull, weibullPH, gompertz, llogis, lnorm, gamma, gengamma",
        "distributions: cannot fit 'cure'; expected one of exp, weibull, weibullPH, gompertz, llogis, lnorm, gamma, gengamma",
        "time unit: 'fortnights' is not a time unit; expected one of days, weeks, months, years",
        "arm 'A': 2 events at time 0, where parametric densities are 0 or infinite; expected event times > 0 "
        "(e.g. half a day for deaths on the day of randomisation)",
        "arm 'B' (trial.csv): has no events (2 patients, all censored); expected at least one event to fit a curve",
    ]
    with pytest.raises(ModelError) as info:
        fit_all([at_zero, no_events], time_unit="fortnights")
    assert len(info.value.problems) == 3
    with pytest.raises(ModelError, match="has no events"):
        fit_survival(no_events, "exp", time_unit="days")


def test_docstring_examples():
    from hecon.evidence import fit

    assert doctest.testmod(fit).failed == 0
