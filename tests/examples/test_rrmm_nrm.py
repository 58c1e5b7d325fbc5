"""Deaths before progression after year 1 of a CAR-T infusion (nrm_cart_late_rate): estimated from CARTITUDE-1's
deaths not from progression (18 of 97 by 29.9 months: 6 treatment-related and 12 unrelated adverse events, Lin et
al. 2023 as reported by Janssen medical information), never from an OS value.

Independent reference: the arithmetic written out here, with the exponential PFS rate as its closed-form MLE
(events / time at risk) of the patients reconstructed from CARTITUDE-1's published PFS points.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from hecon.engine.run import run_model
from hecon.examples.rrmm import CART, rrmm_model
from hecon.examples.rrmm.fitted import reconstructed


@pytest.fixture(scope="module")
def spec():
    return rrmm_model()


def test_late_nrm_rate_is_the_deaths_after_year_1_over_progression_free_time(spec):
    ipd = reconstructed(CART, "PFS")
    r = ipd.event.sum() / ipd.time.sum()  # per month
    deaths_after_year_1 = 18 - 0.075 * 97
    person_months = 97 * (math.exp(-12 * r) - math.exp(-29.9 * r)) / r
    params = {p.name: p for p in spec.parameters}
    late = params["nrm_cart_late_rate"]
    assert late.value == pytest.approx(deaths_after_year_1 / person_months, rel=1e-5)
    assert late.source.startswith("D: ") and "OS" not in late.source.split("Not fitted")[0]
    # PSA: gamma with the Poisson count's relative SE, 1 / sqrt(deaths)
    assert late.distribution.kind == "gamma"
    assert late.distribution.args["se"] / late.distribution.args["mean"] == pytest.approx(
        1 / math.sqrt(deaths_after_year_1), rel=1e-3
    )
    assert params["nrm_cart_late_until"].value == 29.9


def test_late_deaths_before_progression_change_os_not_pfs_and_only_after_year_1(spec):
    """Deaths before progression are a share of the PFS events: with or without the late rate the infused patients'
    progression-free occupancy is the same; the late rate moves deaths from after relapse to before it, so OS is
    unchanged to month 12 and lower after it (fewer relapse, and those who die early lose their post-relapse time)."""
    from hecon.examples.rrmm.outputs import survival_curves
    from hecon.model.scenarios import apply_scenario
    from hecon.model.spec import Scenario

    without = apply_scenario(spec, Scenario("no late NRM", {"nrm_cart_late_until": 12.0}))
    a, b = survival_curves(spec, run_model(spec), CART), survival_curves(without, run_model(without), CART)
    assert a["pfs"] == pytest.approx(b["pfs"], rel=1e-12, abs=1e-15)
    months = a["months"]
    early, later = months <= 12.0, (months > 13.0) & (months < 120.0)
    assert a["os"][early] == pytest.approx(b["os"][early], rel=1e-12)
    assert np.all(a["os"][later] < b["os"][later])
