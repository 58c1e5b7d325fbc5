"""Kaplan–Meier estimates against R's survival::survfit.

The reference numbers were made by ``reference/kaplan_meier_reference.R`` (R 4.2.2, survival
3.5-3) on ``survival::lung``, ``survival::ovarian``, the non-maintained arm of
``survival::aml`` (the curve reaches 0) and six uncensored deaths (a flat stretch at S = 1/2);
the data and R's output are stored next to it, so these tests need no R.
"""

from __future__ import annotations

import csv
import doctest
import math
from pathlib import Path

import numpy as np
import pytest

from hecon.evidence import kaplan_meier as km_module
from hecon.evidence.kaplan_meier import kaplan_meier
from hecon.model.problems import ModelError

REFERENCE = Path(__file__).parent / "reference"
CASES = {  # survfit output file -> (data file, confidence level)
    "lung": ("lung", 0.95),
    "ovarian": ("ovarian", 0.95),
    "ovarian_90": ("ovarian", 0.90),
    "aml_nonmaintained": ("aml_nonmaintained", 0.95),
    "flat_half": ("flat_half", 0.95),
}


def read_table(name: str) -> dict[str, np.ndarray]:
    """Columns of a reference CSV (``#`` lines are comments; R's NA becomes nan)."""
    with open(REFERENCE / f"{name}.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    return {key: np.array([math.nan if r[key] == "NA" else float(r[key]) for r in rows]) for key in rows[0]}


def fit(case: str):
    data_name, level = CASES[case]
    data = read_table(f"{data_name}_data")
    return kaplan_meier(data["time"], data["event"], conf_level=level)


@pytest.mark.parametrize("case", CASES)
def test_step_function_equals_survfit(case):
    km, r = fit(case), read_table(f"{case}_survfit")
    np.testing.assert_array_equal(km.time, r["time"])
    np.testing.assert_array_equal(km.n_risk, r["n_risk"])
    np.testing.assert_array_equal(km.n_event, r["n_event"])
    np.testing.assert_array_equal(km.n_censor, r["n_censor"])
    np.testing.assert_allclose(km.survival, r["survival"], rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(km.std_err, r["std_err"], rtol=1e-12)
    np.testing.assert_allclose(km.lower, r["lower"], rtol=1e-12)  # nan where R has NA
    np.testing.assert_allclose(km.upper, r["upper"], rtol=1e-12)


def test_lung_has_ties_censorings_and_186_distinct_times():
    # the fixture exercises what it should: tied deaths, and deaths and censorings at one time
    km = fit("lung")
    assert km.time.size == 186 and km.n_event.sum() == 165 and km.n_censor.sum() == 63
    assert km.n_event.max() >= 2 and np.any((km.n_event > 0) & (km.n_censor > 0))


def test_curve_that_reaches_zero_has_infinite_error_and_no_limits():
    km = fit("aml_nonmaintained")
    assert km.survival[-1] == 0.0 and km.std_err[-1] == math.inf
    assert math.isnan(km.lower[-1]) and math.isnan(km.upper[-1])


@pytest.mark.parametrize("case", CASES)
def test_survival_and_numbers_at_risk_at_given_times_equal_summary(case):
    km, r = fit(case), read_table(f"{case}_summary")
    np.testing.assert_allclose(km.at(r["time"]), r["survival"], rtol=1e-14)
    np.testing.assert_array_equal(km.n_risk_at(r["time"]), r["n_risk"])


@pytest.mark.parametrize("case", CASES)
def test_quantiles_equal_quantile_survfit(case):
    km, r = fit(case), read_table(f"{case}_quantile")
    found = [km.quantile(p) for p in r["p"]]
    np.testing.assert_array_equal(found, r["time"])  # nan where R has NA (not reached)


def test_at_is_right_continuous_and_keeps_the_shape_of_its_argument():
    km = kaplan_meier([1.0, 2.0, 4.0], [1, 1, 1])
    assert km.at(2.0).shape == ()
    assert km.at(np.nextafter(2.0, 0.0)) == pytest.approx(2 / 3)
    assert km.at(2.0) == pytest.approx(1 / 3)
    assert km.at([[0.0, 5.0]]).tolist() == [[1.0, 0.0]]


def test_order_of_subjects_does_not_matter():
    data = read_table("lung_data")
    order = np.random.default_rng(7).permutation(data["time"].size)
    shuffled = kaplan_meier(data["time"][order], data["event"][order].astype(bool))
    np.testing.assert_array_equal(shuffled.survival, fit("lung").survival)


def test_bad_input_lists_every_problem():
    with pytest.raises(ModelError) as caught:
        kaplan_meier([1.0, -2.0, math.nan], [1, 2, 0], conf_level=1.0)
    assert [str(p) for p in caught.value.problems] == [
        "kaplan_meier: time[1]: -2.0 is not a finite time >= 0; expected a time >= 0",
        "kaplan_meier: time[2]: nan is not a finite time >= 0; expected a time >= 0",
        "kaplan_meier: event[1]: 2 is not 0 or 1; expected 1 for an event, 0 for censored",
        "kaplan_meier: conf_level 1.0 is outside (0, 1); expected a level such as 0.95",
    ]
    with pytest.raises(ModelError, match="3 times but 2 events"):
        kaplan_meier([1, 2, 3], [1, 0])
    with pytest.raises(ModelError, match="no subjects"):
        kaplan_meier([], [])
    with pytest.raises(ModelError, match="outside"):
        kaplan_meier([1], [1]).quantile(1.5)


def test_docstring_examples():
    assert doctest.testmod(km_module).failed == 0
