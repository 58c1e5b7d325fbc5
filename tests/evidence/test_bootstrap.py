"""Bootstrap of survival fits (hecon.evidence.bootstrap): refits of resampled patients.

References: the exponential's maximum-likelihood rate in closed form, events / total time, on
the very resample of each replicate; its asymptotic standard error rate / sqrt(events) (the
inverse observed information; Collett, Modelling Survival Data in Medical Research, 3rd ed.,
2015, section 5.1); for the cure model's boundary, the plain Weibull fit of the same resample.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from hecon.evidence.bootstrap import bootstrap_fit, resample
from hecon.evidence.fit import fit_survival
from hecon.evidence.ipd import arm_data
from hecon.model.problems import ModelError


def exponential_arm(n: int = 300, rate: float = 0.1, seed: int = 4):
    """Exponential times with uniform censoring on (0, 30)."""
    rng = np.random.default_rng(seed)
    t = rng.exponential(1 / rate, n)
    c = rng.uniform(0, 30, n)
    return arm_data(np.minimum(t, c), t <= c, source="simulated")


def test_exponential_refits_are_the_closed_form_mle_of_each_resample():
    data = exponential_arm(120)
    fits = bootstrap_fit(data, "exp", n_boot=25, seed=3, time_unit="months")
    assert fits.parameters == ("rate",) and fits.draws.shape == (25, 1)
    for b in range(25):
        i = resample(data.n, 3, b)
        assert fits.draws[b, 0] == pytest.approx(data.event[i].sum() / data.time[i].sum(), rel=1e-6)
    assert (fits.at_boundary, fits.not_converged) == (0, 0)


def test_exponential_bootstrap_sd_matches_the_asymptotic_se():
    """SD of 400 bootstrap rates vs rate / sqrt(events): the SD's Monte Carlo error is about
    1/sqrt(2 x 400) = 3.5%; 12% allows for that (3.4 Monte Carlo SE) and the asymptotics."""
    data = exponential_arm()
    rate = data.events / float(data.time.sum())
    fits = bootstrap_fit(data, "exp", n_boot=400, seed=11, time_unit="months")
    sd = float(np.std(fits.column("rate"), ddof=1))
    assert sd == pytest.approx(rate / math.sqrt(data.events), rel=0.12)
    assert float(np.mean(fits.column("rate"))) == pytest.approx(rate, abs=3 * sd / math.sqrt(400))


def test_replicates_depend_only_on_seed_and_index():
    data = exponential_arm(80)
    ten = bootstrap_fit(data, "exp", n_boot=10, seed=5, time_unit="months")
    four = bootstrap_fit(data, "exp", n_boot=4, seed=5, time_unit="months")
    np.testing.assert_array_equal(ten.draws[:4], four.draws)
    other = bootstrap_fit(data, "exp", n_boot=4, seed=6, time_unit="months")
    assert not np.array_equal(other.draws, four.draws)


def test_cure_refits_at_the_boundary_are_kept_with_theta_zero():
    """Exponential data without a plateau (everyone has the event): the cure fraction's maximum is
    at 0 in most resamples; those rows are theta = 0 with the plain Weibull fit of the same resample."""
    rng = np.random.default_rng(8)
    t = rng.exponential(10.0, 60)
    data = arm_data(t, np.ones(60, dtype=bool))
    fits = bootstrap_fit(data, "weibull", cure=True, n_boot=8, seed=2, time_unit="months")
    assert fits.parameters == ("theta", "shape", "scale")
    theta = fits.column("theta")
    zero = np.flatnonzero(theta == 0.0)
    assert fits.at_boundary == len(zero) >= 6
    assert np.all((theta >= 0) & (theta <= 1))
    for b in zero[:3]:
        i = resample(data.n, 2, int(b))
        plain = fit_survival(arm_data(data.time[i], data.event[i]), "weibull", time_unit="months")
        assert plain.converged
        assert fits.draws[b, 1:] == pytest.approx([plain.estimates["shape"], plain.estimates["scale"]], rel=1e-9)


def test_cure_fraction_with_a_clear_plateau():
    """A 30% cured population followed long enough: no refit at the boundary, and the bootstrap
    SD of theta near the fit's delta-method SE (30%: 40 replicates give the SD within about 11%)."""
    rng = np.random.default_rng(21)
    n = 300
    cured = rng.random(n) < 0.3
    t = np.where(cured, np.inf, rng.weibull(1.3, n) * 12.0)
    c = rng.uniform(36, 60, n)
    data = arm_data(np.minimum(t, c), t <= c)
    fit = fit_survival(data, "weibull", cure=True, time_unit="months")
    assert fit.converged
    fits = bootstrap_fit(data, "weibull", cure=True, n_boot=40, seed=1, time_unit="months")
    theta = fits.column("theta")
    assert fits.at_boundary == 0 and np.all(theta > 0.1)
    assert float(np.std(theta, ddof=1)) == pytest.approx(fit.se["theta"], rel=0.3)
    assert float(np.mean(theta)) == pytest.approx(fit.estimates["theta"], abs=0.03)


def test_bad_arguments_are_all_reported():
    with pytest.raises(ModelError) as e:
        bootstrap_fit(exponential_arm(20), "weibul", n_boot=0, seed=-1, time_unit="months")
    text = str(e.value)
    assert "n_boot = 0 is below 1" in text and "seed = -1 is below 0" in text and "cannot fit 'weibul'" in text
