"""The RRMM example's fitted survival curves (hecon.examples.rrmm.fitted) are the fits of its
published survival points: re-derived here from the workbook's SurvivalPoints rows with the
library functions, and the exponential rates checked against the closed form (events / time at risk).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from hecon.evidence.fit import fit_survival
from hecon.evidence.guyot import reconstruct_ipd
from hecon.evidence.ipd import arm_data
from hecon.evidence.published_points import guyot_inputs, select_points
from hecon.examples.rrmm import CART, rrmm_model
from hecon.examples.rrmm.fitted import FITTED, aic_table


@pytest.fixture(scope="module")
def spec():
    return rrmm_model()


def _patients(spec, strategy, endpoint):
    points = spec.survival_points
    curve, at_risk = guyot_inputs(points, select_points(points, strategy, endpoint), time_unit="months")
    return reconstruct_ipd(curve, at_risk)


@pytest.mark.parametrize("curve", [c for c in FITTED if c.chosen == "exp"], ids=lambda c: c.prefix)
def test_exponential_rate_is_events_over_time_at_risk(spec, curve):
    prefix = curve.prefix
    ipd = _patients(spec, curve.strategy, curve.endpoint)
    rate = ipd.event.sum() / ipd.time.sum()  # closed-form MLE of the exponential
    param = {p.name: p for p in spec.parameters}[f"{prefix}_exp_rate"]
    assert param.value == pytest.approx(rate, rel=1e-5)
    # lognormal PSA: sdlog = 1 / sqrt(events) (observed information of log rate)
    assert param.distribution.kind == "lognormal"
    assert param.distribution.args["meanlog"] == pytest.approx(math.log(rate), rel=1e-5)
    assert param.distribution.args["sdlog"] == pytest.approx(1 / math.sqrt(ipd.event.sum()), rel=1e-4)


def test_cilta_pfs_cure_alternative_equals_a_fresh_fit(spec):
    ipd = _patients(spec, CART, "PFS")
    fit = fit_survival(arm_data(ipd.time, ipd.event), "weibull", cure=True, time_unit="months")
    assert fit.converged
    params = {p.name: p for p in spec.parameters}
    base = "pfs_cilta_weibull_cure"
    assert params[f"{base}_shape"].value == pytest.approx(fit.estimates["shape"], rel=1e-6)
    assert params[f"{base}_scale"].value == pytest.approx(fit.estimates["scale"], rel=1e-6)
    assert params[f"{base}_theta"].value == pytest.approx(fit.estimates["theta"], rel=1e-6)
    # the PSA draws PFS's three and OS's two jointly from the bootstrap refits (tests/examples/test_rrmm_plateau.py)
    assert {params[f"{base}_{n}"].distribution.kind for n in ("shape", "scale", "theta")} == {"empirical"}
    assert {params[f"{base}_{n}"].distribution.group for n in ("shape", "scale", "theta")} == {base}


def test_cilta_os_cure_alternative_takes_pfs_cure_fraction(spec):
    """The cured are progression-free: OS's cure fit has PFS's theta (no theta of its own), and its uncured
    Weibull maximises the OS patients' mixture cure log-likelihood at that theta (written out here, scipy)."""
    from scipy import optimize, stats

    params = {p.name: p for p in spec.parameters}
    assert "os_cilta_weibull_cure_theta" not in params
    theta = params["pfs_cilta_weibull_cure_theta"].value
    ipd = _patients(spec, CART, "OS")
    t, e = ipd.time, ipd.event.astype(bool)

    def nll(x):
        shape, scale = np.exp(x)
        f = stats.weibull_min.pdf(t[e], shape, scale=scale)
        s = stats.weibull_min.sf(t[~e], shape, scale=scale)
        return -(np.sum(np.log((1 - theta) * f)) + np.sum(np.log(theta + (1 - theta) * s)))

    best = optimize.minimize(nll, [0.0, math.log(50.0)], method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12})
    shape, scale = np.exp(best.x)
    assert params["os_cilta_weibull_cure_shape"].value == pytest.approx(shape, rel=1e-4)
    assert params["os_cilta_weibull_cure_scale"].value == pytest.approx(scale, rel=1e-4)
    assert params["cilta_os_cure_fraction"].value == "if_else(cart_pfs_plateau == 2, pfs_cilta_weibull_cure_theta, 0)"


def test_the_family_choice_is_the_lowest_aic_or_a_named_alternative():
    table = aic_table()
    for curve in FITTED:
        assert min(table[curve.prefix], key=table[curve.prefix].get) == curve.chosen


def test_docs_show_the_fits_as_they_are():
    """docs/rrmm.md shows the fits table (points, family, AICs, parameters) as doc_tables prints it."""
    from pathlib import Path

    from hecon.examples.rrmm.doc_tables import fits_table

    text = (Path(__file__).parents[2] / "docs" / "rrmm.md").read_text(encoding="utf-8")
    assert fits_table() in text
