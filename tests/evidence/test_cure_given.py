"""hecon.evidence.cure_given: the uncured part of a mixture cure model fitted at a given cure fraction.

References: tests/evidence/reference/cure_given.csv, made by cure_given.R (R, the log-likelihood written
out and maximised with optim; theta = 0 checked against survreg); the free cure fit's own maximum (at
its theta the conditional fit must return its shape and scale); bootstrap resamples from
hecon.evidence.bootstrap.resample fitted one by one.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from hecon.evidence.bootstrap import resample
from hecon.evidence.cure_given import bootstrap_given_cure_fraction, fit_uncured_given_cure_fraction
from hecon.evidence.fit import fit_survival
from hecon.evidence.ipd import arm_data
from hecon.model.problems import ModelError

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def lung():
    with (HERE / "data" / "lung.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    return arm_data([float(r["time"]) for r in rows], [r["event"] == "1" for r in rows], source="lung")


def _reference():
    with (HERE / "reference" / "cure_given.csv").open(newline="") as f:
        return [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)]


@pytest.mark.parametrize("ref", _reference(), ids=lambda r: f"theta={r['theta']:g}")
def test_matches_r(lung, ref):
    fit = fit_uncured_given_cure_fraction(lung, "weibull", ref["theta"], time_unit="days")
    assert fit.converged
    assert fit.estimates["shape"] == pytest.approx(ref["shape"], rel=1e-5)
    assert fit.estimates["scale"] == pytest.approx(ref["scale"], rel=1e-5)
    assert fit.loglik == pytest.approx(ref["loglik"], abs=1e-6)


def test_at_the_free_fits_theta_it_is_the_free_fit():
    """Data with a plateau: fixing theta at the free cure fit's estimate gives back its shape and scale."""
    rng = np.random.default_rng(7)
    cured = rng.random(300) < 0.3
    t = np.where(cured, 1e9, rng.weibull(1.5, 300) * 12.0)
    follow = rng.uniform(20, 40, 300)
    data = arm_data(np.minimum(t, follow), t <= follow)
    free = fit_survival(data, "weibull", cure=True, time_unit="months")
    given = fit_uncured_given_cure_fraction(data, "weibull", free.estimates["theta"], time_unit="months")
    assert given.estimates["shape"] == pytest.approx(free.estimates["shape"], rel=1e-4)
    assert given.estimates["scale"] == pytest.approx(free.estimates["scale"], rel=1e-4)
    assert given.loglik == pytest.approx(free.loglik, abs=1e-6)


def test_bootstrap_fits_replicate_b_on_resample_b_at_theta_b(lung):
    thetas = [0.0, 0.1, 0.02]
    rows = bootstrap_given_cure_fraction(lung, "weibull", thetas, seed=11, time_unit="days")
    assert rows.shape == (3, 2)
    for b, theta in enumerate(thetas):
        i = resample(lung.n, 11, b)
        one = fit_uncured_given_cure_fraction(arm_data(lung.time[i], lung.event[i]), "weibull", theta, time_unit="days")
        assert rows[b] == pytest.approx([one.estimates["shape"], one.estimates["scale"]], rel=1e-9)


def test_bad_input_is_all_reported(lung):
    with pytest.raises(ModelError) as err:
        fit_uncured_given_cure_fraction(lung, "nonsense", 1.2, time_unit="days")
    text = str(err.value)
    assert "nonsense" in text and "theta = 1.2" in text
