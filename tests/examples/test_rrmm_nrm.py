"""Deaths before progression after a CAR-T infusion (nrm_cart_y1_rate, nrm_cart_late_rate): estimated from one
source, CARTITUDE-1's deaths from adverse events by day after infusion (Lin et al. 2023, median follow-up 33.4
months, as tabulated by J&J Medical Information, "CARVYKTI - Adverse Event - Mortality"), never from an OS value.

Independent reference: the day of each of the 18 deaths typed here from that table, the windows counted by hand
(7 before day 365, 11 from then to day 945), and the exponential PFS rate as its closed-form MLE (events / time at
risk) of the patients reconstructed from CARTITUDE-1's published PFS points.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from hecon.engine.run import run_model
from hecon.examples.rrmm import CART, rrmm_model
from hecon.examples.rrmm.fitted import reconstructed

#: Table "CARTITUDE-1: Deaths", days after infusion: 12 unrelated adverse events (pneumonia 109, 887; AML 418, 582,
#: 718; ascites 445; MDS 803; respiratory failure 733, 793, 829; sepsis 917, 945) and 6 treatment-related (sepsis 45,
#: 162; CRS/HLH 99; lung abscess 119; respiratory failure 121; neurotoxicity 247).
DAYS = (109, 887, 418, 582, 718, 445, 803, 733, 793, 829, 917, 945, 45, 162, 99, 119, 121, 247)


@pytest.fixture(scope="module")
def spec():
    return rrmm_model()


def test_the_table_has_7_deaths_in_year_1_and_11_after():
    assert len(DAYS) == 18
    assert sum(d < 365.25 for d in DAYS) == 7
    assert sum(365.25 <= d < 33.4 * 30.4375 for d in DAYS) == 11


@pytest.mark.parametrize(
    ("name", "deaths", "start", "end"), [("nrm_cart_y1_rate", 7, 0.0, 12.0), ("nrm_cart_late_rate", 11, 12.0, 33.4)]
)
def test_nrm_rates_are_the_deaths_in_each_window_over_progression_free_time(spec, name, deaths, start, end):
    ipd = reconstructed(CART, "PFS")
    r = ipd.event.sum() / ipd.time.sum()  # per month
    person_months = 97 * (math.exp(-start * r) - math.exp(-end * r)) / r
    params = {p.name: p for p in spec.parameters}
    rate = params[name]
    assert rate.value == pytest.approx(deaths / person_months, rel=1e-5)
    assert rate.source.startswith("D: ") and "OS" not in rate.source.split("not fitted")[0]
    # PSA: gamma with the Poisson count's relative SE, 1 / sqrt(deaths)
    assert rate.distribution.kind == "gamma"
    assert rate.distribution.args["se"] / rate.distribution.args["mean"] == pytest.approx(
        1 / math.sqrt(deaths), rel=1e-3
    )
    assert params["nrm_cart_late_until"].value == 33.4


def test_year_1_deaths_before_progression_are_7_of_97(spec):
    """With the year-1 rate on the exponential PFS, the share of the infused dying before progression in year 1 is
    the trial's 7/97 (7.2%), inside the real-world 5-10% that the external check compares it with."""
    r = {p.name: p.value for p in spec.parameters}
    h, rate = r["nrm_cart_y1_rate"], r["pfs_cilta_exp_rate"]
    assert h * (1 - math.exp(-12 * rate)) / rate == pytest.approx(7 / 97, rel=1e-5)


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
